// SPDX-License-Identifier: GPL-2.0
/*
 * dmio_stress - the reliability harness of dmio: a consumer module that
 * runs one workload at load time and prints one result line ending in "ok"
 * when the workload kept every invariant, "FAILED" when it did not.  The
 * line is the verdict: once the workload has run, init returns 0 either
 * way (busybox insmod retries a load that failed, which would run it
 * twice), so a guest script loads, reads the line and unloads.
 *
 *   insmod dmio_stress.ko mode=stress devices=/dev/ram0,/dev/vdd seconds=60
 *   insmod dmio_stress.ko mode=starvation devices=/dev/mapper/slow0 threads=32
 *   insmod dmio_stress.ko mode=fuzz devices=... cases=2000
 *   insmod dmio_stress.ko mode=smoke devices=/dev/ram2
 *
 * stress: threads_per_cpu threads per online CPU issue a random mix of
 *   every entry point, op, flag, buffer kind and size, each on its own
 *   slice of every device, while a toggler thread switches
 *   fail_make_request on random devices (bdev->bd_make_it_fail) and
 *   failslab fails the threads' slab allocations (current->make_it_fail;
 *   the guest script sets the failslab probability).  Every write is read
 *   back with plain bios; every read is checked against a per-sector model
 *   of the device; error bits are checked against the devices that were
 *   failing for the whole call (a per-device change counter tells); every
 *   async callback must come exactly once.  Prints
 *   "dmio-stress: calls=... mismatches=0 lost_callbacks=0
 *   doubled_callbacks=0 errors=0 ... ok".
 * starvation: <threads> threads with every slab allocation failing write
 *   2-8 regions of 64 KiB-2 MiB over slow devices; all must be done within
 *   bound seconds.
 * fuzz: random argument sets, valid and not, against a model of the
 *   contract: refused with -EINVAL before any I/O (canary regions intact,
 *   async callback never run), or done with the right data and bits.
 * smoke: a few calls and a balanced dm_io_get()/dm_io_put(), for the
 *   load/unload loop of tests/stress/lifecycle.sh.
 *
 * Devices are given as a comma-separated list of paths; a ":whole" suffix
 * marks a device that only gets whole, page-aligned pages of data (null_blk
 * with 4 KiB blocks mishandles sub-block segments).
 *
 * When a thread is stuck in a call or a callback never comes, the module
 * pins itself (it cannot be unloaded: memory may still be used by dmio)
 * and returns 0; the result line says FAILED.
 */
#include <linux/atomic.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/dm-io.h>
#include <dmio/compat.h>
#include <dmio/dm-io.h>

static char *mode = "stress";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "stress, starvation, fuzz or smoke");

static char *devices = "/dev/ram0";
module_param(devices, charp, 0444);
MODULE_PARM_DESC(devices, "comma-separated device paths; suffix :whole for whole pages only");

static unsigned int seconds = 60;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "stress: how long the threads issue calls");

static unsigned int threads_per_cpu = 2;
module_param(threads_per_cpu, uint, 0444);
MODULE_PARM_DESC(threads_per_cpu, "stress: threads per online CPU");

static unsigned int threads = 32;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "starvation: number of threads");

static unsigned int calls = 4;
module_param(calls, uint, 0444);
MODULE_PARM_DESC(calls, "starvation: calls per thread");

static unsigned int bound = 300;
module_param(bound, uint, 0444);
MODULE_PARM_DESC(bound, "starvation: seconds within which every call must be done");

static unsigned int cases = 2000;
module_param(cases, uint, 0444);
MODULE_PARM_DESC(cases, "fuzz: number of argument sets");

static unsigned int first_case;
module_param(first_case, uint, 0444);
MODULE_PARM_DESC(first_case, "fuzz: run cases first_case .. cases - 1 (same seed: the same cases)");

static int only_case = -1;
module_param(only_case, int, 0444);
MODULE_PARM_DESC(only_case, "fuzz: run only this case (same seed)");

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed; 0 picks one (printed)");

static unsigned int max_kib = 4096;
module_param(max_kib, uint, 0444);
MODULE_PARM_DESC(max_kib, "stress: largest buffer of a call, KiB");

static unsigned int toggle_ms = 20;
module_param(toggle_ms, uint, 0444);
MODULE_PARM_DESC(toggle_ms, "stress: longest pause between fail_make_request toggles; 0: none");

static bool failslab = true;
module_param(failslab, bool, 0444);
MODULE_PARM_DESC(failslab, "stress/starvation: the threads set current->make_it_fail");

static bool prefill = true;
module_param(prefill, bool, 0444);
MODULE_PARM_DESC(prefill, "stress: write every slice before the run (drivers allocate then, not under failslab)");

static bool sweep = true;
module_param(sweep, bool, 0444);
MODULE_PARM_DESC(sweep, "stress: re-read every slice against the model at the end");

static unsigned int cb_timeout = 120;
module_param(cb_timeout, uint, 0444);
MODULE_PARM_DESC(cb_timeout, "seconds after which a missing async callback counts as lost");

#define MAX_DEVS	32
#define NCTX		4
#define ZERO_TAG	(~0ULL)
#define GOLDEN		0x9e3779b97f4a7c15ULL
#define REPORT_MAX	40
#define WORDS		(SECTOR_SIZE / sizeof(u64))
#define PAGE_SECTORS_	(PAGE_SIZE >> SECTOR_SHIFT)
#define LANE_ALIGN	8		/* sectors: slices and lanes fit 4 KiB blocks */
#define TRUSTED_WAIT	(30 * HZ)
#define MAX_CALL_SECTORS (SZ_32M >> SECTOR_SHIFT)	/* summed over regions */

static const blk_opf_t allowed_flags = REQ_SYNC | REQ_META | REQ_PRIO |
	REQ_FUA | REQ_PREFLUSH | REQ_IDLE | REQ_RAHEAD | REQ_NOUNMAP |
	REQ_BACKGROUND;

enum run_mode { M_STRESS, M_STARVATION, M_FUZZ, M_SMOKE, M_NR };
static const char * const mode_name[] = { "stress", "starvation", "fuzz", "smoke" };

enum bkind { K_PL, K_BVEC, K_VM, K_LIN, K_NR };
static const char * const kind_name[] = { "pl", "bvec", "vm", "linear" };

/* ---- random numbers: xorshift64*, one state per thread ---- */

