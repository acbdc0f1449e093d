// SPDX-License-Identifier: GPL-2.0
//
// dmio_core.cpp - the request engine.
//
// A call becomes one Request: validate everything, then walk the buffer
// once, building bios for the region with the most data - each as large as
// one vector table and every region's device limits allow, cut on block
// boundaries - and giving each of them to the other regions (the shim
// copies a small bio's few vectors, clones a larger one's table: the pages
// are shared, no data is copied), count completions, set error bits,
// notify once.  Unlike drivers/md/dm-io.c there are no per-page indirect calls:
// each buffer kind is a cursor type the walk is instantiated for.

#include <dmio/ktl.h>

#include "dmio_mempool.h"

namespace dmio {
namespace {

using ktl::MemoryOrder;

// Lengths in 512-byte sectors and in bytes, kept apart by type.
struct Bytes {
  unsigned long long n;
};

struct Sectors {
  dmio_sector_t n;
  constexpr Bytes bytes() const { return {n << DMIO_SECTOR_SHIFT}; }
  static constexpr Sectors of(Bytes b) { return {b.n >> DMIO_SECTOR_SHIFT}; }
};

// Which entry of the caller's region array a bio belongs to: its error bit.
struct RegionIndex {
  unsigned int i;
  constexpr unsigned long bit() const { return 1UL << i; }
};

// Hints a target forwards from its own bios; each means something to some
// ops only and is dropped from the others.
constexpr unsigned int kHints =
    DMIO_REQ_IDLE | DMIO_REQ_BACKGROUND | DMIO_REQ_RAHEAD | DMIO_REQ_NOUNMAP;
constexpr unsigned int kAllowedFlags =
    DMIO_REQ_SYNC | DMIO_REQ_META | DMIO_REQ_PRIO | DMIO_REQ_FUA | DMIO_REQ_PREFLUSH | kHints;
constexpr unsigned int kWriteOnlyFlags = DMIO_REQ_FUA | DMIO_REQ_PREFLUSH;

constexpr unsigned int hints_dropped_for(unsigned int op) {
  return (op == DMIO_OP_READ ? 0 : DMIO_REQ_RAHEAD) |
         (op == DMIO_OP_WRITE_ZEROES ? 0 : DMIO_REQ_NOUNMAP);
}
// What a full vector table holds when every entry is a whole page.
constexpr Bytes kFullTable = {1ULL * DMIO_BIO_MAX_VECS * DMIO_PAGE_SIZE};
// bi_size is 32 bits; data-less ops are split below it.
constexpr Bytes kMaxBioBytes = {0xffffffffULL};

class Request;

// A synchronous caller, waiting in its own task.  The last completion only
// wakes it, and it ends the call itself (Request::end): the call's first
// bio is then freed in task context, where every kernel's per-CPU bio
// cache takes it back.
struct Waiter {
  dmio_completion woken;
  Request *to_end = nullptr;  // set as it is woken
  unsigned long bits = 0;
  bool told = false;  // the call is over (at once, if it issued no bio)
};

// Whom to tell when a call is done - a callback, or (fn == nullptr) the
// Waiter in context - and the vmalloc'd read buffer (if any) whose cache
// aliases must be dropped first.
struct Notify {
  dmio_notify_fn fn;
  void *context;
  void *invalidate;
  unsigned long invalidate_bytes;
  unsigned long long trace_id;  // 0: the call is not traced
};

// The shim counts failed calls and traces completions; a call that did
// neither is not worth a call into it.
inline void tell(const Notify &notify, unsigned long bits) {
  if (notify.trace_id | bits) dmio_call_done(notify.trace_id, bits);
  if (notify.fn) return notify.fn(bits, notify.context);
  auto *w = static_cast<Waiter *>(notify.context);
  w->bits = bits;
  w->told = true;
}

// One call in flight.  Lives in the front pad of the call's first bio (no
// allocation of its own), holding a reference that keeps that bio's memory
// until the last bio is done; freed before the caller is notified.  The
// callback runs where the last bio completed, often in interrupt context:
// it must not sleep, so it may not make a call itself (calls may sleep);
// it may queue work that does.
class Request {
 public:
  Request(const Notify &notify, struct bio *host) : notify_(notify), host_(host) {}

  // Counts one more bio (or the dispatcher itself) that must finish first.
  void hold() { pending_.fetch_add(1, MemoryOrder::kRelaxed); }

  void fail(unsigned long bits) { error_bits_.fetch_or(bits, MemoryOrder::kRelaxed); }

  void release() {
    // acq_rel: every fail() before a release is seen by whoever finishes.
    if (pending_.fetch_sub(1, MemoryOrder::kAcqRel) == 1) finish();
  }

  // The call is over: its state and first bio are freed, its caller told.
  void end() {
    const unsigned long bits = error_bits_.load(MemoryOrder::kRelaxed);
    const Notify notify = notify_;
    struct bio *const host = host_;

    if (notify.invalidate_bytes) dmio_invalidate_vmap(notify.invalidate, notify.invalidate_bytes);
    this->~Request();
    dmio_bio_put(host);
    tell(notify, bits);
  }

