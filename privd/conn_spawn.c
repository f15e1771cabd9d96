/*
 * conn_spawn.c: a spawn request from the listener, checked and carried out.
 *
 * Nothing in the request is believed: the service id and generation must
 * name a service of the running configuration of the right kind; a passed
 * descriptor must be a connected (not listening) socket whose family, type,
 * protocol and local address are the service's; the optional host name and
 * ident strings must pass strict character rules.  Who runs, what runs and
 * under which policy come from privd's own tables; the addresses in the
 * environment come from the socket (getpeername/getsockname).
 */
#include "privd/privd.h"
#include "privd/spawn_prefilter.h"
#include "common/log.h"
#include "common/names.h"
#include "policy/hosts_access.h"
#include "common/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * An accepted socket that passed every other check but whose client reset
 * meanwhile: a race every busy server sees, not a hostile listener.
 */
static const char CLIENT_GONE[] = "client went away";

/*
 * Spawns begun and not yet ended (spawn_begin), oldest first, with what
 * the child's entry in the table will hold; ended by conn_spawn_collect.
 * A ring: an entry never moves while a filter thread may write into it.
 */
#define PENDING_MAX  16

struct pending {
	struct spawn_handle h;
	struct child        tmpl;       /* all but pid and status_fd */
	int                 fd;         /* the connection until begun, or -1 */
};

static struct pending pending[PENDING_MAX];
static size_t pend_head, npending;

static void spawn_failed(struct pending *, int);

#define ENV_DYN_MAX  9
#define ENV_VAL_MAX  (IPC_HOST_MAX + 32)

/* Built before each spawn, read by the child until it execs. */
static char  env_dyn[ENV_DYN_MAX][ENV_VAL_MAX];
static char *env_all[ENV_DYN_MAX + ACCESS_SETENV_MAX + 1024 + 1];

static int
addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

static in_port_t
addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port;
	return ((const struct sockaddr_in6 *)ss)->sin6_port;
}

static int
addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return IN6_ARE_ADDR_EQUAL(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr);
}

static int
sockopt_int(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) == -1 || len != sizeof(v))
		return -1;
	return v;
}

/*
 * Is fd a connected socket of svc?  NULL or why not.  getsockname comes
 * first: it fails with ENOTSOCK on anything but a socket, and its family
 * is the socket's own (SO_DOMAIN would say the same).
 */
static const char *
check_conn_fd(const struct service *svc, int fd, struct sockaddr_storage *local,
    socklen_t *locallen, struct sockaddr_storage *peer, socklen_t *peerlen)
{
	int proto;

	*locallen = sizeof(*local);
	if (getsockname(fd, (struct sockaddr *)local, locallen) == -1)
		return errno == ENOTSOCK ? "descriptor is not a socket" :
		    "cannot read the socket's local address";
	if (*locallen < sizeof(sa_family_t) || *locallen > sizeof(*local) ||
	    local->ss_family != svc->family)
		return "socket family differs from the service's";
	if (sockopt_int(fd, SO_TYPE) != svc->socktype)
		return "socket type differs from the service's";
	proto = sockopt_int(fd, SO_PROTOCOL);
	if (svc->protocol != 0 ? proto != svc->protocol : proto != IPPROTO_SCTP)
		return "socket protocol differs from the service's";
	if (addr_port(local) != addr_port(&svc->addr))
		return "socket's local port differs from the service's";
	if (!addr_is_any(&svc->addr) && !addr_equal(local, &svc->addr))
		return "socket's local address differs from the service's";
	/*
	 * A socket with a peer is connected, so never a listening one; only
	 * a socket without one needs the question that tells a listening
	 * socket (hostile) from a client that reset (a race).
	 */
	*peerlen = sizeof(*peer);
	if (getpeername(fd, (struct sockaddr *)peer, peerlen) == -1) {
		if (errno != ENOTCONN)
			return "socket is not connected";
		if (sockopt_int(fd, SO_ACCEPTCONN) != 0)
			return "socket is listening, not connected";
		return CLIENT_GONE;
	}
	return NULL;
}

