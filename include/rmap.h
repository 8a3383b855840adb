/* include/rmap.h - anon_vma and anon_vma_chain lifetime (mm/rmap.c v5.15.0,
 * with the single-`degree` reuse rule of kernel-spec §5.4-§5.6).
 */
#ifndef RMAPFS_RMAP_H
#define RMAPFS_RMAP_H

#include <stdbool.h>
#include "mm_types.h"
#include "pgtable.h"

struct anon_vma *anon_vma_alloc(struct sim *sim);
void put_anon_vma(struct sim *sim, struct anon_vma *anon_vma);
/* Return: 0, or -ENOMEM with @vma unchanged. */
int anon_vma_prepare(struct vm_area_struct *vma);
/* Return: 0, or -ENOMEM with @dst left without AVCs or anon_vma. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
void unlink_anon_vmas(struct vm_area_struct *vma);
struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma);
struct anon_vma *anon_vma_find(struct sim *sim, unsigned long id);
/* Iterate live anon_vmas in id order: first, then next. */
struct anon_vma *anon_vma_first(struct sim *sim);
struct anon_vma *anon_vma_next(struct sim *sim, struct anon_vma *av);

/* Interval trees (core/interval_tree.c). */
/* avc_start_pgoff/avc_last_pgoff - the pgoff interval [start, last] an AVC
 * is keyed by: its VMA's, as in mm/interval_tree.c. */
static inline unsigned long avc_start_pgoff(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff;
}

static inline unsigned long avc_last_pgoff(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff +
	       ((avc->vma->vm_end - avc->vma->vm_start) >> PAGE_SHIFT) - 1;
}

void anon_vma_interval_tree_insert(struct anon_vma_chain *avc,
				   struct avc_tree *root);
void anon_vma_interval_tree_remove(struct anon_vma_chain *avc,
				   struct avc_tree *root);
/* Visit AVCs whose range meets [first, last], in key order; stop if @fn
 * returns non-zero (which is then returned). */
int anon_vma_interval_tree_foreach(struct avc_tree *root, unsigned long first,
				   unsigned long last,
				   int (*fn)(struct anon_vma_chain *, void *),
				   void *arg);
void vma_interval_tree_insert(struct vm_area_struct *vma,
			      struct immap_tree *root);
void vma_interval_tree_insert_after(struct vm_area_struct *node,
				    struct vm_area_struct *prev,
				    struct immap_tree *root);
void vma_interval_tree_remove(struct vm_area_struct *vma,
			      struct immap_tree *root);
int vma_interval_tree_foreach(struct immap_tree *root, unsigned long first,
			      unsigned long last,
			      int (*fn)(struct vm_area_struct *, void *),
			      void *arg);
/* Temporarily remove/re-insert a VMA's AVCs around a pgoff/size change. */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma);
void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma);


/* ---- page-level reverse mapping (mm/rmap.c, kernel-spec §6, §9) ---- */
struct page;

/* vma_address - where @page sits in @vma, or -EFAULT (as unsigned) when
 * its index falls outside the VMA. */
unsigned long vma_address(struct page *page, struct vm_area_struct *vma);
unsigned long linear_page_index(struct vm_area_struct *vma,
				unsigned long addr);

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long addr);
/* do_page_add_anon_rmap: @exclusive chooses vma->anon_vma over the root
 * when the page is not anonymous yet. */
void page_add_anon_rmap(struct page *page, struct vm_area_struct *vma,
			unsigned long addr, bool exclusive);
void page_add_file_rmap(struct sim *sim, struct page *page);
void page_remove_rmap(struct sim *sim, struct page *page);
void page_dup_rmap(struct page *page);

/*
 * struct rmap_walk_control - as in the kernel: @rmap_one is called for
 * each VMA the walk finds the page's index in (the page may or may not be
 * mapped there; check the PTE); returning false stops the walk. @done,
 * when given, is asked after each VMA.
 */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma,
			 unsigned long address, void *arg);
	bool (*done)(struct page *page, void *arg);
};
/* rmap_walk - rmap_walk_anon / rmap_walk_file (KSM with its issue).
 * Anonymous: page -> anon_vma -> interval tree -> VMAs; never a scan of
 * all processes. */
void rmap_walk(struct sim *sim, struct page *page,
	       struct rmap_walk_control *rwc);
/* page_vma_mapped - the PTE of @vma at @address if it maps @page. */
pte_t *page_vma_mapped(struct page *page, struct vm_area_struct *vma,
		       unsigned long address);

#endif
