#!/usr/bin/env bash
# ntpdate changing the clock, every clock call faked (ntpt_fake_clock) and
# its value checked: step (clock_settime to now + offset) and slew
# (adjtime: ADJ_OFFSET_SINGLESHOT in microseconds), the 0.5 s threshold,
# -b / -B (the last wins), -B refusing what adjtime cannot take, -q and -d
# touching nothing.  The servers are on host 2, so that ntpdate without -u
# binds port 123 here (checked in the server's log).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

ntpt_second_host
for i in 3 4 5 6 7 8 9 10 11 12; do
	ntpt_on_host2 ip addr add "192.0.2.$i/24" dev ntpt1 ||
	    ntpt_fail "cannot add 192.0.2.$i on host 2"
done
NTPT_HOST=2 ntpt_start_testd 192.0.2.2,offset=3600 192.0.2.3,offset=0.1 \
    192.0.2.4,offset=-0.3 192.0.2.5,offset=-1000 192.0.2.6,offset=0.6 \
    192.0.2.7,offset=0.4 192.0.2.8,offset=0.1,spoof 192.0.2.9,offset=0.1,dup=3 \
    192.0.2.10,silent 192.0.2.11,offset=5 192.0.2.12,offset=0.1

# The client port of the last request to ADDR.
last_port() {
	awk -v a="$1" '$2 == a { p = $4 } END { print p }' "$NTPT_TMP/testd.log"
}

# clock NAME ARGS...: run ntpdate ARGS with the clock faked; the clock
# calls in CALLS, the local time just before and after in T0, T1.
clock() {
	T0=$(date +%s.%N)
	ndf "$@"
	T1=$(date +%s.%N)
	CALLS=$(ntpt_clock_calls)
}

# stepped NAME OFFSET: exactly one call, clock_settime(CLOCK_REALTIME) to
# a time between T0 + OFFSET and T1 + OFFSET (give or take 20 ms).
stepped() {
	local t
	ntpt_assert_eq "$(grep -c . <<<"$CALLS")" 1 "$1: clock calls"
	t=$(sed -nE 's/^clock_settime\(CLOCK_REALTIME, \{tv_sec=([0-9]+), tv_nsec=([0-9]+)\}\) = 0.*/\1 \2/p' <<<"$CALLS" |
	    awk '{ printf "%d.%09d", $1, $2 }')
	[ -n "$t" ] || ntpt_fail "$1: not a clock_settime: $CALLS"
	awk -v t="$t" -v a="$T0" -v b="$T1" -v o="$2" 'BEGIN {
		exit !(t >= a + o - 0.02 && t <= b + o + 0.02) }' ||
	    ntpt_fail "$1: clock set to $t, expected $T0..$T1 + $2"
}

# slewed NAME OFFSET: exactly one call, glibc's adjtime(): clock_adjtime
# (or adjtimex) with ADJ_OFFSET_SINGLESHOT and OFFSET s in microseconds,
# give or take 20 ms.
slewed() {
	local us
	ntpt_assert_eq "$(grep -c . <<<"$CALLS")" 1 "$1: clock calls"
	us=$(sed -nE 's/^(clock_adjtime\(CLOCK_REALTIME, |adjtimex\()\{modes=ADJ_OFFSET_SINGLESHOT, offset=(-?[0-9]+),.* = 0.*/\2/p' <<<"$CALLS")
	[ -n "$us" ] || ntpt_fail "$1: not adjtime(): $CALLS"
	ntpt_assert_near "$us" "$(awk -v o="$2" 'BEGIN { printf "%d", o * 1e6 }')" \
	    20000 "$1: adjtime offset (us)"
}

# No -u: port 123.  3600 s with -b, and alone: stepped.
clock stepb -b 192.0.2.2
ntpt_assert_near "$(final stepb step 192.0.2.2)" 3600 0.02 "-b +3600: offset"
stepped stepb 3600
ntpt_assert_eq "$(last_port 192.0.2.2)" 123 "-b +3600: client port"
ntpt_assert_eq "$(cat "$NTPT_TMP/stepb.err")" "" "-b +3600: stderr"
rc_is stepb 0
clock step 192.0.2.2
ntpt_assert_near "$(final step step 192.0.2.2)" 3600 0.02 "+3600: offset"
stepped step 3600
rc_is step 0

# 0.1 s: slewed by adjtime; -0.3 s too.
clock slew 192.0.2.3
ntpt_assert_near "$(final slew adjust 192.0.2.3)" 0.1 0.02 "0.1: offset"
slewed slew 0.1
ntpt_assert_eq "$(last_port 192.0.2.3)" 123 "0.1: client port"
ntpt_assert_eq "$(cat "$NTPT_TMP/slew.err")" "" "0.1: stderr"
rc_is slew 0
clock slewneg 192.0.2.4
ntpt_assert_near "$(final slewneg adjust 192.0.2.4)" -0.3 0.02 "-0.3: offset"
slewed slewneg -0.3
rc_is slewneg 0

# The threshold: 0.6 s is stepped, 0.4 s slewed.
clock t06 192.0.2.6
ntpt_assert_near "$(final t06 step 192.0.2.6)" 0.6 0.02 "0.6: offset"
stepped t06 0.6
rc_is t06 0
clock t04 192.0.2.7
ntpt_assert_near "$(final t04 adjust 192.0.2.7)" 0.4 0.02 "0.4: offset"
slewed t04 0.4
rc_is t04 0

