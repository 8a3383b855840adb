/* core/task.c - simulated processes: spawn (an empty mm, as after
 * execve of nothing), fork (copy_process's mm part), exit (exit_mm).
 * Single-threaded; pids are handed out as alloc_pid does: 1, 2, 3, ...
 * up to kernel.pid_max - 1, then from RESERVED_PIDS again, skipping the
 * pids in use.
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

/*
 * alloc_pid - the pid idr_alloc_cyclic would give (alloc_pid of
 * kernel/pid.c, v5.15): the first free pid from the cursor up to
 * pid_max - 1, then from the bottom up to the cursor; the bottom is
 * RESERVED_PIDS once the cursor has passed it. The cursor itself moves only
 * when the task is complete (task_commit).
 * Return: the pid, or -EAGAIN when every pid is in use.
 */
static int alloc_pid(struct sim *sim)
{
	int min = sim->next_pid > RESERVED_PIDS ? RESERVED_PIDS : 1;
	int max = (int)sim->sysctl.pid_max, pid;

	for (pid = sim->next_pid > min ? sim->next_pid : min; pid < max; pid++)
		if (!find_task(sim, pid))
			return pid;
	for (pid = min; pid < sim->next_pid && pid < max; pid++)
		if (!find_task(sim, pid))
			return pid;
	return -EAGAIN;
}

static int task_commit(struct sim *sim, struct task_struct *task)
{
	sim->next_pid = task->pid + 1;
	return task->pid;
}

/* Allocate a task with a free pid and index it. Return: the task, or
 * NULL with *@err = -EAGAIN (no pid free) or -ENOMEM. */
static struct task_struct *task_alloc(struct sim *sim, const char *comm,
				      int ppid, int *err)
{
	struct task_struct *task;
	int pid = alloc_pid(sim);

	*err = -EAGAIN;
	if (pid < 0)
		return NULL;
	*err = -ENOMEM;
	task = rm_calloc(1, sizeof(*task));
	if (!task)
		return NULL;
	task->pid = pid;
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
	int err;
	struct task_struct *task = task_alloc(sim, comm, 0, &err);

	if (!task)
		return err;
	task->mm = mm_alloc(sim);
	if (!task->mm) {
		task_unhash_free(sim, task);
		return -ENOMEM;
	}
	task->mm->owner_pid = task->pid;
	return task_commit(sim, task);
}

int task_fork(struct sim *sim, struct task_struct *parent)
{
	int err;
	struct task_struct *task = task_alloc(sim, parent->comm, parent->pid,
					      &err);

	if (!task)
		return err;
	task->mm = dup_mm(parent->mm, task->pid, &err);
	if (!task->mm) {
		task_unhash_free(sim, task);
		return err;
	}
	task->mm->owner_pid = task->pid;
	return task_commit(sim, task);
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