static u64 mix64(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static u64 rnd(u64 *s)
{
	u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u32 below(u64 *s, u32 n)
{
	return n ? (u32)(((rnd(s) >> 32) * n) >> 32) : 0;
}

static bool chance(u64 *s, unsigned int pct)
{
	return below(s, 100) < pct;
}

static void rnd_seed(u64 *s, u64 v)
{
	*s = mix64(v) | 1;
}

/* 1 .. max, log-uniform */
static unsigned int logrand(u64 *s, unsigned int max)
{
	unsigned int e, lo;

	if (max <= 1)
		return 1;
	e = below(s, ilog2(max) + 1);
	lo = 1U << e;
	return min(lo + below(s, lo), max);
}

/* ---- data patterns: every 512-byte sector is a function of a tag ---- */

static u64 tag_of(u64 cid, u64 k)
{
	return cid << 24 | k;
}

/* Word 0 is the tag itself, so a wrong sector tells whose data it holds. */
static void fill_sector(u64 *p, u64 tag)
{
	u64 w = mix64(tag) | 1;
	unsigned int i;

	p[0] = tag;
	for (i = 1; i < WORDS; i++)
		p[i] = w + i * GOLDEN;
}

static bool sector_zero(const u64 *p)
{
	unsigned int i;

	for (i = 0; i < WORDS; i++)
		if (p[i])
			return false;
	return true;
}

static bool sector_is(const u64 *p, u64 tag)
{
	u64 w = mix64(tag) | 1;
	unsigned int i;

	if (tag == ZERO_TAG)
		return sector_zero(p);
	if (p[0] != tag)
		return false;
	for (i = 1; i < WORDS; i++)
		if (p[i] != w + i * GOLDEN)
			return false;
	return true;
}

/* What a wrong sector holds, for the report. */
static int what_is(char *s, size_t n, const u64 *p)
{
	u64 w = mix64(p[0]) | 1;
	unsigned int i, good = 1;

	if (sector_zero(p))
		return scnprintf(s, n, "zeroes");
	for (i = 1; i < WORDS; i++)
		good += p[i] == w + i * GOLDEN;
	if (good == WORDS)
		return scnprintf(s, n, "call %llu's sector +%llu", p[0] >> 24,
				 p[0] & 0xffffff);
	if (good > 1)
		return scnprintf(s, n, "call %llu's sector +%llu, %u of 64 words right",
				 p[0] >> 24, p[0] & 0xffffff, good);
	return scnprintf(s, n, "no pattern (%016llx %016llx)", p[0], p[1]);
}

/* ---- devices ---- */

struct sdev {
	char path[64];
	unsigned int idx;
	struct block_device *bdev;
	struct dmio_bdev_ref ref;	/* how bdev was opened (compat.h) */
	sector_t nr;		/* size in sectors */
	unsigned int lbs;	/* logical block size in sectors */
	bool whole;		/* whole page-aligned pages of data only */
	bool discard, zeroes, vb;
	bool brd;		/* frees its pages on discard (6.12) */
	atomic_t seq;		/* odd while the failing state changes */
	bool failing;
	u64 *model;		/* stress: per sector, 0 unknown, ZERO_TAG, or a tag */
};

/* ---- buffers ---- */

struct sbuf {
	enum bkind kind;
	struct page_list *pl;
	unsigned int offset;
	struct bio_vec *bv;
	void *data;
};

struct bufs {
	struct page **pool;
	unsigned int npool;
	struct page_list *pl;	/* npool nodes */
	struct bio_vec *bv;	/* nbv entries */
	unsigned int nbv;
	void *vmem;		/* vmalloc'd: vcap bytes + 2 pages of slack */
	size_t vcap;
	void *kmem;		/* kmalloc'd (linear): kcap bytes + a page of slack */
	size_t kcap;
	void *check;		/* vmalloc'd, page aligned: trusted reads */
	size_t ccap;
};

/* Walks a buffer 512 bytes at a time; every piece is 512-byte granular. */
struct cursor {
	const struct sbuf *b;
	struct page_list *pl;
	unsigned int off;
	unsigned int i;
	char *p;
};

static void cur_init(struct cursor *c, const struct sbuf *b)
{
	c->b = b;
	c->pl = b->pl;
	c->off = b->offset;
	c->i = 0;
	c->p = b->data;
}

static u64 *cur_next(struct cursor *c)
{
	const struct bio_vec *bv;
	char *p;

	switch (c->b->kind) {
	case K_PL:
		if (c->off >= PAGE_SIZE) {
			c->pl = c->pl->next;
			c->off -= PAGE_SIZE;
		}
		p = (char *)page_address(c->pl->page) + c->off;
		c->off += SECTOR_SIZE;
		return (u64 *)p;
	case K_BVEC:
		while (c->off >= c->b->bv[c->i].bv_len) {
			c->off = 0;
			c->i++;
		}
		bv = &c->b->bv[c->i];
		p = (char *)page_address(bv->bv_page) + bv->bv_offset + c->off;
		c->off += SECTOR_SIZE;
		return (u64 *)p;
	default:
		p = c->p;
		c->p += SECTOR_SIZE;
		return (u64 *)p;
	}
}

static void free_bufs(struct bufs *b)
{
	unsigned int i;

	if (b->pool)
		for (i = 0; i < b->npool; i++)
			if (b->pool[i])
				__free_page(b->pool[i]);
	kvfree(b->pool);
	kvfree(b->pl);
	kvfree(b->bv);
	vfree(b->vmem);
	kfree(b->kmem);
	vfree(b->check);
	memset(b, 0, sizeof(*b));
}

/* Room for calls of up to @bytes of data in every buffer kind. */
static int alloc_bufs(struct bufs *b, size_t bytes, size_t check_bytes)
{
	size_t ksz = min_t(size_t, roundup_pow_of_two(bytes + PAGE_SIZE), SZ_2M);
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->npool = 2 * (bytes >> PAGE_SHIFT) + 8;
	b->nbv = 2 * b->npool + 2;
	b->pool = kvcalloc(b->npool, sizeof(*b->pool), GFP_KERNEL);
	b->pl = kvcalloc(b->npool, sizeof(*b->pl), GFP_KERNEL);
	b->bv = kvcalloc(b->nbv, sizeof(*b->bv), GFP_KERNEL);
	b->vmem = vmalloc(bytes + 2 * PAGE_SIZE);
	b->check = vmalloc(check_bytes);
	if (!b->pool || !b->pl || !b->bv || !b->vmem || !b->check)
		goto nomem;
	for (i = 0; i < b->npool; i++) {
		b->pool[i] = alloc_page(GFP_KERNEL);
		if (!b->pool[i])
			goto nomem;
	}
	for (; ksz >= SZ_64K; ksz >>= 1) {
		b->kmem = kmalloc(ksz, GFP_KERNEL | __GFP_NOWARN);
		if (b->kmem)
			break;
	}
	if (!b->kmem)
		goto nomem;
	b->vcap = bytes;
	b->kcap = ksz - PAGE_SIZE;
	b->ccap = check_bytes;
	return 0;
nomem:
	free_bufs(b);
	return -ENOMEM;
}

/* ---- the run's shared state: one mode per load ---- */

struct actx {
	atomic_t calls;
	unsigned int expect;	/* callbacks this context should have had */
	unsigned long bits;
	struct completion done;
};

struct counters {
	u64 calls, sync, async, bios, bytes, mismatches, lost, errors;
	u64 injected, enomem, checked, refused, accepted, doubled;
	u64 einval, bad_bits;	/* errors: valid calls refused, wrong bits */
};

struct call {
	u64 cid;
	blk_opf_t op, flags;
	bool async, nobits;
	enum bkind kind;
	unsigned int nr;
	unsigned int len;	/* sectors the buffer covers */
	unsigned int maxcount;
	struct sbuf buf;
	struct io_region where[BITS_PER_LONG];
	struct sdev *dev[BITS_PER_LONG];
	unsigned int want[BITS_PER_LONG];	/* count asked for, before placing */
	unsigned int seq[BITS_PER_LONG];
	bool failing[BITS_PER_LONG];
	bool changed[BITS_PER_LONG];
};

struct sthread {
	unsigned int id;
	u64 rng;
	struct task_struct *task;
	struct completion phase, done;
	struct bufs b;
	unsigned int max_sectors;
	struct actx ctx[NCTX];
	unsigned int next_ctx;
	struct call c;
	struct counters n;
	bool stuck;		/* set by the thread: a callback never came */
	bool hung;		/* set by the waiter: the thread never finished */
	char what[3000];
};

static struct {
	const char *tag;
	struct sdev devs[MAX_DEVS];
	unsigned int ndevs;
	unsigned int nthreads;
	struct sthread **t;
	unsigned long deadline;
	atomic64_t cid;
	atomic_t reports;
	atomic64_t toggles;
	bool toggler_stop;
	struct completion toggler_done;
	struct completion go;
	bool pinned;
} S;

static void notify(unsigned long error, void *context)
{
	struct actx *a = context;

	a->bits = error;
	atomic_inc(&a->calls);
	complete(&a->done);
}

static void ctx_arm(struct actx *a)
{
	reinit_completion(&a->done);
	a->bits = 0;
	a->expect = 0;
	atomic_set(&a->calls, 0);
}

/* Extra callbacks a context got: doubled, or run after a refusal. */
static u64 ctx_extra(struct actx *a)
{
	int n = atomic_read(&a->calls);

	return n > a->expect ? n - a->expect : 0;
}

/* Waits for @c without looking hung: up to @secs seconds. */
static bool wait_bounded(struct completion *c, unsigned long until)
{
	while (!wait_for_completion_timeout(c, HZ))
		if (time_after(jiffies, until))
			return false;
	return true;
}

static void set_make_it_fail(int on)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = on;
#endif
}

static int get_make_it_fail(void)
{
#ifdef CONFIG_FAULT_INJECTION
	return current->make_it_fail;
#else
	return 0;
#endif
}

static void dev_set_failing(struct sdev *d, bool on)
{
	atomic_inc(&d->seq);
	/* Odd count before the change is visible: pairs with do_call()'s rmb. */
	smp_mb__after_atomic();
#ifdef CONFIG_FAIL_MAKE_REQUEST
	dmio_bdev_make_it_fail(d->bdev, on);
#endif
	WRITE_ONCE(d->failing, on);
	/* The change is visible before the count is even again. */
	smp_mb__before_atomic();
	atomic_inc(&d->seq);
}

static const char *op_name(blk_opf_t op)
{
	switch (op) {
	case REQ_OP_READ:
		return "READ";
	case REQ_OP_WRITE:
		return "WRITE";
	case REQ_OP_DISCARD:
		return "DISCARD";
	case REQ_OP_WRITE_ZEROES:
		return "WRITE_ZEROES";
	default:
		return "OP?";
	}
}

/* Prints a call on several lines: printk cuts a line at 1 KiB. */
static void print_call(struct sthread *t, const struct call *c)
{
	char *s = t->what;
	size_t n = sizeof(t->what);
	unsigned int i, j, nbv, sub = 0;
	int at;

	at = scnprintf(s, n, "call %llu %s %s %s flags=%#x len=%u nr=%u",
		       c->cid, c->async ? "async" : "sync", kind_name[c->kind],
		       op_name(c->op), (unsigned int)c->flags, c->len, c->nr);
	switch (c->kind) {
	case K_PL:
		scnprintf(s + at, n - at, " offset=%u", c->buf.offset);
		break;
	case K_BVEC:
		for (nbv = 0; c->buf.bv[nbv].bv_len; nbv++)
			sub += c->buf.bv[nbv].bv_len < PAGE_SIZE;
		at += scnprintf(s + at, n - at, " bvec: %u entries, %u sub-page:",
				nbv, sub);
		for (i = 0; i < nbv && i < 24; i++)
			at += scnprintf(s + at, n - at, " %u+%u", c->buf.bv[i].bv_offset,
					c->buf.bv[i].bv_len);
		if (nbv > 24)
			scnprintf(s + at, n - at, " ...");
		break;
	default:
		scnprintf(s + at, n - at, " data=+%lu", offset_in_page(c->buf.data));
		break;
	}
	pr_err("%s: t%u:   %s\n", S.tag, t->id, s);
	for (i = 0; i < c->nr; i += 8) {
		for (at = 0, j = i; j < c->nr && j < i + 8; j++)
			at += scnprintf(s + at, n - at, " %s:%llu+%llu%s",
					c->dev[j]->path + 5,
					(unsigned long long)c->where[j].sector,
					(unsigned long long)c->where[j].count,
					c->changed[j] ? "(changed)" :
					c->failing[j] ? "(failing)" : "");
		pr_err("%s: t%u:   call %llu regions %u-%u:%s\n", S.tag, t->id,
		       c->cid, i, j - 1, s);
	}
}

static __printf(3, 4) void report(struct sthread *t, const struct call *c,
				  const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (atomic_inc_return(&S.reports) > REPORT_MAX)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s: t%u: %pV%s\n", S.tag, t ? t->id : 0, &vaf,
	       t && c ? ", in:" : "");
	va_end(args);
	if (t && c)
		print_call(t, c);
}

/* ---- trusted I/O: plain bios, for read-back and canaries ---- */

static int raw_io(struct block_device *bdev, blk_opf_t op, sector_t sector,
		  unsigned int nr_sectors, void *vbuf)
{
	int saved = get_make_it_fail();
	int ret = 0;

	set_make_it_fail(0);
	while (nr_sectors && !ret) {
		unsigned int n = min_t(unsigned int, nr_sectors,
				       BIO_MAX_VECS * PAGE_SECTORS_);
		unsigned int done = 0, bytes = n << SECTOR_SHIFT;
		struct bio *bio = bio_alloc(bdev, BIO_MAX_VECS, op, GFP_NOIO);

		bio->bi_iter.bi_sector = sector;
		while (done < bytes) {
			char *p = (char *)vbuf + done;
			unsigned int off = offset_in_page(p);
			unsigned int len = min_t(unsigned int, PAGE_SIZE - off,
						 bytes - done);

			__bio_add_page(bio, vmalloc_to_page(p), len, off);
			done += len;
		}
		ret = submit_bio_wait(bio);
		bio_put(bio);
		sector += n;
		nr_sectors -= n;
		vbuf = (char *)vbuf + bytes;
	}
	set_make_it_fail(saved);
	return ret;
}

/* Retries while fail_make_request fails the device. */
static int trusted_io(struct sdev *d, blk_opf_t op, sector_t sector,
		      unsigned int nr_sectors, void *vbuf)
{
	unsigned long until = jiffies + TRUSTED_WAIT;
	int ret;

	for (;;) {
		while (READ_ONCE(d->failing)) {
			if (time_after(jiffies, until))
				return -ETIMEDOUT;
			usleep_range(500, 1000);
		}
		ret = raw_io(d->bdev, op, sector, nr_sectors, vbuf);
		if (!ret || time_after(jiffies, until))
			return ret;
		usleep_range(500, 1000);
	}
}

/* ---- devices: open, close ---- */

