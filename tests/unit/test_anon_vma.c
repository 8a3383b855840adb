/* tests/unit/test_anon_vma.c - core/anon_vma.c: anon_vma_prepare (fresh root,
 * reuse of a neighbour's anon_vma and every reason it is refused),
 * anon_vma_fork through fork/exit (the §5.9 walk-through with exact degrees
 * and refcounts), unlink_anon_vmas freeing. After kernel-spec §5.1-§5.9,
 * §13 S2-S4 and §14 trap 8 (v5.15.0 mm/rmap.c with the single `degree`).
 *
 * anon_vma_prepare is what the first write fault calls; the tests call it
 * directly where a fault would.
 */
#include "testlib.h"

#define PREPARE_OK(vma) do { \
	ck_assert_int_eq(anon_vma_prepare(vma), 0); \
	CHECK_SIM(T.sim); \
} while (0)

/* The live object counters (/slabinfo). */
#define ASSERT_LIVE(anon_vmas, avcs) do { \
	ck_assert_uint_eq(T.sim->nr_anon_vmas, (anon_vmas)); \
	ck_assert_uint_eq(T.sim->nr_avcs, (avcs)); \
} while (0)

#define MAP(addr, npages, prot) ({ \
	MAP_FIXED_ANON(T.mm, (addr), (npages), (prot), 0); \
	find_vma(T.mm, (addr)); \
})

/* ------------------------------------------------------------- prepare */

START_TEST(test_anon_vma_prepare_fresh_root)
{
	struct vm_area_struct *v;
	struct anon_vma_chain *avc;
	struct anon_vma *av;

	/*  0x40000000          0x40002000
	 *  |-- V rw- ----------|   no neighbours: a new root */
	v = MAP(BASE, 2, RW);
	ASSERT_LIVE(0, 0);

	PREPARE_OK(v);
	av = v->anon_vma;
	ck_assert_ptr_nonnull(av);
	ck_assert_ptr_eq(av->root, av);
	ck_assert_ptr_eq(av->parent, av);
	/* alloc gives {1, 1}; linking V adds 1 degree: self + V. */
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(av->nr_avcs, 1);
	ck_assert_uint_eq(t_nr_avcs(v), 1);
	avc = SLIST_FIRST(&v->anon_vma_chain);
	ck_assert_ptr_eq(avc->vma, v);
	ck_assert_ptr_eq(avc->anon_vma, av);
	/* Interval key: the VMA's pgoff range [pgoff, pgoff + pages - 1]. */
	ck_assert_uint_eq(avc_start_pgoff(avc), PFN(BASE));
	ck_assert_uint_eq(avc_last_pgoff(avc), PFN(BASE) + 1);
	ASSERT_LIVE(1, 1);
	/* The VMA itself is otherwise untouched. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_anon_vma_prepare_fast_path_when_set)
{
	struct vm_area_struct *v;
	struct t_mm_snap before;

	v = MAP(BASE, 2, RW);
	PREPARE_OK(v);
	t_snap(&before, T.mm);
	/* vma->anon_vma already set: return at once, nothing changes. */
	PREPARE_OK(v);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_anon_vma_prepare_reuses_next)
{
	struct vm_area_struct *v, *n;
	struct anon_vma *av;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- V rwx ----|-- N rw- AV -|
	 * N: adjacent, flags differ only in VM_EXEC, pgoff lines up, one
	 * AVC: V shares AV. degree +1, refcount unchanged, no new anon_vma. */
	n = MAP(BASE + PG, 1, RW);
	PREPARE_OK(n);
	av = n->anon_vma;
	v = MAP(BASE, 1, RWX);
	ASSERT_LIVE(1, 1);

	PREPARE_OK(v);
	ck_assert_ptr_eq(v->anon_vma, av);
	ASSERT_AV(av, 3, 1);
	ck_assert_uint_eq(av->nr_avcs, 2);
	ck_assert_uint_eq(t_nr_avcs(v), 1);
	ck_assert_ptr_eq(t_chain_av(v, 0), av);
	ASSERT_LIVE(1, 2);
}
END_TEST

