/* tools/rmapsim.c - the headless runner: the command language of
 * docs/commands.md read from scripts or stdin, one machine for all of
 * them, no mount needed.
 *
 * Each line goes to sim_exec_line() exactly as a /ctl write would run it;
 * its result line is printed on stdout, its /dmesg error line on stderr.
 * One extra word, `cat PATH...`, prints files of the virtual tree through
 * the same renderer the mount uses, so scripted tests see the very bytes
 * `cat MOUNTPOINT/PATH` would.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "strbuf.h"
#include "vfs.h"
#include "proc.h"

struct runner {
	struct sim *sim;
	bool keep_going;		/* -k: report errors, do not stop */
	bool failed;			/* some line failed */
	struct strbuf out;		/* reused for results and renders */
};

static void usage(const char *prog)
{
	printf("usage: %s [-o frames=N] [-o swap=N] [-o failnth=N] [-k] [SCRIPT ...]\n"
	       "\n"
	       "Run rmapfs commands (docs/commands.md) without mounting: each\n"
	       "SCRIPT in order on one machine, or stdin when there is none\n"
	       "(\"-\" also means stdin). Results go to stdout, errors (the\n"
	       "/dmesg line) to stderr. An extra line `cat PATH...` prints files\n"
	       "of the virtual tree, e.g. `cat 1/maps`.\n"
	       "\n"
	       "    -o frames=N     physical memory in 4 KiB frames (default %lu)\n"
	       "    -o swap=N       swap slots (default: as many as frames)\n"
	       "    -o failnth=N    test hook: the Nth allocation after start-up fails\n"
	       "    -k              keep going after a failing line\n"
	       "    -h, --help      this text\n"
	       "    -V, --version   print the version\n"
	       "\n"
	       "Exit status: 0, or 1 if any line failed, 2 on bad usage.\n",
	       prog, SIM_DEFAULT_FRAMES);
}

static void report(struct runner *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	/* Keep stdout and stderr in order when both go to one terminal. */
	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	r->failed = true;
}

/* Raw bytes: a render is printed exactly, NULs and all. */
static void put_out(struct runner *r)
{
	if (r->out.len)		/* an empty strbuf may have no buffer */
		fwrite(r->out.buf, 1, r->out.len, stdout);
}

/* Render one path; paths may be given with or without the leading '/'. */
static void cat_one(struct runner *r, const char *word, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	int err = 0;

	if (*word != '/')
		strbuf_putc(&path, '/');
	strbuf_add(&path, word, len);
	if (path.failed)
		err = -ENOMEM;
	else if (memchr(word, '\0', len))
		err = -EINVAL;
	strbuf_reset(&r->out);
	if (!err)
		err = vfs_render(r->sim, path.buf, &r->out);
	if (err)
		report(r, "cat %.*s: %s (%s)\n", (int)len, word,
		       errno_name(-err), strerror(-err));
	else
		put_out(r);
	strbuf_release(&path);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next word of [*p, end), as the core splits lines: blanks (and CR)
 * words, '#' to the end of the line is a comment. */
static bool next_word(const char **p, const char *end, const char **word,
		      size_t *len)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	*word = s;
	while (s < end && !is_blank(*s) && *s != '#')
		s++;
	*len = (size_t)(s - *word);
	*p = *len ? s : end;
	return *len != 0;
}

/*
 * `cat PATH...` prints each PATH. Return: false if @line is not a cat line
 * with at least one path, so that the core gets it (and rejects a bare
 * `cat` as an unknown command).
 */
static bool try_cat(struct runner *r, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *word;
	size_t wlen;

	if (!next_word(&p, end, &word, &wlen) || wlen != 3 ||
	    memcmp(word, "cat", 3))
		return false;
	if (!next_word(&p, end, &word, &wlen))
		return false;
	do
		cat_one(r, word, wlen);
	while (next_word(&p, end, &word, &wlen));
	return true;
}

#define DUMP_MAX (1UL << 20)	/* bytes one dump line may ask for */

/*
 * `dump PATH OFFSET LEN` prints LEN bytes of a binary file from OFFSET as
 * hex, 16 bytes a line ("OFFSET: xx xx ..."), so pagemap and kpageflags
 * ranges can be read without the whole file. Return: false if @line is
 * not a dump line.
 */
