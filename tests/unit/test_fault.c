/* tests/unit/test_fault.c - core/memory.c's fault paths, as arch/x86/mm/
 * fault.c and mm/memory.c of v5.15 (kernel-spec §7, §13 S1, S2, S8): the
 * x86 entry (SEGV_MAPERR, SEGV_ACCERR, SIGBUS), do_anonymous_page and the
 * zero page, do_wp_page's reuse rule and wp_page_copy, the file and shmem
 * faults (do_read_fault with fault-around, do_cow_fault, do_shared_fault),
 * and stack growth (§4.12).
 *
 * Frame numbers: pfn 0 is the zero page and page tables live outside the
 * simulated frames, so on a fresh machine the Nth page allocated is pfn N
 * (alloc_page takes the lowest free frame).
 */
#include <stdio.h>

#include "testlib.h"

#define MiB		(1UL << 20)
#define PMD_SPAN	(2 * MiB)	/* what one PTE table covers */
/* A child's copy of a PTE: fork clears the accessed bit (§8.3 step 6). */
#define OLD(bits)	((bits) & ~(pte_t)_PAGE_ACCESSED)

#define SHARED_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY)
/* A private file mapping: no VM_ACCOUNT unless writable (as anonymous). */
#define FILE_PRIV_FLAGS(prot) ANON_FLAGS(prot)

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

static uint64_t content(unsigned long pfn)
{
	return pfn_to_page(T.sim, pfn)->content;
}

static void map_shared_anon(struct mm_struct *mm, unsigned long addr,
			    unsigned long npages)
{
	ck_assert_int_eq(do_mmap(mm, addr, npages * PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)addr);
	CHECK_SIM(mm->sim);
}

/*
 * Put pages 0 .. @npages-1 of file @path in its page cache and leave them
 * unmapped: map it shared at BASE, write every page (do_shared_fault),
 * unmap. The namespace keeps the inode, so the pages stay cached with
 * refcount 1 (the cache's), PG_dirty from the write fault and
 * PG_referenced from the zap of a young PTE (§8.4).
 */
static struct inode *cached_file(const char *path, unsigned long npages)
{
	struct inode *inode = t_file(T.sim, path, npages * PG);

	ck_assert_int_eq(t_mmap_file(T.mm, BASE, npages * PG, RW,
				     MAP_SHARED | MAP_FIXED, path, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(access_touch(T.mm, BASE, npages * PG, true), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE, npages * PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(inode->nrpages, npages);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 0);	/* no neighbours: all freed */
	return inode;
}
#define CACHED_FLAGS	(SHMEM_PAGE_FLAGS | PGF(PG_dirty) | PGF(PG_referenced))

/* ------------------------------------------------ do_anonymous_page */

START_TEST(test_anon_read_maps_zero_page)
{
	struct t_vmstat v0;
	struct vm_area_struct *v;
	uint64_t val = 99;

	/*  BASE                      +4
	 *  |-- V rw- (no anon_vma) --|     read BASE+1 page+8 */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + PG + 8, &val), 0);
	CHECK_SIM(T.sim);

	ck_assert_uint_eq(val, 0);	/* the zero page holds 0 */
	/* A special PTE to pfn 0 with vm_page_prot: read-only, young, clean. */
	ASSERT_PTE(T.mm, BASE + PG, 0, PTE_ZERO);
	ASSERT_PTE_NONE(T.mm, BASE);
	ASSERT_PTE_NONE(T.mm, BASE + 2 * PG);
	/* No anon_vma prepared (§5.3 "not called by a read fault"). */
	ck_assert_ptr_null(v->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(v), 0);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 0);
	/* Not counted anywhere: no rss, refcount and mapcount untouched. */
	ASSERT_RSS(T.mm, 0, 0, 0);
	ASSERT_PAGE(T.sim, 0, 0, 0, 0, 1, PGF(PG_reserved) | PGF(PG_uptodate));
	/* handle_mm_fault allocated PUD, PMD and PTE tables: 3 x 4 KiB of
	 * VmPTE (the PGD is not counted); PMD and PTE count in
	 * nr_page_table_pages. */
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ZERO_MAP, 1 },
		      { NR_PAGETABLE, 2 });
}
END_TEST

START_TEST(test_anon_read_of_mapped_page_does_not_fault)
{
	struct t_vmstat v0;
	uint64_t val;

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	/* The PTE is present and readable: the CPU does not fault. */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + 16, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 0, PTE_ZERO);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

START_TEST(test_anon_write_allocates_lowest_free_pfn)
{
	struct t_vmstat v0;
	struct vm_area_struct *v;
	struct anon_vma *av;

	/*  BASE                      +4
	 *  |-- V rw- (no anon_vma) --|     write 7 at BASE+1 page */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 7), 0);
	CHECK_SIM(T.sim);

	/* anon_vma_prepare: a fresh root {degree 2, refcount 1}, one AVC. */
	av = v->anon_vma;
	ASSERT_AV(av, 2, 1);
	ck_assert_ptr_eq(av->root, av);
	ck_assert_uint_eq(t_nr_avcs(v), 1);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 1);
	/* pfn 1: the lowest free frame. Filed under the VMA's anon_vma
	 * (exclusive), index = virtual page number (vm_pgoff = addr >> 12),
	 * mapcount 1 (_mapcount 0), refcount 1 (the PTE's). */
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av), PFN(BASE + PG), 1, 1, ANON_PAGE_FLAGS);
	ck_assert_int_eq(pfn_to_page(T.sim, 1)->_mapcount, 0);
	ck_assert_uint_eq(content(1), 7);
	/* Young, dirty + soft-dirty, writable (VM_WRITE), present, user, NX. */
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_ANON_RW);
	ASSERT_PTE_NONE(T.mm, BASE);
	ASSERT_RSS(T.mm, 1, 0, 0);	/* RssAnon 4 kB */
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);	/* VmPTE 12 kB */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ANON_FAULT, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 },
		      { NR_PAGETABLE, 2 }, { SIM_ANON_VMA_ALLOC, 1 });
}
END_TEST

