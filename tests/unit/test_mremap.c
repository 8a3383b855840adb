/* tests/unit/test_mremap.c - core/mremap.c: mremap(2) as mm/mremap.c of
 * v5.15 (kernel-spec §4.13): the errno rules in their order, the bare
 * shrink, growth in place (vma_adjust: no merge with the next VMA), and
 * the move: copy_vma (pgoff kept for a faulted VMA, reset to the new
 * address for an unfaulted anonymous one, vma_merge first),
 * move_page_tables (PTE by PTE with the soft-dirty bit, or whole tables
 * when 2 MiB / 1 GiB aligned), then the munmap of the emptied old range;
 * MREMAP_FIXED, MREMAP_DONTUNMAP, and atomicity under allocation failure.
 *
 * A spawned process has mmap_base 0x7f0000000000 and no VMA up there, so
 * a move's top-down get_unmapped_area puts N pages at mmap_base - N pages.
 * Frames: pfn 0 is the zero page, so the Nth page allocated is pfn N.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm_internal.h"	/* sim_drain_pools */
#include "mremap.h"
#include "testlib.h"

#define MMAP_BASE	0x7f0000000000UL
#define MAYMOVE		MREMAP_MAYMOVE
#define FIXED		(MREMAP_MAYMOVE | MREMAP_FIXED)
#define DONTUNMAP	(MREMAP_MAYMOVE | MREMAP_DONTUNMAP)
#define MiB		(1UL << 20)
#define GiB		(1UL << 30)
/* A private mapping of a file: the same flags as anonymous (§4.3.1). */
#define FILE_PRIV_FLAGS(prot) ANON_FLAGS(prot)
#define SHARED_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY)

static long mremap(unsigned long addr, unsigned long old_len,
		   unsigned long new_len, unsigned long flags,
		   unsigned long new_addr)
{
	return do_mremap(T.mm, addr, old_len, new_len, flags, new_addr);
}

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

static struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = t_pte(mm, addr);

	ck_assert(pte_present(pte));
	return pfn_to_page(mm->sim, pte_pfn(pte));
}

static void write_at(unsigned long addr, uint64_t value)
{
	ck_assert_int_eq(access_write(T.mm, addr, value), 0);
	CHECK_SIM(T.sim);
}

static uint64_t read_at(struct mm_struct *mm, unsigned long addr)
{
	uint64_t v = ~0ULL;

	ck_assert_int_eq(access_read(mm, addr, &v), 0);
	CHECK_SIM(mm->sim);
	return v;
}

/* Expect @rc with the mm exactly as in @before. */
#define ASSERT_FAILS(call, rc, before) do { \
	ck_assert_int_eq((call), (rc)); \
	CHECK_SIM(T.sim); \
	ASSERT_UNCHANGED(T.mm, (before)); \
} while (0)

#define ASSERT_HIT(h, v, a) do { \
	ck_assert_ptr_eq((h).vma, (v)); \
	ck_assert_uint_eq((h).addr, (a)); \
} while (0)

/* ------------------------------------------------------------ errors */

START_TEST(test_mremap_flag_and_alignment_errors)
{
	struct t_mm_snap s;

	/*  BASE        +4
	 *  |-- V rw- --|      page 0 written */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	write_at(BASE, 1);
	t_snap(&s, T.mm);

	/* the syscall's own checks, before any VMA is looked at */
	ASSERT_FAILS(mremap(BASE, PG, 2 * PG, 8, 0), -EINVAL, &s);
	ASSERT_FAILS(mremap(BASE, PG, 2 * PG, MREMAP_FIXED, BASE + 8 * PG), -EINVAL, &s);
	ASSERT_FAILS(mremap(BASE, PG, PG, MREMAP_DONTUNMAP, 0), -EINVAL, &s);
	/* DONTUNMAP never resizes; compared before PAGE_ALIGN */
	ASSERT_FAILS(mremap(BASE, PG, 2 * PG, DONTUNMAP, 0), -EINVAL, &s);
	ASSERT_FAILS(mremap(BASE, PG, PG - 1, DONTUNMAP, 0), -EINVAL, &s);
	ASSERT_FAILS(mremap(BASE + 1, PG, 2 * PG, MAYMOVE, 0), -EINVAL, &s);
	ASSERT_FAILS(mremap(BASE, PG, 0, MAYMOVE, 0), -EINVAL, &s);
	/* PAGE_ALIGN(-1) wraps to 0: a zero new_len */
	ASSERT_FAILS(mremap(BASE, PG, -1UL, MAYMOVE, 0), -EINVAL, &s);
}
END_TEST

