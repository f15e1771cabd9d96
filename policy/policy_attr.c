/*
 * policy_attr.c: the attributes of policy files: which exist, where each
 * may appear, and what a line of each does to a struct service (values
 * checked strictly; every value error names the attribute).
 *
 * Owns the policy attributes (access, limits, logging, process attributes,
 * sandbox).  The socket, program and identity attributes of a definition
 * are read by policy_file.c with the helpers at the end.
 */
#include "policy/policy_attr.h"
#include "policy/caps.h"
#include "policy/seccomp_profile.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define L   PA_F_LIST
#define DF  PA_F_DEFAULTS
#define OV  PA_F_OVERLAY
#define DEF PA_F_DEFINE
#define SEL PA_F_SELECTOR

static const struct pattr_info attrs[] = {
	{ "disable",        PA_DISABLE,        OV,           ATTR_DISABLE,  1, 1 },
	{ "socket_type",    PA_SOCKET_TYPE,    DEF|OV|SEL,   ATTR_SOCKET,   1, 1 },
	{ "protocol",       PA_PROTOCOL,       DEF|OV|SEL,   ATTR_PROTOCOL, 1, 1 },
	{ "wait",           PA_WAIT,           DEF,          ATTR_WAIT,     1, 1 },
	{ "user",           PA_USER,           DEF,          ATTR_USER,     1, 1 },
	{ "group",          PA_GROUP,          DEF,          ATTR_GROUP,    1, 1 },
	{ "server",         PA_SERVER,         DEF,          ATTR_SERVER,   1, 1 },
	{ "server_args",    PA_SERVER_ARGS,    DEF,          ATTR_ARGS,     0, -1 },
	{ "port",           PA_PORT,           DEF,          ATTR_PORT,     1, 1 },
	{ "bind",           PA_BIND,           DEF|DF,       ATTR_ADDRESS,  1, 1 },
	{ "interface",      PA_BIND,           DEF|DF,       ATTR_ADDRESS,  1, 1 },
	{ "type",           PA_TYPE,           DEF,          ATTR_TYPE,     1, -1 },
	{ "id",             PA_ID,             DEF,          ATTR_ID,       1, 1 },
	{ "flags",          PA_FLAGS,          DEF|DF|OV,    ATTR_FLAGS,    0, -1 },
	{ "only_from",      PA_ONLY_FROM,      L|DF|OV,      ATTR_ONLY_FROM, 0, -1 },
	{ "no_access",      PA_NO_ACCESS,      L|DF|OV,      ATTR_NO_ACCESS, 0, -1 },
	{ "instances",      PA_INSTANCES,      DF|OV,        ATTR_INSTANCES, 1, 1 },
	{ "per_source",     PA_PER_SOURCE,     DF|OV,        ATTR_PER_SOURCE, 1, 1 },
	{ "cps",            PA_CPS,            DF|OV,        ATTR_CPS,      2, 2 },
	{ "umask",          PA_UMASK,          DF|OV,        ATTR_UMASK,    1, 1 },
	{ "nice",           PA_NICE,           DF|OV,        ATTR_NICE,     1, 1 },
	{ "groups",         PA_GROUPS,         DF|OV,        ATTR_GROUPS,   1, 1 },
	{ "env",            PA_ENV,            L|DF|OV,      ATTR_ENV,      0, -1 },
	{ "passenv",        PA_PASSENV,        L|DF|OV,      ATTR_PASSENV,  0, -1 },
	{ "rlimit_as",      PA_RLIMIT_AS,      DF|OV,        ATTR_RLIMIT,   1, 1 },
	{ "rlimit_cpu",     PA_RLIMIT_CPU,     DF|OV,        ATTR_RLIMIT,   1, 1 },
	{ "rlimit_data",    PA_RLIMIT_DATA,    DF|OV,        ATTR_RLIMIT,   1, 1 },
	{ "rlimit_rss",     PA_RLIMIT_RSS,     DF|OV,        ATTR_RLIMIT,   1, 1 },
	{ "rlimit_stack",   PA_RLIMIT_STACK,   DF|OV,        ATTR_RLIMIT,   1, 1 },
	{ "rlimit_files",   PA_RLIMIT_FILES,   DF|OV,        ATTR_RLIMIT,   1, 1 },
	{ "log_on_success", PA_LOG_ON_SUCCESS, L|DF|OV,      ATTR_LOG_ON_SUCCESS, 0, -1 },
	{ "log_on_failure", PA_LOG_ON_FAILURE, L|DF|OV,      ATTR_LOG_ON_FAILURE, 0, -1 },
	{ "capabilities",   PA_CAPABILITIES,   L|DF|OV,      ATTR_CAPABILITIES, 0, -1 },
	{ "seccomp",        PA_SECCOMP,        DF|OV,        ATTR_SECCOMP,  1, 1 },
	{ "seccomp_allow",  PA_SECCOMP_ALLOW,  L|DF|OV,      ATTR_SECCOMP_ALLOW, 0, -1 },
	{ "seccomp_deny",   PA_SECCOMP_DENY,   L|DF|OV,      ATTR_SECCOMP_DENY, 0, -1 },
	{ "seccomp_action", PA_SECCOMP_ACTION, DF|OV,        ATTR_SECCOMP_ACTION, 1, 1 },
	{ "no_new_privs",   PA_NO_NEW_PRIVS,   DF|OV,        ATTR_NO_NEW_PRIVS, 1, 1 },
	{ "chroot",         PA_CHROOT,         DF|OV,        ATTR_CHROOT,   1, 1 },
	{ "landlock_paths", PA_LANDLOCK_PATHS, L|DF|OV,      ATTR_LANDLOCK, 0, -1 },
};

