/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmio - the classic device-mapper I/O service, as a loadable module.
 *
 * This is the only header a consumer target includes.  struct page_list
 * and io_notify_fn come from the kernel's own <linux/dm-io.h>, so a target
 * may include both; struct io_region and the entry points are dmio's.
 *
 * Conventions shared by every entry point:
 *
 * @rw is a blk_opf_t value passed as int: REQ_OP_READ (READ),
 * REQ_OP_WRITE (WRITE), REQ_OP_DISCARD or REQ_OP_WRITE_ZEROES, ORed with
 * any of REQ_SYNC, REQ_META, REQ_PRIO, REQ_FUA and REQ_PREFLUSH (the last
 * two on writes only; REQ_PREFLUSH goes on every bio, so the flush comes
 * before all of the call's data), and the hints a target forwards from its
 * own bios: REQ_IDLE, REQ_BACKGROUND, REQ_RAHEAD (kept on reads) and
 * REQ_NOUNMAP (kept on write-zeroes); a hint that means nothing to the op
 * is dropped.  A read takes exactly one region; a write up to
 * BITS_PER_LONG.  Discard and write-zeroes carry no data and ignore the
 * buffer.
 *
 * The error bitset has bit i set iff some I/O to region i failed.  A
 * region of count 0 is skipped, unless @rw carries REQ_PREFLUSH, which
 * sends an empty flush to that region's device.
 *
 * Buffers: the data (page offset, vm address, each bio_vec entry's offset
 * and length) must be aligned to 512 bytes and every region's dma
 * alignment, and vm data must be vmalloc'd or linear RAM.  bio_vec
 * entries may be smaller than a logical block: dmio cuts its bios on
 * block boundaries within each device's segment and virt-boundary limits,
 * and refuses only a block no bio to that device can carry.  Regions must
 * be aligned to their logical block size and lie inside their device.
 * Anything else is refused with -EINVAL before any I/O is issued, with a
 * rate-limited message.
 *
 * Each module that calls dmio is a client with its own reserve and pools
 * (the macros below pass THIS_MODULE), made on its first call or
 * dm_io_get() and freed when the module unloads; a module must not unload
 * with I/O in flight.  So consumers stacked on each other never wait on
 * each other's reserves.  Two instances of one module stacked on each
 * other share its reserve: with the slab failing, the upper one's I/O can
 * hold it all while the lower one waits for it.
 *
 * All calls may sleep: process context only.  Async calls may be made
 * from a target's map function; sync calls there are refused (-EINVAL),
 * since their bios could not be issued before the function returns.
 * A call made before the module's client exists returns -ENOMEM if the
 * client cannot be allocated.
 */
#ifndef _DMIO_DM_IO_H
#define _DMIO_DM_IO_H

#include <linux/types.h>
#include <linux/bvec.h>
#include <linux/dm-io.h>
#include <linux/export.h>

/**
 * struct io_region - where an I/O goes
 * @bdev:   the block device
 * @sector: first 512-byte sector on @bdev
 * @count:  length in 512-byte sectors; 0 skips the region (see REQ_PREFLUSH)
 */
struct io_region {
	struct block_device *bdev;
	sector_t sector;
	sector_t count;
};

/**
 * dm_io_get() - reserve memory for more I/O in flight
 * @num_pages: how many more pages of I/O the caller may have in flight
 *
 * Grows this module's reserves so that @num_pages more pages of I/O can be
 * in flight without waiting on the page allocator; a page written to k
 * regions counts k times.  What is reserved is counted by kind: for n
 * pages, n call states (a call's first bio), n clones (a region's copy of
 * another's bio), n/32 later bios of long calls with their vector tables,
 * and n/4 vector tables for first bios (a bio needs one only past four
 * entries).  Every reserve holds at least one element of each kind from
 * the first call on, which is all forward progress needs: a call never
 * waits on a pool it holds an element of.  All or nothing; the
 * reservation is capped at 2^18 pages.  Balance with dm_io_put().
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM with the reservation unchanged.
 */
#define dm_io_get(num_pages) \
	__dm_io_get(THIS_MODULE, num_pages)
int __dm_io_get(struct module *owner, unsigned int num_pages);

/**
 * dm_io_put() - give back a reservation made with dm_io_get()
 * @num_pages: the number passed to the matching dm_io_get()
 *
 * Putting more than was got warns once and clamps to the base reservation.
 *
 * Context: process context, may sleep.
 */
#define dm_io_put(num_pages) \
	__dm_io_put(THIS_MODULE, num_pages)
void __dm_io_put(struct module *owner, unsigned int num_pages);

/**
 * dm_io_sync() - synchronous I/O from or to a list of pages
 * @num_regions: number of entries in @where (1 for reads)
 * @where:       the regions
 * @rw:          operation and flags (see the top of this header)
 * @pl:          the pages; the list must cover the largest region
 * @offset:      byte offset of the data in the first page
 * @error_bits:  if not NULL, receives the error bitset
 *
 * Returns only after every bio of the request has completed.  A failed
 * read leaves the failed part of the buffer zero-filled.
 *
 * Context: process context, may sleep.
 * Return: 0, -EIO if any region failed, -EINVAL for a refused request.
 */
#define dm_io_sync(num_regions, where, rw, pl, offset, error_bits) \
	__dm_io_sync(THIS_MODULE, num_regions, where, rw, pl, offset, error_bits)
int __dm_io_sync(struct module *owner, unsigned int num_regions,
		 struct io_region *where, int rw, struct page_list *pl,
		 unsigned int offset, unsigned long *error_bits);

/**
 * dm_io_async() - asynchronous I/O from or to a list of pages
 * @num_regions: number of entries in @where (1 for reads)
 * @where:       the regions; may be reused as soon as the call returns
 * @rw:          operation and flags (see the top of this header)
 * @pl:          the pages; the list must cover the largest region
 * @offset:      byte offset of the data in the first page
 * @fn:          completion callback, called with the error bitset
 * @context:     passed to @fn
 *
 * On success @fn runs exactly once, possibly in interrupt context, so it
 * must not sleep.  On error @fn never runs.
 *
 * Context: process context, may sleep.
 * Return: 0 once the I/O is issued, -EINVAL for a refused request.
 */
#define dm_io_async(num_regions, where, rw, pl, offset, fn, context) \
	__dm_io_async(THIS_MODULE, num_regions, where, rw, pl, offset, fn, context)
int __dm_io_async(struct module *owner, unsigned int num_regions,
		  struct io_region *where, int rw, struct page_list *pl,
		  unsigned int offset, io_notify_fn fn, void *context);

/**
 * dm_io_sync_bvec() - synchronous I/O from or to an array of bio_vecs
 * @num_regions: number of entries in @where (1 for reads)
 * @where:       the regions
 * @rw:          operation and flags (see the top of this header)
 * @bvec:        the data, consumed in order; must cover the largest region
 * @error_bits:  if not NULL, receives the error bitset
 *
 * As dm_io_sync(), with the data described by @bvec.
 *
 * Context: process context, may sleep.
 * Return: 0, -EIO if any region failed, -EINVAL for a refused request.
 */
#define dm_io_sync_bvec(num_regions, where, rw, bvec, error_bits) \
	__dm_io_sync_bvec(THIS_MODULE, num_regions, where, rw, bvec, error_bits)
int __dm_io_sync_bvec(struct module *owner, unsigned int num_regions,
		      struct io_region *where, int rw, struct bio_vec *bvec,
		      unsigned long *error_bits);

/**
 * dm_io_async_bvec() - asynchronous I/O from or to an array of bio_vecs
 * @num_regions: number of entries in @where (1 for reads)
 * @where:       the regions
 * @rw:          operation and flags (see the top of this header)
 * @bvec:        the data, consumed in order; must cover the largest region
 * @fn:          completion callback, called with the error bitset
 * @context:     passed to @fn
 *
 * As dm_io_async(), with the data described by @bvec.
 *
 * Context: process context, may sleep.
 * Return: 0 once the I/O is issued, -EINVAL for a refused request.
 */
#define dm_io_async_bvec(num_regions, where, rw, bvec, fn, context) \
	__dm_io_async_bvec(THIS_MODULE, num_regions, where, rw, bvec, fn, context)
int __dm_io_async_bvec(struct module *owner, unsigned int num_regions,
		       struct io_region *where, int rw, struct bio_vec *bvec,
		       io_notify_fn fn, void *context);

/**
 * dm_io_sync_vm() - synchronous I/O from or to virtually contiguous memory
 * @num_regions: number of entries in @where (1 for reads)
 * @where:       the regions
 * @rw:          operation and flags (see the top of this header)
 * @data:        vmalloc'd or linear kernel memory covering the largest region
 * @error_bits:  if not NULL, receives the error bitset
 *
 * As dm_io_sync(), with the data at @data.
 *
 * Context: process context, may sleep.
 * Return: 0, -EIO if any region failed, -EINVAL for a refused request.
 */
#define dm_io_sync_vm(num_regions, where, rw, data, error_bits) \
	__dm_io_sync_vm(THIS_MODULE, num_regions, where, rw, data, error_bits)
int __dm_io_sync_vm(struct module *owner, unsigned int num_regions,
		    struct io_region *where, int rw, void *data,
		    unsigned long *error_bits);

/**
 * dm_io_async_vm() - asynchronous I/O from or to virtually contiguous memory
 * @num_regions: number of entries in @where (1 for reads)
 * @where:       the regions
 * @rw:          operation and flags (see the top of this header)
 * @data:        vmalloc'd or linear kernel memory covering the largest region
 * @fn:          completion callback, called with the error bitset
 * @context:     passed to @fn
 *
 * As dm_io_async(), with the data at @data.
 *
 * Context: process context, may sleep.
 * Return: 0 once the I/O is issued, -EINVAL for a refused request.
 */
#define dm_io_async_vm(num_regions, where, rw, data, fn, context) \
	__dm_io_async_vm(THIS_MODULE, num_regions, where, rw, data, fn, context)
int __dm_io_async_vm(struct module *owner, unsigned int num_regions,
		     struct io_region *where, int rw, void *data,
		     io_notify_fn fn, void *context);

/**
 * dmio_reserved_pages() - the current reservation, in pages
 *
 * The base reservation plus every dm_io_get() not yet put.  For tests and
 * for targets that want to report it.
 *
 * Return: the number of pages of I/O dmio can have in flight from reserves.
 */
#define dmio_reserved_pages() \
	__dmio_reserved_pages(THIS_MODULE)
unsigned int __dmio_reserved_pages(struct module *owner);

/*
 * The modern face: dm_io() and its clients as the kernel's <linux/dm-io.h>
 * declares them, under dmio's names (<dmio/kcompat.h> maps the kernel's
 * names onto these for targets written for dm-io).  Each client has its
 * own reserve and pools.  Documented where defined (dmio_modern.c).
 */
struct dm_io_client *dmio_io_client_create(void);
void dmio_io_client_destroy(struct dm_io_client *client);
int dmio_io(struct dm_io_request *io_req, unsigned int num_regions,
	    struct dm_io_region *where, unsigned long *sync_error_bits,
	    unsigned short ioprio);

#endif /* _DMIO_DM_IO_H */
