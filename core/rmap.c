/* core/rmap.c - page-level reverse mapping, as mm/rmap.c in v5.15
 * (kernel-spec §6.3-§6.5, §9.1-§9.3): filing a page under an anon_vma
 * (__page_set_anon_rmap, exclusive or at the root), mapcount and the
 * NR_ANON_MAPPED / NR_FILE_MAPPED counters, and the walks from a page
 * back to every VMA that may map it: rmap_walk_anon through the page's
 * anon_vma interval tree, rmap_walk_file through the inode's i_mmap.
 * Never a scan of all processes.
 */
#include <errno.h>

#include "filemap.h"
#include "ksm.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "swap.h"
#include "vmscan.h"

unsigned long linear_page_index(struct vm_area_struct *vma,
				unsigned long addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* vma_address - @page's address in @vma from its index (4 KiB pages). */
unsigned long vma_address(struct page *page, struct vm_area_struct *vma)
{
	unsigned long pgoff = page->index, addr;

	if (pgoff < vma->vm_pgoff)
		return -EFAULT;
	addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return -EFAULT;
	return addr;
}

/*
 * __page_set_anon_rmap - file @page under @vma's anon_vma when @exclusive,
 * else under the family root ("oldest possible", so every process of the
 * family finds it). A page that is anonymous already keeps its mapping.
 */
static void __page_set_anon_rmap(struct page *page, struct vm_area_struct *vma,
				 unsigned long address, bool exclusive)
{
	struct anon_vma *anon_vma = vma->anon_vma;

	if (PageAnon(page))
		return;
	if (!exclusive)
		anon_vma = anon_vma->root;
	page->mapping = (uintptr_t)anon_vma | PAGE_MAPPING_ANON;
	page->index = linear_page_index(vma, address);
}

/* page_add_new_anon_rmap - a page nobody else can see yet. */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long address)
{
	struct sim *sim = vma->vm_mm->sim;

	SetPage(page, PG_swapbacked);
	page->_mapcount = 0;
	sim->vmstat[NR_ANON_MAPPED]++;
	__page_set_anon_rmap(page, vma, address, true);
}

/* do_page_add_anon_rmap - map an existing page (swap-in, KSM, migration). */
void page_add_anon_rmap(struct page *page, struct vm_area_struct *vma,
			unsigned long address, bool exclusive)
{
	bool first = ++page->_mapcount == 0;

	if (first)
		vma->vm_mm->sim->vmstat[NR_ANON_MAPPED]++;
	if (PageKsm(page))
		return;
	if (first)
		__page_set_anon_rmap(page, vma, address, exclusive);
}

void page_add_file_rmap(struct sim *sim, struct page *page)
{
	if (++page->_mapcount == 0)
		sim->vmstat[NR_FILE_MAPPED]++;
}

/* page_remove_rmap - one PTE less; the mapping stays until the page is
 * freed (a swap-cache page keeps its anon_vma). */
void page_remove_rmap(struct sim *sim, struct page *page)
{
	if (--page->_mapcount >= 0)
		return;
	if (PageAnon(page))
		sim->vmstat[NR_ANON_MAPPED]--;
	else
		sim->vmstat[NR_FILE_MAPPED]--;
	ClearPage(page, PG_mlocked);
}

/* page_dup_rmap - fork: one more PTE, no statistics. */
void page_dup_rmap(struct page *page)
{
	page->_mapcount++;
}

/* page_vma_mapped - does @vma's PTE at @address map @page? */
pte_t *page_vma_mapped(struct page *page, struct vm_area_struct *vma,
		       unsigned long address)
{
	struct sim *sim = vma->vm_mm->sim;
	pte_t *pte = pte_offset(vma->vm_mm, address);

	if (!pte || !pte_present(*pte) || pte_special(*pte))
		return NULL;
	if (pte_pfn(*pte) != page_to_pfn(sim, page))
		return NULL;
	return pte;
}

struct walk_state {
	struct page *page;
	struct rmap_walk_control *rwc;
	bool stop;
};

static int anon_one(struct anon_vma_chain *avc, void *arg)
{
	struct walk_state *ws = arg;
	struct vm_area_struct *vma = avc->vma;
	unsigned long address = vma_address(ws->page, vma);

	if (IS_ERR_VALUE(address))
		return 0;
	if (!ws->rwc->rmap_one(ws->page, vma, address, ws->rwc->arg) ||
	    (ws->rwc->done && ws->rwc->done(ws->page, ws->rwc->arg))) {
		ws->stop = true;
		return 1;
	}
	return 0;
}

