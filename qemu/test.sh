#!/usr/bin/env bash
# The whole test suite, on every kernel dmio supports.
#
#   qemu/test.sh                  everything below; the README's command
#   qemu/test.sh --kernel 6.12    one test kernel, built in this tree
#   qemu/test.sh --kdir DIR       one kernel build tree, built in this tree
#
# On each test kernel of DMIO_KERNELS (default "6.1 6.12"; "6.1" for a
# quick run), the debug flavour (KASAN, kmemleak, lockdep): KUnit suites
# in one VM, end-to-end tests in another, the reliability harness (a
# minute of stress, starvation, fuzz, load/unload loop) in a third.  Each
# line builds in its own copy of the tree, out/kernels/LINE; its logs are
# out/logs/LINE/{kunit,e2e,stress}.log.  Then Debian's stock kernels of
# the same lines (qemu/stock-test.sh, "make test-stock"; DMIO_STOCK=0
# leaves them out).  Ends with one "N passed, N failed" line counting
# every kernel, after a FAILED line per failure naming its kernel
# ("FAILED: 6.12 dmio_ops.x"); exits non-zero on any failure, kernel
# warning or missing result.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# = 0 ]; then
	all_start=$(date +%s)
	passed=0 failed=0 skipped=0
	failures=()
	"$DMIO_QEMU_DIR/deps.sh"
	mkdir -p "$DMIO_TOP/out/logs"
	for line in $DMIO_KERNELS; do
		check_line "$line"
		copy="$DMIO_TOP/out/kernels/$line"
		copy_tree "$copy"
		ln -sfn "../kernels/$line/out/logs" "$DMIO_TOP/out/logs/$line"
		log "== $line test kernel: KUnit, end to end, reliability (logs: out/logs/$line/)"
		start=$(date +%s)
		DMIO_LOG_TAG=$line bash "$copy/qemu/test.sh" --kernel "$line" >"$copy/out.summary" || true
		merge_results "$line" "$copy/out.summary"
		log "== $line: $(grep -E '^[0-9]+ passed' "$copy/out.summary" || echo 'no results') in $(($(date +%s) - start)) s"
	done
	if [ "${DMIO_STOCK:-1}" != 0 ]; then
		start=$(date +%s)
		log "== Debian's stock kernels: the example mirror end to end (logs: out/logs/stock-*)"
		"$DMIO_QEMU_DIR/stock-test.sh" >"$DMIO_TOP/out/stock.summary" || true
		merge_results stock "$DMIO_TOP/out/stock.summary"
		log "== stock kernels: $(grep -E '^[0-9]+ passed' "$DMIO_TOP/out/stock.summary" || echo 'no results') in $(($(date +%s) - start)) s"
	fi
	for f in "${failures[@]}"; do echo "FAILED: $f"; done
	summary="$passed passed, $failed failed"
	[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
	log "whole suite: $(($(date +%s) - all_start)) s"
	echo "$summary"
	[ $failed = 0 ]
	exit
fi

kdir="" line=""
[ "${1:-}" = --kdir ] && kdir=$2
[ "${1:-}" = --kernel ] && line=$2
"$DMIO_QEMU_DIR/deps.sh"
[ -n "$kdir" ] || kdir=$("$DMIO_QEMU_DIR/kernel.sh" debug $line)
# dmio, KUnit and the mirror first: a harness that does not build fails
# the reliability part alone, not the whole run.
log "building dmio against $kdir"
mkdir -p "$DMIO_TOP/out/logs"
blog="$DMIO_TOP/out/logs/build.log"
make -C "$DMIO_TOP" KDIR="$kdir" STRESS= modules >"$blog" 2>&1 ||
	{ tail -30 "$blog" >&2; die "dmio does not build; log: $blog"; }
if ! make -C "$DMIO_TOP" KDIR="$kdir" modules >>"$blog" 2>&1; then
	grep -E 'error|warning' "$blog" | head -5 >&2
	log "the reliability harness (stress/) does not build; log: $blog"
	rm -f "$DMIO_TOP/stress/dmio_stress.ko"
fi
if grep -q 'warning:' "$blog"; then
	grep 'warning:' "$blog" | head -5 >&2
	build_warnings=1
fi

passed=0 failed=0 skipped=0
failures=()
[ -n "${build_warnings:-}" ] && failures+=("build: compiler warnings (see $blog)") && failed=1
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); failures+=("$1"); }

# ---- KUnit ----
start=$(date +%s)
set +e
"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name kunit --quiet \
	--ko "$DMIO_TOP/dmio.ko" --files "$DMIO_TOP/kunit/dmio_kunit.ko" \
	--script "$DMIO_TOP/tests/kunit.sh"
