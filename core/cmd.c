/* core/cmd.c - the command language of docs/commands.md: one parser and
 * dispatcher for /ctl, /PID/ctl, the sysctl files and rmapsim. Each line
 * is atomic; failures get a /dmesg line naming the command and errno;
 * successes are appended to /journal in /ctl form.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksm.h"
#include "mm_internal.h"
#include "filemap.h"
#include "exec.h"
#include "memory.h"
#include "mremap.h"
#include "page.h"
#include "vmscan.h"
#include "task.h"

#define MAX_WORDS 16

struct cmdline {
	char *word[MAX_WORDS];
	int nr;
	char buf[SIM_LINE_MAX + 1];	/* the line, split in place */
	char pid[16];			/* the pid a /PID/ctl line implies */
	char path[SIM_LINE_MAX + 2];	/* `file`'s name made absolute */
};

struct cmd_ctx {
	struct sim *sim;
	struct cmdline *cl;	/* words; word[0] is the command */
	struct strbuf *result;
	const char *cause;	/* set with the errno on failure */
	bool journal;		/* record on success */
};

typedef int (*cmd_fn)(struct cmd_ctx *ctx);

static int fail(struct cmd_ctx *ctx, int err, const char *cause)
{
	ctx->cause = cause;
	return err;
}

/* ---- words ---- */

/* parse_num - decimal or 0x hex; with @suffix a K/M/G multiplier.
 * Return: 0, or -EINVAL for anything malformed or out of 64 bits. */
static int parse_num(const char *s, bool suffix, unsigned long *out)
{
	unsigned long v = 0, base = 10, d, mult = 1;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		/* isdigit/isxdigit of the C locale, without the calls */
		if (*p >= '0' && *p <= '9')
			d = (unsigned long)(*p - '0');
		else if (base == 16 && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (unsigned long)((*p | 0x20) - 'a' + 10);
		else
			break;
		if (v > (ULONG_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (*p && suffix && !p[1]) {
		switch (*p) {
		case 'K': mult = 1UL << 10; break;
		case 'M': mult = 1UL << 20; break;
		case 'G': mult = 1UL << 30; break;
		default: return -EINVAL;
		}
		p++;
	}
	if (*p)
		return -EINVAL;
	if (v > ULONG_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* parse_prot - "rwx"-style, three positions. */
static int parse_prot(const char *s, unsigned long *prot)
{
	if (strlen(s) != 3 || (s[0] != 'r' && s[0] != '-') ||
	    (s[1] != 'w' && s[1] != '-') || (s[2] != 'x' && s[2] != '-'))
		return -EINVAL;
	*prot = (s[0] == 'r' ? PROT_READ : 0) | (s[1] == 'w' ? PROT_WRITE : 0) |
		(s[2] == 'x' ? PROT_EXEC : 0);
	return 0;
}

static int parse_mmap_flags(const char *s, unsigned long *flags)
{
	char buf[128], *tok, *save = NULL;
	unsigned long f = 0;
	int types = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "private")) {
			f |= MAP_PRIVATE;
			types++;
		} else if (!strcmp(tok, "shared")) {
			f |= MAP_SHARED;
			types++;
		} else if (!strcmp(tok, "fixed")) {
			f |= MAP_FIXED;
		} else if (!strcmp(tok, "noreplace")) {
			f |= MAP_FIXED_NOREPLACE;
		} else if (!strcmp(tok, "growsdown")) {
			f |= MAP_GROWSDOWN;
		} else if (!strcmp(tok, "noreserve")) {
			f |= MAP_NORESERVE;
		} else if (!strcmp(tok, "populate")) {
			f |= MAP_POPULATE;
		} else if (!strcmp(tok, "locked")) {
			f |= MAP_LOCKED;
		} else {
			return -EINVAL;
		}
	}
	if (types != 1)
		return -EINVAL;
	*flags = f;
	return 0;
}

static struct task_struct *arg_task(struct cmd_ctx *ctx, int i, int *err)
{
	unsigned long pid;
	struct task_struct *task;

	if (parse_num(ctx->cl->word[i], false, &pid) || pid > INT_MAX) {
		*err = fail(ctx, -EINVAL, "malformed pid");
		return NULL;
	}
	task = find_task(ctx->sim, (int)pid);
	if (!task)
		*err = fail(ctx, -ESRCH, "no such process");
	return task;
}

#define ARG_NUM(ctx, i, suffix, var, what) do {				\
	if (parse_num((ctx)->cl->word[i], suffix, &(var)))		\
		return fail(ctx, -EINVAL, "malformed " what);		\
} while (0)

/* ---- commands ---- */

static int cmd_spawn(struct cmd_ctx *ctx)
{
	const char *comm = ctx->cl->nr > 1 ? ctx->cl->word[1] : "sim";
	int pid = task_spawn(ctx->sim, comm);

	if (pid < 0)
		return fail(ctx, pid, pid == -EAGAIN ?
			    "no free pid below kernel.pid_max" : "out of memory");
	strbuf_printf(ctx->result, "%d\n", pid);
	return 0;
}

static int cmd_fork(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	int err, pid;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	pid = task_fork(ctx->sim, task);
	if (pid < 0)
		return fail(ctx, pid, pid == -ENOMEM ?
			    "out of memory or commit limit" : pid == -EAGAIN ?
			    "no free pid below kernel.pid_max" : "fork failed");
	strbuf_printf(ctx->result, "%d\n", pid);
	return 0;
}

static int cmd_exit(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	task_exit(ctx->sim, task);
	return 0;
}

static const char *mmap_cause(int err)
{
	switch (err) {
	case -EINVAL: return "invalid length, address, offset or flags";
	case -ENOMEM: return "no room, max_map_count or commit limit";
	case -EEXIST: return "range already mapped";
	case -EPERM: return "address below mmap_min_addr";
	case -EOVERFLOW: return "offset + length overflows";
	default: return "mmap failed";
	}
}

static int cmd_mmap(struct cmd_ctx *ctx)
{
	unsigned long addr, len, prot, flags, off = 0;
	struct file *file = NULL;
	struct task_struct *task;
	long ret;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, len, "length");
	if (parse_prot(ctx->cl->word[4], &prot))
		return fail(ctx, -EINVAL, "malformed PROT");
	if (parse_mmap_flags(ctx->cl->word[5], &flags))
		return fail(ctx, -EINVAL, "malformed FLAGS");
	if (ctx->cl->nr > 7)
		ARG_NUM(ctx, 7, true, off, "offset");
	if (offset_in_page(off))	/* sys_mmap: the offset is in bytes */
		return fail(ctx, -EINVAL, "offset not page aligned");
	if (ctx->cl->nr > 6) {
		struct inode *inode = inode_lookup(ctx->sim, ctx->cl->word[6]);

		if (!inode)
			return fail(ctx, -ENOENT, "no such file");
		file = file_open(inode);	/* open + mmap + close */
		if (!file)
			return fail(ctx, -ENOMEM, "out of memory");
	} else {
		flags |= MAP_ANONYMOUS;
	}
	ret = vm_mmap_pgoff(task->mm, addr, len, prot, flags, file,
			    off >> PAGE_SHIFT);
	if (file)
		fput(ctx->sim, file);	/* close: the VMA keeps its own ref */
	if (ret < 0)
		return fail(ctx, (int)ret, mmap_cause((int)ret));
	strbuf_printf(ctx->result, "0x%lx\n", (unsigned long)ret);
	return 0;
}

