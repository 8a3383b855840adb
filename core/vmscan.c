/* core/vmscan.c - the LRU lists and a small reclaimer, after mm/swap.c and
 * mm/vmscan.c of v5.15: pages join the inactive list when faulted
 * (unevictable under VM_LOCKED), shrink_active_list ages the active list
 * into the inactive one, and shrink_page_list decides each inactive page
 * with page_check_references (second chance through page_referenced),
 * then try_to_unmap, pageout to swap, and frees the frame.
 *
 * Swap-backed pages (anonymous and tmpfs/shmem) live on the anon lists,
 * as page_is_file_lru decides; simulated files are tmpfs-like, so the file
 * lists stay empty. Left out: memcg, kswapd watermarks, swappiness
 * balancing (there is only one kind of page to scan), writeback delays.
 */
#include <errno.h>

#include "filemap.h"
#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "swap.h"
#include "vmscan.h"

static enum lru_list page_lru(const struct page *page)
{
	if (PageTest(page, PG_unevictable))
		return LRU_UNEVICTABLE;
	if (PageTest(page, PG_swapbacked))
		return PageTest(page, PG_active) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
	return PageTest(page, PG_active) ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
}

/* Link at the head (most recent); reclaim takes from the tail. */
static void lru_link(struct sim *sim, struct page *page, enum lru_list lru)
{
	page_list_add(sim, &sim->lru[lru], page);
	SetPage(page, PG_lru);
}

void lru_del(struct sim *sim, struct page *page)
{
	enum lru_list lru = page_lru(page);

	if (!PageTest(page, PG_lru))
		return;
	page_list_del(sim, &sim->lru[lru], page);
	ClearPage(page, PG_lru);
}

/*
 * lru_cache_add_inactive_or_unevictable - a new page joins the inactive
 * list, or the unevictable one (mlocked) when @vma is VM_LOCKED.
 */
void lru_cache_add(struct sim *sim, struct page *page,
		   struct vm_area_struct *vma)
{
	if (vma && (vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED &&
	    !PageTest(page, PG_mlocked)) {
		SetPage(page, PG_mlocked);
		SetPage(page, PG_unevictable);
		ClearPage(page, PG_active);
		sim->vmstat[UNEVICTABLE_PGS_MLOCKED]++;
	}
	lru_link(sim, page, page_lru(page));
}

/* Move @page to the head of the list its flags now call for. */
void lru_move(struct sim *sim, struct page *page)
{
	lru_del(sim, page);
	lru_link(sim, page, page_lru(page));
}

/* Change LRU-deciding flags of @page: off its list first (lru_del finds
 * the list from the flags), then back onto the list they now call for. */
static void lru_reflag(struct sim *sim, struct page *page, int set, int clear)
{
	bool on_lru = PageTest(page, PG_lru);

	if (on_lru)
		lru_del(sim, page);
	if (set >= 0)
		SetPage(page, set);
	if (clear >= 0)
		ClearPage(page, clear);
	if (on_lru)
		lru_link(sim, page, page_lru(page));
}

void activate_page(struct sim *sim, struct page *page)
{
	if (PageTest(page, PG_active) || PageTest(page, PG_unevictable))
		return;
	lru_reflag(sim, page, PG_active, -1);
	sim->vmstat[PGACTIVATE]++;
}

void deactivate_page(struct sim *sim, struct page *page)
{
	if (!PageTest(page, PG_active) || PageTest(page, PG_unevictable))
		return;
	lru_reflag(sim, page, -1, PG_active);
	ClearPage(page, PG_referenced);
	sim->vmstat[PGDEACTIVATE]++;
}

/* ---- reclaim ---- */

enum page_references {
	PAGEREF_RECLAIM,
	PAGEREF_RECLAIM_CLEAN,
	PAGEREF_KEEP,
	PAGEREF_ACTIVATE,
};

/* page_check_references - v5.15's second-chance decision. */
static enum page_references page_check_references(struct sim *sim,
						  struct page *page)
{
	unsigned long vm_flags = 0;
	int referenced_ptes = page_referenced(sim, page, &vm_flags);
	bool referenced_page = PageTest(page, PG_referenced);

	ClearPage(page, PG_referenced);	/* TestClearPageReferenced */
	if (vm_flags & VM_LOCKED)
		return PAGEREF_RECLAIM;	/* try_to_unmap will mlock it */
	if (referenced_ptes) {
		/*
		 * Since v5.9 anonymous pages are treated like file pages: a
		 * mapped page starts with a reference from its fault, so it
		 * is marked and spared one trip; a second reference (or more
		 * than one PTE) activates it.
		 */
		SetPage(page, PG_referenced);
		if (referenced_page || referenced_ptes > 1)
			return PAGEREF_ACTIVATE;
		/* file-backed executable pages after their first use */
		if ((vm_flags & VM_EXEC) && !PageTest(page, PG_swapbacked))
			return PAGEREF_ACTIVATE;
		return PAGEREF_KEEP;
	}
	if (referenced_page && !PageTest(page, PG_swapbacked))
		return PAGEREF_RECLAIM_CLEAN;
	return PAGEREF_RECLAIM;
}

/* shrink_active_list - age the active list's tail into the inactive list
 * until the inactive list is no smaller (inactive_is_low, ratio 1). */
static void shrink_active_list(struct sim *sim, struct reclaim_stat *st)
{
	while (sim->lru[LRU_INACTIVE_ANON].count < sim->lru[LRU_ACTIVE_ANON].count) {
		struct page *page = pfn_to_page(sim, sim->lru[LRU_ACTIVE_ANON].tail);
		unsigned long vm_flags = 0;

		/* referenced or not, swap-backed pages go inactive (only
		 * executable file pages keep their place); PG_referenced
		 * stays, PG_workingset marks the page as once active */
		page_referenced(sim, page, &vm_flags);
		lru_reflag(sim, page, PG_workingset, PG_active);
		sim->vmstat[PGDEACTIVATE]++;
		st->deactivated++;
	}
}

/*
 * shrink_page - one inactive page through shrink_page_list's steps.
 * Return: true when the frame was freed.
 */
static bool shrink_page(struct sim *sim, struct page *page,
			struct reclaim_stat *st, bool ignore_references)
{
	unsigned long pfn = page_to_pfn(sim, page);

