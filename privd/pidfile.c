/*
 * pidfile.c: the pid file, locked for as long as hinetd runs, so a second
 * instance on the same file refuses to start.
 */
#include "privd/privd.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int pid_fd = -1;
static const char *pid_path;

int
pidfile_open(const char *path)
{
	char buf[32];
	ssize_t n;

	pid_path = path;
	pid_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (pid_fd == -1) {
		log_warn("pid file %s", path);
		return -1;
	}
	if (flock(pid_fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;
		n = pread(pid_fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (saved == EWOULDBLOCK)
			log_warnx("pid file %s is locked: hinetd is already running%s%s%s",
			    path, buf[0] ? " (pid " : "", buf, buf[0] ? ")" : "");
		else {
			errno = saved;
			log_warn("lock pid file %s", path);
		}
		close(pid_fd);
		pid_fd = -1;
		pid_path = NULL;
		return -1;
	}
	return 0;
}

void
pidfile_write(void)
{
	char buf[32];
	int len;

	if (pid_fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pid_fd, 0) == -1 || pwrite(pid_fd, buf, (size_t)len, 0) != len)
		log_warn("write pid file %s", pid_path);
}

void
pidfile_remove(void)
{
	if (pid_fd < 0)
		return;
	if (unlink(pid_path) == -1 && errno != ENOENT)
		log_warn("remove pid file %s", pid_path);
	close(pid_fd);
	pid_fd = -1;
}
