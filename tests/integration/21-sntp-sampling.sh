#!/usr/bin/env bash
# sntp's sampling and selection against ntp-testd.  Without -S/-s sntp
# asks each server once, as classic; the sampling policy applies to runs
# that set the clock (-S, clock faked here): jitter (resampling at
# least 2 s apart, at most 4 requests, the minimum-delay sample wins), loss,
# a spoofed reply before the real one, silent servers (one of three costs
# one request; all silent: exit 1), --no-wait, a falseticker among four,
# no majority, unsynchronised servers, the reply checks, the -g gap.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

# requests_between ADDR LO HI: LO <= requests to ADDR <= HI.
requests_between() {
	local n
	n=$(ntpt_requests "$1")
	if [ "$n" -lt "$2" ] || [ "$n" -gt "$3" ]; then
		ntpt_fail "requests to $1: got $n, expected $2 to $3"
	fi
}
# min_spacing ADDR: the smallest gap between successive requests to ADDR
# (99 when there are fewer than two).
min_spacing() {
	ntpt_request_times "$1" | awk 'NR > 1 { d = $1 - p
		if (m == "" || d < m) m = d } { p = $1 }
		END { print (m == "" ? 99 : m) }'
}
spacing_at_least() {
	awk -v m="$(min_spacing "$1")" -v lo="$2" 'BEGIN { exit !(m >= lo) }' ||
	    ntpt_fail "requests to $1 only $(min_spacing "$1") s apart"
}

ntpt_start_testd 127.0.0.1,offset=0.25,jreq=0.05 \
    127.0.0.2,offset=0.25,drop=0.5 \
    127.0.0.3,offset=0.25,spoof \
    127.0.0.4,offset=0.25 127.0.0.5,offset=0.25 127.0.0.6,silent \
    127.0.0.7,silent 127.0.0.8,silent \
    127.0.0.9,offset=0.25 127.0.0.10,offset=0.25,dreq=1 \
    127.0.0.11,offset=0.25 127.0.0.12,offset=0.25,dreq=1 \
    127.0.0.13,unsync 127.0.0.14,offset=0.25,dreq=0.3 \
    127.0.0.15,offset=0.25 127.0.0.16,offset=0.25 127.0.0.17,offset=0.25 \
    127.0.0.18,offset=5.25 \
    127.0.0.19,offset=0.25 127.0.0.20,offset=3.25 \
    127.0.0.21,offset=0.25,leap=3 127.0.0.22,unsync \
    127.0.0.23,offset=0.25 127.0.0.24,offset=0.25 127.0.0.25,offset=0.25 \
    127.0.0.26,offset=0.25,refage=90000 127.0.0.27,offset=0.25,rootdisp=2 \
    127.0.0.28,offset=0.25,zero_xmt 127.0.0.29,offset=0.25,zero_rec \
    127.0.0.30,offset=0.25,truncate=47 127.0.0.31,offset=0.25,mode=3 \
    127.0.0.32,stratum=16 127.0.0.33,offset=0.25,ext,mac=20 \
    127.0.0.34,offset=0.25,dup=3

# One silent server among three, alone: on a loaded machine (several sntp
# at once) a loopback round trip can exceed 2 ms, an error bound 1 ms, and
# sntp then rightly asks again, the silent server too (man sntp, SAMPLING).
sn silent1 -t 2 127.0.0.4 127.0.0.6 127.0.0.5
sn_wait
# The others in parallel (distinct servers, so the log tells them apart).
snf jitter -S -d 127.0.0.1
snf loss -S -t 1 127.0.0.2
sn spoof 127.0.0.3
snf silent2 -S -t 1 127.0.0.7 127.0.0.8
sn nowait --no-wait 127.0.0.10 127.0.0.9
sn nowaitd --no-wait -d 127.0.0.12 127.0.0.11
sn nowaitu --no-wait 127.0.0.13 127.0.0.14
sn false4 127.0.0.15 127.0.0.16 127.0.0.18 127.0.0.17
sn nomaj 127.0.0.19 127.0.0.20
sn unsync 127.0.0.21 127.0.0.22
sn checks -t 1 127.0.0.26 127.0.0.27 127.0.0.28 127.0.0.29 127.0.0.30 \
    127.0.0.31 127.0.0.32 127.0.0.33 127.0.0.34
sn_wait
# -g alone: its requests are timed from the server's log, and a dozen
# sanitized runs starting beside it could hold its first request back
# long enough to shrink the gap after it (0.4 s is kept from the run's
# start, not from the request before).
sn gap -d -g 400 127.0.0.23 127.0.0.24 127.0.0.25
sn_wait