	st->scanned++;
	sim->vmstat[PGSCAN]++;
	switch (ignore_references ? PAGEREF_RECLAIM :
		page_check_references(sim, page)) {
	case PAGEREF_ACTIVATE:
		activate_page(sim, page);
		st->activated++;
		trace(sim, "shrink_page_list", "pfn %lu: referenced, activate", pfn);
		return false;
	case PAGEREF_KEEP:
		lru_move(sim, page);
		st->kept++;
		trace(sim, "shrink_page_list", "pfn %lu: referenced, keep", pfn);
		return false;
	default:
		break;
	}
	/* swap-backed and not in swap cache yet: give it a slot */
	if (PageAnon(page) && !PageTest(page, PG_swapcache) &&
	    add_to_swap(sim, page)) {
		activate_page(sim, page);
		st->activated++;
		trace(sim, "shrink_page_list", "pfn %lu: swap full, activate", pfn);
		return false;
	}
	if (page_mapped(page)) {
		st->unmapped += (unsigned long)try_to_unmap(sim, page);
		if (page_mapped(page)) {
			/* an mlocked mapping stopped it: now unevictable */
			if (!PageTest(page, PG_unevictable))
				lru_move(sim, page);
			st->kept++;
			trace(sim, "shrink_page_list", "pfn %lu: still mapped, keep", pfn);
			return false;
		}
	}
	if (!PageAnon(page) && page->mapping) {
		if (PageTest(page, PG_dirty)) {
			/* pageout: shmem_writepage moves a dirty tmpfs page
			 * to swap */
			if (shmem_writepage(sim, page)) {
				activate_page(sim, page);
				st->activated++;
				return false;
			}
		} else {
			/* clean: __remove_mapping drops it from the cache (a
			 * later read finds a hole, which it was) */
			lru_del(sim, page);
			delete_from_page_cache(sim, (struct inode *)page->mapping, page);
			if (page->_refcount == 0) {
				st->reclaimed++;
				sim->vmstat[PGSTEAL]++;
				trace(sim, "shrink_page_list", "pfn %lu: clean, dropped", pfn);
				return true;
			}
			return false;
		}
	}
	if (PageTest(page, PG_swapcache)) {
		if (PageTest(page, PG_dirty)) {
			swap_writepage(sim, page);
			st->swapped++;
		}
		/* __remove_mapping: the swap cache lets go */
		lru_del(sim, page);
		delete_from_swap_cache(sim, page);
	}
	if (page->_refcount != 0)
		return false;	/* somebody still holds it */
	st->reclaimed++;
	sim->vmstat[PGSTEAL]++;
	trace(sim, "shrink_page_list", "pfn %lu: reclaimed", pfn);
	return true;
}

/*
 * try_to_free_pages - reclaim up to @nr frames from the inactive list,
 * refilling it from the active list first.
 * Return: frames freed (also in @st).
 */
unsigned long try_to_free_pages(struct sim *sim, unsigned long nr,
				struct reclaim_stat *st)
{
	unsigned long budget = sim->lru[LRU_INACTIVE_ANON].count +
			       sim->lru[LRU_ACTIVE_ANON].count;

	shrink_active_list(sim, st);
	while (st->reclaimed < nr && budget-- && sim->lru[LRU_INACTIVE_ANON].tail) {
		struct page *page = pfn_to_page(sim, sim->lru[LRU_INACTIVE_ANON].tail);

		shrink_page(sim, page, st, false);
		if (!sim->lru[LRU_INACTIVE_ANON].count)
			shrink_active_list(sim, st);
	}
	return st->reclaimed;
}

/*
 * reclaim_pages - madvise(MADV_PAGEOUT)'s reclaim of the pages it picked:
 * shrink_page_list with ignore_references, so they go whatever their
 * young bits say. Return: frames freed.
 */
unsigned long reclaim_page_now(struct sim *sim, struct page *page)
{
	struct reclaim_stat st = { 0 };

	if (PageTest(page, PG_unevictable) || !PageTest(page, PG_lru))
		return 0;
	lru_del(sim, page);		/* isolate_lru_page */
	lru_link(sim, page, page_lru(page));
	return shrink_page(sim, page, &st, true) ? 1 : 0;
}
