#!/usr/bin/env bash
# Print the accelerator to use: "kvm" or "tcg".  DMIO_ACCEL forces one.
# Otherwise KVM is used only if a short probe boot with it has worked on
# this machine; the verdict is cached per machine and kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kdir=$1	# a kernel build tree, or a kernel image (a stock kernel)
image=$kdir/arch/x86/boot/bzImage
[ -f "$kdir" ] && image=$kdir

case ${DMIO_ACCEL:-} in kvm|tcg) echo "$DMIO_ACCEL"; exit 0 ;; esac
if ! [ -w /dev/kvm ]; then echo tcg; exit 0; fi

verdict="$DMIO_CACHE/accel-$(cat /etc/machine-id 2>/dev/null || hostname)-$(basename "$kdir")"
if [ -f "$verdict" ]; then cat "$verdict"; exit 0; fi

# The probe: boot to a shell-less init that only powers off.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin"
cp /bin/busybox "$work/root/bin/"
printf '#!/bin/busybox sh\n/bin/busybox echo DMIO-KVM-OK\n/bin/busybox poweroff -f\n' >"$work/root/init"
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet) >"$work/probe.cpio"
result=tcg
if timeout --kill-after=5 30 qemu-system-x86_64 -accel kvm -cpu host -m 512M \
	-nodefaults -display none -no-reboot -serial stdio \
	-kernel "$image" -initrd "$work/probe.cpio" \
	-append "console=ttyS0 panic=-1" </dev/null 2>/dev/null | grep -q DMIO-KVM-OK; then
	result=kvm
fi
echo "$result" >"$verdict"
echo "$result"
