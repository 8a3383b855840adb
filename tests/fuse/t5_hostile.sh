#!/usr/bin/env bash
# t5_hostile.sh - hostile input through the mount (docs/commands.md
# "Lines", "Limits"; docs/files.md "The tree"). No byte sequence crashes
# the daemon or changes the machine unless it is a valid command:
#   1. binary garbage and NULs into /ctl and /PID/ctl, line by line and as
#      one 1 MiB write: EINVAL (unknown command) each, state unchanged;
#   2. a 1 MiB line, in one write, in pieces, without newline: one
#      EINVAL "line too long" and one /dmesg line each, then the
#      descriptor works again; an unterminated 16 MiB line costs the
#      daemon bounded memory (a line is at most 4096 bytes: nothing past
#      that needs keeping);
#   3. a short script split into two writes at every byte position, and
#      written a byte at a time: the same results and journal as whole;
#   4. paths: `..` cannot leave the tree, non-canonical names do not
#      exist, `file` refuses names that are not plain paths (EINVAL) and
#      components over NAME_MAX, 255 bytes (ENAMETOOLONG, as open(2)
#      with O_CREAT gives);
#   5. read-only files refuse writes and truncation (EACCES), the tree
#      refuses mkdir, rm, mv, ln, chmod (ENOSYS from the kernel);
#   6. 16 MiB of valid lines (cat writes them in 128 KiB pieces that split
#      lines): every line runs, once, in order;
#   7. permissions (as root only; skipped loudly otherwise): another user
#      cannot use the mount at all without allow_other, and with it can
#      read but not write the control files (default_permissions);
# and the daemon survives everything, `check` passes, it exits 0.
# python3 (scripts/deps) makes the exact write(2) calls.
source "$(dirname "$0")/lib.sh"
require_fuse
command -v python3 >/dev/null 2>&1 || skip "python3 is not on PATH (scripts/deps installs it)"

# writes.py MODE FILE...: the write(2) calls of each mode, one file
# descriptor per call of the script; prints what each call gave.
cat >"$TMPROOT/writes.py" <<'EOF'
import errno, os, random, sys

def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno))

def put(fd, data):
    """One write(2); 'ok N' or the errno's name."""
    try:
        return "ok %d" % os.write(fd, data)
    except OSError as e:
        return errname(e)

mode, path = sys.argv[1], sys.argv[2]
if mode == "garbage-lines":
    # 2000 seeded random lines of 0-200 bytes (NULs and all byte values
    # but the newline), one write each; tally the results.
    rng = random.Random(int(sys.argv[3]))
    fd = os.open(path, os.O_WRONLY)
    tally = {}
    for i in range(2000):
        line = bytes(rng.choice([b for b in range(256) if b != 10])
                     for _ in range(rng.randrange(0, 200)))
        r = put(fd, line + b"\n").split()[0]
        tally[r] = tally.get(r, 0) + 1
    os.close(fd)
    print(" ".join("%s=%d" % kv for kv in sorted(tally.items())))
elif mode == "garbage-block":
    # 1 MiB of seeded random bytes in one write, then close.
    rng = random.Random(int(sys.argv[3]))
    fd = os.open(path, os.O_WRONLY)
    print(put(fd, bytes(rng.getrandbits(8) for _ in range(1 << 20))))
    try:
        os.close(fd)
    except OSError as e:
        print("close", errname(e))
elif mode == "long":
    # argv[3] bytes of 'x' in writes of argv[4] bytes, then with argv[5]
    # "newline" a newline and the command argv[6] on the same descriptor
    # (its result read back), or with "close" nothing more: close(2) then
    # runs what is pending. Prints how many of the writes and the close gave
    # EINVAL, what else any gave but a whole write, and the check's
    # result.
    n, piece, how = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    data = b"x" * n
    fd = os.open(path, os.O_RDWR)
    res = [put(fd, data[i:i + piece]) for i in range(0, n, piece)]
    res = ["ok" if r == "ok %d" % len(data[i * piece:(i + 1) * piece]) else r
           for i, r in enumerate(res)]
    check = ""
    if how == "newline":
        res.append("ok" if put(fd, b"\n") == "ok 1" else "newline-short")
        line = sys.argv[6].encode() + b"\n"
        r = put(fd, line)
        check = os.read(fd, 4096).decode().strip() if r == "ok %d" % len(line) else r
    try:
        os.close(fd)
        res.append("ok")
    except OSError as e:
        res.append(errname(e))
    others = [r for r in res if r not in ("ok", "EINVAL")]
    print("EINVAL x%d, others: %s, check: %s" % (res.count("EINVAL"),
          " ".join(others) or "none", check or "-"))
