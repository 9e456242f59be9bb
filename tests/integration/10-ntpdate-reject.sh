#!/usr/bin/env bash
# ntpdate against ntp-testd, replies it must not use, and why it says so:
# Kiss-o'-Death (RATE, DENY, RSTR, other) beside a good server and alone,
# unsynchronised servers (leap 3, stratum 0, stratum 16, an unsynchronised
# chronyd's header), wrong origin, short or malformed replies, versions,
# wrong mode, zero timestamps, reference time out of range, root distance,
# round-trip delay.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

ntpt_start_testd \
    127.0.0.1,kod=RATE 127.0.0.2,offset=0.25 \
    127.0.0.3,kod=RATE \
    127.0.0.4,kod=DENY 127.0.0.5,offset=0.25 \
    127.0.0.6,kod=DENY \
    127.0.0.7,kod=RSTR \
    127.0.0.8,kod=XMPL \
    127.0.0.9,leap=3 \
    127.0.0.10,stratum=16 \
    127.0.0.11,unsync \
    127.0.0.12,unsync 127.0.0.13,offset=0.25 \
    127.0.0.14,wrong_origin \
    127.0.0.15,truncate=40 \
    127.0.0.16,mode=3 \
    127.0.0.17,zero_xmt \
    127.0.0.18,zero_rec \
    127.0.0.19,stratum=0,refid=0x01020304 \
    127.0.0.20,refage=100000 \
    127.0.0.21,refage=-10 \
    127.0.0.22,rootdisp=2 \
    127.0.0.23,dreq=8.5 \
    127.0.0.24,kod=DENY,wrong_origin \
    127.0.0.25,version=5 \
    127.0.0.26,version=1,offset=0.25 \
    127.0.0.27,offset=0.25,ext,truncate=60 \
    127.0.0.28,offset=0.25,ext,truncate=50 \
    127.0.0.29,leap=3

# Servers that answer at once, one run at a time; then the ones whose bad
# replies are not provably from the server (ntpdate waits for a real one).
for r in "rate -q 127.0.0.1 127.0.0.2" "ratealone -q 127.0.0.3" \
    "deny -q 127.0.0.4 127.0.0.5" "denyalone -q 127.0.0.6" \
    "rstr -q 127.0.0.7" "kodother -q 127.0.0.8" \
    "leap3 -q 127.0.0.9" "stratum16 -q 127.0.0.10" "unsync -q 127.0.0.11" \
    "unsyncgood -q 127.0.0.12 127.0.0.13" \
    "zeroxmt -q 127.0.0.17" "zerorec -q 127.0.0.18" \
    "stratum0 -q 127.0.0.19" "refold -q 127.0.0.20" \
    "reffuture -q 127.0.0.21" "rootdist -q 127.0.0.22" \
    "version1 -q 127.0.0.26" "p2leap -q -p 2 127.0.0.29"; do
	# shellcheck disable=SC2086 # words on purpose
	nd $r
	nd_wait
done
nd origin -d 127.0.0.14
nd short -d 127.0.0.15
nd mode -d 127.0.0.16
nd kodorigin -d 127.0.0.24
nd version5 -d 127.0.0.25
nd layout -d 127.0.0.27
nd layout4 -d 127.0.0.28
nd delay -q -t 10 127.0.0.23
nd_wait

