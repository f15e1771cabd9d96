/*
 * log.c: syslog or stderr logging, fatal()/log_warn() idioms, and the
 * optional batching of standard-error lines (log_batch).
 */
#include "common/log.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_prog = "hinetd";
static int log_stderr = 1;
static int log_echo = -1;       /* syslog mode: warnings written here too */
static pid_t log_pid;           /* for stderr lines: set by log_init */
#define LOG_PREFIX_MAX 96
static char   log_prefix[LOG_PREFIX_MAX];       /* "PROGRAM[PID]: " */
static size_t log_prefix_len;                   /* 0: not made yet */

/*
 * Batched stderr lines (log_batch): whole lines only, and never more than
 * PIPE_BUF bytes per write, so that a write to a pipe is never split and
 * interleaved with another process's lines.
 */
static char   batch_buf[PIPE_BUF];
static size_t batch_len;
static int    batch_on;

/*
 * A message is at most LOG_MSG_MAX - 1 bytes (longer ones are cut); a
 * stderr line is the prefix, the message and a newline.
 */
#define LOG_MSG_MAX 1024

static void
set_prefix(void)
{
	int n = snprintf(log_prefix, sizeof(log_prefix), "%s[%ld]: ", log_prog,
	    (long)log_pid);

	log_prefix_len = n > 0 && (size_t)n < sizeof(log_prefix) ? (size_t)n : 0;
}

static void
write_fd(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w > 0) {
			p += w;
			len -= (size_t)w;
		} else if (w == -1 && errno == EINTR)
			continue;
		else
			return;         /* nowhere to log that logging failed */
	}
}

static void
write_all(const char *p, size_t len)
{
	write_fd(STDERR_FILENO, p, len);
}

void
log_flush(void)
{
	int saved = errno;

	if (batch_len > 0) {
		write_all(batch_buf, batch_len);
		batch_len = 0;
	}
	errno = saved;
}

void
log_batch(void)
{
	if (!log_stderr || batch_on)
		return;
	batch_on = 1;
	atexit(log_flush);      /* fatal() and exit() flush what is held */
}

void
log_init(const char *progname, int to_stderr)
{
	log_prog = progname;
	log_stderr = to_stderr;
	log_pid = getpid();
	set_prefix();
	if (!to_stderr)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_to_stderr(void)
{
	return log_stderr;
}

void
log_echo_fd(int fd)
{
	log_echo = fd;
}

/*
 * line holds room for the prefix, then the message of len bytes from
 * line + LOG_PREFIX_MAX on (NUL-terminated), and one more byte.
 */
static void
emit(int pri, char *line, size_t len)
{
	char *msg = line + LOG_PREFIX_MAX;
	char *start;
	size_t total;

	if (!log_stderr) {
		syslog(pri, "%s", msg);
		if (log_echo < 0 || pri > LOG_WARNING)
			return;
	}
	if (log_prefix_len == 0)
		set_prefix();
	/*
	 * One write per line (or per batch of whole lines) keeps lines whole
	 * between processes.
	 */
	start = msg - log_prefix_len;
	memcpy(start, log_prefix, log_prefix_len);
	msg[len] = '\n';
	total = log_prefix_len + len + 1;
	if (!log_stderr)
		write_fd(log_echo, start, total);
	else if (!batch_on)
		write_all(start, total);
	else {
		if (batch_len + total > sizeof(batch_buf))
			log_flush();
		memcpy(batch_buf + batch_len, start, total);
		batch_len += total;
	}
}

static void __attribute__((format(printf, 2, 0)))
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char line[LOG_PREFIX_MAX + LOG_MSG_MAX + 1];
	char *msg = line + LOG_PREFIX_MAX;
	int saved = errno;
	int n;

	n = vsnprintf(msg, LOG_MSG_MAX, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= LOG_MSG_MAX)
		n = LOG_MSG_MAX - 1;
	else if (with_errno) {
		int e = snprintf(msg + n, LOG_MSG_MAX - (size_t)n, ": %s",
		    strerror(saved));
		if (e > 0)
			n = (size_t)n + (size_t)e >= LOG_MSG_MAX ? LOG_MSG_MAX - 1 :
			    n + e;
	}
	emit(pri, line, (size_t)n);
	errno = saved;
}

void
log_str(int pri, const char *s)
{
	char line[LOG_PREFIX_MAX + LOG_MSG_MAX + 1];
	char *msg = line + LOG_PREFIX_MAX;
	size_t n = strnlen(s, LOG_MSG_MAX - 1);
	int saved = errno;

	memcpy(msg, s, n);
	msg[n] = '\0';
	emit(pri, line, n);
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
