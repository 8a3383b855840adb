/* tests/unit/test_exec.c - core/exec.c and core/brk.c: the image execve
 * builds (fs/binfmt_elf.c and fs/exec.c of v5.15 for a PIE with ld.so,
 * no ASLR; the layout of include/exec.h), its /PID/maps byte for byte and
 * its /PID/status memory lines, the errors, atomicity, and brk(2)
 * (kernel-spec §4.11): growth merging into the bss/heap VMA, shrinking,
 * the one free page below the next VMA's vm_start_gap, the floor at
 * start_brk, and the list_is_singular refusal in a fork child.
 *
 * The program used most: /bin/true of 40960 bytes = 10 pages, so u = 1:
 * headers 1, text 2 * (10 - 2) / 3 = 5, rodata 10 - 2 - 5 = 3, data 1,
 * bss 1. At ELF_ET_DYN_BASE 0x555555554000:
 *   r--p 0x555555554000-0x555555555000 off 0x0000
 *   r-xp 0x555555555000-0x55555555a000 off 0x1000
 *   r--p 0x55555555a000-0x55555555d000 off 0x6000
 *   rw-p 0x55555555d000-0x55555555e000 off 0x9000
 *   bss  0x55555555e000-0x55555555f000 = start_brk = brk
 * The loader (1/37/10/4 + 1 bss = 53 pages = 0x35000) ends at mmap_base
 * 0x7ffff7fff000: from 0x7ffff7fca000. libc (38/341/83/6 + 13 = 481
 * pages = 0x1e1000) below it: from 0x7ffff7de9000. Stack: 33 pages below
 * 0x7ffffffff000: from 0x7ffffffde000.
 */
#include <stdio.h>
#include <stdlib.h>

#include "exec.h"
#include "mm_internal.h"	/* sim_drain_pools */
#include "task.h"
#include "testlib.h"

#define PROG		"/bin/true"
#define PROG_SIZE	40960UL
#define START_BRK	0x55555555f000UL
#define STACK_START	0x7ffffffde000UL
#define MiB_		(1UL << 20)

/* show_map_vma: a 48-character prefix for these 12-digit lines, padded
 * to column 72, one blank, the name: 26 blanks after the inode digit. */
#define PAD	"                          "
#define LINE(range, perms, off, dev, ino, name) \
	range " " perms " " off " " dev " " ino PAD name "\n"
#define ANON(range, perms) range " " perms " 00000000 00:00 0 \n"
#define VSYSCALL_LINE \
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0" \
	"                  [vsyscall]\n"
#define LIBC	"/lib/x86_64-linux-gnu/libc.so.6"
#define LD	"/lib64/ld-linux-x86-64.so.2"

/* /1/maps of a spawned process after `exec 1 /bin/true` (inodes: the
 * program 1, then the loader 2 and libc 3, created in that order). */
static const char exec_maps[] =
	LINE("555555554000-555555555000", "r--p", "00000000", "08:01", "1", PROG)
	LINE("555555555000-55555555a000", "r-xp", "00001000", "08:01", "1", PROG)
	LINE("55555555a000-55555555d000", "r--p", "00006000", "08:01", "1", PROG)
	LINE("55555555d000-55555555e000", "rw-p", "00009000", "08:01", "1", PROG)
	LINE("55555555e000-55555555f000", "rw-p", "00000000", "00:00", "0", "[heap]")
	LINE("7ffff7de9000-7ffff7e0f000", "r--p", "00000000", "08:01", "3", LIBC)
	LINE("7ffff7e0f000-7ffff7f64000", "r-xp", "00026000", "08:01", "3", LIBC)
	LINE("7ffff7f64000-7ffff7fb7000", "r--p", "0017b000", "08:01", "3", LIBC)
	LINE("7ffff7fb7000-7ffff7fbd000", "rw-p", "001ce000", "08:01", "3", LIBC)
	ANON("7ffff7fbd000-7ffff7fca000", "rw-p")
	LINE("7ffff7fca000-7ffff7fcb000", "r--p", "00000000", "08:01", "2", LD)
	LINE("7ffff7fcb000-7ffff7ff0000", "r-xp", "00001000", "08:01", "2", LD)
	LINE("7ffff7ff0000-7ffff7ffa000", "r--p", "00026000", "08:01", "2", LD)
	LINE("7ffff7ffa000-7ffff7ffe000", "rw-p", "00030000", "08:01", "2", LD)
	ANON("7ffff7ffe000-7ffff7fff000", "rw-p")
	LINE("7ffffffde000-7ffffffff000", "rw-p", "00000000", "00:00", "0", "[stack]")
	VSYSCALL_LINE;

