/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, in one place.
 *
 * dmio builds on the 6.1 and 6.12 LTS lines (README: "Supported
 * kernels").  The C++ core never sees a version: what differs is bridged
 * here, for the shim and for dmio's own C modules (KUnit, benchmark,
 * reliability harness).  C only: this header includes kernel headers.
 */
#ifndef _DMIO_COMPAT_H
#define _DMIO_COMPAT_H

#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/sched.h>

#include <dmio/shim.h>

/*
 * Which side of the 6.9-6.11 block layer changes this kernel is on, told
 * by a feature rather than a version number: BLK_FEAT_* (queue features)
 * came with 6.11, after the file-based block device opens of 6.9.  dmio
 * supports 6.1 and 6.12; kernels in between are not tried.
 */
#ifdef BLK_FEAT_WRITE_CACHE
#define DMIO_COMPAT_BLK_6_11 1
#endif

/*
 * Opening a block device by path or number, read-write, without a holder.
 * 6.1: blkdev_get_by_path()/blkdev_put() with FMODE_* bits.  6.9 removed
 * them: a block device is opened as a file (bdev_file_open_by_*()), its
 * bdev is file_bdev() and bdev_fput() closes it.  Either way a struct
 * dmio_bdev_ref is what a module keeps and closes.
 *
 * A file closed from a kernel thread (a KUnit case, a harness thread) is
 * released later by a work item; dmio_bdev_close() waits for that, so a
 * device is closed when it returns, as with blkdev_put().
 */
struct dmio_bdev_ref {
	struct block_device *bdev;
#ifdef DMIO_COMPAT_BLK_6_11
	struct file *file;
#endif
};

#ifdef DMIO_COMPAT_BLK_6_11
static inline int dmio_bdev_ref_set(struct dmio_bdev_ref *ref, struct file *f)
{
	if (IS_ERR(f))
		return PTR_ERR(f);
	ref->file = f;
	ref->bdev = file_bdev(f);
	return 0;
}

static inline int dmio_bdev_open_path(const char *path,
				      struct dmio_bdev_ref *ref)
{
	return dmio_bdev_ref_set(ref, bdev_file_open_by_path(path,
			BLK_OPEN_READ | BLK_OPEN_WRITE, NULL, NULL));
}

static inline int dmio_bdev_open_dev(dev_t dev, struct dmio_bdev_ref *ref)
{
	return dmio_bdev_ref_set(ref, bdev_file_open_by_dev(dev,
			BLK_OPEN_READ | BLK_OPEN_WRITE, NULL, NULL));
}

static inline void dmio_bdev_close(struct dmio_bdev_ref *ref)
{
	bdev_fput(ref->file);
	if (current->flags & PF_KTHREAD)
		flush_delayed_fput();
	ref->file = NULL;
	ref->bdev = NULL;
}
#else
static inline int dmio_bdev_ref_set(struct dmio_bdev_ref *ref,
				    struct block_device *bdev)
{
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	ref->bdev = bdev;
	return 0;
}

static inline int dmio_bdev_open_path(const char *path,
				      struct dmio_bdev_ref *ref)
{
	return dmio_bdev_ref_set(ref, blkdev_get_by_path(path,
			FMODE_READ | FMODE_WRITE, NULL));
}

static inline int dmio_bdev_open_dev(dev_t dev, struct dmio_bdev_ref *ref)
{
	return dmio_bdev_ref_set(ref, blkdev_get_by_dev(dev,
			FMODE_READ | FMODE_WRITE, NULL));
}

static inline void dmio_bdev_close(struct dmio_bdev_ref *ref)
{
	blkdev_put(ref->bdev, FMODE_READ | FMODE_WRITE);
	ref->bdev = NULL;
}
#endif

/* fail_make_request on one device: a bool until 6.9, a bd_flags bit since. */
static inline void dmio_bdev_make_it_fail(struct block_device *bdev, bool on)
{
#if defined(BD_MAKE_IT_FAIL)
	if (on)
		bdev_set_flag(bdev, BD_MAKE_IT_FAIL);
	else
		bdev_clear_flag(bdev, BD_MAKE_IT_FAIL);
#elif IS_ENABLED(CONFIG_FAIL_MAKE_REQUEST)
	WRITE_ONCE(bdev->bd_make_it_fail, on);
#endif
}

/*
 * A bio-based disk with chosen limits (the KUnit test disk).  6.1 sets
 * them on the queue after blk_alloc_disk(); since 6.11 they are given to
 * blk_alloc_disk(), a volatile cache is a feature flag, and failure is an
 * ERR_PTR.  Returns the disk or an ERR_PTR.
 */
struct dmio_disk_limits {
	unsigned int logical_block_size;
	unsigned int max_hw_sectors;		/* 0: 2560, 6.1's default */
	unsigned int max_segments;		/* 0: the default */
	unsigned long virt_boundary_mask;	/* 0: none */
	bool write_cache;			/* volatile, with FUA */
	unsigned int max_write_zeroes_sectors;	/* 0: none */
};