elif mode == "split":
    # Rounds on /ctl from pid argv[3] on: each spawns P and forks it (P +
    # 1) with a 4-line script written on one O_RDWR descriptor in two
    # writes split at k = 1, 2, ... (one round per position, the script
    # growing with P's digits), then a byte at a time; the results read
    # back on it must be P, the address and P + 1. Prints each bad round,
    # then the script lines in order (what /journal must have gained).
    p = int(sys.argv[3])
    journal = []
    k = rounds = 1
    while True:
        script = ("spawn\nmmap %d 0 8K rw- private\nwrite %d 0x7effffffe000 %d\n"
                  "fork %d\n" % (p, p, p, p)).encode()
        if k >= len(script):
            pieces, how = [script[i:i + 1] for i in range(len(script))], "bytes"
        else:
            pieces, how = [script[:k], script[k:]], "at %d" % k
        fd = os.open(path, os.O_RDWR)
        res = [put(fd, piece) for piece in pieces]
        if res != ["ok %d" % len(piece) for piece in pieces]:
            print("bad: split %s: writes gave %s" % (how, res))
        out = b""
        while True:
            b = os.read(fd, 4096)
            if not b:
                break
            out += b
        os.close(fd)
        want = ("%d\n0x7effffffe000\n%d\n" % (p, p + 1)).encode()
        if out != want:
            print("bad: split %s: results %r, expected %r" % (how, out, want))
        journal += script.decode().splitlines()
        p += 2
        if how == "bytes":
            break
        k += 1
        rounds += 1
    print("rounds %d" % rounds)
    print("\n".join(journal))
EOF
py() { python3 "$TMPROOT/writes.py" "$@"; }

# daemon_hwm: the daemon's peak resident set, kB.
daemon_hwm() {
	awk '$1 == "VmHWM:" { print $2 }' "/proc/$DAEMON_PID/status"
}

mount_rmapfs
ctl_open
run_expect "spawn" 1
run "file /lib/a.so 16K"
run_expect "mmap 1 0x40000000 16K rw- private" 0x40000000
run "write 1 0x40000000 42"
run_expect "mmap 1 0x50000000 8K r-- private /lib/a.so" 0x50000000
check_ok "setup"
state=$(snapshot)
journal=$(cat "$MNT/journal")

# unchanged WHAT: every file but /dmesg as it was after the setup.
unchanged() {
	local now
	now=$(snapshot)
	if [ "$now" != "$state" ]; then
		mismatch "$1 changed the state"
		diff -u <(printf '%s\n' "$state") <(printf '%s\n' "$now") | head -30 >&2
	fi
}

# last_dmesg_is WHAT PATTERN: the newest /dmesg line matches (glob).
last_dmesg_is() {
	local last
	last=$(tail -n 1 "$MNT/dmesg")
	# shellcheck disable=SC2053
	[[ "$last" == $2 ]] || mismatch "$1: last /dmesg line '${last:0:120}' is not '$2'"
}

# refused WHAT PATH LINE ERRNAME: LINE fails with ERRNAME, changes
# nothing, and /dmesg's newest line reports it. (lib.sh's expect_error
# also checks the SEQ, which the python writers do not count.)
refused() {
	try "$2" "$3"
	# lib.sh's errname_of does not know this one
	[[ "$ERRNAME" != *"File name too long>" ]] || ERRNAME=ENAMETOOLONG
	[ "$ERRNAME" = "$4" ] || mismatch "$1: '${3:0:80}' gave '${ERRNAME:-success}', expected $4"
	unchanged "$1"
	last_dmesg_is "$1" "\\[*\\] $(printf '%s' "$3" | sed 's/[][*?\\]/\\&/g'): $4 (*)"
}