 private:
  void finish() {
    if (notify_.fn) return end();
    auto *w = static_cast<Waiter *>(notify_.context);
    w->to_end = this;
    dmio_complete(&w->woken);
  }

  ktl::Atomic<unsigned int> pending_{1};  // the dispatcher's own hold
  ktl::Atomic<unsigned long> error_bits_{0};
  const Notify notify_;
  struct bio *const host_;
};

static_assert(sizeof(Request) <= DMIO_REQUEST_BYTES && alignof(Request) <= alignof(unsigned long),
              "Request must fit the room the shim leaves in a bio");

// ---- Buffer cursors: where the next bytes of the caller's data live ----

// Pages a piece of memory spans: the block layer's segments for it at
// most (segments are at least a page long and never cross a page badly).
constexpr unsigned long pages_spanned(unsigned long offset, unsigned long len) {
  return ((offset & (DMIO_PAGE_SIZE - 1)) + len + DMIO_PAGE_SIZE - 1) / DMIO_PAGE_SIZE;
}

// A piece of the buffer, within one page for page lists and vmalloc'd
// memory; a bio_vec entry, or a run of linear memory, may span pages.
// page == nullptr: the buffer vanished under the call (see VmallocCursor).
struct Segment {
  struct page *page;
  unsigned int offset;
  unsigned int len;
};

class PageListCursor {
 public:
  // A piece ends its page or the data: the next never continues it.
  static constexpr bool kPiecesJoin = false;
  PageListCursor(const dmio_page_list *pl, unsigned int offset) : pl_(pl), offset_(offset) {}
  Segment peek() const { return {pl_->page, offset_, DMIO_PAGE_SIZE - offset_}; }
  unsigned int offset() const { return offset_; }
  unsigned long long vecs(Bytes want) const { return pages_spanned(offset_, want.n); }
  void advance(unsigned int bytes) {
    offset_ += bytes;
    if (offset_ == DMIO_PAGE_SIZE) {
      pl_ = pl_->next;
      offset_ = 0;
    }
  }

 private:
  const dmio_page_list *pl_;
  unsigned int offset_;
};

class BvecCursor {
 public:
  // Entries may continue one another within a page.
  static constexpr bool kPiecesJoin = true;
  // @done: bytes of the first entry already used (a bio's bi_bvec_done).
  BvecCursor(const dmio_bvec *bv, unsigned int done) : bv_(bv), done_(done) {}
  Segment peek() const { return {bv_->page, bv_->offset + done_, bv_->len - done_}; }
  // A table fills an entry at a time, wherever the data starts in a page.
  unsigned int offset() const { return 0; }
  // The entries @want bytes take, counted up to a full table: a small
  // bio that holds its table inline needs no allocation for it.
  unsigned long long vecs(Bytes want) const {
    unsigned int n = 1;
    for (unsigned long long have = bv_->len - done_; have < want.n && n < DMIO_BIO_MAX_VECS; n++)
      have += bv_[n].len;
    return n;
  }
  void advance(unsigned int bytes) {
    done_ += bytes;
    if (done_ == bv_->len) {
      ++bv_;
      done_ = 0;
    }
  }

 private:
  const dmio_bvec *bv_;
  unsigned int done_;
};

// Page offset of a kernel virtual address.
inline unsigned int page_offset(const char *addr) {
  return reinterpret_cast<unsigned long>(addr) & (DMIO_PAGE_SIZE - 1);
}

// Linear-map memory: its pages follow from the address alone, and are
// contiguous - one piece, however many pages it spans.
class LinearCursor {
 public:
  static constexpr bool kPiecesJoin = false;  // one piece
  explicit LinearCursor(const char *addr) : addr_(addr) {}
  Segment peek() const {
    return {dmio_virt_to_page(addr_), offset(), static_cast<unsigned int>(kFullTable.n)};
  }
  unsigned int offset() const { return page_offset(addr_); }
  unsigned long long vecs(Bytes) const { return 1; }
  void advance(unsigned int bytes) { addr_ += bytes; }

 private:
  const char *addr_;
};

// vmalloc'd memory: its pages are looked up in the page tables, a batch at
// a time (one descent per batch, not per page), and never past its end.
class VmallocCursor {
 public:
  static constexpr bool kPiecesJoin = false;  // a piece ends its page
  VmallocCursor(const char *addr, Bytes len)
      : addr_(addr),
        pages_left_((page_offset(addr) + len.n + DMIO_PAGE_SIZE - 1) / DMIO_PAGE_SIZE) {}
  Segment peek() {
    if (next_ == batch_size_) refill();
    return {batch_[next_], offset(), DMIO_PAGE_SIZE - offset()};
  }
  unsigned int offset() const { return page_offset(addr_); }
  unsigned long long vecs(Bytes want) const { return pages_spanned(offset(), want.n); }
  void advance(unsigned int bytes) {
    if (offset() + bytes == DMIO_PAGE_SIZE) next_++;
    addr_ += bytes;
  }

 private:
  // Validation found every page of the buffer mapped: an empty batch means
  // the caller unmapped it under us, and no page is safe to do I/O to.
  void refill() {
    const unsigned long want = ktl::min<unsigned long long>(kBatch, pages_left_);
    batch_size_ = dmio_vmalloc_pages(addr_, want, batch_);
    if (!batch_size_) batch_[0] = nullptr;  // peek() reports it
    pages_left_ -= batch_size_;
    next_ = 0;
  }

