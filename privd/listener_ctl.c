/*
 * listener_ctl.c: starting, feeding, policing and restarting the listener.
 *
 * The listener is started through the one spawn path as its own unprivileged
 * user with no capabilities, no_new_privs and the default seccomp deny-list;
 * it inherits only its end of a SOCK_SEQPACKET socketpair, a sealed memfd
 * holding the configuration snapshot, and the listening sockets.  Every
 * message it sends is checked (common/ipc.c for framing, conn_spawn.c for
 * meaning); too many bad ones in a minute and it is killed and restarted.
 * So is a listener that sends an empty packet, closes its control socket
 * while it runs, or leaves more than PRIVD_REPORT_QUEUE_MAX reports unread:
 * each would keep the listening sockets while serving nobody, or let the
 * listener's counters drift for good.
 *
 * On reload the old listener is retired, not killed: told IPC_RETIRE, it
 * closes its listening sockets and its control socket and goes on serving
 * its built-in connections alone; privd serves what it sent until then,
 * keeps its pid in a small table, reaps it quietly and kills it only if it
 * is still there after PRIVD_RETIRED_LIFE_S.
 */
#include "privd/privd.h"
#include "privd/spawn_plan.h"
#include "policy/snapshot.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define CTL_BATCH   256                 /* messages handled per wake-up */
#define CTL_SNDBUF  (8 << 20)       /* evil_listener.c (retire) assumes it */

static void timer_rearm(void);
static int  ctl_eof(void);

static int
snapshot_memfd(const struct generation *g, const int *fds)
{
	struct wbuf w;
	size_t off = 0;
	int fd;

	wbuf_init(&w);
	snapshot_encode(g->cfg, g->gen, fds, &w);
	fd = memfd_create("hinetd-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1) {
		log_warn("memfd_create");
		wbuf_free(&w);
		return -1;
	}
	while (off < w.len) {
		ssize_t n = write(fd, w.p + off, w.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("write snapshot");
			close(fd);
			wbuf_free(&w);
			return -1;
		}
		off += (size_t)n;
	}
	wbuf_free(&w);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK |
	    F_SEAL_SEAL) == -1) {
		log_warn("seal snapshot");
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Environment for the listener: the time zone privd was given (daytime and
 * syslog's time stamps are in local time) and what a sanitizer build
 * needs; nothing else.  A value too long for its buffer is left out, not
 * cut.
 */
static char **
listener_env(void)
{
	static const char *const pass[] = { "TZ", "HINETD_DEBUG",
	    "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS" };
	static char *env[NELEM(pass) + 1];
	static char buf[NELEM(pass)][512];
	size_t n = 0;

	for (size_t i = 0; i < NELEM(pass); i++) {
		const char *v = getenv(pass[i]);
		int len;
		if (v == NULL)
			continue;
		len = snprintf(buf[n], sizeof(buf[n]), "%s=%s", pass[i], v);
		if (len < 0 || (size_t)len >= sizeof(buf[n]))
			continue;
		env[n] = buf[n];
		n++;
	}
	env[n] = NULL;
	return env;
}

int
listener_start(void)
{
	struct generation *g = privd.cur;
	struct spawn_plan plan;
	struct spawn_io io;
	struct diag d;
	enum spawn_step step;
	char cbuf[16], mbuf[16];
	char *argv[8];
	int sv[2], memfd, *inherit, n = 0, err, bufsz = CTL_SNDBUF;
	pid_t pid, child;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("socketpair");
		return -1;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz));
	if ((memfd = snapshot_memfd(g, g->socks)) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	inherit = xcalloc(g->cfg->nsvcs + 2, sizeof(int));
	inherit[n++] = sv[1];
	inherit[n++] = memfd;
	for (size_t i = 0; i < g->cfg->nsvcs; i++)
		if (g->socks[i] >= 0)
			inherit[n++] = g->socks[i];
	snprintf(cbuf, sizeof(cbuf), "%d", sv[1]);
	snprintf(mbuf, sizeof(mbuf), "%d", memfd);
	argv[0] = "hinetd-listener";
	argv[1] = "-c";
	argv[2] = cbuf;
	argv[3] = "-m";
	argv[4] = mbuf;
	argv[5] = privd.debug ? "-d" : NULL;
	argv[6] = NULL;

	diag_init(&d);
	if (spawn_plan_listener(&plan, privd.listener_uid, privd.listener_gid,
	    privd.listener_exe, argv, &d) == -1) {
		diag_log(&d);
		diag_free(&d);
		goto fail;
	}
	diag_free(&d);
	io.stdio_fd = -1;
	io.inherit = inherit;
	io.ninherit = n;
	io.envp = listener_env();
	pid = spawn_run(&plan, &io, &child, &err, &step);
	spawn_plan_free(&plan);
	if (pid < 0) {
		errno = err;
		log_warn("cannot start listener %s (%s)", privd.listener_path,
		    spawn_step_name(step));
		if (child > 0) {
			waitpid(child, NULL, 0);
			spawn_reaped(child);
		}
		goto fail;
	}
	free(inherit);
	close(sv[1]);
	close(memfd);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	privd.listener.pid = pid;
	privd.listener.ctl = sv[0];
	privd.listener.epoch++;
	privd.listener.ready = 0;
	privd.listener.killed = 0;
	privd.listener.bad_msgs = 0;
	privd.listener.started = time(NULL);
	privd.listener.restart_at = 0;
	privd.listener.ping_sent = 0;
	privd.listener.ping_at = mono_ms() + PRIVD_PING_MS;
	timer_rearm();
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)sv[0] };
	if (epoll_ctl(privd.epfd, EPOLL_CTL_ADD, sv[0], &ev) == -1)
		fatal("epoll_ctl listener");
	log_debug("listener started, pid %ld", (long)pid);
	return 0;
