#!/usr/bin/env bash
# --config: ntpdate and sntp take their servers from the system's NTP
# configuration (the default search, under NTPC_CONF_ROOT) or from FILE:
# the first file that yields a server wins, refclocks are skipped, a pool
# name counts as all its addresses, -d names the file and line of each
# server, a broken file is named with its line and cause, and without
# --config classic's no-server usage error stays.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
SN=$NTPT_BUILD/sntp

ntpt_start_testd "127.0.0.1,offset=0.25" "127.0.0.2,offset=0.25" \
    "127.0.0.3,offset=0.25" "127.0.0.4,offset=-3"

# A system root: ntp.conf with only a local clock yields nothing, so
# chrony's file (through an include and a sourcedir) wins over the
# default file after it.
R=$NTPT_TMP/root
mkdir -p "$R/etc/chrony/sources.d" "$R/etc/default"
printf 'server 127.127.1.0\nfudge 127.127.1.0 stratum 10\n' >"$R/etc/ntp.conf"
cat >"$R/etc/chrony/chrony.conf" <<'CONF'
# Debian-style chrony.conf
! comment
refclock SHM 0 refid GPS
include /etc/chrony/lan.conf
sourcedir /etc/chrony/sources.d
driftfile /var/lib/chrony/chrony.drift
CONF
printf 'server 127.0.0.1 iburst\n' >"$R/etc/chrony/lan.conf"
printf '\nserver 127.0.0.2 iburst\n' >"$R/etc/chrony/sources.d/dhcp.sources"
printf 'NTPSERVERS="127.0.0.4"\n' >"$R/etc/default/ntpdate"

export NTPC_CONF_ROOT=$R
nd search -q -d --config
nd_wait
rc_is search 0
ntpt_assert_match -f "^server 127\.0\.0\.1 from $R/etc/chrony/lan\.conf:1\$" \
    "$NTPT_TMP/search.log" "-d provenance of 127.0.0.1"
ntpt_assert_match -f "^server 127\.0\.0\.2 from $R/etc/chrony/sources\.d/dhcp\.sources:2\$" \
    "$NTPT_TMP/search.log" "-d provenance of 127.0.0.2"
ntpt_assert_no_match -f '127\.0\.0\.4' "$NTPT_TMP/search.log" \
    "the default file after chrony's is not read"
ntpt_assert_eq "$(ntpt_requests 127.0.0.4)" 0 "requests to 127.0.0.4"
ge "$(ntpt_requests 127.0.0.1)" 1 "requests to 127.0.0.1"
ge "$(ntpt_requests 127.0.0.2)" 1 "requests to 127.0.0.2"

# sntp reads the same.
timeout 30 "$SN" -K /dev/null --config >"$NTPT_TMP/sntp.log" \
    2>"$NTPT_TMP/sntp.err"
ntpt_assert_eq "$?" 0 "sntp --config: exit status"
ntpt_assert_match -f ' \+0\.2[0-9]* .*127\.0\.0\.[12] ' "$NTPT_TMP/sntp.log" \
    "sntp --config result line"

# With nothing but the default file, its NTPSERVERS are used.
rm -r "$R/etc/chrony" "$R/etc/ntp.conf"
nd dflt -q --config
nd_wait
rc_is dflt 0
off=$(final dflt step 127.0.0.4)
ntpt_assert_near "$off" -3 0.01 "offset from the default file's server"

# --config=FILE: a pool name is all its addresses (from /etc/hosts here,
# bind-mounted in this private mount namespace); command-line servers
# come first.
printf '127.0.0.1 pool.test\n127.0.0.2 pool.test\n127.0.0.3 pool.test\n' \
    >"$NTPT_TMP/hosts"
mount --bind "$NTPT_TMP/hosts" /etc/hosts ||
    ntpt_fail "cannot bind-mount /etc/hosts in the test's namespace"
printf 'pool pool.test iburst\n' >"$NTPT_TMP/ntp.conf"
nd pool -q -d --config="$NTPT_TMP/ntp.conf"
nd_wait
rc_is pool 0
ntpt_assert_match -f "^server pool\.test from $NTPT_TMP/ntp\.conf:1 \(pool: all its addresses\)\$" \
    "$NTPT_TMP/pool.log" "pool provenance"
for a in 127.0.0.1 127.0.0.2 127.0.0.3; do
	ntpt_assert_match -f "^server ${a//./\\.}, port 123\$" "$NTPT_TMP/pool.log" \
	    "pool address $a asked"
done

# A broken file: named with its line and cause; no server, exit 1.
printf 'server 127.0.0.1\n' >"$NTPT_TMP/bad.conf"
printf 'includefile /nonexistent.conf\n\001\002garbage\n' >>"$NTPT_TMP/bad.conf"
nd bad -q --config="$NTPT_TMP/bad.conf"
nd_wait
rc_is bad 0
ntpt_assert_match -f "$(pfx bad)$NTPT_TMP/bad\.conf:2: /nonexistent\.conf: cannot open: No such file or directory\$" \
    "$NTPT_TMP/bad.err" "missing include named with the line"
ntpt_assert_match -f "$(pfx bad)$NTPT_TMP/bad\.conf:3: binary data" \
    "$NTPT_TMP/bad.err" "binary data named with the line"
printf '\177ELF\002\001\001\000' >"$NTPT_TMP/elf.conf"
nd elf -q --config="$NTPT_TMP/elf.conf"
nd_wait
rc_is elf 1
ntpt_assert_match -f "$NTPT_TMP/elf\.conf:1: binary data" "$NTPT_TMP/elf.err" \
    "binary file"
ntpt_assert_match -f "--config: no server in $NTPT_TMP/elf\.conf\$" \
    "$NTPT_TMP/elf.err" "no server"

# Classic: no server and no --config: nothing read, classic's message,
# exit 1.
nd noconf -q
nd_wait
rc_is noconf 1
ntpt_assert_match -f 'ntpdate\[[0-9]+\]: no servers can be used, exiting$' \
    "$NTPT_TMP/noconf.err" "no servers"
ntpt_pass
