/*
 * test_policy_file.c: unit tests of the policy-file parser
 * (policy/policy_file.c, policy/policy_attr.c, policy/xinetd_lex.c):
 * definitions, every attribute, overlays on inetd.conf services, defaults,
 * the directory walk (includedir, skipped names) and every error message.
 * Uses users, groups and services every Debian system has: root, daemon,
 * nobody, group nogroup; echo, discard, daytime, qotd, chargen, time,
 * telnet, finger.
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
#include "policy/caps.h"
#include "policy/inetd_conf.h"
#include "policy/policy_file.h"

#define P "p"           /* file name of policy_text_parse input */

struct ctx {
	struct config  *cfg;
	struct diag     d;
	int             rc;
	char            dir[64];
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

static void
rm_tree(const char *dir)
{
	char cmd[256];

	if (dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	rm_tree(c->dir);
	config_free(c->cfg);
	diag_free(&c->d);
	free(c);
	return 0;
}

static void
print_diags(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

static void
inetd(struct ctx *c, const char *text)
{
	int rc = inetd_conf_parse_buf(c->cfg, "inetd.conf", text, strlen(text),
	    &c->d);
	if (rc != 0)
		print_diags(&c->d);
	assert_int_equal(rc, 0);
}

static int
pol(struct ctx *c, const char *text)
{
	c->rc = policy_text_parse(c->cfg, P, text, strlen(text), &c->d);
	return c->rc;
}

/* Parse and expect no diagnostics at all. */
static void
pol_ok(struct ctx *c, const char *text)
{
	pol(c, text);
	if (c->d.n != 0)
		print_diags(&c->d);
	assert_int_equal(c->d.n, 0);
}

/* Exactly these diagnostics (NULL-terminated), in order. */
static void
assert_msgs(const struct diag *d, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	if (d->n != n)
		print_diags(d);
	for (size_t i = 0; i < d->n && i < n; i++)
		assert_string_equal(d->msgs[i], want[i]);
	assert_int_equal(d->n, n);
}

/* A fresh load of inetd_text (may be NULL) and policy gives exactly msg. */
static void
expect1(const char *inetd_text, const char *policy, const char *msg)
{
	struct config *cfg = config_new();
	struct diag d;
	const char *want[] = { msg, NULL };

	diag_init(&d);
	if (inetd_text != NULL)
		assert_int_equal(inetd_conf_parse_buf(cfg, "inetd.conf", inetd_text,
		    strlen(inetd_text), &d), 0);
	policy_text_parse(cfg, P, policy, strlen(policy), &d);
	assert_msgs(&d, want);
	config_free(cfg);
	diag_free(&d);
}

static struct service *
find(struct config *cfg, const char *name, const char *proto)
{
	for (size_t i = 0; i < cfg->nsvcs; i++)
		if (strcmp(cfg->svcs[i]->name, name) == 0 &&
		    (proto == NULL || strcmp(cfg->svcs[i]->proto_name, proto) == 0))
			return cfg->svcs[i];
	fail_msg("no service %s/%s", name, proto ? proto : "*");
	return NULL;
}

static unsigned
port_of(const struct service *svc)
{
	char host[ADDR_STRLEN];
	unsigned port = 0;

	assert_int_equal(sockaddr_format((const struct sockaddr *)&svc->addr,
	    svc->addrlen, host, sizeof(host), &port), 0);
	return port;
}

static void
assert_host(const struct service *svc, const char *want)
{
	char host[ADDR_STRLEN];
	unsigned port;

	assert_int_equal(sockaddr_format((const struct sockaddr *)&svc->addr,
	    svc->addrlen, host, sizeof(host), &port), 0);
	assert_string_equal(host, want);
}

static void
assert_origin(const struct service *svc, enum svc_attr a, const char *file,
    int line)
{
	if (file == NULL) {
		assert_int_equal(svc->origin[a].line, 0);
		return;
	}
	assert_non_null(svc->origin[a].file);
	assert_string_equal(svc->origin[a].file, file);
	assert_int_equal(svc->origin[a].line, line);
}

static void
assert_list(const struct strlist *l, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < l->n && i < n; i++)
		assert_string_equal(l->v[i], want[i]);
	assert_int_equal(l->n, n);
}

static int
cap_bit(const char *name)
{
	int cap;

	assert_int_equal(caps_parse(name, &cap), 0);
	return cap;
}

/* ---- definitions ---- */

static void
test_define_basic(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "# a fortune service\n"
	    "service qotd\n"
	    "{\n"
	    "\tsocket_type = stream\n"
	    "\twait        = no\n"
	    "\tuser        = nobody\n"
	    "\tserver      = /usr/games/fortune\n"
	    "\tserver_args = -s  fortunes   # short ones\n"
	    "}\n");
	assert_int_equal(c->cfg->nsvcs, 1);
	s = c->cfg->svcs[0];
	assert_string_equal(s->name, "qotd");
	assert_int_equal(s->from_policy, 1);
	assert_int_equal(s->socktype, SOCK_STREAM);
	assert_string_equal(s->proto_name, "tcp");
	assert_int_equal(s->family, AF_INET);
	assert_int_equal(s->protocol, IPPROTO_TCP);
	assert_int_equal(port_of(s), 17);
	assert_host(s, "0.0.0.0");
	assert_int_equal(s->wait, 0);
	assert_string_equal(s->user, "nobody");
	assert_int_equal(s->uid, 65534);
	assert_string_equal(s->group, "nogroup");
	assert_string_equal(s->server, "/usr/games/fortune");
	assert_int_equal(s->argc, 3);
	assert_string_equal(s->argv[0], "fortune");
	assert_string_equal(s->argv[1], "-s");
	assert_string_equal(s->argv[2], "fortunes");
	assert_null(s->argv[3]);
	assert_string_equal(s->daemon, "fortune");
	assert_int_equal(s->builtin, BUILTIN_NONE);
	assert_null(s->ident);
	/* defaults untouched */
	assert_int_equal(s->instances, SVC_DEFAULT_INSTANCES);
	assert_int_equal(s->seccomp, SECCOMP_PROFILE_DEFAULT);
	assert_int_equal(s->no_new_privs, 1);
	assert_int_equal(s->umask, -1);
	/* origins */
	assert_origin(s, ATTR_SERVICE, P, 2);
	assert_origin(s, ATTR_SOCKET, P, 4);
	assert_origin(s, ATTR_WAIT, P, 5);
	assert_origin(s, ATTR_USER, P, 6);
	assert_origin(s, ATTR_SERVER, P, 7);
	assert_origin(s, ATTR_ARGS, P, 8);
	assert_origin(s, ATTR_PORT, P, 2);        /* from the name */
	assert_origin(s, ATTR_PROTOCOL, NULL, 0);
	assert_origin(s, ATTR_INSTANCES, NULL, 0);
	assert_origin(s, ATTR_GROUP, NULL, 0);
}

static void
test_define_syntax_forms(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	/* brace on the service line, name=value without blanks, CRLF */
	pol_ok(c,
	    "service daytime {\r\n"
	    "socket_type=dgram\r\n"
	    "protocol=udp\r\n"
	    "wait=yes\r\n"
	    "user=daemon\r\n"
	    "group=nogroup\r\n"
	    "server=/usr/sbin/in.daytimed\r\n"
	    "}   # done\r\n"
	    "\n"
	    "   # indented comment\n");
	s = find(c->cfg, "daytime", "udp");
	assert_int_equal(s->socktype, SOCK_DGRAM);
	assert_int_equal(s->wait, 1);
	assert_string_equal(s->user, "daemon");
	assert_string_equal(s->group, "nogroup");
	assert_int_equal(s->gid, 65534);
	assert_int_equal(s->argc, 1);
	assert_string_equal(s->argv[0], "in.daytimed");
	assert_origin(s, ATTR_GROUP, P, 6);
	assert_origin(s, ATTR_PROTOCOL, P, 3);
}

static void
test_define_numeric_user(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = 1\n"
	    " group = 65534\n server = /bin/true\n}\n");
	s = c->cfg->svcs[0];
	assert_string_equal(s->user, "daemon");
	assert_int_equal(s->uid, 1);
	assert_int_equal(s->gid, 65534);
}

