#!/bin/sh
# Run the Check unit test binaries given as arguments, add up the
# "Checks: N, Failures: F, Errors: E" lines they print, and end with one
# plain line "unit: N passed, M failed", after the failed checks' lines
# again (a log's tail then names them).  Exits nonzero when anything
# failed, including a binary that crashed or printed no summary.

passed=0
failed=0
bad=0
out=$(mktemp) || exit 2
fails=$(mktemp) || exit 2
trap 'rm -f "$out" "$fails"' EXIT
trap 'exit 130' INT TERM

for bin in "$@"; do
	echo "== $bin"
	"$bin" >"$out" 2>&1
	rc=$?
	cat "$out"
	grep -E ':[FE]:' "$out" >>"$fails"
	num='\([0-9][0-9]*\)'
	pat=".*Checks: $num, Failures: $num, Errors: $num.*"
	sum=$(sed -n "s/$pat/\1 \2 \3/p" "$out" | tail -n 1)
	if [ -z "$sum" ]; then
		echo "$bin: no Check summary (exit status $rc)" | tee -a "$fails"
		failed=$((failed + 1))
		bad=1
		continue
	fi
	n=$(echo "$sum" | cut -d' ' -f1)
	f=$(echo "$sum" | cut -d' ' -f2)
	e=$(echo "$sum" | cut -d' ' -f3)
	passed=$((passed + n - f - e))
	failed=$((failed + f + e))
	if [ "$rc" -ne 0 ]; then
		bad=1
		if [ $((f + e)) -eq 0 ]; then
			echo "$bin: exit status $rc with no failed checks" |
			    tee -a "$fails"
			failed=$((failed + 1))
		fi
	fi
done

if [ -s "$fails" ]; then
	echo "== failed:"
	cat "$fails"
fi
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]
