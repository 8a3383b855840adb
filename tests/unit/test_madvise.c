/* tests/unit/test_madvise.c - core/madvise.c: the VMA-flag advices (dontfork,
 * dofork, wipeonfork, keeponfork, mergeable, unmergeable) with v5.15's
 * merge-first, split-if-not pattern, their errors, and rmapfs's atomicity
 * (nothing changes on failure, where v5.15 applies the advice to the
 * mapped parts and then fails). After kernel-spec §4.10 (last paragraph)
 * and v5.15 mm/madvise.c madvise_behavior, mm/ksm.c ksm_madvise.
 */
#include "testlib.h"

#define MADVISE_OK(addr, len, advice) do { \
	ck_assert_int_eq(do_madvise(T.mm, (addr), (len), (advice)), 0); \
	CHECK_SIM(T.sim); \
} while (0)

#define MADVISE_FAILS(err, addr, len, advice) do { \
	struct t_mm_snap before_; \
	t_snap(&before_, T.mm); \
	ck_assert_int_eq(do_madvise(T.mm, (addr), (len), (advice)), (err)); \
	CHECK_SIM(T.sim); \
	ASSERT_UNCHANGED(T.mm, &before_); \
} while (0)

/* Nothing changes, and the call succeeds. */
#define MADVISE_NOOP(addr, len, advice) do { \
	struct t_mm_snap before_; \
	t_snap(&before_, T.mm); \
	MADVISE_OK((addr), (len), (advice)); \
	ASSERT_UNCHANGED(T.mm, &before_); \
} while (0)

#define SHARED_RW_FLAGS \
	(RW | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY)

/*
 * The round trip every flag advice shares:
 *  0x40000000    0x40001000    0x40002000    0x40003000
 *  |-- V rw- -----------------------------------------|
 * @set on the middle page: no merge possible, split at start (new_below
 * = 1) and at end (new_below = 0); the original struct keeps the middle
 * and gets @flag. @clear then finds prev and next with the old flags:
 * case 6, the first struct grows back over all three.
 */
static void flag_round_trip(int set, int clear, unsigned long flag)
{
	struct vm_area_struct *v, *first;

	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	v = t_vma(T.mm, 0);

	MADVISE_OK(BASE + PG, PG, set);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), ANON_FLAGS(RW) | flag },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 1), v);
	first = t_vma(T.mm, 0);
	/* Flag advices move no pages between the counters. */
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);

	/* Setting it again is a no-op (newflags == flags). */
	MADVISE_NOOP(BASE + PG, PG, set);

	MADVISE_OK(BASE + PG, PG, clear);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), first);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
}

START_TEST(test_madvise_dontfork_dofork_split_then_merge)
{
	flag_round_trip(MADV_DONTFORK, MADV_DOFORK, VM_DONTCOPY);
}
END_TEST

START_TEST(test_madvise_wipeonfork_keeponfork_split_then_merge)
{
	flag_round_trip(MADV_WIPEONFORK, MADV_KEEPONFORK, VM_WIPEONFORK);
}
END_TEST

START_TEST(test_madvise_mergeable_unmergeable_split_then_merge)
{
	flag_round_trip(MADV_MERGEABLE, MADV_UNMERGEABLE, VM_MERGEABLE);
	/* ksm_madvise registered the mm with KSM (MMF_VM_MERGEABLE); that
	 * stays until exit. */
	ck_assert(T.mm->ksm_registered);
}
END_TEST

START_TEST(test_madvise_clearing_absent_flag_is_noop)
{
	/* |-- V rw- (3 pages) --|: dofork, keeponfork and unmergeable on a
	 * VMA without the flag compute newflags == flags: nothing at all. */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	MADVISE_NOOP(BASE + PG, PG, MADV_DOFORK);
	MADVISE_NOOP(BASE + PG, PG, MADV_KEEPONFORK);
	MADVISE_NOOP(BASE + PG, PG, MADV_UNMERGEABLE);
	ck_assert(!T.mm->ksm_registered);
}
END_TEST

START_TEST(test_madvise_whole_vma_merges_with_neighbour)
{
	struct vm_area_struct *a;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- A rw- dc -|-- B rw- ----|   (dontfork on the first page)
	 * dontfork on all of B: B's new flags equal A's: A grows over B. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MADVISE_OK(BASE, PG, MADV_DONTFORK);
	a = t_vma(T.mm, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) | VM_DONTCOPY },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), ANON_FLAGS(RW) });

	MADVISE_OK(BASE + PG, PG, MADV_DONTFORK);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE),
			    ANON_FLAGS(RW) | VM_DONTCOPY });
	ck_assert_ptr_eq(t_vma(T.mm, 0), a);
}
END_TEST

