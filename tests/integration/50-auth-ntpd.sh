#!/usr/bin/env bash
# ntpdate -a and sntp -a against NTP Classic ntpd 4.2.8p18 (../shared/
# anchors) serving with "keys" and "trustedkey": MD5, SHA1, AES128CMAC.
# First just started, its upstream (chronyd on host 2) not up yet: not
# synchronised (leap 3, INIT), so a good key shows as a reply that
# authenticated and was then refused as not synchronised (sntp -j:
# "authenticated": true); a wrong key, a key ntpd does not trust and a
# key id it does not have all get a crypto-NAK.  Then synchronised to the
# upstream: every key type works.  Side by side with classic ntpdate and
# sntp on the same server.  ntpd's clock calls are faked with strace (it
# cannot set the host clock from the user namespace anyway).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

[ "${NTPT_SANITIZE:-}" = 1 ] &&
    ntpt_skip "real-daemon suite, left to the plain build (NTPT_SANITIZE=1)"
ANCHORS=${NTP_ANCHORS:-$NTPT_SRC/../shared/anchors}
[ -x "$ANCHORS/ntpd" ] || ntpt_skip "classic ntpd not in $ANCHORS"
ldd "$ANCHORS/ntpd" "$ANCHORS/ntpdate" "$ANCHORS/sntp" 2>/dev/null |
    grep -q 'not found' && ntpt_skip "classic binaries lack libraries" \
    "(apt-get install libssl3 libevent-core-2.1-7" \
    "libevent-pthreads-2.1-7 libcap2)"
command -v strace >/dev/null || ntpt_skip "strace not installed"
command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"

SHA=0123456789abcdef0123456789abcdef01234567
AES=000102030405060708090a0b0c0d0e0f
K=$NTPT_TMP/ntp.keys
printf '1 M my-md5-key\n2 SHA1 %s\n3 AES128CMAC %s\n4 MD5 untrusted\n' \
    "$SHA" "$AES" >"$K"
W=$NTPT_TMP/wrong.keys
printf '1 M my-md5-kex\n2 SHA1 %s\n3 AES128CMAC %s\n9 MD5 unknown\n' \
    "${SHA%?}8" "${AES%?}e" >"$W"
chmod 600 "$K" "$W"
# NTP Classic ntpd crashes on a link-local address still tentative.
echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad ||
    ntpt_fail "cannot turn off duplicate address detection"
ntpt_second_host
cat >"$NTPT_TMP/ntp.conf" <<EOF2
server 192.0.2.2 iburst minpoll 3 maxpoll 3
keys $K
trustedkey 1 2 3
restrict default nomodify notrap nopeer
restrict 127.0.0.1
EOF2

calls=clock_settime,settimeofday,adjtimex,clock_adjtime
ntpt_bg strace -f -qq -e signal=none -e trace="$calls" \
    -e inject="$calls":retval=0 -o "$NTPT_TMP/ntpd.strace" \
    "$ANCHORS/ntpd" -n -c "$NTPT_TMP/ntp.conf" -l "$NTPT_TMP/ntpd.log"
ntpd_bound() { ss -Hulnp 'sport = :123' 2>/dev/null | grep -q '"ntpd"'; }
ntpt_wait_until 10 ntpd_bound || ntpt_fail "ntpd did not bind port 123"

NOTSYNC="Kiss-o'-Death|.*not synchronized|.*unsynchronised"
for id in 1 2 3; do
	nd "g$id" -d -a "$id" -k "$K" 127.0.0.1
	sn "s$id" -j -t 1 -a "$id" -k "$K" 127.0.0.1
done
for id in 4; do
	nd "n$id" -q -t 0.5 -a "$id" -k "$K" 127.0.0.1
done
for id in 1 2 3 9; do
	nd "w$id" -q -t 0.5 -a "$id" -k "$W" 127.0.0.1
done
sn sw -j -t 1 -a 1 -k "$W" 127.0.0.1
nd_wait
sn_wait

# Good keys: every reply verified, then refused as not synchronised.
for id in 1 2 3; do
	rc_is "g$id" 1
	ntpt_assert_match "^127\\.0\\.0\\.1: rejected reply: ($NOTSYNC)" \
	    "$(cat "$NTPT_TMP/g$id.err")" "key $id: reply authenticated"
	ntpt_assert_no_match "MAC|crypto-NAK|key id" \
	    "$(cat "$NTPT_TMP/g$id.log" "$NTPT_TMP/g$id.err")" \
	    "key $id: no authentication failure"
	rc_is "s$id" 1
	ntpt_assert_match '"address":"127\.0\.0\.1",.*"authenticated":true' \
	    "$(out "s$id")" "sntp key $id: authenticated"
