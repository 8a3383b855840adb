/* include/sim.h - the simulated machine: processes, files, tunables, logs,
 * and the command language every control file and rmapsim speak.
 */
#ifndef RMAPFS_SIM_H
#define RMAPFS_SIM_H

#include "balloon.h"
#include "page.h"
#include <stdbool.h>
#include <stddef.h>
#include "mm_types.h"
#include "strbuf.h"
#include "trace.h"
#include "vmstat.h"
#include "swap.h"
#include "slab.h"

#define RMAPFS_VERSION		"0.1.0"
#define SIM_DEFAULT_FRAMES	262144UL	/* 1 GiB of 4 KiB frames */
#define SIM_LINE_MAX		4096		/* bytes per command line */
#define SIM_DMESG_MAX		(256 * 1024)	/* /dmesg keeps the newest */

#define SIM_MAX_MIGRATIONS	64	/* pages held mid-migration at once */

/* A page held between try_to_migrate and remove_migration_ptes. */
struct migration {
	unsigned long old_pfn, new_pfn;
	struct anon_vma *anon_vma;	/* page_get_anon_vma's reference, or NULL */
};

struct ksm_state;

struct sim_options {
	unsigned long frames;		/* -o frames=N */
	long failnth;			/* -o failnth=N: the Nth allocation after
					 * start-up fails (test only); -1 off */
	unsigned long swap_slots;	/* -o swap=N: swap size in pages
					 * (default: as large as memory) */
};

/* kernel/pid.c: the default and bounds of kernel.pid_max (64-bit, up to
 * 32 CPUs), and the low pids skipped once the cursor wraps. */
#define PID_MAX_DEFAULT		0x8000
#define PID_MAX_LIMIT		(4 * 1024 * 1024)
#define RESERVED_PIDS		300

/* Tunables under /sysctl, one file each. */
struct sim_sysctl {
	long max_map_count;		/* vm.max_map_count */
	long anon_vma_reuse;		/* vm.anon_vma_reuse: 1 = v5.15.0 degree
					 * reuse, 0 = before the 2015 fix */
	long pid_max;			/* kernel.pid_max: pids stay below it */
};

/*
 * struct sim - the whole simulated machine. One lock (held by the caller:
 * the FUSE front end takes it at the top of every handler) covers it all.
 */
struct sim {
	struct sim_options opt;
	struct sim_sysctl sysctl;
	struct task_struct *tasks;	/* uthash by pid; owner of tasks */
	int next_pid;			/* alloc_pid's cursor: the search for a
					 * free pid starts here */
	struct inode *files;		/* uthash by path: the namespace */
	unsigned long next_ino;		/* inodes of `file` files */
	unsigned long next_shmem_ino;	/* inodes of /dev/zero objects */
	struct anon_vma_idx anon_vmas;	/* by id (index, not owner) */
	unsigned long next_anon_vma_id;
	unsigned long nr_vmas, nr_avcs, nr_anon_vmas; /* live objects (slabinfo) */
	/*
	 * Reserves: a command first fills these with everything it may need
	 * (sim_reserve), so the commit phase cannot fail and a failed command
	 * leaves the machine as it was (as __anon_vma_prepare allocates its
	 * chain before linking). Objects here are owned by the sim.
	 */
	struct vm_area_struct *vma_pool;	/* linked through vm_next */
	unsigned long nr_vma_pool;
	struct anon_vma_chain *avc_pool;	/* linked through same_vma */
	unsigned long nr_avc_pool;
	struct kmem_cache avc_cache;		/* where AVCs come from */
	struct anon_vma *anon_vma_pool;		/* linked through parent */
	unsigned long nr_anon_vma_pool;
	struct pgtable *table_pool;		/* linked through e[0] */
	unsigned long nr_table_pool;
	char fault_cause[96];			/* why the last access failed */
	unsigned long cmd_seq;		/* command lines attempted */
	struct strbuf dmesg;		/* one line per error or event */
	struct strbuf journal;		/* every command that took effect */
	struct strbuf last_err;		/* the newest error line, without newline */
	struct page *pages;		/* frames 0 .. opt.frames-1; 0 is the zero page */
	uint64_t *free_map;		/* bit set: frame free */
	uint64_t *free_summary;		/* bit set: that free_map word has a free bit */
	unsigned long free_hint;	/* no free frame below this pfn */
	unsigned long nr_free;
	unsigned long nr_pgtables;	/* page-table pages, all mms */
	unsigned long vmstat[NR_VMSTAT_ITEMS];
	struct trace_ring trace;
	struct swap_info swap;
	struct page_list lru[5];	/* by enum lru_list */
	struct migration migrations[SIM_MAX_MIGRATIONS];
	unsigned int nr_migrations;
	struct ksm_state *ksm;		/* ksmd's trees and lists (core/ksm.c) */
	struct balloon_dev_info balloon;	/* non-LRU movable pages */
};

#define SIM_MAX_FRAMES		(1UL << 26)	/* 256 GiB simulated */

/*
 * sim_parse_option - one "-o" option of either front end: "frames=N"
 * (2 .. SIM_MAX_FRAMES), "swap=N" (swap slots, 0 .. SIM_MAX_FRAMES;
 * default: as many as frames) or "failnth=N" (a test hook: the Nth memory
 * allocation after start-up fails, 0 being the first). Return: 0, or
 * -EINVAL. Call sim_options_init first.
 */
void sim_options_init(struct sim_options *opt);
int sim_parse_option(struct sim_options *opt, const char *kv);
struct sim *sim_new(const struct sim_options *opt);
/* Arm opt.failnth once set-up is done (after --script, before serving). */
void sim_arm_failnth(const struct sim_options *opt);
void sim_free(struct sim *sim);

struct task_struct *find_task(struct sim *sim, int pid);

/*
 * sim_exec_line - parse and run one command line.
 * @ctx_pid: 0 for /ctl; a pid for /PID/ctl (the PID argument is implied).
 * @result: gets the command's result line ("2\n") if it has one.
 * Blank and comment lines succeed and do nothing.
 * Return: 0, or -errno with the machine unchanged and one line added to
 * /dmesg naming the command, the errno and the cause.
 */
int sim_exec_line(struct sim *sim, const char *line, size_t len, int ctx_pid,
		  struct strbuf *result);

/*
 * sim_exec_buf - run every line of @buf in order, stopping at the first
 * failure. *@done gets the number of bytes of the lines that succeeded.
 * Return: 0, or the failing line's -errno.
 */
int sim_exec_buf(struct sim *sim, const char *buf, size_t len, int ctx_pid,
		 struct strbuf *results, size_t *done);

/* The usage text of /ctl (or of /PID/ctl when @per_process). */
void sim_usage(struct strbuf *out, bool per_process);

/* Append a line to /dmesg (printf style, newline added). */
void sim_printk(struct sim *sim, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sim_check - run every invariant; on failure describe it in @why. */
int sim_check(struct sim *sim, struct strbuf *why);

const char *errno_name(int err);

#endif
