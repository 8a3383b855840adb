#!/usr/bin/env bash
# t_journal_replay.sh - /journal reproduces the machine (docs/commands.md
# "Determinism and the journal"): build a state through the mount (with
# /PID/ctl commands, a sysctl file write, failing lines, an exit), save
# every file; then (1) rmapsim on the saved journal, followed by `cat`
# lines, must print the same files; (2) a new mount started with
# `--script journal` must show the same files, its own journal included.
# /dmesg is not compared: failed lines are not journaled, so SEQs differ.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
L=/usr/lib/libc.so.6

run_expect "spawn" 1
run_expect "spawn worker" 2
run "file $L 2M"
run "file data/blob 10000"
run_expect "mmap 1 0 16K rw- private" 0x7effffffc000
run_expect "mmap 1 0 2M r-x private $L" 0x7effffdfc000
run_expect "mmap 1 0x40000000 1M rw- private,noreserve" 0x40000000
run_expect "mmap 1 0 64K rw- private,growsdown" 0x7effffdec000
run "mprotect 1 0x7effffffd000 4096 r--"
run_expect "fork 1" 3
echo "mmap 0 4096 rw- shared" >"$MNT/3/ctl"
echo "mmap 0 8K r-- private /data/blob 0x1000" >"$MNT/3/ctl"
SEQ=$((SEQ + 2))
run "munmap 1 0x7effffffc000 4096"
expect_error "a failing line" "$MNT/ctl" "munmap 1 0x7effffffc001 4096" EINVAL
run "madvise 1 0x40000000 64K dontfork"
expect_error "another failing line" "$MNT/ctl" "fork 9" ESRCH
run "exit 2"
run_expect "mmap 3 0x7effffffc000 4096 rwx private,fixed" 0x7effffffc000
run "madvise 3 0x7effffffe000 4096 wipeonfork"
echo 5000 >"$MNT/sysctl/vm/max_map_count"

# Every readable file but /dmesg, in a fixed order, with a header each.
save_files() {
	local d f
	for d in 1 3; do
		for f in maps status; do
			echo "== $d/$f"
			cat "$MNT/$d/$f"
		done
	done
	for f in files$L files/data/blob sysctl/vm/max_map_count journal; do
		echo "== $f"
		cat "$MNT/$f"
	done
}
save_all() {
	save_files
	echo "== ls"
	ls "$MNT"
}
cat_lines() {
	local d f
	for d in 1 3; do
		for f in maps status; do
			echo "cat $d/$f"
		done
	done
	for f in files$L files/data/blob sysctl/vm/max_map_count journal; do
		echo "cat $f"
	done
}
save_all >"$TMPROOT/built"
save_files | grep -v '^== ' >"$TMPROOT/built.bare"
cp "$MNT/journal" "$TMPROOT/journal"
# Sanity: the failing lines are not in it, the sysctl write is.
if grep -q -e 0x7effffffc001 -e '^fork 9$' "$TMPROOT/journal"; then
	mismatch "a failed command is in the journal"
fi
grep -qx "sysctl vm.max_map_count 5000" "$TMPROOT/journal" ||
	mismatch "the sysctl file write is not journaled as 'sysctl vm.max_map_count 5000'"

# (1) rmapsim: the result lines of the journal's commands come first;
# their number is what rmapsim prints for the journal alone.
"$RMAPSIM" "$TMPROOT/journal" >"$TMPROOT/replay.results" ||
	mismatch "rmapsim failed on the journal"
{ cat "$TMPROOT/journal"; cat_lines; } >"$TMPROOT/replay.rmap"
"$RMAPSIM" "$TMPROOT/replay.rmap" >"$TMPROOT/replay.out" ||
	mismatch "rmapsim failed on the journal with cat lines"
n=$(wc -l <"$TMPROOT/replay.results")
# The same files, without the headers.
expect_file "$TMPROOT/built.bare" <(tail -n +$((n + 1)) "$TMPROOT/replay.out")

# (2) a new mount from the journal.
unmount_rmapfs
mount_rmapfs --script "$TMPROOT/journal"
save_all >"$TMPROOT/replayed"
expect_file "$TMPROOT/built" "$TMPROOT/replayed"
finish
