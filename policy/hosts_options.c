/*
 * hosts_options.c: the hosts_options(5) fields of a rule (the text after
 * the second ':'), checked at load time, and the %-expansion of their
 * values for one request, shell-safe as tcpd makes it.
 *
 * Fields are separated by ':' ("\:" is a literal colon); each is
 * "keyword [=] value" with the keyword compared case-blind.  The options
 * docs/access-control.md lists are supported; every other keyword (tcpd's `group`
 * and Debian's `aclexec` included) is an error.
 */
#include "policy/hosts_access.h"
#include "common/trust.h"
#include "common/userdb.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define OPT_NEED_ARG  0x1       /* a value is required */
#define OPT_USE_ARG   0x2       /* a value is allowed */
#define OPT_AT_END    0x4       /* must be the last option */
#define OPT_EXPAND    0x8       /* the value is %-expanded */

static const struct opt_desc {
	const char      *name;
	enum ha_opt_kind kind;
	int              flags;
} opt_table[] = {
	{ "allow",     HA_OPT_ALLOW,     OPT_AT_END },
	{ "deny",      HA_OPT_DENY,      OPT_AT_END },
	{ "severity",  HA_OPT_SEVERITY,  OPT_NEED_ARG | OPT_USE_ARG },
	{ "setenv",    HA_OPT_SETENV,    OPT_NEED_ARG | OPT_USE_ARG | OPT_EXPAND },
	{ "banners",   HA_OPT_BANNERS,   OPT_NEED_ARG | OPT_USE_ARG },
	{ "umask",     HA_OPT_UMASK,     OPT_NEED_ARG | OPT_USE_ARG },
	{ "user",      HA_OPT_USER,      OPT_NEED_ARG | OPT_USE_ARG },
	{ "nice",      HA_OPT_NICE,      OPT_USE_ARG },
	{ "keepalive", HA_OPT_KEEPALIVE, 0 },
	{ "linger",    HA_OPT_LINGER,    OPT_NEED_ARG | OPT_USE_ARG },
	{ "rfc931",    HA_OPT_RFC931,    OPT_USE_ARG },
	{ "spawn",     HA_OPT_SPAWN,     OPT_NEED_ARG | OPT_USE_ARG | OPT_EXPAND },
	{ "twist",     HA_OPT_TWIST,     OPT_NEED_ARG | OPT_USE_ARG | OPT_EXPAND |
	                                 OPT_AT_END },
};

