/* tests/unit/testlib.h - what every unit suite shares: a machine with one
 * spawned process, the validator after every step, assertions on a whole
 * VMA layout, and snapshots for "nothing changed" checks.
 *
 * Expected values in the suites are worked out from the v5.15 rules in
 * shared/reference/kernel-spec.md (section numbers in the comments), never
 * copied from the program's own output.
 */
#ifndef RMAPFS_TESTLIB_H
#define RMAPFS_TESTLIB_H

#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "alloc.h"
#include "filemap.h"
#include "mm.h"
#include "rmap.h"
#include "sim.h"
#include "strbuf.h"
#include "vfs.h"

/* One page, and the page number of an address (private anon vm_pgoff). */
#define PG		PAGE_SIZE
#define PFN(addr)	((unsigned long)(addr) >> PAGE_SHIFT)

/* A quiet, aligned place for fixed mappings: 1 GiB, far from mmap_base. */
#define BASE		0x40000000UL

#define VM_MAY		(VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/*
 * Flags of a new private anonymous mapping (§4.3.1): the PROT bits (same
 * values as VM_READ/WRITE/EXEC), the three VM_MAY*, VM_ACCOUNT when private
 * writable, VM_SOFTDIRTY OR-ed in at the end of mmap_region.
 */
#define ANON_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SOFTDIRTY | \
	 (((prot) & PROT_WRITE) ? VM_ACCOUNT : 0UL))
/* The same with MAP_NORESERVE: VM_NORESERVE, and never VM_ACCOUNT (mmap
 * does not add it, and mprotect does not add it to a VM_NORESERVE VMA). */
#define ANON_NR_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SOFTDIRTY | VM_NORESERVE)

#define RW	(PROT_READ | PROT_WRITE)
#define RO	PROT_READ
#define RX	(PROT_READ | PROT_EXEC)
#define RWX	(PROT_READ | PROT_WRITE | PROT_EXEC)

#define MAP_ANON_PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)

/* The machine every test starts from: 1024 frames, pid 1 spawned. */
struct tfix {
	struct sim *sim;
	int pid;
	struct mm_struct *mm;
};
extern struct tfix T;
void t_setup(void);	/* checked fixture: fills T */
void t_teardown(void);

/* Run a suite (CK_NORMAL output); return the process exit status. */
int t_run_suite(Suite *s);
/* A test case with a timeout fit for valgrind too. */
TCase *t_tcase(const char *name);

/* sim_check, failing the test with its reason. */
#define CHECK_SIM(sim) t_check_sim((sim), __FILE__, __LINE__)
void t_check_sim(struct sim *sim, const char *file, int line);

/*
 * t_exec - run one command line (printf style) as if written to /ctl.
 * @res may be NULL. Return: sim_exec_line's result.
 */
