#!/usr/bin/env bash
# Self-test of the integration harness: ntp-testd's replies and faults seen
# by an independent client (a few lines of Python), its request log, a real
# chronyd, the second host, and the clock-call faking.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"

command -v python3 >/dev/null || ntpt_skip "python3 not installed"

NTPC=$NTPT_TMP/ntpc.py
cat >"$NTPC" <<'EOF'
# ntpc.py ADDR PORT TIMEOUT MAXREPLIES: send one mode 3 request with a random
# transmit timestamp, print one line of fields per reply, then replies=N.
import os, socket, struct, sys, time

addr, port, tmo, want = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
    int(sys.argv[4])

def ntp(ns):
    sec, rem = divmod(ns, 10**9)
    return ((sec + 2208988800) % 2**32) << 32 | (rem << 32) // 10**9

def diff(a, b):
    d = (a - b) % 2**64
    return (d - 2**64 if d >= 2**63 else d) / 2**32

fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
xmt = os.urandom(8)
t1 = time.time_ns()
s.sendto(bytes([0x23, 0, 6]) + bytes(37) + xmt, (addr, port))
deadline = time.monotonic() + tmo
n = 0
while n < want and deadline > time.monotonic():
    s.settimeout(deadline - time.monotonic())
    try:
        pkt = s.recv(2048)
    except socket.timeout:
        break
    t4 = time.time_ns()
    n += 1
    f = {"len": len(pkt)}
    if len(pkt) >= 48:
        b0, st, poll, prec, rd, rs = struct.unpack("!BBbbII", pkt[:12])
        ref, rec, tx = (struct.unpack("!Q", pkt[i:i + 8])[0]
                        for i in (16, 32, 40))
        f.update(li=b0 >> 6, vn=b0 >> 3 & 7, mode=b0 & 7, stratum=st,
                 poll=poll, precision=prec, rootdelay=rd / 65536,
                 rootdisp=rs / 65536, refid=pkt[12:16].hex(),
                 refid_ascii=pkt[12:16].rstrip(b"\0").decode("latin-1"),
                 ref_sec=ref >> 32, rec_sec=rec >> 32, xmt_sec=tx >> 32,
                 org_ok=int(pkt[24:32] == xmt),
                 offset="%.6f" % ((diff(rec, ntp(t1)) + diff(tx, ntp(t4))) / 2),
                 delay="%.6f" % (diff(ntp(t4), ntp(t1)) - diff(tx, rec)))
    print(" ".join("%s=%s" % kv for kv in f.items()))
print("replies=%d" % n)
EOF

# query ADDR [TIMEOUT [MAXREPLIES [PORT]]]
query() {
	python3 "$NTPC" "$1" "${4:-123}" "${2:-1}" "${3:-1}"
}

# field NAME LINE: the value of NAME=... in LINE.
field() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

era1=$(( (2100000000 + 2208988800) % 4294967296 ))

ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,silent \
    127.0.0.3,kod=RATE 127.0.0.4,time=2100000000,refid=GPS,stratum=1 \
    127.0.0.5,truncate=20 127.0.0.6,dup=3,spoof 127.0.0.7,dropfirst=1 \
    127.0.0.8,dreq=0.2,offset=-3e9 127.0.0.9,unsync,ext,mac=20 \
    ::1@1123,wrong_origin,zero_xmt,version=3

r=$(query 127.0.0.1)
ntpt_assert_match '^replies=1$' "$(tail -n 1 <<<"$r")" "offset reply count"
ntpt_assert_near "$(field offset "$r")" 0.25 0.01 "offset=0.25 offset"
ntpt_assert_eq "$(field org_ok "$r")" 1 "origin echoes our transmit"
ntpt_assert_eq "$(field len "$r")" 48 "plain reply length"
ntpt_assert_eq "$(field mode "$r")/$(field vn "$r")/$(field stratum "$r")" \
    4/4/2 "mode/version/stratum"
ntpt_assert_eq "$(field poll "$r")/$(field precision "$r")" 6/-20 \
    "poll/precision"
ntpt_assert_eq "$(field refid "$r")" 7f7f0100 "default refid"

r=$(query 127.0.0.2 0.5)
ntpt_assert_eq "$r" "replies=0" "silent server"
ntpt_assert_eq "$(ntpt_requests 127.0.0.2 silent)" 1 "silent logged"

r=$(query 127.0.0.3)
ntpt_assert_eq "$(field stratum "$r")/$(field refid_ascii "$r")" 0/RATE "KoD"
ntpt_assert_eq "$(ntpt_requests 127.0.0.3 kod)" 1 "KoD logged"

r=$(query 127.0.0.4)
# The served clock started at 2100000000 and has run for a few seconds
# (python3 starts slowly on a loaded machine): era 1, not 2^32 s away.
ntpt_assert_near "$(field xmt_sec "$r")" "$((era1 + 10))" 10 \
    "era 1 transmit seconds"
# (Its clock started when ntp-testd did, seconds ago on a loaded machine.)
ntpt_assert_near "$(field offset "$r")" "$((2100000000 - $(date +%s) + 7))" 8 \
    "time=2100000000 offset"