START_TEST(test_anon_write_second_page_in_same_pte_table)
{
	struct t_vmstat v0;
	struct anon_vma *av;

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	av = t_vma(T.mm, 0)->anon_vma;
	t_vmstat_snap(&v0, T.sim);
	/* Same 2 MiB block: the tables exist, the anon_vma too. */
	ck_assert_int_eq(access_write(T.mm, BASE + 3 * PG, 2), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av), PFN(BASE + 3 * PG), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE(T.mm, BASE + 3 * PG, 2, PTE_ANON_RW);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(t_nr_avcs(t_vma(T.mm, 0)), 1);
	ASSERT_RSS(T.mm, 2, 0, 0);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);	/* +0 */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ANON_FAULT, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 });
}
END_TEST

START_TEST(test_anon_write_after_read_copies_zero_page)
{
	struct t_vmstat v0;
	struct vm_area_struct *v;
	struct anon_vma *av;
	uint64_t val;

	/*  |-- V rw- --|  read BASE (zero page), then write 5 there (S1 2, 4) */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 5), 0);
	CHECK_SIM(T.sim);

	/* Present read-only PTE, written: do_wp_page finds no normal page in
	 * a private VMA: wp_page_copy from the zero page (§7.6 step 3). */
	av = v->anon_vma;
	ASSERT_AV(av, 2, 1);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ck_assert_uint_eq(content(1), 5);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 1, 0, 0);
	/* The zero page is never counted. */
	ASSERT_PAGE(T.sim, 0, 0, 0, 0, 1, PGF(PG_reserved) | PGF(PG_uptodate));
	ck_assert_uint_eq(content(0), 0);
	/* pgfault, no pgreuse (§14 trap 2). */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ZERO_COW, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 },
		      { SIM_ANON_VMA_ALLOC, 1 });
}
END_TEST

START_TEST(test_read_of_exec_only_vma_maps_zero_page)
{
	struct t_vmstat v0;
	uint64_t val;

	/* x86 access_error never tests VM_READ: --x is readable, and its
	 * PTE (PAGE_READONLY_EXEC) has no NX bit. */
	MAP_FIXED_ANON(T.mm, BASE, 1, PROT_EXEC, 0);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 0, (PTE_RO & ~_PAGE_NX) | _PAGE_SPECIAL);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ZERO_MAP, 1 },
		      { NR_PAGETABLE, 2 });
	ck_assert_int_eq(access_write(T.mm, BASE, 1), -EACCES);
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_access_to_old_pte_sets_accessed_without_fault)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	uint64_t val;

	/* fork leaves the child's PTE old; the CPU sets the accessed bit on
	 * the next access, no fault taken. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 4), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO | PTE_MKDIRTY));
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(cmm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(val, 4);
	ASSERT_PTE(cmm, BASE, 1, PTE_RO | PTE_MKDIRTY);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

START_TEST(test_map_populate_write_faults_private_writable)
{
	struct t_vmstat v0;
	unsigned long i;

	/* MAP_POPULATE on private rw-: GUP write faults, real pages
	 * (§7.11); on private r--: read faults, the zero page. */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(vm_mmap_pgoff(T.mm, BASE, 4 * PG, RW,
				       MAP_ANON_PRIV | MAP_FIXED | MAP_POPULATE, NULL, 0),
			 (long)BASE);
	CHECK_SIM(T.sim);
	for (i = 0; i < 4; i++)
		ASSERT_PTE(T.mm, BASE + i * PG, i + 1, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 4, 0, 0);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 4 }, { SIM_ANON_FAULT, 4 },
		      { NR_ANON_MAPPED, 4 }, { NR_FREE_PAGES, -4 },
		      { NR_PAGETABLE, 2 }, { SIM_ANON_VMA_ALLOC, 1 });

	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(vm_mmap_pgoff(T.mm, BASE + 8 * PG, 2 * PG, RO,
				       MAP_ANON_PRIV | MAP_FIXED | MAP_POPULATE, NULL, 0),
			 (long)(BASE + 8 * PG));
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE + 8 * PG, 0, PTE_ZERO);
	ASSERT_PTE(T.mm, BASE + 9 * PG, 0, PTE_ZERO);
	ck_assert_ptr_null(t_vma(T.mm, 1)->anon_vma);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 2 }, { SIM_ZERO_MAP, 2 });
}
END_TEST

