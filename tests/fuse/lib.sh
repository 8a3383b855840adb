# tests/fuse/lib.sh - helpers shared by the shell tests (sourced, not run).
#
# Mount tests (t_*.sh, meson suite 'fuse') call require_fuse, then
# mount_rmapfs; the EXIT trap installed here always unmounts, waits for
# the daemon (which must exit 0) and removes the temporary directories.
# Scenario tests (s_*.sh, suite 'scenarios') only run rmapsim.
#
# Environment (set by tests/fuse/meson.build):
#   RMAPFS    the FUSE daemon       RMAPSIM   the headless runner
#   EXPECTED  tests/expected (the hand-derived expected files)
#
# Conventions: every expected file is compared whole and byte-exact
# (diff -u, cmp semantics). A failed comparison is counted and the test
# goes on, so one run shows every mismatch; the test then exits 1.

set -euo pipefail
export LC_ALL=C

: "${RMAPFS:?RMAPFS must name the rmapfs daemon}"
: "${RMAPSIM:?RMAPSIM must name rmapsim}"
: "${EXPECTED:?EXPECTED must name tests/expected}"

TEST_NAME=$(basename "$0" .sh)
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/rmapfs-${TEST_NAME}.XXXXXX")
MNT=""			# the mount point while mounted
DAEMON_PID=""		# the rmapfs we started, while it runs
DAEMON_LOG=""		# its stdout+stderr
FAILURES=0		# mismatches so far
SEQ=0			# command lines sent so far (the /dmesg SEQ rule)
RESULT=""		# result lines of the last run/ctl_run
ERRNAME=""		# errno name of the last try ("" when it succeeded)

say() { printf '%s\n' "$*" >&2; }

fail() {
	say "FAIL: $*"
	exit 1
}

# Count a mismatch and keep going.
mismatch() {
	say "MISMATCH: $*"
	FAILURES=$((FAILURES + 1))
}

skip() {
	say "SKIPPED: $*"
	echo "SKIPPED: $*"
	exit 77
}

# Mount tests need the FUSE device and the setuid helper; nothing else
# is a reason to skip.
require_fuse() {
	[ -c /dev/fuse ] || skip "/dev/fuse is missing (no FUSE in this machine)"
	command -v fusermount3 >/dev/null 2>&1 ||
		skip "fusermount3 is not on PATH (install the fuse3 package)"
}

# is_mounted: $MNT is in the mount table (also when its daemon died and
# stat(2) on it fails with ENOTCONN, where mountpoint(1) says no).
is_mounted() {
	awk -v m="$MNT" '$2 == m { found = 1 } END { exit !found }' /proc/mounts
}

# unmount_rmapfs: unmount, wait for the daemon, require exit status 0.
# Closes our control descriptors first (an open fd keeps the mount busy).
unmount_rmapfs() {
	local i rc=0
	exec 3>&- 4>&- 5>&- 6>&-
	[ -n "$MNT" ] || return 0
	if is_mounted; then
		for ((i = 0; i < 50; i++)); do
			fusermount3 -u "$MNT" 2>/dev/null && break
			sleep 0.1
		done
		if is_mounted; then
			say "FAIL: $MNT still busy after 5 s; lazy unmount"
			fusermount3 -u -z "$MNT" || true
			FAILURES=$((FAILURES + 1))
		fi
	fi
	if [ -n "$DAEMON_PID" ]; then
		for ((i = 0; i < 100; i++)); do
			kill -0 "$DAEMON_PID" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$DAEMON_PID" 2>/dev/null; then
			say "FAIL: rmapfs (pid $DAEMON_PID) still running 10 s after unmount; killing it"
			kill -TERM "$DAEMON_PID" 2>/dev/null || true
			FAILURES=$((FAILURES + 1))
		fi
		wait "$DAEMON_PID" || rc=$?
		if [ "$rc" -ne 0 ]; then
			say "FAIL: rmapfs exited with status $rc (must be 0); its log:"
			sed 's/^/    /' "$DAEMON_LOG" >&2 || true
			FAILURES=$((FAILURES + 1))
		fi
		DAEMON_PID=""
	fi
	rmdir "$MNT" 2>/dev/null || true
	MNT=""
}

