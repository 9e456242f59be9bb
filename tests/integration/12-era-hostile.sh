#!/usr/bin/env bash
# A hostile server at the era boundary (issue 9): ntp-testd's "straddle"
# claims a clock 2^31 s + 1 ms ahead and answers 5 ms late, so that T2 - T1
# wraps past 2^31 s while T3 - T4 does not.  Averaging the two wrapped
# differences gave an offset half an era off, and ntpdate -b, -u -b and
# sntp -S tried to set the clock to 1890 or 2163.  Now every mode computes
# theta = (T3 - T4) + delta/2 and places the target in the window
# [now - 2^31 s, now + 2^31 s) (the local clock is the era pivot here): the
# server's claim, 2^31 s - ~1.4 ms ahead, is the answer, 2094, and the
# target never leaves the window.  "hold=100" claims 100 s of processing
# (T3 - T2): refused with its reason, no clock call.  Every clock call is
# faked (ntpt_fake_clock) and its value checked.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
SN=$NTPT_BUILD/sntp

ntpt_second_host
ntpt_on_host2 ip addr add 192.0.2.3/24 dev ntpt1 ||
    ntpt_fail "cannot add 192.0.2.3 on host 2"
NTPT_HOST=2 ntpt_start_testd 192.0.2.2,straddle 192.0.2.3,hold=100

HALF=2147483648

# run NAME PROG ARGS...: PROG ARGS with the clock faked, in the foreground;
# T0/T1 the time around it, CALLS the clock calls.
run() {
	local name=$1 prog=$2
	shift 2
	T0=$(date +%s.%N)
	ntpt_fake_clock timeout -k 2 60 "$prog" "$@" \
	    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
	echo $? >"$NTPT_TMP/$name.rc"
	T1=$(date +%s.%N)
	CALLS=$(ntpt_clock_calls)
}

# target NAME: the one clock_settime of the run, as seconds.
target() {
	ntpt_assert_eq "$(grep -c . <<<"$CALLS")" 1 "$1: clock calls"
	sed -nE 's/^clock_settime\(CLOCK_REALTIME, \{tv_sec=([0-9]+), tv_nsec=([0-9]+)\}\) = 0.*/\1 \2/p' \
	    <<<"$CALLS" | awk '{ printf "%s.%09d", $1, $2 }'
}

# in_window NAME: the step target lies in [T0 - 2^31, T1 + 2^31) and is
# the server's claim: T0 + 2^31 - 1 s .. T1 + 2^31 (2094, not 1958/2163).
in_window() {
	local t
	t=$(target "$1")
	[ -n "$t" ] || ntpt_fail "$1: not a clock_settime: $CALLS"
	awk -v t="$t" -v a="$T0" -v b="$T1" -v h="$HALF" 'BEGIN {
		exit !(t >= a - h && t < b + h) }' ||
	    ntpt_fail "$1: clock set to $t, outside $T0..$T1 +- 2^31 s"
	awk -v t="$t" -v a="$T0" -v b="$T1" -v h="$HALF" 'BEGIN {
		exit !(t >= a + h - 1 && t < b + h) }' ||
	    ntpt_fail "$1: clock set to $t, expected $T0..$T1 + 2^31 s - 1 ms"
	ntpt_assert_eq "$(cat "$NTPT_TMP/$1.rc")" 0 "$1: exit status"
}

# ntpdate -b on the shared port-123 socket, -u -b, and -B (too large to
# slew: refused, nothing done).
run ndb "$ND" -b 192.0.2.2
in_window ndb
run ndub "$ND" -u -b 192.0.2.2
in_window ndub
run ndB "$ND" -B 192.0.2.2
ntpt_assert_eq "$CALLS" "" "ntpdate -B: clock calls"
ntpt_assert_match 'offset \+2147483647\.99[0-9]+ sec is too large to slew' \
    "$(cat "$NTPT_TMP/ndB.err")" "ntpdate -B: message"
ntpt_assert_eq "$(cat "$NTPT_TMP/ndB.rc")" 1 "ntpdate -B: exit status"
# -q: the offset it prints is the claim, inside the window.
run ndq "$ND" -q 192.0.2.2
ntpt_assert_eq "$CALLS" "" "ntpdate -q: clock calls"
ntpt_assert_match 'offset \+2147483647\.99[0-9]+ sec$' \
    "$(tail -n 1 "$NTPT_TMP/ndq.log")" "ntpdate -q: offset"

# sntp -S steps; sntp -s refuses what adjtime cannot take, and prints the
# same offset.
run snS "$SN" -K /dev/null -S 192.0.2.2
in_window snS
run sns "$SN" -K /dev/null -s 192.0.2.2
ntpt_assert_eq "$CALLS" "" "sntp -s: clock calls"
ntpt_assert_match '^[0-9-]+ [0-9:.]+ \(\+[0-9]+\) \+2147483647\.99[0-9]+ ' \
    "$(cat "$NTPT_TMP/sns.log")" "sntp -s: printed offset"
ntpt_assert_match 'offset \+2147483647\.99[0-9]+ s is too large to slew' \
    "$(cat "$NTPT_TMP/sns.err")" "sntp -s: message"
ntpt_assert_eq "$(cat "$NTPT_TMP/sns.rc")" 1 "sntp -s: exit status"

# T3 - T2 = 100 s: not a processing time; refused with the reason.
run ndhold "$ND" -b 192.0.2.3
ntpt_assert_eq "$CALLS" "" "hold: clock calls"
ntpt_assert_match 'server 192\.0\.2\.3: server claims an impossible processing time \(T3 - T2\)$' \
    "$(cat "$NTPT_TMP/ndhold.err")" "hold: ntpdate reason"
ntpt_assert_eq "$(cat "$NTPT_TMP/ndhold.rc")" 1 "hold: ntpdate exit status"
run snhold "$SN" -K /dev/null -S 192.0.2.3
ntpt_assert_eq "$CALLS" "" "hold: sntp clock calls"
ntpt_assert_match 'impossible processing time' \
    "$(cat "$NTPT_TMP/snhold.err")" "hold: sntp reason"
ntpt_assert_eq "$(cat "$NTPT_TMP/snhold.rc")" 1 "hold: sntp exit status"

ntpt_pass
