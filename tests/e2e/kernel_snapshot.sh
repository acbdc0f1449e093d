#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# The kernel's own dm-snapshot (dm-snap.c and its exception stores, over
# dm-bufio and kcopyd), compiled from the test kernel's unmodified sources
# on dmio (kernel-targets/), against the same kernel's stock modules: the
# same script on each, and the two must agree.
#
# On each: a persistent snapshot keeps the origin's data while the origin
# is written; removed and re-created, it reads its exceptions back from
# the COW device (through dm-bufio) and still holds the original; merged
# back, the origin holds the original again; a COW device too small
# invalidates its snapshot cleanly while the origin keeps working.
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB origin
ORIGIN=/dev/ram43
COW=/dev/ram44
SMALL=/dev/ram45	# under a 64 KiB COW device
CHUNK=16	# 8 KiB chunks

STOCK="dm-bufio dm-snapshot"
ON_DMIO="dm-kcopyd-dmio dm-bufio-dmio dm-snapshot-dmio"

# The same data for both runs: the origin's, and what is written over it.
# (head, not dd: a read of /dev/urandom may return less than a block.)
head -c $((16 << 20)) /dev/urandom >/tmp/snap.origin
head -c $((4 << 20)) /dev/urandom >/tmp/snap.new
ORIGINAL=$(md5sum </tmp/snap.origin | cut -d' ' -f1)

md5_of() { dd if="$1" bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1; }

# The origin learns its snapshots' chunk size (where it must split its
# writes) when it resumes: after the snapshot exists, as LVM does it.
snap_up() {
	dmsetup create korig --table "0 $SECTORS snapshot-origin $ORIGIN" &&
	dmsetup create ksnap --table "0 $SECTORS snapshot $ORIGIN $1 P $CHUNK" &&
	dmsetup suspend korig && dmsetup resume korig
}
snap_down() { dm_remove ksnap korig ksmall; }

prepare() {
	dd if=/tmp/snap.origin of=$ORIGIN bs=1M oflag=direct status=none &&
	dd if=/dev/zero of=$COW bs=1M count=1 oflag=direct status=none &&
	snap_up $COW
}

write_origin() {
	dd if=/tmp/snap.new of=/dev/mapper/korig bs=64k seek=32 oflag=direct \
		status=none
}

# same_md5 DEV MD5: DEV's first 16 MiB hash to MD5 (said when not).
same_md5() {
	_h=$(md5_of "$1")
	[ "$_h" = "$2" ] || { say "$1 hashes to $_h, not $2"; return 1; }
}

snapshot_holds_original() { same_md5 /dev/mapper/ksnap "$ORIGINAL"; }

recreate() { snap_down && snap_up $COW; }

# "0 <len> snapshot-merge <allocated>/<total> <metadata>": done when only
# the metadata is left.
merged() {
	dmsetup status korig | awk '{ split($4, a, "/"); exit !(a[1] == $5) }'
}

merge_back() {
	dm_remove ksnap &&
	dmsetup load korig --table "0 $SECTORS snapshot-merge $ORIGIN $COW P $CHUNK" &&
	dmsetup suspend korig && dmsetup resume korig || return 1
	_t=0
	until merged; do
		[ $_t -ge 120 ] && { say "merge not done after 120 s: $(dmsetup status korig)"; return 1; }
		sleep 1
		_t=$((_t + 1))
	done
}

origin_holds_original() { same_md5 /dev/mapper/korig "$ORIGINAL"; }

# A 64 KiB COW device: the snapshot overflows and must say so.
overflow() {
	snap_down &&
	dd if=/dev/zero of=$SMALL bs=64k count=1 oflag=direct status=none &&
	dmsetup create ksmall --table "0 128 linear $SMALL 0" &&
	snap_up /dev/mapper/ksmall && write_origin &&
	dmsetup status ksnap | grep -q Invalid
}

# run_set TAG MODULES...: every check on one implementation.
run_set() {
	_tag=$1
	shift
	_calls=$(dmio_modern_calls)
	check "${_tag}_load" modules_load "$@" || return 1
	check "${_tag}_create" prepare || return 1
	check "${_tag}_origin_write" write_origin
	check "${_tag}_snapshot_keeps_original" snapshot_holds_original
	eval "WRITTEN_$_tag=\$(md5_of /dev/mapper/korig)"
	check "${_tag}_recreated_snapshot_reads_its_exceptions" recreate
	check "${_tag}_recreated_snapshot_keeps_original" snapshot_holds_original
	check "${_tag}_merge_completes" merge_back
	check "${_tag}_merged_origin_is_original" origin_holds_original
	check "${_tag}_small_cow_invalidates_snapshot" overflow
	say "$_tag: small COW status '$(dmsetup status ksnap)'"
	snap_down
	unload_set "$_tag" "$_calls" snapshot_ "$@"
}

# shellcheck disable=SC2086 # lists of module names
run_set stock $STOCK
# shellcheck disable=SC2086
run_set dmio $ON_DMIO
# shellcheck disable=SC2154 # set by eval in run_set
{
	say "origin after the write: stock $WRITTEN_stock, dmio $WRITTEN_dmio"
	check ab_snapshot_same_data test -n "$WRITTEN_dmio" -a "$WRITTEN_dmio" = "$WRITTEN_stock"
}
e2e_finish
