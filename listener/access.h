/*
 * access.h: access checks in the listener:
 * hosts.allow/hosts.deny through the engine (policy/hosts_access.h), then
 * the service's only_from/no_access.  Stream connections are decided
 * without blocking: a decision that needs a host name or an ident answer
 * parks the connection until the look-up answers (access.c); datagrams
 * are decided at once with what is known (access_check_peer in access.c).
 */
#ifndef HINETD_ACCESS_H
#define HINETD_ACCESS_H

#include "listener/listener.h"
#include "policy/hosts_access.h"
#include "policy/xinetd_access.h"

/* Connections parked on a look-up, all services together. */
#define ACCESS_PARKED_MAX  1024

struct src_count;

/*
 * Decide for an accepted stream connection (after the limits).  Takes fd
 * and src: the connection is served (conn_admitted), or denied and closed.
 * Look-ups are started only when a rule needs them.
 */
void access_start(struct lservice *ls, int fd, const struct sockaddr *peer,
         socklen_t peerlen, struct src_count *src);

/* conn.c: an admitted connection, with the facts its decision used (the
 * confirmed name and ident user are handed to privd, with the look-up
 * states, so that privd can repeat the decision); pri: syslog priority of
 * its log line. */
void conn_admitted(struct lservice *ls, int fd, const struct sockaddr *peer,
         socklen_t peerlen, struct src_count *src, const struct ha_request *req,
         int pri);

#endif
