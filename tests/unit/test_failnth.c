/* tests/unit/test_failnth.c - every mutating command under allocation
 * failure, at the command level (sim_exec_line, as /ctl and rmapsim run
 * it), over a machine with pages, anon_vmas, a fork tree and files.
 *
 * For each case: build the state, snapshot every virtual file, then for
 * N = 0, 1, 2, ... fail the Nth allocation (rm_fail_nth, include/alloc.h)
 * and run the command on that same machine until it succeeds. After each
 * failure: the errno is -ENOMEM (or -EAGAIN: v5.15 madvise_behavior
 * reports slab failures so, and do_mlock a range it could not fault in),
 * the injected failure did happen, sim_check passes, exactly one /dmesg
 * line was added, and every file is byte-identical to before. After the
 * success: the result line and every file equal those of a run of the
 * same command on a fresh machine with nothing failing (so a failure left
 * no trace that shows later: no used-up pid or anon_vma id, no lost
 * journal line).
 *
 * "Every file" is the whole tree from vfs_readdir("/") down: per pid
 * maps, smaps, smaps_rollup, status, pagetable, anon_vma.dot, pagemap
 * (read over each VMA's range: the whole file is 256 GiB), ctl usage;
 * /anon_vma/ID, /pages/PFN, /files/PATH, /sysctl/vm/NAME, /journal,
 * /graph.dot, /kpagecount, /kpageflags, /meminfo, /slabinfo, /vmstat,
 * /trace. Only /dmesg is left out: the failure's report is the one
 * change docs/commands.md allows ("every file byte-identical", then "each
 * failure appends one line to /dmesg").
 *
 * /vmstat and /trace could be argued either way, and are compared:
 * - /vmstat: v5.15 counts pgfault on every entry into handle_mm_fault,
 *   and an allocation failing inside it comes after the count
 *   (VM_FAULT_OOM), so a real kernel moves pgfault on an out-of-memory
 *   fault. rmapfs reserves what an access needs before it enters
 *   handle_mm_fault (core/memory.c reserve_for_access), so such an
 *   access never enters it, and by the atomicity rule nothing moves.
 *   (The sim_sigsegv/sim_sigbus counters do move on a signal, but a
 *   signal is not an allocation failure.)
 * - /trace: the log of the kernel functions a command ran. A failed
 *   command backs out before it commits, so it has nothing to log.
 *
 * MAP_POPULATE is the one legitimate swallow: mm_populate stops quietly
 * when memory runs out, so an injected failure there gives a successful
 * mmap with fewer pages. The loop then starts again on a fresh machine
 * at the next N, so the failures after the populate point are covered.
 *
 * T_VERBOSE=1 prints how many injected failures each case took.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdio.h>
#include <stdlib.h>

#include "proc.h"
#include "testlib.h"

#define FAILNTH_MAX	20000L	/* far more allocations than any command makes */
#define FRAMES		4096UL	/* 16 MiB: /kpage* stay small */

/*
 * The machine every case starts from (pids 1-4):
 *
 * pid 1 "init", pid 2 = fork 1, pid 3 = fork 2 (the fork tree):
 *  0x40000000 rw-p anon 64K    pages at +0 (1: 11; 2: 51 COW), +0x2000
 *                               (12, shared by 1 and 2; 3: 61 COW),
 *                               +0x4000 zero page (read), 3: +0x6000 (62)
 *  0x50000000 rw-s shmem 32K   +0 (21), +0x1000 (read)
 *  0x60000000 r-xp libc.so 64K read at +0 (fault-around maps the cached)
 *  0x61000000 rw-p libc.so@16K 16K  +0 COW copy (31), +0x1000 read
 *  0x62000000 rw-s data/blob 8K +0 (32)
 *  0x70000000 rw-p growsdown 64K  +0xf000 (41)
 * pid 4 "other": one 8K anon VMA below mmap_base, one page written.
 */
static const char base_script[] =
	"spawn init\n"
	"file /lib/libc.so 64K\n"
	"file data/blob 10000\n"
	"mmap 1 0x40000000 64K rw- private\n"
	"write 1 0x40000000 11\n"
	"write 1 0x40002000 12\n"
	"read 1 0x40004000\n"
	"mmap 1 0x50000000 32K rw- shared\n"
	"write 1 0x50000000 21\n"
	"read 1 0x50001000\n"
	"mmap 1 0x60000000 64K r-x private /lib/libc.so\n"
	"read 1 0x60000000\n"
	"mmap 1 0x61000000 16K rw- private /lib/libc.so 0x4000\n"
	"write 1 0x61000000 31\n"
	"read 1 0x61001000\n"
	"mmap 1 0x62000000 8K rw- shared /data/blob\n"
	"write 1 0x62000000 32\n"
	"mmap 1 0x70000000 64K rw- private,growsdown\n"
	"write 1 0x7000f000 41\n"
	"fork 1\n"
	"write 2 0x40000000 51\n"
	"read 2 0x40002000\n"
	"fork 2\n"
	"write 3 0x40002000 61\n"
	"write 3 0x40006000 62\n"
	"spawn other\n"
	"mmap 4 0 8K rw- private\n"
	"write 4 0x7effffffe000 71\n";

