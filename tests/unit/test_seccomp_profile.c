/*
 * test_seccomp_profile.c: unit tests of policy/seccomp_profile.c.  Each
 * filter is compiled as privd would, then installed in a forked child with
 * PR_SET_NO_NEW_PRIVS and seccomp(2), and the child proves what it does:
 * denied calls fail with EPERM (or kill, or are only logged), probed calls
 * answer ENOSYS, foreign ABIs are killed, and real programs (fortune, cat,
 * env, a shell script, python3) run correctly under `strict` with their
 * standard descriptors on a socket, as a service's are.
 *
 * The calls probed are harmless if a filter let them through (bad magic
 * numbers, invalid flag combinations, missing paths).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/util.h"
#include "policy/seccomp_profile.h"
#include "policy/service.h"

extern char **environ;

#define NOPATH "/nonexistent/hinetd-test"

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

static void
add_words(struct strlist *l, const char *words)
{
	char *copy, *w, *save = NULL;

	if (words == NULL)
		return;
	copy = xstrdup(words);
	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save))
		strlist_add(l, w);
	free(copy);
}

static struct service *
mk(enum seccomp_profile p, enum seccomp_failure a, const char *allow,
    const char *deny)
{
	struct service *svc = service_new();

	svc->seccomp = p;
	svc->seccomp_action = a;
	add_words(&svc->seccomp_allow, allow);
	add_words(&svc->seccomp_deny, deny);
	return svc;
}

/* Compile, asserting success. */
static void
compile(const struct service *svc, struct sock_fprog *prog)
{
	struct diag d;

	diag_init(&d);
	if (seccomp_profile_compile(svc, prog, &d, "t.conf", 1) != 0)
		diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	diag_free(&d);
	assert_non_null(prog->filter);
	assert_true(prog->len > 0 && prog->len <= BPF_MAXINSNS);
}

/* Children must not run cmocka's handlers (they would go on testing). */
static void
child_signals(void)
{
	struct rlimit nocore = { 0, 0 };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setrlimit(RLIMIT_CORE, &nocore);
}

static void
install(const struct sock_fprog *prog)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		perror("PR_SET_NO_NEW_PRIVS");
		_exit(120);
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) != 0) {
		perror("seccomp");
		_exit(121);
	}
}

/*
 * Run fn in a child, under prog when not NULL.  Returns the wait status.
 * fn returns 0 for success; the child exits with it.
 */
