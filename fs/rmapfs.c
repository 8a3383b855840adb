/* fs/rmapfs.c - the FUSE front end: mounts the simulator's virtual file
 * tree (include/vfs.h) at a directory.
 *
 * Glue only. Every path, every byte of every file and every error is
 * decided in core/; this file turns FUSE requests into vfs_* calls and
 * returns their 0/-errno results unchanged, with no translation table.
 * It leaves out everything a procfs-like tree does not need: no create,
 * mkdir, rename, links or extended attributes (the kernel reports ENOSYS).
 *
 * Concurrency: one mutex, fs_state.lock, is the simulator lock of
 * include/sim.h. Every handler takes it first and drops it last, so
 * commands, renders and reads never interleave even with the
 * multi-threaded FUSE loop; nothing else in this file is shared.
 */
#define FUSE_USE_VERSION 314	/* FUSE_MAKE_VERSION(3, 14): Debian 12's libfuse */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fuse.h>
#include <fuse_lowlevel.h>

#include "sim.h"
#include "strbuf.h"
#include "vfs.h"

/* Everything the handlers share; private_data points here. */
struct rmapfs {
	pthread_mutex_t lock;		/* the simulator lock */
	struct sim *sim;		/* owned; NULL once destroy ran */
	uid_t uid;			/* the mounting user owns every file */
	gid_t gid;
	struct timespec mounted;	/* every file's a/m/ctime */
};

/* Command-line options of our own; all others go to libfuse. */
struct rmapfs_conf {
	char *frames;			/* -o frames=N, checked by sim_parse_option */
	char *failnth;			/* -o failnth=N (test hook) */
	char *swap;			/* -o swap=N */
	char *script;			/* --script FILE */
	int show_help;
	int show_version;
};

#define RMAPFS_OPT(t, field, v) { t, offsetof(struct rmapfs_conf, field), v }

static const struct fuse_opt rmapfs_opts[] = {
	RMAPFS_OPT("frames=%s", frames, 0),
	RMAPFS_OPT("failnth=%s", failnth, 0),
	RMAPFS_OPT("swap=%s", swap, 0),
	RMAPFS_OPT("--script=%s", script, 0),
	RMAPFS_OPT("--script %s", script, 0),
	RMAPFS_OPT("-h", show_help, 1),
	RMAPFS_OPT("--help", show_help, 1),
	RMAPFS_OPT("-V", show_version, 1),
	RMAPFS_OPT("--version", show_version, 1),
	FUSE_OPT_END
};

static struct rmapfs *rmapfs_get(void)
{
	return fuse_get_context()->private_data;
}

static struct sim *rmapfs_lock(struct rmapfs *fs)
{
	pthread_mutex_lock(&fs->lock);
	return fs->sim;
}

static void rmapfs_unlock(struct rmapfs *fs)
{
	pthread_mutex_unlock(&fs->lock);
}

static struct vfs_handle *fi_handle(const struct fuse_file_info *fi)
{
	return (struct vfs_handle *)(uintptr_t)fi->fh;
}

static void *rmapfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/*
	 * Contents change underneath the kernel with every command, and pid
	 * directories come and go: cache nothing, and bypass the page cache
	 * so each read reaches the handle's own snapshot.
	 */
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	cfg->use_ino = 1;
	return rmapfs_get();
}

static void rmapfs_destroy(void *private_data)
{
	struct rmapfs *fs = private_data;
	struct sim *sim = rmapfs_lock(fs);

	sim_free(sim);
	fs->sim = NULL;
	rmapfs_unlock(fs);
}

/* Permission bits from what the core allows; default_permissions enforces
 * them, and the core still refuses a write open of a read-only file. */
static mode_t attr_mode(const struct vfs_attr *attr)
{
	if (attr->is_dir)
		return S_IFDIR | 0555;
	if (attr->readable && attr->writable)
		return S_IFREG | 0644;
	if (attr->writable)
		return S_IFREG | 0200;
	return S_IFREG | 0444;
}

static void fill_stat(const struct rmapfs *fs, const struct vfs_attr *attr,
		      struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = attr->ino;
	st->st_mode = attr_mode(attr);
	st->st_nlink = attr->is_dir ? 2 : 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = (off_t)attr->size;
	st->st_atim = fs->mounted;
	st->st_mtim = fs->mounted;
	st->st_ctim = fs->mounted;
}

