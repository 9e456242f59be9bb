#!/usr/bin/env bash
# sntp against ntp-testd, the basics: the classic result line (local reply
# time with %z, offset, error bound, name and address, stratum, leap word),
# one request per server on a LAN, the offset digits from the server's
# precision, header fields, an era 1 server, IPv6, host order, -l, and the
# option errors (exit 1, no host 64) and -a without a key file (exit 1).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

D='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}'
LINE6="^$D \\([+-][0-9]{4}\\) [+-][0-9]+\\.[0-9]{6} \\+/- [0-9]+\\.[0-9]{6} "

t0=$(date +%s.%N)
ntpt_start_testd 127.0.0.1,offset=0.25 \
    127.0.0.2,offset=0.25,precision=-10 127.0.0.3,offset=0.25,precision=-17 \
    127.0.0.4,offset=0.25,precision=-30 127.0.0.5,offset=0.3,precision=-3 \
    127.0.0.6,offset=-0.125,stratum=1,leap=1,refid=GPS \
    127.0.0.7,offset=-0.125,stratum=15,leap=2 \
    127.0.0.8,time=2100000000 \
    ::1,offset=-0.5 \
    127.0.0.9,offset=0.25 127.0.0.10,offset=0.25 127.0.0.11,offset=0.25 \
    127.0.0.12,offset=0.25 127.0.0.13,offset=1.5
t1=$(date +%s.%N)

# --- Option errors first: no server needed, nothing sent.  As classic
# (AutoOpts): the reason and the short usage on stderr, exit 1.
usage1() {
	local name=$1
	shift
	sn_fg "$name" "$@"
	rc_is "$name" 1
	ntpt_assert_eq "$(cat "$NTPT_TMP/$name.log")" "" "$name: stdout"
	ntpt_assert_match '^Try .sntp --help. for more information\.$' \
	    "$(tail -n 1 "$NTPT_TMP/$name.err")" "$name: usage"
}
# No host: classic's banner and message on stdout, exit 64.
sn_fg u_nohost
rc_is u_nohost 64
ntpt_assert_eq "$(out u_nohost)" \
    "sntp: Must supply at least one of -b hostname, -c hostname, or hostname." \
    "no host message"
ntpt_assert_eq "$(err u_nohost)" "" "no host: stderr"
usage1 u_unknown -X 127.0.0.12
ntpt_assert_match '^sntp: illegal option -- X$' "$(err u_unknown)" "-X"
usage1 u_badlong --frobnicate 127.0.0.12
ntpt_assert_match '^sntp: illegal option -- frobnicate$' \
    "$(err u_badlong)" "--frobnicate"
usage1 u_bcast -b 127.0.0.12
ntpt_assert_match '^sntp: .*(-b|broadcast).*not supported' \
    "$(err u_bcast)" "-b message"
usage1 u_t0 -t 0 127.0.0.12
ntpt_assert_match '^sntp error:  timeout option value 0 is out of range\.$' \
    "$(err u_t0)" "-t 0 message"
usage1 u_tneg -t -1 127.0.0.12
usage1 u_tjunk -t 2x 127.0.0.12
ntpt_assert_match "^sntp error:  '2x' is not a recognizable number\\.\$" \
    "$(err u_tjunk)" "-t 2x message"
usage1 u_o5 -o 5 127.0.0.12
ntpt_assert_match '^sntp error:  ntpversion option value 5 is out of range\.$' \
    "$(err u_o5)" "-o 5 message"
usage1 u_o0 -o 0 127.0.0.12
usage1 u_g -g abc 127.0.0.12
usage1 u_gbig -g 60001 127.0.0.12
usage1 u_m -M -5 127.0.0.12
usage1 u_a0 -a 0 127.0.0.12
usage1 u_noarg 127.0.0.12 -t
ntpt_assert_match "^sntp: The 'timeout' option requires an argument\\.\$" \
    "$(err u_noarg)" "-t without a value"
ntpt_assert_eq "$(ntpt_requests 127.0.0.12)" 0 "requests after usage errors"

