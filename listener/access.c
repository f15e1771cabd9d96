/*
 * access.c: the access decision for each connection, never blocking the
 * event loop.  Owns the parked-connection state machine: a stream
 * connection whose decision needs a fact (the client's or the local
 * address's host name, the client's ident user) waits here, its socket
 * watched for a reset, while the look-up (listener/lookup.h) runs; the
 * callback records the fact and ha_eval() resumes where it stopped.
 *
 * Bounds: a parked connection counts as one of its service's instances
 * (so `instances` bounds it per service), at most ACCESS_PARKED_MAX are
 * parked in all, and every look-up has its own timeout (lookup.h), after
 * which the fact is unknown.  A client that resets while parked is
 * dropped: its look-up cancelled, its socket closed, its slots released.
 *
 * Datagrams (UDP built-ins and wait services) are decided synchronously
 * by access_check_peer(): a fact that would need a look-up is unknown.
 *
 * The matched rule's `banners` are written here, on the stream only, as
 * tcpd does: before the close on a denial, before the service (or the
 * built-in) gets the connection on a grant.  One non-blocking send each:
 * a client that does not read loses (part of) its banner, never the loop.
 */
#include "listener/access.h"
#include "listener/limits.h"
#include "listener/lookup.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <unistd.h>

struct parked {
	struct ev_src     ev;           /* the client socket: reset while parked */
	struct lservice  *ls;
	int               fd;
	int               watched;      /* in epoll */
	struct src_count *src;
	struct sockaddr_storage peer, local;
	socklen_t         peerlen, locallen;
	struct ha_request req;
	struct lookup    *lk;           /* the look-up in flight, or NULL */
	enum ha_status    asked;        /* which fact lk is for */
	int               pending;      /* a look-up is in flight */
	int               in_step;      /* inside step(): callbacks only record */
	int               counted;      /* in nparked */
	struct parked    *prev, *next;  /* every parked struct, for a retire */
};

static unsigned nparked;
static struct parked *all_head;

static void
parked_free(struct parked *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		all_head = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	free(p);
}

static void step(struct parked *p);

static const char *
daemon_of(const struct service *svc)
{
	return svc->daemon != NULL && svc->daemon[0] != '\0' ? svc->daemon : svc->name;
}

/* Fill a request: client from peer, server from local (len 0: unknown). */
static void
request_fill(struct ha_request *r, const struct service *svc,
    const struct sockaddr *peer, socklen_t peerlen,
    const struct sockaddr *local, socklen_t locallen)
{
	ha_request_init(r, daemon_of(svc), svc->name);
	if (peerlen > 0)
		(void)ha_endpoint_set_addr(&r->client, peer, peerlen);
	if (locallen > 0)
		(void)ha_endpoint_set_addr(&r->server, local, locallen);
}

/* syslog priority of the matched rule's `severity`, or the default. */
static int
rule_priority(const struct ha_decision *dec, int deflt)
{
	if (dec->rule == NULL)
		return deflt;
	for (size_t i = 0; i < dec->rule->nopts; i++) {
		const struct ha_option *o = &dec->rule->opts[i];
		if (o->kind == HA_OPT_SEVERITY)
			return (o->facility >= 0 ? o->facility : 0) | o->level;
	}
	return deflt;
}

