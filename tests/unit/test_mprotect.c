/* tests/unit/test_mprotect.c - core/mprotect.c: mprotect_fixup's merge-first,
 * split-only-if-not pattern, VM_ACCOUNT, counters, the errors, and rmapfs's
 * atomicity (a failed mprotect changes nothing, where v5.15 would keep the
 * part done before the error). After kernel-spec §4.10, §13 S1 steps 5-6
 * and S4, §14 traps 1 and 10 (v5.15 mm/mprotect.c).
 *
 * Mappings here are ordinary private anonymous ones (VM_ACCOUNT when
 * writable), as a program would make them.
 */
#include "testlib.h"

#define MPROTECT_OK(addr, len, prot) do { \
	ck_assert_int_eq(do_mprotect(T.mm, (addr), (len), (prot)), 0); \
	CHECK_SIM(T.sim); \
} while (0)

/* A call that must fail with @err and leave every VMA as it was. */
#define MPROTECT_FAILS(err, addr, len, prot) do { \
	struct t_mm_snap before_; \
	t_snap(&before_, T.mm); \
	ck_assert_int_eq(do_mprotect(T.mm, (addr), (len), (prot)), (err)); \
	CHECK_SIM(T.sim); \
	ASSERT_UNCHANGED(T.mm, &before_); \
} while (0)

/* r-- after having been rw-: VM_ACCOUNT stays (never removed). */
#define RO_ACCT		(ANON_FLAGS(RO) | VM_ACCOUNT)

/* ------------------------------------------------------ split / merge */

START_TEST(test_mprotect_middle_splits_original_keeps_range)
{
	struct vm_area_struct *v;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- V rw- -----------------------------------------|
	 * mprotect(middle, r--): no neighbour to merge with, so split at
	 * start (new_below = 1) and at end (new_below = 0); the original
	 * struct ends up exactly [start, end).
	 *  |-- rw- ------|-- V r-- ac -|-- rw- ------| */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	v = t_vma(T.mm, 0);

	MPROTECT_OK(BASE + PG, PG, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), RO_ACCT },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 1), v);
	ASSERT_VM_STAT(T.mm, 3, 2, 0, 0);
	ck_assert_uint_eq(T.sim->nr_vmas, 3);
}
END_TEST

START_TEST(test_mprotect_split_then_merge_case6)
{
	struct vm_area_struct *first;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ----|-- V r-- ac -|-- X rw- ----|   (after one mprotect)
	 * mprotect(V, rw-): newflags = rw- | V's other flags, VM_ACCOUNT
	 * included, equal to P's and X's: case 6, P grows over V and X.
	 *  |-- P rw- -----------------------------------------| */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	MPROTECT_OK(BASE + PG, PG, RO);
	first = t_vma(T.mm, 0);

	MPROTECT_OK(BASE + PG, PG, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), first);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
}
END_TEST

START_TEST(test_mprotect_split_then_merge_anon_vma_degree)
{
	struct vm_area_struct *v;
	struct anon_vma *av;
	int i;

	/* S1 steps 5-6.
	 *  0x40000000                                              0x40004000
	 *  |-- V rw- AV0 ---------------------------------------------|
	 * (AV0 as after the first write fault: degree 2, refcount 1) */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);
	ck_assert_int_eq(anon_vma_prepare(v), 0);
	CHECK_SIM(T.sim);
	av = v->anon_vma;
	ASSERT_AV(av, 2, 1);

	/* mprotect(p + 4096, 4096, r--): two splits, each cloning V's one
	 * AVC and adding 1 to AV0's degree: 3 VMAs, 3 AVCs, degree 4.
	 *  |-- rw- AV0 --|-- r-- AV0 --|-- rw- AV0 ------------------| */
	MPROTECT_OK(BASE + PG, PG, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), RO_ACCT },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RW) });
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_eq(t_vma(T.mm, i)->anon_vma, av);
		ck_assert_uint_eq(t_nr_avcs(t_vma(T.mm, i)), 1);
	}
	ASSERT_AV(av, 4, 1);
	ck_assert_uint_eq(av->nr_avcs, 3);
	ck_assert_uint_eq(T.sim->nr_avcs, 3);

	/* Back to rw-: case 6; the two removed VMAs' AVCs go, degree 2. */
	MPROTECT_OK(BASE + PG, PG, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0)->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(t_vma(T.mm, 0)), 1);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(av->nr_avcs, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 1);
}
END_TEST

