/*
 * config_check.c: `hinetd -t` warnings (risky but valid choices), and which
 * hosts.allow / hosts.deny rules apply to a service, shared with
 * `hinetd -T`.
 *
 * Which rules apply is decided by the access engine (hosts_eval.c) on the
 * very tables the listener gets: each rule's daemon list against the
 * service's daemon and service names, word by word, as for a connection.
 * Client lists are not evaluated: that needs a client (hinetd-match).
 */
#include "policy/config_check.h"
#include "policy/caps.h"
#include "policy/hosts_access.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
service_label(const struct service *svc, char *buf, size_t len)
{
	char host[ADDR_STRLEN];
	unsigned port;
	int any = 1;

	if (svc->addrlen > 0 && sockaddr_format((const struct sockaddr *)&svc->addr,
	    svc->addrlen, host, sizeof(host), &port) == 0)
		any = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
	if (any)
		snprintf(buf, len, "%s/%s", svc->name, svc->proto_name);
	else
		snprintf(buf, len, "%s/%s@%s", svc->name, svc->proto_name, host);
}

int
service_loopback_only(const struct service *svc)
{
	if (svc->family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&svc->addr;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (svc->family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&svc->addr;
		const uint8_t *b = s6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && b[12] == 127;
	}
	return 0;
}

/* ---- the rules, from the parsed tables ---- */

/*
 * The text of the rule that ends at physical line `line` (the engine's
 * number): back over the lines it continues, joined as the parser joins
 * them, blanks trimmed at both ends.
 */
static char *
rule_text(const char *text, const size_t *start, size_t nlines, int line)
{
	size_t first = (size_t)line, rlen = 0;
	char *s;

	if (text == NULL || line < 1 || (size_t)line > nlines)
		return xstrdup("");
	/* line k is text[start[k - 1] .. start[k] - 1), its '\n' excluded */
	while (first > 1 && start[first - 1] - start[first - 2] >= 2 &&
	    text[start[first - 1] - 2] == '\\')
		first--;
	s = xmalloc(start[line] - start[first - 1] + 1);
	for (size_t k = first; k <= (size_t)line; k++) {
		size_t l = start[k] - 1 - start[k - 1];
		if (k < (size_t)line)
			l--;            /* the backslash */
		memcpy(s + rlen, text + start[k - 1], l);
		rlen += l;
	}
	while (rlen > 0 && strchr(" \t\r", s[rlen - 1]) != NULL)
		rlen--;
	s[rlen] = '\0';
	size_t skip = strspn(s, " \t");
	memmove(s, s + skip, rlen - skip + 1);
	return s;
}

static void
table_rules(const struct ha_table *t, const char *text, size_t len, int allow,
    struct hosts_rule **v, size_t *n)
{
	size_t *start, nlines = 0;

	if (t == NULL || t->n == 0)
		return;
	start = xcalloc(1, sizeof(*start));
	for (size_t i = 0; text != NULL && i < len; i++)
		if (text[i] == '\n') {
			start = xreallocarray(start, nlines + 2, sizeof(*start));
			start[++nlines] = i + 1;
		}
	*v = xreallocarray(*v, *n + t->n, sizeof(**v));
	for (size_t i = 0; i < t->n; i++) {
		struct hosts_rule *r = &(*v)[(*n)++];
		r->file = t->file;
		r->line = t->rules[i].line;
		r->allow = allow;
		r->text = rule_text(text, start, nlines, r->line);
		r->rule = &t->rules[i];
	}
	free(start);
}

struct hosts_rule *
hosts_rules_read(const struct config *cfg, size_t *n)
{
	struct hosts_rule *v = NULL;

	*n = 0;
	table_rules(cfg->allow_table, cfg->allow_text, cfg->allow_len, 1, &v, n);
	table_rules(cfg->deny_table, cfg->deny_text, cfg->deny_len, 0, &v, n);
	return v;
}

void
hosts_rules_free(struct hosts_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].text);
	free(r);
}

/* ---- does a rule apply: the engine's daemon-list match ---- */

static const char *
daemon_of(const struct service *svc)
{
	return svc->daemon != NULL && svc->daemon[0] != '\0' ? svc->daemon :
	    svc->name;
}

