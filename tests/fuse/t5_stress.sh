#!/usr/bin/env bash
# t5_stress.sh - the multi-threaded mount under concurrent writers and
# readers (fs/rmapfs.c: one simulator lock around every handler). For
# STRESS_SECONDS (default 12):
#  - four writers, each on its own /PID/ctl, cycle mmap (fixed, anonymous
#    and file), write, mprotect, touch, madvise and munmap over 32 slots
#    of its process, each command through a fresh open of the file;
#  - a writer on the root /ctl forks writer processes while their writers
#    work on them, writes to and exits the children, makes, writes and
#    unlinks files (all but every eighth), spawns and exits processes,
#    sets a sysctl;
#  - three readers cat maps, smaps and graph.dot (and ls the tree) in
#    loops; a maps file read whole must end with the [vsyscall] line.
# Every command is valid: none may fail, so /dmesg must stay empty.
# Afterwards `check` passes, and /journal replayed (by a new mount with
# --script, and by rmapsim) gives the same files, /vmstat included.
#
# Every background job is ours: each stops at the deadline or when
# $TMPROOT/stop appears; the EXIT trap raises the flag, waits for each by
# PID, and kills (by PID) only those still running after 10 s.
source "$(dirname "$0")/lib.sh"
require_fuse
DURATION=${STRESS_SECONDS:-12}
FRAMES=16384	# 64 MiB: /kpage* stay small; ample for the pages made

BG=()			# pids of our background jobs
STOP=$TMPROOT/stop

stop_jobs() {
	local p i
	[ "${#BG[@]}" -gt 0 ] || return 0
	: >"$STOP"
	for ((i = 0; i < 100; i++)); do
		for p in "${BG[@]}"; do
			kill -0 "$p" 2>/dev/null && break
			p=""
		done
		[ -n "$p" ] || break
		sleep 0.1
	done
	for p in "${BG[@]}"; do
		if kill -0 "$p" 2>/dev/null; then
			say "FAIL: job $p still running 10 s after the stop flag; killing it"
			FAILURES=$((FAILURES + 1))
			kill -KILL "$p" 2>/dev/null || true
		fi
		wait "$p" 2>/dev/null || true
	done
	BG=()
}
# Easily overlooked: errexit is still on in the trap, and `(exit "$rc")`
# with rc != 0 would end the shell there, before lib.sh's on_exit could
# unmount.
trap 'rc=$?; set +e; stop_jobs; (exit "$rc"); on_exit' EXIT

mount_rmapfs -o frames=$FRAMES
ctl_open
for w in 1 2 3 4; do
	run_expect "spawn w$w" "$w"
done
run "file /stress/shared 64K"
run "fwrite /stress/shared 0x3000 5"
# Every slot mapped before the writers start, so the root writer's
# children always have 0x40000000 (each writer's mmap fixed replaces a
# slot in one atomic command).
for w in 1 2 3 4; do
	for ((i = 0; i < 32; i++)); do
		echo "mmap $((0x40000000 + i * 0x100000)) 64K rw- private,fixed"
	done >"$TMPROOT/slots"
	cat "$TMPROOT/slots" >"$MNT/$w/ctl"
done

# running: true until the deadline or the stop flag.
running() {
	[ "$SECONDS" -lt "$END" ] && [ ! -e "$STOP" ]
}

# pid_writer PID: 32 slots of 64 KiB at 0x40000000 + slot * 1 MiB;
# every command fits what the previous ones left, so all succeed.
#   slot: |anon rw- ... | r-- | ... | dontfork 8K | munmapped 16K | file 8K (half) ...
pid_writer() {
	local pid=$1 ctl=$MNT/$1/ctl i=0 a bad=0
	while running; do
		a=$((0x40000000 + (i % 32) * 0x100000))
		{
			echo "mmap $a 64K rw- private,fixed" >"$ctl" &&
			echo "write $((a + 0x1000)) $i" >"$ctl" &&
			echo "mprotect $((a + 0x2000)) 4096 r--" >"$ctl" &&
			echo "touch $a 64K read" >"$ctl" &&
			echo "madvise $((a + 0x4000)) 8K dontfork" >"$ctl" &&
			echo "mmap $((a + 0xc000)) 8K r-- private,fixed /stress/shared 0x2000" >"$ctl" &&
			echo "write $((a + 0x6000)) $i" >"$ctl" &&
			echo "munmap $((a + 0x8000)) 0x5000" >"$ctl" &&
			echo "read $((a + 0xd000))" >"$ctl"
		} 2>>"$TMPROOT/writer.$pid.err" || bad=$((bad + 1))
		i=$((i + 1))
	done
	echo "$i $bad" >"$TMPROOT/writer.$pid.count"
}

