/*
 * sockets.c: binding the services' listening sockets.  On a reload the
 * socket of an unchanged service is taken over as it is, so no queued
 * connection is lost; only new addresses are bound.
 */
#include "privd/privd.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_BACKLOG 1024

static int
bind_one(const struct service *svc, struct diag *d)
{
	char host[ADDR_STRLEN];
	unsigned port;
	int fd, on = 1;

	fd = socket(svc->family, svc->socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    svc->protocol);
	if (fd == -1) {
		diag_error(d, svc->origin[ATTR_SERVICE].file,
		    svc->origin[ATTR_SERVICE].line, "service %s/%s: socket: %s",
		    svc->name, svc->proto_name, strerror(errno));
		return -1;
	}
	/*
	 * SO_REUSEADDR only where it cannot let another user take the port:
	 * on a listening stream socket it only allows a bind while old
	 * connections linger in TIME_WAIT (the kernel still refuses a second
	 * listener); on UDP it would let any user who sets it too bind the
	 * same port and receive the service's datagrams.
	 */
	if (svc->socktype != SOCK_DGRAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (svc->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &svc->v6only,
		    sizeof(svc->v6only));
	if (svc->flags & SVC_FLAG_KEEPALIVE)
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	if ((svc->flags & SVC_FLAG_NODELAY) && svc->protocol == IPPROTO_TCP)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)&svc->addr, svc->addrlen) == -1 ||
	    (svc->socktype != SOCK_DGRAM && listen(fd, LISTEN_BACKLOG) == -1)) {
		int saved = errno;
		sockaddr_format((const struct sockaddr *)&svc->addr, svc->addrlen,
		    host, sizeof(host), &port);
		diag_error(d, svc->origin[ATTR_SERVICE].file,
		    svc->origin[ATTR_SERVICE].line,
		    "service %s/%s: cannot bind %s%s%s port %u: %s", svc->name,
		    svc->proto_name, strchr(host, ':') ? "[" : "", host,
		    strchr(host, ':') ? "]" : "", port, strerror(saved));
		close(fd);
		return -1;
	}
	return fd;
}

int
sockets_bind(struct generation *g, struct generation *old, struct diag *d)
{
	int failed = 0;

	for (size_t i = 0; i < g->cfg->nsvcs; i++) {
		const struct service *svc = g->cfg->svcs[i];
		if (svc->disabled)
			continue;
		if (old != NULL) {
			for (size_t j = 0; j < old->cfg->nsvcs; j++)
				if (old->socks[j] >= 0 &&
				    service_same_socket(svc, old->cfg->svcs[j])) {
					/* The socket, and its running wait child. */
					g->socks[i] = old->socks[j];
					g->wait_pid[i] = old->wait_pid[j];
					break;
				}
			if (g->socks[i] >= 0)
				continue;
		}
		if ((g->socks[i] = bind_one(svc, d)) == -1)
			failed = 1;
	}
	if (failed) {
		/* Close only what this load bound itself. */
		generation_close_socks(g, old);
		return -1;
	}
	return 0;
}
