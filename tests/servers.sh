# tests/servers.sh: helpers for the integration tests against the real NTP
# servers users run (NTP Classic ntpd, NTPsec, chronyd, OpenNTPD, BusyBox),
# sourced after ntpt_enter_netns (tests/lib.sh), tests/ntpdate.sh and
# tests/sntp.sh.
#
# The daemon under test runs on host 1 (this namespace) with every clock
# call faked by tests/clockshim.so (LD_PRELOAD) and logged; the clients run
# on host 2 (ntpt_second_host), so that a client from a non-local address
# meets the daemon's access rules and ntpdate's default mode can bind port
# 123 there; an upstream server, where the daemon needs one, runs on host 3
# (ntps_upstream), joined to host 1 only.
#
# Environment:
#   NTP_ANCHORS   NTP Classic ntpd/ntpq and BusyBox (default
#                 ../shared/anchors from the repository root)
#   NTPT_SERVERS  unpacked NTPsec and OpenNTPD (tests/fetch-servers.sh;
#                 default /var/cache/ntpc-servers)
#   NTPT_SANITIZE=1  skip these suites (slow real daemons; the sanitizer
#                 pass runs the rest)

: "${NTP_ANCHORS:=$NTPT_SRC/../shared/anchors}"
: "${NTPT_SERVERS:=/var/cache/ntpc-servers}"
NTPS_SHIM=$NTPT_BUILD/tests/clockshim.so
NTPS_H3_PID=

# ntps_no_sanitizer: these suites wait for real daemons to synchronise;
# the sanitizer pass has the rest of the suite to find memory errors.
ntps_no_sanitizer() {
	[ "${NTPT_SANITIZE:-}" = 1 ] &&
	    ntpt_skip "real-server suite not run under the sanitizers" \
	    "(NTPT_SANITIZE=1): it waits for daemons, not for our code"
	[ -f "$NTPS_SHIM" ] ||
	    ntpt_fail "$NTPS_SHIM not built (make tests/clockshim.so)"
	command -v strace >/dev/null || ntpt_skip "strace not installed"
}

# ntps_anchor NAME: the path of anchor binary NAME; skips the test where
# $NTP_ANCHORS lacks it.
ntps_anchor() {
	[ -x "$NTP_ANCHORS/$1" ] ||
	    ntpt_skip "$1 not in NTP_ANCHORS=$NTP_ANCHORS (../shared/anchors)"
	echo "$NTP_ANCHORS/$1"
}

# ntps_unpacked PKG: the unpacked daemon of Debian package PKG; skips the
# test where tests/fetch-servers.sh has not been run.
ntps_unpacked() {
	[ -x "$NTPT_SERVERS/$1/usr/sbin/ntpd" ] ||
	    ntpt_skip "$1 not unpacked in NTPT_SERVERS=$NTPT_SERVERS" \
	    "(sh tests/fetch-servers.sh)"
	echo "$NTPT_SERVERS/$1/usr/sbin/ntpd"
}

# ntps_daemon NAME CMD...: start a real daemon on host 1 in the foreground
# mode its CMD asks for, its clock calls faked and logged to
# $NTPT_TMP/NAME.clock, its output in NAME.log; waits until it (or a
# process it forked) has bound UDP port 123 here.  PID in NTPS_PID.
ntps_daemon() {
	local name=$1
	shift
	LD_PRELOAD=$NTPS_SHIM NTPT_CLOCKSHIM_LOG=$NTPT_TMP/$name.clock \
	    ntpt_bg "$@" >"$NTPT_TMP/$name.log" 2>&1
	NTPS_PID=$NTPT_LAST_PID
	ntpt_wait_until 10 ntpt__ready "$NTPS_PID" ntps__port123_bound
	ntps__port123_bound ||
	    ntpt_fail "$name did not start: $(tail -n 5 "$NTPT_TMP/$name.log")"
}

# Something here (the daemon or a process it forked) has bound port 123.
ntps__port123_bound() {
	ss -Huln 'sport = :123' 2>/dev/null | grep -q .
}

