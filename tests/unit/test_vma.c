/* tests/unit/test_vma.c - core/vma.c: vma_merge cases 1-8 and each reason it
 * refuses, __split_vma/split_vma, after kernel-spec §4.7-§4.8 (v5.15
 * mm/mmap.c vma_merge, __vma_adjust, __split_vma).
 *
 * Layouts are built from fixed private anonymous mappings at BASE. Unless a
 * test is about VM_ACCOUNT, mappings are made with MAP_NORESERVE so that a
 * later mprotect to PROT_WRITE does not add VM_ACCOUNT (§4.10 step 5.2):
 * then two VMAs with the same prot have equal flags, and the cases read
 * like the kernel's table.
 */
#include "testlib.h"

#define NRF(prot)	ANON_NR_FLAGS(prot)

/* Fixed private anonymous MAP_NORESERVE mapping; returns its VMA. */
#define MAP_NR(addr, npages, prot) ({ \
	MAP_FIXED_ANON(T.mm, (addr), (npages), (prot), MAP_NORESERVE); \
	find_vma(T.mm, (addr)); \
})

#define MPROTECT_OK(addr, npages, prot) do { \
	ck_assert_int_eq(do_mprotect(T.mm, (addr), (npages) * PG, (prot)), 0); \
	CHECK_SIM(T.sim); \
} while (0)

/* Private file flags: no VM_ACCOUNT unless writable (§4.3.1). */
#define FILE_PRIV_FLAGS(prot)	ANON_FLAGS(prot)

/* ---------------------------------------------------------------- cases */

START_TEST(test_vma_merge_case1)
{
	struct vm_area_struct *p;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ----|    hole     |-- N rw- ----|
	 * mmap rw- fills the hole exactly: PPPP AAAA NNNN -> PPPPPPPPPPPP */
	p = MAP_NR(BASE, 1, RW);
	MAP_NR(BASE + 2 * PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RW) });

	MAP_NR(BASE + PG, 1, RW);
	/* prev survives and grows over the range and N; N is freed. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_case2)
{
	struct vm_area_struct *p;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- P rw- ----|             |
	 * mmap rw- right after P, nothing after: PPPP AAAA -> PPPPPPPP */
	p = MAP_NR(BASE, 1, RW);

	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
	ASSERT_VM_STAT(T.mm, 2, 2, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_case3)
{
	struct vm_area_struct *n;

	/*  0x40000000    0x40001000    0x40002000
	 *  |             |-- N rw- ----|
	 * mmap rw- right before N: AAAA NNNN -> NNNNNNNN */
	n = MAP_NR(BASE + PG, 1, RW);

	MAP_NR(BASE, 1, RW);
	/* N grows down; pgoff = N.pgoff - pglen = PFN(BASE+PG) - 1. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), n);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
}
END_TEST

START_TEST(test_vma_merge_case4)
{
	struct vm_area_struct *p, *n;

	/*  0x40000000                  0x40002000    0x40003000    0x40004000
	 *  |-- P rw- ------------------|-- A ------- |-- N r-- ----|
	 * mprotect(A = P's tail, r--): PPPPPP NNNN -> PP NNNNNNNN */
	p = MAP_NR(BASE, 3, RW);
	n = MAP_NR(BASE + 3 * PG, 1, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) },
		    { BASE + 3 * PG, BASE + 4 * PG, PFN(BASE + 3 * PG), NRF(RO) });

	MPROTECT_OK(BASE + 2 * PG, 1, RO);
	/* P shrinks to end at addr; N grows down, pgoff -1 page. Both
	 * structs survive: no VMA is created or freed. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), NRF(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_uint_eq(T.sim->nr_vmas, 2);
	/* One page moved from data (rw- private) to nothing (r--). */
	ASSERT_VM_STAT(T.mm, 4, 2, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_case5)
{
	struct vm_area_struct *p, *n;

	/*  0x40000000    0x40001000    0x40002000                  0x40004000
	 *  |-- P r-- ----|-- A ------- |-- N rw- ------------------|
	 *                 (A = N's head)
	 * mprotect(A, r--): PPPPPP NNNNNN -> PPPPPPPPPP NN */
	p = MAP_NR(BASE, 1, RO);
	n = MAP_NR(BASE + PG, 3, RW);

	MPROTECT_OK(BASE + PG, 1, RO);
	/* P grows to end; N shrinks from the front, pgoff +1 page. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RO) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_uint_eq(T.sim->nr_vmas, 2);
	ASSERT_VM_STAT(T.mm, 4, 2, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_case6)
{
	struct vm_area_struct *p;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ----|-- N r-- ----|-- X rw- ----|
	 * mprotect(N, rw-): PPPP NNNN XXXX -> PPPPPPPPPPPP */
	p = MAP_NR(BASE, 1, RW);
	MAP_NR(BASE + PG, 1, RO);
	MAP_NR(BASE + 2 * PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RO) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RW) });

	MPROTECT_OK(BASE + PG, 1, RW);
	/* P grows over N and X; both are freed. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
	ASSERT_VM_STAT(T.mm, 3, 3, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_case7)
{
	struct vm_area_struct *p, *x;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P r-- ----|-- N rw- ----|-- X r-x ----|
	 * mprotect(N, r--): PPPP NNNN XXXX -> PPPPPPPP XXXX */
	p = MAP_NR(BASE, 1, RO);
	MAP_NR(BASE + PG, 1, RW);
	x = MAP_NR(BASE + 2 * PG, 1, RX);

	MPROTECT_OK(BASE + PG, 1, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RO) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RX) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), x);
	ck_assert_uint_eq(T.sim->nr_vmas, 2);
	/* r-x is exec: (EXEC|WRITE|GROWSDOWN) == EXEC. */
	ASSERT_VM_STAT(T.mm, 3, 0, 1, 0);
}
END_TEST

