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

/* ---- pages, PTEs and the rmap walk (test_fault, test_rmap, test_pgtable,
 * test_oom_pages). Values are the v5.15 x86-64 bits of kernel-spec §4.3.4,
 * §6.1 and §7. ---- */
#include "memory.h"
#include "page.h"
#include "pgtable.h"

/*
 * t_pages_dump - the state below the rendered files, as text, for
 * "nothing changed" comparisons: each process (pid order) with its name,
 * counters, break and page tables, every frame in use, the free and table
 * counts, the vmstat counters and every anon_vma.
 */
void t_pages_dump(struct sim *sim, struct strbuf *out);

/* A PTE made from a user vm_page_prot: present, user, young (every x86
 * user protection carries the Accessed bit), NX without VM_EXEC. This is
 * PAGE_COPY/PAGE_READONLY: what a private mapping's PTE starts from. */
#define PTE_RO		(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
/* PAGE_SHARED: shared writable without write-notify (shmem, VM_SOFTDIRTY). */
#define PTE_SHARED	(PTE_RO | _PAGE_RW)
/* pte_mkdirty on x86 sets the soft-dirty bit with the dirty bit. */
#define PTE_MKDIRTY	(_PAGE_DIRTY | _PAGE_SOFT_DIRTY)
/* do_anonymous_page / wp_page_copy / do_cow_fault in a writable VMA. */
#define PTE_ANON_RW	(PTE_RO | _PAGE_RW | PTE_MKDIRTY)
/* The zero page, read-faulted (special: vm_normal_page gives none). */
#define PTE_ZERO	(PTE_RO | _PAGE_SPECIAL)
/* PAGE_NONE: the PROTNONE (global) bit and Accessed; not present to the
 * CPU, still pte_present(). */
#define PTE_NONE_PROT	(_PAGE_PROTNONE | _PAGE_ACCESSED)

#define PGF(bit)	(1U << (bit))
/* A new anonymous page: alloc (uptodate), page_add_new_anon_rmap
 * (swapbacked), lru_cache_add (lru). */
#define ANON_PAGE_FLAGS	(PGF(PG_uptodate) | PGF(PG_swapbacked) | PGF(PG_lru))
/* A new shmem/tmpfs cache page: the same three bits. */
#define SHMEM_PAGE_FLAGS ANON_PAGE_FLAGS
#define ANON_MAPPING(av) ((uintptr_t)(av) | PAGE_MAPPING_ANON)

/* The PTE of @addr in @mm, or 0 when no table covers it. */
pte_t t_pte(struct mm_struct *mm, unsigned long addr);

/* The PTE is exactly (@pfn << 12) | @bits. */
#define ASSERT_PTE(mm, addr, pfn, bits) \
	t_assert_pte(__FILE__, __LINE__, (mm), (addr), (pfn), (bits))
void t_assert_pte(const char *file, int line, struct mm_struct *mm,
		  unsigned long addr, unsigned long pfn, pte_t bits);
#define ASSERT_PTE_NONE(mm, addr) \
	t_assert_pte(__FILE__, __LINE__, (mm), (addr), 0, 0)

/*
 * ASSERT_PAGE(sim, pfn, mapping, index, mapcount, refcount, flags): every
 * struct page field a fault can set; @mapcount is page_mapcount() (the
 * stored _mapcount plus one).
 */
#define ASSERT_PAGE(sim, pfn, mapping, index, mapcount, refcount, flags) \
	t_assert_page(__FILE__, __LINE__, (sim), (pfn), (uintptr_t)(mapping), \
		      (index), (mapcount), (refcount), (flags))
void t_assert_page(const char *file, int line, struct sim *sim,
		   unsigned long pfn, uintptr_t mapping, unsigned long index,
		   int mapcount, int refcount, uint32_t flags);
/* The frame is free: refcount 0, unmapped, no mapping, no flags. */
#define ASSERT_PAGE_FREE(sim, pfn) \
	ASSERT_PAGE((sim), (pfn), 0, 0, 0, 0, 0)

/* The rss counters of §3.1.2, in pages (swap entries must be 0). */
#define ASSERT_RSS(mm, anon, file, shmem) do { \
	ck_assert_int_eq((mm)->rss_stat[MM_ANONPAGES], (anon)); \
	ck_assert_int_eq((mm)->rss_stat[MM_FILEPAGES], (file)); \
	ck_assert_int_eq((mm)->rss_stat[MM_SHMEMPAGES], (shmem)); \
	ck_assert_int_eq((mm)->rss_stat[MM_SWAPENTS], 0); \
} while (0)

/* What rmap_walk visited, in order (at most T_RMAP_MAX). */
#define T_RMAP_MAX	16
struct t_rmap_hit {
	struct vm_area_struct *vma;
	unsigned long addr;
};
int t_rmap_walk(struct sim *sim, struct page *page, struct t_rmap_hit *hits);

/* The machine's vmstat counters, for before/after. */
struct t_vmstat {
	unsigned long v[NR_VMSTAT_ITEMS];
};
void t_vmstat_snap(struct t_vmstat *s, struct sim *sim);
struct t_vmdelta {
	int item;		/* enum vmstat_item */
	long delta;
};
/*
 * ASSERT_VMSTAT(sim, before, {PGFAULT, 1}, {NR_ANON_MAPPED, 1}): the listed
 * counters moved by exactly these amounts since @before, and every other
 * counter (nr_free_pages included) did not move. ASSERT_VMSTAT_SAME: none
 * moved.
 */
#define ASSERT_VMSTAT(sim, before, ...) \
	t_assert_vmstat(__FILE__, __LINE__, (sim), (before), \
			(struct t_vmdelta[]){ __VA_ARGS__ }, \
			sizeof((struct t_vmdelta[]){ __VA_ARGS__ }) / sizeof(struct t_vmdelta))
#define ASSERT_VMSTAT_SAME(sim, before) \
	t_assert_vmstat(__FILE__, __LINE__, (sim), (before), NULL, 0)
void t_assert_vmstat(const char *file, int line, struct sim *sim,
		     const struct t_vmstat *before, const struct t_vmdelta *d,
		     int n);

#endif
