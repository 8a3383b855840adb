/* tests/unit/test_ksm.c - core/ksm.c: Kernel Samepage Merging as mm/ksm.c
 * of v5.15 does it (kernel-spec §10, §9.4, §5.7, §13 S7): a page is never
 * merged on its first visit, the unstable tree then the stable tree, the
 * first page of a pair becoming the KSM page in place, stable rmap_items
 * holding their anon_vma, rmap_walk_ksm's two passes, copy on every write,
 * unmerging, exit, and the /ksm counters.
 *
 * Frames are handed out lowest pfn first (pfn 0 is the zero page), so
 * the first two pages written are pfns 1 and 2. A pass is called as
 * ksm_do_scan(); `exit` is preceded by ksm_exit() and `madvise ...
 * unmergeable` by ksm_madvise_unmerge(), which is what mmput and
 * do_madvise call; calling them twice is harmless.
 */
#include <stdio.h>

#include "testlib.h"

#include "ksm.h"
#include "proc.h"

#define V7	7ULL	/* the contents every merged page shares */

static void ksm_teardown(void)
{
	ksm_release(T.sim);
	t_teardown();
}

static TCase *ksm_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, t_setup, ksm_teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

static struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = t_pte(mm, addr);

	ck_assert(pte_present(pte));
	return pfn_to_page(mm->sim, pte_pfn(pte));
}

static void scan(void)
{
	ck_assert_int_eq(ksm_do_scan(T.sim), 0);
	CHECK_SIM(T.sim);
}

static void write_val(struct mm_struct *mm, unsigned long addr, uint64_t v)
{
	ck_assert_int_eq(access_write(mm, addr, v), 0);
	CHECK_SIM(mm->sim);
}

/* A /ksm counter by its /sys/kernel/mm/ksm name. */
static long ksm_counter(struct sim *sim, const char *name)
{
	struct strbuf m = STRBUF_INIT;
	const char *p;
	size_t n = strlen(name);
	long v = -1;

	show_ksm(&m, sim);
	ck_assert(!m.failed);
	for (p = m.buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ':') {
			v = strtol(p + n + 1, NULL, 10);
			break;
		}
	strbuf_release(&m);
	ck_assert_msg(v >= 0, "no %s line in /ksm", name);
	return v;
}

#define ASSERT_KSM(sim, shared, sharing, unshared, volatile_, scans) do { \
	ck_assert_int_eq(ksm_counter((sim), "pages_shared"), (shared)); \
	ck_assert_int_eq(ksm_counter((sim), "pages_sharing"), (sharing)); \
	ck_assert_int_eq(ksm_counter((sim), "pages_unshared"), (unshared)); \
	ck_assert_int_eq(ksm_counter((sim), "pages_volatile"), (volatile_)); \
	ck_assert_int_eq(ksm_counter((sim), "full_scans"), (scans)); \
} while (0)

/* One kB field of the smaps record of the VMA starting at @start. */
static unsigned long smaps_kb(struct sim *sim, int pid, unsigned long start,
			      const char *field)
{
	struct strbuf m = STRBUF_INIT;
	char path[32], head[32];
	const char *rec, *p;
	unsigned long v;

	snprintf(path, sizeof(path), "/%d/smaps", pid);
	snprintf(head, sizeof(head), "%08lx-", start);
	ck_assert_int_eq(vfs_render(sim, path, &m), 0);
	rec = strstr(m.buf, head);
	ck_assert_ptr_nonnull(rec);
	p = strstr(rec, field);
	ck_assert_ptr_nonnull(p);
	v = strtoul(p + strlen(field), NULL, 10);
	strbuf_release(&m);
	return v;
}

/* What rmap_walk_ksm visits, in order. */
static int ksm_walk(struct sim *sim, struct page *page, struct t_rmap_hit *h);

static bool hit_one(struct page *page, struct vm_area_struct *vma,
		    unsigned long address, void *arg)
{
	struct t_rmap_hit *h = arg;
	int i;

	(void)page;
	for (i = 0; i < T_RMAP_MAX && h[i].vma; i++)
		;
	ck_assert_int_lt(i, T_RMAP_MAX);
	h[i].vma = vma;
	h[i].addr = address;
	return true;
}

static int ksm_walk(struct sim *sim, struct page *page, struct t_rmap_hit *h)
{
	struct rmap_walk_control rwc = { h, hit_one, NULL };
	int n = 0;

	memset(h, 0, T_RMAP_MAX * sizeof(*h));
	rmap_walk_ksm(sim, page, &rwc);
	while (n < T_RMAP_MAX && h[n].vma)
		n++;
	return n;
}

