/*
 * test_spawn.c: the spawn slot (privd/spawn_slot.c) and the one spawn path
 * (privd/spawn.c) with a real child, and a filter thread's ring of requests.
 *
 * The slot must hold private copies of everything the child reads, so
 * that privd may change or free its own buffers while a child that shares
 * its memory is still confining itself; and it must be freed when the
 * status pipe says the child exec'd, but not before a child that reported
 * a failure is reaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privd/spawn.h"
#include "privd/spawn_slot.h"
#include "privd/spawn_bset.h"
#include "privd/spawn_plan.h"
#include "privd/spawn_prefilter.h"

/* A standard slot's arena (SLOT_ARENA_STD in privd/spawn_slot.c). */
#define ARENA_STD (16 * 1024)

/* Is p inside the standard slot whose arena starts at top (the stack's top)? */
static int
in_slot(const void *p, const void *top)
{
	return (const char *)p >= (const char *)top &&
	    (const char *)p < (const char *)top + ARENA_STD;
}

static void
plan_init(struct spawn_plan *p, const char *path, char *const *argv)
{
	memset(p, 0, sizeof(*p));
	p->built = 1;
	p->exec_fd = -1;
	p->landlock_fd = -1;
	p->path = path;
	p->argv = argv;
	p->uid = 65534;
	p->gid = 65534;
	p->umask = -1;
	p->no_new_privs = 1;
	p->cap_hdr.version = _LINUX_CAPABILITY_VERSION_3;
}

static void
test_slot_copies_are_deep(void **state)
{
	char path[] = "/bin/sh";
	char a0[] = "sh", a1[] = "-c", a2[] = "exit 0";
	char *argv[] = { a0, a1, a2, NULL };
	char e0[] = "PROTO=TCP", e1[] = "TCPREMOTEIP=127.0.0.1";
	char *envp[] = { e0, e1, NULL };
	char root[] = "/var/empty";
	gid_t groups[] = { 10, 20, 30 };
	struct sock_filter insns[3] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000),
	};
	int inherit[] = { 7, 9 };
	struct spawn_plan plan;
	struct spawn_io io = { .stdio_fd = 5, .inherit = inherit, .ninherit = 2,
	    .envp = envp };
	struct spawn_child *c;
	void *top;

	(void)state;
	plan_init(&plan, path, argv);
	plan.chroot = root;
	plan.groups = groups;
	plan.ngroups = 3;
	plan.filter.len = 3;
	plan.filter.filter = insns;
	c = spawn_slot_get(&plan, &io, &top);
	assert_non_null(c);
	assert_int_equal(spawn_slots_busy(), 1);

	/* privd reuses its buffers for the next connection... */
	memset(path, 'X', sizeof(path) - 1);
	memset(a2, 'X', sizeof(a2) - 1);
	memset(e1, 'X', sizeof(e1) - 1);
	memset(root, 'X', sizeof(root) - 1);
	argv[1] = NULL;
	envp[0] = NULL;
	groups[1] = 99;
	insns[1].k = 42;
	inherit[0] = -1;

	/* ...and the child still reads what it was given, from its slot. */
	assert_true(in_slot(c, top));
	assert_string_equal(c->plan.path, "/bin/sh");
	assert_true(in_slot(c->plan.path, top));
	assert_string_equal(c->plan.argv[0], "sh");
	assert_string_equal(c->plan.argv[1], "-c");
	assert_string_equal(c->plan.argv[2], "exit 0");
	assert_null(c->plan.argv[3]);
	assert_true(in_slot(c->plan.argv, top));
	assert_true(in_slot(c->plan.argv[2], top));
	assert_string_equal(c->io.envp[0], "PROTO=TCP");
	assert_string_equal(c->io.envp[1], "TCPREMOTEIP=127.0.0.1");
	assert_null(c->io.envp[2]);
	assert_string_equal(c->plan.chroot, "/var/empty");
	assert_int_equal(c->plan.ngroups, 3);
	assert_int_equal(c->plan.groups[1], 20);
	assert_true(in_slot(c->plan.groups, top));
	assert_int_equal(c->plan.filter.len, 3);
	assert_int_equal(c->plan.filter.filter[1].k, 1);
	assert_true(in_slot(c->plan.filter.filter, top));
	assert_int_equal(c->io.inherit[0], 7);
	assert_int_equal(c->io.stdio_fd, 5);
	assert_null(c->plan.env);

	/* Never bound to a pid (clone failed): dropped. */
	spawn_slot_drop(c);
	assert_int_equal(spawn_slots_busy(), 0);
}