vm=$?
set -e
klog="$DMIO_TOP/out/logs/kunit.log"
[ $vm = 0 ] || fail "kunit VM (exit $vm; see $klog)"

# Every suite in kunit/ must report a plan and that many results.
# Case lines are indented once; "# SKIP" marks a skipped case.
while read -r kind name; do
	case $kind in
	ok) pass ;;
	skip) skipped=$((skipped + 1)) ;;
	notok) fail "$name" ;;
	missing) fail "$name: results missing" ;;
	esac
done < <(awk -v suites="$(grep -ohE '\.name = "dmio_[a-z_]+"' "$DMIO_TOP"/kunit/*.c | cut -d'"' -f2 | tr '\n' ' ')" '
	/^    # Subtest: / { suite = $3; plan[suite] = -1; next }
	/^    1\.\.[0-9]+$/ { split($1, p, "\\.\\."); plan[suite] = p[2]; next }
	/^    (not )?ok [0-9]+ / {
		line = $0; sub(/^    /, "", line)
		bad = line ~ /^not ok/
		sub(/^(not )?ok [0-9]+ (- )?/, "", line)
		name = line; sub(/ .*/, "", name)
		got[suite]++
		if (bad) print "notok", suite "." name
		else if (line ~ /# SKIP/) print "skip", suite "." name
		else print "ok", suite "." name
	}
	END {
		n = split(suites, want, " ")
		for (i = 1; i <= n; i++) {
			s = want[i]
			if (!(s in plan) || plan[s] < 0 || got[s] != plan[s])
				print "missing", s
		}
	}' "$klog")
log "KUnit: $passed passed, $failed failed in $(($(date +%s) - start)) s"

# ---- End to end: the example mirror target under fio and dmsetup ----
if [ -d "$DMIO_TOP/tests/e2e" ] && [ -f "$DMIO_TOP/mirror/dmio-mirror.ko" ]; then
	start=$(date +%s)
	set +e
	# The kernel's own targets on dmio, and the same kernel's stock
	# modules for the A/B runs (tests/e2e/kernel_*.sh).
	targets=$(ls "$DMIO_TOP"/kernel-targets/*.ko "$kdir"/drivers/md/dm-{log,region-hash,mirror,bufio,snapshot}.ko 2>/dev/null | tr '\n' ' ')
	# slub_debug=A: the bio caches that kernel_stacked.sh makes fail.
	"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name e2e --quiet \
		--ko "$DMIO_TOP/dmio.ko $DMIO_TOP/mirror/dmio-mirror.ko" \
		--files "$targets" --append "slub_debug=A,bio-*,biovec-*" \
		--script "$DMIO_TOP/tests/e2e.sh"
	vm=$?
	set -e
	elog="$DMIO_TOP/out/logs/e2e.log"
	while read -r verdict name; do
		if [ "$verdict" = ok ]; then pass; else fail "$name"; fi
	done < <(sed -nE 's/^E2E (ok|not ok) (.*)$/\1 \2/p' "$elog" | sed 's/^not ok/notok/')
	[ $vm = 0 ] || fail "e2e VM (exit $vm; see $elog)"
	log "end to end: done in $(($(date +%s) - start)) s"
else
	fail "end-to-end tests (tests/e2e, mirror/) not built"
fi

# ---- Reliability: stress, starvation, fuzz, load/unload (short form) ----
# "make stress DURATION=600" is the long form of the same VM run.
if [ -f "$DMIO_TOP/stress/dmio_stress.ko" ] && [ -f "$DMIO_TOP/mirror/dmio-mirror.ko" ]; then
	start=$(date +%s)
	set +e
	"$DMIO_QEMU_DIR/stress.sh" --kdir "$kdir" --no-build --name stress --quiet \
		--duration 60 --cases 2000 --rounds 50 |
		sed -n '/^dmio-[a-z]*: /p' | while read -r line; do log "$line"; done
	vm=${PIPESTATUS[0]}
	set -e
	slog="$DMIO_TOP/out/logs/stress.log"
	# The guest script's own output: kernel messages cannot cut its lines.
	while read -r verdict name; do
		if [ "$verdict" = ok ]; then pass; else fail "$name"; fi
	done < <(tr -d '\r' <"${slog%.log}.out" | sed -nE 's/^E2E (ok|not ok) (.*)$/\1 \2/p' | sed 's/^not ok/notok/')
	[ $vm = 0 ] || fail "stress VM (exit $vm; see $slog)"
	log "reliability: done in $(($(date +%s) - start)) s"
else
	fail "reliability harness (stress/, mirror/) not built"
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed = 0 ]