static int
bound_any(const struct service *svc)
{
	if (svc->addrlen == 0)
		return 1;
	if (svc->addr.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&svc->addr)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)&svc->addr)->sin6_addr);
}

/* The request the listener builds: names, and the bound address if any. */
static void
request_for(struct ha_request *req, const struct service *svc)
{
	ha_request_init(req, daemon_of(svc), svc->name);
	if (!bound_any(svc))
		(void)ha_endpoint_set_addr(&req->server,
		    (const struct sockaddr *)&svc->addr, svc->addrlen);
}

/*
 * The engine on a daemon list alone (the client list ALL, no options):
 * 1 match, 0 none, -1 it asks for the server's host name.  With `known`,
 * a fact not known is unknown (ha_eval_known, as for datagrams).
 */
static int
eval_daemons(const struct ha_list *daemons, const struct service *svc,
    int known)
{
	struct ha_item all;
	struct ha_rule rule;
	struct ha_table t;
	struct ha_request req;
	struct ha_decision dec;
	enum ha_status st;

	memset(&all, 0, sizeof(all));
	all.text = (char *)"ALL";
	all.has_host = 1;
	all.host.kind = HA_HOST_STRING;
	all.host.text = all.text;
	all.host.str.kind = HA_STR_ALL;
	all.host.str.text = all.text;
	memset(&rule, 0, sizeof(rule));
	rule.daemons = *daemons;
	rule.clients.items = &all;
	rule.clients.n = 1;
	memset(&t, 0, sizeof(t));
	t.file = (char *)"-";
	t.rules = &rule;
	t.n = 1;
	request_for(&req, svc);
	st = known ? ha_eval_known(&t, NULL, &req, &dec) :
	    ha_eval(&t, NULL, &req, &dec);
	if (st == HA_NEED_SERVER_HOSTNAME)
		return -1;
	return dec.rule != NULL;
}

/* The @host part of a daemon word, for a stream service: YES, NO, MAYBE. */
static int
host_part(const struct ha_host *h, const struct service *svc)
{
	struct ha_item it;
	struct ha_list l;
	int m;

	if (bound_any(svc)) {
		/* any local address: only ALL is sure */
		if (h->kind == HA_HOST_STRING && h->str.kind == HA_STR_ALL)
			return HOSTS_RULE_YES;
		return h->kind == HA_HOST_NETGROUP ? HOSTS_RULE_NO :
		    HOSTS_RULE_MAYBE;
	}
	memset(&it, 0, sizeof(it));
	it.text = h->text;
	it.has_str = 1;
	it.str.kind = HA_STR_ALL;
	it.str.text = h->text;
	it.has_host = 1;
	it.host = *h;
	memset(&l, 0, sizeof(l));
	l.items = &it;
	l.n = 1;
	m = eval_daemons(&l, svc, 0);
	return m < 0 ? HOSTS_RULE_MAYBE : m ? HOSTS_RULE_YES : HOSTS_RULE_NO;
}

/*
 * A copy of daemon list l (sharing its patterns) with every @host part
 * settled: kept as matching (dropped) or as never matching (a netgroup).
 * An undecided part is settled toward `high` (the most l can match) on the
 * list, the other way on its EXCEPT list; *maybe is set when one was.
 */
static struct ha_list *
list_bound(const struct ha_list *l, const struct service *svc, int high,
    int *maybe)
{
	struct ha_list *c = xcalloc(1, sizeof(*c));

	c->items = xcalloc(l->n + 1, sizeof(*c->items));
	c->n = l->n;
	for (size_t i = 0; i < l->n; i++) {
		int h;

		c->items[i] = l->items[i];
		if (!l->items[i].has_host)
			continue;
		h = host_part(&l->items[i].host, svc);
		if (h == HOSTS_RULE_MAYBE) {
			*maybe = 1;
			h = high ? HOSTS_RULE_YES : HOSTS_RULE_NO;
		}
		if (h == HOSTS_RULE_YES)
			c->items[i].has_host = 0;
		else
			c->items[i].host.kind = HA_HOST_NETGROUP;
	}
	if (l->except != NULL)
		c->except = list_bound(l->except, svc, !high, maybe);
	return c;
}

