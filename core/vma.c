/* core/vma.c - the VMA store of an mm and its split/merge primitives, as
 * mm/mmap.c in v5.15: a sorted doubly linked list plus a red-black tree
 * keyed by vm_start and augmented with rb_subtree_gap (the largest free
 * gap below any VMA of the subtree), vma_merge with cases 1-8,
 * __vma_adjust and __split_vma.
 *
 * Left out: NUMA policies and userfaultfd contexts (always equal here),
 * uprobes, THP adjustments. The tree is libbsd's <sys/tree.h>; its
 * RB_AUGMENT hook keeps rb_subtree_gap right through rotations.
 */
/*
 * Keep rb_subtree_gap right: must be defined before <sys/tree.h>. The hook
 * recomputes only the node it is given (libbsd calls it for each node a
 * rotation or a removal changes, after that node's children are final);
 * vma_rb_insert and vma_rb_erase then walk from the deepest node that
 * changed to the root, as the kernel's augmented callbacks do. (Walking to
 * the root from every hook call made each insert O(log^2 n): perf showed
 * vma_rb_recompute at 43% of a fork of 10,000 VMAs.)
 */
#define RB_AUGMENT(x) vma_rb_recompute(x)

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"

/* vm_start_gap/vm_end_gap - the VMA's extent including the stack guard. */
static inline unsigned long __vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= STACK_GUARD_GAP;
		if (start > vma->vm_start)	/* wrapped below 0 */
			start = 0;
	}
	return start;
}

static inline unsigned long __vm_end_gap(const struct vm_area_struct *vma)
{
	return vma->vm_end;	/* no VM_GROWSUP on x86 */
}

unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	return __vm_start_gap(vma);
}

unsigned long vm_end_gap(const struct vm_area_struct *vma)
{
	return __vm_end_gap(vma);
}

/* vma_compute_gap - free bytes between the previous VMA and this one. */
static unsigned long vma_compute_gap(const struct vm_area_struct *vma)
{
	unsigned long gap = __vm_start_gap(vma), prev_end;

	if (vma->vm_prev) {
		prev_end = __vm_end_gap(vma->vm_prev);
		gap = gap > prev_end ? gap - prev_end : 0;
	}
	return gap;
}

static void vma_rb_recompute(struct vm_area_struct *vma);

/* Walk to the root: right because every node off this path was already
 * recomputed from final children by the hook. O(log n). */
static void vma_rb_propagate(struct vm_area_struct *vma)
{
	for (; vma; vma = RB_PARENT(vma, vm_rb))
		vma_rb_recompute(vma);
}

static int vma_rb_cmp(struct vm_area_struct *a, struct vm_area_struct *b)
{
	return a->vm_start < b->vm_start ? -1 : a->vm_start > b->vm_start;
}

RB_GENERATE_STATIC(vma_tree, vm_area_struct, vm_rb, vma_rb_cmp)

/* Insert @vma (its rb_subtree_gap already its own gap) and fix the path. */
static void vma_rb_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_tree_RB_INSERT(&mm->mm_rb, vma);
	vma_rb_propagate(vma);
}

/*
 * Remove @vma and fix the path from the deepest node the removal changed:
 * the parent of the node spliced out (the in-order successor when @vma
 * has two children, or the successor itself when it is @vma's child).
 * The rebalancing rotations happen on that node's ancestors.
 */
static void vma_rb_erase(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *deepest = RB_PARENT(vma, vm_rb);

	if (RB_LEFT(vma, vm_rb) && RB_RIGHT(vma, vm_rb)) {
		struct vm_area_struct *succ = RB_RIGHT(vma, vm_rb);

		while (RB_LEFT(succ, vm_rb))
			succ = RB_LEFT(succ, vm_rb);
		deepest = RB_PARENT(succ, vm_rb) == vma ? succ :
			  RB_PARENT(succ, vm_rb);
	}
	vma_tree_RB_REMOVE(&mm->mm_rb, vma);
	vma_rb_propagate(deepest);
}

static void vma_rb_recompute(struct vm_area_struct *vma)
{
	unsigned long max = vma_compute_gap(vma);
	struct vm_area_struct *child;

	child = RB_LEFT(vma, vm_rb);
	if (child && child->rb_subtree_gap > max)
		max = child->rb_subtree_gap;
	child = RB_RIGHT(vma, vm_rb);
	if (child && child->rb_subtree_gap > max)
		max = child->rb_subtree_gap;
	vma->rb_subtree_gap = max;
}

/* vma_gap_update - @vma's start or its prev's end moved. */
void vma_gap_update(struct vm_area_struct *vma)
{
	vma_rb_propagate(vma);
}

