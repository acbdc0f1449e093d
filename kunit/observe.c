// SPDX-License-Identifier: GPL-2.0
/*
 * observe.c - suite dmio_observe: what dmio tells a kernel engineer about
 * its calls.
 *
 * The tracepoints, seen through probes of the case's own: a call's issue
 * and its completion, paired by id, with its entry point, op, flags,
 * regions, bytes, client, caller and error bits.  The counters, in the
 * text their debugfs files show: calls per entry point, bios, bytes,
 * failed and refused calls; and a client's reserve and how many of its
 * reserve elements were ever out at once.  (tests/e2e/observability.sh
 * reads both through tracefs and debugfs.)
 */
#include <linux/dm-io.h>
#include <linux/ioprio.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>

#include <dmio/testing.h>

#include "../dmio_trace.h"
#include "fixture.h"
#include "testdisk.h"

/* ---- Events, as a probe sees them ---- */

struct seen_issue {
	u64 id;
	unsigned int entry_point, op, flags, regions;
	u64 bytes;
	const void *client;
	unsigned long caller;
};

struct seen_done {
	u64 id;
	unsigned long error_bits;
	int error;
};

#define SEEN_MAX 16

/*
 * What the probes saw of one client's calls.  Static, not the test's: the
 * probes stay attached until the suite's exit, even when a case aborts.
 */
static struct {
	spinlock_t lock;
	bool attached;
	const void *client;	/* only this client's calls */
	unsigned int issues, dones;
	struct seen_issue issue[SEEN_MAX];
	struct seen_done done[SEEN_MAX];
} seen = { .lock = __SPIN_LOCK_UNLOCKED(seen.lock) };

static void probe_issue(void *data, u64 id, unsigned int entry_point,
			const void *client, unsigned long caller,
			unsigned int op, unsigned int flags,
			unsigned int regions, u64 bytes)
{
	unsigned long irqflags;

	spin_lock_irqsave(&seen.lock, irqflags);
	if (client == seen.client && seen.issues < SEEN_MAX)
		seen.issue[seen.issues++] = (struct seen_issue){
			.id = id, .entry_point = entry_point, .op = op,
			.flags = flags, .regions = regions, .bytes = bytes,
			.client = client, .caller = caller,
		};
	spin_unlock_irqrestore(&seen.lock, irqflags);
}

/* Completions carry no client: kept when they complete a kept issue. */
static void probe_done(void *data, u64 id, unsigned long error_bits,
		       int error)
{
	unsigned long irqflags;
	unsigned int i;

	spin_lock_irqsave(&seen.lock, irqflags);
	for (i = 0; i < seen.issues; i++) {
		if (seen.issue[i].id != id || seen.dones >= SEEN_MAX)
			continue;
		seen.done[seen.dones++] = (struct seen_done){
			.id = id, .error_bits = error_bits, .error = error,
		};
		break;
	}
	spin_unlock_irqrestore(&seen.lock, irqflags);
}

/* From now on, record @client's calls. */
static void watch(struct kunit *test, const void *client)
{
	spin_lock_irq(&seen.lock);
	seen.client = client;
	seen.issues = 0;
	seen.dones = 0;
	spin_unlock_irq(&seen.lock);
	if (seen.attached)
		return;
	KUNIT_ASSERT_EQ(test, register_trace_dmio_call_issue(probe_issue, NULL),
			0);
	if (register_trace_dmio_call_done(probe_done, NULL)) {
		unregister_trace_dmio_call_issue(probe_issue, NULL);
		KUNIT_ASSERT_FAILURE(test, "cannot attach to dmio_call_done");
	}
	seen.attached = true;
}

static void unwatch(void)
{
	if (!seen.attached)
		return;
	unregister_trace_dmio_call_issue(probe_issue, NULL);
	unregister_trace_dmio_call_done(probe_done, NULL);
	tracepoint_synchronize_unregister();
	seen.attached = false;
}

static void observe_exit(struct kunit *test)
{
	unwatch();
	fixture_exit(test);
}

