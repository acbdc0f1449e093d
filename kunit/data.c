// SPDX-License-Identifier: GPL-2.0
/*
 * data.c - suite dmio_data: every entry point moves data, byte-exact.
 */
#include "fixture.h"

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

kunit_test_suite(dmio_data_suite);
