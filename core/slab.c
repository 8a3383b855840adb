/* core/slab.c - a slab cache for small objects of one size, after the
 * allocate/free paths of mm/slub.c in v5.15 (slab_alloc, __slab_free,
 * discard_slab), without per-CPU slabs or nodes.
 *
 * The kernel finds an object's slab through its struct page
 * (virt_to_slab); here a tree of the slabs by address does that job.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"
#include "slab.h"

static int slab_cmp(struct slab *a, struct slab *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

RB_GENERATE_STATIC(slab_tree, slab, rb, slab_cmp)

/* Objects start right after the header, which is a multiple of 16. */
static char *slab_objects(struct slab *slab)
{
	return (char *)(slab + 1);
}

void kmem_cache_init(struct kmem_cache *s, const char *name, unsigned int size)
{
	assert(size >= sizeof(void *) && size % 16 == 0);
	s->name = name;
	s->size = size;
	s->objects = (unsigned int)((SLAB_BYTES - sizeof(struct slab)) / size);
	LIST_INIT(&s->partial);
	LIST_INIT(&s->full);
	LIST_INIT(&s->empty);
	RB_INIT(&s->slabs);
	s->nr_slabs = 0;
	s->nr_free = 0;
}

/* allocate_slab - a new slab with every object on its freelist, in
 * address order. Return: the slab (on the empty list), or NULL. */
static struct slab *allocate_slab(struct kmem_cache *s)
{
	struct slab *slab = rm_malloc(SLAB_BYTES);
	char *obj;
	unsigned int i;

	if (!slab)
		return NULL;
	slab->freelist = NULL;
	slab->inuse = 0;
	for (i = s->objects; i-- > 0;) {
		obj = slab_objects(slab) + (size_t)i * s->size;
		*(void **)obj = slab->freelist;
		slab->freelist = obj;
	}
	slab_tree_RB_INSERT(&s->slabs, slab);
	LIST_INSERT_HEAD(&s->empty, slab, list);
	s->nr_slabs++;
	s->nr_free += s->objects;
	return slab;
}

/* discard_slab - hand an empty slab back to malloc. */
static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	assert(!slab->inuse);
	LIST_REMOVE(slab, list);
	slab_tree_RB_REMOVE(&s->slabs, slab);
	s->nr_slabs--;
	s->nr_free -= s->objects;
	free(slab);
}

void *kmem_cache_alloc(struct kmem_cache *s)
{
	struct slab *slab;
	void *obj;

	if (rm_failslab())
		return NULL;
	slab = LIST_FIRST(&s->partial);
	if (!slab)
		slab = LIST_FIRST(&s->empty);
	if (!slab)
		slab = allocate_slab(s);
	if (!slab)
		return NULL;
	obj = slab->freelist;
	slab->freelist = *(void **)obj;
	if (slab->inuse++ == 0 || !slab->freelist) {
		LIST_REMOVE(slab, list);
		if (slab->freelist)
			LIST_INSERT_HEAD(&s->partial, slab, list);
		else
			LIST_INSERT_HEAD(&s->full, slab, list);
	}
	s->nr_free--;
	return obj;
}

/* The slab holding @obj: the one with the highest address not above it. */
static struct slab *virt_to_slab(struct kmem_cache *s, void *obj)
{
	struct slab *node = RB_ROOT(&s->slabs), *found = NULL;

	while (node) {
		if ((uintptr_t)node < (uintptr_t)obj) {
			found = node;
			node = RB_RIGHT(node, rb);
		} else {
			node = RB_LEFT(node, rb);
		}
	}
	assert(found && (char *)obj < slab_objects(found) +
	       (size_t)s->objects * s->size);
	return found;
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct slab *slab = virt_to_slab(s, obj);
	bool was_full = !slab->freelist;

	*(void **)obj = slab->freelist;
	slab->freelist = obj;
	s->nr_free++;
	if (--slab->inuse == 0) {
		if (!LIST_EMPTY(&s->empty)) {
			discard_slab(s, slab);	/* one empty slab is enough */
			return;
		}
		LIST_REMOVE(slab, list);
		LIST_INSERT_HEAD(&s->empty, slab, list);
	} else if (was_full) {
		LIST_REMOVE(slab, list);
		LIST_INSERT_HEAD(&s->partial, slab, list);
	}
}

void kmem_cache_shrink(struct kmem_cache *s)
{
	struct slab *slab;

	while ((slab = LIST_FIRST(&s->empty)))
		discard_slab(s, slab);
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct slab *slab;

	while ((slab = RB_ROOT(&s->slabs))) {
		slab->inuse = 0;
		LIST_REMOVE(slab, list);
		LIST_INSERT_HEAD(&s->empty, slab, list);
		discard_slab(s, slab);
	}
}
