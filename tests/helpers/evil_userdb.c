/*
 * evil_userdb.c: a look-up helper that misbehaves on request, for
 * test_userdb: it answers "root" correctly and, for the names below, with
 * a reply privd must refuse (or none at all).  Every other name: not found.
 */
#include "common/userdb_wire.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(void)
{
	struct ud_req q;
	struct ud_rep r;
	size_t len;

	while (recv(3, &q, sizeof(q), 0) == (ssize_t)sizeof(q)) {
		q.name[sizeof(q.name) - 1] = '\0';
		memset(&r, 0, sizeof(r));
		r.result = -1;
		len = sizeof(r);
		if (strcmp(q.name, "root") == 0) {
			r.result = q.op == UD_GROUPLIST ? 1 : 0;
			r.n = q.op == UD_GROUPLIST ? 1 : 0;
			strcpy(r.name, "root");
		} else if (strcmp(q.name, "short") == 0)
			len = 10;
		else if (strcmp(q.name, "long") == 0)
			len = sizeof(r) + 1;    /* cut, and flagged, by MSG_TRUNC */
		else if (strcmp(q.name, "nonul") == 0) {
			r.result = 0;
			memset(r.name, 'a', sizeof(r.name));
		} else if (strcmp(q.name, "badresult") == 0)
			r.result = 5;
		else if (strcmp(q.name, "badcount") == 0) {
			r.result = USERDB_GROUPS_MAX + 1;
			r.n = USERDB_GROUPS_MAX + 1;
		} else if (strcmp(q.name, "mismatch") == 0) {
			r.result = 3;
			r.n = 2;
		} else if (strcmp(q.name, "port0") == 0)
			r.result = 0;
		else if (strcmp(q.name, "exit") == 0)
			_exit(0);
		if (len > sizeof(r)) {
			char big[sizeof(r) + 1];
			memset(big, 0, sizeof(big));
			memcpy(big, &r, sizeof(r));
			if (send(3, big, len, 0) != (ssize_t)len)
				return 1;
		} else if (send(3, &r, len, 0) != (ssize_t)len)
			return 1;
	}
	return 0;
}
