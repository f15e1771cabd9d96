/*
 * config_check.h: `hinetd -t` warnings about risky but valid choices,
 * and the view of hosts.allow / hosts.deny rules that
 * `hinetd -t` and `hinetd -T` share: which rules apply to which service,
 * as the access engine decides it.
 */
#ifndef HINETD_CONFIG_CHECK_H
#define HINETD_CONFIG_CHECK_H

#include <stddef.h>

#include "common/diag.h"
#include "policy/service.h"

struct ha_rule;

/*
 * Warn (never error) about: a service running as root, capabilities kept,
 * seccomp off, seccomp lists without a filter, no access rules on a service
 * bound to a non-loopback address, access rules a datagram, wait or
 * built-in service cannot carry out, and hosts.allow / hosts.deny rules
 * naming a daemon no service has.  Disabled services are not warned about
 * (but their names count as known).
 */
void config_check(const struct config *cfg, struct diag *d);

/*
 * The same for a configuration that loaded with errors (config_load_keep):
 * only the warnings about one service as it loaded; the cross-checks (no
 * access rules, rules naming unknown daemons) need the whole configuration.
 */
void config_check_partial(const struct config *cfg, struct diag *d);

/* One rule of hosts.allow or hosts.deny, as the engine parsed it. */
struct hosts_rule {
	const char *file;       /* the table's file name */
	int         line;       /* its last physical line (tcpd, rule=FILE:LINE) */
	int         allow;      /* 1: hosts.allow, 0: hosts.deny */
	char       *text;       /* whole rule, continuation lines joined */
	const struct ha_rule *rule;     /* in cfg->allow_table / deny_table */
};

/* Every rule of cfg's parsed access tables, in order (allow first). */
struct hosts_rule *hosts_rules_read(const struct config *cfg, size_t *n);
void               hosts_rules_free(struct hosts_rule *r, size_t n);

#define HOSTS_RULE_NO    0
#define HOSTS_RULE_YES   1
#define HOSTS_RULE_MAYBE 2      /* daemon@host: up to the server end point */

/*
 * Whether the rule's daemon list matches the service, by the engine's own
 * matching (its daemon name and its service name, word by word; EXCEPT;
 * daemon@host).  HOSTS_RULE_MAYBE when that depends on the address or host
 * name a client connects to, which is not known before it connects.
 * Datagram services are decided as the listener decides them (the bound
 * address, no names).  The client list is not evaluated.
 */
int  hosts_rule_applies(const struct hosts_rule *r, const struct service *svc);

/* 1 if svc has any access rule: only_from, no_access or a hosts rule that
 * applies or may apply. */
int  service_has_access_rules(const struct service *svc,
         const struct hosts_rule *r, size_t n);

/* 1 if svc is bound to a loopback address only. */
int  service_loopback_only(const struct service *svc);

/* "echo/tcp" (or "echo/tcp@127.0.0.1" with a bind address). */
void service_label(const struct service *svc, char *buf, size_t len);

#endif
