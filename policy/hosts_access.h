/*
 * hosts_access.h: the tcp_wrappers-compatible access engine: the
 * hosts_access(5) rule language with the hosts_options(5) extensions
 * docs/access-control.md lists.
 *
 *   ha_parse()      text of hosts.allow or hosts.deny -> struct ha_table
 *                   (hosts_parse.c; option fields: hosts_options.c)
 *   ha_eval()       resumable decision for one connection (hosts_eval.c)
 *   ha_expand()     %-expansion of option values, shell-safe (hosts_options.c)
 *   ha_table_encode / ha_table_decode
 *                   the parsed tables as privd hands them to the listener
 *                   (hosts_wire.c)
 *
 * privd (and hinetd-match, hinetd -t) parse with HA_PARSE_SYSTEM: /file
 * pattern lists are read then, IPv6 scope names and `user` options are
 * resolved.  The listener never opens a file: it decodes the tables privd
 * encoded, which carry every /file list already expanded.
 *
 * Evaluation never blocks.  The caller describes the connection in a
 * struct ha_request; ha_eval() answers HA_GRANT, HA_DENY or HA_DELEGATE
 * (a `twist` replaces the server), or asks for one missing fact with
 * HA_NEED_HOSTNAME, HA_NEED_SERVER_HOSTNAME or HA_NEED_USER.  The caller
 * obtains it (without blocking), records it with ha_endpoint_set_name() or
 * ha_request_set_user() and calls ha_eval() again with the same request;
 * evaluation resumes at the rule that asked.  Look-ups are asked for only
 * when the rule being decided needs them, in the order tcpd would make them.
 */
#ifndef HINETD_HOSTS_ACCESS_H
#define HINETD_HOSTS_ACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common/diag.h"
#include "common/wire.h"

#define HA_NAME_MAX       256   /* host name, including NUL */
#define HA_USER_MAX       65    /* ident user name, including NUL */
#define HA_ADDR_MAX       64    /* numeric address text, including NUL */
#define HA_RULE_MAX       8190  /* bytes of one rule, continuations joined
                                   (tcpd's limit: BUFSIZ less the newline) */
#define HA_FILE_DEPTH     8     /* nesting of /file lists */
#define HA_EXCEPT_DEPTH   64    /* nesting of EXCEPT in one list */
#define HA_LIST_FILE_MAX  (1u << 20)    /* bytes of one /file list (words
                                           are at most HA_RULE_MAX bytes) */
#define HA_EXPAND_MAX     4096  /* bytes of one %-expanded option value */
#define HA_BANNER_MAX     4096  /* bytes of one banner file (more: load error) */
#define HA_BANNER_OUT_MAX 16384 /* bytes sent of one expanded banner */
#define HA_RFC931_MAX     60    /* seconds: `rfc931 N` is clamped to this */

/* ---- Parsed rules --------------------------------------------------- */

/* A string pattern as tcpd's string_match() sees it. */
enum ha_str_kind {
	HA_STR_EXACT = 0,       /* case-blind equality */
	HA_STR_WILD,            /* contains '*' or '?' */
	HA_STR_SUFFIX,          /* .domain.suffix */
	HA_STR_PREFIX,          /* address.prefix. */
	HA_STR_ALL,             /* ALL */
	HA_STR_KNOWN,           /* KNOWN (user or daemon: not "unknown") */
	HA_STR_ADDR6,           /* [ipv6] */
};

struct ha_str {
	enum ha_str_kind kind;
	char            *text;          /* as written (scope made numeric) */
	int              not_inaddr;    /* host context: may match a name too */
	struct in6_addr  a6;            /* HA_STR_ADDR6 */
	uint32_t         scope;         /* HA_STR_ADDR6: 0 = any */
};

/* A host pattern as tcpd's host_match() sees it. */
enum ha_host_kind {
	HA_HOST_STRING = 0,     /* address string or, when not_inaddr, name */
	HA_HOST_KNOWN,          /* KNOWN: address and confirmed name known */
	HA_HOST_LOCAL,          /* LOCAL: confirmed name without a dot */
	HA_HOST_NETGROUP,       /* @netgroup: never matches (see docs) */
	HA_HOST_FILE,           /* /path/to/file list, expanded at parse */
	HA_HOST_NET4,           /* n.n.n.n/m.m.m.m or n.n.n.n/len */
	HA_HOST_NET6,           /* [ipv6]/len */
};

