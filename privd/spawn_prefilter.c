/*
 * spawn_prefilter.c: threads that hold a service's seccomp filter and
 * clone that service's children.
 *
 * Installing a filter is the dearest step of a child's confinement: the
 * kernel checks the program, converts it, JIT-compiles it and precomputes
 * its per-call cache in every child, and frees all of that again when the
 * child exits (docs/performance.md).  A filter is inherited by every
 * process a task creates, and installing one changes only the calling
 * thread.  So for each distinct filter of the configuration in force,
 * privd runs one thread that sets no_new_privs and installs that filter on
 * itself once per load, then only ever waits for the main thread to ask
 * it for a clone: the children it clones start with the filter in force,
 * the same program the child would have installed, and skip that step.
 * The filter stays confined to that thread; privd's main thread, which
 * reads the listener and reaps, holds none.
 *
 * The filter is then in force during the child's confinement, not only
 * from its last steps on, so a thread is used only where the filter is
 * proved, at load, to allow every call made under it: the thread's own
 * (futex, close, exit; clone is the child's first) and every call the child of
 * that plan makes up to its execve (spawn_plan_filter_admits in spawn.c).
 * The proof runs the exported program in user space (policy/seccomp_eval.c)
 * on each call with the arguments known at load, and answers "no" where
 * it cannot tell.  Any other plan (a filter denying chroot for a chrooted
 * service, say) installs its filter in the child, last, as before.
 *
 * The thread runs nothing but this file's loop, makes only futex, clone,
 * close (of the status pipe's write end and the connection, once its
 * child holds copies) and exit calls, and leaves by a raw exit: glibc's thread teardown would
 * make calls the proof does not cover.  Its pthread_join still works (the
 * kernel clears the thread's id word and wakes the joiner, as at any
 * thread exit), and the thread holds no lock, no allocation and no
 * thread-specific data that a teardown would have released.
 *
 * The main thread hands requests over in order on a small ring and need
 * not wait for each answer: while the thread clones one connection's
 * child, the main thread reads and checks the next request (conn_spawn.c
 * collects the answers before it sleeps).  Only the clone runs on the
 * thread; what it reads and writes is the request the main thread filled
 * in and does not touch again until the answer is in, so privd's own code
 * still never runs in both at once.
 */
#include "privd/spawn_prefilter.h"
#include "privd/spawn_bset.h"
#include "privd/clone_request.h"
#include "privd/thread_attr.h"
#include "privd/rawsys.h"
#include "policy/seccomp_eval.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PREFILTER_MAX   16              /* distinct filters with a thread */
#define PREFILTER_STACK (64 * 1024)     /* it runs clone's wrapper, no more */

#define PREFILTER_RING  16              /* requests asked and not yet answered */

enum {
	T_START, T_READY, T_FAILED,
};

struct spawn_prefilter {
	struct sock_fprog prog;         /* privd's copy, for matching at load */
	uint64_t        bset;           /* the bounding set it was started with */
	pthread_t       thread;
	int             used;           /* by the configuration being attached */
	uint32_t        state;          /* T_*: start-up, a futex word */
	int             install_err;    /* why T_FAILED */
	/*
	 * Requests in order.  The main thread fills ring[asked % RING] and
	 * then advances asked; the thread runs each in turn, writes its answer
	 * into the request and then advances answered.  A NULL request tells
	 * the thread to leave.  Both counters are futex words and wrap.
	 * Each has a flag its waiter raises before it sleeps on it, so that
	 * the other side makes the wake-up call only when someone may sleep.
	 */
	uint32_t        asked, answered;
	uint32_t        asked_waiter, answered_waiter;
	struct clone_request *ring[PREFILTER_RING];
	void           *stack;          /* its own stack (own_stack), or NULL */
};

static struct spawn_prefilter *threads[PREFILTER_MAX];
static size_t nthreads;

static uint32_t
word_load(const uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_ACQUIRE);
}

/*
 * Store v and wake the one thread that may sleep on w: always if waiter is
 * NULL, else only if that flag says it may.  Sequentially consistent on
 * both sides (here and in word_wait): either the waiter sees v before it
 * sleeps, or this sees its flag raised and wakes it.
 */
