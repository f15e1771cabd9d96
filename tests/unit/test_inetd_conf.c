/*
 * test_inetd_conf.c: unit tests of the inetd.conf parser
 * (policy/inetd_conf.c): every accepted form and every error message.
 * Uses users, groups and services every Debian system has: root, daemon,
 * nobody, group nogroup; echo, discard, daytime, qotd, chargen, time,
 * telnet, tftp (udp only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "policy/config_load.h"
#include "policy/inetd_conf.h"
#include "policy/resolve.h"

#define FILE_NAME "t.conf"

struct ctx {
	struct config  *cfg;
	struct diag     d;
	int             rc;
};

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	c->cfg = config_new();
	diag_init(&c->d);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	config_free(c->cfg);
	diag_free(&c->d);
	free(c);
	return 0;
}

static int
parse_n(struct ctx *c, const char *file, const char *text, size_t len)
{
	c->rc = inetd_conf_parse_buf(c->cfg, file, text, len, &c->d);
	return c->rc;
}

static int
parse(struct ctx *c, const char *text)
{
	return parse_n(c, FILE_NAME, text, strlen(text));
}

/* Diagnostics exactly want[] (NULL-terminated), in order. */
static void
assert_msgs(const struct diag *d, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < d->n && i < n; i++)
		assert_string_equal(d->msgs[i], want[i]);
	if (d->n != n) {
		for (size_t i = 0; i < d->n; i++)
			print_message("got: %s\n", d->msgs[i]);
	}
	assert_int_equal(d->n, n);
}

/* text parses with no diagnostics into exactly one service. */
static struct service *
parse_one(struct ctx *c, const char *text)
{
	assert_int_equal(parse(c, text), 0);
	assert_msgs(&c->d, (const char *const[]){ NULL });
	assert_int_equal(c->cfg->nsvcs, 1);
	return c->cfg->svcs[0];
}

/* A fresh parse of text gives exactly the error msg and no service. */
static void
expect_error(const char *text, const char *msg)
{
	struct ctx c;

	c.cfg = config_new();
	diag_init(&c.d);
	parse(&c, text);
	assert_msgs(&c.d, (const char *const[]){ msg, NULL });
	assert_int_equal(c.rc, 1);
	assert_int_equal(c.cfg->nsvcs, 0);
	config_free(c.cfg);
	diag_free(&c.d);
}

/* A fresh parse of text gives exactly the warning msg and one service. */
static void
expect_warning(const char *text, const char *msg)
{
	struct ctx c;

	c.cfg = config_new();
	diag_init(&c.d);
	parse(&c, text);
	assert_msgs(&c.d, (const char *const[]){ msg, NULL });
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.d.warnings, 1);
	assert_int_equal(c.cfg->nsvcs, 1);
	config_free(c.cfg);
	diag_free(&c.d);
}

static int
port_of(const struct service *s)
{
	if (s->family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&s->addr)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&s->addr)->sin6_port);
}

static void
assert_v4(const struct service *s, const char *addr, int port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&s->addr;
	char buf[INET_ADDRSTRLEN];

	assert_int_equal(s->family, AF_INET);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(s->addrlen, sizeof(*sin));
	assert_non_null(inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)));
	assert_string_equal(buf, addr);
	assert_int_equal(ntohs(sin->sin_port), port);
}

static void
assert_v6(const struct service *s, const char *addr, int port)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&s->addr;
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(s->addrlen, sizeof(*sin6));
	assert_non_null(inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf)));
	assert_string_equal(buf, addr);
	assert_int_equal(ntohs(sin6->sin6_port), port);
}

static void
assert_argv(const struct service *s, const char *const *want)
{
	int n = 0;

	while (want[n] != NULL)
		n++;
	assert_int_equal(s->argc, n);
	assert_non_null(s->argv);
	for (int i = 0; i < n; i++)
		assert_string_equal(s->argv[i], want[i]);
	assert_null(s->argv[n]);
}

/* ---- accepted forms ---------------------------------------------------- */

static void
test_basic(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = parse_one(c, "qotd stream tcp nowait nobody /usr/games/fortune\n");
	assert_int_equal(s->id, 0);
	assert_string_equal(s->name, "qotd");
	assert_int_equal(s->socktype, SOCK_STREAM);
	assert_int_equal(s->protocol, IPPROTO_TCP);
	assert_int_equal(s->v6only, 0);
	assert_string_equal(s->proto_name, "tcp");
	assert_v4(s, "0.0.0.0", 17);
	assert_int_equal(s->wait, 0);
	assert_int_equal(s->builtin, BUILTIN_NONE);
	assert_int_equal(s->tcpd, 0);
	assert_string_equal(s->user, "nobody");
	assert_int_equal(s->uid, 65534);
	assert_int_equal(s->gid, 65534);
	assert_string_equal(s->group, "nogroup");
	assert_true(s->ngroups >= 1);
	assert_non_null(s->groups);
	assert_string_equal(s->server, "/usr/games/fortune");
	assert_argv(s, (const char *const[]){ "fortune", NULL });
	assert_string_equal(s->daemon, "fortune");
	assert_int_equal(s->instances, SVC_DEFAULT_INSTANCES);
	assert_int_equal(s->from_policy, 0);
}

static void
test_origins(void **state)
{
	struct ctx *c = *state;
	struct service *s;
	static const enum svc_attr set[] = {
		ATTR_SERVICE, ATTR_SOCKET, ATTR_PROTOCOL, ATTR_ADDRESS, ATTR_PORT,
		ATTR_WAIT, ATTR_USER, ATTR_GROUP, ATTR_SERVER, ATTR_ARGS,
	};

	s = parse_one(c, "\n# comment\necho stream tcp nowait root internal\n");
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		assert_non_null(s->origin[set[i]].file);
		assert_string_equal(s->origin[set[i]].file, FILE_NAME);
		assert_int_equal(s->origin[set[i]].line, 3);
	}
	/* Interned in the configuration's pool. */
	assert_int_equal(c->cfg->nfiles, 1);
	assert_ptr_equal(s->origin[ATTR_SERVICE].file, c->cfg->files[0]);
	/* Not set by this line. */
	assert_null(s->origin[ATTR_INSTANCES].file);
	assert_int_equal(s->origin[ATTR_INSTANCES].line, 0);
	assert_int_equal(s->origin[ATTR_SECCOMP].line, 0);
}

