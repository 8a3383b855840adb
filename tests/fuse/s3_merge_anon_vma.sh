#!/usr/bin/env bash
# s3_merge_anon_vma.sh - rmapsim on tests/expected/s3_merge_anon_vma.rmap; stdout must be
# s3_merge_anon_vma.out, the error lines (causes stripped) s3_merge_anon_vma.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_merge_anon_vma
finish