START_TEST(test_vma_merge_case8)
{
	struct vm_area_struct *p, *x;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P r-x ----|-- N rw- ----|-- X r-- ----|
	 * mprotect(N, r--): PPPP NNNN XXXX -> PPPP XXXXXXXX */
	p = MAP_NR(BASE, 1, RX);
	MAP_NR(BASE + PG, 1, RW);
	x = MAP_NR(BASE + 2 * PG, 1, RO);

	MPROTECT_OK(BASE + PG, 1, RO);
	/* X (the VMA after N) grows down over N, pgoff -1 page; N is
	 * freed - never N grown over X. */
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RX) },
		    { BASE + PG, BASE + 3 * PG, PFN(BASE + PG), NRF(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), x);
	ck_assert_uint_eq(T.sim->nr_vmas, 2);
	ASSERT_VM_STAT(T.mm, 3, 0, 1, 0);
}
END_TEST

/* ------------------------------------------------------ flags and files */

START_TEST(test_vma_merge_ignores_softdirty)
{
	struct vm_area_struct *p;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- P rw- ----|-- A rw- ----|
	 * P has lost VM_SOFTDIRTY (as after a clear_refs soft-dirty reset);
	 * the new A has it. VM_SOFTDIRTY is the one flag that may differ. */
	p = MAP_NR(BASE, 1, RW);
	p->vm_flags &= ~VM_SOFTDIRTY;
	CHECK_SIM(T.sim);

	MAP_NR(BASE + PG, 1, RW);
	/* Case 2, and mmap_region ORs VM_SOFTDIRTY into the result. */
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
}
END_TEST

START_TEST(test_vma_merge_refused_flags_differ)
{
	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ac -|-- A rw- nr -|-- B r-- nr -|
	 * A differs from P in VM_ACCOUNT|VM_NORESERVE only, B from A in
	 * VM_WRITE only: neither may merge. */
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RW) });

	MAP_NR(BASE + 2 * PG, 1, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RO) });
	ASSERT_VM_STAT(T.mm, 3, 2, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_refused_vm_special)
{
	struct vm_area_struct *p;
	struct t_mm_snap before;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- P rw- de -|-- A ------- |
	 * Flags equal but containing VM_DONTEXPAND (part of VM_SPECIAL):
	 * vma_merge gives up before looking at the neighbours. */
	p = MAP_NR(BASE, 1, RW);
	p->vm_flags |= VM_DONTEXPAND;
	t_snap(&before, T.mm);

	ck_assert_ptr_null(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				     p->vm_flags, NULL, NULL, PFN(BASE + PG)));
	ASSERT_UNCHANGED(T.mm, &before);
	p->vm_flags &= ~VM_DONTEXPAND;
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_vma_merge_refused_file_differs)
{
	t_file(T.sim, "/a", 4 * PG);
	t_file(T.sim, "/b", 4 * PG);

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- /a@0 r-- -|-- /b@1 r-- -|-- anon r-- -|
	 * Offsets line up (0 then 1) but the files differ; the anonymous
	 * one has no file at all. */
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/a", 0), (long)BASE);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + PG, PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/b", 1),
			 (long)(BASE + PG));
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, 0, FILE_PRIV_FLAGS(RO) },
		    { BASE + PG, BASE + 2 * PG, 1, FILE_PRIV_FLAGS(RO) });

	MAP_FIXED_ANON(T.mm, BASE + 2 * PG, 1, RO, 0);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, 0, FILE_PRIV_FLAGS(RO) },
		    { BASE + PG, BASE + 2 * PG, 1, FILE_PRIV_FLAGS(RO) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG),
		      ANON_FLAGS(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 0)->vm_file->f_inode, inode_lookup(T.sim, "/a"));
	ck_assert_ptr_eq(t_vma(T.mm, 1)->vm_file->f_inode, inode_lookup(T.sim, "/b"));
	ck_assert_ptr_null(t_vma(T.mm, 2)->vm_file);
}
END_TEST

