#!/usr/bin/env bash
# NTS (RFC 8915), in an NTS=1 build: ntpdate --nts and sntp --nts against
# chronyd serving NTS with certificates from a test CA made here with
# openssl.  Success by name and by address; every refusal with its reason
# and no fallback to plain NTP: wrong CA, wrong host name, expired
# certificate, a server that does not know our cookies (NTSN, reached
# through NTPv4 Server and Port Negotiation), and a forged reply that
# echoes our unique identifier without the server's key.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

if "$ND" --nts 127.0.0.1 2>&1 | grep -q 'not built with NTS'; then
	# The default build: --nts is refused, before any network use.
	nd plain --nts 127.0.0.1
	sn plainsn --nts 127.0.0.1
	nd_wait
	sn_wait
	rc_is plain 2
	sed -i "s|^$ND: |ntpdate: |" "$NTPT_TMP/plain.err"	# as invoked
	ntpt_assert_eq "$(cat "$NTPT_TMP/plain.err")" "ntpdate: --nts: not \
built with NTS support (build with make NTS=1)" "plain: message"
	rc_is plainsn 64
	ntpt_assert_match '^sntp: --nts: not built with NTS support' \
	    "$(err plainsn)" "plainsn: message"
	ntpt_skip "not built with NTS support (make NTS=1; make check-nts)"
fi
command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"
command -v openssl >/dev/null || ntpt_skip "openssl not installed"
command -v python3 >/dev/null || ntpt_skip "python3 not installed"

P=$NTPT_TMP/pki
mkdir -p "$P"
# ca NAME: a self-signed test CA.
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$P/$1.key" -out "$P/$1.pem" -days 30 \
	    -subj "/CN=ntpc test $1" >/dev/null 2>&1 ||
	    ntpt_fail "openssl: cannot make CA $1"
}
# cert NAME CA DAYS SAN: a server certificate (DAYS -1: expired yesterday).
cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$1" \
	    >/dev/null 2>&1 &&
	printf 'subjectAltName=%s\n' "$4" >"$P/$1.ext" &&
	openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.pem" -CAkey "$P/$2.key" \
	    -CAcreateserial -out "$P/$1.pem" -days "$3" \
	    -extfile "$P/$1.ext" >/dev/null 2>&1 ||
	    ntpt_fail "openssl: cannot make certificate $1"
}
# certdates NAME SAN START END: a certificate of CA "ca" valid from START
# to END (YYYYMMDDHHMMSSZ).
certdates() {
	mkdir -p "$P/db" && : >"$P/db/index.txt" && echo 01 >"$P/db/serial" &&
	printf '%s\n' "[ca]" "default_ca = t" "[t]" \
	    "database = $P/db/index.txt" "serial = $P/db/serial" \
	    "new_certs_dir = $P/db" "default_md = sha256" "policy = p" \
	    "[p]" "commonName = supplied" >"$P/ca.cnf" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$1" \
	    >/dev/null 2>&1 &&
	printf 'subjectAltName=%s\n' "$2" >"$P/$1.ext" &&
	openssl ca -batch -config "$P/ca.cnf" -cert "$P/ca.pem" \
	    -keyfile "$P/ca.key" -in "$P/$1.csr" -out "$P/$1.pem" \
	    -startdate "$3" -enddate "$4" \
	    -extfile "$P/$1.ext" >/dev/null 2>&1 ||
	    ntpt_fail "openssl: cannot make certificate $1"
}
ca ca
ca otherca
certdates c2019 "IP:127.0.0.14" 20190101000000Z 20200101000000Z
certdates future "IP:127.0.0.15" "$(date -u -d '+1 day' +%Y%m%d%H%M%SZ)" \
    "$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)"
cert good ca 30 "DNS:ntp.test,IP:127.0.0.1"
cert old ca -1 "DNS:old.test,IP:127.0.0.2"
cert neg ca 30 "IP:127.0.0.4"
cert nak ca 30 "IP:127.0.0.5"
cert fwd ca 30 "IP:127.0.0.6"
cert v6 ca 30 "DNS:ntp6.test,IP:::1"
cert fake ca 30 "IP:127.0.0.10,IP:127.0.0.11,IP:127.0.0.12,IP:127.0.0.13,\
IP:127.0.0.16"

# Names for the certificates, in this test's own mount namespace.
printf '127.0.0.1 ntp.test\n127.0.0.1 other.test\n127.0.0.2 old.test\n%s\n' \
    '::1 ntp6.test' >"$NTPT_TMP/hosts"
