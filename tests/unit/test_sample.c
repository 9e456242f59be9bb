/*
 * Unit tests for lib/ntp_sample.c: offset and delay from T1..T4, the
 * era-resolved offset, dispersion and root distance (the checks are in
 * test_check.c).
 *
 * Expected values are worked out by hand (timestamps chosen as sums of
 * powers of two so that 32.32 and nanoseconds are both exact); calendar
 * seconds and the hex forms of timestamps come from Python's datetime.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_pkt.h"
#include "ntp_reason.h"
#include "ntp_sample.h"
#include "ntp_ts.h"

#define NS		1000000000LL
#define FX_SEC		4294967296LL		/* 1 s in 32.32 */
#define UNIX_2026	1767225600LL		/* 2026-01-01T00:00:00Z */
#define NTP_2026	0xed00378000000000ULL	/* the same, on the wire */
#define UNIX_ERA1	2085978496LL		/* 2036-02-07T06:28:16Z */
#define UNIX_2040_07_01	2224756800LL		/* 2040-07-01T12Z */
#define YEARS3		94608000LL		/* 3 * 365 * 86400 s */

static struct timespec
mkts(int64_t sec, long nsec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = nsec;
	return ts;
}

/* ---- ntp_offset_delay ------------------------------------------------ */

struct od_vec {
	uint64_t	t1, t2, t3, t4;
	int64_t		offset_fx, delay_fx;
	const char	*what;
};

/*
 * B = 2026-01-01T00:00:00Z.  In each case the server's clock is off by
 * theta, the path takes delta/2 each way and the server holds the request
 * for a known time; theta and delta are then the expected values.
 */
static const struct od_vec od_vecs[] = {
	{ NTP_2026, NTP_2026, NTP_2026, NTP_2026, 0, 0, "all equal" },
	/* theta +0.25, one way 0.0625, server holds 0.0078125:
	 * T2 = B+0.3125, T3 = B+0.3203125, T4 = B+0.1328125 */
	{ NTP_2026, NTP_2026 + 0x50000000, NTP_2026 + 0x52000000,
	    NTP_2026 + 0x22000000, 0x40000000, 0x20000000, "+0.25 s" },
	/* theta -1.5, one way 0.015625, server holds 2^-9:
	 * T2 = B-1.484375, T3 = T2+0.001953125, T4 = B+0.033203125 */
	{ NTP_2026, NTP_2026 - 0x17c000000ULL, NTP_2026 - 0x17b800000ULL,
	    NTP_2026 + 0x08800000, -0x180000000LL, 0x08000000, "-1.5 s" },
	/* theta 16 units (3.7 ns), delta 32 units */
	{ NTP_2026, NTP_2026 + 0x20, NTP_2026 + 0x20, NTP_2026 + 0x20,
	    0x10, 0x20, "sub-microsecond" },
	/* theta -16 units, delta 0 */
	{ NTP_2026, NTP_2026 - 0x10, NTP_2026 - 0x10, NTP_2026,
	    -0x10, 0, "negative sub-microsecond" },
	/* server 3 years ahead: T2 = B+3y+0.5, T3 = T2+0.25, T4 = B+1.25 */
	{ NTP_2026, NTP_2026 + ((uint64_t)YEARS3 << 32) + 0x80000000ULL,
	    NTP_2026 + ((uint64_t)YEARS3 << 32) + 0xc0000000ULL,
	    NTP_2026 + 0x140000000ULL, YEARS3 << 32, 0x100000000LL,
	    "+3 years" },
	/* server 3 years behind, same path */
	{ NTP_2026, NTP_2026 - ((uint64_t)YEARS3 << 32) + 0x80000000ULL,
	    NTP_2026 - ((uint64_t)YEARS3 << 32) + 0xc0000000ULL,
	    NTP_2026 + 0x140000000ULL, -(YEARS3 << 32), 0x100000000LL,
	    "-3 years" },
	/* T1 06:28:15.5, T2 06:28:16.25, T3 06:28:16.375, T4 06:28:15.9375:
	 * theta = (0.75 + 0.4375) / 2 = 0.59375, delta = 0.4375 - 0.125 */
	{ 0xffffffff80000000ULL, 0x0000000040000000ULL,
	    0x0000000060000000ULL, 0xfffffffff0000000ULL,
	    0x98000000LL, 0x50000000LL, "across the 2036 wrap" },
	/* T1 16.25, T2 = T3 15.875, T4 16.5 (era 1 client, era 0 server):
	 * theta = (-0.375 - 0.625) / 2 = -0.5, delta = 0.25 */
	{ 0x0000000040000000ULL, 0xffffffffe0000000ULL,
	    0xffffffffe0000000ULL, 0x0000000080000000ULL,
	    -0x80000000LL, 0x40000000LL, "across the wrap, backwards" },
};
#define N_OD_VECS	((int)(sizeof(od_vecs) / sizeof(od_vecs[0])))

