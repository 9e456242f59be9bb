#!/usr/bin/env bash
# The README's Deploying examples that run without systemd: the cron line
# of contrib/ntpdate.cron.in (its command as written, @SBINDIR@ the build
# directory, plus --splay=0.5 so the test does not wait up to 240 s; the
# last --splay wins), clock faked; and the monitoring pipeline, exactly as
# in the README, whose exit status follows the offset.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"

ntpt_second_host
NTPT_HOST=2 ntpt_start_testd "192.0.2.2,offset=0.05"
mkdir -p "$NTPT_TMP/root/etc"
echo "server 192.0.2.2 iburst" >"$NTPT_TMP/root/etc/ntp.conf"
export NTPC_CONF_ROOT=$NTPT_TMP/root

# The cron line: 5 fields, the user, then the command.
cron=$(grep -v '^#' "$NTPT_SRC/contrib/ntpdate.cron.in")
grep -qF "$(printf '%s' "$cron" | sed 's|@SBINDIR@|/usr/sbin|')" \
    "$NTPT_SRC/README.md" || ntpt_fail "README's cron line differs from contrib's"
read -ra f <<<"$cron"
ntpt_assert_eq "${f[*]:0:6}" "*/5 * * * * root" "cron schedule and user"
cmd=("${f[@]:6}")
cmd[0]=${cmd[0]//@SBINDIR@/$NTPT_BUILD}
ntpt_fake_clock timeout -k 2 60 "${cmd[@]}" --splay=0.5 \
    >"$NTPT_TMP/cron.log" 2>&1
ntpt_assert_eq "$?" 0 "cron command: exit status"
# -s: syslog when /dev/log answers; this namespace has none, and then a
# run that succeeds prints nothing (cron mails only on failure).
ntpt_assert_eq "$(cat "$NTPT_TMP/cron.log")" "" "cron command: silent"
ntpt_assert_match 'ADJ_OFFSET_SINGLESHOT' "$(ntpt_clock_calls)" \
    "cron command: slewed"

# The monitoring pipeline, as in the README.
command -v jq >/dev/null || ntpt_skip "jq not installed (tests/deps.sh)"
mon="ntpdate -q --json --config | jq -e 'select(.result != null) | .result and (.offset | fabs) < 0.1'"
grep -qF "    $mon" "$NTPT_SRC/README.md" ||
    ntpt_fail "README's monitoring line differs from the tested one"
out=$(PATH=$NTPT_BUILD:$PATH timeout 30 bash -c "$mon" 2>/dev/null)
ntpt_assert_eq "$?" 0 "monitoring: 0.05 s off is fine"
ntpt_assert_eq "$out" true "monitoring output"
# Two more servers 0.5 s off: the majority says the clock is off.
ntpt_on_host2 ip addr add 192.0.2.3/24 dev ntpt1 &&
    ntpt_on_host2 ip addr add 192.0.2.4/24 dev ntpt1 ||
    ntpt_fail "cannot add addresses on host 2"
NTPT_HOST=2 ntpt_start_testd "192.0.2.3,offset=0.5" "192.0.2.4,offset=0.5"
printf 'server 192.0.2.3\nserver 192.0.2.4\n' >>"$NTPT_TMP/root/etc/ntp.conf"
out=$(PATH=$NTPT_BUILD:$PATH timeout 30 bash -c "$mon" 2>/dev/null)
ntpt_assert_eq "$?" 1 "monitoring: the majority is 0.5 s off"
ntpt_assert_eq "$out" false "monitoring output, 0.5 s off"
ntpt_pass
