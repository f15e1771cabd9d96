/*
 * caps.c: capability names <-> numbers (libcap-ng's table), the kernel's
 * highest capability, and formatting capability sets.
 */
#include "policy/caps.h"

#include <cap-ng.h>
#include <ctype.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int
caps_parse(const char *name, int *cap)
{
	char buf[CAPS_NAME_MAX];
	size_t i;
	int c;

	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	for (i = 0; name[i] != '\0'; i++) {
		if (i + 1 >= sizeof(buf))
			return -1;
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return -1;
		buf[i] = (char)tolower((unsigned char)name[i]);
	}
	buf[i] = '\0';
	/* A name, not a number libcap-ng might take. */
	if (i == 0 || !isalpha((unsigned char)buf[0]))
		return -1;
	if ((c = capng_name_to_capability(buf)) < 0 || c > 63)
		return -1;
	*cap = c;
	return 0;
}

int
caps_last_cap(void)
{
	char buf[16];
	ssize_t n;
	int fd, v = 0;

	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return CAP_LAST_CAP;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return CAP_LAST_CAP;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n && buf[i] != '\n'; i++) {
		if (!isdigit((unsigned char)buf[i]) || v > 63)
			return CAP_LAST_CAP;
		v = v * 10 + (buf[i] - '0');
	}
	if (v > 63)
		return CAP_LAST_CAP;
	return v;
}

size_t
caps_format(uint64_t set, char *buf, size_t len)
{
	char one[CAPS_NAME_MAX + 8];
	const char *name;
	size_t need = 0, n;

	if (len > 0)
		buf[0] = '\0';
	if (set == 0) {
		if (len > 0)
			snprintf(buf, len, "none");
		return 4;
	}
	for (unsigned c = 0; c < 64; c++) {
		if ((set & ((uint64_t)1 << c)) == 0)
			continue;
		name = capng_capability_to_name(c);
		if (name != NULL && strlen(name) < CAPS_NAME_MAX)
			snprintf(one, sizeof(one), "%scap_%s",
			    need ? "," : "", name);
		else
			snprintf(one, sizeof(one), "%scap_%u",
			    need ? "," : "", c);
		n = strlen(one);
		if (need < len)
			snprintf(buf + need, len - need, "%s", one);
		need += n;
	}
	return need;
}
