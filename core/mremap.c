/* core/mremap.c - mremap(2), as mm/mremap.c and copy_vma of mm/mmap.c in
 * v5.15 (kernel-spec §4.13): the syscall's checks in their order,
 * mremap_to (MREMAP_FIXED, MREMAP_DONTUNMAP), vma_to_resize, growth in
 * place (vma_expandable + vma_adjust, so an expanded VMA never merges
 * with the one after it), and move_vma: copy_vma, move_page_tables, then
 * the munmap of the old range, which by then holds no PTE.
 *
 * Page tables move as x86_64 moves them (HAVE_MOVE_PMD, HAVE_MOVE_PUD):
 * a whole PTE table (PMD table) when a 2 MiB (1 GiB) aligned extent of
 * both ranges moves and the destination slot is empty, else PTE by PTE
 * into tables allocated at the destination, each moved entry soft-dirty.
 * Pages keep their index and anon_vma; the new VMA keeps vm_pgoff and the
 * anon_vma chain, so every rmap walk still finds them.
 *
 * Atomicity: v5.15 unmaps the MREMAP_FIXED target and the shrunk tail
 * before it checks the old VMA; here every check is made against the
 * state those unmaps would leave, and everything they, copy_vma and the
 * page-table move allocate is reserved, before anything changes.
 *
 * Left out: hugetlb VMAs, userfaultfd, special mappings' may_split and
 * ->mremap (rmapfs has no [vdso]), and, until core/ksm.c is built,
 * move_vma's ksm_madvise(MADV_UNMERGEABLE) of the moved range (see
 * ksm_unmerge_before_move).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "memory.h"
#include "mm_internal.h"
#include "ksm.h"
#include "mremap.h"
#include "page.h"
#include "pgtable.h"

#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))


/* ---- page tables ---- */

static unsigned int tbl_idx(unsigned long addr, int shift)
{
	return (unsigned int)((addr >> shift) & (PTRS_PER_TABLE - 1));
}

static struct pgtable *tbl(uint64_t entry)
{
	return (struct pgtable *)(uintptr_t)entry;
}

/* The PUD-table slot of @addr (it points at a PMD table), or NULL when no
 * PUD table covers @addr. */
static uint64_t *pud_slot(struct mm_struct *mm, unsigned long addr)
{
	struct pgtable *pud;

	if (!mm->pgd)
		return NULL;
	pud = tbl(mm->pgd->e[tbl_idx(addr, PGDIR_SHIFT)]);
	return pud ? &pud->e[tbl_idx(addr, PUD_SHIFT)] : NULL;
}

/* The PMD-table slot of @addr (it points at a PTE table), or NULL. */
static uint64_t *pmd_slot(struct mm_struct *mm, unsigned long addr)
{
	uint64_t *pud = pud_slot(mm, addr);

	return pud && *pud ? &tbl(*pud)->e[tbl_idx(addr, PMD_SHIFT)] : NULL;
}

/* get_old_pud / get_old_pmd: the slot when it is not none. */
static uint64_t *get_old_pud(struct mm_struct *mm, unsigned long addr)
{
	uint64_t *e = pud_slot(mm, addr);

	return e && *e ? e : NULL;
}

static uint64_t *get_old_pmd(struct mm_struct *mm, unsigned long addr)
{
	uint64_t *e = pmd_slot(mm, addr);

	return e && *e ? e : NULL;
}

/*
 * get_extent - how far from @old_addr one step may go: to the next
 * @size boundary of either address, and not past @old_end. Easily
 * overlooked: the boundary of the destination counts too, so a step
 * never straddles two destination tables.
 */
static unsigned long get_extent(unsigned long size, unsigned long old_addr,
				unsigned long old_end, unsigned long new_addr)
{
	unsigned long mask = ~(size - 1), next, extent;

	next = (old_addr + size) & mask;
	extent = next - old_addr;	/* fine even if next wrapped to 0 */
	if (extent > old_end - old_addr)
		extent = old_end - old_addr;
	next = (new_addr + size) & mask;
	if (extent > next - new_addr)
		extent = next - new_addr;
	return extent;
}