START_TEST(test_map_populate_prot_none_raises_no_signal)
{
	struct t_vmstat v0;

	/* populate_vma_page_range on a PROT_NONE VMA: GUP's check_vma_flags
	 * refuses it (-EFAULT, no FOLL_FORCE) before any fault, and
	 * mm_populate ignores the error: no pgfault, no signal, no PTE. */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(vm_mmap_pgoff(T.mm, BASE, 2 * PG, PROT_NONE,
				       MAP_ANON_PRIV | MAP_FIXED | MAP_POPULATE, NULL, 0),
			 (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_ptr_null(T.mm->pgd);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

START_TEST(test_map_populate_past_eof_raises_no_signal)
{
	struct t_vmstat v0;
	struct inode *f;
	struct file *file;
	long got;

	/* /f is one page; MAP_POPULATE of a 4-page shared mapping: read
	 * faults (shared). GUP maps page 0, then page 1's fault is SIGBUS:
	 * __get_user_pages returns 1 (pages done); __mm_populate goes on
	 * from page 1, whose fault fails again (-EFAULT), and ignores the
	 * error (continues at the next VMA: none). No signal is raised;
	 * handle_mm_fault ran three times: pgfault +3. */
	f = t_file(T.sim, "/f", PG);
	file = file_open(f);
	ck_assert_ptr_nonnull(file);
	t_vmstat_snap(&v0, T.sim);
	got = vm_mmap_pgoff(T.mm, BASE, 4 * PG, RW, MAP_SHARED | MAP_FIXED | MAP_POPULATE,
			    file, 0);
	fput(T.sim, file);
	ck_assert_int_eq(got, (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_SHARED);
	/* FOLL_TOUCH: follow_page_pte marks the faulted page accessed */
	ASSERT_PAGE(T.sim, 1, f, 0, 1, 2, SHMEM_PAGE_FLAGS | (1U << PG_referenced));
	ASSERT_PTE_NONE(T.mm, BASE + PG);
	ASSERT_RSS(T.mm, 0, 0, 1);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 3 }, { NR_FILE_MAPPED, 1 },
		      { NR_FILE_PAGES, 1 }, { NR_SHMEM, 1 },
		      { NR_FREE_PAGES, -1 }, { NR_PAGETABLE, 2 });
}
END_TEST

/* ------------------------------------------------------- do_wp_page */

START_TEST(test_wp_copy_in_child_files_page_under_child_anon_vma)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct anon_vma *av0, *av1;

	/*  P: |-- V rw- AV0 --|  X = pfn 1 holds 11; fork; the child touches
	 *  BASE for write (content kept, so the copy is visible). */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 11), 0);
	CHECK_SIM(T.sim);
	av0 = t_vma(T.mm, 0)->anon_vma;
	cmm = t_mm(T.sim, fork_of(1));
	av1 = t_vma(cmm, 0)->anon_vma;
	ck_assert_ptr_ne(av1, av0);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 2, 2, ANON_PAGE_FLAGS);

	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_touch(cmm, BASE, PG, true), 0);
	CHECK_SIM(T.sim);
	/* refcount 2: copy. The new page (pfn 2) is filed exclusively under
	 * the child's own anon_vma AV1, same index; contents copied. */
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av1), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ck_assert_uint_eq(content(2), 11);
	ASSERT_PTE(cmm, BASE, 2, PTE_ANON_RW);
	/* The old page loses one mapping and one reference. */
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	/* The parent's PTE is as fork left it: write-protected, young, dirty. */
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO | PTE_MKDIRTY);
	/* anon -> anon: rss unchanged on both sides. */
	ASSERT_RSS(cmm, 1, 0, 0);
	ASSERT_RSS(T.mm, 1, 0, 0);
	/* The old page is still mapped (by the parent): nr_anon_pages +1. */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_COW_COPY, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 });

	/* Now the parent is X's sole mapper: its write reuses X (S2 step 3). */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 12), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ck_assert_uint_eq(content(1), 12);
	ck_assert_uint_eq(content(2), 11);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { PGREUSE, 1 });
}
END_TEST

START_TEST(test_wp_copy_in_parent_files_page_under_parent_anon_vma)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct anon_vma *av0;

	/* S2 step 4: the parent writes first; its copy goes under its own
	 * anon_vma AV0 (which is also the root); the child keeps X. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 3), 0);
	CHECK_SIM(T.sim);
	av0 = t_vma(T.mm, 0)->anon_vma;
	cmm = t_mm(T.sim, fork_of(1));
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 4), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE(T.mm, BASE, 2, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO | PTE_MKDIRTY));
	ck_assert_uint_eq(content(1), 3);
	ck_assert_uint_eq(content(2), 4);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_COW_COPY, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 });
}
END_TEST

START_TEST(test_wp_reuse_after_child_exit)
{
	struct t_vmstat v0;
	struct anon_vma *av0;

	/* fork, the child exits: X is back to mapcount 1, refcount 1, and the
	 * parent's (write-protected) PTE is reused on its next write. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	av0 = t_vma(T.mm, 0)->anon_vma;
	fork_of(1);
	T_CMD(T.sim, "exit 2");
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO | PTE_MKDIRTY);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 2), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { PGREUSE, 1 });
}
END_TEST

START_TEST(test_wp_reuse_keeps_anon_vma_of_exited_parent)
{
	struct t_rmap_hit hits[T_RMAP_MAX];
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct vm_area_struct *cv;
	struct anon_vma *av0, *av1;

	/* P writes X under AV0, forks C (AV1), exits. C is X's sole mapper;
	 * its write reuses X, which stays filed under AV0: v5.15 has no
	 * page_move_anon_rmap for small pages (§6.3, §7.6). */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	av0 = t_vma(T.mm, 0)->anon_vma;
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	av1 = cv->anon_vma;
	T_CMD(T.sim, "exit 1");
	T.mm = NULL;
	/* AV0 lives on: C's AVC is still in its tree. */
	ASSERT_AV(av0, 2, 2);
	ASSERT_AV(av1, 1, 1);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);

	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(cmm, BASE, 9), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(cmm, BASE, 1, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ck_assert_uint_eq(content(1), 9);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { PGREUSE, 1 });
	/* Still reachable: AV0's tree holds C's AVC. */
	ck_assert_int_eq(t_rmap_walk(T.sim, pfn_to_page(T.sim, 1), hits), 1);
	ck_assert_ptr_eq(hits[0].vma, cv);
	ck_assert_uint_eq(hits[0].addr, BASE);
}
END_TEST

START_TEST(test_wp_zero_page_in_child_copies_under_child_anon_vma)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct anon_vma *av1;
	uint64_t val;

	/*  P: |-- V rw- AV0: [0] zero page, [1] X --|  fork; C writes [0]. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	av1 = t_vma(cmm, 0)->anon_vma;
	ASSERT_PTE(cmm, BASE, 0, OLD(PTE_ZERO));
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(cmm, BASE, 6), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av1), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE(cmm, BASE, 2, PTE_ANON_RW);
	ASSERT_PTE(T.mm, BASE, 0, PTE_ZERO);
	ASSERT_RSS(cmm, 2, 0, 0);	/* X and the new page */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ZERO_COW, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 });
}
END_TEST

/* ----------------------------------------------- shmem and file faults */

