/*
 * test_explain.c: unit tests of `hinetd -T` / `-T -j` (policy/explain.c)
 * and the `hinetd -t` warnings (policy/config_check.c): the fields of the
 * text form, the JSON document's validity (a strict parser here, and
 * python3 -m json.tool when python3 is there), escaping, stable order, and
 * every warning's exact text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/util.h"
#include "policy/config_check.h"
#include "policy/config_load.h"
#include "policy/explain.h"
#include "policy/hosts_access.h"
#include "policy/inetd_conf.h"
#include "policy/policy_file.h"
#include "privd/privd.h"
#include "listener/limits.h"

/* -T shows policy/service.h's copies of these limits: they must agree. */
_Static_assert(SVC_CHILDREN_MAX == PRIVD_MAX_CHILDREN, "children cap");
_Static_assert(SVC_LOOP_STARTS_MAX == LOOP_SPAWNS_MAX, "looping starts");
_Static_assert(SVC_LOOP_WINDOW_S * 1000 == LOOP_WINDOW_MS, "looping window");
_Static_assert(SVC_LOOP_PAUSE_MIN_S == LOOP_PAUSE_MIN_S, "looping pause");
_Static_assert(SVC_LOOP_PAUSE_MAX_S == LOOP_PAUSE_MAX_S, "looping pause");

/* ---- a strict JSON (RFC 8259) checker ---- */

struct jp {
	const unsigned char *s;
	size_t i, n;
	int depth;
};

static void
jp_ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) != NULL)
		p->i++;
}

static int jp_value(struct jp *p);

static int
jp_lit(struct jp *p, const char *lit)
{
	size_t l = strlen(lit);

	if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
		return -1;
	p->i += l;
	return 0;
}

static int
jp_utf8(struct jp *p)
{
	unsigned char c = p->s[p->i];
	size_t need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 :
	    c >= 0xc2 && c <= 0xdf ? 1 : 0;

	if (need == 0 || p->n - p->i <= need)
		return -1;
	for (size_t k = 1; k <= need; k++)
		if ((p->s[p->i + k] & 0xc0) != 0x80)
			return -1;
	p->i += need + 1;
	return 0;
}

static int
jp_string(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++p->i >= p->n)
				return -1;
			c = p->s[p->i];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++)
					if (p->i + k >= p->n ||
					    strchr("0123456789abcdefABCDEF",
					    p->s[p->i + k]) == NULL)
						return -1;
				p->i += 5;
			} else if (strchr("\"\\/bfnrt", c) != NULL && c != '\0')
				p->i++;
			else
				return -1;
			continue;
		}
		if (c >= 0x80) {
			if (jp_utf8(p) == -1)
				return -1;
			continue;
		}
		p->i++;
	}
	return -1;
}

static int
jp_number(struct jp *p)
{
	size_t start = p->i;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
		return -1;
	if (p->s[p->i] == '0')
		p->i++;
	else
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	return p->i > start ? 0 : -1;
}

static int
jp_container(struct jp *p, int obj)
{
	if (++p->depth > 64)
		return -1;
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		jp_ws(p);
		if (obj) {
			if (jp_string(p) == -1)
				return -1;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i++] != ':')
				return -1;
		}
		if (jp_value(p) == -1)
			return -1;
		jp_ws(p);
		if (p->i >= p->n)
			return -1;
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] == (obj ? '}' : ']')) {
			p->i++;
			p->depth--;
			return 0;
		}
		return -1;
	}
}

static int
jp_value(struct jp *p)
{
	jp_ws(p);
	if (p->i >= p->n)
		return -1;
	switch (p->s[p->i]) {
	case '{': return jp_container(p, 1);
	case '[': return jp_container(p, 0);
	case '"': return jp_string(p);
	case 't': return jp_lit(p, "true");
	case 'f': return jp_lit(p, "false");
	case 'n': return jp_lit(p, "null");
	default:  return jp_number(p);
	}
}

static int
json_valid(const char *s, size_t n)
{
	struct jp p = { (const unsigned char *)s, 0, n, 0 };

	if (jp_value(&p) == -1)
		return 0;
	jp_ws(&p);
	return p.i == n;
}

/* python3 -m json.tool agrees (1), disagrees (0), or is not there (-1). */
static int
python_json_ok(const char *text, const char *check)
{
	char path[] = "/tmp/hinetd-explain-XXXXXX", cmd[1024];
	int fd, rc;
	FILE *fp;

	if (system("python3 -c '' >/dev/null 2>&1") != 0)
		return -1;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs(text, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	rc = system(cmd) == 0;
	if (rc && check != NULL) {
		char script[] = "/tmp/hinetd-explain-py-XXXXXX";
		assert_true((fd = mkstemp(script)) >= 0);
		assert_non_null(fp = fdopen(fd, "w"));
		fprintf(fp, "import json\nd = json.load(open(\"%s\"))\n%s", path,
		    check);
		fclose(fp);
		snprintf(cmd, sizeof(cmd), "python3 %s", script);
		rc = system(cmd) == 0;
		unlink(script);
	}
	unlink(path);
	return rc;
}

/* ---- loading ---- */

static struct config *
load(const char *inetd, const char *policy, const char *allow,
    const char *deny, struct diag *d)
{
	struct config *cfg = config_new();

	cfg->inetd_path = xstrdup("inetd.conf");
	cfg->policy_dir = xstrdup("policy.d");
	cfg->allow_path = xstrdup("hosts.allow");
	cfg->deny_path = xstrdup("hosts.deny");
	if (inetd != NULL)
		assert_int_equal(inetd_conf_parse_buf(cfg, "inetd.conf", inetd,
		    strlen(inetd), d), 0);
	if (policy != NULL)
		policy_text_parse(cfg, "p", policy, strlen(policy), d);
	/* as config_load() does, less the system look-ups */
	if (allow != NULL) {
		cfg->allow_text = xstrdup(allow);
		cfg->allow_len = strlen(allow);
		cfg->allow_table = ha_parse(cfg->allow_path, cfg->allow_text,
		    cfg->allow_len, 0, d);
	}
	if (deny != NULL) {
		cfg->deny_text = xstrdup(deny);
		cfg->deny_len = strlen(deny);
		cfg->deny_table = ha_parse(cfg->deny_path, cfg->deny_text,
		    cfg->deny_len, 0, d);
	}
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
	assert_int_equal(d->errors, 0);
	return cfg;
}

static const struct service *
find_svc(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nsvcs; i++)
		if (strcmp(cfg->svcs[i]->name, name) == 0)
			return cfg->svcs[i];
	fail_msg("no service %s", name);
	return NULL;
}