# -b with 0.1 s: stepped.
clock stepsmall -b 192.0.2.3
ntpt_assert_near "$(final stepsmall step 192.0.2.3)" 0.1 0.02 \
    "-b 0.1: offset"
stepped stepsmall 0.1
rc_is stepsmall 0

# -B: 3600 s is more than adjtime() takes: refused, nothing done; -1000 s
# is slewed.
clock slewbig -B 192.0.2.2
ntpt_assert_match "$(pfx slewbig)server 192\\.0\\.2\\.2: offset \\+(3600\\.0|3599\\.9)[0-9]{5} sec is too large to slew .*\$" \
    "$(cat "$NTPT_TMP/slewbig.err")" "-B +3600: message"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/slewbig.err")" 1 "-B +3600: stderr lines"
ntpt_assert_eq "$(cat "$NTPT_TMP/slewbig.log")" "" "-B +3600: stdout"
ntpt_assert_eq "$CALLS" "" "-B +3600: clock calls"
rc_is slewbig 1
clock slewk -B 192.0.2.5
ntpt_assert_near "$(final slewk adjust 192.0.2.5)" -1000 0.02 \
    "-B -1000: offset"
slewed slewk -1000
rc_is slewk 0

# -b and -B: the last one wins.
clock bB -b -B 192.0.2.6
final bB adjust 192.0.2.6 >/dev/null
slewed bB 0.6
rc_is bB 0
clock Bb -B -b 192.0.2.7
final Bb step 192.0.2.7 >/dev/null
stepped Bb 0.4
rc_is Bb 0

# -q and -d decide the same, print the same, change nothing, and use an
# unprivileged port.
for o in -q -d; do
	clock "dry$o" "$o" 192.0.2.2
	ntpt_assert_near "$(final "dry$o" step 192.0.2.2)" 3600 0.02 \
	    "$o +3600: offset"
	ntpt_assert_eq "$CALLS" "" "$o +3600: clock calls"
	[ "$(last_port 192.0.2.2)" != 123 ] ||
	    ntpt_fail "$o: client port 123"
	rc_is "dry$o" 0
	clock "dryslew$o" "$o" 192.0.2.3
	final "dryslew$o" adjust 192.0.2.3 >/dev/null
	ntpt_assert_eq "$CALLS" "" "$o 0.1: clock calls"
	rc_is "dryslew$o" 0
	clock "drybig$o" "$o" -B 192.0.2.2
	ntpt_assert_match "too large to slew" \
	    "$(cat "$NTPT_TMP/drybig$o.err")" "$o -B +3600: message"
	ntpt_assert_eq "$CALLS" "" "$o -B +3600: clock calls"
	rc_is "drybig$o" 1
done

# Port 123 shared by several servers: each reply is matched to its server
# by source address (and origin): a spoofed reply, duplicates, a silent
# server and a falseticker change nothing; the silent server is asked no
# longer than the others.
clock shared 192.0.2.8 192.0.2.9 192.0.2.10 192.0.2.12 192.0.2.11
chosen=$(chosen_of shared)
ntpt_assert_match '^192\.0\.2\.(8|9|12)$' "$chosen" "shared: chosen server"
ntpt_assert_near "$(final shared adjust "$chosen")" 0.1 0.02 "shared: offset"
slewed shared 0.1
n=0
for a in 192.0.2.8 192.0.2.9 192.0.2.12 192.0.2.11; do
	ntpt_assert_eq "$(last_port $a)" 123 "shared: client port to $a"
	[ "$(ntpt_requests $a)" -gt "$n" ] && n=$(ntpt_requests $a)
done
ntpt_assert_eq "$(ntpt_requests 192.0.2.10)" "$n" "shared: requests to the silent server"
ntpt_assert_eq "$(cat "$NTPT_TMP/shared.err")" "" "shared: stderr"
rc_is shared 0

# The clock refuses (EPERM, as without CAP_SYS_TIME): the step and the
# slew each say so, no success line is printed, and the exit status is 1.
NTPT_FAKE_CLOCK_ERRNO=EPERM clock stepfail -b 192.0.2.3
rc_is stepfail 1
ntpt_assert_match -f "$(pfx stepfail)can't step the clock: Operation not permitted\$" \
    "$NTPT_TMP/stepfail.err" "stepfail: message"
ntpt_assert_no_match -f 'time server' "$NTPT_TMP/stepfail.log" \
    "stepfail: no success line"
ntpt_assert_match '^clock_settime\(CLOCK_REALTIME, .* = -1 EPERM' "$CALLS" \
    "stepfail: the call"
NTPT_FAKE_CLOCK_ERRNO=EPERM clock slewfail 192.0.2.3
rc_is slewfail 1
ntpt_assert_match -f "$(pfx slewfail)can't slew the clock: Operation not permitted\$" \
    "$NTPT_TMP/slewfail.err" "slewfail: message"
ntpt_assert_no_match -f 'time server' "$NTPT_TMP/slewfail.log" \
    "slewfail: no success line"

# -u: an unprivileged port, the clock set all the same.
clock unpriv -u -b 192.0.2.3
final unpriv step 192.0.2.3 >/dev/null
stepped unpriv 0.1
[ "$(last_port 192.0.2.3)" != 123 ] || ntpt_fail "-u: client port 123"
rc_is unpriv 0

ntpt_pass
