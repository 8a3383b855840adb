/* include/page.h - physical memory: one struct page per simulated 4 KiB
 * frame (include/linux/mm_types.h and page-flags.h of v5.15, kernel-spec
 * §6.1), the shared zero page, deterministic allocation (lowest free pfn).
 */
#ifndef RMAPFS_PAGE_H
#define RMAPFS_PAGE_H

#include <stdbool.h>
#include <stdint.h>
#include "mm_types.h"

/* Page flag bits (x86_64 numbering, kernel-spec §6.1). */
enum pageflags {
	PG_locked = 0,
	PG_referenced = 1,
	PG_uptodate = 2,
	PG_dirty = 3,
	PG_lru = 4,
	PG_active = 5,
	PG_workingset = 6,
	PG_error = 8,
	PG_owner_priv_1 = 10,	/* PG_swapcache for swap-backed pages */
	PG_reserved = 12,
	PG_private = 13,
	PG_writeback = 15,
	PG_reclaim = 18,
	PG_swapbacked = 19,
	PG_unevictable = 20,
	PG_mlocked = 21,
	PG_young = 23,		/* idle tracking */
	PG_idle = 24,
	PG_offline = 27,	/* rmapfs's bit for PageOffline, a page type
				 * in the kernel (kept in _mapcount there) */
};
#define PG_swapcache PG_owner_priv_1
#define PG_isolated PG_reclaim	/* non-LRU movable pages: off their list */

/* page->mapping tag bits */
#define PAGE_MAPPING_ANON	0x1UL
#define PAGE_MAPPING_MOVABLE	0x2UL
#define PAGE_MAPPING_KSM	(PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS	0x3UL

/*
 * struct page - the state of one frame: 56 bytes (the kernel's is 64).
 * Owner: the sim's frame array. A frame is free when _refcount == 0 and
 * it is not the zero page.
 */
struct page {
	uint32_t flags;		/* 1 << PG_* */
	int32_t _refcount;	/* 0: free */
	int32_t _mapcount;	/* PTE mappings - 1; -1 unmapped */
	uint32_t lru_prev;	/* LRU list links, by pfn */
	uint32_t lru_next;
	uintptr_t mapping;	/* anon_vma|1, stable node|3, inode, or 0 */
	unsigned long index;	/* anon: linear page index; file: offset */
	uint64_t content;	/* the simulated contents of the frame */
	unsigned long private;	/* swap entry while in swap cache */
};

struct sim;

/* A list of frames linked by pfn through page->lru_prev/lru_next, as the
 * kernel links pages through page->lru; pfn 0 (the zero page, never on a
 * list) ends it. The LRU lists and the balloon's list are such lists. */
struct page_list {
	uint32_t head, tail;	/* newest, oldest */
	unsigned long count;
};
/* list_add: @page becomes the head. */
void page_list_add(struct sim *sim, struct page_list *l, struct page *page);
void page_list_del(struct sim *sim, struct page_list *l, struct page *page);

/* The machine's frames: allocated in sim_new. */
struct page *pfn_to_page(struct sim *sim, unsigned long pfn);
unsigned long page_to_pfn(struct sim *sim, const struct page *page);
/* The one shared zero page (pfn 0, PG_reserved, never counted). */
struct page *zero_page(struct sim *sim);
bool is_zero_pfn(unsigned long pfn);

/* alloc_page - the lowest free frame, refcount 1, zero contents.
 * Return: the page, or NULL when every frame is in use. */
struct page *alloc_page(struct sim *sim);
/* put_page - drop a reference; the frame is freed at 0. */
void put_page(struct sim *sim, struct page *page);
void get_page(struct page *page);
unsigned long nr_free_frames(struct sim *sim);

static inline bool PageTest(const struct page *p, int bit)
{
	return p->flags & (1U << bit);
}
static inline void SetPage(struct page *p, int bit)
{
	p->flags |= 1U << bit;
}
static inline void ClearPage(struct page *p, int bit)
{
	p->flags &= ~(1U << bit);
}
static inline bool PageAnon(const struct page *p)
{
	return p->mapping & PAGE_MAPPING_ANON;
}
static inline bool PageKsm(const struct page *p)
{
	return (p->mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM;
}
static inline struct anon_vma *page_anon_vma(const struct page *p)
{
	if ((p->mapping & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_ANON)
		return NULL;
	return (struct anon_vma *)(p->mapping - PAGE_MAPPING_ANON);
}
static inline int page_mapcount(const struct page *p)
{
	return p->_mapcount + 1;
}
static inline bool page_mapped(const struct page *p)
{
	return p->_mapcount >= 0;
}

#endif
