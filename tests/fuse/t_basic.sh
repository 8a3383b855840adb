#!/usr/bin/env bash
# t_basic.sh - the tree of a fresh mount, spawn through /ctl with the
# result read back on the same descriptor, an empty process's maps and
# status, the sysctl file, exit. Expected files: tests/expected/t_basic/.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
E=$EXPECTED/t_basic

# A fresh machine: the five fixed entries (docs/commands.md "Files"),
# nothing journaled, nothing in dmesg, the default max_map_count 65530
# (kernel-spec §0.1).
expect_text "$ROOT_LS" <(ls "$MNT")
expect_text '' "$MNT/journal"
expect_text '' "$MNT/dmesg"
expect_text '' <(ls "$MNT/files")
expect_text $'kernel\nvm\n' <(ls "$MNT/sysctl")
expect_text "$SYSCTL_VM_LS" <(ls "$MNT/sysctl/vm")
expect_text $'pid_max\n' <(ls "$MNT/sysctl/kernel")
expect_text $'65530\n' "$MNT/sysctl/vm/max_map_count"
# kernel.pid_max: PID_MAX_DEFAULT of v5.15 (kernel/pid.c)
expect_text $'32768\n' "$MNT/sysctl/kernel/pid_max"

# Reading a ctl never written on that descriptor gives a usage text.
usage=$(cat "$MNT/ctl")
[ -n "$usage" ] || mismatch "reading a fresh /ctl gave nothing (usage text expected)"

# Plan 9 style: the result comes back on the descriptor that wrote it,
# then end of file.
exec 3<>"$MNT/ctl"
echo spawn >&3
read -r pid <&3
SEQ=1
[ "$pid" = 1 ] || mismatch "first spawn gave pid '$pid', expected 1"
if read -r extra <&3; then
	mismatch "a second line '$extra' after the spawn result (expected end of file)"
fi

# COMM is truncated to 15 bytes (TASK_COMM_LEN 16 with the NUL).
run_expect "spawn a-very-long-command-name" 2

expect_text $'1\n2\n'"$ROOT_LS" <(ls "$MNT")
expect_text "$PID_LS" <(ls "$MNT/1")

# No VMA at all: maps is the gate line alone.
expect_file "$E/empty.maps" "$MNT/1/maps"
expect_file "$E/empty.maps" "$MNT/2/maps"
# Empty mm: every memory counter 0; PPid 0 (spawned, no parent).
expect_status "$MNT/1/status" sim 1 0 0 0 0 0 0 0
expect_status "$MNT/2/status" a-very-long-com 2 0 0 0 0 0 0 0

# The sysctl file is read and written like /proc/sys; it is the same
# as the sysctl command (so it is journaled as one).
echo 1000 >"$MNT/sysctl/vm/max_map_count"
SEQ=$((SEQ + 1))
expect_text $'1000\n' "$MNT/sysctl/vm/max_map_count"
run "sysctl vm.max_map_count 65530"
expect_text $'65530\n' "$MNT/sysctl/vm/max_map_count"
echo 4096 >"$MNT/sysctl/kernel/pid_max"
SEQ=$((SEQ + 1))
expect_text $'4096\n' "$MNT/sysctl/kernel/pid_max"
expect_text $'sysctl kernel.pid_max 4096\n' <(tail -n 1 "$MNT/journal")
run "sysctl kernel.pid_max 32768"

# exit: the directory goes; its pid is not given again before the cursor
# reaches pid_max.
run "exit 2"
expect_text $'1\n'"$ROOT_LS" <(ls "$MNT")
[ ! -e "$MNT/2/maps" ] || mismatch "/2/maps still there after exit 2"
run_expect "spawn" 3

expect_file "$E/journal" "$MNT/journal"
expect_text '' "$MNT/dmesg"
finish
