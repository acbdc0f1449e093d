// SPDX-License-Identifier: GPL-2.0
/*
 * regions.c - suite dmio_regions: one write, many devices.
 */
#include "fixture.h"

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

kunit_test_suite(dmio_regions_suite);
