// SPDX-License-Identifier: GPL-2.0
/*
 * reject.c - suite dmio_reject: bad input is refused whole, before any I/O.
 */
#include <linux/sched.h>

#include <linux/io.h>

#include "fixture.h"

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

/*
 * A write of @sectors from @offset into a list of one page, followed by a
 * NULL page when @null_second: refused, before any I/O.
 */
static void expect_page_list_refused(struct kunit *test, sector_t sectors,
				     unsigned int offset, bool null_second)
{
	struct io_region where = region(ram(test, 31), 0, sectors);
	struct page *page = alloc_page(GFP_KERNEL);
	struct page_list second = { .page = NULL };
	struct page_list pl = { .next = null_second ? &second : NULL, .page = page };
	unsigned long bits;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &where, WRITE, &pl, offset, &bits), -EINVAL);
	__free_page(page);
}

static void rejects_short_page_list(struct kunit *test)
{
	expect_page_list_refused(test, 16, 0, false);	/* 2 pages */
}

/* 4 KiB from offset 512 of a one-page list needs a second page. */
static void rejects_page_list_short_by_its_offset(struct kunit *test)
{
	expect_page_list_refused(test, 8, 512, false);
}

static void rejects_null_page_in_list(struct kunit *test)
{
	expect_page_list_refused(test, 16, 0, true);
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

static void rejects_bvec_entries_not_sector_multiples(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	struct page **pages = pages_alloc(test, 2);
	struct bio_vec bv[] = {
		{ .bv_page = pages[0], .bv_len = 1000 },
		{ .bv_page = pages[1], .bv_len = 3096 },
	};
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(1, &where, WRITE, bv, &bits), -EINVAL);
	pages_free(pages, 2);
}

/* Clients are made as modules load, never by a call (it may be in I/O). */
static void rejects_call_for_owner_without_client(struct kunit *test)
{
	static char nobody;
	struct io_region where = region(ram(test, 31), 0, 8);
	void *buf = filled(test, 4096, 1);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, __dm_io_sync_vm((struct module *)&nobody, 1, &where,
					      WRITE, buf, &bits), -EINVAL);
	KUNIT_EXPECT_EQ(test, __dmio_reserved_pages((struct module *)&nobody), 0u);
	vfree(buf);
}

/* MMIO has no page the block layer could do I/O to. */
static void rejects_ioremapped_memory(struct kunit *test)
{
	struct io_region where = region(ram(test, 31), 0, 8);
	void __iomem *hpet = ioremap(0xfed00000, PAGE_SIZE);

	if (!hpet)
		kunit_skip(test, "no MMIO page to map");
	expect_refused(test, 1, &where, WRITE, (void __force *)hpet);
	iounmap(hpet);
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
	KUNIT_CASE(rejects_page_list_short_by_its_offset),
	KUNIT_CASE(rejects_null_page_in_list),
	KUNIT_CASE(rejects_null_data),
	KUNIT_CASE(rejects_data_not_sector_aligned),
	KUNIT_CASE(rejects_sync_call_inside_bio_submission),
	KUNIT_CASE(rejects_bvec_entries_not_sector_multiples),
	KUNIT_CASE(rejects_ioremapped_memory),
	KUNIT_CASE(rejects_call_for_owner_without_client),
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

kunit_test_suite(dmio_reject_suite);
