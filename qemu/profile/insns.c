// SPDX-License-Identifier: GPL-2.0
/*
 * insns.so - a QEMU TCG plugin that counts the guest instructions each
 * translation block executes, inside windows the guest marks itself.
 *
 * The guest opens and closes a window by executing the instruction
 * "xchg %bx,%bx" (66 87 db), a no-op nobody else uses (Bochs' magic
 * breakpoint): qemu/profile/mark for a shell, one asm statement in a
 * module.  Window 1 is the first open/close pair, window 2 the next, ...
 * At exit, "window vaddr insns-per-block executions" lines go to out=FILE;
 * qemu/profile.sh turns them into instructions per function.
 *
 * QEMU 7.2's plugin API (version 1), declared here because Debian ships
 * no development header for it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef void (*udata_cb)(qemu_plugin_id_t id, void *userdata);
typedef void (*vcpu_udata_cb)(unsigned int vcpu_index, void *userdata);
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
enum { CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, vcpu_udata_cb cb,
					  int flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, vcpu_udata_cb cb,
					    int flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_WINDOWS 16

struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t runs[MAX_WINDOWS];
	struct block *next;
};

static struct block *blocks;
static unsigned int window;	/* 0: closed; else the open window's number */
static unsigned int windows;	/* windows opened so far */
static const char *out_path = "insns.out";

static void on_mark(unsigned int vcpu, void *unused)
{
	if (window) {
		window = 0;
	} else if (windows < MAX_WINDOWS) {
		window = ++windows;
	}
}

static void on_block(unsigned int vcpu, void *userdata)
{
	struct block *b = userdata;

	if (window)
		b->runs[window - 1]++;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	static const unsigned char mark[] = { 0x66, 0x87, 0xdb };
	struct block *b = calloc(1, sizeof(*b));
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	if (!b)
		abort();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, CB_NO_REGS, b);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(mark) &&
		    !memcmp(qemu_plugin_insn_data(insn), mark, sizeof(mark)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, CB_NO_REGS, NULL);
	}
}

static void on_qemu_exit(qemu_plugin_id_t id, void *unused)
{
	FILE *f = fopen(out_path, "w");
	struct block *b;
	unsigned int w;

	if (!f)
		return;
	for (b = blocks; b; b = b->next)
		for (w = 0; w < windows; w++)
			if (b->runs[w])
				fprintf(f, "%u %016llx %llu %llu\n", w + 1,
					(unsigned long long)b->vaddr,
					(unsigned long long)b->insns,
					(unsigned long long)b->runs[w]);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
