/*
 * explain.c: `hinetd -T` (text) and `hinetd -T -j` (JSON): the effective
 * policy of every service.
 *
 * Each service is first described as a small tree (objects, arrays,
 * strings, numbers), each attribute with the file:line it came from; the
 * text and JSON printers both render that tree, so they cannot disagree.
 * Order is fixed: services sorted by name, protocol, socket type, address
 * and id; keys in one fixed order.
 */
#include "policy/explain.h"
#include "policy/caps.h"
#include "policy/config_check.h"
#include "policy/seccomp_profile.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the description tree ---- */

enum jt { J_OBJ, J_ARR, J_STR, J_INT, J_BOOL, J_NULL };

struct jn {
	enum jt          t;
	char            *key;           /* member of an object */
	char            *s;             /* J_STR */
	long long        i;             /* J_INT, J_BOOL */
	char            *text;          /* text rendering (NULL: from value) */
	const char      *ofile;         /* origin, for the text form */
	int              oline;
	int              has_origin;
	int              json_only;     /* not in the text form */
	struct jn      **kids;
	size_t           n;
};

static struct jn *
jn_add(struct jn *parent, enum jt t, const char *key)
{
	struct jn *j = xcalloc(1, sizeof(*j));

	j->t = t;
	j->key = key != NULL ? xstrdup(key) : NULL;
	if (parent != NULL) {
		parent->kids = xreallocarray(parent->kids, parent->n + 1,
		    sizeof(*parent->kids));
		parent->kids[parent->n++] = j;
	}
	return j;
}

static void
jn_free(struct jn *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->n; i++)
		jn_free(j->kids[i]);
	free(j->kids);
	free(j->key);
	free(j->s);
	free(j->text);
	free(j);
}

static struct jn *
jstr(struct jn *p, const char *key, const char *s)
{
	struct jn *j = jn_add(p, s != NULL ? J_STR : J_NULL, key);

	if (s != NULL)
		j->s = xstrdup(s);
	return j;
}

static struct jn *
jint(struct jn *p, const char *key, long long v)
{
	struct jn *j = jn_add(p, J_INT, key);

	j->i = v;
	return j;
}

static struct jn *
jbool(struct jn *p, const char *key, int v)
{
	struct jn *j = jn_add(p, J_BOOL, key);

	j->i = v != 0;
	return j;
}

static struct jn *
jlist(struct jn *p, const char *key, const struct strlist *l)
{
	struct jn *a = jn_add(p, J_ARR, key);

	for (size_t i = 0; i < l->n; i++)
		jstr(a, NULL, l->v[i]);
	return a;
}

static void jtext(struct jn *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
jtext(struct jn *j, const char *fmt, ...)
{
	va_list ap;

	free(j->text);
	va_start(ap, fmt);
	if (vasprintf(&j->text, fmt, ap) < 0)
		j->text = NULL;
	va_end(ap);
}

static void
origin_string(const struct origin *o, char *buf, size_t len)
{
	if (o->file != NULL && o->line > 0)
		snprintf(buf, len, "%s:%d", o->file, o->line);
	else if (o->file != NULL)
		snprintf(buf, len, "%s", o->file);
	else
		snprintf(buf, len, "default");
}

/* Mark j as coming from o. */
static struct jn *
jorig(struct jn *j, const struct origin *o)
{
	j->has_origin = 1;
	j->ofile = o->file;
	j->oline = o->line;
	return j;
}

/* ---- rendering ---- */

void
json_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', fp);
	while (*p != '\0') {
		unsigned char c = *p;
		size_t need = 0;

		if (c == '"' || c == '\\') {
			fputc('\\', fp);
			fputc(c, fp);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\b': fputs("\\b", fp); break;
			case '\f': fputs("\\f", fp); break;
			default:   fprintf(fp, "\\u%04x", c); break;
			}
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, fp);
			p++;
			continue;
		}
		/* UTF-8 passes through when well formed; other bytes as U+00XX */
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		size_t k;
		for (k = 1; k <= need; k++)
			if ((p[k] & 0xc0) != 0x80)
				break;
		/* refuse overlong and surrogate forms */
		if (need > 0 && k > need &&
		    !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0) &&
		    !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90)) {
			fwrite(p, 1, need + 1, fp);
			p += need + 1;
			continue;
		}
		fprintf(fp, "\\u%04x", c);
		p++;
	}
	fputc('"', fp);
}

