/* core/proc_rmap.c - views of the anonymous reverse map that the kernel
 * keeps but never shows: /anon_vma/ID (one struct anon_vma, its chains in
 * interval-tree order, the pages filed under it) and the Graphviz graphs
 * /graph.dot and /PID/anon_vma.dot of processes, VMAs, anon_vma_chains and
 * anon_vmas, drawn like the figures of the rmap articles on v5.15
 * (kernel-spec §5.1, §5.8; mm/rmap.c).
 *
 * Node names are built from pids, addresses and anon_vma ids only, so the
 * same state always gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"
#include "page.h"
#include "proc.h"
#include "task.h"

/* ---- /anon_vma/ID ---- */

struct show_avc_ctx {
	struct strbuf *m;
	struct anon_vma *av;
};

static int show_avc(struct anon_vma_chain *avc, void *arg)
{
	struct show_avc_ctx *ctx = arg;
	struct vm_area_struct *vma = avc->vma;

	strbuf_printf(ctx->m, "%d %lx-%lx pgoff %#lx-%#lx%s\n",
		      vma->vm_mm->owner_pid, vma->vm_start, vma->vm_end,
		      avc_start_pgoff(avc), avc_last_pgoff(avc),
		      vma->anon_vma == ctx->av ? " anon_vma" : "");
	return 0;
}

/*
 * show_anon_vma - /anon_vma/ID. The "anon_vma" mark on an AVC line says
 * that VMA's own vma->anon_vma is this one (it files new pages here);
 * unmarked lines are VMAs that only may map pages filed here (fork
 * clones linked to ancestors).
 */
void show_anon_vma(struct strbuf *m, struct sim *sim, struct anon_vma *av)
{
	struct show_avc_ctx ctx = { m, av };
	unsigned long pfn, nr = 0;

	strbuf_printf(m, "id:\t%lu\nroot:\t%lu\nparent:\t%lu\nrefcount:\t%ld\n"
		      "degree:\t%lu\navcs:\t%lu\n", av->id, av->root->id,
		      av->parent->id, av->refcount, av->degree, av->nr_avcs);
	anon_vma_interval_tree_foreach(&av->rb_root, 0, ~0UL, show_avc, &ctx);
	/* fine while frames are few: a scan for page_anon_vma() == av */
	for (pfn = 0; pfn < sim->opt.frames; pfn++) {
		struct page *page = pfn_to_page(sim, pfn);

		if (page_in_use(page) && page_anon_vma(page) == av)
			nr++;
	}
	strbuf_printf(m, "pages:\t%lu\n", nr);
	for (pfn = 0; nr && pfn < sim->opt.frames; pfn++) {
		struct page *page = pfn_to_page(sim, pfn);

		if (page_in_use(page) && page_anon_vma(page) == av)
			strbuf_printf(m, "%lu %#lx\n", pfn, page->index);
	}
}

/* ---- graphs ---- */

/* A set of anon_vmas to draw, kept sorted by id when printed. */
struct av_set {
	struct anon_vma **v;
	size_t n, cap;
	bool failed;
};

static void av_set_push(struct av_set *s, struct anon_vma *av)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct anon_vma **v = rm_realloc(s->v, cap * sizeof(*v));

		if (!v) {
			s->failed = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = av;
}

/* Add @av unless present; a process reaches few anon_vmas, so a linear
 * search is enough. */
static void av_set_add(struct av_set *s, struct anon_vma *av)
{
	size_t i;

	if (!s)
		return;		/* drawing them all anyway */
	for (i = 0; i < s->n; i++)
		if (s->v[i] == av)
			return;
	av_set_push(s, av);
}