START_TEST(test_offset_delay_vectors)
{
	const struct od_vec *v = &od_vecs[_i];
	int64_t off = 12345, del = 12345;

	ck_assert_int_eq(ntp_offset_delay(v->t1, v->t2, v->t3, v->t4, &off,
	    &del), 0);
	ck_assert_msg(off == v->offset_fx, "%s: offset %" PRId64 " want %"
	    PRId64, v->what, off, v->offset_fx);
	ck_assert_msg(del == v->delay_fx, "%s: delay %" PRId64 " want %"
	    PRId64, v->what, del, v->delay_fx);
}
END_TEST

/* (T4 - T1) - (T3 - T2) that does not fit 64 bits is refused. */
START_TEST(test_offset_delay_overflow)
{
	int64_t off, del;

	ck_assert_int_eq(ntp_offset_delay(0, 0x8000000000000000ULL, 0,
	    0x7fffffffffffffffULL, &off, &del), NTP_R_DELAY);
}
END_TEST

/* ---- ntp_sample_make ------------------------------------------------- */

static void
reply_times(struct ntp_pkt *p, uint64_t t2, uint64_t t3)
{
	memset(p, 0, sizeof(*p));
	p->leap = NTP_LEAP_NONE;
	p->version = 4;
	p->mode = NTP_MODE_SERVER;
	p->stratum = 2;
	p->precision = -20;
	p->refid = 0xc0000201U;
	p->rec = t2;
	p->xmt = t3;
}

/* The +0.25 s vector above, with root delay 1/32 s, root disp 1/64 s. */
START_TEST(test_sample_make_fields)
{
	struct timespec t1 = mkts(UNIX_2026, 0);
	struct timespec t4 = mkts(UNIX_2026, 132812500);
	struct ntp_pkt p;
	struct ntp_sample s;
	/* 2^-20 (server) + 2^-23 (local) */
	const double prec = 1.0728836059570312e-06;

	reply_times(&p, NTP_2026 + 0x50000000, NTP_2026 + 0x52000000);
	p.rootdelay = 0x00000800U;
	p.rootdisp = 0x00000400U;
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -23, &s), 0);
	ck_assert_uint_eq(s.t1, NTP_2026);
	ck_assert_uint_eq(s.t2, NTP_2026 + 0x50000000);
	ck_assert_uint_eq(s.t3, NTP_2026 + 0x52000000);
	ck_assert_uint_eq(s.t4, NTP_2026 + 0x22000000);
	ck_assert_int_eq(s.local.tv_sec, UNIX_2026);
	ck_assert_int_eq(s.local.tv_nsec, 132812500);
	ck_assert_int_eq(s.offset_ns, 250000000);
	ck_assert_double_eq(s.offset, 0.25);
	ck_assert_double_eq(s.delay, 0.125);
	ck_assert_double_eq(s.rootdelay, 0.03125);
	ck_assert_double_eq(s.rootdisp, 0.015625);
	/* epsilon = 2^-20 + 2^-23 + PHI * 0.125 */
	ck_assert_double_eq_tol(s.disp, prec + 15e-6 * 0.125, 1e-15);
	/* error = delta / 2 + precision terms */
	ck_assert_double_eq_tol(s.error, 0.0625 + prec, 1e-15);
	/* lambda = (1/32 + 1/8) / 2 + 1/64 + epsilon = 0.09375 + epsilon */
	ck_assert_double_eq_tol(s.rootdist, 0.093752947883605955, 1e-15);
	ck_assert_int_eq(s.stratum, 2);
	ck_assert_int_eq(s.leap, 0);
	ck_assert_int_eq(s.precision, -20);
	ck_assert_uint_eq(s.refid, 0xc0000201U);
}
END_TEST

/* ntpdate -e: T1 taken as bias s later.  The +0.25 s, 0.125 s vector. */
struct bias_vec {
	double		bias;
	int64_t		offset_ns;
	double		delay;
	const char	*what;
};

static const struct bias_vec bias_vecs[] = {
	{ 0, 250000000, 0.125, "no bias" },
	{ 0.025, 237500000, 0.1, "bias under the round trip" },
	{ 0.125, 187500000, 0, "bias equal to the round trip" },
	{ 0.5, 0, 0, "bias over the round trip: delay 0, not negative" },
	{ 1.0, 250000000, 0.125, "a second or more: ignored" },
	{ -0.1, 250000000, 0.125, "negative: ignored" },
};
#define N_BIAS_VECS	((int)(sizeof(bias_vecs) / sizeof(bias_vecs[0])))