/*
 * Not inlined: GCC 12 at -O3 takes the returned text for a pointer to the
 * local that open_memstream fills in (-Wdangling-pointer, a false alarm).
 */
static char * __attribute__((noinline))
render(const struct config *cfg, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (json)
		explain_json(cfg, fp);
	else
		explain_text(cfg, fp);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		fprintf(stderr, "missing: [%s]\nin:\n%s\n", needle, hay);
		fail();
	}
}

static const char *const inetd_text =
    "echo stream tcp nowait nobody /bin/cat cat\n"
    "127.0.0.1:daytime stream tcp nowait/7 daemon /usr/sbin/tcpd in.daytimed -x\n";

static const char *const policy_text =
    "defaults\n{\n instances = 40\n log_on_failure = HOST\n}\n"    /* 1-5 */
    "service qotd\n{\n socket_type = stream\n wait = no\n"         /* 6-9 */
    " user = nobody\n server = /usr/games/fortune\n"               /* 10-11 */
    " server_args = -s\n only_from = 10.0.0.0/8\n"                 /* 12-13 */
    " capabilities = net_bind_service\n seccomp = strict\n"        /* 14-15 */
    " seccomp_allow = getrandom\n rlimit_as = 64M\n env = LANG=C\n" /* 16-18 */
    "}\n"                                                           /* 19 */
    "service echo\n{\n seccomp = none\n no_access = 10.1.1.1\n}\n"  /* 20-24 */
    "service chargen\n{\n type = INTERNAL\n socket_type = dgram\n"  /* 25-28 */
    " wait = yes\n bind = ::1\n}\n";                                /* 29-31 */

static const char *const allow_text =
    "in.daytimed: 127.0.0.1\n"
    "ALL EXCEPT in.fingerd: LOCAL\n"
    "# comment\n"
    "fortune, qotd : 10.0.0.1 \\\n"
    "   10.0.0.2\n";
static const char *const deny_text = "ALL: ALL\n";

/* ---- tests ---- */

static void
test_json_string(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
		{ "nl\ntab\tcr\rbs\bff\f", "\"nl\\ntab\\tcr\\rbs\\bff\\f\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "bad\xff\xfe", "\"bad\\u00ff\\u00fe\"" },
		{ "trunc\xc3", "\"trunc\\u00c3\"" },
		{ "overlong\xc0\xaf", "\"overlong\\u00c0\\u00af\"" },
		{ "surrogate\xed\xa0\x80", "\"surrogate\\u00ed\\u00a0\\u0080\"" },
		{ "", "\"\"" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		json_string(fp, cases[i].in);
		fclose(fp);
		assert_string_equal(buf, cases[i].out);
		assert_true(json_valid(buf, len));
		free(buf);
	}
}