fail:
	free(inherit);
	close(sv[0]);
	close(sv[1]);
	close(memfd);
	return -1;
}

static int draining;    /* the listener is gone: reports are logged here */
static int retiring;    /* listener_retire waits for it to close its end */

/* Retired listeners: serving their last built-in connections. */
struct retired {
	pid_t    pid;           /* 0: free; never reaped while here */
	int64_t  since;         /* monotonic ms */
	int64_t  deadline;      /* killed then; 0 once killed */
};
static struct retired retired[PRIVD_RETIRED_MAX];

/* Is the running listener one privd talks to (and so asks for liveness)? */
static int
listener_pingable(void)
{
	return privd.listener.pid > 0 && privd.listener.ctl >= 0 &&
	    !privd.listener.killed && !draining && !retiring;
}

/*
 * The one timer: the next listener start, the next liveness question or
 * the unanswered one's deadline, or a retired listener's end.
 */
static void
timer_rearm(void)
{
	struct itimerspec its = { 0 };
	int64_t when = privd.listener.restart_at;

	if (listener_pingable()) {
		int64_t p = privd.listener.ping_sent != 0 ?
		    privd.listener.ping_sent + PRIVD_LIVENESS_MS :
		    privd.listener.ping_at;
		if (when == 0 || p < when)
			when = p;
	}

	for (size_t i = 0; i < PRIVD_RETIRED_MAX; i++)
		if (retired[i].pid > 0 && retired[i].deadline > 0 &&
		    (when == 0 || retired[i].deadline < when))
			when = retired[i].deadline;
	if (when > 0) {
		its.it_value.tv_sec = when / 1000;
		its.it_value.tv_nsec = (long)(when % 1000) * 1000000L;
	}
	if (timerfd_settime(privd.timerfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		log_warn("timerfd_settime");
}

/*
 * Reports not sent yet, oldest first: those of this turn of the event
 * loop (listener_reports_flush) and those the socket had no room for.
 */
static struct ipc_report rq[PRIVD_REPORT_QUEUE_MAX];
static size_t rq_head, rq_len;
static int watching_out;        /* EPOLLOUT on the control socket */

/*
 * What the listener would have logged, when it is gone.  Refusals, the
 * global cap, exec failures and busy wait services privd logged already.
 */
static void
report_log(const struct ipc_report *r)
{
	const struct service *svc;
	char peerbuf[ADDR_STRLEN + 8] = "-", sig[16];

	if (privd.cur == NULL || r->svc_id >= privd.cur->cfg->nsvcs)
		return;
	if (r->hdr.type == IPC_SPAWN_FAILED && r->reason != IPC_FAIL_GONE)
		return;
	svc = privd.cur->cfg->svcs[r->svc_id];
	if (r->peerlen > 0)
		sockaddr_format_peer((const struct sockaddr *)&r->peer, r->peerlen,
		    peerbuf, sizeof(peerbuf));
	if (r->hdr.type == IPC_SPAWNED)
		log_info("service=%s proto=%s peer=%s action=spawn pid=%ld",
		    svc->name, svc->proto_name, peerbuf, (long)r->pid);
	else if (r->hdr.type == IPC_EXITED && WIFSIGNALED(r->status))
		log_info("service=%s proto=%s peer=%s action=exit pid=%ld signal=%s",
		    svc->name, svc->proto_name, peerbuf, (long)r->pid,
		    signal_name(WTERMSIG(r->status), sig, sizeof(sig)));
	else if (r->hdr.type == IPC_EXITED)
		log_info("service=%s proto=%s peer=%s action=exit pid=%ld status=%d",
		    svc->name, svc->proto_name, peerbuf, (long)r->pid,
		    WEXITSTATUS(r->status));
	else
		log_info("service=%s proto=%s peer=%s action=error "
		    "reason=client-gone", svc->name, svc->proto_name, peerbuf);
}

/* The listener closed its end: nothing to warn about, it is replaced. */
static int
peer_gone(void)
{
	return errno == EPIPE || errno == ECONNRESET;
}

static void
ctl_watch_out(int on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0),
	    .data.u64 = (uint64_t)privd.listener.ctl };

	if (epoll_ctl(privd.epfd, EPOLL_CTL_MOD, privd.listener.ctl, &ev) == -1)
		fatal("epoll_ctl listener");
}

