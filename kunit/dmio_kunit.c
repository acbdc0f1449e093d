// SPDX-License-Identifier: GPL-2.0
/*
 * dmio_kunit.c - the dm-io contract, one behaviour per case, on real
 * devices.  qemu/run.sh boots the test kernel with tests/kunit.sh, which
 * creates the devices named below before loading this module.
 */
#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/part_stat.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <dmio/dm-io.h>
#include <dmio/testing.h>

#define RAM(n) "/dev/ram" #n
#define SLOW "/dev/mapper/dmio_slow"	/* dm-delay, 300 ms, over ram70 */
#define SLOW_BACKING "/dev/ram70"
#define FAIL_MAKE_REQUEST "/dev/ram71"	/* every bio fails */
#define DM_ERROR "/dev/mapper/dmio_err"
#define NB_MEM "/dev/nbmem"		/* discard */
#define NB_4K "/dev/nb4k"		/* 4096-byte logical blocks */
#define NB_BAD "/dev/nbbad"		/* sectors 0-2047 fail */
#define NB_CACHE "/dev/nbcache"		/* volatile cache: flushes counted */
#define VD_ZEROES "/dev/vda"		/* virtio: write-zeroes */
#define VD_NO_FUA "/dev/vdb"		/* virtio: cache, FUA emulated by flush */
#define VD_4K "/dev/vdd"		/* virtio: 4096-byte logical blocks */

#define SLOW_MS 300
#define MAX_DEVS 72

/* ---- Devices: opened per test, closed by the suite's exit ---- */

struct fixture {
	struct block_device *bdev[MAX_DEVS];
	unsigned int nr;
};

static int fixture_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct fixture), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void fixture_exit(struct kunit *test)
{
	struct fixture *f = test->priv;

	while (f->nr)
		blkdev_put(f->bdev[--f->nr], FMODE_READ | FMODE_WRITE);
}

static struct block_device *dev(struct kunit *test, const char *path)
{
	struct fixture *f = test->priv;
	struct block_device *bdev;

	KUNIT_ASSERT_LT(test, f->nr, MAX_DEVS);
	bdev = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE, NULL);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(bdev), "cannot open %s: %ld",
			       path, PTR_ERR(bdev));
	f->bdev[f->nr++] = bdev;
	return bdev;
}

static struct block_device *ram(struct kunit *test, unsigned int n)
{
	char path[16];

	snprintf(path, sizeof(path), RAM(%u), n);
	return dev(test, path);
}

static struct io_region region(struct block_device *bdev, sector_t sector,
			       sector_t count)
{
	return (struct io_region){ .bdev = bdev, .sector = sector,
				   .count = count };
}

/* ---- Buffers ---- */

static void *pattern(struct kunit *test, size_t bytes, u32 seed)
{
	u32 *p = vmalloc(bytes);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < bytes / 4; i++)
		p[i] = seed * 0x9e3779b1u + i;
	return p;
}

static void *filled(struct kunit *test, size_t bytes, int c)
{
	void *p = vmalloc(bytes);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, c, bytes);
	return p;
}

static bool all_bytes(const void *buf, size_t bytes, u8 c)
{
	return !bytes || (*(const u8 *)buf == c &&
			  !memcmp(buf, buf + 1, bytes - 1));
}

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

struct async_result {
	struct completion done;
	atomic_t calls;
	unsigned long bits;
};

static void async_notify(unsigned long bits, void *context)
{
	struct async_result *a = context;

	a->bits = bits;
	atomic_inc(&a->calls);
	complete(&a->done);
}

static struct async_result *async_result(struct kunit *test)
{
	struct async_result *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	init_completion(&a->done);
	return a;
}

/* Waits for an async request; the callback must have run exactly once. */
static unsigned long async_wait(struct kunit *test, struct async_result *a)
{
	KUNIT_ASSERT_NE_MSG(test, 0ul,
			    wait_for_completion_timeout(&a->done, 30 * HZ),
			    "async callback never ran");
	msleep(20);	/* room for a second, wrong, call */
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 1);
	return a->bits;
}

/* The raw call, on buffers already set up.  Sync and async alike. */
static int call(struct kunit *test, const struct xfer *x, int rw,
		struct io_region *where, unsigned int n, struct page_list *pl,
		struct bio_vec *bv, void *vm, unsigned long *bits)
{
	struct async_result *a;
	int r;

	if (!x->async) {
		switch (x->kind) {
		case PAGE_LIST:
			return dm_io_sync(n, where, rw, pl, x->offset, bits);
		case BVEC:
			return dm_io_sync_bvec(n, where, rw, bv, bits);
		default:
			return dm_io_sync_vm(n, where, rw, vm, bits);
		}
	}
	a = async_result(test);
	switch (x->kind) {
	case PAGE_LIST:
		r = dm_io_async(n, where, rw, pl, x->offset, async_notify, a);
		break;
	case BVEC:
		r = dm_io_async_bvec(n, where, rw, bv, async_notify, a);
		break;
	default:
		r = dm_io_async_vm(n, where, rw, vm, async_notify, a);
		break;
	}
	if (r) {
		msleep(20);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->calls), 0,
				    "callback ran for a refused request");
		return r;
	}
	*bits = async_wait(test, a);
	return *bits ? -EIO : 0;
}

static struct page **pages_alloc(struct kunit *test, unsigned int n)
{
	struct page **pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	return pages;
}

static void pages_free(struct page **pages, unsigned int n)
{
	while (n--)
		__free_page(pages[n]);
}

