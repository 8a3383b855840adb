#!/usr/bin/env bash
# t_errors.sh - a table of malformed and invalid command lines. Each must
# fail with the errno the real syscall (or docs/commands.md for parser
# errors) gives, add exactly one /dmesg line
#     [   SEQ] COMMAND-LINE: ERRNAME (cause)
# (compared up to and including "ERRNAME (", and ending in ")": the cause
# is free text), and leave every other file byte-identical (lib.sh
# snapshot: ls, every /PID/maps, /PID/status, /journal, /files, sysctl).
# SEQ counts every non-blank, non-comment line sent since the mount,
# failed ones included; lib.sh counts them in $SEQ.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open

# The state every line is tried against (addresses by kernel-spec §4.4:
# top-down below 0x7f0000000000):
#   0x10000000      rw-p   one page      } a one-page hole at 0x10001000
#   0x10002000      rw-p   one page      }
#   0x7effffff9000  rw-s   /dev/zero (deleted), shared anonymous
#   0x7effffffa000  r--p   libc, 8 KiB at offset 0
#   0x7effffffc000  rw-p   16 KiB (c, d, e, f)
# map_count 5.
L=/usr/lib/libc.so.6
run_expect "spawn" 1
run "file $L 2M"
run_expect "mmap 1 0 16K rw- private" 0x7effffffc000
run_expect "mmap 1 0 8K r-- private $L" 0x7effffffa000
run_expect "mmap 1 0 4096 rw- shared" 0x7effffff9000
run_expect "mmap 1 0x10000000 4096 rw- private" 0x10000000
run_expect "mmap 1 0x10002000 4096 rw- private" 0x10002000
check_ok "setup"

# E ERRNAME LINE [DMESG-LINE]: LINE through /ctl.
E() { expect_error "line" "$MNT/ctl" "$2" "$1" "${3:-$2}"; }
# P ERRNAME LINE DMESG-LINE: LINE through /1/ctl.
P() { expect_error "/1/ctl line" "$MNT/1/ctl" "$2" "$1" "$3"; }

# -- the parser: EINVAL for anything malformed ---------------------------
E EINVAL "frobnicate 1 2"					# unknown command
E EINVAL "MMAP 1 0 4096 rw- private"				# commands are lower case
E EINVAL "mmap 1 0 4096 rw-"					# FLAGS missing
E EINVAL "munmap"						# no arguments
E EINVAL "fork"
E EINVAL "madvise 1 0x7effffffc000 4096"			# ADVICE missing
E EINVAL "sysctl vm.max_map_count"				# VALUE missing
E EINVAL "spawn a b"						# extra arguments
E EINVAL "munmap 1 0x7effffffc000 4096 4096"
E EINVAL "exit 1 2"
E EINVAL "check now"
E EINVAL "mmap 1 0 4096 r-- private $L 0 0"
E EINVAL "mmap 1 0 4096x rw- private"				# bad numbers
E EINVAL "munmap 1 0x7effffffg000 4096"
E EINVAL "munmap 1 0x 4096"
E EINVAL "mmap 1 0 -4096 rw- private"				# unsigned only
E EINVAL "mmap 1 0 4T rw- private"				# K, M, G only
E EINVAL "exit one"
E EINVAL "munmap 1 18446744073709551616 4096"			# 2^64: overflow
E EINVAL "munmap 1 0x10000000000000000 4096"			# 17 hex digits
E EINVAL "mmap 1 0 17179869184G rw- private"			# 2^34 G = 2^64
E EINVAL "mmap 1 0 4096 rwx- private"				# bad PROT
E EINVAL "mmap 1 0 4096 wr- private"
E EINVAL "mmap 1 0 4096 RW- private"
E EINVAL "mprotect 1 0x7effffffc000 4096 rw"
E EINVAL "mmap 1 0 4096 rw- fixed"				# neither private nor shared
E EINVAL "mmap 1 0 4096 rw- private,shared"			# both
E EINVAL "mmap 1 0 4096 rw- private,bogus"			# unknown flag word
E EINVAL "madvise 1 0x7effffffc000 4096 frobnicate"		# unknown advice
E EINVAL "sysctl vm.max_map_count 2147483648"			# 0 .. 2147483647
E EINVAL "sysctl vm.max_map_count -1"
E EINVAL "sysctl kernel.pid_max 300"				# 301 .. 4194304
E EINVAL "sysctl kernel.pid_max 4194305"
E EINVAL "balloon inflate"					# N missing
E EINVAL "balloon pump 1"					# inflate or deflate
E EINVAL "balloon deflate -1"
E ENOMEM "balloon inflate 1000000000"				# more than the free frames
E EINVAL "ksm merge"						# only scan
E EINVAL "migrate 0"						# the zero page
E EINVAL "migrate 999999999"					# no such frame
# Blanks are spaces or tabs; the /dmesg line joins words with one space
# and drops the comment.
E EINVAL $'munmap\t1  0x7effffffc001\t4096' "munmap 1 0x7effffffc001 4096"
E EINVAL "munmap 1 0x7effffffc001 4096 # unaligned" "munmap 1 0x7effffffc001 4096"

