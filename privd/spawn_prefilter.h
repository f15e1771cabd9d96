/*
 * spawn_prefilter.h: threads of privd that hold a service's seccomp filter
 * already installed and clone that service's children, so that the kernel
 * checks and compiles each filter once per load instead of once per child
 * (spawn_prefilter.c).
 */
#ifndef HINETD_SPAWN_PREFILTER_H
#define HINETD_SPAWN_PREFILTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "privd/clone_request.h"
#include "privd/spawn.h"

/*
 * Give each plan of a new configuration (plans[0..n-1], the ones with
 * built set) a thread holding its filter, where the filter allows every
 * call made after it is in force (spawn_plan_filter_admits, and the
 * thread's own); plans without get plan->prefilter NULL and install their
 * filter in the child, as the listener's plan always does.  Threads whose
 * filter no configuration uses any more are stopped.  Call in the main
 * thread, after spawn_bset_narrow, with the previous configuration's
 * plans no longer used.
 */
void  spawn_prefilter_attach(struct spawn_plan *plans, size_t n);

/*
 * A copy of a plan was changed for one connection (hosts.allow options,
 * twist, spawn): drop its thread unless the filter still allows every call
 * of the changed plan.
 */
void  spawn_prefilter_recheck(struct spawn_plan *plan);

/*
 * Ask thread t to make clone request r, after every request asked of it
 * before; returns the ticket for spawn_prefilter_answer.  *child_bset is
 * set, before the clone, to the bounding set t was started with.  r must
 * stay in place, untouched, until it is answered.  Waits only while t
 * holds as many requests as it can.
 */
uint32_t spawn_prefilter_ask(struct spawn_prefilter *t, struct clone_request *r,
    uint64_t *child_bset);

/*
 * Wait until t has answered the request of ticket, r; returns the pid, or
 * -1 with errno set.
 */
pid_t spawn_prefilter_answer(struct spawn_prefilter *t, uint32_t ticket,
    const struct clone_request *r);

/* Has t answered the request of ticket (so that the above will not wait)? */
int   spawn_prefilter_answered(struct spawn_prefilter *t, uint32_t ticket);

#endif