#define ASSERT_HIT(h, v, a) do { \
	ck_assert_ptr_eq((h).vma, (v)); \
	ck_assert_uint_eq((h).addr, (a)); \
} while (0)

/* KSM page flags after the merge: an anonymous page's three, plus PG_dirty
 * (set so it would be swapped) and PG_referenced (mark_page_accessed). */
#define KSM_PAGE_FLAGS	(ANON_PAGE_FLAGS | PGF(PG_dirty) | PGF(PG_referenced))
/* A write-protected, cleaned PTE of a page that was written: soft-dirty
 * stays (pte_mkclean clears only _PAGE_DIRTY). */
#define PTE_WP_CLEAN	(PTE_RO | _PAGE_SOFT_DIRTY)

/*
 * S7 up to the merge: |-- V rw- mg, AV0: [0] X0=7, [1] X1=7 --| in pid 1,
 * two passes. Returns the KSM page.
 */
static struct page *s7_merged(void)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 2 * PG);
	scan();
	scan();
	return page_at(T.mm, BASE);
}

/* ------------------------------------------------------------ S7 */

START_TEST(test_ksm_s7_first_pass_records_checksums_only)
{
	struct vm_area_struct *v;
	struct anon_vma *av0;

	/* |-- V rw- (2 pages) --|, both pages written with 7: X0 pfn 1,
	 * X1 pfn 2; madvise mergeable adds `mg`. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 2 * PG);
	v = t_vma(T.mm, 0);
	ck_assert(v->vm_flags & VM_MERGEABLE);
	av0 = v->anon_vma;
	ASSERT_AV(av0, 2, 1);
	ASSERT_KSM(T.sim, 0, 0, 0, 0, 0);

	/* Pass 1: an rmap_item per page, checksums recorded (new items have
	 * none, so nothing can reach the unstable tree), nothing merged. */
	scan();
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 1);
	ASSERT_AV(av0, 2, 1);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ASSERT_PAGE(T.sim, 2, ANON_MAPPING(av0), PFN(BASE + PG), 1, 1, ANON_PAGE_FLAGS);
}
END_TEST

START_TEST(test_ksm_s7_second_pass_merges)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *v;
	struct anon_vma *av0;
	unsigned long anon_before;
	uint64_t kf;
	struct page *k;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 2 * PG);
	scan();
	v = t_vma(T.mm, 0);
	av0 = v->anon_vma;
	anon_before = T.sim->vmstat[NR_ANON_MAPPED];
	ck_assert_uint_eq(anon_before, 2);

	/* Pass 2: X0 goes into the unstable tree; X1 finds it: X1 becomes
	 * the KSM page K in place (pfn 2), X0's PTE maps K, X0 is freed.
	 *   |-- V: [0] -> K, [1] -> K --|   K {mapcount 2, node|3} */
	scan();
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	ASSERT_AV(av0, 2, 1 + 2);	/* two stable rmap_items */
	ck_assert_uint_eq(ksm_anon_vma_refs(T.sim, av0), 2);
	ASSERT_PAGE_FREE(T.sim, 1);
	k = pfn_to_page(T.sim, 2);
	ck_assert(PageKsm(k));
	ck_assert(PageAnon(k));
	ck_assert_ptr_null(page_anon_vma(k));
	ck_assert_uint_eq(k->content, V7);
	ck_assert_int_eq(page_mapcount(k), 2);
	ck_assert_int_eq(k->_refcount, 2);
	ck_assert_uint_eq(k->flags, KSM_PAGE_FLAGS);
	/* replace_page: a fresh PTE from vm_page_prot (read-only, young);
	 * K's own PTE: write-protected and cleaned, the dirt in PG_dirty */
	ASSERT_PTE(T.mm, BASE, 2, PTE_RO);
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_WP_CLEAN);

	/* smaps: K counted once per PTE, shared, dirty through PG_dirty */
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Rss:"), 8);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Pss:"), 4);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Shared_Dirty:"), 8);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Shared_Clean:"), 0);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Private_Dirty:"), 0);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Referenced:"), 8);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Anonymous:"), 8);
	ASSERT_RSS(T.mm, 2, 0, 0);		/* RssAnon unchanged */
	ck_assert_uint_eq(T.sim->vmstat[NR_ANON_MAPPED], anon_before - 1);
	kf = stable_page_flags(T.sim, 2);
	ck_assert(kf & (1ULL << KPF_KSM));
	ck_assert(kf & (1ULL << KPF_ANON));
	ck_assert_uint_eq(kpagecount_value(T.sim, 2), 2);

	/* rmap_walk_ksm: the node's items newest first (X1's, then X0's),
	 * each finding V at its own address. */
	ck_assert_int_eq(ksm_walk(T.sim, k, h), 2);
	ASSERT_HIT(h[0], v, BASE + PG);
	ASSERT_HIT(h[1], v, BASE);
}
END_TEST

