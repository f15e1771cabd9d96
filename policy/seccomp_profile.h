/*
 * seccomp_profile.h: per-service seccomp filters.
 *
 * Owns the system call groups ("@mount", "@debug", ...), what the `default`
 * and `strict` profiles contain, how `seccomp_allow` / `seccomp_deny` adjust
 * them, and turning the result into a classic BPF program that privd's
 * spawner installs in the child with one seccomp(SECCOMP_SET_MODE_FILTER)
 * call.  Programs are compiled with libseccomp once per configuration load
 * (and shared between services whose seccomp settings are identical), never
 * per connection.  See docs/seccomp.md.
 */
#ifndef HINETD_SECCOMP_PROFILE_H
#define HINETD_SECCOMP_PROFILE_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdio.h>

#include "common/diag.h"
#include "policy/service.h"

/*
 * Argument conditions a group member can carry.  A member without one
 * covers every call of that system call.
 */
enum seccomp_cond {
	SECCOMP_COND_NONE = 0,
	SECCOMP_COND_CLONE_NS,          /* clone flags with a CLONE_NEW* bit */
	SECCOMP_COND_CLONE_PLAIN,       /* clone flags without CLONE_NEW* bits */
	SECCOMP_COND_IOCTL_SAFE,        /* ioctl requests that only query a tty or socket */
};

/* Where a group is used (struct seccomp_group.profiles). */
#define SECCOMP_GROUP_DEFAULT_DENY   0x01   /* denied by the default profile */
#define SECCOMP_GROUP_STRICT_ALLOW   0x02   /* allowed by the strict profile */

struct seccomp_group {
	const char         *name;          /* "@mount" */
	const char         *description;
	const char *const  *syscalls;      /* NULL-terminated member names */
	unsigned            profiles;      /* SECCOMP_GROUP_* */
};

/* Every group, in documentation order. */
const struct seccomp_group *seccomp_groups(size_t *n);
/* The group called name ("@mount"), or NULL. */
const struct seccomp_group *seccomp_group_find(const char *name);
/* Condition of a member of g (SECCOMP_COND_NONE if none or not a member). */
enum seccomp_cond seccomp_group_member_cond(const struct seccomp_group *g,
    const char *syscall);
/* Human text of a condition, "" for SECCOMP_COND_NONE. */
const char *seccomp_cond_text(enum seccomp_cond c);
/* 1 if a denied call of this name answers ENOSYS whatever the action. */
int seccomp_is_enosys(const char *syscall);

/*
 * 0 if name is a system call name this build knows (on any architecture)
 * or an "@group" name; -1 otherwise.
 */
int seccomp_name_check(const char *name);

/*
 * Compile svc's seccomp settings to classic BPF for the native architecture.
 * SECCOMP_PROFILE_NONE gives out->len 0, out->filter NULL and returns 0.
 * Otherwise out->filter is a read-only program shared by every service with
 * the same settings (profile, action, allow and deny lists); release each
 * one with seccomp_profile_free().  Problems (unknown names, libseccomp
 * failures) go to d at file:line; then -1 is returned and out is zeroed.
 */
int  seccomp_profile_compile(const struct service *svc, struct sock_fprog *out,
    struct diag *d, const char *file, int line);
void seccomp_profile_free(struct sock_fprog *p);

/*
 * The effective policy of a service, for `hinetd -T` (text and JSON).
 * For the default profile, names are the calls that fail with listed_action;
 * for strict, the calls allowed (everything else fails with default_action).
 * when.v[i] is "" or the argument condition under which names.v[i] is
 * listed.  enosys are calls that answer ENOSYS instead; with strict, so do
 * the system call numbers enosys_from..enosys_to, which this build does not
 * know (enosys_from > enosys_to: none).
 */
struct seccomp_summary {
	enum seccomp_profile profile;
	const char     *profile_name;          /* "default", "strict", "none" */
	const char     *default_action;        /* "allow", "errno", "kill", "log" */
	const char     *listed_action;         /* "errno", "kill", "log", "allow" */
	struct strlist  names;                 /* sorted */
	struct strlist  when;                  /* parallel to names */
	struct strlist  enosys;                /* sorted */
	int             enosys_from, enosys_to;
};

int  seccomp_profile_summary(const struct service *svc,
    struct seccomp_summary *out, struct diag *d, const char *file, int line);
void seccomp_summary_free(struct seccomp_summary *s);
/* Plain text, one "  key: value" line per item, for `hinetd -T`. */
void seccomp_summary_print(const struct seccomp_summary *s, FILE *fp);

const char *seccomp_profile_name(enum seccomp_profile p);
const char *seccomp_action_name(enum seccomp_failure a);

#endif
