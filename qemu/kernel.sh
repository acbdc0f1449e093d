#!/usr/bin/env bash
# Build (or reuse) the dmio test kernel and print its build directory.
#
#   qemu/kernel.sh [debug|bench]
#
# debug: KASAN, kmemleak, lockdep, fault injection - for correctness tests.
# bench: the same drivers without the debug options - for measurements.
# The tree lives in $DMIO_CACHE (default ~/.cache/dmio), keyed by source
# version and a hash of the config fragments, so fresh clones reuse it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:-debug}
case $flavour in debug|bench) ;; *) die "unknown flavour '$flavour'" ;; esac
[ -n "$(kernel_src_version)" ] || "$DMIO_QEMU_DIR/deps.sh"

dir=$(kernel_dir "$flavour")
mkdir -p "$DMIO_CACHE"
exec 9>"$DMIO_CACHE/kernel.lock"
flock 9
if [ -f "$dir/.dmio-built" ]; then
	echo "$dir"
	exit 0
fi

log "building the $flavour test kernel in $dir (about 10 minutes on 2 cores)"
rm -rf "$dir"
mkdir -p "$dir"
tar -xJf /usr/src/linux-source-6.1.tar.xz --strip-components=1 -C "$dir"
frags="$DMIO_QEMU_DIR/config/base.config"
[ "$flavour" = debug ] && frags="$frags $DMIO_QEMU_DIR/config/debug.config"
(
	cd "$dir"
	make -s x86_64_defconfig
	# shellcheck disable=SC2086
	scripts/kconfig/merge_config.sh -m .config $frags >/dev/null
	make -s olddefconfig
	# A fragment line that Kconfig silently dropped would make every test
	# after it meaningless: insist that each one survived.
	# shellcheck disable=SC2086
	grep -h '^CONFIG_' $frags | while read -r want; do
		grep -qxF "$want" .config || die "config lost '$want'"
	done
	make -j"$(nproc)" >build.log 2>&1 || { tail -40 build.log >&2; exit 1; }
)
touch "$dir/.dmio-built"
log "test kernel ready: $dir"
echo "$dir"
