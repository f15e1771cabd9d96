/*
 * privd_link.c: the listener's side of the control socket: spawn requests
 * out (with a bounded queue when privd's socket is full, during which
 * accepting pauses so connections wait in the kernel), reports in, and
 * the retirement privd asks for on reload (IPC_RETIRE).
 */
#include "listener/listener.h"
#include "listener/limits.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINK_QUEUE_MAX 256

struct pending {
	struct ipc_spawn msg;
	int              fd;
};

static struct pending queue[LINK_QUEUE_MAX];
static size_t q_head, q_len;

/* The next connection's server name fact (link_server_name). */
static unsigned server_state;
static char     server_host[IPC_HOST_MAX];

void
link_server_name(unsigned state, const char *name)
{
	server_state = state;
	server_host[0] = '\0';
	if (name != NULL)
		str_copy(server_host, name, sizeof(server_host));
}

int
link_busy(void)
{
	return q_len > 0;
}

static void
privd_gone(void)
{
	log_warnx("privd closed the control socket: exiting");
	exit(0);
}

static int
send_one(struct pending *p)
{
	if (ipc_send(L.ctl, &p->msg, sizeof(p->msg), p->fd) == 0) {
		if (p->fd >= 0)
			close(p->fd);
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return 1;
	if (errno == EPIPE || errno == ECONNRESET)
		privd_gone();
	fatal("send to privd");
}

int
link_send_spawn(struct lservice *ls, int fd, const char *host, const char *ident,
    unsigned name_state, unsigned user_state)
{
	struct pending p;

	memset(&p.msg, 0, sizeof(p.msg));
	ipc_hdr_init(&p.msg.hdr, fd >= 0 ? IPC_SPAWN_CONN : IPC_SPAWN_WAIT, L.gen);
	p.msg.svc_id = ls->svc->id;
	p.msg.token = ++L.next_token;
	if (host != NULL)
		str_copy(p.msg.host, host, sizeof(p.msg.host));
	if (ident != NULL)
		str_copy(p.msg.ident, ident, sizeof(p.msg.ident));
	p.msg.name_state = (uint8_t)name_state;
	p.msg.user_state = (uint8_t)user_state;
	if (fd >= 0) {
		str_copy(p.msg.server_host, server_host, sizeof(p.msg.server_host));
		p.msg.server_name_state = (uint8_t)server_state;
	}
	link_server_name(0, NULL);      /* one request only */
	if (L.ctl < 0)
		return -1;              /* retired: nobody to ask */
	p.fd = fd;
	if (q_len == 0 && send_one(&p) == 0)
		return 0;
	if (q_len == LINK_QUEUE_MAX)
		return -1;              /* caller closes and logs */
	queue[(q_head + q_len) % LINK_QUEUE_MAX] = p;
	q_len++;
	accept_pause(0, "privd is not keeping up");
	link_writable_watch(1);
	return 0;
}

void
link_writable(void)
{
	while (q_len > 0) {
		if (send_one(&queue[q_head]) != 0)
			return;
		q_head = (q_head + 1) % LINK_QUEUE_MAX;
		q_len--;
	}
	link_writable_watch(0);
}

/*
 * privd asks whether we are alive (it replaces a listener that leaves it
 * unanswered for PRIVD_LIVENESS_MS).  The answer goes at once, beside any
 * queued request: a full socket means privd is not reading, and it asks
 * again.
 */
static void
link_pong(uint32_t gen)
{
	struct ipc_hdr h;

	ipc_hdr_init(&h, IPC_PONG, gen);
	if (ipc_send(L.ctl, &h, sizeof(h), -1) == -1 && errno != EAGAIN &&
	    errno != EWOULDBLOCK && errno != ENOBUFS) {
		if (errno == EPIPE || errno == ECONNRESET)
			privd_gone();
		fatal("send to privd");
	}
}

/* One report or order from privd, its framing checked. */
static void
link_message(struct ipc_msg *m)
{
	const char *why;

	if ((why = ipc_msg_check(m, 0)) != NULL) {
		ipc_msg_close_fds(m);
		log_warnx("bad message from privd: %s", why);
		return;
	}
	if (m->u.hdr.type == IPC_PING) {
		link_pong(m->u.hdr.gen);
		return;
	}
	if (m->u.hdr.type == IPC_RETIRE) {
		if (m->u.hdr.gen != L.gen)
			log_warnx("bad message from privd: retire for "
			    "generation %u, running %u", m->u.hdr.gen, L.gen);
		else if (!L.retiring) {
			log_info("retiring: generation %u replaced", L.gen);
			L.retiring = 1; /* link_retire after this batch */
		}
		return;
	}
	if (m->u.hdr.gen != L.gen || m->u.report.svc_id >= L.nsvcs)
		return;
	conn_report(&m->u.report, m->u.hdr.type);
}

/* Reports come in batches (privd sends them with sendmmsg): read them so. */
void
link_readable(void)
{
	static struct ipc_msg m[IPC_RECV_BATCH];

	for (int i = 0; i < 256 / IPC_RECV_BATCH; i++) {
		int rc = ipc_recv_many(L.ctl, m, IPC_RECV_BATCH);
		if (rc == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == ECONNRESET)
				privd_gone();
			fatal("receive from privd");
		}
		if (rc == 0) {
			if (L.retiring)
				return; /* expected: privd let us go */
			privd_gone();
		}
		for (int j = 0; j < rc; j++)
			link_message(&m[j]);
		if (rc < IPC_RECV_BATCH)
			return;         /* drained (or an end of stream next) */
	}
}

/* A request that will never reach privd: its descriptor closed, logged. */
static void
drop_request(struct pending *p, const char *why)
{
	struct lservice *ls;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (p->msg.svc_id >= L.nsvcs) {
		if (p->fd >= 0)
			close(p->fd);
		return;
	}
	ls = &L.svcs[p->msg.svc_id];
	if (p->fd < 0 || getpeername(p->fd, (struct sockaddr *)&ss, &len) == -1 ||
	    len > sizeof(ss))
		len = 0;
	if (p->fd < 0 && ls->wait_peerlen > 0) {
		memcpy(&ss, &ls->wait_peer, sizeof(ss));
		len = ls->wait_peerlen;
	}
	conn_log(ls, (const struct sockaddr *)&ss, len, "action=error reason=%s",
	    why);
	if (p->fd >= 0)
		close(p->fd);
	limits_token_done(p->msg.token);
}

void
link_retire(void)
{
	if (L.retired)
		return;
	L.retired = 1;
	/* No new client: the next listener has the sockets. */
	for (size_t i = 0; i < L.nsvcs; i++) {
		struct lservice *ls = &L.svcs[i];
		if (ls->fd < 0)
			continue;
		/* privd holds the same open file: close() alone would
		 * leave it in our epoll set. */
		if (ls->registered)
			loop_del(ls->fd);
		close(ls->fd);
		ls->fd = -1;
		ls->registered = ls->watching = 0;
	}
	access_drop_parked("reload");
	/* privd reads until we close: send what fits, drop the rest. */
	if (q_len > 0)
		link_writable();
	for (; q_len > 0; q_len--, q_head = (q_head + 1) % LINK_QUEUE_MAX)
		drop_request(&queue[q_head], "reload");
	q_head = 0;
	loop_del(L.ctl);
	close(L.ctl);
	L.ctl = -1;
}
