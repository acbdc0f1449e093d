/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boundary between dmio's C++ core and the kernel.
 *
 * Kernel headers are not C++-safe, so the core sees the kernel only through
 * this header: opaque struct pointers, plain-data mirrors of the few kernel
 * structs it reads, constants, and the functions of dmio_shim.c.  The shim
 * checks every mirror and constant against the real kernel definitions at
 * build time, so a kernel that changes one of them fails to build dmio
 * rather than corrupting memory.
 *
 * Included from C (dmio_shim.c) and C++ (the core, through ktl.h, which
 * also supplies __printf); nothing here may need either language's headers.
 */
#ifndef _DMIO_SHIM_H
#define _DMIO_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

#include <dmio/testing.h>

struct bio;
struct block_device;
struct page;
struct dmio_pools;	/* a client's bio_sets and rescuer (the shim's) */
struct dmio_client;	/* a modern-face client: the core's, opaque */

/* Sector numbers and counts cross the boundary as unsigned long long. */
#define dmio_sector_t unsigned long long

#define DMIO_SECTOR_SHIFT 9
#define DMIO_PAGE_SIZE 4096u
#define DMIO_BIO_MAX_VECS 256u
#define DMIO_MAX_REGIONS 64u /* BITS_PER_LONG: one error bit per region */

#define DMIO_EIO 5
#define DMIO_ENOMEM 12
#define DMIO_EINVAL 22

/*
 * Operation and flags in the core's own encoding: the operation in the low
 * bits as in blk_opf_t, the flags at their 6.1 bit positions.  The shim
 * translates from and to the running kernel's blk_opf_t (compat.h).
 */
#define DMIO_OP_MASK 0xffu
#define DMIO_OP_READ 0u
#define DMIO_OP_WRITE 1u
#define DMIO_OP_DISCARD 3u
#define DMIO_OP_WRITE_ZEROES 9u
#define DMIO_REQ_SYNC (1u << 11)
#define DMIO_REQ_META (1u << 12)
#define DMIO_REQ_PRIO (1u << 13)
#define DMIO_REQ_IDLE (1u << 15)
#define DMIO_REQ_FUA (1u << 17)
#define DMIO_REQ_PREFLUSH (1u << 18)
#define DMIO_REQ_RAHEAD (1u << 19)
#define DMIO_REQ_BACKGROUND (1u << 20)
#define DMIO_REQ_NOUNMAP (1u << 27)
#define DMIO_REQ_UNKNOWN (1u << 31) /* a kernel flag the core does not know */

/* Mirrors of struct io_region, struct page_list and struct bio_vec. */
struct dmio_region {
	struct block_device *bdev;
	dmio_sector_t sector;
	dmio_sector_t count;
};

struct dmio_page_list {
	struct dmio_page_list *next;
	struct page *page;
};

struct dmio_bvec {
	struct page *page;
	unsigned int len;
	unsigned int offset;
};

typedef void (*dmio_notify_fn)(unsigned long error_bits, void *context);

/*
 * Storage for kernel objects the core embeds by value; the shim checks
 * that each kernel struct fits.
 */
struct dmio_completion {
	unsigned long opaque[16];
};

struct dmio_plug {
	unsigned long opaque[8];
};

struct dmio_mutex {
	unsigned long opaque[32];
};

/* The data buffer of a request, as the entry points received it. */
enum dmio_buffer_kind {
	DMIO_BUFFER_PAGE_LIST,
	DMIO_BUFFER_BVEC,
	DMIO_BUFFER_VM,
};

struct dmio_buffer {
	enum dmio_buffer_kind kind;
	/* Page lists: into the first page; bio_vec arrays: into the first entry. */
	unsigned int offset;
	/* bounded: the buffer holds only @bytes from there (a bio's bi_size). */
	unsigned char bounded;
	unsigned long long bytes;
	union {
		const struct dmio_page_list *pl;
		const struct dmio_bvec *bvec;
		void *vm;
	};
};

/*
 * What the block layer lets one bio to a device carry, in the terms dmio
 * builds bios in: segments are bio_vec entries, and a virt boundary gap
 * (an entry that starts or whose predecessor ends off the mask) ends one.
 */
struct dmio_limits {
	dmio_sector_t sectors;		/* the device's size */
	unsigned int logical_block_size;
	unsigned int dma_alignment;	/* a mask */
	unsigned int max_segments;
	unsigned long virt_boundary;	/* a mask; 0: none */
};

