/* core/ksm.c - Kernel Samepage Merging, as mm/ksm.c of v5.15 (kernel-spec
 * §10, §9.4): ksmd's pass over the VM_MERGEABLE VMAs of registered mms,
 * the unstable tree (emptied at the start of every pass) and the stable
 * tree of KSM pages, cmp_and_merge_page with its checksum rule,
 * try_to_merge_two_pages, try_to_merge_with_ksm_page, write_protect_page
 * and replace_page, rmap_items holding an anon_vma reference while they
 * sit on a stable node (§5.7), rmap_walk_ksm's two passes, unmerging by
 * COW, and the /sys/kernel/mm/ksm counters.
 *
 * One `ksm scan` is one whole pass: pages_to_scan unbounded, no sleep.
 * A page's contents are one 64-bit value, so that value is both what
 * memcmp_pages compares and the checksum. Left out: max_page_sharing
 * chains (stable_node_chains, stable_node_dups), NUMA and
 * merge_across_nodes, use_zero_pages, migrate_nodes, THP splitting, the
 * run=2 "unmerge everything" mode.
 *
 * Where v5.15 leaves a mapped KSM page out of rmap_walk_ksm's reach for a
 * while, or for good, rmapfs keeps it reachable, since sim_check walks
 * every mapping back; docs/ksm.md lists each difference. Two of them
 * come from v5.15 being lazy:
 *  - A freed KSM page takes its stable node with it (ksm_page_freed, from
 *    free_frame). The kernel notices the node is stale only when
 *    get_ksm_page next looks at it; /ksm would then name a free frame.
 *    A pass still checks every node the kernel's way (get_ksm_page).
 *  - An exiting mm with rmap_items keeps its mm_slot until the next pass,
 *    exactly as __ksm_exit does: its stable items are how rmap_walk_ksm
 *    finds the children forked since, so dropping them at exit would
 *    leave those mappings unreachable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksm.h"
#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "swap.h"
#include "task.h"

/* rmap_item->flags (the kernel keeps them in the low bits of address). */
#define UNSTABLE_FLAG	0x100	/* linked in the unstable tree of pass seqnr */
#define STABLE_FLAG	0x200	/* on a stable node's list */

struct stable_node;
struct ksm_mm_slot;

/*
 * struct rmap_item - one scanned (mm, page address). Owned by its mm_slot,
 * whose rmap_list keeps the items sorted by address. At most one flag:
 * UNSTABLE_FLAG while it was inserted in the unstable tree of pass @seqnr
 * (counted in pages_unshared until the next visit removes it, although
 * the tree it sat in is forgotten when that pass ends), STABLE_FLAG while
 * it is on @head's list, holding one reference on @anon_vma.
 */
struct rmap_item {
	struct rmap_item *rmap_list;	/* next by address in its slot */
	struct ksm_mm_slot *slot;	/* owner */
	unsigned long address;		/* page aligned */
	unsigned int flags;		/* UNSTABLE_FLAG or STABLE_FLAG */
	unsigned long seqnr;		/* the pass of its unstable insertion */
	bool checksummed;		/* visited before: oldchecksum is set */
	uint64_t oldchecksum;		/* contents at the previous visit */
	uint64_t key;			/* unstable tree key: contents then */
	RB_ENTRY(rmap_item) node;	/* ksm->unstable_tree */
	struct anon_vma *anon_vma;	/* stable: +1 refcount (its VMA's, or
					 * the page's: try_to_merge_with_ksm_page) */
	struct stable_node *head;	/* stable: its node */
	TAILQ_ENTRY(rmap_item) hlist;	/* stable: the node's list */
};

TAILQ_HEAD(rmap_hlist, rmap_item);

/*
 * struct stable_node - one KSM page. Owned by the stable tree; the page's
 * mapping is (node | PAGE_MAPPING_KSM). Freed with its page
 * (ksm_page_freed), or when a pass finds it stale. A node may have no
 * items left (their addresses went elsewhere) while its page lives on.
 */
struct stable_node {
	RB_ENTRY(stable_node) node;	/* ksm->stable_tree, by @content */
	uint64_t content;		/* the page's: it never changes, every
					 * write to a KSM page copies it */
	unsigned long kpfn;		/* the KSM page */
	struct rmap_hlist hlist;	/* newest first (hlist_add_head) */
	unsigned long rmap_hlist_len;
	struct stable_node *pool_next;	/* in ksm->node_pool only */
};

/*
 * struct ksm_mm_slot - one mm known to ksmd, in scan order. Owned by
 * ksm->mm_list. @mm is NULL once the mm exited with items left; the next
 * pass frees the items and the slot (ksm_test_exit).
 */
struct ksm_mm_slot {
	TAILQ_ENTRY(ksm_mm_slot) mm_list;
	struct mm_struct *mm;		/* NULL: exited */
	int pid;			/* the owner's, for /ksm */
	struct rmap_item *rmap_list;	/* first item by address */
	struct ksm_mm_slot *pool_next;	/* in ksm->slot_pool only */
};

RB_HEAD(stable_tree, stable_node);
RB_HEAD(unstable_tree, rmap_item);
TAILQ_HEAD(mm_slot_list, ksm_mm_slot);

/*
 * struct ksm_state - the machine's ksmd. Counters as in mm/ksm.c:
 * pages_shared = stable nodes with items, pages_sharing = their other
 * items, pages_unshared = items with UNSTABLE_FLAG, rmap_items = all.
 * The pools hold what the pass under way may allocate (ksm_reserve_pass)
 * and are empty between passes.
 */
struct ksm_state {
	struct sim *sim;
	struct mm_slot_list mm_list;	/* scan order */
	struct stable_tree stable_tree;
	struct unstable_tree unstable_tree;
	unsigned long seqnr;		/* passes completed (full_scans) */
	unsigned long pages_shared, pages_sharing, pages_unshared;
	unsigned long rmap_items;
	struct rmap_item *item_pool;	/* linked through rmap_list */
	struct stable_node *node_pool;
	struct ksm_mm_slot *slot_pool;
};

static int stable_cmp(struct stable_node *a, struct stable_node *b)
{
	return a->content < b->content ? -1 : a->content > b->content;
}

static int unstable_cmp(struct rmap_item *a, struct rmap_item *b)
{
	return a->key < b->key ? -1 : a->key > b->key;
}

RB_GENERATE_STATIC(stable_tree, stable_node, node, stable_cmp)
RB_GENERATE_STATIC(unstable_tree, rmap_item, node, unstable_cmp)

/* The state lives in sim->ksm, made on first use. */
static struct ksm_state *ksm_state_of(struct sim *sim)
{
	return sim->ksm;
}

/* The state, made on first use. Return: it, or NULL (-ENOMEM). */
static struct ksm_state *ksm_state_get(struct sim *sim)
{
	struct ksm_state *ksm = ksm_state_of(sim);

