/*
 * lookup_internal.h: what the look-up files (lookup_dns.c, lookup_ident.c,
 * lookup_hosts.c) share.
 */
#ifndef HINETD_LOOKUP_INTERNAL_H
#define HINETD_LOOKUP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "listener/listener.h"
#include "listener/lookup.h"

enum lookup_kind { LOOKUP_KIND_NAME = 1, LOOKUP_KIND_USER };

struct lookup {
	enum lookup_kind kind;
	int              cancelled;
	lookup_name_cb   name_cb;
	lookup_user_cb   user_cb;
	void            *arg;
	struct sockaddr_storage addr;   /* the address being named / the peer */
	socklen_t        len;
	char             name[256];
	/* ident */
	int              fd;
	struct ev_src    ev;
	char             query[64];
	size_t           qlen, qsent;
	char             reply[1024];
	size_t           have;
	unsigned         peer_port, local_port;
	int64_t          deadline;
	struct lookup   *next;          /* pending ident queries */
};

/* Address bytes of an IPv4 or IPv6 (IPv4-mapped -> IPv4) socket address. */
int  lookup_addr_bytes(const struct sockaddr *sa, socklen_t len, int *family,
         unsigned char out[16]);

/* The hosts file from the snapshot (lookup_hosts.c). */
void hosts_load(const char *text);
/* Canonical name of an address, or NULL. */
const char *hosts_name_of(int family, const unsigned char *addr);
/* 1 if the hosts file names `name` with this address, 0 if it names it
 * with others only, -1 if it does not know the name. */
int  hosts_name_has(const char *name, int family, const unsigned char *addr);

int64_t lookup_now_ms(void);

#endif
