/*
 * spawn_plan.h: turning a service's policy into a ready spawn plan, once
 * per configuration load (capability sets, securebits, the exported seccomp
 * filter, rlimits, the static environment).
 */
#ifndef HINETD_SPAWN_PLAN_H
#define HINETD_SPAWN_PLAN_H

#include "common/diag.h"
#include "privd/spawn.h"
#include "policy/service.h"

/* Build the plan of svc; -1 with a diagnostic. */
int  spawn_plan_build(struct spawn_plan *plan, const struct service *svc,
         struct diag *d);
/*
 * Plan for the listener: user uid/gid, no supplementary groups, no
 * capabilities, no_new_privs, the default seccomp deny-list.
 */
int  spawn_plan_listener(struct spawn_plan *plan, uid_t uid, gid_t gid,
         int exec_fd, char *const *argv, struct diag *d);
void spawn_plan_free(struct spawn_plan *plan);
/* The capability part of a plan: keep exactly `keep`, drop all others. */
void spawn_plan_caps(struct spawn_plan *plan, uint64_t keep);

#endif
