#!/usr/bin/env bash
# The reliability harness in one VM: stress, starvation and fuzz runs of
# stress/dmio_stress.ko, then dmio loaded and unloaded with consumers on it
# (tests/stress/guest.sh, tests/stress/lifecycle.sh).
#
#   qemu/stress.sh [--kdir DIR] [--no-build] [--duration SECONDS]
#                  [--cases N] [--first-case N] [--rounds N] [--seed N]
#                  [--name NAME] [--quiet]
#
# --duration: seconds of stress (600); --cases: fuzz cases (20000 for long
# runs, i.e. when --duration >= 300, else 2000); --first-case: run only
# the fuzz cases from N on (the same seed makes the same cases); --rounds:
# load/unload rounds (50); --seed: 0 picks one per run (printed).  The VM has 4 CPUs
# unless DMIO_VM_SMP says otherwise.  Prints the modules' result lines,
# each part's "E2E ok|not ok" line and time; exits non-zero when a part
# failed or the console shows a kernel problem.  Logs: out/logs/NAME.log
# (console), out/logs/NAME.out (the guest script's output).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir="" build=1 duration=600 cases="" first=0 rounds=50 seed=0 name=stress quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--duration) duration=$2; shift 2 ;;
	--cases) cases=$2; shift 2 ;;
	--first-case) first=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$cases" ] || { [ "$duration" -ge 300 ] && cases=20000 || cases=2000; }
if [ $build = 1 ]; then
	if [ -n "$kdir" ]; then build_for_vm --kdir "$kdir"; else build_for_vm; fi
else
	"$DMIO_QEMU_DIR/deps.sh"
	[ -n "$kdir" ] || kdir=$("$DMIO_QEMU_DIR/kernel.sh" debug)
fi
for m in dmio.ko stress/dmio_stress.ko mirror/dmio-mirror.ko; do
	[ -f "$DMIO_TOP/$m" ] || die "$m is not built (run make)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/stress.sh" <<GUEST
STRESS_SECONDS=$duration
STRESS_SEED=$seed
FUZZ_CASES=$cases
FUZZ_FIRST=$first
LIFECYCLE_ROUNDS=$rounds
. /tests/stress/guest.sh
GUEST

# Boot, set-up, starvation, fuzz (about 10 ms a case), the load/unload
# loop (about 1.5 s a round) and the kmemleak scans, on top of the stress.
timeout=$((duration + 600 + cases / 20 + rounds * 5))
[ $quiet = 1 ] || log "reliability harness: ${duration}s stress, starvation, $cases fuzz cases, $rounds load/unload rounds (VM timeout ${timeout}s)"
set +e
DMIO_VM_SMP=${DMIO_VM_SMP:-4} "$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" \
	--name "$name" --quiet --timeout "$timeout" \
	--files "$DMIO_TOP/dmio.ko $DMIO_TOP/stress/dmio_stress.ko $DMIO_TOP/mirror/dmio-mirror.ko" \
	--script "$work/stress.sh"
vm=$?
set -e
out="$DMIO_TOP/out/logs/$name.out"
tr -d '\r' <"$out" 2>/dev/null | grep -E '^(dmio-[a-z]+: |E2E |# .* took )' || true
[ $vm = 0 ] || log "the $name VM failed (exit $vm); console: $DMIO_TOP/out/logs/$name.log"
exit $vm
