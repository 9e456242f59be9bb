#!/usr/bin/env bash
# ntpdate and sntp against NTPsec's ntpd (Debian's ntpsec, unpacked by
# tests/fetch-servers.sh), started once on host 1 with its clock calls
# faked (clockshim.so) and met in each state: just started (its upstream
# not yet up: leap 3, stratum 0, refid INIT), synchronised from an
# upstream chronyd on host 3, rate limiting ("restrict ... kod limited",
# "limit average 0.5 burst 1": NTPsec's default burst of 20 lets a few
# runs through; then it answers KoD RATE every time), holding port 123.  Clients on host
# 2: 192.0.2.2 (served), .3 (to .12: rate limited).
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
NTPSEC=$(ntps_unpacked ntpsec) || exit

ntps_clients 2
ntps_upstream_host
cat >"$NTPT_TMP/ntp.conf" <<EOF
server 192.0.2.130 iburst minpoll 3 maxpoll 4
driftfile $NTPT_TMP/ntp.drift
restrict default kod limited nomodify noquery
restrict -6 default kod limited nomodify noquery
restrict 127.0.0.1
restrict ::1
restrict 192.0.2.2 nomodify noquery
restrict 192.0.2.3 kod limited nomodify noquery
limit average 0.5 burst 1 kod 5
EOF
ntps_daemon ntpsec "$NTPSEC" -n -c "$NTPT_TMP/ntp.conf" \
    -l "$NTPT_TMP/ntpsec.syslog"

# --- Just started (no upstream yet): leap 3, stratum 0, refid INIT.
NTPS_UNSYNC_ALL=1 ntps_unsynced init 192.0.2.1 0 INIT

# --- Synchronised from the upstream (stratum 10): stratum 11.
ntps_upstream
ntps_wait_stratum 40 127.0.0.1 11
ntps_synced 192.0.2.1 11

# --- Rate limiting: served, then KoD RATE and nothing more asked, then
# KoD RATE again (NTPsec kisses every time).
NTPT_HOST=2
ntps_run r1 "$ND" -q 192.0.2.12
ntps_run r2 "$ND" 192.0.2.12
ntps_run r3 "$SN" -K /dev/null 192.0.2.12
NTPT_HOST=1
rc_is r1 0
one_rtt r1 192.0.2.12
rc_is r2 1
ntpt_assert_eq "$(ntps_sent r2 192.0.2.12)" 1 "rate 2: requests"
ntpt_assert_match "^server 192\\.0\\.2\\.12: (KoD|Kiss-o'-Death) RATE" \
    "$(nd_reason r2)" "rate 2: reason"
ntpt_assert_eq "$(ntps_clock r2)" "" "rate 2: clock calls"
rc_is r3 1
ntpt_assert_eq "$(ntps_sent r3 192.0.2.12)" 1 "rate 3: requests"
ntpt_assert_match "^sntp: server 192\\.0\\.2\\.12: (KoD|Kiss-o'-Death) RATE" \
    "$(err r3)" "rate 3: reason"

# --- Port 123 held by NTPsec (here).
ntps_held

ntpt_assert_match '^(ntp_adjtime|adjtimex|clock_adjtime) modes=' \
    "$(cat "$NTPT_TMP/ntpsec.clock")" "NTPsec's clock calls"
ntpt_pass
