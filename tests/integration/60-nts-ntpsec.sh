#!/usr/bin/env bash
# NTS against NTPsec's ntpd (nts enable, nts key, nts cert), in an NTS=1
# build: NTPsec serves the time it takes from a chronyd on host 2 (its
# own clock adjustments fail: no CAP_SYS_TIME outside this namespace),
# and ntpdate --nts / sntp --nts get an authenticated offset from it; a
# wrong CA is refused.  NTPsec's ntpd is looked for in $NTPT_NTPSEC, then
# $NTPT_SERVERS/ntpsec (default /var/cache/ntpc-servers: tests/deps.sh,
# through fetch-servers.sh, unpacks Debian's ntpsec there without
# installing it: it conflicts with chrony).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

if "$ND" --nts 127.0.0.1 2>&1 | grep -q 'not built with NTS'; then
	ntpt_skip "not built with NTS support (make NTS=1; make check-nts)"
fi
NTPSEC=${NTPT_NTPSEC:-${NTPT_SERVERS:-/var/cache/ntpc-servers}/ntpsec/usr/sbin/ntpd}
[ -x "$NTPSEC" ] || ntpt_skip "NTPsec ntpd not found at $NTPSEC"
command -v openssl >/dev/null || ntpt_skip "openssl not installed"

P=$NTPT_TMP
for ca in ca otherca; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$P/$ca.key" -out "$P/$ca.pem" -days 30 \
	    -subj "/CN=ntpc test $ca" >/dev/null 2>&1 ||
	    ntpt_fail "openssl: CA $ca"
done
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$P/srv.key" -out "$P/srv.csr" -subj /CN=127.0.0.1 \
    >/dev/null 2>&1 &&
printf 'subjectAltName=IP:127.0.0.1\n' >"$P/srv.ext" &&
openssl x509 -req -in "$P/srv.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
    -CAcreateserial -out "$P/srv.pem" -days 30 -extfile "$P/srv.ext" \
    >/dev/null 2>&1 || ntpt_fail "openssl: server certificate"

ntpt_second_host
NTPT_HOST=2 ntpt_start_chronyd up "local stratum 10" "allow all"
cat >"$P/ntp.conf" <<EOC
nts enable
nts key $P/srv.key
nts cert $P/srv.pem
nts cookie $P/nts-keys
server 192.0.2.2 iburst minpoll 0 maxpoll 0
tinker panic 0
EOC
# Its clock calls faked by the tests' shim (as in 31-ntpsec): a refused
# adjustment would set it back to unsynchronised.
SHIM=$NTPT_BUILD/tests/clockshim.so
[ -e "$SHIM" ] || ntpt_fail "$SHIM not built (make tests/clockshim.so)"
LD_PRELOAD=$SHIM NTPT_CLOCKSHIM_LOG=$P/ntpsec.clock \
    ntpt_bg "$NTPSEC" -n -g -c "$P/ntp.conf" -l "$P/ntpsec.log"
NTPSEC_PID=$NTPT_LAST_PID

# NTPsec answers leap 3 until it has synchronised (a few polls).  A query
# asks once, and NTPsec drops requests that come too fast from one client:
# the tries, and the runs after them, are 2 s apart.
synced() {
	sleep 2
	"$ND" -q --nts --nts-ca "$P/ca.pem" 127.0.0.1 >"$P/sync.log" 2>&1
}
ntpt_wait_until 40 ntpt__ready "$NTPSEC_PID" synced
synced || ntpt_fail "NTPsec never served authenticated time:" \
    "$(cat "$P/sync.log")" "$(tail -20 "$P/ntpsec.log")"

sleep 2
nd ok -q --nts --nts-ca "$P/ca.pem" 127.0.0.1
nd wrongca -q --nts --nts-ca "$P/otherca.pem" 127.0.0.1
nd_wait
result ok adjust 127.0.0.1 0
ntpt_assert_near "$(q_offset ok 127.0.0.1)" 0 0.001 "ok: offset"
ntpt_assert_match -f 'NTSs: NTS-KE from 127\.0\.0\.1' "$P/ntpsec.log" \
    "NTPsec logged the NTS-KE"
rc_is wrongca 1
ntpt_assert_match 'server 127\.0\.0\.1: NTS key establishment failed \(certificate not trusted' \
    "$(cat "$NTPT_TMP/wrongca.err")" "wrongca: reason"

sleep 2
sn_fg sok --nts --nts-ca "$P/ca.pem" 127.0.0.1
rc_is sok 0
ntpt_assert_match '127\.0\.0\.1 s1[0-9] no-leap$' "$(out sok)" "sok: line"
ntpt_assert_eq "$(err sok)" "" "sok: stderr"

ntpt_pass
