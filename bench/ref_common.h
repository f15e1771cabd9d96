/*
 * Shared code of the three bare reference servers of the hinetd benchmark.
 * No privilege separation, no access control, no logging, no limits: the
 * floor that a superserver can approach, not a design to copy.
 */
#ifndef HINETD_BENCH_REF_COMMON_H
#define HINETD_BENCH_REF_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* accept4 */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REF_BACKLOG 128

/* The kernel's struct sigaction (x86-64 and most 64-bit ABIs), for the
 * vfork-style children's raw rt_sigaction. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static const struct ksigaction dfl_action __attribute__((unused)) =
    { SIG_DFL, 0, NULL, 0 };		/* same as the peers' default listen queue */

static inline void
ref_usage(const char *prog, int exec_server)
{
	if (exec_server)
		fprintf(stderr, "usage: %s PORT PROGRAM [UID [GID]]\n"
		    "  listens on 127.0.0.1:PORT until killed; UID/GID default 65534\n",
		    prog);
	else
		fprintf(stderr, "usage: %s PORT\n"
		    "  listens on 127.0.0.1:PORT until killed\n", prog);
	exit(2);
}

/* A loopback-only listening socket, close-on-exec. */
static inline int
ref_listen(const char *portstr)
{
	char *end;
	long port = strtol(portstr, &end, 10);
	struct sockaddr_in sin;
	int one = 1, fd;

	if (*portstr == '\0' || *end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "bad port: %s\n", portstr);
		exit(2);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("bind");
		exit(1);
	}
	if (listen(fd, REF_BACKLOG) < 0) {
		perror("listen");
		exit(1);
	}
	return fd;
}

/* Accept one connection (close-on-exec), retrying on transient errors. */
static inline int
ref_accept(int lfd)
{
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			return c;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			usleep(1000);
		/* EINTR, ECONNABORTED, EPROTO...: try again */
	}
}

static inline unsigned
ref_id(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0 || v > 0xfffffffeUL) {
		fprintf(stderr, "bad %s: %s (must be a non-zero number)\n", what, s);
		exit(2);
	}
	return (unsigned)v;
}

#endif
