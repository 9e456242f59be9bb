#!/usr/bin/env bash
# ntpdate's options: usage errors (exit 2, classic messages, nothing sent),
# no server (exit 1), values classic accepts (-t 0, -t -1, leading blanks),
# -a with no key file (exit 1), -e and -k accepted, -v, -o, -dd, -4/-6, and -s:
# messages to syslog when /dev/log takes them (a listener of ours, seen
# through a private /dev), else on the terminal.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

USAGE='usage: ntpdate [-46bBdqsuv] [-a key#] [-e delay] [-k file] [-p samples] [-o version#] [-t timeo] server ...'

ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,offset=0.25 \
    127.0.0.3,offset=0.25 127.0.0.4,offset=0.25 127.0.0.5,kod=DENY \
    127.0.0.6,offset=0.25 127.0.0.7,offset=0.25 127.0.0.8,offset=0.25 \
    ::1,offset=0.25

# Usage errors: every invalid value reported (without the prefix), then the
# usage line; exit 2; stdout empty; no request.  MSG may hold \n.
i=0
while IFS='|' read -r msg args; do
	i=$((i + 1))
	# shellcheck disable=SC2086 # words on purpose
	nd "usage$i" $args
	nd_wait
	# As classic, messages and usage name the program as invoked.
	sed -i -e "s|^$ND: |ntpdate: |" -e "s|^usage: $ND |usage: ntpdate |" \
	    "$NTPT_TMP/usage$i.err"
	if [ -n "$msg" ]; then
		ntpt_assert_eq "$(cat "$NTPT_TMP/usage$i.err")" \
		    "$(printf '%b\n%s' "$msg" "$USAGE")" "ntpdate $args: stderr"
	else
		ntpt_assert_eq "$(tail -n 1 "$NTPT_TMP/usage$i.err")" "$USAGE" \
		    "ntpdate $args: usage line"
	fi
	ntpt_assert_eq "$(cat "$NTPT_TMP/usage$i.log")" "" \
	    "ntpdate $args: stdout"
	rc_is "usage$i" 2
done <<'END'
ntpdate: option requires argument -t|-t
ntpdate: number of samples (9) is invalid|-p 9 127.0.0.1
ntpdate: number of samples (0) is invalid|-p 0 127.0.0.1
ntpdate: timeout abc is undecodeable|-t abc 127.0.0.1
ntpdate: timeout 1e3 is undecodeable|-t 1e3 127.0.0.1
ntpdate: encryption delay 1 is unlikely|-e 1 127.0.0.1
ntpdate: encryption delay x is unlikely|-e x 127.0.0.1
ntpdate: version must be 1 to 4|-o 5 127.0.0.1
ntpdate: version must be 1 to 4|-o 0 127.0.0.1
ntpdate: encryption key 0 invalid|-a 0 127.0.0.1
ntpdate: encryption key abc invalid|-a abc 127.0.0.1
ntpdate: number of samples (9) is invalid\nntpdate: timeout abc is undecodeable|-p 9 -t abc 127.0.0.1
ntpdate: unknown option -x|-x 127.0.0.1
END
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" 0 "usage errors: requests"

# No server: not a usage error, as classic: exit 1.
nd noarg
nd noserver -q
nd_wait
for r in noarg noserver; do
	ntpt_assert_match "$(pfx $r)no servers can be used, exiting\$" \
	    "$(cat "$NTPT_TMP/$r.err")" "$r: message"
	ntpt_assert_eq "$(cat "$NTPT_TMP/$r.log")" "" "$r: stdout"
	rc_is $r 1
done

# Timeouts classic accepts: any number, a floor applies (ours 0.2 s, so
# -t 0 and -t -1 still wait); leading blanks, for -t as for -p.
nd t0 -q -t 0 127.0.0.4
nd tneg -q -t -1 127.0.0.2
nd tbig -q -t 5000 127.0.0.3
nd tblank -q -t ' 1' 127.0.0.6
nd pblank -q -p ' 1' 127.0.0.8
nd_wait
for r in t0:127.0.0.4 tneg:127.0.0.2 tbig:127.0.0.3 tblank:127.0.0.6 \
    pblank:127.0.0.8; do
	result "${r%%:*}" adjust "${r#*:}" 0.25
	rc_is "${r%%:*}" 0
