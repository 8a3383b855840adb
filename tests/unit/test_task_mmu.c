/* tests/unit/test_task_mmu.c - core/task_mmu.c: the bytes of /PID/maps and
 * the memory lines of /PID/status, after kernel-spec §1 (show_map_vma:
 * "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then, if there is a name,
 * padding to column 72, one space and the name) and §3.1.1 ("Label:\t" +
 * value right-aligned in 8 + " kB").
 */
#include <stdio.h>

#include "testlib.h"

/* The gate VMA line: a 56-character prefix, 16 blanks to column 72, one
 * blank, the name. */
#define VSYSCALL_LINE \
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0" \
	"                  [vsyscall]\n"

/* One maps line as show_map_vma builds it. */
static void maps_line(struct strbuf *sb, unsigned long start, unsigned long end,
		      const char *perms, unsigned long long off, unsigned int maj,
		      unsigned int min, unsigned long ino, const char *name)
{
	size_t line_start = sb->len;

	strbuf_printf(sb, "%08lx-%08lx %s %08llx %02x:%02x %lu ", start, end,
		      perms, off, maj, min, ino);
	if (name) {
		strbuf_pad_to(sb, line_start, 72);
		strbuf_printf(sb, " %s", name);
	}
	strbuf_putc(sb, '\n');
}

static void assert_file_is(const char *path, const struct strbuf *expect)
{
	struct strbuf out = STRBUF_INIT;
	int rc = vfs_render(T.sim, path, &out);

	ck_assert_int_eq(rc, 0);
	ck_assert_msg(out.len == expect->len &&
		      memcmp(out.buf, expect->buf, out.len) == 0,
		      "%s:\n[%s]\nexpected:\n[%s]", path, out.buf ? out.buf : "",
		      expect->buf ? expect->buf : "");
	strbuf_release(&out);
}

START_TEST(test_maps_empty_process_has_only_vsyscall)
{
	struct strbuf e = STRBUF_INIT;

	strbuf_puts(&e, VSYSCALL_LINE);
	assert_file_is("/1/maps", &e);
	/* The same line from the formula: 56 + 16 pad + 1 = col 73. */
	strbuf_reset(&e);
	maps_line(&e, 0xffffffffff600000UL, 0xffffffffff601000UL, "--xp", 0, 0, 0,
		  0, "[vsyscall]");
	ck_assert_str_eq(e.buf, VSYSCALL_LINE);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_maps_anonymous_lines)
{
	struct strbuf e = STRBUF_INIT;

	/*  0x10000  0x11000 ...  0x7effffffe000      0x7f0000000000
	 *  |r-- |              |-- rw- ------------|
	 * Short addresses are zero-padded to 8 digits; an anonymous line
	 * prints offset 00000000 whatever its pgoff, and ends in a blank. */
	T_CMD(T.sim, "mmap 1 0x10000 4096 r-- private,fixed");
	T_CMD(T.sim, "mmap 1 0 8192 rw- private");
	T_CMD(T.sim, "mmap 1 0x40000000 4096 --x private,growsdown,fixed");
	strbuf_puts(&e, "00010000-00011000 r--p 00000000 00:00 0 \n");
	strbuf_puts(&e, "40000000-40001000 --xp 00000000 00:00 0 \n");
	strbuf_puts(&e, "7effffffe000-7f0000000000 rw-p 00000000 00:00 0 \n");
	strbuf_puts(&e, VSYSCALL_LINE);
	assert_file_is("/1/maps", &e);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_maps_file_and_shmem_lines)
{
	struct strbuf e = STRBUF_INIT;

	/* /lib/a.so is inode 1 on 08:01; the shared anonymous mapping is
	 * shmem inode 1 on 00:01, named "/dev/zero (deleted)", perms rw-s,
	 * and prints its real pgoff, 0. */
	T_CMD(T.sim, "file /lib/a.so 16384");
	T_CMD(T.sim, "mmap 1 0x40000000 8192 r-x private,fixed /lib/a.so 4096");
	T_CMD(T.sim, "mmap 1 0x40002000 4096 rw- shared,fixed /lib/a.so 12288");
	T_CMD(T.sim, "mmap 1 0 4096 rw- shared");
	maps_line(&e, 0x40000000, 0x40002000, "r-xp", 0x1000, 8, 1, 1, "/lib/a.so");
	maps_line(&e, 0x40002000, 0x40003000, "rw-s", 0x3000, 8, 1, 1, "/lib/a.so");
	maps_line(&e, 0x7efffffff000UL, 0x7f0000000000UL, "rw-s", 0, 0, 1, 1,
		  "/dev/zero (deleted)");
	strbuf_puts(&e, VSYSCALL_LINE);
	/* The padding, spelled out for the first line: the prefix
	 * "40000000-40002000 r-xp 00001000 08:01 1 " is 40 characters, so
	 * 32 blanks reach column 72 and one more precedes the name. */
	ck_assert(strncmp(e.buf, "40000000-40002000 r-xp 00001000 08:01 1"
			  "                                  /lib/a.so\n", 83) == 0);
	assert_file_is("/1/maps", &e);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_maps_offset_grows_past_8_digits)
{
	struct strbuf e = STRBUF_INIT;

	/* Offset 4 GiB = 0x100000000: "%08llx" gives 9 digits. */
	T_CMD(T.sim, "file /big 4096");
	T_CMD(T.sim, "mmap 1 0x40000000 4096 r-- private,fixed /big 4294967296");
	maps_line(&e, 0x40000000, 0x40001000, "r--p", 0x100000000ULL, 8, 1, 1, "/big");
	strbuf_puts(&e, VSYSCALL_LINE);
	assert_file_is("/1/maps", &e);
	strbuf_release(&e);
}
END_TEST