# fails NAME ADDR REASON_RE: run NAME found nothing: stderr is exactly the
# reason line for ADDR, then the classic failure line; exit status 1.
# A -d run (it follows the sampling policy; -q asks once, as classic) has
# classic's dump on stdout and our detail lines on stderr.
fails() {
	local p
	p=$(pfx "$1")
	if grep -q '^transmit(' "$NTPT_TMP/$1.log"; then
		ntpt_assert_match -f "^${2//./\\.}: Server dropped: no data\$" \
		    "$NTPT_TMP/$1.log" "$1: -d line"
		ntpt_assert_match -f "${p}server ${2//./\\.}: $3\$" \
		    "$NTPT_TMP/$1.err" "$1: reason line"
		ntpt_assert_match "${p}no server suitable for synchronization found\$" \
		    "$(tail -n 1 "$NTPT_TMP/$1.err")" "$1: last line"
		rc_is "$1" 1
		return
	fi
	ntpt_assert_eq "$(wc -l <"$NTPT_TMP/$1.err")" 2 "$1: stderr lines"
	ntpt_assert_match "${p}server ${2//./\\.}: $3\$" \
	    "$(head -n 1 "$NTPT_TMP/$1.err")" "$1: reason line"
	ntpt_assert_match "${p}no server suitable for synchronization found\$" \
	    "$(tail -n 1 "$NTPT_TMP/$1.err")" "$1: last line"
	# As classic: a -q line only for a reply that reached the filter
	# (stratum 0 shown as 16), none for a dropped or missing one.
	[ -s "$NTPT_TMP/$1.log" ] && ntpt_assert_match \
	    "^server ${2//./\\.}, stratum [0-9]+, offset [-+][0-9]+\\.[0-9]{6}, delay [0-9]+\\.[0-9]{5}\$" \
	    "$(cat "$NTPT_TMP/$1.log")" "$1: -q line"
	rc_is "$1" 1
}
# qline NAME ADDR STRATUM: run NAME printed classic's -q line for ADDR with
# STRATUM and an offset near 0 (the servers here are not offset).
qline() {
	ntpt_assert_match "^server ${2//./\\.}, stratum $3, offset [-+]0\\.0[0-9]{5}, delay [0-9]+\\.[0-9]{5}\$" \
	    "$(cat "$NTPT_TMP/$1.log")" "$1: -q line (classic: stratum, offset)"
}

# KoD RATE beside a good server: reported whatever the outcome, never asked
# again; the good server is used.
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" 1 "RATE: requests"
ntpt_assert_eq "$(ntpt_requests 127.0.0.1 kod)" 1 "RATE: kisses"
ntpt_assert_match "$(pfx rate)server 127\\.0\\.0\\.1: KoD RATE \\(rate limited\\); not asking it again\$" \
    "$(cat "$NTPT_TMP/rate.err")" "RATE: message"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/rate.err")" 1 "RATE: stderr lines"
result rate adjust 127.0.0.2 0.25
rc_is rate 0
# Alone: the same message, then the failure line.
ntpt_assert_eq "$(ntpt_requests 127.0.0.3)" 1 "RATE alone: requests"
ntpt_assert_match "$(pfx ratealone)server 127\\.0\\.0\\.3: KoD RATE \\(rate limited\\); not asking it again\$" \
    "$(head -n 1 "$NTPT_TMP/ratealone.err")" "RATE alone: message"
ntpt_assert_match "$(pfx ratealone)no server suitable for synchronization found\$" \
    "$(tail -n 1 "$NTPT_TMP/ratealone.err")" "RATE alone: last line"
rc_is ratealone 1

# KoD DENY beside a good server, and alone.
ntpt_assert_eq "$(ntpt_requests 127.0.0.4)" 1 "DENY: requests"
ntpt_assert_match "$(pfx deny)server 127\\.0\\.0\\.4: KoD DENY \\(access denied\\)\$" \
    "$(cat "$NTPT_TMP/deny.err")" "DENY: reason line"
result deny adjust 127.0.0.5 0.25
rc_is deny 0
ntpt_assert_eq "$(ntpt_requests 127.0.0.6)" 1 "DENY alone: requests"
fails denyalone 127.0.0.6 'KoD DENY \(access denied\)'
fails rstr 127.0.0.7 'KoD RSTR \(access restricted\)'
fails kodother 127.0.0.8 "Kiss-o'-Death XMPL"
qline denyalone 127.0.0.6 16
qline rstr 127.0.0.7 16

