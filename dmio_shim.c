// SPDX-License-Identifier: GPL-2.0
/*
 * The only dmio code that includes kernel headers.
 *
 * Module init/exit, the exported entry points (which only repackage their
 * arguments for the C++ core), and one thin wrapper per kernel inline or
 * macro the core needs.  Stateless but for the two reserve pools, which
 * are kernel objects the core cannot size.  Policy lives in the core.
 */
#define pr_fmt(fmt) "dmio: " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <dmio/dm-io.h>
#include <dmio/shim.h>
#include <dmio/testing.h>

/* What a dmio bio carries besides the bio itself (the bio_set front pad). */
struct dmio_bio {
	void *owner;
	unsigned int region;
	struct bvec_iter issued;	/* the extent to zero-fill on read failure */
	struct bio *data_owner;		/* clones: the bio whose bvecs we share */
	/* The core's state of the call, in the call's first bio only. */
	unsigned long request[DMIO_REQUEST_BYTES / sizeof(unsigned long)];
	struct bio bio;
};

static struct bio_set dmio_bios;

static void dmio_check_mirrors(void)
{
	BUILD_BUG_ON(DMIO_SECTOR_SHIFT != SECTOR_SHIFT);
	BUILD_BUG_ON(DMIO_PAGE_SIZE != PAGE_SIZE);
	BUILD_BUG_ON(DMIO_BIO_MAX_VECS != BIO_MAX_VECS);
	BUILD_BUG_ON(DMIO_MAX_REGIONS != BITS_PER_LONG);
	BUILD_BUG_ON(DMIO_OP_MASK != REQ_OP_MASK);
	BUILD_BUG_ON(DMIO_OP_READ != REQ_OP_READ);
	BUILD_BUG_ON(DMIO_OP_WRITE != REQ_OP_WRITE);
	BUILD_BUG_ON(DMIO_OP_DISCARD != REQ_OP_DISCARD);
	BUILD_BUG_ON(DMIO_OP_WRITE_ZEROES != REQ_OP_WRITE_ZEROES);
	BUILD_BUG_ON(DMIO_REQ_SYNC != REQ_SYNC);
	BUILD_BUG_ON(DMIO_REQ_META != REQ_META);
	BUILD_BUG_ON(DMIO_REQ_PRIO != REQ_PRIO);
	BUILD_BUG_ON(DMIO_REQ_FUA != REQ_FUA);
	BUILD_BUG_ON(DMIO_REQ_PREFLUSH != REQ_PREFLUSH);
	BUILD_BUG_ON(sizeof(dmio_sector_t) != sizeof(sector_t));
	BUILD_BUG_ON(DMIO_EIO != EIO || DMIO_ENOMEM != ENOMEM ||
		     DMIO_EINVAL != EINVAL);

#define DMIO_SAME_FIELD(a, b, fa, fb)					\
	BUILD_BUG_ON(offsetof(struct a, fa) != offsetof(struct b, fb) ||	\
		     sizeof(((struct a *)0)->fa) != sizeof(((struct b *)0)->fb))
	BUILD_BUG_ON(sizeof(struct dmio_region) != sizeof(struct io_region));
	DMIO_SAME_FIELD(dmio_region, io_region, bdev, bdev);
	DMIO_SAME_FIELD(dmio_region, io_region, sector, sector);
	DMIO_SAME_FIELD(dmio_region, io_region, count, count);
	BUILD_BUG_ON(sizeof(struct dmio_page_list) != sizeof(struct page_list));
	DMIO_SAME_FIELD(dmio_page_list, page_list, next, next);
	DMIO_SAME_FIELD(dmio_page_list, page_list, page, page);
	BUILD_BUG_ON(sizeof(struct dmio_bvec) != sizeof(struct bio_vec));
	DMIO_SAME_FIELD(dmio_bvec, bio_vec, page, bv_page);
	DMIO_SAME_FIELD(dmio_bvec, bio_vec, len, bv_len);
	DMIO_SAME_FIELD(dmio_bvec, bio_vec, offset, bv_offset);
#undef DMIO_SAME_FIELD

	BUILD_BUG_ON(sizeof(struct completion) > sizeof(struct dmio_completion));
	BUILD_BUG_ON(sizeof(struct blk_plug) > sizeof(struct dmio_plug));
	BUILD_BUG_ON(sizeof(struct mutex) > sizeof(struct dmio_mutex));
}