/* After @vma's end moved: the gap below its successor changed. */
void vma_adjust_end_gap(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_next)
		vma_gap_update(vma->vm_next);
	else
		mm->highest_vm_end = vm_end_gap(vma);
}

/* ---- allocation, through the sim's reserve ---- */

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct sim *sim = mm->sim;
	struct vm_area_struct *vma = sim->vma_pool;

	if (vma) {
		sim->vma_pool = vma->vm_next;
		sim->nr_vma_pool--;
	} else {
		vma = rm_malloc(sizeof(*vma));
		if (!vma)
			return NULL;
	}
	memset(vma, 0, sizeof(*vma));
	vma->vm_mm = mm;
	SLIST_INIT(&vma->anon_vma_chain);
	sim->nr_vmas++;
	return vma;
}

/* vm_area_dup - exact copy with an empty AVC list (kernel/fork.c). */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *new = vm_area_alloc(orig->vm_mm);

	if (!new)
		return NULL;
	new->vm_start = orig->vm_start;
	new->vm_end = orig->vm_end;
	new->vm_flags = orig->vm_flags;
	new->vm_pgoff = orig->vm_pgoff;
	new->vm_file = orig->vm_file;
	new->anon_vma = orig->anon_vma;
	return new;
}

void vm_area_free(struct vm_area_struct *vma)
{
	struct sim *sim = vma->vm_mm->sim;

	sim->nr_vmas--;
	vma->vm_next = sim->vma_pool;
	sim->vma_pool = vma;
	sim->nr_vma_pool++;
}

/* ---- lookups ---- */

/* find_vma - the lowest VMA with vm_end > @addr, or NULL. O(log n). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *node = RB_ROOT(&mm->mm_rb), *found = NULL;

	while (node) {
		if (node->vm_end > addr) {
			found = node;
			if (node->vm_start <= addr)
				break;
			node = RB_LEFT(node, vm_rb);
		} else {
			node = RB_RIGHT(node, vm_rb);
		}
	}
	return found;
}

struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (vma) {
		*pprev = vma->vm_prev;
	} else {
		struct vm_area_struct *last = RB_MAX(vma_tree, &mm->mm_rb);

		*pprev = last;
	}
	return vma;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	if (vma && end <= vma->vm_start)
		vma = NULL;
	return vma;
}

/* ---- linking ---- */

/* __vma_link_list + __vma_link_rb: insert @vma after @prev (NULL: first). */
static void __vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
		       struct vm_area_struct *prev)
{
	struct vm_area_struct *next = prev ? prev->vm_next : mm->mmap;

	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
	vma->rb_subtree_gap = vma_compute_gap(vma);
	vma_rb_insert(mm, vma);
	/* The gap below the successor shrank, or this is the new last VMA. */
	if (next)
		vma_gap_update(next);
	else
		mm->highest_vm_end = vm_end_gap(vma);
	mm->map_count++;
}

/* vma_link - link a new VMA into the mm and its file's i_mmap. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
	      struct vm_area_struct *prev)
{
	__vma_link(mm, vma, prev);
	if (vma->vm_file)
		vma_link_file(vma);
}

/* __vma_unlink: take @vma off the list and the tree (map_count too). */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma->vm_prev, *next = vma->vm_next;

	vma_rb_erase(mm, vma);
	if (prev)
		prev->vm_next = next;
	else
		mm->mmap = next;
	if (next) {
		next->vm_prev = prev;
		vma_gap_update(next);
	} else {
		mm->highest_vm_end = prev ? vm_end_gap(prev) : 0;
	}
	mm->map_count--;
}

/* ---- adjusting ---- */

static void i_mmap_pre_update(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		vma_interval_tree_remove(vma, &vma->vm_file->f_inode->i_mmap);
}

static void i_mmap_post_update(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		vma_interval_tree_insert(vma, &vma->vm_file->f_inode->i_mmap);
}

/*
 * __vma_adjust - change @vma to [@start, @end) at @pgoff, removing or
 * shrinking its neighbour as vma_merge (@expand) or __split_vma (@insert)
 * asked; follows v5.15 __vma_adjust, including the anon_vma import of the
 * "easily overlooked" case and the two passes of case 6.
 * Return: 0, or -ENOMEM from anon_vma_clone before anything changed.
 */