START_TEST(test_mremap_vma_errors)
{
	struct t_mm_snap s;

	/*  BASE        +4  +5
	 *  |-- V rw- --|N r--|      V's page 0 written */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RO, 0);
	write_at(BASE, 1);
	t_snap(&s, T.mm);

	/* vma_to_resize: no VMA at the address */
	ASSERT_FAILS(mremap(BASE + 64 * PG, PG, 2 * PG, MAYMOVE, 0), -EFAULT, &s);
	ASSERT_FAILS(mremap(BASE - PG, PG, 2 * PG, MAYMOVE, 0), -EFAULT, &s);
	/* the old range leaves its VMA (into N): no remap across VMAs */
	ASSERT_FAILS(mremap(BASE + 2 * PG, 3 * PG, 8 * PG, MAYMOVE, 0), -EFAULT, &s);
	/* old_len 0 duplicates only shared mappings */
	ASSERT_FAILS(mremap(BASE, 0, 2 * PG, MAYMOVE, 0), -EINVAL, &s);
	/* growing in place is blocked by N; without MAYMOVE: ENOMEM */
	ASSERT_FAILS(mremap(BASE, 4 * PG, 8 * PG, 0, 0), -ENOMEM, &s);
	/* nor may a range that does not end at the VMA's end grow in place */
	ASSERT_FAILS(mremap(BASE, 2 * PG, 3 * PG, 0, 0), -ENOMEM, &s);
	/* VM_ACCOUNT: 2000 more pages than the 1024 frames of RAM */
	ASSERT_FAILS(mremap(BASE, 4 * PG, 2004 * PG, MAYMOVE, 0), -ENOMEM, &s);
	/* a huge new_len: PFN(BASE) + 2^52 pages does not wrap, so no
	 * EINVAL; the charge fails */
	ASSERT_FAILS(mremap(BASE, 4 * PG, -2 * PG, MAYMOVE, 0), -ENOMEM, &s);
}
END_TEST

START_TEST(test_mremap_locked_growth_past_rlimit_is_eagain)
{
	struct t_mm_snap s;

	/* RLIMIT_MEMLOCK 8 MiB: 4 locked pages + 2045 more > 2048 pages */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, MAP_NORESERVE);
	ck_assert_int_eq(do_mlock(T.mm, BASE, 4 * PG, true), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->locked_vm, 4);
	t_snap(&s, T.mm);
	ASSERT_FAILS(mremap(BASE, 4 * PG, 2049 * PG, MAYMOVE, 0), -EAGAIN, &s);
	/* exactly at the limit is fine: 4 + 2044 = 2048 */
	ck_assert_int_eq(mremap(BASE, 4 * PG, 2048 * PG, MAYMOVE, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->locked_vm, 2048);
}
END_TEST

START_TEST(test_mremap_fixed_errors_leave_target_mapped)
{
	struct t_mm_snap s;
	unsigned long T0 = BASE + 32 * PG;

	/*  BASE        +4         T0        +2
	 *  |-- V rw- --|          |- W rw- -|      both written */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MAP_FIXED_ANON(T.mm, T0, 2, RW, 0);
	write_at(BASE, 1);
	write_at(T0, 2);
	t_snap(&s, T.mm);

	ASSERT_FAILS(mremap(BASE, PG, PG, FIXED, T0 + 1), -EINVAL, &s);
	/* overlapping old and new ranges */
	ASSERT_FAILS(mremap(BASE, 4 * PG, 4 * PG, FIXED, BASE + 2 * PG), -EINVAL, &s);
	ASSERT_FAILS(mremap(BASE + 2 * PG, 2 * PG, 4 * PG, FIXED, BASE), -EINVAL, &s);
	/* past TASK_SIZE */
	ASSERT_FAILS(mremap(BASE, PG, 2 * PG, FIXED, TASK_SIZE - PG), -EINVAL, &s);
	/* below vm.mmap_min_addr: get_unmapped_area's security check */
	ASSERT_FAILS(mremap(BASE, PG, PG, FIXED, 0x1000), -EPERM, &s);
	/*
	 * v5.15 unmaps W first, then vma_to_resize finds the old range
	 * running past V's end: EFAULT with W gone. rmapfs checks first.
	 */
	ASSERT_FAILS(mremap(BASE + 2 * PG, 4 * PG, 4 * PG, FIXED, T0), -EFAULT, &s);
	ASSERT_FAILS(mremap(BASE + 64 * PG, PG, PG, FIXED, T0), -EFAULT, &s);
	/* old_len 0 at the target's start: the target unmap takes the VMA */
	ASSERT_FAILS(mremap(T0, 0, PG, FIXED, T0), -EFAULT, &s);
	/* max_map_count: (map_count + 2) >= max - 3 */
	T.sim->sysctl.max_map_count = 7;	/* 2 + 2 >= 4 */
	ASSERT_FAILS(mremap(BASE, PG, PG, FIXED, T0), -ENOMEM, &s);
	T.sim->sysctl.max_map_count = 8;	/* 4 < 5: passes */
	ck_assert_int_eq(mremap(BASE, PG, PG, FIXED, T0), (long)T0);
	CHECK_SIM(T.sim);
}
END_TEST

/* ------------------------------------------------------------ shrink */

START_TEST(test_mremap_shrink_unmaps_tail)
{
	int i;

	/*  BASE                +4
	 *  |-- V rw- X1 X2 X3 X4 --|   -> |- V X1 X2 -|   (munmap of +2..+4) */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	for (i = 0; i < 4; i++)
		write_at(BASE + (unsigned long)i * PG, (uint64_t)i);
	ck_assert_int_eq(mremap(BASE, 4 * PG, 2 * PG, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);

	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ASSERT_VM_STAT(T.mm, 2, 2, 0, 0);
	/* __do_munmap raised hiwater_vm to total_vm before lowering it */
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
	ASSERT_RSS(T.mm, 2, 0, 0);
	ASSERT_PAGE_FREE(T.sim, 3);
	ASSERT_PAGE_FREE(T.sim, 4);
	ASSERT_PTE_NONE(T.mm, BASE + 2 * PG);
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_ANON_RW);
	/* the same length: nothing to do, the address comes back */
	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG - 100, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_nr_vmas(T.mm), 1);
}
END_TEST

