/* core/validate.c - every invariant of include/mm_types.h, checked the way
 * validate_mm() and validate_anon_vma() do in a CONFIG_DEBUG_VM kernel,
 * plus the cross-object counts (degree and refcount recomputed from the
 * AVC graph, live-object counters, i_mmap membership). The `check`
 * command and every test call it after each step.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"
#include "task.h"
#include "filemap.h"
#include "ksm.h"
#include "page.h"
#include "pgtable.h"
#include "swap.h"
#include "vmscan.h"

#define BAD(why, ...) do {						\
	strbuf_printf(why, __VA_ARGS__);				\
	return -EUCLEAN;						\
} while (0)

/* Recompute rb_subtree_gap bottom-up; compare with the stored values. */
static int check_gaps(struct vm_area_struct *vma, unsigned long *max,
		      struct strbuf *why)
{
	unsigned long l = 0, r = 0, gap, prev_end;
	int err;

	if (!vma) {
		*max = 0;
		return 0;
	}
	err = check_gaps(RB_LEFT(vma, vm_rb), &l, why);
	if (!err)
		err = check_gaps(RB_RIGHT(vma, vm_rb), &r, why);
	if (err)
		return err;
	gap = vm_start_gap(vma);
	if (vma->vm_prev) {
		prev_end = vm_end_gap(vma->vm_prev);
		gap = gap > prev_end ? gap - prev_end : 0;
	}
	if (l > gap)
		gap = l;
	if (r > gap)
		gap = r;
	if (vma->rb_subtree_gap != gap)
		BAD(why, "vma %lx-%lx: rb_subtree_gap %lx, should be %lx",
		    vma->vm_start, vma->vm_end, vma->rb_subtree_gap, gap);
	*max = gap;
	return 0;
}

/* Is @avc linked in the tree it claims (walk up to the root)? */
static bool avc_in_tree(struct anon_vma_chain *avc)
{
	struct anon_vma_chain *n = avc;

	while (RB_PARENT(n, rb))
		n = RB_PARENT(n, rb);
	return n == RB_ROOT(&avc->anon_vma->rb_root);
}

static bool vma_in_i_mmap(struct vm_area_struct *vma)
{
	struct vm_area_struct *n = vma;

	while (RB_PARENT(n, shared_rb))
		n = RB_PARENT(n, shared_rb);
	return n == RB_ROOT(&vma->vm_file->f_inode->i_mmap);
}

static int validate_vma(struct mm_struct *mm, struct vm_area_struct *vma,
			struct strbuf *why)
{
	struct anon_vma_chain *avc, *last;
	bool own = false;

	if (vma->vm_mm != mm)
		BAD(why, "vma %lx: vm_mm is another mm", vma->vm_start);
	if (vma->vm_start >= vma->vm_end || offset_in_page(vma->vm_start) ||
	    offset_in_page(vma->vm_end) || vma->vm_end > TASK_SIZE)
		BAD(why, "vma %lx-%lx: bad bounds", vma->vm_start, vma->vm_end);
	SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma) {
		if (avc->vma != vma)
			BAD(why, "vma %lx: avc points to another vma", vma->vm_start);
		if (!avc_in_tree(avc))
			BAD(why, "vma %lx: avc of anon_vma %lu not in its tree",
			    vma->vm_start, avc->anon_vma->id);
		if (avc->anon_vma == vma->anon_vma)
			own = true;
	}
	if (vma->anon_vma) {
		if (!own)
			BAD(why, "vma %lx: no avc for its anon_vma %lu",
			    vma->vm_start, vma->anon_vma->id);
		last = SLIST_FIRST(&vma->anon_vma_chain);
		while (SLIST_NEXT(last, same_vma))
			last = SLIST_NEXT(last, same_vma);
		if (last->anon_vma != vma->anon_vma->root)
			BAD(why, "vma %lx: chain does not end at the root",
			    vma->vm_start);
	} else if (!SLIST_EMPTY(&vma->anon_vma_chain)) {
		BAD(why, "vma %lx: avcs but no anon_vma", vma->vm_start);
	}
	if (vma->vm_file && !vma_in_i_mmap(vma))
		BAD(why, "vma %lx: not in its file's i_mmap", vma->vm_start);
	return 0;
}

