#!/usr/bin/env bash
# tests/valgrind/scenarios.sh - memcheck on rmapsim over every scenario
# script (meson suite 'valgrind-scenarios').
#
#   scenarios.sh RMAPSIM DIR...
#
# Runs `valgrind --error-exitcode=9 --leak-check=full
# --errors-for-leak-kinds=definite,indirect RMAPSIM -k SCRIPT` on each
# DIR/*.rmap, several at a time. rmapsim itself exits 0, or 1 when the
# script has lines that fail on purpose (-k goes on past them); valgrind
# exits 9 when it found an error or a definite or indirect leak. Any
# status but 0 and 1 fails the script's run, and its valgrind report is
# printed. Exit status 77 (skipped) when valgrind is not installed.
set -euo pipefail
export LC_ALL=C

rmapsim=${1:?usage: scenarios.sh RMAPSIM DIR...}
shift
command -v valgrind >/dev/null 2>&1 || {
	echo "SKIPPED: valgrind is not installed"
	exit 77
}
work=$(mktemp -d "${TMPDIR:-/tmp}/rmapfs-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

scripts=()
for dir in "$@"; do
	for f in "$dir"/*.rmap; do
		[ -e "$f" ] && scripts+=("$f")
	done
done
[ "${#scripts[@]}" -gt 0 ] || { echo "no .rmap scripts in $*" >&2; exit 1; }

# One script under memcheck; its status goes to $work/NAME.rc.
export rmapsim work
one() {
	local f=$1 name rc=0
	name=$(basename "$(dirname "$f")")_$(basename "$f" .rmap)
	valgrind -q --error-exitcode=9 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		"$rmapsim" -k "$f" >/dev/null 2>"$work/$name.log" || rc=$?
	echo "$rc" >"$work/$name.rc"
}
export -f one
printf '%s\0' "${scripts[@]}" |
	xargs -0 -n 1 -P "$(nproc 2>/dev/null || echo 2)" bash -c 'one "$1"' one

failed=0
for f in "${scripts[@]}"; do
	name=$(basename "$(dirname "$f")")_$(basename "$f" .rmap)
	rc=$(cat "$work/$name.rc" 2>/dev/null || echo "?")
	case $rc in
	0 | 1) echo "ok    $f (rmapsim exit $rc)" ;;
	9)
		echo "FAIL  $f: valgrind found errors:"
		sed 's/^/    /' "$work/$name.log"
		failed=$((failed + 1)) ;;
	*)
		echo "FAIL  $f: exit status $rc"
		sed 's/^/    /' "$work/$name.log"
		failed=$((failed + 1)) ;;
	esac
done
echo "${#scripts[@]} scripts, $failed failed under valgrind"
[ "$failed" -eq 0 ]