static void
test_define_nameinargs(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " flags = NAMEINARGS\n server = /usr/bin/busybox\n"
	    " server_args = fortune -s\n}\n");
	s = c->cfg->svcs[0];
	assert_string_equal(s->server, "/usr/bin/busybox");
	assert_int_equal(s->argc, 2);
	assert_string_equal(s->argv[0], "fortune");
	assert_string_equal(s->argv[1], "-s");
	assert_int_equal(s->flags, SVC_FLAG_NAMEINARGS);
	assert_string_equal(s->daemon, "busybox");
}

static void
test_define_tcpd(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "service finger\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " flags = NAMEINARGS\n server = /usr/sbin/tcpd\n"
	    " server_args = in.fingerd -w\n}\n"
	    "service telnet\n{\n socket_type = stream\n wait = no\n user = root\n"
	    " flags = NAMEINARGS\n server = /usr/sbin/tcpd\n"
	    " server_args = /opt/sbin/in.telnetd -h\n}\n");
	s = find(c->cfg, "finger", "tcp");
	assert_int_equal(s->tcpd, 1);
	assert_string_equal(s->server, "/usr/sbin/in.fingerd");
	assert_string_equal(s->argv[0], "in.fingerd");
	assert_string_equal(s->argv[1], "-w");
	assert_string_equal(s->daemon, "in.fingerd");
	s = find(c->cfg, "telnet", "tcp");
	assert_string_equal(s->server, "/opt/sbin/in.telnetd");
	assert_string_equal(s->daemon, "in.telnetd");

	expect1(NULL,
	    "service finger\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /usr/sbin/tcpd\n server_args = in.fingerd\n}\n",
	    "p:6: server /usr/sbin/tcpd needs flags = NAMEINARGS and the real "
	    "program first in server_args");
	expect1(NULL,
	    "service finger\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " flags = NAMEINARGS\n server = /usr/sbin/in.fingerd\n}\n",
	    "p:7: flags NAMEINARGS needs server_args starting with argv[0]");
}

static void
test_define_protocol_flags(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "service echo\n{\n id = e6\n socket_type = stream\n wait = no\n"
	    " user = nobody\n flags = IPv6\n server = /bin/cat\n}\n"
	    "service echo\n{\n id = e46\n socket_type = dgram\n wait = yes\n"
	    " user = nobody\n flags = IPv4 IPv6\n server = /bin/cat\n}\n"
	    "service echo\n{\n id = e4\n socket_type = dgram\n wait = yes\n"
	    " user = nobody\n flags = IPv4\n server = /bin/cat\n}\n"
	    "service daytime\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " bind = ::1\n server = /bin/date\n}\n"
	    "service time\n{\n socket_type = stream\n protocol = tcp46\n"
	    " wait = no\n user = nobody\n server = /bin/date\n}\n"
	    "service chargen\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " interface = 127.0.0.1\n server = /bin/yes\n}\n");
	s = find(c->cfg, "echo", "tcp6");
	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(s->v6only, 1);
	assert_string_equal(s->ident, "e6");
	assert_origin(s, ATTR_PROTOCOL, P, 7);    /* from the flags */
	assert_origin(s, ATTR_ID, P, 3);
	s = find(c->cfg, "echo", "udp46");
	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(s->v6only, 0);
	s = find(c->cfg, "echo", "udp");
	assert_int_equal(s->family, AF_INET);
	s = find(c->cfg, "daytime", "tcp6");
	assert_host(s, "::1");
	assert_int_equal(port_of(s), 13);
	assert_origin(s, ATTR_ADDRESS, P, 33);
	s = find(c->cfg, "time", "tcp46");
	assert_int_equal(s->v6only, 0);
	s = find(c->cfg, "chargen", "tcp");
	assert_host(s, "127.0.0.1");

	expect1(NULL,
	    "service echo\n{\n socket_type = stream\n protocol = tcp6\n"
	    " flags = IPv4\n wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:4: protocol tcp6 does not agree with flags IPv4");
	expect1(NULL,
	    "service echo\n{\n socket_type = stream\n protocol = sctp\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:4: unknown protocol \"sctp\"");
	expect1(NULL,
	    "service echo\n{\n socket_type = stream\n protocol = udp\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:4: socket type stream needs protocol tcp, tcp6 or tcp46, not udp");
	expect1(NULL,
	    "service echo\n{\n socket_type = stream\n bind = 10.0.0.300\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:4: bad IPv4 address \"10.0.0.300\" for protocol tcp");
	expect1(NULL,
	    "service echo\n{\n socket_type = stream\n flags = IPv6\n"
	    " bind = 127.0.0.1\n wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:5: bad IPv6 address \"127.0.0.1\" for protocol tcp6");
	expect1(NULL,
	    "service echo\n{\n socket_type = stream\n flags = INTERCEPT\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:4: flag \"INTERCEPT\" is not supported");
}

static void
test_define_port(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "service myservice\n{\n type = UNLISTED\n socket_type = stream\n"
	    " port = 20020\n wait = no\n user = nobody\n server = /bin/cat\n}\n"
	    "service telnet\n{\n socket_type = stream\n port = 23\n wait = no\n"
	    " user = nobody\n server = /bin/cat\n}\n"
	    "service notinthedb\n{\n socket_type = dgram\n port = 4000\n wait = yes\n"
	    " user = nobody\n server = /bin/cat\n}\n"
	    "service echo\n{\n type = UNLISTED\n socket_type = stream\n"
	    " port = 7007\n wait = no\n user = nobody\n server = /bin/cat\n}\n");
	s = find(c->cfg, "myservice", NULL);
	assert_int_equal(port_of(s), 20020);
	assert_int_equal(s->unlisted, 1);
	assert_origin(s, ATTR_PORT, P, 5);
	assert_origin(s, ATTR_TYPE, P, 3);
	assert_int_equal(port_of(find(c->cfg, "telnet", NULL)), 23);
	assert_int_equal(port_of(find(c->cfg, "notinthedb", NULL)), 4000);
	/* UNLISTED: the services database is not consulted */
	assert_int_equal(port_of(find(c->cfg, "echo", NULL)), 7007);

	expect1(NULL,
	    "service telnet\n{\n socket_type = stream\n port = 2323\n wait = no\n"
	    " user = nobody\n server = /bin/cat\n}\n",
	    "p:4: port 2323 does not match the services database (telnet is "
	    "port 23)");
	expect1(NULL,
	    "service myservice\n{\n type = UNLISTED\n socket_type = stream\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:1: service \"myservice\" has type UNLISTED but no port");
	expect1(NULL,
	    "service myservice\n{\n socket_type = stream\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:1: service \"myservice\" is not in the services database: give a "
	    "port (and type = UNLISTED)");
	expect1(NULL,
	    "service myservice\n{\n socket_type = stream\n port = 70000\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:4: bad port \"70000\": a number from 1 to 65535");
	expect1(NULL,
	    "service echo\n{\n type = RPC\n socket_type = stream\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:3: type RPC is not supported");
	expect1(NULL,
	    "service echo\n{\n type = FANCY\n socket_type = stream\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:3: unknown type \"FANCY\"");
}