START_TEST(test_mprotect_shared_anon_vma_lets_neighbours_merge)
{
	struct vm_area_struct *v1, *v2;
	struct anon_vma *av0;

	/* S4.
	 *  0x40000000    0x40001000    0x40002000
	 *  |-- V1 rw- ---|-- V2 rwx ---|   from one 2-page rw- mapping */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MPROTECT_OK(BASE + PG, PG, RWX);
	v1 = t_vma(T.mm, 0);
	v2 = t_vma(T.mm, 1);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), ANON_FLAGS(RWX) });

	/* First write in V1: V2 has nothing to share, a new root AV0. */
	ck_assert_int_eq(anon_vma_prepare(v1), 0);
	CHECK_SIM(T.sim);
	av0 = v1->anon_vma;
	ASSERT_AV(av0, 2, 1);
	/* First write in V2: no next; prev V1 is compatible (flags differ
	 * in VM_EXEC only, pgoff lines up, one AVC): AV0 is reused. */
	ck_assert_int_eq(anon_vma_prepare(v2), 0);
	CHECK_SIM(T.sim);
	ck_assert_ptr_eq(v2->anon_vma, av0);
	ASSERT_AV(av0, 3, 1);

	/* mprotect(V2, rw-): same anon_vma on both sides -> prev grows over
	 * V2 (case 7 shape: P grows, the whole area goes).
	 *  |-- V1 rw- AV0 -------------| */
	MPROTECT_OK(BASE + PG, PG, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v1);
	ASSERT_AV(av0, 2, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
}
END_TEST

START_TEST(test_mprotect_same_prot_is_noop)
{
	struct t_mm_snap before;

	/*  |-- V rw- (3 pages) --|   mprotect(middle, rw-): newflags ==
	 * flags, so neither a split nor a merge. */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	t_snap(&before, T.mm);
	MPROTECT_OK(BASE + PG, PG, RW);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_mprotect_whole_vma_changes_flags_in_place)
{
	struct vm_area_struct *v;

	/*  0x40000000          0x40002000
	 *  |-- V rw- ----------|   -> r-x: same struct, no split;
	 * the pages move from data_vm to exec_vm (§3.1.2). */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	v = t_vma(T.mm, 0);
	ASSERT_VM_STAT(T.mm, 2, 2, 0, 0);

	MPROTECT_OK(BASE, 2 * PG, RX);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RX) | VM_ACCOUNT });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ASSERT_VM_STAT(T.mm, 2, 0, 2, 0);

	/* PROT_NONE: neither data nor exec. */
	MPROTECT_OK(BASE, 2 * PG, PROT_NONE);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(0) | VM_ACCOUNT });
	ASSERT_VM_STAT(T.mm, 2, 0, 0, 0);
}
END_TEST

/* ------------------------------------------------------------ VM_ACCOUNT */

START_TEST(test_mprotect_adds_vm_account_on_first_write)
{
	long got;

	/*  BASE          +2 pages      +4 pages      +6 pages
	 *  |-- A r-- ----|   |-- B r-- nr --|   |-- S r-- s --|
	 * Making them writable: A (private, none of ACCOUNT|WRITE|HUGETLB|
	 * SHARED|NORESERVE) gains VM_ACCOUNT; B (NORESERVE) and S (SHARED)
	 * do not. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, MAP_NORESERVE);
	got = do_mmap(T.mm, BASE + 4 * PG, PG, RO,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	ck_assert_int_eq(got, (long)(BASE + 4 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VM_STAT(T.mm, 3, 0, 0, 0);

	MPROTECT_OK(BASE, PG, RW);
	MPROTECT_OK(BASE + 2 * PG, PG, RW);
	MPROTECT_OK(BASE + 4 * PG, PG, RW);
	ASSERT_VMAS(T.mm,
		    { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG),
		      ANON_NR_FLAGS(RW) },
		    { BASE + 4 * PG, BASE + 5 * PG, 0,
		      RW | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY });
	/* Two private writable pages became data; the shared one is not. */
	ASSERT_VM_STAT(T.mm, 3, 2, 0, 0);
}
END_TEST