# root_writer: the machine-wide commands, on one descriptor so the
# results of spawn and fork can be read back.
root_writer() {
	local i=0 c s bad=0
	exec 5<>"$MNT/ctl"
	while running; do
		{
			echo "fork $((i % 4 + 1))" >&5 && read -r c <&5 &&
			echo "write $c 0x40000000 $i" >&5 &&
			echo "file /stress/f$i 8K" >&5 &&
			echo "fwrite /stress/f$i 0x1000 $i" >&5 &&
			echo "mmap $c 0 8K rw- shared /stress/f$i" >&5 && read -r _ <&5 &&
			echo "touch 0x7effffffe000 8K write" >"$MNT/$c/ctl" &&
			echo "exit $c" >&5 &&
			echo "spawn s$i" >&5 && read -r s <&5 &&
			echo "exit $s" >&5 &&
			echo "sysctl vm.max_map_count 65530" >&5 &&
			{ [ $((i % 8)) -eq 0 ] || echo "unlink /stress/f$i" >&5; }
		} 2>>"$TMPROOT/root.err" || bad=$((bad + 1))
		i=$((i + 1))
	done
	exec 5>&-
	echo "$i $bad" >"$TMPROOT/root.count"
}

# reader N: whole-file reads; errors for vanished pids are fine, a maps
# file that was read must be whole.
reader() {
	local n=$1 reads=0 torn=0 p f out
	while running; do
		for p in 1 2 3 4; do
			for f in maps smaps graph; do
				case $f in
				graph) cat "$MNT/graph.dot" >/dev/null 2>&1 || true ;;
				smaps) cat "$MNT/$p/smaps" >/dev/null 2>&1 || true ;;
				maps)
					if out=$(cat "$MNT/$p/maps" 2>/dev/null) &&
						[ "${out##*$'\n'}" != "$GATE" ]; then
						torn=$((torn + 1))
					fi ;;
				esac
				reads=$((reads + 1))
			done
		done
		ls -R "$MNT/anon_vma" "$MNT/pages" "$MNT/files" >/dev/null 2>&1 || true
	done
	echo "$reads $torn" >"$TMPROOT/reader.$n.count"
}

END=$((SECONDS + DURATION))
for w in 1 2 3 4; do
	pid_writer "$w" &
	BG+=($!)
done
root_writer &
BG+=($!)
for r in 1 2 3; do
	reader "$r" &
	BG+=($!)
done
for p in "${BG[@]}"; do
	wait "$p" || mismatch "background job $p exited with status $?"
done
BG=()

# Every job finished its loop and reported.
for w in 1 2 3 4; do
	read -r iters bad <"$TMPROOT/writer.$w.count" || fail "writer $w did not report"
	say "writer $w: $iters rounds, $bad failed"
	[ "$bad" -eq 0 ] || mismatch "writer $w: $bad rounds failed: $(head -c 600 "$TMPROOT/writer.$w.err")"
	[ "$iters" -gt 0 ] || mismatch "writer $w never ran a round"
done
read -r iters bad <"$TMPROOT/root.count" || fail "the root writer did not report"
say "root writer: $iters rounds, $bad failed"
[ "$bad" -eq 0 ] || mismatch "root writer: $bad rounds failed: $(head -c 600 "$TMPROOT/root.err")"
for r in 1 2 3; do
	read -r reads torn <"$TMPROOT/reader.$r.count" || fail "reader $r did not report"
	say "reader $r: $reads reads"
	[ "$torn" -eq 0 ] || mismatch "reader $r: $torn maps reads did not end with the gate line"
done

mountpoint -q "$MNT" || fail "the mount is gone (daemon crashed?)"
check_ok "the stress run"
expect_text "" "$MNT/dmesg"

