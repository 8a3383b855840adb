/* tests/fuzz/harness.c - run harness scripts (tests/fuzz/fuzz.h) on a
 * fresh machine and turn every invariant violation, render failure,
 * non-atomic failure or journal divergence into abort(), with the script
 * so far on stderr so the finding can be replayed by hand.
 *
 * What a finding looks like is decided here once, for both fuzz targets
 * and the regression replay, so a crash found by one reproduces in the
 * others.
 */
#define _GNU_SOURCE		/* memmem */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fuzz.h"
#include "mm_types.h"
#include "proc.h"
#include "sim.h"
#include "strbuf.h"
#include "vfs.h"

struct fuzz_run {
	struct sim *sim;
	unsigned long frames;
	unsigned long lines;		/* lines seen: the line number */
	bool print;			/* $FUZZ_PRINT: echo each line */
	bool injected_ok;		/* a !N line succeeded: no replay */
	long rss_base;			/* peak RSS in KiB when the run began */
	struct strbuf script;		/* the lines run, for the report */
	struct strbuf state;		/* the machine after the last line */
	struct strbuf next;		/* the machine being rendered now */
	struct strbuf scratch;
};

struct sim *fuzz_sim(struct fuzz_run *run)
{
	return run->sim;
}

static void die(struct fuzz_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(struct fuzz_run *run, const char *fmt, ...)
{
	va_list ap;

	fputs("rmapfs fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n---- script (%lu frames) ----\n# frames=%lu\n",
		run->frames, run->frames);
	if (run->script.len)
		fwrite(run->script.buf, 1, run->script.len, stderr);
	fputs("---- end ----\n", stderr);
	abort();
}

/* Append @src to @dst (an empty strbuf may have no buffer at all). */
static void add_sb(struct strbuf *dst, const struct strbuf *src)
{
	if (src->len)
		strbuf_add(dst, src->buf, src->len);
}

/* ---- rendering the whole tree ---- */

/* readdir callback: "dNAME\0" or "fNAME\0" per entry, into a strbuf. */
static int collect(void *ctx, const char *name, bool is_dir)
{
	struct strbuf *list = ctx;

	strbuf_putc(list, is_dir ? 'd' : 'f');
	strbuf_add(list, name, strlen(name) + 1);
	return list->failed ? -ENOMEM : 0;
}

/*
 * A /vmstat without the counters a failed access moves by design: the
 * signal counts, and pgfault, which a SIGBUS counts because the kernel
 * entered handle_mm_fault (core/memory.c, access_fail).
 */
static void add_vmstat(struct strbuf *out, const struct strbuf *text)
{
	const char *p = text->buf, *end = text->buf + text->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (strncmp(p, "sim_sigsegv ", 12) && strncmp(p, "sim_sigbus ", 11) &&
		    strncmp(p, "pgfault ", 8))
			strbuf_add(out, p, n);
		p += n;
	}
}

/*
 * render_pagemap - /PID/pagemap cannot be rendered whole (256 GiB); read
 * the entries of the first pages of every VMA, and once at a bad offset,
 * which must be EINVAL as in the kernel.
 */
static void render_pagemap(struct fuzz_run *run, const char *path)
{
	struct task_struct *task = find_task(run->sim, atoi(path + 1));
	struct vm_area_struct *vma;
	int err, n = 0;

	if (!task)
		die(run, "%s listed for a pid that find_task does not know", path);
	for (vma = task->mm->mmap; vma && n < 64; vma = vma->vm_next, n++) {
		unsigned long pages = (vma->vm_end - vma->vm_start) >> 12;

		strbuf_reset(&run->scratch);
		err = vfs_read_range(run->sim, path,
				     (off_t)((vma->vm_start >> 12) * 8),
				     (pages < 8 ? pages : 8) * 8, &run->scratch);
		if (err)
			die(run, "read %s at %#lx: %s", path, vma->vm_start,
			    errno_name(err));
		strbuf_printf(&run->next, "== %s %lx\n", path, vma->vm_start);
		add_sb(&run->next, &run->scratch);
	}
	strbuf_reset(&run->scratch);
	err = vfs_read_range(run->sim, path, 4, 8, &run->scratch);
	if (err != -EINVAL)
		die(run, "read %s at offset 4: %s, not EINVAL", path,
		    errno_name(err));
}

