/* tools/bench.c - issue 6's benchmark: each workload on this machine's own
 * kernel with real processes and in the simulator, side by side.
 *
 * The real side runs in a fresh worker (this program re-executed as
 * `bench --real KIND ...`, THP disabled with PR_SET_THP_DISABLE), so that
 * no state of the simulator (heap pages, VMAs) is copied by the real
 * forks being timed. A worker maps at fixed addresses in the window
 * [BENCH_WIN, ...) and times exactly the operation with CLOCK_MONOTONIC,
 * not its set-up; it prints its samples (seconds) on stdout.
 *
 * The simulator side runs in this process through the core library
 * (sim_exec_line: every command parsed and run as /ctl runs it), or
 * through a mount of build/rmapfs that this program starts, waits for,
 * unmounts and reaps itself. The only other process it ends is one it
 * started and is waiting for.
 *
 * Nothing here asserts a timing. The exit status is 1 only when something
 * broke: a simulator command or `check` failed, a worker died, the mount
 * did not come up or did not exit 0.
 *
 * docs/bench.md says what each row measures on each side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mm.h"
#include "bench.h"
#include "page.h"
#include "pgtable.h"
#include "rmap.h"
#include "sim.h"
#include "strbuf.h"
#include "vfs.h"
#include "proc.h"


static struct {
	bool quick, large;
	int reps;
	const char *self;		/* /proc/self/exe, for the workers */
	char rmapfs[PATH_MAX];		/* the FUSE daemon next to us */
	char rmapsim[PATH_MAX];
	char tmpdir[256];		/* mountpoint and scripts; removed at exit */
} cfg;

static int nr_broken;		/* things that failed: the exit status */

/* ---------------------------------------------------------------- helpers */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void broken(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench: BROKEN: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nr_broken++;
}

/* Host heap bytes in use (mallinfo2: brk arena plus mmapped chunks). */
static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* "12.3 ms" style, three significant figures. */
static const char *fmt_time(char *buf, size_t n, double s)
{
	if (isnan(s))
		snprintf(buf, n, "-");
	else if (s >= 1)
		snprintf(buf, n, "%.3g s", s);
	else if (s >= 1e-3)
		snprintf(buf, n, "%.3g ms", s * 1e3);
	else if (s >= 1e-6)
		snprintf(buf, n, "%.3g us", s * 1e6);
	else
		snprintf(buf, n, "%.3g ns", s * 1e9);
	return buf;
}

static const char *fmt_bytes(char *buf, size_t n, double b)
{
	if (isnan(b) || b < 0)
		snprintf(buf, n, "-");
	else if (b >= 1 << 30)
		snprintf(buf, n, "%.1f GiB", b / (1 << 30));
	else if (b >= 1 << 20)
		snprintf(buf, n, "%.1f MiB", b / (1 << 20));
	else if (b >= 1 << 10)
		snprintf(buf, n, "%.1f KiB", b / (1 << 10));
	else
		snprintf(buf, n, "%.0f B", b);
	return buf;
}

/* ------------------------------------------------------- the simulator */

static struct sim *sim_boot(unsigned long frames, long swap)
{
	struct sim_options opt;
	struct sim *sim;

	sim_options_init(&opt);
	opt.frames = frames;
	if (swap >= 0)
		opt.swap_slots = (unsigned long)swap;
	sim = sim_new(&opt);
	if (!sim) {
		fprintf(stderr, "bench: sim_new(frames=%lu) failed\n", frames);
		exit(1);
	}
	return sim;
}

static struct strbuf sim_out = STRBUF_INIT;

/* Run one command; a failure is a broken benchmark. Return: 0 or -errno. */
static int simc(struct sim *sim, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int simc(struct sim *sim, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strbuf_reset(&sim_out);
	err = sim_exec_line(sim, line, (size_t)n, 0, &sim_out);
	if (err)
		broken("simulator: %s", sim->last_err.buf);
	return err;
}

/* Run a script of many lines; their result lines are dropped (and their
 * buffer freed, so that it never counts in a memory figure). */
static void sim_script(struct sim *sim, struct strbuf *sb)
{
	struct strbuf res = STRBUF_INIT;
	size_t done;

	if (sb->failed)
		broken("out of memory building a script");
	else if (sim_exec_buf(sim, sb->buf, sb->len, 0, &res, &done))
		broken("simulator: %s", sim->last_err.buf);
	strbuf_release(&res);
	strbuf_release(sb);
}

/* The result of the last simc() as a number (a pid, an address). */
static unsigned long sim_result(void)
{
	return sim_out.len ? strtoul(sim_out.buf, NULL, 0) : 0;
}

static void sim_checked(struct sim *sim, const char *what)
{
	struct strbuf why = STRBUF_INIT;

	if (sim_check(sim, &why))
		broken("%s: check failed: %s", what, why.buf ? why.buf : "?");
	strbuf_release(&why);
}

/* The pfn mapped at @addr in @pid, from /PID/pagemap (0 if none). */
static unsigned long sim_pfn(struct sim *sim, int pid, unsigned long addr)
{
	struct strbuf out = STRBUF_INIT;
	char path[64];
	uint64_t e = 0;

	snprintf(path, sizeof(path), "/%d/pagemap", pid);
	if (vfs_read_range(sim, path, (off_t)(addr / PG * 8), 8, &out) == 0 &&
	    out.len == 8)
		memcpy(&e, out.buf, 8);
	strbuf_release(&out);
	if (!(e & (1ULL << 63)))
		return 0;
	return (unsigned long)(e & ((1ULL << 55) - 1));
}

struct real_result {
	double med;		/* median sample, seconds */
	double rss;		/* worker's VmRSS + VmPTE at the end, bytes */
	unsigned long bytes;	/* file size read, for maps/smaps */
};

/* Run a worker and take the median of its samples. */
static struct real_result real_run(const char *kind, unsigned long n,
				   unsigned long m, int reps)
{
	struct real_result res = { NAN, NAN, 0 };
	char a1[32], a2[32], a3[32], buf[8192];
	double s[256];
	int fds[2], ns = 0, status;
	size_t len = 0;
	ssize_t got;
	pid_t pid;
	char *tok, *save;

	snprintf(a1, sizeof(a1), "%lu", n);
	snprintf(a2, sizeof(a2), "%lu", m);
	snprintf(a3, sizeof(a3), "%d", reps);
	if (pipe(fds))
		exit(1);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(cfg.self, cfg.self, "--real", kind, a1, a2, a3,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof(buf) - 1 &&
	       (got = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		broken("real worker %s %lu %lu failed (status %#x)", kind, n, m,
		       status);
		return res;
	}
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(tok, "rss")) {
			tok = strtok_r(NULL, " \n", &save);
			res.rss = tok ? strtod(tok, NULL) : NAN;
		} else if (!strcmp(tok, "bytes")) {
			tok = strtok_r(NULL, " \n", &save);
			res.bytes = tok ? strtoul(tok, NULL, 0) : 0;
		} else if (ns < 256) {
			s[ns++] = strtod(tok, NULL);
		}
	}
	res.med = median(s, ns);
	return res;
}