START_TEST(test_vma_merge_refused_separate_opens_of_one_file)
{
	struct inode *a;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- /a@0 r-- -|-- /a@1 r-- -|
	 * Two mmap commands open /a twice: is_mergeable_vma compares the
	 * struct file (the open), not the inode, so offsets 0 and 1 that
	 * line up still make two VMAs (docs/commands.md, notes.md). */
	T_CMD(T.sim, "file /a 16384");
	a = inode_lookup(T.sim, "/a");
	T_CMD(T.sim, "mmap 1 0x40000000 4096 r-- private,fixed /a");
	T_CMD(T.sim, "mmap 1 0x40001000 4096 r-- private,fixed /a 4096");
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, 0, FILE_PRIV_FLAGS(RO) },
		    { BASE + PG, BASE + 2 * PG, 1, FILE_PRIV_FLAGS(RO) });
	ck_assert_ptr_ne(t_vma(T.mm, 0)->vm_file, t_vma(T.mm, 1)->vm_file);
	ck_assert_ptr_eq(t_vma(T.mm, 0)->vm_file->f_inode, a);
	ck_assert_ptr_eq(t_vma(T.mm, 1)->vm_file->f_inode, a);
	/* One address_space: both VMAs are in the inode's i_mmap. */
	ck_assert_uint_eq(a->i_mmap_count, 2);
}
END_TEST

START_TEST(test_vma_merge_rejoins_pieces_of_one_file_mapping)
{
	struct inode *a = t_file(T.sim, "/a", 4 * PG);
	struct file *f;

	/*  0x40000000                                0x40003000
	 *  |-- /a@0 r-- ------------------------------|   one open */
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, 3 * PG, RO,
				     MAP_PRIVATE | MAP_FIXED, "/a", 0), (long)BASE);
	CHECK_SIM(T.sim);
	f = t_vma(T.mm, 0)->vm_file;
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->f_count, 1);	/* the VMA's; the open is closed */
	ck_assert_uint_eq(a->i_mmap_count, 1);

	/* mprotect the middle r-x (not writable: no VM_ACCOUNT is added):
	 *  |-- /a@0 r-- -|-- /a@1 r-x -|-- /a@2 r-- -|   split twice */
	MPROTECT_OK(BASE + PG, 1, RX);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, 0, FILE_PRIV_FLAGS(RO) },
		    { BASE + PG, BASE + 2 * PG, 1, FILE_PRIV_FLAGS(RX) },
		    { BASE + 2 * PG, BASE + 3 * PG, 2, FILE_PRIV_FLAGS(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 1)->vm_file, f);
	ck_assert_ptr_eq(t_vma(T.mm, 2)->vm_file, f);
	ck_assert_int_eq(f->f_count, 3);	/* a split takes a reference */
	ck_assert_uint_eq(a->i_mmap_count, 3);

	/* Back to r--: same struct file, offsets line up -> case 6. */
	MPROTECT_OK(BASE + PG, 1, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, 0, FILE_PRIV_FLAGS(RO) });
	ck_assert_ptr_eq(t_vma(T.mm, 0)->vm_file, f);
	ck_assert_int_eq(f->f_count, 1);
	ck_assert_uint_eq(a->i_mmap_count, 1);
	ASSERT_VM_STAT(T.mm, 3, 0, 0, 0);
}
END_TEST

START_TEST(test_vma_merge_refused_pgoff_not_contiguous)
{
	struct vm_area_struct *p, *n;
	struct t_mm_snap before;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ----|   [addr,end)|-- N rw- ----|
	 * A range whose pgoff does not continue P (P.pgoff + 1) nor lead
	 * into N (N.pgoff - 1) - as after an mremap of faulted memory
	 * (§4.13) - merges with neither. Only vma_merge can be asked this
	 * directly: anonymous mmap always uses pgoff = addr >> 12. */
	p = MAP_NR(BASE, 1, RW);
	n = MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_uint_eq(n->vm_pgoff, PFN(BASE + PG) + 1);
	t_snap(&before, T.mm);

	ck_assert_ptr_null(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				     p->vm_flags, NULL, NULL,
				     PFN(BASE + PG) + 7));
	ASSERT_UNCHANGED(T.mm, &before);
	CHECK_SIM(T.sim);
	/* One page too low: P.pgoff + 1 != PFN(BASE) and
	 * PFN(BASE) + 1 != N.pgoff. */
	ck_assert_ptr_null(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				     p->vm_flags, NULL, NULL, PFN(BASE)));
	ASSERT_UNCHANGED(T.mm, &before);
	CHECK_SIM(T.sim);

	/* The control: with pgoff = PFN(BASE + PG) it is case 1, P grows
	 * over the hole and N. vma_merge does not account (mmap_region
	 * does, §4.6 step 7), so account the hole's page here. */
	ck_assert_ptr_eq(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				   p->vm_flags, NULL, NULL, PFN(BASE + PG)), p);
	vm_stat_account(T.mm, p->vm_flags, 1);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);	/* N was freed */
}
END_TEST