START_TEST(test_madvise_spanning_vmas)
{
	/*  0x40000000    0x40001000    0x40002000    0x40003000    0x40004000
	 *  |-- A rw- ------------------|-- C r-- ------------------|
	 *                ^---- dontfork -------------^
	 * A splits (its tail gets dc), C splits (its head gets dc); the two
	 * dc parts differ in prot and VM_ACCOUNT, so they stay apart.
	 *  |-- rw- ------|-- rw- dc ---|-- r-- dc ---|-- r-- ------| */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 2, RO, 0);

	MADVISE_OK(BASE + PG, 2 * PG, MADV_DONTFORK);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG),
		      ANON_FLAGS(RW) | VM_DONTCOPY },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG),
		      ANON_FLAGS(RO) | VM_DONTCOPY },
		    { BASE + 3 * PG, BASE + 4 * PG, PFN(BASE + 3 * PG), ANON_FLAGS(RO) });
	ASSERT_VM_STAT(T.mm, 4, 2, 0, 0);
}
END_TEST

START_TEST(test_madvise_keeps_anon_vma_bookkeeping)
{
	struct anon_vma *av;

	/*  |-- V rw- AV (3 pages) --|  dontfork on the middle: two splits,
	 * two cloned AVCs, degree 2 -> 4; dofork merges back to 2. */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	av = t_vma(T.mm, 0)->anon_vma;

	MADVISE_OK(BASE + PG, PG, MADV_DONTFORK);
	ASSERT_AV(av, 4, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 3);
	MADVISE_OK(BASE + PG, PG, MADV_DOFORK);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
}
END_TEST

/* ------------------------------------------------------------- errors */

START_TEST(test_madvise_wipeonfork_shared_einval)
{
	long got;

	/* MADV_WIPEONFORK only on private anonymous memory. */
	got = do_mmap(T.mm, BASE, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		      NULL, 0);
	ck_assert_int_eq(got, (long)BASE);
	CHECK_SIM(T.sim);
	MADVISE_FAILS(-EINVAL, BASE, 2 * PG, MADV_WIPEONFORK);
	MADVISE_FAILS(-EINVAL, BASE + PG, PG, MADV_WIPEONFORK);
}
END_TEST

START_TEST(test_madvise_wipeonfork_file_einval)
{
	/* A private file mapping has a vm_file: EINVAL as well. */
	t_file(T.sim, "/a", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/a", 0), (long)BASE);
	CHECK_SIM(T.sim);
	MADVISE_FAILS(-EINVAL, BASE, PG, MADV_WIPEONFORK);
}
END_TEST

START_TEST(test_madvise_wipeonfork_einval_changes_nothing_before)
{
	long got;

	/*  0x40000000          0x40002000          0x40004000
	 *  |-- A rw- private --|-- S rw- shared ---|
	 *            ^---- wipeonfork ----^
	 * v5.15 would split A and set VM_WIPEONFORK on its tail before
	 * failing on S; rmapfs fails first and changes nothing. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	got = do_mmap(T.mm, BASE + 2 * PG, 2 * PG, RW,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	ck_assert_int_eq(got, (long)(BASE + 2 * PG));
	CHECK_SIM(T.sim);
	MADVISE_FAILS(-EINVAL, BASE + PG, 2 * PG, MADV_WIPEONFORK);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 2 * PG, BASE + 4 * PG, 0, SHARED_RW_FLAGS });
}
END_TEST

START_TEST(test_madvise_mergeable_shared_is_silent_noop)
{
	long got;

	/* ksm_madvise ignores VM_SHARED/VM_MAYSHARE VMAs: 0, no flag, and
	 * the mm is not registered with KSM. */
	got = do_mmap(T.mm, BASE, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		      NULL, 0);
	ck_assert_int_eq(got, (long)BASE);
	CHECK_SIM(T.sim);
	MADVISE_NOOP(BASE, PG, MADV_MERGEABLE);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, 0, SHARED_RW_FLAGS });
	ck_assert(!T.mm->ksm_registered);
}
END_TEST

