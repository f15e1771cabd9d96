/*
 * userdb_wire.h: the look-up helper's messages (common/userdb.c), for
 * userdb.c and the tests' misbehaving helper only.  Both ends are
 * programs of the same build, so the structures go as they are.
 */
#ifndef HINETD_USERDB_WIRE_H
#define HINETD_USERDB_WIRE_H

#include "common/userdb.h"

#include <stdint.h>

enum ud_op {
	UD_USER_BY_NAME = 1,
	UD_USER_BY_UID,
	UD_GROUP_BY_NAME,
	UD_GROUP_BY_GID,
	UD_GROUPLIST,
	UD_SERVICE_PORT,
};

struct ud_req {
	uint32_t op;
	uint32_t id;                    /* uid, gid, grouplist's base */
	char     name[USERDB_NAME_MAX];
	char     proto[4];              /* "tcp", "udp" */
};

struct ud_rep {
	int32_t  result;                /* the direct function's return */
	uint32_t id;                    /* uid, gid; port */
	uint32_t gid;                   /* a user's primary group */
	int32_t  n;                     /* grouplist: the count */
	char     name[USERDB_NAME_MAX];
	uint32_t groups[USERDB_GROUPS_MAX];
};

/* Copy a name into a message field; -1 when it is too long to exist. */
int  userdb_copy_name(char *dst, const char *src);

/*
 * Answer one request with the look-ups themselves (common/userdb_local.c):
 * the helper does, and programs that look up in-process; never privd.
 */
void userdb_local_answer(const struct ud_req *q, struct ud_rep *r);

#endif
