/* core/vfs.c - the virtual file tree (include/vfs.h): path lookup, the
 * directory listings, one renderer per file kind, and control-file
 * semantics (per-handle result queue, partial lines, short writes).
 * Used unchanged by the FUSE front end and by rmapsim, so both give the
 * same bytes for the same path.
 *
 * Text files are rendered once per open (a consistent snapshot). The
 * binary files /PID/pagemap, /kpagecount and /kpageflags are computed for
 * the requested range at each read instead, as the kernel's read
 * handlers do: a pagemap covers 2^35 pages and is never built whole.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filemap.h"
#include "ksm.h"
#include "mm_internal.h"
#include "page.h"
#include "proc.h"
#include "render.h"
#include "task.h"
#include "swap.h"
#include "vfs.h"

enum node_kind {
	N_NONE,
	N_ROOT,
	N_CTL,			/* /ctl */
	N_DMESG,
	N_JOURNAL,
	N_FILES_DIR,		/* /files and directories below it */
	N_FILE,			/* /files/PATH */
	N_SYSCTL_DIR,		/* /sysctl */
	N_SYSCTL_SUBDIR,	/* /sysctl/kernel, /sysctl/vm */
	N_SYSCTL,		/* /sysctl/DIR/NAME */
	N_BALLOON,		/* /balloon */
	N_ANON_VMA_DIR,		/* /anon_vma */
	N_ANON_VMA,		/* /anon_vma/ID */
	N_PAGES_DIR,		/* /pages */
	N_PAGE,			/* /pages/PFN */
	N_GRAPH,		/* /graph.dot */
	N_KPAGECOUNT,		/* binary */
	N_KPAGEFLAGS,		/* binary */
	N_KSM,
	N_MEMINFO,
	N_SLABINFO,
	N_SWAPS,
	N_TRACE,
	N_VMSTAT,
	N_PID_DIR,
	N_PID_CTL,
	N_PID_MAPS,
	N_PID_STATUS,
	N_PID_SMAPS,
	N_PID_SMAPS_ROLLUP,
	N_PID_PAGEMAP,		/* binary */
	N_PID_PAGETABLE,
	N_PID_ANON_VMA_DOT,
};

struct node {
	enum node_kind kind;
	struct task_struct *task;
	struct inode *inode;
	struct anon_vma *av;	/* /anon_vma/ID */
	unsigned long pfn;	/* /pages/PFN */
	const char *sub;	/* path below /files, or the sysctl name */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))

/* Tunables: DIR/NAME under /sysctl (the sysctl command's DIR.NAME), in
 * name order, and how to read them. */
static const char *const sysctl_dirs[] = { "kernel", "vm" };
static const char *const sysctl_names[] = {
	"kernel/pid_max", "vm/anon_vma_reuse", "vm/max_map_count",
};

static long sysctl_value(struct sim *sim, const char *name)
{
	if (!strcmp(name, "kernel/pid_max"))
		return sim->sysctl.pid_max;
	if (!strcmp(name, "vm/anon_vma_reuse"))
		return sim->sysctl.anon_vma_reuse;
	return sim->sysctl.max_map_count;
}

/* Is @name (no trailing slash) one of sysctl_dirs? Return it or NULL. */
static const char *sysctl_dir(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sysctl_dirs); i++)
		if (strlen(sysctl_dirs[i]) == len &&
		    !strncmp(name, sysctl_dirs[i], len))
			return sysctl_dirs[i];
	return NULL;
}

/* The entries of the root before the pids, in name order. Directories
 * are resolved by lookup() itself; the files by this table. */
static const struct {
	const char *name;
	enum node_kind kind;
} root_entries[] = {
	{ "anon_vma", N_ANON_VMA_DIR },
	{ "balloon", N_BALLOON },
	{ "ctl", N_CTL },
	{ "dmesg", N_DMESG },
	{ "files", N_FILES_DIR },
	{ "graph.dot", N_GRAPH },
	{ "journal", N_JOURNAL },
	{ "kpagecount", N_KPAGECOUNT },
	{ "kpageflags", N_KPAGEFLAGS },
	{ "ksm", N_KSM },
	{ "meminfo", N_MEMINFO },
	{ "pages", N_PAGES_DIR },
	{ "slabinfo", N_SLABINFO },
	{ "swaps", N_SWAPS },
	{ "sysctl", N_SYSCTL_DIR },
	{ "trace", N_TRACE },
	{ "vmstat", N_VMSTAT },
};