on_exit() {
	local rc=$?
	set +e
	unmount_rmapfs
	if [ "$rc" -eq 0 ] && [ "$FAILURES" -ne 0 ]; then
		rc=1
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		say "$TEST_NAME: FAILED ($FAILURES mismatches)"
		if [ -n "$DAEMON_LOG" ] && [ -s "$DAEMON_LOG" ]; then
			say "rmapfs log:"
			sed 's/^/    /' "$DAEMON_LOG" >&2
		fi
	fi
	# KEEP_TMP=1 keeps the work files (never a mount: it is gone by now).
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		say "work files kept in $TMPROOT"
	else
		rm -rf "$TMPROOT"
	fi
	exit "$rc"
}
trap on_exit EXIT

# mount_rmapfs [OPTION...]: start `rmapfs -f [OPTION...] MNT` in the
# background and wait (up to ~5 s) until the mount is live.
mount_rmapfs() {
	local i
	MNT=$(mktemp -d "$TMPROOT/mnt.XXXXXX")
	DAEMON_LOG=$(mktemp "$TMPROOT/rmapfs.log.XXXXXX")
	"$RMAPFS" -f "$@" "$MNT" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	for ((i = 0; i < 100; i++)); do
		if mountpoint -q "$MNT" && [ -e "$MNT/ctl" ]; then
			SEQ=0
			return 0
		fi
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			local rc=0
			wait "$DAEMON_PID" || rc=$?
			DAEMON_PID=""
			say "rmapfs log:"; sed 's/^/    /' "$DAEMON_LOG" >&2
			fail "rmapfs exited (status $rc) before the mount came up"
		fi
		sleep 0.05
	done
	fail "the mount at $MNT was not live after 5 s"
}

# errname_of MESSAGE: the errno name for the strerror text at the end of
# a shell error message ("bash: line 3: echo: write error: Invalid argument").
errname_of() {
	case "$1" in
	*"Invalid argument") echo EINVAL ;;
	*"Cannot allocate memory") echo ENOMEM ;;
	*"File exists") echo EEXIST ;;
	*"Permission denied") echo EACCES ;;
	*"No such process") echo ESRCH ;;
	*"No such file or directory") echo ENOENT ;;
	*"Operation not permitted") echo EPERM ;;
	*"Value too large for defined data type") echo EOVERFLOW ;;
	*"Not a directory") echo ENOTDIR ;;
	*"Is a directory") echo EISDIR ;;
	*"Resource temporarily unavailable") echo EAGAIN ;;
	*"Structure needs cleaning") echo EUCLEAN ;;
	*"Input/output error") echo EIO ;;
	*"Numerical result out of range") echo ERANGE ;;
	*"Function not implemented") echo ENOSYS ;;
	*"Bad address") echo EFAULT ;;
	*"Illegal seek") echo ESPIPE ;;
	*) echo "UNKNOWN<$1>" ;;
	esac
}

# ctl_open: fd 3 on /ctl, so result lines can be read back (Plan 9 style).
ctl_open() {
	exec 3<>"$MNT/ctl"
}

# run LINE: send one command line on fd 3 (one write, via echo); it must
# succeed. RESULT gets its result lines (empty for commands without one).
run() {
	local out
	SEQ=$((SEQ + 1))
	if ! out=$({ echo "$1" >&3; } 2>&1); then
		mismatch "command '$1' failed: $out"
		RESULT=""
		return 0
	fi
	RESULT=$(cat <&3)
}

# run_expect LINE EXPECTED-RESULT: run, and compare its result line(s).
run_expect() {
	run "$1"
	if [ "$RESULT" != "$2" ]; then
		mismatch "'$1' gave result '$RESULT', expected '$2'"
	fi
}

# try PATH LINE: write LINE plus newline to PATH with echo (one write; a
# fresh open each time). ERRNAME gets the errno name, or "" on success.
try() {
	local out
	if out=$({ echo "$2" >"$1"; } 2>&1); then
		ERRNAME=""
	else
		ERRNAME=$(errname_of "$out")
	fi
}

