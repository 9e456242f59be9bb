#!/usr/bin/env bash
# ntpdate and sntp against NTP Classic ntpd 4.2.8p18 ($NTP_ANCHORS/ntpd),
# configured as the how-tos say (the LOCAL clock at stratum 10, "restrict
# default kod limited nomodify notrap nopeer noquery"), started once and
# met in each state it goes through: just started (leap 3, stratum 0,
# refid INIT), just synchronised (root dispersion of seconds: "tos maxdist
# 16" lets it select the LOCAL clock after one sample, as a real upstream
# does), synchronised; rate limiting (kod limited, the default discard
# policy), "restrict ... ignore" and "noserve" (silent), holding port 123.
# The daemon is on host 1, its clock calls faked (clockshim.so); the
# clients on host 2 are told apart by source address: 192.0.2.2 (served),
# .3 (to .12: rate limited), .4 (to .13: ignore), .5 (to .14: noserve).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"
# shellcheck source=tests/servers.sh
. "$(dirname "$0")/../servers.sh"

ntps_no_sanitizer
NTPD=$(ntps_anchor ntpd) || exit
NTPQ=$(ntps_anchor ntpq) || exit

ntps_clients 4
cat >"$NTPT_TMP/ntp.conf" <<EOF
server 127.127.1.0 minpoll 3 maxpoll 4
fudge 127.127.1.0 stratum 10
tos orphanwait 1 maxdist 16
driftfile $NTPT_TMP/ntp.drift
restrict default kod limited nomodify notrap nopeer noquery
restrict -6 default kod limited nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
restrict 192.0.2.2 nomodify notrap nopeer noquery
restrict 192.0.2.4 ignore
restrict 192.0.2.5 noserve
discard average 3 minimum 2
EOF
ntps_daemon ntpd "$NTPD" -n -c "$NTPT_TMP/ntp.conf" -f "$NTPT_TMP/ntp.drift"

# rv NAME: ntpd's system variable NAME, as ntpq reads it.
rv() {
	"$NTPQ" -c "rv 0 $1" 127.0.0.1 2>/dev/null |
	    sed -nE "s/.*$1=([^,]*).*/\\1/p"
}
synced_far() { [ "$(rv leap)" = 00 ] && awk -v d="$(rv rootdisp)" \
    'BEGIN { exit !(d > 2000) }'; }
synced_near() { [ "$(rv leap)" = 00 ] && awk -v d="$(rv rootdisp)" \
    'BEGIN { exit !(d != "" && d < 1400) }'; }

# --- Just started: leap 3, stratum 0, refid INIT; not a kiss.  The
# silent servers meanwhile: "ignore" and "noserve" answer nothing.
[ "$(rv leap)" = 11 ] || ntpt_fail "ntpd synchronised before the first check"
# It selects LOCAL ~9 s after its start: time for a 6 s clock-setting run.
NTPS_UNSYNC_ALL=1 ntps_unsynced init 192.0.2.1 0 INIT
ntpt_assert_match '^stratum 16, precision -?[0-9]+, leap 11, ' \
    "$(cat "$NTPT_TMP/init_d.log")" "init -d: dump"
ntpt_assert_match '^refid \[INIT\], ' "$(cat "$NTPT_TMP/init_d.log")" \
    "init -d: refid"
[ "$(rv leap)" = 11 ] || ntpt_fail "ntpd synchronised during the checks"
ntps_silent ignore 192.0.2.13
ntps_silent noserve 192.0.2.14

# --- Just synchronised: root dispersion of seconds; refused, the value
# named beside the limit.
ntpt_wait_until 30 synced_far || ntpt_fail "ntpd did not select LOCAL:" \
    "leap $(rv leap), rootdisp $(rv rootdisp)"
NTPT_HOST=2
ntps_run far_q "$ND" -q 192.0.2.1
ntps_run far_s "$SN" -K /dev/null 192.0.2.1
NTPT_HOST=1
rc_is far_q 1
ntpt_assert_match '^server 192\.0\.2\.1: root distance' "$(nd_reason far_q)" \
    "far -q: reason"
expect8 ntpt_assert_match '^server 192\.0\.2\.1: root distance [2-9]\.[0-9]+ s over the limit \(1\.5 s\)' \
    "$(nd_reason far_q)" "far -q: reason"
rc_is far_s 1
ntpt_assert_match '^sntp: server 192\.0\.2\.1: root distance' "$(err far_s)" \
    "far sntp: reason"

# --- Synchronised (stratum 11 over LOCAL at 10).
ntpt_wait_until 30 synced_near || ntpt_fail "ntpd root dispersion stays" \
    "$(rv rootdisp) ms"
ntps_synced 192.0.2.1 11

# --- Rate limiting (kod limited; discard: 8 s on average, 2 s at least
# between requests, ntpd's defaults written out): served, then KoD
# RATE and nothing more asked; then, still too soon, nothing at all.
NTPT_HOST=2
ntps_run r1 "$ND" -q 192.0.2.12
ntps_run r2 "$ND" 192.0.2.12
ntps_run r3 "$ND" -q -t 1 192.0.2.12
NTPT_HOST=1
rc_is r1 0
one_rtt r1 192.0.2.12
rc_is r2 1
ntpt_assert_eq "$(ntps_sent r2 192.0.2.12)" 1 "rate 2: requests"
ntpt_assert_match "^server 192\\.0\\.2\\.12: (KoD|Kiss-o'-Death) RATE" \
    "$(nd_reason r2)" "rate 2: reason"
ntpt_assert_eq "$(ntps_clock r2)" "" "rate 2: clock calls"
rc_is r3 1
expect8 ntpt_assert_eq "$(ntps_sent r3 192.0.2.12)" 1 "rate 3: requests"
ntpt_assert_match '^server 192\.0\.2\.12: no reply within 1 s' \
    "$(nd_reason r3)" "rate 3: reason"

# --- Port 123 held by ntpd (here).
ntps_held

# The daemon itself only tried to discipline a clock it cannot touch.
ntpt_assert_match '^(ntp_adjtime|adjtimex) modes=' \
    "$(cat "$NTPT_TMP/ntpd.clock")" "ntpd's clock calls"
ntpt_pass
