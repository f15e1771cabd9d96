/*
 * service.c: construction, defaults and destruction of the configuration
 * model (struct config, struct service).
 */
#include "policy/service.h"
#include "policy/hosts_access.h"
#include "common/util.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

void
strlist_add(struct strlist *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 2, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

void
strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

struct config *
config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

const char *
config_file(struct config *cfg, const char *path)
{
	for (size_t i = 0; i < cfg->nfiles; i++)
		if (strcmp(cfg->files[i], path) == 0)
			return cfg->files[i];
	cfg->files = xreallocarray(cfg->files, cfg->nfiles + 1, sizeof(*cfg->files));
	cfg->files[cfg->nfiles] = xstrdup(path);
	return cfg->files[cfg->nfiles++];
}

struct service *
service_new(void)
{
	struct service *svc = xcalloc(1, sizeof(*svc));

	svc->umask = -1;
	svc->instances = SVC_DEFAULT_INSTANCES;
	svc->per_source = SVC_DEFAULT_PER_SOURCE;
	svc->cps_rate = SVC_DEFAULT_CPS_RATE;
	svc->cps_pause = SVC_DEFAULT_CPS_PAUSE;
	svc->seccomp = SECCOMP_PROFILE_DEFAULT;
	svc->seccomp_action = SECCOMP_FAIL_ERRNO;
	svc->no_new_privs = 1;
	return svc;
}

void
service_free(struct service *svc)
{
	if (svc == NULL)
		return;
	free(svc->user);
	free(svc->group);
	free(svc->groups);
	free(svc->server);
	if (svc->argv != NULL)
		for (int i = 0; i < svc->argc; i++)
			free(svc->argv[i]);
	free(svc->argv);
	free(svc->daemon);
	strlist_free(&svc->only_from);
	strlist_free(&svc->no_access);
	strlist_free(&svc->env);
	strlist_free(&svc->passenv);
	strlist_free(&svc->seccomp_allow);
	strlist_free(&svc->seccomp_deny);
	strlist_free(&svc->landlock_paths);
	free(svc->chroot);
	free(svc->ident);
	free(svc);
}

void
config_add(struct config *cfg, struct service *svc)
{
	cfg->svcs = xreallocarray(cfg->svcs, cfg->nsvcs + 1, sizeof(*cfg->svcs));
	svc->id = (unsigned)cfg->nsvcs;
	cfg->svcs[cfg->nsvcs++] = svc;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nsvcs; i++)
		service_free(cfg->svcs[i]);
	free(cfg->svcs);
	for (size_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->inetd_path);
	free(cfg->policy_dir);
	free(cfg->allow_path);
	free(cfg->deny_path);
	free(cfg->allow_text);
	free(cfg->deny_text);
	ha_table_free(cfg->allow_table);
	ha_table_free(cfg->deny_table);
	free(cfg->hosts_text);
	free(cfg);
}

static const char *const builtin_names[] = {
	[BUILTIN_NONE] = "none",
	[BUILTIN_ECHO] = "echo",
	[BUILTIN_DISCARD] = "discard",
	[BUILTIN_CHARGEN] = "chargen",
	[BUILTIN_DAYTIME] = "daytime",
	[BUILTIN_TIME] = "time",
};

const char *
builtin_name(enum svc_builtin b)
{
	if ((unsigned)b < sizeof(builtin_names) / sizeof(builtin_names[0]))
		return builtin_names[b];
	return "none";
}

enum svc_builtin
builtin_lookup(const char *name)
{
	for (unsigned b = BUILTIN_ECHO; b <= BUILTIN_TIME; b++)
		if (strcmp(builtin_names[b], name) == 0)
			return (enum svc_builtin)b;
	return BUILTIN_NONE;
}

int
service_same_socket(const struct service *a, const struct service *b)
{
	return a->socktype == b->socktype && a->family == b->family &&
	    a->protocol == b->protocol && a->v6only == b->v6only &&
	    a->addrlen == b->addrlen &&
	    memcmp(&a->addr, &b->addr, a->addrlen) == 0;
}
