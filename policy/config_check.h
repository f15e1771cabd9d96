/*
 * config_check.h: `hinetd -t` warnings about risky but valid choices
 * (SPEC section 2), and the textual view of hosts.allow / hosts.deny rules
 * that `hinetd -t` and `hinetd -T` share: which rules name which service.
 */
#ifndef HINETD_CONFIG_CHECK_H
#define HINETD_CONFIG_CHECK_H

#include <stddef.h>

#include "common/diag.h"
#include "policy/service.h"

/*
 * Warn (never error) about: a service running as root, capabilities kept,
 * seccomp off, no access rules on a service bound to a non-loopback address,
 * and hosts.allow / hosts.deny rules naming a daemon no service has.
 * Disabled services are not warned about (but their names count as known).
 */
void config_check(const struct config *cfg, struct diag *d);

/* One rule of hosts.allow or hosts.deny, as written. */
struct hosts_rule {
	const char *file;       /* cfg->allow_path or cfg->deny_path */
	int         line;       /* its first line */
	int         allow;      /* 1: hosts.allow, 0: hosts.deny */
	char       *text;       /* whole rule, continuation lines joined */
	char       *daemons;    /* the daemon list (before the first ':') */
};

/* Every rule of cfg's access files, in file order (allow first). */
struct hosts_rule *hosts_rules_read(const struct config *cfg, size_t *n);
void               hosts_rules_free(struct hosts_rule *r, size_t n);

/*
 * 1 if the rule's daemon list matches the service (its daemon name, the
 * basename of the real program, or its service name; ALL, wildcards,
 * daemon@host, EXCEPT as in hosts_access(5)).  File lists (/path) are not
 * opened and never match here.
 */
int  hosts_rule_applies(const struct hosts_rule *r, const struct service *svc);

/* 1 if svc has any access rule: only_from, no_access or a hosts rule. */
int  service_has_access_rules(const struct service *svc,
         const struct hosts_rule *r, size_t n);

/* 1 if svc is bound to a loopback address only. */
int  service_loopback_only(const struct service *svc);

/* "echo/tcp" (or "echo/tcp@127.0.0.1" with a bind address). */
void service_label(const struct service *svc, char *buf, size_t len);

#endif
