/*
 * log.c: syslog or stderr logging, fatal()/log_warn() idioms.
 */
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_prog = "hinetd";
static int log_stderr = 1;
static pid_t log_pid;           /* for stderr lines: set by log_init */

void
log_init(const char *progname, int to_stderr)
{
	log_prog = progname;
	log_stderr = to_stderr;
	log_pid = getpid();
	if (!to_stderr)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_to_stderr(void)
{
	return log_stderr;
}

static void __attribute__((format(printf, 2, 0)))
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char msg[1024];
	int saved = errno;
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (with_errno && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
	if (log_stderr) {
		/* One write per line keeps lines whole between processes. */
		char line[1200];
		int len = snprintf(line, sizeof(line), "%s[%ld]: %s\n", log_prog,
		    (long)log_pid, msg);
		if (len > 0) {
			if ((size_t)len >= sizeof(line))
				len = sizeof(line) - 1;
			ssize_t w = write(STDERR_FILENO, line, (size_t)len);
			(void)w;
		}
	} else
		syslog(pri, "%s", msg);
	errno = saved;
}

#define LOGFN(name, pri, err)                      \
	void name(const char *fmt, ...)            \
	{                                          \
		va_list ap;                        \
		va_start(ap, fmt);                 \
		vlog(pri, fmt, ap, err);           \
		va_end(ap);                        \
	}

LOGFN(log_info, LOG_INFO, 0)

void
log_pri(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap, 0);
	va_end(ap);
}
LOGFN(log_notice, LOG_NOTICE, 0)
LOGFN(log_warn, LOG_WARNING, 1)
LOGFN(log_warnx, LOG_WARNING, 0)

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (getenv("HINETD_DEBUG") == NULL)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}

char *
log_escape(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (dstlen == 0)
		return dst;
	for (size_t i = 0; i < srclen && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c > 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '=') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return dst;
}
