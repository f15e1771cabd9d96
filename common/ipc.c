/*
 * ipc.c: framing, descriptor passing and framing checks of privd<->listener
 * messages.  What the fields mean is checked by the receiver.
 */
#include "common/ipc.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

size_t
ipc_msg_size(unsigned type)
{
	switch (type) {
	case IPC_READY:
	case IPC_PONG:
	case IPC_RETIRE:
	case IPC_PING:
		return sizeof(struct ipc_hdr);
	case IPC_SPAWN_CONN:
	case IPC_SPAWN_WAIT:
		return sizeof(struct ipc_spawn);
	case IPC_SPAWNED:
	case IPC_SPAWN_FAILED:
	case IPC_EXITED:
		return sizeof(struct ipc_report);
	}
	return 0;
}

int
ipc_msg_fds(unsigned type)
{
	return type == IPC_SPAWN_CONN ? 1 : 0;
}

void
ipc_hdr_init(struct ipc_hdr *h, unsigned type, uint32_t gen)
{
	h->version = IPC_VERSION;
	h->type = (uint16_t)type;
	h->gen = gen;
}

int
ipc_send(int sock, const void *msg, size_t len, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

ssize_t
ipc_send_many(int sock, const void *msgs, size_t len, size_t n)
{
	struct mmsghdr mm[IPC_SEND_BATCH];
	struct iovec iov[IPC_SEND_BATCH];
	int k;

	if (n > IPC_SEND_BATCH)
		n = IPC_SEND_BATCH;
	memset(mm, 0, n * sizeof(mm[0]));
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = (char *)msgs + i * len;
		iov[i].iov_len = len;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	do
		k = sendmmsg(sock, mm, (unsigned)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (k == -1 && errno == EINTR);
	if (k <= 0)
		return k == 0 ? (errno = EAGAIN, -1) : -1;
	for (int i = 0; i < k; i++)
		if (mm[i].msg_len != len) {
			errno = EMSGSIZE;
			return i > 0 ? i : -1;
		}
	return k;
}

/*
 * A descriptor from the other side, made safe to close at once: the close
 * that drops the last reference must never wait.  A socket's linger is
 * switched off (a TCP socket with SO_LINGER and unsent data would hold
 * close() for as long as it says).  A UNIX socket may hold descriptors of
 * its own in its queue, which its last close would release the same way:
 * its queue is read (a bounded number of packets, to a bounded depth) and
 * every descriptor found is defused and closed.  Anything else (a pipe, a
 * file the other side could open) closes at once.
 */
#define IPC_SCM_MAX_FD 253      /* the kernel's SCM_MAX_FD: most per packet */
#define DEFUSE_DEPTH   4        /* the kernel nests UNIX descriptors no deeper */
#define DEFUSE_PACKETS 64

static void defuse_fds(struct msghdr *mh, int depth);

/* Call fn(fd, arg) for every descriptor a received packet carries. */
static void
each_fd(struct msghdr *mh, void (*fn)(int, void *), void *arg)
{
	if (mh->msg_controllen == 0)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < cnt; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			fn(fd, arg);
		}
	}
}

static void
defuse(int fd, int depth)
{
	const struct linger off = { .l_onoff = 0, .l_linger = 0 };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;                         /* not a socket */
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
	if (ss.ss_family != AF_UNIX || depth >= DEFUSE_DEPTH)
		return;
	for (int i = 0; i < DEFUSE_PACKETS; i++) {
		char buf[256];
		union {
			struct cmsghdr hdr;
			char buf[CMSG_SPACE(sizeof(int) * IPC_SCM_MAX_FD)];
		} cm;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };

		if (recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			break;
		defuse_fds(&mh, depth + 1);
	}
}

static void
defuse_and_close(int fd, void *depth)
{
	defuse(fd, *(const int *)depth);
	close(fd);
}

/* Defuse and close every descriptor a received packet carries. */
static void
defuse_fds(struct msghdr *mh, int depth)
{
	each_fd(mh, defuse_and_close, &depth);
}

/* One of a message's descriptors, defused; past IPC_FDS_MAX, closed. */
static void
take_fd(int fd, void *msg)
{
	struct ipc_msg *m = msg;

	defuse(fd, 0);
	if (m->nfds < IPC_FDS_MAX)
		m->fds[m->nfds++] = fd;
	else
		close(fd);
}

