#!/usr/bin/env bash
# s3_exit_orders.sh - rmapsim on tests/expected/s3_exit_orders.rmap; stdout must be
# s3_exit_orders.out, the error lines (causes stripped) s3_exit_orders.err if present.
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"
run_scenario s3_exit_orders
finish
