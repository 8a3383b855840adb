/* include/swap.h - the simulated swap device and swap cache (core/swap.c). */
#ifndef RMAPFS_SWAP_H
#define RMAPFS_SWAP_H

#include <stdbool.h>
#include <stdint.h>
#include "strbuf.h"

struct sim;
struct page;

/* struct swap_info - one swap device; slot 0 is the header. */
struct swap_info {
	unsigned long max;	/* slots including the header */
	uint32_t *count;	/* references per slot (swap PTEs, shmem slots) */
	uint32_t *cache;	/* the swap cache: pfn + 1 of the page, or 0 */
	uint64_t *data;		/* the content written to the slot */
	unsigned long inuse;	/* slots in use (counted or cached) */
	unsigned long hint;	/* no free slot below this */
};

int swap_init(struct sim *sim);
void swap_release(struct sim *sim);
int add_to_swap(struct sim *sim, struct page *page);
void delete_from_swap_cache(struct sim *sim, struct page *page);
struct page *lookup_swap_cache(struct sim *sim, unsigned long off);
void swap_duplicate(struct sim *sim, unsigned long off);
void swap_free(struct sim *sim, unsigned long off);
unsigned long swap_count(struct sim *sim, unsigned long off);
void free_swap_and_cache(struct sim *sim, unsigned long off);
bool try_to_free_swap(struct sim *sim, struct page *page);
bool reuse_swap_page(struct sim *sim, struct page *page);
void swap_writepage(struct sim *sim, struct page *page);
struct page *swapin_page(struct sim *sim, unsigned long off, bool fault);
unsigned long swap_slots_free(struct sim *sim);
bool vm_swap_full(struct sim *sim);
void show_swaps(struct strbuf *m, struct sim *sim);

#endif