/* The files of /PID, in name order. */
static const struct {
	const char *name;
	enum node_kind kind;
} pid_files[] = {
	{ "anon_vma.dot", N_PID_ANON_VMA_DOT },
	{ "ctl", N_PID_CTL },
	{ "maps", N_PID_MAPS },
	{ "pagemap", N_PID_PAGEMAP },
	{ "pagetable", N_PID_PAGETABLE },
	{ "smaps", N_PID_SMAPS },
	{ "smaps_rollup", N_PID_SMAPS_ROLLUP },
	{ "status", N_PID_STATUS },
};


/* Parse a decimal id or pfn: digits only, no leading zero but "0"
 * itself. Return: true and *@v, or false. */
static bool parse_ulong(const char *s, size_t n, unsigned long *v)
{
	unsigned long x = 0;
	size_t i;

	if (!n || n > 19 || (s[0] == '0' && n > 1))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	*v = x;
	return true;
}

/* Parse a pid directory name: digits only, no leading zero. */
static int parse_pid(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (!n || n > 9 || s[0] == '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return (int)v;
}

static bool comp_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(p, name, n);
}

/* lookup - resolve @path ("/", "/1/maps", "files/lib/x"; a missing
 * leading slash is allowed for rmapsim's `cat`). */
static struct node lookup(struct sim *sim, const char *path)
{
	struct node nd = { N_NONE, NULL, NULL, NULL, 0, NULL };
	const char *p = path, *c;
	unsigned long id;
	size_t n, i;
	int pid;

	while (*p == '/')
		p++;
	if (!*p) {
		nd.kind = N_ROOT;
		return nd;
	}
	c = p;
	while (*p && *p != '/')
		p++;
	n = (size_t)(p - c);
	while (*p == '/')
		p++;

	if (comp_is(c, n, "files")) {
		static char buf[PATH_MAX + 2];

		if (!*p) {
			nd.kind = N_FILES_DIR;
			nd.sub = "/";
			return nd;
		}
		snprintf(buf, sizeof(buf), "/%s", p);
		n = strlen(buf);
		while (n > 1 && buf[n - 1] == '/')
			buf[--n] = '\0';
		nd.sub = buf;
		nd.inode = inode_lookup(sim, buf);
		if (nd.inode)
			nd.kind = N_FILE;
		else if (file_is_dir(sim, buf))
			nd.kind = N_FILES_DIR;
		return nd;
	}
	if (comp_is(c, n, "sysctl")) {
		if (!*p) {
			nd.kind = N_SYSCTL_DIR;
		} else {
			size_t len = strlen(p);

			while (len && p[len - 1] == '/')
				len--;
			nd.sub = sysctl_dir(p, len);
			if (nd.sub)
				nd.kind = N_SYSCTL_SUBDIR;
			for (i = 0; i < ARRAY_SIZE(sysctl_names); i++)
				if (!strcmp(p, sysctl_names[i])) {
					nd.kind = N_SYSCTL;
					nd.sub = sysctl_names[i];
				}
		}
		return nd;
	}
	if (comp_is(c, n, "anon_vma") || comp_is(c, n, "pages")) {
		bool av_dir = *c == 'a';
		size_t len = strlen(p);

		while (len && p[len - 1] == '/')
			len--;
		if (!len)
			nd.kind = av_dir ? N_ANON_VMA_DIR : N_PAGES_DIR;
		else if (!parse_ulong(p, len, &id))
			return nd;
		else if (av_dir && (nd.av = anon_vma_find(sim, id)))
			nd.kind = N_ANON_VMA;
		else if (!av_dir && id < sim->opt.frames &&
			 page_in_use(pfn_to_page(sim, id))) {
			nd.kind = N_PAGE;
			nd.pfn = id;
		}
		return nd;
	}
	if (*p == '\0') {
		for (i = 0; i < ARRAY_SIZE(root_entries); i++)
			if (comp_is(c, n, root_entries[i].name))
				nd.kind = root_entries[i].kind;
	}
	if (nd.kind != N_NONE)
		return nd;

