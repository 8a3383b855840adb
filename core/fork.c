/* core/fork.c - duplicating an address space at fork, as dup_mm/dup_mmap
 * of kernel/fork.c in v5.15 (kernel-spec §8.1-§8.2).
 *
 * Everything dup_mmap may allocate is reserved first, so a failed fork
 * leaves the parent exactly as it was (its PTEs are write-protected only
 * once nothing can fail any more).
 */
#include <errno.h>
#include <stdlib.h>

#include "memory.h"
#include "mm_internal.h"

/* Upper bound of what dup_mmap allocates for @oldmm; the page tables
 * exactly what copy_page_range will make (a bound per VMA reserved 3
 * tables for each: 120 MiB for 10,000 one-page VMAs that need 42). */
static int dup_mmap_reserve(struct mm_struct *oldmm)
{
	struct vm_area_struct *vma;
	struct pgtable_need need = PGTABLE_NEED_INIT;
	unsigned long vmas = 0, avcs = 0, anon_vmas = 0;
	int err;

	for (vma = oldmm->mmap; vma; vma = vma->vm_next) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		/* dup_mmap charges each accountable VMA on its own */
		if ((vma->vm_flags & VM_ACCOUNT) &&
		    vm_enough_memory(oldmm, vma_pages(vma)))
			return -ENOMEM;
		vmas++;
		if (vma->anon_vma && !(vma->vm_flags & VM_WIPEONFORK)) {
			avcs += vma_chain_len(vma) + 1;
			anon_vmas++;
			copy_page_range_need(vma, &need);
		}
	}
	err = sim_reserve(oldmm->sim, vmas, avcs, anon_vmas);
	return err ? err : sim_reserve_tables(oldmm->sim, need.tables);
}

/* dup_mmap - copy every VMA but VM_DONTCOPY ones, in address order. */
static void dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp, *prev = NULL;

	mm->total_vm = oldmm->total_vm;
	mm->data_vm = oldmm->data_vm;
	mm->exec_vm = oldmm->exec_vm;
	mm->stack_vm = oldmm->stack_vm;
	mm->ksm_registered = oldmm->ksm_registered;	/* ksm_fork */

	for (mpnt = oldmm->mmap; mpnt; mpnt = mpnt->vm_next) {
		if (mpnt->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, mpnt->vm_flags, -(long)vma_pages(mpnt));
			continue;
		}
		tmp = vm_area_dup(mpnt);	/* from the reserve */
		tmp->vm_mm = mm;
		if (tmp->vm_flags & VM_WIPEONFORK) {
			/* a clean slate: the child faults fresh memory */
			tmp->anon_vma = NULL;
		} else if (anon_vma_fork(tmp, mpnt)) {
			abort();	/* reserved by dup_mmap_reserve */
		}
		tmp->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
		/* link at the end: list, tree, map_count */
		tmp->vm_file = NULL;
		vma_link(mm, tmp, prev);
		if (mpnt->vm_file) {
			/* i_mmap: right after the parent's VMA, not by key */
			struct inode *inode = mpnt->vm_file->f_inode;

			tmp->vm_file = get_file(mpnt->vm_file);
			vma_interval_tree_insert_after(tmp, mpnt, &inode->i_mmap);
			inode->i_mmap_count++;
			if (tmp->vm_flags & VM_SHARED)
				inode->i_mmap_writable++;
		}
		if (!(tmp->vm_flags & VM_WIPEONFORK))
			copy_page_range(tmp, mpnt);
		prev = tmp;
	}
}

/*
 * dup_mm - a fork child's mm: a copy of @oldmm reinitialised as mm_init
 * does (no VMAs, locked_vm 0, rss 0, def_flags keeps VM_NOHUGEPAGE), then
 * dup_mmap, then the high-water marks.
 * Return: the new mm, or NULL with *@err = -ENOMEM and nothing changed.
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm, int pid, int *err)
{
	struct mm_struct *mm;

	*err = dup_mmap_reserve(oldmm);
	if (*err)
		return NULL;
	mm = mm_alloc(oldmm->sim);
	if (!mm) {
		*err = -ENOMEM;
		return NULL;
	}
	mm->mmap_base = oldmm->mmap_base;
	mm->mmap_legacy_base = oldmm->mmap_legacy_base;
	mm->def_flags = oldmm->def_flags & VM_NOHUGEPAGE;
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->owner_pid = pid;	/* the child's, for traces */
	dup_mmap(mm, oldmm);
	mm->hiwater_rss = (unsigned long)(mm->rss_stat[MM_FILEPAGES] +
					  mm->rss_stat[MM_ANONPAGES] +
					  mm->rss_stat[MM_SHMEMPAGES]);
	mm->hiwater_vm = mm->total_vm;
	return mm;
}