/*
 * move_normal_table - move_normal_pmd (@size PMD_SIZE) or
 * move_normal_pud (PUD_SIZE): the table under the old slot is handed
 * over whole to the new address; its PTEs are not touched (no soft-dirty
 * bit). The destination slot must be none (v5.15 warns and falls back to
 * PTE moves otherwise).
 *
 * alloc_new_pmd/alloc_new_pud make the upper tables of the destination;
 * pte_alloc makes them with the same accounting, plus the levels below,
 * which free_pgd_range takes back at once: with floor and ceiling at the
 * extent's bounds it frees exactly the tables inside it, and nothing else
 * lives there (the whole extent moves). Tables come from the reserve.
 * Return: false when the destination slot is in use.
 */
static bool move_normal_table(struct mm_struct *mm, uint64_t *old_slot,
			      unsigned long new_addr, unsigned long size)
{
	uint64_t *new_slot;

	/* none at the PMD level: no PTE table (need >= 1); at the PUD
	 * level: no PMD table (need >= 2) */
	if (pte_alloc_need(mm, new_addr) < (size == PMD_SIZE ? 1 : 2))
		return false;
	if (!pte_alloc(mm, new_addr))
		abort();	/* reserved by mremap_reserve */
	free_pgd_range(mm, new_addr, new_addr + size, new_addr, new_addr + size);
	new_slot = size == PMD_SIZE ? pmd_slot(mm, new_addr) : pud_slot(mm, new_addr);
	*new_slot = *old_slot;
	*old_slot = 0;
	return true;
}

/*
 * move_ptes - entry by entry from [@old_addr, @old_end) to @new_addr (the
 * destination table exists). Present and swap entries become soft-dirty
 * (move_soft_dirty_pte), so userspace can see they moved.
 */
static void move_ptes(struct mm_struct *mm, unsigned long old_addr,
		      unsigned long old_end, unsigned long new_addr)
{
	for (; old_addr < old_end; old_addr += PAGE_SIZE, new_addr += PAGE_SIZE) {
		pte_t *old_pte = pte_offset(mm, old_addr), pte;

		pte = *old_pte;
		if (pte_none(pte))
			continue;
		*old_pte = 0;
		if (pte_present(pte) || pte_swp(pte))
			pte |= _PAGE_SOFT_DIRTY;
		*pte_offset(mm, new_addr) = pte;
	}
}

/* Advance past a 1 GiB region of the old range that has no PMD table. */
static unsigned long skip_empty_pud(unsigned long old_addr,
				    unsigned long old_end)
{
	unsigned long next = ((old_addr + PUD_SIZE) & PUD_MASK) - old_addr;

	return next < old_end - old_addr ? next : old_end - old_addr;
}

/*
 * move_page_tables - move every PTE of [@old_addr, @old_addr + @len) to
 * the same offset from @new_addr, in v5.15's steps: a 1 GiB extent whole
 * when both ends allow it, else 2 MiB extents, each either a whole PTE
 * table or its entries. Nothing is allocated for an extent without a
 * source table; for one with a table, the destination gets one even if
 * every entry is none. Tables come from the reserve.
 */
static void move_page_tables(struct mm_struct *mm, unsigned long old_addr,
			     unsigned long new_addr, unsigned long len)
{
	unsigned long old_end = old_addr + len, extent;
	uint64_t *old;

	for (; old_addr < old_end; old_addr += extent, new_addr += extent) {
		extent = get_extent(PUD_SIZE, old_addr, old_end, new_addr);
		if (extent == PUD_SIZE) {
			old = get_old_pud(mm, old_addr);
			if (!old || move_normal_table(mm, old, new_addr, PUD_SIZE))
				continue;
		}
		if (!get_old_pud(mm, old_addr)) {
			/* the 2 MiB steps of v5.15 would all find nothing */
			extent = skip_empty_pud(old_addr, old_end);
			continue;
		}
		extent = get_extent(PMD_SIZE, old_addr, old_end, new_addr);
		old = get_old_pmd(mm, old_addr);
		if (!old)
			continue;
		if (extent == PMD_SIZE && move_normal_table(mm, old, new_addr, PMD_SIZE))
			continue;
		if (!pte_alloc(mm, new_addr))
			abort();	/* reserved by mremap_reserve */
		move_ptes(mm, old_addr, old_addr + extent, new_addr);
	}
}