static int
run_child(const struct sock_fprog *prog, int (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		child_signals();
		if (prog != NULL)
			install(prog);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
assert_exit0(int status)
{
	if (WIFSIGNALED(status))
		fprintf(stderr, "child killed by signal %d\n", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
assert_sigsys(int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "child exited %d\n", WEXITSTATUS(status));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* In children: a failing check prints and makes fn return 1. */
#define WANT_ERR(call, e) do {                                          \
	long r_;                                                        \
	errno = 0;                                                      \
	r_ = (long)(call);                                              \
	if (r_ != -1 || errno != (e)) {                                 \
		fprintf(stderr, "%s:%d: %s: got %ld (%s), want %s\n",   \
		    __FILE__, __LINE__, #call, r_, strerror(errno),     \
		    strerror(e));                                       \
		return 1;                                               \
	}                                                               \
} while (0)

#define WANT_OK(call) do {                                              \
	long r_;                                                        \
	errno = 0;                                                      \
	r_ = (long)(call);                                              \
	if (r_ < 0) {                                                   \
		fprintf(stderr, "%s:%d: %s: failed: %s\n", __FILE__,    \
		    __LINE__, #call, strerror(errno));                  \
		return 1;                                               \
	}                                                               \
} while (0)

/* ------------------------------------------------------------------ */
/* Probes: calls the default profile denies, each harmless if it runs.  */

static long p_reboot(void) { return syscall(SYS_reboot, 0, 0, 0, NULL); }
static long p_unshare(void) { return syscall(SYS_unshare, 0); }
static long p_setns(void) { return syscall(SYS_setns, -1, 0); }
static long p_ptrace(void) { return syscall(SYS_ptrace, PTRACE_PEEKDATA, 0, 0, 0); }
static long p_delete_module(void)
{ return syscall(SYS_delete_module, "hinetd_no_such_module", O_NONBLOCK); }
static long p_swapoff(void) { return syscall(SYS_swapoff, NOPATH); }
static long p_umount2(void) { return syscall(SYS_umount2, NOPATH, 0); }
static long p_chroot(void) { return syscall(SYS_chroot, NOPATH); }
static long p_keyctl(void) { return syscall(SYS_keyctl, -1L, 0, 0, 0, 0); }
static long p_bpf(void) { return syscall(SYS_bpf, -1, NULL, 0); }
static long p_perf(void) { return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0); }
static long p_settimeofday(void) { return syscall(SYS_settimeofday, NULL, NULL); }
static long p_userfaultfd(void) { return syscall(SYS_userfaultfd, ~0); }
static long p_acct(void) { return syscall(SYS_acct, NOPATH); }
static long p_iopl(void)
{
#ifdef SYS_iopl
	return syscall(SYS_iopl, 99);
#else
	return syscall(SYS_reboot, 0, 0, 0, NULL);
#endif
}
static long p_kcmp(void) { return syscall(SYS_kcmp, getpid(), getpid(), 99, 0, 0); }
static long p_modify_ldt(void)
{
#ifdef SYS_modify_ldt
	char buf[16];

	return syscall(SYS_modify_ldt, 0, buf, 0);
#else
	return syscall(SYS_reboot, 0, 0, 0, NULL);
#endif
}
/* CLONE_SIGHAND without CLONE_VM: EINVAL before anything happens. */
#define CLONE_PROBE(n, f) \
static long p_clone_##n(void) \
{ return syscall(SYS_clone, (unsigned long)(f) | CLONE_SIGHAND, 0, 0, 0, 0); }
CLONE_PROBE(newns, CLONE_NEWNS)
CLONE_PROBE(newcgroup, CLONE_NEWCGROUP)
CLONE_PROBE(newuts, CLONE_NEWUTS)
CLONE_PROBE(newipc, CLONE_NEWIPC)
CLONE_PROBE(newuser, CLONE_NEWUSER)
CLONE_PROBE(newpid, CLONE_NEWPID)
CLONE_PROBE(newnet, CLONE_NEWNET)
static long p_clone_plain(void) { return syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0); }
static long p_clone3(void) { return syscall(SYS_clone3, NULL, 0); }
static long p_io_uring(void) { return syscall(SYS_io_uring_setup, 0, NULL); }

struct probe {
	const char *name;
	long      (*fn)(void);
};

static const struct probe denied_probes[] = {
	{ "reboot", p_reboot }, { "unshare", p_unshare }, { "setns", p_setns },
	{ "ptrace", p_ptrace }, { "delete_module", p_delete_module },
	{ "swapoff", p_swapoff }, { "umount2", p_umount2 },
	{ "chroot", p_chroot }, { "keyctl", p_keyctl }, { "bpf", p_bpf },
	{ "perf_event_open", p_perf }, { "settimeofday", p_settimeofday },
	{ "userfaultfd", p_userfaultfd }, { "acct", p_acct },
	{ "iopl", p_iopl }, { "kcmp", p_kcmp },
	{ "modify_ldt", p_modify_ldt },
	{ "clone(CLONE_NEWNS)", p_clone_newns },
	{ "clone(CLONE_NEWCGROUP)", p_clone_newcgroup },
	{ "clone(CLONE_NEWUTS)", p_clone_newuts },
	{ "clone(CLONE_NEWIPC)", p_clone_newipc },
	{ "clone(CLONE_NEWUSER)", p_clone_newuser },
	{ "clone(CLONE_NEWPID)", p_clone_newpid },
	{ "clone(CLONE_NEWNET)", p_clone_newnet },
};

static const struct probe enosys_probes[] = {
	{ "clone3", p_clone3 }, { "io_uring_setup", p_io_uring },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Without a filter (as root) no denied probe may fail with EPERM, and no
 * ENOSYS probe with ENOSYS: else the filtered results would prove nothing.
 */
static int
probes_unfiltered(void)
{
	const struct probe *p;
	size_t nd = NELEM(denied_probes);
	long r;
	int e;

	for (size_t i = 0; i < nd + NELEM(enosys_probes); i++) {
		p = i < nd ? &denied_probes[i] : &enosys_probes[i - nd];
		e = i < nd ? EPERM : ENOSYS;
		errno = 0;
		r = p->fn();
		if (r == -1 && errno == e) {
			fprintf(stderr, "unfiltered %s: %s: the probe proves "
			    "nothing\n", p->name, strerror(errno));
			return 1;
		}
	}
	return 0;
}

static int
probes_filtered(void)
{
	long r;
	int bad = 0;

	for (size_t i = 0; i < NELEM(denied_probes); i++) {
		errno = 0;
		r = denied_probes[i].fn();
		if (r != -1 || errno != EPERM) {
			fprintf(stderr, "%s: got %ld (%s), want EPERM\n",
			    denied_probes[i].name, r, strerror(errno));
			bad = 1;
		}
	}
	for (size_t i = 0; i < NELEM(enosys_probes); i++) {
		errno = 0;
		r = enosys_probes[i].fn();
		if (r != -1 || errno != ENOSYS) {
			fprintf(stderr, "%s: got %ld (%s), want ENOSYS\n",
			    enosys_probes[i].name, r, strerror(errno));
			bad = 1;
		}
	}
	return bad;
}

static int strict_mode;          /* ordinary_calls() under strict */
static int enosys_nr = -1;      /* a number strict answers ENOSYS for */

static void *
thread_fn(void *arg)
{
	return arg;
}

/* What every service does must still work under the default profile. */
static int
ordinary_calls(void)
{
	static int token;
	pthread_t t;
	void *ret = NULL;
	char *argv[] = { "true", NULL };
	pid_t pid;
	int status, s;

	WANT_OK(getpid());
	/* fork: clone without CLONE_NEW* flags. */
	pid = fork();
	if (pid == 0)
		_exit(7);
	WANT_OK(pid);
	WANT_OK(waitpid(pid, &status, 0));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
		return 1;
	/* glibc falls back from clone3 (ENOSYS) to clone. */
	if (pthread_create(&t, NULL, thread_fn, &token) != 0 ||
	    pthread_join(t, &ret) != 0 || ret != &token) {
		fprintf(stderr, "pthread_create failed\n");
		return 1;
	}
	if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0) {
		fprintf(stderr, "posix_spawn failed\n");
		return 1;
	}
	WANT_OK(waitpid(pid, &status, 0));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;
	if (strict_mode)
		return 0;
	WANT_OK(s = socket(AF_INET, SOCK_STREAM, 0));
	close(s);
	/* personality only affects this process: allowed. */
	WANT_OK(syscall(SYS_personality, 0xffffffffUL));
	WANT_OK(syscall(SYS_personality, PER_LINUX));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tests: compiling.                                                   */

static void
test_none(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_NONE, SECCOMP_FAIL_ERRNO,
	    NULL, NULL);
	struct sock_fprog prog = { 1, (struct sock_filter *)&prog };
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(seccomp_profile_compile(svc, &prog, &d, "t.conf", 1),
	    0);
	assert_int_equal(prog.len, 0);
	assert_null(prog.filter);
	assert_int_equal(d.n, 0);
	seccomp_profile_free(&prog);
	diag_free(&d);
	service_free(svc);
}

static void
test_sizes(void **state)
{
	enum seccomp_profile p[] = { SECCOMP_PROFILE_DEFAULT,
	    SECCOMP_PROFILE_STRICT };
	enum seccomp_failure a[] = { SECCOMP_FAIL_ERRNO, SECCOMP_FAIL_KILL,
	    SECCOMP_FAIL_LOG };
	struct sock_fprog prog;
	struct timespec t0, t1;

	(void)state;
	for (size_t i = 0; i < NELEM(p); i++) {
		for (size_t j = 0; j < NELEM(a); j++) {
			struct service *svc = mk(p[i], a[j], NULL, NULL);

			clock_gettime(CLOCK_MONOTONIC, &t0);
			compile(svc, &prog);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			printf("  %s/%s: %u instructions, compiled in %.2f ms\n",
			    seccomp_profile_name(p[i]),
			    seccomp_action_name(a[j]), prog.len,
			    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
			/* Small enough to install quickly per spawn. */
			assert_true(prog.len < 1024);
			seccomp_profile_free(&prog);
			assert_null(prog.filter);
			service_free(svc);
		}
	}
}

/* Services with the same settings share one program. */
static void
test_shared(void **state)
{
	struct service *a = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_ERRNO,
	    "unshare", NULL);
	struct service *b = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_ERRNO,
	    "unshare", NULL);
	struct service *c = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_ERRNO,
	    NULL, "unshare");
	struct sock_fprog pa, pb, pc, pa2;

	(void)state;
	compile(a, &pa);
	compile(b, &pb);
	compile(c, &pc);
	assert_ptr_equal(pa.filter, pb.filter);
	assert_int_equal(pa.len, pb.len);
	assert_ptr_not_equal(pa.filter, pc.filter);
	seccomp_profile_free(&pa);
	/* Still alive for b. */
	assert_true(pb.filter[0].code != 0 || pb.filter[0].k != 0);
	compile(a, &pa2);
	assert_ptr_equal(pa2.filter, pb.filter);
	seccomp_profile_free(&pa2);
	seccomp_profile_free(&pb);
	seccomp_profile_free(&pc);
	service_free(a);
	service_free(b);
	service_free(c);
}