/*
 * A consumer: the module whose calls these are (the classic face passes
 * THIS_MODULE), an opaque key the core only compares.
 */
#define dmio_owner_t const void *

/* ---- Implemented by the core (C++), called by the shim. ---- */

int dmio_core_init(void);
void dmio_core_exit(void);
/*
 * @trace_id: 0, or the id of the call's dmio_call_issue event, which the
 * core hands back to dmio_call_done() when the call completes.
 */
int dmio_core_sync(dmio_owner_t owner, unsigned int num_regions,
		   const struct dmio_region *where, int rw,
		   const struct dmio_buffer *buf, unsigned long *error_bits,
		   unsigned long long trace_id);
int dmio_core_async(dmio_owner_t owner, unsigned int num_regions,
		    const struct dmio_region *where, int rw,
		    const struct dmio_buffer *buf, dmio_notify_fn fn,
		    void *context, unsigned long long trace_id);
int dmio_core_get(dmio_owner_t owner, unsigned int num_pages);
void dmio_core_put(dmio_owner_t owner, unsigned int num_pages);
unsigned int dmio_core_reserved_pages(dmio_owner_t owner);
/* Free elements of one of @owner's pools; 0 if it has no client. */
unsigned int dmio_core_pool_free(dmio_owner_t owner, enum dmio_pool pool);
/* @owner, a module that uses dmio, is loading: make its client. */
int dmio_core_owner_coming(dmio_owner_t owner);
/* @owner is unloading: its client, reserve and pools go. */
void dmio_core_owner_gone(dmio_owner_t owner);
/*
 * The modern face, dm_io() of <linux/dm-io.h>: synchronous when @fn is
 * NULL.  A call the kernel's dm-io would carry out is not refused: a region
 * dm-io would issue only for the block layer to fail it (past the end of
 * its device, not aligned to its blocks) fails alone, unissued; no regions
 * complete at once; a region of count 0 is skipped unless REQ_PREFLUSH.
 */
int dmio_core_io(struct dmio_client *client, unsigned int num_regions,
		 const struct dmio_region *where, unsigned int opf,
		 const struct dmio_buffer *buf, dmio_notify_fn fn,
		 void *context, unsigned long *error_bits,
		 unsigned short ioprio, unsigned long long trace_id);
/* A client with its own reserve and pools; NULL without memory. */
struct dmio_client *dmio_core_client_create(void);
/* No call of @client's may be in flight. */
void dmio_core_client_destroy(struct dmio_client *client);
/* The pools of @owner's client (NULL: none), and of a modern client. */
struct dmio_pools *dmio_core_owner_pools(dmio_owner_t owner);
struct dmio_pools *dmio_core_client_pools(struct dmio_client *client);
/* Completion of one bio issued with dmio_bio_alloc() or dmio_bio_clone(). */
void dmio_core_bio_done(void *owner, unsigned int region, int failed);

/* ---- Implemented by the shim (C), called by the core. ---- */

/*
 * A call has completed: called only when it failed a region or carries a
 * trace id, so that a call with neither pays no call for it.
 */
void dmio_call_done(unsigned long long trace_id, unsigned long error_bits);

/* Messages: every refused request logs through the rate limit. */
__printf(1, 2) void dmio_reject(const char *fmt, ...);
/* A region the modern face fails unissued: the same rate limit. */
__printf(1, 2) void dmio_region_failed(const char *fmt, ...);
__printf(1, 2) void dmio_warn(const char *fmt, ...);
void dmio_might_sleep(void);
/* Inside submit_bio() (a target's map): bios issued now wait for return. */
int dmio_in_bio_submission(void);

/* Block devices. */
unsigned int dmio_bdev_logical_block_size(struct block_device *bdev);
void dmio_bdev_limits(struct block_device *bdev, struct dmio_limits *lim);
/* Largest bio, in sectors, a device takes for a data-less op; 0: none. */
unsigned int dmio_bdev_max_sectors(struct block_device *bdev, unsigned int op);

/* The C++ runtime's heap (dmio_rt.cpp); GFP_KERNEL. */
void *dmio_kmalloc(unsigned long bytes);
void dmio_kfree(void *p);

/* Memory: where a kernel virtual address's page lives. */
int dmio_is_vmalloc(const void *addr);
int dmio_is_linear(const void *addr);
/*
 * The pages behind up to @nr pages of vmalloc space from @addr's page, in
 * order, stopping at the first unmapped one: how many were found.  @pages
 * may be NULL to only count.
 */
