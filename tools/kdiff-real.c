/* tools/kdiff-real.c - the real side of tools/kdiff: a command script of
 * docs/commands.md run on the host's own kernel, with real processes.
 *
 * Every simulated pid is a real process (a "worker") that waits for
 * commands on a SOCK_SEQPACKET socket and carries them out in its own
 * address space: mmap, munmap, mprotect, madvise, fork and exit are the
 * real system calls; read, write and touch are real loads and stores of
 * the first 8 bytes of the page (that is the page's "content value");
 * `file` makes a real file on tmpfs. This program is the controller: it
 * reads the script, sends each command to the worker of its pid, and
 * prints what happened in rmapsim's format (a result line, or an error
 * line "[SEQ] LINE: ERRNAME (cause)"), so tools/kdiff can read both
 * transcripts with one parser. Errors go to stdout too, in order.
 *
 * What makes the host comparable with the simulator (docs/kdiff.md):
 * - THP is off for every worker (prctl PR_SET_THP_DISABLE, inherited).
 * - Only the window [KDIFF_WIN_START, KDIFF_WIN_END) = [32 TiB, 48 TiB) is
 *   compared: far from a worker's own mappings (a PIE binary and its heap
 *   near 0x55..., libraries and stack just below 0x7ff...), and above
 *   AddressSanitizer's shadow (which ends at 0x10007fff7fff), so that this
 *   program works in the sanitizer builds too. MAP_FIXED,
 *   munmap, mprotect, madvise and accesses are carried out only when their
 *   range lies inside it, so a script can never unmap or protect the
 *   worker's own code; elsewhere the line is reported as NOTRUN.
 * - `cat PID/maps` and `cat PID/smaps` print the VMAs inside the window
 *   (then the gate VMA, as rmapsim does), with tmpfs paths, devices and
 *   inodes translated to the simulator's (`/NAME`, 08:01, 1, 2, ...) and
 *   shared anonymous inodes renumbered 1, 2, ... in creation order.
 * - SIGSEGV and SIGBUS are caught (sigsetjmp/siglongjmp) and reported as
 *   the simulator reports them: EFAULT or EACCES with the signal and code.
 * - Every reply has a timeout; every worker is reaped (the controller is a
 *   child subreaper); a worker exits when its socket reaches end of file,
 *   so none outlives the controller; a global alarm bounds the run.
 *
 * Not done on the host (reported NOTRUN): `sysctl` (it would change the
 * machine's global tunables) and the commands that name simulated page
 * frames or drive the simulator's reclaim (unmap, referenced, mkclean,
 * idle, migrate, reclaim). Needs no privilege: workers run with
 * RLIMIT_MEMLOCK 8 MiB like the simulated processes, and a root run drops
 * CAP_IPC_LOCK from them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#endif
#ifndef PR_SET_THP_DISABLE
#define PR_SET_THP_DISABLE	41
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC		0x01021994
#endif

#define KDIFF_WIN_START		0x200000000000UL	/* 32 TiB */
#define KDIFF_WIN_END		0x300000000000UL	/* 48 TiB: [start, end) */
#define PAGE_SZ			4096UL
#define LINE_MAX_BYTES		4096	/* as SIM_LINE_MAX */
#define MAX_WORDS		16
#define CHAN_FD			3	/* a worker's socket, always fd 3 */
#define WORKER_IDLE_S		600	/* a worker idle this long dies */

static unsigned long reply_timeout_ms = 10000;	/* -t: per command */
static unsigned int total_timeout_s = 300;	/* -T: the whole run */

/* ---- messages between the controller and a worker ---- */

enum op {
	OP_READY,	/* worker -> controller: up, ret = getpid() */
	OP_MMAP,	/* a0 addr, a1 len, a2 prot, a3 flags, a4 offset, path */
	OP_MUNMAP,	/* a0 addr, a1 len */
	OP_MPROTECT,	/* a0 addr, a1 len, a2 prot */
	OP_MADVISE,	/* a0 addr, a1 len, a2 advice */
	OP_READ,	/* a0 addr */
	OP_WRITE,	/* a0 addr, a1 value */
	OP_TOUCH,	/* a0 addr, a1 len, a2 write */
	OP_MLOCK,	/* a0 addr, a1 len */
	OP_MUNLOCK,	/* a0 addr, a1 len */
	OP_FORK,	/* the child's socket comes as SCM_RIGHTS */
	OP_EXIT,
};

struct req {
	int op;
	unsigned long a[5];
	char path[PATH_MAX];	/* OP_MMAP: the real file, or "" */
};

struct rep {
	long ret;		/* syscall result, address or pid */
	int err;		/* errno, 0 on success */
	int sig, code;		/* an access that raised a signal */
	unsigned long addr;	/* si_addr */
	uint64_t value;		/* OP_READ */
	unsigned long ino;	/* OP_MMAP shared anonymous: the shmem inode */
	char note[160];		/* why, when the worker refused */
};

/* ---- the controller's tables ---- */

/* One simulated pid. The table is indexed by pid, pids 1, 2, ... */
struct proc {
	pid_t real;		/* host pid, 0 if never created */
	int chan;		/* controller's end of the socket */
	int pidfd;		/* -1 without pidfd_open */
	bool alive;
};

static struct proc *procs;	/* [0] unused */
static int nr_procs;		/* highest simulated pid given */

/* One `file`: its simulated path, the real file on tmpfs, both inodes. */
struct kfile {
	char *name;		/* absolute simulated path, "/a" */
	char *real;		/* tmpdir + name */
	ino_t ino;		/* host inode */
	unsigned long sim_ino;	/* 1, 2, ... as the simulator numbers them */
	bool unlinked;
};

static struct kfile *files;
static int nr_files;

/* Shared anonymous objects: host shmem inode -> 1, 2, ... */
static unsigned long *shmem_inos;
static int nr_shmem;

static const char *no_tmpfs_why = "";
static unsigned long cmd_seq;	/* command lines, as the simulator counts */

/* ---- small helpers ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void kill_all(void);

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	fputs("kdiff-real: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	kill_all();
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static const char *errname(int err)
{
	static char buf[24];
	const char *s = strerrorname_np(err);

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static const char *signame(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SIGSEGV SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SIGSEGV SEGV_ACCERR";
#ifdef SEGV_PKUERR
	if (sig == SIGSEGV && code == SEGV_PKUERR)
		return "SIGSEGV SEGV_PKUERR";
#endif
	if (sig == SIGBUS && code == BUS_ADRERR)
		return "SIGBUS BUS_ADRERR";
	if (sig == SIGBUS)
		return "SIGBUS";
	return "SIGSEGV";
}

/*
 * The parsers below repeat core/cmd.c's on purpose: kdiff-real is the
 * oracle and links nothing of the simulator, so a parsing mistake cannot
 * hide by being made on both sides of the comparison.
 *
 * As the simulator's parse_num: decimal or 0x hex, K/M/G with @suffix.
 */