static int av_cmp(const void *a, const void *b)
{
	const struct anon_vma *x = *(struct anon_vma *const *)a;
	const struct anon_vma *y = *(struct anon_vma *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void vma_node(struct strbuf *m, const struct vm_area_struct *vma)
{
	strbuf_printf(m, "pid%d_vma_%lx", vma->vm_mm->owner_pid, vma->vm_start);
}

static void avc_node(struct strbuf *m, const struct anon_vma_chain *avc)
{
	strbuf_printf(m, "avc_%d_%lx_%lu", avc->vma->vm_mm->owner_pid,
		      avc->vma->vm_start, avc->anon_vma->id);
}

/* The label of a VMA node: range, perms, and what backs it. */
static void vma_label(struct strbuf *m, const struct vm_area_struct *vma)
{
	unsigned long f = vma->vm_flags;

	strbuf_printf(m, "%lx-%lx\\n%c%c%c%c", vma->vm_start, vma->vm_end,
		      f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-',
		      f & VM_EXEC ? 'x' : '-', f & VM_MAYSHARE ? 's' : 'p');
	if (vma->vm_file) {
		const struct inode *inode = vma->vm_file->f_inode;
		const char *c;

		strbuf_putc(m, ' ');
		/* DOT string: escape quotes and backslashes of the path */
		for (c = inode->shmem ? "/dev/zero" : inode->path; *c; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_putc(m, '\\');
			strbuf_putc(m, *c);
		}
	}
}

/* One process: a cluster with its node, its VMAs and their AVCs, in
 * address order and chain order (newest AVC first, the root's last).
 * The anon_vmas it reaches are added to @avs (unless NULL). */
static void graph_task(struct strbuf *m, struct task_struct *task,
		       struct av_set *avs)
{
	struct vm_area_struct *vma;
	struct anon_vma_chain *avc;
	int pid = task->pid;

	strbuf_printf(m, "\tsubgraph cluster_pid%d {\n\t\tlabel=\"pid %d\";\n",
		      pid, pid);
	strbuf_printf(m, "\t\tpid%d [shape=box, style=filled, fillcolor=lightgrey, "
		      "label=\"pid %d\\n%s\"];\n", pid, pid, task->comm);
	for (vma = task->mm->mmap; vma; vma = vma->vm_next) {
		strbuf_puts(m, "\t\t");
		vma_node(m, vma);
		strbuf_puts(m, " [shape=box, label=\"");
		vma_label(m, vma);
		strbuf_puts(m, "\"];\n");
		strbuf_printf(m, "\t\tpid%d -> ", pid);
		vma_node(m, vma);
		strbuf_puts(m, ";\n");
		SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma) {
			strbuf_puts(m, "\t\t");
			avc_node(m, avc);
			strbuf_puts(m, " [shape=ellipse, style=dashed, fontsize=10, "
				    "label=\"AVC\"];\n\t\t");
			vma_node(m, vma);
			strbuf_puts(m, " -> ");
			avc_node(m, avc);
			strbuf_puts(m, ";\n");
			av_set_add(avs, avc->anon_vma);
		}
	}
	strbuf_puts(m, "\t}\n");
	/* edges to anon_vmas sit outside the cluster, with the anon_vmas */
	for (vma = task->mm->mmap; vma; vma = vma->vm_next) {
		SLIST_FOREACH(avc, &vma->anon_vma_chain, same_vma) {
			strbuf_puts(m, "\t");
			avc_node(m, avc);
			strbuf_printf(m, " -> av%lu;\n", avc->anon_vma->id);
		}
		if (vma->anon_vma) {
			strbuf_puts(m, "\t");
			vma_node(m, vma);
			strbuf_printf(m, " -> av%lu [style=bold, color=blue, "
				      "label=\"anon_vma\"];\n", vma->anon_vma->id);
			av_set_add(avs, vma->anon_vma);
		}
	}
}

/*
 * show_rmap_graph - a digraph: process -> VMA -> AVC -> anon_vma, the
 * VMA's own anon_vma as a bold edge, and between anon_vmas a dashed edge
 * to the parent and a dotted one to the root (a root, its own parent and
 * root, has neither). With @task NULL every process and every live
 * anon_vma is drawn; otherwise one process and the anon_vmas it reaches,
 * with their parents and roots.
 */
void show_rmap_graph(struct strbuf *m, struct sim *sim,
		     struct task_struct *task)
{
	struct av_set avs = { NULL, 0, 0, false };
	struct anon_vma *av;
	size_t i;

	strbuf_printf(m, "digraph %s {\n\trankdir=LR;\n\tnode [fontname=\"monospace\"];\n",
		      task ? "anon_vma" : "rmap");
	if (task) {
		graph_task(m, task, &avs);
		/* parents and roots, transitively: i walks the growing set */
		for (i = 0; i < avs.n; i++) {
			av_set_add(&avs, avs.v[i]->parent);
			av_set_add(&avs, avs.v[i]->root);
		}
	} else {
		size_t n = task_count(sim), k;
		int *pids = rm_calloc(n + 1, sizeof(*pids));

		if (!pids) {
			m->failed = true;
			return;
		}
		n = task_pids(sim, pids, n);
		for (k = 0; k < n; k++)
			graph_task(m, find_task(sim, pids[k]), NULL);
		free(pids);
		/* every live one, zombies kept by a refcount included; the
		 * id tree gives them in order already */
		for (av = anon_vma_first(sim); av; av = anon_vma_next(sim, av))
			av_set_push(&avs, av);
	}
	if (avs.failed) {
		m->failed = true;
		free(avs.v);
		return;
	}
	if (avs.n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(avs.v, avs.n, sizeof(*avs.v), av_cmp);
	for (i = 0; i < avs.n; i++) {
		av = avs.v[i];
		strbuf_printf(m, "\tav%lu [shape=ellipse, style=filled, fillcolor=%s, "
			      "label=\"anon_vma %lu%s\\ndegree=%lu refcount=%ld\"];\n",
			      av->id, av->root == av ? "gold" : "lightyellow",
			      av->id, av->root == av ? " (root)" : "",
			      av->degree, av->refcount);
	}
	for (i = 0; i < avs.n; i++) {
		av = avs.v[i];
		if (av->parent != av)
			strbuf_printf(m, "\tav%lu -> av%lu [style=dashed, label=\"parent\"];\n",
				      av->id, av->parent->id);
		if (av->root != av)
			strbuf_printf(m, "\tav%lu -> av%lu [style=dotted, label=\"root\"];\n",
				      av->id, av->root->id);
	}
	strbuf_puts(m, "}\n");
	free(avs.v);
}
