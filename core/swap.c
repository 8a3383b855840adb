/* core/swap.c - one simulated swap device and the swap cache, as
 * mm/swapfile.c and mm/swap_state.c of v5.15: slots with a reference
 * count (one per swap PTE or shmem slot), the swap cache (entry -> page,
 * holding its own page reference and PG_swapcache), add_to_swap,
 * swap_duplicate, swap_free, free_swap_and_cache, try_to_free_swap,
 * reuse_swap_page, and the "I/O" (a slot keeps the page's content value).
 * Slot 0 is the swap header and never used; slots are handed out lowest
 * first, so runs are deterministic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "swap.h"

int swap_init(struct sim *sim)
{
	struct swap_info *si = &sim->swap;

	si->max = sim->opt.swap_slots + 1;	/* + the header slot */
	si->count = calloc(si->max, sizeof(*si->count));
	si->cache = calloc(si->max, sizeof(*si->cache));
	si->data = calloc(si->max, sizeof(*si->data));
	if (!si->count || !si->cache || !si->data)
		return -ENOMEM;
	si->hint = 1;
	return 0;
}

void swap_release(struct sim *sim)
{
	free(sim->swap.count);
	free(sim->swap.cache);
	free(sim->swap.data);
}

static bool slot_free(const struct swap_info *si, unsigned long off)
{
	return !si->count[off] && !si->cache[off];
}

static void slot_maybe_free(struct sim *sim, unsigned long off)
{
	struct swap_info *si = &sim->swap;

	if (slot_free(si, off)) {
		si->inuse--;
		si->data[off] = 0;
		if (off < si->hint)
			si->hint = off;
	}
}

/* get_swap_page - the lowest free slot. Return: its offset, or 0. */
static unsigned long get_swap_page(struct sim *sim)
{
	struct swap_info *si = &sim->swap;
	unsigned long off;

	for (off = si->hint; off < si->max; off++)
		if (slot_free(si, off)) {
			si->hint = off + 1;
			si->inuse++;
			return off;
		}
	return 0;
}

unsigned long swap_slots_free(struct sim *sim)
{
	return sim->swap.max - 1 - sim->swap.inuse;
}

/* vm_swap_full: more than half of swap in use. */
bool vm_swap_full(struct sim *sim)
{
	return sim->swap.inuse * 2 > sim->swap.max - 1;
}

struct page *lookup_swap_cache(struct sim *sim, unsigned long off)
{
	uint32_t pfn1 = sim->swap.cache[off];

	return pfn1 ? pfn_to_page(sim, pfn1 - 1) : NULL;
}

/* __add_to_swap_cache - @page now caches slot @off (one more reference). */
static void __add_to_swap_cache(struct sim *sim, struct page *page,
				unsigned long off)
{
	get_page(page);
	SetPage(page, PG_swapcache);
	page->private = off;
	sim->swap.cache[off] = (uint32_t)(page_to_pfn(sim, page) + 1);
	sim->vmstat[NR_SWAPCACHE]++;
	sim->vmstat[NR_FILE_PAGES]++;	/* add_to_swap_cache counts both */
}

/*
 * add_to_swap - give an anonymous (or shmem) page a slot and put it in the
 * swap cache; dirty, so reclaim writes it. Return: 0, or -ENOMEM when
 * swap is full.
 */
int add_to_swap(struct sim *sim, struct page *page)
{
	unsigned long off = get_swap_page(sim);

	if (!off)
		return -ENOMEM;
	__add_to_swap_cache(sim, page, off);
	SetPage(page, PG_dirty);
	trace(sim, "add_to_swap", "pfn %lu -> swap slot %lu",
	      page_to_pfn(sim, page), off);
	return 0;
}

void delete_from_swap_cache(struct sim *sim, struct page *page)
{
	unsigned long off = page->private;

	sim->swap.cache[off] = 0;
	ClearPage(page, PG_swapcache);
	page->private = 0;
	sim->vmstat[NR_SWAPCACHE]--;
	sim->vmstat[NR_FILE_PAGES]--;
	slot_maybe_free(sim, off);
	put_page(sim, page);
}

