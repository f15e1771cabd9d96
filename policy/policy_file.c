/*
 * policy_file.c: the policy directory (xinetd.conf(5) syntax,
 * docs/policy.md).
 *
 * Owns: reading the directory and `includedir` directories, and turning the
 * blocks the lexer (xinetd_lex.c) produced into services: a block with
 * `server` or `type = INTERNAL` defines a service; a block naming a service
 * inetd.conf defined is an overlay on it; `defaults` apply to every service
 * from either source.  Attribute values: policy_attr.c.
 *
 * Two passes: every file is read and split into blocks first, so `defaults`
 * may sit in any file and still apply to all services; then the blocks are
 * applied in file order.
 */
#include "policy/policy_file.h"
#include "policy/policy_attr.h"
#include "policy/config_load.h"
#include "policy/inetd_conf.h"
#include "policy/resolve.h"
#include "common/trust.h"
#include "common/userdb.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>


struct pstate {
	struct config   *cfg;
	struct diag     *d;
	struct pblock   *blocks;
	size_t           nblocks;
	char            *stack[POLICY_INCLUDE_DEPTH + 1];  /* directories open */
	int              depth;
	size_t           nfiles;
	int              errors;        /* lexer and directory errors */
};

static int read_dir(struct pstate *, const char *, const char *, int);

int
policy_name_skipped(const char *name)
{
	static const char *const globs[] = { "*~", "*.swp", "*.dpkg-*", "*.rpm*" };

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(globs) / sizeof(globs[0]); i++)
		if (fnmatch(globs[i], name, 0) == 0)
			return 1;
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* includedir callback: relative directories are taken from the file's. */
static int
include_dir(void *ctx, const char *dir, const char *file, int line)
{
	struct pstate *ps = ctx;
	char *path = NULL;
	const char *slash;
	int rc;

	if (dir[0] != '/' && (slash = strrchr(file, '/')) != NULL)
		xasprintf(&path, "%.*s/%s", (int)(slash - file), file, dir);
	else
		path = xstrdup(dir);
	rc = read_dir(ps, path, file, line);
	free(path);
	return rc;
}

static int
lex_file(struct pstate *ps, const char *path)
{
	char *text;
	size_t len;
	int rc;

	if (++ps->nfiles > POLICY_FILES_MAX) {
		diag_error(ps->d, path, 0, "more than %d policy files",
		    POLICY_FILES_MAX);
		return 1;
	}
	rc = config_read_file(path, POLICY_FILE_MAX, &text, &len, ps->d);
	if (rc == 1) {
		/* vanished between readdir and open */
		diag_error(ps->d, path, 0, "cannot read: %s", strerror(ENOENT));
		return 1;
	}
	if (rc == -1)
		return 1;
	rc = xinetd_lex(config_file(ps->cfg, path), text, len, &ps->blocks,
	    &ps->nblocks, include_dir, ps, ps->d);
	free(text);
	return rc;
}

/*
 * Read the policy files of dir in name order.  from/line: the includedir
 * line, or NULL for the policy directory itself.  Returns the error count.
 */
static int
read_dir(struct pstate *ps, const char *dir, const char *from, int line)
{
	char real[PATH_MAX], why[256], **names = NULL, *path;
	size_t nnames = 0;
	struct dirent *de;
	struct stat st;
	DIR *dp;
	int errors = 0;

	if (ps->depth >= POLICY_INCLUDE_DEPTH) {
		diag_error(ps->d, from, line, "includedir \"%s\": nested too deep",
		    dir);
		return 1;
	}
	if ((dp = opendir(dir)) == NULL) {
		if (from != NULL)
			diag_error(ps->d, from, line, "includedir \"%s\": %s", dir,
			    strerror(errno));
		else
			diag_error(ps->d, dir, 0, "cannot open policy directory: %s",
			    strerror(errno));
		return 1;
	}
	/* Every file in it is read: nobody but root may add one. */
	if (trust_check_fd(dirfd(dp), dir, 1, why, sizeof(why)) == -1) {
		diag_error(ps->d, dir, 0, "policy directory refused: %s", why);
		closedir(dp);
		return 1;
	}
	if (realpath(dir, real) == NULL)
		str_copy(real, dir, sizeof(real));
	for (int i = 0; i < ps->depth; i++)
		if (strcmp(ps->stack[i], real) == 0) {
			diag_error(ps->d, from, line,
			    "includedir \"%s\" includes itself", dir);
			closedir(dp);
			return 1;
		}
	while ((de = readdir(dp)) != NULL) {
		if (policy_name_skipped(de->d_name))
			continue;
		if (nnames >= POLICY_FILES_MAX) {
			diag_error(ps->d, dir, 0, "more than %d policy files",
			    POLICY_FILES_MAX);
			errors++;
			break;
		}
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), cmp_names);

	ps->stack[ps->depth++] = real;
	for (size_t i = 0; i < nnames; i++) {
		size_t dl = strlen(dir);
		xasprintf(&path, "%s%s%s", dir, dl > 0 && dir[dl - 1] == '/' ?
		    "" : "/", names[i]);
		if (stat(path, &st) == -1) {
			/* a dangling symbolic link (an editor's lock) is skipped */
			if (errno != ENOENT) {
				diag_error(ps->d, path, 0, "cannot read: %s",
				    strerror(errno));
				errors++;
			}
		} else if (S_ISREG(st.st_mode))
			errors += lex_file(ps, path);
		free(path);
		free(names[i]);
	}
	ps->depth--;
	free(names);
	return errors;
}

