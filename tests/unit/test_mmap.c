/* tests/unit/test_mmap.c - core/mmap.c: do_mmap (validation order, address
 * choice, new VMA flags, MAP_FIXED replacement), munmap, and the mm
 * counters, after kernel-spec §3.1.2, §4.3-§4.6, §4.9 and §13 S3/S5
 * (v5.15 mm/mmap.c, arch/x86/kernel/sys_x86_64.c).
 *
 * The spawned process has an empty address space, mmap_base is fixed at
 * 0x7f0000000000 (no randomisation) and mmap_legacy_base is
 * PAGE_ALIGN(TASK_SIZE / 3) = 0x2aaaaaaab000.
 */
#include "testlib.h"

#define TOP		RMAPFS_MMAP_BASE	/* 0x7f0000000000 */
#define LEGACY_BASE	0x2aaaaaaab000UL
#define SHARED_FLAGS(prot) \
	((unsigned long)(prot) | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY)

static long mmap_anon(unsigned long addr, unsigned long len, unsigned long prot,
		      unsigned long flags)
{
	return do_mmap(T.mm, addr, len, prot, MAP_ANON_PRIV | flags, NULL, 0);
}

#define MMAP_AT(expect, addr, len, prot, flags) do { \
	ck_assert_int_eq(mmap_anon((addr), (len), (prot), (flags)), (long)(expect)); \
	CHECK_SIM(T.sim); \
} while (0)

#define MUNMAP_OK(addr, len) do { \
	ck_assert_int_eq(do_munmap(T.mm, (addr), (len)), 0); \
	CHECK_SIM(T.sim); \
} while (0)

/* A call that must fail with @err and change nothing. */
#define MMAP_FAILS(err, addr, len, prot, flags) do { \
	struct t_mm_snap before_; \
	t_snap(&before_, T.mm); \
	ck_assert_int_eq(mmap_anon((addr), (len), (prot), (flags)), (err)); \
	CHECK_SIM(T.sim); \
	ASSERT_UNCHANGED(T.mm, &before_); \
} while (0)

#define MUNMAP_FAILS(err, addr, len) do { \
	struct t_mm_snap before_; \
	t_snap(&before_, T.mm); \
	ck_assert_int_eq(do_munmap(T.mm, (addr), (len)), (err)); \
	CHECK_SIM(T.sim); \
	ASSERT_UNCHANGED(T.mm, &before_); \
} while (0)

/* ------------------------------------------------------ address choice */

START_TEST(test_mmap_first_mapping_ends_at_mmap_base)
{
	/*                      0x7effffffe000      0x7f0000000000 = mmap_base
	 *  (empty)             |-- A rw- 2 pages --|
	 * The highest gap is the one above the (absent) last VMA, clipped
	 * to mmap_base: result = mmap_base - len. */
	MMAP_AT(0x7effffffe000UL, 0, 2 * PG, RW, 0);
	ASSERT_VMAS(T.mm, { 0x7effffffe000UL, TOP, PFN(0x7effffffe000UL),
			    ANON_FLAGS(RW) });
	ASSERT_VM_STAT(T.mm, 2, 2, 0, 0);
}
END_TEST

START_TEST(test_mmap_consecutive_anon_mmaps_merge)
{
	struct vm_area_struct *a;

	/*  S5.                  0x7efffffff000      0x7f0000000000
	 *                       |-- A rw- ----------|               */
	MMAP_AT(0x7efffffff000UL, 0, PG, RW, 0);
	a = t_vma(T.mm, 0);

	/* The second lands right below A; its pgoff (addr >> 12) runs into
	 * A's, flags are equal: case 3, A grows down.
	 *  0x7effffffe000      0x7f0000000000
	 *  |-- A rw- ----------------|          */
	MMAP_AT(0x7effffffe000UL, 0, PG, RW, 0);
	ASSERT_VMAS(T.mm, { 0x7effffffe000UL, TOP, PFN(0x7effffffe000UL),
			    ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), a);

	/* A third with PROT_READ lands below and stays apart (flags
	 * differ; it has no VM_ACCOUNT).
	 *  0x7effffffd000 0x7effffffe000      0x7f0000000000
	 *  |-- B r-- -----|-- A rw- ----------|              */
	MMAP_AT(0x7effffffd000UL, 0, PG, RO, 0);
	ASSERT_VMAS(T.mm,
		    { 0x7effffffd000UL, 0x7effffffe000UL, PFN(0x7effffffd000UL),
		      ANON_FLAGS(RO) },
		    { 0x7effffffe000UL, TOP, PFN(0x7effffffe000UL), ANON_FLAGS(RW) });
	ASSERT_VM_STAT(T.mm, 3, 2, 0, 0);
}
END_TEST

START_TEST(test_mmap_fills_highest_hole_first)
{
	/* Fixed r-- VMAs leave two holes below mmap_base:
	 *  0x7effffffa000 ..b000  ..d000 ..e000 ..f000  0x7f0000000000
	 *  |-- L --|-- 2-page hole --|-- M --|-- hole --|-- T --|      */
	MAP_FIXED_ANON(T.mm, TOP - PG, 1, RO, 0);		/* T */
	MAP_FIXED_ANON(T.mm, TOP - 3 * PG, 1, RO, 0);		/* M */
	MAP_FIXED_ANON(T.mm, TOP - 6 * PG, 1, RO, 0);		/* L */

	/* One page: the highest usable gap is [M.end, T.start). */
	MMAP_AT(TOP - 2 * PG, 0, PG, RW, 0);
	/* Two pages: the next hole down, [L.end, M.start), exactly. */
	MMAP_AT(TOP - 5 * PG, 0, 2 * PG, RW, 0);
	/* One page: no hole left above L; right below L. */
	MMAP_AT(TOP - 7 * PG, 0, PG, RW, 0);

	ASSERT_VMAS(T.mm,
		    { TOP - 7 * PG, TOP - 6 * PG, PFN(TOP - 7 * PG), ANON_FLAGS(RW) },
		    { TOP - 6 * PG, TOP - 5 * PG, PFN(TOP - 6 * PG), ANON_FLAGS(RO) },
		    { TOP - 5 * PG, TOP - 3 * PG, PFN(TOP - 5 * PG), ANON_FLAGS(RW) },
		    { TOP - 3 * PG, TOP - 2 * PG, PFN(TOP - 3 * PG), ANON_FLAGS(RO) },
		    { TOP - 2 * PG, TOP - PG, PFN(TOP - 2 * PG), ANON_FLAGS(RW) },
		    { TOP - PG, TOP, PFN(TOP - PG), ANON_FLAGS(RO) });
	ASSERT_VM_STAT(T.mm, 7, 4, 0, 0);
}
END_TEST

