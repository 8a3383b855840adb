/* include/ksm.h - Kernel Samepage Merging (mm/ksm.c of v5.15, kernel-spec
 * §10): ksmd's scan over VM_MERGEABLE VMAs, the stable and unstable
 * trees, rmap_items, and rmap_walk_ksm. docs/ksm.md has the /ksm format
 * and the rules.
 *
 * Who calls what (the hooks outside core/ksm.c):
 *  - rmap_walk() hands a PageKsm page to rmap_walk_ksm();
 *  - free_frame() calls ksm_page_freed() before it clears the frame;
 *  - mmput() calls ksm_exit() before exit_mmap(), as __mmput does;
 *  - do_madvise(MADV_UNMERGEABLE) calls ksm_madvise_unmerge() once its
 *    checks and reserves are done, before it changes any VMA flags;
 *  - sim_check() counts ksm_anon_vma_refs() in every anon_vma's refcount
 *    and runs ksm_check();
 *  - sim_free() calls ksm_release() after the tasks are gone and before
 *    the object pools are drained;
 *  - do_swap_page() asks ksm_might_need_to_copy() before it maps a page
 *    found in the swap cache.
 */
#ifndef RMAPFS_KSM_H
#define RMAPFS_KSM_H

#include "mm_types.h"
#include "rmap.h"
#include "strbuf.h"

struct page;

/* rmap_walk_ksm - every VMA that maps @page (a KSM page), through its
 * stable node's rmap_items and their anon_vmas (two passes, §9.4): first
 * the VMAs of each item's own mm, then those of other mms (children
 * forked since ksmd recorded the item). A VMA may be visited more than
 * once, as in the kernel. */
void rmap_walk_ksm(struct sim *sim, struct page *page,
		   struct rmap_walk_control *rwc);
/* ksm_exit - an mm goes (__ksm_exit, called before exit_mmap): an mm_slot
 * without rmap_items is freed at once; otherwise the next pass frees its
 * items (which keep their anon_vma references until then). */
void ksm_exit(struct mm_struct *mm);
/* ksm_do_scan - one full pass of ksmd over every registered mm.
 * Return: 0, or -ENOMEM with nothing changed (everything the pass can
 * need is allocated before it starts). */
int ksm_do_scan(struct sim *sim);
/* ksm_page_freed - @page, a KSM page, is being freed: drop its stable
 * node and the node's rmap_items' anon_vma references. Called by
 * free_frame() for every frame; a no-op unless PageKsm. */
void ksm_page_freed(struct sim *sim, struct page *page);
/* ksm_migrate_page - migration moved KSM page @old to @new. */
void ksm_migrate_page(struct sim *sim, struct page *new, struct page *old);
/*
 * ksm_might_need_to_copy - do_swap_page's question before it maps the
 * swap-cache @page at @address of @vma: must it map a copy instead? Yes
 * for a KSM page without a stable node or none of whose rmap_items would
 * lead rmap_walk_ksm to this mapping (docs/ksm.md), and for a page of
 * another anon_vma family or filed at another index (a freed KSM page's
 * sharers swap in one slot at several addresses). v5.15 returns the copy;
 * here the caller, which planned the frame, makes it.
 */
bool ksm_might_need_to_copy(struct page *page, struct vm_area_struct *vma,
			    unsigned long address);
/*
 * ksm_madvise_unmerge - MADV_UNMERGEABLE's unmerge_ksm_pages over every
 * VM_MERGEABLE VMA of [@start, @end): break each KSM page by a write
 * fault's COW copy (contents kept). The caller has checked the range.
 * Return: 0; -ENOMEM (not enough frames or pool objects) or -EACCES (a KSM
 * page in a VMA without VM_WRITE, see docs/ksm.md) with nothing changed.
 */
int ksm_madvise_unmerge(struct mm_struct *mm, unsigned long start,
			unsigned long end);
/* ksm_unmerge_range - the same for [@start, @end) within one @vma. */
int ksm_unmerge_range(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end);
/* ksm_anon_vma_refs - references on @av held by stable rmap_items (one
 * each: §5.7), for sim_check's refcount rule. */
unsigned long ksm_anon_vma_refs(struct sim *sim, struct anon_vma *av);
/* ksm_check - the KSM invariants of docs/ksm.md; on failure describe the
 * first broken one in @why. Return: 0, -EUCLEAN. */
int ksm_check(struct sim *sim, struct strbuf *why);
/* /ksm: the counters, the mm_slots and each stable node with its
 * rmap_items. */
void show_ksm(struct strbuf *m, struct sim *sim);
/* The machine's KSM state (allocated on first use); ksm_release frees it,
 * dropping every anon_vma reference it holds. KSM pages still in use keep
 * PageKsm without a node (writes still copy; rmap_walk_ksm finds nothing),
 * so call it once the tasks are gone. */
struct ksm_state;
void ksm_release(struct sim *sim);

#endif