static int cmd_munmap(struct cmd_ctx *ctx)
{
	unsigned long addr, len;
	struct task_struct *task;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, len, "length");
	err = do_munmap(task->mm, addr, len);
	if (err == -EINVAL)
		return fail(ctx, err, offset_in_page(addr) ?
			    "address not page aligned" :
			    "invalid address or length");
	if (err)
		return fail(ctx, err, "would exceed max_map_count");
	return 0;
}

static int cmd_mprotect(struct cmd_ctx *ctx)
{
	unsigned long addr, len, prot;
	struct task_struct *task;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, len, "length");
	if (parse_prot(ctx->cl->word[4], &prot))
		return fail(ctx, -EINVAL, "malformed PROT");
	err = do_mprotect(task->mm, addr, len, prot);
	switch (err) {
	case 0:
		return 0;
	case -EINVAL:
		return fail(ctx, err, "address not page aligned");
	case -EACCES:
		return fail(ctx, err, "protection not allowed by VM_MAY flags");
	case -ENOMEM:
		return fail(ctx, err, "range not fully mapped, limit or commit");
	default:
		return fail(ctx, err, "mprotect failed");
	}
}

static const struct { const char *name; int advice; } advices[] = {
	{ "dontfork", MADV_DONTFORK }, { "dofork", MADV_DOFORK },
	{ "wipeonfork", MADV_WIPEONFORK }, { "keeponfork", MADV_KEEPONFORK },
	{ "mergeable", MADV_MERGEABLE }, { "unmergeable", MADV_UNMERGEABLE },
	{ "dontneed", MADV_DONTNEED }, { "cold", MADV_COLD },
	{ "willneed", MADV_WILLNEED }, { "pageout", MADV_PAGEOUT },
};

static int cmd_madvise(struct cmd_ctx *ctx)
{
	unsigned long addr, len;
	struct task_struct *task;
	int err, advice = -1;
	size_t i;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, len, "length");
	for (i = 0; i < sizeof(advices) / sizeof(advices[0]); i++)
		if (!strcmp(ctx->cl->word[4], advices[i].name))
			advice = advices[i].advice;
	if (advice < 0)
		return fail(ctx, -EINVAL, "unknown advice");
	ctx->sim->fault_cause[0] = '\0';
	err = do_madvise(task->mm, addr, len, advice);
	switch (err) {
	case 0:
		return 0;
	case -EINVAL:
		return fail(ctx, err, offset_in_page(addr) ?
			    "address not page aligned" :
			    "advice not valid for this range");
	case -ENOMEM:
		return fail(ctx, err, ctx->sim->fault_cause[0] ? ctx->sim->fault_cause :
			    "range not fully mapped or max_map_count");
	case -EACCES:
		return fail(ctx, err, ctx->sim->fault_cause);
	default:
		return fail(ctx, err, "out of memory");
	}
}

