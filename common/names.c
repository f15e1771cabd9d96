/*
 * names.c: validation of host names and ident user names from the network.
 */
#include "common/names.h"

#include <string.h>

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
name_valid_host(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > HOSTNAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		/* '_' as the access engine allows it (DNS has such names). */
		if (!is_alnum(c) && c != '-' && c != '_')
			return 0;
		if (c == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	/* A trailing dot is allowed (absolute name); a trailing '-' is not. */
	return s[len - 1] != '-';
}

int
name_valid_ident(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > IDENT_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && strchr("._-@+", s[i]) == NULL)
			return 0;
	return 1;
}
