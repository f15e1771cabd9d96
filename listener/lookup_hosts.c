/*
 * lookup_hosts.c: the hosts file (/etc/hosts) privd read into the
 * snapshot, searched in memory before DNS as nsswitch's "files dns" would,
 * so the confined listener never opens it.
 */
#include "listener/lookup_internal.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOSTS_MAX_ENTRIES 65536
#define HOSTS_MAX_NAMES   16

struct hosts_entry {
	int            family;
	unsigned char  addr[16];
	char          *names[HOSTS_MAX_NAMES];  /* names[0]: canonical */
	int            nnames;
};

static struct hosts_entry *hosts;
static size_t nhosts;

void
hosts_load(const char *text)
{
	char *copy, *line, *save = NULL;

	if (text == NULL)
		return;
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL && nhosts < HOSTS_MAX_ENTRIES;
	    line = strtok_r(NULL, "\n", &save)) {
		struct hosts_entry e;
		char *tok, *save2 = NULL, *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		memset(&e, 0, sizeof(e));
		tok = strtok_r(line, " \t\r", &save2);
		if (tok == NULL)
			continue;
		if (inet_pton(AF_INET, tok, e.addr) == 1)
			e.family = AF_INET;
		else if (inet_pton(AF_INET6, tok, e.addr) == 1)
			e.family = AF_INET6;
		else
			continue;
		while ((tok = strtok_r(NULL, " \t\r", &save2)) != NULL &&
		    e.nnames < HOSTS_MAX_NAMES)
			e.names[e.nnames++] = xstrdup(tok);
		if (e.nnames == 0)
			continue;
		hosts = xreallocarray(hosts, nhosts + 1, sizeof(*hosts));
		hosts[nhosts++] = e;
	}
	free(copy);
}

static int
addr_eq(const struct hosts_entry *e, int family, const unsigned char *addr)
{
	return e->family == family &&
	    memcmp(e->addr, addr, family == AF_INET ? 4 : 16) == 0;
}

const char *
hosts_name_of(int family, const unsigned char *addr)
{
	for (size_t i = 0; i < nhosts; i++)
		if (addr_eq(&hosts[i], family, addr))
			return hosts[i].names[0];
	return NULL;
}

int
hosts_name_has(const char *name, int family, const unsigned char *addr)
{
	int known = 0;

	for (size_t i = 0; i < nhosts; i++)
		for (int j = 0; j < hosts[i].nnames; j++) {
			if (strcasecmp(hosts[i].names[j], name) != 0)
				continue;
			known = 1;
			if (addr_eq(&hosts[i], family, addr))
				return 1;
		}
	return known ? 0 : -1;
}