	pid = parse_pid(c, n);
	if (!pid || !(nd.task = find_task(sim, pid)))
		return nd;
	if (!*p) {
		nd.kind = N_PID_DIR;
		return nd;
	}
	for (i = 0; i < ARRAY_SIZE(pid_files); i++)
		if (!strcmp(p, pid_files[i].name))
			nd.kind = pid_files[i].kind;
	return nd;
}

static bool is_dir(enum node_kind k)
{
	return k == N_ROOT || k == N_FILES_DIR || k == N_SYSCTL_DIR ||
	       k == N_SYSCTL_SUBDIR || k == N_PID_DIR ||
	       k == N_ANON_VMA_DIR || k == N_PAGES_DIR;
}

/* Binary files: computed per read for the range asked, never rendered. */
static bool is_binary(enum node_kind k)
{
	return k == N_PID_PAGEMAP || k == N_KPAGECOUNT || k == N_KPAGEFLAGS;
}

static bool is_ctl(enum node_kind k)
{
	return k == N_CTL || k == N_PID_CTL;
}

/* A stable inode number per path (FNV-1a). */
static unsigned long path_ino(const char *path)
{
	unsigned long h = 1469598103934665603UL;

	while (*path == '/')
		path++;
	for (; *path; path++) {
		h ^= (unsigned char)*path;
		h *= 1099511628211UL;
	}
	return h ? h : 1;
}

int vfs_getattr(struct sim *sim, const char *path, struct vfs_attr *attr)
{
	struct node nd = lookup(sim, path);

	if (nd.kind == N_NONE)
		return -ENOENT;
	memset(attr, 0, sizeof(*attr));
	attr->is_dir = is_dir(nd.kind);
	attr->readable = true;
	attr->writable = is_ctl(nd.kind) || nd.kind == N_SYSCTL;
	attr->stream = is_ctl(nd.kind);
	attr->ino = path_ino(path);
	return 0;
}

int vfs_readdir(struct sim *sim, const char *path, vfs_fill_t fill, void *ctx)
{
	struct node nd = lookup(sim, path);
	struct anon_vma *av;
	unsigned long pfn;
	char name[32];
	int *pids, ret = 0;
	size_t i, n;

	switch (nd.kind) {
	case N_ROOT:
		for (i = 0; i < ARRAY_SIZE(root_entries) && !ret; i++)
			ret = fill(ctx, root_entries[i].name,
				   is_dir(root_entries[i].kind));
		if (ret)
			return ret;
		n = task_count(sim);
		pids = rm_calloc(n + 1, sizeof(*pids));
		if (!pids)
			return -ENOMEM;
		n = task_pids(sim, pids, n);
		for (i = 0; i < n && !ret; i++) {
			snprintf(name, sizeof(name), "%d", pids[i]);
			ret = fill(ctx, name, true);
		}
		free(pids);
		return ret;
	case N_FILES_DIR:
		return file_list_dir(sim, nd.sub, fill, ctx);
	case N_SYSCTL_DIR:
		for (i = 0; i < ARRAY_SIZE(sysctl_dirs) && !ret; i++)
			ret = fill(ctx, sysctl_dirs[i], true);
		return ret;
	case N_SYSCTL_SUBDIR: {
		size_t dl = strlen(nd.sub);

		for (i = 0; i < ARRAY_SIZE(sysctl_names) && !ret; i++)
			if (!strncmp(sysctl_names[i], nd.sub, dl) &&
			    sysctl_names[i][dl] == '/')
				ret = fill(ctx, sysctl_names[i] + dl + 1, false);
		return ret;
	}
	case N_PID_DIR:
		for (i = 0; i < ARRAY_SIZE(pid_files) && !ret; i++)
			ret = fill(ctx, pid_files[i].name, false);
		return ret;
	case N_ANON_VMA_DIR:
		for (av = anon_vma_first(sim); av && !ret; av = anon_vma_next(sim, av)) {
			snprintf(name, sizeof(name), "%lu", av->id);
			ret = fill(ctx, name, false);
		}
		return ret;
	case N_PAGES_DIR:
		for (pfn = 0; pfn < sim->opt.frames && !ret; pfn++) {
			if (!page_in_use(pfn_to_page(sim, pfn)))
				continue;
			snprintf(name, sizeof(name), "%lu", pfn);
			ret = fill(ctx, name, false);
		}
		return ret;
	case N_NONE:
		return -ENOENT;
	default:
		return -ENOTDIR;
	}
}

