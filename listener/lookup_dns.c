/*
 * lookup_dns.c: host names of addresses without blocking: the hosts file
 * first, then reverse DNS with c-ares, then forward confirmation (the name
 * must map back to the address, or the client is PARANOID).  c-ares' sockets
 * join the listener's epoll loop; its timeouts run on a timerfd.  c-ares
 * reads resolv.conf once at start, before the sandbox; file look-ups are off
 * (lookups "b"): the hosts file comes from the snapshot.
 */
#include "listener/lookup_internal.h"
#include "common/log.h"
#include "common/names.h"
#include "common/util.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define DNS_SOCKS_MAX 64

struct dns_sock {
	struct ev_src ev;
	int           fd;
	int           used;
};

static ares_channel channel;
static int dns_timerfd = -1;
static struct ev_src timer_src;
static struct dns_sock socks[DNS_SOCKS_MAX];

int64_t
lookup_now_ms(void)
{
	return mono_ms();
}

int
lookup_addr_bytes(const struct sockaddr *sa, socklen_t len, int *family,
    unsigned char out[16])
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		*family = AF_INET;
		memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			*family = AF_INET;
			memcpy(out, &a->s6_addr[12], 4);
		} else {
			*family = AF_INET6;
			memcpy(out, a, 16);
		}
		return 0;
	}
	return -1;
}

static void
dns_rearm_timer(void)
{
	struct timeval tv, *tvp;
	struct itimerspec its = { 0 };

	tvp = ares_timeout(channel, NULL, &tv);
	if (tvp != NULL) {
		its.it_value.tv_sec = tvp->tv_sec;
		its.it_value.tv_nsec = tvp->tv_usec * 1000L;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(dns_timerfd, 0, &its, NULL);
}

static void
dns_sock_event(struct ev_src *src, uint32_t events)
{
	struct dns_sock *ds = src->ptr;
	int fd = ds->fd;

	ares_process_fd(channel,
	    (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD,
	    (events & EPOLLOUT) ? fd : ARES_SOCKET_BAD);
	dns_rearm_timer();
}

static void
dns_timer_event(struct ev_src *src, uint32_t events)
{
	uint64_t t;

	(void)src;
	(void)events;
	if (read(dns_timerfd, &t, sizeof(t)) > 0)
		ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	dns_rearm_timer();
}

/* c-ares tells us which of its sockets to watch. */
static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_sock *ds = NULL;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);

	(void)data;
	for (int i = 0; i < DNS_SOCKS_MAX; i++)
		if (socks[i].used && socks[i].fd == fd)
			ds = &socks[i];
	if (ev == 0) {
		if (ds != NULL) {
			loop_del(fd);
			ds->used = 0;
		}
		return;
	}
	if (ds != NULL) {
		loop_mod(fd, ev, &ds->ev);
		return;
	}
	for (int i = 0; i < DNS_SOCKS_MAX && ds == NULL; i++)
		if (!socks[i].used)
			ds = &socks[i];
	if (ds == NULL) {
		log_warnx("dns: too many resolver sockets");
		return;
	}
	ds->used = 1;
	ds->fd = fd;
	ds->ev.kind = EV_OTHER;
	ds->ev.ptr = ds;
	ds->ev.handler = dns_sock_event;
	loop_add(fd, ev, &ds->ev);
}

