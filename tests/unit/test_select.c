/*
 * Unit tests for lib/ntp_select.c: the best sample of a server, and the
 * choice among servers (RFC 5905 §11.2.1 intersection, truechimers by
 * interval overlap, then stratum, root distance, delay; nothing without
 * a majority; §11.2.3 combine).
 *
 * The randomised test prints its seed; run with SEED=n to replay it.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntp_reason.h"
#include "ntp_sample.h"
#include "ntp_select.h"

static uint64_t seed;

static struct ntp_cand
cand(double offset, double rootdist, double delay, int stratum)
{
	struct ntp_cand c;

	memset(&c, 0, sizeof(c));
	c.offset = offset;
	c.offset_ns = llround(offset * 1e9);
	c.rootdist = rootdist;
	c.delay = delay;
	c.stratum = stratum;
	c.reason = NTP_OK;
	return c;
}

START_TEST(test_best_sample_min_delay)
{
	static const double delays[] = { 0.05, 0.03, 0.021, 0.02, 0.9 };
	struct ntp_sample s[5];
	size_t i;

	memset(s, 0, sizeof(s));
	for (i = 0; i < 5; i++) {
		s[i].delay = delays[i];
		s[i].offset = (double)i;
	}
	ck_assert_int_eq(ntp_best_sample(s, 5), 3);
	ck_assert_int_eq(ntp_best_sample(s, 3), 2);
	ck_assert_int_eq(ntp_best_sample(s, 1), 0);
}
END_TEST

START_TEST(test_best_sample_tie_first)
{
	struct ntp_sample s[3];

	memset(s, 0, sizeof(s));
	s[0].delay = 0.04;
	s[1].delay = 0.01;
	s[2].delay = 0.01;
	ck_assert_int_eq(ntp_best_sample(s, 3), 1);
}
END_TEST

START_TEST(test_best_sample_none)
{
	ck_assert_int_eq(ntp_best_sample(NULL, 0), -1);
}
END_TEST

START_TEST(test_select_one_server)
{
	struct ntp_cand c[1];
	struct ntp_selection sel;

	c[0] = cand(0.125, 0.0625, 0.02, 2);
	ck_assert_int_eq(ntp_select(c, 1, &sel), 0);
	ck_assert_int_eq(sel.chosen, 0);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_uint_eq(sel.usable, 1);
	ck_assert_uint_eq(sel.survivors, 1);
	ck_assert_double_eq(sel.low, 0.0625);
	ck_assert_double_eq(sel.high, 0.1875);
	ck_assert_int_eq(c[0].reason, NTP_OK);
}
END_TEST

/*
 * Three truechimers within 3 ms and one at +5 s.  The falseticker has
 * stratum 1, so it would win if it survived.  By hand: with one
 * falseticker allowed, the intersection is [max lower, min upper] of the
 * three = [-0.002 - 0.04, -0.002 + 0.04] = [-0.042, 0.038]; the choice is
 * the stratum 2 server with the smallest root distance, index 1.
 */
START_TEST(test_select_four_one_falseticker)
{
	struct ntp_cand c[4];
	struct ntp_selection sel;

	c[0] = cand(0.001, 0.05, 0.010, 2);
	c[1] = cand(-0.002, 0.04, 0.030, 2);
	c[2] = cand(0.0005, 0.06, 0.005, 2);
	c[3] = cand(5.0, 0.01, 0.001, 1);
	ck_assert_int_eq(ntp_select(c, 4, &sel), 1);
	ck_assert_int_eq(sel.chosen, 1);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_uint_eq(sel.usable, 4);
	ck_assert_uint_eq(sel.survivors, 3);
	ck_assert_double_eq_tol(sel.low, -0.042, 1e-12);
	ck_assert_double_eq_tol(sel.high, 0.038, 1e-12);
	ck_assert_int_eq(c[3].reason, NTP_R_FALSETICKER);
	ck_assert_int_eq(c[1].reason, NTP_OK);
	ck_assert_int_eq(c[0].reason, NTP_R_NOT_BEST);
	ck_assert_int_eq(c[2].reason, NTP_R_NOT_BEST);
}
END_TEST