static void
test_text_fields(void **state)
{
	struct diag d;
	struct config *cfg;
	char *t;
	(void)state;

	diag_init(&d);
	cfg = load(inetd_text, policy_text, allow_text, deny_text, &d);
	t = render(cfg, 0);

	assert_contains(t, "# hinetd -T: 4 services;");
	/* sorted by name */
	assert_true(strstr(t, "service chargen/udp6@::1\n") <
	    strstr(t, "service daytime/tcp@127.0.0.1\n"));
	assert_true(strstr(t, "service daytime/tcp@127.0.0.1\n") <
	    strstr(t, "service echo/tcp\n"));
	assert_true(strstr(t, "service echo/tcp\n") < strstr(t, "service qotd/tcp\n"));

	const char *q = strstr(t, "service qotd/tcp\n");
	assert_non_null(q);
	assert_contains(q, "  source               policy  [p:6]\n");
	assert_contains(q, "    type               stream  [p:8]\n");
	assert_contains(q, "    protocol           tcp  [default]\n");
	assert_contains(q, "    address            0.0.0.0  [default]\n");
	assert_contains(q, "    port               17  [p:6]\n");
	assert_contains(q, "  wait                 no  [p:9]\n");
	assert_contains(q, "    user               nobody  [p:10]\n");
	assert_contains(q, "    group              nogroup  [default]\n");
	assert_contains(q, "    server             /usr/games/fortune  [p:11]\n");
	assert_contains(q, "    argv               fortune -s  [p:12]\n");
	assert_contains(q, "    only_from          10.0.0.0/8  [p:13]\n");
	assert_contains(q, "    hosts_access       consulted as daemon \"fortune\" "
	    "and \"qotd\"\n");
	/* a continued rule is numbered by its last line, as the engine does */
	assert_contains(q, "    rules\n"
	    "      hosts.allow:2: ALL EXCEPT in.fingerd: LOCAL\n"
	    "      hosts.allow:5: fortune, qotd : 10.0.0.1    10.0.0.2\n"
	    "      hosts.deny:1: ALL: ALL\n");
	assert_contains(q, "    instances          40  [p:3]\n");
	assert_contains(q, "    per_source         unlimited  [default]\n");
	assert_contains(q, "    cps                unlimited  [default]\n");
	assert_contains(q, "    children           4096 live service processes, "
	    "all services together  [default]\n");
	assert_contains(q, "    looping            not applied: only for wait "
	    "services  [default]\n");
	assert_contains(q, "    log_on_failure     HOST  [p:4]\n");
	assert_contains(q, "    umask              inherited  [default]\n");
	assert_contains(q, "    env                LANG=C  [p:18]\n");
	assert_contains(q, "    as                 67108864  [p:17]\n");
	assert_contains(q, "    cpu                inherited  [default]\n");
	assert_contains(q, "    capabilities       cap_net_bind_service  [p:14]\n");
	assert_contains(q, "    no_new_privs       yes  [default]\n");
	assert_contains(q, "      profile          strict  [p:15]\n");
	assert_contains(q, "      allow            getrandom  [p:16]\n");
	assert_contains(q, "      allowed_syscalls\n");
	assert_contains(q, "        getrandom\n");
	assert_contains(q, "    chroot             (none)  [default]\n");

	const char *e = strstr(t, "service echo/tcp\n");
	assert_contains(e, "  source               inetd.conf  [inetd.conf:1]\n");
	assert_contains(e, "    no_access          10.1.1.1  [p:23]\n");
	assert_contains(e, "      profile          none  [p:22]\n");
	assert_contains(e, "      filter           none: every system call is "
	    "allowed\n");

	const char *dt = strstr(t, "service daytime/tcp@127.0.0.1\n");
	assert_contains(dt, "    instances          7  [inetd.conf:2]\n");
	assert_contains(dt, "    server             /usr/sbin/in.daytimed  "
	    "[inetd.conf:2]\n");
	assert_contains(dt, "    tcpd               yes");
	assert_contains(dt, "      hosts.allow:1: in.daytimed: 127.0.0.1\n");
	assert_contains(dt, "      profile          default  [default]\n");
	assert_contains(dt, "      denied_syscalls\n");
	assert_contains(dt, "        ptrace\n");

	const char *cg = strstr(t, "service chargen/udp6@::1\n");
	assert_contains(cg, "  builtin              chargen (served inside the "
	    "listener; no process)");
	assert_contains(cg, "    address            ::1  [p:30]\n");
	assert_contains(cg, "    user               (none)\n");
	assert_contains(cg, "    instances          not applied: a datagram "
	    "built-in answers each datagram at once  [p:3]\n");
	assert_contains(cg, "    children           not applied: a built-in runs "
	    "in the listener, no process  [default]\n");

	free(t);
	config_free(cfg);
	diag_free(&d);
}

static void
test_json(void **state)
{
	struct diag d;
	struct config *cfg;
	char *j;
	int py;
	(void)state;

	diag_init(&d);
	cfg = load(inetd_text, policy_text, allow_text, deny_text, &d);
	j = render(cfg, 1);
	assert_true(json_valid(j, strlen(j)));
	assert_contains(j, "\"format\": 1");
	assert_contains(j, "\"hosts_allow\": \"hosts.allow\"");
	py = python_json_ok(j,
	    "s = {x[\"service\"]: x for x in d[\"services\"]}\n"
	    "q = s[\"qotd/tcp\"]\n"
	    "assert [x[\"service\"] for x in d[\"services\"]] == [\"chargen/udp6@::1\", "
	    "\"daytime/tcp@127.0.0.1\", \"echo/tcp\", \"qotd/tcp\"]\n"
	    "assert q[\"socket\"] == {\"type\": \"stream\", \"protocol\": \"tcp\", "
	    "\"address\": \"0.0.0.0\", \"port\": 17, \"unlisted\": False}\n"
	    "assert q[\"wait\"] is False\n"
	    "assert q[\"credentials\"][\"user\"] == \"nobody\"\n"
	    "assert q[\"program\"][\"argv\"] == [\"fortune\", \"-s\"]\n"
	    "assert q[\"access\"][\"only_from\"] == [\"10.0.0.0/8\"]\n"
	    "assert q[\"access\"][\"rules\"][1] == {\"file\": \"hosts.allow\", "
	    "\"line\": 5, \"type\": \"allow\", \"rule\": \"fortune, qotd : "
	    "10.0.0.1    10.0.0.2\", \"conditional\": False}\n"
	    "assert q[\"limits\"][\"instances\"] == 40\n"
	    "assert q[\"limits\"][\"per_source\"] == \"UNLIMITED\"\n"
	    "assert q[\"limits\"][\"children\"] == 4096\n"
	    "assert q[\"limits\"][\"looping\"] is None\n"
	    "c = s[\"chargen/udp6@::1\"][\"limits\"]\n"
	    "assert c[\"instances\"] is None and c[\"children\"] is None\n"
	    "assert q[\"rlimits\"][\"as\"] == 64 << 20 and q[\"rlimits\"][\"cpu\"] is None\n"
	    "assert q[\"sandbox\"][\"capabilities\"] == [\"cap_net_bind_service\"]\n"
	    "assert \"getrandom\" in q[\"sandbox\"][\"seccomp\"][\"allowed_syscalls\"]\n"
	    "assert q[\"origin\"][\"instances\"] == \"p:3\"\n"
	    "assert q[\"origin\"][\"rlimit_as\"] == \"p:17\"\n"
	    "assert q[\"origin\"][\"chroot\"] == \"default\"\n"
	    "e = s[\"echo/tcp\"]\n"
	    "assert e[\"access\"][\"only_from\"] is None\n"
	    "assert e[\"origin\"][\"user\"] == \"inetd.conf:1\"\n"
	    "assert \"ptrace\" in s[\"daytime/tcp@127.0.0.1\"][\"sandbox\"][\"seccomp\"][\"denied_syscalls\"]\n"
	    "assert s[\"chargen/udp6@::1\"][\"builtin\"] == \"chargen\"\n");
	if (py == -1)
		fprintf(stderr, "  (python3 not found: checked with the "
		    "built-in parser only)\n");
	else
		assert_int_equal(py, 1);
	free(j);
	config_free(cfg);
	diag_free(&d);
}

