/* tests/unit/test_pgtable.c - the page-table side of the core: table
 * allocation and VmPTE (core/pgtable.c, kernel-spec §3.1.2), zapping on
 * munmap and exit (§8.4, §8.7), free_pgtables' floor/ceiling rules
 * (§8.5), change_protection after mprotect (§4.10, §7.6, S1 5-7) and
 * fork's copy_page_range (§8.3, S2 1), all as v5.15 mm/memory.c and
 * mm/mprotect.c do them on x86-64 with 4-level tables.
 *
 * Table sizes: a PTE table covers 2 MiB, a PMD table 1 GiB, a PUD table
 * 512 GiB; each counts 4 KiB of VmPTE; PMD and PTE tables also count in
 * nr_page_table_pages; the PGD counts in neither. BASE is 1 GiB aligned.
 * pfn 0 is the zero page, so the Nth page allocated is pfn N.
 */
#include <stdio.h>

#include "testlib.h"

#define MiB		(1UL << 20)
#define GiB		(1UL << 30)
#define PMD_SPAN	(2 * MiB)
#define PUD_SPAN	GiB
#define PGD_SPAN	(512 * GiB)
#define OLD(bits)	((bits) & ~(pte_t)_PAGE_ACCESSED)
#define SHARED_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY)

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

/* A one-page private rw- mapping at @addr with @value written to it. */
static void written_page(unsigned long addr, uint64_t value)
{
	MAP_FIXED_ANON(T.mm, addr, 1, RW, 0);
	ck_assert_int_eq(access_write(T.mm, addr, value), 0);
	CHECK_SIM(T.sim);
}

/* Does /PID/status hold @line? */
static bool status_has(int pid, const char *line)
{
	struct strbuf out = STRBUF_INIT;
	char path[32];
	bool found;

	snprintf(path, sizeof(path), "/%d/status", pid);
	ck_assert_int_eq(vfs_render(T.sim, path, &out), 0);
	found = out.len && strstr(out.buf, line);
	strbuf_release(&out);
	return found;
}

/* ---------------------------------------------------- tables and VmPTE */

struct level_count {
	int n[4];
};

static void count_levels(int level, const int idx[4], unsigned long addr,
			 uint64_t entry, void *arg)
{
	struct level_count *c = arg;

	(void)idx;
	(void)addr;
	(void)entry;
	c->n[level]++;
}

START_TEST(test_vmpte_first_fault_adds_pud_pmd_pte_not_pgd)
{
	struct level_count c = { { 0 } };
	struct t_vmstat v0;

	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	ck_assert_ptr_null(T.mm->pgd);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	CHECK_SIM(T.sim);
	/* One entry in each of PGD, PUD, PMD pointing to the next table,
	 * one PTE: the PUD, PMD and PTE tables are 12 kB of VmPTE. */
	ck_assert_ptr_nonnull(T.mm->pgd);
	walk_pgtables(T.mm, count_levels, &c);
	ck_assert_int_eq(c.n[0], 1);
	ck_assert_int_eq(c.n[1], 1);
	ck_assert_int_eq(c.n[2], 1);
	ck_assert_int_eq(c.n[3], 1);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_uint_eq(T.sim->nr_pgtables, 2);
	ck_assert(status_has(1, "VmPTE:\t      12 kB\n"));
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { SIM_ANON_FAULT, 1 },
		      { NR_ANON_MAPPED, 1 }, { NR_FREE_PAGES, -1 },
		      { NR_PAGETABLE, 2 }, { SIM_ANON_VMA_ALLOC, 1 });
}
END_TEST

START_TEST(test_vmpte_new_2mib_block_adds_pte_table)
{
	/*  BASE   +1 ... BASE+2M  +1
	 *  |-- A --|     |-- B --|   both written: two PTE tables, one PMD */
	written_page(BASE, 1);
	written_page(BASE + PMD_SPAN, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 4 * PG);	/* 12 + 4 kB */
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 3);
}
END_TEST

START_TEST(test_vmpte_new_1gib_block_adds_pmd_and_pte_tables)
{
	written_page(BASE, 1);
	written_page(BASE + PUD_SPAN, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 5 * PG);	/* 12 + 8 kB */
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 4);
}
END_TEST

START_TEST(test_vmpte_new_512gib_block_adds_pud_pmd_pte_tables)
{
	written_page(BASE, 1);
	written_page(PGD_SPAN, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 6 * PG);	/* 12 + 12 kB */
	/* PUD tables are not in nr_page_table_pages in v5.15. */
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 4);
}
END_TEST