static void
indent(FILE *fp, int n)
{
	for (int i = 0; i < n; i++)
		fputs("  ", fp);
}

static void
render_json(const struct jn *j, FILE *fp, int depth)
{
	switch (j->t) {
	case J_OBJ:
	case J_ARR:
		fputc(j->t == J_OBJ ? '{' : '[', fp);
		for (size_t i = 0; i < j->n; i++) {
			fputs(i ? ",\n" : "\n", fp);
			indent(fp, depth + 1);
			if (j->t == J_OBJ) {
				json_string(fp, j->kids[i]->key);
				fputs(": ", fp);
			}
			render_json(j->kids[i], fp, depth + 1);
		}
		if (j->n > 0) {
			fputc('\n', fp);
			indent(fp, depth);
		}
		fputc(j->t == J_OBJ ? '}' : ']', fp);
		break;
	case J_STR:
		json_string(fp, j->s);
		break;
	case J_INT:
		fprintf(fp, "%lld", j->i);
		break;
	case J_BOOL:
		fputs(j->i ? "true" : "false", fp);
		break;
	case J_NULL:
		fputs("null", fp);
		break;
	}
}

/* Text: printable ASCII and UTF-8 as is, control characters as '?'. */
static void
text_put(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s, fp);
}

static int
scalar(const struct jn *j)
{
	return j->t != J_OBJ && j->t != J_ARR;
}

static void
text_value(const struct jn *j, FILE *fp)
{
	if (j->text != NULL) {
		text_put(fp, j->text);
		return;
	}
	switch (j->t) {
	case J_STR:  text_put(fp, j->s[0] != '\0' ? j->s : "\"\""); break;
	case J_INT:  fprintf(fp, "%lld", j->i); break;
	case J_BOOL: fputs(j->i ? "yes" : "no", fp); break;
	case J_NULL: fputs("(none)", fp); break;
	case J_ARR:
		if (j->n == 0)
			fputs("(none)", fp);
		for (size_t i = 0; i < j->n; i++) {
			if (i)
				fputc(' ', fp);
			text_value(j->kids[i], fp);
		}
		break;
	case J_OBJ:  break;
	}
}

#define KEY_WIDTH 22
#define ARR_INLINE 6         /* longer arrays: one element a line */
#define PATH_MAX_TEXT 4200   /* "file:line" */

static void
render_text(const struct jn *obj, FILE *fp, int depth)
{
	for (size_t i = 0; i < obj->n; i++) {
		const struct jn *j = obj->kids[i];
		int w = KEY_WIDTH - 2 * depth;

		if (j->json_only)
			continue;
		indent(fp, depth);
		if (j->t == J_OBJ && j->text == NULL) {
			text_put(fp, j->key);
			fputc('\n', fp);
			render_text(j, fp, depth + 1);
			continue;
		}
		int each = j->t == J_ARR && j->text == NULL && j->n > 0 &&
		    (!scalar(j->kids[0]) || j->n > ARR_INLINE);

		if (each)
			text_put(fp, j->key);
		else {
			fprintf(fp, "%-*s ", w > 0 ? w : 1, j->key);
			text_value(j, fp);
		}
		if (j->has_origin) {
			struct origin o = { j->ofile, j->oline };
			char where[PATH_MAX_TEXT];
			origin_string(&o, where, sizeof(where));
			fputs(each ? " [" : "  [", fp);
			text_put(fp, where);
			fputc(']', fp);
		}
		fputc('\n', fp);
		/* long lists and lists of rules: one element a line, for diffs */
		for (size_t k = 0; each && k < j->n; k++) {
			indent(fp, depth + 1);
			text_value(j->kids[k], fp);
			fputc('\n', fp);
		}
	}
}

