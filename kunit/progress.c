// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - suite dmio_progress: calls finish from the reserves alone.
 *
 * Each case makes the slab fail for the calling thread (failslab's task
 * filter, set up by tests/kunit.sh) and drains a pool with bios a test
 * disk holds, so that exactly the elements the case leaves are free.  A
 * call that waited on a pool it held an element of, or on another
 * consumer's pool, would then wait until the held bios are released:
 * each case gives it a few seconds before releasing them, so a broken
 * engine fails the case instead of hanging the run.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include <dmio/testing.h>

#include "fixture.h"
#include "testdisk.h"

/* The cases make the slab fail with failslab's per-task switch. */
#ifdef CONFIG_FAULT_INJECTION

#define ISSUE_TIMEOUT (5 * HZ)

/*
 * A second consumer: a key of the test's own, made a client by its first
 * __dm_io_get() and ended by the case.  Its per-CPU cache of first bios
 * starts empty, so its calls take every bio from the pools the cases
 * drain (the kunit module's cache, filled by earlier cases, could serve
 * a call the drained pool could not).
 */
static char other_consumer;
#define OTHER ((struct module *)&other_consumer)

static struct module *fresh_consumer(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, __dm_io_get(OTHER, 0), 0);
	return OTHER;
}

/* A call run by a thread of its own, with the slab failing for it. */
struct side_call {
	struct kunit *test;
	struct module *owner;		/* the consumer it calls for */
	unsigned int n;
	struct io_region where[2];
	void *data;
	int rw;
	int r;				/* what the call returned */
	struct async_result *done;	/* its completion */
	struct completion issued;	/* the call returned */
};

static int side_call_fn(void *p)
{
	struct side_call *sc = p;

	current->make_it_fail = 1;
	sc->r = __dm_io_async_vm(sc->owner, sc->n, sc->where, sc->rw, sc->data,
				 async_notify, sc->done);
	current->make_it_fail = 0;
	complete_all(&sc->issued);	/* waited for twice */
	return 0;
}

static struct side_call *side_call(struct kunit *test, struct module *owner)
{
	struct side_call *sc = kunit_kzalloc(test, sizeof(*sc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sc);
	sc->test = test;
	sc->owner = owner;
	sc->rw = WRITE;
	sc->done = async_result(test);
	init_completion(&sc->issued);
	return sc;
}

static void side_call_start(struct side_call *sc)
{
	struct task_struct *t = kthread_run(side_call_fn, sc, "dmio-side");

	KUNIT_ASSERT_FALSE(sc->test, IS_ERR(t));
}

/*
 * Async writes to the holding disk @td until @pool of @owner has @left
 * elements: each call's bios are held, so their elements stay out.  The
 * disk takes a page a bio: a one-page call takes one call element, a
 * two-page call one chunk element too.
 */
static unsigned int drain(struct kunit *test, struct testdisk *td,
			  struct module *owner, enum dmio_pool pool,
			  unsigned int left, struct async_result **results,
			  void *pages)
{
	unsigned int per_call = pool == DMIO_POOL_CALLS ? 1 : 2;
	struct io_region where = region(testdisk_bdev(td), 0,
					per_call * PAGE_SECTORS);
	unsigned int n = 0;

	testdisk_hold(td);
	while (__dmio_pool_reserved(owner, pool) > left && n < 64) {
		int r;

		results[n] = async_result(test);
		current->make_it_fail = 1;
		r = __dm_io_async_vm(owner, 1, &where, WRITE, pages,
				     async_notify, results[n]);
		current->make_it_fail = 0;
		KUNIT_ASSERT_EQ(test, r, 0);
		n++;
	}
	KUNIT_ASSERT_EQ(test, __dmio_pool_reserved(owner, pool), left);
	return n;
}

static void undrain(struct kunit *test, struct testdisk *td,
		    struct async_result **results, unsigned int n)
{
	testdisk_release(td);
	while (n--)
		KUNIT_EXPECT_EQ(test, async_wait(test, results[n]), 0ul);
}

/*
 * Targets of the calls under test: the disk the slab failing cannot fail
 * (brd, say, allocates its pages as they are first written).
 */
static struct block_device *target(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 16384 };

	return testdisk_bdev(kunit_testdisk(test, &cfg));
}

/*
 * The holding disk: a segment, so a page, a bio - cut by dmio itself, as
 * its blocks are larger than 512 bytes (so no split by the block layer
 * takes elements of the queue's own pool).
 */