# -- argument checks of the syscalls --------------------------------------
E EINVAL "munmap 1 0x7effffffc001 4096"			# unaligned start
E EINVAL "mprotect 1 0x7effffffc800 4096 r--"
E EINVAL "madvise 1 0x7effffffc010 4096 dontfork"
E EINVAL "mmap 1 0x7effffffc100 4096 rw- private,fixed"
E EINVAL "munmap 1 0x7effffffc000 0"				# munmap: len 0
E EINVAL "munmap 1 0x7ffffffff000 4096"			# len > TASK_SIZE - start
E EINVAL "mmap 1 0 0 rw- private"				# mmap: len 0
E ENOMEM "mmap 1 0 0xfffffffffffff001 rw- private"		# PAGE_ALIGN(len) wraps to 0
E ENOMEM "mmap 1 0 0xfffffffffffff000 rw- private"		# len > TASK_SIZE
E ENOMEM "mprotect 1 0x7effffffc000 0xfffffffffffff001 r--"	# end wraps
E ENOMEM "mmap 1 0x7ffffffff000 4096 rw- private,fixed"	# passes TASK_SIZE
E EINVAL "mmap 1 0 4096 r-- private $L 0x800"			# unaligned offset
E EPERM "mmap 1 0x1000 4096 rw- private,fixed"			# below mmap_min_addr
E EPERM "mmap 1 0x8000 4096 rw- private,noreplace"
E EEXIST "mmap 1 0x7effffffc000 4096 rw- private,noreplace"	# overlap
E EEXIST "mmap 1 0x0ffff000 8K rw- private,noreplace"		# partial overlap
E EINVAL "mmap 1 0 4096 rw- shared,growsdown"			# growsdown: anon private only
E EINVAL "mmap 1 0 4096 r-- private,growsdown $L"
# mprotect/madvise: an unmapped start, and a hole inside the range. The
# kernel would have changed 0x10000000 before failing on the hole; rmapfs
# checks the whole range first, so nothing changes (docs: Atomicity).
E ENOMEM "mprotect 1 0x30000000 4096 r--"
E ENOMEM "mprotect 1 0x10000000 12K r--"
E ENOMEM "mprotect 1 0x10001000 8K r--"
E ENOMEM "madvise 1 0x30000000 4096 dontfork"
E ENOMEM "madvise 1 0x10000000 12K dontfork"
# MADV_WIPEONFORK only on private anonymous VMAs.
E EINVAL "madvise 1 0x7effffffa000 4096 wipeonfork"		# file
E EINVAL "madvise 1 0x7effffff9000 4096 wipeonfork"		# shared anonymous

# -- processes and files -------------------------------------------------
E ESRCH "mmap 9 0 4096 rw- private"
E ESRCH "fork 9"
E ESRCH "exit 9"
E ESRCH "munmap 0 0x7effffffc000 4096"
E ENOENT "mmap 1 0 4096 r-- private /no/such/file"
E EEXIST "file $L 4096"
E ENOTDIR "file $L/x 4096"					# a prefix is a file
E EISDIR "file /usr/lib 4096"					# a directory of files