  static constexpr unsigned int kBatch = 16;
  const char *addr_;
  unsigned long long pages_left_;
  struct page *batch_[kBatch];
  unsigned int batch_size_ = 0;
  unsigned int next_ = 0;
};

// ---- Validation: everything is checked before the first bio exists ----

struct Call {
  unsigned int num_regions;
  const dmio_region *where;
  unsigned int op;
  unsigned int flags;
  const dmio_buffer *buf;
  // The modern face keeps dm_io()'s promises: a call the kernel's dm-io
  // would carry out is never refused - a region it would send to the
  // block layer only to fail there fails here, unissued - no regions is
  // a call that completes at once, and a region with nothing to do (count
  // 0, no flush) is not looked at.
  bool dm_io_semantics = false;
  unsigned short ioprio = 0;
  unsigned long long trace_id = 0;
};

constexpr bool is_data_op(unsigned int op) { return op == DMIO_OP_READ || op == DMIO_OP_WRITE; }

int refuse(const char *why) {
  dmio_reject("%s", why);
  return -DMIO_EINVAL;
}

// What one bio of the call may be, so that every region's device takes
// its copy without a split the 6.1 block layer cannot make (a split point
// that rounds down to no whole block is a BUG() in bio_split()).
struct Limits {
  unsigned int block = 512;         // largest logical block size
  unsigned int dma_mask = 0;        // union of the dma alignments
  unsigned int max_segments = ~0U;  // smallest segment limit, of devices with blocks > 512 bytes
  unsigned long virt_boundary = 0;  // union of their virt boundary masks

  void add(const dmio_limits &l) {
    block = ktl::max(block, l.logical_block_size);
    dma_mask |= l.dma_alignment;
    // A device with 512-byte blocks splits a bio at any piece boundary
    // safely: its segment limits are its own business.
    if (l.logical_block_size <= (1U << DMIO_SECTOR_SHIFT)) return;
    max_segments = ktl::min(max_segments, l.max_segments);
    virt_boundary |= l.virt_boundary;
  }
  // A split inside a block is possible only with blocks larger than the
  // 512-byte pieces every buffer is made of.
  bool blocks_span_pieces() const { return block > (1U << DMIO_SECTOR_SHIFT); }
  // Would a bio_vec entry at @offset after one ending at @prev_end leave
  // a gap the device cannot take in one segment list?
  bool gap(unsigned long prev_end, unsigned long offset) const {
    return (offset | prev_end) & virt_boundary;
  }
};

// Everything about a call that validation learns and dispatch needs.
struct Plan {
  Sectors longest{0};        // data to move: the largest region
  Limits lim;                // of the regions with data
  unsigned long failed = 0;  // regions failed unissued (dm_io_semantics)
};

// A region no bio can be issued for: the call is refused - or, under
// dm_io_semantics, the region fails alone, unissued, as dm-io's bio for it
// would fail in the block layer.
template <class... Args>
int bad_region(const Call &c, Plan *plan, RegionIndex r, const char *fmt, Args... args) {
  if (!c.dm_io_semantics) {
    dmio_reject(fmt, args...);
    return -DMIO_EINVAL;
  }
  dmio_region_failed(fmt, args...);
  plan->failed |= r.bit();
  return 0;
}

int check_regions(const Call &c, Plan *plan) {
  for (unsigned int i = 0; i < c.num_regions; i++) {
    const dmio_region &r = c.where[i];
    if (c.dm_io_semantics && !r.count && !(c.flags & DMIO_REQ_PREFLUSH)) continue;
    if (!r.bdev) {
      dmio_reject("region %u has no block device", i);
      return -DMIO_EINVAL;
    }
    // dm-io's empty flush has no sectors to be misplaced.
    if (c.dm_io_semantics && !r.count) continue;
    dmio_limits lim __uninitialized;  // the shim fills it
    dmio_bdev_limits(r.bdev, &lim);
    const dmio_sector_t lbs_sectors = lim.logical_block_size >> DMIO_SECTOR_SHIFT;
    if ((r.sector | r.count) & (lbs_sectors - 1)) {
      if (int e = bad_region(c, plan, {i},
                             "region %u (sector %llu, count %llu) is not aligned to its %u-byte "
                             "blocks",
                             i, r.sector, r.count, lim.logical_block_size))
        return e;
      continue;
    }
    const dmio_sector_t size = lim.sectors;
    if (r.sector > size || r.count > size - r.sector) {
      if (int e = bad_region(c, plan, {i},
                             "region %u (sector %llu, count %llu) ends past its device (%llu "
                             "sectors)",
                             i, r.sector, r.count, size))
        return e;
      continue;
    }
    if (!r.count) continue;
    plan->longest = {ktl::max(plan->longest.n, r.count)};
    plan->lim.add(lim);
  }
  return 0;
}

// Can every block of a bio_vec array be carried by one bio, within the
// segment and virt boundary limits?  Only a question when blocks are
// larger than the 512-byte pieces; the Dispatcher cuts bios so that "yes"
// is all it needs.  Entries are taken a page at a time: a segment each.
class BlockCheck {
 public:
  explicit BlockCheck(const Limits &lim) : lim_(lim) {}