START_TEST(test_anon_vma_prepare_tries_next_before_prev)
{
	struct vm_area_struct *p, *v, *n;
	struct anon_vma *avp, *avn;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- AVp-|-- V rwx ----|-- N rw- AVn-|
	 * P and N were prepared before V existed (not adjacent then): two
	 * roots. Both qualify for V; the next VMA is tried first. */
	p = MAP(BASE, 1, RW);
	n = MAP(BASE + 2 * PG, 1, RW);
	PREPARE_OK(p);
	PREPARE_OK(n);
	avp = p->anon_vma;
	avn = n->anon_vma;
	ck_assert_ptr_ne(avp, avn);
	v = MAP(BASE + PG, 1, RWX);

	PREPARE_OK(v);
	ck_assert_ptr_eq(v->anon_vma, avn);
	ASSERT_AV(avn, 3, 1);
	ASSERT_AV(avp, 2, 1);
	ASSERT_LIVE(2, 3);
}
END_TEST

START_TEST(test_anon_vma_prepare_reuses_prev_when_next_has_none)
{
	struct vm_area_struct *p, *v;
	struct anon_vma *avp;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- AVp-|-- V rwx ----|-- N rw- ----|
	 * N has no anon_vma to offer; P does. */
	p = MAP(BASE, 1, RW);
	PREPARE_OK(p);
	avp = p->anon_vma;
	MAP(BASE + 2 * PG, 1, RW);
	v = MAP(BASE + PG, 1, RWX);

	PREPARE_OK(v);
	ck_assert_ptr_eq(v->anon_vma, avp);
	ASSERT_AV(avp, 3, 1);
	ASSERT_LIVE(1, 2);
	ck_assert_ptr_null(t_vma(T.mm, 2)->anon_vma);
}
END_TEST

START_TEST(test_anon_vma_prepare_no_reuse_flags_differ)
{
	struct vm_area_struct *p, *v, *q, *w;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- P rw- dc -|-- V rwx ----|
	 * P and V differ in VM_EXEC and VM_DONTCOPY: only R/W/X/softdirty
	 * may differ, so V gets a root of its own. */
	p = MAP(BASE, 2, RW);
	ck_assert_int_eq(do_madvise(T.mm, BASE, PG, MADV_DONTFORK), 0);
	CHECK_SIM(T.sim);
	p = t_vma(T.mm, 0);
	PREPARE_OK(p);
	ck_assert_int_eq(do_mprotect(T.mm, BASE + PG, PG, RWX), 0);
	CHECK_SIM(T.sim);
	v = t_vma(T.mm, 1);
	ASSERT_VMAS(T.mm,
		    { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) | VM_DONTCOPY },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), ANON_FLAGS(RWX) });
	PREPARE_OK(v);
	ck_assert_ptr_ne(v->anon_vma, p->anon_vma);
	ASSERT_AV(v->anon_vma, 2, 1);
	ASSERT_AV(p->anon_vma, 2, 1);

	/*  0x40004000    0x40005000    0x40006000
	 *  |-- Q r-- AVq-|-- W rw- ----|
	 * r-- private lacks VM_ACCOUNT, rw- private has it: no reuse. */
	q = MAP(BASE + 4 * PG, 1, RO);
	PREPARE_OK(q);
	w = MAP(BASE + 5 * PG, 1, RW);
	PREPARE_OK(w);
	ck_assert_ptr_ne(w->anon_vma, q->anon_vma);
	ASSERT_LIVE(4, 4);
}
END_TEST

START_TEST(test_anon_vma_prepare_no_reuse_pgoff_mismatch)
{
	struct vm_area_struct *v, *n;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- V rwx ----|-- N rw- AV -|
	 * N's pgoff is moved 5 pages on (as an mremap of faulted memory
	 * leaves it, §4.13): N.pgoff != V.pgoff + 1, so no reuse. The
	 * interval-tree helpers re-key N's AVC around the change (§5.1
	 * invariant 4). */
	n = MAP(BASE + PG, 1, RW);
	PREPARE_OK(n);
	anon_vma_interval_tree_pre_update_vma(n);
	n->vm_pgoff += 5;
	anon_vma_interval_tree_post_update_vma(n);
	CHECK_SIM(T.sim);
	v = MAP(BASE, 1, RWX);

	PREPARE_OK(v);
	ck_assert_ptr_ne(v->anon_vma, n->anon_vma);
	ASSERT_AV(v->anon_vma, 2, 1);
	ASSERT_AV(n->anon_vma, 2, 1);
	ASSERT_LIVE(2, 2);
}
END_TEST

