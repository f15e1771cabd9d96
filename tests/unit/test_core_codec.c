/*
 * test_core_codec.c: the IPC framing checks privd applies to every
 * listener packet, the configuration snapshot round trip and its refusal of
 * malformed input, and the host-name / ident rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc.h"
#include "common/names.h"
#include "policy/snapshot.h"
#include "policy/hosts_access.h"
#include "common/diag.h"

static struct ipc_msg
msg_of(unsigned type, size_t len, int nfds)
{
	struct ipc_msg m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.u.hdr, type, 1);
	m.len = len;
	m.nfds = nfds;
	return m;
}

static void
test_ipc_framing(void **state)
{
	(void)state;
	struct ipc_msg m;

	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 1);
	assert_null(ipc_msg_check(&m, 1));
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 0);
	assert_string_equal(ipc_msg_check(&m, 1), "wrong number of descriptors");
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 2);
	assert_string_equal(ipc_msg_check(&m, 1), "wrong number of descriptors");
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn) - 1, 1);
	assert_string_equal(ipc_msg_check(&m, 1), "wrong size");
	m = msg_of(IPC_SPAWN_WAIT, sizeof(struct ipc_spawn), 1);
	assert_string_equal(ipc_msg_check(&m, 1), "wrong number of descriptors");
	m = msg_of(IPC_EXITED, sizeof(struct ipc_report), 0);
	assert_string_equal(ipc_msg_check(&m, 1), "type not allowed from the listener");
	assert_null(ipc_msg_check(&m, 0));
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 1);
	assert_string_equal(ipc_msg_check(&m, 0), "type not allowed from privd");
	/* IPC_RETIRE: privd to the listener only, header only, no fd. */
	m = msg_of(IPC_RETIRE, sizeof(struct ipc_hdr), 0);
	assert_null(ipc_msg_check(&m, 0));
	assert_string_equal(ipc_msg_check(&m, 1), "type not allowed from the listener");
	m = msg_of(IPC_RETIRE, sizeof(struct ipc_hdr) + 1, 0);
	assert_string_equal(ipc_msg_check(&m, 0), "wrong size");
	m = msg_of(IPC_RETIRE, sizeof(struct ipc_report), 0);
	assert_string_equal(ipc_msg_check(&m, 0), "wrong size");
	m = msg_of(IPC_RETIRE, sizeof(struct ipc_hdr), 1);
	assert_string_equal(ipc_msg_check(&m, 0), "wrong number of descriptors");
	m = msg_of(IPC_RETIRE, sizeof(struct ipc_hdr), 0);
	m.truncated = 1;
	assert_string_equal(ipc_msg_check(&m, 0), "truncated");
	/* IPC_PING goes to the listener, IPC_PONG back: header only, no fd. */
	m = msg_of(IPC_PING, sizeof(struct ipc_hdr), 0);
	assert_null(ipc_msg_check(&m, 0));
	assert_string_equal(ipc_msg_check(&m, 1), "type not allowed from the listener");
	m = msg_of(IPC_PING, sizeof(struct ipc_hdr), 1);
	assert_string_equal(ipc_msg_check(&m, 0), "wrong number of descriptors");
	m = msg_of(IPC_PONG, sizeof(struct ipc_hdr), 0);
	assert_null(ipc_msg_check(&m, 1));
	assert_string_equal(ipc_msg_check(&m, 0), "type not allowed from privd");
	m = msg_of(IPC_PONG, sizeof(struct ipc_report), 0);
	assert_string_equal(ipc_msg_check(&m, 1), "wrong size");
	m = msg_of(IPC_PONG, sizeof(struct ipc_hdr), 1);
	assert_string_equal(ipc_msg_check(&m, 1), "wrong number of descriptors");
	m = msg_of(99, 8, 0);
	assert_string_equal(ipc_msg_check(&m, 1), "type not allowed from the listener");
	m = msg_of(IPC_READY, 8, 0);
	m.u.hdr.version = 1;            /* the layout before server_host */
	assert_string_equal(ipc_msg_check(&m, 1), "bad version");
	m = msg_of(IPC_READY, 4, 0);
	assert_string_equal(ipc_msg_check(&m, 1), "short header");
	m = msg_of(IPC_READY, 8, 0);
	m.truncated = 1;
	assert_string_equal(ipc_msg_check(&m, 1), "truncated");
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 1);
	memset(m.u.spawn.host, 'x', sizeof(m.u.spawn.host));
	assert_string_equal(ipc_msg_check(&m, 1), "unterminated string");
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 1);
	memset(m.u.spawn.ident, 'x', sizeof(m.u.spawn.ident));
	assert_string_equal(ipc_msg_check(&m, 1), "unterminated string");
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 1);
	memset(m.u.spawn.server_host, 'x', sizeof(m.u.spawn.server_host));
	assert_string_equal(ipc_msg_check(&m, 1), "unterminated string");
	/* The look-up states fit the size table; the padding is checked. */
	assert_int_equal(IPC_VERSION, 4);
	assert_int_equal(sizeof(struct ipc_spawn), 600);
	assert_int_equal(sizeof(struct ipc_spawn) % 8, 0);
	assert_int_equal(offsetof(struct ipc_spawn, server_host), 336);
	assert_int_equal(offsetof(struct ipc_spawn, name_state), 592);
	m = msg_of(IPC_SPAWN_CONN, sizeof(struct ipc_spawn), 1);
	m.u.spawn.name_state = 3;
	m.u.spawn.user_state = 2;
	m.u.spawn.server_name_state = 3;
	strcpy(m.u.spawn.server_host, "localhost");
	assert_null(ipc_msg_check(&m, 1));
	m.u.spawn.pad[4] = 1;
	assert_string_equal(ipc_msg_check(&m, 1), "nonzero padding");
	/* A wait request has no connection, so no server name. */
	m = msg_of(IPC_SPAWN_WAIT, sizeof(struct ipc_spawn), 0);
	assert_null(ipc_msg_check(&m, 1));
	m.u.spawn.server_name_state = 1;
	assert_string_equal(ipc_msg_check(&m, 1), "server name state in a wait request");
	m = msg_of(IPC_SPAWN_WAIT, sizeof(struct ipc_spawn), 0);
	m.u.spawn.server_host[0] = 'x';
	assert_string_equal(ipc_msg_check(&m, 1), "server name in a wait request");
}

