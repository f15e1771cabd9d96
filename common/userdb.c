/*
 * userdb.c: user, group and service-port look-ups, in-process or through
 * the look-up helper (see userdb.h for why the helper exists).
 *
 * The helper is the program hinetd-userdb (userdb/), executed with only
 * the socket to its caller; it answers fixed-size requests with
 * fixed-size replies, one at a time, until the socket closes.  The caller checks every reply (exact size,
 * a NUL-terminated name, counts in range) and waits a bounded time for
 * it, so a stuck name service fails a load instead of hanging privd.
 */
#include "common/userdb.h"
#include "common/userdb_wire.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELPER_TIMEOUT_S 30     /* one look-up, at most */

static int   helper_fd = -1;
static pid_t helper_pid = -1;

/*
 * The answers of this helper session, so that a load of 1000 services
 * run as one user asks the helper three times, not 3000.  A mapping of
 * its own, unmapped when the helper stops: nothing stays in privd.
 */
#define CACHE_N 32

struct cache_entry {
	struct ud_req q;
	struct ud_rep r;
};

static struct cache_entry *cache;
static size_t cache_used, cache_next;

int
userdb_copy_name(char *dst, const char *src)
{
	return str_copy(dst, src, USERDB_NAME_MAX) < USERDB_NAME_MAX ? 0 : -1;
}

/* ---- the messages ----------------------------------------------------- */

int
userdb_request_check(const void *buf, size_t len)
{
	struct ud_req q;

	if (len != sizeof(q))
		return -1;
	memcpy(&q, buf, sizeof(q));
	if (q.op < UD_USER_BY_NAME || q.op > UD_SERVICE_PORT ||
	    memchr(q.name, '\0', sizeof(q.name)) == NULL ||
	    memchr(q.proto, '\0', sizeof(q.proto)) == NULL)
		return -1;
	return 0;
}

int
userdb_reply_check(uint32_t op, const void *buf, size_t len)
{
	struct ud_rep r;

	if (len != sizeof(r))
		return -1;
	memcpy(&r, buf, sizeof(r));
	if (memchr(r.name, '\0', sizeof(r.name)) == NULL ||
	    r.n < 0 || r.n > USERDB_GROUPS_MAX)
		return -1;
	switch (op) {
	case UD_USER_BY_NAME:
	case UD_USER_BY_UID:
	case UD_GROUP_BY_NAME:
	case UD_GROUP_BY_GID:
		return r.result == 0 || r.result == -1 ? 0 : -1;
	case UD_GROUPLIST:
		return r.result == -1 || r.result == r.n ? 0 : -1;
	case UD_SERVICE_PORT:
		return r.result == -1 || (r.result >= 1 && r.result <= 65535) ?
		    0 : -1;
	default:
		return -1;
	}
}

/* ---- the helper ------------------------------------------------------- */

/*
 * The answering side (common/userdb_local.c): linked into the helper, and
 * into hinetd-match and the unit tests, which look up in-process; never
 * into privd, which must not map a name-service module nor link the
 * functions that load them.  A weak reference does not pull it in.
 */
#pragma weak userdb_local_answer

/*
 * The child, between fork and exec: the socket on fd 3, nothing else
 * above 2, no blocked signal, an empty environment, the default scheduling
 * policy (privd's main thread may run SCHED_BATCH).  Started by root, it
 * becomes uid:gid with no supplementary group before the exec, so it
 * execs without capabilities (and with no_new_privs, none to gain): the
 * name-service modules never run as root.  (Started by another user, as
 * by hinetd -t run by that user, it stays that user.)
 */
