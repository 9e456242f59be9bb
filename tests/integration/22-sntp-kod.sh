#!/usr/bin/env bash
# sntp's Kiss-o'-Death handling and database (-K): DENY and RSTR with a
# matching origin are recorded and the server is skipped on the next run
# (no request at all); a DENY with a wrong origin and a RATE are not
# recorded; expiry after a day, entries in the future and garbage lines
# dropped; -K /dev/null; a database that cannot be read gives one warning
# and leaves the exit status alone; one that cannot be written fails the run.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

# Belt and braces for -K /dev/null: in this private mount namespace, make
# /dev/null a mount point, so that nothing can be renamed over it.
mount --bind /dev/null /dev/null 2>/dev/null ||
    echo "note: cannot bind-mount /dev/null over itself" >&2
[ -c /dev/null ] || ntpt_fail "/dev/null is not a character device"

printed() {
	awk '/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-/ { printf "%s ", $7 }' "$NTPT_TMP/$1.log"
}
# entry FILE ADDR: the database line for ADDR.
entry() {
	awk -v a="$2" '$1 == a' "$1"
}
# no_temp FILE: no temporary file left beside FILE.
no_temp() {
	local f
	for f in "$1".*; do
		[ -e "$f" ] && ntpt_fail "temporary file left: $f"
	done
	return 0
}

K=$NTPT_TMP/kod
mkdir "$K" || ntpt_fail "mkdir $K"
[ ! -e /nonexistent-dir ] || ntpt_skip "/nonexistent-dir exists here"
ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,kod=DENY \
    127.0.0.3,kod=DENY,wrong_origin 127.0.0.4,kod=RATE 127.0.0.5,offset=0.25 \
    127.0.0.6,kod=RSTR 127.0.0.7,kod=DENY 127.0.0.8,offset=0.25 \
    127.0.0.9,kod=DENY 127.0.0.10,offset=0.25 \
    127.0.0.11,kod=DENY 127.0.0.12,offset=0.25 \
    127.0.0.13,offset=0.25 127.0.0.14,offset=0.25 127.0.0.15,offset=0.25 \
    127.0.0.16,offset=0.25 127.0.0.17,kod=DENY 127.0.0.18,offset=0.25 \
    127.0.0.19,offset=0.25 127.0.0.20,offset=0.25 ::1,kod=DENY

now=$(date +%s)

# A hand-written database: an entry 2 days old (expired), one an hour in the
# future (dropped), garbage lines, one 2 h 5 min, one 30 min and one a
# minute old, one 5 s in the future (within the 10 s allowed): all four
# honoured.  127.0.0.17 kisses again after its entry expired.  (Written
# after ntp-testd has started, just before the runs read it: the ages
# the runs print are counted from "now", the one in the future has to
# still be there, and starting ntp-testd on a loaded machine must not eat
# into the 5 s.)
cat >"$K/old" <<EOF
# written by the test
127.0.0.13 $((now - 2 * 86400)) DENY
127.0.0.14 $((now + 3600)) DENY
this is not an entry
127.0.0.19 $now TOOLONG
127.0.0.300 $now DENY
127.0.0.15 $((now - 7530)) DENY
127.0.0.16 $((now - 60)) RSTR
127.0.0.17 $((now - 3 * 86400)) DENY
127.0.0.18 $((now + 5)) DENY
127.0.0.20 $((now - 1810)) DENY
EOF

# --- First runs, in parallel, each with its own database.
sn deny -K "$K/deny" 127.0.0.1 127.0.0.2
sn wrongorg -t 1 -K "$K/wrongorg" 127.0.0.3
sn rate -K "$K/rate" 127.0.0.4 127.0.0.5
sn rstr -K "$K/rstr" 127.0.0.6
sn devnull -K /dev/null 127.0.0.7 127.0.0.8
sn nodir -K /nonexistent-dir/kod 127.0.0.9 127.0.0.10
mkdir "$K/adir"
sn isdir -K "$K/adir" 127.0.0.11 127.0.0.12
sn old -K "$K/old" 127.0.0.13 127.0.0.14 127.0.0.15 127.0.0.16 127.0.0.17 \
    127.0.0.18 127.0.0.19 127.0.0.20
sn v6 -K "$K/v6" ::1
sn_wait
t1=$(date +%s)

# DENY from a genuine reply: recorded (address, time of the kiss, code).
rc_is deny 0
ntpt_assert_eq "$(printed deny)" "127.0.0.1 " "deny: lines"
ntpt_assert_eq "$(err deny)" "sntp: server 127.0.0.2: KoD DENY (access denied)" \
    "deny: stderr"
ntpt_assert_eq "$(ntpt_requests 127.0.0.2)" 1 "deny: requests to the kisser"
e=$(entry "$K/deny" 127.0.0.2)
ntpt_assert_match '^127\.0\.0\.2 [0-9]+ DENY$' "$e" "deny: database entry"
ntpt_assert_near "$(awk '{ print $2 }' <<<"$e")" "$now" $((t1 - now + 2)) \
    "deny: time of the kiss"
