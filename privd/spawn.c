/*
 * spawn.c: the one spawn path: clone, confine, exec.
 *
 * The child is written to be safe in a vfork-style clone that shares
 * privd's memory until it execs (CLONE_VM|CLONE_VFORK, built with
 * -DHINETD_SPAWN_VFORK=ON): it does not allocate, lock or touch stdio, and
 * only makes system calls on data that struct spawn_plan and struct
 * spawn_io hold ready.  Credential changes use raw system calls so they
 * apply to this task only (glibc's set*id would try to synchronise "all
 * threads" of a shared address space).  By default the clone is fork-like
 * (a copy-on-write copy, no CLONE_VM): privd then goes on serving while the
 * child confines itself on another CPU, and on this project's two-CPU
 * machines that is faster for the whole connection than suspending privd
 * until the exec (docs/performance.md has the figures).
 *
 * Either way the result comes back the same way: the child holds the write
 * end of a close-on-exec status pipe.  A failed step writes {step, errno}
 * to it and exits 127; a successful execve closes it, so privd reads EOF.
 *
 * The order of the steps, and why (see docs/architecture.md):
 *   landlock_restrict_self         the ruleset fd (built at load) must still
 *                                  be open, and none of the later steps
 *                                  opens a file (execve excepted: the
 *                                  program is always in the ruleset)
 *   setsid                         own session, no controlling terminal
 *   stdio = socket, close_range    nothing of privd leaks into the service
 *   rlimits, umask, nice, chroot   need privilege, so before dropping it
 *   bounding set, securebits       need CAP_SETPCAP; securebits (NOROOT,
 *                                  NO_SETUID_FIXUP, locked) make uid 0 no
 *                                  privilege and keep granted caps over setuid
 *   setgroups, setresgid, setresuid
 *   capset, ambient raise          exactly the granted set, kept over exec
 *   no_new_privs, seccomp          last: the filter may deny calls above
 *   signal mask, execve
 */
#include "privd/spawn.h"
#include "common/log.h"

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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SPAWN_STACK_SIZE (256 * 1024)

#ifdef HINETD_SPAWN_VFORK
#define SPAWN_CLONE_FLAGS (CLONE_VM | CLONE_VFORK | SIGCHLD)
#else
#define SPAWN_CLONE_FLAGS SIGCHLD
#endif

struct spawn_child {
	const struct spawn_plan *plan;
	const struct spawn_io   *io;
	int                      status_fd;     /* write end, close-on-exec */
};

/* What a failed child writes to its status pipe. */
struct spawn_status {
	int32_t step;
	int32_t err;
};

static void     *spawn_stack;
static sigset_t  spawn_empty_mask;

