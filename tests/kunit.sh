#!/bin/sh
# Guest script of the KUnit run: make the devices the suites expect, then
# load the test module (its suites run at load time and print KTAP).
#
#   /dev/ram0..63     brd, 16 MiB, 512-byte blocks (discard only on 6.12)
#   /dev/ram70        behind dmio_slow (dm-delay, 300 ms)
#   /dev/ram71        fails every bio (fail_make_request)
#   /dev/nbmem        null_blk, memory backed, discard
#   /dev/nb4k         null_blk, memory backed, 4096-byte blocks
#   /dev/nbbad        null_blk, memory backed, sectors 0-2047 bad
#   /dev/nbcache      null_blk, memory backed, volatile cache (flush counted)
#   /dev/vda, vdb     virtio: write-zeroes, volatile cache without FUA
#   /dev/vdd          virtio, 4096-byte logical blocks
#   /dev/mapper/dmio_err   dm-error
#   /dev/mapper/dmio_slow  dm-delay over ram70
set -e
nullb() {
	name=$1
	shift
	d=/sys/kernel/config/nullb/$name
	mkdir "$d"
	echo 16 >"$d/size"
	echo 1 >"$d/memory_backed"
	for kv in "$@"; do echo "${kv#*=}" >"$d/${kv%%=*}"; done
	echo 1 >"$d/power"
}
nullb nbmem size=64 discard=1
nullb nb4k blocksize=4096
nullb nbbad
# One range per 512 sectors: longer ranges are not all recorded in 6.1.
for s in 0 512 1024 1536; do
	echo "+$s-$((s + 511))" >/sys/kernel/config/nullb/nbbad/badblocks
done
nullb nbcache cache_size=4

dmsetup create dmio_err --table "0 32768 error"
dmsetup create dmio_slow --table "0 32768 delay /dev/ram70 0 300"

fi=/sys/kernel/debug/fail_make_request
echo 100 >$fi/probability
echo -1 >$fi/times
echo 0 >$fi/verbose
echo 1 >/sys/block/ram71/make-it-fail

# failslab fails only tasks that ask (task-filter), sleeping allocations too.
fs=/sys/kernel/debug/failslab
echo 100 >$fs/probability
echo -1 >$fs/times
echo 0 >$fs/verbose
echo Y >$fs/task-filter
echo N >$fs/ignore-gfp-wait
set +e

insmod /modules/dmio_kunit.ko
status=$?
rmmod dmio_kunit
exit $status
