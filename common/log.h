/*
 * log.h: the one logging interface of every hinetd program.
 *
 * Lines go to syslog (facility daemon) or, in debug mode, to standard error
 * as "PROGRAM[PID]: message".  fatal()/fatalx() log and exit 1.  Values that
 * came from the network must pass through log_escape() first.
 */
#ifndef HINETD_LOG_H
#define HINETD_LOG_H

#include <stddef.h>

/* PID in stderr lines is the caller's: a process that forks and logs to
 * standard error afterwards calls log_init again. */
void log_init(const char *progname, int to_stderr);
int  log_to_stderr(void);
/*
 * In syslog mode, also write warnings and worse to fd (-1: stop): what
 * goes wrong before a daemon detaches is seen by whoever started it, not
 * only by syslog.
 */
void log_echo_fd(int fd);
/*
 * Standard-error mode only: hold lines and write them together at
 * log_flush (whole lines, at most PIPE_BUF bytes per write), or when the
 * buffer is full, or at exit.  For a process with an event loop that calls
 * log_flush before it sleeps; syslog lines are never held.
 */
void log_batch(void);
void log_flush(void);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* At a syslog priority (facility | level), e.g. from a `severity` option. */
void log_pri(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message already formatted (and escaped), at a syslog priority. */
void log_str(int pri, const char *msg);
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* + strerror(errno) */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Copy src (at most srclen bytes, stopping at NUL) into dst of size dstlen
 * with every byte outside printable ASCII, and '\\', '"', '=' and space,
 * written as \xHH.  Always NUL-terminates; truncates safely.
 */
char *log_escape(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
