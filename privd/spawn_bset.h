/*
 * spawn_bset.h: privd's own capability bounding set, narrowed to what the
 * running configuration grants, and the one thread that keeps it whole
 * for a child that needs more (spawn_bset.c).
 */
#ifndef HINETD_SPAWN_BSET_H
#define HINETD_SPAWN_BSET_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Start the thread that keeps the bounding set privd started with.  Call
 * once, in the process that will spawn, after its signals are blocked and
 * before the first spawn_bset_narrow.  If the thread cannot be started,
 * privd's set is never narrowed and every child drops its whole set.
 */
void     spawn_bset_init(void);

/*
 * Drop from the calling (main) thread's bounding set every capability not
 * in `need`: the union of what the services of the configuration now in
 * force are granted.  A no-op without the keeping thread.
 */
void     spawn_bset_narrow(uint64_t need);

/* The main thread's bounding set, as far as privd dropped it. */
uint64_t spawn_bset_main(void);

/*
 * clone(fn, stack, flags, arg, NULL, NULL, ctid) from a thread whose
 * bounding set holds every capability in `keep`: the main thread if it
 * does, else the keeping thread.  *child_bset is set, before the clone, to
 * every capability the child's bounding set may hold (it holds no other;
 * all of them until spawn_bset_init has read the set).  Returns the pid,
 * or -1 with errno set.
 */
pid_t    spawn_bset_clone(int (*fn)(void *), void *stack, int flags, void *arg,
    pid_t *ctid, uint64_t keep, uint64_t *child_bset);

#endif
