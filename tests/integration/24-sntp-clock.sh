#!/usr/bin/env bash
# sntp -S / -s / -M with every clock call traced and faked (ntpt_fake_clock):
# the values it tried to set.  -S steps (clock_settime to now + offset), -s
# slews (adjtime: clock_adjtime ADJ_OFFSET_SINGLESHOT, offset in us), both
# step at |offset| >= -M ms (default 500) and slew below; -s refuses what
# adjtime cannot take; no -S/-s, or no usable server, no clock call at all;
# JSON "adjusted"; era 1.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

command -v strace >/dev/null || ntpt_skip "strace not installed"

# fc NAME ARGS...: sntp ARGS under ntpt_fake_clock, in the foreground:
# stdout in $NTPT_TMP/NAME.log, stderr in NAME.err, status in NAME.rc, the
# clock calls in NAME.calls; the time just before and after in NAME.t0 and
# NAME.t1.  The KoD database is off.
fc() {
	local name=$1 rc
	shift
	date +%s.%N >"$NTPT_TMP/$name.t0"
	ntpt_fake_clock timeout -k 2 30 "$SN" -K /dev/null "$@" \
	    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
	rc=$?
	date +%s.%N >"$NTPT_TMP/$name.t1"
	echo "$rc" >"$NTPT_TMP/$name.rc"
	ntpt_clock_calls >"$NTPT_TMP/$name.calls"
}
calls() { cat "$NTPT_TMP/$1.calls"; }
# no_calls NAME: not one clock call.
no_calls() {
	ntpt_assert_eq "$(calls "$1")" "" "$1: clock calls"
}
# stepped NAME OFFSET TOL: exactly one call, a clock_settime(CLOCK_REALTIME)
# to the time of the run + OFFSET, within TOL s (plus the run's length).
stepped() {
	local c t0 t1 v
	c=$(calls "$1")
	ntpt_assert_eq "$(wc -l <<<"$c")" 1 "$1: one clock call"
	ntpt_assert_match '^clock_settime\(CLOCK_REALTIME, \{tv_sec=[0-9]+, tv_nsec=[0-9]+\}\) = 0' \
	    "$c" "$1: step"
	v=$(sed -E 's/.*tv_sec=([0-9]+), tv_nsec=([0-9]+).*/\1 \2/' <<<"$c" |
	    awk '{ printf "%.9f", $1 + $2 / 1e9 }')
	t0=$(cat "$NTPT_TMP/$1.t0") t1=$(cat "$NTPT_TMP/$1.t1")
	ntpt_assert_near "$v" "$(awk -v a="$t0" -v b="$t1" -v o="$2" \
	    'BEGIN { printf "%.9f", (a + b) / 2 + o }')" \
	    "$(awk -v a="$t0" -v b="$t1" -v t="$3" \
	    'BEGIN { printf "%.9f", (b - a) / 2 + t }')" "$1: time stepped to"
}
# slewed NAME USEC TOL: exactly one call, an adjtime() of USEC +/- TOL us
# (glibc: clock_adjtime, ADJ_OFFSET_SINGLESHOT; only offset= is matched, as
# strace versions spell the modes differently).
slewed() {
	local c
	c=$(calls "$1")
	ntpt_assert_eq "$(wc -l <<<"$c")" 1 "$1: one clock call"
	ntpt_assert_match '^clock_adjtime\(CLOCK_REALTIME, \{.*[{ ]offset=-?[0-9]+,' \
	    "$c" "$1: slew"
	ntpt_assert_near "$(sed -E 's/.*[{ ]offset=(-?[0-9]+),.*/\1/' <<<"$c")" \
	    "$2" "$3" "$1: slew offset (us)"
}
line_offset() {
	awk 'NR > 1 { print $4 }' "$NTPT_TMP/$1.log"
}