# Jitter on the request path (0 to 50 ms): the first error bound is above
# 1 ms, so sntp asks again, at least 2 s apart, at most 4 times, and keeps
# the sample with the smallest delay (offset 0.25 + delay / 2).
rc_is jitter 0
o=$(offset_of jitter 127.0.0.1)
ntpt_assert_near "$o" 0.26 0.01 "jitter: offset in 0.25 + [0, 0.02]"
requests_between 127.0.0.1 1 4
spacing_at_least 127.0.0.1 1.9
# The debug lines give every sample; the printed one has the least delay.
best=$(awk '/debug: 127\.0\.0\.1: sample [0-9]+:/ {
		for (i = 1; i < NF; i++) {
			if ($i == "offset") o = $(i + 1)
			if ($i == "delay") d = $(i + 1)
		}
		if (m == "" || d < m) { m = d; b = o }
	} END { printf "%+.6f", b }' "$NTPT_TMP/jitter.err")
ntpt_assert_eq "$o" "$best" "jitter: the minimum-delay sample's offset"
first_err=$(awk '/debug: 127\.0\.0\.1: sample 1:/ {
	for (i = 1; i < NF; i++) if ($i == "error") print $(i + 1) }' \
    "$NTPT_TMP/jitter.err")
nsamples=$(grep -Ec 'debug: 127\.0\.0\.1: sample [0-9]+:' \
    "$NTPT_TMP/jitter.err")
ntpt_assert_eq "$nsamples" "$(ntpt_requests 127.0.0.1)" \
    "jitter: one sample per request"
if awk -v e="$first_err" 'BEGIN { exit !(e > 0.001) }'; then
	requests_between 127.0.0.1 2 4
fi

# Half the requests lost: still a result.
rc_is loss 0
ntpt_assert_near "$(offset_of loss 127.0.0.2)" 0.25 0.005 "loss: offset"
requests_between 127.0.0.2 1 4
spacing_at_least 127.0.0.2 0.9
ntpt_assert_match '^[1-9]' "$(ntpt_requests 127.0.0.2 replied)" \
    "loss: replies"

# A spoofed reply (wrong origin, +1000 s) arrives first: ignored.
rc_is spoof 0
ntpt_assert_near "$(offset_of spoof 127.0.0.3)" 0.25 0.005 "spoof: offset"
ntpt_assert_eq "$(out spoof | wc -l)" 1 "spoof: lines"
ntpt_assert_eq "$(err spoof)" "" "spoof: stderr"

# One silent server among three: exit 0; it got one request only, and one
# line on stderr says so; the result line is the selected server's.
rc_is silent1 0
ntpt_assert_match '^127\.0\.0\.[45] $' \
    "$(out silent1 | awk '{ printf "%s ", $7 }')" "silent1: lines"
ntpt_assert_eq "$(ntpt_requests 127.0.0.6)" 1 "silent1: requests to silent"
# (Only the server lines: on a loaded machine one good server's sample may
# be off enough for a "no majority" warning.)
ntpt_assert_eq "$(grep '^sntp: server ' "$NTPT_TMP/silent1.err")" \
    "sntp: server 127.0.0.6: no reply within 2 s (1 request)" \
    "silent1: stderr"

# All silent: exit 1, classic's line per server on stdout, one reason line
# per server on stderr.
rc_is silent2 1
ntpt_assert_eq "$(out silent2)" "127.0.0.7 no UCST response after 1 seconds
127.0.0.8 no UCST response after 1 seconds" "silent2: stdout"
# (-S sets the clock: nobody answering, each is asked 8 times, 2 s apart.)
for a in 127.0.0.7 127.0.0.8; do
	ntpt_assert_match "^sntp: server ${a//./\\.}: no reply within 1 s \\(8 requests\\)\$" \
	    "$(grep "server $a:" "$NTPT_TMP/silent2.err")" "silent2: $a"
	requests_between "$a" 8 8
	spacing_at_least "$a" 1.9
done
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/silent2.err")" 2 "silent2: stderr lines"

# --no-wait: the first usable reply wins; the slow server is not reported.
rc_is nowait 0
ntpt_assert_eq "$(out nowait | awk '{ printf "%s ", $7 }')" "127.0.0.9 " \
    "nowait: lines"
ntpt_assert_eq "$(err nowait)" "" "nowait: stderr"
ntpt_assert_eq "$(ntpt_requests 127.0.0.10)" 1 "nowait: requests to slow"
# ... except with -d.
rc_is nowaitd 0
ntpt_assert_eq "$(out nowaitd | awk '{ printf "%s ", $7 }')" "127.0.0.11 " \
    "nowaitd: lines"
ntpt_assert_match '^sntp: server 127\.0\.0\.12: not waited for' \
    "$(grep -v '^sntp: debug: ' "$NTPT_TMP/nowaitd.err")" "nowaitd: stderr"
