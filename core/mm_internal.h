/* core/mm_internal.h - helpers shared inside core/, as mm/internal.h. */
#ifndef RMAPFS_MM_INTERNAL_H
#define RMAPFS_MM_INTERNAL_H

#include "mm.h"
#include "rmap.h"
#include "sim.h"
#include "filemap.h"

/* RLIMIT_MEMLOCK of a simulated (unprivileged) process: 8 MiB, as
 * Debian 12's systemd sets it for users (v5.15's bare default is 64 KiB). */
#define RLIMIT_MEMLOCK_BYTES	(8UL << 20)

/*
 * sim_reserve - make sure the pools hold at least this many objects.
 * Return: 0, or -ENOMEM (the pools may have grown; nothing else changed).
 */
int sim_reserve(struct sim *sim, unsigned long vmas, unsigned long avcs,
		unsigned long anon_vmas);
void sim_drain_pools(struct sim *sim);
/* Give reserve surplus back after a command (sim_exec_line calls it). */
void sim_trim_pools(struct sim *sim);
/* Page-table pages for pte_alloc, so faults and fork cannot fail late. */
int sim_reserve_tables(struct sim *sim, unsigned long n);
struct pgtable *table_alloc(struct sim *sim);
void update_hiwater_rss(struct mm_struct *mm);
struct anon_vma_chain *anon_vma_chain_alloc(struct sim *sim);
void anon_vma_chain_free(struct sim *sim, struct anon_vma_chain *avc);

/* Number of AVCs on a VMA's chain (0 if NULL). */
unsigned long vma_chain_len(const struct vm_area_struct *vma);
/* Reserve for an operation that may split/merge around [start, end). */
int reserve_for_range(struct mm_struct *mm, unsigned long start,
		      unsigned long end, unsigned long extra_vmas);

/* The VMA tree and list (core/vma.c). */
void vma_gap_update(struct vm_area_struct *vma);
struct vm_area_struct *detach_vmas_to_be_unmapped(struct mm_struct *mm,
						  struct vm_area_struct *vma,
						  struct vm_area_struct *prev,
						  unsigned long end);
struct vm_area_struct *vma_tree_first(struct mm_struct *mm);
struct vm_area_struct *vma_tree_next(struct vm_area_struct *vma);
void vma_adjust_end_gap(struct mm_struct *mm, struct vm_area_struct *vma);
int __vma_adjust(struct vm_area_struct *vma, unsigned long start,
		 unsigned long end, unsigned long pgoff,
		 struct vm_area_struct *insert, struct vm_area_struct *expand);
bool vma_merge_would_merge(struct mm_struct *mm, struct vm_area_struct *prev,
			   unsigned long addr, unsigned long end,
			   unsigned long vm_flags, struct anon_vma *anon_vma,
			   struct file *file, unsigned long pgoff);
bool is_mergeable_anon_vma(struct anon_vma *anon_vma1,
			   struct anon_vma *anon_vma2,
			   struct vm_area_struct *vma);

/* Overcommit (core/mmap.c). Return: 0 or -ENOMEM. */
int vm_enough_memory(struct mm_struct *mm, unsigned long pages);
/* Reserve for changing flags on every VMA of [start, end) and its
 * neighbours: two splits plus one chain import per VMA. */
int reserve_for_vmas(struct mm_struct *mm, unsigned long start,
		     unsigned long end);

/* Files (core/file.c). */
struct file *shmem_zero_setup(struct sim *sim, unsigned long size);
struct file *get_file(struct file *file);
void vma_link_file(struct vm_area_struct *vma);
void unlink_file_vma(struct vm_area_struct *vma);

/* Page cache (core/filemap.c). */
struct page;
int filemap_prepare(struct inode *inode, unsigned long index);
struct page *shmem_alloc_cache_page(struct sim *sim, struct inode *inode,
				    unsigned long index);
struct page *shmem_swapin_or_alloc(struct sim *sim, struct inode *inode,
				   unsigned long index, bool fault);
void delete_from_page_cache(struct sim *sim, struct inode *inode,
			    struct page *page);
unsigned long shmem_swap_entry(struct inode *inode, unsigned long index);
uint32_t *page_cache_slot(struct inode *inode, unsigned long index);
void page_cache_for_each_slot(struct inode *inode,
			      void (*fn)(unsigned long index, uint32_t *slot,
					 void *arg), void *arg);
void truncate_inode_pages_final(struct sim *sim, struct inode *inode);
void mark_page_accessed(struct sim *sim, struct page *page);
/* mlock_vma_page - PG_mlocked, onto the unevictable list (core/mlock.c). */
void mlock_vma_page(struct sim *sim, struct page *page);
void munlock_vma_page(struct sim *sim, struct page *page);
/* migrate_page (core/migrate.c): @mode 0 whole, 1 hold, 2 finish. */
int migrate_page(struct sim *sim, unsigned long pfn, int mode,
		 unsigned long *new_pfn);
void migrate_wait_mapping(struct sim *sim, struct inode *inode,
			  unsigned long first);
void migrate_wait_ksm(struct sim *sim);
void migrate_wait_pfn(struct sim *sim, unsigned long pfn);

/* Frames (core/page.c). */
int frames_init(struct sim *sim);
void frames_release(struct sim *sim);

/* munmap internals (core/mmap.c). */
int __do_munmap(struct mm_struct *mm, unsigned long start, size_t len);
void remove_vma(struct vm_area_struct *vma);
unsigned long count_vma_pages_range(struct mm_struct *mm, unsigned long addr,
				    unsigned long end);
/* The flag-changing pattern of mprotect/madvise/mlock: merge, else split.
 * The caller has checked that the splits cannot fail. */
struct vm_area_struct *vma_modify_flags(struct mm_struct *mm,
					struct vm_area_struct **pprev,
					struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					unsigned long newflags);

#endif
