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

NTPT_HOST=2
ntps_bgrun q "$ND" -q 192.0.2.1
ntps_bgrun d "$ND" -d 192.0.2.1
ntps_bgrun s "$SN" -K /dev/null 192.0.2.1
ntps_bgrun ll "$ND" -q fe80::1%ntpt1
ntps_bgrun uq "$ND" -q 192.0.2.13
ntps_bgrun us "$SN" -K /dev/null 192.0.2.13
ntps_bgrun deny_q "$ND" -q -t 1 192.0.2.14
ntps_bgrun deny_s "$SN" -K /dev/null -t 1 192.0.2.14
ntps_wait
# The default mode binds port 123 on host 2: one run at a time.
ntps_run set "$ND" 192.0.2.1
NTPT_HOST=1

# --- Serving its own clock: stratum 10, offset 0 within 50 us, one
# round trip.
rc_is q 0
result q adjust 192.0.2.1 0
ntpt_assert_match '^server 192\.0\.2\.1, stratum 10, ' \
    "$(head -n 1 "$NTPT_TMP/q.log")" "-q: stratum"
ntpt_assert_near "$(q_offset q 192.0.2.1)" 0 0.00005 "-q: offset"
ntpt_assert_eq "$(cat "$NTPT_TMP/q.err")" "" "-q: stderr"
for r in q d set s; do
	ntpt_assert_eq "$(ntps_sent "$r" 192.0.2.1)" 1 "$r: requests"
done
rc_is d 0
ntpt_assert_match '^verdict: selected$' "$(cat "$NTPT_TMP/d.log")" "-d: verdict"
ntpt_assert_eq "$(ntps_clock d)" "" "-d: clock calls"
rc_is set 0
ntpt_assert_near "$(final set adjust 192.0.2.1)" 0 0.00005 "default: offset"
ntpt_assert_eq "$(ntps_clock set | grep -c .)" 1 "default: clock calls"
ntpt_assert_near "$(ntps_adjtime_us set)" 0 50 "default: adjtime (us)"
rc_is s 0
ntpt_assert_near "$(offset_of s 192.0.2.1)" 0 0.00005 "sntp: offset"
ntpt_assert_match ' 192\.0\.2\.1 s10 no-leap$' "$(line s 192.0.2.1)" \
    "sntp: line"
# Link-local, from host 2: fe80::1%ntpt1 (printed without the zone).
rc_is ll 0
result ll adjust fe80::1 0
ntpt_assert_near "$(q_offset ll fe80::1)" 0 0.00005 "link-local: offset"
ntpt_assert_eq "$(ntps_sent ll fe80::1)" 1 "link-local: requests"

# --- No source: leap 3, stratum 0, refid 0; unsynchronised, not a kiss.
rc_is uq 1
ntpt_assert_eq "$(ntps_sent uq 192.0.2.13)" 1 "unsync -q: requests"
ntpt_assert_match '^server 192\.0\.2\.13: ' "$(nd_reason uq)" "unsync -q: reason"
ntpt_assert_no_match "Kiss-o'-Death|KoD" "$(nd_reason uq)" "unsync -q: reason"
expect8 ntpt_assert_match '^server 192\.0\.2\.13: not synchronized \(leap 3, stratum 0' \
    "$(nd_reason uq)" "unsync -q: reason"
ntpt_assert_match "$(pfx uq)no server suitable for synchronization found\$" \
    "$(tail -n 1 "$NTPT_TMP/uq.err")" "unsync -q: last line"
rc_is us 1
ntpt_assert_eq "$(out us)" "" "unsync sntp: stdout"
expect8 ntpt_assert_match '^sntp: server 192\.0\.2\.13: not synchronized \(leap 3, stratum 0' \
    "$(err us)" "unsync sntp: reason"

# --- deny: silent; a query-only run costs one timeout.
rc_is deny_q 1
expect8 ntpt_assert_eq "$(ntps_sent deny_q 192.0.2.14)" 1 "deny -q: requests"
ntpt_assert_match '^server 192\.0\.2\.14: no reply within 1 s' \
    "$(nd_reason deny_q)" "deny -q: reason"
rc_is deny_s 1
expect8 ntpt_assert_eq "$(ntps_sent deny_s 192.0.2.14)" 1 "deny sntp: requests"
ntpt_assert_match '^sntp: server 192\.0\.2\.14: no reply' "$(err deny_s)" \
    "deny sntp: reason"

# --- ratelimit (interval 4, burst 1, leak 4: once a client exceeds one
# response per 16 s, chrony drops all but a random 1 in 16 of its
# requests): the first run is served; of five more at once, some get no
# reply at all (all five answered: p < 0.001), none a KoD.
NTPT_HOST=2
ntps_run r1 "$ND" -q 192.0.2.12
for i in 2 3 4 5 6; do
	ntps_bgrun "r$i" "$ND" -q -t 0.5 192.0.2.12
done
ntps_wait
NTPT_HOST=1
rc_is r1 0
ntpt_assert_eq "$(ntps_sent r1 192.0.2.12)" 1 "rate 1: requests"
ntpt_assert_near "$(q_offset r1 192.0.2.12)" 0 0.00005 "rate 1: offset"
dropped=0
for i in 2 3 4 5 6; do
	ntpt_assert_no_match "KoD|Kiss-o'-Death" "$(cat "$NTPT_TMP/r$i.err")" \
	    "rate $i: stderr"
	if [ "$(cat "$NTPT_TMP/r$i.rc")" = 1 ]; then
		ntpt_assert_match '^server 192\.0\.2\.12: no reply within 0\.5 s' \
		    "$(nd_reason "r$i")" "rate $i: reason"
		dropped=$((dropped + 1))
	fi
done
ge "$dropped" 1 "rate: runs without a reply"

# --- Port 123 held by chronyd (here): the default mode gives up at once,
# sending nothing; -u works; ::1 answers.
ntps_run held "$ND" 127.0.0.1
rc_is held 1
ntpt_assert_match "$(pfx held)the NTP socket is in use, exiting\$" \
    "$(cat "$NTPT_TMP/held.err")" "held: message"
ntpt_assert_eq "$(ntps_sent held 127.0.0.1)" 0 "held: requests"
ntpt_assert_eq "$(ntps_clock held)" "" "held: clock calls"
ntps_run heldu "$ND" -u 127.0.0.1
rc_is heldu 0
ntpt_assert_near "$(final heldu adjust 127.0.0.1)" 0 0.00005 "-u: offset"
ntpt_assert_near "$(ntps_adjtime_us heldu)" 0 50 "-u: adjtime (us)"
ntps_run v6 "$ND" -q ::1
rc_is v6 0
result v6 adjust ::1 0
ntpt_assert_near "$(q_offset v6 ::1)" 0 0.00005 "::1: offset"
ntpt_pass
