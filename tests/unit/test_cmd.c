/* tests/unit/test_cmd.c - core/cmd.c: the command language of
 * docs/commands.md - numbers, PROT and flag words, arity, errno per error,
 * results, /dmesg and /journal lines, /PID/ctl context, sim_exec_buf.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testlib.h"

/* Run @line (ctx 0); return its errno and leave the result in @res. */
static int run(struct strbuf *res, const char *line)
{
	strbuf_reset(res);
	return sim_exec_line(T.sim, line, strlen(line), 0, res);
}

/* The result line must be exactly @expect. */
#define ASSERT_RESULT(res, expect) \
	ck_assert_msg((res)->len == strlen(expect) && \
		      memcmp((res)->len ? (res)->buf : "", (expect), (res)->len) == 0, \
		      "result \"%.*s\", expected \"%s\"", (int)(res)->len, \
		      (res)->len ? (res)->buf : "", (expect))

/* A line that must fail with @err and leave /1/maps and /journal as
 * they were. */
#define CMD_FAILS(err, line) do { \
	static const char *const files_[] = { "/1/maps", "/journal", NULL }; \
	struct strbuf b_ = STRBUF_INIT, a_ = STRBUF_INIT, r_ = STRBUF_INIT; \
	t_render(T.sim, files_, &b_); \
	ck_assert_msg(run(&r_, (line)) == (err), "`%s`: %d, expected %d", \
		      (line), run(&r_, (line)), (err)); \
	CHECK_SIM(T.sim); \
	t_render(T.sim, files_, &a_); \
	ASSERT_STRBUF_EQ(&b_, &a_); \
	strbuf_release(&b_); \
	strbuf_release(&a_); \
	strbuf_release(&r_); \
} while (0)

/* The last line of a strbuf (without its newline). */
static const char *last_line(const struct strbuf *sb, char *out, size_t size)
{
	size_t end, start;

	ck_assert_uint_gt(sb->len, 0);
	end = sb->len;
	if (sb->buf[end - 1] == '\n')
		end--;
	start = end;
	while (start > 0 && sb->buf[start - 1] != '\n')
		start--;
	ck_assert_uint_lt(end - start, size);
	memcpy(out, sb->buf + start, end - start);
	out[end - start] = '\0';
	return out;
}

START_TEST(test_cmd_spawn_results_and_comm)
{
	struct strbuf res = STRBUF_INIT;
	struct task_struct *t;

	/* pid 1 is the fixture's "spawn": comm defaults to "sim". */
	ck_assert_str_eq(find_task(T.sim, 1)->comm, "sim");
	ck_assert_int_eq(find_task(T.sim, 1)->ppid, 0);
	ck_assert_int_eq(run(&res, "spawn"), 0);
	ASSERT_RESULT(&res, "2\n");
	/* COMM is cut to 15 bytes (TASK_COMM_LEN 16 with the NUL). */
	ck_assert_int_eq(run(&res, "spawn averyveryverylongname"), 0);
	ASSERT_RESULT(&res, "3\n");
	t = find_task(T.sim, 3);
	ck_assert_str_eq(t->comm, "averyveryverylo");
	CHECK_SIM(T.sim);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_numbers_and_lengths)
{
	struct strbuf res = STRBUF_INIT;

	/* 0x hex, 8K = 2 pages; the result is 0x + lower-case hex. */
	ck_assert_int_eq(run(&res, "mmap 1 0x40000000 8K rw- private,fixed"), 0);
	ASSERT_RESULT(&res, "0x40000000\n");
	/* 0X works too; 1M = 256 pages. */
	ck_assert_int_eq(run(&res, "mmap 1 0X40100000 1M r-- private,fixed"), 0);
	ASSERT_RESULT(&res, "0x40100000\n");
	/* Decimal 1077936128 = 0x40400000; a length of 100 is rounded up
	 * to one page. */
	ck_assert_int_eq(run(&res, "mmap 1 1077936128 100 r-x private,fixed"), 0);
	ASSERT_RESULT(&res, "0x40400000\n");
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + 2 * PG, PFN(BASE), ANON_FLAGS(RW) },
		    { 0x40100000UL, 0x40200000UL, PFN(0x40100000UL), ANON_FLAGS(RO) },
		    { 0x40400000UL, 0x40401000UL, PFN(0x40400000UL), ANON_FLAGS(RX) });
	/* Top-down result with 12 hex digits. (r--: a 2G writable private
	 * mapping would exceed the 4 MiB machine's overcommit guess.) */
	ck_assert_int_eq(run(&res, "mmap 1 0 2G r-- private"), 0);
	ASSERT_RESULT(&res, "0x7eff80000000\n");
	CHECK_SIM(T.sim);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_malformed_numbers_einval)
{
	/* 2^64 does not fit; nor does 2^34 G; junk after digits; no
	 * digits. */
	CMD_FAILS(-EINVAL, "mmap 1 0 18446744073709551616 rw- private");
	CMD_FAILS(-EINVAL, "mmap 1 0 17179869184G rw- private");
	CMD_FAILS(-EINVAL, "mmap 1 0 12x rw- private");
	CMD_FAILS(-EINVAL, "mmap 1 0 0x rw- private");
	CMD_FAILS(-EINVAL, "mmap 1 zero 4096 rw- private");
	CMD_FAILS(-EINVAL, "munmap one 0x40000000 4096");
	/* A suffix belongs to lengths only. */
	CMD_FAILS(-EINVAL, "mmap 1 4K 4096 rw- private,fixed");
}
END_TEST

