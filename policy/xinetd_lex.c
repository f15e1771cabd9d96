/*
 * xinetd_lex.c: the xinetd.conf(5) syntax of policy files, turned into
 * blocks of attribute lines (struct pblock, policy_attr.h).
 *
 * Owns: lines, comments, `service NAME {`, `defaults {`, `}`, `includedir`,
 * attribute names and operators, and the number of values.  What the values
 * mean is policy_attr.c's and policy_file.c's business.
 *
 *	service NAME            (or `service NAME {` on one line)
 *	{
 *		attribute  = value value ...
 *		attribute += value ...
 *		attribute -= value ...
 *	}
 *
 * A `#` at the start of a word starts a comment to the end of the line.
 * There is no quoting (as in xinetd).  Control characters are refused.
 */
#include "policy/policy_attr.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES  4096    /* one line */
#define WORDS_MAX       256     /* values on one line */
#define BLOCK_LINES_MAX 1024    /* attribute lines in one block */

enum lstate { L_OUTSIDE, L_BRACE, L_INSIDE };

struct lex {
	const char      *file;
	int              line;
	struct diag     *d;
	struct pblock  **blocks;
	size_t          *nblocks;
	struct pblock   *cur;           /* open block, or NULL */
	enum lstate      state;
	int              errors;
	xlex_include_fn  include;
	void            *ctx;
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int
is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static void lerror(struct lex *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
lerror(struct lex *lx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(lx->d, lx->file, lx->line, "%s", msg);
	lx->errors++;
	if (lx->cur != NULL)
		lx->cur->bad = 1;
}

/*
 * Split s (NUL-terminated, no control characters) into words at blanks,
 * stopping at a word that starts with '#'.  Words point into s, which is
 * modified.  Returns the count, or -1 if there are more than max.
 */
static int
split_words(char *s, char **w, int max)
{
	int n = 0;

	for (;;) {
		while (is_blank((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (n == max)
			return -1;
		w[n++] = s;
		while (*s != '\0' && !is_blank((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
	w[n] = NULL;
	return n;
}

static struct pblock *
block_open(struct lex *lx, int defaults, const char *name)
{
	struct pblock *b;

	*lx->blocks = xreallocarray(*lx->blocks, *lx->nblocks + 1,
	    sizeof(**lx->blocks));
	b = &(*lx->blocks)[(*lx->nblocks)++];
	memset(b, 0, sizeof(*b));
	b->defaults = defaults;
	b->name = name != NULL ? xstrdup(name) : NULL;
	b->file = lx->file;
	b->line = lx->line;
	lx->cur = b;
	return b;
}

static const char *
block_label(const struct pblock *b)
{
	return b->defaults ? "defaults" : b->name;
}

/* `service NAME [{]` or `defaults [{]` or `includedir DIR` outside a block. */
static void
lex_outside(struct lex *lx, char **w, int n)
{
	int defaults;

	if (strcmp(w[0], "service") == 0 || strcmp(w[0], "defaults") == 0) {
		defaults = w[0][0] == 'd';
		int want = defaults ? 1 : 2;
		if (!defaults && n < 2) {
			lerror(lx, "service needs a name");
			block_open(lx, 0, "?")->bad = 1;
			lx->state = L_BRACE;
			return;
		}
		if (!defaults && !pattr_name_ok(w[1])) {
			lerror(lx, "bad service name \"%.64s\"", w[1]);
			block_open(lx, 0, "?")->bad = 1;
		} else
			block_open(lx, defaults, defaults ? NULL : w[1]);
		if (n == want) {
			lx->state = L_BRACE;
			return;
		}
		if (strcmp(w[want], "{") != 0) {
			lerror(lx, "unexpected \"%.64s\" after %s", w[want],
			    block_label(lx->cur));
			lx->state = L_BRACE;
			return;
		}
		if (n > want + 1)
			lerror(lx, "unexpected \"%.64s\" after \"{\"", w[want + 1]);
		lx->state = L_INSIDE;
		return;
	}
	if (strcmp(w[0], "includedir") == 0) {
		if (n != 2) {
			lerror(lx, "includedir needs one directory");
			return;
		}
		if (lx->include == NULL) {
			lerror(lx, "includedir is not allowed here");
			return;
		}
		lx->errors += lx->include(lx->ctx, w[1], lx->file, lx->line);
		return;
	}
	if (strcmp(w[0], "include") == 0) {
		lerror(lx, "\"include\" is not supported: use includedir");
		return;
	}
	if (strcmp(w[0], "}") == 0) {
		lerror(lx, "unexpected \"}\"");
		return;
	}
	if (strcmp(w[0], "{") == 0) {
		lerror(lx, "\"{\" without service or defaults");
		return;
	}
	/* An attribute (maybe written name=value) outside any block. */
	char name[65];
	size_t k = 0;
	while (is_name_char((unsigned char)w[0][k]) && k < sizeof(name) - 1) {
		name[k] = w[0][k];
		k++;
	}
	name[k] = '\0';
	if (k > 0 && (pattr_lookup(name) != NULL || pattr_xinetd_only(name)))
		lerror(lx, "attribute \"%s\" outside a service or defaults block",
		    name);
	else
		lerror(lx, "unknown statement \"%.64s\"", w[0]);
}

/* `attribute op values...` inside a block.  s is the whole line. */
static void
lex_attribute(struct lex *lx, char *s)
{
	const struct pattr_info *pi;
	char name[65], *w[WORDS_MAX + 1];
	enum pop op;
	size_t k = 0;
	int n;

	while (is_blank((unsigned char)*s))
		s++;
	while (is_name_char((unsigned char)s[k]))
		k++;
	if (k == 0 || k >= sizeof(name)) {
		char *t = s;
		while (*t != '\0' && !is_blank((unsigned char)*t))
			t++;
		*t = '\0';
		lerror(lx, "unknown attribute \"%.64s\"", s);
		return;
	}
	memcpy(name, s, k);
	name[k] = '\0';
	s += k;
	if ((pi = pattr_lookup(name)) == NULL) {
		if (pattr_xinetd_only(name))
			lerror(lx, "xinetd attribute \"%s\" is not supported", name);
		else
			lerror(lx, "unknown attribute \"%s\"", name);
		return;
	}
	while (is_blank((unsigned char)*s))
		s++;
	if (s[0] == '=') {
		op = POP_SET;
		s += 1;
	} else if (s[0] == '+' && s[1] == '=') {
		op = POP_ADD;
		s += 2;
	} else if (s[0] == '-' && s[1] == '=') {
		op = POP_DEL;
		s += 2;
	} else {
		lerror(lx, "expected \"=\", \"+=\" or \"-=\" after \"%s\"", name);
		return;
	}
	if (op != POP_SET && !(pi->flags & PA_F_LIST)) {
		lerror(lx, "attribute \"%s\" takes only \"=\", not \"%s\"", name,
		    pop_name(op));
		return;
	}
	if (lx->cur->defaults && !(pi->flags & PA_F_DEFAULTS)) {
		lerror(lx, "attribute \"%s\" is not allowed in defaults", name);
		return;
	}
	if ((n = split_words(s, w, WORDS_MAX)) == -1) {
		lerror(lx, "attribute \"%s\": more than 256 values", name);
		return;
	}
	if (op == POP_SET && n < pi->min) {
		if (pi->min == 1)
			lerror(lx, "attribute \"%s\" needs a value", name);
		else
			lerror(lx, "attribute \"%s\" needs %s values", name,
			    pi->min == 2 ? "two" : "more");
		return;
	}
	if (pi->max >= 0 && n > pi->max) {
		if (pi->max == 1)
			lerror(lx, "attribute \"%s\" takes one value", name);
		else
			lerror(lx, "attribute \"%s\" takes %s values", name,
			    pi->max == 2 ? "two" : "fewer");
		return;
	}
	if (lx->cur->nlines >= BLOCK_LINES_MAX) {
		lerror(lx, "more than 1024 lines in %s", block_label(lx->cur));
		return;
	}
	struct pblock *b = lx->cur;
	b->lines = xreallocarray(b->lines, b->nlines + 1, sizeof(*b->lines));
	struct pline *pl = &b->lines[b->nlines++];
	pl->attr = pi->attr;
	pl->op = op;
	pl->argc = n;
	pl->argv = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		pl->argv[i] = xstrdup(w[i]);
	pl->file = lx->file;
	pl->line = lx->line;
}

static void
lex_line(struct lex *lx, char *s)
{
	char copy[LINE_MAX_BYTES + 1], *w[5];
	int n;

	/* the first words decide what the line is; 4 are enough to judge */
	str_copy(copy, s, sizeof(copy));
	n = split_words(copy, w, 4);
	if (n == 0)
		return;
	if (n == -1)
		n = 4;

	if (lx->state == L_BRACE) {
		if (strcmp(w[0], "{") == 0) {
			if (n > 1)
				lerror(lx, "unexpected \"%.64s\" after \"{\"", w[1]);
			lx->state = L_INSIDE;
			return;
		}
		lerror(lx, "expected \"{\" after %s", block_label(lx->cur));
		lx->state = L_INSIDE;   /* read on as if it were there */
	}
	if (lx->state == L_INSIDE) {
		if (strcmp(w[0], "}") == 0) {
			if (n > 1)
				lerror(lx, "unexpected \"%.64s\" after \"}\"", w[1]);
			lx->cur = NULL;
			lx->state = L_OUTSIDE;
			return;
		}
		if (strcmp(w[0], "service") == 0 || strcmp(w[0], "defaults") == 0 ||
		    strcmp(w[0], "includedir") == 0) {
			lerror(lx, "\"%s\" inside a block (missing \"}\"?)", w[0]);
			lx->cur = NULL;
			lx->state = L_OUTSIDE;
			/* FALLTHROUGH to read it as a statement */
		} else {
			lex_attribute(lx, s);
			return;
		}
	}
	lex_outside(lx, w, n);
}

int
xinetd_lex(const char *file, const char *text, size_t len,
    struct pblock **blocks, size_t *nblocks, xlex_include_fn include, void *ctx,
    struct diag *d)
{
	struct lex lx = {
		.file = file, .d = d, .blocks = blocks, .nblocks = nblocks,
		.state = L_OUTSIDE, .include = include, .ctx = ctx,
	};
	char buf[LINE_MAX_BYTES + 1];
	size_t pos = 0;

	while (pos < len) {
		size_t end = pos, n;
		int bad = 0;

		while (end < len && text[end] != '\n')
			end++;
		lx.line++;
		n = end - pos;
		if (n > LINE_MAX_BYTES) {
			diag_error(d, file, lx.line, "line longer than %d bytes",
			    LINE_MAX_BYTES);
			lx.errors++;
			if (lx.cur != NULL)
				lx.cur->bad = 1;
			pos = end + 1;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[pos + i];
			if ((c < 0x20 && !is_blank(c)) || c == 0x7f) {
				diag_error(d, file, lx.line,
				    "invalid character 0x%02x", c);
				lx.errors++;
				if (lx.cur != NULL)
					lx.cur->bad = 1;
				bad = 1;
				break;
			}
		}
		if (!bad) {
			memcpy(buf, text + pos, n);
			buf[n] = '\0';
			lex_line(&lx, buf);
		}
		pos = end + 1;
	}
	if (lx.state != L_OUTSIDE && lx.cur != NULL) {
		diag_error(d, file, lx.cur->line, "%s: missing \"}\"",
		    block_label(lx.cur));
		lx.errors++;
		lx.cur->bad = 1;
	}
	return lx.errors;
}

void
pblock_free(struct pblock *b)
{
	for (size_t i = 0; i < b->nlines; i++) {
		for (int j = 0; j < b->lines[i].argc; j++)
			free(b->lines[i].argv[j]);
		free(b->lines[i].argv);
	}
	free(b->lines);
	free(b->name);
	memset(b, 0, sizeof(*b));
}
