/* include/render.h - renderers of the per-process and global files. Each
 * file kind has exactly one renderer, used by the mount and by rmapsim.
 */
#ifndef RMAPFS_RENDER_H
#define RMAPFS_RENDER_H

#include "mm_types.h"
#include "strbuf.h"

void show_maps(struct strbuf *m, struct task_struct *task);
void proc_pid_status(struct strbuf *m, struct task_struct *task);
/* /files/PATH */
void show_file(struct strbuf *m, struct sim *sim, struct inode *inode);

#endif