/* xinetd attributes hinetd refuses by name (never silently ignored). */
static const char *const xinetd_only[] = {
	"access_times", "banner", "banner_fail", "banner_success", "deny_time",
	"disabled", "enabled", "libwrap", "log_type", "max_load", "mdns",
	"redirect", "rpc_number", "rpc_version", "v6only",
};

/* Variables hinetd sets per connection: env/passenv may not touch them. */
static const char *const env_reserved[] = {
	"PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT",
	"REMOTE_ADDR", "REMOTE_PORT", "TCPREMOTEHOST", "TCPREMOTEINFO",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NUM_MAX  1000000ULL     /* instances, per_source, cps rate */

const struct pattr_info *
pattr_lookup(const char *name)
{
	for (size_t i = 0; i < NELEM(attrs); i++)
		if (strcmp(attrs[i].name, name) == 0)
			return &attrs[i];
	return NULL;
}

const struct pattr_info *
pattr_get(enum pattr a)
{
	for (size_t i = 0; i < NELEM(attrs); i++)
		if (attrs[i].attr == a)
			return &attrs[i];
	return NULL;
}

const char *
pop_name(enum pop op)
{
	return op == POP_ADD ? "+=" : op == POP_DEL ? "-=" : "=";
}

int
pattr_xinetd_only(const char *name)
{
	for (size_t i = 0; i < NELEM(xinetd_only); i++)
		if (strcmp(xinetd_only[i], name) == 0)
			return 1;
	return 0;
}

int
pattr_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SVC_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
		    c == '+'))
			return 0;
	}
	return 1;
}

static const char *
aname(const struct pline *pl)
{
	const struct pattr_info *pi = pattr_get(pl->attr);

	/* bind and interface share an entry; either name reads fine. */
	return pi != NULL ? pi->name : "?";
}

static void
set_origin(struct service *svc, const struct pline *pl)
{
	const struct pattr_info *pi = pattr_get(pl->attr);

	svc->origin[pi->slot].file = pl->file;
	svc->origin[pi->slot].line = pl->line;
}

/* ---- string lists ---- */

static int
strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Remove entries for which match(entry, s) holds. */
static void
strlist_remove(struct strlist *l, const char *s,
    int (*match)(const char *, const char *))
{
	size_t j = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (match(l->v[i], s))
			free(l->v[i]);
		else
			l->v[j++] = l->v[i];
	}
	l->n = j;
	if (l->v != NULL)
		l->v[j] = NULL;
}

