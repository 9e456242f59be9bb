#!/usr/bin/env bash
# ntpdate against a real chronyd: one serving its own clock (local stratum
# 10) on port 123 of the wildcard addresses, as on a host running chronyd
# (ntpdate without -u must give up at once, with -u it works), and one
# unsynchronised (no sources, no local) on host 2.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"

# Serving: the wildcard address, port 123, IPv4 and IPv6 (chronyd's default
# binding, as on a host where chronyd runs).
ntpt_start_chronyd local "local stratum 10" "allow all"
# Unsynchronised: on host 2 (192.0.2.2), so that it does not share the port.
ntpt_second_host
NTPT_HOST=2 ntpt_start_chronyd nosync "allow all"

nd served -q 127.0.0.1
nd served6 -q ::1
nd unsynced -q 192.0.2.2
nd_wait

# The same clock on both sides: offset 0 within 1 ms, stratum 10.
result served adjust 127.0.0.1 0
ntpt_assert_match '^server 127\.0\.0\.1, stratum 10, ' \
    "$(head -n 1 "$NTPT_TMP/served.log")" "served: stratum"
ntpt_assert_near "$(q_offset served 127.0.0.1)" 0 0.001 "served: offset"
ntpt_assert_eq "$(cat "$NTPT_TMP/served.err")" "" "served: stderr"
rc_is served 0
result served6 adjust ::1 0
ntpt_assert_match '^server ::1, stratum 10, ' \
    "$(head -n 1 "$NTPT_TMP/served6.log")" "served ::1: stratum"
rc_is served6 0

# A chronyd without a source answers leap 3, stratum 0: unsynchronised (not
# a kiss), nothing suitable.
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/unsynced.err")" 2 "unsynced: stderr lines"
ntpt_assert_match "$(pfx unsynced)server 192\\.0\\.2\\.2: not synchronized \\(leap 3, stratum [0-9]+\\)\$" \
    "$(head -n 1 "$NTPT_TMP/unsynced.err")" "unsynced: reason line"
ntpt_assert_match "$(pfx unsynced)no server suitable for synchronization found\$" \
    "$(tail -n 1 "$NTPT_TMP/unsynced.err")" "unsynced: last line"
rc_is unsynced 1

# Port 123 held by chronyd: without -u ntpdate binds it, fails and says so,
# touching nothing (clock calls faked).
ndf inuse 127.0.0.1
ntpt_assert_match "$(pfx inuse)the NTP socket is in use, exiting\$" \
    "$(cat "$NTPT_TMP/inuse.err")" "port in use: message"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/inuse.err")" 1 "port in use: stderr lines"
ntpt_assert_eq "$(cat "$NTPT_TMP/inuse.log")" "" "port in use: stdout"
ntpt_assert_eq "$(ntpt_clock_calls)" "" "port in use: clock calls"
rc_is inuse 1
# The same with -b, and over IPv6 (one family's port is enough).
for r in -b:127.0.0.1 -6:::1; do
	o=${r%%:*}
	ndf "inuse$o" "$o" "${r#*:}"
	ntpt_assert_match "$(pfx "inuse$o")the NTP socket is in use, exiting\$" \
	    "$(cat "$NTPT_TMP/inuse$o.err")" "port in use $o: message"
	rc_is "inuse$o" 1
done

# -u: an unprivileged port; the query works and the clock is slewed by the
# (tiny) offset.
ndf unpriv -u 127.0.0.1
off=$(final unpriv adjust 127.0.0.1)
ntpt_assert_near "$off" 0 0.001 "-u: offset"
ntpt_assert_eq "$(cat "$NTPT_TMP/unpriv.err")" "" "-u: stderr"
rc_is unpriv 0
calls=$(ntpt_clock_calls)
ntpt_assert_eq "$(grep -c . <<<"$calls")" 1 "-u: clock calls"
us=$(sed -nE 's/^(clock_adjtime\(CLOCK_REALTIME, |adjtimex\()\{modes=ADJ_OFFSET_SINGLESHOT, offset=(-?[0-9]+),.*/\2/p' <<<"$calls")
ntpt_assert_near "$us" "$(awk -v o="$off" 'BEGIN { printf "%d", o * 1e6 }')" 1 \
    "-u: adjtime offset (us)"

ntpt_pass
