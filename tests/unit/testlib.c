/* tests/unit/testlib.c - helpers shared by the unit suites (see testlib.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "testlib.h"

struct tfix T;

void t_setup(void)
{
	struct sim_options o = { .frames = 1024 };

	rm_fail_nth(-1);
	T.sim = sim_new(&o);
	ck_assert_ptr_nonnull(T.sim);
	T.pid = t_spawn(T.sim);
	ck_assert_int_eq(T.pid, 1);	/* pids are 1, 2, 3, ... */
	T.mm = t_mm(T.sim, T.pid);
	CHECK_SIM(T.sim);
}

void t_teardown(void)
{
	rm_fail_nth(-1);
	sim_free(T.sim);
	T.sim = NULL;
	T.mm = NULL;
}

int t_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

TCase *t_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, t_setup, t_teardown);
	/* The OOM loops under valgrind are the slowest; CK_TIMEOUT_MULTIPLIER
	 * stretches this further there. */
	tcase_set_timeout(tc, 60);
	return tc;
}

void t_check_sim(struct sim *sim, const char *file, int line)
{
	struct strbuf why = STRBUF_INIT;
	int rc = sim_check(sim, &why);

	ck_assert_msg(rc == 0, "%s:%d: sim_check() = %d: %s", file, line, rc,
		      why.buf ? why.buf : "(no reason given)");
	strbuf_release(&why);
}

static int t_vexec(struct sim *sim, struct strbuf *res, const char *fmt,
		   va_list ap)
{
	char line[SIM_LINE_MAX];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	ck_assert_msg(n >= 0 && (size_t)n < sizeof(line), "line too long");
	return sim_exec_line(sim, line, (size_t)n, 0, res);
}

int t_exec(struct sim *sim, struct strbuf *res, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = t_vexec(sim, res, fmt, ap);
	va_end(ap);
	return rc;
}

unsigned long t_cmd(const char *file, int line, struct sim *sim,
		    const char *fmt, ...)
{
	struct strbuf res = STRBUF_INIT;
	unsigned long val = 0;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = t_vexec(sim, &res, fmt, ap);
	va_end(ap);
	ck_assert_msg(rc == 0, "%s:%d: command failed with %d (%s); last error: %s",
		      file, line, rc, errno_name(-rc),
		      sim->last_err.buf ? sim->last_err.buf : "");
	if (res.len)
		val = strtoul(res.buf, NULL, 0);
	strbuf_release(&res);
	t_check_sim(sim, file, line);
	return val;
}

int t_spawn(struct sim *sim)
{
	return (int)t_cmd(__FILE__, __LINE__, sim, "spawn");
}

struct mm_struct *t_mm(struct sim *sim, int pid)
{
	struct task_struct *task = find_task(sim, pid);

	ck_assert_ptr_nonnull(task);
	ck_assert_ptr_nonnull(task->mm);
	return task->mm;
}

struct inode *t_file(struct sim *sim, const char *path, unsigned long size)
{
	struct inode *inode;

	t_cmd(__FILE__, __LINE__, sim, "file %s %lu", path, size);
	inode = inode_lookup(sim, path);
	ck_assert_ptr_nonnull(inode);
	ck_assert_uint_eq(inode->i_size, size);
	return inode;
}

long t_mmap_file(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned long prot, unsigned long flags, const char *path,
		 unsigned long pgoff)
{
	struct inode *inode = inode_lookup(mm->sim, path);
	struct file *file;
	long ret;

	ck_assert_ptr_nonnull(inode);
	file = file_open(inode);
	ck_assert_ptr_nonnull(file);
	ret = do_mmap(mm, addr, len, prot, flags, file, pgoff);
	fput(mm->sim, file);	/* close(2): the VMA keeps its own reference */
	return ret;
}

void t_map_fixed(const char *file, int line, struct mm_struct *mm,
		 unsigned long addr, unsigned long npages, unsigned long prot,
		 unsigned long flags)
{
	long got = do_mmap(mm, addr, npages * PG, prot,
			   MAP_ANON_PRIV | MAP_FIXED | flags, NULL, 0);

	ck_assert_msg(got == (long)addr, "%s:%d: do_mmap(%#lx, %lu pages) = %ld",
		      file, line, addr, npages, got);
	t_check_sim(mm->sim, file, line);
}

int t_nr_vmas(struct mm_struct *mm)
{
	struct vm_area_struct *v;
	int n = 0;

	for (v = mm->mmap; v; v = v->vm_next)
		n++;
	return n;
}

struct vm_area_struct *t_vma(struct mm_struct *mm, int idx)
{
	struct vm_area_struct *v = mm->mmap;

	while (v && idx-- > 0)
		v = v->vm_next;
	ck_assert_ptr_nonnull(v);
	return v;
}

