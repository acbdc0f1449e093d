#!/usr/bin/env bash
# Install, with apt-get, whatever the build, the test kernels and the VM
# need and this Debian 12 machine lacks. Quiet and quick when nothing is
# missing; otherwise a line per step, apt's own output in a log it names.
#
#   qemu/deps.sh [EXTRA-PACKAGE...]     (make dkms-check: dkms)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(
	build-essential g++ make bc flex bison libelf-dev libssl-dev dwarves
	cpio kmod xz-utils rsync linux-source-6.1 linux-source-6.12
	qemu-system-x86 busybox-static fio dmsetup clang-format "$@"
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

mkdir -p "$DMIO_CACHE"
aptlog="$DMIO_CACHE/apt.log"
[ "$(id -u)" -eq 0 ] && sudo= || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
# One installer at a time (two commands may start at once).
exec 8>"$DMIO_CACHE/apt.lock"
flock 8
start=$(date +%s)
log "installing ${#missing[@]} missing packages: ${missing[*]}"
log "  apt's output: $aptlog"
log "  [1/3] apt-get update"
$sudo apt-get update >>"$aptlog" 2>&1 || { tail -5 "$aptlog" >&2; die "apt-get update failed; log: $aptlog"; }
log "  [2/3] downloading (apt-get --download-only)"
$sudo apt-get install -y --no-install-recommends --download-only "${missing[@]}" >>"$aptlog" 2>&1 ||
	{ tail -5 "$aptlog" >&2; die "download failed; log: $aptlog"; }
log "  [3/3] unpacking and configuring"
$sudo apt-get install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 ||
	{ tail -5 "$aptlog" >&2; die "apt-get install failed; log: $aptlog"; }
log "packages installed in $(($(date +%s) - start)) s"
