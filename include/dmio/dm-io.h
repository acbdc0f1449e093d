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
 * any of REQ_SYNC, REQ_META, REQ_PRIO, REQ_FUA and REQ_PREFLUSH.  A read
 * takes exactly one region; a write up to BITS_PER_LONG.  Discard and
 * write-zeroes carry no data and ignore the buffer.
 *
 * The error bitset has bit i set iff some I/O to region i failed.  A
 * region of count 0 is skipped, unless @rw carries REQ_PREFLUSH, which
 * sends an empty flush to that region's device.
 *
 * Buffers: the start of the data (page offset, vm address, each bio_vec)
 * must be aligned to 512 bytes and every region's dma alignment; each
 * bio_vec entry must hold whole logical blocks of the largest block size
 * among the regions.  Regions must be aligned to their logical block size
 * and lie inside their device.  Anything else is refused with -EINVAL
 * before any I/O is issued, with a rate-limited message.
 *
 * All calls may sleep: process context only.  Async calls may be made
 * from a target's map function; sync calls there are refused (-EINVAL),
 * since their bios could not be issued before the function returns.
 */
#ifndef _DMIO_DM_IO_H
#define _DMIO_DM_IO_H

#include <linux/types.h>
#include <linux/bvec.h>
#include <linux/dm-io.h>

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
 * Grows dmio's reserves so that @num_pages more pages of I/O never wait on
 * the page allocator; a page written to k regions counts k times.  All or
 * nothing; the reservation is capped at 2^18 pages.  Balance with
 * dm_io_put().
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM with the reservation unchanged.
 */
int dm_io_get(unsigned int num_pages);

/**
 * dm_io_put() - give back a reservation made with dm_io_get()
 * @num_pages: the number passed to the matching dm_io_get()
 *
 * Putting more than was got warns once and clamps to the base reservation.
 *
 * Context: process context, may sleep.
 */
void dm_io_put(unsigned int num_pages);

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
int dm_io_sync(unsigned int num_regions, struct io_region *where, int rw,
	       struct page_list *pl, unsigned int offset,
	       unsigned long *error_bits);

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
int dm_io_async(unsigned int num_regions, struct io_region *where, int rw,
		struct page_list *pl, unsigned int offset, io_notify_fn fn,
		void *context);

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
int dm_io_sync_bvec(unsigned int num_regions, struct io_region *where, int rw,
		    struct bio_vec *bvec, unsigned long *error_bits);

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
int dm_io_async_bvec(unsigned int num_regions, struct io_region *where, int rw,
		     struct bio_vec *bvec, io_notify_fn fn, void *context);

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
int dm_io_sync_vm(unsigned int num_regions, struct io_region *where, int rw,
		  void *data, unsigned long *error_bits);

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
int dm_io_async_vm(unsigned int num_regions, struct io_region *where, int rw,
		   void *data, io_notify_fn fn, void *context);

/**
 * dmio_reserved_pages() - the current reservation, in pages
 *
 * The base reservation plus every dm_io_get() not yet put.  For tests and
 * for targets that want to report it.
 *
 * Return: the number of pages of I/O dmio can have in flight from reserves.
 */
unsigned int dmio_reserved_pages(void);

#endif /* _DMIO_DM_IO_H */