/* ---- pass 2 ---- */

/*
 * The lines of one block, or the merged defaults lines (pointers), walked
 * per attribute.
 */
struct src {
	const struct pline *const *ptrs;        /* defaults: pointers */
	const struct pline *lines;              /* a block: its lines */
	size_t n;
};

typedef int (*line_fn)(struct service *, const struct pline *, enum pctx,
    struct diag *);

static int
for_lines(const struct src *s, enum pattr a, struct service *svc,
    enum pctx ctx, struct diag *d, line_fn fn)
{
	int rc = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct pline *pl = s->ptrs ? s->ptrs[i] : &s->lines[i];
		if (pl->attr == a && fn(svc, pl, ctx, d) == -1)
			rc = -1;
	}
	return rc;
}

static const struct pline *
first_line(const struct src *s, enum pattr a)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct pline *pl = s->ptrs ? s->ptrs[i] : &s->lines[i];
		if (pl->attr == a)
			return pl;
	}
	return NULL;
}

static int
apply_fn(struct service *svc, const struct pline *pl, enum pctx ctx,
    struct diag *d)
{
	return pattr_apply(svc, pl, ctx, d);
}

/*
 * Apply the policy attributes of block b (NULL: none) and of the defaults
 * to svc.  A value the block sets wins; a list the block starts with += or
 * -= starts from the defaults' list; the defaults never override what the
 * service's own source (inetd.conf, say) set explicitly.  The defaults'
 * bind is read by the definition step only: an inetd.conf entry's address
 * is its line's (the ADDRESS: prefix or every address).
 */
static int
apply_policy(struct service *svc, const struct src *b, const struct src *defs,
    enum pctx ctx, struct diag *d)
{
	int rc = 0;

	for (int a = 0; a < PA_COUNT; a++) {
		const struct pattr_info *pi = pattr_get((enum pattr)a);
		const struct pline *first;

		/* definition attributes are the definition step's; flags too,
		 * except in an overlay or defaults (the non-socket flags) */
		if ((pi->flags & PA_F_DEFINE) &&
		    !(a == PA_FLAGS && ctx != PCTX_DEFINE))
			continue;
		first = b != NULL ? first_line(b, (enum pattr)a) : NULL;
		if (first == NULL) {
			if (!pattr_is_set(svc, (enum pattr)a) &&
			    for_lines(defs, (enum pattr)a, svc, PCTX_DEFAULTS, d,
			    apply_fn) == -1)
				rc = -1;
			continue;
		}
		if ((pi->flags & PA_F_LIST) && first->op != POP_SET) {
			if (!pattr_is_set(svc, (enum pattr)a) &&
			    for_lines(defs, (enum pattr)a, svc, PCTX_DEFAULTS, d,
			    apply_fn) == -1)
				rc = -1;
		} else if (pi->flags & PA_F_LIST)
			pattr_clear(svc, (enum pattr)a);
		if (for_lines(b, (enum pattr)a, svc, ctx, d, apply_fn) == -1)
			rc = -1;
	}
	return rc;
}

/* A scalar attribute may be set once per block. */
static int
check_twice(const struct pblock *b, struct diag *d)
{
	int rc = 0;

	for (size_t i = 0; i < b->nlines; i++) {
		const struct pattr_info *pi = pattr_get(b->lines[i].attr);
		if (pi->flags & PA_F_LIST)
			continue;
		for (size_t j = 0; j < i; j++)
			if (b->lines[j].attr == b->lines[i].attr) {
				diag_error(d, b->lines[i].file, b->lines[i].line,
				    "attribute \"%s\" is set twice (first at line %d)",
				    pi->name, b->lines[j].line);
				rc = -1;
				break;
			}
	}
	return rc;
}