START_TEST(test_ksm_s7_write_copies_even_at_mapcount_one)
{
	struct anon_vma *av0;
	struct page *k = s7_merged();

	av0 = t_vma(T.mm, 0)->anon_vma;
	/* write p[0]: always copied (K is KSM) into a new private page, the
	 * lowest free frame (pfn 1), filed under AV0; K mapcount 1. */
	write_val(T.mm, BASE, 9);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(av0), PFN(BASE), 1, 1, ANON_PAGE_FLAGS);
	ck_assert_int_eq(page_mapcount(k), 1);
	ck_assert_uint_eq(k->content, V7);
	/* the item at p[0] stays on the node until ksmd revisits it */
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	ASSERT_AV(av0, 2, 3);

	/* write p[1]: mapcount 1 and refcount 1, still a copy (pfn 3); K is
	 * freed and its stable node goes with it, the two anon_vma
	 * references too. */
	write_val(T.mm, BASE + PG, 10);
	ASSERT_PTE(T.mm, BASE + PG, 3, PTE_ANON_RW);
	ASSERT_PAGE_FREE(T.sim, 2);
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 2);
	ASSERT_AV(av0, 2, 1);

	/* the next pass finds two ordinary pages with new contents */
	scan();
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 3);
}
END_TEST

START_TEST(test_ksm_show_ksm_format)
{
	struct strbuf m = STRBUF_INIT;
	static const char expect[] =
		"pages_shared:\t1\n"
		"pages_sharing:\t1\n"
		"pages_unshared:\t0\n"
		"pages_volatile:\t0\n"
		"full_scans:\t2\n"
		"mm_slots:\t1\n"
		"pid 1 rmap_items 2\n"
		"stable_nodes:\t1\n"
		"kpfn 2 content 7 rmap_items 2\n"
		"\tpid 1 addr 0x40001000 anon_vma 1\n"
		"\tpid 1 addr 0x40000000 anon_vma 1\n";
	static const char empty[] =
		"pages_shared:\t0\n"
		"pages_sharing:\t0\n"
		"pages_unshared:\t0\n"
		"pages_volatile:\t0\n"
		"full_scans:\t0\n"
		"mm_slots:\t0\n"
		"stable_nodes:\t0\n";

	show_ksm(&m, T.sim);
	ck_assert_str_eq(m.buf, empty);
	strbuf_reset(&m);
	s7_merged();
	show_ksm(&m, T.sim);
	ck_assert_str_eq(m.buf, expect);
	strbuf_release(&m);
}
END_TEST

/* --------------------------------------------------- the checksum */

START_TEST(test_ksm_changing_page_stays_out_of_unstable_tree)
{
	/* |-- V: [0] 7, [1] 7 --|; pass 1 records both. [1] is rewritten
	 * with 8 (reused in place: refcount 1). */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 2 * PG);
	scan();
	write_val(T.mm, BASE + PG, 8);

	/* Pass 2: [0] held still: into the unstable tree; [1] changed: its
	 * checksum is recorded again, nothing else. */
	scan();
	ASSERT_KSM(T.sim, 0, 0, 1, 1, 2);

	/* Pass 3: the tree starts empty again; [0] goes back in (counted
	 * once), [1] held still this time and goes in too: 7 != 8. */
	scan();
	ASSERT_KSM(T.sim, 0, 0, 2, 0, 3);
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PTE(T.mm, BASE + PG, 2, PTE_ANON_RW);
}
END_TEST

START_TEST(test_ksm_only_anonymous_pages_get_rmap_items)
{
	struct strbuf m = STRBUF_INIT;

	/* |-- V rw- mg (3 pages): [0] zero page, [1] written, [2] empty --|
	 * and |-- F private file mapping, read (a page-cache page) --|. */
	t_file(T.sim, "/f", 4 * PG);
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	ck_assert_int_eq(access_read(T.mm, BASE, NULL), 0);
	write_val(T.mm, BASE + PG, V7);
	ck_assert_int_eq(t_mmap_file(T.mm, BASE + 16 * PG, PG, RW, MAP_PRIVATE |
				     MAP_FIXED, "/f", 0), (long)(BASE + 16 * PG));
	ck_assert_int_eq(access_read(T.mm, BASE + 16 * PG, NULL), 0);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 3 * PG);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE + 16 * PG, PG);
	scan();
	/* only [1]: the zero page and the cache page are not anonymous, and
	 * the file VMA has no anon_vma yet */
	show_ksm(&m, T.sim);
	ck_assert_ptr_nonnull(strstr(m.buf, "pid 1 rmap_items 1\n"));
	strbuf_release(&m);
	ASSERT_KSM(T.sim, 0, 0, 0, 1, 1);
}
END_TEST