static int rmapfs_getattr(const char *path, struct stat *st,
			  struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	struct vfs_attr attr;
	int err;

	err = vfs_getattr(sim, path, &attr);
	if (!err)
		fill_stat(fs, &attr, st);
	rmapfs_unlock(fs);
	return err;
}

struct readdir_ctx {
	struct sim *sim;
	const char *dir;		/* the directory being listed */
	void *buf;
	fuse_fill_dir_t filler;
};

/*
 * With use_ino the kernel gets d_ino from the listing, and glibc's
 * readdir hides entries whose d_ino is 0: give each entry the number its
 * stat shows. Return: 0, or -errno (-ENOMEM).
 */
static int entry_ino(const struct readdir_ctx *ctx, const char *name,
		     ino_t *ino)
{
	struct strbuf path = STRBUF_INIT;
	const char *slash = strrchr(ctx->dir, '/');
	struct vfs_attr attr;
	int err;

	if (!strcmp(name, "."))
		strbuf_puts(&path, ctx->dir);
	else if (!strcmp(name, ".."))
		strbuf_add(&path, ctx->dir,
			   slash > ctx->dir ? (size_t)(slash - ctx->dir) : 1);
	else
		strbuf_printf(&path, "%s/%s",
			      strcmp(ctx->dir, "/") ? ctx->dir : "", name);
	err = path.failed ? -ENOMEM : vfs_getattr(ctx->sim, path.buf, &attr);
	if (!err)
		*ino = attr.ino;
	strbuf_release(&path);
	return err;
}

static int readdir_fill(void *arg, const char *name, bool is_dir)
{
	struct readdir_ctx *ctx = arg;
	struct stat st;
	int err;

	/* Without FUSE_FILL_DIR_PLUS only the type and inode are used. */
	memset(&st, 0, sizeof(st));
	st.st_mode = is_dir ? S_IFDIR : S_IFREG;
	err = entry_ino(ctx, name, &st.st_ino);
	if (err)
		return err;
	/* Offset 0: libfuse collects the whole listing; non-zero means
	 * it ran out of memory, which it reports itself. */
	return ctx->filler(ctx->buf, name, &st, 0, 0);
}

static int rmapfs_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
			  off_t off, struct fuse_file_info *fi,
			  enum fuse_readdir_flags flags)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	struct readdir_ctx ctx = { sim, path, buf, filler };
	int err;

	err = readdir_fill(&ctx, ".", true);
	if (!err)
		err = readdir_fill(&ctx, "..", true);
	if (!err)
		err = vfs_readdir(sim, path, readdir_fill, &ctx);
	rmapfs_unlock(fs);
	return err > 0 ? 0 : err;
}

static int rmapfs_open(const char *path, struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	bool write = (fi->flags & O_ACCMODE) != O_RDONLY;
	struct vfs_handle *h;
	struct vfs_attr attr;
	int err;

	err = vfs_getattr(sim, path, &attr);
	if (!err)
		err = vfs_open(sim, path, write, &h);
	if (!err) {
		fi->fh = (uintptr_t)h;
		fi->direct_io = 1;
		fi->keep_cache = 0;
		/* A ctl file answers on the descriptor it was written
		 * on, in order: offsets mean nothing there. */
		fi->nonseekable = attr.stream;
	}
	rmapfs_unlock(fs);
	return err;
}

static int rmapfs_read(const char *path, char *buf, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	ssize_t ret;

	/* size is bounded by max_read (far below INT_MAX), so it fits. */
	ret = vfs_read(sim, fi_handle(fi), buf, size, off);
	rmapfs_unlock(fs);
	return (int)ret;
}

static int rmapfs_write(const char *path, const char *buf, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	ssize_t ret;

	/* Control files are streams: the offset plays no part. */
	ret = vfs_write(sim, fi_handle(fi), buf, size);
	rmapfs_unlock(fs);
	return (int)ret;
}

/* Called on every close(2) of a descriptor: its error is close's error,
 * which is how a final line without a newline reports failure. */
static int rmapfs_flush(const char *path, struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	int err;

	err = vfs_flush(sim, fi_handle(fi));
	rmapfs_unlock(fs);
	return err;
}