static int parse_num(const char *s, bool suffix, unsigned long *out)
{
	unsigned long v = 0, base = 10, d, mult = 1;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned long)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned long)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned long)(*p - 'A' + 10);
		else
			break;
		if (v > (ULONG_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (*p && suffix && !p[1]) {
		switch (*p) {
		case 'K': mult = 1UL << 10; break;
		case 'M': mult = 1UL << 20; break;
		case 'G': mult = 1UL << 30; break;
		default: return -EINVAL;
		}
		p++;
	}
	if (*p || v > ULONG_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

static int parse_prot(const char *s, unsigned long *prot)
{
	if (strlen(s) != 3 || (s[0] != 'r' && s[0] != '-') ||
	    (s[1] != 'w' && s[1] != '-') || (s[2] != 'x' && s[2] != '-'))
		return -EINVAL;
	*prot = (s[0] == 'r' ? PROT_READ : 0) | (s[1] == 'w' ? PROT_WRITE : 0) |
		(s[2] == 'x' ? PROT_EXEC : 0);
	return 0;
}

static int parse_mmap_flags(const char *s, unsigned long *flags)
{
	char buf[128], *tok, *save = NULL;
	unsigned long f = 0;
	int types = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "private")) {
			f |= MAP_PRIVATE;
			types++;
		} else if (!strcmp(tok, "shared")) {
			f |= MAP_SHARED;
			types++;
		} else if (!strcmp(tok, "fixed")) {
			f |= MAP_FIXED;
		} else if (!strcmp(tok, "noreplace")) {
			f |= MAP_FIXED_NOREPLACE;
		} else if (!strcmp(tok, "growsdown")) {
			f |= MAP_GROWSDOWN;
		} else if (!strcmp(tok, "noreserve")) {
			f |= MAP_NORESERVE;
		} else if (!strcmp(tok, "populate")) {
			f |= MAP_POPULATE;
		} else if (!strcmp(tok, "locked")) {
			f |= MAP_LOCKED;
		} else {
			return -EINVAL;
		}
	}
	if (types != 1)
		return -EINVAL;
	*flags = f;
	return 0;
}

static const struct { const char *name; int advice; } advices[] = {
	{ "dontfork", MADV_DONTFORK }, { "dofork", MADV_DOFORK },
	{ "wipeonfork", MADV_WIPEONFORK }, { "keeponfork", MADV_KEEPONFORK },
	{ "mergeable", MADV_MERGEABLE }, { "unmergeable", MADV_UNMERGEABLE },
	{ "dontneed", MADV_DONTNEED }, { "cold", MADV_COLD },
	{ "willneed", MADV_WILLNEED }, { "pageout", MADV_PAGEOUT },
	{ "free", MADV_FREE }, { "normal", MADV_NORMAL },
	{ "random", MADV_RANDOM }, { "sequential", MADV_SEQUENTIAL },
	{ "dontdump", MADV_DONTDUMP }, { "dodump", MADV_DODUMP },
};

/* [addr, addr + PAGE_ALIGN(len)) inside the window (an empty range: addr). */
static bool in_window(unsigned long addr, unsigned long len)
{
	unsigned long end;

	if (addr < KDIFF_WIN_START || addr >= KDIFF_WIN_END)
		return false;
	if (len > KDIFF_WIN_END - addr)
		return false;
	end = addr + ((len + PAGE_SZ - 1) & ~(PAGE_SZ - 1));
	return end >= addr && end <= KDIFF_WIN_END;
}

/* ---- the worker: one real process per simulated pid ---- */

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_armed;
static volatile int fault_sig, fault_code;
static volatile unsigned long fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!fault_armed) {	/* a bug in this program: die as it would */
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = (unsigned long)si->si_addr;
	fault_armed = 0;
	siglongjmp(fault_env, 1);
}

/*
 * One access to the first 8 bytes of @addr's page. A store writes @value;
 * a "touch" store (@keep) is a locked add of 0: a real write access that
 * leaves the contents as they are. Return: 0, or -1 with fault_* set.
 */
static int __attribute__((noinline)) access_page(unsigned long addr, bool write,
						 bool keep, uint64_t *value)
{
	volatile uint64_t *p = (volatile uint64_t *)(addr & ~(PAGE_SZ - 1));

	if (sigsetjmp(fault_env, 1))
		return -1;
	fault_armed = 1;
	if (!write) {
		uint64_t v = *p;

		if (value)
			*value = v;
	} else if (keep) {
#if defined(__x86_64__) || defined(__i386__)
		__asm__ __volatile__("lock; addq $0, %0" : "+m"(*p) : : "memory");
#else
		__atomic_fetch_add((uint64_t *)p, 0, __ATOMIC_SEQ_CST);
#endif
	} else {
		*p = *value;
	}
	fault_armed = 0;
	return 0;
}

static void fault_reply(struct rep *r)
{
	r->ret = -1;
	r->sig = fault_sig;
	r->code = fault_code;
	r->addr = fault_addr;
	r->err = (fault_sig == SIGSEGV && fault_code == SEGV_ACCERR) ? EACCES : EFAULT;
}

/* One VMA of /proc/self/smaps, as much as the access check needs. */
struct wvma {
	unsigned long start, end, pgoff;
	char perms[5];
	unsigned long ino;
	bool growsdown;
	char path[PATH_MAX];
};

/* Read our own smaps; return the number of VMAs in *@out (malloc'd). */
static int read_own_vmas(struct wvma **out)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[PATH_MAX + 256];
	struct wvma *v = NULL;
	int n = 0;

	*out = NULL;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e, off, ino;
		unsigned int maj, min;
		char perms[5];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &s, &e, perms,
			   &off, &maj, &min, &ino, &pos) >= 7 && strchr(line, '-') &&
		    line[0] != 'V') {
			v = realloc(v, sizeof(*v) * (size_t)(n + 1));
			if (!v)
				break;
			memset(&v[n], 0, sizeof(v[n]));
			v[n].start = s;
			v[n].end = e;
			v[n].pgoff = off / PAGE_SZ;
			memcpy(v[n].perms, perms, 5);
			v[n].ino = ino;
			if (pos && line[pos]) {
				snprintf(v[n].path, sizeof(v[n].path), "%s", line + pos);
				v[n].path[strcspn(v[n].path, "\n")] = '\0';
			}
			n++;
		} else if (n && !strncmp(line, "VmFlags:", 8)) {
			v[n - 1].growsdown = strstr(line, " gd ") != NULL;
		}
	}
	fclose(f);
	*out = v;
	return n;
}

/*
 * touch's rule (docs/commands.md): if any page of the range would raise a
 * signal, no page is touched. The kernel has no such call, so check the
 * range against our own VMAs first, as access_error and the file size
 * decide. Return: the first page that would fault, or 0 (none, or one the
 * check cannot judge, such as stack growth, which the real access decides).
 */
