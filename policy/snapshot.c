/*
 * snapshot.c: encoding and checked decoding of the listener's snapshot.
 */
#include "policy/snapshot.h"
#include "policy/hosts_access.h"
#include "common/util.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define SNAPSHOT_MAGIC   0x484e5332u     /* "HNS2": parsed tables, hosts */
#define SNAPSHOT_END     0x454e4421u
#define STR_MAX          4096
#define LIST_MAX         4096

static void
put_list(struct wbuf *w, const struct strlist *l)
{
	wbuf_u32(w, (uint32_t)l->n);
	for (size_t i = 0; i < l->n; i++)
		wbuf_str(w, l->v[i]);
}

static void
get_list(struct rbuf *r, struct strlist *l)
{
	uint32_t n = rbuf_u32_range(r, 0, LIST_MAX);

	for (uint32_t i = 0; i < n && !r->failed; i++) {
		char *s = rbuf_str(r, STR_MAX);
		if (s == NULL) {
			r->failed = 1;
			break;
		}
		strlist_add(l, s);
		free(s);
	}
}

void
snapshot_encode(const struct config *cfg, uint32_t gen, const int *fds,
    struct wbuf *w)
{
	wbuf_u32(w, SNAPSHOT_MAGIC);
	wbuf_u32(w, gen);
	wbuf_str(w, cfg->allow_path);
	wbuf_blob(w, cfg->allow_text ? cfg->allow_text : "", cfg->allow_len);
	wbuf_u32(w, cfg->allow_text != NULL);
	wbuf_str(w, cfg->deny_path);
	wbuf_blob(w, cfg->deny_text ? cfg->deny_text : "", cfg->deny_len);
	wbuf_u32(w, cfg->deny_text != NULL);
	ha_table_encode(cfg->allow_table, w);
	ha_table_encode(cfg->deny_table, w);
	wbuf_blob(w, cfg->hosts_text ? cfg->hosts_text : "", cfg->hosts_len);
	wbuf_u32(w, cfg->hosts_text != NULL);
	wbuf_u32(w, (uint32_t)cfg->nsvcs);
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		const struct service *s = cfg->svcs[i];
		wbuf_str(w, s->name);
		wbuf_u32(w, fds[i] >= 0 ? (uint32_t)fds[i] : 0);   /* 0: no socket */
		wbuf_u32(w, (uint32_t)s->socktype);
		wbuf_u32(w, (uint32_t)s->family);
		wbuf_u32(w, (uint32_t)s->protocol);
		wbuf_u32(w, (uint32_t)s->v6only);
		wbuf_str(w, s->proto_name);
		wbuf_blob(w, &s->addr, s->addrlen);
		wbuf_u32(w, (uint32_t)s->wait);
		wbuf_u32(w, (uint32_t)s->builtin);
		wbuf_u32(w, (uint32_t)s->tcpd);
		wbuf_str(w, s->daemon);
		wbuf_u32(w, s->instances);
		wbuf_u32(w, s->per_source);
		wbuf_u32(w, s->cps_rate);
		wbuf_u32(w, s->cps_pause);
		wbuf_u32(w, (uint32_t)s->only_from_set);
		put_list(w, &s->only_from);
		put_list(w, &s->no_access);
		wbuf_u32(w, s->log_on_success);
		wbuf_u32(w, s->log_on_failure);
		wbuf_u32(w, s->flags);
		for (int a = 0; a < ATTR_COUNT; a++) {
			wbuf_str(w, s->origin[a].file);
			wbuf_u32(w, (uint32_t)s->origin[a].line);
		}
	}
	wbuf_u32(w, SNAPSHOT_END);
}

