/* tests/fuzz/fuzz_seq.c - libFuzzer target: the input bytes are choices,
 * turned into valid command sequences over a few processes, so that the
 * fuzzer spends its time in the memory-management paths rather than in the
 * parser. Each line goes through the same harness as fuzz_cmd (tests/fuzz/
 * fuzz.h): invariants after every line, atomicity of failed lines, the
 * journal replayed at the end.
 *
 * Addresses are biased towards the edges and insides of the VMAs the
 * machine has, the results of earlier mmaps, a small arena and the top of
 * the mmap area, so that mappings touch and overlap and vma_merge and
 * __split_vma run in all their cases. Lines sometimes go to /PID/ctl
 * ("@PID") or run with an allocation failing ("!N").
 *
 * It generates every command that changes memory: spawn fork exit mmap
 * munmap mprotect madvise mremap brk exec mlock munlock read write touch,
 * the file commands, the rmap walkers of one frame (unmap referenced
 * mkclean idle migrate), reclaim, ksm scan, the balloon and sysctl. A
 * new command is one
 * generator function and one line in gens[].
 *
 * FUZZ_PRINT=1 ./fuzz_seq INPUT prints the generated script on stderr;
 * that text, fed to fuzz_cmd, is what goes under tests/fuzz/regressions/.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "mm_types.h"
#include "sim.h"
#include "strbuf.h"
#include "task.h"

#define ARENA		0x10000000UL	/* where fixed mappings crowd */
#define MMAP_BASE	0x7f0000000000UL /* docs/commands.md: top-down start */
#define MAX_PROCS	6		/* "a few processes" */
#define MAX_HOT		16
#define MAX_FILES	6

/* The input, consumed one choice at a time; all zeros once used up. */
struct choices {
	const uint8_t *p;
	size_t n;
};

struct seq {
	struct fuzz_run *run;
	struct sim *sim;
	struct choices in;
	unsigned long hot[MAX_HOT];	/* recent mmap results */
	unsigned int nr_hot, hot_next;
	char files[MAX_FILES][16];	/* files made so far (newest kept) */
	unsigned int nr_files, files_next;
	char new_file[16];		/* this line's `file` NAME */
	bool pidctl;			/* this line goes to /PID/ctl */
};

/* A choice in [0, @n). */
static unsigned long pick(struct seq *s, unsigned long n)
{
	unsigned long v = 0;
	int bytes = n > 0x10000 ? 4 : n > 0x100 ? 2 : 1;

	if (n <= 1)
		return 0;
	while (bytes-- && s->in.n) {
		v = v << 8 | *s->in.p++;
		s->in.n--;
	}
	return v % n;
}

/* True with probability 1/@n. Zero bytes (runs of them are common in
 * mutated inputs, and pick() gives 0 once the input is used up) mean
 * "no", so that they do not all choose the rare case. */
static bool one_in(struct seq *s, unsigned long n)
{
	return pick(s, n) == n - 1;
}

/* ---- what the machine has ---- */

static size_t live_pids(struct seq *s, int *pids)
{
	return task_pids(s->sim, pids, MAX_PROCS * 4);
}

/* A live pid, now and then one that is not. 0: there is none. */
static int pick_pid(struct seq *s)
{
	int pids[MAX_PROCS * 4];
	size_t n = live_pids(s, pids);

	if (!n)
		return 0;
	if (one_in(s, 32))
		return s->sim->next_pid;	/* ESRCH */
	return pids[pick(s, n)];
}

static struct mm_struct *pid_mm(struct seq *s, int pid)
{
	struct task_struct *task = find_task(s->sim, pid);

	return task ? task->mm : NULL;
}

/* The @i-th VMA of @mm (modulo their number), or NULL. */
static struct vm_area_struct *nth_vma(struct mm_struct *mm, unsigned long i)
{
	struct vm_area_struct *vma;

	if (!mm || !mm->map_count)
		return NULL;
	i %= (unsigned long)mm->map_count;
	for (vma = mm->mmap; vma && i; vma = vma->vm_next)
		i--;
	return vma;
}