static int
match_exact(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* "NAME=value" or "NAME" against an env entry: same NAME. */
static int
match_env_name(const char *entry, const char *s)
{
	size_t n = strcspn(s, "=");

	return strncmp(entry, s, n) == 0 && entry[n] == '=';
}

/* ---- value checks ---- */

static int
env_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 128 || !((s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static const char *
env_reserved_name(const char *s, size_t n)
{
	for (size_t i = 0; i < NELEM(env_reserved); i++)
		if (strlen(env_reserved[i]) == n && strncmp(env_reserved[i], s, n) == 0)
			return env_reserved[i];
	return NULL;
}

/*
 * An only_from / no_access entry (xinetd forms): a.b.c.d, a.b.c.{x,y},
 * address/len, address/mask, an IPv6 address, a host, network or .domain
 * name.
 */
static int
host_pattern_ok(const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct in6_addr a6;
	struct in_addr a4;
	const char *slash, *brace;
	size_t n = strlen(s);
	unsigned long long len;

	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(".-_:/{},", c) != NULL))
			return 0;
	}
	if ((slash = strchr(s, '/')) != NULL) {
		if ((size_t)(slash - s) >= sizeof(buf) || strchr(slash + 1, '/'))
			return 0;
		memcpy(buf, s, (size_t)(slash - s));
		buf[slash - s] = '\0';
		if (inet_pton(AF_INET, buf, &a4) == 1)
			return parse_uint(slash + 1, 0, 32, &len) == 0 ||
			    inet_pton(AF_INET, slash + 1, &a4) == 1;
		if (inet_pton(AF_INET6, buf, &a6) == 1)
			return parse_uint(slash + 1, 0, 128, &len) == 0;
		return 0;
	}
	if ((brace = strchr(s, '{')) != NULL) {
		/* a.b.{x,y}: numbers 0..255 before and inside, '}' last */
		if (s[n - 1] != '}' || brace == s || brace[-1] != '.' ||
		    strchr(brace + 1, '{') != NULL)
			return 0;
		for (const char *p = s; p < brace; p++)
			if (!((*p >= '0' && *p <= '9') || *p == '.'))
				return 0;
		for (const char *p = brace + 1; p < s + n - 1; ) {
			size_t k = strspn(p, "0123456789");
			if (k == 0 || k > 3 || atoi(p) > 255)
				return 0;
			p += k;
			if (*p == ',')
				p++;
			else if (p != s + n - 1)
				return 0;
		}
		return 1;
	}
	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, &a6) == 1;
	if (strspn(s, "0123456789.") == n)
		return inet_pton(AF_INET, s, &a4) == 1;
	return strchr(s, ',') == NULL && strchr(s, '}') == NULL;
}

int
pattr_yesno(const struct pline *pl, int *out, struct diag *d)
{
	if (strcasecmp(pl->argv[0], "yes") == 0)
		*out = 1;
	else if (strcasecmp(pl->argv[0], "no") == 0)
		*out = 0;
	else {
		diag_error(d, pl->file, pl->line,
		    "attribute \"%s\" must be yes or no, not \"%.64s\"",
		    aname(pl), pl->argv[0]);
		return -1;
	}
	return 0;
}

/* A number 1..NUM_MAX, or UNLIMITED (*unlimited set). */
static int
limit_value(const struct pline *pl, const char *s, unsigned long long *out,
    int *unlimited, struct diag *d)
{
	*unlimited = 0;
	if (strcasecmp(s, "UNLIMITED") == 0) {
		*unlimited = 1;
		return 0;
	}
	if (parse_uint(s, 1, NUM_MAX, out) == 0)
		return 0;
	diag_error(d, pl->file, pl->line,
	    "bad value \"%.64s\" for %s: a number from 1 to %llu or UNLIMITED",
	    s, aname(pl), NUM_MAX);
	return -1;
}

