/*
 * spawn_slot.c: per-child stacks and private copies of what the child
 * reads (see spawn_slot.h).
 *
 * A slot is one mapping: a guard page, the stack (growing down towards
 * the guard), then the arena with the copies.  Standard-size slots are
 * kept on a short free list for the next spawn; a slot whose copies need
 * a larger arena (a very large environment) is mapped for that child
 * alone.  Busy slots are few (children between clone and exec), so they
 * are found by a linear search.
 */
#include "privd/spawn_slot.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define SLOT_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define SLOT_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define SLOT_STACK      (32 * 1024)     /* the child uses well under 4 KiB */
#define SLOT_ARENA_STD  (16 * 1024)
#define SLOT_FREE_MAX   8

struct slot {
	pid_t   pid;                    /* 0: not bound yet */
	void   *map;
	size_t  len;
	struct spawn_child *child;
};

static size_t       page;
static size_t       std_len;
static struct slot *busy;
static size_t       nbusy, busy_cap;
static void        *free_maps[SLOT_FREE_MAX];
static size_t       nfree;

/* Bump allocation; with base NULL it only measures. */
struct arena {
	char   *base;
	size_t  off;
};

static void *
arena_take(struct arena *a, size_t n, size_t align)
{
	void *p;

	a->off = (a->off + align - 1) & ~(align - 1);
	p = a->base != NULL ? a->base + a->off : NULL;
	a->off += n;
	return p;
}

static const char *
arena_str(struct arena *a, const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((p = arena_take(a, n, 1)) != NULL)
		memcpy(p, s, n);
	return p;
}

static char *const *
arena_vec(struct arena *a, char *const *v)
{
	size_t n = 0;
	char **out;

	if (v == NULL)
		return NULL;
	while (v[n] != NULL)
		n++;
	out = arena_take(a, (n + 1) * sizeof(char *), alignof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *s = arena_str(a, v[i]);
		if (out != NULL)
			out[i] = (char *)s;
	}
	if (out != NULL)
		out[n] = NULL;
	return out;
}

static void *
arena_mem(struct arena *a, const void *src, size_t n, size_t align)
{
	void *p;

	if (src == NULL)
		return NULL;
	if ((p = arena_take(a, n, align)) != NULL && n > 0)
		memcpy(p, src, n);
	return p;
}

/* Copy plan and io into the arena (or, with a->base NULL, measure them). */
static struct spawn_child *
arena_fill(struct arena *a, const struct spawn_plan *plan,
    const struct spawn_io *io)
{
	struct spawn_child *c = arena_take(a, sizeof(*c), alignof(struct spawn_child));
	struct spawn_plan *p = c != NULL ? &c->plan : NULL;
	const char *path, *chroot_dir;
	char *const *argv, *const *envp;
	const gid_t *groups;
	const struct sock_filter *filter;
	const int *inherit;

	path = arena_str(a, plan->path);
	chroot_dir = arena_str(a, plan->chroot);
	argv = arena_vec(a, plan->argv);
	groups = arena_mem(a, plan->groups,
	    (size_t)(plan->ngroups > 0 ? plan->ngroups : 0) * sizeof(gid_t),
	    alignof(gid_t));
	filter = arena_mem(a, plan->filter.filter,
	    (size_t)plan->filter.len * sizeof(struct sock_filter),
	    alignof(struct sock_filter));
	envp = arena_vec(a, io->envp);
	inherit = arena_mem(a, io->inherit,
	    (size_t)(io->ninherit > 0 ? io->ninherit : 0) * sizeof(int),
	    alignof(int));
	if (c == NULL)
		return NULL;
	*p = *plan;
	p->path = path;
	p->chroot = chroot_dir;
	p->argv = argv;
	p->groups = groups;
	p->filter.filter = (struct sock_filter *)filter;
	p->prefilter = NULL;            /* privd's: the child needs only prefiltered */
	p->env = NULL;                  /* privd's: already in envp */
	p->nenv = 0;
	c->io = *io;
	c->io.envp = envp;
	c->io.inherit = inherit;
	c->status_fd = -1;
	c->prefiltered = 0;
	return c;
}

