// SPDX-License-Identifier: GPL-2.0
/*
 * dmio_bench - the CPU cost of dmio against the kernel's own dm_io() and
 * against plain bios, for the same I/O in the same boot.
 *
 * Everything happens at load time.  In the default (icount) mode, for each
 * workload, each path runs a warm-up and then a timed loop (ktime_get_ns()),
 * and one line is printed:
 *
 *   BENCH <workload> raw_ns=<> kernel_dm_io_ns=<> dmio_ns=<>
 *         dmio/kernel=<> kernel/raw=<> dmio/raw=<>
 *
 * Times are per call; ratios are fixed point, x1000 (0 where a path did not
 * run).  Run under QEMU with -icount shift=0,sleep=off and one CPU, a
 * nanosecond is one instruction, so the numbers are a deterministic
 * CPU-cost measure (qemu/bench.sh).
 *
 * Synchronous workloads make one call at a time.  Asynchronous ones keep up
 * to a queue depth of calls in flight: the submitter issues calls until
 * the depth is reached, then waits for completions; the completion
 * callbacks (which may run in interrupt context) only count and wake it.
 * The submitter holds a block plug while it issues, so the bios of all the
 * calls it has issued are outstanding together (null_blk on one CPU would
 * otherwise complete each bio inside submit_bio()); it flushes the plug
 * before it waits (plug=0: no plug, each bio is dispatched as it is
 * submitted).  All three paths run under the same scheme.
 *
 * With wall_ms=N (qemu/bench-smp.sh) it measures wall-clock throughput
 * instead, on every online CPU at once: one submitting thread per CPU,
 * each with its own queue depth, N ms per run, runs alternating between
 * the kernel's dm_io() and dmio (kernel, dmio, kernel, ..., kernel), and
 * prints for each dmio run its throughput over the mean of the two kernel
 * runs around it, then the median:
 *
 *   BENCHSMP <workload> cpus=<> round=<i> dmio/kernel=<>
 *   BENCHSMP <workload> cpus=<> median dmio/kernel=<> q1=<> q3=<> min=<> max=<>
 *
 * The devices are <dev_prefix>0 .. <dev_prefix>7, null_blk disks with
 * memory_backed=0, so the I/O itself costs almost nothing.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/cpumask.h>
#include <linux/highmem.h>
#include <linux/ioprio.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/dm-io.h>
#include <dmio/compat.h>
#include <dmio/dm-io.h>

#define BENCH_DEVS	8
#define SMALL_BYTES	SZ_4K
#define BIG_BYTES	SZ_1M
#define MULTI_BYTES	SZ_64K
#define PL_BYTES	SZ_2M
#define MULTI_PAGES	(MULTI_BYTES / PAGE_SIZE)
#define PL_PAGES	(PL_BYTES / PAGE_SIZE)
#define PAGES_ORDER	order_base_2(2 * PL_PAGES)
#define MAX_ROUNDS	64

static char *dev_prefix = "/dev/dmiobench";
module_param(dev_prefix, charp, 0444);
MODULE_PARM_DESC(dev_prefix, "devices are <dev_prefix>0 .. <dev_prefix>7");

static unsigned int small_iters = 2000;
module_param(small_iters, uint, 0444);
MODULE_PARM_DESC(small_iters, "timed calls per path, workloads up to 64 KiB a region");

static unsigned int big_iters = 200;
module_param(big_iters, uint, 0444);
MODULE_PARM_DESC(big_iters, "timed calls per path, 1 MiB and 2 MiB workloads");

static unsigned int iters;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "timed calls per path for every workload (0: small_iters/big_iters)");

static unsigned int warmup = 50;
module_param(warmup, uint, 0444);
MODULE_PARM_DESC(warmup, "untimed calls per path before timing (async: at least 4 x depth)");

static bool plug = true;
module_param(plug, bool, 0444);
MODULE_PARM_DESC(plug, "async workloads issue under a block plug (0: each bio is dispatched, and on one CPU completed, as it is submitted)");

static bool mark;
module_param(mark, bool, 0444);
MODULE_PARM_DESC(mark, "x86: open and close a window of qemu/profile.sh around each timed loop");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "run just the workload of this name");

static char *paths = "raw,kernel,dmio";
module_param(paths, charp, 0444);
MODULE_PARM_DESC(paths, "the paths to run, a comma-separated subset of raw,kernel,dmio");

static unsigned int wall_ms;
module_param(wall_ms, uint, 0444);
MODULE_PARM_DESC(wall_ms, "wall-clock mode: ms per run on all CPUs (0: icount mode)");

static unsigned int rounds = 5;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "wall-clock mode: dmio runs, each between two dm_io() runs");

/* One set of buffers and devices, shared by all paths and threads. */
struct bench {
	struct dmio_bdev_ref dev[BENCH_DEVS];
	struct dm_io_client *client;
	struct page *block;		/* 2 * PL_PAGES pages ... */
	struct page *pages[PL_PAGES];	/* ... of which every other one */
	struct page_list pl;		/* pages[0] alone, for 4 KiB calls */
	struct page_list *pl_big;	/* pages[], chained, for 2 MiB */
	struct bio_vec bvec[MULTI_PAGES]; /* pages[], for bio_vec writes */
	struct bio kbio;		/* bvec[], for the kernel's DM_IO_BIO */
	void *vbuf;			/* BIG_BYTES of vmalloc memory */
};

