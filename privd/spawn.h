/*
 * spawn.h: the one spawn path.  Every process privd creates (the listener,
 * and every service child of every kind) starts here, so the confinement
 * steps can never be skipped by a second path.
 *
 * Everything the child needs is computed before the spawn (struct
 * spawn_plan at configuration load, struct spawn_io per connection): the
 * child does only raw system calls on its own copy of that data (its
 * slot, spawn_slot.h), so that it is safe in a clone that shares privd's
 * memory until execve while privd goes on (spawn.c).
 */
#ifndef HINETD_SPAWN_H
#define HINETD_SPAWN_H

#include <linux/capability.h>
#include <linux/filter.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "policy/service.h"
#include "privd/clone_request.h"

#define SPAWN_CAPS_MAX 64

struct spawn_prefilter;                 /* spawn_prefilter.h */

/* Precomputed once per service per configuration load. */
struct spawn_plan {
	int            built;           /* spawn_plan_build succeeded in part */
	/* What runs. */
	int            exec_fd;         /* >= 0: execveat(exec_fd, "") instead of path */
	const char    *path;
	char *const   *argv;

	/* Credentials. */
	uid_t          uid;
	gid_t          gid;
	const gid_t   *groups;
	int            ngroups;

	/* Capabilities: bounding set drops, the capset() data, ambient raises. */
	uint64_t       keep;            /* the granted set, one bit per capability */
	int            bset_drop[SPAWN_CAPS_MAX];
	int            nbset_drop;
	struct __user_cap_header_struct cap_hdr;
	struct __user_cap_data_struct   cap_data[2];
	int            ambient[SPAWN_CAPS_MAX];
	int            nambient;
	unsigned long  securebits;

	/* Process attributes. */
	int            umask;           /* -1: leave */
	int            nice_set, nice;
	struct rlimit  rlim[SVC_RLIMIT_COUNT];
	int            rlim_res[SVC_RLIMIT_COUNT];
	unsigned       rlim_set;
	const char    *chroot;
	int            no_new_privs;
	int            landlock_fd;     /* ruleset built at load, or -1 */
	int            landlock_shared; /* landlock_fd is the scope-only ruleset
	                                   every such plan shares: not closed */

	/* Signals whose disposition must be reset to default (normally none). */
	int            sig_reset[65];
	int            nsig_reset;

	/* seccomp filter, exported BPF; len 0: none. */
	struct sock_fprog filter;
	/*
	 * The thread that holds filter installed and clones this plan's
	 * children, or NULL: the child installs it (spawn_prefilter_attach).
	 */
	struct spawn_prefilter *prefilter;

	/* Static environment ("PATH=...", env, passenv); NULL-terminated. */
	char         **env;
	size_t         nenv;
};

/* Per spawn. */
struct spawn_io {
	int            stdio_fd;        /* becomes 0, 1, 2; -1: keep 0-2 as they are */
	const int     *inherit;         /* kept open across exec (listener only) */
	int            ninherit;
	char *const   *envp;
};

/* Which confinement step failed in the child (reported with its errno). */
enum spawn_step {
	STEP_NONE = 0, STEP_LANDLOCK, STEP_SETSID, STEP_STDIO, STEP_CLOSE, STEP_RLIMIT,
	STEP_UMASK, STEP_NICE, STEP_CHROOT, STEP_CHDIR, STEP_BSET, STEP_SECUREBITS,
	STEP_SETGROUPS, STEP_SETGID, STEP_SETUID, STEP_DUMPABLE, STEP_CAPSET,
	STEP_AMBIENT, STEP_NNP, STEP_SECCOMP, STEP_SIGMASK, STEP_EXEC,
};

const char *spawn_step_name(enum spawn_step step);

/*
 * 1 if filter f allows every call a child of plan makes from its clone up
 * to and including its execve (and the calls of a failed step), with the
 * arguments those calls are known to have at load; 0 if it may deny one
 * or cannot tell.  Only then may the child start with f already in force.
 */
int   spawn_plan_filter_admits(const struct spawn_plan *plan,
          const struct sock_fprog *f);

/*
 * Start a confined child; privd does not wait for it.  Returns its pid, or
 * -1 with *err when its slot, the status pipe or clone failed.  *status_fd
 * is the read end (non-blocking, close-on-exec) of the child's status
 * pipe: give it to spawn_status() when it is readable, or once the child
 * was reaped.  Every pid it returns must be given to spawn_reaped() when
 * it is reaped.
 */
pid_t spawn_start(const struct spawn_plan *plan, const struct spawn_io *io,
    int *status_fd, int *err);

/*
 * spawn_start in two halves, so that privd can go on with the next
 * request while a filter thread (spawn_prefilter.h) makes this one's
 * clone: spawn_begin prepares the child's slot and status pipe and asks
 * for the clone, or makes it at once where no thread does; spawn_end takes
 * the answer and returns what spawn_start would have.  With close_stdio,
 * io->stdio_fd is closed once the clone is made (by the thread, if it
 * makes it): from a successful spawn_begin on, the caller must neither use
 * nor close it.  The caller keeps the handle in place until spawn_end,
 * which it calls for every handle spawn_begin returned 0 for;
 * spawn_answered says whether spawn_end would wait.  spawn_begin returns
 * -1 with *err when nothing was begun (and nothing closed).
 */
struct spawn_handle {
	struct spawn_child     *child;  /* its slot */
	struct spawn_prefilter *thread; /* asked of it; NULL: made at once */
	uint32_t                ticket;
	struct clone_request    req;
	int                     status_rd;
	pid_t                   pid;    /* when made at once */
	int                     err;
};

int   spawn_begin(const struct spawn_plan *plan, const struct spawn_io *io,
          int close_stdio, struct spawn_handle *h, int *err);
int   spawn_answered(const struct spawn_handle *h);
pid_t spawn_end(struct spawn_handle *h, int *status_fd, int *err);

/*
 * How the confinement of child pid ended: 0 it exec'd, 1 a step failed
 * (*step, *err; the child exits 127); -1 not known yet.  The caller
 * closes fd once it is known.
 */
int   spawn_status(pid_t pid, int fd, int *err, enum spawn_step *step);

/* pid was reaped: whatever its spawn still held is freed. */
void  spawn_reaped(pid_t pid);

/*
 * spawn_start, then wait for spawn_status (the listener, spawn options).
 * Returns the pid when the child reached execve; -1 with *err (and *step)
 * when clone failed (*step STEP_NONE) or the child failed a step (the
 * caller still reaps it).  *pid_out gets the pid if a child was created.
 */
pid_t spawn_run(const struct spawn_plan *plan, const struct spawn_io *io,
    pid_t *pid_out, int *err, enum spawn_step *step);

#endif