# -- vm.max_map_count ----------------------------------------------------
# With map_count 5 and the limit 6: do_mmap fails only when map_count >
# the limit (two more VMAs fit, --x and -w- never merge), a split needs
# map_count < the limit: ENOMEM from munmap, mprotect and madvise alike.
# (v5.15 madvise_behavior turns only __split_vma's own ENOMEM into EAGAIN
# via out_convert_errno; its map_count check jumps past that to "out".)
run "sysctl vm.max_map_count 6"
run_expect "mmap 1 0 4096 --x private" 0x7effffff8000
run_expect "mmap 1 0 4096 -w- private" 0x7effffff7000
E ENOMEM "mmap 1 0 4096 --x private"
E ENOMEM "munmap 1 0x7effffffd000 4096"
E ENOMEM "mprotect 1 0x7effffffd000 4096 r--"
E ENOMEM "madvise 1 0x7effffffd000 4096 dontfork"
run "sysctl vm.max_map_count 65530"
check_ok "max_map_count"

# -- whole-line problems -------------------------------------------------
# Longer than 4096 bytes (one write); its /dmesg rendering is not pinned
# down, so only "[   SEQ] ...: EINVAL (...)" is checked.
long=$TMPROOT/long.line
{ printf 'spawn '; printf 'x%.0s' {1..5000}; printf '\n'; } >"$long"
expect_error "line > 4096 bytes" "$MNT/ctl" "@$long" EINVAL -
garbage=$TMPROOT/garbage.line
printf '\001\002\376\377\177 \033[0m garbage\n' >"$garbage"
expect_error "binary garbage" "$MNT/ctl" "@$garbage" EINVAL -

# -- /PID/ctl: per-process commands without their PID --------------------
# The /dmesg line of a per-process command has the pid inserted as the
# first argument. For a global command the docs' rule would give e.g.
# "spawn 1", a valid /ctl line of another meaning; which form /dmesg
# shows for those is not settled, so only SEQ and errno are checked.
P EINVAL "munmap 1 0x7effffffc000 4096" "munmap 1 1 0x7effffffc000 4096"
P EINVAL "mmap 1 0 4096 rw- private" "mmap 1 1 0 4096 rw- private"
P EINVAL "munmap 0x7effffffc001 4096" "munmap 1 0x7effffffc001 4096"
P EINVAL "spawn" -
P EINVAL "file /x 4096" -
P EINVAL "check" -
P EINVAL "sysctl vm.max_map_count 5" -

# -- not command lines: no /dmesg line, nothing changes ------------------
# nochange WHAT ERRNAME PATH TEXT
nochange() {
	local before after nb
	before=$(snapshot); nb=$(dmesg_lines)
	try "$3" "$4"
	[ "$ERRNAME" = "$2" ] || mismatch "$1: got '${ERRNAME:-success}', expected $2"
	after=$(snapshot)
	[ "$before" = "$after" ] || mismatch "$1: the state changed"
	[ "$(dmesg_lines)" -eq "$nb" ] || mismatch "$1: /dmesg changed"
}
nochange "ctl of a pid that does not exist" ENOENT "$MNT/9/ctl" "munmap 0x7effffffc000 4096"
nochange "write to /journal" EACCES "$MNT/journal" "spawn"
nochange "write to /1/maps" EACCES "$MNT/1/maps" "spawn"

# -- the sysctl file: the sysctl command by another name -----------------
# (so a bad value is a failed command line: SEQ counts it)
S() { expect_error "sysctl file" "$MNT/sysctl/vm/max_map_count" "$2" "$1" "$3"; }
S EINVAL "abc" "sysctl vm.max_map_count abc"
S EINVAL "-5" "sysctl vm.max_map_count -5"
S EINVAL "2147483648" "sysctl vm.max_map_count 2147483648"
# A limit below the current map_count (7) is accepted, as in Linux; the
# next mmap then fails.
echo 3 >"$MNT/sysctl/vm/max_map_count"
SEQ=$((SEQ + 1))
expect_text $'3\n' "$MNT/sysctl/vm/max_map_count"
E ENOMEM "mmap 1 0 4096 r-x private"
check_ok "the end"
finish