/* The queued reports will never be read: log them here. */
static void
rq_flush_log(void)
{
	for (; rq_len > 0; rq_len--, rq_head = (rq_head + 1) % PRIVD_REPORT_QUEUE_MAX)
		report_log(&rq[rq_head]);
	rq_head = 0;
}

/*
 * Whatever is still queued on the control socket is read and its
 * descriptors defused and closed (ipc_recv), not left to the socket's
 * close, which would drop the last reference to them in privd without
 * defusing them.  Bounded: the socket holds at most CTL_SNDBUF bytes.
 */
static void
ctl_discard(void)
{
	struct ipc_msg m;

	for (int i = 0; i < (CTL_SNDBUF / (int)sizeof(struct ipc_hdr)); i++) {
		int rc = ipc_recv(privd.listener.ctl, &m);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc <= 0 && !(rc == 0 && !ctl_eof()))
			break;
		ipc_msg_close_fds(&m);
	}
}

static void
ctl_close(void)
{
	if (privd.listener.ctl < 0)
		return;
	ctl_discard();
	rq_flush_log();
	watching_out = 0;
	epoll_ctl(privd.epfd, EPOLL_CTL_DEL, privd.listener.ctl, NULL);
	close(privd.listener.ctl);
	privd.listener.ctl = -1;
}

/*
 * Replace the running listener: SIGKILL, once; its exit (listener_exited)
 * drains what it queued and schedules the restart.  Never while draining:
 * the pid is then already reaped and may belong to someone else.
 */
static void __attribute__((format(printf, 1, 2)))
listener_kill(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (privd.listener.pid <= 0 || draining || privd.listener.killed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: restarting it", msg);
	kill(privd.listener.pid, SIGKILL);
	privd.listener.killed = 1;
	privd.listener.bad_msgs = 0;
}

void
listener_bad(const char *why)
{
	time_t now = time(NULL);

	if (now - privd.listener.bad_window >= PRIVD_BAD_MSG_WINDOW) {
		privd.listener.bad_window = now;
		privd.listener.bad_msgs = 0;
	}
	if (++privd.listener.bad_msgs >= PRIVD_BAD_MSG_LIMIT)
		listener_kill("listener sent %u bad messages (last: %s)",
		    privd.listener.bad_msgs, why);
}

/*
 * recv() returning 0 on SOCK_SEQPACKET is an empty packet or the end of
 * the stream.  It is the end only if the peer shut its side down and
 * nothing, not even another packet, is left to read.
 */
static int
ctl_eof(void)
{
	struct pollfd pfd = { .fd = privd.listener.ctl, .events = POLLIN | POLLRDHUP };
	int queued = 0;

	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & (POLLRDHUP | POLLHUP)))
		return 0;
	if (ioctl(privd.listener.ctl, FIONREAD, &queued) == -1)
		return 1;
	return queued == 0;
}

