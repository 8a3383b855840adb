/* core/madvise.c - madvise(2), as mm/madvise.c of v5.15: the advices that
 * only change VMA flags (dontfork, dofork, wipeonfork, keeponfork, and the
 * flag part of ksm_madvise: mergeable, unmergeable), with the same
 * merge-then-split pattern as mprotect; and the page-level dontneed (zap
 * the range), cold (age and deactivate private pages), pageout (reclaim
 * the private pages now, references ignored) and willneed (swap-in
 * readahead: each swapped page of the range is read into the swap cache,
 * best effort, as force_swapin_readahead and its shmem twin do).
 *
 * v5.15 applies an advice to the mapped parts of a range with holes and
 * then fails with ENOMEM; rmapfs checks first and changes nothing.
 */
#include <errno.h>

#include "memory.h"
#include "ksm.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "vmscan.h"
#include "swap.h"

static bool madvise_behavior_valid(int advice)
{
	switch (advice) {
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
		return true;
	default:
		return false;
	}
}

/*
 * madvise_newflags - the flags @advice gives @vma.
 * Return: 0 with *@flags set, or -EINVAL for a VMA the advice refuses.
 */
static int madvise_newflags(const struct vm_area_struct *vma, int advice,
			    unsigned long *flags)
{
	unsigned long f = vma->vm_flags;

	switch (advice) {
	case MADV_DONTFORK:
		f |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		if (f & VM_IO)
			return -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		/* only on private anonymous memory */
		if (vma->vm_file || (f & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		f &= ~VM_WIPEONFORK;
		break;
	case MADV_MERGEABLE:
		/* ksm_madvise: silently ignored on these */
		if (f & (VM_MERGEABLE | VM_SHARED | VM_MAYSHARE | VM_PFNMAP |
			 VM_IO | VM_DONTEXPAND | VM_HUGETLB | VM_MIXEDMAP))
			break;
		f |= VM_MERGEABLE;
		break;
	case MADV_UNMERGEABLE:
		f &= ~VM_MERGEABLE;
		break;
	}
	*flags = f;
	return 0;
}

/*
 * madvise_check - the error do_madvise would return, in its order: a VMA
 * refusing the advice, the split limit (ENOMEM, not converted), and last
 * a hole (ENOMEM). The merge decision is exact for the first VMA only.
 */
static int madvise_check(struct mm_struct *mm, unsigned long start,
			 unsigned long end, int advice)
{
	long limit = mm->sim->sysctl.max_map_count, count = mm->map_count;
	struct vm_area_struct *vma, *prev;
	unsigned long tmp, newflags, first = start;
	int unmapped_error = 0, err;

	vma = find_vma_prev(mm, start, &prev);
	if (vma && start > vma->vm_start)
		prev = vma;
	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return unmapped_error;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = madvise_newflags(vma, advice, &newflags);
		if (err)
			return err;
		if (newflags != vma->vm_flags &&
		    (start != vma->vm_start || tmp != vma->vm_end)) {
			bool merges = start == first &&
				vma_merge_would_merge(mm, prev, start, tmp,
					newflags, vma->anon_vma, vma->vm_file,
					vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT));

			if (!merges) {
				if (start != vma->vm_start && count++ >= limit)
					return -ENOMEM;
				if (tmp != vma->vm_end && count++ >= limit)
					return -ENOMEM;
			}
		}
		start = tmp;
		if (start >= end)
			return unmapped_error;
		prev = vma;
		vma = vma->vm_next;
	}
}

static bool madvise_page_advice(int advice)
{
	return advice == MADV_WILLNEED || advice == MADV_DONTNEED ||
	       advice == MADV_COLD || advice == MADV_PAGEOUT;
}

/* can_madv_lru_vma: dontneed and cold leave locked, hugetlb and raw-PFN
 * VMAs alone (EINVAL). */
static bool can_madv_lru_vma(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_LOCKED | VM_HUGETLB | VM_PFNMAP));
}

/* The page-level advices' error, in do_madvise's order: a refused VMA,
 * then a hole (ENOMEM). */
static int madvise_page_check(struct mm_struct *mm, unsigned long start,
			      unsigned long end, int advice)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int unmapped_error = 0;

	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return unmapped_error;
		}
		if (advice != MADV_WILLNEED && !can_madv_lru_vma(vma))
			return -EINVAL;
		start = vma->vm_end;
		if (start >= end)
			return unmapped_error;
		vma = vma->vm_next;
	}
}

/* madvise_cold_or_pageout_pte_range, cold half: only pages this PTE
 * alone maps, on the LRU; age the PTE, forget the references, and move
 * the page to the inactive list. */
static int cold_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	struct page *page;

	(void)addr;
	(void)arg;
	if (!pte_present(*ptep) || pte_special(*ptep))
		return 0;
	page = pfn_to_page(mm->sim, pte_pfn(*ptep));
	if (!PageTest(page, PG_lru) || page_mapcount(page) != 1)
		return 0;
	*ptep &= ~_PAGE_ACCESSED;
	ClearPage(page, PG_referenced);
	ClearPage(page, PG_young);
	deactivate_page(mm->sim, page);	/* to the inactive list */
	return 0;
}

/* madvise_cold_or_pageout_pte_range, pageout half: pages only this PTE
 * maps and that sit on the LRU are collected, then reclaimed. */
struct pageout_ctx {
	unsigned long pfns[512];
	unsigned int n;
};