void
lookup_init(const char *hosts_text)
{
	struct ares_options opts;
	int status;

	hosts_load(hosts_text);
	if ((status = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		fatalx("ares_library_init: %s", ares_strerror(status));
	memset(&opts, 0, sizeof(opts));
	opts.sock_state_cb = sock_state;
	opts.lookups = (char *)"b";
	opts.timeout = LOOKUP_DNS_TIMEOUT_MS;
	opts.tries = 2;
	status = ares_init_options(&channel, &opts, ARES_OPT_SOCK_STATE_CB |
	    ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (status != ARES_SUCCESS)
		fatalx("ares_init_options: %s", ares_strerror(status));
	dns_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (dns_timerfd == -1)
		fatal("timerfd_create");
	timer_src.kind = EV_OTHER;
	timer_src.handler = dns_timer_event;
	loop_add(dns_timerfd, EPOLLIN, &timer_src);
}

static void
name_done(struct lookup *l, enum lookup_name_state st, const char *name)
{
	if (!l->cancelled)
		l->name_cb(l->arg, st, name);
	free(l);
}

/* The forward answer: does the name map back to the address? */
static void
forward_cb(void *arg, int status, int timeouts, struct hostent *he)
{
	struct lookup *l = arg;
	unsigned char want[16];
	int family;

	(void)timeouts;
	if (l->cancelled || status != ARES_SUCCESS || he == NULL) {
		name_done(l, status == ARES_ENOTFOUND || status == ARES_ENODATA ?
		    LOOKUP_NAME_PARANOID : LOOKUP_NAME_UNKNOWN, NULL);
		return;
	}
	/* As tcpd: the forward answer's canonical name must be the same. */
	if (he->h_name == NULL || (strcasecmp(he->h_name, l->name) != 0 &&
	    strcasecmp(l->name, "localhost") != 0)) {
		name_done(l, LOOKUP_NAME_PARANOID, NULL);
		return;
	}
	if (lookup_addr_bytes((struct sockaddr *)&l->addr, l->len, &family,
	    want) == -1) {
		name_done(l, LOOKUP_NAME_PARANOID, NULL);
		return;
	}
	for (char **a = he->h_addr_list; *a != NULL; a++)
		if (he->h_addrtype == family &&
		    memcmp(*a, want, family == AF_INET ? 4 : 16) == 0) {
			name_done(l, LOOKUP_NAME_KNOWN, l->name);
			return;
		}
	name_done(l, LOOKUP_NAME_PARANOID, NULL);
}

/* Forward-confirm l->name.  Returns 1 while pending, 0 once answered. */
static int
confirm(struct lookup *l)
{
	unsigned char addr[16];
	int family, known;

	if (lookup_addr_bytes((struct sockaddr *)&l->addr, l->len, &family,
	    addr) == -1) {
		/* Not an Internet address: no name can be confirmed for it. */
		name_done(l, LOOKUP_NAME_PARANOID, NULL);
		return 0;
	}
	known = hosts_name_has(l->name, family, addr);
	if (known == 1) {
		name_done(l, LOOKUP_NAME_KNOWN, l->name);
		return 0;
	}
	if (known == 0) {
		name_done(l, LOOKUP_NAME_PARANOID, NULL);
		return 0;
	}
	ares_gethostbyname(channel, l->name, family, forward_cb, l);
	dns_rearm_timer();
	return 1;
}

static void
reverse_cb(void *arg, int status, int timeouts, struct hostent *he)
{
	struct lookup *l = arg;
	size_t n;

	(void)timeouts;
	if (l->cancelled || status != ARES_SUCCESS || he == NULL ||
	    he->h_name == NULL) {
		name_done(l, LOOKUP_NAME_UNKNOWN, NULL);
		return;
	}
	/* Hostile answers: bounded and checked before anything else. */
	if ((n = strnlen(he->h_name, sizeof(l->name))) >= sizeof(l->name) ||
	    !name_valid_host(he->h_name)) {
		name_done(l, LOOKUP_NAME_UNKNOWN, NULL);
		return;
	}
	memcpy(l->name, he->h_name, n + 1);
	if (n > 1 && l->name[n - 1] == '.')
		l->name[n - 1] = '\0';
	confirm(l);
}

struct lookup *
lookup_name(const struct sockaddr *sa, socklen_t len, lookup_name_cb cb, void *arg)
{
	struct lookup *l;
	unsigned char addr[16];
	const char *name;
	int family;

	if (len > sizeof(l->addr) || lookup_addr_bytes(sa, len, &family, addr) == -1) {
		cb(arg, LOOKUP_NAME_UNKNOWN, NULL);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->kind = LOOKUP_KIND_NAME;
	l->name_cb = cb;
	l->arg = arg;
	l->fd = -1;
	memcpy(&l->addr, sa, len);
	l->len = len;
	if ((name = hosts_name_of(family, addr)) != NULL) {
		if (!name_valid_host(name) || strlen(name) >= sizeof(l->name)) {
			name_done(l, LOOKUP_NAME_UNKNOWN, NULL);
			return NULL;
		}
		str_copy(l->name, name, sizeof(l->name));
		return confirm(l) ? l : NULL;
	}
	ares_gethostbyaddr(channel, addr, family == AF_INET ? 4 : 16, family,
	    reverse_cb, l);
	dns_rearm_timer();
	return l;
}