enum {
	F_EAGAIN = 1,		/* madvise, mlock: -EAGAIN is the errno too */
	F_POPULATE = 2,		/* may succeed with a failure swallowed */
	F_JOURNAL_EDGE = 4,	/* again with /journal filled to each edge */
};

struct fcase {
	const char *name;
	const char *setup;	/* lines run after base_script, or NULL */
	const char *cmd;	/* the command under test */
	int ctx_pid;		/* 0: /ctl; else written to /PID/ctl */
	unsigned int flags;
};

static const struct fcase cases[] = {
	/* ---- spawn, fork, exit ---- */
	{ "spawn", NULL, "spawn", 0, 0 },
	{ "spawn_long_comm", NULL, "spawn a-name-longer-than-fifteen", 0, 0 },
	{ "fork_written_pages", NULL, "fork 1", 0, 0 },
	{ "fork_leaf_of_tree", NULL, "fork 3", 0, 0 },
	{ "fork_via_pid_ctl", NULL, "fork", 2, 0 },
	{ "fork_dontfork_wipeonfork",
	  "madvise 2 0x40000000 8K dontfork\n"
	  "madvise 2 0x70000000 64K wipeonfork\n", "fork 2", 0, 0 },
	{ "fork_no_reuse",
	  "sysctl vm.anon_vma_reuse 0\n", "fork 3", 0, 0 },
	{ "exit_parent_of_tree", NULL, "exit 1", 0, 0 },
	{ "exit_middle", NULL, "exit 2", 0, 0 },
	{ "exit_leaf", NULL, "exit 3", 0, 0 },
	{ "exit_via_pid_ctl", NULL, "exit", 4, 0 },
	/* ---- mmap ---- */
	{ "mmap_anon_private", NULL, "mmap 1 0 16K rw- private", 0, 0 },
	{ "mmap_anon_merge_faulted", NULL,
	  "mmap 1 0x40010000 8K rw- private", 0, 0 },
	{ "mmap_anon_shared", NULL, "mmap 1 0 16K rw- shared", 0, 0 },
	{ "mmap_file_private", NULL,
	  "mmap 1 0 8K r-- private /lib/libc.so 0x8000", 0, 0 },
	{ "mmap_file_shared", NULL, "mmap 2 0 8K rw- shared /data/blob", 0, 0 },
	{ "mmap_fixed_middle_of_cow_pages", NULL,
	  "mmap 2 0x40001000 0x2000 r-- private,fixed", 0, 0 },
	{ "mmap_fixed_over_many_vmas", NULL,
	  "mmap 1 0x4000f000 0x20000000 r-- private,fixed", 0, 0 },
	{ "mmap_fixed_over_shmem", NULL,
	  "mmap 3 0x50000000 32K rw- private,fixed", 0, 0 },
	{ "mmap_noreplace", NULL, "mmap 1 0x48000000 4K rw- private,noreplace",
	  0, 0 },
	{ "mmap_growsdown", NULL, "mmap 1 0 64K rw- private,growsdown", 0, 0 },
	{ "mmap_populate_anon", NULL, "mmap 1 0 32K rw- private,populate", 0,
	  F_POPULATE },
	{ "mmap_populate_file", NULL,
	  "mmap 1 0 16K r-- private,populate /lib/libc.so", 0, F_POPULATE },
	{ "mmap_populate_shared", NULL, "mmap 1 0 16K rw- shared,populate", 0,
	  F_POPULATE },
	{ "mmap_via_pid_ctl", NULL, "mmap 0x40010000 8K rw- private", 1, 0 },
	/* ---- munmap ---- */
	{ "munmap_split_with_pages", NULL, "munmap 1 0x40001000 4096", 0, 0 },
	{ "munmap_shared_cow_page", NULL, "munmap 2 0x40002000 4096", 0, 0 },
	{ "munmap_everything", NULL, "munmap 1 0x40000000 0x40000000", 0, 0 },
	{ "munmap_file_cow_vma", NULL, "munmap 3 0x61000000 16K", 0, 0 },
	{ "munmap_shmem_middle", NULL, "munmap 1 0x50001000 8K", 0, 0 },
	/* ---- mprotect ---- */
	{ "mprotect_split_middle", NULL, "mprotect 1 0x40001000 4096 r--", 0, 0 },
	{ "mprotect_whole_with_pages", NULL, "mprotect 1 0x40000000 64K r--",
	  0, 0 },
	{ "mprotect_merge_back",
	  "mprotect 1 0x40004000 16K r--\n",
	  "mprotect 1 0x40004000 16K rw-", 0, 0 },
	{ "mprotect_protnone", NULL, "mprotect 2 0x40000000 8K ---", 0, 0 },
	{ "mprotect_file_cow_split", NULL, "mprotect 1 0x61000000 8K r--", 0, 0 },
	{ "mprotect_split_and_merge_next", "mmap 1 0x40010000 16K r-- private\n",
	  "mprotect 1 0x40008000 0xc000 r--", 0, 0 },
	/* ---- madvise, each advice ---- */
	{ "madvise_dontfork", NULL, "madvise 1 0x40001000 8K dontfork", 0,
	  F_EAGAIN },
	{ "madvise_dofork", "madvise 1 0x40000000 64K dontfork\n",
	  "madvise 1 0x40004000 4K dofork", 0, F_EAGAIN },
	{ "madvise_dofork_merge_back", "madvise 1 0x40004000 8K dontfork\n",
	  "madvise 1 0x40004000 8K dofork", 0, F_EAGAIN },
	{ "madvise_wipeonfork", NULL, "madvise 2 0x70008000 8K wipeonfork", 0,
	  F_EAGAIN },
	{ "madvise_keeponfork", "madvise 1 0x40000000 64K wipeonfork\n",
	  "madvise 1 0x40002000 4K keeponfork", 0, F_EAGAIN },
	{ "madvise_mergeable", NULL, "madvise 1 0x40002000 8K mergeable", 0,
	  F_EAGAIN },
	{ "madvise_unmergeable", "madvise 1 0x40000000 64K mergeable\n",
	  "madvise 1 0x40002000 8K unmergeable", 0, F_EAGAIN },
	/* ---- accesses ---- */
	{ "read_zero_page", NULL, "read 1 0x40005000", 0, 0 },
	{ "read_new_table", "mmap 1 0x100000000 8K rw- private\n",
	  "read 1 0x100000000", 0, 0 },
	{ "write_zero_page_cow", NULL, "write 1 0x40004000 5", 0, 0 },
	{ "write_new_anon_page", NULL, "write 1 0x40008000 5", 0, 0 },
	{ "write_cow_copy", NULL, "write 1 0x40002000 5", 0, 0 },
	{ "write_first_anon_vma", "mmap 4 0x30000000 8K rw- private\n",
	  "write 4 0x30000000 5", 0, 0 },
	{ "write_file_cow", NULL, "write 1 0x61002000 9", 0, 0 },
	{ "write_file_shared", NULL, "write 1 0x62001000 9", 0, 0 },
	{ "write_shmem", NULL, "write 1 0x50004000 9", 0, 0 },
	{ "read_file_new_cache_page", NULL, "read 1 0x6000f000", 0, 0 },
	{ "read_file_fault_around", "munmap 1 0x60000000 4096\n",
	  "read 1 0x60004000", 0, 0 },
	{ "write_stack_growth", NULL, "write 1 0x6fff0000 9", 0, 0 },
	{ "write_via_pid_ctl", NULL, "write 0x40009000 7", 3, 0 },
	{ "touch_write_range", NULL, "touch 1 0x40000000 64K write", 0, 0 },
	{ "touch_read_range", NULL, "touch 2 0x40000000 64K read", 0, 0 },
	{ "touch_stack_growth", NULL, "touch 1 0x6ffe0000 0x20000 write", 0, 0 },
	{ "touch_many_tables", "mmap 1 0x100000000 4M rw- private\n",
	  "touch 1 0x1001ff000 0x201000 write", 0, 0 },
	/* ---- page-level madvise ---- */
	{ "madvise_dontneed_shared_pages", NULL,
	  "madvise 1 0x40000000 16K dontneed", 0, F_EAGAIN },
	{ "madvise_dontneed_file_cow", NULL, "madvise 1 0x61000000 16K dontneed",
	  0, F_EAGAIN },
	{ "madvise_dontneed_then_read", "madvise 1 0x40000000 8K dontneed\n",
	  "read 1 0x40000000", 0, 0 },
	{ "madvise_cold", NULL, "madvise 1 0x40000000 64K cold", 0, F_EAGAIN },
	{ "madvise_willneed", NULL, "madvise 1 0x50000000 32K willneed", 0,
	  F_EAGAIN },
	/* ---- mlock: a failed fault-in is EAGAIN (v5.15 do_mlock passes
	 * __mm_populate's -ENOMEM through __mlock_posix_error_return) ---- */
	{ "mlock_fault_in_range", NULL, "mlock 1 0x40000000 64K", 0, F_EAGAIN },
	{ "mlock_split_shared_pages", NULL, "mlock 2 0x40001000 8K", 0,
	  F_EAGAIN },
	{ "mlock_file_vma", NULL, "mlock 1 0x60000000 64K", 0, F_EAGAIN },
	{ "munlock_middle", "mlock 1 0x40000000 64K\n",
	  "munlock 1 0x40004000 8K", 0, 0 },
	{ "munlock_page_still_locked_by_other",
	  "mlock 1 0x40000000 16K\nmlock 2 0x40000000 16K\n",
	  "munlock 1 0x40000000 16K", 0, 0 },
	/* ---- the rmap walk users; pfns of the base state: 1 (1's page at
	 * 0x40000000), 2 (0x40002000, shared by 1 and 2), 3 (shmem), 6 (the
	 * COW copy of the file page, 1-3), 8 (libc page 1, mapped 3 times),
	 * 9 (blob page 0, dirty) ---- */
	{ "unmap_shared_anon_to_swap", NULL, "unmap 2", 0, 0 },
	{ "unmap_anon_three_ptes", NULL, "unmap 6", 0, 0 },
	{ "unmap_file_page", NULL, "unmap 8", 0, 0 },
	{ "unmap_shmem_page", NULL, "unmap 3", 0, 0 },
	{ "unmap_mlocked", "mlock 1 0x40000000 64K\n", "unmap 1", 0, 0 },
	{ "referenced_shared", NULL, "referenced 2", 0, 0 },
	{ "mkclean_shared_file", NULL, "mkclean 9", 0, 0 },
	{ "idle_anon", NULL, "idle 6", 0, 0 },
	{ "migrate_shared_anon", NULL, "migrate 2", 0, 0 },
	{ "migrate_file_page", NULL, "migrate 8", 0, 0 },
	{ "migrate_hold", NULL, "migrate 6 hold", 0, 0 },
	{ "migrate_finish", "migrate 6 hold\n", "migrate 6 finish", 0, 0 },
	{ "reclaim_few", NULL, "reclaim 4", 0, 0 },
	{ "reclaim_all", NULL, "reclaim 100", 0, 0 },
	/* ---- with swap entries in the page tables ---- */
	{ "swapin_read", "unmap 2\n", "read 1 0x40002000", 0, 0 },
	{ "swapin_write_cow", "unmap 2\n", "write 2 0x40002000 7", 0, 0 },
	{ "swapin_touch", "unmap 2\nunmap 1\n", "touch 1 0x40000000 16K write",
	  0, 0 },
	{ "fork_with_swap_entries", "unmap 2\nunmap 6\n", "fork 1", 0, 0 },
	{ "exit_with_swap_entries", "unmap 2\nunmap 6\n", "exit 1", 0, 0 },
	{ "munmap_swap_entry", "unmap 2\n", "munmap 1 0x40002000 4096", 0, 0 },
	{ "mprotect_swap_entries", "unmap 2\n", "mprotect 1 0x40000000 16K r--",
	  0, 0 },
	{ "madvise_willneed_swapped", "unmap 2\n",
	  "madvise 1 0x40000000 16K willneed", 0, F_EAGAIN },
	{ "madvise_dontneed_swapped", "unmap 2\n",
	  "madvise 2 0x40000000 16K dontneed", 0, F_EAGAIN },
	{ "exit_with_migration_entry", "migrate 6 hold\n", "exit 3", 0, 0 },
	{ "reclaim_after_swap", "unmap 2\nreclaim 3\n", "reclaim 100", 0, 0 },
	/* ---- mremap, brk, exec ---- */
	{ "mremap_grow_in_place", NULL, "mremap 1 0x40000000 64K 128K none", 0,
	  0 },
	{ "mremap_shrink_with_pages", NULL, "mremap 1 0x40000000 64K 8K none", 0,
	  0 },
	{ "mremap_move_forked_pages", NULL,
	  "mremap 2 0x40000000 64K 64K maymove,fixed 0x48000000", 0, 0 },
	{ "mremap_move_grow", "mmap 3 0x40010000 4K r-- private\n",
	  "mremap 3 0x40000000 64K 128K maymove", 0, 0 },
	{ "mremap_move_file_cow", NULL,
	  "mremap 1 0x61000000 16K 16K maymove,fixed 0x68000000", 0, 0 },
	{ "mremap_dontunmap", NULL,
	  "mremap 1 0x40000000 64K 64K maymove,dontunmap", 0, 0 },
	{ "mremap_move_swap_entries", "unmap 2\n",
	  "mremap 1 0x40000000 64K 64K maymove,fixed 0x48000000", 0, 0 },
	{ "mremap_part_of_vma", NULL,
	  "mremap 1 0x40002000 8K 8K maymove,fixed 0x48000000", 0, 0 },
	{ "exec_first", "file /bin/prog 64K\n", "exec 4 /bin/prog", 0, 0 },
	{ "exec_forked_with_pages", "file /bin/prog 64K\n", "exec 2 /bin/prog",
	  0, 0 },
	{ "exec_again", "file /bin/prog 64K\nexec 4 /bin/prog\n",
	  "exec 3 /bin/prog", 0, 0 },
	{ "brk_grow", "file /bin/prog 64K\nexec 4 /bin/prog\n",
	  "brk 4 0x555555580000", 0, 0 },
	{ "brk_shrink_with_pages",
	  "file /bin/prog 64K\nexec 4 /bin/prog\nbrk 4 0x555555580000\n"
	  "touch 4 0x555555564000 0x1c000 write\n", "brk 4 0x555555568000", 0, 0 },
	{ "brk_after_fork",
	  "file /bin/prog 64K\nexec 4 /bin/prog\nwrite 4 0x555555564000 1\n"
	  "fork 4\n", "brk 5 0x555555590000", 0, 0 },
	/* ---- files, tunables ---- */
	{ "fwrite_cached_mapped_page", NULL, "fwrite /lib/libc.so 0 99", 0, 0 },
	{ "fwrite_new_page", NULL, "fwrite /lib/libc.so 0x9000 99", 0, 0 },
	{ "fwrite_grows_file", NULL, "fwrite /data/blob 0x4000 99", 0, 0 },
	{ "fread_hole", NULL, "fread /lib/libc.so 0xa000", 0, 0 },
	{ "truncate_mapped_with_cow", NULL, "truncate /lib/libc.so 8192", 0, 0 },
	{ "truncate_shared_mapped", NULL, "truncate /data/blob 0", 0, 0 },
	{ "truncate_grow", NULL, "truncate /data/blob 1M", 0, 0 },
	{ "unlink_mapped", NULL, "unlink /lib/libc.so", 0, 0 },
	{ "unlink_unmapped", "file /tmp/x 4096\nfwrite /tmp/x 0 5\n",
	  "unlink /tmp/x", 0, 0 },
	{ "file_absolute", NULL, "file /lib/new.so 8192", 0, 0 },
	{ "file_relative", NULL, "file rel/x 4096", 0, 0 },
	{ "file_new_dirs", NULL, "file /a/b/c/d 4096", 0, 0 },
	{ "sysctl_max_map_count", NULL, "sysctl vm.max_map_count 100", 0, 0 },
	{ "sysctl_anon_vma_reuse", NULL, "sysctl vm.anon_vma_reuse 0", 0, 0 },
	{ "trace_clear", NULL, "trace clear", 0, 0 },
	/* ---- the command's /journal line at the buffer's edge ---- */
	{ "journal_edge_mmap", NULL, "mmap 1 0 4K rw- private", 0,
	  F_JOURNAL_EDGE },
	/* journaled as "file /rel/z 4096": longer than the line written */
	{ "journal_edge_file_relative", NULL, "file rel/z 4096", 0,
	  F_JOURNAL_EDGE },
	{ "journal_edge_fwrite_relative", NULL, "fwrite data/blob 0 7", 0,
	  F_JOURNAL_EDGE },
};

