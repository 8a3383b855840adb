/* core/balloon.c - the memory balloon: virtio_balloon's fill_balloon and
 * leak_balloon over mm/balloon_compaction.c (v5.15), the simulation's
 * owner of non-LRU movable pages (kernel-spec §6.1: mapping tagged
 * PAGE_MAPPING_MOVABLE). A balloon page belongs to the host: the guest
 * neither maps it nor reclaims it (it is on no LRU list), and without
 * VIRTIO_BALLOON_F_DEFLATE_ON_OOM (QEMU's default) it leaves totalram, so
 * /meminfo's MemTotal shrinks by it. It can still be migrated, which is
 * what balloon compaction exists for: isolate_movable_page takes it off
 * the balloon's list, and the mapping's migratepage moves it.
 */
#include <errno.h>

#include "balloon.h"
#include "mm_internal.h"
#include "page.h"
#include "strbuf.h"

bool PageMovable(const struct page *page)
{
	return (page->mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_MOVABLE;
}

static uintptr_t balloon_mapping(struct sim *sim)
{
	return (uintptr_t)&sim->balloon | PAGE_MAPPING_MOVABLE;
}

bool balloon_page(struct sim *sim, const struct page *page)
{
	return page->mapping == balloon_mapping(sim);
}

/* balloon_page_insert: PageOffline, movable with the balloon's mapping,
 * on its list. The allocation reference is the balloon's. */
static void balloon_page_insert(struct sim *sim, struct page *page)
{
	/* balloon_page_alloc is a bare alloc_page: no contents are promised
	 * (alloc_page here marks every frame uptodate; not this one) */
	ClearPage(page, PG_uptodate);
	SetPage(page, PG_offline);
	page->mapping = balloon_mapping(sim);
	page_list_add(sim, &sim->balloon.pages, page);
}

/* balloon_page_delete: the page leaves the balloon (not the list: a page
 * taken from the list is unlisted by the caller). */
static void balloon_page_delete(struct page *page)
{
	ClearPage(page, PG_offline);
	ClearPage(page, PG_isolated);
	page->mapping = 0;
}

int balloon_inflate(struct sim *sim, unsigned long n)
{
	unsigned long i;

	if (nr_free_frames(sim) < n)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct page *page = alloc_page(sim);	/* cannot fail: counted */

		balloon_page_insert(sim, page);
	}
	sim->balloon.inflated += n;
	trace(sim, "fill_balloon", "%lu pages in, %lu in the balloon", n,
	      sim->balloon.pages.count);
	return 0;
}

unsigned long balloon_deflate(struct sim *sim, unsigned long n)
{
	struct balloon_dev_info *b = &sim->balloon;
	unsigned long done = 0;

	/* balloon_page_list_dequeue: from the head, isolated pages are off
	 * the list already */
	while (done < n && b->pages.head) {
		struct page *page = pfn_to_page(sim, b->pages.head);

		page_list_del(sim, &sim->balloon.pages, page);
		balloon_page_delete(page);
		put_page(sim, page);	/* release_pages_balloon */
		done++;
	}
	b->deflated += done;
	trace(sim, "leak_balloon", "%lu pages out, %lu in the balloon", done,
	      b->pages.count);
	return done;
}

/* balloon_page_isolate: off the list, counted as isolated (PG_isolated
 * is set by isolate_movable_page). */
void balloon_page_isolate(struct sim *sim, struct page *page)
{
	page_list_del(sim, &sim->balloon.pages, page);
	SetPage(page, PG_isolated);
	sim->balloon.isolated_pages++;
}

/*
 * balloon_page_migrate (virtio_balloon_migratepage): @new joins the
 * balloon in @old's place (the host is told about both), @old leaves it
 * and loses the balloon's reference. The caller still holds its
 * isolation reference on @old and the allocation reference on @new,
 * which becomes the balloon's.
 */
void balloon_page_migrate(struct sim *sim, struct page *new, struct page *old)
{
	balloon_page_insert(sim, new);
	sim->balloon.isolated_pages--;
	balloon_page_delete(old);
	put_page(sim, old);		/* the balloon's reference */
	sim->balloon.migrated++;
}

void show_balloon(struct strbuf *m, struct sim *sim)
{
	struct balloon_dev_info *b = &sim->balloon;
	uint32_t pfn;

	strbuf_printf(m, "num_pages:\t%lu\nisolated_pages:\t%lu\ninflated:\t%lu\n"
		      "deflated:\t%lu\nmigrated:\t%lu\npfns:\t",
		      b->pages.count, b->isolated_pages, b->inflated, b->deflated,
		      b->migrated);
	for (pfn = b->pages.head; pfn; pfn = pfn_to_page(sim, pfn)->lru_next)
		strbuf_printf(m, "%s%u", pfn == b->pages.head ? "" : " ", pfn);
	strbuf_putc(m, '\n');
}

int balloon_check(struct sim *sim, struct strbuf *why)
{
	struct balloon_dev_info *b = &sim->balloon;
	unsigned long listed = 0, isolated = 0, pfn;
	uint32_t prev = 0, p;

	for (p = b->pages.head; p; prev = p, p = pfn_to_page(sim, p)->lru_next) {
		struct page *page = pfn_to_page(sim, p);

		if (p >= sim->opt.frames || ++listed > b->pages.count) {
			strbuf_printf(why, "balloon: list longer than num_pages %lu",
				      b->pages.count);
			return -EUCLEAN;
		}
		if (page->lru_prev != prev || !balloon_page(sim, page) ||
		    PageTest(page, PG_isolated)) {
			strbuf_printf(why, "balloon: pfn %u badly listed", p);
			return -EUCLEAN;
		}
	}
	if (listed != b->pages.count || prev != b->pages.tail) {
		strbuf_printf(why, "balloon: %lu listed, num_pages %lu", listed,
			      b->pages.count);
		return -EUCLEAN;
	}
	for (pfn = 1; pfn < sim->opt.frames; pfn++) {
		struct page *page = pfn_to_page(sim, pfn);

		if (!PageMovable(page) && !PageTest(page, PG_offline))
			continue;
		if (!balloon_page(sim, page) || !PageTest(page, PG_offline) ||
		    page_mapped(page) || PageTest(page, PG_lru) ||
		    page->_refcount != 1 + PageTest(page, PG_isolated)) {
			strbuf_printf(why, "balloon: pfn %lu: not a sound balloon page "
				      "(refcount %d)", pfn, page->_refcount);
			return -EUCLEAN;
		}
		isolated += PageTest(page, PG_isolated);
	}
	if (isolated != b->isolated_pages) {
		strbuf_printf(why, "balloon: %lu pages isolated, counter says %lu",
			      isolated, b->isolated_pages);
		return -EUCLEAN;
	}
	return 0;
}