static void
test_unknown_names(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_ERRNO,
	    "read nosuchcall @nosuchgroup", "@mount bogus\x01");
	struct sock_fprog prog = { 0, NULL };
	struct seccomp_summary s;
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(seccomp_profile_compile(svc, &prog, &d, "t.conf", 12),
	    -1);
	assert_null(prog.filter);
	assert_int_equal(prog.len, 0);
	assert_int_equal(d.errors, 3);
	assert_string_equal(d.msgs[0],
	    "t.conf:12: unknown system call \"nosuchcall\" in seccomp_allow");
	assert_string_equal(d.msgs[1],
	    "t.conf:12: unknown system call group \"@nosuchgroup\" in "
	    "seccomp_allow");
	assert_string_equal(d.msgs[2],
	    "t.conf:12: unknown system call \"bogus?\" in seccomp_deny");
	diag_free(&d);

	diag_init(&d);
	assert_int_equal(seccomp_profile_summary(svc, &s, &d, "u.conf", 3), -1);
	assert_int_equal(d.errors, 3);
	assert_string_equal(d.msgs[0],
	    "u.conf:3: unknown system call \"nosuchcall\" in seccomp_allow");
	diag_free(&d);
	service_free(svc);

	assert_int_equal(seccomp_name_check("read"), 0);
	assert_int_equal(seccomp_name_check("@mount"), 0);
	assert_int_equal(seccomp_name_check("@network-io"), 0);
	assert_int_equal(seccomp_name_check("socketcall"), 0); /* other ABIs */
	assert_int_equal(seccomp_name_check("open_tree_attr"), 0);
	assert_int_equal(seccomp_name_check("mseal"), 0);
	assert_int_equal(seccomp_name_check("bogus"), -1);
	assert_int_equal(seccomp_name_check("@bogus"), -1);
	assert_int_equal(seccomp_name_check("mount"), 0);
	assert_int_equal(seccomp_name_check("@"), -1);
	assert_int_equal(seccomp_name_check(""), -1);
	assert_int_equal(seccomp_name_check("Read"), -1);
}

