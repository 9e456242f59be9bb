#!/usr/bin/env bash
# ntpdate against ntp-testd, choosing among servers: a falseticker among
# four, two servers that disagree, silent servers (one among three costs one
# timeout more and gets no retry; all silent: one request with -q, as
# classic, four spaced requests for a clock-setting run, then the classic
# failure line), stratum and root distance among agreeing servers,
# names that resolve (to several addresses; many runs with two names, for
# the resolver's threads) and names that do not, duplicate addresses.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"

ntpt_start_testd \
    127.0.0.1,offset=0.25 127.0.0.2,offset=0.25 127.0.0.3,offset=0.25 \
    127.0.0.4,offset=5 \
    127.0.0.5,offset=0.25 127.0.0.6,offset=0.25 127.0.0.7,offset=0.25 \
    127.0.0.8,offset=5 \
    127.0.0.9,offset=0.25 127.0.0.10,offset=1 \
    127.0.0.11,offset=0.25 127.0.0.12,offset=0.25 127.0.0.13,silent \
    127.0.0.14,silent 127.0.0.15,silent \
    127.0.0.16,offset=0.25 127.0.0.17,offset=0.25 \
    127.0.0.18,offset=0.25 \
    127.0.0.19,offset=0.25,stratum=3 127.0.0.20,offset=0.25,stratum=1,refid=GPS \
    127.0.0.21,offset=0.25 \
    127.0.0.22,offset=0.25,rootdisp=0.2 \
    127.0.0.23,offset=0.25,rootdisp=0.01,dreq=0.004,dresp=0.004 \
    127.0.0.24,offset=0.25 127.0.0.25,offset=0.25 ::1,offset=0.25 \
    127.0.0.26,offset=0.25 127.0.0.27,offset=0.25

# Quick runs one at a time (their request counts matter), then the slow
# ones together.
for r in "false4 -q 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4" \
    "false4d -d 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8" \
    "disagree -q 127.0.0.9 127.0.0.10" \
    "unres -q 127.0.0.16 nonexistent.invalid 127.0.0.17" \
    "allunres -q nonexistent.invalid also-nonexistent.invalid" \
    "twice -q 127.0.0.18 127.0.0.18" \
    "strata -q 127.0.0.19 127.0.0.20 127.0.0.21" \
    "rootdist -q 127.0.0.22 127.0.0.23"; do
	# shellcheck disable=SC2086 # words on purpose
	nd $r
	nd_wait
done
nd onesilent -q 127.0.0.11 127.0.0.13 127.0.0.12
nd allsilent -q 127.0.0.14
# The same without -q, as cron runs it (the clock calls faked).
ndf allsilentu -u 127.0.0.15 &
ND_JOBS+=("$!")
nd_wait

# Four servers, one 5 s off: it is a falseticker, one of the three others
# is chosen.
for a in 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4; do
	asked $a falseticker
done
chosen=$(chosen_of false4)
ntpt_assert_match '^127\.0\.0\.[123]$' "$chosen" "falseticker: chosen server"
result false4 adjust "$chosen" 0.25
ntpt_assert_near "$(q_offset false4 127.0.0.4)" 5 0.005 \
    "falseticker: its -q offset"
ntpt_assert_match "$(pfx false4)server 127\\.0\\.0\\.4: falseticker: offset \\+(5\\.000|4\\.999)[0-9]{3} s, interval \\[\\+4\\.9[0-9]{5}, \\+5\\.0[0-9]{5}\\] outside the majority's intersection \\[\\+0\\.2[0-9]{5}, \\+0\\.2[0-9]{5}\\]\$" \
    "$(cat "$NTPT_TMP/false4.err")" "falseticker: reason line"
rc_is false4 0

# -d: the verdict of each server.
# (Our detail goes to stderr, "ADDR: verdict: ...", in server order.)
verdicts=$(grep -E '^[0-9.]+: verdict: ' "$NTPT_TMP/false4d.err" |
    sed 's/^[^ ]* //')
ntpt_assert_eq "$(grep -c . <<<"$verdicts")" 4 "falseticker -d: verdicts"
ntpt_assert_match '^verdict: falseticker: offset \+(5\.000|4\.999)[0-9]{3} s, interval ' \
    "$(sed -n 4p <<<"$verdicts")" "falseticker -d: 127.0.0.8's verdict"
ntpt_assert_eq "$(head -n 3 <<<"$verdicts" |
    grep -Ec '^verdict: system peer, weight 0\.[0-9]{3}$')" 1 \
    "falseticker -d: one system peer"
ntpt_assert_eq "$(head -n 3 <<<"$verdicts" |
    grep -Ec '^verdict: survivor, weight 0\.[0-9]{3}$')" 2 \
    "falseticker -d: two other survivors, combined"
# The three weights add up to 1.
ge "$(head -n 3 <<<"$verdicts" | awk '{ s += $NF } END { print s }')" 0.998 \
    "falseticker -d: weights"