/*
 * Has the listener already exited (a zombie, not reaped yet)?  A dying
 * process closes its files just before it becomes one: allow it 100 ms.
 */
static int
listener_dead(void)
{
	for (int i = 0; i < 20; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)privd.listener.pid, &si,
		    WEXITED | WNOHANG | WNOWAIT) == -1 || si.si_pid != 0)
			return 1;
		usleep(5000);
	}
	return 0;
}

/* A READY or PONG for another generation: a bad message (1). */
static int
stale(const struct ipc_hdr *h, const char *what)
{
	if (h->gen == privd.cur->gen)
		return 0;
	log_warnx("bad message from the listener: %s for generation %u, "
	    "running %u", what, h->gen, privd.cur->gen);
	listener_bad("stale generation");
	return 1;
}

void
listener_handle(void)
{
	struct ipc_msg m;
	const char *why;

	for (int i = 0; i < CTL_BATCH && privd.listener.ctl >= 0; i++) {
		int rc = ipc_recv(privd.listener.ctl, &m);
		if (rc == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && !peer_gone())
				log_warn("listener control socket");
			return;
		}
		if (rc == 0 && ctl_eof()) {
			ctl_close();
			/* Alive but deaf: it would keep the sockets for good.
			 * (A retiring listener is meant to close it.) */
			if (!draining && !retiring && privd.listener.pid > 0 &&
			    !privd.listener.killed && !listener_dead())
				listener_kill("listener closed its control socket "
				    "but still runs");
			return;
		}
		if (rc == 0) {
			/* Never sent by a listener; indistinguishable from EOF
			 * to a careless reader, so never tolerated. */
			log_warnx("bad message from the listener: empty packet");
			listener_kill("listener sent an empty packet");
			continue;
		}
		if ((why = ipc_msg_check(&m, 1)) != NULL) {
			log_warnx("bad message from the listener: %s", why);
			ipc_msg_close_fds(&m);
			listener_bad(why);
			continue;
		}
		switch (m.u.hdr.type) {
		case IPC_READY:
			if (stale(&m.u.hdr, "ready"))
				break;
			privd.listener.ever_ready = 1;
			if (!privd.listener.ready && !draining) {
				privd.listener.ready = 1;
				log_info("ready: %zu services, listener pid %ld",
				    privd.cur->cfg->nsvcs, (long)privd.listener.pid);
				notify_send("READY=1\nSTATUS=serving");
				daemon_ready();
			}
			break;
		case IPC_SPAWN_CONN:
			conn_spawn(&m.u.spawn, m.fds[0], 0);
			break;
		case IPC_SPAWN_WAIT:
			conn_spawn(&m.u.spawn, -1, 1);
			break;
		case IPC_PONG:
			if (stale(&m.u.hdr, "answer"))
				break;
			privd.listener.ping_sent = 0;
			privd.listener.ping_at = mono_ms() + PRIVD_PING_MS;
			timer_rearm();
			break;
		}
	}
}

static int
send_would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS;
}

/*
 * Send what waits, oldest first, several per call; 0 when all went, 1
 * when the socket is full, -1 when the listener cannot take them (then
 * they are logged here).
 */
static int
reports_send(void)
{
	ssize_t n;

	while (rq_len > 0 && privd.listener.ctl >= 0) {
		size_t run = PRIVD_REPORT_QUEUE_MAX - rq_head;

		if (run > rq_len)
			run = rq_len;
		if ((n = ipc_send_many(privd.listener.ctl, &rq[rq_head],
		    sizeof(rq[0]), run)) == -1) {
			if (send_would_block())
				return 1;
			if (!peer_gone())
				log_warn("reports to the listener");
			rq_flush_log();
			return -1;
		}
		rq_head = (rq_head + (size_t)n) % PRIVD_REPORT_QUEUE_MAX;
		rq_len -= (size_t)n;
	}
	if (rq_len == 0)
		rq_head = 0;
	return 0;
}

