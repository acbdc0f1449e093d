// SPDX-License-Identifier: GPL-2.0
/*
 * abi.c - suite dmio_abi: what a consumer compiles against.
 */
#include "fixture.h"

static void io_region_matches_kernel_dm_io_region(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct io_region), sizeof(struct dm_io_region));
	KUNIT_EXPECT_EQ(test, offsetof(struct io_region, count),
			offsetof(struct dm_io_region, count));
}

static struct kunit_case dmio_abi_cases[] = {
	KUNIT_CASE(io_region_matches_kernel_dm_io_region),
	{}
};

static struct kunit_suite dmio_abi_suite = {
	.name = "dmio_abi",
	.test_cases = dmio_abi_cases,
};

kunit_test_suite(dmio_abi_suite);