/* ---------------------------------------------------------------- zap */

START_TEST(test_munmap_frees_pages_nobody_else_maps)
{
	struct t_vmstat v0;
	struct anon_vma *av;

	/*  BASE                      +4
	 *  |-- V rw- pfn 1 2 3 4 ----|   munmap [BASE+1, BASE+3) */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	av = t_vma(T.mm, 0)->anon_vma;
	ASSERT_RSS(T.mm, 4, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 0);	/* rss never went down */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE + PG, 2 * PG), 0);
	CHECK_SIM(T.sim);

	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 3 * PG, BASE + 4 * PG, PFN(BASE) + 3, ANON_FLAGS(RW) });
	/* refcount 1 -> 0: the frames are free again. */
	ASSERT_PAGE_FREE(T.sim, 2);
	ASSERT_PAGE_FREE(T.sim, 3);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PAGE(T.sim, 4, ANON_MAPPING(av), PFN(BASE) + 3, 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE_NONE(T.mm, BASE + PG);
	ASSERT_PTE_NONE(T.mm, BASE + 2 * PG);
	ASSERT_RSS(T.mm, 2, 0, 0);
	/* update_hiwater_rss ran before the zap: the peak of 4 pages. */
	ck_assert_uint_eq(T.mm->hiwater_rss, 4);
	ck_assert(status_has(1, "VmHWM:\t      16 kB\nVmRSS:\t       8 kB\n"));
	/* Same PTE table as the neighbours: no table freed. */
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, -2 }, { NR_FREE_PAGES, 2 });

	/* The next page allocated is the lowest free frame: pfn 2. */
	written_page(BASE + 8 * PG, 5);
	ASSERT_PTE(T.mm, BASE + 8 * PG, 2, PTE_ANON_RW);
}
END_TEST

START_TEST(test_munmap_keeps_page_another_process_maps)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct anon_vma *av0;

	/* P and C map X after fork; P unmaps it: one mapping and one
	 * reference less, still mapped (nr_anon_pages unchanged). */
	written_page(BASE, 1);
	av0 = t_vma(T.mm, 0)->anon_vma;
	cmm = t_mm(T.sim, fork_of(1));
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE, PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_RSS(T.mm, 0, 0, 0);
	ASSERT_RSS(cmm, 1, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 1);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 0);
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO | PTE_MKDIRTY));
	ASSERT_VMSTAT(T.sim, &v0, { NR_PAGETABLE, -2 });
}
END_TEST

START_TEST(test_zap_dirties_and_marks_file_page_accessed)
{
	struct t_vmstat v0;
	struct inode *f;
	uint64_t val;

	/*  |-- F rw-s /f --|  read (PTE young, clean, RW), then a store
	 * through it (hardware dirty bit), then munmap. */
	f = t_file(T.sim, "/f", PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, PG, RW, MAP_SHARED | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 3), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 1, f, 0, 1, 2, SHMEM_PAGE_FLAGS);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE, PG), 0);
	CHECK_SIM(T.sim);
	/* zap_pte_range: dirty PTE -> set_page_dirty; young PTE ->
	 * mark_page_accessed (PG_referenced). The cache keeps the page. */
	ASSERT_PAGE(T.sim, 1, f, 0, 0, 1,
		    SHMEM_PAGE_FLAGS | PGF(PG_dirty) | PGF(PG_referenced));
	ck_assert_uint_eq(pfn_to_page(T.sim, 1)->content, 3);
	ASSERT_RSS(T.mm, 0, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 1);
	ASSERT_VMSTAT(T.sim, &v0, { NR_FILE_MAPPED, -1 }, { NR_PAGETABLE, -2 });

	/* A second young unmap: mark_page_accessed promotes to active and
	 * clears referenced. */
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, PG, RO, MAP_SHARED | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	ck_assert_uint_eq(val, 3);
	ck_assert_int_eq(do_munmap(T.mm, BASE, PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 1, f, 0, 0, 1,
		    SHMEM_PAGE_FLAGS | PGF(PG_dirty) | PGF(PG_active));
}
END_TEST

START_TEST(test_zap_of_zero_page_pte_counts_nothing)
{
	struct t_vmstat v0;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 2 * PG, false), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 2 * PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 0, 0, 0, 0, 1, PGF(PG_reserved) | PGF(PG_uptodate));
	ASSERT_RSS(T.mm, 0, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 0);
	ASSERT_VMSTAT(T.sim, &v0, { NR_PAGETABLE, -2 });
}
END_TEST

