// SPDX-License-Identifier: GPL-2.0
/*
 * The only dmio code that includes kernel headers.
 *
 * Module init/exit, the exported entry points (which only repackage their
 * arguments for the C++ core), and one thin wrapper per kernel inline or
 * macro the core needs.  Stateless: each client's pools are kernel
 * objects the core cannot size, so the shim makes them and hands the core
 * an opaque pointer.  Policy lives in the core.
 */
#define pr_fmt(fmt) "dmio: " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/kallsyms.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <dmio/compat.h>
#include <dmio/dm-io.h>
#include <dmio/shim.h>
#include <dmio/testing.h>

#include "dmio_stats.h"
#define CREATE_TRACE_POINTS
#include "dmio_trace.h"

/* For probes of dmio's own tests (KUnit). */
EXPORT_TRACEPOINT_SYMBOL_GPL(dmio_call_issue);
EXPORT_TRACEPOINT_SYMBOL_GPL(dmio_call_done);

/* What a dmio bio carries besides the bio itself (the bio_set front pad). */
struct dmio_bio {
	void *owner;
	unsigned int region;
	struct bvec_iter issued;	/* the extent to zero-fill on read failure */
	struct bio *data_owner;		/* clones: the bio whose bvecs we share */
	struct bio bio;
};

/* A call's first bio: the core's state of the call rides in front of it. */
struct dmio_call_bio {
	unsigned long request[DMIO_REQUEST_BYTES / sizeof(unsigned long)];
	struct dmio_bio db;
};

/*
 * A client's pools: one bio_set per kind of bio (see shim.h), and one
 * rescuer for all three, since a bio of any kind may be waiting on
 * current->bio_list when a call made inside a bio submission needs a pool.
 */
struct dmio_pools {
	struct bio_set calls;
	struct bio_set chunks;
	struct bio_set clones;
	/* The vectors a clones bio holds inline (block/blk.h's BIO_INLINE_VECS). */
	unsigned int clone_inline_vecs;
	spinlock_t rescue_lock;
	struct bio_list rescue_list;
	struct work_struct rescue_work;
	struct workqueue_struct *rescue_wq;

	/* debugfs dmio/clients: who made it, and its pools' history. */
	struct list_head node;		/* in dmio_clients */
	const void *key;		/* the owner, or the modern client */
	bool modern;
	char owner[MODULE_NAME_LEN];	/* "": not named yet */
	/* The client's own: a sample takes no lock another client takes. */
	spinlock_t peak_lock;
	bool resizing;			/* pools below their size: growing */
	unsigned int peak[DMIO_NR_POOLS];	/* most elements out at once */
};

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
	/* The flags are translated (compat.h); UNKNOWN is no kernel flag. */
	BUILD_BUG_ON(DMIO_REQ_UNKNOWN & DMIO_COMPAT_KNOWN);
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

/*
 * The classic face.  <dmio/dm-io.h> turns each dm_io_*() call into one of
 * these with THIS_MODULE first: the caller's module names its client.
 */
/*
 * One classic call: synchronous (@error_bits) when @sync, else async
 * (@fn, @context).  @sync is a constant at every entry point, so each
 * compiles to just its own half.
 */
static __always_inline int dmio_classic_counted(enum dmio_entry entry,
						bool sync, struct module *owner,
						unsigned int num_regions,
						struct io_region *where, int rw,
						const struct dmio_buffer *buf,
						io_notify_fn fn, void *context,
						unsigned long *error_bits,
						u64 trace_id)
{
	const struct dmio_region *r = (const struct dmio_region *)where;

	dmio_count_call(entry);
	if (sync)
		return dmio_call_end(trace_id,
				     dmio_core_sync(owner, num_regions, r,
						    dmio_opf_to_core(rw), buf,
						    error_bits, trace_id));
	return dmio_call_end(trace_id,
			     dmio_core_async(owner, num_regions, r,
					     dmio_opf_to_core(rw), buf, fn,
					     context, trace_id));
}

static noinline int dmio_classic_traced(enum dmio_entry entry, bool sync,
					unsigned long caller,
					struct module *owner,
					unsigned int num_regions,
					struct io_region *where, int rw,
					const struct dmio_buffer *buf,
					io_notify_fn fn, void *context,
					unsigned long *error_bits)
{
	u64 id = dmio_trace_issue(entry, owner, caller, num_regions,
				  (const struct dmio_region *)where, rw);

	return dmio_classic_counted(entry, sync, owner, num_regions, where, rw,
				    buf, fn, context, error_bits, id);
}

/*
 * The traced call is out of line: the common one keeps its arguments in
 * place for the core, with nothing to save around a call.
 */
static __always_inline int dmio_classic(enum dmio_entry entry, bool sync,
					unsigned long caller,
					struct module *owner,
					unsigned int num_regions,
					struct io_region *where, int rw,
					const struct dmio_buffer *buf,
					io_notify_fn fn, void *context,
					unsigned long *error_bits)
{
	if (dmio_tracing())
		return dmio_classic_traced(entry, sync, caller, owner,
					   num_regions, where, rw, buf, fn,
					   context, error_bits);
	return dmio_classic_counted(entry, sync, owner, num_regions, where, rw,
				    buf, fn, context, error_bits, 0);
}