START_TEST(test_cmd_prot_words)
{
	struct strbuf res = STRBUF_INIT;

	CMD_FAILS(-EINVAL, "mmap 1 0 4096 rw private");
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 rwxx private");
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 wr- private");
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 RW- private");
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 r-w private");
	CMD_FAILS(-EINVAL, "mprotect 1 0x40000000 4096 rwz");
	ck_assert_int_eq(run(&res, "mmap 1 0x40000000 4096 --- private,fixed"), 0);
	ck_assert_int_eq(run(&res, "mmap 1 0x40002000 4096 -w- private,fixed"), 0);
	ck_assert_int_eq(run(&res, "mmap 1 0x40004000 4096 --x private,fixed"), 0);
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, PFN(BASE), ANON_FLAGS(PROT_NONE) },
		    { BASE + 2 * PG, BASE + 3 * PG, PFN(BASE + 2 * PG),
		      ANON_FLAGS(PROT_WRITE) },
		    { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG),
		      ANON_FLAGS(PROT_EXEC) });
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_mmap_flag_words)
{
	struct strbuf res = STRBUF_INIT;

	/* Exactly one of private/shared. */
	CMD_FAILS(-EINVAL, "mmap 1 0x40000000 4096 rw- fixed");
	CMD_FAILS(-EINVAL, "mmap 1 0x40000000 4096 rw- private,shared");
	CMD_FAILS(-EINVAL, "mmap 1 0x40000000 4096 rw- private,bogus");
	CMD_FAILS(-EINVAL, "mmap 1 0x40000000 4096 rw- ");
	/* Every other word is accepted, in any order. */
	ck_assert_int_eq(run(&res, "mmap 1 0x40000000 4096 rw- fixed,noreserve,private,populate"), 0);
	ASSERT_RESULT(&res, "0x40000000\n");
	ck_assert_int_eq(run(&res, "mmap 1 0x40004000 4096 rw- private,growsdown,noreplace"), 0);
	ASSERT_RESULT(&res, "0x40004000\n");
	ck_assert_int_eq(run(&res, "mmap 1 0 4096 rw- shared"), 0);
	ASSERT_RESULT(&res, "0x7efffffff000\n");
	CHECK_SIM(T.sim);
	ASSERT_VMAS(T.mm,
		    { BASE, BASE + PG, PFN(BASE), ANON_NR_FLAGS(RW) },
		    { BASE + 4 * PG, BASE + 5 * PG, PFN(BASE + 4 * PG),
		      ANON_FLAGS(RW) | VM_GROWSDOWN },
		    { 0x7efffffff000UL, 0x7f0000000000UL, 0,
		      RW | VM_MAY | VM_SHARED | VM_MAYSHARE | VM_SOFTDIRTY });
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_unknown_command_and_arity_einval)
{
	CMD_FAILS(-EINVAL, "frobnicate");
	CMD_FAILS(-EINVAL, "frobnicate 1 2 3");
	CMD_FAILS(-EINVAL, "munmap 1 0x40000000");
	CMD_FAILS(-EINVAL, "munmap 1 0x40000000 4096 4096");
	CMD_FAILS(-EINVAL, "mprotect 1 0x40000000 4096");
	CMD_FAILS(-EINVAL, "madvise 1 0x40000000 4096");
	CMD_FAILS(-EINVAL, "madvise 1 0x40000000 4096 sequential");
	CMD_FAILS(-EINVAL, "fork");
	CMD_FAILS(-EINVAL, "exit");
	CMD_FAILS(-EINVAL, "spawn a b");
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 rw-");
	CMD_FAILS(-EINVAL, "file /a");
	CMD_FAILS(-EINVAL, "check now");
	ck_assert_ptr_null(find_task(T.sim, 2));
}
END_TEST