done

# -a with a missing key file: classic's message before asking anyone
# (50-auth-*.sh test authentication itself).
nd auth -q -a 1 -k "$NTPT_TMP/nokeys" 127.0.0.1
nd_wait
ntpt_assert_match "$(pfx auth)no key file <$NTPT_TMP/nokeys>, exiting\$" \
    "$(cat "$NTPT_TMP/auth.err")" "-a 1: message"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/auth.err")" 2 "-a 1: stderr lines"
rc_is auth 1
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" 0 "-a 1: requests"

# -e and -k are accepted (and, without -a, change nothing); -o 3 too.
printf '1 M secret\n' >"$NTPT_TMP/keys"
nd ek -q -e 0.5 -k "$NTPT_TMP/keys" 127.0.0.2
nd_wait
result ek adjust 127.0.0.2 0.25
ntpt_assert_eq "$(cat "$NTPT_TMP/ek.err")" "" "-e -k: stderr"
rc_is ek 0
nd o3 -q -o 3 127.0.0.6
nd_wait
result o3 adjust 127.0.0.6 0.25
rc_is o3 0

# -d twice is -d.
nd dd -dd 127.0.0.8
nd_wait
ntpt_assert_eq "$(grep -c '^server 127.0.0.8, port 123$' "$NTPT_TMP/dd.log")" \
    1 "-dd: one dump"
final dd adjust 127.0.0.8 >/dev/null
rc_is dd 0

# -v: a version line first, on stdout.
nd version -q -v 127.0.0.3
nd_wait
ntpt_assert_match "$(pfx version)ntpdate ntpc-[0-9][^ ]*\$" \
    "$(head -n 1 "$NTPT_TMP/version.log")" "-v: version line"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/version.log")" 3 "-v: stdout lines"
result version adjust 127.0.0.3 0.25
rc_is version 0

