#!/usr/bin/env bash
# "make dkms-check": dmio builds with DKMS from this tree's dkms.conf, for
# Debian's stock 6.1 and 6.12 kernels (the headers qemu/stock.sh extracts
# into the cache).  Installs dkms if missing (qemu/deps.sh); the DKMS
# trees are private (--dkmstree, --sourcetree, --installtree under a
# temporary directory): nothing lands in /usr/src, /var/lib/dkms or
# /lib/modules.  Exits non-zero unless dmio.ko is built for every kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$DMIO_QEMU_DIR/deps.sh" dkms
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$DMIO_TOP/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DMIO_TOP/dkms.conf")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="$work/src/$name-$ver"
mkdir -p "$src" "$work/dkms" "$work/installed"
# The sources DKMS gets: this tree without its build products.
copy_tree "$src"
dkms=(dkms --dkmstree "$work/dkms" --sourcetree "$work/src" --installtree "$work/installed")
"${dkms[@]}" add -m "$name" -v "$ver" >"$work/add.log" 2>&1 || { cat "$work/add.log" >&2; die "dkms add failed"; }
failed=0
for line in $DMIO_KERNELS; do
	read -r rel _ _ < <(stock_release "$line")
	root=$("$DMIO_QEMU_DIR/stock.sh" "$line")
	kdir="$root/usr/src/linux-headers-$rel"
	start=$(date +%s)
	if "${dkms[@]}" build -m "$name" -v "$ver" -k "$rel" --kernelsourcedir "$kdir" \
		>"$work/build.log" 2>&1 &&
		ko=$(find "$work/dkms/$name/$ver/$rel" -name "$name.ko*" | head -1) && [ -n "$ko" ]; then
		log "dkms build $name/$ver for $rel: ok in $(($(date +%s) - start)) s ($(modinfo -F vermagic "$ko"))"
	else
		sed 's/^/  /' "$work/build.log" >&2
		find "$work/dkms/$name/$ver" -name make.log -exec tail -20 {} \; >&2 2>/dev/null || true
		log "dkms build $name/$ver for $rel: FAILED"
		failed=$((failed + 1))
	fi
done
[ $failed = 0 ] && log "dkms-check passed"
[ $failed = 0 ]