/*
 * The memory lines of /1/status right after that exec (§3.1.1):
 *  total_vm = 10 + 1 + 481 + 53 + 33 = 578 pages = 2312 kB; hiwater_vm
 *    equals it (the munmaps of exec's mappings saw the whole image);
 *  rss: the argument page only (4 kB); VmHWM = max(0, rss);
 *  data_vm: rw-p private: 1 + 1 (program) + 6 + 13 (libc) + 4 + 1 = 26
 *    pages = 104 kB; stack_vm 33 = 132 kB;
 *  exec_vm = 5 + 341 + 37 = 383 pages; VmExe = PAGE_ALIGN(end_code) -
 *    start_code = the program's 5 text pages = 20 kB; VmLib = 378 pages
 *    = 1512 kB;
 *  VmPTE: PUD, PMD and PTE table of the argument page = 12 kB.
 */
static const char exec_status_mem[] =
	"VmPeak:\t    2312 kB\n"
	"VmSize:\t    2312 kB\n"
	"VmLck:\t       0 kB\n"
	"VmPin:\t       0 kB\n"
	"VmHWM:\t       4 kB\n"
	"VmRSS:\t       4 kB\n"
	"RssAnon:\t       4 kB\n"
	"RssFile:\t       0 kB\n"
	"RssShmem:\t       0 kB\n"
	"VmData:\t     104 kB\n"
	"VmStk:\t     132 kB\n"
	"VmExe:\t      20 kB\n"
	"VmLib:\t    1512 kB\n"
	"VmPTE:\t      12 kB\n"
	"VmSwap:\t       0 kB\n"
	"HugetlbPages:\t       0 kB\n";

static int do_exec(int pid, const char *path)
{
	return do_execve(T.sim, find_task(T.sim, pid), path);
}

static void exec_prog(int pid)
{
	ck_assert_int_eq(do_exec(pid, PROG), 0);
	CHECK_SIM(T.sim);
}

static void render(const char *path, struct strbuf *out)
{
	strbuf_reset(out);
	ck_assert_int_eq(vfs_render(T.sim, path, out), 0);
}

static unsigned long brk_to(struct mm_struct *mm, unsigned long brk)
{
	unsigned long r = 0;

	ck_assert_int_eq(sys_brk(mm, brk, &r), 0);
	CHECK_SIM(mm->sim);
	return r;
}

static int fork_of(int pid)
{
	return (int)T_CMD(T.sim, "fork %d", pid);
}

static uint64_t read_in(int pid, unsigned long addr)
{
	uint64_t v = ~0ULL;

	ck_assert_int_eq(access_read(t_mm(T.sim, pid), addr, &v), 0);
	CHECK_SIM(T.sim);
	return v;
}


/* ------------------------------------------------------------- exec */

START_TEST(test_exec_expected_maps_are_padded_to_column_73)
{
	const char *line = exec_maps, *nl;

	/* the expected text itself follows §1.1, not the program's output:
	 * every named line has its name at 0-based column 73 */
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		if (nl[-1] == ' ') {
			/* unnamed: ends after the inode and one blank */
			ck_assert_int_eq(nl - line, 48);
			continue;
		}
		if (!strncmp(line, "ffffffffff600000", 16))
			ck_assert_int_eq(strchr(line, '[') - line, 73);
		else
			ck_assert_msg(line[71] == ' ' && line[72] == ' ' &&
				      line[73] != ' ', "%.*s", (int)(nl - line), line);
	}
}
END_TEST

