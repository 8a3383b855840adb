/* include/proc.h - renderers of the page-level virtual files: smaps,
 * pagemap, the page tables, the physical frames, the anon_vma objects and
 * the machine-wide counters. Each file kind has exactly one renderer,
 * called by the mount and by rmapsim alike (docs/files.md has the formats).
 *
 * Binary files (/PID/pagemap, /kpagecount, /kpageflags) are not rendered
 * whole: their readers produce any 8-byte-aligned range on demand, as the
 * kernel's read handlers do, so a 256 GiB pagemap costs nothing to open.
 */
#ifndef RMAPFS_PROC_H
#define RMAPFS_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "mm_types.h"
#include "pgtable.h"
#include "strbuf.h"

struct page;

/* ---- per process (core/task_mmu.c, after fs/proc/task_mmu.c) ---- */

/* /PID/smaps: every VMA's maps line and statistics, then [vsyscall]. */
void show_smaps(struct strbuf *m, struct task_struct *task);
/* /PID/smaps_rollup: the statistics of all VMAs summed before rounding. */
void show_smaps_rollup(struct strbuf *m, struct task_struct *task);
/* /PID/pagetable: one line per non-empty entry of every level. */
void show_pagetable(struct strbuf *m, struct task_struct *task);
/* The names of the set bits of a PTE, lowest bit first, each preceded by
 * a blank ("present user accessed nx"); /pages/PFN uses them too. */
void pte_flag_names(struct strbuf *m, pte_t pte);

/* Bytes per entry of pagemap, kpagecount and kpageflags. */
#define PM_ENTRY_BYTES	8

/* pagemap bits (fs/proc/task_mmu.c of v5.15). */
#define PM_PFRAME_BITS		55
#define PM_PFRAME_MASK		((1ULL << PM_PFRAME_BITS) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_UFFD_WP		(1ULL << 57)
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)

/* The pagemap entry of one virtual address of @mm. */
uint64_t pagemap_entry(struct mm_struct *mm, unsigned long addr);
/* pagemap_size - bytes in /PID/pagemap: one entry per page below
 * task_size; reads at or past it give end of file. */
uint64_t pagemap_size(struct mm_struct *mm);
/*
 * pagemap_read - append the entries of [@off, @off + @len) of @mm's
 * pagemap to @out (short at end of file).
 * Return: 0, or -EINVAL when @off or @len is not a multiple of 8 (as
 * pagemap_read in the kernel); -ENOMEM if @out could not grow.
 */
int pagemap_read(struct mm_struct *mm, uint64_t off, size_t len,
		 struct strbuf *out);

/* ---- physical frames (core/proc_page.c, after fs/proc/page.c) ---- */

/* kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_LOCKED		0
#define KPF_ERROR		1
#define KPF_REFERENCED		2
#define KPF_UPTODATE		3
#define KPF_DIRTY		4
#define KPF_LRU			5
#define KPF_ACTIVE		6
#define KPF_SLAB		7
#define KPF_WRITEBACK		8
#define KPF_RECLAIM		9
#define KPF_BUDDY		10
#define KPF_MMAP		11
#define KPF_ANON		12
#define KPF_SWAPCACHE		13
#define KPF_SWAPBACKED		14
#define KPF_UNEVICTABLE		18
#define KPF_KSM			21
#define KPF_OFFLINE		23	/* PageOffline (v5.0: was KPF_BALLOON) */
#define KPF_ZERO_PAGE		24
#define KPF_IDLE		25
#define KPF_PGTABLE		26
#define KPF_RESERVED		32
#define KPF_MLOCKED		33
#define KPF_PRIVATE		35
#define KPF_OWNER_PRIVATE	37

/* A frame is in use (listed under /pages) when it has a reference. */
bool page_in_use(const struct page *page);
/* kpagecount / kpageflags values of one frame. */
uint64_t kpagecount_value(struct sim *sim, unsigned long pfn);
uint64_t stable_page_flags(struct sim *sim, unsigned long pfn);
/* Bytes in /kpagecount and /kpageflags: one entry per frame. */
uint64_t kpage_size(struct sim *sim);
/* Ranges of /kpagecount and /kpageflags; errors as pagemap_read. */
int kpagecount_read(struct sim *sim, uint64_t off, size_t len,
		    struct strbuf *out);
int kpageflags_read(struct sim *sim, uint64_t off, size_t len,
		    struct strbuf *out);
/* /pages/PFN: the frame, its owner, and an rmap walk. */
void show_page(struct strbuf *m, struct sim *sim, unsigned long pfn);

/* ---- reverse-map objects (core/proc_rmap.c) ---- */

/* /anon_vma/ID: counters, AVCs in interval-tree order, pages filed here. */
void show_anon_vma(struct strbuf *m, struct sim *sim, struct anon_vma *av);
/* /graph.dot (@task NULL: every process) and /PID/anon_vma.dot. */
void show_rmap_graph(struct strbuf *m, struct sim *sim,
		     struct task_struct *task);

/* ---- machine-wide counters (core/proc_stat.c) ---- */

void show_slabinfo(struct strbuf *m, struct sim *sim);
void show_vmstat(struct strbuf *m, struct sim *sim);
void show_meminfo(struct strbuf *m, struct sim *sim);

/* ---- the tree (core/vfs.c) ---- */

/*
 * vfs_read_range - the bytes [@off, @off + @len) of readable file @path,
 * appended to @out (fewer at end of file): what read(2) at that offset
 * returns through the mount. rmapsim's `dump PATH OFFSET LEN` uses it.
 * Return: 0, or -ENOENT, -EISDIR, -EINVAL (binary file, offset or length
 * not a multiple of 8), -ENOMEM.
 */
int vfs_read_range(struct sim *sim, const char *path, off_t off, size_t len,
		   struct strbuf *out);

#endif