static void render_file(struct fuzz_run *run, const char *path)
{
	size_t plen = strlen(path), digits = strspn(path + 1, "0123456789");
	int err;

	/* /PID/pagemap only: a simulated file may be named .../pagemap too */
	if (digits && plen == 1 + digits + 8 && !strcmp(path + plen - 8, "/pagemap")) {
		render_pagemap(run, path);
		return;
	}
	strbuf_reset(&run->scratch);
	err = vfs_render(run->sim, path, &run->scratch);
	if (err)
		die(run, "render %s: %s", path, errno_name(err));
	if (run->scratch.failed)
		die(run, "render %s: out of memory", path);
	if (!strcmp(path, "/dmesg") || !strcmp(path, "/trace"))
		return;		/* grow with failures too */
	strbuf_printf(&run->next, "== %s\n", path);
	if (!strcmp(path, "/vmstat"))
		add_vmstat(&run->next, &run->scratch);
	else
		add_sb(&run->next, &run->scratch);
}

/* render_dir - every entry below @dir, depth first, in listing order. */
static void render_dir(struct fuzz_run *run, const char *dir, int depth)
{
	struct strbuf list = STRBUF_INIT, path = STRBUF_INIT;
	struct vfs_attr attr;
	const char *p;
	int err;

	if (depth > 64)
		die(run, "directory %s nested deeper than 64", dir);
	err = vfs_readdir(run->sim, dir, collect, &list);
	if (err)
		die(run, "readdir %s: %s", dir, errno_name(err));
	for (p = list.buf; list.len && p < list.buf + list.len;
	     p += strlen(p) + 1) {
		bool is_dir = *p++ == 'd';

		strbuf_reset(&path);
		strbuf_printf(&path, "%s/%s", strcmp(dir, "/") ? dir : "", p);
		if (path.failed)
			die(run, "out of memory");
		err = vfs_getattr(run->sim, path.buf, &attr);
		if (err || attr.is_dir != is_dir)
			die(run, "getattr %s: %s, is_dir %d, listed as %d",
			    path.buf, errno_name(err), attr.is_dir, is_dir);
		if (is_dir)
			render_dir(run, path.buf, depth + 1);
		else
			render_file(run, path.buf);
	}
	strbuf_release(&path);
	strbuf_release(&list);
}

/* Render the whole machine into run->next. */
static void render_all(struct fuzz_run *run)
{
	strbuf_reset(&run->next);
	render_dir(run, "/", 0);
	if (run->next.failed)
		die(run, "out of memory");
}

/* Die with the first difference of two renders: the file, and the line
 * of each (@la and @lb name them). */
static void report_diff(struct fuzz_run *run, const struct strbuf *a,
			const struct strbuf *b, const char *what,
			const char *la, const char *lb)
{
	size_t i = 0, n = a->len < b->len ? a->len : b->len, ls, hs;
	const char *buf = a->len ? a->buf : b->buf;

	while (i < n && a->buf[i] == b->buf[i])
		i++;
	for (ls = i; ls && buf[ls - 1] != '\n'; ls--)
		;
	for (hs = ls; hs && !(buf[hs] == '=' && buf[hs + 1] == '=' &&
			      (hs == 0 || buf[hs - 1] == '\n')); hs--)
		;
	die(run, "%s; first difference in \"%.*s\" at\n  %s: %.*s\n  %s: %.*s",
	    what, (int)(strchr(buf + hs, '\n') - (buf + hs)), buf + hs, la,
	    (int)(a->len > ls ? strcspn(a->buf + ls, "\n") : 0),
	    a->len > ls ? a->buf + ls : "", lb,
	    (int)(b->len > ls ? strcspn(b->buf + ls, "\n") : 0),
	    b->len > ls ? b->buf + ls : "");
}

