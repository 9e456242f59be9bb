#!/bin/bash
# Side by side: classic sntp 4.2.8p18 and ours, same arguments, same
# servers; every stream, the exit status, the clock calls and the -l file
# compared.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
NTPT_TIMEOUT=150
ntpt_enter_netns "$@"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
compat_need_classic sntp

# 127.0.0.1 answers first; 127.0.0.8 agrees, 127.0.0.9 is a falseticker,
# both a little slower, so classic (first answer wins) and ours (the
# selection) use the same server.
ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,silent \
    127.0.0.3,unsync 127.0.0.4,kod=RATE 127.0.0.5,stratum=16 \
    127.0.0.6,offset=3 127.0.0.7,kod=DENY \
    127.0.0.8,offset=0.25,dreq=0.02,dresp=0.02 127.0.0.9,offset=3,dresp=0.1 \
    127.0.0.10,silent 127.0.0.11,silent 127.0.0.12,silent ::1,offset=0.25 \
    127.0.0.13,offset=0.25 127.0.0.14,offset=0.25 127.0.0.15,offset=0.25 \
    127.0.0.16,offset=0.25 127.0.0.17,offset=0.25 127.0.0.18,offset=0.25
# Names resolve from /etc/hosts only: an unknown name fails at once.
printf 'hosts: files\n' >"$NTPT_TMP/nsswitch.conf"
mount --bind "$NTPT_TMP/nsswitch.conf" /etc/nsswitch.conf ||
    ntpt_fail "cannot bind-mount nsswitch.conf"

J=()
bgpair() { pair "$@" & J+=("$!"); }
K=(-K /dev/null)

# Option errors: classic's (AutoOpts) messages, exit 1; no host: 64.
bgpair opt_t_abc sntp "${K[@]}" -t abc 127.0.0.1
bgpair opt_t_noarg sntp "${K[@]}" -t
bgpair opt_unknown sntp "${K[@]}" -x 127.0.0.1
bgpair opt_o9 sntp "${K[@]}" -o 9 127.0.0.1
bgpair opt_g_abc sntp "${K[@]}" -g abc 127.0.0.1
bgpair opt_M_neg sntp "${K[@]}" -M -5 127.0.0.1
bgpair opt_a_abc sntp "${K[@]}" -a abc 127.0.0.1
bgpair opt_longbad sntp "${K[@]}" --frobnicate 127.0.0.1
bgpair opt_c_noarg sntp "${K[@]}" -c
bgpair nohost sntp "${K[@]}"
bgpair version sntp --version
bgpair help sntp --help
# Results: the banner, then the one result line used.
bgpair one sntp "${K[@]}" 127.0.0.1
bgpair three sntp "${K[@]}" 127.0.0.1 127.0.0.8 127.0.0.9
bgpair silent sntp "${K[@]}" -t 1 127.0.0.2
bgpair silent_good sntp "${K[@]}" -t 1 127.0.0.1 127.0.0.11
bgpair unsync sntp "${K[@]}" -t 1 127.0.0.3
bgpair rate sntp "${K[@]}" -t 1 127.0.0.4
bgpair s16 sntp "${K[@]}" -t 1 127.0.0.5
bgpair deny sntp "${K[@]}" -t 1 127.0.0.7
# A kiss before the result: the result line stays last (tail -1).
bgpair deny_good sntp "${K[@]}" -t 1 127.0.0.7 127.0.0.8
# Every other option, alone and in the common combinations.
bgpair o4 sntp "${K[@]}" -4 127.0.0.13
bgpair o6 sntp "${K[@]}" -6 ::1
bgpair oc sntp "${K[@]}" -c 127.0.0.14
bgpair og sntp "${K[@]}" -g 100 127.0.0.15
bgpair oo3 sntp "${K[@]}" -o 3 127.0.0.16
bgpair onowait sntp "${K[@]}" --no-wait 127.0.0.17
bgpair owait sntp "${K[@]}" --wait 127.0.0.18
bgpair unresolvable sntp "${K[@]}" -t 1 no-such-host.invalid
bgpair oSsM sntp "${K[@]}" -S -s -M 100 127.0.0.6
# Setting the clock: the same calls.
bgpair step sntp "${K[@]}" -S 127.0.0.6
bgpair slew sntp "${K[@]}" -s 127.0.0.1
bgpair step_silent sntp "${K[@]}" -S -t 1 127.0.0.10
COMPAT_CLOCK=error=EPERM bgpair eperm_step sntp "${K[@]}" -S 127.0.0.6
COMPAT_CLOCK=error=EPERM bgpair eperm_slew sntp "${K[@]}" -s 127.0.0.1
# -l: classic's "sntp[PID]: " lines.
bgpair log_ok sntp "${K[@]}" -l "$NTPT_TMP/log_ok.LOG" 127.0.0.1
bgpair log_silent sntp "${K[@]}" -l "$NTPT_TMP/log_silent.LOG" -t 1 127.0.0.12
bgpair log_unsync sntp "${K[@]}" -l "$NTPT_TMP/log_unsync.LOG" -t 1 127.0.0.3
for j in "${J[@]}"; do wait "$j"; done

same opt_t_abc
same opt_t_noarg
same opt_unknown
same opt_o9 range-text
same opt_g_abc
same opt_M_neg
same opt_a_abc
same opt_longbad
same opt_c_noarg
same nohost
same version
same help help
same one
same o4
same o6
same oc
same og
same oo3
same onowait
same owait
same unresolvable rc-honest
same oSsM
same three
same silent rc-honest ucst-race
same silent_good
same unsync rc-honest
same rate rc-honest
same s16 unsync-refused rc-honest
same deny rc-honest
same deny_good
same step
same slew
same step_silent ucst-race
same eperm_step clock-refused
same eperm_slew clock-refused
same log_ok
same log_silent rc-honest ucst-race
same log_unsync rc-honest

# The -l files: both sides appended to one file, classic first; split at
# the second banner and compare (PID and measured fields normalised).
for n in log_ok log_silent log_unsync; do
	f=$NTPT_TMP/$n.LOG
	[ -s "$f" ] || ntpt_fail "$n: no -l file"
	awk -v c="$f.c" -v o="$f.o" '/^sntp\[[0-9]+\]: sntp / { k++ }
	    { print > (k <= 1 ? c : o) }' "$f"
	compat_norm "$f.c" >"$NTPT_TMP/$n.c.nlog"
	compat_norm "$f.o" >"$NTPT_TMP/$n.o.nlog"
	[ "$n" = log_silent ] && compat_exception "$n" ucst-race
	compat_cmp "$n" nlog "-l file"
done

# Query-only runs ask once: one request per side to a silent server.
ntpt_assert_eq "$(ntpt_requests 127.0.0.2)" 2 "silent: requests"
ntpt_assert_eq "$(ntpt_requests 127.0.0.12)" 2 "log_silent: requests"
ntpt_pass