/* The same with the falseticker below and first in the list. */
START_TEST(test_select_falseticker_below)
{
	struct ntp_cand c[4];
	struct ntp_selection sel;
	int r;

	c[0] = cand(-5.0, 0.01, 0.001, 1);
	c[1] = cand(0.001, 0.05, 0.010, 3);
	c[2] = cand(-0.002, 0.04, 0.030, 3);
	c[3] = cand(0.0005, 0.06, 0.005, 3);
	r = ntp_select(c, 4, &sel);
	ck_assert_int_eq(r, 2);
	ck_assert_int_eq(c[0].reason, NTP_R_FALSETICKER);
	ck_assert_uint_eq(sel.survivors, 3);
}
END_TEST

/*
 * Two servers 3 s apart: no majority, so nothing is chosen, whatever
 * their strata and delays (RFC 5905 §11.2.1; chrony: "no majority").
 */
START_TEST(test_select_two_disagree_nothing_chosen)
{
	struct ntp_cand c[2];
	struct ntp_selection sel;

	c[0] = cand(0.0, 0.01, 0.01, 3);
	c[1] = cand(3.0, 0.05, 0.05, 2);
	ck_assert_int_eq(ntp_select(c, 2, &sel), -1);
	ck_assert_int_eq(sel.chosen, -1);
	ck_assert_int_eq(sel.no_majority, 1);
	ck_assert_uint_eq(sel.usable, 2);
	ck_assert_uint_eq(sel.survivors, 0);
	ck_assert_int_eq(c[0].reason, NTP_R_NO_MAJORITY);
	ck_assert_int_eq(c[1].reason, NTP_R_NO_MAJORITY);
}
END_TEST

struct nomaj_vec {
	int		n;
	double		offset[5];
	int		stratum[5];
	const char	*what;
};

/* Root distance 0.05 s each: no m - f intervals share a point. */
static const struct nomaj_vec nomaj_vecs[] = {
	{ 2, { 0.25, 1.0 }, { 2, 2 }, "two, 0.75 s apart" },
	{ 3, { 0.0, 1.0, 2.0 }, { 1, 2, 3 }, "three, all apart" },
	{ 4, { 0.25, 0.25, 5.25, -4.75 }, { 2, 2, 1, 1 },
	    "two stratum 2 agree, two stratum 1 apart (issue case)" },
	{ 5, { 0.0, 0.0, 1.0, 1.0, 2.0 }, { 2, 2, 2, 2, 1 },
	    "five: two pairs and a loner" },
};
#define N_NOMAJ_VECS	((int)(sizeof(nomaj_vecs) / sizeof(nomaj_vecs[0])))

START_TEST(test_select_no_majority_table)
{
	const struct nomaj_vec *v = &nomaj_vecs[_i];
	struct ntp_cand c[5];
	struct ntp_selection sel;
	int i;

	for (i = 0; i < v->n; i++)
		c[i] = cand(v->offset[i], 0.05, 0.01, v->stratum[i]);
	ck_assert_msg(ntp_select(c, (size_t)v->n, &sel) == -1, "%s", v->what);
	ck_assert_msg(sel.no_majority == 1, "%s", v->what);
	ck_assert_uint_eq(sel.survivors, 0);
	for (i = 0; i < v->n; i++)
		ck_assert_msg(c[i].reason == NTP_R_NO_MAJORITY, "%s: %d",
		    v->what, i);
}
END_TEST

/*
 * The overlap case: +0.25 and +0.26 with root distance 0.1,
 * +0.40 stratum 1 with 0.2.  With one falseticker allowed the
 * intersection is [0.16, 0.36]; the third's interval [0.20, 0.60]
 * overlaps it, so it is a truechimer (ntpd), not a falseticker
 * (its midpoint is outside: the old rule).  Stratum 1: the system peer.
 */
