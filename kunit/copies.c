// SPDX-License-Identifier: GPL-2.0
/*
 * copies.c - suite dmio_copies: the bios a multi-region write sends to
 * its other regions, and the plug around a call of several chunks.
 *
 * A leader of at most 4 vectors is copied into a bio of its own for every
 * other region; a larger one is cloned (its table shared).  A call's
 * chunks from the second on share a plug, but a last chunk alone is not
 * plugged (most calls have one chunk; a plug of one bio buys nothing).
 * Either way
 * each bio carries the call's flags, its ioprio and its region's share of
 * the data.  The pages of the buffers here are never adjacent, so that
 * bio_add_page() cannot merge them and a buffer of n pages is n vectors:
 * each is the first page of a block of two, the second left unused.
 */
#include <linux/dm-io.h>
#include <linux/ioprio.h>
#include <linux/slab.h>

#include <dmio/testing.h>

#include "fixture.h"
#include "testdisk.h"

static const struct testdisk_config cached = {
	.sectors = 16384, .write_cache = true,
};

#define ORDERED (REQ_PREFLUSH | REQ_FUA | REQ_SYNC)

static void pages_apart_free(struct page **pages, unsigned int n)
{
	while (n--)
		if (pages[n])
			__free_pages(pages[n], 1);
}

/* @n pages no two of which are physically adjacent. */
static struct page **pages_apart(struct kunit *test, unsigned int n)
{
	struct page **pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < n; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 1);
		if (!pages[i])
			pages_apart_free(pages, i);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	return pages;
}

/* The data writes @td got; each must carry @flags and @prio. */
static unsigned int writes_carrying(struct kunit *test, struct testdisk *td,
				    blk_opf_t flags, unsigned short prio,
				    bool cloned)
{
	unsigned int i, writes = 0;

	for (i = 0; i < testdisk_log_len(td); i++) {
		const struct testdisk_io *io = testdisk_log(td, i);

		if (io->op != REQ_OP_WRITE || !io->size)
			continue;
		writes++;
		KUNIT_EXPECT_EQ_MSG(test, io->flags & flags, flags,
				    "bio %u lacks flags %#x", i, flags);
		KUNIT_EXPECT_EQ(test, io->ioprio, prio);
		KUNIT_EXPECT_EQ(test, io->cloned, cloned);
	}
	return writes;
}

/*
 * A two-region dmio_io() write of @n pages apart with
 * REQ_PREFLUSH and REQ_FUA; region b is one page shorter.  Region a's
 * bio is the leader; region b's is a copy or a clone (@cloned).
 */
static void expect_other_region_gets(struct kunit *test, unsigned int n,
				     bool cloned)
{
	const unsigned short prio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3);
	struct dm_io_client *client = dmio_io_client_create();
	struct testdisk *a = kunit_testdisk(test, &cached);
	struct testdisk *b = kunit_testdisk(test, &cached);
	struct page **pages = pages_apart(test, n);
	struct bio_vec *bv = kunit_kcalloc(test, n, sizeof(*bv), GFP_KERNEL);
	struct dm_io_region where[2] = {
		{ testdisk_bdev(a), 0, n * PAGE_SECTORS },
		{ testdisk_bdev(b), 0, (n - 1) * PAGE_SECTORS },
	};
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA,
		.mem.type = DM_IO_BIO,
	};
	unsigned long bits = ~0UL;
	struct bio bio;
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(client));
	KUNIT_ASSERT_NOT_NULL(test, bv);
	for (i = 0; i < n; i++) {
		memset(page_address(pages[i]), 'a' + i, PAGE_SIZE);
		bvec_set_page(&bv[i], pages[i], PAGE_SIZE, 0);
	}
	bio_init(&bio, NULL, bv, n, REQ_OP_WRITE);
	bio.bi_vcnt = n;
	bio.bi_iter.bi_size = n * PAGE_SIZE;
	req.mem.ptr.bio = &bio;
	req.client = client;

	KUNIT_EXPECT_EQ(test, dmio_io(&req, 2, where, &bits, prio), 0);
	KUNIT_EXPECT_EQ(test, bits, 0UL);
	KUNIT_EXPECT_EQ(test, writes_carrying(test, a, ORDERED, prio, false), 1U);
	KUNIT_EXPECT_EQ(test, writes_carrying(test, b, ORDERED, prio, cloned), 1U);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(a) + i * PAGE_SIZE,
						  PAGE_SIZE, 'a' + i));
		KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(b) + i * PAGE_SIZE,
						  PAGE_SIZE, i < n - 1 ? 'a' + i : 0));
	}
	bio_uninit(&bio);
	pages_apart_free(pages, n);
	dmio_io_client_destroy(client);
}

static void two_page_leader_is_copied_with_flags_ioprio_and_trim(struct kunit *test)
{
	expect_other_region_gets(test, 2, false);
}

static void four_vector_leader_is_copied(struct kunit *test)
{
	expect_other_region_gets(test, 4, false);
}

static void five_vector_leader_is_cloned_with_flags_ioprio_and_trim(struct kunit *test)
{
	expect_other_region_gets(test, 5, true);
}

