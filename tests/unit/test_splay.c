/*
 * Unit tests for lib/ntp_splay.c: the pick is uniform over [0, max) and
 * never reaches max, the random source never fails, the wait ends at
 * once when told to stop and does not end early.
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "ntp_splay.h"

struct pick_vec {
	double		max;
	uint64_t	r;
	double		want;
};

static const struct pick_vec picks[] = {
	{ 240, 0, 0 },
	{ 240, UINT64_C(1) << 63, 120 },
	{ 240, UINT64_C(1) << 62, 60 },
	{ 0, UINT64_MAX, 0 },
	{ -5, UINT64_MAX, 0 },
	{ 3600, UINT64_C(3) << 62, 2700 },
};
#define N_PICKS	((int)(sizeof(picks) / sizeof(picks[0])))

START_TEST(test_pick_vectors)
{
	ck_assert_double_eq_tol(ntp_splay_pick(picks[_i].max, picks[_i].r),
	    picks[_i].want, 1e-9);
}
END_TEST

START_TEST(test_pick_never_reaches_max)
{
	double d = ntp_splay_pick(240, UINT64_MAX);

	ck_assert(d < 240);
	ck_assert(d > 239.999999);
}
END_TEST

/* 10000 picks of 64 random bits: every tenth of the window is hit. */
START_TEST(test_random_picks_cover_the_window)
{
	int bins[10] = { 0 }, i;
	uint64_t r;
	double d;

	for (i = 0; i < 10000; i++) {
		ntp_splay_random(&r);
		d = ntp_splay_pick(10, r);
		ck_assert(d >= 0 && d < 10);
		bins[(int)d]++;
	}
	for (i = 0; i < 10; i++)
		ck_assert_msg(bins[i] > 800 && bins[i] < 1200, "bin %d: %d", i,
		    bins[i]);
}
END_TEST

START_TEST(test_wait_stops_when_told)
{
	volatile sig_atomic_t stop = SIGTERM;

	ck_assert_int_eq(ntp_splay_wait(3600, &stop), -1);
}
END_TEST

START_TEST(test_wait_waits_on_the_monotonic_clock)
{
	volatile sig_atomic_t stop = 0;
	struct timespec a, b;
	double el;

	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(ntp_splay_wait(0.05, &stop), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	el = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	ck_assert_msg(el >= 0.05, "woke after %.6f s", el);
	ck_assert_int_eq(ntp_splay_wait(-1, &stop), 0);
}
END_TEST

static Suite *
splay_suite(void)
{
	Suite *s = suite_create("ntp_splay");
	TCase *tc = tcase_create("splay");

	tcase_add_loop_test(tc, test_pick_vectors, 0, N_PICKS);
	tcase_add_test(tc, test_pick_never_reaches_max);
	tcase_add_test(tc, test_random_picks_cover_the_window);
	tcase_add_test(tc, test_wait_stops_when_told);
	tcase_add_test(tc, test_wait_waits_on_the_monotonic_clock);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(splay_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
