/* include/slab.h - a cache of same-sized objects carved from large chunks
 * ("slabs"), after struct kmem_cache of mm/slub.c in v5.15, so an object
 * costs its size and not also a malloc header.
 *
 * Left out: per-CPU slabs, NUMA nodes, debugging redzones, RCU freeing.
 * One cache per object type per machine; the simulator lock covers it.
 */
#ifndef RMAPFS_SLAB_H
#define RMAPFS_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <bsd/sys/queue.h>
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
#include <bsd/sys/tree.h>

/*
 * struct slab - one chunk: this header, then @objects objects. A free
 * object holds the next free one in its first word. Owned by its cache.
 */
struct slab {
	LIST_ENTRY(slab) list;		/* the cache's partial, full or empty list */
	RB_ENTRY(slab) rb;		/* cache->slabs, by address */
	void *freelist;			/* free objects of this slab */
	unsigned int inuse;		/* objects handed out, 0 .. objects */
};

LIST_HEAD(slab_list, slab);
RB_HEAD(slab_tree, slab);

/*
 * struct kmem_cache - the slabs of one object type. A slab sits on
 * exactly one list by its @inuse: empty (0), full (all) or partial.
 * At most one empty slab is kept (SLUB's min_partial, cut to one): a
 * second is freed when its last object is. Owned by the sim.
 */
struct kmem_cache {
	const char *name;
	unsigned int size;		/* bytes per object, a multiple of 16 */
	unsigned int objects;		/* per slab */
	struct slab_list partial, full, empty;
	struct slab_tree slabs;		/* every slab, for kmem_cache_free */
	unsigned long nr_slabs;
	unsigned long nr_free;		/* free objects over all slabs */
};

/* Bytes malloc'd per slab: 256 KiB less glibc's chunk header, so a slab
 * fills its mmapped or heap chunk exactly. */
#define SLAB_BYTES	((256UL << 10) - 24)

void kmem_cache_init(struct kmem_cache *s, const char *name, unsigned int size);
/*
 * kmem_cache_alloc - one object (contents undefined), or NULL. Counts as
 * one allocation for the failure hook (include/alloc.h), as the kernel's
 * should_failslab; a new slab is one more.
 */
void *kmem_cache_alloc(struct kmem_cache *s);
/* kmem_cache_free - @obj goes back to its slab. */
void kmem_cache_free(struct kmem_cache *s, void *obj);
/* kmem_cache_shrink - free every empty slab. */
void kmem_cache_shrink(struct kmem_cache *s);
/* kmem_cache_destroy - free every slab, objects in use or not. */
void kmem_cache_destroy(struct kmem_cache *s);

#endif
