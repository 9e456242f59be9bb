/*
 * Unit tests for lib/ntp_ts.c: timestamp conversions and the era rule.
 *
 * Every expected value below was derived outside the code under test:
 * Unix seconds from calendar dates with Python's datetime, NTP fractions
 * as round(ns * 2^32 / 1e9) with exact rational arithmetic, era placement
 * by trying every era and taking the one nearest the pivot.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "ntp_ts.h"

#define NS	1000000000LL

/* Unix seconds of a few dates (Python datetime). */
#define UNIX_1970_04_11	8640000LL	/* 1970-04-11T00:00:00Z */
#define UNIX_2025	1735689600LL	/* 2025-01-01T00:00:00Z */
#define UNIX_2026	1767225600LL	/* 2026-01-01T00:00:00Z */
#define UNIX_ERA1	2085978496LL	/* 2036-02-07T06:28:16Z */
#define UNIX_2040_07_01	2224756800LL	/* 2040-07-01T12:00:00Z */
#define UNIX_2100	4102444800LL	/* 2100-01-01T00:00:00Z */

struct ts_vec {
	int64_t		sec;
	long		nsec;
	uint64_t	ntp;
	const char	*what;
};

static const struct ts_vec ts_vecs[] = {
	{ 0LL, 0, 0x83aa7e8000000000ULL, "1970-01-01T00:00:00.000000000" },
	{ 0LL, 999999999, 0x83aa7e80fffffffcULL,
	    "1970-01-01T00:00:00.999999999" },
	{ 0LL, 500000000, 0x83aa7e8080000000ULL,
	    "1970-01-01T00:00:00.5" },
	{ 6275366LL, 535897932, 0x840a3fa689309b5cULL,
	    "1970-03-14T15:09:26.535897932" },
	{ 1781526896LL, 123456789, 0xedda6ff01f9add37ULL,
	    "2026-06-15T12:34:56.123456789" },
	{ 2082758399LL, 999999999, 0xffcedd7ffffffffcULL,
	    "2035-12-31T23:59:59.999999999" },
	{ 2085978495LL, 999999999, 0xfffffffffffffffcULL,
	    "2036-02-07T06:28:15.999999999 (last second of era 0)" },
	{ 2085978496LL, 0, 0x0000000000000000ULL,
	    "2036-02-07T06:28:16 (first second of era 1)" },
	{ 2085978497LL, 1, 0x0000000100000004ULL,
	    "2036-02-07T06:28:17.000000001" },
	{ 2214129600LL, 250000000, 0x07a36e4040000000ULL,
	    "2040-02-29T12:00:00.25" },
	{ 4102444800LL, 1, 0x7830d58000000004ULL,
	    "2100-01-01T00:00:00.000000001" },
	{ -1LL, 0, 0x83aa7e7f00000000ULL, "1969-12-31T23:59:59" },
	{ -303753600LL, 987654321, 0x718f9500fcd6e9e0ULL,
	    "1960-05-17T08:00:00.987654321" },
	{ -2208988800LL, 0, 0x0000000000000000ULL,
	    "1900-01-01T00:00:00 (NTP epoch)" },
	{ -2208988801LL, 750000000, 0xffffffffc0000000ULL,
	    "1899-12-31T23:59:59.75 (era -1)" },
};
#define N_TS_VECS	((int)(sizeof(ts_vecs) / sizeof(ts_vecs[0])))

static struct timespec
mkts(int64_t sec, long nsec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = nsec;
	return ts;
}

START_TEST(test_from_timespec_vectors)
{
	const struct ts_vec *v = &ts_vecs[_i];
	struct timespec ts = mkts(v->sec, v->nsec);
	ntp_ts_t got = ntp_ts_from_timespec(&ts);

	ck_assert_msg(got == v->ntp, "%s: got %016" PRIx64 " want %016"
	    PRIx64, v->what, got, v->ntp);
	got = ntp_ts_from_unix_ns(v->sec * NS + v->nsec);
	ck_assert_msg(got == v->ntp, "%s (from ns): got %016" PRIx64
	    " want %016" PRIx64, v->what, got, v->ntp);
}
END_TEST

