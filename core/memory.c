/* core/memory.c - page faults and the page-table side of munmap, fork and
 * mprotect, as arch/x86/mm/fault.c and mm/memory.c of v5.15 (kernel-spec
 * §7, §8.3-§8.5): the x86 entry (find_vma, stack growth, access_error),
 * handle_pte_fault, do_anonymous_page (zero page on read), do_fault
 * (read with fault-around, COW, shared), do_wp_page with the v5.15 reuse
 * rule and wp_page_copy, zap_pte_range, copy_page_range and
 * change_pte_range. A user access then completes as the CPU would: the
 * accessed bit, and the dirty bit on a write.
 *
 * Atomicity: every access is checked, and everything it may allocate
 * (frames, tables, anon_vma and AVC) is reserved, before anything changes.
 * Where v5.15 leaves an anon_vma attached to a VMA whose fault then fails
 * (stack growth refused, SIGBUS after do_cow_fault's prepare), rmapfs
 * changes nothing. Left out: THP, userfaultfd, NUMA hinting, swap and
 * migration entries (their issue), mlock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filemap.h"
#include "ksm.h"
#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "pgtable.h"
#include "swap.h"
#include "vmscan.h"

#define RLIMIT_STACK_DEFAULT	(8UL << 20)	/* ulimit -s 8192 */
#define FAULT_AROUND_PAGES	16		/* fault_around_bytes 64 KiB */

static struct sim *vma_sim(struct vm_area_struct *vma)
{
	return vma->vm_mm->sim;
}

static bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_file;	/* shared anonymous memory has a shmem file */
}

static bool vma_is_accessible(const struct vm_area_struct *vma)
{
	return vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
}

static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* vm_normal_page - the page behind a PTE; none for the zero page. */
static struct page *vm_normal_page(struct sim *sim, pte_t pte)
{
	if (pte_special(pte))
		return NULL;
	return pfn_to_page(sim, pte_pfn(pte));
}

/* mm_counter - which rss counter a page counts in. */
static int mm_counter(const struct page *page)
{
	if (PageAnon(page))
		return MM_ANONPAGES;
	return PageTest(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

static unsigned long get_mm_rss(struct mm_struct *mm)
{
	return (unsigned long)(mm->rss_stat[MM_FILEPAGES] +
			       mm->rss_stat[MM_ANONPAGES] +
			       mm->rss_stat[MM_SHMEMPAGES]);
}

void update_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss(mm);

	if (mm->hiwater_rss < rss)
		mm->hiwater_rss = rss;
}

/* pte_mkdirty on x86 sets the soft-dirty bit too. */
static pte_t pte_mkdirty(pte_t pte)
{
	return pte | _PAGE_DIRTY | _PAGE_SOFT_DIRTY;
}

static pte_t maybe_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pte | _PAGE_RW : pte;
}

/* mark_page_accessed: referenced, then active on the second touch (the
 * page moves to the active list); an access also ends idleness. */
void mark_page_accessed(struct sim *sim, struct page *page)
{
	if (!PageTest(page, PG_referenced)) {
		SetPage(page, PG_referenced);
	} else if (PageTest(page, PG_unevictable)) {
		/* the unevictable list is never rotated: nothing to do */
	} else if (!PageTest(page, PG_active)) {
		activate_page(sim, page);
		ClearPage(page, PG_referenced);
	}
	ClearPage(page, PG_idle);
}

/* ---- what a fault will need (the checking half) ---- */

/* Where an access lands and what it does, worked out without changes. */
struct access_plan {
	struct vm_area_struct *vma;
	unsigned long grow_to;	/* stack growth: the new vm_start, or 0 */
	bool fault;		/* the CPU faults (else just sets A/D bits) */
	int frames;		/* frames the fault allocates */
	bool cache_slot;	/* it may add to a file's page cache */
	unsigned long index;	/* that file index */
	int err;		/* -EFAULT, -EACCES, or 0 */
	bool sigbus;		/* -EFAULT is SIGBUS, not SIGSEGV */
	const char *cause;
};

/* expand_downwards' checks (kernel-spec §4.12). Return: 0 or -ENOMEM. */
static int stack_guard_check(struct vm_area_struct *vma, unsigned long address)
{
	struct vm_area_struct *prev = vma->vm_prev;
	unsigned long size, grow;

	if (address < MMAP_MIN_ADDR)
		return -EPERM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && vma_is_accessible(prev) &&
	    address - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	size = vma->vm_end - address;
	grow = (vma->vm_start - address) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff)
		return -ENOMEM;
	if (size > RLIMIT_STACK_DEFAULT)	/* acct_stack_growth */
		return -ENOMEM;
	if (vm_enough_memory(vma->vm_mm, grow))
		return -ENOMEM;
	return 0;
}

