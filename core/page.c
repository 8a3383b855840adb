/* core/page.c - the simulated physical memory: frames 0 .. N-1, one struct
 * page each, pfn 0 the shared zero page (PG_reserved, never counted).
 * Allocation is deterministic, always the lowest free pfn, found through a
 * two-level bitmap (a bit per frame, and a bit per 64-frame word that
 * still has a free frame), so it stays fast at millions of frames.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"
#include "ksm.h"
#include "page.h"
#include "vmscan.h"

#define BITS 64UL

static void set_free(struct sim *sim, unsigned long pfn)
{
	unsigned long w = pfn / BITS;

	sim->free_map[w] |= 1ULL << (pfn % BITS);
	sim->free_summary[w / BITS] |= 1ULL << (w % BITS);
}

static void clear_free(struct sim *sim, unsigned long pfn)
{
	unsigned long w = pfn / BITS;

	sim->free_map[w] &= ~(1ULL << (pfn % BITS));
	if (!sim->free_map[w])
		sim->free_summary[w / BITS] &= ~(1ULL << (w % BITS));
}

/* frames_init - all frames free but pfn 0, the zero page. */
int frames_init(struct sim *sim)
{
	unsigned long n = sim->opt.frames, words = (n + BITS - 1) / BITS, pfn;

	sim->pages = calloc(n, sizeof(struct page));
	sim->free_map = calloc(words, sizeof(uint64_t));
	sim->free_summary = calloc((words + BITS - 1) / BITS, sizeof(uint64_t));
	if (!sim->pages || !sim->free_map || !sim->free_summary)
		return -ENOMEM;
	for (pfn = 1; pfn < n; pfn++) {
		sim->pages[pfn]._mapcount = -1;
		set_free(sim, pfn);
	}
	sim->nr_free = n - 1;
	sim->free_hint = 1;
	sim->pages[0].flags = 1U << PG_reserved | 1U << PG_uptodate;
	sim->pages[0]._refcount = 1;
	sim->pages[0]._mapcount = -1;
	sim->vmstat[NR_FREE_PAGES] = sim->nr_free;
	return 0;
}

void frames_release(struct sim *sim)
{
	free(sim->pages);
	free(sim->free_map);
	free(sim->free_summary);
}

struct page *pfn_to_page(struct sim *sim, unsigned long pfn)
{
	return &sim->pages[pfn];
}

unsigned long page_to_pfn(struct sim *sim, const struct page *page)
{
	return (unsigned long)(page - sim->pages);
}

struct page *zero_page(struct sim *sim)
{
	return &sim->pages[0];
}

bool is_zero_pfn(unsigned long pfn)
{
	return pfn == 0;
}

unsigned long nr_free_frames(struct sim *sim)
{
	return sim->nr_free;
}

/* The lowest set bit at or above @pfn, or -1UL. */
static unsigned long find_free(struct sim *sim, unsigned long from)
{
	unsigned long words = (sim->opt.frames + BITS - 1) / BITS;
	unsigned long w = from / BITS, s;
	uint64_t bits;

	if (w >= words)
		return -1UL;
	bits = sim->free_map[w] & (~0ULL << (from % BITS));
	if (bits)
		return w * BITS + (unsigned long)__builtin_ctzll(bits);
	/* next word with a free frame, through the summary */
	w++;
	for (s = w / BITS; s * BITS < words; s++) {
		bits = sim->free_summary[s];
		if (s == w / BITS)
			bits &= ~0ULL << (w % BITS);
		if (bits) {
			w = s * BITS + (unsigned long)__builtin_ctzll(bits);
			return w * BITS +
			       (unsigned long)__builtin_ctzll(sim->free_map[w]);
		}
	}
	return -1UL;
}

struct page *alloc_page(struct sim *sim)
{
	unsigned long pfn = find_free(sim, sim->free_hint);
	struct page *page;

	if (pfn == -1UL)
		return NULL;
	clear_free(sim, pfn);
	sim->free_hint = pfn + 1;
	sim->nr_free--;
	sim->vmstat[NR_FREE_PAGES] = sim->nr_free;
	page = &sim->pages[pfn];
	memset(page, 0, sizeof(*page));
	page->_refcount = 1;
	page->_mapcount = -1;
	page->flags = 1U << PG_uptodate;
	return page;
}

static void free_frame(struct sim *sim, struct page *page)
{
	unsigned long pfn = page_to_pfn(sim, page);

	ksm_page_freed(sim, page);	/* a KSM page takes its stable node */
	if (PageTest(page, PG_lru))
		lru_del(sim, page);
	if (PageTest(page, PG_mlocked))
		sim->vmstat[UNEVICTABLE_PGS_MUNLOCKED]++;
	memset(page, 0, sizeof(*page));
	page->_mapcount = -1;
	set_free(sim, pfn);
	if (pfn < sim->free_hint)
		sim->free_hint = pfn;
	sim->nr_free++;
	sim->vmstat[NR_FREE_PAGES] = sim->nr_free;
}

void get_page(struct page *page)
{
	page->_refcount++;
}

void page_list_add(struct sim *sim, struct page_list *l, struct page *page)
{
	uint32_t pfn = (uint32_t)page_to_pfn(sim, page);

	page->lru_prev = 0;
	page->lru_next = l->head;
	if (l->head)
		pfn_to_page(sim, l->head)->lru_prev = pfn;
	else
		l->tail = pfn;
	l->head = pfn;
	l->count++;
}

void page_list_del(struct sim *sim, struct page_list *l, struct page *page)
{
	if (page->lru_prev)
		pfn_to_page(sim, page->lru_prev)->lru_next = page->lru_next;
	else
		l->head = page->lru_next;
	if (page->lru_next)
		pfn_to_page(sim, page->lru_next)->lru_prev = page->lru_prev;
	else
		l->tail = page->lru_prev;
	page->lru_prev = page->lru_next = 0;
	l->count--;
}

void put_page(struct sim *sim, struct page *page)
{
	if (PageTest(page, PG_reserved))
		return;		/* the zero page is never freed */
	if (--page->_refcount == 0)
		free_frame(sim, page);
}