static void
test_numeric_service(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	assert_int_equal(parse(c,
	    "4242 stream tcp nowait root /bin/cat\n"
	    "1 stream tcp nowait root /bin/cat\n"
	    "65535 dgram udp wait root /bin/cat\n"
	    "017 stream tcp6 nowait root /bin/cat\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 4);
	s = c->cfg->svcs[0];
	assert_string_equal(s->name, "4242");
	assert_v4(s, "0.0.0.0", 4242);
	assert_int_equal(port_of(c->cfg->svcs[1]), 1);
	assert_int_equal(port_of(c->cfg->svcs[2]), 65535);
	assert_string_equal(c->cfg->svcs[3]->name, "017");
	assert_v6(c->cfg->svcs[3], "::", 17);
	for (size_t i = 0; i < c->cfg->nsvcs; i++)
		assert_int_equal(c->cfg->svcs[i]->id, i);
}

static void
test_protocols(void **state)
{
	static const struct {
		const char *line;
		int socktype, family, protocol, v6only;
		const char *proto, *addr;
	} cases[] = {
		{ "echo stream tcp nowait root /bin/cat",
		    SOCK_STREAM, AF_INET, IPPROTO_TCP, 0, "tcp", "0.0.0.0" },
		{ "echo dgram udp wait root /bin/cat",
		    SOCK_DGRAM, AF_INET, IPPROTO_UDP, 0, "udp", "0.0.0.0" },
		{ "echo stream tcp6 nowait root /bin/cat",
		    SOCK_STREAM, AF_INET6, IPPROTO_TCP, 1, "tcp6", "::" },
		{ "echo dgram udp6 wait root /bin/cat",
		    SOCK_DGRAM, AF_INET6, IPPROTO_UDP, 1, "udp6", "::" },
		{ "echo stream tcp46 nowait root /bin/cat",
		    SOCK_STREAM, AF_INET6, IPPROTO_TCP, 0, "tcp46", "::" },
		{ "echo dgram udp46 wait root /bin/cat",
		    SOCK_DGRAM, AF_INET6, IPPROTO_UDP, 0, "udp46", "::" },
		{ "echo seqpacket tcp nowait root /bin/cat",
		    SOCK_SEQPACKET, AF_INET, 0, 0, "tcp", "0.0.0.0" },
		{ "echo seqpacket tcp6 nowait root /bin/cat",
		    SOCK_SEQPACKET, AF_INET6, 0, 1, "tcp6", "::" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctx c;
		struct service *s;

		c.cfg = config_new();
		diag_init(&c.d);
		s = parse_one(&c, cases[i].line);
		assert_int_equal(s->socktype, cases[i].socktype);
		assert_int_equal(s->family, cases[i].family);
		assert_int_equal(s->protocol, cases[i].protocol);
		assert_int_equal(s->v6only, cases[i].v6only);
		assert_string_equal(s->proto_name, cases[i].proto);
		if (cases[i].family == AF_INET)
			assert_v4(s, cases[i].addr, 7);
		else
			assert_v6(s, cases[i].addr, 7);
		config_free(c.cfg);
		diag_free(&c.d);
	}
}

static void
test_addresses(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "127.0.0.1:echo stream tcp nowait root internal\n"
	    "[::1]:echo stream tcp6 nowait root internal\n"
	    "*:daytime stream tcp nowait root internal\n"
	    "*:daytime stream tcp6 nowait root internal\n"
	    "[::]:time stream tcp46 nowait root internal\n"
	    "::1:qotd stream tcp6 nowait root /bin/cat\n"
	    "[fe80::1]:qotd stream tcp46 nowait root /bin/cat\n"
	    "10.1.2.3:17 stream tcp nowait root /bin/cat\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 8);
	v = c->cfg->svcs;
	assert_v4(v[0], "127.0.0.1", 7);
	assert_string_equal(v[0]->name, "echo");
	assert_v6(v[1], "::1", 7);
	assert_string_equal(v[1]->name, "echo");
	assert_v4(v[2], "0.0.0.0", 13);
	assert_v6(v[3], "::", 13);
	assert_v6(v[4], "::", 37);
	assert_v6(v[5], "::1", 17);
	assert_string_equal(v[5]->name, "qotd");
	assert_v6(v[6], "fe80::1", 17);
	assert_v4(v[7], "10.1.2.3", 17);
	assert_string_equal(v[7]->name, "17");
}

static void
test_wait_forms(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "echo stream tcp nowait root /bin/cat\n"
	    "qotd stream tcp wait root /bin/cat\n"
	    "daytime stream tcp nowait/10 root /bin/cat\n"
	    "time stream tcp wait/1 root /bin/cat\n"
	    "chargen stream tcp nowait/100000 root /bin/cat\n"
	    "tftp dgram udp wait root /usr/sbin/in.tftpd\n"
	    "time dgram udp wait/3 root /bin/cat\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 7);
	v = c->cfg->svcs;
	assert_int_equal(v[0]->wait, 0);
	assert_int_equal(v[0]->instances, SVC_DEFAULT_INSTANCES);
	assert_int_equal(v[1]->wait, 1);        /* stream wait */
	assert_int_equal(v[2]->wait, 0);
	assert_int_equal(v[2]->instances, 10);
	assert_string_equal(v[2]->origin[ATTR_INSTANCES].file, FILE_NAME);
	assert_int_equal(v[2]->origin[ATTR_INSTANCES].line, 3);
	assert_int_equal(v[2]->origin[ATTR_WAIT].line, 3);
	assert_int_equal(v[3]->wait, 1);
	assert_int_equal(v[3]->instances, 1);
	assert_int_equal(v[4]->instances, 100000);
	assert_int_equal(v[5]->wait, 1);
	assert_int_equal(v[5]->socktype, SOCK_DGRAM);
	assert_int_equal(v[6]->instances, 3);
}

static void
test_user_forms(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "echo stream tcp nowait root internal\n"
	    "discard stream tcp nowait root.daemon internal\n"
	    "daytime stream tcp nowait root:nogroup internal\n"
	    "time stream tcp nowait nobody internal\n"
	    "chargen stream tcp nowait daemon internal\n"
	    "echo dgram udp wait nobody:daemon internal\n"
	    "discard dgram udp wait 0 internal\n"
	    "daytime dgram udp wait nobody.65534 internal\n"
	    "time dgram udp wait 1:0 internal\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 9);
	v = c->cfg->svcs;
	assert_string_equal(v[0]->user, "root");
	assert_int_equal(v[0]->uid, 0);
	assert_int_equal(v[0]->gid, 0);
	assert_string_equal(v[0]->group, "root");
	assert_true(v[0]->ngroups >= 1);
	assert_int_equal(v[0]->groups[0], 0);

	assert_string_equal(v[1]->user, "root");
	assert_int_equal(v[1]->gid, 1);
	assert_string_equal(v[1]->group, "daemon");
	/* initgroups(USER, GROUP): GROUP first, the primary group not kept. */
	assert_true(v[1]->ngroups >= 1);
	assert_int_equal(v[1]->groups[0], 1);
	for (int i = 0; i < v[1]->ngroups; i++)
		assert_int_not_equal(v[1]->groups[i], 0);

	assert_int_equal(v[2]->uid, 0);
	assert_int_equal(v[2]->gid, 65534);
	assert_string_equal(v[2]->group, "nogroup");

	assert_string_equal(v[3]->user, "nobody");
	assert_int_equal(v[3]->uid, 65534);
	assert_int_equal(v[3]->gid, 65534);     /* primary group */
	assert_string_equal(v[3]->group, "nogroup");

	assert_string_equal(v[4]->user, "daemon");
	assert_int_equal(v[4]->uid, 1);
	assert_int_equal(v[4]->gid, 1);
	assert_string_equal(v[4]->group, "daemon");

	assert_int_equal(v[5]->uid, 65534);
	assert_int_equal(v[5]->gid, 1);
	assert_string_equal(v[5]->group, "daemon");

	/* Numeric ids that have entries; names are the canonical ones. */
	assert_string_equal(v[6]->user, "root");
	assert_int_equal(v[6]->uid, 0);
	assert_string_equal(v[7]->user, "nobody");
	assert_string_equal(v[7]->group, "nogroup");
	assert_string_equal(v[8]->user, "daemon");
	assert_int_equal(v[8]->gid, 0);
	assert_string_equal(v[8]->group, "root");
}

static void
test_argv(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "telnet stream tcp nowait root /usr/sbin/in.telnetd in.telnetd -h -L /bin/login\n"
	    "qotd stream tcp nowait nobody /usr/games/fortune\n"
	    "daytime stream tcp nowait nobody /bin/sh sh -c date\n"
	    "time stream tcp nowait nobody /usr/bin/prog other-name\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 4);
	v = c->cfg->svcs;
	assert_string_equal(v[0]->server, "/usr/sbin/in.telnetd");
	assert_argv(v[0], (const char *const[]){ "in.telnetd", "-h", "-L",
	    "/bin/login", NULL });
	assert_string_equal(v[0]->daemon, "in.telnetd");
	/* No ARGV0: the program's base name. */
	assert_string_equal(v[1]->server, "/usr/games/fortune");
	assert_argv(v[1], (const char *const[]){ "fortune", NULL });
	assert_argv(v[2], (const char *const[]){ "sh", "-c", "date", NULL });
	assert_string_equal(v[2]->daemon, "sh");
	/* argv[0] as given; the daemon name is the real program's. */
	assert_argv(v[3], (const char *const[]){ "other-name", NULL });
	assert_string_equal(v[3]->daemon, "prog");
}

static void
test_argv_max(void **state)
{
	struct ctx *c = *state;
	char *line, *p;
	size_t size = 64 + SVC_ARGV_MAX * 8;

	/* argv[0] and SVC_ARGV_MAX - 1 arguments: the most allowed. */
	line = xmalloc(size);
	p = line + snprintf(line, size, "echo stream tcp nowait root /bin/echo");
	for (int i = 0; i < SVC_ARGV_MAX; i++)
		p += snprintf(p, size - (size_t)(p - line), " a%d", i);
	parse_one(c, line);
	assert_int_equal(c->cfg->svcs[0]->argc, SVC_ARGV_MAX);
	assert_string_equal(c->cfg->svcs[0]->argv[0], "a0");
	assert_null(c->cfg->svcs[0]->argv[SVC_ARGV_MAX]);
	/* One more. */
	snprintf(p, size - (size_t)(p - line), " x");
	expect_error(line,
	    "t.conf:1: too many arguments for the server (at most 128)");
	free(line);
}

static void
test_tcpd_argv_max(void **state)
{
	struct ctx *c = *state;
	char *line, *p;
	size_t size = 64 + SVC_ARGV_MAX * 8;

	line = xmalloc(size);
	p = line + snprintf(line, size,
	    "echo stream tcp nowait root /usr/sbin/tcpd in.echod");
	for (int i = 1; i < SVC_ARGV_MAX; i++)
		p += snprintf(p, size - (size_t)(p - line), " a%d", i);
	parse_one(c, line);
	assert_int_equal(c->cfg->svcs[0]->argc, SVC_ARGV_MAX);
	assert_string_equal(c->cfg->svcs[0]->argv[0], "in.echod");
	snprintf(p, size - (size_t)(p - line), " x");
	expect_error(line,
	    "t.conf:1: too many arguments for the server (at most 128)");
	free(line);
}

static void
test_internal_by_name(void **state)
{
	struct ctx *c = *state;
	static const struct {
		const char *name;
		enum svc_builtin b;
	} want[] = {
		{ "echo", BUILTIN_ECHO }, { "discard", BUILTIN_DISCARD },
		{ "chargen", BUILTIN_CHARGEN }, { "daytime", BUILTIN_DAYTIME },
		{ "time", BUILTIN_TIME },
	};
	char line[128];

	for (size_t i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "%s stream tcp nowait root internal\n"
		    "%s dgram udp nowait root internal\n"
		    "%s dgram udp wait root internal\n",
		    want[i].name, want[i].name, want[i].name);
		/* dgram nowait and wait are the same socket: a duplicate. */
		assert_int_equal(parse(c, line), 1);
	}
	assert_int_equal(c->cfg->nsvcs, 10);
	for (size_t i = 0; i < 10; i++) {
		struct service *s = c->cfg->svcs[i];
		assert_string_equal(s->name, want[i / 2].name);
		assert_int_equal(s->builtin, want[i / 2].b);
		assert_string_equal(s->daemon, want[i / 2].name);
		assert_null(s->server);
		assert_null(s->argv);
		assert_int_equal(s->argc, 0);
		assert_int_equal(s->socktype, i % 2 ? SOCK_DGRAM : SOCK_STREAM);
	}
	assert_int_equal(c->d.errors, 5);
	assert_string_equal(c->d.msgs[0],
	    "t.conf:3: duplicate service echo/udp (first defined at t.conf:2)");
}

static void
test_internal_by_number(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "7 stream tcp nowait root internal\n"
	    "9 dgram udp wait root internal\n"
	    "13 stream tcp6 nowait root internal\n"
	    "19 stream tcp nowait root internal\n"
	    "37 dgram udp nowait root internal\n"
	    "sink stream tcp nowait root internal\n"
	    "timserver stream tcp46 nowait root internal\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 7);
	v = c->cfg->svcs;
	assert_int_equal(v[0]->builtin, BUILTIN_ECHO);
	assert_string_equal(v[0]->name, "7");
	assert_string_equal(v[0]->daemon, "echo");
	assert_int_equal(v[1]->builtin, BUILTIN_DISCARD);
	assert_int_equal(v[2]->builtin, BUILTIN_DAYTIME);
	assert_int_equal(v[3]->builtin, BUILTIN_CHARGEN);
	assert_int_equal(v[4]->builtin, BUILTIN_TIME);
	assert_int_equal(v[4]->wait, 0);
	/* Aliases from the services database select by port. */
	assert_int_equal(v[5]->builtin, BUILTIN_DISCARD);
	assert_string_equal(v[5]->name, "sink");
	assert_int_equal(port_of(v[5]), 9);
	assert_int_equal(v[6]->builtin, BUILTIN_TIME);
}

static void
test_internal_args_ignored(void **state)
{
	(void)state;
	expect_warning("echo stream tcp nowait root internal foo bar\n",
	    "t.conf:1: warning: arguments after \"internal\" are ignored");
}

static void
test_tcpd(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "telnet stream tcp nowait root /usr/sbin/tcpd in.telnetd -h\n"
	    "qotd stream tcp nowait nobody /usr/sbin/tcpd /usr/games/fortune -s\n"
	    "finger stream tcp nowait nobody /usr/local/sbin/tcpd in.fingerd\n"
	    "tftp dgram udp wait nobody /usr/sbin/tcpd /usr/sbin/in.tftpd /srv\n"
	    "daytime stream tcp nowait nobody /usr/sbin/xtcpd in.x\n"
	    "time stream tcp nowait nobody /usr/sbin/tcpd sub/prog\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 6);
	v = c->cfg->svcs;
	assert_int_equal(v[0]->tcpd, 1);
	assert_string_equal(v[0]->server, "/usr/sbin/in.telnetd");
	assert_argv(v[0], (const char *const[]){ "in.telnetd", "-h", NULL });
	assert_string_equal(v[0]->daemon, "in.telnetd");

	assert_int_equal(v[1]->tcpd, 1);
	assert_string_equal(v[1]->server, "/usr/games/fortune");
	assert_argv(v[1], (const char *const[]){ "fortune", "-s", NULL });
	assert_string_equal(v[1]->daemon, "fortune");

	assert_int_equal(v[2]->tcpd, 1);
	assert_string_equal(v[2]->server, "/usr/sbin/in.fingerd");
	assert_argv(v[2], (const char *const[]){ "in.fingerd", NULL });

	assert_int_equal(v[3]->tcpd, 1);
	assert_string_equal(v[3]->server, "/usr/sbin/in.tftpd");
	assert_argv(v[3], (const char *const[]){ "in.tftpd", "/srv", NULL });

	/* Not tcp_wrappers: the name must be exactly "tcpd". */
	assert_int_equal(v[4]->tcpd, 0);
	assert_string_equal(v[4]->server, "/usr/sbin/xtcpd");
	assert_argv(v[4], (const char *const[]){ "in.x", NULL });

	/* Like tcpd itself: REAL_DAEMON_DIR + the word, argv[0] the word. */
	assert_string_equal(v[5]->server, "/usr/sbin/sub/prog");
	assert_argv(v[5], (const char *const[]){ "sub/prog", NULL });
	assert_string_equal(v[5]->daemon, "prog");
}

static void
test_comments(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "# a comment\n"
	    "   # an indented comment\n"
	    "\t#\n"
	    "#echo stream tcp nowait root internal\n"
	    "echo stream tcp nowait root internal # trailing comment\n"
	    "discard stream tcp nowait root internal# glued\n"
	    "qotd stream tcp nowait root /bin/cat#not-an-argument\n"
	    "daytime stream tcp nowait root /bin/echo echo a # b c\n"
	    "# a comment ending in a backslash does not continue \\\n"
	    "time stream tcp nowait root internal\n"
	    "#\n"), 0);
	assert_int_equal(c->d.n, 0);
	assert_int_equal(c->cfg->nsvcs, 5);
	v = c->cfg->svcs;
	assert_string_equal(v[0]->name, "echo");
	assert_int_equal(v[0]->origin[ATTR_SERVICE].line, 5);
	assert_string_equal(v[1]->name, "discard");
	assert_string_equal(v[2]->server, "/bin/cat");
	assert_argv(v[2], (const char *const[]){ "cat", NULL });
	assert_argv(v[3], (const char *const[]){ "echo", "a", NULL });
	assert_string_equal(v[4]->name, "time");
	assert_int_equal(v[4]->origin[ATTR_SERVICE].line, 10);
}