START_TEST(test_munmap_of_prot_none_ptes_frees_pages)
{
	struct t_vmstat v0;

	/* PROT_NONE PTEs are pte_present: zap treats them as mapped. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 2 * PG, true), 0);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, 2 * PG, PROT_NONE), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 2 * PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE_FREE(T.sim, 1);
	ASSERT_PAGE_FREE(T.sim, 2);
	ASSERT_RSS(T.mm, 0, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 2);
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, -2 }, { NR_FREE_PAGES, 2 },
		      { NR_PAGETABLE, -2 });
}
END_TEST

START_TEST(test_mmap_fixed_over_populated_page_zaps_it)
{
	struct t_vmstat v0;

	/*  |-- V rw-: pfn 1 2 3 4 --|  MAP_FIXED r-- over the second page:
	 * mmap_region unmaps first (zap, hiwater), then the new VMA. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	MAP_FIXED_ANON(T.mm, BASE + PG, 1, RO, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE) + 1, ANON_FLAGS(RO) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE) + 2, ANON_FLAGS(RW) });
	ASSERT_PAGE_FREE(T.sim, 2);
	ASSERT_PTE_NONE(T.mm, BASE + PG);
	ck_assert_ptr_null(t_vma(T.mm, 1)->anon_vma);
	ASSERT_RSS(T.mm, 3, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 4);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, -1 }, { NR_FREE_PAGES, 1 });
}
END_TEST

START_TEST(test_exit_frees_pages_tables_and_anon_vmas)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct inode *f;
	uint64_t val;

	/*  BASE            +2        BASE+2M   +1     BASE+1G  +2
	 *  |-- A rw- X Y --|         |-- S rw-s --|   |-- F rw-p /f --|
	 * A: two anon pages; S: one shmem page; F: a read file page and a
	 * private copy of another. Then fork; the child writes X (copy). */
	f = t_file(T.sim, "/f", 2 * PG);
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 2 * PG, true), 0);	/* pfn 1, 2 */
	ck_assert_int_eq(do_mmap(T.mm, BASE + PMD_SPAN, PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)(BASE + PMD_SPAN));
	ck_assert_int_eq(access_write(T.mm, BASE + PMD_SPAN, 1), 0);	/* pfn 3 */
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + GiB, 2 * PG, RW,
				     MAP_PRIVATE | MAP_FIXED, "/f", 0),
			 (long)(BASE + GiB));
	ck_assert_int_eq(access_read(T.mm, BASE + GiB, &val), 0);	/* pfn 4 */
	ck_assert_int_eq(access_write(T.mm, BASE + GiB + PG, 1), 0);	/* 5, 6 */
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 6 * PG);	/* 3 + 1 + 2 */
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 5);
	ASSERT_RSS(T.mm, 3, 0, 2);

	cmm = t_mm(T.sim, fork_of(1));
	/* Copied: A and F (they have anon_vmas), not S. */
	ASSERT_RSS(cmm, 3, 0, 1);
	ck_assert_uint_eq(cmm->pgtables_bytes, 5 * PG);	/* A's 3, F's PMD + PTE */
	ck_assert_int_eq(access_write(cmm, BASE, 7), 0);		/* pfn 7 */
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 4);	/* A, F and their copies */

	/* The child's exit: its own page (pfn 7) is freed, the rest lose a
	 * mapping; its tables and its two anon_vmas go. */
	t_vmstat_snap(&v0, T.sim);
	T_CMD(T.sim, "exit 2");
	ASSERT_PAGE_FREE(T.sim, 7);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 1)), 1);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 4)), 1);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 2);
	ck_assert_uint_eq(T.sim->nr_avcs, 2);
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, -1 }, { NR_FREE_PAGES, 1 },
		      { NR_PAGETABLE, -4 });

	/* The parent's exit: every frame but the two cached pages of /f
	 * (pfn 4 and 6; the namespace keeps /f) is free; no tables,
	 * anon_vmas, AVCs or VMAs are left. */
	T_CMD(T.sim, "exit 1");
	T.mm = NULL;
	ck_assert_uint_eq(nr_free_frames(T.sim), 1023 - 2);
	ASSERT_PAGE(T.sim, 4, f, 0, 0, 1, SHMEM_PAGE_FLAGS | PGF(PG_referenced));
	ASSERT_PAGE(T.sim, 6, f, 1, 0, 1, SHMEM_PAGE_FLAGS);
	ck_assert_uint_eq(T.sim->vmstat[NR_ANON_MAPPED], 0);
	ck_assert_uint_eq(T.sim->vmstat[NR_FILE_MAPPED], 0);
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 0);
	ck_assert_uint_eq(T.sim->vmstat[NR_SHMEM], 2);
	ck_assert_uint_eq(T.sim->nr_pgtables, 0);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 0);
	ck_assert_uint_eq(T.sim->nr_avcs, 0);
	ck_assert_uint_eq(T.sim->nr_vmas, 0);
}
END_TEST