/* ---- arguments ---- */

/*
 * pick_addr - a page-aligned address that collides with what is there:
 * a VMA's start, end or inside, an earlier mmap result, the arena, the
 * top-down area, each moved by a few pages; or an edge case.
 */
static unsigned long pick_addr(struct seq *s, struct mm_struct *mm)
{
	static const unsigned long odd[] = {
		0, 0x1000, 0xf000, 0x10000, TASK_SIZE - 0x1000, TASK_SIZE,
		0x7fffffffe000UL, ~0UL & PAGE_MASK, MMAP_BASE,
		0x2aaaaaaab000UL, 0x400000000000UL,	/* bottom-up, middle */
	};
	struct vm_area_struct *vma = nth_vma(mm, pick(s, 64));
	unsigned long a;
	long delta = (long)pick(s, 5) - 2;

	switch (pick(s, 9)) {
	case 0:
		a = vma ? vma->vm_start : ARENA;
		break;
	case 1:
		a = vma ? vma->vm_end : ARENA;
		break;
	case 2:
		a = vma ? vma->vm_start +
			  (pick(s, (vma->vm_end - vma->vm_start) >> 12) << 12) :
			  ARENA;
		delta = 0;
		break;
	case 3:
		a = s->nr_hot ? s->hot[pick(s, s->nr_hot)] : ARENA;
		break;
	case 4:
	case 5:
		a = ARENA + (pick(s, 64) << 12);
		delta = 0;
		break;
	case 6:
		a = MMAP_BASE - (pick(s, 64) << 12);
		delta = 0;
		break;
	case 7:
		a = odd[pick(s, sizeof(odd) / sizeof(odd[0]))];
		delta = 0;
		break;
	default:
		a = vma && vma->vm_start >= (2UL << 20) ?
		    vma->vm_start - (pick(s, 300) << 12) : ARENA;	/* stacks */
		delta = 0;
		break;
	}
	return a + (unsigned long)(delta * (long)PAGE_SIZE);
}

/* A length in bytes: mostly a few pages, now and then odd, or with
 * @huge (commands that do not visit every page) terabytes, which push
 * mmap's search bottom-up. */
static unsigned long pick_len(struct seq *s, unsigned long max_pages,
			      bool huge)
{
	switch (pick(s, 16)) {
	case 0:
		return 0;
	case 15:
		if (huge)
			return 1UL << (36 + pick(s, 11));
		return (1 + pick(s, max_pages)) << 12;
	case 1:
		return 1 + pick(s, 4 * PAGE_SIZE);		/* unaligned */
	case 2:
		return (1 + pick(s, max_pages)) << 12;
	default:
		return (1 + pick(s, 8)) << 12;
	}
}

/*
 * pick_range - a range for munmap, mprotect and madvise: half the time a
 * piece of one VMA (its head, tail or middle, which splits it) or a run
 * from inside one VMA to inside the next (which may merge), else any.
 */
static void pick_range(struct seq *s, struct mm_struct *mm,
		       unsigned long *addr, unsigned long *len)
{
	struct vm_area_struct *vma = nth_vma(mm, pick(s, 64));
	unsigned long pages, first, end;

	if (!vma || one_in(s, 2)) {
		*addr = pick_addr(s, mm);
		*len = pick_len(s, 64, true);
		return;
	}
	pages = (vma->vm_end - vma->vm_start) >> 12;
	first = pick(s, 3) == 0 ? 0 : pick(s, pages);
	end = vma->vm_end;
	if (vma->vm_next && one_in(s, 3))
		end = vma->vm_next->vm_start +
		      (pick(s, (vma->vm_next->vm_end -
				vma->vm_next->vm_start) >> 12) << 12);
	else if (!one_in(s, 3))
		end = vma->vm_start + ((first + 1 + pick(s, pages - first)) << 12);
	*addr = vma->vm_start + (first << 12);
	*len = end - *addr;
}

static const char *pick_prot(struct seq *s)
{
	static const char *const prots[] = {
		"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx",
	};

	return prots[pick(s, 8)];
}