unsigned long t_nr_avcs(const struct vm_area_struct *vma)
{
	const struct anon_vma_chain *avc;
	unsigned long n = 0;

	SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma)
		n++;
	return n;
}

struct anon_vma *t_chain_av(const struct vm_area_struct *vma, int idx)
{
	const struct anon_vma_chain *avc;

	SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma) {
		ck_assert_ptr_eq(avc->vma, vma);
		if (idx-- == 0)
			return avc->anon_vma;
	}
	ck_abort_msg("chain has no AVC at that index");
	return NULL;
}

void t_assert_vmas(const char *file, int line, struct mm_struct *mm,
		   const struct exp_vma *exp, int n)
{
	struct vm_area_struct *v = mm->mmap;
	int i;

	ck_assert_msg(t_nr_vmas(mm) == n, "%s:%d: %d VMAs, expected %d",
		      file, line, t_nr_vmas(mm), n);
	ck_assert_msg(mm->map_count == n, "%s:%d: map_count %d, expected %d",
		      file, line, mm->map_count, n);
	for (i = 0; i < n; i++, v = v->vm_next) {
		ck_assert_msg(v->vm_start == exp[i].start && v->vm_end == exp[i].end,
			      "%s:%d: VMA %d is [%#lx, %#lx), expected [%#lx, %#lx)",
			      file, line, i, v->vm_start, v->vm_end,
			      exp[i].start, exp[i].end);
		ck_assert_msg(v->vm_pgoff == exp[i].pgoff,
			      "%s:%d: VMA %d [%#lx, %#lx) pgoff %#lx, expected %#lx",
			      file, line, i, v->vm_start, v->vm_end,
			      v->vm_pgoff, exp[i].pgoff);
		ck_assert_msg(v->vm_flags == exp[i].flags,
			      "%s:%d: VMA %d [%#lx, %#lx) flags %#lx, expected %#lx "
			      "(differ in %#lx)", file, line, i, v->vm_start,
			      v->vm_end, v->vm_flags, exp[i].flags,
			      v->vm_flags ^ exp[i].flags);
		ck_assert_msg(v->vm_mm == mm, "%s:%d: VMA %d vm_mm", file, line, i);
	}
	ck_assert_msg(mm->highest_vm_end == (n ? exp[n - 1].end : 0),
		      "%s:%d: highest_vm_end %#lx", file, line, mm->highest_vm_end);
}

void t_snap(struct t_mm_snap *s, struct mm_struct *mm)
{
	struct vm_area_struct *v;
	int i = 0;

	memset(s, 0, sizeof(*s));
	for (v = mm->mmap; v; v = v->vm_next, i++) {
		struct t_vma_snap *vs = &s->v[i];
		const struct anon_vma_chain *avc;
		int k = 0;

		ck_assert_int_lt(i, T_SNAP_MAX);
		vs->vma = v;
		vs->start = v->vm_start;
		vs->end = v->vm_end;
		vs->pgoff = v->vm_pgoff;
		vs->flags = v->vm_flags;
		vs->file = v->vm_file;
		vs->anon_vma = v->anon_vma;
		if (v->anon_vma) {
			vs->av_degree = v->anon_vma->degree;
			vs->av_refcount = v->anon_vma->refcount;
		}
		SLIST_FOREACH(avc, &v->anon_vma_chain, same_vma) {
			if (k < T_SNAP_AVCS)
				vs->chain[k] = avc->anon_vma;
			k++;
		}
		vs->nr_avcs = (unsigned long)k;
	}
	s->n = i;
	s->map_count = mm->map_count;
	s->total_vm = mm->total_vm;
	s->data_vm = mm->data_vm;
	s->exec_vm = mm->exec_vm;
	s->stack_vm = mm->stack_vm;
	s->hiwater_vm = mm->hiwater_vm;
	s->locked_vm = mm->locked_vm;
	s->highest_vm_end = mm->highest_vm_end;
	s->nr_vmas = mm->sim->nr_vmas;
	s->nr_avcs = mm->sim->nr_avcs;
	s->nr_anon_vmas = mm->sim->nr_anon_vmas;
}