static const struct testdisk_config small_disk = {
	.sectors = 8192, .logical_block_size = 4096, .max_segments = 1,
};

/* The side call must return within ISSUE_TIMEOUT, while bios are held. */
static void expect_issues_while_held(struct kunit *test, struct side_call *sc)
{
	KUNIT_EXPECT_TRUE_MSG(test, wait_for_completion_timeout(&sc->issued,
								ISSUE_TIMEOUT),
			      "the call waited on an element it or a held bio owns");
}

/*
 * With @owner's call pool drained to @left by held bios, a two-region
 * write of @caller's must still issue, and then complete.
 */
static void two_region_write_issues_while_drained(struct kunit *test,
						  struct module *owner,
						  unsigned int left,
						  struct module *caller)
{
	struct testdisk *held = kunit_testdisk(test, &small_disk);
	struct async_result *results[64];
	struct side_call *sc = side_call(test, caller);
	void *page = filled(test, 2 * PAGE_SIZE, 0x5a);
	unsigned int n;

	n = drain(test, held, owner, DMIO_POOL_CALLS, left, results, page);
	sc->n = 2;
	sc->where[0] = region(target(test), 0, 64);
	sc->where[1] = region(target(test), 0, 64);
	sc->data = filled(test, 64 << SECTOR_SHIFT, 0xa5);
	side_call_start(sc);
	expect_issues_while_held(test, sc);
	undrain(test, held, results, n);
	wait_for_completion(&sc->issued);
	KUNIT_EXPECT_EQ(test, sc->r, 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, sc->done), 0ul);
	vfree(sc->data);
	vfree(page);
}

static void multi_region_call_issues_with_one_call_element_left(struct kunit *test)
{
	struct module *owner = fresh_consumer(test);

	two_region_write_issues_while_drained(test, owner, 1, owner);
	dmio_owner_gone(owner);
}

static void long_call_issues_with_one_call_element_left(struct kunit *test)
{
	struct module *owner = fresh_consumer(test);
	struct testdisk *held = kunit_testdisk(test, &small_disk);
	struct async_result *results[64];
	struct side_call *sc = side_call(test, owner);
	void *page = filled(test, 2 * PAGE_SIZE, 0x5a);
	size_t bytes = 4 << 20;	/* several bios on any device */
	unsigned int n;

	n = drain(test, held, owner, DMIO_POOL_CALLS, 1, results, page);
	sc->n = 1;
	sc->where[0] = region(target(test), 0, bytes >> SECTOR_SHIFT);
	sc->data = filled(test, bytes, 0xa5);
	side_call_start(sc);
	expect_issues_while_held(test, sc);
	undrain(test, held, results, n);
	wait_for_completion(&sc->issued);
	KUNIT_EXPECT_EQ(test, sc->r, 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, sc->done), 0ul);
	vfree(sc->data);
	vfree(page);
	dmio_owner_gone(owner);
}

static void consumer_with_reserve_held_does_not_starve_another(struct kunit *test)
{
	/* The other consumer's whole call reserve waits on the held disk. */
	struct module *other = fresh_consumer(test);

	two_region_write_issues_while_drained(test, other, 0, THIS_MODULE);
	dmio_owner_gone(other);
}

static void reservations_are_per_consumer(struct kunit *test)
{
	unsigned int mine = dmio_reserved_pages();

	KUNIT_ASSERT_EQ(test, __dm_io_get(OTHER, 512), 0);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), mine);
	KUNIT_EXPECT_EQ(test, __dmio_reserved_pages(OTHER), mine + 512);
	KUNIT_EXPECT_EQ(test, __dmio_pool_reserved(OTHER, DMIO_POOL_CALLS),
			mine + 512);
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CALLS), mine);
	dmio_owner_gone(OTHER);
}

static void over_put_of_one_consumer_leaves_anothers_reservation(struct kunit *test)
{
	unsigned int base = dmio_reserved_pages();

	KUNIT_ASSERT_EQ(test, dm_io_get(64), 0);
	__dm_io_put(OTHER, 1000);
	KUNIT_EXPECT_EQ(test, dmio_reserved_pages(), base + 64);
	KUNIT_EXPECT_EQ(test, dmio_pool_reserved(DMIO_POOL_CALLS), base + 64);
	dm_io_put(64);
	dmio_owner_gone(OTHER);
}