static bool try_dump(struct runner *r, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *w[4];
	struct strbuf path = STRBUF_INIT;
	unsigned long long off, n;
	size_t wl[4], i;
	char *e1, *e2, num[2][32];
	int err;

	for (i = 0; i < 4; i++)
		if (!next_word(&p, end, &w[i], &wl[i]))
			break;
	if (i < 1 || wl[0] != 4 || memcmp(w[0], "dump", 4))
		return false;
	if (i < 4 || next_word(&p, end, &w[0], &wl[0]) ||
	    wl[2] >= sizeof(num[0]) || wl[3] >= sizeof(num[1])) {
		report(r, "dump: want dump PATH OFFSET LEN\n");
		return true;
	}
	memcpy(num[0], w[2], wl[2]);
	num[0][wl[2]] = '\0';
	memcpy(num[1], w[3], wl[3]);
	num[1][wl[3]] = '\0';
	off = strtoull(num[0], &e1, 0);
	n = strtoull(num[1], &e2, 0);
	if (*e1 || *e2 || n > DUMP_MAX) {
		report(r, "dump: bad OFFSET or LEN (LEN at most %lu)\n", DUMP_MAX);
		return true;
	}
	if (*w[1] != '/')
		strbuf_putc(&path, '/');
	strbuf_add(&path, w[1], wl[1]);
	strbuf_reset(&r->out);
	err = path.failed ? -ENOMEM :
	      vfs_read_range(r->sim, path.buf, (off_t)off, (size_t)n, &r->out);
	if (err) {
		report(r, "dump %.*s: %s (%s)\n", (int)wl[1], w[1],
		       errno_name(-err), strerror(-err));
	} else {
		for (i = 0; i < r->out.len; i++)
			printf("%02x%s", (unsigned char)r->out.buf[i],
			       (i % 16 == 15 || i + 1 == r->out.len) ? "\n" : " ");
	}
	strbuf_release(&path);
	return true;
}

static void run_line(struct runner *r, const char *line, size_t len)
{
	if (len && line[len - 1] == '\n')
		len--;
	if (try_cat(r, line, len) || try_dump(r, line, len))
		return;
	strbuf_reset(&r->out);
	if (sim_exec_line(r->sim, line, len, 0, &r->out)) {
		report(r, "%s\n", r->sim->last_err.buf);
		return;
	}
	put_out(r);
}

static void run_stream(struct runner *r, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	/* getline takes any length: an overlong line reaches the core
	 * whole, which rejects it with EINVAL ("line too long"). */
	while ((n = getline(&line, &cap, f)) != -1) {
		run_line(r, line, (size_t)n);
		if (r->failed && !r->keep_going)
			break;
	}
	free(line);
}

static void run_script(struct runner *r, const char *name)
{
	FILE *f;

	if (!strcmp(name, "-")) {
		run_stream(r, stdin);
		return;
	}
	f = fopen(name, "r");
	if (!f) {
		report(r, "rmapsim: %s: %s\n", name, strerror(errno));
		return;
	}
	run_stream(r, f);
	if (ferror(f))
		report(r, "rmapsim: %s: read error\n", name);
	fclose(f);
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct sim_options opt;
	struct runner r = { .out = STRBUF_INIT };
	int c, i;

	sim_options_init(&opt);
	while ((c = getopt_long(argc, argv, "o:khV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (sim_parse_option(&opt, optarg)) {
				fprintf(stderr, "rmapsim: bad -o %s (want frames=N, "
					"N in 2 .. %lu, or failnth=N)\n",
					optarg, SIM_MAX_FRAMES);
				return 2;
			}
			break;
		case 'k':
			r.keep_going = true;
			break;
		case 'h':
			usage(argv[0]);
			return 0;
		case 'V':
			printf("rmapsim %s\n", RMAPFS_VERSION);
			return 0;
		default:
			fprintf(stderr, "try: %s --help\n", argv[0]);
			return 2;
		}
	}

	r.sim = sim_new(&opt);
	if (!r.sim) {
		fprintf(stderr, "rmapsim: cannot create the simulator (%lu frames)\n",
			opt.frames);
		return 1;
	}
	sim_arm_failnth(&opt);	/* counts from the first command */
	if (optind == argc)
		run_stream(&r, stdin);
	for (i = optind; i < argc; i++) {
		if (r.failed && !r.keep_going)
			break;
		run_script(&r, argv[i]);
	}

	strbuf_release(&r.out);
	sim_free(r.sim);
	if (fflush(stdout) == EOF) {
		perror("rmapsim: stdout");
		return 1;
	}
	return r.failed ? 1 : 0;
}