/* shmem_fault refuses an index at or past EOF with SIGBUS. */
static bool beyond_eof(struct inode *inode, unsigned long index)
{
	return index >= (inode->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/*
 * plan_access - the x86 fault path's decisions for one access, without
 * doing them: which VMA (after stack growth), SEGV_MAPERR/SEGV_ACCERR/
 * SIGBUS, whether the CPU faults at all, and how many frames the fault
 * would allocate.
 */
static void plan_access(struct mm_struct *mm, unsigned long addr, bool write,
			struct access_plan *p)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	struct sim *sim = mm->sim;
	pte_t *ptep, pte = 0;
	struct page *page;

	memset(p, 0, sizeof(*p));
	if (!vma) {
		p->err = -EFAULT;
		p->cause = "SIGSEGV SEGV_MAPERR";
		return;
	}
	if (vma->vm_start > addr) {
		if (!(vma->vm_flags & VM_GROWSDOWN) ||
		    stack_guard_check(vma, addr & PAGE_MASK)) {
			p->err = -EFAULT;
			p->cause = "SIGSEGV SEGV_MAPERR";
			return;
		}
		p->grow_to = addr & PAGE_MASK;
	}
	p->vma = vma;
	/* access_error(): x86 never checks VM_EXEC or VM_READ on a read */
	if (write ? !(vma->vm_flags & VM_WRITE) : !vma_is_accessible(vma)) {
		p->err = -EACCES;
		p->cause = "SIGSEGV SEGV_ACCERR";
		return;
	}
	ptep = p->grow_to ? NULL : pte_offset(mm, addr);
	if (ptep)
		pte = *ptep;
	/* The CPU only faults on a non-present PTE or a write to a RO one. */
	if ((pte & _PAGE_PRESENT) && (!write || pte_write(pte)))
		return;
	p->fault = true;

	if (pte_swp(pte)) {
		if (is_migration_pte(pte)) {
			p->err = -EAGAIN;
			p->cause = "page under migration (migrate PFN finish first)";
			return;
		}
		/* do_swap_page: a frame unless the swap cache has it; a
		 * write may then copy (do_wp_page) */
		page = lookup_swap_cache(sim, pte_swp_offset(pte));
		p->frames = !page || ksm_might_need_to_copy(page, vma, addr) ? 1 : 0;
		if (write)
			p->frames++;
		return;
	}
	if (pte_none(pte)) {
		if (vma_is_anonymous(vma)) {
			p->frames = write ? 1 : 0;	/* read: the zero page */
			return;
		}
		p->index = linear_page_index(vma, addr);
		if (beyond_eof(vma->vm_file->f_inode, p->index)) {
			p->err = -EFAULT;
			p->sigbus = true;
			p->cause = "SIGBUS BUS_ADRERR";
			return;
		}
		p->cache_slot = true;
		p->frames = find_get_page(sim, vma->vm_file->f_inode, p->index) ? 0 : 1;
		if (write && !(vma->vm_flags & VM_SHARED))
			p->frames++;	/* do_cow_fault's private copy */
		return;
	}
	/* present and read-only, written: do_wp_page */
	page = vm_normal_page(sim, pte);
	if (!page) {
		p->frames = (vma->vm_flags & (VM_WRITE | VM_SHARED)) ==
			    (VM_WRITE | VM_SHARED) ? 0 : 1;
		return;
	}
	if (PageAnon(page)) {
		p->frames = (PageKsm(page) || page->_refcount != 1 ||
			     page_mapcount(page) != 1) ? 1 : 0;
		return;
	}
	p->frames = (vma->vm_flags & (VM_WRITE | VM_SHARED)) ==
		    (VM_WRITE | VM_SHARED) ? 0 : 1;
}

/* ---- the doing half ---- */

/* expand_downwards - grow the stack VMA down to @address (checked). */
static void expand_downwards(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long grow = (vma->vm_start - address) >> PAGE_SHIFT;

	anon_vma_prepare(vma);	/* reserved: cannot fail */
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	vm_stat_account(mm, vma->vm_flags, (long)grow);
	anon_vma_interval_tree_pre_update_vma(vma);
	vma->vm_start = address;
	vma->vm_pgoff -= grow;
	anon_vma_interval_tree_post_update_vma(vma);
	vma_gap_update(vma);
	trace(mm->sim, "expand_downwards", "pid %d: stack vma now %lx-%lx (+%lu pages)",
	      mm->owner_pid, vma->vm_start, vma->vm_end, grow);
}

static void set_pte(pte_t *ptep, pte_t pte)
{
	*ptep = pte;
}

/* do_anonymous_page - no PTE, private anonymous VMA. */
static void do_anonymous_page(struct vm_area_struct *vma, unsigned long addr,
			      pte_t *ptep, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	struct sim *sim = mm->sim;
	struct page *page;
	pte_t entry;

	if (!write) {
		/* The zero page: no anon_vma, no counters, read-only. */
		set_pte(ptep, mk_pte(0, vma_page_prot(vma)) | _PAGE_SPECIAL);
		sim->vmstat[SIM_ZERO_MAP]++;
		trace(sim, "do_anonymous_page", "pid %d addr %lx: read, zero page",
		      mm->owner_pid, addr);
		return;
	}
	anon_vma_prepare(vma);
	page = alloc_page(sim);
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(page_to_pfn(sim, page),
						 vma_page_prot(vma))), vma);
	mm->rss_stat[MM_ANONPAGES]++;
	page_add_new_anon_rmap(page, vma, addr);
	lru_cache_add(sim, page, vma);	/* inactive, or unevictable if locked */
	set_pte(ptep, entry);
	sim->vmstat[SIM_ANON_FAULT]++;
	trace(sim, "do_anonymous_page", "pid %d addr %lx: new pfn %lu (anon_vma %lu)",
	      mm->owner_pid, addr, page_to_pfn(sim, page), vma->anon_vma->id);
}