/*
 * Moves @bytes between @data and the regions through @x: for a write
 * @data is the source, for a read the destination.  Returns what dm_io
 * returned; *bits gets the error bitset.
 */
static int xfer(struct kunit *test, const struct xfer *x, int rw,
		struct io_region *where, unsigned int n, void *data,
		size_t bytes, unsigned long *bits)
{
	bool reading = (rw & REQ_OP_MASK) == REQ_OP_READ;
	unsigned int entry = x->entry ?: PAGE_SIZE;
	unsigned int i, npages;
	struct page_list *pl = NULL;
	struct bio_vec *bv = NULL;
	struct page **pages;
	size_t at, chunk;
	void *vm, *base;
	int r;

	*bits = ~0ul;
	if (x->kind == VM || x->kind == HUGE_VM || x->kind == LINEAR) {
		base = x->kind == VM ? vmalloc(bytes + x->offset) :
		       x->kind == HUGE_VM ? vmalloc_huge(bytes + x->offset, GFP_KERNEL) :
		       kmalloc(bytes + x->offset, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, base);
		vm = base + x->offset;
		if (!reading)
			memcpy(vm, data, bytes);
		r = call(test, x, rw, where, n, NULL, NULL, vm, bits);
		if (reading)
			memcpy(data, vm, bytes);
		kvfree(base);
		return r;
	}

	if (x->kind == PAGE_LIST) {
		npages = DIV_ROUND_UP(x->offset + bytes, PAGE_SIZE);
		pages = pages_alloc(test, npages);
		pl = kunit_kcalloc(test, npages, sizeof(*pl), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pl);
		for (i = 0; i < npages; i++) {
			pl[i].page = pages[i];
			pl[i].next = i + 1 < npages ? &pl[i + 1] : NULL;
		}
	} else {
		npages = DIV_ROUND_UP(bytes, entry);
		pages = pages_alloc(test, npages);
		bv = kunit_kcalloc(test, npages, sizeof(*bv), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, bv);
		for (i = 0; i < npages; i++)
			bv[i] = (struct bio_vec){ .bv_page = pages[i],
						  .bv_len = entry };
	}

	/* Copy between @data and the pages, in the layout the call uses. */
	for (at = 0, i = 0; !reading && at < bytes; at += chunk, i++) {
		unsigned int off = x->kind == PAGE_LIST ? (i ? 0 : x->offset) : 0;

		chunk = min_t(size_t, bytes - at,
			      x->kind == PAGE_LIST ? PAGE_SIZE - off : entry);
		memcpy_to_page(pages[i], off, data + at, chunk);
	}
	r = call(test, x, rw, where, n, pl, bv, NULL, bits);
	for (at = 0, i = 0; reading && at < bytes; at += chunk, i++) {
		unsigned int off = x->kind == PAGE_LIST ? (i ? 0 : x->offset) : 0;

		chunk = min_t(size_t, bytes - at,
			      x->kind == PAGE_LIST ? PAGE_SIZE - off : entry);
		memcpy_from_page(data + at, pages[i], off, chunk);
	}
	pages_free(pages, npages);
	return r;
}

static const struct xfer SYNC_VM = { .kind = VM };
static const struct xfer SYNC_PL = { .kind = PAGE_LIST };

/* Writes @bytes of pattern through @w, reads back through @r, compares. */
static void round_trip(struct kunit *test, const struct xfer *w,
		       const struct xfer *rd, struct block_device *bdev,
		       sector_t sector, size_t bytes)
{
	struct io_region where = region(bdev, sector, bytes >> SECTOR_SHIFT);
	void *data = pattern(test, bytes, sector + bytes);
	void *back = filled(test, bytes, 0x5a);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, xfer(test, w, WRITE, &where, 1, data, bytes, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_EQ(test, xfer(test, rd, READ, &where, 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(data, back, bytes),
			      "data read back differs from data written");
	vfree(data);
	vfree(back);
}

/* ==== dmio_data: every entry point moves data, byte-exact ==== */

#define ENTRY_CASES(name, X)						\
static void name##_writes(struct kunit *test)				\
{									\
	static const struct xfer x = X;					\
	round_trip(test, &x, &SYNC_VM, ram(test, 0), 2048, 64 << 10);	\
}									\
static void name##_reads(struct kunit *test)				\
{									\
	static const struct xfer x = X;					\
	round_trip(test, &SYNC_PL, &x, ram(test, 0), 4096, 64 << 10);	\
}

ENTRY_CASES(sync_page_list, ((struct xfer){ .kind = PAGE_LIST }))
ENTRY_CASES(async_page_list, ((struct xfer){ .kind = PAGE_LIST, .async = true }))
ENTRY_CASES(sync_bvec, ((struct xfer){ .kind = BVEC }))
ENTRY_CASES(async_bvec, ((struct xfer){ .kind = BVEC, .async = true }))
ENTRY_CASES(sync_vm, ((struct xfer){ .kind = VM }))
ENTRY_CASES(async_vm, ((struct xfer){ .kind = VM, .async = true }))

static void region_above_bio_max_vecs_round_trips(struct kunit *test)
{
	size_t bytes = (BIO_MAX_VECS * 3 + 7) * PAGE_SIZE;

	round_trip(test, &SYNC_PL, &SYNC_VM, ram(test, 1), 0, bytes);
}

static void page_list_offset_inside_first_page_round_trips(struct kunit *test)
{
	static const struct xfer x = { .kind = PAGE_LIST, .offset = 1536 };

	round_trip(test, &x, &x, ram(test, 1), 8, 300 * PAGE_SIZE);
}

static void unaligned_vmalloc_buffer_round_trips(struct kunit *test)
{
	static const struct xfer x = { .kind = VM, .offset = 512 };

	round_trip(test, &x, &x, ram(test, 1), 16, 260 * PAGE_SIZE);
}

/*
 * 4 MiB crosses a PMD boundary whatever the mapping; where 2 MiB pages
 * were free, vmalloc_huge() maps PMD leaves rather than PTEs.
 */
static void huge_vmalloc_buffer_round_trips(struct kunit *test)
{
	static const struct xfer x = { .kind = HUGE_VM, .offset = 512 };

	round_trip(test, &x, &SYNC_PL, ram(test, 1), 0, SZ_4M);
}

static void linear_kmalloc_buffer_round_trips(struct kunit *test)
{
	static const struct xfer x = { .kind = LINEAR, .offset = 512 };

	round_trip(test, &x, &SYNC_VM, ram(test, 1), 24, 32 << 10);
}

static void small_bvec_entries_round_trip(struct kunit *test)
{
	/* 600 entries of 512 bytes: a bio's vector table fills first. */
	static const struct xfer x = { .kind = BVEC, .entry = 512 };

	round_trip(test, &x, &SYNC_VM, ram(test, 2), 8, 600 * 512);
}

static void regions_with_different_block_sizes_round_trip(struct kunit *test)
{
	/* The longest region is not a whole number of the 4 KiB blocks. */
	size_t bytes = (BIO_MAX_VECS + 1) * PAGE_SIZE + 512;
	struct io_region where[] = {
		region(ram(test, 3), 0, bytes >> SECTOR_SHIFT),
		region(dev(test, VD_4K), 0, PAGE_SECTORS),
	};
	void *data = pattern(test, bytes, 4096);
	void *back = filled(test, bytes, 0);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_PL, WRITE, where, 2, data, bytes, &bits), 0);
	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_VM, READ, &where[0], 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(data, back, bytes));
	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_VM, READ, &where[1], 1, back, PAGE_SIZE, &bits), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(data, back, PAGE_SIZE));
	vfree(data);
	vfree(back);
}