ntpt_assert_eq "$(field refid_ascii "$r")/$(field stratum "$r")" GPS/1 \
    "refid/stratum keys"

r=$(query 127.0.0.5)
ntpt_assert_eq "$r" $'len=20\nreplies=1' "truncate=20"

r=$(query 127.0.0.6 0.5 5)
ntpt_assert_eq "$(tail -n 1 <<<"$r")" replies=4 "spoof + dup=3 replies"
ntpt_assert_eq "$(field org_ok "$(head -n 1 <<<"$r")")" 0 "spoof origin"
ntpt_assert_near "$(field offset "$(head -n 1 <<<"$r")")" 1000 0.01 \
    "spoof offset"
ntpt_assert_eq "$(grep -c org_ok=1 <<<"$r")" 3 "dup=3 genuine replies"

ntpt_assert_eq "$(query 127.0.0.7 0.3)" replies=0 "dropfirst=1, first"
ntpt_assert_match '^replies=1$' "$(query 127.0.0.7)" "dropfirst=1, second"
ntpt_assert_eq "$(awk '$2 == "127.0.0.7" { print $5 }' "$NTPT_TMP/testd.log" |
    tr '\n' ' ')" "dropped replied " "dropfirst log"

# -3e9 s is beyond the +/- 2^31 s an NTP timestamp difference can show: the
# client sees 2^32 - 3e9 s; dreq=0.2 adds (dreq - dresp) / 2.
r=$(query 127.0.0.8)
ntpt_assert_near "$(field offset "$r")" 1294967296.1 0.01 "dreq=0.2 offset"
ntpt_assert_near "$(field delay "$r")" 0.2 0.01 "dreq=0.2 delay"

r=$(query 127.0.0.9)
ntpt_assert_eq "$(field li "$r")/$(field stratum "$r")/$(field refid "$r")" \
    3/0/00000000 "unsync header"
ntpt_assert_eq "$(field ref_sec "$r")/$(field len "$r")" 0/100 \
    "unsync reference time, ext + mac=20 length"

r=$(query ::1 1 1 1123)
ntpt_assert_eq "$(field org_ok "$r")/$(field xmt_sec "$r")/$(field vn "$r")" \
    0/0/3 "IPv6 wrong_origin, zero_xmt, version=3"

# The request log: one line per request, monotonic times in order.
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" 1 "requests to 127.0.0.1"
ntpt_assert_eq "$(ntpt_requests ::1)" 1 "requests to ::1"
ntpt_assert_eq "$(ntpt_requests 127.0.0.42)" 0 "requests to nobody"
t=$(ntpt_request_times 127.0.0.7)
ntpt_assert_match '^[0-9]+\.[0-9]{6}$' "$(head -n 1 <<<"$t")" "log time"
# The second request follows the first one's 0.3 s timeout: at least that
# far apart (no upper bound: starting python3 on a loaded machine is slow).
gap=$(awk 'NR == 1 { a = $1 } NR == 2 { print $1 - a }' <<<"$t")
awk -v g="$gap" 'BEGIN { exit !(g != "" && g >= 0.29) }' ||
    ntpt_fail "dropfirst request spacing: got '$gap', expected >= 0.29"

# A real chronyd.
if command -v chronyd >/dev/null; then
	ntpt_start_chronyd c1 "local stratum 10" "allow" \
	    "bindaddress 127.0.0.10"
	r=$(query 127.0.0.10 2)
	ntpt_assert_eq "$(field stratum "$r")/$(field org_ok "$r")" 10/1 \
	    "chronyd local stratum 10"
else
	echo "note: chronyd not installed, chronyd check skipped" >&2
fi

# The second host, reached over the veth pair.
ntpt_second_host
NTPT_HOST=2 ntpt_start_testd 192.0.2.2,offset=-1
r=$(query 192.0.2.2)
ntpt_assert_near "$(field offset "$r")" -1 0.01 "host 2 offset"
ntpt_assert_match -f '^[0-9.]+ 192\.0\.2\.2 192\.0\.2\.1 [0-9]+ replied$' \
    "$NTPT_TMP/testd.log" "host 2 log"
ntpt_assert_eq "$(ntpt_on_host2 ip -br addr show dev ntpt1 |
    awk '{ print $3 }')" 192.0.2.2/24 "host 2 address"

# Clock calls are faked and recorded, never made.
if command -v strace >/dev/null; then
	ntpt_fake_clock date -u -s @1000000000 >/dev/null ||
	    ntpt_fail "date -s under ntpt_fake_clock failed"
	re='^clock_settime\(CLOCK_REALTIME, \{tv_sec=1000000000, tv_nsec=0\}\)'
	ntpt_assert_match "$re = 0 .*INJECTED" "$(ntpt_clock_calls)" \
	    "faked clock_settime"
	[ "$(date +%s)" -gt 1000000100 ] || ntpt_fail "the clock moved"
else
	echo "note: strace not installed, fake clock check skipped" >&2
fi

ntpt_pass
