/*
 * access_opts.c: which hosts_options(5) options this hinetd carries out.
 * The listener carries out allow, deny, severity, keepalive, linger and
 * rfc931 itself.  The options that would change the spawned process
 * (setenv, umask, user, nice, spawn, twist) must be applied by privd from
 * its own tables, and `banners` needs files the listener cannot open:
 * none of them is carried out yet, so a rule using one makes the load
 * fail (never silently ignored).  See docs/access-control.md.
 */
#include "privd/privd.h"
#include "policy/hosts_access.h"

static void
check_table(const struct ha_table *t, struct diag *d)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct ha_rule *r = &t->rules[i];
		for (size_t k = 0; k < r->nopts; k++) {
			switch (r->opts[k].kind) {
			case HA_OPT_BANNERS:
			case HA_OPT_SETENV:
			case HA_OPT_UMASK:
			case HA_OPT_USER:
			case HA_OPT_NICE:
			case HA_OPT_SPAWN:
			case HA_OPT_TWIST:
				diag_error(d, t->file, r->line, "option \"%s\" "
				    "is not supported by hinetd",
				    ha_option_name(r->opts[k].kind));
				break;
			default:
				break;
			}
		}
	}
}

int
access_options_check(const struct config *cfg, struct diag *d)
{
	size_t before = d->errors;

	check_table(cfg->allow_table, d);
	check_table(cfg->deny_table, d);
	return d->errors > before ? -1 : 0;
}