START_TEST(test_select_overlap_is_truechimer)
{
	struct ntp_cand c[3];
	struct ntp_selection sel;

	c[0] = cand(0.25, 0.1, 0.001, 2);
	c[1] = cand(0.26, 0.1, 0.001, 2);
	c[2] = cand(0.40, 0.2, 0.001, 1);
	ck_assert_int_eq(ntp_select(c, 3, &sel), 2);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_uint_eq(sel.survivors, 3);
	ck_assert_double_eq_tol(sel.low, 0.16, 1e-12);
	ck_assert_double_eq_tol(sel.high, 0.36, 1e-12);
	ck_assert_int_eq(c[0].reason, NTP_R_NOT_BEST);
	ck_assert_int_eq(c[1].reason, NTP_R_NOT_BEST);
	/* Only the peer's stratum is combined: the stratum 1 alone. */
	ck_assert_uint_eq(sel.combined, 1);
	ck_assert_int_eq(sel.offset_ns, 400000000);
	ck_assert_double_eq(c[2].weight, 1.0);
	ck_assert_double_eq(c[0].weight, 0.0);
}
END_TEST

/*
 * Combine by hand: three stratum 2 survivors at +0.010, +0.012, +0.016
 * with root distances 0.01, 0.02, 0.04: weights 100, 50, 25 (of 175):
 * offset = (1.0 + 0.6 + 0.4) / 175 = 0.0114285714... s.  A stratum 3
 * survivor at +0.013 takes no part; the peer has the smallest root
 * distance.
 */
START_TEST(test_select_combine_weights)
{
	struct ntp_cand c[4];
	struct ntp_selection sel;

	c[0] = cand(0.016, 0.04, 0.001, 2);
	c[1] = cand(0.010, 0.01, 0.030, 2);
	c[2] = cand(0.013, 0.005, 0.001, 3);
	c[3] = cand(0.012, 0.02, 0.002, 2);
	ck_assert_int_eq(ntp_select(c, 4, &sel), 1);
	ck_assert_uint_eq(sel.survivors, 4);
	ck_assert_uint_eq(sel.combined, 3);
	ck_assert_double_eq_tol(c[1].weight, 100.0 / 175, 1e-12);
	ck_assert_double_eq_tol(c[3].weight, 50.0 / 175, 1e-12);
	ck_assert_double_eq_tol(c[0].weight, 25.0 / 175, 1e-12);
	ck_assert_double_eq(c[2].weight, 0.0);
	ck_assert_int_eq(sel.offset_ns, 11428571);
	ck_assert_double_eq_tol(sel.offset, 0.011428571, 1e-12);
}
END_TEST

/* Offsets of years combine to the ns: differences to the peer. */
START_TEST(test_select_combine_large_offsets_exact)
{
	struct ntp_cand c[2];
	struct ntp_selection sel;

	c[0] = cand(0, 0.02, 0.001, 2);
	c[0].offset_ns = 3000000000000000001LL;	/* ~95 years + 1 ns */
	c[0].offset = (double)c[0].offset_ns / 1e9;
	c[1] = c[0];
	c[1].offset_ns += 3;
	ck_assert_int_eq(ntp_select(c, 2, &sel), 0);
	/* The mean is 1.5 ns above the peer: rounded away from zero. */
	ck_assert_int_eq(sel.offset_ns, 3000000000000000003LL);
}
END_TEST

/* A lone stratum 1 among three agreeing stratum 2s, within their
 * intersection: it is the system peer, and alone in the combine. */
START_TEST(test_select_lone_stratum1_agreeing)
{
	struct ntp_cand c[4];
	struct ntp_selection sel;

	c[0] = cand(0.100, 0.05, 0.01, 2);
	c[1] = cand(0.102, 0.05, 0.01, 2);
	c[2] = cand(0.104, 0.05, 0.01, 2);
	c[3] = cand(0.110, 0.03, 0.01, 1);
	ck_assert_int_eq(ntp_select(c, 4, &sel), 3);
	ck_assert_uint_eq(sel.survivors, 4);
	ck_assert_uint_eq(sel.combined, 1);
	ck_assert_int_eq(sel.offset_ns, 110000000);
}
END_TEST

