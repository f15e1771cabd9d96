/*
 * hosts_eval.c: the access decision for one connection against parsed
 * hosts.allow / hosts.deny tables, and the request it is made for.
 *
 * The matching follows tcpd's layering exactly: list_match (first item
 * that matches, then its EXCEPT list), server_match (daemon[@host]),
 * client_match ([user@]host), host_match (netgroup, /file, KNOWN, LOCAL,
 * net/mask, else address or name) and string_match.  Every match function
 * answers YES, NO or NEED (a fact not looked up yet); a NEED stops the
 * evaluation and is handed to the caller, who looks the fact up without
 * blocking and calls again.  Facts are consulted in the order tcpd would
 * look them up, so a look-up happens only when tcpd would make it.
 */
#include "policy/hosts_access.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

enum tri { NO = 0, YES = 1, NEED = 2 };

struct ev {
	struct ha_request *req;
	enum ha_status need;            /* which fact a NEED is for */
};

/* ---- request ---- */

static void
endpoint_init(struct ha_endpoint *e)
{
	memset(e, 0, sizeof(*e));
	str_copy(e->addr, "unknown", sizeof(e->addr));
}

void
ha_request_init(struct ha_request *r, const char *daemon, const char *service)
{
	memset(r, 0, sizeof(*r));
	r->daemon = daemon;
	r->service = service;
	endpoint_init(&r->client);
	endpoint_init(&r->server);
}

int
ha_endpoint_set_addr(struct ha_endpoint *e, const struct sockaddr *sa,
    socklen_t len)
{
	endpoint_init(e);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		e->family = AF_INET;
		e->a4 = sin->sin_addr;
		e->port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		e->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			e->family = AF_INET;
			memcpy(&e->a4, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			e->family = AF_INET6;
			e->a6 = s6->sin6_addr;
			e->scope = s6->sin6_scope_id;
		}
	} else
		return -1;
	if (e->family == AF_INET)
		(void)ipv4_format(&e->a4, e->addr, sizeof(e->addr));
	else
		inet_ntop(AF_INET6, &e->a6, e->addr, sizeof(e->addr));
	e->has_addr = 1;
	return 0;
}

int
ha_name_valid(const char *name)
{
	size_t n = strlen(name), label = 0;
	struct in6_addr a6;

	if (n == 0 || n > 253 || name[0] == '.' || name[n - 1] == '.')
		return 0;
	for (const char *p = name; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	/* Nothing that reads as an address or as tcpd's special names. */
	if (name[strspn(name, "0123456789.")] == '\0' ||
	    inet_pton(AF_INET6, name, &a6) == 1 ||
	    strcasecmp(name, "unknown") == 0 || strcasecmp(name, "paranoid") == 0)
		return 0;
	return 1;
}

int
ha_endpoint_set_name(struct ha_endpoint *e, enum ha_name_state st,
    const char *name)
{
	char buf[HA_NAME_MAX];
	size_t n;

	e->name[0] = '\0';
	if (st != HA_NAME_KNOWN) {
		e->name_state = st;
		return 0;
	}
	e->name_state = HA_NAME_UNKNOWN;
	if (name == NULL || (n = strlen(name)) >= sizeof(buf))
		return -1;
	memcpy(buf, name, n + 1);
	if (n > 1 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	if (!ha_name_valid(buf))
		return -1;
	str_copy(e->name, buf, sizeof(e->name));
	e->name_state = HA_NAME_KNOWN;
	return 0;
}

int
ha_user_valid(const char *user)
{
	size_t n = strlen(user);

	if (n == 0 || n >= HA_USER_MAX)
		return 0;
	for (; *user != '\0'; user++)
		if (!isalnum((unsigned char)*user) && strchr("._+$-", *user) == NULL)
			return 0;
	return 1;
}

int
ha_request_set_user(struct ha_request *r, const char *user)
{
	r->user[0] = '\0';
	if (user == NULL || !ha_user_valid(user)) {
		r->user_state = HA_USER_UNKNOWN;
		return user == NULL ? 0 : -1;
	}
	str_copy(r->user, user, sizeof(r->user));
	r->user_state = HA_USER_KNOWN;
	return 0;
}

/* ---- matching ---- */

/* Case-blind glob with '*' and '?', iterative (no exponential blow-up). */
static int
wild_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat != '\0' && (*pat == '?' ||
		    tolower((unsigned char)*pat) == tolower((unsigned char)*s))) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++resume;
		} else
			return 0;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/*
 * tcpd's string_match() of a compiled pattern against a string.  ep, when
 * given, is the endpoint whose address string is being matched (for the
 * [ipv6] form, compared as an address).
 */
