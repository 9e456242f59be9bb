#!/bin/bash
# Benchmark: our ntpdate and sntp against chronyd -Q and ntpdig on the
# same scenarios, in a private user + network namespace (loopback only; no
# client can change the clock there).  BENCH_N runs per client and
# scenario (default 5).  Our clients: ntpdate (-q: one request per server,
# as classic), ntpdate-d (-d: the clock-setting run's sampling policy,
# without setting the clock), ntpdate-p4 (-q -p 4: the four requests per
# server that chronyd -Q spends, combined), sntp (-j, one request).
# BENCH_SCENARIOS and BENCH_CLIENTS pick a subset.  Prints a markdown
# table; also bench/out/results.md.
#
# Scenarios (true offset of the servers in parentheses):
#   lan        one test server, 0.2 ms each way (+0.25 s)
#   chronyd    a real chronyd with `local stratum 10`, same clock (0)
#   wan        20 ms each way, 0..40 ms extra jitter on requests only (+0.25 s)
#   falseticker four servers, one 5 s off (+0.25 s)
#   jitter     three servers, 0.2 ms each way plus 0..2 ms of jitter each
#              way (+0.25 s)
#   silent     three servers, one never answers (+0.25 s)
#   many       100 servers (+0.25 s)
#   scale5k    5000 servers, ulimit -n 1024 (+0.25 s; ntpdate and sntp)
#   scale50k   50 000 servers on the command line (+0.25 s; ntpdate, sntp)
# The scale servers are loopback addresses 127.1.0.0 on, all answered by
# one ntp-testd socket on 0.0.0.0 (BENCH_SCALE_CLIENTS to change clients).
. "$(dirname "$0")/../tests/lib.sh"
NTPT_TIMEOUT=${NTPT_TIMEOUT:-3000}
NTPT_TESTD_RUNTIME=$NTPT_TIMEOUT
ntpt_enter_netns "$@"
set -u
B=$NTPT_BUILD
N=${BENCH_N:-5}
OUT=${BENCH_OUT:-$NTPT_SRC/bench/out}
mkdir -p "$OUT"
RAW=$NTPT_TMP/raw.txt
: >"$RAW"
echo "pidfile $NTPT_TMP/q.pid" >"$NTPT_TMP/q.conf"
CLIENTS=${BENCH_CLIENTS:-ntpdate ntpdate-d ntpdate-p4 sntp chronyd-Q ntpdig}

# client_cmd CLIENT ADDR...: the command line for one run.
client_cmd() {
	local c=$1 a
	shift
	case $c in
	ntpdate)	echo "$B/ntpdate -q $*" ;;
	ntpdate-d)	echo "$B/ntpdate -d $*" ;;
	ntpdate-p4)	echo "$B/ntpdate -q -p 4 $*" ;;
	sntp)		echo "$B/sntp -j $*" ;;
	chronyd-Q)	printf 'chronyd -Q -u root -f %s' "$NTPT_TMP/q.conf"
			for a; do printf " 'server %s iburst'" "$a"; done
			echo ;;
	ntpdig)		echo "ntpdig $*" ;;
	esac
}

# offset_of CLIENT FILE: the offset the client reported, in seconds.
offset_of() {
	case $1 in
	ntpdate*) awk '/ time server / { o = $(NF - 1) } END { print o }' "$2" ;;
	sntp) sed -n 's/.*"result":true.*"offset":\([-+0-9.e]*\).*/\1/p' "$2" |
		tail -1 ;;
	chronyd-Q) awk '/System clock wrong by/ {
		for (i = 1; i <= NF; i++) if ($i == "by") o = $(i + 1) }
		END { print o }' "$2" ;;
	ntpdig) awk 'NR == 1 && NF >= 4 { print $4 }' "$2" ;;
	esac
}

requests_total() {
	[ -e "$NTPT_TMP/testd.log" ] && wc -l <"$NTPT_TMP/testd.log" || echo 0
}

# run_one SCENARIO CLIENT TRUE NSERVERS ADDR...: one timed run, appended
# to $RAW as: scenario client error_s wall_s rss_kb cpu_s requests/server
run_one() {
	local sc=$1 cl=$2 truth=$3 ns=$4 cmd r0 r1 t0 t1 off
	shift 4
	cmd=$(client_cmd "$cl" "$@")
	r0=$(requests_total)
	t0=$(date +%s%N)
	(
		[ -z "${ULIMIT_N:-}" ] || ulimit -n "$ULIMIT_N"
		eval "timeout 30 /usr/bin/time -o $NTPT_TMP/time \
		    -f '%M %U %S' $cmd"
	) >"$NTPT_TMP/out" 2>&1
	t1=$(date +%s%N)
	r1=$(requests_total)
	off=$(offset_of "$cl" "$NTPT_TMP/out")
	awk -v sc="$sc" -v cl="$cl" -v off="$off" -v t="$truth" \
	    -v w=$(((t1 - t0) / 1000)) -v req=$((r1 - r0)) -v ns="$ns" \
	    -v tm="$(tail -1 "$NTPT_TMP/time")" 'BEGIN {
		split(tm, f, " ")
		err = off == "" ? "fail" : sprintf("%.9f", \
		    (off - t) < 0 ? t - off : off - t)
		printf "%s %s %s %.6f %d %.3f %s\n", sc, cl, err, w / 1e6,
		    f[1], f[2] + f[3], sc == "chronyd" ? "-" : req / ns
	}' >>"$RAW"
}

