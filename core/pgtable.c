/* core/pgtable.c - per-mm x86-64 4-level page tables: allocation where
 * something is mapped, the walks, the protection bits of a VMA
 * (protection_map), and freeing with free_pgd_range's floor/ceiling rules
 * of mm/memory.c in v5.15 (kernel-spec §8.5).
 *
 * Tables live in host memory (not in simulated frames) but are accounted
 * as the kernel accounts them: PUD, PMD and PTE tables add 4 KiB each to
 * VmPTE (mm->pgtables_bytes); PMD and PTE tables count in
 * nr_page_table_pages (their constructors do that in v5.15); the PGD is
 * neither. P4D is folded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"

#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)
#define PGDIR_MASK	(~(PGDIR_SIZE - 1))

static inline unsigned int idx(unsigned long addr, int shift)
{
	return (unsigned int)((addr >> shift) & (PTRS_PER_TABLE - 1));
}

static inline struct pgtable *entry_table(uint64_t e)
{
	return (struct pgtable *)(uintptr_t)e;
}

/*
 * vm_get_page_prot - x86 protection_map: private mappings never get the RW
 * bit (PAGE_COPY), shared writable ones PAGE_SHARED; no R/W/X is
 * PAGE_NONE (PROTNONE, not present to the CPU); every user protection
 * carries ACCESSED; NX unless VM_EXEC.
 */
