// SPDX-License-Identifier: GPL-2.0
/*
 * notify.c - suite dmio_notify: the async callback runs exactly once.
 */
#include <linux/delay.h>

#include "fixture.h"

static void callback_runs_once_for_all_empty_regions(struct kunit *test)
{
	struct io_region where[] = { region(ram(test, 25), 0, 0), region(ram(test, 26), 8, 0) };
	struct async_result *a = async_result(test);

	KUNIT_ASSERT_EQ(test, dm_io_async_vm(2, where, WRITE, NULL, async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
}

static void callback_runs_once_for_many_bios(struct kunit *test)
{
	size_t bytes = 2 << 20;
	struct io_region where[] = {
		region(ram(test, 27), 0, bytes >> SECTOR_SHIFT),
		region(ram(test, 28), 0, bytes >> SECTOR_SHIFT),
	};
	struct async_result *a = async_result(test);
	void *buf = filled(test, bytes, 9);

	KUNIT_ASSERT_EQ(test, dm_io_async_vm(2, where, WRITE, buf, async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
	vfree(buf);
}

static void callback_never_runs_for_refused_request(struct kunit *test)
{
	struct io_region where = region(ram(test, 29), 1ull << 40, 8);
	struct async_result *a = async_result(test);
	void *buf = filled(test, 4096, 9);

	KUNIT_EXPECT_EQ(test, dm_io_async_vm(1, &where, WRITE, buf, async_notify, a), -EINVAL);
	msleep(50);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 0);
	vfree(buf);
}

static struct kunit_case dmio_notify_cases[] = {
	KUNIT_CASE(callback_runs_once_for_all_empty_regions),
	KUNIT_CASE(callback_runs_once_for_many_bios),
	KUNIT_CASE(callback_never_runs_for_refused_request),
	{}
};

static struct kunit_suite dmio_notify_suite = {
	.name = "dmio_notify",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_notify_cases,
};

kunit_test_suite(dmio_notify_suite);
