// SPDX-License-Identifier: GPL-2.0
/*
 * fixture.c - the shared fixture of the dmio KUnit suites (fixture.h):
 * devices opened per test, buffers, and data moved through every dm-io
 * entry point.  The module is dmio_kunit.ko; each suite is in a file of
 * its own and registers itself.
 */
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "fixture.h"

/* ---- Devices: opened per test, closed by the suite's exit ---- */

int fixture_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct fixture), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

void fixture_exit(struct kunit *test)
{
	struct fixture *f = test->priv;

	while (f->nr)
		dmio_bdev_close(&f->dev[--f->nr]);
}

struct block_device *dev(struct kunit *test, const char *path)
{
	struct fixture *f = test->priv;
	int r;

	KUNIT_ASSERT_LT(test, f->nr, MAX_DEVS);
	r = dmio_bdev_open_path(path, &f->dev[f->nr]);
	KUNIT_ASSERT_EQ_MSG(test, r, 0, "cannot open %s: %d", path, r);
	return f->dev[f->nr++].bdev;
}

struct block_device *ram(struct kunit *test, unsigned int n)
{
	char path[16];

	snprintf(path, sizeof(path), RAM(%u), n);
	return dev(test, path);
}

/* ---- Buffers ---- */

void *pattern(struct kunit *test, size_t bytes, u32 seed)
{
	u32 *p = vmalloc(bytes);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < bytes / 4; i++)
		p[i] = seed * 0x9e3779b1u + i;
	return p;
}

void *filled(struct kunit *test, size_t bytes, int c)
{
	void *p = vmalloc(bytes);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, c, bytes);
	return p;
}

struct page **pages_alloc(struct kunit *test, unsigned int n)
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

void pages_free(struct page **pages, unsigned int n)
{
	while (n--)
		__free_page(pages[n]);
}

/* ---- Async requests ---- */

void async_notify(unsigned long bits, void *context)
{
	struct async_result *a = context;

	a->bits = bits;
	atomic_inc(&a->calls);
	complete(&a->done);
}

struct async_result *async_result(struct kunit *test)
{
	struct async_result *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	init_completion(&a->done);
	return a;
}

/* Waits for an async request; the callback must have run exactly once. */
unsigned long async_wait(struct kunit *test, struct async_result *a)
{
	KUNIT_ASSERT_NE_MSG(test, 0ul,
			    wait_for_completion_timeout(&a->done, 30 * HZ),
			    "async callback never ran");
	msleep(20);	/* room for a second, wrong, call */
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 1);
	return a->bits;
}

/* ---- Moving data ---- */

const struct xfer SYNC_VM = { .kind = VM };
const struct xfer SYNC_PL = { .kind = PAGE_LIST };

/* The raw call, on buffers already set up.  Sync and async alike. */
int call(struct kunit *test, const struct xfer *x, int rw,
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

/*
 * Moves @bytes between @data and the regions through @x: for a write
 * @data is the source, for a read the destination.  Returns what dm_io
 * returned; *bits gets the error bitset.
 */
int xfer(struct kunit *test, const struct xfer *x, int rw,
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

/* Writes @bytes of pattern through @w, reads back through @rd, compares. */
void round_trip(struct kunit *test, const struct xfer *w,
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

MODULE_DESCRIPTION("KUnit suites for dmio");
MODULE_LICENSE("GPL");