/* Every member of every group is a name this build knows. */
static void
test_groups(void **state)
{
	const struct seccomp_group *g;
	size_t n, members = 0;

	(void)state;
	g = seccomp_groups(&n);
	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(g[i].name[0], '@');
		assert_ptr_equal(seccomp_group_find(g[i].name), &g[i]);
		assert_true(g[i].description[0] != '\0');
		assert_non_null(g[i].syscalls[0]);
		for (size_t j = 0; g[i].syscalls[j] != NULL; j++) {
			if (seccomp_name_check(g[i].syscalls[j]) != 0)
				fprintf(stderr, "%s: %s unknown\n", g[i].name,
				    g[i].syscalls[j]);
			assert_int_equal(seccomp_name_check(g[i].syscalls[j]),
			    0);
			members++;
		}
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(g[i].name, g[j].name);
	}
	assert_true(members > 200);
	assert_int_equal(seccomp_group_member_cond(seccomp_group_find(
	    "@namespaces"), "clone"), SECCOMP_COND_CLONE_NS);
	assert_int_equal(seccomp_group_member_cond(seccomp_group_find(
	    "@process"), "clone"), SECCOMP_COND_CLONE_PLAIN);
	assert_int_equal(seccomp_group_member_cond(seccomp_group_find(
	    "@namespaces"), "setns"), SECCOMP_COND_NONE);
	assert_true(seccomp_is_enosys("clone3"));
	assert_false(seccomp_is_enosys("clone"));
}

/* docs/seccomp.md names every group and every member. */
static void
test_docs(void **state)
{
	const struct seccomp_group *g;
	char *text, needle[96];
	size_t n, len = 0;
	FILE *fp;

	(void)state;
	fp = fopen(HINETD_SOURCE_DIR "/docs/seccomp.md", "r");
	assert_non_null(fp);
	text = xmalloc(1 << 20);
	len = fread(text, 1, (1 << 20) - 1, fp);
	text[len] = '\0';
	fclose(fp);
	g = seccomp_groups(&n);
	for (size_t i = 0; i < n; i++) {
		snprintf(needle, sizeof(needle), "### `%s`", g[i].name);
		if (strstr(text, needle) == NULL)
			fprintf(stderr, "docs: no heading %s\n", needle);
		assert_non_null(strstr(text, needle));
		for (size_t j = 0; g[i].syscalls[j] != NULL; j++) {
			snprintf(needle, sizeof(needle), "`%s`",
			    g[i].syscalls[j]);
			if (strstr(text, needle) == NULL)
				fprintf(stderr, "docs: %s missing\n", needle);
			assert_non_null(strstr(text, needle));
		}
	}
	free(text);
}

static int
strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return (int)i + 1;
	return 0;
}

