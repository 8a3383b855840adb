/* core/mmap.c - mmap, munmap and address-space teardown, as mm/mmap.c and
 * arch/x86/kernel/sys_x86_64.c in v5.15 (kernel-spec §4.3-§4.6, §4.9, §8.7).
 *
 * Left out: RLIMIT_AS/RLIMIT_DATA (unlimited), MAP_32BIT, MAP_SYNC,
 * hugetlb, file-specific get_unmapped_area alignment (none applies),
 * userfaultfd. Overcommit is the default heuristic mode (a single request
 * larger than RAM + swap fails). The mmap_base is fixed, no ASLR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "mm_internal.h"
#include "ksm.h"
#include "pgtable.h"

struct mm_struct *mm_alloc(struct sim *sim)
{
	struct mm_struct *mm = rm_calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	RB_INIT(&mm->mm_rb);
	mm->sim = sim;
	mm->task_size = TASK_SIZE;
	mm->mmap_base = RMAPFS_MMAP_BASE;
	mm->mmap_legacy_base = PAGE_ALIGN(TASK_SIZE / 3);
	return mm;
}

/* vm_stat_account - the total/exec/stack/data classes of kernel-spec §3.1.2. */
void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages)
{
	mm->total_vm += npages;
	if ((flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC)
		mm->exec_vm += npages;
	else if ((flags & VM_STACK) == VM_STACK)
		mm->stack_vm += npages;
	else if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE)
		mm->data_vm += npages;
}

/* __vm_enough_memory, OVERCOMMIT_GUESS: one request may not exceed
 * RAM + swap. Return: 0 or -ENOMEM. */
int vm_enough_memory(struct mm_struct *mm, unsigned long pages)
{
	if (pages > mm->sim->opt.frames + mm->sim->opt.swap_slots)
		return -ENOMEM;
	return 0;
}

/* ---- choosing an address (kernel-spec §4.4) ---- */

struct unmapped_area_info {
	unsigned long length;
	unsigned long low_limit;
	unsigned long high_limit;
};

/*
 * The highest gap (by address) [gap_start, gap_end) of the subtree with
 * gap_end - gap_start >= length, gap_start <= high and gap_end >= low
 * (high/low already adjusted by length), as unmapped_area_topdown visits
 * them: right subtree, node, left subtree. Return: gap_end, or 0.
 */
static unsigned long topdown_search(struct vm_area_struct *vma,
				    unsigned long length, unsigned long low,
				    unsigned long high)
{
	unsigned long gap_start, gap_end, found;

	while (vma && vma->rb_subtree_gap >= length) {
		gap_start = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
		if (gap_start <= high) {
			found = topdown_search(RB_RIGHT(vma, vm_rb), length,
					       low, high);
			if (found)
				return found;
		}
		gap_end = vm_start_gap(vma);
		if (gap_end < low)
			return 0;	/* every gap further left is lower */
		if (gap_start <= high && gap_end > gap_start &&
		    gap_end - gap_start >= length)
			return gap_end;
		vma = RB_LEFT(vma, vm_rb);
	}
	return 0;
}

/* unmapped_area_topdown - Return: an address, or -ENOMEM. */
static unsigned long unmapped_area_topdown(struct mm_struct *mm,
					   const struct unmapped_area_info *info)
{
	unsigned long length = info->length, high, low, gap_end;

	if (info->high_limit < length)
		return -ENOMEM;
	high = info->high_limit - length;
	if (info->low_limit > high)
		return -ENOMEM;
	low = info->low_limit + length;

	/* The highest gap, above every VMA. */
	if (mm->highest_vm_end <= high)
		return info->high_limit - length;

	gap_end = topdown_search(RB_ROOT(&mm->mm_rb), length, low, high);
	if (!gap_end)
		return -ENOMEM;
	if (gap_end > info->high_limit)
		gap_end = info->high_limit;
	return gap_end - length;
}

/* The lowest fitting gap of the subtree (unmapped_area's order). Return:
 * the gap start (unclipped), or -1UL when none. */
static unsigned long bottomup_search(struct vm_area_struct *vma,
				     unsigned long length, unsigned long low,
				     unsigned long high, bool *stop)
{
	unsigned long gap_start, gap_end, found;

	while (vma && vma->rb_subtree_gap >= length && !*stop) {
		gap_end = vm_start_gap(vma);
		if (gap_end >= low) {
			found = bottomup_search(RB_LEFT(vma, vm_rb), length,
						low, high, stop);
			if (found != -1UL || *stop)
				return found;
		}
		gap_start = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
		if (gap_start > high) {
			*stop = true;	/* every gap further right is higher */
			return -1UL;
		}
		if (gap_end >= low && gap_end > gap_start &&
		    gap_end - gap_start >= length)
			return gap_start;
		vma = RB_RIGHT(vma, vm_rb);
	}
	return -1UL;
}

