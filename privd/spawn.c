/*
 * spawn.c: the one spawn path: clone, confine, exec.
 *
 * By default the child is a clone(CLONE_VM) that shares privd's memory
 * until it execs, while privd goes on serving: no copy of privd's
 * mappings, no copy-on-write faults, and privd does not wait while the
 * child confines itself on the other CPU (docs/performance.md has the
 * figures).  That is safe because the child
 *   - runs on a stack of its own and reads only its slot: private copies
 *     of its plan, argv, environment, groups and filter (spawn_slot.c),
 *     so nothing privd does meanwhile can change what it reads;
 *   - writes nothing but that stack: every call is a raw system call
 *     (rawsys.h) that leaves errno and every other libc state alone, and
 *     changes this task only (glibc's set*id would try to synchronise the
 *     "threads" of a shared address space);
 *   - allocates nothing, takes no lock, touches no stdio;
 *   - inherits no rseq or robust-futex registration (the kernel clears
 *     both for CLONE_VM children), so its exit writes nothing of privd's.
 * privd makes itself non-dumpable before the first child (main.c), so
 * the memory a child shares cannot be ptraced or read through /proc by any
 * process without CAP_SYS_PTRACE, not even one of the child's uid.
 * Built with -DHINETD_SPAWN=vfork the clone adds CLONE_VFORK (privd sleeps
 * until the exec); with -DHINETD_SPAWN=fork it is a copy-on-write copy; on
 * architectures without raw system calls in rawsys.h it is always the
 * latter.
 *
 * The result comes back the same way in every mode: the child holds the
 * write end of a close-on-exec status pipe.  A failed step writes {step,
 * errno} to it and exits 127; a successful execve closes it, so privd
 * reads EOF, and then the slot is free: execve switches to the new
 * program's memory before it closes close-on-exec descriptors, and an
 * exiting task leaves its memory before its descriptors.  A child that
 * wrote a failure may still be running on its stack, so that slot waits
 * until the child is reaped (spawn_reaped).
 *
 * The order of the steps, and why (see docs/architecture.md):
 *   sched_setscheduler             the default policy: privd's main thread
 *                                  runs SCHED_BATCH (main.c), which a clone
 *                                  inherits; skipped by a filter thread's
 *                                  child, whose thread runs SCHED_OTHER;
 *                                  no confinement, so a failure is ignored
 *   landlock_restrict_self         the ruleset fd (built at load) must still
 *                                  be open, and none of the later steps
 *                                  opens a file (execve excepted: the
 *                                  program is always in the ruleset)
 *   setsid                         own session, no controlling terminal
 *   stdio = socket, close_range    nothing of privd leaks into the service
 *   rlimits, umask, nice, chroot   need privilege, so before dropping it
 *   bounding set, securebits       need CAP_SETPCAP; only the capabilities
 *                                  still in the set the child was cloned
 *                                  with are dropped (spawn_bset.c narrows
 *                                  privd's); securebits (NOROOT,
 *                                  NO_SETUID_FIXUP, locked) make uid 0 no
 *                                  privilege and keep granted caps over setuid
 *   setgroups, setresgid, setresuid
 *   capset, ambient raise          exactly the granted set, kept over exec
 *   no_new_privs, seccomp          last: the filter may deny calls above;
 *                                  skipped by a child cloned with the filter
 *                                  in force (spawn_prefilter.c), which is
 *                                  done only where the filter was proved to
 *                                  allow every call of this list
 *                                  (spawn_plan_filter_admits)
 *   signal mask, execve
 */
#include "privd/spawn.h"
#include "privd/spawn_slot.h"
#include "privd/spawn_bset.h"
#include "privd/spawn_prefilter.h"
#include "privd/rawsys.h"
#include "policy/seccomp_eval.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(HINETD_SPAWN_FORK) || !RAWSYS_NATIVE
#define SPAWN_CLONE_FLAGS SIGCHLD
#elif defined(HINETD_SPAWN_VFORK)
#define SPAWN_CLONE_FLAGS (CLONE_VM | CLONE_VFORK | SIGCHLD)
#else
#define SPAWN_CLONE_FLAGS (CLONE_VM | SIGCHLD)
#endif