  bool add(const dmio_bvec &bv, unsigned long long used) {
    for (unsigned long offset = bv.offset; used;) {
      const unsigned long len =
          ktl::min<unsigned long long>(used, DMIO_PAGE_SIZE - (offset & (DMIO_PAGE_SIZE - 1)));
      if (!add_piece(offset, len)) return false;
      offset += len;
      used -= len;
    }
    return true;
  }

 private:
  bool add_piece(unsigned long offset, unsigned long len) {
    const bool mid_block = at_ & (lim_.block - 1);
    if (mid_block && lim_.gap(prev_end_, offset)) return false;
    segments_ = mid_block ? segments_ + 1 : 1;
    if (segments_ > lim_.max_segments) return false;
    at_ += len;
    // A block the piece ends inside starts with the piece.
    if (at_ / lim_.block != (at_ - len) / lim_.block) segments_ = 1;
    prev_end_ = offset + len;
    return true;
  }

  const Limits &lim_;
  unsigned long long at_ = 0;
  unsigned long prev_end_ = 0;
  unsigned int segments_ = 0;
};

// Data must start on a sector boundary (and the devices' dma alignment).
int check_buffer(const dmio_buffer &buf, const Plan &plan) {
  const Limits &lim = plan.lim;
  const unsigned int dma_mask = lim.dma_mask | ((1U << DMIO_SECTOR_SHIFT) - 1);
  // A block across two pages is two segments.
  const auto straddles = [&](unsigned long start) {
    return lim.blocks_span_pieces() && (start & (lim.block - 1)) && lim.max_segments < 2;
  };
  Bytes need = plan.longest.bytes();
  if (buf.bounded && need.n > buf.bytes)
    return refuse("the buffer holds less than the largest region");
  switch (buf.kind) {
    case DMIO_BUFFER_PAGE_LIST: {
      if (buf.offset & dma_mask) return refuse("page offset breaks the devices' dma alignment");
      if (straddles(buf.offset)) return refuse("a block across two pages exceeds max_segments");
      const dmio_page_list *pl = buf.pl;
      for (unsigned long pages = pages_spanned(buf.offset, need.n); pages; pages--, pl = pl->next) {
        if (!pl) return refuse("page list is shorter than the largest region");
        if (!pl->page) return refuse("page list holds a NULL page");
      }
      return 0;
    }
    case DMIO_BUFFER_BVEC: {
      if (!buf.bvec) return refuse("bio_vec array is NULL");
      BlockCheck blocks(lim);
      unsigned int done = buf.offset;
      for (const dmio_bvec *bv = buf.bvec; need.n; bv++, done = 0) {
        if (!bv->page || bv->len <= done) return refuse("bio_vec array holds an empty entry");
        const dmio_bvec rest = {bv->page, bv->len - done, bv->offset + done};
        if ((rest.offset | rest.len) & dma_mask)
          return refuse("bio_vec entry breaks 512-byte or the devices' dma alignment");
        const unsigned long long used = ktl::min<unsigned long long>(need.n, rest.len);
        if (lim.blocks_span_pieces() && !blocks.add(rest, used)) {
          dmio_reject("bio_vec entries make a %u-byte block no bio can carry (%u segments)",
                      lim.block, lim.max_segments);
          return -DMIO_EINVAL;
        }
        need.n -= used;
      }
      return 0;
    }
    case DMIO_BUFFER_VM: {
      const unsigned long start = reinterpret_cast<unsigned long>(buf.vm);
      if (!start) return refuse("data pointer is NULL");
      if (start & dma_mask) return refuse("data pointer breaks the devices' dma alignment");
      if (straddles(start)) return refuse("a block across two pages exceeds max_segments");
      if (need.n > ~0UL - start) return refuse("data wraps around the address space");
      const unsigned long last = start + need.n - 1;
      const void *end = reinterpret_cast<const void *>(last);
      // The linear map is contiguous; a vmalloc range may hold holes.
      if (dmio_is_linear(buf.vm) && dmio_is_linear(end)) return 0;
      const unsigned long pages = last / DMIO_PAGE_SIZE - start / DMIO_PAGE_SIZE + 1;
      if (!dmio_is_vmalloc(buf.vm) || !dmio_is_vmalloc(end) ||
          dmio_vmalloc_pages(buf.vm, pages, nullptr) != pages)
        return refuse("data is neither vmalloc'd nor linear RAM");
      // An ioremap area ends with an unmapped guard page, so a range with
      // no hole that holds any of its pages ends inside it: checking the
      // last page (and the first) finds MMIO without a check per page.
      if (!dmio_vmalloc_is_ram(buf.vm) || !dmio_vmalloc_is_ram(end))
        return refuse("data is not RAM (ioremap'd?)");
      return 0;
    }
  }
  return refuse("unknown buffer kind");
}

int validate(const Call &c, Plan *plan) {
  if (c.dm_io_semantics && c.num_regions == 0) return 0;
  if (c.num_regions == 0 || c.num_regions > DMIO_MAX_REGIONS) {
    dmio_reject("%u regions (allowed: 1 to %u)", c.num_regions, DMIO_MAX_REGIONS);
    return -DMIO_EINVAL;
  }
  if (!c.where) return refuse("region array is NULL");
  if (c.op != DMIO_OP_READ && c.op != DMIO_OP_WRITE && c.op != DMIO_OP_DISCARD &&
      c.op != DMIO_OP_WRITE_ZEROES) {
    dmio_reject("operation %u is not read, write, discard or write-zeroes", c.op);
    return -DMIO_EINVAL;
  }
  if (c.flags & ~kAllowedFlags) {
    dmio_reject("unsupported request flags %#x", c.flags & ~kAllowedFlags);
    return -DMIO_EINVAL;
  }
  if ((c.flags & kWriteOnlyFlags) && c.op != DMIO_OP_WRITE)
    return refuse("REQ_FUA and REQ_PREFLUSH are for writes only");
  if (c.op == DMIO_OP_READ && c.num_regions > 1) return refuse("a read takes exactly one region");
  if (int r = check_regions(c, plan)) return r;
  if (!is_data_op(c.op)) return 0;
  // A bad offset is refused even when there is no data to move.
  if (c.buf->kind == DMIO_BUFFER_PAGE_LIST && c.buf->offset >= DMIO_PAGE_SIZE)
    return refuse("page offset is not inside the first page");
  return plan->longest.n ? check_buffer(*c.buf, *plan) : 0;
}

// ---- Dispatch ----

// Warned once per boot: a caller that unmaps its buffer during the I/O.
constinit ktl::Atomic<bool> warned_unmapped{false};

class Dispatcher {
 public:
  Dispatcher(dmio_pools *pools, const Call &c, const Plan &plan, const Notify &notify)
      : pools_(pools),
        c_(c),
        plan_(plan),
        notify_(notify),
        opf_(c.op | (c.flags & ~hints_dropped_for(c.op))),
        failed_(plan.failed) {}

