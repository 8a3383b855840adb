/* core/exec.c - execve(2) of a simulated program image, as fs/exec.c
 * (bprm_mm_init, setup_arg_pages, exec_mmap) and fs/binfmt_elf.c
 * (load_elf_binary, load_elf_interp, set_brk) of v5.15 do it for a
 * dynamically linked PIE on x86_64 without ASLR, followed by what ld.so
 * does before the program starts: map libc.so.6 top-down below itself,
 * with its bss. The layout is in include/exec.h.
 *
 * Simulated files have no ELF headers, so the segment table is made up:
 * the program's from its size (exec_layout_program), the loader's and
 * libc's fixed. Every segment starts on a page boundary, so there is no
 * partial bss page to zero (no padzero write).
 *
 * Order of effects, as the kernel's: the new mm's stack VMA and its
 * argument page are made while the old mm still holds its frames (the
 * page takes the lowest frame free then); the old mm is torn down, as at
 * exit, once the new one is complete.
 *
 * Atomicity: every check is made and every object reserved before the
 * first change; the files created for the loader and libc and the new mm
 * are undone if the argument-page fault fails; after it nothing can fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "memory.h"
#include "mm_internal.h"
#include "page.h"
#include "task.h"

/* VM_STACK_FLAGS of x86_64: VM_GROWSDOWN, the data default flags,
 * VM_ACCOUNT; setup_arg_pages drops VM_SOFTDIRTY. */
#define VM_STACK_FLAGS	(VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | \
			 VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT)

const struct elf_layout exec_interp_layout = { 1, 37, 10, 4, 1 };
const struct elf_layout exec_libc_layout = { 38, 341, 83, 6, 13 };

int exec_layout_program(unsigned long npages, struct elf_layout *l)
{
	unsigned long u;

	if (npages < 4)
		return -ENOEXEC;
	u = npages / 8 ? npages / 8 : 1;
	l->hdr = l->data = l->bss = u;
	l->text = 2 * (npages - 2 * u) / 3;
	if (!l->text)
		l->text = 1;
	l->rodata = npages - 2 * u - l->text;
	return 0;
}

static unsigned long file_pages(const struct elf_layout *l)
{
	return l->hdr + l->text + l->rodata + l->data;
}

/* total_mapping_size: from the first segment's start to the bss's end. */
static unsigned long image_span(const struct elf_layout *l)
{
	return (file_pages(l) + l->bss) << PAGE_SHIFT;
}

/* VMAs the image makes: one per non-empty segment. */
static int image_vmas(const struct elf_layout *l)
{
	return !!l->hdr + !!l->text + !!l->rodata + !!l->data + !!l->bss;
}

/* The overcommit check of the image's accountable VMAs (data, bss). */
static int image_enough_memory(struct mm_struct *mm, const struct elf_layout *l)
{
	if (vm_enough_memory(mm, l->data) || vm_enough_memory(mm, l->bss))
		return -ENOMEM;
	return 0;
}

/* The one PT_LOAD segment of @pages at *@addr, file offset *@off; both
 * advance. MAP_FIXED onto free space, checked: cannot fail. */
static void map_segment(struct mm_struct *mm, struct file *file,
			unsigned long *addr, unsigned long *off,
			unsigned long pages, unsigned long prot)
{
	if (pages && do_mmap(mm, *addr, pages << PAGE_SHIFT, prot,
			     MAP_PRIVATE | MAP_FIXED, file,
			     *off) != (long)*addr)
		abort();	/* checked and reserved */
	*addr += pages << PAGE_SHIFT;
	*off += pages;
}

/*
 * map_image - the four segments of @l from @base, all through one open
 * @file (one struct file, as one fd is: the segments could merge), then
 * the bss. @user_bss: ld.so maps libc's bss with an anonymous MAP_FIXED
 * mmap; the kernel maps the program's and the loader's with vm_brk_flags.
 * The VMA is the same either way. Return: the end of the image.
 */
