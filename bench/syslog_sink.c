/*
 * syslog_sink.c: the benchmark's syslog daemon.  Binds a datagram socket
 * at PATH (the benchmark's private /dev/log), reads every message as fast
 * as it comes (recvmmsg, 64 at a time) and discards it, so that servers
 * that log to syslog -- hinetd as deployed, xinetd -- log for real and
 * never wait on a full socket.  On SIGTERM it prints how many messages and
 * bytes it read, and exits.
 *
 *   syslog_sink PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define BATCH 64
#define MSG_MAX 2048

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	static char bufs[BATCH][MSG_MAX];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sigaction sa = { .sa_handler = on_term };
	unsigned long long msgs = 0, bytes = 0;
	int fd, rcvbuf = 4 << 20;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: syslog_sink PATH\n");
		return 2;
	}
	strcpy(sun.sun_path, argv[1]);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(argv[1], 0666) == -1) {
		perror(argv[1]);
		return 1;
	}
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = MSG_MAX;
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n;

		if (poll(&p, 1, -1) == -1)
			continue;       /* EINTR: stop is set */
		n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++)
			bytes += mm[i].msg_len;
		if (n > 0)
			msgs += (unsigned long long)n;
	}
	printf("syslog_sink: %llu messages, %llu bytes\n", msgs, bytes);
	unlink(argv[1]);
	return 0;
}
