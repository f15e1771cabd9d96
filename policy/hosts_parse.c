/*
 * hosts_parse.c: hosts.allow / hosts.deny text -> struct ha_table.
 *
 * Owns the rule syntax of hosts_access(5) as tcpd reads it: logical lines
 * (a backslash before the newline joins the next line, nothing inserted;
 * the rule is numbered by its last physical line), '#' comments in the
 * first column, `DAEMONS : CLIENTS [: OPTIONS]` split at ':' outside
 * [brackets], list words separated by blanks and commas, EXCEPT nesting
 * right to left, and the compilation of every word into a pattern
 * (including reading /file lists).  Option fields are hosts_options.c's.
 *
 * Where tcpd silently skips a rule or a pattern that can never match
 * (missing ':', bad net/mask, unreadable list file, ...), this parser
 * reports "FILE:LINE: message" and the whole table is refused.
 */
#include "policy/hosts_access.h"
#include "policy/config_load.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LIST_SEP " \t\r\n,"

struct loc {
	const char  *file;
	int          line;
	struct diag *d;
};

/* ---- small helpers ---- */

/* First c in s outside [brackets] (tcpd's bracket-counting split_at). */
static char *
split_at(char *s, int c)
{
	int depth = 0;

	for (; *s != '\0'; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']')
			depth--;
		else if (depth == 0 && *s == c)
			return s;
	}
	return NULL;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * tcpd's dot_quad_addr(): exactly four runs of non-dots, read by
 * inet_aton() (so 010 is octal, 0x0a hex), and never 255.255.255.255.
 * Returns 0 with *out in host order, or -1.  *odd is set when a component
 * is not plain decimal.
 */
static int
dot_quad(const char *s, uint32_t *out, int *odd)
{
	struct in_addr in;
	int runs = 0, in_run = 0;

	*odd = 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '.')
			in_run = 0;
		else if (!in_run) {
			in_run = 1;
			runs++;
			if ((p[0] == '0' && p[1] != '\0' && p[1] != '.'))
				*odd = 1;
		}
		if (*p != '.' && (*p < '0' || *p > '9'))
			*odd = 1;
	}
	if (runs != 4 || inet_aton(s, &in) == 0 || in.s_addr == INADDR_NONE)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

/*
 * "addr" or "addr%scope" as IPv6.  Scope names need HA_PARSE_SYSTEM;
 * *canon receives the text with a numeric scope.
 */
static int
parse_v6(const char *s, unsigned flags, struct in6_addr *a, uint32_t *scope,
    char *canon, size_t canonlen, const char **err)
{
	char buf[HA_ADDR_MAX];
	char *pct;
	unsigned long long v;

	*scope = 0;
	if (strlen(s) >= sizeof(buf)) {
		*err = "bad IPv6 address";
		return -1;
	}
	str_copy(buf, s, sizeof(buf));
	if ((pct = strchr(buf, '%')) != NULL)
		*pct++ = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1) {
		*err = "bad IPv6 address";
		return -1;
	}
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		*err = "IPv4-mapped IPv6 address never matches: IPv4-mapped "
		    "clients are matched as IPv4, use the IPv4 form";
		return -1;
	}
	if (pct != NULL) {
		if (parse_uint(pct, 1, UINT32_MAX, &v) == 0)
			*scope = (uint32_t)v;
		else if (!(flags & HA_PARSE_SYSTEM)) {
			*err = "bad IPv6 scope";
			return -1;
		} else if ((*scope = if_nametoindex(pct)) == 0) {
			*err = "unknown IPv6 scope (interface)";
			return -1;
		}
		snprintf(canon, canonlen, "%s%%%u", buf, *scope);
	} else
		snprintf(canon, canonlen, "%s", buf);
	return 0;
}

/* ---- patterns ---- */

void
ha_str_free(struct ha_str *s)
{
	free(s->text);
	s->text = NULL;
}

int
ha_compile_str(const char *tok, int host_context, unsigned flags,
    struct ha_str *s, const char **err)
{
	size_t n = strlen(tok);
	char canon[HA_ADDR_MAX + 4], inner[HA_ADDR_MAX + 4];