static void write_to_different_buffer_kind_is_read_back(struct kunit *test)
{
	static const struct xfer bv = { .kind = BVEC, .async = true };

	round_trip(test, &bv, &SYNC_PL, dev(test, NB_MEM), 64, 1 << 20);
}

static struct kunit_case dmio_data_cases[] = {
	KUNIT_CASE(sync_page_list_writes),
	KUNIT_CASE(sync_page_list_reads),
	KUNIT_CASE(async_page_list_writes),
	KUNIT_CASE(async_page_list_reads),
	KUNIT_CASE(sync_bvec_writes),
	KUNIT_CASE(sync_bvec_reads),
	KUNIT_CASE(async_bvec_writes),
	KUNIT_CASE(async_bvec_reads),
	KUNIT_CASE(sync_vm_writes),
	KUNIT_CASE(sync_vm_reads),
	KUNIT_CASE(async_vm_writes),
	KUNIT_CASE(async_vm_reads),
	KUNIT_CASE(region_above_bio_max_vecs_round_trips),
	KUNIT_CASE(page_list_offset_inside_first_page_round_trips),
	KUNIT_CASE(unaligned_vmalloc_buffer_round_trips),
	KUNIT_CASE(huge_vmalloc_buffer_round_trips),
	KUNIT_CASE(linear_kmalloc_buffer_round_trips),
	KUNIT_CASE(small_bvec_entries_round_trip),
	KUNIT_CASE(regions_with_different_block_sizes_round_trip),
	KUNIT_CASE(write_to_different_buffer_kind_is_read_back),
	{}
};

static struct kunit_suite dmio_data_suite = {
	.name = "dmio_data",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_data_cases,
};

/* ==== dmio_regions: one write, many devices ==== */

/* Writes one buffer to @n ram disks at once; each must hold it after. */
static void write_regions(struct kunit *test, unsigned int n, bool async)
{
	const struct xfer x = { .kind = PAGE_LIST, .async = async };
	size_t bytes = 40 * PAGE_SIZE;
	struct io_region *where = kunit_kcalloc(test, n, sizeof(*where), GFP_KERNEL);
	void *data = pattern(test, bytes, n);
	void *back = vmalloc(bytes);
	unsigned long bits;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, where);
	KUNIT_ASSERT_NOT_NULL(test, back);
	for (i = 0; i < n; i++)
		where[i] = region(ram(test, i), 4096 + 8 * i, bytes >> SECTOR_SHIFT);
	KUNIT_EXPECT_EQ(test, xfer(test, &x, WRITE, where, n, data, bytes, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	for (i = 0; i < n; i++) {
		memset(back, 0, bytes);
		KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_VM, READ, &where[i], 1,
					   back, bytes, &bits), 0);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(data, back, bytes),
				      "region %u differs", i);
	}
	vfree(data);
	vfree(back);
}

static void write_to_one_region(struct kunit *test)
{
	write_regions(test, 1, false);
}

static void write_to_two_regions(struct kunit *test)
{
	write_regions(test, 2, false);
}

static void write_to_eight_regions(struct kunit *test)
{
	write_regions(test, 8, true);
}

static void write_to_bits_per_long_regions(struct kunit *test)
{
	write_regions(test, BITS_PER_LONG, false);
}