static void *
slot_map(size_t len)
{
	void *m;

	if (nfree > 0 && len == std_len)
		m = free_maps[--nfree];
	else {
		m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		if (mprotect(m, page, PROT_NONE) == -1) {
			int e = errno;
			munmap(m, len);
			errno = e;
			return NULL;
		}
	}
	/* An earlier child's stack frames may have left it poisoned. */
	SLOT_UNPOISON((char *)m + page, len - page);
	return m;
}

static void
slot_unmap(void *m, size_t len)
{
	if (len == std_len && nfree < SLOT_FREE_MAX)
		free_maps[nfree++] = m;
	else {
		/*
		 * The child's instrumented frames poisoned the shadow of its
		 * stack; it must not outlive the mapping, or whatever is mapped
		 * here next (the child table, say) looks poisoned to ASan.
		 */
		SLOT_UNPOISON((char *)m + page, len - page);
		if (munmap(m, len) == -1)
			log_warn("munmap spawn slot");
	}
}

static void
slot_remove(size_t i)
{
	slot_unmap(busy[i].map, busy[i].len);
	busy[i] = busy[--nbusy];
}

/*
 * Take back every slot whose child the kernel says has left it (in_use
 * cleared at its exec or exit), before privd has read the status pipe's
 * end-of-file or reaped it: under load those events can wait behind many
 * others, and the slots with them.
 */
static void
slots_sweep(void)
{
	for (size_t i = nbusy; i-- > 0; )
		if (busy[i].pid != 0 &&
		    __atomic_load_n(&busy[i].child->in_use, __ATOMIC_ACQUIRE) == 0)
			slot_remove(i);
}

struct spawn_child *
spawn_slot_get(const struct spawn_plan *plan, const struct spawn_io *io,
    void **stack_top)
{
	struct arena a = { NULL, 0 };
	struct spawn_child *c;
	size_t len;
	void *m;

	if (page == 0) {
		page = (size_t)sysconf(_SC_PAGESIZE);
		std_len = page + SLOT_STACK + SLOT_ARENA_STD;
	}
	slots_sweep();
	(void)arena_fill(&a, plan, io);
	len = a.off <= SLOT_ARENA_STD ? std_len :
	    page + SLOT_STACK + ((a.off + page - 1) & ~(page - 1));
	if (nbusy == busy_cap) {
		size_t ncap = busy_cap ? busy_cap * 2 : 16;
		busy = xreallocarray(busy, ncap, sizeof(*busy));
		busy_cap = ncap;
	}
	if ((m = slot_map(len)) == NULL)
		return NULL;
	a.base = (char *)m + page + SLOT_STACK;
	a.off = 0;
	c = arena_fill(&a, plan, io);
	busy[nbusy].pid = 0;
	busy[nbusy].map = m;
	busy[nbusy].len = len;
	busy[nbusy].child = c;
	nbusy++;
	*stack_top = (char *)m + page + SLOT_STACK;
	return c;
}

void
spawn_slot_bind(struct spawn_child *c, pid_t pid)
{
	for (size_t i = nbusy; i-- > 0; )
		if (busy[i].child == c) {
			busy[i].pid = pid;
			return;
		}
}

void
spawn_slot_drop(struct spawn_child *c)
{
	for (size_t i = nbusy; i-- > 0; )
		if (busy[i].child == c && busy[i].pid == 0) {
			slot_remove(i);
			return;
		}
}

void
spawn_slot_release(pid_t pid)
{
	if (pid <= 0)
		return;
	for (size_t i = nbusy; i-- > 0; )
		if (busy[i].pid == pid) {
			slot_remove(i);
			return;
		}
}

size_t
spawn_slots_busy(void)
{
	return nbusy;
}