static unsigned long touch_precheck(unsigned long start, unsigned long end,
				    bool write)
{
	struct wvma *v;
	unsigned long a, bad = 0;
	int n = read_own_vmas(&v), i;

	if (n < 0)
		return 0;
	for (a = start; a < end && !bad; a += PAGE_SZ) {
		for (i = 0; i < n && v[i].end <= a; i++)
			;
		if (i == n || v[i].start > a) {
			if (i == n || !v[i].growsdown)
				bad = a;	/* SEGV_MAPERR */
			continue;		/* stack growth: let it decide */
		}
		if (write ? v[i].perms[1] != 'w' : !strncmp(v[i].perms, "---", 3)) {
			bad = a;		/* SEGV_ACCERR */
			continue;
		}
		if (v[i].ino && v[i].path[0] == '/' &&
		    strncmp(v[i].path, "/dev/zero", 9)) {
			char mf[64];
			struct stat st;
			unsigned long idx = v[i].pgoff + (a - v[i].start) / PAGE_SZ;

			snprintf(mf, sizeof(mf), "/proc/self/map_files/%lx-%lx",
				 v[i].start, v[i].end);
			if (stat(mf, &st) && stat(v[i].path, &st))
				continue;	/* cannot tell: let it decide */
			if (idx >= ((unsigned long)st.st_size + PAGE_SZ - 1) / PAGE_SZ)
				bad = a;	/* SIGBUS past end of file */
		}
	}
	free(v);
	return bad;
}

/* The inode of the VMA starting at @addr in our own maps, 0 if none. */
static unsigned long own_inode_at(unsigned long addr)
{
	struct wvma *v;
	unsigned long ino = 0;
	int n = read_own_vmas(&v), i;

	for (i = 0; i < n; i++)
		if (v[i].start <= addr && addr < v[i].end)
			ino = v[i].ino;
	free(v);
	return ino;
}

static int send_msg(int fd, const void *buf, size_t len, int pass_fd)
{
	struct iovec iov = { (void *)buf, len };
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr al; } c;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		memset(&c, 0, sizeof(c));
		m.msg_control = c.b;
		m.msg_controllen = sizeof(c.b);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	do
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* Receive one message; *@got_fd gets a passed descriptor or -1.
 * Return: bytes, 0 at end of file, -1 on error. */
static ssize_t recv_msg(int fd, void *buf, size_t len, int *got_fd)
{
	struct iovec iov = { buf, len };
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr al; } c;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm;
	ssize_t n;

	if (got_fd)
		*got_fd = -1;
	do
		n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&m); n > 0 && cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int f;

			memcpy(&f, CMSG_DATA(cm), sizeof(int));
			if (got_fd && *got_fd < 0)
				*got_fd = f;
			else
				close(f);
		}
	}
	return n;
}

/* Keep only 0, 1, 2 and @keep (moved to CHAN_FD). */
static void only_fd(int keep)
{
	int fd;

	if (keep != CHAN_FD) {
		if (dup2(keep, CHAN_FD) < 0)
			_exit(120);
	} else {
		fcntl(CHAN_FD, F_SETFD, 0);
	}
	if (syscall(SYS_close_range, CHAN_FD + 1, ~0U, 0)) {
		for (fd = CHAN_FD + 1; fd < 1024; fd++)
			close(fd);
	}
}

static void worker_handle(struct req *q, int passed_fd)
{
	struct rep r;
	unsigned long a;
	pid_t pid;
	int fd;

	memset(&r, 0, sizeof(r));
	switch (q->op) {
	case OP_MMAP: {
		void *p;

		fd = -1;
		if (q->path[0]) {	/* open + mmap + close, as the simulator */
			fd = open(q->path, O_RDWR);
			if (fd < 0) {
				r.ret = -1;
				r.err = errno;
				snprintf(r.note, sizeof(r.note), "open");
				break;
			}
		}
		p = mmap((void *)q->a[0], q->a[1], (int)q->a[2],
			 (int)q->a[3] | (fd < 0 ? MAP_ANONYMOUS : 0), fd,
			 (off_t)q->a[4]);
		r.err = p == MAP_FAILED ? errno : 0;
		r.ret = p == MAP_FAILED ? -1 : (long)p;
		if (fd >= 0)
			close(fd);
		if (p != MAP_FAILED && fd < 0 && (q->a[3] & MAP_SHARED))
			r.ino = own_inode_at((unsigned long)p);
		break;
	}
	case OP_MUNMAP:
		r.ret = munmap((void *)q->a[0], q->a[1]);
		r.err = r.ret ? errno : 0;
		break;
	case OP_MPROTECT:
		r.ret = mprotect((void *)q->a[0], q->a[1], (int)q->a[2]);
		r.err = r.ret ? errno : 0;
		break;
	case OP_MADVISE:
		r.ret = madvise((void *)q->a[0], q->a[1], (int)q->a[2]);
		r.err = r.ret ? errno : 0;
		break;
	/* Easily overlooked: the sanitizer runtimes replace mlock and
	 * munlock with no-ops, so go to the system call itself. */
	case OP_MLOCK:
		r.ret = syscall(SYS_mlock, q->a[0], q->a[1]);
		r.err = r.ret ? errno : 0;
		break;
	case OP_MUNLOCK:
		r.ret = syscall(SYS_munlock, q->a[0], q->a[1]);
		r.err = r.ret ? errno : 0;
		break;
	case OP_READ:
		if (access_page(q->a[0], false, false, &r.value))
			fault_reply(&r);
		break;
	case OP_WRITE:
		r.value = q->a[1];
		if (access_page(q->a[0], true, false, &r.value))
			fault_reply(&r);
		break;
	case OP_TOUCH: {
		unsigned long start = q->a[0] & ~(PAGE_SZ - 1);
		unsigned long end = (q->a[0] + q->a[1] + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
		unsigned long bad;

		if (!q->a[1])
			break;
		bad = touch_precheck(start, end, q->a[2]);
		if (bad) {
			/* Fault on that page alone: the real signal, nothing else. */
			if (access_page(bad, q->a[2], true, NULL)) {
				fault_reply(&r);
			} else {
				r.ret = -1;
				r.err = EIO;
				snprintf(r.note, sizeof(r.note),
					 "touch pre-check expected a signal at 0x%lx, "
					 "the access succeeded", bad);
			}
			break;
		}
		for (a = start; a < end; a += PAGE_SZ) {
			if (access_page(a, q->a[2], true, NULL)) {
				fault_reply(&r);
				snprintf(r.note, sizeof(r.note),
					 "after %lu pages touched", (a - start) / PAGE_SZ);
				break;
			}
		}
		break;
	}
	case OP_FORK:
		if (passed_fd < 0) {
			r.ret = -1;
			r.err = EBADF;
			break;
		}
		pid = fork();
		if (pid == 0) {
			struct rep hello;

			only_fd(passed_fd);
			memset(&hello, 0, sizeof(hello));
			hello.ret = getpid();
			alarm(WORKER_IDLE_S);
			if (send_msg(CHAN_FD, &hello, sizeof(hello), -1))
				_exit(121);
			return;		/* the child serves its own socket now */
		}
		close(passed_fd);
		r.ret = pid;
		r.err = pid < 0 ? errno : 0;
		break;
	case OP_EXIT:
		send_msg(CHAN_FD, &r, sizeof(r), -1);
		_exit(0);
	default:
		r.ret = -1;
		r.err = EINVAL;
	}
	if (send_msg(CHAN_FD, &r, sizeof(r), -1))
		_exit(122);
}

/*
 * The simulated processes are unprivileged with RLIMIT_MEMLOCK 8 MiB
 * (core/mlock.c). Lower the limit (always allowed) and, when running as
 * root, drop CAP_IPC_LOCK, which would bypass it; without root there is
 * nothing to drop.
 */
static void worker_limits(void)
{
	struct rlimit rl = { 8UL << 20, 8UL << 20 };
	struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
	struct { uint32_t effective, permitted, inheritable; } data[2];

	setrlimit(RLIMIT_MEMLOCK, &rl);
	if (syscall(SYS_capget, &hdr, data))
		return;
	data[0].effective &= ~(1U << 14);	/* CAP_IPC_LOCK */
	data[0].permitted &= ~(1U << 14);
	syscall(SYS_capset, &hdr, data);
}

static void __attribute__((noreturn)) worker_main(void)
{
	struct sigaction sa;
	struct req q;
	struct rep hello;
	int nullfd, passed;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	/* Children of a worker are reaped by the kernel when they exit. */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);	/* the controller decides */
	nullfd = open("/dev/null", O_RDWR);
	if (nullfd >= 0) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		if (nullfd > 2)
			close(nullfd);
	}
	memset(&hello, 0, sizeof(hello));
	hello.ret = getpid();
	alarm(WORKER_IDLE_S);
	if (send_msg(CHAN_FD, &hello, sizeof(hello), -1))
		_exit(121);
	for (;;) {
		ssize_t n;

		alarm(WORKER_IDLE_S);
		n = recv_msg(CHAN_FD, &q, sizeof(q), &passed);
		if (n <= 0)
			_exit(0);	/* the controller is gone */
		if ((size_t)n != sizeof(q)) {
			if (passed >= 0)
				close(passed);
			continue;
		}
		q.path[sizeof(q.path) - 1] = '\0';
		worker_handle(&q, passed);
	}
}

