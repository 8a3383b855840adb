#!/usr/bin/env bash
# s3_fork_cow.sh - rmapsim on tests/expected/s3_fork_cow.rmap; stdout must be
# s3_fork_cow.out, the error lines (causes stripped) s3_fork_cow.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_fork_cow
finish