/* env_dyn[*n] = "NAME=value" (cut to ENV_VAL_MAX), listed in env_all. */
static void
env_set(size_t *n, const char *name, const char *value)
{
	size_t len = 0;

	str_put(env_dyn[*n], ENV_VAL_MAX, &len, name);
	str_put(env_dyn[*n], ENV_VAL_MAX, &len, "=");
	str_put(env_dyn[*n], ENV_VAL_MAX, &len, value);
	env_all[*n] = env_dyn[*n];
	(*n)++;
}

static void
env_add_addr(size_t *n, const char *ipname, const char *portname,
    const char *ipname2, const char *portname2,
    const struct sockaddr_storage *ss, socklen_t len)
{
	char host[ADDR_STRLEN], port_s[12];
	unsigned port;

	if (len == 0 || sockaddr_format((const struct sockaddr *)ss, len, host,
	    sizeof(host), &port) == -1)
		return;
	port_s[fmt_uint(port_s, port)] = '\0';
	env_set(n, ipname, host);
	env_set(n, portname, port_s);
	if (ipname2 != NULL) {
		env_set(n, ipname2, host);
		env_set(n, portname2, port_s);
	}
}

/* Is the plan's "NAME=..." entry replaced by a rule's setenv? */
static int
env_overridden(const char *entry, const struct access_apply *a)
{
	size_t n = strcspn(entry, "=");

	for (size_t i = 0; i < a->nenv; i++)
		if (strncmp(a->env[i], entry, n) == 0 && a->env[i][n] == '=')
			return 1;
	return 0;
}

/*
 * PROTO, the addresses, the confirmed name and ident, then the matched
 * rule's setenv variables (never one of the former: refused at load), then
 * the plan's unless a setenv replaced it.
 */
static char *const *
env_build(const struct service *svc, const struct spawn_plan *plan,
    const struct access_apply *a, const struct ipc_spawn *m, const struct sockaddr_storage *local,
    socklen_t locallen, const struct sockaddr_storage *peer, socklen_t peerlen)
{
	size_t n = 0;

	env_set(&n, "PROTO", svc->socktype == SOCK_DGRAM ? "UDP" : "TCP");
	env_add_addr(&n, "TCPREMOTEIP", "TCPREMOTEPORT", "REMOTE_ADDR",
	    "REMOTE_PORT", peer, peerlen);
	env_add_addr(&n, "TCPLOCALIP", "TCPLOCALPORT", NULL, NULL, local, locallen);
	if (m->host[0] != '\0')
		env_set(&n, "TCPREMOTEHOST", m->host);
	if (m->ident[0] != '\0')
		env_set(&n, "TCPREMOTEINFO", m->ident);
	for (size_t i = 0; i < a->nenv; i++)
		env_all[n++] = a->env[i];
	for (size_t i = 0; i < plan->nenv && n < sizeof(env_all) / sizeof(env_all[0]) - 1; i++)
		if (!env_overridden(plan->env[i], a))
			env_all[n++] = plan->env[i];
	env_all[n] = NULL;
	return env_all;
}

static void
reject(const struct ipc_spawn *m, int fd, const char *why)
{
	log_warnx("listener request rejected: %s (service id %u, generation %u)",
	    why, m->svc_id, m->hdr.gen);
	if (fd >= 0)
		close(fd);
	listener_report(IPC_SPAWN_FAILED, m->svc_id, m->token, 0, 0, EINVAL,
	    IPC_FAIL_REJECTED, NULL, 0);
	listener_bad(why);
}

/* The look-up states must agree with the strings they come with. */
static const char *
check_states(const struct ipc_spawn *m)
{
	if (m->name_state > HA_NAME_KNOWN)
		return "invalid host name state";
	if (m->user_state > HA_USER_KNOWN)
		return "invalid ident state";
	if ((m->name_state == HA_NAME_KNOWN) != (m->host[0] != '\0'))
		return "host name does not match its state";
	if ((m->user_state == HA_USER_KNOWN) != (m->ident[0] != '\0'))
		return "ident answer does not match its state";
	return NULL;
}

static void
log_peer(char *buf, size_t len, const struct sockaddr_storage *peer,
    socklen_t peerlen)
{
	str_copy(buf, "-", len);
	if (peerlen > 0)
		sockaddr_format_peer((const struct sockaddr *)peer, peerlen, buf,
		    len);
}

/*
 * The `spawn` options of the matched rule: each a child of its own under
 * the same plan, stdio on /dev/null, counted against the global cap and
 * reaped like any other; it reports to nobody (privd logs it).  Run before
 * the server, as tcpd does.  The caller checked that a slot is free for
 * the server; an option never takes that last one.
 */
