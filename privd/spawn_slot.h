/*
 * spawn_slot.h: the memory one spawning child runs on.
 *
 * The child shares privd's address space until it execs, while privd goes
 * on serving (and may reload, freeing the tables a plan points into, or
 * build the next connection's environment in the same static buffers).
 * So each child gets a slot of its own: a stack with a guard page below
 * it, and a private copy of its plan and I/O with every string, vector,
 * group list and filter program they point to.  The child reads nothing
 * else of privd's.  A slot is held until the child can no longer touch it,
 * and is then reused or unmapped: once the kernel has cleared the child's
 * in_use word (looked at by every spawn_slot_get, so a busy privd does
 * not pile up the slots of children that exec'd long ago), or at the
 * latest when privd sees the child's exec or death (spawn_slot_release).
 */
#ifndef HINETD_SPAWN_SLOT_H
#define HINETD_SPAWN_SLOT_H

#include "privd/spawn.h"

struct spawn_child {
	struct spawn_plan plan;         /* the copy: points into this slot only */
	struct spawn_io   io;
	int               status_fd;    /* write end, close-on-exec */
	/*
	 * The capabilities the bounding set it was cloned with may hold
	 * (spawn_bset.h): the child drops those of plan.bset_drop that are.
	 */
	uint64_t          bset;
	/* Cloned with plan.filter already in force (spawn_prefilter.h). */
	int               prefiltered;
	/*
	 * Nonzero until the child has left this memory: cloned with
	 * CLONE_CHILD_CLEARTID on it, the kernel writes 0 here (in privd's
	 * memory, which the child shares) once the child has exec'd or
	 * exited.  Read with acquire ordering.
	 */
	pid_t             in_use;
};

/*
 * A slot holding copies of plan and io; *stack_top is where the child's
 * stack starts.  NULL with errno set if no memory could be mapped.
 */
struct spawn_child *spawn_slot_get(const struct spawn_plan *plan,
    const struct spawn_io *io, void **stack_top);
/* The child was created: its slot is now known by pid. */
void spawn_slot_bind(struct spawn_child *c, pid_t pid);
/* Give back a slot whose clone failed (never bound). */
void spawn_slot_drop(struct spawn_child *c);
/*
 * The child of pid can no longer touch its slot: it exec'd (the status
 * pipe read end-of-file: the kernel switches to the new program's memory
 * before it closes close-on-exec descriptors) or it is dead.  No-op if
 * pid holds no slot.
 */
void spawn_slot_release(pid_t pid);
/* Slots held (children between clone and exec, as far as privd knows). */
size_t spawn_slots_busy(void);

#endif
