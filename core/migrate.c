/* core/migrate.c - moving a page to another frame, as unmap_and_move of
 * mm/migrate.c in v5.15 (kernel-spec §9.5): isolate the page, allocate
 * the new one, try_to_migrate (each PTE becomes a migration entry
 * carrying the old pfn, writable if the PTE was), move_to_new_page (the
 * contents, flags, mapping and index, and the page-cache or swap-cache
 * slot move over), remove_migration_ptes (each entry becomes a PTE of the
 * new page: old, soft-dirty kept, writable if the entry was and the VMA
 * is), free the old page. `migrate PFN hold` stops after try_to_migrate
 * so the entries can be seen in /PID/pagetable; `migrate PFN finish`
 * completes it. An access to a page under migration fails with EAGAIN.
 */
#include <errno.h>

#include "balloon.h"
#include "filemap.h"
#include "ksm.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "swap.h"
#include "vmscan.h"

static bool try_to_migrate_one(struct page *page, struct vm_area_struct *vma,
			       unsigned long address, void *arg)
{
	struct sim *sim = arg;
	pte_t *pte = page_vma_mapped(page, vma, address), orig;

	if (!pte)
		return true;
	orig = *pte;
	if (pte_dirty(orig))
		SetPage(page, PG_dirty);
	*pte = swp_entry_pte(pte_write(orig) ? SWP_MIGRATION_WRITE :
			     SWP_MIGRATION_READ, page_to_pfn(sim, page)) |
	       (orig & (_PAGE_SOFT_DIRTY | _PAGE_UFFD_WP));
	page_remove_rmap(sim, page);
	put_page(sim, page);
	return true;
}

static bool not_mapped(struct page *page, void *arg)
{
	(void)arg;
	return !page_mapped(page);
}

struct remove_arg {
	struct sim *sim;
	unsigned long old_pfn;
	struct page *new;
	int restored;
};

/* remove_migration_pte - on the walk of the *new* page's rmap. */
static bool remove_migration_pte(struct page *new, struct vm_area_struct *vma,
				 unsigned long address, void *arg)
{
	struct remove_arg *ra = arg;
	struct sim *sim = ra->sim;
	pte_t *pte = pte_offset(vma->vm_mm, address), entry;

	if (!pte || !is_migration_pte(*pte) || pte_swp_offset(*pte) != ra->old_pfn)
		return true;
	entry = mk_pte(page_to_pfn(sim, new), vma_page_prot(vma)) & ~_PAGE_ACCESSED;
	entry |= *pte & _PAGE_SOFT_DIRTY;
	if (pte_swp_type(*pte) == SWP_MIGRATION_WRITE && (vma->vm_flags & VM_WRITE))
		entry |= _PAGE_RW;
	get_page(new);
	*pte = entry;
	if (PageAnon(new))
		page_add_anon_rmap(new, vma, address, false);
	else
		page_add_file_rmap(sim, new);
	if (vma->vm_flags & VM_LOCKED)
		mlock_vma_page(sim, new);
	ra->restored++;
	return true;
}

static struct migration *find_pending(struct sim *sim, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < sim->nr_migrations; i++)
		if (sim->migrations[i].old_pfn == pfn)
			return &sim->migrations[i];
	return NULL;
}

/* move_to_new_page - contents, flags, mapping, index; the cache slot. */
static void move_to_new_page(struct sim *sim, struct page *new, struct page *old)
{
	const uint32_t keep = 1U << PG_dirty | 1U << PG_referenced |
			      1U << PG_active | 1U << PG_uptodate |
			      1U << PG_swapbacked | 1U << PG_young |
			      1U << PG_idle | 1U << PG_unevictable |
			      1U << PG_mlocked;

	new->content = old->content;
	new->flags = (new->flags & ~keep) | (old->flags & keep);
	/* migrate_page_states: the mlock moves, the old frame frees clean */
	ClearPage(old, PG_mlocked);
	ClearPage(old, PG_unevictable);
	new->mapping = old->mapping;
	new->index = old->index;
	if (PageKsm(old))
		ksm_migrate_page(sim, new, old);	/* the node follows */
	if (PageTest(old, PG_swapcache)) {
		/* migrate_page_move_mapping: the swap cache slot follows */
		new->private = old->private;
		SetPage(new, PG_swapcache);
		sim->swap.cache[old->private] = (uint32_t)(page_to_pfn(sim, new) + 1);
		get_page(new);
		ClearPage(old, PG_swapcache);
		old->private = 0;
		put_page(sim, old);
	} else if (old->mapping && !PageAnon(old)) {
		struct inode *inode = (struct inode *)old->mapping;

		*page_cache_slot(inode, old->index) =
			(uint32_t)(page_to_pfn(sim, new) + 1);
		get_page(new);
		put_page(sim, old);
	}
	old->mapping = 0;
}

