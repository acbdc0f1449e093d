// SPDX-License-Identifier: GPL-2.0
/*
 * The modern face of dmio: dm_io() and its clients, with the kernel's own
 * structs from <linux/dm-io.h>, under dmio's names.  Thin: each call is
 * repackaged for the core, which gives it dm-io's semantics (shim.h,
 * dmio_core_io()) over the same engine as the classic face.
 */
#define pr_fmt(fmt) "dmio: " fmt

#include <linux/bio.h>
#include <linux/dm-io.h>
#include <linux/err.h>
#include <linux/module.h>

#include <dmio/compat.h>
#include <dmio/dm-io.h>
#include <dmio/shim.h>

#include "dmio_stats.h"

static_assert(sizeof(struct dm_io_region) == sizeof(struct dmio_region));
static_assert(offsetof(struct dm_io_region, bdev) ==
	      offsetof(struct dmio_region, bdev));
static_assert(offsetof(struct dm_io_region, sector) ==
	      offsetof(struct dmio_region, sector));
static_assert(offsetof(struct dm_io_region, count) ==
	      offsetof(struct dmio_region, count));

/**
 * dmio_io_client_create() - make a client for dmio_io()
 *
 * As dm_io_client_create(): the client has its own reserve (16 pages of
 * I/O in flight, as dm-io's default reserve of 16 ios) and its own bio
 * pools, so clients stacked on each other never wait on each other's
 * memory.  Process context; may sleep.
 *
 * Return: the client, or ERR_PTR(-ENOMEM).
 */
struct dm_io_client *dmio_io_client_create(void)
{
	struct dmio_client *client = dmio_core_client_create();

	if (!client)
		return ERR_PTR(-ENOMEM);
	dmio_pools_name_caller(dmio_core_client_pools(client), client, true,
			       _RET_IP_);
	return (struct dm_io_client *)client;
}
EXPORT_SYMBOL_GPL(dmio_io_client_create);

/**
 * dmio_io_client_destroy() - free a client of dmio_io()
 * @client: from dmio_io_client_create(), with no I/O in flight
 */
void dmio_io_client_destroy(struct dm_io_client *client)
{
	dmio_core_client_destroy((struct dmio_client *)client);
}
EXPORT_SYMBOL_GPL(dmio_io_client_destroy);

/* dmio_io(), counted; @trace_id traces it (0: not traced). */
static __always_inline int dmio_io_call(struct dm_io_request *io_req,
					unsigned int num_regions,
					struct dm_io_region *where,
					unsigned long *sync_error_bits,
					unsigned short ioprio, u64 trace_id)
{
	struct dmio_buffer buf = { .kind = DMIO_BUFFER_VM };
	struct bio *bio;

	if (!io_req->client) {
		dmio_reject("dm_io_request without a client");
		return -EINVAL;
	}
	switch (io_req->mem.type) {
	case DM_IO_PAGE_LIST:
		buf.kind = DMIO_BUFFER_PAGE_LIST;
		buf.offset = io_req->mem.offset;
		buf.pl = (const struct dmio_page_list *)io_req->mem.ptr.pl;
		break;
	case DM_IO_BIO:
		/* Its iterator is read, never advanced: the caller may resubmit it. */
		bio = io_req->mem.ptr.bio;
		buf.kind = DMIO_BUFFER_BVEC;
		buf.bvec = bio->bi_io_vec ? (const struct dmio_bvec *)
			   &bio->bi_io_vec[bio->bi_iter.bi_idx] : NULL;
		buf.offset = bio->bi_iter.bi_bvec_done;
		buf.bounded = 1;
		buf.bytes = bio->bi_iter.bi_size;
		break;
	case DM_IO_VMA:
		buf.vm = io_req->mem.ptr.vma;
		break;
	case DM_IO_KMEM:
		buf.vm = io_req->mem.ptr.addr;
		break;
	default:
		dmio_reject("unknown dm_io memory type %d", io_req->mem.type);
		return -EINVAL;
	}
	return dmio_core_io((struct dmio_client *)io_req->client, num_regions,
			    (const struct dmio_region *)where,
			    dmio_opf_to_core((__force unsigned int)io_req->bi_opf),
			    &buf, io_req->notify.fn, io_req->notify.context,
			    sync_error_bits, ioprio, trace_id);
}