static unsigned long map_image(struct mm_struct *mm, struct file *file,
			       unsigned long base, const struct elf_layout *l,
			       bool user_bss)
{
	unsigned long addr = base, off = 0;

	map_segment(mm, file, &addr, &off, l->hdr, PROT_READ);
	map_segment(mm, file, &addr, &off, l->text, PROT_READ | PROT_EXEC);
	map_segment(mm, file, &addr, &off, l->rodata, PROT_READ);
	map_segment(mm, file, &addr, &off, l->data, PROT_READ | PROT_WRITE);
	if (!l->bss)
		return addr;
	if (user_bss) {
		if (do_mmap(mm, addr, l->bss << PAGE_SHIFT, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0) !=
		    (long)addr)
			abort();
	} else if (do_brk_flags(mm, addr, l->bss << PAGE_SHIFT, 0)) {
		abort();
	}
	return addr + (l->bss << PAGE_SHIFT);
}

/* The basename of @path, as kbasename gives it to __set_task_comm. */
static const char *kbasename(const char *path)
{
	const char *tail = strrchr(path, '/');

	return tail ? tail + 1 : path;
}

/* The files one exec needs, and what it must undo if it fails. */
struct exec_files {
	struct inode *inode[3];		/* program, loader, libc */
	struct file *file[3];		/* one open each */
	bool created[3];
	unsigned long next_ino;		/* sim->next_ino before any creation */
};

static const char *const exec_lib_path[3] = { NULL, EXEC_INTERP_PATH,
					      EXEC_LIBC_PATH };
static const unsigned long exec_lib_size[3] = { 0, EXEC_INTERP_SIZE,
						EXEC_LIBC_SIZE };

/* Close the opens, then unlink what was created (its inode number is
 * handed out again: a failed exec leaves no trace in /files). */
static void exec_files_undo(struct sim *sim, struct exec_files *f)
{
	int i;

	for (i = 0; i < 3; i++)
		if (f->file[i])
			fput(sim, f->file[i]);
	for (i = 2; i > 0; i--)
		if (f->created[i])
			file_unlink(sim, exec_lib_path[i]);
	sim->next_ino = f->next_ino;
}

/* open_exec of a path that is not a regular file: a directory is EACCES;
 * a path through a file is ENOTDIR (file_create's answer). */
static int lib_error(int err)
{
	return err == -EISDIR ? -EACCES : err;
}

/* Create the loader and libc when absent, then open all three files.
 * Return: 0, or -errno with everything undone. */
static int exec_files_get(struct sim *sim, struct exec_files *f)
{
	int i, err;

	f->next_ino = sim->next_ino;
	for (i = 1; i < 3; i++) {
		f->inode[i] = inode_lookup(sim, exec_lib_path[i]);
		if (f->inode[i])
			continue;
		if (file_is_dir(sim, exec_lib_path[i])) {
			err = -EACCES;
			goto undo;
		}
		err = file_create(sim, exec_lib_path[i], exec_lib_size[i]);
		if (err) {
			err = lib_error(err);
			goto undo;
		}
		f->created[i] = true;
		f->inode[i] = inode_lookup(sim, exec_lib_path[i]);
	}
	for (i = 0; i < 3; i++) {
		f->file[i] = file_open(f->inode[i]);
		if (!f->file[i]) {
			err = -ENOMEM;
			goto undo;
		}
	}
	return 0;
undo:
	exec_files_undo(sim, f);
	return err;
}

/*
 * bprm_mm_init + setup_arg_pages: the stack VMA at its final size (the
 * kernel makes one page, then expand_stack adds stack_expand; the VMA,
 * its pgoff = vm_start >> 12 and the counters come out the same), then
 * the write fault of copy_strings on the argument page.
 * Return: 0, or -ENOMEM from the fault with only the VMA to undo.
 */
static int exec_stack(struct mm_struct *mm)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);	/* reserved */

	vma->vm_start = STACK_TOP - EXEC_STACK_SIZE;
	vma->vm_end = STACK_TOP;
	vma->vm_flags = VM_STACK_FLAGS | mm->def_flags;
	vma->vm_pgoff = vma->vm_start >> PAGE_SHIFT;
	vma_link(mm, vma, NULL);
	vm_stat_account(mm, vma->vm_flags, (long)vma_pages(vma));
	/* bprm->p ends in this page; only the [stack] name reads it */
	mm->start_stack = STACK_TOP - PAGE_SIZE;
	return access_touch(mm, STACK_TOP - PAGE_SIZE, PAGE_SIZE, true);
}