/* ------------------------------------------------- the stable tree */

START_TEST(test_ksm_stable_tree_merges_on_first_visit)
{
	struct anon_vma *av0;
	struct page *k = s7_merged();

	/* |-- V: [0] K, [1] K --| then a third page with the same contents
	 * in a new VMA W further up: no checksum needed for a stable hit. */
	MAP_FIXED_ANON(T.mm, BASE + 8 * PG, 1, RW, 0);
	write_val(T.mm, BASE + 8 * PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE + 8 * PG, PG);
	av0 = t_vma(T.mm, 0)->anon_vma;
	scan();
	ASSERT_KSM(T.sim, 1, 2, 0, 0, 3);
	ASSERT_PTE(T.mm, BASE + 8 * PG, page_to_pfn(T.sim, k), PTE_RO);
	ck_assert_int_eq(page_mapcount(k), 3);
	ASSERT_AV(av0, 2, 3);
	ASSERT_AV(t_vma(T.mm, 1)->anon_vma, 2, 2);
}
END_TEST

/* -------------------------------------------- across two processes */

START_TEST(test_ksm_merge_across_two_processes)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct mm_struct *mm2;
	struct anon_vma *av1, *av2;
	struct page *k;
	int pid2 = t_spawn(T.sim);

	/* pid 1: |-- V1 [0] 7 --| (pfn 1)   pid 2: |-- V2 [0] 7 --| (pfn 2) */
	mm2 = t_mm(T.sim, pid2);
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_FIXED_ANON(mm2, BASE, 1, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(mm2, BASE, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, PG);
	T_CMD(T.sim, "madvise %d %#lx %lu mergeable", pid2, BASE, PG);
	av1 = t_vma(T.mm, 0)->anon_vma;
	av2 = t_vma(mm2, 0)->anon_vma;
	scan();
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 1);

	/* pass 2, slots in registration (pid) order: pid 1's page waits in
	 * the unstable tree, pid 2's page finds it and becomes K in place */
	scan();
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	k = pfn_to_page(T.sim, 2);
	ck_assert(PageKsm(k));
	ASSERT_PAGE_FREE(T.sim, 1);
	ASSERT_PTE(T.mm, BASE, 2, PTE_RO);
	ASSERT_PTE(mm2, BASE, 2, PTE_WP_CLEAN);
	ASSERT_AV(av1, 2, 2);
	ASSERT_AV(av2, 2, 2);
	ASSERT_RSS(T.mm, 1, 0, 0);
	ASSERT_RSS(mm2, 1, 0, 0);
	/* each item finds its own process in pass 1 */
	ck_assert_int_eq(ksm_walk(T.sim, k, h), 2);
	ASSERT_HIT(h[0], t_vma(mm2, 0), BASE);
	ASSERT_HIT(h[1], t_vma(T.mm, 0), BASE);
	/* both see 4 kB shared by two */
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Pss:"), 2);
	ck_assert_uint_eq(smaps_kb(T.sim, pid2, BASE, "Shared_Dirty:"), 4);
}
END_TEST

