/*
 * test_common_io.c: the hand-made address formatting (against inet_ntop
 * and snprintf), receiving IPC packets in batches (recvmmsg) with their
 * descriptors and the end of the stream, and batched stderr logging
 * (whole lines, at most PIPE_BUF bytes per write, nothing held after
 * log_flush).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/util.h"

/* What sockaddr_format_peer wrote before it formatted by hand. */
static void
peer_reference(const struct sockaddr *sa, char *buf, size_t buflen)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], host,
			    sizeof(host));
		else
			inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
	}
	snprintf(buf, buflen, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
}

static void
check_peer(const struct sockaddr *sa, socklen_t len)
{
	static const size_t sizes[] = { 72, 22, 16, 10, 8, 2, 1 };
	char got[80], want[80];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(got, 'z', sizeof(got));
		assert_int_equal(sockaddr_format_peer(sa, len, got, sizes[i]), 0);
		peer_reference(sa, want, sizes[i]);
		assert_string_equal(got, want);
	}
}

static void
test_peer_format(void **state)
{
	(void)state;
	static const uint32_t addrs[] = {
		0x00000000, 0xffffffff, 0x7f000001, 0x0a000001, 0xc0a80164,
		0x01020304, 0x64646464, 0x09090909, 0xfe80000a, 0x000a0b00,
	};
	static const unsigned ports[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 9999,
		10000, 65535 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	char buf[80], host[ADDR_STRLEN];
	unsigned port;

	for (size_t a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++)
		for (size_t p = 0; p < sizeof(ports) / sizeof(ports[0]); p++) {
			sin.sin_addr.s_addr = htonl(addrs[a]);
			sin.sin_port = htons((uint16_t)ports[p]);
			check_peer((struct sockaddr *)&sin, sizeof(sin));
			/* The same as an IPv4-mapped IPv6 address. */
			memset(&sin6.sin6_addr, 0, sizeof(sin6.sin6_addr));
			sin6.sin6_addr.s6_addr[10] = sin6.sin6_addr.s6_addr[11] = 0xff;
			memcpy(&sin6.sin6_addr.s6_addr[12], &sin.sin_addr, 4);
			sin6.sin6_port = sin.sin_port;
			check_peer((struct sockaddr *)&sin6, sizeof(sin6));
		}
	srandom(7);
	for (int i = 0; i < 20000; i++) {
		char want_host[INET_ADDRSTRLEN];
		sin.sin_addr.s_addr = (uint32_t)random();
		sin.sin_port = (uint16_t)random();
		check_peer((struct sockaddr *)&sin, sizeof(sin));
		assert_int_equal(ipv4_format(&sin.sin_addr, host, sizeof(host)), 0);
		inet_ntop(AF_INET, &sin.sin_addr, want_host, sizeof(want_host));
		assert_string_equal(host, want_host);
	}
	/* IPv6 goes through inet_ntop and keeps its brackets. */
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	sin6.sin6_port = htons(7000);
	check_peer((struct sockaddr *)&sin6, sizeof(sin6));
	assert_int_equal(sockaddr_format_peer((struct sockaddr *)&sin6,
	    sizeof(sin6), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "[2001:db8::1]:7000");
	/* sockaddr_format itself, and a too-short address or another family. */
	sin.sin_addr.s_addr = htonl(0xc0000201);
	sin.sin_port = htons(53);
	assert_int_equal(sockaddr_format((struct sockaddr *)&sin, sizeof(sin),
	    host, sizeof(host), &port), 0);
	assert_string_equal(host, "192.0.2.1");
	assert_int_equal(port, 53);
	assert_int_equal(sockaddr_format((struct sockaddr *)&sin, sizeof(sin),
	    host, 8, &port), -1);       /* inet_ntop's ENOSPC, as before */
	assert_int_equal(sockaddr_format_peer((struct sockaddr *)&sin, 4, buf,
	    sizeof(buf)), -1);
	assert_string_equal(buf, "unknown");
	/* fmt_uint */
	assert_int_equal(fmt_uint(buf, 4294967295u), 10);
	buf[10] = '\0';
	assert_string_equal(buf, "4294967295");
	assert_int_equal(fmt_uint(buf, 0), 1);
	assert_int_equal(buf[0], '0');
}

static int
open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

static void
send_report(int fd, uint32_t token, int pass_fd)
{
	struct ipc_report r;

	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_EXITED, 1);
	r.token = token;
	assert_int_equal(ipc_send(fd, &r, sizeof(r), pass_fd), 0);
}

static void
test_recv_many(void **state)
{
	(void)state;
	static struct ipc_msg m[IPC_RECV_BATCH];
	int sv[2], devnull;
	uint32_t next = 0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	devnull = open("/dev/null", O_RDONLY);
	assert_true(devnull >= 0);
	/* Nothing queued: EAGAIN, not a block. */
	assert_int_equal(ipc_recv_many(sv[1], m, IPC_RECV_BATCH), -1);
	assert_int_equal(errno, EAGAIN);
	/* 40 packets, every fifth with a descriptor: 32, then 8, in order. */
	for (uint32_t i = 0; i < 40; i++)
		send_report(sv[0], i, i % 5 == 0 ? devnull : -1);
	for (int round = 0; round < 2; round++) {
		int k = ipc_recv_many(sv[1], m, IPC_RECV_BATCH);
		assert_int_equal(k, round == 0 ? IPC_RECV_BATCH : 8);
		for (int j = 0; j < k; j++, next++) {
			if (m[j].nfds == 0)
				assert_null(ipc_msg_check(&m[j], 0));
			else    /* a report takes none: the check refuses it */
				assert_string_equal(ipc_msg_check(&m[j], 0),
				    "wrong number of descriptors");
			assert_int_equal(m[j].len, sizeof(struct ipc_report));
			assert_int_equal(m[j].u.report.token, next);
			assert_int_equal(m[j].nfds, next % 5 == 0 ? 1 : 0);
			if (m[j].nfds == 1) {
				struct stat a, b;
				assert_int_equal(fstat(m[j].fds[0], &a), 0);
				assert_int_equal(fstat(devnull, &b), 0);
				assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
				assert_int_equal(fcntl(m[j].fds[0], F_GETFD), FD_CLOEXEC);
				ipc_msg_close_fds(&m[j]);
			}
		}
	}
	assert_int_equal(next, 40);
	/* A smaller n is honoured. */
	for (uint32_t i = 0; i < 3; i++)
		send_report(sv[0], 100 + i, -1);
	assert_int_equal(ipc_recv_many(sv[1], m, 2), 2);
	assert_int_equal(m[1].u.report.token, 101);
	assert_int_equal(ipc_recv(sv[1], &m[0]), 1);
	assert_int_equal(m[0].u.report.token, 102);
	/* Packets, then the end of the stream: the packets, then 0, again 0. */
	send_report(sv[0], 200, -1);
	send_report(sv[0], 201, -1);
	close(sv[0]);
	assert_int_equal(ipc_recv_many(sv[1], m, IPC_RECV_BATCH), 2);
	assert_int_equal(m[1].u.report.token, 201);
	assert_int_equal(ipc_recv_many(sv[1], m, IPC_RECV_BATCH), 0);
	assert_int_equal(ipc_recv(sv[1], m), 0);
	close(sv[1]);

	/* An empty packet mid-stream stops the batch; later fds are closed. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	send_report(sv[0], 300, -1);
	assert_int_equal(send(sv[0], "", 0, 0), 0);
	send_report(sv[0], 301, devnull);
	send_report(sv[0], 302, devnull);
	{
		int before = open_fds();
		assert_int_equal(ipc_recv_many(sv[1], m, IPC_RECV_BATCH), 1);
		assert_int_equal(m[0].u.report.token, 300);
		/* Both descriptors after the empty packet were closed. */
		assert_int_equal(open_fds(), before);
	}
	close(sv[0]);
	close(sv[1]);
	close(devnull);
}

