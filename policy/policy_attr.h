/*
 * policy_attr.h: internal to the policy-file parser (policy_file.c,
 * xinetd_lex.c, policy_attr.c).  The attribute table, the parsed form of a
 * policy file (blocks of attribute lines), and applying one attribute line
 * to a struct service.  Nothing outside policy/ includes this.
 */
#ifndef HINETD_POLICY_ATTR_H
#define HINETD_POLICY_ATTR_H

#include <stddef.h>

#include "common/diag.h"
#include "policy/service.h"

/* Every attribute a policy file may set (bind and interface share one). */
enum pattr {
	PA_DISABLE = 0,
	PA_SOCKET_TYPE, PA_PROTOCOL, PA_WAIT, PA_USER, PA_GROUP, PA_SERVER,
	PA_SERVER_ARGS, PA_PORT, PA_BIND, PA_TYPE, PA_ID, PA_FLAGS,
	PA_ONLY_FROM, PA_NO_ACCESS, PA_INSTANCES, PA_PER_SOURCE, PA_CPS,
	PA_UMASK, PA_NICE, PA_GROUPS, PA_ENV, PA_PASSENV,
	PA_RLIMIT_AS, PA_RLIMIT_CPU, PA_RLIMIT_DATA, PA_RLIMIT_RSS,
	PA_RLIMIT_STACK, PA_RLIMIT_FILES,
	PA_LOG_ON_SUCCESS, PA_LOG_ON_FAILURE,
	PA_CAPABILITIES, PA_SECCOMP, PA_SECCOMP_ALLOW, PA_SECCOMP_DENY,
	PA_SECCOMP_ACTION, PA_NO_NEW_PRIVS, PA_CHROOT, PA_LANDLOCK_PATHS,
	PA_COUNT
};

/* struct pattr_info.flags */
#define PA_F_LIST      0x01    /* takes += and -= */
#define PA_F_DEFAULTS  0x02    /* allowed in defaults */
#define PA_F_OVERLAY   0x04    /* allowed in an overlay on an inetd.conf service */
#define PA_F_DEFINE    0x08    /* read by the definition step, not pattr_apply */
#define PA_F_SELECTOR  0x10    /* in an overlay: selects, does not set */

struct pattr_info {
	const char     *name;
	enum pattr      attr;
	unsigned        flags;
	enum svc_attr   slot;           /* origin slot */
	int             min, max;       /* number of values (-1: any) */
};

enum pop { POP_SET = 0, POP_ADD, POP_DEL };

/* One `attribute op value...` line. */
struct pline {
	enum pattr      attr;
	enum pop        op;
	char          **argv;           /* argc words, NULL-terminated */
	int             argc;
	const char     *file;           /* interned in the config */
	int             line;
};

/* A `defaults { }` or `service NAME { }` block. */
struct pblock {
	int             defaults;
	char           *name;           /* NULL for defaults */
	const char     *file;
	int             line;
	struct pline   *lines;
	size_t          nlines;
	int             bad;            /* some line had an error */
};

/* Where a line is being applied: changes which values are allowed. */
enum pctx { PCTX_DEFINE = 0, PCTX_OVERLAY, PCTX_DEFAULTS };

const struct pattr_info *pattr_lookup(const char *name);
const struct pattr_info *pattr_get(enum pattr a);
const char      *pop_name(enum pop op);
/* 1 if name is an xinetd attribute hinetd does not support. */
int              pattr_xinetd_only(const char *name);

/* Empty a list attribute of svc before a block's own `=` replaces it. */
void             pattr_clear(struct service *svc, enum pattr a);
/*
 * Apply one line of a policy (non-PA_F_DEFINE) attribute to svc, recording
 * its origin.  Returns 0, or -1 with a diagnostic at the line.
 */
int              pattr_apply(struct service *svc, const struct pline *pl,
                     enum pctx ctx, struct diag *d);
/* 1 if svc already has a value for a (set by inetd.conf, say). */
int              pattr_is_set(const struct service *svc, enum pattr a);

/* Helpers shared with the definition step. */
int              pattr_yesno(const struct pline *pl, int *out, struct diag *d);
int              pattr_flags(const struct pline *pl, enum pctx ctx,
                     unsigned *out, struct diag *d);
int              pattr_name_ok(const char *s);

void             pblock_free(struct pblock *b);

/*
 * The lexer (xinetd_lex.c): split text into blocks, appending to
 * *blocks and *nblocks.  includedir lines call back.  Syntax, attribute-name,
 * operator, context and value-count errors are reported here.  Returns the
 * number of errors.
 */
typedef int (*xlex_include_fn)(void *ctx, const char *dir, const char *file,
    int line);
int              xinetd_lex(const char *file, const char *text, size_t len,
                     struct pblock **blocks, size_t *nblocks,
                     xlex_include_fn include, void *ctx, struct diag *d);

#endif