START_TEST(test_ksm_exit_of_one_sharer)
{
	struct mm_struct *mm2;
	struct anon_vma *av1;
	struct page *k;
	int pid2 = t_spawn(T.sim);

	mm2 = t_mm(T.sim, pid2);
	MAP_FIXED_ANON(T.mm, BASE, 1, RW, 0);
	MAP_FIXED_ANON(mm2, BASE, 1, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(mm2, BASE, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, PG);
	T_CMD(T.sim, "madvise %d %#lx %lu mergeable", pid2, BASE, PG);
	av1 = t_vma(T.mm, 0)->anon_vma;
	scan();
	scan();
	k = pfn_to_page(T.sim, 2);

	/* pid 1 exits: __ksm_exit keeps its mm_slot (it has an item) for the
	 * next pass; the item keeps AV1 alive though its tree emptied. */
	ksm_exit(T.mm);
	T_CMD(T.sim, "exit 1");
	ck_assert_int_eq(page_mapcount(k), 1);
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	ck_assert_ptr_eq(anon_vma_find(T.sim, av1->id), av1);
	ASSERT_AV(av1, 0, 1);	/* only the KSM reference */

	/* the pass frees the exited slot and its item: AV1 goes */
	scan();
	ASSERT_KSM(T.sim, 1, 0, 0, 0, 3);
	ck_assert_ptr_null(anon_vma_find(T.sim, 1));
	ck_assert(PageKsm(k));
	ck_assert_int_eq(page_mapcount(k), 1);
}
END_TEST

START_TEST(test_ksm_exit_without_items_frees_slot_at_once)
{
	struct strbuf m = STRBUF_INIT;
	int pid2 = t_spawn(T.sim);

	/* pid 2 registered (an untouched mergeable VMA): a slot, no items */
	MAP_FIXED_ANON(t_mm(T.sim, pid2), BASE, 1, RW, 0);
	T_CMD(T.sim, "madvise %d %#lx %lu mergeable", pid2, BASE, PG);
	scan();
	show_ksm(&m, T.sim);
	ck_assert_ptr_nonnull(strstr(m.buf, "mm_slots:\t1\npid 2 rmap_items 0\n"));
	ksm_exit(t_mm(T.sim, pid2));
	T_CMD(T.sim, "exit %d", pid2);
	strbuf_reset(&m);
	show_ksm(&m, T.sim);
	ck_assert_ptr_nonnull(strstr(m.buf, "mm_slots:\t0\n"));
	strbuf_release(&m);
}
END_TEST

/* ------------------------------------------------------------ fork */

START_TEST(test_ksm_forked_child_found_by_second_pass)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *pv, *cv;
	struct mm_struct *cmm;
	struct anon_vma *av0, *av1;
	struct page *k = s7_merged();
	int cpid;

	/* P: V [0] K, [1] K (items on K: [1] then [0]); fork -> C: V' maps
	 * K twice too (mapcount 4), V' chain [AV1, AV0]. C has no items. */
	cpid = (int)T_CMD(T.sim, "fork 1");
	cmm = t_mm(T.sim, cpid);
	pv = t_vma(T.mm, 0);
	cv = t_vma(cmm, 0);
	av0 = pv->anon_vma;
	av1 = cv->anon_vma;
	ck_assert_int_eq(page_mapcount(k), 4);
	ck_assert(cmm->ksm_registered);		/* ksm_fork */

	/* pass 1 (own mm): P at [1], P at [0]; pass 2 (other mms, through
	 * AV0's tree, which holds V' too): C at [1], C at [0]. */
	ck_assert_int_eq(ksm_walk(T.sim, k, h), 4);
	ASSERT_HIT(h[0], pv, BASE + PG);
	ASSERT_HIT(h[1], pv, BASE);
	ASSERT_HIT(h[2], cv, BASE + PG);
	ASSERT_HIT(h[3], cv, BASE);

	/* ksmd meets C ("ksm page forked"): C's new items join K's node at
	 * once, each with a reference on AV1. */
	scan();
	ASSERT_KSM(T.sim, 1, 3, 0, 0, 3);
	ASSERT_AV(av0, 3, 1 + 1 + 2);	/* tree, child AV1, two items */
	ASSERT_AV(av1, 1, 1 + 2);
	ck_assert_int_eq(page_mapcount(k), 4);
}
END_TEST

START_TEST(test_ksm_parent_exit_keeps_forked_child_reachable)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct vm_area_struct *cv;
	struct mm_struct *cmm;
	struct page *k = s7_merged();
	int cpid;

	/* fork, then P exits before ksmd sees C: P's stable items stay (the
	 * slot waits for the next pass) and still lead to C through AV0. */
	cpid = (int)T_CMD(T.sim, "fork 1");
	cmm = t_mm(T.sim, cpid);
	cv = t_vma(cmm, 0);
	ksm_exit(T.mm);
	T_CMD(T.sim, "exit 1");		/* sim_check: C's PTEs found */
	ck_assert_int_eq(ksm_walk(T.sim, k, h), 2);
	ASSERT_HIT(h[0], cv, BASE + PG);
	ASSERT_HIT(h[1], cv, BASE);

	/* the pass frees P's slot first, then gives C its own items */
	scan();
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 3);
	ck_assert_int_eq(ksm_walk(T.sim, k, h), 2);
	ASSERT_HIT(h[0], cv, BASE + PG);
	ASSERT_HIT(h[1], cv, BASE);
}
END_TEST