static __always_inline int dmio_io_counted(struct dm_io_request *io_req,
					   unsigned int num_regions,
					   struct dm_io_region *where,
					   unsigned long *sync_error_bits,
					   unsigned short ioprio, u64 trace_id)
{
	dmio_count_call(io_req->notify.fn ? DMIO_ENTRY_IO_ASYNC :
			DMIO_ENTRY_IO_SYNC);
	return dmio_call_end(trace_id,
			     dmio_io_call(io_req, num_regions, where,
					  sync_error_bits, ioprio, trace_id));
}

static noinline int dmio_io_traced(struct dm_io_request *io_req,
				   unsigned int num_regions,
				   struct dm_io_region *where,
				   unsigned long *sync_error_bits,
				   unsigned short ioprio, unsigned long caller)
{
	u64 id = dmio_trace_issue(io_req->notify.fn ? DMIO_ENTRY_IO_ASYNC :
				  DMIO_ENTRY_IO_SYNC, io_req->client, caller,
				  num_regions,
				  (const struct dmio_region *)where,
				  (__force unsigned int)io_req->bi_opf);

	return dmio_io_counted(io_req, num_regions, where, sync_error_bits,
			       ioprio, id);
}

/**
 * dmio_io() - dm_io() on dmio
 * @io_req: operation and flags, memory, notification and client
 * @num_regions: entries of @where, at most BITS_PER_LONG
 * @where: the regions; a region of count 0 is skipped unless
 *         @io_req->bi_opf has REQ_PREFLUSH (then: an empty flush to it)
 * @sync_error_bits: synchronous calls: where to store the error bits, if
 *                   not NULL; left alone when the call is refused, as
 *                   dm-io leaves it on its early returns
 * @ioprio: the I/O priority of every bio
 *
 * As the kernel's dm_io(): synchronous (REQ_SYNC added, uninterruptible
 * wait) when @io_req->notify.fn is NULL, returning -EIO when any region
 * failed; otherwise @io_req->notify.fn runs exactly once with the error
 * bits, possibly in interrupt context and possibly before dmio_io()
 * returns.  Memory: DM_IO_PAGE_LIST from @io_req->mem.offset (a list may
 * loop: only what the I/O needs is walked), DM_IO_BIO from the bio's
 * current iterator (the bio is not changed), DM_IO_VMA, DM_IO_KMEM.
 *
 * A call dm_io() would carry out is carried out: a region it would only
 * send to the block layer to fail (past the end of its device, not on its
 * logical blocks) gets its error bit, unissued; no regions is a call that
 * completes at once; REQ_FUA and REQ_PREFLUSH are dropped from discards
 * and write-zeroes (which dm-raid1 may copy them onto).  Calls dm_io() would crash or corrupt data on
 * are refused with -EINVAL and a rate-limited message, before any I/O and
 * without a callback: more than BITS_PER_LONG regions, a read of several
 * regions, a region without a device, memory that is missing, unaligned
 * or shorter than the largest region, flags dmio does not carry (see
 * <dmio/dm-io.h>), synchronous calls from a bio submission.
 *
 * Return: 0, -EIO (synchronous calls with a failed region) or -EINVAL.
 */
int dmio_io(struct dm_io_request *io_req, unsigned int num_regions,
	    struct dm_io_region *where, unsigned long *sync_error_bits,
	    unsigned short ioprio)
{
	/* Out of line when traced, as the classic face's calls (shim). */
	if (dmio_tracing())
		return dmio_io_traced(io_req, num_regions, where,
				      sync_error_bits, ioprio, _RET_IP_);
	return dmio_io_counted(io_req, num_regions, where, sync_error_bits,
			       ioprio, 0);
}
EXPORT_SYMBOL_GPL(dmio_io);