START_TEST(test_exec_maps_layout_exact)
{
	struct strbuf out = STRBUF_INIT;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	render("/1/maps", &out);
	ck_assert_msg(out.len == strlen(exec_maps) && !memcmp(out.buf, exec_maps, out.len),
		      "/1/maps:\n%s\nexpected:\n%s", out.buf, exec_maps);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_exec_status_memory_lines)
{
	struct strbuf out = STRBUF_INIT;
	const char *vm;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	render("/1/status", &out);
	ck_assert(!strncmp(out.buf, "Name:\ttrue\n", 11));
	vm = strstr(out.buf, "VmPeak:");
	ck_assert_ptr_nonnull(vm);
	ck_assert_msg(!strncmp(vm, exec_status_mem, strlen(exec_status_mem)),
		      "%s\nexpected:\n%s", vm, exec_status_mem);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_exec_mm_fields_and_vmas)
{
	struct mm_struct *mm;
	struct vm_area_struct *stack;
	struct page *arg;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	mm = t_mm(T.sim, 1);
	ck_assert_uint_eq(mm->mmap_base, 0x7ffff7fff000UL);
	/* PF_X segment: [headers end, text end); data: the last PT_LOAD's
	 * start to its file end */
	ck_assert_uint_eq(mm->start_code, 0x555555555000UL);
	ck_assert_uint_eq(mm->end_code, 0x55555555a000UL);
	ck_assert_uint_eq(mm->start_data, 0x55555555d000UL);
	ck_assert_uint_eq(mm->end_data, 0x55555555e000UL);
	ck_assert_uint_eq(mm->start_brk, START_BRK);
	ck_assert_uint_eq(mm->brk, START_BRK);
	ck_assert_uint_eq(mm->start_stack, 0x7fffffffe000UL);
	ck_assert_int_eq(mm->map_count, 16);
	ASSERT_VM_STAT(mm, 578, 26, 383, 33);
	ck_assert_uint_eq(mm->hiwater_vm, 578);

	/* the program's segments (§4.3.1 private file flags), its bss
	 * (do_brk_flags: the data default flags, VM_ACCOUNT, soft-dirty,
	 * pgoff = addr >> 12) */
	ck_assert_uint_eq(t_vma(mm, 0)->vm_flags, ANON_FLAGS(RO));
	ck_assert_uint_eq(t_vma(mm, 1)->vm_flags, ANON_FLAGS(RX));
	ck_assert_uint_eq(t_vma(mm, 1)->vm_pgoff, 1);
	ck_assert_uint_eq(t_vma(mm, 3)->vm_flags, ANON_FLAGS(RW));
	ck_assert_uint_eq(t_vma(mm, 3)->vm_pgoff, 9);
	ck_assert_ptr_eq(t_vma(mm, 0)->vm_file, t_vma(mm, 3)->vm_file);	/* one open */
	ck_assert_ptr_null(t_vma(mm, 4)->vm_file);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_flags, ANON_FLAGS(RW));
	ck_assert_uint_eq(t_vma(mm, 4)->vm_pgoff, PFN(0x55555555e000UL));
	/* libc's bss is ld.so's anonymous mmap: the same flags */
	ck_assert_uint_eq(t_vma(mm, 9)->vm_flags, ANON_FLAGS(RW));

	/* the stack: VM_STACK_FLAGS, no VM_SOFTDIRTY (§4.3.3) */
	stack = t_vma(mm, 15);
	ck_assert_uint_eq(stack->vm_start, STACK_START);
	ck_assert_uint_eq(stack->vm_end, TASK_SIZE);
	ck_assert_uint_eq(stack->vm_pgoff, PFN(STACK_START));
	ck_assert_uint_eq(stack->vm_flags, VM_READ | VM_WRITE | VM_MAY |
			  VM_GROWSDOWN | VM_ACCOUNT);
	/* the argument page: written by copy_strings, the only page */
	ck_assert_ptr_nonnull(stack->anon_vma);
	ASSERT_PTE(mm, 0x7fffffffe000UL, 1, PTE_ANON_RW);
	arg = pfn_to_page(T.sim, 1);
	ASSERT_PAGE(T.sim, 1, ANON_MAPPING(stack->anon_vma), PFN(0x7fffffffe000UL),
		    1, 1, arg->flags);
	ASSERT_RSS(mm, 1, 0, 0);
	ck_assert_uint_eq(mm->pgtables_bytes, 3 * PG);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 1);

	/* the files: the loader and libc were created, each mapped 4 times */
	ck_assert_uint_eq(inode_lookup(T.sim, LD)->i_size, EXEC_INTERP_SIZE);
	ck_assert_uint_eq(inode_lookup(T.sim, LD)->i_ino, 2);
	ck_assert_uint_eq(inode_lookup(T.sim, LIBC)->i_size, EXEC_LIBC_SIZE);
	ck_assert_uint_eq(inode_lookup(T.sim, LIBC)->i_mmap_count, 4);
	ck_assert_uint_eq(inode_lookup(T.sim, PROG)->i_mmap_count, 4);
	/* one open of the program, held by its 4 VMAs (the exec's own
	 * reference was dropped, as close(2) would) */
	ck_assert_int_eq(t_vma(mm, 0)->vm_file->f_count, 4);
}
END_TEST

START_TEST(test_exec_replaces_old_mm_keeps_pid)
{
	struct t_rmap_hit h[T_RMAP_MAX];
	struct task_struct *t;
	struct mm_struct *mm;
	int child;

	/* pid 1 has two pages (pfn 1, 2) and a child; exec makes the new
	 * mm's argument page while the old mm still holds its frames: pfn 3;
	 * then the old mm goes: pfn 1 and 2 stay, mapped by the child only */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	ck_assert_int_eq(access_write(T.mm, BASE + PG, 2), 0);
	child = fork_of(1);
	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	t = find_task(T.sim, 1);
	mm = t->mm;		/* T.mm is gone */
	ck_assert_int_eq(t->pid, 1);
	ck_assert_int_eq(t->ppid, 0);
	ck_assert_str_eq(t->comm, "true");
	ck_assert_int_eq(mm->owner_pid, 1);
	ASSERT_PTE(mm, 0x7fffffffe000UL, 3, PTE_ANON_RW);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 1)), 1);
	ck_assert_int_eq(t_rmap_walk(T.sim, pfn_to_page(T.sim, 1), h), 1);
	ck_assert_ptr_eq(h[0].vma, t_vma(t_mm(T.sim, child), 0));
	ck_assert_int_eq(find_task(T.sim, child)->ppid, 1);
	ck_assert_uint_eq(read_in(child, BASE + PG), 2);
	ck_assert_int_eq(t_nr_vmas(t_mm(T.sim, child)), 1);
}
END_TEST

