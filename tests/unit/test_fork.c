/* tests/unit/test_fork.c - core/fork.c: dup_mm/dup_mmap, through the fork
 * command and directly: which VMAs are copied and how, and the child's
 * counters. After kernel-spec §8.1-§8.2 and §5.5 (v5.15 kernel/fork.c).
 */
#include "testlib.h"

#define SHARED_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY)

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

START_TEST(test_fork_copies_vmas_in_order)
{
	struct inode *lib, *shm;
	struct mm_struct *cmm;
	struct task_struct *ct;
	long got;
	int child, i;

	/*  BASE          +2            +4      +5        +8      +9  +12     +13
	 *  |-- A rw- ----|             |B r-x|           |S rw-s|    |F /lib r--| */
	lib = t_file(T.sim, "/lib", 4 * PG);
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RX, 0);
	got = do_mmap(T.mm, BASE + 8 * PG, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		      NULL, 0);
	ck_assert_int_eq(got, (long)(BASE + 8 * PG));
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 12 * PG, PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/lib", 1),
			 (long)(BASE + 12 * PG));
	CHECK_SIM(T.sim);
	shm = t_vma(T.mm, 2)->vm_file->f_inode;

	child = fork_of(1);
	ck_assert_int_eq(child, 2);
	ct = find_task(T.sim, child);
	ck_assert_ptr_nonnull(ct);
	ck_assert_int_eq(ct->ppid, 1);
	cmm = ct->mm;
	ck_assert_ptr_ne(cmm, T.mm);

	/* The same VMAs, in the same order, each a new struct. */
	ASSERT_VMAS(cmm,
		    { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG), ANON_FLAGS(RX) },
		    { BASE + 8 * PG, BASE + 9 * PG, 0, SHARED_FLAGS(RW) },
		    { BASE + 12 * PG, BASE + 13 * PG, 1, ANON_FLAGS(RO) });
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_ne(t_vma(cmm, i), t_vma(T.mm, i));
		/* The child's VMA maps the same open (get_file). */
		ck_assert_ptr_eq(t_vma(cmm, i)->vm_file, t_vma(T.mm, i)->vm_file);
	}
	/* Each file's i_mmap gains the child's VMA. */
	ck_assert_uint_eq(shm->i_mmap_count, 2);
	ck_assert_uint_eq(shm->i_mmap_writable, 2);
	ck_assert_uint_eq(lib->i_mmap_count, 2);
	ck_assert_int_eq(t_vma(T.mm, 3)->vm_file->f_count, 2);
	/* Counters copied: total 5; data 2 (A); exec 1 (B). */
	ASSERT_VM_STAT(cmm, 5, 2, 1, 0);
	ASSERT_VM_STAT(T.mm, 5, 2, 1, 0);
	ck_assert_uint_eq(T.sim->nr_vmas, 8);

	/* The parent exits; the child keeps its VMAs and its references. */
	T_CMD(T.sim, "exit 1");
	ck_assert_uint_eq(shm->i_mmap_count, 1);
	ck_assert_uint_eq(lib->i_mmap_count, 1);
	ck_assert_int_eq(t_vma(cmm, 3)->vm_file->f_count, 1);
	ck_assert_int_eq(t_nr_vmas(cmm), 4);
}
END_TEST

START_TEST(test_fork_skips_dontcopy_and_subtracts_counters)
{
	struct mm_struct *cmm;
	int child;

	/*  BASE          +2            +4      +5        +8                +11
	 *  |-- A rw- dc -|             |C r-x|           |-- D rw- gd dc --|
	 * A and D are VM_DONTCOPY: skipped, and their pages subtracted from
	 * the counters the child copied. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RX, 0);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 3, RW, MAP_GROWSDOWN);
	ck_assert_int_eq(do_madvise(T.mm, BASE, 2 * PG, MADV_DONTFORK), 0);
	ck_assert_int_eq(do_madvise(T.mm, BASE + 8 * PG, 3 * PG, MADV_DONTFORK), 0);
	CHECK_SIM(T.sim);
	ASSERT_VM_STAT(T.mm, 6, 2, 1, 3);

	child = fork_of(1);
	cmm = t_mm(T.sim, child);
	ASSERT_VMAS(cmm, { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG),
			   ANON_FLAGS(RX) });
	ASSERT_VM_STAT(cmm, 1, 0, 1, 0);
	ck_assert_uint_eq(cmm->hiwater_vm, 1);
	/* The parent is untouched. */
	ASSERT_VM_STAT(T.mm, 6, 2, 1, 3);
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
}
END_TEST

