#!/usr/bin/env bash
# Where the instructions go: runs a guest script on the bench kernel under
# the same deterministic TCG icount method as qemu/bench.sh, with the TCG
# plugin qemu/profile/insns.c counting the instructions every translation
# block executes inside the windows the guest marks, and prints, for each
# window, the functions that executed the most instructions.
#
#   qemu/profile.sh [--kdir DIR] [--top N] --script GUEST [--ko "..."]
#                   [--files "..."]
#   qemu/profile.sh [--kdir DIR] [--top N] --bench WORKLOAD
#
# --bench builds dmio and bench/dmio_bench.c against the bench kernel (in
# the tree, as qemu/bench.sh does) and profiles one workload of it: window
# 1 is raw bios, 2 the kernel's dm_io(), 3 dmio.
#
# The guest opens and closes a window by running /modules/mark, or in a
# module by executing "xchg %bx,%bx" (dmio_bench mark=1 does, around each
# timed loop).  Module symbols are per window: the guest script must call
# profile_syms N while window N's modules are loaded (once per window;
# modules loaded later may reuse the addresses).  For example, the
# instructions of one bench workload, per path (windows 1-3: raw, dm_io(),
# dmio):
#
#   insmod /modules/dmio_bench.ko only=read_4k mark=1
#   for w in 1 2 3; do profile_syms $w; done
#
# Raw counts are kept in out/logs/profile.insns, the symbols in
# out/logs/profile.syms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir="" top=25 script="" ko="" files="" bench=""
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2; shift 2 ;;
	--bench) bench=$2; shift 2 ;;
	--top) top=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--files) files=$2; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
kdir=$(bench_kernel "$kdir")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$bench" ]; then
	bench_build "$kdir"
	script=$work/bench-guest.sh
	cat >"$script" <<GUEST
. /tests/bench/disks.sh
bench_disks_up
insmod /modules/dmio_bench.ko only=$bench mark=1
for w in 1 2 3; do profile_syms \$w; done
rmmod dmio_bench
GUEST
	ko="$DMIO_TOP/dmio.ko"
	files="$DMIO_TOP/bench/dmio_bench.ko"
fi
[ -f "$script" ] || die "--script: no such file '$script'"
gcc -O2 -Wall -shared -fPIC -o "$work/insns.so" "$DMIO_QEMU_DIR/profile/insns.c"
gcc -static -nostdlib -o "$work/mark" "$DMIO_QEMU_DIR/profile/mark.S"
# The guest script gets profile_syms N: the modules' functions for window N.
{
	echo "profile_syms() { grep '\\[' /proc/kallsyms | grep ' [tT] ' | sed \"s/^/KSYM \$1 /\"; }"
	cat "$script"
} >"$work/guest.sh"

logs="$DMIO_TOP/out/logs"
log "profiling (TCG, -icount shift=0,sleep=off, 1 CPU, nokaslr, slab_nomerge)"
DMIO_ACCEL=tcg DMIO_VM_SMP=1 \
	DMIO_QEMU_EXTRA="-icount shift=0,sleep=off -plugin $work/insns.so,out=$work/insns.out" \
	"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name profile --quiet --append "nokaslr slab_nomerge" \
	--ko "$ko" --files "$files $work/mark" --script "$work/guest.sh" ||
	die "the profile VM failed; see $logs/profile.log"
cp "$work/insns.out" "$logs/profile.insns"

# Symbols, addresses as 16 hex digits so that text order is address order:
# the kernel's from its vmlinux (nokaslr, the same in every window), the
# modules' from the guest, per window.  Module tags are dropped, so that a
# function of dm-mirror and of dm-mirror-dmio compares as one.
nm "$kdir/vmlinux" | awk '$2 ~ /^[tT]$/ { print $1, "S", 0, $3 }' >"$logs/profile.syms"
tr -d '\r' <"$logs/profile.out" | awk '/^KSYM / { print $3, "S", $2, $5 }' >>"$logs/profile.syms"
awk '{ print $2, "B", $1, $3, $4 }' "$logs/profile.insns" >"$work/blocks"
sort -k1,1 -k2,2r "$logs/profile.syms" "$work/blocks" |
	awk -v top="$top" '
	# A module symbol belongs to its window; vmlinux (window 0) to all.
	$2 == "S" { sym[$3] = $4; if ($3 == 0) for (i in sym) sym[i] = $4; next }
	{
		s = ($3 in sym) ? sym[$3] : sym[0]
		n = $4 * $5; per[$3, s] += n; total[$3] += n; if ($3 > w) w = $3; names[s] = 1
	}
	function show(title, key,   k, a, b, v, s) {
		print title
		k = 0
		for (s in names) if (key[s] != 0) rows[++k] = s
		for (a = 2; a <= k; a++) {
			v = rows[a]
			for (b = a - 1; b >= 1 && abs(key[rows[b]]) < abs(key[v]); b--) rows[b + 1] = rows[b]
			rows[b + 1] = v
		}
		for (a = 1; a <= k && a <= top; a++) {
			s = rows[a]
			printf "%12d", key[s]
			for (i = 1; i <= w; i++) printf " %12d", per[i, s]
			printf "  %s\n", s == "" ? "(user space)" : s
		}
		delete rows
	}
	function abs(x) { return x < 0 ? -x : x }
	END {
		for (i = 1; i <= w; i++) printf "window %d: %d instructions\n", i, total[i]
		for (j = 1; j <= w; j++) {
			for (s in names) key[s] = per[j, s]
			show(sprintf("\nwindow %d, largest first (then each window)", j), key)
		}
		for (j = 2; j <= w; j++) {
			for (s in names) key[s] = per[j, s] - per[1, s]
			show(sprintf("\nwindow %d minus window 1, largest difference first (then each window)", j), key)
		}
	}'