int __vma_adjust(struct vm_area_struct *vma, unsigned long start,
		 unsigned long end, unsigned long pgoff,
		 struct vm_area_struct *insert, struct vm_area_struct *expand)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *next = vma->vm_next;
	long adjust_next = 0;
	int remove_next = 0;
	bool start_changed = false, end_changed = false;

	if (next && !insert) {
		struct vm_area_struct *exporter = NULL, *importer = NULL;

		if (end >= next->vm_end) {
			if (next == expand) {
				/* Case 8: "next" grows down over "vma". */
				struct vm_area_struct *tmp = vma;

				remove_next = 3;
				vma = next;
				next = tmp;
			} else {
				/* Cases 1, 6, 7; 2 means case 6. */
				remove_next = 1 + (end > next->vm_end);
				end = next->vm_end;
			}
			exporter = next;
			importer = vma;
			/* Case 6 with a faultless middle: take X's. */
			if (remove_next == 2 && !next->anon_vma)
				exporter = next->vm_next;
		} else if (end > next->vm_start) {
			/* Case 5: the boundary moves up into next. */
			adjust_next = (long)(end - next->vm_start);
			exporter = next;
			importer = vma;
		} else if (end < vma->vm_end) {
			/* Case 4: the boundary moves down into vma. */
			adjust_next = -(long)(vma->vm_end - end);
			exporter = vma;
			importer = next;
		}

		/*
		 * Easily overlooked: when the boundary moves, the growing
		 * VMA must get an anon_vma if the shrinking one had one,
		 * to cover the anon pages it takes over.
		 */
		if (exporter && exporter->anon_vma && !importer->anon_vma) {
			int err;

			importer->anon_vma = exporter->anon_vma;
			err = anon_vma_clone(importer, exporter);
			if (err) {
				importer->anon_vma = NULL;	/* as it was */
				return err;
			}
		}
	}
again:
	i_mmap_pre_update(vma);
	if (adjust_next)
		i_mmap_pre_update(next);
	anon_vma_interval_tree_pre_update_vma(vma);
	if (adjust_next)
		anon_vma_interval_tree_pre_update_vma(next);

	if (start != vma->vm_start) {
		vma->vm_start = start;
		start_changed = true;
	}
	if (end != vma->vm_end) {
		vma->vm_end = end;
		end_changed = true;
	}
	vma->vm_pgoff = pgoff;
	if (adjust_next) {
		next->vm_start += (unsigned long)adjust_next;
		next->vm_pgoff += (unsigned long)(adjust_next >> PAGE_SHIFT);
	}

	if (adjust_next)
		i_mmap_post_update(next);
	i_mmap_post_update(vma);

	if (remove_next) {
		vma_unlink(mm, next);
		if (start_changed)
			vma_gap_update(vma);
	} else if (insert) {
		/* split: link @insert on whichever side it belongs */
		if (insert->vm_start < vma->vm_start)
			vma_link(mm, insert, vma->vm_prev);
		else
			vma_link(mm, insert, vma);
		if (start_changed)
			vma_gap_update(vma);
	} else {
		if (start_changed)
			vma_gap_update(vma);
		if (end_changed && !adjust_next)
			vma_adjust_end_gap(mm, vma);
		if (adjust_next)
			vma_gap_update(next);
	}

	anon_vma_interval_tree_post_update_vma(vma);
	if (adjust_next)
		anon_vma_interval_tree_post_update_vma(next);

	if (remove_next) {
		/* anon_vma_merge(vma, next) is unlink_anon_vmas(next). */
		if (next->anon_vma || !SLIST_EMPTY(&next->anon_vma_chain))
			unlink_anon_vmas(next);
		if (next->vm_file) {
			unlink_file_vma(next);
			fput(mm->sim, next->vm_file);
		}
		vm_area_free(next);
		next = remove_next != 3 ? vma->vm_next : vma;
		if (remove_next == 2) {
			/* Case 6, second pass: swallow the VMA after area. */
			remove_next = 1;
			end = next->vm_end;
			start_changed = end_changed = false;
			goto again;
		}
		if (remove_next == 3)
			vma_gap_update(vma);
		else
			vma_adjust_end_gap(mm, vma);
	}
	return 0;
}

/* ---- merging ---- */

/* is_mergeable_vma - flags equal but for VM_SOFTDIRTY, same open file. */
static bool is_mergeable_vma(const struct vm_area_struct *vma,
			     const struct file *file, unsigned long vm_flags)
{
	if ((vma->vm_flags ^ vm_flags) & ~VM_SOFTDIRTY)
		return false;
	return vma->vm_file == file;
}

/*
 * is_mergeable_anon_vma - either side without an anon_vma is fine only if
 * the neighbour @vma (when given) is not fork-derived: its chain must be
 * exactly one AVC (list_is_singular). Otherwise they must be equal.
 */
