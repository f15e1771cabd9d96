/*
 * fuzz_hosts_access.c: libFuzzer target for the access engine.
 *
 * The first byte chooses the path:
 *   even: the rest is hosts.allow text: ha_parse() (without system
 *         look-ups: list files are not read), then the table is evaluated
 *         for fixed clients (answering every look-up it asks for), each
 *         matched rule's options are expanded, and the table goes through
 *         ha_table_encode / ha_table_decode, which must give back a table
 *         encoding to the same bytes and deciding the same way.
 *   odd:  the rest is a snapshot: ha_table_decode() on hostile bytes.
 */
#include "policy/hosts_access.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

struct client {
	const char *daemon, *service, *addr, *name, *user, *server;
	enum ha_name_state state;
};

static const struct client clients[] = {
	{ "in.telnetd", "telnet", "10.0.0.1", "alpha.example.com", "bob",
	  "192.0.2.1", HA_NAME_KNOWN },
	{ "sshd", NULL, "fd00::1", NULL, NULL, "fd00::2", HA_NAME_PARANOID },
	{ "in.ftpd", "ftp", "::ffff:10.1.2.3", "gamma", "alice", NULL,
	  HA_NAME_KNOWN },
	{ "x", NULL, "192.0.2.77", NULL, NULL, NULL, HA_NAME_UNKNOWN },
};

static void
set_addr(struct ha_endpoint *e, const char *addr)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 s6;

	memset(&sin, 0, sizeof(sin));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		check(ha_endpoint_set_addr(e, (struct sockaddr *)&sin,
		    sizeof(sin)) == 0);
	} else {
		check(inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1);
		s6.sin6_family = AF_INET6;
		check(ha_endpoint_set_addr(e, (struct sockaddr *)&s6,
		    sizeof(s6)) == 0);
	}
}

/* Decide for client c, answering look-ups; returns status and line. */
static int
decide(const struct ha_table *t, const struct client *c)
{
	struct ha_request r;
	struct ha_decision dec;
	enum ha_status st;
	char buf[HA_EXPAND_MAX];
	int rounds = 0;

	ha_request_init(&r, c->daemon, c->service);
	set_addr(&r.client, c->addr);
	if (c->server != NULL)
		set_addr(&r.server, c->server);
	while ((st = ha_eval(t, NULL, &r, &dec)) >= HA_NEED_HOSTNAME) {
		check(++rounds <= 3);   /* each fact is asked for once */
		if (st == HA_NEED_HOSTNAME) {
			check(r.client.name_state == HA_NAME_UNSET);
			ha_endpoint_set_name(&r.client, c->state, c->name);
		} else if (st == HA_NEED_SERVER_HOSTNAME) {
			check(r.server.name_state == HA_NAME_UNSET);
			ha_endpoint_set_name(&r.server, HA_NAME_KNOWN, "srv.example");
		} else {
			check(r.user_state == HA_USER_UNSET);
			ha_request_set_user(&r, c->user);
		}
	}
	check(st == HA_GRANT || st == HA_DENY || st == HA_DELEGATE);
	if (dec.rule == NULL)
		return (int)st;
	check(dec.rule->line > 0 && dec.file == t->file);
	check((st == HA_DELEGATE) == (dec.twist != NULL));
	for (size_t i = 0; i < dec.rule->nopts; i++)
		if (ha_option_value(&dec.rule->opts[i], &r, buf, sizeof(buf)) == 0)
			check(strlen(buf) < sizeof(buf));
	return (int)st | dec.rule->line << 4;
}

static void
roundtrip(const struct ha_table *t)
{
	struct wbuf w, w2;
	struct rbuf r;
	struct ha_table *u;

	wbuf_init(&w);
	ha_table_encode(t, &w);
	rbuf_init(&r, w.p, w.len);
	check(ha_table_decode(&r, &u) == 0 && u != NULL && r.off == r.len);
	wbuf_init(&w2);
	ha_table_encode(u, &w2);
	check(w2.len == w.len && memcmp(w.p, w2.p, w.len) == 0);
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		check(decide(t, &clients[i]) == decide(u, &clients[i]));
	ha_table_free(u);
	wbuf_free(&w);
	wbuf_free(&w2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ha_table *t;
	struct diag d;
	struct rbuf r;

	if (size < 1 || size > 65536)
		return 0;
	if (data[0] & 1) {
		rbuf_init(&r, data + 1, size - 1);
		if (ha_table_decode(&r, &t) == 0 && t != NULL) {
			for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
				decide(t, &clients[i]);
			ha_table_free(t);
		}
		return 0;
	}
	diag_init(&d);
	t = ha_parse("fuzz", (const char *)data + 1, size - 1, 0, &d);
	check((t == NULL) == (d.errors > 0));
	if (t != NULL) {
		for (size_t i = 0; i < t->n; i++)
			check(t->rules[i].line > 0 && t->rules[i].daemons.n > 0 &&
			    t->rules[i].clients.n > 0);
		roundtrip(t);
		ha_table_free(t);
	}
	diag_free(&d);
	return 0;
}
