#!/bin/sh
# Guest script of the end-to-end run: every tests/e2e/*.sh but the demo,
# one after the other.  Each prints "E2E ok|not ok <check>" lines; a
# script that exits non-zero is a failed check of its own.
status=0
for t in /tests/e2e/*.sh; do
	name=$(basename "$t" .sh)
	case $name in demo | lib) continue ;; esac
	echo "== $name"
	sh "$t"
	rc=$?
	dmsetup remove_all >/dev/null 2>&1
	if [ $rc != 0 ]; then
		echo "E2E not ok $name-exit-status-$rc"
		status=1
	fi
done
exit $status
