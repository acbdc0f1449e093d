#!/usr/bin/env bash
# The kernel's own dm-mirror on the kernel's dm-io and on dmio: the same
# fio jobs through a 2-leg mirror (core log, nosync) over null_blk disks
# without backing memory, with the stock modules of the bench kernel and
# then with those built from its sources on dmio (kernel-targets/).  Same
# VM, same method as qemu/bench.sh (TCG, -icount shift=0,sleep=off, one
# CPU): fio's mean write latency, in guest nanoseconds, is instructions
# per I/O of the whole stack, fio's own share included in both columns.
# slab_nomerge, as in qemu/bench.sh: shared slab caches moved a row by 2%.
#
#   qemu/bench-targets.sh [--kdir DIR]      (qemu/bench.sh runs it last)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=""
[ "${1:-}" = --kdir ] && kdir=$2
kdir=$(bench_kernel "$kdir")
[ -f "$kdir/drivers/md/dm-raid1.c" ] || die "$kdir has no drivers/md sources"
log "building dmio and the kernel's targets on it against $kdir"
make -s -C "$DMIO_TOP" KDIR="$kdir" MIRROR= STRESS= modules >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/bench.sh" <<'GUEST'
# Guest side: two null_blk legs without memory, one mirror, each module set.
set -e
export DM_DISABLE_UDEV=1
for i in 0 1; do
	d=/sys/kernel/config/nullb/dmiomir$i
	mkdir $d
	echo 64 >$d/size
	echo 0 >$d/memory_backed
	echo 1 >$d/power
done
jobs="randwrite:4k write:64k"
run_set() {
	tag=$1
	shift
	for m; do insmod /modules/$m.ko; done
	dmsetup create bm --table "0 131072 mirror core 2 1024 nosync 2 /dev/dmiomir0 0 /dev/dmiomir1 0"
	for j in $jobs; do
		rw=${j%:*} bs=${j#*:}
		# The first run warms the caches the second one measures.
		for pass in warm measure; do
			fio --name=bm --filename=/dev/mapper/bm --direct=1 \
				--ioengine=psync --rw=$rw --bs=$bs --size=64m \
				--number_ios=2000 --randseed=1 --eta=never \
				--output-format=terse --terse-version=3 >/tmp/fio.out
		done
		# terse v3: field 81 is the mean write latency in microseconds.
		awk -F';' -v t=$tag -v w="${rw}_$bs" '{ printf "BENCHMIR %s %s ns=%.0f\n", w, t, $81 * 1000 }' /tmp/fio.out
	done
	dmsetup remove bm
	for m; do r="$m $r"; done
	for m in $r; do rmmod $(echo $m | tr - _); done
	r=""
}
run_set dm_io dm-log dm-region-hash dm-mirror
run_set dmio dm-kcopyd-dmio dm-log-dmio dm-region-hash-dmio dm-mirror-dmio
GUEST

files=$(ls "$DMIO_TOP"/kernel-targets/dm-{kcopyd,log,region-hash,mirror}-dmio.ko \
	"$kdir"/drivers/md/dm-{log,region-hash,mirror}.ko | tr '\n' ' ')
log "running the kernel's dm-mirror on dm-io and on dmio (TCG, -icount shift=0,sleep=off, 1 CPU)"
DMIO_ACCEL=tcg DMIO_VM_SMP=1 DMIO_QEMU_EXTRA="-icount shift=0,sleep=off" \
	"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name bench-targets --quiet \
	--ko "$DMIO_TOP/dmio.ko" --files "$files" --script "$work/bench.sh" \
	--append slab_nomerge ||
	die "the benchmark VM failed; see $DMIO_TOP/out/logs/bench-targets.log"

out="$DMIO_TOP/out/logs/bench-targets.out"
grep -q '^BENCHMIR ' "$out" || die "no BENCHMIR lines in $out"
tr -d '\r' <"$out" | awk '
/^BENCHMIR / { split($4, kv, "="); v[$2, $3] = kv[2]; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
END {
	printf "%-16s %12s %12s %12s\n", "dm-mirror, fio", "dm-io", "dmio", "dmio/dm-io"
	for (i = 1; i <= n; i++) {
		w = order[i]
		printf "%-16s %12d %12d %12.3f\n", w, v[w, "dm_io"], v[w, "dmio"], v[w, "dmio"] / v[w, "dm_io"]
	}
	print "(instructions per I/O of the whole stack, fio included)"
}'
