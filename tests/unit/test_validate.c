/* tests/unit/test_validate.c - core/validate.c: sim_check()/validate_mm() are
 * what every other suite leans on after every step, so each invariant of
 * include/mm_types.h is broken here on purpose, one at a time, and must be
 * reported (non-zero, with a reason); putting it back must make the machine
 * pass again.
 */
#include "testlib.h"

/* Break one thing with @corrupt, expect sim_check to object, undo it. */
#define ASSERT_CAUGHT(corrupt, restore) do { \
	struct strbuf why_ = STRBUF_INIT; \
	corrupt; \
	ck_assert_msg(sim_check(T.sim, &why_) != 0, \
		      "sim_check missed: %s", #corrupt); \
	ck_assert_msg(why_.len > 0, "no reason given for: %s", #corrupt); \
	strbuf_release(&why_); \
	restore; \
	CHECK_SIM(T.sim); \
} while (0)

/*
 * A machine with a bit of everything:
 *  BASE    +1      +2          +4       +6      +8
 *  |A rw- AV|B r--|  hole     |S rw-s   |F /a r--|
 * and pid 2, a fork of pid 1.
 */
static void populate(void)
{
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	MAP_FIXED_ANON(T.mm, BASE + PG, 1, RO, 0);
	ck_assert_int_eq(do_mmap(T.mm, BASE + 4 * PG, 2 * PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)(BASE + 4 * PG));
	t_file(T.sim, "/a", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 6 * PG, 2 * PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/a", 0),
			 (long)(BASE + 6 * PG));
	T_CMD(T.sim, "fork 1");
	CHECK_SIM(T.sim);
}

START_TEST(test_validate_accepts_consistent_machine)
{
	struct strbuf why = STRBUF_INIT;

	populate();
	ck_assert_int_eq(validate_mm(T.mm, &why), 0);
	ck_assert_int_eq(validate_mm(t_mm(T.sim, 2), &why), 0);
	ck_assert_uint_eq(why.len, 0);
	strbuf_release(&why);
	T_CMD(T.sim, "check");
}
END_TEST

START_TEST(test_validate_catches_map_count)
{
	populate();
	ASSERT_CAUGHT(T.mm->map_count++, T.mm->map_count--);
	ASSERT_CAUGHT(T.mm->map_count--, T.mm->map_count++);
}
END_TEST

START_TEST(test_validate_catches_bad_bounds_and_overlap)
{
	struct vm_area_struct *a;

	populate();
	a = t_vma(T.mm, 0);
	/* A's end unaligned, empty, and running into B. */
	ASSERT_CAUGHT(a->vm_end += 1, a->vm_end -= 1);
	ASSERT_CAUGHT(a->vm_end = a->vm_start, a->vm_end = a->vm_start + PG);
	ASSERT_CAUGHT(a->vm_end += PG, a->vm_end -= PG);
}
END_TEST

START_TEST(test_validate_catches_highest_vm_end_and_gaps)
{
	struct vm_area_struct *s;

	populate();
	ASSERT_CAUGHT(T.mm->highest_vm_end -= PG, T.mm->highest_vm_end += PG);
	s = t_vma(T.mm, 2);
	ASSERT_CAUGHT(s->rb_subtree_gap += PG, s->rb_subtree_gap -= PG);
}
END_TEST

START_TEST(test_validate_catches_vm_counters)
{
	populate();
	ASSERT_CAUGHT(T.mm->total_vm++, T.mm->total_vm--);
	ASSERT_CAUGHT(T.mm->data_vm++, T.mm->data_vm--);
	ASSERT_CAUGHT(T.mm->exec_vm++, T.mm->exec_vm--);
	ASSERT_CAUGHT(T.mm->stack_vm++, T.mm->stack_vm--);
}
END_TEST

START_TEST(test_validate_catches_anon_vma_counts)
{
	struct anon_vma *av;

	populate();
	av = t_vma(T.mm, 0)->anon_vma;
	ASSERT_CAUGHT(av->degree++, av->degree--);
	ASSERT_CAUGHT(av->refcount++, av->refcount--);
	ASSERT_CAUGHT(av->nr_avcs++, av->nr_avcs--);
}
END_TEST

START_TEST(test_validate_catches_anon_vma_without_its_avc)
{
	struct vm_area_struct *a, *b;

	/* B gets A's anon_vma pointer but no AVC for it. */
	populate();
	a = t_vma(T.mm, 0);
	b = t_vma(T.mm, 1);
	ck_assert_ptr_null(b->anon_vma);
	ASSERT_CAUGHT(b->anon_vma = a->anon_vma, b->anon_vma = NULL);
	/* A keeps its AVC but forgets its anon_vma. */
	{
		struct anon_vma *av = a->anon_vma;

		ASSERT_CAUGHT(a->anon_vma = NULL, a->anon_vma = av);
	}
}
END_TEST

START_TEST(test_validate_catches_stale_interval_keys)
{
	struct vm_area_struct *a, *f;

	/* vm_pgoff changed without re-keying: the AVC (anon) or the i_mmap
	 * node (file) no longer matches its VMA (§5.1 invariant 4). */
	populate();
	a = t_vma(T.mm, 0);
	f = t_vma(T.mm, 3);
	ASSERT_CAUGHT(a->vm_pgoff++, a->vm_pgoff--);
	ASSERT_CAUGHT(f->vm_pgoff++, f->vm_pgoff--);
}
END_TEST

START_TEST(test_validate_catches_i_mmap_count)
{
	struct inode *a;

	populate();
	a = inode_lookup(T.sim, "/a");
	ck_assert_uint_eq(a->i_mmap_count, 2);	/* pid 1 and its fork */
	ASSERT_CAUGHT(a->i_mmap_count++, a->i_mmap_count--);
}
END_TEST

START_TEST(test_validate_catches_live_object_counters)
{
	populate();
	ASSERT_CAUGHT(T.sim->nr_vmas++, T.sim->nr_vmas--);
	ASSERT_CAUGHT(T.sim->nr_avcs++, T.sim->nr_avcs--);
	ASSERT_CAUGHT(T.sim->nr_anon_vmas++, T.sim->nr_anon_vmas--);
}
END_TEST

START_TEST(test_validate_catches_foreign_vm_mm)
{
	struct vm_area_struct *b;
	struct mm_struct *other;

	populate();
	b = t_vma(T.mm, 1);
	other = t_mm(T.sim, 2);
	ASSERT_CAUGHT(b->vm_mm = other, b->vm_mm = T.mm);
}
END_TEST

/*
 * Every PTE must be found again by its page's rmap walk: a page whose
 * index no longer matches its VMAs (so the walk looks at the wrong
 * addresses) is caught, with one PTE or with the parent's and the
 * child's after fork. One walk per page covers them all.
 */
START_TEST(test_validate_catches_pte_missed_by_rmap_walk)
{
	struct page *page;
	unsigned long pfn;

	populate();
	T_CMD(T.sim, "write 1 0x%lx 7", BASE);
	pfn = pte_pfn(t_pte(T.mm, BASE));
	page = pfn_to_page(T.sim, pfn);
	ASSERT_CAUGHT(page->index++, page->index--);
	T_CMD(T.sim, "fork 1");		/* now mapped by pids 1 and 3 */
	ck_assert_int_eq(page_mapcount(page), 2);
	ASSERT_CAUGHT(page->index += 5, page->index -= 5);
}
END_TEST

/* Balloon pages: each listed once, one reference (two while isolated),
 * never mapped, the counters equal to the list. */
START_TEST(test_validate_catches_balloon_bookkeeping)
{
	struct balloon_dev_info *b = &T.sim->balloon;
	struct page *page;

	populate();
	T_CMD(T.sim, "balloon inflate 2");
	page = pfn_to_page(T.sim, b->pages.head);
	ASSERT_CAUGHT(page->_refcount++, page->_refcount--);
	ASSERT_CAUGHT(b->pages.count++, b->pages.count--);
	ASSERT_CAUGHT(b->isolated_pages++, b->isolated_pages--);
	ASSERT_CAUGHT(SetPage(page, PG_isolated), ClearPage(page, PG_isolated));
	ASSERT_CAUGHT(SetPage(page, PG_lru), ClearPage(page, PG_lru));
}
END_TEST

START_TEST(test_check_command_reports_euclean)
{
	struct strbuf res = STRBUF_INIT;
	size_t dmesg_len;

	/* `check` on a broken machine: EUCLEAN, the first violation in
	 * /dmesg (docs/commands.md). */
	populate();
	dmesg_len = T.sim->dmesg.len;
	T.mm->total_vm++;
	ck_assert_int_eq(t_exec(T.sim, &res, "check"), -EUCLEAN);
	T.mm->total_vm--;
	ck_assert_uint_gt(T.sim->dmesg.len, dmesg_len);
	ck_assert_ptr_nonnull(strstr(T.sim->dmesg.buf + dmesg_len, "check: EUCLEAN ("));
	strbuf_release(&res);
	CHECK_SIM(T.sim);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc;

	tc = t_tcase("invariants");
	tcase_add_test(tc, test_validate_accepts_consistent_machine);
	tcase_add_test(tc, test_validate_catches_map_count);
	tcase_add_test(tc, test_validate_catches_bad_bounds_and_overlap);
	tcase_add_test(tc, test_validate_catches_highest_vm_end_and_gaps);
	tcase_add_test(tc, test_validate_catches_vm_counters);
	tcase_add_test(tc, test_validate_catches_anon_vma_counts);
	tcase_add_test(tc, test_validate_catches_anon_vma_without_its_avc);
	tcase_add_test(tc, test_validate_catches_stale_interval_keys);
	tcase_add_test(tc, test_validate_catches_i_mmap_count);
	tcase_add_test(tc, test_validate_catches_live_object_counters);
	tcase_add_test(tc, test_validate_catches_foreign_vm_mm);
	tcase_add_test(tc, test_validate_catches_pte_missed_by_rmap_walk);
	tcase_add_test(tc, test_validate_catches_balloon_bookkeeping);
	tcase_add_test(tc, test_check_command_reports_euclean);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(validate_suite());
}
