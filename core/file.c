/* core/file.c - simulated files: the namespace shown under /files, their
 * i_mmap bookkeeping (__vma_link_file / unlink_file_vma of mm/mmap.c),
 * and the shmem "dev/zero" object behind every shared anonymous mapping
 * (shmem_zero_setup of mm/shmem.c).
 *
 * struct inode plays the kernel's inode and address_space; struct file is
 * one open. Each `mmap ... FILE` is a fresh open (open + mmap + close), so
 * merging compares opens, not inodes, exactly as is_mergeable_vma does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filemap.h"
#include "mm_internal.h"

/* iput - the last reference frees the inode and its page cache. */
static void iput(struct sim *sim, struct inode *inode)
{
	if (--inode->i_count == 0) {
		migrate_wait_mapping(sim, inode, 0);
		truncate_inode_pages_final(sim, inode);
		free(inode->path);
		free(inode);
	}
}

struct file *file_open(struct inode *inode)
{
	struct file *file = rm_malloc(sizeof(*file));

	if (!file)
		return NULL;
	file->f_inode = inode;
	file->f_count = 1;
	inode->i_count++;
	return file;
}

struct file *get_file(struct file *file)
{
	file->f_count++;
	return file;
}

void fput(struct sim *sim, struct file *file)
{
	if (--file->f_count == 0) {
		iput(sim, file->f_inode);
		free(file);
	}
}

/* __vma_link_file: into i_mmap by pgoff (ties after the older). */
void vma_link_file(struct vm_area_struct *vma)
{
	struct inode *inode = vma->vm_file->f_inode;

	vma_interval_tree_insert(vma, &inode->i_mmap);
	inode->i_mmap_count++;
	if (vma->vm_flags & VM_SHARED)
		inode->i_mmap_writable++;
}

void unlink_file_vma(struct vm_area_struct *vma)
{
	struct inode *inode = vma->vm_file->f_inode;

	vma_interval_tree_remove(vma, &inode->i_mmap);
	inode->i_mmap_count--;
	if (vma->vm_flags & VM_SHARED)
		inode->i_mmap_writable--;
}

static struct inode *inode_alloc(const char *path, unsigned long size)
{
	struct inode *inode = rm_calloc(1, sizeof(*inode));

	if (!inode)
		return NULL;
	inode->path = rm_strdup(path);
	if (!inode->path) {
		free(inode);
		return NULL;
	}
	inode->i_size = size;
	inode->i_count = 1;
	RB_INIT(&inode->i_mmap);
	RB_INIT(&inode->i_pages);
	return inode;
}

/* shmem_zero_setup - a fresh shmem object named "dev/zero", unlinked from
 * birth, on the internal tmpfs mount (00:01), and one open of it.
 * Return: the open, or NULL. */
struct file *shmem_zero_setup(struct sim *sim, unsigned long size)
{
	struct inode *inode = inode_alloc("/dev/zero", size);
	struct file *file;

	if (!inode)
		return NULL;
	file = file_open(inode);
	iput(sim, inode);	/* the open holds it now */
	if (!file)
		return NULL;
	inode->i_ino = ++sim->next_shmem_ino;
	inode->dev_major = 0;
	inode->dev_minor = 1;
	inode->unlinked = true;
	inode->shmem = true;
	return file;
}

struct inode *inode_lookup(struct sim *sim, const char *path)
{
	struct inode *inode;

	HASH_FIND_STR(sim->files, path, inode);
	return inode;
}

/* Does some file live strictly below directory @dir ("/a/b")? */
static bool has_children(struct sim *sim, const char *dir)
{
	size_t n = strlen(dir);
	struct inode *inode, *tmp;

	HASH_ITER(hh, sim->files, inode, tmp)
		if (!strncmp(inode->path, dir, n) && inode->path[n] == '/')
			return true;
	return false;
}

/*
 * path_check - absolute, no empty, "." or ".." component; as the VFS
 * limits them, a component of more than NAME_MAX (255) bytes or a path of
 * PATH_MAX (4096) or more is too long.
 * Return: 0, -EINVAL or -ENAMETOOLONG.
 */