/* What a failed child writes to its status pipe. */
struct spawn_status {
	int32_t step;
	int32_t err;
};

/* The kernel's struct sigaction (rt_sigaction), for SIG_DFL only. */
struct kernel_sigaction {
	void          (*handler)(int);
	unsigned long   flags;
	void          (*restorer)(void);
	uint64_t        mask;
};

static const char *const step_names[] = {
	[STEP_NONE] = "clone", [STEP_LANDLOCK] = "landlock",
	[STEP_SETSID] = "setsid", [STEP_STDIO] = "dup2",
	[STEP_CLOSE] = "close_range", [STEP_RLIMIT] = "setrlimit",
	[STEP_UMASK] = "umask", [STEP_NICE] = "setpriority",
	[STEP_CHROOT] = "chroot", [STEP_CHDIR] = "chdir",
	[STEP_BSET] = "capbset_drop", [STEP_SECUREBITS] = "securebits",
	[STEP_SETGROUPS] = "setgroups", [STEP_SETGID] = "setresgid",
	[STEP_SETUID] = "setresuid", [STEP_DUMPABLE] = "dumpable",
	[STEP_CAPSET] = "capset",
	[STEP_AMBIENT] = "ambient_raise", [STEP_NNP] = "no_new_privs",
	[STEP_SECCOMP] = "seccomp", [STEP_SIGMASK] = "sigprocmask",
	[STEP_EXEC] = "execve",
};

const char *
spawn_step_name(enum spawn_step step)
{
	if ((unsigned)step < sizeof(step_names) / sizeof(step_names[0]))
		return step_names[step];
	return "?";
}

/*
 * A raw system call (rawsys.h): this task only, no libc state; a negative
 * errno on failure.  Always five arguments, unused ones zero: prctl()
 * refuses PR_SET_NO_NEW_PRIVS and PR_CAP_AMBIENT unless they are 0.
 */
static long
sys(long nr, long a, long b, long c, long d)
{
	return raw_syscall(nr, a, b, c, d, 0L);
}

static int
failed(long rc)
{
	return rc < 0 && rc > -4096;
}

static void __attribute__((noreturn))
fail(struct spawn_child *c, enum spawn_step step, long rc)
{
	struct spawn_status st = { .step = step, .err = (int32_t)-rc };

	/* One write of 8 bytes to an empty pipe: whole, never blocking. */
	(void)sys(SYS_write, c->status_fd, (long)&st, sizeof(st), 0);
	for (;;)
		(void)sys(SYS_exit_group, 127, 0, 0, 0);
}

/* Run one step; on failure report it and exit. */
#define STEP(c, step, call) do {                                        \
	long rc_ = (call);                                              \
	if (failed(rc_))                                                \
		fail((c), (step), rc_);                                 \
} while (0)

static void
child_stdio(struct spawn_child *c)
{
	const struct spawn_io *io = &c->io;
	long fd = io->stdio_fd;

	if (fd < 0) {
		/* The listener: keep 0-2, and exactly the inherited fds. */
		STEP(c, STEP_CLOSE, sys(SYS_close_range, 3, ~0L,
		    CLOSE_RANGE_CLOEXEC, 0));
		for (int i = 0; i < io->ninherit; i++)
			STEP(c, STEP_CLOSE, sys(SYS_fcntl, io->inherit[i],
			    F_SETFD, 0, 0));
		return;
	}
	/* If the socket already is 0, 1 or 2, move it above first. */
	if (fd <= 2) {
		fd = sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 3, 0);
		STEP(c, STEP_STDIO, fd);
	}
	/* fd > 2 now, so dup3 (dup2 without the equal-fd case) does it. */
	for (int i = 0; i <= 2; i++)
		STEP(c, STEP_STDIO, sys(SYS_dup3, fd, i, 0, 0));
	/*
	 * The status pipe becomes fd 3 (still close-on-exec: execve closes
	 * it), then one call closes everything above, however large the
	 * descriptor limit is.  privd's own 0-2 are open, so the pipe is
	 * never below 3.
	 */
	if (c->status_fd != 3) {
		STEP(c, STEP_CLOSE, sys(SYS_dup3, c->status_fd, 3, O_CLOEXEC, 0));
		c->status_fd = 3;
	}
	STEP(c, STEP_CLOSE, sys(SYS_close_range, 4, ~0L, 0, 0));
}