#ifdef DMIO_COMPAT_BLK_6_11
static inline struct gendisk *dmio_alloc_disk(const struct dmio_disk_limits *l)
{
	struct queue_limits lim = {
		.logical_block_size = l->logical_block_size,
		.physical_block_size = l->logical_block_size,
		.max_hw_sectors = l->max_hw_sectors ?: 2560,
		.max_segments = l->max_segments,
		.virt_boundary_mask = l->virt_boundary_mask,
		.max_write_zeroes_sectors = l->max_write_zeroes_sectors,
	};

	if (l->write_cache)
		lim.features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	return blk_alloc_disk(&lim, NUMA_NO_NODE);
}
#else
static inline struct gendisk *dmio_alloc_disk(const struct dmio_disk_limits *l)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_physical_block_size(q, l->logical_block_size);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors ?: 2560);
	if (l->max_segments)
		blk_queue_max_segments(q, l->max_segments);
	if (l->virt_boundary_mask)
		blk_queue_virt_boundary(q, l->virt_boundary_mask);
	blk_queue_write_cache(q, l->write_cache, l->write_cache);
	blk_queue_max_write_zeroes_sectors(q, l->max_write_zeroes_sectors);
	return disk;
}
#endif

/*
 * A request flag that is a submitter's own business, which dmio refuses:
 * REQ_CGROUP_PUNT in 6.1; 6.12 dropped it and has REQ_FS_PRIVATE.
 */
#ifdef REQ_CGROUP_PUNT
#define DMIO_COMPAT_REQ_SUBMITTER_PRIVATE REQ_CGROUP_PUNT
#else
#define DMIO_COMPAT_REQ_SUBMITTER_PRIVATE REQ_FS_PRIVATE
#endif

/* KUnit: 6.12 renamed KUNIT_ASSERT_FAILURE() (include kunit/test.h first). */
#if defined(KUNIT_FAIL_AND_ABORT) && !defined(KUNIT_ASSERT_FAILURE)
#define KUNIT_ASSERT_FAILURE(test, fmt, ...) \
	KUNIT_FAIL_AND_ABORT(test, fmt, ##__VA_ARGS__)
#endif

/*
 * Request flags.  The core speaks DMIO_REQ_* (shim.h), which are 6.1's
 * blk_opf_t bits; later kernels moved some (6.12: REQ_NOUNMAP, after the
 * new REQ_ATOMIC).  The shim translates at the boundary: a caller's @rw
 * on the way in, a bio's flags on the way out.  Where every bit agrees
 * (6.1) both are the identity and cost nothing.  A kernel flag the core
 * does not know becomes DMIO_REQ_UNKNOWN, which the core refuses.
 */
#define DMIO_COMPAT_SAME_FLAGS						\
	(DMIO_REQ_SYNC == (__force u32)REQ_SYNC &&			\
	 DMIO_REQ_META == (__force u32)REQ_META &&			\
	 DMIO_REQ_PRIO == (__force u32)REQ_PRIO &&			\
	 DMIO_REQ_IDLE == (__force u32)REQ_IDLE &&			\
	 DMIO_REQ_FUA == (__force u32)REQ_FUA &&			\
	 DMIO_REQ_PREFLUSH == (__force u32)REQ_PREFLUSH &&		\
	 DMIO_REQ_RAHEAD == (__force u32)REQ_RAHEAD &&			\
	 DMIO_REQ_BACKGROUND == (__force u32)REQ_BACKGROUND &&		\
	 DMIO_REQ_NOUNMAP == (__force u32)REQ_NOUNMAP)

#define DMIO_COMPAT_KNOWN						\
	((__force u32)(REQ_SYNC | REQ_META | REQ_PRIO | REQ_IDLE |	\
		       REQ_FUA | REQ_PREFLUSH | REQ_RAHEAD |		\
		       REQ_BACKGROUND | REQ_NOUNMAP))

/*
 * One flag from one side to the other: @from's bit @kernel (a REQ_*) or
 * @core (its DMIO_REQ_*).  All but @from are constants, so a flag that did
 * not move is an AND the compiler merges with the others', a moved one a
 * test: no loop, no table.
 */
static __always_inline u32 dmio_compat_bit(u32 from, u32 kernel, u32 core,
					   bool to_core)
{
	u32 bit = to_core ? kernel : core, to = to_core ? core : kernel;

	if (bit == to)
		return from & bit;
	return (from & bit) ? to : 0;
}

static __always_inline u32 dmio_compat_move(u32 from, bool to_core)
{
	return (from & DMIO_OP_MASK) |
	       dmio_compat_bit(from, (__force u32)REQ_SYNC, DMIO_REQ_SYNC, to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_META, DMIO_REQ_META, to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_PRIO, DMIO_REQ_PRIO, to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_IDLE, DMIO_REQ_IDLE, to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_FUA, DMIO_REQ_FUA, to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_PREFLUSH, DMIO_REQ_PREFLUSH,
			       to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_RAHEAD, DMIO_REQ_RAHEAD,
			       to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_BACKGROUND,
			       DMIO_REQ_BACKGROUND, to_core) |
	       dmio_compat_bit(from, (__force u32)REQ_NOUNMAP, DMIO_REQ_NOUNMAP,
			       to_core);
}

static inline unsigned int dmio_opf_to_core(unsigned int rw)
{
	if (DMIO_COMPAT_SAME_FLAGS)
		return rw;
	return dmio_compat_move(rw, true) |
	       ((rw & ~(DMIO_OP_MASK | DMIO_COMPAT_KNOWN)) ?
		DMIO_REQ_UNKNOWN : 0);
}

static inline blk_opf_t dmio_opf_to_kernel(unsigned int opf)
{
	if (DMIO_COMPAT_SAME_FLAGS)
		return (__force blk_opf_t)opf;
	return (__force blk_opf_t)dmio_compat_move(opf, false);
}

#endif