# -a with a key file that is not there: exit 1, nothing sent
# (50-auth-*.sh test authentication itself).
sn_fg u_auth -a 5 -k "$NTPT_TMP/nokeys" 127.0.0.12
rc_is u_auth 1
ntpt_assert_match '^sntp: Authentication with keyID 5 requested, but no matching keyID found in <.*/nokeys>!$' \
    "$(err u_auth)" "-a message"
ntpt_assert_eq "$(cat "$NTPT_TMP/u_auth.log")" "" "-a stdout"
ntpt_assert_eq "$(ntpt_requests 127.0.0.12)" 0 "requests after -a"

sn_fg u_help --help
rc_is u_help 0
ntpt_assert_match '^Usage:  sntp ' "$(cat "$NTPT_TMP/u_help.log")" "--help"
ntpt_assert_match '^   -t Num timeout ' "$(cat "$NTPT_TMP/u_help.log")" \
    "--help: option list"
sn_fg u_version --version
rc_is u_version 0
ntpt_assert_eq "$(cat "$NTPT_TMP/u_version.log")" "sntp ntpc-0.1" "--version"

# --- Queries.  Those that count requests run alone: under load a loopback
# round trip can exceed 2 ms, an error bound above 1 ms, and sntp then
# rightly asks again (man sntp, SAMPLING).  The others run in parallel
# (distinct servers, so the log tells them apart).
TZ='<+0530>-05:30' sn_fg fmt 127.0.0.1
sn_fg order -c 127.0.0.11 127.0.0.10 -c 127.0.0.9
sn digits2 127.0.0.2
sn digits3 127.0.0.3
sn digits4 127.0.0.4
# Alone: beside the others its wide interval's midpoint would be outside
# their intersection (a falseticker).  Its error bound keeps it resampling.
sn digits1 127.0.0.5
sn hdr 127.0.0.6
sn hdr7 127.0.0.7
sn era1 127.0.0.8
sn v6 ::1
sn_wait

# The line, field by field.
rc_is fmt 0
ntpt_assert_eq "$(out fmt | wc -l)" 1 "fmt: one line"
ntpt_assert_match "$LINE6"'127\.0\.0\.1 s2 no-leap$' "$(out fmt)" "fmt: line"
ntpt_assert_eq "$(err fmt)" "" "fmt: stderr"
ntpt_assert_near "$(offset_of fmt 127.0.0.1)" 0.25 0.005 "fmt: offset"
ntpt_assert_match '^\+' "$(offset_of fmt 127.0.0.1)" "fmt: offset sign"
ntpt_assert_near "$(error_of fmt 127.0.0.1)" 0.0025 0.0025 "fmt: error bound"
ntpt_assert_eq "$(out fmt | awk '{ print $3 }')" "(+0530)" "fmt: %z"
# The date is local (TZ) time of the reply: within a few seconds of now.
stamp=$(out fmt | awk '{ print $1 " " $2 " " substr($3, 2, 5) }')
when=$(date -d "$stamp" +%s.%N) || ntpt_fail "cannot parse date '$stamp'"
ntpt_assert_near "$when" "$(date +%s.%N)" 10 "fmt: local reply time"
ntpt_assert_eq "$(ntpt_requests 127.0.0.1)" 1 "fmt: requests on a LAN"

# Offset and error digits from the server's precision: lround(-p log10 2)
# clamped to 1..6.
for r in digits2 digits3 digits4 digits1; do
	rc_is $r 0
	ntpt_assert_eq "$(out $r | wc -l)" 1 "$r: lines"
	ntpt_assert_eq "$(err $r)" "" "$r: stderr"
