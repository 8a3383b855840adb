/* include/vfs.h - the virtual file tree, shared by the FUSE front end and
 * the headless runner so one path gives the same bytes through either.
 *
 * Every readable file is rendered once per open into the handle (a
 * consistent snapshot served at any offset). Control files (/ctl,
 * /PID/ctl, /sysctl/...) take command text on write; a ctl handle queues
 * each command's result line for reads on the same handle (Plan 9 style)
 * and is a stream (not seekable).
 */
#ifndef RMAPFS_VFS_H
#define RMAPFS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "strbuf.h"

struct sim;

struct vfs_attr {
	bool is_dir;
	bool readable;
	bool writable;
	bool stream;		/* a ctl file: open it nonseekable */
	unsigned long ino;	/* stable per path kind, for st_ino */
	size_t size;		/* 0: size unknown until read (like /proc) */
};

/* Return: 0, or -ENOENT / -ENOTDIR. */
int vfs_getattr(struct sim *sim, const char *path, struct vfs_attr *attr);

typedef int (*vfs_fill_t)(void *ctx, const char *name, bool is_dir);
/* List @path's entries (without "." and ".."). Return: 0 or -errno. */
int vfs_readdir(struct sim *sim, const char *path, vfs_fill_t fill, void *ctx);

struct vfs_handle;
/*
 * vfs_open - @write: opened for writing. A readable non-ctl file is
 * rendered here. Return: 0, or -ENOENT, -EISDIR, -EACCES (write to a
 * read-only file), -ENOMEM (render failed: never a truncated file).
 */
int vfs_open(struct sim *sim, const char *path, bool write,
	     struct vfs_handle **hp);
ssize_t vfs_read(struct sim *sim, struct vfs_handle *h, char *buf,
		 size_t size, off_t off);
/* Return: bytes taken, or -errno when the first line failed. */
ssize_t vfs_write(struct sim *sim, struct vfs_handle *h, const char *buf,
		  size_t size);
/* Run a pending partial line (text after the last newline). */
int vfs_flush(struct sim *sim, struct vfs_handle *h);
void vfs_release(struct sim *sim, struct vfs_handle *h);

/* Render the whole of readable file @path into @out (rmapsim's `cat`).
 * Return: 0 or -errno. */
int vfs_render(struct sim *sim, const char *path, struct strbuf *out);

#endif