mount --bind "$NTPT_TMP/hosts" /etc/hosts ||
    ntpt_fail "cannot bind-mount /etc/hosts"

# nts_chronyd NAME ADDR CERT [LINE...]: chronyd serving NTP and NTS-KE on
# ADDR with CERT, its clock as a local stratum 10 source.
nts_chronyd() {
	local name=$1 addr=$2 crt=$3
	shift 3
	ntpt_start_chronyd "$name" "local stratum 10" "allow all" \
	    "bindaddress $addr" "ntsserverkey $P/$crt.key" \
	    "ntsservercert $P/$crt.pem" "ntsprocesses 0" "$@"
	ntpt_wait_until 5 ntpt__ready "$NTPT_CHRONYD_PID" \
	    tcp_bound "$NTPT_CHRONYD_PID" 4460
	tcp_bound "$NTPT_CHRONYD_PID" 4460 ||
	    ntpt_fail "chronyd $name: no NTS-KE listener"
}
tcp_bound() {
	ss -Htlnp "sport = :$2" 2>/dev/null | grep -q "pid=$1,"
}

nts_chronyd good 127.0.0.1 good
nts_chronyd old 127.0.0.2 old
nts_chronyd c2019 127.0.0.14 c2019
nts_chronyd future 127.0.0.15 future
# IPv6: NTS-KE and NTP on ::1 (its IPv4 sockets kept off the others').
nts_chronyd v6 ::1 v6 "bindaddress 127.0.0.20"
# NTS-KE on .4 sends clients to the NTP server .5, port 1123 (chronyd
# names its own port when it is not 123); .5 has keys of its own, so it
# cannot open .4's cookies and answers NTSN.
nts_chronyd neg 127.0.0.4 neg "port 1123" "ntsntpserver 127.0.0.5"
nts_chronyd nak 127.0.0.5 nak "port 1123"
# NTS-KE on .6 sends clients to .7:1123, where a forger answers.
nts_chronyd fwd 127.0.0.6 fwd "port 1123" "ntsntpserver 127.0.0.7"
cat >"$NTPT_TMP/forger.py" <<'PY'
# Answer every NTP request with a well-formed reply whose extension fields
# are the request's own (its unique identifier, cookie and authenticator):
# what an on-path attacker without the S2C key can send.
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.7", 1123))
open(sys.argv[1], "w").close()
while True:
    req, peer = s.recvfrom(2048)
    now = int((time.time() + 2208988800) * 2**32)
    hdr = struct.pack(">BBbbII4sQQQQ", 0x24, 2, 0, -20, 0, 0, b"GPS\0",
                      now, req[40:48] and struct.unpack(">Q", req[40:48])[0],
                      now, now)
    s.sendto(hdr + req[48:], peer)
PY
ntpt_bg python3 "$NTPT_TMP/forger.py" "$NTPT_TMP/forger.ready" \
    2>"$NTPT_TMP/forger.err"
ntpt_wait_until 5 test -e "$NTPT_TMP/forger.ready"

# A scripted NTS-KE server (TLS 1.3 by Python's ssl) for what chronyd never
# sends: on .10 no ALPN, on .11 an Error record, on .12 no common AEAD,
# on .13 no cookies; .16 never answers the request.
cat >"$NTPT_TMP/fakeke.py" <<'PY'
import socket, ssl, struct, sys, threading
d = sys.argv[1]
def rec(t, b=b""):
    return struct.pack(">HH", t, len(b)) + b
NP, AEAD, EOM = rec(0x8001, b"\0\0"), rec(0x8004, b"\0\x0f"), rec(0x8000)
COOKIE = rec(5, b"\x11" * 64)
script = {
    "127.0.0.10": (False, NP + AEAD + COOKIE + EOM),
    "127.0.0.11": (True, rec(0x8002, b"\0\x01") + EOM),
    "127.0.0.12": (True, NP + rec(0x8004) + EOM),
    "127.0.0.13": (True, NP + AEAD + EOM),
    "127.0.0.16": (True, None),
}
def serve(addr, alpn, reply):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(d + "/fake.pem", d + "/fake.key")
    if alpn:
        ctx.set_alpn_protocols(["ntske/1"])
    s = socket.socket()
    s.bind((addr, 4460))
    s.listen(8)
    ready.release()
    while True:
        c, _ = s.accept()
        try:
            t = ctx.wrap_socket(c, server_side=True)
            t.recv(1024)
            if reply is None:
                threading.Event().wait(30)
            t.sendall(reply)
            t.close()
        except (ssl.SSLError, OSError, TypeError):
            c.close()
