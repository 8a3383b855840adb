/* include/pgtable.h - x86-64 4-level page tables (pgd, pud, pmd, pte; 512
 * entries of 8 bytes each; 4 KiB pages), allocated only where something
 * is mapped and counted in mm->pgtables_bytes (VmPTE) as the kernel
 * counts them (PUD, PMD and PTE tables; the PGD is not counted).
 */
#ifndef RMAPFS_PGTABLE_H
#define RMAPFS_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "mm_types.h"

typedef uint64_t pte_t;

/* x86 PTE bits (arch/x86/include/asm/pgtable_types.h). */
#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PROTNONE	(1ULL << 8)	/* GLOBAL bit, when !PRESENT */
#define _PAGE_SPECIAL	(1ULL << 9)	/* SOFTW1: the zero page */
#define _PAGE_UFFD_WP	(1ULL << 10)
#define _PAGE_SOFT_DIRTY (1ULL << 11)
#define _PAGE_NX	(1ULL << 63)
#define PTE_PFN_MASK	0x000ffffffffff000ULL
/*
 * Non-present entries (swap, migration): not x86's bit layout but the same
 * information: bit 1 marks a swap-type entry, bits 2..6 its type, bits
 * 12..57 its offset; soft-dirty and uffd-wp keep their bits.
 */
#define _PAGE_SWP_ENTRY	(1ULL << 1)
#define SWP_TYPE_SHIFT	2
#define SWP_TYPE_MASK	0x1fULL
#define SWP_OFFSET_SHIFT 12
#define SWP_OFFSET_MASK	((1ULL << 46) - 1)
/* Entry types as an x86_64 distro config numbers them (MAX_SWAPFILES_SHIFT
 * 5, device-private 4, migration 2, hwpoison 1): swap devices 0..24. */
#define SWP_HWPOISON		25
#define SWP_MIGRATION_READ	26
#define SWP_MIGRATION_WRITE	27

#define PTRS_PER_TABLE	512
#define PGDIR_SHIFT	39
#define PUD_SHIFT	30
#define PMD_SHIFT	21

static inline bool pte_none(pte_t pte) { return pte == 0; }
static inline bool pte_present(pte_t pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
static inline bool pte_swp(pte_t pte)
{
	return !pte_present(pte) && (pte & _PAGE_SWP_ENTRY);
}
static inline unsigned long pte_pfn(pte_t pte)
{
	return (unsigned long)((pte & PTE_PFN_MASK) >> 12);
}
static inline pte_t swp_entry_pte(unsigned int type, unsigned long offset)
{
	return _PAGE_SWP_ENTRY | ((pte_t)type << SWP_TYPE_SHIFT) |
	       ((pte_t)offset << SWP_OFFSET_SHIFT);
}
static inline unsigned int pte_swp_type(pte_t pte)
{
	return (unsigned int)((pte >> SWP_TYPE_SHIFT) & SWP_TYPE_MASK);
}
static inline unsigned long pte_swp_offset(pte_t pte)
{
	return (unsigned long)((pte >> SWP_OFFSET_SHIFT) & SWP_OFFSET_MASK);
}
static inline bool is_migration_pte(pte_t pte)
{
	return pte_swp(pte) && (pte_swp_type(pte) == SWP_MIGRATION_READ ||
				pte_swp_type(pte) == SWP_MIGRATION_WRITE);
}
/* A real swap-device entry (not migration/hwpoison). */
static inline bool is_swap_entry_pte(pte_t pte)
{
	return pte_swp(pte) && pte_swp_type(pte) < SWP_HWPOISON;
}
static inline bool pte_write(pte_t pte) { return pte & _PAGE_RW; }
static inline bool pte_young(pte_t pte) { return pte & _PAGE_ACCESSED; }
static inline bool pte_dirty(pte_t pte) { return pte & _PAGE_DIRTY; }
static inline bool pte_special(pte_t pte) { return pte & _PAGE_SPECIAL; }
static inline bool pte_soft_dirty(pte_t pte) { return pte & _PAGE_SOFT_DIRTY; }

/* A table: 512 entries; upper levels hold pointers to lower tables. */
struct pgtable {
	uint64_t e[PTRS_PER_TABLE];
};

/* vm_get_page_prot: the PTE protection bits of x86's protection_map for
 * @vm_flags, write-notify folded in (kernel-spec §4.3.4). */
pte_t vm_get_page_prot(unsigned long vm_flags);
pte_t vma_page_prot(const struct vm_area_struct *vma);
pte_t mk_pte(unsigned long pfn, pte_t prot);

/* Walk to the PTE of @addr; NULL if some level is missing. */
pte_t *pte_offset(struct mm_struct *mm, unsigned long addr);
/* pte_alloc - the PTE slot of @addr, making tables as needed.
 * Return: the slot, or NULL (-ENOMEM) with nothing allocated left over. */
pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr);
/* How many table pages pte_alloc(@addr) would have to allocate (0..3). */
int pte_alloc_need(struct mm_struct *mm, unsigned long addr);
/* free_pgd_range - free the tables covering [@addr, @end) within
 * [@floor, @ceiling), with the v5.15 rules (kernel-spec §8.5). */
void free_pgd_range(struct mm_struct *mm, unsigned long addr,
		    unsigned long end, unsigned long floor,
		    unsigned long ceiling);
void free_all_pgtables(struct mm_struct *mm);

/* Visit each non-none PTE in [start, end) in address order. */
typedef int (*pte_fn)(struct mm_struct *mm, unsigned long addr, pte_t *pte,
		      void *arg);
int walk_pte_range(struct mm_struct *mm, unsigned long start,
		   unsigned long end, pte_fn fn, void *arg);
/* Visit every table and entry (for /PID/pagetable): level 0..3 = pgd..pte,
 * the indices of the four levels, the entry value. */
typedef void (*pgtable_entry_fn)(int level, const int idx[4],
				 unsigned long addr, uint64_t entry,
				 void *arg);
void walk_pgtables(struct mm_struct *mm, pgtable_entry_fn fn, void *arg);

#endif
