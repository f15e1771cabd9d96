/*
 * seccomp_profile.c: system call groups, the `default` and `strict`
 * profiles, the seccomp_allow/seccomp_deny algebra, and compiling the
 * result with libseccomp into a classic BPF program exported once per
 * configuration load for privd's spawner.
 *
 * Model.  A profile is a set of (system call, region) entries: for the
 * default profile the calls denied, for strict the calls allowed.  Most
 * calls are all-or-nothing; clone and ioctl are split into two argument
 * regions (e.g. clone with or without CLONE_NEW* flags) so a group
 * can name just one of them.  The set starts from the profile's groups, then
 * the groups in seccomp_allow, the groups in seccomp_deny, the names in
 * seccomp_allow and the names in seccomp_deny are applied in that order: a
 * name beats a group, and deny beats allow at the same level.
 */
#include "policy/seccomp_profile.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Groups.                                                             */

#define G(...) ((const char *const []){ __VA_ARGS__, NULL })

static const struct seccomp_group groups[] = {
	/* Denied by the default profile. */
	{ "@module", "load and unload kernel modules",
	    G("init_module", "finit_module", "delete_module"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@reboot", "reboot the machine or load a new kernel",
	    G("reboot", "kexec_load", "kexec_file_load"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@swap", "enable and disable swap",
	    G("swapon", "swapoff"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@mount", "mount, unmount and change the root directory",
	    G("mount", "umount", "umount2", "pivot_root", "chroot",
	    "move_mount", "open_tree", "open_tree_attr", "fsopen", "fsconfig",
	    "fsmount", "fspick", "mount_setattr"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@namespaces", "create or enter namespaces (clone only with "
	    "CLONE_NEW* flags; clone3, whose flags a filter cannot see, "
	    "answers ENOSYS so that callers fall back to clone)",
	    G("unshare", "setns", "clone", "clone3"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@debug", "trace, inspect or profile other processes",
	    G("ptrace", "process_vm_readv", "process_vm_writev",
	    "perf_event_open", "kcmp", "pidfd_getfd", "lookup_dcookie"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@bpf", "load eBPF programs and maps",
	    G("bpf"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@keyring", "the kernel key retention service",
	    G("add_key", "request_key", "keyctl"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@clock", "set the system clock",
	    G("settimeofday", "stime", "clock_settime", "clock_settime64",
	    "clock_adjtime", "clock_adjtime64", "adjtimex"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@raw-io", "raw I/O port and PCI configuration access",
	    G("ioperm", "iopl", "pciconfig_iobase", "pciconfig_read",
	    "pciconfig_write", "s390_pci_mmio_read", "s390_pci_mmio_write"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@obsolete", "unimplemented or obsolete system calls",
	    G("_sysctl", "afs_syscall", "bdflush", "break", "create_module",
	    "ftime", "get_kernel_syms", "getpmsg", "gtty", "idle", "lock",
	    "mpx", "nfsservctl", "prof", "profil", "putpmsg", "query_module",
	    "security", "sgetmask", "ssetmask", "stty", "sysfs", "tuxcall",
	    "ulimit", "uselib", "ustat", "vserver"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@cpu-emulation", "CPU emulation and local descriptor tables",
	    G("modify_ldt", "vm86", "vm86old", "subpage_prot", "switch_endian"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@system", "host administration and kernel interfaces no network "
	    "service needs",
	    G("acct", "quotactl", "quotactl_fd", "vhangup", "syslog",
	    "sethostname", "setdomainname", "fanotify_init",
	    "open_by_handle_at", "userfaultfd"),
	    SECCOMP_GROUP_DEFAULT_DENY },
	{ "@io-uring", "io_uring (answers ENOSYS so that callers fall back "
	    "to ordinary system calls)",
	    G("io_uring_setup", "io_uring_enter", "io_uring_register"),
	    SECCOMP_GROUP_DEFAULT_DENY },

	/* Allowed by the strict profile. */
	{ "@basic-io", "read, write, seek and close open descriptors "
	    "(ioctl only for requests that query a terminal or socket)",
	    G("read", "write", "readv", "writev", "pread64", "pwrite64",
	    "preadv", "pwritev", "preadv2", "pwritev2", "lseek", "_llseek",
	    "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64",
	    "sendfile", "sendfile64", "ioctl"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@file-read", "open, inspect and list files",
	    G("access", "faccessat", "faccessat2", "open", "openat", "openat2",
	    "stat", "lstat", "fstat", "newfstatat", "fstatat64", "stat64",
	    "lstat64", "fstat64", "statx", "statfs", "fstatfs", "statfs64",
	    "fstatfs64", "getdents", "getdents64", "readlink", "readlinkat",
	    "getcwd", "chdir", "fchdir", "fadvise64", "fadvise64_64",
	    "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr",
	    "flistxattr", "getxattrat", "listxattrat", "file_getattr"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@memory", "allocate, map and protect memory",
	    G("brk", "mmap", "mmap2", "munmap", "mremap", "mprotect",
	    "madvise", "msync", "mincore", "map_shadow_stack", "mseal"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@process", "run programs, create threads and processes (clone "
	    "only without CLONE_NEW* flags), wait, exit, and query the process",
	    G("execve", "execveat", "fork", "vfork", "clone", "exit",
	    "exit_group", "wait4", "waitid", "kill", "tgkill", "tkill",
	    "getpid", "getppid", "gettid", "getpgrp", "getpgid", "getsid",
	    "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
	    "arch_prctl", "prctl", "futex", "futex_time64", "futex_waitv",
	    "futex_wake", "futex_wait", "futex_requeue", "sched_yield",
	    "sched_getaffinity", "getcpu", "uname", "sysinfo", "getrlimit",
	    "ugetrlimit", "prlimit64", "getrusage", "times", "umask",
	    "getrandom"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@credentials", "read user and group ids",
	    G("getuid", "geteuid", "getgid", "getegid", "getuid32",
	    "geteuid32", "getgid32", "getegid32", "getgroups", "getgroups32",
	    "getresuid", "getresgid", "getresuid32", "getresgid32", "capget"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@signal", "handle, block and wait for signals",
	    G("rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	    "rt_sigsuspend", "rt_sigpending", "rt_sigtimedwait",
	    "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
	    "sigaltstack", "signalfd", "signalfd4", "sigreturn", "sigaction",
	    "sigprocmask", "sigsuspend", "sigpending", "restart_syscall",
	    "pause", "alarm"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@time", "read clocks, sleep, and timers",
	    G("clock_gettime", "clock_gettime64", "clock_getres",
	    "clock_getres_time64", "clock_nanosleep", "clock_nanosleep_time64",
	    "nanosleep", "gettimeofday", "time", "getitimer", "setitimer",
	    "timer_create", "timer_delete", "timer_gettime",
	    "timer_gettime64", "timer_settime", "timer_settime64",
	    "timer_getoverrun", "timerfd_create", "timerfd_gettime",
	    "timerfd_gettime64", "timerfd_settime", "timerfd_settime64"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@io-event", "wait for descriptors to become ready",
	    G("poll", "ppoll", "ppoll_time64", "select", "_newselect",
	    "pselect6", "pselect6_time64", "epoll_create", "epoll_create1",
	    "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
	    "eventfd", "eventfd2"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@pipe", "pipes and socket pairs",
	    G("pipe", "pipe2", "socketpair"),
	    SECCOMP_GROUP_STRICT_ALLOW },
	{ "@network-io", "use sockets already open (the connection on "
	    "descriptors 0-2): addresses, options, send, receive, shutdown",
	    G("getpeername", "getsockname", "getsockopt", "setsockopt",
	    "shutdown", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	    "recvmmsg", "recvmmsg_time64"),
	    SECCOMP_GROUP_STRICT_ALLOW },

	/* In neither profile: for seccomp_allow with strict. */
	{ "@network", "create sockets, connect, bind, listen and accept",
	    G("socket", "connect", "bind", "listen", "accept", "accept4"),
	    0 },
	{ "@file-write", "create, change, rename and remove files",
	    G("creat", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
	    "rename", "renameat", "renameat2", "link", "linkat", "symlink",
	    "symlinkat", "truncate", "truncate64", "ftruncate", "ftruncate64",
	    "fallocate", "chmod", "fchmod", "fchmodat", "fchmodat2", "utime",
	    "utimes", "utimensat", "utimensat_time64", "futimesat",
	    "setxattr", "lsetxattr", "fsetxattr", "removexattr",
	    "lremovexattr", "fremovexattr", "setxattrat", "removexattrat",
	    "file_setattr", "fsync", "fdatasync", "syncfs", "sync_file_range",
	    "flock", "mknod", "mknodat"),
	    0 },
	{ "@chown", "change file owners",
	    G("chown", "fchown", "lchown", "fchownat", "chown32", "fchown32",
	    "lchown32"),
	    0 },
	{ "@setuid", "change user and group ids",
	    G("setuid", "setgid", "setreuid", "setregid", "setresuid",
	    "setresgid", "setgroups", "setfsuid", "setfsgid", "setuid32",
	    "setgid32", "setreuid32", "setregid32", "setresuid32",
	    "setresgid32", "setgroups32", "setfsuid32", "setfsgid32"),
	    0 },
	{ "@resources", "change limits, priorities and CPU affinity",
	    G("setrlimit", "setpriority", "getpriority", "nice",
	    "sched_setaffinity", "sched_setscheduler", "sched_setparam",
	    "sched_getparam", "sched_getscheduler", "sched_get_priority_max",
	    "sched_get_priority_min", "ioprio_get", "ioprio_set"),
	    0 },
	{ "@sandbox", "confine oneself further",
	    G("seccomp", "landlock_create_ruleset", "landlock_add_rule",
	    "landlock_restrict_self"),
	    0 },
};

#undef G

static const struct {
	const char        *group, *name;
	enum seccomp_cond  cond;
} member_conds[] = {
	{ "@namespaces", "clone", SECCOMP_COND_CLONE_NS },
	{ "@process", "clone", SECCOMP_COND_CLONE_PLAIN },
	{ "@basic-io", "ioctl", SECCOMP_COND_IOCTL_SAFE },
};

/* Denied calls that answer ENOSYS: callers probe them and fall back. */
static const char *const enosys_calls[] = {
	"clone3", "io_uring_setup", "io_uring_enter", "io_uring_register",
};

/*
 * System calls newer than the libseccomp this may be built with.  Their
 * numbers are the same on every architecture with the unified numbering
 * (all but alpha, ia64 and mips).  Used only when libseccomp does not know
 * the name.
 */
static const struct {
	const char *name;
	int         nr;
} newer_calls[] = {
#if !defined(__alpha__) && !defined(__ia64__) && !defined(__mips__)
	{ "cachestat", 451 }, { "fchmodat2", 452 }, { "map_shadow_stack", 453 },
	{ "futex_wake", 454 }, { "futex_wait", 455 }, { "futex_requeue", 456 },
	{ "statmount", 457 }, { "listmount", 458 },
	{ "lsm_get_self_attr", 459 }, { "lsm_set_self_attr", 460 },
	{ "lsm_list_modules", 461 }, { "mseal", 462 }, { "setxattrat", 463 },
	{ "getxattrat", 464 }, { "listxattrat", 465 },
	{ "removexattrat", 466 }, { "open_tree_attr", 467 },
	{ "file_getattr", 468 }, { "file_setattr", 469 },
#endif
	{ NULL, 0 }
};

/*
 * With strict, this many system call numbers above the highest one this
 * build knows answer ENOSYS (calls of a newer kernel that a newer C library
 * may probe), as they would on a kernel without them.
 */
#define ENOSYS_SPAN 16

/* Safe ioctl requests (SECCOMP_COND_IOCTL_SAFE). */
static const unsigned long ioctl_safe[] = {
	TCGETS, TIOCGWINSZ, TIOCGPGRP, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX,
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv)
	0x802c542aUL,           /* TCGETS2, used by newer C libraries */
#endif
};

#define CLONE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | \
    CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
static const uint32_t clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};
#if defined(__s390__) || defined(__s390x__) || defined(__CRIS__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct seccomp_group *
seccomp_groups(size_t *n)
{
	*n = NELEM(groups);
	return groups;
}

const struct seccomp_group *
seccomp_group_find(const char *name)
{
	for (size_t i = 0; i < NELEM(groups); i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	return NULL;
}

enum seccomp_cond
seccomp_group_member_cond(const struct seccomp_group *g, const char *syscall)
{
	for (size_t i = 0; i < NELEM(member_conds); i++)
		if (strcmp(member_conds[i].group, g->name) == 0 &&
		    strcmp(member_conds[i].name, syscall) == 0)
			return member_conds[i].cond;
	return SECCOMP_COND_NONE;
}

const char *
seccomp_cond_text(enum seccomp_cond c)
{
	switch (c) {
	case SECCOMP_COND_CLONE_NS:
		return "flags with a CLONE_NEW* bit";
	case SECCOMP_COND_CLONE_PLAIN:
		return "flags without CLONE_NEW* bits";
	case SECCOMP_COND_IOCTL_SAFE:
		return "requests TCGETS, TCGETS2, TIOCGWINSZ, TIOCGPGRP, "
		    "FIONREAD, FIONBIO, FIOCLEX, FIONCLEX";
	case SECCOMP_COND_NONE:
		break;
	}
	return "";
}

int
seccomp_is_enosys(const char *syscall)
{
	for (size_t i = 0; i < NELEM(enosys_calls); i++)
		if (strcmp(enosys_calls[i], syscall) == 0)
			return 1;
	return 0;
}

const char *
seccomp_profile_name(enum seccomp_profile p)
{
	switch (p) {
	case SECCOMP_PROFILE_DEFAULT:
		return "default";
	case SECCOMP_PROFILE_STRICT:
		return "strict";
	case SECCOMP_PROFILE_NONE:
		return "none";
	}
	return "?";
}

const char *
seccomp_action_name(enum seccomp_failure a)
{
	switch (a) {
	case SECCOMP_FAIL_ERRNO:
		return "errno";
	case SECCOMP_FAIL_KILL:
		return "kill";
	case SECCOMP_FAIL_LOG:
		return "log";
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* Names.                                                              */

#define NR_UNKNOWN INT_MIN      /* not a system call name at all */

/*
 * Native number of a system call name; negative (but not NR_UNKNOWN) for a
 * call that exists only on other architectures.
 */
static int
syscall_nr(const char *name)
{
	int nr;

	if (name[0] == '\0' || name[0] == '@')
		return NR_UNKNOWN;
	nr = seccomp_syscall_resolve_name(name);
	if (nr != __NR_SCMP_ERROR)
		return nr;
	for (size_t i = 0; newer_calls[i].name != NULL; i++)
		if (strcmp(newer_calls[i].name, name) == 0)
			return newer_calls[i].nr;
	return NR_UNKNOWN;
}

/* Highest native number this build knows a name for. */
static int
highest_known_nr(void)
{
	static int highest = -1;
	char *s;

	if (highest >= 0)
		return highest;
	for (int nr = 0; nr < 4096; nr++) {
		if ((s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
		    nr)) != NULL) {
			free(s);
			highest = nr;
		}
	}
	for (size_t i = 0; newer_calls[i].name != NULL; i++)
		if (newer_calls[i].nr > highest &&
		    seccomp_syscall_resolve_name(newer_calls[i].name) ==
		    __NR_SCMP_ERROR)
			highest = newer_calls[i].nr;
	return highest;
}

int
seccomp_name_check(const char *name)
{
	if (name[0] == '@')
		return seccomp_group_find(name) != NULL ? 0 : -1;
	return syscall_nr(name) != NR_UNKNOWN ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Effective sets.                                                     */

/*
 * Argument regions.  clone and ioctl have two (bit 0 and bit 1); every
 * other call only "all" (both bits).
 */
#define REG_A   0x1
#define REG_B   0x2
#define REG_ALL (REG_A | REG_B)

enum split { SPLIT_NONE, SPLIT_CLONE, SPLIT_IOCTL };

struct ent {
	const char     *name;   /* static, or owned by the service */
	int             nr;
	unsigned char   reg;
};

struct eff {
	struct ent     *v;
	size_t          n;
};

static unsigned char
cond_region(enum seccomp_cond c)
{
	switch (c) {
	case SECCOMP_COND_CLONE_NS:
	case SECCOMP_COND_IOCTL_SAFE:
		return REG_A;
	case SECCOMP_COND_CLONE_PLAIN:
		return REG_B;
	case SECCOMP_COND_NONE:
		break;
	}
	return REG_ALL;
}

static enum split
split_of(const char *name)
{
	if (strcmp(name, "clone") == 0)
		return SPLIT_CLONE;
	if (strcmp(name, "ioctl") == 0)
		return SPLIT_IOCTL;
	return SPLIT_NONE;
}

/* The condition that region reg of a split call stands for. */
static enum seccomp_cond
region_cond(enum split s, unsigned char reg)
{
	if (reg == REG_ALL)
		return SECCOMP_COND_NONE;
	switch (s) {
	case SPLIT_CLONE:
		return reg == REG_A ? SECCOMP_COND_CLONE_NS :
		    SECCOMP_COND_CLONE_PLAIN;
	case SPLIT_IOCTL:
		return reg == REG_A ? SECCOMP_COND_IOCTL_SAFE :
		    SECCOMP_COND_NONE;  /* "other requests": not expressible */
	case SPLIT_NONE:
		break;
	}
	return SECCOMP_COND_NONE;
}

static struct ent *
eff_find(const struct eff *e, int nr)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].nr == nr)
			return &e->v[i];
	return NULL;
}

/* 1 if any region of nr is in e. */
static int
eff_has(const struct eff *e, int nr)
{
	const struct ent *x = eff_find(e, nr);

	return x != NULL && x->reg != 0;
}

/* Add (add != 0) or remove region reg of name to or from e. */
static void
eff_apply(struct eff *e, const char *name, unsigned char reg, int add)
{
	struct ent *x;
	int nr;

	if ((nr = syscall_nr(name)) < 0)
		return;                 /* not on this architecture */
	if (split_of(name) == SPLIT_NONE)
		reg = REG_ALL;
	x = eff_find(e, nr);
	if (add) {
		if (x == NULL) {
			e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
			x = &e->v[e->n++];
			x->name = name;
			x->nr = nr;
			x->reg = 0;
		}
		x->reg |= reg;
	} else if (x != NULL)
		x->reg &= ~reg;
}

static void
eff_apply_group(struct eff *e, const struct seccomp_group *g, int add)
{
	for (size_t i = 0; g->syscalls[i] != NULL; i++)
		eff_apply(e, g->syscalls[i], cond_region(
		    seccomp_group_member_cond(g, g->syscalls[i])), add);
}

static void
eff_free(struct eff *e)
{
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

static void
sanitize(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i] != '\0'; i++)
		dst[i] = isprint((unsigned char)src[i]) ? src[i] : '?';
	dst[i] = '\0';
}

static int
check_names(const struct strlist *l, const char *attr, struct diag *d,
    const char *file, int line)
{
	char buf[72];
	int bad = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (seccomp_name_check(l->v[i]) == 0)
			continue;
		sanitize(buf, sizeof(buf), l->v[i]);
		if (l->v[i][0] == '@')
			diag_error(d, file, line,
			    "unknown system call group \"%s\" in %s", buf, attr);
		else
			diag_error(d, file, line,
			    "unknown system call \"%s\" in %s", buf, attr);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * The effective set of svc (denied calls for default, allowed calls for
 * strict).  -1 with diagnostics on unknown names.
 */
static int
eff_build(const struct service *svc, struct eff *e, struct diag *d,
    const char *file, int line)
{
	unsigned want;
	int strict, ok = 0;
	size_t i;

	e->v = NULL;
	e->n = 0;
	if (check_names(&svc->seccomp_allow, "seccomp_allow", d, file, line) < 0)
		ok = -1;
	if (check_names(&svc->seccomp_deny, "seccomp_deny", d, file, line) < 0)
		ok = -1;
	if (ok < 0)
		return -1;

	strict = svc->seccomp == SECCOMP_PROFILE_STRICT;
	want = strict ? SECCOMP_GROUP_STRICT_ALLOW : SECCOMP_GROUP_DEFAULT_DENY;
	for (i = 0; i < NELEM(groups); i++)
		if (groups[i].profiles & want)
			eff_apply_group(e, &groups[i], 1);

	/* In the set means allowed for strict, denied for default. */
	for (i = 0; i < svc->seccomp_allow.n; i++)
		if (svc->seccomp_allow.v[i][0] == '@')
			eff_apply_group(e, seccomp_group_find(
			    svc->seccomp_allow.v[i]), strict);
	for (i = 0; i < svc->seccomp_deny.n; i++)
		if (svc->seccomp_deny.v[i][0] == '@')
			eff_apply_group(e, seccomp_group_find(
			    svc->seccomp_deny.v[i]), !strict);
	for (i = 0; i < svc->seccomp_allow.n; i++)
		if (svc->seccomp_allow.v[i][0] != '@')
			eff_apply(e, svc->seccomp_allow.v[i], REG_ALL, strict);
	for (i = 0; i < svc->seccomp_deny.n; i++)
		if (svc->seccomp_deny.v[i][0] != '@')
			eff_apply(e, svc->seccomp_deny.v[i], REG_ALL, !strict);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Compiling.                                                          */

static uint32_t
fail_action(enum seccomp_failure a)
{
	switch (a) {
	case SECCOMP_FAIL_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case SECCOMP_FAIL_LOG:
		return SCMP_ACT_LOG;
	case SECCOMP_FAIL_ERRNO:
		break;
	}
	return SCMP_ACT_ERRNO(EPERM);
}

static int
add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	return seccomp_rule_add_exact_array(ctx, act, nr, n, cmp);
}

/* Rules for region reg of entry x with action act. */
static int
emit(scmp_filter_ctx ctx, uint32_t act, const struct ent *x)
{
	struct scmp_arg_cmp c;
	enum split s = split_of(x->name);
	int rc = 0;

	if (x->reg == 0)
		return 0;
	if (x->reg == REG_ALL || s == SPLIT_NONE)
		return add_rule(ctx, act, x->nr, 0, NULL);
	memset(&c, 0, sizeof(c));
	c.op = SCMP_CMP_MASKED_EQ;
	switch (s) {
	case SPLIT_CLONE:
		c.arg = CLONE_FLAGS_ARG;
		if (x->reg == REG_A) {
			/* Any one CLONE_NEW* bit set. */
			for (size_t i = 0; rc == 0 && i < NELEM(clone_ns_flags);
			    i++) {
				c.datum_a = c.datum_b = clone_ns_flags[i];
				rc = add_rule(ctx, act, x->nr, 1, &c);
			}
		} else {
			c.datum_a = CLONE_NS_FLAGS;
			c.datum_b = 0;
			rc = add_rule(ctx, act, x->nr, 1, &c);
		}
		return rc;
	case SPLIT_IOCTL:
		if (x->reg != REG_A)
			return -EINVAL;         /* "other requests" */
		c.arg = 1;
		c.datum_a = 0xffffffffUL;
		for (size_t i = 0; rc == 0 && i < NELEM(ioctl_safe); i++) {
			c.datum_b = ioctl_safe[i] & 0xffffffffUL;
			rc = add_rule(ctx, act, x->nr, 1, &c);
		}
		return rc;
	case SPLIT_NONE:
		break;
	}
	return -EINVAL;
}

/* Build the libseccomp filter for e.  Returns 0 or a negative errno. */
static int
build_filter(const struct service *svc, const struct eff *e,
    scmp_filter_ctx *ctxp, const char **what)
{
	scmp_filter_ctx ctx;
	uint32_t act = fail_action(svc->seccomp_action);
	uint32_t enosys = SCMP_ACT_ERRNO(ENOSYS);
	int strict = svc->seccomp == SECCOMP_PROFILE_STRICT;
	int rc, nr, top;

	*what = "seccomp_init";
	if ((ctx = seccomp_init(strict ? act : SCMP_ACT_ALLOW)) == NULL)
		return -ENOMEM;
	*what = "filter attributes";
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 0)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
		goto fail;

	*what = "rules";
	for (size_t i = 0; i < e->n; i++) {
		const struct ent *x = &e->v[i];

		if (strict)
			rc = emit(ctx, SCMP_ACT_ALLOW, x);
		else
			rc = emit(ctx, seccomp_is_enosys(x->name) ? enosys :
			    act, x);
		if (rc < 0)
			goto fail;
	}
	if (strict) {
		/* Probed calls not allowed answer ENOSYS, whatever the action. */
		for (size_t i = 0; i < NELEM(enosys_calls); i++) {
			if ((nr = syscall_nr(enosys_calls[i])) < 0 ||
			    eff_has(e, nr))
				continue;
			if ((rc = add_rule(ctx, enosys, nr, 0, NULL)) < 0)
				goto fail;
		}
		top = highest_known_nr();
		for (nr = top + 1; nr <= top + ENOSYS_SPAN; nr++)
			if ((rc = add_rule(ctx, enosys, nr, 0, NULL)) < 0)
				goto fail;
	}
	*ctxp = ctx;
	return 0;
fail:
	seccomp_release(ctx);
	return rc;
}

/* Export ctx as classic BPF into a malloc'd array. */
static int
export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *len,
    const char **what)
{
	struct sock_filter *buf = NULL;
	struct stat st;
	size_t size, off;
	ssize_t r;
	int fd, rc;

	*what = "memfd_create";
	if ((fd = memfd_create("hinetd-seccomp", MFD_CLOEXEC)) < 0)
		return -errno;
	*what = "seccomp_export_bpf";
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0)
		goto out;
	*what = "reading the exported program";
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		*what = "exported program size";
		rc = -E2BIG;
		goto out;
	}
	buf = xmalloc(size);
	for (off = 0; off < size; off += (size_t)r) {
		r = pread(fd, (char *)buf + off, size - off, (off_t)off);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			goto out;
		}
	}
	*insns = buf;
	*len = size / sizeof(struct sock_filter);
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/*
 * Programs, shared between services with the same settings and counted.
 * privd is single-threaded; the spawner only reads them.
 */
struct prog {
	struct prog        *next;
	char               *key;
	unsigned long       refs;
	size_t              len;
	struct sock_filter *insns;
};

static struct prog *progs;

static void
key_add(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n - 1);
	(*buf)[*len + n - 1] = '\x1f';          /* unit separator */
	*len += n;
	(*buf)[*len] = '\0';
}

static char *
prog_key(const struct service *svc)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	key_add(&buf, &len, &cap, seccomp_profile_name(svc->seccomp));
	key_add(&buf, &len, &cap, seccomp_action_name(svc->seccomp_action));
	key_add(&buf, &len, &cap, "+");
	for (size_t i = 0; i < svc->seccomp_allow.n; i++)
		key_add(&buf, &len, &cap, svc->seccomp_allow.v[i]);
	key_add(&buf, &len, &cap, "-");
	for (size_t i = 0; i < svc->seccomp_deny.n; i++)
		key_add(&buf, &len, &cap, svc->seccomp_deny.v[i]);
	return buf;
}

int
seccomp_profile_compile(const struct service *svc, struct sock_fprog *out,
    struct diag *d, const char *file, int line)
{
	struct eff e;
	struct prog *p;
	scmp_filter_ctx ctx;
	const char *what = "";
	char *key;
	int rc;

	out->len = 0;
	out->filter = NULL;
	if (svc->seccomp == SECCOMP_PROFILE_NONE)
		return 0;

	key = prog_key(svc);
	for (p = progs; p != NULL; p = p->next) {
		if (strcmp(p->key, key) == 0) {
			free(key);
			p->refs++;
			out->len = (unsigned short)p->len;
			out->filter = p->insns;
			return 0;
		}
	}

	if (eff_build(svc, &e, d, file, line) < 0) {
		free(key);
		return -1;
	}
	p = xcalloc(1, sizeof(*p));
	rc = build_filter(svc, &e, &ctx, &what);
	eff_free(&e);
	if (rc == 0) {
		rc = export_bpf(ctx, &p->insns, &p->len, &what);
		seccomp_release(ctx);
	}
	if (rc < 0) {
		diag_error(d, file, line, "seccomp filter: %s: %s", what,
		    strerror(-rc));
		free(key);
		free(p);
		return -1;
	}
	p->key = key;
	p->refs = 1;
	p->next = progs;
	progs = p;
	out->len = (unsigned short)p->len;
	out->filter = p->insns;
	return 0;
}

void
seccomp_profile_free(struct sock_fprog *fp)
{
	struct prog **pp, *p;

	if (fp == NULL || fp->filter == NULL)
		return;
	for (pp = &progs; (p = *pp) != NULL; pp = &p->next) {
		if (p->insns != fp->filter)
			continue;
		if (--p->refs == 0) {
			*pp = p->next;
			free(p->insns);
			free(p->key);
			free(p);
		}
		break;
	}
	fp->filter = NULL;
	fp->len = 0;
}

/* ------------------------------------------------------------------ */
/* Describing.                                                         */

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name,
	    ((const struct ent *)b)->name);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
seccomp_profile_summary(const struct service *svc, struct seccomp_summary *s,
    struct diag *d, const char *file, int line)
{
	struct eff e;
	int strict = svc->seccomp == SECCOMP_PROFILE_STRICT, nr;

	memset(s, 0, sizeof(*s));
	s->profile = svc->seccomp;
	s->profile_name = seccomp_profile_name(svc->seccomp);
	s->enosys_from = 1;
	s->enosys_to = 0;
	if (svc->seccomp == SECCOMP_PROFILE_NONE) {
		s->default_action = "allow";
		s->listed_action = "allow";
		return 0;
	}
	if (eff_build(svc, &e, d, file, line) < 0)
		return -1;
	s->default_action = strict ? seccomp_action_name(svc->seccomp_action) :
	    "allow";
	s->listed_action = strict ? "allow" :
	    seccomp_action_name(svc->seccomp_action);
	if (e.n > 0)
		qsort(e.v, e.n, sizeof(*e.v), ent_cmp);
	for (size_t i = 0; i < e.n; i++) {
		const struct ent *x = &e.v[i];

		if (x->reg == 0)
			continue;
		if (!strict && seccomp_is_enosys(x->name)) {
			strlist_add(&s->enosys, x->name);
			continue;
		}
		strlist_add(&s->names, x->name);
		strlist_add(&s->when, seccomp_cond_text(
		    region_cond(split_of(x->name), x->reg)));
	}
	if (strict) {
		for (size_t i = 0; i < NELEM(enosys_calls); i++)
			if ((nr = syscall_nr(enosys_calls[i])) >= 0 &&
			    !eff_has(&e, nr))
				strlist_add(&s->enosys, enosys_calls[i]);
		s->enosys_from = highest_known_nr() + 1;
		s->enosys_to = s->enosys_from + ENOSYS_SPAN - 1;
	}
	if (s->enosys.n > 0)
		qsort(s->enosys.v, s->enosys.n, sizeof(*s->enosys.v), str_cmp);
	eff_free(&e);
	return 0;
}

void
seccomp_summary_free(struct seccomp_summary *s)
{
	strlist_free(&s->names);
	strlist_free(&s->when);
	strlist_free(&s->enosys);
}

void
seccomp_summary_print(const struct seccomp_summary *s, FILE *fp)
{
	fprintf(fp, "  seccomp: %s", s->profile_name);
	if (s->profile == SECCOMP_PROFILE_NONE) {
		fputc('\n', fp);
		return;
	}
	if (s->profile == SECCOMP_PROFILE_STRICT)
		fprintf(fp, " (calls not allowed: %s)\n", s->default_action);
	else
		fprintf(fp, " (denied calls: %s)\n", s->listed_action);
	fprintf(fp, "  seccomp %s:", s->profile == SECCOMP_PROFILE_STRICT ?
	    "allows" : "denies");
	for (size_t i = 0; i < s->names.n; i++) {
		fprintf(fp, "%s %s", i ? "," : "", s->names.v[i]);
		if (s->when.v[i][0] != '\0')
			fprintf(fp, " (%s)", s->when.v[i]);
	}
	fputc('\n', fp);
	fprintf(fp, "  seccomp enosys:");
	for (size_t i = 0; i < s->enosys.n; i++)
		fprintf(fp, "%s %s", i ? "," : "", s->enosys.v[i]);
	if (s->enosys_from <= s->enosys_to)
		fprintf(fp, "%s numbers %d-%d", s->enosys.n ? "," : "",
		    s->enosys_from, s->enosys_to);
	fputc('\n', fp);
}
