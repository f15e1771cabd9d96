/*
 * evil_listener.c: a hostile stand-in for hinetd-listener (started with
 * hinetd -L).  privd gives it no arguments of its own, so the attack is
 * chosen by the port of the configuration's first service:
 *
 *   7018  suite      malformed and out-of-policy messages, one valid
 *                    connection, then a flood of bad messages
 *   7031  sockets    truncated data, eight descriptors, nonzero padding, an
 *                    invalid ident, look-up states without their strings,
 *                    the service id one past the last, foreign sockets
 *                    (wrong local port, UDP for TCP, wrong protocol), a
 *                    stale READY, a client of service 1 passed as one of
 *                    service 0's; one valid
 *   7032  empty      an empty packet, then holds the sockets
 *   7033  deaf       closes its control socket, then holds the sockets
 *   7034  burst      a burst of bad messages, then exits at once
 *   7035  no-read    endless valid requests, never reads a report
 *   7037  retire     fills the control socket with reports and leaves a few
 *                    hundred more queued in privd, then reads: on reload
 *                    every one of them must come before IPC_RETIRE
 *   7040  linger     descriptors whose last close would wait: a TCP socket
 *                    with SO_LINGER {1, 100000} and a full send queue to a
 *                    peer that never reads (with a bad service id), eight
 *                    of them in one packet (more than any type carries),
 *                    and a UNIX socket holding one in its queue
 *   7041  limits     requests past the services' limits: five for a
 *                    service of instances 1, three from one client for a
 *                    service of per_source 1, one for a client only_from
 *                    refuses, one for an address and one for a name that
 *                    hosts.deny refuses (services 0 to 4)
 *   7045  race       on IPC_RETIRE, a valid request for a waiting client,
 *                    then the close (the reload's in-flight spawn)
 *   7046  keep       on IPC_RETIRE, closes the control socket but keeps
 *                    accepting on service 1's socket, answering "evil"
 *
 * Every mode first sends READY, as a real listener does.  Each step is
 * announced as "evil: NAME", on stderr when started with -d, else to
 * syslog (as the real listener logs in each mode); the modes with a valid connection
 * end with "evil: reports spawned=N failed=M" (the reports privd sent).
 * tests/integration/test_core.py checks what privd did.
 */
#include "common/ipc.h"
#include "policy/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int ctl;
static uint32_t gen;
static uint32_t nsvcs;          /* services in the snapshot */
static unsigned n_spawned, n_failed;
static int to_stderr;

static void
say(const char *what)
{
	if (to_stderr)
		fprintf(stderr, "evil: %s\n", what);
	else
		syslog(LOG_NOTICE, "evil: %s", what);
}

/* Raw send: any length, any number of fds; optionally no pause after. */
static void
send_fast(const void *msg, size_t len, const int *fds, int nfds)
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
		say("sendmsg failed");
}

static void
send_raw(const void *msg, size_t len, const int *fds, int nfds)
{
	send_fast(msg, len, fds, nfds);
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

static void
send_ready(uint32_t g)
{
	struct ipc_hdr h;

	ipc_hdr_init(&h, IPC_READY, g);
	send_fast(&h, sizeof(h), NULL, 0);
}

/* Count the reports privd sent so far (waiting up to ms for the first). */
static void
read_reports(int ms)
{
	struct pollfd pfd = { .fd = ctl, .events = POLLIN };
	struct ipc_msg m;

	while (poll(&pfd, 1, ms) == 1) {
		if (ipc_recv(ctl, &m) != 1)
			break;
		ipc_msg_close_fds(&m);
		if (m.u.hdr.type == IPC_SPAWNED)
			n_spawned++;
		else if (m.u.hdr.type == IPC_SPAWN_FAILED)
			n_failed++;
		ms = 200;
	}
}

static void
print_reports(void)
{
	char line[64];

	read_reports(1000);
	snprintf(line, sizeof(line), "reports spawned=%u failed=%u", n_spawned,
	    n_failed);
	say(line);
}

static void
pong(uint32_t g)
{
	struct ipc_hdr h;

	ipc_hdr_init(&h, IPC_PONG, g);
	send_fast(&h, sizeof(h), NULL, 0);
}

/* Answer privd's liveness question; other messages are read and dropped. */
static void
answer_pings(int ms)
{
	struct pollfd pfd = { .fd = ctl, .events = POLLIN };
	struct ipc_msg m;

	while (ctl >= 0 && poll(&pfd, 1, ms) == 1) {
		int rc = ipc_recv(ctl, &m);
		if (rc == 0)
			_exit(0);       /* privd is gone */
		if (rc < 0)
			break;
		ipc_msg_close_fds(&m);
		if (m.u.hdr.type == IPC_PING)
			pong(m.u.hdr.gen);
	}
}

static void
hold(void)
{
	say("holding");
	for (;;) {
		if (ctl >= 0 && fcntl(ctl, F_GETFD) != -1)
			answer_pings(1000);
		else
			pause();
	}
}

/* A connected TCP socket that is none of the service's: loopback pair. */
static int
foreign_tcp(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l, c, a = -1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    listen(l, 1) == 0 &&
	    getsockname(l, (struct sockaddr *)&sin, &len) == 0 &&
	    (c = socket(AF_INET, SOCK_STREAM, 0)) != -1) {
		if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			a = accept(l, NULL, NULL);
		close(c);
	}
	close(l);
	return a;
}