START_TEST(test_shared_anon_read_creates_cache_page)
{
	struct t_vmstat v0;
	struct vm_area_struct *v;
	struct inode *shm;
	uint64_t val;

	/*  BASE                   +4
	 *  |-- S rw-s /dev/zero --|   pgoff 0; read BASE+1 page */
	map_shared_anon(T.mm, BASE, 4);
	v = t_vma(T.mm, 0);
	ck_assert_uint_eq(v->vm_flags, SHARED_FLAGS(RW));
	shm = v->vm_file->f_inode;
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), 0);
	CHECK_SIM(T.sim);

	ck_assert_uint_eq(val, 0);
	/* shmem_fault: a new zero-filled cache page at index 1, swap-backed;
	 * refcount 2 (cache + PTE), mapcount 1. */
	ASSERT_PAGE(T.sim, 1, shm, 1, 1, 2, SHMEM_PAGE_FLAGS);
	ck_assert_ptr_eq(find_get_page(T.sim, shm, 1), pfn_to_page(T.sim, 1));
	ck_assert_uint_eq(shm->nrpages, 1);
	/* PAGE_SHARED: no write-notify while VM_SOFTDIRTY is set, so the
	 * read-faulted PTE is writable but clean (§4.3.4). */
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_SHARED);
	/* Fault-around found nothing else cached. */
	ASSERT_PTE_NONE(T.mm, BASE);
	ASSERT_PTE_NONE(T.mm, BASE + 2 * PG);
	ASSERT_PTE_NONE(T.mm, BASE + 3 * PG);
	ck_assert_ptr_null(v->anon_vma);
	ASSERT_RSS(T.mm, 0, 0, 1);	/* RssShmem, never RssAnon */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_FILE_MAPPED, 1 },
		      { NR_FILE_PAGES, 1 }, { NR_SHMEM, 1 },
		      { NR_FREE_PAGES, -1 }, { NR_PAGETABLE, 2 });
}
END_TEST

START_TEST(test_shared_anon_write_through_writable_pte_does_not_fault)
{
	struct t_vmstat v0;
	struct inode *shm;
	uint64_t val;

	map_shared_anon(T.mm, BASE, 4);
	shm = t_vma(T.mm, 0)->vm_file->f_inode;
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 8), 0);
	CHECK_SIM(T.sim);
	/* The CPU writes through the RW PTE and sets only the hardware
	 * dirty bit: no fault, no soft-dirty, no PG_dirty yet. */
	ASSERT_PTE(T.mm, BASE, 1, PTE_SHARED | _PAGE_DIRTY);
	ASSERT_PAGE(T.sim, 1, shm, 0, 1, 2, SHMEM_PAGE_FLAGS);
	ck_assert_uint_eq(content(1), 8);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

START_TEST(test_shared_anon_write_fault_dirties_page)
{
	struct t_vmstat v0;
	struct inode *shm;

	map_shared_anon(T.mm, BASE, 4);
	shm = t_vma(T.mm, 0)->vm_file->f_inode;
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE + 2 * PG, 4), 0);
	CHECK_SIM(T.sim);
	/* do_shared_fault: do_set_pte with write (dirty + soft-dirty), then
	 * fault_dirty_shared_page sets PG_dirty. No fault-around on writes. */
	ASSERT_PTE(T.mm, BASE + 2 * PG, 1, PTE_SHARED | PTE_MKDIRTY);
	ASSERT_PAGE(T.sim, 1, shm, 2, 1, 2, SHMEM_PAGE_FLAGS | PGF(PG_dirty));
	ASSERT_RSS(T.mm, 0, 0, 1);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_FILE_MAPPED, 1 },
		      { NR_FILE_PAGES, 1 }, { NR_SHMEM, 1 },
		      { NR_FREE_PAGES, -1 }, { NR_PAGETABLE, 2 });
}
END_TEST

START_TEST(test_fault_around_maps_cached_neighbours)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct inode *shm;
	unsigned long i;
	uint64_t val;

	/*  P: |-- S rw-s, 32 pages, all written (cached, pfn i+1 at index i) --|
	 * fork: C's copy of S has no PTEs (no anon_vma: not copied, §8.3).
	 * C reads page 5: the 64 KiB window [BASE, BASE+16 pages) gets every
	 * cached page mapped by one fault. */
	map_shared_anon(T.mm, BASE, 32);
	shm = t_vma(T.mm, 0)->vm_file->f_inode;
	ck_assert_int_eq(access_touch(T.mm, BASE, 32 * PG, true), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	ck_assert_uint_eq(cmm->pgtables_bytes, 0);
	ASSERT_RSS(cmm, 0, 0, 0);

	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(cmm, BASE + 5 * PG, &val), 0);
	CHECK_SIM(T.sim);
	/* start_pgoff = 5 - 5 = 0; end_pgoff = min(0 + 511 (PTE table),
	 * 31 (VMA), 0 + 15 (16 pages)) = 15. */
	for (i = 0; i < 16; i++) {
		ASSERT_PTE(cmm, BASE + i * PG, i + 1, PTE_SHARED);
		ASSERT_PAGE(T.sim, i + 1, shm, i, 2, 3, SHMEM_PAGE_FLAGS | PGF(PG_dirty));
	}
	for (i = 16; i < 32; i++) {
		ASSERT_PTE_NONE(cmm, BASE + i * PG);
		ASSERT_PAGE(T.sim, i + 1, shm, i, 1, 2, SHMEM_PAGE_FLAGS | PGF(PG_dirty));
	}
	ASSERT_RSS(cmm, 0, 0, 16);
	/* One fault; the pages were mapped already (by P): nr_mapped same. */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_PAGETABLE, 2 });

	/* Page 31: window [16, 31]. */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(cmm, BASE + 31 * PG, &val), 0);
	CHECK_SIM(T.sim);
	for (i = 16; i < 32; i++)
		ASSERT_PTE(cmm, BASE + i * PG, i + 1, PTE_SHARED);
	ASSERT_RSS(cmm, 0, 0, 32);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 });
}
END_TEST