/*
 * The calls in flight of one submitter.  Callbacks may run in interrupt
 * context, on another CPU, so the count and the wake-up are under @lock:
 * once the submitter has seen the count drop to zero under it, no
 * callback touches this any more.
 */
struct qd {
	spinlock_t lock;
	wait_queue_head_t wait;
	unsigned int inflight;
	unsigned int depth;
	int error;
};

static void qd_init(struct qd *q, unsigned int depth)
{
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->wait);
	q->inflight = 0;
	q->depth = depth;
	q->error = 0;
}

/* A call of @q completed: what every path's completion does, and no more. */
static void qd_done(struct qd *q, bool failed)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (failed)
		q->error = -EIO;
	q->inflight--;
	/* A waiter is on the queue before it drops the lock to sleep. */
	if (waitqueue_active(&q->wait))
		wake_up(&q->wait);
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Wait until fewer than @max calls of @q are in flight; count one more. */
static void qd_get(struct qd *q, unsigned int max)
{
	spin_lock_irq(&q->lock);
	wait_event_lock_irq(q->wait, q->inflight < max, q->lock);
	q->inflight++;
	spin_unlock_irq(&q->lock);
}

/* A call that was counted was refused: it will not complete. */
static void qd_put(struct qd *q)
{
	spin_lock_irq(&q->lock);
	q->inflight--;
	spin_unlock_irq(&q->lock);
}

/* Wait for every call of @q; its first error. */
static int qd_drain(struct qd *q)
{
	int ret;

	spin_lock_irq(&q->lock);
	wait_event_lock_irq(q->wait, !q->inflight, q->lock);
	ret = q->error;
	spin_unlock_irq(&q->lock);
	return ret;
}

/* ---- raw bios: the floor ---- */

