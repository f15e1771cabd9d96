/*
 * hinetd_match.c: hinetd-match, the access oracle, the
 * hinetd counterpart of tcpdmatch(8).
 *
 *   hinetd-match [-f FILE] [-s DIR] [-A FILE] [-D FILE] DAEMON[@SERVER]
 *                [USER@]CLIENT
 *
 * Loads the configuration exactly as hinetd does (config_load, same
 * options and defaults), parses hosts.allow / hosts.deny with the engine
 * the listener uses, and prints the decision in tcpdmatch's form.  Like
 * tcpdmatch: a numeric CLIENT predicts a connection whose name look-up
 * failed; a host name predicts one connection per address of that name,
 * each with the reverse look-up and forward confirmation tcpd (and the
 * listener) make; "unknown" and "paranoid" stand for a client whose name
 * is unknown or failed confirmation.  Name look-ups here may block.
 *
 * Exit: 0 granted (or delegated to a twist command) for every address,
 * 1 denied for at least one, 2 on usage or configuration errors.
 */
#include "common/diag.h"
#include "common/log.h"
#include "common/util.h"
#include "policy/config_load.h"
#include "policy/hosts_access.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_ADDRS 64

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: hinetd-match [-f FILE] [-s DIR] [-A FILE] "
	    "[-D FILE] DAEMON[@SERVER] [USER@]CLIENT\n");
	exit(2);
}

static int
same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return 0;
}

/*
 * The name of an address as tcpd and the listener establish it: reverse
 * look-up, then a forward look-up of that name (same family) that must
 * return the same canonical name and the address.
 */
static void
lookup_name(struct ha_endpoint *e, const struct sockaddr *sa, socklen_t len)
{
	char name[NI_MAXHOST];
	struct addrinfo hints, *res = NULL, *ai;
	int ok = 0;

	if (getnameinfo(sa, len, name, sizeof(name), NULL, 0, NI_NAMEREQD) != 0) {
		ha_endpoint_set_name(e, HA_NAME_UNKNOWN, NULL);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = sa->sa_family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(name, NULL, &hints, &res) == 0 && res != NULL &&
	    (strcasecmp(name, "localhost") == 0 || (res->ai_canonname != NULL &&
	    strcasecmp(res->ai_canonname, name) == 0))) {
		for (ai = res; ai != NULL && !ok; ai = ai->ai_next)
			ok = same_addr(ai->ai_addr, sa);
	}
	if (res != NULL)
		freeaddrinfo(res);
	if (ok)
		ha_endpoint_set_name(e, HA_NAME_KNOWN, name);
	else
		ha_endpoint_set_name(e, HA_NAME_PARANOID, NULL);
}

static int
numeric_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

/* All addresses of a host name, in resolver order, without duplicates. */
static int
host_addrs(const char *host, struct sockaddr_storage *v, socklen_t *lens,
    int max)
{
	struct addrinfo hints, *res, *ai;
	int n = 0, dup;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(v[0]))
			continue;
		dup = 0;
		for (int i = 0; i < n && !dup; i++)
			dup = same_addr((struct sockaddr *)&v[i], ai->ai_addr);
		if (dup)
			continue;
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(&v[n], ai->ai_addr, ai->ai_addrlen);
		lens[n++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	return n;
}

static int
is_pseudo(const char *s, enum ha_name_state *st)
{
	if (strcasecmp(s, "unknown") == 0) {
		*st = HA_NAME_UNKNOWN;
		return 1;
	}
	if (strcasecmp(s, "paranoid") == 0) {
		*st = HA_NAME_PARANOID;
		return 1;
	}
	return 0;
}

/* Fill an endpoint from an address, host name or pseudo name. */
static int
set_endpoint(struct ha_endpoint *e, const char *what, const char *s,
    struct sockaddr_storage *addrs, socklen_t *lens, int *naddrs)
{
	enum ha_name_state st;
	socklen_t len;