/* Tables a step to @new_addr may allocate: PUD and PMD tables once per
 * region they cover (@last_* remember the last one counted), a PTE table
 * each time. @empty: count as if the destination had no table at all. */
static unsigned long new_tables(struct mm_struct *mm, unsigned long new_addr,
				bool empty, unsigned long *last_pgd,
				unsigned long *last_pud)
{
	int need = empty ? 3 : pte_alloc_need(mm, new_addr);
	unsigned long n = 0;

	if (need >= 3 && new_addr >> PGDIR_SHIFT != *last_pgd) {
		*last_pgd = new_addr >> PGDIR_SHIFT;
		n++;
	}
	if (need >= 2 && new_addr >> PUD_SHIFT != *last_pud) {
		*last_pud = new_addr >> PUD_SHIFT;
		n++;
	}
	return n + (need >= 1);
}

/* PTE tables under the PMD table a PUD slot points at. */
static unsigned long tables_under(const uint64_t *pud)
{
	const struct pgtable *pmd = tbl(*pud);
	unsigned long n = 0;
	int i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		n += pmd->e[i] != 0;
	return n;
}

/*
 * move_tables_need - an upper bound of the tables move_page_tables will
 * take from the reserve, walking the same steps over today's tables.
 * @empty: the destination's tables may be gone by then (MREMAP_FIXED
 * unmaps the target first).
 */
static unsigned long move_tables_need(struct mm_struct *mm,
				      unsigned long old_addr,
				      unsigned long new_addr, unsigned long len,
				      bool empty)
{
	unsigned long old_end = old_addr + len, extent, n = 1;
	unsigned long last_pgd = -1UL, last_pud = -1UL;

	for (; old_addr < old_end; old_addr += extent, new_addr += extent) {
		extent = get_extent(PUD_SIZE, old_addr, old_end, new_addr);
		if (!get_old_pud(mm, old_addr)) {
			extent = skip_empty_pud(old_addr, old_end);
			continue;
		}
		if (extent == PUD_SIZE) {
			/* moved whole; or, when the destination has a PMD
			 * table already, one PTE table per table there */
			n += new_tables(mm, new_addr, /* empty = */ true,
					&last_pgd, &last_pud);
			n += tables_under(get_old_pud(mm, old_addr));
			continue;
		}
		extent = get_extent(PMD_SIZE, old_addr, old_end, new_addr);
		if (get_old_pmd(mm, old_addr))
			n += new_tables(mm, new_addr, empty, &last_pgd, &last_pud);
	}
	return n;
}

/* ---- VMAs ---- */

/*
 * copy_vma - the VMA that will hold [@addr, @addr + @len) after the move
 * of *@vmap's range whose first page is at file/anon offset @pgoff. An
 * anonymous VMA never faulted (no anon_vma) takes the pgoff of its new
 * address, to merge more easily; anything else keeps its pgoff, so pages
 * keep their index. vma_merge with the neighbours first; else a duplicate
 * linked at @addr, with anon_vma_clone (as a split does). Easily
 * overlooked: an unfaulted source may merge with itself (its new range
 * touches it); *@vmap then becomes the merged VMA.
 * Everything comes from the reserve.
 */
