/* core/anon_vma.c - anon_vma and anon_vma_chain lifetime, as mm/rmap.c and
 * find_mergeable_anon_vma of mm/mmap.c in v5.15.0: anon_vma_prepare,
 * anon_vma_clone with the degree-based reuse, anon_vma_fork,
 * unlink_anon_vmas, put_anon_vma (kernel-spec §5).
 *
 * Left out: locking (one simulator lock covers everything), RCU and
 * SLAB_TYPESAFE_BY_RCU games. v5.15.0 has a single `degree`; the later
 * num_children/num_active_vmas split (§5.10) is not modelled. The tunable
 * vm.anon_vma_reuse = 0 turns the 2015 reuse off, to show the endless
 * anon_vma chains it cured.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"

static int anon_vma_id_cmp(struct anon_vma *a, struct anon_vma *b)
{
	return a->id < b->id ? -1 : a->id > b->id;
}

RB_GENERATE_STATIC(anon_vma_idx, anon_vma, id_rb, anon_vma_id_cmp)

struct anon_vma *anon_vma_find(struct sim *sim, unsigned long id)
{
	struct anon_vma key = { .id = id };

	return anon_vma_idx_RB_FIND(&sim->anon_vmas, &key);
}

struct anon_vma *anon_vma_first(struct sim *sim)
{
	return anon_vma_idx_RB_MINMAX(&sim->anon_vmas, -1);
}

struct anon_vma *anon_vma_next(struct sim *sim, struct anon_vma *av)
{
	(void)sim;
	return anon_vma_idx_RB_NEXT(av);
}

/* ---- allocation ---- */

static struct anon_vma *anon_vma_take(struct sim *sim)
{
	struct anon_vma *av = sim->anon_vma_pool;

	if (av) {
		sim->anon_vma_pool = av->parent;
		sim->nr_anon_vma_pool--;
		return av;
	}
	return rm_malloc(sizeof(*av));
}

/* anon_vma_alloc - a new root: refcount 1, degree 1, parent/root itself. */
struct anon_vma *anon_vma_alloc(struct sim *sim)
{
	struct anon_vma *av = anon_vma_take(sim);

	if (!av)
		return NULL;
	memset(av, 0, sizeof(*av));
	av->refcount = 1;
	av->degree = 1;		/* reference for the first VMA */
	av->parent = av;
	av->root = av;		/* fork resets it to the parent's root */
	RB_INIT(&av->rb_root);
	av->id = ++sim->next_anon_vma_id;
	anon_vma_idx_RB_INSERT(&sim->anon_vmas, av);
	sim->nr_anon_vmas++;
	sim->vmstat[SIM_ANON_VMA_ALLOC]++;
	return av;
}

static void anon_vma_free(struct sim *sim, struct anon_vma *av)
{
	assert(av->refcount == 0 && av->nr_avcs == 0);
	trace(sim, "__put_anon_vma", "free av %lu", av->id);
	anon_vma_idx_RB_REMOVE(&sim->anon_vmas, av);
	sim->nr_anon_vmas--;
	av->parent = sim->anon_vma_pool;
	sim->anon_vma_pool = av;
	sim->nr_anon_vma_pool++;
}

/* __put_anon_vma: the last reference is gone; a child pins its root. */
static void __put_anon_vma(struct sim *sim, struct anon_vma *av)
{
	struct anon_vma *root = av->root;

	anon_vma_free(sim, av);
	if (root != av && --root->refcount == 0)
		anon_vma_free(sim, root);
}

void put_anon_vma(struct sim *sim, struct anon_vma *anon_vma)
{
	if (--anon_vma->refcount == 0)
		__put_anon_vma(sim, anon_vma);
}

struct anon_vma_chain *anon_vma_chain_alloc(struct sim *sim)
{
	struct anon_vma_chain *avc = sim->avc_pool;

	if (avc) {
		sim->avc_pool = SLIST_NEXT(avc, same_vma);
		sim->nr_avc_pool--;
	} else {
		avc = kmem_cache_alloc(&sim->avc_cache);
		if (!avc)
			return NULL;
	}
	memset(avc, 0, sizeof(*avc));
	sim->nr_avcs++;
	return avc;
}

void anon_vma_chain_free(struct sim *sim, struct anon_vma_chain *avc)
{
	sim->nr_avcs--;
	SLIST_NEXT(avc, same_vma) = sim->avc_pool;
	sim->avc_pool = avc;
	sim->nr_avc_pool++;
}

