// SPDX-License-Identifier: GPL-2.0
/*
 * dmio_bench - the CPU cost of dmio against the kernel's own dm_io() and
 * against plain bios, for the same I/O in the same boot.
 *
 * Everything happens at load time: for each workload, each path runs a
 * warm-up and then a timed loop (ktime_get_ns()), and one line is printed:
 *
 *   BENCH <workload> raw_ns=<> kernel_dm_io_ns=<> dmio_ns=<>
 *         dmio/kernel=<> kernel/raw=<> dmio/raw=<>
 *
 * Times are per call; ratios are fixed point, x1000.  Run under QEMU with
 * -icount shift=0,sleep=off and one CPU, a nanosecond is one instruction,
 * so the numbers are a deterministic CPU-cost measure (qemu/bench.sh).
 *
 * The devices are <dev_prefix>0 .. <dev_prefix>7, null_blk disks with
 * memory_backed=0, so the I/O itself costs almost nothing.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/ioprio.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/dm-io.h>
#include <dmio/compat.h>
#include <dmio/dm-io.h>

#define BENCH_DEVS	8
#define SMALL_BYTES	SZ_4K
#define BIG_BYTES	SZ_1M
#define MULTI_BYTES	SZ_64K
#define MULTI_PAGES	(MULTI_BYTES / PAGE_SIZE)
#define BIG_PAGES	(BIG_BYTES / PAGE_SIZE)

static char *dev_prefix = "/dev/dmiobench";
module_param(dev_prefix, charp, 0444);
MODULE_PARM_DESC(dev_prefix, "devices are <dev_prefix>0 .. <dev_prefix>7");

static unsigned int small_iters = 2000;
module_param(small_iters, uint, 0444);
MODULE_PARM_DESC(small_iters, "timed calls per path, 4 KiB and 64 KiB workloads");

static unsigned int big_iters = 200;
module_param(big_iters, uint, 0444);
MODULE_PARM_DESC(big_iters, "timed calls per path, 1 MiB workload");

static unsigned int warmup = 50;
module_param(warmup, uint, 0444);
MODULE_PARM_DESC(warmup, "untimed calls per path before timing");

/* One set of buffers and devices, shared by all three paths. */
struct bench {
	struct dmio_bdev_ref dev[BENCH_DEVS];
	struct dm_io_client *client;
	struct page *pages[MULTI_PAGES];
	struct page_list pl;		/* pages[0], for the 4 KiB read */
	struct bio_vec bvec[MULTI_PAGES]; /* pages[], for the 64 KiB write */
	struct bio kbio;		/* bvec[], for the kernel's DM_IO_BIO */
	void *vbuf;			/* BIG_BYTES of vmalloc memory */
};

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

static int raw_read_4k(struct bench *b)
{
	return raw_read(b, NULL, b->pages[0], SMALL_BYTES);
}

static int raw_read_1m_vm(struct bench *b)
{
	int ret;

	flush_kernel_vmap_range(b->vbuf, BIG_BYTES);
	ret = raw_read(b, b->vbuf, NULL, BIG_BYTES);
	invalidate_kernel_vmap_range(b->vbuf, BIG_BYTES);
	return ret;
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
static int raw_write_64k_x8(struct bench *b)
{
	struct raw_fanout f = { .pending = ATOMIC_INIT(BENCH_DEVS) };
	unsigned int d, i;

	init_completion(&f.done);
	for (d = 0; d < BENCH_DEVS; d++) {
		struct bio *bio = bio_alloc(b->dev[d].bdev, MULTI_PAGES,
					    REQ_OP_WRITE | REQ_SYNC, GFP_NOIO);

		bio->bi_iter.bi_sector = 0;
		bio->bi_end_io = raw_fanout_endio;
		bio->bi_private = &f;
		for (i = 0; i < MULTI_PAGES; i++)
			if (!bio_add_page(bio, b->pages[i], PAGE_SIZE, 0))
				bio->bi_status = BLK_STS_IOERR;
		if (bio->bi_status)
			bio_endio(bio);
		else
			submit_bio(bio);
	}
	wait_for_completion_io(&f.done);
	return f.error;
}

/* A call with nothing to do costs nothing done by hand. */
static int raw_empty(struct bench *b)
{
	return 0;
}

/* ---- the kernel's dm_io() ---- */

static int kernel_io(struct bench *b, blk_opf_t opf, struct dm_io_memory *mem,
		     unsigned int num_regions, sector_t count)
{
	struct dm_io_region where[BENCH_DEVS];
	struct dm_io_request req = {
		.bi_opf = opf,
		.mem = *mem,
		.client = b->client,
	};
	unsigned long bits;
	unsigned int i;
	int ret;

	for (i = 0; i < num_regions; i++) {
		where[i].bdev = b->dev[i].bdev;
		where[i].sector = 0;
		where[i].count = count;
	}
	ret = dm_io(&req, num_regions, where, &bits, IOPRIO_DEFAULT);
	return ret ? ret : (bits ? -EIO : 0);
}

static int kernel_read_4k(struct bench *b)
{
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = &b->pl };

	return kernel_io(b, REQ_OP_READ, &mem, 1, SMALL_BYTES >> SECTOR_SHIFT);
}

static int kernel_empty(struct bench *b)
{
	struct dm_io_memory mem = { .type = DM_IO_PAGE_LIST, .ptr.pl = &b->pl };

	return kernel_io(b, REQ_OP_READ, &mem, 1, 0);
}

