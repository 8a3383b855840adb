/* include/filemap.h - the simulated file namespace (`file` command) and the
 * shmem objects behind shared anonymous mappings.
 */
#ifndef RMAPFS_FILEMAP_H
#define RMAPFS_FILEMAP_H

#include <stdint.h>
#include "mm_types.h"

/*
 * file_create - a regular file of @size bytes at absolute @path on the
 * simulated device 08:01, next inode number.
 * Return: 0, or -EEXIST, -ENOTDIR (a prefix is a file), -EISDIR (@path is
 * a directory of other files), -EINVAL (bad path), -ENOMEM; nothing
 * changed on failure.
 */
int file_create(struct sim *sim, const char *path, unsigned long size);
struct inode *inode_lookup(struct sim *sim, const char *path);
/* file_open - a new open of @inode (f_count 1). Return: it, or NULL. */
struct file *file_open(struct inode *inode);
void fput(struct sim *sim, struct file *file);
/* Is @path a directory of the /files tree ("/" is the root)? */
bool file_is_dir(struct sim *sim, const char *path);
/* Visit the entries directly below directory @path, in name order. */
int file_list_dir(struct sim *sim, const char *path,
		  int (*fn)(void *ctx, const char *name, bool is_dir),
		  void *ctx);
/* ---- the page cache (tmpfs-like: pages are swap-backed, kept until
 * truncate; kernel-spec §11) ---- */
struct page;
/* find_get_page - the cached page of @inode at @index, or NULL. */
struct page *find_get_page(struct sim *sim, struct inode *inode,
			   unsigned long index);
/* Visit the cached pages of @inode in index order. */
void filemap_for_each(struct sim *sim, struct inode *inode,
		      void (*fn)(struct page *page, void *arg), void *arg);
unsigned long inode_nrpages(struct inode *inode);
/* write(2) / read(2) / truncate(2) through the page cache. */
int filemap_write(struct sim *sim, struct inode *inode, unsigned long offset,
		  uint64_t value);
int filemap_read(struct sim *sim, struct inode *inode, unsigned long offset,
		 uint64_t *value);
int shmem_truncate(struct sim *sim, struct inode *inode, unsigned long size);
/* unlink(2): the path goes; the inode lives while mapped ("(deleted)"). */
int file_unlink(struct sim *sim, const char *path);

/* Drop the namespace's references (sim_free). */
void files_release(struct sim *sim);

#endif
