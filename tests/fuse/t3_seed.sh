#!/usr/bin/env bash
# t3_seed.sh - the seed article's anon_vma figures (Rmap -1-, "anon_vma_fork",
# "AV fork: reuse") reproduced through the mount with echo and cat:
# /anon_vma/ID files with the degrees and refcounts of kernel-spec §5.5,
# §5.6, §5.8; /pages/PFN rmap walks (§9.2: the page's own anon_vma's
# interval tree) that find every mapping of a page shared by a fork tree;
# /graph.dot and /PID/anon_vma.dot that `dot -Tsvg` renders without a
# word on stderr, with exactly the nodes and edges docs/files.md names.
# Expected files: tests/expected/t3_seed/ (derivations next to each step
# here and in tests/expected/README.md, "t3_seed").
#
# Every VMA is the 16K one at c = 0x7effffffc000 (pgoff 0x7effffffc..f);
# the shared page is d = 0x7effffffd000.
source "$(dirname "$0")/lib.sh"
require_fuse
command -v dot >/dev/null 2>&1 || skip "dot (graphviz) is not on PATH"
command -v gvpr >/dev/null 2>&1 || skip "gvpr (graphviz) is not on PATH"
mount_rmapfs
ctl_open
E=$EXPECTED/t3_seed
D=0x7effffffd000

# edges FILE: the graph's edges, one "TAIL -> HEAD LABEL" per line, sorted.
edges() {
	gvpr 'E { printf("%s -> %s %s\n", tail.name, head.name, aget($, "label")) }' "$1" |
		LC_ALL=C sort
}

# render WHAT FILE: dot must turn FILE into SVG with status 0, silently.
render() {
	local svg=$TMPROOT/graph.svg errs=$TMPROOT/dot.err
	cat "$2" >"$TMPROOT/graph.dot"
	if ! dot -Tsvg "$TMPROOT/graph.dot" -o "$svg" 2>"$errs"; then
		mismatch "$1: dot -Tsvg failed: $(cat "$errs")"
	elif [ -s "$errs" ]; then
		mismatch "$1: dot -Tsvg complained: $(cat "$errs")"
	elif ! grep -q '<svg' "$svg"; then
		mismatch "$1: dot -Tsvg gave no SVG"
	fi
}

# av_label ID: the label of node avID in /graph.dot.
av_label() {
	gvpr "N [name == \"av$1\"] { print(aget(\$, \"label\")) }" "$TMPROOT/graph.dot"
}

# expect_av_label ID DEGREE REFCOUNT ROOT(0|1): the node says "anon_vma
# ID", "(root)" only for a root, and "degree=D refcount=R".
expect_av_label() {
	local l
	l=$(av_label "$1")
	[[ $l == *"anon_vma $1"* ]] || mismatch "av$1 label '$l' lacks 'anon_vma $1'"
	[[ $l == *"degree=$2 refcount=$3"* ]] || mismatch "av$1 label '$l' lacks 'degree=$2 refcount=$3'"
	if [ "$4" = 1 ]; then
		[[ $l == *"(root)"* ]] || mismatch "av$1 label '$l' lacks '(root)'"
	else
		[[ $l != *"(root)"* ]] || mismatch "av$1 label '$l' says '(root)'"
	fi
}

# pagemap_entry PID ADDR: the u64 of ADDR in /PID/pagemap, as 0x%016x.
pagemap_entry() {
	printf '0x%s\n' "$(dd if="$MNT/$1/pagemap" bs=8 skip=$(($2 >> 12)) count=1 status=none |
		od -An -tx8 | tr -d ' ')"
}

# Figure "anon_vma_fork" (three generations, and a sibling): P = 1 writes
# d (anon_vma 1 {degree 2, refcount 1}, pfn 1); P forks C1 = 2 and C2 = 3
# (anon_vmas 2 and 3, children of 1: degree of 1 = 1 self + P's VMA + 2
# children = 4, refcount 1 + 2); C1 forks G1 = 4: clone over C1's chain
# [1, 2]: 1 has degree 4, 2 is C1's own: no reuse; anon_vma 4 {parent 2,
# root 1}; 2's degree 2 (C1's VMA + child 4); 1's refcount 4.
run_expect "spawn" 1
run_expect "mmap 1 0 16K rw- private" 0x7effffffc000
run "write 1 $D 42"
run_expect "fork 1" 2
run_expect "fork 1" 3
run_expect "fork 2" 4
check_ok "figure 1"
for i in 1 2 3 4; do
	expect_file "$E/fig1.av$i" "$MNT/anon_vma/$i"