/* Accept one client on the service's socket; -1 if none came. */
static int
client(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	say("waiting-for-client");
	if (poll(&pfd, 1, 10000) != 1)
		return -1;
	return accept(lfd, NULL, NULL);
}

static void
valid_connection(int cfd)
{
	struct ipc_spawn m;

	say("valid-connection");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	strcpy(m.host, "client.example");
	m.name_state = 3;       /* HA_NAME_KNOWN */
	send_raw(&m, sizeof(m), &cfd, 1);
}

static void
suite(int lfd)
{
	struct ipc_spawn m;
	int pipefd[2], sp[2], cfd;

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
	if ((cfd = client(lfd)) != -1) {
		say("hostile-host-name");
		m = spawn_msg(IPC_SPAWN_CONN, 0);
		strcpy(m.host, "evil;rm -rf /");
		m.name_state = 3;       /* HA_NAME_KNOWN */
		send_raw(&m, sizeof(m), &cfd, 1);
		valid_connection(cfd);
		close(cfd);
	}
	print_reports();
	say("flood");
	for (int i = 0; i < 40; i++) {
		m = spawn_msg(99, 0);
		send_raw(&m, sizeof(m), NULL, 0);
	}
	sleep(5);
	say("still-alive");
}

static void
sockets(int lfd, int other)
{
	unsigned char big[IPC_MSG_MAX + 64];
	struct ipc_spawn m;
	int fd, cfd, many[8];

	say("truncated-data");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	send_raw(big, sizeof(big), NULL, 0);

	say("eight-descriptors");
	for (int i = 0; i < 8; i++)
		many[i] = lfd;
	send_raw(&m, sizeof(m), many, 8);

	fd = foreign_tcp();
	say("nonzero-padding");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	m.pad[0] = 1;
	send_raw(&m, sizeof(m), &fd, 1);

	say("invalid-ident");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	strcpy(m.ident, "root user;id");
	m.user_state = 3;       /* HA_USER_KNOWN */
	send_raw(&m, sizeof(m), &fd, 1);

	say("name-known-without-a-name");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	m.name_state = 3;       /* HA_NAME_KNOWN */
	send_raw(&m, sizeof(m), &fd, 1);

	say("ident-known-without-an-answer");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	m.user_state = 2;       /* HA_USER_KNOWN */
	send_raw(&m, sizeof(m), &fd, 1);

	say("service-id-one-past-the-last");
	m = spawn_msg(IPC_SPAWN_CONN, nsvcs);
	send_raw(&m, sizeof(m), &fd, 1);

	say("wrong-local-port");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	send_raw(&m, sizeof(m), &fd, 1);
	close(fd);

	say("udp-for-tcp");
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) != -1) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
		    .sin_port = htons(7031) };
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		send_raw(&m, sizeof(m), &fd, 1);
		close(fd);
	}

	if ((fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)) != -1) {
		say("wrong-protocol");
		send_raw(&m, sizeof(m), &fd, 1);
		close(fd);
	} else
		say("skipped-wrong-protocol");

	say("stale-ready");
	send_ready(gen + 1);
	usleep(20000);

	/* A real client of service 1, passed off as one of service 0's. */
	if (other >= 0 && (cfd = client(other)) != -1) {
		say("another-services-connection");
		m = spawn_msg(IPC_SPAWN_CONN, 0);
		send_raw(&m, sizeof(m), &cfd, 1);
		close(cfd);
	}

	if ((cfd = client(lfd)) != -1) {
		valid_connection(cfd);
		close(cfd);
	}
	print_reports();
}

/* Valid requests for a wait service whose child runs: each answered. */
static void
no_read(void)
{
	struct ipc_spawn m = spawn_msg(IPC_SPAWN_WAIT, 0);

	say("start-wait-child");
	send_raw(&m, sizeof(m), NULL, 0);
	say("never-reading");
	for (;;)
		send_fast(&m, sizeof(m), NULL, 0);
}

/*
 * How many reports privd's end of the control socket holds before a send
 * would block: its send buffer (privd forces 8 MiB, which the kernel
 * doubles) over the memory one report takes, measured on a socketpair of
 * our own (its send buffer as large as we may make it).
 */