/* ---- describing a service ---- */

static const char *const attr_names[ATTR_COUNT] = {
	[ATTR_SERVICE] = "service", [ATTR_SOCKET] = "socket_type",
	[ATTR_PROTOCOL] = "protocol", [ATTR_ADDRESS] = "bind",
	[ATTR_PORT] = "port", [ATTR_WAIT] = "wait", [ATTR_USER] = "user",
	[ATTR_GROUP] = "group", [ATTR_GROUPS] = "groups",
	[ATTR_SERVER] = "server", [ATTR_ARGS] = "server_args",
	[ATTR_INSTANCES] = "instances", [ATTR_PER_SOURCE] = "per_source",
	[ATTR_CPS] = "cps", [ATTR_ONLY_FROM] = "only_from",
	[ATTR_NO_ACCESS] = "no_access", [ATTR_LOG_ON_SUCCESS] = "log_on_success",
	[ATTR_LOG_ON_FAILURE] = "log_on_failure", [ATTR_UMASK] = "umask",
	[ATTR_NICE] = "nice", [ATTR_ENV] = "env", [ATTR_PASSENV] = "passenv",
	[ATTR_RLIMIT] = "rlimit", [ATTR_FLAGS] = "flags",
	[ATTR_CAPABILITIES] = "capabilities", [ATTR_SECCOMP] = "seccomp",
	[ATTR_SECCOMP_ALLOW] = "seccomp_allow",
	[ATTR_SECCOMP_DENY] = "seccomp_deny",
	[ATTR_SECCOMP_ACTION] = "seccomp_action",
	[ATTR_NO_NEW_PRIVS] = "no_new_privs", [ATTR_CHROOT] = "chroot",
	[ATTR_LANDLOCK] = "landlock_paths", [ATTR_ID] = "id", [ATTR_TYPE] = "type",
	[ATTR_DISABLE] = "disable",
};

static const char *const rlimit_names[SVC_RLIMIT_COUNT] = {
	[SVC_RLIMIT_AS] = "rlimit_as", [SVC_RLIMIT_CPU] = "rlimit_cpu",
	[SVC_RLIMIT_DATA] = "rlimit_data", [SVC_RLIMIT_RSS] = "rlimit_rss",
	[SVC_RLIMIT_STACK] = "rlimit_stack", [SVC_RLIMIT_NOFILE] = "rlimit_files",
};

static const char *
socktype_word(int t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" :
	    t == SOCK_SEQPACKET ? "seqpacket" : "unknown";
}

static void
add_limit(struct jn *p, const char *key, unsigned v, int unlimited,
    const struct origin *o)
{
	struct jn *j;

	if (unlimited) {
		j = jstr(p, key, "UNLIMITED");
		jtext(j, "unlimited");
	} else
		j = jint(p, key, v);
	jorig(j, o);
}

static void
add_log(struct jn *p, const char *key, unsigned bits, const struct origin *o)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ SVC_LOG_PID, "PID" }, { SVC_LOG_HOST, "HOST" },
		{ SVC_LOG_USERID, "USERID" }, { SVC_LOG_EXIT, "EXIT" },
		{ SVC_LOG_DURATION, "DURATION" }, { SVC_LOG_TRAFFIC, "TRAFFIC" },
		{ SVC_LOG_ATTEMPT, "ATTEMPT" },
	};
	struct jn *a = jn_add(p, J_ARR, key);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bits & names[i].bit)
			jstr(a, NULL, names[i].name);
	jorig(a, o);
}

static void
add_flags(struct jn *p, unsigned flags, const struct origin *o)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ SVC_FLAG_IPV4, "IPv4" }, { SVC_FLAG_IPV6, "IPv6" },
		{ SVC_FLAG_NAMEINARGS, "NAMEINARGS" },
		{ SVC_FLAG_NOLIBWRAP, "NOLIBWRAP" }, { SVC_FLAG_NODELAY, "NODELAY" },
		{ SVC_FLAG_KEEPALIVE, "KEEPALIVE" },
	};
	struct jn *a = jn_add(p, J_ARR, "flags");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			jstr(a, NULL, names[i].name);
	jorig(a, o);
}

