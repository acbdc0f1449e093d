#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# The kernel's targets stacked on dmio, each a client of its own: a
# snapshot-origin (dm-snapshot, over dm-bufio and kcopyd) over a mirror
# (dm-mirror, with its own kcopyd client), all built from the test
# kernel's sources on dmio (kernel-targets/).  fio writes through the
# origin while failslab fails a tenth of the allocations from the bio and
# vector-table caches: every block must verify, the snapshot must keep
# the data from before, the mirror's legs must stay equal.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB
L0=/dev/ram46
L1=/dev/ram47
COW=/dev/ram48
FS=/sys/kernel/debug/failslab
ON_DMIO="dm-kcopyd-dmio dm-log-dmio dm-region-hash-dmio dm-mirror-dmio dm-bufio-dmio dm-snapshot-dmio"

md5_of() { dd if="$1" bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1; }

stack_up() {
	head -c $((16 << 20)) /dev/urandom >/tmp/stack.data &&
	dd if=/tmp/stack.data of=$L0 bs=1M oflag=direct status=none &&
	dd if=/dev/zero of=$COW bs=1M count=1 oflag=direct status=none &&
	dmsetup create smir --table "0 $SECTORS mirror core 1 1024 2 $L0 0 $L1 0" || return 1
	kmirror_wait_in_sync smir || return 1
	# The origin learns the chunk size when it resumes, after the snapshot.
	dmsetup create sorig --table "0 $SECTORS snapshot-origin /dev/mapper/smir" &&
	dmsetup create ssnap --table "0 $SECTORS snapshot /dev/mapper/smir $COW P 16" &&
	dmsetup suspend sorig && dmsetup resume sorig
}

# The bio and vector-table caches (dm core's, dmio's, the block layer's)
# fail one allocation in ten, sleeping ones too, for every task: the I/O
# path must get by on its mempools.  Only those caches (the VM boots with
# slub_debug=A,bio-*,biovec-*: a cache's failslab flag is fixed at boot):
# fio's own allocations failing would test fio, and dm-snapshot
# invalidates itself by design when its exception cache fails.
bio_caches_marked() {
	[ "$(cat /sys/kernel/slab/biovec-max/failslab 2>/dev/null)" = 1 ] || {
		say "the bio caches are not marked for failslab (boot with slub_debug=A,bio-*,biovec-*)"
		return 1
	}
}

fio_with_failslab() {
	bio_caches_marked &&
	echo Y >$FS/cache-filter && echo N >$FS/task-filter &&
	echo 1000000 >$FS/times && echo 0 >$FS/verbose &&
	echo N >$FS/ignore-gfp-wait && echo 10 >$FS/probability || return 1
	fio --name=stacked --filename=/dev/mapper/sorig --direct=1 \
		--ioengine=libaio --iodepth=8 --rw=randwrite --bsrange=4k-64k \
		--size=8m --verify=crc32c --verify_fatal=1 --randseed=5 \
		--eta=never --output=/tmp/fio.stacked.log
	_rc=$?
	echo 0 >$FS/probability
	INJECTED=$((1000000 - $(cat $FS/times)))
	say "failslab failed $INJECTED allocations"
	echo N >$FS/cache-filter
	[ $_rc = 0 ] || sed 's/^/#   /' /tmp/fio.stacked.log
	return $_rc
}

# shellcheck disable=SC2086 # a list of module names
check stacked_load modules_load $ON_DMIO || e2e_finish
if check stacked_create stack_up; then
	original=$(md5sum </tmp/stack.data | cut -d' ' -f1)
	calls=$(dmio_modern_calls)
	check stacked_fio_verifies_with_slab_failing fio_with_failslab
	check stacked_slab_failures_injected test "${INJECTED:-0}" -gt 0
	check stacked_snapshot_keeps_original test "$(md5_of /dev/mapper/ssnap)" = "$original"
	check stacked_calls_went_through_dmio test "$(dmio_modern_calls)" -gt "$calls"
	dm_remove ssnap sorig smir
	check stacked_mirror_legs_equal legs_identical "$SECTORS" $L0 $L1
fi
dm_remove ssnap sorig smir
# shellcheck disable=SC2086 # a list of module names
check stacked_unload modules_unload $ON_DMIO
e2e_finish
