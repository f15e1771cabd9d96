/*
 * resolve.h: turning configuration words into system values: users,
 * groups, supplementary groups, service ports, bind addresses, protocols.
 * Used by every configuration parser so all of them agree.
 */
#ifndef HINETD_RESOLVE_H
#define HINETD_RESOLVE_H

#include "common/diag.h"
#include "policy/service.h"

/*
 * Set svc->user/uid/gid/groups from a user name (or numeric uid that has a
 * passwd entry) and optional group name (or numeric gid that has a group
 * entry); svc->user and svc->group get the canonical names.  The
 * supplementary groups are the user's (getgrouplist).  Returns 0 or -1 with a diagnostic at file:line.
 */
int resolve_user(struct service *svc, const char *user, const char *group,
    struct diag *d, const char *file, int line);

/*
 * SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET for an inetd/xinetd socket
 * type word; -1 for a known but unsupported one (raw, rdm); 0 if unknown.
 */
int resolve_socktype(const char *word);

/*
 * Set svc->proto_name, family, protocol, v6only from an inetd protocol word
 * (tcp, udp, tcp6, udp6, tcp46, udp46) for the given socket type.
 */
int resolve_protocol(struct service *svc, const char *proto, struct diag *d,
    const char *file, int line);

/*
 * Port of a service name (services database, for "tcp" or "udp") or number
 * 1..65535.  Returns the port in host order, or -1.
 */
int resolve_port(const char *service, int protocol);

/*
 * Set svc->addr/addrlen from an address word ("*", NULL, IPv4, "[IPv6]" or
 * bare IPv6) and a port, honouring svc->family.  -1 with a diagnostic.
 */
int resolve_bind_address(struct service *svc, const char *address, int port,
    struct diag *d, const char *file, int line);

#endif