START_TEST(test_cmd_unknown_pid_esrch)
{
	CMD_FAILS(-ESRCH, "fork 9");
	CMD_FAILS(-ESRCH, "exit 9");
	CMD_FAILS(-ESRCH, "mmap 9 0 4096 rw- private");
	CMD_FAILS(-ESRCH, "munmap 9 0x40000000 4096");
	CMD_FAILS(-ESRCH, "mprotect 9 0x40000000 4096 r--");
	CMD_FAILS(-ESRCH, "madvise 9 0x40000000 4096 dontfork");
}
END_TEST

START_TEST(test_cmd_mmap_file_errors)
{
	T_CMD(T.sim, "file /a 16384");
	CMD_FAILS(-ENOENT, "mmap 1 0 4096 r-- private /nope");
	/* OFFSET must be page aligned. */
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 r-- private /a 100");
	/* growsdown with a file. */
	CMD_FAILS(-EINVAL, "mmap 1 0 4096 r-- private,growsdown /a");
	/* A page-aligned OFFSET of 8192 bytes is pgoff 2. */
	T_CMD(T.sim, "mmap 1 0x40000000 4096 r-- private,fixed /a 8192");
	ASSERT_VMAS(T.mm, { BASE, BASE + PG, 2, ANON_FLAGS(RO) });
}
END_TEST

START_TEST(test_cmd_file_namespace)
{
	struct inode *i;

	T_CMD(T.sim, "file /lib/a.so 8192");
	i = inode_lookup(T.sim, "/lib/a.so");
	ck_assert_ptr_nonnull(i);
	ck_assert_uint_eq(i->i_ino, 1);	/* inodes 1, 2, 3, ... on 08:01 */
	ck_assert_uint_eq(i->dev_major, 8);
	ck_assert_uint_eq(i->dev_minor, 1);
	/* A relative NAME gets a leading slash. */
	T_CMD(T.sim, "file rel 10");
	ck_assert_ptr_nonnull(inode_lookup(T.sim, "/rel"));
	ck_assert_uint_eq(inode_lookup(T.sim, "/rel")->i_ino, 2);
	CMD_FAILS(-EEXIST, "file /lib/a.so 4096");
	/* A prefix of NAME is a file. */
	CMD_FAILS(-ENOTDIR, "file /lib/a.so/x 4096");
	/* NAME is a directory of other files. */
	CMD_FAILS(-EISDIR, "file /lib 4096");
	/* Failed commands used up no inode number. */
	T_CMD(T.sim, "file /c 1");
	ck_assert_uint_eq(inode_lookup(T.sim, "/c")->i_ino, 3);
}
END_TEST

