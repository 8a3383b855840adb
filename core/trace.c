/* core/trace.c - the /trace ring: the kernel function each step ran and
 * what it decided ("anon_vma_clone: reuse av 5 (degree 1)").
 */
#define _GNU_SOURCE	/* asprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"
#include "trace.h"

void trace(struct sim *sim, const char *func, const char *fmt, ...)
{
	struct trace_ring *t = &sim->trace;
	char msg[256];
	va_list ap;
	int n;

	if (!t->on)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	free(t->ev[t->head]);
	n = asprintf(&t->ev[t->head], "%lu %s: %s", ++t->seq, func, msg);
	if (n < 0) {
		t->ev[t->head] = NULL;	/* a lost event is not fatal */
		return;
	}
	t->head = (t->head + 1) % TRACE_RING;
	if (t->count < TRACE_RING)
		t->count++;
}

void trace_clear(struct trace_ring *t)
{
	unsigned int i;

	for (i = 0; i < TRACE_RING; i++) {
		free(t->ev[i]);
		t->ev[i] = NULL;
	}
	t->head = t->count = 0;
	t->seq = 0;
}

void trace_render(struct trace_ring *t, struct strbuf *out)
{
	unsigned int i, slot;

	for (i = 0; i < t->count; i++) {
		slot = (t->head + TRACE_RING - t->count + i) % TRACE_RING;
		if (t->ev[slot]) {
			strbuf_puts(out, t->ev[slot]);
			strbuf_putc(out, '\n');
		}
	}
}
