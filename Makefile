# SPDX-License-Identifier: GPL-2.0
#
# dmio - see README.md.  Everyday targets:
#
#   make                  build dmio.ko (+ KUnit module, + example target)
#   make KDIR=<dir>       ... against another kernel build/headers tree
#   make demo             the main job: dmio under a mirror target in a VM
#   make test             the whole suite (qemu/test.sh): KUnit, end to end,
#                         reliability on the 6.1 and 6.12 test kernels, and
#                         the stock kernels (DMIO_KERNELS=6.1: one line)
#   make test-stock       dmio and the example mirror on Debian's stock 6.1
#                         and 6.12 kernels, booted with their own modules
#   make dkms-check       dkms builds dmio for both stock kernels
#   make vm KO="a.ko b.ko" SCRIPT=t.sh   run a guest script with modules
#   make stress DURATION=600   the reliability harness: stress, starvation,
#                         fuzz, load/unload loop, in a 4-CPU VM
#   make check            checkpatch on C, clang-format on C++
#   make print-kdir       the test kernel's build directory

# The project's own test kernel, built and cached on first use.
ifeq ($(origin KDIR),undefined)
KDIR := $(shell $(CURDIR)/qemu/kernel.sh debug)
endif
ifeq ($(KDIR),)
$(error no kernel: qemu/kernel.sh failed and KDIR is not set)
endif

MIRROR := $(wildcard $(CURDIR)/mirror/Kbuild)
STRESS := $(wildcard $(CURDIR)/stress/Kbuild)
# The kernel's own targets on dmio: only where KDIR has their sources (a
# headers-only tree still builds dmio).
TARGETS := $(if $(wildcard $(KDIR)/drivers/md/dm-raid1.c),$(wildcard $(CURDIR)/kernel-targets/Kbuild))
DURATION ?= 600

.PHONY: all modules clean print-kdir vm test test-stock dkms-check demo check stress

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
ifneq ($(MIRROR),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/mirror \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
endif
ifneq ($(STRESS),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/stress \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
endif
ifneq ($(TARGETS),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel-targets \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
endif

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
ifneq ($(MIRROR),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/mirror clean
endif
ifneq ($(STRESS),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/stress clean
endif
ifneq ($(TARGETS),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel-targets clean
endif

print-kdir:
	@echo $(KDIR)

vm: modules
	@test -n "$(SCRIPT)" || { echo 'usage: make vm KO="a.ko ..." SCRIPT=path/test.sh' >&2; exit 2; }
	qemu/run.sh --kdir $(KDIR) --ko "$(CURDIR)/dmio.ko $(KO)" --script $(SCRIPT)

test:
	qemu/test.sh

test-stock:
	qemu/stock-test.sh

dkms-check:
	qemu/dkms-check.sh

demo: modules
	qemu/demo.sh --kdir $(KDIR)

stress: modules
	qemu/stress.sh --kdir $(KDIR) --no-build --duration $(DURATION)

C_SOURCES := $(filter-out %.mod.c,$(wildcard *.c kunit/*.c mirror/*.c stress/*.c kernel-targets/*.c bench/*.c)) \
	$(wildcard kunit/*.h) dmio_stats.h dmio_trace.h \
	include/dmio/dm-io.h include/dmio/shim.h include/dmio/testing.h \
	include/dmio/compat.h include/dmio/kcompat.h
CXX_SOURCES := $(wildcard *.cpp) dmio_mempool.h include/dmio/ktl.h

check:
	$(KDIR)/scripts/checkpatch.pl --no-tree --quiet -f $(C_SOURCES)
	clang-format --dry-run -Werror $(CXX_SOURCES)
