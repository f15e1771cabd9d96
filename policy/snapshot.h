/*
 * snapshot.h: the configuration snapshot privd hands to the listener.
 *
 * privd loads the configuration once and serialises the part the listener
 * needs (services without credentials or programs, access files as read);
 * the listener decodes exactly that, so the two can never disagree and the
 * listener never opens a configuration file.  The decoder treats its input
 * as untrusted (it is fuzzed) and refuses anything malformed.
 */
#ifndef HINETD_SNAPSHOT_H
#define HINETD_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"
#include "policy/service.h"

#define SNAPSHOT_MAX   (64u << 20)     /* bytes */

/*
 * Encode cfg for generation gen; fds[i] is the descriptor number under
 * which the listener will find the listening socket of cfg->svcs[i].
 */
void           snapshot_encode(const struct config *cfg, uint32_t gen,
                   const int *fds, struct wbuf *out);

/*
 * Decode a snapshot.  Returns a configuration whose services carry what the
 * listener needs, with *gen and *fds (malloc'd, one per service) set, or
 * NULL if the input is malformed in any way.
 */
struct config *snapshot_decode(const void *buf, size_t len, uint32_t *gen,
                   int **fds);

#endif