START_TEST(test_cmd_comments_and_blank_lines)
{
	struct strbuf res = STRBUF_INIT;
	unsigned long seq = T.sim->cmd_seq;
	size_t jlen = T.sim->journal.len;

	ck_assert_int_eq(run(&res, ""), 0);
	ck_assert_int_eq(run(&res, "   \t "), 0);
	ck_assert_int_eq(run(&res, "# a comment"), 0);
	ck_assert_int_eq(run(&res, "   # indented comment"), 0);
	ck_assert_uint_eq(res.len, 0);
	ck_assert_uint_eq(T.sim->cmd_seq, seq);	/* not counted */
	ck_assert_uint_eq(T.sim->journal.len, jlen);
	/* A trailing comment is dropped from the command. */
	ck_assert_int_eq(run(&res, "mmap 1 0x40000000 4096 rw- private,fixed # note"), 0);
	ASSERT_RESULT(&res, "0x40000000\n");
	ck_assert_uint_eq(T.sim->cmd_seq, seq + 1);
	CHECK_SIM(T.sim);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_dmesg_line_format)
{
	struct strbuf res = STRBUF_INIT;
	char line[512];
	char expect[128];

	/* Command lines so far: 1 = the fixture's spawn. This is line 2;
	 * words are joined by one space, the comment dropped. */
	ck_assert_int_eq(run(&res, "munmap   1\t0x1001  4096   # bad"), -EINVAL);
	snprintf(expect, sizeof(expect), "[%6d] munmap 1 0x1001 4096: EINVAL (", 2);
	last_line(&T.sim->dmesg, line, sizeof(line));
	ck_assert_msg(strncmp(line, expect, strlen(expect)) == 0 &&
		      line[strlen(line) - 1] == ')',
		      "dmesg line \"%s\", expected it to start \"%s\" and end \")\"",
		      line, expect);
	/* last_err holds the same line. */
	ck_assert_uint_eq(T.sim->last_err.len, strlen(line));
	ck_assert(memcmp(T.sim->last_err.buf, line, strlen(line)) == 0);
	/* Failed lines count too: this is line 3, then 4 fails with ESRCH. */
	ck_assert_int_eq(run(&res, "check"), 0);
	ck_assert_int_eq(run(&res, "exit 42"), -ESRCH);
	last_line(&T.sim->dmesg, line, sizeof(line));
	snprintf(expect, sizeof(expect), "[%6d] exit 42: ESRCH (", 4);
	ck_assert_msg(strncmp(line, expect, strlen(expect)) == 0,
		      "dmesg line \"%s\", expected \"%s...)\"", line, expect);
	CHECK_SIM(T.sim);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_journal_lists_effective_commands)
{
	static const char *const files[] = { "/journal", NULL };
	struct strbuf res = STRBUF_INIT, out = STRBUF_INIT;
	const char *expect =
		"==> /journal\n"
		"spawn\n"
		"mmap 1 0 8192 rw- private\n"
		"mprotect 1 0x7effffffe000 4096 r--\n"
		"file /a 4096\n";

	ck_assert_int_eq(run(&res, "mmap  1 0   8192 rw-  private # c"), 0);
	ck_assert_int_eq(run(&res, "munmap 1 0x1001 4096"), -EINVAL);	/* not listed */
	ck_assert_int_eq(run(&res, "mprotect 1 0x7effffffe000 4096 r--"), 0);
	ck_assert_int_eq(run(&res, "# comment"), 0);			/* not listed */
	ck_assert_int_eq(run(&res, "file /a 4096"), 0);
	CHECK_SIM(T.sim);
	t_render(T.sim, files, &out);
	ck_assert_msg(out.len == strlen(expect) && memcmp(out.buf, expect, out.len) == 0,
		      "journal:\n%s\nexpected:\n%s", out.buf, expect);
	strbuf_release(&res);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_cmd_pid_ctl_context)
{
	struct strbuf res = STRBUF_INIT;
	const char *l;
	char line[256];

	/* Through /1/ctl the PID argument is implied... */
	l = "mmap 0x40000000 4096 rw- private,fixed";
	ck_assert_int_eq(sim_exec_line(T.sim, l, strlen(l), 1, &res), 0);
	ASSERT_RESULT(&res, "0x40000000\n");
	/* ...and inserted as the first argument in the journal. */
	ck_assert_str_eq(last_line(&T.sim->journal, line, sizeof(line)),
			 "mmap 1 0x40000000 4096 rw- private,fixed");
	strbuf_reset(&res);
	l = "fork";
	ck_assert_int_eq(sim_exec_line(T.sim, l, strlen(l), 1, &res), 0);
	ASSERT_RESULT(&res, "2\n");
	ck_assert_str_eq(last_line(&T.sim->journal, line, sizeof(line)), "fork 1");
	/* Non-process commands are EINVAL there, and so is a PID given. */
	l = "spawn";
	ck_assert_int_eq(sim_exec_line(T.sim, l, strlen(l), 1, &res), -EINVAL);
	l = "check";
	ck_assert_int_eq(sim_exec_line(T.sim, l, strlen(l), 1, &res), -EINVAL);
	l = "munmap 1 0x40000000 4096";
	ck_assert_int_eq(sim_exec_line(T.sim, l, strlen(l), 1, &res), -EINVAL);
	CHECK_SIM(T.sim);
	ck_assert_int_eq(t_nr_vmas(T.mm), 1);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_line_length_limit)
{
	struct strbuf res = STRBUF_INIT;
	char *line = malloc(SIM_LINE_MAX + 2);

	/* "check" padded with blanks to exactly 4096 bytes: fine. */
	ck_assert_ptr_nonnull(line);
	memset(line, ' ', SIM_LINE_MAX + 1);
	memcpy(line, "check", 5);
	ck_assert_int_eq(sim_exec_line(T.sim, line, SIM_LINE_MAX, 0, &res), 0);
	ASSERT_RESULT(&res, "ok\n");
	/* 4097 bytes: EINVAL, line too long. */
	strbuf_reset(&res);
	ck_assert_int_eq(sim_exec_line(T.sim, line, SIM_LINE_MAX + 1, 0, &res), -EINVAL);
	CHECK_SIM(T.sim);
	free(line);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_exit_orphans_children)
{
	T_CMD(T.sim, "fork 1");
	T_CMD(T.sim, "fork 2");
	ck_assert_int_eq(find_task(T.sim, 3)->ppid, 2);
	T_CMD(T.sim, "exit 2");
	ck_assert_ptr_null(find_task(T.sim, 2));
	ck_assert_int_eq(find_task(T.sim, 3)->ppid, 0);	/* no init */
	/* Pids are never reused. */
	ck_assert_int_eq((int)T_CMD(T.sim, "spawn"), 4);
}
END_TEST

