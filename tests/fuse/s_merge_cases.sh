#!/usr/bin/env bash
# s_merge_cases.sh - rmapsim on tests/expected/s_merge_cases.rmap; stdout must be
# s_merge_cases.out, the error lines (causes stripped) s_merge_cases.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s_merge_cases
finish
