/* tests/unit/test_rmap.c - core/rmap.c: the page-level reverse map of
 * v5.15 mm/rmap.c (kernel-spec §6, §9): where __page_set_anon_rmap files
 * a page, rmap_walk_anon through the page's own anon_vma interval tree,
 * rmap_walk_file through i_mmap, page_vma_mapped, vma_address and
 * linear_page_index.
 *
 * The walks visit every VMA whose range covers the page's index in the
 * tree they search (mapped there or not); page_vma_mapped then tells
 * whether the PTE really maps the page. Tree order is key order (pgoff),
 * equal keys in insertion order (§5.1 invariant 5); dup_mmap puts a
 * child's file VMA right after its parent's in i_mmap (§8.2).
 */
#include "testlib.h"

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

static struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = t_pte(mm, addr);

	ck_assert(pte_present(pte));
	return pfn_to_page(mm->sim, pte_pfn(pte));
}

#define ASSERT_HIT(h, v, a) do { \
	ck_assert_ptr_eq((h).vma, (v)); \
	ck_assert_uint_eq((h).addr, (a)); \
} while (0)

/* ------------------------------------------------------- rmap_walk */

START_TEST(test_rmap_walk_finds_parent_and_child_of_page_from_before_fork)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct mm_struct *cmm;
	struct vm_area_struct *pv, *cv;
	struct page *x;

	/*  P: |-- V rw- AV0: [0] none, [1] X --|  fork -> C: V' [AV1, AV0]
	 * X is filed under AV0 (the root); AV0's tree holds the AVCs of V
	 * (inserted at prepare) and V' (at fork), same key, in that order. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), 0);
	CHECK_SIM(T.sim);
	pv = t_vma(T.mm, 0);
	x = page_at(T.mm, BASE + PG);
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	ck_assert_ptr_eq(page_anon_vma(x), pv->anon_vma);
	ck_assert_ptr_eq(t_chain_av(cv, 1), pv->anon_vma);

	ck_assert_int_eq(t_rmap_walk(T.sim, x, h), 2);
	ASSERT_HIT(h[0], pv, BASE + PG);
	ASSERT_HIT(h[1], cv, BASE + PG);
	ck_assert_ptr_eq(page_vma_mapped(x, pv, BASE + PG), pte_offset(T.mm, BASE + PG));
	ck_assert_ptr_eq(page_vma_mapped(x, cv, BASE + PG), pte_offset(cmm, BASE + PG));
}
END_TEST

START_TEST(test_rmap_walk_of_child_cow_page_never_reaches_parent)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct mm_struct *cmm, *gmm;
	struct vm_area_struct *pv, *cv, *gv;
	struct page *x, *x1;

	/*  P: V AV0 maps X; fork C: V' [AV1, AV0]; C writes: X' under AV1
	 * (exclusive). Only AV1's tree is searched for X': C's VMA and,
	 * after C forks G (V'' [AVG, AV1, AV0]), G's; never P's. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	pv = t_vma(T.mm, 0);
	x = page_at(T.mm, BASE);
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	ck_assert_int_eq(access_write(cmm, BASE, 2), 0);
	CHECK_SIM(T.sim);
	x1 = page_at(cmm, BASE);
	ck_assert_ptr_ne(x1, x);
	ck_assert_ptr_eq(page_anon_vma(x1), cv->anon_vma);

	ck_assert_int_eq(t_rmap_walk(T.sim, x1, h), 1);
	ASSERT_HIT(h[0], cv, BASE);

	gmm = t_mm(T.sim, fork_of(2));
	gv = t_vma(gmm, 0);
	ck_assert_uint_eq(t_nr_avcs(gv), 3);
	ck_assert_int_eq(t_rmap_walk(T.sim, x1, h), 2);
	ASSERT_HIT(h[0], cv, BASE);
	ASSERT_HIT(h[1], gv, BASE);
	ck_assert_ptr_nonnull(page_vma_mapped(x1, cv, BASE));
	ck_assert_ptr_nonnull(page_vma_mapped(x1, gv, BASE));
	ck_assert_ptr_null(page_vma_mapped(x1, pv, BASE));

	/* X, under AV0, is searched in the whole family's tree; only P
	 * still maps it. */
	ck_assert_int_eq(t_rmap_walk(T.sim, x, h), 3);
	ASSERT_HIT(h[0], pv, BASE);
	ASSERT_HIT(h[1], cv, BASE);
	ASSERT_HIT(h[2], gv, BASE);
	ck_assert_ptr_nonnull(page_vma_mapped(x, pv, BASE));
	ck_assert_ptr_null(page_vma_mapped(x, cv, BASE));
	ck_assert_ptr_null(page_vma_mapped(x, gv, BASE));
}
END_TEST

