/*
 * builtin_stream.c: stream connections of the built-in services, served
 * in the listener's epoll loop.  daytime and time write one answer and
 * close at once.  echo, discard and chargen keep a small record per
 * connection (no buffer while idle; echo holds at most one read's worth
 * of bytes the client has not taken back, and stops reading until they
 * are gone) in a list ordered by last progress, so idle ones are found
 * from its head and closed after BUILTIN_IDLE_MS.  Ten thousand idle
 * connections cost ten thousand small records and descriptors.
 *
 * A connection closed for idleness is shut down here and freed by its own
 * event handler (the kernel reports the shut-down socket at once), so no
 * event of the batch being processed can point at freed memory.
 */
#include "listener/builtin.h"
#include "listener/limits.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define IO_CHUNK        16384           /* one read; echo's largest backlog */
#define READS_PER_EVENT 4               /* fairness between clients */
#define CHARGEN_PER_EVENT 65536

struct bconn {
	struct ev_src     ev;           /* EV_OTHER, ev.ptr = this */
	struct bconn     *prev, *next;  /* idle order, least recent first */
	struct lservice  *ls;
	struct src_count *src;          /* per_source slot, or NULL */
	char             *pend;         /* echo: bytes not yet sent back */
	int64_t           last;         /* last progress, monotonic ms */
	int               fd;
	uint32_t          events;       /* epoll interest */
	uint32_t          pend_off, pend_len;
	uint32_t          pos;          /* chargen: offset in the cycle */
	int               expired;      /* shut down for idleness */
	struct bconn_log *log;          /* log_on_success DURATION/TRAFFIC, or NULL */
};

/* Kept only for services that log their connections' end. */
struct bconn_log {
	int64_t           start;        /* monotonic ms */
	uint64_t          in, out;      /* bytes */
	socklen_t         peerlen;
	struct sockaddr_storage peer;
};

static struct bconn *idle_head, *idle_tail;
static unsigned nconns;                 /* open, expired ones included */
static char iobuf[IO_CHUNK];

unsigned
builtin_stream_count(void)
{
	return nconns;
}

static void
idle_unlink(struct bconn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		idle_head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		idle_tail = c->prev;
	c->prev = c->next = NULL;
}

static void
idle_append(struct bconn *c)
{
	c->prev = idle_tail;
	c->next = NULL;
	if (idle_tail != NULL)
		idle_tail->next = c;
	else
		idle_head = c;
	idle_tail = c;
}

/* Progress: to the end of the idle order. */
static void
touch(struct bconn *c)
{
	c->last = now_ms();
	if (c != idle_tail) {
		idle_unlink(c);
		idle_append(c);
	}
}

/* xinetd's log_on_success DURATION and TRAFFIC, on the connection's end. */
static void
bconn_log_end(const struct bconn *c)
{
	const struct bconn_log *g = c->log;
	unsigned want = c->ls->svc->log_on_success;
	char dur[48] = "", traffic[64] = "";
	int64_t ms;

	if (want & SVC_LOG_DURATION) {
		ms = now_ms() - g->start;
		snprintf(dur, sizeof(dur), " duration=%lld.%03lld",
		    (long long)(ms / 1000), (long long)(ms % 1000));
	}
	if (want & SVC_LOG_TRAFFIC)
		snprintf(traffic, sizeof(traffic), " bytes_in=%llu bytes_out=%llu",
		    (unsigned long long)g->in, (unsigned long long)g->out);
	conn_log(c->ls, (const struct sockaddr *)&g->peer, g->peerlen,
	    "action=exit status=0%s%s%s", dur, traffic,
	    c->expired ? " reason=idle" : "");
}

static void
bconn_close(struct bconn *c)
{
	if (!c->expired)
		idle_unlink(c);
	if (c->log != NULL) {
		bconn_log_end(c);
		free(c->log);
	}
	close(c->fd);           /* also leaves the epoll set */
	free(c->pend);
	limits_source_put(c->src);
	if (c->ls->live > 0)
		c->ls->live--;
	nconns--;
	free(c);
}