	memset(s, 0, sizeof(*s));
	*err = NULL;
	if (n == 0) {
		*err = "empty pattern";
		return -1;
	}
	/*
	 * tcpd tries a host pattern against the name only when it holds a
	 * character other than digits, '.' and '/'.  hinetd also counts '*'
	 * and '?' as address characters, so that a wildcard written as an
	 * address ("10.0.0.*") can never be met by a hostile name such as
	 * "10.0.0.1.example.org".
	 */
	if (host_context)
		s->not_inaddr = tok[strspn(tok, "0123456789./*?")] != '\0';
	if (strpbrk(tok, "*?") != NULL)
		s->kind = HA_STR_WILD;
	else if (tok[0] == '.')
		s->kind = HA_STR_SUFFIX;
	else if (strcasecmp(tok, "ALL") == 0)
		s->kind = HA_STR_ALL;
	else if (strcasecmp(tok, "KNOWN") == 0)
		s->kind = HA_STR_KNOWN;
	else if (tok[n - 1] == '.')
		s->kind = HA_STR_PREFIX;
	else if (tok[0] == '[' && tok[n - 1] == ']' && n > 2) {
		if (n - 2 >= sizeof(inner)) {
			*err = "bad IPv6 address";
			return -1;
		}
		memcpy(inner, tok + 1, n - 2);
		inner[n - 2] = '\0';
		if (strpbrk(inner, "[]") != NULL) {
			*err = "bad IPv6 address";
			return -1;
		}
		if (parse_v6(inner, flags, &s->a6, &s->scope, canon,
		    sizeof(canon), err) == -1)
			return -1;
		s->kind = HA_STR_ADDR6;
		s->text = xmalloc(strlen(canon) + 3);
		snprintf(s->text, strlen(canon) + 3, "[%s]", canon);
		return 0;
	} else
		s->kind = HA_STR_EXACT;
	if (strpbrk(tok, "[]") != NULL) {
		*err = "'[' or ']' outside an [IPv6] address";
		return -1;
	}
	s->text = xstrdup(tok);
	return 0;
}

void
ha_host_free(struct ha_host *h)
{
	free(h->text);
	ha_str_free(&h->str);
	for (size_t i = 0; i < h->nsub; i++)
		ha_host_free(&h->sub[i]);
	free(h->sub);
	memset(h, 0, sizeof(*h));
}

static int compile_host(struct loc *L, const char *tok, unsigned flags,
    int depth, struct ha_host *h);

/* Read a /file list: words separated by white space, each a host pattern. */
static int
compile_file(struct loc *L, const char *path, unsigned flags, int depth,
    struct ha_host *h)
{
	struct diag tmp;
	char *text = NULL, *p, *end;
	size_t len = 0;
	int rc, errors = 0, line = 1, warned = 0;

	if (!(flags & HA_PARSE_SYSTEM)) {
		diag_error(L->d, L->file, L->line,
		    "list file %s cannot be read here", path);
		return -1;
	}
	if (depth >= HA_FILE_DEPTH) {
		diag_error(L->d, L->file, L->line,
		    "list file %s: list files nested more than %d deep",
		    path, HA_FILE_DEPTH);
		return -1;
	}
	diag_init(&tmp);
	rc = config_read_file(path, HA_LIST_FILE_MAX, &text, &len, &tmp);
	if (rc != 0) {
		if (rc == 1)
			diag_error(L->d, L->file, L->line,
			    "list file %s does not exist", path);
		else
			diag_error(L->d, L->file, L->line, "list file %s",
			    tmp.n > 0 ? tmp.msgs[0] : path);
		diag_free(&tmp);
		return -1;
	}
	diag_free(&tmp);
	if (memchr(text, '\0', len) != NULL) {
		diag_error(L->d, path, 0, "NUL byte in list file");
		free(text);
		return -1;
	}
	p = text;
	end = text + len;
	while (p < end) {
		struct loc sub = { path, line, L->d };
		char *w;

		if (isspace((unsigned char)*p)) {
			if (*p == '\n')
				line++;
			p++;
			continue;
		}
		w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		if ((size_t)(p - w) > HA_RULE_MAX) {
			diag_error(L->d, path, line, "word longer than %d bytes",
			    HA_RULE_MAX);
			errors++;
			continue;
		}
		w = xstrndup(w, (size_t)(p - w));
		if (w[0] == '#' && !warned) {
			diag_warning(L->d, path, line, "'#' does not start a "
			    "comment in a list file: every word is a pattern");
			warned = 1;
		}
		h->sub = xreallocarray(h->sub, h->nsub + 1, sizeof(*h->sub));
		if (compile_host(&sub, w, flags, depth + 1, &h->sub[h->nsub]) == 0)
			h->nsub++;
		else
			errors++;
		free(w);
	}
	free(text);
	return errors ? -1 : 0;
}

