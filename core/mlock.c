/* core/mlock.c - mlock(2) and munlock(2), as mm/mlock.c of v5.15:
 * apply_vma_lock_flags with mlock_fixup (the merge-then-split pattern of
 * mprotect, VM_SPECIAL VMAs skipped), locked_vm accounting, population
 * that mlocks every page it finds (FOLL_MLOCK), and munlock's page_mlock
 * check so a page another locked VMA still maps stays mlocked.
 *
 * RLIMIT_MEMLOCK is 8 MiB, as Debian 12's systemd sets it for users (the
 * bare v5.15 default is 64 KiB). Unlike v5.15, a range with a hole, or
 * one whose population would run out of memory, changes nothing.
 */
#include <errno.h>

#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "vmscan.h"

#define RLIMIT_MEMLOCK_PAGES	(RLIMIT_MEMLOCK_BYTES >> PAGE_SHIFT)

/* mlock_vma_page - the page joins the unevictable list, mlocked. */
void mlock_vma_page(struct sim *sim, struct page *page)
{
	if (PageTest(page, PG_mlocked))
		return;
	SetPage(page, PG_mlocked);
	sim->vmstat[UNEVICTABLE_PGS_MLOCKED]++;
	if (!PageTest(page, PG_unevictable)) {
		bool on_lru = PageTest(page, PG_lru);

		if (on_lru)
			lru_del(sim, page);
		SetPage(page, PG_unevictable);
		ClearPage(page, PG_active);	/* lru_add_fn: unevictable */
		if (on_lru)
			lru_cache_add(sim, page, NULL);
	}
}

/* munlock_vma_page - unless another VM_LOCKED VMA maps it (page_mlock),
 * the page goes back to the evictable lists. */
void munlock_vma_page(struct sim *sim, struct page *page)
{
	bool on_lru;

	if (!PageTest(page, PG_mlocked))
		return;
	ClearPage(page, PG_mlocked);
	sim->vmstat[UNEVICTABLE_PGS_MUNLOCKED]++;
	if (page_mlock(sim, page)) {
		mlock_vma_page(sim, page);
		return;
	}
	on_lru = PageTest(page, PG_lru);
	if (on_lru)
		lru_del(sim, page);
	ClearPage(page, PG_unevictable);
	if (on_lru)
		lru_cache_add(sim, page, NULL);
}

static int mlock_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	bool lock = *(bool *)arg;
	struct page *page;

	(void)addr;
	if (!pte_present(*ptep) || pte_special(*ptep))
		return 0;
	page = pfn_to_page(mm->sim, pte_pfn(*ptep));
	if (lock)
		mlock_vma_page(mm->sim, page);
	else
		munlock_vma_page(mm->sim, page);
	return 0;
}

/* munlock_vma_pages_range - VM_LOCKED is already clear on @vma. */
void munlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end)
{
	bool lock = false;

	walk_pte_range(vma->vm_mm, start, end, mlock_one, &lock);
}

static unsigned long mlock_newflags(const struct vm_area_struct *vma,
				    bool lock)
{
	return lock ? vma->vm_flags | VM_LOCKED :
		      vma->vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT);
}

/* VMAs mlock leaves alone (no flag, no count). */
static bool mlock_skips(const struct vm_area_struct *vma)
{
	return vma->vm_flags & (VM_SPECIAL | VM_HUGETLB);
}

/*
 * do_mlock - mlock(2) (@lock) or munlock(2) of [start, start+len).
 * Return: 0; -ENOMEM for a hole or over RLIMIT_MEMLOCK; -EAGAIN when the
 * pages cannot be faulted in (mlock reports ENOMEM from population so).
 * On failure nothing changed.
 */
int do_mlock(struct mm_struct *mm, unsigned long start, unsigned long len,
	     bool lock)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end, nstart, tmp, newly = 0, newflags;
	int err;

	len = PAGE_ALIGN(len + offset_in_page(start));
	start &= PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	/* apply_vma_lock_flags' walk, checked first */
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	for (nstart = start; ; ) {
		tmp = vma->vm_end < end ? vma->vm_end : end;
		if (lock && !mlock_skips(vma) && !(vma->vm_flags & VM_LOCKED))
			newly += (tmp - nstart) >> PAGE_SHIFT;
		nstart = tmp;
		if (nstart >= end)
			break;
		vma = vma->vm_next;
		if (!vma || vma->vm_start != nstart)
			return -ENOMEM;
	}
	if (lock && mm->locked_vm + newly > RLIMIT_MEMLOCK_PAGES)
		return -ENOMEM;
	err = reserve_for_vmas(mm, start, end);
	if (!err && lock)
		err = populate_reserve(mm, start, end);	/* nothing fails later */
	if (err)
		return lock ? -EAGAIN : err;

	vma = find_vma(mm, start);
	prev = start > vma->vm_start ? vma : vma->vm_prev;
	for (nstart = start; ; ) {
		unsigned long oldflags = vma->vm_flags;

		tmp = vma->vm_end < end ? vma->vm_end : end;
		newflags = mlock_newflags(vma, lock);
		if (newflags == oldflags || mlock_skips(vma)) {
			prev = vma;
		} else {
			vma = vma_modify_flags(mm, &prev, vma, nstart, tmp, newflags);
			if (lock) {
				if (!(oldflags & VM_LOCKED))
					mm->locked_vm += (tmp - nstart) >> PAGE_SHIFT;
			} else {
				mm->locked_vm -= (tmp - nstart) >> PAGE_SHIFT;
				munlock_vma_pages_range(vma, nstart, tmp);
			}
		}
		nstart = tmp;
		if (nstart < prev->vm_end)
			nstart = prev->vm_end;
		if (nstart >= end)
			break;
		vma = prev->vm_next;
	}
	if (lock) {
		/* __mm_populate: fault in, and mlock what is already there */
		populate_range(mm, start, end);
		for (vma = find_vma(mm, start); vma && vma->vm_start < end;
		     vma = vma->vm_next) {
			bool on = true;

			if (vma->vm_flags & VM_LOCKED)
				walk_pte_range(mm, vma->vm_start > start ? vma->vm_start : start,
					       vma->vm_end < end ? vma->vm_end : end,
					       mlock_one, &on);
		}
	}
	trace(mm->sim, lock ? "mlock" : "munlock", "pid %d %lx-%lx, locked_vm %lu",
	      mm->owner_pid, start, end, mm->locked_vm);
	return 0;
}
