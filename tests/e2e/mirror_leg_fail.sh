#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# A leg that dies in the middle of a write load.  The middle leg of a 3-leg
# mirror is a dm-linear device whose table is swapped for dm-error while
# fio is writing: fio must still verify every block, the status must show
# that leg dead with errors counted, and the two survivors must be equal.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB
L0=/dev/ram2
L2=/dev/ram4

cleanup() { dm_remove m flaky; }
trap cleanup EXIT

dmsetup create flaky --table "0 $SECTORS linear /dev/ram3 0" || exit 1
check create_mirror mirror_create m "$SECTORS" "$L0" /dev/mapper/flaky "$L2" ||
	e2e_finish

# Fail the leg from under fio.  The write rate is capped so that the write
# phase lasts several seconds whatever the emulation speed: the leg is
# swapped well inside it, and the dead/error-count checks below fail if it
# ever is not.
fail_leg_mid_run() { fio_while_failing legfail /dev/mapper/m 16m 4m flaky; }
check fio_verifies_through_leg_failure fail_leg_mid_run
say "status after the failure: $(dmsetup status m)"
check failed_leg_marked_dead legs_in_state m D 1
check failed_leg_errors_counted test "$(leg_errors m 1)" -gt 0
check surviving_legs_alive legs_in_state m A 0 2
check surviving_legs_no_errors test "$(leg_errors m 0)$(leg_errors m 2)" = 00
check surviving_legs_identical legs_identical "$SECTORS" "$L0" "$L2"

# Writes keep working on the survivors, and are not sent to the dead leg.
errors=$(leg_errors m 1)
write_after_failure() {
	dd if=/dev/urandom of=/tmp/data bs=64k count=4 status=none &&
	dd if=/tmp/data of=/dev/mapper/m bs=64k seek=8 oflag=direct \
		status=none &&
	dd if=/dev/mapper/m of=/tmp/back bs=64k skip=8 count=4 iflag=direct \
		status=none &&
	cmp /tmp/data /tmp/back
}
check write_after_failure_succeeds write_after_failure
check dead_leg_not_written test "$(leg_errors m 1)" -eq "$errors"
check survivors_identical_after_write legs_identical "$SECTORS" "$L0" "$L2"

# "enable" puts the leg back; as it still fails, the next write kills it
# again, and that write still succeeds on the other legs.
check enable_message_revives_leg dmsetup message m 0 enable 1
check enabled_leg_alive legs_in_state m A 1
check write_with_failing_leg_succeeds write_after_failure
check enabled_leg_dies_again legs_in_state m D 1
check enabled_leg_error_counted test "$(leg_errors m 1)" -gt "$errors"

check remove_mirror dmsetup remove m
e2e_finish
