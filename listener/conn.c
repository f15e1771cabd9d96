/*
 * conn.c: a listening socket became readable: accept (nowait) or hand the
 * socket's turn to privd (wait), log, and account for children from
 * privd's reports.
 */
#include "listener/listener.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define ACCEPT_BATCH     32
#define EMFILE_PAUSE_MS  100

void
conn_log(const struct lservice *ls, const struct sockaddr *peer,
    socklen_t peerlen, const char *fmt, ...)
{
	char peerbuf[ADDR_STRLEN + 8] = "-", rest[512];
	va_list ap;

	if (peer != NULL && peerlen > 0)
		sockaddr_format_peer(peer, peerlen, peerbuf, sizeof(peerbuf));
	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	log_info("service=%s proto=%s peer=%s %s", ls->svc->name,
	    ls->svc->proto_name, peerbuf, rest);
}

static void
admit(struct lservice *ls, int fd, const struct sockaddr *peer, socklen_t peerlen)
{
	conn_log(ls, peer, peerlen, "action=allow");
	if (link_send_spawn(ls, fd, NULL, NULL) == -1) {
		conn_log(ls, peer, peerlen, "action=limit limit=children reason=queue");
		close(fd);
		return;
	}
	ls->live++;
}

static void
accept_some(struct lservice *ls)
{
	struct sockaddr_storage peer;
	socklen_t peerlen;
	int fd;

	for (int i = 0; i < ACCEPT_BATCH && !L.paused; i++) {
		peerlen = sizeof(peer);
		fd = accept4(ls->fd, (struct sockaddr *)&peer, &peerlen, SOCK_CLOEXEC);
		if (fd == -1) {
			switch (errno) {
			case EAGAIN:
			case EINTR:
				return;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				accept_pause(EMFILE_PAUSE_MS, strerror(errno));
				return;
			default:
				/* ECONNABORTED and friends: that client is gone. */
				continue;
			}
		}
		if (ls->svc->builtin != BUILTIN_NONE) {
			/* Built-ins are served by the listener (builtin.c). */
			conn_log(ls, (struct sockaddr *)&peer, peerlen,
			    "action=error reason=builtin-unavailable");
			close(fd);
			continue;
		}
		admit(ls, fd, (struct sockaddr *)&peer, peerlen);
	}
}

/* A wait service: privd gives the child the socket itself. */
static void
wake_wait(struct lservice *ls)
{
	if (link_send_spawn(ls, -1, NULL, NULL) == -1)
		return;
	ls->wait_running = 1;
	ls->live++;
	service_rearm(ls);
}

void
conn_readable(struct lservice *ls)
{
	if (ls->svc->wait && ls->svc->builtin == BUILTIN_NONE)
		wake_wait(ls);
	else if (ls->svc->socktype != SOCK_DGRAM)
		accept_some(ls);
}

void
conn_report(const struct ipc_report *r, unsigned type)
{
	struct lservice *ls = &L.svcs[r->svc_id];
	const struct sockaddr *peer = (const struct sockaddr *)&r->peer;
	socklen_t peerlen = r->peerlen <= sizeof(r->peer) ? r->peerlen : 0;
	char sig[16];

	switch (type) {
	case IPC_SPAWNED:
		conn_log(ls, peer, peerlen, "action=spawn pid=%ld", (long)r->pid);
		return;
	case IPC_SPAWN_FAILED:
		if (r->reason == IPC_FAIL_CHILDREN)
			conn_log(ls, peer, peerlen, "action=limit limit=children");
		else
			conn_log(ls, peer, peerlen, "action=error reason=%s errno=%s",
			    r->reason == IPC_FAIL_FORK ? "fork" :
			    r->reason == IPC_FAIL_EXEC ? "exec" : "rejected",
			    strerrorname_np(r->err) ? strerrorname_np(r->err) : "0");
		break;
	case IPC_EXITED:
		if (WIFSIGNALED(r->status))
			conn_log(ls, peer, peerlen, "action=exit pid=%ld signal=%s%s",
			    (long)r->pid, signal_name(WTERMSIG(r->status), sig,
			    sizeof(sig)), WTERMSIG(r->status) == SIGSYS ?
			    " reason=seccomp" : "");
		else
			conn_log(ls, peer, peerlen, "action=exit pid=%ld status=%d",
			    (long)r->pid, WEXITSTATUS(r->status));
		break;
	default:
		return;
	}
	if (ls->live > 0)
		ls->live--;
	if (ls->svc->wait && ls->wait_running) {
		ls->wait_running = 0;
		service_rearm(ls);
	}
}
