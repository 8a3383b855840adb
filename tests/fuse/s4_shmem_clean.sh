#!/usr/bin/env bash
# s4_shmem_clean.sh - rmapsim on tests/expected/s4_shmem_clean.rmap; stdout must be
# s4_shmem_clean.out, the error lines (causes stripped) s4_shmem_clean.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_shmem_clean
finish
