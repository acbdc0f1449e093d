#!/usr/bin/env bash
# Build (or reuse) a dmio test kernel and print its build directory.
#
#   qemu/kernel.sh [debug|bench] [6.1|6.12]
#
# debug: KASAN, kmemleak, lockdep, fault injection - for correctness tests.
# bench: the same drivers without the debug options - for measurements.
# The line defaults to 6.1.  Sources: Debian 12's linux-source-6.1 or
# linux-source-6.12.  The tree lives in $DMIO_CACHE (default
# ~/.cache/dmio), keyed by source version, flavour and a hash of the
# config fragments, so fresh clones reuse it.  Progress goes to stderr: a
# line a minute while the kernel builds, and the time it took.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:-debug}
line=${2:-$(default_line)}
case $flavour in debug|bench) ;; *) die "unknown flavour '$flavour'" ;; esac
check_line "$line"
[ -n "$(kernel_src_version "$line")" ] || "$DMIO_QEMU_DIR/deps.sh"
[ -n "$(kernel_src_version "$line")" ] || die "linux-source-$line is not installed"

dir=$(kernel_dir "$flavour" "$line")
# A built kernel is never touched again: no lock needed to use it.
if [ -f "$dir/.dmio-built" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$DMIO_CACHE"
exec 9>"$DMIO_CACHE/kernel.lock"
if ! flock -n 9; then
	log "waiting for another kernel build (lock $DMIO_CACHE/kernel.lock)"
	flock 9
fi
if [ -f "$dir/.dmio-built" ]; then
	echo "$dir"
	exit 0
fi

case $line-$flavour in
6.1-debug) est=13 ;; 6.1-bench) est=9 ;; 6.12-debug) est=20 ;; *) est=15 ;;
esac
log "building the $line $flavour test kernel (once; about $est minutes on 2 cores)"
log "  in $dir; full log: $dir/build.log"
start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
tar -xJf "/usr/src/linux-source-$line.tar.xz" --strip-components=1 -C "$dir"
frags=$(kernel_fragments "$flavour" "$line")
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
make -j"$(nproc)" >build.log 2>&1 &
pid=$!
# A line a minute: minutes so far and objects compiled (of about as many
# as the last build of this line and flavour needed, when known).
total=$(cat "$DMIO_CACHE/objects-$line-$flavour" 2>/dev/null || true)
while ! wait_for "$pid" 60; do
	n=$(grep -cE '^  CC ' build.log || true)
	if [ -n "$total" ]; then
		pct=$((n * 100 / total))
		[ $pct -gt 99 ] && pct=99
		log "  kernel $line $flavour: $(( ($(date +%s) - start) / 60 )) min, $n of ~$total objects ($pct%)"
	else
		log "  kernel $line $flavour: $(( ($(date +%s) - start) / 60 )) min, $n objects compiled"
	fi
done
if ! wait "$pid"; then
	tail -40 build.log >&2
	die "the $line $flavour kernel build failed; log: $dir/build.log"
fi
grep -cE '^  CC ' build.log >"$DMIO_CACHE/objects-$line-$flavour" || true
touch .dmio-built
secs=$(($(date +%s) - start))
log "test kernel $line $flavour built in $((secs / 60)) min $((secs % 60)) s: $dir"
echo "$dir"