# ---- 1. garbage -------------------------------------------------------
# A random line is EINVAL (unknown command, or too many words), or does
# nothing when it is blank or a comment; nothing else.
for target in ctl 1/ctl; do
	tally=$(py garbage-lines "$MNT/$target" 5)
	say "garbage lines into /$target: $tally"
	for t in $tally; do
		case $t in
		EINVAL=* | ok=*) ;;
		*) mismatch "garbage line into /$target gave ${t%=*} (${t#*=} times)" ;;
		esac
	done
	[[ " $tally" == *" EINVAL="* ]] || mismatch "no garbage line into /$target failed"
	res=$(py garbage-block "$MNT/$target" 6)
	say "1 MiB of garbage in one write to /$target: ${res//$'\n'/ }"
	[[ "$res" == EINVAL* || "$res" == "ok "* ]] ||
		mismatch "1 MiB of garbage into /$target gave '$res'"
done
# NULs inside and around otherwise valid words.
for line in $'spawn\x01' $'mmap 1 0 4096 rw-\x01 private' $'\x01\x01'; do
	# bash cannot hold NUL in a variable: \x01 stands for it here.
	printf '%s\n' "$line" | tr '\001' '\000' >"$TMPROOT/nul"
	try_cat "$MNT/ctl" "$TMPROOT/nul"
	[ "$ERRNAME" = EINVAL ] || mismatch "a line with a NUL gave '${ERRNAME:-success}'"
	last_dmesg_is "NUL line" '*\\x00*: EINVAL (*)'
done
unchanged "garbage"

# ---- 2. long lines ----------------------------------------------------
# dmesg_appended WHAT PATTERN BEFORE: /dmesg gained exactly one line,
# matching PATTERN (glob), after BEFORE, its newest line before. (/dmesg
# keeps only its newest 256 KiB: by now, lines go as lines come.)
dmesg_appended() {
	local last prev
	last=$(tail -n 1 "$MNT/dmesg")
	prev=$(tail -n 2 "$MNT/dmesg" | head -n 1)
	[ "$prev" = "$3" ] || mismatch "$1: not exactly one new /dmesg line (the one before the newest is '${prev:0:80}')"
	# shellcheck disable=SC2053
	[[ "$last" == $2 ]] || mismatch "$1: the new /dmesg line '${last:0:120}' is not '$2'"
}

# long_line WHAT TARGET BYTES PIECE newline|close: one EINVAL "line too
# long" among all the write(2)s and the close(2) (whichever one the line
# fails at: the one that takes it past 4096 bytes, the newline, or the
# close), every other call whole; one /dmesg line; nothing changed; and
# after a newline the descriptor takes the next line: `check` on /ctl,
# on /1/ctl a read of the page written in the setup (42).
long_line() {
	local what=$1 res before cmd=check want="EINVAL x1, others: none, check: ok"
	if [ "$2" != ctl ]; then
		cmd="read 0x40000000"
		want="EINVAL x1, others: none, check: 42"
	fi
	[ "$5" = close ] && want="EINVAL x1, others: none, check: -"
	before=$(tail -n 1 "$MNT/dmesg")
	res=$(py long "$MNT/$2" "$3" "$4" "$5" "$cmd")
	[ "$res" = "$want" ] || mismatch "$what: '$res', expected '$want'"
	dmesg_appended "$what" '*xxxx...: EINVAL (line too long)' "$before"
}
long_line "a 1 MiB line in 4 KiB writes" 1/ctl $((1 << 20)) 4096 newline
journal=$(cat "$MNT/journal")	# the read after it is journaled
state=$(snapshot)
long_line "a 1 MiB line in one write" ctl $((1 << 20)) $((1 << 20)) newline
long_line "a 4097-byte line in 1-byte writes" ctl 4097 1 newline
long_line "a 1 MiB line without newline" ctl $((1 << 20)) 65536 close
# 4096 bytes is a line; 4097 is not (docs/commands.md "Lines").
printf '%4096s\n' "#" >"$TMPROOT/max"	# blanks, then a comment
try_cat "$MNT/ctl" "$TMPROOT/max"
[ -z "$ERRNAME" ] || mismatch "a 4096-byte comment line gave $ERRNAME"
printf '%4097s\n' "#" >"$TMPROOT/over"
try_cat "$MNT/ctl" "$TMPROOT/over"
[ "$ERRNAME" = EINVAL ] || mismatch "a 4097-byte line gave '${ERRNAME:-success}'"
# An unterminated line: only its first 4096 bytes can matter, so 16 MiB
# of it must not cost the daemon 16 MiB (the peak may rise by 8 MiB).
hwm0=$(daemon_hwm)
long_line "a 16 MiB line without newline" ctl $((16 << 20)) 65536 close
hwm1=$(daemon_hwm)
say "16 MiB unterminated line: daemon VmHWM $hwm0 -> $hwm1 kB"
if grep -q libasan "/proc/$DAEMON_PID/maps"; then
	# ASan's quarantine keeps freed blocks: the peak says nothing there.
	say "(AddressSanitizer build: the memory bound is not checked)"
