/*
 * userdb.h: user, group and service-port look-ups (the name service
 * switch), made either directly or through a short-lived helper process.
 *
 * privd starts the helper around each configuration load, so the NSS
 * modules glibc loads for a look-up (libnss_systemd and its libraries)
 * live and die in the helper and never map into the long-lived root
 * process.  privd is linked statically, and a static glibc cannot load
 * them at all (libnss_systemd crashes in it): in privd every look-up goes
 * to the helper.  Without a helper (hinetd
 * -t/-T, hinetd-match, unit tests) the look-ups are made in-process.
 * Either way the answers come from the same functions.
 */
#ifndef HINETD_USERDB_H
#define HINETD_USERDB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define USERDB_NAME_MAX   256   /* with the NUL; longer names: not found */
#define USERDB_GROUPS_MAX 256   /* supplementary groups of one user */

struct userdb_user {
	uid_t uid;
	gid_t gid;                      /* primary group */
	char  name[USERDB_NAME_MAX];
};

struct userdb_group {
	gid_t gid;
	char  name[USERDB_NAME_MAX];
};

/* 0 and *out filled when found; -1 when not found or on error. */
int userdb_user_by_name(const char *name, struct userdb_user *out);
int userdb_user_by_uid(uid_t uid, struct userdb_user *out);
int userdb_group_by_name(const char *name, struct userdb_group *out);
int userdb_group_by_gid(gid_t gid, struct userdb_group *out);
/*
 * The groups `user` is in, `base` included, as getgrouplist(3): at most
 * *n (≤ USERDB_GROUPS_MAX) go to groups; -1 when there are more (or on
 * error), else the count, also left in *n.
 */
int userdb_grouplist(const char *user, gid_t base, gid_t *groups, int *n);
/* The port of a service name for "tcp" or "udp"; -1 when unknown. */
int userdb_service_port(const char *name, const char *proto);

/*
 * Start the helper program (exec_fd: an O_PATH descriptor of
 * hinetd-userdb, checked by the caller) as uid:gid (when the caller is
 * root); from now on every look-up above is asked of it, and fails if the
 * helper fails.  Without a helper, a look-up is made in-process where the
 * program links common/userdb_local.c (never privd), else it fails.  -1
 * (errno set) when it cannot be started; started twice: EBUSY.
 */
int   userdb_helper_start(int exec_fd, uid_t uid, gid_t gid);
/* End and reap the helper; look-ups are made in-process again. */
void  userdb_helper_stop(void);
/* The helper's pid, -1 when none runs (for tests). */
pid_t userdb_helper_pid(void);
/*
 * The checks each message gets (exported for the fuzzer): a request the
 * helper received, a reply to a request of kind op.  0 or -1.
 */
int   userdb_request_check(const void *buf, size_t len);
int   userdb_reply_check(uint32_t op, const void *buf, size_t len);
/* The helper's side: answer on fd until it closes, then _exit(0). */
void  userdb_serve(int fd) __attribute__((noreturn));

#endif
