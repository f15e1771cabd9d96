/*
 * fuzz_ipc.c: privd's message decoder (framing checks of common/ipc.c on
 * arbitrary packets, with and without descriptors) and the listener's
 * configuration snapshot decoder (policy/snapshot.c), with the banner
 * files it carries expanded as the listener would send them.
 */
#include "common/ipc.h"
#include "policy/hosts_access.h"
#include "policy/snapshot.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* What a spawn request that passed the framing checks must hold. */
static void
spawn_invariants(const struct ipc_msg *m)
{
	const struct ipc_spawn *s = &m->u.spawn;

	if (memchr(s->host, '\0', sizeof(s->host)) == NULL ||
	    memchr(s->ident, '\0', sizeof(s->ident)) == NULL ||
	    memchr(s->server_host, '\0', sizeof(s->server_host)) == NULL)
		abort();
	if (s->hdr.type == IPC_SPAWN_WAIT &&
	    (s->server_name_state != 0 || s->server_host[0] != '\0'))
		abort();
	for (size_t i = 0; i < sizeof(s->pad); i++)
		if (s->pad[i] != 0)
			abort();
}

static void
expand_banners(const struct ha_table *t)
{
	static char out[HA_BANNER_OUT_MAX];
	struct ha_request req;

	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < t->rules[i].nopts; k++) {
			const struct ha_option *o = &t->rules[i].opts[k];
			for (size_t b = 0; b < o->nbanners; b++) {
				ha_request_init(&req, o->banners[b].daemon, NULL);
				if (ha_banner_expand(&o->banners[b], &req, out,
				    sizeof(out)) > sizeof(out))
					abort();
			}
		}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct ipc_msg m;
	uint32_t gen;
	int *fds = NULL;
	struct config *cfg;

	if (size > 0) {
		memset(&m, 0, sizeof(m));
		m.len = size - 1 < sizeof(m.u.raw) ? size - 1 : sizeof(m.u.raw);
		memcpy(m.u.raw, data + 1, m.len);
		m.nfds = data[0] & 3;
		m.truncated = (data[0] >> 2) & 1;
		for (int i = 0; i < m.nfds; i++)
			m.fds[i] = -1;
		if (ipc_msg_check(&m, data[0] & 8) == NULL) {
			if (m.u.hdr.type == IPC_SPAWN_CONN ||
			    m.u.hdr.type == IPC_SPAWN_WAIT)
				spawn_invariants(&m);
			/* A retire is privd's, header only, without a fd. */
			if (m.u.hdr.type == IPC_RETIRE && ((data[0] & 8) ||
			    m.len != sizeof(struct ipc_hdr) || m.nfds != 0))
				abort();
		}
	}
	cfg = snapshot_decode(data, size, &gen, &fds);
	if (cfg != NULL) {
		expand_banners(cfg->allow_table);
		expand_banners(cfg->deny_table);
		config_free(cfg);
		free(fds);
	}
	return 0;
}