/* The one call recorded: its issue, and its completion (error @error). */
static const struct seen_issue *one_call(struct kunit *test,
					 const struct seen_done **done)
{
	KUNIT_ASSERT_EQ(test, seen.issues, 1u);
	KUNIT_ASSERT_EQ(test, seen.dones, 1u);
	KUNIT_EXPECT_NE(test, seen.issue[0].id, 0ull);
	KUNIT_EXPECT_EQ(test, seen.done[0].id, seen.issue[0].id);
	*done = &seen.done[0];
	return &seen.issue[0];
}

static struct dm_io_region dm_region(struct block_device *bdev,
				     sector_t sector, sector_t count)
{
	return (struct dm_io_region){ .bdev = bdev, .sector = sector,
				      .count = count };
}

static void sync_write_is_traced_at_issue_and_completion(struct kunit *test)
{
	struct io_region where[2] = {
		region(ram(test, 44), 0, 16), region(ram(test, 45), 8, 8),
	};
	void *buf = pattern(test, 8192, 1);
	const struct seen_issue *issue;
	const struct seen_done *done;
	unsigned long bits;

	watch(test, THIS_MODULE);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(2, where, WRITE | REQ_FUA, buf,
					    &bits), 0);
	vfree(buf);
	issue = one_call(test, &done);
	KUNIT_EXPECT_EQ(test, issue->entry_point, DMIO_ENTRY_SYNC_VM);
	KUNIT_EXPECT_EQ(test, issue->op, DMIO_OP_WRITE);
	KUNIT_EXPECT_EQ(test, issue->flags, DMIO_REQ_FUA);
	KUNIT_EXPECT_EQ(test, issue->regions, 2u);
	KUNIT_EXPECT_EQ(test, issue->bytes, 8192ull);
	KUNIT_EXPECT_PTR_EQ(test, issue->client, (const void *)THIS_MODULE);
	KUNIT_EXPECT_TRUE_MSG(test, within_module(issue->caller, THIS_MODULE),
			      "caller %pS is not this module's", (void *)issue->caller);
	KUNIT_EXPECT_EQ(test, done->error_bits, 0ul);
	KUNIT_EXPECT_EQ(test, done->error, 0);
}

static void failed_region_bits_reach_the_done_event(struct kunit *test)
{
	struct io_region where[2] = {
		region(ram(test, 44), 0, 8), region(dev(test, FAIL_MAKE_REQUEST), 0, 8),
	};
	void *buf = pattern(test, 4096, 2);
	const struct seen_issue *issue;
	const struct seen_done *done;
	unsigned long bits;

	watch(test, THIS_MODULE);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(2, where, WRITE, buf, &bits), -EIO);
	vfree(buf);
	issue = one_call(test, &done);
	KUNIT_EXPECT_EQ(test, issue->regions, 2u);
	KUNIT_EXPECT_EQ(test, done->error_bits, 2ul);
	KUNIT_EXPECT_EQ(test, done->error, 0);
}

static void refused_call_completes_with_its_error(struct kunit *test)
{
	struct io_region where[2] = {
		region(ram(test, 44), 0, 8), region(ram(test, 45), 0, 8),
	};
	void *buf = filled(test, 4096, 0);
	const struct seen_issue *issue;
	const struct seen_done *done;
	unsigned long bits;

	watch(test, THIS_MODULE);
	/* A read takes one region. */
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(2, where, READ, buf, &bits),
			-EINVAL);
	vfree(buf);
	issue = one_call(test, &done);
	KUNIT_EXPECT_EQ(test, issue->op, DMIO_OP_READ);
	KUNIT_EXPECT_EQ(test, issue->regions, 2u);
	KUNIT_EXPECT_EQ(test, done->error, -EINVAL);
	KUNIT_EXPECT_EQ(test, done->error_bits, 0ul);
}

