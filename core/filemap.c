/* core/filemap.c - the page cache of simulated files and shmem objects
 * (mm/filemap.c and mm/shmem.c, kernel-spec §11): index -> page, in a
 * two-level array (chunks of 512 entries made on first use). Files are
 * tmpfs-like: their pages are swap-backed (RssShmem, nr_shmem), created
 * zero-filled on first fault or write, and keep their contents; reclaim
 * moves them to swap (shmem_writepage), leaving a swap entry in their
 * cache slot that the next fault, read or write swaps back in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filemap.h"
#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "swap.h"
#include "vmscan.h"

#define CHUNK 512UL
#define SLOT_SWAP 0x80000000U	/* slot holds a swap offset, not pfn + 1 */

static int chunk_cmp(struct page_chunk *a, struct page_chunk *b)
{
	return a->base < b->base ? -1 : a->base > b->base;
}

RB_GENERATE_STATIC(page_chunk_tree, page_chunk, rb, chunk_cmp)

static struct page_chunk *chunk_of(struct inode *inode, unsigned long index)
{
	struct page_chunk key;

	key.base = index & ~(CHUNK - 1);
	return page_chunk_tree_RB_FIND(&inode->i_pages, &key);
}

/* The slot of @index, or NULL when its chunk was never made. */
uint32_t *page_cache_slot(struct inode *inode, unsigned long index)
{
	struct page_chunk *c = chunk_of(inode, index);

	return c ? &c->slot[index % CHUNK] : NULL;
}

static uint32_t *slot_of(struct inode *inode, unsigned long index)
{
	return page_cache_slot(inode, index);
}

/* Visit every non-empty slot in index order. */
void page_cache_for_each_slot(struct inode *inode,
			      void (*fn)(unsigned long index, uint32_t *slot,
					 void *arg), void *arg)
{
	struct page_chunk *c;
	unsigned long i;

	RB_FOREACH(c, page_chunk_tree, &inode->i_pages)
		for (i = 0; i < CHUNK; i++)
			if (c->slot[i])
				fn(c->base + i, &c->slot[i], arg);
}

/* The swap offset in @index's slot, or 0. */
unsigned long shmem_swap_entry(struct inode *inode, unsigned long index)
{
	uint32_t *slot = slot_of(inode, index);

	return slot && (*slot & SLOT_SWAP) ? *slot & ~SLOT_SWAP : 0;
}

unsigned long inode_nrpages(struct inode *inode)
{
	return inode->nrpages;
}

struct page *find_get_page(struct sim *sim, struct inode *inode,
			   unsigned long index)
{
	uint32_t *slot = slot_of(inode, index);

	if (!slot || !*slot || (*slot & SLOT_SWAP))
		return NULL;
	return pfn_to_page(sim, *slot - 1);
}

/*
 * filemap_prepare - make room for @index in @inode's cache.
 * Return: 0, or -ENOMEM (the cache's contents unchanged).
 */
int filemap_prepare(struct inode *inode, unsigned long index)
{
	struct page_chunk *c;

	if (chunk_of(inode, index))
		return 0;
	c = rm_calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->base = index & ~(CHUNK - 1);
	page_chunk_tree_RB_INSERT(&inode->i_pages, c);
	return 0;
}

/*
 * shmem_add_to_page_cache - a fresh zero-filled page at @index; the cache
 * holds one reference. The caller did filemap_prepare and found a frame.
 */
struct page *shmem_alloc_cache_page(struct sim *sim, struct inode *inode,
				    unsigned long index)
{
	struct page *page = alloc_page(sim);

	if (!page)
		return NULL;
	SetPage(page, PG_swapbacked);
	SetPage(page, PG_uptodate);
	page->mapping = (uintptr_t)inode;
	page->index = index;
	*slot_of(inode, index) = (uint32_t)(page_to_pfn(sim, page) + 1);
	inode->nrpages++;
	sim->vmstat[NR_FILE_PAGES]++;
	sim->vmstat[NR_SHMEM]++;
	return page;
}

/* Put @page (swap-backed, uptodate) in @inode's cache at @index; the
 * cache takes its own reference. The slot was made by filemap_prepare. */
static void add_to_page_cache(struct sim *sim, struct inode *inode,
			      struct page *page, unsigned long index)
{
	get_page(page);
	page->mapping = (uintptr_t)inode;
	page->index = index;
	*slot_of(inode, index) = (uint32_t)(page_to_pfn(sim, page) + 1);
	inode->nrpages++;
	sim->vmstat[NR_FILE_PAGES]++;
	sim->vmstat[NR_SHMEM]++;
}

