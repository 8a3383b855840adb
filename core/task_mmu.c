/* core/task_mmu.c - the per-process files of fs/proc/task_mmu.c and
 * fs/proc/array.c in v5.15, byte for byte: /PID/maps, /PID/status,
 * /PID/smaps and /PID/smaps_rollup (kernel-spec §1, §2, §3.1), the
 * binary /PID/pagemap (§3.3); then two views of our own: /PID/pagetable
 * and the /files/PATH summary.
 *
 * Left out: hugetlb and THP entries (THP is off: THPeligible is always 0),
 * the ProtectionKey line (pkeys are not enabled on the simulated CPU),
 * userfaultfd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "proc.h"
#include "render.h"
#include "task.h"
#include "swap.h"

/* The gate VMA: not in the mm, never counted, printed last (xonly). */
#define VSYSCALL_START	0xffffffffff600000UL
#define VSYSCALL_END	0xffffffffff601000UL

/* seq_setwidth(m, 25 + sizeof(void *) * 6 - 1): the name column. */
#define MAPS_NAME_COLUMN 72

/* show_vma_header_prefix - everything up to and including the space
 * after the inode; returns where the line started (for seq_pad). */
static size_t show_vma_header_prefix(struct strbuf *m, unsigned long start,
				     unsigned long end, unsigned long flags,
				     unsigned long long pgoff,
				     unsigned int major, unsigned int minor,
				     unsigned long ino)
{
	size_t line = m->len;
	char perms[6] = {
		' ',
		flags & VM_READ ? 'r' : '-',
		flags & VM_WRITE ? 'w' : '-',
		flags & VM_EXEC ? 'x' : '-',
		flags & VM_MAYSHARE ? 's' : 'p',
	};

	/* "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", put piece by piece
	 * as v5.15's show_vma_header_prefix does (seq_put_hex_ll) */
	strbuf_put_hex(m, NULL, start, 8);
	strbuf_put_hex(m, "-", end, 8);
	strbuf_add(m, perms, 5);
	strbuf_put_hex(m, " ", pgoff, 8);
	strbuf_put_hex(m, " ", major, 2);
	strbuf_put_hex(m, ":", minor, 2);
	strbuf_put_decimal(m, " ", ino);
	strbuf_putc(m, ' ');
	return line;
}

static void show_name(struct strbuf *m, size_t line, const char *name,
		      bool deleted)
{
	const char *c;

	strbuf_pad_to(m, line, MAPS_NAME_COLUMN);	/* seq_pad(m, ' ') */
	strbuf_putc(m, ' ');
	for (c = name; *c; c++) {
		if (*c == '\n')
			strbuf_puts(m, "\\012");	/* mangle_path */
		else
			strbuf_putc(m, *c);
	}
	if (deleted)
		strbuf_puts(m, " (deleted)");
}

/* show_map_vma - one maps line; the name decision of kernel-spec §1.3. */
static void show_map_vma(struct strbuf *m, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	unsigned long long pgoff = 0;
	size_t line;

	if (inode)
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
	line = show_vma_header_prefix(m, vma->vm_start, vma->vm_end,
				      vma->vm_flags, pgoff,
				      inode ? inode->dev_major : 0,
				      inode ? inode->dev_minor : 0,
				      inode ? inode->i_ino : 0);
	if (inode)
		show_name(m, line, inode->path, inode->unlinked);
	else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk &&
		 mm->start_brk)
		show_name(m, line, "[heap]", false);
	else if (vma->vm_start <= mm->start_stack &&
		 vma->vm_end >= mm->start_stack && mm->start_stack)
		show_name(m, line, "[stack]", false);
	strbuf_putc(m, '\n');
}

static void show_gate_vma(struct strbuf *m)
{
	size_t line = show_vma_header_prefix(m, VSYSCALL_START, VSYSCALL_END,
					     VM_EXEC, 0, 0, 0, 0);

	show_name(m, line, "[vsyscall]", false);
	strbuf_putc(m, '\n');
}

void show_maps(struct strbuf *m, struct task_struct *task)
{
	struct vm_area_struct *vma;

	for (vma = task->mm->mmap; vma; vma = vma->vm_next)
		show_map_vma(m, vma);
	show_gate_vma(m);
}