static void
word_set(uint32_t *w, uint32_t v, const uint32_t *waiter)
{
	__atomic_store_n(w, v, __ATOMIC_SEQ_CST);
	if (waiter == NULL || __atomic_load_n(waiter, __ATOMIC_SEQ_CST) != 0)
		(void)syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * Sleep while *w is v (or return at once if it no longer is), with the
 * waiter flag (NULL: none) raised meanwhile.
 */
static void
word_wait(uint32_t *w, uint32_t v, uint32_t *waiter)
{
	if (waiter != NULL)
		__atomic_store_n(waiter, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(w, __ATOMIC_SEQ_CST) == v)
		(void)syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
	if (waiter != NULL)
		__atomic_store_n(waiter, 0, __ATOMIC_SEQ_CST);
}

static void *
prefilter_main(void *arg)
{
	struct spawn_prefilter *t = arg;
	struct clone_request *r;
	uint32_t n = 0;                 /* answered so far */

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &t->prog) == -1) {
		t->install_err = errno;
		word_set(&t->state, T_FAILED, NULL);
		return NULL;            /* no filter on this thread: a plain end */
	}
	word_set(&t->state, T_READY, NULL);
	for (;;) {
		while (word_load(&t->asked) == n)
			word_wait(&t->asked, n, &t->asked_waiter);
		if ((r = t->ring[n % PREFILTER_RING]) == NULL)
			break;
		clone_request_run(r);
		word_set(&t->answered, ++n, &t->answered_waiter);
	}
	/* exit(2) of this thread alone, and nothing else (see the top). */
	for (;;)
		(void)raw_syscall(SYS_exit, 0, 0, 0, 0, 0);
	return NULL;
}

/*
 * Does f allow the thread's own calls?  The futex operations it uses, the
 * close after each clone and the exit it leaves by; its clone is checked
 * with the child's calls.
 */
static int
thread_calls_allowed(const struct sock_fprog *f)
{
	return seccomp_eval_allows_native(f, SYS_exit, -1, 0) &&
	    seccomp_eval_allows_native(f, SYS_close, -1, 0) &&
	    seccomp_eval_allows_native(f, SYS_futex, 1, FUTEX_WAIT_PRIVATE) &&
	    seccomp_eval_allows_native(f, SYS_futex, 1, FUTEX_WAKE_PRIVATE);
}

static int
same_prog(const struct sock_fprog *a, const struct sock_fprog *b)
{
	return a->len == b->len && memcmp(a->filter, b->filter,
	    (size_t)a->len * sizeof(*a->filter)) == 0;
}

/*
 * The thread leaves by a raw exit, so no thread teardown runs, glibc's or
 * a sanitizer runtime's.  glibc hands a joined thread's stack, with its
 * descriptor, to the next thread it starts; in a sanitizer build that
 * descriptor still holds the runtime's per-thread data, which only its
 * teardown clears, and the next thread's start aborts on it (ASan's
 * AsanTSDGet check, at the second reload that replaces a filter thread).
 * There each thread gets a stack of its own, which glibc never reuses
 * (and clears), unmapped after the join.  Elsewhere glibc's stacks serve:
 * the thread keeps nothing in its descriptor.
 */
#ifdef HINETD_SANITIZE
#define PREFILTER_OWN_STACK (1024 * 1024)       /* the runtime's frames */

static int
own_stack(struct spawn_prefilter *t, pthread_attr_t *attr)
{
	t->stack = mmap(NULL, PREFILTER_OWN_STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (t->stack == MAP_FAILED) {
		t->stack = NULL;
		return ENOMEM;
	}
	return pthread_attr_setstack(attr, t->stack, PREFILTER_OWN_STACK);
}
#else
static int
own_stack(struct spawn_prefilter *t, pthread_attr_t *attr)
{
	(void)t;
	(void)attr;
	return 0;
}
#endif

/* Never while its thread may run: after the join, or if none started. */
static void
prefilter_free(struct spawn_prefilter *t)
{
#ifdef HINETD_SANITIZE
	if (t->stack != NULL)
		munmap(t->stack, PREFILTER_OWN_STACK);
#endif
	free(t->prog.filter);
	free(t);
}

/* A new thread with filter f installed, or NULL (logged). */
static struct spawn_prefilter *
prefilter_start(const struct sock_fprog *f)
{
	struct spawn_prefilter *t;
	pthread_attr_t attr;
	sigset_t all, old;
	int rc;

	t = xcalloc(1, sizeof(*t));
	t->prog.len = f->len;
	t->prog.filter = xreallocarray(NULL, f->len, sizeof(*f->filter));
	memcpy(t->prog.filter, f->filter, (size_t)f->len * sizeof(*f->filter));
	t->bset = spawn_bset_main();
	t->state = T_START;
	/* It takes no signal: they are all read from privd's signalfd. */
	sigfillset(&all);
	if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0)
		goto fail;
	if ((rc = thread_attr_init(&attr, PREFILTER_STACK)) == 0) {
		if ((rc = own_stack(t, &attr)) == 0)
			rc = pthread_create(&t->thread, &attr, prefilter_main, t);
		pthread_attr_destroy(&attr);
	}
	if (pthread_sigmask(SIG_SETMASK, &old, NULL) != 0)
		fatalx("pthread_sigmask restore");
	if (rc != 0)
		goto fail;
	while (word_load(&t->state) == T_START)
		word_wait(&t->state, T_START, NULL);
	if (word_load(&t->state) == T_FAILED) {
		rc = t->install_err;
		(void)pthread_join(t->thread, NULL);
		goto fail;
	}
	return t;
fail:
	errno = rc;
	log_warn("no thread for a seccomp filter of %u instructions: its "
	    "children install it themselves", f->len);
	prefilter_free(t);
	return NULL;
}

