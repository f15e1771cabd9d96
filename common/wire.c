/*
 * wire.c: bounded binary encoding and checked decoding.
 */
#include "common/wire.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

#define WIRE_NULL_STR 0xffffffffu

void
wbuf_init(struct wbuf *w)
{
	w->p = NULL;
	w->len = w->cap = 0;
}

void
wbuf_free(struct wbuf *w)
{
	free(w->p);
	wbuf_init(w);
}

void
wbuf_bytes(struct wbuf *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		size_t ncap = w->cap ? w->cap : 4096;
		while (ncap < w->len + n)
			ncap *= 2;
		w->p = xreallocarray(w->p, ncap, 1);
		w->cap = ncap;
	}
	if (n > 0)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

void
wbuf_u32(struct wbuf *w, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	wbuf_bytes(w, b, 4);
}

void
wbuf_blob(struct wbuf *w, const void *p, size_t n)
{
	wbuf_u32(w, (uint32_t)n);
	wbuf_bytes(w, p, n);
}

void
wbuf_str(struct wbuf *w, const char *s)
{
	if (s == NULL)
		wbuf_u32(w, WIRE_NULL_STR);
	else
		wbuf_blob(w, s, strlen(s));
}

void
rbuf_init(struct rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->failed = 0;
}

int
rbuf_bytes(struct rbuf *r, void *out, size_t n)
{
	if (r->failed || r->len - r->off < n) {
		r->failed = 1;
		if (n > 0)
			memset(out, 0, n);
		return -1;
	}
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return 0;
}

uint32_t
rbuf_u32(struct rbuf *r)
{
	unsigned char b[4];

	if (rbuf_bytes(r, b, 4) == -1)
		return 0;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

uint32_t
rbuf_u32_range(struct rbuf *r, uint32_t min, uint32_t max)
{
	uint32_t v = rbuf_u32(r);

	if (v < min || v > max) {
		r->failed = 1;
		return min;
	}
	return v;
}

char *
rbuf_blob(struct rbuf *r, size_t max, size_t *lenp)
{
	uint32_t n = rbuf_u32(r);
	char *s;

	if (r->failed || n > max || r->len - r->off < n) {
		r->failed = 1;
		return NULL;
	}
	s = xmalloc((size_t)n + 1);
	memcpy(s, r->p + r->off, n);
	s[n] = '\0';
	r->off += n;
	if (lenp != NULL)
		*lenp = n;
	return s;
}

char *
rbuf_str(struct rbuf *r, size_t max)
{
	size_t save = r->off, len;
	char *s;

	if (rbuf_u32(r) == WIRE_NULL_STR && !r->failed)
		return NULL;
	r->off = save;
	s = rbuf_blob(r, max, &len);
	if (s != NULL && strlen(s) != len) {     /* NUL inside */
		free(s);
		r->failed = 1;
		return NULL;
	}
	return s;
}
