/*
 * access_opts.c: the hosts_options(5) options privd carries out, and
 * privd's own repetition of the access decision.
 *
 * The listener carries out allow, deny, severity, keepalive, linger,
 * rfc931 and banners itself.  The options that change the spawned process
 * (setenv, umask, user, nice, spawn, twist) are carried out here, from
 * privd's own copy of the tables: the listener only says "admitted", never
 * which rule or which options.  privd repeats the decision with the facts
 * the listener reported (the client's and the server's confirmed names,
 * an ident user, the look-up states); it never looks anything up itself,
 * so a fact the listener did not report is unknown.  A decision of "deny"
 * means the listener admitted a client the rules refuse: the spawn is
 * refused and counted as a bad message.
 *
 * `banners DIR`: the listener opens no file, so privd reads DIR/DAEMON for
 * every daemon name at load (ha_banners_load) and the files reach the
 * listener inside the tables of the snapshot.  See docs/access-control.md.
 */
#include "privd/privd.h"
#include "privd/spawn_prefilter.h"
#include "policy/hosts_access.h"
#include "policy/xinetd_access.h"
#include "common/log.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Variables hinetd sets for every connection (conn_spawn.c env_build):
 * a rule may not replace them, so the server can trust them. */
static const char *const conn_vars[] = {
	"PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "REMOTE_ADDR", "REMOTE_PORT",
	"TCPLOCALIP", "TCPLOCALPORT", "TCPREMOTEHOST", "TCPREMOTEINFO",
};

static void
check_table(const struct ha_table *t, struct diag *d)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct ha_rule *r = &t->rules[i];
		size_t nsetenv = 0, nspawn = 0;

		for (size_t k = 0; k < r->nopts; k++) {
			const struct ha_option *o = &r->opts[k];

			switch (o->kind) {
			case HA_OPT_SETENV:
				if (++nsetenv == ACCESS_SETENV_MAX + 1)
					diag_error(d, t->file, r->line, "more than "
					    "%d setenv options in one rule",
					    ACCESS_SETENV_MAX);
				if (strlen(o->name) >= ACCESS_ENV_NAME_MAX)
					diag_error(d, t->file, r->line, "setenv name "
					    "longer than %d bytes",
					    ACCESS_ENV_NAME_MAX - 1);
				for (size_t v = 0; v < sizeof(conn_vars) /
				    sizeof(conn_vars[0]); v++)
					if (strcmp(o->name, conn_vars[v]) == 0)
						diag_error(d, t->file, r->line,
						    "setenv may not replace %s (hinetd "
						    "sets it for every connection)",
						    o->name);
				break;
			case HA_OPT_SPAWN:
				if (++nspawn == ACCESS_SPAWN_MAX + 1)
					diag_error(d, t->file, r->line, "more than "
					    "%d spawn options in one rule",
					    ACCESS_SPAWN_MAX);
				break;
			default:
				break;
			}
		}
	}
}

/*
 * The banner files of every `banners` option, for the daemon names of the
 * services that consult the tables over a connection (banners are for
 * connection-oriented services only, as in tcpd).
 */
static void
load_banners(const struct config *cfg, struct diag *d)
{
	const char **names;
	size_t n = 0;

	if (cfg->allow_table == NULL && cfg->deny_table == NULL)
		return;
	names = xcalloc(cfg->nsvcs ? cfg->nsvcs : 1, sizeof(*names));
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		const struct service *svc = cfg->svcs[i];
		const char *dn = svc->daemon != NULL && svc->daemon[0] != '\0' ?
		    svc->daemon : svc->name;
		size_t k;

		if (svc->socktype == SOCK_DGRAM ||
		    (svc->flags & SVC_FLAG_NOLIBWRAP))
			continue;
		for (k = 0; k < n && strcmp(names[k], dn) != 0; k++)
			;
		if (k == n)
			names[n++] = dn;
	}
	(void)ha_banners_load(cfg->allow_table, names, n, d);
	(void)ha_banners_load(cfg->deny_table, names, n, d);
	free(names);
}

int
access_options_check(const struct config *cfg, struct diag *d)
{
	size_t before = d->errors;

	check_table(cfg->allow_table, d);
	check_table(cfg->deny_table, d);
	load_banners(cfg, d);
	return d->errors > before ? -1 : 0;
}

/*
 * Per-spawn buffers.  The child of spawn_run() shares privd's memory until
 * it execs, so everything it reads lives here, filled before the spawn;
 * static because privd handles one request at a time and nothing may be
 * allocated for (or in) the child.
 */
static char  env_buf[ACCESS_SETENV_MAX][ACCESS_ENV_NAME_MAX + 1 + HA_EXPAND_MAX];
static char  twist_buf[HA_EXPAND_MAX];
static char *twist_argv[4];
static char  spawn_buf[ACCESS_SPAWN_MAX][HA_EXPAND_MAX];
static char *spawn_argv[ACCESS_SPAWN_MAX][4];