	if (ksm)
		return ksm;
	ksm = rm_calloc(1, sizeof(*ksm));
	if (!ksm)
		return NULL;
	ksm->sim = sim;
	TAILQ_INIT(&ksm->mm_list);
	RB_INIT(&ksm->stable_tree);
	RB_INIT(&ksm->unstable_tree);
	sim->ksm = ksm;
	return ksm;
}

/* ---- pages and nodes ---- */

static struct stable_node *page_stable_node(const struct page *page)
{
	if (!PageKsm(page))
		return NULL;
	return (struct stable_node *)(page->mapping & ~PAGE_MAPPING_FLAGS);
}

/* set_page_stable_node - the page becomes (or stays) a KSM page. */
static void set_page_stable_node(struct page *page, struct stable_node *node)
{
	page->mapping = (uintptr_t)node | PAGE_MAPPING_KSM;
}

static bool PageSwapCache(const struct page *page)
{
	return PageTest(page, PG_swapbacked) && PageTest(page, PG_swapcache);
}

/* follow_page - the anonymous page (KSM ones included) a PTE maps, or
 * NULL: none, a swap entry, the zero page, a page-cache page. */
static struct page *follow_anon_page(struct sim *sim, pte_t pte)
{
	struct page *page;

	if (!pte_present(pte) || pte_special(pte))
		return NULL;
	page = pfn_to_page(sim, pte_pfn(pte));
	return PageAnon(page) ? page : NULL;
}

/* find_mergeable_vma - the VMA covering @addr if ksmd may work in it. */
static struct vm_area_struct *find_mergeable_vma(struct mm_struct *mm,
						 unsigned long addr)
{
	struct vm_area_struct *vma;

	if (!mm)
		return NULL;	/* ksm_test_exit */
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr)
		return NULL;
	if (!(vma->vm_flags & VM_MERGEABLE) || !vma->anon_vma)
		return NULL;
	return vma;
}

static void free_rmap_item(struct ksm_state *ksm, struct rmap_item *item)
{
	ksm->rmap_items--;
	free(item);
}

/* Forget @item's stable state (its node is going or it is leaving). */
static void stable_item_clear(struct ksm_state *ksm, struct rmap_item *item)
{
	put_anon_vma(ksm->sim, item->anon_vma);
	item->anon_vma = NULL;
	item->head = NULL;
	item->flags &= ~STABLE_FLAG;
}

/*
 * remove_node_from_stable_tree - drop @node: every item leaves it (the
 * counters and anon_vma references with them) and the node is freed.
 * The page's mapping is the caller's business (it is being freed).
 */
static void remove_node_from_stable_tree(struct ksm_state *ksm,
					 struct stable_node *node)
{
	struct rmap_item *item, *tmp;

	TAILQ_FOREACH_SAFE(item, &node->hlist, hlist, tmp) {
		if (TAILQ_NEXT(item, hlist))
			ksm->pages_sharing--;
		else
			ksm->pages_shared--;
		node->rmap_hlist_len--;
		stable_item_clear(ksm, item);
	}
	stable_tree_RB_REMOVE(&ksm->stable_tree, node);
	trace(ksm->sim, "remove_node_from_stable_tree", "kpfn %lu", node->kpfn);
	free(node);
}

/*
 * get_ksm_page - @node's page if it is still the KSM page of @node; else
 * the node is stale and goes (the kernel's lazy clean-up; with
 * ksm_page_freed in place it finds nothing to do).
 */
static struct page *get_ksm_page(struct ksm_state *ksm, struct stable_node *node)
{
	struct sim *sim = ksm->sim;
	struct page *page = NULL;

	if (node->kpfn < sim->opt.frames)
		page = pfn_to_page(sim, node->kpfn);
	if (page && page->_refcount > 0 &&
	    page->mapping == ((uintptr_t)node | PAGE_MAPPING_KSM))
		return page;
	remove_node_from_stable_tree(ksm, node);
	return NULL;
}

/* remove_rmap_item_from_tree - take @item out of whichever tree holds it. */
static void remove_rmap_item_from_tree(struct ksm_state *ksm,
				       struct rmap_item *item)
{
	if (item->flags & STABLE_FLAG) {
		struct stable_node *node = item->head;

		if (!get_ksm_page(ksm, node))
			return;		/* the whole node went, @item with it */
		TAILQ_REMOVE(&node->hlist, item, hlist);
		if (!TAILQ_EMPTY(&node->hlist))
			ksm->pages_sharing--;
		else
			ksm->pages_shared--;
		node->rmap_hlist_len--;
		stable_item_clear(ksm, item);
	} else if (item->flags & UNSTABLE_FLAG) {
		/* Only this pass's tree really holds it; older trees are gone. */
		if (item->seqnr == ksm->seqnr)
			unstable_tree_RB_REMOVE(&ksm->unstable_tree, item);
		ksm->pages_unshared--;
		item->flags &= ~UNSTABLE_FLAG;
	}
}

/* stable_tree_append - @item joins @node (newest first, as hlist_add_head). */
static void stable_tree_append(struct ksm_state *ksm, struct rmap_item *item,
			       struct stable_node *node)
{
	item->head = node;
	item->flags |= STABLE_FLAG;
	TAILQ_INSERT_HEAD(&node->hlist, item, hlist);
	node->rmap_hlist_len++;
	if (TAILQ_NEXT(item, hlist))
		ksm->pages_sharing++;
	else
		ksm->pages_shared++;
}

/* stable_tree_insert - @kpage, a new KSM page, gets its node. */
static void stable_tree_insert(struct ksm_state *ksm, struct stable_node *node,
			       struct page *kpage)
{
	memset(node, 0, sizeof(*node));
	node->content = kpage->content;
	node->kpfn = page_to_pfn(ksm->sim, kpage);
	TAILQ_INIT(&node->hlist);
	/* cannot collide: the stable search for these contents came up empty */
	stable_tree_RB_INSERT(&ksm->stable_tree, node);
	set_page_stable_node(kpage, node);
}

/*
 * stable_tree_search - the KSM page with @page's contents, or NULL. A KSM
 * page is its own answer ("ksm page forked": another mm maps it too).
 */
static struct page *stable_tree_search(struct ksm_state *ksm, struct page *page)
{
	struct stable_node key, *node;

	if (page_stable_node(page))
		return page;
	key.content = page->content;
	node = stable_tree_RB_FIND(&ksm->stable_tree, &key);
	return node ? get_ksm_page(ksm, node) : NULL;
}

/* ---- merging ---- */

/*
 * write_protect_page's checks: @page is mapped at @addr of @vma and, if
 * that PTE is writable or dirty, nothing but its mappings, the swap cache
 * and the scan's own reference (the +1) holds it (no GUP pin, no I/O).
 * Return: the PTE, or NULL.
 */