static int
compile_net(struct loc *L, const char *tok, char *net, char *mask,
    unsigned flags, struct ha_host *h)
{
	unsigned long long v;
	const char *err = NULL;
	char canon[HA_ADDR_MAX + 4];
	int odd, odd2;
	size_t n = strlen(net);

	if (net[0] == '[') {
		if (n < 3 || net[n - 1] != ']') {
			diag_error(L->d, L->file, L->line,
			    "%s: bad IPv6 network: write [address]/length", tok);
			return -1;
		}
		net[n - 1] = '\0';
		if (parse_v6(net + 1, flags, &h->net6, &h->scope6, canon,
		    sizeof(canon), &err) == -1) {
			diag_error(L->d, L->file, L->line, "%s: %s", tok, err);
			return -1;
		}
		if (!all_digits(mask) || parse_uint(mask, 0, 128, &v) == -1) {
			diag_error(L->d, L->file, L->line,
			    "%s: bad IPv6 prefix length (0..128)", tok);
			return -1;
		}
		h->kind = HA_HOST_NET6;
		h->plen6 = (unsigned)v;
		free(h->text);
		xasprintf(&h->text, "[%s]/%u", canon, h->plen6);
		return 0;
	}
	if (dot_quad(net, &h->net4, &odd) == -1) {
		diag_error(L->d, L->file, L->line,
		    "%s: bad network: write n.n.n.n/m.m.m.m, n.n.n.n/len "
		    "or [ipv6]/len", tok);
		return -1;
	}
	if (dot_quad(mask, &h->mask4, &odd2) == 0) {
		odd |= odd2;
	} else if (all_digits(mask) && parse_uint(mask, 1, 32, &v) == 0) {
		h->mask4 = (uint32_t)(0xffffffffu << (32 - v));
	} else {
		diag_error(L->d, L->file, L->line, "%s: bad mask: write "
		    "m.m.m.m (not 255.255.255.255) or a length 1..32", tok);
		return -1;
	}
	if ((h->net4 & ~h->mask4) != 0) {
		diag_error(L->d, L->file, L->line, "%s: network has bits "
		    "outside the mask, it never matches", tok);
		return -1;
	}
	if (odd) {
		struct in_addr a = { htonl(h->net4) }, m = { htonl(h->mask4) };
		char as[INET_ADDRSTRLEN], ms[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &a, as, sizeof(as));
		inet_ntop(AF_INET, &m, ms, sizeof(ms));
		diag_warning(L->d, L->file, L->line, "%s: octal or hexadecimal "
		    "number in address, read as %s/%s", tok, as, ms);
	}
	h->kind = HA_HOST_NET4;
	return 0;
}

static int
compile_host(struct loc *L, const char *tok, unsigned flags, int depth,
    struct ha_host *h)
{
	const char *err;
	char *copy, *slash;
	int rc;

