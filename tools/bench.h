/* tools/bench.h - what the two halves of tools/bench share. */
#ifndef RMAPFS_BENCH_H
#define RMAPFS_BENCH_H

/* 32 TiB: far from a worker's own mappings and above ASan's shadow
 * (which ends at 0x10007fff7fff); the same window on both sides. */
#define BENCH_WIN	0x200000000000UL
#define PG		4096UL

/* CLOCK_MONOTONIC in seconds. */
double bench_now(void);

/* `bench --real KIND N M REPS` (tools/bench-real.c); @argv[0] is KIND. */
int real_worker(int argc, char **argv);

/*
 * real_read_file - open, read to the end in 128 KiB reads, close; what
 * `cat` does. *@bytes gets the size read.
 * Return: the seconds it took, or NAN if the open failed.
 */
double real_read_file(const char *path, unsigned long *bytes);

#endif
