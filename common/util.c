/*
 * util.c: allocation, strings, numbers and address formatting helpers.
 */
#include "common/util.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("malloc");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatal("calloc");
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void *q = reallocarray(p, nmemb ? nmemb : 1, size ? size : 1);

	if (q == NULL)
		fatal("reallocarray");
	return q;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("strdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		fatal("strndup");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	return n;
}

size_t
str_copy(char *dst, const char *src, size_t dstsize)
{
	size_t len = strlen(src);

	if (dstsize > 0) {
		size_t n = len < dstsize - 1 ? len : dstsize - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int
parse_uint(const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (~0ULL - (unsigned)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t
fmt_uint(char *p, unsigned v)
{
	char t[10];
	size_t k = 0;

	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < k; i++)
		p[i] = t[k - 1 - i];
	return k;
}

int
ipv4_format(const void *addr, char *host, size_t hostlen)
{
	const unsigned char *a = addr;
	size_t n = 0;

	if (hostlen < INET_ADDRSTRLEN)
		return inet_ntop(AF_INET, addr, host, (socklen_t)hostlen) != NULL ? 0 : -1;
	for (int i = 0; i < 4; i++) {
		n += fmt_uint(host + n, a[i]);
		if (i < 3)
			host[n++] = '.';
	}
	host[n] = '\0';
	return 0;
}

int
sockaddr_format(const struct sockaddr *sa, socklen_t len, char *host,
    size_t hostlen, unsigned *port)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		if (ipv4_format(&sin->sin_addr, host,
		    hostlen) == -1)
			return -1;
		*port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			if (ipv4_format(&sin6->sin6_addr.s6_addr[12], host,
			    hostlen) == -1)
				return -1;
		} else if (inet_ntop(AF_INET6, &sin6->sin6_addr, host,
		    (socklen_t)hostlen) == NULL)
			return -1;
		*port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

void
str_put(char *b, size_t cap, size_t *n, const char *s)
{
	size_t l = strlen(s);

	if (*n + l >= cap)
		l = cap - 1 - *n;
	memcpy(b + *n, s, l);
	*n += l;
	b[*n] = '\0';
}

int
sockaddr_format_peer(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t buflen)
{
	char host[ADDR_STRLEN], port_s[12];
	unsigned port;
	size_t n = 0;

	if (sockaddr_format(sa, len, host, sizeof(host), &port) == -1) {
		snprintf(buf, buflen, "unknown");
		return -1;
	}
	if (buflen == 0)
		return 0;
	port_s[fmt_uint(port_s, port)] = '\0';
	buf[0] = '\0';
	/* "[v6]:port" or "v4:port", cut to buflen as snprintf would. */
	if (strchr(host, ':') != NULL) {
		str_put(buf, buflen, &n, "[");
		str_put(buf, buflen, &n, host);
		str_put(buf, buflen, &n, "]");
	} else
		str_put(buf, buflen, &n, host);
	str_put(buf, buflen, &n, ":");
	str_put(buf, buflen, &n, port_s);
	return 0;
}

const char *
signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
