#!/usr/bin/env bash
# ntpdate and sntp against real chronyd in the states a LAN meets: serving
# its own clock ("local stratum 10", on every address, holding port 123),
# without a source (unsynchronised), rate limiting ("ratelimit": chrony
# 4.3 drops, it never sends a KoD) and denying ("deny": silent).  The
# daemons are on host 1 (chronyd -x never touches the clock); the clients
# on host 2, told apart by source address: 192.0.2.2 (served), .5 (to
# .14: denied); .12 is the rate-limiting chronyd, .13 the unsynchronised
# one.  IPv6: ::1 and the veth's link-local address.
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
command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"

ntps_clients 4
# IPv6 too: the two on one address each bind an IPv6 address of their own
# (never used), or they would share the wildcard with the first.
ip addr add 2001:db8::12/128 dev lo && ip addr add 2001:db8::13/128 dev lo ||
    ntpt_fail "cannot add IPv6 addresses"
ntpt_start_chronyd local "local stratum 10" "allow all" "deny 192.0.2.5"
ntpt_start_chronyd rate "local stratum 10" "allow all" \
    "bindaddress 192.0.2.12" "bindaddress 2001:db8::12" \
    "ratelimit interval 4 burst 1 leak 4"
ntpt_start_chronyd nosource "allow all" "bindaddress 192.0.2.13" \
    "bindaddress 2001:db8::13"

# --- Serving its own clock: stratum 10.
ntps_synced 192.0.2.1 10
NTPT_HOST=2 ntps_run ll "$ND" -q fe80::1%ntpt1
# Link-local, from host 2: fe80::1%ntpt1 (printed with its zone).
rc_is ll 0
result ll adjust fe80::1%ntpt1 0
q_near0 ll fe80::1%ntpt1 "link-local"
one_rtt ll fe80::1

# --- No source: leap 3, stratum 0, refid 0.
NTPS_UNSYNC_ALL=1 ntps_unsynced unsync 192.0.2.13 0 ""

# --- deny: silent.
ntps_silent deny 192.0.2.14

# --- ratelimit (interval 4, burst 1, leak 4: once a client exceeds one
# response per 16 s, chrony drops all but a random 1 in 16 of its
# requests): the first run is served; of three more right after it (one
# request each, -p 1), some get no reply (all three answered: p < 0.001),
# none a KoD.
NTPT_HOST=2
for i in 1 2 3 4; do
	ntps_run "r$i" "$ND" -q -p 1 -t 0.5 192.0.2.12
done
NTPT_HOST=1
rc_is r1 0
one_rtt r1 192.0.2.12
q_near0 r1 192.0.2.12 "rate 1"
dropped=0
for i in 2 3 4; do
	ntpt_assert_no_match "KoD|Kiss-o'-Death" "$(cat "$NTPT_TMP/r$i.err")" \
	    "rate $i: stderr"
	if [ "$(cat "$NTPT_TMP/r$i.rc")" = 1 ]; then
		ntpt_assert_match '^server 192\.0\.2\.12: no reply within 0\.5 s' \
		    "$(nd_reason "r$i")" "rate $i: reason"
		dropped=$((dropped + 1))
	fi
done
ge "$dropped" 1 "rate: runs without a reply"

# --- Port 123 held by chronyd (here).
ntps_held
ntpt_pass
