# Shared helpers for the qemu/ scripts. Sourced, not run.

DMIO_QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DMIO_TOP=$(dirname "$DMIO_QEMU_DIR")
DMIO_CACHE=${DMIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dmio}

# DMIO_LOG_TAG (e.g. "6.12") names the kernel a line is about.
log() { printf '[dmio%s] %s\n' "${DMIO_LOG_TAG:+ $DMIO_LOG_TAG}" "$*" >&2; }
die() { printf '[dmio%s] error: %s\n' "${DMIO_LOG_TAG:+ $DMIO_LOG_TAG}" "$*" >&2; exit 1; }

# The kernel lines the project tests on, oldest first.  DMIO_KERNELS
# picks some of them ("6.1" for a quick run); the first is the default
# of every command that takes one kernel (make, demo, stress, bench).
DMIO_ALL_KERNELS="6.1 6.12"
DMIO_KERNELS=${DMIO_KERNELS:-$DMIO_ALL_KERNELS}
default_line() { set -- $DMIO_ALL_KERNELS; echo "$1"; }

check_line() {
	case " $DMIO_ALL_KERNELS " in
	*" $1 "*) ;;
	*) die "unknown kernel line '$1' (known: $DMIO_ALL_KERNELS)" ;;
	esac
}

# The kernel source version of a line, from the installed Debian package
# (linux-source-6.1, linux-source-6.12).
kernel_src_version() {
	dpkg-query -W -f '${Version}' "linux-source-${1:-$(default_line)}" 2>/dev/null
}

# Bump when qemu/kernel.sh changes how a kernel is configured or built
# (what ends up in the binary), so every cached tree is rebuilt.
DMIO_KERNEL_RECIPE=1

# The config fragments of a test kernel, merged in this order over
# x86_64_defconfig: base.config, then debug.config for the debug flavour;
# each followed by its line's additions (debug-6.12.config), if any.
kernel_fragments() {
	local flavour=$1 line=${2:-$(default_line)} f
	for f in base $([ "$flavour" = debug ] && echo debug); do
		printf '%s ' "$DMIO_QEMU_DIR/config/$f.config"
		[ -f "$DMIO_QEMU_DIR/config/$f-$line.config" ] &&
			printf '%s ' "$DMIO_QEMU_DIR/config/$f-$line.config"
	done
	echo
}

# Cache key of a test kernel: the source version, the flavour, and a hash
# of what makes the binary - the config fragments and the recipe number.
kernel_key() {
	local flavour=$1 line=${2:-$(default_line)}
	# shellcheck disable=SC2046
	printf '%s-%s-%s' "$(kernel_src_version "$line")" "$flavour" \
		"$( (cat $(kernel_fragments "$flavour" "$line"); echo "recipe $DMIO_KERNEL_RECIPE") |
			sha256sum | cut -c1-12)"
}

# bench_kernel [KDIR]: the packages, then KDIR, or the bench kernel of the
# default line (built and cached on first use).
bench_kernel() {
	"$DMIO_QEMU_DIR/deps.sh"
	if [ -n "${1:-}" ]; then echo "$1"; else "$DMIO_QEMU_DIR/kernel.sh" bench; fi
}

# bench_build KDIR: dmio and bench/dmio_bench.ko against the bench kernel
# KDIR, in the tree (run "make" afterwards for the debug kernel).
bench_build() {
	log "building dmio and dmio_bench against $1"
	make -s -C "$DMIO_TOP" KDIR="$1" MIRROR= STRESS= modules >/dev/null
	make -s -C "$1" M="$DMIO_TOP/bench" \
		KBUILD_EXTRA_SYMBOLS="$DMIO_TOP/Module.symvers" modules >/dev/null
}

kernel_dir() {
	printf '%s/kernel-%s' "$DMIO_CACHE" "$(kernel_key "$1" "${2:-}")"
}

# The common start of the README's commands: install what is missing,
# get the debug test kernel (or the one given as "--kdir DIR", or the
# line given as "--kernel 6.12"), build dmio and what sits on it.  Sets
# $kdir.
build_for_vm() {
	local line=""
	kdir=""
	[ "${1:-}" = --kdir ] && kdir=$2
	[ "${1:-}" = --kernel ] && line=$2
	"$DMIO_QEMU_DIR/deps.sh"
	[ -n "$kdir" ] || kdir=$("$DMIO_QEMU_DIR/kernel.sh" debug $line)
	log "building dmio against $kdir"
	make -s -C "$DMIO_TOP" KDIR="$kdir" modules >/dev/null
}

# wait_for PID SECONDS: true once PID has exited, false if it still runs
# after SECONDS.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	! kill -0 "$1" 2>/dev/null
}

# Debian 12's stock kernel of a line: release, package version, kbuild
# package (qemu/stock.sh fetches them; make test-stock boots them).
stock_release() {
	case $1 in
	6.1) echo "6.1.0-56-amd64 6.1.192-2 linux-kbuild-6.1" ;;
	6.12) echo "6.12.117+deb12-amd64 6.12.117-1~deb12u1 linux-kbuild-6.12.117+deb12" ;;
	*) die "no stock kernel for line '$1'" ;;
	esac
}

# A copy of this tree's sources in DIR, for building against another
# kernel without touching this tree's build: what changed is copied, the
# copy's own build products stay (so a second run rebuilds little).
copy_tree() {
	mkdir -p "$1"
	rsync -a --delete --exclude=/out --exclude=/.git --exclude='*.o' \
		--exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.d' --exclude=modules.order \
		--exclude=Module.symvers "$DMIO_TOP/" "$1/"
}

# The sum of "N passed, N failed[, N skipped]" lines and the FAILED lines
# of runs that print them (qemu/test.sh's own format), each failure named
# by its run: merge_results TAG FILE appends to $passed/$failed/$skipped
# and $failures; a run that printed no summary is a failure of its own.
merge_results() {
	local tag=$1 file=$2 line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$file" | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		failures+=("$tag: the run ended without results (see above)")
	else
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
	fi
	while IFS= read -r line; do
		failures+=("$tag ${line#FAILED: }")
	done < <(grep '^FAILED: ' "$file")
}