static void
test_summary(void **state)
{
	struct service *svc;
	struct seccomp_summary s;
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	(void)state;
	diag_init(&d);
	svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_KILL, "reboot", "socket");
	assert_int_equal(seccomp_profile_summary(svc, &s, &d, "t.conf", 1), 0);
	assert_string_equal(s.profile_name, "default");
	assert_string_equal(s.default_action, "allow");
	assert_string_equal(s.listed_action, "kill");
	assert_int_equal(s.names.n, s.when.n);
	assert_false(strlist_has(&s.names, "reboot"));
	assert_true(strlist_has(&s.names, "kexec_load"));
	assert_true(strlist_has(&s.names, "socket"));
	assert_true(strlist_has(&s.names, "mount"));
	assert_false(strlist_has(&s.names, "read"));
	/* Calls of other architectures are left out. */
	assert_false(strlist_has(&s.names, "vm86"));
	i = strlist_has(&s.names, "clone");
	assert_true(i > 0);
	assert_string_equal(s.when.v[i - 1], "flags with a CLONE_NEW* bit");
	i = strlist_has(&s.names, "setns");
	assert_string_equal(s.when.v[i - 1], "");
	assert_true(strlist_has(&s.enosys, "clone3"));
	assert_true(strlist_has(&s.enosys, "io_uring_setup"));
	assert_false(strlist_has(&s.names, "clone3"));
	assert_true(s.enosys_from > s.enosys_to);
	for (size_t k = 1; k < s.names.n; k++)
		assert_true(strcmp(s.names.v[k - 1], s.names.v[k]) < 0);
	fp = open_memstream(&buf, &len);
	seccomp_summary_print(&s, fp);
	fclose(fp);
	printf("%s", buf);
	assert_non_null(strstr(buf, "  seccomp: default (denied calls: kill)\n"));
	assert_non_null(strstr(buf, " clone (flags with a CLONE_NEW* bit),"));
	free(buf);
	seccomp_summary_free(&s);
	service_free(svc);

	svc = mk(SECCOMP_PROFILE_STRICT, SECCOMP_FAIL_ERRNO, "@network",
	    "getppid");
	assert_int_equal(seccomp_profile_summary(svc, &s, &d, "t.conf", 1), 0);
	assert_string_equal(s.default_action, "errno");
	assert_string_equal(s.listed_action, "allow");
	assert_true(strlist_has(&s.names, "read"));
	assert_true(strlist_has(&s.names, "socket"));
	assert_false(strlist_has(&s.names, "getppid"));
	assert_false(strlist_has(&s.names, "mount"));
	i = strlist_has(&s.names, "ioctl");
	assert_true(i > 0);
	assert_non_null(strstr(s.when.v[i - 1], "TCGETS"));
	i = strlist_has(&s.names, "clone");
	assert_string_equal(s.when.v[i - 1], "flags without CLONE_NEW* bits");
	assert_true(strlist_has(&s.enosys, "clone3"));
	assert_true(s.enosys_from <= s.enosys_to);
	printf("  strict allows %zu calls; numbers %d-%d answer ENOSYS\n",
	    s.names.n, s.enosys_from, s.enosys_to);
	seccomp_summary_free(&s);
	service_free(svc);

	svc = mk(SECCOMP_PROFILE_NONE, SECCOMP_FAIL_ERRNO, NULL, NULL);
	assert_int_equal(seccomp_profile_summary(svc, &s, &d, "t.conf", 1), 0);
	assert_string_equal(s.profile_name, "none");
	assert_int_equal(s.names.n, 0);
	seccomp_summary_free(&s);
	service_free(svc);
	assert_int_equal(d.n, 0);
	diag_free(&d);
}

/* ------------------------------------------------------------------ */
/* Tests: the default profile in force.                                */

static void
test_default_errno(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_ERRNO,
	    NULL, NULL);
	struct sock_fprog prog;

	(void)state;
	if (geteuid() == 0)
		assert_exit0(run_child(NULL, probes_unfiltered));
	else
		printf("  not root: probes not checked without a filter\n");
	compile(svc, &prog);
	assert_exit0(run_child(&prog, probes_filtered));
	assert_exit0(run_child(&prog, ordinary_calls));
	seccomp_profile_free(&prog);
	service_free(svc);
}

static int
do_unshare(void)
{
	syscall(SYS_unshare, 0);
	return 3;
}

static int
enosys_and_threads(void)
{
	WANT_ERR(p_clone3(), ENOSYS);
	WANT_ERR(p_io_uring(), ENOSYS);
	return ordinary_calls();
}

static void
test_default_kill(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_KILL,
	    NULL, NULL);
	struct sock_fprog prog;

	(void)state;
	compile(svc, &prog);
	assert_sigsys(run_child(&prog, do_unshare));
	/* Probed calls still answer ENOSYS: glibc must not die of them. */
	assert_exit0(run_child(&prog, enosys_and_threads));
	seccomp_profile_free(&prog);
	service_free(svc);
}

static int
log_allows(void)
{
	WANT_OK(p_unshare());
	WANT_ERR(p_clone3(), ENOSYS);
	return 0;
}

static void
test_default_log(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_LOG,
	    NULL, NULL);
	struct sock_fprog prog;

	(void)state;
	compile(svc, &prog);
	assert_exit0(run_child(&prog, log_allows));
	seccomp_profile_free(&prog);
	service_free(svc);
}

#ifdef __x86_64__
static int
x32_getpid(void)
{
	syscall(0x40000000 | 39);       /* __X32_SYSCALL_BIT | getpid */
	return 3;
}