/* Hand r to t in turn (NULL: leave); returns its ticket for ask_wait. */
static uint32_t
ask(struct spawn_prefilter *t, struct clone_request *r)
{
	uint32_t a = t->asked, d;       /* only this thread writes asked */

	while (a - (d = word_load(&t->answered)) >= PREFILTER_RING)
		word_wait(&t->answered, d, &t->answered_waiter);
	t->ring[a % PREFILTER_RING] = r;
	word_set(&t->asked, a + 1, &t->asked_waiter);
	return a;
}

static int
answered(struct spawn_prefilter *t, uint32_t ticket, uint32_t *d)
{
	*d = word_load(&t->answered);
	return (int32_t)(*d - ticket) > 0;
}

/* Until the request of ticket is answered. */
static void
ask_wait(struct spawn_prefilter *t, uint32_t ticket)
{
	uint32_t d;

	while (!answered(t, ticket, &d))
		word_wait(&t->answered, d, &t->answered_waiter);
}

static void
prefilter_stop(struct spawn_prefilter *t)
{
	int rc;

	(void)ask(t, NULL);     /* after every request already asked */
	if ((rc = pthread_join(t->thread, NULL)) != 0) {
		/* Cannot happen; never free what a running thread may read. */
		errno = rc;
		log_warn("pthread_join");
		return;
	}
	prefilter_free(t);
}

/* The thread for f, or a new one; NULL if none can be had. */
static struct spawn_prefilter *
prefilter_for(const struct sock_fprog *f, uint64_t keep)
{
	struct spawn_prefilter *t;

	for (size_t i = 0; i < nthreads; i++)
		if (same_prog(&threads[i]->prog, f) &&
		    (keep & ~threads[i]->bset) == 0)
			return threads[i];
	if (nthreads == PREFILTER_MAX)
		return NULL;
	if ((t = prefilter_start(f)) != NULL)
		threads[nthreads++] = t;
	return t;
}

void
spawn_prefilter_attach(struct spawn_plan *plans, size_t n)
{
	size_t i, kept;

	for (i = 0; i < nthreads; i++)
		threads[i]->used = 0;
	for (i = 0; i < n; i++) {
		struct spawn_plan *p = &plans[i];

		p->prefilter = NULL;
		if (!p->built || p->filter.len == 0 || !p->no_new_privs)
			continue;
		/* A child granted more than privd's main thread holds: spawn_bset. */
		if ((p->keep & ~spawn_bset_main()) != 0)
			continue;
		if (!thread_calls_allowed(&p->filter) ||
		    !spawn_plan_filter_admits(p, &p->filter))
			continue;
		if ((p->prefilter = prefilter_for(&p->filter, p->keep)) != NULL)
			p->prefilter->used = 1;
	}
	for (i = kept = 0; i < nthreads; i++) {
		if (threads[i]->used)
			threads[kept++] = threads[i];
		else
			prefilter_stop(threads[i]);
	}
	nthreads = kept;
}

void
spawn_prefilter_recheck(struct spawn_plan *p)
{
	if (p->prefilter != NULL && !spawn_plan_filter_admits(p, &p->filter))
		p->prefilter = NULL;
}

uint32_t
spawn_prefilter_ask(struct spawn_prefilter *t, struct clone_request *r,
    uint64_t *child_bset)
{
	/* Before the clone: a CLONE_VM child reads its slot at once. */
	*child_bset = t->bset;
	return ask(t, r);
}

int
spawn_prefilter_answered(struct spawn_prefilter *t, uint32_t ticket)
{
	uint32_t d;

	return answered(t, ticket, &d);
}

pid_t
spawn_prefilter_answer(struct spawn_prefilter *t, uint32_t ticket,
    const struct clone_request *r)
{
	ask_wait(t, ticket);
	/* The thread wrote pid and err before it advanced answered. */
	return clone_request_answer(r);
}