static void
list_bound_free(struct ha_list *c)
{
	if (c == NULL)
		return;
	list_bound_free(c->except);
	free(c->items);
	free(c);
}

/*
 * The daemon list against a stream service's end point, which is known
 * only once a client connects: each @host part decided where the bound
 * address decides it, else both ways.
 */
static int
applies_stream(const struct hosts_rule *r, const struct service *svc)
{
	struct ha_list *hi, *lo;
	int maybe = 0, mhi, mlo;

	hi = list_bound(&r->rule->daemons, svc, 1, &maybe);
	mhi = eval_daemons(hi, svc, 1) == 1;
	mlo = mhi;
	if (maybe) {
		lo = list_bound(&r->rule->daemons, svc, 0, &maybe);
		mlo = eval_daemons(lo, svc, 1) == 1;
		list_bound_free(lo);
	}
	list_bound_free(hi);
	if (mhi != mlo)
		return HOSTS_RULE_MAYBE;
	return mhi ? HOSTS_RULE_YES : HOSTS_RULE_NO;
}

int
hosts_rule_applies(const struct hosts_rule *r, const struct service *svc)
{
	if (r->rule == NULL)
		return HOSTS_RULE_NO;
	/* datagrams: the listener knows the bound address, no names */
	if (svc->socktype == SOCK_DGRAM)
		return eval_daemons(&r->rule->daemons, svc, 1) == 1 ?
		    HOSTS_RULE_YES : HOSTS_RULE_NO;
	return applies_stream(r, svc);
}

int
service_has_access_rules(const struct service *svc, const struct hosts_rule *r,
    size_t n)
{
	if (svc->only_from_set || svc->no_access.n > 0)
		return 1;
	if (svc->flags & SVC_FLAG_NOLIBWRAP)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hosts_rule_applies(&r[i], svc) != HOSTS_RULE_NO)
			return 1;
	return 0;
}

/* ---- warnings ---- */

static const struct origin *
where(const struct service *svc, enum svc_attr a)
{
	if (svc->origin[a].file != NULL)
		return &svc->origin[a];
	return &svc->origin[ATTR_SERVICE];
}

static int
plain_daemon(const char *name)
{
	static const char *const words[] = {
		"ALL", "LOCAL", "KNOWN", "UNKNOWN", "PARANOID", "EXCEPT",
	};

	if (name == NULL || name[0] == '/' || name[0] == '\0')
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(name, words[i]) == 0)
			return 0;
	return 1;
}

/* Plain daemon names (no pattern) of the list that no service has. */
static void
check_rule_names(const struct config *cfg, const struct hosts_rule *r,
    struct diag *d)
{
	for (const struct ha_list *l = &r->rule->daemons; l != NULL;
	    l = l->except)
		for (size_t i = 0; i < l->n; i++) {
			const struct ha_item *it = &l->items[i];
			const char *dn = it->str.text;
			int known = 0;

			if (!it->has_str || it->str.kind != HA_STR_EXACT ||
			    !plain_daemon(dn))
				continue;
			for (size_t k = 0; k < cfg->nsvcs && !known; k++) {
				const struct service *svc = cfg->svcs[k];
				known = strcasecmp(svc->name, dn) == 0 ||
				    (svc->daemon != NULL &&
				    strcasecmp(svc->daemon, dn) == 0);
			}
			if (!known)
				diag_warning(d, r->file, r->line,
				    "rule names daemon \"%s\" that no service has",
				    dn);
		}
}

/* A host pattern that can match a host name (not an address only). */
static int
host_uses_names(const struct ha_host *h)
{
	switch (h->kind) {
	case HA_HOST_KNOWN:
	case HA_HOST_LOCAL:
		return 1;
	case HA_HOST_FILE:
		for (size_t i = 0; i < h->nsub; i++)
			if (host_uses_names(&h->sub[i]))
				return 1;
		return 0;
	case HA_HOST_STRING:
		return h->str.not_inaddr && h->str.kind != HA_STR_ALL &&
		    h->str.kind != HA_STR_ADDR6;
	default:
		return 0;
	}
}