void t_assert_snap_eq(const char *file, int line, const struct t_mm_snap *a,
		      const struct t_mm_snap *b)
{
	int i, k;

	ck_assert_msg(a->n == b->n, "%s:%d: %d VMAs before, %d after",
		      file, line, a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const struct t_vma_snap *x = &a->v[i], *y = &b->v[i];

		ck_assert_msg(x->vma == y->vma && x->start == y->start &&
			      x->end == y->end && x->pgoff == y->pgoff &&
			      x->flags == y->flags && x->file == y->file,
			      "%s:%d: VMA %d changed: [%#lx, %#lx) pgoff %#lx flags %#lx "
			      "-> [%#lx, %#lx) pgoff %#lx flags %#lx%s", file, line, i,
			      x->start, x->end, x->pgoff, x->flags,
			      y->start, y->end, y->pgoff, y->flags,
			      x->vma != y->vma ? " (another struct)" : "");
		ck_assert_msg(x->anon_vma == y->anon_vma &&
			      x->av_degree == y->av_degree &&
			      x->av_refcount == y->av_refcount &&
			      x->nr_avcs == y->nr_avcs,
			      "%s:%d: VMA %d [%#lx, %#lx): anon_vma %p degree %lu "
			      "refcount %ld avcs %lu -> %p %lu %ld %lu", file, line, i,
			      x->start, x->end, (void *)x->anon_vma, x->av_degree,
			      x->av_refcount, x->nr_avcs, (void *)y->anon_vma,
			      y->av_degree, y->av_refcount, y->nr_avcs);
		for (k = 0; k < T_SNAP_AVCS; k++)
			ck_assert_msg(x->chain[k] == y->chain[k],
				      "%s:%d: VMA %d chain entry %d changed",
				      file, line, i, k);
	}
	ck_assert_msg(a->map_count == b->map_count &&
		      a->highest_vm_end == b->highest_vm_end,
		      "%s:%d: map_count %d -> %d, highest_vm_end %#lx -> %#lx",
		      file, line, a->map_count, b->map_count,
		      a->highest_vm_end, b->highest_vm_end);
	ck_assert_msg(a->total_vm == b->total_vm && a->data_vm == b->data_vm &&
		      a->exec_vm == b->exec_vm && a->stack_vm == b->stack_vm &&
		      a->hiwater_vm == b->hiwater_vm && a->locked_vm == b->locked_vm,
		      "%s:%d: counters changed: total %lu->%lu data %lu->%lu "
		      "exec %lu->%lu stack %lu->%lu hiwater %lu->%lu locked %lu->%lu",
		      file, line, a->total_vm, b->total_vm, a->data_vm, b->data_vm,
		      a->exec_vm, b->exec_vm, a->stack_vm, b->stack_vm,
		      a->hiwater_vm, b->hiwater_vm, a->locked_vm, b->locked_vm);
	ck_assert_msg(a->nr_vmas == b->nr_vmas && a->nr_avcs == b->nr_avcs &&
		      a->nr_anon_vmas == b->nr_anon_vmas,
		      "%s:%d: live objects changed: vmas %lu->%lu avcs %lu->%lu "
		      "anon_vmas %lu->%lu", file, line, a->nr_vmas, b->nr_vmas,
		      a->nr_avcs, b->nr_avcs, a->nr_anon_vmas, b->nr_anon_vmas);
}

void t_render(struct sim *sim, const char *const *paths, struct strbuf *out)
{
	struct strbuf one = STRBUF_INIT;

	rm_fail_nth(-1);
	strbuf_reset(out);
	for (; *paths; paths++) {
		int rc;

		strbuf_reset(&one);
		rc = vfs_render(sim, *paths, &one);
		ck_assert_msg(rc == 0, "vfs_render(%s) = %d", *paths, rc);
		strbuf_printf(out, "==> %s\n", *paths);
		strbuf_add(out, one.buf ? one.buf : "", one.len);
	}
	ck_assert(!out->failed);
	strbuf_release(&one);
}

/* ---- pages, PTEs and the rmap walk ---- */

pte_t t_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = pte_offset(mm, addr);

	return ptep ? *ptep : 0;
}

void t_assert_pte(const char *file, int line, struct mm_struct *mm,
		  unsigned long addr, unsigned long pfn, pte_t bits)
{
	pte_t want = ((pte_t)pfn << PAGE_SHIFT) | bits, got = t_pte(mm, addr);

	ck_assert_msg(got == want,
		      "%s:%d: pte of %#lx is %#llx (pfn %lu, bits %#llx), expected "
		      "%#llx (pfn %lu, bits %#llx; differ in %#llx)", file, line, addr,
		      (unsigned long long)got, pte_pfn(got),
		      (unsigned long long)(got & ~PTE_PFN_MASK),
		      (unsigned long long)want, pfn, (unsigned long long)bits,
		      (unsigned long long)(got ^ want));
}

void t_assert_page(const char *file, int line, struct sim *sim,
		   unsigned long pfn, uintptr_t mapping, unsigned long index,
		   int mapcount, int refcount, uint32_t flags)
{
	struct page *p;

	ck_assert_msg(pfn < sim->opt.frames, "%s:%d: pfn %lu out of range",
		      file, line, pfn);
	p = pfn_to_page(sim, pfn);
	ck_assert_msg(p->mapping == mapping && p->index == index,
		      "%s:%d: pfn %lu mapping %#lx index %#lx, expected %#lx index %#lx",
		      file, line, pfn, (unsigned long)p->mapping, p->index,
		      (unsigned long)mapping, index);
	ck_assert_msg(page_mapcount(p) == mapcount && p->_refcount == refcount,
		      "%s:%d: pfn %lu mapcount %d refcount %d, expected %d and %d",
		      file, line, pfn, page_mapcount(p), p->_refcount, mapcount,
		      refcount);
	ck_assert_msg(p->flags == flags,
		      "%s:%d: pfn %lu flags %#x, expected %#x (differ in %#x)",
		      file, line, pfn, p->flags, flags, p->flags ^ flags);
}