static pte_t *write_protect_ok(struct vm_area_struct *vma, unsigned long addr,
			       struct page *page)
{
	pte_t *ptep = page_vma_mapped(page, vma, addr);

	if (!ptep)
		return NULL;
	if ((pte_write(*ptep) || pte_dirty(*ptep)) &&
	    page_mapcount(page) + 1 + (PageSwapCache(page) ? 1 : 0) !=
	    page->_refcount)
		return NULL;
	return ptep;
}

/* write_protect_page - read-only and clean, the dirt moved to PG_dirty. */
static pte_t *write_protect_page(struct vm_area_struct *vma, unsigned long addr,
				 struct page *page)
{
	pte_t *ptep = write_protect_ok(vma, addr, page);

	if (!ptep)
		return NULL;
	if (pte_write(*ptep) || pte_dirty(*ptep)) {
		if (pte_dirty(*ptep))
			SetPage(page, PG_dirty);	/* set_page_dirty */
		*ptep &= ~(_PAGE_RW | _PAGE_DIRTY);	/* wrprotect, mkclean */
	}
	return ptep;
}

/*
 * replace_page - @vma's PTE at @addr, which maps @page write-protected,
 * maps @kpage instead: a fresh read-only PTE, one more mapping and
 * reference of @kpage, one fewer of @page (both anonymous: no rss change).
 */
static void replace_page(struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep, struct page *page, struct page *kpage)
{
	struct sim *sim = vma->vm_mm->sim;
	unsigned long pfn = page_to_pfn(sim, page);

	get_page(kpage);
	page_add_anon_rmap(kpage, vma, addr, /* exclusive = */ false);
	*ptep = mk_pte(page_to_pfn(sim, kpage), vma_page_prot(vma));
	page_remove_rmap(sim, page);
	if (!page_mapped(page))
		try_to_free_swap(sim, page);
	put_page(sim, page);	/* the old PTE's reference */
	trace(sim, "replace_page", "pid %d addr %lx: pfn %lu -> ksm pfn %lu",
	      vma->vm_mm->owner_pid, addr, pfn, page_to_pfn(sim, kpage));
}

/*
 * try_to_merge_one_page - with @kpage NULL, @page becomes a KSM page in
 * place (its node comes with stable_tree_insert); else @page, mapped at
 * @addr of @vma, is replaced there by @kpage. Return: 0 or -EFAULT with
 * nothing changed.
 */
static int try_to_merge_one_page(struct vm_area_struct *vma, unsigned long addr,
				 struct page *page, struct page *kpage)
{
	pte_t *ptep;

	if (page == kpage)
		return 0;	/* ksm page forked: already merged */
	if (!PageAnon(page))
		return -EFAULT;
	if (kpage && page->content != kpage->content)
		return -EFAULT;	/* pages_identical */
	ptep = write_protect_page(vma, addr, page);
	if (!ptep)
		return -EFAULT;
	if (!kpage) {
		set_page_stable_node(page, NULL);
		mark_page_accessed(vma->vm_mm->sim, page);
		/* so that reclaim swaps it rather than dropping a clean page */
		SetPage(page, PG_dirty);
		return 0;
	}
	replace_page(vma, addr, ptep, page, kpage);
	if (vma->vm_flags & VM_LOCKED) {
		/* the mlock moves to the KSM page (the scan still holds @page) */
		munlock_vma_page(vma->vm_mm->sim, page);
		mlock_vma_page(vma->vm_mm->sim, kpage);
	}
	return 0;
}

/*
 * try_to_merge_with_ksm_page - merge @item's @page into @kpage (NULL: make
 * @page the KSM page); on success @item leaves its tree and takes a
 * reference on its VMA's anon_vma, ready for stable_tree_append.
 * Return: 0 or -EFAULT with nothing changed.
 */
static int try_to_merge_with_ksm_page(struct ksm_state *ksm,
				      struct rmap_item *item,
				      struct page *page, struct page *kpage)
{
	struct vm_area_struct *vma = find_mergeable_vma(item->slot->mm,
							item->address);
	struct anon_vma *anon_vma;
	int err;

	if (!vma)
		return -EFAULT;
	/*
	 * v5.15 records vma->anon_vma. A page made KSM in place while forked
	 * mms map it too may be filed above this VMA's anon_vma, in a tree
	 * that holds their VMAs when vma->anon_vma's does not (a sibling's):
	 * record the page's own anon_vma then, so rmap_walk_ksm finds them
	 * until they have items of their own (docs/ksm.md).
	 */
	anon_vma = vma->anon_vma;
	if (!kpage && page_mapcount(page) > 1)
		anon_vma = page_anon_vma(page);
	err = try_to_merge_one_page(vma, item->address, page, kpage);
	if (err)
		return err;
	remove_rmap_item_from_tree(ksm, item);
	item->anon_vma = anon_vma;
	anon_vma->refcount++;	/* get_anon_vma */
	return 0;
}

static bool mergeable_mapping(struct page *page, struct vm_area_struct *vma,
			      unsigned long address, void *arg)
{
	bool *ok = arg;

	if (!page_vma_mapped(page, vma, address))
		return true;
	if (!(vma->vm_flags & VM_MERGEABLE) || !vma->vm_mm->ksm_registered) {
		*ok = false;
		return false;
	}
	return true;
}

/*
 * Every PTE that maps @page lies in a VM_MERGEABLE VMA of a registered
 * mm, so each will get an rmap_item of its own. v5.15 does not ask: it
 * makes a page shared with a fork child KSM in place even when one side
 * is not mergeable, and no item will ever lead rmap_walk_ksm to that
 * side. rmapfs keeps every mapping reachable and leaves such a page
 * alone (it can still be replaced by a KSM page where it is mergeable).
 */
static bool mapped_only_mergeable(struct sim *sim, struct page *page)
{
	bool ok = true;
	struct rmap_walk_control rwc = { &ok, mergeable_mapping, NULL };

	if (page_mapcount(page) <= 1)
		return true;	/* only here, where ksmd found it */
	rmap_walk(sim, page, &rwc);
	return ok;
}

/*
 * try_to_merge_two_pages - @page becomes the KSM page in place, then
 * @tree_page (of the unstable tree's @tree_item) is replaced by it. Both
 * merges are checked before either is done: v5.15 undoes a failed second
 * merge with break_cow, which here could only be needed for a pinned
 * page, and pins are not simulated. Return: 0 or -EFAULT, nothing changed.
 */
static int try_to_merge_two_pages(struct ksm_state *ksm, struct rmap_item *item,
				  struct page *page, struct rmap_item *tree_item,
				  struct page *tree_page)
{
	struct vm_area_struct *vma, *tvma;