static int
rlimit_value(const struct pline *pl, rlim_t *out, struct diag *d)
{
	const char *s = pl->argv[0];
	unsigned long long n, mult = 1;
	char num[32];
	size_t len = strlen(s);

	if (strcasecmp(s, "UNLIMITED") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (len > 0 && len < sizeof(num)) {
		memcpy(num, s, len + 1);
		switch (num[len - 1]) {
		case 'k': case 'K': mult = 1ULL << 10; num[len - 1] = '\0'; break;
		case 'm': case 'M': mult = 1ULL << 20; num[len - 1] = '\0'; break;
		case 'g': case 'G': mult = 1ULL << 30; num[len - 1] = '\0'; break;
		}
		if (parse_uint(num, 1, (1ULL << 62) / mult, &n) == 0) {
			*out = (rlim_t)(n * mult);
			return 0;
		}
	}
	diag_error(d, pl->file, pl->line,
	    "bad value \"%.64s\" for %s: a number (K, M or G suffix allowed) or UNLIMITED",
	    s, aname(pl));
	return -1;
}

static int
log_bit(const char *w, unsigned *bit)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "PID", SVC_LOG_PID }, { "HOST", SVC_LOG_HOST },
		{ "USERID", SVC_LOG_USERID }, { "EXIT", SVC_LOG_EXIT },
		{ "DURATION", SVC_LOG_DURATION }, { "TRAFFIC", SVC_LOG_TRAFFIC },
		{ "ATTEMPT", SVC_LOG_ATTEMPT },
	};

	for (size_t i = 0; i < NELEM(names); i++)
		if (strcasecmp(names[i].name, w) == 0) {
			*bit = names[i].bit;
			return 0;
		}
	return -1;
}

#define LOG_SUCCESS_BITS (SVC_LOG_PID | SVC_LOG_HOST | SVC_LOG_USERID | \
	SVC_LOG_EXIT | SVC_LOG_DURATION | SVC_LOG_TRAFFIC)
#define LOG_FAILURE_BITS (SVC_LOG_HOST | SVC_LOG_USERID | SVC_LOG_ATTEMPT)

#define FLAGS_STRUCTURAL (SVC_FLAG_IPV4 | SVC_FLAG_IPV6 | SVC_FLAG_NAMEINARGS)

int
pattr_flags(const struct pline *pl, enum pctx ctx, unsigned *out,
    struct diag *d)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "IPv4", SVC_FLAG_IPV4 }, { "IPv6", SVC_FLAG_IPV6 },
		{ "NAMEINARGS", SVC_FLAG_NAMEINARGS },
		{ "NOLIBWRAP", SVC_FLAG_NOLIBWRAP },
		{ "NODELAY", SVC_FLAG_NODELAY }, { "KEEPALIVE", SVC_FLAG_KEEPALIVE },
		{ "REUSE", 0 },         /* xinetd: deprecated, always on */
	};
	int rc = 0;

	*out = 0;
	for (int i = 0; i < pl->argc; i++) {
		size_t k;
		for (k = 0; k < NELEM(names); k++)
			if (strcasecmp(names[k].name, pl->argv[i]) == 0)
				break;
		if (k == NELEM(names)) {
			diag_error(d, pl->file, pl->line,
			    "flag \"%.64s\" is not supported", pl->argv[i]);
			rc = -1;
			continue;
		}
		if ((names[k].bit & FLAGS_STRUCTURAL) && ctx != PCTX_DEFINE) {
			diag_error(d, pl->file, pl->line, "flag %s cannot be set %s",
			    names[k].name, ctx == PCTX_DEFAULTS ? "in defaults" :
			    "in an overlay on an inetd.conf service");
			rc = -1;
			continue;
		}
		*out |= names[k].bit;
	}
	return rc;
}

/* ---- applying ---- */

void
pattr_clear(struct service *svc, enum pattr a)
{
	switch (a) {
	case PA_ONLY_FROM:
		strlist_free(&svc->only_from);
		svc->only_from_set = 0;
		break;
	case PA_NO_ACCESS:      strlist_free(&svc->no_access); break;
	case PA_ENV:            strlist_free(&svc->env); break;
	case PA_PASSENV:        strlist_free(&svc->passenv); break;
	case PA_LOG_ON_SUCCESS: svc->log_on_success = 0; break;
	case PA_LOG_ON_FAILURE: svc->log_on_failure = 0; break;
	case PA_CAPABILITIES:   svc->caps = 0; break;
	case PA_SECCOMP_ALLOW:  strlist_free(&svc->seccomp_allow); break;
	case PA_SECCOMP_DENY:   strlist_free(&svc->seccomp_deny); break;
	case PA_LANDLOCK_PATHS: strlist_free(&svc->landlock_paths); break;
	default:                break;
	}
}

