/*
 * test_seccomp_eval.c: unit tests of policy/seccomp_eval.c, the user-space
 * run of a seccomp program that privd uses to prove a filter allows its
 * spawn path (privd/spawn_prefilter.c).
 *
 * The kernel is the oracle: each compiled profile is installed in a forked
 * child that makes a list of harmless calls, and for every call the
 * evaluator's answer must be the kernel's.  Hand-written programs check
 * that everything the evaluator cannot know (the instruction pointer, an
 * argument not supplied, invalid code) gives "cannot tell", never a guess.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/util.h"
#include "policy/seccomp_eval.h"
#include "policy/seccomp_profile.h"
#include "policy/service.h"

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

#define NOPATH "/nonexistent/hinetd-test"
#define ALL_ARGS 0x3fu

static void
compile(enum seccomp_profile p, enum seccomp_failure a, const char *deny,
    struct sock_fprog *prog)
{
	struct service *svc = service_new();
	struct diag d;

	svc->seccomp = p;
	svc->seccomp_action = a;
	if (deny != NULL)
		strlist_add(&svc->seccomp_deny, deny);
	diag_init(&d);
	if (seccomp_profile_compile(svc, prog, &d, "t.conf", 1) != 0)
		diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	diag_free(&d);
	service_free(svc);
}

static struct seccomp_data
call(int nr, uint64_t a0)
{
	struct seccomp_data sd = { .nr = nr, .arch = ARCH };

	sd.args[0] = a0;
	return sd;
}

/* ------------------------------------------------------------------ */
/* Against the kernel.                                                 */

