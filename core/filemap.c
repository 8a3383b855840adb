/* core/filemap.c - the page cache of simulated files and shmem objects
 * (mm/filemap.c and mm/shmem.c, kernel-spec §11): index -> page, in a
 * two-level array (chunks of 512 entries made on first use). Files are
 * tmpfs-like: their pages are swap-backed (RssShmem, nr_shmem), created
 * zero-filled on first fault or write, and keep their contents.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filemap.h"
#include "mm_internal.h"
#include "page.h"

#define CHUNK 512UL

unsigned long inode_nrpages(struct inode *inode)
{
	return inode->nrpages;
}

struct page *find_get_page(struct sim *sim, struct inode *inode,
			   unsigned long index)
{
	uint32_t *chunk;

	if (index / CHUNK >= inode->i_pages_chunks)
		return NULL;
	chunk = inode->i_pages[index / CHUNK];
	if (!chunk || !chunk[index % CHUNK])
		return NULL;
	return pfn_to_page(sim, chunk[index % CHUNK] - 1);
}

/*
 * filemap_prepare - make room for @index in @inode's cache.
 * Return: 0, or -ENOMEM (the cache's contents unchanged).
 */
int filemap_prepare(struct inode *inode, unsigned long index)
{
	unsigned long c = index / CHUNK;

	if (c >= inode->i_pages_chunks) {
		unsigned long n = c + 1;
		uint32_t **top = rm_realloc(inode->i_pages, n * sizeof(*top));

		if (!top)
			return -ENOMEM;
		memset(top + inode->i_pages_chunks, 0,
		       (n - inode->i_pages_chunks) * sizeof(*top));
		inode->i_pages = top;
		inode->i_pages_chunks = n;
	}
	if (!inode->i_pages[c]) {
		inode->i_pages[c] = rm_calloc(CHUNK, sizeof(uint32_t));
		if (!inode->i_pages[c])
			return -ENOMEM;
	}
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
	inode->i_pages[index / CHUNK][index % CHUNK] =
		(uint32_t)(page_to_pfn(sim, page) + 1);
	inode->nrpages++;
	sim->vmstat[NR_FILE_PAGES]++;
	sim->vmstat[NR_SHMEM]++;
	return page;
}

void filemap_for_each(struct sim *sim, struct inode *inode,
		      void (*fn)(struct page *page, void *arg), void *arg)
{
	unsigned long c, i;

	for (c = 0; c < inode->i_pages_chunks; c++) {
		if (!inode->i_pages[c])
			continue;
		for (i = 0; i < CHUNK; i++)
			if (inode->i_pages[c][i])
				fn(pfn_to_page(sim, inode->i_pages[c][i] - 1), arg);
	}
}

/* The inode is going: drop the cache's references (nothing maps it). */
void truncate_inode_pages_final(struct sim *sim, struct inode *inode)
{
	unsigned long c, i;

	for (c = 0; c < inode->i_pages_chunks; c++) {
		if (!inode->i_pages[c])
			continue;
		for (i = 0; i < CHUNK; i++) {
			if (!inode->i_pages[c][i])
				continue;
			put_page(sim, pfn_to_page(sim, inode->i_pages[c][i] - 1));
			sim->vmstat[NR_FILE_PAGES]--;
			sim->vmstat[NR_SHMEM]--;
		}
		free(inode->i_pages[c]);
	}
	free(inode->i_pages);
	inode->i_pages = NULL;
	inode->i_pages_chunks = inode->nrpages = 0;
}