START_TEST(test_mremap_shrink_needs_no_vma)
{
	/* v5.15 shrinks by munmap alone: no VMA lookup, no EFAULT */
	ck_assert_int_eq(mremap(BASE, 2 * PG, PG, 0, 0), (long)BASE);
	ck_assert_int_eq(mremap(BASE, PG, PG, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_NO_VMAS(T.mm);
	/* and the tail may cover several VMAs */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 2, RO, 0);
	ck_assert_int_eq(mremap(BASE, 8 * PG, PG, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) });
}
END_TEST

/* ---------------------------------------------------- grow in place */

START_TEST(test_mremap_grow_in_place_keeps_pgoff_and_anon_vma)
{
	struct vm_area_struct *v;
	struct anon_vma *av;
	struct t_rmap_hit h[T_RMAP_MAX];

	/*  BASE      +2        +8 +9
	 *  |- V rw- -|         |N r--|    -> |---- V rw- ----|   |N|
	 * vma_expandable: N starts at +8, the end +4 stays below it. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 1, RO, 0);
	write_at(BASE + PG, 7);
	v = t_vma(T.mm, 0);
	av = v->anon_vma;
	ck_assert_int_eq(mremap(BASE, 2 * PG, 4 * PG, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);

	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 8 * PG, BASE + 9 * PG, PFN(BASE + 8 * PG), ANON_FLAGS(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);	/* the same struct grew */
	ck_assert_ptr_eq(v->anon_vma, av);
	ASSERT_AV(av, 2, 1);		/* no new AVC, no new reference */
	ck_assert_uint_eq(t_nr_avcs(v), 1);
	ASSERT_VM_STAT(T.mm, 5, 4, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 0);	/* nothing was lowered */
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_ANON_RW);	/* the page did not move */
	ck_assert_int_eq(t_rmap_walk(T.sim, pfn_to_page(T.sim, 1), h), 1);
	ASSERT_HIT(h[0], v, BASE + PG);
	ck_assert_uint_eq(read_at(T.mm, BASE + PG), 7);
	/* the new pages fault like any other */
	write_at(BASE + 3 * PG, 9);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av), PFN(BASE) + 3, 1, 1, ANON_PAGE_FLAGS);
}
END_TEST

START_TEST(test_mremap_grow_in_place_never_merges_with_next)
{
	/*  BASE      +2        +4
	 *  |- V rw- -|         |- W rw- -|   -> |-- V --||- W -|
	 * V grows to touch W, pgoffs continuous, flags equal: vma_merge
	 * would join them, but v5.15 grows with vma_adjust, which does not. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 2, RW, 0);
	ck_assert_int_eq(mremap(BASE, 2 * PG, 4 * PG, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 4 * PG, BASE + 6 * PG, PFN(BASE + 4 * PG), ANON_FLAGS(RW) });
	/* one page more and it would overlap: no room */
	ck_assert_int_eq(mremap(BASE, 4 * PG, 5 * PG, 0, 0), -ENOMEM);
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_mremap_grow_shared_anon_past_object_size_sigbus)
{
	/* The shmem object keeps the size it was created with: the grown
	 * part of a shared anonymous mapping gives SIGBUS. */
	ck_assert_int_eq(do_mmap(T.mm, BASE, PG, RW, MAP_SHARED | MAP_ANONYMOUS |
				 MAP_FIXED, NULL, 0), (long)BASE);
	ck_assert_int_eq(mremap(BASE, PG, 2 * PG, 0, 0), (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, 0, SHARED_FLAGS(RW) });
	write_at(BASE, 5);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 6), -EFAULT);
	CHECK_SIM(T.sim);
}
END_TEST

/* ------------------------------------------------------------- move */

