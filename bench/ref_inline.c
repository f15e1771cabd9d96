/*
 * ref_inline: bare reference server — accept + write + close, no fork.
 *
 *   ref_inline PORT
 *
 * Accepts on 127.0.0.1:PORT and answers every connection in the accepting
 * process with a daytime line (RFC 867, the ctime(3) format as the
 * classic inetds send it), then closes.  The floor for a built-in service.
 */
#include "ref_common.h"

#include <time.h>

int
main(int argc, char **argv)
{
	int lfd;

	if (argc != 2)
		ref_usage(argv[0], 0);
	lfd = ref_listen(argv[1]);
	signal(SIGPIPE, SIG_IGN);	/* a client gone early must not kill us */

	for (;;) {
		int c = ref_accept(lfd);
		char buf[64];
		time_t now = time(NULL);
		struct tm tm;
		size_t n;

		localtime_r(&now, &tm);
		n = strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y\r\n", &tm);
		if (write(c, buf, n) < 0) {
			/* peer gone: nothing to do */
		}
		close(c);
	}
}
