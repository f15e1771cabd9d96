/*
 * service.h: the in-memory model of a configuration load.
 *
 * A `struct config` is everything privd read in one load: the services
 * (from inetd.conf and the policy directory), the access files' text, and
 * where each value came from.  privd builds it, checks it, turns it into
 * spawn plans and sends a serialized snapshot of it to the listener.  It is
 * never modified after the load; a reload builds a new one.
 */
#ifndef HINETD_SERVICE_H
#define HINETD_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

struct ha_table;

#define SVC_NAME_MAX     64     /* service names, including NUL */
#define SVC_ARGV_MAX     128    /* arguments of a server program */
#define SVC_MAX          4096   /* services in one configuration */

enum svc_builtin {
	BUILTIN_NONE = 0,
	BUILTIN_ECHO,
	BUILTIN_DISCARD,
	BUILTIN_CHARGEN,
	BUILTIN_DAYTIME,
	BUILTIN_TIME,
};

enum seccomp_profile {
	SECCOMP_PROFILE_DEFAULT = 0,    /* deny-list of what no service needs */
	SECCOMP_PROFILE_STRICT,         /* allow-list for simple stdio services */
	SECCOMP_PROFILE_NONE,
};

enum seccomp_failure {
	SECCOMP_FAIL_ERRNO = 0,         /* EPERM */
	SECCOMP_FAIL_KILL,              /* SIGSYS, whole process */
	SECCOMP_FAIL_LOG,               /* allowed, logged by the kernel */
};

/* Indices of struct service.rlim[]. */
enum svc_rlimit {
	SVC_RLIMIT_AS = 0,
	SVC_RLIMIT_CPU,
	SVC_RLIMIT_DATA,
	SVC_RLIMIT_RSS,
	SVC_RLIMIT_STACK,
	SVC_RLIMIT_NOFILE,
	SVC_RLIMIT_COUNT
};

/* Attributes whose origin (file:line) is recorded, for `hinetd -T`. */
enum svc_attr {
	ATTR_SERVICE = 0,       /* where the service was defined */
	ATTR_SOCKET, ATTR_PROTOCOL, ATTR_ADDRESS, ATTR_PORT, ATTR_WAIT,
	ATTR_USER, ATTR_GROUP, ATTR_GROUPS, ATTR_SERVER, ATTR_ARGS,
	ATTR_INSTANCES, ATTR_PER_SOURCE, ATTR_CPS,
	ATTR_ONLY_FROM, ATTR_NO_ACCESS, ATTR_LOG_ON_SUCCESS, ATTR_LOG_ON_FAILURE,
	ATTR_UMASK, ATTR_NICE, ATTR_ENV, ATTR_PASSENV, ATTR_RLIMIT, ATTR_FLAGS,
	ATTR_CAPABILITIES, ATTR_SECCOMP, ATTR_SECCOMP_ALLOW, ATTR_SECCOMP_DENY,
	ATTR_SECCOMP_ACTION, ATTR_NO_NEW_PRIVS, ATTR_CHROOT, ATTR_LANDLOCK,
	ATTR_ID, ATTR_TYPE, ATTR_DISABLE,       /* xinetd id, type, disable */
	ATTR_COUNT
};

struct origin {
	const char *file;       /* owned by the config's file-name pool */
	int         line;       /* 0: built-in default */
};

struct strlist {
	char  **v;
	size_t  n;
};

/* xinetd `flags`. */
#define SVC_FLAG_IPV4       0x01
#define SVC_FLAG_IPV6       0x02
#define SVC_FLAG_NAMEINARGS 0x04
#define SVC_FLAG_NOLIBWRAP  0x08
#define SVC_FLAG_NODELAY    0x10
#define SVC_FLAG_KEEPALIVE  0x20

/* xinetd `log_on_success` / `log_on_failure` bits. */
#define SVC_LOG_PID         0x01        /* success only */
#define SVC_LOG_HOST        0x02
#define SVC_LOG_USERID      0x04        /* an RFC 1413 look-up */
#define SVC_LOG_EXIT        0x08        /* success only */
#define SVC_LOG_DURATION    0x10        /* success only */
#define SVC_LOG_TRAFFIC     0x20        /* success only */
#define SVC_LOG_ATTEMPT     0x40        /* failure only */

/* Defaults: generous, so a limit is never what users meet first. */
#define SVC_DEFAULT_INSTANCES   512
/*
 * Concurrent stream connections to one built-in when `instances` was not
 * set: a built-in connection costs a small record and a descriptor, and
 * 10,000 idle ones must be held (docs/performance.md).  Applied at load.
 */
#define SVC_DEFAULT_BUILTIN_INSTANCES 16384
#define SVC_DEFAULT_PER_SOURCE  0       /* 0: no per-source limit */
#define SVC_DEFAULT_CPS_RATE    0       /* 0: no rate limit */
#define SVC_DEFAULT_CPS_PAUSE   10
#define SVC_INSTANCES_UNLIMITED 0xffffffffu     /* `instances = UNLIMITED` */