static void __attribute__((noreturn))
helper_exec(int exec_fd, int sock, uid_t uid, gid_t gid)
{
	static char *const argv[] = { "hinetd-userdb", NULL };
	static char *const envp[] = { NULL };
	const struct sched_param param = { .sched_priority = 0 };
	sigset_t none;
	int xfd;

	sigemptyset(&none);
	(void)sched_setscheduler(0, SCHED_OTHER, &param);   /* not vital */
	if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
	    setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1))
		_exit(127);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) == -1 ||
	    (xfd = fcntl(exec_fd, F_DUPFD_CLOEXEC, 4)) == -1 ||
	    (sock == 3 ? fcntl(3, F_SETFD, 0) : dup2(sock, 3)) == -1 ||
	    close_range(4, ~0U, CLOSE_RANGE_CLOEXEC) == -1)
		_exit(127);
	syscall(SYS_execveat, xfd, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

int
userdb_helper_start(int exec_fd, uid_t uid, gid_t gid)
{
	struct timeval tv = { .tv_sec = HELPER_TIMEOUT_S };
	int sv[2];
	pid_t pid;

	if (helper_fd != -1) {
		errno = EBUSY;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    (pid = fork()) == -1) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		helper_exec(exec_fd, sv[1], uid, gid);
	close(sv[1]);
	helper_fd = sv[0];
	helper_pid = pid;
	cache = mmap(NULL, CACHE_N * sizeof(*cache), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cache == MAP_FAILED)
		cache = NULL;           /* no cache: every look-up is asked */
	cache_used = cache_next = 0;
	return 0;
}

pid_t
userdb_helper_pid(void)
{
	return helper_pid;
}

void
userdb_helper_stop(void)
{
	if (helper_fd >= 0)
		close(helper_fd);
	helper_fd = -1;
	if (cache != NULL)
		munmap(cache, CACHE_N * sizeof(*cache));
	cache = NULL;
	if (helper_pid == -1)
		return;
	/* Done with it; it may be stuck in a name service. */
	kill(helper_pid, SIGKILL);
	while (waitpid(helper_pid, NULL, 0) == -1 && errno == EINTR)
		;
	helper_pid = -1;
}

/* Is a helper in charge (running, or failed during this session)? */
static int
helper_on(void)
{
	return helper_fd != -1;
}

/*
 * One look-up: answered here without a helper, else asked of it.  0 with
 * *r (checked when it came from the helper); -1 when a name is too long
 * to exist, or the helper failed, after which it is ended and every later
 * look-up fails (never silently made in-process instead: the caller asked
 * for the helper).
 */
static int
ask(uint32_t op, uint32_t id, const char *name, const char *proto,
    struct ud_rep *r)
{
	struct ud_req q;
	ssize_t n = -1;
	int e = 0;

	memset(&q, 0, sizeof(q));
	q.op = op;
	q.id = id;
	if ((name != NULL && userdb_copy_name(q.name, name) == -1) ||
	    (proto != NULL && str_copy(q.proto, proto, sizeof(q.proto)) >=
	    sizeof(q.proto)))
		return -1;              /* too long to exist: not found */
	if (!helper_on()) {
		if (userdb_local_answer == NULL)
			return -1;      /* privd: only ever the helper */
		userdb_local_answer(&q, r);
		return 0;
	}
	if (helper_pid == -1)
		return -1;              /* ended after a failure */
	for (size_t i = 0; cache != NULL && i < cache_used; i++)
		if (memcmp(&cache[i].q, &q, sizeof(q)) == 0) {
			*r = cache[i].r;
			return 0;
		}
	if (send(helper_fd, &q, sizeof(q), MSG_NOSIGNAL) != (ssize_t)sizeof(q)) {
		e = errno;
		goto failed;
	}
	do
		n = recv(helper_fd, r, sizeof(*r), MSG_TRUNC);
	while (n == -1 && errno == EINTR);
	e = n == -1 ? errno : 0;
	if (n < 0 || userdb_reply_check(op, r, (size_t)n) == -1)
		goto failed;
	if (cache != NULL) {
		cache[cache_next].q = q;
		cache[cache_next].r = *r;
		cache_next = (cache_next + 1) % CACHE_N;
		if (cache_used < CACHE_N)
			cache_used++;
	}
	return 0;
failed:
	if (e == EAGAIN)
		log_warnx("user look-up helper: no answer in %d s", HELPER_TIMEOUT_S);
	else if (e != 0)
		log_warnx("user look-up helper: %s", strerror(e));
	else
		log_warnx("user look-up helper: a bad or missing answer");
	userdb_helper_stop();
	helper_fd = -2;         /* failed: later look-ups fail too, until stop */
	return -1;
}

/* ---- the interface ---------------------------------------------------- */

static int
user_lookup(uint32_t op, uint32_t uid, const char *name,
    struct userdb_user *out)
{
	struct ud_rep r;

	if (ask(op, uid, name, NULL, &r) == -1 || r.result != 0)
		return -1;
	out->uid = (uid_t)r.id;
	out->gid = (gid_t)r.gid;
	memcpy(out->name, r.name, sizeof(out->name));
	return 0;
}

static int
group_lookup(uint32_t op, uint32_t gid, const char *name,
    struct userdb_group *out)
{
	struct ud_rep r;

	if (ask(op, gid, name, NULL, &r) == -1 || r.result != 0)
		return -1;
	out->gid = (gid_t)r.id;
	memcpy(out->name, r.name, sizeof(out->name));
	return 0;
}

int
userdb_user_by_name(const char *name, struct userdb_user *out)
{
	return user_lookup(UD_USER_BY_NAME, 0, name, out);
}

int
userdb_user_by_uid(uid_t uid, struct userdb_user *out)
{
	return user_lookup(UD_USER_BY_UID, (uint32_t)uid, NULL, out);
}

int
userdb_group_by_name(const char *name, struct userdb_group *out)
{
	return group_lookup(UD_GROUP_BY_NAME, 0, name, out);
}

int
userdb_group_by_gid(gid_t gid, struct userdb_group *out)
{
	return group_lookup(UD_GROUP_BY_GID, (uint32_t)gid, NULL, out);
}

int
userdb_grouplist(const char *user, gid_t base, gid_t *groups, int *n)
{
	struct ud_rep r;
	int max = *n;

	if (max < 0 || max > USERDB_GROUPS_MAX ||
	    ask(UD_GROUPLIST, (uint32_t)base, user, NULL, &r) == -1)
		return -1;
	*n = r.n < max ? r.n : max;
	for (int i = 0; i < *n; i++)
		groups[i] = (gid_t)r.groups[i];
	return r.result == -1 || r.n > max ? -1 : r.n;
}

int
userdb_service_port(const char *name, const char *proto)
{
	struct ud_rep r;

	if (ask(UD_SERVICE_PORT, 0, name, proto, &r) == -1)
		return -1;
	return r.result;
}