/* ---- the machine ---- */

/* Run every line of @script; each must succeed. */
static void run_script(struct sim *sim, const char *script, const char *what)
{
	const char *p = script;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int rc = sim_exec_line(sim, p, len, 0, NULL);

		ck_assert_msg(rc == 0, "%s: `%.*s` failed: %s", what, (int)len, p,
			      sim->last_err.buf ? sim->last_err.buf : "?");
		p = nl ? nl + 1 : p + len;
	}
}

/*
 * fill_journal - pad /journal with lines that change nothing else until
 * exactly @gap bytes are free in its buffer (cap - len), so the
 * command's own journal line meets the buffer's edge. The padding line
 * sets vm.max_map_count to its default, 65530, written with as many
 * leading zeros as make it the wanted length (at least 30 bytes with its
 * newline); when less than that is left, one more line first crosses
 * into a doubled buffer. Return: false if @gap cannot be reached (the
 * slack sim_exec_line reserves beyond each line keeps the smallest gaps
 * out of reach of any line).
 */
static bool fill_journal(struct sim *sim, size_t gap)
{
	char line[SIM_LINE_MAX];
	size_t r;

	for (;;) {
		r = sim->journal.cap - sim->journal.len;
		if (r == gap)
			return true;
		if (r > gap && r - gap >= 30 && r - gap < 1000)
			break;
		run_script(sim, "sysctl vm.max_map_count 65530", "journal padding");
	}
	r -= gap;	/* the padding line's bytes, newline included */
	snprintf(line, sizeof(line), "sysctl vm.max_map_count %0*d",
		 (int)(r - 25), 65530);
	run_script(sim, line, "journal padding");
	return sim->journal.cap - sim->journal.len == gap;
}

