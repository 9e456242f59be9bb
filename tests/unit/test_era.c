/*
 * Unit tests for the era handling of the offset (lib/ntp_sample.c):
 * whatever T1..T4 a server makes up, the offset is one wrapped difference
 * plus half the delay, and the step target (T4 plus the offset) lies in
 * the window [pivot - 2^31 s, pivot + 2^31 s) of the era rule (ntp_ts.h).
 *
 * Each case builds T1..T4 from a local clock L (at an era boundary) and a
 * server that is theta off, with a one-way path time and a processing
 * time; theta runs over +-2^31 s +- the round trip, where the two
 * wrapped differences (T2 - T1) and (T3 - T4) fall on opposite sides.
 */
#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_pkt.h"
#include "ntp_reason.h"
#include "ntp_sample.h"
#include "ntp_ts.h"

#define NS		1000000000LL
#define ERA_NS		(NTP_ERA_SECONDS * NS)
#define HALF_S		2147483648LL		/* 2^31 s */
#define UNIX_ERA1	2085978496LL		/* 2036-02-07T06:28:16Z */
#define UNIX_2038	2147483648LL		/* 2^31: 32-bit time_t ends */
#define UNIX_2106	4294967296LL		/* 2^32 */

/* Local clocks: at and around the era boundaries, and before the build. */
static const int64_t locals[] = {
	86400,				/* 1970: pivot is the build date */
	UNIX_ERA1 - 1, UNIX_ERA1, UNIX_ERA1 + 1,
	UNIX_2038 - 1, UNIX_2038,
	UNIX_2106 - 1, UNIX_2106,
	5000000000LL,			/* 2128 */
};
#define N_LOCALS	((int)(sizeof(locals) / sizeof(locals[0])))

/* One-way path times (ns): the round trip is twice this. */
static const int64_t paths[] = { 1000, 2500000, 400000000 };
#define N_PATHS		((int)(sizeof(paths) / sizeof(paths[0])))

/* theta = sign * 2^31 s + k * (one way), k in -3..3: 14 cases. */
#define N_THETAS	14

static int64_t
theta_ns(int i, int64_t path)
{
	int64_t sign = i < 7 ? 1 : -1;

	return sign * HALF_S * NS + (int64_t)(i % 7 - 3) * path;
}

static void
reply(struct ntp_pkt *p, ntp_ts_t t2, ntp_ts_t t3)
{
	memset(p, 0, sizeof(*p));
	p->leap = NTP_LEAP_NONE;
	p->version = 4;
	p->mode = NTP_MODE_SERVER;
	p->stratum = 2;
	p->precision = -20;
	p->rec = t2;
	p->xmt = t3;
}

static int64_t
mod_era(int64_t x)
{
	x %= ERA_NS;
	return x < 0 ? x + ERA_NS : x;
}

/* Assert the sample's offset is theta modulo 2^32 s and in the window. */
static void
assert_in_window(const struct ntp_sample *s, const struct timespec *t4,
    int64_t theta, const char *what)
{
	int64_t loc = ntp_timespec_to_ns(t4);
	int64_t pivot = ntp_era_pivot(t4) * NS;

	if (loc > pivot)		/* the pivot to the ns */
		pivot = loc;
	int64_t target = loc + s->offset_ns, d;

	ck_assert_msg(target >= pivot - ERA_NS / 2 &&
	    target < pivot + ERA_NS / 2, "%s: target %" PRId64
	    " outside pivot %" PRId64 " +- 2^31 s", what, target, pivot);
	d = mod_era(s->offset_ns - theta);
	/* 32.32 rounding: a few ns either way. */
	ck_assert_msg(d <= 4 || d >= ERA_NS - 4, "%s: offset %" PRId64
	    " is not theta %" PRId64 " mod 2^32 s", what, s->offset_ns,
	    theta);
}

/*
 * _i runs over locals x paths x thetas.  The server is theta off, the
 * path takes one way each direction, the server holds the request 1 ms.
 */
