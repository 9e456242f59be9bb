/*
 * Unit tests for lib/ntp_parse.c: option values accepted and refused.
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>

#include "ntp_parse.h"

struct dec_case {
	const char	*in;
	double		lo, hi;
	int		ok;
	double		want;
};

static const struct dec_case dec_cases[] = {
	{ "2", 0, 3600, 1, 2.0 },
	{ "0.5", 0, 3600, 1, 0.5 },
	{ ".25", 0, 3600, 1, 0.25 },
	{ "3600", 0, 3600, 1, 3600.0 },
	{ "3600.5", 0, 3600, 0, 0 },		/* above hi */
	{ "0", 1e-3, 3600, 0, 0 },		/* below lo */
	{ "", 0, 3600, 0, 0 },
	{ "-1", -10, 10, 0, 0 },		/* no sign */
	{ "+1", 0, 10, 0, 0 },
	{ "1e3", 0, 1e6, 0, 0 },		/* no exponent */
	{ "abc", 0, 10, 0, 0 },
	{ "1.2.3", 0, 10, 0, 0 },
	{ "2s", 0, 10, 0, 0 },
	{ " 2", 0, 10, 1, 2.0 },		/* leading blanks, as -p */
	{ "\t 0.5", 0, 10, 1, 0.5 },
	{ " ", 0, 10, 0, 0 },
	{ "2 ", 0, 10, 0, 0 },
	{ "nan", 0, 10, 0, 0 },
	{ "inf", 0, 10, 0, 0 },
};

START_TEST(test_decimal_table)
{
	const struct dec_case *c = &dec_cases[_i];
	double v = -42;
	int rc = ntp_parse_decimal(c->in, c->lo, c->hi, &v);

	ck_assert_msg((rc == 0) == c->ok, "'%s': rc %d", c->in, rc);
	if (c->ok)
		ck_assert_double_eq_tol(v, c->want, 1e-12);
	else
		ck_assert_double_eq(v, -42);	/* untouched on failure */
}
END_TEST

struct long_case {
	const char	*in;
	long		lo, hi;
	int		ok;
	long		want;
};

static const struct long_case long_cases[] = {
	{ "1", 1, 8, 1, 1 },
	{ "8", 1, 8, 1, 8 },
	{ "9", 1, 8, 0, 0 },
	{ "0", 1, 8, 0, 0 },
	{ "-3", -5, 5, 1, -3 },
	{ "", 1, 8, 0, 0 },
	{ "4x", 1, 8, 0, 0 },
	{ "0x4", 1, 8, 0, 0 },
	{ " 2", 1, 8, 1, 2 },			/* leading blanks, as -t */
	{ " ", 1, 8, 0, 0 },
	{ "99999999999999999999999", 1, LONG_MAX, 0, 0 },	/* ERANGE */
};

START_TEST(test_long_table)
{
	const struct long_case *c = &long_cases[_i];
	long v = -42;
	int rc = ntp_parse_long(c->in, c->lo, c->hi, &v);

	ck_assert_msg((rc == 0) == c->ok, "'%s': rc %d", c->in, rc);
	ck_assert_int_eq(v, c->ok ? c->want : -42);
}
END_TEST

struct sdec_case {
	const char	*in;
	int		ok;
	double		want;
};

/* Classic ntpdate's atolfp() grammar, for -t. */
static const struct sdec_case sdec_cases[] = {
	{ "2", 1, 2.0 },
	{ "0", 1, 0.0 },
	{ "-1", 1, -1.0 },
	{ "+1.5", 1, 1.5 },
	{ " 1", 1, 1.0 },
	{ "1 ", 1, 1.0 },
	{ ".5", 1, 0.5 },
	{ "5.", 1, 5.0 },
	{ "5000", 1, 5000.0 },
	{ "", 0, 0 },
	{ "-", 0, 0 },
	{ ".", 0, 0 },
	{ "abc", 0, 0 },
	{ "1e3", 0, 0 },
	{ "inf", 0, 0 },
	{ "1 2", 0, 0 },
	{ "1.2.3", 0, 0 },
};

START_TEST(test_signed_decimal_table)
{
	const struct sdec_case *c = &sdec_cases[_i];
	double v = -42;
	int rc = ntp_parse_signed_decimal(c->in, &v);

	ck_assert_msg((rc == 0) == c->ok, "'%s': rc %d", c->in, rc);
	if (c->ok)
		ck_assert_double_eq_tol(v, c->want, 1e-12);
	else
		ck_assert_double_eq(v, -42);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("ntp_parse");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_decimal_table, 0,
	    (int)(sizeof(dec_cases) / sizeof(dec_cases[0])));
	tcase_add_loop_test(tc, test_long_table, 0,
	    (int)(sizeof(long_cases) / sizeof(long_cases[0])));
	tcase_add_loop_test(tc, test_signed_decimal_table, 0,
	    (int)(sizeof(sdec_cases) / sizeof(sdec_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