static void
test_define_internal(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	pol_ok(c,
	    "service echo\n{\n id = echo-stream\n type = INTERNAL\n"
	    " socket_type = stream\n wait = no\n}\n"
	    "service echo\n{\n id = echo-dgram\n type = INTERNAL\n"
	    " socket_type = dgram\n user = root\n wait = yes\n}\n");
	s = find(c->cfg, "echo", "tcp");
	assert_int_equal(s->builtin, BUILTIN_ECHO);
	assert_null(s->server);
	assert_null(s->user);
	assert_string_equal(s->daemon, "echo");
	s = find(c->cfg, "echo", "udp");
	assert_int_equal(s->builtin, BUILTIN_ECHO);
	assert_string_equal(s->ident, "echo-dgram");

	expect1(NULL,
	    "service qotd\n{\n type = INTERNAL\n socket_type = stream\n"
	    " wait = no\n}\n",
	    "p:1: type = INTERNAL: \"qotd\" is not a built-in service (echo, "
	    "discard, chargen, daytime, time)");
	expect1(NULL,
	    "service echo\n{\n type = INTERNAL\n socket_type = stream\n"
	    " wait = no\n server = /bin/cat\n}\n",
	    "p:6: type = INTERNAL takes no server");
	expect1(NULL,
	    "service echo\n{\n type = INTERNAL\n socket_type = seqpacket\n"
	    " wait = no\n}\n",
	    "p:1: built-in service echo works over stream and dgram only");
}

static void
test_define_errors(void **state)
{
	(void)state;
	expect1(NULL,
	    "service qotd\n{\n wait = no\n user = nobody\n server = /bin/cat\n}\n",
	    "p:1: service \"qotd\" has no socket_type");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n user = nobody\n"
	    " server = /bin/cat\n}\n",
	    "p:1: service \"qotd\" has no wait");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n"
	    " server = /bin/cat\n}\n",
	    "p:1: service \"qotd\" has no user");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = bin/cat\n}\n",
	    "p:6: server path must be absolute: \"bin/cat\"");
	expect1(NULL,
	    "service qotd\n{\n socket_type = raw\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n}\n",
	    "p:3: socket_type raw is not supported");
	expect1(NULL,
	    "service qotd\n{\n socket_type = streams\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n}\n",
	    "p:3: unknown socket_type \"streams\"");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = maybe\n user = nobody\n"
	    " server = /bin/cat\n}\n",
	    "p:4: attribute \"wait\" must be yes or no, not \"maybe\"");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n"
	    " user = nosuchuser\n server = /bin/cat\n}\n",
	    "p:5: unknown user \"nosuchuser\"");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " group = nosuchgroup\n server = /bin/cat\n}\n",
	    "p:6: unknown group \"nosuchgroup\"");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n group = nogroup\n"
	    " type = INTERNAL\n}\n",
	    "p:5: group without user");
	expect1(NULL,
	    "service daytime\n{\n socket_type = dgram\n wait = no\n user = nobody\n"
	    " server = /bin/date\n}\n",
	    "p:4: dgram service daytime must be \"wait = yes\": hinetd hands the "
	    "socket itself to the server, so only one server may read it");
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " user = daemon\n server = /bin/cat\n}\n",
	    "p:6: attribute \"user\" is set twice (first at line 5)");
	expect1(NULL,
	    "service qotd\n{\n id = bad/id\n socket_type = stream\n wait = no\n"
	    " user = nobody\n server = /bin/cat\n}\n",
	    "p:3: bad id \"bad/id\"");
	expect1(NULL,
	    "service nothing\n{\n only_from = 127.0.0.1\n}\n",
	    "p:1: service \"nothing\" has no server and inetd.conf defines no "
	    "service \"nothing\"");
}

static void
test_duplicates(void **state)
{
	(void)state;
	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n}\n"
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = daemon\n"
	    " server = /bin/true\n}\n",
	    "p:8: duplicate service qotd/tcp port 17 (first defined at p:1)");
	/* with inetd.conf */
	expect1("qotd stream tcp nowait nobody /bin/cat cat\n",
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n}\n",
	    "p:1: duplicate service qotd/tcp port 17 (first defined at "
	    "inetd.conf:1)");
	expect1(NULL,
	    "service echo\n{\n id = e\n type = INTERNAL\n socket_type = stream\n"
	    " wait = no\n}\n"
	    "service echo\n{\n id = e\n type = INTERNAL\n socket_type = dgram\n"
	    " wait = yes\n}\n",
	    "p:8: duplicate service id \"e\": already used at p:3");
}

/* ---- every policy attribute ---- */

static const char *const def_head =
    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
    " server = /bin/cat\n";          /* lines 1-6; attributes from line 7 */

static struct service *
define_with(struct ctx *c, const char *attrs)
{
	char *text;

	xasprintf(&text, "%s%s}\n", def_head, attrs);
	pol_ok(c, text);
	free(text);
	assert_int_equal(c->cfg->nsvcs, 1);
	return c->cfg->svcs[0];
}

static void
expect_attr(const char *attrs, const char *msg)
{
	char *text;

	xasprintf(&text, "%s%s}\n", def_head, attrs);
	expect1(NULL, text, msg);
	free(text);
}

static void
test_attr_access(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = define_with(c,
	    " only_from = 10.0.0.0/8 192.168.1.{1,2,3} host.example.org\n"
	    " only_from += .example.com 2001:db8::/32 ::1 10.1.2.3/255.255.0.0\n"
	    " no_access = 10.9.9.9 10.0.0.0\n"
	    " no_access -= 10.0.0.0\n");
	assert_list(&s->only_from, (const char *const[]){ "10.0.0.0/8",
	    "192.168.1.{1,2,3}", "host.example.org", ".example.com",
	    "2001:db8::/32", "::1", "10.1.2.3/255.255.0.0", NULL });
	assert_int_equal(s->only_from_set, 1);
	assert_list(&s->no_access, (const char *const[]){ "10.9.9.9", NULL });
	assert_origin(s, ATTR_ONLY_FROM, P, 8);
	assert_origin(s, ATTR_NO_ACCESS, P, 10);

	expect_attr(" only_from = 10.0.0.0/33\n",
	    "p:7: bad address \"10.0.0.0/33\" in only_from");
	expect_attr(" no_access = 10.0.0.{1,300}\n",
	    "p:7: bad address \"10.0.0.{1,300}\" in no_access");
	expect_attr(" only_from = a;b\n",
	    "p:7: bad address \"a;b\" in only_from");
	expect_attr(" only_from = 1.2.3.4.5\n",
	    "p:7: bad address \"1.2.3.4.5\" in only_from");
}