# The first reply is unusable (unsynchronised): the slower good one wins.
rc_is nowaitu 0
ntpt_assert_eq "$(out nowaitu | awk '{ printf "%s ", $7 }')" "127.0.0.14 " \
    "nowaitu: lines"
ntpt_assert_near "$(offset_of nowaitu 127.0.0.14)" 0.4 0.01 \
    "nowaitu: offset (0.25 + dreq / 2)"
ntpt_assert_match '^sntp: server 127\.0\.0\.13: not synchronized' \
    "$(err nowaitu)" "nowaitu: stderr"

# A falseticker among four: refused, said so; one of the others printed.
rc_is false4 0
ntpt_assert_match '^127\.0\.0\.1[567] $' \
    "$(out false4 | awk '{ printf "%s ", $7 }')" "false4: lines"
ntpt_assert_near "$(out false4 | awk '{ print $4 }')" 0.25 0.005 \
    "false4: offset"
ntpt_assert_match '^sntp: server 127\.0\.0\.18: falseticker: offset \+5\.2[45][0-9]* s, interval \[' \
    "$(err false4)" "false4: stderr"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/false4.err")" 1 "false4: stderr lines"

# Two servers 3 s apart: no majority, nothing believed; exit 1, a reason
# line each and one line with both offsets.
rc_is nomaj 1
ntpt_assert_eq "$(out nomaj)" "" "nomaj: stdout"
ntpt_assert_match '^sntp: server 127\.0\.0\.20: no majority: the servers disagree \(offset \+3\.2[45][0-9]* s\)$' \
    "$(err nomaj)" "nomaj: reason line"
ntpt_assert_match '^sntp: no majority: the servers disagree: 127\.0\.0\.19 \+0\.2[45][0-9]*, 127\.0\.0\.20 \+3\.2[45][0-9]*$' \
    "$(err nomaj)" "nomaj: the offsets"

# Leap 3 and an unsynchronised (stratum 0) server: exit 1, classic's
# "not in sync" lines and ours with the reasons, on stderr.
rc_is unsync 1
ntpt_assert_eq "$(out unsync)" "" "unsync: stdout"
ntpt_assert_match '^sock_cb: 127\.0\.0\.21 not in sync, skipping this server$' \
    "$(err unsync)" "unsync: classic's line"
ntpt_assert_match '^sntp: server 127\.0\.0\.21: not synchronized \(leap 3, stratum [0-9]+\)$' \
    "$(err unsync)" "unsync: leap 3"
ntpt_assert_match '^sntp: server 127\.0\.0\.22: not synchronized' \
    "$(err unsync)" "unsync: unsync"
ntpt_assert_eq "$(ntpt_requests 127.0.0.21)" 1 "unsync: requests"

# -g 400: the first requests to successive servers 400 ms apart.  -d
# shows the value the run took, exactly; the log, that it was kept.
rc_is gap 0
ntpt_assert_eq "$(out gap | wc -l)" 1 "gap: lines"
ntpt_assert_match '^sntp: debug: 3 servers, timeout [0-9.]+ s, gap 0\.4 s, ' \
    "$(err gap)" "gap: the gap taken"
t=$(for a in 127.0.0.23 127.0.0.24 127.0.0.25; do
	ntpt_request_times "$a" | head -n 1
done)
ntpt_assert_match '^0\.(3[5-9]|[4-9])[0-9]* 0\.(3[5-9]|[4-9])[0-9]* $' \
    "$(awk 'NR > 1 { printf "%.3f ", $1 - p } { p = $1 }' <<<"$t")" \
    "gap: spacing of the first requests"

# The RFC 5905 reply checks: each bad reply refused with its reason; an
# extension field with a MAC, and duplicates, are fine.
rc_is checks 0
ntpt_assert_match '^127\.0\.0\.3[34] $' \
    "$(out checks | awk '{ printf "%s ", $7 }')" "checks: lines"
ntpt_assert_near "$(out checks | awk '{ print $4 }')" 0.25 0.005 \
    "checks: ext + MAC or dup offset"
for re in '26: server reference time is more than a day old' \
    '27: root distance [0-9.]+ s over the limit' \
    '28: reply has a zero transmit timestamp' \
    '29: reply has a zero receive timestamp' \
    '30: reply shorter than 48 bytes' \
    '31: reply is not in server mode' \
    '32: not synchronized \(leap [0-3], stratum 16\)'; do
	ntpt_assert_match "^sntp: server 127\\.0\\.0\\.$re" "$(err checks)" \
	    "checks: reason"
done
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/checks.err")" 7 "checks: stderr lines"

ntpt_pass
