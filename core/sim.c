/* core/sim.c - the simulated machine: creation and teardown, the object
 * reserve that makes commands atomic, /dmesg, and errno names.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"
#include "ksm.h"
#include "task.h"
#include "page.h"
#include "pgtable.h"

void sim_options_init(struct sim_options *opt)
{
	opt->frames = SIM_DEFAULT_FRAMES;
	opt->failnth = -1;
	opt->swap_slots = -1UL;	/* as large as memory */
}

/* A decimal number no larger than @max. Return: 0 or -EINVAL. */
static int parse_bounded(const char *p, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *start = p;

	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -EINVAL;
	}
	if (*p || p == start)
		return -EINVAL;
	*out = v;
	return 0;
}

int sim_parse_option(struct sim_options *opt, const char *kv)
{
	unsigned long v;

	if (!strncmp(kv, "frames=", 7)) {
		if (parse_bounded(kv + 7, SIM_MAX_FRAMES, &v) || v < 2)
			return -EINVAL;
		opt->frames = v;
		return 0;
	}
	if (!strncmp(kv, "swap=", 5)) {
		if (parse_bounded(kv + 5, SIM_MAX_FRAMES, &v))
			return -EINVAL;
		opt->swap_slots = v;
		return 0;
	}
	if (!strncmp(kv, "failnth=", 8)) {
		if (parse_bounded(kv + 8, 1UL << 40, &v))
			return -EINVAL;
		opt->failnth = (long)v;
		return 0;
	}
	return -EINVAL;
}

void sim_arm_failnth(const struct sim_options *opt)
{
	if (opt->failnth >= 0)
		rm_fail_nth(opt->failnth);
}

struct sim *sim_new(const struct sim_options *opt)
{
	struct sim *sim = rm_calloc(1, sizeof(*sim));

	if (!sim)
		return NULL;
	sim->opt = *opt;
	if (!sim->opt.frames)
		sim->opt.frames = SIM_DEFAULT_FRAMES;
	if (sim->opt.swap_slots == -1UL)	/* sim_options_init's default */
		sim->opt.swap_slots = sim->opt.frames;
	sim->sysctl.max_map_count = DEFAULT_MAX_MAP_COUNT;
	sim->sysctl.anon_vma_reuse = 1;
	sim->sysctl.pid_max = PID_MAX_DEFAULT;
	sim->trace.on = true;
	sim->next_pid = 1;
	RB_INIT(&sim->anon_vmas);
	kmem_cache_init(&sim->avc_cache, "anon_vma_chain",
			sizeof(struct anon_vma_chain));
	strbuf_init(&sim->dmesg);
	strbuf_init(&sim->journal);
	strbuf_init(&sim->last_err);
	if (frames_init(sim) || swap_init(sim)) {
		frames_release(sim);
		swap_release(sim);
		free(sim);
		return NULL;
	}
	return sim;
}

void sim_drain_pools(struct sim *sim)
{
	while (sim->vma_pool) {
		struct vm_area_struct *vma = sim->vma_pool;

		sim->vma_pool = vma->vm_next;
		free(vma);
	}
	sim_trim_pools(sim);
	kmem_cache_shrink(&sim->avc_cache);
	while (sim->anon_vma_pool) {
		struct anon_vma *av = sim->anon_vma_pool;

		sim->anon_vma_pool = av->parent;
		free(av);
	}
	while (sim->table_pool) {
		struct pgtable *t = sim->table_pool;

		sim->table_pool = (struct pgtable *)(uintptr_t)t->e[0];
		free(t);
	}
	sim->nr_vma_pool = sim->nr_anon_vma_pool = 0;
	sim->nr_table_pool = 0;
}

/* Page tables kept in the reserve between commands: one pte_alloc's
 * worst case (PGD, PUD, PMD, PTE table). */
#define TABLE_POOL_KEEP	4

/*
 * sim_trim_pools - after a command: what the reserves hold beyond what
 * the next command may find useful goes back. Reserved AVCs return to
 * their cache, which frees a slab once it is empty; page tables beyond
 * TABLE_POOL_KEEP go back to malloc.
 */