struct ha_host {
	enum ha_host_kind kind;
	char            *text;          /* token as written */
	struct ha_str    str;           /* HA_HOST_STRING */
	uint32_t         net4, mask4;   /* HA_HOST_NET4, host byte order */
	struct in6_addr  net6;          /* HA_HOST_NET6 */
	unsigned         plen6;
	uint32_t         scope6;
	struct ha_host  *sub;           /* HA_HOST_FILE: its patterns */
	size_t           nsub;
};

/*
 * One list element.  Daemon lists: str = daemon pattern, host (optional)
 * = server endpoint pattern (daemon@host).  Client lists: host = client
 * pattern, str (optional) = user pattern (user@host).
 */
struct ha_item {
	char            *text;
	int              has_str, has_host;
	struct ha_str    str;
	struct ha_host   host;
};

/* items [EXCEPT except] */
struct ha_list {
	struct ha_item  *items;
	size_t           n;
	struct ha_list  *except;        /* NULL: none */
};

enum ha_opt_kind {
	HA_OPT_ALLOW = 0, HA_OPT_DENY, HA_OPT_SEVERITY, HA_OPT_SETENV,
	HA_OPT_BANNERS, HA_OPT_UMASK, HA_OPT_USER, HA_OPT_NICE,
	HA_OPT_KEEPALIVE, HA_OPT_LINGER, HA_OPT_RFC931, HA_OPT_SPAWN,
	HA_OPT_TWIST,
};

/* One banner file, DIR/DAEMON, read by privd at load (ha_banners_load). */
struct ha_banner {
	char            *daemon;        /* process name, the file's name */
	char            *text;          /* contents, len bytes (may hold NULs) */
	size_t           len;
	unsigned         needs;         /* HA_NEEDS_* of its %-sequences */
};

struct ha_option {
	enum ha_opt_kind kind;
	char            *key;           /* keyword as written ("ALLOW") */
	char            *value;         /* "\:" undone, blanks trimmed; NULL: none */
	long             num;           /* umask, nice (10 by default),
                                           linger, rfc931 timeout (0: default) */
	int              facility;      /* severity: LOG_* facility or -1 */
	int              level;         /* severity: LOG_* level */
	char            *name;          /* setenv: name; user: user */
	char            *arg;           /* setenv: value template; user: group or NULL */
	struct ha_banner *banners;      /* banners: the files found, by daemon */
	size_t           nbanners;
	/* user, parsed with HA_PARSE_SYSTEM: resolved at load, not per use */
	int              user_resolved;
	uid_t            uid;
	gid_t            gid;           /* the group's, else the user's primary */
	gid_t           *groups;        /* getgrouplist(name, gid) */
	int              ngroups;
};

/* What a matched rule's options need before they can be carried out. */
#define HA_NEEDS_HOSTNAME        0x1    /* %n */
#define HA_NEEDS_SERVER_HOSTNAME 0x2    /* %N */
#define HA_NEEDS_USER            0x4    /* %u, rfc931 */

struct ha_rule {
	int              line;          /* last physical line, as tcpd counts */
	struct ha_list   daemons;
	struct ha_list   clients;
	struct ha_option *opts;
	size_t           nopts;
	unsigned         needs;         /* HA_NEEDS_* of the options */
};

struct ha_table {
	char            *file;          /* name used in messages and rule= */
	struct ha_rule  *rules;
	size_t           n;
};

#define HA_PARSE_SYSTEM  0x1    /* read /file lists, resolve IPv6 scope
                                   names and `user` option users/groups */

/*
 * Parse the text of one access file (len bytes; NULL text: the file is
 * missing, an empty table).  Every problem goes to d as "FILE:LINE:
 * message".  Returns the table, or NULL when d received an error.
 */
struct ha_table *ha_parse(const char *file, const char *text, size_t len,
                    unsigned flags, struct diag *d);