/* tcpd's syslog names (no authpriv, ftp or syslog facility there). */
static const struct { const char *name; int value; } facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH }, { "lpr", LOG_LPR },
	{ "news", LOG_NEWS }, { "uucp", LOG_UUCP }, { "cron", LOG_CRON },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
}, levels[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
	{ "err", LOG_ERR }, { "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
ha_option_name(enum ha_opt_kind k)
{
	for (size_t i = 0; i < NELEM(opt_table); i++)
		if (opt_table[i].kind == k)
			return opt_table[i].name;
	return "?";
}

void
ha_option_free(struct ha_option *o)
{
	free(o->key);
	free(o->value);
	free(o->name);
	free(o->arg);
	free(o->groups);
	for (size_t i = 0; i < o->nbanners; i++) {
		free(o->banners[i].daemon);
		free(o->banners[i].text);
	}
	free(o->banners);
	memset(o, 0, sizeof(*o));
}

static char *
chop(char *s)
{
	char *end;

	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* Signed decimal integer occupying the whole string. */
static int
parse_int(const char *s, long min, long max, long *out)
{
	unsigned long long v;
	long n;
	int neg = *s == '-';

	if (parse_uint(s + neg, 0, (unsigned long long)LONG_MAX, &v) == -1)
		return -1;
	n = neg ? -(long)v : (long)v;
	if (n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
syslog_name(const char *s, int fac)
{
	if (fac) {
		for (size_t i = 0; i < NELEM(facilities); i++)
			if (strcasecmp(s, facilities[i].name) == 0)
				return facilities[i].value;
	} else {
		for (size_t i = 0; i < NELEM(levels); i++)
			if (strcasecmp(s, levels[i].name) == 0)
				return levels[i].value;
	}
	return -1;
}

static int
valid_env_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static const char *
check_percents(const char *s)
{
	static char msg[32];

	for (; *s != '\0'; s++) {
		if (*s != '%' || s[1] == '\0')
			continue;
		s++;
		if (strchr("aAcdhHnNprRsu%", *s) == NULL) {
			if (isprint((unsigned char)*s))
				snprintf(msg, sizeof(msg), "unrecognized %%%c", *s);
			else
				snprintf(msg, sizeof(msg), "unrecognized %%\\x%02x",
				    (unsigned char)*s);
			return msg;
		}
	}
	return NULL;
}

/*
 * The `user` option's user and group, resolved once per load as a
 * service's are: privd then needs no name service per connection.
 */
static const char *
resolve_user_option(struct ha_option *o, char *errbuf, size_t errlen)
{
	struct userdb_user u;
	struct userdb_group g;
	int n = USERDB_GROUPS_MAX;

	if (userdb_user_by_name(o->name, &u) == -1) {
		snprintf(errbuf, errlen, "unknown user: \"%s\"", o->name);
		return errbuf;
	}
	o->uid = u.uid;
	o->gid = u.gid;
	if (o->arg != NULL) {
		if (userdb_group_by_name(o->arg, &g) == -1) {
			snprintf(errbuf, errlen, "unknown group: \"%s\"", o->arg);
			return errbuf;
		}
		o->gid = g.gid;
	}
	o->groups = xcalloc(USERDB_GROUPS_MAX, sizeof(gid_t));
	if (userdb_grouplist(o->name, o->gid, o->groups, &n) == -1) {
		snprintf(errbuf, errlen, "user \"%s\" is in more than %d groups",
		    o->name, USERDB_GROUPS_MAX);
		return errbuf;
	}
	o->ngroups = n;
	o->user_resolved = 1;
	return NULL;
}

/* Check one option's value; fills o.  Returns NULL or an error message. */
static const char *
check_value(struct ha_option *o, unsigned flags, char *errbuf, size_t errlen)
{
	char *v = o->value, *dot, *p;
	const char *err;
	long n;

	switch (o->kind) {
	case HA_OPT_SEVERITY:
		o->facility = -1;
		if ((dot = strchr(v, '.')) != NULL) {
			char *fac = xstrndup(v, (size_t)(dot - v));
			o->facility = syslog_name(fac, 1);
			if (o->facility == -1) {
				snprintf(errbuf, errlen, "bad syslog facility or "
				    "severity: \"%s\"", fac);
				free(fac);
				return errbuf;
			}
			free(fac);
			v = dot + 1;
		}
		if ((o->level = syslog_name(v, 0)) == -1) {
			snprintf(errbuf, errlen, "bad syslog facility or "
			    "severity: \"%s\"", v);
			return errbuf;
		}
		return NULL;
	case HA_OPT_SETENV:
		p = v + strcspn(v, " \t\r\n\f\v");
		o->name = xstrndup(v, (size_t)(p - v));
		p += strspn(p, " \t\r\n\f\v");
		o->arg = xstrdup(p);
		if (!valid_env_name(o->name)) {
			snprintf(errbuf, errlen, "bad setenv name: \"%s\"", o->name);
			return errbuf;
		}
		return check_percents(o->arg);
	case HA_OPT_BANNERS:
		if (v[0] != '/')
			return "banners directory must be an absolute path";
		return NULL;
	case HA_OPT_UMASK:
		if (v[0] == '\0' || v[strspn(v, "01234567")] != '\0' ||
		    strlen(v) > 12 || (o->num = strtol(v, NULL, 8)) > 0777) {
			snprintf(errbuf, errlen, "bad umask value: \"%s\"", v);
			return errbuf;
		}
		return NULL;
	case HA_OPT_USER:
		if ((dot = strchr(v, '.')) != NULL) {
			o->name = xstrndup(v, (size_t)(dot - v));
			o->arg = xstrdup(dot + 1);
		} else
			o->name = xstrdup(v);
		if (o->name[0] == '\0' || (o->arg != NULL && o->arg[0] == '\0')) {
			snprintf(errbuf, errlen, "bad user value: \"%s\"", v);
			return errbuf;
		}
		if (flags & HA_PARSE_SYSTEM)
			return resolve_user_option(o, errbuf, errlen);
		return NULL;
	case HA_OPT_NICE:
		o->num = 10;
		if (v != NULL) {
			if (parse_int(v, -1000000, 1000000, &n) == -1) {
				snprintf(errbuf, errlen, "bad nice value: \"%s\"", v);
				return errbuf;
			}
			o->num = n < -20 ? -20 : n > 19 ? 19 : n;
		}
		return NULL;
	case HA_OPT_LINGER:
		if (parse_int(v, 0, INT_MAX, &n) == -1) {
			snprintf(errbuf, errlen, "bad linger value: \"%s\"", v);
			return errbuf;
		}
		o->num = n;
		return NULL;
	case HA_OPT_RFC931:
		o->num = 0;
		if (v != NULL) {
			if (parse_int(v, 1, INT_MAX, &n) == -1) {
				snprintf(errbuf, errlen, "bad rfc931 timeout: "
				    "\"%s\"", v);
				return errbuf;
			}
			o->num = n;
		}
		return NULL;
	case HA_OPT_SPAWN:
	case HA_OPT_TWIST:
		if ((err = check_percents(v)) != NULL)
			return err;
		return NULL;
	default:
		return NULL;
	}
}

/*
 * Next ':'-separated field of *sp, "\:" made ':'.  Returns a malloc'd field
 * and advances *sp past the separator, or NULL at the end.  *more is set
 * when a separator followed the field.
 */
static char *
next_field(const char **sp, int *more)
{
	const char *s = *sp;
	char *out = xmalloc(strlen(s) + 1), *o = out;

	*more = 0;
	while (*s != '\0') {
		if (*s == ':') {
			s++;
			*more = 1;
			break;
		}
		if (*s == '\\' && s[1] == ':')
			s++;
		*o++ = *s++;
	}
	*o = '\0';
	*sp = s;
	return out;
}

int
ha_options_parse(const char *file, int line, const char *text,
    unsigned flags, struct ha_rule *rule, struct diag *d)
{
	const char *s = text;
	char errbuf[256];
	int more = 1;

	while (more) {
		struct ha_option o;
		const struct opt_desc *od = NULL;
		const char *err;
		char *field, *key, *value;

		field = next_field(&s, &more);
		key = chop(field);
		value = key + strcspn(key, "= \t\r\n");
		if (*value != '\0') {
			if (*value != '=') {
				*value++ = '\0';
				value += strspn(value, " \t\r\n");
			}
			if (*value == '=') {
				*value++ = '\0';
				value += strspn(value, " \t\r\n");
			}
		}
		if (*key == '\0') {
			diag_error(d, file, line, more || *s != '\0' ?
			    "missing option name" :
			    "missing option name (rule ends in \":\")");
			free(field);
			return -1;
		}
		for (size_t i = 0; i < NELEM(opt_table); i++)
			if (strcasecmp(opt_table[i].name, key) == 0)
				od = &opt_table[i];
		if (od == NULL) {
			if (strcasecmp(key, "group") == 0 ||
			    strcasecmp(key, "aclexec") == 0)
				diag_error(d, file, line, "option \"%s\" is not "
				    "supported by hinetd", key);
			else
				diag_error(d, file, line, "bad option name: "
				    "\"%s\"", key);
			free(field);
			return -1;
		}
		if (*value == '\0')
			value = NULL;
		err = NULL;
		if (value == NULL && (od->flags & OPT_NEED_ARG))
			snprintf(errbuf, sizeof(errbuf), "option \"%s\" requires "
			    "value", key), err = errbuf;
		else if (value != NULL && !(od->flags & OPT_USE_ARG))
			snprintf(errbuf, sizeof(errbuf), "option \"%s\" requires "
			    "no value", key), err = errbuf;
		else if (more && (od->flags & OPT_AT_END))
			snprintf(errbuf, sizeof(errbuf), "option \"%s\" must be "
			    "at end", key), err = errbuf;
		if (err != NULL) {
			diag_error(d, file, line, "%s", err);
			free(field);
			return -1;
		}
		memset(&o, 0, sizeof(o));
		o.kind = od->kind;
		o.key = xstrdup(key);
		o.value = value != NULL ? xstrdup(value) : NULL;
		free(field);
		if ((err = check_value(&o, flags, errbuf, sizeof(errbuf))) != NULL) {
			diag_error(d, file, line, "%s", err);
			ha_option_free(&o);
			return -1;
		}
		if (od->flags & OPT_EXPAND)
			rule->needs |= ha_expand_needs(o.kind == HA_OPT_SETENV ?
			    o.arg : o.value);
		if (o.kind == HA_OPT_RFC931)
			rule->needs |= HA_NEEDS_USER;
		rule->opts = xreallocarray(rule->opts, rule->nopts + 1,
		    sizeof(*rule->opts));
		rule->opts[rule->nopts++] = o;
	}
	return 0;
}

/* ---- %-expansion ---- */

unsigned
ha_expand_needs(const char *s)
{
	unsigned needs = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s != '%' || s[1] == '\0')
			continue;
		switch (*++s) {
		case 'n': needs |= HA_NEEDS_HOSTNAME; break;
		case 'N': needs |= HA_NEEDS_SERVER_HOSTNAME; break;
		case 'u': needs |= HA_NEEDS_USER; break;
		}
	}
	return needs;
}

static const char *
ep_addr(const struct ha_endpoint *e)
{
	return e->has_addr ? e->addr : "unknown";
}

static const char *
ep_name(const struct ha_endpoint *e)
{
	switch (e->name_state) {
	case HA_NAME_KNOWN:    return e->name;
	case HA_NAME_PARANOID: return "paranoid";
	default:               return "unknown";
	}
}

/* tcpd's eval_hostinfo(): the confirmed name, else the address. */
static const char *
ep_info(const struct ha_endpoint *e)
{
	return e->name_state == HA_NAME_KNOWN ? e->name : ep_addr(e);
}

/*
 * With safe (an expansion: text a client or its DNS chose), tcpd's rule:
 * a character outside its safe set becomes '_'.  And a leading '-' too:
 * the text reaches `sh -c` and the programs it runs, where a word that
 * begins with '-' is read as an option, not as data.
 */
static int
append(char *out, size_t outlen, size_t *len, const char *s, int safe)
{
	static const char ok[] = "1234567890!@%-_=+:,./"
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	for (const char *p = s; *p != '\0'; p++) {
		if (*len + 1 >= outlen)
			return -1;
		out[(*len)++] = (!safe || (strchr(ok, *p) != NULL &&
		    !(p == s && *p == '-'))) ? *p : '_';
	}
	out[*len] = '\0';
	return 0;
}

int
ha_expand(const char *s, const struct ha_request *req, char *out, size_t outlen)
{
	char buf[HA_NAME_MAX + HA_USER_MAX + 64];
	size_t len = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (; *s != '\0'; s++) {
		const char *x = NULL;
		char one[2] = { *s, '\0' };

		if (*s != '%' || s[1] == '\0') {
			if (append(out, outlen, &len, one, 0) == -1)
				return -1;
			continue;
		}
		switch (*++s) {
		case 'a': x = ep_addr(&req->client); break;
		case 'A': x = ep_addr(&req->server); break;
		case 'c':
			if (req->user_state == HA_USER_KNOWN)
				snprintf(buf, sizeof(buf), "%s@%s", req->user,
				    ep_info(&req->client));
			else
				snprintf(buf, sizeof(buf), "%s", ep_info(&req->client));
			x = buf;
			break;
		case 'd': x = req->daemon != NULL ? req->daemon : "unknown"; break;
		case 'h': x = ep_info(&req->client); break;
		case 'H': x = ep_info(&req->server); break;
		case 'n': x = ep_name(&req->client); break;
		case 'N': x = ep_name(&req->server); break;
		case 'p': snprintf(buf, sizeof(buf), "%ld", req->pid); x = buf; break;
		case 'r': snprintf(buf, sizeof(buf), "%u", req->client.port); x = buf; break;
		case 'R': snprintf(buf, sizeof(buf), "%u", req->server.port); x = buf; break;
		case 's':
			if (strcmp(ep_info(&req->server), "unknown") != 0)
				snprintf(buf, sizeof(buf), "%s@%s", req->daemon ?
				    req->daemon : "unknown", ep_info(&req->server));
			else
				snprintf(buf, sizeof(buf), "%s", req->daemon ?
				    req->daemon : "unknown");
			x = buf;
			break;
		case 'u':
			x = req->user_state == HA_USER_KNOWN ? req->user : "unknown";
			break;
		case '%':
			if (append(out, outlen, &len, "%", 0) == -1)
				return -1;
			continue;
		default:
			/* Refused at parse time; expand to nothing like tcpd. */
			continue;
		}
		if (append(out, outlen, &len, x, 1) == -1)
			return -1;
	}
	return 0;
}

int
ha_option_value(const struct ha_option *o, const struct ha_request *req,
    char *out, size_t outlen)
{
	char *t;
	int rc;

	if (outlen == 0)
		return -1;
	switch (o->kind) {
	case HA_OPT_SPAWN:
	case HA_OPT_TWIST:
	case HA_OPT_SETENV:
		if (ha_expand(o->value, req, out, outlen) == -1)
			return -1;
		t = xstrdup(out);
		rc = str_copy(out, chop(t), outlen) < outlen ? 0 : -1;
		free(t);
		return rc;
	default:
		return str_copy(out, o->value != NULL ? o->value : "", outlen) <
		    outlen ? 0 : -1;
	}
}

/* ---- banners ---- */

int
ha_banner_name_valid(const char *daemon)
{
	size_t n = strlen(daemon);

	return n > 0 && n < 256 && strchr(daemon, '/') == NULL &&
	    strcmp(daemon, ".") != 0 && strcmp(daemon, "..") != 0;
}

/* HA_NEEDS_* of a banner: every NUL-separated piece. */
static unsigned
banner_needs(const char *text, size_t len)
{
	unsigned needs = 0;

	for (size_t off = 0; off < len; off += strlen(text + off) + 1)
		needs |= ha_expand_needs(text + off);
	return needs;
}

/*
 * Read path into *b.  0: read; 1: no such file; -1: error (in err).
 * O_NONBLOCK: a FIFO in its place must not stall privd.
 */
static int
banner_read(const char *path, struct ha_banner *b, char *err, size_t errlen)
{
	struct stat st;
	char *buf, why[256];
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (trust_check_fd(fd, path, 0, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%.200s: refused: %.200s", path, why);
		close(fd);
		return -1;
	}
	buf = xmalloc(HA_BANNER_MAX + 2);
	for (;;) {
		n = read(fd, buf + len, HA_BANNER_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > HA_BANNER_MAX)
			break;
	}
	close(fd);
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		return -1;
	}
	if (len > HA_BANNER_MAX) {
		snprintf(err, errlen, "%s: banner larger than %d bytes", path,
		    HA_BANNER_MAX);
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	b->text = buf;
	b->len = len;
	b->needs = banner_needs(buf, len);
	return 0;
}

static int
option_banners_load(const char *file, int line, struct ha_option *o,
    const char *const *daemons, size_t n, struct diag *d)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	struct stat st;
	int rc = 0;

	if (stat(o->value, &st) == -1) {
		/* tcpd: a warning at each connection, and no banner. */
		diag_warning(d, file, line, "banners directory %s: %s", o->value,
		    strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_warning(d, file, line, "banners %s: not a directory",
		    o->value);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct ha_banner b;

		if (!ha_banner_name_valid(daemons[i]) ||
		    ha_banner_find(o, daemons[i]) != NULL)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", o->value,
		    daemons[i]) >= sizeof(path)) {
			diag_error(d, file, line, "banners: path too long for %s",
			    daemons[i]);
			rc = -1;
			continue;
		}
		memset(&b, 0, sizeof(b));
		switch (banner_read(path, &b, err, sizeof(err))) {
		case 0:
			b.daemon = xstrdup(daemons[i]);
			o->banners = xreallocarray(o->banners, o->nbanners + 1,
			    sizeof(*o->banners));
			o->banners[o->nbanners++] = b;
			break;
		case 1:
			break;          /* no banner for this daemon, as tcpd */
		default:
			diag_error(d, file, line, "banners: %s", err);
			rc = -1;
			break;
		}
	}
	return rc;
}

int
ha_banners_load(struct ha_table *t, const char *const *daemons, size_t n,
    struct diag *d)
{
	int rc = 0;

	if (t == NULL)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		struct ha_rule *r = &t->rules[i];

		for (size_t k = 0; k < r->nopts; k++)
			if (r->opts[k].kind == HA_OPT_BANNERS &&
			    option_banners_load(t->file, r->line, &r->opts[k],
			    daemons, n, d) == -1)
				rc = -1;
	}
	return rc;
}

const struct ha_banner *
ha_banner_find(const struct ha_option *o, const char *daemon)
{
	if (o->kind != HA_OPT_BANNERS || daemon == NULL)
		return NULL;
	for (size_t i = 0; i < o->nbanners; i++)
		if (strcmp(o->banners[i].daemon, daemon) == 0)
			return &o->banners[i];
	return NULL;
}

size_t
ha_banner_expand(const struct ha_banner *b, const struct ha_request *req,
    char *out, size_t outlen)
{
	char line[HA_BANNER_MAX + 3], exp[HA_BANNER_OUT_MAX];
	size_t off = 0, len = 0;

	/* tcpd writes leading NULs as they are (rlogin's protocol). */
	while (off < b->len && b->text[off] == '\0' && len < outlen) {
		out[len++] = '\0';
		off++;
	}
	while (off < b->len) {
		const char *p = b->text + off;
		const char *nl = memchr(p, '\n', b->len - off);
		size_t n = nl != NULL ? (size_t)(nl - p) : b->len - off, el;

		off += n + (nl != NULL);
		/* As tcpd's fgets, split_at and strcat: a NUL ends the text of
		 * its line, the newline becomes CR LF before the expansion. */
		n = strnlen(p, n);
		memcpy(line, p, n);
		line[n] = '\0';
		if (nl != NULL)
			memcpy(line + n, "\r\n", 3);
		if (ha_expand(line, req, exp, sizeof(exp)) == -1)
			break;
		if ((el = strlen(exp)) > outlen - len)
			break;
		memcpy(out + len, exp, el);
		len += el;
	}
	return len;
}
