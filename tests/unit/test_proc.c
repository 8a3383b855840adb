/* tests/unit/test_proc.c - the page-level renderers (include/proc.h):
 * smaps and smaps_rollup (kernel-spec §2), pagemap (§3.3), kpagecount and
 * kpageflags (§3.4), slabinfo (§3.6), vmstat and meminfo (§3.5),
 * /PID/pagetable, /pages/PFN, /anon_vma/ID, the graphs, and the tree.
 *
 * Every expected number is worked out in the comments from the kernel's
 * rules; the fixture machine has 1024 frames, pfn 0 being the zero page,
 * and hands out the lowest free pfn first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "page.h"
#include "pgtable.h"
#include "proc.h"
#include "task.h"
#include "testlib.h"

/* The [vsyscall] maps line: 56 characters, 16 blanks, one blank, name. */
#define VSYSCALL_LINE \
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0" \
	"                  [vsyscall]\n"

/* The fixed point of one 4 KiB page's PSS: 4096 << 12. */
#define PSS_PAGE	16777216ULL

static void assert_file_is(const char *path, const char *expect)
{
	struct strbuf out = STRBUF_INIT;
	int rc = vfs_render(T.sim, path, &out);

	ck_assert_msg(rc == 0, "vfs_render(%s) = %d", path, rc);
	ck_assert_msg(out.len == strlen(expect) &&
		      (!out.len || memcmp(out.buf, expect, out.len) == 0),
		      "%s:\n[%s]\nexpected:\n[%s]", path, out.buf ? out.buf : "",
		      expect);
	strbuf_release(&out);
}

static void assert_file_has(const char *path, const char *needle)
{
	struct strbuf out = STRBUF_INIT;
	int rc = vfs_render(T.sim, path, &out);

	ck_assert_msg(rc == 0, "vfs_render(%s) = %d", path, rc);
	ck_assert_msg(out.len && strstr(out.buf, needle),
		      "%s:\n[%s]\nlacks:\n[%s]", path, out.buf ? out.buf : "",
		      needle);
	strbuf_release(&out);
}

/* The kB lines of one smaps record after the header and Size/page sizes
 * (§2.1 rows 4-20), values in kB. */
struct smaps_kb {
	unsigned long rss, pss, shared_clean, shared_dirty, private_clean,
		      private_dirty, referenced, anonymous, lazyfree, locked;
};

static void kb_line(struct strbuf *e, const char *label, unsigned long kb)
{
	/* the 16-character label, then %8lu */
	strbuf_printf(e, "%-16s%8lu kB\n", label, kb);
}

static void smaps_stats(struct strbuf *e, const struct smaps_kb *k,
			bool rollup, unsigned long pss_anon,
			unsigned long pss_file, unsigned long pss_shmem)
{
	kb_line(e, "Rss:", k->rss);
	kb_line(e, "Pss:", k->pss);
	if (rollup) {
		kb_line(e, "Pss_Anon:", pss_anon);
		kb_line(e, "Pss_File:", pss_file);
		kb_line(e, "Pss_Shmem:", pss_shmem);
	}
	kb_line(e, "Shared_Clean:", k->shared_clean);
	kb_line(e, "Shared_Dirty:", k->shared_dirty);
	kb_line(e, "Private_Clean:", k->private_clean);
	kb_line(e, "Private_Dirty:", k->private_dirty);
	kb_line(e, "Referenced:", k->referenced);
	kb_line(e, "Anonymous:", k->anonymous);
	kb_line(e, "LazyFree:", k->lazyfree);
	kb_line(e, "AnonHugePages:", 0);
	kb_line(e, "ShmemPmdMapped:", 0);
	kb_line(e, "FilePmdMapped:", 0);
	kb_line(e, "Shared_Hugetlb:", 0);
	strbuf_puts(e, "Private_Hugetlb:       0 kB\n");
	kb_line(e, "Swap:", 0);
	kb_line(e, "SwapPss:", 0);
	kb_line(e, "Locked:", k->locked);
}

/* One whole smaps record of an anonymous VMA. */
static void smaps_record(struct strbuf *e, unsigned long start,
			 unsigned long end, const char *perms,
			 const struct smaps_kb *k, const char *vmflags)
{
	strbuf_printf(e, "%08lx-%08lx %s 00000000 00:00 0 \n", start, end, perms);
	kb_line(e, "Size:", (end - start) >> 10);
	kb_line(e, "KernelPageSize:", 4);
	kb_line(e, "MMUPageSize:", 4);
	smaps_stats(e, k, false, 0, 0, 0);
	strbuf_puts(e, "THPeligible:    0\n");
	strbuf_printf(e, "VmFlags: %s\n", vmflags);
}

static void vsyscall_record(struct strbuf *e)
{
	static const struct smaps_kb zero;

	strbuf_puts(e, VSYSCALL_LINE);
	kb_line(e, "Size:", 4);
	kb_line(e, "KernelPageSize:", 4);
	kb_line(e, "MMUPageSize:", 4);
	smaps_stats(e, &zero, false, 0, 0, 0);
	strbuf_puts(e, "THPeligible:    0\nVmFlags: ex \n");
}

/* The smaps_rollup header: flags 0, so "---p", padded to column 72. */
static void rollup_header(struct strbuf *e, unsigned long start,
			  unsigned long end)
{
	size_t line = e->len;

	strbuf_printf(e, "%08lx-%08lx ---p 00000000 00:00 0 ", start, end);
	strbuf_pad_to(e, line, 72);
	strbuf_puts(e, " [rollup]\n");
}

static uint64_t pagemap_at(int pid, unsigned long addr)
{
	char path[32];
	struct strbuf out = STRBUF_INIT;
	uint64_t v = 0;
	int i;

	snprintf(path, sizeof(path), "/%d/pagemap", pid);
	ck_assert_int_eq(vfs_read_range(T.sim, path, (off_t)(addr >> 12) * 8, 8,
					&out), 0);
	ck_assert_uint_eq(out.len, 8);
	for (i = 7; i >= 0; i--)	/* little endian */
		v = v << 8 | (unsigned char)out.buf[i];
	strbuf_release(&out);
	return v;
}

