#!/usr/bin/env bash
# t_rmapsim_same.sh - one script, two front ends: run
# tests/expected/t_rmapsim_same/script.rmap through rmapsim, and line by
# line through a mount (each command written on one /ctl descriptor with
# its result lines read back; each `cat PATH` line as cat MOUNT/PATH).
# Both transcripts must be byte-identical: result lines, maps, status,
# /files, journal, dmesg (every command is its own write, so SEQ counts
# the same), sysctl. Two failing lines are in the script; rmapsim runs
# with -k and prints their /dmesg lines on stderr, which must equal the
# mount's /dmesg.
source "$(dirname "$0")/lib.sh"
require_fuse
SCRIPT=$EXPECTED/t_rmapsim_same/script.rmap

sim_out=$TMPROOT/rmapsim.out
sim_err=$TMPROOT/rmapsim.err
rc=0
"$RMAPSIM" -k "$SCRIPT" >"$sim_out" 2>"$sim_err" || rc=$?
[ "$rc" -eq 1 ] || mismatch "rmapsim -k exited $rc (two lines fail: expected 1)"

mount_rmapfs
ctl_open
mnt_out=$TMPROOT/mount.out
: >"$mnt_out"
while IFS= read -r line; do
	case "$line" in
	"" | "#"*) continue ;;
	"cat "*) cat "$MNT/${line#cat }" >>"$mnt_out" ;;
	*)
		{ echo "$line" >&3; } 2>/dev/null || true
		cat <&3 >>"$mnt_out"
		;;
	esac
done <"$SCRIPT"

expect_file "$sim_out" "$mnt_out"
expect_file "$sim_err" "$MNT/dmesg"
[ "$(wc -l <"$sim_err")" -eq 2 ] || mismatch "expected exactly two failing lines"
finish