START_TEST(test_vma_merge_refused_file_pgoff_not_contiguous)
{
	struct vm_area_struct *p;
	struct t_mm_snap before;
	struct file *other;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- /a@0 r-- -|-- /a@2 ? ---|
	 * Same open, same flags, but offset 2 does not follow offset 0. */
	t_file(T.sim, "/a", 4 * PG);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE, PG, RO, MAP_PRIVATE | MAP_FIXED,
				     "/a", 0), (long)BASE);
	CHECK_SIM(T.sim);
	p = t_vma(T.mm, 0);
	t_snap(&before, T.mm);

	ck_assert_ptr_null(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				     p->vm_flags, NULL, p->vm_file, 2));
	ASSERT_UNCHANGED(T.mm, &before);
	CHECK_SIM(T.sim);

	/* Offset 1 follows, but through another open of /a: refused. */
	other = file_open(inode_lookup(T.sim, "/a"));
	ck_assert_ptr_nonnull(other);
	ck_assert_ptr_null(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				     p->vm_flags, NULL, other, 1));
	/* And anonymous memory (no file) at offset 1. */
	ck_assert_ptr_null(vma_merge(T.mm, p, BASE + PG, BASE + 2 * PG,
				     p->vm_flags, NULL, NULL, 1));
	fput(T.sim, other);
	ASSERT_UNCHANGED(T.mm, &before);
	CHECK_SIM(T.sim);
}
END_TEST

/* --------------------------------------------------- anon_vma rules */

START_TEST(test_vma_merge_refused_anon_vma_differs)
{
	struct vm_area_struct *p, *n;
	struct anon_vma *avp, *avn;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- AVp-|    hole     |-- N rw- AVn-|
	 * P and N were prepared while not adjacent: two roots. */
	p = MAP_NR(BASE, 1, RW);
	n = MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(p), 0);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(anon_vma_prepare(n), 0);
	CHECK_SIM(T.sim);
	avp = p->anon_vma;
	avn = n->anon_vma;
	ck_assert_ptr_ne(avp, avn);
	ASSERT_AV(avp, 2, 1);
	ASSERT_AV(avn, 2, 1);

	/* mmap rw- into the hole: each side alone would take the range
	 * (both chains are single AVCs), but case 1 also needs
	 * is_mergeable_anon_vma(AVp, AVn) - false - so it is case 2:
	 *  |-- P rw- AVp --------------|-- N rw- AVn-| */
	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_ptr_eq(p->anon_vma, avp);
	ck_assert_ptr_eq(n->anon_vma, avn);
	ck_assert_uint_eq(t_nr_avcs(p), 1);
	ck_assert_uint_eq(t_nr_avcs(n), 1);
	ASSERT_AV(avp, 2, 1);
	ASSERT_AV(avn, 2, 1);

	/* Now adjacent with equal flags: N round-tripped through r-- still
	 * does not join P (AVn != AVp). */
	MPROTECT_OK(BASE + 2 * PG, 1, RO);
	MPROTECT_OK(BASE + 2 * PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_ptr_eq(n->anon_vma, avn);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 2);
	ck_assert_uint_eq(T.sim->nr_avcs, 2);
}
END_TEST

START_TEST(test_vma_merge_unfaulted_range_joins_single_avc_neighbour)
{
	struct vm_area_struct *p;
	struct anon_vma *av;

	/*  0x40001000    0x40002000    0x40003000    0x40004000
	 *  |             |-- P rw- AV -|             |
	 * P has one AVC; ranges without anon_vma join it from either side. */
	p = MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(p), 0);
	CHECK_SIM(T.sim);
	av = p->anon_vma;

	MAP_NR(BASE + 3 * PG, 1, RW);	/* case 2: P grows up */
	ASSERT_VMAS(T.mm, { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), NRF(RW) });

	/*  |-- A ------- |-- P rw- AV ---------------|
	 * case 3: P grows down, keeps its anon_vma; its AVC is re-keyed to
	 * the new pgoff range. */
	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE + PG, BASE + 4 * PG, PFN(BASE + PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(p->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(p), 1);
	ck_assert_uint_eq(avc_start_pgoff(SLIST_FIRST(&p->anon_vma_chain)), PFN(BASE + PG));
	ck_assert_uint_eq(avc_last_pgoff(SLIST_FIRST(&p->anon_vma_chain)),
			  PFN(BASE + 4 * PG) - 1);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
}
END_TEST