	memset(h, 0, sizeof(*h));
	h->text = xstrdup(tok);
	if (tok[0] == '@') {
		if (tok[1] == '\0') {
			diag_error(L->d, L->file, L->line, "empty netgroup name");
			goto fail;
		}
		h->kind = HA_HOST_NETGROUP;
		diag_warning(L->d, L->file, L->line, "%s: NIS netgroups are "
		    "not supported, this pattern never matches", tok);
		return 0;
	}
	if (tok[0] == '/') {
		h->kind = HA_HOST_FILE;
		if (compile_file(L, tok, flags, depth, h) == -1)
			goto fail;
		return 0;
	}
	if (strcasecmp(tok, "KNOWN") == 0) {
		h->kind = HA_HOST_KNOWN;
		return 0;
	}
	if (strcasecmp(tok, "LOCAL") == 0) {
		h->kind = HA_HOST_LOCAL;
		return 0;
	}
	copy = xstrdup(tok);
	if ((slash = split_at(copy, '/')) != NULL) {
		*slash = '\0';
		rc = compile_net(L, tok, copy, slash + 1, flags, h);
		free(copy);
		if (rc == -1)
			goto fail;
		return 0;
	}
	free(copy);
	h->kind = HA_HOST_STRING;
	if (ha_compile_str(tok, 1, flags, &h->str, &err) == -1) {
		diag_error(L->d, L->file, L->line, "%s: %s", tok, err);
		goto fail;
	}
	return 0;
fail:
	ha_host_free(h);
	return -1;
}

int
ha_compile_host(const char *file, int line, const char *tok, unsigned flags,
    struct ha_host *h, struct diag *d)
{
	struct loc L = { file, line, d };

	return compile_host(&L, tok, flags, 0, h);
}

void
ha_item_free(struct ha_item *it)
{
	free(it->text);
	ha_str_free(&it->str);
	ha_host_free(&it->host);
	memset(it, 0, sizeof(*it));
}

int
ha_compile_item(const char *file, int line, const char *tok, int client,
    unsigned flags, struct ha_item *it, struct diag *d)
{
	struct loc L = { file, line, d };
	char *copy = xstrdup(tok), *at;
	const char *err;
	int rc = -1;

	memset(it, 0, sizeof(*it));
	it->text = xstrdup(tok);
	at = copy[0] != '\0' ? split_at(copy + 1, '@') : NULL;
	if (at != NULL) {
		*at++ = '\0';
		if (*at == '\0') {
			diag_error(d, file, line, "%s: empty host after '@'", tok);
			goto out;
		}
	}
	if (!client || at != NULL) {
		it->has_str = 1;
		if (ha_compile_str(copy, 0, flags, &it->str, &err) == -1) {
			diag_error(d, file, line, "%s: %s", tok, err);
			goto out;
		}
	}
	if (client || at != NULL) {
		it->has_host = 1;
		if (compile_host(&L, at != NULL ? at : copy, flags, 0,
		    &it->host) == -1)
			goto out;
	}
	rc = 0;
out:
	free(copy);
	if (rc == -1)
		ha_item_free(it);
	return rc;
}

void
ha_list_free(struct ha_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ha_item_free(&l->items[i]);
	free(l->items);
	if (l->except != NULL) {
		ha_list_free(l->except);
		free(l->except);
	}
	memset(l, 0, sizeof(*l));
}

/* Words w[0..n) -> list, EXCEPT nesting to the right. */
static int
build_list(const char *file, int line, char **w, size_t n, int client,
    unsigned flags, const char *what, int depth, struct ha_list *l,
    struct diag *d)
{
	size_t i;
	int errors = 0;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < n && strcasecmp(w[i], "EXCEPT") != 0; i++) {
		l->items = xreallocarray(l->items, l->n + 1, sizeof(*l->items));
		if (ha_compile_item(file, line, w[i], client, flags,
		    &l->items[l->n], d) == 0)
			l->n++;
		else
			errors++;
	}
	if (i == 0) {
		diag_error(d, file, line, n == 0 ? "empty %s list" :
		    "EXCEPT without a pattern before it in the %s list", what);
		errors++;
	} else if (i < n) {
		if (i + 1 == n) {
			diag_error(d, file, line, "EXCEPT without a pattern "
			    "after it in the %s list", what);
			errors++;
		} else if (depth >= HA_EXCEPT_DEPTH) {
			diag_error(d, file, line, "EXCEPT nested more than %d "
			    "deep in the %s list", HA_EXCEPT_DEPTH, what);
			errors++;
		} else {
			l->except = xcalloc(1, sizeof(*l->except));
			if (build_list(file, line, w + i + 1, n - i - 1, client,
			    flags, what, depth + 1, l->except, d) == -1)
				errors++;
		}
	}
	if (errors) {
		ha_list_free(l);
		return -1;
	}
	return 0;
}