static void async_and_modern_calls_are_traced(struct kunit *test)
{
	struct block_device *bdev = ram(test, 44);
	struct io_region where = region(bdev, 0, 8);
	struct dm_io_region dwhere = dm_region(bdev, 0, 8);
	struct page **pages = pages_alloc(test, 1);
	struct bio_vec bv = { .bv_page = pages[0], .bv_len = PAGE_SIZE };
	struct async_result *a = async_result(test);
	void *buf = filled(test, PAGE_SIZE, 0);
	struct dm_io_client *c = dmio_io_client_create();
	struct dm_io_request req = {
		.bi_opf = REQ_OP_READ, .client = c,
		.mem = { .type = DM_IO_VMA, .ptr.vma = buf },
	};
	unsigned long bits;

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	watch(test, THIS_MODULE);
	KUNIT_EXPECT_EQ(test, dm_io_async_bvec(1, &where, WRITE, &bv,
					       async_notify, a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
	KUNIT_ASSERT_EQ(test, seen.issues, 1u);
	KUNIT_EXPECT_EQ(test, seen.issue[0].entry_point, DMIO_ENTRY_ASYNC_BVEC);
	KUNIT_EXPECT_EQ(test, seen.issue[0].bytes, 4096ull);
	KUNIT_EXPECT_EQ(test, seen.dones, 1u);

	/* The modern face's client is its dm_io_client. */
	watch(test, c);
	KUNIT_EXPECT_EQ(test, dmio_io(&req, 1, &dwhere, &bits, IOPRIO_DEFAULT),
			0);
	a = async_result(test);
	req.notify.fn = async_notify;
	req.notify.context = a;
	KUNIT_EXPECT_EQ(test, dmio_io(&req, 1, &dwhere, NULL, IOPRIO_DEFAULT),
			0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 0ul);
	dmio_io_client_destroy(c);
	vfree(buf);
	pages_free(pages, 1);
	KUNIT_ASSERT_EQ(test, seen.issues, 2u);
	KUNIT_EXPECT_EQ(test, seen.issue[0].entry_point, DMIO_ENTRY_IO_SYNC);
	KUNIT_EXPECT_EQ(test, seen.issue[1].entry_point, DMIO_ENTRY_IO_ASYNC);
	KUNIT_EXPECT_EQ(test, seen.issue[1].op, DMIO_OP_READ);
	KUNIT_EXPECT_PTR_EQ(test, seen.issue[1].client, (const void *)c);
	KUNIT_EXPECT_EQ(test, seen.dones, 2u);
	KUNIT_EXPECT_NE(test, seen.issue[0].id, seen.issue[1].id);
}

/* ---- Counters, as debugfs shows them ---- */

#define DEBUGFS_BYTES 16384

/* The text of /sys/kernel/debug/dmio/@name, test-managed. */
static char *debugfs_text(struct kunit *test, const char *name)
{
	char *buf = kunit_kzalloc(test, DEBUGFS_BYTES, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_GE(test, dmio_debugfs_text(name, buf, DEBUGFS_BYTES), 0L);
	return buf;
}

/* The value of counter @name in dmio/calls text @text. */
static u64 counter(struct kunit *test, const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *line = text;
	u64 v;

	while (line) {
		if (!strncmp(line, name, len) && line[len] == ' ') {
			int got = sscanf(line + len, "%llu", &v);

			KUNIT_ASSERT_EQ(test, got, 1);
			return v;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	KUNIT_ASSERT_FAILURE(test, "dmio/calls has no %s line", name);
	return 0;
}

static const char *const counted[] = {
	"classic", "modern", "dm_io_sync", "dm_io_async", "dm_io_sync_bvec",
	"dm_io_async_bvec", "dm_io_sync_vm", "dm_io_async_vm", "dmio_io_sync",
	"dmio_io_async", "bios", "bytes", "failed", "refused",
};

#define NR_COUNTED ARRAY_SIZE(counted)

/* How much each counter moved since @before, in the order of counted[]. */
static void moved(struct kunit *test, const u64 *before, u64 *delta)
{
	const char *now = debugfs_text(test, "calls");
	unsigned int i;

	for (i = 0; i < NR_COUNTED; i++)
		delta[i] = counter(test, now, counted[i]) - before[i];
}

static void snapshot(struct kunit *test, u64 *values)
{
	const char *now = debugfs_text(test, "calls");
	unsigned int i;

	for (i = 0; i < NR_COUNTED; i++)
		values[i] = counter(test, now, counted[i]);
}

static void expect_moved(struct kunit *test, const u64 *delta,
			 const u64 *want)
{
	unsigned int i;

	for (i = 0; i < NR_COUNTED; i++)
		KUNIT_EXPECT_EQ_MSG(test, delta[i], want[i], "counter %s",
				    counted[i]);
}

/* One page to @bdev through every entry point; the vm call to two. */
static void counters_count_entry_points_bios_and_bytes(struct kunit *test)
{
	struct block_device *bdev = ram(test, 44);
	struct io_region where[2] = {
		region(bdev, 0, 8), region(ram(test, 45), 0, 8),
	};
	struct dm_io_region dwhere = dm_region(bdev, 0, 8);
	struct page **pages = pages_alloc(test, 1);
	struct page_list pl = { .page = pages[0] };
	struct bio_vec bv = { .bv_page = pages[0], .bv_len = PAGE_SIZE };
	void *buf = filled(test, PAGE_SIZE, 7);
	struct dm_io_client *c = dmio_io_client_create();
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE, .client = c,
		.mem = { .type = DM_IO_VMA, .ptr.vma = buf },
	};
	/* classic modern 6 entries, 2 modern, bios bytes failed refused */
	const u64 want[NR_COUNTED] = {
		6, 2, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9 * PAGE_SIZE, 0, 0,
	};
	u64 before[NR_COUNTED], delta[NR_COUNTED];
	struct async_result *a[4];
	unsigned long bits;
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < ARRAY_SIZE(a); i++)
		a[i] = async_result(test);
	snapshot(test, before);
	KUNIT_EXPECT_EQ(test, dm_io_sync(1, where, WRITE, &pl, 0, &bits), 0);
	KUNIT_EXPECT_EQ(test, dm_io_async(1, where, WRITE, &pl, 0,
					  async_notify, a[0]), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a[0]), 0ul);
	KUNIT_EXPECT_EQ(test, dm_io_sync_bvec(1, where, WRITE, &bv, &bits), 0);
	KUNIT_EXPECT_EQ(test, dm_io_async_bvec(1, where, WRITE, &bv,
					       async_notify, a[1]), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a[1]), 0ul);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(2, where, WRITE, buf, &bits), 0);
	KUNIT_EXPECT_EQ(test, dm_io_async_vm(1, where, WRITE, buf,
					     async_notify, a[2]), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a[2]), 0ul);
	KUNIT_EXPECT_EQ(test, dmio_io(&req, 1, &dwhere, &bits, IOPRIO_DEFAULT),
			0);
	req.notify.fn = async_notify;
	req.notify.context = a[3];
	KUNIT_EXPECT_EQ(test, dmio_io(&req, 1, &dwhere, NULL, IOPRIO_DEFAULT),
			0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a[3]), 0ul);
	moved(test, before, delta);
	expect_moved(test, delta, want);
	dmio_io_client_destroy(c);
	vfree(buf);
	pages_free(pages, 1);
}

