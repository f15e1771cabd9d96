/*
 * xinetd_access.c: the per-service xinetd access lists, `only_from` and
 * `no_access` (checked after hosts.allow/hosts.deny; both must admit).  Entries: an address (IPv4 with trailing zero parts as
 * wildcards, as xinetd reads 10.1.0.0; 0.0.0.0 is every IPv4 client), a
 * network a.b.c.d/len or [v6]/len (or v6/len), an IPv6 address, a host
 * name (case-blind, against the forward-confirmed name only) or a .domain
 * suffix.  Owns nothing but this matching: the listener decides with it
 * (listener/access.c), and privd decides again with it on its own facts
 * (privd/access_opts.c).
 */
#include "policy/xinetd_access.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 1: the entry is an address or network (matched now), 0: a name. */
static int
entry_addr_match(const char *entry, const struct ha_endpoint *c, int *match)
{
	char buf[HA_ADDR_MAX + 8];
	const char *slash;
	struct in_addr a4;
	struct in6_addr a6;
	unsigned long plen = 0;
	int has_len = 0;
	size_t n;

	*match = 0;
	n = strlen(entry);
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, entry, n + 1);
	if ((slash = strchr(buf, '/')) != NULL) {
		char *end;
		plen = strtoul(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0')
			return 1;       /* malformed: matches nothing */
		has_len = 1;
		buf[slash - buf] = '\0';
	}
	n = strlen(buf);
	if (n >= 2 && buf[0] == '[' && buf[n - 1] == ']') {
		memmove(buf, buf + 1, n - 2);
		buf[n - 2] = '\0';
	}
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		uint32_t net = ntohl(a4.s_addr), mask;
		if (!has_len) {
			/* xinetd: trailing zero parts are wildcards. */
			plen = 32;
			while (plen > 0 && (net & (0xffu << (32 - plen))) == 0)
				plen -= 8;
		}
		if (plen > 32)
			return 1;
		if (!c->has_addr || c->family != AF_INET)
			return 1;
		mask = plen == 0 ? 0 : 0xffffffffu << (32 - plen);
		*match = (ntohl(c->a4.s_addr) & mask) == (net & mask);
		return 1;
	}
	if (inet_pton(AF_INET6, buf, &a6) == 1) {
		if (!has_len)
			plen = 128;
		if (plen > 128 || !c->has_addr || c->family != AF_INET6)
			return 1;
		for (unsigned i = 0; i < 16; i++) {
			unsigned bits = plen >= (i + 1) * 8 ? 8 :
			    plen > i * 8 ? (unsigned)plen - i * 8 : 0;
			unsigned char m = bits == 0 ? 0 : (unsigned char)(0xff << (8 - bits));
			if ((c->a6.s6_addr[i] & m) != (a6.s6_addr[i] & m))
				return 1;
		}
		*match = 1;
		return 1;
	}
	return has_len;         /* a/len that is no address: matches nothing */
}

static int
entry_name_match(const char *entry, const struct ha_endpoint *c)
{
	size_t el, nl;

	if (c->name_state != HA_NAME_KNOWN)
		return 0;
	if (entry[0] == '.') {
		el = strlen(entry);
		nl = strlen(c->name);
		return nl > el && strcasecmp(c->name + nl - el, entry) == 0;
	}
	return strcasecmp(c->name, entry) == 0;
}

/* 1 matches, 0 does not, -1 a name entry and the name is not looked up. */
static int
list_match(const struct strlist *l, const struct ha_endpoint *c)
{
	int need = 0, m;

	for (size_t i = 0; i < l->n; i++) {
		if (entry_addr_match(l->v[i], c, &m)) {
			if (m)
				return 1;
		} else if (c->name_state == HA_NAME_UNSET)
			need = 1;
		else if (entry_name_match(l->v[i], c))
			return 1;
	}
	return need ? -1 : 0;
}

enum xa_result
xinetd_access(const struct service *svc, const struct ha_endpoint *client,
    enum svc_attr *why)
{
	int m;

	if (svc->no_access.n > 0) {
		if ((m = list_match(&svc->no_access, client)) == -1)
			return XA_NEED_NAME;
		if (m == 1) {
			*why = ATTR_NO_ACCESS;
			return XA_DENY;
		}
	}
	if (svc->only_from_set || svc->only_from.n > 0) {
		if ((m = list_match(&svc->only_from, client)) == -1)
			return XA_NEED_NAME;
		if (m == 0) {
			*why = ATTR_ONLY_FROM;
			return XA_DENY;
		}
	}
	return XA_ADMIT;
}