# mount_slow OPTION...: lib.sh's mount_rmapfs, with up to 120 s for the
# mount to come up instead of 5: rmapfs runs a --script before it mounts,
# and this journal has some 100,000 lines (slow under the sanitizers).
mount_slow() {
	local i rc=0
	MNT=$(mktemp -d "$TMPROOT/mnt.XXXXXX")
	DAEMON_LOG=$(mktemp "$TMPROOT/rmapfs.log.XXXXXX")
	"$RMAPFS" -f "$@" "$MNT" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	for ((i = 0; i < 1200; i++)); do
		if mountpoint -q "$MNT" && [ -e "$MNT/ctl" ]; then
			return 0
		fi
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			wait "$DAEMON_PID" || rc=$?
			DAEMON_PID=""
			sed 's/^/    /' "$DAEMON_LOG" >&2
			fail "rmapfs exited (status $rc) before the mount came up"
		fi
		sleep 0.1
	done
	fail "the mount at $MNT was not live after 120 s"
}

# every_file: the whole tree but /dmesg, /trace (its SEQ column counts
# `check` and other lines the journal leaves out) and /PID/pagemap
# (256 GiB), headers first; the binary kpage files as hex.
every_file() {
	local list f text=()
	list=$(cd "$MNT" && find . -mindepth 1 | sort)
	printf '%s\n' "$list"
	while IFS= read -r f; do
		[ -f "$MNT/$f" ] || continue
		case $f in
		./dmesg | ./trace | ./*/pagemap) ;;
		./kpagecount | ./kpageflags) ;;
		*) text+=("$f") ;;
		esac
	done <<<"$list"
	(cd "$MNT" && awk 'FNR == 1 { print "==> " FILENAME } { print }' "${text[@]}")
	for f in kpagecount kpageflags; do
		echo "==> ./$f"
		od -An -tx8 -v "$MNT/$f"
	done
}

cp "$MNT/journal" "$TMPROOT/journal"
list=$(cd "$MNT" && find . -mindepth 1 | sort)
every_file >"$TMPROOT/built"
say "journal: $(wc -l <"$TMPROOT/journal") lines; tree: $(grep -c '^==> ' "$TMPROOT/built") files"

# Replay 1: a new rmapsim runs the journal, then cats every file of the
# tree (rmapsim's `cat` uses the mount's renderers); it prints the
# journal's result lines first, as many as for the journal alone. The
# mount's files, concatenated the same way, must be the same bytes.
"$RMAPSIM" -o frames=$FRAMES "$TMPROOT/journal" >"$TMPROOT/replay.results" ||
	mismatch "rmapsim failed on the journal"
files=()
while IFS= read -r f; do
	[ -f "$MNT/$f" ] || continue
	case $f in
	./dmesg | ./trace | ./*/pagemap) ;;
	*) files+=("${f#./}") ;;
	esac
done <<<"$list"
{
	cat "$TMPROOT/journal"
	printf 'cat %s\n' "${files[@]}"
} >"$TMPROOT/replay.rmap"
"$RMAPSIM" -o frames=$FRAMES "$TMPROOT/replay.rmap" >"$TMPROOT/replay.out" ||
	mismatch "rmapsim failed on the journal with cat lines"
(cd "$MNT" && cat "${files[@]}") >"$TMPROOT/built.cat"
n=$(wc -l <"$TMPROOT/replay.results")
tail -n +$((n + 1)) "$TMPROOT/replay.out" >"$TMPROOT/replay.cat"
if ! cmp -s "$TMPROOT/replay.cat" "$TMPROOT/built.cat"; then
	mismatch "rmapsim's replay of /journal gives other files"
	diff -a "$TMPROOT/built.cat" "$TMPROOT/replay.cat" | head -20 >&2
fi

# Replay 2: a new mount built from the journal (rmapfs --script); every
# file the same, with headers.
unmount_rmapfs
mount_slow -o frames=$FRAMES --script "$TMPROOT/journal"
every_file >"$TMPROOT/replayed"
if ! cmp -s "$TMPROOT/built" "$TMPROOT/replayed"; then
	mismatch "a mount replaying /journal has other files"
	diff -u "$TMPROOT/built" "$TMPROOT/replayed" | head -40 >&2
fi
finish
