#!/bin/sh
# shellcheck disable=SC2317 # functions are run through check()
# Data integrity through dmio-mirror: fio writes with crc32c headers and
# verifies them, sequential and random, at 4k, 64k and 1m, on a 2-leg
# mirror over brd and a 3-leg mirror over the virtio disks.  After each run
# every leg must hold exactly the same bytes, compared with cmp.
. "${0%/*}/lib.sh"

SECTORS=32768	# 16 MiB mirrors: big enough for 1m I/O, quick under TCG
seed=0

# fio_matrix MIRROR LEG...: every pattern and block size, then cmp.
fio_matrix() {
	_m=$1
	shift
	for rw in write randwrite; do
		for bs in 4k 64k 1m; do
			seed=$((seed + 1))
			size=16m
			# 4 KiB I/O is what is slow under TCG: keep it short.
			[ "$bs" = 4k ] && size=4m
			check "fio_verify_${_m}_${rw}_${bs}" \
				run_fio "${_m}_${rw}_${bs}" "/dev/mapper/$_m" \
				"$rw" "$bs" "$size" "$seed"
			check "legs_identical_${_m}_${rw}_${bs}" \
				legs_identical "$SECTORS" "$@"
		done
	done
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

run_mirror() {
	m=$1
	shift
	check "create_$m" mirror_create "$m" "$SECTORS" "$@" || return
	check "table_roundtrip_$m" table_is "$m" "$@"
	fio_matrix "$m" "$@"
	_n=0
	_all=
	for _l; do _all="$_all $_n"; _n=$((_n + 1)); done
	# shellcheck disable=SC2086
	check "all_legs_alive_$m" legs_in_state "$m" A $_all
	check "verify_message_identical_$m" dmsetup message "$m" 0 verify 0 2048
	check "verify_message_detects_difference_$m" verify_detects "$m" "$2"
	check "remove_$m" dmsetup remove "$m"
}

run_mirror brd2 /dev/ram0 /dev/ram1
run_mirror virt3 /dev/vda /dev/vdb /dev/vdc

e2e_finish
