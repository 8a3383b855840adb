#!/usr/bin/env bash
# t_fork_exit.sh - fork (dup_mmap, kernel-spec §8.2) copies every VMA but
# the dontfork (VM_DONTCOPY) ones and the counters less those; the
# child's VmPeak is its own total_vm; exit removes /PID and gives the
# children PPid 0; madvise dontfork/dofork/wipeonfork/keeponfork/
# mergeable/unmergeable change no permission (maps change only by splits
# and merges, same merge-then-split pattern as mprotect, §4.10);
# wipeonfork on a shared mapping is EINVAL.
# Expected maps: tests/expected/t_fork_exit/NAME.maps.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
E=$EXPECTED/t_fork_exit
ROOT="$ROOT_LS"

run_expect "spawn" 1
run_expect "mmap 1 0 16K rw- private" 0x7effffffc000
# dontfork on the second page d of c-end: no merge possible (no VMA on
# either side has the new flags): split twice, three rw-p lines.
run "madvise 1 0x7effffffd000 4096 dontfork"
expect_file "$E/p1.split.maps" "$MNT/1/maps"
check_ok "dontfork"
# r-- page b below; wipeonfork on the whole c VMA: no split.
run_expect "mmap 1 0 4096 r-- private" 0x7effffffb000
run "madvise 1 0x7effffffc000 4096 wipeonfork"
check_ok "wipeonfork"

run_expect "fork 1" 2
expect_file "$E/p1.fork.maps" "$MNT/1/maps"
# The child has b, c (wipeonfork: copied, comes up empty) and e-end; d
# (dontfork) is not copied.
expect_file "$E/p2.maps" "$MNT/2/maps"
expect_text $'1\n2\n'"$ROOT" <(ls "$MNT")
# Parent: 5 pages = 20 kB, data 4 rw pages = 16 kB, hiwater_vm 0 so
# VmPeak = VmSize. Child: 5 - 1 (d) = 4 pages = 16 kB, data 3 pages =
# 12 kB, hiwater_vm = its total_vm: VmPeak 16.
expect_status "$MNT/1/status" sim 1 0 20 20 16 0 0 0
expect_status "$MNT/2/status" sim 2 1 16 16 12 0 0 0
check_ok "fork"

# A grandchild copies all of 2 (the wipeonfork flag is inherited too).
run_expect "fork 2" 3
expect_file "$E/p2.maps" "$MNT/3/maps"
expect_status "$MNT/3/status" sim 3 2 16 16 12 0 0 0
# exit 2: /2 goes, 3 is reparented to PPid 0.
run "exit 2"
expect_text $'1\n3\n'"$ROOT" <(ls "$MNT")
expect_status "$MNT/3/status" sim 3 0 16 16 12 0 0 0
check_ok "exit 2"

# dofork on d: X = e-end has its flags, P = c (wipeonfork) differs:
# case 8, d-end. keeponfork on c: now like d-end: case 8 again, c-end.
run "madvise 1 0x7effffffd000 4096 dofork"
run "madvise 1 0x7effffffc000 4096 keeponfork"
expect_file "$E/p1.merged.maps" "$MNT/1/maps"
check_ok "dofork/keeponfork"
# mergeable on d-e (8 KiB, middle of c-end): split: c | d-e | f.
run "madvise 1 0x7effffffd000 8K mergeable"
expect_file "$E/p1.mergeable.maps" "$MNT/1/maps"
check_ok "mergeable"
# unmergeable: back to both neighbours' flags: case 6, c-end.
run "madvise 1 0x7effffffd000 8K unmergeable"
expect_file "$E/p1.merged.maps" "$MNT/1/maps"
check_ok "unmergeable"

# Shared anonymous page at a: wipeonfork is only for private anonymous
# VMAs: EINVAL, nothing changes. dontfork is fine.
run_expect "mmap 1 0 4096 rw- shared" 0x7effffffa000
expect_error "wipeonfork on shared" "$MNT/ctl" "madvise 1 0x7effffffa000 4096 wipeonfork" EINVAL
run "madvise 1 0x7effffffa000 4096 dontfork"
run_expect "fork 1" 4
# The child has b and c-end, not the shared dontfork page: 5 pages =
# 20 kB, data 4 pages = 16 kB.
expect_file "$E/p1.merged.maps" "$MNT/4/maps"
expect_status "$MNT/4/status" sim 4 1 20 20 16 0 0 0
run "exit 1"
expect_status "$MNT/4/status" sim 4 0 20 20 16 0 0 0
expect_text $'3\n4\n'"$ROOT" <(ls "$MNT")
expect_error "exit of a gone pid" "$MNT/ctl" "exit 1" ESRCH
run "exit 3"
run "exit 4"
expect_text "$ROOT" <(ls "$MNT")
check_ok "all exited"
finish
