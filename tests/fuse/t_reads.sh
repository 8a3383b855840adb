#!/usr/bin/env bash
# t_reads.sh - virtual files read correctly by ordinary tools: cat, head,
# tail, grep, cp, dd with bs=1, odd block sizes, skip (reads starting at
# any offset, across 4 KiB boundaries), wc -c (which may trust st_size).
# Each open renders the file once and serves every offset from it.
#
# The maps file here has 200 one-page VMAs, made by MAP_FIXED at
# 0x10000000 + i * 0x2000 (a free page between any two, so nothing
# merges), i = 0 .. 199: each line "%08x-%08x rw-p 00000000 00:00 0 " is
# 41 bytes with its newline (kernel-spec §1.1), plus the 84-byte gate
# line: 8284 bytes. The expected bytes are built below from that rule.
source "$(dirname "$0")/lib.sh"
require_fuse
mount_rmapfs
ctl_open

run_expect "spawn" 1
for ((i = 0; i < 200; i++)); do
	printf 'mmap 1 0x%x 4096 rw- private,fixed\n' $((0x10000000 + i * 0x2000))
done >"$TMPROOT/mmaps"
cat "$TMPROOT/mmaps" >&3
SEQ=$((SEQ + 200))
cat <&3 >"$TMPROOT/results"
exp=$TMPROOT/expected.maps
for ((i = 0; i < 200; i++)); do
	s=$((0x10000000 + i * 0x2000))
	printf '%08x-%08x rw-p 00000000 00:00 0 \n' $s $((s + 0x1000))
done >"$exp"
printf '%s\n' "$GATE" >>"$exp"
[ "$(wc -c <"$exp")" -eq 8284 ] || fail "test bug: expected maps is not 8284 bytes"
expect_file <(for ((i = 0; i < 200; i++)); do printf '0x%x\n' $((0x10000000 + i * 0x2000)); done) \
	"$TMPROOT/results"

M=$MNT/1/maps
expect_file "$exp" "$M"
expect_file <(head -n 3 "$exp") <(head -n 3 "$M")
expect_file <(tail -n 2 "$exp") <(tail -n 2 "$M")
expect_file <(head -c 100 "$exp") <(head -c 100 "$M")
expect_text $'200\n' <(grep -c 'rw-p' "$M")
expect_text "201:$GATE"$'\n' <(grep -n vsyscall "$M")
cp "$M" "$TMPROOT/copy"
cmp "$exp" "$TMPROOT/copy" || mismatch "cp of maps differs"
# dd: one byte per read(2); odd sizes; starting offsets inside the file.
expect_file "$exp" <(dd if="$M" bs=1 status=none)
expect_file "$exp" <(dd if="$M" bs=7 status=none)
expect_file "$exp" <(dd if="$M" bs=1M status=none)
expect_file <(tail -c +4001 "$exp" | head -c 200) <(dd if="$M" bs=1 skip=4000 count=200 status=none)
expect_file <(tail -c +3001 "$exp") <(dd if="$M" bs=1000 skip=3 status=none)
expect_file <(tail -c +8193 "$exp") <(dd if="$M" bs=4096 skip=2 status=none)
expect_file <(tail -c +8284 "$exp") <(dd if="$M" bs=1 skip=8283 status=none)
expect_text '' <(dd if="$M" bs=1 skip=8284 status=none)
expect_text '' <(dd if="$M" bs=4096 skip=5 status=none)
# wc -c by name and on stdin equals the bytes cat gives.
expect_text $'8284\n' <(wc -c <"$M")
expect_text "8284 $M"$'\n' <(wc -c "$M")

# The same for the other kinds of file: status, journal, /files, sysctl.
run "file /lib/x 12345"
for f in 1/status journal files/lib/x sysctl/vm/max_map_count; do
	cat "$MNT/$f" >"$TMPROOT/whole"
	n=$(wc -c <"$TMPROOT/whole")
	[ "$n" -gt 0 ] || mismatch "$f is empty"
	expect_text "$n"$'\n' <(wc -c <"$MNT/$f")
	expect_file "$TMPROOT/whole" <(dd if="$MNT/$f" bs=1 status=none)
	expect_file "$TMPROOT/whole" <(dd if="$MNT/$f" bs=3 status=none)
	expect_file <(tail -c +6 "$TMPROOT/whole") <(dd if="$MNT/$f" bs=1 skip=5 status=none)
done
# A failing line makes /dmesg non-empty; read it the same ways.
expect_error "for dmesg" "$MNT/ctl" "munmap 1 0x10000001 4096" EINVAL
cat "$MNT/dmesg" >"$TMPROOT/whole"
expect_file "$TMPROOT/whole" <(dd if="$MNT/dmesg" bs=1 status=none)
expect_text "$(wc -c <"$TMPROOT/whole")"$'\n' <(wc -c <"$MNT/dmesg")
check_ok "end"
finish
