// SPDX-License-Identifier: GPL-2.0
/*
 * errors.c - suite dmio_errors: the error bitset and failed reads.
 */
#include "fixture.h"

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

kunit_test_suite(dmio_errors_suite);