/* ----------------------------------------------------- free_pgtables */

START_TEST(test_munmap_middle_page_keeps_pte_table)
{
	struct t_vmstat v0;

	/*  BASE                                           BASE+2M
	 *  |-- V rw-, 512 pages all written (pfn 1..512) --|
	 * S3 inside a full PTE table: munmap page 100. floor = BASE+100
	 * pages and ceiling = BASE+101 pages lie inside the same 2 MiB, so
	 * free_pgd_range rounds to nothing. */
	MAP_FIXED_ANON(T.mm, BASE, 512, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, PMD_SPAN, true), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE + 100 * PG, PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 100 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 101 * PG, BASE + PMD_SPAN, PFN(BASE) + 101, ANON_FLAGS(RW) });
	ck_assert_ptr_nonnull(pte_offset(T.mm, BASE + 100 * PG));
	ASSERT_PTE_NONE(T.mm, BASE + 100 * PG);
	ASSERT_PAGE_FREE(T.sim, 101);
	ASSERT_RSS(T.mm, 511, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_rss, 512);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, -1 }, { NR_FREE_PAGES, 1 });
}
END_TEST

START_TEST(test_munmap_all_without_neighbours_frees_every_table)
{
	struct t_vmstat v0;

	/* floor 0, ceiling 0 (the top): PTE, PMD and PUD tables all go;
	 * the PGD stays until the mm is torn down. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_munmap(T.mm, BASE, 4 * PG), 0);
	CHECK_SIM(T.sim);
	ASSERT_NO_VMAS(T.mm);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 0);
	ck_assert_ptr_null(pte_offset(T.mm, BASE));
	ck_assert_ptr_nonnull(T.mm->pgd);
	ck_assert(status_has(1, "VmPTE:\t       0 kB\n"));
	ASSERT_VMSTAT(T.sim, &v0, { NR_ANON_MAPPED, -4 }, { NR_FREE_PAGES, 4 },
		      { NR_PAGETABLE, -2 });
}
END_TEST

START_TEST(test_munmap_neighbour_in_same_pte_table_keeps_all)
{
	/*  BASE  +1         BASE+1M  +1
	 *  |-- A --|         |-- B --|     munmap B: floor = BASE+1 page
	 * rounds up to BASE+2M, above B's end: nothing freed. */
	written_page(BASE, 1);
	written_page(BASE + MiB, 2);
	ck_assert_int_eq(do_munmap(T.mm, BASE + MiB, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_ptr_nonnull(pte_offset(T.mm, BASE + MiB));
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 2);
}
END_TEST

START_TEST(test_munmap_neighbour_in_same_pmd_table_frees_pte_table)
{
	/*  BASE  +1      BASE+2M  +1
	 *  |-- A --|     |-- B --|     munmap B: B's PTE table lies in
	 * [floor, top); its PMD table's 1 GiB starts at BASE < floor: kept. */
	written_page(BASE, 1);
	written_page(BASE + PMD_SPAN, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 4 * PG);
	ck_assert_int_eq(do_munmap(T.mm, BASE + PMD_SPAN, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_ptr_null(pte_offset(T.mm, BASE + PMD_SPAN));
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 2);
}
END_TEST

START_TEST(test_munmap_neighbour_in_same_pud_table_frees_pte_and_pmd_tables)
{
	/*  BASE  +1      BASE+1G  +1
	 *  |-- A --|     |-- B --|     munmap B: its PMD table's 1 GiB
	 * starts at BASE+1G >= floor: freed; the PUD table's 512 GiB starts
	 * at 0 < floor: kept. */
	written_page(BASE, 1);
	written_page(BASE + PUD_SPAN, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 5 * PG);
	ck_assert_int_eq(do_munmap(T.mm, BASE + PUD_SPAN, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 2);
}
END_TEST

START_TEST(test_munmap_neighbour_in_other_pgd_entry_frees_three_tables)
{
	/*  BASE  +1      512G  +1
	 *  |-- A --|     |-- B --|     munmap B: its PUD table's 512 GiB
	 * starts at 512G >= floor: PTE, PMD and PUD tables all freed. */
	written_page(BASE, 1);
	written_page(PGD_SPAN, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 6 * PG);
	ck_assert_int_eq(do_munmap(T.mm, PGD_SPAN, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 2);
}
END_TEST

START_TEST(test_munmap_below_far_neighbour_frees_three_tables)
{
	/*  BASE  +1      512G  +1
	 *  |-- A --|     |-- B --|     munmap A: floor 0, ceiling 512G:
	 * A's PTE, PMD and PUD tables all end at or below the ceiling. */
	written_page(BASE, 1);
	written_page(PGD_SPAN, 2);
	ck_assert_int_eq(do_munmap(T.mm, BASE, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_ptr_null(pte_offset(T.mm, BASE));
	ck_assert_ptr_nonnull(pte_offset(T.mm, PGD_SPAN));
}
END_TEST

START_TEST(test_munmap_ceiling_in_same_pud_keeps_pmd_table)
{
	/*  BASE  +1      BASE+2M+1  +1
	 *  |-- A --|     |-- B ----|     munmap A: ceiling = B's start,
	 * rounded down to BASE+2M: A's PTE table goes; the PMD table's
	 * ceiling rounds to BASE (end - 1 > BASE - 1: kept); the PUD's
	 * rounds to 0 (kept). */
	written_page(BASE, 1);
	written_page(BASE + PMD_SPAN + PG, 2);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 4 * PG);
	ck_assert_int_eq(do_munmap(T.mm, BASE, PG), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_ptr_null(pte_offset(T.mm, BASE));
	ck_assert_uint_eq(T.sim->vmstat[NR_PAGETABLE], 2);
}
END_TEST

/* ------------------------------------------------ change_protection */

START_TEST(test_mprotect_ro_write_protects_keeping_pfn_and_bits)
{
	struct t_vmstat v0;
	struct anon_vma *av;
	uint64_t val;

	/*  |-- V rw-: [0] zero page, [1] X (pfn 1), [2] [3] none --|  -> r-- */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), 0);
	CHECK_SIM(T.sim);
	av = t_vma(T.mm, 0)->anon_vma;
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, 4 * PG, RO), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) & ~VM_WRITE });
	/* pte_modify: pfn, accessed, dirty, soft-dirty kept; RW gone. */
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_RO | PTE_MKDIRTY);
	ASSERT_PTE(T.mm, BASE, 0, PTE_ZERO);
	ASSERT_PTE_NONE(T.mm, BASE + 2 * PG);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av), PFN(BASE) + 1, 1, 1, ANON_PAGE_FLAGS);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

