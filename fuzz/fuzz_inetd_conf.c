/*
 * fuzz_inetd_conf.c: libFuzzer target for the inetd.conf parser.  Any bytes
 * go to inetd_conf_parse_buf on a fresh configuration; the result is checked
 * for the parser's promises, then everything is freed.
 * (With HINETD_FUZZ the libraries are built instrumented too.)
 */
#include "policy/inetd_conf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_service(const struct config *cfg, size_t i)
{
	const struct service *s = cfg->svcs[i];

	check(s->id == i);
	check(s->name[0] != '\0' && strlen(s->name) < SVC_NAME_MAX);
	check(s->addrlen > 0 && s->family == s->addr.ss_family);
	check(s->user != NULL && s->group != NULL && s->daemon != NULL);
	check(s->origin[ATTR_SERVICE].file != NULL &&
	    s->origin[ATTR_SERVICE].line > 0);
	if (s->builtin != BUILTIN_NONE) {
		check(s->server == NULL && s->argv == NULL && s->argc == 0);
		return;
	}
	check(s->server != NULL && s->server[0] == '/');
	check(s->argc >= 1 && s->argc <= SVC_ARGV_MAX);
	check(s->argv[s->argc] == NULL);
	for (int a = 0; a < s->argc; a++)
		check(s->argv[a] != NULL);
	check(s->socktype != SOCK_DGRAM || s->wait);
	for (size_t j = 0; j < i; j++)
		check(!service_same_socket(cfg->svcs[j], s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = config_new();
	struct diag d;
	int errors;

	diag_init(&d);
	errors = inetd_conf_parse_buf(cfg, "fuzz.conf", (const char *)data, size,
	    &d);
	check(errors >= 0 && (size_t)errors == d.errors);
	check(cfg->nsvcs <= SVC_MAX);
	for (size_t i = 0; i < cfg->nsvcs; i++)
		check_service(cfg, i);
	config_free(cfg);
	diag_free(&d);
	return 0;
}
