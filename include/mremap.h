/* include/mremap.h - mremap(2), as mm/mremap.c of v5.15 (kernel-spec §4.13):
 * shrink, grow in place, and move with copy_vma + move_page_tables.
 */
#ifndef RMAPFS_MREMAP_H
#define RMAPFS_MREMAP_H

#include "mm_types.h"

/* mremap(2) flags (uapi values). */
#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4

/*
 * do_mremap - mremap(2) of [@addr, @addr + @old_len) to @new_len bytes,
 * with the v5.15 order of checks and errnos:
 *  - EINVAL: unknown @flags bits; FIXED without MAYMOVE; DONTUNMAP without
 *    MAYMOVE or with @old_len != @new_len; @addr not page aligned;
 *    @new_len 0 after PAGE_ALIGN; with FIXED/DONTUNMAP an unaligned or
 *    out-of-range @new_addr, or a new range overlapping the old one;
 *    @old_len 0 on a private mapping; DONTUNMAP on a VM_DONTEXPAND or
 *    VM_PFNMAP VMA; a page-offset overflow when growing.
 *  - EFAULT: no VMA at @addr, or the range (after any shrink) does not fit
 *    in that one VMA, or growing a VM_DONTEXPAND/VM_PFNMAP VMA.
 *  - ENOMEM: growing in place is impossible and MAYMOVE was not given; no
 *    room for the moved mapping; the overcommit charge (VM_ACCOUNT)
 *    fails; too close to vm.max_map_count; out of memory.
 *  - EAGAIN: growing a VM_LOCKED VMA past RLIMIT_MEMLOCK.
 *  - EPERM: a FIXED/DONTUNMAP target below vm.mmap_min_addr.
 * A shrink without FIXED/DONTUNMAP is the bare munmap of the tail that
 * v5.15 does (no VMA needs to be there). A move keeps the VMA's vm_pgoff
 * and anon_vma (a faulted anonymous VMA no longer merges with neighbours
 * by pgoff afterwards); an unfaulted anonymous VMA takes the pgoff of its
 * new address. Moved PTEs get the soft-dirty bit.
 *
 * Unlike v5.15, which may unmap the target of MREMAP_FIXED (or shrink
 * the old range) and then fail, every check is made and everything
 * reserved first: on failure the mm is exactly as it was.
 * Return: the address of the (possibly moved) mapping, or -errno.
 */
long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags,
	       unsigned long new_addr);

#endif