static int
i386_getpid(void)
{
	long ret;

	__asm__ volatile ("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	return ret == getpid() ? 0 : 4;
}
#endif

/* System calls of other ABIs kill, whatever the action. */
static void
test_foreign_abi(void **state)
{
#ifdef __x86_64__
	struct service *svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_ERRNO,
	    NULL, NULL);
	struct sock_fprog prog;
	int st;

	(void)state;
	compile(svc, &prog);
	assert_sigsys(run_child(&prog, x32_getpid));
	st = run_child(NULL, i386_getpid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		assert_sigsys(run_child(&prog, i386_getpid));
	else
		printf("  no i386 emulation in this kernel: int 0x80 not "
		    "checked\n");
	seccomp_profile_free(&prog);
	service_free(svc);
#else
	(void)state;
	skip();
#endif
}

/* ------------------------------------------------------------------ */
/* Tests: adjustments.                                                 */

static int
adj_allow_unshare(void)
{
	WANT_OK(p_unshare());
	WANT_ERR(p_setns(), EPERM);
	return 0;
}

static int
adj_allow_namespaces(void)
{
	WANT_OK(p_unshare());
	WANT_ERR(p_setns(), EBADF);
	WANT_ERR(p_clone_newnet(), EINVAL);
	WANT_ERR(p_clone3(), EINVAL);
	WANT_ERR(p_reboot(), EPERM);
	return 0;
}

static int
adj_deny_network(void)
{
	WANT_ERR(socket(AF_INET, SOCK_STREAM, 0), EPERM);
	WANT_ERR(socket(AF_UNIX, SOCK_STREAM, 0), EPERM);
	return 0;
}

static int
adj_name_beats_group(void)
{
	WANT_ERR(p_chroot(), ENOENT);
	WANT_ERR(p_umount2(), EPERM);
	return 0;
}

static int
adj_group_then_name(void)
{
	WANT_ERR(p_umount2(), ENOENT);
	WANT_ERR(p_chroot(), EPERM);
	return 0;
}

static int
adj_deny_wins(void)
{
	WANT_ERR(p_unshare(), EPERM);
	WANT_ERR(p_clone3(), ENOSYS);     /* explicitly denied: still ENOSYS */
	WANT_ERR(syscall(SYS_getppid), EPERM);
	return 0;
}

static int
adj_allow_cpu_emulation(void)
{
	WANT_OK(p_modify_ldt());
	WANT_ERR(p_chroot(), EPERM);
	return 0;
}

static void
run_adjusted(enum seccomp_profile p, const char *allow, const char *deny,
    int (*fn)(void))
{
	struct service *svc = mk(p, SECCOMP_FAIL_ERRNO, allow, deny);
	struct sock_fprog prog;

	compile(svc, &prog);
	assert_exit0(run_child(&prog, fn));
	seccomp_profile_free(&prog);
	service_free(svc);
}

static void
test_adjust_default(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	run_adjusted(SECCOMP_PROFILE_DEFAULT, "unshare", NULL,
	    adj_allow_unshare);
	run_adjusted(SECCOMP_PROFILE_DEFAULT, "@namespaces", NULL,
	    adj_allow_namespaces);
	run_adjusted(SECCOMP_PROFILE_DEFAULT, NULL, "@network",
	    adj_deny_network);
	run_adjusted(SECCOMP_PROFILE_DEFAULT, "chroot", "@mount",
	    adj_name_beats_group);
	run_adjusted(SECCOMP_PROFILE_DEFAULT, "@mount", "chroot",
	    adj_group_then_name);
	run_adjusted(SECCOMP_PROFILE_DEFAULT, "unshare", "unshare clone3 getppid",
	    adj_deny_wins);
	run_adjusted(SECCOMP_PROFILE_DEFAULT, "@cpu-emulation", NULL,
	    adj_allow_cpu_emulation);
}

/* ------------------------------------------------------------------ */
/* Tests: the strict profile.                                          */

static int
strict_calls(void)
{
	struct termios { unsigned char b[256]; } tio;
	int sv[2], n;

	WANT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	WANT_OK(ioctl(sv[0], FIONREAD, &n));
	WANT_ERR(ioctl(sv[0], TCGETS, &tio), ENOTTY);   /* allowed: isatty */
	WANT_ERR(ioctl(sv[0], TIOCSTI, "x"), EPERM);
	WANT_ERR(ioctl(sv[0], TIOCSCTTY, 0), EPERM);
	WANT_ERR(shutdown(sv[0], 99), EINVAL);
	WANT_ERR(getpeername(-1, NULL, NULL), EBADF);
	WANT_ERR(socket(AF_INET, SOCK_STREAM, 0), EPERM);
	WANT_ERR(connect(sv[0], NULL, 0), EPERM);
	WANT_ERR(p_unshare(), EPERM);
	WANT_ERR(p_clone_newuser(), EPERM);
	WANT_ERR(p_clone_plain(), EINVAL);
	WANT_ERR(p_clone3(), ENOSYS);
	WANT_ERR(p_io_uring(), ENOSYS);
	WANT_ERR(p_chroot(), EPERM);
	WANT_ERR(p_reboot(), EPERM);
	WANT_ERR(mkdir(NOPATH, 0700), EPERM);
	WANT_ERR(syscall(SYS_personality, 0xffffffffUL), EPERM);
	WANT_ERR(syscall(enosys_nr), ENOSYS);
	strict_mode = 1;
	return ordinary_calls();
}

static void
strict_setup(const struct service *svc)
{
	struct seccomp_summary s;
	struct diag d;

	diag_init(&d);
	assert_int_equal(seccomp_profile_summary(svc, &s, &d, "t.conf", 1), 0);
	enosys_nr = s.enosys_from;
	seccomp_summary_free(&s);
	diag_free(&d);
}

static void
test_strict_calls(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_STRICT, SECCOMP_FAIL_ERRNO,
	    NULL, NULL);
	struct sock_fprog prog;

	(void)state;
	strict_setup(svc);
	compile(svc, &prog);
	assert_exit0(run_child(&prog, strict_calls));
	seccomp_profile_free(&prog);
	service_free(svc);
}