/*
 * A synchronous call's first bio is freed in the caller's task, where it
 * may go to the per-CPU bio cache - but not while its pool's reserve is
 * lent: then it refills the reserve.  (A fresh consumer's cache is empty,
 * so the call, with the slab failing, takes the reserve's last element.)
 */
static void sync_call_gives_a_lent_bio_back_to_the_reserve(struct kunit *test)
{
	struct module *owner = fresh_consumer(test);
	struct testdisk *held = kunit_testdisk(test, &small_disk);
	struct async_result *results[64];
	void *page = filled(test, 2 * PAGE_SIZE, 0x5a);
	struct io_region where = region(target(test), 0, PAGE_SECTORS);
	unsigned long bits;
	unsigned int n;
	int r;

	n = drain(test, held, owner, DMIO_POOL_CALLS, 1, results, page);
	current->make_it_fail = 1;
	r = __dm_io_sync_vm(owner, 1, &where, WRITE, page, &bits);
	current->make_it_fail = 0;
	KUNIT_EXPECT_EQ(test, r, 0);
	KUNIT_EXPECT_EQ(test, __dmio_pool_reserved(owner, DMIO_POOL_CALLS), 1u);
	undrain(test, held, results, n);
	dmio_owner_gone(owner);
	vfree(page);
}

/*
 * A buffer unmapped while its call waits for a pool: the rest of the call
 * fails (its region's bit), with a warning and no BUG.
 */
static void buffer_unmapped_mid_call_fails_the_rest(struct kunit *test)
{
	/* 16 segments a bio: the call's first bio covers the mapped half. */
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096, .max_segments = 16,
	};
	struct module *owner = fresh_consumer(test);
	struct testdisk *held = kunit_testdisk(test, &small_disk);
	struct testdisk *target = kunit_testdisk(test, &cfg);
	struct async_result *results[64];
	struct side_call *sc = side_call(test, owner);
	void *page = filled(test, 2 * PAGE_SIZE, 0x5a);
	struct page **pages = pages_alloc(test, 32);
	char *lo, *hi;
	unsigned int n;

	migrate_disable();
	lo = vm_map_ram(pages, 16, NUMA_NO_NODE);
	hi = vm_map_ram(pages + 16, 16, NUMA_NO_NODE);
	migrate_enable();
	if (!lo || hi != lo + 16 * PAGE_SIZE) {
		if (lo)
			vm_unmap_ram(lo, 16);
		if (hi)
			vm_unmap_ram(hi, 16);
		pages_free(pages, 32);
		vfree(page);
		dmio_owner_gone(owner);
		kunit_skip(test, "no two adjacent vm_map_ram() ranges");
	}
	/* No chunk element left: the call's second bio waits for one. */
	n = drain(test, held, owner, DMIO_POOL_CHUNKS, 0, results, page);
	sc->n = 1;
	sc->where[0] = region(testdisk_bdev(target), 0, 32 * PAGE_SECTORS);
	sc->data = lo;
	side_call_start(sc);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&sc->issued, HZ) == 0);
	vm_unmap_ram(hi, 16);
	undrain(test, held, results, n);
	wait_for_completion(&sc->issued);
	KUNIT_EXPECT_EQ(test, sc->r, 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, sc->done), 1ul);
	vm_unmap_ram(lo, 16);
	pages_free(pages, 32);
	vfree(page);
	dmio_owner_gone(owner);
}

#endif /* CONFIG_FAULT_INJECTION */

static struct kunit_case dmio_progress_cases[] = {
#ifdef CONFIG_FAULT_INJECTION
	KUNIT_CASE(multi_region_call_issues_with_one_call_element_left),
	KUNIT_CASE(long_call_issues_with_one_call_element_left),
	KUNIT_CASE(consumer_with_reserve_held_does_not_starve_another),
	KUNIT_CASE(reservations_are_per_consumer),
	KUNIT_CASE(over_put_of_one_consumer_leaves_anothers_reservation),
	KUNIT_CASE(sync_call_gives_a_lent_bio_back_to_the_reserve),
	KUNIT_CASE(buffer_unmapped_mid_call_fails_the_rest),
#endif
	{}
};

static struct kunit_suite dmio_progress_suite = {
	.name = "dmio_progress",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_progress_cases,
};

kunit_test_suite(dmio_progress_suite);