/* SEQ_PUT_DEC: pages shown in kB, right-aligned in 8 columns. */
static void put_kb(struct strbuf *m, const char *label, unsigned long kb)
{
	strbuf_printf(m, "%s:\t%8lu kB\n", label, kb);
}

/* task_mem - the memory lines of /proc/PID/status (kernel-spec §3.1). */
static void task_mem(struct strbuf *m, struct mm_struct *mm)
{
	unsigned long anon = (unsigned long)mm->rss_stat[MM_ANONPAGES];
	unsigned long file = (unsigned long)mm->rss_stat[MM_FILEPAGES];
	unsigned long shmem = (unsigned long)mm->rss_stat[MM_SHMEMPAGES];
	unsigned long rss = anon + file + shmem, hiwater_vm, hiwater_rss;
	unsigned long text, lib;

	hiwater_vm = mm->hiwater_vm > mm->total_vm ? mm->hiwater_vm : mm->total_vm;
	hiwater_rss = mm->hiwater_rss > rss ? mm->hiwater_rss : rss;
	text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	if (text > mm->exec_vm << PAGE_SHIFT)
		text = mm->exec_vm << PAGE_SHIFT;
	lib = (mm->exec_vm << PAGE_SHIFT) - text;

	put_kb(m, "VmPeak", hiwater_vm << 2);
	put_kb(m, "VmSize", mm->total_vm << 2);
	put_kb(m, "VmLck", mm->locked_vm << 2);
	put_kb(m, "VmPin", mm->pinned_vm << 2);
	put_kb(m, "VmHWM", hiwater_rss << 2);
	put_kb(m, "VmRSS", rss << 2);
	put_kb(m, "RssAnon", anon << 2);
	put_kb(m, "RssFile", file << 2);
	put_kb(m, "RssShmem", shmem << 2);
	put_kb(m, "VmData", mm->data_vm << 2);
	put_kb(m, "VmStk", mm->stack_vm << 2);
	put_kb(m, "VmExe", text >> 10);
	put_kb(m, "VmLib", lib >> 10);
	put_kb(m, "VmPTE", mm->pgtables_bytes >> 10);
	put_kb(m, "VmSwap", (unsigned long)mm->rss_stat[MM_SWAPENTS] << 2);
	put_kb(m, "HugetlbPages", 0);	/* hugetlb_report_usage */
}

/*
 * proc_pid_status - task_name, task_state, task_mem, then the core-dump,
 * THP and thread lines. Signal, capability, seccomp and cpu lines are not
 * simulated and not printed.
 */
void proc_pid_status(struct strbuf *m, struct task_struct *task)
{
	int pid = task->pid;

	strbuf_printf(m, "Name:\t%s\n", task->comm);
	strbuf_puts(m, "Umask:\t0022\n");
	strbuf_puts(m, "State:\tS (sleeping)\n");
	strbuf_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		      "TracerPid:\t0\n", pid, pid, task->ppid);
	strbuf_puts(m, "Uid:\t1000\t1000\t1000\t1000\n"
		    "Gid:\t1000\t1000\t1000\t1000\n"
		    "FDSize:\t64\n"
		    "Groups:\t \n");	/* the kernel's trailing space */
	strbuf_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		      pid, pid, pid, pid);
	task_mem(m, task->mm);
	strbuf_puts(m, "CoreDumping:\t0\n");
	strbuf_puts(m, "THP_enabled:\t1\n");
	strbuf_puts(m, "Threads:\t1\n");
}

struct show_file_ctx {
	struct strbuf *m;
	struct sim *sim;
};

static int show_file_vma(struct vm_area_struct *vma, void *arg)
{
	struct show_file_ctx *ctx = arg;

	strbuf_printf(ctx->m, "%d %lx-%lx %c%c%c%c %lu\n",
		      vma->vm_mm->owner_pid, vma->vm_start,
		      vma->vm_end, vma->vm_flags & VM_READ ? 'r' : '-',
		      vma->vm_flags & VM_WRITE ? 'w' : '-',
		      vma->vm_flags & VM_EXEC ? 'x' : '-',
		      vma->vm_flags & VM_MAYSHARE ? 's' : 'p', vma->vm_pgoff);
	return 0;
}

static void show_file_page(struct page *page, void *arg)
{
	struct show_file_ctx *ctx = arg;

	strbuf_printf(ctx->m, "page %lu pfn %lu %s mapcount %d\n", page->index,
		      page_to_pfn(ctx->sim, page),
		      PageTest(page, PG_dirty) ? "dirty" : "clean",
		      page_mapcount(page));
}

