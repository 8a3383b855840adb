#!/usr/bin/env bash
# s3_stack.sh - rmapsim on tests/expected/s3_stack.rmap; stdout must be
# s3_stack.out, the error lines (causes stripped) s3_stack.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_stack
finish
