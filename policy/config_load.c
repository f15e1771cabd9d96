/*
 * config_load.c: read and check one whole configuration.
 */
#include "policy/config_load.h"
#include "policy/inetd_conf.h"
#include "policy/policy_file.h"
#include "policy/hosts_access.h"
#include "common/trust.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
config_read_file(const char *path, size_t max, char **text, size_t *len,
    struct diag *d)
{
	struct stat st;
	char *buf, why[256];
	size_t have = 0, cap;
	ssize_t n;
	int fd;

	*text = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO must not hang the load; only regular files pass. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_error(d, path, 0, "not a regular file");
		close(fd);
		return -1;
	}
	if (trust_check_fd(fd, path, 0, why, sizeof(why)) == -1) {
		diag_error(d, path, 0, "refused: %s", why);
		close(fd);
		return -1;
	}
	/*
	 * Sized by the file (one byte more, to see it end), grown if it grows
	 * while read: never max bytes for a small file, which would stay in
	 * privd's heap as long as the configuration.
	 */
	cap = st.st_size >= 0 && (uintmax_t)st.st_size < max ?
	    (size_t)st.st_size + 1 : max + 1;
	buf = xmalloc(cap + 1);
	for (;;) {
		if (have == cap) {
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(fd, buf + have, cap - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diag_error(d, path, 0, "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > max) {
			diag_error(d, path, 0, "file larger than %zu bytes", max);
			goto fail;
		}
	}
	close(fd);
	buf[have] = '\0';
	*text = buf;
	*len = have;
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

/*
 * The hosts file, for the listener's look-ups.  Missing: empty.  It is not
 * part of the configuration, so a problem with it is a warning, not a
 * refused load: names are then looked up in the DNS only.
 */
static void
load_hosts_file(struct config *cfg, struct diag *d)
{
	struct diag scratch;

	diag_init(&scratch);
	if (config_read_file(CONFIG_HOSTS_FILE, CONFIG_HOSTS_FILE_MAX,
	    &cfg->hosts_text, &cfg->hosts_len, &scratch) == -1)
		diag_warning(d, CONFIG_HOSTS_FILE, 0, "%s; host names come "
		    "from the DNS only", scratch.n > 0 ? scratch.msgs[0] : "unreadable");
	diag_free(&scratch);
}

struct config *
config_load_keep(const struct config_paths *paths, struct diag *d)
{
	struct config *cfg = config_new();

	cfg->inetd_path = xstrdup(paths->inetd_conf);
	cfg->policy_dir = xstrdup(paths->policy_dir);
	cfg->allow_path = xstrdup(paths->hosts_allow);
	cfg->deny_path = xstrdup(paths->hosts_deny);

	inetd_conf_parse_file(cfg, paths->inetd_conf, paths->inetd_conf_default, d);
	policy_dir_parse(cfg, paths->policy_dir, paths->policy_dir_default, d);
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct service *svc = cfg->svcs[i];
		if (svc->builtin != BUILTIN_NONE &&
		    svc->origin[ATTR_INSTANCES].line == 0 &&
		    svc->instances == SVC_DEFAULT_INSTANCES)
			svc->instances = SVC_DEFAULT_BUILTIN_INSTANCES;
	}

	if (config_read_file(paths->hosts_allow, CONFIG_ACCESS_FILE_MAX,
	    &cfg->allow_text, &cfg->allow_len, d) >= 0)
		cfg->allow_table = ha_parse(paths->hosts_allow, cfg->allow_text,
		    cfg->allow_len, HA_PARSE_SYSTEM, d);
	if (config_read_file(paths->hosts_deny, CONFIG_ACCESS_FILE_MAX,
	    &cfg->deny_text, &cfg->deny_len, d) >= 0)
		cfg->deny_table = ha_parse(paths->hosts_deny, cfg->deny_text,
		    cfg->deny_len, HA_PARSE_SYSTEM, d);
	load_hosts_file(cfg, d);
	return cfg;
}

struct config *
config_load(const struct config_paths *paths, struct diag *d)
{
	size_t errors_before = d->errors;
	struct config *cfg = config_load_keep(paths, d);

	if (d->errors > errors_before) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}