void sim_trim_pools(struct sim *sim)
{
	while (sim->nr_table_pool > TABLE_POOL_KEEP) {
		struct pgtable *t = sim->table_pool;

		sim->table_pool = (struct pgtable *)(uintptr_t)t->e[0];
		sim->nr_table_pool--;
		free(t);
	}
	while (sim->avc_pool) {
		struct anon_vma_chain *avc = sim->avc_pool;

		sim->avc_pool = SLIST_NEXT(avc, same_vma);
		kmem_cache_free(&sim->avc_cache, avc);
	}
	sim->nr_avc_pool = 0;
}

int sim_reserve_tables(struct sim *sim, unsigned long n)
{
	while (sim->nr_table_pool < n) {
		struct pgtable *t = rm_malloc(sizeof(*t));

		if (!t)
			return -ENOMEM;
		t->e[0] = (uint64_t)(uintptr_t)sim->table_pool;
		sim->table_pool = t;
		sim->nr_table_pool++;
	}
	return 0;
}

/* A zeroed table: from the reserve, else freshly allocated (or NULL). */
struct pgtable *table_alloc(struct sim *sim)
{
	struct pgtable *t = sim->table_pool;

	if (t) {
		sim->table_pool = (struct pgtable *)(uintptr_t)t->e[0];
		sim->nr_table_pool--;
		memset(t, 0, sizeof(*t));
		return t;
	}
	return rm_calloc(1, sizeof(*t));
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	tasks_release(sim);
	files_release(sim);
	ksm_release(sim);	/* puts the anon_vmas its items still hold */
	while (sim->nr_migrations)	/* held ones: their anon_vma references */
		if (sim->migrations[--sim->nr_migrations].anon_vma)
			put_anon_vma(sim, sim->migrations[sim->nr_migrations].anon_vma);
	sim_drain_pools(sim);
	kmem_cache_destroy(&sim->avc_cache);
	frames_release(sim);
	swap_release(sim);
	trace_clear(&sim->trace);
	strbuf_release(&sim->dmesg);
	strbuf_release(&sim->journal);
	strbuf_release(&sim->last_err);
	free(sim);
}

/*
 * sim_reserve - top the pools up. The new objects are plain allocations
 * (AVCs: from their slab cache) linked into the free lists the
 * allocators take from first.
 */
int sim_reserve(struct sim *sim, unsigned long vmas, unsigned long avcs,
		unsigned long anon_vmas)
{
	while (sim->nr_vma_pool < vmas) {
		struct vm_area_struct *vma = rm_malloc(sizeof(*vma));

		if (!vma)
			return -ENOMEM;
		vma->vm_next = sim->vma_pool;
		sim->vma_pool = vma;
		sim->nr_vma_pool++;
	}
	while (sim->nr_avc_pool < avcs) {
		struct anon_vma_chain *avc = kmem_cache_alloc(&sim->avc_cache);

		if (!avc)
			return -ENOMEM;
		SLIST_NEXT(avc, same_vma) = sim->avc_pool;
		sim->avc_pool = avc;
		sim->nr_avc_pool++;
	}
	while (sim->nr_anon_vma_pool < anon_vmas) {
		struct anon_vma *av = rm_malloc(sizeof(*av));

		if (!av)
			return -ENOMEM;
		av->parent = sim->anon_vma_pool;
		sim->anon_vma_pool = av;
		sim->nr_anon_vma_pool++;
	}
	return 0;
}

/* Keep the newest SIM_DMESG_MAX bytes, cut at a line start. */
static void dmesg_trim(struct strbuf *sb)
{
	const char *nl;

	if (sb->len <= SIM_DMESG_MAX)
		return;
	nl = memchr(sb->buf + (sb->len - SIM_DMESG_MAX), '\n', SIM_DMESG_MAX);
	strbuf_consume(sb, nl ? (size_t)(nl - sb->buf) + 1 : sb->len);
}

void sim_printk(struct sim *sim, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sim->dmesg, fmt, ap);
	va_end(ap);
	strbuf_putc(&sim->dmesg, '\n');
	if (sim->dmesg.failed)
		sim->dmesg.failed = false;	/* a lost log line is not fatal */
	dmesg_trim(&sim->dmesg);
}

const char *errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENOTDIR, "ENOTDIR" },
		{ EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" },
		{ EOVERFLOW, "EOVERFLOW" }, { EUCLEAN, "EUCLEAN" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ETXTBSY, "ETXTBSY" },
		{ ENOEXEC, "ENOEXEC" }, { EFBIG, "EFBIG" }, { ENXIO, "ENXIO" },
	};
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "EUNKNOWN";
}