static int
rlimit_index(enum pattr a)
{
	switch (a) {
	case PA_RLIMIT_AS:      return SVC_RLIMIT_AS;
	case PA_RLIMIT_CPU:     return SVC_RLIMIT_CPU;
	case PA_RLIMIT_DATA:    return SVC_RLIMIT_DATA;
	case PA_RLIMIT_RSS:     return SVC_RLIMIT_RSS;
	case PA_RLIMIT_STACK:   return SVC_RLIMIT_STACK;
	case PA_RLIMIT_FILES:   return SVC_RLIMIT_NOFILE;
	default:                return -1;
	}
}

int
pattr_is_set(const struct service *svc, enum pattr a)
{
	int r = rlimit_index(a);

	if (r >= 0)
		return svc->rlim_origin[r].line != 0;
	return svc->origin[pattr_get(a)->slot].line != 0;
}

/* Apply a list of words to a string list after checking each. */
static int
apply_strlist(struct strlist *l, const struct pline *pl,
    int (*check)(const struct pline *, const char *, struct diag *),
    int (*match)(const char *, const char *), struct diag *d)
{
	int rc = 0;

	for (int i = 0; i < pl->argc; i++)
		if (check(pl, pl->argv[i], d) == -1)
			rc = -1;
	if (rc == -1)
		return -1;
	for (int i = 0; i < pl->argc; i++) {
		const char *w = pl->argv[i];
		if (pl->op == POP_DEL) {
			strlist_remove(l, w, match);
			continue;
		}
		if (match != match_exact)
			strlist_remove(l, w, match);    /* env: a name once */
		if (!strlist_has(l, w))
			strlist_add(l, w);
	}
	return 0;
}

static int
check_host(const struct pline *pl, const char *w, struct diag *d)
{
	if (host_pattern_ok(w))
		return 0;
	diag_error(d, pl->file, pl->line, "bad address \"%.64s\" in %s", w,
	    aname(pl));
	return -1;
}

static int
check_env(const struct pline *pl, const char *w, struct diag *d)
{
	size_t n = strcspn(w, "=");
	const char *r;

	if (!env_name_ok(w, n) || (w[n] != '=' && pl->op != POP_DEL)) {
		diag_error(d, pl->file, pl->line,
		    "bad env entry \"%.64s\": NAME=value", w);
		return -1;
	}
	if ((r = env_reserved_name(w, n)) != NULL) {
		diag_error(d, pl->file, pl->line,
		    "env cannot set %s: hinetd sets it for each connection", r);
		return -1;
	}
	return 0;
}

static int
check_passenv(const struct pline *pl, const char *w, struct diag *d)
{
	const char *r;

	if (!env_name_ok(w, strlen(w))) {
		diag_error(d, pl->file, pl->line, "bad passenv name \"%.64s\"", w);
		return -1;
	}
	if ((r = env_reserved_name(w, strlen(w))) != NULL) {
		diag_error(d, pl->file, pl->line,
		    "passenv cannot pass %s: hinetd sets it for each connection", r);
		return -1;
	}
	return 0;
}

static int
check_syscall(const struct pline *pl, const char *w, struct diag *d)
{
	if (strlen(w) < 64 && seccomp_name_check(w) == 0)
		return 0;
	diag_error(d, pl->file, pl->line, "unknown system call%s \"%.64s\" in %s",
	    w[0] == '@' ? " group" : "", w, aname(pl));
	return -1;
}

