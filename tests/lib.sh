# tests/lib.sh: harness for the bash integration tests.  Source it, then call
# ntpt_enter_netns "$@" first thing.
#
# Every test runs in its own user + network + PID namespace: root there has
# no power over the host clock, the only network is a private loopback (and
# optionally a veth to a second private namespace on 192.0.2.0/24), and when
# the test script (PID 1 there) exits the kernel kills whatever it left.
#
# Exit status: 0 pass, 77 skip, anything else fail.
#
# Environment:
#   NTPT_BUILD    build directory holding ntpdate, sntp, tests/ntp-testd
#                 (default: the repository root, found from this file)
#   NTPT_TESTD    the ntp-testd binary (default $NTPT_BUILD/tests/ntp-testd)
#   NTPT_TIMEOUT  whole-test time limit in seconds (default 120)
#   NTPT_SEED     ntp-testd PRNG seed (default 1)
#   NTPT_KEEP=1   keep $NTPT_TMP (logs, configs) after the test
#   NTPT_HOST=2   ntpt_start_testd / ntpt_start_chronyd / ntpt_bg run on
#                 the second host (after ntpt_second_host)

NTPT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${NTPT_BUILD:=$NTPT_SRC}"
: "${NTPT_TESTD:=$NTPT_BUILD/tests/ntp-testd}"
export NTPT_BUILD NTPT_TESTD

NTPT_PIDS=()		# background processes to kill on exit
NTPT_ATEXIT=()		# cleanup commands, run last-registered first
NTPT_NTESTD=0
NTPT_HOST2_PID=

# Re-exec the calling script inside fresh namespaces, bounded in time; once
# inside, bring up loopback and set up $NTPT_TMP and the exit trap.
ntpt_enter_netns() {
	if [ -z "${NTPT_IN_NS:-}" ]; then
		local ns=(unshare -r -n -p -m --mount-proc --kill-child)
		if ! "${ns[@]}" true 2>/dev/null; then
			echo "SKIP: cannot create user + network namespaces" \
			    "(unshare(1) missing or unprivileged user" \
			    "namespaces disabled)" >&2
			exit 77
		fi
		export NTPT_IN_NS=1
		exec timeout -k 5 "${NTPT_TIMEOUT:-120}" "${ns[@]}" \
		    bash "$0" "$@"
	fi
	ip link set lo up || ntpt_fail "cannot bring up lo"
	NTPT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntpt.XXXXXX") ||
	    ntpt_fail "mktemp failed"
	export NTPT_TMP
	trap ntpt__exit EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
}

# Register a cleanup command (a string, eval'ed) to run on exit.
ntpt_atexit() {
	NTPT_ATEXIT+=("$*")
}