/* Options the listener carries out on the socket before handing it on. */
static void
apply_socket_options(struct lservice *ls, int fd, const struct ha_decision *dec)
{
	int on = 1;

	if (ls->svc->flags & SVC_FLAG_KEEPALIVE)
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	if (ls->svc->flags & SVC_FLAG_NODELAY)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (dec->rule == NULL)
		return;
	for (size_t i = 0; i < dec->rule->nopts; i++) {
		const struct ha_option *o = &dec->rule->opts[i];
		if (o->kind == HA_OPT_KEEPALIVE)
			(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
		else if (o->kind == HA_OPT_LINGER) {
			struct linger lg = { .l_onoff = 1,
			    .l_linger = (int)(o->num < 0 ? 0 : o->num > 3600 ? 3600 : o->num) };
			(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
	}
}

/* The matched rule's banners for this daemon (privd read the files). */
static void
send_banners(int fd, const struct ha_decision *dec, const struct ha_request *req)
{
	static char buf[HA_BANNER_OUT_MAX];

	if (dec->rule == NULL)
		return;
	for (size_t i = 0; i < dec->rule->nopts; i++) {
		const struct ha_banner *b = ha_banner_find(&dec->rule->opts[i],
		    req->daemon);
		size_t len;

		if (b == NULL || (len = ha_banner_expand(b, req, buf,
		    sizeof(buf))) == 0)
			continue;
		(void)send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

static void
unpark(struct parked *p)
{
	if (p->lk != NULL) {
		lookup_cancel(p->lk);
		p->lk = NULL;
	}
	if (p->watched) {
		loop_del(p->fd);
		p->watched = 0;
	}
	if (p->counted) {
		nparked--;
		p->counted = 0;
	}
	if (p->ls->live > 0)
		p->ls->live--;          /* counted as an instance while deciding */
}

static void
finish(struct parked *p, enum ha_status st, const struct ha_decision *dec,
    enum svc_attr xwhy, int xdenied)
{
	struct lservice *ls = p->ls;
	const struct sockaddr *peer = (const struct sockaddr *)&p->peer;
	char rule[HA_ADDR_MAX + 300], ubuf[HA_USER_MAX * 4 + 8];

	unpark(p);
	if (xdenied) {
		const struct origin *o = &ls->svc->origin[xwhy];
		char esc[sizeof(rule) * 4];
		snprintf(rule, sizeof(rule), "%s:%d", o->file ? o->file : "-", o->line);
		log_escape(esc, sizeof(esc), rule, strlen(rule));
		conn_log(ls, peer, p->peerlen, "action=deny rule=%s%s", esc,
		    conn_userid(ls, &p->req, 0, ubuf, sizeof(ubuf)));
		goto drop;
	}
	if (st != HA_GRANT && st != HA_DELEGATE) {
		/* HA_DENY.  A `twist` (HA_DELEGATE) is admitted: privd repeats
		 * the decision and runs the twist command instead of the server. */
		snprintf(rule, sizeof(rule), "%s:%d", dec->file ? dec->file : "-",
		    dec->line);
		if (dec->file == NULL)
			conn_log(ls, peer, p->peerlen, "action=error reason=%s",
			    ha_status_name(st));
		else {
			char esc[sizeof(rule) * 4];
			log_escape(esc, sizeof(esc), rule, strlen(rule));
			conn_log_pri(ls, rule_priority(dec, LOG_INFO), peer,
			    p->peerlen, "action=deny rule=%s%s", esc,
			    conn_userid(ls, &p->req, 0, ubuf, sizeof(ubuf)));
		}
		send_banners(p->fd, dec, &p->req);
		goto drop;
	}
	apply_socket_options(ls, p->fd, dec);
	send_banners(p->fd, dec, &p->req);
	/* privd repeats the decision: it needs the server's name too. */
	link_server_name(p->req.server.name_state,
	    p->req.server.name_state == HA_NAME_KNOWN ? p->req.server.name : NULL);
	conn_admitted(ls, p->fd, peer, p->peerlen, p->src, &p->req,
	    rule_priority(dec, LOG_INFO));
	link_server_name(0, NULL);      /* a built-in sent nothing */
	parked_free(p);
	return;
drop:
	close(p->fd);
	limits_source_put(p->src);
	parked_free(p);
}

/* The client reset (or errored) while its look-up ran. */
static void
parked_event(struct ev_src *src, uint32_t events)
{
	struct parked *p = src->ptr;

	if (!(events & (EPOLLERR | EPOLLHUP)))
		return;
	unpark(p);
	conn_log(p->ls, (const struct sockaddr *)&p->peer, p->peerlen,
	    "action=error reason=client-gone");
	close(p->fd);
	limits_source_put(p->src);
	parked_free(p);
}

static enum ha_name_state
name_state_of(enum lookup_name_state st)
{
	switch (st) {
	case LOOKUP_NAME_KNOWN:         return HA_NAME_KNOWN;
	case LOOKUP_NAME_PARANOID:      return HA_NAME_PARANOID;
	default:                        return HA_NAME_UNKNOWN;
	}
}

static void
name_answer(void *arg, enum lookup_name_state st, const char *name)
{
	struct parked *p = arg;
	struct ha_endpoint *e = p->asked == HA_NEED_SERVER_HOSTNAME ?
	    &p->req.server : &p->req.client;

	p->lk = NULL;
	p->pending = 0;
	/* An invalid name becomes unknown (and -1): nothing else to do. */
	(void)ha_endpoint_set_name(e, name_state_of(st),
	    st == LOOKUP_NAME_KNOWN ? name : NULL);
	if (!p->in_step)
		step(p);
}

static void
user_answer(void *arg, const char *user)
{
	struct parked *p = arg;

	p->lk = NULL;
	p->pending = 0;
	(void)ha_request_set_user(&p->req, user);
	if (!p->in_step)
		step(p);
}

/* Start the look-up for need; 0 when it is in flight, -1 when the fact
 * was settled at once (answered, or unknown). */
static int
ask(struct parked *p, enum ha_status need, unsigned user_timeout)
{
	struct lookup *lk = NULL;

	p->asked = need;
	p->pending = 1;
	switch (need) {
	case HA_NEED_HOSTNAME:
		lk = lookup_name((const struct sockaddr *)&p->peer, p->peerlen,
		    name_answer, p);
		break;
	case HA_NEED_SERVER_HOSTNAME:
		if (p->locallen == 0) {
			name_answer(p, LOOKUP_NAME_UNKNOWN, NULL);
			break;
		}
		lk = lookup_name((const struct sockaddr *)&p->local, p->locallen,
		    name_answer, p);
		break;
	case HA_NEED_USER:
		if (p->locallen == 0 || p->local.ss_family != p->peer.ss_family) {
			user_answer(p, NULL);
			break;
		}
		/* `rfc931 N` sets the timeout, as in tcpd; else the default. */
		lk = lookup_user_timeout((const struct sockaddr *)&p->peer,
		    (const struct sockaddr *)&p->local, p->peerlen,
		    user_timeout * 1000u, user_answer, p);
		break;
	default:
		p->pending = 0;
		return -1;
	}
	if (!p->pending)
		return -1;
	p->lk = lk;
	return 0;
}

/* Park: watch the socket for a reset while the look-up runs. */
static int
park(struct parked *p)
{
	if (!p->counted) {
		if (nparked >= ACCESS_PARKED_MAX)
			return -1;
		nparked++;
		p->counted = 1;
	}
	if (!p->watched) {
		p->ev.kind = EV_OTHER;
		p->ev.ptr = p;
		p->ev.handler = parked_event;
		loop_add(p->fd, 0, &p->ev);     /* EPOLLERR/EPOLLHUP only */
		p->watched = 1;
	}
	return 0;
}

static void
step(struct parked *p)
{
	const struct service *svc = p->ls->svc;
	struct ha_decision dec;
	enum ha_status st;
	enum xa_result x;
	enum svc_attr xwhy = ATTR_ONLY_FROM;

	for (;;) {
		memset(&dec, 0, sizeof(dec));
		if (svc->flags & SVC_FLAG_NOLIBWRAP)
			st = HA_GRANT;
		else
			st = ha_eval(L.cfg->allow_table, L.cfg->deny_table,
			    &p->req, &dec);
		if (st == HA_GRANT || st == HA_DELEGATE) {
			x = xinetd_access(svc, &p->req.client, &xwhy);
			if (x == XA_NEED_NAME)
				st = HA_NEED_HOSTNAME;
			else if (x == XA_DENY) {
				if (p->req.user_state == HA_USER_UNSET &&
				    (svc->log_on_failure & SVC_LOG_USERID)) {
					st = HA_NEED_USER;      /* for the log line */
					goto ask_it;
				}
				finish(p, st, &dec, xwhy, 1);
				return;
			}
		}
		if (st != HA_NEED_HOSTNAME && st != HA_NEED_SERVER_HOSTNAME &&
		    st != HA_NEED_USER) {
			/*
			 * Decided.  xinetd's log_on_success / log_on_failure
			 * USERID asks for the client's ident user on the log
			 * line: look it up once, then decide again (the
			 * verdict cannot change: only the fact is added).
			 */
			if (p->req.user_state == HA_USER_UNSET &&
			    (((st == HA_GRANT || st == HA_DELEGATE) &&
			    (svc->log_on_success & SVC_LOG_USERID)) ||
			    (st == HA_DENY && (svc->log_on_failure & SVC_LOG_USERID))))
				st = HA_NEED_USER;
			else {
				finish(p, st, &dec, xwhy, 0);
				return;
			}
		}
ask_it:
		p->in_step = 1;
		if (ask(p, st, dec.user_timeout) == -1) {
			p->in_step = 0;
			continue;       /* settled at once: decide again */
		}
		p->in_step = 0;
		if (park(p) == -1) {
			unpark(p);
			conn_log(p->ls, (const struct sockaddr *)&p->peer,
			    p->peerlen, "action=limit limit=lookups max=%u",
			    ACCESS_PARKED_MAX);
			close(p->fd);
			limits_source_put(p->src);
			parked_free(p);
		}
		return;
	}
}

/* Is svc bound to one address (not the wildcard of its family)? */
static int
bound_to_one(const struct service *svc)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&svc->addr;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&svc->addr;

	if (svc->addr.ss_family == AF_INET && svc->addrlen == sizeof(*sin))
		return sin->sin_addr.s_addr != htonl(INADDR_ANY);
	if (svc->addr.ss_family == AF_INET6 && svc->addrlen == sizeof(*sin6))
		return !IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
	return 0;
}

/*
 * The connection's local address.  A socket bound to one address accepts
 * only connections to it, so that is the service's own (one system call
 * fewer per connection); a wildcard socket's is asked of the kernel.
 */
static void
local_address(const struct service *svc, int fd, struct sockaddr_storage *ss,
    socklen_t *len)
{
	if (bound_to_one(svc)) {
		memcpy(ss, &svc->addr, svc->addrlen);
		*len = svc->addrlen;
		return;
	}
	*len = sizeof(*ss);
	if (getsockname(fd, (struct sockaddr *)ss, len) == -1 || *len > sizeof(*ss))
		*len = 0;
}

void
access_start(struct lservice *ls, int fd, const struct sockaddr *peer,
    socklen_t peerlen, struct src_count *src)
{
	struct parked *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		conn_log(ls, peer, peerlen, "action=error reason=memory");
		close(fd);
		limits_source_put(src);
		return;
	}
	p->ls = ls;
	p->fd = fd;
	p->src = src;
	p->next = all_head;
	if (all_head != NULL)
		all_head->prev = p;
	all_head = p;
	if (peerlen > sizeof(p->peer))
		peerlen = 0;
	memcpy(&p->peer, peer, peerlen);
	p->peerlen = peerlen;
	local_address(ls->svc, fd, &p->local, &p->locallen);
	request_fill(&p->req, ls->svc, peer, peerlen,
	    (const struct sockaddr *)&p->local, p->locallen);
	ls->live++;                     /* an instance while it is decided */
	step(p);
}

/*
 * The listener retires: a parked connection could only be handed to privd,
 * which no longer listens; close each (its look-up cancelled), logged.
 * Runs between event batches, so no pending event points at one.
 */
void
access_drop_parked(const char *why)
{
	struct parked *p;

	while ((p = all_head) != NULL) {
		unpark(p);
		conn_log(p->ls, (const struct sockaddr *)&p->peer, p->peerlen,
		    "action=error reason=%s", why);
		close(p->fd);
		limits_source_put(p->src);
		parked_free(p);
	}
}

/*
 * Datagrams: decide now.  A fact that needs a look-up is unknown; the
 * local address is the service's own when it is bound to one.
 */
int
access_check_peer(struct lservice *ls, const struct sockaddr *peer,
    socklen_t peerlen, char *rule, size_t rulelen)
{
	const struct service *svc = ls->svc;
	struct ha_request req;
	struct ha_decision dec;
	enum ha_status st = HA_GRANT;
	enum svc_attr xwhy = ATTR_ONLY_FROM;
	request_fill(&req, svc, peer, peerlen,
	    (const struct sockaddr *)&svc->addr, bound_to_one(svc) ? svc->addrlen : 0);
	if (rulelen > 0)
		str_copy(rule, "-", rulelen);
	if (!(svc->flags & SVC_FLAG_NOLIBWRAP))
		st = ha_eval_known(L.cfg->allow_table, L.cfg->deny_table, &req, &dec);
	if (st != HA_GRANT) {
		snprintf(rule, rulelen, "%s:%d", dec.file ? dec.file : "-", dec.line);
		return 0;
	}
	if (req.client.name_state == HA_NAME_UNSET)
		(void)ha_endpoint_set_name(&req.client, HA_NAME_UNKNOWN, NULL);
	if (xinetd_access(svc, &req.client, &xwhy) == XA_DENY) {
		const struct origin *o = &svc->origin[xwhy];
		snprintf(rule, rulelen, "%s:%d", o->file ? o->file : "-", o->line);
		return 0;
	}
	return 1;
}
