/*
 * policy_file.h: per-service policy files in xinetd.conf(5) syntax
 * (docs/policy.md).
 */
#ifndef HINETD_POLICY_FILE_H
#define HINETD_POLICY_FILE_H

#include <stddef.h>

#include "common/diag.h"
#include "policy/service.h"

#define POLICY_FILE_MAX      (1u << 20)  /* bytes in one policy file */
#define POLICY_FILES_MAX     4096        /* files in one load */
#define POLICY_INCLUDE_DEPTH 8           /* nested includedir */

/*
 * Read every policy file of dir (sorted; skipping names ending in "~",
 * ".swp", ".dpkg-*", ".rpm*"), adding services to cfg and applying overlays
 * and defaults to the services inetd.conf defined.  Call after inetd.conf.
 * missing_ok: a missing directory is no error.  Returns the number of errors.
 */
int policy_dir_parse(struct config *cfg, const char *dir, int missing_ok,
    struct diag *d);

/*
 * The same for one file's text (len bytes, need not be NUL-terminated)
 * standing for the whole directory; `includedir` is refused.  For tests and
 * the fuzzer.  Returns the number of errors.
 */
int policy_text_parse(struct config *cfg, const char *file, const char *text,
    size_t len, struct diag *d);

/* 1 if a directory entry of this name is not read (editor and package files). */
int policy_name_skipped(const char *name);

#endif