/* @gap: 0, or the bytes to leave free in /journal's buffer.
 * Return: the machine, or NULL if that gap cannot be made. */
static struct sim *build(const struct fcase *c, size_t gap)
{
	struct sim_options o;
	struct sim *sim;

	rm_fail_nth(-1);
	sim_options_init(&o);
	o.frames = FRAMES;
	sim = sim_new(&o);
	ck_assert_ptr_nonnull(sim);
	run_script(sim, base_script, c->name);
	run_script(sim, c->setup, c->name);
	if (gap && !fill_journal(sim, gap)) {
		sim_free(sim);
		return NULL;
	}
	CHECK_SIM(sim);
	return sim;
}

/* ---- snapshots of the whole tree ---- */

struct names {
	struct strbuf list;	/* NUL-separated; a '/' suffix marks a dir */
};

static int collect(void *ctx, const char *name, bool is_dir)
{
	struct names *n = ctx;

	strbuf_puts(&n->list, name);
	if (is_dir)
		strbuf_putc(&n->list, '/');
	strbuf_putc(&n->list, '\0');
	return n->list.failed ? -ENOMEM : 0;
}

static bool excluded(const char *path)
{
	return !strcmp(path, "/dmesg");
}

/* /PID/pagemap: the entries of every VMA's range, read as pread would. */
static void snap_pagemap(struct sim *sim, const char *path, int pid,
			 struct strbuf *out)
{
	struct task_struct *task = find_task(sim, pid);
	struct vm_area_struct *v;