static struct vm_area_struct *copy_vma(struct vm_area_struct **vmap,
				       unsigned long addr, unsigned long len,
				       unsigned long pgoff)
{
	struct vm_area_struct *vma = *vmap, *new_vma, *prev;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long vma_start = vma->vm_start;

	if (!vma->vm_file && !vma->anon_vma)	/* vma_is_anonymous, unfaulted */
		pgoff = addr >> PAGE_SHIFT;
	find_vma_prev(mm, addr, &prev);
	new_vma = vma_merge(mm, prev, addr, addr + len, vma->vm_flags,
			    vma->anon_vma, vma->vm_file, pgoff);
	if (new_vma) {
		if (vma_start >= new_vma->vm_start && vma_start < new_vma->vm_end)
			*vmap = new_vma;	/* only possible when unfaulted */
		return new_vma;
	}
	new_vma = vm_area_dup(vma);
	if (!new_vma)
		abort();	/* reserved by mremap_reserve */
	/* before anon_vma_clone: the AVCs are keyed by this range */
	new_vma->vm_start = addr;
	new_vma->vm_end = addr + len;
	new_vma->vm_pgoff = pgoff;
	if (anon_vma_clone(new_vma, vma))
		abort();
	if (new_vma->vm_file)
		get_file(new_vma->vm_file);
	vma_link(mm, new_vma, prev);
	return new_vma;
}

/* Pages of VM_LOCKED VMAs inside [start, end). */
static unsigned long locked_pages_in(struct mm_struct *mm, unsigned long start,
				     unsigned long end)
{
	struct vm_area_struct *vma = find_vma_intersection(mm, start, end);
	unsigned long n = 0, s, e;

	for (; vma && vma->vm_start < end; vma = vma->vm_next) {
		if (!(vma->vm_flags & VM_LOCKED))
			continue;
		s = vma->vm_start > start ? vma->vm_start : start;
		e = vma->vm_end < end ? vma->vm_end : end;
		n += (e - s) >> PAGE_SHIFT;
	}
	return n;
}

static int mlock_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	(void)addr;
	(void)arg;
	if (pte_present(*ptep) && !pte_special(*ptep))
		mlock_vma_page(mm->sim, pfn_to_page(mm->sim, pte_pfn(*ptep)));
	return 0;
}

/* mm_populate of the new tail of a VM_LOCKED mapping: fault it in (quietly
 * stopping when memory runs out) and mlock what is mapped, as GUP's
 * FOLL_MLOCK does. */
static void populate_locked(struct mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	populate_range(mm, start, end);
	walk_pte_range(mm, start, end, mlock_one, NULL);
}

/*
 * vma_to_resize - v5.15's checks of the VMA at @addr for a remap of
 * @old_len to @new_len bytes (@new_len >= @old_len), in their order.
 * @hi: where that VMA will end when the checks run (mremap_to unmaps its
 * target first); @locked_vm: mm->locked_vm by then.
 * Return: 0, or -EINVAL, -EFAULT, -EAGAIN, -ENOMEM.
 */