/* ... and a lone stratum 1 far from them is a falseticker. */
START_TEST(test_select_lone_stratum1_far)
{
	struct ntp_cand c[4];
	struct ntp_selection sel;

	c[0] = cand(0.100, 0.05, 0.01, 2);
	c[1] = cand(0.102, 0.05, 0.01, 2);
	c[2] = cand(0.104, 0.05, 0.01, 2);
	c[3] = cand(0.500, 0.03, 0.01, 1);
	ck_assert_int_eq(ntp_select(c, 4, &sel), 0);
	ck_assert_int_eq(c[3].reason, NTP_R_FALSETICKER);
	ck_assert_uint_eq(sel.combined, 3);
	ck_assert_int_eq(sel.offset_ns, 102000000);
}
END_TEST

/* Two that agree: a majority of two, both survive. */
START_TEST(test_select_two_agree)
{
	struct ntp_cand c[2];
	struct ntp_selection sel;

	c[0] = cand(0.01, 0.05, 0.02, 2);
	c[1] = cand(0.0, 0.05, 0.01, 3);
	ck_assert_int_eq(ntp_select(c, 2, &sel), 0);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_uint_eq(sel.survivors, 2);
	/* [max lower, min upper] = [-0.04, 0.05] */
	ck_assert_double_eq_tol(sel.low, -0.04, 1e-12);
	ck_assert_double_eq_tol(sel.high, 0.05, 1e-12);
	ck_assert_int_eq(c[1].reason, NTP_R_NOT_BEST);
}
END_TEST

/*
 * Intervals that overlap but whose offsets lie outside the overlap
 * ([-0.05, 0.05] and [0.01, 0.11]) are no majority (RFC 5905 §11.2.1:
 * more midpoints outside than falsetickers allowed): nothing chosen.
 */
START_TEST(test_select_two_overlap_midpoints_outside)
{
	struct ntp_cand c[2];
	struct ntp_selection sel;

	c[0] = cand(0.0, 0.05, 0.04, 2);
	c[1] = cand(0.06, 0.05, 0.02, 2);
	ck_assert_int_eq(ntp_select(c, 2, &sel), -1);
	ck_assert_int_eq(sel.no_majority, 1);
	ck_assert_uint_eq(sel.survivors, 0);
	ck_assert_int_eq(c[0].reason, NTP_R_NO_MAJORITY);
}
END_TEST

/*
 * Three: 0 and 0.001 agree, intersection [-0.048, 0.05]; 0.06's offset is
 * outside it but its interval [0.01, 0.11] overlaps it: a truechimer, and
 * of stratum 1 the system peer.  At 0.2 it would be a falseticker.
 */
START_TEST(test_select_three_interval_overlap_survives)
{
	struct ntp_cand c[3];
	struct ntp_selection sel;

	c[0] = cand(0.0, 0.05, 0.04, 3);
	c[1] = cand(0.001, 0.049, 0.05, 3);
	c[2] = cand(0.06, 0.05, 0.01, 1);
	ck_assert_int_eq(ntp_select(c, 3, &sel), 2);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_double_eq_tol(sel.low, -0.048, 1e-12);
	ck_assert_double_eq_tol(sel.high, 0.05, 1e-12);
	ck_assert_uint_eq(sel.survivors, 3);
	ck_assert_int_eq(c[0].reason, NTP_R_NOT_BEST);
	c[0] = cand(0.0, 0.05, 0.04, 3);
	c[1] = cand(0.001, 0.049, 0.05, 3);
	c[2] = cand(0.2, 0.05, 0.01, 1);
	ck_assert_int_eq(ntp_select(c, 3, &sel), 1);
	ck_assert_int_eq(c[2].reason, NTP_R_FALSETICKER);
	ck_assert_uint_eq(sel.survivors, 2);
}
END_TEST

struct tie_cand {
	double		offset, rootdist, delay;
	int		stratum;
};