/* wp_page_reuse - make the PTE young, dirty and (if allowed) writable. */
static void wp_page_reuse(struct vm_area_struct *vma, unsigned long addr,
			  pte_t *ptep)
{
	struct sim *sim = vma_sim(vma);

	set_pte(ptep, maybe_mkwrite(pte_mkdirty(*ptep | _PAGE_ACCESSED), vma));
	sim->vmstat[PGREUSE]++;
	trace(sim, "do_wp_page", "pid %d addr %lx: reuse pfn %lu",
	      vma->vm_mm->owner_pid, addr, pte_pfn(*ptep));
}

/*
 * wp_page_copy - COW: a new anonymous page (zero-filled for the zero page,
 * else a copy) filed exclusively under this VMA's anon_vma replaces the
 * old page in this one PTE.
 */
static void wp_page_copy(struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep, struct page *old)
{
	struct mm_struct *mm = vma->vm_mm;
	struct sim *sim = mm->sim;
	unsigned long old_pfn = pte_pfn(*ptep);
	struct page *new;

	anon_vma_prepare(vma);
	new = alloc_page(sim);
	if (old) {
		new->content = old->content;	/* cow_user_page */
		if (!PageAnon(old)) {
			mm->rss_stat[mm_counter(old)]--;
			mm->rss_stat[MM_ANONPAGES]++;
		}
	} else {
		mm->rss_stat[MM_ANONPAGES]++;
	}
	page_add_new_anon_rmap(new, vma, addr);
	lru_cache_add(sim, new, vma);
	set_pte(ptep, maybe_mkwrite(pte_mkdirty(mk_pte(page_to_pfn(sim, new),
						       vma_page_prot(vma))), vma));
	if (old) {
		page_remove_rmap(sim, old);
		put_page(sim, old);	/* the old PTE's reference */
		sim->vmstat[SIM_COW_COPY]++;
	} else {
		sim->vmstat[SIM_ZERO_COW]++;
	}
	trace(sim, "wp_page_copy", "pid %d addr %lx: pfn %lu -> %lu%s",
	      mm->owner_pid, addr, old_pfn, page_to_pfn(sim, new),
	      old ? "" : " (zero page)");
}

/*
 * do_wp_page - a write to a present read-only PTE, with v5.15's reuse
 * rule: an anonymous page is reused only when nothing else holds it
 * (refcount 1 and mapcount 1, never KSM); the reused page keeps its
 * anon_vma (no page_move_anon_rmap before v5.19).
 */
static void do_wp_page(struct vm_area_struct *vma, unsigned long addr,
		       pte_t *ptep)
{
	struct sim *sim = vma_sim(vma);
	struct page *page = vm_normal_page(sim, *ptep);
	bool shared = (vma->vm_flags & (VM_WRITE | VM_SHARED)) ==
		      (VM_WRITE | VM_SHARED);

	if (!page) {
		if (shared)
			wp_page_reuse(vma, addr, ptep);	/* wp_pfn_shared */
		else
			wp_page_copy(vma, addr, ptep, NULL);
		return;
	}
	if (PageAnon(page)) {
		if (!PageKsm(page) && page->_refcount == 1 &&
		    page_mapcount(page) == 1) {
			wp_page_reuse(vma, addr, ptep);
			return;
		}
	} else if (shared) {
		/* wp_page_shared: no page_mkwrite for tmpfs; dirty it */
		wp_page_reuse(vma, addr, ptep);
		SetPage(page, PG_dirty);
		return;
	}
	wp_page_copy(vma, addr, ptep, page);
}

/* shmem_getpage: the cached page, or a new zero-filled one. */
static struct page *shmem_getpage(struct sim *sim, struct inode *inode,
				  unsigned long index)
{
	struct page *page = find_get_page(sim, inode, index);

	if (!page) {
		page = shmem_swapin_or_alloc(sim, inode, index, true);
		trace(sim, "shmem_getpage", "%s index %lu: new pfn %lu",
		      inode->path, index, page_to_pfn(sim, page));
	}
	return page;
}

/* do_set_pte - map a page-cache page (file rmap, file counter). */
static void do_set_pte(struct vm_area_struct *vma, unsigned long addr,
		       pte_t *ptep, struct page *page, bool write)
{
	struct sim *sim = vma_sim(vma);
	pte_t entry = mk_pte(page_to_pfn(sim, page), vma_page_prot(vma));

	if (write)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	get_page(page);
	vma->vm_mm->rss_stat[mm_counter(page)]++;
	page_add_file_rmap(sim, page);
	set_pte(ptep, entry);
}

