/* core/proc_page.c - the physical frames as fs/proc/page.c of v5.15 shows
 * them: /kpagecount (mapcount per pfn) and /kpageflags (the stable KPF_*
 * bits per pfn), kernel-spec §3.4; and /pages/PFN, our own view of one
 * frame: its struct page and where an rmap walk finds it mapped (§6, §9).
 *
 * Frames are order-0 only, so every free frame is a buddy head (BUDDY);
 * page-table pages live in host memory, so no frame is ever PGTABLE; no
 * slab, compound, hugetlb or hwpoison pages exist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mm_internal.h"
#include "page.h"
#include "proc.h"

bool page_in_use(const struct page *page)
{
	return page->_refcount > 0;
}

uint64_t kpage_size(struct sim *sim)
{
	return (uint64_t)sim->opt.frames * PM_ENTRY_BYTES;
}

/*
 * kpagecount_value - page_mapcount, not the refcount the name suggests;
 * 0 for a typed page (a free buddy page). The zero page is mapped only
 * through special PTEs, which never move its mapcount: 0.
 */
uint64_t kpagecount_value(struct sim *sim, unsigned long pfn)
{
	struct page *page = pfn_to_page(sim, pfn);

	if (!page_in_use(page) || !page_mapped(page))
		return 0;
	return (uint64_t)page_mapcount(page);
}

static uint64_t kpf_copy_bit(uint32_t flags, int ubit, int kbit)
{
	return (uint64_t)((flags >> kbit) & 1) << ubit;
}

/* stable_page_flags - the KPF_* bits user space may rely on. */
uint64_t stable_page_flags(struct sim *sim, unsigned long pfn)
{
	struct page *page = pfn_to_page(sim, pfn);
	uint32_t k = page->flags;
	uint64_t u = 0;

	if (!page_in_use(page))
		u |= 1ULL << KPF_BUDDY;		/* PageBuddy: a free frame */
	else if (page_mapped(page))
		u |= 1ULL << KPF_MMAP;
	if (PageAnon(page))
		u |= 1ULL << KPF_ANON;
	if (PageKsm(page))
		u |= 1ULL << KPF_KSM;
	if (is_zero_pfn(pfn))
		u |= 1ULL << KPF_ZERO_PAGE;
	if (PageTest(page, PG_idle))
		u |= 1ULL << KPF_IDLE;		/* page_is_idle */
	if (PageTest(page, PG_offline))
		u |= 1ULL << KPF_OFFLINE;	/* PageOffline: a balloon page */
	u |= kpf_copy_bit(k, KPF_LOCKED, PG_locked);
	u |= kpf_copy_bit(k, KPF_ERROR, PG_error);
	u |= kpf_copy_bit(k, KPF_DIRTY, PG_dirty);
	u |= kpf_copy_bit(k, KPF_UPTODATE, PG_uptodate);
	u |= kpf_copy_bit(k, KPF_WRITEBACK, PG_writeback);
	u |= kpf_copy_bit(k, KPF_LRU, PG_lru);
	u |= kpf_copy_bit(k, KPF_REFERENCED, PG_referenced);
	u |= kpf_copy_bit(k, KPF_ACTIVE, PG_active);
	u |= kpf_copy_bit(k, KPF_RECLAIM, PG_reclaim);
	/* PageSwapCache: owner_priv_1 means swap cache only when swap-backed */
	if (PageTest(page, PG_swapbacked) && PageTest(page, PG_swapcache))
		u |= 1ULL << KPF_SWAPCACHE;
	u |= kpf_copy_bit(k, KPF_SWAPBACKED, PG_swapbacked);
	u |= kpf_copy_bit(k, KPF_UNEVICTABLE, PG_unevictable);
	u |= kpf_copy_bit(k, KPF_MLOCKED, PG_mlocked);
	u |= kpf_copy_bit(k, KPF_RESERVED, PG_reserved);
	u |= kpf_copy_bit(k, KPF_PRIVATE, PG_private);
	u |= kpf_copy_bit(k, KPF_OWNER_PRIVATE, PG_owner_priv_1);
	return u;
}

static void put_le64(struct strbuf *out, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_add(out, b, sizeof(b));
}

/* kpage_read - one u64 per pfn from @off; offset and length must be
 * multiples of 8 (-EINVAL, checked before end of file, as the kernel). */
static int kpage_read(struct sim *sim, uint64_t off, size_t len,
		      struct strbuf *out,
		      uint64_t (*value)(struct sim *, unsigned long))
{
	uint64_t size = kpage_size(sim), end;

	if (off % PM_ENTRY_BYTES || len % PM_ENTRY_BYTES)
		return -EINVAL;
	if (off >= size || !len)
		return 0;
	end = size - off < len ? size : off + len;
	if (strbuf_reserve(out, (size_t)(end - off)))
		return -ENOMEM;
	for (; off < end; off += PM_ENTRY_BYTES)
		put_le64(out, value(sim, (unsigned long)(off / PM_ENTRY_BYTES)));
	return out->failed ? -ENOMEM : 0;
}

int kpagecount_read(struct sim *sim, uint64_t off, size_t len,
		    struct strbuf *out)
{
	return kpage_read(sim, off, len, out, kpagecount_value);
}

int kpageflags_read(struct sim *sim, uint64_t off, size_t len,
		    struct strbuf *out)
{
	return kpage_read(sim, off, len, out, stable_page_flags);
}