static int raw_read(struct bench *b, void *vbuf, struct page *page,
		    unsigned int bytes)
{
	unsigned int nr = DIV_ROUND_UP(bytes, PAGE_SIZE);
	struct bio *bio;
	unsigned int i;
	int ret;

	bio = bio_alloc(b->dev[0].bdev, nr, REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = 0;
	for (i = 0; i < nr; i++) {
		struct page *p = vbuf ? vmalloc_to_page(vbuf + i * PAGE_SIZE) : page;

		if (!bio_add_page(bio, p, PAGE_SIZE, 0)) {
			bio_put(bio);
			return -EIO;
		}
	}
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

static int raw_read_4k(struct bench *b, struct qd *q)
{
	return raw_read(b, NULL, b->pages[0], SMALL_BYTES);
}

static int raw_read_1m_vm(struct bench *b, struct qd *q)
{
	int ret;

	flush_kernel_vmap_range(b->vbuf, BIG_BYTES);
	ret = raw_read(b, b->vbuf, NULL, BIG_BYTES);
	invalidate_kernel_vmap_range(b->vbuf, BIG_BYTES);
	return ret;
}

/*
 * A write bio of pages[0 .. @nr_pages - 1] to device @d.  If a page does
 * not fit, its status is an error already, which completion keeps.
 */
static struct bio *raw_write_bio(struct bench *b, unsigned int d,
				 unsigned int nr_pages, blk_opf_t opf)
{
	struct bio *bio = bio_alloc(b->dev[d].bdev, nr_pages, opf, GFP_NOIO);
	unsigned int i;

	bio->bi_iter.bi_sector = 0;
	for (i = 0; i < nr_pages; i++)
		if (!bio_add_page(bio, b->pages[i], PAGE_SIZE, 0))
			bio->bi_status = BLK_STS_IOERR;
	return bio;
}

struct raw_fanout {
	atomic_t pending;
	int error;
	struct completion done;
};

static void raw_fanout_endio(struct bio *bio)
{
	struct raw_fanout *f = bio->bi_private;

	if (bio->bi_status)
		WRITE_ONCE(f->error, -EIO);
	bio_put(bio);
	if (atomic_dec_and_test(&f->pending))
		complete(&f->done);
}

/* One bio per device, all in flight at once, one wait: what dm_io does. */
static int raw_write_multi(struct bench *b, unsigned int devs,
			   unsigned int bytes)
{
	struct raw_fanout f = { .pending = ATOMIC_INIT(devs) };
	unsigned int d;

	init_completion(&f.done);
	for (d = 0; d < devs; d++) {
		struct bio *bio = raw_write_bio(b, d, bytes / PAGE_SIZE,
						REQ_OP_WRITE | REQ_SYNC);

		bio->bi_end_io = raw_fanout_endio;
		bio->bi_private = &f;
		if (bio->bi_status)
			bio_endio(bio);
		else
			submit_bio(bio);
	}
	wait_for_completion_io(&f.done);
	return f.error;
}

static int raw_write_64k_x8(struct bench *b, struct qd *q)
{
	return raw_write_multi(b, BENCH_DEVS, MULTI_BYTES);
}

static int raw_write_4k_x8(struct bench *b, struct qd *q)
{
	return raw_write_multi(b, BENCH_DEVS, SMALL_BYTES);
}

static int raw_write_64k_x3(struct bench *b, struct qd *q)
{
	return raw_write_multi(b, 3, MULTI_BYTES);
}

/* 2 MiB of pages to one device: bios of BIO_MAX_VECS pages, chained. */
static int raw_write_2m_pl(struct bench *b, struct qd *q)
{
	struct bio *bio, *prev = NULL;
	unsigned int done = 0, nr, i;
	int ret;

	do {
		nr = min_t(unsigned int, PL_PAGES - done, BIO_MAX_VECS);
		bio = bio_alloc(b->dev[0].bdev, nr, REQ_OP_WRITE | REQ_SYNC,
				GFP_NOIO);
		bio->bi_iter.bi_sector = done << (PAGE_SHIFT - SECTOR_SHIFT);
		for (i = 0; i < nr; i++)
			if (!bio_add_page(bio, b->pages[done + i], PAGE_SIZE, 0))
				bio->bi_status = BLK_STS_IOERR;
		if (prev) {
			bio_chain(prev, bio);
			submit_bio(prev);
		}
		prev = bio;
		done += nr;
	} while (done < PL_PAGES);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

/* A call with nothing to do costs nothing done by hand. */
static int raw_empty(struct bench *b, struct qd *q)
{
	return 0;
}

static void raw_async_endio(struct bio *bio)
{
	qd_done(bio->bi_private, bio->bi_status);
	bio_put(bio);
}

/*
 * One bio per device; the first is the call's, the others are chained to
 * it, so its end_io runs once all are done (no other state per call).
 */
static int raw_async_write(struct bench *b, struct qd *q, unsigned int devs,
			   unsigned int bytes)
{
	struct bio *parent = raw_write_bio(b, 0, bytes / PAGE_SIZE,
					   REQ_OP_WRITE);
	unsigned int d;

	parent->bi_end_io = raw_async_endio;
	parent->bi_private = q;
	for (d = 1; d < devs; d++) {
		struct bio *bio = raw_write_bio(b, d, bytes / PAGE_SIZE,
						REQ_OP_WRITE);

		bio_chain(bio, parent);
		submit_bio(bio);
	}
	submit_bio(parent);
	return 0;
}

static int raw_async_write_4k(struct bench *b, struct qd *q)
{
	return raw_async_write(b, q, 1, SMALL_BYTES);
}

static int raw_async_write_4k_x8(struct bench *b, struct qd *q)
{
	return raw_async_write(b, q, BENCH_DEVS, SMALL_BYTES);
}

static int raw_async_write_64k_x3(struct bench *b, struct qd *q)
{
	return raw_async_write(b, q, 3, MULTI_BYTES);
}

/* ---- the kernel's dm_io() ---- */

static void kernel_async_done(unsigned long error, void *context)
{
	qd_done(context, error);
}

/* A sync call if @q is NULL, else an async one completing on @q. */
static int kernel_io(struct bench *b, struct qd *q, blk_opf_t opf,
		     struct dm_io_memory *mem, unsigned int num_regions,
		     sector_t count)
{
	struct dm_io_region where[BENCH_DEVS];
	struct dm_io_request req = {
		.bi_opf = opf,
		.mem = *mem,
		.notify.fn = q ? kernel_async_done : NULL,
		.notify.context = q,
		.client = b->client,
	};
	unsigned long bits = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < num_regions; i++) {
		where[i].bdev = b->dev[i].bdev;
		where[i].sector = 0;
		where[i].count = count;
	}
	ret = dm_io(&req, num_regions, where, q ? NULL : &bits, IOPRIO_DEFAULT);
	return ret ? ret : (bits ? -EIO : 0);
}

static int kernel_read_4k(struct bench *b, struct qd *q)
{
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = &b->pl };

	return kernel_io(b, NULL, REQ_OP_READ, &mem, 1,
			 SMALL_BYTES >> SECTOR_SHIFT);
}

static int kernel_empty(struct bench *b, struct qd *q)
{
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = &b->pl };

	return kernel_io(b, NULL, REQ_OP_READ, &mem, 1, 0);
}