static void
test_attr_only_from_empty(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	/* xinetd: only_from with no value: nobody */
	s = define_with(c, " only_from =\n");
	assert_int_equal(s->only_from_set, 1);
	assert_int_equal(s->only_from.n, 0);
}

static void
test_attr_limits(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = define_with(c,
	    " instances = 20\n per_source = 3\n cps = 100 30\n");
	assert_int_equal(s->instances, 20);
	assert_int_equal(s->per_source, 3);
	assert_int_equal(s->cps_rate, 100);
	assert_int_equal(s->cps_pause, 30);
	assert_origin(s, ATTR_INSTANCES, P, 7);
	assert_origin(s, ATTR_PER_SOURCE, P, 8);
	assert_origin(s, ATTR_CPS, P, 9);
	config_free(c->cfg);
	c->cfg = config_new();
	s = define_with(c, " instances = UNLIMITED\n per_source = UNLIMITED\n");
	assert_int_equal(s->instances, SVC_INSTANCES_UNLIMITED);
	assert_int_equal(s->per_source, 0);

	expect_attr(" instances = 0\n",
	    "p:7: bad value \"0\" for instances: a number from 1 to 1000000 or "
	    "UNLIMITED");
	expect_attr(" per_source = -1\n",
	    "p:7: bad value \"-1\" for per_source: a number from 1 to 1000000 or "
	    "UNLIMITED");
	expect_attr(" cps = 10\n", "p:7: attribute \"cps\" needs two values");
	expect_attr(" cps = 10 20 30\n", "p:7: attribute \"cps\" takes two values");
	expect_attr(" cps = 10 0\n",
	    "p:7: bad cps \"10 0\": RATE (1 to 1000000 connections per second) "
	    "and SECONDS (1 to 86400)");
	expect_attr(" instances = 5 6\n",
	    "p:7: attribute \"instances\" takes one value");
	expect_attr(" instances =\n", "p:7: attribute \"instances\" needs a value");
	expect_attr(" instances += 5\n",
	    "p:7: attribute \"instances\" takes only \"=\", not \"+=\"");
}

static void
test_attr_process(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = define_with(c,
	    " umask = 027\n nice = -5\n groups = no\n"
	    " env = LANG=C TZ=UTC\n env += LANG=en_US.UTF-8 X=a\"b\\c\n"
	    " env -= TZ\n passenv = HOME TERM\n passenv -= TERM\n");
	assert_int_equal(s->umask, 027);
	assert_int_equal(s->nice, -5);
	assert_int_equal(s->nice_set, 1);
	assert_int_equal(s->ngroups, 0);
	assert_null(s->groups);
	assert_list(&s->env, (const char *const[]){ "LANG=en_US.UTF-8",
	    "X=a\"b\\c", NULL });
	assert_list(&s->passenv, (const char *const[]){ "HOME", NULL });
	assert_origin(s, ATTR_UMASK, P, 7);
	assert_origin(s, ATTR_NICE, P, 8);
	assert_origin(s, ATTR_GROUPS, P, 9);
	assert_origin(s, ATTR_ENV, P, 12);
	assert_origin(s, ATTR_PASSENV, P, 14);

	config_free(c->cfg);
	c->cfg = config_new();
	s = define_with(c, " groups = yes\n nice = 19\n umask = 0\n");
	assert_true(s->ngroups >= 1);   /* the user's */
	assert_int_equal(s->nice, 19);
	assert_int_equal(s->umask, 0);

	expect_attr(" umask = 0800\n",
	    "p:7: bad umask \"0800\": an octal number from 0 to 0777");
	expect_attr(" umask = 1777\n",
	    "p:7: bad umask \"1777\": an octal number from 0 to 0777");
	expect_attr(" nice = -21\n", "p:7: bad nice \"-21\": a number from -20 to 19");
	expect_attr(" nice = 20\n", "p:7: bad nice \"20\": a number from -20 to 19");
	expect_attr(" groups = maybe\n",
	    "p:7: attribute \"groups\" must be yes or no, not \"maybe\"");
	expect_attr(" env = NOEQUALS\n", "p:7: bad env entry \"NOEQUALS\": NAME=value");
	expect_attr(" env = 1X=2\n", "p:7: bad env entry \"1X=2\": NAME=value");
	expect_attr(" env = TCPREMOTEIP=1.2.3.4\n",
	    "p:7: env cannot set TCPREMOTEIP: hinetd sets it for each connection");
	expect_attr(" passenv = A-B\n", "p:7: bad passenv name \"A-B\"");
	expect_attr(" passenv = PROTO\n",
	    "p:7: passenv cannot pass PROTO: hinetd sets it for each connection");
}

static void
test_attr_rlimits(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = define_with(c,
	    " rlimit_as = 8M\n rlimit_cpu = 20\n rlimit_data = UNLIMITED\n"
	    " rlimit_rss = 512k\n rlimit_stack = 1G\n rlimit_files = 64\n");
	assert_int_equal(s->rlim_set, (1u << SVC_RLIMIT_COUNT) - 1);
	assert_int_equal(s->rlim[SVC_RLIMIT_AS].rlim_cur, 8u << 20);
	assert_int_equal(s->rlim[SVC_RLIMIT_AS].rlim_max, 8u << 20);
	assert_int_equal(s->rlim[SVC_RLIMIT_CPU].rlim_cur, 20);
	assert_true(s->rlim[SVC_RLIMIT_DATA].rlim_cur == RLIM_INFINITY);
	assert_int_equal(s->rlim[SVC_RLIMIT_RSS].rlim_cur, 512u << 10);
	assert_int_equal(s->rlim[SVC_RLIMIT_STACK].rlim_cur, 1u << 30);
	assert_int_equal(s->rlim[SVC_RLIMIT_NOFILE].rlim_cur, 64);
	assert_int_equal(s->rlim_origin[SVC_RLIMIT_AS].line, 7);
	assert_int_equal(s->rlim_origin[SVC_RLIMIT_NOFILE].line, 12);
	assert_origin(s, ATTR_RLIMIT, P, 12);

	expect_attr(" rlimit_as = 8X\n",
	    "p:7: bad value \"8X\" for rlimit_as: a number (K, M or G suffix "
	    "allowed) or UNLIMITED");
	expect_attr(" rlimit_files = 0\n",
	    "p:7: bad value \"0\" for rlimit_files: a number (K, M or G suffix "
	    "allowed) or UNLIMITED");
	expect_attr(" rlimit_cpu = 99999999999999999999\n",
	    "p:7: bad value \"99999999999999999999\" for rlimit_cpu: a number (K, "
	    "M or G suffix allowed) or UNLIMITED");
}

