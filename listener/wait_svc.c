/*
 * wait_svc.c: waking a wait service.  Its listening socket itself goes to
 * the child (privd uses its own copy: IPC_SPAWN_WAIT carries no
 * descriptor), and the listener stops watching the socket until privd
 * reports that the child ended (conn_report).
 *
 * dgram: the access check runs on the source of the first queued datagram
 * (MSG_PEEK); a denied datagram is read, dropped and logged, and the next
 * one is looked at.  stream: the child accepts, so there is no client to
 * check before it runs.  Then the limits of a wake-up (cps, the looping
 * guard); a limit that fires pauses the service and leaves the queued
 * input where it is.
 *
 * The listener only ever reads a wait service's socket with MSG_DONTWAIT,
 * and clears O_NONBLOCK before each start: the child shares the open file
 * description and expects a blocking socket, as under any inetd.
 */
#include "listener/limits.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#define WAIT_DENY_BATCH  64     /* denied datagrams dropped per event */

/*
 * Look at the first queued datagram's source.  1: one is there and
 * admitted (source in ls->wait_peer); 0: nothing to do now.
 */
static int
dgram_first_admitted(struct lservice *ls)
{
	struct sockaddr_storage ss;
	const struct sockaddr *peer = (const struct sockaddr *)&ss;
	socklen_t peerlen;
	char rule[256], c;
	ssize_t n;

	for (int i = 0; i < WAIT_DENY_BATCH; i++) {
		peerlen = sizeof(ss);
		n = recvfrom(ls->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &peerlen);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOMEM || errno == ENOBUFS)
				return 0;
			continue;       /* EINTR, a queued ICMP error, ... */
		}
		if (peerlen > sizeof(ss))
			peerlen = 0;
		if (access_check_peer(ls, peer, peerlen, rule, sizeof(rule))) {
			memcpy(&ls->wait_peer, &ss, sizeof(ss));
			ls->wait_peerlen = peerlen;
			return 1;
		}
		/* Denied: read it for good. */
		(void)recv(ls->fd, &c, 1, MSG_DONTWAIT);
		conn_deny(ls, peer, peerlen, rule);
	}
	return 0;               /* more later: the socket stays readable */
}

static void
make_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1 && (fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

void
wait_wake(struct lservice *ls)
{
	const struct sockaddr *peer = NULL;

	if (ls->wait_running || ls->held)
		return;
	ls->wait_peerlen = 0;
	if (ls->svc->socktype == SOCK_DGRAM) {
		if (!dgram_first_admitted(ls))
			return;
		peer = (const struct sockaddr *)&ls->wait_peer;
	}
	if (limits_wake(ls, peer, ls->wait_peerlen) == -1)
		return;
	make_blocking(ls->fd);
	conn_log(ls, peer, ls->wait_peerlen, "action=allow");
	if (link_send_spawn(ls, -1, NULL, NULL, 0, 0) == -1) {
		conn_log(ls, peer, ls->wait_peerlen,
		    "action=limit limit=children reason=queue");
		return;
	}
	ls->wait_running = 1;
	ls->live++;
	service_rearm(ls);
}
