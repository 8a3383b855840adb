/* core/task_mmu.c - /PID/maps and /PID/status, byte for byte as
 * fs/proc/task_mmu.c and fs/proc/array.c print them in v5.15 (kernel-spec
 * §1 and §3.1), and the /files/PATH summary.
 */
#include <stdio.h>
#include <string.h>

#include "mm_internal.h"
#include "render.h"
#include "task.h"

/* The gate VMA: not in the mm, never counted, printed last (xonly). */
#define VSYSCALL_START	0xffffffffff600000UL
#define VSYSCALL_END	0xffffffffff601000UL

/* seq_setwidth(m, 25 + sizeof(void *) * 6 - 1): the name column. */
#define MAPS_NAME_COLUMN 72

/* show_vma_header_prefix - everything up to and including the space
 * after the inode; returns where the line started (for seq_pad). */
static size_t show_vma_header_prefix(struct strbuf *m, unsigned long start,
				     unsigned long end, unsigned long flags,
				     unsigned long long pgoff,
				     unsigned int major, unsigned int minor,
				     unsigned long ino)
{
	size_t line = m->len;

	strbuf_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		      start, end,
		      flags & VM_READ ? 'r' : '-',
		      flags & VM_WRITE ? 'w' : '-',
		      flags & VM_EXEC ? 'x' : '-',
		      flags & VM_MAYSHARE ? 's' : 'p',
		      pgoff, major, minor, ino);
	return line;
}

static void show_name(struct strbuf *m, size_t line, const char *name,
		      bool deleted)
{
	const char *c;

	strbuf_pad_to(m, line, MAPS_NAME_COLUMN);	/* seq_pad(m, ' ') */
	strbuf_putc(m, ' ');
	for (c = name; *c; c++) {
		if (*c == '\n')
			strbuf_puts(m, "\\012");	/* mangle_path */
		else
			strbuf_putc(m, *c);
	}
	if (deleted)
		strbuf_puts(m, " (deleted)");
}

/* show_map_vma - one maps line; the name decision of kernel-spec §1.3. */
static void show_map_vma(struct strbuf *m, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	unsigned long long pgoff = 0;
	size_t line;

	if (inode)
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
	line = show_vma_header_prefix(m, vma->vm_start, vma->vm_end,
				      vma->vm_flags, pgoff,
				      inode ? inode->dev_major : 0,
				      inode ? inode->dev_minor : 0,
				      inode ? inode->i_ino : 0);
	if (inode)
		show_name(m, line, inode->path, inode->unlinked);
	else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk &&
		 mm->start_brk)
		show_name(m, line, "[heap]", false);
	else if (vma->vm_start <= mm->start_stack &&
		 vma->vm_end >= mm->start_stack && mm->start_stack)
		show_name(m, line, "[stack]", false);
	strbuf_putc(m, '\n');
}

static void show_gate_vma(struct strbuf *m)
{
	size_t line = show_vma_header_prefix(m, VSYSCALL_START, VSYSCALL_END,
					     VM_EXEC, 0, 0, 0, 0);

	show_name(m, line, "[vsyscall]", false);
	strbuf_putc(m, '\n');
}

void show_maps(struct strbuf *m, struct task_struct *task)
{
	struct vm_area_struct *vma;

	for (vma = task->mm->mmap; vma; vma = vma->vm_next)
		show_map_vma(m, vma);
	show_gate_vma(m);
}

/* SEQ_PUT_DEC: pages shown in kB, right-aligned in 8 columns. */
static void put_kb(struct strbuf *m, const char *label, unsigned long kb)
{
	strbuf_printf(m, "%s:\t%8lu kB\n", label, kb);
}