/*
 * Limits fixed at build time, shown by `hinetd -T`: privd's cap on live
 * service children (limit=children), and the looping guard of wait
 * services (limit=looping): more than SVC_LOOP_STARTS_MAX starts within
 * SVC_LOOP_WINDOW_S pause the service for SVC_LOOP_PAUSE_MIN_S, doubling
 * up to SVC_LOOP_PAUSE_MAX_S.  privd/privd.h (PRIVD_MAX_CHILDREN) and
 * listener/limits.h (LOOP_*) must agree; tests/unit/test_explain.c checks.
 */
#define SVC_CHILDREN_MAX        4096
#define SVC_LOOP_STARTS_MAX     256
#define SVC_LOOP_WINDOW_S       60
#define SVC_LOOP_PAUSE_MIN_S    10
#define SVC_LOOP_PAUSE_MAX_S    600

struct service {
	unsigned         id;                    /* index in config->svcs */
	char             name[SVC_NAME_MAX];    /* e.g. "qotd" */

	/* Socket. */
	int              socktype;              /* SOCK_STREAM/DGRAM/SEQPACKET */
	int              family;                /* AF_INET or AF_INET6 */
	int              protocol;              /* IPPROTO_TCP, IPPROTO_UDP or 0 */
	int              v6only;                /* AF_INET6: 1 for tcp6/udp6 */
	char             proto_name[8];         /* "tcp", "udp46", ... */
	struct sockaddr_storage addr;           /* bind address and port */
	socklen_t        addrlen;
	int              wait;
	enum svc_builtin builtin;
	int              tcpd;                  /* line went through /.../tcpd */
	int              from_policy;           /* defined by a policy file */
	int              disabled;

	/* Who it runs as. */
	char            *user;
	char            *group;
	uid_t            uid;
	gid_t            gid;
	gid_t           *groups;                /* supplementary groups */
	int              ngroups;

	/* What it runs. */
	char            *server;                /* absolute path */
	char           **argv;                  /* NULL-terminated */
	int              argc;
	char            *daemon;                /* hosts_access daemon name */

	/* Limits. */
	unsigned         instances;
	unsigned         per_source;
	unsigned         cps_rate, cps_pause;

	/* Access (xinetd), logging. */
	struct strlist   only_from, no_access;
	int              only_from_set;
	unsigned         log_on_success, log_on_failure;   /* bit sets */

	/* Process attributes. */
	int              umask;                 /* -1: inherit (022) */
	int              nice;                  /* 0: unchanged */
	int              nice_set;
	struct strlist   env;                   /* "NAME=value" */
	struct strlist   passenv;               /* names */
	struct rlimit    rlim[SVC_RLIMIT_COUNT];
	unsigned         rlim_set;              /* bit per enum svc_rlimit */
	unsigned         flags;                 /* SVC_FLAG_* */

	/* Sandbox. */
	uint64_t         caps;                  /* capability bit set kept */
	enum seccomp_profile seccomp;
	struct strlist   seccomp_allow, seccomp_deny;
	enum seccomp_failure seccomp_action;
	int              no_new_privs;          /* 1 (default) */
	char            *chroot;
	struct strlist   landlock_paths;

	struct origin    origin[ATTR_COUNT];

	/* Policy-file extras (policy/policy_file.c). */
	char            *ident;                 /* xinetd `id`; NULL: the name */
	int              unlisted;              /* xinetd `type = UNLISTED` */
	struct origin    rlim_origin[SVC_RLIMIT_COUNT];
};

struct config {
	struct service **svcs;
	size_t           nsvcs;

	char            *inetd_path;            /* -f */
	char            *policy_dir;            /* -s */
	char            *allow_path, *deny_path;/* -A, -D */

	/* hosts.allow / hosts.deny exactly as read (NULL: file missing). */
	char            *allow_text, *deny_text;
	size_t           allow_len, deny_len;
	/* The same, parsed once per load (privd: HA_PARSE_SYSTEM); NULL: none. */
	struct ha_table *allow_table, *deny_table;
	/* The hosts file (CONFIG_HOSTS_FILE) as read, for the listener's
	 * look-ups (it opens no file); NULL: missing. */
	char            *hosts_text;
	size_t           hosts_len;

	/* Pool of file names that struct origin points into. */
	char           **files;
	size_t           nfiles;

	/*
	 * Whom the listener runs as, set by privd for the load (shown by -T;
	 * no service may run as it).  listener_user "": a uid without a
	 * passwd entry.
	 */
	int              listener_known;
	uid_t            listener_uid;
	gid_t            listener_gid;
	char             listener_user[64];
};

void             strlist_add(struct strlist *l, const char *s);
void             strlist_free(struct strlist *l);

struct config   *config_new(void);
void             config_free(struct config *cfg);
/* Intern a file name; the result lives as long as cfg. */
const char      *config_file(struct config *cfg, const char *path);
/* A new service with every default set, owned by cfg once added. */
struct service  *service_new(void);
void             service_free(struct service *svc);
void             config_add(struct config *cfg, struct service *svc);

const char      *builtin_name(enum svc_builtin b);
enum svc_builtin builtin_lookup(const char *name);   /* BUILTIN_NONE if none */

/* "qotd/tcp" style identity used for duplicate checks and messages. */
int              service_same_socket(const struct service *a, const struct service *b);

#endif
