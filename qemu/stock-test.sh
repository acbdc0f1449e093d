#!/usr/bin/env bash
# "make test-stock": dmio on Debian 12's own kernels, as a user runs it.
#
#   qemu/stock-test.sh            the stock kernels of DMIO_KERNELS' lines
#
# For each line (6.1: 6.1.0-56-amd64, 6.12: 6.12.117+deb12-amd64; see
# stock_release in qemu/lib.sh): fetch the stock image, headers and kbuild
# into the cache (qemu/stock.sh; nothing installed on the host), build dmio
# and the example mirror against those headers in out/stock/LINE (a
# warning fails the run), boot the stock kernel under QEMU with its own
# modules (virtio, configfs, dm-mod, dm-mirror, dm-flakey, brd, null_blk;
# loaded with insmod in modprobe's order), load dmio and dmio-mirror, and
# run the end-to-end mirror tests that need no debug kernel: fio verify,
# a leg failed with dm-flakey, bad tables, 4 KiB direct I/O, status and
# repair.  The console is judged as everywhere (allowed taint: O, E: an
# unsigned out-of-tree module).  Logs: out/logs/stock-LINE.{log,out}.
# Prints a FAILED line per failure naming the kernel, then "N passed, N
# failed"; exits non-zero on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The e2e scripts that run on a stock kernel: no dm-dust, no fault
# injection (mirror_read_failover needs dust, the demo fail_make_request).
STOCK_E2E="mirror_fio mirror_leg_fail mirror_bad_tables mirror_4k_direct"
STOCK_MODULES="virtio_pci virtio_blk configfs dm-mod dm-mirror dm-flakey brd null_blk"

"$DMIO_QEMU_DIR/deps.sh"
passed=0 failed=0
failures=()
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); failures+=("$1"); }

for line in $DMIO_KERNELS; do
	check_line "$line"
	read -r rel _ _ < <(stock_release "$line")
	tag="$rel"
	root=$("$DMIO_QEMU_DIR/stock.sh" "$line")
	kdir="$root/usr/src/linux-headers-$rel"
	copy="$DMIO_TOP/out/stock/$line"
	copy_tree "$copy"
	start=$(date +%s)
	log "$rel: building dmio and dmio-mirror against its headers"
	blog="$DMIO_TOP/out/logs/stock-$line-build.log"
	mkdir -p "$DMIO_TOP/out/logs"
	if ! make -C "$copy" KDIR="$kdir" STRESS= modules >"$blog" 2>&1; then
		tail -20 "$blog" >&2
		fail "$tag build (log: $blog)"
		continue
	fi
	if grep -q 'warning:' "$blog"; then
		grep 'warning:' "$blog" | head -5 >&2
		fail "$tag build warnings (log: $blog)"
	fi

	# The kernel's own modules, deduplicated, in modprobe's load order.
	mods=()
	while read -r _ path _; do
		case " ${mods[*]} " in *" $path "*) ;; *) mods+=("$path") ;; esac
	done < <(for m in $STOCK_MODULES; do
		modprobe -d "$root" -S "$rel" --show-depends "$m"; done | grep '^insmod ')

	work=$(mktemp -d)
	{
		echo '# Guest script of qemu/stock-test.sh (generated).'
		echo 'set -e'
		for m in "${mods[@]}"; do
			args=""
			case $(basename "$m") in brd.*) args="rd_nr=8 rd_size=16384" ;; esac
			echo "insmod /modules/$(basename "$m") $args"
		done
		echo 'mount -t configfs configfs /sys/kernel/config 2>/dev/null || true'
		echo 'i=0; while ! [ -b /dev/vdd ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done'
		echo 'insmod /modules/dmio.ko'
		echo 'insmod /modules/dmio-mirror.ko'
		echo 'set +e'
		echo 'status=0'
		echo "for name in $STOCK_E2E; do"
		echo '	echo "== $name"'
		echo '	sh /tests/e2e/$name.sh'
		echo '	rc=$?'
		echo '	dmsetup remove_all >/dev/null 2>&1'
		echo '	if [ $rc != 0 ]; then echo "E2E not ok $name-exit-status-$rc"; status=1; fi'
		echo 'done'
		echo 'rmmod dmio-mirror || { echo "E2E not ok rmmod-dmio-mirror"; status=1; }'
		echo 'rmmod dmio || { echo "E2E not ok rmmod-dmio"; status=1; }'
		echo 'exit $status'
	} >"$work/stock.sh"
	files="$copy/dmio.ko $copy/mirror/dmio-mirror.ko ${mods[*]}"
	log "$rel: booting it with its own modules, dmio and dmio-mirror"
	set +e
	"$DMIO_QEMU_DIR/run.sh" --bzimage "$root/boot/vmlinuz-$rel" --name "stock-$line" \
		--quiet --files "$files" --script "$work/stock.sh"
	vm=$?
	set -e
	rm -rf "$work"
	out="$DMIO_TOP/out/logs/stock-$line.out"
	n=0
	while read -r verdict name; do
		n=$((n + 1))
		if [ "$verdict" = ok ]; then pass; else fail "$tag $name"; fi
	done < <(tr -d '\r' <"$out" 2>/dev/null | sed -nE 's/^E2E (ok|not ok) (.*)$/\1 \2/p' | sed 's/^not ok/notok/')
	[ $n -gt 0 ] || fail "$tag: no results"
	[ $vm = 0 ] || fail "$tag VM (exit $vm; see out/logs/stock-$line.log)"
	log "$rel: $n checks, done in $(($(date +%s) - start)) s"
done

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
