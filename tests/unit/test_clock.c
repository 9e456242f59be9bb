/*
 * Unit tests for lib/ntp_clock.c: the step/slew decision and the step and
 * slew calls, through a fake ntp_clock_ops that records what it is asked.
 */
#include <sys/time.h>

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntp_clock.h"
#include "ntp_reason.h"

/* A fake clock: a fixed "now", canned results, a record of calls. */
struct fake {
	struct timespec	now;
	int		get_rc, set_rc, adj_rc;
	int		ngettime, nsettime, nadjtime;
	struct timespec	set;
	struct timeval	adj;
};

static int
fake_gettime(void *ctx, struct timespec *now)
{
	struct fake *f = ctx;

	f->ngettime++;
	if (f->get_rc != 0) {
		errno = EPERM;
		return f->get_rc;
	}
	*now = f->now;
	return 0;
}

static int
fake_settime(void *ctx, const struct timespec *ts)
{
	struct fake *f = ctx;

	f->nsettime++;
	f->set = *ts;
	if (f->set_rc != 0)
		errno = EPERM;
	return f->set_rc;
}

static int
fake_adjtime(void *ctx, const struct timeval *delta)
{
	struct fake *f = ctx;

	f->nadjtime++;
	f->adj = *delta;
	if (f->adj_rc != 0)
		errno = EPERM;
	return f->adj_rc;
}

static struct ntp_clock_ops
fake_ops(struct fake *f, int64_t sec, long nsec)
{
	struct ntp_clock_ops ops;

	memset(f, 0, sizeof(*f));
	f->now.tv_sec = (time_t)sec;
	f->now.tv_nsec = nsec;
	ops.gettime = fake_gettime;
	ops.settime = fake_settime;
	ops.adjtime = fake_adjtime;
	ops.ctx = f;
	return ops;
}

struct decide_vec {
	double			offset;
	enum ntp_adj_mode	mode;
	double			threshold;
	int			rc;
	enum ntp_adj_kind	kind;
	const char		*what;
};

static const struct decide_vec decide_vecs[] = {
	{ 0.1, NTP_ADJ_AUTO, 0.5, 0, NTP_DO_SLEW, "0.1 auto: slew" },
	{ -0.1, NTP_ADJ_AUTO, 0.5, 0, NTP_DO_SLEW, "-0.1 auto: slew" },
	{ 0.4999, NTP_ADJ_AUTO, 0.5, 0, NTP_DO_SLEW, "0.4999 auto: slew" },
	{ 0.5, NTP_ADJ_AUTO, 0.5, 0, NTP_DO_STEP, "0.5 auto: step" },
	{ -0.7, NTP_ADJ_AUTO, 0.5, 0, NTP_DO_STEP, "-0.7 auto: step" },
	{ 3000.0, NTP_ADJ_AUTO, 0.5, 0, NTP_DO_STEP, "3000 auto: step" },
	{ 0.2, NTP_ADJ_AUTO, 0.128, 0, NTP_DO_STEP, "0.2, threshold 0.128" },
	{ 0.1, NTP_ADJ_STEP, 0.5, 0, NTP_DO_STEP, "0.1 forced step" },
	{ 0.0, NTP_ADJ_STEP, 0.5, 0, NTP_DO_STEP, "0 forced step" },
	{ 3000.0, NTP_ADJ_SLEW, 0.5, NTP_R_SLEW_TOO_BIG, NTP_DO_SLEW,
	    "3000 forced slew: too big" },
	{ -3000.0, NTP_ADJ_SLEW, 0.5, NTP_R_SLEW_TOO_BIG, NTP_DO_SLEW,
	    "-3000 forced slew: too big" },
	{ 2145.5, NTP_ADJ_SLEW, 0.5, NTP_R_SLEW_TOO_BIG, NTP_DO_SLEW,
	    "2145.5 forced slew: too big" },
	{ 2145.0, NTP_ADJ_SLEW, 0.5, 0, NTP_DO_SLEW, "2145 forced slew" },
	{ 100.0, NTP_ADJ_SLEW, 0.5, 0, NTP_DO_SLEW, "100 forced slew" },
	{ -100.0, NTP_ADJ_SLEW, 0.5, 0, NTP_DO_SLEW, "-100 forced slew" },
	/* A NaN offset is never slewed. */
	{ NAN, NTP_ADJ_SLEW, 0.5, NTP_R_SLEW_TOO_BIG, NTP_DO_SLEW,
	    "NaN forced slew" },
	{ NAN, NTP_ADJ_AUTO, 0.5, NTP_R_SLEW_TOO_BIG, NTP_DO_SLEW,
	    "NaN auto" },
};
#define N_DECIDE_VECS	\
	((int)(sizeof(decide_vecs) / sizeof(decide_vecs[0])))

