#!/usr/bin/env bash
# ntpdate -a and sntp -a against a real chronyd serving with a keyfile
# (chrony 4.3: MD5, SHA1, AES128 CMAC), side by side with classic
# ntpdate/sntp (../shared/anchors) on the same server: same verdicts.
# Our key files in both formats (classic's and chrony's own).  A wrong
# key and a key id chronyd does not have: chronyd does not answer.  -e
# moves T1 as classic's does.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"
ANCHORS=${NTP_ANCHORS:-$NTPT_SRC/../shared/anchors}

MD5=6d792d6d64352d6b6579			# "my-md5-key"
SHA=0123456789abcdef0123456789abcdef01234567
AES=000102030405060708090a0b0c0d0e0f

# The server's keys, chrony's format; key 4 is an ASCII one.
CK=$NTPT_TMP/chrony.keys
printf '1 MD5 HEX:%s\n2 SHA1 HEX:%s\n3 AES128 HEX:%s\n4 ASCII:plain\n' \
    "$MD5" "$SHA" "$AES" >"$CK"
chmod 600 "$CK"
# The same keys for the clients, classic's format (ASCII key 1).
K=$NTPT_TMP/ntp.keys
printf '1 M my-md5-key\n2 SHA1 %s\n3 AES128CMAC %s\n4 MD5 plain\n' \
    "$SHA" "$AES" >"$K"
# Wrong keys, and a key id the server does not have.
W=$NTPT_TMP/wrong.keys
printf '1 M my-md5-kex\n2 SHA1 %s\n3 AES128CMAC %s\n9 MD5 unknown\n' \
    "${SHA%?}8" "${AES%?}e" >"$W"
chmod 600 "$K" "$W"

ntpt_start_chronyd c1 "local stratum 10" "allow all" \
    "bindaddress 127.0.0.20" "keyfile $CK"

for id in 1 2 3 4; do
	nd "q$id" -q -a "$id" -k "$K" 127.0.0.20
	sn "s$id" -j -a "$id" -k "$CK" 127.0.0.20
done
nd_wait
sn_wait
for id in 1 2 3 4; do
	rc_is "q$id" 0
	result "q$id" adjust 127.0.0.20 0
	rc_is "s$id" 0
	ntpt_assert_match '"address":"127\.0\.0\.20",.*"usable":true,.*"authenticated":true' \
	    "$(out "s$id")" "sntp -j key $id: server"
	ntpt_assert_match '^\{"result":true,.*"authenticated":true' \
	    "$(out "s$id")" "sntp -j key $id: result"
done

# Wrong key, unknown key id: chronyd drops the request; nothing is used.
for id in 1 2 3 9; do
	nd "w$id" -q -t 0.5 -a "$id" -k "$W" 127.0.0.20
done
nd_wait
for id in 1 2 3 9; do
	rc_is "w$id" 1
	ntpt_assert_match "$(pfx "w$id")server 127\\.0\\.0\\.20: no reply" \
	    "$(cat "$NTPT_TMP/w$id.err")" "wrong key $id: reason"
done

# -e 0.02: T1 20 ms later, so the offset 10 ms lower (classic ntpdate's
# authdelay; classic gives nonsense once -e exceeds the round trip).
nd e -q -a 1 -e 0.02 -k "$K" 127.0.0.20
nd_wait
rc_is e 0
ntpt_assert_near "$(q_offset e 127.0.0.20)" -0.010 0.004 "-e 0.02: offset"

# --- An on-path forger (ntp-testd relay=) answers first, with the right
# origin and a server clock 1000 s off, then passes the request on to
# chronyd and its reply back.  Unauthenticated, the forgery wins (the
# control); with -a it is refused, and the real reply is still taken.
ntpt_start_testd 127.0.0.30,relay=127.0.0.20,offset=1000,mac=16,keyid=1 \
    127.0.0.31,relay=127.0.0.20,offset=1000
