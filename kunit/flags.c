// SPDX-License-Identifier: GPL-2.0
/*
 * flags.c - suite dmio_flags: what request flags reach the device.
 *
 * REQ_PREFLUSH orders all of a call's data after the flush, so every bio
 * carries it, as in the kernel's dm-io; hints a target forwards from its
 * own bios pass through where they mean something, and are dropped where
 * they do not.
 */
#include "fixture.h"
#include "testdisk.h"

/* A disk with a volatile cache: the block layer keeps PREFLUSH and FUA. */
static const struct testdisk_config cached = {
	.sectors = 16384, .write_cache = true, .max_hw_sectors = 256,
};

static void expect_every_write_has(struct kunit *test, struct testdisk *td,
				   blk_opf_t flag)
{
	unsigned int i, writes = 0;

	for (i = 0; i < testdisk_log_len(td); i++) {
		const struct testdisk_io *io = testdisk_log(td, i);

		if (io->op != REQ_OP_WRITE)
			continue;
		writes++;
		KUNIT_EXPECT_TRUE_MSG(test, io->flags & flag,
				      "bio %u (sector %llu) lacks the flag", i,
				      (unsigned long long)io->sector);
	}
	KUNIT_EXPECT_GT(test, writes, 1u);
}

static void preflush_reaches_every_bio_of_a_long_write(struct kunit *test)
{
	struct testdisk *td = kunit_testdisk(test, &cached);
	size_t bytes = 4 << 20;
	void *buf = pattern(test, bytes, 3);
	struct io_region where = region(testdisk_bdev(td), 0, bytes >> SECTOR_SHIFT);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, WRITE | REQ_PREFLUSH, buf,
					    &bits), 0);
	expect_every_write_has(test, td, REQ_PREFLUSH);
	vfree(buf);
}

static void preflush_reaches_every_clone_of_a_multi_region_write(struct kunit *test)
{
	struct testdisk *a = kunit_testdisk(test, &cached);
	struct testdisk *b = kunit_testdisk(test, &cached);
	size_t bytes = 1 << 20;
	void *buf = pattern(test, bytes, 4);
	struct io_region where[2] = {
		region(testdisk_bdev(a), 0, bytes >> SECTOR_SHIFT),
		region(testdisk_bdev(b), 0, bytes >> SECTOR_SHIFT),
	};
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(2, where, WRITE | REQ_PREFLUSH, buf,
					    &bits), 0);
	expect_every_write_has(test, a, REQ_PREFLUSH);
	expect_every_write_has(test, b, REQ_PREFLUSH);
	vfree(buf);
}

static void fua_reaches_every_bio_of_a_long_write(struct kunit *test)
{
	struct testdisk *td = kunit_testdisk(test, &cached);
	size_t bytes = 1 << 20;
	void *buf = pattern(test, bytes, 5);
	struct io_region where = region(testdisk_bdev(td), 0, bytes >> SECTOR_SHIFT);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, WRITE | REQ_FUA, buf, &bits), 0);
	expect_every_write_has(test, td, REQ_FUA);
	vfree(buf);
}

/* FUA on an empty flush would only make a FUA-emulating device flush twice. */
static void empty_flush_carries_no_fua(struct kunit *test)
{
	struct testdisk *td = kunit_testdisk(test, &cached);
	struct io_region where = region(testdisk_bdev(td), 0, 0);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, WRITE | REQ_PREFLUSH | REQ_FUA,
					    NULL, &bits), 0);
	KUNIT_ASSERT_EQ(test, testdisk_log_len(td), 1u);
	KUNIT_EXPECT_TRUE(test, testdisk_log(td, 0)->flags & REQ_PREFLUSH);
	KUNIT_EXPECT_FALSE(test, testdisk_log(td, 0)->flags & REQ_FUA);
}

/* @rw is accepted, and its first bio reaches the disk with @want. */
static void expect_flag_reaches_disk(struct kunit *test, int rw, blk_opf_t want)
{
	struct testdisk *td = kunit_testdisk(test, &cached);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct io_region where = region(testdisk_bdev(td), 0, PAGE_SECTORS);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, rw, buf, &bits), 0);
	KUNIT_ASSERT_GT(test, testdisk_log_len(td), 0u);
	KUNIT_EXPECT_EQ(test, testdisk_log(td, 0)->flags & want, want);
	vfree(buf);
}

static void o_direct_write_hints_pass_through(struct kunit *test)
{
	expect_flag_reaches_disk(test, WRITE | REQ_SYNC | REQ_IDLE, REQ_IDLE);
}

static void background_hint_passes_through(struct kunit *test)
{
	expect_flag_reaches_disk(test, WRITE | REQ_BACKGROUND, REQ_BACKGROUND);
}

static void readahead_hint_passes_through_on_reads(struct kunit *test)
{
	expect_flag_reaches_disk(test, READ | REQ_RAHEAD, REQ_RAHEAD);
}

static void readahead_hint_is_dropped_from_writes(struct kunit *test)
{
	struct testdisk *td = kunit_testdisk(test, &cached);
	void *buf = filled(test, PAGE_SIZE, 1);
	struct io_region where = region(testdisk_bdev(td), 0, PAGE_SECTORS);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, WRITE | REQ_RAHEAD, buf,
					    &bits), 0);
	KUNIT_ASSERT_GT(test, testdisk_log_len(td), 0u);
	KUNIT_EXPECT_FALSE(test, testdisk_log(td, 0)->flags & REQ_RAHEAD);
	vfree(buf);
}

