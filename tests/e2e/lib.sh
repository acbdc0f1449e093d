# Helpers for the guest-side end-to-end scripts.  Sourced, not run; busybox
# sh, so POSIX only.  Every check prints exactly one line, "E2E ok <name>"
# or "E2E not ok <name>", which the host counts; e2e_finish turns any
# failure into a non-zero exit status.

# No udev in the guest: libdevmapper makes the /dev/mapper nodes itself.
export DM_DISABLE_UDEV=1

E2E_FAILED=0

e2e_ok() { echo "E2E ok $1"; }
e2e_not_ok() { echo "E2E not ok $1"; E2E_FAILED=1; }

# check NAME CMD...: the check passes iff CMD succeeds.
check() {
	_name=$1
	shift
	if "$@"; then e2e_ok "$_name"; else e2e_not_ok "$_name"; fi
}

# check_fails NAME CMD...: the check passes iff CMD fails.
check_fails() {
	_name=$1
	shift
	if "$@"; then e2e_not_ok "$_name"; else e2e_ok "$_name"; fi
}

e2e_finish() {
	exit "$E2E_FAILED"
}

say() { echo "# $*"; }

# Size of a block device, in 512-byte sectors.
dev_sectors() { blockdev --getsz "$1"; }

# "major:minor" of a block device node, as dm tables print it.
dev_id() {
	# shellcheck disable=SC2046
	set -- $(stat -L -c '%t %T' "$1")
	printf '%d:%d' "0x$1" "0x$2"
}

# mirror_create NAME SECTORS LEG...: a dmio-mirror over the legs.
mirror_create() {
	_m=$1
	_len=$2
	shift 2
	dmsetup create "$_m" --table "0 $_len dmio-mirror $# $*"
}

# leg_state MIRROR I / leg_errors MIRROR I: leg I's fields in the status
# line "0 <len> dmio-mirror <n> <dev> <A|D> <errors> ...".
leg_state() { dmsetup status "$1" | awk -v i="$2" '{ print $(6 + 3 * i) }'; }
leg_errors() { dmsetup status "$1" | awk -v i="$2" '{ print $(7 + 3 * i) }'; }

# legs_in_state MIRROR STATE I...: every listed leg is in STATE.
legs_in_state() {
	_m=$1
	_want=$2
	shift 2
	for _i; do
		[ "$(leg_state "$_m" "$_i")" = "$_want" ] || return 1
	done
}

# Drop a device's clean page cache: mirror I/O reaches the legs below
# their page cache, so a buffered read of a leg could see stale pages.
flush_dev() {
	for _d; do blockdev --flushbufs "$_d" || return 1; done
}

# legs_identical_at START SECTORS LEG...: the legs hold the same bytes in
# sectors [START, START + SECTORS), both multiples of 128.  Direct reads,
# so no stale page cache of a leg can hide a difference; dd seeks to the
# range, where cmp's own skip would read its way there.
legs_identical_at() {
	_skip=$(($1 / 128)) _count=$(($2 / 128))
	shift 2
	_first=$1
	shift
	dd if="$_first" of=/tmp/e2e.range bs=64k skip="$_skip" \
		count="$_count" iflag=direct status=none || return 1
	for _l; do
		dd if="$_l" bs=64k skip="$_skip" count="$_count" iflag=direct \
			status=none | cmp /tmp/e2e.range - || {
			say "$_first and $_l differ in sectors $((_skip * 128))+$((_count * 128))"
			return 1
		}
	done
}

# legs_identical SECTORS LEG...: the first SECTORS of every leg are equal.
legs_identical() {
	legs_identical_at 0 "$@"
}

# run_fio NAME DEV RW BS SIZE SEED [extra fio args...]: write SIZE with
# crc32c verification headers, then read everything back and verify it.
run_fio() {
	_n=$1 _dev=$2 _rw=$3 _bs=$4 _size=$5 _seed=$6
	shift 6
	fio --name="$_n" --filename="$_dev" --direct=1 --ioengine=libaio \
		--iodepth=8 --rw="$_rw" --bs="$_bs" --size="$_size" \
		--verify=crc32c --verify_fatal=1 --randseed="$_seed" --eta=never \
		--output=/tmp/fio."$_n".log "$@" || {
		say "fio $_n failed; its log:"
		sed 's/^/#   /' /tmp/fio."$_n".log
		return 1
	}
}