static struct config *
sample_config(void)
{
	struct config *cfg = config_new();
	struct service *s = service_new();
	struct sockaddr_in *sin = (struct sockaddr_in *)&s->addr;

	strcpy(s->name, "qotd");
	s->socktype = SOCK_STREAM;
	s->family = AF_INET;
	s->protocol = IPPROTO_TCP;
	strcpy(s->proto_name, "tcp");
	sin->sin_family = AF_INET;
	sin->sin_port = htons(17);
	s->addrlen = sizeof(*sin);
	s->daemon = strdup("fortune");
	s->instances = 7;
	strlist_add(&s->only_from, "127.0.0.1");
	s->origin[ATTR_SERVICE].file = config_file(cfg, "/etc/inetd.conf");
	s->origin[ATTR_SERVICE].line = 3;
	config_add(cfg, s);
	cfg->allow_path = strdup("/etc/hosts.allow");
	cfg->allow_text = strdup("ALL: LOCAL\n");
	cfg->allow_len = strlen(cfg->allow_text);
	cfg->deny_path = strdup("/etc/hosts.deny");
	{
		struct diag d;
		static const char deny[] =
		    "in.telnetd: 10.0.0.0/8 EXCEPT 10.1.2.3 : severity warning\n"
		    "ALL: .example.test : setenv FOO %a\n"
		    "ALL: 10.9.9.9 : banners /nonexistent : deny\n";
		diag_init(&d);
		cfg->allow_table = ha_parse(cfg->allow_path, cfg->allow_text,
		    cfg->allow_len, 0, &d);
		cfg->deny_table = ha_parse(cfg->deny_path, deny,
		    sizeof(deny) - 1, 0, &d);
		assert_int_equal(d.errors, 0);
		diag_free(&d);
		/* As ha_banners_load() leaves it: one file, for "fortune". */
		struct ha_option *o = &cfg->deny_table->rules[2].opts[0];
		assert_int_equal(o->kind, HA_OPT_BANNERS);
		o->banners = calloc(1, sizeof(*o->banners));
		o->banners[0].daemon = strdup("fortune");
		o->banners[0].text = malloc(8);
		memcpy(o->banners[0].text, "\0hi %n\n", 8);
		o->banners[0].len = 7;
		o->banners[0].needs = HA_NEEDS_HOSTNAME;
		o->nbanners = 1;
	}
	cfg->hosts_text = strdup("127.0.0.1 localhost\n");
	cfg->hosts_len = strlen(cfg->hosts_text);
	return cfg;
}

