/*
 * spawn_plan.c: precompute everything a child needs (see spawn.h).
 */
#include "privd/spawn_plan.h"
#include "policy/caps.h"
#include "policy/seccomp_profile.h"
#include "common/landlock.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/securebits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define ENV_PATH "PATH=/usr/local/bin:/usr/bin:/bin"

static const int rlimit_resource[SVC_RLIMIT_COUNT] = {
	[SVC_RLIMIT_AS] = RLIMIT_AS, [SVC_RLIMIT_CPU] = RLIMIT_CPU,
	[SVC_RLIMIT_DATA] = RLIMIT_DATA, [SVC_RLIMIT_RSS] = RLIMIT_RSS,
	[SVC_RLIMIT_STACK] = RLIMIT_STACK, [SVC_RLIMIT_NOFILE] = RLIMIT_NOFILE,
};

/* Signals not at their default disposition in privd right now. */
static void
plan_signals(struct spawn_plan *plan)
{
	plan->nsig_reset = 0;
	for (int sig = 1; sig < _NSIG && sig <= 64; sig++) {
		struct sigaction sa;
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &sa) == -1)
			continue;
		if (sa.sa_handler != SIG_DFL)
			plan->sig_reset[plan->nsig_reset++] = sig;
	}
}

/* Capabilities: drop all others from the bounding set, keep `keep`. */
void
spawn_plan_caps(struct spawn_plan *plan, uint64_t keep)
{
	int last = caps_last_cap();

	plan->keep = keep;
	plan->nbset_drop = 0;
	plan->nambient = 0;
	for (int cap = 0; cap <= last && cap < SPAWN_CAPS_MAX; cap++) {
		if (keep & (1ULL << cap))
			plan->ambient[plan->nambient++] = cap;
		else
			plan->bset_drop[plan->nbset_drop++] = cap;
	}
	memset(&plan->cap_hdr, 0, sizeof(plan->cap_hdr));
	memset(plan->cap_data, 0, sizeof(plan->cap_data));
	plan->cap_hdr.version = _LINUX_CAPABILITY_VERSION_3;
	plan->cap_hdr.pid = 0;
	for (int i = 0; i < 2; i++) {
		uint32_t word = (uint32_t)(keep >> (32 * i));
		plan->cap_data[i].effective = word;
		plan->cap_data[i].permitted = word;
		plan->cap_data[i].inheritable = word;
	}
	/*
	 * uid 0 is no privilege: NOROOT stops exec from handing root the full
	 * set, NO_SETUID_FIXUP keeps granted capabilities across setuid (capset
	 * then sets exactly them), KEEP_CAPS stays off; all locked.
	 */
	plan->securebits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_KEEP_CAPS_LOCKED;
	if (keep == 0)
		plan->securebits |= SECBIT_NO_CAP_AMBIENT_RAISE |
		    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
}

static void
plan_env(struct spawn_plan *plan, const struct service *svc)
{
	plan->env = xcalloc(svc->env.n + svc->passenv.n + 2, sizeof(char *));
	plan->nenv = 0;
	plan->env[plan->nenv++] = xstrdup(ENV_PATH);
	for (size_t i = 0; i < svc->passenv.n; i++) {
		const char *v = getenv(svc->passenv.v[i]);
		if (v != NULL)
			xasprintf(&plan->env[plan->nenv++], "%s=%s",
			    svc->passenv.v[i], v);
	}
	for (size_t i = 0; i < svc->env.n; i++)
		plan->env[plan->nenv++] = xstrdup(svc->env.v[i]);
	plan->env[plan->nenv] = NULL;
}

/*
 * The Landlock scopes of every child (ABI 6 and later): from its own domain
 * it can neither signal nor connect to the abstract sockets of anything
 * outside it, so no service, whatever its uid (root included), can signal
 * privd, the listener or another service's processes.  0 on older kernels.
 */
static uint64_t
plan_scopes(int abi)
{
	return abi >= 6 ? LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL : 0;
}

/*
 * The ruleset of every plan without landlock_paths: scopes only, no file
 * rules.  One for all (restrict_self makes a new domain at every call, so
 * two children of one plan are still strangers), made on first use; -1
 * where the kernel has no scopes (logged once).
 */
static int
scope_ruleset(void)
{
	static int fd = -2;
	struct ll_ruleset_attr attr = { 0 };
	int abi;

	if (fd != -2)
		return fd;
	fd = -1;
	abi = ll_abi();
	if ((attr.scoped = plan_scopes(abi)) == 0) {
		log_notice("Landlock ABI %d: no signal and abstract-socket scoping "
		    "(ABI 6): services are not kept from signalling processes of "
		    "their uid", abi);
		return fd;
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd == -1)
		log_warn("landlock_create_ruleset (scopes): services are not "
		    "scoped");
	return fd;
}