	vma = find_mergeable_vma(item->slot->mm, item->address);
	tvma = find_mergeable_vma(tree_item->slot->mm, tree_item->address);
	if (!vma || !tvma || !PageAnon(page) || !PageAnon(tree_page) ||
	    page->content != tree_page->content ||
	    !write_protect_ok(vma, item->address, page) ||
	    !write_protect_ok(tvma, tree_item->address, tree_page) ||
	    !mapped_only_mergeable(ksm->sim, page))
		return -EFAULT;
	try_to_merge_with_ksm_page(ksm, item, page, NULL);
	try_to_merge_with_ksm_page(ksm, tree_item, tree_page, page);
	return 0;
}

/* get_mergeable_page - the anonymous page at @item's address, or NULL. */
static struct page *get_mergeable_page(struct ksm_state *ksm,
				       struct rmap_item *item)
{
	struct mm_struct *mm = item->slot->mm;
	pte_t *ptep;

	if (!find_mergeable_vma(mm, item->address))
		return NULL;
	ptep = pte_offset(mm, item->address);
	return ptep ? follow_anon_page(ksm->sim, *ptep) : NULL;
}

/*
 * unstable_tree_search_insert - an item of this pass whose page has
 * @page's contents (its page, with a reference, in *@tree_pagep); or
 * insert @item and return NULL. Finding @page itself on the way (the
 * same page seen from a forked mm) or an item whose page went: NULL,
 * nothing inserted.
 */
static struct rmap_item *unstable_tree_search_insert(struct ksm_state *ksm,
						     struct rmap_item *item,
						     struct page *page,
						     struct page **tree_pagep)
{
	struct rmap_item *t = RB_ROOT(&ksm->unstable_tree);

	while (t) {
		struct page *tree_page = get_mergeable_page(ksm, t);

		if (!tree_page || tree_page == page)
			return NULL;
		if (page->content < tree_page->content) {
			t = RB_LEFT(t, node);
		} else if (page->content > tree_page->content) {
			t = RB_RIGHT(t, node);
		} else {
			get_page(tree_page);
			*tree_pagep = tree_page;
			return t;
		}
	}
	item->flags |= UNSTABLE_FLAG;
	item->seqnr = ksm->seqnr;
	item->key = page->content;
	unstable_tree_RB_INSERT(&ksm->unstable_tree, item);
	ksm->pages_unshared++;
	return NULL;
}

static struct stable_node *node_pool_take(struct ksm_state *ksm)
{
	struct stable_node *node = ksm->node_pool;

	if (node)
		ksm->node_pool = node->pool_next;
	return node;
}

static void node_pool_put(struct ksm_state *ksm, struct stable_node *node)
{
	node->pool_next = ksm->node_pool;
	ksm->node_pool = node;
}

/*
 * cmp_and_merge_page - the heart of ksmd for one page and its item: the
 * stable tree first; then the page must look the same as at the previous
 * visit (never true at the first); then the unstable tree, where a match
 * makes a new KSM page of the two.
 */
static void cmp_and_merge_page(struct ksm_state *ksm, struct page *page,
			       struct rmap_item *item)
{
	struct sim *sim = ksm->sim;
	struct stable_node *node = page_stable_node(page);
	struct rmap_item *tree_item;
	struct page *kpage, *tree_page;

	if (node && item->head == node)
		return;		/* already on this page's node */
	kpage = stable_tree_search(ksm, page);
	remove_rmap_item_from_tree(ksm, item);
	if (kpage) {
		if (!try_to_merge_with_ksm_page(ksm, item, page, kpage)) {
			stable_tree_append(ksm, item, page_stable_node(kpage));
			trace(sim, "cmp_and_merge_page", "pid %d addr %lx: stable, ksm pfn %lu",
			      item->slot->pid, item->address, page_to_pfn(sim, kpage));
		}
		return;
	}
	/* calc_checksum: the contents must hold still between two visits */
	if (!item->checksummed || item->oldchecksum != page->content) {
		item->checksummed = true;
		item->oldchecksum = page->content;
		return;
	}
	tree_item = unstable_tree_search_insert(ksm, item, page, &tree_page);
	if (!tree_item)
		return;
	node = node_pool_take(ksm);	/* reserved: never NULL */
	if (node && !try_to_merge_two_pages(ksm, item, page, tree_item, tree_page)) {
		stable_tree_insert(ksm, node, page);
		stable_tree_append(ksm, tree_item, node);
		stable_tree_append(ksm, item, node);
		trace(sim, "try_to_merge_two_pages", "pid %d addr %lx + pid %d addr %lx: ksm pfn %lu",
		      item->slot->pid, item->address, tree_item->slot->pid,
		      tree_item->address, page_to_pfn(sim, page));
	} else if (node) {
		node_pool_put(ksm, node);
	}
	put_page(sim, tree_page);
}

/* ---- the pass ---- */

static struct ksm_mm_slot *mm_slot_of(struct ksm_state *ksm,
				      struct mm_struct *mm)
{
	struct ksm_mm_slot *slot;

	TAILQ_FOREACH(slot, &ksm->mm_list, mm_list)
		if (slot->mm == mm)
			return slot;
	return NULL;
}

/* The registered task with the lowest pid above @after that has no
 * mm_slot yet, or NULL. */
static struct task_struct *next_unslotted(struct ksm_state *ksm, int after)
{
	struct task_struct *task, *tmp, *best = NULL;

	HASH_ITER(hh, ksm->sim->tasks, task, tmp)
		if (task->pid > after && task->mm && task->mm->ksm_registered &&
		    (!best || task->pid < best->pid) && !mm_slot_of(ksm, task->mm))
			best = task;
	return best;
}

/* find_rmap_item - @addr's item at *@rmap_list, or NULL; the items of
 * addresses passed over (below @addr) are freed on the way. */
static struct rmap_item *find_rmap_item(struct ksm_state *ksm,
					struct rmap_item **rmap_list,
					unsigned long addr)
{
	struct rmap_item *item;

	while ((item = *rmap_list) && item->address <= addr) {
		if (item->address == addr)
			return item;
		*rmap_list = item->rmap_list;
		remove_rmap_item_from_tree(ksm, item);
		free_rmap_item(ksm, item);
	}
	return NULL;
}

/*
 * get_next_rmap_item - @addr's item in the slot's sorted list, made if
 * missing (from the reserve); items for addresses passed over are freed.
 */
static struct rmap_item *get_next_rmap_item(struct ksm_state *ksm,
					    struct ksm_mm_slot *slot,
					    struct rmap_item **rmap_list,
					    unsigned long addr)
{
	struct rmap_item *item = find_rmap_item(ksm, rmap_list, addr);

	if (item)
		return item;
	item = ksm->item_pool;		/* reserved: never NULL */
	if (!item)
		return NULL;
	ksm->item_pool = item->rmap_list;
	memset(item, 0, sizeof(*item));
	item->slot = slot;
	item->address = addr;
	item->rmap_list = *rmap_list;
	*rmap_list = item;
	ksm->rmap_items++;
	return item;
}