START_TEST(test_rmap_walk_of_parent_cow_page_also_visits_child)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct mm_struct *cmm;
	struct vm_area_struct *pv, *cv;
	struct page *x2;

	/* The parent's copy is filed under the parent's anon_vma, which is
	 * the root: its tree also holds the child's AVC, so the walk visits
	 * the child's VMA, where page_vma_mapped finds X, not X2. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	pv = t_vma(T.mm, 0);
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 2), 0);
	CHECK_SIM(T.sim);
	x2 = page_at(T.mm, BASE);
	ck_assert_uint_eq(page_to_pfn(T.sim, x2), 2);
	ck_assert_ptr_eq(page_anon_vma(x2), pv->anon_vma);
	ck_assert_int_eq(t_rmap_walk(T.sim, x2, h), 2);
	ASSERT_HIT(h[0], pv, BASE);
	ASSERT_HIT(h[1], cv, BASE);
	ck_assert_ptr_nonnull(page_vma_mapped(x2, pv, BASE));
	ck_assert_ptr_null(page_vma_mapped(x2, cv, BASE));
}
END_TEST

START_TEST(test_rmap_walk_after_parent_exit_finds_child)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct mm_struct *cmm;
	struct page *x;

	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	x = page_at(T.mm, BASE);
	cmm = t_mm(T.sim, fork_of(1));
	T_CMD(T.sim, "exit 1");
	T.mm = NULL;
	/* AV0 outlives its VMA: the child's AVC keeps its tree non-empty. */
	ck_assert_int_eq(t_rmap_walk(T.sim, x, h), 1);
	ASSERT_HIT(h[0], t_vma(cmm, 0), BASE);
}
END_TEST

START_TEST(test_rmap_walk_visits_only_vmas_covering_index)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *a, *b;
	struct page *x;

	/*  BASE  +1              +4
	 *  |-- A r-- --|-- B rw-: [1] X --|   split by mprotect: both VMAs
	 * have an AVC in AV0's tree; only B's interval covers X's index. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE + 2 * PG, 1), 0);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, PG, RO), 0);
	CHECK_SIM(T.sim);
	a = t_vma(T.mm, 0);
	b = t_vma(T.mm, 1);
	ck_assert_ptr_eq(a->anon_vma, b->anon_vma);
	ck_assert_uint_eq(a->anon_vma->nr_avcs, 2);
	x = page_at(T.mm, BASE + 2 * PG);
	ck_assert_int_eq(t_rmap_walk(T.sim, x, h), 1);
	ASSERT_HIT(h[0], b, BASE + 2 * PG);
	ck_assert_uint_eq(vma_address(x, a), (unsigned long)-EFAULT);
}
END_TEST

struct stop_ctx {
	int visits, stop_after;
};

static bool count_one(struct page *page, struct vm_area_struct *vma,
		      unsigned long address, void *arg)
{
	struct stop_ctx *c = arg;

	(void)page;
	(void)vma;
	(void)address;
	return ++c->visits < c->stop_after;
}

static bool done_after_two(struct page *page, void *arg)
{
	struct stop_ctx *c = arg;

	(void)page;
	return c->visits >= 2;
}

START_TEST(test_rmap_walk_stops_when_told)
{
	struct stop_ctx c = { 0, 1 };
	struct rmap_walk_control rwc = { &c, count_one, NULL };
	struct page *x;

	/* X mapped by P and two children: three VMAs in AV0's tree. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	x = page_at(T.mm, BASE);
	fork_of(1);
	fork_of(1);
	/* rmap_one returning false stops the walk at once. */
	rmap_walk(T.sim, x, &rwc);
	ck_assert_int_eq(c.visits, 1);
	/* done() is asked after each VMA. */
	c = (struct stop_ctx){ 0, 100 };
	rwc.done = done_after_two;
	rmap_walk(T.sim, x, &rwc);
	ck_assert_int_eq(c.visits, 2);
	/* Neither: all three. */
	c = (struct stop_ctx){ 0, 100 };
	rwc.done = NULL;
	rmap_walk(T.sim, x, &rwc);
	ck_assert_int_eq(c.visits, 3);
}
END_TEST