static int
str_match(const struct ha_str *p, const char *s, const struct ha_endpoint *ep)
{
	size_t ls, lp;

	switch (p->kind) {
	case HA_STR_WILD:
		return wild_match(p->text, s);
	case HA_STR_SUFFIX:
		ls = strlen(s);
		lp = strlen(p->text);
		return ls > lp && strcasecmp(p->text, s + ls - lp) == 0;
	case HA_STR_ALL:
		return 1;
	case HA_STR_KNOWN:
		return strcasecmp(s, "unknown") != 0;
	case HA_STR_PREFIX:
		return strncasecmp(p->text, s, strlen(p->text)) == 0;
	case HA_STR_ADDR6:
		if (ep == NULL || !ep->has_addr || ep->family != AF_INET6)
			return 0;
		if (p->scope != 0 && ep->scope != p->scope)
			return 0;
		return memcmp(&p->a6, &ep->a6, sizeof(p->a6)) == 0;
	case HA_STR_EXACT:
	default:
		return strcasecmp(p->text, s) == 0;
	}
}

static const char *
name_of(const struct ha_endpoint *e)
{
	switch (e->name_state) {
	case HA_NAME_KNOWN:    return e->name;
	case HA_NAME_PARANOID: return "paranoid";
	default:               return "unknown";
	}
}

/* The endpoint's name, or NEED. */
static enum tri
need_name(struct ev *ev, const struct ha_endpoint *e)
{
	if (e->name_state != HA_NAME_UNSET)
		return YES;
	ev->need = e == &ev->req->client ? HA_NEED_HOSTNAME :
	    HA_NEED_SERVER_HOSTNAME;
	return NEED;
}

static int
net6_match(const struct ha_host *h, const struct ha_endpoint *e)
{
	unsigned bits = h->plen6, i;

	if (!e->has_addr || e->family != AF_INET6)
		return 0;
	if (h->scope6 != 0 && e->scope != h->scope6)
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (h->net6.s6_addr[i] != e->a6.s6_addr[i])
			return 0;
	if (bits > 0) {
		unsigned char m = (unsigned char)(0xff << (8 - bits));
		if ((h->net6.s6_addr[i] & m) != (e->a6.s6_addr[i] & m))
			return 0;
	}
	return 1;
}

static enum tri
host_match(struct ev *ev, const struct ha_host *h, const struct ha_endpoint *e)
{
	enum tri t;

	switch (h->kind) {
	case HA_HOST_NETGROUP:
		return NO;
	case HA_HOST_FILE:
		for (size_t i = 0; i < h->nsub; i++)
			if ((t = host_match(ev, &h->sub[i], e)) != NO)
				return t;
		return NO;
	case HA_HOST_KNOWN:
		if ((t = need_name(ev, e)) != YES)
			return t;
		return e->has_addr && e->name_state == HA_NAME_KNOWN;
	case HA_HOST_LOCAL:
		if ((t = need_name(ev, e)) != YES)
			return t;
		return e->name_state == HA_NAME_KNOWN && strchr(e->name, '.') == NULL;
	case HA_HOST_NET4:
		return e->has_addr && e->family == AF_INET &&
		    (ntohl(e->a4.s_addr) & h->mask4) == h->net4;
	case HA_HOST_NET6:
		return net6_match(h, e);
	case HA_HOST_STRING:
	default:
		if (str_match(&h->str, e->has_addr ? e->addr : "unknown", e))
			return YES;
		if (!h->str.not_inaddr)
			return NO;
		if ((t = need_name(ev, e)) != YES)
			return t;
		return str_match(&h->str, name_of(e), NULL) ? YES : NO;
	}
}

static enum tri
server_match(struct ev *ev, const struct ha_item *it)
{
	const struct ha_request *r = ev->req;

	if (!str_match(&it->str, r->daemon != NULL ? r->daemon : "unknown", NULL) &&
	    (r->service == NULL || !str_match(&it->str, r->service, NULL)))
		return NO;
	if (!it->has_host)
		return YES;
	return host_match(ev, &it->host, &r->server);
}

static enum tri
client_match(struct ev *ev, const struct ha_item *it)
{
	struct ha_request *r = ev->req;
	enum tri t;

	if ((t = host_match(ev, &it->host, &r->client)) != YES || !it->has_str)
		return t;
	if (r->user_state == HA_USER_UNSET) {
		ev->need = HA_NEED_USER;
		return NEED;
	}
	return str_match(&it->str, r->user_state == HA_USER_KNOWN ? r->user :
	    "unknown", NULL) ? YES : NO;
}

static enum tri
list_match(struct ev *ev, const struct ha_list *l, int client)
{
	enum tri t;

	for (size_t i = 0; i < l->n; i++) {
		t = client ? client_match(ev, &l->items[i]) :
		    server_match(ev, &l->items[i]);
		if (t == NO)
			continue;
		if (t == NEED || l->except == NULL)
			return t;
		t = list_match(ev, l->except, client);
		return t == NEED ? NEED : t == YES ? NO : YES;
	}
	return NO;
}