# try_cat PATH FILE: write the bytes of FILE to PATH in one write(2) (cat
# uses one write for small files; bash's echo/printf write line by line).
try_cat() {
	local out
	if out=$({ cat "$2" >"$1"; } 2>&1); then
		ERRNAME=""
	else
		ERRNAME=$(errname_of "$out")
	fi
}

# check_ok: `check` through /ctl must give `ok`.
check_ok() {
	local what=${1:-}
	run "check"
	[ "$RESULT" = "ok" ] || mismatch "check after ${what:-step} gave '$RESULT'"
}

# expect_file EXPECTED-FILE ACTUAL-FILE: whole-file, byte-exact comparison.
# The actual file is read once with cat (one open: one consistent render).
expect_file() {
	local exp=$1 act=$2 copy
	copy=$(mktemp "$TMPROOT/actual.XXXXXX")
	if ! cat "$act" >"$copy"; then
		mismatch "cannot read $act"
		return 0
	fi
	if [ ! -e "$exp" ]; then
		mismatch "missing expected file $exp"
		return 0
	fi
	if ! diff -u --label "expected: ${exp#"$EXPECTED"/}" --label "actual: $act" \
		"$exp" "$copy" >&2; then
		mismatch "$act differs from ${exp#"$EXPECTED"/}"
	fi
	rm -f "$copy"
}

# expect_text TEXT ACTUAL-FILE: like expect_file with the expected bytes
# given inline (TEXT is printed with printf %s: include the newlines).
expect_text() {
	local exp
	exp=$(mktemp "$TMPROOT/expected.XXXXXX")
	printf '%s' "$1" >"$exp"
	expect_file "$exp" "$2"
	rm -f "$exp"
}

# The gate VMA line every maps file ends with (kernel-spec §1.2, §13 S9):
# the 56-character prefix is padded to 72, plus one space: 18 spaces.
GATE='ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]'

# /PID/status (docs/commands.md "Files"): the lines through "Threads"
# are computed per process (status_text); after them come "fixed signal,
# capability, seccomp, cpu and context-switch lines" whose values the
# contract does not give, so only their labels are checked, in v5.15
# proc_pid_status order (task_sig, task_cap, task_seccomp,
# task_cpus_allowed, cpuset_task_status_allowed,
# task_context_switch_counts). Scenario outputs leave them out.

# status_text NAME PID PPID VmPeak VmSize VmData VmStk VmExe VmLib
# prints /PID/status through "Threads", as v5.15 proc_pid_status lays it
# out (kernel-spec §3.1, docs/commands.md). Values are kB. Without faults
# every RSS counter, VmLck, VmPin, VmPTE and VmSwap are 0; NSpgid and
# NSsid are the pid (each spawned process leads its own session). The
# caller works the numbers out by hand and says how in a comment.
status_text() {
	local name=$1 pid=$2 ppid=$3 peak=$4 size=$5 data=$6 stk=$7 exe=$8 lib=$9
	printf 'Name:\t%s\n' "$name"
	printf 'Umask:\t0022\n'
	printf 'State:\tS (sleeping)\n'
	printf 'Tgid:\t%s\n' "$pid"
	printf 'Ngid:\t0\n'
	printf 'Pid:\t%s\n' "$pid"
	printf 'PPid:\t%s\n' "$ppid"
	printf 'TracerPid:\t0\n'
	printf 'Uid:\t1000\t1000\t1000\t1000\n'
	printf 'Gid:\t1000\t1000\t1000\t1000\n'
	printf 'FDSize:\t64\n'
	# v5.15 task_state: "Groups:\t", the gids, then always one space.
	printf 'Groups:\t \n'
	printf 'NStgid:\t%s\n' "$pid"
	printf 'NSpid:\t%s\n' "$pid"
	printf 'NSpgid:\t%s\n' "$pid"
	printf 'NSsid:\t%s\n' "$pid"
	printf 'VmPeak:\t%8s kB\n' "$peak"
	printf 'VmSize:\t%8s kB\n' "$size"
	printf 'VmLck:\t%8s kB\n' 0
	printf 'VmPin:\t%8s kB\n' 0
	printf 'VmHWM:\t%8s kB\n' 0
	printf 'VmRSS:\t%8s kB\n' 0
	printf 'RssAnon:\t%8s kB\n' 0
	printf 'RssFile:\t%8s kB\n' 0
	printf 'RssShmem:\t%8s kB\n' 0
	printf 'VmData:\t%8s kB\n' "$data"
	printf 'VmStk:\t%8s kB\n' "$stk"
	printf 'VmExe:\t%8s kB\n' "$exe"
	printf 'VmLib:\t%8s kB\n' "$lib"
	printf 'VmPTE:\t%8s kB\n' 0
	printf 'VmSwap:\t%8s kB\n' 0
	printf 'HugetlbPages:\t%8s kB\n' 0
	printf 'CoreDumping:\t0\n'
	printf 'THP_enabled:\t1\n'
	printf 'Threads:\t1\n'
}