static int migrate_finish(struct sim *sim, struct migration *mg,
			  unsigned long *new_pfn)
{
	struct page *old = pfn_to_page(sim, mg->old_pfn);
	struct page *new = pfn_to_page(sim, mg->new_pfn);
	struct remove_arg ra = { sim, mg->old_pfn, new, 0 };
	struct rmap_walk_control rwc = { &ra, remove_migration_pte, NULL };

	if (PageMovable(old)) {
		/* move_to_new_page of a non-LRU movable page: its mapping's
		 * migratepage; no PTE to restore, no LRU to go back to; the
		 * allocation reference on @new becomes the driver's */
		new->content = old->content;
		balloon_page_migrate(sim, new, old);
		*new_pfn = mg->new_pfn;
		trace(sim, "balloon_page_migrate", "pfn %lu -> %lu",
		      mg->old_pfn, mg->new_pfn);
		*mg = sim->migrations[--sim->nr_migrations];
		put_page(sim, old);	/* the isolation reference: freed */
		sim->vmstat[PGMIGRATE_SUCCESS]++;
		return 0;
	}
	move_to_new_page(sim, new, old);
	rmap_walk(sim, new, &rwc);
	lru_cache_add(sim, new, NULL);	/* putback_lru_page */
	*new_pfn = mg->new_pfn;
	trace(sim, "remove_migration_ptes", "pfn %lu -> %lu: %d ptes restored",
	      mg->old_pfn, mg->new_pfn, ra.restored);
	if (mg->anon_vma)
		put_anon_vma(sim, mg->anon_vma);
	*mg = sim->migrations[--sim->nr_migrations];
	put_page(sim, old);		/* the isolation reference: freed */
	put_page(sim, new);		/* the allocation reference */
	sim->vmstat[PGMIGRATE_SUCCESS]++;
	return 0;
}

/* The migration of @pfn to @new, held until migrate_finish. */
static struct migration *migration_add(struct sim *sim, unsigned long pfn,
				       struct page *new, struct anon_vma *anon_vma,
				       unsigned long *new_pfn)
{
	struct migration *mg = &sim->migrations[sim->nr_migrations++];

	mg->old_pfn = pfn;
	mg->new_pfn = page_to_pfn(sim, new);
	mg->anon_vma = anon_vma;
	*new_pfn = mg->new_pfn;
	return mg;
}

/*
 * migrate_page - @mode 0: the whole migration; 1: hold after unmapping;
 * 2: finish a held one. Return: 0 with the new pfn, or -EINVAL (not a
 * movable page / no held migration), -EBUSY (already held), -ENOMEM.
 */
