#!/usr/bin/env bash
# ntpdate against a real chronyd: one serving its own clock (local stratum
# 10) on port 123 of the wildcard addresses, as on a host running chronyd
# (ntpdate without -u must give up at once, with -u it works), and one
# unsynchronised (no sources, no local) on host 2.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"

ND=$NTPT_BUILD/ntpdate
[ -x "$ND" ] || ntpt_fail "$ND not built (make ntpdate)"

# nd NAME ARGS...: run ntpdate ARGS in the background, bounded in time:
# stdout in $NTPT_TMP/NAME.log, stderr in NAME.err, exit status in NAME.rc,
# PID in NAME.pid.  ndx NAME CMD... runs CMD instead (it must exec ntpdate).
# nd_wait waits for them all.  Only -q/-d runs (no clock change) go here.
ND_JOBS=()
ndx() {
	local name=$1
	shift
	(
		# shellcheck disable=SC2016 # for the inner shell
		timeout -k 2 60 bash -c 'echo $$ >"$0"; exec "$@"' \
		    "$NTPT_TMP/$name.pid" "$@" \
		    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
		echo $? >"$NTPT_TMP/$name.rc"
	) &
	ND_JOBS+=("$!")
}
nd() {
	local name=$1
	shift
	ndx "$name" "$ND" "$@"
}
nd_wait() {
	local pid
	for pid in "${ND_JOBS[@]}"; do
		wait "$pid"
	done
	ND_JOBS=()
}

# ndf NAME ARGS...: run ntpdate ARGS in the foreground, bounded in time,
# with every clock call faked (ntpt_fake_clock, whose log one run at a
# time may use): stdout in $NTPT_TMP/NAME.log, stderr in NAME.err, exit
# status in NAME.rc, PID in NAME.pid.
ndf() {
	local name=$1
	shift
	# shellcheck disable=SC2016 # for the inner shell
	ntpt_fake_clock timeout -k 2 60 bash -c 'echo $$ >"$0"; exec "$@"' \
	    "$NTPT_TMP/$name.pid" "$ND" "$@" \
	    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
	echo $? >"$NTPT_TMP/$name.rc"
}

# The message prefix of run NAME: "%e %b %H:%M:%S ntpdate[PID]: ".
pfx() {
	printf '^( [1-9]|[12][0-9]|3[01]) '
	printf '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) '
	printf '([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] '
	printf 'ntpdate\\[%s\\]: ' "$(cat "$NTPT_TMP/$1.pid")"
}

# rc_is NAME STATUS
rc_is() {
	ntpt_assert_eq "$(cat "$NTPT_TMP/$1.rc")" "$2" "$1: exit status"
}

# The offset in the -q line "server ADDR, stratum N, offset O, delay D".
q_offset() {
	awk -v a="server $2," 'index($0, a) == 1 {
		sub(/.*, offset /, ""); sub(/,.*/, ""); print }' \
	    "$NTPT_TMP/$1.log"
}

# final NAME KIND ADDR: NAME's last stdout line must be "KIND time server
# ADDR offset O sec" with the prefix; prints O.
final() {
	local last re
	last=$(tail -n 1 "$NTPT_TMP/$1.log")
	re="$(pfx "$1")$2 time server ${3//./\\.} offset [-+][0-9]+\\.[0-9]{6} sec\$"
	ntpt_assert_match "$re" "$last" "$1: final line"
	printf '%s\n' "$last" | sed -E 's/.* offset ([-+][0-9.]+) sec$/\1/'
}

# result NAME KIND ADDR EXPECTED: a -q run NAME chose ADDR and printed
# "KIND time server ADDR offset O sec" last, O as on ADDR's -q line and
# EXPECTED within that sample's error bound (delay / 2) plus 1 ms.
result() {
	local off line
	off=$(final "$1" "$2" "$3")
	line=$(grep -F "server $3, " "$NTPT_TMP/$1.log")
	ntpt_assert_match "^server ${3//./\\.}, stratum [0-9]+, offset [-+][0-9]+\\.[0-9]{6}, delay [0-9]+\\.[0-9]{5}\$" \
	    "$line" "$1: -q line"
	ntpt_assert_eq "$(q_offset "$1" "$3")" "$off" "$1: -q and final offsets"
	awk -v o="$off" -v e="$4" -v d="${line##*delay }" 'BEGIN {
		x = o - e; if (x < 0) x = -x; exit !(x <= d / 2 + 0.001) }' ||
	    ntpt_fail "$1: offset $off, expected $4 within ${line##*delay }/2"
}