static void
test_continuation(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "# header\n"                                /* 1 */
	    "telnet stream tcp \\\n"                    /* 2 */
	    "\tnowait root \\\n"                        /* 3 */
	    "\t/usr/sbin/tcpd in.telnetd\n"             /* 4 */
	    "echo stream tcp nowait root internal\n"    /* 5 */
	    "qotd stream tcp nowait root \\ # user\n"   /* 6 */
	    "  /usr/sbin/tcpd\\\n"                      /* 7 */
	    "/usr/games/fortune\n"                      /* 8 */
	    "\\\n"                                      /* 9 */
	    "  daytime stream tcp nowait root \\  \n"   /* 10 */
	    "\n"                                        /* 11 */
	    "time stream tcp nowait root internal \\"   /* 12, no newline */
	    ), 1);
	assert_int_equal(c->rc, 1);
	assert_int_equal(c->d.n, 1);
	assert_int_equal(c->cfg->nsvcs, 4);
	v = c->cfg->svcs;
	assert_string_equal(v[0]->name, "telnet");
	assert_string_equal(v[0]->server, "/usr/sbin/in.telnetd");
	assert_int_equal(v[0]->origin[ATTR_SERVICE].line, 2);
	assert_int_equal(v[0]->origin[ATTR_ARGS].line, 2);
	assert_int_equal(v[1]->origin[ATTR_SERVICE].line, 5);
	/* "\" before a comment continues; "\" glued to a word separates. */
	assert_string_equal(v[2]->name, "qotd");
	assert_int_equal(v[2]->tcpd, 1);
	assert_string_equal(v[2]->server, "/usr/games/fortune");
	assert_int_equal(v[2]->origin[ATTR_SERVICE].line, 6);
	/* A continued entry starts at its first non-blank line; a blank
	 * line ends it. */
	assert_string_equal(c->d.msgs[0],
	    "t.conf:10: incomplete line: 5 fields, expected [ADDRESS:]SERVICE "
	    "SOCKET-TYPE PROTOCOL WAIT[/MAX] USER[.GROUP] SERVER [ARGS...]");
	assert_string_equal(v[3]->name, "time");
	assert_int_equal(v[3]->origin[ATTR_SERVICE].line, 12);
}