/* Control socket writable: send what waited. */
void
listener_writable(void)
{
	if (reports_send() != 1 && privd.listener.ctl >= 0) {
		ctl_watch_out(0);
		watching_out = 0;
	}
}

/*
 * Send the reports of this turn of the event loop, in one call where the
 * socket takes them: one wake-up of the listener for all of them, not one
 * each.  Called before privd sleeps.
 */
void
listener_reports_flush(void)
{
	if (rq_len == 0 || watching_out || privd.listener.ctl < 0)
		return;
	if (reports_send() == 1) {
		ctl_watch_out(1);
		watching_out = 1;
	}
}

/*
 * Tell the listener a request's outcome.  A report is never dropped: the
 * listener's instance and per_source counters are released by it.  If the
 * socket is full it waits in a bounded queue; a listener that leaves that
 * full is replaced (a fresh one starts from zero counts), and whatever it
 * was never told is logged here.
 */
void
listener_report(unsigned type, uint32_t svc_id, uint32_t token, pid_t pid,
    int status, int err, unsigned reason, const void *peer, socklen_t peerlen)
{
	struct ipc_report r;

	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, type, privd.cur ? privd.cur->gen : 0);
	r.svc_id = svc_id;
	r.token = token;
	r.pid = pid;
	r.status = status;
	r.err = err;
	r.reason = reason;
	if (peer != NULL && peerlen > 0 && peerlen <= sizeof(r.peer)) {
		memcpy(&r.peer, peer, peerlen);
		r.peerlen = peerlen;
	}
	if (privd.listener.ctl < 0 || draining || privd.listener.killed) {
		report_log(&r);
		return;
	}
	if (rq_len == PRIVD_REPORT_QUEUE_MAX) {
		report_log(&r);
		listener_kill("listener left %u reports unread",
		    PRIVD_REPORT_QUEUE_MAX);
		return;
	}
	rq[(rq_head + rq_len) % PRIVD_REPORT_QUEUE_MAX] = r;
	rq_len++;
	/*
	 * A long turn of the loop (a burst of requests or of exits): a full
	 * batch goes now, so while the listener keeps up the queue holds at
	 * most one batch, and touches no more of its memory than that.
	 */
	if (rq_len >= IPC_SEND_BATCH)
		listener_reports_flush();
}

/* Connections a dead listener passed are still queued: serve them. */
static void
drain_and_close(void)
{
	draining = 1;
	for (int i = 0; i < 64 && privd.listener.ctl >= 0; i++)
		listener_handle();
	ctl_close();
	draining = 0;
}

static void
schedule_restart(void)
{
	privd.listener.restart_at = mono_ms() +
	    (int64_t)privd.listener.backoff * 1000;
	timer_rearm();
}

static void
backoff_step(void)
{
	if (privd.listener.backoff == 0)
		privd.listener.backoff = 1;
	else if (privd.listener.backoff < PRIVD_LISTENER_BACKOFF_MAX)
		privd.listener.backoff *= 2;
	if (privd.listener.backoff > PRIVD_LISTENER_BACKOFF_MAX)
		privd.listener.backoff = PRIVD_LISTENER_BACKOFF_MAX;
}

/* A start failed (listener_start logged why): try again after back-off. */
void
listener_retry(void)
{
	backoff_step();
	log_info("restarting the listener in %u s", privd.listener.backoff);
	schedule_restart();
}