START_TEST(test_mmap_hint_free_is_used)
{
	/*  0x200000000         0x200002000
	 *  |-- A rw- (hint) ---|            free: the hint is taken as is */
	MMAP_AT(0x200000000UL, 0x200000000UL, 2 * PG, RW, 0);
	ASSERT_VMAS(T.mm, { 0x200000000UL, 0x200002000UL, PFN(0x200000000UL),
			    ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mmap_hint_busy_is_ignored)
{
	/*  0x200000000   0x200001000
	 *  |-- H r-- ----|            a hint on H (or running into it) is
	 * silently ignored: the top-down search answers mmap_base - len. */
	MAP_FIXED_ANON(T.mm, 0x200000000UL, 1, RO, 0);
	MMAP_AT(TOP - PG, 0x200000000UL, PG, RW, 0);
	/* [hint, hint + 2 pages) would run into H: also ignored; two pages
	 * right below the first answer: TOP - 1 page - 2 pages. */
	MMAP_AT(TOP - 3 * PG, 0x200000000UL - PG, 2 * PG, RO, 0);
	ASSERT_VMAS(T.mm,
		    { 0x200000000UL, 0x200001000UL, PFN(0x200000000UL), ANON_FLAGS(RO) },
		    { TOP - 3 * PG, TOP - PG, PFN(TOP - 3 * PG), ANON_FLAGS(RO) },
		    { TOP - PG, TOP, PFN(TOP - PG), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mmap_hint_rounded_down_to_page)
{
	/* Hint 0x200000123 is masked to 0x200000000 (round_hint_to_min
	 * and the x86 allocator both round down). */
	MMAP_AT(0x200000000UL, 0x200000123UL, PG, RW, 0);
	ASSERT_VMAS(T.mm, { 0x200000000UL, 0x200001000UL, PFN(0x200000000UL),
			    ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mmap_hint_below_min_addr_raised)
{
	/* A non-zero hint below vm.mmap_min_addr is raised to 65536. */
	MMAP_AT(0x10000UL, 0x1000UL, PG, RW, 0);
	ASSERT_VMAS(T.mm, { 0x10000UL, 0x11000UL, PFN(0x10000UL), ANON_FLAGS(RW) });
	/* 0x10 masks to 0, which is no hint at all: top-down. */
	MMAP_AT(TOP - PG, 0x10UL, PG, RO, 0);
	ck_assert_int_eq(t_nr_vmas(T.mm), 2);
}
END_TEST

START_TEST(test_mmap_hint_past_task_size_ignored)
{
	/* [TASK_SIZE - 1 page, +2 pages) does not fit below TASK_SIZE:
	 * mmap_address_hint_valid fails, the search answers. */
	MMAP_AT(TOP - 2 * PG, TASK_SIZE - PG, 2 * PG, RW, 0);
	ASSERT_VMAS(T.mm, { TOP - 2 * PG, TOP, PFN(TOP - 2 * PG), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mmap_guard_gap_below_growsdown)
{
	/*  0x7effffeef000 0x7effffef0000  1 MiB guard  0x7effffff0000  0x7f0000000000
	 *  |-- A --------|......................... |-- G rw- gd (16 pages) --|
	 * vm_start_gap(G) = G.start - 1 MiB = 0x7effffef0000: the gap below
	 * G ends there, so A = 0x7effffef0000 - 1 page. Nothing fits above
	 * G: it ends at mmap_base. */
	MAP_FIXED_ANON(T.mm, TOP - 16 * PG, 16, RW, MAP_GROWSDOWN);
	ASSERT_VM_STAT(T.mm, 16, 0, 0, 16);	/* GROWSDOWN: stack, not data */

	MMAP_AT(0x7effffeef000UL, 0, PG, RW, 0);
	ASSERT_VMAS(T.mm,
		    { 0x7effffeef000UL, 0x7effffef0000UL, PFN(0x7effffeef000UL),
		      ANON_FLAGS(RW) },
		    { 0x7effffff0000UL, TOP, PFN(0x7effffff0000UL),
		      ANON_FLAGS(RW) | VM_GROWSDOWN });
	ASSERT_VM_STAT(T.mm, 17, 1, 0, 16);
}
END_TEST

START_TEST(test_mmap_hint_within_guard_gap_ignored)
{
	/*  0x7effffeef000  0x7effffef0000      0x7effffffe000 ..f000  mmap_base
	 *  |-- A ---------|   guard gap ......  |hint|-- G rw- gd --|
	 * A hint right below G ends inside the guard gap
	 * (hint + len > vm_start_gap(G)): ignored, top-down answers. */
	MAP_FIXED_ANON(T.mm, TOP - 16 * PG, 16, RW, MAP_GROWSDOWN);
	MMAP_AT(0x7effffeef000UL, TOP - 17 * PG, PG, RO, 0);
	/* A hint a full 1 MiB + 1 page below G is fine. */
	MMAP_AT(0x7effffe00000UL, 0x7effffe00000UL, PG, RO, 0);
	ck_assert_int_eq(t_nr_vmas(T.mm), 3);
}
END_TEST

START_TEST(test_mmap_bottom_up_fallback)
{
	/*  0x10000                 0x7effffff8000  mmap_base  0x7f0000008000 ..9000
	 *  |-- F1 r-- --------------|....16-page hole.........|-- F2 r-- --|
	 * 16 pages fit neither [4096, 0x10000) (15 pages) nor below
	 * mmap_base: top-down fails. The bottom-up fallback takes the
	 * lowest gap at or above mmap_legacy_base (0x2aaaaaaab000): the
	 * hole that straddles mmap_base, at its start. */
	MAP_FIXED_ANON(T.mm, 0x10000UL, PFN(TOP - 0x8000 - 0x10000), RO, 0);
	MAP_FIXED_ANON(T.mm, TOP + 0x8000, 1, RO, 0);

	MMAP_AT(0x7effffff8000UL, 0, 16 * PG, RW, 0);
	ASSERT_VMAS(T.mm,
		    { 0x10000UL, 0x7effffff8000UL, PFN(0x10000UL), ANON_FLAGS(RO) },
		    { 0x7effffff8000UL, 0x7f0000008000UL, PFN(0x7effffff8000UL),
		      ANON_FLAGS(RW) },
		    { 0x7f0000008000UL, 0x7f0000009000UL, PFN(0x7f0000008000UL),
		      ANON_FLAGS(RO) });
}
END_TEST

START_TEST(test_mmap_no_room_enomem)
{
	/*  0x10000                                           TASK_SIZE
	 *  |-- F r-- ------------------------------------------|
	 * 16 pages fit nowhere, top-down or bottom-up. */
	MAP_FIXED_ANON(T.mm, 0x10000UL, PFN(TASK_SIZE - 0x10000UL), RO, 0);
	MMAP_FAILS(-ENOMEM, 0, 16 * PG, RW, 0);
}
END_TEST

START_TEST(test_mmap_top_down_below_min_addr_eperm)
{
	/*  0x1000        0x10000                            TASK_SIZE
	 *  |..15 pages...|-- F r-- ---------------------------|
	 * x86's top-down search has low_limit = 4096, so one page is found
	 * at 0x10000 - 4096 = 0xf000; get_unmapped_area's security check
	 * (mmap_min_addr, unprivileged) then refuses it: EPERM. */
	MAP_FIXED_ANON(T.mm, 0x10000UL, PFN(TASK_SIZE - 0x10000UL), RO, 0);
	MMAP_FAILS(-EPERM, 0, PG, RW, 0);
}
END_TEST

/* ------------------------------------------------------------ MAP_FIXED */

START_TEST(test_mmap_fixed_replaces_middle)
{
	struct vm_area_struct *a;

	/*  0x40000000                                          0x40004000
	 *  |-- A rw- ---------------------------------------------|
	 * mmap r-- fixed at [0x40001000, 0x40002000): munmap semantics
	 * (split at start keeping A low, split at end, remove), then a new
	 * VMA; r-- merges with neither rw- side.
	 *  |-- A rw- ----|-- r-- -------|-- rw- -------------------| */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	a = t_vma(T.mm, 0);

	MAP_FIXED_ANON(T.mm, BASE + PG, 1, RO, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), ANON_FLAGS(RO) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), a);
	/* total 4 -> 3 (hiwater_vm = 4 taken first) -> 4; data 3. */
	ASSERT_VM_STAT(T.mm, 4, 3, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
}
END_TEST

START_TEST(test_mmap_fixed_replaces_several_vmas)
{
	/*  0x40000000    0x40002000    0x40003000    0x40005000
	 *  |-- A r-- ----|-- B rw- ----|-- C r-x ----|
	 *               ^ fixed rw- [0x40001000, 0x40004000) ^
	 * A loses its tail, B goes, C loses its head:
	 *  |-- A r-- |-- new rw- ---------------|-- C r-x |
	 *  0x40000000 0x40001000                 0x40004000 0x40005000 */
	MAP_FIXED_ANON(T.mm, BASE, 2, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 2, RX, 0);
	ASSERT_VM_STAT(T.mm, 5, 1, 2, 0);

	MAP_FIXED_ANON(T.mm, BASE + PG, 3, RW, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RO) },
		    { BASE + PG, BASE + 4 * PG, PFN(BASE + PG), ANON_FLAGS(RW) },
		    { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG), ANON_FLAGS(RX) });
	/* 5 - 3 unmapped + 3 mapped; hiwater_vm caught 5 before the drop. */
	ASSERT_VM_STAT(T.mm, 5, 3, 1, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 5);
	ck_assert_uint_eq(T.sim->nr_vmas, 3);
}
END_TEST

START_TEST(test_mmap_fixed_same_prot_over_middle_merges_back)
{
	struct vm_area_struct *a;

	/*  0x40000000                                          0x40004000
	 *  |-- A rw- ---------------------------------------------|
	 * mmap rw- fixed over the second page: unmapped, then the new
	 * range fills the hole exactly: case 1, A grows back. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	a = t_vma(T.mm, 0);

	MAP_FIXED_ANON(T.mm, BASE + PG, 1, RW, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + 4 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), a);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
	ASSERT_VM_STAT(T.mm, 4, 4, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
}
END_TEST

START_TEST(test_mmap_fixed_noreplace_overlap_eexist)
{
	/*  0x40000000          0x40002000
	 *  |-- A rw- ----------|
	 *            |-- noreplace [0x40001000, 0x40003000) --|
	 * EEXIST, and nothing is unmapped. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MMAP_FAILS(-EEXIST, BASE + PG, 2 * PG, RW, MAP_FIXED_NOREPLACE);
	/* Entirely inside A too. */
	MMAP_FAILS(-EEXIST, BASE, PG, RO, MAP_FIXED_NOREPLACE);
}
END_TEST

START_TEST(test_mmap_fixed_noreplace_free_range_maps_exactly)
{
	/*  0x40000000          0x40002000          0x40003000
	 *  |-- A rw- ----------|-- new rw- --------|
	 * Free: mapped exactly there, and it merges like any mmap. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MMAP_AT(BASE + 2 * PG, BASE + 2 * PG, PG, RW, MAP_FIXED_NOREPLACE);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mmap_fixed_unaligned_einval)
{
	MMAP_FAILS(-EINVAL, BASE + 0x10, PG, RW, MAP_FIXED);
	MMAP_FAILS(-EINVAL, BASE + 0x800, PG, RW, MAP_FIXED_NOREPLACE);
	ASSERT_NO_VMAS(T.mm);
}
END_TEST

START_TEST(test_mmap_fixed_below_min_addr_eperm)
{
	/* Unprivileged: below vm.mmap_min_addr = 65536 is EPERM. */
	MMAP_FAILS(-EPERM, 0xf000UL, PG, RW, MAP_FIXED);
	MMAP_FAILS(-EPERM, 0x1000UL, PG, RW, MAP_FIXED_NOREPLACE);
	MMAP_FAILS(-EPERM, 0, PG, RW, MAP_FIXED);
	/* [0xf000, 0x11000) starts below it as well. */
	MMAP_FAILS(-EPERM, 0xf000UL, 2 * PG, RW, MAP_FIXED);
	/* 65536 itself is allowed. */
	MMAP_AT(0x10000UL, 0x10000UL, PG, RW, MAP_FIXED);
}
END_TEST

START_TEST(test_mmap_fixed_past_task_size_enomem)
{
	/* addr > TASK_SIZE - len: ENOMEM. */
	MMAP_FAILS(-ENOMEM, TASK_SIZE - PG, 2 * PG, RW, MAP_FIXED);
	/* The last page below TASK_SIZE is fine. */
	MMAP_AT(TASK_SIZE - PG, TASK_SIZE - PG, PG, RW, MAP_FIXED);
	ASSERT_VMAS(T.mm, { TASK_SIZE - PG, TASK_SIZE, PFN(TASK_SIZE - PG),
			    ANON_FLAGS(RW) });
}
END_TEST

/* --------------------------------------------------- validation order */

START_TEST(test_mmap_len_zero_einval)
{
	MMAP_FAILS(-EINVAL, 0, 0, RW, 0);
	MMAP_FAILS(-EINVAL, BASE, 0, RW, MAP_FIXED);
}
END_TEST

START_TEST(test_mmap_len_wraps_enomem)
{
	/* PAGE_ALIGN(-1) wraps to 0: ENOMEM. */
	MMAP_FAILS(-ENOMEM, 0, ~0UL, RW, 0);
	/* No wrap, but longer than TASK_SIZE: ENOMEM from
	 * get_unmapped_area. */
	MMAP_FAILS(-ENOMEM, 0, ~0UL - PG + 1, RW, 0);
	MMAP_FAILS(-ENOMEM, 0, TASK_SIZE + PG, RW, 0);
}
END_TEST

START_TEST(test_mmap_offset_overflow_eoverflow)
{
	struct t_mm_snap before;

	/* pgoff + pages wraps: EOVERFLOW. */
	t_file(T.sim, "/a", 4 * PG);
	t_snap(&before, T.mm);
	ck_assert_int_eq(t_mmap_file(T.mm, 0, PG, RO, MAP_PRIVATE, "/a", ~0UL),
			 -EOVERFLOW);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_mmap_max_map_count)
{
	/* vm.max_map_count = 2; do_mmap refuses only when map_count > max
	 * (splits use >=). */
	T_CMD(T.sim, "sysctl vm.max_map_count 2");
	ck_assert_int_eq(T.sim->sysctl.max_map_count, 2);
	/*  0x40000000    0x40002000    0x40004000
	 *  |-- A rw- ----|-- r-- ------|-- rw- -----|   (3 = max + 1) */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RW, 0);	/* map_count 2: ok */
	ck_assert_int_eq(T.mm->map_count, 3);

	/* map_count 3 > 2: ENOMEM, even for a range that would merge. */
	MMAP_FAILS(-ENOMEM, 0, PG, RW, 0);
	MMAP_FAILS(-ENOMEM, BASE + PG, PG, RW, MAP_FIXED);

	MUNMAP_OK(BASE + 4 * PG, PG);
	MMAP_AT(BASE + 4 * PG, BASE + 4 * PG, PG, RW, MAP_FIXED);
}
END_TEST

START_TEST(test_mmap_check_order)
{
	/* do_mmap's order (§4.5): len 0, wrap, overflow, map_count, address
	 * choice, NOREPLACE, then type checks. One request failing two
	 * checks reports the earlier one. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	T.sim->sysctl.max_map_count = 1;	/* map_count 2 > 1 */
	MMAP_FAILS(-EINVAL, BASE, 0, RW, MAP_FIXED_NOREPLACE);	/* len 0 */
	MMAP_FAILS(-ENOMEM, BASE, PG, RW, MAP_FIXED_NOREPLACE);	/* map_count */
	T.sim->sysctl.max_map_count = DEFAULT_MAX_MAP_COUNT;
	MMAP_FAILS(-EPERM, 0x1000UL, PG, RW, MAP_FIXED_NOREPLACE | MAP_GROWSDOWN);
	/* Overlap is found before the growsdown-with-shared check. */
	{
		struct t_mm_snap before;

		t_snap(&before, T.mm);
		ck_assert_int_eq(do_mmap(T.mm, BASE, PG, RW,
					 MAP_SHARED | MAP_ANONYMOUS |
					 MAP_FIXED_NOREPLACE | MAP_GROWSDOWN,
					 NULL, 0), -EEXIST);
		CHECK_SIM(T.sim);
		ASSERT_UNCHANGED(T.mm, &before);
	}
}
END_TEST

START_TEST(test_mmap_growsdown_shared_einval)
{
	struct t_mm_snap before;

	t_snap(&before, T.mm);
	ck_assert_int_eq(do_mmap(T.mm, 0, PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN,
				 NULL, 0), -EINVAL);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_mmap_growsdown_file_einval)
{
	struct t_mm_snap before;
	struct inode *a = t_file(T.sim, "/a", 4 * PG);

	/* GROWSDOWN on any file mapping, private included: EINVAL. */
	t_snap(&before, T.mm);
	ck_assert_int_eq(t_mmap_file(T.mm, 0, PG, RO, MAP_PRIVATE | MAP_GROWSDOWN,
				     "/a", 0), -EINVAL);
	ck_assert_int_eq(t_mmap_file(T.mm, 0, PG, RO, MAP_SHARED | MAP_GROWSDOWN,
				     "/a", 0), -EINVAL);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_uint_eq(a->i_mmap_count, 0);
}
END_TEST

START_TEST(test_mmap_map_type_missing_einval)
{
	struct t_mm_snap before;

	t_snap(&before, T.mm);
	ck_assert_int_eq(do_mmap(T.mm, 0, PG, RW, MAP_ANONYMOUS, NULL, 0), -EINVAL);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
}
END_TEST

START_TEST(test_mmap_overcommit_guess)
{
	struct t_mm_snap before;

	/* vm.overcommit_memory = 0 (OVERCOMMIT_GUESS): one charge may not
	 * exceed totalram + swap = 1024 frames + 0. Only accountable
	 * mappings are charged: private writable without NORESERVE. */
	MMAP_FAILS(-ENOMEM, 0, 1025 * PG, RW, 0);
	MMAP_AT(TOP - 1024 * PG, 0, 1024 * PG, RW, 0);
	MUNMAP_OK(TOP - 1024 * PG, 1024 * PG);
	MMAP_AT(TOP - 2048 * PG, 0, 2048 * PG, RW, MAP_NORESERVE);
	MMAP_AT(TOP - 4096 * PG, 0, 2048 * PG, RO, 0);

	/* mprotect charges on the first write permission: 2048 pages of the
	 * r-- VMA becoming rw- is over the limit. Nothing changes. */
	t_snap(&before, T.mm);
	ck_assert_int_eq(do_mprotect(T.mm, TOP - 4096 * PG, 2048 * PG, RW), -ENOMEM);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
	/* 1024 of them may. */
	ck_assert_int_eq(do_mprotect(T.mm, TOP - 4096 * PG, 1024 * PG, RW), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(t_vma(T.mm, 0)->vm_flags, ANON_FLAGS(RW));
}
END_TEST

START_TEST(test_mmap_overcommit_guess_shared_anon)
{
	struct t_mm_snap before;

	/* Shared anonymous memory is shmem: shmem_zero_setup ->
	 * __shmem_file_setup -> shmem_acct_size charges the whole size
	 * unless VM_NORESERVE, with the same guess: 1025 pages of a
	 * 1024-frame machine is ENOMEM, 1024 is fine, NORESERVE is not
	 * charged. */
	t_snap(&before, T.mm);
	ck_assert_int_eq(do_mmap(T.mm, 0, 1025 * PG, RW, MAP_SHARED | MAP_ANONYMOUS,
				 NULL, 0), -ENOMEM);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);
	ck_assert_int_eq(do_mmap(T.mm, 0, 1024 * PG, RW, MAP_SHARED | MAP_ANONYMOUS,
				 NULL, 0), (long)(TOP - 1024 * PG));
	CHECK_SIM(T.sim);
	ck_assert_int_eq(do_mmap(T.mm, 0, 2048 * PG, RW,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, NULL, 0),
			 (long)(TOP - 3072 * PG));
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(t_vma(T.mm, 0)->vm_flags,
			  SHARED_FLAGS(RW) | VM_NORESERVE);
}
END_TEST

/* ------------------------------------------------------ new VMA flags */

START_TEST(test_mmap_new_vma_flags)
{
	/* §4.3.1, one mapping each, 2 pages apart so nothing merges:
	 *  BASE      +2       +4       +6       +8       +10
	 *  |rw- |    |rw- nr| |r-- |   |--- |   |rw- gd| |r-x | */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RW, MAP_NORESERVE);
	MAP_FIXED_ANON(T.mm, BASE + 4 * PG, 1, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 6 * PG, 1, PROT_NONE, 0);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 1, RW, MAP_GROWSDOWN);
	MAP_FIXED_ANON(T.mm, BASE + 10 * PG, 1, RX, 0);
	ASSERT_VMAS(T.mm,
		    /* private writable: VM_ACCOUNT */
		    { BASE, BASE + PG, PFN(BASE),
		      VM_READ | VM_WRITE | VM_MAY | VM_ACCOUNT | VM_SOFTDIRTY },
		    /* MAP_NORESERVE: VM_NORESERVE instead of VM_ACCOUNT */
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG),
		      VM_READ | VM_WRITE | VM_MAY | VM_NORESERVE | VM_SOFTDIRTY },
		    { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG),
		      VM_READ | VM_MAY | VM_SOFTDIRTY },
		    { BASE + 6 * PG, BASE + 7 * PG, PFN(BASE + 6 * PG),
		      VM_MAY | VM_SOFTDIRTY },
		    { BASE + 8 * PG, BASE + 9 * PG, PFN(BASE + 8 * PG),
		      VM_READ | VM_WRITE | VM_MAY | VM_GROWSDOWN | VM_ACCOUNT |
		      VM_SOFTDIRTY },
		    { BASE + 10 * PG, BASE + 11 * PG, PFN(BASE + 10 * PG),
		      VM_READ | VM_EXEC | VM_MAY | VM_SOFTDIRTY });
	ck_assert_uint_eq(ANON_FLAGS(RW), 0x08100073UL);	/* rd wr mr mw me ac sd */
	/* Private anonymous VMAs have neither file nor anon_vma yet. */
	ck_assert_ptr_null(t_vma(T.mm, 0)->vm_file);
	ck_assert_ptr_null(t_vma(T.mm, 0)->anon_vma);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 0);
}
END_TEST

