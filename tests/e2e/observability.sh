#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# What a kernel engineer sees of dmio from userspace: the dmio_call_issue
# and dmio_call_done events in tracefs, paired by id, and the counters in
# debugfs, for writes through a 2-leg dmio-mirror: one that succeeds, and
# one that fails on a leg swapped to dm-error.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB
T=/sys/kernel/debug/tracing
CALLS=/sys/kernel/debug/dmio/calls
CLIENTS=/sys/kernel/debug/dmio/clients

cleanup() {
	echo 0 >"$T"/events/dmio/enable
	dm_remove obs obsleg
}
trap cleanup EXIT

counter() { awk -v n="$1" '$1 == n { print $2 }' "$CALLS"; }

dmsetup create obsleg --table "0 $SECTORS linear /dev/ram11 0" || exit 1
check create_mirror mirror_create obs "$SECTORS" /dev/ram10 \
	/dev/mapper/obsleg || e2e_finish

check events_exist test -f "$T"/events/dmio/dmio_call_issue/format -a \
	-f "$T"/events/dmio/dmio_call_done/format
echo 1 >"$T"/events/dmio/enable
: >"$T"/trace

dd if=/dev/urandom of=/tmp/obs.data bs=64k count=1 status=none
calls=$(counter dm_io_async_bvec) bios=$(counter bios)
bytes=$(counter bytes) failed=$(counter failed)

# One 64 KiB O_DIRECT write: one call with two regions of 64 KiB.
write64k() {
	dd if=/tmp/obs.data of=/dev/mapper/obs bs=64k count=1 seek="$1" \
		oflag=direct status=none
}
check write_succeeds write64k 0
grep -F 'dmio_call_' "$T"/trace >/tmp/obs.trace
say "trace: $(head -2 /tmp/obs.trace)"

issue=$(grep 'dmio_call_issue: .* dm_io_async_bvec op=write .* regions=2 bytes=65536 ' /tmp/obs.trace)
check one_issue_event test "$(echo "$issue" | grep -c .)" = 1
id=$(echo "$issue" | sed -n 's/.*dmio_call_issue: id=\([0-9]*\) .*/\1/p')
check issue_names_the_mirror_as_caller \
	grep -q 'caller=.*\[dmio_mirror\]' /tmp/obs.trace
check done_event_pairs_with_issue \
	grep -q "dmio_call_done: id=$id error_bits=0x0 error=0\$" /tmp/obs.trace
say "latency: $(dmio_latency /tmp/obs.trace)"
check latency_recipe_pairs_the_events \
	test "$(dmio_latency /tmp/obs.trace | grep -c "^id=$id [0-9]* us\$")" = 1

check call_counted test "$(counter dm_io_async_bvec)" = $((calls + 1))
check bios_counted test "$(counter bios)" = $((bios + 2))
check bytes_counted test "$(counter bytes)" = $((bytes + 131072))
check no_failure_counted test "$(counter failed)" = "$failed"

# The second leg fails: its bit (0x2) in the completion, a failed call.
dmsetup load obsleg --table "0 $SECTORS error" && dmsetup resume obsleg
: >"$T"/trace
check write_with_a_failing_leg_succeeds write64k 1
grep -F 'dmio_call_' "$T"/trace >/tmp/obs.trace
id=$(sed -n 's/.*dmio_call_issue: id=\([0-9]*\) .* regions=2 .*/\1/p' /tmp/obs.trace)
check done_event_has_the_failed_legs_bit \
	grep -q "dmio_call_done: id=$id error_bits=0x2 error=0\$" /tmp/obs.trace
check failed_call_counted test "$(counter failed)" = $((failed + 1))

# The mirror's client: its reservation, 16 pages and 256 per leg.
say "clients: $(cat "$CLIENTS")"
check mirror_client_listed \
	grep -q '^dmio_mirror classic key=[0-9a-f]* reserve=528 calls=528/' "$CLIENTS"

check remove_mirror dmsetup remove obs
e2e_finish
