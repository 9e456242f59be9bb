#!/usr/bin/env bash
# --splay=S: each run waits a random 0..S s before its first request, so
# eight hosts started by cron in the same second reach the server spread
# over the window (from the server's request log: the spread of the first
# requests of 8 runs); -d says the wait; SIGTERM/SIGINT during the wait
# end the run by the signal, with a message, no request and no clock call.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
SN=$NTPT_BUILD/sntp

ntpt_start_testd "127.0.0.1,offset=0.25" "127.0.0.2,offset=0.25"

# spread ADDR: max - min of the first request time of each client port.
spread() {
	awk -v a="$1" '$2 == a && !($4 in f) { f[$4] = $1 }
	    END { for (p in f) { if (mn == "" || f[p] < mn) mn = f[p]
	    if (mx == "" || f[p] > mx) mx = f[p]; n++ }
	    printf "%d %.3f\n", n, mx - mn }' "$NTPT_TMP/testd.log"
}

# Eight runs at once without --splay: the herd (within 1 s).
for i in 1 2 3 4 5 6 7 8; do nd herd$i -q 127.0.0.2; done
nd_wait
read -r n sp <<<"$(spread 127.0.0.2)"
ntpt_assert_eq "$n" 8 "runs without --splay seen by the server"
echo "spread without --splay: $sp s" >&2
ntpt_assert_near "$sp" 0 1 "spread without --splay"

# Eight runs at once with --splay=2: spread over the 2 s window.  Eight
# uniform picks all within 0.2 s: probability under 1e-6.
for i in 1 2 3 4 5 6 7 8; do nd splay$i -q --splay=2 127.0.0.1; done
nd_wait
for i in 1 2 3 4 5 6 7 8; do rc_is splay$i 0; done
read -r n sp <<<"$(spread 127.0.0.1)"
ntpt_assert_eq "$n" 8 "runs with --splay seen by the server"
echo "spread with --splay=2: $sp s" >&2
ge "$sp" 0.2 "spread of 8 runs with --splay=2"
ge 2.5 "$sp" "spread of 8 runs with --splay=2 (at most the window)"

# -d says how long it waits.
nd dbg -q -d --splay=0.5 127.0.0.1
nd_wait
w=$(sed -nE 's/^splay: waiting ([0-9.]+) s of at most 0.5 s$/\1/p' \
    "$NTPT_TMP/dbg.log")
ntpt_assert_near "$w" 0.25 0.25 "-d splay line"

# caught PID: the process has a handler for SIGTERM (SigCgt bit 15).
caught() {
	local m
	m=$(sed -n 's/^SigCgt:\t//p' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && (( (16#$m >> 14) & 1 ))
}

before=$(ntpt_requests 127.0.0.1)
# The signals must come during the wait: --splay=3600, the longest, so
# that the random wait does not end before the test has seen the handler
# and sent the signal.  (With --splay=30, a pick shorter than that
# reaction, 0.1 to 0.3 s on a loaded machine, is a chance of 1 in 100 to
# 300 per run; the run then asked the server and the test failed.)
# SIGTERM during ntpdate's wait, clock calls faked and traced.
(
	ntpt_fake_clock timeout -k 2 60 bash -c 'echo $$ >"$0"; exec "$@"' \
	    "$NTPT_TMP/term.pid" "$ND" -b -u --splay=3600 127.0.0.1 \
	    >"$NTPT_TMP/term.log" 2>"$NTPT_TMP/term.err"
	echo $? >"$NTPT_TMP/term.rc"
) &
job=$!
ntpt_wait_until 10 test -s "$NTPT_TMP/term.pid" ||
    ntpt_fail "ntpdate --splay did not start"
pid=$(cat "$NTPT_TMP/term.pid")
ntpt_wait_until 10 caught "$pid" || ntpt_fail "ntpdate never caught SIGTERM"
kill -TERM "$pid"
wait "$job"
ntpt_assert_eq "$(cat "$NTPT_TMP/term.rc")" 143 "ntpdate killed by SIGTERM"
ntpt_assert_match -f "$(pfx term)interrupted by SIGTERM during --splay; the clock was not changed\$" \
    "$NTPT_TMP/term.log" "ntpdate's message"
ntpt_assert_eq "$(ntpt_clock_calls)" "" "clock calls after SIGTERM"
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" "$before" \
    "requests after SIGTERM during the wait"

# SIGINT during sntp -S's wait.
(
	ntpt_fake_clock timeout -k 2 60 bash -c 'echo $$ >"$0"; exec "$@"' \
	    "$NTPT_TMP/int.pid" "$SN" -K /dev/null -S --splay=3600 127.0.0.1 \
	    >"$NTPT_TMP/int.log" 2>"$NTPT_TMP/int.err"
	echo $? >"$NTPT_TMP/int.rc"
) &
job=$!
ntpt_wait_until 10 test -s "$NTPT_TMP/int.pid" ||
    ntpt_fail "sntp --splay did not start"
pid=$(cat "$NTPT_TMP/int.pid")
ntpt_wait_until 10 caught "$pid" || ntpt_fail "sntp never caught SIGTERM"
kill -INT "$pid"
wait "$job"
ntpt_assert_eq "$(cat "$NTPT_TMP/int.rc")" 130 "sntp killed by SIGINT"
ntpt_assert_eq "$(cat "$NTPT_TMP/int.err")" \
    "sntp: interrupted by SIGINT during --splay; the clock was not changed" \
    "sntp's message"
ntpt_assert_eq "$(ntpt_clock_calls)" "" "clock calls after SIGINT"
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" "$before" \
    "requests after SIGINT during the wait"

# Out of range.
nd bad -q --splay=-1 127.0.0.1
nd_wait
rc_is bad 2
# As classic's option errors, the message names the program as invoked.
sed -i "s|^$ND: |ntpdate: |" "$NTPT_TMP/bad.err"
ntpt_assert_match -f '^ntpdate: --splay: seconds must be 0 to 3600: -1$' \
    "$NTPT_TMP/bad.err" "bad --splay"
ntpt_pass
