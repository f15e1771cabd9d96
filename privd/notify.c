/*
 * notify.c: the sd_notify protocol (READY=1, RELOADING=1, STOPPING=1) when
 * started by systemd with NOTIFY_SOCKET set.  No libsystemd needed: one
 * datagram to a UNIX socket (a leading '@' means the abstract namespace).
 */
#include "privd/privd.h"
#include "common/log.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void
notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	size_t len;
	char msg[256];
	int fd, n;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	if (strncmp(state, "RELOADING=1", 11) == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		n = snprintf(msg, sizeof(msg), "%s\nMONOTONIC_USEC=%llu", state,
		    (unsigned long long)ts.tv_sec * 1000000ULL +
		    (unsigned long long)ts.tv_nsec / 1000);
	} else
		n = snprintf(msg, sizeof(msg), "%s", state);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1)
		log_warn("sd_notify");
	close(fd);
}