/* remove_trailing_rmap_items - free the items from *@rmap_list on. */
static void remove_trailing_rmap_items(struct ksm_state *ksm,
				       struct rmap_item **rmap_list)
{
	while (*rmap_list) {
		struct rmap_item *item = *rmap_list;

		*rmap_list = item->rmap_list;
		remove_rmap_item_from_tree(ksm, item);
		free_rmap_item(ksm, item);
	}
}

struct scan_ctx {
	struct ksm_state *ksm;
	struct ksm_mm_slot *slot;
	struct rmap_item **rmap_list;	/* where the next item goes */
};

static int scan_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	struct scan_ctx *c = arg;
	struct sim *sim = mm->sim;
	struct page *page = follow_anon_page(sim, *ptep);
	struct rmap_item *item;

	if (pte_swp(*ptep)) {
		/*
		 * Swapped out (or migrating): v5.15 passes over the address
		 * and so frees its item; a KSM page swapped back in would
		 * then be mapped where rmap_walk_ksm cannot find it until
		 * the next pass. rmapfs keeps the item as it is.
		 */
		item = find_rmap_item(c->ksm, c->rmap_list, addr);
		if (item)
			c->rmap_list = &item->rmap_list;
		return 0;
	}
	if (!page)
		return 0;
	item = get_next_rmap_item(c->ksm, c->slot, c->rmap_list, addr);
	if (!item)
		return 0;
	c->rmap_list = &item->rmap_list;
	get_page(page);		/* follow_page(FOLL_GET) */
	cmp_and_merge_page(c->ksm, page, item);
	put_page(sim, page);
	return 0;
}

/* One mm of the pass (scan_get_next_rmap_item's loop for one mm_slot). */
static void scan_mm_slot(struct ksm_state *ksm, struct ksm_mm_slot *slot)
{
	struct scan_ctx c = { ksm, slot, &slot->rmap_list };
	struct vm_area_struct *vma;

	if (slot->mm) {
		for (vma = slot->mm->mmap; vma; vma = vma->vm_next)
			if ((vma->vm_flags & VM_MERGEABLE) && vma->anon_vma)
				walk_pte_range(slot->mm, vma->vm_start, vma->vm_end,
					       scan_pte, &c);
	}
	/* no mergeable VMA has these addresses any more */
	remove_trailing_rmap_items(ksm, c.rmap_list);
	if (!slot->mm) {
		TAILQ_REMOVE(&ksm->mm_list, slot, mm_list);
		trace(ksm->sim, "ksm_scan", "pid %d exited: mm_slot freed", slot->pid);
		free(slot);
	}
}

/* What a pass will allocate: worked out by the same walk, done dry. */
struct plan_ctx {
	struct sim *sim;
	struct rmap_item *cursor;	/* the next existing item of the mm */
	unsigned long new_items;	/* addresses without an item */
	unsigned long candidates;	/* items whose checksum will hold */
};

static int plan_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	struct plan_ctx *p = arg;
	struct page *page = follow_anon_page(mm->sim, *ptep);

	if (!page && !pte_swp(*ptep))
		return 0;
	while (p->cursor && p->cursor->address < addr)
		p->cursor = p->cursor->rmap_list;
	if (!page) {
		if (p->cursor && p->cursor->address == addr)
			p->cursor = p->cursor->rmap_list;	/* kept */
		return 0;
	}
	if (p->cursor && p->cursor->address == addr) {
		if (p->cursor->checksummed && p->cursor->oldchecksum == page->content)
			p->candidates++;
		p->cursor = p->cursor->rmap_list;
	} else {
		p->new_items++;
	}
	return 0;
}

static void plan_mm(struct plan_ctx *p, struct mm_struct *mm,
		    struct rmap_item *first)
{
	struct vm_area_struct *vma;

	p->cursor = first;
	for (vma = mm->mmap; vma; vma = vma->vm_next)
		if ((vma->vm_flags & VM_MERGEABLE) && vma->anon_vma)
			walk_pte_range(mm, vma->vm_start, vma->vm_end, plan_pte, p);
}

static void ksm_drain_pools(struct ksm_state *ksm)
{
	while (ksm->item_pool) {
		struct rmap_item *item = ksm->item_pool;

		ksm->item_pool = item->rmap_list;
		free(item);
	}
	while (ksm->node_pool)
		free(node_pool_take(ksm));
	while (ksm->slot_pool) {
		struct ksm_mm_slot *slot = ksm->slot_pool;

		ksm->slot_pool = slot->pool_next;
		free(slot);
	}
}

/*
 * ksm_reserve_pass - allocate everything the pass can need: an mm_slot
 * per newly registered mm, an rmap_item per address that lacks one, and a
 * stable node per two items that can reach the unstable tree (a new node
 * takes two items that both passed the checksum in this pass; contents do
 * not change during a pass). Return: 0, or -ENOMEM (pools drained).
 */
static int ksm_reserve_pass(struct ksm_state *ksm)
{
	struct plan_ctx p = { ksm->sim, NULL, 0, 0 };
	unsigned long slots = 0, i;
	struct ksm_mm_slot *slot;
	struct task_struct *task;
	int pid = 0;

	TAILQ_FOREACH(slot, &ksm->mm_list, mm_list)
		if (slot->mm)
			plan_mm(&p, slot->mm, slot->rmap_list);
	while ((task = next_unslotted(ksm, pid))) {
		plan_mm(&p, task->mm, NULL);
		slots++;
		pid = task->pid;
	}
	for (i = 0; i < slots; i++) {
		slot = rm_malloc(sizeof(*slot));
		if (!slot)
			goto nomem;
		slot->pool_next = ksm->slot_pool;
		ksm->slot_pool = slot;
	}
	for (i = 0; i < p.new_items; i++) {
		struct rmap_item *item = rm_malloc(sizeof(*item));

		if (!item)
			goto nomem;
		item->rmap_list = ksm->item_pool;
		ksm->item_pool = item;
	}
	for (i = 0; i < p.candidates / 2; i++) {
		struct stable_node *node = rm_malloc(sizeof(*node));

		if (!node)
			goto nomem;
		node_pool_put(ksm, node);
	}
	return 0;
nomem:
	ksm_drain_pools(ksm);
	return -ENOMEM;
}

/* __ksm_enter for every mm that madvise (or fork) registered since the
 * last pass: appended in pid order, behind the scan cursor. */
static void ksm_enter_registered(struct ksm_state *ksm)
{
	struct task_struct *task;
	int pid = 0;

	while ((task = next_unslotted(ksm, pid))) {
		struct ksm_mm_slot *slot = ksm->slot_pool;	/* reserved */

		ksm->slot_pool = slot->pool_next;
		memset(slot, 0, sizeof(*slot));
		slot->mm = task->mm;
		slot->pid = task->pid;
		TAILQ_INSERT_TAIL(&ksm->mm_list, slot, mm_list);
		pid = task->pid;
	}
}