ntpt__exit() {
	local rc=$? i pid
	trap - EXIT
	for ((i = ${#NTPT_ATEXIT[@]} - 1; i >= 0; i--)); do
		eval "${NTPT_ATEXIT[i]}" || true
	done
	for pid in "${NTPT_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${NTPT_PIDS[@]}"; do
		ntpt__reap "$pid"
	done
	if [ "$rc" = 0 ] && [ -e "$NTPT_TMP/.failed" ]; then
		rc=1
	fi
	[ "$rc" = 0 ] || [ "$rc" = 77 ] || ntpt__dump_logs
	if [ -n "${NTPT_KEEP:-}" ]; then
		echo "kept $NTPT_TMP" >&2
	else
		rm -rf "$NTPT_TMP"
	fi
	exit "$rc"
}

# On failure, show the end of every log the test wrote.
ntpt__dump_logs() {
	local f
	for f in "$NTPT_TMP"/*.log "$NTPT_TMP"/*.err; do
		[ -s "$f" ] || continue
		echo "--- ${f##*/} (last 20 lines)" >&2
		tail -n 20 "$f" >&2
	done
}

# Wait up to 2 s for a process we signalled, then SIGKILL it.
ntpt__reap() {
	local i
	for ((i = 0; i < 40; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# ntpt_fail MSG: report and fail.  Also fails the test when called in a
# subshell ($(...)), through a marker file checked on exit.
ntpt_fail() {
	echo "FAIL: $*" >&2
	[ -n "${NTPT_TMP:-}" ] && : >"$NTPT_TMP/.failed"
	exit 1
}

ntpt_skip() {
	echo "SKIP: $*" >&2
	exit 77
}

ntpt_pass() {
	[ -e "$NTPT_TMP/.failed" ] && ntpt_fail "an earlier check failed"
	echo "PASS: $(basename "$0")"
	exit 0
}

# ntpt_wait_until SECONDS CMD...: poll CMD every 50 ms; 1 if it never
# succeeded in time.
ntpt_wait_until() {
	local i n
	n=$(awk -v s="$1" 'BEGIN { print int(s * 20) }')
	shift
	for ((i = 0; i <= n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# The command prefix that runs something on host NTPT_HOST (1 or 2).
ntpt__host_prefix() {
	NTPT__PREFIX=()
	case "${NTPT_HOST:-1}" in
	1)	;;
	2)	[ -n "$NTPT_HOST2_PID" ] ||
		    ntpt_fail "NTPT_HOST=2 needs ntpt_second_host first"
		NTPT__PREFIX=(nsenter -t "$NTPT_HOST2_PID" -n --) ;;
	*)	ntpt_fail "NTPT_HOST must be 1 or 2" ;;
	esac
}

# ntpt_bg CMD...: start CMD (a program, not a shell function) in the
# background on host NTPT_HOST, kill it on exit; its PID is in NTPT_LAST_PID.
# Redirect its output on the call: ntpt_bg prog >log 2>&1.
ntpt_bg() {
	ntpt__host_prefix
	"${NTPT__PREFIX[@]}" "$@" &
	NTPT_LAST_PID=$!
	NTPT_PIDS+=("$NTPT_LAST_PID")
}

# ntpt_start_testd SPEC...: start ntp-testd (on host NTPT_HOST) logging to
# $NTPT_TMP/testd.log; returns once every socket is bound.  PID in
# NTPT_TESTD_PID.
ntpt_start_testd() {
	local pidfile
	[ -x "$NTPT_TESTD" ] ||
	    ntpt_fail "$NTPT_TESTD not built (make tests/ntp-testd)"
	NTPT_NTESTD=$((NTPT_NTESTD + 1))
	pidfile=$NTPT_TMP/testd.$NTPT_NTESTD.pid
	ntpt_bg "$NTPT_TESTD" -L "$NTPT_TMP/testd.log" -P "$pidfile" \
	    -T "${NTPT_TESTD_RUNTIME:-100}" -S "${NTPT_SEED:-1}" "$@" \
	    2>>"$NTPT_TMP/testd.$NTPT_NTESTD.err"
	# shellcheck disable=SC2034 # for the caller
	NTPT_TESTD_PID=$NTPT_LAST_PID
	ntpt_wait_until 5 ntpt__ready "$NTPT_TESTD_PID" test -s "$pidfile"
	[ -s "$pidfile" ] || ntpt_fail "ntp-testd $* did not start:" \
	    "$(cat "$NTPT_TMP/testd.$NTPT_NTESTD.err")"
}

# ntpt_requests ADDR [ACTION]: how many requests the ntp-testd instances
# logged for server address ADDR (only those with ACTION if given).
ntpt_requests() {
	[ -e "$NTPT_TMP/testd.log" ] || { echo 0; return; }
	awk -v a="$1" -v act="${2:-}" \
	    '$2 == a && (act == "" || $5 == act) { n++ } END { print n + 0 }' \
	    "$NTPT_TMP/testd.log"
}

# ntpt_request_times ADDR: CLOCK_MONOTONIC seconds of each request to ADDR.
ntpt_request_times() {
	[ -e "$NTPT_TMP/testd.log" ] || return 0
	awk -v a="$1" '$2 == a { print $1 }' "$NTPT_TMP/testd.log"
}

# ntpt_start_chronyd NAME CONFIG_LINE...: run chronyd (on host NTPT_HOST)
# with these chrony.conf lines, never touching the clock (-x) nor any file
# outside $NTPT_TMP.  Serving clients needs an "allow" line.  Skips the
# test if chronyd is missing.  PID in NTPT_CHRONYD_PID.
ntpt_start_chronyd() {
	local name=$1 conf port line
	shift
	command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"
	conf=$NTPT_TMP/$name.conf
	port=123
	for line in "$@"; do
		case "$line" in port\ *) port=${line#port } ;; esac
	done
	{
		printf '%s\n' "$@"
		echo "cmdport 0"
		echo "bindcmdaddress /"
		echo "pidfile $NTPT_TMP/$name.pid"
	} >"$conf"
	ntpt_bg chronyd -x -u root -d -f "$conf" >"$NTPT_TMP/$name.log" 2>&1
	NTPT_CHRONYD_PID=$NTPT_LAST_PID
	ntpt_wait_until 5 ntpt__ready "$NTPT_CHRONYD_PID" \
	    ntpt__udp_bound "$NTPT_CHRONYD_PID" "$port"
	ntpt__udp_bound "$NTPT_CHRONYD_PID" "$port" ||
	    ntpt_fail "chronyd $name did not start:" \
	    "$(cat "$NTPT_TMP/$name.log")"
}

# ntpt__ready PID CMD...: CMD succeeds, or PID has died (stop waiting).
ntpt__ready() {
	local pid=$1
	shift
	"$@" || ! kill -0 "$pid" 2>/dev/null
}

# True when process PID has a UDP socket bound to PORT (on host NTPT_HOST).
ntpt__udp_bound() {
	ntpt__host_prefix
	"${NTPT__PREFIX[@]}" ss -Hulnp "sport = :$2" 2>/dev/null |
	    grep -q "pid=$1,"
}

# ntpt_second_host: a second network namespace ("host 2") joined to this
# one by a veth pair: 192.0.2.1/24 here, 192.0.2.2/24 there.  Run things
# there with ntpt_on_host2 CMD..., or NTPT_HOST=2 ntpt_bg/ntpt_start_*.
ntpt_second_host() {
	local here
	[ -z "$NTPT_HOST2_PID" ] || return 0
	here=$(readlink /proc/$$/ns/net)
	NTPT_HOST=1 ntpt_bg unshare -n sleep infinity
	NTPT_HOST2_PID=$NTPT_LAST_PID
	ntpt_wait_until 5 ntpt__other_netns "$NTPT_HOST2_PID" "$here" ||
	    ntpt_fail "second network namespace did not appear"
	if ! { ip link add ntpt0 type veth peer name ntpt1 \
	    netns "$NTPT_HOST2_PID" &&
	    ip addr add 192.0.2.1/24 dev ntpt0 &&
	    ip link set ntpt0 up &&
	    ntpt_on_host2 ip link set lo up &&
	    ntpt_on_host2 ip addr add 192.0.2.2/24 dev ntpt1 &&
	    ntpt_on_host2 ip link set ntpt1 up; }; then
		ntpt_fail "cannot set up the veth pair to host 2"
	fi
	ntpt_wait_until 5 ntpt__link_up ntpt0 ||
	    ntpt_fail "veth to host 2 did not come up"
}

ntpt__other_netns() {
	local ns
	ns=$(readlink "/proc/$1/ns/net" 2>/dev/null) && [ "$ns" != "$2" ]
}

ntpt__link_up() {
	ip -br link show dev "$1" | grep -q ' UP '
}

# ntpt_on_host2 CMD...: run CMD in host 2's network namespace.  For a
# background process use NTPT_HOST=2 ntpt_bg CMD... so it is killed on exit.
ntpt_on_host2() {
	[ -n "$NTPT_HOST2_PID" ] ||
	    ntpt_fail "ntpt_on_host2 before ntpt_second_host"
	nsenter -t "$NTPT_HOST2_PID" -n -- "$@"
}

# ntpt_fake_clock CMD...: run CMD with every clock-setting system call
# traced and faked to succeed (the clock is not touched; inside the user
# namespace the real call would fail with EPERM anyway).  The calls go to
# $NTPT_TMP/strace.log, replaced on each call; ntpt_clock_calls prints them.
# Returns CMD's status.  Caveat: a read-only adjtimex()/ntp_adjtime() (modes
# 0) is faked too, so it returns TIME_OK with its struct left as passed.
# "?" names are the 32-bit ABIs' variants, ignored where they do not exist.
# With NTPT_FAKE_CLOCK_ERRNO=NAME (e.g. EPERM) the calls fail with that
# error instead, to test how a program reports a clock it could not set.
ntpt_fake_clock() {
	local calls=clock_settime,settimeofday,adjtimex,clock_adjtime
	local result=retval=0
	calls+=',?stime,?clock_settime64,?clock_adjtime64'
	[ -n "${NTPT_FAKE_CLOCK_ERRNO:-}" ] &&
	    result=error=$NTPT_FAKE_CLOCK_ERRNO
	command -v strace >/dev/null || ntpt_skip "strace not installed"
	# LeakSanitizer cannot stop the world under ptrace.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -e signal=none -e trace="$calls" \
	    -e inject="$calls":"$result" -o "$NTPT_TMP/strace.log" "$@"
}

# The faked clock calls, one per line, without strace's PID column, e.g.
#   clock_settime(CLOCK_REALTIME, {tv_sec=1000000000, tv_nsec=5}) = 0 (INJECTED)
#   clock_adjtime(CLOCK_REALTIME, {modes=ADJ_OFFSET_SINGLESHOT,
#       offset=123456, freq=0, ...}) = 0 (TIME_OK) (INJECTED)
# glibc's settimeofday() shows as clock_settime (tv_nsec = usec * 1000), its
# adjtime() as clock_adjtime with ADJ_OFFSET_SINGLESHOT and offset in usec.
ntpt_clock_calls() {
	[ -e "$NTPT_TMP/strace.log" ] || return 0
	sed -E 's/^[0-9]+ +//' "$NTPT_TMP/strace.log"
}

# ntpt_assert_eq ACTUAL EXPECTED [WHAT]
ntpt_assert_eq() {
	[ "$1" = "$2" ] ||
	    ntpt_fail "${3:-value}: got '$1', expected '$2'"
}

# ntpt_assert_match [-f] REGEX TEXT|FILE [WHAT]: grep -E REGEX in TEXT, or
# in FILE with -f.
ntpt_assert_match() {
	ntpt__grep 0 "$@"
}

# ntpt_assert_no_match [-f] REGEX TEXT|FILE [WHAT]
ntpt_assert_no_match() {
	ntpt__grep 1 "$@"
}

# ntpt__grep WANT [-f] REGEX TEXT|FILE [WHAT]: fail unless grep's status
# is WANT.
ntpt__grep() {
	local want=$1 file='' re text rc
	shift
	[ "$1" = -f ] && { file=1; shift; }
	re=$1 text=$2
	if [ -n "$file" ]; then
		grep -Eq -- "$re" "$text"
		rc=$?
		text="$text:"$'\n'"$(cat "$text" 2>/dev/null)"
	else
		printf '%s\n' "$text" | grep -Eq -- "$re"
		rc=$?
	fi
	[ "$rc" = "$want" ] && return 0
	if [ "$want" = 0 ]; then
		ntpt_fail "${3:-text}: no match for /$re/ in: $text"
	fi
	ntpt_fail "${3:-text}: unexpected match for /$re/ in: $text"
}

# ntpt_assert_near VALUE EXPECTED TOL [WHAT]: |VALUE - EXPECTED| <= TOL.
ntpt_assert_near() {
	awk -v v="$1" -v e="$2" -v t="$3" 'BEGIN {
		num = "^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$"
		if (v !~ num || e !~ num || t !~ num)
			exit 1
		d = v - e
		exit !((d < 0 ? -d : d) <= t + 0)
	}' || ntpt_fail "${4:-value}: got '$1', expected $2 +/- $3"
}