static void
test_json_escaping_in_output(void **state)
{
	struct diag d;
	struct config *cfg;
	char *j;
	(void)state;

	diag_init(&d);
	cfg = load(NULL,
	    "service qotd\n{\n socket_type = stream\n wait = no\n user = nobody\n"
	    " server = /usr/bin/q\"uote\n server_args = a\\b \"c\" \xc3\xa9\n"
	    " env = X=a\"b\\c\n}\n",
	    "qotd: 10.0.0.1\t\r \xff \"x\"\n", NULL, &d);
	j = render(cfg, 1);
	assert_true(json_valid(j, strlen(j)));
	assert_contains(j, "\"X=a\\\"b\\\\c\"");
	assert_contains(j, "\"/usr/bin/q\\\"uote\"");
	assert_contains(j, "\"\xc3\xa9\"");
	assert_contains(j, "\"rule\": \"qotd: 10.0.0.1\\t\\r \\u00ff \\\"x\\\"\"");
	assert_int_not_equal(python_json_ok(j, NULL), 0);
	free(j);
	j = render(cfg, 0);
	assert_contains(j, "      hosts.allow:1: qotd: 10.0.0.1?? \xff \"x\"\n");
	free(j);
	config_free(cfg);
	diag_free(&d);
}

static void
test_stable_order(void **state)
{
	struct diag d;
	struct config *cfg;
	char *t1, *t2, *j1, *j2;
	(void)state;

	diag_init(&d);
	cfg = load(inetd_text, policy_text, allow_text, deny_text, &d);
	t1 = render(cfg, 0);
	j1 = render(cfg, 1);
	/* reverse the load order: the output must not change */
	for (size_t i = 0; i < cfg->nsvcs / 2; i++) {
		struct service *s = cfg->svcs[i];
		cfg->svcs[i] = cfg->svcs[cfg->nsvcs - 1 - i];
		cfg->svcs[cfg->nsvcs - 1 - i] = s;
	}
	t2 = render(cfg, 0);
	j2 = render(cfg, 1);
	assert_string_equal(t1, t2);
	assert_string_equal(j1, j2);
	free(t1);
	free(t2);
	free(j1);
	free(j2);
	config_free(cfg);
	diag_free(&d);
}

static void
test_empty_config(void **state)
{
	struct diag d;
	struct config *cfg;
	char *t, *j;
	(void)state;

	diag_init(&d);
	cfg = load(NULL, NULL, NULL, NULL, &d);
	t = render(cfg, 0);
	assert_string_equal(t, "# hinetd -T: 0 services; [file:line] is where a "
	    "value was set, [default] a built-in default\n");
	j = render(cfg, 1);
	assert_true(json_valid(j, strlen(j)));
	assert_contains(j, "\"services\": []");
	free(t);
	free(j);
	config_free(cfg);
	diag_free(&d);
}

/* ---- hinetd -t warnings ---- */

static void
assert_msgs(const struct diag *d, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	if (d->n != n)
		for (size_t i = 0; i < d->n; i++)
			fprintf(stderr, "  diag: %s\n", d->msgs[i]);
	for (size_t i = 0; i < d->n && i < n; i++)
		assert_string_equal(d->msgs[i], want[i]);
	assert_int_equal(d->n, n);
}