/* swap_duplicate - one more swap PTE (or shmem slot) refers to @off. */
void swap_duplicate(struct sim *sim, unsigned long off)
{
	sim->swap.count[off]++;
}

/* swap_free - one reference less; the slot frees with the last one and
 * no swap cache page. */
void swap_free(struct sim *sim, unsigned long off)
{
	sim->swap.count[off]--;
	slot_maybe_free(sim, off);
}

unsigned long swap_count(struct sim *sim, unsigned long off)
{
	return sim->swap.count[off];
}

/*
 * try_to_free_swap - drop @page from the swap cache if no PTE refers to
 * its slot any more. Return: true if it was dropped.
 */
bool try_to_free_swap(struct sim *sim, struct page *page)
{
	if (!PageTest(page, PG_swapcache) || PageTest(page, PG_writeback))
		return false;
	if (sim->swap.count[page->private])
		return false;
	delete_from_swap_cache(sim, page);
	return true;
}

/*
 * free_swap_and_cache - a swap PTE goes (zap): drop its reference; a
 * swap-cache page nobody maps any more leaves the cache (and is freed).
 */
void free_swap_and_cache(struct sim *sim, unsigned long off)
{
	struct page *page;

	swap_free(sim, off);
	page = lookup_swap_cache(sim, off);
	if (page && !page_mapped(page) &&
	    (!sim->swap.count[off] || vm_swap_full(sim)))
		try_to_free_swap(sim, page);
}

/*
 * reuse_swap_page - v5.15: a swap-cache page is exclusive when its
 * mapcount plus the slot's swap count is at most 1; then it leaves the
 * swap cache and is dirtied (its copy on swap is stale from now on).
 */
bool reuse_swap_page(struct sim *sim, struct page *page)
{
	unsigned long count = (unsigned long)page_mapcount(page);

	if (PageKsm(page))
		return false;
	if (PageTest(page, PG_swapcache))
		count += sim->swap.count[page->private];
	if (count <= 1 && PageTest(page, PG_swapcache) &&
	    !PageTest(page, PG_writeback)) {
		delete_from_swap_cache(sim, page);
		SetPage(page, PG_dirty);
	}
	return count <= 1;
}

/* swap_writepage - "write" the page to its slot. */
void swap_writepage(struct sim *sim, struct page *page)
{
	sim->swap.data[page->private] = page->content;
	ClearPage(page, PG_dirty);
	sim->vmstat[PSWPOUT]++;
	trace(sim, "swap_writepage", "pfn %lu -> slot %lu",
	      page_to_pfn(sim, page), page->private);
}

/*
 * swapin_page - a fresh page read from slot @off into the swap cache (a
 * major fault when @fault). The caller checked a frame is free.
 * Return: the page, holding the caller's reference and the cache's.
 */
struct page *swapin_page(struct sim *sim, unsigned long off, bool fault)
{
	struct page *page = alloc_page(sim);

	if (!page)
		return NULL;
	page->content = sim->swap.data[off];
	SetPage(page, PG_swapbacked);
	__add_to_swap_cache(sim, page, off);
	sim->vmstat[PSWPIN]++;
	if (fault)
		sim->vmstat[PGMAJFAULT]++;	/* read(2) passes no fault_type */
	trace(sim, "swap_readpage", "slot %lu -> pfn %lu", off,
	      page_to_pfn(sim, page));
	return page;
}

/* /swaps, as /proc/swaps prints it (one simulated device). */
void show_swaps(struct strbuf *m, struct sim *sim)
{
	struct swap_info *si = &sim->swap;
	size_t line;

	strbuf_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (si->max <= 1)
		return;
	/* swap_show: the path padded to 40, then "%s\t%u\t%s%u\t%s%d" with a
	 * second tab after numbers below 10000000 */
	line = m->len;
	strbuf_puts(m, "/dev/rmapfs-swap");
	strbuf_pad_to(m, line, 40);
	strbuf_printf(m, "partition\t%lu\t%s%lu\t%s%d\n", (si->max - 1) << 2,
		      ((si->max - 1) << 2) < 10000000 ? "\t" : "", si->inuse << 2,
		      (si->inuse << 2) < 10000000 ? "\t" : "", -2);
}
