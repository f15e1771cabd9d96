/*
 * caps.h: capability names for the `capabilities` attribute and for
 * `hinetd -T`: parsing ("CAP_NET_BIND_SERVICE", "net_bind_service", any
 * case) and formatting of a service's capability bit set, through
 * libcap-ng's name table.
 */
#ifndef HINETD_CAPS_H
#define HINETD_CAPS_H

#include <stddef.h>
#include <stdint.h>

#define CAPS_NAME_MAX 64        /* longest name accepted, with "cap_" */

/*
 * Parse a capability name, with or without "cap_", case-blind.  Stores its
 * number (0..63) in *cap and returns 0; -1 for an unknown name.  Whether
 * the running kernel has it is caps_last_cap()'s business.
 */
int    caps_parse(const char *name, int *cap);

/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int    caps_last_cap(void);

/*
 * Format a set as "cap_chown,cap_net_bind_service" (ascending numbers;
 * "cap_N" for a number libcap-ng cannot name) or "none".  Always
 * NUL-terminates buf when len > 0; returns the length the whole text needs
 * (as snprintf), so a result >= len means it was truncated.
 */
size_t caps_format(uint64_t set, char *buf, size_t len);

#endif
