/* include/strbuf.h - a growable text buffer, the simulator's seq_file.
 *
 * Renderers append to a strbuf; an allocation failure is remembered in
 * @failed so a renderer can print freely and the caller checks once
 * (the kernel's seq_file overflow check works the same way).
 */
#ifndef RMAPFS_STRBUF_H
#define RMAPFS_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;		/* NUL-terminated when len > 0 */
	size_t len;		/* bytes used, excluding the NUL */
	size_t cap;		/* bytes allocated */
	bool failed;		/* an append ran out of memory */
};

#define STRBUF_INIT { NULL, 0, 0, false }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Make room for @extra more bytes. Return: 0, or -ENOMEM with @sb unchanged
 * (@failed too: a failed reservation is a probe, not a lost append). */
int strbuf_reserve(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* seq_put_hex_ll: @delim (or nothing), then @v in lower-case hex, zero
 * padded to @width digits; seq_put_decimal_ull likewise in decimal. The
 * maps lines use them instead of printf, as the kernel does. */
void strbuf_put_hex(struct strbuf *sb, const char *delim, unsigned long long v,
		    unsigned int width);
void strbuf_put_decimal(struct strbuf *sb, const char *delim,
			unsigned long long v);
/* Pad with spaces up to column @width of the current line (seq_pad). */
void strbuf_pad_to(struct strbuf *sb, size_t line_start, size_t width);
/* Drop the first @n bytes. */
void strbuf_consume(struct strbuf *sb, size_t n);

#endif
