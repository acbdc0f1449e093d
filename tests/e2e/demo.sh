#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# The README's main demo: a 3-way dmio-mirror over the three virtio disks.
# fio writes and verifies data, one disk is then made to fail every I/O
# (the kernel's fail_make_request fault injection), fio writes and verifies
# again, and the surviving disks are compared byte for byte.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=65536	# 32 MiB
LEGS="/dev/vda /dev/vdb /dev/vdc"
FAULT=/sys/kernel/debug/fail_make_request

disk_fails() {
	echo "$2" >/sys/block/"$1"/make-it-fail
}
cleanup() {
	disk_fails vdc 0 2>/dev/null
	dm_remove demo
}
trap cleanup EXIT

echo
echo "=== dmio demo: a 3-way mirror whose I/O is done by dmio ==="
echo
# shellcheck disable=SC2086
check demo_create_mirror mirror_create demo "$SECTORS" $LEGS || e2e_finish
echo "dmsetup table demo:   $(dmsetup table demo)"
echo "dmsetup status demo:  $(dmsetup status demo)"
echo "  (per leg: <major:minor> <A=alive|D=dead> <error count>)"
echo

echo "--- fio: write 16 MiB at random offsets, read it back, check crc32c"
check demo_fio_verify_healthy run_fio demo1 /dev/mapper/demo randwrite 64k 16m 1
# shellcheck disable=SC2086
check demo_legs_identical_healthy legs_identical "$SECTORS" $LEGS
echo "dmsetup status demo (before the failure): $(dmsetup status demo)"
echo

echo "--- failing /dev/vdc: every request to it now returns an I/O error"
echo 100 >$FAULT/probability
echo 1 >$FAULT/interval
echo -1 >$FAULT/times
echo 0 >$FAULT/verbose
disk_fails vdc 1

echo "--- fio again on the degraded mirror: new data, read back, check crc32c"
check demo_fio_verify_degraded run_fio demo2 /dev/mapper/demo randwrite 64k 16m 2
echo "dmsetup status demo (after the failure):  $(dmsetup status demo)"
check demo_failed_leg_dead legs_in_state demo D 2
check demo_survivors_alive legs_in_state demo A 0 1
disk_fails vdc 0
check demo_survivors_identical legs_identical "$SECTORS" /dev/vda /dev/vdb
check demo_verify_message dmsetup message demo 0 verify 0 2048
echo

if [ "$E2E_FAILED" = 0 ]; then
	echo "Summary: fio wrote 16 MiB through the healthy mirror and read it"
	echo "back intact; the three disks were identical. Then /dev/vdc failed."
	echo "dmio reported the failed region in its error bits, the mirror took"
	echo "that leg out of service (status D above), and fio's second 16 MiB"
	echo "was written and verified on /dev/vda and /dev/vdb alone. cmp finds"
	echo "the two survivors byte-identical: no data was lost."
else
	echo "Summary: SOMETHING WENT WRONG - see the 'E2E not ok' lines above."
fi
echo
e2e_finish