START_TEST(test_vma_merge_refused_faulted_range_next_to_unfaulted)
{
	struct vm_area_struct *p, *n;
	struct anon_vma *av;

	/*  0x40000000    0x40001000    0x40002000
	 *  |-- P rw- ----|-- N r-- AV -|
	 * N has an anon_vma, P none (its chain is empty, not singular). */
	p = MAP_NR(BASE, 1, RW);
	n = MAP_NR(BASE + PG, 1, RO);
	ck_assert_int_eq(anon_vma_prepare(n), 0);	/* P has none to share */
	CHECK_SIM(T.sim);
	av = n->anon_vma;
	ASSERT_AV(av, 2, 1);

	/* mprotect(N, rw-): flags now equal P's, but vma_merge is asked
	 * with anon_vma = AV against P's NULL with an empty chain: refused
	 * (§14 trap 9; upstream relaxed this only in 2025). */
	MPROTECT_OK(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_ptr_null(p->anon_vma);
	ck_assert_ptr_eq(n->anon_vma, av);
	ASSERT_AV(av, 2, 1);
}
END_TEST

START_TEST(test_vma_merge_refused_fork_derived_neighbour)
{
	struct mm_struct *cmm;
	struct vm_area_struct *cv;
	int child;

	/* parent:
	 *  0x40000000    0x40001000    0x40002000
	 *  |-- V rw- AV0-|             |             */
	MAP_NR(BASE, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	child = (int)T_CMD(T.sim, "fork 1");
	ck_assert_int_eq(child, 2);
	cmm = t_mm(T.sim, child);
	cv = t_vma(cmm, 0);
	/* The child's copy links AV0 and its own AV1: two AVCs (§5.5). */
	ck_assert_uint_eq(t_nr_avcs(cv), 2);

	/* child:
	 *  |-- V' rw- AV1|-- A rw- ----|
	 * A range without anon_vma next to a fork-derived VMA (chain not
	 * singular) is refused: two VMAs. */
	MAP_FIXED_ANON(cmm, BASE + PG, 1, RW, MAP_NORESERVE);
	ASSERT_VMAS(cmm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(cmm, 0), cv);
	ck_assert_ptr_null(t_vma(cmm, 1)->anon_vma);

	/* The same mmap in the parent (single AVC) merges: case 2. */
	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) });
}
END_TEST

START_TEST(test_vma_merge_case1_prev_adopts_next_anon_vma)
{
	struct vm_area_struct *p, *n;
	struct anon_vma *av;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ----|    hole     |-- N rw- AV -|
	 * Only N has an anon_vma (one AVC). */
	p = MAP_NR(BASE, 1, RW);
	n = MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(n), 0);	/* not adjacent to P */
	CHECK_SIM(T.sim);
	av = n->anon_vma;
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);

	/* Case 1: P grows over N. Since the removed N had an anon_vma and P
	 * none, P first adopts it (anon_vma_clone: +1 AVC, degree +1), then
	 * N's AVCs go with N (unlink: degree -1). Net: AV {2, 1}, one AVC,
	 * now P's. */
	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(p->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(p), 1);
	ck_assert_ptr_eq(t_chain_av(p, 0), av);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(av->nr_avcs, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 1);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
}
END_TEST

START_TEST(test_vma_merge_case1_prev_faulted_next_unfaulted)
{
	struct vm_area_struct *p;
	struct anon_vma *av;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- AV -|    hole     |-- N rw- ----|
	 * The range (no anon_vma) may join P (one AVC) and N (NULL == NULL),
	 * and P's AV against N's NULL passes the prev-vs-next check: case 1,
	 * P keeps AV over the whole range. */
	p = MAP_NR(BASE, 1, RW);
	MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(p), 0);
	CHECK_SIM(T.sim);
	av = p->anon_vma;

	MAP_NR(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(p->anon_vma, av);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(avc_last_pgoff(SLIST_FIRST(&p->anon_vma_chain)),
			  PFN(BASE) + 2);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
}
END_TEST

START_TEST(test_vma_merge_case4_into_faulted_next)
{
	struct vm_area_struct *p, *n;
	struct anon_vma *av;

	/*  0x40000000                  0x40002000    0x40003000    0x40004000
	 *  |-- P r-- ------------------|-- A ------- |-- N rw- AV -|
	 * mprotect(A, rw-): the range carries P's anon_vma (none), N has one
	 * AVC: case 4, N grows down over A and keeps AV, its AVC re-keyed. */
	p = MAP_NR(BASE, 3, RO);
	n = MAP_NR(BASE + 3 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(n), 0);	/* P r--: compatible but has none */
	CHECK_SIM(T.sim);
	av = n->anon_vma;

	MPROTECT_OK(BASE + 2 * PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RO) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_ptr_null(p->anon_vma);
	ck_assert_ptr_eq(n->anon_vma, av);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(avc_start_pgoff(SLIST_FIRST(&n->anon_vma_chain)),
			  PFN(BASE + 2 * PG));
	ck_assert_uint_eq(avc_last_pgoff(SLIST_FIRST(&n->anon_vma_chain)),
			  PFN(BASE + 3 * PG));
}
END_TEST