/* render - the text of a readable file, from its one renderer. */
static int render(struct sim *sim, struct node *nd, struct strbuf *out)
{
	switch (nd->kind) {
	case N_CTL:
		sim_usage(out, false);
		break;
	case N_PID_CTL:
		sim_usage(out, true);
		break;
	case N_DMESG:
		strbuf_add(out, sim->dmesg.buf ? sim->dmesg.buf : "", sim->dmesg.len);
		break;
	case N_JOURNAL:
		strbuf_add(out, sim->journal.buf ? sim->journal.buf : "", sim->journal.len);
		break;
	case N_FILE:
		show_file(out, sim, nd->inode);
		break;
	case N_SYSCTL:
		strbuf_printf(out, "%ld\n", sysctl_value(sim, nd->sub));
		break;
	case N_PID_MAPS:
		show_maps(out, nd->task);
		break;
	case N_PID_STATUS:
		proc_pid_status(out, nd->task);
		break;
	case N_PID_SMAPS:
		show_smaps(out, nd->task);
		break;
	case N_PID_SMAPS_ROLLUP:
		show_smaps_rollup(out, nd->task);
		break;
	case N_PID_PAGETABLE:
		show_pagetable(out, nd->task);
		break;
	case N_PID_ANON_VMA_DOT:
		show_rmap_graph(out, sim, nd->task);
		break;
	case N_PID_PAGEMAP:
		return -EFBIG;	/* 256 GiB: read it in ranges */
	case N_KPAGECOUNT:
		return kpagecount_read(sim, 0, (size_t)kpage_size(sim), out);
	case N_KPAGEFLAGS:
		return kpageflags_read(sim, 0, (size_t)kpage_size(sim), out);
	case N_ANON_VMA:
		show_anon_vma(out, sim, nd->av);
		break;
	case N_PAGE:
		show_page(out, sim, nd->pfn);
		break;
	case N_GRAPH:
		show_rmap_graph(out, sim, NULL);
		break;
	case N_MEMINFO:
		show_meminfo(out, sim);
		break;
	case N_SLABINFO:
		show_slabinfo(out, sim);
		break;
	case N_SWAPS:
		show_swaps(out, sim);
		break;
	case N_TRACE:
		trace_render(&sim->trace, out);
		break;
	case N_VMSTAT:
		show_vmstat(out, sim);
		break;
	case N_KSM:
		show_ksm(out, sim);
		break;
	case N_BALLOON:
		show_balloon(out, sim);
		break;
	case N_NONE:
		return -ENOENT;
	default:
		return -EISDIR;
	}
	return out->failed ? -ENOMEM : 0;
}

int vfs_render(struct sim *sim, const char *path, struct strbuf *out)
{
	struct node nd = lookup(sim, path);

	return render(sim, &nd, out);
}

/*
 * binary_read - the bytes [@off, @off + @len) of a binary file, computed
 * now. A process that exited since the open reads as empty, as pagemap of
 * an exited task does (mmget_not_zero fails).
 */
static int binary_read(struct sim *sim, enum node_kind kind, int pid,
		       off_t off, size_t len, struct strbuf *out)
{
	struct task_struct *task;

	if (off < 0)
		return -EINVAL;
	switch (kind) {
	case N_PID_PAGEMAP:
		task = find_task(sim, pid);
		if (!task)
			return 0;	/* checked before the alignment */
		return pagemap_read(task->mm, (uint64_t)off, len, out);
	case N_KPAGECOUNT:
		return kpagecount_read(sim, (uint64_t)off, len, out);
	case N_KPAGEFLAGS:
		return kpageflags_read(sim, (uint64_t)off, len, out);
	default:
		return -EINVAL;
	}
}

