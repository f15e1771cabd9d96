/*
 * limits.c: the listener's limits and its deadline timer.
 *
 *   instances   concurrent children (or built-in connections) of a service
 *   per_source  concurrent ones from one client address (a hash table of
 *               live counts; an entry exists only while its count is > 0,
 *               so it is bounded by the live connections)
 *   cps         more than RATE arrivals in one second (a window anchored at
 *               the first arrival) pauses the service for SECONDS
 *   looping     a wait service started too often per minute is paused,
 *               with back-off, and then retried
 *
 * A paused service's listening socket is simply not watched
 * (service_rearm); connections wait in the kernel's queue.  Every pause
 * has a deadline, and the timer here ends it: no limit disables a service
 * for good.  The same timer drives the built-ins' idle timeouts.
 */
#include "listener/limits.h"
#include "listener/builtin.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define NO_DEADLINE INT64_MAX

int64_t
now_ms(void)
{
	return mono_ms();
}

/* ---- the deadline timer ------------------------------------------------ */

static void timer_fired(struct ev_src *src, uint32_t events);

static int timer_fd = -1;
static int64_t timer_armed = NO_DEADLINE;
static struct ev_src timer_src = { .kind = EV_OTHER, .handler = timer_fired };

void
timer_at(int64_t when)
{
	struct itimerspec its = { 0 };

	if (timer_fd == -1) {
		/* Created on first use, after the sandbox (see sandbox.c). */
		timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timer_fd == -1)
			fatal("timerfd_create");        /* pauses must end */
		loop_add(timer_fd, EPOLLIN, &timer_src);
	}
	if (when >= timer_armed)
		return;
	if (when < 1)
		when = 1;               /* 0 would disarm */
	its.it_value.tv_sec = when / 1000;
	its.it_value.tv_nsec = (long)(when % 1000) * 1000000L;
	if (timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		fatal("timerfd_settime");
	timer_armed = when;
}

static int64_t limits_expire(int64_t now);

static void
timer_fired(struct ev_src *src, uint32_t events)
{
	uint64_t ticks;
	int64_t now, next, n2;

	(void)src;
	(void)events;
	if (read(timer_fd, &ticks, sizeof(ticks)) == -1 && errno != EAGAIN)
		log_warn("deadline timer");
	timer_armed = NO_DEADLINE;
	now = now_ms();
	next = limits_expire(now);
	n2 = builtin_stream_expire(now);
	if (n2 < next)
		next = n2;
	if (next != NO_DEADLINE)
		timer_at(next);
}

/* ---- pauses ------------------------------------------------------------ */

static const char *
hold_name(int hold)
{
	switch (hold) {
	case HOLD_CPS:
		return "cps";
	case HOLD_LOOPING:
		return "looping";
	default:
		return "none";
	}
}

static void
hold(struct lservice *ls, int why, unsigned seconds)
{
	ls->held = why;
	ls->held_until = now_ms() + (int64_t)seconds * 1000;
	service_rearm(ls);
	timer_at(ls->held_until);
}

/* End the pauses that are due; the next deadline, or NO_DEADLINE. */
static int64_t
limits_expire(int64_t now)
{
	int64_t next = NO_DEADLINE;

	for (size_t i = 0; i < L.nsvcs; i++) {
		struct lservice *ls = &L.svcs[i];
		if (ls->held != HOLD_CPS && ls->held != HOLD_LOOPING)
			continue;
		if (ls->held_until > now) {
			if (ls->held_until < next)
				next = ls->held_until;
			continue;
		}
		log_info("service=%s proto=%s limit=%s: pause over, serving again",
		    ls->svc->name, ls->svc->proto_name, hold_name(ls->held));
		ls->held = HOLD_NONE;
		ls->cps_count = 0;
		ls->loop_count = 0;
		service_rearm(ls);
	}
	return next;
}

/* cps: more than RATE arrivals in one second pauses for SECONDS. */
static int
cps_count(struct lservice *ls, const struct sockaddr *peer, socklen_t peerlen)
{
	const struct service *svc = ls->svc;
	int64_t now;

	if (svc->cps_rate == 0)
		return 0;
	now = now_ms();
	if (ls->cps_count == 0 || now - ls->cps_start >= 1000) {
		ls->cps_start = now;
		ls->cps_count = 0;
	}
	if (++ls->cps_count <= svc->cps_rate)
		return 0;
	conn_log(ls, peer, peerlen, "action=limit limit=cps rate=%u pause=%us",
	    svc->cps_rate, svc->cps_pause);
	hold(ls, HOLD_CPS, svc->cps_pause > 0 ? svc->cps_pause : 1);
	return -1;
}