static void close_devs(void)
{
	unsigned int i;

	for (i = 0; i < S.ndevs; i++) {
		struct sdev *d = &S.devs[i];

		if (d->bdev && d->failing)
			dev_set_failing(d, false);
		vfree(d->model);
		d->model = NULL;
		if (d->bdev)
			dmio_bdev_close(&d->ref);
		d->bdev = NULL;
	}
	S.ndevs = 0;
}

static int open_devs(void)
{
	char *list = kstrdup(devices, GFP_KERNEL), *p = list, *name;
	int ret = 0;

	if (!list)
		return -ENOMEM;
	while ((name = strsep(&p, ",")) && !ret) {
		struct sdev *d = &S.devs[S.ndevs];
		char *opt = strchr(name, ':');

		if (!*name)
			continue;
		if (S.ndevs == MAX_DEVS) {
			ret = -E2BIG;
			break;
		}
		if (opt) {
			*opt++ = 0;
			d->whole = !strcmp(opt, "whole");
		}
		strscpy(d->path, name, sizeof(d->path));
		ret = dmio_bdev_open_path(d->path, &d->ref);
		if (ret) {
			pr_err("%s: cannot open %s: %d\n", S.tag, d->path, ret);
			d->bdev = NULL;
			break;
		}
		d->bdev = d->ref.bdev;
		d->idx = S.ndevs++;
		d->nr = bdev_nr_sectors(d->bdev);
		d->lbs = bdev_logical_block_size(d->bdev) >> SECTOR_SHIFT;
		d->discard = bdev_max_discard_sectors(d->bdev) > 0;
		d->brd = !strncmp(d->path, "/dev/ram", 8);
		d->zeroes = bdev_write_zeroes_sectors(d->bdev) > 0;
		d->vb = queue_virt_boundary(bdev_get_queue(d->bdev)) != 0;
		atomic_set(&d->seq, 0);
		d->failing = false;
	}
	kfree(list);
	if (!ret && !S.ndevs)
		ret = -EINVAL;
	if (ret)
		close_devs();
	return ret;
}

/* ---- issuing a call ---- */

static int issue(unsigned int nr, struct io_region *where, int rw,
		 const struct sbuf *b, bool async, io_notify_fn fn, void *ctx,
		 unsigned long *bits)
{
	if (!async) {
		switch (b->kind) {
		case K_PL:
			return dm_io_sync(nr, where, rw, b->pl, b->offset, bits);
		case K_BVEC:
			return dm_io_sync_bvec(nr, where, rw, b->bv, bits);
		default:
			return dm_io_sync_vm(nr, where, rw, b->data, bits);
		}
	}
	switch (b->kind) {
	case K_PL:
		return dm_io_async(nr, where, rw, b->pl, b->offset, fn, ctx);
	case K_BVEC:
		return dm_io_async_bvec(nr, where, rw, b->bv, fn, ctx);
	default:
		return dm_io_async_vm(nr, where, rw, b->data, fn, ctx);
	}
}

/*
 * A buffer of @len sectors of kind @kind from @b.  @align: the data starts
 * at a multiple of it (512 or PAGE_SIZE); @sub: bio_vec entries may be
 * sub-page.  Returns the sectors it covers (may be less than asked for
 * linear buffers).
 */
static unsigned int kind_cap(const struct bufs *b, enum bkind kind)
{
	switch (kind) {
	case K_PL:
	case K_BVEC:
		return ((b->npool / 2 - 2) << PAGE_SHIFT) >> SECTOR_SHIFT;
	case K_VM:
		return b->vcap >> SECTOR_SHIFT;
	default:
		return b->kcap >> SECTOR_SHIFT;
	}
}

static void build_buf(struct bufs *b, u64 *r, struct sbuf *sb, enum bkind kind,
		      unsigned int len, bool whole, bool sub)
{
	unsigned int off = whole ? 0 : below(r, PAGE_SECTORS_) << SECTOR_SHIFT;
	unsigned int i, n, start = below(r, b->npool);
	size_t bytes = (size_t)len << SECTOR_SHIFT, at;

	memset(sb, 0, sizeof(*sb));
	sb->kind = kind;
	switch (kind) {
	case K_PL:
		n = DIV_ROUND_UP(off + bytes, PAGE_SIZE);
		for (i = 0; i < n; i++) {
			b->pl[i].page = b->pool[(start + i) % b->npool];
			b->pl[i].next = i + 1 < n ? &b->pl[i + 1] : NULL;
		}
		sb->pl = b->pl;
		sb->offset = off;
		break;
	case K_BVEC:
		for (i = 0, at = 0; at < bytes; i++) {
			unsigned int o = 0, l = PAGE_SIZE;
			size_t left = b->npool - i - 1;

			if (!whole && sub && chance(r, 30) &&
			    (left << PAGE_SHIFT) >= bytes - at) {
				o = below(r, PAGE_SECTORS_) << SECTOR_SHIFT;
				l = (1 + below(r, (PAGE_SIZE - o) >> SECTOR_SHIFT))
					<< SECTOR_SHIFT;
			}
			b->bv[i].bv_page = b->pool[(start + i) % b->npool];
			b->bv[i].bv_offset = o;
			b->bv[i].bv_len = l;
			at += l;
		}
		/* What follows the part used must never be looked at. */
		b->bv[i].bv_page = NULL;
		b->bv[i].bv_offset = 0;
		b->bv[i].bv_len = 0;
		sb->bv = b->bv;
		break;
	case K_VM:
		sb->data = (char *)b->vmem + off;
		break;
	default:
		sb->data = (char *)b->kmem + off;
		break;
	}
}

/* ---- stress and starvation: one call, generated, issued, checked ---- */

enum { ST_CLEAR, ST_FAILED, ST_UNKNOWN, ST_WRONG };

static void slice_of(const struct sdev *d, const struct sthread *t,
		     sector_t *start, sector_t *len)
{
	sector_t per = round_down(div_u64(d->nr, S.nthreads), LANE_ALIGN);

	*start = per * t->id;
	*len = per;
}

/* Places region i of c on c->dev[i], in lane j of k of the thread's slice. */
static void place(struct sthread *t, struct call *c, unsigned int i,
		  unsigned int j, unsigned int k, unsigned int want)
{
	struct sdev *d = c->dev[i];
	sector_t start, len, lane, count;

	slice_of(d, t, &start, &len);
	lane = round_down(div_u64(len, k), LANE_ALIGN);
	count = round_down(min_t(sector_t, want, lane), d->lbs);
	c->where[i].bdev = d->bdev;
	c->where[i].count = count;
	c->where[i].sector = start + lane * j +
		round_down(below(&t->rng, lane - count + 1), d->lbs);
}

static void place_all(struct sthread *t, struct call *c)
{
	unsigned int cnt[MAX_DEVS] = { 0 }, used[MAX_DEVS] = { 0 }, i;

	for (i = 0; i < c->nr; i++)
		cnt[c->dev[i]->idx]++;
	c->maxcount = 0;
	for (i = 0; i < c->nr; i++) {
		unsigned int x = c->dev[i]->idx;

		place(t, c, i, used[x]++, cnt[x], c->want[i]);
		c->maxcount = max_t(unsigned int, c->maxcount, c->where[i].count);
	}
}

/*
 * No discards to brd: since 6.12 brd supports them and frees the pages,
 * and a later write allocates them again in the writing thread, where
 * failslab fails it - a device error the model cannot predict.
 */
static bool dev_takes(const struct sdev *d, blk_opf_t op)
{
	return (op != REQ_OP_DISCARD || (d->discard && !d->brd)) &&
	       (op != REQ_OP_WRITE_ZEROES || d->zeroes);
}

static struct sdev *pick_dev(u64 *r, blk_opf_t op)
{
	unsigned int i, n = 0, pick;

	for (i = 0; i < S.ndevs; i++)
		if (dev_takes(&S.devs[i], op))
			n++;
	if (!n)
		return NULL;
	pick = below(r, n);
	for (i = 0; i < S.ndevs; i++)
		if (dev_takes(&S.devs[i], op) && !pick--)
			return &S.devs[i];
	return NULL;
}

static void finish_gen(struct sthread *t, struct call *c)
{
	bool whole = false;
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		whole |= c->dev[i]->whole;
	place_all(t, c);
	build_buf(&t->b, &t->rng, &c->buf, c->kind, c->len, whole, true);
}

static void gen_stress(struct sthread *t, struct call *c)
{
	unsigned int *want = c->want;
	u64 *r = &t->rng;
	unsigned int p = below(r, 100), i, lmax;
	bool flush_only = false;

	memset(c, 0, offsetof(struct call, where));
	c->cid = atomic64_inc_return(&S.cid);
	c->op = p < 50 ? REQ_OP_WRITE : p < 80 ? REQ_OP_READ :
		p < 88 ? REQ_OP_DISCARD : p < 95 ? REQ_OP_WRITE_ZEROES :
		REQ_OP_WRITE;
	flush_only = p >= 95;
	if (!pick_dev(r, c->op))
		c->op = REQ_OP_WRITE;
	c->async = chance(r, 50);
	c->nobits = !c->async && chance(r, 5);
	c->kind = below(r, K_NR);
	if (chance(r, 30))
		c->flags |= REQ_SYNC;
	if (chance(r, 10))
		c->flags |= REQ_META;
	if (chance(r, 10))
		c->flags |= REQ_IDLE;
	if (chance(r, 5))
		c->flags |= REQ_PRIO;
	if (c->op == REQ_OP_WRITE) {
		if (chance(r, 20))
			c->flags |= REQ_FUA;
		if (flush_only || chance(r, 15))
			c->flags |= REQ_PREFLUSH;
	}

	if (c->op == REQ_OP_READ) {
		c->nr = 1;
	} else if (c->op != REQ_OP_WRITE || flush_only) {
		c->nr = 1 + below(r, 8);
	} else {
		p = below(r, 100);
		c->nr = p < 60 ? 1 + below(r, 4) : p < 90 ? 5 + below(r, 12) :
			17 + below(r, BITS_PER_LONG - 16);
	}
	for (i = 0; i < c->nr; i++)
		c->dev[i] = pick_dev(r, c->op);

	lmax = min3(kind_cap(&t->b, c->kind), t->max_sectors,
		    (unsigned int)MAX_CALL_SECTORS / c->nr);
	c->len = logrand(r, lmax);
	for (i = 0; i < c->nr; i++) {
		p = below(r, 100);
		if (flush_only)
			want[i] = 0;
		else if (i == 0 || c->op == REQ_OP_READ || p < 50)
			want[i] = c->len;
		else if (p < 60)
			want[i] = 0;
		else
			want[i] = 1 + below(r, c->len);
	}
	finish_gen(t, c);
}