/* NTP -> timespec, with the vector's own second as pivot (same era). */
START_TEST(test_to_timespec_vectors)
{
	const struct ts_vec *v = &ts_vecs[_i];
	struct timespec out;

	ntp_ts_to_timespec(v->ntp, v->sec, &out);
	ck_assert_msg((int64_t)out.tv_sec == v->sec && out.tv_nsec == v->nsec,
	    "%s: got %lld.%09ld", v->what, (long long)out.tv_sec,
	    out.tv_nsec);
	ck_assert_int_eq(ntp_ts_to_unix_ns(v->ntp, v->sec),
	    v->sec * NS + v->nsec);
}
END_TEST

/* timespec -> NTP -> timespec is the identity for every vector. */
START_TEST(test_roundtrip_vectors_exact)
{
	const struct ts_vec *v = &ts_vecs[_i];
	struct timespec in = mkts(v->sec, v->nsec), out;

	ntp_ts_to_timespec(ntp_ts_from_timespec(&in), v->sec + 1000, &out);
	ck_assert_msg(out.tv_sec == in.tv_sec && out.tv_nsec == in.tv_nsec,
	    "%s: came back as %lld.%09ld", v->what, (long long)out.tv_sec,
	    out.tv_nsec);
}
END_TEST

/*
 * Every nanosecond of the first and last millisecond of a second, at a few
 * seconds.  Mismatches are counted and the first reported, so the loop
 * does not go through Check for each of its ten million steps.
 */
START_TEST(test_roundtrip_every_ns_exact)
{
	static const int64_t secs[] = { 0, UNIX_2026, UNIX_ERA1 - 1,
	    UNIX_ERA1, -1 };
	struct timespec in, out, bad_in = { 0, 0 }, bad_out = { 0, 0 };
	size_t i, nbad = 0;
	long ns;

	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		for (ns = 0; ns < 1000000000L; ns++) {
			if (ns == 1000000)
				ns = 999000000;
			in = mkts(secs[i], ns);
			ntp_ts_to_timespec(ntp_ts_from_timespec(&in), secs[i],
			    &out);
			if (out.tv_sec != in.tv_sec || out.tv_nsec != ns) {
				if (nbad++ == 0) {
					bad_in = in;
					bad_out = out;
				}
			}
		}
	}
	ck_assert_msg(nbad == 0, "%zu mismatches, first %lld.%09ld came back "
	    "as %lld.%09ld", nbad, (long long)bad_in.tv_sec, bad_in.tv_nsec,
	    (long long)bad_out.tv_sec, bad_out.tv_nsec);
}
END_TEST

START_TEST(test_unix_epoch_is_ntp_2208988800)
{
	struct timespec ts = mkts(0, 0);

	ck_assert_uint_eq(ntp_ts_from_timespec(&ts) >> 32, 2208988800U);
	ck_assert_uint_eq(ntp_ts_from_timespec(&ts) & 0xffffffffU, 0);
	ck_assert_int_eq(ntp_ts_to_unix_ns(0x83aa7e8000000000ULL, UNIX_2026),
	    0);
	ck_assert_int_eq(NTP_UNIX_DELTA, 2208988800LL);
}
END_TEST

START_TEST(test_era1_starts_at_ntp_zero)
{
	struct timespec ts = mkts(UNIX_ERA1, 0), out;

	ck_assert_uint_eq(ntp_ts_from_timespec(&ts), 0);
	ck_assert_int_eq(ntp_ts_to_unix_ns(0, UNIX_2026), UNIX_ERA1 * NS);
	ntp_ts_to_timespec(0, UNIX_2026, &out);
	ck_assert_int_eq(out.tv_sec, UNIX_ERA1);
	ck_assert_int_eq(out.tv_nsec, 0);
}
END_TEST