START_TEST(test_exec_comm_is_basename_truncated)
{
	t_file(T.sim, "/usr/bin/a-very-long-program-name", PROG_SIZE);
	ck_assert_int_eq(do_exec(1, "/usr/bin/a-very-long-program-name"), 0);
	CHECK_SIM(T.sim);
	ck_assert_str_eq(find_task(T.sim, 1)->comm, "a-very-long-pro");	/* 15 */
}
END_TEST

/* An exec that fails leaves pid 1's files, comm and the namespace. */
struct before {
	struct strbuf maps, status;
	unsigned long next_ino, nr_vmas;
};

static void before_take(struct before *b)
{
	strbuf_init(&b->maps);
	strbuf_init(&b->status);
	render("/1/maps", &b->maps);
	render("/1/status", &b->status);
	b->next_ino = T.sim->next_ino;
	b->nr_vmas = T.sim->nr_vmas;
}

static void assert_as_before(struct before *b)
{
	struct strbuf now = STRBUF_INIT;

	CHECK_SIM(T.sim);
	render("/1/maps", &now);
	ASSERT_STRBUF_EQ(&b->maps, &now);
	render("/1/status", &now);
	ASSERT_STRBUF_EQ(&b->status, &now);
	ck_assert_uint_eq(T.sim->next_ino, b->next_ino);
	ck_assert_uint_eq(T.sim->nr_vmas, b->nr_vmas);
	ck_assert_ptr_eq(t_mm(T.sim, 1), T.mm);
	strbuf_release(&now);
}

static void before_release(struct before *b)
{
	strbuf_release(&b->maps);
	strbuf_release(&b->status);
}

START_TEST(test_exec_errors_change_nothing)
{
	struct before b;

	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	t_file(T.sim, "/d/x", PG);
	t_file(T.sim, "/small", 3 * PG);	/* 3 pages: no room for 4 segments */
	t_file(T.sim, "/empty", 0);
	t_file(T.sim, "/four", 3 * PG + 1);	/* 4 pages: fine */
	before_take(&b);
	ck_assert_int_eq(do_exec(1, "/nope"), -ENOENT);
	assert_as_before(&b);
	ck_assert_int_eq(do_exec(1, "/d"), -EACCES);
	assert_as_before(&b);
	ck_assert_int_eq(do_exec(1, "/small"), -ENOEXEC);
	assert_as_before(&b);
	ck_assert_int_eq(do_exec(1, "/empty"), -ENOEXEC);
	assert_as_before(&b);
	ck_assert_ptr_null(inode_lookup(T.sim, LD));
	ck_assert_ptr_null(inode_lookup(T.sim, LIBC));
	ck_assert_str_eq(find_task(T.sim, 1)->comm, "sim");

	/* max_map_count: the 16th VMA is added with map_count 15 */
	T.sim->sysctl.max_map_count = 14;
	ck_assert_int_eq(do_exec(1, "/four"), -ENOMEM);
	assert_as_before(&b);
	T.sim->sysctl.max_map_count = 15;
	ck_assert_int_eq(do_exec(1, "/four"), 0);
	CHECK_SIM(T.sim);
	/* u 1, text max(1, 2 * 2 / 3) = 1, rodata 1 */
	ck_assert_uint_eq(t_mm(T.sim, 1)->end_code - t_mm(T.sim, 1)->start_code, PG);
	ck_assert_uint_eq(t_mm(T.sim, 1)->start_brk, 0x555555559000UL);
	before_release(&b);
}
END_TEST

START_TEST(test_exec_loader_path_through_a_file_is_enotdir)
{
	struct before b;

	t_file(T.sim, "/lib64", 10);
	t_file(T.sim, PROG, PROG_SIZE);
	before_take(&b);
	ck_assert_int_eq(do_exec(1, PROG), -ENOTDIR);
	assert_as_before(&b);
	ck_assert_ptr_null(inode_lookup(T.sim, LIBC));
	before_release(&b);
}
END_TEST

START_TEST(test_exec_libc_path_a_directory_undoes_the_loader)
{
	struct before b;

	/* the loader is created (inode 3), then libc's path is a directory:
	 * EACCES, the loader unlinked and its inode number handed out again */
	t_file(T.sim, LIBC "/x", 1);
	t_file(T.sim, PROG, PROG_SIZE);
	before_take(&b);
	ck_assert_int_eq(do_exec(1, PROG), -EACCES);
	assert_as_before(&b);
	ck_assert_ptr_null(inode_lookup(T.sim, LD));
	ck_assert_uint_eq(t_file(T.sim, "/z", 1)->i_ino, 3);
	before_release(&b);
}
END_TEST

