/*
 * explain.h: `hinetd -T` and `hinetd -T -j`: the effective policy of every
 * service, as text or as one JSON document.  Both are
 * rendered from the same description, so they always carry the same facts.
 * Services are printed sorted (name, protocol, socket type, address, id)
 * so that two versions of a configuration diff cleanly.
 */
#ifndef HINETD_EXPLAIN_H
#define HINETD_EXPLAIN_H

#include <stdio.h>

#include "policy/service.h"

void explain_text(const struct config *cfg, FILE *fp);
void explain_json(const struct config *cfg, FILE *fp);

/* Write s as a JSON string (with quotes), escaping as RFC 8259 requires. */
void json_string(FILE *fp, const char *s);

#endif
