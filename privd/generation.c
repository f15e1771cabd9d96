/*
 * generation.c: one configuration load and everything derived from it
 * (spawn plans, listening sockets).  A load is all or nothing: any error
 * leaves the running generation untouched.
 */
#include "privd/privd.h"
#include "privd/spawn_plan.h"
#include "common/log.h"
#include "common/util.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static uint32_t next_gen = 1;

struct generation *
generation_load(struct generation *old, struct diag *d)
{
	struct generation *g;
	struct config *cfg;
	size_t i;

	cfg = config_load(&privd.paths, d);
	if (cfg == NULL)
		return NULL;
	if (listener_uid_check(cfg, d) == -1 || access_options_check(cfg, d) == -1) {
		config_free(cfg);
		return NULL;
	}
	g = xcalloc(1, sizeof(*g));
	g->cfg = cfg;
	g->plans = xcalloc(cfg->nsvcs, sizeof(*g->plans));
	g->socks = xcalloc(cfg->nsvcs, sizeof(*g->socks));
	g->wait_pid = xcalloc(cfg->nsvcs, sizeof(*g->wait_pid));
	g->live = xcalloc(cfg->nsvcs, sizeof(*g->live));
	for (i = 0; i < cfg->nsvcs; i++)
		g->socks[i] = -1;
	for (i = 0; i < cfg->nsvcs; i++) {
		if (cfg->svcs[i]->builtin != BUILTIN_NONE)
			continue;
		if (spawn_plan_build(&g->plans[i], cfg->svcs[i], d) == -1)
			break;
	}
	if (i < cfg->nsvcs || sockets_bind(g, old, d) == -1) {
		generation_free(g, NULL);
		return NULL;
	}
	g->gen = next_gen++;
	return g;
}

/* Does g hold this listening socket? */
static int
generation_has_sock(const struct generation *g, int fd)
{
	if (g == NULL)
		return 0;
	for (size_t i = 0; i < g->cfg->nsvcs; i++)
		if (g->socks[i] == fd)
			return 1;
	return 0;
}

/*
 * Close g's sockets except those `keep` holds too; forget them all.  A
 * socket that goes is shut down first: a retired listener may still hold
 * a copy (a hostile one need not close it when told to retire), and the
 * shutdown ends the listening socket for every holder, so a removed port
 * stops answering when the reload is done.  Not a wait service's whose
 * server still runs: it holds the socket, and running services are not
 * touched.
 */
void
generation_close_socks(struct generation *g, const struct generation *keep)
{
	for (size_t i = 0; i < g->cfg->nsvcs; i++) {
		if (g->socks[i] >= 0 && !generation_has_sock(keep, g->socks[i])) {
			if (g->wait_pid[i] == 0)
				(void)shutdown(g->socks[i], SHUT_RDWR);
			close(g->socks[i]);
		}
		g->socks[i] = -1;
	}
}

/*
 * Free g.  Its sockets that `next` took over (same descriptor number) stay
 * open; the others are closed.
 */
void
generation_free(struct generation *g, struct generation *next)
{
	if (g == NULL)
		return;
	generation_close_socks(g, next);
	for (size_t i = 0; i < g->cfg->nsvcs; i++)
		spawn_plan_free(&g->plans[i]);
	free(g->plans);
	free(g->socks);
	free(g->wait_pid);
	free(g->live);
	config_free(g->cfg);
	free(g);
}

/* Every capability some service of g is granted (spawn_bset_narrow). */
uint64_t
generation_caps(const struct generation *g)
{
	uint64_t caps = 0;

	for (size_t i = 0; i < g->cfg->nsvcs; i++)
		if (g->cfg->svcs[i]->builtin == BUILTIN_NONE)
			caps |= g->plans[i].keep;
	return caps;
}
