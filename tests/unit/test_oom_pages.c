/* tests/unit/test_oom_pages.c - out-of-memory atomicity of the operations
 * that touch pages and page tables: faults (access_write, access_read,
 * access_touch, stack growth, do_cow_fault), fork of a process with
 * pages, munmap and mprotect of populated ranges. SQLite style: fail the
 * Nth allocation for N = 0, 1, 2, ... until the operation succeeds; after
 * every failure the result is -ENOMEM, sim_check passes, /1/maps,
 * /1/status and /journal are byte-identical, and so is everything below
 * them: every struct page, every PTE and table of every process, the rss
 * counters, VmPTE, vmstat, the anon_vmas.
 *
 * The reserve pools are drained before every attempt (they are invisible
 * state that would otherwise let later attempts skip allocations), so
 * attempt N fails exactly the Nth allocation the operation makes.
 *
 * The second half runs out of frames instead (-o frames=8: pfn 0 is the
 * zero page, 7 frames to use): a fault that needs a frame and finds none
 * is -ENOMEM (the OOM killer's case) and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm_internal.h"	/* sim_drain_pools */
#include "testlib.h"

#define OOM_MAX 20000L
#define MiB	(1UL << 20)

static const char *const state_files[] = {
	"/1/maps", "/1/status", "/journal", NULL
};

/* ------------------------------------------------ page-level snapshot */



static void assert_same_text(const char *file, int line, long n,
			     const char *what, const struct strbuf *a,
			     const struct strbuf *b)
{
	ck_assert_msg(a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0,
		      "%s:%d: with allocation %ld failing, %s changed:\n"
		      "--- before\n%s\n--- after\n%s", file, line, n, what,
		      a->buf, b->buf);
}

/*
 * oom_loop - run @op with the Nth allocation failing, N = 0, 1, ...
 * @mm: an mm whose VMA snapshot must also be identical (or NULL).
 * Return: the number of failed attempts before the one that succeeded.
 */
#define OOM_LOOP(op, arg, mm) oom_loop(__FILE__, __LINE__, (op), (arg), (mm))

static long oom_loop(const char *file, int line, int (*op)(void *), void *arg,
		     struct mm_struct *mm)
{
	struct strbuf fb = STRBUF_INIT, fa = STRBUF_INIT;
	struct strbuf pb = STRBUF_INIT, pa = STRBUF_INIT;
	struct t_mm_snap *sb = malloc(sizeof(*sb)), *sa = malloc(sizeof(*sa));
	long n;

	ck_assert_ptr_nonnull(sb);
	ck_assert_ptr_nonnull(sa);
	for (n = 0; n < OOM_MAX; n++) {
		int rc;

		sim_drain_pools(T.sim);
		t_render(T.sim, state_files, &fb);
		t_pages_dump(T.sim, &pb);
		if (mm)
			t_snap(sb, mm);
		rm_fail_nth(n);
		rc = op(arg);
		rm_fail_nth(-1);
		t_check_sim(T.sim, file, line);
		if (rc >= 0)
			break;
		ck_assert_msg(rc == -ENOMEM,
			      "%s:%d: with allocation %ld failing: %d (%s), expected ENOMEM",
			      file, line, n, rc, errno_name(-rc));
		t_render(T.sim, state_files, &fa);
		assert_same_text(file, line, n, "the files", &fb, &fa);
		t_pages_dump(T.sim, &pa);
		assert_same_text(file, line, n, "the pages", &pb, &pa);
		if (mm) {
			t_snap(sa, mm);
			t_assert_snap_eq(file, line, sb, sa);
		}
	}
	ck_assert_msg(n < OOM_MAX, "%s:%d: never succeeded", file, line);
	if (getenv("T_VERBOSE"))
		fprintf(stderr, "%s:%d: %ld injected failures\n", file, line, n);
	strbuf_release(&fb);
	strbuf_release(&fa);
	strbuf_release(&pb);
	strbuf_release(&pa);
	free(sb);
	free(sa);
	return n;
}

/* ------------------------------------------------------------ ops */

struct acc_arg {
	struct mm_struct *mm;
	unsigned long addr, len;
	uint64_t value;
	bool write;
};

