/*
 * loop.c: the listener's epoll loop, and pausing/resuming of accepting
 * (descriptor exhaustion, privd not keeping up) without busy loops.
 */
#include "listener/listener.h"
#include "listener/builtin.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static struct ev_src ctl_ev = { .kind = EV_CTL };
static struct ev_src timer_ev = { .kind = EV_TIMER };
static int ctl_events;

void
loop_add(int fd, uint32_t events, struct ev_src *src)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatal("epoll_ctl add %d", fd);
}

void
loop_mod(int fd, uint32_t events, struct ev_src *src)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	if (epoll_ctl(L.epfd, EPOLL_CTL_MOD, fd, &ev) == -1)
		fatal("epoll_ctl mod %d", fd);
}

void
loop_del(int fd)
{
	epoll_ctl(L.epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Watch a listening socket for input unless something holds it back. */
void
service_rearm(struct lservice *ls)
{
	int want;

	if (ls->fd < 0)
		return;
	want = !L.paused && !ls->wait_running && !ls->held && !L.stopping;
	if (!ls->registered) {
		loop_add(ls->fd, want ? EPOLLIN : 0, &ls->ev);
		ls->registered = 1;
		ls->watching = want;
		return;
	}
	if (want != ls->watching) {
		loop_mod(ls->fd, want ? EPOLLIN : 0, &ls->ev);
		ls->watching = want;
	}
}

static void
rearm_all(void)
{
	for (size_t i = 0; i < L.nsvcs; i++)
		service_rearm(&L.svcs[i]);
}

/*
 * Log pauses once per episode: under descriptor exhaustion a pause starts
 * every EMFILE_PAUSE_MS, and a line for each would flood the log.  A pause
 * is logged when none was in the last PAUSE_LOG_QUIET_MS, with the number
 * of pauses left unlogged since; its resume is logged with it.
 */
#define PAUSE_LOG_QUIET_MS 10000

static int64_t  pause_logged_ms = -PAUSE_LOG_QUIET_MS;
static unsigned pauses_unlogged;
static int      pause_was_logged;

/* Stop accepting for ms milliseconds (0: until link_writable resumes). */
void
accept_pause(int ms, const char *why)
{
	struct itimerspec its = { 0 };

	if (!L.paused) {
		int64_t now = mono_ms();
		if (now - pause_logged_ms >= PAUSE_LOG_QUIET_MS) {
			if (pauses_unlogged > 0)
				log_warnx("accepting paused: %s (%u more pauses "
				    "not logged before this one)", why,
				    pauses_unlogged);
			else
				log_warnx("accepting paused: %s", why);
			pause_logged_ms = now;
			pauses_unlogged = 0;
			pause_was_logged = 1;
		} else {
			pauses_unlogged++;
			pause_was_logged = 0;
		}
	}
	L.paused = 1;
	rearm_all();
	if (ms > 0) {
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
		timerfd_settime(L.timerfd, 0, &its, NULL);
	}
}

static void
accept_resume(void)
{
	if (!L.paused || link_busy())
		return;
	L.paused = 0;
	if (pause_was_logged)
		log_info("accepting resumed");
	rearm_all();
}

void
link_writable_watch(int on)
{
	uint32_t want = EPOLLIN | (on ? EPOLLOUT : 0);

	if ((int)want != ctl_events) {
		loop_mod(L.ctl, want, &ctl_ev);
		ctl_events = (int)want;
	}
}

void
loop_run(void)
{
	struct epoll_event evs[64];
	struct ipc_hdr ready;
	sigset_t sleeping;              /* the mask while asleep: SIGTERM open */

	loop_add(L.ctl, EPOLLIN, &ctl_ev);
	ctl_events = EPOLLIN;
	loop_add(L.timerfd, EPOLLIN, &timer_ev);
	rearm_all();

	ipc_hdr_init(&ready, IPC_READY, L.gen);
	if (ipc_send(L.ctl, &ready, sizeof(ready), -1) == -1)
		fatal("send ready");
	log_debug("listener ready, generation %u", L.gen);

	sigprocmask(SIG_BLOCK, NULL, &sleeping);
	sigdelset(&sleeping, SIGTERM);
	for (;;) {
		log_flush();            /* this turn's lines, in one write */
		int n = epoll_pwait(L.epfd, evs, 64, -1, &sleeping);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			struct ev_src *src = evs[i].data.ptr;
			switch (src->kind) {
			case EV_CTL:
				if (evs[i].events & EPOLLOUT)
					link_writable();
				if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
					link_readable();
				if (!link_busy())
					accept_resume();
				break;
			case EV_LISTEN:
				conn_readable(src->ptr);
				break;
			case EV_TIMER: {
				uint64_t t;
				if (read(L.timerfd, &t, sizeof(t)) > 0)
					accept_resume();
				break;
			}
			case EV_OTHER:
				src->handler(src, evs[i].events);
				break;
			}
		}
		/*
		 * Retired by privd (reload): between batches, so no event
		 * still to handle points at what link_retire frees.  Then
		 * the built-in connections are ours to finish alone.
		 */
		if (L.retiring) {
			link_retire();
			if (builtin_stream_count() == 0) {
				log_info("retired: no built-in connection left, "
				    "exiting");
				exit(0);
			}
		}
	}
}