	ck_assert_ptr_nonnull(task);
	for (v = task->mm->mmap; v; v = v->vm_next) {
		uint64_t off = (v->vm_start >> PAGE_SHIFT) * PM_ENTRY_BYTES;
		size_t len = vma_pages(v) * PM_ENTRY_BYTES;

		strbuf_printf(out, "-- %lx-%lx\n", v->vm_start, v->vm_end);
		ck_assert_int_eq(vfs_read_range(sim, path, (off_t)off, len, out), 0);
		strbuf_putc(out, '\n');
	}
}

static void snap_dir(struct sim *sim, const char *dir, struct strbuf *out)
{
	struct names n = { STRBUF_INIT };
	size_t pos;

	ck_assert_int_eq(vfs_readdir(sim, dir, collect, &n), 0);
	strbuf_printf(out, "==> %s/\n", dir);
	strbuf_add(out, n.list.buf ? n.list.buf : "", n.list.len);
	strbuf_putc(out, '\n');
	for (pos = 0; pos < n.list.len; pos += strlen(n.list.buf + pos) + 1) {
		const char *name = n.list.buf + pos;
		size_t len = strlen(name);
		char path[1024];
		int pid;

		snprintf(path, sizeof(path), "%s/%.*s", strcmp(dir, "/") ? dir : "",
			 (int)(name[len - 1] == '/' ? len - 1 : len), name);
		if (name[len - 1] == '/') {
			snap_dir(sim, path, out);
			continue;
		}
		if (excluded(path))
			continue;
		strbuf_printf(out, "==> %s\n", path);
		if (sscanf(path, "/%d/pagemap", &pid) == 1 &&
		    strstr(path, "/pagemap")) {
			snap_pagemap(sim, path, pid, out);
			continue;
		}
		ck_assert_msg(vfs_render(sim, path, out) == 0, "render %s", path);
	}
	strbuf_release(&n.list);
}

