/*
 * builtin_gen.c: what the built-ins send, independent of the transport:
 * chargen's rotating lines (RFC 864), the daytime string (RFC 867) and the
 * time value (RFC 868).  No time-zone file can be read inside the sandbox,
 * and glibc's gmtime/localtime would try to, so the calendar arithmetic is
 * done here and daytime is given in UTC.
 */
#include "listener/builtin.h"

#include <stdio.h>
#include <string.h>

/* 95 lines of 72 characters + CRLF, twice, built on first use. */
static char cycle[2 * CHARGEN_CYCLE];
static int cycle_built;

size_t
chargen_line(char *buf, size_t len, unsigned n)
{
	if (len < CHARGEN_LINE + 2)
		return 0;
	for (unsigned j = 0; j < CHARGEN_LINE; j++)
		buf[j] = (char)(' ' + (n + j) % CHARGEN_LINES);
	buf[CHARGEN_LINE] = '\r';
	buf[CHARGEN_LINE + 1] = '\n';
	return CHARGEN_LINE + 2;
}

const char *
chargen_cycle(void)
{
	if (!cycle_built) {
		for (unsigned n = 0; n < CHARGEN_LINES; n++)
			chargen_line(cycle + (size_t)n * (CHARGEN_LINE + 2),
			    CHARGEN_LINE + 2, n);
		memcpy(cycle + CHARGEN_CYCLE, cycle, CHARGEN_CYCLE);
		cycle_built = 1;
	}
	return cycle;
}

/* Days since 1970-01-01 to year, month (1-12), day (H. Hinnant). */
static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

size_t
daytime_format(char *buf, size_t len, time_t t)
{
	static const char wday[7][4] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"
	};
	static const char mon[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	long long secs = (long long)t, days, y;
	unsigned m, d, sod;
	int n;

	days = secs / 86400;
	if (secs % 86400 < 0)
		days--;
	sod = (unsigned)(secs - days * 86400);
	civil_from_days(days, &y, &m, &d);
	n = snprintf(buf, len, "%s %s %2u %02u:%02u:%02u %lld UTC\r\n",
	    wday[((days % 7) + 7) % 7], mon[m - 1], d, sod / 3600,
	    sod / 60 % 60, sod % 60, y);
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

void
time_format(unsigned char out[4], time_t t)
{
	/* 2,208,988,800 s from 1900 to 1970; wraps in 2036 as RFC 868 says. */
	uint32_t v = (uint32_t)((unsigned long long)t + 2208988800ULL);

	out[0] = (unsigned char)(v >> 24);
	out[1] = (unsigned char)(v >> 16);
	out[2] = (unsigned char)(v >> 8);
	out[3] = (unsigned char)v;
}