ntpt_assert_eq "$(grep '^server ' "$NTPT_TMP/false4d.log" | tr '\n' ' ')" \
    "server 127.0.0.5, port 123 server 127.0.0.6, port 123 server 127.0.0.7, port 123 server 127.0.0.8, port 123 " \
    "falseticker -d: dump order"
ntpt_assert_match "$(pfx false4d)adjust time server 127\\.0\\.0\\.[567] offset \\+0\\.2[45][0-9]{4} sec\$" \
    "$(tail -n 1 "$NTPT_TMP/false4d.log")" "falseticker -d: final line"
rc_is false4d 0

# Two servers 0.75 s apart (0.25 and 1): no majority, so nothing is
# chosen: a reason line each, one line with every offset, the failure.
ntpt_assert_match -f "$(pfx disagree)server 127\\.0\\.0\\.9: no majority: the servers disagree \\(offset \\+0\\.2[45][0-9]{4} s\\)\$" \
    "$NTPT_TMP/disagree.err" "disagree: reason line"
ntpt_assert_match -f "$(pfx disagree)no majority: the servers disagree: 127\\.0\\.0\\.9 \\+0\\.2[45][0-9]{4}, 127\\.0\\.0\\.10 \\+(1\\.0|0\\.9)[0-9]{5}\$" \
    "$NTPT_TMP/disagree.err" "disagree: the offsets"
ntpt_assert_match "$(pfx disagree)no server suitable for synchronization found\$" \
    "$(tail -n 1 "$NTPT_TMP/disagree.err")" "disagree: last line"
rc_is disagree 1

# One silent server among three: one timeout more, no retry: it is asked
# only as long as the others are (once, unless a loaded machine makes
# their first error bound exceed 1 ms).
asked 127.0.0.11 "one silent"
asked 127.0.0.12 "one silent"
n=$(ntpt_requests 127.0.0.11)
[ "$(ntpt_requests 127.0.0.12)" -gt "$n" ] && n=$(ntpt_requests 127.0.0.12)
ntpt_assert_eq "$(ntpt_requests 127.0.0.13 silent)" "$n" \
    "one silent: requests to the silent server"
ntpt_assert_match "$(pfx onesilent)server 127\\.0\\.0\\.13: no reply within 2 s \\($n requests?\\)\$" \
    "$(cat "$NTPT_TMP/onesilent.err")" "one silent: reason line"
ntpt_assert_no_match -f '^server 127\.0\.0\.13,' \
    "$NTPT_TMP/onesilent.log" "one silent: no -q line (classic)"
chosen=$(chosen_of onesilent)
ntpt_assert_match '^127\.0\.0\.1[12]$' "$chosen" "one silent: chosen server"
result onesilent adjust "$chosen" 0.25
rc_is onesilent 0