/* show_file - /files/PATH: the inode, the VMAs of i_mmap in tree order,
 * then each cached page in index order. */
void show_file(struct strbuf *m, struct sim *sim, struct inode *inode)
{
	struct show_file_ctx ctx = { m, sim };

	strbuf_printf(m, "path:\t%s\nsize:\t%lu\ndev:\t%02x:%02x\ninode:\t%lu\n"
		      "mapped:\t%lu\ncached:\t%lu\n", inode->path, inode->i_size,
		      inode->dev_major, inode->dev_minor, inode->i_ino,
		      inode->i_mmap_count, inode->nrpages);
	vma_interval_tree_foreach(&inode->i_mmap, 0, ~0UL, show_file_vma, &ctx);
	filemap_for_each(sim, inode, show_file_page, &ctx);
}

/* ---- smaps and smaps_rollup (kernel-spec §2) ---- */

/* PSS is kept in fixed point: bytes << PSS_SHIFT, so a page shared by
 * three adds (4096 << 12) / 3 and the remainder is lost (§2.3). */
#define PSS_SHIFT	12

/* struct mem_size_stats - bytes, except the pss fields (fixed point). */
struct mem_size_stats {
	unsigned long resident;
	unsigned long shared_clean, shared_dirty;
	unsigned long private_clean, private_dirty;
	unsigned long referenced, anonymous, lazyfree;
	unsigned long anonymous_thp, shmem_thp, file_thp;	/* THP off: 0 */
	unsigned long swap;
	unsigned long shared_hugetlb, private_hugetlb;		/* no hugetlb */
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_locked, swap_pss;
};

/*
 * proc_normal_page - vm_normal_page as the proc walkers need it: the
 * struct page behind a present PTE, or NULL for the shared zero page
 * (mapped through a special PTE) and anything that is not a frame of the
 * machine. Easily overlooked: the zero page then counts nowhere, not even
 * in Rss.
 */
static struct page *proc_normal_page(struct mm_struct *mm, pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	if (pte_special(pte) || is_zero_pfn(pfn) || pfn >= mm->sim->opt.frames)
		return NULL;
	return pfn_to_page(mm->sim, pfn);
}

