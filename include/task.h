/* include/task.h - processes: spawn, fork, exit (kernel/fork.c, kernel/exit.c). */
#ifndef RMAPFS_TASK_H
#define RMAPFS_TASK_H

#include "mm_types.h"

/* Return: the new pid (> 0), or -ENOMEM with nothing changed. */
int task_spawn(struct sim *sim, const char *comm);
/* Return: the child's pid, or -ENOMEM with the parent unchanged. */
int task_fork(struct sim *sim, struct task_struct *parent);
void task_exit(struct sim *sim, struct task_struct *task);
/* Fill @pids with every live pid in ascending order; return the count
 * (at most @max). */
size_t task_pids(struct sim *sim, int *pids, size_t max);
size_t task_count(struct sim *sim);
void tasks_release(struct sim *sim);

#endif