START_TEST(test_mmap_private_anon_pgoff_is_final_address)
{
	/*  0x1ffffff000  0x200000000   0x200001000
	 *  |<- hint ...  |-- H r-- ----|
	 * A 2-page hint at 0x1ffffff000 runs into H: ignored, top-down
	 * places it at mmap_base - 2 pages, and pgoff is that address >> 12,
	 * not the hint's. */
	MAP_FIXED_ANON(T.mm, 0x200000000UL, 1, RO, 0);
	MMAP_AT(TOP - 2 * PG, 0x200000000UL - PG, 2 * PG, RW, 0);
	ASSERT_VMAS(T.mm,
		    { 0x200000000UL, 0x200001000UL, PFN(0x200000000UL), ANON_FLAGS(RO) },
		    { TOP - 2 * PG, TOP, PFN(TOP - 2 * PG), ANON_FLAGS(RW) });
	/* The same again lands right below and merges (case 3): the VMA's
	 * pgoff becomes that of its new start. */
	MMAP_AT(TOP - 4 * PG, 0x200000000UL - PG, 2 * PG, RW, 0);
	ASSERT_VMAS(T.mm,
		    { 0x200000000UL, 0x200001000UL, PFN(0x200000000UL), ANON_FLAGS(RO) },
		    { TOP - 4 * PG, TOP, PFN(TOP - 4 * PG), ANON_FLAGS(RW) });
}
END_TEST

