/*
 * ref_sandbox: bare reference server — accept + vfork-style spawn + the
 * same confinement hinetd's service children get + exec, with no privilege
 * separation (one process, no listener, no fd passing, no logging).
 *
 *   ref_sandbox PORT PROGRAM UID GID SYSCALLS-FILE
 *   ref_sandbox --cost N UID GID SYSCALLS-FILE
 *
 * With --cost it serves nothing: it spawns N children the same way, each
 * times its own confinement steps (clock_gettime around each group, no
 * execve), and prints the median cost of each step per child.
 *
 * SYSCALLS-FILE lists the syscalls to deny, one per line: a name alone
 * answers EPERM, "enosys NAME" answers ENOSYS (bench/run.sh writes it from
 * `hinetd -T -j`, so the filter is the default profile's).  The filter is
 * built once with libseccomp (same attributes as hinetd: foreign ABIs
 * killed, binary-tree optimisation), exported as BPF, and installed in each
 * child with one seccomp() call.  The child then does what hinetd's does:
 * a Landlock domain scoped for signals and abstract sockets, setsid, stdio
 * = socket, close_range, bounding set emptied, securebits locked,
 * setgroups/setresgid/setresuid, not dumpable, capset to nothing,
 * no_new_privs, seccomp, execve.  Comparing hinetd with it isolates the cost of privilege
 * separation; comparing it with ref_spawn shows the cost of the sandbox
 * itself, which no sandboxing server can avoid.
 */
#include "ref_common.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>


struct spawn_args {
	int sock;
	unsigned uid, gid;
	const char *path;
	char **argv;
	char **envp;
	int last_cap;
	int landlock_fd;                /* scope-only ruleset, or -1 */
	struct sock_fprog prog;
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};

static long
sys(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d, 0L);
}

/* --cost: the steps are timed in groups. */
enum { T_LANDLOCK, T_FDS, T_BSET, T_CREDS, T_NNP, T_SECCOMP, T_N };

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/*
 * hinetd's confinement, in hinetd's order.  With stamp, the time before
 * the first group and after each (T_N + 1 values); -1 if a step failed.
 */
static int
confine(const struct spawn_args *a, double *stamp)
{
#define STAMP(i) do { if (stamp != NULL) stamp[i] = now_us(); } while (0)
	STAMP(0);
	if (a->landlock_fd >= 0 &&
	    sys(SYS_landlock_restrict_self, a->landlock_fd, 0, 0, 0) < 0)
		return -1;
	STAMP(T_LANDLOCK + 1);
	if (sys(SYS_setsid, 0, 0, 0, 0) < 0 ||
	    sys(SYS_dup3, a->sock, 0, 0, 0) < 0 ||
	    sys(SYS_dup3, a->sock, 1, 0, 0) < 0 ||
	    sys(SYS_dup3, a->sock, 2, 0, 0) < 0 ||
	    sys(SYS_close_range, 3, ~0L, 0, 0) < 0)
		return -1;
	STAMP(T_FDS + 1);
	for (int c = 0; c <= a->last_cap; c++)
		sys(SYS_prctl, PR_CAPBSET_DROP, c, 0, 0);
	STAMP(T_BSET + 1);
	if (sys(SYS_prctl, PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
	    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0) < 0 ||
	    sys(SYS_setgroups, 0, 0, 0, 0) < 0 ||
	    sys(SYS_setresgid, a->gid, a->gid, a->gid, 0) < 0 ||
	    sys(SYS_setresuid, a->uid, a->uid, a->uid, 0) < 0 ||
	    sys(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0) < 0 ||
	    sys(SYS_capset, (long)&a->hdr, (long)a->data, 0, 0) < 0)
		return -1;
	STAMP(T_CREDS + 1);
	if (sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0) < 0)
		return -1;
	STAMP(T_NNP + 1);
	if (sys(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&a->prog, 0) < 0)
		return -1;
	STAMP(T_SECCOMP + 1);
	return 0;
#undef STAMP
}

/*
 * hinetd's Landlock domain for every child: scoped for signals and
 * abstract sockets (ABI 6), no file rules.  -1 where the kernel has none.
 */
static int
scope_ruleset(void)
{
	struct { uint64_t fs, net, scoped; } attr = { 0, 0, 3 };
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1UL);

	if (abi < 6)
		return -1;
	return (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
}

static int
child(void *arg)
{
	const struct spawn_args *a = arg;

	sys(SYS_rt_sigaction, SIGCHLD, (long)&dfl_action, 0,
	    sizeof(dfl_action.mask));
	if (confine(a, NULL) == -1)
		sys(SYS_exit, 126, 0, 0, 0);
	sys(SYS_execve, (long)a->path, (long)a->argv, (long)a->envp, 0);
	sys(SYS_exit, 127, 0, 0, 0);
	return 127;
}

/* --cost: the child confines itself, timing each group, and exits. */
static const char *const t_name[T_N] = {
	"Landlock scope (restrict_self)", "setsid + stdio + close_range", "bounding set (one prctl per capability)",
	"securebits + setgroups/setresgid/setresuid + dumpable + capset",
	"no_new_privs",
	"seccomp filter",
};

struct cost_args {
	struct spawn_args a;
	double t[T_N + 1];              /* per group, then the total */
};

