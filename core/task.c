/* core/task.c - simulated processes: spawn (an empty mm, as after
 * execve of nothing), fork (copy_process's mm part), exit (exit_mm).
 * Single-threaded; pids are 1, 2, 3, ... and never reused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"
#include "task.h"

struct task_struct *find_task(struct sim *sim, int pid)
{
	struct task_struct *task;

	HASH_FIND_INT(sim->tasks, &pid, task);
	return task;
}

/* Allocate a task with the next pid and index it; the pid counter moves
 * only once everything has succeeded (see task_commit). */
static struct task_struct *task_alloc(struct sim *sim, const char *comm,
				      int ppid)
{
	struct task_struct *task = rm_calloc(1, sizeof(*task));

	if (!task)
		return NULL;
	task->pid = sim->next_pid;
	task->ppid = ppid;
	strncpy(task->comm, comm, sizeof(task->comm) - 1);	/* TASK_COMM_LEN */
	if (rm_hash_add_int(sim->tasks, pid, task)) {
		free(task);
		return NULL;
	}
	return task;
}

static void task_unhash_free(struct sim *sim, struct task_struct *task)
{
	HASH_DEL(sim->tasks, task);
	free(task);
}

int task_spawn(struct sim *sim, const char *comm)
{
	struct task_struct *task = task_alloc(sim, comm, 0);

	if (!task)
		return -ENOMEM;
	task->mm = mm_alloc(sim);
	if (!task->mm) {
		task_unhash_free(sim, task);
		return -ENOMEM;
	}
	task->mm->owner_pid = task->pid;
	return sim->next_pid++;
}

int task_fork(struct sim *sim, struct task_struct *parent)
{
	struct task_struct *task = task_alloc(sim, parent->comm, parent->pid);
	int err;

	if (!task)
		return -ENOMEM;
	task->mm = dup_mm(parent->mm, &err);
	if (!task->mm) {
		task_unhash_free(sim, task);
		return err;
	}
	task->mm->owner_pid = task->pid;
	return sim->next_pid++;
}

void task_exit(struct sim *sim, struct task_struct *task)
{
	struct task_struct *t, *tmp;

	mmput(task->mm);
	task->mm = NULL;
	/* No init to reparent to: orphans show PPid 0. */
	HASH_ITER(hh, sim->tasks, t, tmp)
		if (t->ppid == task->pid)
			t->ppid = 0;
	task_unhash_free(sim, task);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

size_t task_pids(struct sim *sim, int *pids, size_t max)
{
	struct task_struct *task, *tmp;
	size_t n = 0;

	HASH_ITER(hh, sim->tasks, task, tmp)
		if (n < max)
			pids[n++] = task->pid;
	qsort(pids, n, sizeof(*pids), cmp_int);
	return n;
}

size_t task_count(struct sim *sim)
{
	return HASH_COUNT(sim->tasks);
}

void tasks_release(struct sim *sim)
{
	struct task_struct *task, *tmp;

	HASH_ITER(hh, sim->tasks, task, tmp) {
		mmput(task->mm);
		task_unhash_free(sim, task);
	}
}
