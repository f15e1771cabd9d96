/*
 * config_check.c: `hinetd -t` warnings (risky but valid choices), and a
 * textual reading of the hosts.allow / hosts.deny daemon lists used by the
 * warnings and by `hinetd -T` to show which rules apply to a service.
 *
 * This is a reading for people, not the access decision: the listener's
 * hosts_access engine decides.  Client lists and options are not evaluated.
 */
#include "policy/config_check.h"
#include "policy/caps.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RULE_TOKENS_MAX 256

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

/* ---- hosts.allow / hosts.deny, textually ---- */

/* Position of the first ':' of s outside [brackets], or NULL. */
static char *
rule_colon(char *s)
{
	int br = 0;

	for (; *s != '\0'; s++) {
		if (*s == '[')
			br = 1;
		else if (*s == ']')
			br = 0;
		else if (*s == ':' && !br)
			return s;
	}
	return NULL;
}

static void
read_rules(const char *path, const char *text, size_t len, int allow,
    struct hosts_rule **v, size_t *n)
{
	size_t pos = 0;
	int lineno = 0;

	if (text == NULL)
		return;
	while (pos < len) {
		char *rule = NULL;
		size_t rlen = 0;
		int first = lineno + 1;

		/* join continuation lines (trailing backslash) */
		for (;;) {
			size_t end = pos, l;
			while (end < len && text[end] != '\n')
				end++;
			lineno++;
			l = end - pos;
			if (l > 0 && text[pos + l - 1] == '\r')
				l--;
			int cont = l > 0 && text[pos + l - 1] == '\\';
			if (cont)
				l--;
			rule = xreallocarray(rule, rlen + l + 2, 1);
			memcpy(rule + rlen, text + pos, l);
			rlen += l;
			rule[rlen] = '\0';
			pos = end + 1;
			if (!cont || pos >= len)
				break;
		}
		char *s = rule + strspn(rule, " \t");
		char *colon;
		if (*s == '\0' || *s == '#' || (colon = rule_colon(s)) == NULL) {
			free(rule);
			continue;
		}
		/* text: the rule with blanks squeezed at the ends */
		size_t tl = strlen(s);
		while (tl > 0 && (s[tl - 1] == ' ' || s[tl - 1] == '\t'))
			tl--;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		struct hosts_rule *r = &(*v)[(*n)++];
		r->file = path;
		r->line = first;
		r->allow = allow;
		r->text = xstrndup(s, tl);
		r->daemons = xstrndup(s, (size_t)(colon - s));
		free(rule);
	}
}

struct hosts_rule *
hosts_rules_read(const struct config *cfg, size_t *n)
{
	struct hosts_rule *v = NULL;

	*n = 0;
	read_rules(cfg->allow_path, cfg->allow_text, cfg->allow_len, 1, &v, n);
	read_rules(cfg->deny_path, cfg->deny_text, cfg->deny_len, 0, &v, n);
	return v;
}

void
hosts_rules_free(struct hosts_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].text);
		free(r[i].daemons);
	}
	free(r);
}

static int
split_tokens(char *s, char **tok, int max)
{
	int n = 0;

	for (char *t = strtok(s, ", \t"); t != NULL; t = strtok(NULL, ", \t"))
		if (n < max)
			tok[n++] = t;
	return n;
}

/* The daemon part of a daemon@host token (tcp_wrappers: first '@' past [0]). */
static void
daemon_part(const char *tok, char *buf, size_t len)
{
	const char *at = tok[0] != '\0' ? strchr(tok + 1, '@') : NULL;
	size_t n = at != NULL ? (size_t)(at - tok) : strlen(tok);

	if (n >= len)
		n = len - 1;
	memcpy(buf, tok, n);
	buf[n] = '\0';
}

/* hosts_access(5) string_match on a daemon name, case-blind. */
static int
name_match(const char *tok, const char *name)
{
	size_t tl = strlen(tok), nl = strlen(name);

	if (strcasecmp(tok, "ALL") == 0 || strcasecmp(tok, "KNOWN") == 0)
		return 1;
	if (tok[0] == '.')
		return nl > tl && strcasecmp(name + nl - tl, tok) == 0;
	if (tl > 0 && tok[tl - 1] == '.')
		return strncasecmp(name, tok, tl) == 0;
	if (strpbrk(tok, "*?") != NULL)
		return fnmatch(tok, name, FNM_CASEFOLD) == 0;
	return strcasecmp(tok, name) == 0;
}