/*
 * rmap_walk_anon - the tree of the page's own anon_vma (which is the
 * VMA's for an exclusive page, the root's otherwise): every AVC whose VMA
 * covers page->index, in key order. The root's lock would be taken here.
 */
static void rmap_walk_anon(struct page *page, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma = page_anon_vma(page);
	struct walk_state ws = { page, rwc, false };

	if (!anon_vma)
		return;
	anon_vma_interval_tree_foreach(&anon_vma->rb_root, page->index,
				       page->index, anon_one, &ws);
}

static int file_one(struct vm_area_struct *vma, void *arg)
{
	struct walk_state *ws = arg;
	unsigned long address = vma_address(ws->page, vma);

	if (IS_ERR_VALUE(address))
		return 0;
	if (!ws->rwc->rmap_one(ws->page, vma, address, ws->rwc->arg) ||
	    (ws->rwc->done && ws->rwc->done(ws->page, ws->rwc->arg))) {
		ws->stop = true;
		return 1;
	}
	return 0;
}

/* rmap_walk_file - every VMA of the inode's i_mmap covering the index,
 * shared and private alike. */
static void rmap_walk_file(struct page *page, struct rmap_walk_control *rwc)
{
	struct inode *inode = (struct inode *)page->mapping;
	struct walk_state ws = { page, rwc, false };

	if (!inode)
		return;
	vma_interval_tree_foreach(&inode->i_mmap, page->index, page->index,
				  file_one, &ws);
}

void rmap_walk(struct sim *sim, struct page *page,
	       struct rmap_walk_control *rwc)
{
	if (PageKsm(page)) {
		rmap_walk_ksm(sim, page, rwc);
		return;
	}
	if (PageMovable(page))
		return;	/* a driver's page: its mapping's i_mmap is empty */
	if (PageAnon(page))
		rmap_walk_anon(page, rwc);
	else
		rmap_walk_file(page, rwc);
}

/* ---- the rmap walk users (kernel-spec §9.5) ---- */

struct referenced_arg {
	int mapcount;		/* mappings left to find */
	int referenced;
	unsigned long vm_flags;
};

static bool page_referenced_one(struct page *page, struct vm_area_struct *vma,
				unsigned long address, void *arg)
{
	struct referenced_arg *pra = arg;
	pte_t *pte = page_vma_mapped(page, vma, address);
	int referenced = 0;

	if (pte) {	/* page_vma_mapped_walk finds at most one PTE here */
		if (vma->vm_flags & VM_LOCKED) {
			pra->vm_flags |= VM_LOCKED;
			return false;	/* stop the whole walk */
		}
		if (*pte & _PAGE_ACCESSED) {
			*pte &= ~_PAGE_ACCESSED;	/* ptep_clear_flush_young */
			/* a sequentially read mapping does not count */
			if (!(vma->vm_flags & VM_SEQ_READ))
				referenced++;
		}
		pra->mapcount--;
	}
	/* even where the page is not mapped, the first VMA visited takes
	 * the page's young flag (test_and_clear_page_young) */
	if (referenced)
		ClearPage(page, PG_idle);
	if (PageTest(page, PG_young)) {	/* test_and_clear_page_young */
		ClearPage(page, PG_young);
		referenced++;
	}
	if (referenced) {
		pra->referenced++;
		pra->vm_flags |= vma->vm_flags;
	}
	return pra->mapcount > 0;
}

int page_referenced(struct sim *sim, struct page *page,
		    unsigned long *vm_flags)
{
	struct referenced_arg pra = { page_mapcount(page), 0, 0 };
	struct rmap_walk_control rwc = { &pra, page_referenced_one, NULL };

	*vm_flags = 0;
	if (!pra.mapcount)
		return 0;
	rmap_walk(sim, page, &rwc);
	*vm_flags = pra.vm_flags;
	trace(sim, "page_referenced", "pfn %lu: %d referenced",
	      page_to_pfn(sim, page), pra.referenced);
	return pra.referenced;
}

struct unmap_arg {
	struct sim *sim;
	int unmapped;
};

