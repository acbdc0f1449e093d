#!/bin/sh
# O_DIRECT from buffers aligned to 512 bytes, through dmio-mirror, onto
# legs with 4 KiB logical blocks.  Each 4 KiB block of such a write reaches
# the mirror as two bio_vec entries (3584 + 512 bytes, or the like), which
# the raw disk takes; the mirror hands them to dmio as they are, so dmio
# must carry blocks made of several entries (issue 8, defect 5).
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB

# Two legs with 4 KiB blocks: the halves of the virtio disk vdd (null_blk
# memory_backed mishandles entries smaller than its blocks, even raw).
dmsetup create leg4ka --table "0 65536 linear /dev/vdd 0" || exit 1
dmsetup create leg4kb --table "0 65536 linear /dev/vdd 65536" || exit 1
legs="/dev/mapper/leg4ka /dev/mapper/leg4kb"
# shellcheck disable=SC2086
check create_mirror4k mirror_create m4k "$SECTORS" $legs || e2e_finish

for job in "write 4k" "randwrite 4k" "randwrite 64k" "write 1m"; do
	# shellcheck disable=SC2086
	set -- $job
	check "fio_iomem_align_512_${1}_$2" run_fio "m4k_$1_$2" /dev/mapper/m4k \
		"$1" "$2" 4m $$ --iomem_align=512
done
# shellcheck disable=SC2086
check legs_identical_m4k legs_identical_at 0 8192 $legs
check all_legs_alive_m4k legs_in_state m4k A 0 1
check remove_m4k dmsetup remove m4k
dmsetup remove leg4ka leg4kb
e2e_finish
