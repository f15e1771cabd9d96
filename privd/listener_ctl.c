/*
 * listener_ctl.c: starting, feeding, policing and restarting the listener.
 *
 * The listener is started through the one spawn path as its own unprivileged
 * user with no capabilities, no_new_privs and the default seccomp deny-list;
 * it inherits only its end of a SOCK_SEQPACKET socketpair, a sealed memfd
 * holding the configuration snapshot, and the listening sockets.  Every
 * message it sends is checked (common/ipc.c for framing, conn_spawn.c for
 * meaning); too many bad ones in a minute and it is killed and restarted.
 */
#include "privd/privd.h"
#include "privd/spawn_plan.h"
#include "policy/snapshot.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define CTL_BATCH   256                 /* messages handled per wake-up */
#define CTL_SNDBUF  (8 << 20)

void listener_bad(const char *why);

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

/* Environment for the listener: nothing but what a sanitizer build needs. */
static char **
listener_env(void)
{
	static const char *const pass[] = { "HINETD_DEBUG", "ASAN_OPTIONS",
	    "UBSAN_OPTIONS", "LSAN_OPTIONS" };
	static char *env[5];
	static char buf[4][512];
	size_t n = 0;

	for (size_t i = 0; i < 4; i++) {
		const char *v = getenv(pass[i]);
		if (v == NULL)
			continue;
		snprintf(buf[n], sizeof(buf[n]), "%s=%s", pass[i], v);
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
		if (child > 0)
			waitpid(child, NULL, 0);
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
	privd.listener.started = time(NULL);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = sv[0] };
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

static void
ctl_close(void)
{
	if (privd.listener.ctl < 0)
		return;
	epoll_ctl(privd.epfd, EPOLL_CTL_DEL, privd.listener.ctl, NULL);
	close(privd.listener.ctl);
	privd.listener.ctl = -1;
}

void
listener_bad(const char *why)
{
	time_t now = time(NULL);

	if (now - privd.listener.bad_window >= PRIVD_BAD_MSG_WINDOW) {
		privd.listener.bad_window = now;
		privd.listener.bad_msgs = 0;
	}
	if (++privd.listener.bad_msgs >= PRIVD_BAD_MSG_LIMIT &&
	    privd.listener.pid > 0) {
		log_warnx("listener sent %u bad messages (last: %s): restarting it",
		    privd.listener.bad_msgs, why);
		kill(privd.listener.pid, SIGKILL);
		privd.listener.bad_msgs = 0;
	}
}

void
listener_handle(void)
{
	struct ipc_msg m;
	const char *why;

	for (int i = 0; i < CTL_BATCH && privd.listener.ctl >= 0; i++) {
		int rc = ipc_recv(privd.listener.ctl, &m);
		if (rc == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("listener control socket");
			return;
		}
		if (rc == 0) {
			ctl_close();
			return;
		}
		if ((why = ipc_msg_check(&m, 1)) != NULL) {
			log_warnx("bad message from the listener: %s", why);
			ipc_msg_close_fds(&m);
			listener_bad(why);
			continue;
		}
		switch (m.u.hdr.type) {
		case IPC_READY:
			if (m.u.hdr.gen != privd.cur->gen) {
				listener_bad("stale generation");
				break;
			}
			if (!privd.listener.ready) {
				privd.listener.ready = 1;
				log_info("ready: %zu services, listener pid %ld",
				    privd.cur->cfg->nsvcs, (long)privd.listener.pid);
				notify_send("READY=1\nSTATUS=serving");
			}
			break;
		case IPC_SPAWN_CONN:
			conn_spawn(&m.u.spawn, m.fds[0], 0);
			break;
		case IPC_SPAWN_WAIT:
			conn_spawn(&m.u.spawn, -1, 1);
			break;
		}
	}
}

/* What the listener would have logged, when it is gone. */
static void
report_log(unsigned type, uint32_t svc_id, pid_t pid, int status, int err,
    const struct sockaddr_storage *peer, socklen_t peerlen)
{
	const struct service *svc;
	char peerbuf[ADDR_STRLEN + 8] = "-", sig[16];

	if (privd.cur == NULL || svc_id >= privd.cur->cfg->nsvcs)
		return;
	svc = privd.cur->cfg->svcs[svc_id];
	if (peer != NULL && peerlen > 0)
		sockaddr_format_peer((const struct sockaddr *)peer, peerlen, peerbuf,
		    sizeof(peerbuf));
	if (type == IPC_SPAWNED)
		log_info("service=%s proto=%s peer=%s action=spawn pid=%ld",
		    svc->name, svc->proto_name, peerbuf, (long)pid);
	else if (type == IPC_EXITED && WIFSIGNALED(status))
		log_info("service=%s proto=%s peer=%s action=exit pid=%ld signal=%s",
		    svc->name, svc->proto_name, peerbuf, (long)pid,
		    signal_name(WTERMSIG(status), sig, sizeof(sig)));
	else if (type == IPC_EXITED)
		log_info("service=%s proto=%s peer=%s action=exit pid=%ld status=%d",
		    svc->name, svc->proto_name, peerbuf, (long)pid,
		    WEXITSTATUS(status));
	else
		log_info("service=%s proto=%s peer=%s action=error errno=%d",
		    svc->name, svc->proto_name, peerbuf, err);
}

void
listener_report(unsigned type, uint32_t svc_id, uint32_t token, pid_t pid,
    int status, int err, unsigned reason, const struct sockaddr_storage *peer,
    socklen_t peerlen)
{
	struct ipc_report r;

	if (privd.listener.ctl < 0 || draining) {
		report_log(type, svc_id, pid, status, err, peer, peerlen);
		return;
	}
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
	if (ipc_send(privd.listener.ctl, &r, sizeof(r), -1) == -1)
		log_warn("report to listener lost");
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
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = privd.listener.backoff;
	if (its.it_value.tv_sec == 0)
		its.it_value.tv_nsec = 1;       /* now */
	timerfd_settime(privd.timerfd, 0, &its, NULL);
}

void
listener_exited(int status)
{
	char sig[16];
	time_t ran = time(NULL) - privd.listener.started;

	drain_and_close();
	privd.listener.pid = 0;
	if (privd.stopping)
		return;
	if (WIFSIGNALED(status))
		log_warnx("listener killed by %s%s", signal_name(WTERMSIG(status),
		    sig, sizeof(sig)), WTERMSIG(status) == SIGSYS ?
		    " (seccomp)" : "");
	else
		log_warnx("listener exited with status %d", WEXITSTATUS(status));
	if (ran >= 60)
		privd.listener.backoff = 0;
	else if (privd.listener.backoff == 0)
		privd.listener.backoff = 1;
	else if (privd.listener.backoff < PRIVD_LISTENER_BACKOFF_MAX)
		privd.listener.backoff *= 2;
	if (privd.listener.backoff > PRIVD_LISTENER_BACKOFF_MAX)
		privd.listener.backoff = PRIVD_LISTENER_BACKOFF_MAX;
	log_info("restarting the listener in %u s", privd.listener.backoff);
	schedule_restart();
}

void
listener_tick(void)
{
	if (privd.stopping || privd.listener.pid > 0)
		return;
	if (listener_start() == -1) {
		if (privd.listener.backoff < PRIVD_LISTENER_BACKOFF_MAX)
			privd.listener.backoff = privd.listener.backoff ?
			    privd.listener.backoff * 2 : 1;
		schedule_restart();
	}
}

void
listener_stop(void)
{
	pid_t pid = privd.listener.pid;

	if (pid <= 0)
		return;
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
	drain_and_close();
	privd.listener.pid = 0;
}
