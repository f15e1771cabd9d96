/*
 * fuzz_policy_file.c: libFuzzer target for the policy-file parser, the
 * `hinetd -t` warnings and the `hinetd -T` printers.
 *
 * Input: policy-file text, optionally followed by "\n%%\n" and hosts.allow
 * text.  It is parsed with policy_text_parse on a configuration that
 * already holds a few inetd.conf services (so overlays and defaults are
 * exercised); the result is checked for the parser's promises; a load
 * without errors is then run through config_check and explain_text or
 * explain_json (by the input's length, to keep the rate up).  Everything
 * is freed.
 *
 * The parser, the warnings and the printers are compiled into this file so
 * that they carry the fuzzer's coverage and sanitizer instrumentation
 * (hinetd_policy itself is built without it); the linker then never pulls
 * the library's copies.
 */
#include "policy/xinetd_lex.c"
#include "policy/policy_attr.c"
#include "policy/policy_file.c"
#include "policy/config_check.c"
#include "policy/explain.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char inetd_text[] =
    "echo stream tcp nowait nobody /bin/cat cat\n"
    "echo dgram udp wait nobody /bin/cat cat\n"
    "daytime stream tcp nowait/7 daemon /usr/sbin/tcpd in.daytimed\n"
    "chargen stream tcp nowait nobody internal\n";

static FILE *devnull;

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
fuzz_check_service(const struct config *cfg, size_t i, int errors)
{
	const struct service *s = cfg->svcs[i];

	check(s->id == i);
	check(s->name[0] != '\0' && strlen(s->name) < SVC_NAME_MAX);
	check(s->addrlen > 0 && s->family == s->addr.ss_family);
	check(s->origin[ATTR_SERVICE].file != NULL &&
	    s->origin[ATTR_SERVICE].line > 0);
	check(s->daemon != NULL);
	/* refused (an error, the load fails) unless seccomp = none */
	check(errors > 0 || s->no_new_privs || s->seccomp == SECCOMP_PROFILE_NONE);
	check(s->instances > 0);
	check(s->umask >= -1 && s->umask <= 0777);
	check(s->nice >= -20 && s->nice <= 19);
	if (s->builtin != BUILTIN_NONE) {
		check(s->server == NULL && s->argv == NULL && s->argc == 0);
		return;
	}
	check(s->user != NULL && s->group != NULL);
	check(s->server != NULL && s->server[0] == '/');
	check(s->argc >= 1 && s->argc <= SVC_ARGV_MAX);
	check(s->argv[s->argc] == NULL);
	for (int a = 0; a < s->argc; a++)
		check(s->argv[a] != NULL);
	check(s->socktype != SOCK_DGRAM || s->wait);
	for (size_t j = 0; j < i; j++)
		check(!service_same_socket(cfg->svcs[j], s));
}

static const char *
find_sep(const char *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, "\n%%\n", 4) == 0)
			return p + i;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *sep;
	size_t plen = size;
	struct config *cfg = config_new();
	struct diag d;
	int errors;

	if (devnull == NULL)
		check((devnull = fopen("/dev/null", "w")) != NULL);
	diag_init(&d);
	cfg->inetd_path = xstrdup("inetd.conf");
	cfg->allow_path = xstrdup("hosts.allow");
	check(inetd_conf_parse_buf(cfg, "inetd.conf", inetd_text,
	    sizeof(inetd_text) - 1, &d) == 0);
	if ((sep = find_sep(text, size)) != NULL) {
		plen = (size_t)(sep - text);
		cfg->allow_len = size - plen - 4;
		cfg->allow_text = xstrndup(sep + 4, cfg->allow_len);
		cfg->allow_len = strlen(cfg->allow_text);
	}
	errors = policy_text_parse(cfg, "fuzz.conf", text, plen, &d);
	check(errors >= 0 && (size_t)errors == d.errors);
	check(cfg->nsvcs <= SVC_MAX);
	for (size_t i = 0; i < cfg->nsvcs; i++)
		fuzz_check_service(cfg, i, errors);
	if (errors == 0) {
		config_check(cfg, &d);
		check(d.errors == 0);
		/* the printers are the slow part: one of them per input */
		if (size & 1)
			explain_json(cfg, devnull);
		else
			explain_text(cfg, devnull);
	}
	config_free(cfg);
	diag_free(&d);
	return 0;
}