static void
test_slot_large_environment(void **state)
{
	enum { N = 200, LEN = 400 };      /* 80 KB: beyond a standard slot */
	static char strs[N][LEN];
	static char *envp[N + 1];
	char *argv[] = { "true", NULL };
	struct spawn_plan plan;
	struct spawn_io io = { .stdio_fd = -1, .envp = envp };
	struct spawn_child *c;
	void *top;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(strs[i], LEN, "V%d=", i);
		memset(strs[i] + strlen(strs[i]), 'a' + i % 26,
		    LEN - 1 - strlen(strs[i]));
		envp[i] = strs[i];
	}
	plan_init(&plan, "/bin/true", argv);
	c = spawn_slot_get(&plan, &io, &top);
	assert_non_null(c);
	for (int i = 0; i < N; i++)
		assert_string_equal(c->io.envp[i], strs[i]);
	assert_null(c->io.envp[N]);
	spawn_slot_bind(c, 12345);
	spawn_slot_release(12346);              /* another pid: kept */
	assert_int_equal(spawn_slots_busy(), 1);
	spawn_slot_release(12345);
	assert_int_equal(spawn_slots_busy(), 0);
}

/* A real child needs root (it changes its credentials); stdio /dev/null. */
static void
child_io(struct spawn_io *io)
{
	if (geteuid() != 0)
		skip();
	io->stdio_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(io->stdio_fd >= 0);
}

/* Wait for pid's status pipe fd to answer (spawn_status), then close it. */
static int
status_wait(pid_t pid, int fd, int *err, enum spawn_step *step)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int rc;

	while ((rc = spawn_status(pid, fd, err, step)) == -1)
		assert_true(poll(&pfd, 1, 5000) == 1);
	close(fd);
	return rc;
}

/* spawn_start, then wait for the status pipe to answer. */
static int
start_and_wait(struct spawn_plan *plan, struct spawn_io *io, pid_t *pid,
    int *err, enum spawn_step *step)
{
	int fd;

	*pid = spawn_start(plan, io, &fd, err);
	assert_true(*pid > 0);
	assert_int_equal(spawn_slots_busy(), 1);
	return status_wait(*pid, fd, err, step);
}

