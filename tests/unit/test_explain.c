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

#include "common/util.h"
#include "policy/config_check.h"
#include "policy/explain.h"
#include "policy/inetd_conf.h"
#include "policy/policy_file.h"

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
	if (allow != NULL) {
		cfg->allow_text = xstrdup(allow);
		cfg->allow_len = strlen(allow);
	}
	if (deny != NULL) {
		cfg->deny_text = xstrdup(deny);
		cfg->deny_len = strlen(deny);
	}
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
	assert_int_equal(d->errors, 0);
	return cfg;
}

static char *
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
	assert_contains(q, "    rules\n"
	    "      hosts.allow:2: ALL EXCEPT in.fingerd: LOCAL\n"
	    "      hosts.allow:4: fortune, qotd : 10.0.0.1    10.0.0.2\n"
	    "      hosts.deny:1: ALL: ALL\n");
	assert_contains(q, "    instances          40  [p:3]\n");
	assert_contains(q, "    per_source         unlimited  [default]\n");
	assert_contains(q, "    cps                unlimited  [default]\n");
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
	    "\"line\": 4, \"type\": \"allow\", \"rule\": \"fortune, qotd : "
	    "10.0.0.1    10.0.0.2\"}\n"
	    "assert q[\"limits\"][\"instances\"] == 40\n"
	    "assert q[\"limits\"][\"per_source\"] == \"UNLIMITED\"\n"
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
	    "qotd: 10.0.0.1\t\x01 \xff \"x\"\n", NULL, &d);
	j = render(cfg, 1);
	assert_true(json_valid(j, strlen(j)));
	assert_contains(j, "\"X=a\\\"b\\\\c\"");
	assert_contains(j, "\"/usr/bin/q\\\"uote\"");
	assert_contains(j, "\"\xc3\xa9\"");
	assert_contains(j, "\"rule\": \"qotd: 10.0.0.1\\t\\u0001 \\u00ff \\\"x\\\"\"");
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
		"inetd.conf:1: warning: service telnet/tcp runs as root",
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
	    "telnet stream tcp nowait nobody /usr/sbin/in.telnetd in.telnetd\n",
	    NULL,
	    "ALL EXCEPT in.fingerd: ALL\n"                  /* 0 */
	    "in.* EXCEPT in.telnetd: 10.0.0.1\n"            /* 1 */
	    "IN.FINGERD@192.168.0.1: ALL\n"                 /* 2 */
	    "finger, other: ALL\n"                          /* 3 */
	    "ALL EXCEPT in.* EXCEPT in.fingerd: ALL\n"      /* 4 */
	    "[::1]@x in.f?ngerd: ALL\n"                     /* 5 */
	    "no colon here\n"
	    "\n"
	    "   # a comment: with a colon\n"
	    "tel\\\n"
	    "net: ALL\n",                                   /* 6, line 10 */
	    NULL, &d);
	r = hosts_rules_read(cfg, &n);
	assert_int_equal(n, 7);
	const struct service *fi = cfg->svcs[0], *te = cfg->svcs[1];
	/* finger: daemon in.fingerd, name finger */
	assert_true(hosts_rule_applies(&r[0], fi));     /* via "finger" */
	assert_true(hosts_rule_applies(&r[0], te));
	assert_true(hosts_rule_applies(&r[1], fi));
	assert_false(hosts_rule_applies(&r[1], te));
	assert_true(hosts_rule_applies(&r[2], fi));
	assert_false(hosts_rule_applies(&r[2], te));
	assert_true(hosts_rule_applies(&r[3], fi));
	assert_false(hosts_rule_applies(&r[3], te));
	/* ALL EXCEPT (in.* EXCEPT in.fingerd): in.telnetd is out, but the
	 * service name "telnet" is in; either name makes a rule apply */
	assert_true(hosts_rule_applies(&r[4], fi));
	assert_true(hosts_rule_applies(&r[4], te));
	assert_true(hosts_rule_applies(&r[5], fi));
	assert_int_equal(r[6].line, 10);
	assert_string_equal(r[6].text, "telnet: ALL");
	assert_true(hosts_rule_applies(&r[6], te));
	assert_false(hosts_rule_applies(&r[6], fi));
	hosts_rules_free(r, n);
	config_free(cfg);
	diag_free(&d);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