/* anon_vma_chain_link - on the VMA's list (at its head) and in the tree. */
static void anon_vma_chain_link(struct vm_area_struct *vma,
				struct anon_vma_chain *avc,
				struct anon_vma *anon_vma)
{
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	SLIST_INSERT_HEAD(&vma->anon_vma_chain, avc, same_vma);
	anon_vma_interval_tree_insert(avc, &anon_vma->rb_root);
}

/* ---- anon_vma_prepare ---- */

/*
 * anon_vma_compatible - could @a and @b (in address order) share one
 * anon_vma: adjacent, same file, flags equal but for access bits and
 * soft-dirty, pgoff continuous.
 */
static bool anon_vma_compatible(struct vm_area_struct *a,
				struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start &&
	       a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) &
		 ~(VM_READ | VM_WRITE | VM_EXEC | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff +
			      ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/* reusable_anon_vma - @old's anon_vma, if compatible and not fork-derived
 * (its chain is a single AVC: list_is_singular). */
static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old,
					  struct vm_area_struct *a,
					  struct vm_area_struct *b)
{
	if (anon_vma_compatible(a, b) && old->anon_vma &&
	    vma_chain_len(old) == 1)
		return old->anon_vma;
	return NULL;
}

/* find_mergeable_anon_vma - next neighbour first, then prev. */
static struct anon_vma *__find_mergeable_anon_vma(struct vm_area_struct *vma,
						  const char **side)
{
	struct anon_vma *anon_vma = NULL;

	if (vma->vm_next) {
		anon_vma = reusable_anon_vma(vma->vm_next, vma, vma->vm_next);
		*side = "next";
		if (anon_vma)
			return anon_vma;
	}
	if (vma->vm_prev)
		anon_vma = reusable_anon_vma(vma->vm_prev, vma->vm_prev, vma);
	*side = "prev";
	return anon_vma;
}

struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	const char *side;

	return __find_mergeable_anon_vma(vma, &side);
}

/*
 * anon_vma_prepare - attach an anon_vma to @vma: a compatible neighbour's,
 * or a new root. Degree +1 either way (for a new root: 2 = self + VMA).
 * Return: 0, or -ENOMEM with @vma unchanged.
 */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct sim *sim = vma->vm_mm->sim;
	struct anon_vma_chain *avc;
	struct anon_vma *anon_vma;
	const char *side;

	if (vma->anon_vma)
		return 0;
	avc = anon_vma_chain_alloc(sim);
	if (!avc)
		return -ENOMEM;
	anon_vma = __find_mergeable_anon_vma(vma, &side);
	if (!anon_vma) {
		anon_vma = anon_vma_alloc(sim);
		if (!anon_vma) {
			anon_vma_chain_free(sim, avc);
			return -ENOMEM;
		}
		trace(sim, "anon_vma_prepare", "pid %d vma %lx: new av %lu",
		      vma->vm_mm->owner_pid, vma->vm_start, anon_vma->id);
	} else {
		sim->vmstat[SIM_ANON_VMA_NEIGHBOUR]++;
		trace(sim, "anon_vma_prepare", "pid %d vma %lx: reuse av %lu from %s vma",
		      vma->vm_mm->owner_pid, vma->vm_start, anon_vma->id, side);
	}
	vma->anon_vma = anon_vma;
	anon_vma_chain_link(vma, avc, anon_vma);
	/* the VMA's reference, or the self-parent link of a new root */
	anon_vma->degree++;
	return 0;
}

/* ---- clone and fork ---- */