elif [ "$((hwm1 - hwm0))" -gt 8192 ]; then
	mismatch "a 16 MiB unterminated line raised the daemon's peak memory by $((hwm1 - hwm0)) kB: the partial line is not bounded"
fi
unchanged "long lines"

# ---- 3. lines split across writes --------------------------------------
# Each round spawns P and forks it (P + 1): results P, the address, and
# P + 1; the journal gets the four lines.
py split "$MNT/ctl" 2 >"$TMPROOT/split.out"
grep '^bad: ' "$TMPROOT/split.out" >&2 && mismatch "split writes went wrong"
rounds=$(sed -n 's/^rounds //p' "$TMPROOT/split.out")
{
	printf '%s\n' "$journal"
	awk 'copy; /^rounds / { copy = 1 }' "$TMPROOT/split.out"
} >"$TMPROOT/split.want"
expect_file "$TMPROOT/split.want" "$MNT/journal"
P=$((2 + 2 * rounds))	# the next pid
for ((p = 3; p < P; p++)); do
	cmp -s "$MNT/2/maps" "$MNT/$p/maps" || mismatch "pid $p's maps differ from pid 2's"
done
# Keep the tree small for the snapshots that follow.
for ((p = 2; p < P; p++)); do
	echo "exit $p"
done >"$TMPROOT/exits"
try_cat "$MNT/ctl" "$TMPROOT/exits"
[ -z "$ERRNAME" ] || mismatch "exiting the split rounds' pids gave $ERRNAME"
say "split writes: $((rounds - 1)) positions and one byte at a time"
journal=$(cat "$MNT/journal")
state=$(snapshot)

# ---- 4. paths ----------------------------------------------------------
for p in 1/../../etc 1/../../etc/passwd files/../../etc ../etc 01 +1 1/maps/x \
	pages/00 anon_vma/01 files/lib/../lib/a.so/x sysctl/vm/../../ctl/x; do
	[ ! -e "$MNT/$p" ] || mismatch "$MNT/$p exists"
done
# .. is resolved by the kernel before rmapfs sees a path: it leads out of
# the mount (to the host), never to another place inside it.
[ "$(cd "$MNT/1/.." && pwd -P)" = "$MNT" ] || mismatch "$MNT/1/.. is not the mount's root"
[ "$(cd "$MNT/.." && pwd -P)" = "$(cd "$MNT" && cd .. && pwd -P)" ] ||
	mismatch "$MNT/.. is not the mount point's parent"
for name in /../etc/passwd /a/../b /a/./b /a//b /a/ / . ..; do
	refused "file name '$name'" "$MNT/ctl" "file $name 4096" EINVAL
done
# A name component is at most NAME_MAX (255) bytes, as in the kernel's
# filesystems: one of 255 is made and read back through the mount; 256
# is ENAMETOOLONG, as open(2) with O_CREAT gives.
n255=$(printf 'n%.0s' {1..255})
run "file /long/$n255 4096"
grep -q "^size:	4096$" "$MNT/files/long/$n255" || mismatch "a 255-byte name cannot be read back"
journal=$(cat "$MNT/journal")
state=$(snapshot)
refused "a 256-byte name" "$MNT/ctl" "file /long/${n255}n 4096" ENAMETOOLONG
journal=$(cat "$MNT/journal")
state=$(snapshot)

# ---- 5. read-only files and the tree -----------------------------------
pfn=$(ls "$MNT/pages" | sed -n 2p)
av=$(ls "$MNT/anon_vma" | head -n 1)
for f in 1/maps 1/smaps 1/status 1/pagemap 1/pagetable 1/anon_vma.dot journal \
	dmesg graph.dot kpagecount kpageflags meminfo slabinfo vmstat trace \
	"pages/$pfn" "anon_vma/$av" files/lib/a.so; do
	try "$MNT/$f" "spawn"
	[ "$ERRNAME" = EACCES ] || mismatch "a write to /$f gave '${ERRNAME:-success}', expected EACCES"
	if out=$(truncate -s 0 "$MNT/$f" 2>&1); then
		mismatch "truncate of /$f succeeded"
	elif [ "$(errname_of "$out")" != EACCES ]; then
		mismatch "truncate of /$f: '$out', expected EACCES"
	fi
