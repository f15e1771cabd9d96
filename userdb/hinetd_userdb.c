/*
 * hinetd_userdb.c: hinetd-userdb, privd's look-up helper.  privd executes
 * it around each configuration load with a socket on fd 3, and asks it
 * for users, groups and service ports (common/userdb.c): the name service
 * switch and the modules it loads run here, never in privd.  It reads no
 * network input and no file of its own.
 */
#include "common/userdb.h"

#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>

int
main(int argc, char *argv[])
{
	int type;
	socklen_t len = sizeof(type);

	(void)argv;
	if (argc != 1 ||
	    getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_SEQPACKET) {
		fprintf(stderr, "hinetd-userdb: run by hinetd only, with its "
		    "socket on fd 3\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return 1;
	userdb_serve(3);
}
