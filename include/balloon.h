/* include/balloon.h - a memory balloon (drivers/virtio/virtio_balloon.c
 * with mm/balloon_compaction.c of v5.15): the simulation's owner of the
 * fourth kind of page that rmap knows, the non-LRU movable page. Its
 * page->mapping is the balloon's address_space tagged PAGE_MAPPING_MOVABLE;
 * no PTE ever maps it, so an rmap walk finds nothing, and it is migrated
 * by its driver's callbacks (isolate_page, migratepage, putback_page)
 * instead of through try_to_migrate.
 */
#ifndef RMAPFS_BALLOON_H
#define RMAPFS_BALLOON_H

#include <stdbool.h>
#include <stdint.h>

#include "page.h"

struct sim;
struct strbuf;

/* struct balloon_dev_info - the balloon's pages, newest first (list_add),
 * on a page_list as the kernel links them through page->lru. */
struct balloon_dev_info {
	struct page_list pages;		/* .count is num_pages */
	unsigned long isolated_pages;	/* taken off it by migration */
	unsigned long inflated, deflated, migrated;	/* events, for /balloon */
};

/* __PageMovable: a non-LRU movable page (mapping tag 2). */
bool PageMovable(const struct page *page);
/* Is @page in (or isolated from) the balloon of @sim? Its mapping is
 * &sim->balloon, tagged: the balloon stands for its address_space. */
bool balloon_page(struct sim *sim, const struct page *page);

/* fill_balloon: N pages into the balloon, all or none. Return: 0 or
 * -ENOMEM (fewer than N frames free). */
int balloon_inflate(struct sim *sim, unsigned long n);
/* leak_balloon: up to N pages back, newest first; isolated pages stay.
 * Return: how many were released. */
unsigned long balloon_deflate(struct sim *sim, unsigned long n);

/* The movable_operations of the balloon's mapping (used by migrate). */
void balloon_page_isolate(struct sim *sim, struct page *page);
void balloon_page_migrate(struct sim *sim, struct page *new, struct page *old);

/* /balloon */
void show_balloon(struct strbuf *m, struct sim *sim);
/* sim_check's part: the list, the counters and every balloon page. */
int balloon_check(struct sim *sim, struct strbuf *why);

#endif
