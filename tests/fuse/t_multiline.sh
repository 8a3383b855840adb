#!/usr/bin/env bash
# t_multiline.sh - writes of several lines (docs/commands.md "Results,
# errors, atomicity"): lines run in order; the write stops at the first
# failing line and returns the bytes of the lines before it, so a writer
# that retries the rest (cat does, through full_write) gets the errno from
# its second write(2), whose first line is the failing one. Comments and
# blank lines do nothing and are not counted in SEQ. A line split across
# writes runs when it is completed, or at close.
#
# Several lines must reach rmapfs in ONE write(2): bash's echo and printf
# write line by line (stdout is line buffered), so the lines are put in a
# file and written with cat, which writes what it read in one call.
# Expected files: tests/expected/t_multiline/.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
E=$EXPECTED/t_multiline
strip_causes() { sed 's/: \([A-Z][A-Z0-9]*\) (.*)$/: \1/' "$1"; }

# 1. Four lines; the third fails (unaligned munmap: EINVAL, SEQ 3). Lines
# 1-2 took effect (SEQ 1, 2); the write returns their byte count; cat
# writes the rest again and gets the errno, and stops: line 4 never runs.
# The failing line is one failure: one /dmesg line, one SEQ (rmapfs
# answers the retry of exactly the failed rest with the same errno
# without running the line again), as rmapsim would show for this script.
printf '%s\n' "spawn" "mmap 1 0 4096 rw- private" "munmap 1 0x1001 4096" \
	"mmap 1 0 4096 r-- private" >"$TMPROOT/a.rmap"
try_cat "$MNT/ctl" "$TMPROOT/a.rmap"
[ "$ERRNAME" = EINVAL ] || mismatch "write of a.rmap gave '${ERRNAME:-success}', expected EINVAL"
SEQ=3
expect_file "$E/a.journal" "$MNT/journal"
expect_file "$E/a.maps" "$MNT/1/maps"
expect_file "$E/a.dmesg" <(strip_causes "$MNT/dmesg")

# 2. Comments, blank and blank-looking lines, tabs, a trailing comment,
# on the descriptor that reads results back: two commands (SEQ 4, 5),
# two result lines. r-- 4 KiB below the rw page: 0x7effffffe000; ---
# 8 KiB below that: 0x7effffffc000.
printf '%s\n' "# a comment line" "" "   	" \
	"mmap 1 0 4096 r-- private # trailing comment" \
	$'\tmmap\t1   0   8K   --- private\t' "#" >"$TMPROOT/b.rmap"
cat "$TMPROOT/b.rmap" >&3
expect_text $'0x7effffffe000\n0x7effffffc000\n' <(cat <&3)
SEQ=5
# ... so the next failing line is SEQ 6.
expect_error "after comments" "$MNT/ctl" "munmap 1 0x1001 4096" EINVAL

# 3. The first line fails: -errno at once, nothing after it runs.
printf '%s\n' "bogus" "spawn" >"$TMPROOT/c.rmap"
try_cat "$MNT/ctl" "$TMPROOT/c.rmap"
[ "$ERRNAME" = EINVAL ] || mismatch "write of c.rmap gave '${ERRNAME:-success}', expected EINVAL"
SEQ=7
[ ! -e "$MNT/2" ] || mismatch "the spawn after a failing first line ran"

# 4. A line split across two writes on one descriptor runs when its
# newline arrives (SEQ 8): pid 2. Both writes go through ONE descriptor
# with no close(2) between them: every close of any descriptor of the
# open file is a FUSE flush, which runs the pending partial line (that is
# how close(2) reports its error), and `printf ... >&3` closes a dup
# after each builtin. The group below dups fd 3 once for both printfs.
{ printf 'spa'; printf 'wn\n'; } >&3
expect_text $'2\n' <(cat <&3)
SEQ=8
# 5. Text after the last newline runs at close (SEQ 9): pid 3; a failing
# one is reported by close(2) (SEQ 10: ESRCH in /dmesg).
printf 'spawn' >"$MNT/ctl"
printf 'exit 99' >"$MNT/ctl" 2>/dev/null || true
SEQ=10
expect_text $'1\n2\n3\n'"$ROOT_LS" <(ls "$MNT")

# 6. Several result lines from one write: spawn (4), fork 1 (5).
printf '%s\n' "spawn" "fork 1" >"$TMPROOT/d.rmap"
cat "$TMPROOT/d.rmap" >&3
expect_text $'4\n5\n' <(cat <&3)
SEQ=12

expect_file "$E/journal" "$MNT/journal"
expect_file "$E/dmesg" <(strip_causes "$MNT/dmesg")
expect_file "$E/final.maps" "$MNT/1/maps"
check_ok "end"
finish