/*
 * anon_vma_clone - give @dst an AVC for every anon_vma on @src's chain, in
 * front of what @dst had and in @src's order. At fork (dst->anon_vma
 * reset to NULL while src has one) an anon_vma other than src's own with
 * degree < 2 (no VMA, at most one child) is reused: v5.15.0's cure for
 * endless anon_vma chains. All AVCs are allocated before anything is
 * linked.
 *
 * Easily overlooked: the kernel walks @src's chain in reverse (root first)
 * and reuses the first anon_vma that qualifies. The chain is singly linked
 * here, so it is walked newest first and the last one that qualifies is
 * taken: the same one, as linking changes no degree. Each anon_vma gets one
 * AVC of @dst, so the order of the tree insertions does not matter either.
 * Return: 0, or -ENOMEM with @dst's anon_vma and chain unchanged.
 */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct sim *sim = src->vm_mm->sim;
	struct anon_vma_chain *pavc, *avc, *fresh = NULL, *prev = NULL;
	struct anon_vma *reuse = NULL;
	unsigned long n = vma_chain_len(src), i;

	for (i = 0; i < n; i++) {
		avc = anon_vma_chain_alloc(sim);
		if (!avc)
			goto enomem;
		SLIST_NEXT(avc, same_vma) = fresh;
		fresh = avc;
	}

	SLIST_FOREACH(pavc, &src->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = pavc->anon_vma;

		avc = fresh;
		fresh = SLIST_NEXT(avc, same_vma);
		avc->vma = dst;
		avc->anon_vma = anon_vma;
		if (prev)
			SLIST_INSERT_AFTER(prev, avc, same_vma);
		else
			SLIST_INSERT_HEAD(&dst->anon_vma_chain, avc, same_vma);
		prev = avc;
		anon_vma_interval_tree_insert(avc, &anon_vma->rb_root);

		/*
		 * Never the parent's own anon_vma (the first child would
		 * always take it) and never a root (self link + a child).
		 */
		if (!dst->anon_vma && src->anon_vma && sim->sysctl.anon_vma_reuse &&
		    anon_vma != src->anon_vma && anon_vma->degree < 2)
			reuse = anon_vma;
	}
	if (reuse) {
		dst->anon_vma = reuse;
		sim->vmstat[SIM_ANON_VMA_REUSE]++;
		trace(sim, "anon_vma_clone", "pid %d vma %lx: reuse av %lu (degree %lu)",
		      dst->vm_mm->owner_pid, dst->vm_start, reuse->id,
		      reuse->degree);
	}
	if (dst->anon_vma)
		dst->anon_vma->degree++;
	return 0;

enomem:
	while ((avc = fresh)) {
		fresh = SLIST_NEXT(avc, same_vma);
		anon_vma_chain_free(sim, avc);
	}
	return -ENOMEM;
}

/*
 * anon_vma_fork - attach the fork child's @vma to everything the parent's
 * @pvma is attached to, then reuse an anon_vma or make its own (whose
 * parent is pvma's anon_vma and which pins the family root).
 * Return: 0, or -ENOMEM with @vma left without anon_vma or AVCs.
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct sim *sim = vma->vm_mm->sim;
	struct anon_vma_chain *avc;
	struct anon_vma *anon_vma;
	int err;

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;	/* drop the copied pointer: reuse or new */
	err = anon_vma_clone(vma, pvma);
	if (err)
		return err;
	if (vma->anon_vma)
		return 0;	/* an existing anon_vma was reused */

	/* Allocate the AVC first so nothing can fail once an id is used. */
	avc = anon_vma_chain_alloc(sim);
	if (!avc)
		goto out_error;
	anon_vma = anon_vma_alloc(sim);
	if (!anon_vma) {
		anon_vma_chain_free(sim, avc);
		goto out_error;
	}
	anon_vma->root = pvma->anon_vma->root;
	anon_vma->parent = pvma->anon_vma;
	anon_vma->root->refcount++;	/* the root holds the lock: pin it */
	vma->anon_vma = anon_vma;
	anon_vma_chain_link(vma, avc, anon_vma);
	anon_vma->parent->degree++;
	trace(sim, "anon_vma_fork", "pid %d vma %lx: new av %lu (parent %lu, root %lu)",
	      vma->vm_mm->owner_pid, vma->vm_start, anon_vma->id,
	      anon_vma->parent->id, anon_vma->root->id);
	return 0;

out_error:
	unlink_anon_vmas(vma);
	return -ENOMEM;
}

/* ---- unlink ---- */

/*
 * unlink_anon_vmas - drop every AVC of @vma, newest first so the root goes
 * last. An anon_vma whose tree empties drops its parent's degree and then
 * its own owner reference (put_anon_vma), in a second pass.
 */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct sim *sim = vma->vm_mm->sim;
	struct anon_vma_chain *avc, **link = &SLIST_FIRST(&vma->anon_vma_chain);

	while ((avc = *link)) {
		struct anon_vma *anon_vma = avc->anon_vma;

		anon_vma_interval_tree_remove(avc, &anon_vma->rb_root);
		/* Keep empty anon_vmas on the list for the second pass. */
		if (RB_EMPTY(&anon_vma->rb_root)) {
			anon_vma->parent->degree--;
			link = &SLIST_NEXT(avc, same_vma);
			continue;
		}
		*link = SLIST_NEXT(avc, same_vma);
		anon_vma_chain_free(sim, avc);
	}
	if (vma->anon_vma) {
		vma->anon_vma->degree--;
		vma->anon_vma = NULL;
	}

	while ((avc = SLIST_FIRST(&vma->anon_vma_chain))) {
		SLIST_REMOVE_HEAD(&vma->anon_vma_chain, same_vma);
		put_anon_vma(sim, avc->anon_vma);
		anon_vma_chain_free(sim, avc);
	}
}