START_TEST(test_mprotect_vm_account_never_removed_blocks_merge)
{
	/*  0x40000000    0x40001000    0x40002000
	 *  |-- A r-- ----|-- B r-- ----|   one mapping, never writable
	 * mprotect(B, rw-) adds VM_ACCOUNT to B; mprotect(B, r--) keeps it,
	 * so B no longer merges back with the always-r-- A (§14 trap 10).
	 *  |-- A r-- ----|-- B r-- ac -| */
	MAP_FIXED_ANON(T.mm, BASE, 2, RO, 0);
	MPROTECT_OK(BASE + PG, PG, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RO) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), ANON_FLAGS(RW) });

	MPROTECT_OK(BASE + PG, PG, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RO) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), RO_ACCT });
	ASSERT_VM_STAT(T.mm, 2, 0, 0, 0);
}
END_TEST

/* ---------------------------------------------------- several VMAs */

START_TEST(test_mprotect_spanning_vmas)
{
	struct vm_area_struct *b;

	/*  0x40000000    0x40001000    0x40002000    0x40003000    0x40004000
	 *  |-- A rw- ------------------|-- B r-- ----|-- C r-x ----|
	 *                ^------- mprotect r-- ----------------------^
	 * A: no merge (B lacks VM_ACCOUNT), split, its tail becomes r-- ac.
	 * B: already r--: untouched, becomes prev.
	 * C: r-- equals B's flags, pgoff lines up: B grows over C.
	 *  |-- A rw- ----|-- r-- ac ---|-- B r-- ------------------| */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 1, RX, 0);
	b = t_vma(T.mm, 1);
	ASSERT_VM_STAT(T.mm, 4, 2, 1, 0);

	MPROTECT_OK(BASE + PG, 3 * PG, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), RO_ACCT },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 2), b);
	ASSERT_VM_STAT(T.mm, 4, 1, 0, 0);
}
END_TEST

/* ------------------------------------------------------------- errors */

START_TEST(test_mprotect_unaligned_einval)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MPROTECT_FAILS(-EINVAL, BASE + 1, PG, RO);
	MPROTECT_FAILS(-EINVAL, BASE + PG / 2, PG, RO);
}
END_TEST

START_TEST(test_mprotect_len_zero_succeeds)
{
	struct t_mm_snap before;

	/* len 0 returns 0 before any VMA is looked up, mapped or not. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	t_snap(&before, T.mm);
	MPROTECT_OK(BASE, 0, RO);
	MPROTECT_OK(BASE + 64 * PG, 0, RO);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_mprotect_wrap_enomem)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	/* PAGE_ALIGN(len) = -4096: end = start - 4096 <= start. */
	MPROTECT_FAILS(-ENOMEM, BASE, ~0UL - PG + 1, RO);
	/* PAGE_ALIGN(-1) = 0: end == start. */
	MPROTECT_FAILS(-ENOMEM, BASE, ~0UL, RO);
}
END_TEST

START_TEST(test_mprotect_unmapped_start_enomem)
{
	/*  0x40000000    0x40001000          0x40003000
	 *  |   unmapped  |-- V rw- ----------|          */
	MAP_FIXED_ANON(T.mm, BASE + PG, 2, RW, 0);
	/* find_vma(start) is V, but V starts above start. */
	MPROTECT_FAILS(-ENOMEM, BASE, 2 * PG, RO);
	/* Nothing at or above start at all. */
	MPROTECT_FAILS(-ENOMEM, BASE + 8 * PG, PG, RO);
}
END_TEST

