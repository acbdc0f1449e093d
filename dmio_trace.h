/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmio's tracepoints: a call's issue and its completion, paired by id, so
 * that per-call latency, sizes and failures can be seen with trace-cmd,
 * perf or bpftrace (README, "Observability").  The op and flags are the
 * core's encoding (shim.h), the same on every kernel dmio supports.
 *
 * Defined in dmio_shim.c; the KUnit module includes this header to attach
 * probes of its own.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dmio

#if !defined(_DMIO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DMIO_TRACE_H

#include <linux/tracepoint.h>

#include "dmio_stats.h"

TRACE_DEFINE_ENUM(DMIO_ENTRY_SYNC);
TRACE_DEFINE_ENUM(DMIO_ENTRY_ASYNC);
TRACE_DEFINE_ENUM(DMIO_ENTRY_SYNC_BVEC);
TRACE_DEFINE_ENUM(DMIO_ENTRY_ASYNC_BVEC);
TRACE_DEFINE_ENUM(DMIO_ENTRY_SYNC_VM);
TRACE_DEFINE_ENUM(DMIO_ENTRY_ASYNC_VM);
TRACE_DEFINE_ENUM(DMIO_ENTRY_IO_SYNC);
TRACE_DEFINE_ENUM(DMIO_ENTRY_IO_ASYNC);

/*
 * A call entered dmio, before it is checked: a call that is then refused
 * has a dmio_call_done with its error.  @bytes is the largest region's
 * (what each region's data comes from), @client the classic face's owner
 * key (its module) or the modern face's dm_io_client, @caller the return
 * address into the caller.
 */
TRACE_EVENT(dmio_call_issue,
	TP_PROTO(u64 id, unsigned int entry_point, const void *client,
		 unsigned long caller, unsigned int op, unsigned int flags,
		 unsigned int regions, u64 bytes),
	TP_ARGS(id, entry_point, client, caller, op, flags, regions, bytes),
	TP_STRUCT__entry(
		__field(u64, id)
		__field(u64, bytes)
		__field(const void *, client)
		__field(unsigned long, caller)
		__field(unsigned int, entry_point)
		__field(unsigned int, op)
		__field(unsigned int, flags)
		__field(unsigned int, regions)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->bytes = bytes;
		__entry->client = client;
		__entry->caller = caller;
		__entry->entry_point = entry_point;
		__entry->op = op;
		__entry->flags = flags;
		__entry->regions = regions;
	),
	TP_printk("id=%llu %s op=%s flags=%s regions=%u bytes=%llu client=%p caller=%pS",
		  __entry->id,
		  __print_symbolic(__entry->entry_point,
				   { DMIO_ENTRY_SYNC, "dm_io_sync" },
				   { DMIO_ENTRY_ASYNC, "dm_io_async" },
				   { DMIO_ENTRY_SYNC_BVEC, "dm_io_sync_bvec" },
				   { DMIO_ENTRY_ASYNC_BVEC, "dm_io_async_bvec" },
				   { DMIO_ENTRY_SYNC_VM, "dm_io_sync_vm" },
				   { DMIO_ENTRY_ASYNC_VM, "dm_io_async_vm" },
				   { DMIO_ENTRY_IO_SYNC, "dmio_io_sync" },
				   { DMIO_ENTRY_IO_ASYNC, "dmio_io_async" }),
		  __print_symbolic(__entry->op,
				   { DMIO_OP_READ, "read" },
				   { DMIO_OP_WRITE, "write" },
				   { DMIO_OP_DISCARD, "discard" },
				   { DMIO_OP_WRITE_ZEROES, "write_zeroes" }),
		  __print_flags(__entry->flags, "|",
				{ DMIO_REQ_SYNC, "SYNC" },
				{ DMIO_REQ_META, "META" },
				{ DMIO_REQ_PRIO, "PRIO" },
				{ DMIO_REQ_IDLE, "IDLE" },
				{ DMIO_REQ_FUA, "FUA" },
				{ DMIO_REQ_PREFLUSH, "PREFLUSH" },
				{ DMIO_REQ_RAHEAD, "RAHEAD" },
				{ DMIO_REQ_BACKGROUND, "BACKGROUND" },
				{ DMIO_REQ_NOUNMAP, "NOUNMAP" },
				{ DMIO_REQ_UNKNOWN, "UNKNOWN" }),
		  __entry->regions, __entry->bytes, __entry->client,
		  (void *)__entry->caller)
);

/*
 * A call is done: where its callback is about to run (its last bio's
 * completion, often in interrupt context) with @error_bits, or, with
 * @error, refused before any I/O.
 */
TRACE_EVENT(dmio_call_done,
	TP_PROTO(u64 id, unsigned long error_bits, int error),
	TP_ARGS(id, error_bits, error),
	TP_STRUCT__entry(
		__field(u64, id)
		__field(unsigned long, error_bits)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->error_bits = error_bits;
		__entry->error = error;
	),
	TP_printk("id=%llu error_bits=%#lx error=%d",
		  __entry->id, __entry->error_bits, __entry->error)
);

#endif /* _DMIO_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src) (Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE dmio_trace
#include <trace/define_trace.h>
