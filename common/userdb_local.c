/*
 * userdb_local.c: the look-ups themselves (getpwnam, getgrouplist,
 * getservbyname and the name-service modules behind them), answering one
 * request of common/userdb_wire.h.  The look-up helper serves them on its
 * socket (userdb_serve); hinetd-match and the unit tests answer them
 * in-process.  privd never links this file: common/userdb.c refers to it
 * only weakly, so a static privd holds none of these functions.
 */
#include "common/userdb.h"
#include "common/userdb_wire.h"
#include "common/util.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The answers are written straight into the reply. */
static int
from_passwd(const struct passwd *pw, struct ud_rep *r)
{
	if (pw == NULL || userdb_copy_name(r->name, pw->pw_name) == -1)
		return -1;
	r->id = pw->pw_uid;
	r->gid = pw->pw_gid;
	return 0;
}

static int
from_group(const struct group *gr, struct ud_rep *r)
{
	if (gr == NULL || userdb_copy_name(r->name, gr->gr_name) == -1)
		return -1;
	r->id = gr->gr_gid;
	return 0;
}

static void
grouplist(const char *user, gid_t base, struct ud_rep *r)
{
	gid_t groups[USERDB_GROUPS_MAX] = { 0 };
	int n = USERDB_GROUPS_MAX;

	if (getgrouplist(user, base, groups, &n) == -1 ||
	    n < 0 || n > USERDB_GROUPS_MAX) {
		r->result = -1;         /* more than USERDB_GROUPS_MAX */
		r->n = USERDB_GROUPS_MAX;
		return;
	}
	for (int i = 0; i < n; i++)
		r->groups[i] = groups[i];
	r->result = r->n = n;
}

static int
service_port(const char *name, const char *proto)
{
	struct servent *se = getservbyname(name, proto);

	return se == NULL ? -1 : ntohs((uint16_t)se->s_port);
}

/* A request's answer: the helper's, and the in-process one without a helper. */
void
userdb_local_answer(const struct ud_req *q, struct ud_rep *r)
{
	memset(r, 0, sizeof(*r));
	switch (q->op) {
	case UD_USER_BY_NAME:
		r->result = from_passwd(getpwnam(q->name), r);
		break;
	case UD_USER_BY_UID:
		r->result = from_passwd(getpwuid((uid_t)q->id), r);
		break;
	case UD_GROUP_BY_NAME:
		r->result = from_group(getgrnam(q->name), r);
		break;
	case UD_GROUP_BY_GID:
		r->result = from_group(getgrgid((gid_t)q->id), r);
		break;
	case UD_GROUPLIST:
		grouplist(q->name, (gid_t)q->id, r);
		break;
	case UD_SERVICE_PORT:
		r->result = service_port(q->name, q->proto);
		break;
	default:
		r->result = -1;
	}
}

void
userdb_serve(int fd)
{
	struct ud_req q;
	struct ud_rep r;
	ssize_t n;

	for (;;) {
		n = recv(fd, &q, sizeof(q), MSG_TRUNC);
		if (n == 0)
			_exit(0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0 || userdb_request_check(&q, (size_t)n) == -1)
			_exit(1);
		userdb_local_answer(&q, &r);
		if (send(fd, &r, sizeof(r), MSG_NOSIGNAL) != (ssize_t)sizeof(r))
			_exit(1);
	}
}

