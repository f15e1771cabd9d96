/*
 * hinetd_userdb.c: hinetd-userdb, privd's look-up helper.  privd executes
 * it around each configuration load with a socket on fd 3, and asks it
 * for users, groups and service ports (common/userdb.c): the name service
 * switch and the modules it loads run here, never in privd.  It reads no
 * network input and no file of its own.
 *
 * privd starts it under a uid of its own, with no group and no_new_privs,
 * so it execs without capabilities.  Before its first answer it refuses to
 * run as root or with a capability, makes itself non-dumpable, and
 * installs a seccomp allow-list of what glibc's name service and its
 * usual modules (files, systemd, sss, ldap, nis) do: read files, map
 * libraries, talk over UNIX and IP sockets.  Anything else fails with
 * EPERM rather than killing the helper, so that a module's rare call
 * makes its look-up fail (privd then refuses the load) instead of
 * leaving privd without an answer.
 */
#include "common/userdb.h"

#include <cap-ng.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const allowed[] = {
	"read", "readv", "pread64", "write", "writev", "open", "openat",
	"close", "fstat", "newfstatat", "stat", "lstat", "statx", "lseek",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"getdents64", "fcntl", "dup", "dup2", "dup3", "mmap", "munmap",
	"mprotect", "mremap", "madvise", "brk", "futex", "set_robust_list",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"getrandom", "clock_gettime", "gettimeofday", "time", "uname",
	"sysinfo", "prlimit64", "sched_getaffinity", "sched_yield",
	"socket", "connect", "sendto", "recvfrom", "sendmsg", "recvmsg",
	"getsockname", "getpeername", "setsockopt", "getsockopt", "shutdown",
	"poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl",
	"epoll_wait", "epoll_pwait", "pipe2", "eventfd2", "nanosleep",
	"clock_nanosleep", "restart_syscall", "exit", "exit_group",
};

static void
confine(void)
{
	scmp_filter_ctx ctx;

	if (getuid() == 0 || geteuid() == 0) {
		fprintf(stderr, "hinetd-userdb: refusing to run as root\n");
		exit(1);
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() != 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) {
		fprintf(stderr, "hinetd-userdb: holds capabilities: refusing\n");
		exit(1);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		exit(1);
	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL)
		exit(1);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr != __NR_SCMP_ERROR &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
			exit(1);
	}
	if (seccomp_load(ctx) != 0)
		exit(1);
	seccomp_release(ctx);
}

int
main(int argc, char *argv[])
{
	int type;
	socklen_t len = sizeof(type);

	(void)argv;
	if (argc != 1 ||
	    getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_SEQPACKET) {
		fprintf(stderr, "hinetd-userdb: run by hinetd only, with its "
		    "socket on fd 3\n");
		return 2;
	}
	confine();
	userdb_serve(3);
}
