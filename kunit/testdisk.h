/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testdisk.h - a memory-backed, bio-based block device made by a KUnit
 * case for itself, with the limits the case asks for, that records every
 * bio it gets, can hold bios until the case releases them and can fail
 * them.
 *
 * Like a blk-mq driver, the disk first cuts each bio to its limits with
 * bio_split_to_limits(), then records it: the log shows what the device
 * saw after the block layer's splitting.  (6.1 BUG()s in that split when
 * a bio must be cut inside a logical block: cases must not send one.)
 */
#ifndef _DMIO_KUNIT_TESTDISK_H
#define _DMIO_KUNIT_TESTDISK_H

#include <linux/blk_types.h>
#include <linux/types.h>

struct kunit;
struct testdisk;

/**
 * struct testdisk_config - what a test disk looks like
 * @sectors: size in 512-byte sectors, a whole number of logical blocks
 * @logical_block_size: 512 or 4096; 0 means 512
 * @max_segments: segments per bio; 0 means the block layer's default
 *	(BLK_MAX_SEGMENTS, 128)
 * @virt_boundary_mask: 0, or PAGE_SIZE - 1 for a device that, like NVMe,
 *	takes no gap inside a page between two segments
 * @write_cache: a volatile write cache with FUA: bios keep REQ_PREFLUSH
 *	and REQ_FUA, and an empty flush reaches the disk.  Without it the
 *	block layer strips both flags and completes empty flushes itself.
 * @max_hw_sectors: sectors per bio; 0 means BLK_DEF_MAX_SECTORS (2560)
 */
struct testdisk_config {
	sector_t sectors;
	unsigned int logical_block_size;
	unsigned short max_segments;
	unsigned long virt_boundary_mask;
	bool write_cache;
	unsigned int max_hw_sectors;
	unsigned int max_write_zeroes_sectors;	/* 0: no write-zeroes */
};

/**
 * struct testdisk_io - one bio as the disk got it, after splitting
 * @op: bio_op(), e.g. REQ_OP_READ, REQ_OP_WRITE
 * @flags: the rest of bi_opf as given: REQ_PREFLUSH, REQ_FUA, REQ_SYNC...
 * @sector: first sector
 * @size: bytes; 0 for an empty flush
 * @segments: physical segments, counted as the block layer counts them
 *	against max_segments (one per bio_vec unless an entry spans pages
 *	and must be cut at the maximum segment size or segment boundary)
 * @ioprio: bi_ioprio
 * @cloned: it shares another bio's vector table (BIO_CLONED), as it came,
 *	before any split of the disk's own
 * @plug: the plug its submitter held, numbered from 1 per disk (0: none);
 *	bios submitted under one plug share it.  (6.12's block layer plugs
 *	each submission to a bio-based disk on its own, when nobody else does.)
 */
struct testdisk_io {
	enum req_op op;
	blk_opf_t flags;
	sector_t sector;
	unsigned int size;
	unsigned int segments;
	unsigned short ioprio;
	bool cloned;
	unsigned int plug;
};

/* Entries the log keeps; testdisk_log_lost() counts the bios past them. */
#define TESTDISK_LOG_MAX 4096

/**
 * testdisk_create() - make and open a test disk
 * @cfg: its size and limits
 *
 * Adds a disk named dmiotd<N> and opens it for reading and writing.
 * Its data starts zeroed; its log empty; it neither holds nor fails.
 * Process context.
 *
 * Return: the disk, or an ERR_PTR(): -EINVAL for a bad @cfg, -ENOMEM,
 * or whatever adding or opening the disk failed with.
 */
struct testdisk *testdisk_create(const struct testdisk_config *cfg);

/**
 * testdisk_destroy() - release held bios, close and remove a test disk
 * @td: the disk, or NULL or an ERR_PTR() (then nothing happens)
 *
 * Completes any bio still held, as testdisk_release(), then closes and
 * deletes the disk and frees its memory.  Nobody may use its block
 * device afterwards.  Process context.
 */
void testdisk_destroy(struct testdisk *td);

/**
 * kunit_testdisk() - testdisk_create() for a KUnit case
 * @test: the case, which ends (assertion failure) if the disk cannot be made
 * @cfg: its size and limits
 *
 * Return: the disk, destroyed when @test ends (after its suite's exit).
 */
struct testdisk *kunit_testdisk(struct kunit *test,
				const struct testdisk_config *cfg);

/**
 * testdisk_bdev() - the disk's block device, open for reading and writing
 * @td: the disk
 *
 * Return: the block device, valid until testdisk_destroy().
 */
struct block_device *testdisk_bdev(struct testdisk *td);

/**
 * testdisk_data() - the disk's contents
 * @td: the disk
 *
 * Reading or writing here is not I/O: it is not logged and never fails.
 *
 * Return: the backing memory, cfg->sectors * 512 bytes, vmalloc'd.
 */
void *testdisk_data(struct testdisk *td);

/**
 * testdisk_hold() - hold every bio from now on
 * @td: the disk
 *
 * Each bio that arrives from now on is logged, then queued uncompleted
 * until testdisk_release().
 */
void testdisk_hold(struct testdisk *td);

/**
 * testdisk_held() - bios held now
 * @td: the disk
 *
 * Return: how many bios wait for testdisk_release().
 */
unsigned int testdisk_held(struct testdisk *td);

/**
 * testdisk_wait_held() - wait until enough bios are held
 * @td: the disk
 * @n: how many
 * @timeout: the longest wait, in jiffies
 *
 * Sleeps until at least @n bios are held or @timeout passes.
 *
 * Return: true if @n bios were held, false on timeout.
 */
bool testdisk_wait_held(struct testdisk *td, unsigned int n,
			unsigned long timeout);

/**
 * testdisk_release() - complete every held bio and stop holding
 * @td: the disk
 *
 * Completes the held bios in their order of arrival, from the caller's
 * context (the submitters' end_io functions run here, in process
 * context), failing them if testdisk_fail() is set now.  Bios that
 * arrive from now on complete at once.
 */
void testdisk_release(struct testdisk *td);

/**
 * testdisk_fail() - fail every bio, or stop failing
 * @td: the disk
 * @fail: true to fail
 *
 * While set, every bio completed (at arrival, or by testdisk_release())
 * ends with BLK_STS_IOERR and moves no data: a read leaves its buffer
 * untouched, a write leaves the disk unchanged.  Failed bios are logged
 * like the others.
 */
void testdisk_fail(struct testdisk *td, bool fail);

/**
 * testdisk_log_len() - bios logged since creation or the last clear
 * @td: the disk
 *
 * Return: the number of log entries, at most %TESTDISK_LOG_MAX.
 */
unsigned int testdisk_log_len(struct testdisk *td);

/**
 * testdisk_log() - one logged bio
 * @td: the disk
 * @i: its place in order of arrival, from 0
 *
 * Return: the entry, unchanged until testdisk_log_clear(); NULL if
 * @i >= testdisk_log_len().
 */
const struct testdisk_io *testdisk_log(struct testdisk *td, unsigned int i);

/**
 * testdisk_log_lost() - bios not logged because the log was full
 * @td: the disk
 *
 * Return: how many bios arrived after %TESTDISK_LOG_MAX were logged.
 */
unsigned int testdisk_log_lost(struct testdisk *td);

/**
 * testdisk_log_clear() - empty the log
 * @td: the disk
 *
 * Entries returned by testdisk_log() before are invalid after.
 */
void testdisk_log_clear(struct testdisk *td);

#endif /* _DMIO_KUNIT_TESTDISK_H */