static int vma_to_resize(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long hi, unsigned long addr,
			 unsigned long old_len, unsigned long new_len,
			 unsigned long flags, unsigned long locked_vm)
{
	unsigned long pgoff, delta = new_len - old_len;

	/* duplicating a private mapping makes no sense: refused since 4.14 */
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) &&
	    (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	if (vma->vm_flags & VM_HUGETLB)
		return -EINVAL;
	/* we can't remap across vm area boundaries */
	if (old_len > hi - addr)
		return -EFAULT;
	if (!delta)
		return 0;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if ((vma->vm_flags & VM_LOCKED) &&
	    (locked_vm << PAGE_SHIFT) + delta > RLIMIT_MEMLOCK_BYTES)
		return -EAGAIN;
	/* may_expand_vm: RLIMIT_AS and RLIMIT_DATA are unlimited */
	if ((vma->vm_flags & VM_ACCOUNT) &&
	    vm_enough_memory(mm, delta >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/*
 * vma_expandable - nothing between the VMA's end and @delta bytes on, and
 * the whole still a valid MAP_FIXED range. Easily overlooked: only an
 * overlap stops it, not the stack guard gap of a VM_GROWSDOWN neighbour.
 */
static bool vma_expandable(struct vm_area_struct *vma, unsigned long delta)
{
	unsigned long end = vma->vm_end + delta;

	if (end < vma->vm_end)
		return false;
	if (vma->vm_next && vma->vm_next->vm_start < end)
		return false;
	return !IS_ERR_VALUE(get_unmapped_area(vma->vm_mm, NULL, vma->vm_start,
					       end - vma->vm_start, 0, MAP_FIXED));
}

static unsigned long chain_len_of(struct vm_area_struct *vma)
{
	return vma ? vma_chain_len(vma) + vma_chain_len(vma->vm_prev) +
		     vma_chain_len(vma->vm_next) : 0;
}

/*
 * mremap_reserve - fill the pools for everything a move may allocate:
 * the splits of the unmaps (of the MREMAP_FIXED target, of the shrunk
 * tail, of the old range at the end), copy_vma's VMA and chain, an
 * anon_vma import of vma_merge, and the destination's page tables.
 * Generous on purpose. Return: 0 or -ENOMEM (only the pools changed).
 */
static int mremap_reserve(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long addr, unsigned long len,
			  unsigned long tail_end, unsigned long new_addr,
			  unsigned long new_len, bool fixed)
{
	unsigned long avcs;
	int err;

	avcs = 6 * chain_len_of(vma) +
	       2 * chain_len_of(find_vma(mm, new_addr)) +
	       2 * chain_len_of(find_vma(mm, new_addr + new_len - 1));
	if (tail_end)
		avcs += 2 * chain_len_of(find_vma(mm, tail_end - 1));
	err = sim_reserve(mm->sim, 8, avcs, 0);
	if (!err)
		err = sim_reserve_tables(mm->sim,
					 move_tables_need(mm, addr, new_addr, len, fixed));
	return err;
}

/*
 * move_vma - the move proper, checked and reserved: copy_vma, the page
 * tables, then the munmap of the old range (nothing left to zap there)
 * unless MREMAP_DONTUNMAP. total_vm is raised by @new_len first and
 * lowered again by the munmap; hiwater_vm is put back afterwards so the
 * artificial peak does not show (as v5.15 does). VM_ACCOUNT needs no
 * concealing here: rmapfs keeps no commit total to double-uncharge, and
 * v5.15 restores the flag on whatever is left of the old VMA.
 * Return: @new_addr; *@locked set when the caller must populate.
 */
static unsigned long move_vma(struct vm_area_struct *vma,
			      unsigned long old_addr, unsigned long old_len,
			      unsigned long new_len, unsigned long new_addr,
			      unsigned long flags, bool *locked)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long vm_flags = vma->vm_flags, hiwater_vm, new_pgoff;
	struct vm_area_struct *new_vma;

	new_pgoff = vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	new_vma = copy_vma(&vma, new_addr, new_len, new_pgoff);
	move_page_tables(mm, old_addr, new_addr, old_len);
	trace(mm->sim, "move_vma", "pid %d %lx-%lx -> %lx-%lx (vma %lx-%lx pgoff %lx%s)",
	      mm->owner_pid, old_addr, old_addr + old_len, new_addr,
	      new_addr + new_len, new_vma->vm_start, new_vma->vm_end,
	      new_vma->vm_pgoff, new_vma->anon_vma ? ", anon_vma kept" : "");

	hiwater_vm = mm->hiwater_vm;
	vm_stat_account(mm, vma->vm_flags, (long)(new_len >> PAGE_SHIFT));
	if (flags & MREMAP_DONTUNMAP) {
		/* the whole old VMA, and locked_vm left alone: v5.15 */
		vma->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
		return new_addr;
	}
	/* old_len 0 (duplicating a shared mapping): v5.15's munmap fails
	 * with EINVAL and is ignored */
	if (old_len && __do_munmap(mm, old_addr, old_len))
		abort();	/* checked and reserved */
	if (vm_flags & VM_LOCKED) {
		mm->locked_vm += new_len >> PAGE_SHIFT;
		*locked = true;
	}
	mm->hiwater_vm = hiwater_vm;
	return new_addr;
}

/*
 * ksm_unmerge_before_move - move_vma's ksm_madvise(MADV_UNMERGEABLE):
 * "it would be confusing if [KSM pages] were to turn up at the new
 * location"; vm_flags keep VM_MERGEABLE. It runs after every other check
 * and reservation, and changes nothing when it fails, so the move stays
 * atomic (when it and the overcommit check would both fail, the latter
 * is reported). A no-op until core/ksm.c is part of the build; then:
 *	return ksm_unmerge_range(vma, start, end);
 * Return: 0 (then: or -ENOMEM / -EACCES with nothing changed).
 */
static int ksm_unmerge_before_move(struct vm_area_struct *vma,
				   unsigned long start, unsigned long end)
{
	return ksm_unmerge_range(vma, start, end);
}

/* move_vma's own checks (the map_count headroom, the overcommit charge).
 * Return: 0 or -ENOMEM. */
static int move_vma_check(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long old_len, unsigned long new_len,
			  unsigned long flags, bool map_count_checked)
{
	unsigned long to_account = new_len - old_len;

	/* "We'd prefer to avoid failure later on in do_munmap" */
	if (!map_count_checked &&
	    (long)mm->map_count >= mm->sim->sysctl.max_map_count - 3)
		return -ENOMEM;
	if (flags & MREMAP_DONTUNMAP)
		to_account = new_len;
	if ((vma->vm_flags & VM_ACCOUNT) && to_account &&
	    vm_enough_memory(mm, to_account >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/*
 * mremap_to - MREMAP_FIXED and/or MREMAP_DONTUNMAP. v5.15 unmaps the
 * target (FIXED) and the tail beyond @new_len first, then runs
 * vma_to_resize; the checks below see the VMA at @addr as those unmaps
 * would leave it, so nothing needs undoing.
 */
static long mremap_to(struct mm_struct *mm, unsigned long addr,
		      unsigned long old_len, unsigned long new_addr,
		      unsigned long new_len, unsigned long flags)
{
	long max = mm->sim->sysctl.max_map_count;
	bool fixed = flags & MREMAP_FIXED, locked = false;
	unsigned long hi, locked_vm, pgoff, map_flags = 0, ret, tail = 0;
	struct vm_area_struct *vma;
	int err;

	if (offset_in_page(new_addr))
		return -EINVAL;
	if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len)
		return -EINVAL;
	/* the old and new locations must not overlap */
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;
	/* both ranges may split in three before move_vma's own check */
	if ((long)mm->map_count + 2 >= max - 3)
		return -ENOMEM;

	if (old_len >= new_len) {
		/* the munmap of the tail; its EINVAL counts only if non-empty */
		tail = old_len - new_len;
		if (tail && (addr + new_len > TASK_SIZE ||
			     tail > TASK_SIZE - (addr + new_len)))
			return -EINVAL;
		old_len = new_len;
	}

	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr)
		return -EFAULT;
	/* with @old_len 0 the target may start at @addr: gone by then */
	if (fixed && new_addr <= addr && addr < new_addr + new_len)
		return -EFAULT;
	hi = vma->vm_end;
	if (fixed && new_addr > addr && new_addr < hi)
		hi = new_addr;
	/* locked_vm once the two unmaps have munlocked their ranges */
	locked_vm = (fixed ? locked_pages_in(mm, new_addr, new_addr + new_len) : 0) +
		    (tail ? locked_pages_in(mm, addr + new_len, addr + new_len + tail) : 0);
	locked_vm = mm->locked_vm > locked_vm ? mm->locked_vm - locked_vm : 0;
	err = vma_to_resize(mm, vma, hi, addr, old_len, new_len, flags, locked_vm);
	if (err)
		return err;
	/* DONTUNMAP's may_expand_vm: RLIMIT_AS is unlimited */

	if (fixed)
		map_flags |= MAP_FIXED;
	if (vma->vm_flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	/* FIXED: state-independent; else nothing was unmapped before it */
	ret = get_unmapped_area(mm, vma->vm_file, new_addr, new_len, pgoff, map_flags);
	if (IS_ERR_VALUE(ret))
		return (long)ret;
	if (!fixed)
		new_addr = ret;
	/* map_count is at most 2 higher after the unmaps: within the check */
	err = move_vma_check(mm, vma, old_len, new_len, flags,
			     /* map_count_checked = */ true);
	if (!err)
		err = mremap_reserve(mm, vma, addr, old_len,
				     tail ? addr + new_len + tail : 0,
				     new_addr, new_len, fixed);
	/* the unmaps above leave [addr, addr + old_len) alone */
	if (!err)
		err = ksm_unmerge_before_move(vma, addr, addr + old_len);
	if (err)
		return err;

	/* From here on nothing can fail. */
	if (fixed && __do_munmap(mm, new_addr, new_len))
		abort();
	if (tail && __do_munmap(mm, addr + new_len, tail))
		abort();
	vma = find_vma(mm, addr);	/* the unmaps may have split it */
	ret = move_vma(vma, addr, old_len, new_len, new_addr, flags, &locked);
	if (locked && new_len > old_len)
		populate_locked(mm, new_addr + old_len, new_addr + new_len);
	return (long)ret;
}

/* Grow in place if the gap after the VMA allows, else move (MAYMOVE). */
static long mremap_grow(struct mm_struct *mm, unsigned long addr,
			unsigned long old_len, unsigned long new_len,
			unsigned long flags)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	unsigned long pages = (new_len - old_len) >> PAGE_SHIFT, new_addr, pgoff;
	bool locked = false;
	int err;

	if (!vma || vma->vm_start > addr)
		return -EFAULT;
	err = vma_to_resize(mm, vma, vma->vm_end, addr, old_len, new_len, flags,
			    mm->locked_vm);
	if (err)
		return err;

	/* old_len exactly to the end of the area: can we just expand it? */
	if (old_len == vma->vm_end - addr &&
	    vma_expandable(vma, new_len - old_len)) {
		/* vma_adjust into free space: no neighbour, nothing to import */
		if (__vma_adjust(vma, vma->vm_start, addr + new_len,
				 vma->vm_pgoff, NULL, NULL))
			abort();
		vm_stat_account(mm, vma->vm_flags, (long)pages);
		trace(mm->sim, "vma_adjust", "pid %d: vma now %lx-%lx (+%lu pages in place)",
		      mm->owner_pid, vma->vm_start, vma->vm_end, pages);
		if (vma->vm_flags & VM_LOCKED) {
			mm->locked_vm += pages;
			populate_locked(mm, addr + old_len, addr + new_len);
		}
		return (long)addr;
	}

	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	new_addr = get_unmapped_area(mm, vma->vm_file, 0, new_len, pgoff,
				     (vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0);
	if (IS_ERR_VALUE(new_addr))
		return (long)new_addr;
	err = move_vma_check(mm, vma, old_len, new_len, flags,
			     /* map_count_checked = */ false);
	if (!err)
		err = mremap_reserve(mm, vma, addr, old_len, 0, new_addr,
				     new_len, false);
	if (!err)
		err = ksm_unmerge_before_move(vma, addr, addr + old_len);
	if (err)
		return err;
	new_addr = move_vma(vma, addr, old_len, new_len, new_addr, flags, &locked);
	if (locked)
		populate_locked(mm, new_addr + old_len, new_addr + new_len);
	return (long)new_addr;
}

long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags,
	       unsigned long new_addr)
{
	long ret;
	int err;

	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	/* DONTUNMAP is always a move, and never a resize (compared before
	 * the lengths are rounded, as v5.15 does) */
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (offset_in_page(addr))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	/* a zero old_len is the "duplicate a shared area" case; a zero
	 * new_len is nonsense */
	if (!new_len)
		return -EINVAL;

	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		ret = mremap_to(mm, addr, old_len, new_addr, new_len, flags);
	} else if (old_len >= new_len) {
		/* Always allow a shrinking remap: that just unmaps the tail
		 * (v5.15 does not even look for a VMA at @addr). */
		err = do_munmap(mm, addr + new_len, old_len - new_len);
		if (err && old_len != new_len)
			return err;
		ret = (long)addr;
	} else {
		ret = mremap_grow(mm, addr, old_len, new_len, flags);
	}
	if (ret >= 0)
		trace(mm->sim, "mremap", "pid %d %lx+%lx -> %lx+%lx",
		      mm->owner_pid, addr, old_len, (unsigned long)ret, new_len);
	return ret;
}
