// SPDX-License-Identifier: GPL-2.0
/*
 * limits.c - suite dmio_limits: bio_vec entries smaller than a logical
 * block are carried whole, within each device's segment limits.
 *
 * An O_DIRECT write from a buffer aligned to 512 bytes reaches a target
 * on a 4 KiB-sector disk as entries of 3584 + 512 bytes.  The 6.1 block
 * layer BUG()s when it must split a bio inside a block, so dmio cuts its
 * bios on block boundaries within max_segments and the virt boundary;
 * only a block no bio to the device can carry is refused.
 */
#include "fixture.h"
#include "testdisk.h"

/* A bio_vec array over @pages: entries of @lens bytes at @offsets. */
static struct bio_vec *entries(struct kunit *test, struct page **pages,
			       const unsigned int *offsets,
			       const unsigned int *lens, unsigned int n)
{
	struct bio_vec *bv = kunit_kcalloc(test, n, sizeof(*bv), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, bv);
	for (i = 0; i < n; i++)
		bv[i] = (struct bio_vec){ .bv_page = pages[i],
					  .bv_offset = offsets[i],
					  .bv_len = lens[i] };
	return bv;
}

/* Fills the entries with a pattern, writes, reads back and compares. */
static void bvec_round_trip(struct kunit *test, struct block_device *bdev,
			    struct bio_vec *bv, unsigned int n)
{
	size_t bytes = 0, at = 0;
	struct io_region where;
	unsigned long bits;
	unsigned int i;
	u8 *back;

	for (i = 0; i < n; i++) {
		u8 *p = page_address(bv[i].bv_page) + bv[i].bv_offset;
		unsigned int j;

		for (j = 0; j < bv[i].bv_len; j++)
			p[j] = (u8)(bytes + j + 7 * i);
		bytes += bv[i].bv_len;
	}
	where = region(bdev, 0, bytes >> SECTOR_SHIFT);
	KUNIT_ASSERT_EQ(test, dm_io_sync_bvec(1, &where, WRITE, bv, &bits), 0);
	back = filled(test, bytes, 0);
	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, READ, back, &bits), 0);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, memcmp(back + at, page_address(bv[i].bv_page) +
						 bv[i].bv_offset, bv[i].bv_len), 0,
				    "entry %u differs", i);
		at += bv[i].bv_len;
	}
	vfree(back);
}

/* Every bio the disk got ends on a block boundary, within its limits. */
static void expect_whole_blocks(struct kunit *test, struct testdisk *td,
				unsigned int block, unsigned int max_segments)
{
	unsigned int i;

	KUNIT_EXPECT_GT(test, testdisk_log_len(td), 0u);
	for (i = 0; i < testdisk_log_len(td); i++) {
		const struct testdisk_io *io = testdisk_log(td, i);

		KUNIT_EXPECT_EQ(test, io->size % block, 0u);
		KUNIT_EXPECT_LE(test, io->segments, max_segments);
	}
}

static void o_direct_shaped_entries_write_to_4k_virtio_disk(struct kunit *test)
{
	static const unsigned int offsets[] = { 512, 0, 0 };
	static const unsigned int lens[] = { 3584, 4096, 512 };
	struct page **pages = pages_alloc(test, 3);

	bvec_round_trip(test, dev(test, VD_4K),
			entries(test, pages, offsets, lens, 3), 3);
	pages_free(pages, 3);
}

static void sub_block_entries_fit_two_segments_a_bio(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096, .max_segments = 2,
	};
	/* Every 4 KiB block is two entries; a bio takes one block. */
	static const unsigned int offsets[] = { 512, 0, 1024, 0, 2048, 0 };
	static const unsigned int lens[] = { 3584, 512, 3072, 1024, 2048, 2048 };
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **pages = pages_alloc(test, 6);

	bvec_round_trip(test, testdisk_bdev(td),
			entries(test, pages, offsets, lens, 6), 6);
	expect_whole_blocks(test, td, 4096, 2);
	pages_free(pages, 6);
}

static void sub_block_entries_respect_a_virt_boundary(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096,
		.virt_boundary_mask = PAGE_SIZE - 1,
	};
	/*
	 * Each block: the end of one page, then the start of the next - no
	 * gap inside a block; the gaps between blocks end bios.
	 */
	static const unsigned int offsets[] = { 2048, 0, 1024, 0, 3584, 0 };
	static const unsigned int lens[] = { 2048, 2048, 3072, 1024, 512, 3584 };
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **pages = pages_alloc(test, 6);

	bvec_round_trip(test, testdisk_bdev(td),
			entries(test, pages, offsets, lens, 6), 6);
	expect_whole_blocks(test, td, 4096, 128);
	pages_free(pages, 6);
}

