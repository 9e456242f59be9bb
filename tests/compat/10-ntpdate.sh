#!/bin/bash
# Side by side: classic ntpdate 4.2.8p18 and ours, same arguments, same
# servers; every stream, the exit status and the clock calls compared.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
NTPT_TIMEOUT=150
ntpt_enter_netns "$@"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_need_classic ntpdate

ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,silent \
    127.0.0.3,unsync 127.0.0.4,kod=RATE 127.0.0.5,stratum=16 \
    127.0.0.6,offset=3 127.0.0.8,offset=0.25,dreq=0.02,dresp=0.02 \
    127.0.0.10,silent 127.0.0.11,silent ::1,offset=0.25 \
    127.0.0.12,offset=0.25,refage=90000 127.0.0.13,offset=0.25,refage=-100
local_testd=$NTPT_TESTD_PID
# Names resolve from /etc/hosts only: an unknown name fails at once.
printf 'hosts: files\n' >"$NTPT_TMP/nsswitch.conf"
mount --bind "$NTPT_TMP/nsswitch.conf" /etc/nsswitch.conf ||
    ntpt_fail "cannot bind-mount nsswitch.conf"

J=()
bgpair() { pair "$@" & J+=("$!"); }

# Option errors: classic's messages, usage, exit 2; nothing sent.
bgpair opt_t_abc ntpdate -t abc -q 127.0.0.1
bgpair opt_t_noarg ntpdate -t
bgpair opt_unknown ntpdate -x -q 127.0.0.1
bgpair opt_p0 ntpdate -p 0 -q 127.0.0.1
bgpair opt_p9 ntpdate -p 9 -q 127.0.0.1
bgpair opt_e2 ntpdate -e 2 -q 127.0.0.1
bgpair opt_o5 ntpdate -o 5 -q 127.0.0.1
# No server at all: not a usage error.
bgpair noserver ntpdate -q
bgpair noserver_sb ntpdate -s -b
bgpair unresolvable ntpdate -q no-such-host.invalid
# Values classic accepts (a floor applies to -t), leading blanks.
bgpair t0 ntpdate -t 0 -q 127.0.0.1
bgpair tneg ntpdate -t -1 -q 127.0.0.1
bgpair tbig ntpdate -t 5000 -q 127.0.0.1
bgpair tblank ntpdate -t ' 1' -q 127.0.0.1
bgpair pblank ntpdate -p ' 2' -q 127.0.0.1
bgpair v ntpdate -v -q 127.0.0.1
# Every other option alone with -q, and the common combinations.
bgpair o4 ntpdate -4 -q 127.0.0.1
bgpair o6 ntpdate -6 -q ::1
bgpair o4_6 ntpdate -4 -q ::1
bgpair ob ntpdate -b -q 127.0.0.1
bgpair oB ntpdate -B -q 127.0.0.6
bgpair oe ntpdate -e 0.1 -q 127.0.0.1
bgpair ok ntpdate -k /nonexistent -q 127.0.0.1
bgpair oo3 ntpdate -o 3 -q 127.0.0.1
bgpair op2 ntpdate -p 2 -q 127.0.0.1 127.0.0.8
bgpair ot1 ntpdate -t 1 -q 127.0.0.1
bgpair ou ntpdate -u -q 127.0.0.1
bgpair oa ntpdate -a 1 -q 127.0.0.1
# A key file with a bad line: classic rejects the file, as ours does.
printf '1 MD5 good\n2 SHA1 0123456789abcdefXX23456789abcdef01234567\n' \
    >"$NTPT_TMP/bad.keys"
chmod 600 "$NTPT_TMP/bad.keys"
bgpair oa_badline ntpdate -a 1 -k "$NTPT_TMP/bad.keys" -q 127.0.0.1
# -q: a line per server that answered, the final line; one request each.
bgpair q1 ntpdate -q 127.0.0.1
bgpair q_silent ntpdate -q 127.0.0.1 127.0.0.10
bgpair q_unsync ntpdate -q 127.0.0.3 127.0.0.5 127.0.0.4
bgpair q_none ntpdate -q 127.0.0.11
# A falseticker (3 s off) beside two agreeing servers: both print all
# three lines and use the nearest good one.
bgpair q_false ntpdate -q 127.0.0.1 127.0.0.8 127.0.0.6
# -d: the rehearsal's layout.
bgpair d ntpdate -d 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5
bgpair d_ref ntpdate -d 127.0.0.12 127.0.0.13
bgpair qd ntpdate -q -d 127.0.0.1 127.0.0.3
# Clock-setting runs on an unprivileged port: the same calls.
bgpair u_slew ntpdate -u 127.0.0.1
bgpair u_step ntpdate -u 127.0.0.6
bgpair u_B ntpdate -u -B 127.0.0.6
bgpair u_b ntpdate -u -b 127.0.0.1 127.0.0.8
# The clock refuses (EPERM injected): each side reports it.
COMPAT_CLOCK=error=EPERM bgpair eperm_step ntpdate -u 127.0.0.6
COMPAT_CLOCK=error=EPERM bgpair eperm_slew ntpdate -u 127.0.0.1
for j in "${J[@]}"; do wait "$j"; done
# Port 123 (one at a time).  Held by ntp-testd here (no SO_REUSEADDR):
# both refuse at once.
pair port123_held ntpdate 127.0.0.1
# Free here (the local servers stopped), the server on a second host: both
# bind it and set the clock.
kill "$local_testd" && wait "$local_testd" 2>/dev/null
ntpt_second_host
NTPT_HOST=2 ntpt_start_testd 192.0.2.2,offset=0.25
pair port123 ntpdate 192.0.2.2
# Held by chronyd (SO_REUSEADDR).
ntpt_start_chronyd chrony "allow all"
pair port123_chronyd ntpdate 192.0.2.2

same opt_t_abc
same opt_t_noarg
same opt_unknown
same opt_p0
same opt_p9
same opt_e2
same opt_o5 version-range
same noserver
same noserver_sb quiet-cron
same t0
same tneg
same tbig
same tblank
same pblank
same v
same o4
same o6
same o4_6
same ob
same oB
same oe
same ok
same oo3
same op2
same ot1
same ou
same oa auth
same oa_badline auth-badline
same q1
same q_silent
same q_unsync
same q_none
same q_false
same d
same d_ref
same qd
same u_slew slew-amount
same u_step
same u_B slew-amount
same u_b
same eperm_step clock-refused
same eperm_slew clock-refused
same port123_held
same port123 slew-amount
same port123_chronyd port-in-use
same unresolvable

# Query-only runs ask once: one request per side to a silent server.
ntpt_assert_eq "$(ntpt_requests 127.0.0.10)" 2 "q_silent: requests"
ntpt_assert_eq "$(ntpt_requests 127.0.0.11)" 2 "q_none: requests"
ntpt_pass
