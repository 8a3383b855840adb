#!/usr/bin/env bash
# t_pidctl.sh - /PID/ctl takes the per-process commands without their PID
# (docs/commands.md): results are read back on the same descriptor, the
# journal records the /ctl form (pid inserted), exit through the
# process's own ctl removes it. Expected files: tests/expected/t_pidctl/.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
E=$EXPECTED/t_pidctl

run_expect "spawn" 1
usage=$(cat "$MNT/1/ctl")
[ -n "$usage" ] || mismatch "reading a fresh /1/ctl gave nothing (usage text expected)"

exec 4<>"$MNT/1/ctl"
echo "mmap 0 4096 rw- private" >&4
read -r addr <&4
[ "$addr" = 0x7efffffff000 ] || mismatch "mmap through /1/ctl gave '$addr', expected 0x7efffffff000"
echo "fork" >&4
read -r child <&4
[ "$child" = 2 ] || mismatch "fork through /1/ctl gave '$child', expected 2"
# No result line for munmap: end of file at once.
echo "munmap 0x7efffffff000 4096" >&4
expect_text '' <(cat <&4)
# Two lines in one write, two results: 8 KiB r-- at 0x7f0000000000 -
# 0x2000, then 4 KiB rw- just below (flags differ: no merge).
printf '%s\n' "mmap 0 8K r-- private" "mmap 0 4096 rw- private" >"$TMPROOT/two"
cat "$TMPROOT/two" >&4
expect_text $'0x7effffffe000\n0x7effffffd000\n' <(cat <&4)
exec 4>&-
expect_file "$E/1.maps" "$MNT/1/maps"
# The child got the one rw page that existed at fork time.
expect_file "$E/2.maps" "$MNT/2/maps"

# The child exits through its own ctl.
echo "exit" >"$MNT/2/ctl"
expect_text $'1\n'"$ROOT_LS" <(ls "$MNT")
expect_file "$E/journal" "$MNT/journal"
expect_text '' "$MNT/dmesg"
check_ok "end"
finish