START_TEST(test_rmap_walk_file_page_finds_every_vma_covering_index)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct mm_struct *cmm;
	struct vm_area_struct *ps, *pp, *cs, *cp;
	struct inode *f;
	struct page *pg;

	/*  BASE                 +4    +8            +10   +16           +18
	 *  |-- S rw-s /f 0 -----|     |-- Q r--p /f 1 --| |-- R r--p /f 2 --|
	 * P writes /f index 1 through S; forks C. i_mmap is searched for
	 * index 1: S (key 0) and its child copy, Q (key 1) and its copy;
	 * R (indexes 2-3) does not cover it. */
	f = t_file(T.sim, "/f", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_SHARED | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 8 * PG, 2 * PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/f", 1),
			 (long)(BASE + 8 * PG));
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 16 * PG, 2 * PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/f", 2),
			 (long)(BASE + 16 * PG));
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), 0);
	CHECK_SIM(T.sim);
	pg = page_at(T.mm, BASE + PG);
	ck_assert_ptr_eq(pg, find_get_page(T.sim, f, 1));
	ps = t_vma(T.mm, 0);
	pp = t_vma(T.mm, 1);
	cmm = t_mm(T.sim, fork_of(1));
	cs = t_vma(cmm, 0);
	cp = t_vma(cmm, 1);

	ck_assert_int_eq(t_rmap_walk(T.sim, pg, h), 4);
	ASSERT_HIT(h[0], ps, BASE + PG);
	ASSERT_HIT(h[1], cs, BASE + PG);
	ASSERT_HIT(h[2], pp, BASE + 8 * PG);
	ASSERT_HIT(h[3], cp, BASE + 8 * PG);
	/* Only P's shared PTE maps it (shared VMAs are not copied at fork,
	 * and Q was never faulted). */
	ck_assert_ptr_nonnull(page_vma_mapped(pg, ps, BASE + PG));
	ck_assert_ptr_null(page_vma_mapped(pg, cs, BASE + PG));
	ck_assert_ptr_null(page_vma_mapped(pg, pp, BASE + 8 * PG));
	ck_assert_ptr_null(page_vma_mapped(pg, cp, BASE + 8 * PG));
}
END_TEST

START_TEST(test_rmap_walk_of_zero_page_finds_nothing)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	uint64_t val;

	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_rmap_walk(T.sim, zero_page(T.sim), h), 0);
	/* and page_vma_mapped never matches a special PTE */
	ck_assert_ptr_null(page_vma_mapped(zero_page(T.sim), t_vma(T.mm, 0), BASE));
}
END_TEST

/* --------------------------------------------------------- helpers */

START_TEST(test_vma_address_inside_and_outside)
{
	struct vm_area_struct *below, *v, *above;
	struct page *x;

	/*  BASE-4       BASE                +4     +8        +12
	 *  |-- L rw- --||-- V rw-: [2] X --|      |-- U rw- --|
	 * (L and V would merge: give L other flags.) X's index is
	 * PFN(BASE) + 2. */
	MAP_FIXED_ANON(T.mm, BASE - 4 * PG, 4, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 4, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE + 2 * PG, 1), 0);
	CHECK_SIM(T.sim);
	below = t_vma(T.mm, 0);
	v = t_vma(T.mm, 1);
	above = t_vma(T.mm, 2);
	x = page_at(T.mm, BASE + 2 * PG);
	ck_assert_uint_eq(x->index, PFN(BASE) + 2);
	ck_assert_uint_eq(vma_address(x, v), BASE + 2 * PG);
	/* index past the VMA's last page */
	ck_assert_uint_eq(vma_address(x, below), (unsigned long)-EFAULT);
	/* index below the VMA's pgoff */
	ck_assert_uint_eq(vma_address(x, above), (unsigned long)-EFAULT);
}
END_TEST