static int
strict_kill_socket(void)
{
	socket(AF_INET, SOCK_STREAM, 0);
	return 3;
}

static int
enosys_and_threads_strict(void)
{
	strict_mode = 1;
	return enosys_and_threads();
}

static void
test_strict_kill(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_STRICT, SECCOMP_FAIL_KILL,
	    NULL, NULL);
	struct sock_fprog prog;

	(void)state;
	strict_setup(svc);
	compile(svc, &prog);
	assert_sigsys(run_child(&prog, strict_kill_socket));
	/* ENOSYS answers hold under kill too. */
	assert_exit0(run_child(&prog, enosys_and_threads_strict));
	seccomp_profile_free(&prog);
	service_free(svc);
}

static int
strict_adj_network(void)
{
	int s;

	WANT_OK(s = socket(AF_INET, SOCK_STREAM, 0));
	close(s);
	WANT_ERR(syscall(SYS_getppid), EPERM);
	WANT_OK(getpid());
	return 0;
}

static int
strict_adj_namespaces(void)
{
	WANT_OK(p_unshare());
	WANT_ERR(p_clone_newuser(), EINVAL);
	WANT_ERR(p_clone3(), EINVAL);
	WANT_ERR(p_clone_plain(), EINVAL);
	return 0;
}

static int
strict_adj_deny_group(void)
{
	int sv[2];

	WANT_ERR(p_unshare(), EPERM);
	/* Denying @namespaces removes only clone's CLONE_NEW* half. */
	WANT_ERR(p_clone_newuser(), EPERM);
	WANT_ERR(p_clone_plain(), EINVAL);
	WANT_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), EPERM);
	return 0;
}

static int
strict_adj_clone3(void)
{
	WANT_ERR(p_clone3(), ENOSYS);
	return 0;
}

static void
test_adjust_strict(void **state)
{
	(void)state;
	run_adjusted(SECCOMP_PROFILE_STRICT, "clone3", "clone3",
	    strict_adj_clone3);
	run_adjusted(SECCOMP_PROFILE_STRICT, "@network", "getppid",
	    strict_adj_network);
	if (geteuid() == 0)
		run_adjusted(SECCOMP_PROFILE_STRICT, "@namespaces", NULL,
		    strict_adj_namespaces);
	run_adjusted(SECCOMP_PROFILE_STRICT, NULL, "@namespaces @pipe",
	    strict_adj_deny_group);
}

/* ------------------------------------------------------------------ */
/* Tests: real programs under strict, stdio on a socket.               */

/*
 * Run argv[0] with fds 0-2 on a socket, under prog (NULL: none), feeding
 * input and collecting at most outsize-1 bytes of output.  Returns the
 * wait status.
 */
static int
run_program(const struct sock_fprog *prog, char *const argv[],
    const char *input, char *out, size_t outsize)
{
	char *const envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
	    "TCPREMOTEIP=192.0.2.1", "PROTO=TCP", NULL };
	struct pollfd pfd;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	int sv[2], status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		child_signals();
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0 ||
		    dup2(sv[1], 2) < 0)
			_exit(122);
		syscall(SYS_close_range, 3, ~0U, 0);
		if (prog != NULL)
			install(prog);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(sv[1]);
	if (input != NULL)
		assert_int_equal(write(sv[0], input, strlen(input)),
		    (ssize_t)strlen(input));
	shutdown(sv[0], SHUT_WR);
	pfd.fd = sv[0];
	pfd.events = POLLIN;
	for (;;) {
		assert_int_equal(poll(&pfd, 1, 20000), 1);
		n = read(sv[0], out + len, outsize - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == outsize - 1)
			break;
	}
	out[len] = '\0';
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "%s: status %#x, output: %s\n", argv[0], status,
		    out);
	return status;
}

static char script_path[64];

