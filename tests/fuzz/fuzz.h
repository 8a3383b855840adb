/* tests/fuzz/fuzz.h - the harness both fuzz targets and the regression
 * replay share: one machine per input, every line through sim_exec_line,
 * and after every line the checks that turn a silent corruption into a
 * crash libFuzzer can report.
 *
 * A harness script is text, one command line per line, as /ctl takes it,
 * with three additions that only the harness understands:
 *
 *   # frames=N       first line only: the machine gets N frames (16 .. 4096;
 *                    default FUZZ_FRAMES). Still a comment to the parser.
 *   !N LINE          LINE runs with allocation N of it failing (rm_fail_nth).
 *   @PID LINE        LINE is written to /PID/ctl instead of /ctl.
 *
 * "!N @PID LINE" combines both. Only the first FUZZ_MAX_LINES lines run;
 * a touch, or an mmap with populate, longer than FUZZ_MAX_LEN is skipped
 * so that every input stays fast.
 *
 * After every line (accepted or not), the harness aborts with a message
 * when:
 *  - sim_check() finds a broken invariant;
 *  - a failed line's errno has no name for /dmesg (errno_name());
 *  - the process's peak RSS grew by more than FUZZ_MAX_GROWTH_MB since the
 *    input began (a few lines on a 256-frame machine need kilobytes; this
 *    catches host memory that grows with an address or offset);
 *  - a virtual file fails to render or a listed entry has no attributes
 *    (every file of the tree is rendered: /PID/pagemap in ranges);
 *  - a failed line changed the machine (docs/commands.md: "Every command
 *    is atomic"): every file must be byte-identical except /dmesg, /trace
 *    and the sim_sigsegv, sim_sigbus and pgfault lines of /vmstat, which
 *    count the failure itself.
 * At the end, unless an injected failure let a line succeed differently
 * (a populate that stopped early), /journal is replayed on a fresh machine
 * of the same size: every line must succeed and give the same files.
 */
#ifndef RMAPFS_FUZZ_H
#define RMAPFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_FRAMES	128		/* frames unless "# frames=N" */
#define FUZZ_MAX_LINES	64		/* lines of one input that run */
#define FUZZ_MAX_LEN	(1UL << 20)	/* bytes of a touch or populate */
#define FUZZ_MAX_GROWTH_MB 256		/* host memory one input may take */

struct sim;
struct strbuf;
struct fuzz_run;

/* A machine of @frames frames. Return: the run, or NULL (no memory). */
struct fuzz_run *fuzz_begin(unsigned long frames);
/*
 * fuzz_line - run one line of a harness script (directives allowed, no
 * newline) and verify the machine afterwards; aborts on a finding.
 * @result: gets the line's result ("0x7effffffe000\n"), unless NULL.
 * Return: the line's 0/-errno, or 1 when the line was skipped as too long.
 */
int fuzz_line(struct fuzz_run *run, const char *line, size_t len,
	      struct strbuf *result);
/* The machine, for generators that look at its state. */
struct sim *fuzz_sim(struct fuzz_run *run);
/* Replay the journal (see above), then free everything. */
void fuzz_end(struct fuzz_run *run);

/* Run a whole harness script. */
void fuzz_script(const uint8_t *data, size_t size);

/* The libFuzzer entry point each target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
