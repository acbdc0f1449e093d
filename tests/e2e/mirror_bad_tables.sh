#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# Tables the constructor must refuse, each with its own reason in the
# kernel log, and messages it must refuse; nothing may be left behind: no
# device, no leg held open, no module reference.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

cleanup() { dm_remove good bad small e0 e1; }
trap cleanup EXIT

dmsetup create small --table "0 2048 linear /dev/ram1 0" || exit 1
dmsetup create e0 --table "0 2048 error" || exit 1
dmsetup create e1 --table "0 2048 error" || exit 1

# rejects NAME REASON LENGTH ARGS: "dmsetup create" of that table fails and
# the kernel log gains a line naming REASON.
rejects() {
	_before=$(dmesg_count "$2")
	if dmsetup create bad --table "0 $3 dmio-mirror $4" 2>/dev/null; then
		say "$1: table '$4' was accepted"
		dmsetup remove bad
		return 1
	fi
	[ "$(dmesg_count "$2")" -gt "$_before" ] ||
		{ say "$1: no '$2' in the kernel log"; return 1; }
}

LEGS="Invalid number of legs"
COUNT="Leg count does not match"
check reject_no_arguments rejects no_args "$LEGS" 2048 ""
check reject_zero_legs rejects zero "$LEGS" 2048 "0"
check reject_one_leg rejects one "$LEGS" 2048 "1 /dev/ram0"
check reject_nine_legs rejects nine "$LEGS" 2048 \
	"9 /dev/ram0 /dev/ram1 /dev/ram2 /dev/ram3 /dev/ram4 /dev/ram5 /dev/ram6 /dev/ram7 /dev/vda"
check reject_non_numeric_count rejects nan "$LEGS" 2048 "two /dev/ram0 /dev/ram1"
check reject_count_above_devices rejects above "$COUNT" 2048 \
	"3 /dev/ram0 /dev/ram1"
check reject_count_below_devices rejects below "$COUNT" 2048 \
	"2 /dev/ram0 /dev/ram1 /dev/ram2"
check reject_missing_device rejects missing "Leg device lookup failed" 2048 \
	"2 /dev/ram0 /dev/does-not-exist"
check reject_length_larger_than_leg rejects too_long \
	"Target is larger than a leg" 4096 "2 /dev/ram0 /dev/mapper/small"
check reject_same_device_twice rejects twice "named twice" 2048 \
	"2 /dev/ram0 /dev/ram0"
check reject_no_readable_leg rejects unreadable "No readable leg" 2048 \
	"2 /dev/mapper/e0 /dev/mapper/e1"

# A good table next to the bad ones: the rejections above are not just a
# missing target type.
check good_table_accepted mirror_create good 2048 /dev/ram0 /dev/mapper/small

# bad_message NAME MESSAGE...: refused with an error, mirror unchanged.
bad_message() {
	_before=$(dmsetup status good)
	# shellcheck disable=SC2068
	dmsetup message good 0 $@ 2>/dev/null && return 1
	[ "$(dmsetup status good)" = "$_before" ]
}
check reject_unknown_message bad_message frobnicate
check reject_enable_without_leg bad_message enable
check reject_enable_out_of_range bad_message enable 2
check reject_enable_non_numeric bad_message enable one
check reject_verify_past_end bad_message verify 2044
check reject_verify_too_long bad_message verify 0 4096
check enable_alive_leg_is_harmless dmsetup message good 0 enable 1
check remove_good dmsetup remove good

dm_remove small e0 e1
no_devices() {
	_ls=$(dmsetup ls)
	[ "$_ls" = "No devices found" ] || { say "left over: $_ls"; return 1; }
}
check no_leftover_device no_devices

# A leg left open by a failed constructor shows up as a holder.
no_holders() {
	for _d in ram0 ram1 ram2 vda; do
		[ -z "$(ls "/sys/block/$_d/holders")" ] ||
			{ say "$_d still held"; return 1; }
	done
}
check no_leg_left_open no_holders
# dm core puts what a constructor forgot to, but says so.
check no_missing_dm_put_device test "$(dmesg_count "dm_put_device call missing")" -eq 0
check no_module_reference test "$(cat /sys/module/dmio_mirror/refcnt)" -eq 0

e2e_finish