START_TEST(test_mprotect_rw_leaves_private_ptes_write_protected)
{
	struct t_vmstat v0;
	struct anon_vma *av;
	uint64_t val;

	/* S1 steps 2-7.
	 *  BASE                           +4
	 *  |-- V rw-: X0 X1 zero none ----|    X1 = pfn 1, X0 = pfn 2 */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 1), 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 0), 0);
	ck_assert_int_eq(access_read(T.mm, BASE + 2 * PG, &val), 0);
	CHECK_SIM(T.sim);
	av = t_vma(T.mm, 0)->anon_vma;
	ASSERT_PTE(T.mm, BASE, 2, PTE_ANON_RW);

	/* step 5: |-- rw- --|-- r-- --|-- rw- ----|  AV degree 4, 3 AVCs */
	ck_assert_int_eq(do_mprotect(T.mm, BASE + PG, PG, RO), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE) + 1, ANON_FLAGS(RW) & ~VM_WRITE },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE) + 2, ANON_FLAGS(RW) });
	ASSERT_AV(av, 4, 1);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_RO | PTE_MKDIRTY);
	ASSERT_PTE(T.mm, BASE, 2, PTE_ANON_RW);

	/* step 6: merged back; X1's PTE stays read-only (PAGE_COPY). */
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_mprotect(T.mm, BASE + PG, PG, RW), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ASSERT_AV(av, 2, 1);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_RO | PTE_MKDIRTY);
	ASSERT_PTE(T.mm, BASE, 2, PTE_ANON_RW);
	ASSERT_PTE(T.mm, BASE + 2 * PG, 0, PTE_ZERO);
	ASSERT_RSS(T.mm, 2, 0, 0);
	ASSERT_VMSTAT_SAME(T.sim, &v0);

	/* step 7: the write is a reuse fault: same pfn, pgreuse +1. */
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 2), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av), PFN(BASE) + 1, 1, 1, ANON_PAGE_FLAGS);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { PGREUSE, 1 });
}
END_TEST