static void
add_seccomp(struct jn *sb, const struct service *svc)
{
	struct seccomp_summary sum;
	struct diag d;
	struct jn *sc, *j;

	sc = jn_add(sb, J_OBJ, "seccomp");
	jorig(jstr(sc, "profile", seccomp_profile_name(svc->seccomp)),
	    &svc->origin[ATTR_SECCOMP]);
	jorig(jstr(sc, "action", seccomp_action_name(svc->seccomp_action)),
	    &svc->origin[ATTR_SECCOMP_ACTION]);
	jorig(jlist(sc, "allow", &svc->seccomp_allow),
	    &svc->origin[ATTR_SECCOMP_ALLOW]);
	jorig(jlist(sc, "deny", &svc->seccomp_deny),
	    &svc->origin[ATTR_SECCOMP_DENY]);
	if (svc->seccomp == SECCOMP_PROFILE_NONE) {
		jtext(jstr(sc, "filter", NULL), "none: every system call is allowed");
		return;
	}
	diag_init(&d);
	if (seccomp_profile_summary(svc, &sum, &d, NULL, 0) == -1) {
		jstr(sc, "error", d.n > 0 ? d.msgs[0] : "cannot describe the filter");
		diag_free(&d);
		return;
	}
	diag_free(&d);
	jstr(sc, "default_action", sum.default_action);
	jstr(sc, "listed_action", sum.listed_action);
	j = jn_add(sc, J_ARR, sum.profile == SECCOMP_PROFILE_STRICT ?
	    "allowed_syscalls" : "denied_syscalls");
	for (size_t i = 0; i < sum.names.n; i++) {
		const char *when = i < sum.when.n ? sum.when.v[i] : "";
		struct jn *e = jstr(j, NULL, sum.names.v[i]);
		if (when != NULL && when[0] != '\0') {
			free(e->s);
			xasprintf(&e->s, "%s (%s)", sum.names.v[i], when);
		}
	}
	jlist(sc, "enosys_syscalls", &sum.enosys);
	if (sum.enosys_from <= sum.enosys_to) {
		j = jn_add(sc, J_OBJ, "enosys_numbers");
		jtext(j, "%d-%d", sum.enosys_from, sum.enosys_to);
		jint(j, "from", sum.enosys_from);
		jint(j, "to", sum.enosys_to);
	}
	seccomp_summary_free(&sum);
}

static void
add_access(struct jn *svcj, const struct service *svc,
    const struct hosts_rule *rules, size_t nrules)
{
	struct jn *ac = jn_add(svcj, J_OBJ, "access"), *j, *a;
	int wait_stream = svc->wait && svc->socktype != SOCK_DGRAM;

	if (svc->only_from_set) {
		j = jlist(ac, "only_from", &svc->only_from);
		if (svc->only_from.n == 0)
			jtext(j, "(empty: no client)");
	} else {
		j = jstr(ac, "only_from", NULL);
		jtext(j, "(not set: any client)");
	}
	jorig(j, &svc->origin[ATTR_ONLY_FROM]);
	jorig(jlist(ac, "no_access", &svc->no_access),
	    &svc->origin[ATTR_NO_ACCESS]);
	j = jbool(ac, "hosts_access", !(svc->flags & SVC_FLAG_NOLIBWRAP) &&
	    !wait_stream);
	if (svc->flags & SVC_FLAG_NOLIBWRAP)
		jtext(j, "not consulted (flags NOLIBWRAP)");
	else if (wait_stream)
		jtext(j, "not consulted (a stream wait service: its server "
		    "accepts the connections itself)");
	else
		jtext(j, "consulted as daemon \"%s\" and \"%s\"%s",
		    svc->daemon != NULL ? svc->daemon : svc->name, svc->name,
		    svc->socktype == SOCK_DGRAM ? " (datagrams: on the "
		    "client address alone)" : "");
	a = jn_add(ac, J_ARR, "rules");
	for (size_t i = 0; i < nrules; i++) {
		const struct hosts_rule *r = &rules[i];
		int m = hosts_rule_applies(r, svc);
		if (m == HOSTS_RULE_NO)
			continue;
		struct jn *e = jn_add(a, J_OBJ, NULL);
		jstr(e, "file", r->file);
		jint(e, "line", r->line);
		jstr(e, "type", r->allow ? "allow" : "deny");
		jstr(e, "rule", r->text);
		jbool(e, "conditional", m == HOSTS_RULE_MAYBE);
		jtext(e, "%s:%d: %s%s", r->file, r->line, r->text,
		    m == HOSTS_RULE_MAYBE ? "  (may apply: daemon@host, up to "
		    "the server address or name a client connects to)" : "");
	}
}

