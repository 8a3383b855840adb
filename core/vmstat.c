/* core/vmstat.c - the names /vmstat prints for include/vmstat.h's items. */
#include "vmstat.h"

const char *const vmstat_text[NR_VMSTAT_ITEMS] = {
	[NR_FREE_PAGES] = "nr_free_pages",
	[NR_ANON_MAPPED] = "nr_anon_pages",
	[NR_FILE_MAPPED] = "nr_mapped",
	[NR_FILE_PAGES] = "nr_file_pages",
	[NR_SHMEM] = "nr_shmem",
	[NR_PAGETABLE] = "nr_page_table_pages",
	[PGFAULT] = "pgfault",
	[PGMAJFAULT] = "pgmajfault",
	[PGREUSE] = "pgreuse",
	[SIM_COW_COPY] = "sim_cow_copy",
	[SIM_ZERO_COW] = "sim_zero_page_cow",
	[SIM_ZERO_MAP] = "sim_zero_page_map",
	[SIM_ANON_FAULT] = "sim_anon_fault",
	[SIM_ANON_VMA_ALLOC] = "sim_anon_vma_alloc",
	[SIM_ANON_VMA_REUSE] = "sim_anon_vma_reuse",
	[SIM_ANON_VMA_NEIGHBOUR] = "sim_anon_vma_neighbour",
	[SIM_SEGV] = "sim_sigsegv",
	[SIM_SIGBUS] = "sim_sigbus",
};
