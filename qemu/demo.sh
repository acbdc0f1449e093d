#!/usr/bin/env bash
# The main job: build dmio and the example mirror target, boot the test
# kernel, and run tests/e2e/demo.sh in the guest: a 3-leg mirror written
# and verified with fio, one leg failed, dmsetup status before and after.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build_for_vm "$@"
log "booting the test VM (software emulation: about a minute)"
set +e
"$DMIO_QEMU_DIR/run.sh" --kdir "$kdir" --name demo --quiet \
	--ko "$DMIO_TOP/dmio.ko $DMIO_TOP/mirror/dmio-mirror.ko" \
	--script "$DMIO_TOP/tests/e2e/demo.sh"
status=$?
set -e
echo
cat "$DMIO_TOP/out/logs/demo.out"
echo
if [ $status = 0 ]; then
	log "demo passed; kernel console log: out/logs/demo.log"
else
	log "demo FAILED (exit $status); kernel console log: out/logs/demo.log"
fi
exit $status