int ksm_do_scan(struct sim *sim)
{
	struct ksm_state *ksm = ksm_state_get(sim);
	struct ksm_mm_slot *slot, *tmp;
	struct stable_node *node, *ntmp;
	int err;

	if (!ksm)
		return -ENOMEM;
	err = ksm_reserve_pass(ksm);
	if (err)
		return err;
	migrate_wait_ksm(sim);
	/* nodes whose page went behind our back (none with ksm_page_freed) */
	RB_FOREACH_SAFE(node, stable_tree, &ksm->stable_tree, ntmp)
		get_ksm_page(ksm, node);
	ksm_enter_registered(ksm);
	RB_INIT(&ksm->unstable_tree);
	TAILQ_FOREACH_SAFE(slot, &ksm->mm_list, mm_list, tmp)
		scan_mm_slot(ksm, slot);
	/* The next pass starts from an empty tree; nothing reads it before. */
	RB_INIT(&ksm->unstable_tree);
	ksm->seqnr++;
	ksm_drain_pools(ksm);
	trace(sim, "ksm_do_scan", "full scan %lu: shared %lu sharing %lu unshared %lu items %lu",
	      ksm->seqnr, ksm->pages_shared, ksm->pages_sharing,
	      ksm->pages_unshared, ksm->rmap_items);
	return 0;
}

/* ---- hooks ---- */

/* ksm_migrate_page - the stable node follows its page to @new. */
void ksm_migrate_page(struct sim *sim, struct page *new, struct page *old)
{
	struct stable_node *node = page_stable_node(old);

	if (node)
		node->kpfn = page_to_pfn(sim, new);
}

void ksm_page_freed(struct sim *sim, struct page *page)
{
	struct stable_node *node = page_stable_node(page);
	struct ksm_state *ksm;

	if (!node)
		return;		/* not KSM, or a KSM page still being made */
	ksm = ksm_state_of(sim);
	if (ksm)
		remove_node_from_stable_tree(ksm, node);
}

void ksm_exit(struct mm_struct *mm)
{
	struct ksm_state *ksm = ksm_state_of(mm->sim);
	struct ksm_mm_slot *slot;

	if (!ksm)
		return;
	slot = mm_slot_of(ksm, mm);
	if (!slot)
		return;
	TAILQ_REMOVE(&ksm->mm_list, slot, mm_list);
	if (!slot->rmap_list) {
		free(slot);	/* easy_to_free */
		return;
	}
	/* list_move behind the cursor: the next pass frees it first */
	slot->mm = NULL;
	TAILQ_INSERT_HEAD(&ksm->mm_list, slot, mm_list);
	trace(mm->sim, "ksm_exit", "pid %d: rmap_items left for the next scan",
	      slot->pid);
}

/* ---- rmap_walk_ksm ---- */

struct ksm_walk {
	struct page *page;
	struct rmap_walk_control *rwc;
	struct rmap_item *item;
	bool search_new_forks;
};

static int ksm_walk_one(struct anon_vma_chain *avc, void *arg)
{
	struct ksm_walk *w = arg;
	struct vm_area_struct *vma = avc->vma;
	unsigned long addr = w->item->address;

	if (addr < vma->vm_start || addr >= vma->vm_end)
		return 0;
	/* first the item's own mm, then mms forked since ksmd passed */
	if ((w->item->slot->mm == vma->vm_mm) == w->search_new_forks)
		return 0;
	if (!w->rwc->rmap_one(w->page, vma, addr, w->rwc->arg))
		return 1;
	if (w->rwc->done && w->rwc->done(w->page, w->rwc->arg))
		return 1;
	return 0;
}

void rmap_walk_ksm(struct sim *sim, struct page *page,
		   struct rmap_walk_control *rwc)
{
	struct stable_node *node = page_stable_node(page);
	struct ksm_walk w = { page, rwc, NULL, false };
	int pass;

	(void)sim;
	if (!node)
		return;
	for (pass = 0; pass < 2; pass++) {
		w.search_new_forks = pass;
		TAILQ_FOREACH(w.item, &node->hlist, hlist)
			/* the whole tree: the item's address is not the
			 * page's index (which is leftover for a KSM page) */
			if (anon_vma_interval_tree_foreach(&w.item->anon_vma->rb_root,
							   0, ~0UL, ksm_walk_one, &w))
				return;
	}
}

/* ---- swap-in ---- */

struct reach {
	struct vm_area_struct *vma;
	unsigned long address;
	bool found;
};

static bool reach_one(struct page *page, struct vm_area_struct *vma,
		      unsigned long address, void *arg)
{
	struct reach *r = arg;

	(void)page;
	r->found = vma == r->vma && address == r->address;
	return !r->found;
}

bool ksm_might_need_to_copy(struct page *page, struct vm_area_struct *vma,
			    unsigned long address)
{
	struct anon_vma *anon_vma = page_anon_vma(page);

	if (PageKsm(page)) {
		struct reach r = { vma, address, false };
		struct rmap_walk_control rwc = { &r, reach_one, NULL };

		/*
		 * v5.15 maps a KSM page that still has its node as it is.
		 * While it sat in the swap cache ksmd may have freed the
		 * items that led to this VMA (their own PTEs went); mapped
		 * as it is, the page would be out of rmap_walk_ksm's reach
		 * until the next pass: rmapfs copies it then.
		 */
		if (!page_stable_node(page))
			return true;
		rmap_walk_ksm(vma->vm_mm->sim, page, &rwc);
		return !r.found;
	}
	if (!anon_vma)
		return false;
	/* the same family and index: this page was mapped here before */
	return anon_vma->root != vma->anon_vma->root ||
	       page->index != linear_page_index(vma, address);
}

/* ---- MADV_UNMERGEABLE ---- */

/* The KSM page a migration entry stands for, or NULL. */
static struct page *ksm_migration_page(struct sim *sim, pte_t pte)
{
	struct page *page;

	if (!is_migration_pte(pte))
		return NULL;
	page = pfn_to_page(sim, pte_swp_offset(pte));
	return PageKsm(page) ? page : NULL;
}

static int count_ksm_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
			 void *arg)
{
	struct page *page = follow_anon_page(mm->sim, *ptep);

	if (!page)	/* break_ksm follows migration entries too */
		page = ksm_migration_page(mm->sim, *ptep);

	(void)addr;
	if (page && PageKsm(page))
		(*(unsigned long *)arg)++;
	return 0;
}

static int break_ksm_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
			 void *arg)
{
	struct page *page = ksm_migration_page(mm->sim, *ptep);

	(void)arg;
	if (page)	/* FOLL_MIGRATION: wait for the migration to end */
		migrate_wait_pfn(mm->sim, page_to_pfn(mm->sim, page));
	page = follow_anon_page(mm->sim, *ptep);
	if (!page || !PageKsm(page))
		return 0;
	/* break_ksm: a write fault copies a KSM page, contents and all */
	return access_touch(mm, addr, PAGE_SIZE, /* write = */ true);
}