static int path_check(const char *path)
{
	const char *p = path, *c;

	if (strlen(path) >= 4096)
		return -ENAMETOOLONG;
	if (*p != '/' || !p[1])
		return -EINVAL;
	while (*p == '/') {
		c = ++p;
		while (*p && *p != '/')
			p++;
		if (p - c > 255)
			return -ENAMETOOLONG;
		if (p == c || (p - c == 1 && c[0] == '.') ||
		    (p - c == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
	}
	return *p == '\0' ? 0 : -EINVAL;
}

int file_create(struct sim *sim, const char *path, unsigned long size)
{
	struct inode *inode;
	char *prefix;
	size_t i;
	int err;

	err = path_check(path);
	if (err)
		return err;
	if (inode_lookup(sim, path))
		return -EEXIST;
	if (has_children(sim, path))
		return -EISDIR;
	prefix = rm_strdup(path);
	if (!prefix)
		return -ENOMEM;
	for (i = 1; prefix[i]; i++) {
		if (prefix[i] != '/')
			continue;
		prefix[i] = '\0';
		inode = inode_lookup(sim, prefix);
		prefix[i] = '/';
		if (inode) {
			free(prefix);
			return -ENOTDIR;
		}
	}
	free(prefix);

	inode = inode_alloc(path, size);
	if (!inode)
		return -ENOMEM;
	inode->dev_major = 8;
	inode->dev_minor = 1;
	err = rm_hash_add_str(sim->files, inode->path, inode);
	if (err) {
		iput(sim, inode);
		return err;
	}
	inode->i_ino = ++sim->next_ino;
	return 0;
}

int file_unlink(struct sim *sim, const char *path)
{
	struct inode *inode = inode_lookup(sim, path);

	if (!inode)
		return -ENOENT;
	HASH_DEL(sim->files, inode);
	inode->unlinked = true;
	iput(sim, inode);	/* the namespace's reference */
	return 0;
}

void files_release(struct sim *sim)
{
	struct inode *inode, *tmp;

	HASH_ITER(hh, sim->files, inode, tmp) {
		HASH_DEL(sim->files, inode);
		iput(sim, inode);
	}
}

bool file_is_dir(struct sim *sim, const char *path)
{
	if (!path[0] || !strcmp(path, "/"))
		return true;
	return has_children(sim, path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One name per entry: "name" for a file, "name/" for a directory. */
static char *dir_entry_name(const char *rest)
{
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	char *name = rm_malloc(n + 2);

	if (!name)
		return NULL;
	memcpy(name, rest, n);
	if (slash)
		name[n++] = '/';
	name[n] = '\0';
	return name;
}

int file_list_dir(struct sim *sim, const char *path,
		  int (*fn)(void *ctx, const char *name, bool is_dir),
		  void *ctx)
{
	size_t n = strcmp(path, "/") ? strlen(path) : 0, count = 0, i;
	struct inode *inode, *tmp;
	char **names;
	int ret = 0;

	names = rm_calloc(HASH_COUNT(sim->files) + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	HASH_ITER(hh, sim->files, inode, tmp) {
		if (strncmp(inode->path, path, n) || inode->path[n] != '/')
			continue;
		names[count] = dir_entry_name(inode->path + n + 1);
		if (!names[count]) {
			ret = -ENOMEM;
			goto out;
		}
		count++;
	}
	qsort(names, count, sizeof(*names), cmp_str);
	for (i = 0; i < count && !ret; i++) {
		size_t len = strlen(names[i]);
		bool is_dir = names[i][len - 1] == '/';

		if (i && !strcmp(names[i], names[i - 1]))
			continue;	/* one entry per directory */
		if (is_dir)
			names[i][len - 1] = '\0';
		ret = fn(ctx, names[i], is_dir);
		if (is_dir)
			names[i][len - 1] = '/';
	}
out:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return ret;
}
