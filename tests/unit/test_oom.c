/* tests/unit/test_oom.c - out-of-memory atomicity, SQLite style: for each
 * mutating operation, fail the Nth allocation for N = 0, 1, 2, ... until
 * the operation succeeds. After every failure: the errno is the one v5.15
 * gives for a failed allocation, every invariant holds (sim_check), the
 * rendered files are byte-identical to before, and the mm's VMAs, anon_vmas
 * and counters are exactly as before.
 *
 * The errno: -ENOMEM everywhere, except madvise, which reports a failed
 * allocation as -EAGAIN (v5.15 madvise_behavior: "madvise() returns EAGAIN
 * if kernel resources, such as slab, are temporarily unavailable"). The
 * madvise command may also fail in rmapfs's own bookkeeping (its journal
 * line), so it is allowed either.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testlib.h"

#define OOM_MAX 20000L	/* far more allocations than any operation makes */

static const char *const state_files[] = {
	"/1/maps", "/1/status", "/journal", NULL
};

/*
 * oom_loop - run @op with the Nth allocation failing, N = 0, 1, ...
 * @paths: files that must render identically after a failure.
 * @mm: an mm whose snapshot must be identical after a failure (or NULL).
 * Return: the number of failed attempts before the one that succeeded.
 */
#define OOM_LOOP(op, arg, paths, mm, err1, err2) \
	oom_loop(__FILE__, __LINE__, (op), (arg), (paths), (mm), (err1), (err2))

static long oom_loop(const char *file, int line, int (*op)(void *), void *arg,
		     const char *const *paths, struct mm_struct *mm, int err1,
		     int err2)
{
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	struct t_mm_snap *sb = malloc(sizeof(*sb)), *sa = malloc(sizeof(*sa));
	long n;

	ck_assert_ptr_nonnull(sb);
	ck_assert_ptr_nonnull(sa);
	for (n = 0; n < OOM_MAX; n++) {
		int rc;

		t_render(T.sim, paths, &before);
		if (mm)
			t_snap(sb, mm);
		rm_fail_nth(n);
		rc = op(arg);
		rm_fail_nth(-1);
		t_check_sim(T.sim, file, line);
		if (rc >= 0)
			break;
		ck_assert_msg(rc == err1 || rc == err2,
			      "%s:%d: with allocation %ld failing: %d (%s), expected %s",
			      file, line, n, rc, errno_name(-rc), errno_name(-err1));
		t_render(T.sim, paths, &after);
		ck_assert_msg(before.len == after.len &&
			      memcmp(before.buf, after.buf, before.len) == 0,
			      "%s:%d: with allocation %ld failing, the files changed:\n"
			      "--- before\n%s\n--- after\n%s", file, line, n,
			      before.buf, after.buf);
		if (mm) {
			t_snap(sa, mm);
			t_assert_snap_eq(file, line, sb, sa);
		}
	}
	ck_assert_msg(n < OOM_MAX, "%s:%d: never succeeded", file, line);
	if (getenv("T_VERBOSE"))
		fprintf(stderr, "%s:%d: %ld injected failures\n", file, line, n);
	strbuf_release(&before);
	strbuf_release(&after);
	free(sb);
	free(sa);
	return n;
}

/* --------------------------------------------------------- direct calls */

struct mmap_arg {
	struct mm_struct *mm;
	unsigned long addr, len, prot, flags;
	long ret;
};

static int op_mmap(void *p)
{
	struct mmap_arg *a = p;

	a->ret = do_mmap(a->mm, a->addr, a->len, a->prot, a->flags, NULL, 0);
	return a->ret < 0 ? (int)a->ret : 0;
}

struct range_arg {
	struct mm_struct *mm;
	unsigned long start, len, prot;
	int advice;
};

static int op_munmap(void *p)
{
	struct range_arg *a = p;

	return do_munmap(a->mm, a->start, a->len);
}

static int op_mprotect(void *p)
{
	struct range_arg *a = p;

	return do_mprotect(a->mm, a->start, a->len, a->prot);
}

static int op_madvise(void *p)
{
	struct range_arg *a = p;

	return do_madvise(a->mm, a->start, a->len, a->advice);
}

static int op_prepare(void *p)
{
	return anon_vma_prepare(p);
}

static int op_dup_mm(void *p)
{
	struct mm_struct *cmm;
	int err = 0;

	cmm = dup_mm(p, 0, &err);
	rm_fail_nth(-1);	/* mmput must not be the one that fails */
	if (!cmm) {
		ck_assert_int_ne(err, 0);
		return err;
	}
	mmput(cmm);
	return 0;
}