S0=$(date +%s.%N)
ntpt_start_testd 127.0.0.1,offset=5 127.0.0.2,offset=-0.1 \
    127.0.0.3,offset=0.1 127.0.0.4,offset=3000 127.0.0.5,offset=-5 \
    127.0.0.6,offset=-0.1,leap=3 127.0.0.7,time=2100000000 \
    127.0.0.8,offset=-3000 127.0.0.9,offset=0.4 127.0.0.10,offset=0.6 \
    127.0.0.11,offset=5 127.0.0.12,offset=5 127.0.0.13,offset=-5 \
    127.0.0.14,offset=2100 127.0.0.15,offset=-2100 127.0.0.16,offset=2200 \
    127.0.0.17,offset=0.0004
S1=$(date +%s.%N)

# -S: step to now + 5 s; the result line is printed as without -S.
fc step5 -S 127.0.0.1
rc_is step5 0
stepped step5 5 1
ntpt_assert_near "$(line_offset step5)" 5 0.005 "step5: printed offset"
ntpt_assert_eq "$(err step5)" "" "step5: stderr"

fc stepm5 -S 127.0.0.5
rc_is stepm5 0
stepped stepm5 -5 1

# -s: adjtime by -0.1 s = -100000 us.
fc slew -s 127.0.0.2
rc_is slew 0
slewed slew -100000 5000
ntpt_assert_eq "$(err slew)" "" "slew: stderr"

# -S -s, default -M 500: 0.1 s is slewed, 0.6 s stepped, 0.4 s slewed.
fc both -S -s 127.0.0.3
rc_is both 0
slewed both 100000 5000
fc both06 -S -s 127.0.0.10
rc_is both06 0
stepped both06 0.6 1
fc both04 --step --slew 127.0.0.9
rc_is both04 0
slewed both04 400000 5000

# -S -s -M 50: 0.1 s is stepped (now + 0.1), -0.1 s too.
fc bothm -S -s -M 50 127.0.0.3
rc_is bothm 0
stepped bothm 0.1 0.5
fc bothmn -S -s --steplimit=50 127.0.0.2
rc_is bothmn 0
stepped bothmn -0.1 0.5
# -M in fractions of a millisecond: 0.4 ms is slewed under -M 0.5 and
# stepped under -M 0.3.
fc fracs -S -s -M 0.5 127.0.0.17
rc_is fracs 0
slewed fracs 400 100
fc fract -S -s -M 0.3 127.0.0.17
rc_is fract 0
stepped fract 0.0004 0.5
# -M alone changes nothing: no clock call.
fc monly -M 50 127.0.0.3
rc_is monly 0
no_calls monly

# No -S/-s: no clock call at all.
fc query 127.0.0.1 127.0.0.11
rc_is query 0
no_calls query
ntpt_assert_eq "$(out query | wc -l)" 1 "query: lines"

# -s with 3000 s: beyond adjtime's 2145 s, refused, exit 1, no call.
fc big -s 127.0.0.4
rc_is big 1
no_calls big
ntpt_assert_match '^sntp: offset \+(3000\.0|2999\.9)[0-9]* s is too large to slew \(adjtime accepts at most 2145 s\); use -S to step$' \
    "$(err big)" "big: message"
ntpt_assert_near "$(line_offset big)" 3000 0.005 "big: line still printed"
fc bigneg -s 127.0.0.8
rc_is bigneg 1
no_calls bigneg
ntpt_assert_match '^sntp: offset -(3000\.0|2999\.9)[0-9]* s is too large to slew' \
    "$(err bigneg)" "bigneg: message"
# Up to 2145 s adjtime takes it: 2100 s and -2100 s are slewed, 2200 s not.
fc slew2100 -s 127.0.0.14
rc_is slew2100 0
slewed slew2100 2100000000 5000
fc slewm2100 -s 127.0.0.15
rc_is slewm2100 0
slewed slewm2100 -2100000000 5000
fc slew2200 -s 127.0.0.16
rc_is slew2200 1
no_calls slew2200
ntpt_assert_match '^sntp: offset \+(2200\.0|2199\.9)[0-9]* s is too large to slew' \
    "$(err slew2200)" "slew2200: message"