void             ha_table_free(struct ha_table *t);

/* ---- Requests ------------------------------------------------------- */

enum ha_name_state {
	HA_NAME_UNSET = 0,      /* not looked up yet */
	HA_NAME_UNKNOWN,        /* reverse look-up failed, or invalid name */
	HA_NAME_PARANOID,       /* name found but not forward-confirmed */
	HA_NAME_KNOWN,          /* confirmed, valid name */
};

enum ha_user_state {
	HA_USER_UNSET = 0,      /* not asked yet */
	HA_USER_UNKNOWN,        /* ident failed, or invalid answer */
	HA_USER_KNOWN,
};

struct ha_endpoint {
	int              has_addr;      /* 0: address unknown */
	int              family;        /* AF_INET or AF_INET6 */
	struct in_addr   a4;
	struct in6_addr  a6;
	uint32_t         scope;
	unsigned         port;
	char             addr[HA_ADDR_MAX];     /* numeric, or "unknown" */
	enum ha_name_state name_state;
	char             name[HA_NAME_MAX];     /* HA_NAME_KNOWN only */
};

struct ha_request {
	const char      *daemon;        /* process name: basename of the server */
	const char      *service;       /* service name, or NULL */
	struct ha_endpoint client;      /* peer */
	struct ha_endpoint server;      /* local end */
	enum ha_user_state user_state;
	char             user[HA_USER_MAX];
	long             pid;           /* %p */
	/* private: where ha_eval() resumes */
	int              resume_table;
	size_t           resume_rule;
};

/* Zero everything; both addresses unknown, nothing looked up. */
void ha_request_init(struct ha_request *r, const char *daemon,
         const char *service);
/*
 * Set an endpoint's address from a socket address.  An IPv4-mapped IPv6
 * address becomes the IPv4 address (it then matches IPv4 patterns).
 * Returns 0, or -1 for another family.
 */
int  ha_endpoint_set_addr(struct ha_endpoint *e, const struct sockaddr *sa,
         socklen_t len);
/*
 * Record the outcome of a name look-up.  For HA_NAME_KNOWN, name is checked
 * with ha_name_valid() (one trailing dot dropped); an invalid name makes the
 * state HA_NAME_UNKNOWN and -1 is returned.
 */
int  ha_endpoint_set_name(struct ha_endpoint *e, enum ha_name_state st,
         const char *name);
/* Record an ident answer; NULL or an invalid answer: unknown (-1). */
int  ha_request_set_user(struct ha_request *r, const char *user);

/* Host names: 1..253 bytes, labels of [A-Za-z0-9_-] 1..63 long, not an
 * address, not "unknown"/"paranoid".  User names: [A-Za-z0-9._+$-], 1..64. */
int  ha_name_valid(const char *name);
int  ha_user_valid(const char *user);

/* ---- Evaluation ----------------------------------------------------- */

enum ha_status {
	HA_GRANT = 0,
	HA_DENY,
	HA_DELEGATE,                    /* `twist`: run its command instead */
	HA_NEED_HOSTNAME,               /* client name (reverse + forward) */
	HA_NEED_SERVER_HOSTNAME,        /* local address's name */
	HA_NEED_USER,                   /* RFC 1413 ident */
};

struct ha_decision {
	enum ha_status   status;
	const struct ha_table *table;   /* matched rule's table, or NULL */
	const struct ha_rule  *rule;    /* matched rule, or NULL (no match) */
	const char      *file;          /* rule's file, or NULL */
	int              line;
	const struct ha_option *twist;  /* HA_DELEGATE: the twist option */
	unsigned         user_timeout;  /* HA_NEED_USER asked by `rfc931 N`:
	                                   N seconds (<= HA_RFC931_MAX); 0:
	                                   the caller's default */
};

/*
 * Decide: the first matching rule of allow grants, else the first matching
 * rule of deny denies, else grant; a matched rule's `allow`/`deny` option
 * overrides its table, `twist` delegates.  Either table may be NULL.
 * Returns dec->status.  On HA_NEED_*, supply the fact and call again.
 */