static int
set_events(struct bconn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &c->ev };

	if (events == c->events)
		return 0;
	if (epoll_ctl(L.epfd, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		return -1;
	c->events = events;
	return 0;
}

static ssize_t
send_some(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return n;
}

/* Read once: >0 bytes, 0 nothing now, -1 end of input or error. */
static ssize_t
read_some(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n == 0)
		return -1;
	return n;
}

static void
count_in(struct bconn *c, ssize_t n)
{
	if (c->log != NULL && n > 0)
		c->log->in += (uint64_t)n;
}

static void
count_out(struct bconn *c, ssize_t n)
{
	if (c->log != NULL && n > 0)
		c->log->out += (uint64_t)n;
}

/* RFC 862: send back what arrives; a full send buffer stops reading. */
static int
echo_event(struct bconn *c, uint32_t events)
{
	ssize_t n, w;

	if (c->pend_len > 0) {
		if (!(events & (EPOLLOUT | EPOLLHUP)))
			return 0;
		if ((w = send_some(c->fd, c->pend + c->pend_off, c->pend_len)) == -1)
			return -1;
		if (w > 0)
			touch(c);
		count_out(c, w);
		c->pend_off += (uint32_t)w;
		c->pend_len -= (uint32_t)w;
		if (c->pend_len > 0)
			return 0;
		free(c->pend);
		c->pend = NULL;
		c->pend_off = 0;
		return set_events(c, EPOLLIN);
	}
	for (int i = 0; i < READS_PER_EVENT; i++) {
		if ((n = read_some(c->fd, iobuf, sizeof(iobuf))) <= 0)
			return (int)n;
		touch(c);
		count_in(c, n);
		if ((w = send_some(c->fd, iobuf, (size_t)n)) == -1)
			return -1;
		count_out(c, w);
		if (w < n) {
			if ((c->pend = malloc((size_t)(n - w))) == NULL)
				return -1;
			memcpy(c->pend, iobuf + w, (size_t)(n - w));
			c->pend_len = (uint32_t)(n - w);
			c->pend_off = 0;
			return set_events(c, EPOLLOUT);
		}
		if ((size_t)n < sizeof(iobuf))
			return 0;
	}
	return 0;
}

/* RFC 863: throw everything away. */
static int
discard_event(struct bconn *c)
{
	ssize_t n;

	for (int i = 0; i < READS_PER_EVENT; i++) {
		if ((n = read_some(c->fd, iobuf, sizeof(iobuf))) <= 0)
			return (int)n;
		touch(c);
		count_in(c, n);
		if ((size_t)n < sizeof(iobuf))
			return 0;
	}
	return 0;
}

/* RFC 864: lines as fast as the client takes them; input is discarded. */
static int
chargen_event(struct bconn *c, uint32_t events)
{
	const char *cyc;
	size_t total = 0;
	ssize_t w, n;

	if (events & (EPOLLIN | EPOLLHUP)) {
		/* Input is thrown away; its end ends the connection. */
		if ((n = read_some(c->fd, iobuf, sizeof(iobuf))) == -1)
			return -1;
		count_in(c, n);
	}
	if (!(events & EPOLLOUT))
		return 0;
	cyc = chargen_cycle();
	while (total < CHARGEN_PER_EVENT) {
		if ((w = send_some(c->fd, cyc + c->pos, CHARGEN_CYCLE)) == -1)
			return -1;
		if (w == 0)
			break;
		touch(c);
		count_out(c, w);
		total += (size_t)w;
		c->pos = (uint32_t)((c->pos + (size_t)w) % CHARGEN_CYCLE);
		if (w < CHARGEN_CYCLE)
			break;
	}
	return 0;
}

