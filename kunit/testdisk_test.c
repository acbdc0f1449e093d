// SPDX-License-Identifier: GPL-2.0
/*
 * testdisk_test.c - suite dmio_testdisk: the test disk of testdisk.h does
 * what the cases that use it rely on.  No dm-io here: bios by hand.
 */
#include <linux/delay.h>
#include <linux/highmem.h>

#include "fixture.h"
#include "testdisk.h"

/*
 * Submits one bio of @n entries, entry i being @lens[i] bytes at the
 * start of @pages[i], at @sector, and waits for it.  The entries stay
 * apart (no merging of neighbouring pages into one bio_vec).
 */
static int td_io(struct testdisk *td, blk_opf_t opf, sector_t sector,
		 struct page **pages, const unsigned int *lens, unsigned int n)
{
	struct bio *bio = bio_alloc(testdisk_bdev(td), n, opf, GFP_KERNEL);
	unsigned int i;
	int r;

	bio->bi_iter.bi_sector = sector;
	for (i = 0; i < n; i++)
		__bio_add_page(bio, pages[i], lens[i], 0);
	r = submit_bio_wait(bio);
	bio_put(bio);
	return r;
}

static void fill_page(struct page *page, int c)
{
	memset_page(page, 0, c, PAGE_SIZE);
}

static bool page_is(struct page *page, unsigned int len, u8 c)
{
	void *p = kmap_local_page(page);
	bool same = all_bytes(p, len, c);

	kunmap_local(p);
	return same;
}

static void expect_io(struct kunit *test, struct testdisk *td, unsigned int i,
		      enum req_op op, sector_t sector, unsigned int size,
		      unsigned int segments)
{
	const struct testdisk_io *io = testdisk_log(td, i);

	KUNIT_ASSERT_NOT_NULL_MSG(test, io, "no bio %u in the log", i);
	KUNIT_EXPECT_EQ(test, io->op, op);
	KUNIT_EXPECT_EQ(test, io->sector, sector);
	KUNIT_EXPECT_EQ(test, io->size, size);
	KUNIT_EXPECT_EQ(test, io->segments, segments);
}

static void testdisk_write_and_read_round_trip(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 2048 };
	static const unsigned int lens[] = { PAGE_SIZE, PAGE_SIZE };
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **out = pages_alloc(test, 2), **in = pages_alloc(test, 2);
	u8 *disk = testdisk_data(td);

	fill_page(out[0], 0xa1);
	fill_page(out[1], 0xb2);
	fill_page(in[0], 0);
	fill_page(in[1], 0);
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_WRITE, 8, out, lens, 2), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(disk + 8 * SECTOR_SIZE, PAGE_SIZE, 0xa1));
	KUNIT_EXPECT_TRUE(test, all_bytes(disk + 8 * SECTOR_SIZE + PAGE_SIZE,
					  PAGE_SIZE, 0xb2));
	KUNIT_EXPECT_TRUE(test, all_bytes(disk, 8 * SECTOR_SIZE, 0));
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_READ, 8, in, lens, 2), 0);
	KUNIT_EXPECT_TRUE(test, page_is(in[0], PAGE_SIZE, 0xa1));
	KUNIT_EXPECT_TRUE(test, page_is(in[1], PAGE_SIZE, 0xb2));

	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 2u);
	expect_io(test, td, 0, REQ_OP_WRITE, 8, 2 * PAGE_SIZE, 2);
	expect_io(test, td, 1, REQ_OP_READ, 8, 2 * PAGE_SIZE, 2);
	KUNIT_EXPECT_NULL(test, testdisk_log(td, 2));
	testdisk_log_clear(td);
	KUNIT_EXPECT_EQ(test, testdisk_log_len(td), 0u);
	pages_free(out, 2);
	pages_free(in, 2);
}

/* With a write cache flushes and FUA reach the disk; without, neither. */
static void flush_and_fua(struct kunit *test, bool write_cache)
{
	const struct testdisk_config cfg = { .sectors = 64,
					     .write_cache = write_cache };
	static const unsigned int len = PAGE_SIZE;
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **page = pages_alloc(test, 1);
	const struct testdisk_io *io;

	fill_page(page[0], 3);
	KUNIT_EXPECT_EQ(test, blkdev_issue_flush(testdisk_bdev(td)), 0);
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_WRITE | REQ_FUA, 0, page, &len, 1), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(td), PAGE_SIZE, 3));
	if (!write_cache) {
		KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 1u);
		expect_io(test, td, 0, REQ_OP_WRITE, 0, PAGE_SIZE, 1);
		KUNIT_EXPECT_FALSE(test, testdisk_log(td, 0)->flags & REQ_FUA);
		pages_free(page, 1);
		return;
	}
	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 2u);
	expect_io(test, td, 0, REQ_OP_WRITE, 0, 0, 0);
	io = testdisk_log(td, 0);
	KUNIT_EXPECT_TRUE(test, io->flags & REQ_PREFLUSH);
	expect_io(test, td, 1, REQ_OP_WRITE, 0, PAGE_SIZE, 1);
	io = testdisk_log(td, 1);
	KUNIT_EXPECT_TRUE(test, io->flags & REQ_FUA);
	KUNIT_EXPECT_FALSE(test, io->flags & REQ_PREFLUSH);
	pages_free(page, 1);
}

