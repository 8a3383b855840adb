/* tools/bench-real.c - the real side of tools/bench: one workload on this
 * machine's kernel, in a fresh process (`bench --real KIND N M REPS`).
 *
 * THP is disabled (PR_SET_THP_DISABLE) before anything is mapped, every
 * mapping is made at a fixed address in [BENCH_WIN, ...) with
 * MAP_FIXED_NOREPLACE, and only the operation itself is timed: the
 * set-up (mapping, the parent's own faults before a fork) is not. Each
 * sample goes to stdout in seconds; the last line is "rss BYTES", the
 * worker's VmRSS + VmPTE at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --------------------------------------------------- real-kernel workers */

static void *real_map(unsigned long addr, unsigned long len, int prot)
{
	void *p = mmap((void *)addr, len, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || p != (void *)addr) {
		fprintf(stderr, "worker: mmap %#lx+%lu: %s\n", addr, len,
			strerror(errno));
		exit(2);
	}
	return p;
}

static void real_write_pages(char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		((volatile char *)p)[i * PG] = 1;
}

static unsigned long real_read_pages(char *p, unsigned long n)
{
	unsigned long sum = 0;

	for (unsigned long i = 0; i < n; i++)
		sum += ((volatile char *)p)[i * PG];
	return sum;
}

static void sample(double t)
{
	printf("%.9f ", t);
}

/* Number of VMAs of this process (lines of /proc/self/maps). */
static long real_map_count(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void real_fork_time(void)
{
	double t0 = bench_now(), t1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	t1 = bench_now();
	if (pid < 0)
		exit(2);
	waitpid(pid, NULL, 0);
	sample(t1 - t0);
}

double real_read_file(const char *path, unsigned long *bytes)
{
	static char buf[1 << 17];
	double t0 = bench_now();
	int fd = open(path, O_RDONLY);
	ssize_t n;

	*bytes = 0;
	if (fd < 0)
		return NAN;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*bytes += (unsigned long)n;
	close(fd);
	return bench_now() - t0;
}

/*
 * A worker: `bench --real KIND N M REPS`. Prints REPS samples in seconds,
 * then "rss BYTES" (VmRSS + VmPTE at the end, for the memory column).
 */
int real_worker(int argc, char **argv)
{
	const char *kind = argv[0];
	unsigned long n = strtoul(argv[1], NULL, 0);
	unsigned long m = strtoul(argv[2], NULL, 0);
	int reps = atoi(argv[3]);
	char *p = (char *)BENCH_WIN;

	(void)argc;
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	alarm(600);
	if (!strcmp(kind, "wfault") || !strcmp(kind, "rfault")) {
		for (int r = 0; r < reps; r++) {
			double t0;

			real_map(BENCH_WIN, n * PG, PROT_READ | PROT_WRITE);
			t0 = bench_now();
			if (kind[0] == 'w')
				real_write_pages(p, n);
			else
				real_read_pages(p, n);
			sample(bench_now() - t0);
			munmap(p, n * PG);
		}
	} else if (!strcmp(kind, "cow")) {
		real_map(BENCH_WIN, n * PG, PROT_READ | PROT_WRITE);
		real_write_pages(p, n);
		fflush(stdout);
		for (int r = 0; r < reps; r++) {
			pid_t pid = fork();

			if (pid == 0) {
				double t0 = bench_now();

				real_write_pages(p, n);
				sample(bench_now() - t0);
				fflush(stdout);
				_exit(0);
			}
			waitpid(pid, NULL, 0);
		}
	} else if (!strcmp(kind, "forkpages")) {
		/* n pages in m VMAs, a guard page between them */
		unsigned long per = n / m, addr = BENCH_WIN;

		for (unsigned long v = 0; v < m; v++) {
			real_map(addr, per * PG, PROT_READ | PROT_WRITE);
			real_write_pages((char *)addr, per);
			addr += (per + 1) * PG;
		}
		for (int r = 0; r < reps; r++)
			real_fork_time();
	} else if (!strcmp(kind, "forkvmas")) {
		for (unsigned long v = 0; v < n; v++)
			real_map(BENCH_WIN + 2 * v * PG, PG, PROT_READ | PROT_WRITE);
		for (int r = 0; r < reps; r++)
			real_fork_time();
	} else if (!strcmp(kind, "mprotect") || !strcmp(kind, "munmap")) {
		char *mid = p + 512 * PG;

		real_map(BENCH_WIN, 1024 * PG, PROT_READ | PROT_WRITE);
		for (int r = 0; r < reps; r++) {
			double t0 = bench_now();

			for (unsigned long i = 0; i < n; i++) {
				if (kind[1] == 'p') {
					mprotect(mid, PG, PROT_READ);
					mprotect(mid, PG, PROT_READ | PROT_WRITE);
				} else {
					munmap(mid, PG);
					if (mmap(mid, PG, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS |
						 MAP_FIXED, -1, 0) != mid)
						exit(2);
				}
			}
			sample((bench_now() - t0) / (double)n);
		}
		if (real_map_count() < 0)
			exit(2);
	} else if (!strcmp(kind, "maps") || !strcmp(kind, "smaps")) {
		/* n VMAs in all, this worker's own included */
		long own = real_map_count();
		unsigned long bytes;

		for (long v = 0; own + v < (long)n; v++)
			real_map(BENCH_WIN + 2 * (unsigned long)v * PG, PG,
				 PROT_READ | PROT_WRITE);
		for (int r = 0; r < reps; r++) {
			double t = real_read_file(kind[0] == 'm' ?
				"/proc/self/maps" : "/proc/self/smaps", &bytes);

			sample(t);
		}
		printf("bytes %lu ", bytes);
	} else {
		fprintf(stderr, "worker: unknown kind %s\n", kind);
		return 2;
	}
	{
		FILE *f = fopen("/proc/self/status", "r");
		char line[256];
		unsigned long kb, sum = 0;

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "VmRSS: %lu", &kb) == 1 ||
			    sscanf(line, "VmPTE: %lu", &kb) == 1)
				sum += kb;
		if (f)
			fclose(f);
		printf("rss %lu\n", sum * 1024);
	}
	return 0;
}