static int op_write(void *p)
{
	struct acc_arg *a = p;

	return access_write(a->mm, a->addr, a->value);
}

static int op_read(void *p)
{
	struct acc_arg *a = p;

	return access_read(a->mm, a->addr, &a->value);
}

static int op_touch(void *p)
{
	struct acc_arg *a = p;

	return access_touch(a->mm, a->addr, a->len, a->write);
}

struct range_arg {
	struct mm_struct *mm;
	unsigned long start, len, prot;
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

/* Run command @line under the loop; it must then print @expect. */
static long oom_cmd(const char *file, int line, const char *cmdline,
		    struct mm_struct *mm, const char *expect)
{
	struct cmd_arg c = { cmdline, STRBUF_INIT };
	long n = oom_loop(file, line, op_cmd, &c, mm);

	ck_assert_msg(c.res.len == strlen(expect) &&
		      memcmp(c.res.len ? c.res.buf : "", expect, c.res.len) == 0,
		      "%s:%d: `%s` printed \"%.*s\", expected \"%s\"", file, line,
		      cmdline, (int)c.res.len, c.res.len ? c.res.buf : "", expect);
	strbuf_release(&c.res);
	return n;
}
#define OOM_CMD(line, mm, expect) oom_cmd(__FILE__, __LINE__, (line), (mm), (expect))

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

/* ------------------------------------------------ allocation failures */

START_TEST(test_oom_write_first_fault)
{
	struct acc_arg a = { T.mm, BASE + PG, 0, 7, true };

	/*  |-- V rw- --|  no tables, no anon_vma: the fault needs the PGD,
	 * PUD, PMD and PTE tables, an anon_vma and its AVC. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_gt(OOM_LOOP(op_write, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 1, 0, 0);
}
END_TEST

START_TEST(test_oom_write_zero_page_cow)
{
	struct acc_arg a = { T.mm, BASE, 0, 7, true };
	uint64_t val;

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_gt(OOM_LOOP(op_write, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
}
END_TEST

START_TEST(test_oom_write_cow_in_child)
{
	struct mm_struct *cmm;
	struct acc_arg a;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 2 * PG, true), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	a = (struct acc_arg){ cmm, BASE + PG, 0, 9, true };
	ck_assert_int_gt(OOM_LOOP(op_write, &a, cmm), 0);
	ASSERT_PTE(cmm, BASE + PG, 3, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(t_vma(T.mm, 0)->anon_vma), PFN(BASE) + 1,
		    1, 1, ANON_PAGE_FLAGS);
}
END_TEST

START_TEST(test_oom_read_shared_anon)
{
	struct acc_arg a = { T.mm, BASE + 3 * PG, 0, 0, false };

	/* A cache slot for index 3 (the page-cache array and its chunk),
	 * tables. */
	ck_assert_int_eq(do_mmap(T.mm, BASE, 4 * PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_gt(OOM_LOOP(op_read, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE + 3 * PG, 1, PTE_SHARED);
	ASSERT_RSS(T.mm, 0, 0, 1);
	ck_assert_uint_eq(t_vma(T.mm, 0)->vm_file->f_inode->nrpages, 1);
}
END_TEST

START_TEST(test_oom_read_file_far_index)
{
	struct acc_arg a = { T.mm, BASE + PG, 0, 0, false };

	/* File index 2048 + 1: the cache array must grow to five chunks. */
	t_file(T.sim, "/big", 4096 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/big", 2048), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_gt(OOM_LOOP(op_read, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_RO);
}
END_TEST

START_TEST(test_oom_private_file_cow_fault)
{
	struct acc_arg a = { T.mm, BASE, PG, 0, true };

	t_file(T.sim, "/f", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/f", 0), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_gt(OOM_LOOP(op_touch, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 1, 0, 0);
}
END_TEST

START_TEST(test_oom_touch_across_two_pte_tables)
{
	struct acc_arg a = { T.mm, BASE + 2 * MiB - 2 * PG, 4 * PG, 0, true };

	/*  BASE+2M-2            BASE+2M+2
	 *  |-- V rw- (4 pages) --|   two PTE tables, one anon_vma */
	MAP_FIXED_ANON(T.mm, BASE + 2 * MiB - 2 * PG, 4, RW, 0);
	ck_assert_int_gt(OOM_LOOP(op_touch, &a, T.mm), 0);
	ASSERT_RSS(T.mm, 4, 0, 0);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 4 * PG);
}
END_TEST

START_TEST(test_oom_touch_write_across_two_vmas_needing_anon_vmas)
{
	struct acc_arg a = { T.mm, BASE, 2 * PG, 0, true };

	/*  BASE      +1          +2
	 *  |-- A rw- --|-- B rw- dc --|   neither has an anon_vma, and B
	 * (VM_DONTCOPY) cannot share A's: the write touch runs two
	 * anon_vma_prepare calls, each needing an AVC and an anon_vma, all
	 * of which must be had before the first page is faulted. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(do_madvise(T.mm, BASE + PG, PG, MADV_DONTFORK), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_nr_vmas(T.mm), 2);
	ck_assert_int_gt(OOM_LOOP(op_touch, &a, T.mm), 0);
	ck_assert_ptr_nonnull(t_vma(T.mm, 0)->anon_vma);
	ck_assert_ptr_nonnull(t_vma(T.mm, 1)->anon_vma);
	ck_assert_ptr_ne(t_vma(T.mm, 0)->anon_vma, t_vma(T.mm, 1)->anon_vma);
	ASSERT_RSS(T.mm, 2, 0, 0);
}
END_TEST

START_TEST(test_oom_touch_read_range)
{
	struct acc_arg a = { T.mm, BASE, 8 * PG, 0, false };

	MAP_FIXED_ANON(T.mm, BASE, 8, RW, 0);
	ck_assert_int_gt(OOM_LOOP(op_touch, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE + 7 * PG, 0, PTE_ZERO);
	ASSERT_RSS(T.mm, 0, 0, 0);
}
END_TEST

START_TEST(test_oom_stack_growth)
{
	const unsigned long s = BASE + 64 * MiB;
	struct acc_arg a = { T.mm, s - 10 * PG, 0, 1, true };

	MAP_FIXED_ANON(T.mm, s, 4, RW, MAP_GROWSDOWN);
	ck_assert_int_gt(OOM_LOOP(op_write, &a, T.mm), 0);
	ASSERT_VMAS(T.mm, { s - 10 * PG, s + 4 * PG, PFN(s) - 10,
			    ANON_FLAGS(RW) | VM_GROWSDOWN });
	ASSERT_PTE(T.mm, s - 10 * PG, 1, PTE_ANON_RW);
}
END_TEST

/* A process with pages in every kind of VMA:
 *  BASE          +4     BASE+2M   +2      BASE+1G      +2
 *  |-- A rw- ----|      |-- S rw-s --|    |-- F rw-p /f --|
 * A: pages 0-1 written, page 2 zero page; S: page 0 written;
 * F: page 0 read (file page), page 1 privately copied. */
static void populate(void)
{
	uint64_t val;

	t_file(T.sim, "/f", 2 * PG);
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 2 * PG, true), 0);
	ck_assert_int_eq(access_read(T.mm, BASE + 2 * PG, &val), 0);
	ck_assert_int_eq(do_mmap(T.mm, BASE + 2 * MiB, 2 * PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)(BASE + 2 * MiB));
	ck_assert_int_eq(access_write(T.mm, BASE + 2 * MiB, 1), 0);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + (1UL << 30), 2 * PG, RW,
				     MAP_PRIVATE | MAP_FIXED, "/f", 0),
			 (long)(BASE + (1UL << 30)));
	ck_assert_int_eq(access_read(T.mm, BASE + (1UL << 30), &val), 0);
	ck_assert_int_eq(access_write(T.mm, BASE + (1UL << 30) + PG, 2), 0);
	CHECK_SIM(T.sim);
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

START_TEST(test_oom_dup_mm_with_pages)
{
	populate();
	ck_assert_int_gt(OOM_LOOP(op_dup_mm, T.mm, T.mm), 0);
}
END_TEST

START_TEST(test_oom_cmd_fork_with_pages)
{
	struct mm_struct *cmm;

	populate();
	ck_assert_int_gt(OOM_CMD("fork 1", T.mm, "2\n"), 0);
	cmm = t_mm(T.sim, 2);
	/* A and F copied (anon_vma), S not. */
	ASSERT_RSS(cmm, 3, 0, 1);
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO | PTE_MKDIRTY);
}
END_TEST

START_TEST(test_oom_munmap_middle_of_populated_vma)
{
	struct range_arg a = { T.mm, BASE + PG, PG, 0 };

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	OOM_LOOP(op_munmap, &a, T.mm);
	ck_assert_int_eq(t_nr_vmas(T.mm), 2);
	ASSERT_PAGE_FREE(T.sim, 2);
	ASSERT_RSS(T.mm, 3, 0, 0);
}
END_TEST

START_TEST(test_oom_munmap_middle_of_forked_populated_vma)
{
	struct mm_struct *cmm;
	struct range_arg a;

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	a = (struct range_arg){ cmm, BASE + PG, 2 * PG, 0 };
	ck_assert_int_gt(OOM_LOOP(op_munmap, &a, cmm), 0);
	ASSERT_RSS(cmm, 2, 0, 0);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 2)), 1);
}
END_TEST