done
for op in "mkdir $MNT/x" "rm -f $MNT/1/maps" "rmdir $MNT/1" "mv $MNT/1/maps $MNT/1/m" \
	"ln -s /etc $MNT/etc" "touch $MNT/new" "chmod 666 $MNT/1/maps" "chown 65534 $MNT/ctl"; do
	if out=$($op 2>&1); then
		mismatch "'$op' succeeded"
	fi
done
unchanged "writes to read-only files"

# ---- 6. 16 MiB of valid lines ------------------------------------------
# 0x40000000 (4 pages, rw-) flipped between r-- and rw- on its second
# page; an even number of flips leaves it as it was. Each line is a
# command: /journal must grow by exactly these lines.
awk 'BEGIN {
	for (n = 0; n < 16 * 1024 * 1024; n += length(l) + 1) {
		l = "mprotect 0x40001000 4096 " ((i++ % 2) ? "rw-" : "r--")
		print l
	}
	if (i % 2) print "mprotect 0x40001000 4096 rw-"
}' >"$TMPROOT/valid"
lines=$(wc -l <"$TMPROOT/valid")
maps1=$(cat "$MNT/1/maps")
before=$(wc -l <"$MNT/journal")
nd=$(dmesg_lines)
try_cat "$MNT/1/ctl" "$TMPROOT/valid"
[ -z "$ERRNAME" ] || mismatch "16 MiB of valid lines gave $ERRNAME"
after=$(wc -l <"$MNT/journal")
[ "$after" -eq $((before + lines)) ] ||
	mismatch "16 MiB of valid lines ($lines): the journal grew by $((after - before))"
sed 's/^mprotect /mprotect 1 /' "$TMPROOT/valid" >"$TMPROOT/valid.journal"
tail -n "$lines" "$MNT/journal" | cmp -s - "$TMPROOT/valid.journal" ||
	mismatch "the journal does not hold the 16 MiB of lines in order"
[ "$(dmesg_lines)" -eq "$nd" ] || mismatch "16 MiB of valid lines added /dmesg lines"
say "16 MiB of valid lines: $lines commands"
cmp -s <(printf '%s\n' "$maps1") "$MNT/1/maps" ||
	mismatch "after an even number of flips, pid 1's maps are not as before"


# The daemon survived all of it.
check_ok "the hostile input"

# ---- 7. permissions ----------------------------------------------------
# as_nobody CMD: run CMD as uid/gid 65534 with no groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c "$1"
}
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	say "************************************************************"
	say "SKIPPED (this part only): permission checks need root and setpriv"
	say "************************************************************"
else
	chmod o+x "$TMPROOT"	# let nobody reach the mount point
	# Without allow_other, FUSE lets no other user in at all.
	for cmd in "cat $MNT/1/maps" "ls $MNT" "echo spawn > $MNT/ctl" "echo 'fork' > $MNT/1/ctl"; do
		if out=$(as_nobody "$cmd" 2>&1); then
			mismatch "nobody could run '$cmd' without allow_other"
		elif [ "$(errname_of "$out")" != EACCES ]; then
			mismatch "nobody running '$cmd': '$out', expected EACCES"
		fi
	done
	[ "$(wc -l <"$MNT/journal")" -eq "$after" ] || mismatch "nobody's attempts changed the journal"
	unmount_rmapfs
	# With allow_other: others read, only the owner writes (0644/0444).
	mount_rmapfs -o allow_other
	ctl_open
	run_expect "spawn" 1
	as_nobody "cat $MNT/1/maps >/dev/null && ls $MNT >/dev/null" ||
		mismatch "nobody cannot read with allow_other"
	for cmd in "echo spawn > $MNT/ctl" "echo fork > $MNT/1/ctl" \
		"echo 9 > $MNT/sysctl/vm/max_map_count"; do
		if out=$(as_nobody "$cmd" 2>&1); then
			mismatch "nobody could run '$cmd' with allow_other"
		elif [ "$(errname_of "$out")" != EACCES ]; then
			mismatch "nobody running '$cmd' with allow_other: '$out', expected EACCES"
		fi
	done
	[ ! -e "$MNT/2" ] || mismatch "a command of nobody's took effect"
	run_expect "spawn" 2
	check_ok "the allow_other mount"
fi
finish
