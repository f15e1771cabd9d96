/*
 * wire.h: a bounded binary writer and a checking reader (little-endian
 * u32 and length-prefixed strings).  Used for the configuration snapshot
 * privd hands to the listener.  The reader never reads past its buffer and
 * stays failed after the first error.
 */
#ifndef HINETD_WIRE_H
#define HINETD_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct wbuf {
	unsigned char *p;
	size_t len, cap;
};

void wbuf_init(struct wbuf *w);
void wbuf_free(struct wbuf *w);
void wbuf_bytes(struct wbuf *w, const void *p, size_t n);
void wbuf_u32(struct wbuf *w, uint32_t v);
void wbuf_str(struct wbuf *w, const char *s);            /* NULL allowed */
void wbuf_blob(struct wbuf *w, const void *p, size_t n);

struct rbuf {
	const unsigned char *p;
	size_t len, off;
	int failed;
};

void        rbuf_init(struct rbuf *r, const void *p, size_t len);
uint32_t    rbuf_u32(struct rbuf *r);
/* Check a u32 against [min, max]; fail the reader if outside. */
uint32_t    rbuf_u32_range(struct rbuf *r, uint32_t min, uint32_t max);
int         rbuf_bytes(struct rbuf *r, void *out, size_t n);
/* A string of at most max bytes without NUL inside; malloc'd, NULL if absent. */
char       *rbuf_str(struct rbuf *r, size_t max);
/* A blob of at most max bytes, malloc'd with a NUL after it. */
char       *rbuf_blob(struct rbuf *r, size_t max, size_t *len);

#endif
