/*
 * lookup.h: the listener's non-blocking look-ups, for the access checks:
 * a client's (or local address's) host name, reverse then forward-confirmed
 * (c-ares, plus the hosts file privd read into the snapshot), and the
 * client's RFC 1413 ident user.  Each answer arrives by callback from the
 * event loop; a look-up can be cancelled (its callback then never runs).
 * Answers are validated before the callback: an invalid name is unknown.
 */
#ifndef HINETD_LOOKUP_H
#define HINETD_LOOKUP_H

#include <sys/socket.h>

enum lookup_name_state {
	LOOKUP_NAME_UNKNOWN = 1,        /* no name, failure, invalid name */
	LOOKUP_NAME_PARANOID,           /* name does not map back to the address */
	LOOKUP_NAME_KNOWN,              /* forward-confirmed, valid */
};

#define LOOKUP_DNS_TIMEOUT_MS   2500    /* per try; two tries */
#define LOOKUP_IDENT_TIMEOUT_MS 10000   /* tcpd's RFC931_TIMEOUT */

struct lookup;

typedef void (*lookup_name_cb)(void *arg, enum lookup_name_state st,
    const char *name);
typedef void (*lookup_user_cb)(void *arg, const char *user);   /* NULL: unknown */

/* Before the sandbox: resolver state (reads resolv.conf), hosts text. */
void lookup_init(const char *hosts_text);

/*
 * Start a look-up.  The callback may run before the call returns (answer
 * from the hosts file, or an unusable address); the call then returns
 * NULL.  Otherwise it returns a handle for lookup_cancel().
 */
struct lookup *lookup_name(const struct sockaddr *addr, socklen_t len,
                   lookup_name_cb cb, void *arg);
/* Ident: ask peer's port 113 from the local address the client reached. */
struct lookup *lookup_user(const struct sockaddr *peer, const struct sockaddr *local,
                   socklen_t len, lookup_user_cb cb, void *arg);
void           lookup_cancel(struct lookup *l);

/* Parse an RFC 1413 reply line; returns the user or NULL (tested). */
const char    *ident_parse_reply(char *line, unsigned peer_port, unsigned local_port);

#endif