/* A limit that does not apply to this kind of service: null, and why. */
static void
add_na(struct jn *p, const char *key, const char *why, const struct origin *o)
{
	struct jn *j = jstr(p, key, NULL);

	jtext(j, "not applied: %s", why);
	jorig(j, o);
}

static void
add_limits(struct jn *s, const struct service *svc)
{
	static const struct origin deflt = { NULL, 0 };
	struct jn *g = jn_add(s, J_OBJ, "limits"), *j;
	int dgram_builtin = svc->builtin != BUILTIN_NONE &&
	    svc->socktype == SOCK_DGRAM;

	if (svc->wait && !dgram_builtin) {
		add_na(g, "instances", "a wait service runs one server at a "
		    "time", &svc->origin[ATTR_INSTANCES]);
		add_na(g, "per_source", "a wait service runs one server at a "
		    "time", &svc->origin[ATTR_PER_SOURCE]);
	} else if (dgram_builtin) {
		add_na(g, "instances", "a datagram built-in answers each "
		    "datagram at once", &svc->origin[ATTR_INSTANCES]);
		add_na(g, "per_source", "a datagram built-in answers each "
		    "datagram at once", &svc->origin[ATTR_PER_SOURCE]);
	} else {
		add_limit(g, "instances", svc->instances,
		    svc->instances == SVC_INSTANCES_UNLIMITED,
		    &svc->origin[ATTR_INSTANCES]);
		add_limit(g, "per_source", svc->per_source, svc->per_source == 0,
		    &svc->origin[ATTR_PER_SOURCE]);
	}
	j = jn_add(g, J_OBJ, "cps");
	if (svc->cps_rate == 0) {
		jstr(j, "rate", "UNLIMITED");
		jtext(j, "unlimited");
	} else {
		jint(j, "rate", svc->cps_rate);
		jtext(j, "%u %s per second, then a pause of %u s", svc->cps_rate,
		    svc->wait ? "starts" : dgram_builtin ? "datagrams" :
		    "connections", svc->cps_pause);
	}
	jint(j, "pause", svc->cps_pause);
	jorig(j, &svc->origin[ATTR_CPS]);

	/* privd's global cap and the looping guard: fixed at build time */
	if (svc->builtin != BUILTIN_NONE)
		add_na(g, "children", "a built-in runs in the listener, no "
		    "process", &deflt);
	else {
		j = jint(g, "children", SVC_CHILDREN_MAX);
		jtext(j, "%d live service processes, all services together",
		    SVC_CHILDREN_MAX);
		jorig(j, &deflt);
	}
	if (!svc->wait || dgram_builtin)
		add_na(g, "looping", svc->builtin != BUILTIN_NONE ? "a built-in "
		    "starts nothing" : "only for wait services", &deflt);
	else {
		j = jn_add(g, J_OBJ, "looping");
		jint(j, "starts", SVC_LOOP_STARTS_MAX);
		jint(j, "window", SVC_LOOP_WINDOW_S);
		jint(j, "pause_min", SVC_LOOP_PAUSE_MIN_S);
		jint(j, "pause_max", SVC_LOOP_PAUSE_MAX_S);
		jtext(j, "more than %d starts in %d s pause it for %d s, "
		    "doubling up to %d s", SVC_LOOP_STARTS_MAX,
		    SVC_LOOP_WINDOW_S, SVC_LOOP_PAUSE_MIN_S, SVC_LOOP_PAUSE_MAX_S);
		jorig(j, &deflt);
	}
}

