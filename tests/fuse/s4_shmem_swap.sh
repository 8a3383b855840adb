#!/usr/bin/env bash
# s4_shmem_swap.sh - rmapsim on tests/expected/s4_shmem_swap.rmap; stdout must be
# s4_shmem_swap.out, the error lines (causes stripped) s4_shmem_swap.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_shmem_swap
finish
