/*
 * sandbox.c: the listener confines itself before it reads any network
 * input.  privd already started it as a non-root user with empty capability
 * sets, no_new_privs and the default seccomp deny-list; here it checks
 * that, makes itself undumpable, takes away all file-system access with
 * Landlock (no rules: it can open no file), and installs an allow-list
 * seccomp filter of exactly the calls its event loop makes.
 */
#include "listener/listener.h"
#include "common/landlock.h"
#include "common/log.h"

#include <cap-ng.h>
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
check_no_privilege(void)
{
	if (getuid() == 0 || geteuid() == 0)
		fatalx("listener started as root: refusing");
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() != 0)
		fatalx("cannot read own capabilities");
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		fatalx("listener holds capabilities: refusing");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fatalx("listener started without no_new_privs: refusing");
}

static void
landlock_enter(void)
{
	struct ll_ruleset_attr attr = { 0 };
	long abi;
	size_t size;
	int fd;

	if ((abi = ll_abi()) < 1) {
		log_notice("Landlock not available (%s): relying on seccomp",
		    strerror(errno));
		return;
	}
	attr.handled_access_fs = ll_fs_rights((int)abi);
	size = sizeof(uint64_t);
	if (abi >= 6) {
		/* No signals to, no abstract sockets of, anything outside. */
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd == -1)
		fatal("landlock_create_ruleset");
	if (syscall(SYS_landlock_restrict_self, fd, 0) == -1)
		fatal("landlock_restrict_self");
	close(fd);
}

/* Every call the listener's loop makes; anything else kills it. */
static const int listener_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_ctl), SCMP_SYS(accept4), SCMP_SYS(accept),
	SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg),
	SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg),
	SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt), SCMP_SYS(shutdown),
	SCMP_SYS(fcntl), SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(brk), SCMP_SYS(mmap),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(futex), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(getrandom), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(lseek), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	/* limits.c: its deadline timer (pauses, built-in idle timeouts) is
	 * created on first use, after this filter is in place. */
	SCMP_SYS(timerfd_create),
};

/* Allow call nr when its argument arg equals value. */
static void
allow_if_arg(scmp_filter_ctx ctx, int nr, unsigned arg, uint64_t value)
{
	struct scmp_arg_cmp cmp = {
		.arg = arg, .op = SCMP_CMP_EQ, .datum_a = value, .datum_b = 0,
	};

	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp) != 0)
		fatalx("seccomp_rule_add %d", nr);
}

static void
seccomp_enter(void)
{
	scmp_filter_ctx ctx;
	uint32_t deflt = SCMP_ACT_KILL_PROCESS;

#ifdef HINETD_SANITIZE
	/* The sanitizer runtime makes calls of its own; refuse, do not kill. */
	deflt = SCMP_ACT_ERRNO(EPERM);
#endif
	if ((ctx = seccomp_init(deflt)) == NULL)
		fatalx("seccomp_init");
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0)
		fatalx("seccomp_attr_set");
	for (size_t i = 0; i < sizeof(listener_syscalls) / sizeof(listener_syscalls[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, listener_syscalls[i], 0) != 0)
			fatalx("seccomp_rule_add %d", listener_syscalls[i]);
	/* Sockets: only the families the listener uses (DNS, ident, syslog). */
	static const int families[] = { AF_INET, AF_INET6, AF_UNIX };
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		allow_if_arg(ctx, SCMP_SYS(socket), 0, (uint64_t)families[i]);
	/* ioctl: FIONREAD only. */
	allow_if_arg(ctx, SCMP_SYS(ioctl), 1, FIONREAD);
#ifdef HINETD_SANITIZE
	/* The sanitizer's exit path (a retired listener exits 0) checks
	 * its signal stack: sanitizer builds only. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 0) != 0)
		fatalx("seccomp_rule_add sigaltstack");
#endif
	if (seccomp_load(ctx) != 0)
		fatalx("seccomp_load");
	seccomp_release(ctx);
}

void
sandbox_enter(void)
{
	check_no_privilege();
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("PR_SET_DUMPABLE");
	landlock_enter();
	seccomp_enter();
}
