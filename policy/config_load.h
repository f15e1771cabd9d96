/*
 * config_load.h: one whole configuration load: inetd.conf, the policy
 * directory, hosts.allow and hosts.deny, read once, checked, and returned as
 * a struct config.  privd, `hinetd -t/-T` and hinetd-match all load through
 * here so they can never disagree.
 */
#ifndef HINETD_CONFIG_LOAD_H
#define HINETD_CONFIG_LOAD_H

#include "common/diag.h"
#include "policy/service.h"

struct config_paths {
	const char *inetd_conf;         /* -f */
	int         inetd_conf_default; /* a missing default file is no error */
	const char *policy_dir;         /* -s */
	int         policy_dir_default; /* a missing default directory is no error */
	const char *hosts_allow;        /* -A */
	const char *hosts_deny;         /* -D */
};

#define CONFIG_DEFAULT_INETD_CONF  "/etc/inetd.conf"
#define CONFIG_DEFAULT_POLICY_DIR  "/etc/hinetd.d"
#define CONFIG_DEFAULT_HOSTS_ALLOW "/etc/hosts.allow"
#define CONFIG_DEFAULT_HOSTS_DENY  "/etc/hosts.deny"
#define CONFIG_ACCESS_FILE_MAX     (4u << 20)   /* bytes per access file */
/* Read at each load for the listener's name look-ups; missing: empty. */
#define CONFIG_HOSTS_FILE          "/etc/hosts"
#define CONFIG_HOSTS_FILE_MAX      (1u << 20)

/*
 * Load everything.  Every problem goes to d.  Returns the configuration, or
 * NULL when d holds at least one error.
 */
struct config *config_load(const struct config_paths *paths, struct diag *d);

/*
 * The same, but what did load is returned even when d received errors
 * (for `hinetd -t`: warnings about it too).  A block or line with an error
 * added nothing; an access file with one has no table.  Never NULL.
 */
struct config *config_load_keep(const struct config_paths *paths,
    struct diag *d);

/*
 * Read a whole file of at most max bytes.  Returns 0 with *text (NUL
 * terminated, *len bytes) set; 1 when the file does not exist (*text NULL);
 * -1 with a diagnostic when it exists but cannot be read (never "empty").
 */
int config_read_file(const char *path, size_t max, char **text, size_t *len,
    struct diag *d);

#endif