START_TEST(test_fork_wipeonfork_child_has_no_anon_vma)
{
	struct mm_struct *cmm;
	struct vm_area_struct *cw, *cn;

	/*  BASE                +2      +4                +6
	 *  |-- W rw- wf AVw ---|       |-- N rw- AVn ----|
	 * W (VM_WIPEONFORK) comes up in the child with its flags but no
	 * anon_vma and no AVCs (fresh zero memory); N goes through
	 * anon_vma_fork: [AVn', AVn]. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(do_madvise(T.mm, BASE, 2 * PG, MADV_WIPEONFORK), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 2, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 1)), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 2);

	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_VMAS(cmm,
		    { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) | VM_WIPEONFORK },
		    { BASE + 4 * PG, BASE + 6 * PG, PFN(BASE + 4 * PG), ANON_FLAGS(RW) });
	cw = t_vma(cmm, 0);
	cn = t_vma(cmm, 1);
	ck_assert_ptr_null(cw->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(cw), 0);
	ck_assert_ptr_nonnull(cn->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(cn), 2);
	ck_assert_ptr_eq(t_chain_av(cn, 1), t_vma(T.mm, 1)->anon_vma);
	/* AVw, AVn, and the child's new AVn'. */
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 3);
	ck_assert_uint_eq(T.sim->nr_avcs, 4);
}
END_TEST

START_TEST(test_fork_clears_vm_locked_and_locked_vm)
{
	struct mm_struct *cmm;
	struct vm_area_struct *v;

	/*  |-- V rw- locked (2 pages) --|
	 * Made as mlock would (rmapfs has no mlock command yet): VM_LOCKED
	 * on the VMA, locked_vm += 2. mlock is not inherited: the child's
	 * VMA lacks VM_LOCKED|VM_LOCKONFAULT and its locked_vm is 0. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	v = t_vma(T.mm, 0);
	v->vm_flags |= VM_LOCKED | VM_LOCKONFAULT;
	T.mm->locked_vm = 2;
	CHECK_SIM(T.sim);

	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_VMAS(cmm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_uint_eq(cmm->locked_vm, 0);
	ck_assert_uint_eq(v->vm_flags, ANON_FLAGS(RW) | VM_LOCKED | VM_LOCKONFAULT);
	ck_assert_uint_eq(T.mm->locked_vm, 2);
}
END_TEST

START_TEST(test_fork_child_hiwater_vm_is_total_vm)
{
	struct mm_struct *cmm;

	/* Parent: 4 pages, 2 unmapped (hiwater 4, total 2), plus a 1-page
	 * dontfork VMA (total 3). Child: total = 3 - 1 = 2, and
	 * hiwater_vm = total_vm = 2 (not the parent's 4). */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 2 * PG), 0);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 1, RO, 0);
	ck_assert_int_eq(do_madvise(T.mm, BASE + 8 * PG, PG, MADV_DONTFORK), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->total_vm, 3);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);

	cmm = t_mm(T.sim, fork_of(1));
	ck_assert_uint_eq(cmm->total_vm, 2);
	ck_assert_uint_eq(cmm->hiwater_vm, 2);
	ASSERT_VM_STAT(cmm, 2, 2, 0, 0);
}
END_TEST

