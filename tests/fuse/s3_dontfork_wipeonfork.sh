#!/usr/bin/env bash
# s3_dontfork_wipeonfork.sh - rmapsim on tests/expected/s3_dontfork_wipeonfork.rmap; stdout must be
# s3_dontfork_wipeonfork.out, the error lines (causes stripped) s3_dontfork_wipeonfork.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_dontfork_wipeonfork
finish
