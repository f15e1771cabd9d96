/*
 * ref_spawn: bare reference server — accept + vfork-style spawn + setuid + exec.
 *
 *   ref_spawn PORT PROGRAM [UID [GID]]
 *
 * Like ref_fork, but the child is created with clone(CLONE_VM|CLONE_VFORK),
 * as posix_spawn does: it shares the parent's memory (no page-table copy)
 * and the parent sleeps until the child has exec'd.  The child uses only
 * raw system calls on data prepared before the clone (argv, envp, ids) and
 * writes no memory of the parent but its own stack (and errno, should a
 * call fail).  This is the
 * limit hinetd's exec'd services are to approach (docs/performance.md).
 */
#include "ref_common.h"

#include <sched.h>
#include <sys/syscall.h>


struct spawn_args {
	int sock;
	unsigned uid, gid;
	const char *path;
	char **argv;
	char **envp;
};

static int
child(void *arg)
{
	const struct spawn_args *a = arg;

	/* raw system calls only: this stack is ours, the rest is the parent's */
	syscall(SYS_rt_sigaction, SIGCHLD, &dfl_action, NULL,
	    sizeof(dfl_action.mask));
	if (syscall(SYS_setgroups, 0, NULL) < 0 ||
	    syscall(SYS_setgid, a->gid) < 0 ||
	    syscall(SYS_setuid, a->uid) < 0)
		syscall(SYS_exit, 126);
	/* dup3 (not dup2: absent on some architectures); sock is never 0-2 */
	if (syscall(SYS_dup3, a->sock, 0, 0) < 0 ||
	    syscall(SYS_dup3, a->sock, 1, 0) < 0 ||
	    syscall(SYS_dup3, a->sock, 2, 0) < 0)
		syscall(SYS_exit, 126);
	syscall(SYS_execve, a->path, a->argv, a->envp);
	syscall(SYS_exit, 127);
	return 127;
}

int
main(int argc, char **argv)
{
	static char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	static char stack[64 * 1024] __attribute__((aligned(16)));
	char *cargv[2];
	struct spawn_args a;
	int lfd;

	if (argc < 3 || argc > 5)
		ref_usage(argv[0], 1);
	a.uid = argc > 3 ? ref_id(argv[3], "uid") : 65534;
	a.gid = argc > 4 ? ref_id(argv[4], "gid") : a.uid;
	cargv[0] = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
	cargv[1] = NULL;
	a.path = argv[2];
	a.argv = cargv;
	a.envp = envp;

	lfd = ref_listen(argv[1]);
	/* SIGCHLD ignored: the kernel reaps, and no handler exists that could
	 * run in the child.  The child restores SIG_DFL (an ignored signal
	 * stays ignored across execve) with a raw rt_sigaction. */
	signal(SIGCHLD, SIG_IGN);

	for (;;) {
		a.sock = ref_accept(lfd);
		clone(child, stack + sizeof(stack),
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
		/* returns after the child exec'd or exited; <0: drop */
		close(a.sock);
	}
}