/* dm_io_sync() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_sync(struct module *owner, unsigned int num_regions,
		 struct io_region *where, int rw, struct page_list *pl,
		 unsigned int offset, unsigned long *error_bits)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_PAGE_LIST,
		.offset = offset,
		.pl = (const struct dmio_page_list *)pl,
	};

	return dmio_classic(DMIO_ENTRY_SYNC, true, _RET_IP_, owner, num_regions,
			    where, rw, &buf, NULL, NULL, error_bits);
}
EXPORT_SYMBOL_GPL(__dm_io_sync);

/* dm_io_async() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_async(struct module *owner, unsigned int num_regions,
		  struct io_region *where, int rw, struct page_list *pl,
		  unsigned int offset, io_notify_fn fn, void *context)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_PAGE_LIST,
		.offset = offset,
		.pl = (const struct dmio_page_list *)pl,
	};

	return dmio_classic(DMIO_ENTRY_ASYNC, false, _RET_IP_, owner, num_regions,
			    where, rw, &buf, fn, context, NULL);
}
EXPORT_SYMBOL_GPL(__dm_io_async);

/* dm_io_sync_bvec() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_sync_bvec(struct module *owner, unsigned int num_regions,
		      struct io_region *where, int rw, struct bio_vec *bvec,
		      unsigned long *error_bits)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_BVEC,
		.bvec = (const struct dmio_bvec *)bvec,
	};

	return dmio_classic(DMIO_ENTRY_SYNC_BVEC, true, _RET_IP_, owner, num_regions,
			    where, rw, &buf, NULL, NULL, error_bits);
}
EXPORT_SYMBOL_GPL(__dm_io_sync_bvec);

/* dm_io_async_bvec() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_async_bvec(struct module *owner, unsigned int num_regions,
		       struct io_region *where, int rw, struct bio_vec *bvec,
		       io_notify_fn fn, void *context)
{
	struct dmio_buffer buf = {
		.kind = DMIO_BUFFER_BVEC,
		.bvec = (const struct dmio_bvec *)bvec,
	};

	return dmio_classic(DMIO_ENTRY_ASYNC_BVEC, false, _RET_IP_, owner, num_regions,
			    where, rw, &buf, fn, context, NULL);
}
EXPORT_SYMBOL_GPL(__dm_io_async_bvec);

/* dm_io_sync_vm() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_sync_vm(struct module *owner, unsigned int num_regions,
		    struct io_region *where, int rw, void *data,
		    unsigned long *error_bits)
{
	struct dmio_buffer buf = { .kind = DMIO_BUFFER_VM, .vm = data };

	return dmio_classic(DMIO_ENTRY_SYNC_VM, true, _RET_IP_, owner, num_regions,
			    where, rw, &buf, NULL, NULL, error_bits);
}
EXPORT_SYMBOL_GPL(__dm_io_sync_vm);

/* dm_io_async_vm() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_async_vm(struct module *owner, unsigned int num_regions,
		     struct io_region *where, int rw, void *data,
		     io_notify_fn fn, void *context)
{
	struct dmio_buffer buf = { .kind = DMIO_BUFFER_VM, .vm = data };

	return dmio_classic(DMIO_ENTRY_ASYNC_VM, false, _RET_IP_, owner, num_regions,
			    where, rw, &buf, fn, context, NULL);
}
EXPORT_SYMBOL_GPL(__dm_io_async_vm);

/* dm_io_get() of <dmio/dm-io.h>, for the module @owner. */
int __dm_io_get(struct module *owner, unsigned int num_pages)
{
	int r = dmio_core_get(owner, num_pages);

	/* A client made here has no module notification behind it (KUnit). */
	dmio_pools_name_caller(dmio_core_owner_pools(owner), owner, false,
			       _RET_IP_);
	return r;
}
EXPORT_SYMBOL_GPL(__dm_io_get);

/* dm_io_put() of <dmio/dm-io.h>, for the module @owner. */
void __dm_io_put(struct module *owner, unsigned int num_pages)
{
	dmio_core_put(owner, num_pages);
}
EXPORT_SYMBOL_GPL(__dm_io_put);

/* dmio_reserved_pages() of <dmio/dm-io.h>, for the module @owner. */
unsigned int __dmio_reserved_pages(struct module *owner)
{
	return dmio_core_reserved_pages(owner);
}
EXPORT_SYMBOL_GPL(__dmio_reserved_pages);

/* dmio_pool_reserved() of <dmio/testing.h>, for the module @owner. */
unsigned int __dmio_pool_reserved(struct module *owner, enum dmio_pool pool)
{
	return dmio_core_pool_free(owner, pool);
}
EXPORT_SYMBOL_GPL(__dmio_pool_reserved);