/* The fraction: 2^32 units per second, rounded to the nearest ns. */
START_TEST(test_fraction_to_ns)
{
	static const struct {
		uint32_t	frac;
		int64_t		ns;
	} v[] = {
		{ 0x00000000U, 0 }, { 0x00000001U, 0 }, { 0x00000002U, 0 },
		{ 0x00000003U, 1 }, { 0x40000000U, 250000000 },
		{ 0x80000000U, 500000000 }, { 0xfffffffcU, 999999999 },
		{ 0xffffffffU, 1000000000 },	/* up to the next second */
	};
	size_t i;
	uint64_t ntp;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ntp = 0x83aa7e8000000000ULL | v[i].frac;
		ck_assert_msg(ntp_ts_to_unix_ns(ntp, 0) == v[i].ns,
		    "frac %08" PRIx32 ": got %" PRId64, v[i].frac,
		    ntp_ts_to_unix_ns(ntp, 0));
	}
}
END_TEST

START_TEST(test_half_second_is_0x80000000)
{
	struct timespec ts = mkts(UNIX_2026, 500000000);

	ck_assert_uint_eq(ntp_ts_from_timespec(&ts) & 0xffffffffU,
	    0x80000000U);
	ck_assert_uint_eq(ntp_ts_from_unix_ns(250000000) & 0xffffffffU,
	    0x40000000U);
	ck_assert_uint_eq(ntp_ts_from_unix_ns(1) & 0xffffffffU, 4);
}
END_TEST

