# The benchmark's disks, guest side: eight null_blk disks of 16 MiB
# without backing memory, /dev/dmiobench0 .. 7 (bench/dmio_bench.c's
# default dev_prefix).  Sourced by the scripts qemu/bench.sh,
# qemu/bench-smp.sh and qemu/profile.sh run in the guest.

# bench_disks_up [ATTR=VALUE...]: make them, with more configfs attributes.
bench_disks_up() {
	for _i in 0 1 2 3 4 5 6 7; do
		_d=/sys/kernel/config/nullb/dmiobench$_i
		mkdir $_d || return 1
		echo 16 >$_d/size
		echo 0 >$_d/memory_backed
		for _a; do echo "${_a#*=}" >"$_d/${_a%%=*}"; done
		echo 1 >$_d/power
	done
}

bench_disks_down() {
	for _i in 0 1 2 3 4 5 6 7; do
		echo 0 >/sys/kernel/config/nullb/dmiobench$_i/power
		rmdir /sys/kernel/config/nullb/dmiobench$_i
	done
}