static void shorter_regions_get_a_prefix_of_the_data(struct kunit *test)
{
	size_t bytes = 600 * PAGE_SIZE;	/* longer than one bio */
	sector_t counts[] = { 8, bytes >> SECTOR_SHIFT, 2056, 0 };
	struct io_region where[ARRAY_SIZE(counts)];
	void *data = pattern(test, bytes, 77);
	void *back = vmalloc(bytes + PAGE_SIZE);
	unsigned long bits;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, back);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		where[i] = region(ram(test, 10 + i), 0, counts[i]);
		/* Mark what lies past the region: it must stay untouched. */
		memset(back, 0xee, bytes + PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, WRITE,
					   &(struct io_region){ where[i].bdev, 0,
						(bytes + PAGE_SIZE) >> SECTOR_SHIFT },
					   1, back, bytes + PAGE_SIZE, &bits), 0);
	}
	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_PL, WRITE, where, ARRAY_SIZE(where),
				   data, bytes, &bits), 0);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		size_t len = counts[i] << SECTOR_SHIFT;
		struct io_region all = region(where[i].bdev, 0,
					      (bytes + PAGE_SIZE) >> SECTOR_SHIFT);

		KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, READ, &all, 1, back,
					   bytes + PAGE_SIZE, &bits), 0);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(back, data, len),
				      "region %u: prefix differs", i);
		KUNIT_EXPECT_TRUE_MSG(test, all_bytes(back + len, bytes + PAGE_SIZE - len, 0xee),
				      "region %u: written past its count", i);
	}
	vfree(data);
	vfree(back);
}

static struct kunit_case dmio_regions_cases[] = {
	KUNIT_CASE(write_to_one_region),
	KUNIT_CASE(write_to_two_regions),
	KUNIT_CASE(write_to_eight_regions),
	KUNIT_CASE(write_to_bits_per_long_regions),
	KUNIT_CASE(shorter_regions_get_a_prefix_of_the_data),
	{}
};

static struct kunit_suite dmio_regions_suite = {
	.name = "dmio_regions",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_regions_cases,
};

/* ==== dmio_errors: the error bitset and failed reads ==== */

/* Regions 1 (null_blk bad blocks) and 3 (dm-error) fail; 0 and 2 do not. */
static void write_with_failing_regions(struct kunit *test, bool async)
{
	const struct xfer x = { .kind = BVEC, .async = async };
	size_t bytes = 16 * PAGE_SIZE;
	struct io_region where[] = {
		region(ram(test, 20), 0, bytes >> SECTOR_SHIFT),
		region(dev(test, NB_BAD), 0, bytes >> SECTOR_SHIFT),
		region(ram(test, 21), 0, bytes >> SECTOR_SHIFT),
		region(dev(test, DM_ERROR), 0, bytes >> SECTOR_SHIFT),
	};
	void *data = pattern(test, bytes, async);
	void *back = filled(test, bytes, 0);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, xfer(test, &x, WRITE, where, 4, data, bytes, &bits), -EIO);
	KUNIT_EXPECT_EQ(test, bits, BIT(1) | BIT(3));
	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_VM, READ, &where[2], 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(data, back, bytes),
			      "a healthy region lost its data");
	vfree(data);
	vfree(back);
}

static void sync_sets_only_failing_regions_bits(struct kunit *test)
{
	write_with_failing_regions(test, false);
}

static void async_callback_gets_only_failing_regions_bits(struct kunit *test)
{
	write_with_failing_regions(test, true);
}

static void failed_read_zero_fills_buffer(struct kunit *test)
{
	size_t bytes = 300 * PAGE_SIZE;
	struct io_region where = region(dev(test, NB_BAD), 0, bytes >> SECTOR_SHIFT);
	void *back = filled(test, bytes, 0xaa);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_PL, READ, &where, 1, back, bytes, &bits), -EIO);
	KUNIT_EXPECT_EQ(test, bits, 1ul);
	KUNIT_EXPECT_TRUE_MSG(test, all_bytes(back, 1024 << 10, 0),
			      "failed read left stale data in the buffer");
	vfree(back);
}

static void fail_make_request_device_sets_its_bit(struct kunit *test)
{
	size_t bytes = 4 * PAGE_SIZE;
	struct io_region where[] = {
		region(ram(test, 22), 0, bytes >> SECTOR_SHIFT),
		region(dev(test, FAIL_MAKE_REQUEST), 0, bytes >> SECTOR_SHIFT),
	};
	void *data = pattern(test, bytes, 5);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_VM, WRITE, where, 2, data, bytes, &bits), -EIO);
	KUNIT_EXPECT_EQ(test, bits, BIT(1));
	vfree(data);
}

static void sync_error_bits_may_be_null(struct kunit *test)
{
	struct io_region where = region(dev(test, DM_ERROR), 0, 8);
	void *buf = filled(test, 4096, 1);

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE, buf, NULL), -EIO);
	vfree(buf);
}

static struct kunit_case dmio_errors_cases[] = {
	KUNIT_CASE(sync_sets_only_failing_regions_bits),
	KUNIT_CASE(async_callback_gets_only_failing_regions_bits),
	KUNIT_CASE(failed_read_zero_fills_buffer),
	KUNIT_CASE(fail_make_request_device_sets_its_bit),
	KUNIT_CASE(sync_error_bits_may_be_null),
	{}
};

static struct kunit_suite dmio_errors_suite = {
	.name = "dmio_errors",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_errors_cases,
};

/* ==== dmio_ops: flush, FUA, discard, write-zeroes, signals ==== */

static unsigned long flushes(struct block_device *bdev)
{
	return part_stat_read(bdev, ios[STAT_FLUSH]);
}