START_TEST(test_diff_signed_across_era)
{
	static const struct {
		uint64_t	a, b;
		int64_t		want;
	} v[] = {
		/* 06:28:17.0 (era 1) - 06:28:15.5 (era 0) = +1.5 s */
		{ 0x0000000100000000ULL, 0xffffffff80000000ULL,
		    0x180000000LL },
		{ 0xffffffff80000000ULL, 0x0000000100000000ULL,
		    -0x180000000LL },
		/* one unit either side of the wrap */
		{ 0x0000000000000000ULL, 0xffffffffffffffffULL, 1 },
		{ 0xffffffffffffffffULL, 0x0000000000000000ULL, -1 },
		/* same era, plain */
		{ 0xedda6ff11f9add37ULL, 0xedda6ff01f9add37ULL,
		    0x100000000LL },
		{ 0x0000000000000000ULL, 0x0000000000000000ULL, 0 },
		/* 2^31 - 1 s: the largest positive interval */
		{ 0x7fffffff00000000ULL, 0x0000000000000000ULL,
		    0x7fffffff00000000LL },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(ntp_ts_diff(v[i].a, v[i].b) == v[i].want,
		    "case %zu: got %" PRId64, i, ntp_ts_diff(v[i].a, v[i].b));
}
END_TEST

struct pivot_vec {
	uint64_t	ntp;
	int64_t		pivot;
	int64_t		want_ns;
	const char	*what;
};

static const struct pivot_vec pivot_vecs[] = {
	{ 0x0000000000000000ULL, 1767225600LL, 2085978496000000000LL,
	    "NTP 0, pivot 2026: era 1 (2036-02-07T06:28:16)" },
	{ 0x0000000000000000ULL, -2208988800LL, -2208988800000000000LL,
	    "NTP 0, pivot 1900: era 0 (1900-01-01)" },
	{ 0xffffffff80000000ULL, 2087942400LL, 2085978495500000000LL,
	    "last second of era 0, pivot 2036-03-01: era 0" },
	{ 0x0000000100000000ULL, 2082672000LL, 2085978497000000000LL,
	    "second 1 of era 1, pivot 2035-12-31: era 1" },
	{ 0xe000000000000000ULL, 1767225600LL, 1549107584000000000LL,
	    "0xe0000000, pivot 2026: era 0 (2019-02-02T11:39:44)" },
	{ 0xe000000000000000ULL, 4102444800LL, 5844074880000000000LL,
	    "0xe0000000, pivot 2100: era 1 (2155-03-11T18:08:00)" },
	{ 0x83aa7e8000000000ULL, 1767225600LL, 0LL,
	    "Unix epoch, pivot 2026: era 0" },
	{ 0x83aa7e8000000000ULL, 4102444800LL, 4294967296000000000LL,
	    "Unix epoch stamp, pivot 2100: era 1 (2106-02-07T06:28:16)" },
	{ 0x084596c080000000ULL, 1767225600LL, 2224756800500000000LL,
	    "2040-07-01T12:00:00.5, pivot 2026: era 1" },
	{ 0x084596c080000000ULL, 0LL, -2070210495500000000LL,
	    "the same 2040 stamp, pivot 1970: era 0 (1904)" },
};
#define N_PIVOT_VECS	((int)(sizeof(pivot_vecs) / sizeof(pivot_vecs[0])))

START_TEST(test_to_unix_ns_pivot_era)
{
	const struct pivot_vec *v = &pivot_vecs[_i];
	int64_t got = ntp_ts_to_unix_ns(v->ntp, v->pivot);

	ck_assert_msg(got == v->want_ns, "%s: got %" PRId64 " want %" PRId64,
	    v->what, got, v->want_ns);
}
END_TEST

START_TEST(test_pivot_is_max_of_local_and_build)
{
	struct timespec early = mkts(UNIX_1970_04_11, 0);
	struct timespec late = mkts(UNIX_2100, 123);
	struct timespec at = mkts(ntp_build_epoch(), 0);

	/* The build date is set by the Makefile; it is after 2025. */
	ck_assert_int_ge(ntp_build_epoch(), UNIX_2025);
	ck_assert_int_eq(ntp_era_pivot(&early), ntp_build_epoch());
	ck_assert_int_eq(ntp_era_pivot(&late), UNIX_2100);
	ck_assert_int_eq(ntp_era_pivot(&at), ntp_build_epoch());
}
END_TEST

/* A board without RTC booting in 1970 still places a 2040 time in 2040. */
START_TEST(test_1970_clock_places_2040_in_2040)
{
	struct timespec local = mkts(UNIX_1970_04_11, 0), out;
	/* 2040-07-01T12:00:00.5Z on the wire (era 1). */
	ntp_ts_t srv = 0x084596c080000000ULL;
	int64_t pivot = ntp_era_pivot(&local);

	ck_assert_int_eq(ntp_ts_to_unix_ns(srv, pivot),
	    UNIX_2040_07_01 * NS + 500000000);
	ntp_ts_to_timespec(srv, pivot, &out);
	ck_assert_int_eq(out.tv_sec, UNIX_2040_07_01);
	ck_assert_int_eq(out.tv_nsec, 500000000);
	/* The local clock alone as pivot would give 1904. */
	ck_assert_int_eq(ntp_ts_to_unix_ns(srv, local.tv_sec),
	    -2070210495500000000LL);
}
END_TEST

START_TEST(test_short_format)
{
	static const struct {
		uint32_t	s;
		double		sec;
	} v[] = {
		{ 0x00000000U, 0.0 }, { 0x00000001U, 0x1p-16 },
		{ 0x00008000U, 0.5 }, { 0x00010000U, 1.0 },
		{ 0x00018000U, 1.5 }, { 0x00000800U, 0.03125 },
		{ 0xffffffffU, 65535.0 + 65535.0 / 65536.0 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_msg(ntp_short_to_sec(v[i].s) == v[i].sec,
		    "%08" PRIx32 " -> %.17g", v[i].s,
		    ntp_short_to_sec(v[i].s));
		if (v[i].s != 0xffffffffU)
			ck_assert_uint_eq(ntp_short_from_sec(v[i].sec),
			    v[i].s);
	}
	/* Rounded to nearest, clamped at both ends. */
	ck_assert_uint_eq(ntp_short_from_sec(0.4 / 65536), 0);
	ck_assert_uint_eq(ntp_short_from_sec(0.6 / 65536), 1);
	ck_assert_uint_eq(ntp_short_from_sec(-1.0), 0);
	ck_assert_uint_eq(ntp_short_from_sec(NAN), 0);
	ck_assert_uint_eq(ntp_short_from_sec(1e9), 0xffffffffU);
}
END_TEST

START_TEST(test_log2_to_sec)
{
	static const struct {
		int		log2;
		double		sec;
	} v[] = {
		{ 0, 1.0 }, { 3, 8.0 }, { -1, 0.5 }, { -6, 0.015625 },
		{ -20, 0x1p-20 }, { -23, 0x1p-23 }, { -29, 0x1p-29 },
		{ 17, 131072.0 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(ntp_log2_to_sec(v[i].log2) == v[i].sec,
		    "2^%d: got %.17g", v[i].log2, ntp_log2_to_sec(v[i].log2));
}
END_TEST

START_TEST(test_fx_to_sec_and_ns)
{
	static const struct {
		int64_t		fx;
		double		sec;
		int64_t		ns;
	} v[] = {
		{ 0, 0.0, 0 },
		{ 0x80000000LL, 0.5, 500000000 },
		{ -0x80000000LL, -0.5, -500000000 },
		{ 0x180000000LL, 1.5, 1500000000 },
		{ -0x180000000LL, -1.5, -1500000000 },
		/* 1 s + 2^-32 s: the 0.23 ns is dropped (toward zero) */
		{ 0x100000001LL, 1.0 + 0x1p-32, 1000000000 },
		{ -0x100000001LL, -1.0 - 0x1p-32, -1000000000 },
		/* 3 years of 365 days = 94608000 s */
		{ 94608000LL << 32, 94608000.0, 94608000000000000LL },
		{ -(94608000LL << 32), -94608000.0, -94608000000000000LL },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_msg(ntp_fx_to_sec(v[i].fx) == v[i].sec,
		    "case %zu: %.17g", i, ntp_fx_to_sec(v[i].fx));
		ck_assert_msg(ntp_fx_to_ns(v[i].fx) == v[i].ns,
		    "case %zu: %" PRId64, i, ntp_fx_to_ns(v[i].fx));
	}
}
END_TEST

START_TEST(test_ns_timespec_normalised)
{
	static const struct {
		int64_t		ns;
		int64_t		sec;
		long		nsec;
	} v[] = {
		{ 0, 0, 0 }, { 1, 0, 1 }, { -1, -1, 999999999 },
		{ -1000000000LL, -1, 0 }, { -1500000000LL, -2, 500000000 },
		{ 1767225600123456789LL, 1767225600LL, 123456789 },
	};
	struct timespec out;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ntp_ns_to_timespec(v[i].ns, &out);
		ck_assert_int_eq(out.tv_sec, v[i].sec);
		ck_assert_int_eq(out.tv_nsec, v[i].nsec);
		ck_assert_int_eq(ntp_timespec_to_ns(&out), v[i].ns);
	}
}
END_TEST

START_TEST(test_timespec_elapsed)
{
	struct timespec a = mkts(10, 900000000), b = mkts(12, 150000000);

	ck_assert_double_eq_tol(ntp_timespec_elapsed(&a, &b), 1.25, 1e-12);
	ck_assert_double_eq_tol(ntp_timespec_elapsed(&b, &a), -1.25, 1e-12);
}
END_TEST

static Suite *
ts_suite(void)
{
	Suite *s = suite_create("ntp_ts");
	TCase *tc = tcase_create("ts");

	tcase_add_loop_test(tc, test_from_timespec_vectors, 0, N_TS_VECS);
	tcase_add_loop_test(tc, test_to_timespec_vectors, 0, N_TS_VECS);
	tcase_add_loop_test(tc, test_roundtrip_vectors_exact, 0, N_TS_VECS);
	tcase_add_test(tc, test_roundtrip_every_ns_exact);
	tcase_add_test(tc, test_unix_epoch_is_ntp_2208988800);
	tcase_add_test(tc, test_era1_starts_at_ntp_zero);
	tcase_add_test(tc, test_fraction_to_ns);
	tcase_add_test(tc, test_half_second_is_0x80000000);
	tcase_add_test(tc, test_diff_signed_across_era);
	tcase_add_loop_test(tc, test_to_unix_ns_pivot_era, 0, N_PIVOT_VECS);
	tcase_add_test(tc, test_pivot_is_max_of_local_and_build);
	tcase_add_test(tc, test_1970_clock_places_2040_in_2040);
	tcase_add_test(tc, test_short_format);
	tcase_add_test(tc, test_log2_to_sec);
	tcase_add_test(tc, test_fx_to_sec_and_ns);
	tcase_add_test(tc, test_ns_timespec_normalised);
	tcase_add_test(tc, test_timespec_elapsed);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