/* One received packet's descriptors and flags into m (ipc_recv_many). */
static void
msg_take(struct ipc_msg *m, struct msghdr *mh, size_t n)
{
	m->len = n;
	m->nfds = 0;
	m->truncated = (mh->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	each_fd(mh, take_fd, m);
}

int
ipc_recv_many(int sock, struct ipc_msg *m, int n)
{
	/*
	 * Room for as many descriptors as one packet can carry (SCM_MAX_FD),
	 * not only for the most a type allows: those the buffer had no room
	 * for, the kernel would release itself, in our close path, before we
	 * could defuse them.  Excess ones are defused and closed (msg_take).
	 * Static (32 KiB): each process receives in one thread only.
	 */
	static union cmsg_space {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * IPC_SCM_MAX_FD)];
	} cmsgbuf[IPC_RECV_BATCH];
	struct mmsghdr mm[IPC_RECV_BATCH];
	struct iovec iov[IPC_RECV_BATCH];
	int k, got = 0;

	if (n > IPC_RECV_BATCH)
		n = IPC_RECV_BATCH;
	if (n < 1) {
		errno = EINVAL;
		return -1;
	}
	memset(mm, 0, (size_t)n * sizeof(mm[0]));
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = m[i].u.raw;
		iov[i].iov_len = sizeof(m[i].u.raw);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cmsgbuf[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(cmsgbuf[i].buf);
	}
	do
		k = recvmmsg(sock, mm, (unsigned)n, MSG_CMSG_CLOEXEC | MSG_DONTWAIT,
		    NULL);
	while (k == -1 && errno == EINTR);
	if (k == -1)
		return -1;
	/*
	 * An empty packet without descriptors is the end of the stream (the
	 * kernel then reports it once per remaining entry) or a peer's
	 * mistake: stop at the first.  Whatever came after it in this call is
	 * dropped, its descriptors closed.
	 */
	for (int i = 0; i < k; i++) {
		msg_take(&m[i], &mm[i].msg_hdr, mm[i].msg_len);
		if (m[i].len == 0 && m[i].nfds == 0) {
			for (int j = i + 1; j < k; j++) {
				msg_take(&m[j], &mm[j].msg_hdr, mm[j].msg_len);
				ipc_msg_close_fds(&m[j]);
			}
			break;
		}
		got++;
	}
	return got;
}

int
ipc_recv(int sock, struct ipc_msg *m)
{
	return ipc_recv_many(sock, m, 1);
}

void
ipc_msg_close_fds(struct ipc_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

const char *
ipc_msg_check(const struct ipc_msg *m, int from_listener)
{
	unsigned type;

	if (m->truncated)
		return "truncated";
	if (m->len < sizeof(struct ipc_hdr))
		return "short header";
	if (m->u.hdr.version != IPC_VERSION)
		return "bad version";
	type = m->u.hdr.type;
	if (from_listener && type != IPC_READY && type != IPC_SPAWN_CONN &&
	    type != IPC_SPAWN_WAIT && type != IPC_PONG)
		return "type not allowed from the listener";
	if (!from_listener && type != IPC_SPAWNED && type != IPC_SPAWN_FAILED &&
	    type != IPC_EXITED && type != IPC_RETIRE && type != IPC_PING)
		return "type not allowed from privd";
	if (m->len != ipc_msg_size(type))
		return "wrong size";
	if (m->nfds != ipc_msg_fds(type))
		return "wrong number of descriptors";
	if (type == IPC_SPAWN_CONN || type == IPC_SPAWN_WAIT) {
		if (memchr(m->u.spawn.host, '\0', sizeof(m->u.spawn.host)) == NULL ||
		    memchr(m->u.spawn.ident, '\0', sizeof(m->u.spawn.ident)) == NULL ||
		    memchr(m->u.spawn.server_host, '\0',
		    sizeof(m->u.spawn.server_host)) == NULL)
			return "unterminated string";
		/* A wait service has no connection, so no server name. */
		if (type == IPC_SPAWN_WAIT) {
			if (m->u.spawn.server_name_state != 0)
				return "server name state in a wait request";
			for (size_t i = 0; i < sizeof(m->u.spawn.server_host); i++)
				if (m->u.spawn.server_host[i] != 0)
					return "server name in a wait request";
		}
		/* Zero padding: no room for a covert or future field. */
		for (size_t i = 0; i < sizeof(m->u.spawn.pad); i++)
			if (m->u.spawn.pad[i] != 0)
				return "nonzero padding";
	}
	return NULL;
}