static int rmapfs_release(const char *path, struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);

	vfs_release(sim, fi_handle(fi));
	rmapfs_unlock(fs);
	return 0;
}

/*
 * The shell's `echo cmd > ctl` opens with O_TRUNC, which the kernel may
 * turn into a truncate to 0 before the write. Control files have no
 * stored contents, so that is accepted and means nothing; any other
 * size change is refused.
 */
static int rmapfs_truncate(const char *path, off_t size,
			   struct fuse_file_info *fi)
{
	struct rmapfs *fs = rmapfs_get();
	struct sim *sim = rmapfs_lock(fs);
	struct vfs_attr attr;
	int err;

	err = vfs_getattr(sim, path, &attr);
	if (!err && attr.is_dir)
		err = -EISDIR;
	else if (!err && !(attr.writable && size == 0))
		err = -EACCES;
	rmapfs_unlock(fs);
	return err;
}

static const struct fuse_operations rmapfs_ops = {
	.init		= rmapfs_init,
	.destroy	= rmapfs_destroy,
	.getattr	= rmapfs_getattr,
	.readdir	= rmapfs_readdir,
	.open		= rmapfs_open,
	.read		= rmapfs_read,
	.write		= rmapfs_write,
	.flush		= rmapfs_flush,
	.release	= rmapfs_release,
	.truncate	= rmapfs_truncate,
};

static void usage(const char *prog)
{
	printf("usage: %s [options] MOUNTPOINT\n"
	       "\n"
	       "Mount a simulated Linux v5.15 memory manager at MOUNTPOINT.\n"
	       "Write commands to MOUNTPOINT/ctl (see docs/commands.md);\n"
	       "unmount with: fusermount3 -u MOUNTPOINT\n"
	       "\n"
	       "rmapfs options:\n"
	       "    -o frames=N            physical memory in 4 KiB frames (default %lu)\n"
	       "    -o swap=N              swap slots (default: as many as frames)\n"
	       "    -o failnth=N           test hook: the Nth allocation after start-up fails\n"
	       "    --script FILE          run the commands in FILE before mounting\n"
	       "    -h, --help             this text\n"
	       "    -V, --version          print the version\n"
	       "\n"
	       "Exit status: 0 after fusermount3 -u (or SIGINT, SIGTERM), 1 on\n"
	       "failure, 2 on bad usage.\n"
	       "\n", prog, SIM_DEFAULT_FRAMES);
}

/* -o NAME=VALUE options of the core, parsed by the core. */
static int core_option(struct sim_options *opt, const char *name,
		       const char *value)
{
	char kv[64];

	snprintf(kv, sizeof(kv), "%s=%s", name, value);
	return sim_parse_option(opt, kv);
}

static int read_file(const char *name, struct strbuf *sb)
{
	char chunk[8192];
	size_t n;
	FILE *f;
	int err = 0;

	f = fopen(name, "r");
	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(sb, chunk, n);
	if (ferror(f))
		err = -EIO;
	else if (sb->failed)
		err = -ENOMEM;
	fclose(f);
	return err;
}

/* --script: the state to mount, built before the mount so that a bad
 * script fails the command instead of serving half a machine. */
static int run_script(struct sim *sim, const char *name)
{
	struct strbuf text = STRBUF_INIT;
	struct strbuf results = STRBUF_INIT;
	size_t done = 0;
	int err;

	err = read_file(name, &text);
	if (err) {
		fprintf(stderr, "rmapfs: %s: %s\n", name, strerror(-err));
		goto out;
	}
	err = sim_exec_buf(sim, text.buf ? text.buf : "", text.len, 0,
			   &results, &done);
	if (err)
		fprintf(stderr, "%s\n", sim->last_err.buf);
out:
	strbuf_release(&results);
	strbuf_release(&text);
	return err;
}

/* Mount, serve until unmounted, tear down. Return: the exit status. */
static int serve(struct fuse_args *args, struct fuse_cmdline_opts *opts,
		 struct rmapfs *fs)
{
	struct fuse_loop_config *loop;
	struct fuse_session *se;
	struct fuse *fuse;
	int ret = 1;