static int kernel_read_1m_vm(struct bench *b, struct qd *q)
{
	struct dm_io_memory mem = { .type = DM_IO_VMA, .ptr.vma = b->vbuf };

	return kernel_io(b, NULL, REQ_OP_READ, &mem, 1,
			 BIG_BYTES >> SECTOR_SHIFT);
}

/* A bio_vec write, as dm-mirror issues one: DM_IO_BIO of bvec[]. */
static int kernel_write_bvec(struct bench *b, struct qd *q,
			     unsigned int devs, unsigned int bytes)
{
	struct dm_io_memory mem = { .type = DM_IO_BIO, .ptr.bio = &b->kbio };

	return kernel_io(b, q, REQ_OP_WRITE, &mem, devs, bytes >> SECTOR_SHIFT);
}

static int kernel_write_64k_x8(struct bench *b, struct qd *q)
{
	return kernel_write_bvec(b, NULL, BENCH_DEVS, MULTI_BYTES);
}

static int kernel_write_4k_x8(struct bench *b, struct qd *q)
{
	return kernel_write_bvec(b, NULL, BENCH_DEVS, SMALL_BYTES);
}

static int kernel_write_64k_x3(struct bench *b, struct qd *q)
{
	return kernel_write_bvec(b, NULL, 3, MULTI_BYTES);
}

static int kernel_write_2m_pl(struct bench *b, struct qd *q)
{
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = b->pl_big };

	return kernel_io(b, NULL, REQ_OP_WRITE, &mem, 1,
			 PL_BYTES >> SECTOR_SHIFT);
}

static int kernel_async_write_4k(struct bench *b, struct qd *q)
{
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = &b->pl };

	return kernel_io(b, q, REQ_OP_WRITE, &mem, 1,
			 SMALL_BYTES >> SECTOR_SHIFT);
}

static int kernel_async_write_4k_x8(struct bench *b, struct qd *q)
{
	return kernel_write_bvec(b, q, BENCH_DEVS, SMALL_BYTES);
}

static int kernel_async_write_64k_x3(struct bench *b, struct qd *q)
{
	return kernel_write_bvec(b, q, 3, MULTI_BYTES);
}

/* ---- dmio ---- */

static void dmio_regions(struct bench *b, struct io_region *where,
			 unsigned int num_regions, sector_t count)
{
	unsigned int i;

	for (i = 0; i < num_regions; i++) {
		where[i].bdev = b->dev[i].bdev;
		where[i].sector = 0;
		where[i].count = count;
	}
}

static int dmio_read_4k(struct bench *b, struct qd *q)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, SMALL_BYTES >> SECTOR_SHIFT);
	return dm_io_sync(1, &where, READ, &b->pl, 0, &bits);
}

static int dmio_empty(struct bench *b, struct qd *q)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, 0);
	return dm_io_sync(1, &where, READ, &b->pl, 0, &bits);
}