static void
test_attr_logging_flags_disable(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = define_with(c,
	    " log_on_success = PID HOST EXIT\n log_on_success += DURATION TRAFFIC\n"
	    " log_on_success -= PID\n log_on_failure = HOST USERID ATTEMPT\n"
	    " flags = NODELAY KEEPALIVE NOLIBWRAP REUSE\n disable = yes\n");
	assert_int_equal(s->log_on_success, SVC_LOG_HOST | SVC_LOG_EXIT |
	    SVC_LOG_DURATION | SVC_LOG_TRAFFIC);
	assert_int_equal(s->log_on_failure, SVC_LOG_HOST | SVC_LOG_USERID |
	    SVC_LOG_ATTEMPT);
	assert_int_equal(s->flags, SVC_FLAG_NODELAY | SVC_FLAG_KEEPALIVE |
	    SVC_FLAG_NOLIBWRAP);
	assert_int_equal(s->disabled, 1);
	assert_origin(s, ATTR_LOG_ON_SUCCESS, P, 9);
	assert_origin(s, ATTR_LOG_ON_FAILURE, P, 10);
	assert_origin(s, ATTR_FLAGS, P, 11);
	assert_origin(s, ATTR_DISABLE, P, 12);

	expect_attr(" log_on_success = ATTEMPT\n",
	    "p:7: log_on_success does not take ATTEMPT");
	expect_attr(" log_on_failure = EXIT\n",
	    "p:7: log_on_failure does not take EXIT");
	expect_attr(" log_on_failure = LOUDLY\n",
	    "p:7: unknown log_on_failure value \"LOUDLY\"");
	expect_attr(" disable = perhaps\n",
	    "p:7: attribute \"disable\" must be yes or no, not \"perhaps\"");
}

static void
test_attr_sandbox(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	s = define_with(c,
	    " capabilities = CAP_NET_BIND_SERVICE chown\n"
	    " capabilities += cap_setuid\n capabilities -= CHOWN\n"
	    " seccomp = strict\n seccomp_allow = getrandom @network-io\n"
	    " seccomp_deny = ptrace\n seccomp_action = kill\n"
	    " chroot = /\n landlock_paths = /usr/share/games /etc/motd\n");
	assert_true(s->caps == ((1ULL << cap_bit("net_bind_service")) |
	    (1ULL << cap_bit("setuid"))));
	assert_int_equal(s->seccomp, SECCOMP_PROFILE_STRICT);
	assert_list(&s->seccomp_allow, (const char *const[]){ "getrandom",
	    "@network-io", NULL });
	assert_list(&s->seccomp_deny, (const char *const[]){ "ptrace", NULL });
	assert_int_equal(s->seccomp_action, SECCOMP_FAIL_KILL);
	assert_string_equal(s->chroot, "/");
	assert_list(&s->landlock_paths, (const char *const[]){
	    "/usr/share/games", "/etc/motd", NULL });
	assert_int_equal(s->no_new_privs, 1);
	assert_origin(s, ATTR_CAPABILITIES, P, 9);
	assert_origin(s, ATTR_SECCOMP, P, 10);
	assert_origin(s, ATTR_SECCOMP_ALLOW, P, 11);
	assert_origin(s, ATTR_SECCOMP_DENY, P, 12);
	assert_origin(s, ATTR_SECCOMP_ACTION, P, 13);
	assert_origin(s, ATTR_CHROOT, P, 14);
	assert_origin(s, ATTR_LANDLOCK, P, 15);

	config_free(c->cfg);
	c->cfg = config_new();
	s = define_with(c, " seccomp = none\n seccomp_action = log\n");
	assert_int_equal(s->seccomp, SECCOMP_PROFILE_NONE);
	assert_int_equal(s->seccomp_action, SECCOMP_FAIL_LOG);

	expect_attr(" capabilities = CAP_FLY\n",
	    "p:7: unknown capability \"CAP_FLY\"");
	expect_attr(" seccomp = tight\n",
	    "p:7: attribute \"seccomp\" must be default, strict or none, not "
	    "\"tight\"");
	expect_attr(" seccomp_action = ignore\n",
	    "p:7: attribute \"seccomp_action\" must be errno, kill or log, not "
	    "\"ignore\"");
	expect_attr(" seccomp_allow = notasyscall\n",
	    "p:7: unknown system call \"notasyscall\" in seccomp_allow");
	expect_attr(" seccomp_deny = @nosuchgroup\n",
	    "p:7: unknown system call group \"@nosuchgroup\" in seccomp_deny");
	expect_attr(" chroot = var/empty\n",
	    "p:7: chroot must be an absolute directory, not \"var/empty\"");
	expect_attr(" chroot = /nonexistent-hinetd-test\n",
	    "p:7: chroot directory \"/nonexistent-hinetd-test\": No such file or "
	    "directory");
	expect_attr(" chroot = /etc/passwd\n",
	    "p:7: chroot directory \"/etc/passwd\" is not a directory");
	expect_attr(" landlock_paths = /usr/../etc\n",
	    "p:7: landlock_paths entries must be absolute paths, not "
	    "\"/usr/../etc\"");
	expect_attr(" no_new_privs = sometimes\n",
	    "p:7: attribute \"no_new_privs\" must be yes or no, not \"sometimes\"");
}

static void
test_no_new_privs(void **state)
{
	struct ctx *c = *state;
	struct service *s;
	const char *want[] = {
	    "p:8: warning: service \"qotd\": no_new_privs = no lets the programs "
	    "it runs gain privileges (set-user-ID, file capabilities)", NULL };

	pol(c, "service qotd\n{\n socket_type = stream\n wait = no\n"
	    " user = nobody\n server = /bin/cat\n seccomp = none\n"
	    " no_new_privs = no\n}\n");
	assert_msgs(&c->d, want);
	assert_int_equal(c->d.errors, 0);
	s = c->cfg->svcs[0];
	assert_int_equal(s->no_new_privs, 0);
	assert_origin(s, ATTR_NO_NEW_PRIVS, P, 8);

	expect_attr(" no_new_privs = no\n",
	    "p:7: no_new_privs = no is refused unless seccomp = none (service "
	    "\"qotd\")");
}

/* ---- syntax errors ---- */

static void
test_syntax_errors(void **state)
{
	(void)state;
	expect_attr(" frobnicate = yes\n", "p:7: unknown attribute \"frobnicate\"");
	expect_attr(" redirect = 10.0.0.1 25\n",
	    "p:7: xinetd attribute \"redirect\" is not supported");
	expect_attr(" access_times = 2:00-9:00\n",
	    "p:7: xinetd attribute \"access_times\" is not supported");
	expect_attr(" banner = /etc/issue\n",
	    "p:7: xinetd attribute \"banner\" is not supported");
	expect_attr(" mdns = yes\n", "p:7: xinetd attribute \"mdns\" is not supported");
	expect_attr(" log_type = SYSLOG daemon\n",
	    "p:7: xinetd attribute \"log_type\" is not supported");
	expect_attr(" instances 5\n",
	    "p:7: expected \"=\", \"+=\" or \"-=\" after \"instances\"");
	expect_attr(" $$$ = 1\n", "p:7: unknown attribute \"$$$\"");
	expect_attr(" user *= root\n",
	    "p:7: expected \"=\", \"+=\" or \"-=\" after \"user\"");
	expect1(NULL, "service qotd\n{\n socket_type = stream\n",
	    "p:1: qotd: missing \"}\"");
	expect1(NULL, "}\n", "p:1: unexpected \"}\"");
	expect1(NULL, "{\n", "p:1: \"{\" without service or defaults");
	expect1(NULL, "user = root\n",
	    "p:1: attribute \"user\" outside a service or defaults block");
	expect1(NULL, "frob\n", "p:1: unknown statement \"frob\"");
	expect1(NULL, "include /etc/xinetd.conf\n",
	    "p:1: \"include\" is not supported: use includedir");
	expect1(NULL, "includedir /etc/xinetd.d\n",
	    "p:1: includedir is not allowed here");
	expect1(NULL, "service\n{\n}\n", "p:1: service needs a name");
	expect1(NULL, "service a/b\n{\n}\n", "p:1: bad service name \"a/b\"");
	expect1(NULL, "service qotd x\n{\n}\n",
	    "p:1: unexpected \"x\" after qotd");
	expect1(NULL, "service qotd\nuser = root\n}\n",
	    "p:2: expected \"{\" after qotd");
	expect1(NULL, "defaults\n{\n}\n}\n", "p:4: unexpected \"}\"");
	expect1(NULL, "service qotd { x\n}\n", "p:1: unexpected \"x\" after \"{\"");
	expect1(NULL, "defaults\n{\n}\n{\n", "p:4: \"{\" without service or defaults");
	expect1(NULL, "service qotd\n{\n} trailing\n",
	    "p:3: unexpected \"trailing\" after \"}\"");
	expect1(NULL, "service qotd\n{\ndefaults\n{\n}\n",
	    "p:3: \"defaults\" inside a block (missing \"}\"?)");
	expect1(NULL, "service qotd\n{\n user = \x01root\n}\n",
	    "p:3: invalid character 0x01");
}

