#!/usr/bin/env bash
# s4_mlock.sh - rmapsim on tests/expected/s4_mlock.rmap; stdout must be
# s4_mlock.out, the error lines (causes stripped) s4_mlock.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_mlock
finish