static int
programs_setup(void **state)
{
	static const char script[] =
	    "#!/bin/sh\n"
	    "read line\n"
	    "sub=$(echo \"$line\" | tr a-z A-Z)\n"
	    "for i in 1 2; do echo \"$i $line $sub\"; done\n"
	    "ls -d / >/dev/null && echo \"peer $TCPREMOTEIP\"\n";
	int fd;

	(void)state;
	snprintf(script_path, sizeof(script_path), "/tmp/hinetd-sh.XXXXXX");
	if ((fd = mkstemp(script_path)) < 0)
		return -1;
	if (write(fd, script, sizeof(script) - 1) != sizeof(script) - 1 ||
	    fchmod(fd, 0755) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
programs_teardown(void **state)
{
	(void)state;
	unlink(script_path);
	return 0;
}

static void
strict_programs(enum seccomp_failure action, int python)
{
	struct service *svc = mk(SECCOMP_PROFILE_STRICT, action, NULL, NULL);
	struct sock_fprog prog;
	char out[8192];
	char *const fortune[] = { "/usr/games/fortune", NULL };
	char *const cat[] = { "/bin/cat", NULL };
	char *const env[] = { "/usr/bin/env", NULL };
	char *const sh[] = { script_path, NULL };
	char *const shc[] = { "/bin/sh", "-c", "echo $PROTO; exec cat", NULL };
	char *const py[] = { "/usr/bin/python3", "-c",
	    "import sys; sys.stdout.write(sys.stdin.read().upper())", NULL };
	char *const pys[] = { "/usr/bin/python3", "-S", "-c",
	    "import sys; sys.stdout.write(sys.stdin.read().upper())", NULL };

	compile(svc, &prog);

	if (access(fortune[0], X_OK) == 0) {
		assert_exit0(run_program(&prog, fortune, NULL, out,
		    sizeof(out)));
		assert_true(strlen(out) > 1);
	} else
		printf("  no %s\n", fortune[0]);

	assert_exit0(run_program(&prog, cat, "hello\nworld\n", out,
	    sizeof(out)));
	assert_string_equal(out, "hello\nworld\n");

	assert_exit0(run_program(&prog, env, NULL, out, sizeof(out)));
	assert_string_equal(out, "PATH=/usr/local/bin:/usr/bin:/bin\n"
	    "TCPREMOTEIP=192.0.2.1\nPROTO=TCP\n");

	assert_exit0(run_program(&prog, sh, "abc\n", out, sizeof(out)));
	assert_string_equal(out, "1 abc ABC\n2 abc ABC\npeer 192.0.2.1\n");

	assert_exit0(run_program(&prog, shc, "x\n", out, sizeof(out)));
	assert_string_equal(out, "TCP\nx\n");

	if (python && access(py[0], X_OK) == 0) {
		assert_exit0(run_program(&prog, pys, "snake\n", out,
		    sizeof(out)));
		assert_string_equal(out, "SNAKE\n");
		if (action != SECCOMP_FAIL_KILL) {
			/* site looks up the user: nscd's socket is refused. */
			assert_exit0(run_program(&prog, py, "snake\n", out,
			    sizeof(out)));
			assert_string_equal(out, "SNAKE\n");
		}
	}
	seccomp_profile_free(&prog);
	service_free(svc);
}

static void
test_strict_programs_errno(void **state)
{
	(void)state;
	strict_programs(SECCOMP_FAIL_ERRNO, 1);
}

/* Under kill any call outside the allow-list would show as SIGSYS. */
static void
test_strict_programs_kill(void **state)
{
	(void)state;
	strict_programs(SECCOMP_FAIL_KILL, 1);
}

/* The default profile runs them too. */
static void
test_default_programs(void **state)
{
	struct service *svc = mk(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_KILL,
	    NULL, NULL);
	struct sock_fprog prog;
	char out[8192];
	char *const sh[] = { script_path, NULL };
	char *const py[] = { "/usr/bin/python3", "-c",
	    "import sys, threading; t = threading.Thread(target=lambda: "
	    "sys.stdout.write(sys.stdin.read().upper())); t.start(); t.join()",
	    NULL };

	(void)state;
	compile(svc, &prog);
	assert_exit0(run_program(&prog, sh, "abc\n", out, sizeof(out)));
	assert_string_equal(out, "1 abc ABC\n2 abc ABC\npeer 192.0.2.1\n");
	if (access(py[0], X_OK) == 0) {
		assert_exit0(run_program(&prog, py, "snake\n", out,
		    sizeof(out)));
		assert_string_equal(out, "SNAKE\n");
	}
	seccomp_profile_free(&prog);
	service_free(svc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_docs),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_default_errno),
		cmocka_unit_test(test_default_kill),
		cmocka_unit_test(test_default_log),
		cmocka_unit_test(test_foreign_abi),
		cmocka_unit_test(test_adjust_default),
		cmocka_unit_test(test_strict_calls),
		cmocka_unit_test(test_strict_kill),
		cmocka_unit_test(test_adjust_strict),
		cmocka_unit_test(test_strict_programs_errno),
		cmocka_unit_test(test_strict_programs_kill),
		cmocka_unit_test(test_default_programs),
	};

	return cmocka_run_group_tests(tests, programs_setup, programs_teardown);
}