static int
path_ok(const char *w)
{
	size_t n = strlen(w);

	if (n == 0 || n >= PATH_MAX || w[0] != '/')
		return 0;
	/* no ".." component */
	for (const char *p = w; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == w || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 0;
	return 1;
}

static int
check_landlock(const struct pline *pl, const char *w, struct diag *d)
{
	if (path_ok(w))
		return 0;
	diag_error(d, pl->file, pl->line,
	    "landlock_paths entries must be absolute paths, not \"%.64s\"", w);
	return -1;
}

static int
apply_bits(unsigned *bits, const struct pline *pl, unsigned allowed,
    struct diag *d)
{
	unsigned add = 0;
	int rc = 0;

	for (int i = 0; i < pl->argc; i++) {
		unsigned b;
		if (log_bit(pl->argv[i], &b) == -1) {
			diag_error(d, pl->file, pl->line,
			    "unknown %s value \"%.64s\"", aname(pl), pl->argv[i]);
			rc = -1;
		} else if (!(b & allowed)) {
			diag_error(d, pl->file, pl->line, "%s does not take %s",
			    aname(pl), pl->argv[i]);
			rc = -1;
		} else
			add |= b;
	}
	if (rc == -1)
		return -1;
	if (pl->op == POP_DEL)
		*bits &= ~add;
	else
		*bits |= add;
	return 0;
}

static int
apply_caps(struct service *svc, const struct pline *pl, struct diag *d)
{
	uint64_t bits = 0;
	int rc = 0;

	for (int i = 0; i < pl->argc; i++) {
		int cap;
		if (caps_parse(pl->argv[i], &cap) != 0 || cap < 0 || cap > 63) {
			diag_error(d, pl->file, pl->line,
			    "unknown capability \"%.64s\"", pl->argv[i]);
			rc = -1;
			continue;
		}
		bits |= 1ULL << cap;
	}
	if (rc == -1)
		return -1;
	if (pl->op == POP_DEL)
		svc->caps &= ~bits;
	else
		svc->caps |= bits;
	return 0;
}

static int
apply_umask(struct service *svc, const struct pline *pl, struct diag *d)
{
	const char *s = pl->argv[0];
	size_t n = strlen(s);
	long v;

	if (n == 0 || n > 4 || strspn(s, "01234567") != n ||
	    (v = strtol(s, NULL, 8)) > 0777) {
		diag_error(d, pl->file, pl->line,
		    "bad umask \"%.64s\": an octal number from 0 to 0777", s);
		return -1;
	}
	svc->umask = (int)v;
	return 0;
}

static int
apply_nice(struct service *svc, const struct pline *pl, struct diag *d)
{
	const char *s = pl->argv[0];
	unsigned long long v;
	int neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (parse_uint(s, 0, neg ? 20 : 19, &v) == -1) {
		diag_error(d, pl->file, pl->line,
		    "bad nice \"%.64s\": a number from -20 to 19", pl->argv[0]);
		return -1;
	}
	svc->nice = neg ? -(int)v : (int)v;
	svc->nice_set = 1;
	return 0;
}

static int
apply_chroot(struct service *svc, const struct pline *pl, struct diag *d)
{
	const char *s = pl->argv[0];
	struct stat st;

	if (!path_ok(s)) {
		diag_error(d, pl->file, pl->line,
		    "chroot must be an absolute directory, not \"%.64s\"", s);
		return -1;
	}
	if (stat(s, &st) == -1) {
		diag_error(d, pl->file, pl->line, "chroot directory \"%s\": %s", s,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_error(d, pl->file, pl->line,
		    "chroot directory \"%s\" is not a directory", s);
		return -1;
	}
	free(svc->chroot);
	svc->chroot = xstrdup(s);
	return 0;
}

static int
apply_word(const struct pline *pl, const char *const *words, size_t n,
    int *out, struct diag *d)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(words[i], pl->argv[0]) == 0) {
			*out = (int)i;
			return 0;
		}
	if (n == 3)
		diag_error(d, pl->file, pl->line,
		    "attribute \"%s\" must be %s, %s or %s, not \"%.64s\"", aname(pl),
		    words[0], words[1], words[2], pl->argv[0]);
	return -1;
}

int
pattr_apply(struct service *svc, const struct pline *pl, enum pctx ctx,
    struct diag *d)
{
	static const char *const profiles[] = { "default", "strict", "none" };
	static const char *const actions[] = { "errno", "kill", "log" };
	unsigned long long n, n2;
	int v, unl, r, rc = 0;
	unsigned bits;

