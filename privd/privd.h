/*
 * privd.h: state shared by privd's files.  privd runs as root; after
 * start-up its only inputs are signals, child exits and fixed-size
 * messages from the listener.
 */
#ifndef HINETD_PRIVD_H
#define HINETD_PRIVD_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/diag.h"
#include "common/ipc.h"
#include "policy/config_load.h"
#include "policy/service.h"
#include "privd/spawn.h"

#define PRIVD_MAX_CHILDREN        SVC_CHILDREN_MAX  /* global cap on live service children (policy/service.h, shown by -T) */
#define PRIVD_BAD_MSG_LIMIT       16    /* bad messages per window: restart listener */
#define PRIVD_BAD_MSG_WINDOW      60    /* seconds */
#define PRIVD_LISTENER_BACKOFF_MAX 30   /* seconds */
#define PRIVD_LISTENER_STABLE_S   10    /* a listener that dies sooner after
                                           its start is in a crash loop */
/*
 * The look-up helper's uid and gid (common/userdb.c): the top of the
 * range the listener's own uid comes from (listener_identity.c), so
 * neither the listener nor, by listener_uid_check, a service runs as it.
 */
#define PRIVD_HELPER_UID          65533
#define PRIVD_PING_MS             1000  /* privd asks the listener this often */
#define PRIVD_LIVENESS_MS         8000  /* unanswered this long: replaced (a
                                           stopped or hung listener is gone
                                           within 10 s) */
#define SPAWN_COLLECT_MS          2     /* longest sleep with a spawn not entered */
#define PRIVD_REPORT_QUEUE_MAX    1024  /* reports waiting for the listener to
                                           read: more and it is replaced */
#define PRIVD_RETIRE_WAIT_MS      1000  /* reload: a listener has this long to
                                           close its sockets, else it is killed */
#define PRIVD_RETIRED_MAX         8     /* retired listeners still serving
                                           built-in connections */
#define PRIVD_RETIRED_LIFE_S      600   /* then they are killed */

/* One loaded configuration with everything privd derived from it. */
struct generation {
	uint32_t           gen;
	struct config     *cfg;
	struct spawn_plan *plans;       /* one per service */
	int               *socks;       /* listening socket per service */
	pid_t             *wait_pid;    /* running child of a wait service, or 0 */
	unsigned          *live;        /* live children per service, counted by
	                                   privd itself (instances) */
};

struct listener_proc {
	pid_t     pid;                  /* 0: not running */
	int       ctl;                  /* our end of the socketpair, -1 */
	uint32_t  epoch;                /* incremented at every start */
	int       ready;
	time_t    started;
	unsigned  backoff;              /* seconds before the next start */
	unsigned  bad_msgs;
	time_t    bad_window;
	int       killed;               /* privd sent it SIGKILL: not reaped yet */
	int       ever_ready;           /* some listener sent READY since start */
	int64_t   restart_at;           /* monotonic ms of the next start, or 0 */
	unsigned  quick_deaths;         /* deaths in a row, each soon after its start */
	int64_t   ping_at;              /* monotonic ms of the next IPC_PING */
	int64_t   ping_sent;            /* the unanswered one's, or 0 */
};

struct privd {
	int                 debug;
	struct config_paths paths;
	const char         *pidfile;
	const char         *listener_path;
	int                 listener_exe;       /* O_PATH fd of the checked program */
	int                 devnull;            /* /dev/null O_RDWR: stdio of
	                                           `spawn` option children */
	int                 ready_fd;           /* daemonize's parent waits on
	                                           it, or -1 (daemon_ready) */
	int                 echo_fd;            /* that parent's stderr, or -1 */
	uid_t               listener_uid;
	char                listener_user[64];  /* "": no passwd entry */
	gid_t               listener_gid;

	struct generation  *cur;
	struct listener_proc listener;

	int                 epfd, sigfd, timerfd;
	int                 stopping;
	unsigned            live_children;
	unsigned            max_children;
};

extern struct privd privd;

/* generation.c */
struct generation *generation_load(struct generation *old, struct diag *d);
void               generation_free(struct generation *g, struct generation *next);
void               generation_close_socks(struct generation *g,
                       const struct generation *keep);
uint64_t           generation_caps(const struct generation *g);

/*
 * access_opts.c: refuse access-file options privd does not carry out (at
 * load); repeat the access decision for a spawn request and prepare the
 * matched rule's process options.
 */
#define ACCESS_SETENV_MAX    8          /* setenv options in one rule */
#define ACCESS_SPAWN_MAX     4          /* spawn options in one rule */
#define ACCESS_ENV_NAME_MAX  128        /* setenv name, NUL included */

struct access_apply {
	struct spawn_plan plan;         /* the service's, with umask, nice,
	                                   user and twist applied */
	char         *env[ACCESS_SETENV_MAX];   /* "NAME=value" */
	size_t        nenv;
	int           twist;            /* plan runs the twist command */
	char *const  *spawn_argv[ACCESS_SPAWN_MAX];     /* sh -c CMD */
	size_t        nspawn;
};