/*
 * Frames for the copies, and the pool objects one access_touch reserves
 * (two anon_vmas and chains, one table), so each break below finds its
 * reserve already filled and cannot fail.
 */
static int unmerge_prepare(struct sim *sim, unsigned long copies)
{
	if (nr_free_frames(sim) < copies) {
		snprintf(sim->fault_cause, sizeof(sim->fault_cause),
			 "out of memory for %lu ksm copies", copies);
		return -ENOMEM;
	}
	if (sim_reserve(sim, 0, 2, 2) || sim_reserve_tables(sim, 1))
		return -ENOMEM;
	return 0;
}

/* KSM pages in [start, end) of @vma; -EACCES if it has any and no
 * VM_WRITE (the fault path here is a user write: see docs/ksm.md). */
static long unmerge_count(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	unsigned long n = 0;

	if (!(vma->vm_flags & VM_MERGEABLE) || !vma->anon_vma)
		return 0;
	walk_pte_range(vma->vm_mm, start, end, count_ksm_pte, &n);
	if (n && !(vma->vm_flags & VM_WRITE)) {
		snprintf(vma->vm_mm->sim->fault_cause,
			 sizeof(vma->vm_mm->sim->fault_cause),
			 "ksm page at %lx-%lx in a vma without write permission",
			 start, end);
		return -EACCES;
	}
	return (long)n;
}

static void unmerge_vma(struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	walk_pte_range(vma->vm_mm, start, end, break_ksm_pte, NULL);
	trace(vma->vm_mm->sim, "unmerge_ksm_pages", "pid %d %lx-%lx",
	      vma->vm_mm->owner_pid, start, end);
}

int ksm_unmerge_range(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end)
{
	long n = unmerge_count(vma, start, end);
	int err;

	if (n <= 0)
		return (int)n;
	err = unmerge_prepare(vma->vm_mm->sim, (unsigned long)n);
	if (err)
		return err;
	unmerge_vma(vma, start, end);
	return 0;
}

int ksm_madvise_unmerge(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long total = 0;
	long n;
	int err;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		n = unmerge_count(vma, vma->vm_start > start ? vma->vm_start : start,
				  vma->vm_end < end ? vma->vm_end : end);
		if (n < 0)
			return (int)n;
		total += (unsigned long)n;
	}
	if (!total)
		return 0;
	err = unmerge_prepare(mm->sim, total);
	if (err)
		return err;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next)
		if ((vma->vm_flags & VM_MERGEABLE) && vma->anon_vma)
			unmerge_vma(vma, vma->vm_start > start ? vma->vm_start : start,
				    vma->vm_end < end ? vma->vm_end : end);
	return 0;
}

/* ---- validation ---- */

unsigned long ksm_anon_vma_refs(struct sim *sim, struct anon_vma *av)
{
	struct ksm_state *ksm = ksm_state_of(sim);
	struct stable_node *node;
	struct rmap_item *item;
	unsigned long n = 0;

	if (!ksm)
		return 0;
	RB_FOREACH(node, stable_tree, &ksm->stable_tree)
		TAILQ_FOREACH(item, &node->hlist, hlist)
			if (item->anon_vma == av)
				n++;
	return n;
}

#define BAD(why, ...) do {						\
	strbuf_printf(why, __VA_ARGS__);				\
	return -EUCLEAN;						\
} while (0)

struct ro_check {
	struct sim *sim;
	struct strbuf *why;
	int err;
};

static bool check_ksm_pte(struct page *page, struct vm_area_struct *vma,
			  unsigned long address, void *arg)
{
	struct ro_check *rc = arg;
	pte_t *ptep = page_vma_mapped(page, vma, address);

	if (ptep && pte_write(*ptep)) {
		strbuf_printf(rc->why, "pid %d %lx: writable pte to ksm pfn %lu",
			      vma->vm_mm->owner_pid, address,
			      page_to_pfn(rc->sim, page));
		rc->err = -EUCLEAN;
		return false;
	}
	return true;
}

/* Is @av one of the live anon_vmas (without dereferencing it)? */
static bool anon_vma_live(struct sim *sim, const struct anon_vma *av)
{
	struct anon_vma *x;

	for (x = anon_vma_first(sim); x; x = anon_vma_next(sim, x))
		if (x == av)
			return true;
	return false;
}

/* One stable node: its page, its place in the tree, its items. */
static int check_stable_node(struct ksm_state *ksm, struct stable_node *node,
			     unsigned long *items, struct strbuf *why)
{
	struct sim *sim = ksm->sim;
	struct ro_check rc = { sim, why, 0 };
	struct rmap_walk_control rwc = { &rc, check_ksm_pte, NULL };
	struct rmap_item *item;
	struct page *page;
	unsigned long n = 0;

	if (node->kpfn == 0 || node->kpfn >= sim->opt.frames)
		BAD(why, "ksm: stable node of bad kpfn %lu", node->kpfn);
	page = pfn_to_page(sim, node->kpfn);
	if (page->_refcount <= 0 ||
	    page->mapping != ((uintptr_t)node | PAGE_MAPPING_KSM))
		BAD(why, "ksm: stable node's kpfn %lu is not its ksm page", node->kpfn);
	if (page->content != node->content)
		BAD(why, "ksm: kpfn %lu content %llu, node says %llu", node->kpfn,
		    (unsigned long long)page->content,
		    (unsigned long long)node->content);
	TAILQ_FOREACH(item, &node->hlist, hlist) {
		if (item->head != node || item->flags != STABLE_FLAG)
			BAD(why, "ksm: kpfn %lu lists an item not stable on it",
			    node->kpfn);
		if (!anon_vma_live(sim, item->anon_vma))
			BAD(why, "ksm: kpfn %lu: item at %lx holds a dead anon_vma",
			    node->kpfn, item->address);
		n++;
	}
	if (n != node->rmap_hlist_len)
		BAD(why, "ksm: kpfn %lu rmap_hlist_len %lu, list has %lu",
		    node->kpfn, node->rmap_hlist_len, n);
	*items += n;
	rmap_walk_ksm(sim, page, &rwc);
	return rc.err;
}

/*
 * ksm_check - stable nodes ordered by content, each naming a live KSM page
 * with its contents whose PTEs are all read-only; every KSM page named by
 * its node; items sorted per slot, each stable one on its node; live slots
 * belong to live registered mms; the counters equal the lists.
 */
