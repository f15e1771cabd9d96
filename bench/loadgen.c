/*
 * loadgen: the load generator of the hinetd benchmark (bench/run.sh).
 *
 * Loopback only: every connection goes to 127.0.0.1.  One thread, epoll.
 *
 * Load mode (default):
 *   loadgen -p PORT [-c CLIENTS] [-t SECONDS] [-w WARMUP] [-n COUNT]
 *           [-T TIMEOUT_MS] [-m MIN_BYTES] [-l LABEL] [-j]
 *   CLIENTS connections are kept in flight.  Each client connects, reads to
 *   EOF, closes and starts again at once.  The run lasts WARMUP + SECONDS
 *   (or until COUNT connections completed); connections that complete during
 *   the warm-up are not counted in the rate and the latencies.  After the
 *   end no new connection starts; those still in flight get until their own
 *   timeout, then are counted as "unfinished".  Hard bound: the process
 *   kills itself (SIGALRM) if it runs past WARMUP + SECONDS + 2 * TIMEOUT + 5 s.
 *   Prints one line: conns/s, p50/p99 latency (connect start to EOF), and
 *   errors by kind:
 *     refused   connect failed with ECONNREFUSED
 *     reset     ECONNRESET (connect or read)
 *     timeout   no EOF within TIMEOUT_MS of the connect start (or ETIMEDOUT)
 *     short     EOF before MIN_BYTES bytes, or the data did not end in '\n'
 *     other     any other error (first errno shown as other_errno=)
 *   and listen_drops / listen_overflows: the increase of the kernel's
 *   TcpExt ListenDrops / ListenOverflows counters during the run
 *   (per network namespace: connections a listener's full queue threw away).
 *
 * Probe mode:  loadgen --probe -p PORT [-t SECONDS] [-m MIN_BYTES]
 *   Repeats one connection (connect, read to EOF) until one succeeds or
 *   SECONDS pass; prints ready_ms= and exits 0, or ready=timeout and exits 1.
 *   With --listen FIRST-LAST it first waits until every TCP port in that range
 *   is in LISTEN state on 127.0.0.1 or 0.0.0.0 (read from /proc/net/tcp).
 *   Also prints done_realtime_ns= (CLOCK_REALTIME at success) so a caller can
 *   time a start-up or reload from its own time stamp.  --listen-only stops
 *   after the LISTEN check, without a connection (a connection to an exec'd
 *   service makes a child whose exit some servers react to: inetutils-inetd
 *   sleeps one second when SIGCHLD interrupts its select()).
 *
 * Hold mode:   loadgen --hold N -p PORT [-t SECONDS]
 *   Opens N connections to an echo service (at most 256 connects in flight),
 *   prints "phase=held established=..." and flushes, keeps them idle for
 *   SECONDS (counting any the server closes), then writes one line on each
 *   and counts those echoed back.  Raises RLIMIT_NOFILE's soft limit to the
 *   hard limit and reports when that is not enough.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ERR_REFUSED, ERR_RESET, ERR_TIMEOUT, ERR_SHORT, ERR_OTHER, ERR_KINDS };
static const char *const err_names[ERR_KINDS] = {
	"refused", "reset", "timeout", "short", "other"
};

enum slot_state { S_IDLE, S_CONNECTING, S_READING, S_BACKOFF };

struct slot {
	int fd;
	enum slot_state state;
	int64_t t_start;	/* us, monotonic */
	int64_t t_wake;		/* backoff end */
	size_t bytes;
	char last;
};

static struct {
	int port;
	int clients;
	double seconds;
	double warmup;
	long max_count;
	int timeout_ms;
	size_t min_bytes;
	const char *label;
	int json;
	int probe;
	int hold;
	int listen_first, listen_last;
	int listen_only;
} opt = {
	.port = 0, .clients = 8, .seconds = 3.0, .warmup = 0.5,
	.max_count = 0, .timeout_ms = 3000, .min_bytes = 1, .label = "-",
	.json = 0, .probe = 0, .hold = 0,
};