enum { ACCESS_OK = 0, ACCESS_DENIED = -1, ACCESS_FAILED = -2 };

int  access_options_check(const struct config *cfg, struct diag *d);
/*
 * ACCESS_OK with *a ready (its pointers stay valid until the next call);
 * ACCESS_DENIED: the rules deny this client (why says which rule);
 * ACCESS_FAILED: an option cannot be carried out (why says which).
 */
int  access_recheck(const struct config *cfg, const struct service *svc,
         const struct spawn_plan *base, const struct ipc_spawn *m,
         const struct sockaddr_storage *local, socklen_t locallen,
         const struct sockaddr_storage *peer, socklen_t peerlen,
         struct access_apply *a, char *why, size_t whylen);

/* sockets.c */
int  sockets_bind(struct generation *g, struct generation *old, struct diag *d);

/* listener_ctl.c */
/* main.c: the first listener is ready (a detached parent may exit). */
void daemon_ready(void);

/* listener_identity.c */
int  listener_identity(const char *user);       /* -u USER, or NULL */
void listener_identity_log(void);
int  listener_uid_check(struct config *cfg, struct diag *d);

int  listener_start(void);
void listener_stop(void);
void listener_retire(void);             /* reload: retire it, never kill it */
int  listener_retired_reaped(pid_t pid, int status);   /* 1: it was retired */
void listener_retired_kill_all(void);   /* stop: SIGKILL and reap them */
void listener_handle(void);             /* control socket readable */
void listener_writable(void);           /* control socket writable: queued reports */
void listener_reports_flush(void);      /* this turn's reports: before sleeping */
void listener_exited(int status);
void listener_retry(void);              /* a start failed: again after back-off */
void listener_tick(void);               /* timer: restart after back-off */
void listener_bad(const char *why);     /* count a bad message (already logged) */
void listener_report(unsigned type, uint32_t svc_id, uint32_t token, pid_t pid,
         int status, int err, unsigned reason, const void *peer,
         socklen_t peerlen);

/* conn_spawn.c */
void conn_spawn(const struct ipc_spawn *msg, int fd, int is_wait);
/*
 * End the spawns conn_spawn began, oldest first: all of them (wait), or
 * those whose clone is made.  With wait, before anything that may look a
 * child up, reap one or change the configuration.
 */
void conn_spawn_collect(int wait);
int  conn_spawn_pending(void);          /* some not collected yet */

/* children.c */
union child_addr {
	struct sockaddr     sa;
	struct sockaddr_in  in4;
	struct sockaddr_in6 in6;
};

struct child {
	pid_t    pid;
	uint32_t svc_id, token, epoch, gen;
	int      wait_svc;
	int      wait_sock;       /* wait service: the listening socket it got */
	int      quiet;           /* spawn failed after clone: no exit report */
	int      status_fd;       /* spawn status pipe until resolved, or -1 */
	int      status_armed;    /* its one-shot epoll watch not yet fired */
	int      spawn_opt;       /* a `spawn` option's child: reports to
	                             nobody, its exit logged by privd */
	socklen_t peerlen;
	union child_addr peer;    /* a client is IPv4 or IPv6 only */
	char     name[SVC_NAME_MAX];
	char     proto[8];
};
/*
 * epoll data: descriptors are registered as their number; a child's spawn
 * status pipe as EV_TAG_SPAWN_STATUS << 32 | pid (the child table moves
 * its entries, so it is found again by pid).
 */
#define EV_TAG_SPAWN_STATUS 1u

struct child *children_add(pid_t pid);
/* Same client address (family and address; the port does not count)? */
int           children_same_client(const union child_addr *a, socklen_t alen,
                  const struct sockaddr_storage *b, socklen_t blen);
/* Live children of service svc_id of generation gen from this client
 * address (the port aside): privd's own per_source count. */
unsigned      children_from(uint32_t gen, uint32_t svc_id,
                  const struct sockaddr_storage *peer, socklen_t peerlen);
/* A child is gone or never started: its place under the global cap and
 * in its service's instances. */
void          children_release(uint32_t gen, uint32_t svc_id, int spawn_opt);
/* Record the client address (a socket address of at most an IPv6 one). */
void          children_set_peer(struct child *c, const struct sockaddr_storage *peer,
                  socklen_t peerlen);
/* Track a started child's status pipe: its spawn or failure is reported
 * when the pipe says how the confinement ended (before its exit, always). */
void          children_watch_status(struct child *c, int status_fd);
void          children_spawn_status(pid_t pid);
void          children_reap(void);
unsigned      children_count(void);

/* pidfile.c */
int  pidfile_open(const char *path);    /* lock; -1 if another instance holds it */
void pidfile_write(void);
void pidfile_remove(void);

/* notify.c */
void notify_send(const char *state);

#endif
