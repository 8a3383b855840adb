#!/usr/bin/env bash
# s4_madvise_pages.sh - rmapsim on tests/expected/s4_madvise_pages.rmap; stdout must be
# s4_madvise_pages.out, the error lines (causes stripped) s4_madvise_pages.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s4_madvise_pages
finish
