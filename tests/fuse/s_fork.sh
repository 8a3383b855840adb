#!/usr/bin/env bash
# s_fork.sh - rmapsim on tests/expected/s_fork.rmap; stdout must be
# s_fork.out, the error lines (causes stripped) s_fork.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s_fork
finish