START_TEST(test_fault_around_clipped_to_vma)
{
	struct t_vmstat v0;
	struct inode *f;
	unsigned long i;
	uint64_t val;

	/* /f: 20 cached pages, pfn i+1 at index i.
	 *  BASE      +4                      +12
	 *  |         |-- F r--p /f pgoff 2 --|     read BASE+6 pages (index 4)
	 * The 64 KiB window starts at BASE, below vm_start: clipped to
	 * BASE+4 pages (start_pgoff 2); end_pgoff = min(2 - 4 + 511, 8 + 2 - 1,
	 * 2 + 15) = 9: the VMA's 8 pages, no more. */
	f = cached_file("/f", 20);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 4 * PG, 8 * PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/f", 2),
			 (long)(BASE + 4 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE + 4 * PG, BASE + 12 * PG, 2, FILE_PRIV_FLAGS(RO) });
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + 6 * PG, &val), 0);
	CHECK_SIM(T.sim);
	for (i = 2; i <= 9; i++) {
		/* private: PAGE_COPY, read-only */
		ASSERT_PTE(T.mm, BASE + (i + 2) * PG, i + 1, PTE_RO);
		ASSERT_PAGE(T.sim, i + 1, f, i, 1, 2, CACHED_FLAGS);
	}
	ASSERT_PAGE(T.sim, 2, f, 1, 0, 1, CACHED_FLAGS);
	ASSERT_PAGE(T.sim, 11, f, 10, 0, 1, CACHED_FLAGS);
	ck_assert_ptr_null(t_vma(T.mm, 0)->anon_vma);
	ASSERT_RSS(T.mm, 0, 0, 8);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_FILE_MAPPED, 8 },
		      { NR_PAGETABLE, 2 });
}
END_TEST

START_TEST(test_fault_around_clipped_to_pte_table)
{
	const unsigned long start = BASE + PMD_SPAN - 2 * PG;
	struct t_vmstat v0;
	unsigned long i;
	uint64_t val;

	/* /g: 16 cached pages (pfn i+1 at index i).
	 *        BASE+2M-2     BASE+2M               BASE+2M+14
	 *        |-- G r--p /g pgoff 0 (16 pages) -----|
	 *   PTE table of [BASE, BASE+2M) | PTE table of [BASE+2M, BASE+4M)
	 * read index 1: window clipped to vm_start (start_pgoff 0), then to
	 * the end of the PTE table: end_pgoff = 0 - 510 + 511 = 1. */
	cached_file("/g", 16);
	ck_assert_int_eq(t_mmap_file(T.mm, start, 16 * PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/g", 0), (long)start);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, start + PG, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, start, 1, PTE_RO);
	ASSERT_PTE(T.mm, start + PG, 2, PTE_RO);
	ck_assert_ptr_null(pte_offset(T.mm, BASE + PMD_SPAN));
	ASSERT_RSS(T.mm, 0, 0, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_FILE_MAPPED, 2 },
		      { NR_PAGETABLE, 2 });

	/* index 2, at BASE+2M: window [2, min(2 + 511, 15, 17)] = [2, 15]
	 * in the next table (one more PTE table: VmPTE +4 kB). */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + PMD_SPAN, &val), 0);
	CHECK_SIM(T.sim);
	for (i = 2; i < 16; i++)
		ASSERT_PTE(T.mm, start + i * PG, i + 1, PTE_RO);
	ASSERT_RSS(T.mm, 0, 0, 16);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 4 * PG);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_FILE_MAPPED, 14 },
		      { NR_PAGETABLE, 1 });
}
END_TEST

START_TEST(test_fault_around_then_fault_in_the_page)
{
	struct t_vmstat v0;
	struct inode *f;
	unsigned long i;
	uint64_t val;

	/* /f: 16 pages, 0-3 cached (pfn 1-4). Read index 5 through a new
	 * private mapping: fault-around maps 0-3 (window [0, 15]); 5 is
	 * still unmapped, so shmem_fault makes it (pfn 5) and maps it. */
	f = t_file(T.sim, "/f", 16 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_SHARED | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 4 * PG), 0);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 16 * PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/f", 0), (long)BASE);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + 5 * PG, &val), 0);
	CHECK_SIM(T.sim);
	for (i = 0; i < 4; i++)
		ASSERT_PTE(T.mm, BASE + i * PG, i + 1, PTE_RO);
	ASSERT_PTE_NONE(T.mm, BASE + 4 * PG);
	ASSERT_PTE(T.mm, BASE + 5 * PG, 5, PTE_RO);
	ASSERT_PAGE(T.sim, 5, f, 5, 1, 2, SHMEM_PAGE_FLAGS);
	ASSERT_RSS(T.mm, 0, 0, 5);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_FILE_MAPPED, 5 },
		      { NR_FILE_PAGES, 1 }, { NR_SHMEM, 1 },
		      { NR_FREE_PAGES, -1 }, { NR_PAGETABLE, 2 });
}
END_TEST

START_TEST(test_private_file_write_is_cow_fault)
{
	struct t_vmstat v0;
	struct vm_area_struct *v;
	struct inode *f;
	struct anon_vma *av;
	uint64_t val;

	/* /f page 0 holds 42 (pfn 1, cached, unmapped).
	 *  BASE+8        +12
	 *  |-- F rw-p /f --|   touch BASE+8 pages for write (contents kept) */
	f = t_file(T.sim, "/f", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_SHARED | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_write(T.mm, BASE, 42), 0);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 4 * PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 1, f, 0, 0, 1, CACHED_FLAGS);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 8 * PG, 4 * PG, RW,
				     MAP_PRIVATE | MAP_FIXED, "/f", 0),
			 (long)(BASE + 8 * PG));
	CHECK_SIM(T.sim);
	v = t_vma(T.mm, 0);
	ck_assert_uint_eq(v->vm_flags, FILE_PRIV_FLAGS(RW));
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_touch(T.mm, BASE + 8 * PG, PG, true), 0);
	CHECK_SIM(T.sim);

	/* do_cow_fault: anon_vma_prepare, a copy (pfn 2) of the cache page,
	 * filed under the VMA's anon_vma at index = file pgoff 0. */
	av = v->anon_vma;
	ASSERT_AV(av, 2, 1);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av), 0, 1, 1, ANON_PAGE_FLAGS);
	ck_assert_uint_eq(content(2), 42);
	ASSERT_PTE(T.mm, BASE + 8 * PG, 2, PTE_ANON_RW);
	/* The cache page is not mapped into the process. */
	ASSERT_PAGE(T.sim, 1, f, 0, 0, 1, CACHED_FLAGS);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_ANON_MAPPED, 1 },
		      { NR_FREE_PAGES, -1 }, { NR_PAGETABLE, 2 },
		      { SIM_ANON_VMA_ALLOC, 1 });
	ck_assert_int_eq(access_read(T.mm, BASE + 8 * PG, &val), 0);
	ck_assert_uint_eq(val, 42);
}
END_TEST