# ... with -S it is stepped, with -S -s too (3000 s >= 500 ms).
fc bigstep -S 127.0.0.4
rc_is bigstep 0
stepped bigstep 3000 1
fc bigboth -S -s -j 127.0.0.4
rc_is bigboth 0
stepped bigboth 3000 1
ntpt_assert_match '^\{"result":true,.*"adjusted":"step","error":null\}$' \
    "$(tail -n 1 "$NTPT_TMP/bigboth.log")" "bigboth: JSON adjusted"
# -S -s with a step limit above the offset: a slew, too big; the advice
# differs.
fc bigm -S -s -M 3600000 127.0.0.4
rc_is bigm 1
no_calls bigm
ntpt_assert_match '^sntp: offset \+(3000\.0|2999\.9)[0-9]* s is too large to slew \(adjtime accepts at most 2145 s\); lower the step limit \(-M\)$' \
    "$(err bigm)" "bigm: message"
fc bigj -s -j 127.0.0.4
rc_is bigj 1
no_calls bigj
ntpt_assert_match '^\{"result":false,.*"adjusted":null,"error":"slew_too_big"\}$' \
    "$(tail -n 1 "$NTPT_TMP/bigj.log")" "bigj: JSON error"

# JSON "adjusted":"slew".
fc slewj -s -j 127.0.0.2
rc_is slewj 0
slewed slewj -100000 5000
ntpt_assert_match '"adjusted":"slew","error":null\}$' \
    "$(tail -n 1 "$NTPT_TMP/slewj.log")" "slewj: JSON adjusted"

# No usable server: exit 1, no clock call, with -S, -s or both.
fc unsync -S -s 127.0.0.6
rc_is unsync 1
no_calls unsync
ntpt_assert_match '^sntp: server 127\.0\.0\.6: not synchronized' \
    "$(err unsync)" "unsync: reason"
fc silent -S -t 0.5 127.0.0.99
rc_is silent 1
no_calls silent

# The clock is set from the selected server, not a falseticker.
fc false -S 127.0.0.13 127.0.0.11 127.0.0.12
rc_is false 0
stepped false 5 1

# The clock refuses (EPERM, as without CAP_SYS_TIME): sntp says so and
# exits 1; the result line is still printed (it is a measurement).
NTPT_FAKE_CLOCK_ERRNO=EPERM fc stepfail -S 127.0.0.1
rc_is stepfail 1
ntpt_assert_match -f '^sntp: cannot step the clock: Operation not permitted$' \
    "$NTPT_TMP/stepfail.err" "stepfail: message"
ntpt_assert_match '^clock_settime\(CLOCK_REALTIME, .* = -1 EPERM' \
    "$(calls stepfail)" "stepfail: the call"
NTPT_FAKE_CLOCK_ERRNO=EPERM fc slewfail -s 127.0.0.2
rc_is slewfail 1
ntpt_assert_match -f '^sntp: cannot slew the clock: Operation not permitted$' \
    "$NTPT_TMP/slewfail.err" "slewfail: message"

# Era 1: stepped to 2100000000 + the time ntp-testd has run (its clock
# started between S0 and S1), not to a time 136 years off.  (The bounds
# come from the clock around the runs: the test's length before this run
# depends on the machine.)
fc era1 -S 127.0.0.7
rc_is era1 0
v=$(calls era1 | sed -E 's/.*tv_sec=([0-9]+),.*/\1/')
ntpt_assert_near "$v" "$(awk -v a="$(cat "$NTPT_TMP/era1.t0")" \
    -v b="$(cat "$NTPT_TMP/era1.t1")" -v s0="$S0" -v s1="$S1" \
    'BEGIN { printf "%.3f", 2100000000 + ((a - s1) + (b - s0)) / 2 }')" \
    "$(awk -v a="$(cat "$NTPT_TMP/era1.t0")" \
    -v b="$(cat "$NTPT_TMP/era1.t1")" -v s0="$S0" -v s1="$S1" \
    'BEGIN { printf "%.3f", ((b - s0) - (a - s1)) / 2 + 1 }')" \
    "era1: tv_sec stepped to"

ntpt_pass