# What `ls` shows (C collation): the root less the pid directories, a
# pid directory, /sysctl/vm. docs/files.md lists every file.
ROOT_LS=$'anon_vma\nballoon\nctl\ndmesg\nfiles\ngraph.dot\njournal\nkpagecount\nkpageflags\nksm\nmeminfo\npages\nslabinfo\nswaps\nsysctl\ntrace\nvmstat\n'
PID_LS=$'anon_vma.dot\nctl\nmaps\npagemap\npagetable\nsmaps\nsmaps_rollup\nstatus\n'
SYSCTL_VM_LS=$'anon_vma_reuse\nmax_map_count\n'

# expect_status ACTUAL-FILE NAME PID PPID VmPeak VmSize VmData VmStk VmExe VmLib
# The whole file is compared byte for byte: rmapfs prints status through
# "Threads" (docs/commands.md: the signal, capability and cpu lines are
# not simulated).
expect_status() {
	local act=$1 copy exp
	shift
	copy=$(mktemp "$TMPROOT/status.XXXXXX")
	cat "$act" >"$copy" || { mismatch "cannot read $act"; return 0; }
	exp=$(mktemp "$TMPROOT/status.XXXXXX")
	status_text "$@" >"$exp"
	expect_file "$exp" "$copy"
	rm -f "$copy" "$exp"
}