ntpt_assert_eq "$(grep -cv '^#' "$K/deny")" 1 "deny: database lines"
no_temp "$K/deny"

# A DENY whose origin does not match is not believed: nothing recorded.
rc_is wrongorg 1
ntpt_assert_match '^sntp: server 127\.0\.0\.3: wrong origin' \
    "$(err wrongorg)" "wrongorg: reason"
ntpt_assert_no_match 'KoD' "$(err wrongorg)" "wrongorg: stderr"
[ ! -e "$K/wrongorg" ] || ntpt_fail "wrongorg: database written:" \
    "$(cat "$K/wrongorg")"
no_temp "$K/wrongorg"

# RATE: reported, not recorded.
rc_is rate 0
ntpt_assert_eq "$(printed rate)" "127.0.0.5 " "rate: lines"
ntpt_assert_match '^sntp: server 127\.0\.0\.4: KoD RATE' "$(err rate)" \
    "rate: reason"
[ ! -e "$K/rate" ] || ntpt_fail "rate: database written: $(cat "$K/rate")"
ntpt_assert_eq "$(ntpt_requests 127.0.0.4)" 1 "rate: requests"

# RSTR: recorded; alone, exit 1.
rc_is rstr 1
ntpt_assert_match '^sntp: server 127\.0\.0\.6: KoD RSTR' "$(err rstr)" \
    "rstr: reason"
ntpt_assert_match '^127\.0\.0\.6 [0-9]+ RSTR$' "$(entry "$K/rstr" 127.0.0.6)" \
    "rstr: database entry"
ntpt_assert_eq "$(ntpt_requests 127.0.0.6)" 1 "rstr: requests"

# -K /dev/null: no database, no warning, nothing written under /dev.
rc_is devnull 0
ntpt_assert_eq "$(err devnull)" \
    "sntp: server 127.0.0.7: KoD DENY (access denied)" "devnull: stderr"
[ -c /dev/null ] || ntpt_fail "devnull: /dev/null is no longer a device"
no_temp /dev/null

# A database that cannot be written: one message, and the run fails (a
# write error is never silent, issue 9), though the result is printed.
rc_is nodir 1
ntpt_assert_eq "$(printed nodir)" "127.0.0.10 " "nodir: lines"
ntpt_assert_eq "$(grep -c 'KoD database' "$NTPT_TMP/nodir.err")" 1 \
    "nodir: warnings"
ntpt_assert_match '^sntp: KoD database /nonexistent-dir/kod: cannot write' \
    "$(err nodir)" "nodir: warning"
[ ! -e /nonexistent-dir ] || ntpt_fail "nodir: /nonexistent-dir created"

# A database that cannot be read (a directory): one warning, not written.
rc_is isdir 0
ntpt_assert_eq "$(printed isdir)" "127.0.0.12 " "isdir: lines"
ntpt_assert_eq "$(grep -c 'KoD database' "$NTPT_TMP/isdir.err")" 1 \
    "isdir: warnings"
ntpt_assert_match "^sntp: KoD database ${K//./\\.}/adir: cannot read" \
    "$(err isdir)" "isdir: warning"
ntpt_assert_eq "$(ls -A "$K/adir")" "" "isdir: directory contents"
no_temp "$K/adir"

# Expiry: the 2-day-old and the future entries are not honoured (those
# servers are asked), the others are (not asked, a note each).
rc_is old 0
ntpt_assert_match '^127\.0\.0\.(13|14|19) $' "$(printed old)" \
    "old: lines (the selected one of those asked)"
ntpt_assert_match '^[1-4]$' "$(ntpt_requests 127.0.0.19)" \
    "old: requests to garbage"
ntpt_assert_match '^[1-4]$' "$(ntpt_requests 127.0.0.13)" \
    "old: requests to expired"
ntpt_assert_match '^[1-4]$' "$(ntpt_requests 127.0.0.14)" \
    "old: requests to future"
ntpt_assert_eq "$(ntpt_requests 127.0.0.15)" 0 "old: requests to 2 h old"
ntpt_assert_eq "$(ntpt_requests 127.0.0.16)" 0 "old: requests to 1 min old"
ntpt_assert_eq "$(ntpt_requests 127.0.0.18)" 0 "old: requests to +5 s"
ntpt_assert_eq "$(ntpt_requests 127.0.0.20)" 0 "old: requests to 30 min old"
ntpt_assert_eq "$(ntpt_requests 127.0.0.17)" 1 "old: requests to expired kisser"
ntpt_assert_match "^sntp: server 127\\.0\\.0\\.15: skipped: KoD DENY received 2 h 5 min ago \\(KoD database ${K//./\\.}/old\\)\$" \
    "$(err old)" "old: note for 127.0.0.15"
