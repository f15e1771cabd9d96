/*
 * evil_listener.c: a hostile stand-in for hinetd-listener (started with
 * hinetd -L) that sends privd every kind of malformed or out-of-policy
 * message, then one valid connection, then a flood of bad messages.  The
 * integration test checks that privd rejected and logged each, spawned
 * only the valid one, and restarted the "listener" after the flood.
 * Each attack is announced on stderr as "evil: NAME".
 */
#include "common/ipc.h"
#include "policy/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int ctl;
static uint32_t gen;

static void
say(const char *what)
{
	fprintf(stderr, "evil: %s\n", what);
}

/* Raw send: any length, any number of fds. */
static void
send_raw(const void *msg, size_t len, const int *fds, int nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	if (sendmsg(ctl, &mh, MSG_NOSIGNAL) == -1)
		perror("evil: sendmsg");
	usleep(20000);
}

static struct ipc_spawn
spawn_msg(unsigned type, uint32_t svc)
{
	struct ipc_spawn m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, type, gen);
	m.svc_id = svc;
	return m;
}

int
main(int argc, char *argv[])
{
	struct ipc_spawn m;
	struct stat st;
	char *buf;
	int memfd = -1, *fds, pipefd[2], sp[2], c;
	struct config *cfg;

	while ((c = getopt(argc, argv, "c:m:d")) != -1) {
		if (c == 'c')
			ctl = atoi(optarg);
		else if (c == 'm')
			memfd = atoi(optarg);
	}
	if (fstat(memfd, &st) == -1)
		return 1;
	buf = malloc((size_t)st.st_size);
	if (pread(memfd, buf, (size_t)st.st_size, 0) != st.st_size)
		return 1;
	cfg = snapshot_decode(buf, (size_t)st.st_size, &gen, &fds);
	if (cfg == NULL || cfg->nsvcs == 0)
		return 1;
	int lfd = fds[0];               /* service 0: a stream nowait service */

	say("wrong-version");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	m.hdr.version = 99;
	send_raw(&m, sizeof(m), &lfd, 1);

	say("short-message");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	send_raw(&m, sizeof(m) - 1, &lfd, 1);

	say("unknown-type");
	m = spawn_msg(99, 0);
	send_raw(&m, sizeof(m), NULL, 0);

	say("report-type-from-listener");
	m = spawn_msg(IPC_EXITED, 0);
	send_raw(&m, sizeof(struct ipc_report), NULL, 0);

	say("conn-without-fd");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	send_raw(&m, sizeof(m), NULL, 0);

	say("conn-with-two-fds");
	int two[2] = { lfd, lfd };
	send_raw(&m, sizeof(m), two, 2);

	say("listening-socket");
	send_raw(&m, sizeof(m), &lfd, 1);

	say("pipe-not-socket");
	if (pipe(pipefd) == 0)
		send_raw(&m, sizeof(m), &pipefd[0], 1);

	say("unix-socket");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0)
		send_raw(&m, sizeof(m), &sp[0], 1);

	say("bad-service-id");
	m = spawn_msg(IPC_SPAWN_CONN, 9999);
	send_raw(&m, sizeof(m), &sp[0], 1);

	say("stale-generation");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	m.hdr.gen = gen + 7;
	send_raw(&m, sizeof(m), &sp[0], 1);

	say("unterminated-host");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	memset(m.host, 'a', sizeof(m.host));
	send_raw(&m, sizeof(m), &sp[0], 1);

	say("descriptor-for-wait-service");
	m = spawn_msg(IPC_SPAWN_CONN, 1);       /* service 1 is a wait service */
	send_raw(&m, sizeof(m), &sp[0], 1);

	say("wait-for-nowait-service");
	m = spawn_msg(IPC_SPAWN_WAIT, 0);
	send_raw(&m, sizeof(m), NULL, 0);

	/* A real connection, but a hostile host name with it. */
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	say("waiting-for-client");
	if (poll(&pfd, 1, 10000) == 1) {
		int cfd = accept(lfd, NULL, NULL);
		say("hostile-host-name");
		m = spawn_msg(IPC_SPAWN_CONN, 0);
		strcpy(m.host, "evil;rm -rf /");
		m.name_state = 3;       /* HA_NAME_KNOWN */
		send_raw(&m, sizeof(m), &cfd, 1);
		say("valid-connection");
		m = spawn_msg(IPC_SPAWN_CONN, 0);
		strcpy(m.host, "client.example");
		m.name_state = 3;       /* HA_NAME_KNOWN */
		send_raw(&m, sizeof(m), &cfd, 1);
		close(cfd);
	}
	sleep(1);
	say("flood");
	for (int i = 0; i < 40; i++) {
		m = spawn_msg(99, 0);
		send_raw(&m, sizeof(m), NULL, 0);
	}
	sleep(5);
	say("still-alive");
	return 0;
}
