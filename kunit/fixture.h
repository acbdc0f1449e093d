/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - what every dmio KUnit suite shares: the devices, the
 * per-test fixture that opens and closes them, buffers, and the helpers
 * that move data through each dm-io entry point.
 *
 * The suites check the dm-io contract, one behaviour per case, on real
 * devices.  qemu/run.sh boots the test kernel with tests/kunit.sh, which
 * creates the devices named below before loading this module.  One suite
 * per file: data.c, regions.c, errors.c, ops.c, notify.c, reserve.c,
 * reject.c, abi.c; testdisk_test.c checks the test disk of testdisk.h.
 */
#ifndef _DMIO_KUNIT_FIXTURE_H
#define _DMIO_KUNIT_FIXTURE_H

#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <dmio/compat.h>
#include <dmio/dm-io.h>

#define RAM(n) "/dev/ram" #n
#define SLOW "/dev/mapper/dmio_slow"	/* dm-delay, 300 ms, over ram70 */
#define SLOW_BACKING "/dev/ram70"
#define FAIL_MAKE_REQUEST "/dev/ram71"	/* every bio fails */
#define DM_ERROR "/dev/mapper/dmio_err"
#define NB_MEM "/dev/nbmem"		/* discard */
#define NB_4K "/dev/nb4k"		/* 4096-byte logical blocks, no discard */
#define NB_BAD "/dev/nbbad"		/* sectors 0-2047 fail */
#define NB_CACHE "/dev/nbcache"		/* volatile cache: flushes counted */
#define VD_ZEROES "/dev/vda"		/* virtio: write-zeroes */
#define VD_NO_FUA "/dev/vdb"		/* virtio: cache, FUA emulated by flush */
#define VD_4K "/dev/vdd"		/* virtio: 4096-byte logical blocks */

#define SLOW_MS 300
#define MAX_DEVS 72

/* ---- Devices: opened per test, closed by the suite's exit ---- */

struct fixture {
	struct dmio_bdev_ref dev[MAX_DEVS];
	unsigned int nr;
};

int fixture_init(struct kunit *test);
void fixture_exit(struct kunit *test);

/* Opens @path read-write for this test; the suite's exit closes it. */
struct block_device *dev(struct kunit *test, const char *path);

/* Opens /dev/ram@n, as dev(). */
struct block_device *ram(struct kunit *test, unsigned int n);

static inline struct io_region region(struct block_device *bdev,
				      sector_t sector, sector_t count)
{
	return (struct io_region){ .bdev = bdev, .sector = sector,
				   .count = count };
}

/* ---- Buffers ---- */

/* @bytes of vmalloc'd pattern, different for each @seed; vfree() it. */
void *pattern(struct kunit *test, size_t bytes, u32 seed);

/* @bytes of vmalloc'd memory set to @c; vfree() it. */
void *filled(struct kunit *test, size_t bytes, int c);

/* Whether each of the @bytes bytes at @buf is @c. */
static inline bool all_bytes(const void *buf, size_t bytes, u8 c)
{
	return !bytes || (*(const u8 *)buf == c &&
			  !memcmp(buf, buf + 1, bytes - 1));
}

/* @n single pages, the array test-managed, the pages freed by pages_free. */
struct page **pages_alloc(struct kunit *test, unsigned int n);
void pages_free(struct page **pages, unsigned int n);

/* ---- Async requests ---- */

struct async_result {
	struct completion done;
	atomic_t calls;
	unsigned long bits;
};

/* The io_notify_fn to pass with an async_result as its context. */
void async_notify(unsigned long bits, void *context);

/* A test-managed async_result, not yet notified. */
struct async_result *async_result(struct kunit *test);

/* Waits for an async request; the callback must have run exactly once. */
unsigned long async_wait(struct kunit *test, struct async_result *a);

/* ---- Moving data ---- */

/*
 * How a test moves data: through which entry point, from what buffer.
 * offset: where the data starts in the first page (page list, vm);
 * entry: bytes per bio_vec (bvec), PAGE_SIZE when 0.
 */
enum kind { PAGE_LIST, BVEC, VM, HUGE_VM, LINEAR };

struct xfer {
	enum kind kind;
	bool async;
	unsigned int offset;
	unsigned int entry;
};

extern const struct xfer SYNC_VM;
extern const struct xfer SYNC_PL;

/* The raw call, on buffers already set up.  Sync and async alike. */
int call(struct kunit *test, const struct xfer *x, int rw,
	 struct io_region *where, unsigned int n, struct page_list *pl,
	 struct bio_vec *bv, void *vm, unsigned long *bits);

/*
 * Moves @bytes between @data and the regions through @x: for a write
 * @data is the source, for a read the destination.  Returns what dm_io
 * returned; *bits gets the error bitset.
 */
int xfer(struct kunit *test, const struct xfer *x, int rw,
	 struct io_region *where, unsigned int n, void *data,
	 size_t bytes, unsigned long *bits);

/* Writes @bytes of pattern through @w, reads back through @rd, compares. */
void round_trip(struct kunit *test, const struct xfer *w,
		const struct xfer *rd, struct block_device *bdev,
		sector_t sector, size_t bytes);

#endif /* _DMIO_KUNIT_FIXTURE_H */