done
for ad in digits2:127.0.0.2:3 digits3:127.0.0.3:5 digits4:127.0.0.4:6 \
    digits1:127.0.0.5:1; do
	r=${ad%%:*} a=${ad#*:} d=${ad##*:}
	a=${a%:*}
	ntpt_assert_match "^[+-][0-9]+\\.[0-9]{$d}\$" "$(offset_of "$r" "$a")" \
	    "digits: offset decimals of $a"
	ntpt_assert_match "^[0-9]+\\.[0-9]{$d}\$" "$(error_of "$r" "$a")" \
	    "digits: error decimals of $a"
done
ntpt_assert_near "$(offset_of digits2 127.0.0.2)" 0.25 0.005 \
    "digits: p=-10 offset"
ntpt_assert_eq "$(offset_of digits1 127.0.0.5)" +0.3 "digits: p=-3 offset"
# The error bound grows with the precision: 2^-3 s alone is 0.125.
ntpt_assert_near "$(error_of digits1 127.0.0.5)" 0.15 0.051 \
    "digits: p=-3 error bound"

# Stratum and leap words; a negative offset.
rc_is hdr 0
rc_is hdr7 0
ntpt_assert_match "$LINE6"'127\.0\.0\.6 s1 add-leap$' \
    "$(line hdr 127.0.0.6)" "hdr: stratum 1, leap 1"
ntpt_assert_match "$LINE6"'127\.0\.0\.7 s15 del-leap$' \
    "$(line hdr7 127.0.0.7)" "hdr: stratum 15, leap 2"
ntpt_assert_near "$(offset_of hdr 127.0.0.6)" -0.125 0.005 "hdr: offset"
ntpt_assert_match '^-0\.1' "$(offset_of hdr 127.0.0.6)" "hdr: offset sign"

# Era 1: the served clock started at 2100000000 when ntp-testd started,
# between t0 and t1 (however long a loaded machine took to start it).
rc_is era1 0
ntpt_assert_match "$LINE6"'127\.0\.0\.8 s2 no-leap$' "$(out era1)" "era1: line"
ntpt_assert_near "$(offset_of era1 127.0.0.8)" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", 2100000000 - (a + b) / 2 }')" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 2 + 0.01 }')" \
    "era1: offset"

# IPv6.
rc_is v6 0
ntpt_assert_match "$LINE6"'::1 s2 no-leap$' "$(out v6)" "v6: line"
ntpt_assert_near "$(offset_of v6 ::1)" -0.5 0.005 "v6: offset"

# Several servers, -c or not: as classic, one result line, the one used.
rc_is order 0
ntpt_assert_eq "$(out order | wc -l)" 1 "order: lines"
ntpt_assert_match ' 127\.0\.0\.(9|10|11) s2 no-leap$' "$(out order)" \
    "order: the selected server"

# A host name is printed before its address; -4 keeps localhost to
# 127.0.0.1.
sn_fg name -4 localhost
rc_is name 0
ntpt_assert_match "$LINE6"'localhost 127\.0\.0\.1 s2 no-leap$' "$(out name)" \
    "name: line"

# -l appends, as classic, "sntp[PID]: " and the banner and result lines;
# our reason lines (stderr) are not in it.
sn_fg log1 -l "$NTPT_TMP/results.txt" 127.0.0.12 127.0.0.99 -t 0.5
rc_is log1 0
ntpt_assert_match 'server 127\.0\.0\.99: ' "$(err log1)" "log1: stderr"
sn_fg log2 -l "$NTPT_TMP/results.txt" 127.0.0.13
rc_is log2 0
ntpt_assert_eq "$(sed -E 's/^sntp\[[0-9]+\]: //' "$NTPT_TMP/results.txt")" \
    "$(cat "$NTPT_TMP/log1.log" "$NTPT_TMP/log2.log")" "-l file"
ntpt_assert_eq "$(grep -Ec '^sntp\[[0-9]+\]: ' "$NTPT_TMP/results.txt")" 4 \
    "-l lines"
ntpt_assert_near "$(offset_of log2 127.0.0.13)" 1.5 0.005 "log2: offset"
# A log file that cannot be opened: a message, the run goes on, and fails
# at the end (an output that was asked for and not written, issue 9).
sn_fg log3 -l "$NTPT_TMP/no-such-dir/results.txt" 127.0.0.13
rc_is log3 1
ntpt_assert_match '^sntp: log file .*no-such-dir/results\.txt' \
    "$(err log3)" "log3: warning"
ntpt_assert_match '127\.0\.0\.13 s2 no-leap$' "$(out log3)" "log3: line"

ntpt_pass