static void flush_with_empty_region_reaches_device(struct kunit *test)
{
	struct block_device *bdev = dev(test, NB_CACHE);
	struct io_region where[] = { region(ram(test, 23), 0, 8), region(bdev, 0, 0) };
	void *buf = filled(test, 4096, 3);
	unsigned long before = flushes(bdev), bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(2, where, WRITE | REQ_PREFLUSH, buf, &bits), 0);
	KUNIT_EXPECT_GT(test, flushes(bdev), before);
	vfree(buf);
}

static void empty_region_without_flush_is_skipped(struct kunit *test)
{
	struct block_device *bdev = dev(test, NB_CACHE);
	struct io_region where = region(bdev, 0, 0);
	unsigned long writes = part_stat_read(bdev, ios[STAT_WRITE]);
	unsigned long before = flushes(bdev), bits = ~0ul;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE, NULL, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_EQ(test, flushes(bdev), before);
	KUNIT_EXPECT_EQ(test, part_stat_read(bdev, ios[STAT_WRITE]), writes);
}

static void fua_write_reaches_device(struct kunit *test)
{
	/* virtio-blk has no FUA: the block layer follows with a flush. */
	struct block_device *bdev = dev(test, VD_NO_FUA);
	unsigned long before = flushes(bdev), bits;
	struct io_region where = region(bdev, 0, 8);
	void *buf = filled(test, 4096, 4);

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE | REQ_FUA, buf, &bits), 0);
	KUNIT_EXPECT_GT(test, flushes(bdev), before);
	vfree(buf);
}

/* Writes a pattern, applies @op over part of it, checks zeroes there. */
static void zeroing_op_zeroes(struct kunit *test, const char *path, int op)
{
	size_t bytes = 1 << 20;
	struct block_device *bdev = dev(test, path);
	struct io_region all = region(bdev, 0, bytes >> SECTOR_SHIFT);
	struct io_region part = region(bdev, 256, 1024);
	void *data = pattern(test, bytes, op);
	void *back = filled(test, bytes, 0x77);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, WRITE, &all, 1, data, bytes, &bits), 0);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &part, op, NULL, 0, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, READ, &all, 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(back, data, 256 << SECTOR_SHIFT));
	KUNIT_EXPECT_TRUE(test, all_bytes(back + (256 << SECTOR_SHIFT), 1024 << SECTOR_SHIFT, 0));
	KUNIT_EXPECT_TRUE(test, !memcmp(back + (1280 << SECTOR_SHIFT),
					data + (1280 << SECTOR_SHIFT),
					bytes - (1280 << SECTOR_SHIFT)));
	vfree(data);
	vfree(back);
}

static void discard_zeroes_null_blk(struct kunit *test)
{
	zeroing_op_zeroes(test, NB_MEM, REQ_OP_DISCARD);
}

static void write_zeroes_zeroes_virtio_disk(struct kunit *test)
{
	zeroing_op_zeroes(test, VD_ZEROES, REQ_OP_WRITE_ZEROES);
}

/* brd supports neither: its region fails, the other one does not. */
static void unsupported_op_sets_only_that_regions_bit(struct kunit *test, int op)
{
	struct io_region where[] = {
		region(dev(test, NB_MEM), 0, 64),
		region(ram(test, 24), 0, 64),
	};
	struct async_result *a = async_result(test);

	if (op == REQ_OP_WRITE_ZEROES)
		where[0].bdev = dev(test, VD_ZEROES);
	KUNIT_ASSERT_EQ(test, dm_io_async(2, where, op, NULL, 0, async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), BIT(1));
}

static void discard_on_unsupporting_device_sets_its_bit(struct kunit *test)
{
	unsupported_op_sets_only_that_regions_bit(test, REQ_OP_DISCARD);
}

static void write_zeroes_on_unsupporting_device_sets_its_bit(struct kunit *test)
{
	unsupported_op_sets_only_that_regions_bit(test, REQ_OP_WRITE_ZEROES);
}

static void sync_with_pending_signal_waits_for_all_bios(struct kunit *test)
{
	size_t bytes = 8 * PAGE_SIZE;
	struct io_region slow = region(dev(test, SLOW), 0, bytes >> SECTOR_SHIFT);
	struct io_region backing = region(dev(test, SLOW_BACKING), 0, bytes >> SECTOR_SHIFT);
	void *data = pattern(test, bytes, 99);
	void *back = filled(test, bytes, 0);
	unsigned long bits;
	ktime_t start;

	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, WRITE, &backing, 1, data, bytes, &bits), 0);
	allow_signal(SIGUSR1);
	send_sig(SIGUSR1, current, 1);
	KUNIT_ASSERT_TRUE(test, signal_pending(current));
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_PL, READ, &slow, 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), start), SLOW_MS);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(data, back, bytes),
			      "returned before the read completed");
	flush_signals(current);
	disallow_signal(SIGUSR1);
	vfree(data);
	vfree(back);
}

static struct kunit_case dmio_ops_cases[] = {
	KUNIT_CASE(flush_with_empty_region_reaches_device),
	KUNIT_CASE(empty_region_without_flush_is_skipped),
	KUNIT_CASE(fua_write_reaches_device),
	KUNIT_CASE(discard_zeroes_null_blk),
	KUNIT_CASE(write_zeroes_zeroes_virtio_disk),
	KUNIT_CASE(discard_on_unsupporting_device_sets_its_bit),
	KUNIT_CASE(write_zeroes_on_unsupporting_device_sets_its_bit),
	KUNIT_CASE(sync_with_pending_signal_waits_for_all_bios),
	{}
};

