/* include/memory.h - page faults and the page-table side of munmap, fork
 * and mprotect, as mm/memory.c and mm/mprotect.c of v5.15 (kernel-spec §7,
 * §8.3-§8.5).
 */
#ifndef RMAPFS_MEMORY_H
#define RMAPFS_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "mm_types.h"

/*
 * A user access, as the x86 fault path and the CPU see it: find the VMA
 * (growing a stack), check the access, fault as needed, then complete the
 * access (young, and dirty on a write).
 * Return: 0; -EFAULT for SIGSEGV/SEGV_MAPERR or SIGBUS; -EACCES for
 * SIGSEGV/SEGV_ACCERR (each logged to /dmesg); -ENOMEM when no frame or
 * table can be had. On failure nothing changed.
 */
int access_read(struct mm_struct *mm, unsigned long addr, uint64_t *value);
int access_write(struct mm_struct *mm, unsigned long addr, uint64_t value);
/* touch: one access per page of [addr, addr+len); a write access faults
 * for write but leaves the contents as they are. */
int access_touch(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 bool write);
/* populate_vma_page_range: GUP-style faults for MAP_POPULATE/mlock. */
int populate_range(struct mm_struct *mm, unsigned long start,
		   unsigned long end);

/* Reserve all that populating [start, end) may allocate. Return: 0 or
 * -ENOMEM. */
int populate_reserve(struct mm_struct *mm, unsigned long start,
		     unsigned long end);
/* Frames populating [start, end) may allocate. */
unsigned long populate_need(struct mm_struct *mm, unsigned long start,
			    unsigned long end);
/* munlock the pages of [start, end) of @vma (VM_LOCKED already clear). */
void munlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end);

/* zap_page_range: clear the PTEs of [start, end) in @vma (munmap, exit). */
void unmap_page_range(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end);
/* free_pgtables - for a run of VMAs linked by vm_next (detached, or the
 * whole mm at exit): unlink_anon_vmas and unlink_file_vma for each, then
 * free_pgd_range between @floor and @ceiling (0: the top). */
void free_pgtables(struct mm_struct *mm, struct vm_area_struct *vma,
		   unsigned long floor, unsigned long ceiling);
/* copy_page_range: fork's copy of @src's PTEs into @dst (kernel-spec §8.3).
 * The caller reserved the tables (copy_page_range_need). */
void copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src);
bool vma_needs_copy(const struct vm_area_struct *src);
/*
 * struct pgtable_need - page-table pages fork's copy_page_range calls will
 * allocate in a fresh mm, counted over the parent's VMAs in address
 * order: a PTE table per PMD range the parent has one for, and the PMD
 * and PUD tables above, each once however many VMAs share it.
 * Start it with PGTABLE_NEED_INIT (which counts the PGD).
 */
struct pgtable_need {
	unsigned long tables;
	unsigned long last_pmd, last_pud, last_pgd;	/* counted, by index */
};
#define PGTABLE_NEED_INIT { 1, -1UL, -1UL, -1UL }
/* Add what copy_page_range(@src) needs; @src above the VMAs added before. */
void copy_page_range_need(struct vm_area_struct *src, struct pgtable_need *need);
/* change_protection: rewrite the PTEs of [start, end) after mprotect. */
void change_protection(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end);

#endif