bool is_mergeable_anon_vma(struct anon_vma *anon_vma1,
			   struct anon_vma *anon_vma2,
			   struct vm_area_struct *vma)
{
	if ((!anon_vma1 || !anon_vma2) &&
	    (!vma || vma_chain_len(vma) == 1))
		return true;
	return anon_vma1 == anon_vma2;
}

static bool can_vma_merge_before(struct vm_area_struct *vma,
				 unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file,
				 unsigned long vm_pgoff)
{
	return is_mergeable_vma(vma, file, vm_flags) &&
	       is_mergeable_anon_vma(anon_vma, vma->anon_vma, vma) &&
	       vma->vm_pgoff == vm_pgoff;
}

static bool can_vma_merge_after(struct vm_area_struct *vma,
				unsigned long vm_flags,
				struct anon_vma *anon_vma, struct file *file,
				unsigned long vm_pgoff)
{
	return is_mergeable_vma(vma, file, vm_flags) &&
	       is_mergeable_anon_vma(anon_vma, vma->anon_vma, vma) &&
	       vma->vm_pgoff + vma_pages(vma) == vm_pgoff;
}

/*
 * vma_merge - merge [@addr, @end) with @prev and/or the VMA after it, as
 * v5.15 vma_merge (cases 1-8 of kernel-spec §4.7).
 *     AAAA             AAAA                   AAAA
 *    PPPPPPNNNNNN    PPPPPPNNNNNN       PPPPPPCCCCCC
 *    cannot merge    might become       might become
 *                    PPNNNNNNNNNN       PPPPPPPPPPCC
 * Return: the VMA now covering the range, or NULL if nothing merged.
 */
struct vm_area_struct *vma_merge(struct mm_struct *mm,
				 struct vm_area_struct *prev,
				 unsigned long addr, unsigned long end,
				 unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file,
				 unsigned long pgoff)
{
	unsigned long pglen = (end - addr) >> PAGE_SHIFT;
	struct vm_area_struct *area, *next;
	int err;

	if (vm_flags & VM_SPECIAL)
		return NULL;

	next = prev ? prev->vm_next : mm->mmap;
	area = next;
	if (area && area->vm_end == end)	/* cases 6, 7, 8 */
		next = next->vm_next;

	if (prev && prev->vm_end == addr &&
	    can_vma_merge_after(prev, vm_flags, anon_vma, file, pgoff)) {
		if (next && end == next->vm_start &&
		    can_vma_merge_before(next, vm_flags, anon_vma, file,
					 pgoff + pglen) &&
		    is_mergeable_anon_vma(prev->anon_vma, next->anon_vma,
					  NULL)) {
			/* cases 1, 6 */
			err = __vma_adjust(prev, prev->vm_start, next->vm_end,
					   prev->vm_pgoff, NULL, prev);
		} else {
			/* cases 2, 5, 7 */
			err = __vma_adjust(prev, prev->vm_start, end,
					   prev->vm_pgoff, NULL, prev);
		}
		return err ? NULL : prev;
	}

	if (next && end == next->vm_start &&
	    can_vma_merge_before(next, vm_flags, anon_vma, file,
				 pgoff + pglen)) {
		if (prev && addr < prev->vm_end) {
			/* case 4 */
			err = __vma_adjust(prev, prev->vm_start, addr,
					   prev->vm_pgoff, NULL, next);
		} else {
			/* cases 3, 8: in case 8 area goes, next grows down */
			err = __vma_adjust(area, addr, next->vm_end,
					   next->vm_pgoff - pglen, NULL, next);
			area = next;
		}
		return err ? NULL : area;
	}
	return NULL;
}

/*
 * vma_merge_would_merge - the decision of vma_merge without doing it:
 * true when vma_merge(@prev, @addr, @end, ...) would merge. Used by the
 * commands' pre-checks so a failing command changes nothing.
 */
bool vma_merge_would_merge(struct mm_struct *mm, struct vm_area_struct *prev,
			   unsigned long addr, unsigned long end,
			   unsigned long vm_flags, struct anon_vma *anon_vma,
			   struct file *file, unsigned long pgoff)
{
	unsigned long pglen = (end - addr) >> PAGE_SHIFT;
	struct vm_area_struct *next;

	if (vm_flags & VM_SPECIAL)
		return false;
	next = prev ? prev->vm_next : mm->mmap;
	if (next && next->vm_end == end)
		next = next->vm_next;
	if (prev && prev->vm_end == addr &&
	    can_vma_merge_after(prev, vm_flags, anon_vma, file, pgoff))
		return true;
	return next && end == next->vm_start &&
	       can_vma_merge_before(next, vm_flags, anon_vma, file,
				    pgoff + pglen);
}