static unsigned
reports_socket_holds(void)
{
	const long privd_sndbuf = 2L * (8 << 20);
	struct ipc_report r;
	int sv[2], big = 1 << 30, got;
	socklen_t len = sizeof(got);
	unsigned n = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) == -1)
		return 0;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &got, &len);
	memset(&r, 0, sizeof(r));
	while (send(sv[0], &r, sizeof(r), MSG_NOSIGNAL) == sizeof(r))
		n++;
	close(sv[0]);
	close(sv[1]);
	return n == 0 ? 0 : (unsigned)(privd_sndbuf / ((double)got / n));
}

/*
 * Reload while reports wait in privd's queue behind a full socket: privd
 * must send them all before IPC_RETIRE.  The first request starts the
 * wait service's child; each later one is answered "busy".  Then we stay
 * deaf until the test, having sent privd SIGHUP, sends us SIGUSR1, and read
 * everything.
 */
static void
retire(void)
{
	struct ipc_spawn m = spawn_msg(IPC_SPAWN_WAIT, 0);
	struct pollfd pfd = { .fd = ctl, .events = POLLIN };
	unsigned holds = reports_socket_holds(), before = 0, after = 0;
	unsigned n = holds + 300;       /* the queue holds 1024: a third */
	struct timespec limit = { .tv_sec = 30 };
	struct ipc_msg r;
	int retired = 0;
	char line[128];
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (holds == 0) {
		say("cannot-measure");
		hold();
	}
	for (unsigned i = 0; i < n; i++)
		send_fast(&m, sizeof(m), NULL, 0);
	usleep(300000);                 /* privd answers the last ones */
	snprintf(line, sizeof(line), "filled requests=%u", n);
	say(line);
	if (sigtimedwait(&usr1, NULL, &limit) != SIGUSR1)
		say("no-signal");
	/* after IPC_RETIRE only what follows at once: privd waits 1 s */
	while (poll(&pfd, 1, retired ? 100 : 3000) == 1 &&
	    ipc_recv(ctl, &r) == 1) {
		ipc_msg_close_fds(&r);
		if (r.u.hdr.type == IPC_PING)
			continue;       /* not a report */
		if (r.u.hdr.type == IPC_RETIRE)
			retired = 1;
		else if (retired)
			after++;
		else
			before++;
		if (retired && before + after >= n)
			break;
	}
	snprintf(line, sizeof(line), "retire requests=%u reports-before=%u "
	    "after=%u retired=%d", n, before, after, retired);
	say(line);
	close(ctl);
	ctl = -1;
	hold();
}

/*
 * A connected TCP socket whose last close would wait: its send queue is
 * full towards a peer that never reads (*peer, kept open), with
 * SO_LINGER {1, 100000}.
 */
static int
lingering_tcp(int *peer)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct linger lg = { .l_onoff = 1, .l_linger = 100000 };
	static char junk[65536];
	int l, c;

	*peer = -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1 ||
	    (c = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		close(l);
		return -1;
	}
	if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (*peer = accept(l, NULL, NULL)) == -1) {
		close(c);
		close(l);
		return -1;
	}
	close(l);
	fcntl(c, F_SETFL, O_NONBLOCK);
	while (write(c, junk, sizeof(junk)) > 0)
		;
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return c;
}

static void
linger(void)
{
	struct ipc_spawn m = spawn_msg(IPC_SPAWN_CONN, 9999);
	int peers[10], socks[10], sp[2];

	for (int i = 0; i < 10; i++)
		if ((socks[i] = lingering_tcp(&peers[i])) == -1) {
			say("cannot-make-lingering-socket");
			hold();
		}
	say("lingering-socket");
	send_raw(&m, sizeof(m), &socks[0], 1);
	close(socks[0]);
	say("lingering-sockets-over-the-limit");
	m = spawn_msg(IPC_SPAWN_CONN, 0);
	send_raw(&m, sizeof(m), &socks[1], 8);
	for (int i = 1; i < 9; i++)
		close(socks[i]);
	say("lingering-socket-inside-unix-socket");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) == 0) {
		int keep = ctl;
		ctl = sp[1];            /* send_fast sends on ctl */
		send_fast("x", 1, &socks[9], 1);
		ctl = keep;
		close(socks[9]);
		close(sp[1]);
		m = spawn_msg(IPC_SPAWN_CONN, 9999);
		send_raw(&m, sizeof(m), &sp[0], 1);
		close(sp[0]);
	}
	say("lingering-sent");
	hold();
}

/* Accept n clients on lfd (each waited for up to 10 s); how many came. */
static int
accept_n(int lfd, int *out, int n)
{
	int got = 0;

	for (; got < n; got++) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		if (poll(&pfd, 1, 10000) != 1 || (out[got] = accept(lfd, NULL, NULL)) == -1)
			break;
	}
	return got;
}