int ksm_check(struct sim *sim, struct strbuf *why)
{
	struct ksm_state *ksm = ksm_state_of(sim);
	unsigned long shared = 0, sharing = 0, unshared = 0, items = 0;
	unsigned long on_nodes = 0, stable = 0, pfn;
	struct stable_node key, *node, *prev = NULL;
	struct ksm_mm_slot *slot;
	struct rmap_item *item;
	int err;

	for (pfn = 1; pfn < sim->opt.frames; pfn++) {
		struct page *page = pfn_to_page(sim, pfn);

		if (page->_refcount <= 0 || !PageKsm(page))
			continue;
		/* found by contents, so a dangling mapping is never followed */
		key.content = page->content;
		node = ksm ? stable_tree_RB_FIND(&ksm->stable_tree, &key) : NULL;
		if (!node || page_stable_node(page) != node || node->kpfn != pfn)
			BAD(why, "ksm: pfn %lu is a ksm page without its stable node", pfn);
	}
	if (!ksm)
		return 0;
	if (ksm->item_pool || ksm->node_pool || ksm->slot_pool)
		BAD(why, "ksm: reserve left over from a pass");
	RB_FOREACH(node, stable_tree, &ksm->stable_tree) {
		if (prev && prev->content >= node->content)
			BAD(why, "ksm: stable tree out of order at kpfn %lu", node->kpfn);
		prev = node;
		err = check_stable_node(ksm, node, &on_nodes, why);
		if (err)
			return err;
		if (node->rmap_hlist_len) {
			shared++;
			sharing += node->rmap_hlist_len - 1;
		}
	}
	TAILQ_FOREACH(slot, &ksm->mm_list, mm_list) {
		struct task_struct *task = find_task(sim, slot->pid);
		unsigned long last = 0;

		if (slot->mm && (!task || task->mm != slot->mm ||
				 !slot->mm->ksm_registered))
			BAD(why, "ksm: mm_slot of pid %d has no live registered mm",
			    slot->pid);
		if (!slot->mm && !slot->rmap_list)
			BAD(why, "ksm: exited pid %d kept an empty mm_slot", slot->pid);
		for (item = slot->rmap_list; item; item = item->rmap_list) {
			if (item->slot != slot || offset_in_page(item->address) ||
			    (item != slot->rmap_list && item->address <= last))
				BAD(why, "ksm: pid %d: rmap_list unsorted at %lx",
				    slot->pid, item->address);
			last = item->address;
			if ((item->flags & STABLE_FLAG) && !item->head)
				BAD(why, "ksm: pid %d %lx: stable item without node",
				    slot->pid, item->address);
			if (item->flags == (STABLE_FLAG | UNSTABLE_FLAG))
				BAD(why, "ksm: pid %d %lx: stable and unstable",
				    slot->pid, item->address);
			if (item->flags & UNSTABLE_FLAG)
				unshared++;
			if (item->flags & STABLE_FLAG)
				stable++;
			items++;
		}
	}
	if (ksm->pages_shared != shared || ksm->pages_sharing != sharing ||
	    ksm->pages_unshared != unshared || ksm->rmap_items != items)
		BAD(why, "ksm: shared/sharing/unshared/items %lu/%lu/%lu/%lu, "
		    "lists give %lu/%lu/%lu/%lu", ksm->pages_shared,
		    ksm->pages_sharing, ksm->pages_unshared, ksm->rmap_items,
		    shared, sharing, unshared, items);
	if (stable != on_nodes)
		BAD(why, "ksm: %lu stable items in the mm_slots, %lu on stable nodes",
		    stable, on_nodes);
	return 0;
}

/* ---- /ksm ---- */

void show_ksm(struct strbuf *m, struct sim *sim)
{
	struct ksm_state *ksm = ksm_state_of(sim);
	unsigned long slots = 0, nodes = 0, items;
	struct stable_node *node;
	struct ksm_mm_slot *slot;
	struct rmap_item *item;
	long volatile_pages = 0;

	if (ksm) {
		volatile_pages = (long)(ksm->rmap_items - ksm->pages_shared -
					ksm->pages_sharing - ksm->pages_unshared);
		if (volatile_pages < 0)
			volatile_pages = 0;
		TAILQ_FOREACH(slot, &ksm->mm_list, mm_list)
			slots++;
		RB_FOREACH(node, stable_tree, &ksm->stable_tree)
			nodes++;
	}
	strbuf_printf(m, "pages_shared:\t%lu\n", ksm ? ksm->pages_shared : 0);
	strbuf_printf(m, "pages_sharing:\t%lu\n", ksm ? ksm->pages_sharing : 0);
	strbuf_printf(m, "pages_unshared:\t%lu\n", ksm ? ksm->pages_unshared : 0);
	strbuf_printf(m, "pages_volatile:\t%ld\n", volatile_pages);
	strbuf_printf(m, "full_scans:\t%lu\n", ksm ? ksm->seqnr : 0);
	strbuf_printf(m, "mm_slots:\t%lu\n", slots);
	if (ksm) {
		TAILQ_FOREACH(slot, &ksm->mm_list, mm_list) {
			items = 0;
			for (item = slot->rmap_list; item; item = item->rmap_list)
				items++;
			strbuf_printf(m, "pid %d rmap_items %lu%s\n", slot->pid, items,
				      slot->mm ? "" : " exited");
		}
	}
	strbuf_printf(m, "stable_nodes:\t%lu\n", nodes);
	if (!ksm)
		return;
	RB_FOREACH(node, stable_tree, &ksm->stable_tree) {
		strbuf_printf(m, "kpfn %lu content %llu rmap_items %lu\n",
			      node->kpfn, (unsigned long long)node->content,
			      node->rmap_hlist_len);
		TAILQ_FOREACH(item, &node->hlist, hlist)
			strbuf_printf(m, "\tpid %d addr 0x%lx anon_vma %lu%s\n",
				      item->slot->pid, item->address,
				      item->anon_vma->id,
				      item->slot->mm ? "" : " exited");
	}
}

/* ---- teardown ---- */

void ksm_release(struct sim *sim)
{
	struct ksm_state *ksm = ksm_state_of(sim);
	struct stable_node *node, *ntmp;
	struct ksm_mm_slot *slot;

	if (!ksm)
		return;
	sim->ksm = NULL;
	RB_FOREACH_SAFE(node, stable_tree, &ksm->stable_tree, ntmp) {
		struct page *page = pfn_to_page(sim, node->kpfn);

		/* a page still in use stays KSM (writes copy it) but loses
		 * its node: rmap_walk_ksm and ksm_page_freed then find none */
		if (page->_refcount > 0 &&
		    page->mapping == ((uintptr_t)node | PAGE_MAPPING_KSM))
			set_page_stable_node(page, NULL);
		remove_node_from_stable_tree(ksm, node);
	}
	while ((slot = TAILQ_FIRST(&ksm->mm_list))) {
		TAILQ_REMOVE(&ksm->mm_list, slot, mm_list);
		while (slot->rmap_list) {
			struct rmap_item *item = slot->rmap_list;

			slot->rmap_list = item->rmap_list;
			free(item);
		}
		free(slot);
	}
	ksm_drain_pools(ksm);
	free(ksm);
}
