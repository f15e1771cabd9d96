/*
 * hosts_wire.c: parsed access tables as privd hands them to the listener.
 *
 * The encoding carries the words of each rule, not compiled data: the
 * listener recompiles every pattern and option with the same code the
 * parser uses (without system look-ups), so a table it accepts is one the
 * parser could have produced.  /file lists travel expanded, as the words
 * privd read from them; IPv6 scopes travel as numbers; each banners
 * option is followed by the banner files privd read for it.  The decoder treats
 * its input as hostile: bounded counts and depth, every field checked.
 */
#include "policy/hosts_access.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

#define WIRE_MAGIC    0x48415432u       /* "HAT2": with banner files */
#define WIRE_STR_MAX  HA_RULE_MAX
#define WIRE_OPTS_MAX (4 * HA_RULE_MAX)         /* options, re-escaped */
#define WIRE_LIST_MAX (HA_RULE_MAX / 2 + 1)     /* items of one list */
#define WIRE_FILE_MAX (HA_LIST_FILE_MAX / 2 + 1) /* words of one list file */
#define WIRE_RULE_MAX (1u << 22)        /* rules of one file (4 MiB / 1) */
#define WIRE_BANNERS_MAX 65536          /* banner files of one option */

/* ---- encode ---- */

static void
put_host(struct wbuf *w, const struct ha_host *h)
{
	if (h->kind == HA_HOST_FILE) {
		wbuf_u32(w, 1);
		wbuf_str(w, h->text);
		wbuf_u32(w, (uint32_t)h->nsub);
		for (size_t i = 0; i < h->nsub; i++)
			put_host(w, &h->sub[i]);
		return;
	}
	wbuf_u32(w, 0);
	wbuf_str(w, h->kind == HA_HOST_STRING ? h->str.text : h->text);
}

static void
put_list(struct wbuf *w, const struct ha_list *l)
{
	wbuf_u32(w, (uint32_t)l->n);
	for (size_t i = 0; i < l->n; i++) {
		const struct ha_item *it = &l->items[i];
		wbuf_str(w, it->text);
		wbuf_u32(w, (uint32_t)it->has_str);
		if (it->has_str)
			wbuf_str(w, it->str.text);
		wbuf_u32(w, (uint32_t)it->has_host);
		if (it->has_host)
			put_host(w, &it->host);
	}
	wbuf_u32(w, l->except != NULL);
	if (l->except != NULL)
		put_list(w, l->except);
}

/* Options as text the option parser reads back to the same options. */
static void
put_options(struct wbuf *w, const struct ha_rule *r)
{
	struct wbuf t;

	if (r->nopts == 0) {
		wbuf_str(w, NULL);
		return;
	}
	wbuf_init(&t);
	for (size_t i = 0; i < r->nopts; i++) {
		const struct ha_option *o = &r->opts[i];
		if (i > 0)
			wbuf_bytes(&t, ":", 1);
		wbuf_bytes(&t, o->key, strlen(o->key));
		if (o->value == NULL)
			continue;
		wbuf_bytes(&t, " = ", 3);
		for (const char *p = o->value; *p != '\0'; p++) {
			if (*p == ':')
				wbuf_bytes(&t, "\\", 1);
			wbuf_bytes(&t, p, 1);
		}
	}
	wbuf_bytes(&t, "", 1);
	wbuf_str(w, (const char *)t.p);
	wbuf_free(&t);
}

void
ha_table_encode(const struct ha_table *t, struct wbuf *w)
{
	wbuf_u32(w, WIRE_MAGIC);
	wbuf_u32(w, t != NULL);
	if (t == NULL)
		return;
	wbuf_str(w, t->file);
	wbuf_u32(w, (uint32_t)t->n);
	for (size_t i = 0; i < t->n; i++) {
		const struct ha_rule *r = &t->rules[i];
		wbuf_u32(w, (uint32_t)r->line);
		put_list(w, &r->daemons);
		put_list(w, &r->clients);
		put_options(w, r);
		for (size_t k = 0; k < r->nopts; k++) {
			const struct ha_option *o = &r->opts[k];
			if (o->kind != HA_OPT_BANNERS)
				continue;
			wbuf_u32(w, (uint32_t)o->nbanners);
			for (size_t b = 0; b < o->nbanners; b++) {
				wbuf_str(w, o->banners[b].daemon);
				wbuf_blob(w, o->banners[b].text, o->banners[b].len);
			}
		}
	}
}

/* ---- decode ---- */

/* The banner files of a decoded banners option. */
static int
get_banners(struct rbuf *r, struct ha_option *o)
{
	uint32_t n = rbuf_u32_range(r, 0, WIRE_BANNERS_MAX);

	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct ha_banner b;

		memset(&b, 0, sizeof(b));
		b.daemon = rbuf_str(r, 255);
		b.text = rbuf_blob(r, HA_BANNER_MAX, &b.len);
		if (r->failed || b.daemon == NULL || b.text == NULL ||
		    !ha_banner_name_valid(b.daemon) ||
		    ha_banner_find(o, b.daemon) != NULL) {
			free(b.daemon);
			free(b.text);
			r->failed = 1;
			break;
		}
		for (size_t off = 0; off < b.len; off += strlen(b.text + off) + 1)
			b.needs |= ha_expand_needs(b.text + off);
		o->banners = xreallocarray(o->banners, o->nbanners + 1,
		    sizeof(*o->banners));
		o->banners[o->nbanners++] = b;
	}
	return r->failed ? -1 : 0;
}

