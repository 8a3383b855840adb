/* include/trace.h - /trace: a bounded ring of events, each naming the
 * kernel function a command ran and what it decided.
 */
#ifndef RMAPFS_TRACE_H
#define RMAPFS_TRACE_H

#include <stdbool.h>
#include "strbuf.h"

#define TRACE_RING	4096	/* events kept; older ones are dropped */

#define TRACE_ARGS	10	/* conversions one event may have */
#define TRACE_STR	40	/* bytes of %s arguments kept inline */

/*
 * struct trace_event - one event, kept unformatted: a fault records one per
 * page and /trace is read rarely, so the text is made when it is read
 * (trace_render). @func and @fmt are string literals; the arguments are
 * stored as the conversions of @fmt read them, %s ones copied into @str.
 * An event whose arguments do not fit is formatted at once into @text
 * (owned by the event).
 */
struct trace_event {
	unsigned long seq;
	const char *func;
	const char *fmt;
	char *text;			/* the message, or NULL: use @fmt */
	unsigned long long arg[TRACE_ARGS];	/* %s: offset into @str */
	char str[TRACE_STR];
};

struct trace_ring {
	bool on;
	unsigned long seq;	/* events recorded since start or clear */
	unsigned int head;	/* next slot */
	unsigned int count;
	struct trace_event ev[TRACE_RING];
};

struct sim;

/* trace - record "FUNC: message" when tracing is on (default on). @func
 * and @fmt must be string literals (they are kept, not copied); @fmt may
 * use %d %i %u %x %c %s %p with the l, ll, z and h length modifiers and
 * flags and widths, nothing else (no '*'). */
void trace(struct sim *sim, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void trace_clear(struct trace_ring *t);
/* Oldest first, one line each: "SEQ FUNC: message". */
void trace_render(struct trace_ring *t, struct strbuf *out);

#endif