/* Every file of the machine but /dmesg, with headers. */
static void snapshot(struct sim *sim, struct strbuf *out)
{
	strbuf_reset(out);
	snap_dir(sim, "/", out);
	ck_assert(!out->failed);
}

/* The line starting at @p, for messages. */
static int line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return (int)((nl ? nl : end) - p);
}

/*
 * Fail the test with the first difference between two snapshots: the
 * file it is in and the differing lines (a diff in the small).
 */
static void assert_same(const char *what, const struct strbuf *a,
			const struct strbuf *b)
{
	const char *pa = a->buf, *pb = b->buf, *ea = a->buf + a->len,
		   *eb = b->buf + b->len, *hdr = "(top)", *la, *lb;
	int hlen = 5;

	if (a->len == b->len && !memcmp(a->buf, b->buf, a->len))
		return;
	/* walk line by line to the first differing one */
	for (;;) {
		int na = pa < ea ? line_len(pa, ea) : -1;
		int nb = pb < eb ? line_len(pb, eb) : -1;

		if (na != nb || (na > 0 && memcmp(pa, pb, (size_t)na)))
			break;
		if (na < 0)
			break;
		if (!strncmp(pa, "==> ", 4)) {
			hdr = pa;
			hlen = na;
		}
		pa += na + 1;
		pb += nb + 1;
	}
	la = pa;
	lb = pb;
	ck_abort_msg("%s: %.*s differs; first difference:\n"
		     "  expected: %.*s\n  observed: %.*s\n"
		     "  (expected next: %.*s)\n  (observed next: %.*s)",
		     what, hlen, hdr,
		     la < ea ? line_len(la, ea) : 5, la < ea ? la : "(end)",
		     lb < eb ? line_len(lb, eb) : 5, lb < eb ? lb : "(end)",
		     la < ea && la + line_len(la, ea) + 1 < ea ?
			line_len(la + line_len(la, ea) + 1, ea) : 0,
		     la < ea && la + line_len(la, ea) + 1 < ea ?
			la + line_len(la, ea) + 1 : "",
		     lb < eb && lb + line_len(lb, eb) + 1 < eb ?
			line_len(lb + line_len(lb, eb) + 1, eb) : 0,
		     lb < eb && lb + line_len(lb, eb) + 1 < eb ?
			lb + line_len(lb, eb) + 1 : "");
}