START_TEST(test_mprotect_none_keeps_ptes_present)
{
	struct t_vmstat v0;
	uint64_t val;

	/*  |-- V rw-: [0] X pfn 1, [1] zero page --|  -> --- */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, 2 * PG, PROT_NONE), 0);
	CHECK_SIM(T.sim);
	/* PAGE_NONE: PROTNONE + accessed; not present to the CPU but
	 * pte_present(); pfn, dirty, soft-dirty, special kept. */
	ASSERT_PTE(T.mm, BASE, 1, PTE_NONE_PROT | PTE_MKDIRTY);
	ASSERT_PTE(T.mm, BASE + PG, 0, PTE_NONE_PROT | _PAGE_SPECIAL);
	ck_assert(pte_present(t_pte(T.mm, BASE)));
	ck_assert(!(t_pte(T.mm, BASE) & _PAGE_PRESENT));
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(t_vma(T.mm, 0)->anon_vma), PFN(BASE), 1, 1,
		    ANON_PAGE_FLAGS);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), -EACCES);
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_mprotect_none_then_rw_restores_private_read_only_ptes)
{
	struct t_vmstat v0;
	uint64_t val;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), 0);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, 2 * PG, PROT_NONE), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, 2 * PG, RW), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO | PTE_MKDIRTY);
	ASSERT_PTE(T.mm, BASE + PG, 0, PTE_ZERO);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
	ck_assert_int_eq(access_write(T.mm, BASE, 2), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_VMSTAT(T.sim, &v0, { PGFAULT, 1 }, { PGREUSE, 1 });
}
END_TEST

START_TEST(test_mprotect_keeps_old_pte_old)
{
	struct mm_struct *cmm;

	/* fork leaves the child's PTE old; pte_modify keeps the old
	 * accessed bit rather than taking the protection's. */
	written_page(BASE, 1);
	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO | PTE_MKDIRTY));
	ck_assert_int_eq(do_mprotect(cmm, BASE, PG, RO), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO | PTE_MKDIRTY));
}
END_TEST

START_TEST(test_mprotect_shared_rw_makes_ptes_writable)
{
	struct t_vmstat v0;
	uint64_t val;

	/*  |-- S rw-s --|  read: writable clean PTE; r--s; rw-s again. */
	ck_assert_int_eq(do_mmap(T.mm, BASE, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
				 NULL, 0), (long)BASE);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_SHARED);
	t_vmstat_snap(&v0, T.sim);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, PG, RO), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, 0, SHARED_FLAGS(RO) });
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO);
	ck_assert_int_eq(do_mprotect(T.mm, BASE, PG, RW), 0);
	CHECK_SIM(T.sim);
	/* vm_page_prot is PAGE_SHARED again (no write-notify): writable at
	 * once, and a store needs no fault. */
	ASSERT_PTE(T.mm, BASE, 1, PTE_SHARED);
	ck_assert_int_eq(access_write(T.mm, BASE, 4), 0);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 1, PTE_SHARED | _PAGE_DIRTY);
	ASSERT_RSS(T.mm, 0, 0, 1);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

/* -------------------------------------------------- copy_page_range */

START_TEST(test_fork_skips_ptes_of_vma_without_anon_vma)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct vm_area_struct *cv;

	/*  |-- V rw-, 4 zero-page PTEs, no anon_vma --|  fork */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_touch(T.mm, BASE, 4 * PG, false), 0);
	CHECK_SIM(T.sim);
	t_vmstat_snap(&v0, T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	ck_assert_ptr_null(cv->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(cv), 0);
	ck_assert_ptr_null(cmm->pgd);
	ck_assert_uint_eq(cmm->pgtables_bytes, 0);
	ASSERT_RSS(cmm, 0, 0, 0);
	ASSERT_PTE(T.mm, BASE, 0, PTE_ZERO);
	ASSERT_PTE(T.mm, BASE + 3 * PG, 0, PTE_ZERO);
	ASSERT_VMSTAT_SAME(T.sim, &v0);
}
END_TEST