/* smaps_page_accumulate - the sharing-dependent part of one page. */
static void smaps_page_accumulate(struct mem_size_stats *mss,
				  struct page *page, unsigned long size,
				  uint64_t pss, bool dirty, bool locked,
				  bool private)
{
	mss->pss += pss;
	if (PageAnon(page))
		mss->pss_anon += pss;
	else if (PageTest(page, PG_swapbacked))
		mss->pss_shmem += pss;
	else
		mss->pss_file += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty || PageTest(page, PG_dirty)) {
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

/*
 * smaps_account - one 4 KiB page found through a PTE (§2.3 account()).
 * refcount 1 proves a single mapping, so the page is private without
 * looking at mapcount; otherwise mapcount decides both the PSS share and
 * private versus shared (two PTEs of one process make it shared).
 */
static void smaps_account(struct mem_size_stats *mss, struct page *page,
			  bool young, bool dirty, bool locked)
{
	unsigned long size = PAGE_SIZE;
	uint64_t pss = (uint64_t)PAGE_SIZE << PSS_SHIFT;
	int mapcount;

	if (PageAnon(page)) {
		mss->anonymous += size;
		if (!PageTest(page, PG_swapbacked) && !dirty &&
		    !PageTest(page, PG_dirty))
			mss->lazyfree += size;	/* MADV_FREE'd and clean */
	}
	mss->resident += size;
	if (young || PageTest(page, PG_young) || PageTest(page, PG_referenced))
		mss->referenced += size;
	if (page->_refcount == 1) {
		smaps_page_accumulate(mss, page, size, pss, dirty, locked,
				      /* private = */ true);
		return;
	}
	mapcount = page_mapcount(page);
	if (mapcount >= 2)
		pss /= (uint64_t)mapcount;
	smaps_page_accumulate(mss, page, size, pss, dirty, locked,
			      /* private = */ mapcount < 2);
}

struct smaps_walk {
	struct mem_size_stats *mss;
	struct vm_area_struct *vma;
};

/* smaps_pte_entry - one non-none PTE of the VMA. */
static int smaps_pte_entry(struct mm_struct *mm, unsigned long addr,
			   pte_t *ptep, void *arg)
{
	struct smaps_walk *w = arg;
	pte_t pte = *ptep;
	struct page *page = NULL;

	(void)addr;
	if (pte_present(pte)) {
		page = proc_normal_page(mm, pte);
	} else if (is_swap_entry_pte(pte)) {
		/* a real swap entry: 4 kB of Swap, and its share of SwapPss
		 * by the slot's swap count (§2.3 step 2) */
		unsigned long n = swap_count(mm->sim, pte_swp_offset(pte));

		w->mss->swap += PAGE_SIZE;
		w->mss->swap_pss += n >= 2 ? ((uint64_t)PAGE_SIZE << PSS_SHIFT) / n :
					     (uint64_t)PAGE_SIZE << PSS_SHIFT;
		return 0;
	} else if (is_migration_pte(pte)) {
		/* accounted through the page it names (5.15.0 reads its
		 * mapcount even here); the entry has no young/dirty bits */
		page = pfn_to_page(mm->sim, pte_swp_offset(pte));
		smaps_account(w->mss, page, false, false,
			      w->vma->vm_flags & VM_LOCKED);
		return 0;
	}
	if (!page)
		return 0;
	smaps_account(w->mss, page, pte_young(pte), pte_dirty(pte),
		      w->vma->vm_flags & VM_LOCKED);
	return 0;
}

struct shmem_swap_arg {
	struct vm_area_struct *vma;
	struct mem_size_stats *mss;
	bool check_pte;
};

static void shmem_swap_slot(unsigned long index, uint32_t *slot, void *arg)
{
	struct shmem_swap_arg *a = arg;
	struct vm_area_struct *vma = a->vma;
	pte_t *pte;

	if (!(*slot & 0x80000000U) || index < vma->vm_pgoff ||
	    index >= vma->vm_pgoff + vma_pages(vma))
		return;		/* not a swap entry (SLOT_SWAP), or outside */
	if (a->check_pte) {
		pte = pte_offset(vma->vm_mm, vma->vm_start +
				 ((index - vma->vm_pgoff) << PAGE_SHIFT));
		if (pte && !pte_none(*pte))
			return;
	}
	a->mss->swap += PAGE_SIZE;
}

/* smap_gather_stats - add one VMA's pages to @mss. */
static void smap_gather_stats(struct vm_area_struct *vma,
			      struct mem_size_stats *mss)
{
	struct smaps_walk w = { mss, vma };
	struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;

	/* shmem_swap_usage: the object's swapped slots inside the VMA; in a
	 * private writable mapping only those with no PTE count
	 * (check_shmem_swap: the others may have been COWed). Walks the
	 * populated chunks only, so a huge sparse object costs nothing. */
	if (inode && inode->swapped) {
		struct shmem_swap_arg a = {
			vma, mss,
			!(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE),
		};

		page_cache_for_each_slot(inode, shmem_swap_slot, &a);
	}
	walk_pte_range(vma->vm_mm, vma->vm_start, vma->vm_end,
		       smaps_pte_entry, &w);
}

/* SEQ_PUT_DEC: a 16-character label, bytes shown in kB right-aligned in
 * 8 columns. */
static void seq_put_kb_width(struct strbuf *m, const char *label,
			     uint64_t bytes, int width)
{
	/* "%s%*llu kB\n" by hand: smaps prints 20 of these per VMA, and
	 * printf made a 65,530-VMA smaps twice as slow as the kernel's. */
	char line[64], num[24];
	size_t len = strlen(label), n = 0;
	uint64_t kb = bytes >> 10;

	if (len > sizeof(line) - sizeof(num) - 8) {
		strbuf_printf(m, "%s%*llu kB\n", label, width,
			      (unsigned long long)kb);
		return;
	}
	do {
		num[sizeof(num) - 1 - n++] = (char)('0' + kb % 10);
		kb /= 10;
	} while (kb);
	memcpy(line, label, len);
	for (; (int)n < width; width--)
		line[len++] = ' ';
	memcpy(line + len, num + sizeof(num) - n, n);
	len += n;
	memcpy(line + len, " kB\n", 4);
	strbuf_add(m, line, len + 4);
}

static void seq_put_kb(struct strbuf *m, const char *label, uint64_t bytes)
{
	seq_put_kb_width(m, label, bytes, 8);
}

/* __show_smap - the kB lines shared by smaps and smaps_rollup (§2.1 rows
 * 4-20; the rollup adds Pss_Anon/File/Shmem after Pss). */
static void __show_smap(struct strbuf *m, const struct mem_size_stats *mss,
			bool rollup_mode)
{
	seq_put_kb(m, "Rss:            ", mss->resident);
	seq_put_kb(m, "Pss:            ", mss->pss >> PSS_SHIFT);
	if (rollup_mode) {
		seq_put_kb(m, "Pss_Anon:       ", mss->pss_anon >> PSS_SHIFT);
		seq_put_kb(m, "Pss_File:       ", mss->pss_file >> PSS_SHIFT);
		seq_put_kb(m, "Pss_Shmem:      ", mss->pss_shmem >> PSS_SHIFT);
	}
	seq_put_kb(m, "Shared_Clean:   ", mss->shared_clean);
	seq_put_kb(m, "Shared_Dirty:   ", mss->shared_dirty);
	seq_put_kb(m, "Private_Clean:  ", mss->private_clean);
	seq_put_kb(m, "Private_Dirty:  ", mss->private_dirty);
	seq_put_kb(m, "Referenced:     ", mss->referenced);
	seq_put_kb(m, "Anonymous:      ", mss->anonymous);
	seq_put_kb(m, "LazyFree:       ", mss->lazyfree);
	seq_put_kb(m, "AnonHugePages:  ", mss->anonymous_thp);
	seq_put_kb(m, "ShmemPmdMapped: ", mss->shmem_thp);
	seq_put_kb(m, "FilePmdMapped:  ", mss->file_thp);
	seq_put_kb(m, "Shared_Hugetlb: ", mss->shared_hugetlb);
	/* Easily overlooked: one character more of label, one less of
	 * number, so the line is as wide as the others. */
	seq_put_kb_width(m, "Private_Hugetlb: ", mss->private_hugetlb, 7);
	seq_put_kb(m, "Swap:           ", mss->swap);
	seq_put_kb(m, "SwapPss:        ", mss->swap_pss >> PSS_SHIFT);
	seq_put_kb(m, "Locked:         ", mss->pss_locked >> PSS_SHIFT);
}

/* VmFlags mnemonics by bit (§2.5). A set bit without a name prints "??"
 * (bit 11, and VM_LOCKONFAULT, whose "lf" came in v6.2); the pkey bits
 * 32-35 print nothing (they go to ProtectionKey). */
static const char *const vm_flag_mnemonic[64] = {
	[0] = "rd", [1] = "wr", [2] = "ex", [3] = "sh",
	[4] = "mr", [5] = "mw", [6] = "me", [7] = "ms",
	[8] = "gd", [9] = "um", [10] = "pf", [12] = "uw",
	[13] = "lo", [14] = "io", [15] = "sr", [16] = "rr",
	[17] = "dc", [18] = "de", [20] = "ac", [21] = "nr",
	[22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf",
	[26] = "dd", [27] = "sd", [28] = "mm", [29] = "hg",
	[30] = "nh", [31] = "mg",
	[32] = "", [33] = "", [34] = "", [35] = "",
	[37] = "ui",
};

static void show_smap_vma_flags(struct strbuf *m, unsigned long flags)
{
	int i;

	strbuf_puts(m, "VmFlags: ");
	for (i = 0; i < 64; i++) {
		const char *mn = vm_flag_mnemonic[i] ? vm_flag_mnemonic[i] : "??";

		if (!mn[0] || !(flags & (1UL << i)))
			continue;
		strbuf_puts(m, mn);
		strbuf_putc(m, ' ');	/* after every name, the last too */
	}
	strbuf_putc(m, '\n');
}

/* show_smap - one record: the maps line, Size, the page sizes, the
 * statistics, THPeligible (0: THP is off), VmFlags. */
static void show_smap_record(struct strbuf *m, unsigned long start,
			     unsigned long end, unsigned long flags,
			     const struct mem_size_stats *mss)
{
	seq_put_kb(m, "Size:           ", end - start);
	seq_put_kb(m, "KernelPageSize: ", PAGE_SIZE);
	seq_put_kb(m, "MMUPageSize:    ", PAGE_SIZE);
	__show_smap(m, mss, false);
	strbuf_puts(m, "THPeligible:    0\n");
	show_smap_vma_flags(m, flags);
}

void show_smaps(struct strbuf *m, struct task_struct *task)
{
	struct mem_size_stats mss;
	struct vm_area_struct *vma;

	for (vma = task->mm->mmap; vma; vma = vma->vm_next) {
		memset(&mss, 0, sizeof(mss));
		smap_gather_stats(vma, &mss);
		show_map_vma(m, vma);
		show_smap_record(m, vma->vm_start, vma->vm_end, vma->vm_flags,
				 &mss);
	}
	/* The gate VMA has no mm, so walk_page_vma refuses it: all zero. */
	memset(&mss, 0, sizeof(mss));
	show_gate_vma(m);
	show_smap_record(m, VSYSCALL_START, VSYSCALL_END, VM_EXEC, &mss);
}

/*
 * show_smaps_rollup - every VMA's stats summed in fixed point before the
 * one final shift, under a header spanning the first VMA's start to the
 * last VMA's end. An mm without VMAs gets 0-0, as the stable fix of the
 * v5.15.0 NULL dereference there does.
 */
void show_smaps_rollup(struct strbuf *m, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct mem_size_stats mss;
	struct vm_area_struct *vma;
	unsigned long last_vma_end = 0;
	size_t line;

	memset(&mss, 0, sizeof(mss));
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		smap_gather_stats(vma, &mss);
		last_vma_end = vma->vm_end;
	}
	line = show_vma_header_prefix(m, mm->mmap ? mm->mmap->vm_start : 0,
				      last_vma_end, 0, 0, 0, 0, 0);
	show_name(m, line, "[rollup]", false);
	strbuf_putc(m, '\n');
	__show_smap(m, &mss, true);
}

/* ---- pagemap (kernel-spec §3.3) ---- */

/*
 * The type and offset of a swap-type PTE, in pgtable.h's layout (bits
 * 2..6 and 12..57). Only the proc views decode it here; the swap code
 * owns the encoding.
 */
static uint64_t pte_swp_type_of(pte_t pte)
{
	return (pte >> 2) & 0x1f;
}

static uint64_t pte_swp_offset_of(pte_t pte)
{
	return (pte >> 12) & ((1ULL << 46) - 1);
}

/*
 * pte_to_pagemap_entry - rmapfs shows PFNs as the kernel shows them to a
 * reader with CAP_SYS_ADMIN; an unprivileged reader of a real kernel gets
 * 0 in bits 0-54.
 */
static uint64_t pte_to_pagemap_entry(struct mm_struct *mm,
				     struct vm_area_struct *vma, pte_t pte)
{
	uint64_t frame = 0, flags = 0;
	struct page *page = NULL;

	if (pte_present(pte)) {
		frame = pte_pfn(pte);
		flags |= PM_PRESENT;
		page = proc_normal_page(mm, pte);
		if (pte_soft_dirty(pte))
			flags |= PM_SOFT_DIRTY;
		if (pte & _PAGE_UFFD_WP)
			flags |= PM_UFFD_WP;
	} else if (pte_swp(pte)) {
		/*
		 * Swap entry (pgtable.h layout): the frame field holds the
		 * type in bits 0-4 and the offset above them. A migration
		 * entry also names its page, for bits 56 and 61; that comes
		 * with migration itself.
		 */
		frame = pte_swp_type_of(pte) | (pte_swp_offset_of(pte) << 5);
		flags |= PM_SWAP;
		if (is_migration_pte(pte))	/* is_pfn_swap_entry */
			page = pfn_to_page(mm->sim, pte_swp_offset(pte));
		if (pte_soft_dirty(pte))
			flags |= PM_SOFT_DIRTY;
		if (pte & _PAGE_UFFD_WP)
			flags |= PM_UFFD_WP;
	}
	if (page && !PageAnon(page))
		flags |= PM_FILE;
	if (page && page_mapcount(page) == 1)
		flags |= PM_MMAP_EXCLUSIVE;
	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PM_SOFT_DIRTY;
	return (frame & PM_PFRAME_MASK) | flags;
}

uint64_t pagemap_entry(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	pte_t *ptep;

	if (!vma || addr < vma->vm_start)
		return 0;	/* pagemap_pte_hole outside any VMA */
	ptep = pte_offset(mm, addr);
	if (!ptep || pte_none(*ptep))
		return vma->vm_flags & VM_SOFTDIRTY ? PM_SOFT_DIRTY : 0;
	return pte_to_pagemap_entry(mm, vma, *ptep);
}

uint64_t pagemap_size(struct mm_struct *mm)
{
	return (uint64_t)(mm->task_size >> PAGE_SHIFT) * PM_ENTRY_BYTES;
}

static void put_le64(struct strbuf *out, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_add(out, b, sizeof(b));
}

int pagemap_read(struct mm_struct *mm, uint64_t off, size_t len,
		 struct strbuf *out)
{
	uint64_t size = pagemap_size(mm), end;
	unsigned long addr;

	if (off % PM_ENTRY_BYTES || len % PM_ENTRY_BYTES)
		return -EINVAL;
	if (off >= size || !len)
		return 0;
	end = size - off < len ? size : off + len;
	if (strbuf_reserve(out, (size_t)(end - off)))
		return -ENOMEM;
	for (addr = (unsigned long)(off / PM_ENTRY_BYTES) << PAGE_SHIFT;
	     off < end; off += PM_ENTRY_BYTES, addr += PAGE_SIZE)
		put_le64(out, pagemap_entry(mm, addr));
	return out->failed ? -ENOMEM : 0;
}

/* ---- /PID/pagetable ---- */

/* PTE bit names, lowest first. */
static const struct {
	pte_t bit;
	const char *name;
} pte_bit_names[] = {
	{ _PAGE_PRESENT, "present" },
	{ _PAGE_RW, "rw" },
	{ _PAGE_USER, "user" },
	{ _PAGE_ACCESSED, "accessed" },
	{ _PAGE_DIRTY, "dirty" },
	{ _PAGE_PROTNONE, "protnone" },
	{ _PAGE_SPECIAL, "special" },
	{ _PAGE_UFFD_WP, "uffd_wp" },
	{ _PAGE_SOFT_DIRTY, "softdirty" },
	{ _PAGE_NX, "nx" },
};

void pte_flag_names(struct strbuf *m, pte_t pte)
{
	size_t i;

	for (i = 0; i < sizeof(pte_bit_names) / sizeof(*pte_bit_names); i++)
		if (pte & pte_bit_names[i].bit) {
			strbuf_putc(m, ' ');
			strbuf_puts(m, pte_bit_names[i].name);
		}
}

static const char *const level_name[4] = { "pgd", "pud", "pmd", "pte" };

/* Index column: "pte[255,511,511,511]" is the widest, 20 characters. */
#define PGTABLE_INDEX_WIDTH	20

static void show_pgtable_entry(int level, const int idx[4],
			       unsigned long addr, uint64_t entry, void *arg)
{
	struct strbuf *m = arg;
	size_t line = m->len;
	int i;

	strbuf_printf(m, "%s[", level_name[level]);
	for (i = 0; i <= level; i++)
		strbuf_printf(m, i ? ",%d" : "%d", idx[i]);
	strbuf_putc(m, ']');
	strbuf_pad_to(m, line, PGTABLE_INDEX_WIDTH);
	strbuf_printf(m, " %012lx ", addr);
	if (level < 3) {
		/* upper levels hold host pointers to the next table */
		strbuf_puts(m, "table\n");
		return;
	}
	if (pte_present(entry)) {
		strbuf_printf(m, "pfn %lu", pte_pfn(entry));
		if (pte_special(entry) && is_zero_pfn(pte_pfn(entry)))
			strbuf_puts(m, " zero");
		pte_flag_names(m, entry);
	} else if (pte_swp(entry)) {
		strbuf_printf(m, "swap type %llu offset %llu",
			      (unsigned long long)pte_swp_type_of(entry),
			      (unsigned long long)pte_swp_offset_of(entry));
		if (pte_soft_dirty(entry))
			strbuf_puts(m, " softdirty");
		if (entry & _PAGE_UFFD_WP)
			strbuf_puts(m, " uffd_wp");
	} else {
		strbuf_printf(m, "raw %#llx", (unsigned long long)entry);
	}
	strbuf_putc(m, '\n');
}

void show_pagetable(struct strbuf *m, struct task_struct *task)
{
	walk_pgtables(task->mm, show_pgtable_entry, m);
}
