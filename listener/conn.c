/*
 * conn.c: a listening socket became readable: accept (nowait stream),
 * apply limits and access, then serve a built-in (builtin_*.c) or hand the
 * connection to privd; or wake a wait service (wait_svc.c).  Log, and
 * account for children from privd's reports.
 */
#include "listener/listener.h"
#include "listener/access.h"
#include "listener/builtin.h"
#include "listener/limits.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define ACCEPT_BATCH     32
#define EMFILE_PAUSE_MS  100

/*
 * "service=NAME proto=PROTO peer=ADDR:PORT " and then fmt: assembled by
 * hand (one formatting pass, for the part after the peer), as every
 * connection logs two or three of these lines.
 */
static void __attribute__((format(printf, 5, 0)))
conn_vlog(const struct lservice *ls, int pri, const struct sockaddr *peer,
    socklen_t peerlen, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n = 0;

	str_put(msg, sizeof(msg), &n, "service=");
	str_put(msg, sizeof(msg), &n, ls->svc->name);
	str_put(msg, sizeof(msg), &n, " proto=");
	str_put(msg, sizeof(msg), &n, ls->svc->proto_name);
	str_put(msg, sizeof(msg), &n, " peer=");
	if (peer != NULL && peerlen > 0 && sizeof(msg) - n > ADDR_STRLEN + 8) {
		sockaddr_format_peer(peer, peerlen, msg + n, ADDR_STRLEN + 8);
		n += strlen(msg + n);
	} else
		str_put(msg, sizeof(msg), &n, "-");
	str_put(msg, sizeof(msg), &n, " ");
	/* The rest: at most 511 bytes, as ever. */
	vsnprintf(msg + n, sizeof(msg) - n < 512 ? sizeof(msg) - n : 512, fmt, ap);
	log_str(pri, msg);
}

void
conn_log(const struct lservice *ls, const struct sockaddr *peer,
    socklen_t peerlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_vlog(ls, LOG_INFO, peer, peerlen, fmt, ap);
	va_end(ap);
}

void
conn_log_pri(const struct lservice *ls, int pri, const struct sockaddr *peer,
    socklen_t peerlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_vlog(ls, pri, peer, peerlen, fmt, ap);
	va_end(ap);
}

void
conn_deny(const struct lservice *ls, const struct sockaddr *peer,
    socklen_t peerlen, const char *rule)
{
	char esc[256];

	log_escape(esc, sizeof(esc), rule, strlen(rule));
	conn_log(ls, peer, peerlen, "action=deny rule=%s", esc);
}

const char *
conn_userid(const struct lservice *ls, const struct ha_request *req,
    int success, char *buf, size_t len)
{
	unsigned want = success ? ls->svc->log_on_success : ls->svc->log_on_failure;
	char esc[HA_USER_MAX * 4];

	if (!(want & SVC_LOG_USERID) || len == 0)
		return "";
	if (req->user_state == HA_USER_KNOWN)
		log_escape(esc, sizeof(esc), req->user, strlen(req->user));
	else
		str_copy(esc, "-", sizeof(esc));
	snprintf(buf, len, " user=%s", esc);
	return buf;
}

/* Hand an admitted connection to privd, which runs the service on it. */
static void
admit(struct lservice *ls, int fd, const struct sockaddr *peer,
    socklen_t peerlen, struct src_count *src, const struct ha_request *req,
    int pri)
{
	const char *host = NULL, *ident = NULL;
	char ubuf[HA_USER_MAX * 4 + 8];
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	/*
	 * A client that reset before we got here (accept still returns it):
	 * nothing to run.  privd would notice too (IPC_FAIL_GONE), but under a
	 * reset flood this one call keeps dead connections from filling the
	 * queue to privd ahead of live ones.
	 */
	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		conn_log(ls, peer, peerlen, "action=error reason=client-gone");
		close(fd);
		limits_source_put(src);
		return;
	}
	conn_log_pri(ls, pri, peer, peerlen, "action=allow%s",
	    conn_userid(ls, req, 1, ubuf, sizeof(ubuf)));
	if (req->client.name_state == HA_NAME_KNOWN)
		host = req->client.name;
	if (req->user_state == HA_USER_KNOWN)
		ident = req->user;
	if (link_send_spawn(ls, fd, host, ident, req->client.name_state,
	    req->user_state) == -1) {
		conn_log(ls, peer, peerlen, "action=limit limit=children reason=queue");
		close(fd);
		limits_source_put(src);
		return;
	}
	/* link_send_spawn used the next token: its reports release src. */
	limits_token_track(L.next_token, src);
	ls->live++;
}

/* An admitted connection (access.c decided): serve it or hand it over. */
void
conn_admitted(struct lservice *ls, int fd, const struct sockaddr *peer,
    socklen_t peerlen, struct src_count *src, const struct ha_request *req,
    int pri)
{
	char ubuf[HA_USER_MAX * 4 + 8];

	if (ls->svc->builtin != BUILTIN_NONE) {
		conn_log_pri(ls, pri, peer, peerlen, "action=allow%s",
		    conn_userid(ls, req, 1, ubuf, sizeof(ubuf)));
		builtin_stream_start(ls, fd, peer, peerlen, src);
		return;
	}
	admit(ls, fd, peer, peerlen, src, req, pri);
}