static int pageout_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		       void *arg)
{
	struct pageout_ctx *pc = arg;
	struct page *page;

	(void)addr;
	if (!pte_present(*ptep) || pte_special(*ptep) || pc->n == 512)
		return 0;
	page = pfn_to_page(mm->sim, pte_pfn(*ptep));
	if (!PageTest(page, PG_lru) || page_mapcount(page) != 1)
		return 0;
	*ptep &= ~_PAGE_ACCESSED;
	ClearPage(page, PG_referenced);
	ClearPage(page, PG_young);
	pc->pfns[pc->n++] = pte_pfn(*ptep);
	return 0;
}

static void madvise_pageout(struct mm_struct *mm, unsigned long s,
			    unsigned long e)
{
	unsigned long a, next, freed = 0;
	struct pageout_ctx pc;
	unsigned int i;

	/* one PTE table (512 pages) at a time, as the kernel's walk */
	for (a = s; a < e; a = next) {
		next = (a + (1UL << 21)) & ~((1UL << 21) - 1);
		if (next > e || !next)
			next = e;
		pc.n = 0;
		walk_pte_range(mm, a, next, pageout_one, &pc);
		for (i = 0; i < pc.n; i++)
			freed += reclaim_page_now(mm->sim, pfn_to_page(mm->sim, pc.pfns[i]));
	}
	trace(mm->sim, "madvise_pageout", "pid %d %lx-%lx: %lu frames reclaimed",
	      mm->owner_pid, s, e, freed);
}

/* force_swapin_readahead: a swap PTE's page into the swap cache. */
static int willneed_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
			void *arg)
{
	struct sim *sim = mm->sim;
	struct page *page;

	(void)addr;
	(void)arg;
	if (!is_swap_entry_pte(*ptep) || lookup_swap_cache(sim, pte_swp_offset(*ptep)) ||
	    !nr_free_frames(sim))
		return 0;
	page = swapin_page(sim, pte_swp_offset(*ptep), false);
	lru_cache_add(sim, page, NULL);
	put_page(sim, page);	/* the swap cache keeps it */
	return 0;
}

/* force_shm_swapin_readahead: the object's swapped slots in the range. */
static void shm_willneed(struct sim *sim, struct vm_area_struct *vma,
			 unsigned long s, unsigned long e)
{
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long idx, first = linear_page_index(vma, s);
	unsigned long last = linear_page_index(vma, e - 1);
	struct page *page;

	for (idx = first; idx <= last && inode->swapped; idx++) {
		unsigned long off = shmem_swap_entry(inode, idx);

		if (!off || lookup_swap_cache(sim, off) || !nr_free_frames(sim))
			continue;
		page = swapin_page(sim, off, false);
		lru_cache_add(sim, page, NULL);
		put_page(sim, page);
	}
}

static int madvise_pages(struct mm_struct *mm, unsigned long start,
			 unsigned long end, int advice)
{
	struct vm_area_struct *vma;
	int err = madvise_page_check(mm, start, end, advice);

	if (err)
		return err;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		unsigned long s = vma->vm_start > start ? vma->vm_start : start;
		unsigned long e = vma->vm_end < end ? vma->vm_end : end;

		if (advice == MADV_DONTNEED) {
			/* zap_page_range: pages go, VMAs and tables stay */
			update_hiwater_rss(mm);
			unmap_page_range(vma, s, e);
			trace(mm->sim, "madvise_dontneed", "pid %d %lx-%lx zapped",
			      mm->owner_pid, s, e);
		} else if (advice == MADV_COLD) {
			walk_pte_range(mm, s, e, cold_one, NULL);
		} else if (advice == MADV_PAGEOUT) {
			madvise_pageout(mm, s, e);
		} else if (!vma->vm_file) {
			walk_pte_range(mm, s, e, willneed_one, NULL);
		} else {
			shm_willneed(mm->sim, vma, s, e);
		}
	}
	return 0;
}

/*
 * do_madvise - madvise(2).
 * Return: 0, or -EINVAL/-ENOMEM (or -EAGAIN when the reserve cannot be
 * filled: madvise reports a kernel allocation failure as EAGAIN), with
 * @mm unchanged.
 */
int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len,
	       int advice)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end, tmp, newflags = 0;
	int err;

	if (!madvise_behavior_valid(advice))
		return -EINVAL;
	if (offset_in_page(start))
		return -EINVAL;
	end = PAGE_ALIGN(len);
	if (len && !end)
		return -EINVAL;
	end += start;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (madvise_page_advice(advice))
		return madvise_pages(mm, start, end, advice);

	err = madvise_check(mm, start, end, advice);
	if (err)
		return err;
	if (reserve_for_vmas(mm, start, end))
		return -EAGAIN;
	if (advice == MADV_UNMERGEABLE) {
		/* ksm_madvise: break every KSM page, then clear the flag */
		err = ksm_madvise_unmerge(mm, start, end);
		if (err)
			return err;
	}

	/* Commit: the range is fully mapped and nothing below can fail. */
	vma = find_vma_prev(mm, start, &prev);
	if (start > vma->vm_start)
		prev = vma;
	for (;;) {
		tmp = vma->vm_end < end ? vma->vm_end : end;
		madvise_newflags(vma, advice, &newflags);
		if (newflags & ~vma->vm_flags & VM_MERGEABLE)
			mm->ksm_registered = true;	/* __ksm_enter */
		if (newflags == vma->vm_flags)
			prev = vma;
		else
			vma_modify_flags(mm, &prev, vma, start, tmp, newflags);
		start = tmp;
		if (start < prev->vm_end)
			start = prev->vm_end;
		if (start >= end)
			break;
		vma = prev->vm_next;
	}
	return 0;
}