static void
limits(const int *lfds)
{
	static const int want[5] = { 5, 3, 1, 1, 1 };
	int cfd[5];

	say("waiting-for-clients");
	for (uint32_t s = 0; s < 5 && s < nsvcs; s++) {
		int got = accept_n(lfds[s], cfd, want[s]);
		for (int i = 0; i < got; i++) {
			struct ipc_spawn m = spawn_msg(IPC_SPAWN_CONN, s);
			if (s == 4) {   /* a name hosts.deny refuses */
				strcpy(m.host, "bad.example");
				m.name_state = 3;
			}
			send_raw(&m, sizeof(m), &cfd[i], 1);
			close(cfd[i]);
		}
	}
	print_reports();
	hold();
}

/* Serve privd until IPC_RETIRE; then act(); never returns. */
static void
until_retire(void (*act)(const int *), const int *lfds)
{
	struct pollfd pfd = { .fd = ctl, .events = POLLIN };
	struct ipc_msg m;

	for (;;) {
		if (poll(&pfd, 1, -1) != 1 || ipc_recv(ctl, &m) != 1)
			hold();
		ipc_msg_close_fds(&m);
		if (m.u.hdr.type == IPC_PING)
			pong(m.u.hdr.gen);
		else if (m.u.hdr.type == IPC_RETIRE)
			act(lfds);
	}
}

/* The reload's race: a request sent while privd retires us. */
static void
race_act(const int *lfds)
{
	struct ipc_spawn m = spawn_msg(IPC_SPAWN_CONN, 0);
	int cfd;

	say("retire-received");
	if (accept_n(lfds[0], &cfd, 1) == 1) {
		send_fast(&m, sizeof(m), &cfd, 1);
		close(cfd);
		say("request-sent-while-retiring");
	}
	close(ctl);
	ctl = -1;
	hold();
}

/* Retired in name only: service 1's socket is kept and served. */
static void
keep_act(const int *lfds)
{
	close(ctl);
	ctl = -1;
	say("retired-but-keeping-sockets");
	for (;;) {
		int c = accept(lfds[1], NULL, NULL);
		if (c == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			say("kept-socket-is-dead");
			hold();
		}
		if (write(c, "evil\n", 5) < 0)
			say("write failed");
		close(c);
	}
}

int
main(int argc, char *argv[])
{
	struct ipc_spawn m;
	struct stat st;
	char *buf;
	int memfd = -1, *fds, c;
	struct config *cfg;
	unsigned port;

	while ((c = getopt(argc, argv, "c:m:d")) != -1) {
		if (c == 'c')
			ctl = atoi(optarg);
		else if (c == 'm')
			memfd = atoi(optarg);
		else if (c == 'd')
			to_stderr = 1;
	}
	if (!to_stderr)
		openlog("evil-listener", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	/* A test's stand-in: it never outlives the privd that started it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	if (fstat(memfd, &st) == -1)
		return 1;
	buf = malloc((size_t)st.st_size);
	if (pread(memfd, buf, (size_t)st.st_size, 0) != st.st_size)
		return 1;
	cfg = snapshot_decode(buf, (size_t)st.st_size, &gen, &fds);
	if (cfg == NULL || cfg->nsvcs == 0)
		return 1;
	int lfd = fds[0];               /* service 0 */
	port = ntohs(((struct sockaddr_in *)&cfg->svcs[0]->addr)->sin_port);
	nsvcs = (uint32_t)cfg->nsvcs;

	send_ready(gen);
	usleep(100000);
	switch (port) {
	case 7031:
		sockets(lfd, cfg->nsvcs > 1 ? fds[1] : -1);
		hold();
		break;
	case 7032:
		say("empty-packet");
		send_raw("", 0, NULL, 0);
		hold();
		break;
	case 7033:
		say("close-control-socket");
		close(ctl);
		hold();
		break;
	case 7034:
		say("burst");
		m = spawn_msg(99, 0);
		for (int i = 0; i < 100; i++)
			send_fast(&m, sizeof(m), NULL, 0);
		_exit(0);
	case 7035:
		no_read();
		break;
	case 7037:
		if (gen > 1)            /* the listener of the reload */
			hold();
		retire();
		break;
	case 7040:
		linger();
		break;
	case 7041:
		limits(fds);
		break;
	case 7045:
	case 7046:
		if (gen > 1)
			hold();
		for (size_t i = 0; i < cfg->nsvcs; i++)
			if (fds[i] >= 0)        /* blocking accepts */
				fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) & ~O_NONBLOCK);
		until_retire(port == 7045 ? race_act : keep_act, fds);
		break;
	default:
		suite(lfd);
		break;
	}
	return 0;
}