  void run() {
    issue_all();
    // No bio at all (empty regions, or devices without the op): done now.
    if (!req_) return tell(notify_, failed_);
    if (failed_) req_->fail(failed_);
    req_->release();
  }

 private:
  void issue_all() {
    for (unsigned int i = 0; (opf_ & DMIO_REQ_PREFLUSH) && i < c_.num_regions; i++) {
      if (!c_.where[i].count && live({i})) empty_flush({i});
    }
    if (is_data_op(c_.op)) {
      if (plan_.longest.n) walk_buffer();
    } else {
      for (unsigned int i = 0; i < c_.num_regions; i++)
        if (c_.where[i].count && live({i})) dataless({i});
    }
    plug_.finish();
  }

  // Holds back a call's bios from its second chunk on, so that a device
  // gets them as one batch (one doorbell; its scheduler may merge them).
  // Most calls are one chunk, and a plug around a single bio costs a
  // detour through the plug list for nothing.
  class LazyPlug {
   public:
    LazyPlug() = default;
    LazyPlug(const LazyPlug &) = delete;
    LazyPlug &operator=(const LazyPlug &) = delete;
    ~LazyPlug() { finish(); }
    void start() {
      if (started_) return;
      dmio_plug_start(&plug_);
      started_ = true;
    }
    void finish() {
      if (started_) dmio_plug_finish(&plug_);
      started_ = false;
    }

   private:
    dmio_plug plug_;
    bool started_ = false;
  };

  // Not failed by validation (dm_io_semantics): its bios are issued.
  bool live(RegionIndex r) const { return !(plan_.failed & r.bit()); }

  // Forward progress.  A call takes bios from three pools, always in this
  // order: its first bio (DMIO_POOL_CALLS), which holds the call's state
  // and is pinned until the call ends; later bios (DMIO_POOL_CHUNKS), each
  // submitted before the next is allocated; clones (DMIO_POOL_CLONES),
  // each submitted at once, while their chunk's leader is held unsubmitted.
  // So a call waiting on a pool holds no element of that pool that only
  // its own progress would free - just elements of earlier pools, and
  // bios in flight, which complete without any pool of this client - and
  // every pool keeps at least one element: with the slab failing, every
  // waiter is eventually served from the reserves, however many calls
  // wait.  (Inside a bio submission, our bios in flight may still sit on
  // current->bio_list; the shim hands them to the client's rescuer before
  // waiting.)
  struct bio *alloc(const dmio_region &where, RegionIndex r, unsigned int vecs,
                    dmio_sector_t sector, unsigned int opf) {
    struct bio *bio;
    if (req_) {
      bio = dmio_bio_alloc(pools_, where.bdev, vecs, opf, sector, req_, r.i);
    } else {
      bio = dmio_bio_alloc_call(pools_, where.bdev, vecs, opf, sector, r.i);
      req_ = new (dmio_bio_request(bio)) Request(notify_, bio);
    }
    // Clones inherit it from their source.
    if (c_.ioprio) dmio_bio_set_ioprio(bio, c_.ioprio);
    return bio;
  }

  void submit(struct bio *bio) {
    req_->hold();
    dmio_bio_submit(bio);
  }

