#!/usr/bin/env bash
# s_placement.sh - rmapsim on tests/expected/s_placement.rmap; stdout must be
# s_placement.out, the error lines (causes stripped) s_placement.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s_placement
finish