/*
 * shmem_swapin_or_alloc - shmem_getpage for a slot with no page: swap the
 * page back in if the slot holds a swap entry (from the swap cache, or
 * read: a major fault), else a fresh zero-filled page. The page leaves
 * the swap cache and is dirty, as shmem_swapin_page leaves it.
 * The caller made the slot and checked that a frame is free.
 */
struct page *shmem_swapin_or_alloc(struct sim *sim, struct inode *inode,
				   unsigned long index, bool fault)
{
	unsigned long off = shmem_swap_entry(inode, index);
	struct page *page;

	if (!off) {
		page = shmem_alloc_cache_page(sim, inode, index);
		lru_cache_add(sim, page, NULL);
		trace(sim, "shmem_getpage", "%s index %lu: new pfn %lu",
		      inode->path, index, page_to_pfn(sim, page));
		return page;
	}
	page = lookup_swap_cache(sim, off);
	if (page) {
		get_page(page);
	} else {
		page = swapin_page(sim, off, fault);
		lru_cache_add(sim, page, NULL);
	}
	inode->swapped--;
	add_to_page_cache(sim, inode, page, index);
	delete_from_swap_cache(sim, page);
	SetPage(page, PG_dirty);
	swap_free(sim, off);	/* the slot's shmem reference */
	put_page(sim, page);	/* ours: the cache holds it now */
	trace(sim, "shmem_swapin_page", "%s index %lu: slot %lu -> pfn %lu",
	      inode->path, index, off, page_to_pfn(sim, page));
	return page;
}

/*
 * shmem_writepage - an unmapped tmpfs page goes to swap: it gets a slot
 * and enters the swap cache, its cache slot becomes the swap entry (one
 * swap reference), and it leaves the page cache. Reclaim then writes it
 * and frees the frame. Return: 0, or -ENOMEM when swap is full.
 */
int shmem_writepage(struct sim *sim, struct page *page)
{
	struct inode *inode = (struct inode *)page->mapping;
	unsigned long index = page->index, off;

	if (add_to_swap(sim, page))
		return -ENOMEM;
	off = page->private;
	swap_duplicate(sim, off);	/* swap_shmem_alloc: the slot's ref */
	*slot_of(inode, index) = SLOT_SWAP | (uint32_t)off;
	inode->nrpages--;
	inode->swapped++;
	sim->vmstat[NR_FILE_PAGES]--;
	sim->vmstat[NR_SHMEM]--;
	page->mapping = 0;
	put_page(sim, page);		/* the page cache's reference */
	trace(sim, "shmem_writepage", "%s index %lu: pfn %lu -> slot %lu",
	      inode->path, index, page_to_pfn(sim, page), off);
	return 0;
}

void filemap_for_each(struct sim *sim, struct inode *inode,
		      void (*fn)(struct page *page, void *arg), void *arg)
{
	struct page_chunk *c;
	unsigned long i;

	RB_FOREACH(c, page_chunk_tree, &inode->i_pages)
		for (i = 0; i < CHUNK; i++)
			if (c->slot[i] && !(c->slot[i] & SLOT_SWAP))
				fn(pfn_to_page(sim, c->slot[i] - 1), arg);
}

/* The inode is going: drop the cache's references (nothing maps it). */
void truncate_inode_pages_final(struct sim *sim, struct inode *inode)
{
	struct page_chunk *c, *tmp;
	unsigned long i;

	RB_FOREACH_SAFE(c, page_chunk_tree, &inode->i_pages, tmp) {
		for (i = 0; i < CHUNK; i++) {
			uint32_t v = c->slot[i];

			if (!v)
				continue;
			if (v & SLOT_SWAP) {
				free_swap_and_cache(sim, v & ~SLOT_SWAP);
				continue;
			}
			put_page(sim, pfn_to_page(sim, v - 1));
			sim->vmstat[NR_FILE_PAGES]--;
			sim->vmstat[NR_SHMEM]--;
		}
		page_chunk_tree_RB_REMOVE(&inode->i_pages, c);
		free(c);
	}
	inode->nrpages = inode->swapped = 0;
}

/* ---- write(2), read(2), truncate(2) on a file (shmem_file_write_iter,
 * shmem_file_read_iter, shmem_setattr of mm/shmem.c) ---- */

#define MAX_FILE_SIZE	(1UL << 40)	/* rmapfs's own bound, for EFBIG */

/*
 * filemap_write - store @value in the page holding byte @offset, through
 * the page cache (the page is created if absent and dirtied); the file
 * grows to cover the 8 bytes written.
 * Return: 0, -EFBIG, or -ENOMEM with nothing changed.
 */