int migrate_page(struct sim *sim, unsigned long pfn, int mode,
		 unsigned long *new_pfn)
{
	struct anon_vma *anon_vma;
	struct migration *mg;
	struct page *page, *new;
	int unmapped = 0;

	if (pfn == 0 || pfn >= sim->opt.frames)
		return -EINVAL;
	mg = find_pending(sim, pfn);
	if (mode == 2)
		return mg ? migrate_finish(sim, mg, new_pfn) : -EINVAL;
	if (mg)
		return -EBUSY;
	page = pfn_to_page(sim, pfn);
	/* isolate_lru_page: only LRU pages move, the unevictable list's
	 * (mlocked pages) and KSM pages included; isolate_movable_page: a
	 * non-LRU movable page whose driver lets it go */
	if (!page->_refcount ||
	    (!PageTest(page, PG_lru) && !balloon_page(sim, page)))
		return -EINVAL;
	if (sim->nr_migrations == SIM_MAX_MIGRATIONS)
		return -EBUSY;
	new = alloc_page(sim);
	if (!new)
		return -ENOMEM;
	if (PageMovable(page)) {
		/* isolate_movable_page: no PTE maps it, nothing to unmap */
		balloon_page_isolate(sim, page);
		get_page(page);		/* the isolation reference */
		trace(sim, "isolate_movable_page", "pfn %lu: new pfn %lu", pfn,
		      page_to_pfn(sim, new));
		mg = migration_add(sim, pfn, new, NULL, new_pfn);
		return mode == 1 ? 0 : migrate_finish(sim, mg, new_pfn);
	}
	lru_del(sim, page);
	get_page(page);			/* the isolation reference */
	/* page_get_anon_vma: the anon_vma must outlive the unmapped page,
	 * even if every VMA mapping it goes before the migration ends */
	anon_vma = PageAnon(page) ? page_anon_vma(page) : NULL;
	if (anon_vma)
		anon_vma->refcount++;
	if (page_mapped(page)) {
		struct rmap_walk_control rwc = { sim, try_to_migrate_one, not_mapped };

		unmapped = page_mapcount(page);
		rmap_walk(sim, page, &rwc);
	}
	trace(sim, "try_to_migrate", "pfn %lu: %d ptes -> migration entries, new pfn %lu",
	      pfn, unmapped, page_to_pfn(sim, new));
	mg = migration_add(sim, pfn, new, anon_vma, new_pfn);
	return mode == 1 ? 0 : migrate_finish(sim, mg, new_pfn);
}

/*
 * End every held migration whose old page @match accepts. Something that
 * would take the page lock (truncation) or wait on a migration entry
 * (break_ksm's FOLL_MIGRATION) waits in the kernel until the migration
 * that holds it ends; rmapfs has no second thread, so it ends them first.
 */
static void migrate_wait(struct sim *sim,
			 bool (*match)(struct page *old, const void *arg),
			 const void *arg, const char *who)
{
	unsigned long new_pfn;
	unsigned int i = 0;

	while (i < sim->nr_migrations) {
		struct page *old = pfn_to_page(sim, sim->migrations[i].old_pfn);

		if (match(old, arg)) {
			trace(sim, "migrate", "pfn %lu: %s waits for it",
			      sim->migrations[i].old_pfn, who);
			migrate_finish(sim, &sim->migrations[i], &new_pfn);
			continue;	/* the last one moved into slot i */
		}
		i++;
	}
}

struct mapping_range {
	const struct inode *inode;
	unsigned long first;
};

static bool in_mapping(struct page *old, const void *arg)
{
	const struct mapping_range *r = arg;

	return old->mapping == (uintptr_t)r->inode && !PageAnon(old) &&
	       old->index >= r->first;
}

/* Truncation of @inode from page @first on takes each page's lock
 * (truncate_inode_pages_range): its held migrations end first. */
void migrate_wait_mapping(struct sim *sim, struct inode *inode,
			  unsigned long first)
{
	struct mapping_range r = { inode, first };

	migrate_wait(sim, in_mapping, &r, "truncation");
}

static bool is_ksm(struct page *old, const void *arg)
{
	(void)arg;
	return PageKsm(old);
}

/* ksmd's pass meets KSM pages through the stable tree and locks them to
 * merge (get_ksm_page with GET_KSM_PAGE_LOCK): held KSM migrations end
 * first, so no new mapping of an old, isolated KSM page is ever made. */
void migrate_wait_ksm(struct sim *sim)
{
	migrate_wait(sim, is_ksm, NULL, "ksmd");
}

static bool is_pfn(struct page *old, const void *arg)
{
	return old == arg;
}

/* A fault that follows a migration entry with FOLL_MIGRATION
 * (break_ksm) waits on it: the migration of @pfn ends first. */
void migrate_wait_pfn(struct sim *sim, unsigned long pfn)
{
	migrate_wait(sim, is_pfn, pfn_to_page(sim, pfn), "a fault");
}
