/* core/trace.c - the /trace ring: the kernel function each step ran and
 * what it decided ("anon_vma_clone: reuse av 5 (degree 1)").
 *
 * Like the kernel's trace ring buffer, an event is stored as its format
 * and raw arguments and turned into text only when /trace is read: a
 * 1 GiB touch records 262,144 events of which the ring keeps 4096, and
 * formatting each one cost more than the fault it described.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "trace.h"

#define TRACE_MSG_MAX	256	/* a message is cut at 255 bytes */

/* One conversion of a format: where it ends and how its argument is read. */
enum trace_conv { CONV_NONE, CONV_INT, CONV_UINT, CONV_LONG, CONV_ULONG,
		  CONV_LLONG, CONV_ULLONG, CONV_STR, CONV_PTR, CONV_BAD };

/* Parse the conversion at @p (just after '%'); *@end gets the byte after. */
static enum trace_conv parse_conv(const char *p, const char **end)
{
	int lng = 0;

	while (*p && strchr("-+ #0", *p))
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	for (;; p++) {
		if (*p == 'l')
			lng++;
		else if (*p == 'z')
			lng = 1;	/* size_t is unsigned long here */
		else if (*p != 'h')
			break;
	}
	*end = *p ? p + 1 : p;
	switch (*p) {
	case 'd': case 'i':
		return lng >= 2 ? CONV_LLONG : lng ? CONV_LONG : CONV_INT;
	case 'u': case 'x': case 'X': case 'o':
		return lng >= 2 ? CONV_ULLONG : lng ? CONV_ULONG : CONV_UINT;
	case 'c':
		return CONV_INT;
	case 's':
		return CONV_STR;
	case 'p':
		return CONV_PTR;
	default:
		return CONV_BAD;
	}
}

/* Store the arguments of @fmt in @ev. Return: false if they do not fit. */
static bool trace_store(struct trace_event *ev, const char *fmt, va_list ap)
{
	unsigned int n = 0;
	size_t used = 0;
	const char *p, *end;

	for (p = fmt; (p = strchr(p, '%')); p = end) {
		enum trace_conv c;

		if (p[1] == '%') {
			end = p + 2;
			continue;
		}
		c = parse_conv(p + 1, &end);
		if (c == CONV_BAD || n == TRACE_ARGS)
			return false;
		switch (c) {
		case CONV_INT:
			ev->arg[n++] = (unsigned long long)va_arg(ap, int);
			break;
		case CONV_UINT:
			ev->arg[n++] = va_arg(ap, unsigned int);
			break;
		case CONV_LONG:
			ev->arg[n++] = (unsigned long long)va_arg(ap, long);
			break;
		case CONV_ULONG:
			ev->arg[n++] = va_arg(ap, unsigned long);
			break;
		case CONV_LLONG:
		case CONV_ULLONG:
			ev->arg[n++] = va_arg(ap, unsigned long long);
			break;
		case CONV_PTR:
			ev->arg[n++] = (uintptr_t)va_arg(ap, void *);
			break;
		case CONV_STR: {
			const char *s = va_arg(ap, const char *);
			size_t len;

			if (!s)
				s = "(null)";
			len = strlen(s) + 1;
			if (used + len > TRACE_STR)
				return false;
			memcpy(ev->str + used, s, len);
			ev->arg[n++] = used;
			used += len;
			break;
		}
		default:
			return false;
		}
	}
	return true;
}

void trace(struct sim *sim, const char *func, const char *fmt, ...)
{
	struct trace_ring *t = &sim->trace;
	struct trace_event *ev;
	va_list ap;

	if (!t->on)
		return;
	ev = &t->ev[t->head];
	free(ev->text);
	ev->text = NULL;
	ev->seq = ++t->seq;
	ev->func = func;
	ev->fmt = fmt;
	va_start(ap, fmt);
	if (!trace_store(ev, fmt, ap)) {
		char msg[TRACE_MSG_MAX];

		va_end(ap);
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		ev->text = strdup(msg);
		if (!ev->text) {	/* a lost event is not fatal */
			va_end(ap);
			ev->fmt = NULL;
			return;
		}
	}
	va_end(ap);
	t->head = (t->head + 1) % TRACE_RING;
	if (t->count < TRACE_RING)
		t->count++;
}