static void
test_blank_tabs_crlf(void **state)
{
	struct ctx *c = *state;
	struct service **v;

	assert_int_equal(parse(c,
	    "\n"
	    "\n"
	    "  \t \n"
	    "echo\tstream\ttcp\tnowait\troot\tinternal\r\n"
	    "\r\n"
	    "\t\t discard  \t stream tcp   nowait  root   internal   \t\n"
	    "qotd stream tcp nowait root /bin/cat \\\r\n"
	    "  cat -n\r\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 3);
	v = c->cfg->svcs;
	assert_int_equal(v[0]->origin[ATTR_SERVICE].line, 4);
	assert_string_equal(v[1]->name, "discard");
	assert_int_equal(v[1]->origin[ATTR_SERVICE].line, 6);
	assert_argv(v[2], (const char *const[]){ "cat", "-n", NULL });
}

static void
test_empty(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c, ""), 0);
	assert_int_equal(parse_n(c, FILE_NAME, NULL, 0), 0);
	assert_int_equal(parse(c, "\n\n# only comments\n   \n"), 0);
	assert_int_equal(c->d.n, 0);
	assert_int_equal(c->cfg->nsvcs, 0);
}

static void
test_no_final_newline(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = parse_one(c, "echo stream tcp nowait root /bin/cat cat -u");
	assert_argv(s, (const char *const[]){ "cat", "-u", NULL });
}

static void
test_not_duplicates(void **state)
{
	struct ctx *c = *state;

	/* Same name, other socket type, family, protocol or address. */
	assert_int_equal(parse(c,
	    "echo stream tcp nowait root internal\n"
	    "echo dgram udp wait root internal\n"
	    "echo stream tcp6 nowait root internal\n"
	    "echo stream tcp46 nowait root internal\n"
	    "echo seqpacket tcp nowait root /bin/cat\n"
	    "127.0.0.1:echo stream tcp nowait root internal\n"
	    "127.0.0.2:echo stream tcp nowait root internal\n"
	    "[::1]:echo stream tcp6 nowait root internal\n"), 0);
	assert_int_equal(c->cfg->nsvcs, 8);
}