START_TEST(test_oom_cmd_munmap_whole_populated_vma)
{
	populate();
	OOM_CMD("munmap 1 0x40000000 16384", T.mm, "");
	/* A's PTE table only: the ceiling (S at BASE+2M) keeps the PMD
	 * table; 6 tables before (A 3, S 1, F 2), 5 after. */
	ck_assert_uint_eq(T.mm->pgtables_bytes, 5 * PG);
}
END_TEST

START_TEST(test_oom_mprotect_middle_of_populated_vma)
{
	struct range_arg a = { T.mm, BASE + PG, PG, RO };

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_gt(OOM_LOOP(op_mprotect, &a, T.mm), 0);
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_RO | PTE_MKDIRTY);
}
END_TEST

START_TEST(test_oom_mprotect_populated_range_to_none)
{
	struct range_arg a = { T.mm, BASE + PG, 2 * MiB, PROT_NONE };

	/*  BASE          +4                            +4+512
	 *  |-- A rw- ----|-- B r-x (8 zero pages) ------|
	 * ---: over A's last three pages and most of B: two splits, two
	 * rewritten page ranges. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 2 * MiB / PG, RX, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	ck_assert_int_eq(access_touch(T.mm, BASE + 4 * PG, 8 * PG, false), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_gt(OOM_LOOP(op_mprotect, &a, T.mm), 0);
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_NONE_PROT | PTE_MKDIRTY);
	ASSERT_PTE(T.mm, BASE + 4 * PG, 0, PTE_NONE_PROT | _PAGE_SPECIAL);
}
END_TEST

START_TEST(test_oom_cmd_write_read_touch)
{
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_gt(OOM_CMD("write 1 0x40000000 77", T.mm, ""), 0);
	OOM_CMD("read 1 0x40000000", T.mm, "77\n");
	ck_assert_int_gt(OOM_CMD("read 1 0x40001000", T.mm, "0\n"), 0);
	ck_assert_int_gt(OOM_CMD("touch 1 0x40001000 12288 write", T.mm, ""), 0);
	ASSERT_RSS(T.mm, 4, 0, 0);
}
END_TEST

START_TEST(test_oom_cmd_exit_with_pages)
{
	populate();
	fork_of(1);
	OOM_CMD("exit 2", T.mm, "");
	ck_assert_ptr_null(find_task(T.sim, 2));
}
END_TEST

/* ------------------------------------------------- out of frames */

/* Replace the fixture's machine by one of @frames frames, pid 1. */
static void small_machine(unsigned long frames)
{
	struct sim_options o = { .frames = frames };

	sim_free(T.sim);
	T.sim = sim_new(&o);
	ck_assert_ptr_nonnull(T.sim);
	T.pid = t_spawn(T.sim);
	T.mm = t_mm(T.sim, T.pid);
	CHECK_SIM(T.sim);
}

/* The call must fail with -ENOMEM ("out of memory at ADDR") and leave the
 * files and the pages exactly as they were. */
#define ASSERT_NO_FRAME(call, addr) do { \
	struct strbuf f0_ = STRBUF_INIT, f1_ = STRBUF_INIT; \
	struct strbuf p0_ = STRBUF_INIT, p1_ = STRBUF_INIT; \
	char cause_[64]; \
	t_render(T.sim, state_files, &f0_); \
	t_pages_dump(T.sim, &p0_); \
	ck_assert_int_eq((call), -ENOMEM); \
	CHECK_SIM(T.sim); \
	snprintf(cause_, sizeof(cause_), "out of memory at %#lx", (unsigned long)(addr)); \
	ck_assert_str_eq(T.sim->fault_cause, cause_); \
	t_render(T.sim, state_files, &f1_); \
	t_pages_dump(T.sim, &p1_); \
	assert_same_text(__FILE__, __LINE__, -1, "the files", &f0_, &f1_); \
	assert_same_text(__FILE__, __LINE__, -1, "the pages", &p0_, &p1_); \
	strbuf_release(&f0_); strbuf_release(&f1_); \
	strbuf_release(&p0_); strbuf_release(&p1_); \
} while (0)