START_TEST(test_ksm_page_shared_with_unmergeable_mapping_not_merged_in_place)
{
	struct mm_struct *cmm;
	int cpid;

	/* P: |-- V: [0] none, [1] X=1 (pfn 1) --|, not mergeable; fork C;
	 * C writes [0] = 1 (Y, pfn 2) and marks its V' mergeable. */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE + PG, 1);
	cpid = (int)T_CMD(T.sim, "fork 1");
	cmm = t_mm(T.sim, cpid);
	write_val(cmm, BASE, 1);
	T_CMD(T.sim, "madvise %d %#lx %lu mergeable", cpid, BASE, 2 * PG);
	ck_assert(!T.mm->ksm_registered);
	scan();
	/* Pass 2: Y waits in the unstable tree; X finds it, but X would
	 * become the KSM page in place, and P maps X where no rmap_item will
	 * ever be (docs/ksm.md: v5.15 merges it and loses track of P's PTE).
	 * Nothing is merged. */
	scan();
	ASSERT_KSM(T.sim, 0, 0, 1, 1, 2);
	ck_assert(!PageKsm(pfn_to_page(T.sim, 1)));
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 1)), 2);
	ASSERT_PTE(cmm, BASE, 2, PTE_ANON_RW);
}
END_TEST

/* ----------------------------------------------------- unmergeable */

START_TEST(test_ksm_unmergeable_breaks_sharing)
{
	struct anon_vma *av0;
	struct strbuf m = STRBUF_INIT;
	uint64_t v;

	s7_merged();
	av0 = t_vma(T.mm, 0)->anon_vma;
	/* unmerge_ksm_pages: a write fault per KSM page, in address order:
	 * [0] copied to pfn 1, [1] copied to pfn 3, K (pfn 2) freed with its
	 * node; then the flag goes and the VMA is as before the madvise. */
	ck_assert_int_eq(ksm_madvise_unmerge(T.mm, BASE, BASE + 2 * PG), 0);
	T_CMD(T.sim, "madvise 1 %#lx %lu unmergeable", BASE, 2 * PG);
	ck_assert(!(t_vma(T.mm, 0)->vm_flags & VM_MERGEABLE));
	ASSERT_PTE(T.mm, BASE, 1, PTE_ANON_RW);
	ASSERT_PTE(T.mm, BASE + PG, 3, PTE_ANON_RW);
	ASSERT_PAGE_FREE(T.sim, 2);
	ck_assert_int_eq(access_read(T.mm, BASE, &v), 0);
	ck_assert_uint_eq(v, V7);
	ck_assert_int_eq(access_read(T.mm, BASE + PG, &v), 0);
	ck_assert_uint_eq(v, V7);
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 2);
	ASSERT_AV(av0, 2, 1);
	ck_assert_uint_eq(smaps_kb(T.sim, 1, BASE, "Private_Dirty:"), 8);

	/* the next pass no longer scans the VMA: the items go, the slot
	 * stays (MMF_VM_MERGEABLE lasts until exit) */
	scan();
	ASSERT_KSM(T.sim, 0, 0, 0, 0, 3);
	show_ksm(&m, T.sim);
	ck_assert_ptr_nonnull(strstr(m.buf, "pid 1 rmap_items 0\n"));
	strbuf_release(&m);
}
END_TEST

START_TEST(test_ksm_unmergeable_of_part_breaks_only_that_part)
{
	s7_merged();
	/* unmergeable on [1] only: V splits, [1] gets a private copy (pfn
	 * 1); [0] still maps K, whose node keeps both items until the pass */
	ck_assert_int_eq(ksm_madvise_unmerge(T.mm, BASE + PG, BASE + 2 * PG), 0);
	T_CMD(T.sim, "madvise 1 %#lx %lu unmergeable", BASE + PG, PG);
	ck_assert_int_eq(t_nr_vmas(T.mm), 2);
	ASSERT_PTE(T.mm, BASE, 2, PTE_RO);
	ASSERT_PTE(T.mm, BASE + PG, 1, PTE_ANON_RW);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 2)), 1);
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	scan();
	ASSERT_KSM(T.sim, 1, 0, 0, 0, 3);
}
END_TEST

START_TEST(test_ksm_unmergeable_without_write_permission_refused)
{
	s7_merged();
	/* r-- after the merge: the break is a user write here, which the
	 * VMA forbids (docs/ksm.md): EACCES, nothing changed. */
	T_CMD(T.sim, "mprotect 1 %#lx %lu r--", BASE, 2 * PG);
	ck_assert_int_eq(ksm_madvise_unmerge(T.mm, BASE, BASE + 2 * PG), -EACCES);
	ASSERT_PTE(T.mm, BASE, 2, PTE_RO);
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	CHECK_SIM(T.sim);
}
END_TEST

/* ----------------------------------------------------- munmap, OOM */