static void counters_count_failed_and_refused_calls(struct kunit *test)
{
	struct io_region bad = region(dev(test, FAIL_MAKE_REQUEST), 0, 8);
	struct io_region none[1] = {};
	void *buf = filled(test, PAGE_SIZE, 7);
	struct async_result *a = async_result(test);
	struct dm_io_client *c = dmio_io_client_create();
	struct dm_io_request req = {
		.bi_opf = REQ_OP_WRITE, .client = c, .mem = { .type = -1 },
	};
	/* failed: the two calls to the failing disk; refused: two calls */
	const u64 want[NR_COUNTED] = {
		3, 1, 0, 0, 0, 0, 2, 1, 1, 0, 2, 2 * PAGE_SIZE, 2, 2,
	};
	u64 before[NR_COUNTED], delta[NR_COUNTED];
	unsigned long bits;

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	snapshot(test, before);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(1, &bad, WRITE, buf, &bits), -EIO);
	KUNIT_EXPECT_EQ(test, dm_io_async_vm(1, &bad, WRITE, buf, async_notify,
					     a), 0);
	KUNIT_EXPECT_EQ(test, async_wait(test, a), 1ul);
	KUNIT_EXPECT_EQ(test, dm_io_sync_vm(0, none, WRITE, buf, &bits),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dmio_io(&req, 1, (struct dm_io_region *)&bad,
				      &bits, IOPRIO_DEFAULT), -EINVAL);
	moved(test, before, delta);
	expect_moved(test, delta, want);
	dmio_io_client_destroy(c);
	vfree(buf);
}