/* ---- per_source -------------------------------------------------------- */

struct src_count {
	struct src_count *next;
	uint32_t          svc_id;
	uint32_t          hash;
	unsigned          count;
	unsigned char     addr[16];     /* IPv6, or IPv4-mapped */
};

static struct src_count **src_tab;
static size_t src_cap;                  /* power of two, or 0 */
static size_t src_used;
static uint64_t hash_key[2];

/* IPv4 and IPv4-mapped IPv6 clients are the same address. */
static int
addr_key(const struct sockaddr *sa, socklen_t len, unsigned char key[16])
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Keyed with random bits, so clients cannot aim at one chain. */
static uint32_t
addr_hash(uint32_t svc_id, const unsigned char key[16])
{
	uint64_t a, b;

	if (hash_key[0] == 0 && hash_key[1] == 0) {
		if (getrandom(hash_key, sizeof(hash_key), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(hash_key)) {
			hash_key[0] = (uint64_t)now_ms() * 0x9e3779b97f4a7c15ULL;
			hash_key[1] = (uint64_t)getpid();
		}
		hash_key[0] |= 1;
	}
	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	return (uint32_t)mix(mix(a ^ hash_key[0]) ^ b ^ hash_key[1] ^
	    ((uint64_t)svc_id << 32));
}

static int
src_grow(void)
{
	size_t ncap = src_cap ? src_cap * 2 : 64;
	struct src_count **ntab = calloc(ncap, sizeof(*ntab));

	if (ntab == NULL)
		return src_cap > 0 ? 0 : -1;    /* keep the old one */
	for (size_t i = 0; i < src_cap; i++) {
		struct src_count *e = src_tab[i], *nx;
		for (; e != NULL; e = nx) {
			nx = e->next;
			e->next = ntab[e->hash & (ncap - 1)];
			ntab[e->hash & (ncap - 1)] = e;
		}
	}
	free(src_tab);
	src_tab = ntab;
	src_cap = ncap;
	return 0;
}

static struct src_count *
src_find(uint32_t svc_id, const unsigned char key[16], uint32_t h)
{
	if (src_cap == 0)
		return NULL;
	for (struct src_count *e = src_tab[h & (src_cap - 1)]; e; e = e->next)
		if (e->hash == h && e->svc_id == svc_id &&
		    memcmp(e->addr, key, 16) == 0)
			return e;
	return NULL;
}

static struct src_count *
src_take(uint32_t svc_id, const unsigned char key[16], uint32_t h)
{
	struct src_count *e = src_find(svc_id, key, h);

	if (e != NULL) {
		e->count++;
		return e;
	}
	if (src_used >= src_cap && src_grow() == -1)
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->svc_id = svc_id;
	e->hash = h;
	e->count = 1;
	memcpy(e->addr, key, 16);
	e->next = src_tab[h & (src_cap - 1)];
	src_tab[h & (src_cap - 1)] = e;
	src_used++;
	return e;
}

void
limits_source_put(struct src_count *sc)
{
	struct src_count **pp;

	if (sc == NULL || --sc->count > 0)
		return;
	for (pp = &src_tab[sc->hash & (src_cap - 1)]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == sc) {
			*pp = sc->next;
			free(sc);
			src_used--;
			return;
		}
	}
}

/* ---- tokens of spawn requests that hold a per_source slot -------------- */

struct tok {
	struct tok       *next;
	uint32_t          token;
	struct src_count *sc;
};

static struct tok **tok_tab;
static size_t tok_cap, tok_used;

static int
tok_grow(void)
{
	size_t ncap = tok_cap ? tok_cap * 2 : 64;
	struct tok **ntab = calloc(ncap, sizeof(*ntab));

	if (ntab == NULL)
		return tok_cap > 0 ? 0 : -1;
	for (size_t i = 0; i < tok_cap; i++) {
		struct tok *t = tok_tab[i], *nx;
		for (; t != NULL; t = nx) {
			nx = t->next;
			t->next = ntab[t->token & (ncap - 1)];
			ntab[t->token & (ncap - 1)] = t;
		}
	}
	free(tok_tab);
	tok_tab = ntab;
	tok_cap = ncap;
	return 0;
}

