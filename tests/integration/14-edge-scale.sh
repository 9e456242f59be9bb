#!/usr/bin/env bash
# Thousands of servers: 5000 loopback addresses (127.1.0.0 on, all served
# by one ntp-testd socket on 0.0.0.0) under a descriptor limit of 1024,
# and of 40: every server is asked exactly once and answers, the right
# offset comes out, no "Too many open files"; v4-mapped spellings of the
# same addresses are merged.  (50 000 servers: bench/run.sh scale.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
SN=$NTPT_BUILD/sntp
N=5000

ntpt_start_testd "0.0.0.0,offset=0.25"
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++)
	printf "127.%d.%d.%d\n", 1 + int(i / 65536), int(i / 256) % 256, i % 256
	# the first 100 again, v4-mapped: the same servers
	for (i = 0; i < 100; i++)
		printf "::ffff:127.1.0.%d\n", i }' >"$NTPT_TMP/servers"
mapfile -t SERVERS <"$NTPT_TMP/servers"

# asked_once FROM: the log lines after line FROM name N distinct server
# addresses, each once, all answered.
asked_once() {
	tail -n +"$(($1 + 1))" "$NTPT_TMP/testd.log" >"$NTPT_TMP/part.log"
	ntpt_assert_eq "$(wc -l <"$NTPT_TMP/part.log")" $N "requests"
	ntpt_assert_eq "$(awk '{ print $2 }' "$NTPT_TMP/part.log" |
	    sort -u | wc -l)" $N "distinct server addresses asked"
	ntpt_assert_eq "$(grep -c ' replied$' "$NTPT_TMP/part.log")" $N \
	    "requests answered"
	ntpt_assert_eq "$(grep -c ' 0\.0\.0\.0 ' "$NTPT_TMP/part.log")" 0 \
	    "every request logged with the address it came to"
}

lines=$(wc -l <"$NTPT_TMP/testd.log")
(ulimit -n 1024 && exec timeout 60 "$ND" -q "${SERVERS[@]}") \
    >"$NTPT_TMP/q.log" 2>"$NTPT_TMP/q.err"
ntpt_assert_eq "$?" 0 "ntpdate -q, $N servers, ulimit -n 1024: exit status"
ntpt_assert_eq "$(grep -Ec '^server 127\.[0-9.]+, stratum 2, offset \+0\.2[45]' \
    "$NTPT_TMP/q.log")" $N "ntpdate -q: servers with an answer"
ntpt_assert_match -f 'adjust time server 127\.[0-9.]+ offset \+0\.2[45]' \
    "$NTPT_TMP/q.log" "ntpdate -q: result"
ntpt_assert_no_match -f 'Too many open files|could not be' \
    "$NTPT_TMP/q.err" "ntpdate -q: no descriptor shortage"
asked_once "$lines"

# 40 descriptors: at most 20 requests out at once, all still asked.
lines=$(wc -l <"$NTPT_TMP/testd.log")
(ulimit -n 40 && exec timeout 60 "$SN" -K /dev/null "${SERVERS[@]}") \
    >"$NTPT_TMP/s.log" 2>"$NTPT_TMP/s.err"
ntpt_assert_eq "$?" 0 "sntp, $N servers, ulimit -n 40: exit status"
ntpt_assert_match -f ' \+0\.2[45][0-9]* \+/- [0-9.]+ 127\.[0-9.]+ s2 ' \
    "$NTPT_TMP/s.log" "sntp: result"
ntpt_assert_no_match -f 'Too many open files|could not be' \
    "$NTPT_TMP/s.err" "sntp: no descriptor shortage"
asked_once "$lines"
ntpt_pass