START_TEST(test_vma_merge_case5_refused_faulted_next_unfaulted_prev)
{
	struct vm_area_struct *p, *n;
	struct anon_vma *av;

	/*  0x40000000    0x40001000    0x40002000                  0x40004000
	 *  |-- P r-- ----|-- A ------- |-- N rw- AV ---------------|
	 *                 (A = N's head)
	 * mprotect(A, r--) carries N's AV; P has none (empty chain): refused.
	 * Split at end instead; both halves of N keep AV (degree +1).
	 *  |-- P r-- ----|-- N r-- AV -|-- rw- AV -----------------| */
	p = MAP_NR(BASE, 1, RO);
	n = MAP_NR(BASE + PG, 3, RW);
	ck_assert_int_eq(anon_vma_prepare(n), 0);
	CHECK_SIM(T.sim);
	av = n->anon_vma;

	MPROTECT_OK(BASE + PG, 1, RO);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RO) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RO) },
		    { BASE + 2 * PG, BASE + 4 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), n);
	ck_assert_ptr_null(p->anon_vma);
	ck_assert_ptr_eq(t_vma(T.mm, 2)->anon_vma, av);
	ASSERT_AV(av, 3, 1);
}
END_TEST

START_TEST(test_vma_merge_case6_refused_anon_vmas_differ_gives_case7)
{
	struct vm_area_struct *p, *x;
	struct anon_vma *avp, *avx;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- AVp-|-- N r-- ----|-- X rw- AVx-|
	 * mprotect(N, rw-): each side alone would take N, but AVp != AVx
	 * fails the prev-vs-next check of case 6: P grows over N only. */
	p = MAP_NR(BASE, 1, RW);
	x = MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(p), 0);
	ck_assert_int_eq(anon_vma_prepare(x), 0);
	CHECK_SIM(T.sim);
	avp = p->anon_vma;
	avx = x->anon_vma;
	MAP_NR(BASE + PG, 1, RO);

	MPROTECT_OK(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), NRF(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(t_vma(T.mm, 1), x);
	ASSERT_AV(avp, 2, 1);
	ASSERT_AV(avx, 2, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 2);
}
END_TEST

START_TEST(test_vma_merge_case6_prev_adopts_next_anon_vma)
{
	struct vm_area_struct *p, *x;
	struct anon_vma *av;

	/*  0x40000000    0x40001000    0x40002000    0x40003000
	 *  |-- P rw- ----|-- N r-- ----|-- X rw- AV -|
	 * mprotect(N, rw-): case 6. The middle N has no anon_vma, so the
	 * exporter is X: P adopts AV (clone: +1 AVC, degree +1), then X's
	 * AVC goes with X (degree -1). One VMA, AV {2, 1}, one AVC. */
	p = MAP_NR(BASE, 1, RW);
	MAP_NR(BASE + PG, 1, RO);
	x = MAP_NR(BASE + 2 * PG, 1, RW);
	ck_assert_int_eq(anon_vma_prepare(x), 0);	/* N has none to share */
	CHECK_SIM(T.sim);
	av = x->anon_vma;

	MPROTECT_OK(BASE + PG, 1, RW);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), p);
	ck_assert_ptr_eq(p->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(p), 1);
	ASSERT_AV(av, 2, 1);
	ck_assert_uint_eq(av->nr_avcs, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 1);
	ck_assert_uint_eq(T.sim->nr_vmas, 1);
}
END_TEST

/* ------------------------------------------------------------ splitting */