# One client at a time: the relay remembers one client per address, and a
# query asks once (classic), so a relayed reply lost to another client
# would fail the run.
for r in "f0 -q 127.0.0.31" "f1 -q -a 1 -k $K 127.0.0.30" \
    "f2 -q -a 2 -k $K 127.0.0.31" "f3 -d -a 1 -k $K 127.0.0.30"; do
	# shellcheck disable=SC2086 # words on purpose
	nd $r
	nd_wait
done
sn sf -j -a 1 -k "$CK" 127.0.0.30
sn_wait
rc_is f0 0
ntpt_assert_near "$(q_offset f0 127.0.0.31)" 1000 0.01 "control: forgery taken"
rc_is f1 0
result f1 adjust 127.0.0.30 0
rc_is f2 0
result f2 adjust 127.0.0.31 0
rc_is f3 0
ntpt_assert_match '^127\.0\.0\.30: rejected reply: reply MAC does not verify' \
    "$(cat "$NTPT_TMP/f3.err")" "-d: the forgery refused"
ntpt_assert_match '^127\.0\.0\.30: verdict: system peer, weight 1\.000$' \
    "$(cat "$NTPT_TMP/f3.err")" "-d: the real reply taken"
ntpt_assert_match ', offset [-+]0\.00' "$(cat "$NTPT_TMP/f3.log")" \
    "-d: the real offset"
rc_is sf 0
ntpt_assert_match '"offset":-?0\.00[0-9]*,.*"authenticated":true' \
    "$(out sf)" "sntp: the real reply taken"

# --- Side by side with classic on the same server and key file.
if [ ! -x "$ANCHORS/ntpdate" ] || [ ! -x "$ANCHORS/sntp" ]; then
	echo "SKIP: classic ntpdate not in $ANCHORS: no side-by-side" >&2
	ntpt_pass
fi
if ldd "$ANCHORS/ntpdate" "$ANCHORS/sntp" 2>/dev/null |
    grep -q 'not found'; then
	echo "SKIP: classic ntpdate lacks libraries: no side-by-side" >&2
	ntpt_pass
fi
for id in 1 2 3 4; do
	ndx "k$id" "$ANCHORS/ntpdate" -q -a "$id" -k "$K" 127.0.0.20
done
for id in 1 2 3 9; do
	ndx "kw$id" "$ANCHORS/ntpdate" -q -t 0.5 -a "$id" -k "$W" 127.0.0.20
done
ndx ke "$ANCHORS/ntpdate" -q -a 1 -e 0.02 -k "$K" 127.0.0.20
nd_wait
for id in 1 2 3 4; do
	rc_is "k$id" 0
	ntpt_assert_match 'adjust time server 127\.0\.0\.20 offset' \
	    "$(cat "$NTPT_TMP/k$id.log")" "classic key $id: verdict"
done
for id in 1 2 3 9; do
	rc_is "kw$id" 1
	ntpt_assert_match 'no server suitable for synchronization found' \
	    "$(cat "$NTPT_TMP/kw$id.err")" "classic wrong key $id: verdict"
done
rc_is ke 0
ntpt_assert_near "$(q_offset ke 127.0.0.20)" -0.010 0.008 "classic -e 0.02 (its offsets scatter by ms under load)"

# Classic sntp: the same verdicts (exit 0 with a key chronyd has).
for id in 1 2 3; do
	timeout -k 2 20 "$ANCHORS/sntp" -K /dev/null -a "$id" -k "$K" \
	    127.0.0.20 >"$NTPT_TMP/ks$id.log" 2>&1
	ntpt_assert_eq "$?" 0 "classic sntp key $id: exit status"
	ntpt_assert_match '127\.0\.0\.20 s10 no-leap$' \
	    "$(cat "$NTPT_TMP/ks$id.log")" "classic sntp key $id: line"
done

ntpt_pass
