#!/usr/bin/env bash
# s4_migrate.sh - rmapsim on tests/expected/s4_migrate.rmap; stdout must be
# s4_migrate.out, the error lines (causes stripped) s4_migrate.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_migrate
finish