static void
test_two_files(void **state)
{
	struct ctx *c = *state;

	static const char a[] = "echo stream tcp nowait root internal\n";
	static const char b[] = "\ndaytime stream tcp nowait root internal\n";

	assert_int_equal(parse_n(c, "a.conf", a, sizeof(a) - 1), 0);
	assert_int_equal(parse_n(c, "b.conf", b, sizeof(b) - 1), 0);
	assert_int_equal(c->cfg->nsvcs, 2);
	assert_string_equal(c->cfg->svcs[0]->origin[ATTR_SERVICE].file, "a.conf");
	assert_string_equal(c->cfg->svcs[1]->origin[ATTR_SERVICE].file, "b.conf");
	assert_int_equal(c->cfg->svcs[1]->origin[ATTR_SERVICE].line, 2);
	assert_int_equal(c->cfg->svcs[1]->id, 1);
	assert_int_equal(parse(c, "echo stream tcp nowait root internal\n"), 1);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:1: duplicate service echo/tcp (first defined at a.conf:1)",
	    NULL });
	assert_int_equal(c->cfg->nsvcs, 2);
}

/* ---- files ------------------------------------------------------------- */

static char *
temp_dir(void)
{
	char *dir = xstrdup("/tmp/test_inetd_conf.XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
test_file(void **state)
{
	struct ctx *c = *state;
	char *dir = temp_dir(), *path;

	xasprintf(&path, "%s/inetd.conf", dir);
	write_file(path, "# test\necho stream tcp nowait root internal\n"
	    "daytime stream tcp nowait nosuchuser1 internal\n");
	assert_int_equal(inetd_conf_parse_file(c->cfg, path, 0, &c->d), 1);
	assert_int_equal(c->cfg->nsvcs, 1);
	assert_string_equal(c->cfg->svcs[0]->origin[ATTR_SERVICE].file, path);
	assert_int_equal(c->cfg->svcs[0]->origin[ATTR_SERVICE].line, 2);
	assert_int_equal(c->d.n, 1);
	{
		char *want;
		xasprintf(&want, "%s:3: unknown user \"nosuchuser1\"", path);
		assert_string_equal(c->d.msgs[0], want);
		free(want);
	}
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void
test_file_missing(void **state)
{
	struct ctx *c = *state;
	char *dir = temp_dir(), *path, *want;

	xasprintf(&path, "%s/none.conf", dir);
	assert_int_equal(inetd_conf_parse_file(c->cfg, path, 1, &c->d), 0);
	assert_int_equal(c->d.n, 0);
	assert_int_equal(inetd_conf_parse_file(c->cfg, path, 0, &c->d), 1);
	xasprintf(&want, "%s: cannot read: No such file or directory", path);
	assert_msgs(&c->d, (const char *const[]){ want, NULL });
	assert_int_equal(c->cfg->nsvcs, 0);
	rmdir(dir);
	free(want);
	free(path);
	free(dir);
}

static void
test_file_unreadable(void **state)
{
	struct ctx *c = *state;
	char *dir = temp_dir(), *want;

	/* Exists but is not a readable file: an error even with missing_ok. */
	assert_int_equal(inetd_conf_parse_file(c->cfg, dir, 1, &c->d), 1);
	xasprintf(&want, "%s: not a regular file", dir);
	assert_msgs(&c->d, (const char *const[]){ want, NULL });
	rmdir(dir);
	free(want);
	free(dir);
}

/*
 * A file is read whole whatever its size says: /proc/self/status reports
 * 0 bytes, so the buffer starts at one byte and grows as it reads; and
 * growing never passes the maximum.
 */
static void
test_read_file_grows_past_its_stat_size(void **state)
{
	struct diag d;
	struct stat st;
	char *text;
	size_t len;

	(void)state;
	diag_init(&d);
	assert_int_equal(stat("/proc/self/status", &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(config_read_file("/proc/self/status", 1u << 20, &text,
	    &len, &d), 0);
	assert_true(len > 100);
	assert_int_equal(strlen(text), len);
	assert_memory_equal(text, "Name:", 5);
	free(text);
	assert_int_equal(config_read_file("/proc/self/status", 64, &text, &len,
	    &d), -1);
	assert_null(text);
	assert_int_equal(d.errors, 1);
	diag_free(&d);
}

static void
test_file_too_large(void **state)
{
	struct ctx *c = *state;
	char *dir = temp_dir(), *path, *want;
	int fd;

	xasprintf(&path, "%s/big.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, INETD_CONF_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(inetd_conf_parse_file(c->cfg, path, 1, &c->d), 1);
	xasprintf(&want, "%s: file larger than %u bytes", path, INETD_CONF_FILE_MAX);
	assert_msgs(&c->d, (const char *const[]){ want, NULL });
	unlink(path);
	rmdir(dir);
	free(want);
	free(path);
	free(dir);
}

/* ---- errors ------------------------------------------------------------ */

struct error_case {
	const char *text;
	const char *msg;
};

static void
run_error_cases(const struct error_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_error(cases[i].text, cases[i].msg);
}

#define RUN(cases) run_error_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void
test_err_fields(void **state)
{
	static const struct error_case cases[] = {
		{ "echo stream tcp nowait root\n",
		    "t.conf:1: incomplete line: 5 fields, expected [ADDRESS:]SERVICE "
		    "SOCKET-TYPE PROTOCOL WAIT[/MAX] USER[.GROUP] SERVER [ARGS...]" },
		{ "\n\necho\n",
		    "t.conf:3: incomplete line: 1 field, expected [ADDRESS:]SERVICE "
		    "SOCKET-TYPE PROTOCOL WAIT[/MAX] USER[.GROUP] SERVER [ARGS...]" },
		{ "echo stream # tcp nowait root internal\n",
		    "t.conf:1: incomplete line: 2 fields, expected [ADDRESS:]SERVICE "
		    "SOCKET-TYPE PROTOCOL WAIT[/MAX] USER[.GROUP] SERVER [ARGS...]" },
		{ "127.0.0.1:\n",
		    "t.conf:1: address-only lines (\"127.0.0.1:\") are not supported: "
		    "put the address before each service" },
		{ "*:\n",
		    "t.conf:1: address-only lines (\"*:\") are not supported: "
		    "put the address before each service" },
	};

	(void)state;
	RUN(cases);
}

static void
test_err_service(void **state)
{
	static const struct error_case cases[] = {
		{ "nosuchsvc stream tcp nowait root /bin/cat\n",
		    "t.conf:1: unknown service \"nosuchsvc\" for protocol tcp" },
		{ "tftp stream tcp nowait root /bin/cat\n",
		    "t.conf:1: unknown service \"tftp\" for protocol tcp" },
		{ "telnet dgram udp6 wait root /bin/cat\n",
		    "t.conf:1: unknown service \"telnet\" for protocol udp6" },
		{ "0 stream tcp nowait root /bin/cat\n",
		    "t.conf:1: port 0 out of range (1..65535)" },
		{ "65536 stream tcp nowait root /bin/cat\n",
		    "t.conf:1: port 65536 out of range (1..65535)" },
		{ "99999999999999999999999 stream tcp nowait root /bin/cat\n",
		    "t.conf:1: port 99999999999999999999999 out of range (1..65535)" },
		{ "-7 stream tcp nowait root /bin/cat\n",
		    "t.conf:1: unknown service \"-7\" for protocol tcp" },
	};
	char name[SVC_NAME_MAX + 1], *line, *msg;

	(void)state;
	RUN(cases);
	/* SVC_NAME_MAX - 1 bytes is the most; an unknown name then. */
	memset(name, 'n', sizeof(name));
	name[SVC_NAME_MAX] = '\0';
	xasprintf(&line, "%s stream tcp nowait root /bin/cat\n", name);
	xasprintf(&msg, "t.conf:1: service name \"%s\" is too long (at most 63 bytes)",
	    name);
	expect_error(line, msg);
	free(line);
	free(msg);
	name[SVC_NAME_MAX - 1] = '\0';
	xasprintf(&line, "%s stream tcp nowait root /bin/cat\n", name);
	xasprintf(&msg, "t.conf:1: unknown service \"%s\" for protocol tcp", name);
	expect_error(line, msg);
	free(line);
	free(msg);
}

static void
test_err_address(void **state)
{
	static const struct error_case cases[] = {
		{ "10.0.0.256:echo stream tcp nowait root internal\n",
		    "t.conf:1: bad IPv4 address \"10.0.0.256\" for protocol tcp" },
		{ "localhost:echo stream tcp nowait root internal\n",
		    "t.conf:1: bad IPv4 address \"localhost\" for protocol tcp" },
		{ "[::1]:echo stream tcp nowait root internal\n",
		    "t.conf:1: bad IPv4 address \"[::1]\" for protocol tcp" },
		{ "127.0.0.1:echo stream tcp6 nowait root internal\n",
		    "t.conf:1: bad IPv6 address \"127.0.0.1\" for protocol tcp6" },
		{ "[::g]:echo dgram udp46 wait root internal\n",
		    "t.conf:1: bad IPv6 address \"[::g]\" for protocol udp46" },
		{ ":echo stream tcp nowait root internal\n",
		    "t.conf:1: empty address in \":echo\"" },
		{ "127.0.0.1: stream tcp nowait root internal\n",
		    "t.conf:1: missing service name after \"127.0.0.1:\"" },
		{ "[::1:echo stream tcp6 nowait root internal\n",
		    "t.conf:1: unbalanced brackets in \"[::1:echo\"" },
		{ "::1]:echo stream tcp6 nowait root internal\n",
		    "t.conf:1: unbalanced brackets in \"::1]:echo\"" },
		{ "[[::1]]:echo stream tcp6 nowait root internal\n",
		    "t.conf:1: unbalanced brackets in \"[[::1]]:echo\"" },
	};

	(void)state;
	RUN(cases);
}

static void
test_err_socktype(void **state)
{
	static const struct error_case cases[] = {
		{ "echo raw tcp nowait root /bin/cat\n",
		    "t.conf:1: socket type raw is not supported" },
		{ "echo rdm tcp nowait root /bin/cat\n",
		    "t.conf:1: socket type rdm is not supported" },
		{ "echo streem tcp nowait root /bin/cat\n",
		    "t.conf:1: unknown socket type \"streem\" "
		    "(expected stream, dgram or seqpacket)" },
		{ "echo STREAM tcp nowait root /bin/cat\n",
		    "t.conf:1: unknown socket type \"STREAM\" "
		    "(expected stream, dgram or seqpacket)" },
	};

	(void)state;
	RUN(cases);
}

static void
test_err_protocol(void **state)
{
	static const struct error_case cases[] = {
		{ "echo stream tcp7 nowait root /bin/cat\n",
		    "t.conf:1: unknown protocol \"tcp7\"" },
		{ "echo stream udp nowait root /bin/cat\n",
		    "t.conf:1: socket type stream needs protocol tcp, tcp6 or tcp46, "
		    "not udp" },
		{ "echo dgram tcp46 wait root /bin/cat\n",
		    "t.conf:1: socket type dgram needs protocol udp, udp6 or udp46, "
		    "not tcp46" },
		{ "echo seqpacket udp nowait root /bin/cat\n",
		    "t.conf:1: socket type seqpacket needs a tcp protocol word, "
		    "not udp" },
		{ "rstatd/1-3 dgram rpc/udp wait root /usr/sbin/rpc.rstatd\n",
		    "t.conf:1: RPC services (protocol rpc/udp) are not supported" },
		{ "/var/run/x.sock stream unix nowait root /bin/cat\n",
		    "t.conf:1: unix-domain services are not supported" },
	};

	(void)state;
	RUN(cases);
}

static void
test_err_wait(void **state)
{
	static const struct error_case cases[] = {
		{ "echo stream tcp sometimes root /bin/cat\n",
		    "t.conf:1: unknown wait flag \"sometimes\" (expected wait or nowait)" },
		{ "echo stream tcp waitx root /bin/cat\n",
		    "t.conf:1: unknown wait flag \"waitx\" (expected wait or nowait)" },
		{ "echo stream tcp /5 root /bin/cat\n",
		    "t.conf:1: unknown wait flag \"/5\" (expected wait or nowait)" },
		{ "echo stream tcp nowait/0 root /bin/cat\n",
		    "t.conf:1: bad instance limit \"0\" in \"nowait/0\" (expected 1..100000)" },
		{ "echo stream tcp nowait/100001 root /bin/cat\n",
		    "t.conf:1: bad instance limit \"100001\" in \"nowait/100001\" "
		    "(expected 1..100000)" },
		{ "echo stream tcp nowait/ root /bin/cat\n",
		    "t.conf:1: bad instance limit \"\" in \"nowait/\" (expected 1..100000)" },
		{ "echo stream tcp nowait/x root /bin/cat\n",
		    "t.conf:1: bad instance limit \"x\" in \"nowait/x\" (expected 1..100000)" },
		{ "echo stream tcp nowait/5/10 root /bin/cat\n",
		    "t.conf:1: bad instance limit \"5/10\" in \"nowait/5/10\" "
		    "(expected 1..100000)" },
		{ "echo stream tcp nowait.x root /bin/cat\n",
		    "t.conf:1: bad rate limit \"x\" in \"nowait.x\" (expected 1..100000)" },
	};

	(void)state;
	RUN(cases);
	expect_warning("echo stream tcp nowait.400 root /bin/cat\n",
	    "t.conf:1: warning: rate limit \".400\" in \"nowait.400\" is ignored "
	    "(use nowait/N to cap instances, or cps in a policy file)");
}

static void
test_err_dgram_nowait(void **state)
{
	static const struct error_case cases[] = {
		{ "tftp dgram udp nowait root /usr/sbin/in.tftpd\n",
		    "t.conf:1: dgram service tftp must be \"wait\", not \"nowait\": "
		    "hinetd hands the socket itself to the server, so only one "
		    "server may read it" },
		{ "tftp dgram udp6 nowait/4 root /usr/sbin/tcpd in.tftpd\n",
		    "t.conf:1: dgram service tftp must be \"wait\", not \"nowait\": "
		    "hinetd hands the socket itself to the server, so only one "
		    "server may read it" },
	};

	struct ctx *c = *state;

	RUN(cases);
	/* Named even when the service word itself is bad. */
	assert_int_equal(parse(c, "[x:tftp dgram udp nowait root /x\n"), 2);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:1: unbalanced brackets in \"[x:tftp\"",
	    "t.conf:1: dgram service [x:tftp must be \"wait\", not \"nowait\": "
	    "hinetd hands the socket itself to the server, so only one "
	    "server may read it",
	    NULL });
}

static void
test_err_user(void **state)
{
	static const struct error_case cases[] = {
		{ "echo stream tcp nowait nosuchuser1 internal\n",
		    "t.conf:1: unknown user \"nosuchuser1\"" },
		{ "echo stream tcp nowait root.nosuchgroup1 internal\n",
		    "t.conf:1: unknown group \"nosuchgroup1\"" },
		{ "echo stream tcp nowait root:nosuchgroup1 internal\n",
		    "t.conf:1: unknown group \"nosuchgroup1\"" },
		{ "echo stream tcp nowait nosuchuser1.daemon internal\n",
		    "t.conf:1: unknown user \"nosuchuser1\"" },
		{ "echo stream tcp nowait root:daemon:x internal\n",
		    "t.conf:1: unknown group \"daemon:x\"" },
		{ "echo stream tcp nowait root. internal\n",
		    "t.conf:1: missing group name in \"root.\"" },
		{ "echo stream tcp nowait root: internal\n",
		    "t.conf:1: missing group name in \"root:\"" },
		{ "echo stream tcp nowait .daemon internal\n",
		    "t.conf:1: missing user name in \".daemon\"" },
		{ "echo stream tcp nowait :daemon internal\n",
		    "t.conf:1: missing user name in \":daemon\"" },
		{ "echo stream tcp nowait 4000000000 internal\n",
		    "t.conf:1: unknown user \"4000000000\"" },
	};

	(void)state;
	RUN(cases);
}

static void
test_err_server(void **state)
{
	char *line;
	char path[PATH_MAX + 8];
	static const struct error_case cases[] = {
		{ "telnet stream tcp nowait root in.telnetd\n",
		    "t.conf:1: server path must be absolute: \"in.telnetd\"" },
		{ "telnet stream tcp nowait root ./in.telnetd in.telnetd\n",
		    "t.conf:1: server path must be absolute: \"./in.telnetd\"" },
		{ "telnet stream tcp nowait root tcpd in.telnetd\n",
		    "t.conf:1: server path must be absolute: \"tcpd\"" },
		{ "telnet stream tcp nowait root Internal\n",
		    "t.conf:1: server path must be absolute: \"Internal\"" },
		{ "telnet stream tcp nowait root /usr/sbin/\n",
		    "t.conf:1: server path must name a program, not a directory: "
		    "\"/usr/sbin/\"" },
		{ "telnet stream tcp nowait root /usr/sbin/tcpd\n",
		    "t.conf:1: /usr/sbin/tcpd needs the real server program as the "
		    "next field" },
		{ "telnet stream tcp nowait root /usr/sbin/tcpd # in.telnetd\n",
		    "t.conf:1: /usr/sbin/tcpd needs the real server program as the "
		    "next field" },
		{ "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/\n",
		    "t.conf:1: server path must name a program, not a directory: "
		    "\"/usr/sbin/\"" },
		{ "qotd stream tcp nowait root internal\n",
		    "t.conf:1: no built-in service \"qotd\" (internal services: echo, "
		    "discard, chargen, daytime, time, or ports 7, 9, 19, 13, 37)" },
		{ "4242 stream tcp nowait root internal\n",
		    "t.conf:1: no built-in service \"4242\" (internal services: echo, "
		    "discard, chargen, daytime, time, or ports 7, 9, 19, 13, 37)" },
		{ "echo seqpacket tcp nowait root internal\n",
		    "t.conf:1: built-in service echo works over stream and dgram only" },
	};

	(void)state;
	RUN(cases);

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[PATH_MAX] = '\0';          /* PATH_MAX bytes: one too many */
	xasprintf(&line, "echo stream tcp nowait root %s\n", path);
	expect_error(line, "t.conf:1: server path too long (at most 4095 bytes)");
	free(line);
	path[PATH_MAX - 1] = '\0';
	xasprintf(&line, "echo stream tcp nowait root %s\n", path);
	{
		struct ctx c;
		c.cfg = config_new();
		diag_init(&c.d);
		assert_int_equal(parse(&c, line), 0);
		assert_int_equal(c.cfg->nsvcs, 1);
		config_free(c.cfg);
		diag_free(&c.d);
	}
	free(line);
}

static void
test_err_duplicate(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c,
	    "echo stream tcp nowait root internal\n"            /* 1 */
	    "echo stream tcp nowait nobody /bin/cat\n"          /* 2 */
	    "7 stream tcp wait root internal\n"                 /* 3 */
	    "*:echo stream tcp nowait root internal\n"          /* 4 */
	    "0.0.0.0:echo stream tcp nowait root internal\n"    /* 5 */
	    "[::]:echo stream tcp6 nowait root internal\n"      /* 6 */
	    "echo stream tcp6 nowait root internal\n"           /* 7 */
	    "sink dgram udp wait root internal\n"               /* 8 */
	    "discard dgram udp wait root internal\n"),          /* 9 */
	    6);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:2: duplicate service echo/tcp (first defined at t.conf:1)",
	    "t.conf:3: duplicate service 7/tcp (first defined at t.conf:1)",
	    "t.conf:4: duplicate service echo/tcp (first defined at t.conf:1)",
	    "t.conf:5: duplicate service echo/tcp (first defined at t.conf:1)",
	    "t.conf:7: duplicate service echo/tcp6 (first defined at t.conf:6)",
	    "t.conf:9: duplicate service discard/udp (first defined at t.conf:8)",
	    NULL });
	assert_int_equal(c->cfg->nsvcs, 3);
}