static bool same(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->buf, b->buf, a->len));
}

/* ---- one run ---- */

/* The peak resident set of this process so far, in KiB. */
static long peak_rss(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_maxrss;
}

static struct sim *new_machine(unsigned long frames)
{
	struct sim_options opt;

	sim_options_init(&opt);
	opt.frames = frames;
	return sim_new(&opt);
}

struct fuzz_run *fuzz_begin(unsigned long frames)
{
	struct fuzz_run *run = calloc(1, sizeof(*run));

	if (!run)
		return NULL;
	run->frames = frames;
	run->print = getenv("FUZZ_PRINT") != NULL;
	run->rss_base = peak_rss();
	run->sim = new_machine(frames);
	if (!run->sim) {
		free(run);
		return NULL;
	}
	if (run->print)
		fprintf(stderr, "# frames=%lu\n", frames);
	render_all(run);
	add_sb(&run->state, &run->next);
	return run;
}

/* Skip blanks as the core's word splitter does. */
static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* A directive's number: decimal digits, at most @max. */
static const char *directive_num(const char *p, const char *end, long max,
				 long *v)
{
	*v = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		if (*v <= max)
			*v = *v * 10 + (*p - '0');
		p++;
	}
	if (*v > max)
		*v = max;
	return skip_blanks(p, end);
}

/* A length as the core parses it (decimal, 0x hex, K/M/G); false if not. */
static bool parse_len(const char *s, size_t n, unsigned long *out)
{
	unsigned long v = 0, base = 10, mult = 1;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (n && (s[n - 1] == 'K' || s[n - 1] == 'M' || s[n - 1] == 'G')) {
		mult = s[n - 1] == 'K' ? 1UL << 10 :
		       s[n - 1] == 'M' ? 1UL << 20 : 1UL << 30;
		n--;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		unsigned long d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned long)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned long)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned long)(c - 'A' + 10);
		else
			return false;
		if (v > (~0UL - d) / base)
			return false;
		v = v * base + d;
	}
	if (v > ~0UL / mult)
		return false;
	*out = v * mult;
	return true;
}

/*
 * too_long - a touch, or an mmap with populate, of more than FUZZ_MAX_LEN
 * bytes: one access per page would make the input slow, not interesting.
 * Words are split as the core splits them; @pidctl: the PID is implied.
 */
static bool too_long(const char *p, const char *end, bool pidctl)
{
	const char *w[8];
	size_t wl[8];
	unsigned long len;
	int nr = 0, shift = pidctl ? 1 : 0;

	while (nr < 8) {
		p = skip_blanks(p, end);
		if (p == end || *p == '#' || *p == '\n')
			break;
		w[nr] = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '#' && *p != '\n')
			p++;
		wl[nr] = (size_t)(p - w[nr]);
		nr++;
	}
	if (nr < 4 - shift || !parse_len(w[3 - shift], wl[3 - shift], &len) ||
	    len <= FUZZ_MAX_LEN)
		return false;
	if (wl[0] == 5 && !memcmp(w[0], "touch", 5))
		return true;
	return wl[0] == 4 && !memcmp(w[0], "mmap", 4) && nr > 5 - shift &&
	       memmem(w[5 - shift], wl[5 - shift], "populate", 8);
}

int fuzz_line(struct fuzz_run *run, const char *line, size_t len,
	      struct strbuf *out)
{
	const char *p = line, *end = line + len;
	struct strbuf result = STRBUF_INIT, why = STRBUF_INIT;
	long failnth = -1, pid = 0;
	int err;

	run->lines++;
	if (p < end && *p == '!')
		p = directive_num(p + 1, end, 100000, &failnth);
	if (p < end && *p == '@')
		p = directive_num(p + 1, end, 1000000, &pid);
	if (too_long(p, end, pid != 0))
		return 1;
	if (run->print) {
		fwrite(line, 1, len, stderr);
		fputc('\n', stderr);
	}
	strbuf_add(&run->script, line, len);
	strbuf_putc(&run->script, '\n');