START_TEST(test_cmd_sysctl)
{
	T_CMD(T.sim, "sysctl vm.max_map_count 0");
	ck_assert_int_eq(T.sim->sysctl.max_map_count, 0);
	T_CMD(T.sim, "sysctl vm.max_map_count 2147483647");
	ck_assert_int_eq(T.sim->sysctl.max_map_count, 2147483647);
	CMD_FAILS(-EINVAL, "sysctl vm.max_map_count 2147483648");
	CMD_FAILS(-EINVAL, "sysctl vm.max_map_count -1");
	ck_assert_int_eq(T.sim->sysctl.max_map_count, 2147483647);
}
END_TEST

/*
 * kernel.pid_max and alloc_pid's cyclic search (kernel/pid.c v5.15): pids
 * stay below pid_max; past the top the search restarts at RESERVED_PIDS
 * (300), so a free pid 2 is never given again; when all are taken, spawn
 * and fork fail with EAGAIN and change nothing.
 */
START_TEST(test_cmd_pid_max_cycles)
{
	struct strbuf res = STRBUF_INIT;
	char buf[32];
	int pid;

	ck_assert_int_eq(T.sim->sysctl.pid_max, 32768);
	CMD_FAILS(-EINVAL, "sysctl kernel.pid_max 300");
	CMD_FAILS(-EINVAL, "sysctl kernel.pid_max 4194305");
	T_CMD(T.sim, "sysctl kernel.pid_max 303");
	/* the fixture's pid 1 lives; 2..302 fill the range */
	for (pid = 2; pid <= 302; pid++) {
		snprintf(buf, sizeof(buf), "%d\n", pid);
		ck_assert_int_eq(run(&res, "spawn"), 0);
		ASSERT_RESULT(&res, buf);
	}
	CMD_FAILS(-EAGAIN, "spawn");
	CMD_FAILS(-EAGAIN, "fork 1");
	T_CMD(T.sim, "exit 2");
	CMD_FAILS(-EAGAIN, "spawn");	/* 2 is below RESERVED_PIDS */
	T_CMD(T.sim, "exit 301");
	T_CMD(T.sim, "exit 300");
	ck_assert_int_eq(run(&res, "fork 1"), 0);
	ASSERT_RESULT(&res, "300\n");	/* from the bottom, 300 first */
	ck_assert_int_eq(run(&res, "spawn"), 0);
	ASSERT_RESULT(&res, "301\n");
	CMD_FAILS(-EAGAIN, "spawn");
	CHECK_SIM(T.sim);
	strbuf_release(&res);
}
END_TEST

