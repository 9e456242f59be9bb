#!/usr/bin/env bash
# The network edge: a host without IPv6 (socket() refused, strace-injected
# EAFNOSUPPORT), link-local servers over a veth pair, the nonce before the
# kernel's generator is seeded (getrandom EAGAIN/ENOSYS injected), and
# transmit stamps identified by the datagram they carry back, oversized
# datagrams, and a namespace with IPv6 disabled by sysctl.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
SN=$NTPT_BUILD/sntp
command -v strace >/dev/null || ntpt_skip "strace not installed"

# trace NAME STRACE-ARGS... -- CMD...: CMD under strace, bounded; the
# trace in NAME.trace, stdout NAME.log, stderr NAME.err, status NAME.rc.
trace() {
	local name=$1 a=()
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    timeout -k 2 30 strace -f -qq -e signal=none "${a[@]}" \
	    -o "$NTPT_TMP/$name.trace" "$@" \
	    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
	echo $? >"$NTPT_TMP/$name.rc"
}
V6FAIL=(-e trace=socket -e inject=socket:error=EAFNOSUPPORT:when=2)
injected_v6() {
	ntpt_assert_match -f '^[0-9]+ +socket\(AF_INET6, .*EAFNOSUPPORT.*\(INJECTED\)$' \
	    "$NTPT_TMP/$1.trace" "$1: the refused socket is the IPv6 one"
}

ntpt_start_testd "127.0.0.1,offset=0.25" "127.0.0.2,offset=0.25" \
    "::1,offset=0.25" "127.0.0.3,offset=0.25,pad=1000" \
    "127.0.0.4,offset=0.25,pad=900"
LOCAL_TESTD=$NTPT_TESTD_PID

# 1. No IPv6 socket (a host booted with ipv6.disable=1): the IPv6 server
# is skipped with one line, the run goes on with the IPv4 one.
trace v6q "${V6FAIL[@]}" -- "$ND" -q 127.0.0.1 ::1
injected_v6 v6q
rc_is v6q 0
ntpt_assert_match -f '^server 127\.0\.0\.1, stratum 2, offset \+0\.2[45]' \
    "$NTPT_TMP/v6q.log" "ntpdate -q: the IPv4 server"
ntpt_assert_match -f 'server ::1: socket could not be created: Address family not supported by protocol \(1 request\)$' \
    "$NTPT_TMP/v6q.err" "ntpdate -q: reason line"
ntpt_assert_eq "$(grep -c '::1' "$NTPT_TMP/v6q.err")" 1 \
    "ntpdate -q: one line for the skipped server"
ntpt_assert_eq "$(ntpt_requests ::1)" 0 "no request could reach ::1"

# (-l: a log file, so that no syslog socket comes first.)
trace v6s "${V6FAIL[@]}" -- "$SN" -K /dev/null -l "$NTPT_TMP/v6s.sntplog" 127.0.0.1 ::1
injected_v6 v6s
rc_is v6s 0
ntpt_assert_match -f ' \+0\.2[45][0-9]* \+/- [0-9.]+ 127\.0\.0\.1 s2 ' \
    "$NTPT_TMP/v6s.log" "sntp: result from the IPv4 server"
ntpt_assert_match -f 'server ::1: socket could not be created: Address family not supported' \
    "$NTPT_TMP/v6s.err" "sntp: reason line"