/*
 * validate_mm - list and tree agree, sorted and non-overlapping, gaps,
 * map_count, highest_vm_end and the vm_stat_account classes.
 */
int validate_mm(struct mm_struct *mm, struct strbuf *why)
{
	struct vm_area_struct *vma, *prev = NULL, *node;
	unsigned long total = 0, exec = 0, stack = 0, data = 0, max;
	int count = 0, err;

	node = vma_tree_first(mm);
	for (vma = mm->mmap; vma; prev = vma, vma = vma->vm_next) {
		if (vma->vm_prev != prev)
			BAD(why, "vma %lx: vm_prev wrong", vma->vm_start);
		if (prev && prev->vm_end > vma->vm_start)
			BAD(why, "vmas %lx-%lx and %lx-%lx overlap or unsorted",
			    prev->vm_start, prev->vm_end, vma->vm_start, vma->vm_end);
		if (node != vma)
			BAD(why, "vma %lx: tree and list disagree", vma->vm_start);
		node = vma_tree_next(node);
		err = validate_vma(mm, vma, why);
		if (err)
			return err;
		total += vma_pages(vma);
		if ((vma->vm_flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
			exec += vma_pages(vma);
		else if (vma->vm_flags & VM_STACK)
			stack += vma_pages(vma);
		else if ((vma->vm_flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
			data += vma_pages(vma);
		count++;
	}
	if (node)
		BAD(why, "tree has vmas the list lacks");
	if (count != mm->map_count)
		BAD(why, "map_count %d, walk found %d", mm->map_count, count);
	if (mm->highest_vm_end != (prev ? vm_end_gap(prev) : 0))
		BAD(why, "highest_vm_end %lx wrong", mm->highest_vm_end);
	err = check_gaps(RB_ROOT(&mm->mm_rb), &max, why);
	if (err)
		return err;
	if (total != mm->total_vm || exec != mm->exec_vm ||
	    stack != mm->stack_vm || data != mm->data_vm)
		BAD(why, "vm counters total/exec/stack/data %lu/%lu/%lu/%lu, "
		    "vmas give %lu/%lu/%lu/%lu", mm->total_vm, mm->exec_vm,
		    mm->stack_vm, mm->data_vm, total, exec, stack, data);
	return 0;
}

/* In-order walk of an anon_vma's tree: order and rb_subtree_last against
 * the VMAs' current ranges (the keys are read from avc->vma, so a range
 * changed without anon_vma_interval_tree_pre/post_update_vma shows here). */
static int check_avc_tree(struct anon_vma *av, struct anon_vma_chain *n,
			  unsigned long *count, unsigned long *prev_start,
			  unsigned long *sub_last, struct strbuf *why)
{
	unsigned long l = 0, r = 0, max;
	int err;

	if (!n) {
		*sub_last = 0;
		return 0;
	}
	err = check_avc_tree(av, RB_LEFT(n, rb), count, prev_start, &l, why);
	if (err)
		return err;
	if (n->anon_vma != av)
		BAD(why, "anon_vma %lu: tree holds another's avc", av->id);
	if (avc_start_pgoff(n) < *prev_start)
		BAD(why, "anon_vma %lu: tree out of order", av->id);
	*prev_start = avc_start_pgoff(n);
	(*count)++;
	err = check_avc_tree(av, RB_RIGHT(n, rb), count, prev_start, &r, why);
	if (err)
		return err;
	max = avc_last_pgoff(n);
	if (RB_LEFT(n, rb) && l > max)
		max = l;
	if (RB_RIGHT(n, rb) && r > max)
		max = r;
	if (n->rb_subtree_last != max)
		BAD(why, "anon_vma %lu: rb_subtree_last stale", av->id);
	*sub_last = max;
	return 0;
}

static int check_immap(struct inode *inode, struct vm_area_struct *n,
		       unsigned long *count, unsigned long *sub_last,
		       struct strbuf *why)
{
	unsigned long l = 0, r = 0, max;
	int err;

	if (!n) {
		*sub_last = 0;
		return 0;
	}
	err = check_immap(inode, RB_LEFT(n, shared_rb), count, &l, why);
	if (!err)
		err = check_immap(inode, RB_RIGHT(n, shared_rb), count, &r, why);
	if (err)
		return err;
	if (!n->vm_file || n->vm_file->f_inode != inode)
		BAD(why, "%s: i_mmap holds a vma of another file", inode->path);
	if (n->shared_last != n->vm_pgoff + vma_pages(n) - 1)
		BAD(why, "%s: i_mmap key stale", inode->path);
	max = n->shared_last;
	if (RB_LEFT(n, shared_rb) && l > max)
		max = l;
	if (RB_RIGHT(n, shared_rb) && r > max)
		max = r;
	if (n->shared_subtree_last != max)
		BAD(why, "%s: i_mmap subtree_last stale", inode->path);
	(*count)++;
	*sub_last = max;
	return 0;
}

/* Degree and refcount as the AVC graph implies them (kernel-spec §5.8). */
static int check_anon_vmas(struct sim *sim, unsigned long *nr_avcs,
			   struct strbuf *why)
{
	unsigned long n = sim->next_anon_vma_id + 1, *vmas, *children, *kids;
	struct task_struct *task, *tmp;
	struct vm_area_struct *vma;
	struct anon_vma *av;
	unsigned long live = 0, avcs = 0, c, ps, sl;
	int err = 0;

	vmas = calloc(n, sizeof(*vmas));
	children = calloc(n, sizeof(*children));
	kids = calloc(n, sizeof(*kids));
	if (!vmas || !children || !kids) {
		err = -ENOMEM;
		goto out;
	}
	HASH_ITER(hh, sim->tasks, task, tmp)
		for (vma = task->mm->mmap; vma; vma = vma->vm_next)
			if (vma->anon_vma)
				vmas[vma->anon_vma->id]++;
	for (av = anon_vma_first(sim); av; av = anon_vma_next(sim, av)) {
		if (av->parent != av && !RB_EMPTY(&av->rb_root))
			children[av->parent->id]++;
		if (av->root != av)
			kids[av->root->id]++;
	}
	for (av = anon_vma_first(sim); av; av = anon_vma_next(sim, av)) {
		bool nonempty = !RB_EMPTY(&av->rb_root);
		unsigned long degree, refcount;

		live++;
		c = 0;
		ps = 0;
		err = check_avc_tree(av, RB_ROOT(&av->rb_root), &c, &ps, &sl, why);
		if (err)
			goto out;
		if (c != av->nr_avcs) {
			strbuf_printf(why, "anon_vma %lu: nr_avcs %lu, tree has %lu",
				      av->id, av->nr_avcs, c);
			err = -EUCLEAN;
			goto out;
		}
		avcs += c;
		if (av->root->root != av->root) {
			strbuf_printf(why, "anon_vma %lu: root is not a root", av->id);
			err = -EUCLEAN;
			goto out;
		}
		degree = (av->root == av && nonempty) + vmas[av->id] +
			 children[av->id];
		refcount = nonempty + kids[av->id] + ksm_anon_vma_refs(sim, av);
		for (c = 0; c < sim->nr_migrations; c++)
			refcount += sim->migrations[c].anon_vma == av;
		if (av->degree != degree || av->refcount != (long)refcount) {
			strbuf_printf(why, "anon_vma %lu: degree %lu refcount %ld, "
				      "graph implies %lu and %lu", av->id,
				      av->degree, av->refcount, degree, refcount);
			err = -EUCLEAN;
			goto out;
		}
		if (av->refcount <= 0) {
			strbuf_printf(why, "anon_vma %lu: live with refcount %ld",
				      av->id, av->refcount);
			err = -EUCLEAN;
			goto out;
		}
	}
	if (live != sim->nr_anon_vmas) {
		strbuf_printf(why, "%lu anon_vmas indexed, counter says %lu",
			      live, sim->nr_anon_vmas);
		err = -EUCLEAN;
	}
	*nr_avcs = avcs;
out:
	free(vmas);
	free(children);
	free(kids);
	return err;
}

/* ---- pages ---- */

struct page_check {
	struct sim *sim;
	struct vm_area_struct *vma;
	unsigned int *ptes;		/* PTEs found per pfn */
	uint32_t *swap_refs;		/* swap PTEs and shmem slots per slot */
	long rss[NR_MM_COUNTERS];
	struct strbuf *why;
	int err;
	/* the rmap walk of one page: the PTEs it found mapping that page */
	unsigned long want_pfn;
	pte_t **found;
	size_t nr_found, found_cap;
};

/* One stop of the walk: note the PTE there if it maps the page. */
static bool rmap_found(struct page *page, struct vm_area_struct *vma,
		       unsigned long address, void *arg)
{
	struct page_check *pc = arg;
	pte_t *pte = pte_offset(vma->vm_mm, address);

	(void)page;
	if (!pte || !pte_present(*pte) || pte_special(*pte) ||
	    pte_pfn(*pte) != pc->want_pfn)
		return true;
	if (pc->nr_found == pc->found_cap) {
		size_t cap = pc->found_cap * 2 + 64;
		pte_t **v = realloc(pc->found, cap * sizeof(*v));

		if (!v) {
			pc->err = -ENOMEM;
			return false;
		}
		pc->found = v;
		pc->found_cap = cap;
	}
	pc->found[pc->nr_found++] = pte;
	return true;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(pte_t *const *)a;
	uintptr_t y = (uintptr_t)*(pte_t *const *)b;

	return x < y ? -1 : x > y;
}

static int check_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct page_check *pc = arg;
	unsigned long pfn = pte_pfn(*ptep);
	struct page *page;

	if (is_migration_pte(*ptep)) {
		unsigned int i;

		for (i = 0; i < pc->sim->nr_migrations; i++)
			if (pc->sim->migrations[i].old_pfn == pfn)
				break;
		if (i == pc->sim->nr_migrations) {
			strbuf_printf(pc->why, "pid %d %lx: migration entry for pfn %lu, "
				      "which is not under migration", mm->owner_pid, addr, pfn);
			return pc->err = -EUCLEAN;
		}
		page = pfn_to_page(pc->sim, pfn);
		pc->rss[PageAnon(page) ? MM_ANONPAGES :
			PageTest(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
		return 0;
	}
	if (pte_swp(*ptep)) {
		unsigned long off = pte_swp_offset(*ptep);

		if (pte_swp_type(*ptep) != 0 || !off || off >= pc->sim->swap.max) {
			strbuf_printf(pc->why, "pid %d %lx: bad swap entry %llx",
				      mm->owner_pid, addr, (unsigned long long)*ptep);
			return pc->err = -EUCLEAN;
		}
		pc->swap_refs[off]++;
		pc->rss[MM_SWAPENTS]++;
		return 0;
	}
	if (!pte_present(*ptep)) {
		strbuf_printf(pc->why, "pid %d %lx: non-present pte %llx",
			      mm->owner_pid, addr, (unsigned long long)*ptep);
		return pc->err = -EUCLEAN;
	}
	if (pte_special(*ptep)) {
		if (!is_zero_pfn(pfn)) {
			strbuf_printf(pc->why, "pid %d %lx: special pte not the zero page",
				      mm->owner_pid, addr);
			return pc->err = -EUCLEAN;
		}
		return 0;
	}
	if (pfn == 0 || pfn >= pc->sim->opt.frames) {
		strbuf_printf(pc->why, "pid %d %lx: pte to bad pfn %lu",
			      mm->owner_pid, addr, pfn);
		return pc->err = -EUCLEAN;
	}
	page = pfn_to_page(pc->sim, pfn);
	if (page->_refcount <= 0) {
		strbuf_printf(pc->why, "pid %d %lx: pte to free pfn %lu",
			      mm->owner_pid, addr, pfn);
		return pc->err = -EUCLEAN;
	}
	pc->ptes[pfn]++;
	pc->rss[PageAnon(page) ? MM_ANONPAGES :
		PageTest(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
	return 0;
}

/*
 * The rmap walk of a mapped page must find every PTE that maps it. The
 * PTEs it finds that map the page are told apart by their address (a KSM
 * walk may pass the same one twice, from the rmap_items of a parent and
 * of its child: rmap_walk_ksm's search_new_forks pass), so as many
 * distinct ones as the page tables hold means all of them. One walk per
 * page, not one per PTE: a page mapped by N VMAs costs N log N, not N^2.
 */
static int check_rmap_walk(struct page_check *pc, unsigned long pfn)
{
	struct rmap_walk_control rwc = { pc, rmap_found, NULL };
	struct page *page = pfn_to_page(pc->sim, pfn);
	size_t i, distinct = 0;

	pc->want_pfn = pfn;
	pc->nr_found = 0;
	rmap_walk(pc->sim, page, &rwc);
	if (pc->err)
		return pc->err;
	if (pc->nr_found > 1)
		qsort(pc->found, pc->nr_found, sizeof(*pc->found), cmp_ptr);
	for (i = 0; i < pc->nr_found; i++)
		distinct += !i || pc->found[i] != pc->found[i - 1];
	if (distinct != pc->ptes[pfn]) {
		strbuf_printf(pc->why, "pfn %lu: %u ptes map it, its rmap walk "
			      "finds %zu", pfn, pc->ptes[pfn], distinct);
		return -EUCLEAN;
	}
	return 0;
}

static bool in_page_cache(struct sim *sim, struct page *page)
{
	struct inode *inode;

	if (!page->mapping || PageAnon(page) || PageMovable(page))
		return false;
	inode = (struct inode *)page->mapping;
	return find_get_page(sim, inode, page->index) == page;
}

/* Every PTE lies inside a VMA; count the tables (VmPTE). */
struct table_count {
	struct mm_struct *mm;
	unsigned long tables;
	unsigned long stray;
};

static void count_tables(int level, const int idx[4], unsigned long addr,
			 uint64_t entry, void *arg)
{
	struct table_count *tc = arg;
	struct vm_area_struct *vma;

	(void)idx;
	(void)entry;
	if (level < 3) {
		tc->tables++;	/* the table this entry points to */
		return;
	}
	vma = find_vma(tc->mm, addr);
	if (!vma || vma->vm_start > addr)
		tc->stray = addr ? addr : 1;
}

struct inode_set {
	struct inode **v;
	size_t n, cap;
};

/* Add @inode once; a failed allocation only shortens the check. */
static void inode_set_add(struct inode_set *set, struct inode *inode)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i] == inode)
			return;
	if (set->n == set->cap) {
		struct inode **g = realloc(set->v, (set->cap * 2 + 16) * sizeof(*g));

		if (!g)
			return;
		set->v = g;
		set->cap = set->cap * 2 + 16;
	}
	set->v[set->n++] = inode;
}

static void count_swap_slot(unsigned long index, uint32_t *slot, void *arg)
{
	uint32_t *refs = arg;

	(void)index;
	if (*slot & 0x80000000U)	/* SLOT_SWAP: a swap offset */
		refs[*slot & ~0x80000000U]++;
}

/* shmem slots holding swap entries, of every inode reachable: the
 * namespace, and unlinked or /dev/zero inodes through the VMAs. */
static void count_shmem_swap(struct sim *sim, uint32_t *refs)
{
	struct inode_set set = { NULL, 0, 0 };
	struct task_struct *task, *tmp;
	struct inode *inode, *itmp;
	struct vm_area_struct *vma;
	size_t i;

	HASH_ITER(hh, sim->files, inode, itmp)
		inode_set_add(&set, inode);
	HASH_ITER(hh, sim->tasks, task, tmp)
		for (vma = task->mm->mmap; vma; vma = vma->vm_next)
			if (vma->vm_file)
				inode_set_add(&set, vma->vm_file->f_inode);
	for (i = 0; i < set.n; i++)
		page_cache_for_each_slot(set.v[i], count_swap_slot, refs);
	free(set.v);
}

/* Swap: each slot's count is its swap PTEs plus shmem slots; the swap
 * cache and the in-use count agree. */
static int check_swap(struct sim *sim, struct page_check *pc, struct strbuf *why)
{
	struct swap_info *si = &sim->swap;
	unsigned long off, inuse = 0;

	count_shmem_swap(sim, pc->swap_refs);
	for (off = 1; off < si->max; off++) {
		if (si->count[off] != pc->swap_refs[off])
			BAD(why, "swap slot %lu: count %u, %u references found", off,
			    si->count[off], pc->swap_refs[off]);
		if (si->cache[off]) {
			struct page *page = pfn_to_page(sim, si->cache[off] - 1);

			if (page->_refcount <= 0 || !PageTest(page, PG_swapcache) ||
			    page->private != off)
				BAD(why, "swap slot %lu: swap cache page %u inconsistent",
				    off, si->cache[off] - 1);
		}
		if (si->count[off] || si->cache[off])
			inuse++;
	}
	if (inuse != si->inuse)
		BAD(why, "%lu swap slots in use, counter says %lu", inuse, si->inuse);
	return 0;
}

/* LRU lists: each page on one list, the right one, lengths right. */
static int check_lru(struct sim *sim, struct strbuf *why)
{
	unsigned long on_lists = 0, flagged = 0, pfn;
	int l;

	for (l = 0; l < NR_LRU_LISTS; l++) {
		unsigned long n = 0;
		uint32_t p = sim->lru[l].head, prev = 0;

		while (p) {
			struct page *page = pfn_to_page(sim, p);

			if (!PageTest(page, PG_lru) || page->_refcount <= 0 ||
			    page->lru_prev != prev)
				BAD(why, "lru list %d: pfn %u misplaced", l, p);
			prev = p;
			p = page->lru_next;
			if (++n > sim->opt.frames)
				BAD(why, "lru list %d: loop", l);
		}
		if (prev != sim->lru[l].tail || n != sim->lru[l].count)
			BAD(why, "lru list %d: %lu pages, count says %lu", l, n,
			    sim->lru[l].count);
		on_lists += n;
	}
	for (pfn = 1; pfn < sim->opt.frames; pfn++)
		if (PageTest(pfn_to_page(sim, pfn), PG_lru))
			flagged++;
	if (flagged != on_lists)
		BAD(why, "%lu pages marked PG_lru, %lu on the lists", flagged, on_lists);
	return 0;
}

static int check_pages(struct sim *sim, struct strbuf *why)
{
	struct page_check pc = { .sim = sim, .why = why };
	struct task_struct *task, *tmp;
	unsigned long pfn, nr_free = 0, anon_mapped = 0, file_mapped = 0;
	int err = 0, i;

	pc.ptes = calloc(sim->opt.frames, sizeof(*pc.ptes));
	pc.swap_refs = calloc(sim->swap.max + 1, sizeof(*pc.swap_refs));
	if (!pc.ptes || !pc.swap_refs) {
		free(pc.ptes);
		free(pc.swap_refs);
		return -ENOMEM;
	}
	HASH_ITER(hh, sim->tasks, task, tmp) {
		struct mm_struct *mm = task->mm;
		struct table_count tc = { mm, 0, 0 };

		memset(pc.rss, 0, sizeof(pc.rss));
		for (pc.vma = mm->mmap; pc.vma; pc.vma = pc.vma->vm_next) {
			walk_pte_range(mm, pc.vma->vm_start, pc.vma->vm_end,
				       check_pte, &pc);
			if (pc.err) {
				err = pc.err;
				goto out;
			}
		}
		for (i = 0; i < NR_MM_COUNTERS; i++) {
			if (pc.rss[i] != mm->rss_stat[i]) {
				strbuf_printf(why, "pid %d: rss counter %d is %ld, ptes give %ld",
					      task->pid, i, mm->rss_stat[i], pc.rss[i]);
				err = -EUCLEAN;
				goto out;
			}
		}
		walk_pgtables(mm, count_tables, &tc);
		if (tc.stray) {
			strbuf_printf(why, "pid %d: pte at %lx outside every vma",
				      task->pid, tc.stray);
			err = -EUCLEAN;
			goto out;
		}
		if (tc.tables * PAGE_SIZE != mm->pgtables_bytes) {
			strbuf_printf(why, "pid %d: %lu tables, VmPTE says %lu bytes",
				      task->pid, tc.tables, mm->pgtables_bytes);
			err = -EUCLEAN;
			goto out;
		}
	}
	err = check_swap(sim, &pc, why);
	if (err)
		goto out;
	err = check_lru(sim, why);
	if (err)
		goto out;
	for (pfn = 1; pfn < sim->opt.frames; pfn++) {
		struct page *page = pfn_to_page(sim, pfn);
		bool cached = in_page_cache(sim, page);
		bool swapcached = PageTest(page, PG_swapcache) &&
				  page->private < sim->swap.max &&
				  sim->swap.cache[page->private] == pfn + 1;
		unsigned int mg;
		bool free_bit = sim->free_map[pfn / 64] & (1ULL << (pfn % 64));
		long want;

		if (page->_refcount == 0) {
			if (!free_bit || page->_mapcount != -1 || pc.ptes[pfn]) {
				strbuf_printf(why, "pfn %lu: refcount 0 but in use", pfn);
				err = -EUCLEAN;
				goto out;
			}
			nr_free++;
			continue;
		}
		if (free_bit) {
			strbuf_printf(why, "pfn %lu: in use but marked free", pfn);
			err = -EUCLEAN;
			goto out;
		}
		if ((unsigned int)page_mapcount(page) != pc.ptes[pfn]) {
			strbuf_printf(why, "pfn %lu: mapcount %d, %u ptes map it", pfn,
				      page_mapcount(page), pc.ptes[pfn]);
			err = -EUCLEAN;
			goto out;
		}
		if (pc.ptes[pfn]) {
			err = check_rmap_walk(&pc, pfn);
			if (err)
				goto out;
		}
		want = (long)pc.ptes[pfn] + (cached ? 1 : 0) + (swapcached ? 1 : 0) +
		       balloon_page(sim, page);	/* the balloon's reference */
		for (mg = 0; mg < sim->nr_migrations; mg++)
			if (sim->migrations[mg].old_pfn == pfn ||
			    sim->migrations[mg].new_pfn == pfn)
				want++;	/* isolation or allocation reference */
		if (page->_refcount != want) {
			strbuf_printf(why, "pfn %lu: refcount %d, mappings and cache give %ld",
				      pfn, page->_refcount, want);
			err = -EUCLEAN;
			goto out;
		}
		if (page_mapped(page)) {
			if (PageAnon(page))
				anon_mapped++;
			else
				file_mapped++;
		}
	}
	if (nr_free != sim->nr_free) {
		strbuf_printf(why, "%lu frames free, counter says %lu", nr_free,
			      sim->nr_free);
		err = -EUCLEAN;
	} else if (anon_mapped != sim->vmstat[NR_ANON_MAPPED] ||
		   file_mapped != sim->vmstat[NR_FILE_MAPPED]) {
		strbuf_printf(why, "nr_anon_pages %lu / nr_mapped %lu, pages give %lu / %lu",
			      sim->vmstat[NR_ANON_MAPPED], sim->vmstat[NR_FILE_MAPPED],
			      anon_mapped, file_mapped);
		err = -EUCLEAN;
	}
out:
	free(pc.found);
	free(pc.ptes);
	free(pc.swap_refs);
	return err;
}

int sim_check(struct sim *sim, struct strbuf *why)
{
	struct task_struct *task, *tmp;
	struct inode *inode, *itmp;
	struct vm_area_struct *vma;
	unsigned long vmas = 0, chain = 0, tree_avcs = 0, c, sl;
	int err;

	HASH_ITER(hh, sim->tasks, task, tmp) {
		if (!task->mm || task->mm->sim != sim)
			BAD(why, "pid %d: no mm", task->pid);
		err = validate_mm(task->mm, why);
		if (err) {
			strbuf_printf(why, " (pid %d)", task->pid);
			return err;
		}
		vmas += (unsigned long)task->mm->map_count;
		for (vma = task->mm->mmap; vma; vma = vma->vm_next)
			chain += vma_chain_len(vma);
	}
	if (vmas != sim->nr_vmas)
		BAD(why, "%lu vmas live, counter says %lu", vmas, sim->nr_vmas);
	err = check_anon_vmas(sim, &tree_avcs, why);
	if (err)
		return err;
	if (chain != tree_avcs || chain != sim->nr_avcs)
		BAD(why, "avcs: %lu on vma chains, %lu in trees, counter %lu",
		    chain, tree_avcs, sim->nr_avcs);
	HASH_ITER(hh, sim->files, inode, itmp) {
		c = 0;
		err = check_immap(inode, RB_ROOT(&inode->i_mmap), &c, &sl, why);
		if (err)
			return err;
		if (c != inode->i_mmap_count)
			BAD(why, "%s: i_mmap_count %lu, tree has %lu", inode->path,
			    inode->i_mmap_count, c);
	}
	err = check_pages(sim, why);
	if (err)
		return err;
	err = balloon_check(sim, why);
	if (err)
		return err;
	return ksm_check(sim, why);
}
