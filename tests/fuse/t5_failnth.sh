#!/usr/bin/env bash
# t5_failnth.sh - allocation failure through the mount (`rmapfs -o
# failnth=N`: the Nth allocation after start-up fails; docs/commands.md
# "Every command is atomic"). tests/unit/test_failnth.c loops every
# command through the core; this shows the same holds end to end: the
# ENOMEM reaches the writing shell (`echo: write error: Cannot allocate
# memory`), the machine is unchanged, and once the command gets through,
# the state is the one an undisturbed mount reaches.
#
# For each command, for N = 0, 1, 2, ...: mount a machine built by
# --script (the hook is armed after the script), write the command with
# echo, then compare every file but /dmesg with a mount where nothing
# failed: the state before the command if the write failed, after it if
# it succeeded (which ends the loop). An allocation failing while the
# shell opens ctl makes the open fail instead (also ENOMEM, and nothing
# ran). The hook fails one allocation: when it has not fired by the time
# the command succeeded, it may fire while the files are read back, so
# every read is retried once.
source "$(dirname "$0")/lib.sh"
require_fuse

# Pid 1 with a written anonymous page and a file page, pid 2 its fork.
cat >"$TMPROOT/base.rmap" <<'EOF'
spawn
file /lib/a.so 16K
mmap 1 0x40000000 16K rw- private
write 1 0x40000000 7
mmap 1 0x50000000 16K r-- private /lib/a.so
read 1 0x50000000
fork 1
EOF
FRAMES=1024	# /kpagecount and /kpageflags: 8 KiB each

# once CMD...: run CMD; if it fails, once more (the one injected failure
# may land on it; a second failure is real).
once() {
	"$@" 2>/dev/null || "$@"
}

# every_file: every file of the tree but /dmesg (the failure's report)
# and /PID/pagemap (256 GiB; covered by the unit test), in a fixed order,
# each after a header.
every_file() {
	local f list
	list=$(once find "$MNT" -mindepth 1 | sort) || return 1
	printf '%s\n' "$list" | sed "s|^$MNT||"
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		case "${f#"$MNT"}" in
		/dmesg | /*/pagemap) continue ;;
		esac
		echo "==> ${f#"$MNT"}"
		once cat "$f"
	done <<<"$list"
}

# reference CMD: the files before and after CMD on a mount where nothing
# fails, in $TMPROOT/ref.before and ref.after.
reference() {
	mount_rmapfs -o frames=$FRAMES --script "$TMPROOT/base.rmap"
	every_file >"$TMPROOT/ref.before"
	echo "$1" >"$MNT/$2" || fail "'$1' failed without fault injection"
	every_file >"$TMPROOT/ref.after"
	unmount_rmapfs
}

# failnth_loop CMD CTL: CTL is ctl or PID/ctl.
failnth_loop() {
	local cmd=$1 ctl=$2 n out rc last
	local write_failures=0 open_failures=0
	reference "$cmd" "$ctl"
	for ((n = 0; n < 60; n++)); do
		mount_rmapfs -o frames=$FRAMES -o failnth=$n --script "$TMPROOT/base.rmap"
		rc=0
		out=$({ echo "$cmd" >"$MNT/$ctl"; } 2>&1) || rc=$?
		if [ "$rc" -eq 0 ]; then
			every_file >"$TMPROOT/now" || mismatch "N=$n: cannot read the tree"
			if ! diff -u "$TMPROOT/ref.after" "$TMPROOT/now" >&2; then
				mismatch "'$cmd' with allocation $n failing succeeded, but the state is not the undisturbed one"
			fi
			unmount_rmapfs
			break
		fi
		case "$out" in
		*"write error: Cannot allocate memory") write_failures=$((write_failures + 1)) ;;
		*"Cannot allocate memory") open_failures=$((open_failures + 1)) ;;
		*) mismatch "'$cmd' with allocation $n failing: '$out' (expected ENOMEM)" ;;
		esac
		every_file >"$TMPROOT/now" || mismatch "N=$n: cannot read the tree"
		if ! diff -u "$TMPROOT/ref.before" "$TMPROOT/now" >&2; then
			mismatch "'$cmd' with allocation $n failing changed the state"
		fi
		# A failed command reports itself in /dmesg (SEQ 8: the
		# script had 7 lines). A failed open never ran one; a write
		# whose buffer could not be taken in (vfs_write copies it before
		# it looks for lines) ran none either, and says so in a line of
		# its own, with no SEQ used.
		last=$(once tail -n 1 "$MNT/dmesg")
		case "$out" in
		*"write error"*)
			[[ "$last" == "[     8] "*": ENOMEM ("*")" ]] ||
				[[ "$last" == "rmapfs: write of "*" bytes to a ctl file: ENOMEM ("*")" ]] ||
				mismatch "N=$n: last /dmesg line '$last' is neither the command's ENOMEM (SEQ 8) nor the write's" ;;
		*)
			[ -z "$last" ] || mismatch "N=$n: a failed open left /dmesg line '$last'" ;;
		esac
		unmount_rmapfs
	done
	[ "$rc" -eq 0 ] || mismatch "'$cmd' never succeeded in $n tries"
	[ "$write_failures" -gt 0 ] ||
		mismatch "'$cmd': no injected failure reached echo's write"
	say "'$cmd' > $ctl: $write_failures failed writes, $open_failures failed opens, then success"
}

failnth_loop "fork 1" ctl
failnth_loop "mmap 1 0x40004000 8K rw- private" ctl
failnth_loop "write 0x40001000 9" 2/ctl
failnth_loop "munmap 0x40001000 4096" 1/ctl

# The result line of a command that got through after failures on the
# same descriptor (the shell retries `echo spawn >&3`, then reads): fd 3
# is opened (again, if the open is what failed), then spawn is written
# until it succeeds; its result must not have been lost.
for ((n = 0; n < 10; n++)); do
	mount_rmapfs -o frames=$FRAMES -o failnth=$n --script "$TMPROOT/base.rmap"
	until exec 3<>"$MNT/ctl"; do :; done 2>/dev/null
	tries=0
	until { echo spawn >&3; } 2>/dev/null; do
		tries=$((tries + 1))
		[ "$tries" -lt 20 ] || fail "spawn kept failing"
	done
	pid=$(once cat <&3)
	[ "$pid" = 3 ] || mismatch "N=$n: spawn after $tries failed writes read back '$pid', expected 3"
	unmount_rmapfs
done
finish