/*
 * do_fault_around - map the already-cached neighbours of a read fault:
 * the 64 KiB window around it, clipped to the VMA and the PTE table,
 * never past EOF, only into empty slots.
 */
static void do_fault_around(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct sim *sim = mm->sim;
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long mask = ~(FAULT_AROUND_PAGES * PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long start = addr & mask, start_pgoff, end_pgoff, pgoff;
	unsigned long nr = 0;

	if (start < vma->vm_start)
		start = vma->vm_start;
	start_pgoff = linear_page_index(vma, addr) - ((addr - start) >> PAGE_SHIFT);
	end_pgoff = start_pgoff - ((start >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1)) +
		    PTRS_PER_TABLE - 1;
	if (end_pgoff > vma_pages(vma) + vma->vm_pgoff - 1)
		end_pgoff = vma_pages(vma) + vma->vm_pgoff - 1;
	if (end_pgoff > start_pgoff + FAULT_AROUND_PAGES - 1)
		end_pgoff = start_pgoff + FAULT_AROUND_PAGES - 1;

	for (pgoff = start_pgoff; pgoff <= end_pgoff; pgoff++) {
		unsigned long a = start + ((pgoff - start_pgoff) << PAGE_SHIFT);
		struct page *page = find_get_page(sim, inode, pgoff);
		pte_t *ptep;

		if (!page || beyond_eof(inode, pgoff))
			continue;
		ptep = pte_offset(mm, a);	/* same table as @addr's */
		if (!ptep || !pte_none(*ptep))
			continue;
		do_set_pte(vma, a, ptep, page, false);
		nr++;
	}
	if (nr)
		trace(sim, "do_fault_around", "pid %d addr %lx: mapped %lu cached pages",
		      mm->owner_pid, addr, nr);
}

/* do_fault - a file or shmem VMA with no PTE. */
static void do_fault(struct vm_area_struct *vma, unsigned long addr,
		     pte_t *ptep, bool write)
{
	struct sim *sim = vma_sim(vma);
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long index = linear_page_index(vma, addr);
	struct page *page, *cow;

	if (!write) {
		/* do_read_fault */
		do_fault_around(vma, addr);
		if (!pte_none(*ptep))
			return;
		page = shmem_getpage(sim, inode, index);
		do_set_pte(vma, addr, ptep, page, false);
		trace(sim, "do_read_fault", "pid %d addr %lx: map pfn %lu of %s",
		      vma->vm_mm->owner_pid, addr, page_to_pfn(sim, page), inode->path);
		return;
	}
	if (!(vma->vm_flags & VM_SHARED)) {
		/* do_cow_fault: a private copy; the cache page stays unmapped */
		anon_vma_prepare(vma);
		cow = alloc_page(sim);
		page = shmem_getpage(sim, inode, index);
		cow->content = page->content;
		vma->vm_mm->rss_stat[MM_ANONPAGES]++;
		page_add_new_anon_rmap(cow, vma, addr);
		lru_cache_add(sim, cow, vma);
		set_pte(ptep, maybe_mkwrite(pte_mkdirty(mk_pte(page_to_pfn(sim, cow),
							       vma_page_prot(vma))), vma));
		trace(sim, "do_cow_fault", "pid %d addr %lx: copy of %s index %lu -> pfn %lu",
		      vma->vm_mm->owner_pid, addr, inode->path, index,
		      page_to_pfn(sim, cow));
		return;
	}
	/* do_shared_fault */
	page = shmem_getpage(sim, inode, index);
	do_set_pte(vma, addr, ptep, page, true);
	SetPage(page, PG_dirty);	/* fault_dirty_shared_page */
	trace(sim, "do_shared_fault", "pid %d addr %lx: map pfn %lu of %s writable",
	      vma->vm_mm->owner_pid, addr, page_to_pfn(sim, page), inode->path);
}

/*
 * do_swap_page - the PTE holds a swap entry (kernel-spec §7.7): the page
 * from the swap cache or read in (a major fault), mapped again; a write
 * reuses it only if reuse_swap_page finds it exclusive (v5.15: mapcount +
 * swap count <= 1), else do_wp_page copies it.
 */
static void do_swap_page(struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	struct sim *sim = mm->sim;
	pte_t orig = *ptep, entry;
	unsigned long off = pte_swp_offset(orig);
	struct page *page = lookup_swap_cache(sim, off);
	bool exclusive = false;

	if (page && ksm_might_need_to_copy(page, vma, addr)) {
		/* a copy, exclusive here; the swap cache keeps the original */
		struct page *copy = alloc_page(sim);	/* planned */

		copy->content = page->content;
		mm->rss_stat[MM_ANONPAGES]++;
		mm->rss_stat[MM_SWAPENTS]--;
		entry = mk_pte(page_to_pfn(sim, copy), vma_page_prot(vma));
		if (write)
			entry = maybe_mkwrite(pte_mkdirty(entry), vma);
		if (orig & _PAGE_SOFT_DIRTY)
			entry |= _PAGE_SOFT_DIRTY;
		page_add_new_anon_rmap(copy, vma, addr);
		lru_cache_add(sim, copy, vma);
		set_pte(ptep, entry);
		swap_free(sim, off);
		trace(sim, "do_swap_page", "pid %d addr %lx: slot %lu: copy of pfn %lu -> pfn %lu",
		      mm->owner_pid, addr, off, page_to_pfn(sim, page),
		      page_to_pfn(sim, copy));
		return;
	}
	if (page) {
		get_page(page);		/* the PTE's reference */
	} else {
		page = swapin_page(sim, off, true);	/* reserved: cannot fail */
		lru_cache_add(sim, page, vma);
	}
	mm->rss_stat[MM_ANONPAGES]++;
	mm->rss_stat[MM_SWAPENTS]--;
	entry = mk_pte(page_to_pfn(sim, page), vma_page_prot(vma));
	if (write && reuse_swap_page(sim, page)) {
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
		write = false;
		exclusive = true;
	}
	if (orig & _PAGE_SOFT_DIRTY)
		entry |= _PAGE_SOFT_DIRTY;
	set_pte(ptep, entry);
	page_add_anon_rmap(page, vma, addr, exclusive);
	swap_free(sim, off);
	if (PageTest(page, PG_swapcache) &&
	    (vm_swap_full(sim) || (vma->vm_flags & VM_LOCKED) ||
	     PageTest(page, PG_mlocked)))
		try_to_free_swap(sim, page);
	trace(sim, "do_swap_page", "pid %d addr %lx: slot %lu -> pfn %lu%s",
	      mm->owner_pid, addr, off, page_to_pfn(sim, page),
	      exclusive ? " (reused for write)" : "");
	if (write)
		do_wp_page(vma, addr, ptep);
}

/* handle_mm_fault - counted, then handle_pte_fault's dispatch. */
static void handle_mm_fault(struct vm_area_struct *vma, unsigned long addr,
			    bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep;

	mm->sim->vmstat[PGFAULT]++;
	ptep = pte_alloc(mm, addr);	/* from the reserve */
	if (pte_none(*ptep)) {
		if (vma_is_anonymous(vma))
			do_anonymous_page(vma, addr, ptep, write);
		else
			do_fault(vma, addr, ptep, write);
		return;
	}
	if (!pte_present(*ptep)) {
		do_swap_page(vma, addr, ptep, write);
		return;
	}
	if (write && !pte_write(*ptep)) {
		do_wp_page(vma, addr, ptep);
		return;
	}
	/* spurious: the slot is fine, just mark it */
	*ptep |= _PAGE_ACCESSED;
	if (write)
		*ptep = pte_mkdirty(*ptep);
}

/* ---- accesses ---- */

/*
 * Reserve everything @p's fault may allocate. Return: 0 or -ENOMEM with
 * nothing visible changed.
 */
static int reserve_for_access(struct mm_struct *mm, unsigned long addr,
			      const struct access_plan *p)
{
	struct sim *sim = mm->sim;
	int err;

	err = sim_reserve(sim, 0, 1, 1);	/* anon_vma_prepare */
	if (!err)
		err = sim_reserve_tables(sim, (unsigned long)pte_alloc_need(mm, addr) + 1);
	if (!err && p->cache_slot)
		err = filemap_prepare(p->vma->vm_file->f_inode, p->index);
	if (!err && nr_free_frames(sim) < (unsigned long)p->frames)
		err = -ENOMEM;
	return err;
}

/* Carry out a planned, reserved access; then the CPU completes it. */
static pte_t *do_access(struct mm_struct *mm, unsigned long addr, bool write,
			const struct access_plan *p)
{
	pte_t *ptep;

	if (p->grow_to)
		expand_downwards(p->vma, p->grow_to);
	if (p->fault)
		handle_mm_fault(p->vma, addr, write);
	ptep = pte_offset(mm, addr);
	*ptep |= _PAGE_ACCESSED;
	if (write)
		*ptep |= _PAGE_DIRTY;	/* the CPU sets only the hardware bit */
	return ptep;
}

static int access_fail(struct mm_struct *mm, const struct access_plan *p,
		       unsigned long addr)
{
	struct sim *sim = mm->sim;

	if (p->err != -EAGAIN)	/* a page under migration is no signal */
		sim->vmstat[p->sigbus ? SIM_SIGBUS : SIM_SEGV]++;
	if (p->sigbus)
		sim->vmstat[PGFAULT]++;	/* handle_mm_fault was entered */
	snprintf(sim->fault_cause, sizeof(sim->fault_cause), "%s at 0x%lx",
		 p->cause, addr);
	return p->err;
}

static int access_one(struct mm_struct *mm, unsigned long addr, bool write,
		      bool store, uint64_t *value)
{
	struct sim *sim = mm->sim;
	struct access_plan p;
	struct page *page;
	pte_t *ptep;
	int err;

	plan_access(mm, addr, write, &p);
	if (p.err)
		return access_fail(mm, &p, addr);
	err = reserve_for_access(mm, addr, &p);
	if (err) {
		snprintf(sim->fault_cause, sizeof(sim->fault_cause),
			 "out of memory at 0x%lx", addr);
		return err;
	}
	ptep = do_access(mm, addr, write, &p);
	page = pfn_to_page(sim, pte_pfn(*ptep));
	if (store)
		page->content = *value;
	else if (value)
		*value = page->content;	/* the zero page holds 0 */
	return 0;
}

int access_read(struct mm_struct *mm, unsigned long addr, uint64_t *value)
{
	return access_one(mm, addr, false, false, value);
}

int access_write(struct mm_struct *mm, unsigned long addr, uint64_t value)
{
	return access_one(mm, addr, true, true, &value);
}

/*
 * access_touch - one access per page. The whole range is planned first:
 * any page that would raise a signal fails the command before any page
 * is touched, and the frames and tables for all of it are reserved.
 */
int access_touch(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 bool write)
{
	struct sim *sim = mm->sim;
	unsigned long start = addr & PAGE_MASK, end, a, frames = 0, tables = 1;
	unsigned long preps = 1;	/* VMAs that may need anon_vma_prepare */
	struct vm_area_struct *last = NULL;
	struct access_plan p;
	int err;

	if (!len)
		return 0;
	end = PAGE_ALIGN(addr + len);
	if (end <= start) {
		snprintf(sim->fault_cause, sizeof(sim->fault_cause), "range wraps");
		return -EINVAL;
	}
	for (a = start; a < end; a += PAGE_SIZE) {
		/* pages above a planned stack growth plan their own growth,
		 * which the commit loop finds already done */
		plan_access(mm, a, write, &p);
		if (p.err)
			return access_fail(mm, &p, a);
		frames += (unsigned long)p.frames;
		if (p.vma != last) {
			preps++;
			last = p.vma;
		}
		if (p.cache_slot) {
			err = filemap_prepare(p.vma->vm_file->f_inode, p.index);
			if (err) {
				snprintf(sim->fault_cause, sizeof(sim->fault_cause),
					 "out of memory at 0x%lx", a);
				return err;
			}
		}
		if (a == start || !(a & ((1UL << 21) - 1)))
			tables += (unsigned long)pte_alloc_need(mm, a);
	}
	err = nr_free_frames(sim) < frames ? -ENOMEM :
	      sim_reserve(sim, 0, preps, preps);
	if (!err)
		err = sim_reserve_tables(sim, tables);
	if (err) {
		snprintf(sim->fault_cause, sizeof(sim->fault_cause),
			 "out of memory for %lu pages at 0x%lx", frames, start);
		return err;
	}
	for (a = start; a < end; a += PAGE_SIZE) {
		plan_access(mm, a, write, &p);
		do_access(mm, a, write, &p);
	}
	return 0;
}

/*
 * gup_one - faultin_page for one page of get_user_pages: a fault where
 * the page is not there (or not writable for a write), else FOLL_TOUCH's
 * mark_page_accessed. GUP raises no signal: an inaccessible VMA, a fault
 * past the end of a file or an allocation failure just end it.
 * Return: 0, or -EFAULT / -ENOMEM.
 */
static int gup_one(struct mm_struct *mm, unsigned long addr, bool write)
{
	struct sim *sim = mm->sim;
	struct access_plan p;
	pte_t *ptep;

	plan_access(mm, addr, write, &p);
	if (p.err) {
		if (p.sigbus)
			sim->vmstat[PGFAULT]++;	/* handle_mm_fault entered */
		return -EFAULT;
	}
	if (p.grow_to)
		return -EFAULT;		/* GUP does not grow stacks here */
	if (p.fault) {
		if (reserve_for_access(mm, addr, &p))
			return -ENOMEM;
		handle_mm_fault(p.vma, addr, write);
	}
	/* faultin_page retries: follow_page_pte with FOLL_TOUCH (and
	 * FOLL_MLOCK in a locked VMA) on whatever is mapped now */
	ptep = pte_offset(mm, addr);
	if (ptep && pte_present(*ptep) && !pte_special(*ptep)) {
		struct page *page = pfn_to_page(sim, pte_pfn(*ptep));

		if (write && !pte_dirty(*ptep) && !PageTest(page, PG_dirty))
			SetPage(page, PG_dirty);	/* set_page_dirty */
		mark_page_accessed(sim, page);
		if (p.vma->vm_flags & VM_LOCKED)
			mlock_vma_page(sim, page);
	}
	return 0;
}

/*
 * populate_vma_page_range - GUP over [start, end) of @vma: writes for a
 * private writable VMA, reads otherwise; an inaccessible VMA fails
 * (no FOLL_FORCE). Return: pages done, or -errno when none was.
 */
static long populate_vma_page_range(struct vm_area_struct *vma,
				    unsigned long start, unsigned long end)
{
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
	unsigned long a;
	int err;

	if (vma->vm_flags & VM_LOCKONFAULT)
		return (long)((end - start) >> PAGE_SHIFT);
	if (!vma_is_accessible(vma))
		return -EFAULT;		/* check_vma_flags */
	for (a = start; a < end; a += PAGE_SIZE) {
		err = gup_one(vma->vm_mm, a, write);
		if (err)
			return a > start ? (long)((a - start) >> PAGE_SHIFT) : err;
	}
	return (long)((end - start) >> PAGE_SHIFT);
}

/*
 * populate_range - __mm_populate with ignore_errors: VMA by VMA; after a
 * partial run it starts again at the page that failed, and a failure
 * with nothing done moves on to the next VMA. The mapping stays whatever
 * happens, as mm_populate leaves it.
 */
int populate_range(struct mm_struct *mm, unsigned long start,
		   unsigned long end)
{
	unsigned long nstart, nend;

	for (nstart = start; nstart < end; nstart = nend) {
		struct vm_area_struct *vma = find_vma(mm, nstart);
		long ret;

		if (!vma || vma->vm_start >= end)
			break;
		nend = vma->vm_end < end ? vma->vm_end : end;
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		if (nstart < vma->vm_start)
			nstart = vma->vm_start;
		ret = populate_vma_page_range(vma, nstart, nend);
		if (ret < 0)
			continue;	/* ignore_errors: the next VMA */
		nend = nstart + ((unsigned long)ret << PAGE_SHIFT);
	}
	return 0;
}

/*
 * populate_reserve - fill the reserves with everything populating [start,
 * end) may allocate: an anon_vma and AVC per VMA, the page tables, the
 * page-cache slots; and check the frames. Return: 0 or -ENOMEM.
 */
int populate_reserve(struct mm_struct *mm, unsigned long start,
		     unsigned long end)
{
	struct sim *sim = mm->sim;
	unsigned long a, tables = 1, vmas = 0, frames = 0;
	struct vm_area_struct *last = NULL;
	struct access_plan p;
	int err;

	for (a = start; a < end; a += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, a);

		if (!vma || vma->vm_start > a)
			continue;
		if (vma != last) {
			vmas++;
			last = vma;
		}
		plan_access(mm, a, (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE,
			    &p);
		if (p.err)
			continue;
		frames += (unsigned long)p.frames;
		if (p.cache_slot && filemap_prepare(vma->vm_file->f_inode, p.index))
			return -ENOMEM;
		if (a == start || !(a & ((1UL << PMD_SHIFT) - 1)))
			tables += (unsigned long)pte_alloc_need(mm, a);
	}
	if (frames > nr_free_frames(sim))
		return -ENOMEM;
	err = sim_reserve(sim, 0, vmas, vmas);
	return err ? err : sim_reserve_tables(sim, tables);
}

/* populate_need - frames populating [start, end) may allocate (the
 * faults GUP would take; pages that would raise a signal are skipped). */
unsigned long populate_need(struct mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	unsigned long a, frames = 0;
	struct access_plan p;

	for (a = start; a < end; a += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, a);

		if (!vma || vma->vm_start > a)
			continue;
		plan_access(mm, a, (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE,
			    &p);
		if (!p.err)
			frames += (unsigned long)p.frames;
	}
	return frames;
}

/* ---- munmap and exit: zap ---- */

struct zap_ctx {
	struct vm_area_struct *vma;
};

static int zap_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		   void *arg)
{
	struct zap_ctx *z = arg;
	struct sim *sim = mm->sim;
	pte_t pte = *ptep;
	struct page *page;

	(void)addr;
	*ptep = 0;
	if (is_migration_pte(pte)) {
		/* the page is the old one under migration: its counter */
		page = pfn_to_page(sim, pte_swp_offset(pte));
		mm->rss_stat[mm_counter(page)]--;
		return 0;
	}
	if (pte_swp(pte)) {
		mm->rss_stat[MM_SWAPENTS]--;
		free_swap_and_cache(sim, pte_swp_offset(pte));
		return 0;
	}
	page = vm_normal_page(sim, pte);
	if (!page)
		return 0;	/* the zero page */
	if (!PageAnon(page)) {
		if (pte_dirty(pte))
			SetPage(page, PG_dirty);	/* set_page_dirty */
		if (pte_young(pte) && !(z->vma->vm_flags & VM_SEQ_READ))
			mark_page_accessed(sim, page);
	}
	mm->rss_stat[mm_counter(page)]--;
	page_remove_rmap(sim, page);
	put_page(sim, page);
	return 0;
}