static int
token_match(const char *tok, const char *name)
{
	char d[256];

	if (tok[0] == '/')
		return 0;       /* file list: not opened here */
	daemon_part(tok, d, sizeof(d));
	return name_match(d, name);
}

/* hosts_access(5) list_match with EXCEPT, from token i. */
static int
list_match(char **tok, int n, int i, const char *name)
{
	for (; i < n; i++) {
		if (strcasecmp(tok[i], "EXCEPT") == 0)
			return 0;
		if (token_match(tok[i], name)) {
			while (++i < n && strcasecmp(tok[i], "EXCEPT") != 0)
				;
			return i >= n || !list_match(tok, n, i + 1, name);
		}
	}
	return 0;
}

static int
daemons_match(const char *daemons, const char *name)
{
	char *copy = xstrdup(daemons), *tok[RULE_TOKENS_MAX];
	int n = split_tokens(copy, tok, RULE_TOKENS_MAX);
	int m = list_match(tok, n, 0, name);

	free(copy);
	return m;
}

int
hosts_rule_applies(const struct hosts_rule *r, const struct service *svc)
{
	if (svc->daemon != NULL && daemons_match(r->daemons, svc->daemon))
		return 1;
	return daemons_match(r->daemons, svc->name);
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
		if (hosts_rule_applies(&r[i], svc))
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
plain_daemon_token(const char *tok)
{
	static const char *const words[] = {
		"ALL", "LOCAL", "KNOWN", "UNKNOWN", "PARANOID", "EXCEPT",
	};

	if (tok[0] == '/' || tok[0] == '.' || tok[0] == '\0' ||
	    strpbrk(tok, "*?") != NULL || tok[strlen(tok) - 1] == '.')
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(tok, words[i]) == 0)
			return 0;
	return 1;
}

static void
check_rule_names(const struct config *cfg, const struct hosts_rule *r,
    struct diag *d)
{
	char *copy = xstrdup(r->daemons), *tok[RULE_TOKENS_MAX], dn[256];
	int n = split_tokens(copy, tok, RULE_TOKENS_MAX);

	for (int i = 0; i < n; i++) {
		int known = 0;
		daemon_part(tok[i], dn, sizeof(dn));
		if (!plain_daemon_token(dn))
			continue;
		for (size_t k = 0; k < cfg->nsvcs && !known; k++) {
			const struct service *svc = cfg->svcs[k];
			known = strcasecmp(svc->name, dn) == 0 ||
			    (svc->daemon != NULL && strcasecmp(svc->daemon, dn) == 0);
		}
		if (!known)
			diag_warning(d, r->file, r->line,
			    "rule names daemon \"%s\" that no service has", dn);
	}
	free(copy);
}

void
config_check(const struct config *cfg, struct diag *d)
{
	struct hosts_rule *rules;
	size_t nrules;
	char label[SVC_NAME_MAX + 80], host[ADDR_STRLEN];
	unsigned port;

	rules = hosts_rules_read(cfg, &nrules);
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		const struct service *svc = cfg->svcs[i];
		const struct origin *o;

		if (svc->disabled)
			continue;
		service_label(svc, label, sizeof(label));
		if (svc->builtin == BUILTIN_NONE) {
			if (svc->uid == 0 && svc->user != NULL) {
				o = where(svc, ATTR_USER);
				diag_warning(d, o->file, o->line,
				    "service %s runs as root", label);
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
				diag_warning(d, o->file, o->line,
				    "service %s runs without a seccomp filter "
				    "(seccomp = none)", label);
			}
		}
		if (!service_loopback_only(svc) &&
		    !service_has_access_rules(svc, rules, nrules)) {
			o = where(svc, ATTR_SERVICE);
			host[0] = '\0';
			port = 0;
			if (svc->addrlen > 0)
				sockaddr_format((const struct sockaddr *)&svc->addr,
				    svc->addrlen, host, sizeof(host), &port);
			diag_warning(d, o->file, o->line,
			    "service %s listens on %s port %u with no access rules "
			    "(only_from, no_access, hosts.allow, hosts.deny)%s",
			    label, host, port, (svc->flags & SVC_FLAG_NOLIBWRAP) ?
			    "; flags NOLIBWRAP skips hosts.allow and hosts.deny" : "");
		}
	}
	for (size_t i = 0; i < nrules; i++)
		check_rule_names(cfg, &rules[i], d);
	hosts_rules_free(rules, nrules);
}