	fuse = fuse_new(args, &rmapfs_ops, sizeof(rmapfs_ops), fs);
	if (!fuse)
		return 1;
	if (fuse_mount(fuse, opts->mountpoint))
		goto out_destroy;
	if (fuse_daemonize(opts->foreground))
		goto out_unmount;
	se = fuse_get_session(fuse);
	if (fuse_set_signal_handlers(se))
		goto out_unmount;

	if (opts->singlethread) {
		ret = fuse_loop(fuse);
	} else {
		loop = fuse_loop_cfg_create();
		if (!loop)
			goto out_signals;
		fuse_loop_cfg_set_clone_fd(loop, opts->clone_fd);
		/* UINT_MAX: not given, keep the loop's defaults (libfuse
		 * 3.14 warns about an "invalid" UINT_MAX max_threads). */
		if (opts->max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(loop,
						       opts->max_idle_threads);
		if (opts->max_threads != UINT_MAX)
			fuse_loop_cfg_set_max_threads(loop, opts->max_threads);
		ret = fuse_loop_mt(fuse, loop);
		fuse_loop_cfg_destroy(loop);
	}
	/* The loop returns 0 after fusermount3 -u, the signal number after
	 * SIGINT/SIGTERM/SIGHUP (both a requested, clean stop), or -errno. */
	ret = ret < 0 ? 1 : 0;
out_signals:
	fuse_remove_signal_handlers(se);
out_unmount:
	fuse_unmount(fuse);
out_destroy:
	fuse_destroy(fuse);
	return ret;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts = { 0 };
	struct rmapfs_conf conf = { 0 };
	struct sim_options sopt;
	struct rmapfs fs = { .lock = PTHREAD_MUTEX_INITIALIZER };
	int ret = 2;

	sim_options_init(&sopt);
	if (fuse_opt_parse(&args, &conf, rmapfs_opts, NULL))
		goto out_args;
	if (conf.show_version) {
		printf("rmapfs %s\n", RMAPFS_VERSION);
		ret = 0;
		goto out_args;
	}
	if (conf.show_help) {
		usage(argv[0]);
		printf("FUSE options:\n");
		fuse_cmdline_help();
		fuse_lib_help(&args);
		ret = 0;
		goto out_args;
	}
	if (conf.frames && core_option(&sopt, "frames", conf.frames)) {
		fprintf(stderr, "rmapfs: bad -o frames=%s (want 2 .. %lu)\n",
			conf.frames, SIM_MAX_FRAMES);
		goto out_args;
	}
	if (conf.swap && core_option(&sopt, "swap", conf.swap)) {
		fprintf(stderr, "rmapfs: bad -o swap=%s\n", conf.swap);
		goto out_args;
	}
	if (conf.failnth && core_option(&sopt, "failnth", conf.failnth)) {
		fprintf(stderr, "rmapfs: bad -o failnth=%s\n", conf.failnth);
		goto out_args;
	}
	/* /proc/mounts then reads "rmapfs MNT fuse.rmapfs"; ours go first so
	 * that a user's own -o fsname=/subtype= still wins. */
	if (fuse_opt_insert_arg(&args, 1, "-ofsname=rmapfs,subtype=rmapfs") ||
	    fuse_opt_add_arg(&args, "-odefault_permissions"))
		goto out_args;
	if (fuse_parse_cmdline(&args, &opts))
		goto out_args;
	if (!opts.mountpoint) {
		fprintf(stderr, "rmapfs: no mountpoint (try --help)\n");
		goto out_args;
	}

	ret = 1;
	fs.uid = getuid();
	fs.gid = getgid();
	clock_gettime(CLOCK_REALTIME, &fs.mounted);
	fs.sim = sim_new(&sopt);
	if (!fs.sim) {
		fprintf(stderr, "rmapfs: cannot create the simulator (%lu frames)\n",
			sopt.frames);
		goto out_opts;
	}
	if (conf.script && run_script(fs.sim, conf.script))
		goto out_sim;
	sim_arm_failnth(&sopt);	/* counts from the first served request */

	ret = serve(&args, &opts, &fs);
out_sim:
	/* destroy frees the simulator only if the session got as far as init. */
	if (fs.sim)
		sim_free(fs.sim);
out_opts:
	free(opts.mountpoint);
out_args:
	fuse_opt_free_args(&args);
	free(conf.frames);
	free(conf.failnth);
	free(conf.swap);
	free(conf.script);
	return ret;
}