/* ---- splitting ---- */

/*
 * __split_vma - split @vma at @addr; the new VMA takes the lower part when
 * @new_below, else the upper part. The original struct keeps the part the
 * caller goes on operating on. Return: 0, or -ENOMEM with @vma unchanged.
 */
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		unsigned long addr, int new_below)
{
	struct vm_area_struct *new;
	int err;

	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	}
	err = anon_vma_clone(new, vma);
	if (err) {
		vm_area_free(new);
		return err;
	}
	if (new->vm_file)
		get_file(new->vm_file);

	if (new_below)
		err = __vma_adjust(vma, addr, vma->vm_end, vma->vm_pgoff +
				   ((addr - new->vm_start) >> PAGE_SHIFT),
				   new, NULL);
	else
		err = __vma_adjust(vma, vma->vm_start, addr, vma->vm_pgoff,
				   new, NULL);
	assert(!err);	/* @insert given: no anon_vma import can happen */
	return 0;
}

/* split_vma - __split_vma, refused once map_count reaches the limit. */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
	      unsigned long addr, int new_below)
{
	if (mm->map_count >= mm->sim->sysctl.max_map_count)
		return -ENOMEM;
	return __split_vma(mm, vma, addr, new_below);
}

/* ---- reservation helpers ---- */

unsigned long vma_chain_len(const struct vm_area_struct *vma)
{
	const struct anon_vma_chain *avc;
	unsigned long n = 0;

	if (!vma)
		return 0;
	SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma)
		n++;
	return n;
}

/*
 * reserve_for_range - fill the pools for an operation on [start, end) that
 * may split the VMAs at either end (two new VMAs, each cloning a chain) and
 * import one neighbour's chain on a merge. Generous on purpose.
 */
int reserve_for_range(struct mm_struct *mm, unsigned long start,
		      unsigned long end, unsigned long extra_vmas)
{
	struct vm_area_struct *first, *last, *prev, *next;
	unsigned long avcs;

	first = find_vma_prev(mm, start, &prev);
	last = end ? find_vma(mm, end - 1) : NULL;
	next = last ? last->vm_next : NULL;
	avcs = vma_chain_len(prev) + vma_chain_len(first) +
	       vma_chain_len(last) + vma_chain_len(next);
	if (first && first->vm_next)
		avcs += vma_chain_len(first->vm_next);
	return sim_reserve(mm->sim, 2 + extra_vmas, 2 * avcs, 0);
}

int reserve_for_vmas(struct mm_struct *mm, unsigned long start,
		     unsigned long end)
{
	struct vm_area_struct *vma, *prev;
	unsigned long avcs = 0;

	vma = find_vma_prev(mm, start, &prev);
	avcs += vma_chain_len(prev);
	for (; vma && vma->vm_start < end; vma = vma->vm_next)
		avcs += vma_chain_len(vma);
	avcs += vma_chain_len(vma);	/* the VMA after the range */
	return sim_reserve(mm->sim, 2, 3 * avcs, 0);
}

/* In-order access to the tree, for the validator (independent of the list). */
struct vm_area_struct *vma_tree_first(struct mm_struct *mm)
{
	return RB_MIN(vma_tree, &mm->mm_rb);
}

struct vm_area_struct *vma_tree_next(struct vm_area_struct *vma)
{
	return vma_tree_RB_NEXT(vma);
}

/*
 * detach_vmas_to_be_unmapped - take @vma and the VMAs after it that start
 * below @end off the tree and the list. They stay linked to each other
 * through vm_next (the last one's is NULL) for unmap_region.
 * Return: the VMA after them, or NULL.
 */
struct vm_area_struct *detach_vmas_to_be_unmapped(struct mm_struct *mm,
						  struct vm_area_struct *vma,
						  struct vm_area_struct *prev,
						  unsigned long end)
{
	struct vm_area_struct *tail = vma, *next, *v;

	for (v = vma; v && v->vm_start < end; v = v->vm_next) {
		vma_rb_erase(mm, v);
		mm->map_count--;
		tail = v;
	}
	next = tail->vm_next;
	vma->vm_prev = NULL;
	tail->vm_next = NULL;
	if (prev)
		prev->vm_next = next;
	else
		mm->mmap = next;
	if (next) {
		next->vm_prev = prev;
		vma_gap_update(next);
	} else {
		mm->highest_vm_end = prev ? vm_end_gap(prev) : 0;
	}
	return next;
}
