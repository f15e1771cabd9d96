/*
 * test_userdb.c: unit tests of common/userdb.c with the real helper
 * program (hinetd-userdb): answers equal the in-process ones, names too
 * long to exist are not found without harming the helper, the helper
 * keeps only fds 0-3 and no_new_privs, and once it dies or answers
 * wrongly (tests/helpers/evil_userdb.c) every look-up fails (never made
 * in-process behind the caller's back) until stop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/userdb.h"

static int exec_fd = -1;

/* The uid privd gives the helper (privd.h: PRIVD_HELPER_UID). */
#define HELPER_UID 65533

static int
setup(void **state)
{
	(void)state;
	exec_fd = open(HINETD_USERDB_PATH, O_PATH | O_CLOEXEC);
	return exec_fd == -1 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	userdb_helper_stop();
	close(exec_fd);
	return 0;
}

/* Every kind of look-up, in-process now: the expected answers. */
struct answers {
	struct userdb_user root, nobody, uid0;
	struct userdb_group groot, gid0;
	gid_t groups[USERDB_GROUPS_MAX];
	int ngroups, nfound, ssh, discard, unknown_port, unknown_user;
};

static void
ask_all(struct answers *a)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(userdb_user_by_name("root", &a->root), 0);
	assert_int_equal(userdb_user_by_name("nobody", &a->nobody), 0);
	assert_int_equal(userdb_user_by_uid(0, &a->uid0), 0);
	assert_int_equal(userdb_group_by_name("root", &a->groot), 0);
	assert_int_equal(userdb_group_by_gid(0, &a->gid0), 0);
	a->ngroups = USERDB_GROUPS_MAX;
	a->nfound = userdb_grouplist("root", 0, a->groups, &a->ngroups);
	a->ssh = userdb_service_port("ssh", "tcp");
	a->discard = userdb_service_port("discard", "udp");
	a->unknown_port = userdb_service_port("no-such-service-x", "tcp");
	a->unknown_user = userdb_user_by_name("no-such-user-x", &a->root) == -1 ?
	    -1 : 0;
	assert_int_equal(userdb_user_by_name("root", &a->root), 0);
}

static void
test_helper_answers_as_in_process(void **state)
{
	struct answers direct, helper;

	(void)state;
	assert_int_equal(userdb_helper_pid(), -1);
	ask_all(&direct);
	assert_int_equal(direct.root.uid, 0);
	assert_string_equal(direct.uid0.name, "root");
	assert_int_equal(direct.nobody.uid, 65534);
	assert_int_equal(direct.ssh, 22);
	assert_int_equal(direct.discard, 9);
	assert_int_equal(direct.unknown_port, -1);
	assert_int_equal(direct.unknown_user, -1);
	assert_true(direct.nfound >= 1);
	assert_int_equal(direct.groups[0], 0);

	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	assert_true(userdb_helper_pid() > 0);
	ask_all(&helper);
	assert_memory_equal(&direct, &helper, sizeof(direct));
	userdb_helper_stop();
	assert_int_equal(userdb_helper_pid(), -1);
}

static void
test_grouplist_too_small(void **state)
{
	gid_t groups[USERDB_GROUPS_MAX];
	int n = 0;

	(void)state;
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	/* Room for none: root is in at least its own group. */
	assert_int_equal(userdb_grouplist("root", 0, groups, &n), -1);
	assert_int_equal(n, 0);
	n = USERDB_GROUPS_MAX + 1;
	assert_int_equal(userdb_grouplist("root", 0, groups, &n), -1);
	n = USERDB_GROUPS_MAX;
	assert_true(userdb_grouplist("root", 0, groups, &n) >= 1);
	userdb_helper_stop();
}

static void
test_long_name_not_found(void **state)
{
	struct userdb_user u;
	char name[USERDB_NAME_MAX + 10];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	assert_int_equal(userdb_user_by_name(name, &u), -1);
	assert_int_equal(userdb_service_port("ssh", "tcpx"), -1);
	/* The helper is still there and answering. */
	assert_int_equal(userdb_user_by_name("root", &u), 0);
	assert_int_equal(u.uid, 0);
	userdb_helper_stop();
}

static void
test_started_twice(void **state)
{
	(void)state;
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	errno = 0;
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), -1);
	assert_int_equal(errno, EBUSY);
	userdb_helper_stop();
	userdb_helper_stop();           /* harmless */
}

/* The helper's fds and no_new_privs, from /proc. */
static void
test_helper_holds_only_its_socket(void **state)
{
	char path[64], line[256], link[256];
	struct userdb_user u;
	struct dirent *de;
	FILE *f;
	DIR *dir;
	int nfds = 0, nnp = -1;
	pid_t pid;
	ssize_t n;

	(void)state;
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	assert_int_equal(userdb_user_by_name("root", &u), 0);  /* it has exec'd */
	pid = userdb_helper_pid();
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	assert_true(n > 0);
	link[n] = '\0';
	assert_non_null(strstr(link, "/hinetd-userdb"));
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	assert_non_null(dir = opendir(path));
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		assert_true(atoi(de->d_name) <= 3);
		nfds++;
	}
	closedir(dir);
	assert_int_equal(nfds, 4);
	snprintf(path, sizeof(path), "/proc/%d/fd/3", (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	assert_true(n > 0);
	link[n] = '\0';
	assert_non_null(strstr(link, "socket:["));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "NoNewPrivs: %d", &nnp) == 1)
			break;
	fclose(f);
	assert_int_equal(nnp, 1);
	userdb_helper_stop();
	assert_int_equal(kill(pid, 0), -1);     /* reaped */
}