START_TEST(test_mmap_shared_anon_is_shmem_with_pgoff_zero)
{
	struct vm_area_struct *v;
	long got;

	/*  0x7effffffe000      0x7f0000000000
	 *  |-- S rw-s ---------|   /dev/zero (deleted), inode 1, 00:01 */
	got = do_mmap(T.mm, 0, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	ck_assert_int_eq(got, (long)(TOP - 2 * PG));
	CHECK_SIM(T.sim);
	/* VM_SHARED|VM_MAYSHARE, no VM_ACCOUNT, pgoff forced to 0. */
	ASSERT_VMAS(T.mm, { TOP - 2 * PG, TOP, 0, SHARED_FLAGS(RW) });
	v = t_vma(T.mm, 0);
	ck_assert_ptr_nonnull(v->vm_file);
	ck_assert(v->vm_file->f_inode->shmem);
	ck_assert_uint_eq(v->vm_file->f_inode->i_ino, 1);
	ck_assert_uint_eq(v->vm_file->f_inode->dev_major, 0);
	ck_assert_uint_eq(v->vm_file->f_inode->dev_minor, 1);
	ck_assert_uint_eq(v->vm_file->f_inode->i_mmap_count, 1);
	ck_assert_uint_eq(v->vm_file->f_inode->i_mmap_writable, 1);
	/* Shared: neither data nor exec nor stack. */
	ASSERT_VM_STAT(T.mm, 2, 0, 0, 0);
}
END_TEST

START_TEST(test_mmap_shared_anon_mappings_never_merge)
{
	long got;

	/*  0x7effffffe000 0x7efffffff000 0x7f0000000000
	 *  |-- S2 rw-s ---|-- S1 rw-s ---|
	 * Each is its own shmem object (inodes 1 and 2), both pgoff 0. */
	got = do_mmap(T.mm, 0, PG, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	ck_assert_int_eq(got, (long)(TOP - PG));
	CHECK_SIM(T.sim);
	got = do_mmap(T.mm, 0, PG, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	ck_assert_int_eq(got, (long)(TOP - 2 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { TOP - 2 * PG, TOP - PG, 0, SHARED_FLAGS(RW) },
		    { TOP - PG, TOP, 0, SHARED_FLAGS(RW) });
	ck_assert_ptr_ne(t_vma(T.mm, 0)->vm_file, t_vma(T.mm, 1)->vm_file);
	ck_assert_uint_eq(t_vma(T.mm, 1)->vm_file->f_inode->i_ino, 1);
	ck_assert_uint_eq(t_vma(T.mm, 0)->vm_file->f_inode->i_ino, 2);
}
END_TEST

START_TEST(test_mmap_file_flags_and_i_mmap)
{
	struct inode *lib = t_file(T.sim, "/lib/libc.so", 8 * PG);

	/*  0x40000000          0x40002000  0x40003000  0x40004000  0x40005000
	 *  |-- /lib@0 r-x -----|-- @2 rw-p-|           |-- @4 rw-s-|  */
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 2 * PG, RX, MAP_PRIVATE | MAP_FIXED,
				     "/lib/libc.so", 0), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 2 * PG, PG, RW,
				     MAP_PRIVATE | MAP_FIXED, "/lib/libc.so", 2),
			 (long)(BASE + 2 * PG));
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 4 * PG, PG, RW,
				     MAP_SHARED | MAP_FIXED, "/lib/libc.so", 4),
			 (long)(BASE + 4 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm,
		    { BASE, BASE + 2 * PG, 0, VM_READ | VM_EXEC | VM_MAY | VM_SOFTDIRTY },
		    /* private writable file mapping: accountable */
		    { BASE + 2 * PG, BASE + 3 * PG, 2,
		      VM_READ | VM_WRITE | VM_MAY | VM_ACCOUNT | VM_SOFTDIRTY },
		    /* rmapfs opens read-write: VM_SHARED and VM_MAYWRITE stay */
		    { BASE + 4 * PG, BASE + 5 * PG, 4, SHARED_FLAGS(RW) });
	/* r-x private: exec; rw- private file: data; shared: neither. */
	ASSERT_VM_STAT(T.mm, 4, 1, 2, 0);
	ck_assert_uint_eq(lib->i_mmap_count, 3);
	ck_assert_uint_eq(lib->i_mmap_writable, 1);	/* the VM_SHARED one */
	ck_assert_ptr_eq(t_vma(T.mm, 0)->vm_file->f_inode, lib);

	/* munmap drops the VMAs from i_mmap. */
	MUNMAP_OK(BASE + 4 * PG, PG);
	ck_assert_uint_eq(lib->i_mmap_count, 2);
	ck_assert_uint_eq(lib->i_mmap_writable, 0);
}
END_TEST

