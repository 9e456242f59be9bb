#!/usr/bin/env bash
# ntpdate and sntp against OpenNTPD (Debian's openntpd, unpacked by
# tests/fetch-servers.sh), started once on host 1 with its clock calls
# faked (clockshim.so), its upstream a chronyd on host 3, and met before it
# calls itself synchronised (leap 3, stratum 0, then 11 once its peer is
# valid) and after; it holds port 123 on each address.  (Started without
# a reachable upstream, OpenNTPD 6.2p3 exits on the ICMP port
# unreachable.)  OpenNTPD calls
# itself synchronised only after two rounds of eight replies, minutes
# apart: the shim runs its schedule 20 times faster (its monotonic clock
# and poll() timeouts; the time it serves is the real one).  It drops
# privileges to user "ntpd" and keeps its files in /var/lib/openntpd:
# this test's private mount namespace gives it both.
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
OPENNTPD=$(ntps_unpacked openntpd) || exit

# Its user and its directories, in this namespace only.
mkdir -p "$NTPT_TMP/varlib/openntpd/run" "$NTPT_TMP/varlib/openntpd/db" \
    "$NTPT_TMP/empty" && cp /etc/passwd "$NTPT_TMP/passwd" &&
    echo "ntpd:x:0:0:OpenNTPD:$NTPT_TMP/empty:/bin/false" >>"$NTPT_TMP/passwd" &&
    mount --bind "$NTPT_TMP/varlib" /var/lib &&
    mount --bind "$NTPT_TMP/passwd" /etc/passwd ||
    ntpt_fail "cannot give OpenNTPD its user and /var/lib/openntpd"

ntps_clients 1
ntps_upstream
printf '%s\n' "listen on *" "server 192.0.2.130" >"$NTPT_TMP/ntpd.conf"
NTPT_CLOCKSHIM_SPEED=20 ntps_daemon openntpd "$OPENNTPD" -d -v \
    -f "$NTPT_TMP/ntpd.conf"

# --- Before it is synchronised (at least 12 s at this speed): leap 3.
NTPS_UNSYNC_ALL=1 ntps_unsynced init 192.0.2.1 '(0|11)' ""

# --- Synchronised from the upstream (stratum 10): stratum 11.
ntps_wait_usable 40 127.0.0.1
ntpt_assert_match 'clock is now synced' "$(cat "$NTPT_TMP/openntpd.log")" \
    "OpenNTPD's log"
ntps_synced 192.0.2.1 11

# --- Port 123 held by OpenNTPD (here).
ntps_held

ntpt_assert_match '^adjtime usec=' "$(cat "$NTPT_TMP/openntpd.clock")" \
    "OpenNTPD's clock calls"
ntpt_pass