static struct kunit_suite dmio_ops_suite = {
	.name = "dmio_ops",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_ops_cases,
};

/* ==== dmio_notify: the async callback runs exactly once ==== */

static void callback_runs_once_for_all_empty_regions(struct kunit *test)
{
	struct io_region where[] = { region(ram(test, 25), 0, 0), region(ram(test, 26), 8, 0) };
	struct async_result *a = async_result(test);

	KUNIT_ASSERT_EQ(test, dm_io_async_vm(2, where, WRITE, NULL, async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
}

static void callback_runs_once_for_many_bios(struct kunit *test)
{
	size_t bytes = 2 << 20;
	struct io_region where[] = {
		region(ram(test, 27), 0, bytes >> SECTOR_SHIFT),
		region(ram(test, 28), 0, bytes >> SECTOR_SHIFT),
	};
	struct async_result *a = async_result(test);
	void *buf = filled(test, bytes, 9);

	KUNIT_ASSERT_EQ(test, dm_io_async_vm(2, where, WRITE, buf, async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
	vfree(buf);
}

static void callback_never_runs_for_refused_request(struct kunit *test)
{
	struct io_region where = region(ram(test, 29), 1ull << 40, 8);
	struct async_result *a = async_result(test);
	void *buf = filled(test, 4096, 9);

	KUNIT_EXPECT_EQ(test, dm_io_async_vm(1, &where, WRITE, buf, async_notify, a), -EINVAL);
	msleep(50);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 0);
	vfree(buf);
}

static struct kunit_case dmio_notify_cases[] = {
	KUNIT_CASE(callback_runs_once_for_all_empty_regions),
	KUNIT_CASE(callback_runs_once_for_many_bios),
	KUNIT_CASE(callback_never_runs_for_refused_request),
	{}
};

static struct kunit_suite dmio_notify_suite = {
	.name = "dmio_notify",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_notify_cases,
};

/* ==== dmio_reserve: dm_io_get / dm_io_put ==== */

static void base_reservation_exists_before_any_get(struct kunit *test)
{
	KUNIT_EXPECT_GT(test, dmio_reserved_pages(), 0u);
}

/* Every pool holds exactly @pages elements (no I/O is in flight). */
static void expect_pools_hold(struct kunit *test, unsigned int pages)
{
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), pages);
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_BIOS), pages);
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_BVECS), pages);
}

static void get_grows_and_put_shrinks_reservation(struct kunit *test)
{
	unsigned int base = dmio_reserved_pages();

	expect_pools_hold(test, base);
	KUNIT_ASSERT_EQ(test, dm_io_get(256), 0);
	expect_pools_hold(test, base + 256);
	dm_io_put(256);
	expect_pools_hold(test, base);
}

static void huge_get_fails_and_changes_nothing(struct kunit *test)
{
	unsigned int base = dmio_reserved_pages();

	KUNIT_EXPECT_EQ(test, dm_io_get(UINT_MAX), -ENOMEM);
	KUNIT_EXPECT_EQ(test, dm_io_get(1U << 30), -ENOMEM);
	expect_pools_hold(test, base);
}

static void unbalanced_put_clamps_to_base(struct kunit *test)
{
	unsigned int base = dmio_reserved_pages();

	KUNIT_ASSERT_EQ(test, dm_io_get(8), 0);
	dm_io_put(100);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), base);
}

#ifdef CONFIG_FAULT_INJECTION
static void get_is_all_or_nothing_under_failslab(struct kunit *test)
{
	unsigned int base = dmio_reserved_pages(), nth, failures = 0;
	int r;

	/* Fail the 1st, 2nd, ... allocation of a get in turn. */
	for (nth = 1; nth <= 120; nth++) {
		current->fail_nth = nth;
		r = dm_io_get(16);
		current->fail_nth = 0;
		if (r) {
			failures++;
			KUNIT_EXPECT_EQ(test, r, -ENOMEM);
		} else {
			dm_io_put(16);
		}
		KUNIT_EXPECT_EQ_MSG(test, dmio_reserved_pages(), base,
				    "failing allocation %u changed the reservation", nth);
		expect_pools_hold(test, base);
	}
	KUNIT_EXPECT_GT(test, failures, 16u);
}

static void io_progresses_from_reserves_when_slab_fails(struct kunit *test)
{
	unsigned int i, n = 64;
	struct io_region where = region(ram(test, 30), 0, n * PAGE_SECTORS);
	struct page **pages = pages_alloc(test, n);
	struct bio_vec *bv = kunit_kcalloc(test, n, sizeof(*bv), GFP_KERNEL);
	unsigned long bits;
	int r;

	KUNIT_ASSERT_NOT_NULL(test, bv);
	for (i = 0; i < n; i++)
		bv[i] = (struct bio_vec){ .bv_page = pages[i], .bv_len = PAGE_SIZE };
	/* brd allocates its pages on first write: do that before failing. */
	KUNIT_ASSERT_EQ(test, dm_io_sync_bvec(1, &where, WRITE, bv, &bits), 0);
	for (i = 0; i < 16; i++) {
		current->make_it_fail = 1;	/* every slab allocation fails */
		r = dm_io_sync_bvec(1, &where, i & 1 ? READ : WRITE, bv, &bits);
		current->make_it_fail = 0;
		KUNIT_EXPECT_EQ(test, r, 0);
	}
	pages_free(pages, n);
}
#endif