/* ---- decision ---- */

const char *
ha_status_name(enum ha_status s)
{
	switch (s) {
	case HA_GRANT:                return "granted";
	case HA_DENY:                 return "denied";
	case HA_DELEGATE:             return "delegated";
	case HA_NEED_HOSTNAME:        return "need-hostname";
	case HA_NEED_SERVER_HOSTNAME: return "need-server-hostname";
	case HA_NEED_USER:            return "need-user";
	}
	return "?";
}

/*
 * A matched rule's options may need facts before they are carried out:
 * its option values, and the banner this daemon gets.
 */
static enum ha_status
options_need(const struct ha_rule *rule, const struct ha_request *req)
{
	unsigned needs = rule->needs;

	for (size_t k = 0; k < rule->nopts; k++) {
		const struct ha_banner *b = ha_banner_find(&rule->opts[k],
		    req->daemon);
		if (b != NULL)
			needs |= b->needs;
	}
	if ((needs & HA_NEEDS_HOSTNAME) &&
	    req->client.name_state == HA_NAME_UNSET)
		return HA_NEED_HOSTNAME;
	if ((needs & HA_NEEDS_SERVER_HOSTNAME) &&
	    req->server.name_state == HA_NAME_UNSET)
		return HA_NEED_SERVER_HOSTNAME;
	if ((needs & HA_NEEDS_USER) && req->user_state == HA_USER_UNSET)
		return HA_NEED_USER;
	return HA_GRANT;
}

/* The timeout of the rule's `rfc931 N` (tcpd sets it before asking). */
static unsigned
rfc931_timeout(const struct ha_rule *rule)
{
	for (size_t k = 0; k < rule->nopts; k++)
		if (rule->opts[k].kind == HA_OPT_RFC931 && rule->opts[k].num > 0)
			return rule->opts[k].num > HA_RFC931_MAX ? HA_RFC931_MAX :
			    (unsigned)rule->opts[k].num;
	return 0;
}

enum ha_status
ha_eval(const struct ha_table *allow, const struct ha_table *deny,
    struct ha_request *req, struct ha_decision *dec)
{
	const struct ha_table *tables[2] = { allow, deny };
	struct ev ev = { req, HA_GRANT };

	memset(dec, 0, sizeof(*dec));
	if (req->resume_table < 0 || req->resume_table > 2)
		req->resume_table = 0, req->resume_rule = 0;
	for (int ti = req->resume_table; ti < 2; ti++) {
		const struct ha_table *t = tables[ti];
		size_t first = ti == req->resume_table ? req->resume_rule : 0;

		if (t == NULL)
			continue;
		for (size_t i = first; i < t->n; i++) {
			const struct ha_rule *rule = &t->rules[i];
			enum tri m = list_match(&ev, &rule->daemons, 0);
			enum ha_status need;

			if (m == YES)
				m = list_match(&ev, &rule->clients, 1);
			if (m == NO)
				continue;
			req->resume_table = ti;
			req->resume_rule = i;
			if (m == NEED)
				return dec->status = ev.need;
			if ((need = options_need(rule, req)) != HA_GRANT) {
				if (need == HA_NEED_USER)
					dec->user_timeout = rfc931_timeout(rule);
				return dec->status = need;
			}
			dec->table = t;
			dec->rule = rule;
			dec->file = t->file;
			dec->line = rule->line;
			dec->status = ti == 0 ? HA_GRANT : HA_DENY;
			for (size_t k = 0; k < rule->nopts; k++) {
				const struct ha_option *o = &rule->opts[k];
				if (o->kind == HA_OPT_ALLOW)
					dec->status = HA_GRANT;
				else if (o->kind == HA_OPT_DENY)
					dec->status = HA_DENY;
				else if (o->kind == HA_OPT_TWIST) {
					dec->status = HA_DELEGATE;
					dec->twist = o;
				}
			}
			return dec->status;
		}
	}
	req->resume_table = 2;
	req->resume_rule = 0;
	return dec->status = HA_GRANT;
}

enum ha_status
ha_eval_known(const struct ha_table *allow, const struct ha_table *deny,
    struct ha_request *req, struct ha_decision *dec)
{
	enum ha_status st;

	/* Each round settles one fact; there are three. */
	for (;;) {
		memset(dec, 0, sizeof(*dec));
		st = ha_eval(allow, deny, req, dec);
		if (st == HA_NEED_HOSTNAME)
			(void)ha_endpoint_set_name(&req->client, HA_NAME_UNKNOWN, NULL);
		else if (st == HA_NEED_SERVER_HOSTNAME)
			(void)ha_endpoint_set_name(&req->server, HA_NAME_UNKNOWN, NULL);
		else if (st == HA_NEED_USER)
			(void)ha_request_set_user(req, NULL);
		else
			return st;
	}
}
