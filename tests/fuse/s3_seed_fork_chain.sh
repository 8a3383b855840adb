#!/usr/bin/env bash
# s3_seed_fork_chain.sh - rmapsim on tests/expected/s3_seed_fork_chain.rmap; stdout must be
# s3_seed_fork_chain.out, the error lines (causes stripped) s3_seed_fork_chain.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_seed_fork_chain
finish