static int cmd_file(struct cmd_ctx *ctx)
{
	char *path = ctx->cl->path;
	unsigned long size;
	int err;

	ARG_NUM(ctx, 2, true, size, "size");
	snprintf(path, sizeof(ctx->cl->path), "%s%s",
		 ctx->cl->word[1][0] == '/' ? "" : "/", ctx->cl->word[1]);
	err = file_create(ctx->sim, path, size);
	switch (err) {
	case 0:
		ctx->cl->word[1] = path;	/* journal the absolute path */
		return 0;
	case -EEXIST: return fail(ctx, err, "file exists");
	case -ENOTDIR: return fail(ctx, err, "a path prefix is a file");
	case -EISDIR: return fail(ctx, err, "path is a directory");
	case -EINVAL: return fail(ctx, err, "malformed path");
	case -ENAMETOOLONG: return fail(ctx, err, "name or path too long");
	default: return fail(ctx, err, "out of memory");
	}
}

/* The fault path leaves the signal (or "out of memory") and the address. */
static const char *access_cause(struct cmd_ctx *ctx, int err)
{
	(void)err;
	return ctx->sim->fault_cause;
}

static int cmd_read(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	unsigned long addr;
	uint64_t value = 0;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ctx->sim->fault_cause[0] = '\0';
	err = access_read(task->mm, addr, &value);
	if (err)
		return fail(ctx, err, access_cause(ctx, err));
	strbuf_printf(ctx->result, "%llu\n", (unsigned long long)value);
	return 0;
}

static int cmd_write(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	unsigned long addr, value;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, false, value, "value");
	err = access_write(task->mm, addr, value);
	if (err)
		return fail(ctx, err, access_cause(ctx, err));
	return 0;
}

static int cmd_touch(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	unsigned long addr, len;
	bool write;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, len, "length");
	if (!strcmp(ctx->cl->word[4], "read"))
		write = false;
	else if (!strcmp(ctx->cl->word[4], "write"))
		write = true;
	else
		return fail(ctx, -EINVAL, "access must be read or write");
	if (addr + len < addr)
		return fail(ctx, -EINVAL, "range wraps");
	err = access_touch(task->mm, addr, len, write);
	if (err)
		return fail(ctx, err, access_cause(ctx, err));
	return 0;
}

/* A frame number naming a page in use (not free, not the zero page). */
static struct page *arg_page(struct cmd_ctx *ctx, int i, int *err)
{
	unsigned long pfn;
	struct page *page;

	if (parse_num(ctx->cl->word[i], false, &pfn) ||
	    pfn >= ctx->sim->opt.frames) {
		*err = fail(ctx, -EINVAL, "no such frame");
		return NULL;
	}
	page = pfn_to_page(ctx->sim, pfn);
	if (!pfn || page->_refcount <= 0) {
		*err = fail(ctx, -EINVAL, pfn ? "frame is free" : "the zero page");
		return NULL;
	}
	return page;
}

static int cmd_unmap(struct cmd_ctx *ctx)
{
	struct page *page;
	int err, n;

	page = arg_page(ctx, 1, &err);
	if (!page)
		return err;
	if (!page_mapped(page)) {
		strbuf_puts(ctx->result, "0\n");
		return 0;
	}
	/* an anonymous page needs its swap slot first (add_to_swap) */
	if (PageAnon(page) && !PageTest(page, PG_swapcache) &&
	    add_to_swap(ctx->sim, page))
		return fail(ctx, -ENOMEM, "swap is full");
	n = try_to_unmap(ctx->sim, page);
	strbuf_printf(ctx->result, "%d\n", n);
	return 0;
}

static void vm_flags_names(struct strbuf *m, unsigned long flags);

static int cmd_referenced(struct cmd_ctx *ctx)
{
	unsigned long vm_flags;
	struct page *page;
	int err, n;

	page = arg_page(ctx, 1, &err);
	if (!page)
		return err;
	n = page_referenced(ctx->sim, page, &vm_flags);
	strbuf_printf(ctx->result, "%d", n);
	vm_flags_names(ctx->result, vm_flags);
	strbuf_putc(ctx->result, '\n');
	return 0;
}

static int cmd_mkclean(struct cmd_ctx *ctx)
{
	struct page *page;
	int err, n;

	page = arg_page(ctx, 1, &err);
	if (!page)
		return err;
	n = page_mkclean(ctx->sim, page);
	/* clear_page_dirty_for_io keeps the dirtiness the PTEs had */
	if (n)
		SetPage(page, PG_dirty);
	strbuf_printf(ctx->result, "%d\n", n);
	return 0;
}