void
limits_token_track(uint32_t token, struct src_count *sc)
{
	struct tok *t;

	if (sc == NULL)
		return;
	if ((tok_used >= tok_cap && tok_grow() == -1) ||
	    (t = malloc(sizeof(*t))) == NULL) {
		/* Cannot remember it: give the slot back now (fail open). */
		log_warnx("per_source: out of memory, slot released early");
		limits_source_put(sc);
		return;
	}
	t->token = token;
	t->sc = sc;
	t->next = tok_tab[token & (tok_cap - 1)];
	tok_tab[token & (tok_cap - 1)] = t;
	tok_used++;
}

void
limits_token_done(uint32_t token)
{
	struct tok **pp, *t;

	if (tok_cap == 0)
		return;
	for (pp = &tok_tab[token & (tok_cap - 1)]; (t = *pp) != NULL; pp = &t->next) {
		if (t->token == token) {
			*pp = t->next;
			limits_source_put(t->sc);
			free(t);
			tok_used--;
			return;
		}
	}
}

/* ---- the checks -------------------------------------------------------- */

unsigned
limits_instances(const struct lservice *ls)
{
	const struct service *svc = ls->svc;

	/* Built-ins' larger default is set at load (config_load.c). */
	if (svc->instances == SVC_INSTANCES_UNLIMITED || svc->instances == 0)
		return 0;
	return svc->instances;
}

int
limits_arrival(struct lservice *ls, const struct sockaddr *peer,
    socklen_t peerlen, int concurrent, struct src_count **src)
{
	const struct service *svc = ls->svc;
	unsigned char key[16];
	unsigned max;
	uint32_t h;

	if (src != NULL)
		*src = NULL;
	if (cps_count(ls, peer, peerlen) == -1)
		return -1;
	if (!concurrent)
		return 0;
	if ((max = limits_instances(ls)) != 0 && ls->live >= max) {
		conn_log(ls, peer, peerlen, "action=limit limit=instances max=%u",
		    max);
		return -1;
	}
	if (svc->per_source == 0 || src == NULL ||
	    addr_key(peer, peerlen, key) == -1)
		return 0;
	h = addr_hash(svc->id, key);
	struct src_count *e = src_find(svc->id, key, h);
	if (e != NULL && e->count >= svc->per_source) {
		conn_log(ls, peer, peerlen, "action=limit limit=per_source max=%u",
		    svc->per_source);
		return -1;
	}
	if ((*src = src_take(svc->id, key, h)) == NULL) {
		conn_log(ls, peer, peerlen, "action=error reason=memory");
		return -1;
	}
	return 0;
}

int
limits_wake(struct lservice *ls, const struct sockaddr *peer, socklen_t peerlen)
{
	int64_t now;
	unsigned pause;

	if (cps_count(ls, peer, peerlen) == -1)
		return -1;
	now = now_ms();
	if (ls->loop_count == 0 || now - ls->loop_start >= LOOP_WINDOW_MS) {
		ls->loop_start = now;
		ls->loop_count = 0;
	}
	if (++ls->loop_count <= LOOP_SPAWNS_MAX)
		return 0;
	/* Tripped again soon after the last pause: double it. */
	if (ls->loop_trips > 0 && now - ls->loop_tripped >
	    (int64_t)ls->loop_pause * 1000 + LOOP_WINDOW_MS)
		ls->loop_trips = 0;
	pause = LOOP_PAUSE_MIN_S;
	for (unsigned i = 0; i < ls->loop_trips && pause < LOOP_PAUSE_MAX_S; i++)
		pause *= 2;
	if (pause > LOOP_PAUSE_MAX_S)
		pause = LOOP_PAUSE_MAX_S;
	ls->loop_trips++;
	ls->loop_pause = pause;
	ls->loop_tripped = now;
	conn_log(ls, peer, peerlen, "action=limit limit=looping spawns=%u "
	    "window=%us pause=%us", LOOP_SPAWNS_MAX, LOOP_WINDOW_MS / 1000, pause);
	hold(ls, HOLD_LOOPING, pause);
	return -1;
}