START_TEST(test_status_memory_lines)
{
	struct strbuf out = STRBUF_INIT;
	const char *expect =
		"VmPeak:\t      36 kB\n"	/* hiwater_vm 9 pages */
		"VmSize:\t      32 kB\n"	/* total_vm 8 */
		"VmLck:\t       0 kB\n"
		"VmPin:\t       0 kB\n"
		"VmHWM:\t       0 kB\n"	/* nothing faulted in */
		"VmRSS:\t       0 kB\n"
		"RssAnon:\t       0 kB\n"
		"RssFile:\t       0 kB\n"
		"RssShmem:\t       0 kB\n"
		"VmData:\t      12 kB\n"	/* rw- private, 3 pages left */
		"VmStk:\t      12 kB\n"	/* growsdown, 3 pages */
		"VmExe:\t       0 kB\n"	/* no start_code/end_code */
		"VmLib:\t       8 kB\n"	/* exec_vm 2 pages - text 0 */
		"VmPTE:\t       0 kB\n"	/* no page tables without faults */
		"VmSwap:\t       0 kB\n"
		"HugetlbPages:\t       0 kB\n";

	/* rw- 4 pages, r-x 2 pages, rw- growsdown 3 pages: total 9; then one
	 * rw- page unmapped: hiwater_vm 9, total 8. */
	T_CMD(T.sim, "mmap 1 0x40000000 16384 rw- private,fixed");
	T_CMD(T.sim, "mmap 1 0x40010000 8192 r-x private,fixed");
	T_CMD(T.sim, "mmap 1 0x40020000 12288 rw- private,fixed,growsdown");
	T_CMD(T.sim, "munmap 1 0x40003000 4096");
	ck_assert_int_eq(vfs_render(T.sim, "/1/status", &out), 0);
	ck_assert_msg(out.len && strstr(out.buf, expect),
		      "status:\n%s\nlacks:\n%s", out.buf, expect);
	ck_assert(strncmp(out.buf, "Name:\tsim\n", 10) == 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "\nPid:\t1\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "\nPPid:\t0\n"));
	strbuf_release(&out);
}
END_TEST

START_TEST(test_status_of_fork_child)
{
	struct strbuf out = STRBUF_INIT;

	/* The child: PPid 1; VmPeak = its hiwater_vm = total_vm (2 pages),
	 * whatever the parent's peak was. */
	T_CMD(T.sim, "mmap 1 0x40000000 16384 rw- private,fixed");
	T_CMD(T.sim, "munmap 1 0x40000000 8192");
	T_CMD(T.sim, "fork 1");
	ck_assert_int_eq(vfs_render(T.sim, "/2/status", &out), 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "\nPid:\t2\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "\nPPid:\t1\n"));
	ck_assert_ptr_nonnull(strstr(out.buf, "\nVmPeak:\t       8 kB\nVmSize:\t       8 kB\n"));
	strbuf_reset(&out);
	ck_assert_int_eq(vfs_render(T.sim, "/1/status", &out), 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "\nVmPeak:\t      16 kB\nVmSize:\t       8 kB\n"));
	strbuf_release(&out);
}
END_TEST

static Suite *task_mmu_suite(void)
{
	Suite *s = suite_create("task_mmu");
	TCase *tc;

	tc = t_tcase("maps");
	tcase_add_test(tc, test_maps_empty_process_has_only_vsyscall);
	tcase_add_test(tc, test_maps_anonymous_lines);
	tcase_add_test(tc, test_maps_file_and_shmem_lines);
	tcase_add_test(tc, test_maps_offset_grows_past_8_digits);
	suite_add_tcase(s, tc);

	tc = t_tcase("status");
	tcase_add_test(tc, test_status_memory_lines);
	tcase_add_test(tc, test_status_of_fork_child);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return t_run_suite(task_mmu_suite());
}