/* Check a block's policy lines once, on a scratch service. */
static int
validate_lines(const struct pblock *b, enum pctx ctx, struct diag *d)
{
	struct service *scratch = service_new();
	unsigned flags;
	int rc = 0;

	for (size_t i = 0; i < b->nlines; i++) {
		const struct pline *pl = &b->lines[i];
		const struct pattr_info *pi = pattr_get(pl->attr);
		if (pl->attr == PA_FLAGS) {
			if (pattr_flags(pl, ctx, &flags, d) == -1)
				rc = -1;
		} else if (!(pi->flags & PA_F_DEFINE)) {
			if (pattr_apply(scratch, pl, ctx, d) == -1)
				rc = -1;
		}
	}
	service_free(scratch);
	return rc;
}

static int
bind_word_ok(const char *w)
{
	char buf[INET6_ADDRSTRLEN + 2];
	struct in6_addr a6;
	struct in_addr a4;
	size_t n = strlen(w);

	if (strcmp(w, "*") == 0 || inet_pton(AF_INET, w, &a4) == 1)
		return 1;
	if (n >= 2 && w[0] == '[' && w[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, w + 1, n - 2);
		buf[n - 2] = '\0';
		w = buf;
	}
	return inet_pton(AF_INET6, w, &a6) == 1;
}

/*
 * Merge every defaults block into one list of lines, dropping lines with
 * bad values (reported once here, not once per service).
 */
