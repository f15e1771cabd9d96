/*
 * test_caps.c: unit tests of policy/caps.c: capability names in every
 * accepted spelling, unknown names, the kernel's highest capability, and
 * formatting of capability sets (including truncation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "policy/caps.h"

#define BIT(c) ((uint64_t)1 << (c))

static void
test_parse(void **state)
{
	int cap;

	(void)state;
	cap = -1;
	assert_int_equal(caps_parse("CAP_NET_BIND_SERVICE", &cap), 0);
	assert_int_equal(cap, CAP_NET_BIND_SERVICE);
	cap = -1;
	assert_int_equal(caps_parse("net_bind_service", &cap), 0);
	assert_int_equal(cap, CAP_NET_BIND_SERVICE);
	cap = -1;
	assert_int_equal(caps_parse("Cap_Net_Bind_Service", &cap), 0);
	assert_int_equal(cap, CAP_NET_BIND_SERVICE);
	assert_int_equal(caps_parse("cap_chown", &cap), 0);
	assert_int_equal(cap, CAP_CHOWN);
	assert_int_equal(caps_parse("SYS_ADMIN", &cap), 0);
	assert_int_equal(cap, CAP_SYS_ADMIN);
	assert_int_equal(caps_parse("setuid", &cap), 0);
	assert_int_equal(cap, CAP_SETUID);
	assert_int_equal(caps_parse("cap_checkpoint_restore", &cap), 0);
	assert_int_equal(cap, 40);
}

static void
test_parse_bad(void **state)
{
	char longname[200];
	int cap = 77;

	(void)state;
	assert_int_equal(caps_parse("bogus", &cap), -1);
	assert_int_equal(caps_parse("CAP_BOGUS", &cap), -1);
	assert_int_equal(caps_parse("", &cap), -1);
	assert_int_equal(caps_parse("cap_", &cap), -1);
	assert_int_equal(caps_parse("CAP_", &cap), -1);
	assert_int_equal(caps_parse("10", &cap), -1);
	assert_int_equal(caps_parse("cap_10", &cap), -1);
	assert_int_equal(caps_parse("net_bind_service ", &cap), -1);
	assert_int_equal(caps_parse(" net_bind_service", &cap), -1);
	assert_int_equal(caps_parse("net-bind-service", &cap), -1);
	assert_int_equal(caps_parse("cap_cap_chown", &cap), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(caps_parse(longname, &cap), -1);
	assert_int_equal(cap, 77);      /* untouched on failure */
}

static void
test_last_cap(void **state)
{
	FILE *fp;
	int want = -1;

	(void)state;
	fp = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (fp != NULL) {
		if (fscanf(fp, "%d", &want) != 1)
			want = -1;
		fclose(fp);
	}
	if (want >= 0)
		assert_int_equal(caps_last_cap(), want);
	else
		assert_int_equal(caps_last_cap(), CAP_LAST_CAP);
	assert_true(caps_last_cap() >= CAP_SETFCAP && caps_last_cap() < 64);
}

static void
test_format(void **state)
{
	char buf[1024];

	(void)state;
	assert_int_equal(caps_format(0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "none");
	assert_int_equal(caps_format(BIT(CAP_NET_BIND_SERVICE), buf,
	    sizeof(buf)), strlen("cap_net_bind_service"));
	assert_string_equal(buf, "cap_net_bind_service");
	caps_format(BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN), buf,
	    sizeof(buf));
	assert_string_equal(buf, "cap_chown,cap_net_bind_service");
	caps_format(BIT(CAP_SETUID) | BIT(63), buf, sizeof(buf));
	assert_string_equal(buf, "cap_setuid,cap_63");
	/* All 64 bits fit in a generous buffer. */
	assert_true(caps_format(~(uint64_t)0, buf, sizeof(buf)) < sizeof(buf));
	assert_non_null(strstr(buf, "cap_sys_admin,"));
}

static void
test_format_truncates(void **state)
{
	char buf[12];
	size_t need;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	need = caps_format(BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN), buf,
	    sizeof(buf));
	assert_int_equal(need, strlen("cap_chown,cap_net_bind_service"));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_string_equal(buf, "cap_chown,c");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(caps_format(0, buf, 3), 4);
	assert_string_equal(buf, "no");
	assert_int_equal(caps_format(BIT(0), NULL, 0), strlen("cap_chown"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_last_cap),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