	if (numeric_addr(s, &addrs[0], &len) == 0) {
		/* Like tcpdmatch: predict a failed name look-up. */
		ha_endpoint_set_addr(e, (struct sockaddr *)&addrs[0], len);
		ha_endpoint_set_name(e, HA_NAME_UNKNOWN, NULL);
		lens[0] = len;
		*naddrs = -1;
		return 0;
	}
	if (is_pseudo(s, &st)) {
		ha_endpoint_set_name(e, st, NULL);
		*naddrs = 0;
		return 0;
	}
	if ((*naddrs = host_addrs(s, addrs, lens, MAX_ADDRS)) <= 0) {
		fprintf(stderr, "hinetd-match: %s %s: host not found\n", what, s);
		return -1;
	}
	return 0;
}

static void
print_endpoint(const char *who, const struct ha_endpoint *e)
{
	if (e->name_state == HA_NAME_KNOWN)
		printf("%s   hostname %s\n", who, e->name);
	else if (e->name_state == HA_NAME_PARANOID)
		printf("%s   hostname paranoid\n", who);
	if (e->has_addr)
		printf("%s   address  %s\n", who, e->addr);
}

/* Decide and print one prediction; returns the final status. */
static enum ha_status
predict(const struct ha_table *allow, const struct ha_table *deny,
    struct ha_request *req)
{
	struct ha_decision dec;
	enum ha_status st;
	char buf[HA_EXPAND_MAX];

	/* Every fact is settled up front, as in tcpdmatch; be safe anyway. */
	while ((st = ha_eval(allow, deny, req, &dec)) >= HA_NEED_HOSTNAME) {
		if (st == HA_NEED_HOSTNAME)
			ha_endpoint_set_name(&req->client, HA_NAME_UNKNOWN, NULL);
		else if (st == HA_NEED_SERVER_HOSTNAME)
			ha_endpoint_set_name(&req->server, HA_NAME_UNKNOWN, NULL);
		else
			ha_request_set_user(req, NULL);
	}
	print_endpoint("client:", &req->client);
	if (req->user_state == HA_USER_KNOWN)
		printf("client:   username %s\n", req->user);
	print_endpoint("server:", &req->server);
	printf("server:   process  %s\n", req->daemon);
	if (req->service != NULL)
		printf("server:   service  %s\n", req->service);
	if (dec.rule != NULL) {
		printf("matched:  %s line %d\n", dec.file, dec.line);
		for (size_t i = 0; i < dec.rule->nopts; i++) {
			const struct ha_option *o = &dec.rule->opts[i];
			if (ha_option_value(o, req, buf, sizeof(buf)) == -1)
				str_copy(buf, "(expansion too long)", sizeof(buf));
			printf("option:   %s %s\n", o->key, buf);
		}
	}
	printf("access:   %s\n", ha_status_name(st));
	return st;
}