static struct sockaddr_in target;
static int epfd;
static long errs[ERR_KINDS];
static int other_errno;
static long ok_total, ok_window, unfinished, started;
static uint32_t *lat;
static size_t nlat, caplat;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
die(const char *msg)
{
	fprintf(stderr, "loadgen: %s: %s\n", msg, strerror(errno));
	exit(2);
}

static void
on_alarm(int sig)
{
	static const char m[] = "loadgen: hard time bound reached, exiting\n";

	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0) {
		/* nothing */
	}
	_exit(3);
}

/* TcpExt ListenOverflows / ListenDrops from /proc/net/netstat */
static void
listen_counters(long *overflows, long *drops)
{
	char head[4096], vals[4096];
	FILE *f = fopen("/proc/net/netstat", "r");

	*overflows = *drops = -1;
	if (!f)
		return;
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		char *sh, *sv, *h, *v;

		if (strncmp(head, "TcpExt:", 7) != 0)
			continue;
		h = strtok_r(head, " \n", &sh);
		v = strtok_r(vals, " \n", &sv);
		while (h && v) {
			if (strcmp(h, "ListenOverflows") == 0)
				*overflows = atol(v);
			else if (strcmp(h, "ListenDrops") == 0)
				*drops = atol(v);
			h = strtok_r(NULL, " \n", &sh);
			v = strtok_r(NULL, " \n", &sv);
		}
		break;
	}
	fclose(f);
}

static void
count_err(int kind, int e)
{
	errs[kind]++;
	if (kind == ERR_OTHER && other_errno == 0)
		other_errno = e;
}

static int
errno_kind(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return ERR_REFUSED;
	case ECONNRESET:
	case EPIPE:
		return ERR_RESET;
	case ETIMEDOUT:
		return ERR_TIMEOUT;
	default:
		return ERR_OTHER;
	}
}

static void
add_latency(int64_t us)
{
	if (nlat == caplat) {
		caplat = caplat ? caplat * 2 : 65536;
		lat = realloc(lat, caplat * sizeof(*lat));
		if (!lat)
			die("realloc");
	}
	lat[nlat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
percentile_ms(double p)
{
	size_t i;

	if (nlat == 0)
		return 0.0;
	i = (size_t)ceil(p * (double)nlat);
	if (i > 0)
		i--;
	if (i >= nlat)
		i = nlat - 1;
	return lat[i] / 1000.0;
}

static void
slot_close(struct slot *s)
{
	if (s->fd >= 0) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
		s->fd = -1;
	}
	s->state = S_IDLE;
}

/* start a connection on an idle slot */
static void
slot_start(struct slot *s, int64_t now)
{
	struct epoll_event ev;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	s->t_start = now;
	s->bytes = 0;
	s->last = 0;
	started++;
	if (fd < 0) {
		count_err(ERR_OTHER, errno);
		s->state = S_BACKOFF;
		s->t_wake = now + 10000;
		return;
	}
	s->fd = fd;
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0 &&
	    errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		s->fd = -1;
		count_err(errno_kind(e), e);
		s->state = S_BACKOFF;
		s->t_wake = now + 10000;	/* 10 ms, no busy loop on refusal */
		return;
	}
	s->state = S_CONNECTING;
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
	ev.data.ptr = s;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl");
}

static void
slot_fail(struct slot *s, int kind, int e, int64_t now)
{
	count_err(kind, e);
	slot_close(s);
	s->state = S_BACKOFF;
	s->t_wake = now + 10000;
}