static int
child_main(void *arg)
{
	struct spawn_child *c = arg;
	const struct spawn_plan *p = &c->plan;
	const struct kernel_sigaction dfl = { .handler = SIG_DFL };
	const uint64_t empty_mask = 0;
	const struct sched_param sched_default = { .sched_priority = 0 };
	long rc;

	for (int i = 0; i < p->nsig_reset; i++)
		(void)sys(SYS_rt_sigaction, p->sig_reset[i], (long)&dfl, 0,
		    sizeof(dfl.mask));
	/* Not a confinement step: should it ever fail, the service runs on. */
	if (!c->prefiltered)
		(void)sys(SYS_sched_setscheduler, 0, SCHED_OTHER,
		    (long)&sched_default, 0);
	if (p->landlock_fd >= 0)
		STEP(c, STEP_LANDLOCK, sys(SYS_landlock_restrict_self,
		    p->landlock_fd, 0, 0, 0));
	STEP(c, STEP_SETSID, sys(SYS_setsid, 0, 0, 0, 0));
	child_stdio(c);

	for (int i = 0; i < SVC_RLIMIT_COUNT; i++)
		if (p->rlim_set & (1u << i))
			STEP(c, STEP_RLIMIT, sys(SYS_prlimit64, 0, p->rlim_res[i],
			    (long)&p->rlim[i], 0));
	if (p->umask >= 0)
		(void)sys(SYS_umask, p->umask, 0, 0, 0);
	if (p->nice_set)
		STEP(c, STEP_NICE, sys(SYS_setpriority, PRIO_PROCESS, 0, p->nice, 0));
	if (p->chroot != NULL)
		STEP(c, STEP_CHROOT, sys(SYS_chroot, (long)p->chroot, 0, 0, 0));
	STEP(c, STEP_CHDIR, sys(SYS_chdir, (long)"/", 0, 0, 0));

	for (int i = 0; i < p->nbset_drop; i++) {
		/* Not in the set it was cloned with (spawn_bset.c): gone already. */
		if (!(c->bset & (1ULL << p->bset_drop[i])))
			continue;
		rc = sys(SYS_prctl, PR_CAPBSET_DROP, p->bset_drop[i], 0, 0);
		if (failed(rc) && rc != -EINVAL)        /* EINVAL: no such cap */
			fail(c, STEP_BSET, rc);
	}
	STEP(c, STEP_SECUREBITS, sys(SYS_prctl, PR_SET_SECUREBITS,
	    (long)p->securebits, 0, 0));

	STEP(c, STEP_SETGROUPS, sys(SYS_setgroups, p->ngroups, (long)p->groups,
	    0, 0));
	STEP(c, STEP_SETGID, sys(SYS_setresgid, p->gid, p->gid, p->gid, 0));
	STEP(c, STEP_SETUID, sys(SYS_setresuid, p->uid, p->uid, p->uid, 0));
	/*
	 * The credential change may have made this memory, privd's until the
	 * execve, dumpable again (fs.suid_dumpable): not for a moment longer.
	 */
	STEP(c, STEP_DUMPABLE, sys(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0));

	STEP(c, STEP_CAPSET, sys(SYS_capset, (long)&p->cap_hdr,
	    (long)p->cap_data, 0, 0));
	for (int i = 0; i < p->nambient; i++)
		STEP(c, STEP_AMBIENT, sys(SYS_prctl, PR_CAP_AMBIENT,
		    PR_CAP_AMBIENT_RAISE, p->ambient[i], 0));

	if (p->no_new_privs)
		STEP(c, STEP_NNP, sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0));
	if (p->filter.len > 0 && !c->prefiltered)
		STEP(c, STEP_SECCOMP, sys(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
		    (long)&p->filter, 0));

	STEP(c, STEP_SIGMASK, sys(SYS_rt_sigprocmask, SIG_SETMASK,
	    (long)&empty_mask, 0, sizeof(empty_mask)));
	if (p->exec_fd >= 0)
		rc = raw_syscall(SYS_execveat, p->exec_fd, (long)"", (long)p->argv,
		    (long)c->io.envp, AT_EMPTY_PATH);
	else
		rc = sys(SYS_execve, (long)p->path, (long)p->argv,
		    (long)c->io.envp, 0);
	fail(c, STEP_EXEC, rc);
}