static void gen_starve(struct sthread *t, struct call *c, unsigned int n)
{
	unsigned int *want = c->want;
	u64 *r = &t->rng;
	unsigned int i;

	memset(c, 0, offsetof(struct call, where));
	c->cid = atomic64_inc_return(&S.cid);
	c->op = REQ_OP_WRITE;
	c->async = n & 1;
	c->kind = below(r, K_NR);
	if (chance(r, 20))
		c->flags |= REQ_FUA;
	if (chance(r, 30))
		c->flags |= REQ_SYNC;
	c->nr = 2 + below(r, 7);
	for (i = 0; i < c->nr; i++)
		c->dev[i] = pick_dev(r, c->op);
	/* 64 KiB - 2 MiB */
	c->len = min_t(unsigned int, 128 + logrand(r, 4096 - 128),
		       kind_cap(&t->b, c->kind));
	for (i = 0; i < c->nr; i++)
		want[i] = i == 0 || chance(r, 50) ? c->len :
			128 + below(r, c->len - 127);
	finish_gen(t, c);
}

static void fill_or_poison(struct call *c)
{
	struct cursor cur;
	unsigned int k;

	if (c->op != REQ_OP_WRITE && c->op != REQ_OP_READ)
		return;
	cur_init(&cur, &c->buf);
	for (k = 0; k < c->maxcount; k++) {
		u64 *p = cur_next(&cur);

		if (c->op == REQ_OP_WRITE)
			fill_sector(p, tag_of(c->cid, k));
		else
			memset(p, 0xa5, SECTOR_SIZE);
		if ((k & 255) == 255)
			cond_resched();
	}
}

/* Reads a region back with plain bios; compares with tags or zeroes. */
static void verify_written(struct sthread *t, struct call *c, unsigned int i)
{
	struct io_region *w = &c->where[i];
	struct sdev *d = c->dev[i];
	unsigned int k, bad = 0, first = 0;
	u64 *p = t->b.check;
	char got[120] = "";
	int ret;

	ret = trusted_io(d, REQ_OP_READ, w->sector, w->count, t->b.check);
	if (ret) {
		t->n.errors++;
		report(t, c, "read-back of region %u failed: %d", i, ret);
		return;
	}
	for (k = 0; k < w->count; k++, p += WORDS) {
		u64 want = c->op == REQ_OP_WRITE_ZEROES ? ZERO_TAG : tag_of(c->cid, k);

		if (!sector_is(p, want)) {
			if (!bad++) {
				first = k;
				what_is(got, sizeof(got), p);
			}
		}
		if (d->model)
			d->model[w->sector + k] = want;
	}
	t->n.checked += w->count;
	if (bad) {
		t->n.mismatches += bad;
		report(t, c, "region %u: %u of %llu sectors read back wrong, first at +%u: %s",
		       i, bad, (unsigned long long)w->count, first, got);
	}
}

static void verify_read(struct sthread *t, struct call *c, int state)
{
	struct io_region *w = &c->where[0];
	struct sdev *d = c->dev[0];
	unsigned int k, bad = 0, first = 0;
	struct cursor cur;
	char got[120] = "";
	u64 exp = 0;

	cur_init(&cur, &c->buf);
	for (k = 0; k < w->count; k++) {
		u64 *p = cur_next(&cur);
		u64 want = d->model ? d->model[w->sector + k] : 0;
		bool ok;

		if (state == ST_FAILED)
			ok = sector_zero(p);
		else if (!want)
			continue;
		else if (state == ST_CLEAR)
			ok = sector_is(p, want);
		else
			ok = sector_is(p, want) || sector_zero(p);
		t->n.checked++;
		if (!ok && !bad++) {
			first = k;
			exp = want;
			what_is(got, sizeof(got), p);
		}
		if ((k & 255) == 255)
			cond_resched();
	}
	if (bad) {
		t->n.mismatches += bad;
		report(t, c, "read: %u of %llu sectors wrong (%s), first at +%u: %s, expected %s%llu/+%llu",
		       bad, (unsigned long long)w->count,
		       state == ST_FAILED ? "failed read not zero-filled" :
		       state == ST_CLEAR ? "data" : "neither data nor zero", first,
		       got, exp == ZERO_TAG ? "zeroes " : "call ",
		       exp == ZERO_TAG ? 0 : exp >> 24, exp & 0xffffff);
	}
}

/* Region i's contents are no longer known (a read changes nothing). */
static void forget(struct call *c, unsigned int i)
{
	struct sdev *d = c->dev[i];

	if (c->op != REQ_OP_READ && d->model)
		memset(&d->model[c->where[i].sector], 0,
		       c->where[i].count * sizeof(u64));
}

static void do_call(struct sthread *t, struct call *c)
{
	unsigned long bits = 0, want = 0, known = 0;
	struct actx *a = NULL;
	bool any_unknown = false;
	unsigned int i;
	int ret, state;

	fill_or_poison(c);
	for (i = 0; i < c->nr; i++) {
		struct sdev *d = c->dev[i];

		c->seq[i] = atomic_read(&d->seq);
		/* The count before the state: pairs with dev_set_failing(). */
		smp_rmb();
		c->failing[i] = READ_ONCE(d->failing);
	}

	if (c->async) {
		a = &t->ctx[t->next_ctx++ % NCTX];
		if (ctx_extra(a)) {
			report(t, NULL, "an earlier async call got %d callbacks, expected %u",
			       atomic_read(&a->calls), a->expect);
			t->n.doubled += ctx_extra(a);
		}
		ctx_arm(a);
	}
	ret = issue(c->nr, c->where, c->op | c->flags, &c->buf, c->async,
		    notify, a, c->nobits ? NULL : &bits);
	if (c->async && !ret) {
		a->expect = 1;
		if (!wait_bounded(&a->done, jiffies + cb_timeout * HZ)) {
			t->n.lost++;
			t->stuck = true;
			report(t, c, "no callback within %u s", cb_timeout);
			return;
		}
		bits = a->bits;
	}

	/* The call is over before the counts are read again. */
	smp_rmb();
	for (i = 0; i < c->nr; i++) {
		unsigned int s = atomic_read(&c->dev[i]->seq);

		c->changed[i] = (s & 1) || s != c->seq[i];
	}

	t->n.calls++;
	if (c->async)
		t->n.async++;
	else
		t->n.sync++;
	if (ret == -ENOMEM)
		t->n.enomem++;
	if (ret == -EINVAL)
		t->n.einval++;
	if (c->async ? ret : ret && ret != -EIO) {
		t->n.errors++;
		report(t, c, "returned %d", ret);
		for (i = 0; i < c->nr; i++)
			if (c->where[i].count)
				forget(c, i);
		return;
	}

	/* What each region's bit must be, where the device held still. */
	for (i = 0; i < c->nr; i++) {
		struct sdev *d = c->dev[i];
		bool io = c->where[i].count || (c->flags & REQ_PREFLUSH);
		bool unsup = c->where[i].count &&
			((c->op == REQ_OP_DISCARD && !d->discard) ||
			 (c->op == REQ_OP_WRITE_ZEROES && !d->zeroes));

		if (c->changed[i]) {
			any_unknown = true;
			continue;
		}
		known |= BIT(i);
		if (io && (c->failing[i] || unsup))
			want |= BIT(i);
		if (io && c->failing[i])
			t->n.injected++;
	}
	if (c->nobits) {
		/* Only the return value: -EIO iff some bit would be set. */
		if ((want && ret != -EIO) || (!want && !any_unknown && ret)) {
			t->n.errors++;
			report(t, c, "returned %d, expected bits %#lx", ret, want);
		}
		/* Which regions failed is not known: check only after a 0. */
		if (ret) {
			for (i = 0; i < c->nr; i++)
				if (c->where[i].count && (!c->failing[i] || c->changed[i]))
					forget(c, i);
			return;
		}
		bits = 0;
	} else {
		if (!c->async && ret != (bits ? -EIO : 0)) {
			t->n.errors++;
			report(t, c, "returned %d with bits %#lx", ret, bits);
		}
		if ((bits & known) != want) {
			t->n.errors++;
			t->n.bad_bits++;
			report(t, c, "bits %#lx, expected %#lx (of known %#lx)",
			       bits, want, known);
		}
	}

	for (i = 0; i < c->nr; i++) {
		struct io_region *w = &c->where[i];

		if (!w->count)
			continue;
		if (c->op == REQ_OP_READ || c->op == REQ_OP_WRITE)
			t->n.bytes += w->count << SECTOR_SHIFT;
		t->n.bios += DIV_ROUND_UP(w->count, BIO_MAX_VECS * PAGE_SECTORS_);
		if (!c->changed[i])
			state = !!(bits & BIT(i)) != !!(want & BIT(i)) ? ST_WRONG :
				(bits & BIT(i)) ? ST_FAILED : ST_CLEAR;
		else if (c->nobits && ret)
			state = ST_UNKNOWN;
		else
			state = (bits & BIT(i)) ? ST_UNKNOWN : ST_CLEAR;

		switch (c->op) {
		case REQ_OP_READ:
			if (state != ST_WRONG)
				verify_read(t, c, state);
			break;
		case REQ_OP_WRITE:
		case REQ_OP_WRITE_ZEROES:
			if (state == ST_CLEAR)
				verify_written(t, c, i);
			else if (state != ST_FAILED || !c->failing[i])
				forget(c, i);
			break;
		default:	/* discard: contents undefined */
			if (state != ST_FAILED)
				forget(c, i);
			break;
		}
	}
	if (c->flags & REQ_PREFLUSH)
		t->n.bios += c->nr;
}

/* ---- stress ---- */

static void sweep_slices(struct sthread *t)
{
	unsigned int i, step = t->b.ccap >> SECTOR_SHIFT;

	for (i = 0; i < S.ndevs; i++) {
		struct sdev *d = &S.devs[i];
		sector_t start, len, at;

		slice_of(d, t, &start, &len);
		for (at = 0; at < len; at += step) {
			unsigned int n = min_t(sector_t, step, len - at), k, bad = 0;
			u64 *p = t->b.check;

			if (trusted_io(d, REQ_OP_READ, start + at, n, t->b.check)) {
				t->n.errors++;
				report(t, NULL, "sweep: cannot read %s", d->path);
				break;
			}
			for (k = 0; k < n; k++, p += WORDS) {
				u64 want = d->model[start + at + k];
				char got[120];

				if (want && !sector_is(p, want) && !bad++) {
					what_is(got, sizeof(got), p);
					report(t, NULL, "sweep: %s sector %llu holds %s, expected call %llu/+%llu",
					       d->path, (unsigned long long)(start + at + k),
					       got, want >> 24, want & 0xffffff);
				}
				t->n.checked += !!want;
			}
			t->n.mismatches += bad;
			cond_resched();
		}
	}
}

/*
 * Writes the thread's slices with a known pattern (the model's "call 1"):
 * reads are checked from the first call on, and brd and null_blk allocate
 * their pages now, not later under failslab, where their own failed
 * allocations would be I/O errors on a device that is not failing.
 */
