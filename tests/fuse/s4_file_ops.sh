#!/usr/bin/env bash
# s4_file_ops.sh - rmapsim on tests/expected/s4_file_ops.rmap; stdout must be
# s4_file_ops.out, the error lines (causes stripped) s4_file_ops.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_file_ops
finish