static void
test_dead_helper_fails_lookups(void **state)
{
	struct userdb_user u;
	gid_t groups[USERDB_GROUPS_MAX];
	int n = USERDB_GROUPS_MAX;

	(void)state;
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	assert_int_equal(userdb_user_by_name("root", &u), 0);
	assert_int_equal(kill(userdb_helper_pid(), SIGKILL), 0);
	/*
	 * In-process these would all succeed.  The first is new (the answer
	 * about "root" by name is the session's to reuse until a failure).
	 */
	assert_int_equal(userdb_user_by_uid(0, &u), -1);
	assert_int_equal(userdb_user_by_name("root", &u), -1);
	assert_int_equal(userdb_grouplist("root", 0, groups, &n), -1);
	assert_int_equal(userdb_service_port("ssh", "tcp"), -1);
	assert_int_equal(userdb_helper_pid(), -1);      /* reaped */
	errno = 0;
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), -1);
	assert_int_equal(errno, EBUSY);                 /* until stopped */
	userdb_helper_stop();
	assert_int_equal(userdb_user_by_name("root", &u), 0);
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	assert_int_equal(userdb_user_by_name("root", &u), 0);
	userdb_helper_stop();
}

/* One bad answer ends the helper and fails the rest of the session. */
static void
bad_answer(int evil_fd, int (*ask)(const char *), const char *name)
{
	struct userdb_user u;

	assert_int_equal(userdb_helper_start(evil_fd, HELPER_UID, HELPER_UID), 0);
	assert_int_equal(userdb_user_by_name("root", &u), 0);   /* it answers */
	assert_int_equal(u.uid, 0);
	assert_int_equal(ask(name), -1);
	assert_int_equal(userdb_helper_pid(), -1);              /* killed, reaped */
	assert_int_equal(userdb_user_by_name("root", &u), -1);
	userdb_helper_stop();
}

static int
ask_user(const char *name)
{
	struct userdb_user u;

	return userdb_user_by_name(name, &u);
}

static int
ask_groups(const char *name)
{
	gid_t groups[USERDB_GROUPS_MAX];
	int n = USERDB_GROUPS_MAX;

	return userdb_grouplist(name, 0, groups, &n) == -1 ? -1 : 0;
}

static int
ask_port(const char *name)
{
	return userdb_service_port(name, "tcp") == -1 ? -1 : 0;
}

static void
test_bad_answers_are_refused(void **state)
{
	struct userdb_user u;
	int evil_fd;

	(void)state;
	evil_fd = open(HINETD_EVIL_USERDB_PATH, O_PATH | O_CLOEXEC);
	assert_true(evil_fd >= 0);
	bad_answer(evil_fd, ask_user, "short");
	bad_answer(evil_fd, ask_user, "long");
	bad_answer(evil_fd, ask_user, "nonul");
	bad_answer(evil_fd, ask_user, "badresult");
	bad_answer(evil_fd, ask_user, "exit");
	bad_answer(evil_fd, ask_groups, "badcount");
	bad_answer(evil_fd, ask_groups, "mismatch");
	bad_answer(evil_fd, ask_port, "port0");
	/* A plain "not found" is an answer, not a failure. */
	assert_int_equal(userdb_helper_start(evil_fd, HELPER_UID, HELPER_UID), 0);
	assert_int_equal(userdb_user_by_name("someone", &u), -1);
	assert_true(userdb_helper_pid() > 0);
	assert_int_equal(userdb_user_by_name("root", &u), 0);
	userdb_helper_stop();
	close(evil_fd);
}

/* A field of /proc/PID/status, or "" */
static void
status_field(pid_t pid, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			char *v = line + kl + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			break;
		}
	fclose(f);
}

/*
 * Started by root, the helper runs as its own uid, with no group, no
 * capability, no_new_privs, its seccomp allow-list, and not dumpable
 * (its /proc files are then root's, not its uid's).
 */
static void
test_helper_is_confined(void **state)
{
	char v[256], want[64];
	struct userdb_user u;
	struct stat st;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(userdb_helper_start(exec_fd, HELPER_UID, HELPER_UID), 0);
	/* One look-up: it has confined itself by the time it answers. */
	assert_int_equal(userdb_user_by_name("root", &u), 0);
	pid = userdb_helper_pid();
	snprintf(want, sizeof(want), "%d\t%d\t%d\t%d", HELPER_UID, HELPER_UID,
	    HELPER_UID, HELPER_UID);
	status_field(pid, "Uid", v, sizeof(v));
	assert_string_equal(v, want);
	status_field(pid, "Gid", v, sizeof(v));
	assert_string_equal(v, want);
	status_field(pid, "Groups", v, sizeof(v));
	assert_string_equal(v, "");
	status_field(pid, "CapEff", v, sizeof(v));
	assert_string_equal(v, "0000000000000000");
	status_field(pid, "CapPrm", v, sizeof(v));
	assert_string_equal(v, "0000000000000000");
	status_field(pid, "NoNewPrivs", v, sizeof(v));
	assert_string_equal(v, "1");
	status_field(pid, "Seccomp", v, sizeof(v));
	assert_string_equal(v, "2");
	snprintf(want, sizeof(want), "/proc/%ld/status", (long)pid);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_uid, 0);         /* not dumpable */
	userdb_helper_stop();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_answers_as_in_process),
		cmocka_unit_test(test_helper_is_confined),
		cmocka_unit_test(test_grouplist_too_small),
		cmocka_unit_test(test_long_name_not_found),
		cmocka_unit_test(test_started_twice),
		cmocka_unit_test(test_helper_holds_only_its_socket),
		cmocka_unit_test(test_dead_helper_fails_lookups),
		cmocka_unit_test(test_bad_answers_are_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
