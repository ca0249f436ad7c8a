// SPDX-License-Identifier: GPL-2.0
/*
 * insn_count: a QEMU TCG plugin that counts the guest instructions each
 * vCPU executes, by the address of the translation block they belong to:
 * user space (top address bit clear), the kernel's module area, and the
 * rest of the kernel.  Blocks of the module area are also counted one by
 * one, so that the host can map them to the functions of the drivers
 * (from the guest's /proc/kallsyms).
 *
 * The guest brackets what it measures with two marker instructions, each
 * a long NOP with a tagged displacement that no compiler emits:
 *
 *   0f 1f 84 00 01 43 4e 56   nopl 0x564e4301(%rax,%rax,1)   begin
 *   0f 1f 84 00 02 43 4e 56   nopl 0x564e4302(%rax,%rax,1)   end
 *
 * "begin" sets every count to zero; "end" appends to the output file
 *
 *   insns SEQ user=N kernel=N module=N
 *   tb SEQ VADDR N          (one per module-area block that ran)
 *   end SEQ
 *
 * SEQ counting the "end" markers from 1.  Without the plugin both markers
 * are plain NOPs.
 *
 * Counts are kept per vCPU (a translation block's exec callback adds its
 * instruction count to its vCPU's own counter, which only that vCPU
 * writes), not with the shared inline counters, which lose updates under
 * multi-threaded TCG.  "begin" takes a snapshot of the counters rather
 * than zeroing them, so that no other thread writes them.  A block left
 * early (an exception or interrupt in its middle) still counts whole.
 *
 * Arguments: out=FILE (default: QEMU's log), modlo=ADDR, modhi=ADDR (the
 * module area, default 0xffffffffc0000000-0xffffffffff000000, x86-64).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum { CLS_USER, CLS_KERNEL, CLS_MODULE, NCLS };

static const char *const cls_name[NCLS] = { "user", "kernel", "module" };

/* a vCPU's counters, on a cache line of their own */
struct vcpu_count {
	uint64_t n[NCLS];
	uint64_t pad[8 - NCLS];
};

/*
 * A module-area block; the other blocks need no record of their own: their
 * class and length travel in the callback's data (tb_udata()).
 */
struct tb_info {
	uint64_t vaddr;
	uint32_t ninsns;
	uint64_t hits;		/* atomic */
	uint64_t base;		/* hits at "begin" */
};

#define TB_MODULE	((uintptr_t)1)

static struct vcpu_count *counts;
static struct vcpu_count *base;		/* the counts at "begin" */
static int nvcpus;
static uint64_t mod_lo = 0xffffffffc0000000ULL;
static uint64_t mod_hi = 0xffffffffff000000ULL;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tb_info **mod_tbs;	/* every module-area block translated */
static size_t n_mod_tbs, cap_mod_tbs;
static FILE *out;
static unsigned int seq;

static const uint8_t marker[4] = { 0x0f, 0x1f, 0x84, 0x00 };
static const uint8_t tag[3] = { 0x43, 0x4e, 0x56 };
enum { MARK_BEGIN = 1, MARK_END = 2 };

static void emit(const char *s)
{
	if (out)
		fputs(s, out);
	else
		qemu_plugin_outs(s);
}

/* user and kernel blocks: class and length in the pointer */
static void *tb_udata(unsigned int cls, size_t ninsns)
{
	return (void *)(uintptr_t)((ninsns << 3) | (cls << 1));
}

