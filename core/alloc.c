/* core/alloc.c - allocation wrappers with a failure-injection hook. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

int rm_uthash_oom;
static long fail_countdown = -1;	/* -1: never fail */
static unsigned long nr_allocs;

static int should_fail(void)
{
	nr_allocs++;
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown == 0) {
		fail_countdown = -1;
		return 1;
	}
	fail_countdown--;
	return 0;
}

int rm_failslab(void)
{
	return should_fail();
}

void rm_fail_nth(long nth)
{
	fail_countdown = nth;
}

unsigned long rm_alloc_count(void)
{
	return nr_allocs;
}

void *rm_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	return malloc(size ? size : 1);
}

void *rm_calloc(size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

void *rm_realloc(void *p, size_t size)
{
	if (should_fail())
		return NULL;
	return realloc(p, size ? size : 1);
}

char *rm_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = rm_malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}