START_TEST(test_exec_small_machine_errors)
{
	struct sim_options o = { .frames = 16, .failnth = -1 };
	struct sim *sim = sim_new(&o);
	int pid;

	/* 16 frames: the 33-page stack fails the overcommit check of
	 * expand_stack, which setup_arg_pages reports as EFAULT */
	ck_assert_ptr_nonnull(sim);
	pid = task_spawn(sim, "sim");
	ck_assert_int_eq(file_create(sim, PROG, PROG_SIZE), 0);
	ck_assert_int_eq(do_execve(sim, find_task(sim, pid), PROG), -EFAULT);
	ck_assert_ptr_null(inode_lookup(sim, LD));
	sim_free(sim);

	/* 40 frames: the stack fits, libc fits; a program of 328 pages has a
	 * 41-page data segment: ENOMEM */
	o.frames = 40;
	sim = sim_new(&o);
	ck_assert_ptr_nonnull(sim);
	pid = task_spawn(sim, "sim");
	ck_assert_int_eq(file_create(sim, "/big", 328 * PG), 0);
	ck_assert_int_eq(do_execve(sim, find_task(sim, pid), "/big"), -ENOMEM);
	ck_assert_int_eq(file_create(sim, "/ok", 327 * PG), 0);	/* u = 40 */
	ck_assert_int_eq(do_execve(sim, find_task(sim, pid), "/ok"), 0);
	t_check_sim(sim, __FILE__, __LINE__);
	sim_free(sim);
}
END_TEST

START_TEST(test_exec_twice_and_in_two_processes_shares_files)
{
	struct strbuf m1 = STRBUF_INIT, m2 = STRBUF_INIT;
	int p2 = t_spawn(T.sim);

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	exec_prog(p2);
	/* the same inodes: maps identical but for nothing */
	render("/1/maps", &m1);
	render("/2/maps", &m2);
	ASSERT_STRBUF_EQ(&m1, &m2);
	ck_assert_uint_eq(inode_lookup(T.sim, LD)->i_mmap_count, 8);
	/* exec of an exec'd process: the old image goes, counts come back */
	exec_prog(1);
	render("/1/maps", &m2);
	ASSERT_STRBUF_EQ(&m1, &m2);
	ck_assert_uint_eq(inode_lookup(T.sim, LD)->i_mmap_count, 8);
	ck_assert_uint_eq(T.sim->nr_anon_vmas, 2);	/* one argument page each */
	ck_assert_uint_eq(T.sim->next_ino, 3);
	strbuf_release(&m1);
	strbuf_release(&m2);
}
END_TEST

START_TEST(test_exec_then_fork_copies_the_image)
{
	struct strbuf m1 = STRBUF_INIT, m2 = STRBUF_INIT;
	struct mm_struct *cmm;
	int child;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	child = fork_of(1);
	render("/1/maps", &m1);
	render("/2/maps", &m2);
	ASSERT_STRBUF_EQ(&m1, &m2);
	cmm = t_mm(T.sim, child);
	ck_assert_uint_eq(cmm->start_brk, START_BRK);
	ck_assert_uint_eq(cmm->mmap_base, 0x7ffff7fff000UL);
	ck_assert_uint_eq(cmm->start_code, 0x555555555000UL);
	/* the argument page is shared copy-on-write; the child's PTE is old
	 * (§8.3) */
	ASSERT_PTE(cmm, 0x7fffffffe000UL, 1,
		   (PTE_RO | PTE_MKDIRTY) & ~(pte_t)_PAGE_ACCESSED);
	ck_assert_int_eq(page_mapcount(pfn_to_page(T.sim, 1)), 2);
	/* new mappings of the child go top-down below its libc */
	ck_assert_int_eq(do_mmap(cmm, 0, PG, RW, MAP_ANON_PRIV, NULL, 0),
			 0x7ffff7de8000L);
	CHECK_SIM(T.sim);
	strbuf_release(&m1);
	strbuf_release(&m2);
}
END_TEST

START_TEST(test_exec_stack_grows_below_initial_size)
{
	struct mm_struct *mm;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	mm = t_mm(T.sim, 1);
	/* expand_downwards by one page (§4.12): the loader's bss page is
	 * 128 MiB below, far beyond the guard gap */
	ck_assert_uint_eq(read_in(1, STACK_START - 8), 0);
	ck_assert_uint_eq(t_vma(mm, 15)->vm_start, STACK_START - PG);
	ck_assert_uint_eq(t_vma(mm, 15)->vm_pgoff, PFN(STACK_START) - 1);
	ck_assert_uint_eq(mm->stack_vm, 34);
}
END_TEST

START_TEST(test_exec_gives_a_stack_name_spawn_does_not)
{
	struct strbuf out = STRBUF_INIT;

	/* a spawned process has start_stack 0: its growsdown VMA is not
	 * [stack] (show_map_vma's is_stack), nor is anything [heap] */
	ck_assert_int_eq(do_mmap(T.mm, 0, PG, RW, MAP_ANON_PRIV | MAP_GROWSDOWN,
				 NULL, 0), 0x7efffffff000L);
	CHECK_SIM(T.sim);
	render("/1/maps", &out);
	ck_assert_ptr_null(strstr(out.buf, "[stack]"));
	ck_assert_ptr_null(strstr(out.buf, "[heap]"));
	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	render("/1/maps", &out);
	ck_assert_ptr_nonnull(strstr(out.buf, "[stack]"));
	ck_assert_ptr_nonnull(strstr(out.buf, "[heap]"));
	strbuf_release(&out);
}
END_TEST