static int cmd_idle(struct cmd_ctx *ctx)
{
	struct page *page;
	int err, n;

	page = arg_page(ctx, 1, &err);
	if (!page)
		return err;
	/* page_idle_bitmap_write: clear the references, then mark idle;
	 * page_idle_get_page passes over pages not on an LRU list */
	n = 0;
	if (PageTest(page, PG_lru)) {
		n = page_idle_clear_pte_refs(ctx->sim, page);
		SetPage(page, PG_idle);
	}
	strbuf_printf(ctx->result, "%d\n", n);
	return 0;
}

static int cmd_migrate(struct cmd_ctx *ctx)
{
	unsigned long pfn, new_pfn = 0;
	int mode = 0, err;

	if (parse_num(ctx->cl->word[1], false, &pfn))
		return fail(ctx, -EINVAL, "malformed pfn");
	if (ctx->cl->nr > 2) {
		if (!strcmp(ctx->cl->word[2], "hold"))
			mode = 1;
		else if (!strcmp(ctx->cl->word[2], "finish"))
			mode = 2;
		else
			return fail(ctx, -EINVAL, "want hold or finish");
	}
	err = migrate_page(ctx->sim, pfn, mode, &new_pfn);
	switch (err) {
	case 0:
		strbuf_printf(ctx->result, "%lu\n", new_pfn);
		return 0;
	case -EBUSY:
		return fail(ctx, err, "page already held mid-migration");
	case -ENOMEM:
		return fail(ctx, err, "no free frame");
	default:
		return fail(ctx, err, mode == 2 ? "no migration held for this page" :
			    "not a movable page (free, zero, or off the LRU)");
	}
}

static int cmd_reclaim(struct cmd_ctx *ctx)
{
	struct reclaim_stat st = { 0 };
	unsigned long nr;

	ARG_NUM(ctx, 1, false, nr, "count");
	try_to_free_pages(ctx->sim, nr, &st);
	strbuf_printf(ctx->result, "%lu\n", st.reclaimed);
	trace(ctx->sim, "try_to_free_pages", "scanned %lu reclaimed %lu swapped %lu "
	      "unmapped %lu activated %lu deactivated %lu kept %lu", st.scanned,
	      st.reclaimed, st.swapped, st.unmapped, st.activated,
	      st.deactivated, st.kept);
	return 0;
}

/* balloon inflate|deflate N: virtio_balloon's fill_balloon/leak_balloon. */
static int cmd_balloon(struct cmd_ctx *ctx)
{
	const char *op = ctx->cl->word[1];
	unsigned long n;

	if (strcmp(op, "inflate") && strcmp(op, "deflate"))
		return fail(ctx, -EINVAL, "want inflate or deflate");
	ARG_NUM(ctx, 2, false, n, "count");
	if (*op == 'd') {
		strbuf_printf(ctx->result, "%lu\n", balloon_deflate(ctx->sim, n));
		return 0;
	}
	if (balloon_inflate(ctx->sim, n))
		return fail(ctx, -ENOMEM, "fewer free frames than that");
	strbuf_printf(ctx->result, "%lu\n", n);
	return 0;
}

static int cmd_mlock_common(struct cmd_ctx *ctx, bool lock)
{
	struct task_struct *task;
	unsigned long addr, len;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, len, "length");
	err = do_mlock(task->mm, addr, len, lock);
	switch (err) {
	case 0:
		return 0;
	case -ENOMEM:
		return fail(ctx, err, "range not fully mapped, or RLIMIT_MEMLOCK");
	case -EAGAIN:
		return fail(ctx, err, "out of memory faulting the range in");
	default:
		return fail(ctx, err, "invalid range");
	}
}

static int cmd_mlock(struct cmd_ctx *ctx)
{
	return cmd_mlock_common(ctx, true);
}

static int cmd_munlock(struct cmd_ctx *ctx)
{
	return cmd_mlock_common(ctx, false);
}

static int cmd_mremap(struct cmd_ctx *ctx)
{
	unsigned long addr, old_len, new_len, flags = 0, new_addr = 0;
	struct task_struct *task;
	long ret;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	ARG_NUM(ctx, 3, true, old_len, "old length");
	ARG_NUM(ctx, 4, true, new_len, "new length");
	if (ctx->cl->nr > 5) {
		char buf[64], *tok, *save = NULL;

		if (strlen(ctx->cl->word[5]) >= sizeof(buf))
			return fail(ctx, -EINVAL, "malformed FLAGS");
		strcpy(buf, ctx->cl->word[5]);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "maymove"))
				flags |= MREMAP_MAYMOVE;
			else if (!strcmp(tok, "fixed"))
				flags |= MREMAP_FIXED;
			else if (!strcmp(tok, "dontunmap"))
				flags |= MREMAP_DONTUNMAP;
			else if (strcmp(tok, "none"))
				return fail(ctx, -EINVAL, "malformed FLAGS");
		}
	}
	if (ctx->cl->nr > 6)
		ARG_NUM(ctx, 6, false, new_addr, "new address");
	ret = do_mremap(task->mm, addr, old_len, new_len, flags, new_addr);
	/* only -4095 .. -1 are errors: an address may look negative */
	switch (IS_ERR_VALUE((unsigned long)ret) ? ret : 0) {
	case 0:
		break;
	case -EINVAL: return fail(ctx, -EINVAL, "invalid address, lengths or flags");
	case -EFAULT: return fail(ctx, -EFAULT, "range not inside one VMA");
	case -ENOMEM: return fail(ctx, -ENOMEM, "no room, limit or commit charge");
	case -EAGAIN: return fail(ctx, -EAGAIN, "past RLIMIT_MEMLOCK");
	case -EPERM: return fail(ctx, -EPERM, "address below mmap_min_addr");
	default: return fail(ctx, (int)ret, "mremap failed");
	}
	strbuf_printf(ctx->result, "0x%lx\n", (unsigned long)ret);
	return 0;
}

