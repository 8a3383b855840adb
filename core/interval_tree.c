/* core/interval_tree.c - the two interval trees of v5.15 mm/interval_tree.c:
 * anon_vma->rb_root (AVCs keyed by their VMA's pgoff range) and
 * file->i_mmap (VMAs keyed by pgoff range). Augmented red-black trees
 * (libbsd <sys/tree.h>) whose nodes carry the largest "last" of their
 * subtree, so a stabbing query visits only intersecting nodes.
 *
 * Easily overlooked: equal start keys keep insertion order (a node
 * inserted later sorts after it), which fixes the order rmap walks visit
 * VMAs in; fork inserts the child's VMA right after the parent's in
 * i_mmap. So nodes are linked by position, as the kernel's rb_link_node,
 * and the tree's comparator is never used for lookups.
 */
/* One RB_AUGMENT hook for both trees of this file; it must be defined
 * before <sys/tree.h> is included. It recomputes only the node given
 * (libbsd calls it once that node's children are final); insert and
 * remove then walk once from the deepest changed node to the root, as
 * core/vma.c does for the same reason (a walk per hook call is
 * O(log^2 n) per insert). */
#define RB_AUGMENT(x) _Generic((x),					\
	struct anon_vma_chain *: avc_recompute,				\
	struct vm_area_struct *: immap_recompute)(x)

#include <stdbool.h>
#include <stddef.h>

#include "mm_internal.h"

static void avc_recompute(struct anon_vma_chain *avc);
static void immap_recompute(struct vm_area_struct *vma);

static void avc_propagate(struct anon_vma_chain *avc)
{
	for (; avc; avc = RB_PARENT(avc, rb))
		avc_recompute(avc);
}

static void immap_propagate(struct vm_area_struct *vma)
{
	for (; vma; vma = RB_PARENT(vma, shared_rb))
		immap_recompute(vma);
}

/* Ties sort after: only used by RB_GENERATE, never for lookups. */
static int avc_cmp(struct anon_vma_chain *a, struct anon_vma_chain *b)
{
	return avc_start_pgoff(a) < avc_start_pgoff(b) ? -1 : 1;
}

static int immap_cmp(struct vm_area_struct *a, struct vm_area_struct *b)
{
	return a->vm_pgoff < b->vm_pgoff ? -1 : 1;
}

RB_GENERATE_STATIC(avc_tree, anon_vma_chain, rb, avc_cmp)
RB_GENERATE_STATIC(immap_tree, vm_area_struct, shared_rb, immap_cmp)

/* The deepest node a removal of @n changes: the parent of the node
 * spliced out (@n's in-order successor when it has two children, or that
 * successor itself when it is @n's child). Rebalancing rotates only that
 * node's ancestors. */
#define RB_ERASE_DEEPEST(n, field) __extension__ ({			\
	__typeof__(n) _d = RB_PARENT(n, field), _s;			\
	if (RB_LEFT(n, field) && (_s = RB_RIGHT(n, field))) {		\
		while (RB_LEFT(_s, field))				\
			_s = RB_LEFT(_s, field);			\
		_d = RB_PARENT(_s, field) == (n) ? _s : RB_PARENT(_s, field); \
	}								\
	_d;								\
})

static void avc_recompute(struct anon_vma_chain *avc)
{
	unsigned long max = avc_last_pgoff(avc);
	struct anon_vma_chain *c;

	c = RB_LEFT(avc, rb);
	if (c && c->rb_subtree_last > max)
		max = c->rb_subtree_last;
	c = RB_RIGHT(avc, rb);
	if (c && c->rb_subtree_last > max)
		max = c->rb_subtree_last;
	avc->rb_subtree_last = max;
}

static void immap_recompute(struct vm_area_struct *vma)
{
	unsigned long max = vma->shared_last;
	struct vm_area_struct *c;

	c = RB_LEFT(vma, shared_rb);
	if (c && c->shared_subtree_last > max)
		max = c->shared_subtree_last;
	c = RB_RIGHT(vma, shared_rb);
	if (c && c->shared_subtree_last > max)
		max = c->shared_subtree_last;
	vma->shared_subtree_last = max;
}

void anon_vma_interval_tree_insert(struct anon_vma_chain *avc,
				   struct avc_tree *root)
{
	unsigned long start = avc_start_pgoff(avc);
	struct anon_vma_chain *parent = NULL, *node = RB_ROOT(root);
	bool left = false;

	avc->rb_subtree_last = avc_last_pgoff(avc);
	while (node) {
		parent = node;
		left = start < avc_start_pgoff(node);	/* ties go right */
		node = left ? RB_LEFT(node, rb) : RB_RIGHT(node, rb);
	}
	RB_SET(avc, parent, rb);
	if (!parent)
		RB_ROOT(root) = avc;
	else if (left)
		RB_LEFT(parent, rb) = avc;
	else
		RB_RIGHT(parent, rb) = avc;
	avc_tree_RB_INSERT_COLOR(root, avc);
	avc_propagate(avc);
	avc->anon_vma->nr_avcs++;
}