/* ------------------------------------------------------------- brk */

START_TEST(test_brk_spawned_process_cannot_grow)
{
	/* start_brk = brk = 0: growing from 0 is a MAP_FIXED range at 0,
	 * below mmap_min_addr: refused, the old break (0) comes back */
	ck_assert_uint_eq(brk_to(T.mm, 0x100000), 0);
	ck_assert_uint_eq(brk_to(T.mm, 0), 0);
	ASSERT_NO_VMAS(T.mm);
	ck_assert_uint_eq(T.mm->brk, 0);
}
END_TEST

START_TEST(test_brk_grows_and_shrinks_the_heap)
{
	struct strbuf out = STRBUF_INIT;
	struct mm_struct *mm;
	char line[128];

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	mm = t_mm(T.sim, 1);

	/*  0x55555555e000  START_BRK (0x55555555f000)
	 *  |--- bss ---|      brk(START_BRK + 10000): newbrk 0x555555562000
	 * do_brk_flags: vma_merge case 2 with the bss (flags equal but for
	 * VM_SOFTDIRTY, pgoff continuous): the bss VMA grows 3 pages */
	ck_assert_uint_eq(brk_to(mm, START_BRK + 10000), START_BRK + 10000);
	ck_assert_uint_eq(mm->brk, START_BRK + 10000);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_start, 0x55555555e000UL);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, 0x555555562000UL);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_pgoff, PFN(0x55555555e000UL));
	ck_assert_uint_eq(t_vma(mm, 4)->vm_flags, ANON_FLAGS(RW));
	ck_assert_int_eq(mm->map_count, 16);
	ASSERT_VM_STAT(mm, 581, 29, 383, 33);
	render("/1/maps", &out);
	snprintf(line, sizeof(line), "55555555e000-555555562000 rw-p 00000000 00:00 0"
		 PAD "[heap]\n");
	ck_assert_msg(strstr(out.buf, line), "%s", out.buf);
	/* the heap pages fault like any anonymous ones */
	ck_assert_int_eq(access_write(mm, START_BRK + 8192, 5), 0);
	CHECK_SIM(T.sim);

	/* shrink: PAGE_ALIGN(START_BRK + 100) = +1 page; munmap the rest */
	ck_assert_uint_eq(brk_to(mm, START_BRK + 100), START_BRK + 100);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, 0x555555560000UL);
	ASSERT_RSS(mm, 1, 0, 0);	/* the heap page went with it */
	ASSERT_VM_STAT(mm, 579, 27, 383, 33);
	ck_assert_uint_eq(mm->hiwater_vm, 581);
	/* the same page: only mm->brk moves */
	ck_assert_uint_eq(brk_to(mm, START_BRK + 4000), START_BRK + 4000);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, 0x555555560000UL);
	/* below start_brk: refused (CONFIG_COMPAT_BRK off) */
	ck_assert_uint_eq(brk_to(mm, START_BRK - 1), START_BRK + 4000);
	ck_assert_uint_eq(brk_to(mm, 0), START_BRK + 4000);
	/* down to start_brk: the bss alone again */
	ck_assert_uint_eq(brk_to(mm, START_BRK), START_BRK);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, START_BRK);
	ASSERT_VM_STAT(mm, 578, 26, 383, 33);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_brk_keeps_one_page_below_the_next_vma)
{
	struct mm_struct *mm;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	mm = t_mm(T.sim, 1);
	/*  bss|START_BRK   +1   +2
	 *     |  heap?  | gap | A rw- |
	 * newbrk + 4096 <= vm_start_gap(A) = START_BRK + 2 pages */
	ck_assert_int_eq(do_mmap(mm, START_BRK + 2 * PG, PG, RW,
				 MAP_ANON_PRIV | MAP_FIXED, NULL, 0),
			 (long)(START_BRK + 2 * PG));
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(brk_to(mm, START_BRK + PG), START_BRK + PG);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, START_BRK + PG);
	ck_assert_uint_eq(brk_to(mm, START_BRK + PG + 1), START_BRK + PG);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, START_BRK + PG);
	/* A is not [heap]: it starts above brk */
	ck_assert_int_eq(t_nr_vmas(mm), 17);
}
END_TEST