/* stderr becomes a SOCK_SEQPACKET socket: one packet per write(2). */
static int
capture_stderr(int *saved)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	*saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(sv[0], STDERR_FILENO), STDERR_FILENO);
	close(sv[0]);
	return sv[1];
}

static ssize_t
packet(int fd, char *buf, size_t len)
{
	return recv(fd, buf, len, MSG_DONTWAIT);
}

static void
test_log_batch(void **state)
{
	(void)state;
	char buf[8192], want[64];
	int saved, rd, writes = 0, lines = 0;
	ssize_t n;

	rd = capture_stderr(&saved);
	log_init("tlog", 1);
	/* Unbatched: one write per line, prefix and newline. */
	log_info("one %d", 1);
	n = packet(rd, buf, sizeof(buf));
	snprintf(want, sizeof(want), "tlog[%ld]: one 1\n", (long)getpid());
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(buf, want, (size_t)n);
	/* log_str: the same line, text taken as is (no format). */
	log_str(LOG_INFO, "two %d");
	n = packet(rd, buf, sizeof(buf));
	snprintf(want, sizeof(want), "tlog[%ld]: two %%d\n", (long)getpid());
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(buf, want, (size_t)n);
	/* errno suffix */
	errno = ENOENT;
	log_warn("three");
	n = packet(rd, buf, sizeof(buf));
	buf[n > 0 ? n : 0] = '\0';
	assert_non_null(strstr(buf, ": three: No such file or directory\n"));
	/* A long message is cut at 1023 bytes, and still ends its line. */
	{
		static char big[3000];
		memset(big, 'x', sizeof(big) - 1);
		log_str(LOG_INFO, big);
		n = packet(rd, buf, sizeof(buf));
		assert_true(n > 1023);
		assert_int_equal(buf[n - 1], '\n');
		assert_int_equal(buf[n - 2], 'x');
		assert_int_equal((size_t)n, strlen(want) - strlen("two %d\n") + 1023 + 1);
	}

	/* Batched: nothing until log_flush, then whole lines together. */
	log_batch();
	for (int i = 0; i < 3; i++)
		log_info("held %d", i);
	assert_int_equal(packet(rd, buf, sizeof(buf)), -1);
	log_flush();
	n = packet(rd, buf, sizeof(buf));
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "held 0\n"));
	assert_non_null(strstr(buf, "held 2\n"));
	assert_int_equal(packet(rd, buf, sizeof(buf)), -1);
	log_flush();            /* nothing held: no empty write */
	assert_int_equal(packet(rd, buf, sizeof(buf)), -1);
	/* More than PIPE_BUF: several writes, each of whole lines. */
	for (int i = 0; i < 200; i++)
		log_info("line %03d of the batch, padded to a realistic length: "
		    "service=x proto=tcp peer=127.0.0.1:1 action=exit", i);
	log_flush();
	while ((n = packet(rd, buf, sizeof(buf))) > 0) {
		writes++;
		assert_true(n <= PIPE_BUF);
		assert_int_equal(buf[n - 1], '\n');
		assert_int_equal(memcmp(buf, "tlog[", 5), 0);
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	assert_int_equal(lines, 200);
	assert_true(writes >= 4 && writes < 200);

	dup2(saved, STDERR_FILENO);
	close(saved);
	close(rd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer_format),
		cmocka_unit_test(test_recv_many),
		cmocka_unit_test(test_log_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