START_TEST(test_mremap_move_pages_follow)
{
	const unsigned long NEW = MMAP_BASE - 4 * PG;
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *v;
	struct anon_vma *av;
	struct page *x;
	uint32_t xflags;

	/*  BASE         +2  +3                       NEW = mmap_base - 4
	 *  |- V rw- X0 Z -|N r--|           ->       |- V' X0 Z . . -|
	 * V: page 0 written (X0 = pfn 1), page 1 read (the zero page Z).
	 * N blocks growth in place; MAYMOVE: top-down, 4 pages below
	 * mmap_base. copy_vma: V has an anon_vma, so pgoff stays PFN(BASE)
	 * and no neighbour merges; a duplicate with anon_vma_clone. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	write_at(BASE, 100);
	ck_assert_uint_eq(read_at(T.mm, BASE + PG), 0);
	av = t_vma(T.mm, 0)->anon_vma;
	ASSERT_AV(av, 2, 1);
	xflags = pfn_to_page(T.sim, 1)->flags;
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);

	ck_assert_int_eq(mremap(BASE, 2 * PG, 4 * PG, MAYMOVE, 0), (long)NEW);
	CHECK_SIM(T.sim);

	ASSERT_VMAS(T.mm,
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RO) },
		    { NEW, NEW + 4 * PG, PFN(BASE), ANON_FLAGS(RW) });
	v = t_vma(T.mm, 1);
	/* the anon_vma is kept: clone +1, the old VMA's unlink -1 */
	ck_assert_ptr_eq(v->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(v), 1);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
	/* total_vm 3 - 2 + 4; hiwater_vm put back after the munmap */
	ASSERT_VM_STAT(T.mm, 5, 4, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 0);

	/* the PTEs moved, each made soft-dirty (X0's already was) */
	ASSERT_PTE_NONE(T.mm, BASE);
	ASSERT_PTE_NONE(T.mm, BASE + PG);
	ASSERT_PTE(T.mm, NEW, 1, PTE_ANON_RW);
	ASSERT_PTE(T.mm, NEW + PG, 0, PTE_ZERO | _PAGE_SOFT_DIRTY);
	ASSERT_PTE_NONE(T.mm, NEW + 2 * PG);
	/* the page keeps anon_vma and index: rmap finds it at NEW */
	x = pfn_to_page(T.sim, 1);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av), PFN(BASE), 1, 1, xflags);
	ck_assert_int_eq(t_rmap_walk(T.sim, x, h), 1);
	ASSERT_HIT(h[0], v, NEW);
	ck_assert_ptr_eq(page_vma_mapped(x, v, NEW), pte_offset(T.mm, NEW));
	ASSERT_RSS(T.mm, 1, 0, 0);
	/* the old tables stay (N shares them), the new place got a PUD, a
	 * PMD and a PTE table of its own (another PGD entry) */
	ck_assert_uint_eq(T.mm->pgtables_bytes, 6 * PG);
	ck_assert_uint_eq(read_at(T.mm, NEW), 100);
	ck_assert_uint_eq(read_at(T.mm, NEW + PG), 0);
	/* a new page of V' gets the index V' gives it */
	write_at(NEW + 3 * PG, 3);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av), PFN(BASE) + 3, 1, 1, ANON_PAGE_FLAGS);
	/* the old range is a hole */
	ck_assert_int_eq(access_read(T.mm, BASE, NULL), -EFAULT);
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_mremap_moved_faulted_vma_does_not_merge_by_pgoff)
{
	const unsigned long NEW = MMAP_BASE - 2 * PG;

	/* V faulted, moved to NEW with pgoff PFN(BASE); a new anonymous
	 * mapping right below it has pgoff PFN(NEW - PG): not continuous,
	 * no merge (and the same without any fault: flags equal). */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_at(BASE, 1);
	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG, FIXED, NEW), (long)NEW);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { NEW, NEW + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_int_eq(do_mmap(T.mm, 0, PG, RW, MAP_ANON_PRIV, NULL, 0),
			 (long)(NEW - PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { NEW - PG, NEW, PFN(NEW - PG), ANON_FLAGS(RW) },
		    { NEW, NEW + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mremap_move_unfaulted_takes_new_pgoff_and_merges)
{
	const unsigned long B2 = BASE + 16 * PG;

	/*  BASE      +2              B2        +2
	 *  |- V rw- -|               |- W rw- -|           (no page anywhere)
	 * FIXED to B2+2: copy_vma resets pgoff to PFN(B2 + 2), W's pgoff
	 * continues into it: vma_merge case 2, W grows. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, B2, 2, RW, 0);
	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG, FIXED, B2 + 2 * PG),
			 (long)(B2 + 2 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { B2, B2 + 4 * PG, PFN(B2), ANON_FLAGS(RW) });
	ASSERT_VM_STAT(T.mm, 4, 4, 0, 0);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
}
END_TEST

START_TEST(test_mremap_move_unfaulted_merges_with_itself)
{
	/*  BASE-2    BASE      +2  +3
	 *            |- V rw- -|N r--|     V read once (zero page at BASE)
	 * FIXED to BASE-2: the new range's pgoff PFN(BASE-2) continues into
	 * V itself: vma_merge case 3, V grows down over it; the PTE moves
	 * inside V; the munmap then cuts V's old half off. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	ck_assert_uint_eq(read_at(T.mm, BASE), 0);
	ck_assert_ptr_null(t_vma(T.mm, 0)->anon_vma);
	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG, FIXED, BASE - 2 * PG),
			 (long)(BASE - 2 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm,
		    { BASE - 2 * PG, BASE, PFN(BASE - 2 * PG), ANON_FLAGS(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RO) });
	ASSERT_PTE(T.mm, BASE - 2 * PG, 0, PTE_ZERO | _PAGE_SOFT_DIRTY);
	ASSERT_PTE_NONE(T.mm, BASE);
	ASSERT_VM_STAT(T.mm, 3, 2, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 0);
	/* BASE-2 is in the PMD slot 511 of PUD slot 0: a new PMD table and
	 * PTE table; BASE's stay for N */
	ck_assert_uint_eq(T.mm->pgtables_bytes, 5 * PG);
}
END_TEST

START_TEST(test_mremap_move_then_fork_then_rmap_walk)
{
	const unsigned long NEW = MMAP_BASE - 4 * PG;
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *pv, *cv;
	struct mm_struct *cmm;
	struct anon_vma *av0;
	struct page *x0, *x1, *c0;

	/* P: V [BASE, +2) X0 X1, N blocks; mremap to 4 pages -> NEW;
	 * fork -> C: V'' linked to AV0 and a new AV1 */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	write_at(BASE, 10);
	write_at(BASE + PG, 11);
	av0 = t_vma(T.mm, 0)->anon_vma;
	ck_assert_int_eq(mremap(BASE, 2 * PG, 4 * PG, MAYMOVE, 0), (long)NEW);
	CHECK_SIM(T.sim);
	pv = t_vma(T.mm, 1);
	cmm = t_mm(T.sim, fork_of(1));
	cv = t_vma(cmm, 1);
	ck_assert_uint_eq(cv->vm_start, NEW);
	ck_assert_uint_eq(cv->vm_pgoff, PFN(BASE));
	ck_assert_ptr_eq(t_chain_av(cv, 1), av0);
	ck_assert_ptr_ne(cv->anon_vma, av0);

	/* X0 (index PFN(BASE)) under AV0: both processes, at NEW */
	x0 = pfn_to_page(T.sim, 1);
	x1 = pfn_to_page(T.sim, 2);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 2, 2, x0->flags);
	ck_assert_int_eq(t_rmap_walk(T.sim, x0, h), 2);
	ASSERT_HIT(h[0], pv, NEW);
	ASSERT_HIT(h[1], cv, NEW);
	ck_assert_int_eq(t_rmap_walk(T.sim, x1, h), 2);
	ASSERT_HIT(h[0], pv, NEW + PG);
	ASSERT_HIT(h[1], cv, NEW + PG);
	ck_assert_ptr_eq(page_vma_mapped(x1, cv, NEW + PG), pte_offset(cmm, NEW + PG));

	/* the child's COW copy goes under its own AV1, same index */
	ck_assert_int_eq(access_write(cmm, NEW, 20), 0);
	CHECK_SIM(T.sim);
	c0 = page_at(cmm, NEW);
	ck_assert_ptr_eq(page_anon_vma(c0), cv->anon_vma);
	ck_assert_uint_eq(c0->index, PFN(BASE));
	ck_assert_int_eq(t_rmap_walk(T.sim, c0, h), 1);
	ASSERT_HIT(h[0], cv, NEW);
	ck_assert_uint_eq(read_at(T.mm, NEW), 10);
	ck_assert_uint_eq(read_at(cmm, NEW), 20);
	ck_assert_uint_eq(read_at(cmm, NEW + PG), 11);
}
END_TEST

START_TEST(test_mremap_fixed_replaces_target)
{
	const unsigned long T0 = BASE + 32 * PG;
	struct anon_vma *av;

	/*  BASE       +2          T0         +2
	 *  |- V X0 X1 -|          |- W X2 X3 -|   -> |- V' X0 X1 -| at T0 */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, T0, 2, RW, 0);
	write_at(BASE, 1);
	write_at(BASE + PG, 2);
	write_at(T0, 3);
	write_at(T0 + PG, 4);
	av = t_vma(T.mm, 0)->anon_vma;
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 2);

	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG, FIXED, T0), (long)T0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { T0, T0 + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0)->anon_vma, av);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 1);	/* W's went with W */
	ASSERT_PAGE_FREE(T.sim, 3);
	ASSERT_PAGE_FREE(T.sim, 4);
	ASSERT_PTE(T.mm, T0, 1, PTE_ANON_RW);
	ASSERT_PTE(T.mm, T0 + PG, 2, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 2, 0, 0);
	ASSERT_VM_STAT(T.mm, 2, 2, 0, 0);
	/* W's munmap raised hiwater_vm to 4; the move's peak was put back */
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
	ck_assert_uint_eq(read_at(T.mm, T0 + PG), 2);
}
END_TEST