int
main(int argc, char *argv[])
{
	struct config_paths paths = {
		CONFIG_DEFAULT_INETD_CONF, 1, CONFIG_DEFAULT_POLICY_DIR, 1,
		CONFIG_DEFAULT_HOSTS_ALLOW, CONFIG_DEFAULT_HOSTS_DENY,
	};
	static struct sockaddr_storage caddrs[MAX_ADDRS], saddrs[MAX_ADDRS];
	socklen_t clens[MAX_ADDRS], slens[MAX_ADDRS];
	struct ha_table *allow = NULL, *deny = NULL;
	struct ha_request req;
	struct config *cfg;
	struct diag d;
	const char *daemon, *service = NULL, *user = NULL;
	char *darg, *carg, *server, *client, *at;
	int ch, ncaddrs, nsaddrs = 0, denied = 0, rc = 2;

	log_init("hinetd-match", 1);
	while ((ch = getopt(argc, argv, "f:s:A:D:")) != -1) {
		switch (ch) {
		case 'f': paths.inetd_conf = optarg; paths.inetd_conf_default = 0; break;
		case 's': paths.policy_dir = optarg; paths.policy_dir_default = 0; break;
		case 'A': paths.hosts_allow = optarg; break;
		case 'D': paths.hosts_deny = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	darg = xstrdup(argv[optind]);
	carg = xstrdup(argv[optind + 1]);

	/* The same load as hinetd's, access tables included (HA_PARSE_SYSTEM). */
	diag_init(&d);
	cfg = config_load(&paths, &d);
	diag_print(&d, stderr);
	if (cfg == NULL || d.errors > 0)
		goto out;
	allow = cfg->allow_table;
	deny = cfg->deny_table;

	/* DAEMON[@SERVER]; a path names its basename, as in tcpdmatch. */
	server = NULL;
	if ((at = strchr(darg, '@')) != NULL) {
		*at = '\0';
		server = at + 1;
	}
	daemon = darg;
	if (daemon[0] == '/' && strrchr(daemon, '/')[1] != '\0')
		daemon = strrchr(daemon, '/') + 1;
	if (daemon[0] == '\0' || (server != NULL && server[0] == '\0'))
		usage();
	/*
	 * A service name gives that service's daemon name; a daemon name
	 * gives its service's name too when only one service runs it.
	 */
	for (size_t i = 0; i < cfg->nsvcs && service == NULL; i++) {
		if (strcmp(cfg->svcs[i]->name, daemon) == 0) {
			service = cfg->svcs[i]->name;
			if (cfg->svcs[i]->daemon != NULL)
				daemon = cfg->svcs[i]->daemon;
		}
	}
	for (size_t i = 0; i < cfg->nsvcs && service == NULL; i++) {
		const struct service *s = cfg->svcs[i];
		if (s->daemon == NULL || strcmp(s->daemon, daemon) != 0)
			continue;
		for (size_t j = i + 1; j < cfg->nsvcs; j++)
			if (cfg->svcs[j]->daemon != NULL &&
			    strcmp(cfg->svcs[j]->daemon, daemon) == 0 &&
			    strcmp(cfg->svcs[j]->name, s->name) != 0) {
				fprintf(stderr, "hinetd-match: warning: %s serves "
				    "services %s and %s; give a service name to "
				    "match its service name too\n", daemon, s->name,
				    cfg->svcs[j]->name);
				goto ambiguous;
			}
		service = s->name;
	}
ambiguous:

	/* [USER@]CLIENT */
	client = carg;
	if ((at = strchr(carg, '@')) != NULL) {
		*at = '\0';
		user = carg;
		client = at + 1;
		if (!ha_user_valid(user)) {
			fprintf(stderr, "hinetd-match: %s: not a valid user name\n",
			    user);
			goto out;
		}
	}
	if (client[0] == '\0')
		usage();

	ha_request_init(&req, daemon, service);
	req.pid = (long)getpid();
	ha_request_set_user(&req, user);
	if (server == NULL)
		ha_endpoint_set_name(&req.server, HA_NAME_UNKNOWN, NULL);
	else {
		if (set_endpoint(&req.server, "server", server, saddrs, slens,
		    &nsaddrs) == -1)
			goto out;
		if (nsaddrs > 1) {
			fprintf(stderr, "hinetd-match: server %s has more than "
			    "one address; give an address instead\n", server);
			goto out;
		}
		if (nsaddrs == 1 || nsaddrs == -1) {
			ha_endpoint_set_addr(&req.server,
			    (struct sockaddr *)&saddrs[0], slens[0]);
			lookup_name(&req.server, (struct sockaddr *)&saddrs[0],
			    slens[0]);
		}
	}
	if (set_endpoint(&req.client, "client", client, caddrs, clens,
	    &ncaddrs) == -1)
		goto out;
	rc = 0;
	if (ncaddrs <= 0) {
		denied = predict(allow, deny, &req) == HA_DENY;
	} else {
		struct ha_request base = req;
		for (int i = 0; i < ncaddrs; i++) {
			req = base;
			ha_endpoint_set_addr(&req.client,
			    (struct sockaddr *)&caddrs[i], clens[i]);
			lookup_name(&req.client, (struct sockaddr *)&caddrs[i],
			    clens[i]);
			if (i > 0)
				printf("\n");
			if (predict(allow, deny, &req) == HA_DENY)
				denied = 1;
		}
	}
	rc = denied ? 1 : 0;
out:
	fflush(stdout);
	config_free(cfg);
	diag_free(&d);
	free(darg);
	free(carg);
	return rc;
}