/* The rule asks for a client or server name, or an ident user. */
static int
rule_uses_names(const struct ha_rule *rule)
{
	for (const struct ha_list *l = &rule->clients; l != NULL; l = l->except)
		for (size_t i = 0; i < l->n; i++) {
			const struct ha_item *it = &l->items[i];
			if (it->has_str && it->str.kind != HA_STR_ALL)
				return 1;       /* user@host */
			if (it->has_host && host_uses_names(&it->host))
				return 1;
		}
	for (const struct ha_list *l = &rule->daemons; l != NULL; l = l->except)
		for (size_t i = 0; i < l->n; i++)
			if (l->items[i].has_host &&
			    host_uses_names(&l->items[i].host))
				return 1;       /* daemon@server.name */
	return 0;
}

/* "setenv, spawn": the rule's options of the given kinds (bit per kind). */
static int
rule_options(const struct ha_rule *rule, unsigned kinds, char *buf, size_t len)
{
	unsigned seen = 0;
	int n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rule->nopts; i++) {
		unsigned bit = 1u << rule->opts[i].kind;
		if (!(kinds & bit) || (seen & bit))
			continue;
		seen |= bit;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    n++ > 0 ? ", " : "", ha_option_name(rule->opts[i].kind));
	}
	return n;
}

#define OPT_BIT(k)      (1u << (k))
/* Carried out by privd on the process it spawns for a connection. */
#define OPTS_PROCESS    (OPT_BIT(HA_OPT_SETENV) | OPT_BIT(HA_OPT_UMASK) | \
    OPT_BIT(HA_OPT_USER) | OPT_BIT(HA_OPT_NICE) | OPT_BIT(HA_OPT_SPAWN))

/*
 * What the rules applying to a datagram, wait or built-in service cannot
 * do there (docs/access-control.md): a datagram is judged on its source
 * address alone and privd gets no options for it; a stream wait service's
 * server accepts the connections itself, so nothing is checked; a built-in
 * runs in the listener, where no process options exist.
 */
static void
check_rule_kind(const struct service *svc, const char *label,
    const struct hosts_rule *r, int applies, struct diag *d)
{
	const char *how = applies == HOSTS_RULE_MAYBE ? "may apply" : "applies";
	char opts[256];
	int n;

	if (svc->wait && svc->socktype != SOCK_DGRAM) {
		diag_warning(d, r->file, r->line, "rule %s to service %s, a "
		    "stream wait service: its server accepts the connections "
		    "itself, so no access rule is checked for it", how, label);
		return;
	}
	if (svc->socktype == SOCK_DGRAM) {
		if (rule_uses_names(r->rule))
			diag_warning(d, r->file, r->line, "rule %s to datagram "
			    "service %s, which is judged on the client address "
			    "alone: host names and ident users count as unknown",
			    how, label);
		n = rule_options(r->rule, OPTS_PROCESS |
		    OPT_BIT(HA_OPT_RFC931), opts, sizeof(opts));
		if (n > 0)
			diag_warning(d, r->file, r->line, "rule %s to datagram "
			    "service %s: option%s %s %s not carried out for "
			    "datagrams", how, label, n > 1 ? "s" : "", opts,
			    n > 1 ? "are" : "is");
		if (rule_options(r->rule, OPT_BIT(HA_OPT_TWIST), opts,
		    sizeof(opts)) > 0)
			diag_warning(d, r->file, r->line, "rule %s to datagram "
			    "service %s: its twist denies the datagram (a "
			    "datagram is never twisted)", how, label);
		return;
	}
	if (svc->builtin != BUILTIN_NONE) {
		n = rule_options(r->rule, OPTS_PROCESS | OPT_BIT(HA_OPT_TWIST),
		    opts, sizeof(opts));
		if (n > 0)
			diag_warning(d, r->file, r->line, "rule %s to built-in "
			    "service %s: option%s %s %s not carried out (a "
			    "built-in runs no process)", how, label,
			    n > 1 ? "s" : "", opts, n > 1 ? "are" : "is");
	}
}