static void prefill_slices(struct sthread *t)
{
	unsigned int i, step = t->b.ccap >> SECTOR_SHIFT;

	for (i = 0; i < S.ndevs; i++) {
		struct sdev *d = &S.devs[i];
		sector_t start, len, at;

		slice_of(d, t, &start, &len);
		for (at = 0; at < len; at += step) {
			unsigned int n = min_t(sector_t, step, len - at), k;
			u64 *p = t->b.check;

			for (k = 0; k < n; k++, p += WORDS) {
				d->model[start + at + k] = tag_of(1, start + at + k);
				fill_sector(p, d->model[start + at + k]);
			}
			if (trusted_io(d, REQ_OP_WRITE, start + at, n, t->b.check)) {
				t->n.errors++;
				report(t, NULL, "prefill: cannot write %s", d->path);
				break;
			}
			cond_resched();
		}
	}
}

static int stress_fn(void *arg)
{
	struct sthread *t = arg;

	if (prefill)
		prefill_slices(t);
	if (failslab)
		set_make_it_fail(1);
	while (!t->stuck && time_before(jiffies, S.deadline)) {
		gen_stress(t, &t->c);
		do_call(t, &t->c);
		cond_resched();
	}
	set_make_it_fail(0);
	complete(&t->phase);
	if (!t->stuck && sweep && wait_bounded(&S.go, jiffies + 600 * HZ))
		sweep_slices(t);
	kthread_complete_and_exit(&t->done, 0);
}

static int starve_fn(void *arg)
{
	struct sthread *t = arg;
	unsigned int i;

	set_make_it_fail(1);
	for (i = 0; i < calls && !t->stuck; i++) {
		gen_starve(t, &t->c, i + t->id);
		do_call(t, &t->c);
	}
	set_make_it_fail(0);
	complete(&t->phase);
	kthread_complete_and_exit(&t->done, 0);
}

static int toggler_fn(void *arg)
{
	u64 r;

	rnd_seed(&r, seed ^ 0x70661e);
	while (!READ_ONCE(S.toggler_stop)) {
		unsigned int us = (1 + below(&r, toggle_ms)) * 1000;
		struct sdev *d = &S.devs[below(&r, S.ndevs)];

		usleep_range(us, us + 500);
		if (d->failing) {
			dev_set_failing(d, false);
			atomic64_inc(&S.toggles);
		} else if (chance(&r, 33)) {
			dev_set_failing(d, true);
			atomic64_inc(&S.toggles);
		}
	}
	kthread_complete_and_exit(&S.toggler_done, 0);
}

static void free_threads(void)
{
	unsigned int i;

	if (!S.t)
		return;
	for (i = 0; i < S.nthreads; i++) {
		if (!S.t[i])
			continue;
		free_bufs(&S.t[i]->b);
		kfree(S.t[i]);
	}
	kfree(S.t);
	S.t = NULL;
}

static int alloc_threads(unsigned int n, size_t bytes)
{
	unsigned int i, j;

	S.nthreads = n;
	S.t = kcalloc(n, sizeof(*S.t), GFP_KERNEL);
	if (!S.t)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct sthread *t = kzalloc(sizeof(*t), GFP_KERNEL);

		if (!t)
			return -ENOMEM;
		S.t[i] = t;
		t->id = i;
		rnd_seed(&t->rng, seed + i);
		init_completion(&t->phase);
		init_completion(&t->done);
		for (j = 0; j < NCTX; j++)
			init_completion(&t->ctx[j].done);
		if (alloc_bufs(&t->b, bytes, bytes))
			return -ENOMEM;
		t->max_sectors = bytes >> SECTOR_SHIFT;
	}
	return 0;
}

static int start_threads(int (*fn)(void *))
{
	unsigned int i;

	for (i = 0; i < S.nthreads; i++) {
		struct sthread *t = S.t[i];

		t->task = kthread_run(fn, t, "dmio_%s/%u", mode, i);
		if (IS_ERR(t->task)) {
			int ret = PTR_ERR(t->task);

			t->task = NULL;
			return ret;
		}
	}
	return 0;
}

/* Waits for every started thread; false when one is stuck. */
static bool wait_threads(bool phase, unsigned long until)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < S.nthreads; i++) {
		struct sthread *t = S.t[i];

		if (!t->task || t->hung)
			continue;
		if (!wait_bounded(phase ? &t->phase : &t->done, until)) {
			pr_err("%s: thread %u did not finish; its last call:\n", S.tag, i);
			print_call(t, &t->c);
			t->hung = true;
			ok = false;
		}
	}
	return ok;
}

static void sum(struct counters *n)
{
	unsigned int i, j;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < S.nthreads; i++) {
		struct sthread *t = S.t[i];

		n->calls += t->n.calls;
		n->sync += t->n.sync;
		n->async += t->n.async;
		n->bios += t->n.bios;
		n->bytes += t->n.bytes;
		n->mismatches += t->n.mismatches;
		n->lost += t->n.lost;
		n->errors += t->n.errors;
		n->injected += t->n.injected;
		n->enomem += t->n.enomem;
		n->einval += t->n.einval;
		n->bad_bits += t->n.bad_bits;
		n->checked += t->n.checked;
		n->doubled += t->n.doubled;
		for (j = 0; j < NCTX; j++)
			n->doubled += ctx_extra(&t->ctx[j]);
	}
}

/* After a thread got stuck, nothing may be freed nor unloaded. */
static void pin(void)
{
	if (!S.pinned)
		__module_get(THIS_MODULE);
	S.pinned = true;
}

static bool stuck_any(void)
{
	unsigned int i;

	for (i = 0; i < S.nthreads; i++)
		if (S.t[i]->stuck || S.t[i]->hung)
			return true;
	return false;
}

static int reserve(unsigned int pages, unsigned int *before)
{
	int ret;

	*before = dmio_reserved_pages();
	ret = dm_io_get(pages);
	if (ret) {
		pr_err("%s: dm_io_get(%u) failed: %d\n", S.tag, pages, ret);
		return ret;
	}
	if (dmio_reserved_pages() != *before + pages) {
		pr_err("%s: dm_io_get(%u): reservation %u -> %u\n", S.tag, pages,
		       *before, dmio_reserved_pages());
		dm_io_put(pages);
		return -EIO;
	}
	return 0;
}

static int unreserve(unsigned int pages, unsigned int before)
{
	dm_io_put(pages);
	if (dmio_reserved_pages() != before) {
		pr_err("%s: dm_io_put(%u): reservation %u, was %u before the get\n",
		       S.tag, pages, dmio_reserved_pages(), before);
		return -EIO;
	}
	return 0;
}

static int run_stress(void)
{
	unsigned int n = threads_per_cpu * num_online_cpus(), i, before;
	size_t bytes = (size_t)max_kib << 10;
	bool toggler = false, ok;
	struct counters c;
	unsigned long t0 = jiffies;
	int ret, res_err = 0;

	if (!n || bytes < SZ_64K)
		return -EINVAL;
	for (i = 0; i < S.ndevs; i++) {
		S.devs[i].model = vzalloc(S.devs[i].nr * sizeof(u64));
		if (!S.devs[i].model)
			return -ENOMEM;
	}
	ret = alloc_threads(n, bytes);
	if (ret)
		return ret;
	ret = reserve(256, &before);
	if (ret)
		return ret;
	init_completion(&S.go);
	init_completion(&S.toggler_done);
	S.deadline = jiffies + seconds * HZ;
#ifdef CONFIG_FAIL_MAKE_REQUEST
	if (toggle_ms) {
		struct task_struct *tk = kthread_run(toggler_fn, NULL, "dmio_toggler");

		toggler = !IS_ERR(tk);
	}
#endif
	ret = start_threads(stress_fn);
	ok = wait_threads(true, S.deadline + (cb_timeout + 120) * HZ);
	if (toggler) {
		WRITE_ONCE(S.toggler_stop, true);
		wait_for_completion(&S.toggler_done);
	}
	for (i = 0; i < S.ndevs; i++)
		if (S.devs[i].failing)
			dev_set_failing(&S.devs[i], false);
	complete_all(&S.go);
	ok = wait_threads(false, jiffies + 900 * HZ) && ok && !stuck_any();
	if (ok)
		res_err = unreserve(256, before);
	sum(&c);
	ok = ok && !ret && !res_err && !c.mismatches && !c.lost && !c.doubled &&
		!c.errors;
	pr_info("dmio-stress: calls=%llu sync=%llu async=%llu bios≈%llu bytes=%llu injected_faults=%llu fail_toggles=%lld checked_sectors=%llu mismatches=%llu lost_callbacks=%llu doubled_callbacks=%llu errors=%llu (einval=%llu enomem=%llu wrong_bits=%llu) threads=%u seconds=%u elapsed=%u seed=%lu %s\n",
		c.calls, c.sync, c.async, c.bios, c.bytes, c.injected,
		(long long)atomic64_read(&S.toggles), c.checked, c.mismatches,
		c.lost, c.doubled, c.errors + !!res_err + !!ret, c.einval,
		c.enomem, c.bad_bits,
		n, seconds, jiffies_to_msecs(jiffies - t0) / 1000, seed,
		ok ? "ok" : "FAILED");
	if (stuck_any() || c.lost)
		pin();
	/* The line is the verdict: busybox insmod loads again after an error. */
	return 0;
}

static int run_starvation(void)
{
	unsigned long t0 = jiffies;
	unsigned int i, devs_ok = 1, before;
	struct counters c;
	bool ok, late;
	int ret;

	for (i = 0; i < S.ndevs; i++) {
		sector_t per = round_down(div_u64(S.devs[i].nr, threads), LANE_ALIGN);

		if (per < 8192)	/* room for 2 regions of 2 MiB per device */
			devs_ok = 0;
	}
	if (!devs_ok)
		pr_warn("%s: devices too small for %u threads: regions shrink\n",
			S.tag, threads);
	ret = alloc_threads(threads, SZ_2M);
	if (ret)
		return ret;
	/* As a target's constructor would: the client exists before any I/O. */
	ret = reserve(threads, &before);
	if (ret)
		return ret;
	ret = start_threads(starve_fn);
	ok = wait_threads(false, t0 + bound * HZ) && !ret;
	late = time_after(jiffies, t0 + bound * HZ);
	if (late)
		pr_err("%s: the calls took %u ms, more than the bound of %u s\n",
		       S.tag, jiffies_to_msecs(jiffies - t0), bound);
	if (ok && !stuck_any())
		ret = unreserve(threads, before);
	ok = ok && !ret && !late;
	sum(&c);
	ok = ok && !stuck_any() && !c.mismatches && !c.lost && !c.doubled &&
		!c.errors;
	pr_info("dmio-starvation: calls=%llu sync=%llu async=%llu bytes=%llu threads=%u bound=%u elapsed_ms=%u mismatches=%llu lost_callbacks=%llu doubled_callbacks=%llu errors=%llu (einval=%llu enomem=%llu wrong_bits=%llu) seed=%lu %s\n",
		c.calls, c.sync, c.async, c.bytes, threads, bound,
		jiffies_to_msecs(jiffies - t0), c.mismatches, c.lost, c.doubled,
		c.errors, c.einval, c.enomem, c.bad_bits, seed, ok ? "ok" : "FAILED");
	if (stuck_any() || c.lost)
		pin();
	return 0;
}

