/*
 * main.c: hinetd-listener start-up.  Started only by privd, already
 * without privileges, with: -c FD (control socket), -m FD (sealed memfd
 * holding the configuration snapshot), -d (log to stderr).  It decodes the
 * snapshot, checks its inherited sockets, confines itself, tells privd it
 * is ready, and runs its event loop.
 */
#include "listener/listener.h"
#include "policy/snapshot.h"
#include "listener/lookup.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct listener L;

static int
fd_arg(const char *s)
{
	unsigned long long v;

	if (parse_uint(s, 3, 1u << 30, &v) == -1)
		fatalx("bad descriptor argument \"%s\"", s);
	return (int)v;
}

static void
load_snapshot(int memfd)
{
	struct stat st;
	int *fds = NULL;
	char *buf;
	size_t off = 0;

	if (fstat(memfd, &st) == -1 || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > SNAPSHOT_MAX)
		fatalx("bad snapshot");
	buf = xmalloc((size_t)st.st_size);
	while (off < (size_t)st.st_size) {
		ssize_t n = pread(memfd, buf + off, (size_t)st.st_size - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("read snapshot");
		off += (size_t)n;
	}
	close(memfd);
	L.cfg = snapshot_decode(buf, off, &L.gen, &fds);
	free(buf);
	if (L.cfg == NULL)
		fatalx("malformed configuration snapshot");
	L.nsvcs = L.cfg->nsvcs;
	L.svcs = xcalloc(L.nsvcs, sizeof(*L.svcs));
	for (size_t i = 0; i < L.nsvcs; i++) {
		struct lservice *ls = &L.svcs[i];
		int type = 0;
		socklen_t len = sizeof(type);
		ls->svc = L.cfg->svcs[i];
		ls->fd = fds[i];
		ls->ev.kind = EV_LISTEN;
		ls->ev.ptr = ls;
		if (ls->fd < 0)
			continue;
		if (getsockopt(ls->fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
		    type != ls->svc->socktype)
			fatalx("service %s: inherited descriptor %d is not its socket",
			    ls->svc->name, ls->fd);
		/*
		 * Non-blocking for what we accept from; a wait service's socket
		 * is shared with its child, which expects it blocking (we only
		 * peek at it with MSG_DONTWAIT).
		 */
		if (!ls->svc->wait || ls->svc->builtin != BUILTIN_NONE)
			fcntl(ls->fd, F_SETFL, O_NONBLOCK);
	}
	free(fds);
}

/*
 * What the C library would otherwise load on first use, when the sandbox
 * no longer lets it open a file (a denied call kills the listener):
 *  - the time zone (TZ, else /etc/localtime): syslog(3) stamps every line
 *    with localtime_r, and daytime answers in local time.  tzset() reads it
 *    now; later calls of localtime_r use what it read (a reload starts a
 *    new listener, which reads the zone again).
 *  - syslog's socket: log_init opened and connected it (LOG_NDELAY); should
 *    the syslog daemon restart, syslog(3) reconnects with socket(AF_UNIX)
 *    and connect, both allowed (sandbox.c).
 *  - the resolver: c-ares reads resolv.conf and its random key at
 *    lookup_init, and is asked for DNS only (no hosts file, no services).
 *  - stdio: the listener writes no FILE; log lines are made with
 *    vsnprintf, which neither opens nor allocates.
 *  - the locale: never set, so "C", built into the library: strerror and
 *    the number formatting read no catalogue.
 * localtime_r is called once here so that any file it needs is read now.
 */
static void
preload_libc(void)
{
	time_t now = time(NULL);
	struct tm tm;

	tzset();
	(void)localtime_r(&now, &tm);
}

/* As many descriptors as the hard limit allows (10,000 idle clients). */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char *argv[])
{
	int ch, memfd = -1;
	sigset_t set;

	L.ctl = -1;
	while ((ch = getopt(argc, argv, "c:m:d")) != -1) {
		switch (ch) {
		case 'c': L.ctl = fd_arg(optarg); break;
		case 'm': memfd = fd_arg(optarg); break;
		case 'd': L.debug = 1; break;
		default: exit(2);
		}
	}
	log_init("hinetd-listener", L.debug);
	if (L.ctl < 0 || memfd < 0 || optind != argc)
		fatalx("started without -c and -m: only hinetd starts the listener");
	load_snapshot(memfd);
	raise_nofile();

	/*
	 * SIGTERM from privd ends us; nothing else is handled (a reload is
	 * IPC_RETIRE on the control socket: privd_link.c).  It is blocked
	 * except while the loop sleeps (epoll_pwait, loop.c), so it never
	 * ends us in the middle of a turn, with lines still held (log_batch).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	log_batch();

	if ((L.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	L.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (L.timerfd == -1)
		fatal("timerfd_create");

	/* Resolver state (resolv.conf) and the hosts file privd read: last
	 * use of the file system before the sandbox. */
	lookup_init(L.cfg->hosts_text != NULL ? L.cfg->hosts_text : "");
	preload_libc();

	sandbox_enter();

	loop_run();
	return 0;
}
