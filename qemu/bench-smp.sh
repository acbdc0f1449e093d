#!/usr/bin/env bash
# Wall-clock throughput of dmio against the kernel's own dm_io() with
# several CPUs submitting at once (bench/dmio_bench.c, wall_ms=): the
# bench kernel without icount, one submitting thread per CPU, each with
# its own queue depth of async writes to null_blk disks without memory
# (one per-CPU queue each), runs of --ms milliseconds alternating dm_io(),
# dmio, dm_io(), ..., dm_io().  Each dmio run is compared with the mean of
# the two dm_io() runs around it; printed are those ratios, dmio/dm_io()
# throughput, and their median.  Absolute rates mean little here (an
# emulated machine whose host runs other work), so none are printed.
#
#   qemu/bench-smp.sh [--kdir DIR] [--cpus N] [--ms MS] [--rounds N]
#                     [-- insmod parameters of dmio_bench]
#
# Defaults: 2 CPUs, 500 ms a run, 21 rounds, the workloads async_write_4k_qd32
# and async_write_4k_x8_qd8 ("-- only=NAME" runs another).  The VM uses KVM
# where qemu/accel.sh finds it works, else multi-threaded TCG: with TCG
# each guest CPU is a host thread, so give the host a core per guest CPU
# and nothing else to do.  dmio.ko is left built for the bench kernel:
# run "make" afterwards for the debug one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir="" cpus=2 ms=500 rounds=21
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--ms) ms=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
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
# dmio wall-clock benchmark, guest side: a submission queue per CPU.
set -e
. /tests/bench/disks.sh
bench_disks_up submit_queues=\$(nproc)
insmod /modules/dmio_bench.ko wall_ms=$ms rounds=$rounds $params
rmmod dmio_bench
dmesg | grep -o 'BENCH.*'
bench_disks_down
GUEST

log "running the wall-clock benchmark ($cpus CPUs, ${ms} ms a run, $rounds rounds)"
DMIO_VM_SMP=$cpus DMIO_QEMU_EXTRA="" \
	"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name bench-smp --quiet \
	--ko "$DMIO_TOP/dmio.ko" --files "$DMIO_TOP/bench/dmio_bench.ko" \
	--script "$work/bench.sh" ||
	die "the benchmark VM failed; see $DMIO_TOP/out/logs/bench-smp.log"

out="$DMIO_TOP/out/logs/bench-smp.out"
grep -q '^BENCHSMP .* median ' "$out" || die "no BENCHSMP results in $out"
grep '^BENCH-CONFIG' "$out" | sed 's/^BENCH-CONFIG /# /'
tr -d '\r' <"$out" | awk '
/^BENCHSMP / && / round=/ {
	split($5, kv, "="); r[$2] = r[$2] sprintf(" %.3f", kv[2] / 1000)
}
/^BENCHSMP / && / median / {
	for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "%-24s cpus=%s dmio/dm_io() median %.3f, quartiles %.3f-%.3f, range %.3f-%.3f\n", \
		$2, v["cpus"], v["dmio/kernel"] / 1000, v["q1"] / 1000, v["q3"] / 1000, \
		v["min"] / 1000, v["max"] / 1000
	printf "%-24s rounds:%s\n", "", r[$2]
}'
echo "(throughput of dmio over that of dm_io(), all CPUs; above 1: dmio faster)"
