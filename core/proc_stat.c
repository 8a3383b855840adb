/* core/proc_stat.c - the machine-wide counter files: /slabinfo (the three
 * caches of the reverse map, as mm/slab_common.c prints them under SLUB),
 * /vmstat (mm/vmstat.c: "name value" lines) and /meminfo (the lines of
 * fs/proc/meminfo.c the simulation can compute), kernel-spec §3.5, §3.6.
 *
 * Only honest numbers are printed: a meminfo line whose value depends on
 * things not simulated (reclaim watermarks, LRU lists, kernel slab, swap
 * devices) is left out rather than shown as 0.
 */
#include <stdio.h>

#include "mm_internal.h"
#include "page.h"
#include "proc.h"
#include "vmscan.h"

/*
 * One SLUB cache as /proc/slabinfo shows it. Object sizes and slab
 * geometry are v5.15's for these structs on x86_64 without debugging
 * (kernel-spec §3.6; computed from the struct layouts). SLUB counts every
 * object of its slabs as active and every slab as active, so both
 * columns of each pair are equal.
 */
struct slab_cache_info {
	const char *name;
	unsigned int objsize;		/* bytes per slot (s->size) */
	unsigned int objperslab;
	int pagesperslab;
};

static void cache_show(struct strbuf *m, const struct slab_cache_info *c,
		       unsigned long objs)
{
	unsigned long slabs = (objs + c->objperslab - 1) / c->objperslab;

	strbuf_printf(m, "%-17s %6lu %6lu %6u %4u %4d", c->name, objs, objs,
		      c->objsize, c->objperslab, c->pagesperslab);
	strbuf_printf(m, " : tunables %4u %4u %4u", 0U, 0U, 0U);
	strbuf_printf(m, " : slabdata %6lu %6lu %6lu\n", slabs, slabs, 0UL);
}

/*
 * show_slabinfo - version 2.1 header, then anon_vma, anon_vma_chain and
 * vm_area_struct with the live object counts. Page-table pages are not a
 * slab cache in v5.15: they show as nr_page_table_pages in /vmstat.
 */
void show_slabinfo(struct strbuf *m, struct sim *sim)
{
	static const struct slab_cache_info anon_vma = { "anon_vma", 88, 46, 1 };
	static const struct slab_cache_info avc = { "anon_vma_chain", 64, 64, 1 };
	static const struct slab_cache_info vma = { "vm_area_struct", 200, 20, 1 };

	strbuf_puts(m, "slabinfo - version: 2.1\n");
	strbuf_puts(m, "# name            <active_objs> <num_objs> <objsize> "
		    "<objperslab> <pagesperslab> : tunables <limit> "
		    "<batchcount> <sharedfactor> : slabdata <active_slabs> "
		    "<num_slabs> <sharedavail>\n");
	cache_show(m, &anon_vma, sim->nr_anon_vmas);
	cache_show(m, &avc, sim->nr_avcs);
	cache_show(m, &vma, sim->nr_vmas);
}

/* show_vmstat - every item of include/vmstat.h in enum order: the v5.15
 * counters under their kernel names, then the simulator's sim_* ones. */
void show_vmstat(struct strbuf *m, struct sim *sim)
{
	int i;

	for (i = 0; i < NR_VMSTAT_ITEMS; i++) {
		unsigned long v = sim->vmstat[i];

		if (i == NR_FREE_PAGES)
			v = sim->nr_free;	/* the allocator's own count */
		strbuf_printf(m, "%s %lu\n", vmstat_text[i], v);
	}
}

/* show_val_kb: a 16-character label, pages in kB right-aligned in 8. */
static void show_val_kb(struct strbuf *m, const char *label,
			unsigned long pages)
{
	strbuf_printf(m, "%s%8lu kB\n", label, pages << (PAGE_SHIFT - 10));
}

/*
 * show_meminfo - the computable lines of /proc/meminfo, in the kernel's
 * order. MemTotal is every frame of -o frames=N, pfn 0 included (a real
 * kernel leaves its reserved pages, the zero page among them, out of
 * totalram: one page of difference, kept so MemTotal reads as the
 * configured size). Cached is NR_FILE_PAGES less the swap cache (which
 * add_to_swap_cache counts in both) and buffers (none here). The LRU
 * lines are the list sizes (pages isolated by a held migration are on
 * none); Mlocked counts PG_mlocked pages, as NR_MLOCK does; SwapTotal is
 * the device less its header page and SwapFree what is not in use
 * (si->inuse_pages, cached-only slots included, as get_nr_swap_pages).
 */
void show_meminfo(struct strbuf *m, struct sim *sim)
{
	const struct page_list *lru = sim->lru;
	unsigned long pfn, mlocked = 0, swap_total;

	for (pfn = 1; pfn < sim->opt.frames; pfn++)
		mlocked += PageTest(pfn_to_page(sim, pfn), PG_mlocked);
	swap_total = sim->swap.max > 1 ? sim->swap.max - 1 : 0;
	/* virtio_balloon without DEFLATE_ON_OOM takes its pages out of
	 * totalram (adjust_managed_page_count) */
	show_val_kb(m, "MemTotal:       ", sim->opt.frames -
		    sim->balloon.pages.count - sim->balloon.isolated_pages);
	show_val_kb(m, "MemFree:        ", sim->nr_free);
	show_val_kb(m, "Cached:         ",
		    sim->vmstat[NR_FILE_PAGES] - sim->vmstat[NR_SWAPCACHE]);
	show_val_kb(m, "SwapCached:     ", sim->vmstat[NR_SWAPCACHE]);
	show_val_kb(m, "Active:         ",
		    lru[LRU_ACTIVE_ANON].count + lru[LRU_ACTIVE_FILE].count);
	show_val_kb(m, "Inactive:       ",
		    lru[LRU_INACTIVE_ANON].count + lru[LRU_INACTIVE_FILE].count);
	show_val_kb(m, "Active(anon):   ", lru[LRU_ACTIVE_ANON].count);
	show_val_kb(m, "Inactive(anon): ", lru[LRU_INACTIVE_ANON].count);
	show_val_kb(m, "Active(file):   ", lru[LRU_ACTIVE_FILE].count);
	show_val_kb(m, "Inactive(file): ", lru[LRU_INACTIVE_FILE].count);
	show_val_kb(m, "Unevictable:    ", lru[LRU_UNEVICTABLE].count);
	show_val_kb(m, "Mlocked:        ", mlocked);
	show_val_kb(m, "SwapTotal:      ", swap_total);
	show_val_kb(m, "SwapFree:       ", swap_total - sim->swap.inuse);
	show_val_kb(m, "AnonPages:      ", sim->vmstat[NR_ANON_MAPPED]);
	show_val_kb(m, "Mapped:         ", sim->vmstat[NR_FILE_MAPPED]);
	show_val_kb(m, "Shmem:          ", sim->vmstat[NR_SHMEM]);
	show_val_kb(m, "PageTables:     ", sim->vmstat[NR_PAGETABLE]);
}