static void
test_check_warnings(void **state)
{
	struct diag d, w;
	struct config *cfg;
	const char *want[] = {
		"inetd.conf:1: warning: service telnet/tcp runs as root: without "
		    "capabilities it still owns every file root owns",
		"inetd.conf:1: warning: service telnet/tcp listens on 0.0.0.0 port "
		    "23 with no access rules (only_from, no_access, hosts.allow, "
		    "hosts.deny)",
		"p:3: warning: service echo/tcp keeps capabilities "
		    "cap_setuid,cap_net_bind_service",
		"p:4: warning: service echo/tcp runs without a seccomp filter "
		    "(seccomp = none)",
		"p:6: warning: service qotd/tcp6 listens on :: port 17 with no "
		    "access rules (only_from, no_access, hosts.allow, hosts.deny); "
		    "flags NOLIBWRAP skips hosts.allow and hosts.deny",
		"hosts.allow:2: warning: rule names daemon \"in.fingred\" that no "
		    "service has",
		"hosts.allow:2: warning: rule names daemon \"sshd\" that no service "
		    "has",
		"hosts.deny:1: warning: rule names daemon \"tftp\" that no service "
		    "has",
		NULL,
	};
	(void)state;

	diag_init(&d);
	diag_init(&w);
	cfg = load(
	    "telnet stream tcp nowait root /usr/sbin/in.telnetd in.telnetd\n"
	    "echo stream tcp nowait nobody /bin/cat cat\n"
	    "127.0.0.1:daytime stream tcp nowait nobody /bin/date date\n"
	    "[::1]:time stream tcp6 nowait nobody /bin/date date\n"
	    "discard stream tcp nowait nobody /bin/cat cat\n"
	    "chargen stream tcp nowait nobody internal\n",
	    "service echo\n{\n capabilities = net_bind_service setuid\n"
	    " seccomp = none\n}\n"
	    "service qotd\n{\n socket_type = stream\n flags = IPv6 NOLIBWRAP\n"
	    " wait = no\n user = nobody\n server = /bin/cat\n"
	    " no_access =\n}\n"
	    "service discard\n{\n only_from = 10.0.0.0/8\n}\n"
	    "service finger\n{\n socket_type = stream\n wait = no\n"
	    " user = root\n server = /bin/false\n disable = yes\n}\n",
	    "cat: 10.0.0.1\n"
	    "in.fingred, sshd@10.0.0.1 EXCEPT ALL: ALL\n"
	    "chargen: LOCAL\n"
	    "/etc/daemons: ALL\n"
	    "*x: 10.\n",
	    "tftp finger: ALL\n", &d);
	config_check(cfg, &w);
	assert_msgs(&w, want);
	assert_int_equal(w.errors, 0);
	/* -T says it too, for the root services only (text and JSON). */
	{
		char *t = render(cfg, 0), *j = render(cfg, 1);
		const char *note = "owns every file root owns: without capabilities";
		assert_contains(t, note);
		assert_contains(j, "\"uid0\": \"owns every file root owns");
		/* Twice: telnet and the disabled finger; no nobody service. */
		const char *second = strstr(strstr(t, note) + 1, note);
		assert_non_null(second);
		assert_null(strstr(second + 1, note));
		free(t);
		free(j);
	}
	config_free(cfg);
	diag_free(&d);
	diag_free(&w);
}

static void
test_check_quiet(void **state)
{
	struct diag d, w;
	struct config *cfg;
	(void)state;

	diag_init(&d);
	diag_init(&w);
	cfg = load(
	    "127.0.0.1:echo stream tcp nowait nobody /bin/cat cat\n"
	    "daytime stream tcp nowait nobody /bin/date date\n"
	    "time stream tcp nowait nobody internal\n",
	    "service daytime\n{\n only_from = 10.0.0.0/8\n}\n", NULL,
	    "time: ALL\n", &d);
	config_check(cfg, &w);
	assert_int_equal(w.n, 0);
	config_free(cfg);
	diag_free(&d);
	diag_free(&w);
}

static void
test_hosts_rules(void **state)
{
	struct diag d;
	struct config *cfg;
	struct hosts_rule *r;
	size_t n;
	(void)state;

	diag_init(&d);
	cfg = load(
	    "finger stream tcp nowait nobody /usr/sbin/tcpd in.fingerd\n"
	    "telnet stream tcp nowait nobody /usr/sbin/in.telnetd in.telnetd\n"
	    "127.0.0.1:daytime stream tcp nowait nobody /bin/date date\n"
	    "tftp dgram udp wait nobody /usr/sbin/in.tftpd in.tftpd\n",
	    NULL,
	    "ALL EXCEPT in.fingerd: ALL\n"                  /* 0 */
	    "in.* EXCEPT in.telnetd: 10.0.0.1\n"            /* 1 */
	    "IN.FINGERD@192.168.0.1: ALL\n"                 /* 2 */
	    "finger, other: ALL\n"                          /* 3 */
	    "ALL EXCEPT in.* EXCEPT in.fingerd: ALL\n"      /* 4 */
	    "x@LOCAL in.f?ngerd: ALL\n"                     /* 5 */
	    "ALL EXCEPT in.fingerd@LOCAL: ALL\n"            /* 6 */
	    "\n"
	    "# a comment: with a colon \\\n"
	    "  continued: still the comment\n"
	    "   # not a comment: ALL\n"                     /* 7, line 11 */
	    "tel\\\n"
	    "net: ALL\n"                                    /* 8, line 13 */
	    "date@127.0.0.1 date@10.0.0.1: ALL\n"           /* 9 */
	    "date@10.0.0.1: ALL\n"                          /* 10 */
	    "date@localhost: ALL\n"                         /* 11 */
	    "in.tftpd@LOCAL: ALL\n"                         /* 12 */
	    "in.tftpd@ALL: ALL\n",                          /* 13 */
	    NULL, &d);
	r = hosts_rules_read(cfg, &n);
	assert_int_equal(n, 14);
	const struct service *fi = cfg->svcs[0], *te = cfg->svcs[1];
	const struct service *da = cfg->svcs[2], *tf = cfg->svcs[3];
	/* finger: daemon in.fingerd, name finger; the engine matches both
	 * names word by word, so EXCEPT in.fingerd excludes the service */
	assert_int_equal(hosts_rule_applies(&r[0], fi), HOSTS_RULE_NO);
	assert_int_equal(hosts_rule_applies(&r[0], te), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[1], fi), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[1], te), HOSTS_RULE_NO);
	/* daemon@host on a service bound to every address: undecided */
	assert_int_equal(hosts_rule_applies(&r[2], fi), HOSTS_RULE_MAYBE);
	assert_int_equal(hosts_rule_applies(&r[2], te), HOSTS_RULE_NO);
	assert_int_equal(hosts_rule_applies(&r[3], fi), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[3], te), HOSTS_RULE_NO);
	/* ALL EXCEPT (in.* EXCEPT in.fingerd): in.telnetd is excluded,
	 * whatever its service name */
	assert_int_equal(hosts_rule_applies(&r[4], fi), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[4], te), HOSTS_RULE_NO);
	assert_int_equal(hosts_rule_applies(&r[5], fi), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[5], te), HOSTS_RULE_NO);
	/* an undecided part on the EXCEPT side */
	assert_int_equal(hosts_rule_applies(&r[6], fi), HOSTS_RULE_MAYBE);
	assert_int_equal(hosts_rule_applies(&r[6], te), HOSTS_RULE_YES);
	/* '#' starts a comment in the first column only */
	assert_int_equal(r[7].line, 11);
	assert_string_equal(r[7].text, "# not a comment: ALL");
	assert_int_equal(hosts_rule_applies(&r[7], fi), HOSTS_RULE_NO);
	/* a continued rule: its last line, as the engine and tcpd count */
	assert_int_equal(r[8].line, 13);
	assert_int_equal(r[8].line, cfg->allow_table->rules[8].line);
	assert_string_equal(r[8].text, "telnet: ALL");
	assert_int_equal(hosts_rule_applies(&r[8], te), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[8], fi), HOSTS_RULE_NO);
	/* bound to 127.0.0.1: the address decides, a name does not */
	assert_int_equal(hosts_rule_applies(&r[9], da), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[10], da), HOSTS_RULE_NO);
	assert_int_equal(hosts_rule_applies(&r[11], da), HOSTS_RULE_MAYBE);
	/* datagrams: decided as the listener does, the server name unknown */
	assert_int_equal(hosts_rule_applies(&r[12], tf), HOSTS_RULE_NO);
	assert_int_equal(hosts_rule_applies(&r[13], tf), HOSTS_RULE_YES);
	assert_int_equal(hosts_rule_applies(&r[0], tf), HOSTS_RULE_YES);
	hosts_rules_free(r, n);
	config_free(cfg);
	diag_free(&d);
}