/* "CMD PID" for /ctl, "@PID CMD" for /PID/ctl. */
static void put_cmd(struct seq *s, struct strbuf *line, const char *cmd,
		    int pid)
{
	if (s->pidctl)
		strbuf_printf(line, "@%d %s", pid, cmd);
	else
		strbuf_printf(line, "%s %d", cmd, pid);
}

/* ---- one generator per command ---- */

static void gen_spawn(struct seq *s, struct strbuf *line)
{
	static const char *const comms[] = { "", " init", " a-very-long-process-name" };

	strbuf_printf(line, "spawn%s", comms[pick(s, 3)]);
}

static void gen_fork(struct seq *s, struct strbuf *line)
{
	put_cmd(s, line, "fork", pick_pid(s));
}

static void gen_exit(struct seq *s, struct strbuf *line)
{
	put_cmd(s, line, "exit", pick_pid(s));
}

static void gen_mmap(struct seq *s, struct strbuf *line)
{
	static const char *const extra[] = {
		",fixed", ",noreplace", ",growsdown", ",noreserve", ",populate",
	};
	static const unsigned long odds[] = { 3, 8, 8, 8, 4 };
	int pid = pick_pid(s);
	struct mm_struct *mm = pid_mm(s, pid);
	unsigned long addr = one_in(s, 4) ? 0 : pick_addr(s, mm);
	unsigned long len = pick_len(s, 256, true);
	const char *prot = pick_prot(s);
	bool file = s->nr_files && one_in(s, 3);
	size_t i;

	put_cmd(s, line, "mmap", pid);
	strbuf_printf(line, " 0x%lx %lu %s %s", addr, len, prot,
		      one_in(s, 2) ? "shared" : "private");
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (one_in(s, odds[i]))
			strbuf_puts(line, extra[i]);
	if (file) {
		strbuf_printf(line, " %s", s->files[pick(s, s->nr_files)]);
		if (one_in(s, 16))	/* far into a big file */
			strbuf_printf(line, " %lu", 1UL << (30 + pick(s, 20)));
		else if (!one_in(s, 3))
			strbuf_printf(line, " %lu", one_in(s, 16) ?
				      pick(s, 8192) : pick(s, 16) << 12);
	}
}

static void gen_munmap(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);
	unsigned long addr, len;

	pick_range(s, pid_mm(s, pid), &addr, &len);
	put_cmd(s, line, "munmap", pid);
	strbuf_printf(line, " 0x%lx %lu", addr, len);
}

static void gen_mprotect(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);
	unsigned long addr, len;

	pick_range(s, pid_mm(s, pid), &addr, &len);
	put_cmd(s, line, "mprotect", pid);
	strbuf_printf(line, " 0x%lx %lu %s", addr, len, pick_prot(s));
}

static void gen_madvise(struct seq *s, struct strbuf *line)
{
	static const char *const advice[] = {
		"dontfork", "dofork", "wipeonfork", "keeponfork", "mergeable",
		"unmergeable", "dontneed", "cold", "willneed",
	};
	int pid = pick_pid(s);
	unsigned long addr, len;

	pick_range(s, pid_mm(s, pid), &addr, &len);
	put_cmd(s, line, "madvise", pid);
	strbuf_printf(line, " 0x%lx %lu %s", addr, len,
		      advice[pick(s, sizeof(advice) / sizeof(advice[0]))]);
}

/* An address to access: inside a VMA mostly, below one (stack growth). */
static unsigned long pick_access(struct seq *s, struct mm_struct *mm)
{
	struct vm_area_struct *vma = nth_vma(mm, pick(s, 64));

	if (!vma || one_in(s, 8))
		return pick_addr(s, mm) + (one_in(s, 4) ? pick(s, PAGE_SIZE) : 0);
	return vma->vm_start +
	       (pick(s, (vma->vm_end - vma->vm_start) >> 12) << 12) +
	       pick(s, 8) * 8;
}

static void gen_read(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);

	put_cmd(s, line, "read", pid);
	strbuf_printf(line, " 0x%lx", pick_access(s, pid_mm(s, pid)));
}