/* setenv NAME again: the later one wins, as with tcpd's setenv(3). */
static void
apply_setenv(struct access_apply *a, const struct ha_option *o,
    const char *value)
{
	size_t n = strlen(o->name), i;

	for (i = 0; i < a->nenv; i++)
		if (strncmp(a->env[i], o->name, n) == 0 && a->env[i][n] == '=')
			break;
	if (i == ACCESS_SETENV_MAX)
		return;                 /* refused at load */
	snprintf(env_buf[i], sizeof(env_buf[i]), "%s=%s", o->name, value);
	a->env[i] = env_buf[i];
	if (i == a->nenv)
		a->nenv++;
}

/*
 * user NAME[.GROUP]: resolved at load (hosts_options.c), so privd asks no
 * name service per connection and the child reads only privd's tables.
 */
static int
apply_user(struct access_apply *a, const struct ha_option *o, char *why,
    size_t whylen)
{
	if (!o->user_resolved) {
		snprintf(why, whylen, "user option: \"%s\" not resolved at load",
		    o->name);
		return -1;
	}
	/* No service runs as the listener (listener_identity.c). */
	if (o->uid == privd.listener_uid) {
		snprintf(why, whylen, "user option: \"%s\" is the listener's user",
		    o->name);
		return -1;
	}
	a->plan.uid = o->uid;
	a->plan.gid = o->gid;
	a->plan.groups = o->groups;
	a->plan.ngroups = o->ngroups;
	return 0;
}

/*
 * The server name fact, checked as strictly as conn_spawn checks the
 * client's: a state in range, KNOWN with a valid name, others with none.
 */
static const char *
check_server_fact(const struct ipc_spawn *m)
{
	if (m->server_name_state > HA_NAME_KNOWN)
		return "invalid server host name state";
	if ((m->server_name_state == HA_NAME_KNOWN) != (m->server_host[0] != '\0'))
		return "server host name does not match its state";
	if (m->server_host[0] != '\0' && !name_valid_host(m->server_host))
		return "invalid server host name";
	return NULL;
}

/* NULL, or why the listener's facts cannot be recorded (a bad message). */
static const char *
request_from(struct ha_request *req, const struct service *svc,
    const struct ipc_spawn *m, const struct sockaddr_storage *local,
    socklen_t locallen, const struct sockaddr_storage *peer, socklen_t peerlen)
{
	ha_request_init(req, svc->daemon != NULL && svc->daemon[0] != '\0' ?
	    svc->daemon : svc->name, svc->name);
	if (peerlen > 0)
		(void)ha_endpoint_set_addr(&req->client,
		    (const struct sockaddr *)peer, peerlen);
	if (locallen > 0)
		(void)ha_endpoint_set_addr(&req->server,
		    (const struct sockaddr *)local, locallen);
	/*
	 * Checked by conn_spawn (client) and check_server_fact: KNOWN carries
	 * a valid name, others none.  The engine's own rules must accept the
	 * names too: an honest listener applied them before sending.
	 */
	if (m->name_state != HA_NAME_UNSET &&
	    ha_endpoint_set_name(&req->client, (enum ha_name_state)m->name_state,
	    m->host) == -1)
		return "host name refused by the access engine";
	if (m->server_name_state != HA_NAME_UNSET &&
	    ha_endpoint_set_name(&req->server,
	    (enum ha_name_state)m->server_name_state, m->server_host) == -1)
		return "server host name refused by the access engine";
	if (m->user_state == HA_USER_KNOWN) {
		if (ha_request_set_user(req, m->ident) == -1)
			return "ident answer refused by the access engine";
	} else if (m->user_state == HA_USER_UNKNOWN)
		(void)ha_request_set_user(req, NULL);
	req->pid = 0;
	return NULL;
}

/*
 * The service's only_from and no_access, decided again on privd's facts:
 * the client's address from the socket, its name only as the listener
 * reported it (a name entry it did not report is a refusal: an honest
 * listener looks the name up when a list needs it).  NULL: admitted.
 */
static int
xinetd_recheck(const struct service *svc, const struct ha_request *req,
    char *why, size_t whylen)
{
	enum svc_attr attr = ATTR_ONLY_FROM;
	const struct origin *o;

	switch (xinetd_access(svc, &req->client, &attr)) {
	case XA_ADMIT:
		return 0;
	case XA_DENY:
		o = &svc->origin[attr];
		snprintf(why, whylen, "listener admitted a client the service's "
		    "%s refuses (%s:%d)", attr == ATTR_NO_ACCESS ? "no_access" :
		    "only_from", o->file != NULL ? o->file : "-", o->line);
		return -1;
	default:
		snprintf(why, whylen, "listener did not report the host name "
		    "the service's only_from or no_access needs");
		return -1;
	}
}

/*
 * ACCESS_DENIED also when the listener's facts fail the checks above:
 * conn_spawn rejects both as bad messages.
 */
