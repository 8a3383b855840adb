/* core/brk.c - the heap: brk(2) and do_brk_flags, as mm/mmap.c of v5.15
 * (kernel-spec §4.3.2, §4.11). exec uses do_brk_flags for the bss of the
 * program and of the loader, as set_brk and load_elf_interp do.
 *
 * Configuration: CONFIG_COMPAT_BRK off (Debian's), so the break may not go
 * below start_brk; RLIMIT_DATA and RLIMIT_AS unlimited; no brk
 * randomisation. A spawned process has start_brk = brk = 0: its brk can
 * only shrink to 0 or fail (growing from 0 is a MAP_FIXED range below
 * vm.mmap_min_addr), as for a process without a program image.
 *
 * Atomicity: brk(2) reports a refusal by returning the old break; a
 * refusal here changes nothing, and running out of the simulator's own
 * memory is the one error (-ENOMEM), also with nothing changed.
 */
#include <errno.h>
#include <stdlib.h>

#include "exec.h"
#include "memory.h"
#include "mm_internal.h"


/* VM_DATA_DEFAULT_FLAGS of x86_64 (VM_DATA_FLAGS_TSK_EXEC without
 * READ_IMPLIES_EXEC). */
#define VM_DATA_DEFAULT_FLAGS	(VM_READ | VM_WRITE | VM_MAYREAD | \
				 VM_MAYWRITE | VM_MAYEXEC)

/*
 * brk_flags_check - the checks of do_brk_flags, in v5.15's order, before
 * anything changes. The limits v5.15 tests after munmap_vma_range are
 * tested on today's map_count, exact when nothing is mapped in the range
 * (brk and exec only map free ranges).
 * Return: 0, or -EINVAL, -ENOMEM, -EPERM, -EAGAIN.
 */
static int brk_flags_check(struct mm_struct *mm, unsigned long addr,
			   unsigned long len, unsigned long flags)
{
	long max = mm->sim->sysctl.max_map_count;
	struct vm_area_struct *first;
	unsigned long mapped;

	/* until we need other flags, refuse anything except VM_EXEC */
	if (flags & ~VM_EXEC)
		return -EINVAL;
	mapped = get_unmapped_area(mm, NULL, addr, len, 0, MAP_FIXED);
	if (IS_ERR_VALUE(mapped))
		return (int)(long)mapped;
	/* mlock_future_check */
	if ((mm->def_flags & VM_LOCKED) &&
	    (mm->locked_vm << PAGE_SHIFT) + len > RLIMIT_MEMLOCK_BYTES)
		return -EAGAIN;
	/* munmap_vma_range: its split limit */
	first = find_vma_intersection(mm, addr, addr + len);
	if (first && addr > first->vm_start && addr + len < first->vm_end &&
	    mm->map_count >= max)
		return -ENOMEM;
	/* may_expand_vm: unlimited */
	if (mm->map_count > max)
		return -ENOMEM;
	if (vm_enough_memory(mm, len >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/* brk_flags_commit - do_brk_flags once checked and reserved. */
static void brk_flags_commit(struct mm_struct *mm, unsigned long addr,
			     unsigned long len, unsigned long flags)
{
	unsigned long pgoff = addr >> PAGE_SHIFT;
	struct vm_area_struct *vma, *prev;

	flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	/* clear old maps */
	if (find_vma_intersection(mm, addr, addr + len) &&
	    __do_munmap(mm, addr, len))
		abort();	/* checked and reserved */
	find_vma_prev(mm, addr, &prev);

	/* Can we just expand an old private anonymous mapping? */
	vma = vma_merge(mm, prev, addr, addr + len, flags, NULL, NULL, pgoff);
	if (!vma) {
		vma = vm_area_alloc(mm);	/* from the reserve */
		vma->vm_start = addr;
		vma->vm_end = addr + len;
		vma->vm_pgoff = pgoff;
		vma->vm_flags = flags;
		vma_link(mm, vma, prev);
	}
	/* always data: private and writable */
	mm->total_vm += len >> PAGE_SHIFT;
	mm->data_vm += len >> PAGE_SHIFT;
	if (flags & VM_LOCKED)
		mm->locked_vm += len >> PAGE_SHIFT;
	vma->vm_flags |= VM_SOFTDIRTY;
	trace(mm->sim, "do_brk_flags", "pid %d %lx-%lx: vma %lx-%lx",
	      mm->owner_pid, addr, addr + len, vma->vm_start, vma->vm_end);
}

int do_brk_flags(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned long flags)
{
	int err = brk_flags_check(mm, addr, len, flags);

	if (!err)
		err = reserve_for_range(mm, addr, addr + len, 1);
	if (err)
		return err;
	brk_flags_commit(mm, addr, len, flags);
	return 0;
}

int sys_brk(struct mm_struct *mm, unsigned long brk, unsigned long *result)
{
	unsigned long newbrk, oldbrk, origbrk = mm->brk;
	struct vm_area_struct *next;
	int err;

	*result = origbrk;
	/* CONFIG_COMPAT_BRK off: the floor is start_brk */
	if (brk < mm->start_brk)
		return 0;
	/* check_data_rlimit: RLIMIT_DATA is unlimited */

	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk) {
		mm->brk = brk;
		goto success;
	}

	/* Always allow shrinking brk. */
	if (brk <= mm->brk) {
		err = reserve_for_range(mm, newbrk, oldbrk, 0);
		if (err)
			return err;
		/* the split limit: a refusal, the old break stays */
		if (__do_munmap(mm, newbrk, oldbrk - newbrk))
			return 0;
		mm->brk = brk;
		goto success;
	}

	/* Check against existing mmap mappings: one page must stay free. */
	next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return 0;
	/* Ok, looks good - let it rip. */
	if (brk_flags_check(mm, oldbrk, newbrk - oldbrk, 0))
		return 0;
	err = reserve_for_range(mm, oldbrk, newbrk, 1);
	if (err)
		return err;
	brk_flags_commit(mm, oldbrk, newbrk - oldbrk, 0);
	mm->brk = brk;

success:
	/* mlockall(MCL_FUTURE) in def_flags: mm_populate the new pages */
	if (newbrk > oldbrk && (mm->def_flags & VM_LOCKED))
		populate_range(mm, oldbrk, newbrk);
	trace(mm->sim, "brk", "pid %d: brk %lx -> %lx", mm->owner_pid, origbrk,
	      mm->brk);
	*result = mm->brk;
	return 0;
}