command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"

# Serving: the wildcard address, port 123, IPv4 and IPv6 (chronyd's default
# binding, as on a host where chronyd runs).
ntpt_start_chronyd local "local stratum 10" "allow all"
# Unsynchronised: on host 2 (192.0.2.2), so that it does not share the port.
ntpt_second_host
NTPT_HOST=2 ntpt_start_chronyd nosync "allow all"

nd served -q 127.0.0.1
nd served6 -q ::1
nd unsynced -q 192.0.2.2
nd_wait

# The same clock on both sides: offset 0 within 1 ms, stratum 10.
result served adjust 127.0.0.1 0
ntpt_assert_match '^server 127\.0\.0\.1, stratum 10, ' \
    "$(head -n 1 "$NTPT_TMP/served.log")" "served: stratum"
ntpt_assert_near "$(q_offset served 127.0.0.1)" 0 0.001 "served: offset"
ntpt_assert_eq "$(cat "$NTPT_TMP/served.err")" "" "served: stderr"
rc_is served 0
result served6 adjust ::1 0
ntpt_assert_match '^server ::1, stratum 10, ' \
    "$(head -n 1 "$NTPT_TMP/served6.log")" "served ::1: stratum"
rc_is served6 0

# A chronyd without a source answers leap 3, stratum 0: unsynchronised (not
# a kiss), nothing suitable.
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/unsynced.err")" 2 "unsynced: stderr lines"
ntpt_assert_match "$(pfx unsynced)server 192\\.0\\.2\\.2: unsynchronised \\(leap 3\\)\$" \
    "$(head -n 1 "$NTPT_TMP/unsynced.err")" "unsynced: reason line"
ntpt_assert_match "$(pfx unsynced)no server suitable for synchronization found\$" \
    "$(tail -n 1 "$NTPT_TMP/unsynced.err")" "unsynced: last line"
rc_is unsynced 1

# Port 123 held by chronyd: without -u ntpdate binds it, fails and says so,
# touching nothing (clock calls faked).
ndf inuse 127.0.0.1
ntpt_assert_match "$(pfx inuse)the NTP socket is in use, exiting\$" \
    "$(cat "$NTPT_TMP/inuse.err")" "port in use: message"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/inuse.err")" 1 "port in use: stderr lines"
ntpt_assert_eq "$(cat "$NTPT_TMP/inuse.log")" "" "port in use: stdout"
ntpt_assert_eq "$(ntpt_clock_calls)" "" "port in use: clock calls"
rc_is inuse 1
# The same with -b, and over IPv6 (one family's port is enough).
for r in -b:127.0.0.1 -6:::1; do
	o=${r%%:*}
	ndf "inuse$o" "$o" "${r#*:}"
	ntpt_assert_match "$(pfx "inuse$o")the NTP socket is in use, exiting\$" \
	    "$(cat "$NTPT_TMP/inuse$o.err")" "port in use $o: message"
	rc_is "inuse$o" 1
done

# -u: an unprivileged port; the query works and the clock is slewed by the
# (tiny) offset.
ndf unpriv -u 127.0.0.1
off=$(final unpriv adjust 127.0.0.1)
ntpt_assert_near "$off" 0 0.001 "-u: offset"
ntpt_assert_eq "$(cat "$NTPT_TMP/unpriv.err")" "" "-u: stderr"
rc_is unpriv 0
calls=$(ntpt_clock_calls)
ntpt_assert_eq "$(grep -c . <<<"$calls")" 1 "-u: clock calls"
us=$(sed -nE 's/^(clock_adjtime\(CLOCK_REALTIME, |adjtimex\()\{modes=ADJ_OFFSET_SINGLESHOT, offset=(-?[0-9]+),.*/\2/p' <<<"$calls")
ntpt_assert_near "$us" "$(awk -v o="$off" 'BEGIN { printf "%d", o * 1e6 }')" 1 \
    "-u: adjtime offset (us)"

ntpt_pass