  // No data for FUA to apply to: on a device that emulates FUA it would
  // only add a second flush.
  void empty_flush(RegionIndex r) {
    const dmio_region &where = c_.where[r.i];
    submit(alloc(where, r, 0, where.sector, opf_ & ~DMIO_REQ_FUA));
  }

  // Discard and write-zeroes: no data, split to what the device takes.
  void dataless(RegionIndex r) {
    const dmio_region &where = c_.where[r.i];
    const unsigned int block = dmio_bdev_logical_block_size(where.bdev) >> DMIO_SECTOR_SHIFT;
    const dmio_sector_t max = ktl::round_down<dmio_sector_t>(
        ktl::min<dmio_sector_t>(dmio_bdev_max_sectors(where.bdev, c_.op),
                                Sectors::of(kMaxBioBytes).n),
        block);
    if (!max) {
      failed_ |= r.bit();  // the device does not support the op
      return;
    }
    for (dmio_sector_t done = 0; done < where.count;) {
      if (done) plug_.start();
      const dmio_sector_t n = ktl::min(max, where.count - done);
      struct bio *bio = alloc(where, r, 0, where.sector + done, opf_);
      dmio_bio_set_size(bio, Sectors{n}.bytes().n);
      submit(bio);
      done += n;
    }
  }

  void walk_buffer() {
    const dmio_buffer &buf = *c_.buf;
    switch (buf.kind) {
      case DMIO_BUFFER_PAGE_LIST:
        return walk(PageListCursor(buf.pl, buf.offset));
      case DMIO_BUFFER_BVEC:
        return walk(BvecCursor(buf.bvec, buf.offset));
      case DMIO_BUFFER_VM:
        if (dmio_is_vmalloc(buf.vm))
          return walk(VmallocCursor(static_cast<const char *>(buf.vm), plan_.longest.bytes()));
        return walk(LinearCursor(static_cast<const char *>(buf.vm)));
    }
  }

  // The longest region leads: its bios are built from the buffer, and
  // every other region gets a clone (or copy) of each, trimmed where it is
  // shorter.
  // REQ_PREFLUSH and REQ_FUA go on every bio, as in dm-io: each bio's
  // flush precedes its data, so the flush precedes all of the call's data.
  template <class Cursor>
  void walk(Cursor cursor) {
    RegionIndex lead{0};
    while (!live(lead) || c_.where[lead.i].count != plan_.longest.n) lead.i++;

    const dmio_region &leader = c_.where[lead.i];
    for (Sectors at{0}; at.n < leader.count;) {
      // As much as one vector table is sure to hold from the cursor's
      // page offset, ending on a block boundary of every region (but for
      // the last chunk, which ends with the leader).
      const Bytes rest = Sectors{leader.count - at.n}.bytes();
      const Bytes room = {
          ktl::round_down<unsigned long long>(kFullTable.n - cursor.offset(), plan_.lim.block)};
      const Bytes want = {ktl::min(rest.n, room.n)};
      const unsigned int vecs = max_vecs(cursor.vecs(want));
      struct bio *bio = alloc(leader, lead, vecs, leader.sector + at.n, opf_);
      const Sectors got = Sectors::of(fill(bio, cursor, want, vecs));
      if (!got.n) {
        // The buffer is gone (fill() warned), or - a bug - not even one
        // block fitted: nothing more can be issued.
        if (!cursor_lost_) dmio_warn("no block fits a bio (%u-byte blocks)", plan_.lim.block);
        dmio_bio_put(bio);
        fail_from(at);
        return;
      }

      // From the second chunk on, when another follows: a plug that
      // would hold one bio is a detour for nothing.
      if (at.n && at.n + got.n < leader.count) plug_.start();

      // Clone (or copy) before the leader is submitted: a fast device may
      // complete and advance it inside submit.
      for (unsigned int i = 0; i < c_.num_regions; i++) {
        const dmio_region &where = c_.where[i];
        if (i == lead.i || where.count <= at.n || !live({i})) continue;
        struct bio *clone =
            dmio_bio_clone(pools_, bio, where.bdev, opf_, where.sector + at.n, req_, i);
        if (where.count - at.n < got.n)
          dmio_bio_set_size(clone, Sectors{where.count - at.n}.bytes().n);
        submit(clone);
      }
      submit(bio);
      at.n += got.n;
      if (got.n < want.n && cursor_lost_) {
        fail_from(at);
        return;
      }
    }
  }

  // Every region with data at or past @at fails: its bios cannot be built.
  void fail_from(Sectors at) {
    for (unsigned int i = 0; i < c_.num_regions; i++)
      if (c_.where[i].count > at.n) failed_ |= RegionIndex{i}.bit();
  }

  // A bio's vector table: what the cursor says its data needs, and no
  // more than the devices take as segments.
  unsigned int max_vecs(unsigned long long vecs) const {
    const unsigned int table = plan_.lim.blocks_span_pieces()
                                   ? ktl::min(DMIO_BIO_MAX_VECS, plan_.lim.max_segments)
                                   : DMIO_BIO_MAX_VECS;
    return ktl::min<unsigned long long>(table, vecs);
  }

