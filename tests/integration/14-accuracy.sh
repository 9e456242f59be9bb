#!/usr/bin/env bash
# The accuracy guard: on loopback the measured offset must be within tens
# of microseconds of the truth, against ntp-testd (+0.25 s exactly) and a
# real chronyd on the same clock (0).  The median |error| of seven runs of
# ntpdate -q and of sntp must be at most 50 us: a regression such as T1
# taken 300 us early (an error of ~150 us) fails it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

LIMIT=0.000050
RUNS=7
SN=$NTPT_BUILD/sntp

ntpt_start_testd 127.0.0.1,offset=0.25
ntpt_start_chronyd c1 "local stratum 10" "allow all" "bindaddress 127.0.0.2"

# median_error TRUTH OFFSET...: the median of |OFFSET - TRUTH|.
median_error() {
	local truth=$1
	shift
	printf '%s\n' "$@" | awk -v t="$truth" '{ e = $1 - t
		print (e < 0 ? -e : e) }' | sort -g |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# guard WHAT TRUTH OFFSET...: the median error within LIMIT.
guard() {
	local what=$1 truth=$2 m
	shift 2
	[ "$#" -eq "$RUNS" ] || ntpt_fail "$what: $# offsets of $RUNS runs"
	m=$(median_error "$truth" "$@")
	echo "$what: median |error| $m s over $RUNS runs ($*)" >&2
	awk -v m="$m" -v l="$LIMIT" 'BEGIN { exit !(m != "" && m <= l) }' ||
	    ntpt_fail "$what: median |error| $m s over $LIMIT s"
}

# ntpdate -q: the offset on its final line.
nd_offsets() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		timeout 10 "$ND" -q "$1" 2>/dev/null | tail -n 1 |
		    sed -nE 's/.* offset ([-+][0-9.]+) sec$/\1/p'
	done
}

# sntp: the offset, the fourth field of its result line.
sn_offsets() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		timeout 10 "$SN" -t 2 "$1" 2>/dev/null |
		    awk '$7 == "'"$1"'" || $6 == "'"$1"'" { print $4 }' |
		    tail -n 1
	done
}

# shellcheck disable=SC2046 # one word per run
guard "ntpdate, ntp-testd" 0.25 $(nd_offsets 127.0.0.1)
# shellcheck disable=SC2046
guard "ntpdate, chronyd" 0 $(nd_offsets 127.0.0.2)
# shellcheck disable=SC2046
guard "sntp, ntp-testd" 0.25 $(sn_offsets 127.0.0.1)
# shellcheck disable=SC2046
guard "sntp, chronyd" 0 $(sn_offsets 127.0.0.2)
ntpt_pass
