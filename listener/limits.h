/*
 * limits.h: the listener's limits: instances,
 * per_source, cps and the looping guard of wait services, the pauses they
 * start and end, and the one deadline timer shared with the built-ins'
 * idle timeouts.  privd's global cap on children is enforced in privd and
 * only logged here (conn.c).
 */
#ifndef HINETD_LIMITS_H
#define HINETD_LIMITS_H

#include <stdint.h>
#include <sys/socket.h>

#include "listener/listener.h"

/*
 * The looping guard: a wait service woken more than LOOP_SPAWNS_MAX times
 * within LOOP_WINDOW_MS is paused.  The first pause lasts
 * LOOP_PAUSE_MIN_S; each trip soon after the previous pause doubles it, up
 * to LOOP_PAUSE_MAX_S (OpenBSD inetd: 256 per minute, then 10 minutes).
 * A service that runs a window without tripping starts again from the
 * minimum.  Every pause ends by itself.
 */
#define LOOP_SPAWNS_MAX          SVC_LOOP_STARTS_MAX   /* policy/service.h: shown by -T */
#define LOOP_WINDOW_MS           (SVC_LOOP_WINDOW_S * 1000)
#define LOOP_PAUSE_MIN_S         SVC_LOOP_PAUSE_MIN_S
#define LOOP_PAUSE_MAX_S         SVC_LOOP_PAUSE_MAX_S


/* Why a service's listening socket is held back (struct lservice.held). */
enum limit_hold {
	HOLD_NONE = 0,
	HOLD_CPS,               /* cps tripped: until held_until */
	HOLD_LOOPING,           /* looping guard tripped: until held_until */
	HOLD_UNSERVED,          /* nothing in the listener can serve it */
};

struct src_count;               /* one client address's live count */

int64_t  now_ms(void);          /* CLOCK_MONOTONIC, milliseconds */

/*
 * A connection (stream) or datagram (built-in dgram) arrives: cps counts
 * it; with `concurrent`, instances and per_source are checked too and a
 * per_source slot is taken into *src (NULL when per_source is off), to be
 * given back with limits_source_put() whatever happens to the connection.
 * Returns 0 to go on, or -1 when a limit fired (logged; the caller closes
 * the connection or drops the datagram).
 */
int      limits_arrival(struct lservice *ls, const struct sockaddr *peer,
             socklen_t peerlen, int concurrent, struct src_count **src);

/*
 * A wait service is about to be started: cps and the looping guard count
 * it.  Returns 0, or -1 when a limit fired (logged, service paused).
 */
int      limits_wake(struct lservice *ls, const struct sockaddr *peer,
             socklen_t peerlen);

/* Effective instance cap of a service; 0 means none. */
unsigned limits_instances(const struct lservice *ls);

void     limits_source_put(struct src_count *sc);

/*
 * A spawn request carrying a per_source slot: the slot is given back when
 * privd reports that request's end (IPC_EXITED or IPC_SPAWN_FAILED, matched
 * by the request's token, so a report without an address still releases).
 */
void     limits_token_track(uint32_t token, struct src_count *sc);
void     limits_token_done(uint32_t token);

/* Run the deadline timer's handlers no later than when (monotonic ms). */
void     timer_at(int64_t when);

#endif
