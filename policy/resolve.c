/*
 * resolve.c: users, groups, protocols, ports and bind addresses.
 */
#include "policy/resolve.h"
#include "common/userdb.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* A user by name, or by a numeric uid that has a passwd entry. */
static int
lookup_user(const char *user, struct userdb_user *u)
{
	unsigned long long n;

	if (userdb_user_by_name(user, u) == 0)
		return 0;
	if (parse_uint(user, 0, (uid_t)-2, &n) == 0)
		return userdb_user_by_uid((uid_t)n, u);
	return -1;
}

/* A group by name, or by a numeric gid that has a group entry. */
static int
lookup_group(const char *group, struct userdb_group *g)
{
	unsigned long long n;

	if (userdb_group_by_name(group, g) == 0)
		return 0;
	if (parse_uint(group, 0, (gid_t)-2, &n) == 0)
		return userdb_group_by_gid((gid_t)n, g);
	return -1;
}

int
resolve_user(struct service *svc, const char *user, const char *group,
    struct diag *d, const char *file, int line)
{
	struct userdb_user u;
	struct userdb_group g;
	char *gname = NULL;
	gid_t gid, *groups;
	int ngroups = USERDB_GROUPS_MAX;

	if (lookup_user(user, &u) == -1) {
		diag_error(d, file, line, "unknown user \"%s\"", user);
		return -1;
	}
	gid = u.gid;
	if (group != NULL) {
		if (lookup_group(group, &g) == -1) {
			diag_error(d, file, line, "unknown group \"%s\"", group);
			return -1;
		}
		gname = xstrdup(g.name);
		gid = g.gid;
	}
	groups = xcalloc(USERDB_GROUPS_MAX, sizeof(gid_t));
	/* initgroups(USER, GROUP), as BSD inetd: the passwd primary group is
	 * not kept when GROUP replaces it. */
	if (userdb_grouplist(u.name, gid, groups, &ngroups) == -1) {
		diag_error(d, file, line, "user \"%s\" is in more than %d groups",
		    user, USERDB_GROUPS_MAX);
		free(groups);
		free(gname);
		return -1;
	}
	if (gname == NULL) {
		if (userdb_group_by_gid(gid, &g) == 0)
			gname = xstrdup(g.name);
		else
			xasprintf(&gname, "%lu", (unsigned long)gid);
	}
	free(svc->user);
	free(svc->group);
	free(svc->groups);
	svc->user = xstrdup(u.name);
	svc->uid = u.uid;
	svc->gid = gid;
	svc->group = gname;
	svc->groups = groups;
	svc->ngroups = ngroups;
	return 0;
}

int
resolve_socktype(const char *word)
{
	if (strcmp(word, "stream") == 0)
		return SOCK_STREAM;
	if (strcmp(word, "dgram") == 0)
		return SOCK_DGRAM;
	if (strcmp(word, "seqpacket") == 0)
		return SOCK_SEQPACKET;
	if (strcmp(word, "raw") == 0 || strcmp(word, "rdm") == 0)
		return -1;
	return 0;
}

int
resolve_protocol(struct service *svc, const char *proto, struct diag *d,
    const char *file, int line)
{
	static const struct {
		const char *name;
		int stream;     /* tcp-like */
		int family;
		int v6only;
	} protos[] = {
		{ "tcp", 1, AF_INET, 0 },   { "udp", 0, AF_INET, 0 },
		{ "tcp6", 1, AF_INET6, 1 }, { "udp6", 0, AF_INET6, 1 },
		{ "tcp46", 1, AF_INET6, 0 }, { "udp46", 0, AF_INET6, 0 },
	};

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(proto, protos[i].name) != 0)
			continue;
		if (svc->socktype == SOCK_STREAM && !protos[i].stream) {
			diag_error(d, file, line,
			    "socket type stream needs protocol tcp, tcp6 or tcp46, not %s", proto);
			return -1;
		}
		if (svc->socktype == SOCK_DGRAM && protos[i].stream) {
			diag_error(d, file, line,
			    "socket type dgram needs protocol udp, udp6 or udp46, not %s", proto);
			return -1;
		}
		if (svc->socktype == SOCK_SEQPACKET && !protos[i].stream) {
			diag_error(d, file, line,
			    "socket type seqpacket needs a tcp protocol word, not %s", proto);
			return -1;
		}
		str_copy(svc->proto_name, proto, sizeof(svc->proto_name));
		svc->family = protos[i].family;
		svc->v6only = protos[i].v6only;
		if (svc->socktype == SOCK_SEQPACKET)
			svc->protocol = 0;      /* the kernel's (SCTP) */
		else
			svc->protocol = protos[i].stream ? IPPROTO_TCP : IPPROTO_UDP;
		return 0;
	}
	diag_error(d, file, line, "unknown protocol \"%s\"", proto);
	return -1;
}

int
resolve_port(const char *service, int protocol)
{
	unsigned long long n;

	if (parse_uint(service, 1, 65535, &n) == 0)
		return (int)n;
	return userdb_service_port(service,
	    protocol == IPPROTO_UDP ? "udp" : "tcp");
}

int
resolve_bind_address(struct service *svc, const char *address, int port,
    struct diag *d, const char *file, int line)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len;

	memset(&svc->addr, 0, sizeof(svc->addr));
	if (address != NULL && strcmp(address, "*") == 0)
		address = NULL;
	if (svc->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&svc->addr;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		if (address != NULL && inet_pton(AF_INET, address, &sin->sin_addr) != 1) {
			diag_error(d, file, line, "bad IPv4 address \"%s\" for protocol %s",
			    address, svc->proto_name);
			return -1;
		}
		svc->addrlen = sizeof(*sin);
		return 0;
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&svc->addr;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)port);
	sin6->sin6_addr = in6addr_any;
	svc->addrlen = sizeof(*sin6);
	if (address == NULL)
		return 0;
	len = strlen(address);
	if (len >= 2 && address[0] == '[' && address[len - 1] == ']') {
		if (len - 2 >= sizeof(buf))
			goto bad;
		memcpy(buf, address + 1, len - 2);
		buf[len - 2] = '\0';
	} else if (str_copy(buf, address, sizeof(buf)) >= sizeof(buf))
		goto bad;
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1)
		return 0;
bad:
	diag_error(d, file, line, "bad IPv6 address \"%s\" for protocol %s",
	    address, svc->proto_name);
	return -1;
}