static void
spawn_options(const struct service *svc, const struct access_apply *a,
    char *const *envp, const struct sockaddr_storage *peer, socklen_t peerlen)
{
	static struct spawn_plan sp;    /* read by the child until it execs */
	struct spawn_io io;
	char peerbuf[ADDR_STRLEN + 8];
	enum spawn_step step;
	pid_t pid, child_pid;
	int err;

	log_peer(peerbuf, sizeof(peerbuf), peer, peerlen);
	for (size_t i = 0; i < a->nspawn; i++) {
		if (privd.live_children + 1 >= privd.max_children) {
			log_info("service=%s proto=%s peer=%s action=limit "
			    "limit=children max=%u reason=spawn-option", svc->name,
			    svc->proto_name, peerbuf, privd.max_children);
			return;
		}
		sp = a->plan;
		sp.exec_fd = -1;
		sp.path = "/bin/sh";
		sp.argv = a->spawn_argv[i];
		spawn_prefilter_recheck(&sp);
		io.stdio_fd = privd.devnull;
		io.inherit = NULL;
		io.ninherit = 0;
		io.envp = envp;
		pid = spawn_run(&sp, &io, &child_pid, &err, &step);
		if (child_pid > 0) {
			struct child *c = children_add(child_pid);
			c->svc_id = UINT32_MAX;
			c->wait_sock = -1;
			c->spawn_opt = 1;
			c->quiet = pid < 0;
			children_set_peer(c, peer, peerlen);
			str_copy(c->name, svc->name, sizeof(c->name));
			str_copy(c->proto, svc->proto_name, sizeof(c->proto));
			privd.live_children++;
		}
		if (pid > 0)
			log_info("service=%s proto=%s peer=%s action=spawn pid=%ld "
			    "reason=spawn-option", svc->name, svc->proto_name,
			    peerbuf, (long)pid);
		else
			log_warnx("service=%s proto=%s peer=%s action=error pid=%ld "
			    "step=%s errno=%s (%s) reason=spawn-option", svc->name,
			    svc->proto_name, peerbuf, (long)child_pid,
			    spawn_step_name(step), strerrorname_np(err) ?
			    strerrorname_np(err) : "?", strerror(err));
	}
}

/* Is the pending spawn pd one of service id of g, from this client? */
static int
pending_from(const struct pending *pd, uint32_t gen, uint32_t id,
    const struct sockaddr_storage *peer, socklen_t peerlen)
{
	return pd->tmpl.gen == gen && pd->tmpl.svc_id == id &&
	    children_same_client(&pd->tmpl.peer, pd->tmpl.peerlen, peer, peerlen);
}

/*
 * The service's instances and per_source, counted by privd itself
 * (children begun and not yet collected included).  An honest listener
 * never asks past them: privd releases its count when it reaps a child,
 * before it reports the exit that lets the listener release its own.  So
 * a request past one is a bad message.  NULL, or why (in buf).
 */
static const char *
check_limits(const struct service *svc, const struct generation *g,
    uint32_t id, const struct sockaddr_storage *peer, socklen_t peerlen,
    char *buf, size_t len)
{
	unsigned n;

	if (svc->instances != SVC_INSTANCES_UNLIMITED && svc->instances != 0 &&
	    g->live[id] >= svc->instances) {
		snprintf(buf, len, "limit=instances: the service's %u children "
		    "run already", svc->instances);
		return buf;
	}
	if (svc->per_source == 0 || peerlen == 0)
		return NULL;
	n = children_from(g->gen, id, peer, peerlen);
	for (size_t i = 0; i < npending; i++)
		n += (unsigned)pending_from(&pending[(pend_head + i) % PENDING_MAX],
		    g->gen, id, peer, peerlen);
	if (n < svc->per_source)
		return NULL;
	snprintf(buf, len, "limit=per_source: %u children run for this client "
	    "already", svc->per_source);
	return buf;
}