static void gen_write(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);

	put_cmd(s, line, "write", pid);
	strbuf_printf(line, " 0x%lx %lu", pick_access(s, pid_mm(s, pid)),
		      1 + pick(s, 1000));
}

static void gen_touch(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);
	struct mm_struct *mm = pid_mm(s, pid);
	struct vm_area_struct *vma = nth_vma(mm, pick(s, 64));
	unsigned long addr, len;

	if (vma && !one_in(s, 4)) {	/* the whole VMA, or a piece */
		addr = vma->vm_start;
		len = vma->vm_end - vma->vm_start;
		if (len > 64 * PAGE_SIZE || one_in(s, 2))
			len = pick_len(s, 64, false);
	} else {
		addr = pick_access(s, mm);
		len = pick_len(s, 64, false);
	}
	put_cmd(s, line, "touch", pid);
	strbuf_printf(line, " 0x%lx %lu %s", addr, len,
		      one_in(s, 2) ? "read" : "write");
}

static void gen_file(struct seq *s, struct strbuf *line)
{
	static const char *const dirs[] = { "/", "/lib/", "/lib/x/" };
	unsigned long size = one_in(s, 8) ? pick(s, 65536) :
			     one_in(s, 8) ? 1UL << (30 + pick(s, 22)) :
			     pick(s, 33) << 12;

	snprintf(s->new_file, sizeof(s->new_file), "%sf%lu", dirs[pick(s, 3)],
		 pick(s, 4));
	strbuf_printf(line, "file %s %lu", s->new_file, size);
}

/* One of the files made so far (perhaps unlinked since), rarely none. */
static const char *pick_file(struct seq *s)
{
	if (one_in(s, 32))
		return "/nofile";
	return s->files[pick(s, s->nr_files)];
}

/* A byte offset into a file: its first pages mostly, now and then far. */
static unsigned long pick_offset(struct seq *s)
{
	if (one_in(s, 16))
		return 1UL << (30 + pick(s, 22));
	return (pick(s, 40) << 12) + pick(s, 512) * 8;
}

static void gen_fwrite(struct seq *s, struct strbuf *line)
{
	const char *name;

	if (!s->nr_files) {
		gen_file(s, line);	/* something to work on */
		return;
	}
	name = pick_file(s);

	strbuf_printf(line, "fwrite %s %lu %lu", name, pick_offset(s),
		      1 + pick(s, 1000));
}

static void gen_fread(struct seq *s, struct strbuf *line)
{
	const char *name;

	if (!s->nr_files) {
		gen_file(s, line);	/* something to work on */
		return;
	}
	name = pick_file(s);

	strbuf_printf(line, "fread %s %lu", name, pick_offset(s));
}

static void gen_truncate(struct seq *s, struct strbuf *line)
{
	const char *name;

	if (!s->nr_files) {
		gen_file(s, line);	/* something to work on */
		return;
	}
	name = pick_file(s);

	strbuf_printf(line, "truncate %s %lu", name, pick_offset(s));
}

static void gen_unlink(struct seq *s, struct strbuf *line)
{
	if (!s->nr_files) {
		gen_file(s, line);
		return;
	}
	strbuf_printf(line, "unlink %s", pick_file(s));
}

static void gen_mremap(struct seq *s, struct strbuf *line)
{
	static const char *const flags[] = {
		"none", "maymove", "maymove,fixed", "maymove,dontunmap",
		"maymove,fixed,dontunmap", "fixed",
	};
	int pid = pick_pid(s);
	struct mm_struct *mm = pid_mm(s, pid);
	unsigned long addr, len, new_len;
	unsigned int f = (unsigned int)pick(s, 7);

	pick_range(s, mm, &addr, &len);
	new_len = one_in(s, 3) ? len : pick_len(s, 64, true);
	put_cmd(s, line, "mremap", pid);
	strbuf_printf(line, " 0x%lx %lu %lu", addr, len, new_len);
	if (f < 6) {
		strbuf_printf(line, " %s", flags[f]);
		if (strstr(flags[f], "fixed"))
			strbuf_printf(line, " 0x%lx", pick_addr(s, mm));
	}
}