int filemap_write(struct sim *sim, struct inode *inode, unsigned long offset,
		  uint64_t value)
{
	unsigned long index = offset >> PAGE_SHIFT;
	struct page *page;
	int err;

	if (offset > MAX_FILE_SIZE - 8)
		return -EFBIG;
	page = find_get_page(sim, inode, index);
	if (!page) {
		err = filemap_prepare(inode, index);
		if (err)
			return err;
		if (!nr_free_frames(sim))
			return -ENOMEM;
		page = shmem_swapin_or_alloc(sim, inode, index, false);
	}
	page->content = value;
	SetPage(page, PG_dirty);
	if (inode->i_size < offset + 8)
		inode->i_size = offset + 8;
	trace(sim, "shmem_file_write_iter", "%s offset %lx: pfn %lu = %llu",
	      inode->path, offset, page_to_pfn(sim, page),
	      (unsigned long long)value);
	return 0;
}

/*
 * filemap_read - the value of the page holding byte @offset; a hole reads
 * as 0 without allocating (SGP_READ). Return: 0, or -ENXIO at or past
 * end of file (read(2) would return 0 bytes).
 */
int filemap_read(struct sim *sim, struct inode *inode, unsigned long offset,
		 uint64_t *value)
{
	struct page *page;

	if (offset >= inode->i_size)
		return -ENXIO;
	if (shmem_swap_entry(inode, offset >> PAGE_SHIFT)) {
		/* SGP_READ still swaps a swapped page back in */
		if (!nr_free_frames(sim) &&
		    !lookup_swap_cache(sim, shmem_swap_entry(inode, offset >> PAGE_SHIFT)))
			return -ENOMEM;
		shmem_swapin_or_alloc(sim, inode, offset >> PAGE_SHIFT, false);
	}
	page = find_get_page(sim, inode, offset >> PAGE_SHIFT);
	*value = page ? page->content : 0;
	if (page)
		mark_page_accessed(sim, page);
	return 0;
}

struct unmap_ctx {
	struct sim *sim;
	unsigned long first;	/* first page index to unmap */
};

/* unmap_mapping_range's per-VMA part: zap the addresses of the pages at
 * or past @first, private COW copies included (even_cows). */
static int unmap_one_vma(struct vm_area_struct *vma, void *arg)
{
	struct unmap_ctx *u = arg;
	unsigned long start = vma->vm_start;

	if (u->first > vma->vm_pgoff)
		start += (u->first - vma->vm_pgoff) << PAGE_SHIFT;
	if (start >= vma->vm_end)
		return 0;
	update_hiwater_rss(vma->vm_mm);
	unmap_page_range(vma, start, vma->vm_end);
	return 0;
}

void delete_from_page_cache(struct sim *sim, struct inode *inode,
			    struct page *page)
{
	unsigned long index = page->index;

	*slot_of(inode, index) = 0;
	inode->nrpages--;
	sim->vmstat[NR_FILE_PAGES]--;
	sim->vmstat[NR_SHMEM]--;
	page->mapping = 0;
	put_page(sim, page);	/* the cache's reference */
}

/*
 * shmem_truncate - set the size to @size. Shrinking unmaps every page
 * past the new end from every process through i_mmap (unmap_mapping_range
 * with even_cows, so private copies go too) and drops them from the cache.
 * Return: 0 or -EFBIG; cannot fail otherwise.
 */
int shmem_truncate(struct sim *sim, struct inode *inode, unsigned long size)
{
	unsigned long first = (size + PAGE_SIZE - 1) >> PAGE_SHIFT, i;
	struct unmap_ctx u = { sim, first };
	unsigned long dropped = 0;

	if (size > MAX_FILE_SIZE)
		return -EFBIG;
	if (size < inode->i_size) {
		migrate_wait_mapping(sim, inode, first);
		vma_interval_tree_foreach(&inode->i_mmap, first, ~0UL,
					  unmap_one_vma, &u);
		struct page_chunk *c;

		RB_FOREACH(c, page_chunk_tree, &inode->i_pages) {
			if (c->base + CHUNK <= first)
				continue;
			for (i = 0; i < CHUNK; i++) {
				unsigned long index = c->base + i;
				uint32_t v = c->slot[i];

				if (index < first || !v)
					continue;
				if (v & SLOT_SWAP) {
					/* shmem_free_swap */
					c->slot[i] = 0;
					inode->swapped--;
					free_swap_and_cache(sim, v & ~SLOT_SWAP);
				} else {
					delete_from_page_cache(sim, inode,
						pfn_to_page(sim, v - 1));
				}
				dropped++;
			}
		}
	}
	trace(sim, "shmem_setattr", "%s: size %lu -> %lu, %lu pages dropped",
	      inode->path, inode->i_size, size, dropped);
	inode->i_size = size;
	return 0;
}