ready = threading.Semaphore(0)
for a, (alpn, reply) in script.items():
    threading.Thread(target=serve, args=(a, alpn, reply), daemon=True).start()
for _ in script:
    ready.acquire()
open(sys.argv[2], "w").close()
threading.Event().wait()
PY
ntpt_bg python3 "$NTPT_TMP/fakeke.py" "$P" "$NTPT_TMP/fakeke.ready" \
    2>"$NTPT_TMP/fakeke.err"
ntpt_wait_until 5 test -e "$NTPT_TMP/fakeke.ready"
[ -e "$NTPT_TMP/fakeke.ready" ] ||
    ntpt_fail "fake NTS-KE server did not start: $(cat "$NTPT_TMP/fakeke.err")"

CA=(--nts --nts-ca "$P/ca.pem")

# --- Success, by name (DNS SAN) and by address (IP SAN).
nd byname -q "${CA[@]}" ntp.test
nd byaddr -q "${CA[@]}" 127.0.0.1
nd withport -q "${CA[@]}" ntp.test:4460
nd_wait
result byname adjust 127.0.0.1 0
ntpt_assert_near "$(q_offset byname 127.0.0.1)" 0 0.001 "byname: offset"
result byaddr adjust 127.0.0.1 0
result withport adjust 127.0.0.1 0
# IPv6: by address, as [addr]:port, by name (AAAA only).
nd v6addr -q "${CA[@]}" ::1
nd v6port -q "${CA[@]}" '[::1]:4460'
nd v6name -q "${CA[@]}" ntp6.test
nd_wait
result v6addr adjust ::1 0
result v6port adjust ::1 0
result v6name adjust ::1 0
sn_fg snts "${CA[@]}" ntp.test
rc_is snts 0
ntpt_assert_match ' ntp\.test 127\.0\.0\.1 s10 no-leap$' "$(out snts)" \
    "snts: result line"
ntpt_assert_eq "$(err snts)" "" "snts: stderr"

# --- Refusals: each says why, and nothing is measured.
KE='NTS key establishment failed \('
refused() {	# refused NAME ADDR REGEX
	rc_is "$1" 1
	ntpt_assert_match "server ${2//./\\.}: $3" "$(cat "$NTPT_TMP/$1.err")" \
	    "$1: reason"
	ntpt_assert_eq "$(grep -c '^server .*, stratum [1-9]' \
	    "$NTPT_TMP/$1.log")" 0 "$1: no sample printed"
}
nd wrongca -q --nts --nts-ca "$P/otherca.pem" ntp.test
nd sysca -q --nts ntp.test
nd wrongname -q "${CA[@]}" other.test
nd expired -q "${CA[@]}" old.test
nd nak -q -t 1 "${CA[@]}" 127.0.0.4
nd forged -q -t 1 "${CA[@]}" 127.0.0.6
nd noke -q -t 1 "${CA[@]}" 127.0.0.9
nd noalpn -q "${CA[@]}" 127.0.0.10
nd errrec -q "${CA[@]}" 127.0.0.11
nd noaead -q "${CA[@]}" 127.0.0.12
nd nocookie -q "${CA[@]}" 127.0.0.13
nd silentke -q -t 0.5 "${CA[@]}" 127.0.0.16
# Four authenticated exchanges in a row: each request spends a cookie,
# each reply brings a new one.
nd multi -d -p 4 "${CA[@]}" ntp.test
nd_wait
# (Classic's dump names the counts only when they differ.)
ntpt_assert_eq "$(grep -Ec '^127\.0\.0\.1: sample [1-4]: ' "$NTPT_TMP/multi.err")" 4 \
    "multi: four authentic replies"
ntpt_assert_no_match -f '^transmitted ' "$NTPT_TMP/multi.log" \
    "multi: as many replies as requests"
refused wrongca 127.0.0.1 "$KE"'certificate not trusted: .*issuer is unknown'
refused sysca 127.0.0.1 "$KE"'certificate not trusted'
refused wrongname 127.0.0.1 \
    "$KE"'certificate name mismatch: .* is not for other\.test\)'
refused expired 127.0.0.2 \
    "$KE"'certificate expired or not yet valid: the server.s certificate'