static struct kunit_case dmio_reserve_cases[] = {
	KUNIT_CASE(base_reservation_exists_before_any_get),
	KUNIT_CASE(get_grows_and_put_shrinks_reservation),
	KUNIT_CASE(huge_get_fails_and_changes_nothing),
	KUNIT_CASE(unbalanced_put_clamps_to_base),
#ifdef CONFIG_FAULT_INJECTION
	KUNIT_CASE(get_is_all_or_nothing_under_failslab),
	KUNIT_CASE(io_progresses_from_reserves_when_slab_fails),
#endif
	{}
};

static struct kunit_suite dmio_reserve_suite = {
	.name = "dmio_reserve",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_reserve_cases,
};

/* ==== dmio_reject: bad input is refused whole, before any I/O ==== */

/* @where must be refused with -EINVAL and leave ram31 untouched. */
static void expect_refused(struct kunit *test, unsigned int n,
			   struct io_region *where, int rw, void *vm)
{
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(n, where, rw, vm, &bits), -EINVAL);
}

static void *sentinel(struct kunit *test, struct io_region *canary)
{
	void *buf = filled(test, 4096, 0x33);
	unsigned long bits;

	*canary = region(ram(test, 31), 0, 8);
	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, canary, WRITE, buf, &bits), 0);
	memset(buf, 0xcc, 4096);
	return buf;
}

static void untouched(struct kunit *test, struct io_region *canary, void *buf)
{
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, canary, READ, buf, &bits), 0);
	KUNIT_EXPECT_TRUE_MSG(test, all_bytes(buf, 4096, 0x33),
			      "a refused request wrote to a valid region");
	vfree(buf);
}

static void rejects_zero_regions(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 0);

	expect_refused(test, 0, &where, WRITE, buf);
	vfree(buf);
}

static void rejects_more_than_bits_per_long_regions(struct kunit *test)
{
	struct io_region *where = kunit_kcalloc(test, BITS_PER_LONG + 1,
						sizeof(*where), GFP_KERNEL);
	struct io_region canary;
	void *buf = sentinel(test, &canary);
	unsigned int i;

	for (i = 0; i <= BITS_PER_LONG; i++)
		where[i] = canary;
	expect_refused(test, BITS_PER_LONG + 1, where, WRITE, buf);
	untouched(test, &canary, buf);
}

static void rejects_read_of_two_regions(struct kunit *test)
{
	struct io_region where[] = { region(ram(test, 31), 0, 8), region(ram(test, 32), 0, 8) };
	void *buf = filled(test, 4096, 0);

	expect_refused(test, 2, where, READ, buf);
	vfree(buf);
}

static void rejects_null_region_array(struct kunit *test)
{
	void *buf = filled(test, 4096, 0);

	expect_refused(test, 1, NULL, WRITE, buf);
	vfree(buf);
}

static void rejects_null_bdev_and_writes_nothing(struct kunit *test)
{
	struct io_region canary, where[2];
	void *buf = sentinel(test, &canary);

	where[0] = canary;
	where[1] = region(NULL, 0, 8);
	expect_refused(test, 2, where, WRITE, buf);
	untouched(test, &canary, buf);
}

static void rejects_region_past_device_end_and_writes_nothing(struct kunit *test)
{
	struct io_region canary, where[2];
	void *buf = sentinel(test, &canary);

	where[0] = canary;
	where[1] = region(canary.bdev, bdev_nr_sectors(canary.bdev) - 4, 8);
	expect_refused(test, 2, where, WRITE, buf);
	untouched(test, &canary, buf);
}

static void rejects_region_not_aligned_to_logical_block(struct kunit *test)
{
	struct io_region canary, where[2];
	void *buf = sentinel(test, &canary);

	where[0] = canary;
	where[1] = region(dev(test, NB_4K), 1, 8);
	expect_refused(test, 2, where, WRITE, buf);
	untouched(test, &canary, buf);
}

static void rejects_page_offset_of_page_size(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	struct page *page = alloc_page(GFP_KERNEL);
	struct page_list pl = { .page = page };
	unsigned long bits;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &where, WRITE, &pl, PAGE_SIZE, &bits), -EINVAL);
	__free_page(page);
}

static void rejects_null_async_callback(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 0);

	KUNIT_EXPECT_EQ(test, dm_io_async_vm(1, &where, WRITE, buf, NULL, NULL), -EINVAL);
	vfree(buf);
}

static void rejects_unknown_operation(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 0);

	expect_refused(test, 1, &where, REQ_OP_SECURE_ERASE, buf);
	vfree(buf);
}

static void rejects_unknown_flag(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 0);

	expect_refused(test, 1, &where, WRITE | REQ_NOWAIT, buf);
	vfree(buf);
}

static void rejects_fua_on_read(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 0);

	expect_refused(test, 1, &where, READ | REQ_FUA, buf);
	vfree(buf);
}

static void rejects_short_page_list(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 16);	/* 2 pages */
	struct page *page = alloc_page(GFP_KERNEL);
	struct page_list pl = { .page = page };
	unsigned long bits;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &where, WRITE, &pl, 0, &bits), -EINVAL);
	__free_page(page);
}

static void rejects_null_data(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &where, WRITE, NULL, 0, &bits), -EINVAL);
	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(1, &where, WRITE, NULL, &bits), -EINVAL);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE, NULL, &bits), -EINVAL);
}

static void rejects_data_not_sector_aligned(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	char *buf = filled(test, 8192, 0);

	expect_refused(test, 1, &where, WRITE, buf + 100);
	vfree(buf);
}

