/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What dmio counts and traces about its calls (README, "Observability"):
 * per-CPU counters, summed only when debugfs is read, so that no call or
 * bio writes a cache line another CPU also writes; and the dmio_call_issue
 * and dmio_call_done tracepoints (dmio_trace.h).
 *
 * For the shim's C files only (dmio_shim.c, dmio_modern.c): kernel
 * headers.  Only dmio_shim.c includes dmio_trace.h itself; the entry
 * points test the tracepoints' static keys through tracepoint_enabled(),
 * which costs a no-op jump while nobody traces.
 */
#ifndef _DMIO_STATS_H
#define _DMIO_STATS_H

#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/tracepoint-defs.h>
#include <linux/types.h>

#include <dmio/shim.h>

/* The entry points, as counted and as the issue event names them. */
enum dmio_entry {
	DMIO_ENTRY_SYNC,		/* dm_io_sync() */
	DMIO_ENTRY_ASYNC,		/* dm_io_async() */
	DMIO_ENTRY_SYNC_BVEC,		/* dm_io_sync_bvec() */
	DMIO_ENTRY_ASYNC_BVEC,		/* dm_io_async_bvec() */
	DMIO_ENTRY_SYNC_VM,		/* dm_io_sync_vm() */
	DMIO_ENTRY_ASYNC_VM,		/* dm_io_async_vm() */
	DMIO_ENTRY_IO_SYNC,		/* dmio_io() without a callback */
	DMIO_ENTRY_IO_ASYNC,		/* dmio_io() with one */
	DMIO_NR_ENTRIES
};

/* The classic face's entries come first. */
#define DMIO_NR_CLASSIC_ENTRIES DMIO_ENTRY_IO_SYNC

/* One CPU's share of the counters in debugfs dmio/calls. */
struct dmio_stats {
	unsigned long calls[DMIO_NR_ENTRIES];
	unsigned long bios;		/* issued */
	u64 bytes;			/* of those bios */
	unsigned long failed;		/* calls that completed with error bits */
	unsigned long refused;		/* calls refused (no callback, no bits) */
};

DECLARE_PER_CPU(struct dmio_stats, dmio_stats);

DECLARE_TRACEPOINT(dmio_call_issue);
DECLARE_TRACEPOINT(dmio_call_done);

/*
 * Traces a call's issue (@client: the classic face's owner or the modern
 * face's client; @caller: the return address into the caller; @rw: the
 * kernel's blk_opf_t as the caller passed it) and returns its trace id.
 */
u64 dmio_trace_issue(enum dmio_entry entry, const void *client,
		     unsigned long caller, unsigned int num_regions,
		     const struct dmio_region *where, unsigned int rw);
int dmio_call_refused(u64 trace_id, int error);
/* Names a new client in debugfs after the module whose code is at @caller. */
void dmio_pools_name_caller(struct dmio_pools *pools, const void *key,
			    bool modern, unsigned long caller);

/* Is either of dmio's events enabled?  A no-op jump each while not. */
static inline bool dmio_tracing(void)
{
	return tracepoint_enabled(dmio_call_issue) ||
	       tracepoint_enabled(dmio_call_done);
}

static inline void dmio_count_call(enum dmio_entry entry)
{
	this_cpu_inc(dmio_stats.calls[entry]);
}

/**
 * dmio_call_end() - account for what an entry point returned
 * @trace_id: from dmio_trace_issue(), or 0
 * @r: the return value
 *
 * A call that completed was accounted for by dmio_call_done(); one that was
 * refused (neither 0 nor a sync call's -EIO) is accounted for here.
 *
 * Return: @r.
 */
static inline int dmio_call_end(u64 trace_id, int r)
{
	if (unlikely(r && r != -EIO))
		return dmio_call_refused(trace_id, r);
	return r;
}

#endif /* _DMIO_STATS_H */