static size_t count_lines(const struct strbuf *sb)
{
	size_t i, n = 0;

	for (i = 0; i < sb->len; i++)
		n += sb->buf[i] == '\n';
	return n;
}

/* The last line of /dmesg (without its newline). */
static void last_line(const struct strbuf *sb, struct strbuf *out)
{
	size_t end = sb->len, start;

	strbuf_reset(out);
	if (end && sb->buf[end - 1] == '\n')
		end--;
	for (start = end; start && sb->buf[start - 1] != '\n'; start--)
		;
	strbuf_add(out, sb->buf + start, end - start);
}

/* ---- the loop ---- */

static void check_sim(struct sim *sim, const char *what)
{
	struct strbuf why = STRBUF_INIT;
	int rc = sim_check(sim, &why);

	ck_assert_msg(rc == 0, "%s: sim_check() = %d: %s", what, rc,
		      why.buf ? why.buf : "(no reason given)");
	strbuf_release(&why);
}

struct run {
	int rc;
	bool fired;		/* the injected failure happened */
	struct strbuf result;
};

/* Run the case's command with allocation @nth failing (-1: none). */
static void run_cmd(struct sim *sim, const struct fcase *c, long nth,
		    struct run *r)
{
	unsigned long before;

	strbuf_reset(&r->result);
	rm_fail_nth(nth);
	before = rm_alloc_count();
	r->rc = sim_exec_line(sim, c->cmd, strlen(c->cmd), c->ctx_pid,
			      &r->result);
	r->fired = nth >= 0 && rm_alloc_count() - before > (unsigned long)nth;
	rm_fail_nth(-1);
}

/* The loop of the header comment, for case @c built with @gap.
 * Return: false if the machine could not be built with that gap. */
static bool failnth_loop(const struct fcase *c, size_t gap)
{
	struct strbuf ref = STRBUF_INIT, before = STRBUF_INIT,
		      now = STRBUF_INIT, line = STRBUF_INIT;
	struct run r = { 0, false, STRBUF_INIT };
	struct strbuf ref_result = STRBUF_INIT;
	struct sim *sim;
	char what[256];
	size_t dmesg_lines;
	long n, failures = 0, swallowed = 0;

	/* The reference: the command on a machine where nothing fails. */
	sim = build(c, gap);
	if (!sim)
		return false;
	run_cmd(sim, c, -1, &r);
	ck_assert_msg(r.rc == 0, "%s: `%s` fails without injection: %s", c->name,
		      c->cmd, sim->last_err.buf ? sim->last_err.buf : "?");
	CHECK_SIM(sim);
	snapshot(sim, &ref);
	strbuf_add(&ref_result, r.result.buf ? r.result.buf : "", r.result.len);
	sim_free(sim);

	sim = build(c, gap);
	snapshot(sim, &before);
	for (n = 0; n < FAILNTH_MAX; n++) {
		dmesg_lines = count_lines(&sim->dmesg);
		run_cmd(sim, c, n, &r);
		snprintf(what, sizeof(what), "%s: `%s` with allocation %ld failing",
			 c->name, c->cmd, n);
		check_sim(sim, what);
		if (r.rc == 0 && r.fired && (c->flags & F_POPULATE)) {
			/* mm_populate stopped early: fine; go on from a
			 * fresh machine so later allocations get their turn */
			swallowed++;
			sim_free(sim);
			sim = build(c, gap);
			continue;
		}
		if (r.rc == 0)
			break;
		failures++;
		ck_assert_msg(r.rc == -ENOMEM ||
			      ((c->flags & F_EAGAIN) && r.rc == -EAGAIN),
			      "%s: returned %d (%s), expected ENOMEM%s", what, r.rc,
			      errno_name(-r.rc), c->flags & F_EAGAIN ? " or EAGAIN" : "");
		ck_assert_msg(r.fired, "%s: failed with %s although no allocation "
			      "failed", what, errno_name(-r.rc));
		ck_assert_msg(r.result.len == 0, "%s: a failed command printed %s",
			      what, r.result.buf);
		ck_assert_msg(count_lines(&sim->dmesg) == dmesg_lines + 1,
			      "%s: /dmesg went from %zu to %zu lines", what,
			      dmesg_lines, count_lines(&sim->dmesg));
		last_line(&sim->dmesg, &line);
		ck_assert_msg(strstr(line.buf, errno_name(-r.rc)) != NULL,
			      "%s: /dmesg line '%s' does not name %s", what, line.buf,
			      errno_name(-r.rc));
		snapshot(sim, &now);
		assert_same(what, &before, &now);
	}
	ck_assert_msg(n < FAILNTH_MAX, "%s: `%s` never succeeded", c->name, c->cmd);
	if (r.fired)	/* the command went on past a failed allocation */
		snprintf(what, sizeof(what), "%s: `%s` succeeding with allocation "
			 "%ld failing (the failure was swallowed)", c->name, c->cmd, n);
	else
		snprintf(what, sizeof(what), "%s: `%s` succeeding after %ld failures",
			 c->name, c->cmd, failures);
	ck_assert_msg(r.result.len == ref_result.len &&
		      !memcmp(r.result.buf, ref_result.buf, r.result.len),
		      "%s: printed '%.*s', without failures '%.*s'", what,
		      (int)r.result.len, r.result.len ? r.result.buf : "",
		      (int)ref_result.len, ref_result.len ? ref_result.buf : "");
	snapshot(sim, &now);
	assert_same(what, &ref, &now);
	if (getenv("T_VERBOSE") && !gap)
		fprintf(stderr, "%-32s %4ld injected failures%s\n", c->name,
			failures, swallowed ? " (+ populate stopped early)" : "");
	sim_free(sim);
	strbuf_release(&ref);
	strbuf_release(&before);
	strbuf_release(&now);
	strbuf_release(&line);
	strbuf_release(&r.result);
	strbuf_release(&ref_result);
	return true;
}