# ntps_clients [N]: host 2 for the clients, with source addresses
# 192.0.2.2 (to 192.0.2.1) and 192.0.2.(N+1) for the daemon's extra
# addresses 192.0.2.(N+10), N = 2..: a daemon on host 1 tells the
# clients apart by source address (restrict lines), each client picks
# its source by the destination it asks.  Link-local fe80::1 (host 1) and
# fe80::2 (host 2) on the veth, without duplicate address detection.
ntps_clients() {
	local n=${1:-1} i
	# No duplicate address detection here: NTP Classic ntpd crashes on
	# an interface whose link-local address is still tentative.
	echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad ||
	    ntpt_fail "cannot turn off duplicate address detection"
	ntpt_second_host
	for ((i = 2; i <= n; i++)); do
		ip addr add "192.0.2.$((i + 10))/32" dev ntpt0 &&
		    ntpt_on_host2 ip addr add "192.0.2.$((i + 1))/32" \
		    dev ntpt1 &&
		    ntpt_on_host2 ip route add "192.0.2.$((i + 10))/32" \
		    dev ntpt1 src "192.0.2.$((i + 1))" ||
		    ntpt_fail "cannot set up client address $i"
	done
	ip addr add fe80::1/64 dev ntpt0 nodad &&
	    ntpt_on_host2 ip addr add fe80::2/64 dev ntpt1 nodad ||
	    ntpt_fail "cannot add link-local addresses"
}

# ntps_upstream_host: host 3, joined to host 1 only (veth ntpt2/ntpt3,
# 192.0.2.129/25 here, 192.0.2.130/25 there), for the upstream of the
# daemon under test; ntps_upstream starts it: chronyd with its own clock
# at stratum 10 on 192.0.2.130.  A daemon started in between stays
# unsynchronised until then.
ntps_upstream_host() {
	local here
	command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"
	[ -z "$NTPS_H3_PID" ] || return 0
	here=$(readlink /proc/$$/ns/net)
	NTPT_HOST=1 ntpt_bg unshare -n sleep infinity
	NTPS_H3_PID=$NTPT_LAST_PID
	ntpt_wait_until 5 ntpt__other_netns "$NTPS_H3_PID" "$here" ||
	    ntpt_fail "third network namespace did not appear"
	if ! { ip link add ntpt2 type veth peer name ntpt3 \
	    netns "$NTPS_H3_PID" &&
	    ip addr add 192.0.2.129/25 dev ntpt2 &&
	    ip link set ntpt2 up &&
	    ntps_on_host3 ip link set lo up &&
	    ntps_on_host3 ip addr add 192.0.2.130/25 dev ntpt3 &&
	    ntps_on_host3 ip link set ntpt3 up; }; then
		ntpt_fail "cannot set up the veth pair to host 3"
	fi
	ntpt_wait_until 5 ntpt__link_up ntpt2 ||
	    ntpt_fail "veth to host 3 did not come up"
}

ntps_upstream() {
	local conf=$NTPT_TMP/upstream.conf
	ntps_upstream_host
	printf '%s\n' "local stratum 10" "allow all" \
	    "bindaddress 192.0.2.130" "cmdport 0" "bindcmdaddress /" \
	    "pidfile $NTPT_TMP/upstream.pid" >"$conf"
	ntpt_bg nsenter -t "$NTPS_H3_PID" -n -- \
	    chronyd -x -u root -d -f "$conf" >"$NTPT_TMP/upstream.log" 2>&1
	ntpt_wait_until 5 ntps_on_host3 sh -c \
	    'ss -Huln "sport = :123" | grep -q .' ||
	    ntpt_fail "upstream chronyd did not start"
}

ntps_on_host3() {
	nsenter -t "$NTPS_H3_PID" -n -- "$@"
}

# ntps_run NAME PROG ARGS...: run PROG (ntpdate or sntp) on host
# NTPT_HOST, bounded in time, under strace: its clock calls faked (as
# ntpt_fake_clock does) and its sendto() calls logged, so that a test
# counts the requests a real server got and times their round trips
# (sendto to recvmsg).  stdout in $NTPT_TMP/NAME.log,
# stderr in NAME.err, exit status in NAME.rc, PID in NAME.pid, trace in
# NAME.trace.
ntps_run() {
	local name=$1 calls=clock_settime,settimeofday,adjtimex,clock_adjtime
	shift
	ntpt__host_prefix
	# shellcheck disable=SC2016 # for the inner shell
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    "${NTPT__PREFIX[@]}" strace -f -qq -ttt -e signal=none \
	    -e trace="$calls,sendto,recvmsg" -e inject="$calls:retval=0" \
	    -o "$NTPT_TMP/$name.trace" \
	    timeout -k 2 60 bash -c 'echo $$ >"$0"; exec "$@"' \
	    "$NTPT_TMP/$name.pid" "$@" \
	    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
	echo $? >"$NTPT_TMP/$name.rc"
}

