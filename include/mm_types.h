/* include/mm_types.h - the simulated kernel objects, after
 * include/linux/mm_types.h and include/linux/rmap.h of v5.15.
 *
 * Invariants (all checked by validate_mm() / sim_check()):
 *  - An mm's VMAs are sorted by vm_start, never overlap, vm_start < vm_end,
 *    both page aligned; vm_next/vm_prev and the mm_rb tree list exactly the
 *    same VMAs in the same order; map_count equals that number.
 *  - rb_subtree_gap of every VMA is the largest vma_gap() in its subtree,
 *    highest_vm_end is vm_end of the last VMA (0 when empty).
 *  - total_vm/data_vm/exec_vm/stack_vm equal the sums vm_stat_account()
 *    would give over the live VMAs (fork's DONTCOPY subtraction included).
 *  - Every anon_vma_chain is on both lists: its VMA's anon_vma_chain list
 *    and its anon_vma's interval tree; a VMA with anon_vma set has an AVC
 *    for it; its AVC list ends with the AVC of the family root.
 *  - An anon_vma's degree and refcount equal what its AVCs, children and
 *    VMAs imply (rmap.h has the rules); a file's i_mmap holds exactly the
 *    VMAs that map it.
 */
#ifndef RMAPFS_MM_TYPES_H
#define RMAPFS_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <bsd/sys/queue.h>
/* libbsd's cdefs.h leaves __unused out; its tree.h needs it. */
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
#include <bsd/sys/tree.h>
#include "alloc.h"	/* before uthash.h: its OOM policy */
#include "uthash.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	4096UL
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define offset_in_page(x) ((unsigned long)(x) & (PAGE_SIZE - 1))

/* x86_64, 4-level paging, as configured in kernel-spec §0.1 / §4.4.2. */
#define TASK_SIZE		0x7ffffffff000UL
#define DEFAULT_MAP_WINDOW	TASK_SIZE
#define RMAPFS_MMAP_BASE	0x7f0000000000UL	/* fixed, no ASLR */
#define MMAP_MIN_ADDR		65536UL	/* vm.mmap_min_addr of most distros */
#define STACK_GUARD_GAP		(256UL << PAGE_SHIFT)	/* 1 MiB */
#define DEFAULT_MAX_MAP_COUNT	65530

/* vm_flags bits, v5.15 x86_64 (kernel-spec §2.5). */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_UFFD_MISSING	0x00000200UL
#define VM_PFNMAP	0x00000400UL
#define VM_UFFD_WP	0x00001000UL
#define VM_LOCKED	0x00002000UL
#define VM_IO		0x00004000UL
#define VM_SEQ_READ	0x00008000UL
#define VM_RAND_READ	0x00010000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_LOCKONFAULT	0x00080000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_SYNC		0x00800000UL
#define VM_ARCH_1	0x01000000UL
#define VM_WIPEONFORK	0x02000000UL
#define VM_DONTDUMP	0x04000000UL
#define VM_SOFTDIRTY	0x08000000UL
#define VM_MIXEDMAP	0x10000000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL
#define VM_MERGEABLE	0x80000000UL

#define VM_SPECIAL	(VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
#define VM_STACK	VM_GROWSDOWN

struct mm_struct;
struct anon_vma;
struct file;
struct sim;
struct pgtable;

/*
 * struct anon_vma_chain - links one VMA with one anon_vma it may hold pages of.
 * Owned by the VMA (freed by unlink_anon_vmas); indexed by the anon_vma's tree.
 * The interval it is keyed by is not stored: it is read from @vma
 * (avc_start_pgoff/avc_last_pgoff in rmap.h), so whoever changes a VMA's
 * vm_start, vm_end or vm_pgoff takes its AVCs out of their trees first and
 * puts them back after (anon_vma_interval_tree_pre/post_update_vma).
 *
 * 64 bytes, the kernel's objsize for this cache. To fit, @same_vma is
 * singly linked where the kernel's is a list_head: every user walks it
 * from the head, and the one reverse walk (anon_vma_clone) is done
 * forwards (see there).
 */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	SLIST_ENTRY(anon_vma_chain) same_vma;	/* the VMA's list, newest first */
	RB_ENTRY(anon_vma_chain) rb;		/* anon_vma->rb_root */
	unsigned long rb_subtree_last;	/* max avc_last_pgoff() in this subtree */
};
_Static_assert(sizeof(struct anon_vma_chain) == 64,
	       "anon_vma_chain: /slabinfo shows objsize 64");

SLIST_HEAD(avc_list, anon_vma_chain);
RB_HEAD(avc_tree, anon_vma_chain);

/*
 * struct anon_vma - v5.15.0 layout (single @degree; see kernel-spec §5.1).
 * Freed when @refcount drops to 0 (put_anon_vma). Indexed (not owned) by
 * sim->anon_vmas, a tree so indexing never allocates.
 */
