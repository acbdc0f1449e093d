#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# Data integrity through dmio-mirror: fio writes with crc32c headers and
# verifies them, sequential and random, at 4k, 64k and 1m, on a 2-leg
# mirror over brd and a 3-leg mirror over the virtio disks.  After each job
# every leg must hold exactly the same bytes in that job's slice (cmp).
# Run from the repository, or as /test.sh in the guest with tests/ in /tests.
e2e_lib=${0%/*}/lib.sh
[ -f "$e2e_lib" ] || e2e_lib=/tests/e2e/lib.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$e2e_lib"

SECTORS=32768	# 16 MiB mirrors: big enough for 1m I/O, quick under TCG

# One fio run per mirror (fio's start-up costs seconds under TCG), one job
# per pattern and block size, each on its own slice of the mirror; the
# slices tile the whole mirror.  "<job> <offset> <size>" in MiB:
JOBS="write_4k 0 1
write_64k 1 2
write_1m 3 4
randwrite_4k 7 1
randwrite_64k 8 2
randwrite_1m 10 6"

# fio_matrix MIRROR SEED LEG...: run every job, then check each job's
# verdict and compare that job's slice across the legs with cmp.
fio_matrix() {
	_m=$1 _seed=$2
	shift 2
	_jobs=/tmp/fio.$_m.job
	printf '[global]\nfilename=/dev/mapper/%s\ndirect=1\nioengine=libaio\niodepth=8\nverify=crc32c\nverify_fatal=1\nrandseed=%s\nstonewall\n' \
		"$_m" "$_seed" >"$_jobs"
	echo "$JOBS" | while read -r _job _off _size; do
		printf '[%s]\nrw=%s\nbs=%s\noffset=%sm\nsize=%sm\n' "$_job" \
			"${_job%_*}" "${_job#*_}" "$_off" "$_size" >>"$_jobs"
	done
	fio --output-format=terse --eta=never "$_jobs" >/tmp/fio."$_m".log 2>&1
	echo "$JOBS" | {
		while read -r _job _off _size; do
			# terse: version;fio;jobname;groupid;error;...
			check "fio_verify_${_m}_$_job" grep -q "^3;[^;]*;$_job;[0-9]*;0;" \
				/tmp/fio."$_m".log
			check "legs_identical_${_m}_$_job" legs_identical_at \
				$((_off * 2048)) $((_size * 2048)) "$@"
		done
		exit "$E2E_FAILED"
	} || E2E_FAILED=1
	[ "$E2E_FAILED" = 0 ] || sed 's/^/#   /' /tmp/fio."$_m".log
}

# table_is MIRROR LEG...: the table reads back as "<n> <maj:min> ...".
table_is() {
	_m=$1
	shift
	_want="0 $SECTORS dmio-mirror $#"
	for _l; do _want="$_want $(dev_id "$_l")"; done
	_got=$(dmsetup table "$_m")
	[ "$_got" = "$_want" ] || { say "table: got '$_got', want '$_want'"; return 1; }
}

# verify_detects MIRROR LEG: corrupt one block of LEG behind the mirror's
# back; the verify message must notice it, and must not elsewhere.
verify_detects() {
	dd if=/dev/urandom of="$2" bs=4096 seek=300 count=1 oflag=direct \
		conv=notrunc status=none || return 1
	! dmsetup message "$1" 0 verify 2400 && dmsetup message "$1" 0 verify 0 2048
}

# leg_queue LEG ATTR: a leg's request queue attribute.
leg_queue() { cat "/sys/block/${1##*/}/queue/$2"; }

# flushes LEG: empty flushes the leg has completed (field 16 of its stat).
flushes() { awk '{ print $16 }' "/sys/block/${1##*/}/stat"; }

# flush_reaches_legs MIRROR LEG...: an fsync on the mirror sends a flush
# to every leg.
flush_reaches_legs() {
	_m=$1
	shift
	_before=
	for _l; do _before="$_before $(flushes "$_l")"; done
	dd if=/dev/zero of="/dev/mapper/$_m" bs=4k count=1 oflag=direct \
		conv=fsync status=none || return 1
	for _l; do
		# shellcheck disable=SC2086
		set -- $_before
		_was=$1
		shift
		_before=$*
		[ "$(flushes "$_l")" -gt "$_was" ] ||
			{ say "no flush reached $_l"; return 1; }
	done
}

# discard_reaches_legs MIRROR LEG...: a discard of the first MiB on the
# mirror reaches every leg, which then all read back the same (zeroes).
discard_reaches_legs() {
	_m=$1
	shift
	blkdiscard -o 0 -l 1048576 "/dev/mapper/$_m" &&
		legs_identical 2048 "$@" &&
		dd if="$1" bs=64k count=16 iflag=direct status=none |
		cmp -s - /tmp/e2e.zero
}

run_mirror() {
	m=$1
	shift
	check "create_$m" mirror_create "$m" "$SECTORS" "$@" || return
	check "table_roundtrip_$m" table_is "$m" "$@"
	seed=$((seed + 1))
	fio_matrix "$m" "$seed" "$@"
	_n=0
	_all=
	for _l; do _all="$_all $_n"; _n=$((_n + 1)); done
	# shellcheck disable=SC2086
	check "all_legs_alive_$m" legs_in_state "$m" A $_all
	check "verify_message_identical_$m" dmsetup message "$m" 0 verify 0 2048
	check "verify_message_detects_difference_$m" verify_detects "$m" "$2"
	# Pass-through checks only where every leg offers the feature.
	_wc=1 _discard=1
	for _l; do
		[ "$(leg_queue "$_l" write_cache)" = "write back" ] || _wc=0
		[ "$(leg_queue "$_l" discard_max_bytes)" -gt 0 ] || _discard=0
	done
	[ $_wc = 1 ] && check "flush_reaches_every_leg_$m" flush_reaches_legs "$m" "$@"
	if [ $_discard = 1 ]; then
		_minor=$(dmsetup info -c --noheadings -o minor "$m")
		check "discard_advertised_$m" \
			test "$(cat /sys/block/dm-"$_minor"/queue/discard_max_bytes)" -gt 0
		check "discard_reaches_every_leg_$m" discard_reaches_legs "$m" "$@"
	fi
	check "remove_$m" dmsetup remove "$m"
}

dd if=/dev/zero of=/tmp/e2e.zero bs=64k count=16 status=none
seed=0
run_mirror brd2 /dev/ram0 /dev/ram1
run_mirror virt3 /dev/vda /dev/vdb /dev/vdc

e2e_finish
