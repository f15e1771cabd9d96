/*
 * diag.h: collected configuration diagnostics ("FILE:LINE: message").
 *
 * Parsers report every problem they find instead of stopping at the first,
 * so that `hinetd -t` can print them all.  Errors make a load fail;
 * warnings never do.
 */
#ifndef HINETD_DIAG_H
#define HINETD_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag {
	char   **msgs;     /* each already formatted, with "warning: " when one */
	int     *is_error;
	size_t   n;
	size_t   errors;
	size_t   warnings;
};

void diag_init(struct diag *d);
void diag_free(struct diag *d);
/* file may be NULL; line 0 means "no line". */
void diag_error(struct diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warning(struct diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_print(const struct diag *d, FILE *fp);
void diag_log(const struct diag *d);   /* each line through the logger */

#endif