done
# Untrusted, wrong, unknown: crypto-NAK.
for n in n4 w1 w2 w3 w9; do
	rc_is "$n" 1
	ntpt_assert_match "$(pfx "$n")server 127\\.0\\.0\\.1: crypto-NAK: the server does not know the key\$" \
	    "$(cat "$NTPT_TMP/$n.err")" "$n: reason"
done
rc_is sw 1
ntpt_assert_match '"reason":"auth_crypto_nak",.*"authenticated":false' \
    "$(out sw)" "sntp wrong key: crypto-NAK"

# --- Classic on the same server: nothing usable either way; its sntp
# reports the crypto-NAK for the wrong key and none for the good one.
for id in 1 2 3; do
	ndx "k$id" "$ANCHORS/ntpdate" -q -a "$id" -k "$K" 127.0.0.1
done
ndx kw1 "$ANCHORS/ntpdate" -q -t 0.5 -a 1 -k "$W" 127.0.0.1
nd_wait
for n in k1 k2 k3 kw1; do
	rc_is "$n" 1
	ntpt_assert_match 'no server suitable for synchronization found' \
	    "$(cat "$NTPT_TMP/$n.err")" "classic $n: verdict"
done
timeout -k 2 20 "$ANCHORS/sntp" -K /dev/null -t 1 -a 1 -k "$W" 127.0.0.1 \
    >"$NTPT_TMP/ksw.log" 2>&1
ntpt_assert_match 'Crypto NAK' "$(cat "$NTPT_TMP/ksw.log")" \
    "classic sntp wrong key: crypto-NAK"
timeout -k 2 20 "$ANCHORS/sntp" -K /dev/null -t 1 -a 1 -k "$K" 127.0.0.1 \
    >"$NTPT_TMP/ksg.log" 2>&1
ntpt_assert_no_match 'Crypto NAK' "$(cat "$NTPT_TMP/ksg.log")" \
    "classic sntp good key: no crypto-NAK"

# --- Synchronised (upstream chronyd on host 2, stratum 9): every key type
# works for both, and the wrong key still gets its crypto-NAK.
NTPT_HOST=2 ntpt_start_chronyd up "local stratum 9" "allow all" \
    "bindaddress 192.0.2.2"
synced() {
	"$ND" -q -t 0.3 127.0.0.1 2>/dev/null | grep -q '^server 127\.0\.0\.1, stratum 10,'
}
ntpt_wait_until 60 synced || ntpt_fail "ntpd did not synchronise in 60 s"
for id in 1 2 3; do
	nd "y$id" -q -a "$id" -k "$K" 127.0.0.1
	sn "ys$id" -j -a "$id" -k "$K" 127.0.0.1
	ndx "ky$id" "$ANCHORS/ntpdate" -q -a "$id" -k "$K" 127.0.0.1
done
nd yw -q -t 0.5 -a 1 -k "$W" 127.0.0.1
nd_wait
sn_wait
for id in 1 2 3; do
	rc_is "y$id" 0
	result "y$id" adjust 127.0.0.1 0
	rc_is "ys$id" 0
	ntpt_assert_match '^\{"result":true,.*"authenticated":true' \
	    "$(out "ys$id")" "synced: sntp key $id"
	rc_is "ky$id" 0
	ntpt_assert_match 'adjust time server 127\.0\.0\.1 offset' \
	    "$(cat "$NTPT_TMP/ky$id.log")" "synced: classic key $id"
	timeout -k 2 20 "$ANCHORS/sntp" -K /dev/null -t 1 -a "$id" -k "$K" \
	    127.0.0.1 >"$NTPT_TMP/kys$id.log" 2>&1
	ntpt_assert_eq "$?" 0 "synced: classic sntp key $id: exit status"
	ntpt_assert_match '127\.0\.0\.1 s10 no-leap$' \
	    "$(cat "$NTPT_TMP/kys$id.log")" "synced: classic sntp key $id"
done
rc_is yw 1
ntpt_assert_match "server 127\\.0\\.0\\.1: crypto-NAK" \
    "$(cat "$NTPT_TMP/yw.err")" "synced: wrong key"

ntpt_pass