static int cmd_brk(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	unsigned long addr, result = 0;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	ARG_NUM(ctx, 2, false, addr, "address");
	err = sys_brk(task->mm, addr, &result);
	if (err)
		return fail(ctx, err, "out of memory");
	/* brk(2) succeeds even when it refuses: the old break comes back */
	strbuf_printf(ctx->result, "0x%lx\n", result);
	return 0;
}

static int cmd_exec(struct cmd_ctx *ctx)
{
	struct task_struct *task;
	char *path = ctx->cl->path;
	int err;

	task = arg_task(ctx, 1, &err);
	if (!task)
		return err;
	snprintf(path, sizeof(ctx->cl->path), "%s%s",
		 ctx->cl->word[2][0] == '/' ? "" : "/", ctx->cl->word[2]);
	ctx->cl->word[2] = path;	/* journal the absolute path */
	err = do_execve(ctx->sim, task, path);
	switch (err) {
	case 0:
		return 0;
	case -ENOENT: return fail(ctx, err, "no such file");
	case -ENOEXEC: return fail(ctx, err, "not an executable (fewer than 4 pages)");
	case -EACCES: return fail(ctx, err, "a directory");
	case -ENOTDIR: return fail(ctx, err, "a path prefix is a file");
	case -EFAULT: return fail(ctx, err, "cannot set up the stack");
	default: return fail(ctx, err, "out of memory");
	}
}

static int cmd_trace(struct cmd_ctx *ctx)
{
	const char *w = ctx->cl->word[1];

	if (!strcmp(w, "on"))
		ctx->sim->trace.on = true;
	else if (!strcmp(w, "off"))
		ctx->sim->trace.on = false;
	else if (!strcmp(w, "clear"))
		trace_clear(&ctx->sim->trace);
	else
		return fail(ctx, -EINVAL, "want on, off or clear");
	return 0;
}

/* A file name as `file` takes it: absolute, or made so. Stored in
 * ctx->cl->path and put back into the words, so the journal is absolute. */
static struct inode *arg_inode(struct cmd_ctx *ctx, int i, int *err)
{
	char *path = ctx->cl->path;
	struct inode *inode;

	snprintf(path, sizeof(ctx->cl->path), "%s%s",
		 ctx->cl->word[i][0] == '/' ? "" : "/", ctx->cl->word[i]);
	ctx->cl->word[i] = path;
	inode = inode_lookup(ctx->sim, path);
	if (!inode)
		*err = fail(ctx, -ENOENT, "no such file");
	return inode;
}

static int cmd_fwrite(struct cmd_ctx *ctx)
{
	unsigned long off, value;
	struct inode *inode;
	int err;

	inode = arg_inode(ctx, 1, &err);
	if (!inode)
		return err;
	ARG_NUM(ctx, 2, true, off, "offset");
	ARG_NUM(ctx, 3, false, value, "value");
	err = filemap_write(ctx->sim, inode, off, value);
	if (err)
		return fail(ctx, err, err == -EFBIG ? "offset past the size limit" :
			    "out of memory");
	return 0;
}

static int cmd_fread(struct cmd_ctx *ctx)
{
	struct inode *inode;
	unsigned long off;
	uint64_t value = 0;
	int err;

	inode = arg_inode(ctx, 1, &err);
	if (!inode)
		return err;
	ARG_NUM(ctx, 2, true, off, "offset");
	err = filemap_read(ctx->sim, inode, off, &value);
	if (err == -ENXIO) {
		strbuf_puts(ctx->result, "eof\n");	/* read(2) returns 0 bytes */
		return 0;
	}
	strbuf_printf(ctx->result, "%llu\n", (unsigned long long)value);
	return 0;
}

static int cmd_truncate(struct cmd_ctx *ctx)
{
	struct inode *inode;
	unsigned long size;
	int err;

	inode = arg_inode(ctx, 1, &err);
	if (!inode)
		return err;
	ARG_NUM(ctx, 2, true, size, "size");
	err = shmem_truncate(ctx->sim, inode, size);
	if (err)
		return fail(ctx, err, "size past the limit");
	return 0;
}