static void
test_child_execs_and_frees_its_slot(void **state)
{
	char *argv[] = { "sh", "-c", "test \"$(id -u)\" = 65534 && "
	    "test \"$HINETD_T\" = ok && exit 3", NULL };
	char *envp[] = { "HINETD_T=ok", "PATH=/usr/bin:/bin", NULL };
	struct spawn_plan plan;
	struct spawn_io io = { .envp = envp };
	enum spawn_step step = STEP_NONE;
	int err = 0, status;
	pid_t pid;

	(void)state;
	child_io(&io);
	plan_init(&plan, "/bin/sh", argv);
	assert_int_equal(start_and_wait(&plan, &io, &pid, &err, &step), 0);
	/* End of file: it exec'd, and its slot is free at once. */
	assert_int_equal(spawn_slots_busy(), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	spawn_reaped(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	close(io.stdio_fd);
}

static void
test_failed_step_keeps_slot_until_reaped(void **state)
{
	char *argv[] = { "nothing", NULL };
	char *envp[] = { NULL };
	struct spawn_plan plan;
	struct spawn_io io = { .envp = envp };
	enum spawn_step step = STEP_NONE;
	int err = 0, status, saved;
	pid_t pid;

	(void)state;
	child_io(&io);
	plan_init(&plan, "/nonexistent/hinetd-test-program", argv);
	errno = 0;
	assert_int_equal(start_and_wait(&plan, &io, &pid, &err, &step), 1);
	saved = errno;
	assert_int_equal(step, STEP_EXEC);
	assert_int_equal(err, ENOENT);
	/* The child wrote its failure, not privd's errno. */
	assert_int_not_equal(saved, ENOENT);
	/* It may still be running on its stack: the slot waits for the reap. */
	assert_int_equal(spawn_slots_busy(), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 127);
	spawn_reaped(pid);
	assert_int_equal(spawn_slots_busy(), 0);
	close(io.stdio_fd);
}

/*
 * The kernel clears a child's in_use word once it has left privd's memory
 * (CLONE_CHILD_CLEARTID): the next spawn takes its slot back even though
 * privd has neither read the status pipe's end-of-file nor reaped it.
 */
static void
test_slot_taken_back_before_eof_or_reap(void **state)
{
	char *argv[] = { "sh", "-c", "exit 0", NULL };
	char *envp[] = { NULL };
	struct spawn_plan plan;
	struct spawn_io io = { .envp = envp };
	enum spawn_step step = STEP_NONE;
	siginfo_t si;
	int err = 0, fd_a, status;
	pid_t a, b;

	(void)state;
#ifdef HINETD_SPAWN_FORK
	/* A forked child clears its own copy of the word, not privd's. */
	skip();
#endif
	child_io(&io);
	plan_init(&plan, "/bin/sh", argv);
	a = spawn_start(&plan, &io, &fd_a, &err);
	assert_true(a > 0);
	assert_int_equal(spawn_slots_busy(), 1);
	/* Wait for its exit, leaving it unreaped and its pipe unread. */
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)a, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(spawn_slots_busy(), 1);
	assert_int_equal(start_and_wait(&plan, &io, &b, &err, &step), 0);
	/* a's slot went back at b's spawn; b's at its end-of-file. */
	assert_int_equal(spawn_slots_busy(), 0);
	assert_int_equal(spawn_status(a, fd_a, &err, &step), 0);
	close(fd_a);
	assert_int_equal(waitpid(a, &status, 0), a);
	spawn_reaped(a);
	assert_int_equal(waitpid(b, &status, 0), b);
	spawn_reaped(b);
	assert_int_equal(spawn_slots_busy(), 0);
	close(io.stdio_fd);
}

/* ---- the bounding set: narrowed in the main thread, kept whole in one ---- */

#define CAP_BIT(c) (1ULL << (c))
#define T_NET_BIND_SERVICE 10
#define T_NET_RAW 13

/* A /proc/PID/status field as a number (hexadecimal capability sets). */
static uint64_t
status_hex(const char *text, const char *field)
{
	const char *p = strstr(text, field);

	assert_non_null(p);
	return strtoull(p + strlen(field), NULL, 16);
}

/* Spawn `keep`'s child with stdout on a pipe; its /proc/self/status. */
static void
child_status(uint64_t keep, char *out, size_t outlen)
{
	char *argv[] = { "cat", "/proc/self/status", NULL };
	char *envp[] = { NULL };
	struct spawn_plan plan;
	struct spawn_io io = { .envp = envp };
	enum spawn_step step = STEP_NONE;
	int err = 0, status, pfd[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	io.stdio_fd = pfd[1];
	plan_init(&plan, "/bin/cat", argv);
	spawn_plan_caps(&plan, keep);
	assert_int_equal(start_and_wait(&plan, &io, &pid, &err, &step), 0);
	close(pfd[1]);
	while (got < outlen - 1 && (n = read(pfd[0], out + got,
	    outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	spawn_reaped(pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The calling thread's own bounding set (per thread: /proc/thread-self). */
static uint64_t
thread_bset(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	return status_hex(buf, "CapBnd:");
}

/*
 * A filter thread's ring (privd/spawn_prefilter.c): more spawns begun than
 * the ring holds, so that asking waits for the thread to make room, and
 * then every one ended in order, as conn_spawn.c does under load.  Each
 * child must be the thread's (its filter in force, and only that one: the
 * child did not install another), reach execve and exit 0.  A wake-up lost
 * between the two threads hangs here; the alarm turns that into a failure.
 */
static void
test_prefilter_ring_more_than_it_holds(void **state)
{
	enum { N = 40 };                /* the ring holds 16 */
	static struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	char *argv[] = { "sh", "-c",
	    "grep -q '^Seccomp:[[:space:]]*2$' /proc/self/status && "
	    "grep -q '^Seccomp_filters:[[:space:]]*1$' /proc/self/status", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	static struct spawn_handle h[N];
	struct spawn_plan plan;
	struct spawn_io io = { .envp = envp };
	enum spawn_step step;
	int err = 0, fd, status;
	pid_t pid;

	(void)state;
	child_io(&io);
	plan_init(&plan, "/bin/sh", argv);
	plan.filter.filter = allow;
	plan.filter.len = 1;
	spawn_prefilter_attach(&plan, 1);
	assert_non_null(plan.prefilter);
	alarm(60);
	for (int i = 0; i < N; i++)
		assert_int_equal(spawn_begin(&plan, &io, 0, &h[i], &err), 0);
	for (int i = 0; i < N; i++) {
		pid = spawn_end(&h[i], &fd, &err);
		assert_true(pid > 0);
		(void)status_wait(pid, fd, &err, &step);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		spawn_reaped(pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	alarm(0);
	assert_int_equal(spawn_slots_busy(), 0);
	spawn_prefilter_attach(NULL, 0);        /* its thread stops */
	close(io.stdio_fd);
}

/*
 * After narrowing, the main thread holds only what is needed, and a child
 * granted nothing starts with nothing to drop and ends with an empty set;
 * a child granted a capability the main thread dropped is cloned by the
 * keeping thread and ends with exactly that capability.  Runs last: the
 * narrowing cannot be undone in this process.
 */
static void
test_bset_narrowed_and_kept(void **state)
{
	char st[8192];
	uint64_t before;

	(void)state;
	if (geteuid() != 0)
		skip();
	before = thread_bset();
	if (!(before & CAP_BIT(T_NET_BIND_SERVICE)) || !(before & CAP_BIT(T_NET_RAW)))
		skip();
	spawn_bset_init();
	assert_int_equal(spawn_bset_main(), before);
	spawn_bset_narrow(CAP_BIT(T_NET_BIND_SERVICE));
	assert_int_equal(spawn_bset_main(), CAP_BIT(T_NET_BIND_SERVICE));
	assert_int_equal(thread_bset(), CAP_BIT(T_NET_BIND_SERVICE));

	/* Granted nothing: the one capability left is dropped in the child. */
	child_status(0, st, sizeof(st));
	assert_int_equal(status_hex(st, "CapBnd:"), 0);
	assert_int_equal(status_hex(st, "CapEff:"), 0);

	/* Granted what the main thread has: kept, nothing else. */
	child_status(CAP_BIT(T_NET_BIND_SERVICE), st, sizeof(st));
	assert_int_equal(status_hex(st, "CapBnd:"), CAP_BIT(T_NET_BIND_SERVICE));
	assert_int_equal(status_hex(st, "CapAmb:"), CAP_BIT(T_NET_BIND_SERVICE));

	/* Granted what only the keeping thread has: it clones, the child keeps
	 * exactly that one, and the main thread's set is unchanged. */
	child_status(CAP_BIT(T_NET_RAW), st, sizeof(st));
	assert_int_equal(status_hex(st, "CapBnd:"), CAP_BIT(T_NET_RAW));
	assert_int_equal(status_hex(st, "CapAmb:"), CAP_BIT(T_NET_RAW));
	assert_int_equal(status_hex(st, "CapEff:"), CAP_BIT(T_NET_RAW));
	assert_int_equal(thread_bset(), CAP_BIT(T_NET_BIND_SERVICE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_copies_are_deep),
		cmocka_unit_test(test_slot_large_environment),
		cmocka_unit_test(test_child_execs_and_frees_its_slot),
		cmocka_unit_test(test_failed_step_keeps_slot_until_reaped),
		cmocka_unit_test(test_slot_taken_back_before_eof_or_reap),
		cmocka_unit_test(test_prefilter_ring_more_than_it_holds),
		cmocka_unit_test(test_bset_narrowed_and_kept),  /* last */
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
