/* include/vmstat.h - the machine-wide counters behind /vmstat and /meminfo:
 * the v5.15 /proc/vmstat items the simulation moves, in their kernel
 * order, then the simulator's own counters (named sim_*).
 */
#ifndef RMAPFS_VMSTAT_H
#define RMAPFS_VMSTAT_H

enum vmstat_item {
	NR_FREE_PAGES,		/* nr_free_pages */
	NR_ANON_MAPPED,		/* nr_anon_pages: anon pages mapped once or more */
	NR_FILE_MAPPED,		/* nr_mapped: file/shmem pages mapped */
	NR_FILE_PAGES,		/* nr_file_pages: page cache (incl. shmem) */
	NR_SHMEM,		/* nr_shmem */
	NR_PAGETABLE,		/* nr_page_table_pages */
	NR_SWAPCACHE,		/* nr_swapcached */
	PSWPIN,			/* pages read from swap */
	PSWPOUT,		/* pages written to swap */
	PGACTIVATE,
	PGDEACTIVATE,
	PGFAULT,		/* every handle_mm_fault entry */
	PGMAJFAULT,
	PGREUSE,		/* write faults resolved by reusing the page */
	PGSTEAL,		/* pgsteal_direct: frames reclaimed */
	PGSCAN,			/* pgscan_direct: pages scanned by reclaim */
	PGMIGRATE_SUCCESS,
	UNEVICTABLE_PGS_MLOCKED,
	UNEVICTABLE_PGS_MUNLOCKED,
	SIM_COW_COPY,		/* wp_page_copy of a real page */
	SIM_ZERO_COW,		/* wp_page_copy of the zero page */
	SIM_ZERO_MAP,		/* read faults that mapped the zero page */
	SIM_ANON_FAULT,		/* do_anonymous_page allocations */
	SIM_ANON_VMA_ALLOC,	/* anon_vma_alloc */
	SIM_ANON_VMA_REUSE,	/* anon_vma_clone reusing at fork */
	SIM_ANON_VMA_NEIGHBOUR,	/* anon_vma_prepare taking a neighbour's */
	SIM_SEGV,		/* accesses that raised SIGSEGV */
	SIM_SIGBUS,
	NR_VMSTAT_ITEMS
};

extern const char *const vmstat_text[NR_VMSTAT_ITEMS];

#endif
