/*
 * test_hosts_access.c: unit tests of the access engine (policy/hosts_*.c):
 * every pattern form, the evaluation order and its look-up requests, every
 * option, %-expansion, the snapshot encoding, and every diagnostic.
 * Uses only users and groups every Debian system has (root, nobody).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/util.h"
#include "common/wire.h"
#include "policy/hosts_access.h"

#define NAME_UNSET (-1)

static char tmpdir[] = "/tmp/test_hosts_access.XXXXXX";

/* ---- helpers ---- */

static struct ha_table *
parse_flags(const char *file, const char *text, unsigned flags, struct diag *d)
{
	return ha_parse(file, text, text != NULL ? strlen(text) : 0, flags, d);
}

static struct ha_table *
parse_ok(const char *file, const char *text)
{
	struct diag d;
	struct ha_table *t;

	diag_init(&d);
	t = parse_flags(file, text, HA_PARSE_SYSTEM, &d);
	if (t == NULL)
		diag_print(&d, stderr);
	assert_non_null(t);
	assert_int_equal(d.errors, 0);
	diag_free(&d);
	return t;
}

/* The diagnostics of a parse, joined by '|'; parse must fail if err. */
static char *
parse_msgs(const char *text, unsigned flags, int want_fail)
{
	static char buf[4096];
	struct diag d;
	struct ha_table *t;

	diag_init(&d);
	t = parse_flags("t", text, flags, &d);
	if (want_fail)
		assert_null(t);
	else
		assert_non_null(t);
	buf[0] = '\0';
	for (size_t i = 0; i < d.n; i++) {
		if (i > 0)
			strncat(buf, "|", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, d.msgs[i], sizeof(buf) - strlen(buf) - 1);
	}
	ha_table_free(t);
	diag_free(&d);
	return buf;
}

static void
expect_error(const char *text, const char *msg)
{
	assert_string_equal(parse_msgs(text, HA_PARSE_SYSTEM, 1), msg);
}

static void
set_addr(struct ha_endpoint *e, const char *addr)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(4242);
		assert_int_equal(ha_endpoint_set_addr(e, (struct sockaddr *)sin,
		    sizeof(*sin)), 0);
		return;
	}
	char buf[64], *pct;
	str_copy(buf, addr, sizeof(buf));
	if ((pct = strchr(buf, '%')) != NULL) {
		*pct++ = '\0';
		s6->sin6_scope_id = (uint32_t)atoi(pct);
	}
	assert_int_equal(inet_pton(AF_INET6, buf, &s6->sin6_addr), 1);
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(4242);
	assert_int_equal(ha_endpoint_set_addr(e, (struct sockaddr *)s6,
	    sizeof(*s6)), 0);
}

/*
 * A request: daemon, client address (NULL: unknown), client name state
 * (NAME_UNSET: not looked up) and name, user (NULL: not asked).
 */
static void
mkreq(struct ha_request *r, const char *daemon, const char *addr, int nstate,
    const char *name, const char *user)
{
	ha_request_init(r, daemon, NULL);
	if (addr != NULL)
		set_addr(&r->client, addr);
	if (nstate != NAME_UNSET)
		ha_endpoint_set_name(&r->client, (enum ha_name_state)nstate, name);
	if (user != NULL)
		ha_request_set_user(r, strcmp(user, "?") == 0 ? NULL : user);
}

/* "granted", "denied FILE:LINE", "need-hostname", ... */
static const char *
decide(const struct ha_table *allow, const struct ha_table *deny,
    struct ha_request *r)
{
	static char buf[256];
	struct ha_decision dec;
	enum ha_status st = ha_eval(allow, deny, r, &dec);

	if (dec.rule != NULL)
		snprintf(buf, sizeof(buf), "%s %s:%d", ha_status_name(st),
		    dec.file, dec.line);
	else
		snprintf(buf, sizeof(buf), "%s", ha_status_name(st));
	return buf;
}

/* Decision of "ALL: <pattern>" in hosts.deny for a client. */
static const char *
deny_one(const char *pattern, const char *addr, int nstate, const char *name,
    const char *user)
{
	static char out[256];
	char rule[512];
	struct ha_table *t;
	struct ha_request r;

	snprintf(rule, sizeof(rule), "ALL: %s\n", pattern);
	t = parse_ok("hosts.deny", rule);
	mkreq(&r, "in.telnetd", addr, nstate, name, user);
	str_copy(out, decide(NULL, t, &r), sizeof(out));
	ha_table_free(t);
	return out;
}

#define DENIED  "denied hosts.deny:1"
#define GRANTED "granted"
#define K HA_NAME_KNOWN
#define U HA_NAME_UNKNOWN
#define P HA_NAME_PARANOID

static char *
write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* ---- file syntax ---- */

static void
test_syntax_lines(void **state)
{
	struct ha_table *t;
	struct ha_request r;

	(void)state;
	/* Comments only in column 1; blank lines; continuation joins without
	 * a blank and numbers the rule by its last line. */
	t = parse_ok("a", "# c: ALL\n\n  \t\nin.telnetd: 10.0.0.\\\n1\n"
	    "ALL: 10.0.0.2 \\\n  10.0.0.3\n # in.ftpd: ALL\n");
	assert_int_equal(t->n, 3);
	assert_int_equal(t->rules[0].line, 5);
	assert_int_equal(t->rules[1].line, 7);
	assert_int_equal(t->rules[2].line, 8);
	mkreq(&r, "in.telnetd", "10.0.0.1", U, NULL, "?");
	assert_string_equal(decide(t, NULL, &r), "granted a:5");
	mkreq(&r, "x", "10.0.0.3", U, NULL, "?");
	assert_string_equal(decide(t, NULL, &r), "granted a:7");
	/* " # in.ftpd" is a rule whose daemon list holds "#" and "in.ftpd" */
	mkreq(&r, "in.ftpd", "10.9.9.9", U, NULL, "?");
	assert_string_equal(decide(t, NULL, &r), "granted a:8");
	ha_table_free(t);

	/* A comment continues onto the next line too. */
	t = parse_ok("a", "# x \\\nALL: ALL\n");
	assert_int_equal(t->n, 0);
	ha_table_free(t);

	/* Separators: blanks, tabs, commas, CR. */
	t = parse_ok("a", "in.a,in.b\tin.c , in.d: ,,10.0.0.1,,\r\n");
	assert_int_equal(t->rules[0].daemons.n, 4);
	assert_int_equal(t->rules[0].clients.n, 1);
	ha_table_free(t);

	/* Missing file (NULL text) and empty text: empty tables. */
	t = parse_ok("a", NULL);
	assert_int_equal(t->n, 0);
	ha_table_free(t);
	t = parse_ok("a", "");
	assert_int_equal(t->n, 0);
	ha_table_free(t);

	/* ':' inside [brackets] does not split the rule. */
	t = parse_ok("a", "ALL: [fd00::1] [fd00::]/16 : allow\n");
	assert_int_equal(t->rules[0].clients.n, 2);
	assert_int_equal(t->rules[0].nopts, 1);
	ha_table_free(t);
}

static void
test_syntax_errors(void **state)
{
	char big[HA_RULE_MAX + 32];

	(void)state;
	expect_error("ALL: ALL", "t:1: missing newline at end of file (tcpd "
	    "ignores this rule and every rule after it)");
	expect_error("ALL: ALL\nALL: \\\n", "t:2: missing newline at end of "
	    "file (tcpd ignores this rule and every rule after it)");
	expect_error("ALL: A\vB\n", "t:1: control character 0x0b in rule");
	expect_error("in.telnetd ALL\n", "t:1: missing \":\" separator");
	expect_error(":ALL\n", "t:1: empty daemon list");
	expect_error("ALL:\n", "t:1: empty client list");
	expect_error("ALL: , :allow\n", "t:1: empty client list");
	expect_error("ALL: EXCEPT 10.0.0.1\n",
	    "t:1: EXCEPT without a pattern before it in the client list");
	expect_error("ALL: 10.0.0.1 EXCEPT\n",
	    "t:1: EXCEPT without a pattern after it in the client list");
	expect_error("ALL EXCEPT EXCEPT x: ALL\n",
	    "t:1: EXCEPT without a pattern before it in the daemon list");
	expect_error("ALL: bob@\n", "t:1: bob@: empty host after '@'");
	expect_error("in.telnetd@: ALL\n",
	    "t:1: in.telnetd@: empty host after '@'");
	expect_error("ALL: @\n", "t:1: empty netgroup name");
	memset(big, 'a', sizeof(big));
	memcpy(big, "ALL: ", 5);
	big[HA_RULE_MAX + 1] = '\n';
	big[HA_RULE_MAX + 2] = '\0';
	expect_error(big, "t:1: rule longer than 8190 bytes");
	/* EXCEPT nesting is bounded (the snapshot decoder has the same bound). */
	char deep[1024] = "ALL: a";
	for (int i = 0; i < HA_EXCEPT_DEPTH; i++)
		strcat(deep, " EXCEPT a");
	strcat(deep, "\n");
	assert_string_equal(parse_msgs(deep, 0, 0), "");
	deep[strlen(deep) - 1] = '\0';
	strcat(deep, " EXCEPT a\n");
	expect_error(deep, "t:1: EXCEPT nested more than 64 deep in the client list");
	/* Every error is reported, not just the first. */
	expect_error("x\nALL:\n", "t:1: missing \":\" separator|"
	    "t:2: empty client list");
	/* A NUL byte within the text ends nothing: it is an error. */
	struct diag d;
	diag_init(&d);
	assert_null(ha_parse("t", "ALL: ALL\n\0\n", 11, 0, &d));
	assert_string_equal(d.msgs[0], "t:2: NUL byte in rule");
	diag_free(&d);
}