#if IS_ENABLED(CONFIG_KUNIT)
void dmio_owner_gone(struct module *owner)
{
	dmio_core_owner_gone(owner);
}
EXPORT_SYMBOL_GPL(dmio_owner_gone);
#endif

/* ---- Counters and tracing (dmio_stats.h) ---- */

DEFINE_PER_CPU(struct dmio_stats, dmio_stats);
static DEFINE_PER_CPU(u64, dmio_trace_seq);

/* Unique without a counter every CPU writes: a sequence per CPU. */
static u64 dmio_next_id(void)
{
	unsigned int cpu = get_cpu();
	u64 id = __this_cpu_inc_return(dmio_trace_seq) * nr_cpu_ids + cpu;

	put_cpu();
	return id;
}

u64 dmio_trace_issue(enum dmio_entry entry, const void *client,
		     unsigned long caller, unsigned int num_regions,
		     const struct dmio_region *where, unsigned int rw)
{
	unsigned int opf = dmio_opf_to_core(rw);
	u64 id = dmio_next_id(), bytes = 0;
	unsigned int i;

	/* Not yet validated: no more regions than a valid call has. */
	for (i = 0; where && num_regions <= DMIO_MAX_REGIONS &&
	     i < num_regions; i++)
		bytes = max_t(u64, bytes, where[i].count << SECTOR_SHIFT);
	trace_dmio_call_issue(id, entry, client, caller, opf & DMIO_OP_MASK,
			      opf & ~DMIO_OP_MASK, num_regions, bytes);
	return id;
}

int dmio_call_refused(u64 trace_id, int error)
{
	this_cpu_inc(dmio_stats.refused);
	if (trace_id)
		trace_dmio_call_done(trace_id, 0, error);
	return error;
}

void dmio_call_done(unsigned long long trace_id, unsigned long error_bits)
{
	if (error_bits)
		this_cpu_inc(dmio_stats.failed);
	if (trace_id)
		trace_dmio_call_done(trace_id, error_bits, 0);
}

/* ---- Messages ---- */