void
listener_exited(int status)
{
	char how[64], sig[16];
	time_t ran = time(NULL) - privd.listener.started;

	/* Reaped: its pid is no one's to signal any more, even while draining. */
	privd.listener.pid = 0;
	drain_and_close();
	privd.listener.killed = 0;
	if (privd.stopping)
		return;
	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by %s%s",
		    signal_name(WTERMSIG(status), sig, sizeof(sig)),
		    WTERMSIG(status) == SIGSYS ? " (seccomp)" : "");
	else
		snprintf(how, sizeof(how), "exited with status %d",
		    WEXITSTATUS(status));
	if (!privd.listener.ever_ready) {
		/* It never came up once: a start-up error, not a crash. */
		log_warnx("listener %s %s before it was ready: cannot start",
		    privd.listener_path, how);
		pidfile_remove();
		exit(1);
	}
	log_warnx("listener %s", how);
	/*
	 * A listener that dies is replaced at once: the sockets stayed open
	 * and their queues are waiting.  Only one that dies again soon after
	 * its start (a crash loop) waits, 1 s, 2 s, ... up to the maximum.
	 */
	if (ran >= PRIVD_LISTENER_STABLE_S)
		privd.listener.quick_deaths = 0;
	if (privd.listener.quick_deaths++ == 0)
		privd.listener.backoff = 0;
	else
		backoff_step();
	if (privd.listener.backoff == 0)
		log_info("restarting the listener now");
	else
		log_info("restarting the listener in %u s (it keeps dying soon "
		    "after its start)", privd.listener.backoff);
	schedule_restart();
}

/* Kill retired listeners that outstayed PRIVD_RETIRED_LIFE_S. */
static void
retired_expire(int64_t now)
{
	for (size_t i = 0; i < PRIVD_RETIRED_MAX; i++) {
		struct retired *r = &retired[i];
		if (r->pid <= 0 || r->deadline == 0 || r->deadline > now)
			continue;
		log_warnx("retired listener pid %ld still serving after %d s: "
		    "killing it", (long)r->pid, PRIVD_RETIRED_LIFE_S);
		kill(r->pid, SIGKILL);  /* not reaped yet: still ours */
		r->deadline = 0;
	}
}

/*
 * Liveness: privd asks every PRIVD_PING_MS; a listener that leaves the
 * question unanswered for PRIVD_LIVENESS_MS (stopped, hung in a loop, or
 * not reading its socket) serves nobody while holding the sockets, and is
 * replaced.  A question the full socket would not take counts as asked.
 */
static void
liveness_check(int64_t now)
{
	struct ipc_hdr h;

	if (!listener_pingable() || privd.cur == NULL)
		return;
	if (privd.listener.ping_sent != 0) {
		if (now - privd.listener.ping_sent >= PRIVD_LIVENESS_MS)
			listener_kill("listener pid %ld has not answered for %d s "
			    "(stopped or hung)", (long)privd.listener.pid,
			    PRIVD_LIVENESS_MS / 1000);
		return;
	}
	if (now < privd.listener.ping_at)
		return;
	ipc_hdr_init(&h, IPC_PING, privd.cur->gen);
	if (ipc_send(privd.listener.ctl, &h, sizeof(h), -1) == -1 &&
	    !send_would_block()) {
		if (!peer_gone())
			log_warn("ask the listener");
		return;
	}
	privd.listener.ping_sent = now;
}

void
listener_tick(void)
{
	int64_t now = mono_ms();

	retired_expire(now);
	liveness_check(now);
	if (privd.listener.restart_at != 0 && privd.listener.restart_at <= now) {
		privd.listener.restart_at = 0;
		if (!privd.stopping && privd.listener.pid <= 0 &&
		    listener_start() == -1)
			listener_retry();
	}
	timer_rearm();
}

/* Reaped: never signalled again (listener_bad while draining). */
static void
stopped(void)
{
	privd.listener.pid = 0;
	privd.listener.killed = 0;
	drain_and_close();
}

void
listener_stop(void)
{
	pid_t pid = privd.listener.pid;

	if (pid <= 0)
		return;
	listener_reports_flush();       /* what it can still log */
	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) {         /* up to 2 s */
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r == -1 && errno == ECHILD))
			goto done;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
done:
	stopped();
}

/* Into the table; if it is full, the oldest retired listener goes. */
static void
retired_add(pid_t pid)
{
	size_t slot = 0;

	for (size_t i = 0; i < PRIVD_RETIRED_MAX; i++) {
		if (retired[i].pid == 0) {
			slot = i;
			goto found;
		}
		if (retired[i].since < retired[slot].since)
			slot = i;
	}
	log_warnx("retired listener pid %ld killed: more than %d retired "
	    "listeners", (long)retired[slot].pid, PRIVD_RETIRED_MAX);
	kill(retired[slot].pid, SIGKILL);
	while (waitpid(retired[slot].pid, NULL, 0) == -1 && errno == EINTR)
		;
found:
	retired[slot].pid = pid;
	retired[slot].since = mono_ms();
	retired[slot].deadline = retired[slot].since +
	    (int64_t)PRIVD_RETIRED_LIFE_S * 1000;
	timer_rearm();
}