START_TEST(test_split_vma_new_below_0)
{
	struct vm_area_struct *v, *nv;
	struct anon_vma *av;

	/*  0x40000000                                              0x40004000
	 *  |-- V rw- AV ----------------------------------------------|
	 * __split_vma(V, 0x40001000, new_below = 0): V keeps the lower part,
	 * the new VMA takes [addr, end) with pgoff advanced by 1 page. */
	v = MAP_NR(BASE, 4, RW);
	ck_assert_int_eq(anon_vma_prepare(v), 0);
	CHECK_SIM(T.sim);
	av = v->anon_vma;

	ck_assert_int_eq(__split_vma(T.mm, v, BASE + PG, /* new_below = */ 0), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 4 * PG, PFN(BASE + PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
	nv = t_vma(T.mm, 1);
	/* Same anon_vma; one AVC per source AVC; degree +1 (§5.8). */
	ck_assert_ptr_eq(nv->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(nv), 1);
	ck_assert_ptr_eq(t_chain_av(nv, 0), av);
	ASSERT_AV(av, 3, 1);
	ck_assert_uint_eq(av->nr_avcs, 2);
	ck_assert_uint_eq(T.sim->nr_avcs, 2);
	/* A split moves no pages between counters. */
	ASSERT_VM_STAT(T.mm, 4, 4, 0, 0);
}
END_TEST

START_TEST(test_split_vma_new_below_1)
{
	struct vm_area_struct *v, *nv;
	struct anon_vma *av;

	/*  0x40000000                                              0x40004000
	 *  |-- V rw- AV ----------------------------------------------|
	 * __split_vma(V, 0x40003000, new_below = 1): the new VMA takes
	 * [start, addr), V keeps [addr, end) with pgoff advanced 3 pages. */
	v = MAP_NR(BASE, 4, RW);
	ck_assert_int_eq(anon_vma_prepare(v), 0);
	CHECK_SIM(T.sim);
	av = v->anon_vma;

	ck_assert_int_eq(__split_vma(T.mm, v, BASE + 3 * PG, /* new_below = */ 1), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 3 * PG, PFN(BASE), NRF(RW) },
		    { BASE + 3 * PG, BASE + 4 * PG, PFN(BASE + 3 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 1), v);
	nv = t_vma(T.mm, 0);
	ck_assert_ptr_eq(nv->anon_vma, av);
	ck_assert_uint_eq(t_nr_avcs(nv), 1);
	ASSERT_AV(av, 3, 1);
	/* V's AVC was re-keyed: [pgoff, pgoff + pages - 1]. */
	ck_assert_uint_eq(avc_start_pgoff(SLIST_FIRST(&v->anon_vma_chain)),
			  PFN(BASE + 3 * PG));
	ck_assert_uint_eq(avc_last_pgoff(SLIST_FIRST(&v->anon_vma_chain)),
			  PFN(BASE + 3 * PG));
	ck_assert_uint_eq(avc_start_pgoff(SLIST_FIRST(&nv->anon_vma_chain)), PFN(BASE));
	ck_assert_uint_eq(avc_last_pgoff(SLIST_FIRST(&nv->anon_vma_chain)),
			  PFN(BASE + 2 * PG));
}
END_TEST

START_TEST(test_split_vma_without_anon_vma)
{
	struct vm_area_struct *v;

	/*  0x40000000                          0x40002000
	 *  |-- V r-- (no anon_vma) --------------|
	 * Nothing to clone: both halves stay without anon_vma or AVCs. */
	v = MAP_NR(BASE, 2, RO);
	ck_assert_int_eq(__split_vma(T.mm, v, BASE + PG, /* new_below = */ 0), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RO) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RO) });
	ck_assert_ptr_null(t_vma(T.mm, 1)->anon_vma);
	ck_assert_uint_eq(t_nr_avcs(t_vma(T.mm, 1)), 0);
	ck_assert_uint_eq(T.sim->nr_avcs, 0);
}
END_TEST

START_TEST(test_split_vma_clones_every_avc)
{
	struct mm_struct *cmm;
	struct vm_area_struct *cv, *nv;
	struct anon_vma *av0, *av1;
	int child;

	/* parent: |-- V rw- AV0 (2 pages) --|   then fork:
	 * child:  |-- V' rw- chain [AV1, AV0] --|
	 *  0x40000000    0x40001000    0x40002000 */
	MAP_NR(BASE, 2, RW);
	ck_assert_int_eq(anon_vma_prepare(t_vma(T.mm, 0)), 0);
	CHECK_SIM(T.sim);
	av0 = t_vma(T.mm, 0)->anon_vma;
	child = (int)T_CMD(T.sim, "fork 1");
	cmm = t_mm(T.sim, child);
	cv = t_vma(cmm, 0);
	av1 = cv->anon_vma;
	ck_assert_ptr_ne(av1, av0);
	ASSERT_AV(av0, 3, 2);	/* self + parent's V + child AV1; owner + AV1 */
	ASSERT_AV(av1, 1, 1);
	ck_assert_uint_eq(T.sim->nr_avcs, 3);

	/* Split the child's VMA: the new VMA gets one AVC per source AVC
	 * (two), in the same order, and only its anon_vma (AV1) gets +1. */
	ck_assert_int_eq(__split_vma(cmm, cv, BASE + PG, /* new_below = */ 0), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(cmm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RW) });
	nv = t_vma(cmm, 1);
	ck_assert_ptr_eq(nv->anon_vma, av1);
	ck_assert_uint_eq(t_nr_avcs(nv), 2);
	ck_assert_ptr_eq(t_chain_av(nv, 0), av1);
	ck_assert_ptr_eq(t_chain_av(nv, 1), av0);
	ASSERT_AV(av1, 2, 1);
	ASSERT_AV(av0, 3, 2);
	ck_assert_uint_eq(T.sim->nr_avcs, 5);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 2);
}
END_TEST