# -4 / -6 restrict the addresses a name may have; the last one wins.
nd four -q -4 ::1
nd six -q -6 127.0.0.1
nd sixok -q -4 -6 ::1
nd_wait
for r in four:::1 six:127.0.0.1; do
	n=${r%%:*} a=${r#*:}
	# Classic's two lines: a bare one, then the logged one.
	ntpt_assert_match "^Error resolving ${a//./\\.}: .+ \\(-[0-9]+\\)\$" \
	    "$(head -n 1 "$NTPT_TMP/$n.err")" "$n: message"
	ntpt_assert_match "$(pfx "$n")Can't find host ${a//./\\.}: .+ \\(-[0-9]+\\)\$" \
	    "$(sed -n 2p "$NTPT_TMP/$n.err")" "$n: logged message"
	ntpt_assert_match "$(pfx "$n")no servers can be used, exiting\$" \
	    "$(tail -n 1 "$NTPT_TMP/$n.err")" "$n: last line"
	rc_is "$n" 1
done
result sixok adjust ::1 0.25
rc_is sixok 0
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" 0 "-6: requests to 127.0.0.1"
[ "$(ntpt_requests ::1)" -ge 1 ] || ntpt_fail "-4 -6: no request to ::1"

# -s.  A private /dev (a tmpfs in a mount namespace of ntpdate's own) with
# or without a log socket: /dev/log -> our listener.
devlog() {	# devlog SOCKET|- CMD...: CMD with a private, empty /dev
	local sock=$1
	shift
	# shellcheck disable=SC2016 # for the inner shell
	exec unshare -m --propagation private sh -c '
	    mount -t tmpfs tmpfs /dev || exit 99
	    [ "$0" = - ] || ln -s "$0" /dev/log || exit 99
	    exec "$@"' "$sock" "$@"
}
if ! command -v python3 >/dev/null; then
	echo "note: python3 not installed, -s checks skipped" >&2
elif ! (devlog - true) 2>/dev/null; then
	echo "note: cannot mount a private /dev, -s checks skipped" >&2
else
	sock=$NTPT_TMP/syslog.sock
	ntpt_bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
f = open(sys.argv[2], "ab", buffering=0)
while True:
    f.write(s.recv(8192) + b"\n")' "$sock" "$NTPT_TMP/syslogd.log"
	ntpt_wait_until 5 test -S "$sock" || ntpt_fail "syslog listener"
	ndx syslog bash -c "$(declare -f devlog); devlog \"\$@\"" - \
	    "$sock" "$ND" -s -q 127.0.0.4
	nd_wait
	ndx syslogfail bash -c "$(declare -f devlog); devlog \"\$@\"" - \
	    "$sock" "$ND" -s -q 127.0.0.5
	nd_wait
	ndx nosyslog bash -c "$(declare -f devlog); devlog \"\$@\"" - \
	    - "$ND" -s -q 127.0.0.7
	nd_wait
	ndx nosyslogfail bash -c "$(declare -f devlog); devlog \"\$@\"" - \
	    - "$ND" -s -q 127.0.0.5
	nd_wait
	ntpt_wait_until 5 grep -q 'no server suitable' "$NTPT_TMP/syslogd.log"

	# With syslog: only -q's server line on the terminal; the messages
	# in syslog, facility daemon: <29> notice, <27> error.
	line=$(grep -F "ntpdate[$(cat "$NTPT_TMP/syslog.pid")]:" \
	    "$NTPT_TMP/syslogd.log")
	ntpt_assert_match '^<29>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] ntpdate\[[0-9]+\]: adjust time server 127\.0\.0\.4 offset \+0\.2[45][0-9]{4} sec$' \
	    "$line" "-s: syslog message"
	ntpt_assert_match '^server 127\.0\.0\.4, stratum 2, offset \+0\.2[45][0-9]{4}, delay [0-9.]+$' \
	    "$(cat "$NTPT_TMP/syslog.log")" "-s: stdout"
	ntpt_assert_eq "$(wc -l <"$NTPT_TMP/syslog.log")" 1 "-s: stdout lines"
	ntpt_assert_eq "$(cat "$NTPT_TMP/syslog.err")" "" "-s: stderr"
	rc_is syslog 0

	lines=$(grep -F "ntpdate[$(cat "$NTPT_TMP/syslogfail.pid")]:" \
	    "$NTPT_TMP/syslogd.log")
	ntpt_assert_match '^<27>.* ntpdate\[[0-9]+\]: server 127\.0\.0\.5: KoD DENY \(access denied\)$' \
	    "$(head -n 1 <<<"$lines")" "-s failure: reason in syslog"
	ntpt_assert_match '^<27>.* ntpdate\[[0-9]+\]: no server suitable for synchronization found$' \
	    "$(tail -n 1 <<<"$lines")" "-s failure: last syslog line"
	ntpt_assert_eq "$(cat "$NTPT_TMP/syslogfail.err")" "" \
	    "-s failure: stderr"
	rc_is syslogfail 1

	# No /dev/log (cron in a container): success is silent but for -q's
	# server line; failures go to stderr (classic prints nothing).
	ntpt_assert_match '^server 127\.0\.0\.7, stratum 2, ' \
	    "$(cat "$NTPT_TMP/nosyslog.log")" "no /dev/log: -q line"
	ntpt_assert_eq "$(wc -l <"$NTPT_TMP/nosyslog.log")" 1 \
	    "no /dev/log: stdout lines"
	ntpt_assert_eq "$(cat "$NTPT_TMP/nosyslog.err")" "" \
	    "no /dev/log: stderr"
	ntpt_assert_no_match -f 'ntpdate\[[0-9]+\]: .*127\.0\.0\.7' \
	    "$NTPT_TMP/syslogd.log" "no /dev/log: syslog"
	rc_is nosyslog 0
	ntpt_assert_match "$(pfx nosyslogfail)no server suitable for synchronization found\$" \
	    "$(tail -n 1 "$NTPT_TMP/nosyslogfail.err")" \
	    "no /dev/log, failure: stderr"
	rc_is nosyslogfail 1
fi

ntpt_pass