static void testdisk_write_cache_keeps_flush_and_fua(struct kunit *test)
{
	flush_and_fua(test, true);
}

static void testdisk_without_write_cache_drops_flush_and_fua(struct kunit *test)
{
	flush_and_fua(test, false);
}

struct held_bio {
	struct completion done;
	blk_status_t status;
};

static void held_bio_end(struct bio *bio)
{
	struct held_bio *h = bio->bi_private;

	h->status = bio->bi_status;
	bio_put(bio);
	complete(&h->done);
}

static void testdisk_holds_bios_until_release(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 64 };
	/* Allocated before the disk: it outlives a release at destroy. */
	struct held_bio *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	struct page **page = pages_alloc(test, 1);
	static const unsigned int len = PAGE_SIZE;
	struct testdisk *td;
	struct bio *bio;

	KUNIT_ASSERT_NOT_NULL(test, h);
	init_completion(&h->done);
	td = kunit_testdisk(test, &cfg);
	fill_page(page[0], 0x5c);
	testdisk_hold(td);
	bio = bio_alloc(testdisk_bdev(td), 1, REQ_OP_WRITE, GFP_KERNEL);
	__bio_add_page(bio, page[0], PAGE_SIZE, 0);
	bio->bi_end_io = held_bio_end;
	bio->bi_private = h;
	submit_bio(bio);

	KUNIT_EXPECT_TRUE(test, testdisk_wait_held(td, 1, 10 * HZ));
	KUNIT_EXPECT_FALSE(test, testdisk_wait_held(td, 2, HZ / 10));
	KUNIT_EXPECT_EQ(test, testdisk_held(td), 1u);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&h->done));
	KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(td), PAGE_SIZE, 0));
	KUNIT_EXPECT_EQ(test, testdisk_log_len(td), 1u);

	testdisk_release(td);
	KUNIT_EXPECT_TRUE(test, completion_done(&h->done));
	KUNIT_EXPECT_EQ(test, h->status, BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, testdisk_held(td), 0u);
	KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(td), PAGE_SIZE, 0x5c));
	/* No longer holding: the next bio completes at once. */
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_READ, 0, page, &len, 1), 0);
	pages_free(page, 1);
}

static void testdisk_fails_bios_while_told(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 64 };
	static const unsigned int len = PAGE_SIZE;
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **page = pages_alloc(test, 1);

	memset(testdisk_data(td), 0x11, PAGE_SIZE);
	testdisk_fail(td, true);
	fill_page(page[0], 0x22);
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_WRITE, 0, page, &len, 1), -EIO);
	KUNIT_EXPECT_TRUE_MSG(test, all_bytes(testdisk_data(td), PAGE_SIZE, 0x11),
			      "a failed write changed the disk");
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_READ, 0, page, &len, 1), -EIO);
	KUNIT_EXPECT_TRUE_MSG(test, page_is(page[0], PAGE_SIZE, 0x22),
			      "a failed read changed the buffer");
	testdisk_fail(td, false);
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_READ, 0, page, &len, 1), 0);
	KUNIT_EXPECT_TRUE(test, page_is(page[0], PAGE_SIZE, 0x11));
	KUNIT_EXPECT_EQ(test, testdisk_log_len(td), 3u);
	pages_free(page, 1);
}

static void testdisk_splits_bio_to_max_segments(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 64,
						    .max_segments = 1 };
	static const unsigned int lens[] = { 3584, 512 };
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **pages = pages_alloc(test, 2);
	u8 *disk = testdisk_data(td);

	fill_page(pages[0], 0x61);
	fill_page(pages[1], 0x62);
	KUNIT_EXPECT_EQ(test, td_io(td, REQ_OP_WRITE, 16, pages, lens, 2), 0);
	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 2u);
	expect_io(test, td, 0, REQ_OP_WRITE, 16, 3584, 1);
	expect_io(test, td, 1, REQ_OP_WRITE, 23, 512, 1);
	KUNIT_EXPECT_TRUE(test, all_bytes(disk + 16 * SECTOR_SIZE, 3584, 0x61));
	KUNIT_EXPECT_TRUE(test, all_bytes(disk + 23 * SECTOR_SIZE, 512, 0x62));
	pages_free(pages, 2);
}

static struct kunit_case dmio_testdisk_cases[] = {
	KUNIT_CASE(testdisk_write_and_read_round_trip),
	KUNIT_CASE(testdisk_write_cache_keeps_flush_and_fua),
	KUNIT_CASE(testdisk_without_write_cache_drops_flush_and_fua),
	KUNIT_CASE(testdisk_holds_bios_until_release),
	KUNIT_CASE(testdisk_fails_bios_while_told),
	KUNIT_CASE(testdisk_splits_bio_to_max_segments),
	{}
};

static struct kunit_suite dmio_testdisk_suite = {
	.name = "dmio_testdisk",
	.test_cases = dmio_testdisk_cases,
};

kunit_test_suite(dmio_testdisk_suite);