/* ---- Entry points: repackage and hand to the core. ---- */

static int dmio_sync(unsigned int num_regions, struct io_region *where,
		     int rw, const struct dmio_buffer *buf,
		     unsigned long *error_bits)
{
	return dmio_core_sync(num_regions, (const struct dmio_region *)where,
			      rw, buf, error_bits);
}

static int dmio_async(unsigned int num_regions, struct io_region *where,
		      int rw, const struct dmio_buffer *buf, io_notify_fn fn,
		      void *context)
{
	return dmio_core_async(num_regions, (const struct dmio_region *)where,
			       rw, buf, fn, context);
}

int dm_io_sync(unsigned int num_regions, struct io_region *where, int rw,
	       struct page_list *pl, unsigned int offset,
	       unsigned long *error_bits)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_PAGE_LIST,
		.offset = offset,
		.pl = (const struct dmio_page_list *)pl,
	};

	return dmio_sync(num_regions, where, rw, &buf, error_bits);
}
EXPORT_SYMBOL_GPL(dm_io_sync);

int dm_io_async(unsigned int num_regions, struct io_region *where, int rw,
		struct page_list *pl, unsigned int offset, io_notify_fn fn,
		void *context)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_PAGE_LIST,
		.offset = offset,
		.pl = (const struct dmio_page_list *)pl,
	};

	return dmio_async(num_regions, where, rw, &buf, fn, context);
}
EXPORT_SYMBOL_GPL(dm_io_async);

int dm_io_sync_bvec(unsigned int num_regions, struct io_region *where, int rw,
		    struct bio_vec *bvec, unsigned long *error_bits)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_BVEC,
		.bvec = (const struct dmio_bvec *)bvec,
	};

	return dmio_sync(num_regions, where, rw, &buf, error_bits);
}
EXPORT_SYMBOL_GPL(dm_io_sync_bvec);

int dm_io_async_bvec(unsigned int num_regions, struct io_region *where, int rw,
		     struct bio_vec *bvec, io_notify_fn fn, void *context)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_BVEC,
		.bvec = (const struct dmio_bvec *)bvec,
	};

	return dmio_async(num_regions, where, rw, &buf, fn, context);
}
EXPORT_SYMBOL_GPL(dm_io_async_bvec);

int dm_io_sync_vm(unsigned int num_regions, struct io_region *where, int rw,
		  void *data, unsigned long *error_bits)
{
	struct dmio_buffer buf = { .kind = DMIO_BUFFER_VM, .vm = data };

	return dmio_sync(num_regions, where, rw, &buf, error_bits);
}
EXPORT_SYMBOL_GPL(dm_io_sync_vm);

int dm_io_async_vm(unsigned int num_regions, struct io_region *where, int rw,
		   void *data, io_notify_fn fn, void *context)
{
	struct dmio_buffer buf = { .kind = DMIO_BUFFER_VM, .vm = data };

	return dmio_async(num_regions, where, rw, &buf, fn, context);
}
EXPORT_SYMBOL_GPL(dm_io_async_vm);

int dm_io_get(unsigned int num_pages)
{
	return dmio_core_get(num_pages);
}
EXPORT_SYMBOL_GPL(dm_io_get);

void dm_io_put(unsigned int num_pages)
{
	dmio_core_put(num_pages);
}
EXPORT_SYMBOL_GPL(dm_io_put);

unsigned int dmio_reserved_pages(void)
{
	return dmio_core_reserved_pages();
}
EXPORT_SYMBOL_GPL(dmio_reserved_pages);

/* ---- Messages ---- */

