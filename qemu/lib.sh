# Shared helpers for the qemu/ scripts. Sourced, not run.

DMIO_QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DMIO_TOP=$(dirname "$DMIO_QEMU_DIR")
DMIO_CACHE=${DMIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dmio}

log() { printf '[dmio] %s\n' "$*" >&2; }
die() { printf '[dmio] error: %s\n' "$*" >&2; exit 1; }

# The kernel source version, from the installed Debian package.
kernel_src_version() {
	dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null
}

# Cache key of a flavour's kernel: the source version plus a hash of every
# input that changes the binary (config fragments and the build script).
kernel_key() {
	local flavour=$1 files
	files="$DMIO_QEMU_DIR/config/base.config $DMIO_QEMU_DIR/kernel.sh"
	[ "$flavour" = debug ] && files="$files $DMIO_QEMU_DIR/config/debug.config"
	# shellcheck disable=SC2086
	printf '%s-%s-%s' "$(kernel_src_version)" "$flavour" \
		"$(cat $files | sha256sum | cut -c1-12)"
}

kernel_dir() {
	printf '%s/kernel-%s' "$DMIO_CACHE" "$(kernel_key "$1")"
}

# The common start of the README's commands: install what is missing,
# get the debug test kernel (or the one given as "--kdir DIR"), build
# dmio and what sits on it.  Sets $kdir.
build_for_vm() {
	kdir=""
	[ "${1:-}" = --kdir ] && kdir=$2
	"$DMIO_QEMU_DIR/deps.sh"
	[ -n "$kdir" ] || kdir=$("$DMIO_QEMU_DIR/kernel.sh" debug)
	log "building dmio against $kdir"
	make -s -C "$DMIO_TOP" KDIR="$kdir" modules >/dev/null
}