static void gen_brk(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);
	struct mm_struct *mm = pid_mm(s, pid);
	unsigned long brk = mm && mm->brk ? mm->brk : pick_addr(s, mm);
	long delta = (long)pick(s, 64) - 24;	/* grow mostly */

	put_cmd(s, line, "brk", pid);
	strbuf_printf(line, " 0x%lx", brk + (unsigned long)(delta * 4096L) +
		      (one_in(s, 4) ? pick(s, PAGE_SIZE) : 0));
}

static void gen_exec(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);

	if (!s->nr_files) {
		gen_file(s, line);
		return;
	}
	put_cmd(s, line, "exec", pid);
	strbuf_printf(line, " %s", pick_file(s));
}

static void gen_mlock(struct seq *s, struct strbuf *line)
{
	int pid = pick_pid(s);
	unsigned long addr, len;

	pick_range(s, pid_mm(s, pid), &addr, &len);
	put_cmd(s, line, one_in(s, 3) ? "munlock" : "mlock", pid);
	strbuf_printf(line, " 0x%lx %lu", addr, len);
}

/* A frame: in use mostly (they are handed out from the bottom). */
static unsigned long pick_pfn(struct seq *s)
{
	if (one_in(s, 8))
		return pick(s, s->sim->opt.frames + 2);
	return pick(s, 48);
}

/* The rmap walkers of one page: try_to_unmap, page_referenced, ... */
static void gen_rmap_walk(struct seq *s, struct strbuf *line)
{
	static const char *const walk[] = {
		"unmap", "referenced", "mkclean", "idle", "migrate",
		"migrate", "migrate",
	};
	static const char *const how[] = { "", " hold", " finish" };
	unsigned int w = (unsigned int)pick(s, 7);

	strbuf_printf(line, "%s %lu", walk[w], pick_pfn(s));
	if (w >= 4)
		strbuf_puts(line, how[w - 4]);
}

static void gen_reclaim(struct seq *s, struct strbuf *line)
{
	strbuf_printf(line, "reclaim %lu", one_in(s, 8) ? pick(s, 1000) :
			      1 + pick(s, 16));
}

static void gen_ksm(struct seq *s, struct strbuf *line)
{
	(void)s;
	strbuf_puts(line, "ksm scan");
}

/* Balloon pages are the non-LRU movable kind: inflate, deflate, and the
 * rmap walkers and migrate above meet them by pfn. */
static void gen_balloon(struct seq *s, struct strbuf *line)
{
	strbuf_printf(line, "balloon %s %lu", one_in(s, 2) ? "inflate" : "deflate",
		      one_in(s, 8) ? pick(s, 1000) : 1 + pick(s, 4));
}

static void gen_sysctl(struct seq *s, struct strbuf *line)
{
	if (one_in(s, 8))
		strbuf_printf(line, "sysctl kernel.pid_max %lu",
			      one_in(s, 2) ? 32768 : 301 + pick(s, 8));
	else if (one_in(s, 3))
		strbuf_printf(line, "sysctl vm.anon_vma_reuse %lu", pick(s, 2));
	else
		strbuf_printf(line, "sysctl vm.max_map_count %lu",
			      one_in(s, 2) ? 65530 : pick(s, 12));
}