/* returns 1 when the connection ended (ok or error) */
static int
slot_event(struct slot *s, uint32_t events, int64_t now, int64_t win_start,
    int64_t win_end)
{
	char buf[4096];

	if (s->state == S_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLIN)))
			return 0;
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			slot_fail(s, errno_kind(err), err, now);
			return 1;
		}
		s->state = S_READING;
		{
			struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP,
						  .data.ptr = s };
			epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &ev);
		}
	}
	for (;;) {
		ssize_t n = read(s->fd, buf, sizeof(buf));

		if (n > 0) {
			s->bytes += (size_t)n;
			s->last = buf[n - 1];
			continue;
		}
		if (n == 0) {
			if (s->bytes < opt.min_bytes || s->last != '\n') {
				slot_fail(s, ERR_SHORT, 0, now);
				return 1;
			}
			ok_total++;
			if (now >= win_start && now <= win_end) {
				ok_window++;
				add_latency(now - s->t_start);
			}
			slot_close(s);
			return 1;
		}
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		slot_fail(s, errno_kind(errno), errno, now);
		return 1;
	}
}

static int
run_load(void)
{
	struct slot *slots = calloc((size_t)opt.clients, sizeof(*slots));
	struct epoll_event *evs = calloc((size_t)opt.clients, sizeof(*evs));
	int64_t t0, win_start, win_end, hard_end, tmo = (int64_t)opt.timeout_ms * 1000;
	long ovf0, drp0, ovf1, drp1;
	int stopping = 0, active, i;
	double measured;

	if (!slots || !evs)
		die("calloc");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1");
	alarm((unsigned)ceil(opt.warmup + opt.seconds + 2.0 * opt.timeout_ms / 1000.0 + 5));
	listen_counters(&ovf0, &drp0);

	t0 = now_us();
	win_start = t0 + (int64_t)(opt.warmup * 1e6);
	win_end = win_start + (int64_t)(opt.seconds * 1e6);
	hard_end = win_end + tmo + 100000;
	for (i = 0; i < opt.clients; i++) {
		slots[i].fd = -1;
		slot_start(&slots[i], t0);
	}

	for (;;) {
		int64_t now = now_us(), next;
		int n, timeout_ms;

		if (!stopping && (now >= win_end ||
		    (opt.max_count > 0 && ok_total >= opt.max_count))) {
			stopping = 1;
			if (now < win_end)	/* count reached early */
				win_end = now;
			hard_end = now + tmo + 100000;
		}
		/* timeouts, backoffs, restarts */
		active = 0;
		next = stopping ? hard_end : win_end;
		for (i = 0; i < opt.clients; i++) {
			struct slot *s = &slots[i];

			if ((s->state == S_CONNECTING || s->state == S_READING) &&
			    now - s->t_start >= tmo)
				slot_fail(s, ERR_TIMEOUT, 0, now);
			if (s->state == S_BACKOFF && now >= s->t_wake)
				s->state = S_IDLE;
			if (s->state == S_IDLE && !stopping)
				slot_start(s, now);
			switch (s->state) {
			case S_CONNECTING:
			case S_READING:
				active++;
				if (s->t_start + tmo < next)
					next = s->t_start + tmo;
				break;
			case S_BACKOFF:
				if (!stopping && s->t_wake < next)
					next = s->t_wake;
				break;
			default:
				break;
			}
		}
		if (stopping && (active == 0 || now >= hard_end))
			break;
		timeout_ms = next > now ? (int)((next - now + 999) / 1000) : 0;
		n = epoll_wait(epfd, evs, opt.clients, timeout_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		now = now_us();
		for (i = 0; i < n; i++) {
			struct slot *s = evs[i].data.ptr;

			if (s->fd < 0)
				continue;
			if (slot_event(s, evs[i].events, now, win_start, win_end) &&
			    !stopping && s->state == S_IDLE &&
			    !(opt.max_count > 0 && ok_total >= opt.max_count) &&
			    now < win_end)
				slot_start(s, now);
		}
	}
	for (i = 0; i < opt.clients; i++)
		if (slots[i].state == S_CONNECTING || slots[i].state == S_READING) {
			unfinished++;
			slot_close(&slots[i]);
		}
	listen_counters(&ovf1, &drp1);
	alarm(0);

	measured = (double)(win_end - win_start) / 1e6;
	if (measured <= 0)
		measured = 1e-6;
	qsort(lat, nlat, sizeof(*lat), cmp_u32);
	if (opt.json) {
		printf("{\"label\":\"%s\",\"port\":%d,\"clients\":%d,"
		    "\"seconds\":%.3f,\"ok\":%ld,\"ok_total\":%ld,"
		    "\"cps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
		    "\"errors\":{", opt.label, opt.port, opt.clients, measured,
		    ok_window, ok_total, ok_window / measured,
		    percentile_ms(0.50), percentile_ms(0.99), percentile_ms(1.0));
		for (i = 0; i < ERR_KINDS; i++)
			printf("%s\"%s\":%ld", i ? "," : "", err_names[i], errs[i]);
		printf("},\"other_errno\":%d,\"unfinished\":%ld,"
		    "\"listen_drops\":%ld,\"listen_overflows\":%ld}\n",
		    other_errno, unfinished, drp1 - drp0, ovf1 - ovf0);
	} else {
		printf("label=%s port=%d clients=%d seconds=%.3f ok=%ld ok_total=%ld"
		    " cps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f",
		    opt.label, opt.port, opt.clients, measured, ok_window,
		    ok_total, ok_window / measured, percentile_ms(0.50),
		    percentile_ms(0.99), percentile_ms(1.0));
		for (i = 0; i < ERR_KINDS; i++)
			printf(" %s=%ld", err_names[i], errs[i]);
		printf(" other_errno=%d unfinished=%ld listen_drops=%ld"
		    " listen_overflows=%ld\n", other_errno, unfinished,
		    drp1 - drp0, ovf1 - ovf0);
	}
	return 0;
}

/* --- probe mode ---------------------------------------------------------- */

/* 1 when every port in [first,last] listens on 127.0.0.1 or 0.0.0.0 */
static int
all_listening(int first, int last)
{
	static unsigned char *seen;
	int count = 0, want = last - first + 1;
	char line[512];
	FILE *f;

	if (!seen && !(seen = calloc(65536, 1)))
		die("calloc");
	memset(seen, 0, 65536);
	f = fopen("/proc/net/tcp", "r");
	if (!f)
		die("/proc/net/tcp");
	while (fgets(line, sizeof(line), f)) {
		unsigned addr, port, st;

		if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X", &addr, &port, &st) != 3)
			continue;
		/* listening sockets come first (the kernel walks its listening
		 * hash before the established one): stop at the first other
		 * state rather than read thousands of TIME_WAIT lines */
		if (st != 0x0A)
			break;
		/* /proc/net/tcp shows the address in host order of the raw bytes */
		if (addr != 0 && addr != htonl(INADDR_LOOPBACK))
			continue;
		if ((int)port >= first && (int)port <= last && !seen[port]) {
			seen[port] = 1;
			count++;
		}
	}
	fclose(f);
	return count >= want;
}

static int
try_once(void)
{
	struct timeval tv = { 1, 0 };
	char buf[4096];
	size_t total = 0;
	char last = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0) {
		close(fd);
		return 0;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			total += (size_t)n;
			last = buf[n - 1];
			continue;
		}
		close(fd);
		return n == 0 && total >= opt.min_bytes && last == '\n';
	}
}