START_TEST(test_split_vma_max_map_count_enomem)
{
	struct vm_area_struct *v;
	struct t_mm_snap before;

	/*  0x40000000                                    0x40003000
	 *  |-- V rw- --------------------------------------|  map_count 1
	 * With vm.max_map_count = 1, split_vma refuses (map_count >= max)
	 * and changes nothing. */
	v = MAP_NR(BASE, 3, RW);
	T.sim->sysctl.max_map_count = 1;
	t_snap(&before, T.mm);

	ck_assert_int_eq(split_vma(T.mm, v, BASE + PG, /* new_below = */ 0), -ENOMEM);
	CHECK_SIM(T.sim);
	ASSERT_UNCHANGED(T.mm, &before);

	/* __split_vma is split_vma without that check (munmap uses it for
	 * the split at the end of the range). */
	ck_assert_int_eq(__split_vma(T.mm, v, BASE + PG, /* new_below = */ 0), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 3 * PG, PFN(BASE + PG), NRF(RW) });

	/* Limit raised to 3 with map_count 2: split_vma goes through.
	 *  |-- V rw- ----|-- rw- --------|-- rw- --------|
	 *  0x40000000    0x40001000      0x40002000      0x40003000 */
	T.sim->sysctl.max_map_count = 3;
	ck_assert_int_eq(split_vma(T.mm, t_vma(T.mm, 1), BASE + 2 * PG,
				   /* new_below = */ 0), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), NRF(RW) },
		    { BASE + PG, BASE + 2 * PG, PFN(BASE + PG), NRF(RW) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG), NRF(RW) });
	ck_assert_ptr_eq(t_vma(T.mm, 0), v);
}
END_TEST

static Suite *vma_suite(void)
{
	Suite *s = suite_create("vma");
	TCase *tc;

	tc = t_tcase("merge_cases");
	tcase_add_test(tc, test_vma_merge_case1);
	tcase_add_test(tc, test_vma_merge_case2);
	tcase_add_test(tc, test_vma_merge_case3);
	tcase_add_test(tc, test_vma_merge_case4);
	tcase_add_test(tc, test_vma_merge_case5);
	tcase_add_test(tc, test_vma_merge_case6);
	tcase_add_test(tc, test_vma_merge_case7);
	tcase_add_test(tc, test_vma_merge_case8);
	suite_add_tcase(s, tc);

	tc = t_tcase("merge_refused");
	tcase_add_test(tc, test_vma_merge_ignores_softdirty);
	tcase_add_test(tc, test_vma_merge_refused_flags_differ);
	tcase_add_test(tc, test_vma_merge_refused_vm_special);
	tcase_add_test(tc, test_vma_merge_refused_file_differs);
	tcase_add_test(tc, test_vma_merge_refused_separate_opens_of_one_file);
	tcase_add_test(tc, test_vma_merge_rejoins_pieces_of_one_file_mapping);
	tcase_add_test(tc, test_vma_merge_refused_pgoff_not_contiguous);
	tcase_add_test(tc, test_vma_merge_refused_file_pgoff_not_contiguous);
	suite_add_tcase(s, tc);

	tc = t_tcase("merge_anon_vma");
	tcase_add_test(tc, test_vma_merge_refused_anon_vma_differs);
	tcase_add_test(tc, test_vma_merge_unfaulted_range_joins_single_avc_neighbour);
	tcase_add_test(tc, test_vma_merge_refused_faulted_range_next_to_unfaulted);
	tcase_add_test(tc, test_vma_merge_refused_fork_derived_neighbour);
	tcase_add_test(tc, test_vma_merge_case1_prev_adopts_next_anon_vma);
	tcase_add_test(tc, test_vma_merge_case1_prev_faulted_next_unfaulted);
	tcase_add_test(tc, test_vma_merge_case4_into_faulted_next);
	tcase_add_test(tc, test_vma_merge_case5_refused_faulted_next_unfaulted_prev);
	tcase_add_test(tc, test_vma_merge_case6_refused_anon_vmas_differ_gives_case7);
	tcase_add_test(tc, test_vma_merge_case6_prev_adopts_next_anon_vma);
	suite_add_tcase(s, tc);

	tc = t_tcase("split");
	tcase_add_test(tc, test_split_vma_new_below_0);
	tcase_add_test(tc, test_split_vma_new_below_1);
	tcase_add_test(tc, test_split_vma_without_anon_vma);
	tcase_add_test(tc, test_split_vma_clones_every_avc);
	tcase_add_test(tc, test_split_vma_max_map_count_enomem);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(vma_suite());
}
