#!/bin/bash
# Run the side-by-side suite: each tests/compat/[0-9]*.sh runs classic
# 4.2.8p18 (from $NTP_ANCHORS, default ../shared/anchors) and ours in its
# own user and network namespace (tests/lib.sh).  Exit status 77: skipped
# (no classic binaries, or under the sanitizer pass: NTPT_SANITIZE=1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
export NTPT_BUILD=${NTPT_BUILD:-$(dirname "$(dirname "$here")")}
if [ -n "${NTPT_SANITIZE:-}" ]; then
	echo "SKIP: compat (side by side with classic): not under the" \
	    "sanitizer pass (NTPT_SANITIZE=1); the plain pass runs it"
	exit 0
fi
pass=0 fail=0 skip=0
for t in "$here"/[0-9]*.sh; do
	[ -n "${NTPT_ONLY:-}" ] && [[ "$t" != *"$NTPT_ONLY"* ]] && continue
	name=compat/$(basename "$t" .sh)
	out=$(timeout 300 bash "$t" 2>&1)
	rc=$?
	case $rc in
	0)	pass=$((pass + 1)); echo "PASS: $name" ;;
	77)	skip=$((skip + 1)); echo "SKIP: $name"
		printf '%s\n' "$out" | grep '^SKIP' | sed 's/^/    /' ;;
	*)	fail=$((fail + 1))
		echo "FAIL: $name (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/    /' | head -60 ;;
	esac
done
echo "compat: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
