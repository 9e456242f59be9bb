#!/usr/bin/env bash
# ntpdate -a and sntp -a against NTPsec's ntpd (Debian's ntpsec, unpacked
# with dpkg-deb into $NTPT_SERVERS by tests/fetch-servers.sh, or here if
# missing) serving with "keys" and "trustedkey": md5, sha1, aes (AES-128
# CMAC), its key file read by our clients as it is.  Just started (leap
# 3, INIT): a good key's reply verifies and is then refused as not
# synchronised; a wrong, untrusted or unknown key gets no answer (NTPsec
# sends no crypto-NAK).  Then
# synchronised to an upstream chronyd on host 2: every key type works.
# Side by side with classic ntpdate on the same server.  NTPsec's clock
# calls are faked with strace.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

[ "${NTPT_SANITIZE:-}" = 1 ] &&
    ntpt_skip "real-daemon suite, left to the plain build (NTPT_SANITIZE=1)"
SERVERS=${NTPT_SERVERS:-/var/cache/ntpc-servers}
NTPSEC=$SERVERS/ntpsec/usr/sbin/ntpd
[ -x "$NTPSEC" ] || ntpt_skip "NTPsec not unpacked in $SERVERS" \
    "(tests/fetch-servers.sh: apt-get download ntpsec; dpkg-deb -x)"
ldd "$NTPSEC" 2>/dev/null | grep -q 'not found' &&
    ntpt_skip "NTPsec's ntpd lacks libraries"
command -v strace >/dev/null || ntpt_skip "strace not installed"
command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"
ANCHORS=${NTP_ANCHORS:-$NTPT_SRC/../shared/anchors}

SHA=0123456789abcdef0123456789abcdef01234567
AES=000102030405060708090a0b0c0d0e0f
K=$NTPT_TMP/ntpsec.keys		# NTPsec's spelling of the types
printf '1 md5 my-md5-key\n2 sha1 %s\n3 aes %s\n4 md5 untrusted\n' \
    "$SHA" "$AES" >"$K"
CK=$NTPT_TMP/classic.keys	# the same keys for classic ntpdate
printf '1 M my-md5-key\n2 SHA1 %s\n3 AES128CMAC %s\n' "$SHA" "$AES" >"$CK"
W=$NTPT_TMP/wrong.keys
printf '1 md5 my-md5-kex\n2 sha1 %s\n3 aes %s\n9 md5 unknown\n' \
    "${SHA%?}8" "${AES%?}e" >"$W"
chmod 600 "$K" "$CK" "$W"

echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad ||
    ntpt_fail "cannot turn off duplicate address detection"
ntpt_second_host
cat >"$NTPT_TMP/ntp.conf" <<EOF2
server 192.0.2.2 iburst minpoll 3 maxpoll 3
driftfile $NTPT_TMP/ntp.drift
keys $K
trustedkey 1 2 3
restrict default nomodify nopeer
restrict 127.0.0.1
EOF2

calls=clock_settime,settimeofday,adjtimex,clock_adjtime
ntpt_bg strace -f -qq -e signal=none -e trace="$calls" \
    -e inject="$calls":retval=0 -o "$NTPT_TMP/ntpsec.strace" \
    "$NTPSEC" -n -c "$NTPT_TMP/ntp.conf" -l "$NTPT_TMP/ntpsec.syslog"
bound() { ss -Hulnp 'sport = :123' 2>/dev/null | grep -q '"ntpd"'; }
ntpt_wait_until 10 bound || ntpt_fail "NTPsec did not bind port 123"

NOTSYNC="Kiss-o'-Death|.*not synchronized|.*unsynchronised"
for id in 1 2 3; do
	nd "g$id" -d -a "$id" -k "$K" 127.0.0.1
done
nd n4 -q -t 0.5 -a 4 -k "$K" 127.0.0.1
for id in 1 2 3 9; do
	nd "w$id" -q -t 0.5 -a "$id" -k "$W" 127.0.0.1
done
sn s1 -j -t 1 -a 1 -k "$K" 127.0.0.1
nd_wait
sn_wait
for id in 1 2 3; do
	rc_is "g$id" 1
	ntpt_assert_match "^127\\.0\\.0\\.1: rejected reply: ($NOTSYNC)" \
	    "$(cat "$NTPT_TMP/g$id.err")" "key $id: reply authenticated"
	ntpt_assert_no_match "MAC|crypto-NAK|key id" \
	    "$(cat "$NTPT_TMP/g$id.log" "$NTPT_TMP/g$id.err")" \
	    "key $id: no authentication failure"
done
ntpt_assert_match '"address":"127\.0\.0\.1",.*"authenticated":true' \
    "$(out s1)" "sntp key 1: authenticated"
# NTPsec, unlike classic, does not answer them at all.
for n in n4 w1 w2 w3 w9; do
	rc_is "$n" 1
	ntpt_assert_match "$(pfx "$n")server 127\\.0\\.0\\.1: no reply within" \
	    "$(cat "$NTPT_TMP/$n.err")" "$n: reason"
done

# --- Synchronised.
NTPT_HOST=2 ntpt_start_chronyd up "local stratum 9" "allow all" \
    "bindaddress 192.0.2.2"
synced() {
	"$ND" -q -t 0.3 127.0.0.1 2>/dev/null |
	    grep -q '^server 127\.0\.0\.1, stratum 10,'
}
ntpt_wait_until 60 synced || ntpt_fail "NTPsec did not synchronise in 60 s"
for id in 1 2 3; do
	nd "y$id" -q -a "$id" -k "$K" 127.0.0.1
	sn "ys$id" -j -a "$id" -k "$K" 127.0.0.1
done
nd yw -q -t 0.5 -a 2 -k "$W" 127.0.0.1
nd_wait
sn_wait
for id in 1 2 3; do
	rc_is "y$id" 0
	result "y$id" adjust 127.0.0.1 0
	rc_is "ys$id" 0
	ntpt_assert_match '^\{"result":true,.*"authenticated":true' \
	    "$(out "ys$id")" "synced: sntp key $id"
done
rc_is yw 1
ntpt_assert_match 'server 127\.0\.0\.1: no reply within' \
    "$(cat "$NTPT_TMP/yw.err")" "synced: wrong key"

# Classic ntpdate on the same server: the same verdicts.
if [ -x "$ANCHORS/ntpdate" ] &&
    ! ldd "$ANCHORS/ntpdate" 2>/dev/null | grep -q 'not found'; then
	for id in 1 2 3; do
		ndx "k$id" "$ANCHORS/ntpdate" -q -a "$id" -k "$CK" 127.0.0.1
	done
	nd_wait
	for id in 1 2 3; do
		rc_is "k$id" 0
		ntpt_assert_match 'adjust time server 127\.0\.0\.1 offset' \
		    "$(cat "$NTPT_TMP/k$id.log")" "classic key $id"
	done
else
	echo "SKIP: classic ntpdate not in $ANCHORS: no side-by-side" >&2
fi

ntpt_pass