# ntps_bgrun NAME PROG ARGS...: ntps_run in the background; ntps_wait
# waits for them all.
NTPS_JOBS=()
ntps_bgrun() {
	ntps_run "$@" &
	NTPS_JOBS+=("$!")
}
ntps_wait() {
	local pid
	for pid in "${NTPS_JOBS[@]}"; do
		wait "$pid"
	done
	NTPS_JOBS=()
}

# ntps_sent NAME ADDR: how many 48-byte NTP requests run NAME sent to ADDR
# (IPv4 or IPv6, port 123).
ntps_sent() {
	local a=$2
	a=${a%%%*}
	grep -F "\"$a\"" "$NTPT_TMP/$1.trace" 2>/dev/null |
	    grep -c 'sendto(.*, 48, .*) = 48$'
}

# ntps_clock NAME: the clock calls run NAME made (faked), one per line.
ntps_clock() {
	grep -vE 'sendto\(|recvmsg\(|\+\+\+|exited with|resumed>' \
	    "$NTPT_TMP/$1.trace" 2>/dev/null | sed -E 's/^[0-9]+ +[0-9.]+ //'
}

# ntps_first_rtt NAME ADDR: seconds from run NAME's first request to ADDR
# to the first reply it received, as strace saw them (no shorter than the
# real round trip); "none" without a reply.
ntps_first_rtt() {
	local a=${2%%%*}
	awk -v a="\"$a\"" '
	    t0 == "" && /sendto\(.*, 48, .*\) = 48$/ && index($0, a) { t0 = $2 }
	    t0 != "" && /recvmsg\(/ && !/MSG_ERRQUEUE/ && / = 48$/ {
		printf "%.6f\n", $2 - t0; found = 1; exit }
	    END { if (!found) print "none" }' "$NTPT_TMP/$1.trace"
}

# one_rtt NAME ADDR: run NAME asked ADDR once, as a LAN run must; more
# requests (at most 4) only where its first round trip really took over
# 2 ms (a loaded machine), where the policy rightly asks again.
one_rtt() {
	local n rtt
	n=$(ntps_sent "$1" "$2")
	[ "$n" = 1 ] && return 0
	rtt=$(ntps_first_rtt "$1" "$2")
	if [ "$rtt" != none ] &&
	    awk -v r="$rtt" 'BEGIN { exit !(r > 0.002) }' && [ "$n" -le 4 ]; then
		echo "NOTE: $1: $n requests to $2 after a $rtt s round trip" >&2
		return 0
	fi
	ntpt_fail "$1: $n requests to $2, though its first round trip took $rtt s"
}

# ntps_adjtime_us NAME: the microseconds of run NAME's one adjtime() call.
ntps_adjtime_us() {
	ntps_clock "$1" | sed -nE 's/^(clock_adjtime\(CLOCK_REALTIME, |adjtimex\()\{modes=ADJ_OFFSET_SINGLESHOT, offset=(-?[0-9]+),.*/\2/p'
}

# ntps_stratum_of ADDR: the stratum ADDR answers (ntpdate -q on host
# NTPT_HOST), or "none".
ntps_stratum_of() {
	local s
	ntpt__host_prefix
	s=$("${NTPT__PREFIX[@]}" timeout 10 "$ND" -q -t 1 "$1" 2>/dev/null |
	    sed -nE 's/^server [^,]+, stratum ([0-9]+),.*/\1/p')
	echo "${s:-none}"
}

# ntps_wait_stratum SECONDS ADDR STRATUM: poll ADDR once a second until
# it answers with STRATUM; fails after SECONDS.
ntps_wait_stratum() {
	local i
	for ((i = 0; i < $1; i++)); do
		[ "$(ntps_stratum_of "$2")" = "$3" ] && return 0
		sleep 1
	done
	ntpt_fail "$2 did not reach stratum $3 in $1 s"
}

# Issue 8 (the lead's "Whom to believe" work) changes reason texts and the
# sampling policy; until it is merged, the checks written for it run as
# expected failures (XFAIL lines on stderr), afterwards as plain checks.
# It is there when ntpdate knows the "not synchronized" reason.
ntps_issue8() {
	grep -aq 'not synchronized' "$ND"
}

# expect8 CHECK...: run a check that needs issue 8.
expect8() {
	if ntps_issue8; then
		"$@"
		return
	fi
	# shellcheck disable=SC2317 # called by the check
	(ntpt_fail() { echo "XFAIL (needs issue 8): $*" >&2; exit 1; }
	    "$@")
	return 0
}

# The reason line of an ntpdate run: its first stderr line with the
# "%e %b %H:%M:%S ntpdate[PID]: " prefix (-d puts its detail before),
# without the prefix.
nd_reason() {
	grep -m 1 -E '^.{16}ntpdate\[[0-9]+\]: ' "$NTPT_TMP/$1.err" |
	    sed -E 's/^.{16}ntpdate\[[0-9]+\]: //'
}

# near0 OFFSET DELAY WHAT: on one clock the true offset is 0, so a
# measured one is within half its round-trip delay of it; 50 us more for
# the stamps themselves.
near0() {
	awk -v o="$1" -v d="$2" 'BEGIN { if (o == "" || d == "") exit 1
		if (o < 0) o = -o; exit !(o <= 0.00005 + d / 2) }' ||
	    ntpt_fail "$3: offset '$1', expected 0 within 50 us + $2 / 2"
}

