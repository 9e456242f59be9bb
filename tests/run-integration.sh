#!/bin/bash
# Run every integration test script; each runs in its own user and network
# namespace (tests/lib.sh).  Exit status 77 means skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NTPT_BUILD=${NTPT_BUILD:-$(dirname "$here")}
pass=0 fail=0 skip=0 failed=""
for t in "$here"/integration/*.sh; do
	[ -n "${NTPT_ONLY:-}" ] && [[ "$t" != *"$NTPT_ONLY"* ]] && continue
	name=$(basename "$t" .sh)
	out=$(timeout 300 bash "$t" 2>&1)
	rc=$?
	case $rc in
	0)	pass=$((pass + 1)); echo "PASS: $name" ;;
	77)	skip=$((skip + 1)); echo "SKIP: $name" ;;
	*)	fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL: $name (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/    /' | tail -40 ;;
	esac
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
