/*
 * fuzz_seccomp_eval.c: the user-space seccomp evaluator (policy/
 * seccomp_eval.c) on arbitrary programs and call data: it must stop on
 * every input, read nothing outside the program and the data, and answer
 * "allows" only with SECCOMP_RET_ALLOW.
 */
#include "policy/seccomp_eval.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct seccomp_data sd;
	struct sock_fprog prog;
	struct sock_filter *f;
	unsigned known;
	size_t n;
	uint32_t ret;
	int rc;

	if (size < sizeof(sd) + 1)
		return 0;
	memcpy(&sd, data, sizeof(sd));
	known = data[sizeof(sd)];
	data += sizeof(sd) + 1;
	size -= sizeof(sd) + 1;
	n = size / sizeof(*f);
	if (n > BPF_MAXINSNS + 1)
		n = BPF_MAXINSNS + 1;
	/* An exact-size copy, so that ASan sees any read past the end. */
	f = malloc(n > 0 ? n * sizeof(*f) : 1);
	if (f == NULL)
		return 0;
	memcpy(f, data, n * sizeof(*f));
	prog.len = (unsigned short)n;
	prog.filter = f;
	rc = seccomp_eval(&prog, &sd, known, &ret);
	if (rc != 0 && rc != -1)
		abort();
	if (seccomp_eval_allows(&prog, &sd, known) !=
	    (rc == 0 && (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW))
		abort();
	free(f);
	return 0;
}