/* ---- the controller ---- */

/* Async-signal-safe: SIGKILL every worker we know of. */
static void kill_all(void)
{
	int i;

	for (i = 1; i <= nr_procs; i++)
		if (procs[i].alive && procs[i].real > 0)
			kill(procs[i].real, SIGKILL);
}

static char tmpdir[PATH_MAX];	/* "" when no tmpfs is usable */

/* Async-signal-safe removal of tmpdir: rm -rf in a child (fork and execve
 * are safe in a handler; nftw, which allocates, is not). */
static void remove_tmpdir_from_handler(void)
{
	static char rm[] = "/bin/rm", opt[] = "-rf";
	char *argv[] = { rm, opt, tmpdir, NULL };
	char *envp[] = { NULL };
	pid_t pid;

	if (!tmpdir[0])
		return;
	pid = fork();
	if (pid == 0) {
		execve(rm, argv, envp);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void on_alarm(int sig)
{
	static const char msg[] = "kdiff-real: TIMEOUT: the whole run took too long; "
				  "every worker killed\n";

	(void)sig;
	kill_all();
	remove_tmpdir_from_handler();
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(124);
	_exit(124);
}

static void on_term(int sig)
{
	kill_all();
	remove_tmpdir_from_handler();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void reap_some(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Wait for a reply on @fd, bounded by reply_timeout_ms. Return: 0, or
 * -ETIMEDOUT, or -EPIPE when the worker is gone. */
static int wait_reply(int fd, struct rep *r)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int n;

	do
		n = poll(&p, 1, (int)reply_timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ETIMEDOUT;
	if (recv_msg(fd, r, sizeof(*r), NULL) != (ssize_t)sizeof(*r))
		return -EPIPE;
	r->note[sizeof(r->note) - 1] = '\0';
	return 0;
}

/* Block until @p's process has exited (its mm torn down), then reap it
 * if it is ours. Bounded: SIGKILL after the reply timeout. */
static void wait_gone(struct proc *p)
{
	struct pollfd pf = { p->pidfd, POLLIN, 0 };
	int tries;

	if (p->pidfd >= 0) {
		if (poll(&pf, 1, (int)reply_timeout_ms) == 0) {
			kill(p->real, SIGKILL);
			poll(&pf, 1, (int)reply_timeout_ms);
		}
		close(p->pidfd);
		p->pidfd = -1;
	} else {
		/* No pidfd: watch /proc/PID/stat until the task is a zombie
		 * or gone (exit_mm runs before either). */
		for (tries = 0; tries < (int)reply_timeout_ms; tries++) {
			char path[64], buf[256], *rp;
			FILE *f;
			char st = 'X';

			snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->real);
			f = fopen(path, "r");
			if (!f)
				break;
			if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
				st = rp[2];
			fclose(f);
			if (st == 'Z' || st == 'X')
				break;
			if (tries == (int)reply_timeout_ms - 1)
				kill(p->real, SIGKILL);
			usleep(1000);
		}
	}
	waitpid(p->real, NULL, WNOHANG);
	reap_some();
	if (p->chan >= 0)
		close(p->chan);
	p->chan = -1;
	p->alive = false;
}

static int new_proc(pid_t real, int chan)
{
	struct proc *p;

	procs = xrealloc(procs, sizeof(*procs) * (size_t)(nr_procs + 2));
	p = &procs[++nr_procs];
	p->real = real;
	p->chan = chan;
	p->alive = true;
	p->pidfd = (int)syscall(SYS_pidfd_open, real, 0);
	return nr_procs;
}

/* ---- transcript ---- */

static char shown[LINE_MAX_BYTES * 2];	/* the line in /ctl form */

static void err_line(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void err_line(int err, const char *fmt, ...)
{
	va_list ap;

	printf("[%6lu] %s: %s (", cmd_seq, shown, errname(err));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
}

static void notrun_line(const char *why)
{
	printf("[%6lu] %s: NOTRUN (%s)\n", cmd_seq, shown, why);
}

/* An access error as the simulator words it; anything else plainly. */
static void rep_error(const struct rep *r, const char *what)
{
	if (r->sig)
		err_line(r->err, "%s at 0x%lx%s%s", signame(r->sig, r->code),
			 r->addr, r->note[0] ? "; " : "", r->note);
	else
		err_line(r->err, "%s: %s%s%s", what, strerror(r->err),
			 r->note[0] ? "; " : "", r->note);
}

/* ---- commands ---- */

struct line {
	char *w[MAX_WORDS];
	int nr;
};

static struct proc *arg_proc(struct line *l, int i, int *pid)
{
	unsigned long v;

	if (parse_num(l->w[i], false, &v) || v > INT_MAX) {
		err_line(EINVAL, "malformed pid");
		return NULL;
	}
	if ((int)v < 1 || (int)v > nr_procs || !procs[v].alive) {
		err_line(ESRCH, "no such process");
		return NULL;
	}
	if (pid)
		*pid = (int)v;
	return &procs[v];
}

/* Send @q to @p and wait for the reply. Return: 0, or an error already
 * printed (the worker is then marked dead). */
static int call(struct proc *p, struct req *q, struct rep *r, int pass_fd)
{
	int err;

	if (send_msg(p->chan, q, sizeof(*q), pass_fd)) {
		err_line(EIO, "host process %d gone", (int)p->real);
		kill(p->real, SIGKILL);
		wait_gone(p);
		return -1;
	}
	err = wait_reply(p->chan, r);
	if (err) {
		err_line(err == -ETIMEDOUT ? ETIMEDOUT : EIO,
			 "host process %d %s", (int)p->real,
			 err == -ETIMEDOUT ? "did not answer in time; killed" : "died");
		kill(p->real, SIGKILL);
		wait_gone(p);
		return -1;
	}
	return 0;
}

static void cmd_spawn(struct line *l)
{
	const char *comm = l->nr > 1 ? l->w[1] : "sim";
	struct rep r;
	int sv[2], pid;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		err_line(errno, "socketpair");
		return;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		err_line(errno, "fork");
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (child == 0) {
		char name[16];

		snprintf(name, sizeof(name), "%s", comm);
		prctl(PR_SET_NAME, name, 0, 0, 0);
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		worker_limits();
		only_fd(sv[1]);
		worker_main();
	}
	close(sv[1]);
	pid = new_proc(child, sv[0]);
	if (wait_reply(sv[0], &r)) {
		err_line(EIO, "host worker did not start");
		kill(child, SIGKILL);
		wait_gone(&procs[pid]);
		return;
	}
	printf("%d\n", pid);
}

static void cmd_fork(struct line *l)
{
	struct proc *p = arg_proc(l, 1, NULL);
	struct req q;
	struct rep r, hello;
	int sv[2], pid;

	if (!p)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		err_line(errno, "socketpair");
		return;
	}
	memset(&q, 0, sizeof(q));
	q.op = OP_FORK;
	if (call(p, &q, &r, sv[1])) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	close(sv[1]);
	if (r.ret < 0) {
		close(sv[0]);
		rep_error(&r, "fork");
		return;
	}
	pid = new_proc((pid_t)r.ret, sv[0]);
	if (wait_reply(sv[0], &hello)) {
		err_line(EIO, "forked host process did not start");
		kill((pid_t)r.ret, SIGKILL);
		wait_gone(&procs[pid]);
		return;
	}
	printf("%d\n", pid);
}

static void cmd_exit(struct line *l)
{
	struct proc *p = arg_proc(l, 1, NULL);
	struct req q;
	struct rep r;

	if (!p)
		return;
	memset(&q, 0, sizeof(q));
	q.op = OP_EXIT;
	if (!send_msg(p->chan, &q, sizeof(q), -1))
		wait_reply(p->chan, &r);	/* then it _exits */
	wait_gone(p);
}

static struct kfile *find_file(const char *word)
{
	char path[PATH_MAX];
	int i;

	snprintf(path, sizeof(path), "%s%s", word[0] == '/' ? "" : "/", word);
	for (i = nr_files - 1; i >= 0; i--)
		if (!files[i].unlinked && !strcmp(files[i].name, path))
			return &files[i];
	return NULL;
}

static const char *outside_window(void)
{
	static char why[96];

	snprintf(why, sizeof(why), "outside the kdiff window [0x%lx, 0x%lx)",
		 KDIFF_WIN_START, KDIFF_WIN_END);
	return why;
}

static void cmd_mmap(struct line *l)
{
	unsigned long addr, len, prot, flags, off = 0;
	struct kfile *kf = NULL;
	struct proc *p;
	struct req q;
	struct rep r;

	if (!(p = arg_proc(l, 1, NULL)))
		return;
	if (parse_num(l->w[2], false, &addr)) {
		err_line(EINVAL, "malformed address");
		return;
	}
	if (parse_num(l->w[3], true, &len)) {
		err_line(EINVAL, "malformed length");
		return;
	}
	if (parse_prot(l->w[4], &prot)) {
		err_line(EINVAL, "malformed PROT");
		return;
	}
	if (parse_mmap_flags(l->w[5], &flags)) {
		err_line(EINVAL, "malformed FLAGS");
		return;
	}
	if (l->nr > 7 && parse_num(l->w[7], true, &off)) {
		err_line(EINVAL, "malformed offset");
		return;
	}
	if (off & (PAGE_SZ - 1)) {
		err_line(EINVAL, "offset not page aligned");
		return;
	}
	if (l->nr > 6) {
		if (!tmpdir[0]) {
			notrun_line(no_tmpfs_why);
			return;
		}
		kf = find_file(l->w[6]);
		if (!kf) {
			err_line(ENOENT, "no such file");
			return;
		}
	}
	/* MAP_FIXED replaces what is there: only inside the window. A hint
	 * (or 0) never replaces anything, so it may go anywhere. */
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && len &&
	    !in_window(addr, len)) {
		notrun_line(outside_window());
		return;
	}
	memset(&q, 0, sizeof(q));
	q.op = OP_MMAP;
	q.a[0] = addr;
	q.a[1] = len;
	q.a[2] = prot;
	q.a[3] = flags;
	q.a[4] = off;
	if (kf)
		snprintf(q.path, sizeof(q.path), "%s", kf->real);
	if (call(p, &q, &r, -1))
		return;
	if (r.ret == -1 && r.err) {
		rep_error(&r, "mmap");
		return;
	}
	if (!kf && (flags & MAP_SHARED)) {
		shmem_inos = xrealloc(shmem_inos, sizeof(*shmem_inos) * (size_t)(nr_shmem + 1));
		shmem_inos[nr_shmem++] = r.ino;
	}
	printf("0x%lx\n", (unsigned long)r.ret);
}

/* munmap, mprotect, madvise: PID ADDR LEN [PROT|ADVICE] */
static void cmd_range(struct line *l, int op)
{
	unsigned long addr, len, arg = 0;
	struct proc *p;
	struct req q;
	struct rep r;
	size_t i;

	if (!(p = arg_proc(l, 1, NULL)))
		return;
	if (parse_num(l->w[2], false, &addr)) {
		err_line(EINVAL, "malformed address");
		return;
	}
	if (parse_num(l->w[3], true, &len)) {
		err_line(EINVAL, "malformed length");
		return;
	}
	if (op == OP_MPROTECT && parse_prot(l->w[4], &arg)) {
		err_line(EINVAL, "malformed PROT");
		return;
	}
	if (op == OP_MADVISE) {
		for (i = 0; i < sizeof(advices) / sizeof(advices[0]); i++)
			if (!strcmp(l->w[4], advices[i].name))
				break;
		if (i == sizeof(advices) / sizeof(advices[0])) {
			err_line(EINVAL, "unknown advice");
			return;
		}
		arg = (unsigned long)advices[i].advice;
	}
	if (!in_window(addr, len)) {
		notrun_line(outside_window());
		return;
	}
	memset(&q, 0, sizeof(q));
	q.op = op;
	q.a[0] = addr;
	q.a[1] = len;
	q.a[2] = arg;
	if (call(p, &q, &r, -1))
		return;
	if (r.ret)
		rep_error(&r, op == OP_MUNMAP ? "munmap" : op == OP_MPROTECT ?
			  "mprotect" : op == OP_MADVISE ? "madvise" : "mlock");
}

static void cmd_access(struct line *l, int op)
{
	unsigned long addr, val = 0, len = 0;
	struct proc *p;
	struct req q;
	struct rep r;

	if (!(p = arg_proc(l, 1, NULL)))
		return;
	if (parse_num(l->w[2], false, &addr)) {
		err_line(EINVAL, "malformed address");
		return;
	}
	if (op == OP_WRITE && parse_num(l->w[3], false, &val)) {
		err_line(EINVAL, "malformed value");
		return;
	}
	if (op == OP_TOUCH) {
		if (parse_num(l->w[3], true, &len)) {
			err_line(EINVAL, "malformed length");
			return;
		}
		if (!strcmp(l->w[4], "read")) {
			val = 0;
		} else if (!strcmp(l->w[4], "write")) {
			val = 1;
		} else {
			err_line(EINVAL, "access must be read or write");
			return;
		}
		if (addr + len < addr) {
			err_line(EINVAL, "range wraps");
			return;
		}
	}
	if (!in_window(addr & ~(PAGE_SZ - 1), (addr & (PAGE_SZ - 1)) + len)) {
		notrun_line(outside_window());
		return;
	}
	memset(&q, 0, sizeof(q));
	q.op = op;
	q.a[0] = addr;
	q.a[1] = op == OP_TOUCH ? len : val;
	q.a[2] = val;
	if (call(p, &q, &r, -1))
		return;
	if (r.ret == -1) {
		rep_error(&r, "access");
		return;
	}
	if (op == OP_READ)
		printf("%llu\n", (unsigned long long)r.value);
}

/* mkdir -p of @path's parents below tmpdir. Return: 0 or an errno. */
static int make_parents(const char *real)
{
	char buf[PATH_MAX], *s;
	size_t base = strlen(tmpdir);

	snprintf(buf, sizeof(buf), "%s", real);
	for (s = buf + base + 1; (s = strchr(s, '/')); s++) {
		struct stat st;

		*s = '\0';
		if (!stat(buf, &st)) {
			if (!S_ISDIR(st.st_mode))
				return ENOTDIR;
		} else if (mkdir(buf, 0700) && errno != EEXIST) {
			return errno;
		}
		*s = '/';
	}
	return 0;
}

static void cmd_file(struct line *l)
{
	char name[PATH_MAX], real[PATH_MAX];
	unsigned long size;
	struct kfile *kf;
	struct stat st;
	int fd, err;

	if (parse_num(l->w[2], true, &size)) {
		err_line(EINVAL, "malformed size");
		return;
	}
	snprintf(name, sizeof(name), "%s%s", l->w[1][0] == '/' ? "" : "/", l->w[1]);
	if (!tmpdir[0]) {
		notrun_line(no_tmpfs_why);
		return;
	}
	if (strstr(name, "/../") || strstr(name, "/./") || name[strlen(name) - 1] == '/') {
		err_line(EINVAL, "malformed path");
		return;
	}
	if (strlen(tmpdir) + strlen(name) >= sizeof(real)) {
		err_line(ENAMETOOLONG, "path too long");
		return;
	}
	memcpy(real, tmpdir, strlen(tmpdir));
	strcpy(real + strlen(tmpdir), name);
	if (!lstat(real, &st)) {
		err_line(S_ISDIR(st.st_mode) ? EISDIR : EEXIST, "exists");
		return;
	}
	err = make_parents(real);
	if (err) {
		err_line(err, "a path prefix is a file");
		return;
	}
	fd = open(real, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_line(errno, "open");
		return;
	}
	if (ftruncate(fd, (off_t)size) || fstat(fd, &st)) {
		err_line(errno, "ftruncate");
		close(fd);
		unlink(real);
		return;
	}
	close(fd);
	files = xrealloc(files, sizeof(*files) * (size_t)(nr_files + 1));
	kf = &files[nr_files];
	kf->name = strdup(name);
	kf->real = strdup(real);
	kf->ino = st.st_ino;
	kf->sim_ino = (unsigned long)++nr_files;
	kf->unlinked = false;
	if (!kf->name || !kf->real)
		die("out of memory");
}

/* fwrite NAME OFFSET VALUE, fread NAME OFFSET, truncate NAME SIZE, unlink NAME */
static void cmd_fileop(struct line *l)
{
	const char *c = l->w[0];
	unsigned long off = 0, val = 0;
	struct kfile *kf;
	struct stat st;
	uint64_t v;
	int fd;

	if (!tmpdir[0]) {
		notrun_line(no_tmpfs_why);
		return;
	}
	if (!(kf = find_file(l->w[1]))) {
		err_line(ENOENT, "no such file");
		return;
	}
	if (l->nr > 2 && parse_num(l->w[2], true, &off)) {
		err_line(EINVAL, "malformed offset");
		return;
	}
	if (l->nr > 3 && parse_num(l->w[3], false, &val)) {
		err_line(EINVAL, "malformed value");
		return;
	}
	if (!strcmp(c, "unlink")) {
		if (unlink(kf->real))
			err_line(errno, "unlink");
		else
			kf->unlinked = true;
		return;
	}
	fd = open(kf->real, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err_line(errno, "open");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!strcmp(c, "truncate")) {
		if (ftruncate(fd, (off_t)off))
			err_line(errno, "ftruncate");
	} else if (!strcmp(c, "fwrite")) {
		/* The page's content is its first 8 bytes; the file grows to
		 * cover offset + 8, as the simulator's fwrite. */
		v = val;
		if (pwrite(fd, &v, 8, (off_t)(off & ~(PAGE_SZ - 1))) != 8)
			err_line(errno, "pwrite");
		else if ((unsigned long)st.st_size < off + 8 &&
			 ftruncate(fd, (off_t)(off + 8)))
			err_line(errno, "ftruncate");
	} else {	/* fread */
		ssize_t n;

		v = 0;
		if (off >= (unsigned long)st.st_size) {
			printf("eof\n");
		} else if ((n = pread(fd, &v, 8, (off_t)(off & ~(PAGE_SZ - 1)))) < 0) {
			err_line(errno, "pread");
		} else {
			printf("%llu\n", (unsigned long long)v);
		}
	}
	close(fd);
}

/* ---- cat PID/maps, PID/smaps ---- */

/* Print one maps header as the simulator lays it out (§1.1). */
static void put_header(unsigned long s, unsigned long e, const char *perms,
		       unsigned long off, const char *dev, unsigned long ino,
		       const char *name)
{
	char buf[PATH_MAX + 128];
	int n = snprintf(buf, sizeof(buf), "%08lx-%08lx %s %08lx %s %lu ",
			 s, e, perms, off, dev, ino);

	if (name && name[0]) {
		while (n < 73)
			buf[n++] = ' ';
		buf[n] = '\0';
		printf("%s%s\n", buf, name);
	} else {
		printf("%s\n", buf);
	}
}

/*
 * Translate one host maps line into the simulator's terms. Return: true
 * if the VMA is inside the window (or is the gate VMA, with *@gate set).
 */
static bool translate(const char *line, bool *gate)
{
	unsigned long s, e, off, ino;
	unsigned int maj, min;
	char perms[5], dev[16], name[PATH_MAX + 32] = "";
	int pos = 0, i;

	*gate = false;
	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &s, &e, perms, &off,
		   &maj, &min, &ino, &pos) < 7)
		return false;
	if (pos && line[pos]) {
		snprintf(name, sizeof(name), "%s", line + pos);
		name[strcspn(name, "\n")] = '\0';
	}
	if (strstr(name, "[vsyscall]")) {
		*gate = true;
		fputs(line, stdout);
		return true;
	}
	if (s < KDIFF_WIN_START || e > KDIFF_WIN_END)
		return false;
	snprintf(dev, sizeof(dev), "%02x:%02x", maj, min);
	if (!strncmp(name, "/dev/zero", 9)) {	/* shared anonymous: renumber */
		for (i = 0; i < nr_shmem && shmem_inos[i] != ino; i++)
			;
		put_header(s, e, perms, off, dev, i < nr_shmem ? (unsigned long)i + 1 : ino,
			   name);
		return true;
	}
	if (ino) {
		for (i = 0; i < nr_files && files[i].ino != (ino_t)ino; i++)
			;
		if (i < nr_files) {
			char sname[PATH_MAX + 16];

			snprintf(sname, sizeof(sname), "%s%s", files[i].name,
				 strstr(name, " (deleted)") ? " (deleted)" : "");
			put_header(s, e, perms, off, "08:01", files[i].sim_ino, sname);
			return true;
		}
	}
	put_header(s, e, perms, off, dev, ino, name);
	return true;
}