/* ---- fuzz ---- */

enum verdict { V_ACCEPT, V_REFUSE, V_EITHER };
static const char * const verdict_name[] = { "accept", "refuse", "either" };

enum bfault {
	BF_NONE,
	BF_PL_OFF_BIG,		/* page-list offset >= PAGE_SIZE */
	BF_OFF_ODD,		/* offset/address not a multiple of 512 */
	BF_PL_SHORT,		/* list shorter than the largest region */
	BF_PL_NULLPAGE,		/* a NULL page within the part used */
	BF_PL_EXTRA_NULL,	/* a NULL page after the part used: fine */
	BF_BV_NULLPAGE,		/* bvec entry with NULL page within the part used */
	BF_BV_LEN0,
	BF_BV_LENODD,
	BF_BV_OFFODD,
	BF_BV_BEYOND,		/* a bad entry after the part used: fine */
	BF_VM_NULL,
	BF_VM_BOGUS,		/* neither vmalloc'd nor linear */
	BF_VM_MODULE,		/* module data: vmalloc-like, either way */
	BF_NR
};

static const char * const bfault_name[] = {
	"none", "pl-offset>=PAGE_SIZE", "offset-odd", "pl-short", "pl-null-page",
	"pl-null-page-after-used", "bv-null-page", "bv-len-0", "bv-len-odd",
	"bv-offset-odd", "bv-bad-entry-after-used", "vm-null", "vm-bogus",
	"vm-module-data",
};

enum rshape { R_VALID, R_ZERO, R_NULLDEV, R_PAST, R_WRAP, R_MISALIGNED };
static const char * const rshape_name[] = {
	"valid", "count0", "null-bdev", "past-end", "wrapping", "misaligned",
};

#define FUZZ_REGS	(BITS_PER_LONG + 2)
#define FUZZ_BYTES	(SZ_1M + SZ_64K)

struct fcase {
	unsigned int id;
	u64 rng, cid;
	unsigned int nr;	/* num_regions passed */
	unsigned int nreg;	/* entries set in where[] */
	bool where_null;
	blk_opf_t op, flags;
	enum bkind kind;
	bool async, fn_null, nobits;
	enum bfault bf;
	struct sbuf buf;
	bool buf_real;		/* well formed: poisoned before, checked after */
	unsigned int len;	/* largest count */
	struct sdev *failing;
	enum verdict want;
	const char *why;
	struct io_region where[FUZZ_REGS];
	struct sdev *dev[FUZZ_REGS];
	enum rshape shape[FUZZ_REGS];
};

static struct {
	struct bufs b;
	struct fcase fc;
	struct actx *ctx;	/* one per case */
	u8 *async_ok;		/* per case: 1 if an accepted async call */
	struct counters n;
	u64 violations;
	unsigned int by_verdict[3];
	char what[600];
} F;

static u8 fuzz_static[2 * PAGE_SIZE] __aligned(PAGE_SIZE);

static void fuzz_describe(struct fcase *f)
{
	int at, i;

	at = scnprintf(F.what, sizeof(F.what),
		       "case %u: %s %s op=%u flags=%#x nr=%u%s kind=%s fault=%s len=%u%s%s failing=%s want=%s(%s):",
		       f->id, f->async ? "async" : "sync", op_name(f->op),
		       (unsigned int)f->op, (unsigned int)f->flags, f->nr,
		       f->where_null ? " where=NULL" : "", kind_name[f->kind],
		       bfault_name[f->bf], f->len, f->fn_null ? " fn=NULL" : "",
		       f->nobits ? " bits=NULL" : "",
		       f->failing ? f->failing->path + 5 : "-",
		       verdict_name[f->want], f->why ? f->why : "");
	if (f->kind == K_PL)
		at += scnprintf(F.what + at, sizeof(F.what) - at, " offset=%u", f->buf.offset);
	else if (f->kind != K_BVEC)
		at += scnprintf(F.what + at, sizeof(F.what) - at, " data=+%lu",
				offset_in_page(f->buf.data));
	for (i = 0; i < f->nreg && i < 8; i++)
		at += scnprintf(F.what + at, sizeof(F.what) - at, " %s:%llu+%llu(%s)",
				f->dev[i] ? f->dev[i]->path + 5 : "NULL",
				(unsigned long long)f->where[i].sector,
				(unsigned long long)f->where[i].count,
				rshape_name[f->shape[i]]);
	if (f->nreg > 8)
		scnprintf(F.what + at, sizeof(F.what) - at, " ...");
}

static __printf(2, 3) void violation(struct fcase *f, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	F.violations++;
	if (atomic_inc_return(&S.reports) > REPORT_MAX)
		return;
	fuzz_describe(f);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("dmio-fuzz: VIOLATION %pV; %s\n", &vaf, F.what);
	va_end(args);
}

static struct sdev *fuzz_dev(u64 *r, bool bvec)
{
	unsigned int i, n = 0, pick;

	for (i = 0; i < S.ndevs; i++)
		n += !(bvec && S.devs[i].vb);
	pick = below(r, n);
	for (i = 0; i < S.ndevs; i++)
		if (!(bvec && S.devs[i].vb) && !pick--)
			return &S.devs[i];
	return &S.devs[0];
}

static void fuzz_regions(struct fcase *f)
{
	unsigned int cnt[MAX_DEVS] = { 0 }, used[MAX_DEVS] = { 0 }, i;
	u64 *r = &f->rng;

	for (i = 0; i < f->nreg; i++) {
		f->dev[i] = fuzz_dev(r, f->kind == K_BVEC);
		cnt[f->dev[i]->idx]++;
	}
	f->len = 0;
	for (i = 0; i < f->nreg; i++) {
		struct sdev *d = f->dev[i];
		struct io_region *w = &f->where[i];
		sector_t area = round_down(min_t(sector_t, d->nr / 2, SZ_16M >> SECTOR_SHIFT),
					   LANE_ALIGN);
		sector_t lane = round_down(div_u64(area, cnt[d->idx]), LANE_ALIGN);
		sector_t lstart = lane * used[d->idx]++, count;
		unsigned int p = below(r, 100), size;

		size = p < 70 ? 1 + below(r, 128) : p < 95 ? 1 + below(r, 512) :
			1 + below(r, 2048);
		count = round_down(min_t(sector_t, size, lane), d->lbs);
		if (!count && lane >= d->lbs)
			count = d->lbs;
		w->bdev = d->bdev;
		w->count = count;
		w->sector = lstart + round_down(below(r, lane - count + 1), d->lbs);
		f->shape[i] = R_VALID;

		p = below(r, 1000);
		if (p < 30) {
			f->shape[i] = R_NULLDEV;
			w->bdev = NULL;
			f->dev[i] = NULL;
		} else if (p < 80) {
			sector_t back = d->lbs * below(r, 3);

			f->shape[i] = R_PAST;
			w->sector = d->nr - back;
			w->count = back + d->lbs * (1 + below(r, 8));
		} else if (p < 90) {
			f->shape[i] = R_WRAP;
			w->sector = round_down(~(sector_t)0, d->lbs) - d->lbs;
			w->count = 4 * d->lbs;
		} else if (p < 150 && d->lbs > 1 && lane >= 2 * LANE_ALIGN) {
			f->shape[i] = R_MISALIGNED;
			if (chance(r, 50)) {
				w->sector = lstart + 1 + below(r, d->lbs - 1);
				w->count = d->lbs;
			} else {
				w->sector = lstart;
				w->count = d->lbs * below(r, 2) + 1 + below(r, d->lbs - 1);
			}
		} else if (p < 250) {
			f->shape[i] = R_ZERO;
			w->count = 0;
		}
		f->len = max_t(unsigned int, f->len, w->count);
	}
}

static void fuzz_buffer(struct fcase *f)
{
	struct bufs *b = &F.b;
	u64 *r = &f->rng;
	bool whole = false, data_op = f->op == REQ_OP_READ || f->op == REQ_OP_WRITE;
	unsigned int i, p = below(r, 100), n, used;

	for (i = 0; i < f->nreg; i++)
		whole |= f->dev[i] && f->dev[i]->whole;
	if (f->len > kind_cap(b, f->kind))
		f->kind = K_VM;
	build_buf(b, r, &f->buf, f->kind, f->len ? f->len : 1, whole, true);
	f->buf_real = true;
	f->bf = BF_NONE;
	if (p >= 25)	/* three cases in four: a good buffer */
		return;

	switch (f->kind) {
	case K_PL:
		n = DIV_ROUND_UP(f->buf.offset + ((size_t)(f->len ? f->len : 1) << SECTOR_SHIFT),
				 PAGE_SIZE);
		switch (below(r, 5)) {
		case 0:
			f->bf = BF_PL_OFF_BIG;
			f->buf.offset = PAGE_SIZE + (below(r, PAGE_SECTORS_) << SECTOR_SHIFT);
			break;
		case 1:
			f->bf = BF_OFF_ODD;
			f->buf.offset += 1 + below(r, SECTOR_SIZE - 1);
			break;
		case 2:
			f->bf = BF_PL_SHORT;
			n -= 1 + below(r, min(2U, n));
			if (n)
				b->pl[n - 1].next = NULL;
			else
				f->buf.pl = NULL;
			break;
		case 3:
			f->bf = BF_PL_NULLPAGE;
			b->pl[below(r, n)].page = NULL;
			break;
		default:
			f->bf = BF_PL_EXTRA_NULL;
			b->pl[n - 1].next = &b->pl[n];
			b->pl[n].page = NULL;
			b->pl[n].next = NULL;
			break;
		}
		break;
	case K_BVEC:
		for (used = 0, n = 0; n < (f->len << SECTOR_SHIFT); used++)
			n += b->bv[used].bv_len;
		i = used ? below(r, used) : 0;
		switch (used ? below(r, 5) : 4) {
		case 0:
			f->bf = BF_BV_NULLPAGE;
			b->bv[i].bv_page = NULL;
			break;
		case 1:
			f->bf = BF_BV_LEN0;
			b->bv[i].bv_len = 0;
			break;
		case 2:
			f->bf = BF_BV_LENODD;
			b->bv[i].bv_len = b->bv[i].bv_len > SECTOR_SIZE ?
				b->bv[i].bv_len - 1 - below(r, SECTOR_SIZE - 1) :
				1 + below(r, SECTOR_SIZE - 1);
			break;
		case 3:
			f->bf = BF_BV_OFFODD;
			b->bv[i].bv_offset += 1 + below(r, SECTOR_SIZE - 1);
			if (b->bv[i].bv_offset + b->bv[i].bv_len > PAGE_SIZE)
				b->bv[i].bv_len = PAGE_SIZE - b->bv[i].bv_offset;
			break;
		default:
			/* After the part used: a bad entry, never to be read. */
			f->bf = BF_BV_BEYOND;
			b->bv[used].bv_page = NULL;
			b->bv[used].bv_offset = 1;
			b->bv[used].bv_len = 3;
			break;
		}
		break;
	default:
		switch (below(r, 4)) {
		case 0:
			f->bf = BF_VM_NULL;
			f->buf.data = NULL;
			break;
		case 1:
			f->bf = BF_VM_BOGUS;
			/* A write only reads it: struct pages; a read: non-canonical. */
			f->buf.data = f->op == REQ_OP_WRITE ?
				(void *)((unsigned long)b->pool[0] & ~511UL) :
				(void *)0xdead000000000000UL;
			break;
		case 2:
			f->bf = BF_OFF_ODD;
			f->buf.data = (char *)f->buf.data + 1 + below(r, SECTOR_SIZE - 1);
			break;
		default:
			if (((size_t)f->len << SECTOR_SHIFT) <= sizeof(fuzz_static)) {
				f->bf = BF_VM_MODULE;
				f->buf.data = fuzz_static;
			}
			break;
		}
		break;
	}
	f->buf_real = f->bf == BF_NONE || f->bf == BF_PL_EXTRA_NULL ||
		f->bf == BF_BV_BEYOND || f->bf == BF_VM_MODULE;
	if (!data_op)
		f->buf_real = false;
}