START_TEST(test_frames_exhausted_write_fails)
{
	struct t_mm_snap before;
	unsigned long i;
	uint64_t val;

	/* 8 frames: pfn 0 is the zero page, pfns 1-7 are used by the first
	 * seven writes; the eighth finds none. (8 pages of RW do not exceed
	 * the overcommit heuristic's limit of 8 frames.) */
	small_machine(8);
	MAP_FIXED_ANON(T.mm, BASE, 8, RW, 0);
	for (i = 0; i < 7; i++) {
		ck_assert_int_eq(access_write(T.mm, BASE + i * PG, i), 0);
		CHECK_SIM(T.sim);
		ASSERT_PTE(T.mm, BASE + i * PG, i + 1, PTE_ANON_RW);
	}
	ck_assert_uint_eq(nr_free_frames(T.sim), 0);
	t_snap(&before, T.mm);
	ASSERT_NO_FRAME(access_write(T.mm, BASE + 7 * PG, 7), BASE + 7 * PG);
	ASSERT_UNCHANGED(T.mm, &before);
	ASSERT_PTE_NONE(T.mm, BASE + 7 * PG);
	/* A read needs no frame: the zero page. */
	ck_assert_int_eq(access_read(T.mm, BASE + 7 * PG, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE + 7 * PG, 0, PTE_ZERO);
	/* Neither does a write that reuses its page. */
	ck_assert_int_eq(do_mprotect(T.mm, BASE, PG, RO), 0);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, PG, RW), 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 10), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	/* munmap gives a frame back (pfn 4); the write then succeeds. */
	ck_assert_int_eq(do_munmap(T.mm, BASE + 3 * PG, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE + 7 * PG, 7), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE + 7 * PG, 4, PTE_ANON_RW);
}
END_TEST