static int cmd_unlink(struct cmd_ctx *ctx)
{
	struct inode *inode;
	int err;

	inode = arg_inode(ctx, 1, &err);
	if (!inode)
		return err;
	return file_unlink(ctx->sim, inode->path);
}

static int cmd_sysctl(struct cmd_ctx *ctx)
{
	const char *name = ctx->cl->word[1];
	unsigned long v;

	if (parse_num(ctx->cl->word[2], false, &v))
		return fail(ctx, -EINVAL, "malformed value");
	if (!strcmp(name, "vm.max_map_count")) {
		if (v > INT_MAX)
			return fail(ctx, -EINVAL, "value out of range");
		ctx->sim->sysctl.max_map_count = (long)v;
	} else if (!strcmp(name, "kernel.pid_max")) {
		/* pid_max_min and pid_max_max of kernel/pid.c */
		if (v < RESERVED_PIDS + 1 || v > PID_MAX_LIMIT)
			return fail(ctx, -EINVAL, "value out of range");
		ctx->sim->sysctl.pid_max = (long)v;
	} else if (!strcmp(name, "vm.anon_vma_reuse")) {
		if (v > 1)
			return fail(ctx, -EINVAL, "value must be 0 or 1");
		ctx->sim->sysctl.anon_vma_reuse = (long)v;
	} else {
		return fail(ctx, -ENOENT, "no such tunable");
	}
	return 0;
}

/* ksm scan: one full pass of ksmd (ksm_do_scan). */
static int cmd_ksm(struct cmd_ctx *ctx)
{
	if (strcmp(ctx->cl->word[1], "scan"))
		return fail(ctx, -EINVAL, "want scan");
	if (ksm_do_scan(ctx->sim))
		return fail(ctx, -ENOMEM, "out of memory for the pass");
	return 0;
}

static int cmd_check(struct cmd_ctx *ctx)
{
	struct strbuf why = STRBUF_INIT;
	int err = sim_check(ctx->sim, &why);

	ctx->journal = false;	/* changes nothing */
	if (err) {
		sim_printk(ctx->sim, "check: %s", why.buf ? why.buf : "?");
		strbuf_release(&why);
		return fail(ctx, err, "invariant violated, see the line above");
	}
	strbuf_release(&why);
	strbuf_puts(ctx->result, "ok\n");
	return 0;
}

static const struct command {
	const char *name;
	int min, max;		/* words after the command */
	bool per_process;	/* accepted on /PID/ctl, PID implied */
	cmd_fn fn;
	const char *usage;
} commands[] = {
	{ "spawn", 0, 1, false, cmd_spawn, "spawn [COMM]" },
	{ "fork", 1, 1, true, cmd_fork, "fork PID" },
	{ "exit", 1, 1, true, cmd_exit, "exit PID" },
	{ "mmap", 5, 7, true, cmd_mmap,
	  "mmap PID ADDR LEN PROT FLAGS [FILE [OFFSET]]" },
	{ "munmap", 3, 3, true, cmd_munmap, "munmap PID ADDR LEN" },
	{ "mprotect", 4, 4, true, cmd_mprotect, "mprotect PID ADDR LEN PROT" },
	{ "madvise", 4, 4, true, cmd_madvise, "madvise PID ADDR LEN ADVICE" },
	{ "read", 2, 2, true, cmd_read, "read PID ADDR" },
	{ "write", 3, 3, true, cmd_write, "write PID ADDR VALUE" },
	{ "touch", 4, 4, true, cmd_touch, "touch PID ADDR LEN read|write" },
	{ "file", 2, 2, false, cmd_file, "file NAME SIZE" },
	{ "fwrite", 3, 3, false, cmd_fwrite, "fwrite NAME OFFSET VALUE" },
	{ "fread", 2, 2, false, cmd_fread, "fread NAME OFFSET" },
	{ "truncate", 2, 2, false, cmd_truncate, "truncate NAME SIZE" },
	{ "unlink", 1, 1, false, cmd_unlink, "unlink NAME" },
	{ "sysctl", 2, 2, false, cmd_sysctl, "sysctl NAME VALUE" },
	{ "mremap", 4, 6, true, cmd_mremap,
	  "mremap PID OLD OLDLEN NEWLEN [FLAGS [NEWADDR]]" },
	{ "brk", 2, 2, true, cmd_brk, "brk PID ADDR" },
	{ "exec", 2, 2, true, cmd_exec, "exec PID PATH" },
	{ "mlock", 3, 3, true, cmd_mlock, "mlock PID ADDR LEN" },
	{ "munlock", 3, 3, true, cmd_munlock, "munlock PID ADDR LEN" },
	{ "unmap", 1, 1, false, cmd_unmap, "unmap PFN" },
	{ "referenced", 1, 1, false, cmd_referenced, "referenced PFN" },
	{ "mkclean", 1, 1, false, cmd_mkclean, "mkclean PFN" },
	{ "idle", 1, 1, false, cmd_idle, "idle PFN" },
	{ "migrate", 1, 2, false, cmd_migrate, "migrate PFN [hold|finish]" },
	{ "reclaim", 1, 1, false, cmd_reclaim, "reclaim N" },
	{ "trace", 1, 1, false, cmd_trace, "trace on|off|clear" },
	{ "ksm", 1, 1, false, cmd_ksm, "ksm scan" },
	{ "balloon", 2, 2, false, cmd_balloon, "balloon inflate|deflate N" },
	{ "check", 0, 0, false, cmd_check, "check" },
};