# Unsynchronised servers: asked once, the reason says which field.
fails leap3 127.0.0.9 'not synchronized \(leap 3, stratum [0-9]+\)'
qline leap3 127.0.0.9 2
fails stratum16 127.0.0.10 'not synchronized \(leap [0-3], stratum 16\)'
ntpt_assert_eq "$(cat "$NTPT_TMP/stratum16.log")" "" \
    "stratum16: no -q line (classic drops stratum 16 on receipt)"
# Leap 3, stratum 0, refid 0 (an unsynchronised chronyd): not a kiss.
fails unsync 127.0.0.11 'not synchronized \(leap 3, stratum [0-9]+\)'
ntpt_assert_no_match -f 'KoD|Kiss' "$NTPT_TMP/unsync.err" "unsync: no KoD"
for a in 127.0.0.9 127.0.0.10 127.0.0.11; do
	ntpt_assert_eq "$(ntpt_requests $a)" 1 "unsynchronised $a: requests"
done
ntpt_assert_match "$(pfx unsyncgood)server 127\\.0\\.0\\.12: not synchronized \\(leap 3, stratum [0-9]+\\)\$" \
    "$(cat "$NTPT_TMP/unsyncgood.err")" "unsync + good: reason line"
result unsyncgood adjust 127.0.0.13 0.25
rc_is unsyncgood 0

# Zero timestamps.
fails zeroxmt 127.0.0.17 'reply has a zero transmit timestamp'
fails zerorec 127.0.0.18 'reply has a zero receive timestamp'

# Replies that may be forged or broken: not used.  -q asks once, as
# classic; a clock-setting run (and -d, its rehearsal) asks again while
# nobody answered (8 times in all, 2 s apart) in case a real reply comes.
fails origin 127.0.0.14 'wrong origin timestamp \(spoofed or stale reply\)'
fails short 127.0.0.15 'reply shorter than 48 bytes'
fails mode 127.0.0.16 'reply is not in server mode'
for a in 127.0.0.14 127.0.0.15 127.0.0.16; do
	ntpt_assert_eq "$(ntpt_requests $a)" 8 "$a: requests (-d)"
	ge "$(min_gap $a)" 1.9 "$a: request spacing"
done

# Stratum 0 without a kiss code (the reference ID is not ASCII).
fails stratum0 127.0.0.19 'not synchronized \(leap [0-3], stratum 0\)'
# The reference time: more than a day old, or after the transmit time.
fails refold 127.0.0.20 'server reference time is more than a day old'
fails reffuture 127.0.0.21 'server reference time is after its transmit time'
# Root distance: a root dispersion of 2 s is over the 1.5 s limit.
fails rootdist 127.0.0.22 'root distance [0-9.]+ s over the limit \(1\.5 s\)'
# A round trip of 8.5 s is over 8 s.
fails delay 127.0.0.23 'impossible round-trip delay'
for a in 127.0.0.19 127.0.0.20 127.0.0.21 127.0.0.22 127.0.0.23; do
	ntpt_assert_eq "$(ntpt_requests $a)" 1 "$a: requests"
done
# -p 2 still stops at a reply that fails a check.
fails p2leap 127.0.0.29 'not synchronized \(leap 3, stratum [0-9]+\)'
ntpt_assert_eq "$(ntpt_requests 127.0.0.29)" 1 "-p 2 leap 3: requests"

# Versions 1 to 4 are accepted; 5 is not.
result version1 adjust 127.0.0.26 0.25
rc_is version1 0
fails version5 127.0.0.25 'reply has a bad NTP version'

# A kiss with the wrong origin is not believed.
fails kodorigin 127.0.0.24 'wrong origin timestamp \(spoofed or stale reply\)'

# Malformed extension fields or MAC; a length not a multiple of 4.
fails layout 127.0.0.27 'malformed reply \(extension fields or MAC\)'
fails layout4 127.0.0.28 'malformed reply \(extension fields or MAC\)'
for a in 127.0.0.24 127.0.0.25 127.0.0.27 127.0.0.28; do
	ntpt_assert_eq "$(ntpt_requests $a)" 8 "$a: requests (-d)"
	ge "$(min_gap $a)" 1.9 "$a: request spacing"
done

ntpt_pass