static void
bconn_event(struct ev_src *src, uint32_t events)
{
	struct bconn *c = src->ptr;
	int rc;

	if (c->expired || (events & EPOLLERR)) {
		bconn_close(c);
		return;
	}
	switch (c->ls->svc->builtin) {
	case BUILTIN_ECHO:
		rc = echo_event(c, events);
		break;
	case BUILTIN_DISCARD:
		rc = discard_event(c);
		break;
	case BUILTIN_CHARGEN:
		rc = chargen_event(c, events);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc == -1)
		bconn_close(c);
}

/* daytime and time: one answer, then close. */
static void
answer_and_close(struct lservice *ls, int fd, const struct sockaddr *peer,
    socklen_t peerlen)
{
	char buf[64];
	size_t len;
	ssize_t in, out;
	struct timespec ts;
	unsigned want = ls->svc->log_on_success;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ls->svc->builtin == BUILTIN_TIME) {
		time_format((unsigned char *)buf, ts.tv_sec);
		len = 4;
	} else
		len = daytime_format(buf, sizeof(buf), ts.tv_sec);
	/* A fresh socket's send buffer is empty: this never blocks. */
	out = send_some(fd, buf, len);
	/* Unread input would turn our close into a reset: drop it first. */
	in = read_some(fd, iobuf, sizeof(iobuf));
	close(fd);
	if (want & SVC_LOG_TRAFFIC)
		conn_log(ls, peer, peerlen, "action=exit status=0%s bytes_in=%zd "
		    "bytes_out=%zd", want & SVC_LOG_DURATION ? " duration=0.000" : "",
		    in > 0 ? in : 0, out > 0 ? out : 0);
	else if (want & SVC_LOG_DURATION)
		conn_log(ls, peer, peerlen, "action=exit status=0 duration=0.000");
}

void
builtin_stream_start(struct lservice *ls, int fd, const struct sockaddr *peer,
    socklen_t peerlen, struct src_count *src)
{
	struct epoll_event ev;
	struct bconn *c;
	uint32_t events;

	switch (ls->svc->builtin) {
	case BUILTIN_DAYTIME:
	case BUILTIN_TIME:
		answer_and_close(ls, fd, peer, peerlen);
		limits_source_put(src);
		return;
	case BUILTIN_CHARGEN:
		events = EPOLLIN | EPOLLOUT;
		break;
	case BUILTIN_ECHO:
	case BUILTIN_DISCARD:
		events = EPOLLIN;
		break;
	default:
		close(fd);
		limits_source_put(src);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		conn_log(ls, peer, peerlen, "action=error reason=memory");
		close(fd);
		limits_source_put(src);
		return;
	}
	if ((ls->svc->log_on_success & (SVC_LOG_DURATION | SVC_LOG_TRAFFIC)) &&
	    peerlen <= sizeof(c->log->peer) &&
	    (c->log = calloc(1, sizeof(*c->log))) != NULL) {
		c->log->start = now_ms();
		memcpy(&c->log->peer, peer, peerlen);
		c->log->peerlen = peerlen;
	}
	c->ev.kind = EV_OTHER;
	c->ev.ptr = c;
	c->ev.handler = bconn_event;
	c->ls = ls;
	c->src = src;
	c->fd = fd;
	c->events = events;
	ev.events = events;
	ev.data.ptr = &c->ev;
	if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		conn_log(ls, peer, peerlen, "action=error reason=epoll errno=%s",
		    strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		close(fd);
		limits_source_put(src);
		free(c->log);
		free(c);
		return;
	}
	ls->live++;
	nconns++;
	c->last = now_ms();
	idle_append(c);
	if (idle_head == c)
		timer_at(c->last + BUILTIN_IDLE_MS);
}

int64_t
builtin_stream_expire(int64_t now)
{
	struct bconn *c;

	while ((c = idle_head) != NULL && c->last + BUILTIN_IDLE_MS <= now) {
		idle_unlink(c);
		c->expired = 1;
		/* Reported at once (EPOLLHUP); its handler frees it. */
		shutdown(c->fd, SHUT_RDWR);
	}
	return idle_head != NULL ? idle_head->last + BUILTIN_IDLE_MS : INT64_MAX;
}