static void
test_err_duplicate_no_origin(void **state)
{
	struct ctx *c = *state;
	struct service *s = service_new();
	struct diag d;

	/* A service from elsewhere that records no line. */
	diag_init(&d);
	str_copy(s->name, "echo", sizeof(s->name));
	s->socktype = SOCK_STREAM;
	assert_int_equal(resolve_protocol(s, "tcp", &d, NULL, 0), 0);
	assert_int_equal(resolve_bind_address(s, NULL, 7, &d, NULL, 0), 0);
	assert_int_equal(d.n, 0);
	diag_free(&d);
	config_add(c->cfg, s);
	assert_int_equal(parse(c, "echo stream tcp nowait root internal\n"), 1);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:1: duplicate service echo/tcp (first defined as echo/tcp)",
	    NULL });
}

static void
test_err_too_many_services(void **state)
{
	struct ctx *c = *state;
	size_t size = (SVC_MAX + 1) * 48, off = 0;
	char *text = xmalloc(size);

	for (int i = 1; i <= SVC_MAX + 1; i++)
		off += (size_t)snprintf(text + off, size - off,
		    "%d stream tcp nowait root /bin/cat\n", i);
	assert_int_equal(parse(c, text), 1);
	assert_int_equal(c->cfg->nsvcs, SVC_MAX);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:4097: too many services (at most 4096)", NULL });
	free(text);
}

