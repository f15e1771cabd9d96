/*
 * builtin.h: the built-in services served inside the
 * listener's event loop without a fork: echo (RFC 862), discard (863),
 * chargen (864), daytime (867) and time (868), over stream and dgram.
 *
 *   builtin_gen.c     what they send: chargen's lines, daytime, time
 *   builtin_stream.c  stream connections: non-blocking, bounded buffers,
 *                     idle timeouts
 *   builtin_dgram.c   datagrams: the reflection filter, one reply each
 */
#ifndef HINETD_BUILTIN_H
#define HINETD_BUILTIN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "listener/listener.h"

#define CHARGEN_LINE      72            /* characters per line (RFC 864) */
#define CHARGEN_LINES     95            /* printable ASCII: the period */
#define CHARGEN_CYCLE     (CHARGEN_LINES * (CHARGEN_LINE + 2))  /* with CRLF */

/*
 * Idle stream connections (echo, discard, chargen: no byte read or
 * written) are closed after this.  Overridable at build time
 * (-DBUILTIN_IDLE_MS=2000) to check the timeout without waiting a minute.
 */
#ifndef BUILTIN_IDLE_MS
#define BUILTIN_IDLE_MS   60000
#endif

struct src_count;

/* builtin_gen.c */
/* Two copies of the whole chargen cycle, so any offset reads CYCLE bytes. */
const char *chargen_cycle(void);
/* One chargen line with CRLF, line number n (mod 95); returns its length. */
size_t      chargen_line(char *buf, size_t len, unsigned n);
/* RFC 867: "Tue Jun  3 12:34:56 2025 UTC\r\n" (UTC: no zone files here). */
size_t      daytime_format(char *buf, size_t len, time_t t);
/* RFC 868: seconds since 1900-01-01 00:00 UTC, 32 bits, network order. */
void        time_format(unsigned char out[4], time_t t);

/* builtin_stream.c */
/*
 * Serve an accepted, non-blocking stream connection; takes fd and src
 * (a per_source slot or NULL) in every case.
 */
void        builtin_stream_start(struct lservice *ls, int fd,
                const struct sockaddr *peer, socklen_t peerlen,
                struct src_count *src);
/* Close connections idle past their deadline; the next deadline. */
int64_t     builtin_stream_expire(int64_t now);
/* Open echo, discard and chargen connections. */
unsigned    builtin_stream_count(void);

/* builtin_dgram.c */
void        builtin_dgram_readable(struct lservice *ls);
/* Would a reply to this source be reflection?  1: drop without reply. */
int         dgram_source_bad(const struct sockaddr *sa, socklen_t len);

#endif