START_TEST(test_ksm_munmap_frees_ksm_page_and_node)
{
	s7_merged();
	/* the zap frees K and its node (the items' references go), then
	 * unlink_anon_vmas empties AV0's tree: AV0 is freed */
	T_CMD(T.sim, "munmap 1 %#lx %lu", BASE, 2 * PG);
	ASSERT_PAGE_FREE(T.sim, 2);
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 2);
	ck_assert_ptr_null(anon_vma_find(T.sim, 1));
	scan();
	ASSERT_KSM(T.sim, 0, 0, 0, 0, 3);
}
END_TEST

/* Everything a failed pass must leave as it was. */
static void ksm_snapshot(struct strbuf *out)
{
	static const char *const paths[] = {
		"/1/smaps", "/1/pagetable", "/anon_vma/1", "/vmstat",
		"/slabinfo", "/pages/1", "/pages/2", NULL,
	};
	struct strbuf k = STRBUF_INIT;

	t_render(T.sim, paths, out);
	show_ksm(&k, T.sim);
	strbuf_add(out, k.buf, k.len);
	strbuf_release(&k);
}

/* Fail the Nth allocation of a pass for N = 0, 1, ... until it succeeds;
 * each failure is -ENOMEM with everything unchanged. Return: N. */
static long scan_until_success(void)
{
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	long n;
	int err;

	ksm_snapshot(&before);
	for (n = 0; ; n++) {
		rm_fail_nth(n);
		err = ksm_do_scan(T.sim);
		rm_fail_nth(-1);
		CHECK_SIM(T.sim);
		if (!err)
			break;
		ck_assert_int_eq(err, -ENOMEM);
		ksm_snapshot(&after);
		ASSERT_STRBUF_EQ(&before, &after);
	}
	strbuf_release(&before);
	strbuf_release(&after);
	return n;
}

START_TEST(test_ksm_scan_under_allocation_failure)
{
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 2 * PG);
	/* pass 1: the machine's state (made by the first attempt and kept,
	 * invisible while empty), then a slot and two items per attempt */
	ck_assert_int_eq(scan_until_success(), 3);
	ASSERT_KSM(T.sim, 0, 0, 0, 2, 1);
	/* pass 2: one stable node, allocated before any PTE changes */
	ck_assert_int_eq(scan_until_success(), 1);
	ASSERT_KSM(T.sim, 1, 1, 0, 0, 2);
	ck_assert(PageKsm(pfn_to_page(T.sim, 2)));
}
END_TEST

START_TEST(test_ksm_unmerge_without_frames_changes_nothing)
{
	struct sim_options o = { .frames = 6 };
	struct sim *sim = sim_new(&o);
	struct mm_struct *mm;
	struct strbuf why = STRBUF_INIT;
	unsigned long a;

	/* 5 usable frames: K (from two pages) plus 4 more pages fill them
	 * all; breaking K's two mappings needs 2 frames: ENOMEM. */
	ck_assert_ptr_nonnull(sim);
	ck_assert_int_eq(t_exec(sim, NULL, "spawn"), 0);
	mm = t_mm(sim, 1);
	ck_assert_int_ge(do_mmap(mm, BASE, 6 * PG, RW, MAP_ANON_PRIV | MAP_FIXED,
				 NULL, 0), 0);
	ck_assert_int_eq(access_write(mm, BASE, V7), 0);
	ck_assert_int_eq(access_write(mm, BASE + PG, V7), 0);
	ck_assert_int_eq(do_madvise(mm, BASE, 2 * PG, MADV_MERGEABLE), 0);
	ck_assert_int_eq(ksm_do_scan(sim), 0);
	ck_assert_int_eq(ksm_do_scan(sim), 0);
	for (a = BASE + 2 * PG; a < BASE + 6 * PG; a += PG)
		ck_assert_int_eq(access_write(mm, a, a), 0);
	ck_assert_uint_eq(nr_free_frames(sim), 0);
	ck_assert_int_eq(ksm_madvise_unmerge(mm, BASE, BASE + 2 * PG), -ENOMEM);
	ck_assert(PageKsm(page_at(mm, BASE)));
	ck_assert_ptr_eq(page_at(mm, BASE), page_at(mm, BASE + PG));
	ck_assert_int_eq(sim_check(sim, &why), 0);
	strbuf_release(&why);
	ksm_release(sim);
	sim_free(sim);
}
END_TEST