START_TEST(test_decide_step_or_slew)
{
	const struct decide_vec *v = &decide_vecs[_i];
	enum ntp_adj_kind kind = v->kind == NTP_DO_STEP ? NTP_DO_SLEW :
	    NTP_DO_STEP;
	int rc;

	rc = ntp_clock_decide(v->offset, v->mode, v->threshold, &kind);
	ck_assert_msg(rc == v->rc, "%s: rc %d", v->what, rc);
	ck_assert_msg(kind == v->kind, "%s: kind %d", v->what, (int)kind);
}
END_TEST

START_TEST(test_decide_default_threshold)
{
	enum ntp_adj_kind kind;

	ck_assert_double_eq(NTP_STEP_THRESHOLD, 0.5);
	ck_assert_int_eq(ntp_clock_decide(0.49, NTP_ADJ_AUTO,
	    NTP_STEP_THRESHOLD, &kind), 0);
	ck_assert_int_eq(kind, NTP_DO_SLEW);
}
END_TEST

struct step_vec {
	int64_t		now_sec;
	long		now_ns;
	int64_t		offset_ns;
	int64_t		want_sec;
	long		want_ns;
	const char	*what;
};

static const struct step_vec step_vecs[] = {
	{ 1767225600, 900000000, 200000000, 1767225601, 100000000,
	    "+0.2 s carries into the second" },
	{ 1767225600, 900000000, -950000000, 1767225599, 950000000,
	    "-0.95 s borrows a second" },
	{ 1767225600, 0, -1, 1767225599, 999999999, "-1 ns at .0" },
	{ 1767225600, 1, -2, 1767225599, 999999999, "-2 ns at .000000001" },
	{ 1767225600, 999999999, 1, 1767225601, 0, "+1 ns at .999999999" },
	{ 1767225600, 123456789, 0, 1767225600, 123456789, "zero" },
	{ 1767225600, 500000000, -2500000000LL, 1767225598, 0, "-2.5 s" },
	/* 1970 board, server in 2040: +2223756800.123456789 s */
	{ 1000000, 0, 2223756800123456789LL, 2224756800, 123456789,
	    "+70 years" },
	/* and back */
	{ 2224756800, 123456789, -2223756800123456789LL, 1000000, 0,
	    "-70 years" },
	{ 1000, 0, -2000500000000LL, -1001, 500000000, "to before 1970" },
};
#define N_STEP_VECS	((int)(sizeof(step_vecs) / sizeof(step_vecs[0])))

START_TEST(test_step_now_plus_offset)
{
	const struct step_vec *v = &step_vecs[_i];
	struct fake f;
	struct ntp_clock_ops ops = fake_ops(&f, v->now_sec, v->now_ns);
	struct timespec target = { 0, 0 };

	ck_assert_int_eq(ntp_clock_step(&ops, v->offset_ns, &target), 0);
	ck_assert_int_eq(f.ngettime, 1);
	ck_assert_int_eq(f.nsettime, 1);
	ck_assert_int_eq(f.nadjtime, 0);
	ck_assert_msg(f.set.tv_sec == v->want_sec &&
	    f.set.tv_nsec == v->want_ns, "%s: set %lld.%09ld", v->what,
	    (long long)f.set.tv_sec, f.set.tv_nsec);
	ck_assert_int_eq(target.tv_sec, v->want_sec);
	ck_assert_int_eq(target.tv_nsec, v->want_ns);
}
END_TEST

START_TEST(test_step_null_target)
{
	struct fake f;
	struct ntp_clock_ops ops = fake_ops(&f, 1767225600, 0);

	ck_assert_int_eq(ntp_clock_step(&ops, 500000000, NULL), 0);
	ck_assert_int_eq(f.set.tv_sec, 1767225600);
	ck_assert_int_eq(f.set.tv_nsec, 500000000);
}
END_TEST

START_TEST(test_step_gettime_fails)
{
	struct fake f;
	struct ntp_clock_ops ops = fake_ops(&f, 1767225600, 0);

	f.get_rc = -1;
	ck_assert_int_eq(ntp_clock_step(&ops, 500000000, NULL), -1);
	ck_assert_int_eq(f.nsettime, 0);
}
END_TEST