static void
test_long_line_and_nul(void **state)
{
	struct ctx *c = *state;
	char *text = xmalloc(5000 + 64);
	const char *want[] = { "p:2: line longer than 4096 bytes", NULL };
	const char *want2[] = { "p:1: invalid character 0x00", NULL };

	strcpy(text, "service qotd\n");
	memset(text + 13, 'a', 5000);
	strcpy(text + 13 + 5000, "\n{\n}\n");
	pol(c, text);
	assert_msgs(&c->d, want);
	free(text);

	diag_free(&c->d);
	policy_text_parse(c->cfg, P, "service\0x\n", 10, &c->d);
	assert_msgs(&c->d, want2);
}

static void
test_many_errors_reported(void **state)
{
	struct ctx *c = *state;
	const char *want[] = {
		"p:3: unknown attribute \"a\"",
		"p:4: unknown attribute \"b\"",
		"p:8: unknown attribute \"c\"",
		NULL,
	};

	/* every problem, not just the first; a bad block adds no service */
	pol(c, "service qotd\n{\n a = 1\n b = 2\n}\n"
	    "service echo\n{\n c = 3\n}\n");
	assert_msgs(&c->d, want);
	assert_int_equal(c->rc, 3);
	assert_int_equal(c->cfg->nsvcs, 0);
}

/* ---- overlays ---- */

static const char *const inetd_echo =
    "echo stream tcp nowait nobody /bin/cat cat\n"
    "echo dgram udp wait nobody /bin/cat cat\n"
    "daytime stream tcp nowait/7 daemon /bin/date date\n";

static void
test_overlay_all(void **state)
{
	struct ctx *c = *state;
	struct service *t, *u;

	inetd(c, inetd_echo);
	pol_ok(c,
	    "service echo\n{\n only_from = 127.0.0.1\n seccomp = strict\n"
	    " capabilities = net_bind_service\n rlimit_cpu = 5\n nice = 3\n"
	    " env = A=1\n disable = no\n flags = NODELAY\n}\n");
	t = find(c->cfg, "echo", "tcp");
	u = find(c->cfg, "echo", "udp");
	for (int i = 0; i < 2; i++) {
		struct service *s = i ? u : t;
		assert_int_equal(s->from_policy, 0);
		assert_int_equal(s->only_from.n, 1);
		assert_int_equal(s->seccomp, SECCOMP_PROFILE_STRICT);
		assert_true(s->caps == 1ULL << cap_bit("net_bind_service"));
		assert_int_equal(s->rlim[SVC_RLIMIT_CPU].rlim_cur, 5);
		assert_int_equal(s->nice, 3);
		assert_int_equal(s->flags, SVC_FLAG_NODELAY);
		assert_origin(s, ATTR_SERVICE, "inetd.conf", i ? 2 : 1);
		assert_origin(s, ATTR_USER, "inetd.conf", i ? 2 : 1);
		assert_origin(s, ATTR_ONLY_FROM, P, 3);
		assert_origin(s, ATTR_SECCOMP, P, 4);
	}
	/* untouched */
	assert_int_equal(find(c->cfg, "daytime", NULL)->seccomp,
	    SECCOMP_PROFILE_DEFAULT);
	assert_int_equal(c->cfg->nsvcs, 3);
}

static void
test_overlay_select(void **state)
{
	struct ctx *c = *state;

	inetd(c, inetd_echo);
	pol_ok(c,
	    "service echo\n{\n protocol = udp\n instances = 4\n}\n"
	    "service echo\n{\n socket_type = stream\n instances = 9\n}\n");
	assert_int_equal(find(c->cfg, "echo", "udp")->instances, 4);
	assert_int_equal(find(c->cfg, "echo", "tcp")->instances, 9);
}

static void
test_overlay_errors(void **state)
{
	(void)state;
	expect1(inetd_echo, "service echo\n{\n user = root\n}\n",
	    "p:3: service \"echo\" is defined in inetd.conf: an overlay cannot set "
	    "\"user\"");
	expect1(inetd_echo, "service echo\n{\n server_args = -x\n}\n",
	    "p:3: service \"echo\" is defined in inetd.conf: an overlay cannot set "
	    "\"server_args\"");
	expect1(inetd_echo, "service echo\n{\n wait = yes\n}\n",
	    "p:3: service \"echo\" is defined in inetd.conf: an overlay cannot set "
	    "\"wait\"");
	expect1(inetd_echo, "service echo\n{\n port = 7\n}\n",
	    "p:3: service \"echo\" is defined in inetd.conf: an overlay cannot set "
	    "\"port\"");
	expect1(inetd_echo, "service echo\n{\n bind = 127.0.0.1\n}\n",
	    "p:3: service \"echo\" is defined in inetd.conf: an overlay cannot set "
	    "\"bind\"");
	expect1(inetd_echo, "service echo\n{\n flags = IPv6\n}\n",
	    "p:3: flag IPv6 cannot be set in an overlay on an inetd.conf service");
	expect1(inetd_echo, "service echo\n{\n protocol = tcp6\n}\n",
	    "p:1: overlay \"echo\": no inetd.conf entry of that name has protocol "
	    "tcp6");
	expect1(inetd_echo,
	    "service echo\n{\n socket_type = seqpacket\n nice = 1\n}\n",
	    "p:1: overlay \"echo\": no inetd.conf entry of that name has "
	    "socket_type seqpacket");
	expect1(inetd_echo,
	    "service echo\n{\n nice = 1\n}\nservice echo\n{\n protocol = udp\n}\n",
	    "p:5: duplicate service echo/udp (dgram): already overlaid at p:1");
	expect1(inetd_echo, "service echo\n{\n nice = 99\n}\n",
	    "p:3: bad nice \"99\": a number from -20 to 19");
}

/* ---- defaults ---- */

