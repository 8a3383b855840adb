#!/usr/bin/env bash
# s3_rss_after_fork.sh - rmapsim on tests/expected/s3_rss_after_fork.rmap; stdout must be
# s3_rss_after_fork.out, the error lines (causes stripped) s3_rss_after_fork.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_rss_after_fork
finish