void dmio_bug(const char *why)
{
	pr_crit("%s\n", why);
	BUG();
}

static DEFINE_RATELIMIT_STATE(dmio_reject_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

void dmio_reject(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(&dmio_reject_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("request refused: %pV\n", &vaf);
	va_end(args);
}

void dmio_warn(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn("%pV\n", &vaf);
	va_end(args);
}

void dmio_might_sleep(void)
{
	might_sleep();
}

int dmio_in_bio_submission(void)
{
	return current->bio_list != NULL;
}

/* ---- Block devices ---- */

dmio_sector_t dmio_bdev_sectors(struct block_device *bdev)
{
	return bdev_nr_sectors(bdev);
}

unsigned int dmio_bdev_logical_block_size(struct block_device *bdev)
{
	return bdev_logical_block_size(bdev);
}

unsigned int dmio_bdev_dma_alignment(struct block_device *bdev)
{
	return bdev_dma_alignment(bdev);
}

unsigned int dmio_bdev_max_sectors(struct block_device *bdev, unsigned int op)
{
	if (op == REQ_OP_DISCARD)
		return bdev_max_discard_sectors(bdev);
	if (op == REQ_OP_WRITE_ZEROES)
		return bdev_write_zeroes_sectors(bdev);
	return 0;
}

/* ---- Memory ---- */

void *dmio_kmalloc(unsigned long bytes)
{
	return kmalloc(bytes, GFP_KERNEL);
}

void dmio_kfree(void *p)
{
	kfree(p);
}

int dmio_is_vmalloc(const void *addr)
{
	return is_vmalloc_addr(addr);
}

int dmio_is_linear(const void *addr)
{
	return virt_addr_valid(addr);
}

#ifdef CONFIG_X86
/* A huge mapping: its pages are consecutive struct pages. */
static unsigned long dmio_leaf_pages(struct page *first, unsigned long n,
				     struct page **pages)
{
	unsigned long i;

	for (i = 0; pages && i < n; i++)
		pages[i] = first + i;
	return n;
}

/*
 * vmalloc_to_page() for a range, but one page-table descent per page table
 * instead of one per page: a tenth of the cost on a 1 MiB buffer, which
 * dmio walks twice (validated whole before the first bio, then issued).
 * lookup_address() is the exported x86 descent (init_mm is not exported);
 * the PTEs of one PMD are consecutive.  As for vmalloc_to_page(), no lock
 * is needed while the caller keeps the range mapped: page tables are only
 * freed under fully unmapped ranges.
 */
unsigned long dmio_vmalloc_pages(const void *addr, unsigned long nr,
				 struct page **pages)
{
	unsigned long a = (unsigned long)addr & PAGE_MASK;
	unsigned long end = a + nr * PAGE_SIZE;
	unsigned long done = 0;

	while (a < end) {
		struct page **out = pages ? pages + done : NULL;
		unsigned int level;
		pte_t *pte = lookup_address(a, &level);
		struct page *first;
		unsigned long next;

		if (!pte || !pte_present(*pte))
			break;
		switch (level) {
		case PG_LEVEL_4K:
			next = pmd_addr_end(a, end);
			for (; a < next; a += PAGE_SIZE, pte++) {
				pte_t v = ptep_get(pte);

				if (!pte_present(v))
					return done;
				if (pages)
					pages[done] = pte_page(v);
				done++;
			}
			continue;
		case PG_LEVEL_2M:
			first = pmd_page(*(pmd_t *)pte) + ((a & ~PMD_MASK) >> PAGE_SHIFT);
			next = pmd_addr_end(a, end);
			break;
		case PG_LEVEL_1G:
			first = pud_page(*(pud_t *)pte) + ((a & ~PUD_MASK) >> PAGE_SHIFT);
			next = pud_addr_end(a, end);
			break;
		default:
			return done;
		}
		done += dmio_leaf_pages(first, (next - a) >> PAGE_SHIFT, out);
		a = next;
	}
	return done;
}
#else
unsigned long dmio_vmalloc_pages(const void *addr, unsigned long nr,
				 struct page **pages)
{
	unsigned long done;

	for (done = 0; done < nr; done++) {
		struct page *page = vmalloc_to_page(addr + done * PAGE_SIZE);

		if (!page)
			break;
		if (pages)
			pages[done] = page;
	}
	return done;
}
#endif

struct page *dmio_virt_to_page(const void *addr)
{
	return virt_to_page(addr);
}

void dmio_flush_vmap(void *addr, unsigned long bytes)
{
	flush_kernel_vmap_range(addr, bytes);
}

void dmio_invalidate_vmap(void *addr, unsigned long bytes)
{
	invalidate_kernel_vmap_range(addr, bytes);
}

/* ---- Reserves ---- */

int dmio_pools_init(unsigned int min_nr)
{
	/*
	 * The rescuer keeps async calls from a target's map function, where
	 * our bios queue on current->bio_list, from deadlocking on the pool.
	 */
	return bioset_init(&dmio_bios, min_nr, offsetof(struct dmio_bio, bio),
			   BIOSET_NEED_BVECS | BIOSET_NEED_RESCUER);
}

void dmio_pools_exit(void)
{
	bioset_exit(&dmio_bios);
}

/*
 * mempool_resize() returns 0 even when it could not allocate the new
 * elements, leaving the reserve short.  dmio's reservations are a promise,
 * so the elements are allocated here first: all of them, or none.
 */
static int dmio_mempool_set_min(mempool_t *pool, unsigned int min_nr)
{
	int grow = (int)min_nr - pool->min_nr;
	void **spare;
	int i, r = -ENOMEM;

	if (grow <= 0)
		return mempool_resize(pool, min_nr);
	spare = kvmalloc_array(grow, sizeof(*spare), GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
	for (i = 0; i < grow; i++) {
		spare[i] = pool->alloc(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				       pool->pool_data);
		if (!spare[i])
			goto out;
	}
	r = mempool_resize(pool, min_nr);
	if (r)
		goto out;
	/* Each fills the pool up to min_nr; the rest go back to the slab. */
	while (i--)
		mempool_free(spare[i], pool);
out:
	while (i-- > 0)
		pool->free(spare[i], pool->pool_data);
	kvfree(spare);
	return r;
}

/* A bio_set is two pools: the bios themselves and their bvec tables. */
int dmio_bio_pool_resize(unsigned int min_nr)
{
	unsigned int old = dmio_bios.bio_pool.min_nr;
	int r;

	r = dmio_mempool_set_min(&dmio_bios.bio_pool, min_nr);
	if (r)
		return r;
	r = dmio_mempool_set_min(&dmio_bios.bvec_pool, min_nr);
	if (r)
		dmio_mempool_set_min(&dmio_bios.bio_pool, old);
	return r;
}

unsigned int dmio_pool_reserved(enum dmio_pool pool)
{
	mempool_t *pools[] = {
		[DMIO_POOL_BIOS] = &dmio_bios.bio_pool,
		[DMIO_POOL_BVECS] = &dmio_bios.bvec_pool,
	};

	return READ_ONCE(pools[pool]->curr_nr);
}
EXPORT_SYMBOL_GPL(dmio_pool_reserved);

/* ---- Bios ---- */

static struct dmio_bio *to_dmio_bio(struct bio *bio)
{
	return container_of(bio, struct dmio_bio, bio);
}

static void dmio_bio_end_io(struct bio *bio)
{
	struct dmio_bio *db = to_dmio_bio(bio);
	void *owner = db->owner;
	unsigned int region = db->region;
	struct bio *data_owner = db->data_owner;
	int failed = bio->bi_status != BLK_STS_OK;

	/*
	 * The block layer has advanced bi_iter by now, so zero_fill_bio()
	 * alone would see an empty bio: rewind to what was issued.
	 */
	if (failed && bio_op(bio) == REQ_OP_READ) {
		bio->bi_iter = db->issued;
		zero_fill_bio(bio);
	}
	bio_put(bio);
	if (data_owner)
		bio_put(data_owner);
	dmio_core_bio_done(owner, region, failed);
}

static void dmio_bio_tag(struct bio *bio, void *owner, unsigned int region,
			 struct bio *data_owner)
{
	struct dmio_bio *db = to_dmio_bio(bio);

	db->owner = owner;
	db->region = region;
	db->data_owner = data_owner;
	bio->bi_end_io = dmio_bio_end_io;
}

struct bio *dmio_bio_alloc(struct block_device *bdev, unsigned int nr_vecs,
			   unsigned int opf, dmio_sector_t sector, void *owner,
			   unsigned int region)
{
	struct bio *bio = bio_alloc_bioset(bdev, nr_vecs, (__force blk_opf_t)opf,
					   GFP_NOIO, &dmio_bios);

	bio->bi_iter.bi_sector = sector;
	dmio_bio_tag(bio, owner, region, NULL);
	return bio;
}

struct bio *dmio_bio_alloc_host(struct block_device *bdev, unsigned int nr_vecs,
				unsigned int opf, dmio_sector_t sector,
				unsigned int region)
{
	struct bio *bio = dmio_bio_alloc(bdev, nr_vecs, opf, sector, NULL, region);

	to_dmio_bio(bio)->owner = to_dmio_bio(bio)->request;
	bio_get(bio);
	return bio;
}

void *dmio_bio_request(struct bio *host)
{
	return to_dmio_bio(host)->request;
}

void dmio_bio_put(struct bio *bio)
{
	bio_put(bio);
}

unsigned int dmio_bio_add_page(struct bio *bio, struct page *page,
			       unsigned int len, unsigned int offset)
{
	return bio_add_page(bio, page, len, offset);
}

void dmio_bio_set_size(struct bio *bio, unsigned int bytes)
{
	bio->bi_iter.bi_size = bytes;
}

struct bio *dmio_bio_clone(struct bio *src, struct block_device *bdev,
			   unsigned int opf, dmio_sector_t sector, void *owner,
			   unsigned int region)
{
	struct bio *clone = bio_alloc_clone(bdev, src, GFP_NOIO, &dmio_bios);

	clone->bi_opf = (__force blk_opf_t)opf;
	clone->bi_iter.bi_sector = sector;
	bio_get(src);
	dmio_bio_tag(clone, owner, region, src);
	return clone;
}

void dmio_bio_submit(struct bio *bio)
{
	to_dmio_bio(bio)->issued = bio->bi_iter;
	submit_bio(bio);
}

void dmio_plug_start(struct dmio_plug *plug)
{
	blk_start_plug((struct blk_plug *)plug);
}

void dmio_plug_finish(struct dmio_plug *plug)
{
	blk_finish_plug((struct blk_plug *)plug);
}

void dmio_mutex_init(struct dmio_mutex *m)
{
	mutex_init((struct mutex *)m);
}

void dmio_mutex_lock(struct dmio_mutex *m)
{
	mutex_lock((struct mutex *)m);
}

void dmio_mutex_unlock(struct dmio_mutex *m)
{
	mutex_unlock((struct mutex *)m);
}

void dmio_completion_init(struct dmio_completion *c)
{
	init_completion((struct completion *)c);
}

void dmio_completion_wait(struct dmio_completion *c)
{
	wait_for_completion_io((struct completion *)c);
}

void dmio_complete(struct dmio_completion *c)
{
	complete((struct completion *)c);
}

/* ---- Module ---- */

static int __init dmio_init(void)
{
	dmio_check_mirrors();
	return dmio_core_init();
}

static void __exit dmio_exit(void)
{
	dmio_core_exit();
}

module_init(dmio_init);
module_exit(dmio_exit);

MODULE_DESCRIPTION("dmio: the device-mapper I/O service (dm_io_sync, dm_io_async, ...)");
MODULE_LICENSE("GPL");
