#!/usr/bin/env bash
# s3_oom.sh - rmapsim -o frames=16 on tests/expected/s3_oom.rmap: stdout
# must be s3_oom.out, the error lines (causes stripped) s3_oom.err, as
# run_scenario compares them. Then, for every line that fails, the whole
# machine is read just before and just after it (every file of every
# pid, the journal, the counters, the trace, every anon_vma and frame,
# both binary page files) and must be byte-identical, and `check` must
# still say ok (docs/commands.md "Results, errors, atomicity").
# The derivations are in the .rmap comments and tests/expected/README.md.
source "$(dirname "$0")/lib.sh"

NAME=s3_oom
# no swap device: the derivations count RAM alone (overcommit is RAM + swap)
OPTS=(-o frames=16 -o swap=0)

# 1. The expected output, as run_scenario does it (with the option).
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

# 2. Atomicity of each failing line. The script's lines (comments and
# blanks dropped), and the SEQ numbers that fail according to .err.
mapfile -t lines < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$EXPECTED/$NAME.rmap" | grep -v '^$')
failing=" $(sed -n 's/^\[ *\([0-9]*\)\].*/\1/p' "$EXPECTED/$NAME.err" | tr '\n' ' ') "

snap="$TMPROOT/snapshot.rmap"
{
	for pid in 1 2 3; do
		echo "cat $pid/maps $pid/status $pid/smaps $pid/smaps_rollup $pid/pagetable"
	done
	echo "cat journal slabinfo vmstat meminfo trace graph.dot kpagecount kpageflags"
	for id in 1 2 3 4; do echo "cat anon_vma/$id"; done
	for pfn in $(seq 0 15); do echo "cat pages/$pfn"; done
	echo "check"
} >"$snap"

# state_after N FILE-PREFIX: the snapshot taken after the first N lines,
# as FILE-PREFIX.out/.err (only the bytes the snapshot added).
state_after() {
	local n=$1 base=$2 pre="$TMPROOT/prefix.rmap" bo be
	printf '%s\n' "${lines[@]:0:$n}" >"$pre"
	"$RMAPSIM" "${OPTS[@]}" -k "$pre" >"$base.p.out" 2>"$base.p.err" || true
	"$RMAPSIM" "${OPTS[@]}" -k "$pre" "$snap" >"$base.s.out" 2>"$base.s.err" || true
	bo=$(stat -c %s "$base.p.out")
	be=$(stat -c %s "$base.p.err")
	tail -c +$((bo + 1)) "$base.s.out" >"$base.out"
	tail -c +$((be + 1)) "$base.s.err" >"$base.err"
}

seq=0
nfail=0
for ((i = 0; i < ${#lines[@]}; i++)); do
	case ${lines[$i]} in cat\ *) continue ;; esac
	seq=$((seq + 1))
	[[ $failing == *" $seq "* ]] || continue
	nfail=$((nfail + 1))
	state_after "$i" "$TMPROOT/before"
	state_after $((i + 1)) "$TMPROOT/after"
	if ! cmp -s "$TMPROOT/before.out" "$TMPROOT/after.out" ||
	   ! cmp -s "$TMPROOT/before.err" "$TMPROOT/after.err"; then
		diff -u "$TMPROOT/before.out" "$TMPROOT/after.out" >&2 || true
		mismatch "line $seq '${lines[$i]}' changed the state"
	fi
	[ "$(tail -n 1 "$TMPROOT/after.out")" = ok ] ||
		mismatch "check after line $seq '${lines[$i]}' did not say ok"
done
[ "$nfail" -eq 7 ] || mismatch "found $nfail failing lines, expected 7"
finish