static void nounmap_write_zeroes_zeroes(struct kunit *test)
{
	struct io_region where = region(dev(test, VD_ZEROES), 2048, 64);
	void *buf = filled(test, 64 << SECTOR_SHIFT, 0x77);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, WRITE, buf, &bits), 0);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where,
					    REQ_OP_WRITE_ZEROES | REQ_NOUNMAP,
					    NULL, &bits), 0);
	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, READ, buf, &bits), 0);
	KUNIT_EXPECT_TRUE(test, all_bytes(buf, 64 << SECTOR_SHIFT, 0));
	vfree(buf);
}

/*
 * The flags dmio carries, and what the disk got of them: each exactly,
 * so that a flag translated to another's bit (6.12 moved REQ_NOUNMAP to
 * where 6.1 had nothing; a swap of two is as wrong as a drop) shows.
 */
#define CARRIED (REQ_SYNC | REQ_META | REQ_PRIO | REQ_IDLE | REQ_FUA |	\
		 REQ_PREFLUSH | REQ_RAHEAD | REQ_BACKGROUND | REQ_NOUNMAP)

static void expect_exact_flags(struct kunit *test, int rw, blk_opf_t want)
{
	static const struct testdisk_config zeroes = {
		.sectors = 16384, .write_cache = true,
		.max_write_zeroes_sectors = 64,
	};
	struct testdisk *td = kunit_testdisk(test, &zeroes);
	bool data = (rw & REQ_OP_MASK) == REQ_OP_WRITE;
	void *buf = data ? filled(test, PAGE_SIZE, 1) : NULL;
	struct io_region where = region(testdisk_bdev(td), 0, PAGE_SECTORS);
	unsigned long bits;

	KUNIT_ASSERT_EQ(test, dm_io_sync_vm(1, &where, rw, buf, &bits), 0);
	KUNIT_ASSERT_GT(test, testdisk_log_len(td), 0u);
	KUNIT_EXPECT_EQ(test, testdisk_log(td, 0)->op, (enum req_op)(rw & REQ_OP_MASK));
	KUNIT_EXPECT_EQ(test, testdisk_log(td, 0)->flags & CARRIED, want);
	vfree(buf);
}

static void meta_reaches_disk_as_itself(struct kunit *test)
{
	expect_exact_flags(test, WRITE | REQ_META, REQ_META | REQ_SYNC);
}

static void prio_reaches_disk_as_itself(struct kunit *test)
{
	expect_exact_flags(test, WRITE | REQ_PRIO, REQ_PRIO | REQ_SYNC);
}

static void nounmap_reaches_write_zeroes_as_itself(struct kunit *test)
{
	expect_exact_flags(test, REQ_OP_WRITE_ZEROES | REQ_NOUNMAP,
			   REQ_NOUNMAP | REQ_SYNC);
}

static void nounmap_is_dropped_from_writes(struct kunit *test)
{
	expect_exact_flags(test, WRITE | REQ_NOUNMAP, REQ_SYNC);
}

/* A page written with @flag, which dmio does not carry: refused. */
static void expect_write_flag_refused(struct kunit *test, blk_opf_t flag)
{
	struct io_region where = region(ram(test, 31), 0, PAGE_SECTORS);
	void *buf = filled(test, PAGE_SIZE, 1);
	unsigned long bits;

	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &where, WRITE | flag, buf, &bits),
			-EINVAL);
	vfree(buf);
}

#ifdef REQ_ATOMIC
/* 6.12's REQ_ATOMIC sits on 6.1's REQ_NOUNMAP bit: not carried, refused. */
static void atomic_write_is_refused(struct kunit *test)
{
	expect_write_flag_refused(test, REQ_ATOMIC);
}
#endif

static void nowait_is_refused(struct kunit *test)
{
	expect_write_flag_refused(test, REQ_NOWAIT);
}

static struct kunit_case dmio_flags_cases[] = {
	KUNIT_CASE(preflush_reaches_every_bio_of_a_long_write),
	KUNIT_CASE(preflush_reaches_every_clone_of_a_multi_region_write),
	KUNIT_CASE(fua_reaches_every_bio_of_a_long_write),
	KUNIT_CASE(empty_flush_carries_no_fua),
	KUNIT_CASE(o_direct_write_hints_pass_through),
	KUNIT_CASE(background_hint_passes_through),
	KUNIT_CASE(readahead_hint_passes_through_on_reads),
	KUNIT_CASE(readahead_hint_is_dropped_from_writes),
	KUNIT_CASE(nounmap_write_zeroes_zeroes),
	KUNIT_CASE(meta_reaches_disk_as_itself),
	KUNIT_CASE(prio_reaches_disk_as_itself),
	KUNIT_CASE(nounmap_reaches_write_zeroes_as_itself),
	KUNIT_CASE(nounmap_is_dropped_from_writes),
#ifdef REQ_ATOMIC
	KUNIT_CASE(atomic_write_is_refused),
#endif
	KUNIT_CASE(nowait_is_refused),
	{}
};

static struct kunit_suite dmio_flags_suite = {
	.name = "dmio_flags",
	.init = fixture_init,
	.exit = fixture_exit,
	.test_cases = dmio_flags_cases,
};

kunit_test_suite(dmio_flags_suite);