/* Harmless calls whose own answer is never EPERM as root in a child. */
static const struct {
	long nr;
	long a0, a1;
	const char *path;       /* a0 is this path if set */
} calls[] = {
	{ SYS_getppid, 0, 0, NULL }, { SYS_getpid, 0, 0, NULL },
	{ SYS_getuid, 0, 0, NULL }, { SYS_gettid, 0, 0, NULL },
	{ SYS_sched_yield, 0, 0, NULL }, { SYS_setsid, 0, 0, NULL },
	{ SYS_umask, 022, 0, NULL }, { SYS_chdir, 0, 0, "/" },
	{ SYS_chroot, 0, 0, NOPATH }, { SYS_fcntl, 0, F_GETFD, NULL },
	{ SYS_dup3, 1, 1, NULL },           /* EINVAL */
	{ SYS_getpriority, PRIO_PROCESS, 0, NULL },
	{ SYS_prctl, PR_GET_SECUREBITS, 0, NULL },
	{ SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, NULL },
	{ SYS_swapoff, 0, 0, NOPATH },
	{ SYS_unshare, 0, 0, NULL },        /* flags 0: a no-op */
	{ SYS_setns, -1, 0, NULL },         /* EBADF */
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

/* What the kernel said for each call: 1 allowed, 0 stopped by the filter. */
static void
kernel_answers(const struct sock_fprog *prog, int out[NCALLS])
{
	int p[2];
	pid_t pid;
	int status;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char res[NCALLS];

		signal(SIGSYS, SIG_DFL);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) != 0)
			_exit(120);
		for (size_t i = 0; i < NCALLS; i++) {
			long a0 = calls[i].path ? (long)calls[i].path : calls[i].a0;
			long rc = syscall(calls[i].nr, a0, calls[i].a1, 0, 0, 0, 0);
			/* The profiles here deny with EPERM, or ENOSYS for probes. */
			res[i] = !(rc == -1 && (errno == EPERM || errno == ENOSYS));
		}
		if (write(p[1], res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(121);
		_exit(0);
	}
	close(p[1]);
	{
		unsigned char res[NCALLS];
		assert_int_equal(read(p[0], res, sizeof(res)), (ssize_t)sizeof(res));
		for (size_t i = 0; i < NCALLS; i++)
			out[i] = res[i];
	}
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
check_against_kernel(enum seccomp_profile profile, const char *deny)
{
	struct sock_fprog prog;
	int kernel[NCALLS];
	int checked = 0, allowed = 0;

	compile(profile, SECCOMP_FAIL_ERRNO, deny, &prog);
	kernel_answers(&prog, kernel);
	for (size_t i = 0; i < NCALLS; i++) {
		struct seccomp_data sd = call((int)calls[i].nr, 0);
		uint32_t ret;

		sd.args[0] = calls[i].path ? (uint64_t)(uintptr_t)calls[i].path :
		    (uint64_t)calls[i].a0;
		sd.args[1] = (uint64_t)calls[i].a1;
		assert_int_equal(seccomp_eval(&prog, &sd, ALL_ARGS, &ret), 0);
		if (seccomp_eval_allows(&prog, &sd, ALL_ARGS) != kernel[i]) {
			fprintf(stderr, "call %ld: evaluator %d, kernel %d\n",
			    calls[i].nr, !kernel[i], kernel[i]);
			fail();
		}
		checked++;
		allowed += kernel[i];
	}
	assert_int_equal(checked, NCALLS);
	/* Both answers occur: the comparison can fail either way. */
	assert_true(allowed > 0 && allowed < (int)NCALLS);
	seccomp_profile_free(&prog);
}

static void
test_kernel_default(void **state)
{
	(void)state;
	check_against_kernel(SECCOMP_PROFILE_DEFAULT, NULL);
	check_against_kernel(SECCOMP_PROFILE_DEFAULT, "setsid");
	check_against_kernel(SECCOMP_PROFILE_DEFAULT, "prctl");
}

static void
test_kernel_strict(void **state)
{
	(void)state;
	check_against_kernel(SECCOMP_PROFILE_STRICT, NULL);
	check_against_kernel(SECCOMP_PROFILE_STRICT, "getppid");
}

/* ------------------------------------------------------------------ */
/* Compiled profiles: arguments and architectures.                     */

static void
test_default_clone_flags(void **state)
{
	struct sock_fprog prog;
	struct seccomp_data sd;
	uint32_t ret;

	(void)state;
	compile(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_KILL, NULL, &prog);
	sd = call(SYS_clone, CLONE_VM | SIGCHLD | CLONE_CHILD_CLEARTID);
	assert_int_equal(seccomp_eval_allows(&prog, &sd, 1), 1);
	sd = call(SYS_clone, CLONE_NEWNET | SIGCHLD);
	assert_int_equal(seccomp_eval_allows(&prog, &sd, 1), 0);
	assert_int_equal(seccomp_eval(&prog, &sd, 1, &ret), 0);
	assert_int_not_equal(ret & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW);
	/* clone's flags not supplied: the program reads them, so no answer. */
	sd = call(SYS_clone, CLONE_VM);
	assert_int_equal(seccomp_eval(&prog, &sd, 0, &ret), -1);
	assert_int_equal(seccomp_eval_allows(&prog, &sd, 0), 0);
	/* A call without conditions needs no argument. */
	sd = call(SYS_setsid, 0);
	assert_int_equal(seccomp_eval_allows(&prog, &sd, 0), 1);
	/* Another architecture is never allowed. */
	sd = call(SYS_setsid, 0);
	sd.arch = AUDIT_ARCH_I386;
	assert_int_equal(seccomp_eval_allows(&prog, &sd, 0), 0);
#if defined(__x86_64__)
	/* Nor the x32 ABI's numbers. */
	sd = call(SYS_setsid | 0x40000000, 0);
	assert_int_equal(seccomp_eval_allows(&prog, &sd, 0), 0);
#endif
	seccomp_profile_free(&prog);
}

/* The native-call form privd uses: same answers, one known argument. */
static void
test_native_call(void **state)
{
	struct sock_fprog prog;

	(void)state;
	compile(SECCOMP_PROFILE_DEFAULT, SECCOMP_FAIL_KILL, "getppid", &prog);
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_getpid, -1, 0), 1);
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_getppid, -1, 0), 0);
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_clone, 0,
	    CLONE_VM | SIGCHLD), 1);
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_clone, 0,
	    CLONE_NEWNET | SIGCHLD), 0);
	/* Flags unknown (none, or in the wrong slot): no answer, so no. */
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_clone, -1, 0), 0);
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_clone, 1,
	    CLONE_VM | SIGCHLD), 0);
	/* There are six arguments. */
	assert_int_equal(seccomp_eval_allows_native(&prog, SYS_getpid, 6, 0), 0);
	seccomp_profile_free(&prog);
}

/* ------------------------------------------------------------------ */
/* Hand-written programs.                                              */

#define LD(k)           BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define RET(k)          BPF_STMT(BPF_RET | BPF_K, (k))
#define JEQ(k, t, f)    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))

static int
run(struct sock_filter *f, unsigned short len, const struct seccomp_data *sd,
    unsigned known, uint32_t *ret)
{
	struct sock_fprog prog = { .len = len, .filter = f };

	return seccomp_eval(&prog, sd, known, ret);
}

