/* include/trace.h - /trace: a bounded ring of events, each naming the
 * kernel function a command ran and what it decided.
 */
#ifndef RMAPFS_TRACE_H
#define RMAPFS_TRACE_H

#include <stdbool.h>
#include "strbuf.h"

#define TRACE_RING	4096	/* events kept; older ones are dropped */

struct trace_ring {
	bool on;
	unsigned long seq;	/* events recorded since start or clear */
	unsigned int head;	/* next slot */
	unsigned int count;
	char *ev[TRACE_RING];
};

struct sim;

/* trace - record "FUNC: message" when tracing is on (default on). */
void trace(struct sim *sim, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void trace_clear(struct trace_ring *t);
/* Oldest first, one line each: "SEQ FUNC: message". */
void trace_render(struct trace_ring *t, struct strbuf *out);

#endif