int vfs_read_range(struct sim *sim, const char *path, off_t off, size_t len,
		   struct strbuf *out)
{
	struct node nd = lookup(sim, path);
	struct strbuf all = STRBUF_INIT;
	int err;

	if (nd.kind == N_NONE)
		return -ENOENT;
	if (is_dir(nd.kind))
		return -EISDIR;
	if (is_binary(nd.kind))
		return binary_read(sim, nd.kind, nd.task ? nd.task->pid : 0,
				   off, len, out);
	if (off < 0)
		return -EINVAL;
	err = render(sim, &nd, &all);
	if (!err && (size_t)off < all.len) {
		size_t n = all.len - (size_t)off < len ? all.len - (size_t)off : len;

		strbuf_add(out, all.buf + off, n);
		if (out->failed)
			err = -ENOMEM;
	}
	strbuf_release(&all);
	return err;
}

/* ---- open files ---- */

struct vfs_handle {
	enum node_kind kind;
	int pid;			/* /PID/ctl: the implied pid */
	const char *sysctl;		/* /sysctl/vm/NAME */
	struct strbuf text;		/* snapshot, or ctl usage */
	size_t text_pos;		/* ctl: usage bytes already read */
	struct strbuf results;		/* ctl: result lines not yet read */
	struct strbuf partial;		/* ctl: text after the last newline */
	struct strbuf fail_tail;	/* ctl: what a retried short write resends */
	int fail_err;
	bool written;
	bool skip_line;			/* ctl: inside a refused overlong line */
};

int vfs_open(struct sim *sim, const char *path, bool write,
	     struct vfs_handle **hp)
{
	struct node nd = lookup(sim, path);
	struct vfs_handle *h;
	int err;

	if (nd.kind == N_NONE)
		return -ENOENT;
	if (is_dir(nd.kind))
		return -EISDIR;
	if (write && !is_ctl(nd.kind) && nd.kind != N_SYSCTL)
		return -EACCES;
	h = rm_calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->kind = nd.kind;
	h->pid = nd.task ? nd.task->pid : 0;
	h->sysctl = nd.sub;
	if (is_binary(nd.kind)) {
		*hp = h;	/* nothing to snapshot: each read computes */
		return 0;
	}
	err = render(sim, &nd, &h->text);
	if (err) {
		strbuf_release(&h->text);
		free(h);
		return err;	/* never a truncated file */
	}
	*hp = h;
	return 0;
}

ssize_t vfs_read(struct sim *sim, struct vfs_handle *h, char *buf,
		 size_t size, off_t off)
{
	size_t n;

	if (is_ctl(h->kind)) {
		/* a stream: result lines if ever written, else the usage */
		struct strbuf *src = h->written ? &h->results : &h->text;
		size_t pos = h->written ? 0 : h->text_pos;

		n = src->len - pos < size ? src->len - pos : size;
		if (n)
			memcpy(buf, src->buf + pos, n);
		if (h->written)
			strbuf_consume(&h->results, n);
		else
			h->text_pos += n;
		return (ssize_t)n;
	}
	if (off < 0)
		return -EINVAL;
	if (is_binary(h->kind)) {
		struct strbuf range = STRBUF_INIT;
		int err = binary_read(sim, h->kind, h->pid, off, size, &range);

		n = range.len;
		if (!err && n)
			memcpy(buf, range.buf, n);
		strbuf_release(&range);
		return err ? err : (ssize_t)n;
	}
	if ((size_t)off >= h->text.len)
		return 0;
	n = h->text.len - (size_t)off < size ? h->text.len - (size_t)off : size;
	memcpy(buf, h->text.buf + off, n);
	return (ssize_t)n;
}

/* A sysctl write: "VALUE\n" to /sysctl/DIR/NAME becomes
 * `sysctl DIR.NAME VALUE`. */
static ssize_t sysctl_write(struct sim *sim, struct vfs_handle *h,
			    const char *buf, size_t size)
{
	char line[128];
	size_t n = size;
	int err;

	/* one value; anything longer than a number is rejected by the parser */
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	if (n > 64)
		n = 64;
	snprintf(line, sizeof(line), "sysctl %s %.*s", h->sysctl, (int)n, buf);
	*strchr(line + 7, '/') = '.';
	err = sim_exec_line(sim, line, strlen(line), 0, NULL);
	return err ? err : (ssize_t)size;
}