static int dmio_read_1m_vm(struct bench *b, struct qd *q)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, BIG_BYTES >> SECTOR_SHIFT);
	return dm_io_sync_vm(1, &where, READ, b->vbuf, &bits);
}

static int dmio_write_bvec(struct bench *b, unsigned int devs,
			   unsigned int bytes)
{
	struct io_region where[BENCH_DEVS];
	unsigned long bits;

	dmio_regions(b, where, devs, bytes >> SECTOR_SHIFT);
	return dm_io_sync_bvec(devs, where, WRITE, b->bvec, &bits);
}

static int dmio_write_64k_x8(struct bench *b, struct qd *q)
{
	return dmio_write_bvec(b, BENCH_DEVS, MULTI_BYTES);
}

static int dmio_write_4k_x8(struct bench *b, struct qd *q)
{
	return dmio_write_bvec(b, BENCH_DEVS, SMALL_BYTES);
}

static int dmio_write_64k_x3(struct bench *b, struct qd *q)
{
	return dmio_write_bvec(b, 3, MULTI_BYTES);
}

static int dmio_write_2m_pl(struct bench *b, struct qd *q)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, PL_BYTES >> SECTOR_SHIFT);
	return dm_io_sync(1, &where, WRITE, b->pl_big, 0, &bits);
}

static void dmio_async_done(unsigned long error, void *context)
{
	qd_done(context, error);
}

static int dmio_async_write_4k(struct bench *b, struct qd *q)
{
	struct io_region where;

	dmio_regions(b, &where, 1, SMALL_BYTES >> SECTOR_SHIFT);
	return dm_io_async(1, &where, WRITE, &b->pl, 0, dmio_async_done, q);
}

static int dmio_async_write_bvec(struct bench *b, struct qd *q,
				 unsigned int devs, unsigned int bytes)
{
	struct io_region where[BENCH_DEVS];

	dmio_regions(b, where, devs, bytes >> SECTOR_SHIFT);
	return dm_io_async_bvec(devs, where, WRITE, b->bvec, dmio_async_done, q);
}

static int dmio_async_write_4k_x8(struct bench *b, struct qd *q)
{
	return dmio_async_write_bvec(b, q, BENCH_DEVS, SMALL_BYTES);
}

static int dmio_async_write_64k_x3(struct bench *b, struct qd *q)
{
	return dmio_async_write_bvec(b, q, 3, MULTI_BYTES);
}

/* ---- the harness ---- */

typedef int (*bench_fn)(struct bench *b, struct qd *q);

enum { PATH_RAW, PATH_KERNEL, PATH_DMIO, NR_PATHS };

static const char * const path_names[NR_PATHS] = { "raw", "kernel", "dmio" };

struct workload {
	const char *name;
	unsigned int depth;	/* 0: synchronous, one call at a time */
	bool big;		/* big_iters calls, not small_iters */
	bool wall;		/* run by the wall-clock mode unless only= */
	bench_fn fn[NR_PATHS];
};

static const struct workload workloads[] = {
	{ "empty_region", 0, false, false,
	  { raw_empty, kernel_empty, dmio_empty } },
	{ "read_4k", 0, false, false,
	  { raw_read_4k, kernel_read_4k, dmio_read_4k } },
	{ "read_1m_vmalloc", 0, true, false,
	  { raw_read_1m_vm, kernel_read_1m_vm, dmio_read_1m_vm } },
	{ "write_64k_x8", 0, false, false,
	  { raw_write_64k_x8, kernel_write_64k_x8, dmio_write_64k_x8 } },
	{ "write_4k_x8", 0, false, false,
	  { raw_write_4k_x8, kernel_write_4k_x8, dmio_write_4k_x8 } },
	{ "write_64k_x3", 0, false, false,
	  { raw_write_64k_x3, kernel_write_64k_x3, dmio_write_64k_x3 } },
	{ "write_2m_pagelist", 0, true, false,
	  { raw_write_2m_pl, kernel_write_2m_pl, dmio_write_2m_pl } },
	{ "async_write_4k_qd32", 32, false, true,
	  { raw_async_write_4k, kernel_async_write_4k, dmio_async_write_4k } },
	{ "async_write_4k_x8_qd8", 8, false, true,
	  { raw_async_write_4k_x8, kernel_async_write_4k_x8,
	    dmio_async_write_4k_x8 } },
	{ "async_write_64k_x3_qd4", 4, false, false,
	  { raw_async_write_64k_x3, kernel_async_write_64k_x3,
	    dmio_async_write_64k_x3 } },
};

