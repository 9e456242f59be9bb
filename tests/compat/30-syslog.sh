#!/bin/bash
# Side by side with syslog: ntpdate -s and sntp (which logs as classic
# does) against a listener on a private /dev/log; facility, priority,
# ident and message compared, and the terminal streams.  Without a log
# socket, ntpdate -s is quiet on success (cron).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
NTPT_TIMEOUT=150
ntpt_enter_netns "$@"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_need_classic ntpdate sntp
command -v python3 >/dev/null || ntpt_skip "python3 not installed"
( compat_devlog - true ) 2>/dev/null ||
    ntpt_skip "cannot mount a private /dev here"

ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,silent \
    127.0.0.3,unsync 127.0.0.4,kod=RATE 127.0.0.6,offset=3 \
    127.0.0.12,silent 127.0.0.13,silent

J=()
bgpair() { pair_syslog "$@" & J+=("$!"); }
K=(-K /dev/null)

bgpair nd_ok listen ntpdate -s -q 127.0.0.1
bgpair nd_silent listen ntpdate -s -q 127.0.0.2
bgpair nd_unsync listen ntpdate -s -q 127.0.0.3 127.0.0.4
bgpair nd_noserver listen ntpdate -s -q
bgpair nd_step listen ntpdate -s -u 127.0.0.6
bgpair nd_cron_ok - ntpdate -s -q 127.0.0.1
bgpair nd_cron_fail - ntpdate -s -q 127.0.0.12
bgpair sn_ok listen sntp "${K[@]}" 127.0.0.1
bgpair sn_silent listen sntp "${K[@]}" -t 1 127.0.0.13
for j in "${J[@]}"; do wait "$j"; done

same_syslog nd_ok
same_syslog nd_silent
same_syslog nd_unsync
same_syslog nd_noserver
same_syslog nd_step
same_syslog nd_cron_ok
same_syslog nd_cron_fail quiet-cron
same_syslog sn_ok syslog-facility
same_syslog sn_silent syslog-facility rc-honest
# Something did reach the listeners.
ntpt_assert_match -f '^daemon\.notice ntpdate\[PID\]: adjust time server 127\.0\.0\.1 offset N sec$' \
    "$NTPT_TMP/nd_ok.o.nsyslog" "nd_ok: our syslog line"
ntpt_pass