int t_exec(struct sim *sim, struct strbuf *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run a command that must succeed, then sim_check; return its result
 * line as a number (0 when it has none). */
#define T_CMD(sim, ...) t_cmd(__FILE__, __LINE__, (sim), __VA_ARGS__)
unsigned long t_cmd(const char *file, int line, struct sim *sim,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* `spawn`: a new process; return its pid. */
int t_spawn(struct sim *sim);
struct mm_struct *t_mm(struct sim *sim, int pid);
/* `file PATH SIZE`, then the namespace's inode for it. */
struct inode *t_file(struct sim *sim, const char *path, unsigned long size);
/*
 * t_mmap_file - what the mmap command does with a FILE: a fresh open of
 * @path (file_open), do_mmap with it, then close (fput). Every call is a
 * different struct file. Return: do_mmap's result.
 */
long t_mmap_file(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned long prot, unsigned long flags, const char *path,
		 unsigned long pgoff);

/*
 * Fixed private anonymous mapping of @npages at @addr with @prot and extra
 * MAP_* @flags; asserts it lands at @addr and sim_check passes.
 */
#define MAP_FIXED_ANON(mm, addr, npages, prot, flags) \
	t_map_fixed(__FILE__, __LINE__, (mm), (addr), (npages), (prot), (flags))
void t_map_fixed(const char *file, int line, struct mm_struct *mm,
		 unsigned long addr, unsigned long npages, unsigned long prot,
		 unsigned long flags);

/* Walk the sorted list. */
int t_nr_vmas(struct mm_struct *mm);
struct vm_area_struct *t_vma(struct mm_struct *mm, int idx);
/* AVCs on a VMA's chain; the @idx-th one's anon_vma (0 = newest). */
unsigned long t_nr_avcs(const struct vm_area_struct *vma);
struct anon_vma *t_chain_av(const struct vm_area_struct *vma, int idx);

/* One expected VMA. */
struct exp_vma {
	unsigned long start, end, pgoff, flags;
};
/*
 * ASSERT_VMAS(mm, {start, end, pgoff, flags}, ...): the mm holds exactly
 * these VMAs in this order, map_count agrees, and every field matches.
 */
#define ASSERT_VMAS(mm, ...) \
	t_assert_vmas(__FILE__, __LINE__, (mm), (struct exp_vma[]){ __VA_ARGS__ }, \
		      sizeof((struct exp_vma[]){ __VA_ARGS__ }) / sizeof(struct exp_vma))
void t_assert_vmas(const char *file, int line, struct mm_struct *mm,
		   const struct exp_vma *exp, int n);
#define ASSERT_NO_VMAS(mm) \
	t_assert_vmas(__FILE__, __LINE__, (mm), NULL, 0)

/* The anon_vma counters of §5.1: degree and refcount. */
#define ASSERT_AV(av, deg, ref) do { \
	ck_assert_ptr_nonnull(av); \
	ck_assert_uint_eq((av)->degree, (deg)); \
	ck_assert_int_eq((av)->refcount, (ref)); \
} while (0)

/* Counters of §3.1.2, in pages. */
#define ASSERT_VM_STAT(mm, total, data, exec, stack) do { \
	ck_assert_uint_eq((mm)->total_vm, (total)); \
	ck_assert_uint_eq((mm)->data_vm, (data)); \
	ck_assert_uint_eq((mm)->exec_vm, (exec)); \
	ck_assert_uint_eq((mm)->stack_vm, (stack)); \
} while (0)

/* Everything an operation could change in one mm, for before/after. */
#define T_SNAP_MAX	64
#define T_SNAP_AVCS	8
struct t_vma_snap {
	const struct vm_area_struct *vma;
	unsigned long start, end, pgoff, flags;
	const struct file *file;
	const struct anon_vma *anon_vma;
	unsigned long av_degree;
	long av_refcount;
	unsigned long nr_avcs;
	const struct anon_vma *chain[T_SNAP_AVCS];
};
struct t_mm_snap {
	int n, map_count;
	unsigned long total_vm, data_vm, exec_vm, stack_vm, hiwater_vm,
		      locked_vm, highest_vm_end;
	unsigned long nr_vmas, nr_avcs, nr_anon_vmas;	/* machine-wide */
	struct t_vma_snap v[T_SNAP_MAX];
};
void t_snap(struct t_mm_snap *s, struct mm_struct *mm);
#define ASSERT_SNAP_EQ(a, b) t_assert_snap_eq(__FILE__, __LINE__, (a), (b))
void t_assert_snap_eq(const char *file, int line, const struct t_mm_snap *a,
		      const struct t_mm_snap *b);
/* Take a snapshot of @mm and compare it with @before. */
#define ASSERT_UNCHANGED(mm, before) do { \
	struct t_mm_snap after_; \
	t_snap(&after_, (mm)); \
	ASSERT_SNAP_EQ((before), &after_); \
} while (0)

/*
 * t_render - vfs_render each of the NULL-terminated @paths into @out,
 * each preceded by a "==> path" line; a render error fails the test.
 * Allocation failures are not injected while it runs.
 */
void t_render(struct sim *sim, const char *const *paths, struct strbuf *out);
#define ASSERT_STRBUF_EQ(a, b) do { \
	ck_assert_uint_eq((a)->len, (b)->len); \
	ck_assert_msg((a)->len == 0 || memcmp((a)->buf, (b)->buf, (a)->len) == 0, \
		      "rendered files differ:\n--- before\n%s\n--- after\n%s", \
		      (a)->buf, (b)->buf); \
} while (0)

#endif
