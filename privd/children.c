/*
 * children.c: the table of live service children (by pid) and reaping.
 * Every child is reaped here, however it ended; its counters are released
 * and its exit reported to the listener that asked for it (or logged here
 * if that listener is gone).
 */
#include "privd/privd.h"
#include "privd/spawn.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Open addressing, linear probing; pid 0 = free.  The table is a mapping
 * of its own, grown when half full and shrunk when under an eighth full,
 * so a burst of children leaves nothing behind in privd's memory.
 */
#define TAB_MIN 64

static struct child *tab;
static size_t tab_cap;          /* power of two, 0 before the first child */
static size_t tab_used;

static size_t
slot_of(pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (tab_cap - 1);
}

static void
tab_resize(size_t cap)
{
	struct child *old = tab;
	size_t oldcap = tab_cap;
	void *m;

	m = mmap(NULL, cap * sizeof(*tab), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		if (cap < oldcap)
			return;         /* stay large */
		fatal("child table");
	}
	tab = m;
	tab_cap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].pid == 0)
			continue;
		size_t s = slot_of(old[i].pid);
		while (tab[s].pid != 0)
			s = (s + 1) & (tab_cap - 1);
		tab[s] = old[i];
	}
	if (old != NULL)
		munmap(old, oldcap * sizeof(*tab));
}

struct child *
children_add(pid_t pid)
{
	size_t s;

	if ((tab_used + 1) * 2 > tab_cap)
		tab_resize(tab_cap ? tab_cap * 2 : TAB_MIN);
	s = slot_of(pid);
	while (tab[s].pid != 0)
		s = (s + 1) & (tab_cap - 1);
	memset(&tab[s], 0, sizeof(tab[s]));
	tab[s].pid = pid;
	tab[s].status_fd = -1;
	tab_used++;
	return &tab[s];
}

void
children_set_peer(struct child *c, const struct sockaddr_storage *peer,
    socklen_t peerlen)
{
	if (peerlen > sizeof(c->peer))
		peerlen = 0;            /* not a client address: none */
	memcpy(&c->peer, peer, peerlen);
	c->peerlen = peerlen;
}

static struct child *
children_find(pid_t pid)
{
	if (tab_cap == 0)
		return NULL;
	for (size_t s = slot_of(pid); tab[s].pid != 0; s = (s + 1) & (tab_cap - 1))
		if (tab[s].pid == pid)
			return &tab[s];
	return NULL;
}

/*
 * Remove by backward shift so probing chains stay intact.  c and every
 * other entry pointer are invalid afterwards (the table may shrink).
 */