/* ------------------------------------------------------------- the mount */

static pid_t mount_pid;
static char mount_dir[PATH_MAX];

static int run_wait(char *const argv[], bool quiet)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Unmount and reap our daemon. Return: its exit status, -1 if none. */
static int mount_stop(void)
{
	char *argv[] = { "fusermount3", "-u", mount_dir, NULL };
	int status, i;

	if (!mount_pid)
		return -1;
	run_wait(argv, false);
	for (i = 0; i < 200; i++) {
		if (waitpid(mount_pid, &status, WNOHANG) == mount_pid)
			break;
		usleep(50000);
	}
	if (i == 200) {
		/* It is ours and did not go: end it, by its pid only. */
		kill(mount_pid, SIGTERM);
		waitpid(mount_pid, &status, 0);
	}
	mount_pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void cleanup(void)
{
	char path[PATH_MAX + 32];

	if (mount_pid)
		mount_stop();
	if (cfg.tmpdir[0]) {
		snprintf(path, sizeof(path), "%s/mnt", cfg.tmpdir);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/setup.rmap", cfg.tmpdir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/full.rmap", cfg.tmpdir);
		unlink(path);
		rmdir(cfg.tmpdir);
	}
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Start `rmapfs -f -o frames=N DIR` and wait for its ctl. Return: 0/-1. */
static int mount_start(unsigned long frames)
{
	char opt[64], ctl[PATH_MAX + 8];
	struct stat st;

	snprintf(mount_dir, sizeof(mount_dir), "%s/mnt", cfg.tmpdir);
	mkdir(mount_dir, 0700);
	snprintf(opt, sizeof(opt), "frames=%lu", frames);
	snprintf(ctl, sizeof(ctl), "%s/ctl", mount_dir);
	mount_pid = fork();
	if (mount_pid < 0) {
		mount_pid = 0;
		return -1;
	}
	if (mount_pid == 0) {
		execl(cfg.rmapfs, cfg.rmapfs, "-f", "-o", opt, mount_dir,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		int status;

		if (stat(ctl, &st) == 0)
			return 0;
		if (waitpid(mount_pid, &status, WNOHANG) == mount_pid) {
			mount_pid = 0;
			return -1;
		}
		usleep(50000);
	}
	mount_stop();
	return -1;
}

/* Write @len bytes of commands to DIR/ctl in writes of up to 1 MiB. */
static int ctl_write(const char *buf, size_t len)
{
	char ctl[PATH_MAX + 8];
	size_t off = 0;
	int fd;

	snprintf(ctl, sizeof(ctl), "%s/ctl", mount_dir);
	fd = open(ctl, O_WRONLY);
	if (fd < 0)
		return -1;
	while (off < len) {
		size_t n = len - off > (1 << 20) ? 1 << 20 : len - off;
		ssize_t w = write(fd, buf + off, n);

		if (w <= 0) {
			broken("write to %s: %s", ctl,
			       w < 0 ? strerror(errno) : "short");
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

/* ------------------------------------------------------------ the table */

static void table_head(void)
{
	printf("%-58s %10s %10s %7s %7s %10s %10s\n", "workload", "real",
	       "sim", "ratio", "target", "sim mem", "real mem");
}

static void table_row(const char *what, double real, double simt,
		      double target, double sim_mem, double real_mem)
{
	char r[32], s[32], m1[32], m2[32], t[16];
	double ratio = simt / real;

	if (target > 0)
		snprintf(t, sizeof(t), "%s%.2f", ratio <= target ? "<=" : "!>",
			 target);
	else
		snprintf(t, sizeof(t), "-");
	printf("%-58s %10s %10s %7.3f %7s %10s %10s\n", what,
	       fmt_time(r, sizeof(r), real), fmt_time(s, sizeof(s), simt),
	       ratio, t, fmt_bytes(m1, sizeof(m1), sim_mem),
	       fmt_bytes(m2, sizeof(m2), real_mem));
	fflush(stdout);
}

/* frames enough for @pages touched pages plus some room */
static unsigned long frames_for(unsigned long pages)
{
	unsigned long f = pages * 2 + 4096;

	return f < SIM_DEFAULT_FRAMES ? SIM_DEFAULT_FRAMES : f;
}

/* ------------------------------------------------------- the workloads */

struct timing {
	double real, sim;	/* medians, seconds */
	double sim_mem, real_mem;
};

/* Anonymous write or read faults on @n untouched pages. */
static struct timing bench_fault(unsigned long n, bool write)
{
	struct real_result rr = real_run(write ? "wfault" : "rfault", n, 0,
					 cfg.reps);
	struct timing t = { rr.med, NAN, NAN, rr.rss };
	double s[64];

	for (int r = 0; r < cfg.reps; r++) {
		size_t h0 = heap_bytes();
		struct sim *sim = sim_boot(frames_for(n), -1);
		char line[128];
		int len;
		double t0;

		simc(sim, "spawn");
		simc(sim, "mmap 1 %#lx %lu rw- private,fixed", BENCH_WIN, n * PG);
		len = snprintf(line, sizeof(line), "touch 1 %#lx %lu %s",
			       BENCH_WIN, n * PG, write ? "write" : "read");
		t0 = bench_now();
		if (sim_exec_line(sim, line, (size_t)len, 0, &sim_out))
			broken("simulator: %s", sim->last_err.buf);
		s[r] = bench_now() - t0;
		t.sim_mem = (double)(heap_bytes() - h0);
		if (r == 0)
			sim_checked(sim, "fault");
		sim_free(sim);
	}
	t.sim = median(s, cfg.reps);
	return t;
}

/* A child's write to each of @n pages its parent wrote before fork. */
static struct timing bench_cow(unsigned long n)
{
	struct real_result rr = real_run("cow", n, 0, cfg.reps);
	struct timing t = { rr.med, NAN, NAN, rr.rss };
	size_t h0 = heap_bytes();
	struct sim *sim = sim_boot(frames_for(n), -1);
	double s[64];
	char line[128];
	int len;

	simc(sim, "spawn");
	simc(sim, "mmap 1 %#lx %lu rw- private,fixed", BENCH_WIN, n * PG);
	simc(sim, "touch 1 %#lx %lu write", BENCH_WIN, n * PG);
	for (int r = 0; r < cfg.reps; r++) {
		double t0;
		unsigned long child;

		simc(sim, "fork 1");
		child = sim_result();
		len = snprintf(line, sizeof(line), "touch %lu %#lx %lu write",
			       child, BENCH_WIN, n * PG);
		t0 = bench_now();
		if (sim_exec_line(sim, line, (size_t)len, 0, &sim_out))
			broken("simulator: %s", sim->last_err.buf);
		s[r] = bench_now() - t0;
		t.sim_mem = (double)(heap_bytes() - h0);
		if (r == 0)
			sim_checked(sim, "cow");
		simc(sim, "exit %lu", child);
	}
	sim_free(sim);
	t.sim = median(s, cfg.reps);
	return t;
}

/* fork of a process with @n touched pages in @m VMAs (@vmas_only: @n
 * untouched one-page VMAs, @m unused). */
static struct timing bench_fork(unsigned long n, unsigned long m,
				bool vmas_only)
{
	struct real_result rr = vmas_only ? real_run("forkvmas", n, 0, cfg.reps)
					  : real_run("forkpages", n, m, cfg.reps);
	struct timing t = { rr.med, NAN, NAN, rr.rss };
	size_t h0 = heap_bytes();
	struct sim *sim = sim_boot(frames_for(n), -1);
	struct strbuf script = STRBUF_INIT;
	double s[64];

	simc(sim, "spawn");
	if (vmas_only) {
		for (unsigned long v = 0; v < n; v++)
			strbuf_printf(&script, "mmap 1 %#lx 4096 rw- private,fixed\n",
				      BENCH_WIN + 2 * v * PG);
	} else {
		unsigned long per = n / m, addr = BENCH_WIN;

		for (unsigned long v = 0; v < m; v++) {
			strbuf_printf(&script, "mmap 1 %#lx %lu rw- private,fixed\n"
				      "touch 1 %#lx %lu write\n", addr,
				      per * PG, addr, per * PG);
			addr += (per + 1) * PG;
		}
	}
	sim_script(sim, &script);
	for (int r = 0; r < cfg.reps; r++) {
		double t0;
		unsigned long child;

		strbuf_reset(&sim_out);
		t0 = bench_now();
		if (sim_exec_line(sim, "fork 1", 6, 0, &sim_out))
			broken("simulator: %s", sim->last_err.buf);
		s[r] = bench_now() - t0;
		child = strtoul(sim_out.buf, NULL, 10);
		strbuf_reset(&sim_out);
		t.sim_mem = (double)(heap_bytes() - h0);
		if (r == 0)
			sim_checked(sim, "fork");
		simc(sim, "exit %lu", child);
	}
	sim_free(sim);
	t.sim = median(s, cfg.reps);
	return t;
}

/*
 * mprotect one page of a 1024-page VMA and back, or munmap it and mmap it
 * back; per pair of calls. The real side makes the two system calls; the
 * simulator's figure is the same two calls into the core (do_mprotect,
 * do_munmap, vm_mmap_pgoff: what the syscalls' bodies do), without the
 * command language around them. What the text command layer adds (parse,
 * journal, result line) is measured too and printed under the row: at
 * one page per command it costs as much as the VMA work itself.
 */
static int split_pair(struct mm_struct *mm, bool mprot, unsigned long mid)
{
	long ret;

	if (mprot)
		return do_mprotect(mm, mid, PG, PROT_READ) ?:
		       do_mprotect(mm, mid, PG, PROT_READ | PROT_WRITE);
	if (do_munmap(mm, mid, PG))
		return -1;
	ret = vm_mmap_pgoff(mm, mid, PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	return ret == (long)mid ? 0 : -1;
}

static double split_cmd_cost;	/* per pair through sim_exec_line */

static struct timing bench_split(bool mprot)
{
	unsigned long iters = cfg.quick ? 2000 : 20000;
	struct real_result rr = real_run(mprot ? "mprotect" : "munmap", iters,
					 0, cfg.reps);
	struct timing t = { rr.med, NAN, NAN, rr.rss };
	size_t h0 = heap_bytes();
	struct sim *sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
	unsigned long mid = BENCH_WIN + 512 * PG;
	struct mm_struct *mm;
	char a[128], b[128];
	int la, lb;
	double s[64], c[64];

	simc(sim, "spawn");
	simc(sim, "mmap 1 %#lx %lu rw- private,fixed", BENCH_WIN, 1024 * PG);
	mm = find_task(sim, 1)->mm;
	if (mprot) {
		la = snprintf(a, sizeof(a), "mprotect 1 %#lx 4096 r--", mid);
		lb = snprintf(b, sizeof(b), "mprotect 1 %#lx 4096 rw-", mid);
	} else {
		la = snprintf(a, sizeof(a), "munmap 1 %#lx 4096", mid);
		lb = snprintf(b, sizeof(b), "mmap 1 %#lx 4096 rw- private,fixed",
			      mid);
	}
	for (int r = 0; r < cfg.reps; r++) {
		double t0 = bench_now();

		for (unsigned long i = 0; i < iters; i++) {
			if (split_pair(mm, mprot, mid)) {
				broken("simulator: %s pair failed",
				       mprot ? "mprotect" : "munmap/mmap");
				break;
			}
		}
		s[r] = (bench_now() - t0) / (double)iters;
		t0 = bench_now();
		for (unsigned long i = 0; i < iters; i++) {
			if (sim_exec_line(sim, a, (size_t)la, 0, &sim_out) ||
			    sim_exec_line(sim, b, (size_t)lb, 0, &sim_out)) {
				broken("simulator: %s", sim->last_err.buf);
				break;
			}
			strbuf_reset(&sim_out);
		}
		c[r] = (bench_now() - t0) / (double)iters;
	}
	if (mm->map_count != 1)
		broken("split/merge left %d VMAs", mm->map_count);
	t.sim_mem = (double)(heap_bytes() - h0);
	sim_checked(sim, "split");
	sim_free(sim);
	t.sim = median(s, cfg.reps);
	split_cmd_cost = median(c, cfg.reps);
	return t;
}

/* Build a script making @n one-page VMAs with a hole between each. */
static void script_vmas(struct strbuf *sb, unsigned long n)
{
	for (unsigned long v = 0; v < n; v++)
		strbuf_printf(sb, "mmap 1 %#lx 4096 rw- private,fixed\n",
			      BENCH_WIN + 2 * v * PG);
}

/* Read /1/maps (or smaps) of a process with @n VMAs: through the mount
 * when it is up, else in-process with vfs_render. */
static struct timing bench_maps(unsigned long n, bool smaps, bool mount)
{
	struct real_result rr = real_run(smaps ? "smaps" : "maps", n, 0,
					 cfg.reps);
	struct timing t = { rr.med, NAN, NAN, rr.rss };
	const char *file = smaps ? "smaps" : "maps";
	double s[64];

	if (mount) {
		char path[PATH_MAX + 16];
		struct strbuf sb = STRBUF_INIT;
		unsigned long bytes;

		if (mount_start(SIM_DEFAULT_FRAMES)) {
			broken("rmapfs did not mount on %s", mount_dir);
			return t;
		}
		strbuf_puts(&sb, "spawn\n");
		script_vmas(&sb, n);
		ctl_write(sb.buf, sb.len);
		strbuf_release(&sb);
		snprintf(path, sizeof(path), "%s/1/%s", mount_dir, file);
		for (int r = 0; r < cfg.reps; r++)
			s[r] = real_read_file(path, &bytes);
		if (!bytes)
			broken("%s was empty", path);
		if (mount_stop())
			broken("rmapfs did not exit 0 after unmount");
	} else {
		size_t h0 = heap_bytes();
		struct sim *sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
		struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
		char path[32];

		strbuf_puts(&sb, "spawn\n");
		script_vmas(&sb, n);
		sim_script(sim, &sb);
		snprintf(path, sizeof(path), "/1/%s", file);
		for (int r = 0; r < cfg.reps; r++) {
			double t0 = bench_now();

			strbuf_reset(&out);
			if (vfs_render(sim, path, &out))
				broken("render %s failed", path);
			s[r] = bench_now() - t0;
		}
		t.sim_mem = (double)(heap_bytes() - h0);
		strbuf_release(&out);
		sim_free(sim);
	}
	t.sim = median(s, cfg.reps);
	return t;
}

/* @n one-page `touch` commands: through /ctl of a mount in 1 MiB writes
 * (t.sim) against the same script through rmapsim (t.real). */
static struct timing bench_ctl(unsigned long n)
{
	struct timing t = { NAN, NAN, NAN, NAN };
	struct strbuf setup = STRBUF_INIT, touches = STRBUF_INIT;
	char setup_path[PATH_MAX + 16], full_path[PATH_MAX + 16], fr[64];
	unsigned long frames = n + 8192;
	double s[64], rs[64];
	FILE *f;

	strbuf_printf(&setup, "spawn\nmmap 1 %#lx %lu rw- private,fixed\n",
		      BENCH_WIN, n * PG);
	for (unsigned long i = 0; i < n; i++)
		strbuf_printf(&touches, "touch 1 %#lx 4K write\n",
			      BENCH_WIN + i * PG);
	if (setup.failed || touches.failed) {
		broken("out of memory building the ctl script");
		goto out;
	}
	snprintf(setup_path, sizeof(setup_path), "%s/setup.rmap", cfg.tmpdir);
	snprintf(full_path, sizeof(full_path), "%s/full.rmap", cfg.tmpdir);
	f = fopen(setup_path, "w");
	fwrite(setup.buf, 1, setup.len, f);
	fclose(f);
	f = fopen(full_path, "w");
	fwrite(setup.buf, 1, setup.len, f);
	fwrite(touches.buf, 1, touches.len, f);
	fprintf(f, "check\n");
	fclose(f);
	snprintf(fr, sizeof(fr), "frames=%lu", frames);

	/* rmapsim: the whole script less the set-up alone */
	for (int r = 0; r < cfg.reps; r++) {
		char *full[] = { cfg.rmapsim, "-o", fr, full_path, NULL };
		char *base[] = { cfg.rmapsim, "-o", fr, setup_path, NULL };
		double t0 = bench_now(), t1, t2;

		if (run_wait(full, true))
			broken("rmapsim %s failed", full_path);
		t1 = bench_now();
		if (run_wait(base, true))
			broken("rmapsim %s failed", setup_path);
		t2 = bench_now();
		rs[r] = (t1 - t0) - (t2 - t1);
	}
	t.real = median(rs, cfg.reps);

	for (int r = 0; r < cfg.reps; r++) {
		double t0;

		if (mount_start(frames)) {
			broken("rmapfs did not mount on %s", mount_dir);
			goto out;
		}
		ctl_write(setup.buf, setup.len);
		t0 = bench_now();
		ctl_write(touches.buf, touches.len);
		s[r] = bench_now() - t0;
		if (ctl_write("check\n", 6))
			broken("check through the mount failed");
		if (mount_stop())
			broken("rmapfs did not exit 0 after unmount");
	}
	t.sim = median(s, cfg.reps);
out:
	unlink(setup_path);
	unlink(full_path);
	strbuf_release(&setup);
	strbuf_release(&touches);
	return t;
}

/* ------------------------------------------------------------ rmap walk */

struct walk_result {
	double once, all;		/* seconds per walk */
	unsigned long once_vmas, all_vmas;	/* VMAs the walk visited */
	unsigned long once_mapped, all_mapped;	/* ... that map the page */
	unsigned long anon_vmas;
};

struct visit_count {
	unsigned long visited, mapped;
};

static bool visit_one(struct page *page, struct vm_area_struct *vma,
		      unsigned long address, void *arg)
{
	struct visit_count *c = arg;

	c->visited++;
	if (page_vma_mapped(page, vma, address))
		c->mapped++;
	return true;
}

static double time_walk(struct sim *sim, struct page *page,
			struct visit_count *vc)
{
	struct rmap_walk_control rwc = { .arg = vc, .rmap_one = visit_one };
	unsigned long iters = 1, k;
	double t0, dt;

	/* enough walks for a millisecond or more */
	for (;;) {
		t0 = bench_now();
		for (k = 0; k < iters; k++) {
			vc->visited = vc->mapped = 0;
			rmap_walk(sim, page, &rwc);
		}
		dt = bench_now() - t0;
		if (dt > 2e-3 || iters >= (1UL << 24))
			break;
		iters *= 4;
	}
	return dt / (double)iters;
}

/*
 * A fork tree of @procs processes (process k forked from k/2) over one
 * 16-page VMA; process 1 wrote page 0 before the forks (mapped by all),
 * the last process writes page 1 afterwards (mapped once, in its own
 * anon_vma). The walk of each page through the anon_vma interval tree.
 */
static struct walk_result bench_rmap(unsigned long procs)
{
	struct walk_result w = { 0 };
	struct sim *sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
	struct visit_count vc;
	unsigned long pfn_all, pfn_once;
	double s1[64], s2[64];

	simc(sim, "spawn");
	simc(sim, "mmap 1 %#lx 65536 rw- private,fixed", BENCH_WIN);
	simc(sim, "write 1 %#lx 7", BENCH_WIN);
	for (unsigned long k = 2; k <= procs; k++)
		simc(sim, "fork %lu", k / 2);
	simc(sim, "write %lu %#lx 9", procs, BENCH_WIN + PG);
	pfn_all = sim_pfn(sim, 1, BENCH_WIN);
	pfn_once = sim_pfn(sim, (int)procs, BENCH_WIN + PG);
	if (!pfn_all || !pfn_once) {
		broken("rmap: pages not found");
		sim_free(sim);
		return w;
	}
	for (int r = 0; r < cfg.reps; r++) {
		s1[r] = time_walk(sim, pfn_to_page(sim, pfn_once), &vc);
		w.once_vmas = vc.visited;
		w.once_mapped = vc.mapped;
		s2[r] = time_walk(sim, pfn_to_page(sim, pfn_all), &vc);
		w.all_vmas = vc.visited;
		w.all_mapped = vc.mapped;
	}
	w.once = median(s1, cfg.reps);
	w.all = median(s2, cfg.reps);
	w.anon_vmas = sim->nr_anon_vmas;
	if (w.once_mapped != 1 || w.all_mapped != procs)
		broken("rmap walk found %lu and %lu mappings, want 1 and %lu",
		       w.once_mapped, w.all_mapped, procs);
	sim_checked(sim, "rmap");
	sim_free(sim);
	return w;
}

/* --------------------------------------------------------------- memory */

/* Host heap bytes less the sim's logs: /journal grows by a line per
 * command and /dmesg by a line per error, neither being the objects the
 * figures are about. */
static size_t chunk(void *p)
{
	return malloc_usable_size(p) + sizeof(size_t);	/* glibc's header */
}

/* Bytes held by the sim's reserves (core/sim.c sim_reserve): objects
 * allocated ahead of a command that may need them; sim_trim_pools gives
 * most of them back after each command. */
static size_t sim_pool_bytes(struct sim *sim)
{
	size_t n = 0;

	for (struct vm_area_struct *v = sim->vma_pool; v; v = v->vm_next)
		n += chunk(v);
	/* AVCs come from a slab cache: the reserved ones and the free slots
	 * of its slabs are held for later, as the pools are */
	n += (sim->nr_avc_pool + sim->avc_cache.nr_free) * sim->avc_cache.size;
	for (struct anon_vma *av = sim->anon_vma_pool; av; av = av->parent)
		n += chunk(av);
	for (struct pgtable *t = sim->table_pool; t;
	     t = (struct pgtable *)(uintptr_t)t->e[0])
		n += chunk(t);
	return n;
}

/* Heap bytes of a slab cache's slabs, whatever their fill. */
static size_t avc_cache_bytes(struct kmem_cache *s)
{
	struct slab_list *lists[] = { &s->partial, &s->full, &s->empty };
	struct slab *slab;
	size_t n = 0;

	for (size_t i = 0; i < 3; i++)
		LIST_FOREACH(slab, lists[i], list)
			n += chunk(slab);
	return n;
}

static size_t sim_heap(struct sim *sim)
{
	return heap_bytes() - sim->journal.cap - sim->dmesg.cap -
	       sim->last_err.cap - sim_pool_bytes(sim);
}

/* One access to each of script_vmas()'s one-page VMAs. */
static void touch_vmas(struct sim *sim, unsigned long n, const char *how)
{
	struct strbuf sb = STRBUF_INIT;

	for (unsigned long v = 0; v < n; v++)
		strbuf_printf(&sb, "touch 1 %#lx 4096 %s\n",
			      BENCH_WIN + 2 * v * PG, how);
	strbuf_reset(&sim_out);
	sim_script(sim, &sb);
}

static void bench_memory(void)
{
	unsigned long f1 = 262144, f2 = cfg.quick ? 524288 : 1048576;
	unsigned long V = cfg.quick ? 10000 : 65530;
	size_t h0, h1, h2, a, b, c, d, e;
	unsigned long av0, avc0, av1, avc1;
	struct sim *sim;
	struct strbuf sb = STRBUF_INIT;
	struct mm_struct *mm;
	unsigned long tables;
	char x[32];

	printf("\nMemory, measured on the host heap (mallinfo2 deltas):\n");
	/* frames: the difference of two machines, swap off, then with swap */
	h0 = heap_bytes();
	sim = sim_boot(f1, 0);
	h1 = heap_bytes() - h0;
	sim_free(sim);
	h0 = heap_bytes();
	sim = sim_boot(f2, 0);
	h2 = heap_bytes() - h0;
	sim_free(sim);
	printf("  %-48s %8.1f B   (target <= 64)\n",
	       "per simulated frame (struct page + free bitmaps)",
	       (double)(h2 - h1) / (double)(f2 - f1));
	h0 = heap_bytes();
	sim = sim_boot(f1, (long)f1);
	h2 = heap_bytes() - h0;
	sim_free(sim);
	printf("  %-48s %8.1f B   (swap map, swap cache, contents)\n",
	       "per swap slot (-o swap=N)", (double)(h2 - h1) / (double)f1);

	/* VMAs, page tables, anon_vmas and AVCs, step by step */
	h0 = heap_bytes();
	sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
	simc(sim, "trace off");
	simc(sim, "spawn");
	a = sim_heap(sim);
	script_vmas(&sb, V);
	sim_script(sim, &sb);
	b = sim_heap(sim);
	mm = find_task(sim, 1)->mm;
	printf("  %-48s %8.1f B   (target <= 256; %lu VMAs)\n", "per VMA",
	       (double)(b - a) / (double)V, V);
	/* read faults: page tables only (the zero page needs no anon_vma) */
	touch_vmas(sim, V, "read");
	c = sim_heap(sim);
	tables = mm->pgtables_bytes / 4096;
	printf("  %-48s %8.2f B   (target 8; %lu tables for %lu pages, %s)\n",
	       "page tables, per entry", (double)(c - b) / (double)(tables * 512),
	       tables, V, fmt_bytes(x, sizeof(x), (double)(c - b)));
	/* write faults: one anon_vma and one AVC per VMA (no neighbour to
	 * share one with: the VMAs are not adjacent) */
	av0 = sim->nr_anon_vmas;
	avc0 = sim->nr_avcs;
	touch_vmas(sim, V, "write");
	d = sim_heap(sim);
	av1 = sim->nr_anon_vmas;
	avc1 = sim->nr_avcs;
	/* fork: the child has its VMAs, a copy of the page tables, and per
	 * VMA a new anon_vma with two AVCs (its own, and the parent's) */
	simc(sim, "fork 1");
	e = sim_heap(sim);
	{
		/* x = bytes per anon_vma, y = per AVC:
		 *   (d - c)             = dav1 x + davc1 y
		 *   (e - d) - VMAs - PT = dav2 x + davc2 y */
		double dav1 = (double)(av1 - av0), davc1 = (double)(avc1 - avc0);
		double dav2 = (double)(sim->nr_anon_vmas - av1);
		double davc2 = (double)(sim->nr_avcs - avc1);
		double r1 = (double)(d - c);
		double r2 = (double)(e - d) - (double)(b - a) - (double)(c - b);
		double det = dav1 * davc2 - dav2 * davc1;
		double per_av = (r1 * davc2 - r2 * davc1) / det;
		double per_avc = (dav1 * r2 - dav2 * r1) / det;

		printf("  %-48s %8.1f B   (target <= 128; %.0f + %.0f made)\n",
		       "per anon_vma", per_av, dav1, dav2);
		printf("  %-48s %8.1f B   (target <= 64; %.0f + %.0f made)\n",
		       "per anon_vma_chain", per_avc, davc1, davc2);
	}
	/* The same without solving for it: what the AVC slab cache holds,
	 * slab headers and malloc's included, per object slot. The figure
	 * above also carries whatever else fork allocated (its fixed cost,
	 * a few hundred bytes, is ~0.03 B per AVC there). */
	printf("  %-48s %8.2f B   (%lu slabs of %u objects, %lu free)\n",
	       "per anon_vma_chain slot (slab bytes / slots)",
	       (double)avc_cache_bytes(&sim->avc_cache) /
	       (double)(sim->avc_cache.nr_slabs * sim->avc_cache.objects),
	       sim->avc_cache.nr_slabs, sim->avc_cache.objects,
	       sim->avc_cache.nr_free);
	sim_checked(sim, "memory");
	sim_free(sim);
	(void)h0;
}

/* ---------------------------------------------------------- large mode */

static void large_mode(void)
{
	printf("\nLarge mode (simulator only; times are the simulator's own):\n");
	/* 4 GiB machine: half faulted by one process (100 private copies of
	 * all 4 GiB cannot fit in 4 GiB), forked 100 times, then every child
	 * writes every page and exits, so every page is copied 100 times. */
	{
		/* half the frames, less room for the zero page and the
		 * other half's copies */
		unsigned long frames = 1048576, pages = 524288 - 1024;
		size_t h0 = heap_bytes();
		struct sim *sim = sim_boot(frames, -1);
		double t0 = bench_now(), t1, t2, t3;
		unsigned long kids[100];

		simc(sim, "spawn");
		simc(sim, "mmap 1 %#lx %lu rw- private,fixed", BENCH_WIN, pages * PG);
		simc(sim, "touch 1 %#lx %lu write", BENCH_WIN, pages * PG);
		t1 = bench_now();
		for (int k = 0; k < 100; k++) {
			simc(sim, "fork 1");
			kids[k] = sim_result();
		}
		t2 = bench_now();
		for (int k = 0; k < 100; k++) {
			simc(sim, "touch %lu %#lx %lu write", kids[k], BENCH_WIN,
			     pages * PG);
			simc(sim, "exit %lu", kids[k]);
		}
		t3 = bench_now();
		printf("  frames=1048576: fault %lu pages %.3f s; 100 forks %.3f s;"
		       " 100 children x %lu CoW writes %.3f s (%.0f ns/page);"
		       " peak heap %.0f MiB\n",
		       pages, t1 - t0, t2 - t1, pages, t3 - t2,
		       (t3 - t2) / 100.0 / (double)pages * 1e9,
		       (double)(heap_bytes() - h0) / (1 << 20));
		sim_checked(sim, "large 4 GiB");
		sim_free(sim);
	}
	/* 10,000 live processes, /graph.dot and /slabinfo */
	{
		struct sim *sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
		struct strbuf out = STRBUF_INIT;
		double t0 = bench_now(), t1, t2, t3;

		simc(sim, "spawn");
		simc(sim, "mmap 1 %#lx 65536 rw- private,fixed", BENCH_WIN);
		simc(sim, "touch 1 %#lx 65536 write", BENCH_WIN);
		for (int k = 2; k <= 10000; k++)
			simc(sim, "fork 1");
		t1 = bench_now();
		if (vfs_render(sim, "/graph.dot", &out))
			broken("render /graph.dot failed");
		t2 = bench_now();
		strbuf_reset(&out);
		if (vfs_render(sim, "/slabinfo", &out))
			broken("render /slabinfo failed");
		t3 = bench_now();
		printf("  10,000 live processes: made in %.3f s; /graph.dot %.3f s"
		       "; /slabinfo %.4f s\n", t1 - t0, t2 - t1, t3 - t2);
		sim_checked(sim, "10,000 processes");
		strbuf_release(&out);
		sim_free(sim);
	}
	/* fork chains: each generation forks, writes a page, its parent exits */
	for (int reuse = 1; reuse >= 0; reuse--) {
		unsigned long gens = reuse ? 10000 : 2000, step = reuse ? 1000 : 200;
		struct sim *sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
		unsigned long pid = 1;
		double t0 = bench_now();

		simc(sim, "sysctl vm.anon_vma_reuse %d", reuse);
		simc(sim, "spawn");
		simc(sim, "mmap 1 %#lx 65536 rw- private,fixed", BENCH_WIN);
		simc(sim, "write 1 %#lx 1", BENCH_WIN);
		printf("  fork chain, vm.anon_vma_reuse=%d (each generation forks,"
		       " the child writes a page, the parent exits):\n", reuse);
		for (unsigned long g = 1; g <= gens; g++) {
			unsigned long child;

			simc(sim, "fork %lu", pid);
			child = sim_result();
			simc(sim, "write %lu %#lx %lu", child,
			     BENCH_WIN + (g % 16) * PG, g);
			simc(sim, "exit %lu", pid);
			pid = child;
			if (g % step == 0)
				printf("    gen %5lu: %5lu anon_vmas, %5lu AVCs,"
				       " %.3f s so far\n", g, sim->nr_anon_vmas,
				       sim->nr_avcs, bench_now() - t0);
		}
		sim_checked(sim, "fork chain");
		sim_free(sim);
	}
}

/* Operations on a process with many VMAs: each should cost O(log n). */
static void growth_vma_ops(void)
{
	unsigned long sizes[] = { 1024, 8192, 65530 };
	int nsizes = cfg.quick ? 2 : 3;

	printf("\nOne process with n VMAs: simulator time per operation"
	       " (mmap+munmap of a hole, mprotect split+merge, find_vma,"
	       " a write fault):\n");
	for (int i = 0; i < nsizes; i++) {
		unsigned long n = sizes[i], iters = 5000, k;
		struct sim *sim = sim_boot(SIM_DEFAULT_FRAMES, -1);
		struct strbuf sb = STRBUF_INIT;
		struct mm_struct *mm;
		double t0, tmap, tprot, tfind, tfault;
		unsigned long sum = 0;

		strbuf_puts(&sb, "spawn\n");
		/* n-1 one-page VMAs with holes, then one 2*iters-page VMA:
		 * n in all (max_map_count is the limit) */
		script_vmas(&sb, n - 1);
		sim_script(sim, &sb);
		mm = find_task(sim, 1)->mm;
		/* the middle VMA, split and merged back */
		{
			unsigned long mid = BENCH_WIN + (n / 2) * 2 * PG;

			t0 = bench_now();
			for (k = 0; k < iters / 2; k++) {
				simc(sim, "munmap 1 %#lx 4096", mid);
				simc(sim, "mmap 1 %#lx 4096 rw- private,fixed", mid);
			}
			tmap = (bench_now() - t0) / (double)iters;
			t0 = bench_now();
			for (k = 0; k < iters / 2; k++) {
				simc(sim, "mprotect 1 %#lx 4096 r--", mid);
				simc(sim, "mprotect 1 %#lx 4096 rw-", mid);
			}
			tprot = (bench_now() - t0) / (double)iters;
		}
		t0 = bench_now();
		for (k = 0; k < iters * 100; k++) {
			struct vm_area_struct *vma =
				find_vma(mm, BENCH_WIN + (k * 7919 % (n - 1)) * 2 * PG);
			sum += vma ? 1 : 0;
		}
		tfind = (bench_now() - t0) / (double)(iters * 100);
		t0 = bench_now();
		for (k = 0; k < iters; k++)
			simc(sim, "write 1 %#lx 1",
			     BENCH_WIN + (k * 7919 % (n - 1)) * 2 * PG);
		tfault = (bench_now() - t0) / (double)iters;
		{
			char a[32], b[32], c[32], d[32];

			printf("  n=%6lu VMAs: mmap/munmap %s, mprotect %s,"
			       " find_vma %s, write fault %s%s\n", n,
			       fmt_time(a, sizeof(a), tmap),
			       fmt_time(b, sizeof(b), tprot),
			       fmt_time(c, sizeof(c), tfind),
			       fmt_time(d, sizeof(d), tfault),
			       sum ? "" : " (find_vma found nothing!)");
		}
		if (mm->map_count != (int)(n - 1))
			broken("n=%lu: %d VMAs left", n, mm->map_count);
		sim_checked(sim, "vma ops");
		sim_free(sim);
	}
}

/* ----------------------------------------------------------------- main */

static void usage(const char *prog)
{
	printf("usage: %s [--quick | --large] [--reps N] [--no-mount]\n"
	       "\n"
	       "Each workload on this machine's kernel with real processes and in\n"
	       "the simulator (in-process, or through a rmapfs mount), then the\n"
	       "table: medians, the ratio simulator/real with its target, memory.\n"
	       "\n"
	       "    --quick     small sizes only (the CI run, well under a minute)\n"
	       "    --large     also the large-scale runs of issue 6\n"
	       "    --reps N    repetitions per workload (default 5, quick 3)\n"
	       "    --no-mount  skip the rows that need /dev/fuse\n"
	       "\n"
	       "Exit status: 0, or 1 if a command, a check, a worker or the\n"
	       "mount failed. No timing is ever a failure.\n", prog);
}

static bool fuse_usable(void)
{
	int fd = open("/dev/fuse", O_RDWR);

	if (fd < 0 || access(cfg.rmapfs, X_OK))
		return false;
	close(fd);
	return true;
}

/* Find a sibling program of this one (build/tools/bench -> build/rmapfs). */
static void find_sibling(char *out, size_t n, const char *name)
{
	char self[PATH_MAX - 64], *slash;
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *dirs[] = { "", "/.." };

	if (len < 0)
		len = 0;
	self[len] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < 2; i++) {
		snprintf(out, n, "%s%s/%s", self, dirs[i], name);
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, n, "%s", name);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "large", no_argument, NULL, 'L' },
		{ "reps", required_argument, NULL, 'r' },
		{ "no-mount", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool mount = true;
	int c;

	if (argc >= 6 && !strcmp(argv[1], "--real"))
		return real_worker(argc - 2, argv + 2);
	while ((c = getopt_long(argc, argv, "qLr:Mh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': cfg.quick = true; break;
		case 'L': cfg.large = true; break;
		case 'r': cfg.reps = atoi(optarg); break;
		case 'M': mount = false; break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 2;
		}
	}
	if (!cfg.reps)
		cfg.reps = cfg.quick ? 3 : 5;
	if (cfg.reps < 1 || cfg.reps > 64) {
		fprintf(stderr, "bench: --reps must be 1..64\n");
		return 2;
	}
	cfg.self = "/proc/self/exe";
	find_sibling(cfg.rmapfs, sizeof(cfg.rmapfs), "rmapfs");
	find_sibling(cfg.rmapsim, sizeof(cfg.rmapsim), "rmapsim");
	snprintf(cfg.tmpdir, sizeof(cfg.tmpdir), "%s/rmapfs-bench.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(cfg.tmpdir)) {
		perror("bench: mkdtemp");
		return 1;
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	if (mount && !fuse_usable()) {
		printf("(no usable /dev/fuse or %s: mount rows skipped)\n",
		       cfg.rmapfs);
		mount = false;
	}

	{
		unsigned long npages = cfg.quick ? 16384 : 262144;
		unsigned long nvmas = cfg.quick ? 1000 : 10000;
		unsigned long nmaps = cfg.quick ? 8192 : 65530;
		unsigned long nctl = cfg.quick ? 100000 : 1000000;
		struct timing t;
		char what[96], buf[32];

		printf("rmapfs bench%s: medians of %d runs; real = this kernel,"
		       " THP off; ratio = sim/real\n\n",
		       cfg.quick ? " --quick" : "", cfg.reps);
		table_head();
		t = bench_fault(npages, true);
		snprintf(what, sizeof(what), "anon write fault, %lu pages", npages);
		table_row(what, t.real, t.sim, 0.10, t.sim_mem, t.real_mem);
		t = bench_fault(npages, false);
		snprintf(what, sizeof(what), "anon read fault (zero page), %lu pages",
			 npages);
		table_row(what, t.real, t.sim, 0.10, t.sim_mem, t.real_mem);
		t = bench_cow(npages);
		snprintf(what, sizeof(what), "CoW fault in a child, %lu pages",
			 npages);
		table_row(what, t.real, t.sim, 0.10, t.sim_mem, t.real_mem);
		t = bench_fork(npages, 10, false);
		snprintf(what, sizeof(what), "fork, %lu touched pages in 10 VMAs",
			 npages);
		table_row(what, t.real, t.sim, 0.30, t.sim_mem, t.real_mem);
		t = bench_fork(nvmas, 0, true);
		snprintf(what, sizeof(what), "fork, %lu untouched VMAs", nvmas);
		table_row(what, t.real, t.sim, 0.50, t.sim_mem, t.real_mem);
		t = bench_split(true);
		table_row("mprotect 1 page of 1024 and back (split, merge)",
			  t.real, t.sim, 0.30, t.sim_mem, t.real_mem);
		printf("  (the same pair as two ctl command lines: %s)\n",
		       fmt_time(buf, sizeof(buf), split_cmd_cost));
		t = bench_split(false);
		table_row("munmap a 1-page hole, mmap it back", t.real, t.sim,
			  0.30, t.sim_mem, t.real_mem);
		printf("  (the same pair as two ctl command lines: %s)\n",
		       fmt_time(buf, sizeof(buf), split_cmd_cost));
		t = bench_maps(nmaps, false, mount);
		snprintf(what, sizeof(what), "read maps, %lu VMAs (%s)", nmaps,
			 mount ? "mount" : "in-process");
		table_row(what, t.real, t.sim, 1.5, t.sim_mem, t.real_mem);
		t = bench_maps(nmaps, true, mount);
		snprintf(what, sizeof(what), "read smaps, %lu VMAs (%s)", nmaps,
			 mount ? "mount" : "in-process");
		table_row(what, t.real, t.sim, 1.5, t.sim_mem, t.real_mem);
		if (mount) {
			t = bench_ctl(nctl);
			snprintf(what, sizeof(what),
				 "%lu touch cmds: /ctl (sim) vs rmapsim (real)",
				 nctl);
			table_row(what, t.real, t.sim, 2.0, NAN, NAN);
		}
	}

	printf("\nrmap walk of one page in a fork tree (simulator; real"
	       " kernel has no such call):\n");
	{
		unsigned long sizes[] = { 10, 100, 1000 };

		for (int i = cfg.quick ? 0 : 0; i < (cfg.quick ? 2 : 3); i++) {
			struct walk_result w = bench_rmap(sizes[i]);
			char a[32], b[32];

			printf("  %5lu processes: mapped once %s (%lu VMAs visited),"
			       " mapped by all %s (%lu VMAs visited); %lu anon_vmas\n",
			       sizes[i], fmt_time(a, sizeof(a), w.once),
			       w.once_vmas, fmt_time(b, sizeof(b), w.all),
			       w.all_vmas, w.anon_vmas);
		}
	}

	printf("\nHow cost grows with size (real, sim, ratio):\n");
	{
		unsigned long fsz[] = { 4096, 16384, 65536, 262144, 1048576 };
		int nf = cfg.quick ? 2 : (cfg.large ? 5 : 4);
		char a[32], b[32];

		for (int i = 0; i < nf; i++) {
			struct timing t = bench_fault(fsz[i], true);

			printf("  write fault %8lu pages: real %10s sim %10s"
			       " ratio %.3f  (%.0f / %.0f ns per page)\n", fsz[i],
			       fmt_time(a, sizeof(a), t.real),
			       fmt_time(b, sizeof(b), t.sim), t.sim / t.real,
			       t.real / (double)fsz[i] * 1e9,
			       t.sim / (double)fsz[i] * 1e9);
		}
		for (int i = 0; i < nf; i++) {
			struct timing t = bench_fork(fsz[i], 10, false);

			printf("  fork %8lu pages/10 VMAs: real %10s sim %10s"
			       " ratio %.3f  (%.1f / %.1f ns per page)\n", fsz[i],
			       fmt_time(a, sizeof(a), t.real),
			       fmt_time(b, sizeof(b), t.sim), t.sim / t.real,
			       t.real / (double)fsz[i] * 1e9,
			       t.sim / (double)fsz[i] * 1e9);
		}
		{
			unsigned long msz[] = { 1024, 8192, 65530 };

			for (int i = 0; i < (cfg.quick ? 2 : 3); i++) {
				struct timing t = bench_maps(msz[i], false, false);

				printf("  maps %6lu VMAs (in-process): real %10s"
				       " sim %10s ratio %.3f  (%.0f / %.0f ns per VMA)\n",
				       msz[i], fmt_time(a, sizeof(a), t.real),
				       fmt_time(b, sizeof(b), t.sim),
				       t.sim / t.real,
				       t.real / (double)msz[i] * 1e9,
				       t.sim / (double)msz[i] * 1e9);
			}
		}
	}
	growth_vma_ops();
	bench_memory();
	if (cfg.large)
		large_mode();
	strbuf_release(&sim_out);
	if (nr_broken) {
		printf("\n%d thing(s) BROKE (see stderr)\n", nr_broken);
		return 1;
	}
	return 0;
}