/* -------------------------------------------------------------- munmap */

START_TEST(test_munmap_head)
{
	struct vm_area_struct *v;

	/*  0x40000000    0x40001000                                0x40004000
	 *  |-- V rw- ----|---------------------------------------------|
	 *  ^ munmap ^    V continues as the remaining [0x40001000, end) */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);

	MUNMAP_OK(BASE, PG);
	ASSERT_VMAS(T.mm, { BASE + PG, BASE + 4 * PG, PFN(BASE + PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
}
END_TEST

START_TEST(test_munmap_middle)
{
	struct vm_area_struct *v;

	/*  S3 without pages.
	 *  0x40000000    0x40001000    0x40002000                  0x40004000
	 *  |-- V rw- ----|-- munmap ---|-------------------------------|
	 * -> |-- V rw- --|             |-- rw- pgoff +2 -----------------| */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);

	MUNMAP_OK(BASE + PG, PG);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);	/* VmPeak stays 16 kB */
	ck_assert_uint_eq(T.sim->nr_vmas, 2);
}
END_TEST

START_TEST(test_munmap_tail)
{
	struct vm_area_struct *v;

	/*  0x40000000                                0x40003000    0x40004000
	 *  |-- V rw- ----------------------------------|-- munmap ---|
	 * The length is rounded up to a page: 100 bytes unmap one page. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);

	MUNMAP_OK(BASE + 3 * PG, 100);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
}
END_TEST

START_TEST(test_munmap_whole)
{
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MUNMAP_OK(BASE, 4 * PG);
	ASSERT_NO_VMAS(T.mm);
	ASSERT_VM_STAT(T.mm, 0, 0, 0, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
	ck_assert_uint_eq(T.sim->nr_vmas, 0);
}
END_TEST

START_TEST(test_munmap_several_vmas_and_holes)
{
	/*  0x40000000    0x40002000    0x40003000    0x40005000    0x40006000
	 *  |-- A rw- ----|    hole     |-- C r-- ----|-- D r-x ----|
	 *         |------ munmap [0x40001000, 0x40005000) ------|
	 * -> |-- A --|                                |-- D r-x --| */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MAP_FIXED_ANON(T.mm, BASE + 3 * PG, 2, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 5 * PG, 1, RX, 0);
	ASSERT_VM_STAT(T.mm, 5, 2, 1, 0);

	MUNMAP_OK(BASE + PG, 4 * PG);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + 5 * PG, BASE + 6 * PG, PFN(BASE + 5 * PG), ANON_FLAGS(RX) });
	ASSERT_VM_STAT(T.mm, 2, 1, 1, 0);
	ck_assert_uint_eq(T.mm->hiwater_vm, 5);
}
END_TEST

