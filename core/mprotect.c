/* core/mprotect.c - mprotect(2), as do_mprotect_pkey/mprotect_fixup of
 * mm/mprotect.c in v5.15 (kernel-spec §4.10): merge first, split only if
 * the merge fails, VM_ACCOUNT added on the first write permission of a
 * private mapping and never removed.
 *
 * Unlike v5.15, which leaves the VMAs before a failing one changed, the
 * whole range is checked first and a failure changes nothing (the errno
 * is the one v5.15 returns). Left out: pkeys, PROT_GROWSDOWN/UP,
 * READ_IMPLIES_EXEC.
 */
#include <errno.h>

#include "memory.h"
#include "mm_internal.h"

/* calc_vm_prot_bits - PROT_* to VM_* (no pkeys). */
static unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) |
	       ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/*
 * vma_modify_flags - the merge-then-split pattern shared by mprotect_fixup,
 * madvise_behavior and mlock_fixup. @vma covers [start, end); *@pprev is
 * the VMA before the range (or @vma when the range starts inside it).
 * The caller checked the split limits and filled the reserve.
 * Return: the VMA that now covers exactly the range's part of @vma.
 */
struct vm_area_struct *vma_modify_flags(struct mm_struct *mm,
					struct vm_area_struct **pprev,
					struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					unsigned long newflags)
{
	unsigned long pgoff = vma->vm_pgoff +
			      ((start - vma->vm_start) >> PAGE_SHIFT);
	struct vm_area_struct *merged;

	merged = vma_merge(mm, *pprev, start, end, newflags, vma->anon_vma,
			   vma->vm_file, pgoff);
	if (merged) {
		vma = merged;
	} else {
		if (start != vma->vm_start)
			__split_vma(mm, vma, start, /* new_below = */ 1);
		if (end != vma->vm_end)
			__split_vma(mm, vma, end, /* new_below = */ 0);
	}
	*pprev = vma;
	/* Also on a merge: the survivor takes exactly the new flags. */
	vma->vm_flags = newflags;
	return vma;
}

/* The flags mprotect gives @vma, before the VM_ACCOUNT rule. */
static unsigned long mprotect_newflags(const struct vm_area_struct *vma,
				       unsigned long prot)
{
	return calc_vm_prot_bits(prot) |
	       (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC));
}

/* Each asked permission needs its VM_MAY* bit (newflags >> 4). */
static bool mprotect_denied(unsigned long newflags)
{
	return (newflags & ~(newflags >> 4)) & (VM_READ | VM_WRITE | VM_EXEC);
}

/* The VM_ACCOUNT rule of mprotect_fixup. */
static bool mprotect_charges(const struct vm_area_struct *vma,
			     unsigned long newflags)
{
	return (newflags & VM_WRITE) &&
	       !(vma->vm_flags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB |
				  VM_SHARED | VM_NORESERVE));
}

/*
 * mprotect_check - walk the range as do_mprotect_pkey would and return the
 * first error it would meet: ENOMEM for a hole, EACCES, the overcommit
 * charge, and the split limit of the VMAs at both ends. The merge decision
 * is exact for the first VMA; for the last one a merge is not assumed, so
 * at exactly max_map_count a multi-VMA request may fail where v5.15 would
 * have merged its way through.
 */
static int mprotect_check(struct mm_struct *mm, unsigned long start,
			  unsigned long end, unsigned long prot)
{
	long limit = mm->sim->sysctl.max_map_count;
	struct vm_area_struct *vma, *prev;
	long count = mm->map_count;
	unsigned long nstart = start, tmp, newflags;

	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	prev = start > vma->vm_start ? vma : vma->vm_prev;
	for (;;) {
		newflags = mprotect_newflags(vma, prot);
		if (mprotect_denied(newflags))
			return -EACCES;
		tmp = vma->vm_end < end ? vma->vm_end : end;
		if (newflags != vma->vm_flags) {
			if (mprotect_charges(vma, newflags)) {
				if (vm_enough_memory(mm, (tmp - nstart) >> PAGE_SHIFT))
					return -ENOMEM;
				newflags |= VM_ACCOUNT;
			}
			if (nstart != vma->vm_start || tmp != vma->vm_end) {
				/* Only the first VMA's neighbours are still as
				 * the kernel will see them. */
				bool merges = nstart == start &&
					vma_merge_would_merge(mm, prev, nstart, tmp,
						newflags, vma->anon_vma, vma->vm_file,
						vma->vm_pgoff + ((nstart - vma->vm_start) >> PAGE_SHIFT));

				if (!merges) {
					if (nstart != vma->vm_start && count++ >= limit)
						return -ENOMEM;
					if (tmp != vma->vm_end && count++ >= limit)
						return -ENOMEM;
				}
			}
		}
		nstart = tmp;
		if (nstart >= end)
			return 0;
		prev = vma;
		vma = vma->vm_next;
		if (!vma || vma->vm_start != nstart)
			return -ENOMEM;
	}
}

/*
 * do_mprotect - mprotect(2). Return: 0, or -EINVAL/-ENOMEM/-EACCES with
 * @mm unchanged.
 */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		unsigned long prot)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end, nstart, tmp, newflags, oldflags;
	int err;

	if (offset_in_page(start))
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;

	err = mprotect_check(mm, start, end, prot);
	if (err)
		return err;
	err = reserve_for_vmas(mm, start, end);
	if (err)
		return err;

	/* Commit: nothing below can fail. */
	vma = find_vma(mm, start);
	prev = start > vma->vm_start ? vma : vma->vm_prev;
	for (nstart = start;;) {
		tmp = vma->vm_end < end ? vma->vm_end : end;
		oldflags = vma->vm_flags;
		newflags = mprotect_newflags(vma, prot);
		if (newflags == oldflags) {
			prev = vma;	/* mprotect_fixup's early return */
		} else {
			if (mprotect_charges(vma, newflags))
				newflags |= VM_ACCOUNT;
			vma = vma_modify_flags(mm, &prev, vma, nstart, tmp, newflags);
			change_protection(vma, nstart, tmp);
			vm_stat_account(mm, oldflags, -(long)((tmp - nstart) >> PAGE_SHIFT));
			vm_stat_account(mm, newflags, (long)((tmp - nstart) >> PAGE_SHIFT));
		}
		nstart = tmp;
		if (nstart < prev->vm_end)
			nstart = prev->vm_end;
		if (nstart >= end)
			return 0;
		vma = prev->vm_next;
	}
}