struct anon_vma {
	struct anon_vma *root;		/* family root; itself for a root */
	struct anon_vma *parent;	/* forked from; itself for a root */
	long refcount;			/* see kernel-spec §5.1 */
	unsigned long degree;		/* child anon_vmas + VMAs pointing here */
	struct avc_tree rb_root;	/* AVCs keyed by their VMA's pgoff range */
	unsigned long nr_avcs;		/* AVCs in rb_root */
	unsigned long id;		/* deterministic id shown in /anon_vma */
	RB_ENTRY(anon_vma) id_rb;	/* sim->anon_vmas, by id (an index) */
};

RB_HEAD(anon_vma_idx, anon_vma);

/*
 * struct vm_area_struct - one VMA, owned by its mm (vm_mm).
 */
struct vm_area_struct {
	unsigned long vm_start;		/* first byte: [vm_start, vm_end) */
	unsigned long vm_end;		/* first byte after */
	struct vm_area_struct *vm_next, *vm_prev;	/* sorted list */
	RB_ENTRY(vm_area_struct) vm_rb;	/* mm->mm_rb, keyed by vm_start */
	unsigned long rb_subtree_gap;	/* largest vma_gap() in subtree, bytes */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;		/* VM_* */
	unsigned long vm_pgoff;		/* in pages */
	struct file *vm_file;		/* holds a reference (get_file) */
	struct anon_vma *anon_vma;	/* where new anon pages are filed */
	struct avc_list anon_vma_chain;	/* AVCs, newest first, root's last */
	RB_ENTRY(vm_area_struct) shared_rb;	/* file->i_mmap */
	unsigned long shared_last;	/* last pgoff covered (inclusive) */
	unsigned long shared_subtree_last;
};

RB_HEAD(vma_tree, vm_area_struct);
RB_HEAD(immap_tree, vm_area_struct);

/* rss_stat indices, as enum in include/linux/mm_types_task.h */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

/*
 * struct mm_struct - one address space, owned by its task.
 * Counters are in pages unless named otherwise.
 */
struct mm_struct {
	struct vm_area_struct *mmap;	/* first VMA of the sorted list */
	struct vma_tree mm_rb;
	unsigned long highest_vm_end;	/* vm_end of the last VMA, or 0 */
	int map_count;
	unsigned long mmap_base;	/* top-down allocator start */
	unsigned long mmap_legacy_base;	/* bottom-up allocator start */
	unsigned long task_size;
	unsigned long hiwater_rss, hiwater_vm;
	unsigned long total_vm, locked_vm, pinned_vm;
	unsigned long data_vm, exec_vm, stack_vm;
	unsigned long def_flags;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	long rss_stat[NR_MM_COUNTERS];
	struct pgtable *pgd;		/* page tables; NULL until first mapped */
	unsigned long pgtables_bytes;	/* bytes of PTE/PMD/PUD tables */
	bool ksm_registered;		/* MMF_VM_MERGEABLE: known to ksmd */
	struct sim *sim;		/* the machine this mm lives in */
	int owner_pid;			/* mm->owner's pid, for display */
};

/*
 * struct page_chunk - 512 consecutive page-cache slots of one inode: 0
 * empty, pfn + 1 for a page, or a swap offset tagged with SLOT_SWAP.
 * Owned by the inode; made on first use, freed with the inode.
 */
struct page_chunk {
	unsigned long base;		/* first index, a multiple of 512 */
	uint32_t slot[512];
	RB_ENTRY(page_chunk) rb;
};

RB_HEAD(page_chunk_tree, page_chunk);

/*
 * struct inode - a simulated file (inode and address_space in one), or the
 * shmem object behind a shared anonymous mapping. Refcounted: the
 * namespace holds one reference while the path is linked, each open
 * (struct file) one. Freed when the last is dropped (iput).
 */
struct inode {
	char *path;			/* absolute, e.g. "/usr/lib/libc.so.6" */
	unsigned long i_size;		/* bytes */
	unsigned long i_ino;
	unsigned int dev_major, dev_minor;
	bool unlinked;			/* maps prints " (deleted)" */
	bool shmem;			/* shared anonymous (/dev/zero) object */
	long i_count;
	struct immap_tree i_mmap;	/* every VMA mapping this file */
	unsigned long i_mmap_count;	/* VMAs in i_mmap */
	unsigned long i_mmap_writable;	/* VM_SHARED mappings */
	struct page_chunk_tree i_pages;	/* page cache: chunks of 512 slots,
					 * by index (sparse, like the xarray) */
	unsigned long nrpages;		/* pages in the cache */
	unsigned long swapped;		/* slots holding a swap entry */
	UT_hash_handle hh;		/* sim->files by path (when linked) */
};

/*
 * struct file - one open of an inode. Each mmap command opens its file
 * anew, and vma_merge compares opens (is_mergeable_vma), not inodes.
 * Refcounted by the VMAs that map it (get_file/fput).
 */
struct file {
	struct inode *f_inode;
	long f_count;
};

/* struct task_struct - one simulated process (single threaded). */
struct task_struct {
	int pid;
	int ppid;			/* 0 for spawned processes */
	char comm[16];			/* TASK_COMM_LEN */
	struct mm_struct *mm;		/* owned */
	UT_hash_handle hh;		/* sim->tasks, by pid */
};

#endif