/* The live simulated pid a `cat` path starts with, or 0. */
static unsigned long cat_pid(const char *word, size_t len)
{
	unsigned long pid;
	char num[32];

	if (len >= sizeof(num))
		return 0;
	memcpy(num, word, len);
	num[len] = '\0';
	if (parse_num(num, false, &pid) || pid < 1 ||
	    pid > (unsigned long)nr_procs || !procs[pid].alive)
		return 0;
	return pid;
}

static void cat_one(const char *word)
{
	static const char gate_maps[] = "ffffffffff600000-ffffffffff601000 --xp "
		"00000000 00:00 0                  [vsyscall]\n";
	unsigned long pid;
	const char *slash;
	char path[64], line[PATH_MAX + 256];
	bool smaps, keep = false, gate = false, saw_gate = false;
	FILE *f;

	while (*word == '/')
		word++;
	slash = strchr(word, '/');
	if (!slash || (strcmp(slash, "/maps") && strcmp(slash, "/smaps"))) {
		printf("cat %s: NOTRUN (kdiff compares maps and smaps only)\n", word);
		return;
	}
	smaps = !strcmp(slash, "/smaps");
	pid = cat_pid(word, (size_t)(slash - word));
	if (!pid) {	/* as rmapsim says it for a pid that is not there */
		printf("cat %s: ENOENT (No such file or directory)\n", word);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)procs[pid].real,
		 smaps ? "smaps" : "maps");
	f = fopen(path, "r");
	if (!f) {
		printf("cat %s: %s (%s)\n", word, errname(errno), strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t hex = strspn(line, "0123456789abcdef");

		if (hex && line[hex] == '-') {		/* a VMA's header */
			keep = translate(line, &gate);
			saw_gate |= gate;
			continue;
		}
		if (keep && smaps)
			fputs(line, stdout);
	}
	fclose(f);
	if (!saw_gate) {	/* vsyscall=none: the simulator prints one */
		fputs(gate_maps, stdout);
		if (smaps)
			printf("VmFlags: ex \n");
	}
}