START_TEST(test_fork_copies_every_pte_of_vma_with_anon_vma)
{
	struct t_vmstat v0;
	struct mm_struct *cmm;
	struct anon_vma *av0;
	uint64_t val;

	/*  |-- V rw- AV0: [0] X pfn 1 (7), [1] zero page, [2] [3] none --| */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 7), 0);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &val), 0);
	CHECK_SIM(T.sim);
	av0 = t_vma(T.mm, 0)->anon_vma;
	t_vmstat_snap(&v0, T.sim);
	cmm = t_mm(T.sim, fork_of(1));

	/* COW mapping: both PTEs write-protected; the child's is old; the
	 * private dirty and soft-dirty bits are kept in the child. */
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO | PTE_MKDIRTY);
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO | PTE_MKDIRTY));
	/* The zero-page PTE is copied too (old in the child). */
	ASSERT_PTE(T.mm, BASE + PG, 0, PTE_ZERO);
	ASSERT_PTE(cmm, BASE + PG, 0, OLD(PTE_ZERO));
	ASSERT_PTE_NONE(cmm, BASE + 2 * PG);
	ASSERT_PTE_NONE(cmm, BASE + 3 * PG);
	/* page_dup_rmap + get_page; mapping untouched. */
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 2, 2, ANON_PAGE_FLAGS);
	ASSERT_RSS(cmm, 1, 0, 0);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ck_assert_uint_eq(cmm->hiwater_rss, 1);
	ck_assert_uint_eq(cmm->pgtables_bytes, 3 * PG);
	/* No statistics for page_dup_rmap; the child's tables; its new
	 * anon_vma (anon_vma_fork without reuse). */
	ASSERT_VMSTAT(T.sim, &v0, { NR_PAGETABLE, 2 }, { SIM_ANON_VMA_ALLOC, 1 });
}
END_TEST

START_TEST(test_fork_wipeonfork_vma_gets_no_ptes)
{
	struct mm_struct *cmm;
	struct vm_area_struct *cv;
	struct anon_vma *av0;
	uint64_t val;

	/*  |-- W rw- wf AV0: X pfn 1 --|  fork: no anon_vma, no PTEs in the
	 * child; copy_page_range does not run, so the parent's PTE keeps
	 * its write bit. */
	written_page(BASE, 5);
	av0 = t_vma(T.mm, 0)->anon_vma;
	ck_assert_int_eq(do_madvise(T.mm, BASE, PG, MADV_WIPEONFORK), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 0);
	ck_assert_ptr_null(cv->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(cv), 0);
	ck_assert_ptr_null(cmm->pgd);
	ASSERT_RSS(cmm, 0, 0, 0);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);

	/* The child sees fresh memory: zero page, then its own page under
	 * a new root anon_vma of its own. */
	ck_assert_int_eq(access_read(cmm, BASE, &val), 0);
	ck_assert_uint_eq(val, 0);
	ck_assert_int_eq(access_write(cmm, BASE, 6), 0);
	CHECK_SIM(T.sim);
	ck_assert_ptr_nonnull(cv->anon_vma);
	ck_assert_ptr_eq(cv->anon_vma->root, cv->anon_vma);
	ck_assert_ptr_ne(cv->anon_vma, av0);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(cv->anon_vma), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
}
END_TEST

START_TEST(test_fork_dontcopy_vma_skipped)
{
	struct mm_struct *cmm;

	written_page(BASE, 5);
	ck_assert_int_eq(do_madvise(T.mm, BASE, PG, MADV_DONTFORK), 0);
	CHECK_SIM(T.sim);
	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_NO_VMAS(cmm);
	ck_assert_ptr_null(cmm->pgd);
	ASSERT_RSS(cmm, 0, 0, 0);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 1)), 1);
}
END_TEST

START_TEST(test_fork_shared_vma_ptes_not_copied)
{
	struct mm_struct *cmm;
	struct inode *shm;

	/*  |-- S rw-s: page 0 written --|  no anon_vma: no PTEs copied; the
	 * child shares the cache page by faulting it. */
	ck_assert_int_eq(do_mmap(T.mm, BASE, 2 * PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)BASE);
	ck_assert_int_eq(access_write(T.mm, BASE, 3), 0);
	CHECK_SIM(T.sim);
	shm = t_vma(T.mm, 0)->vm_file->f_inode;
	cmm = t_mm(T.sim, fork_of(1));
	ck_assert_ptr_null(cmm->pgd);
	ASSERT_RSS(cmm, 0, 0, 0);
	ASSERT_PAGE(T.sim, 1, shm, 0, 1, 2, SHMEM_PAGE_FLAGS | PGF(PG_dirty));
	/* No write-protection for a shared mapping. */
	ASSERT_PTE(T.mm, BASE, 1, PTE_SHARED | PTE_MKDIRTY);
}
END_TEST