START_TEST(test_mremap_fixed_shrinks_then_moves)
{
	const unsigned long T0 = BASE + 32 * PG;
	int i;

	/* FIXED with new_len < old_len: the tail goes first, the rest moves */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	for (i = 0; i < 4; i++)
		write_at(BASE + (unsigned long)i * PG, 50 + (uint64_t)i);
	ck_assert_int_eq(mremap(BASE, 4 * PG, 2 * PG, FIXED, T0), (long)T0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { T0, T0 + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ASSERT_PAGE_FREE(T.sim, 3);
	ASSERT_PAGE_FREE(T.sim, 4);
	ck_assert_uint_eq(read_at(T.mm, T0 + PG), 51);
	/* and FIXED growing: the new VMA is 4 pages, 2 of them new */
	ck_assert_int_eq(mremap(T0, 2 * PG, 4 * PG, FIXED, BASE), (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_uint_eq(read_at(T.mm, BASE), 50);
	ASSERT_VM_STAT(T.mm, 4, 4, 0, 0);
}
END_TEST

START_TEST(test_mremap_dontunmap_leaves_old_range_mapped_but_empty)
{
	const unsigned long NEW = MMAP_BASE - 2 * PG;
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *v, *nv;
	struct anon_vma *av;
	struct page *y;

	/*  BASE        +2                 NEW
	 *  |- V X0 X1 -|                  (nothing)
	 * DONTUNMAP: V' at NEW gets the PTEs, V stays, empty, with its
	 * anon_vma; total_vm grows by the new VMA. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_at(BASE, 7);
	write_at(BASE + PG, 8);
	v = t_vma(T.mm, 0);
	av = v->anon_vma;
	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG, DONTUNMAP, 0), (long)NEW);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { NEW, NEW + 2 * PG, PFN(BASE), ANON_FLAGS(RW) });
	nv = t_vma(T.mm, 1);
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ck_assert_ptr_eq(v->anon_vma, av);
	ck_assert_ptr_eq(nv->anon_vma, av);
	ASSERT_AV(av, 3, 1);	/* self + V + V' */
	ASSERT_VM_STAT(T.mm, 4, 4, 0, 0);
	ASSERT_PTE_NONE(T.mm, BASE);
	ASSERT_PTE_NONE(T.mm, BASE + PG);
	ASSERT_PTE(T.mm, NEW, 1, PTE_ANON_RW);
	ASSERT_RSS(T.mm, 2, 0, 0);
	ck_assert_uint_eq(read_at(T.mm, NEW + PG), 8);
	/* the old range reads zeroes, a write there is a new page filed
	 * under the same anon_vma with the same index as X0 */
	ck_assert_uint_eq(read_at(T.mm, BASE), 0);
	write_at(BASE + PG, 9);
	y = page_at(T.mm, BASE + PG);
	ck_assert_uint_eq(page_to_pfn(T.sim, y), 3);
	ck_assert_uint_eq(y->index, PFN(BASE) + 1);
	ck_assert_ptr_eq(page_anon_vma(y), av);
	/* the walk visits both VMAs covering the index; only V maps it */
	ck_assert_int_eq(t_rmap_walk(T.sim, y, h), 2);
	ASSERT_HIT(h[0], v, BASE + PG);
	ASSERT_HIT(h[1], nv, NEW + PG);
	ck_assert_ptr_nonnull(page_vma_mapped(y, v, BASE + PG));
	ck_assert_ptr_null(page_vma_mapped(y, nv, NEW + PG));
	ck_assert_uint_eq(read_at(T.mm, NEW + PG), 8);
}
END_TEST

START_TEST(test_mremap_dontunmap_of_file_mapping)
{
	const unsigned long NEW = MMAP_BASE - 2 * PG;
	struct inode *inode = t_file(T.sim, "/f", 4 * PG);

	/* v5.13 opened DONTUNMAP to every mapping but VM_DONTEXPAND and
	 * VM_PFNMAP ones: a private file mapping moves its PTEs and stays. */
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/f", 1), (long)BASE);
	ck_assert_uint_eq(read_at(T.mm, BASE), 0);
	ck_assert_int_eq(mremap(BASE, 2 * PG, 2 * PG, DONTUNMAP, 0), (long)NEW);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, 1, FILE_PRIV_FLAGS(RO) },
		    { NEW, NEW + 2 * PG, 1, FILE_PRIV_FLAGS(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 0)->vm_file, t_vma(T.mm, 1)->vm_file);
	ck_assert_uint_eq(inode->i_mmap_count, 2);
	ASSERT_PTE_NONE(T.mm, BASE);
	ck_assert_uint_eq(pte_pfn(t_pte(T.mm, NEW)), 1);
	/* the old range refaults the same cache page */
	ck_assert_uint_eq(read_at(T.mm, BASE), 0);
	ck_assert_uint_eq(pte_pfn(t_pte(T.mm, BASE)), 1);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 1)), 2);
}
END_TEST