START_TEST(test_brk_keeps_the_guard_gap_below_a_stack)
{
	struct mm_struct *mm;
	const unsigned long S = START_BRK + 4 * MiB_;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	mm = t_mm(T.sim, 1);
	/* a VM_GROWSDOWN VMA at S: vm_start_gap is S - 1 MiB */
	ck_assert_int_eq(do_mmap(mm, S, PG, RW, MAP_ANON_PRIV | MAP_FIXED |
				 MAP_GROWSDOWN, NULL, 0), (long)S);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(brk_to(mm, S - MiB_ - PG), S - MiB_ - PG);
	ck_assert_uint_eq(brk_to(mm, S - MiB_ - PG + 1), S - MiB_ - PG);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, S - MiB_ - PG);
}
END_TEST

START_TEST(test_brk_merges_with_an_adjacent_anon_vma)
{
	struct mm_struct *mm;
	struct anon_vma *av;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	mm = t_mm(T.sim, 1);
	/* replace the bss by an mmap'd anonymous VMA (same flags, pgoff
	 * addr >> 12), fault a page in it (one AVC): brk's vma_merge takes it
	 * as prev, case 2; it is [heap] (it touches start_brk) */
	ck_assert_int_eq(do_mmap(mm, START_BRK - PG, PG, RW, MAP_ANON_PRIV | MAP_FIXED,
				 NULL, 0), (long)(START_BRK - PG));
	ck_assert_int_eq(access_write(mm, START_BRK - PG, 1), 0);
	CHECK_SIM(T.sim);
	av = t_vma(mm, 4)->anon_vma;
	ck_assert_ptr_nonnull(av);
	ck_assert_uint_eq(brk_to(mm, START_BRK + 2 * PG), START_BRK + 2 * PG);
	ck_assert_int_eq(mm->map_count, 16);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_start, START_BRK - PG);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_end, START_BRK + 2 * PG);
	ck_assert_ptr_eq(t_vma(mm, 4)->anon_vma, av);
	ck_assert_uint_eq(t_vma(mm, 4)->vm_flags, ANON_FLAGS(RW));

	/* a read-only neighbour does not merge: the heap is a VMA of its own */
	ck_assert_int_eq(do_mprotect(mm, START_BRK - PG, 3 * PG, RO), 0);
	CHECK_SIM(T.sim);
	ck_assert_uint_eq(brk_to(mm, START_BRK + 3 * PG), START_BRK + 3 * PG);
	ck_assert_int_eq(mm->map_count, 17);
	ck_assert_uint_eq(t_vma(mm, 5)->vm_start, START_BRK + 2 * PG);
	ck_assert_uint_eq(t_vma(mm, 5)->vm_flags, ANON_FLAGS(RW));
}
END_TEST

START_TEST(test_brk_in_fork_child_does_not_merge_with_faulted_heap)
{
	struct strbuf out = STRBUF_INIT;
	struct mm_struct *pmm, *cmm;
	int child;

	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	pmm = t_mm(T.sim, 1);
	ck_assert_int_eq(access_write(pmm, START_BRK - PG, 1), 0);	/* the bss */
	child = fork_of(1);
	cmm = t_mm(T.sim, child);
	/* the child's bss VMA has two AVCs (fork-derived): a new range
	 * without anon_vma may not merge into it (list_is_singular, §4.7) */
	ck_assert_uint_eq(t_nr_avcs(t_vma(cmm, 4)), 2);
	ck_assert_uint_eq(brk_to(cmm, START_BRK + PG), START_BRK + PG);
	ck_assert_int_eq(cmm->map_count, 17);
	ck_assert_uint_eq(t_vma(cmm, 5)->vm_start, START_BRK);
	ck_assert_uint_eq(t_vma(cmm, 5)->vm_pgoff, PFN(START_BRK));
	render("/2/maps", &out);
	ck_assert_ptr_nonnull(strstr(out.buf,
		"55555555e000-55555555f000 rw-p 00000000 00:00 0" PAD "[heap]\n"
		"55555555f000-555555560000 rw-p 00000000 00:00 0" PAD "[heap]\n"));
	/* the parent's bss has one: its heap grows in place */
	ck_assert_uint_eq(brk_to(pmm, START_BRK + PG), START_BRK + PG);
	ck_assert_int_eq(pmm->map_count, 16);
	strbuf_release(&out);
}
END_TEST

/* ------------------------------------------------------------- OOM */


/* The state below the files (t_pages_dump), plus what exec decides: the
 * maps of pids 1 and 2, the namespace's inode numbers, /1/status. */
static void state_dump(struct strbuf *out)
{
	struct strbuf maps = STRBUF_INIT;

	t_pages_dump(T.sim, out);
	if (find_task(T.sim, 1))
		ck_assert_int_eq(vfs_render(T.sim, "/1/maps", &maps), 0);
	if (find_task(T.sim, 2))
		ck_assert_int_eq(vfs_render(T.sim, "/2/maps", &maps), 0);
	strbuf_add(out, maps.buf ? maps.buf : "", maps.len);
	strbuf_release(&maps);
	strbuf_printf(out, "ino %lu ld %d libc %d\n", T.sim->next_ino,
		      inode_lookup(T.sim, LD) != NULL,
		      inode_lookup(T.sim, LIBC) != NULL);
	ck_assert_int_eq(vfs_render(T.sim, "/1/status", out), 0);
	ck_assert(!out->failed);
}

