/*
 * main.c: hinetd (privd): options, start-up, the event loop, reload and
 * stop.  privd runs as root, parses the configuration, binds the sockets
 * and creates every process; it never reads network data.  After start-up
 * its only inputs are signals (signalfd), child exits, and fixed-size
 * messages from the listener.
 */
#include "privd/privd.h"
#include "privd/spawn_bset.h"
#include "privd/spawn_prefilter.h"
#include "privd/spawn_plan.h"
#include "policy/explain.h"
#include "policy/config_check.h"
#include "common/log.h"
#include "common/userdb.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HINETD_LIBEXECDIR
#define HINETD_LIBEXECDIR "/usr/local/libexec/hinetd"
#endif
#define DEFAULT_PIDFILE "/run/hinetd.pid"

struct privd privd;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: hinetd [-d] [-f FILE] [-s DIR] [-A FILE] [-D FILE] [-p FILE] [-u USER] [-L FILE]\n"
	    "       hinetd -t [file options]\n"
	    "       hinetd -T [-j] [file options]\n");
	exit(2);
}

/* 0,1,2 always exist, so no socket or file of ours ever lands on them. */
static void
stdio_sanitize(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		int nfd = open("/dev/null", O_RDWR);
		if (nfd != fd)
			exit(1);
	}
}

/*
 * One of our programs (the listener, the look-up helper): explicit,
 * beside us, or in the libexec directory; never through PATH.  It must be
 * a regular executable file owned by root (or by the caller, for -t/-T
 * run by a user) and writable by nobody else.
 * Returns an O_PATH descriptor of the file checked, or -1 (logged).
 */
static int
program_open(const char *opt, const char *name, const char *what,
    char *path, size_t len)
{
	struct stat st;
	int fd;

	if (opt != NULL)
		str_copy(path, opt, len);
	else {
		ssize_t n = readlink("/proc/self/exe", path, len - 1);
		char *slash;
		if (n > 0) {
			path[n] = '\0';
			if ((slash = strrchr(path, '/')) != NULL &&
			    (size_t)(slash - path) + 1 + strlen(name) < len)
				snprintf(slash + 1, len - (size_t)(slash + 1 - path),
				    "%s", name);
		}
		if (n <= 0 || access(path, F_OK) == -1)
			snprintf(path, len, "%s/%s", HINETD_LIBEXECDIR, name);
	}
	if (path[0] != '/') {
		log_warnx("%s %s: not an absolute path", what, path);
		return -1;
	}
	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		log_warn("%s %s", what, path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & S_IXUSR)) {
		log_warnx("%s %s: not an executable file", what, path);
		close(fd);
		return -1;
	}
	/* Root's or, for hinetd -t/-T run by another user, that user's. */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_warnx("%s %s: refused: must be owned by root and "
		    "not writable by group or others", what, path);
		close(fd);
		return -1;
	}
	return fd;
}

static int
listener_program(const char *opt)
{
	static char path[PATH_MAX];

	privd.listener_path = path;
	privd.listener_exe = program_open(opt, "hinetd-listener",
	    "listener program", path, sizeof(path));
	return privd.listener_exe == -1 ? -1 : 0;
}

/*
 * Every name-service look-up of a load is made by the look-up helper, a
 * dynamically linked program, so the NSS modules glibc loads for them
 * never map into privd (static, and small: common/userdb.h).
 */
static int
userdb_start(void)
{
	static int fd = -1;
	char path[PATH_MAX];

	if (fd == -1 && (fd = program_open(NULL, "hinetd-userdb",
	    "look-up helper", path, sizeof(path))) == -1)
		return -1;
	if (userdb_helper_start(fd, PRIVD_HELPER_UID, PRIVD_HELPER_UID) == -1) {
		log_warn("look-up helper");
		return -1;
	}
	return 0;
}

/*
 * -t and -T: load, check every service's plan, print every error, then
 * the warnings.  With errors, -t still warns about what did load (-T
 * prints nothing).
 */