/* task_mem - the memory lines of /proc/PID/status (kernel-spec §3.1). */
static void task_mem(struct strbuf *m, struct mm_struct *mm)
{
	unsigned long anon = (unsigned long)mm->rss_stat[MM_ANONPAGES];
	unsigned long file = (unsigned long)mm->rss_stat[MM_FILEPAGES];
	unsigned long shmem = (unsigned long)mm->rss_stat[MM_SHMEMPAGES];
	unsigned long rss = anon + file + shmem, hiwater_vm, hiwater_rss;
	unsigned long text, lib;

	hiwater_vm = mm->hiwater_vm > mm->total_vm ? mm->hiwater_vm : mm->total_vm;
	hiwater_rss = mm->hiwater_rss > rss ? mm->hiwater_rss : rss;
	text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	if (text > mm->exec_vm << PAGE_SHIFT)
		text = mm->exec_vm << PAGE_SHIFT;
	lib = (mm->exec_vm << PAGE_SHIFT) - text;

	put_kb(m, "VmPeak", hiwater_vm << 2);
	put_kb(m, "VmSize", mm->total_vm << 2);
	put_kb(m, "VmLck", mm->locked_vm << 2);
	put_kb(m, "VmPin", mm->pinned_vm << 2);
	put_kb(m, "VmHWM", hiwater_rss << 2);
	put_kb(m, "VmRSS", rss << 2);
	put_kb(m, "RssAnon", anon << 2);
	put_kb(m, "RssFile", file << 2);
	put_kb(m, "RssShmem", shmem << 2);
	put_kb(m, "VmData", mm->data_vm << 2);
	put_kb(m, "VmStk", mm->stack_vm << 2);
	put_kb(m, "VmExe", text >> 10);
	put_kb(m, "VmLib", lib >> 10);
	put_kb(m, "VmPTE", mm->pgtables_bytes >> 10);
	put_kb(m, "VmSwap", (unsigned long)mm->rss_stat[MM_SWAPENTS] << 2);
	put_kb(m, "HugetlbPages", 0);	/* hugetlb_report_usage */
}

/*
 * proc_pid_status - task_name, task_state, task_mem, then the core-dump,
 * THP and thread lines. Signal, capability, seccomp and cpu lines are not
 * simulated and not printed.
 */
void proc_pid_status(struct strbuf *m, struct task_struct *task)
{
	int pid = task->pid;

	strbuf_printf(m, "Name:\t%s\n", task->comm);
	strbuf_puts(m, "Umask:\t0022\n");
	strbuf_puts(m, "State:\tS (sleeping)\n");
	strbuf_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		      "TracerPid:\t0\n", pid, pid, task->ppid);
	strbuf_puts(m, "Uid:\t1000\t1000\t1000\t1000\n"
		    "Gid:\t1000\t1000\t1000\t1000\n"
		    "FDSize:\t64\n"
		    "Groups:\t \n");	/* the kernel's trailing space */
	strbuf_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		      pid, pid, pid, pid);
	task_mem(m, task->mm);
	strbuf_puts(m, "CoreDumping:\t0\n");
	strbuf_puts(m, "THP_enabled:\t1\n");
	strbuf_puts(m, "Threads:\t1\n");
}

struct show_file_ctx {
	struct strbuf *m;
	struct sim *sim;
};

static int show_file_vma(struct vm_area_struct *vma, void *arg)
{
	struct show_file_ctx *ctx = arg;

	strbuf_printf(ctx->m, "%d %lx-%lx %c%c%c%c %lu\n",
		      vma->vm_mm->owner_pid, vma->vm_start,
		      vma->vm_end, vma->vm_flags & VM_READ ? 'r' : '-',
		      vma->vm_flags & VM_WRITE ? 'w' : '-',
		      vma->vm_flags & VM_EXEC ? 'x' : '-',
		      vma->vm_flags & VM_MAYSHARE ? 's' : 'p', vma->vm_pgoff);
	return 0;
}

/* show_file - /files/PATH: the inode, then i_mmap in tree order. */
void show_file(struct strbuf *m, struct sim *sim, struct inode *inode)
{
	struct show_file_ctx ctx = { m, sim };

	strbuf_printf(m, "path:\t%s\nsize:\t%lu\ndev:\t%02x:%02x\ninode:\t%lu\n"
		      "mapped:\t%lu\n", inode->path, inode->i_size,
		      inode->dev_major, inode->dev_minor, inode->i_ino,
		      inode->i_mmap_count);
	vma_interval_tree_foreach(&inode->i_mmap, 0, ~0UL, show_file_vma, &ctx);
}