/*
 * landlock_paths: a ruleset handling every file-system right, granting
 * read (and execute) beneath each listed path and on the service's own
 * program, with the scopes above.  Built once at load; the child only
 * calls restrict_self.  Without landlock_paths, the shared scope ruleset.
 */
static int
plan_landlock(struct spawn_plan *plan, const struct service *svc,
    struct diag *d)
{
	const struct origin *o = &svc->origin[ATTR_LANDLOCK];
	struct ll_ruleset_attr attr = { 0 };
	int abi, fd;

	plan->landlock_fd = -1;
	if (svc->landlock_paths.n == 0) {
		plan->landlock_fd = scope_ruleset();
		plan->landlock_shared = 1;
		return 0;
	}
	if ((abi = ll_abi()) == 0) {
		diag_error(d, o->file, o->line, "service %s: landlock_paths needs "
		    "Landlock, which this kernel does not offer", svc->name);
		return -1;
	}
	attr.handled_access_fs = ll_fs_rights(abi);
	attr.scoped = plan_scopes(abi);
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    attr.scoped != 0 ? sizeof(attr) : sizeof(uint64_t), 0);
	if (fd == -1) {
		diag_error(d, o->file, o->line, "landlock_create_ruleset: %s",
		    strerror(errno));
		return -1;
	}
	for (size_t i = 0; i <= svc->landlock_paths.n; i++) {
		const char *path = i < svc->landlock_paths.n ?
		    svc->landlock_paths.v[i] : svc->server;
		struct landlock_path_beneath_attr rule = { 0 };
		struct stat st;

		if (path == NULL)
			continue;
		rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
		if (rule.parent_fd == -1 || fstat(rule.parent_fd, &st) == -1) {
			diag_error(d, o->file, o->line, "landlock_paths: %s: %s",
			    path, strerror(errno));
			goto fail;
		}
		rule.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_EXECUTE;
		if (S_ISDIR(st.st_mode))
			rule.allowed_access |= LANDLOCK_ACCESS_FS_READ_DIR;
		if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH,
		    &rule, 0) == -1) {
			diag_error(d, o->file, o->line, "landlock_paths: %s: %s",
			    path, strerror(errno));
			close(rule.parent_fd);
			goto fail;
		}
		close(rule.parent_fd);
	}
	plan->landlock_fd = fd;
	return 0;
fail:
	close(fd);
	return -1;
}

int
spawn_plan_build(struct spawn_plan *plan, const struct service *svc,
    struct diag *d)
{
	memset(plan, 0, sizeof(*plan));
	plan->built = 1;
	plan->exec_fd = -1;
	plan->landlock_fd = -1;
	plan->path = svc->server;
	plan->argv = svc->argv;
	plan->uid = svc->uid;
	plan->gid = svc->gid;
	plan->groups = svc->groups;
	plan->ngroups = svc->ngroups;
	spawn_plan_caps(plan, svc->caps);
	plan->umask = svc->umask;
	plan->nice_set = svc->nice_set;
	plan->nice = svc->nice;
	plan->rlim_set = svc->rlim_set;
	for (int i = 0; i < SVC_RLIMIT_COUNT; i++) {
		plan->rlim[i] = svc->rlim[i];
		plan->rlim_res[i] = rlimit_resource[i];
	}
	plan->chroot = svc->chroot;
	plan->no_new_privs = svc->no_new_privs;
	plan_signals(plan);
	plan_env(plan, svc);
	if (plan_landlock(plan, svc, d) == -1) {
		spawn_plan_free(plan);
		return -1;
	}
	if (seccomp_profile_compile(svc, &plan->filter, d,
	    svc->origin[ATTR_SECCOMP].file, svc->origin[ATTR_SECCOMP].line) == -1) {
		spawn_plan_free(plan);
		return -1;
	}
	return 0;
}

int
spawn_plan_listener(struct spawn_plan *plan, uid_t uid, gid_t gid, int exec_fd,
    char *const *argv, struct diag *d)
{
	struct service *svc = service_new();      /* defaults: default seccomp */
	int rc;

	svc->uid = uid;
	svc->gid = gid;
	svc->argv = NULL;
	rc = spawn_plan_build(plan, svc, d);
	service_free(svc);
	if (rc == -1)
		return -1;
	plan->exec_fd = exec_fd;
	plan->path = NULL;
	plan->argv = argv;
	plan->groups = NULL;
	plan->ngroups = 0;
	return 0;
}

void
spawn_plan_free(struct spawn_plan *plan)
{
	if (!plan->built)
		return;         /* never built (a built-in, or a failed load) */
	if (plan->env != NULL)
		for (size_t i = 0; i < plan->nenv; i++)
			free(plan->env[i]);
	free(plan->env);
	plan->env = NULL;
	if (plan->landlock_fd >= 0 && !plan->landlock_shared)
		close(plan->landlock_fd);
	plan->landlock_fd = -1;
	plan->landlock_shared = 0;
	seccomp_profile_free(&plan->filter);
	plan->built = 0;
}