struct tie_vec {
	struct tie_cand	a, b;		/* b is the winner */
	const char	*what;
};

static const struct tie_vec tie_vecs[] = {
	{ { 0.001, 0.01, 0.001, 3 }, { 0.0, 0.04, 0.04, 2 },
	    "lower stratum beats smaller root distance and delay" },
	{ { 0.001, 0.03, 0.001, 2 }, { 0.0, 0.02, 0.09, 2 },
	    "same stratum: smaller root distance beats smaller delay" },
	{ { 0.001, 0.02, 0.03, 2 }, { 0.0, 0.02, 0.02, 2 },
	    "same stratum and root distance: smaller delay" },
};

static struct ntp_cand
tie(const struct tie_cand *t)
{
	return cand(t->offset, t->rootdist, t->delay, t->stratum);
}
#define N_TIE_VECS	((int)(sizeof(tie_vecs) / sizeof(tie_vecs[0])))

/* Each tie-break, with the winner first and then last. */
START_TEST(test_select_ties_stratum_rootdist_delay)
{
	const struct tie_vec *v = &tie_vecs[_i];
	struct ntp_cand c[2];
	struct ntp_selection sel;

	c[0] = tie(&v->a);
	c[1] = tie(&v->b);
	ck_assert_msg(ntp_select(c, 2, &sel) == 1, "%s (winner last)",
	    v->what);
	ck_assert_int_eq(sel.no_majority, 0);
	c[0] = tie(&v->b);
	c[1] = tie(&v->a);
	ck_assert_msg(ntp_select(c, 2, &sel) == 0, "%s (winner first)",
	    v->what);
}
END_TEST

START_TEST(test_select_full_tie_first)
{
	struct ntp_cand c[3];
	struct ntp_selection sel;

	c[0] = cand(0.0, 0.02, 0.02, 2);
	c[1] = c[0];
	c[2] = c[0];
	ck_assert_int_eq(ntp_select(c, 3, &sel), 0);
	ck_assert_int_eq(c[1].reason, NTP_R_NOT_BEST);
	ck_assert_int_eq(c[2].reason, NTP_R_NOT_BEST);
}
END_TEST

/*
 * Candidates that come in with a reason take no part: they keep it and
 * are never chosen, even when they look best.
 */
START_TEST(test_select_unusable_untouched)
{
	static const int reasons[] = { NTP_R_NO_REPLY, NTP_R_KOD_RATE,
	    NTP_R_ROOTDIST };
	struct ntp_cand c[5];
	struct ntp_selection sel;
	size_t i;

	c[0] = cand(0.0, 0.001, 0.001, 1);
	c[0].reason = reasons[0];
	c[1] = cand(0.01, 0.05, 0.02, 3);
	c[2] = cand(0.0, 0.001, 0.001, 1);
	c[2].reason = reasons[1];
	c[3] = cand(0.012, 0.05, 0.03, 3);
	c[4] = cand(9.0, 0.001, 0.001, 1);
	c[4].reason = reasons[2];
	ck_assert_int_eq(ntp_select(c, 5, &sel), 1);
	ck_assert_uint_eq(sel.usable, 2);
	ck_assert_uint_eq(sel.survivors, 2);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_int_eq(c[0].reason, reasons[0]);
	ck_assert_int_eq(c[2].reason, reasons[1]);
	ck_assert_int_eq(c[4].reason, reasons[2]);
	ck_assert_int_eq(c[3].reason, NTP_R_NOT_BEST);
	for (i = 0; i < 5; i++)
		ck_assert_int_ne(c[i].reason, NTP_R_FALSETICKER);
}
END_TEST

