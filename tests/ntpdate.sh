# tests/ntpdate.sh: helpers for the ntpdate integration tests, sourced
# after ntpt_enter_netns (tests/lib.sh).

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

# result NAME KIND ADDR EXPECTED: a -q run NAME chose ADDR as its system
# peer and printed "KIND time server ADDR offset O sec" last, O (the
# survivors' combined offset: ADDR's own when it is alone) EXPECTED
# within ADDR's error bound (delay / 2) plus 1 ms.
result() {
	local off line
	off=$(final "$1" "$2" "$3")
	line=$(grep -F "server $3, " "$NTPT_TMP/$1.log")
	ntpt_assert_match "^server ${3//./\\.}, stratum [0-9]+, offset [-+][0-9]+\\.[0-9]{6}, delay [0-9]+\\.[0-9]{5}\$" \
	    "$line" "$1: -q line"
	awk -v o="$off" -v e="$4" -v d="${line##*delay }" 'BEGIN {
		x = o - e; if (x < 0) x = -x; exit !(x <= d / 2 + 0.001) }' ||
	    ntpt_fail "$1: offset $off, expected $4 within ${line##*delay }/2"
}

# ge VALUE MIN WHAT: VALUE >= MIN.
ge() {
	awk -v v="$1" -v m="$2" 'BEGIN { exit !(v + 0 >= m + 0 && v != "") }' ||
	    ntpt_fail "$3: got '$1', expected >= $2"
}

# The smallest interval between two successive requests to ADDR (s).
min_gap() {
	ntpt_request_times "$1" | awk 'NR > 1 { d = $1 - p
		if (m == "" || d < m) m = d } { p = $1 }
		END { print m == "" ? "none" : m }'
}

# asked ADDR WHAT: ADDR got 1 to 4 requests, never two within 1.9 s (so
# never two at once).  Exact counts depend on load: on a busy machine a
# loopback round trip can exceed 2 ms, and the policy then asks again.
asked() {
	local n
	n=$(ntpt_requests "$1")
	ge "$n" 1 "$2: requests to $1"
	ge 4 "$n" "$2: requests to $1 (at most 4)"
	[ "$n" = 1 ] || ge "$(min_gap "$1")" 1.9 "$2: spacing of requests to $1"
}

# The server run NAME chose, from its final line.
chosen_of() {
	tail -n 1 "$NTPT_TMP/$1.log" |
	    sed -nE 's/.* time server ([0-9a-f.:]+) offset .*/\1/p'
}
