/*
 * inetd_conf.h: the inetd.conf(5) service table parser.
 */
#ifndef HINETD_INETD_CONF_H
#define HINETD_INETD_CONF_H

#include <stddef.h>

#include "common/diag.h"
#include "policy/service.h"

#define INETD_CONF_LINE_MAX      65536          /* bytes in one logical line */
#define INETD_CONF_FILE_MAX      (16u << 20)    /* bytes in one file */
#define INETD_CONF_INSTANCES_MAX 100000         /* nowait/N */
#define INETD_CONF_TCPD_DIR      "/usr/sbin/"   /* tcpd's REAL_DAEMON_DIR */

/*
 * Parse inetd.conf text (len bytes, need not be NUL-terminated) named file,
 * adding one struct service per line to cfg.  Every problem is reported to d
 * as "FILE:LINE: message"; lines with errors add no service.  Returns the
 * number of errors found.
 */
int inetd_conf_parse_buf(struct config *cfg, const char *file, const char *buf,
    size_t len, struct diag *d);

/* Read and parse a file; missing_ok: a missing file is no error. */
int inetd_conf_parse_file(struct config *cfg, const char *path, int missing_ok,
    struct diag *d);

#endif