static int
get_host(struct rbuf *r, int depth, struct ha_host *h, struct diag *d)
{
	uint32_t tag = rbuf_u32_range(r, 0, 1), n;
	char *s = rbuf_str(r, WIRE_STR_MAX);
	int rc = -1;

	memset(h, 0, sizeof(*h));
	if (r->failed || s == NULL)
		goto out;
	if (tag == 0) {
		if (s[0] == '/' || ha_compile_host("snapshot", 0, s, 0, h, d) == -1)
			goto out;
		rc = 0;
		goto out;
	}
	if (s[0] != '/' || depth >= HA_FILE_DEPTH)
		goto out;
	h->kind = HA_HOST_FILE;
	h->text = s;
	s = NULL;
	n = rbuf_u32_range(r, 0, WIRE_FILE_MAX);
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		h->sub = xreallocarray(h->sub, h->nsub + 1, sizeof(*h->sub));
		if (get_host(r, depth + 1, &h->sub[h->nsub], d) == -1)
			goto out;
		h->nsub++;
	}
	rc = r->failed ? -1 : 0;
out:
	free(s);
	if (rc == -1) {
		ha_host_free(h);
		r->failed = 1;
	}
	return rc;
}

static int
get_list(struct rbuf *r, int client, int depth, struct ha_list *l,
    struct diag *d)
{
	uint32_t n = rbuf_u32_range(r, 1, WIRE_LIST_MAX);
	const char *err;

	memset(l, 0, sizeof(*l));
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct ha_item it;
		char *str;

		memset(&it, 0, sizeof(it));
		it.text = rbuf_str(r, WIRE_STR_MAX);
		it.has_str = (int)rbuf_u32_range(r, 0, 1);
		if (it.has_str) {
			str = rbuf_str(r, WIRE_STR_MAX);
			if (str == NULL || ha_compile_str(str, 0, 0, &it.str,
			    &err) == -1)
				r->failed = 1;
			free(str);
		}
		it.has_host = (int)rbuf_u32_range(r, 0, 1);
		if (!r->failed && it.has_host && get_host(r, 0, &it.host, d) == -1)
			r->failed = 1;
		if (it.text == NULL || (client ? !it.has_host : !it.has_str))
			r->failed = 1;
		if (r->failed) {
			ha_item_free(&it);
			break;
		}
		l->items = xreallocarray(l->items, l->n + 1, sizeof(*l->items));
		l->items[l->n++] = it;
	}
	if (!r->failed && rbuf_u32_range(r, 0, 1) == 1) {
		l->except = xcalloc(1, sizeof(*l->except));
		if (depth >= HA_EXCEPT_DEPTH ||
		    get_list(r, client, depth + 1, l->except, d) == -1)
			r->failed = 1;
	}
	if (r->failed) {
		ha_list_free(l);
		return -1;
	}
	return 0;
}

int
ha_table_decode(struct rbuf *r, struct ha_table **out)
{
	struct ha_table *t;
	struct diag d;
	uint32_t n;

	*out = NULL;
	if (rbuf_u32(r) != WIRE_MAGIC) {
		r->failed = 1;
		return -1;
	}
	if (rbuf_u32_range(r, 0, 1) == 0)
		return r->failed ? -1 : 0;
	diag_init(&d);
	t = xcalloc(1, sizeof(*t));
	t->file = rbuf_str(r, WIRE_STR_MAX);
	if (t->file == NULL)
		r->failed = 1;
	n = rbuf_u32_range(r, 0, WIRE_RULE_MAX);
	for (uint32_t i = 0; i < n && !r->failed; i++) {
		struct ha_rule rule;
		char *opts;

		memset(&rule, 0, sizeof(rule));
		rule.line = (int)rbuf_u32_range(r, 1, 0x7fffffff);
		if (r->failed || get_list(r, 0, 0, &rule.daemons, &d) == -1 ||
		    get_list(r, 1, 0, &rule.clients, &d) == -1) {
			ha_list_free(&rule.daemons);
			r->failed = 1;
			break;
		}
		opts = rbuf_str(r, WIRE_OPTS_MAX);
		if (!r->failed && opts != NULL &&
		    ha_options_parse("snapshot", rule.line, opts, 0, &rule, &d) == -1)
			r->failed = 1;
		free(opts);
		for (size_t k = 0; k < rule.nopts && !r->failed; k++)
			if (rule.opts[k].kind == HA_OPT_BANNERS)
				(void)get_banners(r, &rule.opts[k]);
		t->rules = xreallocarray(t->rules, t->n + 1, sizeof(*t->rules));
		t->rules[t->n++] = rule;
	}
	diag_free(&d);
	if (r->failed) {
		ha_table_free(t);
		return -1;
	}
	*out = t;
	return 0;
}