static void
test_err_many_on_one_line(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c,
	    "nosuch raw tcp7 sometimes nosuchuser1 relative\n"
	    "nosuch stream tcp nowait/0 root.nosuchgroup1 /usr/sbin/tcpd\n"
	    "tftp dgram udp nowait nosuchuser1 /usr/sbin/in.tftpd\n"
	    "echo stream tcp nowait root internal\n"), 11);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:1: socket type raw is not supported",
	    "t.conf:1: unknown protocol \"tcp7\"",
	    "t.conf:1: unknown wait flag \"sometimes\" (expected wait or nowait)",
	    "t.conf:1: unknown user \"nosuchuser1\"",
	    "t.conf:1: server path must be absolute: \"relative\"",
	    "t.conf:2: unknown service \"nosuch\" for protocol tcp",
	    "t.conf:2: bad instance limit \"0\" in \"nowait/0\" (expected 1..100000)",
	    "t.conf:2: unknown group \"nosuchgroup1\"",
	    "t.conf:2: /usr/sbin/tcpd needs the real server program as the next field",
	    "t.conf:3: unknown user \"nosuchuser1\"",
	    "t.conf:3: dgram service tftp must be \"wait\", not \"nowait\": "
	    "hinetd hands the socket itself to the server, so only one "
	    "server may read it",
	    NULL });
	/* Only the good line made a service. */
	assert_int_equal(c->cfg->nsvcs, 1);
	assert_string_equal(c->cfg->svcs[0]->name, "echo");
	assert_int_equal(c->cfg->svcs[0]->id, 0);
}