START_TEST(test_fork_copies_file_ptes_of_private_vma_with_anon_vma)
{
	struct mm_struct *cmm;
	struct inode *f;
	uint64_t val;

	/*  |-- F rw-p /f: [0] cache page pfn 1 (read), [1] copy pfn 2 --|
	 * (the copy's cache page is pfn 3). F has an anon_vma: every PTE,
	 * the file page's too, is copied. */
	f = t_file(T.sim, "/f", 2 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RW, MAP_PRIVATE | MAP_FIXED,
				     "/f", 0), (long)BASE);
	ck_assert_int_eq(access_read(T.mm, BASE, &val), 0);
	ck_assert_int_eq(access_touch(T.mm, BASE + PG, PG, true), 0);
	CHECK_SIM(T.sim);
	ASSERT_PAGE(T.sim, 3, f, 1, 0, 1, SHMEM_PAGE_FLAGS);
	cmm = t_mm(T.sim, fork_of(1));
	ASSERT_PTE(cmm, BASE, 1, OLD(PTE_RO));
	ASSERT_PTE(T.mm, BASE, 1, PTE_RO);
	ASSERT_PAGE(T.sim, 1, f, 0, 2, 3, SHMEM_PAGE_FLAGS);
	ASSERT_PTE(cmm, BASE + PG, 2, OLD(PTE_RO | PTE_MKDIRTY));
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_RO | PTE_MKDIRTY);
	ASSERT_RSS(cmm, 1, 0, 1);
	ck_assert_uint_eq(cmm->hiwater_rss, 2);
}
END_TEST

static Suite *pgtable_suite(void)
{
	Suite *s = suite_create("pgtable");
	TCase *tc;

	tc = t_tcase("tables");
	tcase_add_test(tc, test_vmpte_first_fault_adds_pud_pmd_pte_not_pgd);
	tcase_add_test(tc, test_vmpte_new_2mib_block_adds_pte_table);
	tcase_add_test(tc, test_vmpte_new_1gib_block_adds_pmd_and_pte_tables);
	tcase_add_test(tc, test_vmpte_new_512gib_block_adds_pud_pmd_pte_tables);
	suite_add_tcase(s, tc);

	tc = t_tcase("zap");
	tcase_add_test(tc, test_munmap_frees_pages_nobody_else_maps);
	tcase_add_test(tc, test_munmap_keeps_page_another_process_maps);
	tcase_add_test(tc, test_zap_dirties_and_marks_file_page_accessed);
	tcase_add_test(tc, test_zap_of_zero_page_pte_counts_nothing);
	tcase_add_test(tc, test_munmap_of_prot_none_ptes_frees_pages);
	tcase_add_test(tc, test_mmap_fixed_over_populated_page_zaps_it);
	tcase_add_test(tc, test_exit_frees_pages_tables_and_anon_vmas);
	suite_add_tcase(s, tc);

	tc = t_tcase("free_pgtables");
	tcase_add_test(tc, test_munmap_middle_page_keeps_pte_table);
	tcase_add_test(tc, test_munmap_all_without_neighbours_frees_every_table);
	tcase_add_test(tc, test_munmap_neighbour_in_same_pte_table_keeps_all);
	tcase_add_test(tc, test_munmap_neighbour_in_same_pmd_table_frees_pte_table);
	tcase_add_test(tc, test_munmap_neighbour_in_same_pud_table_frees_pte_and_pmd_tables);
	tcase_add_test(tc, test_munmap_neighbour_in_other_pgd_entry_frees_three_tables);
	tcase_add_test(tc, test_munmap_below_far_neighbour_frees_three_tables);
	tcase_add_test(tc, test_munmap_ceiling_in_same_pud_keeps_pmd_table);
	suite_add_tcase(s, tc);

	tc = t_tcase("change_protection");
	tcase_add_test(tc, test_mprotect_ro_write_protects_keeping_pfn_and_bits);
	tcase_add_test(tc, test_mprotect_rw_leaves_private_ptes_write_protected);
	tcase_add_test(tc, test_mprotect_none_keeps_ptes_present);
	tcase_add_test(tc, test_mprotect_none_then_rw_restores_private_read_only_ptes);
	tcase_add_test(tc, test_mprotect_keeps_old_pte_old);
	tcase_add_test(tc, test_mprotect_shared_rw_makes_ptes_writable);
	suite_add_tcase(s, tc);

	tc = t_tcase("copy_page_range");
	tcase_add_test(tc, test_fork_skips_ptes_of_vma_without_anon_vma);
	tcase_add_test(tc, test_fork_copies_every_pte_of_vma_with_anon_vma);
	tcase_add_test(tc, test_fork_wipeonfork_vma_gets_no_ptes);
	tcase_add_test(tc, test_fork_dontcopy_vma_skipped);
	tcase_add_test(tc, test_fork_shared_vma_ptes_not_copied);
	tcase_add_test(tc, test_fork_copies_file_ptes_of_private_vma_with_anon_vma);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(pgtable_suite());
}