/*
 * Make up to @n calls of @fn (stopping at @deadline, in ktime ns, if not
 * 0); *@made is how many were made.  Async workloads keep up to their
 * depth in flight on @q and return once all have completed.
 */
static int make_calls(struct bench *b, const struct workload *w, bench_fn fn,
		      struct qd *q, unsigned int n, u64 deadline,
		      unsigned long *made)
{
	struct blk_plug bplug;
	unsigned int i;
	int ret = 0;

	if (w->depth && plug)
		blk_start_plug(&bplug);
	for (i = 0; i < n; i++) {
		if (deadline && ktime_get_ns() >= deadline)
			break;
		if (w->depth) {
			if (plug && READ_ONCE(q->inflight) >= w->depth) {
				blk_finish_plug(&bplug);
				blk_start_plug(&bplug);
			}
			qd_get(q, w->depth);
		}
		ret = fn(b, w->depth ? q : NULL);
		if (ret) {
			if (w->depth)
				qd_put(q);
			break;
		}
	}
	if (w->depth) {
		if (plug)
			blk_finish_plug(&bplug);
		if (!ret)
			ret = qd_drain(q);
		else
			qd_drain(q);
	}
	if (made)
		*made = i;
	return ret;
}

static unsigned int warmup_calls(const struct workload *w)
{
	return max(warmup, 4 * w->depth);
}

/*
 * qemu/profile.sh's TCG plugin opens or closes a window of counting at
 * this instruction, a no-op nobody else executes.
 */
static void profile_mark(void)
{
#ifdef CONFIG_X86
	if (mark)
		asm volatile("xchg %%bx, %%bx" ::: "memory");
#endif
}

/* Total nanoseconds for @n calls after the warm-up ones. */
static int time_path(struct bench *b, const struct workload *w, bench_fn fn,
		     unsigned int n, u64 *ns)
{
	struct qd q;
	u64 t0;
	int ret;

	qd_init(&q, w->depth);
	ret = make_calls(b, w, fn, &q, warmup_calls(w), 0, NULL);
	if (ret)
		return ret;
	t0 = ktime_get_ns();
	profile_mark();
	ret = make_calls(b, w, fn, &q, n, 0, NULL);
	profile_mark();
	*ns = ktime_get_ns() - t0;
	return ret;
}

static u64 ratio_x1000(u64 a, u64 b)
{
	return b ? div64_u64(a * 1000, b) : 0;
}

static bool path_on[NR_PATHS];

static int run_workload(struct bench *b, const struct workload *w)
{
	unsigned int n = iters ? iters : w->big ? big_iters : small_iters;
	u64 ns[NR_PATHS] = { 0 };
	unsigned int p;
	int ret;

	for (p = 0; p < NR_PATHS; p++) {
		if (!path_on[p])
			continue;
		ret = time_path(b, w, w->fn[p], n, &ns[p]);
		if (ret) {
			pr_err("BENCH %s %s failed: %d\n", w->name,
			       path_names[p], ret);
			return ret;
		}
	}
	pr_info("BENCH %s raw_ns=%llu kernel_dm_io_ns=%llu dmio_ns=%llu dmio/kernel=%llu kernel/raw=%llu dmio/raw=%llu\n",
		w->name, div_u64(ns[PATH_RAW], n), div_u64(ns[PATH_KERNEL], n),
		div_u64(ns[PATH_DMIO], n),
		ratio_x1000(ns[PATH_DMIO], ns[PATH_KERNEL]),
		ratio_x1000(ns[PATH_KERNEL], ns[PATH_RAW]),
		ratio_x1000(ns[PATH_DMIO], ns[PATH_RAW]));
	return 0;
}

/* ---- wall-clock mode: one submitting thread per CPU ---- */

struct wall_thread {
	struct bench *b;
	const struct workload *w;
	bench_fn fn;
	struct qd q;
	struct task_struct *task;
	struct completion done;
	unsigned long calls;
	u64 ns;
	int ret;
};