static void
test_snapshot_roundtrip(void **state)
{
	(void)state;
	struct config *cfg = sample_config(), *back;
	struct wbuf w;
	int fds[1] = { 9 }, *got;
	uint32_t gen;

	wbuf_init(&w);
	snapshot_encode(cfg, 42, fds, &w);
	back = snapshot_decode(w.p, w.len, &gen, &got);
	assert_non_null(back);
	assert_int_equal(gen, 42);
	assert_int_equal(back->nsvcs, 1);
	assert_int_equal(got[0], 9);
	assert_string_equal(back->svcs[0]->name, "qotd");
	assert_string_equal(back->svcs[0]->daemon, "fortune");
	assert_int_equal(back->svcs[0]->instances, 7);
	assert_int_equal(back->svcs[0]->only_from.n, 1);
	assert_string_equal(back->svcs[0]->origin[ATTR_SERVICE].file, "/etc/inetd.conf");
	assert_int_equal(back->svcs[0]->origin[ATTR_SERVICE].line, 3);
	assert_string_equal(back->allow_text, "ALL: LOCAL\n");
	assert_null(back->deny_text);
	assert_non_null(back->allow_table);
	assert_int_equal(back->allow_table->n, 1);
	assert_non_null(back->deny_table);
	assert_int_equal(back->deny_table->n, 3);
	assert_string_equal(back->deny_table->file, "/etc/hosts.deny");
	assert_int_equal(back->deny_table->rules[1].line, 2);
	assert_int_equal(back->deny_table->rules[1].nopts, 1);
	assert_int_equal(back->deny_table->rules[0].clients.except != NULL, 1);
	{
		const struct ha_option *o = &back->deny_table->rules[2].opts[0];
		const struct ha_banner *b = ha_banner_find(o, "fortune");
		assert_int_equal(o->nbanners, 1);
		assert_non_null(b);
		assert_int_equal(b->len, 7);
		assert_memory_equal(b->text, "\0hi %n\n", 7);
		assert_int_equal(b->needs, HA_NEEDS_HOSTNAME);   /* recomputed */
		assert_null(ha_banner_find(o, "other"));
	}
	assert_string_equal(back->hosts_text, "127.0.0.1 localhost\n");
	assert_int_equal(back->hosts_len, strlen("127.0.0.1 localhost\n"));
	assert_int_equal(memcmp(&back->svcs[0]->addr, &cfg->svcs[0]->addr,
	    sizeof(struct sockaddr_in)), 0);

	/* Every truncation and every single-byte corruption of the header is refused. */
	for (size_t len = 0; len < w.len; len++) {
		struct config *c = snapshot_decode(w.p, len, &gen, &got);
		assert_null(c);
	}
	unsigned char *bad = malloc(w.len + 1);
	memcpy(bad, w.p, w.len);
	bad[w.len] = 0;
	assert_null(snapshot_decode(bad, w.len + 1, &gen, &got));   /* trailing byte */
	bad[0] ^= 1;
	assert_null(snapshot_decode(bad, w.len, &gen, &got));       /* magic */
	free(bad);
	free(got);
	config_free(back);
	config_free(cfg);
	wbuf_free(&w);
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(name_valid_host("client.example.org"));
	assert_true(name_valid_host("a-b.c"));
	assert_true(name_valid_host("example.org."));
	assert_false(name_valid_host(""));
	assert_false(name_valid_host("-a.b"));
	assert_false(name_valid_host("a-.b"));
	assert_false(name_valid_host("a..b"));
	assert_false(name_valid_host("evil;rm -rf /"));
	assert_false(name_valid_host("a b"));
	assert_false(name_valid_host("x$(id)"));
	char longlabel[80];
	memset(longlabel, 'a', 64);
	longlabel[64] = '\0';
	assert_false(name_valid_host(longlabel));
	assert_true(name_valid_ident("alice"));
	assert_true(name_valid_ident("u.s-e_r@x+y"));
	assert_false(name_valid_ident(""));
	assert_false(name_valid_ident("al ice"));
	assert_false(name_valid_ident("a\nb"));
	assert_false(name_valid_ident("`id`"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipc_framing),
		cmocka_unit_test(test_snapshot_roundtrip),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
