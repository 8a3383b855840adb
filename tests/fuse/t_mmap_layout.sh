#!/usr/bin/env bash
# t_mmap_layout.sh - mmap placement and merging through the mount:
# top-down below mmap_base, consecutive anonymous mmaps merging (case 3),
# hints, MAP_FIXED replacing parts of VMAs, MAP_FIXED_NOREPLACE, a hole
# filled exactly (case 1). Expected maps: tests/expected/t_mmap_layout/NN.maps.
#
# Address arithmetic (kernel-spec §4.4, docs/commands.md "mmap"):
# mmap_base = 0x7f0000000000, no randomisation; top-down takes the highest
# gap below mmap_base that fits, result = gap end - len; a private
# anonymous VMA has pgoff = addr >> 12, so two of them that touch are
# pgoff-contiguous and merge when their flags match.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
E=$EXPECTED/t_mmap_layout
step() { expect_file "$E/$1.maps" "$MNT/1/maps"; check_ok "step $1"; }

run_expect "spawn" 1
# 01: first 4 KiB at 0x7f0000000000 - 0x1000 = 0x7efffffff000.
run_expect "mmap 1 0 4096 rw- private" 0x7efffffff000
step 01
# 02: 8 KiB below it: 0x7efffffff000 - 0x2000 = 0x7effffffd000; pgoff
# 0x7effffffd + 2 = 0x7efffffff = next's pgoff, same flags: case 3, the
# existing VMA grows down to [0x7effffffd000, 0x7f0000000000).
run_expect "mmap 1 0 8192 rw- private" 0x7effffffd000
step 02
# 03: r-- lands right below (0x7effffffc000) but flags differ: no merge.
run_expect "mmap 1 0 4096 r-- private" 0x7effffffc000
step 03
# 04: a free hint is used as is.
run_expect "mmap 1 0x10000000 4096 rw- private" 0x10000000
step 04
# 05: hint right after it: pgoff 0x10000 + 1 = 0x10001: case 2, grows up.
run_expect "mmap 1 0x10001000 4096 rw- private" 0x10001000
step 05
# 06: a hint below vm.mmap_min_addr is raised to 65536 = 0x10000.
run_expect "mmap 1 0x1000 4096 rw- private" 0x10000
step 06
# 07: 0x10000123 rounds down to 0x10000000, which is busy: the hint is
# ignored and top-down gives 0x7effffffc000 - 0x1000 = 0x7effffffb000
# (next is r--: no merge).
run_expect "mmap 1 0x10000123 4096 rw- private" 0x7effffffb000
step 07
# 08: MAP_FIXED r-- over the middle page of [0x7effffffd000, 0x7f..):
# munmap splits it into d000-e000 and f000-end; the new r-- page merges
# with neither (flags differ).
run_expect "mmap 1 0x7effffffe000 4096 r-- private,fixed" 0x7effffffe000
step 08
# 09: MAP_FIXED rw- over [c000, e000) unmaps the r-- page c000 and the rw
# page d000 whole; the new VMA (pgoff 0x7effffffc) follows b000 (pgoff
# 0x7effffffb, one page): case 2, b000 grows to e000.
run_expect "mmap 1 0x7effffffc000 8192 rw- private,fixed" 0x7effffffc000
step 09
# 10: NOREPLACE over a mapped page: EEXIST, nothing unmapped.
expect_error "noreplace" "$MNT/ctl" "mmap 1 0x7effffffe000 4096 rw- private,noreplace" EEXIST
step 09
# 11: NOREPLACE on a free range behaves as MAP_FIXED.
run_expect "mmap 1 0x20000000 8192 r-x private,noreplace" 0x20000000
step 11
# 12: unmap the r-- page: a one-page hole e000-f000 between two rw VMAs.
run "munmap 1 0x7effffffe000 4096"
step 12
# 13: top-down's highest fitting gap is that hole (nothing fits above
# mmap_base): 0x7effffffe000; pgoff e sits between b000+3 pages and f:
# case 1, one VMA [0x7effffffb000, 0x7f0000000000).
run_expect "mmap 1 0 4096 rw- private" 0x7effffffe000
step 13
# 14: MAP_FIXED over [0x0fffe000, 0x10002000) replaces the whole
# 0x10000000 VMA; start printed with 8 digits minimum: 0fffe000.
run_expect "mmap 1 0x0fffe000 0x4000 rw- private,fixed" 0xfffe000
step 14

# Status: VMAs 0x10000 (1 page rw), 0x0fffe000 (4 rw), 0x20000000 (2 r-x),
# 0x7effffffb000 (5 rw) = 12 pages = 48 kB; data (private writable) 10
# pages = 40 kB; exec (r-x) 2 pages: VmLib 8 kB (no code: VmExe 0).
# total_vm over time: 1 3 4 5 6 7 8, step 08 unmaps 1 (hiwater 8) +1,
# 09 unmaps 2 (hiwater 8) +2, 11 -> 10, 12 unmaps 1 (hiwater 10), 13 -> 10,
# 14 unmaps 2 (hiwater 10) +4 -> 12. VmPeak = max(10, 12) pages = 48 kB.
expect_status "$MNT/1/status" sim 1 0 48 48 40 0 0 8
finish