START_TEST(test_mprotect_hole_enomem_nothing_changed)
{
	/*  0x40000000          0x40002000    0x40003000    0x40004000
	 *  |-- A rw- ----------|    hole     |-- C rw- ----|
	 *            ^---- mprotect r-- [0x40001000, 0x40004000) ----^
	 * v5.15 would split A and make its tail r-- before finding the
	 * hole; rmapfs checks first: ENOMEM, nothing changed. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 1, RW, 0);
	MPROTECT_FAILS(-ENOMEM, BASE + PG, 3 * PG, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 3 * PG, BASE + 4 * PG, PFN(BASE + 3 * PG), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mprotect_past_last_vma_enomem)
{
	/*  |-- A rw- 2 pages --|   mprotect 3 pages from A's start. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MPROTECT_FAILS(-ENOMEM, BASE, 3 * PG, RO);
}
END_TEST

START_TEST(test_mprotect_eacces_without_maywrite)
{
	struct vm_area_struct *v;

	/*  0x40000000          0x40002000                    0x40004000
	 *  |-- A r-x ----------|-- V r-- without mw ----------|
	 * V lacks VM_MAYWRITE (as a shared mapping of a read-only open
	 * would; rmapfs opens files read-write, so it is cleared here by
	 * hand). Asking for PROT_WRITE on V is EACCES. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RX, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 2, RO, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RX) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RO) });
	v = t_vma(T.mm, 1);
	v->vm_flags &= ~VM_MAYWRITE;
	CHECK_SIM(T.sim);

	MPROTECT_FAILS(-EACCES, BASE + 2 * PG, PG, RW);
	/* The range starts in A, which may be written: v5.15 would split A
	 * and make its tail rw- before reaching V; rmapfs changes nothing. */
	MPROTECT_FAILS(-EACCES, BASE + PG, 2 * PG, RW);
	/* VM_MAYEXEC is still there: r-x is allowed. V stays apart from A:
	 * their flags differ in VM_MAYWRITE. */
	MPROTECT_OK(BASE + 2 * PG, 2 * PG, RX);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RX) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG),
		      ANON_FLAGS(RX) & ~VM_MAYWRITE });
	ck_assert_ptr_eq(t_vma(T.mm, 1), v);

	/* And without VM_MAYEXEC, PROT_EXEC is EACCES too. */
	v->vm_flags &= ~VM_MAYEXEC;
	CHECK_SIM(T.sim);
	MPROTECT_FAILS(-EACCES, BASE + 2 * PG, PG, RO | PROT_EXEC);
	/* r-- needs only VM_MAYREAD: fine. */
	MPROTECT_OK(BASE + 2 * PG, 2 * PG, RO);
}
END_TEST

START_TEST(test_mprotect_max_map_count_enomem_nothing_changed)
{
	struct vm_area_struct *v;

	/*  0x40000000                                0x40003000
	 *  |-- V rw- ----------------------------------|   map_count 1
	 * vm.max_map_count = 2: the split at start passes (1 < 2), the split
	 * at end would not (2 >= 2). v5.15 keeps the first split; rmapfs
	 * fails with ENOMEM and changes nothing. */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	v = t_vma(T.mm, 0);
	T.sim->sysctl.max_map_count = 2;
	MPROTECT_FAILS(-ENOMEM, BASE + PG, PG, RO);

	/* One split only (the head): 1 < 2, allowed. */
	MPROTECT_OK(BASE, PG, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), RO_ACCT },
		    { BASE + PG, BASE + 3 * PG, PFN(BASE + PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);

	/* Limit 3 lets the middle through. */
	T.sim->sysctl.max_map_count = 3;
	MPROTECT_OK(BASE + PG, PG, RX);
	ck_assert_int_eq(T.mm->map_count, 3);
}
END_TEST

static Suite *mprotect_suite(void)
{
	Suite *s = suite_create("mprotect");
	TCase *tc;

	tc = t_tcase("merge_split");
	tcase_add_test(tc, test_mprotect_middle_splits_original_keeps_range);
	tcase_add_test(tc, test_mprotect_split_then_merge_case6);
	tcase_add_test(tc, test_mprotect_split_then_merge_anon_vma_degree);
	tcase_add_test(tc, test_mprotect_shared_anon_vma_lets_neighbours_merge);
	tcase_add_test(tc, test_mprotect_same_prot_is_noop);
	tcase_add_test(tc, test_mprotect_whole_vma_changes_flags_in_place);
	tcase_add_test(tc, test_mprotect_spanning_vmas);
	suite_add_tcase(s, tc);

	tc = t_tcase("account");
	tcase_add_test(tc, test_mprotect_adds_vm_account_on_first_write);
	tcase_add_test(tc, test_mprotect_vm_account_never_removed_blocks_merge);
	suite_add_tcase(s, tc);

	tc = t_tcase("errors");
	tcase_add_test(tc, test_mprotect_unaligned_einval);
	tcase_add_test(tc, test_mprotect_len_zero_succeeds);
	tcase_add_test(tc, test_mprotect_wrap_enomem);
	tcase_add_test(tc, test_mprotect_unmapped_start_enomem);
	tcase_add_test(tc, test_mprotect_hole_enomem_nothing_changed);
	tcase_add_test(tc, test_mprotect_past_last_vma_enomem);
	tcase_add_test(tc, test_mprotect_eacces_without_maywrite);
	tcase_add_test(tc, test_mprotect_max_map_count_enomem_nothing_changed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(mprotect_suite());
}