static void cmd_cat(struct line *l)
{
	int i;

	fflush(stdout);
	for (i = 1; i < l->nr; i++)
		cat_one(l->w[i]);
}

/* ---- lines ---- */

static void split(char *buf, struct line *l)
{
	char *p;

	buf[strcspn(buf, "#\n")] = '\0';
	l->nr = 0;
	for (p = buf; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (!*p)
			break;
		if (l->nr == MAX_WORDS) {
			l->nr = MAX_WORDS + 1;
			return;
		}
		l->w[l->nr++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
}

struct command {
	const char *name;
	int min, max;		/* words after the command */
	void (*fn)(struct line *l);
	int op;			/* with fn NULL: run_op(op) */
};

static void run_op(struct line *l, int op)
{
	switch (op) {
	case OP_MUNMAP:
	case OP_MPROTECT:
	case OP_MADVISE:
	case OP_MLOCK:
	case OP_MUNLOCK:
		cmd_range(l, op);
		break;
	default:
		cmd_access(l, op);
	}
}

static void cmd_check(struct line *l)
{
	(void)l;
	printf("ok\n");		/* the simulator's invariants; nothing to run here */
}

static void cmd_trace(struct line *l)
{
	if (strcmp(l->w[1], "on") && strcmp(l->w[1], "off") && strcmp(l->w[1], "clear"))
		err_line(EINVAL, "want on, off or clear");
}

static void cmd_sysctl(struct line *l)
{
	(void)l;
	notrun_line("a simulator tunable; the host's is left alone");
}

/* unmap, referenced, mkclean, idle, migrate, reclaim: they name simulated
 * frames (or drive the simulator's reclaim); the host's differ. */
static void cmd_frame(struct line *l)
{
	(void)l;
	notrun_line("acts on the simulator's page frames; no host counterpart");
}

static const struct command commands[] = {
	{ "spawn", 0, 1, cmd_spawn, 0 },
	{ "fork", 1, 1, cmd_fork, 0 },
	{ "exit", 1, 1, cmd_exit, 0 },
	{ "mmap", 5, 7, cmd_mmap, 0 },
	{ "munmap", 3, 3, NULL, OP_MUNMAP },
	{ "mprotect", 4, 4, NULL, OP_MPROTECT },
	{ "madvise", 4, 4, NULL, OP_MADVISE },
	{ "read", 2, 2, NULL, OP_READ },
	{ "write", 3, 3, NULL, OP_WRITE },
	{ "touch", 4, 4, NULL, OP_TOUCH },
	{ "file", 2, 2, cmd_file, 0 },
	{ "fwrite", 3, 3, cmd_fileop, 0 },
	{ "fread", 2, 2, cmd_fileop, 0 },
	{ "truncate", 2, 2, cmd_fileop, 0 },
	{ "unlink", 1, 1, cmd_fileop, 0 },
	{ "sysctl", 2, 2, cmd_sysctl, 0 },
	{ "mlock", 3, 3, NULL, OP_MLOCK },
	{ "munlock", 3, 3, NULL, OP_MUNLOCK },
	{ "unmap", 1, 1, cmd_frame, 0 },
	{ "referenced", 1, 1, cmd_frame, 0 },
	{ "mkclean", 1, 1, cmd_frame, 0 },
	{ "idle", 1, 1, cmd_frame, 0 },
	{ "migrate", 1, 2, cmd_frame, 0 },
	{ "reclaim", 1, 1, cmd_frame, 0 },
	{ "trace", 1, 1, cmd_trace, 0 },
	{ "check", 0, 0, cmd_check, 0 },
};

static void run_line(char *buf)
{
	struct line l;
	size_t i, n;
	const struct command *c = NULL;

	if (strlen(buf) > LINE_MAX_BYTES) {
		cmd_seq++;
		snprintf(shown, sizeof(shown), "%.64s...", buf);
		err_line(EINVAL, "line too long");
		return;
	}
	split(buf, &l);
	if (!l.nr)
		return;
	if (l.nr <= MAX_WORDS && !strcmp(l.w[0], "cat") && l.nr > 1) {
		cmd_cat(&l);
		return;
	}
	if (l.nr <= MAX_WORDS && !strcmp(l.w[0], "dump")) {
		printf("dump: NOTRUN (kdiff compares maps and smaps only)\n");
		return;
	}
	cmd_seq++;
	shown[0] = '\0';
	for (i = 0, n = 0; i < (size_t)l.nr && i < MAX_WORDS; i++)
		n += (size_t)snprintf(shown + n, sizeof(shown) - n, "%s%s",
				      i ? " " : "", l.w[i]);
	if (l.nr > MAX_WORDS) {
		err_line(EINVAL, "too many words");
		return;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(l.w[0], commands[i].name))
			c = &commands[i];
	if (!c) {
		err_line(EINVAL, "unknown command");
		return;
	}
	if (l.nr - 1 < c->min || l.nr - 1 > c->max) {
		err_line(EINVAL, "wrong number of arguments");
		return;
	}
	if (c->fn)
		c->fn(&l);
	else
		run_op(&l, c->op);
}

/* ---- set-up and tear-down ---- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? 0 : 0;
}

static void remove_tmpdir(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A private directory on tmpfs for `file`: $KDIFF_TMPFS, /dev/shm, /tmp. */
static void make_tmpdir(void)
{
	const char *cands[] = { getenv("KDIFF_TMPFS"), "/dev/shm", "/tmp", "/run" };
	size_t i;

	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		struct statfs sf;

		if (!cands[i] || statfs(cands[i], &sf) || sf.f_type != TMPFS_MAGIC)
			continue;
		snprintf(tmpdir, sizeof(tmpdir), "%s/kdiff.XXXXXX", cands[i]);
		if (mkdtemp(tmpdir))
			return;
	}
	tmpdir[0] = '\0';
	no_tmpfs_why = "no writable tmpfs (tried $KDIFF_TMPFS, /dev/shm, /tmp, /run)";
}

static void finish(void)
{
	int i;

	fflush(stdout);
	/* End of file on every socket: each worker exits by itself. */
	for (i = 1; i <= nr_procs; i++)
		if (procs[i].alive && procs[i].chan >= 0) {
			close(procs[i].chan);
			procs[i].chan = -1;
		}
	for (i = 1; i <= nr_procs; i++)
		if (procs[i].alive)
			wait_gone(&procs[i]);
	/* Orphans came to us (child subreaper): reap them all, bounded. */
	alarm(10);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	alarm(0);
	remove_tmpdir();
}

static void usage(const char *prog)
{
	printf("usage: %s [-t MS] [-T S] [-i] SCRIPT\n"
	       "\n"
	       "Run an rmapfs command script (docs/commands.md) on this machine's own\n"
	       "kernel with real processes, and print the transcript rmapsim would\n"
	       "(results and errors on stdout, in order). VMAs are compared only in\n"
	       "the window [0x%lx, 0x%lx). tools/kdiff compares it with rmapsim.\n"
	       "\n"
	       "    -t MS   per-command timeout in milliseconds (default %lu)\n"
	       "    -T S    timeout of the whole run in seconds (default %u)\n"
	       "    -i      print the host information line and exit\n",
	       prog, KDIFF_WIN_START, KDIFF_WIN_END, reply_timeout_ms, total_timeout_s);
}

/* Does the host print `sd` in VmFlags (CONFIG_MEM_SOFT_DIRTY)? */
static bool host_soft_dirty(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool sd = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmFlags:", 8) && strstr(line, " sd "))
			sd = true;
	fclose(f);
	return sd;
}

static void print_host(void)
{
	struct utsname u;

	uname(&u);
	printf("# kdiff-real: host %s window 0x%lx-0x%lx soft-dirty %s tmpfs %s\n",
	       u.release, KDIFF_WIN_START, KDIFF_WIN_END,
	       host_soft_dirty() ? "yes" : "no", tmpdir[0] ? "yes" : "no");
}

int main(int argc, char *argv[])
{
	char *buf = NULL;
	size_t cap = 0;
	bool info = false;
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "t:T:ih")) != -1) {
		switch (c) {
		case 't':
			reply_timeout_ms = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			total_timeout_s = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'i':
			info = true;
			break;
		case 'h':
			usage(argv[0]);
			return 0;
		default:
			fprintf(stderr, "try: %s -h\n", argv[0]);
			return 2;
		}
	}
	if (info) {
		make_tmpdir();
		print_host();
		remove_tmpdir();
		return 0;
	}
	if (optind != argc - 1) {
		usage(argv[0]);
		return 2;
	}
	f = strcmp(argv[optind], "-") ? fopen(argv[optind], "r") : stdin;
	if (!f) {
		fprintf(stderr, "kdiff-real: %s: %s\n", argv[optind], strerror(errno));
		return 2;
	}
	/* Line by line, so that a killed run still shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_term);
	signal(SIGPIPE, SIG_IGN);
	alarm(total_timeout_s);
	/* Orphaned workers (their parent worker exited) come back to us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	make_tmpdir();
	print_host();
	procs = xrealloc(NULL, sizeof(*procs));
	while (getline(&buf, &cap, f) != -1) {
		run_line(buf);
		reap_some();
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	finish();
	return fflush(stdout) ? 1 : 0;
}