# fio_while_failing NAME DEV SIZE RATE LEG: run_fio 16 KiB random writes
# at RATE, and two seconds in swap the dm-linear device LEG for dm-error:
# the writes must still verify.  The rate makes the run last long enough
# for the swap to land inside it, whatever the emulation speed.
fio_while_failing() {
	run_fio "$1" "$2" randwrite 16k "$3" 7 --rate=,"$4" &
	_fio=$!
	sleep 2
	if ! dmsetup load "$5" --table "0 $(dev_sectors "/dev/mapper/$5") error" ||
		! dmsetup resume "$5"; then
		say "could not swap $5 for dm-error"
	fi
	wait "$_fio"
}

# The kernel's dm-mirror DEV reports every region in sync: its status is
# "<start> <len> mirror <legs> <leg devices...> <in sync>/<regions> ...".
kmirror_in_sync() {
	_r=$(dmsetup status "$1" | awk '{ print $(5 + $4) }') && [ "${_r%/*}" = "${_r#*/}" ]
}

# kmirror_wait_in_sync DEV: until it is, for two minutes at most.
kmirror_wait_in_sync() {
	_t=0
	until kmirror_in_sync "$1"; do
		[ $_t -ge 120 ] && { say "$1 not in sync after 120 s: $(dmsetup status "$1")"; return 1; }
		sleep 1
		_t=$((_t + 1))
	done
}

# dmesg_count TEXT: how many kernel log lines contain TEXT.
dmesg_count() { dmesg | grep -cF -- "$1"; }

# dm_remove NAME...: remove devices, quietly ignoring ones not there.
dm_remove() {
	for _d; do
		dmsetup info "$_d" >/dev/null 2>&1 && dmsetup remove "$_d"
	done
	return 0
}

# modules_load NAME...: insmod /modules/NAME.ko, in order.
modules_load() { for _m; do insmod "/modules/$_m.ko" || return 1; done; }

# modules_unload NAME...: rmmod them, in the reverse order.
modules_unload() {
	_r=""
	for _m; do _r="$_m $_r"; done
	for _m in $_r; do rmmod "$(echo "$_m" | tr - _)" || return 1; done
}

# dmio's modern-face (dmio_io) calls since it loaded, from debugfs.
dmio_modern_calls() { awk '$1 == "modern" { print $2 }' /sys/kernel/debug/dmio/calls; }

# unload_set TAG CALLS WHAT MODULE...: the end of an A/B set.  The dmio set
# (TAG dmio) must have raised dmio's modern calls above CALLS, the stock set
# left them alone (checks named after WHAT); then the modules go.
unload_set() {
	_tag=$1 _calls=$2 _what=$3
	shift 3
	if [ "$_tag" = dmio ]; then
		check "dmio_${_what}modern_calls_rise" test "$(dmio_modern_calls)" -gt "$_calls"
	else
		check "stock_${_what}bypasses_dmio" test "$(dmio_modern_calls)" -eq "$_calls"
	fi
	check "${_tag}_unload" modules_unload "$@"
}

# dmio_latency: per-call latency from dmio's events in a trace (tracefs's
# trace or trace_pipe, or trace-cmd report), a line "id=N <us> us" per
# completed call: the README's recipe.
dmio_latency() {
	awk '/dmio_call_(issue|done):/ {
		for (i = 2; i <= NF; i++) if ($i ~ /^dmio_call_/) break
		ts = $(i - 1); sub(/:$/, "", ts); id = $(i + 1)
		if ($i == "dmio_call_issue:") start[id] = ts
		else if (id in start) {
			printf "%s %d us\n", id, (ts - start[id]) * 1000000
			delete start[id]
		}
	}' "$@"
}