void sim_usage(struct strbuf *out, bool per_process)
{
	size_t i;

	strbuf_puts(out, per_process ?
		    "rmapfs process control file: one command per line, PID implied\n" :
		    "rmapfs control file: one command per line\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *u = commands[i].usage;

		if (per_process && !commands[i].per_process)
			continue;
		if (per_process && strstr(u, " PID"))
			strbuf_printf(out, "  %.*s%s\n", (int)(strstr(u, " PID") - u), u,
				      strstr(u, " PID") + 4);
		else
			strbuf_printf(out, "  %s\n", u);
	}
	strbuf_puts(out, "Results are read back on the same open file. See docs/commands.md.\n");
}

/* ---- lines ---- */

/* Copy @line (comment stripped) into @cl->buf and split it into words. */
static int split_line(struct cmdline *cl, const char *line, size_t len)
{
	size_t i, n = 0;
	char *p;

	for (i = 0; i < len && line[i] != '#' && line[i] != '\n'; i++)
		cl->buf[n++] = line[i] ? line[i] : '\x01';	/* NUL is garbage */
	cl->buf[n] = '\0';
	cl->nr = 0;
	for (p = cl->buf; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (!*p)
			break;
		if (cl->nr == MAX_WORDS)
			return -E2BIG;
		cl->word[cl->nr++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
	return 0;
}

/*
 * The line in /ctl form: words joined by one space, pid inserted. For
 * /dmesg (@escape) bytes that are not printable show as \xNN; the journal
 * keeps them raw so that replaying it gives the same names.
 */
static inline bool is_print(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;	/* isprint() in the C locale */
}

static void canonical_words(struct strbuf *out, char *const *word, int nr,
			    int ctx_pid, bool per_process, bool escape)
{
	int i;

	for (i = 0; i < nr; i++) {
		const unsigned char *c, *w = (const unsigned char *)word[i];

		if (i)
			strbuf_putc(out, ' ');
		/* Whole runs of bytes that need no escape go in one append:
		 * this runs for every command line. */
		for (c = w; *c; c++) {
			if (!escape || is_print(*c))
				continue;
			strbuf_add(out, w, (size_t)(c - w));
			strbuf_printf(out, "\\x%02x", *c == 1 ? 0 : *c);
			w = c + 1;
		}
		strbuf_add(out, w, (size_t)(c - w));
		if (i == 0 && ctx_pid && per_process)
			strbuf_printf(out, " %d", ctx_pid);
	}
}

static void canonical_line(struct strbuf *out, struct cmdline *cl,
			   int ctx_pid, bool per_process, bool escape)
{
	canonical_words(out, cl->word, cl->nr, ctx_pid, per_process, escape);
}

/* The length canonical_words() would give, without making the line. */
static size_t canonical_len(char *const *word, int nr, int ctx_pid,
			    bool per_process, bool escape)
{
	size_t n = nr > 0 ? (size_t)(nr - 1) : 0;	/* the spaces */
	char pid[16];
	int i;

	for (i = 0; i < nr; i++) {
		const unsigned char *c;

		for (c = (const unsigned char *)word[i]; *c; c++)
			n += escape && !is_print(*c) ? 4 : 1;	/* \xNN */
	}
	if (nr && ctx_pid && per_process)
		n += (size_t)snprintf(pid, sizeof(pid), " %d", ctx_pid);
	return n;
}

/*
 * The command line as /dmesg shows it: the words as written (before
 * /PID/ctl's pid is put into them and before `file` makes a path
 * absolute). Kept as word pointers and made into text only when a report
 * needs it, since a command that succeeds never shows it.
 */
struct shown_line {
	char *word[MAX_WORDS];
	int nr;
	int ctx_pid;
	bool per_process;
};

static void report(struct sim *sim, const char *shown, int err,
		   const char *cause)
{
	strbuf_reset(&sim->last_err);
	strbuf_printf(&sim->last_err, "[%6lu] %s: %s (%s)", sim->cmd_seq,
		      shown, errno_name(err), cause);
	sim_printk(sim, "%s", sim->last_err.buf ? sim->last_err.buf : "");
}

/* report() with the line of @sl; if that text cannot be made, the
 * command's name stands for it. */
static void report_shown(struct sim *sim, const struct shown_line *sl,
			 int err, const char *cause)
{
	struct strbuf shown = STRBUF_INIT;

	canonical_words(&shown, sl->word, sl->nr, sl->ctx_pid, sl->per_process,
			true);
	report(sim, shown.failed ? sl->word[0] : shown.buf, err, cause);
	strbuf_release(&shown);
}

int sim_exec_line(struct sim *sim, const char *line, size_t len, int ctx_pid,
		  struct strbuf *result)
{
	struct strbuf shown = STRBUF_INIT;
	const struct command *cmd = NULL;
	struct cmd_ctx ctx = { .sim = sim, .result = result, .journal = true };
	struct cmdline line_words, *cl = &line_words;	/* ~8 KiB, on the stack */
	struct shown_line sl;
	size_t i;
	int err;

	if (len > SIM_LINE_MAX) {
		sim->cmd_seq++;
		split_line(cl, line, 64);
		canonical_line(&shown, cl, 0, false, true);
		strbuf_puts(&shown, "...");
		err = -EINVAL;
		report(sim, shown.buf, err, "line too long");
		goto out;
	}
	err = split_line(cl, line, len);
	if (!cl->nr && !err)
		goto out;	/* blank or comment */
	sim->cmd_seq++;
	if (err) {
		canonical_line(&shown, cl, 0, false, true);
		report(sim, shown.buf, -EINVAL, "too many words");
		err = -EINVAL;
		goto out;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (cl->word[0][0] == commands[i].name[0] &&
		    !strcmp(cl->word[0], commands[i].name)) {
			cmd = &commands[i];	/* names are unique */
			break;
		}
	memcpy(sl.word, cl->word, sizeof(cl->word[0]) * (size_t)cl->nr);
	sl.nr = cl->nr;
	sl.ctx_pid = ctx_pid;
	sl.per_process = cmd && cmd->per_process;
	if (!cmd) {
		err = -EINVAL;
		report_shown(sim, &sl, err, "unknown command");
		goto out;
	}
	if (ctx_pid && !cmd->per_process) {
		err = -EINVAL;
		report_shown(sim, &sl, err, "not a per-process command");
		goto out;
	}
	if (ctx_pid) {
		/* /PID/ctl: insert the pid as the first argument */
		char *pidw = cl->pid;

		if (cl->nr == MAX_WORDS) {
			err = -EINVAL;
			report_shown(sim, &sl, err, "too many words");
			goto out;
		}
		snprintf(pidw, sizeof(cl->pid), "%d", ctx_pid);
		memmove(&cl->word[2], &cl->word[1],
			(size_t)(cl->nr - 1) * sizeof(cl->word[0]));
		cl->word[1] = pidw;
		cl->nr++;
	}
	if (cl->nr - 1 < cmd->min || cl->nr - 1 > cmd->max) {
		err = -EINVAL;
		report_shown(sim, &sl, err, "wrong number of arguments");
		goto out;
	}
	/* Room for the journal line and the result first: no failure after
	 * the command took effect. */
	/* The journal line may grow by a '/' per file name made absolute. */
	if (strbuf_reserve(&sim->journal, canonical_len(sl.word, sl.nr,
			ctx_pid, sl.per_process, true) + 1 + MAX_WORDS) ||
	    (result && strbuf_reserve(result, 32))) {
		err = -ENOMEM;
		report_shown(sim, &sl, err, "out of memory");
		goto out;
	}
	{
		struct strbuf scratch = STRBUF_INIT;

		if (!result)
			ctx.result = &scratch;
		ctx.cl = cl;
		err = cmd->fn(&ctx);
		strbuf_release(&scratch);
	}
	if (err) {
		report_shown(sim, &sl, err, ctx.cause ? ctx.cause : "failed");
		goto out;
	}
	if (ctx.journal) {
		/* raw bytes, and `file` may have made its path absolute;
		 * straight into the journal, whose room was reserved above */
		canonical_line(&sim->journal, cl, 0, false, false);
		strbuf_putc(&sim->journal, '\n');
	}
out:
	strbuf_release(&shown);
	sim_trim_pools(sim);
	return err;
}

int sim_exec_buf(struct sim *sim, const char *buf, size_t len, int ctx_pid,
		 struct strbuf *results, size_t *done)
{
	size_t pos = 0, end;
	int err;

	*done = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - buf) + 1 : len;
		err = sim_exec_line(sim, buf + pos, end - pos - (nl ? 1 : 0),
				    ctx_pid, results);
		if (err)
			return err;
		pos = end;
		*done = pos;
	}
	return 0;
}

/* The VmFlags mnemonics of @flags, each after a space (kernel-spec §2.5). */
static void vm_flags_names(struct strbuf *m, unsigned long flags)
{
	static const char mnem[32][3] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um",
		"pf", "??", "uw", "lo", "io", "sr", "rr", "dc", "de", "??",
		"ac", "nr", "ht", "sf", "ar", "wf", "dd", "sd", "mm", "hg",
		"nh", "mg",
	};
	int bit;

	for (bit = 0; bit < 32; bit++)
		if (flags & (1UL << bit))
			strbuf_printf(m, " %s", mnem[bit]);
}