static void rejects_sync_call_inside_bio_submission(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 0);
	struct bio_list lists[2];

	/* As inside a target's map(): bios issued now wait for its return. */
	bio_list_init(&lists[0]);
	bio_list_init(&lists[1]);
	current->bio_list = lists;
	expect_refused(test, 1, &where, WRITE, buf);
	current->bio_list = NULL;
	vfree(buf);
}

static void rejects_bvec_entries_not_whole_blocks(struct kunit *test)
{
	struct io_region where = region(dev(test, VD_4K), 0, 16);
	struct page **pages = pages_alloc(test, 2);
	struct bio_vec bv[] = {
		{ .bv_page = pages[0], .bv_len = 2048 },
		{ .bv_page = pages[1], .bv_len = 2048 },
		{ .bv_page = pages[1], .bv_len = 4096 },
	};
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(1, &where, WRITE, bv, &bits), -EINVAL);
	pages_free(pages, 2);
}

static char not_vmalloc_nor_linear[PAGE_SIZE] __aligned(PAGE_SIZE);

static void rejects_data_neither_vmalloc_nor_linear(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);

	/* A module's static data lives in the module mapping. */
	expect_refused(test, 1, &where, WRITE, not_vmalloc_nor_linear);
}

/*
 * Single pages from vm_map_ram() come from one per-CPU vmap block with no
 * guard pages between them: unmapping the middle one of three neighbours
 * leaves a hole that only a look at every page of the range finds.
 */
static void rejects_vmalloc_range_with_a_hole_inside(struct kunit *test)
{
	enum { MAPS = 8 };
	struct io_region where = region(ram(test, 31), 0, 3 * PAGE_SIZE >> SECTOR_SHIFT);
	struct page **pages = pages_alloc(test, MAPS);
	char *vm[MAPS];
	int i, hole = -1;

	migrate_disable();
	for (i = 0; i < MAPS; i++)
		vm[i] = vm_map_ram(&pages[i], 1, NUMA_NO_NODE);
	migrate_enable();
	for (i = 1; i + 1 < MAPS && hole < 0; i++)
		if (vm[i - 1] && vm[i] == vm[i - 1] + PAGE_SIZE &&
		    vm[i + 1] == vm[i] + PAGE_SIZE)
			hole = i;
	if (hole > 0) {
		vm_unmap_ram(vm[hole], 1);
		vm[hole] = NULL;
		expect_refused(test, 1, &where, WRITE, vm[hole - 1]);
	} else {
		KUNIT_FAIL(test, "no three adjacent vm_map_ram() pages");
	}
	for (i = 0; i < MAPS; i++)
		if (vm[i])
			vm_unmap_ram(vm[i], 1);
	pages_free(pages, MAPS);
}

static void rejects_page_offset_of_page_size_without_data(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 0);
	struct page *page = alloc_page(GFP_KERNEL);
	struct page_list pl = { .page = page };
	unsigned long bits;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &where, WRITE | REQ_PREFLUSH, &pl,
					 PAGE_SIZE, &bits), -EINVAL);
	__free_page(page);
}

static struct kunit_case dmio_reject_cases[] = {
	KUNIT_CASE(rejects_zero_regions),
	KUNIT_CASE(rejects_more_than_bits_per_long_regions),
	KUNIT_CASE(rejects_read_of_two_regions),
	KUNIT_CASE(rejects_null_region_array),
	KUNIT_CASE(rejects_null_bdev_and_writes_nothing),
	KUNIT_CASE(rejects_region_past_device_end_and_writes_nothing),
	KUNIT_CASE(rejects_region_not_aligned_to_logical_block),
	KUNIT_CASE(rejects_page_offset_of_page_size),
	KUNIT_CASE(rejects_null_async_callback),
	KUNIT_CASE(rejects_unknown_operation),
	KUNIT_CASE(rejects_unknown_flag),
	KUNIT_CASE(rejects_fua_on_read),
	KUNIT_CASE(rejects_short_page_list),
	KUNIT_CASE(rejects_null_data),
	KUNIT_CASE(rejects_data_not_sector_aligned),
	KUNIT_CASE(rejects_sync_call_inside_bio_submission),
	KUNIT_CASE(rejects_bvec_entries_not_whole_blocks),
	KUNIT_CASE(rejects_data_neither_vmalloc_nor_linear),
	KUNIT_CASE(rejects_vmalloc_range_with_a_hole_inside),
	KUNIT_CASE(rejects_page_offset_of_page_size_without_data),
	{}
};

static struct kunit_suite dmio_reject_suite = {
	.name = "dmio_reject",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_reject_cases,
};

/* ==== dmio_abi: what a consumer compiles against ==== */

static void io_region_matches_kernel_dm_io_region(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct io_region), sizeof(struct dm_io_region));
	KUNIT_EXPECT_EQ(test, offsetof(struct io_region, count),
			offsetof(struct dm_io_region, count));
}

static struct kunit_case dmio_abi_cases[] = {
	KUNIT_CASE(io_region_matches_kernel_dm_io_region),
	{}
};

static struct kunit_suite dmio_abi_suite = {
	.name = "dmio_abi",
	.test_cases = dmio_abi_cases,
};

kunit_test_suites(&dmio_abi_suite, &dmio_data_suite, &dmio_regions_suite,
		  &dmio_errors_suite, &dmio_ops_suite, &dmio_notify_suite,
		  &dmio_reserve_suite, &dmio_reject_suite);

MODULE_DESCRIPTION("KUnit suites for dmio");
MODULE_LICENSE("GPL");