unsigned long dmio_vmalloc_pages(const void *addr, unsigned long nr,
				 struct page **pages);
/*
 * Is the mapped page at @addr RAM the page allocator manages?  ioremap'd
 * MMIO has no struct page a bio could carry.
 */
int dmio_vmalloc_is_ram(const void *addr);
struct page *dmio_virt_to_page(const void *addr);
void dmio_flush_vmap(void *addr, unsigned long bytes);
void dmio_invalidate_vmap(void *addr, unsigned long bytes);

/*
 * Reserves: a client's pools (enum dmio_pool), each holding exactly
 * @sizes[pool] free elements when no I/O is in flight.  Resizing is all or
 * nothing and fails with -ENOMEM rather than wake the OOM killer.
 */
struct dmio_pools *dmio_pools_create(const unsigned int sizes[DMIO_NR_POOLS]);
void dmio_pools_destroy(struct dmio_pools *pools);
int dmio_pools_resize(struct dmio_pools *pools,
		      const unsigned int sizes[DMIO_NR_POOLS]);
unsigned int dmio_pools_free(struct dmio_pools *pools, enum dmio_pool pool);

/*
 * Bios.  Each carries (owner, region) back to dmio_core_bio_done().  A
 * failed read is zero-filled over its whole original extent before that.
 * Three kinds, from three pools, so that a call never waits on a pool it
 * holds an element of (see the core's Dispatcher):
 *
 * - a call's first bio (DMIO_POOL_CALLS) also carries the call's state:
 *   DMIO_REQUEST_BYTES at dmio_bio_request(), which is its owner, and a
 *   reference for the core to drop with dmio_bio_put() once that state is
 *   no longer needed;
 * - its later bios (DMIO_POOL_CHUNKS);
 * - clones, bios with another bio's data for another region
 *   (DMIO_POOL_CLONES): a small bio's vectors are copied, a larger one's
 *   table is shared and the clone keeps its source alive until done.
 *
 * A first bio freed in a task (a synchronous call's, by its caller) goes
 * to a per-CPU cache while its pool holds its full reserve, and is served
 * from there again without the slab.
 *
 * Inside a bio submission (a map function), our bios already issued wait
 * on current->bio_list; before waiting on a pool they are handed to the
 * client's rescuer, as bio_alloc_bioset() does for one bio_set.
 */
#define DMIO_REQUEST_BYTES 64
struct bio *dmio_bio_alloc_call(struct dmio_pools *pools,
				struct block_device *bdev, unsigned int nr_vecs,
				unsigned int opf, dmio_sector_t sector,
				unsigned int region);
void *dmio_bio_request(struct bio *call);
struct bio *dmio_bio_alloc(struct dmio_pools *pools, struct block_device *bdev,
			   unsigned int nr_vecs, unsigned int opf,
			   dmio_sector_t sector, void *owner,
			   unsigned int region);
struct bio *dmio_bio_clone(struct dmio_pools *pools, struct bio *src,
			   struct block_device *bdev, unsigned int opf,
			   dmio_sector_t sector, void *owner,
			   unsigned int region);
void dmio_bio_put(struct bio *bio);
/* Returns how many bytes were added: len, or 0 when the bio is full. */
unsigned int dmio_bio_add_page(struct bio *bio, struct page *page,
			       unsigned int len, unsigned int offset);
/* Adds a piece as an entry of its own: the table has room for it. */
void dmio_bio_add_piece(struct bio *bio, struct page *page, unsigned int len,
			unsigned int offset);
unsigned int dmio_bio_size(struct bio *bio);
void dmio_bio_set_size(struct bio *bio, unsigned int bytes);
void dmio_bio_set_ioprio(struct bio *bio, unsigned short ioprio);
void dmio_bio_submit(struct bio *bio);

void dmio_plug_start(struct dmio_plug *plug);
void dmio_plug_finish(struct dmio_plug *plug);

void dmio_mutex_init(struct dmio_mutex *m);
void dmio_mutex_lock(struct dmio_mutex *m);
void dmio_mutex_unlock(struct dmio_mutex *m);

void dmio_completion_init(struct dmio_completion *c);
void dmio_completion_wait(struct dmio_completion *c);
void dmio_complete(struct dmio_completion *c);

#ifdef __cplusplus
}
#endif

#endif /* _DMIO_SHIM_H */