/* unmapped_area - bottom-up. Return: an address, or -ENOMEM. */
static unsigned long unmapped_area(struct mm_struct *mm,
				   const struct unmapped_area_info *info)
{
	unsigned long length = info->length, high, low, gap_start;
	bool stop = false;

	if (info->high_limit < length)
		return -ENOMEM;
	high = info->high_limit - length;
	if (info->low_limit > high)
		return -ENOMEM;
	low = info->low_limit + length;

	gap_start = bottomup_search(RB_ROOT(&mm->mm_rb), length, low, high,
				    &stop);
	if (gap_start == -1UL) {
		if (stop)
			return -ENOMEM;
		gap_start = mm->highest_vm_end;
		if (gap_start > high)
			return -ENOMEM;
	}
	if (gap_start < info->low_limit)
		gap_start = info->low_limit;
	return gap_start;
}

/* arch_get_unmapped_area - x86 bottom-up allocator above mmap_legacy_base. */
static unsigned long arch_get_unmapped_area(struct mm_struct *mm,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long flags)
{
	struct unmapped_area_info info;
	unsigned long end = DEFAULT_MAP_WINDOW;
	struct vm_area_struct *vma;

	if (flags & MAP_FIXED)
		return addr;
	if (len > end)
		return -ENOMEM;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		vma = find_vma(mm, addr);
		if (end - len >= addr &&
		    (!vma || addr + len <= vm_start_gap(vma)))
			return addr;
	}
	info.length = len;
	info.low_limit = mm->mmap_legacy_base;
	info.high_limit = end;
	return unmapped_area(mm, &info);
}

/* mmap_address_hint_valid - the hint stays on one side of the 47-bit
 * window (arch/x86/kernel/sys_x86_64.c). */
static bool mmap_address_hint_valid(unsigned long addr, unsigned long len)
{
	if (TASK_SIZE - len < addr)
		return false;
	return (addr > DEFAULT_MAP_WINDOW) == (addr + len > DEFAULT_MAP_WINDOW);
}

/* arch_get_unmapped_area_topdown - the x86_64 default (legacy layout off). */
static unsigned long arch_get_unmapped_area_topdown(struct mm_struct *mm,
						    unsigned long addr0,
						    unsigned long len,
						    unsigned long flags)
{
	struct unmapped_area_info info;
	unsigned long addr = addr0, ret;
	struct vm_area_struct *vma;

	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (addr) {
		addr &= PAGE_MASK;
		if (mmap_address_hint_valid(addr, len)) {
			vma = find_vma(mm, addr);
			if (!vma || addr + len <= vm_start_gap(vma))
				return addr;
		}
	}
	info.length = len;
	info.low_limit = PAGE_SIZE;
	info.high_limit = mm->mmap_base;
	ret = unmapped_area_topdown(mm, &info);
	if (!offset_in_page(ret))
		return ret;
	/* A failed mmap is fatal to most programs: try bottom-up. */
	return arch_get_unmapped_area(mm, addr0, len, flags);
}

/*
 * get_unmapped_area - Return: an address, or -ENOMEM/-EINVAL/-EPERM as an
 * unsigned value (IS_ERR_VALUE). shmem's variant only aligns for huge
 * pages, which are off, so files and shared anonymous memory use the
 * mm's allocator too.
 */
unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file,
				unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags)
{
	(void)file;
	(void)pgoff;
	if (len > TASK_SIZE)
		return -ENOMEM;
	addr = arch_get_unmapped_area_topdown(mm, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if (addr > TASK_SIZE - len)
		return -ENOMEM;
	if (offset_in_page(addr))
		return -EINVAL;
	/* security_mmap_addr: simulated tasks lack CAP_SYS_RAWIO */
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;
	return addr;
}

/* ---- mmap ---- */

static unsigned long round_hint_to_min(unsigned long hint)
{
	hint &= PAGE_MASK;
	if (hint && hint < MMAP_MIN_ADDR)
		return PAGE_ALIGN(MMAP_MIN_ADDR);
	return hint;
}

/* count_vma_pages_range - pages of existing VMAs inside [addr, end). */
unsigned long count_vma_pages_range(struct mm_struct *mm, unsigned long addr,
				    unsigned long end)
{
	struct vm_area_struct *vma = find_vma_intersection(mm, addr, end);
	unsigned long nr = 0, s, e;

	for (; vma && vma->vm_start < end; vma = vma->vm_next) {
		s = vma->vm_start > addr ? vma->vm_start : addr;
		e = vma->vm_end < end ? vma->vm_end : end;
		nr += (e - s) >> PAGE_SHIFT;
	}
	return nr;
}

/* accountable_mapping - private writable, not hugetlb, not noreserve. */
static bool accountable_mapping(unsigned long vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/*
 * mmap_region - create or merge the VMA for [addr, addr+len); anything
 * mapped there already is unmapped first (MAP_FIXED). Checks everything
 * that can fail before the unmap, so failure leaves the mm unchanged.
 * Return: @addr, or -errno.
 */
static long mmap_region(struct mm_struct *mm, struct file *file,
			unsigned long addr, unsigned long len,
			unsigned long vm_flags, unsigned long pgoff)
{
	struct sim *sim = mm->sim;
	struct vm_area_struct *vma, *prev, *first;
	struct file *shmem = NULL;
	unsigned long end = addr + len;
	int err;

	/* munmap_vma_range's split limit, tested before anything changes. */
	first = find_vma_intersection(mm, addr, end);
	if (first && addr > first->vm_start && end < first->vm_end &&
	    mm->map_count >= sim->sysctl.max_map_count)
		return -ENOMEM;
	if (accountable_mapping(vm_flags)) {
		if (vm_enough_memory(mm, len >> PAGE_SHIFT))
			return -ENOMEM;
		vm_flags |= VM_ACCOUNT;
	}
	/* shmem_acct_size: a /dev/zero object is charged whole, unless
	 * MAP_NORESERVE (and it gets no VM_ACCOUNT). */
	if (!file && (vm_flags & VM_SHARED) && !(vm_flags & VM_NORESERVE) &&
	    vm_enough_memory(mm, len >> PAGE_SHIFT))
		return -ENOMEM;
	err = reserve_for_range(mm, addr, end, 1);
	if (err)
		return err;
	if (!file && (vm_flags & VM_SHARED)) {
		shmem = shmem_zero_setup(sim, len);
		if (!shmem)
			return -ENOMEM;
	}

	/* From here on nothing can fail. */
	if (first) {
		err = __do_munmap(mm, addr, len);
		if (err)
			abort();	/* the checks above cover every failure */
	}
	find_vma_prev(mm, addr, &prev);

	if (!shmem) {
		vma = vma_merge(mm, prev, addr, end, vm_flags, NULL, file,
				pgoff);
		if (vma)
			goto out;
	}

	vma = vm_area_alloc(mm);	/* from the reserve */
	vma->vm_start = addr;
	vma->vm_end = end;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	if (file)
		vma->vm_file = get_file(file);
	else if (shmem)
		vma->vm_file = shmem;	/* takes the setup's reference */
	vma_link(mm, vma, prev);
out:
	vm_stat_account(mm, vm_flags, len >> PAGE_SHIFT);
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += len >> PAGE_SHIFT;
	/* New and merged VMAs alike start soft-dirty (mmap_region's tail). */
	vma->vm_flags |= VM_SOFTDIRTY;
	return (long)addr;
}

/*
 * do_mmap - the checks of v5.15 do_mmap in their order (kernel-spec §4.5),
 * then mmap_region. Return: the address, or -errno with @mm unchanged.
 */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, struct file *file,
	     unsigned long pgoff)
{
	unsigned long vm_flags;

	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!len)
		return -EINVAL;
	if (!(flags & MAP_FIXED))
		addr = round_hint_to_min(addr);
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > mm->sim->sysctl.max_map_count)
		return -ENOMEM;

	addr = get_unmapped_area(mm, file, addr, len, pgoff, flags);
	if (IS_ERR_VALUE(addr))
		return (long)addr;
	if ((flags & MAP_FIXED_NOREPLACE) &&
	    find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;

	vm_flags = ((prot & PROT_READ) ? VM_READ : 0) |
		   ((prot & PROT_WRITE) ? VM_WRITE : 0) |
		   ((prot & PROT_EXEC) ? VM_EXEC : 0) |
		   ((flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0) |
		   ((flags & MAP_LOCKED) ? VM_LOCKED : 0) |
		   mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	/*
	 * file_mmap_ok: a regular file's offset + length must fit below
	 * MAX_LFS_FILESIZE (the pgoff-wrap test above cannot fire on 64-bit).
	 */
	if (file && pgoff > ((0x7fffffffffffffffUL - len) >> PAGE_SHIFT))
		return -EOVERFLOW;

	/* mlock_future_check: RLIMIT_MEMLOCK */
	if ((vm_flags & VM_LOCKED) &&
	    ((mm->locked_vm << PAGE_SHIFT) + len) > RLIMIT_MEMLOCK_BYTES)
		return -EAGAIN;

	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		if (vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!file)
			pgoff = 0;
		/* rmapfs opens every file read-write: VM_MAYWRITE stays. */
		break;
	case MAP_PRIVATE:
		if (file) {
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
		} else {
			pgoff = addr >> PAGE_SHIFT;
		}
		break;
	default:
		return -EINVAL;
	}
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;	/* overcommit mode is not "never" */

	return mmap_region(mm, file, addr, len, vm_flags, pgoff);
}

