#!/bin/sh
# Guest side of the reliability harness (qemu/stress.sh, and the short
# form in qemu/test.sh).  dmio.ko, dmio_stress.ko and dmio-mirror.ko are in
# /modules but not loaded: this script loads dmio itself, runs the stress,
# starvation and fuzz modes of dmio_stress (each a load of the module that
# prints one result line), unloads dmio and runs the load/unload loop.
# Each part prints one "E2E ok|not ok <part>" line and its time.
#
# Set by the wrapper qemu/stress.sh writes: STRESS_SECONDS, STRESS_SEED,
# STRESS_THREADS_PER_CPU, STARVATION_THREADS, STARVATION_CALLS,
# FUZZ_CASES, FUZZ_FIRST, LIFECYCLE_ROUNDS.
#
# Devices:
#   /dev/ram0..7      brd 16 MiB: stress
#   /dev/nbplain      null_blk, memory backed: stress
#   /dev/nb4k         null_blk, memory backed, 4 KiB blocks: stress (whole pages)
#   /dev/nbvb         null_blk, memory backed, virt_boundary: stress
#   /dev/vda..vdd     virtio 64 MiB (vdd: 4 KiB blocks): stress
#   /dev/mapper/slow0..3   dm-delay 20 ms over 4 brd each (ram8..23): starvation
#   /dev/mapper/smir0..1   dmio-mirror over slow0+1, slow2+3: stacked starvation
#   /dev/ram30..32    lifecycle
e2e_lib=/tests/e2e/lib.sh
# shellcheck source=../e2e/lib.sh
. "$e2e_lib"

: "${STRESS_SECONDS:=60}" "${STRESS_SEED:=0}" "${STRESS_THREADS_PER_CPU:=2}"
: "${STARVATION_THREADS:=32}" "${STARVATION_CALLS:=4}" "${STARVATION_BOUND:=300}"
: "${FUZZ_CASES:=2000}" "${FUZZ_FIRST:=0}" "${LIFECYCLE_ROUNDS:=50}"

M=/modules
FMR=/sys/kernel/debug/fail_make_request
FS=/sys/kernel/debug/failslab

nullb() {
	_n=$1
	shift
	_d=/sys/kernel/config/nullb/$_n
	mkdir "$_d" || return 1
	echo 1 >"$_d/memory_backed"
	for _kv in "$@"; do echo "${_kv#*=}" >"$_d/${_kv%%=*}" || return 1; done
	echo 1 >"$_d/power"
}

setup() {
	# No discard on null_blk: a discarded page is allocated again by the
	# next write, inside a stress thread, where failslab fails it.
	nullb nbplain size=32 &&
	nullb nb4k size=32 blocksize=4096 &&
	nullb nbvb size=32 virt_boundary=1 || return 1
	for _i in 0 1 2 3; do
		_t=""
		for _j in 0 1 2 3; do
			_t="$_t$((_j * 32768)) 32768 delay /dev/ram$((8 + _i * 4 + _j)) 0 20
"
		done
		printf '%s' "$_t" | dmsetup create "slow$_i" || return 1
	done
	# fail_make_request: devices fail while their make-it-fail is set
	# (the stress module toggles it); no stack dump per failure.
	echo 100 >$FMR/probability && echo -1 >$FMR/times &&
	echo 0 >$FMR/verbose || return 1
	# failslab: only tasks that ask (the module's threads), sleeping
	# allocations too.
	echo 0 >$FS/probability && echo -1 >$FS/times && echo 0 >$FS/verbose &&
	echo Y >$FS/task-filter && echo N >$FS/ignore-gfp-wait
}

STRESS_DEVS=/dev/ram0,/dev/ram1,/dev/ram2,/dev/ram3,/dev/ram4,/dev/ram5,/dev/ram6,/dev/ram7,/dev/nbplain,/dev/nb4k:whole,/dev/nbvb,/dev/vda,/dev/vdb,/dev/vdc,/dev/vdd
SLOW_DEVS=/dev/mapper/slow0,/dev/mapper/slow1,/dev/mapper/slow2,/dev/mapper/slow3

sunreclaim_kb() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }

# KASAN keeps freed slab objects in a quarantine that only blocking slab
# allocations trim.  The harness's calls allocate through mempools, which
# never block on their first try, so with nothing else running the
# quarantine grows until atomic allocations fail (seen: 1.1 GB after 12,000
# fuzz cases, then virtio could not queue requests).  Any user space trims
# it; this loop is that user space, and a memory log.
memory_monitor() {
	while sleep 10; do
		say "memory: unreclaimable slab $(sunreclaim_kb) kB, free $(awk '/^MemFree:/ { print $2 }' /proc/meminfo) kB"
	done
}