# q_near0 NAME ADDR WHAT: run NAME's -q line for ADDR has offset 0 (near0).
q_near0() {
	local line
	line=$(grep -F "server $2, " "$NTPT_TMP/$1.log")
	near0 "$(q_offset "$1" "$2")" "${line##*delay }" "$3"
}

# ntps_synced ADDR STRATUM: ntpdate -q, -d, the default mode (clock calls
# faked) and sntp on host 2 against a synchronised server ADDR on the same
# clock, one after the other: each selects it, offset 0 within 50 us (plus
# half the delay), after one round trip (NTPS_ONE_RTT=8: that needs issue
# 8).  Run names q, d, set, s.
ntps_synced() {
	local a=$1 st=$2 r rtt='' line
	[ "${NTPS_ONE_RTT:-}" = 8 ] && rtt=expect8
	NTPT_HOST=2
	ntps_run q "$ND" -q "$a"
	ntps_run d "$ND" -d "$a"
	ntps_run s "$SN" -K /dev/null "$a"
	ntps_run set "$ND" "$a"
	NTPT_HOST=1
	rc_is q 0
	result q adjust "$a" 0
	line=$(head -n 1 "$NTPT_TMP/q.log")
	ntpt_assert_match "^server ${a//./\\.}, stratum $st, " "$line" \
	    "-q: stratum"
	near0 "$(q_offset q "$a")" "${line##*delay }" "-q"
	ntpt_assert_eq "$(cat "$NTPT_TMP/q.err")" "" "-q: stderr"
	for r in q d set s; do
		$rtt one_rtt "$r" "$a"
	done
	rc_is d 0
	ntpt_assert_match "^${a//./\\.}: verdict: system peer, weight 1\\.000\$" \
	    "$(cat "$NTPT_TMP/d.err")" "-d: verdict"
	ntpt_assert_eq "$(ntps_clock d)" "" "-d: clock calls"
	rc_is set 0
	r=$(final set adjust "$a")
	ntpt_assert_near "$r" 0 0.001 "default: offset"
	ntpt_assert_eq "$(ntps_clock set | grep -c .)" 1 "default: clock calls"
	ntpt_assert_near "$(ntps_adjtime_us set)" \
	    "$(awk -v o="$r" 'BEGIN { printf "%d", o * 1e6 }')" 1 \
	    "default: adjtime (us)"
	rc_is s 0
	near0 "$(offset_of s "$a")" "$(error_of s "$a")" "sntp"
	ntpt_assert_match " ${a//./\\.} s$st no-leap\$" "$(line s "$a")" \
	    "sntp: line"
}

