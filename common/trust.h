/*
 * trust.h: is a configuration file one that only root controls?
 */
#ifndef HINETD_TRUST_H
#define HINETD_TRUST_H

#include <stddef.h>

/*
 * For the open file fd (read from path): 0 when root owns it and nobody
 * else may write it, nor any directory above it (a sticky directory such
 * as /tmp excepted, unless listed is set: fd is a directory whose every
 * entry is read, and nobody but root may add one).  -1 with the reason in
 * why.  Always 0 when the process is not root (hinetd -t run by a user).
 */
int trust_check_fd(int fd, const char *path, int listed, char *why,
        size_t whylen);

#endif
