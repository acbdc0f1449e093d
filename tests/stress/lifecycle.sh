#!/bin/sh
# Load and unload dmio with consumers on it, LIFECYCLE_ROUNDS times (50).
# Every round loads dmio.ko and dmio_stress.ko in smoke mode (a few calls
# of each kind and a dm_io_get()/dm_io_put() whose reservation must come
# back to where it was), then unloads both; every tenth round also loads
# the example dmio-mirror.ko and writes and reads back data through a
# 2-leg mirror before unloading it.  Module exit paths must leave nothing
# behind: /init scans kmemleak at the end.  Needs dmio.ko, dmio-mirror.ko
# and dmio_stress.ko in /modules, none of them loaded.  Prints
# "E2E ok|not ok lifecycle".
e2e_lib=/tests/e2e/lib.sh
# shellcheck source=../e2e/lib.sh
. "$e2e_lib"

ROUNDS=${LIFECYCLE_ROUNDS:-50}
M=/modules
L0=/dev/ram30
L1=/dev/ram31

# mirror_round N: the mirror target on dmio, with I/O through it.
mirror_round() {
	insmod $M/dmio-mirror.ko || { say "round $1: insmod dmio-mirror"; return 1; }
	mirror_create lc 1024 $L0 $L1 || { say "round $1: create mirror"; return 1; }
	dd if=/dev/urandom of=/tmp/lc.data bs=64k count=2 status=none &&
	dd if=/tmp/lc.data of=/dev/mapper/lc bs=64k seek=$(($1 % 3)) \
		oflag=direct status=none &&
	dd if=/dev/mapper/lc of=/tmp/lc.back bs=64k skip=$(($1 % 3)) count=2 \
		iflag=direct status=none &&
	cmp -s /tmp/lc.data /tmp/lc.back || { say "round $1: mirror data"; return 1; }
	legs_identical 1024 $L0 $L1 || { say "round $1: legs differ"; return 1; }
	dmsetup remove lc || { say "round $1: remove mirror"; return 1; }
	rmmod dmio_mirror || { say "round $1: rmmod dmio_mirror"; return 1; }
}

# round N: one load, use, unload cycle; says what failed.
round() {
	insmod $M/dmio.ko || { say "round $1: insmod dmio"; return 1; }
	insmod $M/dmio_stress.ko mode=smoke devices=/dev/ram32 seed="$1" ||
		{ say "round $1: smoke (reservation or I/O)"; return 1; }
	rmmod dmio_stress || { say "round $1: rmmod dmio_stress"; return 1; }
	if [ $(($1 % 10)) = 1 ]; then
		mirror_round "$1" || return 1
	fi
	rmmod dmio || { say "round $1: rmmod dmio"; return 1; }
}

lifecycle() {
	_i=1
	while [ $_i -le "$ROUNDS" ]; do
		round $_i || return 1
		_i=$((_i + 1))
	done
	say "lifecycle: $ROUNDS rounds"
}

check lifecycle lifecycle
# Leave nothing loaded behind a failed round.
dm_remove lc
for _m in dmio_stress dmio_mirror dmio; do
	grep -q "^$_m " /proc/modules && rmmod $_m
done
e2e_finish
