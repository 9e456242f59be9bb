#!/usr/bin/env bash
# sntp against a real chronyd: a synchronised one ("local stratum 10"), an
# unsynchronised one, both at once, JSON; -r (source port 123) to chronyd
# and ntp-testd on the second host, and -r refused while chronyd holds
# port 123 here.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

command -v chronyd >/dev/null || ntpt_skip "chronyd not installed"

D='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}'
LINE6="^$D \\([+-][0-9]{4}\\) [+-][0-9]+\\.[0-9]{6} \\+/- [0-9]+\\.[0-9]{6} "

# --- -r first, while nothing here holds port 123: servers on host 2, a
# chronyd and an ntp-testd (which logs the client's port).
ntpt_second_host
ntpt_on_host2 ip addr add 192.0.2.3/24 dev ntpt1 ||
    ntpt_fail "cannot add 192.0.2.3 on host 2"
NTPT_HOST=2 ntpt_start_chronyd h2 "local stratum 10" "allow all" \
    "bindaddress 192.0.2.2"
NTPT_HOST=2 ntpt_start_testd 192.0.2.3,offset=0.25
sn_fg resv -r 192.0.2.2
rc_is resv 0
sn_fg resv3 -r 192.0.2.3
rc_is resv3 0
ntpt_assert_match "$LINE6"'192\.0\.2\.2 s10 no-leap$' \
    "$(line resv 192.0.2.2)" "resv: chronyd line"
ntpt_assert_near "$(offset_of resv 192.0.2.2)" 0 0.001 "resv: chronyd offset"
ntpt_assert_near "$(offset_of resv3 192.0.2.3)" 0.25 0.005 \
    "resv: testd offset"
ntpt_assert_eq "$(awk '$2 == "192.0.2.3" { print $3, $4 }' \
    "$NTPT_TMP/testd.log" | sort -u)" "192.0.2.1 123" \
    "resv: the requests' source address and port"
# Without -r, an ephemeral port.
sn_fg ephem 192.0.2.3
rc_is ephem 0
p=$(awk '$2 == "192.0.2.3" { p = $4 } END { print p }' "$NTPT_TMP/testd.log")
ntpt_assert_match '^[1-9][0-9]*$' "$p" "ephem: source port"
[ "$p" != 123 ] || ntpt_fail "ephem: sent from port 123 without -r"

# --- chronyd here: synchronised on 127.0.0.20, unsynchronised on .21.
ntpt_start_chronyd c1 "local stratum 10" "allow all" "bindaddress 127.0.0.20"
ntpt_start_chronyd c2 "allow all" "bindaddress 127.0.0.21"

sn_fg sync 127.0.0.20
rc_is sync 0
ntpt_assert_eq "$(out sync | wc -l)" 1 "sync: lines"
ntpt_assert_match "$LINE6"'127\.0\.0\.20 s10 no-leap$' "$(out sync)" \
    "sync: line"
ntpt_assert_near "$(offset_of sync 127.0.0.20)" 0 0.001 "sync: offset"
ntpt_assert_eq "$(err sync)" "" "sync: stderr"

sn_fg unsync -t 2 127.0.0.21
rc_is unsync 1
ntpt_assert_eq "$(out unsync)" "" "unsync: stdout"
ntpt_assert_match '^sntp: server 127\.0\.0\.21: not synchronized' \
    "$(err unsync)" "unsync: reason"
ntpt_assert_eq "$(head -n 1 "$NTPT_TMP/unsync.err")" \
    "sock_cb: 127.0.0.21 not in sync, skipping this server" \
    "unsync: classic's line first"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/unsync.err")" 2 "unsync: stderr lines"

sn_fg both -t 2 127.0.0.21 127.0.0.20
rc_is both 0
ntpt_assert_eq "$(out both | awk '{ printf "%s ", $7 }')" "127.0.0.20 " \
    "both: lines"
ntpt_assert_match '^sntp: server 127\.0\.0\.21: not synchronized' \
    "$(err both)" "both: reason"

sn_fg json -j -t 2 127.0.0.20 127.0.0.21
rc_is json 0
ntpt_assert_match '^\{"host":"127\.0\.0\.20","address":"127\.0\.0\.20","stratum":10,"leap":"no-leap","offset":-?0\.000[0-9]+,.*"usable":true,"selected":true,"reason":"ok","requests":[1-4]\}$' \
    "$(sed -n 1p "$NTPT_TMP/json.log")" "json: synchronised"
ntpt_assert_match '^\{"host":"127\.0\.0\.21",.*"usable":false,"selected":false,"reason":"unsynchronised",' \
    "$(sed -n 2p "$NTPT_TMP/json.log")" "json: unsynchronised"
ntpt_assert_match '^\{"result":true,"selected":"127\.0\.0\.20",.*"servers":2,"usable":1,' \
    "$(sed -n 3p "$NTPT_TMP/json.log")" "json: result"

# -r while chronyd holds port 123 here: refused, exit 1, nothing sent.
sn_fg inuse -r 127.0.0.20
rc_is inuse 1
ntpt_assert_eq "$(out inuse)" "" "inuse: stdout"
ntpt_assert_eq "$(err inuse)" \
    "sntp: port 123 is in use (is an NTP daemon running?); run without -r" \
    "inuse: message"
sn_fg inusej -r -j 127.0.0.20
rc_is inusej 1
ntpt_assert_match '^\{"result":false,.*"error":"port_in_use"\}$' \
    "$(out inusej)" "inusej: JSON"

ntpt_pass