/* Why the contract refuses the call, or NULL. */
static const char *fuzz_refusal(const struct fcase *f)
{
	bool data_op = f->op == REQ_OP_READ || f->op == REQ_OP_WRITE;
	unsigned int i;

	if (!f->nr || f->nr > BITS_PER_LONG)
		return "num_regions";
	if (f->where_null)
		return "where NULL";
	if (!data_op && f->op != REQ_OP_DISCARD && f->op != REQ_OP_WRITE_ZEROES)
		return "op";
	if (f->flags & ~allowed_flags)
		return "flag";
	if (f->op == REQ_OP_READ && (f->flags & (REQ_FUA | REQ_PREFLUSH)))
		return "FUA/PREFLUSH on a read";
	if (f->op == REQ_OP_READ && f->nr > 1)
		return "read of several regions";
	for (i = 0; i < f->nr; i++) {
		const struct io_region *w = &f->where[i];
		const struct sdev *d = f->dev[i];

		if (!w->bdev)
			return "NULL bdev";
		if (w->sector > d->nr || w->count > d->nr - w->sector)
			return "past the end";
		if ((w->sector | w->count) & (d->lbs - 1))
			return "misaligned region";
	}
	if (f->async && f->fn_null)
		return "NULL callback";
	if (!data_op)
		return NULL;
	if (f->bf == BF_PL_OFF_BIG)
		return "page offset";
	if (!f->len)
		return NULL;
	switch (f->bf) {
	case BF_OFF_ODD:
	case BF_PL_SHORT:
	case BF_PL_NULLPAGE:
	case BF_BV_NULLPAGE:
	case BF_BV_LEN0:
	case BF_BV_LENODD:
	case BF_BV_OFFODD:
	case BF_VM_NULL:
	case BF_VM_BOGUS:
		return bfault_name[f->bf];
	default:
		return NULL;
	}
}

static void fuzz_verdict(struct fcase *f)
{
	bool data_op = f->op == REQ_OP_READ || f->op == REQ_OP_WRITE;

	f->why = fuzz_refusal(f);
	if (f->why) {
		f->want = V_REFUSE;
	} else if (data_op && f->len && f->bf == BF_VM_MODULE) {
		f->want = V_EITHER;
		f->why = "module data";
	} else if (!data_op && (f->flags & (REQ_FUA | REQ_PREFLUSH))) {
		f->want = V_EITHER;
		f->why = "FUA/PREFLUSH on discard/write-zeroes";
	} else {
		f->want = V_ACCEPT;
	}
}

static void fuzz_gen(struct fcase *f, unsigned int id)
{
	static const blk_opf_t bad_ops[] = {
		REQ_OP_FLUSH, REQ_OP_SECURE_ERASE, REQ_OP_ZONE_APPEND,
		REQ_OP_ZONE_RESET, REQ_OP_ZONE_RESET_ALL, REQ_OP_DRV_IN,
		REQ_OP_DRV_OUT, 4, 6,
	};
	static const blk_opf_t hint_flags[] = {
		REQ_SYNC, REQ_META, REQ_PRIO, REQ_FUA, REQ_PREFLUSH, REQ_IDLE,
		REQ_RAHEAD, REQ_NOUNMAP, REQ_BACKGROUND,
	};
	static const blk_opf_t bad_flags[] = {
		REQ_NOWAIT, REQ_POLLED, REQ_FAILFAST_DEV, REQ_NOMERGE,
		REQ_INTEGRITY, REQ_SWAP, REQ_DRV, DMIO_COMPAT_REQ_SUBMITTER_PRIVATE,
	};
	u64 *r = &f->rng;
	unsigned int p, i, nvalid;

	memset(f, 0, offsetof(struct fcase, where));
	f->id = id;
	rnd_seed(&f->rng, seed ^ ((u64)id << 32 | 0xf022));
	f->cid = (u64)id + 1;

	p = below(r, 100);
	f->op = p < 35 ? REQ_OP_WRITE : p < 65 ? REQ_OP_READ :
		p < 75 ? REQ_OP_DISCARD : p < 83 ? REQ_OP_WRITE_ZEROES :
		p < 95 ? bad_ops[below(r, ARRAY_SIZE(bad_ops))] :
		below(r, REQ_OP_MASK + 1);
	for (i = 0; i < ARRAY_SIZE(hint_flags); i++)
		if (chance(r, 8))
			f->flags |= hint_flags[i];
	if (chance(r, 8)) {
		if (chance(r, 50)) {
			f->flags |= bad_flags[below(r, ARRAY_SIZE(bad_flags))];
		} else {
			blk_opf_t bit = (blk_opf_t)1 << (REQ_OP_BITS +
						       below(r, 32 - REQ_OP_BITS));

			if (!(bit & allowed_flags))
				f->flags |= bit;
		}
	}
	f->kind = below(r, K_NR);
	f->async = chance(r, 50);
	f->fn_null = f->async && chance(r, 5);
	f->nobits = !f->async && chance(r, 5);

	if (f->op == REQ_OP_READ)
		nvalid = chance(r, 90) ? 1 : 2 + below(r, 3);
	else
		nvalid = chance(r, 80) ? 1 + below(r, 8) : 9 + below(r, BITS_PER_LONG - 8);
	p = below(r, 100);
	f->nr = p < 4 ? 0 : p < 7 ? BITS_PER_LONG + 1 : p < 9 ? UINT_MAX : nvalid;
	f->nreg = min_t(unsigned int, max(f->nr, 1U), FUZZ_REGS);
	f->where_null = chance(r, 3);
	fuzz_regions(f);
	fuzz_buffer(f);
	if (chance(r, 15)) {
		i = below(r, f->nreg);
		f->failing = f->dev[i];
	}
	fuzz_verdict(f);
}

static u64 canary_tag(const struct fcase *f, const struct sdev *d, sector_t s)
{
	return (1ULL << 62) | (u64)d->idx << 56 | f->cid << 24 | (s & 0xffffff);
}

/* The block-aligned range of region i inside its device, or false. */
static bool fuzz_range(const struct fcase *f, unsigned int i, sector_t *s,
		       sector_t *n)
{
	const struct io_region *w = &f->where[i];
	const struct sdev *d = f->dev[i];
	sector_t end;

	if (!d || !w->count || w->sector >= d->nr || w->sector + w->count < w->sector)
		return false;
	*s = round_down(w->sector, d->lbs);
	end = min_t(sector_t, round_up(w->sector + w->count, d->lbs), d->nr);
	*n = end - *s;
	return *n > 0;
}

static int fuzz_canaries(struct fcase *f)
{
	unsigned int i, k;
	sector_t s, n;

	for (i = 0; i < f->nreg; i++) {
		u64 *p = F.b.check;

		if (!fuzz_range(f, i, &s, &n))
			continue;
		for (k = 0; k < n; k++, p += WORDS)
			fill_sector(p, canary_tag(f, f->dev[i], s + k));
		if (trusted_io(f->dev[i], REQ_OP_WRITE, s, n, F.b.check))
			return -EIO;
	}
	return 0;
}

/*
 * Checks the device range of region i: each sector must hold the canary,
 * or (in the region, when @what is 1) the call's data, (2) zeroes.
 */
static unsigned int fuzz_check_range(struct fcase *f, unsigned int i, int what)
{
	const struct io_region *w = &f->where[i];
	unsigned int k, bad = 0;
	u64 *p = F.b.check;
	sector_t s, n;

	if (!fuzz_range(f, i, &s, &n))
		return 0;
	if (trusted_io(f->dev[i], REQ_OP_READ, s, n, F.b.check))
		return 1;
	for (k = 0; k < n; k++, p += WORDS) {
		sector_t at = s + k;
		bool in = at >= w->sector && at < w->sector + w->count;
		u64 want = !in || !what ? canary_tag(f, f->dev[i], at) :
			what == 1 ? tag_of(f->cid, at - w->sector) : ZERO_TAG;

		if (!sector_is(p, want))
			bad++;
	}
	F.n.checked += n;
	return bad;
}

static void fuzz_poison(struct fcase *f)
{
	struct cursor cur;
	unsigned int k;

	if (!f->buf_real)
		return;
	cur_init(&cur, &f->buf);
	for (k = 0; k < f->len; k++) {
		u64 *p = cur_next(&cur);

		if (f->op == REQ_OP_WRITE)
			fill_sector(p, tag_of(f->cid, k));
		else
			memset(p, 0xa5, SECTOR_SIZE);
	}
}

static unsigned int fuzz_check_buffer(struct fcase *f, bool refused, bool failed)
{
	struct cursor cur;
	unsigned int k, bad = 0;
	u8 poison[SECTOR_SIZE];

	if (!f->buf_real || f->op != REQ_OP_READ)
		return 0;
	memset(poison, 0xa5, sizeof(poison));
	cur_init(&cur, &f->buf);
	for (k = 0; k < f->len; k++) {
		u64 *p = cur_next(&cur);
		bool ok;

		if (refused || k >= f->where[0].count)
			ok = !memcmp(p, poison, SECTOR_SIZE);
		else if (failed)
			ok = sector_zero(p);
		else
			ok = sector_is(p, canary_tag(f, f->dev[0], f->where[0].sector + k));
		bad += !ok;
	}
	return bad;
}

