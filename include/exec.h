/* include/exec.h - the heap (brk(2), mm/mmap.c of v5.15, kernel-spec
 * §4.11) and execve(2) of a simulated image (fs/exec.c and
 * fs/binfmt_elf.c of v5.15, §4.3.3, §4.4.2), core/brk.c and core/exec.c.
 *
 * The image exec builds, with no ASLR (x86_64, 4-level paging, the
 * 8 MiB stack rlimit), bottom to top:
 *
 *   ELF_ET_DYN_BASE   the program, a PIE: four PT_LOAD segments back to
 *                     back (r--p headers, r-xp text, r--p rodata, rw-p
 *                     data; p_offset == p_vaddr, page aligned, no holes),
 *                     then its bss: an anonymous rw-p VMA from
 *                     vm_brk_flags, which touches start_brk and so shows
 *                     as [heap]. start_brk = brk = the end of the bss (no
 *                     brk randomisation).
 *   below libc's      libc.so.6's four segments and its bss (mapped
 *                     top-down by ld.so, below the loader)
 *   mmap_base - span  the loader's four segments and its bss page
 *                     (mapped top-down by load_elf_interp: it ends at
 *                     mmap_base)
 *   STACK_TOP-132KiB  [stack]: argument page + 128 KiB (setup_arg_pages'
 *                     stack_expand), VM_GROWSDOWN|VM_ACCOUNT, no
 *                     VM_SOFTDIRTY; its top page (the argument strings)
 *                     faulted in by a write, as copy_strings does.
 *
 * Not simulated: [vdso] and [vvar] (special mappings; rmapfs has none),
 * ld.so's RELRO mprotect and relocation writes, and every other page the
 * program or the loader would touch: the image is as the kernel and the
 * loader leave it before the program's first instruction.
 */
#ifndef RMAPFS_EXEC_H
#define RMAPFS_EXEC_H

#include "mm_types.h"

/* ELF_ET_DYN_BASE: DEFAULT_MAP_WINDOW / 3 * 2, page aligned (load_bias
 * with a 4 KiB p_align). */
#define ELF_ET_DYN_BASE		0x555555554000UL
/* STACK_TOP = STACK_TOP_MAX = TASK_SIZE without ASLR. */
#define STACK_TOP		TASK_SIZE
/* The stack at exec: one argument page plus stack_expand (128 KiB). */
#define EXEC_STACK_SIZE		(PAGE_SIZE + 131072UL)
/* arch_pick_mmap_layout without ASLR: TASK_SIZE - clamp(8 MiB rlimit +
 * 1 MiB guard gap, 128 MiB, ...) = TASK_SIZE - 128 MiB (kernel-spec
 * §4.4.2). Spawned processes keep RMAPFS_MMAP_BASE. */
#define EXEC_MMAP_BASE		0x7ffff7fff000UL

/* The loader (PT_INTERP) and the one library, created at their first
 * exec when absent, with these sizes in bytes (glibc 2.36 of Debian 12). */
#define EXEC_INTERP_PATH	"/lib64/ld-linux-x86-64.so.2"
#define EXEC_INTERP_SIZE	210968UL
#define EXEC_LIBC_PATH		"/lib/x86_64-linux-gnu/libc.so.6"
#define EXEC_LIBC_SIZE		1922136UL

/*
 * struct elf_layout - one image as rmapfs lays it out, in pages: four
 * PT_LOAD segments back to back from file offset 0, then the bss.
 */
struct elf_layout {
	unsigned long hdr;	/* r--: ELF and program headers, .dynsym, ... */
	unsigned long text;	/* r-x: .text (PF_X: start_code..end_code) */
	unsigned long rodata;	/* r--: .rodata, .eh_frame */
	unsigned long data;	/* rw-: .data.rel.ro, .got, .data */
	unsigned long bss;	/* rw- anonymous, past the file's part */
};

/*
 * exec_layout_program - the program's layout for a file of @npages
 * (PAGE_ALIGN(i_size) / 4096) pages: u = max(1, npages / 8) pages each of
 * headers, data and bss; text = max(1, 2 * (npages - 2u) / 3); rodata the
 * rest. Return: 0, or -ENOEXEC when @npages < 4 (no room for the four
 * segments; an empty file is ENOEXEC for execve(2) too).
 */
int exec_layout_program(unsigned long npages, struct elf_layout *l);
/* The fixed layouts of the loader (1/37/10/4 + 1 bss page) and of libc
 * (38/341/83/6 + 13 bss pages), whatever their files' sizes. */
extern const struct elf_layout exec_interp_layout, exec_libc_layout;

/*
 * do_execve - execve(2) of the simulated file @path by @task: a new mm
 * with the image above replaces the old one (which is then torn down as
 * at exit); pid and parent stay; comm becomes the basename of @path
 * (15 bytes at most). The loader and libc files are created first if
 * absent. Errors: -ENOENT (no such file), -EACCES (@path, or the loader
 * or libc path, is a directory), -ENOTDIR (a prefix of the loader or libc
 * path is a file), -ENOEXEC (see exec_layout_program), -EFAULT (the
 * stack cannot grow to 132 KiB: fewer frames than its pages, as
 * setup_arg_pages reports it), -ENOMEM (out of memory, a segment too big
 * for the overcommit check, vm.max_map_count too low for the image, or a
 * program too big for the room below the libraries). On failure nothing
 * changed: no file was created, the old mm is intact.
 */
struct task_struct;
int do_execve(struct sim *sim, struct task_struct *task, const char *path);

/*
 * sys_brk - brk(2) with v5.15 semantics (§4.11; CONFIG_COMPAT_BRK off, so
 * the floor is start_brk; RLIMIT_DATA unlimited): shrinking unmaps the
 * pages above the new break, growing needs a free page between the new
 * break and vm_start_gap() of the next VMA and goes through
 * do_brk_flags. *@result gets the break afterwards: @brk on success, the
 * unchanged old break when refused (as brk(2) returns it).
 * Return: 0; -ENOMEM only when memory for the simulator's own objects ran
 * out, with nothing changed.
 */
int sys_brk(struct mm_struct *mm, unsigned long brk, unsigned long *result);

/*
 * do_brk_flags - an anonymous rw-p VMA for [@addr, @addr + @len) (@len
 * page aligned) with VM_ACCOUNT, @flags (only VM_EXEC allowed) and
 * def_flags, merged with the VMA before it when vma_merge allows (the
 * heap grows so), VM_SOFTDIRTY OR-ed in; pgoff = @addr >> 12. Anything
 * mapped there is unmapped first. Return: 0, or -EINVAL, -ENOMEM,
 * -EPERM, -EAGAIN with @mm unchanged.
 */
int do_brk_flags(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned long flags);

#endif