done
expect_text $'1\n2\n3\n4\n' <(ls "$MNT/anon_vma")
# pfn 1: mapcount and refcount 4, filed under anon_vma 1; the walk of
# anon_vma 1's tree (insertion order: 1, 2, 3, 4) finds all four PTEs.
# P's PTE is young (its write) and write-protected by the forks; the
# copies are old (§8.3), dirty kept.
expect_file "$E/fig1.page1" "$MNT/pages/1"
# Bits 63 (present) and 55 (VM_SOFTDIRTY), pfn 1, not exclusive.
expect_text $'0x8080000000000001\n' <(pagemap_entry 4 $D)
render "figure 1 graph.dot" "$MNT/graph.dot"
expect_file "$E/fig1.edges" <(edges "$TMPROOT/graph.dot")
expect_av_label 1 4 4 1
expect_av_label 2 2 1 0
expect_av_label 3 1 1 0
expect_av_label 4 1 1 0
# The VMA -> AVC edges come in chain order, newest first, the root's last.
expect_text "pid4_vma_7effffffc000 -> avc_4_7effffffc000_4
pid4_vma_7effffffc000 -> avc_4_7effffffc000_2
pid4_vma_7effffffc000 -> avc_4_7effffffc000_1
" <(grep -o 'pid4_vma_7effffffc000 -> avc_[0-9a-f_]*' "$TMPROOT/graph.dot")

# C2 writes d: a copy, pfn 2, filed under C2's anon_vma 3. pfn 1 loses
# a mapping (mapcount 3); its walk still visits C2's VMA, whose PTE now
# maps pfn 2: "not mapped". pfn 2's walk is anon_vma 3's tree: C2 alone.
run "write 3 $D 43"
check_ok "C2's copy"
expect_file "$E/cow.page1" "$MNT/pages/1"
expect_file "$E/cow.page2" "$MNT/pages/2"
expect_text $'0x8180000000000002\n' <(pagemap_entry 3 $D)

# Figure "AV fork: reuse possible": C1 exits. Its AVC leaves anon_vma 2's
# tree, which still holds G1's: anon_vma 2 lives on with degree 2 - 1
# (C1's VMA) = 1: no VMA, one child. pfn 1 is mapped by P and G1.
run "exit 2"
check_ok "C1's exit"
expect_file "$E/exit.av2" "$MNT/anon_vma/2"
expect_file "$E/exit.page1" "$MNT/pages/1"
render "after C1's exit" "$MNT/graph.dot"
expect_av_label 2 1 1 0

# Figure "AV fork: reuse": G1 forks GG = 5. Clone over G1's chain [1, 2,
# 4] (root first): 1 has degree 4; 2 has degree 1 and is not G1's own
# (4): reused, degree 2. No anon_vma is allocated (still 4 of them).
# GG's chain is [4, 2, 1], its anon_vma 2. anon_vma 1's tree: P, C2, G1,
# GG; refcount 4 (1 + children 2, 3, 4).
run_expect "fork 4" 5
check_ok "GG's fork"
expect_text $'1\n2\n3\n4\n' <(ls "$MNT/anon_vma")
grep -q '^anon_vma  *4  *4 ' "$MNT/slabinfo" || mismatch "slabinfo: anon_vma count is not 4"
expect_file "$E/reuse.av1" "$MNT/anon_vma/1"
expect_file "$E/reuse.av2" "$MNT/anon_vma/2"
expect_file "$E/reuse.page1" "$MNT/pages/1"
render "figure 3 graph.dot" "$MNT/graph.dot"
expect_file "$E/reuse.edges" <(edges "$TMPROOT/graph.dot")
expect_av_label 1 4 4 1
expect_av_label 2 2 1 0
# GG's own graph: its VMA, its AVCs, and anon_vmas 4, 2, 1 (reached by
# its chain; their parents and roots are among them).
render "5/anon_vma.dot" "$MNT/5/anon_vma.dot"
expect_file "$E/reuse.pid5.edges" <(edges "$TMPROOT/graph.dot")

# GG writes d: the copy, pfn 3, is filed under GG's anon_vma, the reused
# 2; the walk of anon_vma 2's tree visits G1 (its d is still pfn 1: not
# mapped) and GG.
run "write 5 $D 44"
check_ok "GG's copy"
expect_file "$E/gg.page3" "$MNT/pages/3"
for pid in 1 3 4 5; do
	case $pid in 1 | 4) v=42 ;; 3) v=43 ;; 5) v=44 ;; esac
	run_expect "read $pid $D" $v
done

# Everyone exits: every anon_vma and page goes.
for pid in 1 3 4 5; do run "exit $pid"; done
check_ok "exits"
expect_text '' <(ls "$MNT/anon_vma")
expect_text $'0\n' <(ls "$MNT/pages")
render "empty graph.dot" "$MNT/graph.dot"
# In a sanitizer build (-Db_sanitize=address,undefined) a report goes to
# the daemon's log even when the daemon carries on: none is allowed.
if grep -E 'runtime error|Sanitizer' "$DAEMON_LOG" >&2; then
	mismatch "rmapfs's log has sanitizer reports (above)"
fi
finish