START_TEST(test_private_file_cow_fault_allocates_copy_first)
{
	struct t_vmstat v0;
	struct inode *f;

	/* Nothing cached: do_cow_fault allocates the COW page first (pfn 1),
	 * then shmem_fault the cache page (pfn 2), as v5.15 orders them. */
	f = t_file(T.sim, "/f", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/f", 0), (long)BASE);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_touch(T.mm, BASE + PG, PG, true), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(t_vma(T.mm, 0)->anon_vma), 1, 1, 1,
		    ANON_PAGE_FLAGS);
	ASSERT_PAGE(T.sim, 2, f, 1, 0, 1, SHMEM_PAGE_FLAGS);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { NR_ANON_MAPPED, 1 },
		      { NR_FILE_PAGES, 1 }, { NR_SHMEM, 1 },
		      { NR_FREE_PAGES, -2 }, { NR_PAGETABLE, 2 },
		      { SIM_ANON_VMA_ALLOC, 1 });
}
END_TEST

START_TEST(test_private_file_read_then_write_copies)
{
	struct t_vmstat v0;
	struct inode *f;
	uint64_t val;

	f = t_file(T.sim, "/f", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	/* do_read_fault maps the cache page read-only (private). */
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO);
	ASSERT_PAGE(T.sim, 1, f, 0, 1, 2, SHMEM_PAGE_FLAGS);
	ASSERT_RSS(T.mm, 0, 0, 1);

	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 5), 0);
	CHECK_SIM(T.sim);
	/* §7.6 step 6: a page-cache page in a private VMA is copied;
	 * MM_SHMEMPAGES -1, MM_ANONPAGES +1; the cache page is unmapped. */
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(t_vma(T.mm, 0)->anon_vma), 0, 1, 1,
		    ANON_PAGE_FLAGS);
	ASSERT_PTE(T.mm, BASE, 2, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, f, 0, 0, 1, SHMEM_PAGE_FLAGS);
	ck_assert_uint_eq(content(1), 0);
	ck_assert_uint_eq(content(2), 5);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_COW_COPY, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FILE_MAPPED, -1 },
		      { NR_FREE_PAGES, -1 }, { SIM_ANON_VMA_ALLOC, 1 });
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(test_segv_maperr_outside_every_vma)
{
	struct t_mm_snap before;
	struct t_vmstat v0;
	uint64_t val;

	/*  BASE     +1
	 *  |-- V --|        accesses at BASE+1 page (above) and BASE-1 page */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_MAPERR at 0x40001000");
	ck_assert_int_eq(access_write(T.mm, BASE - PG, 1), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_MAPERR at 0x3ffff000");
	/* bad_area before handle_mm_fault: no pgfault, nothing mapped. */
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 2 });
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_ptr_null(T.mm->pgd);
}
END_TEST

START_TEST(test_segv_accerr_write_to_read_only)
{
	struct t_mm_snap before;
	struct t_vmstat v0;
	uint64_t val;

	MAP_FIXED_ANON(T.mm, BASE, 2, RO, 0);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), -EACCES);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_ACCERR at 0x40000000");
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 1 });
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 0);

	/* A read works (zero page); a write to the now-present PTE is still
	 * an access error (access_error runs before any fault). */
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), -EACCES);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 0, PTE_ZERO);
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 1 });
}
END_TEST

START_TEST(test_segv_accerr_prot_none)
{
	struct t_mm_snap before;
	struct t_vmstat v0;
	uint64_t val;

	MAP_FIXED_ANON(T.mm, BASE, 2, PROT_NONE, 0);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), -EACCES);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), -EACCES);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(access_touch(T.mm, BASE, 2 * PG, false), -EACCES);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_ACCERR at 0x40000000");
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 3 });
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_ptr_null(T.mm->pgd);
}
END_TEST

START_TEST(test_sigbus_past_eof)
{
	struct t_mm_snap before;
	struct t_vmstat v0;
	struct inode *f;
	uint64_t val;

	/* /f is 4097 bytes: pages 0 and 1 exist (index < ceil(4097/4096) = 2).
	 *  BASE                    +4
	 *  |-- F rw-s /f ----------|   read BASE+1 page: fine; BASE+2: SIGBUS */
	f = t_file(T.sim, "/f", PG + 1);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 4 * PG, RW, MAP_SHARED | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 1, f, 1, 1, 2, SHMEM_PAGE_FLAGS);

	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, BASE + 2 * PG, &val), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGBUS BUS_ADRERR at 0x40002000");
	ck_assert_int_eq(access_write(T.mm, BASE + 3 * PG, 1), -EFAULT);
	CHECK_SIM(T.sim);
	/* handle_mm_fault was entered: pgfault counts; nothing cached. */
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 2 }, { SIM_SIGBUS, 2 });
	ck_assert_ptr_null(find_get_page(T.sim, f, 2));
	ck_assert_uint_eq(f->nrpages, 1);
	ASSERT_PTE_NONE(T.mm, BASE + 2 * PG);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_sigbus_private_write_leaves_no_anon_vma)
{
	struct t_mm_snap before;
	struct t_vmstat v0;

	/* v5.15's do_cow_fault prepares the anon_vma before shmem_fault
	 * reports SIGBUS; rmapfs changes nothing on a failed access
	 * (docs/commands.md). */
	t_file(T.sim, "/f", PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/f", 0), (long)BASE);
	CHECK_SIM(T.sim);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), -EFAULT);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_ptr_null(t_vma(T.mm, 0)->anon_vma);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_SIGBUS, 1 });
}
END_TEST