START_TEST(test_cmd_exec_buf_stops_at_first_failure)
{
	struct strbuf res = STRBUF_INIT;
	const char *buf = "spawn\n# c\nbogus\nspawn\n";
	size_t done = 99;

	/* Lines run in order; the third fails; *done = bytes of the lines
	 * before it ("spawn\n# c\n" = 10); the last never runs. */
	ck_assert_int_eq(sim_exec_buf(T.sim, buf, strlen(buf), 0, &res, &done), -EINVAL);
	ck_assert_uint_eq(done, 10);
	ASSERT_RESULT(&res, "2\n");
	ck_assert_ptr_nonnull(find_task(T.sim, 2));
	ck_assert_ptr_null(find_task(T.sim, 3));
	CHECK_SIM(T.sim);
	strbuf_release(&res);
}
END_TEST

static Suite *cmd_suite(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc;

	tc = t_tcase("parse");
	tcase_add_test(tc, test_cmd_spawn_results_and_comm);
	tcase_add_test(tc, test_cmd_numbers_and_lengths);
	tcase_add_test(tc, test_cmd_malformed_numbers_einval);
	tcase_add_test(tc, test_cmd_prot_words);
	tcase_add_test(tc, test_cmd_mmap_flag_words);
	tcase_add_test(tc, test_cmd_unknown_command_and_arity_einval);
	tcase_add_test(tc, test_cmd_unknown_pid_esrch);
	tcase_add_test(tc, test_cmd_mmap_file_errors);
	tcase_add_test(tc, test_cmd_file_namespace);
	tcase_add_test(tc, test_cmd_comments_and_blank_lines);
	tcase_add_test(tc, test_cmd_line_length_limit);
	tcase_add_test(tc, test_cmd_sysctl);
	tcase_add_test(tc, test_cmd_pid_max_cycles);
	suite_add_tcase(s, tc);

	tc = t_tcase("logs");
	tcase_add_test(tc, test_cmd_dmesg_line_format);
	tcase_add_test(tc, test_cmd_journal_lists_effective_commands);
	tcase_add_test(tc, test_cmd_pid_ctl_context);
	tcase_add_test(tc, test_cmd_exit_orphans_children);
	tcase_add_test(tc, test_cmd_exec_buf_stops_at_first_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(cmd_suite());
}