START_TEST(test_frames_exhausted_cow_fails_in_child)
{
	struct mm_struct *cmm;
	unsigned long i;

	/* 7 pages written, fork (tables are not frames), the child's COW
	 * needs a frame: none. After the child exits, the parent's write is
	 * a reuse and needs none. */
	small_machine(8);
	MAP_FIXED_ANON(T.mm, BASE, 7, RW, 0);
	for (i = 0; i < 7; i++)
		ck_assert_int_eq(access_write(T.mm, BASE + i * PG, i), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_NO_FRAME(access_write(cmm, BASE, 1), BASE);
	ASSERT_PTE(cmm, BASE, 1, (PTE_RO | PTE_MKDIRTY) & ~(pte_t)_PAGE_ACCESSED);
	T_CMD(T.sim, "exit 2");
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
}
END_TEST

START_TEST(test_frames_exhausted_touch_changes_no_page)
{
	/* 4 free frames... then a touch of 5 pages: planned as a whole,
	 * refused before any page is faulted. */
	small_machine(8);
	MAP_FIXED_ANON(T.mm, BASE, 8, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 3 * PG, true), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(nr_free_frames(T.sim), 4);
	ck_assert_int_eq(access_touch(T.mm, BASE + 3 * PG, 5 * PG, true), -ENOMEM);
	CHECK_SIM(T.sim);
	ASSERT_PTE_NONE(T.mm, BASE + 3 * PG);
	ck_assert_uint_eq(nr_free_frames(T.sim), 4);
	ASSERT_RSS(T.mm, 3, 0, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE + 3 * PG, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(nr_free_frames(T.sim), 0);
}
END_TEST

START_TEST(test_frames_exhausted_cow_fault_needs_two)
{
	unsigned long i;

	/* One free frame; do_cow_fault of an uncached file page needs the
	 * copy and the cache page. */
	small_machine(8);
	t_file(T.sim, "/f", 2 * PG);
	MAP_FIXED_ANON(T.mm, BASE, 6, RW, 0);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(access_write(T.mm, BASE + i * PG, i), 0);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 16 * PG, 2 * PG, RW,
				     MAP_PRIVATE | MAP_FIXED, "/f", 0),
			 (long)(BASE + 16 * PG));
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(nr_free_frames(T.sim), 1);
	ASSERT_NO_FRAME(access_write(T.mm, BASE + 16 * PG, 1), BASE + 16 * PG);
	ck_assert_ptr_null(t_vma(T.mm, 1)->anon_vma);
	ck_assert_uint_eq(inode_lookup(T.sim, "/f")->nrpages, 0);
}
END_TEST