START_TEST(test_select_all_unusable)
{
	struct ntp_cand c[3];
	struct ntp_selection sel;

	c[0] = cand(0.0, 0.01, 0.01, 2);
	c[0].reason = NTP_R_NO_REPLY;
	c[1] = c[0];
	c[1].reason = NTP_R_KOD_DENY;
	c[2] = c[0];
	c[2].reason = NTP_R_UNSYNC_LEAP;
	ck_assert_int_eq(ntp_select(c, 3, &sel), -1);
	ck_assert_int_eq(sel.chosen, -1);
	ck_assert_uint_eq(sel.usable, 0);
	ck_assert_uint_eq(sel.survivors, 0);
	ck_assert_int_eq(c[0].reason, NTP_R_NO_REPLY);
	ck_assert_int_eq(c[1].reason, NTP_R_KOD_DENY);
	ck_assert_int_eq(c[2].reason, NTP_R_UNSYNC_LEAP);
}
END_TEST

START_TEST(test_select_none)
{
	struct ntp_selection sel;

	ck_assert_int_eq(ntp_select(NULL, 0, &sel), -1);
	ck_assert_int_eq(sel.chosen, -1);
}
END_TEST

/* ---- randomised -------------------------------------------------------- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
urand(uint64_t *st)
{
	return (double)(splitmix64(st) >> 11) * 0x1p-53;
}

#define MANY		100

struct ranked {
	const struct ntp_cand	*c;
	size_t			idx;
};

/* Stratum, root distance, delay, then list order. */
static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->c->stratum != y->c->stratum)
		return x->c->stratum < y->c->stratum ? -1 : 1;
	if (x->c->rootdist != y->c->rootdist)
		return x->c->rootdist < y->c->rootdist ? -1 : 1;
	if (x->c->delay != y->c->delay)
		return x->c->delay < y->c->delay ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* The combined offset: the 1/rootdist-weighted mean of the truechimers
 * of the system peer's stratum, recomputed here in long double. */
static void
assert_combined(const struct ntp_cand *c, size_t n,
    const struct ntp_selection *sel)
{
	long double z = 0, y = 0, wsum = 0;
	size_t i, k = 0;
	int peer = sel->chosen;

	for (i = 0; i < n; i++) {
		if ((c[i].reason != NTP_OK && c[i].reason != NTP_R_NOT_BEST) ||
		    c[i].stratum != c[peer].stratum) {
			ck_assert_double_eq(c[i].weight, 0.0);
			continue;
		}
		z += 1.0L / c[i].rootdist;
		y += (long double)c[i].offset_ns / c[i].rootdist;
		wsum += c[i].weight;
		k++;
	}
	ck_assert_uint_eq(sel->combined, k);
	ck_assert_msg(fabsl(y / z - (long double)sel->offset_ns) <= 1.0L,
	    "combined %lld ns, want %.1Lf", (long long)sel->offset_ns, y / z);
	ck_assert_double_eq_tol((double)wsum, 1.0, 1e-9);
}

/*
 * 100 servers: most within +-1 ms of a common true offset with root
 * distances 10..100 ms (so every truechimer interval holds every
 * truechimer offset), 1..20 falsetickers 2..12 s away on either side,
 * and a few unusable ones that look best.  Every falseticker must be
 * found, every truechimer must survive, and the choice must be the best
 * truechimer by (stratum, root distance, delay) — found here by sorting.
 */