START_TEST(test_step_settime_fails)
{
	struct fake f;
	struct ntp_clock_ops ops = fake_ops(&f, 1767225600, 0);

	f.set_rc = -1;
	errno = 0;
	ck_assert_int_eq(ntp_clock_step(&ops, 500000000, NULL), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(f.nsettime, 1);
}
END_TEST

struct slew_vec {
	int64_t		offset_ns;
	int64_t		sec;
	long		usec;
	const char	*what;
};

/* tv_usec stays in [0, 1e6): a negative delta has a negative tv_sec. */
static const struct slew_vec slew_vecs[] = {
	{ 100000000, 0, 100000, "+0.1 s" },
	{ -100000000, -1, 900000, "-0.1 s" },
	{ 2500000000LL, 2, 500000, "+2.5 s" },
	{ -2500000000LL, -3, 500000, "-2.5 s" },
	{ -2000000000LL, -2, 0, "-2 s" },
	{ 0, 0, 0, "zero" },
	{ 999, 0, 0, "+999 ns: under a microsecond" },
	{ -1500, -1, 999999, "-1.5 us: -1 us" },
	{ 2145000000000LL, 2145, 0, "+2145 s: the limit" },
	{ -2145000000000LL, -2145, 0, "-2145 s: the limit" },
};
#define N_SLEW_VECS	((int)(sizeof(slew_vecs) / sizeof(slew_vecs[0])))

START_TEST(test_slew_timeval)
{
	const struct slew_vec *v = &slew_vecs[_i];
	struct fake f;
	struct ntp_clock_ops ops = fake_ops(&f, 1767225600, 0);

	ck_assert_int_eq(ntp_clock_slew(&ops, v->offset_ns), 0);
	ck_assert_int_eq(f.nadjtime, 1);
	ck_assert_int_eq(f.nsettime, 0);
	ck_assert_msg(f.adj.tv_sec == v->sec && f.adj.tv_usec == v->usec,
	    "%s: got {%lld, %ld}", v->what, (long long)f.adj.tv_sec,
	    (long)f.adj.tv_usec);
}
END_TEST

START_TEST(test_slew_refuses_over_2145)
{
	static const int64_t bad[] = { 2145000001000LL, -2145000001000LL,
	    3000000000000LL, -3000000000000LL, INT64_MAX, INT64_MIN };
	struct fake f;
	struct ntp_clock_ops ops;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ops = fake_ops(&f, 1767225600, 0);
		errno = 0;
		ck_assert_int_eq(ntp_clock_slew(&ops, bad[i]), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(f.nadjtime, 0);
		ck_assert_int_eq(f.nsettime, 0);
	}
}
END_TEST

START_TEST(test_slew_adjtime_fails)
{
	struct fake f;
	struct ntp_clock_ops ops = fake_ops(&f, 1767225600, 0);

	f.adj_rc = -1;
	errno = 0;
	ck_assert_int_eq(ntp_clock_slew(&ops, 100000000), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(f.nadjtime, 1);
}
END_TEST

/* The real ops exist; only the harmless one is called. */
START_TEST(test_system_ops_present)
{
	const struct ntp_clock_ops *ops = ntp_clock_system();
	struct timespec a, b;

	ck_assert_ptr_nonnull(ops);
	ck_assert_ptr_nonnull(ops->gettime);
	ck_assert_ptr_nonnull(ops->settime);
	ck_assert_ptr_nonnull(ops->adjtime);
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &a), 0);
	ck_assert_int_eq(ops->gettime(ops->ctx, &b), 0);
	ck_assert_int_ge(b.tv_sec, a.tv_sec);
	ck_assert_int_le(b.tv_sec, a.tv_sec + 5);
}
END_TEST

static Suite *
clock_suite(void)
{
	Suite *s = suite_create("ntp_clock");
	TCase *tc = tcase_create("clock");

	tcase_add_loop_test(tc, test_decide_step_or_slew, 0, N_DECIDE_VECS);
	tcase_add_test(tc, test_decide_default_threshold);
	tcase_add_loop_test(tc, test_step_now_plus_offset, 0, N_STEP_VECS);
	tcase_add_test(tc, test_step_null_target);
	tcase_add_test(tc, test_step_gettime_fails);
	tcase_add_test(tc, test_step_settime_fails);
	tcase_add_loop_test(tc, test_slew_timeval, 0, N_SLEW_VECS);
	tcase_add_test(tc, test_slew_refuses_over_2145);
	tcase_add_test(tc, test_slew_adjtime_fails);
	tcase_add_test(tc, test_system_ops_present);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(clock_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