static struct service *
get_service(struct rbuf *r, struct config *cfg, int *fd)
{
	struct service *s = service_new();
	char *str;
	size_t len;

	str = rbuf_str(r, SVC_NAME_MAX - 1);
	if (str == NULL || *str == '\0')
		r->failed = 1;
	else
		str_copy(s->name, str, sizeof(s->name));
	free(str);
	*fd = (int)rbuf_u32_range(r, 0, 0x7fffffff);
	if (*fd == 0)
		*fd = -1;
	else if (*fd < 3)
		r->failed = 1;
	s->socktype = (int)rbuf_u32(r);
	if (s->socktype != SOCK_STREAM && s->socktype != SOCK_DGRAM &&
	    s->socktype != SOCK_SEQPACKET)
		r->failed = 1;
	s->family = (int)rbuf_u32(r);
	if (s->family != AF_INET && s->family != AF_INET6)
		r->failed = 1;
	s->protocol = (int)rbuf_u32_range(r, 0, 255);
	s->v6only = (int)rbuf_u32_range(r, 0, 1);
	str = rbuf_str(r, sizeof(s->proto_name) - 1);
	if (str != NULL)
		str_copy(s->proto_name, str, sizeof(s->proto_name));
	else
		r->failed = 1;
	free(str);
	str = rbuf_blob(r, sizeof(s->addr), &len);
	if (str != NULL) {
		memcpy(&s->addr, str, len);
		s->addrlen = (socklen_t)len;
		if ((s->family == AF_INET && len != sizeof(struct sockaddr_in)) ||
		    (s->family == AF_INET6 && len != sizeof(struct sockaddr_in6)) ||
		    s->addr.ss_family != s->family)
			r->failed = 1;
	}
	free(str);
	s->wait = (int)rbuf_u32_range(r, 0, 1);
	s->builtin = (enum svc_builtin)rbuf_u32_range(r, BUILTIN_NONE, BUILTIN_TIME);
	s->tcpd = (int)rbuf_u32_range(r, 0, 1);
	s->daemon = rbuf_str(r, STR_MAX);
	s->instances = rbuf_u32(r);
	s->per_source = rbuf_u32(r);
	s->cps_rate = rbuf_u32(r);
	s->cps_pause = rbuf_u32(r);
	s->only_from_set = (int)rbuf_u32_range(r, 0, 1);
	get_list(r, &s->only_from);
	get_list(r, &s->no_access);
	s->log_on_success = rbuf_u32(r);
	s->log_on_failure = rbuf_u32(r);
	s->flags = rbuf_u32(r);
	for (int a = 0; a < ATTR_COUNT && !r->failed; a++) {
		str = rbuf_str(r, STR_MAX);
		s->origin[a].file = str ? config_file(cfg, str) : NULL;
		free(str);
		s->origin[a].line = (int)rbuf_u32_range(r, 0, 0x7fffffff);
	}
	if (r->failed) {
		service_free(s);
		return NULL;
	}
	return s;
}

struct config *
snapshot_decode(const void *buf, size_t len, uint32_t *gen, int **fdsp)
{
	struct config *cfg = config_new();
	struct rbuf r;
	uint32_t n;
	int *fds = NULL;

	rbuf_init(&r, buf, len);
	if (rbuf_u32(&r) != SNAPSHOT_MAGIC)
		goto bad;
	*gen = rbuf_u32(&r);
	cfg->allow_path = rbuf_str(&r, STR_MAX);
	cfg->allow_text = rbuf_blob(&r, SNAPSHOT_MAX, &cfg->allow_len);
	if (rbuf_u32_range(&r, 0, 1) == 0) {
		free(cfg->allow_text);
		cfg->allow_text = NULL;
		cfg->allow_len = 0;
	}
	cfg->deny_path = rbuf_str(&r, STR_MAX);
	cfg->deny_text = rbuf_blob(&r, SNAPSHOT_MAX, &cfg->deny_len);
	if (rbuf_u32_range(&r, 0, 1) == 0) {
		free(cfg->deny_text);
		cfg->deny_text = NULL;
		cfg->deny_len = 0;
	}
	if (r.failed || ha_table_decode(&r, &cfg->allow_table) == -1 ||
	    ha_table_decode(&r, &cfg->deny_table) == -1)
		goto bad;
	cfg->hosts_text = rbuf_blob(&r, SNAPSHOT_MAX, &cfg->hosts_len);
	if (rbuf_u32_range(&r, 0, 1) == 0) {
		free(cfg->hosts_text);
		cfg->hosts_text = NULL;
		cfg->hosts_len = 0;
	}
	n = rbuf_u32_range(&r, 0, SVC_MAX);
	if (r.failed)
		goto bad;
	fds = xcalloc(n ? n : 1, sizeof(int));
	for (uint32_t i = 0; i < n; i++) {
		struct service *s = get_service(&r, cfg, &fds[i]);
		if (s == NULL)
			goto bad;
		config_add(cfg, s);
	}
	if (rbuf_u32(&r) != SNAPSHOT_END || r.failed || r.off != r.len)
		goto bad;
	*fdsp = fds;
	return cfg;
bad:
	free(fds);
	config_free(cfg);
	return NULL;
}
