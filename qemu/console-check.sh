#!/usr/bin/env bash
# Judge a finished VM run from its console log alone.
#
#   qemu/console-check.sh LOG
#
# Exit status: the guest script's, or 1 when the VM did not finish or the
# kernel reported a problem.  KUnit on 6.1 does not fail a case on WARN,
# lockdep or KASAN reports, so this scan is what catches them.
set -uo pipefail
log=$1

# Taint bits a test run may carry: O (out-of-tree module), E (unsigned
# module), N (KUnit ran).  Anything else, W above all, is a failure.
allowed_taint=$(((1 << 12) | (1 << 13) | (1 << 18)))

problems=$(grep -nE 'BUG:|WARNING:|Oops|Kernel panic|general protection fault|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|blocked for more than|DMIO-GUEST: kmemleak|unreferenced object|DMIO-GUEST: (insmod|rmmod) ' "$log" | head -20)
status=$(sed -n 's/^DMIO-GUEST: exit \([0-9]*\)$/\1/p' "$log" | tail -1)
taint=$(sed -n 's/^DMIO-GUEST: taint \([0-9]*\)$/\1/p' "$log" | tail -1)

fail=0
if [ -z "$status" ]; then
	echo "[dmio] the VM did not finish (timeout, hang or crash)" >&2
	fail=1
	status=1
fi
if [ -n "$problems" ]; then
	echo "[dmio] kernel problems on the console:" >&2
	echo "$problems" | sed 's/^/  /' >&2
	fail=1
fi
if [ -n "$taint" ] && [ $((taint & ~allowed_taint)) -ne 0 ]; then
	echo "[dmio] unexpected kernel taint $taint" >&2
	fail=1
fi
if [ $fail = 1 ] || [ "$status" != 0 ]; then
	echo "[dmio] full console log: $log" >&2
fi
[ $fail = 1 ] && [ "$status" = 0 ] && status=1
exit "$status"