START_TEST(test_era_window_at_boundaries)
{
	int li = _i / (N_PATHS * N_THETAS);
	int pi = (_i / N_THETAS) % N_PATHS;
	int64_t path = paths[pi], th = theta_ns(_i % N_THETAS, path);
	int64_t l1 = locals[li] * NS, hold = 1000000;
	struct timespec t1, t4;
	struct ntp_pkt p;
	struct ntp_sample s;
	char what[96];

	ntp_ns_to_timespec(l1, &t1);
	ntp_ns_to_timespec(l1 + 2 * path + hold, &t4);
	reply(&p, ntp_ts_from_unix_ns(l1 + path + th),
	    ntp_ts_from_unix_ns(l1 + path + hold + th));
	snprintf(what, sizeof(what), "local %" PRId64 " path %" PRId64
	    " theta %" PRId64, locals[li], path, th);
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	ck_assert_double_eq_tol(s.delay, 2 * path / 1e9, 1e-8);
	assert_in_window(&s, &t4, th, what);
}
END_TEST

/*
 * The case: 2026 clock, a server that answers T2 = T1 + 2^31 s +
 * 1 ms and T3 = T2 + 0.1 ms 5 ms after T1, so that T2 - T1 wraps negative
 * while T3 - T4 stays positive.  The average of the two was half an era
 * off and rounded to 2163 or 1890.  The server's claim is theta = 2^31 s
 * - 1.45 ms: the target is 2094, inside the window, by 1.45 ms.
 */
START_TEST(test_era_hostile_straddle)
{
	int64_t l1 = 1767225600LL * NS, rtt = 5000000;
	struct timespec t1, t4;
	struct ntp_pkt p;
	struct ntp_sample s;
	int64_t a, b;

	ntp_ns_to_timespec(l1, &t1);
	ntp_ns_to_timespec(l1 + rtt, &t4);
	/* T2 = T1 + 2^31 s + 1 ms, T3 = T2 + 0.1 ms, sent 5 ms after T1. */
	reply(&p, ntp_ts_from_unix_ns(l1 + HALF_S * NS + 1000000),
	    ntp_ts_from_unix_ns(l1 + HALF_S * NS + 1100000));
	a = ntp_ts_diff(p.rec, ntp_ts_from_timespec(&t1));
	b = ntp_ts_diff(p.xmt, ntp_ts_from_timespec(&t4));
	ck_assert_int_lt(a, 0);		/* wrapped */
	ck_assert_int_gt(b, 0);		/* did not */
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	assert_in_window(&s, &t4, HALF_S * NS - 1450000, "straddle");
	/* Positive: the target is ahead, in 2094, not 1958 or 2163. */
	ck_assert_int_le(llabs(s.offset_ns - (HALF_S * NS - 1450000)), 2);
}
END_TEST

/* ntp_offset_resolve at the two edges of the window. */
START_TEST(test_era_window_edges)
{
	struct timespec t4 = { 2000000000, 250000000 }, early = { 86400, 0 };
	int64_t off, build = ntp_build_epoch() * NS;

	/* target = pivot + 2^31 s - 2^-32 s: kept. */
	ck_assert_int_eq(ntp_offset_resolve(INT64_MAX, &t4, &off), 0);
	ck_assert_int_eq(off, HALF_S * NS - 1);
	/* target = pivot - 2^31 s: the lower edge is in. */
	ck_assert_int_eq(ntp_offset_resolve(INT64_MIN, &t4, &off), 0);
	ck_assert_int_eq(off, -HALF_S * NS);
	/*
	 * A 1970 clock: the pivot is the build date.  An offset that puts
	 * the target 1 s past build + 2^31 s goes one era back.
	 */
	ck_assert_int_eq(ntp_offset_resolve((int64_t)((uint64_t)(build / NS +
	    HALF_S + 1 - 86400) << 32), &early, &off), 0);
	ck_assert_int_eq(86400 * NS + off, build + (HALF_S + 1) * NS - ERA_NS);
	ck_assert_int_eq(ntp_offset_resolve((int64_t)((uint64_t)(build / NS +
	    HALF_S - 1 - 86400) << 32), &early, &off), 0);
	ck_assert_int_eq(86400 * NS + off, build + (HALF_S - 1) * NS);
}
END_TEST