static uint64_t kpage_at(const char *path, unsigned long pfn)
{
	struct strbuf out = STRBUF_INIT;
	uint64_t v = 0;
	int i;

	ck_assert_int_eq(vfs_read_range(T.sim, path, (off_t)pfn * 8, 8, &out), 0);
	ck_assert_uint_eq(out.len, 8);
	for (i = 7; i >= 0; i--)
		v = v << 8 | (unsigned char)out.buf[i];
	strbuf_release(&out);
	return v;
}

/* ---- smaps ---- */

START_TEST(test_smaps_one_private_dirty_page)
{
	/*
	 * 0x40000000 0x40001000
	 * |rw- private|  one write: do_anonymous_page, a fresh page with
	 * refcount 1 (private, full PSS), PTE young and dirty (x86 faults
	 * set both), PageAnon. The whole record, spelled out once.
	 */
	static const char expect[] =
		"40000000-40001000 rw-p 00000000 00:00 0 \n"
		"Size:                  4 kB\n"
		"KernelPageSize:        4 kB\n"
		"MMUPageSize:           4 kB\n"
		"Rss:                   4 kB\n"
		"Pss:                   4 kB\n"
		"Shared_Clean:          0 kB\n"
		"Shared_Dirty:          0 kB\n"
		"Private_Clean:         0 kB\n"
		"Private_Dirty:         4 kB\n"
		"Referenced:            4 kB\n"
		"Anonymous:             4 kB\n"
		"LazyFree:              0 kB\n"
		"AnonHugePages:         0 kB\n"
		"ShmemPmdMapped:        0 kB\n"
		"FilePmdMapped:         0 kB\n"
		"Shared_Hugetlb:        0 kB\n"
		"Private_Hugetlb:       0 kB\n"
		"Swap:                  0 kB\n"
		"SwapPss:               0 kB\n"
		"Locked:                0 kB\n"
		"THPeligible:    0\n"
		"VmFlags: rd wr mr mw me ac sd \n"
		VSYSCALL_LINE
		"Size:                  4 kB\n"
		"KernelPageSize:        4 kB\n"
		"MMUPageSize:           4 kB\n"
		"Rss:                   0 kB\n"
		"Pss:                   0 kB\n"
		"Shared_Clean:          0 kB\n"
		"Shared_Dirty:          0 kB\n"
		"Private_Clean:         0 kB\n"
		"Private_Dirty:         0 kB\n"
		"Referenced:            0 kB\n"
		"Anonymous:             0 kB\n"
		"LazyFree:              0 kB\n"
		"AnonHugePages:         0 kB\n"
		"ShmemPmdMapped:        0 kB\n"
		"FilePmdMapped:         0 kB\n"
		"Shared_Hugetlb:        0 kB\n"
		"Private_Hugetlb:       0 kB\n"
		"Swap:                  0 kB\n"
		"SwapPss:               0 kB\n"
		"Locked:                0 kB\n"
		"THPeligible:    0\n"
		"VmFlags: ex \n";
	struct strbuf e = STRBUF_INIT;
	static const struct smaps_kb k = { .rss = 4, .pss = 4,
		.private_dirty = 4, .referenced = 4, .anonymous = 4 };

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 7");
	assert_file_is("/1/smaps", expect);
	/* the helpers give the same bytes */
	smaps_record(&e, 0x40000000, 0x40001000, "rw-p", &k,
		     "rd wr mr mw me ac sd ");
	vsyscall_record(&e);
	ck_assert_str_eq(e.buf, expect);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_empty_process_is_vsyscall_only)
{
	struct strbuf e = STRBUF_INIT;

	vsyscall_record(&e);
	assert_file_is("/1/smaps", e.buf);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_zero_page_counts_nowhere)
{
	struct strbuf e = STRBUF_INIT;
	static const struct smaps_kb zero;

	/* A read fault maps the zero page through a special PTE:
	 * vm_normal_page gives nothing, so not even Rss moves (§2.3). */
	T_CMD(T.sim, "mmap 1 0x40000000 8192 rw- private,fixed");
	T_CMD(T.sim, "read 1 0x40000000");
	T_CMD(T.sim, "read 1 0x40001000");
	smaps_record(&e, 0x40000000, 0x40002000, "rw-p", &zero,
		     "rd wr mr mw me ac sd ");
	vsyscall_record(&e);
	assert_file_is("/1/smaps", e.buf);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_pss_truncates_three_pages_shared_by_three)
{
	struct strbuf e = STRBUF_INIT;
	/*
	 * Three dirty pages, then two forks: each page has mapcount 3 and
	 * refcount 3. Per page (4096 << 12) / 3 = 5592405; three pages sum to
	 * 16777215; >> 12 = 4095 bytes; >> 10 = 3 kB (not 4). All shared and
	 * dirty (fork copies the dirty bit of private PTEs).
	 * The parent's PTEs stay young: Referenced 12. The children's PTEs
	 * are old and the pages carry no PG_referenced/PG_young: 0.
	 */
	struct smaps_kb parent = { .rss = 12, .pss = 3, .shared_dirty = 12,
				   .referenced = 12, .anonymous = 12 };
	struct smaps_kb child = parent;

	child.referenced = 0;
	T_CMD(T.sim, "mmap 1 0x40000000 12288 rw- private,fixed");
	T_CMD(T.sim, "touch 1 0x40000000 12288 write");
	ck_assert_int_eq(T_CMD(T.sim, "fork 1"), 2);
	ck_assert_int_eq(T_CMD(T.sim, "fork 1"), 3);

	smaps_record(&e, 0x40000000, 0x40003000, "rw-p", &parent,
		     "rd wr mr mw me ac sd ");
	vsyscall_record(&e);
	assert_file_is("/1/smaps", e.buf);

	strbuf_reset(&e);
	smaps_record(&e, 0x40000000, 0x40003000, "rw-p", &child,
		     "rd wr mr mw me ac sd ");
	vsyscall_record(&e);
	assert_file_is("/2/smaps", e.buf);
	assert_file_is("/3/smaps", e.buf);

	/* rollup: the same sum; Pss_Anon as Pss */
	strbuf_reset(&e);
	rollup_header(&e, 0x40000000, 0x40003000);
	smaps_stats(&e, &parent, true, 3, 0, 0);
	assert_file_is("/1/smaps_rollup", e.buf);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_rollup_sums_before_truncating)
{
	struct strbuf e = STRBUF_INIT;
	/*
	 * 0x40000000  0x40002000      0x40010000  0x40012000
	 * |rw- 2 pages|     ...       |rw- 2 pages|
	 * Both written, then two forks: every page shared by 3.
	 * Per VMA: 2 * 5592405 = 11184810 >> 12 = 2730 >> 10 = 2 kB.
	 * Rollup: 4 * 5592405 = 22369620 >> 12 = 5461 >> 10 = 5 kB, more
	 * than 2 + 2.
	 */
	struct smaps_kb vma = { .rss = 8, .pss = 2, .shared_dirty = 8,
				.referenced = 8, .anonymous = 8 };
	struct smaps_kb all = { .rss = 16, .pss = 5, .shared_dirty = 16,
				.referenced = 16, .anonymous = 16 };

	T_CMD(T.sim, "mmap 1 0x40000000 8192 rw- private,fixed");
	T_CMD(T.sim, "mmap 1 0x40010000 8192 rw- private,fixed");
	T_CMD(T.sim, "touch 1 0x40000000 8192 write");
	T_CMD(T.sim, "touch 1 0x40010000 8192 write");
	T_CMD(T.sim, "fork 1");
	T_CMD(T.sim, "fork 1");
	smaps_record(&e, 0x40000000, 0x40002000, "rw-p", &vma,
		     "rd wr mr mw me ac sd ");
	smaps_record(&e, 0x40010000, 0x40012000, "rw-p", &vma,
		     "rd wr mr mw me ac sd ");
	vsyscall_record(&e);
	assert_file_is("/1/smaps", e.buf);
	strbuf_reset(&e);
	rollup_header(&e, 0x40000000, 0x40012000);
	smaps_stats(&e, &all, true, 5, 0, 0);
	assert_file_is("/1/smaps_rollup", e.buf);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_rollup_of_empty_process)
{
	struct strbuf e = STRBUF_INIT;
	static const struct smaps_kb zero;

	/* No VMA: start and end 0 (the stable fix of v5.15.0's NULL
	 * dereference); the gate VMA is never part of the rollup. The
	 * 40-character prefix, 32 blanks to column 72, a blank, the name. */
	rollup_header(&e, 0, 0);
	smaps_stats(&e, &zero, true, 0, 0, 0);
	ck_assert(strncmp(e.buf, "00000000-00000000 ---p 00000000 00:00 0"
			  "                                  [rollup]\n", 82) == 0);
	assert_file_is("/1/smaps_rollup", e.buf);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_shared_file_page_is_shmem_not_anonymous)
{
	struct strbuf e = STRBUF_INIT;
	size_t line;
	/*
	 * A write through a shared mapping of a (tmpfs-like) file: the page
	 * cache holds one reference and the PTE one (refcount 2), mapcount 1
	 * so still private; PTE dirty; not PageAnon so Anonymous 0; swap-
	 * backed, so its PSS goes to Pss_Shmem in the rollup.
	 */
	struct smaps_kb k = { .rss = 4, .pss = 4, .private_dirty = 4,
			      .referenced = 4 };

	T_CMD(T.sim, "file /f 4096");
	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- shared,fixed /f");
	T_CMD(T.sim, "write 1 0x40000000 9");
	line = e.len;
	strbuf_puts(&e, "40000000-40001000 rw-s 00000000 08:01 1 ");
	strbuf_pad_to(&e, line, 72);
	strbuf_puts(&e, " /f\n");
	kb_line(&e, "Size:", 4);
	kb_line(&e, "KernelPageSize:", 4);
	kb_line(&e, "MMUPageSize:", 4);
	smaps_stats(&e, &k, false, 0, 0, 0);
	strbuf_puts(&e, "THPeligible:    0\nVmFlags: rd wr sh mr mw me ms sd \n");
	vsyscall_record(&e);
	assert_file_is("/1/smaps", e.buf);
	strbuf_reset(&e);
	rollup_header(&e, 0x40000000, 0x40001000);
	smaps_stats(&e, &k, true, 0, 0, 4);
	assert_file_is("/1/smaps_rollup", e.buf);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_smaps_locked_lazyfree_and_vmflags)
{
	struct vm_area_struct *vma;
	struct page *page;
	pte_t *pte;
	/*
	 * No command sets VM_LOCKED or makes a page lazily freeable yet, so
	 * the state is set by hand and put back before teardown.
	 * Locked is the PSS of a VM_LOCKED VMA: 4 kB for one private page.
	 * VM_LOCKONFAULT (bit 19) has no mnemonic in v5.15: "??" after
	 * "lo" (bit 13) and before "ac" (bit 20).
	 */
	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	vma = t_vma(T.mm, 0);
	vma->vm_flags |= VM_LOCKED | VM_LOCKONFAULT;
	assert_file_has("/1/smaps", "Locked:                4 kB\nTHPeligible:    0\n"
			"VmFlags: rd wr mr mw me lo ?? ac sd \n");
	assert_file_has("/1/smaps_rollup", "Locked:                4 kB\n");
	vma->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);

	/* MADV_FREE's state: anon, not swap-backed. Still dirty in the PTE:
	 * not lazily freeable. Clean: LazyFree 4, and Private_Clean. */
	pte = pte_offset(T.mm, 0x40000000);
	ck_assert_ptr_nonnull(pte);
	page = pfn_to_page(T.sim, pte_pfn(*pte));
	ClearPage(page, PG_swapbacked);
	assert_file_has("/1/smaps", "Anonymous:             4 kB\n"
			"LazyFree:              0 kB\n");
	*pte &= ~_PAGE_DIRTY;
	assert_file_has("/1/smaps", "Private_Clean:         4 kB\n"
			"Private_Dirty:         0 kB\n");
	assert_file_has("/1/smaps", "Anonymous:             4 kB\n"
			"LazyFree:              4 kB\n");
	/* not swap-backed and not anon would be file: here anon wins */
	assert_file_has("/1/smaps_rollup", "Pss_Anon:              4 kB\n");
	*pte |= _PAGE_DIRTY;
	SetPage(page, PG_swapbacked);
	CHECK_SIM(T.sim);
}
END_TEST