static struct jn *
describe(const struct service *svc, const struct hosts_rule *rules,
    size_t nrules)
{
	struct jn *s = jn_add(NULL, J_OBJ, NULL), *g, *j, *a;
	char buf[1024], host[ADDR_STRLEN];
	unsigned port = 0;

	service_label(svc, buf, sizeof(buf));
	jstr(s, "service", buf)->json_only = 1;
	jstr(s, "name", svc->name);
	jorig(jstr(s, "id", svc->ident != NULL ? svc->ident : svc->name),
	    &svc->origin[ATTR_ID]);
	j = jstr(s, "source", svc->from_policy ? "policy" : "inetd.conf");
	jorig(j, &svc->origin[ATTR_SERVICE]);
	jorig(jbool(s, "disabled", svc->disabled), &svc->origin[ATTR_DISABLE]);

	g = jn_add(s, J_OBJ, "socket");
	jorig(jstr(g, "type", socktype_word(svc->socktype)),
	    &svc->origin[ATTR_SOCKET]);
	jorig(jstr(g, "protocol", svc->proto_name), &svc->origin[ATTR_PROTOCOL]);
	host[0] = '\0';
	if (svc->addrlen > 0)
		sockaddr_format((const struct sockaddr *)&svc->addr, svc->addrlen,
		    host, sizeof(host), &port);
	j = jstr(g, "address", host);
	if (svc->family == AF_INET6 && !svc->v6only)
		jtext(j, "%s (IPv4 and IPv6)", host);
	jorig(j, &svc->origin[ATTR_ADDRESS]);
	jorig(jint(g, "port", port), &svc->origin[ATTR_PORT]);
	jorig(jbool(g, "unlisted", svc->unlisted), &svc->origin[ATTR_TYPE]);
	jorig(jbool(s, "wait", svc->wait), &svc->origin[ATTR_WAIT]);

	if (svc->builtin != BUILTIN_NONE) {
		j = jstr(s, "builtin", builtin_name(svc->builtin));
		jtext(j, "%s (served inside the listener; no process)",
		    builtin_name(svc->builtin));
		jorig(j, &svc->origin[ATTR_SERVER]);
	} else
		jstr(s, "builtin", NULL)->json_only = 1;

	g = jn_add(s, J_OBJ, "credentials");
	if (svc->user != NULL) {
		jorig(jstr(g, "user", svc->user), &svc->origin[ATTR_USER]);
		jint(g, "uid", (long long)svc->uid);
		jorig(jstr(g, "group", svc->group), &svc->origin[ATTR_GROUP]);
		jint(g, "gid", (long long)svc->gid);
		/*
		 * What no sandbox attribute takes away from uid 0: the files
		 * root owns are its own, whatever its capabilities.
		 */
		if (svc->uid == 0 && svc->builtin == BUILTIN_NONE)
			jstr(g, "uid0", "owns every file root owns: without "
			    "capabilities it still reads and writes them where "
			    "their modes let their owner; only landlock_paths, "
			    "chroot and the seccomp profile narrow that");
	} else {
		jstr(g, "user", NULL);
		jstr(g, "uid", NULL);
		jstr(g, "group", NULL);
		jstr(g, "gid", NULL);
	}
	a = jn_add(g, J_ARR, "supplementary_groups");
	for (int i = 0; i < svc->ngroups; i++)
		jint(a, NULL, (long long)svc->groups[i]);
	jorig(a, &svc->origin[ATTR_GROUPS]);

	g = jn_add(s, J_OBJ, "program");
	jorig(jstr(g, "server", svc->server), &svc->origin[ATTR_SERVER]);
	a = jn_add(g, J_ARR, "argv");
	for (int i = 0; i < svc->argc && svc->argv != NULL; i++)
		jstr(a, NULL, svc->argv[i]);
	jorig(a, &svc->origin[ATTR_ARGS]);
	jstr(g, "daemon", svc->daemon);
	j = jbool(g, "tcpd", svc->tcpd);
	if (svc->tcpd)
		jtext(j, "yes (tcpd's work is done by hinetd; the program runs "
		    "directly)");

	add_access(s, svc, rules, nrules);

	add_limits(s, svc);

	g = jn_add(s, J_OBJ, "logging");
	add_log(g, "log_on_success", svc->log_on_success,
	    &svc->origin[ATTR_LOG_ON_SUCCESS]);
	add_log(g, "log_on_failure", svc->log_on_failure,
	    &svc->origin[ATTR_LOG_ON_FAILURE]);

	g = jn_add(s, J_OBJ, "process");
	if (svc->umask >= 0) {
		snprintf(buf, sizeof(buf), "%03o", (unsigned)svc->umask);
		j = jstr(g, "umask", buf);
	} else {
		j = jstr(g, "umask", NULL);
		jtext(j, "inherited");
	}
	jorig(j, &svc->origin[ATTR_UMASK]);
	j = jint(g, "nice", svc->nice_set ? svc->nice : 0);
	if (!svc->nice_set)
		jtext(j, "0 (unchanged)");
	jorig(j, &svc->origin[ATTR_NICE]);
	jorig(jlist(g, "env", &svc->env), &svc->origin[ATTR_ENV]);
	jorig(jlist(g, "passenv", &svc->passenv), &svc->origin[ATTR_PASSENV]);
	add_flags(g, svc->flags, &svc->origin[ATTR_FLAGS]);

	g = jn_add(s, J_OBJ, "rlimits");
	for (int r = 0; r < SVC_RLIMIT_COUNT; r++) {
		const char *key = rlimit_names[r] + 7;  /* past "rlimit_" */
		if (!(svc->rlim_set & (1u << r))) {
			j = jstr(g, key, NULL);
			jtext(j, "inherited");
		} else if (svc->rlim[r].rlim_cur == RLIM_INFINITY) {
			j = jstr(g, key, "UNLIMITED");
			jtext(j, "unlimited");
		} else
			j = jint(g, key, (long long)svc->rlim[r].rlim_cur);
		jorig(j, &svc->rlim_origin[r]);
	}

	g = jn_add(s, J_OBJ, "sandbox");
	a = jn_add(g, J_ARR, "capabilities");
	if (svc->caps != 0) {
		caps_format(svc->caps, buf, sizeof(buf));
		for (char *p = buf, *t; (t = strsep(&p, ",")) != NULL; )
			if (*t != '\0')
				jstr(a, NULL, t);
	}
	jorig(a, &svc->origin[ATTR_CAPABILITIES]);
	jorig(jbool(g, "no_new_privs", svc->no_new_privs),
	    &svc->origin[ATTR_NO_NEW_PRIVS]);
	add_seccomp(g, svc);
	jorig(jstr(g, "chroot", svc->chroot), &svc->origin[ATTR_CHROOT]);
	jorig(jlist(g, "landlock_paths", &svc->landlock_paths),
	    &svc->origin[ATTR_LANDLOCK]);

	/* every recorded origin, by attribute name (JSON; text shows inline) */
	g = jn_add(s, J_OBJ, "origin");
	g->json_only = 1;
	for (int at = 0; at < ATTR_COUNT; at++) {
		char where[PATH_MAX_TEXT];
		if (at == ATTR_RLIMIT)
			continue;
		origin_string(&svc->origin[at], where, sizeof(where));
		jstr(g, attr_names[at] != NULL ? attr_names[at] : "?", where);
	}
	for (int r = 0; r < SVC_RLIMIT_COUNT; r++) {
		char where[PATH_MAX_TEXT];
		origin_string(&svc->rlim_origin[r], where, sizeof(where));
		jstr(g, rlimit_names[r], where);
	}
	return s;
}

