// SPDX-License-Identifier: GPL-2.0
/*
 * reserve.c - suite dmio_reserve: dm_io_get / dm_io_put.
 */
#include <linux/sched.h>

#include <dmio/testing.h>

#include "fixture.h"

static void base_reservation_exists_before_any_get(struct kunit *test)
{
	KUNIT_EXPECT_GT(test, dmio_reserved_pages(), 0u);
}

/*
 * Every pool holds exactly what @pages in flight need of its kind (no I/O
 * is in flight): a first bio and a clone a page, a vector table per four
 * first bios, a later bio with its table per 32 pages.
 */
static void expect_pools_hold(struct kunit *test, unsigned int pages)
{
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), pages);
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CALLS), pages);
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CALL_TABLES),
			DIV_ROUND_UP(pages, 4));
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CHUNKS),
			DIV_ROUND_UP(pages, 32));
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CHUNK_TABLES),
			DIV_ROUND_UP(pages, 32));
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CLONES), pages);
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

kunit_test_suite(dmio_reserve_suite);