int
access_recheck(const struct config *cfg, const struct service *svc,
    const struct spawn_plan *base, const struct ipc_spawn *m,
    const struct sockaddr_storage *local, socklen_t locallen,
    const struct sockaddr_storage *peer, socklen_t peerlen,
    struct access_apply *a, char *why, size_t whylen)
{
	static struct ha_request req;   /* large: not on the stack */
	struct ha_decision dec;
	enum ha_status st = HA_GRANT;
	char value[HA_EXPAND_MAX];
	const char *bad;
	int hosts, lists;

	a->plan = *base;
	a->nenv = 0;
	a->twist = 0;
	a->nspawn = 0;
	/* Checked whether or not it is used: a bad one is a bad message. */
	if ((bad = check_server_fact(m)) != NULL) {
		snprintf(why, whylen, "%s", bad);
		return ACCESS_DENIED;
	}
	hosts = !(svc->flags & SVC_FLAG_NOLIBWRAP) &&
	    (cfg->allow_table != NULL || cfg->deny_table != NULL);
	lists = svc->only_from_set || svc->only_from.n > 0 ||
	    svc->no_access.n > 0;
	if (!hosts && !lists)
		return ACCESS_OK;

	if ((bad = request_from(&req, svc, m, local, locallen, peer,
	    peerlen)) != NULL) {
		snprintf(why, whylen, "%s", bad);
		return ACCESS_DENIED;
	}
	/* Both must admit (the order changes nothing a client can see). */
	if (lists && xinetd_recheck(svc, &req, why, whylen) == -1)
		return ACCESS_DENIED;
	if (!hosts)
		return ACCESS_OK;
	/* privd looks nothing up: a fact not reported is unknown. */
	st = ha_eval_known(cfg->allow_table, cfg->deny_table, &req, &dec);
	if (st != HA_GRANT && st != HA_DELEGATE) {
		snprintf(why, whylen, "listener admitted a client the access "
		    "rules deny (%s:%d)", dec.file ? dec.file : "-", dec.line);
		return ACCESS_DENIED;
	}
	if (dec.rule == NULL)
		return ACCESS_OK;

	for (size_t k = 0; k < dec.rule->nopts; k++) {
		const struct ha_option *o = &dec.rule->opts[k];

		switch (o->kind) {
		case HA_OPT_SETENV:
		case HA_OPT_SPAWN:
		case HA_OPT_TWIST:
			/* Expansions are shell-safe: tcpd's character rule.
			 * setenv: only its value template is expanded. */
			if ((o->kind == HA_OPT_SETENV ? ha_expand(o->arg, &req,
			    value, sizeof(value)) : ha_option_value(o, &req, value,
			    sizeof(value))) == -1) {
				snprintf(why, whylen, "%s option: expansion too "
				    "long (%s:%d)", ha_option_name(o->kind),
				    dec.file, dec.line);
				return ACCESS_FAILED;
			}
			break;
		default:
			break;
		}
		switch (o->kind) {
		case HA_OPT_SETENV:
			apply_setenv(a, o, value);
			break;
		case HA_OPT_UMASK:
			a->plan.umask = (int)o->num;
			break;
		case HA_OPT_NICE:
			a->plan.nice_set = 1;
			a->plan.nice = (int)o->num;
			break;
		case HA_OPT_USER:
			if (apply_user(a, o, why, whylen) == -1)
				return ACCESS_FAILED;
			break;
		case HA_OPT_SPAWN:
			if (a->nspawn == ACCESS_SPAWN_MAX)
				break;          /* refused at load */
			str_copy(spawn_buf[a->nspawn], value, sizeof(spawn_buf[0]));
			spawn_argv[a->nspawn][0] = (char *)"sh";
			spawn_argv[a->nspawn][1] = (char *)"-c";
			spawn_argv[a->nspawn][2] = spawn_buf[a->nspawn];
			spawn_argv[a->nspawn][3] = NULL;
			a->spawn_argv[a->nspawn] = spawn_argv[a->nspawn];
			a->nspawn++;
			break;
		case HA_OPT_TWIST:
			str_copy(twist_buf, value, sizeof(twist_buf));
			twist_argv[0] = (char *)"sh";
			twist_argv[1] = (char *)"-c";
			twist_argv[2] = twist_buf;
			twist_argv[3] = NULL;
			a->twist = 1;
			break;
		default:
			break;
		}
	}
	if (a->twist) {
		/* The server is replaced, its confinement is not. */
		a->plan.exec_fd = -1;
		a->plan.path = "/bin/sh";
		a->plan.argv = twist_argv;
	}
	/* umask, nice and twist add calls the filter's proof did not cover. */
	if (a->plan.umask != base->umask || a->plan.nice_set != base->nice_set ||
	    a->twist)
		spawn_prefilter_recheck(&a->plan);
	return ACCESS_OK;
}
