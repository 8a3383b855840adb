#!/usr/bin/env bash
# s4_reclaim.sh - rmapsim -o frames=64 on tests/expected/s4_reclaim.rmap:
# stdout must be s4_reclaim.out, the error lines (causes stripped)
# s4_reclaim.err, compared as run_scenario compares them (with the option).
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"

NAME=s4_reclaim
OPTS=(-o frames=64)

out="$TMPROOT/$NAME.stdout"
err="$TMPROOT/$NAME.stderr"
rc=0
"$RMAPSIM" "${OPTS[@]}" -k "$EXPECTED/$NAME.rmap" >"$out" 2>"$err" || rc=$?
diff -u --label "expected: $NAME.out" --label "actual: rmapsim stdout" \
	"$EXPECTED/$NAME.out" "$out" >&2 ||
	mismatch "$NAME: rmapsim output differs from $NAME.out"
sed 's/: \([A-Z][A-Z0-9]*\) (.*)$/: \1/' "$err" |
	diff -u --label "expected: $NAME.err" --label "actual: rmapsim stderr" \
		"$EXPECTED/$NAME.err" - >&2 ||
	mismatch "$NAME: rmapsim errors differ from $NAME.err"
[ "$rc" -eq 1 ] || mismatch "$NAME: rmapsim -k exited $rc (expected 1)"
finish