/* privd's global cap: if no child may be added, say so and drop the request. */
static int
children_full(const struct service *svc, const struct ipc_spawn *m, int fd,
    int is_wait, const struct sockaddr_storage *peer, socklen_t peerlen)
{
	char peerbuf[ADDR_STRLEN + 8];

	if (privd.live_children < privd.max_children)
		return 0;
	log_peer(peerbuf, sizeof(peerbuf), peer, peerlen);
	log_info("service=%s proto=%s peer=%s action=limit limit=children "
	    "max=%u", svc->name, svc->proto_name, peerbuf, privd.max_children);
	if (!is_wait)
		close(fd);
	listener_report(IPC_SPAWN_FAILED, m->svc_id, m->token, 0, 0, 0,
	    IPC_FAIL_CHILDREN, peer, peerlen);
	return 1;
}

void
conn_spawn(const struct ipc_spawn *m, int fd, int is_wait)
{
	static struct access_apply apply;       /* read by the child */
	struct generation *g = privd.cur;
	const struct service *svc;
	const struct spawn_plan *plan;
	struct sockaddr_storage local, peer;
	socklen_t locallen = 0, peerlen = 0;
	struct spawn_io io;
	struct pending *pd;
	const char *why;
	char whybuf[HA_NAME_MAX + 200];
	int err = 0, rc;

	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	if (g == NULL || m->hdr.gen != g->gen)
		return reject(m, fd, "stale configuration generation");
	if (m->svc_id >= g->cfg->nsvcs)
		return reject(m, fd, "no such service");
	svc = g->cfg->svcs[m->svc_id];
	plan = &g->plans[m->svc_id];
	if (svc->builtin != BUILTIN_NONE)
		return reject(m, fd, "built-in services are not spawned");
	if (svc->wait != is_wait)
		return reject(m, fd, is_wait ? "not a wait service" : "a wait service takes no descriptor");
	if (m->host[0] != '\0' && !name_valid_host(m->host))
		return reject(m, fd, "invalid host name");
	if (m->ident[0] != '\0' && !name_valid_ident(m->ident))
		return reject(m, fd, "invalid ident answer");
	if ((why = check_states(m)) != NULL)
		return reject(m, fd, why);
	if (is_wait) {
		if (g->wait_pid[m->svc_id] != 0) {
			/* Started for an earlier listener: its exit comes here. */
			listener_report(IPC_SPAWN_FAILED, m->svc_id, m->token,
			    g->wait_pid[m->svc_id], 0, EBUSY, IPC_FAIL_BUSY, NULL, 0);
			return;
		}
		fd = g->socks[m->svc_id];
		locallen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &locallen) == -1)
			locallen = 0;
	} else if ((why = check_conn_fd(svc, fd, &local, &locallen, &peer,
	    &peerlen)) == CLIENT_GONE) {
		close(fd);
		listener_report(IPC_SPAWN_FAILED, m->svc_id, m->token, 0, 0,
		    ENOTCONN, IPC_FAIL_GONE, NULL, 0);
		return;
	} else if (why != NULL)
		return reject(m, fd, why);

	/*
	 * A connection: decide again from privd's own tables (the listener
	 * may be compromised) and prepare the matched rule's options.  A wait
	 * service has no client yet: the listener's datagram check stands.
	 */
	if (is_wait) {
		apply.plan = *plan;
		apply.nenv = 0;
		apply.twist = 0;
		apply.nspawn = 0;
	} else if ((rc = access_recheck(g->cfg, svc, plan, m, &local, locallen,
	    &peer, peerlen, &apply, whybuf, sizeof(whybuf))) == ACCESS_DENIED)
		return reject(m, fd, whybuf);
	else if (rc == ACCESS_FAILED) {
		char peerbuf[ADDR_STRLEN + 8];
		log_peer(peerbuf, sizeof(peerbuf), &peer, peerlen);
		log_warnx("service=%s proto=%s peer=%s action=error %s",
		    svc->name, svc->proto_name, peerbuf, whybuf);
		close(fd);
		listener_report(IPC_SPAWN_FAILED, m->svc_id, m->token, 0, 0,
		    ENOENT, IPC_FAIL_EXEC, &peer, peerlen);
		return;
	}
	plan = &apply.plan;
	if (!is_wait && (why = check_limits(svc, g, m->svc_id, &peer, peerlen,
	    whybuf, sizeof(whybuf))) != NULL)
		return reject(m, fd, why);

	/* A hard cap: checked for the server before and after its options. */
	if (children_full(svc, m, fd, is_wait, &peer, peerlen))
		return;

	io.stdio_fd = fd;
	io.inherit = NULL;
	io.ninherit = 0;
	io.envp = env_build(svc, plan, &apply, m, &local, locallen, &peer,
	    peerlen);
	spawn_options(svc, &apply, io.envp, &peer, peerlen);
	if (children_full(svc, m, fd, is_wait, &peer, peerlen))
		return;

	/*
	 * Begun here, ended by conn_spawn_collect: the clone may be a filter
	 * thread's while privd reads the next request, or sleeps.  The child's
	 * slot holds its own copy of the plan and environment, so the buffers
	 * above may be reused at once; the connection is closed by whoever
	 * makes the clone, right after it.
	 */
	pd = &pending[(pend_head + npending) % PENDING_MAX];
	memset(&pd->tmpl, 0, sizeof(pd->tmpl));
	pd->tmpl.svc_id = m->svc_id;
	pd->tmpl.token = m->token;
	pd->tmpl.epoch = privd.listener.epoch;
	pd->tmpl.gen = g->gen;
	pd->tmpl.wait_svc = is_wait;
	pd->tmpl.wait_sock = is_wait ? fd : -1;
	children_set_peer(&pd->tmpl, &peer, peerlen);
	str_copy(pd->tmpl.name, svc->name, sizeof(pd->tmpl.name));
	str_copy(pd->tmpl.proto, svc->proto_name, sizeof(pd->tmpl.proto));
	pd->fd = is_wait ? -1 : fd;
	if (spawn_begin(plan, &io, !is_wait, &pd->h, &err) == -1)
		return spawn_failed(pd, err);
	pd->fd = -1;                    /* closed by the spawn, after its clone */
	npending++;
	privd.live_children++;          /* held for it: the cap counts it */
	g->live[m->svc_id]++;           /* and its service's instances */
	/* A wait service's socket is busy from now: never two at once. */
	if (is_wait || npending == PENDING_MAX)
		conn_spawn_collect(1);
}