static const struct gen {
	const char *name;
	unsigned int weight;		/* relative frequency */
	bool per_process;		/* may go to /PID/ctl */
	void (*emit)(struct seq *s, struct strbuf *line);
} gens[] = {
	{ "mmap",	10,	true,	gen_mmap },	/* first: what 0 picks */
	{ "spawn",	2,	false,	gen_spawn },
	{ "fork",	3,	true,	gen_fork },
	{ "exit",	1,	true,	gen_exit },
	{ "munmap",	4,	true,	gen_munmap },
	{ "mprotect",	5,	true,	gen_mprotect },
	{ "madvise",	3,	true,	gen_madvise },
	{ "read",	3,	true,	gen_read },
	{ "write",	4,	true,	gen_write },
	{ "touch",	4,	true,	gen_touch },
	{ "file",	2,	false,	gen_file },
	{ "fwrite",	2,	false,	gen_fwrite },
	{ "fread",	1,	false,	gen_fread },
	{ "truncate",	2,	false,	gen_truncate },
	{ "unlink",	1,	false,	gen_unlink },
	{ "mremap",	4,	true,	gen_mremap },
	{ "brk",	2,	true,	gen_brk },
	{ "exec",	1,	true,	gen_exec },
	{ "mlock",	2,	true,	gen_mlock },	/* and munlock */
	{ "rmap_walk",	4,	false,	gen_rmap_walk }, /* unmap, migrate, ... */
	{ "reclaim",	1,	false,	gen_reclaim },
	{ "ksm",	1,	false,	gen_ksm },
	{ "balloon",	1,	false,	gen_balloon },
	{ "sysctl",	1,	false,	gen_sysctl },
};

#define NR_GENS (sizeof(gens) / sizeof(gens[0]))

static const struct gen *pick_gen(struct seq *s)
{
	unsigned int total = 0, w;
	size_t i;

	for (i = 0; i < NR_GENS; i++)
		total += gens[i].weight;
	w = (unsigned int)pick(s, total);
	for (i = 0; w >= gens[i].weight; i++)
		w -= gens[i].weight;
	return &gens[i];
}

/* Lookup by name, for the rules of generate() below. */
static const struct gen *gen_named(const char *name)
{
	size_t i;

	for (i = 0; i < NR_GENS && strcmp(gens[i].name, name); i++)
		;
	return &gens[i];
}

/* The next line: a process exists before anything needs one; no more
 * than MAX_PROCS. */
static void generate(struct seq *s, struct strbuf *line)
{
	const struct gen *g = pick_gen(s);
	size_t nr = task_count(s->sim);

	if (g->per_process && !nr)
		g = gen_named("spawn");
	else if (nr >= MAX_PROCS && (!strcmp(g->name, "spawn") ||
				     !strcmp(g->name, "fork")))
		g = gen_named("exit");
	else if (nr == 1 && !strcmp(g->name, "exit") && !one_in(s, 4))
		g = gen_named("fork");	/* keep someone to work on */
	if (one_in(s, 12))
		strbuf_printf(line, "!%lu ", pick(s, 48));
	s->pidctl = g->per_process && one_in(s, 8);
	g->emit(s, line);
}

/* After a line succeeded: remember a new file, and an mmap's result for
 * later addresses. */
static void note_result(struct seq *s, const struct strbuf *result)
{
	unsigned long addr;

	if (s->new_file[0]) {
		strcpy(s->files[s->files_next++ % MAX_FILES], s->new_file);
		if (s->nr_files < MAX_FILES)
			s->nr_files++;
	}

	if (result->len > 2 && !memcmp(result->buf, "0x", 2) &&
	    sscanf(result->buf, "%lx", &addr) == 1) {
		s->hot[s->hot_next++ % MAX_HOT] = addr;
		if (s->nr_hot < MAX_HOT)
			s->nr_hot++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seq s = { .in = { data, size } };
	struct strbuf line = STRBUF_INIT, result = STRBUF_INIT;
	unsigned long frames;
	int i;

	frames = 64UL << pick(&s, 3);		/* 64, 128 or 256 */
	s.run = fuzz_begin(frames);
	if (!s.run)
		return 0;
	s.sim = fuzz_sim(s.run);
	for (i = 0; i < FUZZ_MAX_LINES && s.in.n; i++) {
		strbuf_reset(&line);
		strbuf_reset(&result);
		s.new_file[0] = '\0';
		generate(&s, &line);
		if (line.failed)
			break;
		if (!fuzz_line(s.run, line.buf, line.len, &result))
			note_result(&s, &result);
	}
	strbuf_release(&line);
	strbuf_release(&result);
	fuzz_end(s.run);
	return 0;
}