/* ---- order ---- */

static int
cmp_svc(const void *pa, const void *pb)
{
	const struct service *a = *(const struct service *const *)pa;
	const struct service *b = *(const struct service *const *)pb;
	char ha[ADDR_STRLEN] = "", hb[ADDR_STRLEN] = "";
	unsigned porta = 0, portb = 0;
	int c;

	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->proto_name, b->proto_name)) != 0)
		return c;
	if (a->socktype != b->socktype)
		return a->socktype < b->socktype ? -1 : 1;
	if (a->addrlen > 0)
		sockaddr_format((const struct sockaddr *)&a->addr, a->addrlen, ha,
		    sizeof(ha), &porta);
	if (b->addrlen > 0)
		sockaddr_format((const struct sockaddr *)&b->addr, b->addrlen, hb,
		    sizeof(hb), &portb);
	if ((c = strcmp(ha, hb)) != 0)
		return c;
	if (porta != portb)
		return porta < portb ? -1 : 1;
	if ((c = strcmp(a->ident != NULL ? a->ident : "",
	    b->ident != NULL ? b->ident : "")) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static struct jn *
describe_all(const struct config *cfg)
{
	struct jn *root = jn_add(NULL, J_OBJ, NULL), *f, *arr;
	const struct service **v;
	struct hosts_rule *rules;
	size_t nrules;

	jint(root, "format", 1);
	f = jn_add(root, J_OBJ, "files");
	jstr(f, "inetd_conf", cfg->inetd_path);
	jstr(f, "policy_dir", cfg->policy_dir);
	jstr(f, "hosts_allow", cfg->allow_path);
	jstr(f, "hosts_deny", cfg->deny_path);
	if (cfg->listener_known) {
		struct jn *l = jn_add(root, J_OBJ, "listener");
		jint(l, "uid", (long long)cfg->listener_uid);
		jint(l, "gid", (long long)cfg->listener_gid);
		jstr(l, "user", cfg->listener_user[0] != '\0' ?
		    cfg->listener_user : NULL);
	}
	arr = jn_add(root, J_ARR, "services");
	rules = hosts_rules_read(cfg, &nrules);
	v = xcalloc(cfg->nsvcs + 1, sizeof(*v));
	for (size_t i = 0; i < cfg->nsvcs; i++)
		v[i] = cfg->svcs[i];
	if (cfg->nsvcs > 1)
		qsort(v, cfg->nsvcs, sizeof(*v), cmp_svc);
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct jn *s = describe(v[i], rules, nrules);
		arr->kids = xreallocarray(arr->kids, arr->n + 1, sizeof(*arr->kids));
		arr->kids[arr->n++] = s;
	}
	free(v);
	hosts_rules_free(rules, nrules);
	return root;
}