START_TEST(test_failnth_command)
{
	const struct fcase *c = &cases[_i];
	size_t len = strlen(c->cmd), gap, reached = 0;

	ck_assert(failnth_loop(c, 0));
	if (!(c->flags & F_JOURNAL_EDGE))
		return;
	/*
	 * The journal line is reserved before the command runs and
	 * appended after it took effect: whatever slack the reservation
	 * adds, a buffer with a few bytes less or more free than the line
	 * finds it. Both sides of the edge, with the line made longer (a
	 * relative file name made absolute) too.
	 */
	for (gap = len > 8 ? len - 8 : 1; gap <= len + 40; gap++)
		reached += failnth_loop(c, gap);
	ck_assert_uint_ge(reached, 20);
}
END_TEST

/*
 * The same loop one level up, as a shell drives /ctl: one handle, the
 * command written again after each failure (nothing read in between, as
 * `echo spawn >&3` retried and then `read pid <&3` does), then its result
 * line read back. A failure must not lose the result line of the write
 * that finally succeeds.
 */
START_TEST(test_failnth_ctl_handle_results)
{
	static const struct fcase c = { "ctl_handle", NULL, "spawn\n", 0, 0 };
	struct strbuf before = STRBUF_INIT, now = STRBUF_INIT;
	struct vfs_handle *h;
	struct sim *sim = build(&c, 0);
	char buf[64];
	ssize_t got;
	long n;

	ck_assert_int_eq(vfs_open(sim, "/ctl", true, &h), 0);
	snapshot(sim, &before);
	for (n = 0; n < FAILNTH_MAX; n++) {
		size_t dmesg_len = sim->dmesg.len;

		rm_fail_nth(n);
		got = vfs_write(sim, h, c.cmd, strlen(c.cmd));
		rm_fail_nth(-1);
		check_sim(sim, "ctl handle");
		if (got >= 0)
			break;
		ck_assert_msg(got == -ENOMEM, "write with allocation %ld failing: %zd",
			      n, got);
		/* every failure says so in /dmesg, the copy of the buffer too */
		ck_assert_msg(sim->dmesg.len > dmesg_len &&
			      memmem(sim->dmesg.buf + dmesg_len,
				     sim->dmesg.len - dmesg_len, "ENOMEM", 6),
			      "write with allocation %ld failing: no ENOMEM line "
			      "in /dmesg", n);
		snapshot(sim, &now);
		assert_same("ctl handle after a failed write", &before, &now);
	}
	ck_assert_int_eq(got, (ssize_t)strlen(c.cmd));
	ck_assert_int_gt(n, 0);
	got = vfs_read(sim, h, buf, sizeof(buf), 0);
	ck_assert_msg(got == 2 && !memcmp(buf, "5\n", 2),
		      "after %ld failed writes, the successful spawn's result "
		      "read back as '%.*s' (%zd bytes), expected '5\\n'", n,
		      got > 0 ? (int)got : 0, buf, got);
	vfs_release(sim, h);
	sim_free(sim);
	strbuf_release(&before);
	strbuf_release(&now);
}
END_TEST

static Suite *failnth_suite(void)
{
	Suite *s = suite_create("failnth");
	TCase *tc = tcase_create("commands");

	/* Each loop runs up to a few hundred full snapshots. */
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_failnth_command, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_failnth_ctl_handle_results);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(failnth_suite());
}