void trace_clear(struct trace_ring *t)
{
	unsigned int i;

	for (i = 0; i < TRACE_RING; i++) {
		free(t->ev[i].text);
		t->ev[i].text = NULL;
		t->ev[i].fmt = NULL;
	}
	t->head = t->count = 0;
	t->seq = 0;
}

/*
 * The message of @ev as vsnprintf into TRACE_MSG_MAX bytes would give it.
 * Each conversion is printed with its own spec cut out of @ev->fmt, a
 * literal given to trace() whose arguments trace_store read by the same
 * parse, so the non-literal formats below are safe.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void trace_format(const struct trace_event *ev, char *msg)
{
	size_t len = 0;
	unsigned int n = 0;
	const char *p = ev->fmt, *pct, *end;

	msg[0] = '\0';
	while (*p && len < TRACE_MSG_MAX - 1) {
		char spec[32];
		enum trace_conv c;
		int w = 0;

		pct = strchr(p, '%');
		if (!pct) {
			w = snprintf(msg + len, TRACE_MSG_MAX - len, "%s", p);
			break;
		}
		if (pct > p) {
			w = snprintf(msg + len, TRACE_MSG_MAX - len, "%.*s",
				     (int)(pct - p), p);
			len += (size_t)w;
			p = pct;
			continue;
		}
		if (p[1] == '%') {
			w = snprintf(msg + len, TRACE_MSG_MAX - len, "%%");
			len += (size_t)w;
			p += 2;
			continue;
		}
		c = parse_conv(p + 1, &end);
		snprintf(spec, sizeof(spec), "%.*s", (int)(end - p), p);
		switch (c) {
		case CONV_INT:
			w = snprintf(msg + len, TRACE_MSG_MAX - len, spec,
				     (int)ev->arg[n]);
			break;
		case CONV_UINT:
			w = snprintf(msg + len, TRACE_MSG_MAX - len, spec,
				     (unsigned int)ev->arg[n]);
			break;
		case CONV_LONG:
		case CONV_ULONG:
			w = snprintf(msg + len, TRACE_MSG_MAX - len, spec,
				     (unsigned long)ev->arg[n]);
			break;
		case CONV_LLONG:
		case CONV_ULLONG:
			w = snprintf(msg + len, TRACE_MSG_MAX - len, spec,
				     ev->arg[n]);
			break;
		case CONV_PTR:
			w = snprintf(msg + len, TRACE_MSG_MAX - len, spec,
				     (void *)(uintptr_t)ev->arg[n]);
			break;
		case CONV_STR:
			w = snprintf(msg + len, TRACE_MSG_MAX - len, spec,
				     ev->str + ev->arg[n]);
			break;
		default:	/* trace_store refused these */
			break;
		}
		n++;
		p = end;
		if (w < 0)
			break;
		len += (size_t)w;
	}
	msg[TRACE_MSG_MAX - 1] = '\0';
}
#pragma GCC diagnostic pop

void trace_render(struct trace_ring *t, struct strbuf *out)
{
	unsigned int i, slot;

	for (i = 0; i < t->count; i++) {
		const struct trace_event *ev;
		char msg[TRACE_MSG_MAX];

		slot = (t->head + TRACE_RING - t->count + i) % TRACE_RING;
		ev = &t->ev[slot];
		if (!ev->fmt)
			continue;
		if (!ev->text)
			trace_format(ev, msg);
		strbuf_printf(out, "%lu %s: %s\n", ev->seq, ev->func,
			      ev->text ? ev->text : msg);
	}
}
