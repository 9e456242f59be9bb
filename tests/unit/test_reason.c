/*
 * Unit tests for lib/ntp_reason.c: every reason has a text and a unique,
 * stable snake_case name.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_reason.h"

/* ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ */
static int
is_snake_case(const char *s)
{
	const char *p;

	if (*s < 'a' || *s > 'z')
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '_') {
			if (p[1] == '\0' || p[1] == '_')
				return 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	}
	return 1;
}

START_TEST(test_every_reason_has_text)
{
	const char *t = ntp_strerror(_i);

	ck_assert_ptr_nonnull(t);
	ck_assert_msg(strcmp(t, "unknown reason") != 0 && t[0] != '\0',
	    "reason %d has no text", _i);
}
END_TEST

START_TEST(test_every_reason_has_snake_case_name)
{
	const char *n = ntp_reason_name(_i);

	ck_assert_ptr_nonnull(n);
	ck_assert_msg(strcmp(n, "unknown") != 0, "reason %d has no name", _i);
	ck_assert_msg(is_snake_case(n), "reason %d: \"%s\" is not snake_case",
	    _i, n);
}
END_TEST

START_TEST(test_reason_names_unique)
{
	int i, j;

	for (i = 0; i < NTP_R_MAX; i++)
		for (j = i + 1; j < NTP_R_MAX; j++)
			ck_assert_msg(strcmp(ntp_reason_name(i),
			    ntp_reason_name(j)) != 0,
			    "reasons %d and %d are both \"%s\"", i, j,
			    ntp_reason_name(i));
}
END_TEST

START_TEST(test_snake_case_checker)
{
	ck_assert_int_eq(is_snake_case("kod_rate"), 1);
	ck_assert_int_eq(is_snake_case("ok"), 1);
	ck_assert_int_eq(is_snake_case("unsynchronised_stratum16"), 1);
	ck_assert_int_eq(is_snake_case("KoD"), 0);
	ck_assert_int_eq(is_snake_case("kod-rate"), 0);
	ck_assert_int_eq(is_snake_case("_kod"), 0);
	ck_assert_int_eq(is_snake_case("kod_"), 0);
	ck_assert_int_eq(is_snake_case("kod__rate"), 0);
	ck_assert_int_eq(is_snake_case(""), 0);
	ck_assert_int_eq(is_snake_case("1st"), 0);
}
END_TEST

START_TEST(test_ok_is_zero)
{
	ck_assert_int_eq(NTP_OK, 0);
	ck_assert_str_eq(ntp_reason_name(NTP_OK), "ok");
}
END_TEST

/* Names are part of the JSON output: pin the ones scripts look for. */
START_TEST(test_stable_names)
{
	ck_assert_str_eq(ntp_reason_name(NTP_R_KOD_DENY), "kod_deny");
	ck_assert_str_eq(ntp_reason_name(NTP_R_KOD_RSTR), "kod_rstr");
	ck_assert_str_eq(ntp_reason_name(NTP_R_KOD_RATE), "kod_rate");
	ck_assert_str_eq(ntp_reason_name(NTP_R_FALSETICKER), "falseticker");
	ck_assert_str_eq(ntp_reason_name(NTP_R_NO_REPLY), "no_reply");
}
END_TEST

START_TEST(test_out_of_range_is_unknown)
{
	static const int bad[] = { -1, -1000, NTP_R_MAX, NTP_R_MAX + 1,
	    1000000 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_str_eq(ntp_strerror(bad[i]), "unknown reason");
		ck_assert_str_eq(ntp_reason_name(bad[i]), "unknown");
		ck_assert_int_eq(ntp_reason_is_kod(bad[i]), 0);
	}
}
END_TEST

START_TEST(test_is_kod_exactly_the_kisses)
{
	int r, want;

	for (r = 0; r < NTP_R_MAX; r++) {
		want = r == NTP_R_KOD_DENY || r == NTP_R_KOD_RSTR ||
		    r == NTP_R_KOD_RATE || r == NTP_R_KOD_OTHER;
		ck_assert_msg(ntp_reason_is_kod(r) == want, "%s",
		    ntp_reason_name(r));
	}
}
END_TEST

static Suite *
reason_suite(void)
{
	Suite *s = suite_create("ntp_reason");
	TCase *tc = tcase_create("reason");

	tcase_add_loop_test(tc, test_every_reason_has_text, 0, NTP_R_MAX);
	tcase_add_loop_test(tc, test_every_reason_has_snake_case_name, 0,
	    NTP_R_MAX);
	tcase_add_test(tc, test_reason_names_unique);
	tcase_add_test(tc, test_snake_case_checker);
	tcase_add_test(tc, test_ok_is_zero);
	tcase_add_test(tc, test_stable_names);
	tcase_add_test(tc, test_out_of_range_is_unknown);
	tcase_add_test(tc, test_is_kod_exactly_the_kisses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reason_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
