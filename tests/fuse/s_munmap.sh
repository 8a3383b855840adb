#!/usr/bin/env bash
# s_munmap.sh - rmapsim on tests/expected/s_munmap.rmap; stdout must be
# s_munmap.out, the error lines (causes stripped) s_munmap.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s_munmap
finish
