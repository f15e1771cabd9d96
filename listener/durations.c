/*
 * durations.c: when each exec'd child started, by pid, for the services
 * whose log_on_success asks for DURATION (xinetd): privd reports the spawn
 * and the exit, the listener logs the time between them.  Open addressing,
 * bounded: when the table is full a child simply gets no duration.
 */
#include "listener/listener.h"
#include "listener/limits.h"

#include <stdlib.h>
#include <string.h>

#define DUR_MAX 65536                   /* entries, a power of two */

struct dur {
	pid_t   pid;                    /* 0: free; -1: deleted */
	int64_t start;
};

static struct dur *tab;
static size_t      cap, used;

static size_t
slot_of(pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (cap - 1);
}

/* Rebuild without tombstones, doubling only when the live entries need it. */
static int
rehash(void)
{
	struct dur *ntab, *old = tab;
	size_t ocap = cap, live = 0, ncap = 256;

	for (size_t i = 0; i < ocap; i++)
		if (old[i].pid > 0)
			live++;
	while ((live + 1) * 4 > ncap)
		ncap *= 2;
	if (ncap > DUR_MAX || (ntab = calloc(ncap, sizeof(*ntab))) == NULL)
		return -1;
	tab = ntab;
	cap = ncap;
	used = 0;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].pid > 0)
			durations_start(old[i].pid, old[i].start);
	free(old);
	return 0;
}

void
durations_start(pid_t pid, int64_t start)
{
	size_t i;

	if (pid <= 0)
		return;
	/* Keep the load under one half, deleted slots included. */
	if ((used + 1) * 2 > cap && rehash() == -1)
		return;
	for (i = slot_of(pid); tab[i].pid > 0; i = (i + 1) & (cap - 1))
		if (tab[i].pid == pid)
			break;
	if (tab[i].pid != pid)
		used++;
	tab[i].pid = pid;
	tab[i].start = start;
}

int64_t
durations_end(pid_t pid)
{
	if (cap == 0 || pid <= 0)
		return -1;
	for (size_t i = slot_of(pid), n = 0; tab[i].pid != 0 && n < cap;
	    i = (i + 1) & (cap - 1), n++) {
		if (tab[i].pid == pid) {
			tab[i].pid = -1;        /* a tombstone keeps chains whole */
			return tab[i].start;
		}
	}
	return -1;
}
