/*
 * clone_request.h: one clone(2) that privd's main thread asks another of
 * its threads to make (spawn_bset.c's keeping thread, spawn_prefilter.c's
 * filter threads), so that the child inherits that thread's bounding set
 * or seccomp filter.  The asking side fills the request, hands it over
 * under the owner's own synchronisation, and reads the answer back.
 */
#ifndef HINETD_CLONE_REQUEST_H
#define HINETD_CLONE_REQUEST_H

#include <errno.h>
#include <sched.h>
#include <sys/types.h>
#include <unistd.h>

struct clone_request {
	/* Asked: clone(fn, stack, flags, arg, NULL, NULL, ctid). */
	int           (*fn)(void *);
	void           *stack, *arg;
	int             flags;
	pid_t          *ctid;
	/* Closed by the asked thread once the clone is made (or failed); -1: none. */
	int             close_fd[2];
	/* Answered: the pid, or -1 and the errno. */
	pid_t           pid;
	int             err;
};

static inline void
clone_request_ask(struct clone_request *r, int (*fn)(void *), void *stack,
    int flags, void *arg, pid_t *ctid)
{
	r->fn = fn;
	r->stack = stack;
	r->flags = flags;
	r->arg = arg;
	r->ctid = ctid;
	r->close_fd[0] = r->close_fd[1] = -1;
}

/* In the thread asked. */
static inline void
clone_request_run(struct clone_request *r)
{
	r->pid = clone(r->fn, r->stack, r->flags, r->arg, NULL, NULL, r->ctid);
	r->err = r->pid == -1 ? errno : 0;
	for (int i = 0; i < 2; i++)
		if (r->close_fd[i] >= 0)
			(void)close(r->close_fd[i]);
}

/* Back in the asking thread: the pid, or -1 with errno set. */
static inline pid_t
clone_request_answer(const struct clone_request *r)
{
	if (r->pid == -1)
		errno = r->err;
	return r->pid;
}

#endif
