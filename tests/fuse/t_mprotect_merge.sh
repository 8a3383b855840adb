#!/usr/bin/env bash
# t_mprotect_merge.sh - mprotect splits and merges (vma_merge cases 4-8,
# kernel-spec §4.7, §4.10: merge first, split only if the merge fails),
# the VM_ACCOUNT rule, and munmap of a head, a tail, a middle, several
# VMAs and everything (§4.9). `check` after every step.
# Expected maps: tests/expected/t_mprotect_merge/NN.maps.
#
# Pages of pid 1 are named by the 4th-last hex digit of their address:
# b = 0x7effffffb000, c = 0x7effffffc000, ... f = 0x7efffffff000; "end" is
# 0x7f0000000000 (mmap_base). Every range that was ever RW keeps
# VM_ACCOUNT (mprotect never removes it), and nothing is faulted, so no
# VMA has an anon_vma.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
E=$EXPECTED/t_mprotect_merge
maps() { expect_file "$E/$1.maps" "$MNT/$2/maps"; check_ok "step $1"; }

run_expect "spawn" 1
# 00: c-end rw (16 KiB at 0x7f0000000000 - 0x4000).
run_expect "mmap 1 0 16K rw- private" 0x7effffffc000
maps 00 1
# 01: d -> r--: no neighbour to merge with: split twice: c | d | e-end.
run "mprotect 1 0x7effffffd000 4096 r--"
maps 01 1
# VmData counts private writable pages: 3 (c, e, f) = 12 kB of 16.
expect_status "$MNT/1/status" sim 1 0 16 16 12 0 0 0
# 02: d -> rw-: case 6, c and e-end are both mergeable: one VMA c-end.
run "mprotect 1 0x7effffffd000 4096 rw-"
maps 02 1
expect_status "$MNT/1/status" sim 1 0 16 16 16 0 0 0
# 03: e-end -> r--: tail, nothing after it: split: c-d rw | e-end r--.
run "mprotect 1 0x7effffffe000 8K r--"
maps 03 1
# 04: d -> r-- is the tail of P = c-e and gets N = e-end's flags: case 4,
# P shrinks to c, N grows down to d: c rw | d-end r--.
run "mprotect 1 0x7effffffd000 4096 r--"
maps 04 1
# 05: d -> rw- is the head of N = d-end and gets P = c's flags: case 5,
# P grows to e, N shrinks to e-end: c-e rw | e-end r--.
run "mprotect 1 0x7effffffd000 4096 rw-"
maps 05 1
# 06: e-end -> rw- is all of N and gets P's flags, no X after it: case 7,
# P grows over N: one VMA c-end.
run "mprotect 1 0x7effffffe000 8K rw-"
maps 06 1
# 07: c -> r--: head, no VMA before: split: c r-- | d-end rw.
run "mprotect 1 0x7effffffc000 4096 r--"
maps 07 1
# 08: d -> ---: P = c r-- differs: split: c r-- | d --- | e-end rw.
run "mprotect 1 0x7effffffd000 4096 ---"
maps 08 1
# 09: d -> rw- is all of N, gets X = e-end's flags, P = c differs: case 8,
# X grows down over N: c r-- | d-end rw.
run "mprotect 1 0x7effffffd000 4096 rw-"
maps 09 1
# 11: VM_ACCOUNT: a new r-- page at b (below c) has no VM_ACCOUNT; c was
# RW before, so it has: flags differ, b and c stay apart.
run_expect "mmap 1 0 4096 r-- private" 0x7effffffb000
maps 11 1
# 12: b -> rw- ADDS VM_ACCOUNT (first write permission of a private
# mapping); still differs from c (r--): no merge, no split.
run "mprotect 1 0x7effffffb000 4096 rw-"
maps 12 1
# 13: b -> r--: now r-- + VM_ACCOUNT like c: case 8 without prev, c grows
# down over b: b-c r-- | d-end rw.
run "mprotect 1 0x7effffffb000 4096 r--"
maps 13 1
# 14: one mprotect over both VMAs (b-end) -> rw-: the first (b-c) merges
# with d-end (case 8, pgoff b + 2 = d), the loop then finds the range done:
# one VMA b-end.
run "mprotect 1 0x7effffffb000 20K rw-"
maps 14 1
# 15: all of it -> r--: no split, no merge: b-end r--.
run "mprotect 1 0x7effffffb000 20K r--"
maps 15 1
# 16: c -> r-x: middle split: b r-- | c r-x | d-end r--.
run "mprotect 1 0x7effffffc000 4096 r-x"
maps 16 1
# 5 pages, none writable: VmData 0; c is exec: VmLib 4 kB; no munmap ever
# lowered total_vm, so hiwater_vm is 0 and VmPeak = VmSize = 20 kB.
expect_status "$MNT/1/status" sim 1 0 20 20 0 0 0 4

# munmap on pid 2: 32 KiB at 0x7f0000000000 - 0x8000: pages 8..f, 8-end.
run_expect "spawn" 2
run_expect "mmap 2 0 32K rw- private" 0x7effffff8000
maps 20 2
# 21: head: page 8 goes: 9-end.
run "munmap 2 0x7effffff8000 4096"
maps 21 2
# 22: tail: page f goes: 9-f (9-e inclusive).
run "munmap 2 0x7efffffff000 4096"
maps 22 2
# 23: middle b-c (8 KiB) goes: 9-a | d-e.
run "munmap 2 0x7effffffb000 8K"
maps 23 2
# 8 pages were mapped before the first munmap (hiwater_vm = 8 pages =
# 32 kB), now 4 pages rw = 16 kB.
expect_status "$MNT/2/status" sim 2 0 32 16 16 0 0 0
# 24: a-d spans a tail (a), the hole (b, c) and a head (d): 9 | e.
run "munmap 2 0x7effffffa000 16K"
maps 24 2
# 25: nothing mapped in b: success, no change.
run "munmap 2 0x7effffffb000 4096"
maps 24 2
# 26: 9-e whole: both VMAs go; only the gate line is left.
run "munmap 2 0x7effffff9000 0x6000"
maps 26 2
expect_status "$MNT/2/status" sim 2 0 32 0 0 0 0 0
finish