START_TEST(test_select_many_random)
{
	uint64_t st = seed + (uint64_t)_i;
	struct ntp_cand c[MANY];
	int kind[MANY];		/* 0 true, 1 falseticker, 2 unusable */
	struct ranked rk[MANY];
	struct ntp_selection sel;
	double truth = urand(&st) * 2.0 - 1.0;
	size_t i, nfalse = 1 + splitmix64(&st) % 20, nbad = splitmix64(&st) % 4;
	size_t ntrue = 0, nr = 0;
	int want;

	for (i = 0; i < MANY; i++) {
		c[i] = cand(truth + (urand(&st) - 0.5) * 0.002,
		    0.01 + urand(&st) * 0.09, urand(&st) * 0.1,
		    1 + (int)(splitmix64(&st) % 4));
		kind[i] = 0;
	}
	/* Falsetickers and unusable ones at random distinct places. */
	for (i = 0; i < nfalse + nbad;) {
		size_t j = splitmix64(&st) % MANY;

		if (kind[j] != 0)
			continue;
		if (i < nfalse) {
			kind[j] = 1;
			c[j].offset = truth + (splitmix64(&st) & 1 ? 1 : -1) *
			    (2.0 + urand(&st) * 10.0);
		} else {
			kind[j] = 2;
			c[j].reason = NTP_R_NO_REPLY;
			c[j].stratum = 1;
			c[j].rootdist = 0.001;
		}
		i++;
	}
	for (i = 0; i < MANY; i++) {
		if (kind[i] == 0) {
			rk[nr].c = &c[i];
			rk[nr].idx = i;
			nr++;
			ntrue++;
		}
	}
	qsort(rk, nr, sizeof(rk[0]), ranked_cmp);
	want = (int)rk[0].idx;

	ck_assert_msg(ntp_select(c, MANY, &sel) == want, "seed %" PRIu64
	    " round %d: chose %d, want %d", seed, _i, sel.chosen, want);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_uint_eq(sel.usable, MANY - nbad);
	ck_assert_uint_eq(sel.survivors, ntrue);
	for (i = 0; i < MANY; i++) {
		if (kind[i] == 1)
			ck_assert_msg(c[i].reason == NTP_R_FALSETICKER,
			    "seed %" PRIu64 " round %d: server %zu at %+.6f "
			    "not a falseticker", seed, _i, i, c[i].offset);
		else if (kind[i] == 2)
			ck_assert_int_eq(c[i].reason, NTP_R_NO_REPLY);
		else if ((int)i == want)
			ck_assert_int_eq(c[i].reason, NTP_OK);
		else
			ck_assert_msg(c[i].reason == NTP_R_NOT_BEST,
			    "seed %" PRIu64 " round %d: server %zu: %s",
			    seed, _i, i, ntp_reason_name(c[i].reason));
	}
	ck_assert_double_le(sel.low, c[want].offset);
	ck_assert_double_ge(sel.high, c[want].offset);
	assert_combined(c, MANY, &sel);
}
END_TEST

static Suite *
select_suite(void)
{
	Suite *s = suite_create("ntp_select");
	TCase *tc = tcase_create("select");

	tcase_add_test(tc, test_best_sample_min_delay);
	tcase_add_test(tc, test_best_sample_tie_first);
	tcase_add_test(tc, test_best_sample_none);
	tcase_add_test(tc, test_select_one_server);
	tcase_add_test(tc, test_select_four_one_falseticker);
	tcase_add_test(tc, test_select_falseticker_below);
	tcase_add_test(tc, test_select_two_disagree_nothing_chosen);
	tcase_add_loop_test(tc, test_select_no_majority_table, 0, N_NOMAJ_VECS);
	tcase_add_test(tc, test_select_overlap_is_truechimer);
	tcase_add_test(tc, test_select_combine_weights);
	tcase_add_test(tc, test_select_combine_large_offsets_exact);
	tcase_add_test(tc, test_select_lone_stratum1_agreeing);
	tcase_add_test(tc, test_select_lone_stratum1_far);
	tcase_add_test(tc, test_select_two_agree);
	tcase_add_test(tc, test_select_two_overlap_midpoints_outside);
	tcase_add_test(tc, test_select_three_interval_overlap_survives);
	tcase_add_loop_test(tc, test_select_ties_stratum_rootdist_delay, 0,
	    N_TIE_VECS);
	tcase_add_test(tc, test_select_full_tie_first);
	tcase_add_test(tc, test_select_unusable_untouched);
	tcase_add_test(tc, test_select_all_unusable);
	tcase_add_test(tc, test_select_none);
	tcase_add_loop_test(tc, test_select_many_random, 0, 20);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *env = getenv("SEED");
	SRunner *sr;
	int failed;

	if (env != NULL && *env != '\0')
		seed = strtoull(env, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
	printf("test_select: SEED=%" PRIu64 " (set SEED to replay)\n", seed);
	fflush(stdout);
	sr = srunner_create(select_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
