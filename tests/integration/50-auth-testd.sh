#!/usr/bin/env bash
# ntpdate -a and sntp -a against ntp-testd's authentication faults: a
# reply without a MAC, a forged MAC, a MAC under another key id, a
# crypto-NAK; each refused with its reason, by both programs, while an
# unauthenticated run takes the same replies.  And the key file refused
# before anything is sent: world-writable, a bad line, a FIFO, a missing
# key id, a directory.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

K=$NTPT_TMP/ntp.keys
printf '# test keys\n1 MD5 secret-md5\n2 SHA1 %s\n4000000000 MD5 big-id\n' \
    0123456789abcdef0123456789abcdef01234567 >"$K"
chmod 600 "$K"

ntpt_start_testd 127.0.0.1 127.0.0.2,mac=16,keyid=1 \
    127.0.0.3,mac=16,keyid=7 127.0.0.4,nak 127.0.0.5,mac=20,keyid=2 \
    127.0.0.6,mac=16,keyid=4000000000

# Without -a every one of them is usable (the MAC is not looked at).
nd plain -q 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5
nd_wait
rc_is plain 0
ntpt_assert_eq "$(grep -c '^server 127\.0\.0\.[1-5], stratum 2,' \
    "$NTPT_TMP/plain.log")" 5 "plain: every server usable"

# check NAME ADDR KEY REASON: ntpdate -q -a KEY refused ADDR with REASON
# (the runs go in parallel first).
check() {
	rc_is "$1" 1
	ntpt_assert_match "$(pfx "$1")server ${2//./\\.}: $4\$" \
	    "$(cat "$NTPT_TMP/$1.err")" "$1: reason"
	ntpt_assert_match "no server suitable for synchronization found" \
	    "$(cat "$NTPT_TMP/$1.err")" "$1: verdict"
	# No authentic reply: no -q line (as classic for a server without
	# data).
	ntpt_assert_eq "$(cat "$NTPT_TMP/$1.log")" "" "$1: no -q line"
}
nd nomac -q -t 0.5 -a 1 -k "$K" 127.0.0.1
nd forged -q -t 0.5 -a 1 -k "$K" 127.0.0.2
nd keyid -q -t 0.5 -a 1 -k "$K" 127.0.0.3
nd nak -q -t 0.5 -a 1 -k "$K" 127.0.0.4
nd forged20 -q -t 0.5 -a 2 -k "$K" 127.0.0.5
nd forgedd -d -t 0.5 -a 1 -k "$K" 127.0.0.2
nd_wait
check nomac 127.0.0.1 1 'reply is not authenticated \(no MAC\)'
check forged 127.0.0.2 1 'reply MAC does not verify \(wrong key\?\)'
check keyid 127.0.0.3 1 'reply is signed with another key id'
check nak 127.0.0.4 1 'crypto-NAK: the server does not know the key'
check forged20 127.0.0.5 2 'reply MAC does not verify \(wrong key\?\)'

# A refused reply is not believed: in a clock-setting run (-d) the server
# is asked again as if it had not answered, up to 8 times (plain and -q:
# one request each).
ntpt_assert_eq "$(ntpt_requests 127.0.0.2)" 10 "forged: requests (asked again)"
rc_is forgedd 1

# sntp: the same reasons, and -j says nothing was authenticated.
sn_fg s_forged -t 1 -a 1 -k "$K" 127.0.0.2
rc_is s_forged 1
ntpt_assert_match '^sntp: server 127\.0\.0\.2: reply MAC does not verify' \
    "$(err s_forged)" "sntp forged: reason"
# Nothing authentic came: classic's line for a server without a reply.
ntpt_assert_eq "$(out s_forged)" "127.0.0.2 no UCST response after 1 seconds" \
    "sntp forged: stdout"
sn_fg s_json -j -t 1 -a 1 -k "$K" 127.0.0.1 127.0.0.4
rc_is s_json 1
ntpt_assert_match '"address":"127\.0\.0\.1".*"reason":"auth_no_mac",.*"authenticated":false' \
    "$(out s_json)" "sntp -j: no MAC"
ntpt_assert_match '"address":"127\.0\.0\.4".*"reason":"auth_crypto_nak",.*"authenticated":false' \
    "$(out s_json)" "sntp -j: crypto-NAK"
ntpt_assert_match '^\{"result":false,.*"authenticated":false' \
    "$(out s_json)" "sntp -j: result"
# A key id above 65535 (chrony's and NTPsec's go to 2^32 - 1; classic
# sntp takes them too): sent, and the forged reply under that id refused
# for its MAC, not for the id -- by both programs.
sn_fg s_bigid -t 1 -a 4000000000 -k "$K" 127.0.0.6
rc_is s_bigid 1
ntpt_assert_match '^sntp: server 127\.0\.0\.6: reply MAC does not verify' \
    "$(err s_bigid)" "sntp -a 4000000000: reason"
nd bigid -q -t 0.5 -a 4000000000 -k "$K" 127.0.0.6
nd_wait
check bigid 127.0.0.6 4000000000 'reply MAC does not verify \(wrong key\?\)'

# Without -a the JSON has no "authenticated" key at all.
sn_fg s_plain -j -t 1 127.0.0.1
rc_is s_plain 0
ntpt_assert_no_match 'authenticated' "$(out s_plain)" "sntp -j without -a"

# --- Key files refused before anything is sent.
before=$(ntpt_requests 127.0.0.1)
keyfile_refused() {	# NAME KEYID FILE ND_MESSAGE SNTP_MESSAGE
	nd "$1" -q -a "$2" -k "$3" 127.0.0.1
	nd_wait
	rc_is "$1" 1
	ntpt_assert_match "$(pfx "$1")$4" "$(cat "$NTPT_TMP/$1.err")" \
	    "$1: ntpdate message"
	sn_fg "s_$1" -a "$2" -k "$3" 127.0.0.1
	rc_is "s_$1" 1
	ntpt_assert_match "^sntp: $5" "$(err "s_$1")" "$1: sntp message"
}
cp "$K" "$NTPT_TMP/ww.keys"
chmod 666 "$NTPT_TMP/ww.keys"
keyfile_refused ww 1 "$NTPT_TMP/ww.keys" \
    "key file .*/ww\\.keys: writable by everyone: refused" \
    "key file .*/ww\\.keys: writable by everyone: refused"
printf '1 MD5 good\n2 SHA1 0123456789abcdefXX23456789abcdef01234567\n' \
    >"$NTPT_TMP/bad.keys"
chmod 600 "$NTPT_TMP/bad.keys"
keyfile_refused badline 1 "$NTPT_TMP/bad.keys" \
    "key file .*/bad\\.keys, line 2: hex key with a non-hex digit" \
    "key file .*/bad\\.keys, line 2: hex key with a non-hex digit"
mkfifo "$NTPT_TMP/fifo.keys"
keyfile_refused fifo 1 "$NTPT_TMP/fifo.keys" \
    "key file .*/fifo\\.keys: not a regular file" \
    "key file .*/fifo\\.keys: not a regular file"
keyfile_refused unknown 5 "$K" "authentication key 5 unknown\$" \
    "Authentication with keyID 5 requested, but no matching keyID found in <$K>!\$"
keyfile_refused missing 1 "$NTPT_TMP/none" \
    "no key file <$NTPT_TMP/none>, exiting\$" \
    "Authentication with keyID 1 requested, but no matching keyID found"
keyfile_refused dir 1 "$NTPT_TMP" "key file $NTPT_TMP: not a regular file" \
    "key file $NTPT_TMP: not a regular file"
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" "$before" \
    "requests after refused key files"

ntpt_pass