  // Adds up to @want bytes of the buffer to @bio, whose table holds
  // @vecs entries; fewer if the table or the devices' segment limits
  // (max_segments, virt boundary) end it first.  Either way the bio ends
  // on a block boundary: when blocks are larger than the buffer's pieces,
  // a bio that must end inside a block is cut back to the last boundary
  // and the cursor with it.
  template <class Cursor>
  Bytes fill(struct bio *bio, Cursor &cursor, Bytes want, unsigned int vecs) {
    if (!plan_.lim.blocks_span_pieces()) return fill_pieces(bio, cursor, want, vecs);
    return fill_blocks(bio, cursor, want);
  }

  // Blocks no larger than the pieces: every piece ends on a block
  // boundary, so wherever the table fills, or the block layer later splits
  // for its segment limits, the cut is a block boundary.  A piece that
  // continues the last one in its page extends it, as bio_add_page()
  // would (an entry a page can hold is one segment, without the gaps a
  // virt boundary splits at); any other is an entry of its own (the cursor
  // counted them), added without bio_add_page()'s search for a merge
  // across pages, which would cost more than it finds: page lists and
  // vmalloc'd memory are seldom contiguous, and linear memory comes from
  // its cursor as one piece.
  template <class Cursor>
  Bytes fill_pieces(struct bio *bio, Cursor &cursor, Bytes want, unsigned int vecs) {
    Segment run{nullptr, 0, 0};  // not added yet: the next piece may extend it
    Bytes added{0};
    while (added.n < want.n) {
      const Segment s = cursor.peek();
      if (!s.page) {
        lost_buffer();
        break;
      }
      const unsigned int len = ktl::min<unsigned long long>(s.len, want.n - added.n);
      if (Cursor::kPiecesJoin && s.page == run.page && s.offset == run.offset + run.len) {
        run.len += len;
      } else {
        if (!vecs) break;
        vecs--;
        if (run.page) dmio_bio_add_piece(bio, run.page, run.len, run.offset);
        run = {s.page, s.offset, len};
      }
      cursor.advance(len);
      added.n += len;
    }
    if (run.page) dmio_bio_add_piece(bio, run.page, run.len, run.offset);
    return added;
  }

  // Blocks larger than the pieces: the bio keeps within every device's
  // segment limits itself (a split the block layer made could fall inside
  // a block) and is cut back to the last block boundary it holds.
  template <class Cursor>
  Bytes fill_blocks(struct bio *bio, Cursor &cursor, Bytes want) {
    const Limits &lim = plan_.lim;
    Cursor at_block = cursor;
    Bytes added{0}, added_at_block{0};
    unsigned long segments = 0, prev_end = 0;
    while (added.n < want.n && segments < lim.max_segments) {
      const Segment s = cursor.peek();
      if (!s.page) {
        lost_buffer();
        break;
      }
      if (added.n && lim.gap(prev_end, s.offset)) break;
      // As much of the piece as the segments left can carry, a page each.
      const unsigned long fits =
          (lim.max_segments - segments) * DMIO_PAGE_SIZE - (s.offset & (DMIO_PAGE_SIZE - 1));
      const unsigned int len =
          ktl::min<unsigned long long>(ktl::min<unsigned long long>(s.len, fits), want.n - added.n);
      if (!dmio_bio_add_page(bio, s.page, len, s.offset)) break;
      segments += pages_spanned(s.offset, len);
      // The last block boundary so far, inside this piece or at its end.
      const unsigned long long boundary = ktl::round_down(added.n + len, 1ULL * lim.block);
      if (boundary > added.n) {
        at_block = cursor;
        at_block.advance(boundary - added.n);
        added_at_block = {boundary};
      }
      cursor.advance(len);
      added.n += len;
      prev_end = s.offset + len;
    }
    if ((added.n & (lim.block - 1)) && added.n < want.n) {
      // validate() made sure the bio's first block fits it: the cut
      // leaves at least that block.
      dmio_bio_set_size(bio, added_at_block.n);
      cursor = at_block;
      added = added_at_block;
    }
    return added;
  }

  void lost_buffer() {
    if (!warned_unmapped.load(ktl::MemoryOrder::kRelaxed)) {
      warned_unmapped.store(true, ktl::MemoryOrder::kRelaxed);
      dmio_warn("a vmalloc buffer was unmapped during its I/O; failing the rest of the call");
    }
    cursor_lost_ = true;
  }