	switch (pl->attr) {
	case PA_DISABLE:
		if ((rc = pattr_yesno(pl, &v, d)) == 0)
			svc->disabled = v;
		break;
	case PA_FLAGS:
		if ((rc = pattr_flags(pl, ctx, &bits, d)) == 0)
			svc->flags = (svc->flags & FLAGS_STRUCTURAL) | bits;
		break;
	case PA_ONLY_FROM:
		if ((rc = apply_strlist(&svc->only_from, pl, check_host,
		    match_exact, d)) == 0)
			svc->only_from_set = 1;
		break;
	case PA_NO_ACCESS:
		rc = apply_strlist(&svc->no_access, pl, check_host, match_exact, d);
		break;
	case PA_INSTANCES:
		if ((rc = limit_value(pl, pl->argv[0], &n, &unl, d)) == 0)
			svc->instances = unl ? SVC_INSTANCES_UNLIMITED : (unsigned)n;
		break;
	case PA_PER_SOURCE:
		if ((rc = limit_value(pl, pl->argv[0], &n, &unl, d)) == 0)
			svc->per_source = unl ? 0 : (unsigned)n;
		break;
	case PA_CPS:
		if (parse_uint(pl->argv[0], 1, NUM_MAX, &n) == -1 ||
		    parse_uint(pl->argv[1], 1, 86400, &n2) == -1) {
			diag_error(d, pl->file, pl->line,
			    "bad cps \"%.32s %.32s\": RATE (1 to %llu connections per "
			    "second) and SECONDS (1 to 86400)", pl->argv[0],
			    pl->argv[1], NUM_MAX);
			rc = -1;
			break;
		}
		svc->cps_rate = (unsigned)n;
		svc->cps_pause = (unsigned)n2;
		break;
	case PA_UMASK:
		rc = apply_umask(svc, pl, d);
		break;
	case PA_NICE:
		rc = apply_nice(svc, pl, d);
		break;
	case PA_GROUPS:
		if ((rc = pattr_yesno(pl, &v, d)) == 0 && v == 0) {
			free(svc->groups);
			svc->groups = NULL;
			svc->ngroups = 0;
		}
		break;
	case PA_ENV:
		rc = apply_strlist(&svc->env, pl, check_env, match_env_name, d);
		break;
	case PA_PASSENV:
		rc = apply_strlist(&svc->passenv, pl, check_passenv, match_exact, d);
		break;
	case PA_RLIMIT_AS: case PA_RLIMIT_CPU: case PA_RLIMIT_DATA:
	case PA_RLIMIT_RSS: case PA_RLIMIT_STACK: case PA_RLIMIT_FILES: {
		rlim_t lim;
		r = rlimit_index(pl->attr);
		if ((rc = rlimit_value(pl, &lim, d)) == 0) {
			svc->rlim[r].rlim_cur = svc->rlim[r].rlim_max = lim;
			svc->rlim_set |= 1u << r;
			svc->rlim_origin[r].file = pl->file;
			svc->rlim_origin[r].line = pl->line;
		}
		break;
	}
	case PA_LOG_ON_SUCCESS:
		rc = apply_bits(&svc->log_on_success, pl, LOG_SUCCESS_BITS, d);
		break;
	case PA_LOG_ON_FAILURE:
		rc = apply_bits(&svc->log_on_failure, pl, LOG_FAILURE_BITS, d);
		break;
	case PA_CAPABILITIES:
		rc = apply_caps(svc, pl, d);
		break;
	case PA_SECCOMP:
		if ((rc = apply_word(pl, profiles, 3, &v, d)) == 0)
			svc->seccomp = (enum seccomp_profile)v;
		break;
	case PA_SECCOMP_ALLOW:
		rc = apply_strlist(&svc->seccomp_allow, pl, check_syscall,
		    match_exact, d);
		break;
	case PA_SECCOMP_DENY:
		rc = apply_strlist(&svc->seccomp_deny, pl, check_syscall,
		    match_exact, d);
		break;
	case PA_SECCOMP_ACTION:
		if ((rc = apply_word(pl, actions, 3, &v, d)) == 0)
			svc->seccomp_action = (enum seccomp_failure)v;
		break;
	case PA_NO_NEW_PRIVS:
		if ((rc = pattr_yesno(pl, &v, d)) == 0)
			svc->no_new_privs = v;
		break;
	case PA_CHROOT:
		rc = apply_chroot(svc, pl, d);
		break;
	case PA_LANDLOCK_PATHS:
		rc = apply_strlist(&svc->landlock_paths, pl, check_landlock,
		    match_exact, d);
		break;
	default:
		/* definition attributes are not applied here */
		diag_error(d, pl->file, pl->line,
		    "attribute \"%s\" cannot be set here", aname(pl));
		rc = -1;
		break;
	}
	if (rc == 0)
		set_origin(svc, pl);
	return rc;
}