START_TEST(test_fork_child_has_same_address_space_layout)
{
	struct mm_struct *cmm;

	/* mmap_base and the legacy base come from the parent (byte copy),
	 * so the next top-down mmap lands at the same address in both. */
	MAP_FIXED_ANON(T.mm, RMAPFS_MMAP_BASE - PG, 1, RO, 0);
	cmm = t_mm(T.sim, fork_of(1));
	ck_assert_uint_eq(cmm->mmap_base, T.mm->mmap_base);
	ck_assert_uint_eq(cmm->mmap_legacy_base, T.mm->mmap_legacy_base);
	ck_assert_int_eq(do_mmap(cmm, 0, PG, RW, MAP_ANON_PRIV, NULL, 0),
			 (long)(RMAPFS_MMAP_BASE - 2 * PG));
	CHECK_SIM(T.sim);
	ck_assert_int_eq(do_mmap(T.mm, 0, PG, RW, MAP_ANON_PRIV, NULL, 0),
			 (long)(RMAPFS_MMAP_BASE - 2 * PG));
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_dup_mm_direct)
{
	struct mm_struct *cmm;
	struct strbuf why = STRBUF_INIT;
	unsigned long vmas, avcs, avs;
	int err = 0;

	/*  |-- A rw- AV0 (2 pages) --|     |-- B r-- --|
	 *  BASE                      +2    +4          +5
	 * dup_mm alone (no task): a copy that validates, then mmput undoes
	 * it entirely. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RO, 0);
	vmas = T.sim->nr_vmas;
	avcs = T.sim->nr_avcs;
	avs = T.sim->nr_anon_vmas;

	cmm = dup_mm(T.mm, 0, &err);
	ck_assert_ptr_nonnull(cmm);
	ck_assert_int_eq(validate_mm(cmm, &why), 0);
	strbuf_release(&why);
	ASSERT_VMAS(cmm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG), ANON_FLAGS(RO) });
	ck_assert_uint_eq(t_nr_avcs(t_vma(cmm, 0)), 2);
	ck_assert_ptr_null(t_vma(cmm, 1)->anon_vma);
	ASSERT_VM_STAT(cmm, 3, 2, 0, 0);
	ck_assert_uint_eq(cmm->hiwater_vm, 3);
	ck_assert_uint_eq(T.sim->nr_vmas, vmas + 2);
	ck_assert_uint_eq(T.sim->nr_avcs, avcs + 2);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, avs + 1);

	mmput(cmm);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.sim->nr_vmas, vmas);
	ck_assert_uint_eq(T.sim->nr_avcs, avcs);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, avs);
	ASSERT_AV(t_vma(T.mm, 0)->anon_vma, 2, 1);
}
END_TEST

/* Collect the mms of the VMAs an i_mmap walk visits, in order. */
struct mm_list {
	struct mm_struct *mm[8];
	int n;
};

static int collect_mm(struct vm_area_struct *vma, void *arg)
{
	struct mm_list *l = arg;

	ck_assert_int_lt(l->n, 8);
	l->mm[l->n++] = vma->vm_mm;
	return 0;
}

START_TEST(test_fork_i_mmap_puts_child_right_after_parent)
{
	struct inode *a;
	struct mm_list l = { .n = 0 };
	struct mm_struct *c1, *c2;

	/* dup_mmap inserts the child's file VMA immediately after the
	 * parent's (vma_interval_tree_insert_after), so an rmap walk meets
	 * parent then child. P forks C1, then C2: the walk order is
	 * P, C2, C1 (C2 went in right after P, ahead of C1). */
	a = t_file(T.sim, "/a", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/a", 0), (long)BASE);
	CHECK_SIM(T.sim);
	c1 = t_mm(T.sim, fork_of(1));
	c2 = t_mm(T.sim, fork_of(1));
	ck_assert_int_eq(vma_interval_tree_foreach(&a->i_mmap, 0, ~0UL, collect_mm, &l), 0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_ptr_eq(l.mm[0], T.mm);
	ck_assert_ptr_eq(l.mm[1], c2);
	ck_assert_ptr_eq(l.mm[2], c1);
}
END_TEST

static Suite *fork_suite(void)
{
	Suite *s = suite_create("fork");
	TCase *tc;

	tc = t_tcase("dup_mmap");
	tcase_add_test(tc, test_fork_copies_vmas_in_order);
	tcase_add_test(tc, test_fork_skips_dontcopy_and_subtracts_counters);
	tcase_add_test(tc, test_fork_wipeonfork_child_has_no_anon_vma);
	tcase_add_test(tc, test_fork_clears_vm_locked_and_locked_vm);
	tcase_add_test(tc, test_fork_child_hiwater_vm_is_total_vm);
	tcase_add_test(tc, test_fork_child_has_same_address_space_layout);
	tcase_add_test(tc, test_dup_mm_direct);
	tcase_add_test(tc, test_fork_i_mmap_puts_child_right_after_parent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(fork_suite());
}
