/*
 * trust.c: whether a file privd reads as configuration is one that only
 * root controls, as OpenSSH's StrictModes asks of sshd's files.  A file
 * another user could write, or replace through a directory above it that
 * they could write, would let that user choose what root runs and with
 * which privileges.  The file is judged by the descriptor it was read
 * from (fstat: what was opened, not what the name points at now); the
 * directories above it by the path the kernel has for that descriptor.
 * A sticky directory (such as /tmp) may be writable by others: they
 * cannot remove or rename what root put in it.
 */
#include "common/trust.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One file or directory: root's, and writable by nobody else. */
static int
check_one(const struct stat *st, const char *what, const char *name,
    int sticky_ok, char *why, size_t whylen)
{
	if (st->st_uid != 0) {
		snprintf(why, whylen, "%s%s%s is owned by uid %lu, not by root",
		    what, name[0] ? " " : "", name, (unsigned long)st->st_uid);
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(sticky_ok && (st->st_mode & S_ISVTX))) {
		snprintf(why, whylen, "%s%s%s is writable by %s (mode %04o)",
		    what, name[0] ? " " : "", name,
		    (st->st_mode & S_IWOTH) ? "others" : "its group",
		    (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Where fd is: the kernel's name for it, else path made absolute. */
static int
where(int fd, const char *path, char *out, size_t outlen)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, outlen - 1);
	if (n > 0 && out[0] == '/') {
		out[n] = '\0';
		return 0;
	}
	if (outlen >= PATH_MAX && realpath(path, out) != NULL)
		return 0;
	return -1;
}

int
trust_check_fd(int fd, const char *path, int listed, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (geteuid() != 0)
		return 0;
	if (fstat(fd, &st) == -1) {
		snprintf(why, whylen, "cannot check its owner: %s", strerror(errno));
		return -1;
	}
	if (check_one(&st, listed ? "the directory" : "the file", "", !listed,
	    why, whylen) == -1)
		return -1;
	if (where(fd, path, dir, sizeof(dir)) == -1) {
		snprintf(why, whylen, "cannot tell which directories hold it");
		return -1;
	}
	while ((slash = strrchr(dir, '/')) != NULL) {
		const char *d = slash == dir ? "/" : dir;

		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		if (stat(d, &st) == -1) {
			snprintf(why, whylen, "cannot check directory %s: %s", d,
			    strerror(errno));
			return -1;
		}
		if (check_one(&st, "directory", d, 1, why, whylen) == -1)
			return -1;
		if (slash == dir)
			break;
	}
	return 0;
}
