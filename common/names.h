/*
 * names.h: strict checks for strings that came from the network (DNS host
 * names, ident answers) before they may reach a log line or a service's
 * environment.  Anything else counts as unknown.
 */
#ifndef HINETD_NAMES_H
#define HINETD_NAMES_H

#define HOSTNAME_MAX 253
#define IDENT_MAX    63

/* Letters, digits, '-', '_' and '.', labels 1..63 not starting or ending in '-'. */
int name_valid_host(const char *s);
/* 1..IDENT_MAX of letters, digits and . _ - @ + */
int name_valid_ident(const char *s);

#endif
