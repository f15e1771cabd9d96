/*
 * builtin_dgram.c: the built-in services over UDP.  Each datagram gets at
 * most one reply, sent from the service's own socket, and never to a
 * source that would make hinetd a reflector: broadcast,
 * multicast, 0.0.0.0/8, 255.0.0.0/8 (IPv4-mapped IPv6 sources are judged
 * by their IPv4 address), the unspecified IPv6 address, and source ports
 * below 1024 or equal to 2049 (another superserver's echo, NFS).  Other
 * local broadcast addresses are refused by the kernel itself: the listener
 * never sets SO_BROADCAST, so sendto() to one fails with EACCES.
 *
 * Order per datagram: the reflection filter, limits (cps counts
 * datagrams), access, then the answer.  An echo reply is exactly the bytes
 * received, never more.
 */
#include "listener/builtin.h"
#include "listener/limits.h"
#include "common/log.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define DGRAM_BATCH  64                 /* datagrams per readiness event */
#define DGRAM_MAX    65536              /* larger than any UDP payload */
#define NFS_PORT     2049

static unsigned char dgbuf[DGRAM_MAX];
static unsigned chargen_next;           /* line of the next chargen reply */

static int
v4_bad(const unsigned char a[4])
{
	if (a[0] == 0 || a[0] == 255)           /* 0/8, 255/8 (broadcast) */
		return 1;
	if ((a[0] & 0xf0) == 0xe0)              /* 224/4 multicast */
		return 1;
	return 0;
}

int
dgram_source_bad(const struct sockaddr *sa, socklen_t len)
{
	unsigned port;

	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		port = ntohs(sin->sin_port);
		if (port < 1024 || port == NFS_PORT)
			return 1;
		return v4_bad((const unsigned char *)&sin->sin_addr);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		port = ntohs(sin6->sin6_port);
		if (port < 1024 || port == NFS_PORT)
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			return v4_bad(&sin6->sin6_addr.s6_addr[12]);
		if (IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr) ||
		    IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			return 1;
		return 0;
	}
	return 1;
}

static void
reply(struct lservice *ls, const struct sockaddr *peer, socklen_t peerlen,
    const void *buf, size_t len)
{
	ssize_t n;

	do
		n = sendto(ls->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, peer,
		    peerlen);
	while (n == -1 && errno == EINTR);
	/* A full send buffer drops the reply, as the network may. */
	if (n == -1 && errno == EACCES)
		conn_log(ls, peer, peerlen, "action=deny rule=builtin:0 reason=broadcast-source");
	else if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
		conn_log(ls, peer, peerlen, "action=error reason=send errno=%s",
		    strerrorname_np(errno) ? strerrorname_np(errno) : "?");
}

static void
answer(struct lservice *ls, const struct sockaddr *peer, socklen_t peerlen,
    size_t got)
{
	char out[128];
	struct timespec ts;
	size_t len;

	switch (ls->svc->builtin) {
	case BUILTIN_ECHO:
		reply(ls, peer, peerlen, dgbuf, got);
		break;
	case BUILTIN_CHARGEN:
		/* RFC 864: 0 to 512 characters; one rotating line here. */
		len = chargen_line(out, sizeof(out), chargen_next);
		chargen_next = (chargen_next + 1) % CHARGEN_LINES;
		reply(ls, peer, peerlen, out, len);
		break;
	case BUILTIN_DAYTIME:
		clock_gettime(CLOCK_REALTIME, &ts);
		len = daytime_format(out, sizeof(out), ts.tv_sec);
		reply(ls, peer, peerlen, out, len);
		break;
	case BUILTIN_TIME:
		clock_gettime(CLOCK_REALTIME, &ts);
		time_format((unsigned char *)out, ts.tv_sec);
		reply(ls, peer, peerlen, out, 4);
		break;
	default:                /* discard */
		break;
	}
}

void
builtin_dgram_readable(struct lservice *ls)
{
	struct sockaddr_storage ss;
	const struct sockaddr *peer = (const struct sockaddr *)&ss;
	socklen_t peerlen;
	char rule[256];
	ssize_t n;

	for (int i = 0; i < DGRAM_BATCH && !ls->held; i++) {
		peerlen = sizeof(ss);
		n = recvfrom(ls->fd, dgbuf, sizeof(dgbuf), MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &peerlen);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOMEM || errno == ENOBUFS)
				return;
			continue;       /* EINTR, a queued ICMP error, ... */
		}
		if (dgram_source_bad(peer, peerlen)) {
			conn_log(ls, peer, peerlen,
			    "action=deny rule=builtin:0 reason=reflection-source");
			continue;
		}
		if (limits_arrival(ls, peer, peerlen, 0, NULL) == -1)
			continue;
		if (!access_check_peer(ls, peer, peerlen, rule, sizeof(rule))) {
			conn_deny(ls, peer, peerlen, rule);
			continue;
		}
		conn_log(ls, peer, peerlen, "action=allow");
		answer(ls, peer, peerlen, (size_t)n);
	}
}