START_TEST(test_linear_page_index)
{
	struct vm_area_struct *v;

	/* (addr - vm_start) / 4096 + vm_pgoff, offset in page ignored. */
	t_file(T.sim, "/f", 16 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/f", 5), (long)BASE);
	CHECK_SIM(T.sim);
	v = t_vma(T.mm, 0);
	ck_assert_uint_eq(linear_page_index(v, BASE), 5);
	ck_assert_uint_eq(linear_page_index(v, BASE + 3 * PG + 17), 8);
}
END_TEST

START_TEST(test_page_vma_mapped_needs_present_pte_to_that_pfn)
{
	struct vm_area_struct *v;
	struct page *x;
	uint64_t val;

	/*  |-- V rw-: [0] X, [1] zero page, [2] none --| */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), 0);
	CHECK_SIM(T.sim);
	v = t_vma(T.mm, 0);
	x = page_at(T.mm, BASE);
	ck_assert_ptr_eq(page_vma_mapped(x, v, BASE), pte_offset(T.mm, BASE));
	ck_assert_ptr_null(page_vma_mapped(x, v, BASE + PG));
	ck_assert_ptr_null(page_vma_mapped(x, v, BASE + 2 * PG));
	/* A PROT_NONE PTE is still pte_present: still mapped. */
	ck_assert_int_eq(do_mprotect(T.mm, BASE, 3 * PG, PROT_NONE), 0);
	CHECK_SIM(T.sim);
	ck_assert_ptr_eq(page_vma_mapped(x, v, BASE), pte_offset(T.mm, BASE));
}
END_TEST

START_TEST(test_page_add_anon_rmap_first_mapping_filed_at_root_unless_exclusive)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct vm_area_struct *pv, *cv;
	struct anon_vma *av0, *av1;
	struct page *pg;

	/* P: V AV0; fork C: V' AV1 (root AV0). Pages made here are mapped by
	 * no PTE, so sim_check runs only once they are released again. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	pv = t_vma(T.mm, 0);
	av0 = pv->anon_vma;
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	av1 = cv->anon_vma;
	t_vmstat_snap(&v0, T.sim);

	/* Non-exclusive first mapping (a read swap-in): the root, "oldest
	 * possible", so any process of the family finds it (§6.3). */
	pg = alloc_page(T.sim);
	ck_assert_ptr_nonnull(pg);
	page_add_anon_rmap(pg, cv, BASE, false);
	ck_assert_ptr_eq(page_anon_vma(pg), av0);
	ck_assert_uint_eq(pg->index, PFN(BASE));
	ck_assert_int_eq(page_mapcount(pg), 1);
	/* A later mapping never re-files it. */
	page_add_anon_rmap(pg, pv, BASE, true);
	ck_assert_ptr_eq(page_anon_vma(pg), av0);
	ck_assert_int_eq(page_mapcount(pg), 2);
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 });
	/* page_remove_rmap leaves the mapping until the page is freed. */
	page_remove_rmap(T.sim, pg);
	page_remove_rmap(T.sim, pg);
	ck_assert_ptr_eq(page_anon_vma(pg), av0);
	ck_assert(!page_mapped(pg));
	ASSERT_VMSTAT(T.sim, &v0, { NR_FREE_PAGES, -1 });
	put_page(T.sim, pg);
	CHECK_SIM(T.sim);
	ASSERT_VMSTAT_SAME(T.sim, &v0);

	/* Exclusive: the VMA's own anon_vma. */
	pg = alloc_page(T.sim);
	ck_assert_ptr_nonnull(pg);
	page_add_anon_rmap(pg, cv, BASE, true);
	ck_assert_ptr_eq(page_anon_vma(pg), av1);
	page_remove_rmap(T.sim, pg);
	put_page(T.sim, pg);
	CHECK_SIM(T.sim);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

static Suite *rmap_suite(void)
{
	Suite *s = suite_create("rmap");
	TCase *tc;

	tc = t_tcase("rmap_walk");
	tcase_add_test(tc, test_rmap_walk_finds_parent_and_child_of_page_from_before_fork);
	tcase_add_test(tc, test_rmap_walk_of_child_cow_page_never_reaches_parent);
	tcase_add_test(tc, test_rmap_walk_of_parent_cow_page_also_visits_child);
	tcase_add_test(tc, test_rmap_walk_after_parent_exit_finds_child);
	tcase_add_test(tc, test_rmap_walk_visits_only_vmas_covering_index);
	tcase_add_test(tc, test_rmap_walk_stops_when_told);
	tcase_add_test(tc, test_rmap_walk_file_page_finds_every_vma_covering_index);
	tcase_add_test(tc, test_rmap_walk_of_zero_page_finds_nothing);
	suite_add_tcase(s, tc);

	tc = t_tcase("helpers");
	tcase_add_test(tc, test_vma_address_inside_and_outside);
	tcase_add_test(tc, test_linear_page_index);
	tcase_add_test(tc, test_page_vma_mapped_needs_present_pte_to_that_pfn);
	tcase_add_test(tc, test_page_add_anon_rmap_first_mapping_filed_at_root_unless_exclusive);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(rmap_suite());
}