/*
 * vm_mmap_pgoff - do_mmap, then mm_populate for MAP_POPULATE (whose
 * failure, as in the kernel, leaves the mapping in place).
 */
long vm_mmap_pgoff(struct mm_struct *mm, unsigned long addr, unsigned long len,
		   unsigned long prot, unsigned long flags, struct file *file,
		   unsigned long pgoff)
{
	long ret = do_mmap(mm, addr, len, prot, flags, file, pgoff);

	if (ret >= 0 && (flags & (MAP_POPULATE | MAP_LOCKED)))
		populate_range(mm, (unsigned long)ret,
			       (unsigned long)ret + PAGE_ALIGN(len));
	return ret;
}

/* ---- munmap ---- */

/* remove_vma - drop the file reference and free (the VMA is unlinked). */
void remove_vma(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		fput(vma->vm_mm->sim, vma->vm_file);
	vm_area_free(vma);
}

/*
 * __do_munmap - v5.15 __do_munmap (kernel-spec §4.9). The caller has
 * reserved two VMAs and the AVCs of the VMAs at the range's ends.
 * Return: 0, or -EINVAL/-ENOMEM with @mm unchanged.
 */
int __do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	struct vm_area_struct *vma, *prev, *last, *next, *tmp;
	unsigned long end;
	int err;

	if (offset_in_page(start) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (len == 0)
		return -EINVAL;

	vma = find_vma_intersection(mm, start, end);
	if (!vma)
		return 0;
	prev = vma->vm_prev;

	if (start > vma->vm_start) {
		/* map_count may go just above the limit only transiently */
		if (end < vma->vm_end &&
		    mm->map_count >= mm->sim->sysctl.max_map_count)
			return -ENOMEM;
		err = __split_vma(mm, vma, start, 0);
		if (err)
			return err;
		prev = vma;
	}
	last = find_vma(mm, end);
	if (last && end > last->vm_start) {
		err = __split_vma(mm, last, end, 1);
		if (err)
			return err;	/* not reached with a reserve */
	}
	vma = prev ? prev->vm_next : mm->mmap;

	/* unlock_range: munlock before detaching */
	for (tmp = vma; tmp && tmp->vm_start < end; tmp = tmp->vm_next)
		if (tmp->vm_flags & VM_LOCKED) {
			mm->locked_vm -= vma_pages(tmp);
			tmp->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
			munlock_vma_pages_range(tmp, tmp->vm_start, tmp->vm_end);
		}

	next = detach_vmas_to_be_unmapped(mm, vma, prev, end);

	/* unmap_region: zap the PTEs, then unlink rmap and free tables */
	update_hiwater_rss(mm);
	for (tmp = vma; tmp; tmp = tmp->vm_next)
		unmap_page_range(tmp, tmp->vm_start, tmp->vm_end);
	free_pgtables(mm, vma, prev ? prev->vm_end : 0,
		      next ? next->vm_start : 0);

	/* remove_vma_list: update_hiwater_vm before total_vm goes down */
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
	for (tmp = vma; tmp; tmp = next) {
		next = tmp->vm_next;
		vm_stat_account(mm, tmp->vm_flags, -(long)vma_pages(tmp));
		remove_vma(tmp);
	}
	return 0;
}

/* do_munmap - munmap(2) with the reserve filled first. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	int err;

	if (offset_in_page(start) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	if (!PAGE_ALIGN(len))
		return -EINVAL;
	err = reserve_for_range(mm, start, start + PAGE_ALIGN(len), 0);
	if (err)
		return err;
	return __do_munmap(mm, start, len);
}

/* ---- exit ---- */

/* exit_mmap - unmap everything; counters are left (the mm is dying). */
static void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	for (vma = mm->mmap; vma; vma = vma->vm_next)
		if (vma->vm_flags & VM_LOCKED) {
			mm->locked_vm -= vma_pages(vma);
			vma->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
			munlock_vma_pages_range(vma, vma->vm_start, vma->vm_end);
		}
	for (vma = mm->mmap; vma; vma = vma->vm_next)
		unmap_page_range(vma, vma->vm_start, vma->vm_end);
	free_pgtables(mm, mm->mmap, 0, 0);
	for (vma = mm->mmap; vma; vma = next) {
		next = vma->vm_next;
		remove_vma(vma);
	}
	mm->mmap = NULL;
	RB_INIT(&mm->mm_rb);
	mm->map_count = 0;
	free_all_pgtables(mm);
}

void mmput(struct mm_struct *mm)
{
	if (!mm)
		return;
	ksm_exit(mm);		/* __mmput: before exit_mmap */
	exit_mmap(mm);
	free(mm);
}