static void count(unsigned int vcpu, unsigned int cls, uint64_t n)
{
	uint64_t *c;

	if (vcpu >= (unsigned int)nvcpus)
		return;
	/* only this vCPU writes it; "begin" and "end" read it */
	c = &counts[vcpu].n[cls];
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

static void tb_exec(unsigned int vcpu, void *udata)
{
	uintptr_t v = (uintptr_t)udata;
	struct tb_info *tb;

	if (!(v & TB_MODULE)) {
		count(vcpu, (v >> 1) & 3, v >> 3);
		return;
	}
	tb = (struct tb_info *)(v & ~TB_MODULE);
	count(vcpu, CLS_MODULE, tb->ninsns);
	__atomic_fetch_add(&tb->hits, 1, __ATOMIC_RELAXED);
}

static int cmp_vaddr(const void *a, const void *b)
{
	const struct tb_info *x = *(struct tb_info *const *)a;
	const struct tb_info *y = *(struct tb_info *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static void mark_begin(void)
{
	size_t i;
	int v, c;

	pthread_mutex_lock(&lock);
	for (v = 0; v < nvcpus; v++)
		for (c = 0; c < NCLS; c++)
			base[v].n[c] = __atomic_load_n(&counts[v].n[c],
						       __ATOMIC_RELAXED);
	for (i = 0; i < n_mod_tbs; i++)
		mod_tbs[i]->base = __atomic_load_n(&mod_tbs[i]->hits,
						   __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

static void mark_end(void)
{
	uint64_t sum[NCLS] = { 0 };
	char line[160];
	size_t i;
	int v, c;

	pthread_mutex_lock(&lock);
	seq++;
	for (v = 0; v < nvcpus; v++)
		for (c = 0; c < NCLS; c++)
			sum[c] += __atomic_load_n(&counts[v].n[c],
						  __ATOMIC_RELAXED) - base[v].n[c];
	snprintf(line, sizeof(line), "insns %u %s=%" PRIu64 " %s=%" PRIu64
		 " %s=%" PRIu64 "\n", seq, cls_name[CLS_USER], sum[CLS_USER],
		 cls_name[CLS_KERNEL], sum[CLS_KERNEL], cls_name[CLS_MODULE],
		 sum[CLS_MODULE]);
	emit(line);
	/* one line per address: a block translated again adds up */
	qsort(mod_tbs, n_mod_tbs, sizeof(*mod_tbs), cmp_vaddr);
	for (i = 0; i < n_mod_tbs;) {
		uint64_t vaddr = mod_tbs[i]->vaddr, n = 0;

		for (; i < n_mod_tbs && mod_tbs[i]->vaddr == vaddr; i++)
			n += (__atomic_load_n(&mod_tbs[i]->hits,
					      __ATOMIC_RELAXED) -
			      mod_tbs[i]->base) * mod_tbs[i]->ninsns;
		if (!n)
			continue;
		snprintf(line, sizeof(line), "tb %u 0x%" PRIx64 " %" PRIu64 "\n",
			 seq, vaddr, n);
		emit(line);
	}
	snprintf(line, sizeof(line), "end %u\n", seq);
	emit(line);
	if (out)
		fflush(out);
	pthread_mutex_unlock(&lock);
}

static void marker_exec(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	if ((uintptr_t)udata == MARK_BEGIN)
		mark_begin();
	else
		mark_end();
}

/* the marker's command, 0 when INSN is not a marker */
static unsigned int marker_cmd(const struct qemu_plugin_insn *insn)
{
	const uint8_t *b = qemu_plugin_insn_data(insn);

	if (qemu_plugin_insn_size(insn) != 8 || memcmp(b, marker, 4) ||
	    memcmp(b + 5, tag, 3))
		return 0;
	return b[4] == MARK_BEGIN || b[4] == MARK_END ? b[4] : 0;
}

/*
 * The record of a module-area block, one per address and length: a block
 * translated again (after a flush) counts on in the same record.  Called
 * with the lock held.
 */
static struct tb_info *mod_tb(uint64_t vaddr, size_t n)
{
	struct tb_info *info;
	size_t i;

	for (i = n_mod_tbs; i-- > 0;)
		if (mod_tbs[i]->vaddr == vaddr && mod_tbs[i]->ninsns == n)
			return mod_tbs[i];
	if (n_mod_tbs == cap_mod_tbs) {
		size_t cap = cap_mod_tbs ? 2 * cap_mod_tbs : 4096;
		struct tb_info **p = realloc(mod_tbs, cap * sizeof(*p));

		if (!p)
			return NULL;
		mod_tbs = p;
		cap_mod_tbs = cap;
	}
	info = calloc(1, sizeof(*info));
	if (!info)
		return NULL;
	info->vaddr = vaddr;
	info->ninsns = n;
	mod_tbs[n_mod_tbs++] = info;
	return info;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct tb_info *info;
	void *udata;

	(void)id;
	if (vaddr >> 63 && vaddr >= mod_lo && vaddr < mod_hi) {
		pthread_mutex_lock(&lock);
		info = mod_tb(vaddr, n);
		pthread_mutex_unlock(&lock);
		if (!info)
			return;
		udata = (void *)((uintptr_t)info | TB_MODULE);
	} else {
		udata = tb_udata(vaddr >> 63 ? CLS_KERNEL : CLS_USER, n);
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
					     udata);
	if (vaddr >> 63)
		return;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		unsigned int cmd = marker_cmd(insn);

		if (cmd)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_exec,
				QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)cmd);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	char line[64];

	(void)id;
	(void)udata;
	snprintf(line, sizeof(line), "exit %u\n", seq);
	emit(line);
	if (out)
		fclose(out);
	out = NULL;
}

static int parse_addr(const char *s, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return *s && !*end ? 0 : -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	int i;

	if (!info->system_emulation) {
		fprintf(stderr, "insn_count: system emulation only\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "out=", 4)) {
			out = fopen(a + 4, "w");
			if (!out) {
				perror(a + 4);
				return -1;
			}
		} else if (!strncmp(a, "modlo=", 6) && !parse_addr(a + 6, &mod_lo)) {
			continue;
		} else if (!strncmp(a, "modhi=", 6) && !parse_addr(a + 6, &mod_hi)) {
			continue;
		} else {
			fprintf(stderr, "insn_count: bad argument '%s'\n", a);
			return -1;
		}
	}
	nvcpus = info->system.max_vcpus;
	counts = calloc(nvcpus, sizeof(*counts));
	base = calloc(nvcpus, sizeof(*base));
	if (!counts || !base)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