/* ---- patterns ---- */

static void
test_keywords(void **state)
{
	(void)state;
	assert_string_equal(deny_one("ALL", "10.0.0.1", NAME_UNSET, NULL, NULL), DENIED);
	assert_string_equal(deny_one("all", NULL, U, NULL, NULL), DENIED);

	/* LOCAL: a confirmed name without a dot. */
	assert_string_equal(deny_one("LOCAL", "10.0.0.1", K, "gamma", NULL), DENIED);
	assert_string_equal(deny_one("local", "10.0.0.1", K, "g.example", NULL), GRANTED);
	assert_string_equal(deny_one("LOCAL", "10.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("LOCAL", "10.0.0.1", P, NULL, NULL), GRANTED);

	/* KNOWN: address and confirmed name. */
	assert_string_equal(deny_one("KNOWN", "10.0.0.1", K, "a.example", NULL), DENIED);
	assert_string_equal(deny_one("Known", "10.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("KNOWN", "10.0.0.1", P, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("KNOWN", NULL, U, NULL, NULL), GRANTED);

	/* UNKNOWN: the name (or the address) is "unknown"; not paranoid. */
	assert_string_equal(deny_one("UNKNOWN", "10.0.0.1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("unknown", "10.0.0.1", K, "a.example", NULL), GRANTED);
	assert_string_equal(deny_one("UNKNOWN", "10.0.0.1", P, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("UNKNOWN", NULL, P, NULL, NULL), DENIED);

	/* PARANOID: the name failed forward confirmation. */
	assert_string_equal(deny_one("PARANOID", "10.0.0.1", P, NULL, NULL), DENIED);
	assert_string_equal(deny_one("paranoid", "10.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("PARANOID", "10.0.0.1", K, "a.example", NULL), GRANTED);
}

static void
test_names_and_addresses(void **state)
{
	(void)state;
	/* Exact name, case-blind; the address is tried first. */
	assert_string_equal(deny_one("Alpha.Example.COM", "10.0.0.1", K,
	    "alpha.example.com", NULL), DENIED);
	assert_string_equal(deny_one("alpha.example.com", "10.0.0.1", U, NULL,
	    NULL), GRANTED);
	assert_string_equal(deny_one("10.0.0.1", "10.0.0.1", NAME_UNSET, NULL,
	    NULL), DENIED);
	/* Textual: another spelling of the address is another string. */
	assert_string_equal(deny_one("10.0.0.01", "10.0.0.1", U, NULL, NULL), GRANTED);
	/* .domain.suffix: the last components; not the bare domain. */
	assert_string_equal(deny_one(".example.com", "10.0.0.1", K,
	    "a.b.EXAMPLE.com", NULL), DENIED);
	assert_string_equal(deny_one(".example.com", "10.0.0.1", K,
	    "example.com", NULL), GRANTED);
	assert_string_equal(deny_one(".example.com", "10.0.0.1", K,
	    "badexample.com", NULL), GRANTED);
	/* ... which also applies to the address string, as in tcpd. */
	assert_string_equal(deny_one(".0.0.1", "10.0.0.1", U, NULL, NULL), DENIED);
	/* address.prefix. and name.prefix. */
	assert_string_equal(deny_one("10.0.", "10.0.3.4", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.0.", "10.1.0.4", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("10.0.", "100.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("ALPHA.", "10.9.9.9", K, "alpha.example.com",
	    NULL), DENIED);
	/* A numeric prefix is never tried against the name. */
	assert_string_equal(deny_one("10.0.", "192.0.2.1", NAME_UNSET, NULL,
	    NULL), GRANTED);
}

static void
test_netmask(void **state)
{
	(void)state;
	assert_string_equal(deny_one("10.0.0.0/255.0.0.0", "10.9.8.7", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.0.0.0/255.0.0.0", "11.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("10.1.0.0/16", "10.1.200.3", NAME_UNSET, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.1.0.0/16", "10.2.0.3", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("10.1.0.0/016", "10.1.0.3", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.0.0.1/32", "10.0.0.1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("0.0.0.0/0.0.0.0", "192.0.2.1", U, NULL, NULL), DENIED);
	/* Non-contiguous masks are accepted and applied bit by bit. */
	assert_string_equal(deny_one("10.0.0.1/255.0.0.255", "10.7.7.1", U, NULL, NULL), DENIED);
	/* IPv6 clients never match IPv4 nets. */
	assert_string_equal(deny_one("0.0.0.0/0.0.0.0", "fd00::1", U, NULL, NULL), GRANTED);
	/* IPv4-mapped clients are matched as IPv4. */
	assert_string_equal(deny_one("10.0.0.0/8", "::ffff:10.1.2.3", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.1.2.3", "::ffff:10.1.2.3", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.1.", "::ffff:10.1.2.3", U, NULL, NULL), DENIED);
	/* tcpd's inet_aton() reading: 012 is octal (with a warning). */
	assert_string_equal(parse_msgs("ALL: 012.0.0.0/255.0.0.0\n",
	    HA_PARSE_SYSTEM, 0), "t:1: warning: 012.0.0.0/255.0.0.0: octal or "
	    "hexadecimal number in address, read as 10.0.0.0/255.0.0.0");
	assert_string_equal(deny_one("012.0.0.0/8", "10.1.1.1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("0x0a.0.0.0/8", "10.1.1.1", U, NULL, NULL), DENIED);
}

static void
test_ipv6(void **state)
{
	(void)state;
	assert_string_equal(deny_one("[fd00::1]", "fd00::1", NAME_UNSET, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[FD00:0::0001]", "fd00::1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fd00::1]", "fd00::2", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("[fd00::1]", "10.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("[fd00::]/16", "fd00:1:2::3", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fd00::]/16", "fd01::3", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("[fd00:1::]/127", "fd00:1::1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fd00:1::]/127", "fd00:1::2", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("[fd00:1::]/121", "fd00:1::7f", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fd00:1::]/121", "fd00:1::80", U, NULL, NULL), GRANTED);
	/* host bits in an IPv6 net are ignored, as tcpd does */
	assert_string_equal(deny_one("[fd00::1]/64", "fd00::99", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[::]/0", "2001:db8::1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[::]/0", "10.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("[::1]/128", "::1", U, NULL, NULL), DENIED);
	/* scope: a pattern with a scope needs the same scope */
	assert_string_equal(deny_one("[fe80::1%3]", "fe80::1%3", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fe80::1%3]", "fe80::1%4", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("[fe80::1]", "fe80::1%4", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fe80::%2]/64", "fe80::9%2", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("[fe80::%2]/64", "fe80::9%1", U, NULL, NULL), GRANTED);
	/* a scope name is resolved with HA_PARSE_SYSTEM (lo is index 1) */
	assert_string_equal(deny_one("[fe80::1%lo]", "fe80::1%1", U, NULL, NULL), DENIED);
}

static void
test_wildcards(void **state)
{
	(void)state;
	assert_string_equal(deny_one("*.example.com", "10.0.0.1", K,
	    "a.EXAMPLE.com", NULL), DENIED);
	assert_string_equal(deny_one("?lpha.*", "10.0.0.1", K, "alpha.x", NULL), DENIED);
	assert_string_equal(deny_one("?lpha.*", "10.0.0.1", K, "lpha.x", NULL), GRANTED);
	assert_string_equal(deny_one("10.0.0.?", "10.0.0.7", NAME_UNSET, NULL, NULL), DENIED);
	assert_string_equal(deny_one("10.0.0.?", "10.0.0.17", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("*", "10.0.0.17", NAME_UNSET, NULL, NULL), DENIED);
	assert_string_equal(deny_one("a*b*c", "10.0.0.1", K, "aXbYbZc", NULL), DENIED);
	assert_string_equal(deny_one("a*b*c", "10.0.0.1", K, "aXbYbZcd", NULL), GRANTED);
	/* as in tcpd, a name wildcard also meets "unknown"/"paranoid" */
	assert_string_equal(deny_one("unk*", "10.0.0.1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("PAR*", "10.0.0.1", P, NULL, NULL), DENIED);
	/* an address-shaped wildcard is never tried against the name */
	assert_string_equal(deny_one("10.0.0.*", "192.0.2.1", NAME_UNSET, NULL,
	    NULL), GRANTED);
	/* a long pathological pattern stays cheap */
	assert_string_equal(deny_one("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "10.0.0.1",
	    K, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    NULL), GRANTED);
}

static void
test_except(void **state)
{
	(void)state;
	assert_string_equal(deny_one("ALL EXCEPT 10.0.0.1", "10.0.0.1", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("ALL except 10.0.0.1", "10.0.0.2", U, NULL, NULL), DENIED);
	/* a EXCEPT b EXCEPT c == a EXCEPT (b EXCEPT c) */
	assert_string_equal(deny_one("ALL EXCEPT 10.0.0.0/8 EXCEPT 10.0.0.1",
	    "10.0.0.1", U, NULL, NULL), DENIED);
	assert_string_equal(deny_one("ALL EXCEPT 10.0.0.0/8 EXCEPT 10.0.0.1",
	    "10.0.0.2", U, NULL, NULL), GRANTED);
	assert_string_equal(deny_one("10.0.0.2 10.0.0.3 EXCEPT 10.0.0.3",
	    "10.0.0.3", U, NULL, NULL), GRANTED);

	/* Daemon lists too. */
	struct ha_table *t = parse_ok("d", "ALL EXCEPT in.fingerd: ALL\n");
	struct ha_request r;
	mkreq(&r, "in.fingerd", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	mkreq(&r, "in.telnetd", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	ha_table_free(t);
}

static void
test_users(void **state)
{
	(void)state;
	assert_string_equal(deny_one("bob@10.0.0.1", "10.0.0.1", U, NULL, "bob"), DENIED);
	assert_string_equal(deny_one("BOB@10.0.0.1", "10.0.0.1", U, NULL, "bob"), DENIED);
	assert_string_equal(deny_one("bob@10.0.0.1", "10.0.0.1", U, NULL, "alice"), GRANTED);
	assert_string_equal(deny_one("b*@ALL", "10.0.0.1", U, NULL, "bob"), DENIED);
	assert_string_equal(deny_one("KNOWN@ALL", "10.0.0.1", U, NULL, "bob"), DENIED);
	assert_string_equal(deny_one("KNOWN@ALL", "10.0.0.1", U, NULL, "?"), GRANTED);
	assert_string_equal(deny_one("UNKNOWN@ALL", "10.0.0.1", U, NULL, "?"), DENIED);
	assert_string_equal(deny_one("ALL@.example.com", "10.0.0.1", K,
	    "a.example.com", "?"), DENIED);
	/* user@ with a netgroup and a list file as the host part */
	assert_string_equal(deny_one("bob@@grp", "10.0.0.1", U, NULL, "bob"), GRANTED);
}

static void
test_netgroup(void **state)
{
	(void)state;
	/* NIS netgroups never match (the listener has no NIS); a warning. */
	assert_string_equal(parse_msgs("ALL: @trusted\n", HA_PARSE_SYSTEM, 0),
	    "t:1: warning: @trusted: NIS netgroups are not supported, this "
	    "pattern never matches");
	assert_string_equal(deny_one("@trusted", "10.0.0.1", K, "a.example", NULL),
	    GRANTED);
	/* no name look-up for it */
	assert_string_equal(deny_one("@trusted", "10.0.0.1", NAME_UNSET, NULL, NULL),
	    GRANTED);
}

static void
test_list_files(void **state)
{
	char rule[4096], p1[512], p2[512], p3[512];
	struct ha_table *t;
	struct ha_request r;
	struct diag d;

	(void)state;
	str_copy(p1, write_file("l1", "10.0.0.1 .example.com\n\t[fd00::]/16\n"
	    "EXCEPT bob@10.0.0.9 10.0.0.5,10.0.0.6\n"), sizeof(p1));
	str_copy(p2, write_file("l2", ""), sizeof(p2));
	snprintf(rule, sizeof(rule), "%s\nKNOWN\n", p1);
	str_copy(p3, write_file("l3", rule), sizeof(p3));      /* nested */

	snprintf(rule, sizeof(rule), "ALL: %s\n", p1);
	t = parse_ok("d", rule);
	mkreq(&r, "x", "10.0.0.1", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	mkreq(&r, "x", "fd00::7", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	mkreq(&r, "x", "10.0.0.2", K, "h.example.com", NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	/* words are patterns: "EXCEPT" is a word, user@host and
	 * comma-joined words are plain strings */
	mkreq(&r, "x", "10.0.0.9", U, NULL, "bob");
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	mkreq(&r, "x", "10.0.0.5", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	mkreq(&r, "x", "10.0.0.2", K, "except", NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	ha_table_free(t);

	snprintf(rule, sizeof(rule), "ALL: %s\nALL EXCEPT x@%s: bob@%s\n", p2, p3, p3);
	t = parse_ok("d", rule);
	mkreq(&r, "sshd", "10.0.0.1", U, NULL, "bob");
	assert_string_equal(decide(NULL, t, &r), "denied d:2");
	ha_table_free(t);

	/* '#' is not a comment in a list file: a warning. */
	str_copy(p2, write_file("l4", "# 10.0.0.1\n"), sizeof(p2));
	snprintf(rule, sizeof(rule), "ALL: %s\n", p2);
	diag_init(&d);
	t = parse_flags("d", rule, HA_PARSE_SYSTEM, &d);
	assert_non_null(t);
	assert_int_equal(d.warnings, 1);
	snprintf(rule, sizeof(rule), "%s:1: warning: '#' does not start a comment "
	    "in a list file: every word is a pattern", p2);
	assert_string_equal(d.msgs[0], rule);
	mkreq(&r, "x", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	ha_table_free(t);
	diag_free(&d);
}

static void
test_list_file_errors(void **state)
{
	char rule[4096], want[4096], path[512];

	(void)state;
	snprintf(rule, sizeof(rule), "ALL: %s/nonexistent\n", tmpdir);
	snprintf(want, sizeof(want), "t:1: list file %s/nonexistent does not exist",
	    tmpdir);
	expect_error(rule, want);

	snprintf(rule, sizeof(rule), "ALL: %s\n", tmpdir);
	snprintf(want, sizeof(want), "t:1: list file %s: not a regular file", tmpdir);
	expect_error(rule, want);

	/* The listener cannot read files: only privd's parse expands them. */
	snprintf(rule, sizeof(rule), "ALL: %s/l1\n", tmpdir);
	snprintf(want, sizeof(want), "t:1: list file %s/l1 cannot be read here",
	    tmpdir);
	assert_string_equal(parse_msgs(rule, 0, 1), want);

	/* A list that includes itself. */
	snprintf(path, sizeof(path), "%s/self", tmpdir);
	write_file("self", path);
	snprintf(rule, sizeof(rule), "ALL: %s\n", path);
	snprintf(want, sizeof(want), "%s:1: list file %s: list files nested more "
	    "than 8 deep", path, path);
	assert_non_null(strstr(parse_msgs(rule, HA_PARSE_SYSTEM, 1), want));

	/* Errors inside a list file name the list file and its line. */
	write_file("bad", "10.0.0.1\n\n10/8\n");
	snprintf(rule, sizeof(rule), "ALL: %s/bad\n", tmpdir);
	snprintf(want, sizeof(want), "%s/bad:3: 10/8: bad network: write "
	    "n.n.n.n/m.m.m.m, n.n.n.n/len or [ipv6]/len", tmpdir);
	expect_error(rule, want);

	/* A word longer than a rule */
	snprintf(path, sizeof(path), "%s/long", tmpdir);
	FILE *lf = fopen(path, "w");
	assert_non_null(lf);
	fputs("10.0.0.1\n", lf);
	for (int i = 0; i < HA_RULE_MAX + 1; i++)
		fputc('a', lf);
	fputc('\n', lf);
	fclose(lf);
	snprintf(rule, sizeof(rule), "ALL: %s\n", path);
	snprintf(want, sizeof(want), "%s:2: word longer than 8190 bytes", path);
	expect_error(rule, want);

	/* NUL in a list file */
	snprintf(path, sizeof(path), "%s/nul", tmpdir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fwrite("a\0b\n", 1, 4, fp);
	fclose(fp);
	snprintf(rule, sizeof(rule), "ALL: %s\n", path);
	snprintf(want, sizeof(want), "%s: NUL byte in list file", path);
	expect_error(rule, want);
}

static void
test_pattern_errors(void **state)
{
	(void)state;
	expect_error("ALL: 10.0.0.1/24\n", "t:1: 10.0.0.1/24: network has bits "
	    "outside the mask, it never matches");
	expect_error("ALL: 10.0.0.0/0\n", "t:1: 10.0.0.0/0: bad mask: write "
	    "m.m.m.m (not 255.255.255.255) or a length 1..32");
	expect_error("ALL: 10.0.0.0/33\n", "t:1: 10.0.0.0/33: bad mask: write "
	    "m.m.m.m (not 255.255.255.255) or a length 1..32");
	expect_error("ALL: 10.0.0.1/255.255.255.255\n", "t:1: 10.0.0.1/"
	    "255.255.255.255: bad mask: write m.m.m.m (not 255.255.255.255) or a "
	    "length 1..32");
	expect_error("ALL: 10.0.0.0/8x\n", "t:1: 10.0.0.0/8x: bad mask: write "
	    "m.m.m.m (not 255.255.255.255) or a length 1..32");
	expect_error("ALL: 10/8\n", "t:1: 10/8: bad network: write "
	    "n.n.n.n/m.m.m.m, n.n.n.n/len or [ipv6]/len");
	expect_error("ALL: 255.255.255.255/8\n", "t:1: 255.255.255.255/8: bad "
	    "network: write n.n.n.n/m.m.m.m, n.n.n.n/len or [ipv6]/len");
	expect_error("ALL: [fd00::]x/64\n", "t:1: [fd00::]x/64: bad IPv6 network: "
	    "write [address]/length");
	expect_error("ALL: [fd00::g]/64\n", "t:1: [fd00::g]/64: bad IPv6 address");
	expect_error("ALL: [fd00::]/129\n", "t:1: [fd00::]/129: bad IPv6 prefix "
	    "length (0..128)");
	expect_error("ALL: [fd00::]/\n", "t:1: [fd00::]/: bad IPv6 prefix length "
	    "(0..128)");
	expect_error("ALL: [::ffff:10.0.0.0]/104\n", "t:1: [::ffff:10.0.0.0]/104: "
	    "IPv4-mapped IPv6 address never matches: IPv4-mapped clients are "
	    "matched as IPv4, use the IPv4 form");
	expect_error("ALL: [10.0.0.1]\n", "t:1: [10.0.0.1]: bad IPv6 address");
	expect_error("ALL: [fd00::1/64]\n", "t:1: [fd00::1/64]: bad IPv6 address");
	expect_error("ALL: [fd00::1].\n", "t:1: [fd00::1].: '[' or ']' outside an "
	    "[IPv6] address");
	expect_error("ALL: [fe80::1%nosuchif0]\n", "t:1: [fe80::1%nosuchif0]: "
	    "unknown IPv6 scope (interface)");
	assert_string_equal(parse_msgs("ALL: [fe80::1%lo]\n", 0, 1),
	    "t:1: [fe80::1%lo]: bad IPv6 scope");
}

static void
test_daemons(void **state)
{
	struct ha_table *t;
	struct ha_request r;

	(void)state;
	t = parse_ok("d", "IN.TELNETD: ALL\nin.*: ALL\nKNOWN: ALL\n");
	mkreq(&r, "in.telnetd", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	mkreq(&r, "in.ftpd", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:2");
	mkreq(&r, "sshd", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:3");
	mkreq(&r, "unknown", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	ha_table_free(t);

	/* The service name matches too, item by item (so EXCEPT excludes a
	 * service named either way). */
	t = parse_ok("d", "telnet: ALL\nALL EXCEPT in.ftpd: 10.0.0.2\n");
	ha_request_init(&r, "in.telnetd", "telnet");
	set_addr(&r.client, "10.0.0.1");
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	ha_request_init(&r, "in.ftpd", "ftp");
	set_addr(&r.client, "10.0.0.2");
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	ha_request_init(&r, "in.x", "in.ftpd");
	set_addr(&r.client, "10.0.0.2");
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	ha_table_free(t);

	/* daemon@host: the server end point. */
	t = parse_ok("d", "in.telnetd@10.0.0.9: ALL\nsshd@.example.com: ALL\n"
	    "ftpd@UNKNOWN: ALL\n");
	mkreq(&r, "in.telnetd", "10.0.0.1", U, NULL, NULL);
	set_addr(&r.server, "10.0.0.9");
	assert_string_equal(decide(NULL, t, &r), "denied d:1");
	mkreq(&r, "in.telnetd", "10.0.0.1", U, NULL, NULL);
	set_addr(&r.server, "10.0.0.8");
	assert_string_equal(decide(NULL, t, &r), GRANTED);
	/* a server name is looked up only when the daemon matched */
	mkreq(&r, "sshd", "10.0.0.1", U, NULL, NULL);
	set_addr(&r.server, "10.0.0.8");
	assert_string_equal(decide(NULL, t, &r), "need-server-hostname");
	ha_endpoint_set_name(&r.server, HA_NAME_KNOWN, "s.EXAMPLE.com");
	assert_string_equal(decide(NULL, t, &r), "denied d:2");
	mkreq(&r, "ftpd", "10.0.0.1", U, NULL, NULL);
	ha_endpoint_set_name(&r.server, HA_NAME_UNKNOWN, NULL);
	assert_string_equal(decide(NULL, t, &r), "denied d:3");
	ha_table_free(t);
}

/* ---- evaluation order, look-ups, resumption ---- */

static void
test_lazy_lookups(void **state)
{
	struct ha_table *a, *d;
	struct ha_request r;

	(void)state;
	a = parse_ok("hosts.allow", "in.ftpd: .example.com\n"
	    "ALL: 10.0.0.1\n"
	    "ALL: bob@10.0.0.2\n"
	    "ALL: .example.com : allow\n");
	d = parse_ok("hosts.deny", "ALL: ALL\n");

	/* An address rule decides without any look-up. */
	mkreq(&r, "sshd", "10.0.0.1", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "granted hosts.allow:2");

	/* The name is asked for only by the rule that needs it, and the
	 * evaluation resumes there. */
	mkreq(&r, "sshd", "10.0.0.3", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "need-hostname");
	assert_int_equal(r.resume_table, 0);
	assert_int_equal(r.resume_rule, 3);
	ha_endpoint_set_name(&r.client, HA_NAME_KNOWN, "x.example.com.");
	assert_string_equal(r.client.name, "x.example.com");
	assert_string_equal(decide(a, d, &r), "granted hosts.allow:4");
	/* asking again gives the same answer */
	assert_string_equal(decide(a, d, &r), "granted hosts.allow:4");

	/* The user is asked only after the host part matched. */
	mkreq(&r, "sshd", "10.0.0.2", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "need-user");
	ha_request_set_user(&r, "alice");
	assert_string_equal(decide(a, d, &r), "need-hostname");
	ha_endpoint_set_name(&r.client, HA_NAME_UNKNOWN, NULL);
	assert_string_equal(decide(a, d, &r), "denied hosts.deny:1");

	/* The daemon list is tried before the client list. */
	mkreq(&r, "in.ftpd", "10.0.0.2", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "need-hostname");
	assert_int_equal(r.resume_rule, 0);
	ha_endpoint_set_name(&r.client, HA_NAME_PARANOID, NULL);
	assert_string_equal(decide(a, d, &r), "need-user");
	ha_request_set_user(&r, NULL);
	assert_string_equal(r.user_state == HA_USER_UNKNOWN ? "u" : "k", "u");
	assert_string_equal(decide(a, d, &r), "denied hosts.deny:1");

	/* Empty or missing tables grant. */
	mkreq(&r, "sshd", "10.0.0.3", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(NULL, NULL, &r), GRANTED);
	ha_table_free(a);
	ha_table_free(d);

	/* Options that expand %n %N %u (or rfc931) ask after the match. */
	a = parse_ok("a", "ALL: 10.0.0.1: spawn echo %n %N %u\nALL: ALL: rfc931 5\n");
	mkreq(&r, "x", "10.0.0.1", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(a, NULL, &r), "need-hostname");
	ha_endpoint_set_name(&r.client, HA_NAME_UNKNOWN, NULL);
	assert_string_equal(decide(a, NULL, &r), "need-server-hostname");
	ha_endpoint_set_name(&r.server, HA_NAME_UNKNOWN, NULL);
	assert_string_equal(decide(a, NULL, &r), "need-user");
	ha_request_set_user(&r, "bob");
	assert_string_equal(decide(a, NULL, &r), "granted a:1");
	mkreq(&r, "x", "10.0.0.2", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(a, NULL, &r), "need-user");
	ha_table_free(a);
}

static void
test_request(void **state)
{
	struct ha_request r;
	struct sockaddr_un { sa_family_t f; char p[20]; } un = { AF_UNIX, "x" };

	(void)state;
	ha_request_init(&r, "d", NULL);
	assert_string_equal(r.client.addr, "unknown");
	assert_int_equal(ha_endpoint_set_addr(&r.client, (struct sockaddr *)&un,
	    sizeof(un)), -1);
	set_addr(&r.client, "::ffff:192.0.2.9");
	assert_int_equal(r.client.family, AF_INET);
	assert_string_equal(r.client.addr, "192.0.2.9");
	assert_int_equal(r.client.port, 4242);
	set_addr(&r.client, "FD00:0:0::1");
	assert_string_equal(r.client.addr, "fd00::1");

	/* hostile names count as unknown */
	assert_int_equal(ha_endpoint_set_name(&r.client, HA_NAME_KNOWN,
	    "a;rm -rf.example"), -1);
	assert_int_equal(r.client.name_state, HA_NAME_UNKNOWN);
	assert_int_equal(ha_endpoint_set_name(&r.client, HA_NAME_KNOWN, NULL), -1);
	assert_int_equal(ha_endpoint_set_name(&r.client, HA_NAME_KNOWN, "ok.example"), 0);
	assert_int_equal(r.client.name_state, HA_NAME_KNOWN);
	assert_int_equal(ha_name_valid("a.b-c_d.example"), 1);
	assert_int_equal(ha_name_valid("gamma"), 1);
	assert_int_equal(ha_name_valid(""), 0);
	assert_int_equal(ha_name_valid("a..b"), 0);
	assert_int_equal(ha_name_valid(".a"), 0);
	assert_int_equal(ha_name_valid("10.0.0.1"), 0);
	assert_int_equal(ha_name_valid("123"), 0);
	assert_int_equal(ha_name_valid("::1"), 0);
	assert_int_equal(ha_name_valid("unknown"), 0);
	assert_int_equal(ha_name_valid("PARANOID"), 0);
	assert_int_equal(ha_name_valid("a b"), 0);
	assert_int_equal(ha_name_valid("a\xc3\xa9"), 0);
	char label[80];
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_int_equal(ha_name_valid(label), 0);
	label[63] = '\0';
	assert_int_equal(ha_name_valid(label), 1);
	char longname[300];
	memset(longname, 'a', sizeof(longname));
	for (int i = 10; i < 290; i += 10)
		longname[i] = '.';
	longname[254] = '\0';
	assert_int_equal(ha_name_valid(longname), 0);
	longname[253] = '\0';
	assert_int_equal(ha_name_valid(longname), 1);

	assert_int_equal(ha_user_valid("bob"), 1);
	assert_int_equal(ha_user_valid("u-1.x_y+z$"), 1);
	assert_int_equal(ha_user_valid(""), 0);
	assert_int_equal(ha_user_valid("a b"), 0);
	assert_int_equal(ha_user_valid("a@b"), 0);
	assert_int_equal(ha_user_valid("a;b"), 0);
	assert_int_equal(ha_request_set_user(&r, "x`id`"), -1);
	assert_int_equal(r.user_state, HA_USER_UNKNOWN);
	assert_int_equal(ha_request_set_user(&r, "bob"), 0);
	assert_int_equal(r.user_state, HA_USER_KNOWN);
}

/* ---- options ---- */

static const struct ha_rule *
one_rule(struct ha_table **t, const char *text)
{
	*t = parse_ok("o", text);
	assert_int_equal((*t)->n, 1);
	return &(*t)->rules[0];
}

static void
test_options(void **state)
{
	struct ha_table *t;
	const struct ha_rule *r;

	(void)state;
	r = one_rule(&t, "ALL: ALL: severity auth.notice : severity=INFO : "
	    "setenv  FOO   a  b   : banners /etc/banners : umask 027 : user root : "
	    "user nobody.root : nice : nice -5 : nice 50 : keepalive : linger 10 : "
	    "rfc931 : rfc931 7 : spawn = = echo a\\:b : twist /bin/echo %a\n");
	assert_int_equal(r->nopts, 16);
	assert_int_equal(r->opts[0].kind, HA_OPT_SEVERITY);
	assert_int_equal(r->opts[0].facility, LOG_AUTH);
	assert_int_equal(r->opts[0].level, LOG_NOTICE);
	assert_string_equal(r->opts[1].key, "severity");
	assert_int_equal(r->opts[1].facility, -1);
	assert_int_equal(r->opts[1].level, LOG_INFO);
	assert_int_equal(r->opts[2].kind, HA_OPT_SETENV);
	assert_string_equal(r->opts[2].value, "FOO   a  b");
	assert_string_equal(r->opts[2].name, "FOO");
	assert_string_equal(r->opts[2].arg, "a  b");
	assert_int_equal(r->opts[3].kind, HA_OPT_BANNERS);
	assert_string_equal(r->opts[3].value, "/etc/banners");
	assert_int_equal(r->opts[4].num, 027);
	assert_string_equal(r->opts[5].name, "root");
	assert_null(r->opts[5].arg);
	assert_string_equal(r->opts[6].name, "nobody");
	assert_string_equal(r->opts[6].arg, "root");
	assert_int_equal(r->opts[7].num, 10);
	assert_null(r->opts[7].value);
	assert_int_equal(r->opts[8].num, -5);
	assert_int_equal(r->opts[9].num, 19);
	assert_int_equal(r->opts[10].kind, HA_OPT_KEEPALIVE);
	assert_int_equal(r->opts[11].num, 10);
	assert_int_equal(r->opts[12].num, 0);
	assert_int_equal(r->opts[13].num, 7);
	assert_string_equal(r->opts[14].value, "= echo a:b");
	assert_int_equal(r->opts[15].kind, HA_OPT_TWIST);
	assert_int_equal(r->needs, HA_NEEDS_USER);
	assert_string_equal(ha_option_name(r->opts[15].kind), "twist");
	ha_table_free(t);
}

static void
test_option_verdicts(void **state)
{
	struct ha_table *a, *d;
	struct ha_request r;
	struct ha_decision dec;

	(void)state;
	a = parse_ok("a", "ALL: 10.0.0.1: DENY\nALL: 10.0.0.2: spawn x : allow\n"
	    "ALL: 10.0.0.3: twist /bin/echo no\n");
	d = parse_ok("d", "ALL: 10.0.0.2: deny\nALL: 10.0.0.4: ALLOW\nALL: ALL\n");
	mkreq(&r, "x", "10.0.0.1", U, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "denied a:1");
	mkreq(&r, "x", "10.0.0.2", U, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "granted a:2");
	mkreq(&r, "x", "10.0.0.3", U, NULL, NULL);
	assert_int_equal(ha_eval(a, d, &r, &dec), HA_DELEGATE);
	assert_non_null(dec.twist);
	assert_string_equal(dec.twist->value, "/bin/echo no");
	mkreq(&r, "x", "10.0.0.4", U, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "granted d:2");
	mkreq(&r, "x", "10.0.0.5", U, NULL, NULL);
	assert_string_equal(decide(a, d, &r), "denied d:3");
	ha_table_free(a);
	ha_table_free(d);
	/* twist in hosts.deny delegates too (as tcpd's does) */
	d = parse_ok("d", "ALL: ALL: twist /bin/echo 421\n");
	mkreq(&r, "x", "10.0.0.5", U, NULL, NULL);
	assert_string_equal(decide(NULL, d, &r), "delegated d:1");
	ha_table_free(d);
}

static void
test_option_errors(void **state)
{
	(void)state;
	expect_error("ALL: ALL: frob\n", "t:1: bad option name: \"frob\"");
	expect_error("ALL: ALL: group x\n", "t:1: option \"group\" is not "
	    "supported by hinetd");
	expect_error("ALL: ALL: aclexec true\n", "t:1: option \"aclexec\" is not "
	    "supported by hinetd");
	expect_error("ALL: ALL: spawn\n", "t:1: option \"spawn\" requires value");
	expect_error("ALL: ALL: twist\n", "t:1: option \"twist\" requires value");
	expect_error("ALL: ALL: setenv\n", "t:1: option \"setenv\" requires value");
	expect_error("ALL: ALL: severity\n", "t:1: option \"severity\" requires value");
	expect_error("ALL: ALL: banners\n", "t:1: option \"banners\" requires value");
	expect_error("ALL: ALL: umask\n", "t:1: option \"umask\" requires value");
	expect_error("ALL: ALL: user\n", "t:1: option \"user\" requires value");
	expect_error("ALL: ALL: linger\n", "t:1: option \"linger\" requires value");
	expect_error("ALL: ALL: keepalive 5\n", "t:1: option \"keepalive\" "
	    "requires no value");
	expect_error("ALL: ALL: allow x\n", "t:1: option \"allow\" requires no value");
	expect_error("ALL: ALL: deny=x\n", "t:1: option \"deny\" requires no value");
	expect_error("ALL: ALL: allow: nice\n", "t:1: option \"allow\" must be at end");
	expect_error("ALL: ALL: DENY : nice\n", "t:1: option \"DENY\" must be at end");
	expect_error("ALL: ALL: twist x: allow\n", "t:1: option \"twist\" must be "
	    "at end");
	expect_error("ALL: ALL:\n", "t:1: missing option name (rule ends in \":\")");
	expect_error("ALL: ALL: nice :\n", "t:1: missing option name (rule ends "
	    "in \":\")");
	expect_error("ALL: ALL: : allow\n", "t:1: missing option name");
	expect_error("ALL: ALL: severity bogus\n", "t:1: bad syslog facility or "
	    "severity: \"bogus\"");
	expect_error("ALL: ALL: severity authpriv.info\n", "t:1: bad syslog "
	    "facility or severity: \"authpriv\"");
	expect_error("ALL: ALL: severity local0\n", "t:1: bad syslog facility or "
	    "severity: \"local0\"");
	expect_error("ALL: ALL: severity auth.\n", "t:1: bad syslog facility or "
	    "severity: \"\"");
	expect_error("ALL: ALL: setenv 1X y\n", "t:1: bad setenv name: \"1X\"");
	expect_error("ALL: ALL: setenv=FOO=bar\n", "t:1: bad setenv name: "
	    "\"FOO=bar\"");
	expect_error("ALL: ALL: banners relative/dir\n", "t:1: banners directory "
	    "must be an absolute path");
	expect_error("ALL: ALL: umask 99\n", "t:1: bad umask value: \"99\"");
	expect_error("ALL: ALL: umask 1777\n", "t:1: bad umask value: \"1777\"");
	expect_error("ALL: ALL: umask -1\n", "t:1: bad umask value: \"-1\"");
	expect_error("ALL: ALL: user .root\n", "t:1: bad user value: \".root\"");
	expect_error("ALL: ALL: user root.\n", "t:1: bad user value: \"root.\"");
	expect_error("ALL: ALL: user nosuchuser\n", "t:1: unknown user: "
	    "\"nosuchuser\"");
	expect_error("ALL: ALL: user root.nosuchgroup\n", "t:1: unknown group: "
	    "\"nosuchgroup\"");
	expect_error("ALL: ALL: nice x\n", "t:1: bad nice value: \"x\"");
	expect_error("ALL: ALL: nice 5x\n", "t:1: bad nice value: \"5x\"");
	expect_error("ALL: ALL: linger -1\n", "t:1: bad linger value: \"-1\"");
	expect_error("ALL: ALL: linger x\n", "t:1: bad linger value: \"x\"");
	expect_error("ALL: ALL: rfc931 0\n", "t:1: bad rfc931 timeout: \"0\"");
	expect_error("ALL: ALL: rfc931 x\n", "t:1: bad rfc931 timeout: \"x\"");
	expect_error("ALL: ALL: spawn echo %x\n", "t:1: unrecognized %x");
	expect_error("ALL: ALL: twist echo %\xc3\n", "t:1: unrecognized %\\xc3");
	expect_error("ALL: ALL: setenv A %Z\n", "t:1: unrecognized %Z");
	/* Without HA_PARSE_SYSTEM users are not looked up. */
	assert_string_equal(parse_msgs("ALL: ALL: user nosuchuser\n", 0, 0), "");
}

/* ---- expansion ---- */

static void
test_expand(void **state)
{
	struct ha_request r;
	char out[512];

	(void)state;
	mkreq(&r, "in.telnetd", "10.0.0.1", NAME_UNSET, NULL, NULL);
	r.pid = 77;
	assert_int_equal(ha_expand("%a %A %c %d %h %H %n %N %p %r %R %s %u %% %",
	    &r, out, sizeof(out)), 0);
	assert_string_equal(out, "10.0.0.1 unknown 10.0.0.1 in.telnetd 10.0.0.1 "
	    "unknown unknown unknown 77 4242 0 in.telnetd unknown % %");

	set_addr(&r.server, "192.0.2.1");
	ha_endpoint_set_name(&r.server, HA_NAME_KNOWN, "srv.example");
	ha_endpoint_set_name(&r.client, HA_NAME_KNOWN, "c.example");
	ha_request_set_user(&r, "bob");
	assert_int_equal(ha_expand("%c|%s|%h|%H|%n|%N|%u|%A|%R", &r, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "bob@c.example|in.telnetd@srv.example|c.example|"
	    "srv.example|c.example|srv.example|bob|192.0.2.1|4242");
	ha_endpoint_set_name(&r.client, HA_NAME_PARANOID, NULL);
	assert_int_equal(ha_expand("%h %n %c", &r, out, sizeof(out)), 0);
	assert_string_equal(out, "10.0.0.1 paranoid bob@10.0.0.1");

	/* Expanded values are made shell-safe; the template is not. */
	str_copy(r.user, "a;b$c`d'e\"f g|h&i(j)k<l>m*n?o[p]q{r}s~t^u#v\\w",
	    sizeof(r.user));
	r.user_state = HA_USER_KNOWN;
	r.daemon = "!@%-_=+:,./AZaz09";
	assert_int_equal(ha_expand("echo '%u' %d ;%%", &r, out, sizeof(out)), 0);
	assert_string_equal(out, "echo 'a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_"
	    "u_v_w' !@%-_=+:,./AZaz09 ;%");
	r.daemon = "x\xc3\xa9";
	assert_int_equal(ha_expand("%d", &r, out, sizeof(out)), 0);
	assert_string_equal(out, "x__");
	/* A leading '-' is never an option to the command: "_". */
	str_copy(r.user, "-rf", sizeof(r.user));
	assert_int_equal(ha_expand("finger %u -l", &r, out, sizeof(out)), 0);
	assert_string_equal(out, "finger _rf -l");
	str_copy(r.user, "a-b", sizeof(r.user));
	assert_int_equal(ha_expand("%u@%u", &r, out, sizeof(out)), 0);
	assert_string_equal(out, "a-b@a-b");

	/* Too long: -1, never a truncated command. */
	assert_int_equal(ha_expand("%d%d%d", &r, out, 8), -1);
	assert_int_equal(ha_expand("abcdefgh", &r, out, 8), -1);
	assert_int_equal(ha_expand("abcdefg", &r, out, 8), 0);
	assert_int_equal(ha_expand("", &r, out, 0), -1);

	assert_int_equal(ha_expand_needs("%n %N %u %h %c %s"),
	    HA_NEEDS_HOSTNAME | HA_NEEDS_SERVER_HOSTNAME | HA_NEEDS_USER);
	assert_int_equal(ha_expand_needs("%%n %"), 0);
	assert_int_equal(ha_expand_needs(NULL), 0);
}

static void
test_option_value(void **state)
{
	struct ha_table *t;
	const struct ha_rule *ru;
	struct ha_request r;
	char out[256];

	(void)state;
	ru = one_rule(&t, "ALL: ALL: setenv X  %a  : severity=auth.info : "
	    "spawn echo %d\\: %h : keepalive : twist %u\n");
	mkreq(&r, "d", "10.0.0.1", U, NULL, "?");
	assert_int_equal(ha_option_value(&ru->opts[0], &r, out, sizeof(out)), 0);
	assert_string_equal(out, "X  10.0.0.1");
	assert_int_equal(ha_option_value(&ru->opts[1], &r, out, sizeof(out)), 0);
	assert_string_equal(out, "auth.info");
	assert_int_equal(ha_option_value(&ru->opts[2], &r, out, sizeof(out)), 0);
	assert_string_equal(out, "echo d: 10.0.0.1");
	assert_int_equal(ha_option_value(&ru->opts[3], &r, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(ha_option_value(&ru->opts[4], &r, out, sizeof(out)), 0);
	assert_string_equal(out, "unknown");
	assert_int_equal(ha_option_value(&ru->opts[2], &r, out, 4), -1);
	assert_int_equal(ha_option_value(&ru->opts[1], &r, out, 4), -1);
	ha_table_free(t);
}

/* ---- snapshot encoding ---- */

#define WIRE_RULES \
    "in.telnetd@10.0.0.9 , sshd EXCEPT x EXCEPT y: bob@.example.com " \
    "[fd00::]/16 [fe80::1%%lo] 10.0.0.0/255.0.0.0 KNOWN LOCAL @ng %s : " \
    "spawn a\\:b %%h : setenv=A b : severity auth.info : nice : umask 7 : " \
    "user root : banners /b : keepalive : linger 3 : rfc931 : allow\n" \
    "ALL: ALL EXCEPT 10.0.0.1\n# comment\n\nx: y: twist = = echo\n"

static void
test_wire(void **state)
{
	char rule[2048], list[512];
	struct ha_table *t, *u;
	struct wbuf w, w2;
	struct rbuf rb;
	struct ha_request r1, r2;

	(void)state;
	str_copy(list, write_file("wl", "10.0.0.7 [fd00:9::9]\n"), sizeof(list));
	snprintf(rule, sizeof(rule), WIRE_RULES, list);
	t = parse_ok("hosts.allow", rule);
	wbuf_init(&w);
	ha_table_encode(t, &w);
	ha_table_encode(NULL, &w);
	rbuf_init(&rb, w.p, w.len);
	assert_int_equal(ha_table_decode(&rb, &u), 0);
	assert_non_null(u);
	ha_table_free(u);
	assert_int_equal(ha_table_decode(&rb, &u), 0);
	assert_null(u);
	assert_int_equal(rb.off, rb.len);

	/* decoding again gives the same table, re-encoding the same bytes */
	rbuf_init(&rb, w.p, w.len);
	assert_int_equal(ha_table_decode(&rb, &u), 0);
	wbuf_init(&w2);
	ha_table_encode(u, &w2);
	ha_table_encode(NULL, &w2);
	assert_int_equal(w2.len, w.len);
	assert_memory_equal(w2.p, w.p, w.len);
	assert_int_equal(u->n, t->n);
	assert_string_equal(u->file, "hosts.allow");
	assert_int_equal(u->rules[2].line, 5);
	assert_string_equal(u->rules[0].opts[0].value, "a:b %h");
	assert_string_equal(u->rules[2].opts[0].value, "= echo");

	/* same decisions */
	const char *clients[] = { "10.0.0.7", "fd00:9::9", "fd00::1", "fe80::1%1",
	    "10.1.1.1", "10.0.0.1", "192.0.2.1", NULL };
	for (int i = 0; clients[i] != NULL; i++) {
		char a[64];
		mkreq(&r1, "sshd", clients[i], K, "h.example.com", "bob");
		r2 = r1;
		str_copy(a, decide(t, NULL, &r1), sizeof(a));
		assert_string_equal(decide(u, NULL, &r2), a);
	}
	ha_table_free(u);

	/* Every truncation fails cleanly. */
	for (size_t n = 0; n + 4 < w.len; n++) {
		rbuf_init(&rb, w.p, n);
		u = (struct ha_table *)1;
		if (ha_table_decode(&rb, &u) == 0) {
			/* only the whole first table decodes */
			assert_non_null(u);
			ha_table_free(u);
			continue;
		}
		assert_null(u);
		assert_int_equal(rb.failed, 1);
	}
	/* A byte flipped anywhere: no crash, no leak (run under ASan). */
	for (size_t i = 0; i < w.len; i++) {
		unsigned char save = w.p[i];
		w.p[i] ^= 0x5a;
		rbuf_init(&rb, w.p, w.len);
		if (ha_table_decode(&rb, &u) == 0)
			ha_table_free(u);
		w.p[i] = save;
	}
	wbuf_free(&w);
	wbuf_free(&w2);
	ha_table_free(t);

	/* The deepest EXCEPT nesting the parser accepts decodes. */
	char deep[1024] = "ALL: a";
	for (int i = 0; i < HA_EXCEPT_DEPTH; i++)
		strcat(deep, " EXCEPT a");
	strcat(deep, "\n");
	t = parse_ok("deep", deep);
	wbuf_init(&w);
	ha_table_encode(t, &w);
	rbuf_init(&rb, w.p, w.len);
	assert_int_equal(ha_table_decode(&rb, &u), 0);
	ha_table_free(u);
	ha_table_free(t);
	wbuf_free(&w);

	/* A list file sent as a plain word is refused; as a list it is not. */
	for (uint32_t tag = 0; tag <= 1; tag++) {
		wbuf_init(&w);
		wbuf_u32(&w, 0x48415432u);
		wbuf_u32(&w, 1);
		wbuf_str(&w, "f");
		wbuf_u32(&w, 1);                /* rules */
		wbuf_u32(&w, 1);                /* line */
		wbuf_u32(&w, 1);                /* daemons: 1 item */
		wbuf_str(&w, "ALL");
		wbuf_u32(&w, 1);
		wbuf_str(&w, "ALL");
		wbuf_u32(&w, 0);
		wbuf_u32(&w, 0);                /* no except */
		wbuf_u32(&w, 1);                /* clients: 1 item */
		wbuf_str(&w, "/etc/passwd");
		wbuf_u32(&w, 0);
		wbuf_u32(&w, 1);
		wbuf_u32(&w, tag);              /* 0: plain word, 1: list */
		wbuf_str(&w, "/etc/passwd");
		if (tag == 1)
			wbuf_u32(&w, 0);        /* no words */
		wbuf_u32(&w, 0);
		wbuf_str(&w, NULL);
		rbuf_init(&rb, w.p, w.len);
		assert_int_equal(ha_table_decode(&rb, &u), tag == 0 ? -1 : 0);
		if (tag == 1) {
			assert_int_equal(u->rules[0].clients.items[0].host.kind,
			    HA_HOST_FILE);
			ha_table_free(u);
		}
		wbuf_free(&w);
	}
}

/* A one-rule table "ALL: ALL : banners /b" with n banner files, encoded. */
static void
wire_banners(struct wbuf *w, const char *const *daemons, const size_t *lens,
    size_t n)
{
	static char text[HA_BANNER_MAX + 2];

	memset(text, 'x', sizeof(text));
	wbuf_init(w);
	wbuf_u32(w, 0x48415432u);
	wbuf_u32(w, 1);
	wbuf_str(w, "f");
	wbuf_u32(w, 1);                 /* rules */
	wbuf_u32(w, 1);                 /* line */
	for (int list = 0; list < 2; list++) {
		wbuf_u32(w, 1);         /* one item */
		wbuf_str(w, "ALL");
		wbuf_u32(w, list == 0);
		if (list == 0)
			wbuf_str(w, "ALL");
		wbuf_u32(w, list == 1);
		if (list == 1) {
			wbuf_u32(w, 0);
			wbuf_str(w, "ALL");
		}
		wbuf_u32(w, 0);         /* no except */
	}
	wbuf_str(w, "banners = /b");
	wbuf_u32(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		wbuf_str(w, daemons[i]);
		wbuf_blob(w, text, lens[i]);
	}
}

static void
test_wire_banners(void **state)
{
	static const char *const ok[] = { "in.ftpd", "sshd" };
	static const char *const dup[] = { "sshd", "sshd" };
	static const char *const dots[] = { ".." };
	static const char *const slash[] = { "a/b" };
	static const char *const empty[] = { "" };
	const size_t lens[] = { 3, HA_BANNER_MAX }, big[] = { HA_BANNER_MAX + 1 };
	struct ha_table *u;
	struct wbuf w;
	struct rbuf rb;

	(void)state;
	wire_banners(&w, ok, lens, 2);
	rbuf_init(&rb, w.p, w.len);
	assert_int_equal(ha_table_decode(&rb, &u), 0);
	assert_int_equal(rb.off, rb.len);
	assert_int_equal(u->rules[0].opts[0].nbanners, 2);
	assert_int_equal(ha_banner_find(&u->rules[0].opts[0], "sshd")->len,
	    HA_BANNER_MAX);
	ha_table_free(u);
	wbuf_free(&w);
	/* Refused: a duplicate, a name that is no file name, too large. */
	const char *const *bad[] = { dup, dots, slash, empty };
	for (size_t i = 0; i < 4; i++) {
		wire_banners(&w, bad[i], lens, i == 0 ? 2 : 1);
		rbuf_init(&rb, w.p, w.len);
		assert_int_equal(ha_table_decode(&rb, &u), -1);
		wbuf_free(&w);
	}
	wire_banners(&w, ok, big, 1);
	rbuf_init(&rb, w.p, w.len);
	assert_int_equal(ha_table_decode(&rb, &u), -1);
	wbuf_free(&w);
}

/* The diagnostics of d joined by '|'. */
static const char *
diag_text(const struct diag *d)
{
	static char buf[2048];

	buf[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		if (i > 0)
			strncat(buf, "|", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, d->msgs[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static void
test_banners_load(void **state)
{
	static const char *const daemons[] = { "in.ftpd", "sshd", "big", "fifo",
	    "..", "a/b" };
	char rule[1024], dir[256], big[HA_BANNER_MAX + 2], *path, want[2048];
	struct ha_table *t;
	struct diag d;
	const struct ha_banner *b;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/banners", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	path = write_file("banners/in.ftpd", "");
	{
		FILE *fp = fopen(path, "w");
		assert_non_null(fp);
		assert_int_equal(fwrite("\0ftp %a\n", 1, 8, fp), 8);
		fclose(fp);
	}
	write_file("banners/..x", "never\n");
	memset(big, 'x', HA_BANNER_MAX);
	big[HA_BANNER_MAX] = '\0';
	write_file("banners/sshd", big);            /* exactly the limit: fine */
	snprintf(rule, sizeof(rule), "ALL: 10.0.0.1 : banners %s\n"
	    "ALL: 10.0.0.2 : banners %s/none\n", dir, dir);
	t = parse_ok("a", rule);

	/* A missing file is no banner; names that are not file names are
	 * skipped; a missing directory is a warning. */
	diag_init(&d);
	assert_int_equal(ha_banners_load(t, daemons, 2, &d), 0);
	snprintf(want, sizeof(want), "a:2: warning: banners directory %s/none: "
	    "No such file or directory", dir);
	assert_string_equal(diag_text(&d), want);
	diag_free(&d);
	assert_int_equal(t->rules[0].opts[0].nbanners, 2);
	assert_non_null(b = ha_banner_find(&t->rules[0].opts[0], "in.ftpd"));
	assert_int_equal(b->len, 8);
	assert_memory_equal(b->text, "\0ftp %a\n", 8);
	assert_non_null(b = ha_banner_find(&t->rules[0].opts[0], "sshd"));
	assert_int_equal(b->len, HA_BANNER_MAX);
	assert_null(ha_banner_find(&t->rules[0].opts[0], "big"));
	assert_null(ha_banner_find(&t->rules[0].opts[0], NULL));
	assert_int_equal(t->rules[1].opts[0].nbanners, 0);
	ha_table_free(t);
	assert_false(ha_banner_name_valid(".."));
	assert_false(ha_banner_name_valid("a/b"));
	assert_false(ha_banner_name_valid(""));
	assert_true(ha_banner_name_valid("in.telnetd"));

	/* Larger than the limit, or not a regular file: errors at load. */
	big[HA_BANNER_MAX] = 'x';
	big[HA_BANNER_MAX + 1] = '\0';
	write_file("banners/big", big);
	path = write_file("banners/fifo", "");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	t = parse_ok("a", rule);
	diag_init(&d);
	assert_int_equal(ha_banners_load(t, daemons, 4, &d), -1);
	snprintf(want, sizeof(want), "a:1: banners: %s/big: banner larger than "
	    "%d bytes|a:1: banners: %s/fifo: not a regular file|a:2: warning: "
	    "banners directory %s/none: No such file or directory", dir,
	    HA_BANNER_MAX, dir, dir);
	assert_string_equal(diag_text(&d), want);
	diag_free(&d);
	ha_table_free(t);
	assert_int_equal(ha_banners_load(NULL, daemons, 4, NULL), 0);
}

static void
test_banner_expand(void **state)
{
	struct ha_banner b = { 0 };
	struct ha_request r;
	char out[256];
	size_t n;

	(void)state;
	mkreq(&r, "in.ftpd", "10.0.0.1", K, "host.example.com", "bob");
	/* Leading NULs as they are; CR LF; a NUL ends its line's text, as
	 * with tcpd's fgets + strlen; unknown %x is nothing; "%" + CR eats it. */
	static const char text[] = "\0\0Hi %u@%h (%d)\nx\0hidden\nend %z100%\nlast";
	b.text = (char *)text;
	b.len = sizeof(text) - 1;
	n = ha_banner_expand(&b, &r, out, sizeof(out));
	assert_int_equal(n, 2 + 35 + 3 + 8 + 4);
	assert_memory_equal(out, "\0\0Hi bob@host.example.com (in.ftpd)\r\nx\r\n"
	    "end 100\nlast", n);
	/* Expanded values are made shell-safe (literal text is the admin's). */
	r.daemon = "a;b";
	b.text = (char *)"$(%d)\n";
	b.len = 6;
	n = ha_banner_expand(&b, &r, out, sizeof(out));
	assert_int_equal(n, 8);
	assert_memory_equal(out, "$(a_b)\r\n", 8);
	/* Bounded: cut at a line boundary, never past outlen. */
	b.text = (char *)"aaaa\nbbbb\n";
	b.len = 10;
	assert_int_equal(ha_banner_expand(&b, &r, out, 8), 6);
	assert_memory_equal(out, "aaaa\r\n", 6);
	assert_int_equal(ha_banner_expand(&b, &r, out, 5), 0);
	b.text = (char *)"\0\0\0";
	b.len = 3;
	assert_int_equal(ha_banner_expand(&b, &r, out, 2), 2);
}

static void
test_banner_needs(void **state)
{
	struct ha_table *t;
	struct ha_request r;
	struct ha_option *o;

	(void)state;
	/* A banner's %n asks for the name, for the daemon it belongs to. */
	t = parse_ok("a", "ALL: 10.0.0.1 : banners /b\n");
	o = &t->rules[0].opts[0];
	o->banners = calloc(1, sizeof(*o->banners));
	o->banners[0].daemon = strdup("in.ftpd");
	o->banners[0].text = strdup("hi %n\n");
	o->banners[0].len = 6;
	o->banners[0].needs = HA_NEEDS_HOSTNAME;
	o->nbanners = 1;
	mkreq(&r, "in.ftpd", "10.0.0.1", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(t, NULL, &r), "need-hostname");
	mkreq(&r, "sshd", "10.0.0.1", NAME_UNSET, NULL, NULL);
	assert_string_equal(decide(t, NULL, &r), "granted a:1");
	ha_table_free(t);
}

static void
test_rfc931_timeout(void **state)
{
	struct ha_table *t;
	struct ha_request r;
	struct ha_decision dec;

	(void)state;
	/* `rfc931 N` gives the ident timeout (clamped); a pattern's user
	 * look-up and a bare rfc931 the caller's default. */
	t = parse_ok("a", "ALL: 10.0.0.1 : rfc931 4\nALL: 10.0.0.2 : rfc931\n"
	    "ALL: 10.0.0.3 : rfc931 100000\nALL: bob@10.0.0.4 : rfc931 7\n");
	mkreq(&r, "x", "10.0.0.1", NAME_UNSET, NULL, NULL);
	assert_int_equal(ha_eval(t, NULL, &r, &dec), HA_NEED_USER);
	assert_int_equal(dec.user_timeout, 4);
	mkreq(&r, "x", "10.0.0.2", NAME_UNSET, NULL, NULL);
	assert_int_equal(ha_eval(t, NULL, &r, &dec), HA_NEED_USER);
	assert_int_equal(dec.user_timeout, 0);
	mkreq(&r, "x", "10.0.0.3", NAME_UNSET, NULL, NULL);
	assert_int_equal(ha_eval(t, NULL, &r, &dec), HA_NEED_USER);
	assert_int_equal(dec.user_timeout, HA_RFC931_MAX);
	mkreq(&r, "x", "10.0.0.4", NAME_UNSET, NULL, NULL);
	assert_int_equal(ha_eval(t, NULL, &r, &dec), HA_NEED_USER);
	assert_int_equal(dec.user_timeout, 0);
	ha_table_free(t);
}

static void
test_status_names(void **state)
{
	(void)state;
	assert_string_equal(ha_status_name(HA_GRANT), "granted");
	assert_string_equal(ha_status_name(HA_DENY), "denied");
	assert_string_equal(ha_status_name(HA_DELEGATE), "delegated");
	assert_string_equal(ha_status_name(HA_NEED_HOSTNAME), "need-hostname");
	assert_string_equal(ha_status_name(HA_NEED_SERVER_HOSTNAME),
	    "need-server-hostname");
	assert_string_equal(ha_status_name(HA_NEED_USER), "need-user");
	assert_string_equal(ha_status_name((enum ha_status)99), "?");
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax_lines),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_names_and_addresses),
		cmocka_unit_test(test_netmask),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_except),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_netgroup),
		cmocka_unit_test(test_list_files),
		cmocka_unit_test(test_list_file_errors),
		cmocka_unit_test(test_pattern_errors),
		cmocka_unit_test(test_daemons),
		cmocka_unit_test(test_lazy_lookups),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_option_verdicts),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_option_value),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_wire_banners),
		cmocka_unit_test(test_banners_load),
		cmocka_unit_test(test_banner_expand),
		cmocka_unit_test(test_banner_needs),
		cmocka_unit_test(test_rfc931_timeout),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
