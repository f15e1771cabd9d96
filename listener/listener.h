/*
 * listener.h: state shared by the listener's files.  The listener runs as
 * an unprivileged user with no capabilities, confines itself (Landlock,
 * seccomp) before reading any network input, and owns all network-facing
 * work: accept, limits, access checks, logging, built-ins.  It passes each
 * admitted connection to privd and closes its own copy.
 */
#ifndef HINETD_LISTENER_H
#define HINETD_LISTENER_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "common/ipc.h"
#include "policy/service.h"

/* What an epoll registration points at. */
enum ev_kind {
	EV_CTL = 1,             /* control socket to privd */
	EV_LISTEN,              /* a service's listening socket */
	EV_TIMER,               /* the pause timer */
	EV_OTHER,               /* owned by another module (e.g. built-ins) */
};

struct ev_src {
	enum ev_kind kind;
	void        *ptr;
	void       (*handler)(struct ev_src *src, uint32_t events);  /* EV_OTHER */
};

/* Run-time state of one service. */
struct lservice {
	struct ev_src    ev;
	struct service  *svc;
	int              fd;            /* listening socket, -1 if none */
	int              registered;    /* in epoll */
	int              watching;      /* EPOLLIN armed */
	int              wait_running;  /* wait service: child (or request) live */
	unsigned         live;          /* children running (from privd reports),
	                                   or a built-in's open connections */

	/* limits.c: pauses and rate windows (monotonic milliseconds). */
	int              held;          /* enum limit_hold: not watched until */
	int64_t          held_until;
	int64_t          cps_start;     /* current one-second window */
	unsigned         cps_count;
	int64_t          loop_start;    /* looping guard's window */
	unsigned         loop_count;
	unsigned         loop_trips;    /* consecutive trips (back-off) */
	unsigned         loop_pause;    /* last pause, seconds */
	int64_t          loop_tripped;  /* when it last tripped */

	/* wait_svc.c: the client that woke a wait service (dgram), for logs. */
	socklen_t        wait_peerlen;
	struct sockaddr_storage wait_peer;
};

struct listener {
	int              debug;
	uint32_t         gen;
	struct config   *cfg;
	struct lservice *svcs;
	size_t           nsvcs;
	int              ctl;
	int              epfd;
	int              timerfd;
	int              paused;        /* accepting paused (EMFILE, privd busy) */
	uint32_t         next_token;
	int              stopping;
	int              retiring;      /* privd sent IPC_RETIRE (privd_link.c) */
	int              retired;       /* sockets closed: built-ins only */
};

extern struct listener L;

/* loop.c */
void loop_add(int fd, uint32_t events, struct ev_src *src);
void loop_mod(int fd, uint32_t events, struct ev_src *src);
void loop_del(int fd);
void loop_run(void);
void service_rearm(struct lservice *ls);        /* recompute EPOLLIN watch */
void accept_pause(int ms, const char *why);

/* conn.c */
void conn_readable(struct lservice *ls);
/*
 * access.c: the access decision for a datagram's source,
 * synchronous (facts needing a look-up are unknown): 1 admits, 0 denies
 * with the deciding rule ("FILE:LINE") in rule.
 */
int  access_check_peer(struct lservice *ls, const struct sockaddr *peer,
         socklen_t peerlen, char *rule, size_t rulelen);
void conn_deny(const struct lservice *ls, const struct sockaddr *peer,
         socklen_t peerlen, const char *rule);
void conn_report(const struct ipc_report *r, unsigned type);
/* " user=NAME" (escaped; "-" when ident gave nothing) when the service's
 * log_on_success (success) or log_on_failure asks for USERID, else "". */
struct ha_request;
const char *conn_userid(const struct lservice *ls, const struct ha_request *req,
         int success, char *buf, size_t len);
void conn_log_pri(const struct lservice *ls, int pri, const struct sockaddr *peer,
         socklen_t peerlen, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void conn_log(const struct lservice *ls, const struct sockaddr *peer,
         socklen_t peerlen, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* access.c: drop every parked connection (logged reason=why). */
void access_drop_parked(const char *why);

/* wait_svc.c */
void wait_wake(struct lservice *ls);

/* privd_link.c */
int  link_send_spawn(struct lservice *ls, int fd, const char *host,
         const char *ident, unsigned name_state, unsigned user_state);
void link_readable(void);
void link_writable(void);
int  link_busy(void);
void link_writable_watch(int on);         /* loop.c */
/*
 * Reload (IPC_RETIRE, after the event batch that read it): close every
 * listening socket, drop parked connections and queued requests (logged:
 * they cannot reach privd any more), close the control socket.  From then
 * on only the built-in connections are served; loop.c exits when none is
 * left.
 */
void link_retire(void);

/*
 * The local address's name fact (daemon@host rules) for privd's re-check:
 * access.c records it right before conn_admitted(); the next
 * link_send_spawn() of a connection sends it, and any send clears it.
 */
void link_server_name(unsigned state, const char *name);

/*
 * lookup_ident.c: lookup_user() of lookup.h with its own timeout in
 * milliseconds (0: LOOKUP_IDENT_TIMEOUT_MS), for `rfc931 N`.
 */
struct lookup;
struct lookup *lookup_user_timeout(const struct sockaddr *peer,
                   const struct sockaddr *local, socklen_t len,
                   unsigned timeout_ms, void (*cb)(void *arg, const char *user),
                   void *arg);

/* durations.c: spawn times of children whose exit logs a duration. */
void    durations_start(pid_t pid, int64_t start);
int64_t durations_end(pid_t pid);       /* its start, or -1 */

/* sandbox.c */
void sandbox_enter(void);

#endif
