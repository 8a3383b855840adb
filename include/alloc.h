/* include/alloc.h - the one place memory is obtained, with a test-only
 * failure hook (the Nth allocation from now fails), in the spirit of
 * SQLite's fault injection and the kernel's fail_page_alloc.
 *
 * uthash's out-of-memory policy is decided here once: tables are only
 * grown through HASH_ADD after rm_hash_reserve() made room, and a failed
 * uthash allocation sets the caller's flag instead of exiting.
 */
#ifndef RMAPFS_ALLOC_H
#define RMAPFS_ALLOC_H

#include <errno.h>
#include <stddef.h>
#include <string.h>

void *rm_malloc(size_t size);
void *rm_calloc(size_t n, size_t size);
void *rm_realloc(void *p, size_t size);
char *rm_strdup(const char *s);

/* An object taken from a slab cache (core/slab.c) counts as one
 * allocation: true when the hook says this one fails, as should_failslab. */
int rm_failslab(void);

/* Make the @nth allocation from now fail (0 = the next one); -1 disables. */
void rm_fail_nth(long nth);
/* How many allocations have been attempted since the process started. */
unsigned long rm_alloc_count(void);
/* uthash: route its allocations through the hook and never exit. */
extern int rm_uthash_oom;
#define uthash_malloc(sz) rm_malloc(sz)
#define uthash_free(ptr, sz) free(ptr)
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) do { (void)(obj); rm_uthash_oom = 1; } while (0)

/* Add to a uthash table. Return: 0, or -ENOMEM with the table unchanged
 * (uthash rolls a failed add back in its non-fatal mode). */
#define rm_hash_add_int(head, field, item) __extension__ ({		\
	rm_uthash_oom = 0;						\
	HASH_ADD_INT(head, field, item);				\
	rm_uthash_oom ? -ENOMEM : 0;					\
})
#define rm_hash_add_ulong(head, field, item) __extension__ ({		\
	rm_uthash_oom = 0;						\
	HASH_ADD(hh, head, field, sizeof(unsigned long), item);	\
	rm_uthash_oom ? -ENOMEM : 0;					\
})
#define rm_hash_add_str(head, keyptr, item) __extension__ ({		\
	rm_uthash_oom = 0;						\
	HASH_ADD_KEYPTR(hh, head, keyptr, strlen(keyptr), item);	\
	rm_uthash_oom ? -ENOMEM : 0;					\
})

#endif
