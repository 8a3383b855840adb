#!/usr/bin/env bash
# s3_faults.sh - rmapsim on tests/expected/s3_faults.rmap; stdout must be
# s3_faults.out, the error lines (causes stripped) s3_faults.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_faults
finish