static const char *const step_names[] = {
	[STEP_NONE] = "clone", [STEP_LANDLOCK] = "landlock",
	[STEP_SETSID] = "setsid", [STEP_STDIO] = "dup2",
	[STEP_CLOSE] = "close_range", [STEP_RLIMIT] = "setrlimit",
	[STEP_UMASK] = "umask", [STEP_NICE] = "setpriority",
	[STEP_CHROOT] = "chroot", [STEP_CHDIR] = "chdir",
	[STEP_BSET] = "capbset_drop", [STEP_SECUREBITS] = "securebits",
	[STEP_SETGROUPS] = "setgroups", [STEP_SETGID] = "setresgid",
	[STEP_SETUID] = "setresuid", [STEP_CAPSET] = "capset",
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

void
spawn_init(void)
{
	/* One stack, reused: CLONE_VFORK means one child at a time on it. */
	spawn_stack = mmap(NULL, SPAWN_STACK_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (spawn_stack == MAP_FAILED)
		fatal("mmap spawn stack");
	/* A guard page below the stack. */
	if (mprotect(spawn_stack, 4096, PROT_NONE) == -1)
		fatal("mprotect spawn stack guard");
	sigemptyset(&spawn_empty_mask);
}

/*
 * Raw system calls: this task only, no libc state.  Always five arguments,
 * unused ones zero: prctl() refuses PR_SET_NO_NEW_PRIVS and PR_CAP_AMBIENT
 * unless the unused arguments are 0.
 */
static long
sys(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d, 0L);
}

static void __attribute__((noreturn))
fail(struct spawn_child *c, enum spawn_step step)
{
	struct spawn_status st = { .step = step, .err = errno };

	/* One write of 8 bytes to an empty pipe: whole, never blocking. */
	(void)sys(SYS_write, c->status_fd, (long)&st, sizeof(st), 0);
	sys(SYS_exit_group, 127, 0, 0, 0);
	__builtin_unreachable();
}

static void
child_stdio(struct spawn_child *c)
{
	const struct spawn_io *io = c->io;
	int fd = io->stdio_fd;

	if (fd < 0) {
		/* The listener: keep 0-2, and exactly the inherited fds. */
		if (sys(SYS_close_range, 3, ~0L, CLOSE_RANGE_CLOEXEC, 0) == -1)
			fail(c, STEP_CLOSE);
		for (int i = 0; i < io->ninherit; i++)
			if (fcntl(io->inherit[i], F_SETFD, 0) == -1)
				fail(c, STEP_CLOSE);
		return;
	}
	/* If the socket already is 0, 1 or 2, move it above first. */
	if (fd <= 2 && (fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		fail(c, STEP_STDIO);
	for (int i = 0; i <= 2; i++)
		if (dup2(fd, i) == -1)
			fail(c, STEP_STDIO);
	/*
	 * The status pipe becomes fd 3 (still close-on-exec: execve closes
	 * it), then one call closes everything above, however large the
	 * descriptor limit is.  privd's own 0-2 are open, so the pipe is
	 * never below 3.
	 */
	if (c->status_fd != 3) {
		if (sys(SYS_dup3, c->status_fd, 3, O_CLOEXEC, 0) == -1)
			fail(c, STEP_CLOSE);
		c->status_fd = 3;
	}
	if (sys(SYS_close_range, 4, ~0L, 0, 0) == -1)
		fail(c, STEP_CLOSE);
}

static int
child_main(void *arg)
{
	struct spawn_child *c = arg;
	const struct spawn_plan *p = c->plan;

	for (int i = 0; i < p->nsig_reset; i++) {
		struct sigaction sa = { .sa_handler = SIG_DFL };
		sigaction(p->sig_reset[i], &sa, NULL);
	}
	if (p->landlock_fd >= 0 &&
	    sys(SYS_landlock_restrict_self, p->landlock_fd, 0, 0, 0) == -1)
		fail(c, STEP_LANDLOCK);
	if (setsid() == -1)
		fail(c, STEP_SETSID);
	child_stdio(c);

	for (int i = 0; i < SVC_RLIMIT_COUNT; i++)
		if ((p->rlim_set & (1u << i)) &&
		    sys(SYS_prlimit64, 0, p->rlim_res[i], (long)&p->rlim[i], 0) == -1)
			fail(c, STEP_RLIMIT);
	if (p->umask >= 0)
		umask((mode_t)p->umask);
	if (p->nice_set && sys(SYS_setpriority, PRIO_PROCESS, 0, p->nice, 0) == -1)
		fail(c, STEP_NICE);
	if (p->chroot != NULL) {
		if (sys(SYS_chroot, (long)p->chroot, 0, 0, 0) == -1)
			fail(c, STEP_CHROOT);
	}
	if (sys(SYS_chdir, (long)"/", 0, 0, 0) == -1)
		fail(c, STEP_CHDIR);

	for (int i = 0; i < p->nbset_drop; i++)
		if (sys(SYS_prctl, PR_CAPBSET_DROP, p->bset_drop[i], 0, 0) == -1 &&
		    errno != EINVAL)
			fail(c, STEP_BSET);
	if (sys(SYS_prctl, PR_SET_SECUREBITS, (long)p->securebits, 0, 0) == -1)
		fail(c, STEP_SECUREBITS);

	if (sys(SYS_setgroups, p->ngroups, (long)p->groups, 0, 0) == -1)
		fail(c, STEP_SETGROUPS);
	if (sys(SYS_setresgid, p->gid, p->gid, p->gid, 0) == -1)
		fail(c, STEP_SETGID);
	if (sys(SYS_setresuid, p->uid, p->uid, p->uid, 0) == -1)
		fail(c, STEP_SETUID);

	if (sys(SYS_capset, (long)&p->cap_hdr, (long)p->cap_data, 0, 0) == -1)
		fail(c, STEP_CAPSET);
	for (int i = 0; i < p->nambient; i++)
		if (sys(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    p->ambient[i], 0) == -1)
			fail(c, STEP_AMBIENT);

	if (p->no_new_privs &&
	    sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0) == -1)
		fail(c, STEP_NNP);
	if (p->filter.len > 0 &&
	    sys(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&p->filter, 0) == -1)
		fail(c, STEP_SECCOMP);

	if (sys(SYS_rt_sigprocmask, SIG_SETMASK, (long)&spawn_empty_mask, 0,
	    _NSIG / 8) == -1)
		fail(c, STEP_SIGMASK);
	if (p->exec_fd >= 0)
		syscall(SYS_execveat, p->exec_fd, "", p->argv, c->io->envp,
		    AT_EMPTY_PATH);
	else
		sys(SYS_execve, (long)p->path, (long)p->argv, (long)c->io->envp, 0);
	fail(c, STEP_EXEC);
	return 127;
}

pid_t
spawn_start(const struct spawn_plan *plan, const struct spawn_io *io,
    int *status_fd, int *err)
{
	struct spawn_child c = { .plan = plan, .io = io };
	int p[2];
	pid_t pid;

	*status_fd = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		*err = errno;
		return -1;
	}
	c.status_fd = p[1];
	pid = clone(child_main, (char *)spawn_stack + SPAWN_STACK_SIZE,
	    SPAWN_CLONE_FLAGS, &c);
	if (pid == -1)
		*err = errno;
	close(p[1]);
	if (pid == -1) {
		close(p[0]);
		return -1;
	}
	*status_fd = p[0];
	return pid;
}

int
spawn_status(int fd, int *err, enum spawn_step *step)
{
	struct spawn_status st;
	ssize_t n;

	do
		n = read(fd, &st, sizeof(st));
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	close(fd);
	if (n == 0)
		return 0;
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

pid_t
spawn_run(const struct spawn_plan *plan, const struct spawn_io *io,
    pid_t *pid_out, int *err, enum spawn_step *step)
{
	struct pollfd pfd;
	pid_t pid;
	int fd, rc;

	*step = STEP_NONE;
	if ((pid = spawn_start(plan, io, &fd, err)) == -1) {
		*pid_out = -1;
		return -1;
	}
	*pid_out = pid;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((rc = spawn_status(fd, err, step)) == -1)
		(void)poll(&pfd, 1, -1);        /* EOF or a status: soon */
	return rc == 0 ? pid : -1;
}