static void
test_defaults(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	inetd(c, inetd_echo);
	pol_ok(c,
	    "defaults\n{\n instances = 30\n only_from = 10.0.0.0/8\n"
	    " only_from = 192.168.0.0/16\n log_on_success = PID HOST\n"
	    " seccomp_action = kill\n groups = no\n env = A=1 B=2\n"
	    " flags = KEEPALIVE\n umask = 077\n}\n"
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n instances = 5\n only_from += 127.0.0.1\n"
	    " log_on_success -= PID\n env = C=3\n}\n"
	    "service echo\n{\n protocol = tcp\n only_from = 172.16.0.0/12\n"
	    " env += B=20\n}\n");

	/* a policy service: own values win, += adds to the defaults' list */
	s = find(c->cfg, "qotd", NULL);
	assert_int_equal(s->instances, 5);
	assert_list(&s->only_from, (const char *const[]){ "10.0.0.0/8",
	    "192.168.0.0/16", "127.0.0.1", NULL });
	assert_int_equal(s->log_on_success, SVC_LOG_HOST);
	assert_list(&s->env, (const char *const[]){ "C=3", NULL });
	assert_int_equal(s->seccomp_action, SECCOMP_FAIL_KILL);
	assert_int_equal(s->ngroups, 0);
	assert_int_equal(s->flags, SVC_FLAG_KEEPALIVE);
	assert_int_equal(s->umask, 077);
	assert_origin(s, ATTR_INSTANCES, P, 19);
	assert_origin(s, ATTR_SECCOMP_ACTION, P, 7);
	assert_origin(s, ATTR_ONLY_FROM, P, 20);
	assert_origin(s, ATTR_FLAGS, P, 10);

	/* overlay: = replaces the defaults' list, += adds */
	s = find(c->cfg, "echo", "tcp");
	assert_list(&s->only_from, (const char *const[]){ "172.16.0.0/12", NULL });
	assert_list(&s->env, (const char *const[]){ "A=1", "B=20", NULL });
	assert_int_equal(s->instances, 30);
	assert_origin(s, ATTR_INSTANCES, P, 3);

	/* inetd.conf services no overlay touched get the defaults */
	s = find(c->cfg, "echo", "udp");
	assert_int_equal(s->instances, 30);
	assert_list(&s->only_from, (const char *const[]){ "10.0.0.0/8",
	    "192.168.0.0/16", NULL });
	assert_int_equal(s->seccomp_action, SECCOMP_FAIL_KILL);
	assert_int_equal(s->ngroups, 0);
	assert_int_equal(s->flags, SVC_FLAG_KEEPALIVE);
	/* but not over what the inetd.conf line set (nowait/7) */
	s = find(c->cfg, "daytime", NULL);
	assert_int_equal(s->instances, 7);
	assert_origin(s, ATTR_INSTANCES, "inetd.conf", 3);
	assert_int_equal(s->log_on_success, SVC_LOG_PID | SVC_LOG_HOST);
}

static void
test_defaults_bind(void **state)
{
	struct ctx *c = *state;
	struct service *s;

	inetd(c, "echo stream tcp nowait nobody /bin/cat cat\n");
	pol_ok(c, "defaults\n{\n bind = 127.0.0.1\n}\n"
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n}\n"
	    "service daytime\n{\n socket_type = stream\n bind = 127.0.0.2\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n}\n");
	s = find(c->cfg, "qotd", NULL);
	assert_host(s, "127.0.0.1");
	assert_origin(s, ATTR_ADDRESS, P, 3);
	assert_host(find(c->cfg, "daytime", NULL), "127.0.0.2");
	/* an inetd.conf line's address is its own */
	assert_host(find(c->cfg, "echo", NULL), "0.0.0.0");
}

static void
test_defaults_errors(void **state)
{
	(void)state;
	expect1(NULL, "defaults\n{\n user = root\n}\n",
	    "p:3: attribute \"user\" is not allowed in defaults");
	expect1(NULL, "defaults\n{\n disable = yes\n}\n",
	    "p:3: attribute \"disable\" is not allowed in defaults");
	expect1(NULL, "defaults\n{\n flags = NAMEINARGS\n}\n",
	    "p:3: flag NAMEINARGS cannot be set in defaults");
	expect1(NULL, "defaults\n{\n instances = 3\n}\ndefaults\n{\n instances = 4\n}\n",
	    "p:7: attribute \"instances\" is already set in defaults at p:3");
	expect1(NULL, "defaults\n{\n bind = nowhere\n}\n",
	    "p:3: bad address \"nowhere\" for bind");
	expect1(NULL, "defaults\n{\n instances = many\n}\n",
	    "p:3: bad value \"many\" for instances: a number from 1 to 1000000 or "
	    "UNLIMITED");
	expect1(NULL, "defaults\n{\n no_new_privs = no\n}\n"
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /bin/cat\n}\n",
	    "p:3: no_new_privs = no is refused unless seccomp = none (service "
	    "\"qotd\")");
}

/* ---- the directory ---- */

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) <
	    (int)sizeof(path));
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
make_dir(struct ctx *c)
{
	strcpy(c->dir, "/tmp/hinetd-policy-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
}

static const char *
svc_text(const char *name, const char *server)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "service %s\n{\n socket_type = stream\n"
	    " wait = no\n user = nobody\n server = %s\n}\n", name, server);
	return buf;
}