static void
test_err_lines_after_continuation(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c,
	    "# c\n"                                     /* 1 */
	    "echo stream tcp \\\n"                      /* 2 */
	    "  nowait nosuchuser1 internal\n"           /* 3 */
	    "daytime stream tcp \\\n"                   /* 4 */
	    "\\\n"                                      /* 5 */
	    " nowait root relative\n"                   /* 6 */
	    "x y\n"                                     /* 7 */
	    "   \\\n"                                   /* 8 */
	    "   \\\n"                                   /* 9 */
	    "   time stream tcp nowait root /x/\n"),    /* 10 */
	    4);
	assert_msgs(&c->d, (const char *const[]){
	    "t.conf:2: unknown user \"nosuchuser1\"",
	    "t.conf:4: server path must be absolute: \"relative\"",
	    "t.conf:7: incomplete line: 2 fields, expected [ADDRESS:]SERVICE "
	    "SOCKET-TYPE PROTOCOL WAIT[/MAX] USER[.GROUP] SERVER [ARGS...]",
	    "t.conf:10: server path must name a program, not a directory: \"/x/\"",
	    NULL });
}

static char *
long_line(size_t len, const char *tail)
{
	const char *head = "echo stream tcp nowait root /bin/echo ";
	char *s = xmalloc(len + strlen(tail) + 1);
	size_t h = strlen(head);

	assert_true(len > h);
	memcpy(s, head, h);
	memset(s + h, 'a', len - h);
	strcpy(s + len, tail);
	return s;
}

static void
test_err_line_too_long(void **state)
{
	struct ctx *c = *state;
	char *s, *text;

	/* Exactly the limit: fine. */
	s = long_line(INETD_CONF_LINE_MAX, "\n");
	parse_one(c, s);
	assert_int_equal(strlen(c->cfg->svcs[0]->argv[0]),
	    INETD_CONF_LINE_MAX - strlen("echo stream tcp nowait root /bin/echo "));
	free(s);

	/* One more, then a good line: it is still read. */
	s = long_line(INETD_CONF_LINE_MAX + 1, "\n");
	xasprintf(&text, "\n%sdaytime stream tcp nowait root internal\n", s);
	free(s);
	{
		struct ctx c2;
		c2.cfg = config_new();
		diag_init(&c2.d);
		assert_int_equal(parse(&c2, text), 1);
		assert_msgs(&c2.d, (const char *const[]){
		    "t.conf:2: line too long (more than 65536 bytes)", NULL });
		assert_int_equal(c2.cfg->nsvcs, 1);
		assert_string_equal(c2.cfg->svcs[0]->name, "daytime");
		assert_int_equal(c2.cfg->svcs[0]->origin[ATTR_SERVICE].line, 3);
		config_free(c2.cfg);
		diag_free(&c2.d);
	}
	free(text);

	/* Too long through continuations: reported where it starts. */
	s = long_line(40000, " \\\n");
	xasprintf(&text, "# x\n%s%s", s, s);
	free(s);
	expect_error(text, "t.conf:2: line too long (more than 65536 bytes)");
	free(text);

	/* Comments do not count. */
	text = xmalloc(2 * INETD_CONF_LINE_MAX + 64);
	strcpy(text, "echo stream tcp nowait root internal #");
	memset(text + strlen(text), 'c', 2 * INETD_CONF_LINE_MAX);
	text[2 * INETD_CONF_LINE_MAX + 38] = '\0';
	config_free(c->cfg);
	c->cfg = config_new();
	diag_free(&c->d);
	parse_one(c, text);
	free(text);
}

static void
test_err_nul(void **state)
{
	struct ctx *c = *state;
	static const char t1[] = "echo stream tcp nowait root internal\n"
	    "daytime stream\0tcp nowait root internal\n"
	    "time stream tcp nowait root internal\n";
	static const char t2[] = "# comment \0 with NUL\n"
	    "time stream tcp nowait root internal\n";
	static const char t3[] = "\n\ntime stream tcp \\\n"
	    "nowait root \\\n"
	    "internal \0\n"
	    "echo stream tcp nowait root internal\n";

	assert_int_equal(parse_n(c, FILE_NAME, t1, sizeof(t1) - 1), 1);
	assert_msgs(&c->d, (const char *const[]){ "t.conf:2: NUL byte in line", NULL });
	assert_int_equal(c->cfg->nsvcs, 2);
	assert_string_equal(c->cfg->svcs[1]->name, "time");
	assert_int_equal(c->cfg->svcs[1]->origin[ATTR_SERVICE].line, 3);

	diag_free(&c->d);
	config_free(c->cfg);
	c->cfg = config_new();
	assert_int_equal(parse_n(c, FILE_NAME, t2, sizeof(t2) - 1), 1);
	assert_msgs(&c->d, (const char *const[]){ "t.conf:1: NUL byte in line", NULL });
	assert_int_equal(c->cfg->nsvcs, 1);

	diag_free(&c->d);
	config_free(c->cfg);
	c->cfg = config_new();
	assert_int_equal(parse_n(c, FILE_NAME, t3, sizeof(t3) - 1), 1);
	assert_msgs(&c->d, (const char *const[]){ "t.conf:5: NUL byte in line", NULL });
	assert_int_equal(c->cfg->nsvcs, 1);
	assert_string_equal(c->cfg->svcs[0]->name, "echo");
}

static void
test_err_count_and_diag_kept(void **state)
{
	struct ctx *c = *state;

	/* The return value counts this call's errors only. */
	diag_error(&c->d, "other", 1, "earlier");
	assert_int_equal(parse(c, "x\ny\necho stream tcp nowait root internal\n"), 2);
	assert_int_equal(c->d.errors, 3);
	assert_string_equal(c->d.msgs[0], "other:1: earlier");
	assert_int_equal(c->cfg->nsvcs, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_origins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numeric_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_argv_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcpd_argv_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_internal_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_internal_by_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_internal_args_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcpd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_continuation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_tabs_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_final_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_too_large, setup, teardown),
		cmocka_unit_test(test_read_file_grows_past_its_stat_size),
		cmocka_unit_test_setup_teardown(test_err_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_socktype, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_dgram_nowait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_duplicate_no_origin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_too_many_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_many_on_one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_lines_after_continuation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_line_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_count_and_diag_kept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
