#!/usr/bin/env bash
# Boot the test kernel, load dmio and other modules, run a script in the
# guest, power off.  Exit status: the script's, or 1 if the console shows
# a kernel problem (BUG, WARNING, KASAN, lockdep, kmemleak, bad taint), or
# the VM did not finish.
#
#   qemu/run.sh --ko "dmio.ko x.ko" --script t.sh [--files "y.ko"]
#               [--kdir DIR] [--name NAME] [--quiet] [--timeout SECONDS]
#               [--bzimage FILE] [--append ARGS]
#
# --ko modules are loaded in order before the script; --files are only
# copied to /modules in the guest.  --bzimage boots that kernel image
# instead of the one in --kdir (qemu/stock-test.sh: a stock kernel);
# --append adds to the kernel command line.  The console log is kept in
# out/logs/NAME.log, the script's own output alone in out/logs/NAME.out.
# DMIO_ACCEL=kvm|tcg forces the accelerator.
# DMIO_VM_SMP sets the CPU count (default 2); DMIO_QEMU_EXTRA is appended to
# QEMU's arguments (qemu/bench.sh: "-icount shift=0,sleep=off", one CPU).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ko="" files="" script="" kdir="" name="vm" quiet=0 timeout=${DMIO_VM_TIMEOUT:-900}
bzimage="" append=""
while [ $# -gt 0 ]; do
	case $1 in
	--ko) ko=$2; shift 2 ;;
	--files) files=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--kdir) kdir=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--bzimage) bzimage=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$script" ] && [ -f "$script" ] || die "--script: no such file '$script'"
if [ -z "$bzimage" ]; then
	[ -n "$kdir" ] || kdir=$("$DMIO_QEMU_DIR/kernel.sh" debug)
	bzimage=$kdir/arch/x86/boot/bzImage
fi
"$DMIO_QEMU_DIR/deps.sh"

logdir="$DMIO_TOP/out/logs"
mkdir -p "$logdir"
log="$logdir/$name.log"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- initramfs: a cached base (busybox, dmsetup, fio) + this run's files ----
base=$("$DMIO_QEMU_DIR/initramfs.sh")
mkdir -p "$work/root/modules" "$work/root/etc"
: >"$work/root/etc/dmio-load"
for m in $ko; do
	cp "$m" "$work/root/modules/"
	basename "$m" >>"$work/root/etc/dmio-load"
done
for m in $files; do cp "$m" "$work/root/modules/"; done
cp "$script" "$work/root/test.sh"
# The project's tests/ travels along, so guest scripts can share helpers.
[ -d "$DMIO_TOP/tests" ] && cp -r "$DMIO_TOP/tests" "$work/root/tests"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/run.cpio.gz"
cat "$base" "$work/run.cpio.gz" >"$work/initrd.gz"

# ---- disks: fresh 64 MiB virtio disks; vda-vdc 512-byte blocks, vdd 4 KiB ----
# Explicit PCI slots keep the guest's names in this order.
drives=()
slot=4
for d in a b c d; do
	truncate -s 64M "$work/vd$d.img"
	blocks=""
	[ $d = d ] && blocks=",logical_block_size=4096,physical_block_size=4096"
	drives+=(-drive "file=$work/vd$d.img,format=raw,if=none,id=vd$d,cache=unsafe,discard=unmap"
		-device "virtio-blk-pci,drive=vd$d,addr=$slot$blocks")
	slot=$((slot + 1))
done

# ---- accelerator: KVM only where a probe boot has worked on this machine ----
accel=$("$DMIO_QEMU_DIR/accel.sh" "${kdir:-$bzimage}")
smp=${DMIO_VM_SMP:-2}
# One CPU needs no multi-threaded TCG, and -icount refuses it.
tcg_thread=multi
[ "$smp" = 1 ] && tcg_thread=single
case $accel in
kvm) accel_args=(-accel kvm -cpu host) ;;
*) accel_args=(-accel "tcg,thread=$tcg_thread" -cpu max,la57=off) ;;
esac
read -ra qemu_extra <<<"${DMIO_QEMU_EXTRA:-}"

# pci=noacpi: PCI interrupts routed by the PIIX router, not ACPI's _PRT,
# whose AML loop runs into ACPI's 30 s loop timeout once per virtio disk
# on the debug kernel under TCG: two minutes of every boot.  (virtio uses
# MSI-X either way.)
cmdline="console=ttyS0 printk.time=0 pci=noacpi panic=-1 brd.rd_nr=72 brd.rd_size=16384${append:+ $append}"
[ $quiet = 1 ] || log "booting $name ($accel); console log: $log"
set +e
timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${accel_args[@]}" \
	-m 2G -smp "$smp" -nodefaults -display none -no-reboot \
	-serial stdio -serial "file:$logdir/$name.out" -kernel "$bzimage" \
	-initrd "$work/initrd.gz" -append "$cmdline" "${drives[@]}" "${qemu_extra[@]}" \
	</dev/null | sed -u 's/\r$//' | if [ $quiet = 1 ]; then cat >"$log"; else tee "$log"; fi
set -e

exec "$DMIO_QEMU_DIR/console-check.sh" "$log"