/* ---- Clients, as debugfs shows them ---- */

/*
 * The line of dmio/clients whose key is @key: "<owner> <face> key=<%p>
 * reserve=<pages> <pool>=<size>/<free>/<peak> ...".
 */
static const char *client_line(struct kunit *test, const void *key)
{
	char *text = debugfs_text(test, "clients");
	char want[32];
	char *line, *end;

	snprintf(want, sizeof(want), " key=%p ", key);
	line = strstr(text, want);
	KUNIT_ASSERT_NOT_NULL_MSG(test, line, "no client%s in:\n%s", want, text);
	while (line > text && line[-1] != '\n')
		line--;
	end = strchr(line, '\n');
	if (end)
		*end = '\0';
	return line;
}

static void expect_in_line(struct kunit *test, const char *line,
			   const char *want)
{
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, want), "no \"%s\" in \"%s\"",
				  want, line);
}

static void modern_client_has_a_line_of_its_own(struct kunit *test)
{
	struct dm_io_client *c = dmio_io_client_create();
	const char *line;

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	line = client_line(test, c);
	dmio_io_client_destroy(c);
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(line, "dmio_kunit modern "),
			      "%s", line);
	expect_in_line(test, line, " reserve=16 calls=16/16/0 ");
}

#ifdef CONFIG_FAULT_INJECTION

static u8 observed_consumer;	/* a second consumer's key */
#define OBSERVED ((struct module *)&observed_consumer)

/*
 * A consumer's line shows its reservation, and an element of its reserve
 * lent out (the slab failing for the caller) shows as the calls pool's
 * peak.
 */
static void clients_show_reserve_and_peak(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 2048 };
	struct io_region where = region(testdisk_bdev(kunit_testdisk(test, &cfg)),
					0, PAGE_SECTORS);
	void *buf = filled(test, PAGE_SIZE, 7);
	unsigned long bits = ~0ul;
	const char *line;
	int r;

	KUNIT_ASSERT_EQ(test, __dm_io_get(OBSERVED, 16), 0);
	line = client_line(test, OBSERVED);
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(line, "dmio_kunit classic "),
			      "%s", line);
	expect_in_line(test, line, " reserve=32 calls=32/32/0 ");
	expect_in_line(test, line, " clones=32/32/0");

	current->make_it_fail = 1;
	r = __dm_io_sync_vm(OBSERVED, 1, &where, WRITE, buf, &bits);
	current->make_it_fail = 0;
	KUNIT_EXPECT_EQ(test, r, 0);
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	line = client_line(test, OBSERVED);
	expect_in_line(test, line, " calls=32/32/1 ");
	expect_in_line(test, line, " clones=32/32/0");
	dmio_owner_gone(OBSERVED);
	vfree(buf);
}

/* The peak of @pool in a dmio/clients line. */
static unsigned int pool_peak(struct kunit *test, const char *line,
			      const char *pool)
{
	unsigned int size, free, peak;
	char want[24];
	const char *at;
	int n;

	snprintf(want, sizeof(want), " %s=", pool);
	at = strstr(line, want);
	KUNIT_ASSERT_NOT_NULL_MSG(test, at, "no \"%s\" in \"%s\"", want, line);
	n = sscanf(at + strlen(want), "%u/%u/%u", &size, &free, &peak);
	KUNIT_ASSERT_EQ(test, n, 3);
	return peak;
}

/*
 * A vector table lent out shows as its pool's peak even when the bio it
 * went with came from the slab: each slab allocation of a 1 MiB write
 * fails alone in turn, the table's among them.
 */