static int wall_thread_fn(void *data)
{
	struct wall_thread *t = data;
	u64 t0;

	t->ret = make_calls(t->b, t->w, t->fn, &t->q, warmup_calls(t->w), 0,
			    NULL);
	if (!t->ret) {
		t0 = ktime_get_ns();
		t->ret = make_calls(t->b, t->w, t->fn, &t->q, UINT_MAX,
				    t0 + (u64)wall_ms * NSEC_PER_MSEC,
				    &t->calls);
		t->ns = ktime_get_ns() - t0;
	}
	complete(&t->done);
	return 0;
}

/* One run of @fn on every online CPU: calls per second, all CPUs. */
static int wall_run(struct bench *b, const struct workload *w, bench_fn fn,
		    u64 *rate)
{
	unsigned int n = 0, i, cpu;
	struct wall_thread *t;
	int ret = 0;

	t = kcalloc(num_online_cpus(), sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		struct wall_thread *th = &t[n];

		th->b = b;
		th->w = w;
		th->fn = fn;
		qd_init(&th->q, w->depth);
		init_completion(&th->done);
		th->task = kthread_create(wall_thread_fn, th, "dmio_bench/%u",
					  cpu);
		if (IS_ERR(th->task)) {
			ret = PTR_ERR(th->task);
			break;
		}
		get_task_struct(th->task);
		kthread_bind(th->task, cpu);
		if (++n == num_online_cpus())
			break;
	}
	for (i = 0; i < n; i++)
		wake_up_process(t[i].task);
	*rate = 0;
	for (i = 0; i < n; i++) {
		wait_for_completion(&t[i].done);
		kthread_stop(t[i].task);
		put_task_struct(t[i].task);
		if (!ret)
			ret = t[i].ret;
		if (t[i].ns)
			*rate += div64_u64((u64)t[i].calls * NSEC_PER_SEC,
					   t[i].ns);
	}
	kfree(t);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * kernel, dmio, kernel, ..., kernel: each dmio run against the mean of the
 * kernel runs before and after it, which cancels a steady drift of the
 * host's speed; the median of those ratios.
 */
static int wall_workload(struct bench *b, const struct workload *w)
{
	u64 kernel[MAX_ROUNDS + 1], dmio, ratio[MAX_ROUNDS];
	unsigned int r, cpus = num_online_cpus();
	int ret;

	ret = wall_run(b, w, w->fn[PATH_KERNEL], &kernel[0]);
	for (r = 0; r < rounds && !ret; r++) {
		ret = wall_run(b, w, w->fn[PATH_DMIO], &dmio);
		if (!ret)
			ret = wall_run(b, w, w->fn[PATH_KERNEL], &kernel[r + 1]);
		if (ret)
			break;
		ratio[r] = ratio_x1000(2 * dmio, kernel[r] + kernel[r + 1]);
		pr_info("BENCHSMP %s cpus=%u round=%u dmio/kernel=%llu\n",
			w->name, cpus, r + 1, ratio[r]);
	}
	if (ret) {
		pr_err("BENCHSMP %s failed: %d\n", w->name, ret);
		return ret;
	}
	sort(ratio, rounds, sizeof(ratio[0]), cmp_u64, NULL);
	pr_info("BENCHSMP %s cpus=%u median dmio/kernel=%llu q1=%llu q3=%llu min=%llu max=%llu\n",
		w->name, cpus, rounds % 2 ? ratio[rounds / 2] :
		(ratio[rounds / 2 - 1] + ratio[rounds / 2]) / 2,
		ratio[(rounds - 1) / 4], ratio[3 * (rounds - 1) / 4],
		ratio[0], ratio[rounds - 1]);
	return 0;
}

static int parse_paths(void)
{
	char *list = kstrdup(paths, GFP_KERNEL), *s = list, *tok;
	unsigned int p;
	int ret = 0;

	if (!list)
		return -ENOMEM;
	while ((tok = strsep(&s, ",")) && !ret) {
		for (p = 0; p < NR_PATHS; p++)
			if (!strcmp(tok, path_names[p]))
				break;
		if (p < NR_PATHS)
			path_on[p] = true;
		else
			ret = -EINVAL;
	}
	kfree(list);
	if (ret)
		pr_err("BENCH paths=%s: not a list of raw, kernel, dmio\n", paths);
	return ret;
}

static void bench_free(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < BENCH_DEVS; i++)
		if (b->dev[i].bdev)
			dmio_bdev_close(&b->dev[i]);
	if (b->client)
		dm_io_client_destroy(b->client);
	if (b->block)
		__free_pages(b->block, PAGES_ORDER);
	kfree(b->pl_big);
	vfree(b->vbuf);
	kfree(b);
}