refused nak 127.0.0.5 'NTS NAK \(NTSN\)'
refused forged 127.0.0.7 'NTS authenticator missing or wrong'
refused noke 127.0.0.9 "$KE"'cannot connect: Connection refused'
refused noalpn 127.0.0.10 "$KE"'the server did not agree to ALPN ntske/1'
refused errrec 127.0.0.11 \
    "$KE"'the server sent an error record 1 \(bad request\)\)'
refused noaead 127.0.0.12 "$KE"'no common AEAD algorithm'
refused nocookie 127.0.0.13 "$KE"'the server sent no cookies\)'
refused silentke 127.0.0.16 "$KE"'TLS error: receive: .*timed out'

# --- A clock years behind (before the build date; time() shimmed to
# 2000-01-01): certificate dates are judged at the build date, so a
# current certificate passes, and so does one valid from tomorrow (which
# a right clock refuses: the proof that the shim works); one that expired
# in 2020 does not.
cat >"$NTPT_TMP/y2k.c" <<'C'
#include <time.h>
time_t
time(time_t *t)
{
	if (t != NULL)
		*t = 946684800;
	return 946684800;
}
C
cc -shared -fPIC -o "$NTPT_TMP/y2k.so" "$NTPT_TMP/y2k.c" ||
    ntpt_fail "cannot build the time() shim"
# (ASan wants its runtime first; the shim only replaces time().)
Y2K=(env ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$NTPT_TMP/y2k.so")
ndx boot "${Y2K[@]}" "$ND" -q "${CA[@]}" ntp.test
ndx boot2019 "${Y2K[@]}" "$ND" -q "${CA[@]}" 127.0.0.14
ndx bootfuture "${Y2K[@]}" "$ND" -q "${CA[@]}" 127.0.0.15
nd now2019 -q "${CA[@]}" 127.0.0.14
nd nowfuture -q "${CA[@]}" 127.0.0.15
nd_wait
result boot adjust 127.0.0.1 0
result bootfuture adjust 127.0.0.15 0
refused nowfuture 127.0.0.15 "$KE"'certificate expired or not yet valid'
refused boot2019 127.0.0.14 "$KE"'certificate expired or not yet valid'
refused now2019 127.0.0.14 "$KE"'certificate expired or not yet valid'

# --- Setting the (faked) clock (-u: the chronyds here hold port 123): -b
# steps once, to the server's time.
T0=$(date +%s.%N)
ndf step -u -b "${CA[@]}" ntp.test
T1=$(date +%s.%N)
rc_is step 0
CALLS=$(ntpt_clock_calls)
ntpt_assert_eq "$(grep -c . <<<"$CALLS")" 1 "step: clock calls"
t=$(sed -nE 's/^clock_settime\(CLOCK_REALTIME, \{tv_sec=([0-9]+), tv_nsec=([0-9]+)\}\).*/\1 \2/p' \
    <<<"$CALLS" | awk '{ printf "%d.%09d", $1, $2 }')
awk -v t="$t" -v a="$T0" -v b="$T1" 'BEGIN {
	exit !(t != "" && t >= a - 0.02 && t <= b + 0.02) }' ||
    ntpt_fail "step: clock set to '$t', expected within $T0..$T1"

# --- A bad NTS-KE port is refused before anything is sent.
nd badport -q "${CA[@]}" ntp.test:0
nd_wait
rc_is badport 1
ntpt_assert_match 'bad host or port: ntp\.test:0$' \
    "$(cat "$NTPT_TMP/badport.err")" "badport: message"

# --- Several servers at once (NTS-KE runs in parallel): each failure says
# why, the good one is used.
nd several -q "${CA[@]}" 127.0.0.9 ntp.test 127.0.0.10 127.0.0.13
nd_wait
result several adjust 127.0.0.1 0
for why in '127\.0\.0\.9: '"$KE"'cannot connect' \
    '127\.0\.0\.10: '"$KE"'the server did not agree to ALPN' \
    '127\.0\.0\.13: '"$KE"'the server sent no cookies'; do
	ntpt_assert_match "server $why" "$(cat "$NTPT_TMP/several.err")" \
	    "several: reason"
done

# sntp says the same.
sn_fg snak -t 1 "${CA[@]}" 127.0.0.4
rc_is snak 1
ntpt_assert_match 'server 127\.0\.0\.4 \(127\.0\.0\.5\): NTS NAK \(NTSN\)' \
    "$(err snak)" "snak: reason"
sn_fg sname "${CA[@]}" other.test
rc_is sname 1
ntpt_assert_match 'certificate name mismatch' "$(err sname)" "sname: reason"

ntpt_pass