/* Called after each VMA: stop once nothing maps the page. */
static bool page_not_mapped(struct page *page, void *arg)
{
	(void)arg;
	return !page_mapped(page);
}

static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, void *arg)
{
	struct unmap_arg *ua = arg;
	struct sim *sim = ua->sim;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = page_vma_mapped(page, vma, address), orig;

	if (!pte)
		return true;
	if (vma->vm_flags & VM_LOCKED) {
		/* page_mlock's job: keep it, on the unevictable list */
		mlock_vma_page(sim, page);
		return false;
	}
	orig = *pte;
	*pte = 0;
	if (pte_dirty(orig))
		SetPage(page, PG_dirty);
	update_hiwater_rss(mm);
	if (PageAnon(page)) {
		unsigned long off = page->private;

		swap_duplicate(sim, off);
		*pte = swp_entry_pte(0, off) | (orig & _PAGE_SOFT_DIRTY);
		mm->rss_stat[MM_ANONPAGES]--;
		mm->rss_stat[MM_SWAPENTS]++;
	} else {
		mm->rss_stat[PageTest(page, PG_swapbacked) ? MM_SHMEMPAGES :
			     MM_FILEPAGES]--;
	}
	page_remove_rmap(sim, page);
	put_page(sim, page);
	ua->unmapped++;
	return true;
}

int try_to_unmap(struct sim *sim, struct page *page)
{
	struct unmap_arg ua = { sim, 0 };
	struct rmap_walk_control rwc = { &ua, try_to_unmap_one, page_not_mapped };

	rmap_walk(sim, page, &rwc);
	trace(sim, "try_to_unmap", "pfn %lu: %d ptes unmapped%s",
	      page_to_pfn(sim, page), ua.unmapped,
	      page_mapped(page) ? ", still mapped (mlocked)" : "");
	return ua.unmapped;
}

static bool page_mkclean_one(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, void *arg)
{
	int *cleaned = arg;
	pte_t *pte;

	if (!(vma->vm_flags & VM_SHARED))
		return true;	/* invalid_vma: only shared mappings */
	pte = page_vma_mapped(page, vma, address);
	if (!pte || !(*pte & (_PAGE_DIRTY | _PAGE_RW)))
		return true;
	*pte &= ~(_PAGE_DIRTY | _PAGE_RW);	/* wrprotect + mkclean */
	(*cleaned)++;
	return true;
}

int page_mkclean(struct sim *sim, struct page *page)
{
	int cleaned = 0;
	struct rmap_walk_control rwc = { &cleaned, page_mkclean_one, NULL };

	if (!page_mapped(page) || PageAnon(page))
		return 0;
	rmap_walk(sim, page, &rwc);
	trace(sim, "page_mkclean", "pfn %lu: %d ptes cleaned",
	      page_to_pfn(sim, page), cleaned);
	return cleaned;
}

static bool page_idle_clear_pte_refs_one(struct page *page,
					 struct vm_area_struct *vma,
					 unsigned long address, void *arg)
{
	int *young = arg;
	pte_t *pte = page_vma_mapped(page, vma, address);

	if (pte && (*pte & _PAGE_ACCESSED)) {
		*pte &= ~_PAGE_ACCESSED;
		(*young)++;
	}
	return true;
}

int page_idle_clear_pte_refs(struct sim *sim, struct page *page)
{
	int young = 0;
	struct rmap_walk_control rwc = { &young, page_idle_clear_pte_refs_one, NULL };

	if (!page_mapped(page))
		return 0;
	rmap_walk(sim, page, &rwc);
	if (young) {
		/* referenced: not idle, and reclaim still sees it (PG_young) */
		ClearPage(page, PG_idle);
		SetPage(page, PG_young);
	}
	return young;
}

static bool page_mlock_one(struct page *page, struct vm_area_struct *vma,
			   unsigned long address, void *arg)
{
	bool *locked = arg;

	if (!(vma->vm_flags & VM_LOCKED))
		return true;
	if (!page_vma_mapped(page, vma, address))
		return true;
	*locked = true;
	return false;	/* one locked mapping is enough */
}

bool page_mlock(struct sim *sim, struct page *page)
{
	bool locked = false;
	struct rmap_walk_control rwc = { &locked, page_mlock_one, NULL };

	rmap_walk(sim, page, &rwc);
	return locked;
}