/* unmap_page_range / zap_pte_range over [start, end) of @vma. */
void unmap_page_range(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end)
{
	struct zap_ctx z = { vma };

	walk_pte_range(vma->vm_mm, start, end, zap_one, &z);
}

/* free_pgtables - VMAs within a PMD of each other are batched into one
 * free_pgd_range call, as the kernel's "gather nearby vmas" does. */
void free_pgtables(struct mm_struct *mm, struct vm_area_struct *vma,
		   unsigned long floor, unsigned long ceiling)
{
	while (vma) {
		struct vm_area_struct *next = vma->vm_next;
		unsigned long addr = vma->vm_start;

		unlink_anon_vmas(vma);
		if (vma->vm_file)
			unlink_file_vma(vma);
		while (next && next->vm_start <= vma->vm_end + (1UL << PMD_SHIFT)) {
			vma = next;
			next = vma->vm_next;
			unlink_anon_vmas(vma);
			if (vma->vm_file)
				unlink_file_vma(vma);
		}
		free_pgd_range(mm, addr, vma->vm_end, floor,
			       next ? next->vm_start : ceiling);
		vma = next;
	}
}

/* ---- fork: copy_page_range ---- */

bool vma_needs_copy(const struct vm_area_struct *src)
{
	return src->anon_vma ||
	       (src->vm_flags & (VM_HUGETLB | VM_PFNMAP | VM_MIXEDMAP));
}