int do_execve(struct sim *sim, struct task_struct *task, const char *path)
{
	struct elf_layout prog;
	const struct elf_layout *lay[3] = { &prog, &exec_interp_layout,
					    &exec_libc_layout };
	unsigned long base[3], end, pages, brk;
	struct exec_files f;
	struct mm_struct *mm, *old = task->mm;
	int err, i, nr_vmas = 1;

	memset(&f, 0, sizeof(f));
	f.inode[0] = inode_lookup(sim, path);
	if (!f.inode[0])
		return file_is_dir(sim, path) ? -EACCES : -ENOENT;
	pages = f.inode[0]->i_size / PAGE_SIZE +
		!!offset_in_page(f.inode[0]->i_size);
	err = exec_layout_program(pages, &prog);
	if (err)
		return err;

	/* Where everything goes: the loader ends at mmap_base, libc below
	 * it (the highest gaps below mmap_base, the stack's guard gap being
	 * above it); the program must end below libc. */
	base[0] = ELF_ET_DYN_BASE;
	base[1] = EXEC_MMAP_BASE - image_span(&exec_interp_layout);
	base[2] = base[1] - image_span(&exec_libc_layout);
	if (file_pages(&prog) + prog.bss > (base[2] - base[0]) >> PAGE_SHIFT)
		return -ENOMEM;

	/* The checks the kernel and ld.so would meet on the way. */
	if (!nr_free_frames(sim))
		return -ENOMEM;		/* the argument page */
	if (vm_enough_memory(old, EXEC_STACK_SIZE >> PAGE_SHIFT))
		return -EFAULT;		/* expand_stack in setup_arg_pages */
	for (i = 0; i < 3; i++) {
		nr_vmas += image_vmas(lay[i]);
		err = image_enough_memory(old, lay[i]);
		if (err)
			return err;
	}
	/* each mmap checks map_count > max before adding its VMA */
	if (nr_vmas - 1 > sim->sysctl.max_map_count)
		return -ENOMEM;

	/* Allocate: the mm, the pools (every mmap's reserve_for_range, the
	 * argument page's fault), the files. */
	mm = mm_alloc(sim);
	if (!mm)
		return -ENOMEM;
	mm->mmap_base = EXEC_MMAP_BASE;
	mm->def_flags = old->def_flags & VM_NOHUGEPAGE;	/* VM_INIT_DEF_MASK */
	mm->owner_pid = task->pid;
	err = sim_reserve(sim, (unsigned long)nr_vmas + 3, 16, 2);
	if (!err)
		err = sim_reserve_tables(sim, 4);
	if (!err)
		err = exec_files_get(sim, &f);
	if (err)
		goto free_mm;

	err = exec_stack(mm);
	if (err) {
		exec_files_undo(sim, &f);
		goto free_mm;
	}

	/* From here on nothing can fail. */
	end = map_image(mm, f.file[0], base[0], &prog, /* user_bss = */ false);
	/* set_brk: the heap starts right after the bss (no randomisation) */
	mm->start_brk = mm->brk = brk = end;
	map_image(mm, f.file[1], base[1], &exec_interp_layout,
		  /* user_bss = */ false);
	map_image(mm, f.file[2], base[2], &exec_libc_layout,
		  /* user_bss = */ true);
	for (i = 0; i < 3; i++)
		fput(sim, f.file[i]);	/* the VMAs hold their own references */

	/* load_elf_binary: code is the PF_X segment; data starts at the
	 * last PT_LOAD and ends with its file part */
	mm->start_code = base[0] + (prog.hdr << PAGE_SHIFT);
	mm->end_code = mm->start_code + (prog.text << PAGE_SHIFT);
	mm->start_data = base[0] + ((file_pages(&prog) - prog.data) << PAGE_SHIFT);
	mm->end_data = base[0] + (file_pages(&prog) << PAGE_SHIFT);
	/* the munmaps of elf_map's total_size trick and of ld.so's mapping
	 * of libc over its reservation each raised hiwater_vm to total_vm;
	 * the last saw the whole image */
	mm->hiwater_vm = mm->total_vm;

	/* exec_mmap: the new mm in, the old one torn down as at exit */
	task->mm = mm;
	mmput(old);
	memset(task->comm, 0, sizeof(task->comm));
	strncpy(task->comm, kbasename(path), sizeof(task->comm) - 1);
	trace(sim, "load_elf_binary", "pid %d: %s at %lx, brk %lx, interp at %lx, libc at %lx",
	      task->pid, path, base[0], brk, base[1], base[2]);
	return 0;

free_mm:
	mmput(mm);
	return err;
}