static void long_sub_block_write_cuts_bios_on_block_boundaries(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096, .max_segments = 5,
	};
	enum { N = 64 };
	unsigned int offsets[N], lens[N], i;
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **pages = pages_alloc(test, N);

	/* Entries of 1.5 KiB and 2.5 KiB: blocks end inside entries. */
	for (i = 0; i < N; i++) {
		offsets[i] = 0;
		lens[i] = i & 1 ? 2560 : 1536;
	}
	bvec_round_trip(test, testdisk_bdev(td),
			entries(test, pages, offsets, lens, N), N);
	expect_whole_blocks(test, td, 4096, 5);
	pages_free(pages, N);
}

/*
 * Bios stop at the segment limit between block boundaries: the cut falls
 * inside a piece, the rest of which starts the next bio.
 */
static void o_direct_shaped_long_write_cuts_inside_entries(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096, .max_segments = 4,
	};
	enum { N = 10 };
	unsigned int offsets[N], lens[N], i;
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct page **pages = pages_alloc(test, N);

	for (i = 0; i < N; i++) {
		offsets[i] = 0;
		lens[i] = PAGE_SIZE;
	}
	offsets[0] = 512;
	lens[0] = 3584;
	lens[N - 1] = 512;
	bvec_round_trip(test, testdisk_bdev(td),
			entries(test, pages, offsets, lens, N), N);
	expect_whole_blocks(test, td, 4096, 4);
	pages_free(pages, N);
}

static void page_list_off_block_boundary_cuts_inside_pages(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096, .max_segments = 3,
	};
	struct testdisk *td = kunit_testdisk(test, &cfg);
	const struct xfer pl = { .kind = PAGE_LIST, .offset = 512 };

	round_trip(test, &pl, &SYNC_VM, testdisk_bdev(td), 0, 64 * 1024);
	expect_whole_blocks(test, td, 4096, 3);
}

static void vmalloc_buffer_off_block_boundary_writes_to_4k_disk(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096,
	};
	struct testdisk *td = kunit_testdisk(test, &cfg);
	const struct xfer vm = { .kind = VM, .offset = 512 };

	round_trip(test, &vm, &SYNC_VM, testdisk_bdev(td), 0, 1 << 20);
	expect_whole_blocks(test, td, 4096, 128);
}

/* The mirror's shape: one buffer, two 4 KiB-block legs, no bit set. */
static void o_direct_shaped_write_to_two_4k_disks_sets_no_bits(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096,
	};
	enum { N = 258 };
	struct testdisk *a = kunit_testdisk(test, &cfg);
	struct testdisk *b = kunit_testdisk(test, &cfg);
	struct page **pages = pages_alloc(test, N);
	struct bio_vec *bv = kunit_kcalloc(test, N, sizeof(*bv), GFP_KERNEL);
	struct io_region where[2];
	unsigned long bits = ~0ul;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, bv);
	for (i = 0; i < N; i++)
		bv[i] = (struct bio_vec){ .bv_page = pages[i], .bv_len = PAGE_SIZE };
	bv[0] = (struct bio_vec){ .bv_page = pages[0], .bv_offset = 512, .bv_len = 3584 };
	bv[N - 1].bv_len = 512;
	where[0] = region(testdisk_bdev(a), 0, (N - 1) * PAGE_SECTORS);
	where[1] = region(testdisk_bdev(b), 0, (N - 1) * PAGE_SECTORS);
	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(2, where, WRITE, bv, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_EQ(test, memcmp(testdisk_data(a), testdisk_data(b),
				     (N - 1) * PAGE_SIZE), 0);
	expect_whole_blocks(test, a, 4096, 128);
	pages_free(pages, N);
}

/*
 * A virt-boundary gap inside a 4 KiB block of one region is refused only
 * if a device with such blocks has the boundary: a 512-byte-block device
 * splits at the gap safely, so a mirror over both kinds takes the write.
 */
