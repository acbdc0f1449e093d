#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# The kernel's own dm-mirror (dm-raid1.c, dm-log.c, dm-region-hash.c and
# kcopyd), compiled from the test kernel's unmodified sources on dmio
# (kernel-targets/), against the same kernel's stock modules: the same
# script on each, and the two must agree.
#
# On each: a mirror with a disk log over legs filled differently resyncs
# (kcopyd copies leg 0 over leg 1) until in sync and the legs compare
# equal; fio verifies mixed block sizes with fsyncs; re-created with the
# same log it is in sync at once; a leg swapped for dm-error under fio
# leaves the data verifying and the status showing the failed leg; a
# final seeded write hashes the same on both.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB legs
REGION=1024	# 512 KiB regions: 32 of them
LOG=/dev/ram42
L0=/dev/ram40
L1=/dev/ram41

STOCK="dm-log dm-region-hash dm-mirror"
ON_DMIO="dm-kcopyd-dmio dm-log-dmio dm-region-hash-dmio dm-mirror-dmio"

# The mirror over leg 0 and the swappable leg 1 (a dm-linear device).
mirror_up() {
	dmsetup create kleg1 --table "0 $SECTORS linear $L1 0" &&
	dmsetup create kmir --table "0 $SECTORS mirror disk 2 $LOG $REGION 2 $L0 0 /dev/mapper/kleg1 0"
}
mirror_down() { dm_remove kmir kleg1; }


fill_legs() {
	dd if=/dev/urandom of=$L0 bs=1M count=16 status=none &&
	dd if=/dev/zero of=$L1 bs=1M count=16 status=none &&
	dd if=/dev/zero of=$LOG bs=1M count=1 status=none
}

resync_copies_leg0() {
	kmirror_wait_in_sync kmir && mirror_down && flush_dev $L0 $L1 &&
	legs_identical "$SECTORS" $L0 $L1
}

fio_mixed() {
	run_fio "kmir-$1" /dev/mapper/kmir randwrite 4k 8m 11 \
		--bsrange=4k-64k --fsync=8
}

swap_leg1_mid_run() { fio_while_failing "kmir-fail-$1" /dev/mapper/kmir 8m 2m kleg1; }

# Discard through the mirror reaches both legs: null_blk disks with
# discard, memory backed, so a discarded range reads back as zeroes.
nullb_disk() {
	_d=/sys/kernel/config/nullb/$1
	mkdir "$_d" && echo 16 >"$_d/size" && echo 1 >"$_d/memory_backed" &&
	echo 1 >"$_d/discard" && echo 1 >"$_d/power"
}
nullb_gone() {
	for _n; do
		echo 0 >"/sys/kernel/config/nullb/$_n/power" 2>/dev/null
		rmdir "/sys/kernel/config/nullb/$_n" 2>/dev/null
	done
	return 0
}
discard_reaches_both_legs() {
	{ [ -d /sys/kernel/config/nullb/kdisc0 ] || { nullb_disk kdisc0 && nullb_disk kdisc1; }; } &&
	dmsetup create kdm --table "0 $SECTORS mirror core 2 $REGION nosync 2 /dev/kdisc0 0 /dev/kdisc1 0" &&
	dd if=/tmp/ab.data of=/dev/mapper/kdm bs=64k count=16 oflag=direct status=none &&
	blkdiscard -o 0 -l $((1 << 20)) /dev/mapper/kdm || { dm_remove kdm; return 1; }
	dm_remove kdm
	for _l in /dev/kdisc0 /dev/kdisc1; do
		dd if=$_l bs=64k count=16 iflag=direct status=none | cmp -s - /tmp/zero.1m ||
			{ say "$_l holds data after the discard"; return 1; }
	done
}
head -c $((1 << 20)) /dev/zero >/tmp/zero.1m

# "... 2 <dev> <dev> <sync> 1 <health> ..." : leg 1's health letter.
leg1_health() { dmsetup status kmir | awk '{ print substr($9, 2, 1) }'; }

# The same 4 MiB written through each implementation, read back, hashed.
head -c $((4 << 20)) /dev/urandom >/tmp/ab.data
ab_hash() {
	dd if=/tmp/ab.data of=/dev/mapper/kmir bs=64k oflag=direct status=none &&
	dd if=/dev/mapper/kmir bs=1M count=4 iflag=direct status=none | md5sum |
		cut -d' ' -f1
}

# The status without what differs between two runs by design: the legs'
# device numbers (leg 1 is made anew) and the sync ratio after a failure.
status_shape() {
	dmsetup status kmir | awk '{ print $3, $4, $8, $9, $10, $11, $12, $13 }'
}

# run_set TAG MODULES...: every check on one implementation.
run_set() {
	_tag=$1
	shift
	_calls=$(dmio_modern_calls)
	check "${_tag}_load" modules_load "$@" || return 1
	fill_legs && check "${_tag}_create" mirror_up || return 1
	check "${_tag}_resync_makes_legs_equal" resync_copies_leg0
	check "${_tag}_recreate_same_log" mirror_up
	check "${_tag}_recreated_in_sync_at_once" kmirror_in_sync kmir
	check "${_tag}_fio_verifies_mixed_sizes_with_fsync" fio_mixed "$_tag"
	check "${_tag}_discard_reaches_both_legs" discard_reaches_both_legs
	if [ "$_tag" = dmio ]; then
		check dmio_holds_the_targets sh -c \
			'ls /sys/module/dmio/holders | grep -qx dm_kcopyd_dmio && ls /sys/module/dmio/holders | grep -qx dm_mirror_dmio'
	fi
	eval "HASH_$_tag=\$(ab_hash)"
	check "${_tag}_fio_verifies_through_leg_failure" swap_leg1_mid_run "$_tag"
	say "$_tag status after the failure: $(dmsetup status kmir)"
	check "${_tag}_failed_leg_shown" test "$(leg1_health)" = D
	eval "STATUS_$_tag=\"\$(status_shape)\""
	mirror_down
	unload_set "$_tag" "$_calls" "" "$@"
}

# shellcheck disable=SC2086 # lists of module names
run_set stock $STOCK
# shellcheck disable=SC2086
run_set dmio $ON_DMIO
nullb_gone kdisc0 kdisc1
# shellcheck disable=SC2154 # set by eval in run_set
{
	say "hashes: stock $HASH_stock, dmio $HASH_dmio"
	check ab_same_data test -n "$HASH_dmio" -a "$HASH_dmio" = "$HASH_stock"
	say "status: stock '$STATUS_stock', dmio '$STATUS_dmio'"
	check ab_same_status test "$STATUS_dmio" = "$STATUS_stock"
}
e2e_finish
