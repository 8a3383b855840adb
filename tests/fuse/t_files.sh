#!/usr/bin/env bash
# t_files.sh - simulated files and file-backed mappings through the mount:
# the name column padded to 72 characters plus one space (kernel-spec
# §1.1: the path starts at column 73), device 08:01, inode 1, the offset
# column; /files/PATH (docs/commands.md "Files"); two mmap commands of
# one file never merge even when adjacent with contiguous offsets; pieces
# of one mmap merge back; shared anonymous = rw-s 00:01 /dev/zero (deleted).
# Expected files: tests/expected/t_files/.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open
E=$EXPECTED/t_files
L=/usr/lib/libc.so.6

run_expect "spawn" 1
run "file $L 2M"
# A relative NAME gets a leading "/": /lib/x.so, the next inode (2).
run "file lib/x.so 4096"
expect_text $'lib\nusr\n' <(ls "$MNT/files")
expect_text $'lib\n' <(ls "$MNT/files/usr")
expect_text $'libc.so.6\n' <(ls "$MNT/files/usr/lib")
expect_text $'x.so\n' <(ls "$MNT/files/lib")
expect_file "$E/x.so.file" "$MNT/files/lib/x.so"
expect_file "$E/libc.0.file" "$MNT/files$L"

# 2 MiB r-x at a free hint (used as is), then 8 KiB rw- at offset 0x8000:
# top-down, the only gap below mmap_base that fits is the 8 KiB above the
# r-x one: 0x7f0000000000 - 0x2000 = 0x7effffffe000.
run_expect "mmap 1 0x7effffdfe000 2M r-x private $L" 0x7effffdfe000
run_expect "mmap 1 0 8K rw- private $L 0x8000" 0x7effffffe000
expect_file "$E/02.maps" "$MNT/1/maps"
# Two VMAs in i_mmap; here address order, pgoff order (0, 8) and creation
# order agree, so the order of the lines is not in question.
expect_file "$E/libc.2.file" "$MNT/files$L"
check_ok "two file mmaps"

# Offsets 0x3000 then 0x2000, one page each, top-down just below
# 0x7effffdfe000: 0x7effffdfd000 (pgoff 3), 0x7effffdfc000 (pgoff 2).
# Same flags, adjacent, pgoff 2 + 1 = 3: vma_merge would take them, but
# each mmap opened the file anew (a different struct file): two VMAs.
run_expect "mmap 1 0 4096 r-- private $L 0x3000" 0x7effffdfd000
run_expect "mmap 1 0 4096 r-- private $L 0x2000" 0x7effffdfc000
expect_file "$E/04.maps" "$MNT/1/maps"
check_ok "adjacent file mmaps"
# Head page of the r-x VMA -> r--: the r-- neighbour below has another
# file (and pgoff 3 + 1 != 0): split, [dfe000, dff000) pgoff 0 and
# [dff000, ffe000) pgoff 1 (offset 00001000).
run "mprotect 1 0x7effffdfe000 4096 r--"
expect_file "$E/05.maps" "$MNT/1/maps"
check_ok "split file VMA"
# Back to r-x: same file and pgoff 0 + 1 = 1 as the upper piece: case 8,
# the pieces of the one mmap are one VMA again.
run "mprotect 1 0x7effffdfe000 4096 r-x"
expect_file "$E/04.maps" "$MNT/1/maps"
check_ok "merged file VMA"

# Shared anonymous: each a new shmem object, inode 1 then 2 on 00:01,
# pgoff 0, never merged. A shared r-- file mapping: r--s.
run_expect "mmap 1 0 4096 rw- shared" 0x7effffdfb000
run_expect "mmap 1 0 4096 rw- shared" 0x7effffdfa000
run_expect "mmap 1 0 4096 r-- shared $L" 0x7effffdf9000
expect_file "$E/09.maps" "$MNT/1/maps"
check_ok "shared mappings"
# 512 + 2 + 1 + 1 + 1 + 1 + 1 = 519 pages = 2076 kB; data: the private
# writable file VMA, 2 pages = 8 kB (shared ones are not data); exec:
# r-x 512 pages; no code range, so VmExe 0 and VmLib 2048 kB.
expect_status "$MNT/1/status" sim 1 0 2076 2076 8 0 0 2048
# Five VMAs map libc now. Their order in /files is the i_mmap order, which
# docs/commands.md does not pin down: compare the header exactly and the
# VMA lines as a set (after the six header lines; nothing is cached, as
# no page was ever faulted).
expect_file "$E/libc.5.head" <(head -n 5 "$MNT/files$L")
expect_text $'cached:\t0\n' <(sed -n 6p "$MNT/files$L")
expect_file "$E/libc.5.vmas" <(tail -n +7 "$MNT/files$L" | sort)

# exit unmaps everything: libc is mapped by nobody.
run "exit 1"
expect_file "$E/libc.0.file" "$MNT/files$L"
check_ok "exit"
finish