struct copy_ctx {
	struct vm_area_struct *dst, *src;
};

static int copy_one(struct mm_struct *src_mm, unsigned long addr,
		    pte_t *src_pte, void *arg)
{
	struct copy_ctx *c = arg;
	struct mm_struct *dst_mm = c->dst->vm_mm;
	struct sim *sim = src_mm->sim;
	pte_t pte = *src_pte, *dst_pte;
	struct page *page;

	dst_pte = pte_alloc(dst_mm, addr);	/* reserved by dup_mm */
	if (!pte_present(pte)) {
		/* copy_nonpresent_pte */
		if (is_migration_pte(pte)) {
			page = pfn_to_page(sim, pte_swp_offset(pte));
			dst_mm->rss_stat[mm_counter(page)]++;
			if (pte_swp_type(pte) == SWP_MIGRATION_WRITE &&
			    is_cow_mapping(c->src->vm_flags)) {
				pte = swp_entry_pte(SWP_MIGRATION_READ,
						    pte_swp_offset(pte)) |
				      (pte & _PAGE_SOFT_DIRTY);
				*src_pte = pte;
			}
		} else {
			swap_duplicate(sim, pte_swp_offset(pte));
			dst_mm->rss_stat[MM_SWAPENTS]++;
		}
		*dst_pte = pte;
		return 0;
	}
	page = vm_normal_page(sim, pte);
	if (page) {
		get_page(page);
		page_dup_rmap(page);
		dst_mm->rss_stat[mm_counter(page)]++;
	}
	/* COW mapping: write-protect both sides */
	if (is_cow_mapping(c->src->vm_flags) && pte_write(pte)) {
		pte &= ~_PAGE_RW;
		*src_pte = pte;
	}
	if (c->src->vm_flags & VM_SHARED)
		pte &= ~_PAGE_DIRTY;	/* pte_mkclean */
	pte &= ~_PAGE_ACCESSED;		/* the child's PTEs start old */
	*dst_pte = pte;
	return 0;
}

void copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct copy_ctx c = { dst, src };

	if (!vma_needs_copy(src))
		return;
	walk_pte_range(src->vm_mm, src->vm_start, src->vm_end, copy_one, &c);
}

/* Tables the child needs for @src: where the parent has a PTE table in
 * the range, the child gets one too (copy_one's pte_alloc), and the PMD
 * and PUD tables above it. Neighbouring VMAs share them: counting by
 * index, in address order, gives each once. */
void copy_page_range_need(struct vm_area_struct *src, struct pgtable_need *need)
{
	unsigned long a, step = 1UL << PMD_SHIFT;

	if (!vma_needs_copy(src))
		return;
	for (a = src->vm_start & ~(step - 1); a < src->vm_end; a += step) {
		if (!pte_offset(src->vm_mm, a < src->vm_start ? src->vm_start : a))
			continue;
		if (a >> PMD_SHIFT != need->last_pmd) {
			need->last_pmd = a >> PMD_SHIFT;
			need->tables++;		/* PTE table */
		}
		if (a >> PUD_SHIFT != need->last_pud) {
			need->last_pud = a >> PUD_SHIFT;
			need->tables++;		/* PMD table */
		}
		if (a >> PGDIR_SHIFT != need->last_pgd) {
			need->last_pgd = a >> PGDIR_SHIFT;
			need->tables++;		/* PUD table */
		}
	}
}

