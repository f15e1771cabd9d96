/*
 * builtin_gen.c: what the built-ins send, independent of the transport:
 * chargen's rotating lines (RFC 864), the daytime string (RFC 867) and the
 * time value (RFC 868).  daytime is in the host's local time zone, loaded
 * before the sandbox (no file can be read inside it).
 */
#include "listener/builtin.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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

/*
 * ctime(3)'s form with the zone's abbreviation, in the host's local time:
 * "Tue Dec  8 01:18:06 2026 UTC\r\n".  The zone was loaded by tzset()
 * before the listener confined itself (main.c), so localtime_r only reads
 * what is in memory; the week-day and month names are spelled here rather
 * than by strftime, whose %a and %b would consult the locale.
 */
size_t
daytime_format(char *buf, size_t len, time_t t)
{
	static const char wday[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char mon[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	int n;

	if (len == 0 || localtime_r(&t, &tm) == NULL ||
	    tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return 0;
	n = snprintf(buf, len, "%s %s %2d %02d:%02d:%02d %lld %s\r\n",
	    wday[tm.tm_wday], mon[tm.tm_mon], tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)tm.tm_year + 1900,
	    tm.tm_zone != NULL && tm.tm_zone[0] != '\0' ? tm.tm_zone : "UTC");
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