START_TEST(test_madvise_hole_enomem_nothing_changed)
{
	/*  0x40000000          0x40002000    0x40003000    0x40004000
	 *  |-- A rw- ----------|    hole     |-- C rw- ----|
	 *            ^---- dontfork [0x40001000, 0x40004000) ----^
	 * v5.15 applies the advice to A's tail and C, then returns ENOMEM;
	 * rmapfs returns ENOMEM and changes nothing. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 1, RW, 0);
	MADVISE_FAILS(-ENOMEM, BASE + PG, 3 * PG, MADV_DONTFORK);
	/* A range with nothing mapped at all. */
	MADVISE_FAILS(-ENOMEM, BASE + 8 * PG, PG, MADV_DONTFORK);
	/* Past the last VMA. */
	MADVISE_FAILS(-ENOMEM, BASE + 3 * PG, 2 * PG, MADV_DONTFORK);
}
END_TEST

START_TEST(test_madvise_unknown_advice_einval)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MADVISE_FAILS(-EINVAL, BASE, PG, 9999);
	MADVISE_FAILS(-EINVAL, BASE, PG, -1);
	/* The advice is checked before anything else: an unmapped,
	 * unaligned range still gives EINVAL for it. */
	MADVISE_FAILS(-EINVAL, BASE + 8 * PG + 1, PG, 9999);
}
END_TEST

START_TEST(test_madvise_unaligned_einval)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MADVISE_FAILS(-EINVAL, BASE + 1, PG, MADV_DONTFORK);
}
END_TEST

START_TEST(test_madvise_len_zero_and_wrap)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	/* len 0: success before any lookup, mapped or not. */
	MADVISE_NOOP(BASE, 0, MADV_DONTFORK);
	MADVISE_NOOP(BASE + 8 * PG, 0, MADV_DONTFORK);
	/* len rounds up to 0 from a small negative: EINVAL (not ENOMEM as
	 * mprotect says). */
	MADVISE_FAILS(-EINVAL, BASE, ~0UL, MADV_DONTFORK);
	/* end < start: EINVAL. */
	MADVISE_FAILS(-EINVAL, BASE, ~0UL - 2 * PG + 1, MADV_DONTFORK);
}
END_TEST

START_TEST(test_madvise_split_beyond_max_map_count_enomem)
{
	/*  |-- V rw- (3 pages) --|   vm.max_map_count = 1 = map_count.
	 * madvise_behavior checks map_count >= max before each split and
	 * returns ENOMEM directly (only an allocation failure inside
	 * __split_vma is turned into EAGAIN). Nothing changes. */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	T.sim->sysctl.max_map_count = 1;
	MADVISE_FAILS(-ENOMEM, BASE + PG, PG, MADV_DONTFORK);
	MADVISE_FAILS(-ENOMEM, BASE, PG, MADV_DONTFORK);
	/* The whole VMA needs no split. */
	MADVISE_OK(BASE, 3 * PG, MADV_DONTFORK);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE),
			    ANON_FLAGS(RW) | VM_DONTCOPY });
}
END_TEST

static Suite *madvise_suite(void)
{
	Suite *s = suite_create("madvise");
	TCase *tc;

	tc = t_tcase("flags");
	tcase_add_test(tc, test_madvise_dontfork_dofork_split_then_merge);
	tcase_add_test(tc, test_madvise_wipeonfork_keeponfork_split_then_merge);
	tcase_add_test(tc, test_madvise_mergeable_unmergeable_split_then_merge);
	tcase_add_test(tc, test_madvise_clearing_absent_flag_is_noop);
	tcase_add_test(tc, test_madvise_whole_vma_merges_with_neighbour);
	tcase_add_test(tc, test_madvise_spanning_vmas);
	tcase_add_test(tc, test_madvise_keeps_anon_vma_bookkeeping);
	suite_add_tcase(s, tc);

	tc = t_tcase("errors");
	tcase_add_test(tc, test_madvise_wipeonfork_shared_einval);
	tcase_add_test(tc, test_madvise_wipeonfork_file_einval);
	tcase_add_test(tc, test_madvise_wipeonfork_einval_changes_nothing_before);
	tcase_add_test(tc, test_madvise_mergeable_shared_is_silent_noop);
	tcase_add_test(tc, test_madvise_hole_enomem_nothing_changed);
	tcase_add_test(tc, test_madvise_unknown_advice_einval);
	tcase_add_test(tc, test_madvise_unaligned_einval);
	tcase_add_test(tc, test_madvise_len_zero_and_wrap);
	tcase_add_test(tc, test_madvise_split_beyond_max_map_count_enomem);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(madvise_suite());
}