run_scenario() {
	local sc=$1 truth=$2 ns=$3 cl i
	shift 3
	[[ " ${BENCH_SCENARIOS:-$sc} " == *" $sc "* ]] || return 0
	for cl in $CLIENTS; do
		for ((i = 0; i < N; i++)); do
			run_one "$sc" "$cl" "$truth" "$ns" "$@"
		done
	done
}

addrs() {	# addrs PREFIX FROM TO
	local i
	for ((i = $2; i <= $3; i++)); do printf '%s.%d ' "$1" "$i"; done
}

specs() {	# specs SUFFIX ADDR...
	local s=$1 a
	shift
	for a; do printf '%s,%s\n' "$a" "$s"; done
}

ntpt_start_testd "127.0.1.1,offset=0.25,dreq=0.0002,dresp=0.0002" \
    "127.0.2.1,offset=0.25,dreq=0.02,dresp=0.02,jreq=0.04" \
    "127.0.3.1,offset=0.25,dreq=0.0002,dresp=0.0002" \
    "127.0.3.2,offset=0.25,dreq=0.0002,dresp=0.0002" \
    "127.0.3.3,offset=0.25,dreq=0.0002,dresp=0.0002" \
    "127.0.3.4,offset=5.25,dreq=0.0002,dresp=0.0002" \
    "127.0.4.1,offset=0.25,dreq=0.0002,dresp=0.0002" \
    "127.0.4.2,offset=0.25,dreq=0.0002,dresp=0.0002" \
    "127.0.4.3,silent" \
    $(specs "offset=0.25,dreq=0.0002,dresp=0.0002" $(addrs 127.0.5 1 100)) \
    $(specs "offset=0.25,dreq=0.0002,dresp=0.0002,jreq=0.002,jresp=0.002" \
    $(addrs 127.0.7 1 3))
ntpt_start_chronyd srv "local stratum 10" "allow all" \
    "bindaddress 127.0.6.1"

run_scenario lan 0.25 1 127.0.1.1
run_scenario chronyd 0 1 127.0.6.1
run_scenario wan 0.25 1 127.0.2.1
run_scenario falseticker 0.25 4 $(addrs 127.0.3 1 4)
run_scenario jitter 0.25 3 $(addrs 127.0.7 1 3)
run_scenario silent 0.25 3 $(addrs 127.0.4 1 3)
run_scenario many 0.25 100 $(addrs 127.0.5 1 100)

scale_addrs() {	# scale_addrs N: 127.1.0.0 on
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "127.%d.%d.%d ",
	    1 + int(i / 65536), int(i / 256) % 256, i % 256 }'
}
if [[ " ${BENCH_SCENARIOS:-scale5k} " == *" scale5"* ]]; then
	# 0.0.0.0:123 needs the port free: the other servers go.
	kill "$NTPT_TESTD_PID" "$NTPT_CHRONYD_PID"
	ntpt_wait_until 5 eval '! kill -0 "$NTPT_TESTD_PID" 2>/dev/null &&
	    ! kill -0 "$NTPT_CHRONYD_PID" 2>/dev/null'
	ntpt_start_testd "0.0.0.0,offset=0.25"
	CLIENTS=${BENCH_SCALE_CLIENTS:-ntpdate sntp}
	ULIMIT_N=1024 run_scenario scale5k 0.25 5000 $(scale_addrs 5000)
	run_scenario scale50k 0.25 50000 $(scale_addrs 50000)
fi

cp "$RAW" "$OUT/raw.txt"
{
	bash "$NTPT_SRC/bench/table.sh" "$RAW"
	echo
	strip -o "$NTPT_TMP/ntpdate.s" "$B/ntpdate"
	strip -o "$NTPT_TMP/sntp.s" "$B/sntp"
	echo "Binary sizes (bytes, stripped): ntpdate" \
	    "$(wc -c <"$NTPT_TMP/ntpdate.s"), sntp $(wc -c <"$NTPT_TMP/sntp.s");" \
	    "chronyd $(wc -c <"$(command -v chronyd)"); ntpdig is a Python script."
	echo "Runs per client and scenario: $N; a run is cut after 30 s."
} | tee "$OUT/results.md"
