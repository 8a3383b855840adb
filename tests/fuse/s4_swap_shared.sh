#!/usr/bin/env bash
# s4_swap_shared.sh - rmapsim on tests/expected/s4_swap_shared.rmap; stdout must be
# s4_swap_shared.out, the error lines (causes stripped) s4_swap_shared.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_swap_shared
finish