static void fuzz_one(unsigned int id)
{
	struct fcase *f = &F.fc;
	struct actx *a = &F.ctx[id];
	unsigned long bits = 0, want = 0;
	bool refused, dc_flush;
	unsigned int i, bad;
	int ret;

	fuzz_gen(f, id);
	F.by_verdict[f->want]++;
	if (fuzz_canaries(f)) {
		F.n.errors++;
		violation(f, "cannot write the canaries");
		return;
	}
	fuzz_poison(f);
	if (f->failing)
		dev_set_failing(f->failing, true);
	ctx_arm(a);
	ret = issue(f->nr, f->where_null ? NULL : f->where, f->op | f->flags,
		    &f->buf, f->async, f->fn_null ? NULL : notify, a,
		    f->nobits ? NULL : &bits);
	refused = ret == -EINVAL;
	if (f->async && !ret) {
		a->expect = 1;
		F.async_ok[id] = 1;
		if (!wait_bounded(&a->done, jiffies + cb_timeout * HZ)) {
			F.n.lost++;
			violation(f, "no callback within %u s", cb_timeout);
			if (f->failing)
				dev_set_failing(f->failing, false);
			return;
		}
		bits = a->bits;
	}
	if (f->failing)
		dev_set_failing(f->failing, false);
	F.n.calls++;
	if (ret == -ENOMEM)
		F.n.enomem++;

	if (refused) {
		F.n.refused++;
		if (f->want == V_ACCEPT)
			violation(f, "refused a valid call");
	} else {
		F.n.accepted++;
		if (f->want == V_REFUSE) {
			violation(f, "accepted (returned %d), expected -EINVAL", ret);
			/* Its I/O is not checked: the model has no answer. */
			return;
		}
		if (f->async ? ret : ret && ret != -EIO) {
			violation(f, "returned %d", ret);
			return;
		}
	}
	if (refused) {
		for (i = 0; i < f->nreg; i++) {
			bad = fuzz_check_range(f, i, 0);
			if (bad)
				violation(f, "refused, but region %u changed (%u sectors)", i, bad);
		}
		bad = fuzz_check_buffer(f, true, false);
		if (bad)
			violation(f, "refused, but the read buffer changed (%u sectors)", bad);
		if (atomic_read(&a->calls))
			violation(f, "refused, but the callback ran");
		return;
	}

	/* Accepted: bits, then each region's data. */
	dc_flush = !(f->op == REQ_OP_READ || f->op == REQ_OP_WRITE);
	for (i = 0; i < f->nr; i++) {
		struct sdev *d = f->dev[i];
		bool io = f->where[i].count || (f->flags & REQ_PREFLUSH);
		bool unsup = f->where[i].count &&
			((f->op == REQ_OP_DISCARD && !d->discard) ||
			 (f->op == REQ_OP_WRITE_ZEROES && !d->zeroes));

		if (io && (d == f->failing || unsup))
			want |= BIT(i);
	}
	if (f->nobits) {
		if (ret != (want ? -EIO : 0))
			violation(f, "returned %d, expected bits %#lx", ret, want);
		bits = want;
	} else {
		unsigned long care = ~0UL;

		if (dc_flush)
			for (i = 0; i < f->nr; i++)
				if (!f->where[i].count)
					care &= ~BIT(i);
		if (!f->async && ret != (bits ? -EIO : 0))
			violation(f, "returned %d with bits %#lx", ret, bits);
		if ((bits & care) != (want & care))
			violation(f, "bits %#lx, expected %#lx", bits, want);
	}
	for (i = 0; i < f->nr; i++) {
		bool failed = bits & BIT(i);

		if (!f->where[i].count)
			continue;
		switch (f->op) {
		case REQ_OP_WRITE:
			bad = fuzz_check_range(f, i, failed ? 0 : 1);
			break;
		case REQ_OP_WRITE_ZEROES:
			bad = fuzz_check_range(f, i, failed ? 0 : 2);
			break;
		case REQ_OP_READ:
			bad = fuzz_check_buffer(f, false, failed);
			break;
		default:
			bad = 0;
			break;
		}
		if (bad) {
			F.n.mismatches += bad;
			violation(f, "region %u: %u sectors wrong after %s", i, bad,
				  failed ? "a failure" : "success");
		}
	}
}

static int run_fuzz(void)
{
	unsigned int i, first = min(first_case, cases), last = cases, extra = 0;
	unsigned long t0 = jiffies;
	int ret;

	if (only_case >= 0) {
		first = only_case;
		last = only_case + 1;
	}
	if (last > cases)
		cases = last;
	ret = alloc_bufs(&F.b, FUZZ_BYTES, 2 * FUZZ_BYTES);
	if (ret)
		return ret;
	F.ctx = kvcalloc(cases, sizeof(*F.ctx), GFP_KERNEL);
	F.async_ok = kvzalloc(cases, GFP_KERNEL);
	if (!F.ctx || !F.async_ok)
		return -ENOMEM;
	for (i = 0; i < cases; i++)
		init_completion(&F.ctx[i].done);
	for (i = first; i < last && !F.n.lost; i++) {
		if (i > first && !(i % 1000))
			pr_info("dmio-fuzz: at case %u, %llu violations, unreclaimable slab %lu kB, free %lu kB\n",
				i, F.violations,
				global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) <<
				(PAGE_SHIFT - 10),
				global_zone_page_state(NR_FREE_PAGES) << (PAGE_SHIFT - 10));
		fuzz_one(i);
		cond_resched();
	}
	/* Late callbacks: refused calls must never get one, others once. */
	msleep(200);
	for (i = first; i < last; i++) {
		int n = atomic_read(&F.ctx[i].calls);

		if (n != F.async_ok[i] && !(F.n.lost && i == last - 1)) {
			extra++;
			pr_err("dmio-fuzz: case %u: %d callbacks, expected %u\n", i, n,
			       F.async_ok[i]);
		}
	}
	F.violations += extra;
	pr_info("dmio-fuzz: cases=%u accepted=%llu refused=%llu model_accept=%u model_refuse=%u model_either=%u checked_sectors=%llu enomem=%llu lost_callbacks=%llu wrong_callbacks=%u violations=%llu elapsed=%u seed=%lu %s\n",
		last - first, F.n.accepted, F.n.refused, F.by_verdict[V_ACCEPT],
		F.by_verdict[V_REFUSE], F.by_verdict[V_EITHER], F.n.checked,
		F.n.enomem, F.n.lost, extra, F.violations,
		jiffies_to_msecs(jiffies - t0) / 1000, seed,
		F.violations || F.n.lost ? "FAILED" : "ok");
	if (F.n.lost)
		pin();
	return 0;
}

static void free_fuzz(void)
{
	if (S.pinned)
		return;
	free_bufs(&F.b);
	kvfree(F.ctx);
	kvfree(F.async_ok);
	F.ctx = NULL;
	F.async_ok = NULL;
}

/* ---- smoke: one balanced reservation and a few calls ---- */

static int run_smoke(void)
{
	struct sdev *d = &S.devs[0];
	struct io_region where = { .bdev = d->bdev, .sector = 0, .count = 128 };
	unsigned int before, k, bad = 0;
	unsigned long bits = ~0UL;
	struct actx *a;
	struct sbuf sb;
	u64 r;
	int ret;

	rnd_seed(&r, seed);
	ret = alloc_threads(1, SZ_256K);
	if (ret)
		return ret;
	a = &S.t[0]->ctx[0];
	ret = reserve(64, &before);
	if (ret)
		return ret;
	/* vmalloc write, page-list read, async bvec write of the same. */
	memset(&sb, 0, sizeof(sb));
	sb.kind = K_VM;
	sb.data = S.t[0]->b.vmem;
	for (k = 0; k < 128; k++)
		fill_sector((u64 *)sb.data + k * WORDS, tag_of(7, k));
	ret = dm_io_sync_vm(1, &where, REQ_OP_WRITE | REQ_FUA, sb.data, &bits);
	if (ret || bits)
		bad++;
	build_buf(&S.t[0]->b, &r, &sb, K_PL, 128, d->whole, false);
	ret = dm_io_sync(1, &where, REQ_OP_READ, sb.pl, sb.offset, &bits);
	if (ret || bits)
		bad++;
	{
		struct cursor cur;

		cur_init(&cur, &sb);
		for (k = 0; k < 128; k++)
			bad += !sector_is(cur_next(&cur), tag_of(7, k));
	}
	build_buf(&S.t[0]->b, &r, &sb, K_BVEC, 128, d->whole, true);
	ctx_arm(a);
	a->expect = 1;
	ret = dm_io_async_bvec(1, &where, REQ_OP_WRITE, sb.bv, notify, a);
	if (ret || !wait_bounded(&a->done, jiffies + cb_timeout * HZ)) {
		pin();
		pr_err("dmio-smoke: async call %d or no callback\n", ret);
		return 0;
	}
	if (a->bits)
		bad++;
	ret = unreserve(64, before);
	pr_info("dmio-smoke: reserved=%u bad=%u %s\n", before, bad,
		bad || ret ? "FAILED" : "ok");
	return bad || ret ? -EIO : 0;
}

/* ---- module ---- */

static int __init dmio_stress_init(void)
{
	static const char * const tags[] = {
		"dmio-stress", "dmio-starvation", "dmio-fuzz", "dmio-smoke",
	};
	int ret, m;

	m = match_string(mode_name, M_NR, mode);
	if (m < 0)
		return -EINVAL;
	S.tag = tags[m];
	if (!seed)
		seed = get_random_u64() >> 1;
	atomic64_set(&S.cid, 1);	/* call 1: the prefill */
	atomic_set(&S.reports, 0);
	ret = open_devs();
	if (ret)
		return ret;
	pr_info("%s: seed=%lu devices=%s\n", S.tag, seed, devices);
	switch (m) {
	case M_STRESS:
		ret = run_stress();
		break;
	case M_STARVATION:
		ret = run_starvation();
		break;
	case M_FUZZ:
		ret = run_fuzz();
		break;
	default:
		ret = run_smoke();
		break;
	}
	if (S.pinned) {
		pr_err("%s: calls still in flight: module pinned\n", S.tag);
		return 0;
	}
	free_threads();
	free_fuzz();
	close_devs();
	if (ret)
		pr_err("%s: failed: %d\n", S.tag, ret);
	return ret;
}

static void __exit dmio_stress_exit(void)
{
}

module_init(dmio_stress_init);
module_exit(dmio_stress_exit);
MODULE_DESCRIPTION("dmio reliability harness: stress, starvation, fuzz");
MODULE_LICENSE("GPL");