/* A 1970 clock: the window is around the build date, not 1970. */
START_TEST(test_era_window_early_clock_uses_build_date)
{
	struct timespec t4 = { 86400, 0 };
	int64_t off, pivot = ntp_build_epoch();

	ck_assert_int_ge(pivot, 1700000000LL);
	ck_assert_int_eq(ntp_offset_resolve(INT64_MIN, &t4, &off), 0);
	ck_assert_int_ge(86400 * NS + off, (pivot - HALF_S) * NS);
	ck_assert_int_lt(86400 * NS + off, (pivot + HALF_S) * NS);
}
END_TEST

/* A local clock the ns arithmetic cannot hold is refused, not wrapped. */
START_TEST(test_era_local_clock_out_of_range)
{
	struct timespec t4 = { NTP_LOCAL_MAX_SEC + 1, 0 };
	struct timespec neg = { -1, 0 };
	int64_t off;

	ck_assert_int_eq(ntp_offset_resolve(0, &t4, &off), NTP_R_DELAY);
	ck_assert_int_eq(ntp_offset_resolve(0, &neg, &off), NTP_R_DELAY);
}
END_TEST

/* T3 - T2 of 2^31 s, 9 s, or negative: not a processing time. */
START_TEST(test_reject_processing_time)
{
	static const int64_t holds[] = {
		HALF_S * NS, -HALF_S * NS, 9 * NS, -1000000, -1
	};
	int64_t l1 = 1767225600LL * NS;
	struct timespec t1, t4;
	struct ntp_pkt p;
	struct ntp_sample s;
	int64_t t2 = l1 + 1000000;

	ntp_ns_to_timespec(l1, &t1);
	ntp_ns_to_timespec(l1 + 2000000, &t4);
	reply(&p, ntp_ts_from_unix_ns(t2),
	    ntp_ts_from_unix_ns(t2 + holds[_i]));
	if (holds[_i] == -1)		/* under one 32.32 unit: equal */
		p.xmt = p.rec - 1;
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s),
	    NTP_R_PROCESSING);
}
END_TEST

/* 8 s is the limit: a hold of 8 s inside a 8.001 s round trip passes. */
START_TEST(test_accept_processing_time_at_limit)
{
	int64_t l1 = 1767225600LL * NS;
	struct timespec t1, t4;
	struct ntp_pkt p;
	struct ntp_sample s;

	ntp_ns_to_timespec(l1, &t1);
	ntp_ns_to_timespec(l1 + 8 * NS + 1000000, &t4);
	reply(&p, ntp_ts_from_unix_ns(l1 + 500000),
	    ntp_ts_from_unix_ns(l1 + 500000 + 8 * NS));
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	ck_assert_double_eq_tol(s.delay, 0.001, 1e-8);
}
END_TEST

static Suite *
era_suite(void)
{
	Suite *s = suite_create("ntp_era");
	TCase *tc = tcase_create("era");

	tcase_add_loop_test(tc, test_era_window_at_boundaries, 0,
	    N_LOCALS * N_PATHS * N_THETAS);
	tcase_add_test(tc, test_era_hostile_straddle);
	tcase_add_test(tc, test_era_window_edges);
	tcase_add_test(tc, test_era_window_early_clock_uses_build_date);
	tcase_add_test(tc, test_era_local_clock_out_of_range);
	tcase_add_loop_test(tc, test_reject_processing_time, 0, 5);
	tcase_add_test(tc, test_accept_processing_time_at_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(era_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
