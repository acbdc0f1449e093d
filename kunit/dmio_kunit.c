// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>
#include <linux/module.h>
#include <dmio/dm-io.h>

static void dmio_abi_region_layout_matches_dm_io_region(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct io_region), sizeof(struct dm_io_region));
}

static struct kunit_case dmio_abi_cases[] = {
	KUNIT_CASE(dmio_abi_region_layout_matches_dm_io_region),
	{}
};

static struct kunit_suite dmio_abi_suite = {
	.name = "dmio_abi",
	.test_cases = dmio_abi_cases,
};

kunit_test_suites(&dmio_abi_suite);
MODULE_LICENSE("GPL");
