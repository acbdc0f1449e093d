// SPDX-License-Identifier: GPL-2.0
/*
 * ops.c - suite dmio_ops: flush, FUA, discard, write-zeroes, signals.
 */
#include <linux/part_stat.h>
#include <linux/sched/signal.h>

#include "fixture.h"

static unsigned long flushes(struct block_device *bdev)
{
	return part_stat_read(bdev, ios[STAT_FLUSH]);
}

static void flush_with_empty_region_reaches_device(struct kunit *test)
{
	struct block_device *bdev = dev(test, NB_CACHE);
	struct io_region where[] = { region(ram(test, 23), 0, 8), region(bdev, 0, 0) };
	void *buf = filled(test, 4096, 3);
	unsigned long before = flushes(bdev), bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(2, where, WRITE | REQ_PREFLUSH, buf, &bits), 0);
	KUNIT_EXPECT_GT(test, flushes(bdev), before);
	vfree(buf);
}

static void empty_region_without_flush_is_skipped(struct kunit *test)
{
	struct block_device *bdev = dev(test, NB_CACHE);
	struct io_region where = region(bdev, 0, 0);
	unsigned long writes = part_stat_read(bdev, ios[STAT_WRITE]);
	unsigned long before = flushes(bdev), bits = ~0ul;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE, NULL, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_EQ(test, flushes(bdev), before);
	KUNIT_EXPECT_EQ(test, part_stat_read(bdev, ios[STAT_WRITE]), writes);
}

static void fua_write_reaches_device(struct kunit *test)
{
	/* virtio-blk has no FUA: the block layer follows with a flush. */
	struct block_device *bdev = dev(test, VD_NO_FUA);
	unsigned long before = flushes(bdev), bits;
	struct io_region where = region(bdev, 0, 8);
	void *buf = filled(test, 4096, 4);

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE | REQ_FUA, buf, &bits), 0);
	KUNIT_EXPECT_GT(test, flushes(bdev), before);
	vfree(buf);
}

/* Writes a pattern, applies @op over part of it, checks zeroes there. */
static void zeroing_op_zeroes(struct kunit *test, const char *path, int op)
{
	size_t bytes = 1 << 20;
	struct block_device *bdev = dev(test, path);
	struct io_region all = region(bdev, 0, bytes >> SECTOR_SHIFT);
	struct io_region part = region(bdev, 256, 1024);
	void *data = pattern(test, bytes, op);
	void *back = filled(test, bytes, 0x77);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, WRITE, &all, 1, data, bytes, &bits), 0);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, &part, op, NULL, 0, &bits), 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, READ, &all, 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(back, data, 256 << SECTOR_SHIFT));
	KUNIT_EXPECT_TRUE(test, all_bytes(back + (256 << SECTOR_SHIFT), 1024 << SECTOR_SHIFT, 0));
	KUNIT_EXPECT_TRUE(test, !memcmp(back + (1280 << SECTOR_SHIFT),
					data + (1280 << SECTOR_SHIFT),
					bytes - (1280 << SECTOR_SHIFT)));
	vfree(data);
	vfree(back);
}

static void discard_zeroes_null_blk(struct kunit *test)
{
	zeroing_op_zeroes(test, NB_MEM, REQ_OP_DISCARD);
}

static void write_zeroes_zeroes_virtio_disk(struct kunit *test)
{
	zeroing_op_zeroes(test, VD_ZEROES, REQ_OP_WRITE_ZEROES);
}

/*
 * null_blk without its discard attribute supports neither (brd does
 * discard since 6.12): its region fails, the other one does not.
 */
static void unsupported_op_sets_only_that_regions_bit(struct kunit *test, int op)
{
	struct io_region where[] = {
		region(dev(test, NB_MEM), 0, 64),
		region(dev(test, NB_4K), 0, 64),
	};
	struct async_result *a = async_result(test);

	if (op == REQ_OP_WRITE_ZEROES)
		where[0].bdev = dev(test, VD_ZEROES);
	KUNIT_ASSERT_EQ(test, dm_io_async(2, where, op, NULL, 0, async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), BIT(1));
}

static void discard_on_unsupporting_device_sets_its_bit(struct kunit *test)
{
	unsupported_op_sets_only_that_regions_bit(test, REQ_OP_DISCARD);
}

static void write_zeroes_on_unsupporting_device_sets_its_bit(struct kunit *test)
{
	unsupported_op_sets_only_that_regions_bit(test, REQ_OP_WRITE_ZEROES);
}

static void sync_with_pending_signal_waits_for_all_bios(struct kunit *test)
{
	size_t bytes = 8 * PAGE_SIZE;
	struct io_region slow = region(dev(test, SLOW), 0, bytes >> SECTOR_SHIFT);
	struct io_region backing = region(dev(test, SLOW_BACKING), 0, bytes >> SECTOR_SHIFT);
	void *data = pattern(test, bytes, 99);
	void *back = filled(test, bytes, 0);
	unsigned long bits;
	ktime_t start;

	KUNIT_ASSERT_EQ(test, xfer(test, &SYNC_VM, WRITE, &backing, 1, data, bytes, &bits), 0);
	allow_signal(SIGUSR1);
	send_sig(SIGUSR1, current, 1);
	KUNIT_ASSERT_TRUE(test, signal_pending(current));
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, xfer(test, &SYNC_PL, READ, &slow, 1, back, bytes, &bits), 0);
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), start), SLOW_MS);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(data, back, bytes),
			      "returned before the read completed");
	flush_signals(current);
	disallow_signal(SIGUSR1);
	vfree(data);
	vfree(back);
}

static struct kunit_case dmio_ops_cases[] = {
	KUNIT_CASE(flush_with_empty_region_reaches_device),
	KUNIT_CASE(empty_region_without_flush_is_skipped),
	KUNIT_CASE(fua_write_reaches_device),
	KUNIT_CASE(discard_zeroes_null_blk),
	KUNIT_CASE(write_zeroes_zeroes_virtio_disk),
	KUNIT_CASE(discard_on_unsupporting_device_sets_its_bit),
	KUNIT_CASE(write_zeroes_on_unsupporting_device_sets_its_bit),
	KUNIT_CASE(sync_with_pending_signal_waits_for_all_bios),
	{}
};

static struct kunit_suite dmio_ops_suite = {
	.name = "dmio_ops",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_ops_cases,
};

kunit_test_suite(dmio_ops_suite);
