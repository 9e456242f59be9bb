#!/usr/bin/env bash
# ntpdate at boot, before the network is up: a send refused with
# ENETUNREACH (no route: nothing leaves this namespace) is retried like a
# lost reply (up to 8 times, 2 s apart, while nobody answered: -d rehearses
# the boot run), and the reason says why; an ICMP
# port unreachable from an address with no server says so too.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

# 192.0.2.99 (documentation range) has no route in this namespace.
# -d rehearses a clock-setting run (-q asks once, as classic).
out=$(timeout 30 "$ND" -d -t 0.2 192.0.2.99 2>"$NTPT_TMP/unreach.err")
rc=$?
ntpt_assert_eq "$rc" 1 "exit status, network unreachable"
ntpt_assert_match '^192\.0\.2\.99: Server dropped: no data$' "$out" \
    "-d: classic's line"
ntpt_assert_match -f 'server 192\.0\.2\.99: request could not be sent: Network is unreachable \(8 requests\)$' \
    "$NTPT_TMP/unreach.err" "reason line"
ntpt_assert_eq "$(tail -1 "$NTPT_TMP/unreach.err" | sed 's/.*\]: //')" \
    "no server suitable for synchronization found" "last line"

# No server at 127.0.0.99: the kernel answers with ICMP port unreachable.
ntpt_start_testd "127.0.0.1,offset=0.25"
"$ND" -q -t 0.5 127.0.0.99 127.0.0.1 >"$NTPT_TMP/icmp.out" \
    2>"$NTPT_TMP/icmp.err"
ntpt_assert_eq "$?" 0 "exit status, one good server"
ntpt_assert_match -f 'server 127\.0\.0\.99: unreachable \(ICMP error\): Connection refused \(1 request\)$' \
    "$NTPT_TMP/icmp.err" "ICMP reason line"
ntpt_assert_match -f 'adjust time server 127\.0\.0\.1 offset \+0\.2[45]' \
    "$NTPT_TMP/icmp.out" "result line"
ntpt_pass
