#!/usr/bin/env bash
# Files sntp is pointed at, output that cannot be written, and what reaches
# the terminal (issue 9):
# - sntp -K: a symlink, a file of random bytes, a 1 GB (sparse) file and a
#   text file are left alone though a server sends DENY; a warning each.
# - sntp -l: a symlink is not followed, a FIFO without a reader not waited
#   on; the run says so and fails.
# - a full disk: the log and the KoD database not written, said, exit 1.
# - ntpdate -q and sntp -j with stdout on /dev/full or closed: a message
#   and exit 1, not a silent 0.
# - host names with escape sequences, CR and 8-bit bytes are printed
#   escaped by ntpdate ("Error resolving") and sntp.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,kod=DENY

F=$NTPT_TMP/files
mkdir "$F" || ntpt_fail "mkdir $F"
echo precious >"$F/target"
ln -s "$F/target" "$F/kodlink"
head -c 4096 /dev/urandom >"$F/random"
cp "$F/random" "$F/random.orig"
truncate -s 1G "$F/huge"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$F/text"
ln -s "$F/target" "$F/loglink"
mkfifo "$F/fifo"

# --- -K: every one left alone, the good server still used.
for k in kodlink random huge text; do
	sn "kod$k" -K "$F/$k" 127.0.0.1 127.0.0.2
done
sn_wait
for k in kodlink random huge text; do
	rc_is "kod$k" 0
	ntpt_assert_match "^sntp: KoD database ${F//./\\.}/$k: cannot read: .*left alone" \
	    "$(err "kod$k")" "-K $k: warning"
	ntpt_assert_eq "$(grep -c 'KoD database' "$NTPT_TMP/kod$k.err")" 1 \
	    "-K $k: warnings"
	ntpt_assert_match ' 127\.0\.0\.1 ' "$(out "kod$k")" "-K $k: result"
done
ntpt_assert_match 'a symbolic link' "$(err kodkodlink)" "-K link: why"
ntpt_assert_match 'not a KoD database' "$(err kodrandom)" "-K random: why"
ntpt_assert_match 'larger than any KoD database' "$(err kodhuge)" \
    "-K huge: why"
ntpt_assert_eq "$(cat "$F/target")" precious "-K link: target untouched"
[ -L "$F/kodlink" ] || ntpt_fail "-K link: the link was replaced"
cmp -s "$F/random" "$F/random.orig" || ntpt_fail "-K random: file changed"
ntpt_assert_eq "$(stat -c %s "$F/huge")" 1073741824 "-K huge: size"
ntpt_assert_eq "$(cat "$F/text")" 'root:x:0:0:root:/root:/bin/sh' \
    "-K text: file changed"

# --- -l: a symlink and a FIFO are refused at once; the run fails.
sn loglink -l "$F/loglink" 127.0.0.1
sn logfifo -l "$F/fifo" 127.0.0.1
sn_wait
rc_is loglink 1
ntpt_assert_match "^sntp: log file ${F//./\\.}/loglink: cannot open: is a symbolic link; not followed\$" \
    "$(err loglink)" "-l link: message"
ntpt_assert_eq "$(cat "$F/target")" precious "-l link: target untouched"
rc_is logfifo 1
ntpt_assert_match "^sntp: log file ${F//./\\.}/fifo: cannot open: not a regular file\$" \
    "$(err logfifo)" "-l fifo: message"
ntpt_assert_match ' 127\.0\.0\.1 ' "$(out logfifo)" "-l fifo: result"

# --- A full disk (a 64 KiB tmpfs in this mount namespace, filled up): the
# log and the KoD database cannot be written; said, and the run fails.
if mkdir "$F/full" && mount -t tmpfs -o size=64k tmpfs "$F/full" 2>/dev/null
then
	ntpt_atexit "umount '$F/full'"
	dd if=/dev/zero of="$F/full/filler" bs=4k 2>/dev/null
	sn logfull -l "$F/full/log" 127.0.0.1
	sn kodfull -K "$F/full/kod" 127.0.0.1 127.0.0.2
	sn_wait
	rc_is logfull 1
	ntpt_assert_match "^sntp: log file ${F//./\\.}/full/log: cannot write: (No space left on device|a write failed)\$" \
	    "$(err logfull)" "-l full disk: message"
	rc_is kodfull 1
	ntpt_assert_match "^sntp: KoD database ${F//./\\.}/full/kod: cannot write: No space left on device" \
	    "$(err kodfull)" "-K full disk: message"
	ntpt_assert_match ' 127\.0\.0\.1 ' "$(out kodfull)" "-K full disk: result"
else
	echo "note: cannot mount a tmpfs here; full-disk case not run" >&2
fi

# --- stdout on /dev/full, or closed.
ndx qfull bash -c "exec '$ND' -q 127.0.0.1 >/dev/full"
ndx qclosed bash -c "exec '$ND' -q 127.0.0.1 >&-"
nd_wait
for n in qfull qclosed; do
	rc_is "$n" 1
done
ntpt_assert_match 'ntpdate\[[0-9]+\]: cannot write to standard output: (No space left on device|a write failed)$' \
    "$(cat "$NTPT_TMP/qfull.err")" "ntpdate >/dev/full: message"
ntpt_assert_match 'ntpdate\[[0-9]+\]: cannot write to standard output: it is closed$' \
    "$(cat "$NTPT_TMP/qclosed.err")" "ntpdate >&-: message"
for m in "jfull:>/dev/full:a write failed" \
    "jclosed:>&-:it is closed"; do
	IFS=: read -r n redir why <<<"$m"
	( timeout -k 2 50 bash -c "exec '$SN' -K /dev/null -j 127.0.0.1 $redir" \
	    2>"$NTPT_TMP/$n.err"; echo $? >"$NTPT_TMP/$n.rc" )
	rc_is "$n" 1
	ntpt_assert_eq "$(cat "$NTPT_TMP/$n.err")" \
	    "sntp: cannot write to standard output: $why" "sntp -j $redir: message"
done

# --- Names with escape sequences, CR and 8-bit bytes.
bad=$'evil\e[2J\r\xc3\xa9.invalid'
nd esc -q "$bad" 127.0.0.1
sn escs -t 1 "$bad"
nd_wait
sn_wait
ntpt_assert_match 'Error resolving evil\\x1b\[2J\\x0d\\xc3\\xa9\.invalid: ' \
    "$(cat "$NTPT_TMP/esc.err")" "ntpdate: escaped name"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$NTPT_TMP/esc.err" \
    "$NTPT_TMP/escs.err" "$NTPT_TMP/escs.log"; then
	ntpt_fail "a control or 8-bit byte reached the output"
fi
ntpt_assert_match 'evil\\x1b\[2J\\x0d\\xc3\\xa9\.invalid' \
    "$(err escs)" "sntp: escaped name"

ntpt_pass