START_TEST(test_mremap_file_mapping_keeps_offset)
{
	const unsigned long NEW = MMAP_BASE - 3 * PG;
	struct t_rmap_hit h[T_RMAP_MAX];
	struct strbuf out = STRBUF_INIT;
	char want[128];

	/* a file VMA moves with its offset (pgoff 1) and stays in i_mmap */
	t_file(T.sim, "/f", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/f", 1), (long)BASE);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RW, 0);
	ck_assert_uint_eq(read_at(T.mm, BASE), 0);	/* index 1: pfn 1 */
	ck_assert_int_eq(mremap(BASE, 2 * PG, 3 * PG, MAYMOVE, 0), (long)NEW);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(t_vma(T.mm, 1)->vm_pgoff, 1);
	ck_assert_int_eq(t_rmap_walk(T.sim, pfn_to_page(T.sim, 1), h), 1);
	ASSERT_HIT(h[0], t_vma(T.mm, 1), NEW);
	ck_assert_int_eq(vfs_render(T.sim, "/files/f", &out), 0);
	snprintf(want, sizeof(want), "1 %lx-%lx r--p 1\n", NEW, NEW + 3 * PG);
	ck_assert_msg(strstr(out.buf, want), "%s", out.buf);
	strbuf_release(&out);
	ck_assert_int_eq(vfs_render(T.sim, "/1/maps", &out), 0);
	snprintf(want, sizeof(want), "%lx-%lx r--p 00001000 08:01 1 ", NEW, NEW + 3 * PG);
	ck_assert_msg(strstr(out.buf, want), "%s", out.buf);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_mremap_duplicates_shared_mapping_with_zero_old_len)
{
	const unsigned long NEW = MMAP_BASE - 2 * PG;

	/* old_len 0 on a shared mapping: a second mapping of the same
	 * object; the first stays (v5.15's munmap of 0 bytes fails, ignored) */
	ck_assert_int_eq(do_mmap(T.mm, BASE, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS |
				 MAP_FIXED, NULL, 0), (long)BASE);
	write_at(BASE + PG, 33);
	ck_assert_int_eq(mremap(BASE, 0, 2 * PG, MAYMOVE, 0), (long)NEW);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, 0, SHARED_FLAGS(RW) },
		    { NEW, NEW + 2 * PG, 0, SHARED_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0)->vm_file, t_vma(T.mm, 1)->vm_file);
	ck_assert_uint_eq(read_at(T.mm, NEW + PG), 33);
	ASSERT_VM_STAT(T.mm, 4, 0, 0, 0);
	/* without MAYMOVE there is no duplicate */
	ck_assert_int_eq(mremap(BASE, 0, 2 * PG, 0, 0), -ENOMEM);
}
END_TEST