/* ---- mprotect: change_pte_range ---- */

struct prot_ctx {
	struct vm_area_struct *vma;
	pte_t newprot;
	bool dirty_accountable;
};

static int prot_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		    void *arg)
{
	const pte_t keep = PTE_PFN_MASK | _PAGE_SPECIAL | _PAGE_ACCESSED |
			   _PAGE_DIRTY | _PAGE_SOFT_DIRTY | _PAGE_UFFD_WP;
	struct prot_ctx *c = arg;
	pte_t pte = *ptep;

	(void)mm;
	(void)addr;
	if (!pte_present(pte))
		return 0;
	/* pte_modify: keep the PFN and the A/D/soft-dirty bits */
	pte = (pte & keep) | (c->newprot & ~keep);
	/* avoid write faults for known dirty pages of write-notify VMAs */
	if (c->dirty_accountable && pte_dirty(pte) &&
	    (pte_soft_dirty(pte) || !(c->vma->vm_flags & VM_SOFTDIRTY)))
		pte |= _PAGE_RW;
	*ptep = pte;
	return 0;
}

void change_protection(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end)
{
	unsigned long f = vma->vm_flags;
	struct prot_ctx c = {
		vma, vma_page_prot(vma),
		(f & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED) &&
		!(f & VM_SOFTDIRTY),
	};

	walk_pte_range(vma->vm_mm, start, end, prot_one, &c);
}
