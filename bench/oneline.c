/*
 * oneline: the exec'd service used by the hinetd benchmark.
 *
 * Writes one line to standard output (the connection, when started by a
 * superserver) and exits.  Built static (gcc -static -O2) so that every server
 * under test pays the same, minimal exec cost: no dynamic loader, no libraries.
 */
#include <unistd.h>

int
main(void)
{
	static const char line[] = "hello from oneline\r\n";
	ssize_t off = 0;

	while (off < (ssize_t)(sizeof(line) - 1)) {
		ssize_t n = write(1, line + off, sizeof(line) - 1 - off);
		if (n <= 0)
			_exit(1);
		off += n;
	}
	_exit(0);
}