  dmio_pools *const pools_;
  const Call &c_;
  const Plan &plan_;
  const Notify &notify_;
  const unsigned int opf_;
  LazyPlug plug_;
  Request *req_ = nullptr;    // made with the first bio
  unsigned long failed_;      // regions failed before any bio of theirs
  bool cursor_lost_ = false;  // the buffer vanished mid-call
};

// @fn == nullptr: @context is the Waiter of a synchronous call.
int issue(Client *client, const Call &c, dmio_notify_fn fn, void *context) {
  dmio_might_sleep();
  Plan plan;
  if (int r = validate(c, &plan)) return r;
  if (!client) {
    dmio_reject("the calling module has no dmio client");
    return -DMIO_EINVAL;
  }

  // A vmalloc'd read must not leave stale lines in the vmap alias.
  void *vm = c.buf && c.buf->kind == DMIO_BUFFER_VM && is_data_op(c.op) ? c.buf->vm : nullptr;
  const unsigned long vm_bytes = vm ? plan.longest.bytes().n : 0;
  if (vm_bytes) dmio_flush_vmap(vm, vm_bytes);

  const bool read = c.op == DMIO_OP_READ;
  const Notify notify = {fn, context, read ? vm : nullptr, read ? vm_bytes : 0, c.trace_id};
  // Its plug's storage is written only if the plug is started.
  Dispatcher dispatcher __uninitialized{client->pools(), c, plan, notify};
  dispatcher.run();
  return 0;
}

Call make_call(unsigned int num_regions, const dmio_region *where, unsigned int opf,
               const dmio_buffer *buf, unsigned long long trace_id) {
  Call c = {num_regions, where, opf & DMIO_OP_MASK, opf & ~DMIO_OP_MASK, buf};
  c.trace_id = trace_id;
  return c;
}

// *error_bits, when asked for, is written - 0 for a refused call, but for
// the modern face, which leaves it alone then, as dm-io does (dm-raid1
// presets it and reads only the bits).
int sync_call(Client *client, Call c, unsigned long *error_bits) {
  Waiter w __uninitialized;  // its completion is initialised below
  if (error_bits && !c.dm_io_semantics) *error_bits = 0;
  // Our bios would only be issued once the caller's submit_bio() returns.
  if (dmio_in_bio_submission()) {
    dmio_reject("synchronous I/O from a bio submission context would deadlock");
    return -DMIO_EINVAL;
  }
  dmio_completion_init(&w.woken);
  // Uninterruptible: returning on a signal with bios in flight would hand
  // the caller back a buffer the device is still writing.
  c.flags |= DMIO_REQ_SYNC;
  int r = issue(client, c, nullptr, &w);
  if (!r) {
    if (!w.told) {
      dmio_completion_wait(&w.woken);
      w.to_end->end();
    }
    r = w.bits ? -DMIO_EIO : 0;
  }
  if (error_bits && !(r == -DMIO_EINVAL && c.dm_io_semantics)) *error_bits = w.bits;
  return r;
}

// The modern face's clients are the core's, behind an opaque handle.
Client *from_handle(dmio_client *h) { return reinterpret_cast<Client *>(h); }
dmio_client *to_handle(Client *c) { return reinterpret_cast<dmio_client *>(c); }

}  // namespace
}  // namespace dmio

extern "C" int dmio_core_sync(dmio_owner_t owner, unsigned int num_regions,
                              const dmio_region *where, int rw, const dmio_buffer *buf,
                              unsigned long *error_bits, unsigned long long trace_id) {
  using namespace dmio;
  // Made when the owner's module loaded (or by its first dm_io_get()):
  // the I/O path never allocates one.
  return sync_call(find_client(owner),
                   make_call(num_regions, where, static_cast<unsigned int>(rw), buf, trace_id),
                   error_bits);
}

extern "C" int dmio_core_async(dmio_owner_t owner, unsigned int num_regions,
                               const dmio_region *where, int rw, const dmio_buffer *buf,
                               dmio_notify_fn fn, void *context, unsigned long long trace_id) {
  using namespace dmio;
  if (!fn) {
    dmio_reject("async request without a completion callback");
    return -DMIO_EINVAL;
  }
  return issue(find_client(owner),
               make_call(num_regions, where, static_cast<unsigned int>(rw), buf, trace_id), fn,
               context);
}

extern "C" int dmio_core_io(dmio_client *client, unsigned int num_regions, const dmio_region *where,
                            unsigned int opf, const dmio_buffer *buf, dmio_notify_fn fn,
                            void *context, unsigned long *error_bits, unsigned short ioprio,
                            unsigned long long trace_id) {
  using namespace dmio;
  Call c = make_call(num_regions, where, opf, buf, trace_id);
  c.dm_io_semantics = true;
  c.ioprio = ioprio;
  // dm-raid1 copies FUA and PREFLUSH from the bio it mirrors, discards
  // too: 6.1's block layer passes such a discard on, 6.12's fails it
  // with a warning.  Neither flag orders anything for a bio without data.
  if (c.op == DMIO_OP_DISCARD || c.op == DMIO_OP_WRITE_ZEROES) c.flags &= ~kWriteOnlyFlags;
  if (!fn) return sync_call(from_handle(client), c, error_bits);
  return issue(from_handle(client), c, fn, context);
}

extern "C" dmio_pools *dmio_core_client_pools(dmio_client *client) {
  return dmio::from_handle(client)->pools();
}

extern "C" dmio_client *dmio_core_client_create(void) {
  return dmio::to_handle(dmio::Client::create());
}

extern "C" void dmio_core_client_destroy(dmio_client *client) {
  dmio::from_handle(client)->destroy();
}

extern "C" void dmio_core_bio_done(void *owner, unsigned int region, int failed) {
  auto *req = static_cast<dmio::Request *>(owner);
  if (failed) req->fail(dmio::RegionIndex{region}.bit());
  req->release();
}

extern "C" int dmio_core_init(void) {
  dmio::clients_init();
  return 0;
}

extern "C" void dmio_core_exit(void) { dmio::clients_exit(); }