START_TEST(test_munmap_range_starting_in_hole)
{
	struct vm_area_struct *v;

	/*  0x40000000    0x40001000                  0x40003000
	 *  |    hole     |-- V rw- ------------------|
	 *  ^---- munmap [0x40000000, 0x40002000) ----^
	 * Nothing to split at start; V is split at end (new_below = 1, the
	 * new lower part goes) and keeps [0x40002000, 0x40003000). */
	MAP_FIXED_ANON(T.mm, BASE + PG, 2, RW, 0);
	v = t_vma(T.mm, 0);
	MUNMAP_OK(BASE, 2 * PG);
	ASSERT_VMAS(T.mm, { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG),
			    ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	ASSERT_VM_STAT(T.mm, 1, 1, 0, 0);
}
END_TEST

START_TEST(test_munmap_no_vma_in_range_succeeds)
{
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	{
		struct t_mm_snap before;

		t_snap(&before, T.mm);
		ck_assert_int_eq(do_munmap(T.mm, BASE + 10 * PG, 3 * PG), 0);
		ck_assert_int_eq(do_munmap(T.mm, 0x10000UL, PG), 0);
		CHECK_SIM(T.sim);
		ASSERT_UNCHANGED(T.mm, &before);
	}
}
END_TEST

START_TEST(test_munmap_unaligned_einval)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MUNMAP_FAILS(-EINVAL, BASE + 1, PG);
	MUNMAP_FAILS(-EINVAL, BASE + PG / 2, PG);
}
END_TEST