void
explain_json(const struct config *cfg, FILE *fp)
{
	struct jn *root = describe_all(cfg);

	render_json(root, fp, 0);
	fputc('\n', fp);
	jn_free(root);
}

void
explain_text(const struct config *cfg, FILE *fp)
{
	struct jn *root = describe_all(cfg);
	struct jn *arr = root->kids[root->n - 1];

	fprintf(fp, "# hinetd -T: %zu service%s; [file:line] is where a value "
	    "was set, [default] a built-in default\n", arr->n,
	    arr->n == 1 ? "" : "s");
	if (cfg->listener_known) {
		fprintf(fp, "# listener: uid %lu gid %lu (", (unsigned long)cfg->listener_uid,
		    (unsigned long)cfg->listener_gid);
		if (cfg->listener_user[0] != '\0') {
			fputs("user ", fp);
			text_put(fp, cfg->listener_user);
		} else
			fputs("reserved, no passwd entry", fp);
		fputs("); no service may run as it\n", fp);
	}
	for (size_t i = 0; i < arr->n; i++) {
		const struct jn *s = arr->kids[i];
		fputc('\n', fp);
		fputs("service ", fp);
		text_put(fp, s->kids[0]->s);
		fputc('\n', fp);
		render_text(s, fp, 1);
	}
	jn_free(root);
}
