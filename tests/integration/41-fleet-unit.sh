#!/usr/bin/env bash
# contrib/ntpdate.service's ExecStart, as written, with the shipped
# environment file (contrib/ntpdate.env) filled in as an admin would:
# the command line is split and its $VARIABLES expanded the way systemd
# does (unquoted $VAR: split into words, none when empty; ${VAR}: one
# word), @SBINDIR@ is the build directory, and it runs as root in the
# test's namespace with every clock call faked.  At boot it must step
# (-b) to the servers of NTPSERVERS plus those of the system's NTP
# configuration (--config, here under NTPC_CONF_ROOT).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"

UNIT=$NTPT_SRC/contrib/ntpdate.service.in
ENVF=$NTPT_SRC/contrib/ntpdate.env

# The servers on a second host (veth, 192.0.2.0/24): ntpdate -b binds
# port 123 here, as classic at boot.
ntpt_second_host
ntpt_on_host2 ip addr add 192.0.2.3/24 dev ntpt1 ||
    ntpt_fail "cannot add 192.0.2.3 on host 2"
NTPT_HOST=2 ntpt_start_testd "192.0.2.2,offset=2.5" "192.0.2.3,offset=2.5"

# The environment file as shipped, with NTPSERVERS filled in.
sed 's/^NTPSERVERS=""$/NTPSERVERS="192.0.2.2"/' "$ENVF" >"$NTPT_TMP/ntpdate"
# RHEL's /etc/sysconfig/ntpdate sets OPTIONS ("-p 2" by default).
echo 'OPTIONS="-p 2"' >>"$NTPT_TMP/ntpdate"
grep -qx 'NTPSERVERS="192.0.2.2"' "$NTPT_TMP/ntpdate" ||
    ntpt_fail "contrib/ntpdate.env has no NTPSERVERS=\"\" line"
# The system's configuration: chrony names the second server.
mkdir -p "$NTPT_TMP/root/etc"
echo "server 192.0.2.3 iburst" >"$NTPT_TMP/root/etc/chrony.conf"
export NTPC_CONF_ROOT=$NTPT_TMP/root

# systemd reads the file as VAR=value lines (shell quoting).
set -a
# shellcheck source=/dev/null
. "$NTPT_TMP/ntpdate"
set +a

# ExecStart=, words expanded as systemd does.
line=$(sed -n 's/^ExecStart=//p' "$UNIT")
[ -n "$line" ] || ntpt_fail "no ExecStart= in $UNIT"
line=${line//@SBINDIR@/$NTPT_BUILD}
argv=()
read -ra words <<<"$line"
for w in "${words[@]}"; do
	if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
		read -ra more <<<"${!BASH_REMATCH[1]:-}"
		argv+=("${more[@]}")
	elif [[ $w =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
		argv+=("${!BASH_REMATCH[1]:-}")
	else
		argv+=("$w")
	fi
done
ntpt_assert_eq "${argv[*]}" "$NTPT_BUILD/ntpdate -b -p 2 --config 192.0.2.2" \
    "ExecStart expanded"

t0=$(date +%s.%N)
ntpt_fake_clock timeout -k 2 60 "${argv[@]}" >"$NTPT_TMP/unit.log" \
    2>"$NTPT_TMP/unit.err"
rc=$?
t1=$(date +%s.%N)
ntpt_assert_eq "$rc" 0 "ExecStart: exit status"
ntpt_assert_match -f 'step time server 192\.0\.2\.[23] offset \+2\.(49|50)' \
    "$NTPT_TMP/unit.log" "ExecStart: step line"
# -p 2 from OPTIONS: exactly two requests to each server.
ntpt_assert_eq "$(ntpt_requests 192.0.2.2)" 2 "requests to NTPSERVERS' server"
ntpt_assert_eq "$(ntpt_requests 192.0.2.3)" 2 \
    "requests to the configuration's server"
# It bound port 123, as classic at boot.
ntpt_assert_match -f ' 123 replied$' "$NTPT_TMP/testd.log" \
    "requests from port 123"
# One step, by +2.5 s, through clock_settime (glibc settimeofday).
calls=$(ntpt_clock_calls)
ntpt_assert_eq "$(printf '%s\n' "$calls" | grep -c '^clock_settime(CLOCK_REALTIME')" \
    1 "one clock_settime: $calls"
ntpt_assert_no_match 'ADJ_OFFSET' "$calls" "no slew with -b"
set_to=$(printf '%s\n' "$calls" |
    sed -nE 's/.*tv_sec=([0-9]+), tv_nsec=([0-9]+).*/\1 \2/p' |
    awk '{ printf "%d.%09d", $1, $2 }')
# Stepped during the run (between t0 and t1, however long it took): to
# that time + 2.5 s, give or take 20 ms.
awk -v t="$set_to" -v a="$t0" -v b="$t1" 'BEGIN {
	exit !(t != "" && t >= a + 2.5 - 0.02 && t <= b + 2.5 + 0.02) }' ||
    ntpt_fail "the clock value set: '$set_to', expected $t0..$t1 + 2.5 s"
ntpt_pass
