/*
 * spawn_bset.c: privd's own capability bounding set, narrowed to what the
 * running configuration grants, and the one thread that keeps the set
 * privd started with.
 *
 * A child starts with the bounding set of the thread that cloned it and
 * must exec with exactly its granted capabilities there (spawn.c).  Each
 * capability dropped is one PR_CAPBSET_DROP, and each of those is a
 * credential change: about 1.5 us on this project's machines, 41 per child
 * with a full set, the largest single step of the sandbox
 * (docs/performance.md).  So privd's main thread drops from its own
 * bounding set every capability that no service of the configuration in
 * force is granted, once per load, and a child of a service without
 * capabilities then starts with nothing left to drop.  The bounding set
 * limits only what an execve or a capset may give; privd's own effective
 * and permitted sets, and so its own work, are not touched.
 *
 * A bounding set never grows back, and a reload may grant a capability
 * the main thread has dropped.  So before it first narrows, privd starts
 * one thread with the whole set, which only ever waits for the main thread
 * to ask it for a clone.  A service granted a capability that the main
 * thread no longer has is cloned by that thread instead, and its child
 * drops everything else itself, as every child did before.  Credentials
 * are per thread in Linux, and prctl and clone read or change only the
 * caller's: the two threads' sets stay apart.  The main thread waits while
 * the keeping thread clones, so privd's code never runs in both at once.
 */
#include "privd/spawn_bset.h"
#include "privd/clone_request.h"
#include "privd/thread_attr.h"
#include "policy/caps.h"
#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>

/* The keeping thread's stack: it runs nothing but clone's wrapper. */
#define KEEPER_STACK (256 * 1024)

enum { KEEPER_IDLE, KEEPER_ASKED, KEEPER_ANSWERED };

static struct {
	int             ready;          /* the keeping thread runs */
	uint64_t        initial;        /* the set privd started with: the keeper's */
	uint64_t        main;           /* the main thread's, as dropped so far */
	pthread_mutex_t lock;
	pthread_cond_t  cond;
	int             state;
	struct clone_request req;       /* one at a time, under lock */
} k = {
	/* Until spawn_bset_init has read them: assume every capability held. */
	.initial = ~0ULL,
	.main = ~0ULL,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static void *
keeper_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&k.lock);
	for (;;) {
		while (k.state != KEEPER_ASKED)
			pthread_cond_wait(&k.cond, &k.lock);
		clone_request_run(&k.req);
		k.state = KEEPER_ANSWERED;
		pthread_cond_broadcast(&k.cond);
	}
	return NULL;
}

/* The calling thread's bounding set, read capability by capability. */
static uint64_t
bset_read(void)
{
	int last = caps_last_cap();
	uint64_t set = 0;

	for (int cap = 0; cap <= last && cap < 64; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
			set |= 1ULL << cap;     /* 1, or unreadable: assume held */
	return set;
}

void
spawn_bset_init(void)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;
	int rc;

	k.initial = k.main = bset_read();
	/* The keeper takes no signal: they are all read from privd's signalfd. */
	sigfillset(&all);
	if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
		errno = rc;
		log_warn("pthread_sigmask");
		return;
	}
	if ((rc = thread_attr_init(&attr, KEEPER_STACK)) == 0) {
		rc = pthread_create(&t, &attr, keeper_main, NULL);
		pthread_attr_destroy(&attr);
	}
	if (pthread_sigmask(SIG_SETMASK, &old, NULL) != 0)
		fatalx("pthread_sigmask restore");
	if (rc != 0) {
		errno = rc;
		log_warn("no thread to keep the bounding set: every child drops "
		    "its whole set");
		return;
	}
	k.ready = 1;
}

void
spawn_bset_narrow(uint64_t need)
{
	if (!k.ready)
		return;
	for (int cap = 0; cap < 64; cap++) {
		uint64_t bit = 1ULL << cap;
		if (!(k.main & bit) || (need & bit))
			continue;
		/* On failure the bit stays: children then drop it themselves. */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			k.main &= ~bit;
		else
			log_warn("PR_CAPBSET_DROP %d", cap);
	}
}

uint64_t
spawn_bset_main(void)
{
	return k.main;
}

pid_t
spawn_bset_clone(int (*fn)(void *), void *stack, int flags, void *arg,
    pid_t *ctid, uint64_t keep, uint64_t *child_bset)
{
	pid_t pid;

	if (!k.ready || (keep & ~k.main) == 0) {
		*child_bset = k.main;
		return clone(fn, stack, flags, arg, NULL, NULL, ctid);
	}
	/* Before the clone: a CLONE_VM child reads its slot at once. */
	*child_bset = k.initial;
	pthread_mutex_lock(&k.lock);
	clone_request_ask(&k.req, fn, stack, flags, arg, ctid);
	k.state = KEEPER_ASKED;
	pthread_cond_broadcast(&k.cond);
	while (k.state != KEEPER_ANSWERED)
		pthread_cond_wait(&k.cond, &k.lock);
	k.state = KEEPER_IDLE;
	pid = clone_request_answer(&k.req);
	pthread_mutex_unlock(&k.lock);
	return pid;
}