START_TEST(test_ksm_might_need_to_copy)
{
	struct vm_area_struct *v;
	struct page *k, *x;

	/* |-- V: [0] K, [1] K, [2] X=3 (pfn 1 after the merge freed it) --| */
	MAP_FIXED_ANON(T.mm, BASE, 3, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 3 * PG);
	scan();
	scan();
	write_val(T.mm, BASE + 2 * PG, 3);
	v = t_vma(T.mm, 0);
	k = page_at(T.mm, BASE);
	x = page_at(T.mm, BASE + 2 * PG);
	/* K where an item leads to V: as it is; where none does: a copy */
	ck_assert(!ksm_might_need_to_copy(k, v, BASE));
	ck_assert(!ksm_might_need_to_copy(k, v, BASE + PG));
	ck_assert(ksm_might_need_to_copy(k, v, BASE + 2 * PG));
	/* an ordinary page: as it is at its own index, a copy elsewhere */
	ck_assert(!ksm_might_need_to_copy(x, v, BASE + 2 * PG));
	ck_assert(ksm_might_need_to_copy(x, v, BASE));
}
END_TEST

/* ------------------------------------------------------ validation */

START_TEST(test_ksm_check_catches_writable_ksm_pte)
{
	struct strbuf why = STRBUF_INIT;
	pte_t *ptep;

	s7_merged();
	ptep = pte_offset(T.mm, BASE);
	*ptep |= _PAGE_RW;
	ck_assert_int_eq(ksm_check(T.sim, &why), -EUCLEAN);
	ck_assert_ptr_nonnull(strstr(why.buf, "writable pte to ksm pfn 2"));
	*ptep &= ~_PAGE_RW;
	strbuf_release(&why);
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_ksm_anon_vma_refs_counts_stable_items_only)
{
	struct anon_vma *av0;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	write_val(T.mm, BASE, V7);
	write_val(T.mm, BASE + PG, V7);
	T_CMD(T.sim, "madvise 1 %#lx %lu mergeable", BASE, 2 * PG);
	av0 = t_vma(T.mm, 0)->anon_vma;
	ck_assert_uint_eq(ksm_anon_vma_refs(T.sim, av0), 0);
	scan();
	ck_assert_uint_eq(ksm_anon_vma_refs(T.sim, av0), 0);	/* volatile */
	scan();
	ck_assert_uint_eq(ksm_anon_vma_refs(T.sim, av0), 2);	/* stable */
}
END_TEST

static Suite *ksm_suite(void)
{
	Suite *s = suite_create("ksm");
	TCase *tc;

	tc = ksm_tcase("s7");
	tcase_add_test(tc, test_ksm_s7_first_pass_records_checksums_only);
	tcase_add_test(tc, test_ksm_s7_second_pass_merges);
	tcase_add_test(tc, test_ksm_s7_write_copies_even_at_mapcount_one);
	tcase_add_test(tc, test_ksm_show_ksm_format);
	suite_add_tcase(s, tc);

	tc = ksm_tcase("scan");
	tcase_add_test(tc, test_ksm_changing_page_stays_out_of_unstable_tree);
	tcase_add_test(tc, test_ksm_only_anonymous_pages_get_rmap_items);
	tcase_add_test(tc, test_ksm_stable_tree_merges_on_first_visit);
	suite_add_tcase(s, tc);

	tc = ksm_tcase("processes");
	tcase_add_test(tc, test_ksm_merge_across_two_processes);
	tcase_add_test(tc, test_ksm_exit_of_one_sharer);
	tcase_add_test(tc, test_ksm_exit_without_items_frees_slot_at_once);
	tcase_add_test(tc, test_ksm_forked_child_found_by_second_pass);
	tcase_add_test(tc, test_ksm_parent_exit_keeps_forked_child_reachable);
	tcase_add_test(tc, test_ksm_page_shared_with_unmergeable_mapping_not_merged_in_place);
	suite_add_tcase(s, tc);

	tc = ksm_tcase("unmerge");
	tcase_add_test(tc, test_ksm_unmergeable_breaks_sharing);
	tcase_add_test(tc, test_ksm_unmergeable_of_part_breaks_only_that_part);
	tcase_add_test(tc, test_ksm_unmergeable_without_write_permission_refused);
	suite_add_tcase(s, tc);

	tc = ksm_tcase("lifetime");
	tcase_add_test(tc, test_ksm_munmap_frees_ksm_page_and_node);
	tcase_add_test(tc, test_ksm_scan_under_allocation_failure);
	tcase_add_test(tc, test_ksm_unmerge_without_frames_changes_nothing);
	tcase_add_test(tc, test_ksm_might_need_to_copy);
	tcase_add_test(tc, test_ksm_check_catches_writable_ksm_pte);
	tcase_add_test(tc, test_ksm_anon_vma_refs_counts_stable_items_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(ksm_suite());
}
