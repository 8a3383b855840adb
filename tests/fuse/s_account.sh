#!/usr/bin/env bash
# s_account.sh - rmapsim on tests/expected/s_account.rmap; stdout must be
# s_account.out, the error lines (causes stripped) s_account.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s_account
finish