static bool t_rmap_one(struct page *page, struct vm_area_struct *vma,
		       unsigned long address, void *arg)
{
	struct t_rmap_hit *hits = arg;
	int i;

	(void)page;
	for (i = 0; i < T_RMAP_MAX && hits[i].vma; i++)
		;
	ck_assert_int_lt(i, T_RMAP_MAX);
	hits[i].vma = vma;
	hits[i].addr = address;
	return true;
}

int t_rmap_walk(struct sim *sim, struct page *page, struct t_rmap_hit *hits)
{
	struct rmap_walk_control rwc = { hits, t_rmap_one, NULL };
	int n = 0;

	memset(hits, 0, T_RMAP_MAX * sizeof(*hits));
	rmap_walk(sim, page, &rwc);
	while (n < T_RMAP_MAX && hits[n].vma)
		n++;
	return n;
}

void t_vmstat_snap(struct t_vmstat *s, struct sim *sim)
{
	memcpy(s->v, sim->vmstat, sizeof(s->v));
}

void t_assert_vmstat(const char *file, int line, struct sim *sim,
		     const struct t_vmstat *before, const struct t_vmdelta *d,
		     int n)
{
	int item, i;

	for (item = 0; item < NR_VMSTAT_ITEMS; item++) {
		long want = 0, got = (long)(sim->vmstat[item] - before->v[item]);

		for (i = 0; i < n; i++)
			if (d[i].item == item)
				want += d[i].delta;
		ck_assert_msg(got == want, "%s:%d: %s moved by %ld, expected %ld",
			      file, line, vmstat_text[item], got, want);
	}
}

static void t_dump_pte(int level, const int idx[4], unsigned long addr,
		       uint64_t entry, void *arg)
{
	(void)idx;
	/* upper levels: which tables exist (their addresses may differ) */
	if (level < 3)
		strbuf_printf(arg, "  L%d %lx\n", level, addr);
	else
		strbuf_printf(arg, "  pte %lx %llx\n", addr, (unsigned long long)entry);
}

void t_pages_dump(struct sim *sim, struct strbuf *out)
{
	size_t n = HASH_COUNT(sim->tasks), i;
	int *pids = calloc(n + 1, sizeof(*pids));
	struct anon_vma *av;
	unsigned long pfn;
	int v;

	ck_assert_ptr_nonnull(pids);
	strbuf_reset(out);
	n = task_pids(sim, pids, n);
	for (i = 0; i < n; i++) {
		struct task_struct *t = find_task(sim, pids[i]);
		struct mm_struct *mm = t->mm;

		strbuf_printf(out, "pid %d %s rss %ld %ld %ld %ld pte %lu hwm %lu "
			      "pgd %d brk %lx/%lx\n", t->pid, t->comm,
			      mm->rss_stat[0], mm->rss_stat[1], mm->rss_stat[2],
			      mm->rss_stat[3], mm->pgtables_bytes, mm->hiwater_rss,
			      mm->pgd != NULL, mm->start_brk, mm->brk);
		walk_pgtables(mm, t_dump_pte, out);
	}
	free(pids);
	for (pfn = 0; pfn < sim->opt.frames; pfn++) {
		struct page *p = pfn_to_page(sim, pfn);

		if (!p->_refcount && !p->flags && !p->mapping && p->_mapcount == -1)
			continue;
		strbuf_printf(out, "pfn %lu flags %x ref %d map %d mapping %lx "
			      "index %lu content %llu private %lu\n", pfn, p->flags,
			      p->_refcount, p->_mapcount, (unsigned long)p->mapping,
			      p->index, (unsigned long long)p->content, p->private);
	}
	strbuf_printf(out, "free %lu tables %lu vmas %lu avcs %lu\n", sim->nr_free,
		      sim->nr_pgtables, sim->nr_vmas, sim->nr_avcs);
	for (v = 0; v < NR_VMSTAT_ITEMS; v++)
		strbuf_printf(out, "%s %lu\n", vmstat_text[v], sim->vmstat[v]);
	for (av = anon_vma_first(sim); av; av = anon_vma_next(sim, av))
		strbuf_printf(out, "anon_vma %lu root %lu degree %lu ref %ld avcs %lu\n",
			      av->id, av->root->id, av->degree, av->refcount,
			      av->nr_avcs);
	ck_assert(!out->failed);
}