/* ---------------------------------------------- whole page tables */

START_TEST(test_mremap_moves_whole_pte_table)
{
	const unsigned long T0 = 2 * GiB;

	/*  BASE (1 GiB)  +2 MiB              T0 = 2 GiB
	 *  |--- V 512 pages: Z X ... ---|    -> the PTE table itself moves
	 * Both ends 2 MiB aligned and 2 MiB long: move_normal_pmd. The PTEs
	 * are not rewritten (no soft-dirty bit on the zero page's). T0 is
	 * in the same PGD entry: a PMD table is made for its 1 GiB; BASE's
	 * PMD table is freed by the munmap (nothing else in its 1 GiB). */
	MAP_FIXED_ANON(T.mm, BASE, 512, RW, MAP_NORESERVE);
	ck_assert_uint_eq(read_at(T.mm, BASE), 0);
	write_at(BASE + PG, 5);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_int_eq(mremap(BASE, 2 * MiB, 2 * MiB, FIXED, T0), (long)T0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { T0, T0 + 2 * MiB, PFN(BASE), ANON_NR_FLAGS(RW) });
	ASSERT_PTE(T.mm, T0, 0, PTE_ZERO);
	ASSERT_PTE(T.mm, T0 + PG, 1, PTE_ANON_RW);
	ck_assert_ptr_null(pte_offset(T.mm, BASE));
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_uint_eq(read_at(T.mm, T0 + PG), 5);

	/* half a table: PTE by PTE, soft-dirty; a new PTE table at BASE */
	ck_assert_int_eq(mremap(T0, PG, PG, FIXED, BASE), (long)BASE);
	CHECK_SIM(T.sim);
	ASSERT_PTE(T.mm, BASE, 0, PTE_ZERO | _PAGE_SOFT_DIRTY);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 5 * PG);
}
END_TEST

START_TEST(test_mremap_moves_whole_pmd_table)
{
	const unsigned long T0 = 2 * GiB;

	/* 1 GiB aligned and long at both ends: move_normal_pud hands over
	 * the PMD table with its PTE table: no table is made or freed but
	 * the PUD slot's. */
	MAP_FIXED_ANON(T.mm, BASE, GiB >> PAGE_SHIFT, RW, MAP_NORESERVE);
	write_at(BASE + 5 * PG, 6);
	ck_assert_int_eq(mremap(BASE, GiB, GiB, FIXED, T0), (long)T0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { T0, T0 + GiB, PFN(BASE), ANON_NR_FLAGS(RW) });
	ASSERT_PTE(T.mm, T0 + 5 * PG, 1, PTE_ANON_RW);
	ck_assert_uint_eq(T.mm->pgtables_bytes, 3 * PG);
	ck_assert_uint_eq(T.sim->nr_pgtables, 2);	/* PMD + PTE */
	ck_assert_uint_eq(read_at(T.mm, T0 + 5 * PG), 6);
}
END_TEST

START_TEST(test_mremap_locked_move_accounts_and_populates)
{
	const unsigned long NEW = MMAP_BASE - 4 * PG;
	int i;

	/* A VM_LOCKED VMA moves: locked_vm -2 by the munmap, +4 after; the
	 * two new pages are populated and mlocked (mm_populate). */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	ck_assert_int_eq(do_mlock(T.mm, BASE, 2 * PG, true), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(T.mm->locked_vm, 2);
	ck_assert_int_eq(mremap(BASE, 2 * PG, 4 * PG, MAYMOVE, 0), (long)NEW);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm,
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RO) },
		    { NEW, NEW + 4 * PG, PFN(BASE), ANON_FLAGS(RW) | VM_LOCKED });
	ck_assert_uint_eq(T.mm->locked_vm, 4);
	ASSERT_RSS(T.mm, 4, 0, 0);
	for (i = 0; i < 4; i++)
		ck_assert(PageTest(page_at(T.mm, NEW + (unsigned long)i * PG),
				   PG_mlocked));
}
END_TEST

/* ------------------------------------------------------------ OOM */

static const char *const state_files[] = {
	"/1/maps", "/1/status", "/1/smaps", "/journal", NULL
};



/* Fail allocation N = 0, 1, ... until the call succeeds; after each
 * failure -ENOMEM and everything byte-identical. Return: its result. */
static long oom_mremap(unsigned long addr, unsigned long old_len,
		       unsigned long new_len, unsigned long flags,
		       unsigned long new_addr)
{
	struct strbuf fb = STRBUF_INIT, fa = STRBUF_INIT;
	struct strbuf pb = STRBUF_INIT, pa = STRBUF_INIT;
	struct t_mm_snap *sb = malloc(sizeof(*sb)), *sa = malloc(sizeof(*sa));
	long n, rc = -ENOMEM;

	ck_assert_ptr_nonnull(sb);
	ck_assert_ptr_nonnull(sa);
	for (n = 0; n < 1000; n++) {
		sim_drain_pools(T.sim);
		t_render(T.sim, state_files, &fb);
		t_pages_dump(T.sim, &pb);
		t_snap(sb, T.mm);
		rm_fail_nth(n);
		rc = mremap(addr, old_len, new_len, flags, new_addr);
		rm_fail_nth(-1);
		CHECK_SIM(T.sim);
		if (rc != -ENOMEM)
			break;
		t_render(T.sim, state_files, &fa);
		ASSERT_STRBUF_EQ(&fb, &fa);
		t_pages_dump(T.sim, &pa);
		ASSERT_STRBUF_EQ(&pb, &pa);
		t_snap(sa, T.mm);
		ASSERT_SNAP_EQ(sb, sa);
	}
	ck_assert_int_lt(n, 1000);
	strbuf_release(&fb);
	strbuf_release(&fa);
	strbuf_release(&pb);
	strbuf_release(&pa);
	free(sb);
	free(sa);
	return rc;
}