	rm_fail_nth(failnth);
	err = sim_exec_line(run->sim, p, (size_t)(end - p), (int)pid, &result);
	rm_fail_nth(-1);
	if (failnth >= 0 && !err)
		run->injected_ok = true;
	if (run->print)		/* a comment: the output stays a script */
		fprintf(stderr, "#  -> %s%s", err ? errno_name(err) : "ok ",
			err ? "\n" : result.len ? result.buf : "\n");
	if (err && !strcmp(errno_name(err), "EUNKNOWN"))	/* /dmesg names it */
		die(run, "line %lu: errno %d has no name in errno_name()",
		    run->lines, -err);
	if (!err && result.len && result.buf[result.len - 1] != '\n')
		die(run, "line %lu: result \"%s\" has no newline", run->lines,
		    result.buf);
	if (out)
		add_sb(out, &result);
	strbuf_release(&result);

	/* before the check, whose walks may take as long as the memory */
	if (peak_rss() - run->rss_base > FUZZ_MAX_GROWTH_MB * 1024)
		die(run, "line %lu: the process grew by %ld MiB", run->lines,
		    (peak_rss() - run->rss_base) / 1024);
	if (sim_check(run->sim, &why))
		die(run, "line %lu (%s): check failed: %s", run->lines,
		    err ? errno_name(err) : "ok", why.buf ? why.buf : "?");
	strbuf_release(&why);

	render_all(run);
	if (err && !same(&run->state, &run->next))
		report_diff(run, &run->state, &run->next,
			    "a failed line changed the machine", "before",
			    "after ");
	strbuf_reset(&run->state);
	add_sb(&run->state, &run->next);
	return err;
}

/*
 * replay_journal - /journal on a fresh machine of the same size must run
 * line for line and end in the same files ("Feeding it to rmapsim ...
 * reproduces the same state").
 */
static void replay_journal(struct fuzz_run *run)
{
	struct sim *orig = run->sim, *copy = new_machine(run->frames);
	struct strbuf journal = STRBUF_INIT;
	const char *p, *end;
	int err;

	if (!copy)
		return;
	add_sb(&journal, &orig->journal);
	if (journal.failed)
		die(run, "out of memory");
	run->sim = copy;
	p = journal.buf;
	end = journal.len ? p + journal.len : p;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		err = sim_exec_line(copy, p, n, 0, NULL);
		if (err) {
			run->sim = orig;
			die(run, "journal replay: \"%.*s\": %s", (int)n, p,
			    errno_name(err));
		}
		p += n + 1;
	}
	render_all(run);
	run->sim = orig;
	sim_free(copy);
	strbuf_release(&journal);
	if (!same(&run->state, &run->next))
		report_diff(run, &run->state, &run->next,
			    "the journal replayed gives another machine",
			    "run     ", "replayed");
}

void fuzz_end(struct fuzz_run *run)
{
	if (!run->injected_ok)
		replay_journal(run);
	sim_free(run->sim);
	strbuf_release(&run->script);
	strbuf_release(&run->state);
	strbuf_release(&run->next);
	strbuf_release(&run->scratch);
	free(run);
}

void fuzz_script(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = size ? p + size : p;
	unsigned long frames = FUZZ_FRAMES, lines = 0;
	struct fuzz_run *run;

	if (size > 9 && !memcmp(p, "# frames=", 9)) {
		long v;

		directive_num(p + 9, end, 4096, &v);
		frames = v < 16 ? 16 : (unsigned long)v;
	}
	run = fuzz_begin(frames);
	if (!run)
		return;
	while (p < end && lines < FUZZ_MAX_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		fuzz_line(run, p, n, NULL);
		lines++;
		p += n + 1;
	}
	fuzz_end(run);
}
