#!/usr/bin/env bash
# s_files.sh - rmapsim on tests/expected/s_files.rmap; stdout must be
# s_files.out, the error lines (causes stripped) s_files.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s_files
finish