# run_mode PART TAG PARAMS...: load dmio_stress with PARAMS; the part
# passes iff the load succeeds and the module's "TAG: ..." line ends "ok".
run_mode() {
	_part=$1 _tag=$2
	shift 2
	dmesg -c >/dev/null
	_t0=$(date +%s)
	insmod $M/dmio_stress.ko "$@"
	_rc=$?
	_t1=$(date +%s)
	[ $_rc = 0 ] && rmmod dmio_stress
	_line=$(dmesg | grep -o "$_tag: [a-z_]*=.*" | tail -1)
	echo "$_line"
	_slab=$(sunreclaim_kb)
	say "$_part took $((_t1 - _t0)) s; then unreclaimable slab $_slab kB; largest caches (bytes in use): $(awk 'NR > 2 { print $2 * $4, $1 }' /proc/slabinfo | sort -rn | head -3 | tr '\n' ' ')"
	# Slab a part keeps after its module is gone is a leak (kmemleak
	# only sees memory nothing points to).
	if [ "$_slab" -gt $((SLAB_BASE + SLAB_SLACK)) ]; then
		say "$_part: unreclaimable slab grew by $((_slab - SLAB_BASE)) kB (allowed $SLAB_SLACK)"
		_rc=leak
	fi
	case "$_line" in
	*" ok") [ "$_rc" = 0 ] && e2e_ok "$_part" && return 0 ;;
	esac
	say "$_part: insmod exit $_rc; the module's messages:"
	dmesg | grep "$_tag" | tail -40 | sed 's/^/#   /'
	e2e_not_ok "$_part"
	return 1
}

GUEST_T0=$(date +%s)
check setup setup || e2e_finish
memory_monitor &
MONITOR=$!
# Unreclaimable slab may end a part at most this much above where it
# starts (kB): KASAN's quarantine (1/32 of RAM) and slab kept for reuse.
SLAB_BASE=$(sunreclaim_kb) SLAB_SLACK=131072
if ! insmod $M/dmio.ko; then
	e2e_not_ok load-dmio
	e2e_finish
fi

echo 10 >$FS/probability
run_mode stress dmio-stress mode=stress devices=$STRESS_DEVS \
	seconds="$STRESS_SECONDS" threads_per_cpu="$STRESS_THREADS_PER_CPU" \
	seed="$STRESS_SEED"
echo 100 >$FS/probability
run_mode starvation dmio-starvation mode=starvation devices=$SLOW_DEVS \
	threads="$STARVATION_THREADS" calls="$STARVATION_CALLS" \
	bound="$STARVATION_BOUND" seed="$STRESS_SEED"
# Stacked consumers: the same calls through dmio-mirror (a second client
# of dmio, whose map function calls dmio inside the stress threads' bio
# submissions, with their slab failing too) onto the slow devices.
if insmod $M/dmio-mirror.ko &&
	dmsetup create smir0 --table "0 131072 dmio-mirror 2 /dev/mapper/slow0 /dev/mapper/slow1" &&
	dmsetup create smir1 --table "0 131072 dmio-mirror 2 /dev/mapper/slow2 /dev/mapper/slow3"; then
	run_mode starvation_stacked dmio-starvation mode=starvation \
		devices=/dev/mapper/smir0,/dev/mapper/smir1 \
		threads="$STARVATION_THREADS" calls="$STARVATION_CALLS" \
		bound="$STARVATION_BOUND" seed="$STRESS_SEED"
else
	e2e_not_ok starvation_stacked
fi
dm_remove smir0 smir1
rmmod dmio_mirror 2>/dev/null
echo 0 >$FS/probability
run_mode fuzz dmio-fuzz mode=fuzz devices=$STRESS_DEVS cases="$FUZZ_CASES" \
	first_case="$FUZZ_FIRST" seed="$STRESS_SEED"

kill $MONITOR
dm_remove slow0 slow1 slow2 slow3
check unload-dmio rmmod dmio

_t0=$(date +%s)
LIFECYCLE_ROUNDS=$LIFECYCLE_ROUNDS sh /tests/stress/lifecycle.sh
_rc=$?
say "lifecycle took $(($(date +%s) - _t0)) s"
[ $_rc = 0 ] || E2E_FAILED=1
say "guest script took $(($(date +%s) - GUEST_T0)) s"
e2e_finish