/*
 * Reload: retire the running listener.  Told IPC_RETIRE, it closes its
 * listening sockets, drops what it cannot finish without privd (logged
 * there), and closes its control socket; until privd reads that end of
 * file, every request it sent is served as before, in the generation it
 * was made for.  It then serves its built-in connections on its own and
 * exits when the last one ends.  One that does not close within
 * PRIVD_RETIRE_WAIT_MS (stopped, hung, hostile), or that misbehaves
 * meanwhile, is killed and reaped as before.
 */
void
listener_retire(void)
{
	struct ipc_hdr h;
	pid_t pid = privd.listener.pid;
	int64_t deadline, left;
	int sent = 0;

	if (pid <= 0 || privd.listener.killed || privd.listener.ctl < 0) {
		listener_stop();        /* none, or dying anyway */
		return;
	}
	ipc_hdr_init(&h, IPC_RETIRE, privd.cur->gen);
	deadline = mono_ms() + PRIVD_RETIRE_WAIT_MS;
	retiring = 1;
	while (privd.listener.ctl >= 0 && !privd.listener.killed) {
		struct pollfd pfd = { .fd = privd.listener.ctl, .events = POLLIN };

		/*
		 * Every queued report first, then IPC_RETIRE, in order; the
		 * reports of its requests still go to it after that.
		 */
		if (reports_send() == 0 && !sent && privd.listener.ctl >= 0) {
			if (ipc_send(privd.listener.ctl, &h, sizeof(h), -1) == 0)
				sent = 1;
			else if (!send_would_block()) {
				if (!peer_gone())
					log_warn("retire the listener");
				break;
			}
		}
		if ((left = deadline - mono_ms()) <= 0)
			break;
		if (!sent || rq_len > 0)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR) {
			log_warn("poll listener control socket");
			break;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			listener_handle();
	}
	retiring = 0;
	if (!sent || privd.listener.ctl >= 0 || privd.listener.killed) {
		if (sent && privd.listener.ctl >= 0 && !privd.listener.killed)
			log_warnx("listener pid %ld did not retire within %d ms: "
			    "killing it", (long)pid, PRIVD_RETIRE_WAIT_MS);
		kill(pid, SIGKILL);     /* not reaped yet: still ours */
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		stopped();
		return;
	}
	log_info("listener pid %ld retired: it serves its open built-in "
	    "connections, then exits", (long)pid);
	privd.listener.pid = 0;
	privd.listener.ready = 0;
	retired_add(pid);
}

int
listener_retired_reaped(pid_t pid, int status)
{
	char sig[16];

	for (size_t i = 0; i < PRIVD_RETIRED_MAX; i++) {
		if (retired[i].pid != pid)
			continue;
		retired[i].pid = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			log_info("retired listener pid %ld exited", (long)pid);
		else if (WIFSIGNALED(status))
			log_warnx("retired listener pid %ld killed by %s", (long)pid,
			    signal_name(WTERMSIG(status), sig, sizeof(sig)));
		else
			log_warnx("retired listener pid %ld exited with status %d",
			    (long)pid, WEXITSTATUS(status));
		timer_rearm();
		return 1;
	}
	return 0;
}

/* privd stops: retired listeners and their connections end with it. */
void
listener_retired_kill_all(void)
{
	for (size_t i = 0; i < PRIVD_RETIRED_MAX; i++) {
		if (retired[i].pid <= 0)
			continue;
		kill(retired[i].pid, SIGKILL);  /* not reaped yet: still ours */
		while (waitpid(retired[i].pid, NULL, 0) == -1 && errno == EINTR)
			;
		log_debug("retired listener pid %ld killed", (long)retired[i].pid);
		retired[i].pid = 0;
	}
}