static int
run_probe(void)
{
	int64_t t0 = now_us(), deadline = t0 + (int64_t)(opt.seconds * 1e6);

	alarm((unsigned)ceil(opt.seconds) + 5);
	if (opt.listen_first > 0) {
		while (!all_listening(opt.listen_first, opt.listen_last)) {
			if (now_us() >= deadline) {
				printf("ready=timeout listening=no\n");
				return 1;
			}
			usleep(2000);
		}
		if (opt.listen_only) {
			printf("ready_ms=%.1f done_realtime_ns=%lld listening=yes\n",
			    (now_us() - t0) / 1000.0, (long long)realtime_ns());
			return 0;
		}
	}
	for (;;) {
		if (try_once()) {
			int64_t rt = realtime_ns();

			printf("ready_ms=%.1f done_realtime_ns=%lld\n",
			    (now_us() - t0) / 1000.0, (long long)rt);
			return 0;
		}
		if (now_us() >= deadline) {
			printf("ready=timeout\n");
			return 1;
		}
		usleep(5000);
	}
}

/* --- hold mode ----------------------------------------------------------- */

static int
run_hold(void)
{
	struct rlimit rl;
	int n = opt.hold, i, inflight = 0, next = 0, established = 0;
	int closed_early = 0, echoed = 0, maxinflight = 256;
	int *fds, *state;	/* 0 none, 1 connecting, 2 established, 3 dead, 4 echoed */
	struct epoll_event *evs;
	int64_t t0, t_est, deadline;
	long connect_errs[ERR_KINDS] = { 0 };

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)n + 16) {
		printf("phase=error reason=nofile_limit nofile=%llu wanted=%d\n",
		    (unsigned long long)rl.rlim_cur, n + 16);
		return 1;
	}
	fds = calloc((size_t)n, sizeof(int));
	state = calloc((size_t)n, sizeof(int));
	evs = calloc(1024, sizeof(*evs));
	if (!fds || !state || !evs)
		die("calloc");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	alarm((unsigned)(90 + opt.seconds + 30));

	/* connect phase: at most maxinflight connects pending, 60 s bound */
	t0 = now_us();
	deadline = t0 + 60 * 1000000LL;
	while ((next < n || inflight > 0) && now_us() < deadline) {
		while (next < n && inflight < maxinflight) {
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP,
						  .data.u32 = (uint32_t)next };

			if (fd < 0) {
				connect_errs[ERR_OTHER]++;
				if (!other_errno)
					other_errno = errno;
				state[next++] = 3;
				continue;
			}
			fds[next] = fd;
			if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0 &&
			    errno != EINPROGRESS) {
				int k = errno_kind(errno);

				connect_errs[k]++;
				if (k == ERR_OTHER && !other_errno)
					other_errno = errno;
				close(fd);
				state[next++] = 3;
				continue;
			}
			epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
			state[next++] = 1;
			inflight++;
		}
		int k = epoll_wait(epfd, evs, 1024, 100);
		for (i = 0; i < k; i++) {
			uint32_t id = evs[i].data.u32;
			int err = 0;
			socklen_t len = sizeof(err);

			if (state[id] != 1) {
				if (state[id] == 2 && (evs[i].events &
				    (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
					closed_early++;
					state[id] = 3;
					epoll_ctl(epfd, EPOLL_CTL_DEL, fds[id], NULL);
				}
				continue;
			}
			getsockopt(fds[id], SOL_SOCKET, SO_ERROR, &err, &len);
			inflight--;
			if (err) {
				connect_errs[errno_kind(err)]++;
				state[id] = 3;
				epoll_ctl(epfd, EPOLL_CTL_DEL, fds[id], NULL);
				close(fds[id]);
				continue;
			}
			state[id] = 2;
			established++;
			{
				struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP,
							  .data.u32 = id };
				epoll_ctl(epfd, EPOLL_CTL_MOD, fds[id], &ev);
			}
		}
	}
	for (i = 0; i < n; i++)
		if (state[i] == 1) {	/* never completed: timeout */
			connect_errs[ERR_TIMEOUT]++;
			state[i] = 3;
			epoll_ctl(epfd, EPOLL_CTL_DEL, fds[i], NULL);
			close(fds[i]);
		}
	t_est = now_us();
	printf("phase=held target=%d established=%d establish_ms=%.1f\n", n,
	    established, (t_est - t0) / 1000.0);
	fflush(stdout);

	/* hold phase: idle, watch for connections the server drops */
	deadline = t_est + (int64_t)(opt.seconds * 1e6);
	for (;;) {
		int64_t now = now_us();
		int k;

		if (now >= deadline)
			break;
		k = epoll_wait(epfd, evs, 1024, (int)((deadline - now) / 1000) + 1);
		for (i = 0; i < k; i++) {
			uint32_t id = evs[i].data.u32;

			if (state[id] == 2) {
				closed_early++;
				state[id] = 3;
				epoll_ctl(epfd, EPOLL_CTL_DEL, fds[id], NULL);
			}
		}
	}

	/* verify phase: one line each, expect it echoed, 20 s bound */
	for (i = 0; i < n; i++)
		if (state[i] == 2 && write(fds[i], "ping\n", 5) != 5) {
			state[i] = 3;
			epoll_ctl(epfd, EPOLL_CTL_DEL, fds[i], NULL);
		}
	deadline = now_us() + 20 * 1000000LL;
	while (echoed < established - closed_early && now_us() < deadline) {
		int k = epoll_wait(epfd, evs, 1024, 100);

		for (i = 0; i < k; i++) {
			uint32_t id = evs[i].data.u32;
			char buf[64];
			ssize_t r;

			if (state[id] != 2)
				continue;
			r = read(fds[id], buf, sizeof(buf));
			if (r > 0 && buf[r - 1] == '\n')
				echoed++;
			state[id] = r > 0 ? 4 : 3;
			epoll_ctl(epfd, EPOLL_CTL_DEL, fds[id], NULL);
		}
	}
	printf("phase=done target=%d established=%d closed_during_hold=%d "
	    "echoed=%d establish_ms=%.1f hold_s=%.1f", n, established,
	    closed_early, echoed, (t_est - t0) / 1000.0, opt.seconds);
	for (i = 0; i < ERR_KINDS; i++)
		printf(" %s=%ld", err_names[i], connect_errs[i]);
	printf(" other_errno=%d nofile=%llu\n", other_errno,
	    (unsigned long long)rl.rlim_cur);
	for (i = 0; i < n; i++)
		if (state[i] != 0 && state[i] != 1)
			close(fds[i]);
	return echoed == n ? 0 : 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen -p PORT [-c CLIENTS] [-t SECONDS] [-w WARMUP] [-n COUNT]\n"
	    "               [-T TIMEOUT_MS] [-m MIN_BYTES] [-l LABEL] [-j]\n"
	    "       loadgen --probe -p PORT [-t SECONDS] [--listen FIRST-LAST [--listen-only]]\n"
	    "       loadgen --hold N -p PORT [-t SECONDS]\n"
	    "All connections go to 127.0.0.1.\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "probe", no_argument, NULL, 'P' },
		{ "hold", required_argument, NULL, 'H' },
		{ "listen", required_argument, NULL, 'L' },
		{ "listen-only", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	int c;

	while ((c = getopt_long(argc, argv, "p:c:t:w:n:T:m:l:j", lopts, NULL)) != -1) {
		switch (c) {
		case 'p': opt.port = atoi(optarg); break;
		case 'c': opt.clients = atoi(optarg); break;
		case 't': opt.seconds = atof(optarg); break;
		case 'w': opt.warmup = atof(optarg); break;
		case 'n': opt.max_count = atol(optarg); break;
		case 'T': opt.timeout_ms = atoi(optarg); break;
		case 'm': opt.min_bytes = (size_t)atol(optarg); break;
		case 'l': opt.label = optarg; break;
		case 'j': opt.json = 1; break;
		case 'P': opt.probe = 1; break;
		case 'O': opt.listen_only = 1; break;
		case 'H': opt.hold = atoi(optarg); break;
		case 'L':
			if (sscanf(optarg, "%d-%d", &opt.listen_first, &opt.listen_last) != 2 ||
			    opt.listen_first < 1 || opt.listen_last > 65535 ||
			    opt.listen_first > opt.listen_last)
				usage();
			break;
		default: usage();
		}
	}
	if (opt.listen_only && opt.listen_first == 0)
		usage();
	if (optind != argc || opt.port < 1 || opt.port > 65535 || opt.clients < 1 ||
	    opt.clients > 100000 || opt.seconds <= 0 || opt.warmup < 0 ||
	    opt.timeout_ms < 1 || opt.hold < 0)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&target, 0, sizeof(target));
	target.sin_family = AF_INET;
	target.sin_port = htons((unsigned short)opt.port);
	target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* loopback only */

	if (opt.probe)
		return run_probe();
	if (opt.hold > 0)
		return run_hold();
	return run_load();
}