/*
 * One 16 KiB entry: the leader's one multi-page vector is copied; region
 * b is shorter (its copy is trimmed below its vector) and region c is on
 * a 4 KiB-block disk taking a page a bio (its copy is split there).
 */
static void copies_of_a_multipage_entry_trim_and_split(struct kunit *test)
{
	static const struct testdisk_config small = {
		.sectors = 8192, .max_hw_sectors = 8,
	};
	static const struct testdisk_config big = {
		.sectors = 8192, .logical_block_size = 4096, .max_hw_sectors = 8,
	};
	struct testdisk *a = kunit_testdisk(test, &cached);
	struct testdisk *b = kunit_testdisk(test, &small);
	struct testdisk *c = kunit_testdisk(test, &big);
	struct page *page = alloc_pages(GFP_KERNEL, 2);
	struct bio_vec *bv = kunit_kmalloc(test, sizeof(*bv), GFP_KERNEL);
	struct io_region where[3];
	unsigned long bits = ~0UL;
	unsigned int i;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, bv);
	p = page_address(page);
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		p[i] = (u8)(i * 7 + 3);
	memset(testdisk_data(b), 0xee, 4 * PAGE_SIZE);
	bvec_set_page(bv, page, 4 * PAGE_SIZE, 0);
	where[0] = region(testdisk_bdev(a), 0, 4 * PAGE_SECTORS);
	where[1] = region(testdisk_bdev(b), 0, PAGE_SECTORS);
	where[2] = region(testdisk_bdev(c), 0, 3 * PAGE_SECTORS);
	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(3, where, WRITE, bv, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0UL);
	KUNIT_EXPECT_EQ(test, memcmp(testdisk_data(a), p, 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(testdisk_data(b), p, PAGE_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(b) + PAGE_SIZE,
					  3 * PAGE_SIZE, 0xee));
	KUNIT_EXPECT_EQ(test, memcmp(testdisk_data(c), p, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, testdisk_log_len(b), 1U);
	KUNIT_EXPECT_EQ(test, testdisk_log_len(c), 3U);
	__free_pages(page, 2);
}

/*
 * @bytes of vmalloc'd data to one disk made with @cfg, whose bios from
 * sector @second on are the call's second chunk and later: the first goes
 * out on its own, as a one-chunk call's only bio does; the rest under one
 * plug, which the disk sees as the same plug number on each of their
 * bios.  (The disk may split a chunk: 6.12 then submits the rest of the
 * first under a plug of the block layer's own, a number of its own.)
 */
static void expect_chunks_after_the_first_share_one_plug(struct kunit *test,
		const struct testdisk_config *cfg, size_t bytes, sector_t second)
{
	struct testdisk *td = kunit_testdisk(test, cfg);
	struct io_region where = region(testdisk_bdev(td), 0, bytes >> SECTOR_SHIFT);
	void *buf = pattern(test, bytes, 5);
	unsigned long bits = ~0UL;
	unsigned int i, rest = 0;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE, buf, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0UL);
	KUNIT_EXPECT_EQ(test, memcmp(testdisk_data(td), buf, bytes), 0);
	vfree(buf);
	for (i = 0; i < testdisk_log_len(td); i++)
		if (testdisk_log(td, i)->sector >= second)
			rest = rest ?: testdisk_log(td, i)->plug;
	KUNIT_EXPECT_NE(test, rest, 0U);
	for (i = 0; i < testdisk_log_len(td); i++) {
		const struct testdisk_io *io = testdisk_log(td, i);

		if (io->sector >= second)
			KUNIT_EXPECT_EQ_MSG(test, io->plug, rest, "bio %u", i);
		else
			KUNIT_EXPECT_NE_MSG(test, io->plug, rest, "bio %u", i);
	}
}

/* 2 MiB + 4 KiB: three chunks of at most a full table (1 MiB) each. */
static void chunks_after_the_first_share_one_plug(struct kunit *test)
{
	expect_chunks_after_the_first_share_one_plug(test, &cached,
						     (2 << 20) + PAGE_SIZE,
						     (1 << 20) >> SECTOR_SHIFT);
}

/*
 * 256 KiB to a disk of 4 KiB blocks and 16 segments a bio: dmio cuts the
 * chunks itself, four of 64 KiB, each shorter than a full table.
 */
static void chunks_cut_to_max_segments_share_one_plug(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 16384, .logical_block_size = 4096,
		.max_segments = 16,
	};

	expect_chunks_after_the_first_share_one_plug(test, &cfg, 256 << 10,
						     (64 << 10) >> SECTOR_SHIFT);
}

static struct kunit_case dmio_copies_cases[] = {
	KUNIT_CASE(two_page_leader_is_copied_with_flags_ioprio_and_trim),
	KUNIT_CASE(four_vector_leader_is_copied),
	KUNIT_CASE(five_vector_leader_is_cloned_with_flags_ioprio_and_trim),
	KUNIT_CASE(copies_of_a_multipage_entry_trim_and_split),
	KUNIT_CASE(chunks_after_the_first_share_one_plug),
	KUNIT_CASE(chunks_cut_to_max_segments_share_one_plug),
	{}
};

static struct kunit_suite dmio_copies_suite = {
	.name = "dmio_copies",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_copies_cases,
};

kunit_test_suite(dmio_copies_suite);