static int
check_mode(int explain, int json, const char *user)
{
	struct diag d;
	struct config *cfg;
	int rc, complete;

	if (userdb_start() == -1)
		return 1;
	if (listener_identity(user) == -1) {
		userdb_helper_stop();
		return 1;
	}
	diag_init(&d);
	cfg = config_load_keep(&privd.paths, &d);
	(void)listener_uid_check(cfg, &d);
	complete = d.errors == 0;
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct spawn_plan plan;
		if (cfg->svcs[i]->builtin != BUILTIN_NONE)
			continue;
		if (spawn_plan_build(&plan, cfg->svcs[i], &d) == 0)
			spawn_plan_free(&plan);
	}
	if (complete)
		config_check(cfg, &d);
	else
		config_check_partial(cfg, &d);
	(void)access_options_check(cfg, &d);
	userdb_helper_stop();
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < d.n; i++)
			if ((d.is_error[i] != 0) == pass)
				fprintf(stderr, "%s\n", d.msgs[i]);
	rc = d.errors > 0 ? 1 : 0;
	if (rc == 0 && explain) {
		if (json)
			explain_json(cfg, stdout);
		else
			explain_text(cfg, stdout);
	}
	config_free(cfg);
	diag_free(&d);
	return rc;
}

static void
setup_signals(void)
{
	sigset_t set;

	/* Start from default dispositions whatever our parent left us. */
	for (int sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		signal(sig, SIG_DFL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	privd.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (privd.sigfd == -1)
		fatal("signalfd");
}

/*
 * Detach (fork, setsid, cwd /).  The parent stays until the child says it
 * serves (daemon_ready) or ends, and exits with the child's verdict: 0
 * once the sockets are bound and the first listener is ready, the child's
 * own exit status otherwise: `hinetd` returns only when it serves, and a
 * start-up error after the fork is still exit 1 for whoever started it.
 * Until then the child's warnings are echoed to the parent's stderr as
 * well (log_echo_fd); its own stdio is /dev/null, so no child of it holds
 * the parent's terminal or pipe.  Returns the pipe the child reports
 * through.
 */
static int
daemonize(void)
{
	int fd, p[2], status;
	char c;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
			;
		if (n == 1)
			_exit(0);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		_exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ?
		    WEXITSTATUS(status) : 1);
	}
	close(p[0]);
	if (setsid() == -1)
		fatal("setsid");
	/* The parent's stderr, for the echo only: no child inherits it. */
	if ((privd.echo_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) != -1)
		log_echo_fd(privd.echo_fd);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (chdir("/") == -1)
		fatal("chdir /");
	return p[1];
}

/*
 * The first listener is ready: tell the parent waiting in daemonize that
 * we serve.  Its stderr was ours; from now on nothing is echoed there.
 */
void
daemon_ready(void)
{
	log_echo_fd(-1);
	if (privd.echo_fd >= 0)
		close(privd.echo_fd);
	privd.echo_fd = -1;
	if (privd.ready_fd < 0)
		return;
	while (write(privd.ready_fd, "1", 1) == -1 && errno == EINTR)
		;
	close(privd.ready_fd);
	privd.ready_fd = -1;
}

static void
reload(void)
{
	struct generation *g, *old;
	struct diag d;

	notify_send("RELOADING=1");
	log_info("reloading configuration");
	conn_spawn_collect(1);          /* no clone of the old plans left */
	if (userdb_start() == -1) {
		log_warnx("reload refused: no look-up helper");
		notify_send("READY=1\nSTATUS=reload refused");
		return;
	}
	diag_init(&d);
	g = generation_load(privd.cur, &d);
	userdb_helper_stop();
	diag_log(&d);
	diag_free(&d);
	if (g == NULL) {
		log_warnx("reload refused: the configuration has errors; "
		    "the running one stays");
		notify_send("READY=1\nSTATUS=reload refused");
		return;
	}
	/* Old listener retired (what it sent is served, its built-in
	 * connections go on), new one in. */
	listener_retire();
	/*
	 * What the old listener sent while it retired was begun on the old
	 * plans, perhaps on a filter thread the attach below replaces: every
	 * such spawn is ended before the generation and the threads it refers
	 * to are freed.
	 */
	conn_spawn_collect(1);
	old = privd.cur;
	privd.cur = g;
	generation_free(old, g);
	spawn_bset_narrow(generation_caps(g));
	spawn_prefilter_attach(g->plans, g->cfg->nsvcs);
	privd.listener.backoff = 0;
	privd.listener.quick_deaths = 0;
	if (listener_start() == -1)
		listener_retry();
	log_info("reloaded: %zu services, generation %u", g->cfg->nsvcs, g->gen);
}

