#!/usr/bin/env bash
# The benchmark: the CPU cost of dmio against the kernel's own dm_io() and
# against plain bios, for the same I/O in one VM run (bench/dmio_bench.c).
#
#   qemu/bench.sh [--kdir DIR] [--no-targets] [-- insmod parameters of dmio_bench]
#
# Then qemu/bench-targets.sh: the kernel's own dm-mirror on dm-io and on
# dmio (not with --no-targets).  Parameters select a part, e.g.
# "-- only=async_write_4k_qd32 paths=dmio iters=20000" for a profile.
#
# It runs on the bench test kernel (no KASAN, lockdep or kmemleak) under
# QEMU TCG with "-icount shift=0,sleep=off" and one CPU, where the guest
# clock counts executed instructions: the numbers are instructions per
# call and repeat from run to run (within 0.2%).  The devices are eight
# null_blk disks with memory_backed=0.  The kernel boots with
# slab_nomerge: otherwise the 16-entry bio vector tables (biovec-16) of
# the raw and dm_io() paths share a slab with filp, maple_node and eight
# other caches, whose state differs from boot to boot, and their
# async_write_64k_x3_qd4 rows moved by up to 1.4% between runs (2 runs in
# 6; with slab_nomerge 8 in 8 agree to 0.15%).  Prints a table; the
# console log is out/logs/bench.log.  dmio.ko is left built for the bench
# kernel: run "make" afterwards for the debug one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir="" targets=1
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2; shift 2 ;;
	--no-targets) targets=0; shift ;;
	--) shift; break ;;
	*) die "unknown argument '$1'" ;;
	esac
done
params="$*"

kdir=$(bench_kernel "$kdir")
bench_build "$kdir"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/bench.sh" <<GUEST
# dmio benchmark, guest side.
set -e
. /tests/bench/disks.sh
bench_disks_up
insmod /modules/dmio_bench.ko $params
rmmod dmio_bench
dmesg | grep -o 'BENCH.*'
bench_disks_down
GUEST

log "running the benchmark (TCG, -icount shift=0,sleep=off, 1 CPU)"
DMIO_ACCEL=tcg DMIO_VM_SMP=1 DMIO_QEMU_EXTRA="-icount shift=0,sleep=off" \
	"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name bench --quiet \
	--ko "$DMIO_TOP/dmio.ko" --files "$DMIO_TOP/bench/dmio_bench.ko" \
	--script "$work/bench.sh" --append slab_nomerge ||
	die "the benchmark VM failed; see $DMIO_TOP/out/logs/bench.log"

out="$DMIO_TOP/out/logs/bench.out"
grep -q '^BENCH ' "$out" || die "no BENCH lines in $out"
grep '^BENCH-CONFIG' "$out" | sed 's/^BENCH-CONFIG /# /'
awk 'BEGIN {
	printf "%-24s %10s %10s %10s %12s %11s %9s\n", "workload", "raw", \
		"dm_io()", "dmio", "dmio/dm_io", "dm_io/raw", "dmio/raw"
}
/^BENCH / {
	for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "%-24s %10d %10d %10d %12.3f %11.3f %9.3f\n", $2, \
		v["raw_ns"], v["kernel_dm_io_ns"], v["dmio_ns"], \
		v["dmio/kernel"] / 1000, v["kernel/raw"] / 1000, v["dmio/raw"] / 1000
}' "$out"
echo "(instructions per call; ratios of the totals)"

# The kernel's own dm-mirror on dm-io and on dmio, where the bench kernel
# has its sources (another VM run, the same method).
if [ $targets = 1 ] && [ -f "$kdir/drivers/md/dm-raid1.c" ]; then
	echo
	"$DMIO_QEMU_DIR/bench-targets.sh" --kdir "$kdir"
fi