enum ha_status ha_eval(const struct ha_table *allow, const struct ha_table *deny,
                   struct ha_request *req, struct ha_decision *dec);

/*
 * ha_eval() for a caller that looks nothing up (a datagram's synchronous
 * check, privd's re-check): every fact asked for is recorded as unknown
 * and evaluation continues.  Never returns HA_NEED_*.
 */
enum ha_status ha_eval_known(const struct ha_table *allow,
                   const struct ha_table *deny, struct ha_request *req,
                   struct ha_decision *dec);

const char *ha_status_name(enum ha_status s);

/* ---- Options -------------------------------------------------------- */

/*
 * %-expand tmpl for req into out (outlen bytes): %a %A %c %d %h %H %n %N
 * %p %r %R %s %u %%.  Every expanded value except %% has each character
 * outside [A-Za-z0-9!@%=+:,./_-] replaced by '_' (as tcpd does).  Facts not
 * looked up expand as tcpd would without the look-up ("unknown", or the
 * address for %h).  Returns 0, or -1 if the result does not fit.
 */
int      ha_expand(const char *tmpl, const struct ha_request *req, char *out,
             size_t outlen);
/* The HA_NEEDS_* bits of a template. */
unsigned ha_expand_needs(const char *tmpl);
/* The expanded value of a spawn, twist or setenv option; the raw value of
 * others ("" when none).  Returns 0 or -1 (too long). */
int      ha_option_value(const struct ha_option *o, const struct ha_request *req,
             char *out, size_t outlen);
/* Canonical keyword of an option kind ("spawn"). */
const char *ha_option_name(enum ha_opt_kind k);

/*
 * `banners DIR`: read DIR/DAEMON for each of the n daemon (process) names,
 * into every banners option of t (HA_PARSE_SYSTEM callers: privd at load).
 * A missing file is no banner (as tcpd); a missing directory a warning; a
 * file that exists but cannot be read, is not a regular file or is larger
 * than HA_BANNER_MAX an error.  Returns 0, or -1 when d received an error.
 */
int      ha_banners_load(struct ha_table *t, const char *const *daemons,
             size_t n, struct diag *d);
/* The banner of a banners option for this daemon, or NULL. */
const struct ha_banner *ha_banner_find(const struct ha_option *o,
             const char *daemon);
/*
 * The bytes to send for a banner, as tcpd's banners option makes them:
 * leading NULs as they are, then each line with its newline made CR LF and
 * %-expanded (shell-safe values; an unknown %x is nothing, as in tcpd).
 * At most outlen bytes, cut at a line boundary.  Returns the length.
 */
size_t   ha_banner_expand(const struct ha_banner *b, const struct ha_request *req,
             char *out, size_t outlen);
/* Daemon names usable as a banner file name (no '/', not "." or ".."). */
int      ha_banner_name_valid(const char *daemon);

/* ---- Snapshot ------------------------------------------------------- */

/* Append t (NULL allowed: no table) to w. */
void             ha_table_encode(const struct ha_table *t, struct wbuf *w);
/*
 * Read a table written by ha_table_encode.  The input is untrusted: it is
 * checked as strictly as a parse (every pattern and option recompiled
 * without system look-ups).  Returns 0 with *out set (NULL if no table was
 * encoded), or -1 with r failed.
 */
int              ha_table_decode(struct rbuf *r, struct ha_table **out);

/* ---- Internal, shared by hosts_*.c ---------------------------------- */

int  ha_options_parse(const char *file, int line, const char *text,
         unsigned flags, struct ha_rule *rule, struct diag *d);
void ha_option_free(struct ha_option *o);
int  ha_compile_str(const char *tok, int host_context, unsigned flags,
         struct ha_str *out, const char **err);
void ha_str_free(struct ha_str *s);
int  ha_compile_item(const char *file, int line, const char *tok, int client,
         unsigned flags, struct ha_item *it, struct diag *d);
void ha_item_free(struct ha_item *it);
int  ha_compile_host(const char *file, int line, const char *tok,
         unsigned flags, struct ha_host *h, struct diag *d);
void ha_host_free(struct ha_host *h);
void ha_list_free(struct ha_list *l);

#endif