static int
parse_list(const char *file, int line, char *text, int client,
    unsigned flags, struct ha_list *l, struct diag *d)
{
	char **w = NULL, *save = NULL, *t;
	size_t n = 0;
	int rc;

	for (t = strtok_r(text, LIST_SEP, &save); t != NULL;
	    t = strtok_r(NULL, LIST_SEP, &save)) {
		w = xreallocarray(w, n + 1, sizeof(*w));
		w[n++] = t;
	}
	rc = build_list(file, line, w, n, client, flags,
	    client ? "client" : "daemon", 0, l, d);
	free(w);
	return rc;
}

static void
rule_free(struct ha_rule *r)
{
	ha_list_free(&r->daemons);
	ha_list_free(&r->clients);
	for (size_t i = 0; i < r->nopts; i++)
		ha_option_free(&r->opts[i]);
	free(r->opts);
	memset(r, 0, sizeof(*r));
}

void
ha_table_free(struct ha_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		rule_free(&t->rules[i]);
	free(t->rules);
	free(t->file);
	free(t);
}

/* One logical line (NUL-terminated, no newline). */
static int
parse_rule(struct ha_table *t, int line, char *s, unsigned flags,
    struct diag *d)
{
	struct ha_rule r;
	char *clients, *opts;
	int errors = 0;

	if (s[0] == '#' || s[strspn(s, " \t\r")] == '\0')
		return 0;
	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\r') {
			diag_error(d, t->file, line, "control character 0x%02x "
			    "in rule", (unsigned char)*p);
			return -1;
		}
	if ((clients = split_at(s, ':')) == NULL) {
		diag_error(d, t->file, line, "missing \":\" separator");
		return -1;
	}
	*clients++ = '\0';
	if ((opts = split_at(clients, ':')) != NULL)
		*opts++ = '\0';
	memset(&r, 0, sizeof(r));
	r.line = line;
	if (parse_list(t->file, line, s, 0, flags, &r.daemons, d) == -1)
		errors++;
	if (parse_list(t->file, line, clients, 1, flags, &r.clients, d) == -1)
		errors++;
	if (opts != NULL && ha_options_parse(t->file, line, opts, flags, &r,
	    d) == -1)
		errors++;
	if (errors) {
		rule_free(&r);
		return -1;
	}
	t->rules = xreallocarray(t->rules, t->n + 1, sizeof(*t->rules));
	t->rules[t->n++] = r;
	return 0;
}

struct ha_table *
ha_parse(const char *file, const char *text, size_t len, unsigned flags,
    struct diag *d)
{
	struct ha_table *t = xcalloc(1, sizeof(*t));
	char *buf = xmalloc(HA_RULE_MAX + 1);
	size_t pos = 0, blen = 0;
	int line = 0, errors = 0, bad = 0, overflow = 0, pending = 0;

	t->file = xstrdup(file);
	if (text == NULL)
		len = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l, seg;
		int cont;

		if (nl == NULL) {
			pending = 1;
			line++;
			break;
		}
		l = (size_t)(nl - (text + pos));
		line++;
		if (memchr(text + pos, '\0', l) != NULL) {
			diag_error(d, file, line, "NUL byte in rule");
			errors++;
			bad = 1;
		}
		cont = l > 0 && text[pos + l - 1] == '\\';
		seg = cont ? l - 1 : l;
		if (!bad && !overflow) {
			if (blen + seg > HA_RULE_MAX)
				overflow = 1;
			else {
				memcpy(buf + blen, text + pos, seg);
				blen += seg;
			}
		}
		pos += l + 1;
		if (cont) {
			pending = 1;
			continue;
		}
		if (overflow) {
			diag_error(d, file, line, "rule longer than %d bytes",
			    HA_RULE_MAX);
			errors++;
		} else if (!bad) {
			buf[blen] = '\0';
			if (parse_rule(t, line, buf, flags, d) == -1)
				errors++;
		}
		blen = 0;
		bad = overflow = pending = 0;
	}
	if (pending) {
		diag_error(d, file, line, "missing newline at end of file "
		    "(tcpd ignores this rule and every rule after it)");
		errors++;
	}
	free(buf);
	if (errors) {
		ha_table_free(t);
		return NULL;
	}
	return t;
}