static void
test_handwritten(void **state)
{
	struct seccomp_data sd = call(7, 0);
	uint32_t ret;

	(void)state;
	sd.args[2] = 0x1122334455667788ULL;
	{	/* nr == 7 ? ALLOW : ERRNO */
		struct sock_filter f[] = {
			LD(offsetof(struct seccomp_data, nr)),
			JEQ(7, 0, 1), RET(SECCOMP_RET_ALLOW),
			RET(SECCOMP_RET_ERRNO | EPERM),
		};
		assert_int_equal(run(f, 4, &sd, 0, &ret), 0);
		assert_int_equal(ret, SECCOMP_RET_ALLOW);
		sd.nr = 8;
		assert_int_equal(run(f, 4, &sd, 0, &ret), 0);
		assert_int_equal(ret, SECCOMP_RET_ERRNO | EPERM);
		sd.nr = 7;
	}
	{	/* The instruction pointer is never known. */
		struct sock_filter f[] = {
			LD(offsetof(struct seccomp_data, instruction_pointer)),
			RET(SECCOMP_RET_ALLOW),
		};
		assert_int_equal(run(f, 2, &sd, ALL_ARGS, &ret), -1);
	}
	{	/* Both words of an argument, in the machine's order. */
		struct sock_filter f[] = {
			LD(offsetof(struct seccomp_data, args[2])),
			JEQ(0x55667788, 0, 3),
			LD(offsetof(struct seccomp_data, args[2]) + 4),
			JEQ(0x11223344, 0, 1), RET(SECCOMP_RET_ALLOW),
			RET(SECCOMP_RET_KILL_PROCESS),
		};
		assert_int_equal(run(f, 6, &sd, 1u << 2, &ret), 0);
		assert_int_equal(ret, SECCOMP_RET_ALLOW);
		assert_int_equal(run(f, 6, &sd, 1u << 1, &ret), -1);
	}
	{	/* ALU, scratch memory, X, RET A. */
		struct sock_filter f[] = {
			LD(offsetof(struct seccomp_data, nr)),
			BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 3),
			BPF_STMT(BPF_ST, 4),
			BPF_STMT(BPF_LDX | BPF_MEM, 4),
			BPF_STMT(BPF_MISC | BPF_TXA, 0),
			BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 1),
			BPF_STMT(BPF_RET | BPF_A, 0),
		};
		assert_int_equal(run(f, 7, &sd, 0, &ret), 0);
		assert_int_equal(ret, 20);
	}
	{	/* Invalid: a scratch word read before it is written. */
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_MEM, 0), RET(SECCOMP_RET_ALLOW),
		};
		assert_int_equal(run(f, 2, &sd, 0, &ret), -1);
	}
	{	/* Invalid: a jump past the end, a misaligned load, no return. */
		struct sock_filter jump[] = { JEQ(7, 1, 0), RET(SECCOMP_RET_ALLOW) };
		struct sock_filter ja[] = {
			BPF_STMT(BPF_JMP | BPF_JA, 5), RET(SECCOMP_RET_ALLOW),
		};
		struct sock_filter odd[] = { LD(2), RET(SECCOMP_RET_ALLOW) };
		struct sock_filter past[] = { LD(64), RET(SECCOMP_RET_ALLOW) };
		struct sock_filter noret[] = { LD(0) };
		struct sock_filter div0[] = {
			BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET(SECCOMP_RET_ALLOW),
		};
		struct sock_filter bad[] = {
			BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), RET(SECCOMP_RET_ALLOW),
		};
		assert_int_equal(run(jump, 2, &sd, 0, &ret), -1);
		assert_int_equal(run(ja, 2, &sd, 0, &ret), -1);
		assert_int_equal(run(odd, 2, &sd, 0, &ret), -1);
		assert_int_equal(run(past, 2, &sd, 0, &ret), -1);
		assert_int_equal(run(noret, 1, &sd, 0, &ret), -1);
		assert_int_equal(run(div0, 2, &sd, 0, &ret), -1);
		assert_int_equal(run(bad, 2, &sd, 0, &ret), -1);
		assert_int_equal(run(bad, 0, &sd, 0, &ret), -1);
		assert_int_equal(seccomp_eval_allows(NULL, &sd, 0), 0);
	}
	{	/* LOG and other actions are not "allow". */
		struct sock_filter f[] = { RET(SECCOMP_RET_LOG) };
		struct sock_fprog prog = { .len = 1, .filter = f };
		assert_int_equal(seccomp_eval_allows(&prog, &sd, 0), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_default),
		cmocka_unit_test(test_kernel_strict),
		cmocka_unit_test(test_default_clone_flags),
		cmocka_unit_test(test_native_call),
		cmocka_unit_test(test_handwritten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