/*
 * The audit's case: hosts.deny `ALL EXCEPT qotd: ALL` does not apply to
 * qotd (server fortune), as the engine (and hinetd-match) decide; -T must
 * not list it and -t must warn that qotd has no access rules.
 */
static void
test_rules_agree_with_engine(void **state)
{
	struct diag d, w;
	struct config *cfg;
	struct ha_request req;
	struct ha_decision dec;
	struct sockaddr_in sin;
	char *t, *j;
	const char *want[] = {
		"p:1: warning: service qotd/tcp listens on 0.0.0.0 port 17 with "
		    "no access rules (only_from, no_access, hosts.allow, "
		    "hosts.deny)",
		NULL,
	};
	(void)state;

	diag_init(&d);
	diag_init(&w);
	cfg = load("echo stream tcp nowait nobody /bin/cat cat\n",
	    "service qotd\n{\n socket_type = stream\n wait = no\n"
	    " user = nobody\n server = /usr/games/fortune\n}\n",
	    NULL, "ALL EXCEPT qotd: ALL\n", &d);
	const struct service *q = find_svc(cfg, "qotd");

	/* the engine: granted, no rule matched */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000003);
	ha_request_init(&req, q->daemon, q->name);
	assert_int_equal(ha_endpoint_set_addr(&req.client,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(ha_eval_known(cfg->allow_table, cfg->deny_table, &req,
	    &dec), HA_GRANT);
	assert_null(dec.rule);

	t = render(cfg, 0);
	const char *qs = strstr(t, "service qotd/tcp\n");
	assert_non_null(qs);
	assert_contains(qs, "    rules              (none)\n");
	assert_contains(t, "      hosts.deny:1: ALL EXCEPT qotd: ALL\n"); /* echo */
	j = render(cfg, 1);
	assert_int_not_equal(python_json_ok(j,
	    "s = {x[\"service\"]: x for x in d[\"services\"]}\n"
	    "assert s[\"qotd/tcp\"][\"access\"][\"rules\"] == []\n"
	    "assert len(s[\"echo/tcp\"][\"access\"][\"rules\"]) == 1\n"), 0);
	config_check(cfg, &w);
	assert_msgs(&w, want);
	free(t);
	free(j);
	config_free(cfg);
	diag_free(&d);
	diag_free(&w);
}

/* A daemon@host rule is shown as conditional, not guessed. */
static void
test_rules_conditional(void **state)
{
	struct diag d;
	struct config *cfg;
	char *t, *j;
	(void)state;

	diag_init(&d);
	cfg = load("finger stream tcp nowait nobody /usr/sbin/in.fingerd "
	    "in.fingerd\n", NULL, "in.fingerd@10.0.0.1: ALL\n", NULL, &d);
	t = render(cfg, 0);
	assert_contains(t, "      hosts.allow:1: in.fingerd@10.0.0.1: ALL  (may "
	    "apply: daemon@host, up to the server address or name a client "
	    "connects to)\n");
	j = render(cfg, 1);
	assert_true(json_valid(j, strlen(j)));
	assert_contains(j, "\"conditional\": true");
	free(t);
	free(j);
	config_free(cfg);
	diag_free(&d);
}

/* Every limit, with the defaults fixed at build time, per kind of service. */
static void
test_limits_shown(void **state)
{
	struct diag d;
	struct config *cfg;
	char *t, *j;
	(void)state;

	diag_init(&d);
	cfg = load(
	    "finger stream tcp nowait nobody /usr/sbin/in.fingerd in.fingerd\n"
	    "tftp dgram udp wait nobody /usr/sbin/in.tftpd in.tftpd\n"
	    "time stream tcp wait nobody /usr/sbin/timed timed\n"
	    "echo stream tcp nowait nobody internal\n",
	    "service tftp\n{\n instances = 5\n}\n", NULL, NULL, &d);
	t = render(cfg, 0);
	const char *f = strstr(t, "service finger/tcp\n");
	assert_non_null(f);
	assert_contains(f, "    instances          512  [default]\n"
	    "    per_source         unlimited  [default]\n"
	    "    cps                unlimited  [default]\n"
	    "    children           4096 live service processes, all services "
	    "together  [default]\n"
	    "    looping            not applied: only for wait services  "
	    "[default]\n");
	const char *u = strstr(t, "service tftp/udp\n");
	assert_non_null(u);
	assert_contains(u, "    instances          not applied: a wait service "
	    "runs one server at a time  [p:3]\n"
	    "    per_source         not applied: a wait service runs one server "
	    "at a time  [default]\n"
	    "    cps                unlimited  [default]\n"
	    "    children           4096 live service processes, all services "
	    "together  [default]\n"
	    "    looping            more than 256 starts in 60 s pause it for "
	    "10 s, doubling up to 600 s  [default]\n");
	const char *w = strstr(t, "service time/tcp\n");
	assert_non_null(w);
	assert_contains(w, "    looping            more than 256 starts");
	assert_contains(w, "    hosts_access       not consulted (a stream wait "
	    "service: its server accepts the connections itself)\n");
	const char *e = strstr(t, "service echo/tcp\n");
	assert_non_null(e);
	assert_contains(e, "    children           not applied: a built-in runs "
	    "in the listener, no process  [default]\n");
	assert_contains(e, "    looping            not applied: a built-in "
	    "starts nothing  [default]\n");
	j = render(cfg, 1);
	assert_true(json_valid(j, strlen(j)));
	assert_int_not_equal(python_json_ok(j,
	    "s = {x[\"service\"]: x for x in d[\"services\"]}\n"
	    "l = s[\"tftp/udp\"][\"limits\"]\n"
	    "assert l[\"instances\"] is None and l[\"per_source\"] is None\n"
	    "assert l[\"children\"] == 4096\n"
	    "assert l[\"looping\"] == {\"starts\": 256, \"window\": 60, "
	    "\"pause_min\": 10, \"pause_max\": 600}\n"
	    "f = s[\"finger/tcp\"][\"limits\"]\n"
	    "assert f[\"instances\"] == 512 and f[\"looping\"] is None\n"
	    "assert s[\"time/tcp\"][\"access\"][\"hosts_access\"] is False\n"), 0);
	free(t);
	free(j);
	config_free(cfg);
	diag_free(&d);
}

/* flags = REUSE: accepted as xinetd does, a no-op (docs/policy.md). */
static void
test_flags_reuse(void **state)
{
	struct diag d, w;
	struct config *cfg;
	char *t;
	(void)state;

	diag_init(&d);
	diag_init(&w);
	cfg = load(NULL, "service qotd\n{\n socket_type = stream\n wait = no\n"
	    " user = nobody\n server = /usr/games/fortune\n"
	    " flags = REUSE NODELAY\n bind = 127.0.0.1\n}\n", NULL, NULL, &d);
	t = render(cfg, 0);
	assert_contains(t, "    flags              NODELAY  [p:7]\n");
	config_check(cfg, &w);
	assert_int_equal(w.n, 0);
	free(t);
	config_free(cfg);
	diag_free(&d);
	diag_free(&w);
}

/* Item 4: seccomp lists do nothing without a filter. */
static void
test_check_seccomp_lists(void **state)
{
	struct diag d, w;
	struct config *cfg;
	const char *want[] = {
		"p:3: warning: service finger/tcp@127.0.0.1 runs without a seccomp filter "
		    "(seccomp = none)",
		"p:4: warning: service finger/tcp@127.0.0.1: seccomp_allow has no effect "
		    "with seccomp = none",
		"p:5: warning: service finger/tcp@127.0.0.1: seccomp_deny has no effect "
		    "with seccomp = none",
		NULL,
	};
	(void)state;

	diag_init(&d);
	diag_init(&w);
	cfg = load("127.0.0.1:finger stream tcp nowait nobody /usr/sbin/in.fingerd "
	    "in.fingerd\n"
	    "127.0.0.1:echo stream tcp nowait nobody /bin/cat cat\n",
	    "service finger\n{\n seccomp = none\n seccomp_allow = ptrace\n"
	    " seccomp_deny = @mount\n}\n"
	    "service echo\n{\n seccomp_deny = @mount\n}\n", NULL, NULL, &d);
	config_check(cfg, &w);
	assert_msgs(&w, want);
	config_free(cfg);
	diag_free(&d);
	diag_free(&w);
}

/* Item 6: what rules cannot do for datagram, wait and built-in services. */
static void
test_check_rule_kinds(void **state)
{
	struct diag d, w;
	struct config *cfg;
	const char *want[] = {
		"hosts.allow:1: warning: rule applies to datagram service "
		    "tftp/udp, which is judged on the client address alone: host "
		    "names and ident users count as unknown",
		"hosts.allow:2: warning: rule applies to datagram service "
		    "tftp/udp: options setenv, spawn are not carried out for "
		    "datagrams",
		"hosts.allow:3: warning: rule applies to datagram service "
		    "daytime/udp, which is judged on the client address alone: "
		    "host names and ident users count as unknown",
		"hosts.allow:4: warning: rule applies to service time/tcp, a "
		    "stream wait service: its server accepts the connections "
		    "itself, so no access rule is checked for it",
		"hosts.allow:5: warning: rule applies to built-in service "
		    "echo/tcp: option umask is not carried out (a built-in runs "
		    "no process)",
		"hosts.allow:7: warning: rule applies to datagram service "
		    "tftp/udp: its twist denies the datagram (a datagram is never "
		    "twisted)",
		"hosts.allow:8: warning: rule applies to datagram service "
		    "tftp/udp, which is judged on the client address alone: host "
		    "names and ident users count as unknown",
		"hosts.allow:9: warning: rule never applies to datagram service "
		    "tftp/udp: its daemon@host part needs the server's name or "
		    "address, and for a datagram only a bound address is known",
		"hosts.deny:1: warning: rule applies to service time/tcp, a "
		    "stream wait service: its server accepts the connections "
		    "itself, so no access rule is checked for it",
		NULL,
	};
	(void)state;

	diag_init(&d);
	diag_init(&w);
	cfg = load(
	    "tftp dgram udp wait nobody /usr/sbin/in.tftpd in.tftpd\n"
	    "daytime dgram udp wait nobody internal\n"
	    "time stream tcp wait nobody /usr/sbin/timed timed\n"
	    "echo stream tcp nowait nobody internal\n"
	    "finger stream tcp nowait nobody /usr/sbin/in.fingerd in.fingerd\n"
	    "discard dgram udp wait nobody /bin/true true\n",
	    "service discard\n{\n flags = NOLIBWRAP\n only_from = 10.0.0.1\n}\n",
	    "in.tftpd: .example.com\n"
	    "in.tftpd: 10.0.0.0/8 : setenv X y : spawn echo %a : setenv Z z\n"
	    "daytime: bob@10.0.0.1\n"
	    "timed: 10.0.0.1\n"
	    "echo: 10.0.0.1 : umask 022 : rfc931\n"
	    "in.fingerd: .example.com : setenv X y\n"
	    "in.tftpd: 10.0.0.1 : twist /bin/echo hi\n"
	    "in.tftpd: 10.0.0.2 EXCEPT UNKNOWN\n"
	    "in.tftpd@10.1.1.1: 10.0.0.1\n"
	    "in.tftpd true: 10.0.0.0/8 ALL@10.0.0.1 : severity auth.info\n",
	    "ALL: ALL\n", &d);
	config_check(cfg, &w);
	assert_msgs(&w, want);
	assert_int_equal(w.errors, 0);
	config_free(cfg);
	diag_free(&d);
	diag_free(&w);
}

/* Item 3: with errors, what loaded is still checked (no cross-checks). */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
test_check_partial(void **state)
{
	char dir[] = "/tmp/hinetd-explain-dir-XXXXXX", p[4][100], want[300];
	struct config_paths paths;
	struct diag d;
	struct config *cfg;
	(void)state;

	assert_non_null(mkdtemp(dir));
	write_file(dir, "inetd.conf",
	    "telnet stream tcp nowait root /usr/sbin/in.telnetd in.telnetd\n"
	    "bogus stream tcp nowait nobody relative/path x\n");
	snprintf(p[0], sizeof(p[0]), "%s/inetd.conf", dir);
	snprintf(p[1], sizeof(p[1]), "%s/policy.d", dir);
	snprintf(p[2], sizeof(p[2]), "%s/hosts.allow", dir);
	snprintf(p[3], sizeof(p[3]), "%s/hosts.deny", dir);
	write_file(dir, "hosts.allow", "nosuchd: ALL\n");
	memset(&paths, 0, sizeof(paths));
	paths.inetd_conf = p[0];
	paths.policy_dir = p[1];
	paths.policy_dir_default = 1;
	paths.hosts_allow = p[2];
	paths.hosts_deny = p[3];

	diag_init(&d);
	assert_null(config_load(&paths, &d));
	assert_true(d.errors > 0);
	diag_free(&d);

	diag_init(&d);
	cfg = config_load_keep(&paths, &d);
	assert_non_null(cfg);
	size_t errors = d.errors, before = d.n;
	assert_true(errors > 0);
	config_check_partial(cfg, &d);
	assert_int_equal(d.errors, errors);
	/* the root service loaded: warned; no cross-checks (the broken line
	 * might have been the service that rule names) */
	assert_int_equal(d.n, before + 1);
	snprintf(want, sizeof(want), "%s:1: warning: service telnet/tcp runs "
	    "as root: without capabilities it still owns every file root owns",
	    p[0]);
	assert_string_equal(d.msgs[before], want);
	config_free(cfg);
	diag_free(&d);

	unlink(p[0]);
	unlink(p[2]);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_text_fields),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escaping_in_output),
		cmocka_unit_test(test_stable_order),
		cmocka_unit_test(test_empty_config),
		cmocka_unit_test(test_check_warnings),
		cmocka_unit_test(test_check_quiet),
		cmocka_unit_test(test_hosts_rules),
		cmocka_unit_test(test_rules_agree_with_engine),
		cmocka_unit_test(test_rules_conditional),
		cmocka_unit_test(test_limits_shown),
		cmocka_unit_test(test_flags_reuse),
		cmocka_unit_test(test_check_seccomp_lists),
		cmocka_unit_test(test_check_rule_kinds),
		cmocka_unit_test(test_check_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
