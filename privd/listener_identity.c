/*
 * listener_identity.c: whom the listener runs as.
 *
 * A uid of its own, so that no service, whatever it runs, can signal the
 * listener, trace it or read its memory through /proc: the -u user if
 * given, else the `hinetd` user, else the first uid of a reserved range
 * that has neither a passwd nor a group entry (logged).  Never root, and
 * never `nobody` by default: services run as nobody.  A service of a load
 * that would run as the listener's uid is an error (listener_uid_check).
 *
 * The range is 65520-65532: reserved by Debian (65000-65533, for no
 * package and no site), above systemd's dynamic service users
 * (61184-65519) and below nobody (65534); 65533 is the look-up helper's
 * (PRIVD_HELPER_UID), which neither the listener nor a service may use.
 */
#include "privd/privd.h"
#include "common/log.h"
#include "common/userdb.h"
#include "common/util.h"

#include <string.h>

#define LISTENER_UID_FIRST 65520
#define LISTENER_UID_LAST  (PRIVD_HELPER_UID - 1)     /* 65533: the helper's */
#define LISTENER_USER      "hinetd"

static int
reserved_uid(void)
{
	struct userdb_user u;
	struct userdb_group g;

	for (uid_t uid = LISTENER_UID_FIRST; uid <= LISTENER_UID_LAST; uid++) {
		if (userdb_user_by_uid(uid, &u) == 0 ||
		    userdb_group_by_gid((gid_t)uid, &g) == 0)
			continue;
		privd.listener_uid = uid;
		privd.listener_gid = (gid_t)uid;
		privd.listener_user[0] = '\0';
		return 0;
	}
	log_warnx("listener user: no user %s, and every uid from %d to %d has "
	    "an entry: create the %s user, or name one with -u",
	    LISTENER_USER, LISTENER_UID_FIRST, LISTENER_UID_LAST, LISTENER_USER);
	return -1;
}

int
listener_identity(const char *name)
{
	struct userdb_user u;

	if (name == NULL && userdb_user_by_name(LISTENER_USER, &u) != 0) {
		return reserved_uid();
	}
	if (name != NULL && userdb_user_by_name(name, &u) != 0) {
		log_warnx("listener user %s: no such user", name);
		return -1;
	}
	if (u.uid == 0 || u.uid == PRIVD_HELPER_UID) {
		log_warnx("listener user %s: refused: the listener never runs as "
		    "root or as the look-up helper's uid %d", u.name,
		    PRIVD_HELPER_UID);
		return -1;
	}
	privd.listener_uid = u.uid;
	privd.listener_gid = u.gid;
	str_copy(privd.listener_user, u.name, sizeof(privd.listener_user));
	return 0;
}

void
listener_identity_log(void)
{
	if (privd.listener_user[0] != '\0')
		log_info("listener user: %s (uid %lu gid %lu)", privd.listener_user,
		    (unsigned long)privd.listener_uid,
		    (unsigned long)privd.listener_gid);
	else
		log_info("listener user: no user %s; the listener runs as uid %lu "
		    "gid %lu, which have no passwd or group entry", LISTENER_USER,
		    (unsigned long)privd.listener_uid,
		    (unsigned long)privd.listener_gid);
}

/* Stamp the load with the listener's identity and refuse services that
 * would share it. */
int
listener_uid_check(struct config *cfg, struct diag *d)
{
	int bad = 0;

	cfg->listener_known = 1;
	cfg->listener_uid = privd.listener_uid;
	cfg->listener_gid = privd.listener_gid;
	str_copy(cfg->listener_user, privd.listener_user, sizeof(cfg->listener_user));
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		const struct service *svc = cfg->svcs[i];
		const struct origin *o = &svc->origin[ATTR_USER];

		if (svc->builtin != BUILTIN_NONE || svc->disabled ||
		    (svc->uid != privd.listener_uid && svc->uid != PRIVD_HELPER_UID))
			continue;
		diag_error(d, o->file, o->line, "service %s: user %s is the "
		    "%s (uid %lu): a service must not be able to signal or "
		    "trace it", svc->name, svc->user != NULL ? svc->user : "?",
		    svc->uid == PRIVD_HELPER_UID ? "look-up helper's" : "listener's",
		    (unsigned long)svc->uid);
		bad = 1;
	}
	return bad ? -1 : 0;
}