START_TEST(test_anon_vma_prepare_no_reuse_not_adjacent)
{
	struct vm_area_struct *v, *n;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- V rwx ----|    hole     |-- N rw- AV -|
	 * Only direct neighbours that touch V are examined. */
	n = MAP(BASE + 2 * PG, 1, RW);
	PREPARE_OK(n);
	v = MAP(BASE, 1, RWX);

	PREPARE_OK(v);
	ck_assert_ptr_ne(v->anon_vma, n->anon_vma);
	ASSERT_LIVE(2, 2);
}
END_TEST

START_TEST(test_anon_vma_prepare_no_reuse_file_differs)
{
	struct vm_area_struct *v, *f;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- V rwx anon|-- F rw- /a@0x40001 AV -|
	 * F is a private writable file mapping (it gets an anon_vma on its
	 * first COW), placed at file offset 0x40001 pages so its pgoff
	 * lines up with V's: only the file differs. */
	t_file(T.sim, "/a", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + PG, PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/a", PFN(BASE + PG)), (long)(BASE + PG));
	CHECK_SIM(T.sim);
	f = t_vma(T.mm, 0);
	ck_assert_uint_eq(f->vm_pgoff, PFN(BASE) + 1);
	PREPARE_OK(f);
	v = MAP(BASE, 1, RWX);

	PREPARE_OK(v);
	ck_assert_ptr_ne(v->anon_vma, f->anon_vma);
	ASSERT_LIVE(2, 2);
}
END_TEST

START_TEST(test_anon_vma_prepare_no_reuse_fork_derived_neighbour)
{
	struct mm_struct *cmm;
	struct vm_area_struct *cp, *cv;
	int child;

	/* parent:  |-- P rw- AV0 --|          0x40000000 .. 0x40001000
	 * child:   |-- P' rw- [AV1, AV0] --|-- V rwx --|
	 * P' has two AVCs (fork-derived): its anon_vma is not reusable. */
	PREPARE_OK(MAP(BASE, 1, RW));
	child = (int)T_CMD(T.sim, "fork 1");
	cmm = t_mm(T.sim, child);
	cp = t_vma(cmm, 0);
	ck_assert_uint_eq(t_nr_avcs(cp), 2);
	MAP_FIXED_ANON(cmm, BASE + PG, 1, RWX, 0);
	cv = t_vma(cmm, 1);
	ASSERT_LIVE(2, 3);

	PREPARE_OK(cv);
	ck_assert_ptr_ne(cv->anon_vma, cp->anon_vma);
	ck_assert_ptr_eq(cv->anon_vma->root, cv->anon_vma);	/* a new family */
	ASSERT_AV(cv->anon_vma, 2, 1);
	ASSERT_AV(cp->anon_vma, 1, 1);		/* child's AV1 untouched */
	ASSERT_LIVE(3, 4);
}
END_TEST

/* ------------------------------------------------------------ fork/exit */

START_TEST(test_anon_vma_fork_walkthrough)
{
	struct vm_area_struct *v0, *v1, *v2, *v3;
	struct anon_vma *av0, *av1, *av2;
	int c1, c2, c3;

	/* §5.9 step 1: P (pid 1) writes a page in v0.
	 *  0x40000000    0x40001000
	 *  |-- v0 rw- ---|           */
	v0 = MAP(BASE, 1, RW);
	PREPARE_OK(v0);
	av0 = v0->anon_vma;
	ASSERT_AV(av0, 2, 1);
	ck_assert_uint_eq(t_nr_avcs(v0), 1);
	ASSERT_LIVE(1, 1);

	/* Step 2: P forks C1. v1's chain is a clone of [AV0] (no reuse:
	 * AV0 is the source's own anon_vma), then a new AV1 under AV0:
	 * AV1 {1, 1}, AV0 {degree 3, refcount 2}; v1 = [AV1, AV0]. */
	c1 = (int)T_CMD(T.sim, "fork 1");
	ck_assert_int_eq(c1, 2);
	v1 = t_vma(t_mm(T.sim, c1), 0);
	av1 = v1->anon_vma;
	ck_assert_ptr_ne(av1, av0);
	ck_assert_ptr_eq(av1->parent, av0);
	ck_assert_ptr_eq(av1->root, av0);
	ASSERT_AV(av1, 1, 1);
	ASSERT_AV(av0, 3, 2);
	ck_assert_uint_eq(t_nr_avcs(v1), 2);
	ck_assert_ptr_eq(t_chain_av(v1, 0), av1);
	ck_assert_ptr_eq(t_chain_av(v1, 1), av0);
	ASSERT_LIVE(2, 3);

	/* Step 3: P exits. AV0's tree still holds v1's AVC: v0's AVC is
	 * freed, AV0.degree 3 -> 2 (v0 no longer points at it). */
	T_CMD(T.sim, "exit 1");
	ck_assert_ptr_null(find_task(T.sim, 1));
	ASSERT_AV(av0, 2, 2);
	ASSERT_AV(av1, 1, 1);
	ASSERT_LIVE(2, 2);

	/* Step 4: C1 forks C2. Clone over [AV0, AV1]: AV0 degree 2 -> no;
	 * AV1 is the source's own -> no; new AV2 under AV1. AV1.degree 2,
	 * AV0.refcount 3; v2 = [AV2, AV1, AV0]. */
	c2 = (int)T_CMD(T.sim, "fork %d", c1);
	ck_assert_int_eq(c2, 3);
	v2 = t_vma(t_mm(T.sim, c2), 0);
	av2 = v2->anon_vma;
	ck_assert_ptr_ne(av2, av1);
	ck_assert_ptr_ne(av2, av0);
	ck_assert_ptr_eq(av2->parent, av1);
	ck_assert_ptr_eq(av2->root, av0);
	ASSERT_AV(av2, 1, 1);
	ASSERT_AV(av1, 2, 1);
	ASSERT_AV(av0, 2, 3);
	ck_assert_uint_eq(t_nr_avcs(v2), 3);
	ck_assert_ptr_eq(t_chain_av(v2, 0), av2);
	ck_assert_ptr_eq(t_chain_av(v2, 1), av1);
	ck_assert_ptr_eq(t_chain_av(v2, 2), av0);
	ASSERT_LIVE(3, 5);

	/* Step 5: C1 exits. AV1's and AV0's trees keep v2's AVCs: v1's two
	 * AVCs are freed; AV1.degree 1 (no VMA, one child). */
	T_CMD(T.sim, "exit %d", c1);
	ASSERT_AV(av1, 1, 1);
	ASSERT_AV(av0, 2, 3);
	ASSERT_AV(av2, 1, 1);
	ASSERT_LIVE(3, 3);

	/* Step 6: C2 forks C3. Clone over [AV0, AV1, AV2]: AV0 (degree 2)
	 * no; AV1 (degree 1, not AV2) -> reused: v3.anon_vma = AV1, degree
	 * 2; no new anon_vma. v3 = [AV2, AV1, AV0] (AV2 linked although it
	 * is not an ancestor of AV1). */
	c3 = (int)T_CMD(T.sim, "fork %d", c2);
	ck_assert_int_eq(c3, 4);
	v3 = t_vma(t_mm(T.sim, c3), 0);
	ck_assert_ptr_eq(v3->anon_vma, av1);
	ASSERT_AV(av1, 2, 1);
	ASSERT_AV(av0, 2, 3);
	ASSERT_AV(av2, 1, 1);
	ck_assert_uint_eq(t_nr_avcs(v3), 3);
	ck_assert_ptr_eq(t_chain_av(v3, 0), av2);
	ck_assert_ptr_eq(t_chain_av(v3, 1), av1);
	ck_assert_ptr_eq(t_chain_av(v3, 2), av0);
	ASSERT_LIVE(3, 6);

	/* Teardown, C3 first: every tree keeps C2's AVC; AV1.degree -> 1. */
	T_CMD(T.sim, "exit %d", c3);
	ASSERT_AV(av1, 1, 1);
	ASSERT_LIVE(3, 3);
	/* C2: all three trees empty. AV2 is freed, then AV1 (each put drops
	 * the root's refcount), then AV0 with its last reference. */
	T_CMD(T.sim, "exit %d", c2);
	ASSERT_LIVE(0, 0);
	ck_assert_uint_eq(T.sim->nr_vmas, 0);
}
END_TEST

START_TEST(test_anon_vma_fork_parent_without_anon_vma)
{
	struct vm_area_struct *cv;
	int child;

	/* An untouched VMA (no anon_vma): the child's copy has none either,
	 * and no AVCs (§5.5 step 1). */
	MAP(BASE, 2, RW);
	child = (int)T_CMD(T.sim, "fork 1");
	cv = t_vma(t_mm(T.sim, child), 0);
	ck_assert_ptr_null(cv->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(cv), 0);
	ASSERT_LIVE(0, 0);
}
END_TEST

START_TEST(test_anon_vma_child_exit_frees_child_anon_vma)
{
	struct anon_vma *av0;
	int child;

	/* S2 step 5: P's v0 has AV0; fork; the child exits. AV1's tree
	 * empties: AV0.degree 3 -> 2, AV1 freed, AV0.refcount 2 -> 1. */
	PREPARE_OK(MAP(BASE, 1, RW));
	av0 = t_vma(T.mm, 0)->anon_vma;
	child = (int)T_CMD(T.sim, "fork 1");
	ASSERT_AV(av0, 3, 2);
	ASSERT_LIVE(2, 3);

	T_CMD(T.sim, "exit %d", child);
	ASSERT_AV(av0, 2, 1);
	ASSERT_LIVE(1, 1);
	ck_assert_ptr_eq(t_vma(T.mm, 0)->anon_vma, av0);
}
END_TEST

START_TEST(test_anon_vma_parent_exit_keeps_root_alive)
{
	struct anon_vma *av0, *av1;
	int child;

	/* The root's own VMA goes, but the child's AVC keeps its tree
	 * non-empty: AV0 survives with degree 2 (self + AV1) and refcount 2
	 * (owner + AV1). */
	PREPARE_OK(MAP(BASE, 1, RW));
	av0 = t_vma(T.mm, 0)->anon_vma;
	child = (int)T_CMD(T.sim, "fork 1");
	av1 = t_vma(t_mm(T.sim, child), 0)->anon_vma;

	T_CMD(T.sim, "exit 1");
	ASSERT_AV(av0, 2, 2);
	ASSERT_AV(av1, 1, 1);
	ASSERT_LIVE(2, 2);

	T_CMD(T.sim, "exit %d", child);
	ASSERT_LIVE(0, 0);
}
END_TEST

struct vma_list {
	struct vm_area_struct *vma[8];
	int n;
};

static int collect_avc(struct anon_vma_chain *avc, void *arg)
{
	struct vma_list *l = arg;

	ck_assert_int_lt(l->n, 8);
	l->vma[l->n++] = avc->vma;
	return 0;
}

START_TEST(test_anon_vma_tree_equal_keys_in_insertion_order)
{
	struct vma_list l = { .n = 0 };
	struct vm_area_struct *v0, *v1, *v2;
	struct anon_vma *av0;

	/* P's v0 with AV0 forks C1 then C2: AV0's tree holds three AVCs with
	 * the same key [PFN(BASE), PFN(BASE)]; a newly inserted interval with
	 * an equal start goes after the existing ones (§5.1 invariant 5), so
	 * the rmap walk meets v0, v1, v2. */
	v0 = MAP(BASE, 1, RW);
	PREPARE_OK(v0);
	av0 = v0->anon_vma;
	v1 = t_vma(t_mm(T.sim, (int)T_CMD(T.sim, "fork 1")), 0);
	v2 = t_vma(t_mm(T.sim, (int)T_CMD(T.sim, "fork 1")), 0);
	ck_assert_int_eq(anon_vma_interval_tree_foreach(&av0->rb_root, PFN(BASE),
							PFN(BASE), collect_avc, &l), 0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_ptr_eq(l.vma[0], v0);
	ck_assert_ptr_eq(l.vma[1], v1);
	ck_assert_ptr_eq(l.vma[2], v2);
	/* A walk over another page range finds nothing. */
	l.n = 0;
	ck_assert_int_eq(anon_vma_interval_tree_foreach(&av0->rb_root, PFN(BASE) + 1,
							PFN(BASE) + 9, collect_avc, &l), 0);
	ck_assert_int_eq(l.n, 0);
	ASSERT_AV(av0, 4, 3);	/* self + v0 + AV1 + AV2; owner + 2 children */
}
END_TEST

/* ------------------------------------------------------------ unlinking */

START_TEST(test_unlink_anon_vmas_on_munmap)
{
	/* The last VMA of a root goes: its tree empties, degree and the
	 * owner reference drop, the anon_vma and the AVC are freed. */
	PREPARE_OK(MAP(BASE, 2, RW));
	ASSERT_LIVE(1, 1);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 2 * PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_LIVE(0, 0);
}
END_TEST

START_TEST(test_anon_vma_munmap_middle_s3)
{
	struct anon_vma *av;

	/* S3.
	 *  0x40000000    0x40001000    0x40002000                  0x40004000
	 *  |-- V rw- AV0 -------------------------------------------|
	 * munmap the second page: split at 0x40001000 (+1 AVC, +1 degree),
	 * split at 0x40002000 (+1, +1), remove the middle (-1, -1):
	 *  |-- AV0 ------|             |-- AV0 ---------------------| */
	PREPARE_OK(MAP(BASE, 4, RW));
	av = t_vma(T.mm, 0)->anon_vma;

	ck_assert_int_eq(do_munmap(T.mm, BASE + PG, PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 1)->anon_vma, av);
	ASSERT_AV(av, 3, 1);
	ck_assert_uint_eq(av->nr_avcs, 2);
	ASSERT_LIVE(1, 2);
	ck_assert_uint_eq(T.mm->total_vm, 3);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);

	/* The rest, piece by piece: freed with the last one. */
	ck_assert_int_eq(do_munmap(T.mm, BASE, PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_AV(av, 2, 1);
	ASSERT_LIVE(1, 1);
	ck_assert_int_eq(do_munmap(T.mm, BASE + 2 * PG, 2 * PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_LIVE(0, 0);
}
END_TEST

START_TEST(test_anon_vma_exit_frees_everything)
{
	/* Two families (one reused by a neighbour): exit frees them all. */
	PREPARE_OK(MAP(BASE, 1, RW));
	PREPARE_OK(MAP(BASE + PG, 1, RWX));	/* reuses prev's */
	PREPARE_OK(MAP(BASE + 8 * PG, 2, RW));
	ASSERT_LIVE(2, 3);
	T_CMD(T.sim, "exit 1");
	ASSERT_LIVE(0, 0);
	ck_assert_uint_eq(T.sim->nr_vmas, 0);
}
END_TEST

static Suite *anon_vma_suite(void)
{
	Suite *s = suite_create("anon_vma");
	TCase *tc;

	tc = t_tcase("prepare");
	tcase_add_test(tc, test_anon_vma_prepare_fresh_root);
	tcase_add_test(tc, test_anon_vma_prepare_fast_path_when_set);
	tcase_add_test(tc, test_anon_vma_prepare_reuses_next);
	tcase_add_test(tc, test_anon_vma_prepare_tries_next_before_prev);
	tcase_add_test(tc, test_anon_vma_prepare_reuses_prev_when_next_has_none);
	tcase_add_test(tc, test_anon_vma_prepare_no_reuse_flags_differ);
	tcase_add_test(tc, test_anon_vma_prepare_no_reuse_pgoff_mismatch);
	tcase_add_test(tc, test_anon_vma_prepare_no_reuse_not_adjacent);
	tcase_add_test(tc, test_anon_vma_prepare_no_reuse_file_differs);
	tcase_add_test(tc, test_anon_vma_prepare_no_reuse_fork_derived_neighbour);
	suite_add_tcase(s, tc);

	tc = t_tcase("fork");
	tcase_add_test(tc, test_anon_vma_fork_walkthrough);
	tcase_add_test(tc, test_anon_vma_fork_parent_without_anon_vma);
	tcase_add_test(tc, test_anon_vma_child_exit_frees_child_anon_vma);
	tcase_add_test(tc, test_anon_vma_parent_exit_keeps_root_alive);
	tcase_add_test(tc, test_anon_vma_tree_equal_keys_in_insertion_order);
	suite_add_tcase(s, tc);

	tc = t_tcase("unlink");
	tcase_add_test(tc, test_unlink_anon_vmas_on_munmap);
	tcase_add_test(tc, test_anon_vma_munmap_middle_s3);
	tcase_add_test(tc, test_anon_vma_exit_frees_everything);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(anon_vma_suite());
}