static void
check_service(const struct service *svc, const char *label, struct diag *d)
{
	const struct origin *o;

	if (svc->builtin != BUILTIN_NONE)
		return;
	if (svc->uid == 0 && svc->user != NULL) {
		o = where(svc, ATTR_USER);
		diag_warning(d, o->file, o->line, "service %s runs as root: "
		    "without capabilities it still owns every file root owns",
		    label);
	}
	if (svc->caps != 0) {
		char caps[512];
		o = where(svc, ATTR_CAPABILITIES);
		caps_format(svc->caps, caps, sizeof(caps));
		diag_warning(d, o->file, o->line,
		    "service %s keeps capabilities %s", label, caps);
	}
	if (svc->seccomp == SECCOMP_PROFILE_NONE) {
		o = where(svc, ATTR_SECCOMP);
		diag_warning(d, o->file, o->line, "service %s runs without a "
		    "seccomp filter (seccomp = none)", label);
		if (svc->seccomp_allow.n > 0) {
			o = where(svc, ATTR_SECCOMP_ALLOW);
			diag_warning(d, o->file, o->line, "service %s: "
			    "seccomp_allow has no effect with seccomp = none",
			    label);
		}
		if (svc->seccomp_deny.n > 0) {
			o = where(svc, ATTR_SECCOMP_DENY);
			diag_warning(d, o->file, o->line, "service %s: "
			    "seccomp_deny has no effect with seccomp = none",
			    label);
		}
	}
}

static void
check_unprotected(const struct service *svc, const char *label,
    const struct hosts_rule *rules, size_t nrules, struct diag *d)
{
	const struct origin *o;
	char host[ADDR_STRLEN];
	unsigned port = 0;

	if (service_loopback_only(svc) ||
	    service_has_access_rules(svc, rules, nrules))
		return;
	o = where(svc, ATTR_SERVICE);
	host[0] = '\0';
	if (svc->addrlen > 0)
		sockaddr_format((const struct sockaddr *)&svc->addr,
		    svc->addrlen, host, sizeof(host), &port);
	diag_warning(d, o->file, o->line,
	    "service %s listens on %s port %u with no access rules "
	    "(only_from, no_access, hosts.allow, hosts.deny)%s",
	    label, host, port, (svc->flags & SVC_FLAG_NOLIBWRAP) ?
	    "; flags NOLIBWRAP skips hosts.allow and hosts.deny" : "");
}

static void
check_all(const struct config *cfg, int complete, struct diag *d)
{
	struct hosts_rule *rules;
	size_t nrules;
	char label[SVC_NAME_MAX + 80];

	rules = hosts_rules_read(cfg, &nrules);
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		const struct service *svc = cfg->svcs[i];

		if (svc->disabled)
			continue;
		service_label(svc, label, sizeof(label));
		check_service(svc, label, d);
		if (complete)
			check_unprotected(svc, label, rules, nrules, d);
	}
	/* per rule, in file order: what it cannot do where it applies */
	for (size_t k = 0; k < nrules; k++)
		for (size_t i = 0; i < cfg->nsvcs; i++) {
			const struct service *svc = cfg->svcs[i];
			int a;

			if (svc->disabled || (svc->flags & SVC_FLAG_NOLIBWRAP) ||
			    (!svc->wait && svc->socktype != SOCK_DGRAM &&
			    svc->builtin == BUILTIN_NONE))
				continue;
			service_label(svc, label, sizeof(label));
			a = hosts_rule_applies(&rules[k], svc);
			if (a != HOSTS_RULE_NO)
				check_rule_kind(svc, label, &rules[k], a, d);
			else if (svc->socktype == SOCK_DGRAM &&
			    applies_stream(&rules[k], svc) != HOSTS_RULE_NO)
				diag_warning(d, rules[k].file, rules[k].line,
				    "rule never applies to datagram service %s: "
				    "its daemon@host part needs the server's "
				    "name or address, and for a datagram only a "
				    "bound address is known", label);
		}
	if (complete)
		for (size_t i = 0; i < nrules; i++)
			check_rule_names(cfg, &rules[i], d);
	hosts_rules_free(rules, nrules);
}

void
config_check(const struct config *cfg, struct diag *d)
{
	check_all(cfg, 1, d);
}

void
config_check_partial(const struct config *cfg, struct diag *d)
{
	check_all(cfg, 0, d);
}
