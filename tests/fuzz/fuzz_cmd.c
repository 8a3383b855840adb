/* tests/fuzz/fuzz_cmd.c - libFuzzer target: arbitrary bytes as a harness
 * script (tests/fuzz/fuzz.h), that is as command lines for /ctl and
 * /PID/ctl, run by sim_exec_line on a 128-frame machine with every
 * invariant checked after every line. Its dictionary is cmd.dict; its
 * seeds are in corpus/cmd/. Built with a plain main (standalone.c) in the
 * normal build, it replays tests/fuzz/regressions/.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_script(data, size);
	return 0;
}