static void
collect_defaults(struct pstate *ps, const struct pline ***out, size_t *nout)
{
	struct service *scratch = service_new();
	const struct pline **v = NULL;
	size_t n = 0;
	unsigned flags;

	for (size_t i = 0; i < ps->nblocks; i++) {
		const struct pblock *b = &ps->blocks[i];
		if (!b->defaults)
			continue;
		for (size_t j = 0; j < b->nlines; j++) {
			const struct pline *pl = &b->lines[j];
			const struct pattr_info *pi = pattr_get(pl->attr);
			int ok;

			if (pl->attr == PA_BIND) {
				ok = bind_word_ok(pl->argv[0]);
				if (!ok)
					diag_error(ps->d, pl->file, pl->line,
					    "bad address \"%.64s\" for bind",
					    pl->argv[0]);
			} else if (pl->attr == PA_FLAGS)
				ok = pattr_flags(pl, PCTX_DEFAULTS, &flags, ps->d) == 0;
			else
				ok = pattr_apply(scratch, pl, PCTX_DEFAULTS, ps->d) == 0;
			if (!ok)
				continue;
			if (!(pi->flags & PA_F_LIST)) {
				size_t k;
				for (k = 0; k < n; k++)
					if (v[k]->attr == pl->attr)
						break;
				if (k < n) {
					diag_error(ps->d, pl->file, pl->line,
					    "attribute \"%s\" is already set in defaults "
					    "at %s:%d", pi->name, v[k]->file, v[k]->line);
					continue;
				}
			}
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = pl;
		}
	}
	service_free(scratch);
	*out = v;
	*nout = n;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* A user or group given by name or, when no such name, by number. */
static int
numeric_name(const char *w, int group, char *buf, size_t len)
{
	struct userdb_user u;
	struct userdb_group g;
	unsigned long long n;

	if (group ? userdb_group_by_name(w, &g) == 0 :
	    userdb_user_by_name(w, &u) == 0) {
		str_copy(buf, w, len);
		return 0;
	}
	if (parse_uint(w, 0, UINT32_MAX - 1, &n) == 0) {
		if (group ? userdb_group_by_gid((gid_t)n, &g) == 0 :
		    userdb_user_by_uid((uid_t)n, &u) == 0) {
			str_copy(buf, group ? g.name : u.name, len);
			return 0;
		}
	}
	str_copy(buf, w, len);
	return -1;
}

static int
define_socket(struct service *svc, const struct pblock *b, const struct src *bs,
    const struct src *defs, struct diag *d)
{
	const struct pline *st, *pr, *fl, *bi, *po, *ty;
	const char *word, *want;
	int type;
	char proto[8];
	unsigned flags = 0;
	unsigned long long port = 0;
	int dbport, rc = 0;

	/* type */
	if ((ty = first_line(bs, PA_TYPE)) != NULL) {
		for (int i = 0; i < ty->argc; i++) {
			if (strcasecmp(ty->argv[i], "INTERNAL") == 0)
				;
			else if (strcasecmp(ty->argv[i], "UNLISTED") == 0)
				svc->unlisted = 1;
			else if (strcasecmp(ty->argv[i], "RPC") == 0 ||
			    strcasecmp(ty->argv[i], "TCPMUX") == 0 ||
			    strcasecmp(ty->argv[i], "TCPMUXPLUS") == 0) {
				diag_error(d, ty->file, ty->line,
				    "type %s is not supported", ty->argv[i]);
				rc = -1;
			} else {
				diag_error(d, ty->file, ty->line,
				    "unknown type \"%.64s\"", ty->argv[i]);
				rc = -1;
			}
		}
		svc->origin[ATTR_TYPE].file = ty->file;
		svc->origin[ATTR_TYPE].line = ty->line;
	}

	/* socket_type */
	if ((st = first_line(bs, PA_SOCKET_TYPE)) == NULL) {
		diag_error(d, b->file, b->line, "service \"%s\" has no socket_type",
		    b->name);
		return -1;
	}
	word = st->argv[0];
	if ((type = resolve_socktype(word)) > 0)
		svc->socktype = type;
	else if (type == -1) {
		diag_error(d, st->file, st->line, "socket_type %s is not supported",
		    word);
		return -1;
	} else {
		diag_error(d, st->file, st->line, "unknown socket_type \"%.64s\"",
		    word);
		return -1;
	}
	svc->origin[ATTR_SOCKET].file = st->file;
	svc->origin[ATTR_SOCKET].line = st->line;

	/* flags: the block's, else the defaults' (which hold no IPv4/IPv6) */
	if ((fl = first_line(bs, PA_FLAGS)) != NULL) {
		if (pattr_flags(fl, PCTX_DEFINE, &flags, d) == -1)
			return -1;
	} else if ((fl = first_line(defs, PA_FLAGS)) != NULL)
		(void)pattr_flags(fl, PCTX_DEFAULTS, &flags, d);
	if (fl != NULL) {
		svc->flags = flags;
		svc->origin[ATTR_FLAGS].file = fl->file;
		svc->origin[ATTR_FLAGS].line = fl->line;
	}

	/* bind: the block's, else the defaults' */
	if ((bi = first_line(bs, PA_BIND)) == NULL)
		bi = first_line(defs, PA_BIND);

	/*
	 * protocol: tcp/udp as in xinetd; flags IPv4 -> tcp, IPv6 -> tcp6,
	 * both -> tcp46; neither: an IPv6 bind address -> tcp6, else tcp.
	 * hinetd's own words tcp6, tcp46 (udp...) are accepted too and must
	 * agree with the flags.
	 */
	pr = first_line(bs, PA_PROTOCOL);
	word = pr != NULL ? pr->argv[0] :
	    svc->socktype == SOCK_DGRAM ? "udp" : "tcp";
	if (strncmp(word, "tcp", 3) != 0 && strncmp(word, "udp", 3) != 0) {
		diag_error(d, pr->file, pr->line, "unknown protocol \"%.64s\"", word);
		return -1;
	}
	want = NULL;
	if ((flags & SVC_FLAG_IPV4) && (flags & SVC_FLAG_IPV6))
		want = "46";
	else if (flags & SVC_FLAG_IPV6)
		want = "6";
	else if (flags & SVC_FLAG_IPV4)
		want = "";
	if (strcmp(word, "tcp") == 0 || strcmp(word, "udp") == 0) {
		if (want == NULL)
			want = bi != NULL && strchr(bi->argv[0], ':') != NULL ?
			    "6" : "";
		snprintf(proto, sizeof(proto), "%.3s%s", word, want);
	} else {
		if (want != NULL && strcmp(word + 3, want) != 0) {
			diag_error(d, pr->file, pr->line,
			    "protocol %.16s does not agree with flags %s", word,
			    (flags & SVC_FLAG_IPV4) && (flags & SVC_FLAG_IPV6) ?
			    "IPv4 IPv6" : (flags & SVC_FLAG_IPV6) ? "IPv6" : "IPv4");
			return -1;
		}
		str_copy(proto, word, sizeof(proto));
	}
	if (pr != NULL) {
		if (resolve_protocol(svc, proto, d, pr->file, pr->line) == -1)
			return -1;
		svc->origin[ATTR_PROTOCOL].file = pr->file;
		svc->origin[ATTR_PROTOCOL].line = pr->line;
	} else if (resolve_protocol(svc, proto, d, st->file, st->line) == -1)
		return -1;
	else if (fl != NULL && want != NULL && *want != '\0') {
		svc->origin[ATTR_PROTOCOL].file = fl->file;
		svc->origin[ATTR_PROTOCOL].line = fl->line;
	}

	/* port */
	po = first_line(bs, PA_PORT);
	if (po != NULL && parse_uint(po->argv[0], 1, 65535, &port) == -1) {
		diag_error(d, po->file, po->line,
		    "bad port \"%.64s\": a number from 1 to 65535", po->argv[0]);
		return -1;
	}
	if (svc->unlisted) {
		if (po == NULL) {
			diag_error(d, b->file, b->line,
			    "service \"%s\" has type UNLISTED but no port", b->name);
			return -1;
		}
	} else {
		dbport = resolve_port(b->name, svc->protocol);
		if (po != NULL && dbport > 0 && (int)port != dbport) {
			diag_error(d, po->file, po->line,
			    "port %llu does not match the services database (%s is "
			    "port %d)", port, b->name, dbport);
			return -1;
		}
		if (po == NULL && dbport < 0) {
			diag_error(d, b->file, b->line,
			    "service \"%s\" is not in the services database: give a "
			    "port (and type = UNLISTED)", b->name);
			return -1;
		}
		if (po == NULL)
			port = (unsigned long long)dbport;
	}
	if (po != NULL) {
		svc->origin[ATTR_PORT].file = po->file;
		svc->origin[ATTR_PORT].line = po->line;
	} else {
		svc->origin[ATTR_PORT].file = b->file;
		svc->origin[ATTR_PORT].line = b->line;
	}

	/* address */
	if (resolve_bind_address(svc, bi != NULL ? bi->argv[0] : NULL, (int)port,
	    d, bi != NULL ? bi->file : b->file, bi != NULL ? bi->line : b->line)
	    == -1)
		return -1;
	if (bi != NULL) {
		svc->origin[ATTR_ADDRESS].file = bi->file;
		svc->origin[ATTR_ADDRESS].line = bi->line;
	}
	return rc;
}

static int
define_program(struct service *svc, const struct pblock *b,
    const struct src *bs, int internal, struct diag *d)
{
	const struct pline *wa, *us, *gr, *sv, *sa, *id;
	char uname[256], gname[256];
	int v;

	if ((wa = first_line(bs, PA_WAIT)) == NULL) {
		diag_error(d, b->file, b->line, "service \"%s\" has no wait", b->name);
		return -1;
	}
	if (pattr_yesno(wa, &v, d) == -1)
		return -1;
	svc->wait = v;
	svc->origin[ATTR_WAIT].file = wa->file;
	svc->origin[ATTR_WAIT].line = wa->line;

	if ((id = first_line(bs, PA_ID)) != NULL) {
		if (!pattr_name_ok(id->argv[0])) {
			diag_error(d, id->file, id->line, "bad id \"%.64s\"",
			    id->argv[0]);
			return -1;
		}
		svc->ident = xstrdup(id->argv[0]);
		svc->origin[ATTR_ID].file = id->file;
		svc->origin[ATTR_ID].line = id->line;
	}

	us = first_line(bs, PA_USER);
	gr = first_line(bs, PA_GROUP);
	if (us == NULL && !internal) {
		diag_error(d, b->file, b->line, "service \"%s\" has no user", b->name);
		return -1;
	}
	if (us == NULL && gr != NULL) {
		diag_error(d, gr->file, gr->line, "group without user");
		return -1;
	}
	if (us != NULL) {
		if (numeric_name(us->argv[0], 0, uname, sizeof(uname)) == -1) {
			diag_error(d, us->file, us->line, "unknown user \"%.64s\"",
			    us->argv[0]);
			return -1;
		}
		if (gr != NULL &&
		    numeric_name(gr->argv[0], 1, gname, sizeof(gname)) == -1) {
			diag_error(d, gr->file, gr->line, "unknown group \"%.64s\"",
			    gr->argv[0]);
			return -1;
		}
		if (resolve_user(svc, uname, gr != NULL ? gname : NULL, d,
		    us->file, us->line) == -1)
			return -1;
		svc->origin[ATTR_USER].file = us->file;
		svc->origin[ATTR_USER].line = us->line;
		if (gr != NULL) {
			svc->origin[ATTR_GROUP].file = gr->file;
			svc->origin[ATTR_GROUP].line = gr->line;
		}
	}

	sv = first_line(bs, PA_SERVER);
	sa = first_line(bs, PA_SERVER_ARGS);
	if (internal) {
		svc->builtin = builtin_lookup(b->name);
		if (svc->builtin == BUILTIN_NONE) {
			diag_error(d, b->file, b->line,
			    "type = INTERNAL: \"%s\" is not a built-in service (echo, "
			    "discard, chargen, daytime, time)", b->name);
			return -1;
		}
		if (svc->socktype == SOCK_SEQPACKET) {
			diag_error(d, b->file, b->line,
			    "built-in service %s works over stream and dgram only",
			    b->name);
			return -1;
		}
		if (sv != NULL || sa != NULL) {
			const struct pline *x = sv != NULL ? sv : sa;
			diag_error(d, x->file, x->line,
			    "type = INTERNAL takes no %s", sv != NULL ? "server" :
			    "server_args");
			return -1;
		}
		svc->daemon = xstrdup(b->name);
		return 0;
	}
	if (sv->argv[0][0] != '/') {
		diag_error(d, sv->file, sv->line,
		    "server path must be absolute: \"%.64s\"", sv->argv[0]);
		return -1;
	}
	if (strlen(sv->argv[0]) >= PATH_MAX || *base_name(sv->argv[0]) == '\0') {
		diag_error(d, sv->file, sv->line,
		    "server path must name a program: \"%.64s\"", sv->argv[0]);
		return -1;
	}
	if (svc->socktype == SOCK_DGRAM && !svc->wait) {
		diag_error(d, wa->file, wa->line,
		    "dgram service %s must be \"wait = yes\": hinetd hands the "
		    "socket itself to the server, so only one server may read it",
		    b->name);
		return -1;
	}
	int nargs = sa != NULL ? sa->argc : 0;
	if (nargs > SVC_ARGV_MAX - 2) {
		diag_error(d, sa->file, sa->line, "more than %d server_args",
		    SVC_ARGV_MAX - 2);
		return -1;
	}
	int tcpd = strcmp(base_name(sv->argv[0]), "tcpd") == 0;
	if (svc->flags & SVC_FLAG_NAMEINARGS) {
		if (nargs == 0) {
			diag_error(d, sv->file, sv->line,
			    "flags NAMEINARGS needs server_args starting with argv[0]");
			return -1;
		}
		svc->argc = nargs;
		svc->argv = xcalloc((size_t)nargs + 1, sizeof(char *));
		for (int i = 0; i < nargs; i++)
			svc->argv[i] = xstrdup(sa->argv[i]);
	} else {
		if (tcpd) {
			diag_error(d, sv->file, sv->line,
			    "server %s needs flags = NAMEINARGS and the real program "
			    "first in server_args", sv->argv[0]);
			return -1;
		}
		svc->argc = nargs + 1;
		svc->argv = xcalloc((size_t)nargs + 2, sizeof(char *));
		svc->argv[0] = xstrdup(base_name(sv->argv[0]));
		for (int i = 0; i < nargs; i++)
			svc->argv[i + 1] = xstrdup(sa->argv[i]);
	}
	if (tcpd) {
		/* what tcpd would run, run directly; hinetd checks access */
		const char *real = svc->argv[0];
		svc->tcpd = 1;
		if (real[0] == '/')
			svc->server = xstrdup(real);
		else
			xasprintf(&svc->server, "%s%s", INETD_CONF_TCPD_DIR, real);
	} else
		svc->server = xstrdup(sv->argv[0]);
	svc->daemon = xstrdup(base_name(svc->server));
	svc->origin[ATTR_SERVER].file = sv->file;
	svc->origin[ATTR_SERVER].line = sv->line;
	svc->origin[ATTR_ARGS].file = sa != NULL ? sa->file : sv->file;
	svc->origin[ATTR_ARGS].line = sa != NULL ? sa->line : sv->line;
	return 0;
}

static const char *
socktype_name(int t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" :
	    t == SOCK_SEQPACKET ? "seqpacket" : "?";
}

static unsigned
svc_port(const struct service *svc)
{
	char host[ADDR_STRLEN];
	unsigned port = 0;

	if (svc->addrlen > 0)
		sockaddr_format((const struct sockaddr *)&svc->addr, svc->addrlen,
		    host, sizeof(host), &port);
	return port;
}

static void
define(struct pstate *ps, const struct pblock *b, const struct src *bs,
    const struct src *defs, int internal)
{
	struct config *cfg = ps->cfg;
	struct service *svc;

	if (validate_lines(b, PCTX_DEFINE, ps->d) == -1)
		return;
	svc = service_new();
	str_copy(svc->name, b->name, sizeof(svc->name));
	svc->from_policy = 1;
	svc->origin[ATTR_SERVICE].file = b->file;
	svc->origin[ATTR_SERVICE].line = b->line;
	if (define_socket(svc, b, bs, defs, ps->d) == -1 ||
	    define_program(svc, b, bs, internal, ps->d) == -1 ||
	    apply_policy(svc, bs, defs, PCTX_DEFINE, ps->d) == -1)
		goto fail;

	for (size_t i = 0; i < cfg->nsvcs; i++) {
		const struct service *o = cfg->svcs[i];
		if (service_same_socket(svc, o)) {
			diag_error(ps->d, b->file, b->line,
			    "duplicate service %s/%s port %u (first defined at "
			    "%s:%d)", b->name, svc->proto_name, svc_port(svc),
			    o->origin[ATTR_SERVICE].file ?
			    o->origin[ATTR_SERVICE].file : "?",
			    o->origin[ATTR_SERVICE].line);
			goto fail;
		}
		if (svc->ident != NULL && o->ident != NULL &&
		    strcmp(svc->ident, o->ident) == 0) {
			diag_error(ps->d, b->file, b->line,
			    "duplicate service id \"%s\": already used at %s:%d",
			    svc->ident, o->origin[ATTR_ID].file, o->origin[ATTR_ID].line);
			goto fail;
		}
	}
	if (cfg->nsvcs >= SVC_MAX) {
		diag_error(ps->d, b->file, b->line, "more than %d services", SVC_MAX);
		goto fail;
	}
	config_add(cfg, svc);
	return;
fail:
	service_free(svc);
}

static int
proto_selects(const char *word, const struct service *svc)
{
	if (strcmp(word, "tcp") == 0)
		return svc->protocol == IPPROTO_TCP ||
		    (svc->socktype == SOCK_SEQPACKET);
	if (strcmp(word, "udp") == 0)
		return svc->protocol == IPPROTO_UDP;
	return strcmp(word, svc->proto_name) == 0;
}

/*
 * An overlay on the inetd.conf services named b->name (the first ninetd of
 * cfg), narrowed by socket_type and protocol when given.  overlaid[i]: the
 * block already applied to service i.
 */
static void
overlay(struct pstate *ps, const struct pblock *b, const struct src *bs,
    const struct src *defs, size_t ninetd, const struct pblock **overlaid)
{
	struct config *cfg = ps->cfg;
	const struct pline *st = NULL, *pr = NULL;
	size_t matched = 0, *targets;
	int bad = 0, socktype = -1;

	for (size_t i = 0; i < b->nlines; i++) {
		const struct pline *pl = &b->lines[i];
		const struct pattr_info *pi = pattr_get(pl->attr);
		if (!(pi->flags & PA_F_OVERLAY)) {
			diag_error(ps->d, pl->file, pl->line,
			    "service \"%s\" is defined in inetd.conf: an overlay "
			    "cannot set \"%s\"", b->name, pi->name);
			bad = 1;
		}
		if (pl->attr == PA_SOCKET_TYPE)
			st = pl;
		if (pl->attr == PA_PROTOCOL)
			pr = pl;
	}
	if (st != NULL) {
		const char *w = st->argv[0];
		socktype = strcmp(w, "stream") == 0 ? SOCK_STREAM :
		    strcmp(w, "dgram") == 0 ? SOCK_DGRAM :
		    strcmp(w, "seqpacket") == 0 ? SOCK_SEQPACKET : -1;
		if (socktype == -1) {
			diag_error(ps->d, st->file, st->line,
			    "unknown socket_type \"%.64s\"", w);
			bad = 1;
		}
	}
	if (pr != NULL && strcmp(pr->argv[0], "tcp") && strcmp(pr->argv[0], "udp") &&
	    strcmp(pr->argv[0], "tcp6") && strcmp(pr->argv[0], "udp6") &&
	    strcmp(pr->argv[0], "tcp46") && strcmp(pr->argv[0], "udp46")) {
		diag_error(ps->d, pr->file, pr->line, "unknown protocol \"%.64s\"",
		    pr->argv[0]);
		bad = 1;
	}
	if (validate_lines(b, PCTX_OVERLAY, ps->d) == -1)
		bad = 1;
	if (bad)
		return;

	targets = xcalloc(ninetd, sizeof(*targets));
	for (size_t i = 0; i < ninetd; i++) {
		const struct service *svc = cfg->svcs[i];
		if (strcmp(svc->name, b->name) != 0)
			continue;
		if (socktype != -1 && svc->socktype != socktype)
			continue;
		if (pr != NULL && !proto_selects(pr->argv[0], svc))
			continue;
		targets[matched++] = i;
	}
	if (matched == 0) {
		diag_error(ps->d, b->file, b->line,
		    "overlay \"%s\": no inetd.conf entry of that name has%s%s%s%s",
		    b->name, st ? " socket_type " : "", st ? st->argv[0] : "",
		    pr ? " protocol " : "", pr ? pr->argv[0] : "");
		free(targets);
		return;
	}
	for (size_t k = 0; k < matched; k++) {
		const struct pblock *prev = overlaid[targets[k]];
		if (prev != NULL) {
			const struct service *svc = cfg->svcs[targets[k]];
			diag_error(ps->d, b->file, b->line,
			    "duplicate service %s/%s (%s): already overlaid at "
			    "%s:%d", b->name, svc->proto_name,
			    socktype_name(svc->socktype), prev->file, prev->line);
			bad = 1;
		}
	}
	for (size_t k = 0; k < matched && !bad; k++) {
		overlaid[targets[k]] = b;
		(void)apply_policy(cfg->svcs[targets[k]], bs, defs, PCTX_OVERLAY,
		    ps->d);
	}
	free(targets);
}

/* no_new_privs = no only with seccomp = none, and then a warning. */
static void
finish(struct service *svc, struct diag *d)
{
	const struct origin *o = &svc->origin[ATTR_NO_NEW_PRIVS];

	if (svc->no_new_privs)
		return;
	if (svc->seccomp != SECCOMP_PROFILE_NONE)
		diag_error(d, o->file, o->line,
		    "no_new_privs = no is refused unless seccomp = none (service "
		    "\"%s\")", svc->name);
	else
		diag_warning(d, o->file, o->line,
		    "service \"%s\": no_new_privs = no lets the programs it runs "
		    "gain privileges (set-user-ID, file capabilities)", svc->name);
}

static int
has_internal(const struct src *bs)
{
	const struct pline *ty = first_line(bs, PA_TYPE);

	if (ty == NULL)
		return 0;
	for (int i = 0; i < ty->argc; i++)
		if (strcasecmp(ty->argv[i], "INTERNAL") == 0)
			return 1;
	return 0;
}

static void
build(struct pstate *ps, size_t ninetd)
{
	struct config *cfg = ps->cfg;
	const struct pline **dl;
	const struct pblock **overlaid;
	size_t ndl;

	collect_defaults(ps, &dl, &ndl);
	struct src defs = { .ptrs = dl, .n = ndl };
	overlaid = xcalloc(ninetd + 1, sizeof(*overlaid));

	for (size_t i = 0; i < ps->nblocks; i++) {
		const struct pblock *b = &ps->blocks[i];
		struct src bs = { .lines = b->lines, .n = b->nlines };
		int known = 0;

		if (b->defaults || b->bad)
			continue;
		if (check_twice(b, ps->d) == -1)
			continue;
		if (first_line(&bs, PA_SERVER) != NULL || has_internal(&bs)) {
			define(ps, b, &bs, &defs, has_internal(&bs));
			continue;
		}
		for (size_t k = 0; k < ninetd && !known; k++)
			known = strcmp(cfg->svcs[k]->name, b->name) == 0;
		if (known)
			overlay(ps, b, &bs, &defs, ninetd, overlaid);
		else
			diag_error(ps->d, b->file, b->line,
			    "service \"%s\" has no server and inetd.conf defines no "
			    "service \"%s\"", b->name, b->name);
	}
	/* defaults on the inetd.conf services no overlay touched */
	for (size_t k = 0; k < ninetd; k++)
		if (overlaid[k] == NULL && ndl > 0)
			(void)apply_policy(cfg->svcs[k], NULL, &defs, PCTX_DEFAULTS,
			    ps->d);
	for (size_t k = 0; k < cfg->nsvcs; k++)
		finish(cfg->svcs[k], ps->d);
	free(overlaid);
	free(dl);
}

static void
pstate_free(struct pstate *ps)
{
	for (size_t i = 0; i < ps->nblocks; i++)
		pblock_free(&ps->blocks[i]);
	free(ps->blocks);
}

int
policy_dir_parse(struct config *cfg, const char *dir, int missing_ok,
    struct diag *d)
{
	struct pstate ps = { .cfg = cfg, .d = d };
	size_t before = d->errors, ninetd = cfg->nsvcs;
	struct stat st;

	if (stat(dir, &st) == -1 && errno == ENOENT && missing_ok)
		return 0;
	read_dir(&ps, dir, NULL, 0);
	build(&ps, ninetd);
	pstate_free(&ps);
	return (int)(d->errors - before);
}

int
policy_text_parse(struct config *cfg, const char *file, const char *text,
    size_t len, struct diag *d)
{
	struct pstate ps = { .cfg = cfg, .d = d };
	size_t before = d->errors, ninetd = cfg->nsvcs;

	xinetd_lex(config_file(cfg, file), text, len, &ps.blocks, &ps.nblocks,
	    NULL, NULL, d);
	build(&ps, ninetd);
	pstate_free(&ps);
	return (int)(d->errors - before);
}
