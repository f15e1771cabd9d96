/*
 * diag.c: collection and printing of configuration diagnostics.
 */
#include "common/diag.h"
#include "common/log.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdlib.h>

void
diag_init(struct diag *d)
{
	d->msgs = NULL;
	d->is_error = NULL;
	d->n = d->errors = d->warnings = 0;
}

void
diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	free(d->is_error);
	diag_init(d);
}

static void __attribute__((format(printf, 5, 0)))
diag_add(struct diag *d, int err, const char *file, int line, const char *fmt,
    va_list ap)
{
	char *body, *msg;

	if (vasprintf(&body, fmt, ap) < 0)
		fatal("vasprintf");
	if (file != NULL && line > 0)
		xasprintf(&msg, "%s:%d: %s%s", file, line, err ? "" : "warning: ", body);
	else if (file != NULL)
		xasprintf(&msg, "%s: %s%s", file, err ? "" : "warning: ", body);
	else
		xasprintf(&msg, "%s%s", err ? "" : "warning: ", body);
	free(body);
	d->msgs = xreallocarray(d->msgs, d->n + 1, sizeof(*d->msgs));
	d->is_error = xreallocarray(d->is_error, d->n + 1, sizeof(*d->is_error));
	d->msgs[d->n] = msg;
	d->is_error[d->n] = err;
	d->n++;
	if (err)
		d->errors++;
	else
		d->warnings++;
}

void
diag_error(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, 1, file, line, fmt, ap);
	va_end(ap);
}

void
diag_warning(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, 0, file, line, fmt, ap);
	va_end(ap);
}

void
diag_print(const struct diag *d, FILE *fp)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(fp, "%s\n", d->msgs[i]);
}

void
diag_log(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->is_error[i])
			log_warnx("%s", d->msgs[i]);
		else
			log_notice("%s", d->msgs[i]);
	}
}