# snapshot: every file of the machine except /dmesg, in one text, for
# "the state is unchanged" comparisons (maps, status, ctl-less listings,
# journal, /files, the sysctls, the balloon).
snapshot() {
	local d f
	echo "== ls /"
	ls "$MNT"
	for d in "$MNT"/[0-9]*; do
		[ -d "$d" ] || continue
		echo "== ${d#"$MNT"}: ls"
		ls "$d"
		echo "== ${d#"$MNT"}/maps"
		cat "$d/maps"
		echo "== ${d#"$MNT"}/status"
		cat "$d/status"
	done
	echo "== journal"
	cat "$MNT/journal"
	echo "== files"
	(shopt -s globstar nullglob
	 for f in "$MNT"/files/**; do
		echo "-- ${f#"$MNT"}"
		[ -f "$f" ] && cat "$f"
	 done)
	echo "== sysctl"
	cat "$MNT/sysctl/vm/max_map_count" "$MNT/sysctl/kernel/pid_max"
	echo "== balloon"
	cat "$MNT/balloon"
}

# dmesg_lines: the number of lines in /dmesg.
dmesg_lines() {
	local n
	n=$(cat "$MNT/dmesg" | wc -l)
	echo $((n))
}

# dmesg_prefix SEQ LINE ERRNAME: the start of the /dmesg line for a failed
# command, up to the cause's opening parenthesis (the cause is free text).
dmesg_prefix() {
	printf '[%6d] %s: %s (' "$1" "$2" "$3"
}

# expect_error WHAT PATH LINE ERRNAME [DMESG-LINE|-]: send LINE to PATH
# (a ctl file), which must fail with ERRNAME, leave every file but /dmesg
# byte-identical, and add exactly one /dmesg line that starts with
# dmesg_prefix(SEQ, DMESG-LINE, ERRNAME) and ends with ")". DMESG-LINE
# defaults to LINE (the /ctl form); "-" only checks "[  SEQ] " and
# ": ERRNAME (" (for lines whose rendering in /dmesg is not specified).
# With LINE=@FILE the bytes of FILE are sent with one write instead.
expect_error() {
	local what=$1 path=$2 line=$3 want=$4 dline=${5:-$3}
	local before after nbefore nafter newl prefix
	before=$(snapshot)
	nbefore=$(dmesg_lines)
	SEQ=$((SEQ + 1))
	if [ "${line:0:1}" = "@" ]; then
		try_cat "$path" "${line:1}"
	else
		try "$path" "$line"
	fi
	if [ "$ERRNAME" != "$want" ]; then
		mismatch "$what: '$line' gave '${ERRNAME:-success}', expected $want"
	fi
	after=$(snapshot)
	if [ "$before" != "$after" ]; then
		mismatch "$what: '$line' changed the state"
		diff -u <(printf '%s\n' "$before") <(printf '%s\n' "$after") >&2 || true
	fi
	nafter=$(dmesg_lines)
	if [ "$nafter" -ne $((nbefore + 1)) ]; then
		mismatch "$what: /dmesg went from $nbefore to $nafter lines (expected one more)"
		return 0
	fi
	newl=$(tail -n 1 "$MNT/dmesg")
	if [ "$dline" = "-" ]; then
		prefix=$(printf '[%6d] ' "$SEQ")
		if [[ "$newl" != "$prefix"*": $want ("*")" ]]; then
			mismatch "$what: dmesg line '$newl' is not '$prefix...: $want (...)'"
		fi
	else
		prefix=$(dmesg_prefix "$SEQ" "$dline" "$want")
		if [[ "$newl" != "$prefix"*")" ]]; then
			mismatch "$what: dmesg line '$newl' does not match '$prefix...)'"
		fi
	fi
}

# finish: end of a test body; the EXIT trap does the rest.
finish() {
	if [ "$FAILURES" -ne 0 ]; then
		say "$TEST_NAME: $FAILURES mismatches"
		exit 1
	fi
	echo "$TEST_NAME: ok"
	exit 0
}

# ---- scenarios (rmapsim only) ---------------------------------------------

# run_scenario NAME: rmapsim -k on $EXPECTED/NAME.rmap; its stdout must be
# NAME.out byte for byte; its stderr, with each "(cause)" stripped (the
# cause phrases are free text), must be NAME.err (empty when there is no
# .err file; then rmapsim must also exit 0).
run_scenario() {
	local name=$1 out err rc=0 errexp
	out="$TMPROOT/$name.stdout"
	err="$TMPROOT/$name.stderr"
	"$RMAPSIM" -k "$EXPECTED/$name.rmap" >"$out" 2>"$err" || rc=$?
	if ! diff -u --label "expected: $name.out" --label "actual: rmapsim stdout" \
		"$EXPECTED/$name.out" "$out" >&2; then
		mismatch "$name: rmapsim output differs from $name.out"
	fi
	errexp="$EXPECTED/$name.err"
	[ -f "$errexp" ] || errexp=/dev/null
	if ! sed 's/: \([A-Z][A-Z0-9]*\) (.*)$/: \1/' "$err" |
		diff -u --label "expected: $name.err" --label "actual: rmapsim stderr" \
			"$errexp" - >&2; then
		mismatch "$name: rmapsim errors differ from $name.err"
	fi
	if [ "$errexp" = /dev/null ] && [ "$rc" -ne 0 ]; then
		mismatch "$name: rmapsim exited $rc"
	elif [ "$errexp" != /dev/null ] && [ "$rc" -ne 1 ]; then
		mismatch "$name: rmapsim -k exited $rc with failing lines (expected 1)"
	fi
}