ntpt_assert_match "^sntp: server 127\\.0\\.0\\.16: skipped: KoD RSTR received 6[0-9] s ago \\(KoD database ${K//./\\.}/old\\)\$" \
    "$(err old)" "old: note for 127.0.0.16"
ntpt_assert_match "^sntp: server 127\\.0\\.0\\.20: skipped: KoD DENY received 30 min ago \\(KoD database ${K//./\\.}/old\\)\$" \
    "$(err old)" "old: note for 127.0.0.20"
ntpt_assert_match "^sntp: server 127\\.0\\.0\\.18: skipped: KoD DENY received 0 s ago " \
    "$(err old)" "old: note for 127.0.0.18"
ntpt_assert_match '^sntp: server 127\.0\.0\.17: KoD DENY' "$(err old)" \
    "old: reason for 127.0.0.17"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/old.err")" 5 "old: stderr lines"
# Rewritten for the new kiss: expired, future and garbage lines are gone.
e=$(entry "$K/old" 127.0.0.17)
ntpt_assert_match '^127\.0\.0\.17 [0-9]+ DENY$' "$e" "old: renewed entry"
ntpt_assert_near "$(awk '{ print $2 }' <<<"$e")" "$now" $((t1 - now + 2)) \
    "old: time of the renewed entry"
ntpt_assert_eq "$(entry "$K/old" 127.0.0.15)" "127.0.0.15 $((now - 7530)) DENY" \
    "old: kept entry"
ntpt_assert_eq "$(entry "$K/old" 127.0.0.16)" "127.0.0.16 $((now - 60)) RSTR" \
    "old: kept entry"
ntpt_assert_eq "$(entry "$K/old" 127.0.0.18)" "127.0.0.18 $((now + 5)) DENY" \
    "old: kept entry"
ntpt_assert_eq "$(entry "$K/old" 127.0.0.20)" "127.0.0.20 $((now - 1810)) DENY" \
    "old: kept entry"
ntpt_assert_no_match '^127\.0\.0\.(1[349]|300) |not an entry' -f "$K/old" \
    "old: dropped entries"
ntpt_assert_eq "$(grep -cv '^#' "$K/old")" 5 "old: entries"

# IPv6: recorded under the numeric address.
rc_is v6 1
ntpt_assert_match '^::1 [0-9]+ DENY$' "$(entry "$K/v6" ::1)" "v6: entry"
no_temp "$K/old"

# --- Second runs: the recorded servers are skipped, with no request.
cp "$K/deny" "$K/deny.saved"
sn deny2 -K "$K/deny" 127.0.0.1 127.0.0.2
sn deny3 -j -K "$K/deny" 127.0.0.2
sn rstr2 -K "$K/rstr" 127.0.0.6
sn v62 -K "$K/v6" ::1
sn_wait
rc_is deny2 0
ntpt_assert_eq "$(printed deny2)" "127.0.0.1 " "deny2: lines"
ntpt_assert_match "^sntp: server 127\\.0\\.0\\.2: skipped: KoD DENY received [0-9]+ s ago \\(KoD database ${K//./\\.}/deny\\)\$" \
    "$(err deny2)" "deny2: note"
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/deny2.err")" 1 "deny2: stderr lines"
ntpt_assert_eq "$(ntpt_requests 127.0.0.2)" 1 "deny2: requests to the kisser"
ntpt_assert_match '^[2-5]$' "$(ntpt_requests 127.0.0.1)" \
    "deny2: requests to the other"
ntpt_assert_eq "$(cat "$K/deny")" "$(cat "$K/deny.saved")" \
    "deny2: database unchanged"

# Alone and in JSON: exit 1, reason kod_database, 0 requests.
rc_is deny3 1
ntpt_assert_match '^sntp: server 127\.0\.0\.2: skipped: KoD DENY' \
    "$(err deny3)" "deny3: note"
ntpt_assert_match '"address":"127\.0\.0\.2".*"usable":false.*"reason":"kod_database","requests":0' \
    "$(out deny3 | head -n 1)" "deny3: JSON server"
ntpt_assert_match '^\{"result":false,' "$(out deny3 | tail -n 1)" \
    "deny3: JSON result"

rc_is rstr2 1
ntpt_assert_match '^sntp: server 127\.0\.0\.6: skipped: KoD RSTR received' \
    "$(err rstr2)" "rstr2: note"
ntpt_assert_eq "$(ntpt_requests 127.0.0.6)" 1 "rstr2: requests"

rc_is v62 1
ntpt_assert_match '^sntp: server ::1: skipped: KoD DENY received' \
    "$(err v62)" "v62: note"
ntpt_assert_eq "$(ntpt_requests ::1)" 1 "v62: requests"

ntpt_pass