/* No child: say why, and release what the request held. */
static void
spawn_failed(struct pending *pd, int err)
{
	char peerbuf[ADDR_STRLEN + 8] = "-";
	struct sockaddr_storage peer;

	if (pd->fd >= 0)
		close(pd->fd);
	memset(&peer, 0, sizeof(peer));
	memcpy(&peer, &pd->tmpl.peer, pd->tmpl.peerlen);
	if (pd->tmpl.peerlen > 0)
		sockaddr_format_peer((struct sockaddr *)&peer, pd->tmpl.peerlen,
		    peerbuf, sizeof(peerbuf));
	log_warnx("service=%s proto=%s peer=%s action=error step=clone "
	    "errno=%s (%s)", pd->tmpl.name, pd->tmpl.proto, peerbuf,
	    strerrorname_np(err) ? strerrorname_np(err) : "?", strerror(err));
	listener_report(IPC_SPAWN_FAILED, pd->tmpl.svc_id, pd->tmpl.token, 0, 0,
	    err, IPC_FAIL_FORK, &peer, pd->tmpl.peerlen);
}

/*
 * Track it until reaped.  Whether it reached execve comes later, on its
 * status pipe (children.c): only then is the spawn, or the failed step,
 * reported.
 */
static void
spawn_finish(struct pending *pd)
{
	struct child *c;
	int err = 0, status_fd;
	pid_t pid;

	if ((pid = spawn_end(&pd->h, &status_fd, &err)) == -1) {
		children_release(pd->tmpl.gen, pd->tmpl.svc_id, 0);
		return spawn_failed(pd, err);
	}
	c = children_add(pid);
	*c = pd->tmpl;
	c->pid = pid;
	c->status_fd = -1;
	if (c->wait_svc && privd.cur != NULL && privd.cur->gen == c->gen)
		privd.cur->wait_pid[c->svc_id] = pid;
	children_watch_status(c, status_fd);
}

void
conn_spawn_collect(int wait)
{
	while (npending > 0 && (wait || spawn_answered(&pending[pend_head].h))) {
		struct pending *pd = &pending[pend_head];

		pend_head = (pend_head + 1) % PENDING_MAX;
		npending--;
		spawn_finish(pd);
	}
	if (npending == 0)
		pend_head = 0;
}

int
conn_spawn_pending(void)
{
	return npending > 0;
}
