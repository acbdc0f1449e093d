#!/usr/bin/env bash
# Install, with apt-get, whatever the build, the test kernel and the VM need
# and this Debian 12 machine lacks. Quiet and quick when nothing is missing.
set -euo pipefail

pkgs=(
	build-essential g++ make bc flex bison libelf-dev libssl-dev dwarves
	cpio kmod xz-utils rsync linux-source-6.1 qemu-system-x86
	busybox-static fio dmsetup clang-format
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[dmio] installing: ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] && sudo= || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
