/* include/vmscan.h - LRU lists, reclaim and the rmap walks they use. */
#ifndef RMAPFS_VMSCAN_H
#define RMAPFS_VMSCAN_H

#include "mm_types.h"

struct page;

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

void lru_cache_add(struct sim *sim, struct page *page,
		   struct vm_area_struct *vma);
void lru_del(struct sim *sim, struct page *page);
void lru_move(struct sim *sim, struct page *page);
void activate_page(struct sim *sim, struct page *page);
void deactivate_page(struct sim *sim, struct page *page);

struct reclaim_stat {
	unsigned long scanned, reclaimed, swapped, unmapped;
	unsigned long activated, deactivated, kept;
};
unsigned long try_to_free_pages(struct sim *sim, unsigned long nr,
				struct reclaim_stat *st);
/* reclaim_pages for one page, references ignored. Return: 1 if freed. */
unsigned long reclaim_page_now(struct sim *sim, struct page *page);

/* The rmap walk users of kernel-spec §9.5 (core/rmap.c). */
/* page_referenced - VMAs whose PTE was young (cleared now); @vm_flags gets
 * the OR of their flags, or VM_LOCKED alone when a locked VMA stops it. */
int page_referenced(struct sim *sim, struct page *page,
		    unsigned long *vm_flags);
/* try_to_unmap - unmap the page everywhere (swap entries for anonymous
 * pages, which must be in the swap cache). Return: PTEs unmapped. A
 * VM_LOCKED mapping stops it and mlocks the page. */
int try_to_unmap(struct sim *sim, struct page *page);
/* page_mkclean - write-protect and clean the page's PTEs in shared VMAs.
 * Return: PTEs cleaned. */
int page_mkclean(struct sim *sim, struct page *page);
/* page_idle_clear_pte_refs - clear young everywhere; a young one moves
 * to the page's PG_young. Return: young PTEs found. */
int page_idle_clear_pte_refs(struct sim *sim, struct page *page);
/* page_mlock - true (and the page stays mlocked) if a VM_LOCKED VMA maps it. */
bool page_mlock(struct sim *sim, struct page *page);

/* shmem_writepage - move an unmapped tmpfs page to swap: its cache slot
 * becomes a swap entry. Return: 0, or -ENOMEM when swap is full. */
int shmem_writepage(struct sim *sim, struct page *page);

#endif