static void virt_gap_is_fine_where_the_boundary_device_has_small_blocks(struct kunit *test)
{
	static const struct testdisk_config big = {
		.sectors = 8192, .logical_block_size = 4096,
	};
	static const struct testdisk_config gappy = {
		.sectors = 8192, .virt_boundary_mask = PAGE_SIZE - 1,
	};
	static const unsigned int offsets[] = { 0, 512 };
	static const unsigned int lens[] = { 2048, 2048 };
	struct testdisk *a = kunit_testdisk(test, &big);
	struct testdisk *b = kunit_testdisk(test, &gappy);
	struct page **pages = pages_alloc(test, 2);
	struct io_region where[2] = {
		region(testdisk_bdev(a), 0, 8), region(testdisk_bdev(b), 0, 8),
	};
	unsigned long bits = ~0ul;

	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(2, where, WRITE,
					      entries(test, pages, offsets, lens, 2),
					      &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_EQ(test, memcmp(testdisk_data(a), testdisk_data(b), 4096), 0);
	pages_free(pages, 2);
}

/* A two-entry write to a disk of @cfg is refused before any I/O. */
static void expect_refused_on(struct kunit *test,
			      const struct testdisk_config *cfg,
			      const unsigned int *offsets,
			      const unsigned int *lens)
{
	struct testdisk *td = kunit_testdisk(test, cfg);
	struct page **pages = pages_alloc(test, 2);
	struct io_region where = region(testdisk_bdev(td), 0, 8);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(1, &where, WRITE,
					      entries(test, pages, offsets, lens, 2),
					      &bits), -EINVAL);
	KUNIT_EXPECT_EQ(test, testdisk_log_len(td), 0u);
	pages_free(pages, 2);
}

static void block_with_a_virt_gap_inside_is_refused(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096,
		.virt_boundary_mask = PAGE_SIZE - 1,
	};
	/* The second entry starts mid-page inside the first block. */
	static const unsigned int offsets[] = { 0, 512 };
	static const unsigned int lens[] = { 2048, 2048 };

	expect_refused_on(test, &cfg, offsets, lens);
}

static void block_of_more_entries_than_segments_is_refused(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .logical_block_size = 4096, .max_segments = 1,
	};
	static const unsigned int offsets[] = { 512, 0 };
	static const unsigned int lens[] = { 3584, 512 };

	expect_refused_on(test, &cfg, offsets, lens);
}

static void page_list_bios_fit_max_segments(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .max_segments = 3,
	};
	struct testdisk *td = kunit_testdisk(test, &cfg);
	const struct xfer pl = { .kind = PAGE_LIST, .offset = 1024 };

	round_trip(test, &pl, &SYNC_VM, testdisk_bdev(td), 0, 64 * 1024);
	expect_whole_blocks(test, td, 512, 3);
}

/*
 * Entries that continue each other in one page are one segment, as
 * bio_add_page() makes them: to a device with a virt boundary, whose block
 * layer would split at the gap between any two entries, a page written as
 * eight 512-byte entries is one bio of one segment.
 */
static void adjacent_entries_in_a_page_are_one_segment(struct kunit *test)
{
	static const struct testdisk_config cfg = {
		.sectors = 8192, .virt_boundary_mask = PAGE_SIZE - 1,
	};
	struct testdisk *td = kunit_testdisk(test, &cfg);
	struct io_region where = region(testdisk_bdev(td), 0, PAGE_SECTORS);
	struct page *page = alloc_page(GFP_KERNEL);
	struct bio_vec bv[8];
	unsigned long bits;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(page_address(page), 0x3c, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(bv); i++)
		bvec_set_page(&bv[i], page, 512, 512 * i);
	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(1, &where, WRITE, bv, &bits), 0);
	KUNIT_EXPECT_EQ(test, testdisk_log_len(td), 1u);
	if (testdisk_log_len(td))
		KUNIT_EXPECT_EQ(test, testdisk_log(td, 0)->segments, 1u);
	KUNIT_EXPECT_TRUE(test, all_bytes(testdisk_data(td), PAGE_SIZE, 0x3c));
	__free_page(page);
}

static struct kunit_case dmio_limits_cases[] = {
	KUNIT_CASE(o_direct_shaped_entries_write_to_4k_virtio_disk),
	KUNIT_CASE(sub_block_entries_fit_two_segments_a_bio),
	KUNIT_CASE(sub_block_entries_respect_a_virt_boundary),
	KUNIT_CASE(long_sub_block_write_cuts_bios_on_block_boundaries),
	KUNIT_CASE(o_direct_shaped_long_write_cuts_inside_entries),
	KUNIT_CASE(page_list_off_block_boundary_cuts_inside_pages),
	KUNIT_CASE(vmalloc_buffer_off_block_boundary_writes_to_4k_disk),
	KUNIT_CASE(o_direct_shaped_write_to_two_4k_disks_sets_no_bits),
	KUNIT_CASE(block_with_a_virt_gap_inside_is_refused),
	KUNIT_CASE(virt_gap_is_fine_where_the_boundary_device_has_small_blocks),
	KUNIT_CASE(block_of_more_entries_than_segments_is_refused),
	KUNIT_CASE(page_list_bios_fit_max_segments),
	KUNIT_CASE(adjacent_entries_in_a_page_are_one_segment),
	{}
};

static struct kunit_suite dmio_limits_suite = {
	.name = "dmio_limits",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_limits_cases,
};

kunit_test_suite(dmio_limits_suite);
