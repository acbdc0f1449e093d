#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# Reads when legs fail.  Every leg is a dm-dust device (4 KiB blocks) over
# brd, so reads of chosen blocks fail while the rest of the leg works.
# Known data is written through the mirror, then leg 0 is made to fail
# reads: reading back through the mirror must return the expected bytes,
# served by another leg, and leg 0 must be reported dead.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=16384	# 8 MiB
MIB=1048576

cleanup() { dm_remove m dust0 dust1 dust2; }
trap cleanup EXIT

n=0
for ram in /dev/ram5 /dev/ram6 /dev/ram7; do
	dmsetup create dust$n --table "0 $SECTORS dust $ram 0 4096" || exit 1
	n=$((n + 1))
done
check create_mirror mirror_create m "$SECTORS" \
	/dev/mapper/dust0 /dev/mapper/dust1 /dev/mapper/dust2 || e2e_finish

head -c "$MIB" /dev/urandom >/tmp/expected
check write_known_data dd if=/tmp/expected of=/dev/mapper/m bs=64k \
	oflag=direct conv=fsync status=none

leg_has_expected() {
	flush_dev "$1" && cmp -n "$MIB" /tmp/expected "$1"
}
for n in 0 1 2; do
	check written_to_leg$n leg_has_expected /dev/mapper/dust$n
done

# Blocks 10 and 100 of leg 0 now fail reads.
for b in 10 100; do dmsetup message dust0 0 addbadblock $b; done
dmsetup message dust0 0 enable

read_back() {
	rm -f /tmp/got
	dd if=/dev/mapper/m of=/tmp/got bs=64k count=16 iflag=direct \
		status=none && cmp /tmp/got /tmp/expected
}
check read_failover_data_correct read_back
say "status after the failed read: $(dmsetup status m)"
check read_failover_first_leg_dead legs_in_state m D 0
check read_failover_error_counted test "$(leg_errors m 0)" -gt 0
check read_failover_other_legs_alive legs_in_state m A 1 2

errors=$(leg_errors m 0)
check read_again_data_correct read_back
check dead_leg_not_read_again test "$(leg_errors m 0)" -eq "$errors"

# Block 300 fails on the two remaining legs: nobody can serve it.
for d in dust1 dust2; do
	dmsetup message $d 0 addbadblock 300
	dmsetup message $d 0 enable
done
read_block_300() {
	dd if=/dev/mapper/m of=/dev/null bs=4k skip=300 count=1 \
		iflag=direct status=none
}
check_fails read_fails_when_every_leg_fails read_block_300
check every_leg_dead_after_total_failure legs_in_state m D 0 1 2
check_fails write_fails_with_no_alive_leg dd if=/tmp/expected \
	of=/dev/mapper/m bs=64k count=1 oflag=direct status=none
dmsetup remove m

# Construction reads the start of every leg (dmio's vm interface): a leg
# whose first block cannot be read starts dead, the others serve the data.
for d in dust1 dust2; do dmsetup message $d 0 clearbadblocks; done
dmsetup message dust0 0 addbadblock 0
check create_with_unreadable_leg mirror_create m "$SECTORS" \
	/dev/mapper/dust0 /dev/mapper/dust1 /dev/mapper/dust2
say "status of the new mirror: $(dmsetup status m)"
check probe_starts_unreadable_leg_dead legs_in_state m D 0
check probe_keeps_readable_legs_alive legs_in_state m A 1 2
check probe_mirror_data_correct read_back

e2e_finish