static struct bench *bench_alloc(void)
{
	struct bench *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int i;

	if (!b)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < BENCH_DEVS; i++) {
		char *path = kasprintf(GFP_KERNEL, "%s%u", dev_prefix, i);
		int ret;

		if (!path)
			goto nomem;
		ret = dmio_bdev_open_path(path, &b->dev[i]);
		if (ret) {
			pr_err("BENCH cannot open %s: %d\n", path, ret);
			kfree(path);
			bench_free(b);
			return ERR_PTR(ret);
		}
		kfree(path);
	}
	b->client = dm_io_client_create();
	if (IS_ERR(b->client)) {
		b->client = NULL;
		goto nomem;
	}
	b->pl_big = kcalloc(PL_PAGES, sizeof(*b->pl_big), GFP_KERNEL);
	if (!b->pl_big)
		goto nomem;
	/*
	 * No two pages of the buffer are adjacent, as with a user's pages:
	 * bio_add_page() merges adjacent ones, and how many would be adjacent
	 * otherwise depends on the allocator's state, which differs from boot
	 * to boot.
	 */
	b->block = alloc_pages(GFP_KERNEL | __GFP_ZERO, PAGES_ORDER);
	if (!b->block)
		goto nomem;
	for (i = 0; i < PL_PAGES; i++) {
		b->pages[i] = b->block + 2 * i;
		b->pl_big[i].page = b->pages[i];
		b->pl_big[i].next = i + 1 < PL_PAGES ? &b->pl_big[i + 1] : NULL;
	}
	for (i = 0; i < MULTI_PAGES; i++)
		bvec_set_page(&b->bvec[i], b->pages[i], PAGE_SIZE, 0);
	b->pl.page = b->pages[0];
	bio_init(&b->kbio, NULL, b->bvec, MULTI_PAGES, REQ_OP_WRITE);
	b->kbio.bi_vcnt = MULTI_PAGES;
	b->kbio.bi_iter.bi_size = MULTI_BYTES;
	b->vbuf = vzalloc(BIG_BYTES);
	if (!b->vbuf)
		goto nomem;
	return b;
nomem:
	bench_free(b);
	return ERR_PTR(-ENOMEM);
}

static int __init dmio_bench_init(void)
{
	const struct workload *w;
	unsigned int ran = 0;
	struct bench *b;
	int ret;

	ret = parse_paths();
	if (ret)
		return ret;
	if (wall_ms && (!rounds || rounds > MAX_ROUNDS)) {
		pr_err("BENCH rounds=%u: 1 to %u\n", rounds, MAX_ROUNDS);
		return -EINVAL;
	}
	b = bench_alloc();
	if (IS_ERR(b))
		return PTR_ERR(b);
	if (wall_ms)
		pr_info("BENCH-CONFIG wall_ms=%u rounds=%u warmup=%u plug=%d cpus=%u devices=%s0..%u\n",
			wall_ms, rounds, warmup, plug, num_online_cpus(),
			dev_prefix, BENCH_DEVS - 1);
	else
		pr_info("BENCH-CONFIG small_iters=%u big_iters=%u iters=%u warmup=%u plug=%d paths=%s devices=%s0..%u\n",
			small_iters, big_iters, iters, warmup, plug, paths,
			dev_prefix, BENCH_DEVS - 1);
	for (w = workloads; w < workloads + ARRAY_SIZE(workloads) && !ret; w++) {
		if (only ? strcmp(only, w->name) : wall_ms && !w->wall)
			continue;
		ran++;
		ret = wall_ms ? wall_workload(b, w) : run_workload(b, w);
	}
	bench_free(b);
	if (!ret && !ran) {
		pr_err("BENCH only=%s: no such workload\n", only);
		ret = -EINVAL;
	}
	return ret;
}

static void __exit dmio_bench_exit(void)
{
}

module_init(dmio_bench_init);
module_exit(dmio_bench_exit);
MODULE_DESCRIPTION("dmio benchmark: dmio vs the kernel's dm_io() vs plain bios");
MODULE_LICENSE("GPL");