void anon_vma_interval_tree_remove(struct anon_vma_chain *avc,
				   struct avc_tree *root)
{
	struct anon_vma_chain *deepest = RB_ERASE_DEEPEST(avc, rb);

	avc_tree_RB_REMOVE(root, avc);
	avc_propagate(deepest);
	avc->anon_vma->nr_avcs--;
}

/* Link @vma as the left (@left) or right child of @parent, rebalance. */
static void immap_link(struct vm_area_struct *vma,
		       struct vm_area_struct *parent, bool left,
		       struct immap_tree *root)
{
	vma->shared_last = vma->vm_pgoff + vma_pages(vma) - 1;
	vma->shared_subtree_last = vma->shared_last;
	RB_SET(vma, parent, shared_rb);
	if (!parent)
		RB_ROOT(root) = vma;
	else if (left)
		RB_LEFT(parent, shared_rb) = vma;
	else
		RB_RIGHT(parent, shared_rb) = vma;
	immap_tree_RB_INSERT_COLOR(root, vma);
	immap_propagate(vma);
}

void vma_interval_tree_insert(struct vm_area_struct *vma,
			      struct immap_tree *root)
{
	struct vm_area_struct *parent = NULL, *node = RB_ROOT(root);
	bool left = false;

	while (node) {
		parent = node;
		left = vma->vm_pgoff < node->vm_pgoff;	/* ties go right */
		node = left ? RB_LEFT(node, shared_rb) : RB_RIGHT(node, shared_rb);
	}
	immap_link(vma, parent, left, root);
}

/* vma_interval_tree_insert_after - @node goes right after @prev in order
 * (fork: the child's VMA follows the parent's). Same pgoff as @prev. */
void vma_interval_tree_insert_after(struct vm_area_struct *node,
				    struct vm_area_struct *prev,
				    struct immap_tree *root)
{
	struct vm_area_struct *parent = RB_RIGHT(prev, shared_rb);

	if (!parent) {
		immap_link(node, prev, false, root);
		return;
	}
	while (RB_LEFT(parent, shared_rb))
		parent = RB_LEFT(parent, shared_rb);
	immap_link(node, parent, true, root);
}

void vma_interval_tree_remove(struct vm_area_struct *vma,
			      struct immap_tree *root)
{
	struct vm_area_struct *deepest = RB_ERASE_DEEPEST(vma, shared_rb);

	immap_tree_RB_REMOVE(root, vma);
	immap_propagate(deepest);
}

/* In-order walk of the nodes meeting [first, last], pruned by the
 * augmented value (left subtrees that end before @first) and the key
 * (right subtrees that start after @last). */
static int avc_iter(struct anon_vma_chain *node, unsigned long first,
		    unsigned long last,
		    int (*fn)(struct anon_vma_chain *, void *), void *arg)
{
	int ret;

	while (node) {
		if (node->rb_subtree_last < first)
			return 0;
		ret = avc_iter(RB_LEFT(node, rb), first, last, fn, arg);
		if (ret)
			return ret;
		if (avc_start_pgoff(node) > last)
			return 0;
		if (avc_last_pgoff(node) >= first) {
			ret = fn(node, arg);
			if (ret)
				return ret;
		}
		node = RB_RIGHT(node, rb);
	}
	return 0;
}

int anon_vma_interval_tree_foreach(struct avc_tree *root, unsigned long first,
				   unsigned long last,
				   int (*fn)(struct anon_vma_chain *, void *),
				   void *arg)
{
	return avc_iter(RB_ROOT(root), first, last, fn, arg);
}

static int immap_iter(struct vm_area_struct *node, unsigned long first,
		      unsigned long last,
		      int (*fn)(struct vm_area_struct *, void *), void *arg)
{
	int ret;

	while (node) {
		if (node->shared_subtree_last < first)
			return 0;
		ret = immap_iter(RB_LEFT(node, shared_rb), first, last, fn, arg);
		if (ret)
			return ret;
		if (node->vm_pgoff > last)
			return 0;
		if (node->shared_last >= first) {
			ret = fn(node, arg);
			if (ret)
				return ret;
		}
		node = RB_RIGHT(node, shared_rb);
	}
	return 0;
}

int vma_interval_tree_foreach(struct immap_tree *root, unsigned long first,
			      unsigned long last,
			      int (*fn)(struct vm_area_struct *, void *),
			      void *arg)
{
	return immap_iter(RB_ROOT(root), first, last, fn, arg);
}

/* Keys are read from the VMA (avc_start_pgoff): take every AVC of @vma
 * out of its tree before vm_start, vm_end or vm_pgoff change, and put
 * them back after, as mm/mmap.c's anon_vma_interval_tree_pre_update_vma
 * and post_update_vma. Easily overlooked: in between, the trees must not
 * be walked (their order and rb_subtree_last would be stale). */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_remove(avc, &avc->anon_vma->rb_root);
}

void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_insert(avc, &avc->anon_vma->rb_root);
}