/* Does f allow call nr, with args[0] = arg0 if known0 (else no argument)? */
static int
admits(const struct sock_fprog *f, long nr, int known0, unsigned long arg0)
{
	return seccomp_eval_allows_native(f, nr, known0 ? 0 : -1, arg0);
}

/*
 * Every call of child_main (and of child_stdio and fail), in its order,
 * with the first argument where the filters of policy/seccomp_profile.c
 * look at it (clone's flags, prctl's option).  A step the plan does not
 * take is not asked for.  Keep this beside child_main: a call added there
 * and not here would be made under a filter nobody checked it against
 * (test_sandbox.py, test_prefilter_never_runs_a_call_its_filter_denies,
 * denies each one in turn).
 */
int
spawn_plan_filter_admits(const struct spawn_plan *p, const struct sock_fprog *f)
{
	static const long always[] = {
		SYS_setsid, SYS_fcntl, SYS_dup3, SYS_close_range, SYS_chdir,
		SYS_setgroups, SYS_setresgid, SYS_setresuid, SYS_capset,
		SYS_rt_sigprocmask, SYS_write, SYS_exit_group,
	};

	if (!admits(f, SYS_clone, 1,
	    SPAWN_CLONE_FLAGS | CLONE_CHILD_CLEARTID))
		return 0;
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (!admits(f, always[i], 0, 0))
			return 0;
	if (!admits(f, p->exec_fd >= 0 ? SYS_execveat : SYS_execve, 0, 0))
		return 0;
	if ((p->nsig_reset > 0 && !admits(f, SYS_rt_sigaction, 0, 0)) ||
	    (p->landlock_fd >= 0 && !admits(f, SYS_landlock_restrict_self, 0, 0)) ||
	    (p->rlim_set != 0 && !admits(f, SYS_prlimit64, 0, 0)) ||
	    (p->umask >= 0 && !admits(f, SYS_umask, 0, 0)) ||
	    (p->nice_set && !admits(f, SYS_setpriority, 0, 0)) ||
	    (p->chroot != NULL && !admits(f, SYS_chroot, 0, 0)))
		return 0;
	if ((p->nbset_drop > 0 && !admits(f, SYS_prctl, 1, PR_CAPBSET_DROP)) ||
	    !admits(f, SYS_prctl, 1, PR_SET_SECUREBITS) ||
	    !admits(f, SYS_prctl, 1, PR_SET_DUMPABLE) ||
	    (p->nambient > 0 && !admits(f, SYS_prctl, 1, PR_CAP_AMBIENT)) ||
	    (p->no_new_privs && !admits(f, SYS_prctl, 1, PR_SET_NO_NEW_PRIVS)))
		return 0;
	return 1;
}

int
spawn_begin(const struct spawn_plan *plan, const struct spawn_io *io,
    int close_stdio, struct spawn_handle *h, int *err)
{
	struct spawn_child *c;
	void *stack_top;
	int p[2];

	memset(h, 0, sizeof(*h));
	if ((c = spawn_slot_get(plan, io, &stack_top)) == NULL) {
		*err = errno;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		*err = errno;
		spawn_slot_drop(c);
		return -1;
	}
	h->child = c;
	h->status_rd = p[0];
	c->status_fd = p[1];
	c->in_use = 1;
	if (plan->prefilter != NULL) {
		c->prefiltered = 1;
		h->thread = plan->prefilter;
		clone_request_ask(&h->req, child_main, stack_top,
		    SPAWN_CLONE_FLAGS | CLONE_CHILD_CLEARTID, c, &c->in_use);
		/* Closed by the thread right after the clone, as below. */
		h->req.close_fd[0] = p[1];
		h->req.close_fd[1] = close_stdio ? io->stdio_fd : -1;
		h->ticket = spawn_prefilter_ask(h->thread, &h->req, &c->bset);
		return 0;
	}
	h->pid = spawn_bset_clone(child_main, stack_top,
	    SPAWN_CLONE_FLAGS | CLONE_CHILD_CLEARTID, c, &c->in_use,
	    c->plan.keep, &c->bset);
	h->err = h->pid == -1 ? errno : 0;
	close(p[1]);
	if (close_stdio)
		close(io->stdio_fd);
	return 0;
}