static void
test_dir_order_and_skips(void **state)
{
	struct ctx *c = *state;
	char path[PATH_MAX];

	make_dir(c);
	write_file(c->dir, "20-time", svc_text("time", "/bin/b"));
	write_file(c->dir, "10-daytime", svc_text("daytime", "/bin/a"));
	write_file(c->dir, "30-qotd", svc_text("qotd", "/bin/c"));
	/* not read: each would be a duplicate or an error */
	write_file(c->dir, "10-daytime~", "garbage");
	write_file(c->dir, ".10-daytime.swp", "garbage");
	write_file(c->dir, "10-daytime.dpkg-old", "garbage");
	write_file(c->dir, "10-daytime.dpkg-dist", "garbage");
	write_file(c->dir, "10-daytime.rpmnew", "garbage");
	write_file(c->dir, "10-daytime.rpmsave", "garbage");
	snprintf(path, sizeof(path), "%s/subdir", c->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dangling", c->dir);
	assert_int_equal(symlink("/nonexistent-hinetd", path), 0);

	policy_dir_parse(c->cfg, c->dir, 0, &c->d);
	print_diags(&c->d);
	assert_int_equal(c->d.n, 0);
	assert_int_equal(c->cfg->nsvcs, 3);
	assert_string_equal(c->cfg->svcs[0]->name, "daytime");
	assert_string_equal(c->cfg->svcs[1]->name, "time");
	assert_string_equal(c->cfg->svcs[2]->name, "qotd");
	snprintf(path, sizeof(path), "%s/10-daytime", c->dir);
	assert_string_equal(c->cfg->svcs[0]->origin[ATTR_SERVICE].file, path);
	assert_int_equal(c->cfg->svcs[0]->origin[ATTR_SERVICE].line, 1);
}

static void
test_dir_includedir(void **state)
{
	struct ctx *c = *state;
	char path[PATH_MAX], msg[2 * PATH_MAX + 64];

	make_dir(c);
	snprintf(path, sizeof(path), "%s/more", c->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(path, "a", svc_text("qotd", "/bin/q"));
	write_file(path, "b~", "garbage");
	/* relative to the including file's directory; defaults in a later file */
	write_file(c->dir, "main", "includedir more\n");
	write_file(c->dir, "zz", "defaults\n{\n instances = 3\n}\n");
	policy_dir_parse(c->cfg, c->dir, 0, &c->d);
	print_diags(&c->d);
	assert_int_equal(c->d.n, 0);
	assert_int_equal(c->cfg->nsvcs, 1);
	assert_int_equal(c->cfg->svcs[0]->instances, 3);

	/* a loop, and a missing directory */
	write_file(path, "loop", "includedir ..\n");
	write_file(c->dir, "nothere", "includedir /nonexistent-hinetd-dir\n");
	config_free(c->cfg);
	c->cfg = config_new();
	diag_free(&c->d);
	policy_dir_parse(c->cfg, c->dir, 0, &c->d);
	assert_int_equal(c->d.errors, 2);
	snprintf(msg, sizeof(msg), "%s/more/loop:1: includedir \"%s/more/..\" "
	    "includes itself", c->dir, c->dir);
	assert_string_equal(c->d.msgs[0], msg);
	snprintf(msg, sizeof(msg), "%s/nothere:1: includedir "
	    "\"/nonexistent-hinetd-dir\": No such file or directory", c->dir);
	assert_string_equal(c->d.msgs[1], msg);
}

static void
test_dir_missing(void **state)
{
	struct ctx *c = *state;
	const char *want[] = { "/nonexistent-hinetd.d: cannot open policy "
	    "directory: No such file or directory", NULL };

	assert_int_equal(policy_dir_parse(c->cfg, "/nonexistent-hinetd.d", 1,
	    &c->d), 0);
	assert_int_equal(c->d.n, 0);
	assert_int_equal(policy_dir_parse(c->cfg, "/nonexistent-hinetd.d", 0,
	    &c->d), 1);
	assert_msgs(&c->d, want);
}

static void
test_dir_errors_name_file(void **state)
{
	struct ctx *c = *state;
	char msg[2 * PATH_MAX + 64];

	make_dir(c);
	write_file(c->dir, "bad", "service qotd\n{\n banner = /etc/issue\n}\n");
	assert_int_equal(policy_dir_parse(c->cfg, c->dir, 0, &c->d), 1);
	snprintf(msg, sizeof(msg),
	    "%s/bad:3: xinetd attribute \"banner\" is not supported", c->dir);
	assert_string_equal(c->d.msgs[0], msg);
}

static void
test_skipped_names(void **state)
{
	(void)state;
	assert_true(policy_name_skipped("foo~"));
	assert_true(policy_name_skipped("foo.swp"));
	assert_true(policy_name_skipped(".foo.swp"));
	assert_true(policy_name_skipped("foo.dpkg-old"));
	assert_true(policy_name_skipped("foo.dpkg-new"));
	assert_true(policy_name_skipped("foo.dpkg-dist"));
	assert_true(policy_name_skipped("foo.rpmnew"));
	assert_true(policy_name_skipped("foo.rpmsave"));
	assert_true(policy_name_skipped("foo.rpm"));
	assert_true(policy_name_skipped("."));
	assert_true(policy_name_skipped(".."));
	assert_false(policy_name_skipped("foo"));
	assert_false(policy_name_skipped("foo.conf"));
	assert_false(policy_name_skipped("foo.swap"));
	assert_false(policy_name_skipped("foo.dpkg"));
	assert_false(policy_name_skipped("~foo"));
	assert_false(policy_name_skipped(".hidden"));
}

static void
test_limits_errors(void **state)
{
	struct ctx *c = *state;
	char *text, *p;
	const char *want1[] = { "p:7: attribute \"only_from\": more than 256 values",
	    NULL };
	const char *want2[] = { "p:1027: more than 1024 lines in defaults", NULL };
	const char *want3[] = { "p:7: more than 126 server_args", NULL };

	/* 257 values on one line */
	text = xmalloc(8192);
	p = text + sprintf(text, "%s only_from =", def_head);
	for (int i = 0; i < 257; i++)
		p += sprintf(p, " 10.0.0.%d", i % 250);
	strcpy(p, "\n}\n");
	pol(c, text);
	assert_msgs(&c->d, want1);
	free(text);

	/* 1025 lines in a block */
	diag_free(&c->d);
	text = xmalloc(1100 * 16 + 64);
	p = text + sprintf(text, "defaults\n{\n");
	for (int i = 0; i < 1025; i++)
		p += sprintf(p, " env += A%d=1\n", i);
	strcpy(p, "}\n");
	pol(c, text);
	assert_msgs(&c->d, want2);
	free(text);

	/* 127 server_args */
	diag_free(&c->d);
	text = xmalloc(8192);
	p = text + sprintf(text, "service qotd\n{\n socket_type = stream\n"
	    " wait = no\n user = nobody\n server = /bin/echo\n server_args =");
	for (int i = 0; i < 127; i++)
		p += sprintf(p, " a");
	strcpy(p, "\n}\n");
	pol(c, text);
	assert_msgs(&c->d, want3);
	free(text);

	expect1(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /usr/bin/\n}\n",
	    "p:6: server path must name a program: \"/usr/bin/\"");
	expect1(inetd_echo, "service echo\n{\n socket_type = streams\n}\n",
	    "p:3: unknown socket_type \"streams\"");
	expect1(inetd_echo, "service echo\n{\n protocol = icmp\n}\n",
	    "p:3: unknown protocol \"icmp\"");
}

static void
test_dir_include_errors(void **state)
{
	struct ctx *c = *state;
	char path[PATH_MAX], msg[2 * PATH_MAX + 64];

	make_dir(c);
	write_file(c->dir, "a", "includedir\n");
	/* a chain of includedir deeper than 8 */
	snprintf(path, sizeof(path), "%s", c->dir);
	for (int i = 0; i < 9; i++) {
		write_file(path, "next", "includedir d\n");
		strcat(path, "/d");
		assert_int_equal(mkdir(path, 0755), 0);
	}
	policy_dir_parse(c->cfg, c->dir, 0, &c->d);
	assert_int_equal(c->d.errors, 2);
	snprintf(msg, sizeof(msg), "%s/a:1: includedir needs one directory",
	    c->dir);
	assert_string_equal(c->d.msgs[0], msg);
	snprintf(path, sizeof(path), "%s/d/d/d/d/d/d/d/d", c->dir);
	snprintf(msg, sizeof(msg), "%s/d/d/d/d/d/d/d/next:1: includedir "
	    "\"%s\": nested too deep", c->dir, path);
	assert_string_equal(c->d.msgs[1], msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_define_basic),
		T(test_define_syntax_forms),
		T(test_define_numeric_user),
		T(test_define_nameinargs),
		T(test_define_tcpd),
		T(test_define_protocol_flags),
		T(test_define_port),
		T(test_define_internal),
		T(test_define_errors),
		T(test_duplicates),
		T(test_attr_access),
		T(test_attr_only_from_empty),
		T(test_attr_limits),
		T(test_attr_process),
		T(test_attr_rlimits),
		T(test_attr_logging_flags_disable),
		T(test_attr_sandbox),
		T(test_no_new_privs),
		T(test_syntax_errors),
		T(test_long_line_and_nul),
		T(test_many_errors_reported),
		T(test_overlay_all),
		T(test_overlay_select),
		T(test_overlay_errors),
		T(test_defaults),
		T(test_defaults_bind),
		T(test_defaults_errors),
		T(test_dir_order_and_skips),
		T(test_dir_includedir),
		T(test_dir_missing),
		T(test_dir_errors_name_file),
		T(test_skipped_names),
		T(test_limits_errors),
		T(test_dir_include_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