/* Fail allocation N = 0, 1, ... until @op succeeds; after each failure:
 * -ENOMEM and the state byte-identical. */
static int oom_loop(int (*op)(void *), void *arg)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	long n;
	int rc = -ENOMEM;

	for (n = 0; n < 1000; n++) {
		sim_drain_pools(T.sim);
		rm_fail_nth(-1);
		state_dump(&b);
		rm_fail_nth(n);
		rc = op(arg);
		rm_fail_nth(-1);
		CHECK_SIM(T.sim);
		if (rc != -ENOMEM)
			break;
		state_dump(&a);
		ASSERT_STRBUF_EQ(&b, &a);
	}
	ck_assert_int_lt(n, 1000);
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

static int op_exec(void *arg)
{
	return do_exec(*(int *)arg, PROG);
}

struct brk_arg {
	int pid;
	unsigned long brk, result;
};

static int op_brk(void *p)
{
	struct brk_arg *a = p;

	return sys_brk(t_mm(T.sim, a->pid), a->brk, &a->result);
}

START_TEST(test_exec_oom_changes_nothing)
{
	int pid = 1;

	/* an old mm with pages and a child sharing them */
	MAP_FIXED_ANON(T.mm, BASE, 2, RW, 0);
	ck_assert_int_eq(access_write(T.mm, BASE, 1), 0);
	fork_of(1);
	t_file(T.sim, PROG, PROG_SIZE);
	ck_assert_int_eq(oom_loop(op_exec, &pid), 0);
	ck_assert_str_eq(find_task(T.sim, 1)->comm, "true");
	ck_assert_uint_eq(inode_lookup(T.sim, LIBC)->i_ino, 3);
}
END_TEST

START_TEST(test_brk_oom_changes_nothing)
{
	struct brk_arg a = { 2, START_BRK + 2 * PG, 0 };

	/* the fork child's heap: a new VMA (no merge), then a shrink that
	 * splits it (a chain of two AVCs to clone) */
	t_file(T.sim, PROG, PROG_SIZE);
	exec_prog(1);
	ck_assert_int_eq(access_write(t_mm(T.sim, 1), START_BRK - PG, 1), 0);
	fork_of(1);
	ck_assert_int_eq(oom_loop(op_brk, &a), 0);
	ck_assert_uint_eq(a.result, START_BRK + 2 * PG);
	ck_assert_int_eq(access_write(t_mm(T.sim, 2), START_BRK + PG, 2), 0);
	a.brk = START_BRK + PG;
	ck_assert_int_eq(oom_loop(op_brk, &a), 0);
	ck_assert_uint_eq(a.result, START_BRK + PG);
	ck_assert_uint_eq(t_vma(t_mm(T.sim, 2), 5)->vm_end, START_BRK + PG);
}
END_TEST

static Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc;

	tc = t_tcase("exec");
	tcase_add_test(tc, test_exec_expected_maps_are_padded_to_column_73);
	tcase_add_test(tc, test_exec_maps_layout_exact);
	tcase_add_test(tc, test_exec_status_memory_lines);
	tcase_add_test(tc, test_exec_mm_fields_and_vmas);
	tcase_add_test(tc, test_exec_replaces_old_mm_keeps_pid);
	tcase_add_test(tc, test_exec_comm_is_basename_truncated);
	tcase_add_test(tc, test_exec_errors_change_nothing);
	tcase_add_test(tc, test_exec_loader_path_through_a_file_is_enotdir);
	tcase_add_test(tc, test_exec_libc_path_a_directory_undoes_the_loader);
	tcase_add_test(tc, test_exec_small_machine_errors);
	tcase_add_test(tc, test_exec_twice_and_in_two_processes_shares_files);
	tcase_add_test(tc, test_exec_then_fork_copies_the_image);
	tcase_add_test(tc, test_exec_stack_grows_below_initial_size);
	tcase_add_test(tc, test_exec_gives_a_stack_name_spawn_does_not);
	suite_add_tcase(s, tc);

	tc = t_tcase("brk");
	tcase_add_test(tc, test_brk_spawned_process_cannot_grow);
	tcase_add_test(tc, test_brk_grows_and_shrinks_the_heap);
	tcase_add_test(tc, test_brk_keeps_one_page_below_the_next_vma);
	tcase_add_test(tc, test_brk_keeps_the_guard_gap_below_a_stack);
	tcase_add_test(tc, test_brk_merges_with_an_adjacent_anon_vma);
	tcase_add_test(tc, test_brk_in_fork_child_does_not_merge_with_faulted_heap);
	suite_add_tcase(s, tc);

	tc = t_tcase("oom");
	tcase_add_test(tc, test_exec_oom_changes_nothing);
	tcase_add_test(tc, test_brk_oom_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(exec_suite());
}