/*
 * vfs_write on a ctl file - run each complete line in order. A failing
 * line stops the write: it returns the bytes of the lines before it, or
 * the errno when the failing line is the first. The shell then resends
 * the rest, and gets the error without the line running twice.
 */
ssize_t vfs_write(struct sim *sim, struct vfs_handle *h, const char *buf,
		  size_t size)
{
	struct strbuf all = STRBUF_INIT;
	size_t carried, pos = 0;
	ssize_t ret = (ssize_t)size;

	if (h->kind == N_SYSCTL)
		return sysctl_write(sim, h, buf, size);
	if (!is_ctl(h->kind))
		return -EACCES;
	h->written = true;

	if (h->fail_tail.len && size == h->fail_tail.len &&
	    !memcmp(buf, h->fail_tail.buf, size)) {
		strbuf_reset(&h->fail_tail);
		return h->fail_err;
	}
	strbuf_reset(&h->fail_tail);

	carried = h->partial.len;
	strbuf_add(&all, h->partial.buf ? h->partial.buf : "", h->partial.len);
	strbuf_add(&all, buf, size);
	if (all.failed) {
		/* nothing ran; the partial line stays for the retry */
		strbuf_release(&all);
		sim_printk(sim, "rmapfs: write of %zu bytes to a ctl file: ENOMEM "
			   "(no memory to copy it, nothing ran)", size);
		return -ENOMEM;
	}
	strbuf_reset(&h->partial);

	if (h->skip_line) {
		/* the rest of a line already refused as too long */
		const char *nl = memchr(all.buf, '\n', all.len);

		if (!nl) {
			strbuf_release(&all);
			return (ssize_t)size;
		}
		pos = (size_t)(nl - all.buf) + 1;
		h->skip_line = false;
	}
	while (pos < all.len) {
		const char *nl = memchr(all.buf + pos, '\n', all.len - pos);
		int err;

		if (!nl) {
			/* keep the unfinished line for the next write or close,
			 * but never more than a line may hold */
			if (all.len - pos > SIM_LINE_MAX) {
				err = sim_exec_line(sim, all.buf + pos, all.len - pos,
						    h->pid, &h->results);
				h->skip_line = true;	/* drop its rest */
				ret = pos <= carried ? err : (ssize_t)(pos - carried);
				break;
			}
			strbuf_add(&h->partial, all.buf + pos, all.len - pos);
			if (h->partial.failed) {
				/* the line so far is lost: refuse its rest */
				strbuf_release(&h->partial);
				h->skip_line = true;
				sim_printk(sim, "rmapfs: unfinished line of %zu bytes "
					   "on a ctl file: ENOMEM (dropped)",
					   all.len - pos);
				ret = pos <= carried ? -ENOMEM :
					(ssize_t)(pos - carried);
			}
			break;
		}
		err = sim_exec_line(sim, all.buf + pos,
				    (size_t)(nl - (all.buf + pos)), h->pid,
				    &h->results);
		if (err) {
			if (pos <= carried) {
				ret = err;
			} else {
				ret = (ssize_t)(pos - carried);
				strbuf_add(&h->fail_tail, buf + ret,
					   size - (size_t)ret);
				h->fail_err = err;
			}
			break;
		}
		pos = (size_t)(nl - all.buf) + 1;
	}
	strbuf_release(&all);
	return ret;
}

int vfs_flush(struct sim *sim, struct vfs_handle *h)
{
	int err;

	if (!is_ctl(h->kind) || !h->partial.len)
		return 0;
	err = sim_exec_line(sim, h->partial.buf, h->partial.len, h->pid,
			    &h->results);
	strbuf_reset(&h->partial);
	return err;
}

void vfs_release(struct sim *sim, struct vfs_handle *h)
{
	(void)sim;
	strbuf_release(&h->text);
	strbuf_release(&h->results);
	strbuf_release(&h->partial);
	strbuf_release(&h->fail_tail);
	free(h);
}