int
spawn_answered(const struct spawn_handle *h)
{
	return h->thread == NULL ||
	    spawn_prefilter_answered(h->thread, h->ticket);
}

pid_t
spawn_end(struct spawn_handle *h, int *status_fd, int *err)
{
	pid_t pid = h->pid;

	*status_fd = -1;
	if (h->thread != NULL) {
		pid = spawn_prefilter_answer(h->thread, h->ticket, &h->req);
		h->err = pid == -1 ? errno : 0;
	}
	if (pid == -1) {
		*err = h->err;
		close(h->status_rd);
		spawn_slot_drop(h->child);
		return -1;
	}
	spawn_slot_bind(h->child, pid);
	*status_fd = h->status_rd;
	return pid;
}

pid_t
spawn_start(const struct spawn_plan *plan, const struct spawn_io *io,
    int *status_fd, int *err)
{
	struct spawn_handle h;

	*status_fd = -1;
	if (spawn_begin(plan, io, 0, &h, err) == -1)
		return -1;
	return spawn_end(&h, status_fd, err);
}

int
spawn_status(pid_t pid, int fd, int *err, enum spawn_step *step)
{
	struct spawn_status st;
	ssize_t n;

	do
		n = read(fd, &st, sizeof(st));
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	if (n == 0) {
		/* It exec'd or died: it no longer runs on its slot. */
		spawn_slot_release(pid);
		return 0;
	}
	/* A failure: the child may still be on its stack until it is reaped. */
	if (n == (ssize_t)sizeof(st) && st.step > STEP_NONE && st.step <= STEP_EXEC) {
		*step = (enum spawn_step)st.step;
		*err = st.err;
	} else {
		/* Cannot happen with our child; never read it as success. */
		*step = STEP_NONE;
		*err = n == -1 ? errno : EPROTO;
	}
	return 1;
}

void
spawn_reaped(pid_t pid)
{
	spawn_slot_release(pid);
}

/*
 * The wait is bounded: a child stopped before its execve (any process of
 * the service's uid may send it SIGSTOP in that window) would otherwise
 * hold privd.  After SPAWN_RUN_WAIT_MS it is killed, and its end (the
 * pipe's EOF: it no longer runs in privd's memory) awaited a little more.
 */
#define SPAWN_RUN_WAIT_MS  5000
#define SPAWN_KILL_WAIT_MS 1000

pid_t
spawn_run(const struct spawn_plan *plan, const struct spawn_io *io,
    pid_t *pid_out, int *err, enum spawn_step *step)
{
	struct pollfd pfd;
	int64_t now, deadline;
	pid_t pid;
	int fd, rc, killed = 0;

	*step = STEP_NONE;
	if ((pid = spawn_start(plan, io, &fd, err)) == -1) {
		*pid_out = -1;
		return -1;
	}
	*pid_out = pid;
	pfd.fd = fd;
	pfd.events = POLLIN;
	deadline = mono_ms() + SPAWN_RUN_WAIT_MS;
	while ((rc = spawn_status(pid, fd, err, step)) == -1) {
		if ((now = mono_ms()) >= deadline) {
			if (killed)
				break;          /* its slot stays busy until reaped */
			(void)kill(pid, SIGKILL);
			killed = 1;
			deadline = now + SPAWN_KILL_WAIT_MS;
			continue;
		}
		(void)poll(&pfd, 1, (int)(deadline - now));
	}
	close(fd);
	if (killed) {
		*step = STEP_NONE;
		*err = ETIMEDOUT;
		return -1;
	}
	return rc == 0 ? pid : -1;
}