# ntps_unsynced NAME ADDR STRATUM REFID: ntpdate -q and sntp on host 2
# against a server ADDR answering leap 3 (stratum STRATUM and refid REFID,
# regexes; an empty REFID: whatever it is printed as): refused as not
# synchronised, not as a kiss; one request each.  With NTPS_UNSYNC_ALL=1
# (a server that stays so for the 6 s a clock-setting run may take) also
# ntpdate -d and the default mode (clock calls faked: none made).  Run
# names NAME_q, NAME_s, NAME_d, NAME_set.
ntps_unsynced() {
	local n=$1 a=$2 st=$3 id=$4 ae r runs=q
	ae=${a//./\\.}
	NTPT_HOST=2
	ntps_bgrun "${n}_q" "$ND" -q "$a"
	ntps_bgrun "${n}_s" "$SN" -K /dev/null "$a"
	if [ "${NTPS_UNSYNC_ALL:-}" = 1 ]; then
		ntps_bgrun "${n}_d" "$ND" -d "$a"
		ntps_bgrun "${n}_set" "$ND" "$a"
		runs="q d set"
	fi
	ntps_wait
	NTPT_HOST=1
	ntpt_assert_eq "$(ntps_sent "${n}_q" "$a")" 1 "$n -q: requests"
	for r in $runs; do
		r=${n}_$r
		rc_is "$r" 1
		ntpt_assert_match "$(pfx "$r")no server suitable for synchronization found\$" \
		    "$(tail -n 1 "$NTPT_TMP/$r.err")" "$r: last line"
		ntpt_assert_match "^server $ae: " "$(nd_reason "$r")" \
		    "$r: reason"
		expect8 ntpt_assert_match \
		    "^server $ae: not synchronized \\(leap 3, stratum $st${id:+, refid $id\\)}" \
		    "$(nd_reason "$r")" "$r: reason"
		expect8 ntpt_assert_no_match "Kiss-o'-Death|KoD" \
		    "$(nd_reason "$r")" "$r: reason"
		ntpt_assert_eq "$(ntps_clock "$r")" "" "$r: clock calls"
	done
	rc_is "${n}_s" 1
	ntpt_assert_eq "$(out "${n}_s")" "" "$n sntp: stdout"
	ntpt_assert_eq "$(ntps_sent "${n}_s" "$a")" 1 "$n sntp: requests"
	expect8 ntpt_assert_match \
	    "^sntp: server $ae: not synchronized \\(leap 3, stratum $st${id:+, refid $id\\)}" \
	    "$(err "${n}_s")" "$n sntp: reason"
}

# ntps_silent NAME ADDR: a server that answers nothing (denied, dropped):
# ntpdate -q -t 1 on host 2 costs one request and one timeout, and says
# so.  Run name NAME.
ntps_silent() {
	NTPT_HOST=2 ntps_run "$1" "$ND" -q -t 1 "$2"
	rc_is "$1" 1
	expect8 ntpt_assert_eq "$(ntps_sent "$1" "$2")" 1 "$1: requests"
	ntpt_assert_match "^server ${2//./\\.}: no reply within 1 s" \
	    "$(nd_reason "$1")" "$1: reason"
}

# ntps_held: the daemon holds port 123 here: ntpdate's default mode gives
# up at once, sending nothing, touching nothing; -u works; ::1 answers
# (offset 0 within 50 us plus half the delay).
ntps_held() {
	local o
	ntps_run held "$ND" 127.0.0.1
	rc_is held 1
	ntpt_assert_match "$(pfx held)the NTP socket is in use, exiting\$" \
	    "$(cat "$NTPT_TMP/held.err")" "held: message"
	ntpt_assert_eq "$(ntps_sent held 127.0.0.1)" 0 "held: requests"
	ntpt_assert_eq "$(ntps_clock held)" "" "held: clock calls"
	ntps_run heldu "$ND" -u 127.0.0.1
	rc_is heldu 0
	o=$(final heldu adjust 127.0.0.1)
	ntpt_assert_near "$o" 0 0.001 "-u: offset"
	ntpt_assert_near "$(ntps_adjtime_us heldu)" \
	    "$(awk -v o="$o" 'BEGIN { printf "%d", o * 1e6 }')" 1 \
	    "-u: adjtime (us)"
	ntps_run v6 "$ND" -q ::1
	rc_is v6 0
	result v6 adjust ::1 0
	q_near0 v6 ::1 "::1"
}

# ntps_wait_usable SECONDS ADDR: poll ADDR (ntpdate -q on host 1) once a
# second until ntpdate selects it; fails after SECONDS.
ntps_wait_usable() {
	local i
	for ((i = 0; i < $1; i++)); do
		timeout 10 "$ND" -q -t 1 "$2" >/dev/null 2>&1 && return 0
		sleep 1
	done
	ntpt_fail "$2 was not usable in $1 s"
}