static DEFINE_RATELIMIT_STATE(dmio_reject_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/* One rate limit for every message about a caller's request. */
static void dmio_request_msg(const char *what, const char *fmt, va_list *args)
{
	struct va_format vaf = { .fmt = fmt, .va = args };

	if (__ratelimit(&dmio_reject_rs))
		pr_err("%s: %pV\n", what, &vaf);
}

void dmio_reject(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	dmio_request_msg("request refused", fmt, &args);
	va_end(args);
}

void dmio_region_failed(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	dmio_request_msg("region failed", fmt, &args);
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

unsigned int dmio_bdev_logical_block_size(struct block_device *bdev)
{
	return bdev_logical_block_size(bdev);
}

void dmio_bdev_limits(struct block_device *bdev, struct dmio_limits *lim)
{
	struct queue_limits *q = &bdev_get_queue(bdev)->limits;

	lim->sectors = bdev_nr_sectors(bdev);
	lim->logical_block_size = q->logical_block_size;
	lim->dma_alignment = bdev_dma_alignment(bdev);
	lim->max_segments = q->max_segments;
	lim->virt_boundary = q->virt_boundary_mask;
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

/*
 * The page behind a mapped pfn, if it is RAM the page allocator manages:
 * ioremap'd MMIO may have a struct page (a reserved one) or none at all,
 * and I/O to it through a bio would DMA to the wrong place.
 */
static struct page *dmio_ram_page(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return NULL;
	page = pfn_to_page(pfn);
	return PageReserved(page) ? NULL : page;
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

int dmio_vmalloc_is_ram(const void *addr)
{
	unsigned long pfn = vmalloc_to_pfn(addr);

	return pfn && dmio_ram_page(pfn);
}

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

/* Every client's pools: debugfs dmio/clients, and their peaks. */
static LIST_HEAD(dmio_clients);
static DEFINE_SPINLOCK(dmio_clients_lock);

static void dmio_rescue(struct work_struct *work)
{
	struct dmio_pools *pools = container_of(work, struct dmio_pools,
						rescue_work);
	struct bio *bio;

	for (;;) {
		spin_lock(&pools->rescue_lock);
		bio = bio_list_pop(&pools->rescue_list);
		spin_unlock(&pools->rescue_lock);
		if (!bio)
			break;
		submit_bio_noacct(bio);
	}
}

static bool dmio_pools_own(struct dmio_pools *pools, struct bio *bio)
{
	return bio->bi_pool == &pools->calls ||
	       bio->bi_pool == &pools->chunks ||
	       bio->bi_pool == &pools->clones;
}

/*
 * punt_bios_to_rescuer() for our three bio_sets: the bios of ours that
 * wait on current->bio_list go to our rescuer, which issues them, so their
 * completions can refill the pool the caller is about to wait on.  Only
 * ours: another driver's bios could need our pools to make progress.
 * Out of line: inlined, its lists would cost every allocation a frame.
 */
static noinline void dmio_punt(struct dmio_pools *pools)
{
	struct bio_list punt, keep;
	struct bio *bio;
	int i;

	bio_list_init(&punt);
	for (i = 0; i < 2; i++) {
		bio_list_init(&keep);
		while ((bio = bio_list_pop(&current->bio_list[i])))
			bio_list_add(dmio_pools_own(pools, bio) ? &punt : &keep,
				     bio);
		current->bio_list[i] = keep;
	}
	if (bio_list_empty(&punt))
		return;
	spin_lock(&pools->rescue_lock);
	bio_list_merge(&pools->rescue_list, &punt);
	spin_unlock(&pools->rescue_lock);
	queue_work(pools->rescue_wq, &pools->rescue_work);
}

static mempool_t *dmio_pool(struct dmio_pools *pools, enum dmio_pool pool)
{
	switch (pool) {
	case DMIO_POOL_CALLS:
		return &pools->calls.bio_pool;
	case DMIO_POOL_CALL_TABLES:
		return &pools->calls.bvec_pool;
	case DMIO_POOL_CHUNKS:
		return &pools->chunks.bio_pool;
	case DMIO_POOL_CHUNK_TABLES:
		return &pools->chunks.bvec_pool;
	default:
		return &pools->clones.bio_pool;
	}
}

/*
 * Grows @pool to hold @min_nr elements from @spare, which holds at least
 * min_nr - pool->min_nr of them: what mempool_resize() does, but with
 * elements and array allocated by the caller, so that nothing is
 * allocated twice and a failure is -ENOMEM, not the OOM killer.
 */
static void dmio_mempool_grow(mempool_t *pool, unsigned int min_nr,
			      void **elements, void **spare)
{
	int grow = min_nr - pool->min_nr;
	unsigned long flags;
	void **old;

	spin_lock_irqsave(&pool->lock, flags);
	memcpy(elements, pool->elements, pool->curr_nr * sizeof(*elements));
	old = pool->elements;
	pool->elements = elements;
	pool->min_nr = min_nr;
	spin_unlock_irqrestore(&pool->lock, flags);
	kfree(old);
	/* Fills the pool up to min_nr, counting elements still in use. */
	while (grow--)
		mempool_free(spare[grow], pool);
}

#define DMIO_NOFAIL_GFP (GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)

/* While a pool grows, its elements not yet added are no loans to sample. */
static void dmio_pools_resizing(struct dmio_pools *pools, bool on)
{
	spin_lock(&pools->peak_lock);
	pools->resizing = on;
	spin_unlock(&pools->peak_lock);
}

/**
 * dmio_pools_resize() - make each pool hold exactly sizes[pool] elements
 * @pools: the client's pools
 * @sizes: the new size of every pool
 *
 * All or nothing: every element and array a pool must grow by is
 * allocated first, without retrying or waking the OOM killer.
 *
 * Context: process context; the caller serialises resizes of @pools.
 * Return: 0, or -ENOMEM with every pool unchanged.
 */
int dmio_pools_resize(struct dmio_pools *pools,
		      const unsigned int sizes[DMIO_NR_POOLS])
{
	void **spare[DMIO_NR_POOLS] = {}, **array[DMIO_NR_POOLS] = {};
	int grow[DMIO_NR_POOLS] = {};
	int p, i, r = -ENOMEM;

	for (p = 0; p < DMIO_NR_POOLS; p++) {
		mempool_t *pool = dmio_pool(pools, p);

		grow[p] = (int)sizes[p] - pool->min_nr;
		if (grow[p] <= 0)
			continue;
		array[p] = kmalloc_array(sizes[p], sizeof(void *),
					 DMIO_NOFAIL_GFP);
		spare[p] = kvcalloc(grow[p], sizeof(void *), DMIO_NOFAIL_GFP);
		if (!array[p] || !spare[p])
			goto out;
		for (i = 0; i < grow[p]; i++) {
			spare[p][i] = pool->alloc(DMIO_NOFAIL_GFP,
						  pool->pool_data);
			if (!spare[p][i])
				goto out;
		}
	}
	dmio_pools_resizing(pools, true);
	for (p = 0; p < DMIO_NR_POOLS; p++) {
		mempool_t *pool = dmio_pool(pools, p);

		if (grow[p] > 0) {
			dmio_mempool_grow(pool, sizes[p], array[p], spare[p]);
			array[p] = NULL;
			grow[p] = 0;
		} else if (grow[p] < 0) {
			mempool_resize(pool, sizes[p]);	/* frees, never fails */
		}
	}
	dmio_pools_resizing(pools, false);
	r = 0;
out:
	for (p = 0; p < DMIO_NR_POOLS; p++) {
		mempool_t *pool = dmio_pool(pools, p);

		for (i = 0; spare[p] && i < grow[p] && spare[p][i]; i++)
			pool->free(spare[p][i], pool->pool_data);
		kvfree(spare[p]);
		kfree(array[p]);
	}
	return r;
}

static struct dmio_pools *dmio_pools_make(const unsigned int sizes[DMIO_NR_POOLS])
{
	struct dmio_pools *pools = kzalloc(sizeof(*pools), GFP_KERNEL);

	if (!pools)
		return NULL;
	INIT_LIST_HEAD(&pools->node);
	spin_lock_init(&pools->peak_lock);
	spin_lock_init(&pools->rescue_lock);
	bio_list_init(&pools->rescue_list);
	INIT_WORK(&pools->rescue_work, dmio_rescue);
	pools->rescue_wq = alloc_workqueue("dmio_rescue", WQ_MEM_RECLAIM, 0);
	if (!pools->rescue_wq)
		goto fail;
	/*
	 * One element each; the resize below makes them what @sizes says.
	 * First bios have a per-CPU cache too (see dmio_bio_put()).
	 */
	if (bioset_init(&pools->calls, 1,
			offsetof(struct dmio_call_bio, db.bio),
			BIOSET_NEED_BVECS | BIOSET_PERCPU_CACHE) ||
	    bioset_init(&pools->chunks, 1, offsetof(struct dmio_bio, bio),
			BIOSET_NEED_BVECS) ||
	    bioset_init(&pools->clones, 1, offsetof(struct dmio_bio, bio),
			BIOSET_NEED_BVECS))
		goto fail;
	pools->clone_inline_vecs = pools->clones.back_pad /
				   sizeof(struct bio_vec);
	if (!dmio_pools_resize(pools, sizes))
		return pools;
fail:
	dmio_pools_destroy(pools);
	return NULL;
}

/**
 * dmio_pools_create() - a client's pools and rescuer
 * @sizes: the size of every pool
 *
 * Context: process context, may sleep.
 * Return: the pools, or NULL.
 */
struct dmio_pools *dmio_pools_create(const unsigned int sizes[DMIO_NR_POOLS])
{
	struct dmio_pools *pools;
	unsigned int noio;

	/* A consumer's first call may come from a map function. */
	noio = memalloc_noio_save();
	pools = dmio_pools_make(sizes);
	memalloc_noio_restore(noio);
	if (pools) {
		spin_lock(&dmio_clients_lock);
		list_add_tail(&pools->node, &dmio_clients);
		spin_unlock(&dmio_clients_lock);
	}
	return pools;
}

/* Every bio of the client must have completed. */
void dmio_pools_destroy(struct dmio_pools *pools)
{
	spin_lock(&dmio_clients_lock);
	list_del(&pools->node);
	spin_unlock(&dmio_clients_lock);
	bioset_exit(&pools->clones);
	bioset_exit(&pools->chunks);
	bioset_exit(&pools->calls);
	if (pools->rescue_wq)
		destroy_workqueue(pools->rescue_wq);
	kfree(pools);
}

unsigned int dmio_pools_free(struct dmio_pools *pools, enum dmio_pool pool)
{
	return READ_ONCE(dmio_pool(pools, pool)->curr_nr);
}

static void dmio_pools_name(struct dmio_pools *pools, const void *key,
			    bool modern, const char *owner)
{
	if (!pools)
		return;
	spin_lock(&dmio_clients_lock);
	if (!pools->owner[0]) {
		strscpy(pools->owner, owner, sizeof(pools->owner));
		pools->key = key;
		pools->modern = modern;
	}
	spin_unlock(&dmio_clients_lock);
}

/* The module the code at @ip belongs to, or its function if built in. */
static void dmio_module_of(char *name, size_t len, unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];
	const char *mod;

	sprint_symbol(sym, ip);
	mod = strchr(sym, '[');
	strscpy(name, mod ? mod + 1 : sym, len);
	name[strcspn(name, mod ? " ]" : "+")] = '\0';
}

void dmio_pools_name_caller(struct dmio_pools *pools, const void *key,
			    bool modern, unsigned long caller)
{
	char name[MODULE_NAME_LEN];

	/* A symbol lookup: only for a client not yet named. */
	if (!pools || READ_ONCE(pools->owner[0]))
		return;
	dmio_module_of(name, sizeof(name), caller);
	dmio_pools_name(pools, key, modern, name);
}

/*
 * Records how many elements each pool of @pools has out now, where that is
 * the most yet.  Called right after the allocation that took one from a
 * reserve: a peak only grows there.
 */
static noinline void dmio_pools_sample(struct dmio_pools *pools)
{
	int p;

	spin_lock(&pools->peak_lock);
	for (p = 0; !pools->resizing && p < DMIO_NR_POOLS; p++) {
		mempool_t *pool = dmio_pool(pools, p);
		int out = READ_ONCE(pool->min_nr) - READ_ONCE(pool->curr_nr);

		if (out > (int)pools->peak[p])
			pools->peak[p] = out;
	}
	spin_unlock(&pools->peak_lock);
}

/* Per bio: two per-CPU adds. */
static void dmio_count_bio(struct bio *bio)
{
	this_cpu_inc(dmio_stats.bios);
	this_cpu_add(dmio_stats.bytes, bio->bi_iter.bi_size);
}

static bool dmio_pool_lent(mempool_t *pool)
{
	return READ_ONCE(pool->curr_nr) < READ_ONCE(pool->min_nr);
}

/* A vector table apart from the bio: from a bvec pool, or a clone's source. */
static bool dmio_bio_has_table(struct bio *bio)
{
	return bio->bi_io_vec && bio->bi_io_vec != bio->bi_inline_vecs;
}

/*
 * Is the pool @bio (just allocated from @bs) came from, or the one its
 * vector table came from, short of elements: this one or another lent
 * out?  The table's pool is asked too, since either can come from its
 * reserve alone: the slab may fail for one and not the other.  A clone's
 * table is its source's, none of ours.
 */
static bool dmio_lent(struct bio_set *bs, struct bio *bio, struct bio *src)
{
	return dmio_pool_lent(&bs->bio_pool) ||
	       (!src && dmio_bio_has_table(bio) &&
		dmio_pool_lent(&bs->bvec_pool));
}

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
	dmio_bio_put(bio);
	if (data_owner)
		bio_put(data_owner);
	dmio_core_bio_done(owner, region, failed);
}

static void dmio_bio_tag(struct bio *bio, dmio_sector_t sector, void *owner,
			 unsigned int region, struct bio *data_owner)
{
	struct dmio_bio *db = to_dmio_bio(bio);

	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = dmio_bio_end_io;
	db->owner = owner;
	db->region = region;
	db->data_owner = data_owner;
}

/*
 * As bio_alloc_bioset() does for its one bio_set: inside a submission,
 * try without waiting first; if that fails, hand our waiting bios to the
 * rescuer and then wait.
 */
static struct bio *dmio_alloc_from(struct dmio_pools *pools,
				   struct bio_set *bs,
				   struct block_device *bdev,
				   unsigned int nr_vecs, unsigned int opf,
				   struct bio *src)
{
	/* Served from the bio_set's per-CPU cache, if any, first. */
	blk_opf_t op = dmio_opf_to_kernel(opf) |
		       (bs->cache ? REQ_ALLOC_CACHE : 0);
	struct bio *bio;

	if (current->bio_list && (!bio_list_empty(&current->bio_list[0]) ||
				  !bio_list_empty(&current->bio_list[1]))) {
		gfp_t gfp = GFP_NOIO & ~__GFP_DIRECT_RECLAIM;

		bio = src ? bio_alloc_clone(bdev, src, gfp, bs) :
			    bio_alloc_bioset(bdev, nr_vecs, op, gfp, bs);
		if (bio)
			return bio;
		dmio_punt(pools);
	}
	return src ? bio_alloc_clone(bdev, src, GFP_NOIO, bs) :
		     bio_alloc_bioset(bdev, nr_vecs, op, GFP_NOIO, bs);
}

/* Samples the peaks where they grow: the client is at hand here. */
static struct bio *dmio_alloc(struct dmio_pools *pools, struct bio_set *bs,
			      struct block_device *bdev, unsigned int nr_vecs,
			      unsigned int opf, struct bio *src)
{
	struct bio *bio = dmio_alloc_from(pools, bs, bdev, nr_vecs, opf, src);

	/*
	 * Where the bio goes when freed is decided then (dmio_bio_put()); a
	 * bio below us cloned from it must not inherit the cache flag, and
	 * free itself into a cache of its own where that is not allowed.
	 */
	bio->bi_opf &= ~REQ_ALLOC_CACHE;
	if (unlikely(dmio_lent(bs, bio, src)))
		dmio_pools_sample(pools);
	return bio;
}

struct bio *dmio_bio_alloc_call(struct dmio_pools *pools,
				struct block_device *bdev, unsigned int nr_vecs,
				unsigned int opf, dmio_sector_t sector,
				unsigned int region)
{
	struct bio *bio = dmio_alloc(pools, &pools->calls, bdev, nr_vecs, opf,
				     NULL);

	dmio_bio_tag(bio, sector, dmio_bio_request(bio), region, NULL);
	bio_get(bio);
	return bio;
}

void *dmio_bio_request(struct bio *call)
{
	return container_of(call, struct dmio_call_bio, db.bio)->request;
}

struct bio *dmio_bio_alloc(struct dmio_pools *pools, struct block_device *bdev,
			   unsigned int nr_vecs, unsigned int opf,
			   dmio_sector_t sector, void *owner,
			   unsigned int region)
{
	struct bio *bio = dmio_alloc(pools, &pools->chunks, bdev, nr_vecs, opf,
				     NULL);

	dmio_bio_tag(bio, sector, owner, region, NULL);
	return bio;
}

/*
 * A bio with @src's data for another device.  A small one gets a copy of
 * @src's few vector entries, inline in its own bio: the block layer lets
 * a bio of one small entry skip its split check, which a clone (bi_vcnt 0)
 * never may, and a copy holds no reference on @src.  Larger ones share
 * @src's table.  (The clones' bio_set has inline vectors, and its bvec
 * pool is never used: no bio of it needs a table of its own.)
 */
struct bio *dmio_bio_clone(struct dmio_pools *pools, struct bio *src,
			   struct block_device *bdev, unsigned int opf,
			   dmio_sector_t sector, void *owner,
			   unsigned int region)
{
	struct bio *bio;
	unsigned short i;

	if (src->bi_vcnt > pools->clone_inline_vecs) {
		bio = dmio_alloc(pools, &pools->clones, bdev, 0, opf, src);
		bio->bi_opf = dmio_opf_to_kernel(opf);
		bio_get(src);
		dmio_bio_tag(bio, sector, owner, region, src);
		return bio;
	}
	bio = dmio_alloc(pools, &pools->clones, bdev, src->bi_vcnt, opf, NULL);
	/* A table from the bvec pool would be one element for every call. */
	WARN_ON_ONCE(bio->bi_io_vec != bio->bi_inline_vecs);
	/* At most a few entries: not worth memcpy()'s string instructions. */
	for (i = 0; i < src->bi_vcnt; i++)
		bio->bi_io_vec[i] = src->bi_io_vec[i];
	bio->bi_vcnt = src->bi_vcnt;
	bio->bi_iter.bi_size = src->bi_iter.bi_size;
	bio->bi_ioprio = src->bi_ioprio;
	dmio_bio_tag(bio, sector, owner, region, NULL);
	return bio;
}

/*
 * May @bio go back to its bio_set's per-CPU cache if freed now?  A first
 * bio (the only bio_set with a cache) whose vectors are inline (a cached
 * bio keeps no table), freed in a task: a synchronous call's first bio is
 * freed by its caller, on the CPU that will most likely allocate the next
 * one, so the cache stays about as large as the calls its CPU waits on.
 * (6.1 warns for a cached bio freed in interrupt context; 6.12 would take
 * it from a hard interrupt, but on another CPU than the allocating one,
 * where it would only pile up.)  And only while its pool holds its full
 * reserve: a bio freed while the reserve is lent refills the reserve, as
 * mempool_free() would, or a waiter on the pool could wait for ever.
 */
static bool dmio_bio_cacheable(struct bio *bio)
{
	if (!bio->bi_pool->cache || in_interrupt() || dmio_bio_has_table(bio))
		return false;
	/* Pairs with mempool_alloc()'s smp_wmb(), as in mempool_free(). */
	smp_rmb();
	return !dmio_pool_lent(&bio->bi_pool->bio_pool);
}

/*
 * Every bio of ours.  Only the put that frees it decides where it goes:
 * a reference still held elsewhere might be dropped last where the cache
 * is not allowed.
 */
void dmio_bio_put(struct bio *bio)
{
	if ((bio_flagged(bio, BIO_REFFED) && atomic_read(&bio->__bi_cnt) > 1) ||
	    !dmio_bio_cacheable(bio))
		bio->bi_opf &= ~REQ_ALLOC_CACHE;
	else
		bio->bi_opf |= REQ_ALLOC_CACHE;
	bio_put(bio);
}

unsigned int dmio_bio_add_page(struct bio *bio, struct page *page,
			       unsigned int len, unsigned int offset)
{
	return bio_add_page(bio, page, len, offset);
}

void dmio_bio_add_piece(struct bio *bio, struct page *page, unsigned int len,
			unsigned int offset)
{
	__bio_add_page(bio, page, len, offset);
}

unsigned int dmio_bio_size(struct bio *bio)
{
	return bio->bi_iter.bi_size;
}

void dmio_bio_set_size(struct bio *bio, unsigned int bytes)
{
	bio->bi_iter.bi_size = bytes;
}

void dmio_bio_set_ioprio(struct bio *bio, unsigned short ioprio)
{
	bio->bi_ioprio = ioprio;
}

void dmio_bio_submit(struct bio *bio)
{
	to_dmio_bio(bio)->issued = bio->bi_iter;
	dmio_count_bio(bio);
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

/* Does @mod import dmio's symbols?  Then it is a consumer. */
static bool dmio_used_by(struct module *mod)
{
#ifdef CONFIG_MODULE_UNLOAD
	struct module_use *use;

	/* Symbols are resolved before COMING; nothing changes the list now. */
	list_for_each_entry(use, &mod->target_list, target_list)
		if (use->target == THIS_MODULE)
			return true;
#endif
	return false;
}

/*
 * A consumer's client is made as its module loads, in insmod's process
 * context (its calls, perhaps from a map function, never allocate one),
 * and lives until the module goes.
 */
static int dmio_module_event(struct notifier_block *nb, unsigned long state,
			     void *module)
{
	struct module *mod = module;
	int r;

	if (state == MODULE_STATE_COMING && dmio_used_by(mod)) {
		r = dmio_core_owner_coming(mod);
		if (!r)
			dmio_pools_name(dmio_core_owner_pools(mod), mod, false,
					mod->name);
		return notifier_from_errno(r);
	}
	if (state == MODULE_STATE_GOING)
		dmio_core_owner_gone(mod);
	return NOTIFY_DONE;
}

static struct notifier_block dmio_module_nb = {
	.notifier_call = dmio_module_event,
	/* Before other COMING work that may run the module's code (KUnit). */
	.priority = INT_MAX,
};

/*
 * ---- debugfs: dmio/calls, what every CPU counted since load, and
 * dmio/clients, a line per client: its reserve and its pools ----
 */

static struct dentry *dmio_debugfs;

static int dmio_calls_show(struct seq_file *m, void *unused)
{
	static const char *const entries[DMIO_NR_ENTRIES] = {
		"dm_io_sync", "dm_io_async", "dm_io_sync_bvec",
		"dm_io_async_bvec", "dm_io_sync_vm", "dm_io_async_vm",
		"dmio_io_sync", "dmio_io_async",
	};
	struct dmio_stats sum = {};
	unsigned long face[2] = {};
	int cpu, e;

	for_each_possible_cpu(cpu) {
		const struct dmio_stats *s = per_cpu_ptr(&dmio_stats, cpu);

		for (e = 0; e < DMIO_NR_ENTRIES; e++)
			sum.calls[e] += READ_ONCE(s->calls[e]);
		sum.bios += READ_ONCE(s->bios);
		sum.bytes += READ_ONCE(s->bytes);
		sum.failed += READ_ONCE(s->failed);
		sum.refused += READ_ONCE(s->refused);
	}
	for (e = 0; e < DMIO_NR_ENTRIES; e++)
		face[e >= DMIO_NR_CLASSIC_ENTRIES] += sum.calls[e];
	seq_printf(m, "classic %lu\nmodern %lu\n", face[0], face[1]);
	for (e = 0; e < DMIO_NR_ENTRIES; e++)
		seq_printf(m, "%s %lu\n", entries[e], sum.calls[e]);
	seq_printf(m, "bios %lu\nbytes %llu\nfailed %lu\nrefused %lu\n",
		   sum.bios, sum.bytes, sum.failed, sum.refused);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmio_calls);

static int dmio_clients_show(struct seq_file *m, void *unused)
{
	static const char *const names[DMIO_NR_POOLS] = {
		"calls", "call_tables", "chunks", "chunk_tables", "clones",
	};
	struct dmio_pools *pools;
	int p;

	spin_lock(&dmio_clients_lock);
	list_for_each_entry(pools, &dmio_clients, node) {
		/* A reservation of n pages keeps n call elements. */
		seq_printf(m, "%s %s key=%p reserve=%d",
			   pools->owner[0] ? pools->owner : "-",
			   pools->modern ? "modern" : "classic", pools->key,
			   READ_ONCE(pools->calls.bio_pool.min_nr));
		spin_lock(&pools->peak_lock);
		for (p = 0; p < DMIO_NR_POOLS; p++) {
			mempool_t *pool = dmio_pool(pools, p);

			seq_printf(m, " %s=%d/%d/%u", names[p],
				   READ_ONCE(pool->min_nr),
				   READ_ONCE(pool->curr_nr), pools->peak[p]);
		}
		spin_unlock(&pools->peak_lock);
		seq_putc(m, '\n');
	}
	spin_unlock(&dmio_clients_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmio_clients);

#if IS_ENABLED(CONFIG_KUNIT)
/* debugfs files cannot be read from the kernel: their text, directly. */
long dmio_debugfs_text(const char *name, char *buf, unsigned long size)
{
	struct seq_file m = { .buf = buf, .size = size - 1 };
	int r;

	if (!strcmp(name, "calls"))
		r = dmio_calls_show(&m, NULL);
	else if (!strcmp(name, "clients"))
		r = dmio_clients_show(&m, NULL);
	else
		return -EINVAL;
	if (r || seq_has_overflowed(&m))
		return r ?: -EOVERFLOW;
	buf[m.count] = '\0';
	return m.count;
}
EXPORT_SYMBOL_GPL(dmio_debugfs_text);
#endif

static int __init dmio_init(void)
{
	int r;

	dmio_check_mirrors();
	r = dmio_core_init();
	if (r)
		return r;
	r = register_module_notifier(&dmio_module_nb);
	if (r) {
		dmio_core_exit();
		return r;
	}
	/* Statistics only: dmio works without them. */
	dmio_debugfs = debugfs_create_dir("dmio", NULL);
	debugfs_create_file("calls", 0444, dmio_debugfs, NULL, &dmio_calls_fops);
	debugfs_create_file("clients", 0444, dmio_debugfs, NULL,
			    &dmio_clients_fops);
	return 0;
}

static void __exit dmio_exit(void)
{
	debugfs_remove_recursive(dmio_debugfs);
	unregister_module_notifier(&dmio_module_nb);
	dmio_core_exit();
}

module_init(dmio_init);
module_exit(dmio_exit);

MODULE_DESCRIPTION("dmio: the device-mapper I/O service (dm_io_sync, dm_io_async, ...)");
MODULE_LICENSE("GPL");