START_TEST(test_oom_do_mmap_new_vma)
{
	struct mmap_arg a = { T.mm, 0, 2 * PG, RW, MAP_ANON_PRIV, 0 };

	/* A fresh VMA below mmap_base. */
	OOM_LOOP(op_mmap, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_eq(a.ret, (long)(RMAPFS_MMAP_BASE - 2 * PG));
	ASSERT_VMAS(T.mm, { RMAPFS_MMAP_BASE - 2 * PG, RMAPFS_MMAP_BASE,
			    PFN(RMAPFS_MMAP_BASE - 2 * PG), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_oom_do_mmap_merge_into_faulted_neighbour)
{
	struct mmap_arg a = { T.mm, 0, PG, RW, MAP_ANON_PRIV, 0 };

	/*  |-- A --|-- V rw- AV --|  mmap_base: case 3, V grows down. */
	MAP_FIXED_ANON(T.mm, RMAPFS_MMAP_BASE - PG, 1, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_mmap, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_eq(a.ret, (long)(RMAPFS_MMAP_BASE - 2 * PG));
}
END_TEST

START_TEST(test_oom_do_mmap_fixed_over_middle_of_faulted_vma)
{
	struct mmap_arg a = { T.mm, BASE + PG, PG, RO,
			      MAP_ANON_PRIV | MAP_FIXED, 0 };

	/*  |-- V rw- AV (4 pages) --|  fixed r-- over the second page:
	 * two splits (AVC clones), a removal, a new VMA. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_mmap, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_eq(a.ret, (long)(BASE + PG));
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
}
END_TEST

START_TEST(test_oom_do_mmap_shared_anon)
{
	struct mmap_arg a = { T.mm, 0, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, 0 };
	long n;

	/* A new shmem inode and open must be allocated. */
	n = OOM_LOOP(op_mmap, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(a.ret, (long)(RMAPFS_MMAP_BASE - 2 * PG));
}
END_TEST

START_TEST(test_oom_do_munmap_middle_of_faulted_vma)
{
	struct range_arg a = { T.mm, BASE + PG, PG, 0, 0 };

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_munmap, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_eq(t_nr_vmas(T.mm), 2);
}
END_TEST

START_TEST(test_oom_do_munmap_middle_of_forked_vma)
{
	static const char *const files[] = {
		"/1/maps", "/2/maps", "/2/status", "/journal", NULL
	};
	struct mm_struct *cmm;
	struct range_arg a;

	/* The child's VMA has two AVCs: each split clones both. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	T_CMD(T.sim, "fork 1");
	cmm = t_mm(T.sim, 2);
	a = (struct range_arg){ cmm, BASE + PG, PG, 0, 0 };
	OOM_LOOP(op_munmap, &a, files, cmm, -ENOMEM, -ENOMEM);
	ck_assert_int_eq(t_nr_vmas(cmm), 2);
	ck_assert_uint_eq(t_nr_avcs(t_vma(cmm, 1)), 2);
}
END_TEST

START_TEST(test_oom_do_mprotect_middle_of_faulted_vma)
{
	struct range_arg a = { T.mm, BASE + PG, PG, RO, 0 };

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_mprotect, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
}
END_TEST

START_TEST(test_oom_do_mprotect_merge_adopting_anon_vma)
{
	struct range_arg a = { T.mm, BASE + PG, PG, RW, 0 };

	/*  |-- P rw- ----|-- N r-- ----|-- X rw- AV -|
	 * mprotect(N, rw-): case 6, P adopts X's anon_vma (anon_vma_clone)
	 * before X goes. (v5.15 would fall back to a plain flag change if
	 * that clone failed; rmapfs may fail the whole call instead - both
	 * leave a consistent machine, which is what is checked.) */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + PG, 1, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 2)), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_mprotect, &a, state_files, T.mm, -ENOMEM, -ENOMEM);
}
END_TEST

START_TEST(test_oom_do_madvise_middle)
{
	struct range_arg a = { T.mm, BASE + PG, PG, 0, MADV_DONTFORK };

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_madvise, &a, state_files, T.mm, -EAGAIN, -EAGAIN);
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
}
END_TEST

START_TEST(test_oom_do_madvise_mergeable)
{
	struct range_arg a = { T.mm, BASE + PG, PG, 0, MADV_MERGEABLE };

	/* The first MADV_MERGEABLE also registers the mm with KSM. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	OOM_LOOP(op_madvise, &a, state_files, T.mm, -EAGAIN, -EAGAIN);
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
	ck_assert(T.mm->ksm_registered);
}
END_TEST

START_TEST(test_oom_dup_mm)
{
	long n;

	/* A faulted VMA, a shared one, a file one. */
	t_file(T.sim, "/a", 4 * PG);
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	ck_assert_int_eq(do_mmap(T.mm, BASE + 4 * PG, PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)(BASE + 4 * PG));
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 8 * PG, PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/a", 0),
			 (long)(BASE + 8 * PG));
	CHECK_SIM(T.sim);
	n = OOM_LOOP(op_dup_mm, T.mm, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_int_gt(n, 0);	/* the mm itself must be allocated */
}
END_TEST

START_TEST(test_oom_anon_vma_prepare_fresh)
{
	struct vm_area_struct *v;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	v = t_vma(T.mm, 0);
	OOM_LOOP(op_prepare, v, state_files, T.mm, -ENOMEM, -ENOMEM);
	ASSERT_AV(v->anon_vma, 2, 1);
}
END_TEST

START_TEST(test_oom_anon_vma_prepare_reuse)
{
	struct vm_area_struct *v;

	/*  |-- V rwx ----|-- N rw- AV -|  V reuses AV: only an AVC. */
	MAP_FIXED_ANON(T.mm, BASE + PG, 1, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	MAP_FIXED_ANON(T.mm, BASE, 1, RWX, 0);
	v = t_vma(T.mm, 0);
	OOM_LOOP(op_prepare, v, state_files, T.mm, -ENOMEM, -ENOMEM);
	ck_assert_ptr_eq(v->anon_vma, t_vma(T.mm, 1)->anon_vma);
	ASSERT_AV(v->anon_vma, 3, 1);
}
END_TEST

/* ------------------------------------------------------------ commands */

struct cmd_arg {
	const char *line;
	struct strbuf res;
};

static int op_cmd(void *p)
{
	struct cmd_arg *c = p;

	strbuf_reset(&c->res);
	return sim_exec_line(T.sim, c->line, strlen(c->line), 0, &c->res);
}

/* Run command @line under the OOM loop; check its result line. */
#define OOM_CMD(line, paths, mm, err2, expect) \
	oom_cmd(__FILE__, __LINE__, (line), (paths), (mm), (err2), (expect))

static long oom_cmd(const char *file, int lineno, const char *line,
		    const char *const *paths, struct mm_struct *mm, int err2,
		    const char *expect)
{
	struct cmd_arg c = { line, STRBUF_INIT };
	long n;

	n = oom_loop(file, lineno, op_cmd, &c, paths, mm, -ENOMEM, err2);
	/* buf is NUL-terminated only when len > 0 (strbuf.h). */
	ck_assert_msg(c.res.len == strlen(expect) &&
		      memcmp(c.res.len ? c.res.buf : "", expect, c.res.len) == 0,
		      "%s:%d: `%s` printed \"%.*s\", expected \"%s\"", file, lineno,
		      line, (int)c.res.len, c.res.len ? c.res.buf : "", expect);
	strbuf_release(&c.res);
	return n;
}

START_TEST(test_oom_cmd_spawn)
{
	/* A failed spawn must not use up pid 2. */
	ck_assert_int_gt(OOM_CMD("spawn", state_files, T.mm, -ENOMEM, "2\n"), 0);
	ck_assert_ptr_nonnull(find_task(T.sim, 2));
}
END_TEST

START_TEST(test_oom_cmd_fork)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	ck_assert_int_gt(OOM_CMD("fork 1", state_files, T.mm, -ENOMEM, "2\n"), 0);
	ck_assert_int_eq(t_nr_vmas(t_mm(T.sim, 2)), 1);
}
END_TEST

START_TEST(test_oom_cmd_exit)
{
	static const char *const files[] = {
		"/1/maps", "/2/maps", "/2/status", "/journal", NULL
	};

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	T_CMD(T.sim, "fork 1");
	OOM_CMD("exit 2", files, T.mm, -ENOMEM, "");
	ck_assert_ptr_null(find_task(T.sim, 2));
}
END_TEST

START_TEST(test_oom_cmd_mmap)
{
	OOM_CMD("mmap 1 0 8192 rw- private", state_files, T.mm, -ENOMEM,
		"0x7effffffe000\n");
}
END_TEST

START_TEST(test_oom_cmd_mmap_file)
{
	static const char *const files[] = {
		"/1/maps", "/1/status", "/journal", "/files/lib/a.so", NULL
	};

	T_CMD(T.sim, "file /lib/a.so 16384");
	OOM_CMD("mmap 1 0 8192 r-x private /lib/a.so 4096", files, T.mm, -ENOMEM,
		"0x7effffffe000\n");
}
END_TEST

START_TEST(test_oom_cmd_mmap_fixed_replace)
{
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	OOM_CMD("mmap 1 0x40001000 4096 r-- private,fixed", state_files, T.mm,
		-ENOMEM, "0x40001000\n");
}
END_TEST

START_TEST(test_oom_cmd_munmap)
{
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	OOM_CMD("munmap 1 0x40001000 4096", state_files, T.mm, -ENOMEM, "");
}
END_TEST

START_TEST(test_oom_cmd_mprotect)
{
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	OOM_CMD("mprotect 1 0x40001000 4096 r--", state_files, T.mm, -ENOMEM, "");
}
END_TEST

START_TEST(test_oom_cmd_madvise)
{
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	OOM_CMD("madvise 1 0x40001000 4096 wipeonfork", state_files, T.mm,
		-EAGAIN, "");
}
END_TEST

START_TEST(test_oom_cmd_file)
{
	static const char *const files[] = {
		"/1/maps", "/journal", "/files/lib/a.so", NULL
	};

	T_CMD(T.sim, "file /lib/a.so 16384");
	ck_assert_int_gt(OOM_CMD("file /lib/b.so 4096", files, T.mm, -ENOMEM, ""), 0);
	ck_assert_ptr_nonnull(inode_lookup(T.sim, "/lib/b.so"));
}
END_TEST

START_TEST(test_oom_cmd_sysctl)
{
	static const char *const files[] = {
		"/journal", "/sysctl/vm/max_map_count", NULL
	};

	OOM_CMD("sysctl vm.max_map_count 100", files, T.mm, -ENOMEM, "");
	ck_assert_int_eq(T.sim->sysctl.max_map_count, 100);
}
END_TEST

START_TEST(test_oom_cmd_check)
{
	OOM_CMD("check", state_files, T.mm, -ENOMEM, "ok\n");
}
END_TEST

static Suite *oom_suite(void)
{
	Suite *s = suite_create("oom");
	TCase *tc;

	tc = t_tcase("direct");
	tcase_add_test(tc, test_oom_do_mmap_new_vma);
	tcase_add_test(tc, test_oom_do_mmap_merge_into_faulted_neighbour);
	tcase_add_test(tc, test_oom_do_mmap_fixed_over_middle_of_faulted_vma);
	tcase_add_test(tc, test_oom_do_mmap_shared_anon);
	tcase_add_test(tc, test_oom_do_munmap_middle_of_faulted_vma);
	tcase_add_test(tc, test_oom_do_munmap_middle_of_forked_vma);
	tcase_add_test(tc, test_oom_do_mprotect_middle_of_faulted_vma);
	tcase_add_test(tc, test_oom_do_mprotect_merge_adopting_anon_vma);
	tcase_add_test(tc, test_oom_do_madvise_middle);
	tcase_add_test(tc, test_oom_do_madvise_mergeable);
	tcase_add_test(tc, test_oom_dup_mm);
	tcase_add_test(tc, test_oom_anon_vma_prepare_fresh);
	tcase_add_test(tc, test_oom_anon_vma_prepare_reuse);
	suite_add_tcase(s, tc);

	tc = t_tcase("commands");
	tcase_add_test(tc, test_oom_cmd_spawn);
	tcase_add_test(tc, test_oom_cmd_fork);
	tcase_add_test(tc, test_oom_cmd_exit);
	tcase_add_test(tc, test_oom_cmd_mmap);
	tcase_add_test(tc, test_oom_cmd_mmap_file);
	tcase_add_test(tc, test_oom_cmd_mmap_fixed_replace);
	tcase_add_test(tc, test_oom_cmd_munmap);
	tcase_add_test(tc, test_oom_cmd_mprotect);
	tcase_add_test(tc, test_oom_cmd_madvise);
	tcase_add_test(tc, test_oom_cmd_file);
	tcase_add_test(tc, test_oom_cmd_sysctl);
	tcase_add_test(tc, test_oom_cmd_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(oom_suite());
}
