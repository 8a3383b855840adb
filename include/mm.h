/* include/mm.h - address-space operations (mm/mmap.c, mm/mprotect.c,
 * mm/madvise.c, kernel/fork.c of v5.15). All return 0/-errno and leave
 * the mm exactly as it was on failure.
 */
#ifndef RMAPFS_MM_H
#define RMAPFS_MM_H

#include <stdbool.h>
#include "mm_types.h"

/* mmap(2) flags understood by do_mmap (values as in the uapi headers). */
#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_GROWSDOWN		0x0100
#define MAP_LOCKED		0x2000
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_FIXED_NOREPLACE	0x100000

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4

/* madvise advices (uapi values): page-level ones first, then those that
 * only change VMA flags. */
#define MADV_WILLNEED		3
#define MADV_DONTNEED		4
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#define MADV_DONTFORK		10
#define MADV_DOFORK		11
#define MADV_MERGEABLE		12
#define MADV_UNMERGEABLE	13
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19

struct mm_struct *mm_alloc(struct sim *sim);
/* exit_mmap + free: tear the address space down. */
void mmput(struct mm_struct *mm);

/* Lookups (kernel-spec §4.2). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long end);
unsigned long vm_start_gap(const struct vm_area_struct *vma);
unsigned long vm_end_gap(const struct vm_area_struct *vma);
static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/*
 * do_mmap - mmap(2). @addr: hint or fixed address; @prot: PROT_*;
 * @flags: MAP_*; @file/@pgoff: backing file or NULL for anonymous.
 * Return: the start address (>= 0), or -errno.
 */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, struct file *file,
	     unsigned long pgoff);
/* vm_mmap_pgoff - do_mmap plus MAP_POPULATE's faults. */
long vm_mmap_pgoff(struct mm_struct *mm, unsigned long addr, unsigned long len,
		   unsigned long prot, unsigned long flags, struct file *file,
		   unsigned long pgoff);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		unsigned long prot);
int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len,
	       int advice);
/* mlock(2) (@lock) / munlock(2). */
int do_mlock(struct mm_struct *mm, unsigned long start, unsigned long len,
	     bool lock);
/* dup_mm: a copy of @oldmm for the fork child @pid. Return: new mm or NULL. */
struct mm_struct *dup_mm(struct mm_struct *oldmm, int pid, int *err);

/* VMA tree maintenance (core/vma.c). */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
	      struct vm_area_struct *prev);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		unsigned long addr, int new_below);
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
	      unsigned long addr, int new_below);
struct vm_area_struct *vma_merge(struct mm_struct *mm,
				 struct vm_area_struct *prev,
				 unsigned long addr, unsigned long end,
				 unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file,
				 unsigned long pgoff);
void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages);
unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file,
				unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags);
/* IS_ERR_VALUE for get_unmapped_area results. */
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)

/* validate_mm - all per-mm invariants; on failure describe it in @why. */
struct strbuf;
int validate_mm(struct mm_struct *mm, struct strbuf *why);

#endif