START_TEST(test_frames_exhausted_shared_read_fails)
{
	unsigned long i;
	uint64_t val;

	/* A read of an uncached shmem page needs a frame for the cache. */
	small_machine(8);
	MAP_FIXED_ANON(T.mm, BASE, 7, RW, 0);
	for (i = 0; i < 7; i++)
		ck_assert_int_eq(access_write(T.mm, BASE + i * PG, i), 0);
	ck_assert_int_eq(do_mmap(T.mm, BASE + 16 * PG, PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)(BASE + 16 * PG));
	CHECK_SIM(T.sim);
	ASSERT_NO_FRAME(access_read(T.mm, BASE + 16 * PG, &val), BASE + 16 * PG);
}
END_TEST

static Suite *oom_pages_suite(void)
{
	Suite *s = suite_create("oom_pages");
	TCase *tc;

	tc = t_tcase("allocation");
	tcase_add_test(tc, test_oom_write_first_fault);
	tcase_add_test(tc, test_oom_write_zero_page_cow);
	tcase_add_test(tc, test_oom_write_cow_in_child);
	tcase_add_test(tc, test_oom_read_shared_anon);
	tcase_add_test(tc, test_oom_read_file_far_index);
	tcase_add_test(tc, test_oom_private_file_cow_fault);
	tcase_add_test(tc, test_oom_touch_across_two_pte_tables);
	tcase_add_test(tc, test_oom_touch_write_across_two_vmas_needing_anon_vmas);
	tcase_add_test(tc, test_oom_touch_read_range);
	tcase_add_test(tc, test_oom_stack_growth);
	tcase_add_test(tc, test_oom_dup_mm_with_pages);
	tcase_add_test(tc, test_oom_cmd_fork_with_pages);
	tcase_add_test(tc, test_oom_munmap_middle_of_populated_vma);
	tcase_add_test(tc, test_oom_munmap_middle_of_forked_populated_vma);
	tcase_add_test(tc, test_oom_cmd_munmap_whole_populated_vma);
	tcase_add_test(tc, test_oom_mprotect_middle_of_populated_vma);
	tcase_add_test(tc, test_oom_mprotect_populated_range_to_none);
	tcase_add_test(tc, test_oom_cmd_write_read_touch);
	tcase_add_test(tc, test_oom_cmd_exit_with_pages);
	suite_add_tcase(s, tc);

	tc = t_tcase("frames");
	tcase_add_test(tc, test_frames_exhausted_write_fails);
	tcase_add_test(tc, test_frames_exhausted_cow_fails_in_child);
	tcase_add_test(tc, test_frames_exhausted_touch_changes_no_page);
	tcase_add_test(tc, test_frames_exhausted_cow_fault_needs_two);
	tcase_add_test(tc, test_frames_exhausted_shared_read_fails);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(oom_pages_suite());
}