START_TEST(test_sample_make_biased)
{
	const struct bias_vec *v = &bias_vecs[_i];
	struct timespec t1 = mkts(UNIX_2026, 0);
	struct timespec t4 = mkts(UNIX_2026, 132812500);
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, NTP_2026 + 0x50000000, NTP_2026 + 0x52000000);
	ck_assert_int_eq(ntp_sample_make_biased(&p, &t1, &t4, -23, v->bias,
	    &s), 0);
	ck_assert_msg(s.offset_ns == v->offset_ns, "%s: offset %lld ns",
	    v->what, (long long)s.offset_ns);
	ck_assert_msg(fabs(s.delay - v->delay) < 1e-12, "%s: delay %.9f",
	    v->what, s.delay);
	ck_assert_uint_eq(s.t1, NTP_2026);	/* the real T1 */
	ck_assert_double_eq_tol(s.error, s.delay / 2 + 1.0728836059570312e-06,
	    1e-15);
}
END_TEST

/*
 * chronyd with "local stratum 10" sends root delay and dispersion 0: the
 * root distance is still at least MINDISP / 2.  delta = 2^-8 s,
 * theta = -2^-9 s, both precisions 2^-23.
 */
START_TEST(test_rootdist_zero_root_is_mindisp_half)
{
	struct timespec t1 = mkts(UNIX_2026, 0), t4 = mkts(UNIX_2026, 3906250);
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, NTP_2026, NTP_2026);
	p.stratum = 10;
	p.precision = -23;
	p.refid = 0x7f7f0101U;
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -23, &s), 0);
	ck_assert_double_eq(s.delay, 0.00390625);
	ck_assert_int_eq(s.offset_ns, -1953125);
	ck_assert_double_eq(s.rootdelay, 0);
	ck_assert_double_eq(s.rootdisp, 0);
	/* 0.01 / 2 + 2^-22 + PHI * 2^-8 */
	ck_assert_double_eq_tol(s.rootdist, 0.0050002970123291021, 1e-15);
	ck_assert_double_ge(s.rootdist, NTP_MINDISP / 2);
}
END_TEST

/* A delay of exactly zero: lambda = MINDISP / 2 + precision terms. */
START_TEST(test_rootdist_zero_delay)
{
	struct timespec t1 = mkts(UNIX_2026, 0), t4 = t1;
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, NTP_2026 + 0x80000000ULL, NTP_2026 + 0x80000000ULL);
	p.precision = -10;
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -10, &s), 0);
	ck_assert_double_eq(s.delay, 0);
	ck_assert_int_eq(s.offset_ns, 500000000);
	ck_assert_double_eq_tol(s.disp, 0x1p-9, 1e-15);
	ck_assert_double_eq_tol(s.error, 0x1p-9, 1e-15);
	ck_assert_double_eq_tol(s.rootdist, 0.005 + 0x1p-9, 1e-15);
}
END_TEST

struct era_vec {
	int64_t		t1_sec;
	long		t1_ns;
	int64_t		t4_sec;
	long		t4_ns;
	uint64_t	t2, t3;
	int64_t		offset_ns;
	double		delay;
	const char	*what;
};

static const struct era_vec era_vecs[] = {
	/* Local 1970-01-12T13:46:40, server 2040-07-01T12:00:00.0625 at
	 * T2 = T3; delta 0.125: theta = 2223756800 s, over 2^31 s. */
	{ 1000000, 0, 1000000, 125000000, 0x084596c010000000ULL,
	    0x084596c010000000ULL, 2223756800000000000LL, 0.125,
	    "1970 clock, 2040 server" },
	/* Local 1970, server 2026-01-01T00:00:00.125: 56 years, no wrap. */
	{ 1000000, 0, 1000000, 250000000, 0xed00378020000000ULL,
	    0xed00378020000000ULL, 1766225600000000000LL, 0.25,
	    "1970 clock, 2026 server" },
	/* 2026 clock, server 3 years ahead and behind. */
	{ UNIX_2026, 0, UNIX_2026, 250000000, 0xf2a3d20020000000ULL,
	    0xf2a3d20020000000ULL, YEARS3 * NS, 0.25, "+3 years" },
	{ UNIX_2026, 0, UNIX_2026, 250000000, 0xe75c9d0020000000ULL,
	    0xe75c9d0020000000ULL, -YEARS3 * NS, 0.25, "-3 years" },
	/* T1/T4 just before the 2036 wrap, T2/T3 just after. */
	{ UNIX_ERA1 - 1, 500000000, UNIX_ERA1 - 1, 937500000,
	    0x0000000040000000ULL, 0x0000000060000000ULL, 593750000, 0.3125,
	    "era 0 clock, era 1 server" },
	/* T1/T4 just after, T2/T3 just before. */
	{ UNIX_ERA1, 250000000, UNIX_ERA1, 500000000,
	    0xffffffffe0000000ULL, 0xffffffffe0000000ULL, -500000000, 0.25,
	    "era 1 clock, era 0 server" },
	/* Both in era 1 (2040), offset +1.5 s. */
	{ UNIX_2040_07_01, 0, UNIX_2040_07_01, 500000000,
	    0x084596c1c0000000ULL, 0x084596c1c0000000ULL, 1500000000, 0.5,
	    "era 1 both" },
};
#define N_ERA_VECS	((int)(sizeof(era_vecs) / sizeof(era_vecs[0])))