/* One accepted connection: limits, then access (access.c, may park it). */
static void
conn_new(struct lservice *ls, int fd, const struct sockaddr *peer,
    socklen_t peerlen)
{
	struct src_count *src;

	if (limits_arrival(ls, peer, peerlen, 1, &src) == -1) {
		close(fd);
		return;
	}
	access_start(ls, fd, peer, peerlen, src);
}

static void
accept_some(struct lservice *ls)
{
	struct sockaddr_storage peer;
	socklen_t peerlen;
	int fd, flags;

	/* Built-ins are served here, non-blocking; services get a blocking socket. */
	flags = SOCK_CLOEXEC | (ls->svc->builtin != BUILTIN_NONE ? SOCK_NONBLOCK : 0);
	for (int i = 0; i < ACCEPT_BATCH && !L.paused && !ls->held; i++) {
		peerlen = sizeof(peer);
		fd = accept4(ls->fd, (struct sockaddr *)&peer, &peerlen, flags);
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
		conn_new(ls, fd, (struct sockaddr *)&peer, peerlen);
	}
}

void
conn_readable(struct lservice *ls)
{
	if (ls->svc->builtin != BUILTIN_NONE) {
		if (ls->svc->socktype == SOCK_DGRAM)
			builtin_dgram_readable(ls);
		else
			accept_some(ls);
	} else if (ls->svc->wait)
		wait_wake(ls);
	else if (ls->svc->socktype != SOCK_DGRAM)
		accept_some(ls);
	else {
		/* The configuration check refuses this; never spin on it. */
		log_warnx("service=%s proto=%s action=error reason=dgram-nowait: "
		    "not served", ls->svc->name, ls->svc->proto_name);
		ls->held = HOLD_UNSERVED;
		service_rearm(ls);
	}
}

void
conn_report(const struct ipc_report *r, unsigned type)
{
	struct lservice *ls = &L.svcs[r->svc_id];
	const struct sockaddr *peer = (const struct sockaddr *)&r->peer;
	socklen_t peerlen = r->peerlen <= sizeof(r->peer) ? r->peerlen : 0;
	char sig[16], dur[48] = "";
	int64_t start;

	if (ls->svc->builtin != BUILTIN_NONE)
		return;                 /* never spawned: nothing to account */
	if (peerlen == 0 && ls->svc->wait && ls->wait_peerlen > 0) {
		/* privd has no peer for a wait service: the one that woke it. */
		peer = (const struct sockaddr *)&ls->wait_peer;
		peerlen = ls->wait_peerlen;
	}
	switch (type) {
	case IPC_SPAWNED:
		conn_log(ls, peer, peerlen, "action=spawn pid=%ld", (long)r->pid);
		if (ls->svc->log_on_success & SVC_LOG_DURATION)
			durations_start(r->pid, now_ms());
		return;
	case IPC_SPAWN_FAILED:
		if (r->reason == IPC_FAIL_BUSY && ls->svc->wait) {
			/* Its child outlived our predecessor: wait for its exit. */
			conn_log(ls, peer, peerlen, "action=error reason=busy pid=%ld",
			    (long)r->pid);
			limits_token_done(r->token);
			if (ls->live > 0)
				ls->live--;
			return;
		}
		if (r->reason == IPC_FAIL_CHILDREN)
			conn_log(ls, peer, peerlen, "action=limit limit=children");
		else if (r->reason == IPC_FAIL_GONE)
			conn_log(ls, peer, peerlen, "action=error reason=client-gone");
		else
			conn_log(ls, peer, peerlen, "action=error reason=%s errno=%s",
			    r->reason == IPC_FAIL_FORK ? "fork" :
			    r->reason == IPC_FAIL_EXEC ? "exec" : "rejected",
			    strerrorname_np(r->err) ? strerrorname_np(r->err) : "0");
		break;
	case IPC_EXITED:
		if (r->token == 0 && ls->svc->wait)
			ls->live++;     /* a child started for an earlier listener */
		if ((ls->svc->log_on_success & SVC_LOG_DURATION) &&
		    (start = durations_end(r->pid)) >= 0) {
			int64_t ms = now_ms() - start;
			snprintf(dur, sizeof(dur), " duration=%lld.%03lld",
			    (long long)(ms / 1000), (long long)(ms % 1000));
		}
		if (WIFSIGNALED(r->status))
			conn_log(ls, peer, peerlen, "action=exit pid=%ld signal=%s%s%s",
			    (long)r->pid, signal_name(WTERMSIG(r->status), sig,
			    sizeof(sig)), WTERMSIG(r->status) == SIGSYS ?
			    " reason=seccomp" : "", dur);
		else
			conn_log(ls, peer, peerlen, "action=exit pid=%ld status=%d%s",
			    (long)r->pid, WEXITSTATUS(r->status), dur);
		break;
	default:
		return;
	}
	/* However the request ended (exit, signal, exec failure, refusal). */
	limits_token_done(r->token);
	if (ls->live > 0)
		ls->live--;
	if (ls->svc->wait && ls->wait_running) {
		ls->wait_running = 0;
		service_rearm(ls);
	}
}
