/*
 * thread_attr.c: the attributes of the threads privd starts (the bounding
 * set keeper, the filter threads): their stack, and the default scheduling
 * policy whatever the main thread's.
 */
#include "privd/thread_attr.h"

#include <sched.h>

int
thread_attr_init(pthread_attr_t *attr, size_t stack)
{
	const struct sched_param param = { .sched_priority = 0 };
	int rc;

	if ((rc = pthread_attr_init(attr)) != 0)
		return rc;
	if ((rc = pthread_attr_setstacksize(attr, stack)) != 0 ||
	    (rc = pthread_attr_setinheritsched(attr, PTHREAD_EXPLICIT_SCHED)) != 0 ||
	    (rc = pthread_attr_setschedpolicy(attr, SCHED_OTHER)) != 0 ||
	    (rc = pthread_attr_setschedparam(attr, &param)) != 0) {
		pthread_attr_destroy(attr);
		return rc;
	}
	return 0;
}
