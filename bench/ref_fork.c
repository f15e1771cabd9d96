/*
 * ref_fork: bare reference server — accept + fork + setuid + exec.
 *
 *   ref_fork PORT PROGRAM [UID [GID]]
 *
 * Accepts on 127.0.0.1:PORT; for each connection fork()s a child that drops
 * to UID/GID (default 65534, "nobody"), puts the socket on fds 0, 1, 2 and
 * execs PROGRAM.  Children are reaped by the kernel (SIGCHLD ignored).  No
 * privilege separation, no sandbox: the classic inetd spawn path, minimal.
 */
#include "ref_common.h"

#include <grp.h>

int
main(int argc, char **argv)
{
	static char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	char *cargv[2];
	uid_t uid = 65534;
	gid_t gid = 65534;
	int lfd;

	if (argc < 3 || argc > 5)
		ref_usage(argv[0], 1);
	if (argc > 3)
		uid = ref_id(argv[3], "uid");
	gid = argc > 4 ? ref_id(argv[4], "gid") : uid;
	cargv[0] = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
	cargv[1] = NULL;

	lfd = ref_listen(argv[1]);
	signal(SIGCHLD, SIG_IGN);	/* kernel reaps */

	for (;;) {
		int c = ref_accept(lfd);
		pid_t pid = fork();

		if (pid == 0) {
			signal(SIGCHLD, SIG_DFL);	/* SIG_IGN survives exec */
			if (setgroups(0, NULL) < 0 || setgid(gid) < 0 ||
			    setuid(uid) < 0)
				_exit(126);
			if (dup2(c, 0) < 0 || dup2(c, 1) < 0 || dup2(c, 2) < 0)
				_exit(126);
			execve(argv[2], cargv, envp);
			_exit(127);
		}
		/* pid < 0: fork failed, drop this connection */
		close(c);
	}
}