static void
children_del(struct child *c)
{
	size_t i = (size_t)(c - tab), j = i;

	tab[i].pid = 0;
	for (;;) {
		j = (j + 1) & (tab_cap - 1);
		if (tab[j].pid == 0)
			break;
		size_t k = slot_of(tab[j].pid);
		/* Move j to i if k is cyclically outside (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		tab[i] = tab[j];
		tab[j].pid = 0;
		i = j;
	}
	tab_used--;
	if (tab_cap > TAB_MIN && tab_used * 8 < tab_cap)
		tab_resize(tab_cap / 2);
}

unsigned
children_count(void)
{
	return (unsigned)tab_used;
}

void
children_release(uint32_t gen, uint32_t svc_id, int spawn_opt)
{
	struct generation *g = privd.cur;

	if (privd.live_children > 0)
		privd.live_children--;
	if (!spawn_opt && g != NULL && gen == g->gen && svc_id < g->cfg->nsvcs &&
	    g->live[svc_id] > 0)
		g->live[svc_id]--;
}

int
children_same_client(const union child_addr *a, socklen_t alen,
    const struct sockaddr_storage *b, socklen_t blen)
{
	if (alen == 0 || blen == 0 || a->sa.sa_family != b->ss_family)
		return 0;
	if (b->ss_family == AF_INET)
		return a->in4.sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return b->ss_family == AF_INET6 && memcmp(&a->in6.sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr,
	    sizeof(a->in6.sin6_addr)) == 0;
}

/*
 * A walk over the table: only for a service with a per_source limit, and
 * bounded by privd's cap on live children.
 */
unsigned
children_from(uint32_t gen, uint32_t svc_id, const struct sockaddr_storage *peer,
    socklen_t peerlen)
{
	unsigned n = 0;

	for (size_t i = 0; i < tab_cap; i++)
		if (tab[i].pid != 0 && !tab[i].spawn_opt && tab[i].gen == gen &&
		    tab[i].svc_id == svc_id &&
		    children_same_client(&tab[i].peer, tab[i].peerlen, peer,
		    peerlen))
			n++;
	return n;
}

/*
 * A wait service's child ended: free its socket's turn in the running
 * generation (it may have started under an earlier one: the socket, not
 * the service id, identifies it) and tell the current listener, whichever
 * listener asked for the child.  Returns 1 if reported.
 */
static int
wait_child_ended(struct child *c, int status)
{
	struct generation *g = privd.cur;

	if (g == NULL)
		return 0;
	for (size_t i = 0; i < g->cfg->nsvcs; i++) {
		if (g->socks[i] != c->wait_sock || g->wait_pid[i] != c->pid)
			continue;
		g->wait_pid[i] = 0;
		if (privd.listener.pid <= 0)
			return 0;
		listener_report(IPC_EXITED, (uint32_t)i,
		    c->epoch == privd.listener.epoch ? c->token : 0, c->pid,
		    status, 0, IPC_FAIL_NONE, &c->peer, c->peerlen);
		return 1;
	}
	return 0;
}

static void
child_ended(struct child *c, int status)
{
	struct generation *g = privd.cur;

	children_release(c->gen, c->svc_id, c->spawn_opt);
	if (c->wait_svc && wait_child_ended(c, status))
		return;
	if (!c->spawn_opt && c->epoch == privd.listener.epoch && privd.listener.pid > 0 &&
	    c->gen == (g ? g->gen : 0)) {
		listener_report(IPC_EXITED, c->svc_id, c->token, c->pid, status, 0,
		    IPC_FAIL_NONE, &c->peer, c->peerlen);
		return;
	}
	/* The listener that asked for it is gone (or, for a `spawn` option's
	 * child, nobody asked): log it here. */
	const char *extra = c->spawn_opt ? " reason=spawn-option" : "";
	char peer[ADDR_STRLEN + 8] = "-";
	if (c->peerlen > 0)
		sockaddr_format_peer(&c->peer.sa, c->peerlen, peer,
		    sizeof(peer));
	char sig[16];
	if (WIFSIGNALED(status))
		log_info("service=%s proto=%s peer=%s action=exit pid=%ld signal=%s%s",
		    c->name, c->proto, peer, (long)c->pid,
		    signal_name(WTERMSIG(status), sig, sizeof(sig)), extra);
	else
		log_info("service=%s proto=%s peer=%s action=exit pid=%ld status=%d%s",
		    c->name, c->proto, peer, (long)c->pid, WEXITSTATUS(status), extra);
}

static int
status_arm(const struct child *c, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
	    .data.u64 = (uint64_t)EV_TAG_SPAWN_STATUS << 32 | (uint32_t)c->pid };

	return epoll_ctl(privd.epfd, op, c->status_fd, &ev);
}

void
children_watch_status(struct child *c, int status_fd)
{
	c->status_fd = status_fd;
	c->status_armed = 1;
	/* Without the watch, the status is still read when the child is reaped. */
	if (status_arm(c, EPOLL_CTL_ADD) == -1) {
		log_warn("epoll_ctl spawn status of pid %ld", (long)c->pid);
		c->status_armed = 0;
	}
}

/*
 * Out of the epoll set (or disarmed), then closed.  Closing alone is not
 * enough: epoll forgets a descriptor only when every copy of its open
 * file is closed, and a child still confining itself holds copies of
 * privd's descriptors until its close_range.  A closed but still armed
 * pipe would report EPOLLHUP on every epoll_wait until then.  The watch
 * is one-shot, so once its event came it is disarmed and needs no
 * EPOLL_CTL_DEL (one system call less per connection); only a pipe closed
 * before its event (its child reaped first) is taken out.
 */
static void
status_unwatch(struct child *c)
{
	if (c->status_armed &&
	    epoll_ctl(privd.epfd, EPOLL_CTL_DEL, c->status_fd, NULL) == -1 &&
	    errno != ENOENT)
		log_warn("epoll_ctl del spawn status of pid %ld", (long)c->pid);
	close(c->status_fd);
	c->status_fd = -1;
	c->status_armed = 0;
}

/* The wait service whose turn this child holds: free it (exec failed). */
static void
wait_turn_free(const struct child *c)
{
	struct generation *g = privd.cur;

	if (g == NULL)
		return;
	for (size_t i = 0; i < g->cfg->nsvcs; i++)
		if (g->socks[i] == c->wait_sock && g->wait_pid[i] == c->pid)
			g->wait_pid[i] = 0;
}

/*
 * The status pipe says how the child's confinement ended: report the spawn
 * (it reached execve) or the failed step, to the listener that asked if it
 * is still the one running, and log a failure here.  Runs before the
 * child's exit is handled, so the listener hears "spawned" before "exited".
 */
static void
child_resolve(struct child *c, int reaped)
{
	struct generation *g = privd.cur;
	enum spawn_step step = STEP_NONE;
	int err = 0, rc, ours;
	char peer[ADDR_STRLEN + 8] = "-";

	/*
	 * Not yet, unless it was reaped: then a failed step would have been
	 * written, and the end-of-file may only wait for a sibling cloned
	 * while this child's write end was still open in privd (a later
	 * child's clone can come before this one's spawn_end, conn_spawn.c)
	 * to reach its close_range.
	 */
	if ((rc = spawn_status(c->pid, c->status_fd, &err, &step)) == -1 &&
	    !reaped)
		return;
	if (rc == -1)
		rc = 0;
	status_unwatch(c);
	ours = c->epoch == privd.listener.epoch && privd.listener.pid > 0 &&
	    c->gen == (g ? g->gen : 0);
	if (rc == 0) {
		if (ours)
			listener_report(IPC_SPAWNED, c->svc_id, c->token, c->pid, 0,
			    0, IPC_FAIL_NONE, &c->peer, c->peerlen);
		return;
	}
	c->quiet = 1;                   /* its exit (127) is not a service's */
	if (c->wait_svc)
		wait_turn_free(c);
	if (c->peerlen > 0)
		sockaddr_format_peer(&c->peer.sa, c->peerlen, peer,
		    sizeof(peer));
	log_warnx("service=%s proto=%s peer=%s action=error pid=%ld step=%s "
	    "errno=%s (%s)", c->name, c->proto, peer, (long)c->pid,
	    spawn_step_name(step), strerrorname_np(err) ? strerrorname_np(err) :
	    "?", strerror(err));
	if (ours)
		listener_report(IPC_SPAWN_FAILED, c->svc_id, c->token, c->pid, 0,
		    err, IPC_FAIL_EXEC, &c->peer, c->peerlen);
}

void
children_spawn_status(pid_t pid)
{
	struct child *c = children_find(pid);

	if (c == NULL || c->status_fd < 0)
		return;
	c->status_armed = 0;            /* its one-shot event came */
	child_resolve(c, 0);
	/*
	 * Nothing to read after all: cannot happen with our child (its
	 * event is a failed step or the end-of-file), but should it, watch
	 * again rather than leave the pipe unwatched until the reaping.
	 */
	if (c->status_fd >= 0 && status_arm(c, EPOLL_CTL_MOD) == 0)
		c->status_armed = 1;
}

void
children_reap(void)
{
	pid_t pid;
	int status;

	conn_spawn_collect(0);
	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		spawn_reaped(pid);
		if (pid == privd.listener.pid) {
			listener_exited(status);
			continue;
		}
		if (listener_retired_reaped(pid, status))
			continue;       /* never restarted, not a service */
		struct child *c = children_find(pid);
		if (c == NULL && conn_spawn_pending()) {
			/* Its clone was answered after the look above. */
			conn_spawn_collect(1);
			c = children_find(pid);
		}
		if (c == NULL)
			continue;       /* e.g. a child whose exec failed, already handled */
		if (c->status_fd >= 0) {
			/* Dead: its pipe is closed, the status is there now. */
			child_resolve(c, 1);
		}
		if (c->quiet)           /* exec failed: already reported */
			children_release(c->gen, c->svc_id, c->spawn_opt);
		else
			child_ended(c, status);
		children_del(c);
	}
}