# Setting the clock goes on too: ntpdate -u -b and sntp -S, with the
# clock calls faked.
calls=clock_settime,settimeofday,adjtimex,clock_adjtime
for run in "ub:$ND -u -b" "sS:$SN -K /dev/null -l $NTPT_TMP/sS.sntplog -S"; do
	name=${run%%:*}
	# shellcheck disable=SC2086 # the command line is split on purpose
	trace "v6$name" -e trace=socket,"$calls" \
	    -e inject=socket:error=EAFNOSUPPORT:when=2 \
	    -e inject="$calls":retval=0 -- ${run#*:} 127.0.0.1 ::1
	injected_v6 "v6$name"
	rc_is "v6$name" 0
	ntpt_assert_match -f 'clock_settime\(CLOCK_REALTIME, .*INJECTED' \
	    "$NTPT_TMP/v6$name.trace" "$name: the clock was stepped"
	ntpt_assert_eq "$(grep -c 'socket(AF_INET6' "$NTPT_TMP/v6$name.trace")" \
	    1 "$name: the IPv6 server is not tried again"
done
ntpt_assert_match -f 'step time server 127\.0\.0\.1 offset \+0\.2[45]' \
    "$NTPT_TMP/v6ub.log" "ntpdate -u -b: result from the IPv4 server"

# 2. Names are looked up only in the families the host has: the probe
# for IPv6 (the first socket) refused, "dual.test" gives only its IPv4
# address; with IPv6 there, both.
printf '%s\n' '127.0.0.1 localhost' '127.0.0.2 dual.test' \
    '2001:db8::5 dual.test' \
    >"$NTPT_TMP/hosts"
if mount --bind "$NTPT_TMP/hosts" /etc/hosts 2>/dev/null; then
	trace dualv4 -e trace=socket \
	    -e inject=socket:error=EAFNOSUPPORT:when=1 -- "$ND" -q dual.test
	ntpt_assert_match -f '^[0-9]+ +socket\(AF_INET6, .*\(INJECTED\)$' \
	    "$NTPT_TMP/dualv4.trace" "the probe is for IPv6"
	rc_is dualv4 0
	ntpt_assert_match -f '^server 127\.0\.0\.2, stratum 2' \
	    "$NTPT_TMP/dualv4.log" "v4-only host: the A record"
	ntpt_assert_no_match -f '2001:db8::5' "$NTPT_TMP/dualv4.log" \
	    "v4-only host: no AAAA record"
	ntpt_assert_no_match -f '2001:db8::5' "$NTPT_TMP/dualv4.err" \
	    "v4-only host: no AAAA record"
	"$ND" -q -t 0.2 dual.test >"$NTPT_TMP/dual.log" 2>&1
	ntpt_assert_match -f 'server 2001:db8::5: ' \
	    "$NTPT_TMP/dual.log" "dual-stack host: the AAAA record too"
else
	echo "note: cannot bind-mount /etc/hosts, name checks skipped" >&2
fi

# 3. The nonce never blocks: getrandom is only ever asked not to block,
# and when it says "not seeded yet" (EAGAIN) or is missing (ENOSYS) every
# request still carries a distinct non-zero nonce; also with /dev/urandom
# gone (bind-mounted over by /dev/null: reads give nothing).
nonces() {
	grep -Eo '^[0-9]+ +sendto\([0-9]+, "(\\x[0-9a-f]{2}){48}"' \
	    "$NTPT_TMP/$1.trace" | grep -Eo '(\\x[0-9a-f]{2}){8}"$'
}
check_nonces() {
	local n u
	rc_is "$1" 0
	ntpt_assert_no_match -f 'getrandom\([^)]*, 0\)' "$NTPT_TMP/$1.trace" \
	    "$1: a blocking getrandom"
	ntpt_assert_match -f "getrandom\\(.*GRND_NONBLOCK\\) = -1 $2 .*INJECTED" \
	    "$NTPT_TMP/$1.trace" "$1: getrandom refused"
	n=$(nonces "$1" | wc -l)
	u=$(nonces "$1" | sort -u | grep -vc '^\(\\x00\)\{8\}"$')
	ntpt_assert_eq "$n" 6 "$1: requests traced"
	ntpt_assert_eq "$u" 6 "$1: distinct non-zero nonces"
	ntpt_assert_match -f '^server 127\.0\.0\.2, stratum 2, offset \+0\.2[45]' \
	    "$NTPT_TMP/$1.log" "$1: answer"
}
for e in EAGAIN ENOSYS; do
	trace "nonce_$e" -e trace=getrandom,sendto -xx -s 48 \
	    -e inject=getrandom:error=$e -- "$ND" -q -p 3 127.0.0.1 127.0.0.2
	check_nonces "nonce_$e" "$e"
done
if mount --bind /dev/null /dev/urandom 2>/dev/null; then
	trace nonce_nourandom -e trace=getrandom,sendto -xx -s 48 \
	    -e inject=getrandom:error=ENOSYS -- "$ND" -q -p 3 127.0.0.1 \
	    127.0.0.2
	check_nonces nonce_nourandom ENOSYS
	umount /dev/urandom
else
	echo "note: cannot mask /dev/urandom, that case skipped" >&2
fi

# 4. Transmit stamps come back with their datagram (no OPT_TSONLY): the
# error queue read after sending returns the request (42 bytes of headers
# on loopback + 48), which is what identifies the stamp.
trace txstamp -e trace=recvmsg -- "$ND" -q 127.0.0.1
rc_is txstamp 0
ntpt_assert_match -f 'MSG_(DONTWAIT\|MSG_ERRQUEUE|ERRQUEUE\|MSG_DONTWAIT)\) = (9[0-9]|1[0-9][0-9])$' \
    "$NTPT_TMP/txstamp.trace" "a looped-back request on the error queue"

# 5. A datagram longer than the receive buffer (1048 bytes) is not taken
# for its first 1024: refused with its own reason (MSG_TRUNC), while one
# that fits (948 bytes of padding) is judged on its layout.
"$ND" -q -t 0.5 127.0.0.1 127.0.0.3 127.0.0.4 >"$NTPT_TMP/trunc.log" \
    2>"$NTPT_TMP/trunc.err"
ntpt_assert_eq "$?" 0 "oversized replies: exit status"
ntpt_assert_match -f 'server 127\.0\.0\.3: datagram longer than any reply \(over 1024 bytes\)$' \
    "$NTPT_TMP/trunc.err" "the cut datagram's reason"
ntpt_assert_match -f 'server 127\.0\.0\.4: malformed reply \(extension fields or MAC\)$' \
    "$NTPT_TMP/trunc.err" "the padded one that fits"
ntpt_assert_match -f 'adjust time server 127\.0\.0\.1 offset \+0\.2[45]' \
    "$NTPT_TMP/trunc.log" "the good server still wins"
ntpt_assert_eq "$(ntpt_requests 127.0.0.3)" 1 "requests to the oversized one"

# 6. Link-local servers over a veth pair: the same address on two links
# is two servers, each named with its scope.
ntpt_second_host
ip -6 addr add fe80::1/64 dev ntpt0 nodad ||
    ntpt_fail "cannot add fe80::1 to ntpt0"
ntpt_on_host2 ip -6 addr add fe80::2/64 dev ntpt1 nodad ||
    ntpt_fail "cannot add fe80::2 to ntpt1"
NTPT_HOST=2 ntpt_start_testd "fe80::2%ntpt1,offset=0.5"
"$ND" -q fe80::2%ntpt0 fe80::2%lo >"$NTPT_TMP/ll.log" 2>"$NTPT_TMP/ll.err"
ntpt_assert_eq "$?" 0 "ntpdate -q link-local: exit status"
ntpt_assert_match -f '^server fe80::2%ntpt0, stratum 2, offset \+0\.4[89]' \
    "$NTPT_TMP/ll.log" "ntpdate: the server on ntpt0"
ntpt_assert_match -f 'server fe80::2%lo: ' "$NTPT_TMP/ll.err" \
    "ntpdate: the same address on lo is another server"
ntpt_assert_match -f 'adjust time server fe80::2%ntpt0 offset \+0\.4[89]' \
    "$NTPT_TMP/ll.log" "ntpdate: result names the scope"
timeout 30 "$SN" -K /dev/null fe80::2%ntpt0 >"$NTPT_TMP/llsn.log" 2>&1
ntpt_assert_eq "$?" 0 "sntp link-local: exit status"
ntpt_assert_match -f ' \+0\.4[89][0-9]* \+/- [0-9.]+ fe80::2%ntpt0 s2 ' \
    "$NTPT_TMP/llsn.log" "sntp: result names the scope"
ntpt_assert_eq "$(ntpt_requests fe80::2%ntpt1)" 2 \
    "requests to the link-local server"

# 7. ntpdate -b on port 123 (shared sockets) across the veth, the IPv6
# socket refused: the IPv4 server sets the clock.  Port 123 here must
# be free: the loopback servers go.
kill "$LOCAL_TESTD"
# shellcheck disable=SC2016 # eval expands it
ntpt_wait_until 5 eval '! kill -0 "$LOCAL_TESTD" 2>/dev/null' ||
    ntpt_fail "the loopback ntp-testd did not stop"
ip -6 addr add 2001:db8::1/64 dev ntpt0 nodad ||
    ntpt_fail "cannot add 2001:db8::1"
ntpt_on_host2 ip -6 addr add 2001:db8::2/64 dev ntpt1 nodad ||
    ntpt_fail "cannot add 2001:db8::2"
NTPT_HOST=2 ntpt_start_testd "192.0.2.2,offset=0.75" "2001:db8::2,offset=0.75"
calls=clock_settime,settimeofday,adjtimex,clock_adjtime
trace v6b -e trace=socket,"$calls" \
    -e inject=socket:error=EAFNOSUPPORT:when=2 \
    -e inject="$calls":retval=0 -- "$ND" -b 192.0.2.2 2001:db8::2
injected_v6 v6b
rc_is v6b 0
ntpt_assert_match -f 'clock_settime\(CLOCK_REALTIME, .*INJECTED' \
    "$NTPT_TMP/v6b.trace" "ntpdate -b: the clock was stepped"
ntpt_assert_match -f 'step time server 192\.0\.2\.2 offset \+0\.7[45]' \
    "$NTPT_TMP/v6b.log" "ntpdate -b: result from the IPv4 server"
ntpt_assert_eq "$(ntpt_requests 2001:db8::2)" 0 "2001:db8::2 not asked"
# Only the IPv6 server: its reason, no clock change, exit 1.
trace v6only -e trace=socket,"$calls" \
    -e inject=socket:error=EAFNOSUPPORT:when=1 \
    -e inject="$calls":retval=0 -- "$ND" -b 2001:db8::2
injected_v6 v6only
rc_is v6only 1
ntpt_assert_no_match -f "${calls//,/|}" "$NTPT_TMP/v6only.trace" \
    "ntpdate -b, IPv6 only: no clock call"
ntpt_assert_match -f 'server 2001:db8::2: socket could not be created: Address family not supported by protocol' \
    "$NTPT_TMP/v6only.err" "ntpdate -b: reason line for the IPv6 server"
ntpt_assert_match -f 'no server suitable for synchronization found$' \
    "$NTPT_TMP/v6only.err" "ntpdate -b, IPv6 only: the verdict"

# 8. The other kind of host without IPv6: a namespace with it disabled by
# sysctl (sockets open, no address to send from).  The run goes on, on
# port 123 as with a socket per request.
if echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null; then
	for dev in lo ntpt0; do
		echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6"
	done
	"$ND" -q -t 0.3 192.0.2.2 2001:db8::2 >"$NTPT_TMP/nov6q.log" \
	    2>"$NTPT_TMP/nov6q.err"
	ntpt_assert_eq "$?" 0 "IPv6 disabled, ntpdate -q: exit status"
	ntpt_assert_match -f 'step time server 192\.0\.2\.2 offset \+0\.7[45]' \
	    "$NTPT_TMP/nov6q.log" "IPv6 disabled, ntpdate -q: result"
	ntpt_assert_match -f 'server 2001:db8::2: request could not be sent: ' \
	    "$NTPT_TMP/nov6q.err" "IPv6 disabled, ntpdate -q: reason line"
	trace nov6b -e trace="$calls" -e inject="$calls":retval=0 \
	    -- "$ND" -b -t 0.3 192.0.2.2 2001:db8::2
	rc_is nov6b 0
	ntpt_assert_match -f 'step time server 192\.0\.2\.2 offset \+0\.7[45]' \
	    "$NTPT_TMP/nov6b.log" "IPv6 disabled, ntpdate -b: result"
	ntpt_assert_match -f 'clock_settime\(CLOCK_REALTIME, .*INJECTED' \
	    "$NTPT_TMP/nov6b.trace" "IPv6 disabled, ntpdate -b: stepped"
else
	echo "note: cannot disable IPv6 by sysctl here, that case skipped" >&2
fi
ntpt_pass