static int kernel_read_1m_vm(struct bench *b)
{
	struct dm_io_memory mem = { .type = DM_IO_VMA, .ptr.vma = b->vbuf };

	return kernel_io(b, REQ_OP_READ, &mem, 1, BIG_BYTES >> SECTOR_SHIFT);
}

static int kernel_write_64k_x8(struct bench *b)
{
	struct dm_io_memory mem = { .type = DM_IO_BIO, .ptr.bio = &b->kbio };

	return kernel_io(b, REQ_OP_WRITE, &mem, BENCH_DEVS,
			 MULTI_BYTES >> SECTOR_SHIFT);
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

static int dmio_read_4k(struct bench *b)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, SMALL_BYTES >> SECTOR_SHIFT);
	return dm_io_sync(1, &where, READ, &b->pl, 0, &bits);
}

static int dmio_empty(struct bench *b)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, 0);
	return dm_io_sync(1, &where, READ, &b->pl, 0, &bits);
}

static int dmio_read_1m_vm(struct bench *b)
{
	struct io_region where;
	unsigned long bits;

	dmio_regions(b, &where, 1, BIG_BYTES >> SECTOR_SHIFT);
	return dm_io_sync_vm(1, &where, READ, b->vbuf, &bits);
}

static int dmio_write_64k_x8(struct bench *b)
{
	struct io_region where[BENCH_DEVS];
	unsigned long bits;

	dmio_regions(b, where, BENCH_DEVS, MULTI_BYTES >> SECTOR_SHIFT);
	return dm_io_sync_bvec(BENCH_DEVS, where, WRITE, b->bvec, &bits);
}

/* ---- the harness ---- */

typedef int (*bench_fn)(struct bench *b);

struct workload {
	const char *name;
	bool big;
	bench_fn raw, kernel, dmio;
};

static const struct workload workloads[] = {
	{ "empty_region", false, raw_empty, kernel_empty, dmio_empty },
	{ "read_4k", false, raw_read_4k, kernel_read_4k, dmio_read_4k },
	{ "read_1m_vmalloc", true,
	  raw_read_1m_vm, kernel_read_1m_vm, dmio_read_1m_vm },
	{ "write_64k_x8", false,
	  raw_write_64k_x8, kernel_write_64k_x8, dmio_write_64k_x8 },
};

/* Total nanoseconds for @iters calls after @warmup untimed ones. */
static int time_path(struct bench *b, bench_fn fn, unsigned int iters,
		     u64 *ns)
{
	unsigned int i;
	u64 t0;
	int ret;

	for (i = 0; i < warmup; i++) {
		ret = fn(b);
		if (ret)
			return ret;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		ret = fn(b);
		if (ret)
			return ret;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

static u64 ratio_x1000(u64 a, u64 b)
{
	return b ? div64_u64(a * 1000, b) : 0;
}

static int run_workload(struct bench *b, const struct workload *w)
{
	unsigned int iters = w->big ? big_iters : small_iters;
	u64 raw, kern, dmio;
	int ret;

	ret = time_path(b, w->raw, iters, &raw);
	if (!ret)
		ret = time_path(b, w->kernel, iters, &kern);
	if (!ret)
		ret = time_path(b, w->dmio, iters, &dmio);
	if (ret) {
		pr_err("BENCH %s failed: %d\n", w->name, ret);
		return ret;
	}
	pr_info("BENCH %s raw_ns=%llu kernel_dm_io_ns=%llu dmio_ns=%llu dmio/kernel=%llu kernel/raw=%llu dmio/raw=%llu\n",
		w->name, div_u64(raw, iters), div_u64(kern, iters),
		div_u64(dmio, iters), ratio_x1000(dmio, kern),
		ratio_x1000(kern, raw), ratio_x1000(dmio, raw));
	return 0;
}

static void bench_free(struct bench *b)
{
	unsigned int i;

	for (i = 0; i < BENCH_DEVS; i++)
		if (b->dev[i].bdev)
			dmio_bdev_close(&b->dev[i]);
	if (b->client)
		dm_io_client_destroy(b->client);
	for (i = 0; i < MULTI_PAGES; i++)
		if (b->pages[i])
			__free_page(b->pages[i]);
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
	for (i = 0; i < MULTI_PAGES; i++) {
		b->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!b->pages[i])
			goto nomem;
		bvec_set_page(&b->bvec[i], b->pages[i], PAGE_SIZE, 0);
	}
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
	struct bench *b = bench_alloc();
	unsigned int i;
	int ret = 0;

	if (IS_ERR(b))
		return PTR_ERR(b);
	pr_info("BENCH-CONFIG small_iters=%u big_iters=%u warmup=%u devices=%s0..%u\n",
		small_iters, big_iters, warmup, dev_prefix, BENCH_DEVS - 1);
	for (i = 0; i < ARRAY_SIZE(workloads) && !ret; i++)
		ret = run_workload(b, &workloads[i]);
	bench_free(b);
	return ret;
}

static void __exit dmio_bench_exit(void)
{
}

module_init(dmio_bench_init);
module_exit(dmio_bench_exit);
MODULE_DESCRIPTION("dmio benchmark: dmio vs the kernel's dm_io() vs plain bios");
MODULE_LICENSE("GPL");