START_TEST(test_munmap_len_zero_einval)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	MUNMAP_FAILS(-EINVAL, BASE, 0);
}
END_TEST

START_TEST(test_munmap_past_task_size_einval)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	/* len > TASK_SIZE - start */
	MUNMAP_FAILS(-EINVAL, BASE, TASK_SIZE);
	MUNMAP_FAILS(-EINVAL, TASK_SIZE + PG, PG);
}
END_TEST

START_TEST(test_munmap_max_map_count)
{
	struct vm_area_struct *v;

	/*  0x40000000                                              0x40004000
	 *  |-- V rw- -------------------------------------------------|
	 * vm.max_map_count = 1 = map_count. A middle munmap must split at
	 * start first and would leave 2 VMAs: ENOMEM, nothing changed. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	v = t_vma(T.mm, 0);
	T.sim->sysctl.max_map_count = 1;
	MUNMAP_FAILS(-ENOMEM, BASE + PG, PG);

	/* The head: only the split at end (__split_vma, unchecked). */
	MUNMAP_OK(BASE, PG);
	/* The tail: a split at start, but end == vm_end: no check. */
	MUNMAP_OK(BASE + 3 * PG, PG);
	ASSERT_VMAS(T.mm, { BASE + PG, BASE + 3 * PG, PFN(BASE + PG), ANON_FLAGS(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
}
END_TEST

/* ----------------------------------------------------------- counters */

START_TEST(test_mmap_vm_stat_account_classes)
{
	long got;

	/* §3.1.2: exec = (EXEC|WRITE|GROWSDOWN) == EXEC; stack = GROWSDOWN;
	 * data = (WRITE|SHARED|GROWSDOWN) == WRITE.
	 *  BASE    +8      +16       +24        +32     +40
	 *  |rw- 4| |r-x 2| |rw- gd 3| |rw- s 2| |r-- 1| |rwx 1| */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	ASSERT_VM_STAT(T.mm, 4, 4, 0, 0);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 2, RX, 0);
	ASSERT_VM_STAT(T.mm, 6, 4, 2, 0);
	MAP_FIXED_ANON(T.mm, BASE + 16 * PG, 3, RW, MAP_GROWSDOWN);
	ASSERT_VM_STAT(T.mm, 9, 4, 2, 3);
	got = do_mmap(T.mm, BASE + 24 * PG, 2 * PG, RW,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	ck_assert_int_eq(got, (long)(BASE + 24 * PG));
	CHECK_SIM(T.sim);
	ASSERT_VM_STAT(T.mm, 11, 4, 2, 3);
	MAP_FIXED_ANON(T.mm, BASE + 32 * PG, 1, RO, 0);
	ASSERT_VM_STAT(T.mm, 12, 4, 2, 3);
	MAP_FIXED_ANON(T.mm, BASE + 40 * PG, 1, RWX, 0);	/* writable: data */
	ASSERT_VM_STAT(T.mm, 13, 5, 2, 3);
	ck_assert_uint_eq(T.mm->hiwater_vm, 0);	/* never lowered yet */

	/* munmap takes the pages out of the same class; hiwater_vm is
	 * raised to total_vm (13) just before it drops. */
	MUNMAP_OK(BASE + 8 * PG, 2 * PG);
	ASSERT_VM_STAT(T.mm, 11, 5, 0, 3);
	ck_assert_uint_eq(T.mm->hiwater_vm, 13);
	MUNMAP_OK(BASE + 16 * PG, 3 * PG);
	ASSERT_VM_STAT(T.mm, 8, 5, 0, 0);
	/* update_hiwater_vm only raises: max(13, 11) stays 13. */
	ck_assert_uint_eq(T.mm->hiwater_vm, 13);
}
END_TEST

START_TEST(test_munmap_hiwater_vm)
{
	/* hiwater_vm is raised to total_vm only just before total_vm drops:
	 * 4 -> munmap 2 -> (hw 4) 2 -> +1 = 3 -> +3 = 6 (hw still 4)
	 * -> munmap 1 -> (hw 6) 5. */
	MAP_FIXED_ANON(T.mm, BASE, 4, RW, 0);
	MUNMAP_OK(BASE, 2 * PG);
	ck_assert_uint_eq(T.mm->total_vm, 2);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 1, RO, 0);
	MAP_FIXED_ANON(T.mm, BASE + 16 * PG, 3, RO, 0);
	ck_assert_uint_eq(T.mm->total_vm, 6);
	ck_assert_uint_eq(T.mm->hiwater_vm, 4);
	MUNMAP_OK(BASE + 8 * PG, PG);
	ck_assert_uint_eq(T.mm->total_vm, 5);
	ck_assert_uint_eq(T.mm->hiwater_vm, 6);
}
END_TEST

static Suite *mmap_suite(void)
{
	Suite *s = suite_create("mmap");
	TCase *tc;

	tc = t_tcase("placement");
	tcase_add_test(tc, test_mmap_first_mapping_ends_at_mmap_base);
	tcase_add_test(tc, test_mmap_consecutive_anon_mmaps_merge);
	tcase_add_test(tc, test_mmap_fills_highest_hole_first);
	tcase_add_test(tc, test_mmap_hint_free_is_used);
	tcase_add_test(tc, test_mmap_hint_busy_is_ignored);
	tcase_add_test(tc, test_mmap_hint_rounded_down_to_page);
	tcase_add_test(tc, test_mmap_hint_below_min_addr_raised);
	tcase_add_test(tc, test_mmap_hint_past_task_size_ignored);
	tcase_add_test(tc, test_mmap_guard_gap_below_growsdown);
	tcase_add_test(tc, test_mmap_hint_within_guard_gap_ignored);
	tcase_add_test(tc, test_mmap_bottom_up_fallback);
	tcase_add_test(tc, test_mmap_no_room_enomem);
	tcase_add_test(tc, test_mmap_top_down_below_min_addr_eperm);
	suite_add_tcase(s, tc);

	tc = t_tcase("fixed");
	tcase_add_test(tc, test_mmap_fixed_replaces_middle);
	tcase_add_test(tc, test_mmap_fixed_replaces_several_vmas);
	tcase_add_test(tc, test_mmap_fixed_same_prot_over_middle_merges_back);
	tcase_add_test(tc, test_mmap_fixed_noreplace_overlap_eexist);
	tcase_add_test(tc, test_mmap_fixed_noreplace_free_range_maps_exactly);
	tcase_add_test(tc, test_mmap_fixed_unaligned_einval);
	tcase_add_test(tc, test_mmap_fixed_below_min_addr_eperm);
	tcase_add_test(tc, test_mmap_fixed_past_task_size_enomem);
	suite_add_tcase(s, tc);

	tc = t_tcase("validation");
	tcase_add_test(tc, test_mmap_len_zero_einval);
	tcase_add_test(tc, test_mmap_len_wraps_enomem);
	tcase_add_test(tc, test_mmap_offset_overflow_eoverflow);
	tcase_add_test(tc, test_mmap_max_map_count);
	tcase_add_test(tc, test_mmap_check_order);
	tcase_add_test(tc, test_mmap_growsdown_shared_einval);
	tcase_add_test(tc, test_mmap_growsdown_file_einval);
	tcase_add_test(tc, test_mmap_map_type_missing_einval);
	tcase_add_test(tc, test_mmap_overcommit_guess);
	tcase_add_test(tc, test_mmap_overcommit_guess_shared_anon);
	suite_add_tcase(s, tc);

	tc = t_tcase("flags");
	tcase_add_test(tc, test_mmap_new_vma_flags);
	tcase_add_test(tc, test_mmap_private_anon_pgoff_is_final_address);
	tcase_add_test(tc, test_mmap_shared_anon_is_shmem_with_pgoff_zero);
	tcase_add_test(tc, test_mmap_shared_anon_mappings_never_merge);
	tcase_add_test(tc, test_mmap_file_flags_and_i_mmap);
	suite_add_tcase(s, tc);

	tc = t_tcase("munmap");
	tcase_add_test(tc, test_munmap_head);
	tcase_add_test(tc, test_munmap_middle);
	tcase_add_test(tc, test_munmap_tail);
	tcase_add_test(tc, test_munmap_whole);
	tcase_add_test(tc, test_munmap_several_vmas_and_holes);
	tcase_add_test(tc, test_munmap_range_starting_in_hole);
	tcase_add_test(tc, test_munmap_no_vma_in_range_succeeds);
	tcase_add_test(tc, test_munmap_unaligned_einval);
	tcase_add_test(tc, test_munmap_len_zero_einval);
	tcase_add_test(tc, test_munmap_past_task_size_einval);
	tcase_add_test(tc, test_munmap_max_map_count);
	suite_add_tcase(s, tc);

	tc = t_tcase("counters");
	tcase_add_test(tc, test_mmap_vm_stat_account_classes);
	tcase_add_test(tc, test_munmap_hiwater_vm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(mmap_suite());
}
