/*
 * util.h: small shared utilities: allocation that cannot return NULL,
 * bounded string copies, strict number parsing, address formatting.
 */
#ifndef HINETD_UTIL_H
#define HINETD_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Number of elements of an array (not of a pointer). */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void  *xmalloc(size_t n);
void  *xcalloc(size_t nmemb, size_t size);
void  *xreallocarray(void *p, size_t nmemb, size_t size);
char  *xstrdup(const char *s);
char  *xstrndup(const char *s, size_t n);
int    xasprintf(char **ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copy with truncation; returns strlen(src) like strlcpy. */
size_t str_copy(char *dst, const char *src, size_t dstsize);

/*
 * Parse a decimal unsigned number in [min, max] occupying the whole string.
 * Returns 0 and stores it, or -1 (no sign, no blanks, no overflow accepted).
 */
int    parse_uint(const char *s, unsigned long long min, unsigned long long max,
           unsigned long long *out);

/*
 * Format an IPv4/IPv6 socket address: "a.b.c.d" / "::1" into host (at least
 * INET6_ADDRSTRLEN) and the port into *port.  IPv4-mapped IPv6 addresses are
 * shown as IPv4.  Returns 0, or -1 for another family.
 */
#define ADDR_STRLEN 64
int    sockaddr_format(const struct sockaddr *sa, socklen_t len, char *host,
           size_t hostlen, unsigned *port);
/*
 * An IPv4 address (4 bytes, network order) in dotted decimal, exactly as
 * inet_ntop writes it, without its cost (a format string per address):
 * privd and the listener format addresses for every connection.  0, or -1
 * if host (less than INET_ADDRSTRLEN) is too small.
 */
int    ipv4_format(const void *addr, char *host, size_t hostlen);
/* "a.b.c.d:port" or "[v6]:port" */
int    sockaddr_format_peer(const struct sockaddr *sa, socklen_t len, char *buf,
           size_t buflen);

/*
 * Append s to the string of *n bytes in b (cap >= 1 bytes), cut so that b
 * stays NUL-terminated; *n grows by what was copied.
 */
void   str_put(char *b, size_t cap, size_t *n, const char *s);
/* v in decimal at p (room for 10 digits, no NUL); returns the length. */
size_t fmt_uint(char *p, unsigned v);

/* "SIGSYS" etc., or "SIG<n>". */
const char *signal_name(int sig, char *buf, size_t len);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t mono_ms(void);

#endif
