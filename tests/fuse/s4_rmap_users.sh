#!/usr/bin/env bash
# s4_rmap_users.sh - rmapsim on tests/expected/s4_rmap_users.rmap; stdout must be
# s4_rmap_users.out, the error lines (causes stripped) s4_rmap_users.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_rmap_users
finish