START_TEST(test_touch_fails_whole_range_on_first_bad_page)
{
	struct t_mm_snap before;
	struct t_vmstat v0;

	/*  BASE          +2     +3      +4
	 *  |-- A rw- ----|      |-- B --|     touch [BASE, BASE+4): the
	 * page at +2 would SIGSEGV: no page is touched. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 1, RO, 0);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_MAPERR at 0x40002000");
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_ptr_null(T.mm->pgd);
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 1 });
}
END_TEST

START_TEST(test_access_error_dmesg_line)
{
	struct strbuf res = STRBUF_INIT;

	/* Command 1 was the fixture's spawn. */
	ck_assert_int_eq(t_exec(T.sim, &res, "read 1 0x40000000"), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->last_err.buf,
			 "[     2] read 1 0x40000000: EFAULT "
			 "(SIGSEGV SEGV_MAPERR at 0x40000000)");
	MAP_FIXED_ANON(T.mm, BASE, 1, RO, 0);
	ck_assert_int_eq(t_exec(T.sim, &res, "write 1 0x40000008 1"), -EACCES);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->last_err.buf,
			 "[     3] write 1 0x40000008 1: EACCES "
			 "(SIGSEGV SEGV_ACCERR at 0x40000008)");
	strbuf_release(&res);
}
END_TEST

/* ------------------------------------------------------ stack growth */

#define STACK	(BASE + 64 * MiB)
#define STACK_FLAGS	(ANON_FLAGS(RW) | VM_GROWSDOWN)

START_TEST(test_stack_grows_below_growsdown_vma)
{
	struct t_vmstat v0;
	struct vm_area_struct *v;
	uint64_t val;

	/*          S-10           S              S+4
	 *          |  (read here) |-- G rw- gd --|
	 * S8: touching S - 40960 grows G by 10 pages. */
	MAP_FIXED_ANON(T.mm, STACK, 4, RW, MAP_GROWSDOWN);
	v = t_vma(T.mm, 0);
	ASSERT_VM_STAT(T.mm, 4, 0, 0, 4);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, STACK - 10 * PG, &val), 0);
	CHECK_SIM(T.sim);

	ASSERT_VMAS(T.mm, { STACK - 10 * PG, STACK + 4 * PG, PFN(STACK) - 10, STACK_FLAGS });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ASSERT_VM_STAT(T.mm, 14, 0, 0, 14);	/* VmStk +40 kB */
	/* expand_downwards prepared the anon_vma; the read itself then
	 * mapped the zero page. */
	ASSERT_AV(v->anon_vma, 2, 1);
	ck_assert_uint_eq(t_nr_avcs(v), 1);
	ASSERT_PTE(T.mm, STACK - 10 * PG, 0, PTE_ZERO);
	ASSERT_RSS(T.mm, 0, 0, 0);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ZERO_MAP, 1 },
		      { SIM_ANON_VMA_ALLOC, 1 }, { NR_PAGETABLE, 2 });

	/* A write further down grows again and faults a page there. */
	ck_assert_int_eq(access_write(T.mm, STACK - 12 * PG, 3), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { STACK - 12 * PG, STACK + 4 * PG, PFN(STACK) - 12, STACK_FLAGS });
	ASSERT_VM_STAT(T.mm, 16, 0, 0, 16);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(v->anon_vma), PFN(STACK - 12 * PG), 1, 1,
		    ANON_PAGE_FLAGS);
	ASSERT_AV(v->anon_vma, 2, 1);
}
END_TEST

/*  A ends at X = S - 1 MiB - 9 pages:
 *  S-1M-16  X                      S-10  S-9   S              S+4
 *  |-- A --|       (~1 MiB)          |     |     |-- G rw- gd --|      */
static void guard_layout(unsigned long prot_a)
{
	MAP_FIXED_ANON(T.mm, STACK - MiB - 16 * PG, 7, prot_a, 0);
	MAP_FIXED_ANON(T.mm, STACK, 4, RW, MAP_GROWSDOWN);
}

START_TEST(test_stack_growth_refused_within_guard_gap)
{
	struct t_mm_snap before;
	struct t_vmstat v0;
	uint64_t val;

	/* S-10 pages - X = 1 MiB - 1 page < stack_guard_gap: refused,
	 * SEGV_MAPERR, nothing changed. */
	guard_layout(RW);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_read(T.mm, STACK - 10 * PG, &val), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_MAPERR at 0x43ff6000");
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_ptr_null(t_vma(T.mm, 1)->anon_vma);
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 1 });
	ck_assert_ptr_null(T.mm->pgd);
}
END_TEST

