#!/usr/bin/env bash
# ntpdate and sntp against BusyBox's ntpd serving time (ntpd -l, as
# embedded boards run it; $NTP_ANCHORS/busybox), started once on host 1
# with its clock calls faked (clockshim.so), its upstream a chronyd on
# host 3: just started (leap 3) and synchronised.  BusyBox advertises
# precision -9 (~2 ms), above the 1 ms "good enough" error bound, yet one
# round trip must be enough on a LAN.  It binds the IPv6 wildcard: ::1 and
# the veth's link-local address answer too; it holds port 123.
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
BUSYBOX=$(ntps_anchor busybox) || exit

ntps_clients 1
ntps_upstream
ntps_daemon busybox "$BUSYBOX" ntpd -n -d -l -p 192.0.2.130

# --- Just started (it needs a few samples, seconds): leap 3, stratum 16,
# refid 0.
ntps_unsynced init 192.0.2.1 16 ""

# --- Synchronised from the upstream (stratum 10): stratum 11, precision
# -9, one round trip (needs issue 8's stopping rule).
ntps_wait_usable 30 127.0.0.1
NTPS_ONE_RTT=8 ntps_synced 192.0.2.1 11
ntpt_assert_match '^stratum 11, precision -9, leap 00, ' \
    "$(cat "$NTPT_TMP/d.log")" "-d: precision"
# Link-local, from host 2 (printed with its zone).
NTPT_HOST=2 ntps_run ll "$ND" -q fe80::1%ntpt1
rc_is ll 0
result ll adjust fe80::1%ntpt1 0
q_near0 ll fe80::1%ntpt1 "link-local"
expect8 one_rtt ll fe80::1

# --- Port 123 held by BusyBox (here).
ntps_held

ntpt_assert_match '^(adjtimex|clock_adjtime|ntp_adjtime) modes=' \
    "$(cat "$NTPT_TMP/busybox.clock")" "BusyBox's clock calls"
ntpt_pass