static int
cost_child(void *arg)
{
	struct cost_args *ca = arg;
	double stamp[T_N + 1];

	if (confine(&ca->a, stamp) == -1)
		sys(SYS_exit, 126, 0, 0, 0);
	for (int k = 0; k < T_N; k++)
		ca->t[k] = stamp[k + 1] - stamp[k];     /* shared: CLONE_VM */
	ca->t[T_N] = stamp[T_N] - stamp[0];
	sys(SYS_exit, 0, 0, 0, 0);
	return 0;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void
cost(struct spawn_args *a, int n)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	static struct cost_args ca;
	double *t[T_N + 1];
	int st;

	for (int k = 0; k <= T_N; k++)
		if ((t[k] = calloc((size_t)n, sizeof(double))) == NULL)
			exit(1);
	ca.a = *a;
	if ((ca.a.sock = open("/dev/null", O_RDWR)) < 0)
		exit(1);
	for (int i = 0; i < n; i++) {
		memset(ca.t, 0, sizeof(ca.t));
		pid_t pid = clone(cost_child, stack + sizeof(stack),
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &ca);
		if (pid < 0 || waitpid(pid, &st, 0) != pid ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "ref_sandbox: a --cost child failed\n");
			exit(1);
		}
		for (int k = 0; k <= T_N; k++)
			t[k][i] = ca.t[k];
	}
	printf("sandbox cost per child (median of %d, microseconds):", n);
	for (int k = 0; k <= T_N; k++) {
		qsort(t[k], (size_t)n, sizeof(double), cmp_double);
		printf("%s %s %.1f", k ? ";" : "", k < T_N ? t_name[k] : "total",
		    t[k][n / 2]);
	}
	printf(" (%u BPF instructions, %d capabilities)\n", a->prog.len,
	    a->last_cap + 1);
}

static const unsigned long ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

/* The deny-list filter, built once and exported as BPF. */
static void
build_filter(const char *file, struct sock_fprog *prog)
{
	char line[128], *name;
	scmp_filter_ctx ctx;
	FILE *f;
	int nr, n = 0;

	if ((f = fopen(file, "r")) == NULL) {
		perror(file);
		exit(1);
	}
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) {
		fprintf(stderr, "ref_sandbox: seccomp_init failed\n");
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		int enosys = strncmp(line, "enosys ", 7) == 0;
		name = line + (enosys ? 7 : 0);
		name[strcspn(name, " \t\r\n")] = '\0';
		if (*name == '\0' || (nr = seccomp_syscall_resolve_name(name)) < 0)
			continue;       /* not on this architecture */
		if (strcmp(name, "clone") == 0) {
			/* As hinetd: clone only with any CLONE_NEW* bit (x86-64:
			 * flags are argument 0). */
			for (size_t i = 0; i < sizeof(ns_flags) / sizeof(ns_flags[0]); i++)
				if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
				    SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i],
				    ns_flags[i])) < 0) {
					fprintf(stderr, "ref_sandbox: clone rule failed\n");
					exit(1);
				}
			n++;
			continue;
		}
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(enosys ? ENOSYS : EPERM),
		    nr, 0) < 0) {
			fprintf(stderr, "ref_sandbox: rule for %s failed\n", name);
			exit(1);
		}
		n++;
	}
	fclose(f);
	/* seccomp_export_bpf writes to a descriptor: a memfd, read back. */
	{
		int fd = memfd_create("bpf", 0);
		off_t size;

		if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0 ||
		    (size = lseek(fd, 0, SEEK_END)) <= 0) {
			fprintf(stderr, "ref_sandbox: seccomp_export_bpf failed\n");
			exit(1);
		}
		prog->len = (unsigned short)(size / sizeof(struct sock_filter));
		prog->filter = malloc((size_t)size);
		if (prog->filter == NULL ||
		    pread(fd, prog->filter, (size_t)size, 0) != size) {
			fprintf(stderr, "ref_sandbox: reading the BPF failed\n");
			exit(1);
		}
		close(fd);
	}
	seccomp_release(ctx);
	fprintf(stderr, "ref_sandbox: %d syscalls denied, %u BPF instructions\n",
	    n, prog->len);
}

int
main(int argc, char **argv)
{
	static char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	static char stack[64 * 1024] __attribute__((aligned(16)));
	char *cargv[2];
	struct spawn_args a;
	int lfd;

	int costn = 0;

	if (argc == 6 && strcmp(argv[1], "--cost") == 0 &&
	    (costn = atoi(argv[2])) > 0 && costn <= 100000) {
		argv[2] = "/bin/true";  /* never run: no execve with --cost */
	} else if (argc != 6) {
		fprintf(stderr, "usage: %s PORT PROGRAM UID GID SYSCALLS-FILE\n"
		    "       %s --cost N UID GID SYSCALLS-FILE\n", argv[0], argv[0]);
		exit(2);
	}
	memset(&a, 0, sizeof(a));
	a.uid = ref_id(argv[3], "uid");
	a.gid = ref_id(argv[4], "gid");
	cargv[0] = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
	cargv[1] = NULL;
	a.path = argv[2];
	a.argv = cargv;
	a.envp = envp;
	a.hdr.version = _LINUX_CAPABILITY_VERSION_3;
	/* The highest capability this kernel knows, as hinetd finds it. */
	for (a.last_cap = 0; prctl(PR_CAPBSET_READ, a.last_cap + 1, 0, 0, 0) >= 0;
	    a.last_cap++)
		;
	build_filter(argv[5], &a.prog);
	a.landlock_fd = scope_ruleset();
	if (costn > 0) {
		cost(&a, costn);
		return 0;
	}

	lfd = ref_listen(argv[1]);
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		a.sock = ref_accept(lfd);
		clone(child, stack + sizeof(stack),
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
		close(a.sock);
	}
}
