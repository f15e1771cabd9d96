/*
 * inetd_conf.c: the inetd.conf(5) parser.  It owns the
 * file's syntax: logical lines (comments, `\` continuations, length and NUL
 * checks), the fields of one entry, built-in and tcp_wrappers lines, and the
 * duplicate check.  Turning words into system values is resolve.c's job.
 */
#include "policy/inetd_conf.h"
#include "policy/config_load.h"
#include "policy/resolve.h"
#include "common/userdb.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Fields: 6 fixed ones, then at most SVC_ARGV_MAX words of argv. */
#define FIELDS_MAX      (6 + SVC_ARGV_MAX)

#define F_SERVICE       0
#define F_SOCKTYPE      1
#define F_PROTOCOL      2
#define F_WAIT          3
#define F_USER          4
#define F_SERVER        5
#define F_ARGV0         6

struct reader {
	const char     *buf;
	size_t          len;
	size_t          pos;
	int             lineno;         /* last physical line read */
};

struct logical {
	char           *text;           /* INETD_CONF_LINE_MAX + 1 bytes */
	size_t          len;
	int             line;           /* where the entry starts; 0: blank */
	int             too_long;
	int             nul_line;       /* first line with a NUL; 0: none */
};

/* One entry being parsed; fields point into the logical line. */
struct entry {
	struct config  *cfg;
	struct diag    *d;
	const char     *file;           /* interned in cfg */
	int             line;
	char           *f[FIELDS_MAX];
	int             nf;
	const char     *address;        /* NULL: all addresses */
	const char     *service;
	int             port;           /* 0: not known */
	int             svc_ok, type_ok, proto_ok, wait_ok, instances_set;
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Length of a physical line without its comment and trailing blanks. */
static size_t
content_len(const char *p, size_t n)
{
	const char *hash = memchr(p, '#', n);

	if (hash != NULL)
		n = (size_t)(hash - p);
	while (n > 0 && is_blank((unsigned char)p[n - 1]))
		n--;
	return n;
}

static void
logical_append(struct logical *l, const char *p, size_t n, int lineno)
{
	size_t i, sep;

	for (i = 0; i < n && is_blank((unsigned char)p[i]); i++)
		;
	if (i == n)
		return;
	if (l->line == 0)
		l->line = lineno;
	if (l->too_long)
		return;
	sep = l->len > 0;
	if (l->len + sep + n > INETD_CONF_LINE_MAX) {
		l->too_long = 1;
		return;
	}
	if (sep)
		l->text[l->len++] = ' ';
	memcpy(l->text + l->len, p, n);
	l->len += n;
}

/*
 * Read one logical line: physical lines joined while one ends (after its
 * comment is removed) with a backslash.  Returns 0 at the end of the text.
 */
static int
read_logical(struct reader *r, struct logical *l)
{
	const char *p, *nl;
	size_t n, c;
	int more = 1;

	l->len = 0;
	l->line = 0;
	l->too_long = 0;
	l->nul_line = 0;
	if (r->pos >= r->len)
		return 0;
	while (more && r->pos < r->len) {
		p = r->buf + r->pos;
		nl = memchr(p, '\n', r->len - r->pos);
		n = nl != NULL ? (size_t)(nl - p) : r->len - r->pos;
		r->pos += nl != NULL ? n + 1 : n;
		if (r->lineno < INT_MAX)
			r->lineno++;
		if (l->nul_line == 0 && memchr(p, '\0', n) != NULL)
			l->nul_line = r->lineno;
		c = content_len(p, n);
		more = c > 0 && p[c - 1] == '\\';
		logical_append(l, p, more ? c - 1 : c, r->lineno);
	}
	l->text[l->len] = '\0';
	return 1;
}

/* Split s in place at blanks.  Returns the count, or max + 1 if more. */
static int
split_fields(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		while (is_blank((unsigned char)*s))
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		f[n++] = s;
		while (*s != '\0' && !is_blank((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static int
all_digits(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static int
check_field_count(struct entry *e)
{
	const char *w = e->f[0];

	if (e->nf > FIELDS_MAX) {
		diag_error(e->d, e->file, e->line,
		    "too many arguments for the server (at most %d)",
		    SVC_ARGV_MAX);
		return -1;
	}
	if (e->nf == 1 && w[strlen(w) - 1] == ':') {
		diag_error(e->d, e->file, e->line,
		    "address-only lines (\"%s\") are not supported: "
		    "put the address before each service", w);
		return -1;
	}
	if (e->nf < 6) {
		diag_error(e->d, e->file, e->line,
		    "incomplete line: %d field%s, expected [ADDRESS:]SERVICE "
		    "SOCKET-TYPE PROTOCOL WAIT[/MAX] USER[.GROUP] SERVER [ARGS...]",
		    e->nf, e->nf == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

/* Position of the last ':' outside brackets; NULL if none or unbalanced. */
static char *
address_colon(char *word, int *unbalanced)
{
	char *colon = NULL;
	int depth = 0;

	*unbalanced = 0;
	for (char *p = word; *p != '\0'; p++) {
		if (*p == '[') {
			if (depth++ != 0)
				*unbalanced = 1;        /* no nesting */
		} else if (*p == ']') {
			if (--depth != 0)
				*unbalanced = 1;
		} else if (*p == ':' && depth == 0)
			colon = p;
	}
	if (depth != 0)
		*unbalanced = 1;
	return *unbalanced ? NULL : colon;
}

/* [ADDRESS:]SERVICE */
static void
parse_service_word(struct entry *e, struct service *svc)
{
	char *word = e->f[F_SERVICE], *colon;
	int unbalanced;

	colon = address_colon(word, &unbalanced);
	if (unbalanced) {
		diag_error(e->d, e->file, e->line,
		    "unbalanced brackets in \"%s\"", word);
		return;
	}
	e->service = word;
	if (colon != NULL) {
		*colon = '\0';
		e->address = word;
		e->service = colon + 1;
		if (*e->address == '\0') {
			diag_error(e->d, e->file, e->line,
			    "empty address in \":%s\"", e->service);
			e->address = NULL;      /* reported once */
			return;
		}
		if (*e->service == '\0') {
			diag_error(e->d, e->file, e->line,
			    "missing service name after \"%s:\"", e->address);
			return;
		}
	}
	if (strlen(e->service) >= SVC_NAME_MAX) {
		diag_error(e->d, e->file, e->line,
		    "service name \"%s\" is too long (at most %d bytes)",
		    e->service, SVC_NAME_MAX - 1);
		return;
	}
	str_copy(svc->name, e->service, sizeof(svc->name));
	e->svc_ok = 1;
}

static void
parse_socktype(struct entry *e, struct service *svc)
{
	const char *word = e->f[F_SOCKTYPE];

	int type = resolve_socktype(word);

	if (type > 0)
		svc->socktype = type;
	else if (type == -1) {
		diag_error(e->d, e->file, e->line,
		    "socket type %s is not supported", word);
		return;
	} else {
		diag_error(e->d, e->file, e->line,
		    "unknown socket type \"%s\" (expected stream, dgram or seqpacket)",
		    word);
		return;
	}
	e->type_ok = 1;
}

static void
parse_protocol(struct entry *e, struct service *svc)
{
	const char *word = e->f[F_PROTOCOL];

	if (strncmp(word, "rpc/", 4) == 0) {
		diag_error(e->d, e->file, e->line,
		    "RPC services (protocol %s) are not supported", word);
		return;
	}
	if (strcmp(word, "unix") == 0) {
		diag_error(e->d, e->file, e->line,
		    "unix-domain services are not supported");
		return;
	}
	if (resolve_protocol(svc, word, e->d, e->file, e->line) == 0)
		e->proto_ok = 1;
}

static void
parse_port(struct entry *e, struct service *svc)
{
	unsigned long long n;
	int port;

	if (!e->svc_ok)
		return;
	if (all_digits(e->service)) {
		if (parse_uint(e->service, 1, 65535, &n) == -1) {
			diag_error(e->d, e->file, e->line,
			    "port %s out of range (1..65535)", e->service);
			return;
		}
		e->port = (int)n;
		return;
	}
	if (!e->proto_ok)
		return;
	port = resolve_port(e->service, svc->protocol);
	if (port < 1) {
		diag_error(e->d, e->file, e->line,
		    "unknown service \"%s\" for protocol %s", e->service,
		    svc->proto_name);
		return;
	}
	e->port = port;
}

static void
parse_address(struct entry *e, struct service *svc)
{
	if (!e->proto_ok)
		return;
	resolve_bind_address(svc, e->address, e->port, e->d, e->file, e->line);
}

/* wait | nowait, then /MAX (instances) or .N (OpenBSD rate: ignored). */
static void
parse_wait(struct entry *e, struct service *svc)
{
	const char *word = e->f[F_WAIT], *sep;
	unsigned long long n;
	size_t len;

	sep = strpbrk(word, "/.");
	len = sep != NULL ? (size_t)(sep - word) : strlen(word);
	if (len == 4 && strncmp(word, "wait", 4) == 0)
		svc->wait = 1;
	else if (len == 6 && strncmp(word, "nowait", 6) == 0)
		svc->wait = 0;
	else {
		diag_error(e->d, e->file, e->line,
		    "unknown wait flag \"%s\" (expected wait or nowait)", word);
		return;
	}
	e->wait_ok = 1;
	if (sep == NULL)
		return;
	if (parse_uint(sep + 1, 1, INETD_CONF_INSTANCES_MAX, &n) == -1) {
		diag_error(e->d, e->file, e->line,
		    "bad %s \"%s\" in \"%s\" (expected 1..%d)",
		    *sep == '/' ? "instance limit" : "rate limit", sep + 1,
		    word, INETD_CONF_INSTANCES_MAX);
		return;
	}
	if (*sep == '.') {
		diag_warning(e->d, e->file, e->line,
		    "rate limit \"%s\" in \"%s\" is ignored (use %.*s/N to cap "
		    "instances, or cps in a policy file)", sep, word, (int)len,
		    word);
		return;
	}
	svc->instances = (unsigned)n;
	e->instances_set = 1;
}

/*
 * USER, USER.GROUP or USER:GROUP.  A whole word that is a user name is the
 * user (names may contain dots); a colon always separates (user names
 * cannot contain one); otherwise the first dot does.
 */
static void
parse_user(struct entry *e, struct service *svc)
{
	char *word = e->f[F_USER], *sep, *group = NULL;
	struct userdb_user u;
	char c;

	sep = strchr(word, ':');
	if (sep == NULL && userdb_user_by_name(word, &u) == -1)
		sep = strchr(word, '.');
	if (sep != NULL) {
		c = *sep;
		*sep = '\0';
		group = sep + 1;
		if (*word == '\0' || *group == '\0') {
			*sep = c;
			diag_error(e->d, e->file, e->line,
			    "missing %s name in \"%s\"",
			    *word == c ? "user" : "group", word);
			return;
		}
	}
	resolve_user(svc, word, group, e->d, e->file, e->line);
}

static enum svc_builtin
builtin_by_port(int port)
{
	switch (port) {
	case 7:
		return BUILTIN_ECHO;
	case 9:
		return BUILTIN_DISCARD;
	case 13:
		return BUILTIN_DAYTIME;
	case 19:
		return BUILTIN_CHARGEN;
	case 37:
		return BUILTIN_TIME;
	default:
		return BUILTIN_NONE;
	}
}

/* `internal`: by service name, else by port (numbers and aliases). */
static void
parse_internal(struct entry *e, struct service *svc)
{
	enum svc_builtin b;

	if (!e->svc_ok)
		return;
	b = builtin_lookup(svc->name);
	if (b == BUILTIN_NONE && e->port == 0)
		return;                 /* the port's error is already out */
	if (b == BUILTIN_NONE)
		b = builtin_by_port(e->port);
	if (b == BUILTIN_NONE) {
		diag_error(e->d, e->file, e->line,
		    "no built-in service \"%s\" (internal services: echo, discard, "
		    "chargen, daytime, time, or ports 7, 9, 19, 13, 37)", svc->name);
		return;
	}
	if (e->type_ok && svc->socktype == SOCK_SEQPACKET) {
		diag_error(e->d, e->file, e->line,
		    "built-in service %s works over stream and dgram only",
		    builtin_name(b));
		return;
	}
	svc->builtin = b;
	svc->daemon = xstrdup(builtin_name(b));
	if (e->nf > F_ARGV0)
		diag_warning(e->d, e->file, e->line,
		    "arguments after \"internal\" are ignored");
}

/*
 * Set the program: path, argv[0] (NULL: the path's base name) and the
 * arguments from field `first` on.
 */
static void
set_program(struct entry *e, struct service *svc, const char *path,
    const char *argv0, int first)
{
	const char *base = base_name(path);
	int argc;

	if (strlen(path) >= PATH_MAX) {
		diag_error(e->d, e->file, e->line,
		    "server path too long (at most %d bytes)", PATH_MAX - 1);
		return;
	}
	if (*base == '\0') {
		diag_error(e->d, e->file, e->line,
		    "server path must name a program, not a directory: \"%s\"", path);
		return;
	}
	argc = 1 + (e->nf > first ? e->nf - first : 0);
	svc->server = xstrdup(path);
	svc->argv = xcalloc((size_t)argc + 1, sizeof(*svc->argv));
	svc->argv[0] = xstrdup(argv0 != NULL ? argv0 : base);
	for (int i = 1; i < argc; i++)
		svc->argv[i] = xstrdup(e->f[first + i - 1]);
	svc->argc = argc;
	svc->daemon = xstrdup(base);
}

/* SERVER is .../tcpd: the real program is the next field. */
static void
parse_tcpd(struct entry *e, struct service *svc)
{
	const char *prog;
	char *path;

	if (e->nf <= F_ARGV0) {
		diag_error(e->d, e->file, e->line,
		    "%s needs the real server program as the next field",
		    e->f[F_SERVER]);
		return;
	}
	svc->tcpd = 1;
	prog = e->f[F_ARGV0];
	if (prog[0] == '/') {
		set_program(e, svc, prog, NULL, F_ARGV0 + 1);
		return;
	}
	xasprintf(&path, "%s%s", INETD_CONF_TCPD_DIR, prog);
	set_program(e, svc, path, prog, F_ARGV0 + 1);
	free(path);
}

static void
parse_server(struct entry *e, struct service *svc)
{
	const char *word = e->f[F_SERVER];
	size_t len = strlen(word);

	if (strcmp(word, "internal") == 0) {
		parse_internal(e, svc);
		return;
	}
	if (word[0] != '/') {
		diag_error(e->d, e->file, e->line,
		    "server path must be absolute: \"%s\"", word);
		return;
	}
	if (len >= 5 && strcmp(word + len - 5, "/tcpd") == 0) {
		parse_tcpd(e, svc);
		return;
	}
	if (e->nf > F_ARGV0)
		set_program(e, svc, word, e->f[F_ARGV0], F_ARGV0 + 1);
	else
		set_program(e, svc, word, NULL, F_ARGV0);
}

/* A dgram server gets the socket itself, so only one may read it. */
static void
check_dgram_wait(struct entry *e, struct service *svc)
{
	if (!e->type_ok || !e->wait_ok || svc->socktype != SOCK_DGRAM ||
	    svc->wait || strcmp(e->f[F_SERVER], "internal") == 0)
		return;
	diag_error(e->d, e->file, e->line,
	    "dgram service %s must be \"wait\", not \"nowait\": hinetd hands the "
	    "socket itself to the server, so only one server may read it",
	    e->service != NULL ? e->service : e->f[F_SERVICE]);
}

static void
check_unique(struct entry *e, struct service *svc)
{
	const struct service *o;

	if (e->cfg->nsvcs >= SVC_MAX) {
		diag_error(e->d, e->file, e->line,
		    "too many services (at most %d)", SVC_MAX);
		return;
	}
	for (size_t i = 0; i < e->cfg->nsvcs; i++) {
		o = e->cfg->svcs[i];
		if (!service_same_socket(o, svc))
			continue;
		if (o->origin[ATTR_SERVICE].file != NULL &&
		    o->origin[ATTR_SERVICE].line > 0)
			diag_error(e->d, e->file, e->line,
			    "duplicate service %s/%s (first defined at %s:%d)",
			    svc->name, svc->proto_name,
			    o->origin[ATTR_SERVICE].file,
			    o->origin[ATTR_SERVICE].line);
		else
			diag_error(e->d, e->file, e->line,
			    "duplicate service %s/%s (first defined as %s/%s)",
			    svc->name, svc->proto_name, o->name, o->proto_name);
		return;
	}
}

static void
set_origins(struct entry *e, struct service *svc)
{
	static const enum svc_attr attrs[] = {
		ATTR_SERVICE, ATTR_SOCKET, ATTR_PROTOCOL, ATTR_ADDRESS,
		ATTR_PORT, ATTR_WAIT, ATTR_USER, ATTR_GROUP, ATTR_SERVER,
		ATTR_ARGS,
	};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		svc->origin[attrs[i]].file = e->file;
		svc->origin[attrs[i]].line = e->line;
	}
	if (e->instances_set) {
		svc->origin[ATTR_INSTANCES].file = e->file;
		svc->origin[ATTR_INSTANCES].line = e->line;
	}
}

/* One logical line; a line with any error adds nothing. */
static void
parse_entry(struct config *cfg, struct diag *d, const char *file, int line,
    char *text)
{
	struct entry e;
	struct service *svc;
	size_t errors = d->errors;

	memset(&e, 0, sizeof(e));
	e.cfg = cfg;
	e.d = d;
	e.file = file;
	e.line = line;
	e.nf = split_fields(text, e.f, FIELDS_MAX);
	if (e.nf == 0 || check_field_count(&e) == -1)
		return;
	svc = service_new();
	parse_service_word(&e, svc);
	parse_socktype(&e, svc);
	parse_protocol(&e, svc);
	parse_port(&e, svc);
	parse_address(&e, svc);
	parse_wait(&e, svc);
	parse_user(&e, svc);
	parse_server(&e, svc);
	check_dgram_wait(&e, svc);
	if (d->errors == errors)
		check_unique(&e, svc);
	if (d->errors != errors) {
		service_free(svc);
		return;
	}
	set_origins(&e, svc);
	config_add(cfg, svc);
}

int
inetd_conf_parse_buf(struct config *cfg, const char *file, const char *buf,
    size_t len, struct diag *d)
{
	struct reader r = { buf, len, 0, 0 };
	struct logical l;
	size_t errors = d->errors;

	if (file == NULL)
		file = "inetd.conf";
	file = config_file(cfg, file);
	l.text = xmalloc(INETD_CONF_LINE_MAX + 1);
	while (read_logical(&r, &l)) {
		if (l.nul_line != 0)
			diag_error(d, file, l.nul_line, "NUL byte in line");
		else if (l.too_long)
			diag_error(d, file, l.line,
			    "line too long (more than %d bytes)",
			    INETD_CONF_LINE_MAX);
		else if (l.line != 0)
			parse_entry(cfg, d, file, l.line, l.text);
	}
	free(l.text);
	errors = d->errors - errors;
	return errors > INT_MAX ? INT_MAX : (int)errors;
}

int
inetd_conf_parse_file(struct config *cfg, const char *path, int missing_ok,
    struct diag *d)
{
	char *text;
	size_t len;
	int rc;

	rc = config_read_file(path, INETD_CONF_FILE_MAX, &text, &len, d);
	if (rc == -1)
		return 1;
	if (rc == 1) {
		if (missing_ok)
			return 0;
		diag_error(d, path, 0, "cannot read: %s", strerror(ENOENT));
		return 1;
	}
	rc = inetd_conf_parse_buf(cfg, path, text, len, d);
	free(text);
	return rc;
}
