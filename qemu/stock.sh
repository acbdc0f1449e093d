#!/usr/bin/env bash
# Fetch (or reuse) one of Debian 12's stock kernels - the image with its
# modules, the headers and kbuild - into $DMIO_CACHE and print the root it
# was extracted to.  Nothing is installed on the host: the packages are
# fetched with "apt-get download" and unpacked with "dpkg-deb -x".
#
#   qemu/stock.sh 6.1|6.12
#
# In the root: boot/vmlinuz-REL, lib/modules/REL/ (the kernel's own
# modules), usr/src/linux-headers-REL/ (a KDIR for "make KDIR=").
# stock_release in qemu/lib.sh says which release each line is.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=${1:-}
check_line "$line"
read -r rel ver kbuild < <(stock_release "$line")
root="$DMIO_CACHE/stock-$rel-$ver"
if [ -f "$root/.dmio-extracted" ] && ! [ -f "$root/lib/modules/$rel/modules.dep" ]; then
	depmod -b "$root" -F "$root/boot/System.map-$rel" "$rel"
fi
if [ -f "$root/.dmio-extracted" ] && [ -f "$root/lib/modules/$rel/modules.dep" ]; then
	echo "$root"
	exit 0
fi
"$DMIO_QEMU_DIR/deps.sh"
common=${rel%-amd64}-common
pkgs=(
	"linux-image-$rel-unsigned=$ver" "linux-headers-$rel=$ver"
	"linux-headers-$common=$ver" "$kbuild=$ver"
)
log "fetching Debian's stock $rel kernel (image, headers, kbuild; about 120 MB)"
rm -rf "$root"
mkdir -p "$root/debs"
(cd "$root/debs" && apt-get download -q "${pkgs[@]}" >"$root/download.log" 2>&1) || {
	tail -5 "$root/download.log" >&2
	die "apt-get download failed; log: $root/download.log"
}
for deb in "$root"/debs/*.deb; do
	log "  unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$root"
done
rm -rf "$root/debs"
# The -amd64 headers' Makefile includes the -common one by its absolute
# path on an installed system: point it into this root instead.
kdir="$root/usr/src/linux-headers-$rel"
sed -i "s|/usr/src/linux-headers-$common|$root/usr/src/linux-headers-$common|" "$kdir/Makefile"
[ -f "$root/boot/vmlinuz-$rel" ] && [ -d "$root/lib/modules/$rel/kernel" ] ||
	die "the stock $rel packages did not hold a kernel and its modules"
touch "$root/.dmio-extracted"
# modules.dep, which the package leaves to the installing system, so that
# "modprobe -d ROOT --show-depends" gives each module's load order.
depmod -b "$root" -F "$root/boot/System.map-$rel" "$rel"
log "stock $rel kernel ready: $root"
echo "$root"