START_TEST(test_smaps_referenced_from_page_flag)
{
	struct page *page;
	pte_t *pte;

	/* A child's PTE is old, so its Referenced is 0, unless the page
	 * itself says PG_referenced (or the idle-tracking PG_young). */
	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "fork 1");
	assert_file_has("/2/smaps", "Referenced:            0 kB\n");
	pte = pte_offset(T.mm, 0x40000000);
	page = pfn_to_page(T.sim, pte_pfn(*pte));
	SetPage(page, PG_young);
	assert_file_has("/2/smaps", "Referenced:            4 kB\n");
	ClearPage(page, PG_young);
	SetPage(page, PG_referenced);
	assert_file_has("/2/smaps", "Referenced:            4 kB\n");
	ClearPage(page, PG_referenced);
}
END_TEST

/* ---- pagemap ---- */

START_TEST(test_pagemap_derived_examples)
{
	/*
	 * §3.3 DERIVED examples, with the PFN in bits 0-54 (rmapfs reads as
	 * if with CAP_SYS_ADMIN). mmap sets VM_SOFTDIRTY, so bit 55 is on
	 * everywhere inside a VMA.
	 *   0x40000000 written: pfn 1, exclusive anon  0x8180000000000000|1
	 *   0x40001000 read:    zero page, pfn 0       0x8080000000000000
	 *   0x40002000 untouched slot in the VMA        0x0080000000000000
	 *   0x40010000 shared file page mapped once:
	 *                       pfn 2 (page cache)      0xA180000000000000|2
	 *   0x40003000 no VMA                           0
	 */
	T_CMD(T.sim, "mmap 1 0x40000000 12288 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "read 1 0x40001000");
	T_CMD(T.sim, "file /f 4096");
	T_CMD(T.sim, "mmap 1 0x40010000 4096 r-- shared,fixed /f");
	T_CMD(T.sim, "read 1 0x40010000");
	ck_assert_uint_eq(pagemap_at(1, 0x40000000), 0x8180000000000001ULL);
	ck_assert_uint_eq(pagemap_at(1, 0x40001000), 0x8080000000000000ULL);
	ck_assert_uint_eq(pagemap_at(1, 0x40002000), 0x0080000000000000ULL);
	ck_assert_uint_eq(pagemap_at(1, 0x40010000), 0xA180000000000002ULL);
	ck_assert_uint_eq(pagemap_at(1, 0x40003000), 0);
	ck_assert_uint_eq(pagemap_at(1, 0), 0);
	/* after a fork the anon page has mapcount 2: no bit 56 */
	T_CMD(T.sim, "fork 1");
	ck_assert_uint_eq(pagemap_at(1, 0x40000000), 0x8080000000000001ULL);
	ck_assert_uint_eq(pagemap_at(2, 0x40000000), 0x8080000000000001ULL);
	/* copy_present_pte copies the zero page's special PTE as it is */
	ck_assert_uint_eq(pagemap_at(2, 0x40001000), 0x8080000000000000ULL);
	/* a COW copy in the child: pfn 3, exclusive again in both */
	T_CMD(T.sim, "write 2 0x40000000 2");
	ck_assert_uint_eq(pagemap_at(2, 0x40000000), 0x8180000000000003ULL);
	ck_assert_uint_eq(pagemap_at(1, 0x40000000), 0x8180000000000001ULL);
}
END_TEST

START_TEST(test_pagemap_ranges_alignment_and_end)
{
	struct strbuf out = STRBUF_INIT;
	/* task_size 0x7ffffffff000: 0x7ffffffff entries of 8 bytes */
	const uint64_t size = 0x7ffffffffULL * 8;

	T_CMD(T.sim, "mmap 1 0x40000000 8192 rw- private,fixed");
	ck_assert_uint_eq(pagemap_size(T.mm), size);
	/* the kernel's pagemap_read: offset and count must be multiples of 8 */
	ck_assert_int_eq(vfs_read_range(T.sim, "/1/pagemap", 4, 8, &out), -EINVAL);
	ck_assert_int_eq(vfs_read_range(T.sim, "/1/pagemap", 8, 12, &out), -EINVAL);
	ck_assert_uint_eq(out.len, 0);
	/* a two-entry range straddling the VMA start: 0, then soft-dirty */
	ck_assert_int_eq(vfs_read_range(T.sim, "/1/pagemap",
					(0x40000000 >> 12) * 8 - 8, 16, &out), 0);
	ck_assert_uint_eq(out.len, 16);
	ck_assert(memcmp(out.buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x80\0", 16) == 0);
	/* end of file at task_size; a read across it is short */
	strbuf_reset(&out);
	ck_assert_int_eq(vfs_read_range(T.sim, "/1/pagemap", (off_t)size, 8, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(vfs_read_range(T.sim, "/1/pagemap", (off_t)size - 8, 64,
					&out), 0);
	ck_assert_uint_eq(out.len, 8);
	/* rendering it whole is refused */
	strbuf_reset(&out);
	ck_assert_int_eq(vfs_render(T.sim, "/1/pagemap", &out), -EFBIG);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_pagemap_handle_reads_at_read_time)
{
	struct vfs_handle *h;
	unsigned char buf[16];
	off_t off = (0x40000000 >> 12) * 8;

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	ck_assert_int_eq(vfs_open(T.sim, "/1/pagemap", false, &h), 0);
	ck_assert_int_eq(vfs_read(T.sim, h, (char *)buf, 8, off), 8);
	ck_assert_uint_eq(buf[7], 0x00);	/* not present yet */
	ck_assert_uint_eq(buf[6], 0x80);	/* soft-dirty */
	/* no snapshot: a write after the open shows */
	T_CMD(T.sim, "write 1 0x40000000 1");
	ck_assert_int_eq(vfs_read(T.sim, h, (char *)buf, 8, off), 8);
	ck_assert_uint_eq(buf[7], 0x81);	/* present, exclusive */
	ck_assert_uint_eq(buf[0], 0x01);	/* pfn 1 */
	ck_assert_int_eq(vfs_read(T.sim, h, (char *)buf, 3, off), -EINVAL);
	/* the process exits: reads end at once, as mmget_not_zero fails */
	T_CMD(T.sim, "exit 1");
	ck_assert_int_eq(vfs_read(T.sim, h, (char *)buf, 8, off), 0);
	vfs_release(T.sim, h);
}
END_TEST

/* ---- /PID/pagetable ---- */

START_TEST(test_pagetable_lines)
{
	/*
	 * 0x40000000 = 1 GiB: pgd index 0, pud index 1, pmd 0, pte 0.
	 * The write maps pfn 1: PRESENT|USER|ACCESSED|NX from PAGE_COPY,
	 * RW (maybe_mkwrite), DIRTY and SOFT_DIRTY (pte_mkdirty). The read of
	 * the next page maps the zero page: special, no RW, no dirty.
	 * Index column 20 wide, then the address in 12 hex digits.
	 */
	static const char expect[] =
		"pgd[0]               000000000000 table\n"
		"pud[0,1]             000040000000 table\n"
		"pmd[0,1,0]           000040000000 table\n"
		"pte[0,1,0,0]         000040000000 pfn 1 present rw user accessed dirty softdirty nx\n"
		"pte[0,1,0,1]         000040001000 pfn 0 zero present user accessed special nx\n";

	assert_file_is("/1/pagetable", "");
	T_CMD(T.sim, "mmap 1 0x40000000 8192 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "read 1 0x40001000");
	assert_file_is("/1/pagetable", expect);
}
END_TEST

/* ---- kpagecount, kpageflags ---- */

START_TEST(test_kpage_values)
{
	struct strbuf out = STRBUF_INIT;

	/*
	 * pfn 0, the zero page: mapcount 0 (special PTEs never count it);
	 * UPTODATE(3) | ZERO_PAGE(24) | RESERVED(32) = 0x101000008.
	 * pfn 1, an exclusive anon page on the LRU: count 1; UPTODATE(3) |
	 * LRU(5) | MMAP(11) | ANON(12) | SWAPBACKED(14) = 0x5828 (§3.4).
	 * pfn 2, free: count 0, BUDDY(10) = 0x400.
	 */
	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	ck_assert_uint_eq(kpage_at("/kpagecount", 0), 0);
	ck_assert_uint_eq(kpage_at("/kpageflags", 0), 0x101000008ULL);
	ck_assert_uint_eq(kpage_at("/kpagecount", 1), 1);
	ck_assert_uint_eq(kpage_at("/kpageflags", 1), 0x5828);
	ck_assert_uint_eq(kpage_at("/kpagecount", 2), 0);
	ck_assert_uint_eq(kpage_at("/kpageflags", 2), 0x400);
	/* kpagecount is the mapcount: 3 after two forks */
	T_CMD(T.sim, "fork 1");
	T_CMD(T.sim, "fork 1");
	ck_assert_uint_eq(kpage_at("/kpagecount", 1), 3);
	ck_assert_uint_eq(kpage_at("/kpageflags", 1), 0x5828);
	/* whole file: one entry per frame */
	ck_assert_int_eq(vfs_render(T.sim, "/kpageflags", &out), 0);
	ck_assert_uint_eq(out.len, 1024 * 8);
	strbuf_reset(&out);
	ck_assert_int_eq(vfs_read_range(T.sim, "/kpagecount", 1023 * 8, 64, &out), 0);
	ck_assert_uint_eq(out.len, 8);
	ck_assert_int_eq(vfs_read_range(T.sim, "/kpagecount", 1024 * 8, 8, &out), 0);
	ck_assert_uint_eq(out.len, 8);
	ck_assert_int_eq(vfs_read_range(T.sim, "/kpagecount", 1, 8, &out), -EINVAL);
	strbuf_release(&out);
}
END_TEST

/* ---- /pages/PFN ---- */

START_TEST(test_page_file_and_rmap_walk)
{
	/*
	 * pfn 1: written by pid 1, then shared with its child pid 2 by fork
	 * (refcount 2, mapcount 2), filed under anon_vma 1 at index
	 * 0x40000 (vm_pgoff of a private anon VMA is addr >> 12). The walk
	 * visits anon_vma 1's tree: pid 1's VMA (PTE write-protected by
	 * fork, still young) and pid 2's (old: no accessed).
	 * pfn 2: written by pid 1 after the fork: only pid 1 maps it, but
	 * the child's VMA is in anon_vma 1's tree too: "not mapped".
	 */
	static const char expect1[] =
		"pfn:\t1\n"
		"flags:\tuptodate lru swapbacked\n"
		"refcount:\t2\n"
		"mapcount:\t2\n"
		"mapping:\tanon_vma 1\n"
		"index:\t0x40000\n"
		"content:\t42\n"
		"rmap:\t2\n"
		"1 40000000-40002000 40000000 present user accessed dirty softdirty nx\n"
		"2 40000000-40002000 40000000 present user dirty softdirty nx\n";
	static const char expect2[] =
		"pfn:\t2\n"
		"flags:\tuptodate lru swapbacked\n"
		"refcount:\t1\n"
		"mapcount:\t1\n"
		"mapping:\tanon_vma 1\n"
		"index:\t0x40001\n"
		"content:\t18446744073709551615\n"
		"rmap:\t2\n"
		"1 40000000-40002000 40001000 present rw user accessed dirty softdirty nx\n"
		"2 40000000-40002000 40001000 not mapped\n";
	static const char expect0[] =
		"pfn:\t0\n"
		"flags:\tuptodate reserved\n"
		"refcount:\t1\n"
		"mapcount:\t0\n"
		"mapping:\tzero page\n"
		"index:\t0x0\n"
		"content:\t0\n"
		"rmap:\t0\n";

	T_CMD(T.sim, "mmap 1 0x40000000 8192 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 42");
	T_CMD(T.sim, "fork 1");
	T_CMD(T.sim, "write 1 0x40001000 0xffffffffffffffff");
	assert_file_is("/pages/1", expect1);
	assert_file_is("/pages/2", expect2);
	assert_file_is("/pages/0", expect0);
}
END_TEST

START_TEST(test_page_of_file_walks_i_mmap)
{
	/*
	 * A page-cache page of /f mapped shared by pid 1: refcount 2 (cache
	 * and PTE), mapcount 1, dirty (fault_dirty_shared_page), swap-backed
	 * (tmpfs-like). The walk goes through /f's i_mmap. The private read
	 * mapping in pid 1 covers index 0 too but never faulted.
	 */
	T_CMD(T.sim, "file /f 4096");
	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- shared,fixed /f");
	T_CMD(T.sim, "mmap 1 0x50000000 4096 r-- private,fixed /f");
	T_CMD(T.sim, "write 1 0x40000000 5");
	assert_file_has("/pages/1", "refcount:\t2\nmapcount:\t1\nmapping:\tfile /f\n"
			"index:\t0x0\ncontent:\t5\nrmap:\t2\n");
	assert_file_has("/pages/1", "\n1 40000000-40001000 40000000 present rw user "
			"accessed dirty softdirty nx\n");
	assert_file_has("/pages/1", "\n1 50000000-50001000 50000000 not mapped\n");
	assert_file_has("/pages/1", "flags:\tuptodate dirty lru swapbacked\n");
}
END_TEST

/* ---- /anon_vma/ID ---- */

START_TEST(test_anon_vma_files_after_fork)
{
	/*
	 * §5.9 steps 1-2: pid 1 writes (av 1: degree 2, refcount 1), forks
	 * pid 2: av 2 {degree 1, refcount 1, parent 1, root 1}; av 1 {degree
	 * 3, refcount 2}. av 1's tree holds both VMAs (pgoff 0x40000, one
	 * page), pid 1's own anon_vma first (inserted first). pfn 1 is filed
	 * under av 1.
	 */
	static const char expect1[] =
		"id:\t1\nroot:\t1\nparent:\t1\nrefcount:\t2\ndegree:\t3\navcs:\t2\n"
		"1 40000000-40001000 pgoff 0x40000-0x40000 anon_vma\n"
		"2 40000000-40001000 pgoff 0x40000-0x40000\n"
		"pages:\t1\n"
		"1 0x40000\n";
	static const char expect2[] =
		"id:\t2\nroot:\t1\nparent:\t1\nrefcount:\t1\ndegree:\t1\navcs:\t1\n"
		"2 40000000-40001000 pgoff 0x40000-0x40000 anon_vma\n"
		"pages:\t0\n";

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "fork 1");
	assert_file_is("/anon_vma/1", expect1);
	assert_file_is("/anon_vma/2", expect2);
}
END_TEST

/* ---- graphs ---- */

START_TEST(test_graph_dot)
{
	struct strbuf out = STRBUF_INIT;
	char path[] = "/tmp/rmapfs-test-graph.XXXXXX";
	int fd, rc;

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "fork 1");
	/* the child's VMA: two AVCs (newest first), its own anon_vma bold */
	assert_file_has("/2/anon_vma.dot",
			"\tavc_2_40000000_2 -> av2;\n"
			"\tavc_2_40000000_1 -> av1;\n"
			"\tpid2_vma_40000000 -> av2 [style=bold, color=blue, "
			"label=\"anon_vma\"];\n");
	/* av 1 is reached through the chain; parent and root edges of av 2 */
	assert_file_has("/2/anon_vma.dot",
			"\tav1 [shape=ellipse, style=filled, fillcolor=gold, "
			"label=\"anon_vma 1 (root)\\ndegree=3 refcount=2\"];\n"
			"\tav2 [shape=ellipse, style=filled, fillcolor=lightyellow, "
			"label=\"anon_vma 2\\ndegree=1 refcount=1\"];\n"
			"\tav2 -> av1 [style=dashed, label=\"parent\"];\n"
			"\tav2 -> av1 [style=dotted, label=\"root\"];\n}\n");
	assert_file_has("/graph.dot", "subgraph cluster_pid1 {");
	assert_file_has("/graph.dot", "subgraph cluster_pid2 {");

	/* Graphviz must accept it, when installed. */
	ck_assert_int_eq(vfs_render(T.sim, "/graph.dot", &out), 0);
	ck_assert(strncmp(out.buf, "digraph rmap {\n", 15) == 0);
	if (system("command -v dot >/dev/null 2>&1") == 0) {
		char cmd[128];

		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, out.buf, out.len), (ssize_t)out.len);
		close(fd);
		snprintf(cmd, sizeof(cmd), "dot -Tsvg %s >/dev/null", path);
		rc = system(cmd);
		unlink(path);
		ck_assert_int_eq(rc, 0);
	}
	strbuf_release(&out);
}
END_TEST

/* ---- machine-wide counters ---- */

START_TEST(test_slabinfo_counts_live_objects)
{
	/*
	 * After a write and a fork: anon_vmas 1 and 2; AVCs: pid 1's one,
	 * pid 2's two; VMAs: one each. One slab each (objects fit).
	 * "%-17s %6lu %6lu %6u %4u %4d" : tunables "%4u" x3 : slabdata "%6lu" x3.
	 */
	static const char expect[] =
		"slabinfo - version: 2.1\n"
		"# name            <active_objs> <num_objs> <objsize> <objperslab> "
		"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		"slabdata <active_slabs> <num_slabs> <sharedavail>\n"
		"anon_vma               2      2     88   46    1 : tunables    0    0    0"
		" : slabdata      1      1      0\n"
		"anon_vma_chain         3      3     64   64    1 : tunables    0    0    0"
		" : slabdata      1      1      0\n"
		"vm_area_struct         2      2    200   20    1 : tunables    0    0    0"
		" : slabdata      1      1      0\n";
	static const char empty[] =
		"anon_vma               0      0     88   46    1 : tunables    0    0    0"
		" : slabdata      0      0      0\n";

	assert_file_has("/slabinfo", empty);
	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "fork 1");
	assert_file_is("/slabinfo", expect);
}
END_TEST

START_TEST(test_slabinfo_slab_count_rounds_up)
{
	int i;

	/* 21 VMAs (every other page, so none merge): ceil(21 / 20) = 2. */
	for (i = 0; i < 21; i++)
		T_CMD(T.sim, "mmap 1 %#lx 4096 rw- private,fixed",
		      0x40000000UL + 2UL * (unsigned long)i * PG);
	assert_file_has("/slabinfo", "vm_area_struct        21     21    200   20    1 :"
			" tunables    0    0    0 : slabdata      2      2      0\n");
}
END_TEST

START_TEST(test_vmstat_and_meminfo)
{
	/*
	 * 1024 frames; after one anonymous write: pfn 0 (zero page) and pfn 1
	 * are not free: 1022. One anon page mapped. Page tables: a PMD and a
	 * PTE table count in nr_page_table_pages (the PUD does not): 2.
	 * One fault. The new anon page goes to the inactive anon list
	 * (lru_cache_add_inactive_or_unevictable, v5.15). The fixture has no
	 * swap device (swap=0): SwapTotal and SwapFree 0.
	 */
	static const char meminfo[] =
		"MemTotal:           4096 kB\n"
		"MemFree:            4088 kB\n"
		"Cached:                0 kB\n"
		"SwapCached:            0 kB\n"
		"Active:                0 kB\n"
		"Inactive:              4 kB\n"
		"Active(anon):          0 kB\n"
		"Inactive(anon):        4 kB\n"
		"Active(file):          0 kB\n"
		"Inactive(file):        0 kB\n"
		"Unevictable:           0 kB\n"
		"Mlocked:               0 kB\n"
		"SwapTotal:             0 kB\n"
		"SwapFree:              0 kB\n"
		"AnonPages:             4 kB\n"
		"Mapped:                0 kB\n"
		"Shmem:                 0 kB\n"
		"PageTables:            8 kB\n";
	static const char vmstat[] =
		"nr_free_pages 1022\n"
		"nr_anon_pages 1\n"
		"nr_mapped 0\n"
		"nr_file_pages 0\n"
		"nr_shmem 0\n"
		"nr_page_table_pages 2\n"
		"nr_swapcached 0\n"
		"pswpin 0\n"
		"pswpout 0\n"
		"pgactivate 0\n"
		"pgdeactivate 0\n"
		"pgfault 1\n"
		"pgmajfault 0\n"
		"pgreuse 0\n"
		"pgsteal_direct 0\n"
		"pgscan_direct 0\n"
		"pgmigrate_success 0\n"
		"unevictable_pgs_mlocked 0\n"
		"unevictable_pgs_munlocked 0\n"
		"sim_cow_copy 0\n"
		"sim_zero_page_cow 0\n"
		"sim_zero_page_map 0\n"
		"sim_anon_fault 1\n"
		"sim_anon_vma_alloc 1\n"
		"sim_anon_vma_reuse 0\n"
		"sim_anon_vma_neighbour 0\n"
		"sim_sigsegv 0\n"
		"sim_sigbus 0\n";

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	assert_file_is("/meminfo", meminfo);
	assert_file_is("/vmstat", vmstat);
}
END_TEST

START_TEST(test_trace_file_is_the_ring)
{
	struct strbuf direct = STRBUF_INIT, file = STRBUF_INIT;

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	trace_render(&T.sim->trace, &direct);
	ck_assert_int_eq(vfs_render(T.sim, "/trace", &file), 0);
	ck_assert_uint_gt(direct.len, 0);
	ASSERT_STRBUF_EQ(&direct, &file);
	strbuf_release(&direct);
	strbuf_release(&file);
}
END_TEST

/* ---- the tree ---- */

static int collect(void *ctx, const char *name, bool is_dir)
{
	strbuf_printf(ctx, "%s%s ", name, is_dir ? "/" : "");
	return 0;
}

START_TEST(test_tree_listings_and_sysctl)
{
	struct strbuf ls = STRBUF_INIT;
	struct vfs_attr a;

	T_CMD(T.sim, "mmap 1 0x40000000 4096 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	ck_assert_int_eq(vfs_readdir(T.sim, "/", collect, &ls), 0);
	ck_assert_str_eq(ls.buf, "anon_vma/ balloon ctl dmesg files/ graph.dot journal "
			 "kpagecount kpageflags ksm meminfo pages/ slabinfo swaps sysctl/ "
			 "trace vmstat 1/ ");
	strbuf_reset(&ls);
	ck_assert_int_eq(vfs_readdir(T.sim, "/1", collect, &ls), 0);
	ck_assert_str_eq(ls.buf, "anon_vma.dot ctl maps pagemap pagetable smaps "
			 "smaps_rollup status ");
	strbuf_reset(&ls);
	ck_assert_int_eq(vfs_readdir(T.sim, "/pages", collect, &ls), 0);
	ck_assert_str_eq(ls.buf, "0 1 ");
	strbuf_reset(&ls);
	ck_assert_int_eq(vfs_readdir(T.sim, "/anon_vma", collect, &ls), 0);
	ck_assert_str_eq(ls.buf, "1 ");
	strbuf_reset(&ls);
	ck_assert_int_eq(vfs_readdir(T.sim, "/sysctl/vm", collect, &ls), 0);
	ck_assert_str_eq(ls.buf, "anon_vma_reuse max_map_count ");

	/* free frames, unknown ids and non-canonical names do not exist */
	ck_assert_int_eq(vfs_getattr(T.sim, "/pages/2", &a), -ENOENT);
	ck_assert_int_eq(vfs_getattr(T.sim, "/pages/01", &a), -ENOENT);
	ck_assert_int_eq(vfs_getattr(T.sim, "/pages/1024", &a), -ENOENT);
	ck_assert_int_eq(vfs_getattr(T.sim, "/anon_vma/2", &a), -ENOENT);
	ck_assert_int_eq(vfs_getattr(T.sim, "/pages/1", &a), 0);
	ck_assert(!a.is_dir && !a.writable);
	ck_assert_int_eq(vfs_getattr(T.sim, "/pages", &a), 0);
	ck_assert(a.is_dir);

	/* vm.anon_vma_reuse: read like max_map_count, written by command */
	assert_file_is("/sysctl/vm/anon_vma_reuse", "1\n");
	T_CMD(T.sim, "sysctl vm.anon_vma_reuse 0");
	assert_file_is("/sysctl/vm/anon_vma_reuse", "0\n");
	ck_assert_int_eq(vfs_getattr(T.sim, "/sysctl/vm/anon_vma_reuse", &a), 0);
	ck_assert(a.writable);
	strbuf_release(&ls);
}
END_TEST

START_TEST(test_sysctl_write_through_handle)
{
	struct vfs_handle *h;

	ck_assert_int_eq(vfs_open(T.sim, "/sysctl/vm/anon_vma_reuse", true, &h), 0);
	ck_assert_int_eq(vfs_write(T.sim, h, "0\n", 2), 2);
	vfs_release(T.sim, h);
	ck_assert_int_eq(T.sim->sysctl.anon_vma_reuse, 0);
	ck_assert_int_eq(vfs_open(T.sim, "/sysctl/vm/anon_vma_reuse", true, &h), 0);
	ck_assert_int_eq(vfs_write(T.sim, h, "2\n", 2), -EINVAL);
	vfs_release(T.sim, h);
	ck_assert_int_eq(T.sim->sysctl.anon_vma_reuse, 0);
}
END_TEST

START_TEST(test_read_range_of_text_files)
{
	struct strbuf out = STRBUF_INIT;

	/* a text file: the same bytes as the render, sliced; any offset */
	ck_assert_int_eq(vfs_read_range(T.sim, "/meminfo", 3, 6, &out), 0);
	ck_assert_uint_eq(out.len, 6);
	ck_assert(memcmp(out.buf, "Total:", 6) == 0);
	strbuf_reset(&out);
	ck_assert_int_eq(vfs_read_range(T.sim, "/meminfo", 100000, 8, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(vfs_read_range(T.sim, "/nope", 0, 8, &out), -ENOENT);
	ck_assert_int_eq(vfs_read_range(T.sim, "/pages", 0, 8, &out), -EISDIR);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_renders_under_allocation_failure)
{
	static const char *const paths[] = {
		"/1/smaps", "/1/smaps_rollup", "/1/pagetable", "/pages/1",
		"/anon_vma/1", "/graph.dot", "/1/anon_vma.dot", "/slabinfo",
		"/vmstat", "/meminfo", "/kpageflags", NULL,
	};
	const char *const *p;

	T_CMD(T.sim, "mmap 1 0x40000000 8192 rw- private,fixed");
	T_CMD(T.sim, "write 1 0x40000000 1");
	T_CMD(T.sim, "fork 1");
	/* Every render either succeeds or says -ENOMEM; never a crash or a
	 * short file reported as success. */
	for (p = paths; *p; p++) {
		struct strbuf good = STRBUF_INIT;
		long n;

		ck_assert_int_eq(vfs_render(T.sim, *p, &good), 0);
		for (n = 0;; n++) {
			struct strbuf out = STRBUF_INIT;
			int rc;

			rm_fail_nth(n);
			rc = vfs_render(T.sim, *p, &out);
			rm_fail_nth(-1);
			if (rc == 0) {
				ASSERT_STRBUF_EQ(&good, &out);
				strbuf_release(&out);
				break;
			}
			ck_assert_int_eq(rc, -ENOMEM);
			strbuf_release(&out);
		}
		strbuf_release(&good);
	}
	CHECK_SIM(T.sim);
}
END_TEST

static Suite *proc_suite(void)
{
	Suite *s = suite_create("proc");
	TCase *tc;

	tc = t_tcase("smaps");
	tcase_add_test(tc, test_smaps_one_private_dirty_page);
	tcase_add_test(tc, test_smaps_empty_process_is_vsyscall_only);
	tcase_add_test(tc, test_smaps_zero_page_counts_nowhere);
	tcase_add_test(tc, test_smaps_pss_truncates_three_pages_shared_by_three);
	tcase_add_test(tc, test_smaps_rollup_sums_before_truncating);
	tcase_add_test(tc, test_smaps_rollup_of_empty_process);
	tcase_add_test(tc, test_smaps_shared_file_page_is_shmem_not_anonymous);
	tcase_add_test(tc, test_smaps_locked_lazyfree_and_vmflags);
	tcase_add_test(tc, test_smaps_referenced_from_page_flag);
	suite_add_tcase(s, tc);

	tc = t_tcase("pagemap");
	tcase_add_test(tc, test_pagemap_derived_examples);
	tcase_add_test(tc, test_pagemap_ranges_alignment_and_end);
	tcase_add_test(tc, test_pagemap_handle_reads_at_read_time);
	tcase_add_test(tc, test_pagetable_lines);
	suite_add_tcase(s, tc);

	tc = t_tcase("frames");
	tcase_add_test(tc, test_kpage_values);
	tcase_add_test(tc, test_page_file_and_rmap_walk);
	tcase_add_test(tc, test_page_of_file_walks_i_mmap);
	suite_add_tcase(s, tc);

	tc = t_tcase("rmap");
	tcase_add_test(tc, test_anon_vma_files_after_fork);
	tcase_add_test(tc, test_graph_dot);
	suite_add_tcase(s, tc);

	tc = t_tcase("counters");
	tcase_add_test(tc, test_slabinfo_counts_live_objects);
	tcase_add_test(tc, test_slabinfo_slab_count_rounds_up);
	tcase_add_test(tc, test_vmstat_and_meminfo);
	tcase_add_test(tc, test_trace_file_is_the_ring);
	suite_add_tcase(s, tc);

	tc = t_tcase("tree");
	tcase_add_test(tc, test_tree_listings_and_sysctl);
	tcase_add_test(tc, test_sysctl_write_through_handle);
	tcase_add_test(tc, test_read_range_of_text_files);
	tcase_add_test(tc, test_renders_under_allocation_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(proc_suite());
}