static void
handle_signals(void)
{
	struct signalfd_siginfo si;

	while (read(privd.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			children_reap();
			break;
		case SIGHUP:
			reload();
			break;
		case SIGTERM:
		case SIGINT:
			privd.stopping = 1;
			break;
		default:
			break;
		}
	}
}

/*
 * privd's main thread runs SCHED_BATCH: woken by a request, an exec or an
 * exit, it does not preempt the task running on that CPU (a service, the
 * listener) but runs when that one sleeps or its slice ends, and so finds
 * more work per wake-up.  Under load that saves a fifth of privd's and the
 * listener's CPU time per connection; on an idle CPU it runs at once as
 * before (docs/performance.md).  Only this thread: the threads privd
 * starts run SCHED_OTHER (spawn_prefilter.c, spawn_bset.c), and every
 * child it clones itself goes back to SCHED_OTHER first (spawn.c), so no
 * service and no listener inherits the policy.
 */
static void
sched_batch(void)
{
	const struct sched_param param = { .sched_priority = 0 };

	if (sched_setscheduler(0, SCHED_BATCH, &param) == -1)
		log_warn("sched_setscheduler SCHED_BATCH (privd runs SCHED_OTHER)");
}

static void
event_loop(void)
{
	struct epoll_event evs[16];

	while (!privd.stopping) {
		/*
		 * Spawns whose clone a filter thread made meanwhile are entered
		 * now; one it is still making does not keep privd awake (nor
		 * does the thread wake it): it is taken on the next event, or
		 * after SPAWN_COLLECT_MS should none come.  All are taken
		 * before a reload (reload) and before a child not yet entered
		 * could be reaped (children_reap).
		 */
		conn_spawn_collect(0);
		listener_reports_flush();
		int n = epoll_wait(privd.epfd, evs, 16,
		    conn_spawn_pending() ? SPAWN_COLLECT_MS : -1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		for (int i = 0; i < n && !privd.stopping; i++) {
			int fd = (int)(uint32_t)evs[i].data.u64;
			if (evs[i].data.u64 >> 32 == EV_TAG_SPAWN_STATUS)
				children_spawn_status((pid_t)fd);
			else if (fd == privd.sigfd)
				handle_signals();
			else if (fd == privd.timerfd) {
				uint64_t ticks;
				if (read(privd.timerfd, &ticks, sizeof(ticks)) > 0)
					listener_tick();
			} else if (fd == privd.listener.ctl) {
				if (evs[i].events & EPOLLOUT)
					listener_writable();
				if (fd == privd.listener.ctl &&
				    (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
					listener_handle();
			}
		}
	}
}

int
main(int argc, char *argv[])
{
	const char *user = NULL, *listener_opt = NULL;
	int ch, check = 0, explain = 0, json = 0;
	struct diag d;

	stdio_sanitize();
	privd.paths.inetd_conf = CONFIG_DEFAULT_INETD_CONF;
	privd.paths.inetd_conf_default = 1;
	privd.paths.policy_dir = CONFIG_DEFAULT_POLICY_DIR;
	privd.paths.policy_dir_default = 1;
	privd.paths.hosts_allow = CONFIG_DEFAULT_HOSTS_ALLOW;
	privd.paths.hosts_deny = CONFIG_DEFAULT_HOSTS_DENY;
	privd.pidfile = DEFAULT_PIDFILE;
	privd.listener.ctl = -1;
	privd.listener_exe = -1;
	privd.devnull = -1;
	privd.ready_fd = -1;
	privd.max_children = PRIVD_MAX_CHILDREN;

	while ((ch = getopt(argc, argv, "dtTjf:s:A:D:p:u:L:")) != -1) {
		switch (ch) {
		case 'd': privd.debug = 1; break;
		case 't': check = 1; break;
		case 'T': explain = 1; break;
		case 'j': json = 1; break;
		case 'f':
			privd.paths.inetd_conf = optarg;
			privd.paths.inetd_conf_default = 0;
			break;
		case 's':
			privd.paths.policy_dir = optarg;
			privd.paths.policy_dir_default = 0;
			break;
		case 'A': privd.paths.hosts_allow = optarg; break;
		case 'D': privd.paths.hosts_deny = optarg; break;
		case 'p': privd.pidfile = optarg; break;
		case 'u': user = optarg; break;
		case 'L': listener_opt = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || (json && !explain) || (check && explain))
		usage();

	if (check || explain) {
		log_init("hinetd", 1);
		return check_mode(explain, json, user);
	}

	/*
	 * Nothing inherited stays open but 0-2: a descriptor a parent left
	 * without close-on-exec would live in this root process for good,
	 * and every child's copy of the descriptor table would carry it to
	 * its close_range (a high one also makes every clone copy a table
	 * that large).  Before syslog's socket exists.
	 */
	if (close_range(3, ~0U, 0) == -1)
		fatal("close_range");
	log_init("hinetd", privd.debug);
	/* Until it detaches, a daemon's start-up errors are seen on stderr. */
	if (!privd.debug && getenv("NOTIFY_SOCKET") == NULL)
		log_echo_fd(STDERR_FILENO);
	if (geteuid() != 0)
		fatalx("must be started as root");
	/*
	 * Not dumpable, before any child exists: a child shares this memory
	 * until it execs (spawn.c), and a non-dumpable memory cannot be
	 * ptraced or read through /proc by anything without CAP_SYS_PTRACE
	 * (not even by a capability-less process of the child's own uid).
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("PR_SET_DUMPABLE");
	if (userdb_start() == -1)
		exit(1);
	if (listener_identity(user) == -1 || listener_program(listener_opt) == -1)
		exit(1);
	if (pidfile_open(privd.pidfile) == -1)
		exit(1);
	listener_identity_log();

	diag_init(&d);
	privd.cur = generation_load(NULL, &d);
	userdb_helper_stop();
	diag_log(&d);
	if (privd.cur == NULL) {
		pidfile_remove();
		exit(1);
	}
	diag_free(&d);

	if (!privd.debug && getenv("NOTIFY_SOCKET") == NULL)
		privd.ready_fd = daemonize();
	pidfile_write();
	setup_signals();
	/* The keeping thread first: it must hold the set privd started with. */
	spawn_bset_init();
	spawn_bset_narrow(generation_caps(privd.cur));
	spawn_prefilter_attach(privd.cur->plans, privd.cur->cfg->nsvcs);
	/* Opened once: stdio of `spawn` option children (access_opts.c). */
	if ((privd.devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("/dev/null");
	if ((privd.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	privd.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (privd.timerfd == -1)
		fatal("timerfd_create");
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)privd.sigfd };
	if (epoll_ctl(privd.epfd, EPOLL_CTL_ADD, privd.sigfd, &ev) == -1)
		fatal("epoll_ctl");
	ev.data.u64 = (uint64_t)privd.timerfd;
	if (epoll_ctl(privd.epfd, EPOLL_CTL_ADD, privd.timerfd, &ev) == -1)
		fatal("epoll_ctl");
	log_info("starting: %zu services, listener %s", privd.cur->cfg->nsvcs,
	    privd.listener_path);
	if (listener_start() == -1) {
		/* listener_start said why; nothing has been served yet. */
		log_warnx("cannot start the listener %s: giving up",
		    privd.listener_path);
		pidfile_remove();
		exit(1);
	}

	sched_batch();
	event_loop();
	conn_spawn_collect(1);

	notify_send("STOPPING=1");
	log_info("stopping");
	listener_stop();
	listener_retired_kill_all();
	pidfile_remove();
	generation_free(privd.cur, NULL);
	return 0;
}