START_TEST(test_mremap_oom_fixed_move_over_target)
{
	const unsigned long T0 = BASE + 32 * PG;

	/* A forked parent (chains of 2 AVCs), a target to unmap, a tail to
	 * shrink, splits everywhere: every allocation is made before the
	 * first change. */
	MAP_FIXED_ANON(T.mm, BASE, 6, RW, 0);
	MAP_FIXED_ANON(T.mm, T0 - PG, 4, RW, 0);
	write_at(BASE + PG, 1);
	write_at(BASE + 2 * PG, 2);
	write_at(T0, 3);
	fork_of(1);
	ck_assert_int_eq(oom_mremap(BASE + PG, 4 * PG, 2 * PG, FIXED, T0), (long)T0);
	ck_assert_uint_eq(read_at(T.mm, T0 + PG), 2);
	/* [BASE, +1) [BASE+5, +6) [T0-1, T0) V' [T0+2, T0+3) */
	ck_assert_uint_eq(t_vma(T.mm, 3)->vm_pgoff, PFN(BASE) + 1);
	ck_assert_int_eq(t_nr_vmas(T.mm), 5);
}
END_TEST

START_TEST(test_mremap_oom_grow_move_and_in_place)
{
	const unsigned long NEW = MMAP_BASE - 8 * PG;

	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RO, 0);
	write_at(BASE, 1);
	write_at(BASE + 3 * PG, 2);
	ck_assert_int_eq(oom_mremap(BASE, 4 * PG, 8 * PG, MAYMOVE, 0), (long)NEW);
	ck_assert_int_eq(oom_mremap(NEW, 8 * PG, 2 * PG, 0, 0), (long)NEW);
	ck_assert_int_eq(oom_mremap(NEW, 2 * PG, 6 * PG, 0, 0), (long)NEW);
	ck_assert_int_eq(oom_mremap(NEW, 6 * PG, 6 * PG, DONTUNMAP, 0),
			 (long)(NEW - 6 * PG));
	ck_assert_uint_eq(read_at(T.mm, NEW - 6 * PG), 1);
}
END_TEST

static Suite *mremap_suite(void)
{
	Suite *s = suite_create("mremap");
	TCase *tc;

	tc = t_tcase("errors");
	tcase_add_test(tc, test_mremap_flag_and_alignment_errors);
	tcase_add_test(tc, test_mremap_vma_errors);
	tcase_add_test(tc, test_mremap_locked_growth_past_rlimit_is_eagain);
	tcase_add_test(tc, test_mremap_fixed_errors_leave_target_mapped);
	suite_add_tcase(s, tc);

	tc = t_tcase("shrink_grow");
	tcase_add_test(tc, test_mremap_shrink_unmaps_tail);
	tcase_add_test(tc, test_mremap_shrink_needs_no_vma);
	tcase_add_test(tc, test_mremap_grow_in_place_keeps_pgoff_and_anon_vma);
	tcase_add_test(tc, test_mremap_grow_in_place_never_merges_with_next);
	tcase_add_test(tc, test_mremap_grow_shared_anon_past_object_size_sigbus);
	suite_add_tcase(s, tc);

	tc = t_tcase("move");
	tcase_add_test(tc, test_mremap_move_pages_follow);
	tcase_add_test(tc, test_mremap_moved_faulted_vma_does_not_merge_by_pgoff);
	tcase_add_test(tc, test_mremap_move_unfaulted_takes_new_pgoff_and_merges);
	tcase_add_test(tc, test_mremap_move_unfaulted_merges_with_itself);
	tcase_add_test(tc, test_mremap_move_then_fork_then_rmap_walk);
	tcase_add_test(tc, test_mremap_fixed_replaces_target);
	tcase_add_test(tc, test_mremap_fixed_shrinks_then_moves);
	tcase_add_test(tc, test_mremap_dontunmap_leaves_old_range_mapped_but_empty);
	tcase_add_test(tc, test_mremap_dontunmap_of_file_mapping);
	tcase_add_test(tc, test_mremap_file_mapping_keeps_offset);
	tcase_add_test(tc, test_mremap_duplicates_shared_mapping_with_zero_old_len);
	tcase_add_test(tc, test_mremap_locked_move_accounts_and_populates);
	suite_add_tcase(s, tc);

	tc = t_tcase("pgtables");
	tcase_add_test(tc, test_mremap_moves_whole_pte_table);
	tcase_add_test(tc, test_mremap_moves_whole_pmd_table);
	suite_add_tcase(s, tc);

	tc = t_tcase("oom");
	tcase_add_test(tc, test_mremap_oom_fixed_move_over_target);
	tcase_add_test(tc, test_mremap_oom_grow_move_and_in_place);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(mremap_suite());
}
