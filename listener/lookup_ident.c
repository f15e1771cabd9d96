/*
 * lookup_ident.c: RFC 1413 ident queries without blocking.  A TCP
 * connection from the local address the client reached to the client's
 * port 113, one query line, one bounded reply line, a hard deadline.  The
 * answer is untrusted: parsed strictly and validated; anything odd is
 * "unknown".
 */
#include "listener/lookup_internal.h"
#include "common/log.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

static struct lookup *pending;          /* newest first; any deadline */
static int ident_timerfd = -1;
static struct ev_src timer_src;

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/*
 * "6193, 23 : USERID : UNIX : stjohns" -> "stjohns", when the ports are
 * the ones asked for and the user id passes the ident name rules.
 */
const char *
ident_parse_reply(char *line, unsigned peer_port, unsigned local_port)
{
	char *ports, *kind, *os, *user, *save = NULL;
	unsigned long long pp, lp;
	char *comma;

	line[strcspn(line, "\r\n")] = '\0';
	ports = strtok_r(line, ":", &save);
	kind = strtok_r(NULL, ":", &save);
	os = strtok_r(NULL, ":", &save);
	user = strtok_r(NULL, "", &save);
	if (ports == NULL || kind == NULL || os == NULL || user == NULL)
		return NULL;
	if ((comma = strchr(ports, ',')) == NULL)
		return NULL;
	*comma = '\0';
	if (parse_uint(trim(ports), 1, 65535, &pp) == -1 ||
	    parse_uint(trim(comma + 1), 1, 65535, &lp) == -1 ||
	    pp != peer_port || lp != local_port)
		return NULL;
	if (strcasecmp(trim(kind), "USERID") != 0)
		return NULL;
	/* The OS field may carry ",charset"; the user id is the rest. */
	user = trim(user);
	if (!name_valid_ident(user))
		return NULL;
	return user;
}

static void
ident_rearm(void)
{
	struct itimerspec its = { 0 };
	int64_t first = 0, now = lookup_now_ms();

	for (struct lookup *l = pending; l != NULL; l = l->next)
		if (first == 0 || l->deadline < first)
			first = l->deadline;
	if (first != 0) {
		int64_t ms = first - now;
		if (ms < 1)
			ms = 1;
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (ms % 1000) * 1000000L;
	}
	timerfd_settime(ident_timerfd, 0, &its, NULL);
}

static void
ident_finish(struct lookup *l, const char *user)
{
	struct lookup **pp;

	for (pp = &pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	if (l->fd >= 0) {
		loop_del(l->fd);
		close(l->fd);
		l->fd = -1;
	}
	if (!l->cancelled && l->user_cb != NULL)
		l->user_cb(l->arg, user);
	free(l);
	ident_rearm();
}

static void
ident_event(struct ev_src *src, uint32_t events)
{
	struct lookup *l = src->ptr;
	ssize_t n;

	if (events & EPOLLOUT) {
		int err = 0;
		socklen_t elen = sizeof(err);
		if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 || err) {
			ident_finish(l, NULL);
			return;
		}
		n = send(l->fd, l->query + l->qsent, l->qlen - l->qsent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN) {
			ident_finish(l, NULL);
			return;
		}
		if (n > 0)
			l->qsent += (size_t)n;
		if (l->qsent == l->qlen)
			loop_mod(l->fd, EPOLLIN, &l->ev);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		n = recv(l->fd, l->reply + l->have, sizeof(l->reply) - 1 - l->have, 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n > 0)
			l->have += (size_t)n;
		l->reply[l->have] = '\0';
		if (memchr(l->reply, '\n', l->have) != NULL || n <= 0 ||
		    l->have == sizeof(l->reply) - 1)
			ident_finish(l, memchr(l->reply, '\n', l->have) ?
			    ident_parse_reply(l->reply, l->peer_port, l->local_port) :
			    NULL);
	}
}

static void
ident_timer(struct ev_src *src, uint32_t events)
{
	uint64_t t;
	int64_t now = lookup_now_ms();
	struct lookup *l, *next;

	(void)src;
	(void)events;
	if (read(ident_timerfd, &t, sizeof(t)) < 0 && errno != EAGAIN)
		return;
	for (l = pending; l != NULL; l = next) {
		next = l->next;
		if (l->deadline <= now)
			ident_finish(l, NULL);
	}
	ident_rearm();
}

static unsigned
port_of(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET ?
	    ntohs(((const struct sockaddr_in *)sa)->sin_port) :
	    ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

struct lookup *
lookup_user(const struct sockaddr *peer, const struct sockaddr *local,
    socklen_t len, lookup_user_cb cb, void *arg)
{
	return lookup_user_timeout(peer, local, len, 0, cb, arg);
}

struct lookup *
lookup_user_timeout(const struct sockaddr *peer, const struct sockaddr *local,
    socklen_t len, unsigned timeout_ms, lookup_user_cb cb, void *arg)
{
	struct sockaddr_storage to, from;
	struct lookup *l;
	int fd;

	if (ident_timerfd == -1) {
		ident_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (ident_timerfd == -1) {
			cb(arg, NULL);
			return NULL;
		}
		timer_src.kind = EV_OTHER;
		timer_src.handler = ident_timer;
		loop_add(ident_timerfd, EPOLLIN, &timer_src);
	}
	if (len > sizeof(to) || peer->sa_family != local->sa_family) {
		cb(arg, NULL);
		return NULL;
	}
	memcpy(&to, peer, len);
	memcpy(&from, local, len);
	if (to.ss_family == AF_INET) {
		((struct sockaddr_in *)&to)->sin_port = htons(113);
		((struct sockaddr_in *)&from)->sin_port = 0;
	} else {
		((struct sockaddr_in6 *)&to)->sin6_port = htons(113);
		((struct sockaddr_in6 *)&from)->sin6_port = 0;
	}
	fd = socket(to.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&from, len) == -1 ||
	    (connect(fd, (struct sockaddr *)&to, len) == -1 && errno != EINPROGRESS)) {
		if (fd != -1)
			close(fd);
		cb(arg, NULL);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->kind = LOOKUP_KIND_USER;
	l->user_cb = cb;
	l->arg = arg;
	l->fd = fd;
	l->peer_port = port_of(peer);
	l->local_port = port_of(local);
	l->qlen = (size_t)snprintf(l->query, sizeof(l->query), "%u , %u\r\n",
	    l->peer_port, l->local_port);
	l->deadline = lookup_now_ms() + (timeout_ms > 0 ? timeout_ms :
	    LOOKUP_IDENT_TIMEOUT_MS);
	l->ev.kind = EV_OTHER;
	l->ev.ptr = l;
	l->ev.handler = ident_event;
	loop_add(fd, EPOLLOUT, &l->ev);
	l->next = pending;
	pending = l;
	ident_rearm();
	return l;
}

void
lookup_cancel(struct lookup *l)
{
	if (l == NULL)
		return;
	if (l->kind == LOOKUP_KIND_NAME) {
		l->cancelled = 1;       /* c-ares' callback frees it */
		return;
	}
	l->cancelled = 1;
	ident_finish(l, NULL);
}