START_TEST(test_era_offset_resolved)
{
	const struct era_vec *v = &era_vecs[_i];
	struct timespec t1 = mkts(v->t1_sec, v->t1_ns);
	struct timespec t4 = mkts(v->t4_sec, v->t4_ns);
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, v->t2, v->t3);
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	ck_assert_msg(s.offset_ns == v->offset_ns, "%s: offset_ns %" PRId64
	    " want %" PRId64, v->what, s.offset_ns, v->offset_ns);
	ck_assert_double_eq_tol(s.offset, (double)v->offset_ns / 1e9,
	    fabs((double)v->offset_ns) * 1e-15 + 1e-12);
	ck_assert_double_eq(s.delay, v->delay);
}
END_TEST

/*
 * The plain signed difference is 2^32 s off for the 1970/2040 case; the
 * build-date pivot puts it right.
 */
START_TEST(test_era_1970_clock_2040_server_plain_diff_wraps)
{
	struct timespec t1 = mkts(1000000, 0), t4 = mkts(1000000, 125000000);
	struct ntp_pkt p;
	struct ntp_sample s;
	int64_t off, del;

	reply_times(&p, 0x084596c010000000ULL, 0x084596c010000000ULL);
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	ck_assert_int_eq(ntp_offset_delay(s.t1, s.t2, s.t3, s.t4, &off,
	    &del), 0);
	/* 2223756800 - 2^32 = -2071210496 s */
	ck_assert_int_eq(off, -2071210496LL * FX_SEC);
	ck_assert_int_eq(s.offset_ns - ntp_fx_to_ns(off), FX_SEC * NS);
	ck_assert_int_eq(s.offset_ns, 2223756800000000000LL);
}
END_TEST

/* delta = 0.001 - 0.00390625 s, far beyond 2^-20 + 2^-20. */
START_TEST(test_reject_negative_delay)
{
	struct timespec t1 = mkts(UNIX_2026, 0), t4 = mkts(UNIX_2026, 1000000);
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, NTP_2026 + 0x80000000ULL, NTP_2026 + 0x81000000ULL);
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), NTP_R_DELAY);
}
END_TEST

/* delta = -2^-21 s, within the precision: accepted as zero. */
START_TEST(test_negative_delay_within_precision_is_zero)
{
	struct timespec t1 = mkts(UNIX_2026, 0), t4 = t1;
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, NTP_2026 + 0x80000000ULL, NTP_2026 + 0x80000800ULL);
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	ck_assert_double_eq(s.delay, 0);
}
END_TEST

/* A 9 s round trip is not a measurement. */
START_TEST(test_reject_absurd_delay)
{
	struct timespec t1 = mkts(UNIX_2026, 0), t4 = mkts(UNIX_2026 + 9, 0);
	struct ntp_pkt p;
	struct ntp_sample s;

	reply_times(&p, NTP_2026 + 0x100000000ULL, NTP_2026 + 0x100000000ULL);
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), NTP_R_DELAY);
}
END_TEST

static Suite *
sample_suite(void)
{
	Suite *s = suite_create("ntp_sample");
	TCase *math = tcase_create("math");

	tcase_add_loop_test(math, test_offset_delay_vectors, 0, N_OD_VECS);
	tcase_add_test(math, test_offset_delay_overflow);
	tcase_add_test(math, test_sample_make_fields);
	tcase_add_loop_test(math, test_sample_make_biased, 0, N_BIAS_VECS);
	tcase_add_test(math, test_rootdist_zero_root_is_mindisp_half);
	tcase_add_test(math, test_rootdist_zero_delay);
	tcase_add_loop_test(math, test_era_offset_resolved, 0, N_ERA_VECS);
	tcase_add_test(math, test_era_1970_clock_2040_server_plain_diff_wraps);
	tcase_add_test(math, test_reject_negative_delay);
	tcase_add_test(math, test_negative_delay_within_precision_is_zero);
	tcase_add_test(math, test_reject_absurd_delay);
	suite_add_tcase(s, math);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sample_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