START_TEST(test_stack_growth_allowed_at_guard_gap)
{
	uint64_t val;

	/* S-9 pages - X = 1 MiB exactly: allowed (>= stack_guard_gap). */
	guard_layout(RW);
	ck_assert_int_eq(access_read(T.mm, STACK - 9 * PG, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm,
		    { STACK - MiB - 16 * PG, STACK - MiB - 9 * PG,
		      PFN(STACK - MiB - 16 * PG), ANON_FLAGS(RW) },
		    { STACK - 9 * PG, STACK + 4 * PG, PFN(STACK) - 9, STACK_FLAGS });
	ASSERT_VM_STAT(T.mm, 7 + 13, 7, 0, 13);
}
END_TEST

START_TEST(test_stack_growth_allowed_above_prot_none)
{
	uint64_t val;

	/* A PROT_NONE neighbour does not enforce the gap (§4.12 step 2). */
	guard_layout(PROT_NONE);
	ck_assert_int_eq(access_read(T.mm, STACK - 10 * PG, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm,
		    { STACK - MiB - 16 * PG, STACK - MiB - 9 * PG,
		      PFN(STACK - MiB - 16 * PG), ANON_FLAGS(PROT_NONE) },
		    { STACK - 10 * PG, STACK + 4 * PG, PFN(STACK) - 10, STACK_FLAGS });
	ASSERT_VM_STAT(T.mm, 7 + 14, 0, 0, 14);
	ASSERT_AV(t_vma(T.mm, 1)->anon_vma, 2, 1);
}
END_TEST

/* Replace the fixture's machine by one of @frames frames, pid 1. */
static void machine(unsigned long frames)
{
	struct sim_options o = { .frames = frames };

	sim_free(T.sim);
	T.sim = sim_new(&o);
	ck_assert_ptr_nonnull(T.sim);
	T.pid = t_spawn(T.sim);
	T.mm = t_mm(T.sim, T.pid);
	CHECK_SIM(T.sim);
}

START_TEST(test_stack_growth_limited_by_rlimit_stack)
{
	struct t_mm_snap before;
	uint64_t val;

	/* acct_stack_growth: vm_end - address may not exceed RLIMIT_STACK
	 * (8 MiB). 4096 frames, so the overcommit check (grow <= frames)
	 * is not what stops it. */
	machine(4096);
	MAP_FIXED_ANON(T.mm, STACK, 4, RW, MAP_GROWSDOWN);
	t_snap(&before, T.mm);
	ck_assert_int_eq(access_read(T.mm, STACK + 4 * PG - 8 * MiB - PG, &val), -EFAULT);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_int_eq(access_read(T.mm, STACK + 4 * PG - 8 * MiB, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { STACK + 4 * PG - 8 * MiB, STACK + 4 * PG,
			    PFN(STACK) + 4 - 2048, STACK_FLAGS });
	ASSERT_VM_STAT(T.mm, 2048, 0, 0, 2048);
}
END_TEST

START_TEST(test_stack_growth_refused_below_mmap_min_addr)
{
	struct t_mm_snap before;
	uint64_t val;

	/*  0xf000 | 0x10000 (mmap_min_addr) ... 0x20000 |-- G rw- gd --| */
	MAP_FIXED_ANON(T.mm, 0x20000, 1, RW, MAP_GROWSDOWN);
	t_snap(&before, T.mm);
	ck_assert_int_eq(access_read(T.mm, 0xf000, &val), -EFAULT);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(T.sim->fault_cause, "SIGSEGV SEGV_MAPERR at 0xf000");
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_int_eq(access_read(T.mm, 0x10000, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { 0x10000, 0x21000, 0x10, STACK_FLAGS });
}
END_TEST

START_TEST(test_write_below_read_only_growsdown_changes_nothing)
{
	struct t_mm_snap before;
	struct t_vmstat v0;

	/* v5.15's x86 fault path grows the stack before access_error and
	 * keeps the growth when the write is then refused (SEGV_ACCERR);
	 * rmapfs checks first and changes nothing (docs/commands.md: a
	 * failed access changes nothing). */
	MAP_FIXED_ANON(T.mm, STACK, 4, RO, MAP_GROWSDOWN);
	t_snap(&before, T.mm);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, STACK - PG, 1), -EACCES);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
	ASSERT_VMSTAT(T.sim, &v0, { SIM_SEGV, 1 });
}
END_TEST

static Suite *fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc;

	tc = t_tcase("do_anonymous_page");
	tcase_add_test(tc, test_anon_read_maps_zero_page);
	tcase_add_test(tc, test_anon_read_of_mapped_page_does_not_fault);
	tcase_add_test(tc, test_anon_write_allocates_lowest_free_pfn);
	tcase_add_test(tc, test_anon_write_second_page_in_same_pte_table);
	tcase_add_test(tc, test_anon_write_after_read_copies_zero_page);
	tcase_add_test(tc, test_read_of_exec_only_vma_maps_zero_page);
	tcase_add_test(tc, test_access_to_old_pte_sets_accessed_without_fault);
	tcase_add_test(tc, test_map_populate_write_faults_private_writable);
	tcase_add_test(tc, test_map_populate_prot_none_raises_no_signal);
	tcase_add_test(tc, test_map_populate_past_eof_raises_no_signal);
	suite_add_tcase(s, tc);

	tc = t_tcase("do_wp_page");
	tcase_add_test(tc, test_wp_copy_in_child_files_page_under_child_anon_vma);
	tcase_add_test(tc, test_wp_copy_in_parent_files_page_under_parent_anon_vma);
	tcase_add_test(tc, test_wp_reuse_after_child_exit);
	tcase_add_test(tc, test_wp_reuse_keeps_anon_vma_of_exited_parent);
	tcase_add_test(tc, test_wp_zero_page_in_child_copies_under_child_anon_vma);
	suite_add_tcase(s, tc);

	tc = t_tcase("do_fault");
	tcase_add_test(tc, test_shared_anon_read_creates_cache_page);
	tcase_add_test(tc, test_shared_anon_write_through_writable_pte_does_not_fault);
	tcase_add_test(tc, test_shared_anon_write_fault_dirties_page);
	tcase_add_test(tc, test_fault_around_maps_cached_neighbours);
	tcase_add_test(tc, test_fault_around_clipped_to_vma);
	tcase_add_test(tc, test_fault_around_clipped_to_pte_table);
	tcase_add_test(tc, test_fault_around_then_fault_in_the_page);
	tcase_add_test(tc, test_private_file_write_is_cow_fault);
	tcase_add_test(tc, test_private_file_cow_fault_allocates_copy_first);
	tcase_add_test(tc, test_private_file_read_then_write_copies);
	suite_add_tcase(s, tc);

	tc = t_tcase("errors");
	tcase_add_test(tc, test_segv_maperr_outside_every_vma);
	tcase_add_test(tc, test_segv_accerr_write_to_read_only);
	tcase_add_test(tc, test_segv_accerr_prot_none);
	tcase_add_test(tc, test_sigbus_past_eof);
	tcase_add_test(tc, test_sigbus_private_write_leaves_no_anon_vma);
	tcase_add_test(tc, test_touch_fails_whole_range_on_first_bad_page);
	tcase_add_test(tc, test_access_error_dmesg_line);
	suite_add_tcase(s, tc);

	tc = t_tcase("stack");
	tcase_add_test(tc, test_stack_grows_below_growsdown_vma);
	tcase_add_test(tc, test_stack_growth_refused_within_guard_gap);
	tcase_add_test(tc, test_stack_growth_allowed_at_guard_gap);
	tcase_add_test(tc, test_stack_growth_allowed_above_prot_none);
	tcase_add_test(tc, test_stack_growth_limited_by_rlimit_stack);
	tcase_add_test(tc, test_stack_growth_refused_below_mmap_min_addr);
	tcase_add_test(tc, test_write_below_read_only_growsdown_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(fault_suite());
}
