/*
 * thread_attr.h: the attributes of the threads privd starts.
 */
#ifndef HINETD_THREAD_ATTR_H
#define HINETD_THREAD_ATTR_H

#include <pthread.h>
#include <stddef.h>

/*
 * Initialise *attr for a privd thread: a stack of stack bytes, and
 * SCHED_OTHER set explicitly rather than inherited, since privd's main
 * thread runs SCHED_BATCH (main.c) and a thread's children inherit its
 * policy.  0, or an error number (nothing to destroy then).
 */
int thread_attr_init(pthread_attr_t *attr, size_t stack);

#endif