# All silent: -q asks once (as classic); a clock-setting run is patient
# while nobody answers: eight requests at least 2 s apart.  Then the
# reason and the classic failure line, last.
for r in allsilent:127.0.0.14:1 allsilentu:127.0.0.15:8; do
	n=${r%%:*} a=${r#*:} k=${r##*:}
	a=${a%:*}
	ntpt_assert_eq "$(ntpt_requests "$a")" "$k" "$n: requests"
	[ "$k" = 1 ] || ge "$(min_gap "$a")" 1.9 "$n: request spacing"
	ntpt_assert_eq "$(wc -l <"$NTPT_TMP/$n.err")" 2 "$n: stderr lines"
	ntpt_assert_match "$(pfx "$n")server ${a//./\\.}: no reply within 2 s \\($k requests?\\)\$" \
	    "$(head -n 1 "$NTPT_TMP/$n.err")" "$n: reason line"
	ntpt_assert_match "$(pfx "$n")no server suitable for synchronization found\$" \
	    "$(tail -n 1 "$NTPT_TMP/$n.err")" "$n: last line"
	rc_is "$n" 1
done
ntpt_assert_eq "$(cat "$NTPT_TMP/allsilent.log")" "" "allsilent: stdout"
ntpt_assert_eq "$(cat "$NTPT_TMP/allsilentu.log")" "" "allsilentu: stdout"
ntpt_assert_eq "$(ntpt_clock_calls)" "" "allsilentu: clock calls"

# A name that does not resolve among good servers: said first, then the run
# goes on without it.
ntpt_assert_match "^Error resolving nonexistent\\.invalid: .+ \\(-?[0-9]+\\)\$" \
    "$(head -n 1 "$NTPT_TMP/unres.err")" "unresolvable: message"
ntpt_assert_match "$(pfx unres)Can't find host nonexistent\\.invalid: .+" \
    "$(sed -n 2p "$NTPT_TMP/unres.err")" "unresolvable: logged message"
ntpt_assert_match "$(pfx unres)server nonexistent\\.invalid: name did not resolve \\(.+\\)\$" \
    "$(cat "$NTPT_TMP/unres.err")" "unresolvable: -q reason line"
asked 127.0.0.16 unresolvable
asked 127.0.0.17 unresolvable
ntpt_assert_eq "$(grep -c '^server ' "$NTPT_TMP/unres.log")" 2 \
    "unresolvable: -q lines"
chosen=$(chosen_of unres)
ntpt_assert_match '^127\.0\.0\.1[67]$' "$chosen" "unresolvable: chosen server"
result unres adjust "$chosen" 0.25
rc_is unres 0

# Only names that do not resolve.
ntpt_assert_match "^Error resolving nonexistent\\.invalid: .+" \
    "$(sed -n 1p "$NTPT_TMP/allunres.err")" "all unresolvable: first"
ntpt_assert_match "$(pfx allunres)Can't find host nonexistent\\.invalid: .+" \
    "$(sed -n 2p "$NTPT_TMP/allunres.err")" "all unresolvable: first, logged"
ntpt_assert_match "^Error resolving also-nonexistent\\.invalid: .+" \
    "$(sed -n 3p "$NTPT_TMP/allunres.err")" "all unresolvable: second"
ntpt_assert_match "$(pfx allunres)no servers can be used, exiting\$" \
    "$(tail -n 1 "$NTPT_TMP/allunres.err")" "all unresolvable: last line"
ntpt_assert_eq "$(cat "$NTPT_TMP/allunres.log")" "" "all unresolvable: stdout"
rc_is allunres 1

# The same address twice is asked as one.
asked 127.0.0.18 twice
ntpt_assert_eq "$(grep -c '^server ' "$NTPT_TMP/twice.log")" 1 "twice: -q lines"
result twice adjust 127.0.0.18 0.25
rc_is twice 0

# Among agreeing servers: the lowest stratum wins...
result strata adjust 127.0.0.20 0.25
ntpt_assert_match -f '^server 127\.0\.0\.20, stratum 1, ' \
    "$NTPT_TMP/strata.log" "strata: stratum 1"
rc_is strata 0
# ... then the smallest root distance (0.015 s against 0.205 s), before
# the delay (8 ms against almost nothing).
result rootdist adjust 127.0.0.23 0.25
rc_is rootdist 0

# Names, from an /etc/hosts of our own, bind-mounted in this test's private
# mount namespace: every address of a name is asked, an address given twice
# (by a name and as a literal) as one; -6 keeps the IPv6 ones.
printf '%s\n' '127.0.0.24 multi.test' '127.0.0.25 multi.test' \
    '::1 multi.test' '127.0.0.24 alias.test' '127.0.0.26 one.test' \
    '127.0.0.27 two.test' >"$NTPT_TMP/hosts"
if ! mount --bind "$NTPT_TMP/hosts" /etc/hosts; then
	echo "note: cannot bind-mount /etc/hosts, name checks skipped" >&2
else
	nd names -q multi.test alias.test 127.0.0.25
	nd_wait
	for a in 127.0.0.24 127.0.0.25 ::1; do
		asked $a names
	done
	nd names6 -q -6 multi.test
	nd_wait
	ntpt_assert_eq "$(grep '^server ' "$NTPT_TMP/names.log" |
	    sed 's/,.*//' | sort | tr '\n' ' ')" \
	    "server 127.0.0.24 server 127.0.0.25 server ::1 " "names: servers"
	chosen=$(chosen_of names)
	result names adjust "$chosen" 0.25
	ntpt_assert_eq "$(cat "$NTPT_TMP/names.err")" "" "names: stderr"
	rc_is names 0
	ntpt_assert_eq "$(grep -c '^server ' "$NTPT_TMP/names6.log")" 1 \
	    "names -6: servers"
	result names6 adjust ::1 0.25
	rc_is names6 0

	# Two names resolved together, many times (-p 1: one request each,
	# quick even on a loaded machine): every run must end normally.  (200
	# under the sanitizer, whose runs are slower: 1000 would outlast the
	# test's time limit.)
	runs=1000
	[ "${NTPT_SANITIZE:-}" = 1 ] && runs=200
	bad=0 crashed=0
	for _ in $(seq 1 "$runs"); do
		timeout -k 2 20 "$ND" -q -p 1 one.test two.test \
		    >"$NTPT_TMP/loop.out" 2>"$NTPT_TMP/loop.stderr"
		rc=$?
		[ "$rc" -ge 128 ] && crashed=$((crashed + 1))
		if [ "$rc" != 0 ] ||
		    ! tail -n 1 "$NTPT_TMP/loop.out" | grep -q ' time server '; then
			bad=$((bad + 1))
			[ "$bad" -gt 1 ] ||
			    cp "$NTPT_TMP/loop.stderr" "$NTPT_TMP/loop1.err"
		fi
	done
	ntpt_assert_eq "$crashed/$bad" 0/0 \
	    "two names, $runs runs: killed by a signal / not ended normally"
fi

ntpt_pass