static void clients_show_a_table_lent_alone(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 4096 };
	struct io_region where = region(testdisk_bdev(kunit_testdisk(test, &cfg)),
					0, SZ_1M >> SECTOR_SHIFT);
	void *buf = filled(test, SZ_1M, 7);
	unsigned int nth, tables = 0;
	unsigned long bits;
	const char *line;

	KUNIT_ASSERT_EQ(test, __dm_io_get(OBSERVED, 16), 0);
	/* The disk's own first-write allocations, before any fails. */
	KUNIT_EXPECT_EQ(test, __dm_io_sync_vm(OBSERVED, 1, &where, WRITE, buf,
					      &bits), 0);
	/*
	 * Every n up to 64, not only up to the call's count of failure
	 * points: a debug kernel's own (KASAN's stack depot, kmemleak) come
	 * and go between calls, and shift the table's place among them.
	 */
	for (nth = 1; nth <= 64 && !tables; nth++) {
		current->fail_nth = nth;
		__dm_io_sync_vm(OBSERVED, 1, &where, WRITE, buf, &bits);
		current->fail_nth = 0;
		line = client_line(test, OBSERVED);
		tables = pool_peak(test, line, "call_tables") +
			 pool_peak(test, line, "chunk_tables");
	}
	KUNIT_EXPECT_GE_MSG(test, tables, 1u, "%s", line);
	dmio_owner_gone(OBSERVED);
	vfree(buf);
}

static u8 other_consumer;
#define OTHER ((struct module *)&other_consumer)

/*
 * Two clients lending from their own reserves: each line has its own
 * peaks.  One writes a region, the other two (a clone for the second).
 */
static void clients_keep_their_own_peaks(struct kunit *test)
{
	static const struct testdisk_config cfg = { .sectors = 2048 };
	struct block_device *bdev = testdisk_bdev(kunit_testdisk(test, &cfg));
	struct io_region one = region(bdev, 0, PAGE_SECTORS);
	struct io_region two[2] = { region(bdev, 0, PAGE_SECTORS),
				    region(bdev, 64, PAGE_SECTORS) };
	void *buf = filled(test, PAGE_SIZE, 7);
	unsigned long bits = ~0ul, other_bits = ~0ul;
	const char *line;

	KUNIT_ASSERT_EQ(test, __dm_io_get(OBSERVED, 16), 0);
	KUNIT_ASSERT_EQ(test, __dm_io_get(OTHER, 32), 0);
	current->make_it_fail = 1;
	KUNIT_EXPECT_EQ(test, __dm_io_sync_vm(OBSERVED, 1, &one, WRITE, buf,
					      &bits), 0);
	KUNIT_EXPECT_EQ(test, __dm_io_sync_vm(OTHER, 2, two, WRITE, buf,
					      &other_bits), 0);
	current->make_it_fail = 0;
	KUNIT_EXPECT_EQ(test, bits, 0ul);
	KUNIT_EXPECT_EQ(test, other_bits, 0ul);

	line = client_line(test, OBSERVED);
	expect_in_line(test, line, " reserve=32 calls=32/32/1 ");
	expect_in_line(test, line, " clones=32/32/0");
	line = client_line(test, OTHER);
	expect_in_line(test, line, " reserve=48 calls=48/48/1 ");
	KUNIT_EXPECT_GE_MSG(test, pool_peak(test, line, "clones"), 1u, "%s",
			    line);
	dmio_owner_gone(OTHER);
	dmio_owner_gone(OBSERVED);
	vfree(buf);
}

#endif

static struct kunit_case dmio_observe_cases[] = {
	KUNIT_CASE(sync_write_is_traced_at_issue_and_completion),
	KUNIT_CASE(failed_region_bits_reach_the_done_event),
	KUNIT_CASE(refused_call_completes_with_its_error),
	KUNIT_CASE(async_and_modern_calls_are_traced),
	KUNIT_CASE(counters_count_entry_points_bios_and_bytes),
	KUNIT_CASE(counters_count_failed_and_refused_calls),
	KUNIT_CASE(modern_client_has_a_line_of_its_own),
#ifdef CONFIG_FAULT_INJECTION
	KUNIT_CASE(clients_show_reserve_and_peak),
	KUNIT_CASE(clients_show_a_table_lent_alone),
	KUNIT_CASE(clients_keep_their_own_peaks),
#endif
	{}
};

static struct kunit_suite dmio_observe_suite = {
	.name = "dmio_observe",
	.init = fixture_init,
	.exit = observe_exit,
	.test_cases = dmio_observe_cases,
};

kunit_test_suite(dmio_observe_suite);