/* ---- /pages/PFN ---- */

/* Page flag names in bit order, as the kernel's %pGp prints them. */
static const char *const pageflag_names[32] = {
	[PG_locked] = "locked",
	[PG_referenced] = "referenced",
	[PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty",
	[PG_lru] = "lru",
	[PG_active] = "active",
	[PG_workingset] = "workingset",
	[PG_error] = "error",
	[PG_owner_priv_1] = "owner_priv_1",
	[PG_reserved] = "reserved",
	[PG_private] = "private",
	[PG_writeback] = "writeback",
	[PG_reclaim] = "reclaim",
	[PG_swapbacked] = "swapbacked",
	[PG_unevictable] = "unevictable",
	[PG_mlocked] = "mlocked",
	[PG_young] = "young",
	[PG_idle] = "idle",
	[PG_offline] = "offline",
};

static void show_page_flags(struct strbuf *m, const struct page *page)
{
	bool first = true;
	int bit;

	for (bit = 0; bit < 32; bit++) {
		const char *name = pageflag_names[bit];

		if (!PageTest(page, bit))
			continue;
		if (bit == PG_owner_priv_1 && PageTest(page, PG_swapbacked))
			name = "swapcache";	/* PG_swapcache's alias */
		if (bit == PG_reclaim && PageMovable(page))
			name = "isolated";	/* PG_isolated's alias */
		if (!first)
			strbuf_putc(m, ' ');
		if (name)
			strbuf_puts(m, name);
		else
			strbuf_printf(m, "bit%d", bit);
		first = false;
	}
}

/*
 * page_anon_vma_live - the anon_vma of an anonymous page, or NULL. Easily
 * overlooked: page->mapping is left in place when the page is unmapped
 * (§6.5), and the anon_vma may have been freed since; only a mapped page
 * guarantees it is alive, otherwise look it up among the live ones.
 */
static struct anon_vma *page_anon_vma_live(struct sim *sim, struct page *page)
{
	struct anon_vma *av = page_anon_vma(page), *it;

	if (!av || page_mapped(page))
		return av;
	for (it = anon_vma_first(sim); it; it = anon_vma_next(sim, it))
		if (it == av)
			return av;
	return NULL;
}

struct show_page_walk {
	struct strbuf *m;
	unsigned long visited;
};

static bool show_page_rmap_one(struct page *page, struct vm_area_struct *vma,
			       unsigned long address, void *arg)
{
	struct show_page_walk *w = arg;
	pte_t *pte = page_vma_mapped(page, vma, address);

	strbuf_printf(w->m, "%d %lx-%lx %lx", vma->vm_mm->owner_pid,
		      vma->vm_start, vma->vm_end, address);
	if (pte)
		pte_flag_names(w->m, *pte);
	else
		strbuf_puts(w->m, " not mapped");
	strbuf_putc(w->m, '\n');
	w->visited++;
	return true;
}

/*
 * show_page - /pages/PFN (docs/files.md): the struct page fields, then one
 * line per VMA that rmap_walk visits (page -> anon_vma -> interval tree ->
 * VMA -> page table, or page -> inode -> i_mmap -> VMA). The walk is only
 * done when its starting object is known to be alive.
 */
void show_page(struct strbuf *m, struct sim *sim, unsigned long pfn)
{
	struct page *page = pfn_to_page(sim, pfn);
	struct show_page_walk w = { NULL, 0 };
	struct strbuf walk = STRBUF_INIT;
	struct anon_vma *av = NULL;
	bool do_walk = false;

	strbuf_printf(m, "pfn:\t%lu\nflags:\t", pfn);
	show_page_flags(m, page);
	strbuf_printf(m, "\nrefcount:\t%d\nmapcount:\t%d\nmapping:\t",
		      page->_refcount, page_mapcount(page));
	if (is_zero_pfn(pfn)) {
		strbuf_puts(m, "zero page");
	} else if (PageKsm(page)) {
		strbuf_puts(m, "ksm");
		do_walk = true;	/* its stable node lives as long as it does */
	} else if (PageMovable(page)) {
		/* non-LRU movable: the driver's mapping, no PTE, no walk */
		strbuf_puts(m, balloon_page(sim, page) ? "movable balloon" :
			    "movable");
	} else if (PageAnon(page)) {
		av = page_anon_vma_live(sim, page);
		if (av)
			strbuf_printf(m, "anon_vma %lu", av->id);
		else
			strbuf_puts(m, "anon_vma (freed)");
		do_walk = av != NULL;
	} else if (page->mapping) {
		struct inode *inode = (struct inode *)page->mapping;

		if (inode->shmem)
			strbuf_printf(m, "shmem %lu", inode->i_ino);
		else
			strbuf_printf(m, "file %s", inode->path);
		do_walk = true;
	} else {
		strbuf_puts(m, "none");
	}
	strbuf_printf(m, "\nindex:\t0x%lx\ncontent:\t%llu\n", page->index,
		      (unsigned long long)page->content);
	if (do_walk) {
		struct rmap_walk_control rwc = {
			.arg = &w,
			.rmap_one = show_page_rmap_one,
		};

		w.m = &walk;
		rmap_walk(sim, page, &rwc);
		if (walk.failed)
			m->failed = true;
	}
	strbuf_printf(m, "rmap:\t%lu\n", w.visited);
	strbuf_add(m, walk.buf ? walk.buf : "", walk.len);
	strbuf_release(&walk);
}
