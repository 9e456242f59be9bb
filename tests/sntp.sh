# tests/sntp.sh: helpers for the sntp integration tests, sourced after
# ntpt_enter_netns (tests/lib.sh).

SN=$NTPT_BUILD/sntp
[ -x "$SN" ] || ntpt_fail "$SN not built (make sntp)"

# sn NAME ARGS...: run sntp ARGS in the background, bounded in time: stdout
# in $NTPT_TMP/NAME.log, stderr in NAME.err, exit status in NAME.rc.  The
# KoD database is off unless ARGS give another -K (the last -K wins): a
# test must never touch /var/lib/sntp/kod.  sn_wait waits for them all.
SN_JOBS=()
sn() {
	local name=$1
	shift
	(
		timeout -k 2 50 "$SN" -K /dev/null "$@" \
		    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
		echo $? >"$NTPT_TMP/$name.rc"
	) &
	SN_JOBS+=("$!")
}
sn_wait() {
	local pid
	for pid in "${SN_JOBS[@]}"; do
		wait "$pid"
	done
	SN_JOBS=()
}
# sn_fg NAME ARGS...: the same in the foreground.
sn_fg() {
	sn "$@"
	sn_wait
}
# out NAME: the run's stdout after classic's version banner, which must be
# its first line (checked here for every run that reads its output); -j
# output has no banner.
out() {
	local first
	first=$(head -n 1 "$NTPT_TMP/$1.log")
	case $first in
	"sntp ntpc-"*) tail -n +2 "$NTPT_TMP/$1.log" ;;
	"{"*|"") cat "$NTPT_TMP/$1.log" ;;	# -j: no banner
	*) ntpt_fail "$1: first line is not the version banner: '$first'" ;;
	esac
}
err() { cat "$NTPT_TMP/$1.err"; }
rc_is() {
	ntpt_assert_eq "$(cat "$NTPT_TMP/$1.rc")" "$2" "$1: exit status"
}
# line NAME ADDR: the result line for server ADDR (address field $7 or $8).
line() {
	awk -v a="$2" '$7 == a || $8 == a' "$NTPT_TMP/$1.log"
}
# offset_of NAME ADDR, error_of NAME ADDR
offset_of() { line "$1" "$2" | awk '{ print $4 }'; }
error_of() { line "$1" "$2" | awk '{ print $6 }'; }
# snf NAME ARGS...: sn with every clock call faked (strace, as
# ntpt_fake_clock, its log in NAME.strace): for -S/-s runs, which sample
# as the policy says (without them sntp asks each server once).
snf() {
	local name=$1 calls=clock_settime,settimeofday,adjtimex,clock_adjtime
	shift
	calls+=',?stime,?clock_settime64,?clock_adjtime64'
	(
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		    strace -f -qq -e signal=none -e trace="$calls" \
		    -e inject="$calls":retval=0 -o "$NTPT_TMP/$name.strace" \
		    timeout -k 2 50 "$SN" -K /dev/null "$@" \
		    >"$NTPT_TMP/$name.log" 2>"$NTPT_TMP/$name.err"
		echo $? >"$NTPT_TMP/$name.rc"
	) &
	SN_JOBS+=("$!")
}
