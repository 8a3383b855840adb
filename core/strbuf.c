/* core/strbuf.c - growable text buffer used by every renderer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "alloc.h"

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
	sb->failed = false;
}

int strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t ncap;
	char *nbuf;

	if (need <= sb->cap)
		return 0;
	ncap = sb->cap ? sb->cap : 256;
	while (ncap < need)
		ncap *= 2;
	nbuf = rm_realloc(sb->buf, ncap);
	if (!nbuf)
		return -ENOMEM;	/* a probe: only failed appends set @failed */
	sb->buf = nbuf;
	sb->cap = ncap;
	return 0;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (sb->failed)
		return;
	if (strbuf_reserve(sb, len)) {
		sb->failed = true;
		return;
	}
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (sb->failed)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL,
		      sb->buf ? sb->cap - sb->len : 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (sb->buf && (size_t)n < sb->cap - sb->len) {
		sb->len += (size_t)n;
		return;
	}
	if (strbuf_reserve(sb, (size_t)n)) {
		sb->failed = true;
		return;
	}
	vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_put_hex(struct strbuf *sb, const char *delim, unsigned long long v,
		    unsigned int width)
{
	static const char digits[] = "0123456789abcdef";
	char buf[16], *p = buf + sizeof(buf);
	unsigned int n = 0;

	do {
		*--p = digits[v & 15];
		v >>= 4;
		n++;
	} while (v);
	while (n < width && n < 16) {
		*--p = '0';
		n++;
	}
	if (delim)
		strbuf_puts(sb, delim);
	strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void strbuf_put_decimal(struct strbuf *sb, const char *delim,
			unsigned long long v)
{
	char buf[20], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (delim)
		strbuf_puts(sb, delim);
	strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void strbuf_pad_to(struct strbuf *sb, size_t line_start, size_t width)
{
	size_t n;

	if (sb->failed || sb->len - line_start >= width)
		return;
	n = width - (sb->len - line_start);
	if (strbuf_reserve(sb, n)) {
		sb->failed = true;
		return;
	}
	memset(sb->buf + sb->len, ' ', n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_consume(struct strbuf *sb, size_t n)
{
	if (n >= sb->len) {
		strbuf_reset(sb);
		return;
	}
	memmove(sb->buf, sb->buf + n, sb->len - n + 1);
	sb->len -= n;
}