pte_t vm_get_page_prot(unsigned long vm_flags)
{
	pte_t prot;

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return _PAGE_PROTNONE | _PAGE_ACCESSED;
	prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
	if ((vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return prot;
}

/*
 * vma_wants_writenotify - shared writable mappings are write-protected in
 * the PTEs when the kernel wants to hear of the first write: soft-dirty
 * tracking is on (VM_SOFTDIRTY clear). Simulated files are tmpfs-like: no
 * page_mkwrite and no dirty accounting, so nothing else asks for it.
 */
static bool vma_wants_writenotify(unsigned long vm_flags)
{
	if ((vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	return !(vm_flags & VM_SOFTDIRTY);
}

/* vma->vm_page_prot, as vma_set_page_prot leaves it. */
pte_t vma_page_prot(const struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	if (vma_wants_writenotify(flags))
		flags &= ~VM_SHARED;	/* the private (read-only) variant */
	return vm_get_page_prot(flags);
}

pte_t mk_pte(unsigned long pfn, pte_t prot)
{
	return ((pte_t)pfn << 12) | prot;
}

pte_t *pte_offset(struct mm_struct *mm, unsigned long addr)
{
	struct pgtable *pud, *pmd, *pte;

	if (!mm->pgd)
		return NULL;
	pud = entry_table(mm->pgd->e[idx(addr, PGDIR_SHIFT)]);
	if (!pud)
		return NULL;
	pmd = entry_table(pud->e[idx(addr, PUD_SHIFT)]);
	if (!pmd)
		return NULL;
	pte = entry_table(pmd->e[idx(addr, PMD_SHIFT)]);
	if (!pte)
		return NULL;
	return &pte->e[idx(addr, PAGE_SHIFT)];
}

int pte_alloc_need(struct mm_struct *mm, unsigned long addr)
{
	struct pgtable *pud, *pmd;

	if (!mm->pgd)
		return 3;	/* the PGD itself is not counted */
	pud = entry_table(mm->pgd->e[idx(addr, PGDIR_SHIFT)]);
	if (!pud)
		return 3;
	pmd = entry_table(pud->e[idx(addr, PUD_SHIFT)]);
	if (!pmd)
		return 2;
	return entry_table(pmd->e[idx(addr, PMD_SHIFT)]) ? 0 : 1;
}

static void account_table(struct mm_struct *mm, int level, long delta)
{
	/* level 1 = PUD, 2 = PMD, 3 = PTE table */
	mm->pgtables_bytes += (unsigned long)(delta * (long)PAGE_SIZE);
	if (level >= 2) {
		mm->sim->nr_pgtables += (unsigned long)delta;
		mm->sim->vmstat[NR_PAGETABLE] += (unsigned long)delta;
	}
}

/*
 * pte_alloc - every missing table is allocated first, then linked, so a
 * failure leaves the tables exactly as they were.
 */
pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	struct pgtable *fresh[4] = { NULL, NULL, NULL, NULL };
	struct pgtable **slot;
	uint64_t *e;
	int need = 0, i, level;

	if (!mm->pgd)
		need++;
	need += pte_alloc_need(mm, addr);
	for (i = 0; i < need; i++) {
		fresh[i] = table_alloc(mm->sim);
		if (!fresh[i]) {
			while (i--)
				free(fresh[i]);
			return NULL;
		}
	}
	i = 0;
	if (!mm->pgd)
		mm->pgd = fresh[i++];
	slot = &mm->pgd;
	for (level = 1; level <= 3; level++) {
		int shift = level == 1 ? PGDIR_SHIFT : level == 2 ? PUD_SHIFT : PMD_SHIFT;

		e = &(*slot)->e[idx(addr, shift)];
		if (!*e) {
			*e = (uint64_t)(uintptr_t)fresh[i++];
			account_table(mm, level, 1);
		}
		slot = (struct pgtable **)e;
	}
	return &(*slot)->e[idx(addr, PAGE_SHIFT)];
}

/* ---- freeing (free_pgd_range and below) ---- */

static void free_table(struct mm_struct *mm, uint64_t *entry, int level)
{
	free(entry_table(*entry));
	*entry = 0;
	account_table(mm, level, -1);
}

static void free_pmd_range(struct mm_struct *mm, uint64_t *pud_entry,
			   unsigned long addr, unsigned long end,
			   unsigned long floor, unsigned long ceiling)
{
	struct pgtable *pmd = entry_table(*pud_entry);
	unsigned long start = addr, next;

	do {
		uint64_t *e = &pmd->e[idx(addr, PMD_SHIFT)];

		next = (addr + PMD_SIZE) & PMD_MASK;
		if (next - 1 > end - 1)
			next = end;
		if (*e)
			free_table(mm, e, 3);	/* free_pte_range */
	} while (addr = next, addr != end);

	start &= PUD_MASK;
	if (start < floor)
		return;
	if (ceiling) {
		ceiling &= PUD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		return;
	free_table(mm, pud_entry, 2);
}

static void free_pud_range(struct mm_struct *mm, uint64_t *pgd_entry,
			   unsigned long addr, unsigned long end,
			   unsigned long floor, unsigned long ceiling)
{
	struct pgtable *pud = entry_table(*pgd_entry);
	unsigned long start = addr, next;

	do {
		uint64_t *e = &pud->e[idx(addr, PUD_SHIFT)];

		next = (addr + PUD_SIZE) & PUD_MASK;
		if (next - 1 > end - 1)
			next = end;
		if (*e)
			free_pmd_range(mm, e, addr, next, floor, ceiling);
	} while (addr = next, addr != end);

	start &= PGDIR_MASK;	/* P4D_MASK: p4d is folded into the pgd */
	if (start < floor)
		return;
	if (ceiling) {
		ceiling &= PGDIR_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		return;
	free_table(mm, pgd_entry, 1);
}

/*
 * free_pgd_range - free the tables of [addr, end) that no address in
 * [floor, ceiling) outside the range can still need: PTE tables whose
 * 2 MiB lie inside the rounded window, PMD/PUD tables only when their
 * whole 1 GiB/512 GiB does. @ceiling 0 means the top of memory.
 */
void free_pgd_range(struct mm_struct *mm, unsigned long addr,
		    unsigned long end, unsigned long floor,
		    unsigned long ceiling)
{
	unsigned long next;

	if (!mm->pgd)
		return;
	addr &= PMD_MASK;
	if (addr < floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= PMD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;
	do {
		uint64_t *e = &mm->pgd->e[idx(addr, PGDIR_SHIFT)];

		next = (addr + PGDIR_SIZE) & PGDIR_MASK;
		if (next - 1 > end - 1)
			next = end;
		if (*e)
			free_pud_range(mm, e, addr, next, floor, ceiling);
	} while (addr = next, addr != end);
}

/* At mm teardown: whatever is left, and the PGD. */
void free_all_pgtables(struct mm_struct *mm)
{
	int i, j, k;

	if (!mm->pgd)
		return;
	for (i = 0; i < PTRS_PER_TABLE; i++) {
		struct pgtable *pud = entry_table(mm->pgd->e[i]);

		if (!pud)
			continue;
		for (j = 0; j < PTRS_PER_TABLE; j++) {
			struct pgtable *pmd = entry_table(pud->e[j]);

			if (!pmd)
				continue;
			for (k = 0; k < PTRS_PER_TABLE; k++)
				if (pmd->e[k])
					free_table(mm, &pmd->e[k], 3);
			free_table(mm, &pud->e[j], 2);
		}
		free_table(mm, &mm->pgd->e[i], 1);
	}
	free(mm->pgd);
	mm->pgd = NULL;
}

/* ---- walks ---- */

/* The next boundary of a @size-aligned block above @addr, capped at @end. */
static unsigned long block_end(unsigned long addr, unsigned long size,
			       unsigned long end)
{
	unsigned long next = (addr + size) & ~(size - 1);

	return next - 1 < end - 1 ? next : end;
}

int walk_pte_range(struct mm_struct *mm, unsigned long start,
		   unsigned long end, pte_fn fn, void *arg)
{
	unsigned long addr = start, tend;
	int ret;

	if (!mm->pgd)
		return 0;
	while (addr < end) {
		struct pgtable *pud, *pmd, *pte;

		pud = entry_table(mm->pgd->e[idx(addr, PGDIR_SHIFT)]);
		if (!pud) {
			addr = block_end(addr, PGDIR_SIZE, end);
			continue;
		}
		pmd = entry_table(pud->e[idx(addr, PUD_SHIFT)]);
		if (!pmd) {
			addr = block_end(addr, PUD_SIZE, end);
			continue;
		}
		pte = entry_table(pmd->e[idx(addr, PMD_SHIFT)]);
		tend = block_end(addr, PMD_SIZE, end);
		if (!pte) {
			addr = tend;
			continue;
		}
		for (; addr < tend; addr += PAGE_SIZE) {
			pte_t *e = &pte->e[idx(addr, PAGE_SHIFT)];

			if (*e) {
				ret = fn(mm, addr, e, arg);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

void walk_pgtables(struct mm_struct *mm, pgtable_entry_fn fn, void *arg)
{
	int ix[4], lvl;

	if (!mm->pgd)
		return;
	for (ix[0] = 0; ix[0] < PTRS_PER_TABLE; ix[0]++) {
		struct pgtable *pud = entry_table(mm->pgd->e[ix[0]]);
		unsigned long a0 = (unsigned long)ix[0] << PGDIR_SHIFT;

		if (!pud)
			continue;
		ix[1] = ix[2] = ix[3] = -1;
		lvl = 0;
		fn(lvl, ix, a0, mm->pgd->e[ix[0]], arg);
		for (ix[1] = 0; ix[1] < PTRS_PER_TABLE; ix[1]++) {
			struct pgtable *pmd = entry_table(pud->e[ix[1]]);
			unsigned long a1 = a0 | ((unsigned long)ix[1] << PUD_SHIFT);

			if (!pmd)
				continue;
			ix[2] = ix[3] = -1;
			fn(1, ix, a1, pud->e[ix[1]], arg);
			for (ix[2] = 0; ix[2] < PTRS_PER_TABLE; ix[2]++) {
				struct pgtable *pte = entry_table(pmd->e[ix[2]]);
				unsigned long a2 = a1 | ((unsigned long)ix[2] << PMD_SHIFT);

				if (!pte)
					continue;
				ix[3] = -1;
				fn(2, ix, a2, pmd->e[ix[2]], arg);
				for (ix[3] = 0; ix[3] < PTRS_PER_TABLE; ix[3]++)
					if (pte->e[ix[3]])
						fn(3, ix, a2 | ((unsigned long)ix[3] << PAGE_SHIFT),
						   pte->e[ix[3]], arg);
			}
		}
	}
}
