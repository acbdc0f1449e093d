#!/usr/bin/env bash
# Build (or reuse) the base initramfs: busybox, dmsetup and fio with their
# shared libraries, and /init.  Prints its path.  Cached in $DMIO_CACHE,
# keyed by the tools' package versions and /init.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$DMIO_QEMU_DIR/deps.sh"

tools="/bin/busybox $(command -v dmsetup) $(command -v fio)"
key=$( (dpkg-query -W busybox-static dmsetup fio; cat "$DMIO_QEMU_DIR/init" "$0") |
	sha256sum | cut -c1-12)
out="$DMIO_CACHE/initramfs-$key.cpio.gz"
if [ -f "$out" ]; then echo "$out"; exit 0; fi

mkdir -p "$DMIO_CACHE"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,modules,lib64}
for t in $tools; do
	cp "$t" "$root/bin/"
	# Each shared library at the path the loader will look for it.
	{ ldd "$t" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
cp "$DMIO_QEMU_DIR/init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
# Older bases (other tool versions, another /init) are of no further use.
find "$DMIO_CACHE" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "$(basename "$out")" -delete
mv "$out.tmp.$$" "$out"
echo "$out"
