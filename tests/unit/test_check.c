/*
 * Unit tests for lib/ntp_check.c: the reply and sample checks, one test
 * per reason, and their order.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntp_check.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"
#include "ntp_sample.h"
#include "ntp_ts.h"

#define UNIX_2026	1767225600LL		/* 2026-01-01T00:00:00Z */
#define NTP_2026	0xed00378000000000ULL	/* the same, on the wire */

static struct timespec
mkts(int64_t sec, long nsec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = nsec;
	return ts;
}

/* A stratum 2 reply with T2 and T3 and nothing else set. */
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

/* ---- ntp_check_sample ------------------------------------------------ */

START_TEST(test_limits_default)
{
	struct ntp_limits l;

	ntp_limits_default(&l);
	ck_assert_double_eq(l.maxdist, 1.5);
	ck_assert_double_eq(l.maxrefage, 86400.0);
}
END_TEST

/* Root dispersion 1.5 s puts lambda over the 1.5 s default. */
START_TEST(test_reject_rootdist)
{
	struct timespec t1 = mkts(UNIX_2026, 0), t4 = mkts(UNIX_2026, 3906250);
	struct ntp_limits l;
	struct ntp_pkt p;
	struct ntp_sample s;

	ntp_limits_default(&l);
	reply_times(&p, NTP_2026, NTP_2026);
	p.rootdisp = 0x00018000U;
	ck_assert_int_eq(ntp_sample_make(&p, &t1, &t4, -20, &s), 0);
	ck_assert_double_gt(s.rootdist, 1.5);
	ck_assert_int_eq(ntp_check_sample(&s, &l), NTP_R_ROOTDIST);
	/* chrony's 3 s limit accepts it. */
	l.maxdist = 3.0;
	ck_assert_int_eq(ntp_check_sample(&s, &l), NTP_OK);
}
END_TEST

START_TEST(test_rootdist_limit_boundary)
{
	struct ntp_limits l;
	struct ntp_sample s;

	ntp_limits_default(&l);
	memset(&s, 0, sizeof(s));
	s.rootdist = 1.5;
	ck_assert_int_eq(ntp_check_sample(&s, &l), NTP_OK);
	s.rootdist = 1.5000001;
	ck_assert_int_eq(ntp_check_sample(&s, &l), NTP_R_ROOTDIST);
	s.rootdist = NAN;
	ck_assert_int_eq(ntp_check_sample(&s, &l), NTP_R_ROOTDIST);
	s.rootdist = INFINITY;
	ck_assert_int_eq(ntp_check_sample(&s, &l), NTP_R_ROOTDIST);
}
END_TEST

/* ---- ntp_check_reply ------------------------------------------------- */

#define NONCE		0x5a3c910e77d248b1ULL
/* 2026-03-01T10:00:00.123 and 60 s before. */
#define GOOD_REC	0xed4e8ca01f9add37ULL
#define GOOD_REF	0xed4e8c6400000000ULL

static void
good_reply(struct ntp_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->leap = NTP_LEAP_NONE;
	p->version = 4;
	p->mode = NTP_MODE_SERVER;
	p->stratum = 2;
	p->poll = 6;
	p->precision = -23;
	p->rootdelay = 0x00000312U;
	p->rootdisp = 0x00000a1cU;
	p->refid = 0xc0000201U;
	p->reftime = GOOD_REF;
	p->org = NONCE;
	p->rec = GOOD_REC;
	p->xmt = GOOD_REC + 0x00010000U;
}

static int
check(const struct ntp_pkt *p)
{
	struct ntp_limits l;

	ntp_limits_default(&l);
	return ntp_check_reply(p, NONCE, &l);
}

START_TEST(test_accept_good_reply)
{
	struct ntp_pkt p;

	good_reply(&p);
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

START_TEST(test_accept_versions_1_to_4)
{
	struct ntp_pkt p;
	int v;

	for (v = 1; v <= 4; v++) {
		good_reply(&p);
		p.version = (uint8_t)v;
		ck_assert_msg(check(&p) == NTP_OK, "version %d", v);
	}
}
END_TEST

START_TEST(test_reject_version_0)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.version = 0;
	ck_assert_int_eq(check(&p), NTP_R_VERSION);
}
END_TEST

START_TEST(test_reject_version_5)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.version = 5;
	ck_assert_int_eq(check(&p), NTP_R_VERSION);
}
END_TEST

START_TEST(test_reject_mode_client)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.mode = NTP_MODE_CLIENT;
	ck_assert_int_eq(check(&p), NTP_R_MODE);
}
END_TEST

START_TEST(test_reject_other_modes)
{
	static const uint8_t modes[] = { 0, 1, 5, 6, 7 };
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(modes); i++) {
		good_reply(&p);
		p.mode = modes[i];
		ck_assert_msg(check(&p) == NTP_R_MODE, "mode %u", modes[i]);
	}
}
END_TEST

START_TEST(test_accept_mode_sym_passive)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.mode = NTP_MODE_SYMPAS;
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

START_TEST(test_reject_origin_mismatch)
{
	static const uint64_t orgs[] = { 0, NONCE + 1, NONCE ^ (1ULL << 63),
	    GOOD_REC };
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
		good_reply(&p);
		p.org = orgs[i];
		ck_assert_int_eq(check(&p), NTP_R_ORIGIN);
	}
}
END_TEST

/* A KoD as ntpd sends it: leap 3, stratum 0, a code in the refid. */
static void
kod_reply(struct ntp_pkt *p, uint32_t code)
{
	good_reply(p);
	p->leap = NTP_LEAP_UNSYNC;
	p->stratum = 0;
	p->refid = code;
}

START_TEST(test_reject_kod_deny)
{
	struct ntp_pkt p;

	kod_reply(&p, 0x44454e59U);		/* DENY */
	ck_assert_int_eq(check(&p), NTP_R_KOD_DENY);
}
END_TEST

START_TEST(test_reject_kod_rstr)
{
	struct ntp_pkt p;

	kod_reply(&p, 0x52535452U);		/* RSTR */
	ck_assert_int_eq(check(&p), NTP_R_KOD_RSTR);
}
END_TEST

START_TEST(test_reject_kod_rate)
{
	struct ntp_pkt p;

	kod_reply(&p, 0x52415445U);		/* RATE */
	ck_assert_int_eq(check(&p), NTP_R_KOD_RATE);
	/* With leap 0 too: the kiss is in the stratum and refid. */
	p.leap = NTP_LEAP_NONE;
	ck_assert_int_eq(check(&p), NTP_R_KOD_RATE);
}
END_TEST

START_TEST(test_reject_kod_other)
{
	static const uint32_t codes[] = {
		0x41435354U,	/* ACST */
		0x43525950U,	/* CRYP */
		0x4e54534eU,	/* NTSN */
		0x58595a57U,	/* XYZW */
	};
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		kod_reply(&p, codes[i]);
		p.leap = NTP_LEAP_NONE;
		ck_assert_int_eq(check(&p), NTP_R_KOD_OTHER);
		/* With leap 3 an unknown code is not synchronized. */
		p.leap = NTP_LEAP_UNSYNC;
		ck_assert_int_eq(check(&p), NTP_R_UNSYNC_LEAP);
	}
}

/* INIT and STEP (ntpd, NTPsec just started) are not kisses: the server
 * is not synchronized, whatever the leap indicator says. */
START_TEST(test_reject_init_step_unsynchronized)
{
	static const uint32_t codes[] = { 0x494e4954U, 0x53544550U };
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < 2; i++) {
		kod_reply(&p, codes[i]);
		ck_assert_int_eq(check(&p), NTP_R_UNSYNC_LEAP);
		p.leap = NTP_LEAP_NONE;
		ck_assert_int_eq(check(&p), NTP_R_UNSYNC_STRATUM0);
	}
}
END_TEST

/* DENY, RSTR, RATE stay kisses whatever the leap (chronyd's RATE has 3). */
START_TEST(test_kod_whatever_leap)
{
	static const uint32_t codes[] = { 0x44454e59U, 0x52535452U,
	    0x52415445U };
	static const int want[] = { NTP_R_KOD_DENY, NTP_R_KOD_RSTR,
	    NTP_R_KOD_RATE };
	struct ntp_pkt p;
	size_t i;
	int leap;

	for (i = 0; i < 3; i++) {
		for (leap = 0; leap < 4; leap++) {
			kod_reply(&p, codes[i]);
			p.leap = (uint8_t)leap;
			ck_assert_int_eq(check(&p), want[i]);
		}
	}
}
END_TEST

/* Stratum 17..255: not synchronized, the same reason as 16. */
START_TEST(test_reject_stratum_over_16)
{
	struct ntp_pkt p;
	int st;

	for (st = 16; st <= 255; st++) {
		good_reply(&p);
		p.stratum = (uint8_t)st;
		ck_assert_int_eq(check(&p), NTP_R_STRATUM);
	}
}
END_TEST
END_TEST

START_TEST(test_reject_leap_unsync)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.leap = NTP_LEAP_UNSYNC;
	ck_assert_int_eq(check(&p), NTP_R_UNSYNC_LEAP);
}
END_TEST

START_TEST(test_accept_leap_insert_delete)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.leap = NTP_LEAP_ADD;
	ck_assert_int_eq(check(&p), NTP_OK);
	p.leap = NTP_LEAP_DEL;
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

START_TEST(test_reject_stratum0_without_kiss)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.stratum = 0;
	p.refid = 0;
	ck_assert_int_eq(check(&p), NTP_R_UNSYNC_STRATUM0);
	p.refid = 0xc0000201U;			/* not printable ASCII */
	ck_assert_int_eq(check(&p), NTP_R_UNSYNC_STRATUM0);
}
END_TEST

START_TEST(test_reject_stratum16)
{
	static const uint8_t strata[] = { 16, 17, 255 };
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(strata); i++) {
		good_reply(&p);
		p.stratum = strata[i];
		ck_assert_msg(check(&p) == NTP_R_STRATUM, "stratum %u",
		    strata[i]);
	}
	good_reply(&p);
	p.stratum = 15;
	ck_assert_int_eq(check(&p), NTP_OK);
	p.stratum = 1;
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

START_TEST(test_reject_zero_receive)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.rec = 0;
	ck_assert_int_eq(check(&p), NTP_R_ZERO_REC);
}
END_TEST

START_TEST(test_reject_zero_transmit)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.xmt = 0;
	ck_assert_int_eq(check(&p), NTP_R_ZERO_XMT);
}
END_TEST

START_TEST(test_reject_transmit_before_receive)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.xmt = p.rec - 1;
	ck_assert_int_eq(check(&p), NTP_R_XMT_BEFORE_REC);
	/* Equal is fine. */
	p.xmt = p.rec;
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

/* Receive 06:28:15.5 in era 0, transmit 06:28:16.25 in era 1: fine. */
START_TEST(test_accept_transmit_after_receive_across_wrap)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.rec = 0xffffffff80000000ULL;
	p.xmt = 0x0000000040000000ULL;
	p.reftime = 0xffffffc400000000ULL;	/* 60 s before the wrap */
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

START_TEST(test_reject_reftime_zero)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.reftime = 0;
	ck_assert_int_eq(check(&p), NTP_R_REF_ZERO);
}
END_TEST

START_TEST(test_reject_reftime_over_a_day_old)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.reftime = p.xmt - ((uint64_t)86401 << 32);
	ck_assert_int_eq(check(&p), NTP_R_REF_OLD);
	p.reftime = p.xmt - ((uint64_t)86399 << 32);
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

START_TEST(test_reject_reftime_after_transmit)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.reftime = p.xmt + 1;
	ck_assert_int_eq(check(&p), NTP_R_REF_FUTURE);
	p.reftime = p.xmt;
	ck_assert_int_eq(check(&p), NTP_OK);
}
END_TEST

/* The origin is checked before anything else is believed, KoD included. */
START_TEST(test_order_origin_before_kod)
{
	struct ntp_pkt p;

	kod_reply(&p, 0x52415445U);		/* RATE */
	p.org = NONCE + 1;
	ck_assert_int_eq(check(&p), NTP_R_ORIGIN);
	kod_reply(&p, 0x44454e59U);		/* DENY */
	p.org = 0;
	ck_assert_int_eq(check(&p), NTP_R_ORIGIN);
}
END_TEST

START_TEST(test_order_version_mode_origin)
{
	struct ntp_pkt p;

	good_reply(&p);
	p.version = 0;
	p.mode = NTP_MODE_CLIENT;
	p.org = 0;
	ck_assert_int_eq(check(&p), NTP_R_VERSION);
	p.version = 4;
	ck_assert_int_eq(check(&p), NTP_R_MODE);
	p.mode = NTP_MODE_SERVER;
	ck_assert_int_eq(check(&p), NTP_R_ORIGIN);
}
END_TEST

/* A KoD's timestamps are never looked at: zero ones do not matter. */
START_TEST(test_order_kod_before_times)
{
	struct ntp_pkt p;

	kod_reply(&p, 0x52415445U);
	p.rec = p.xmt = p.reftime = 0;
	ck_assert_int_eq(check(&p), NTP_R_KOD_RATE);
}
END_TEST

/*
 * A real unsynchronised chronyd reply: leap 3, stratum 0 (chronyd sends 0
 * for 16), refid 0, root delay, dispersion and reference time 0, real
 * receive and transmit times.  Unsynchronised, not a kiss.
 */
static const uint8_t chrony_unsync[NTP_HEADER_LEN] = {
	0xe4, 0x00, 0x00, 0xe9,		/* LI 3 VN 4 M 4, st 0, poll 0 */
	0x00, 0x00, 0x00, 0x00,		/* root delay */
	0x00, 0x00, 0x00, 0x00,		/* root dispersion */
	0x00, 0x00, 0x00, 0x00,		/* refid */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* reference */
	0x5a, 0x3c, 0x91, 0x0e, 0x77, 0xd2, 0x48, 0xb1,	/* origin */
	0xed, 0x4e, 0x8c, 0xa0, 0x1f, 0x9a, 0xdd, 0x37,	/* receive */
	0xed, 0x4e, 0x8c, 0xa0, 0x1f, 0x9c, 0x6b, 0x02,	/* transmit */
};

START_TEST(test_chrony_unsynchronised_reply)
{
	struct ntp_pkt p;
	int r;

	ck_assert_int_eq(ntp_pkt_decode(chrony_unsync, sizeof(chrony_unsync),
	    &p), 0);
	ck_assert_uint_eq(p.leap, 3);
	ck_assert_uint_eq(p.version, 4);
	ck_assert_uint_eq(p.mode, 4);
	ck_assert_uint_eq(p.stratum, 0);
	ck_assert_int_eq(p.precision, -23);
	ck_assert_uint_eq(p.org, NONCE);
	r = check(&p);
	ck_assert_int_eq(r, NTP_R_UNSYNC_LEAP);
	ck_assert_int_eq(ntp_reason_is_kod(r), 0);
}
END_TEST

/* chronyd's KoD RATE ("ratelimit ... kod"): leap 3, stratum 0, "RATE". */
static const uint8_t chrony_kod_rate[NTP_HEADER_LEN] = {
	0xe4, 0x00, 0x00, 0xe9,		/* LI 3 VN 4 M 4, st 0, poll 0 */
	0x00, 0x00, 0x00, 0x12,		/* root delay */
	0x00, 0x00, 0x00, 0x2b,		/* root dispersion */
	0x52, 0x41, 0x54, 0x45,		/* refid "RATE" */
	0xed, 0x4e, 0x8c, 0x64, 0x0a, 0x3d, 0x70, 0xa4,	/* reference */
	0x5a, 0x3c, 0x91, 0x0e, 0x77, 0xd2, 0x48, 0xb1,	/* origin */
	0xed, 0x4e, 0x8c, 0xa0, 0x1f, 0x9a, 0xdd, 0x37,	/* receive */
	0xed, 0x4e, 0x8c, 0xa0, 0x1f, 0x9c, 0x6b, 0x02,	/* transmit */
};

START_TEST(test_chrony_kod_rate_reply)
{
	struct ntp_pkt p;
	int r;

	ck_assert_int_eq(ntp_pkt_decode(chrony_kod_rate,
	    sizeof(chrony_kod_rate), &p), 0);
	ck_assert_uint_eq(p.refid, 0x52415445U);
	r = check(&p);
	ck_assert_int_eq(r, NTP_R_KOD_RATE);
	ck_assert_int_eq(ntp_reason_is_kod(r), 1);
}
END_TEST

/* The same KoD bytes answering some other request: a spoof. */
START_TEST(test_chrony_kod_rate_wrong_origin)
{
	struct ntp_limits l;
	struct ntp_pkt p;

	ntp_limits_default(&l);
	ck_assert_int_eq(ntp_pkt_decode(chrony_kod_rate,
	    sizeof(chrony_kod_rate), &p), 0);
	ck_assert_int_eq(ntp_check_reply(&p, NONCE - 1, &l), NTP_R_ORIGIN);
}
END_TEST

/*
 * ntp_check_header is the authenticity part alone: version, mode, origin.
 * A KoD or an unsynchronised reply with our origin passes it.
 */
START_TEST(test_check_header_authenticity_only)
{
	struct ntp_pkt p;

	good_reply(&p);
	ck_assert_int_eq(ntp_check_header(&p, NONCE), NTP_OK);
	p.version = 5;
	ck_assert_int_eq(ntp_check_header(&p, NONCE), NTP_R_VERSION);
	good_reply(&p);
	p.mode = NTP_MODE_CLIENT;
	ck_assert_int_eq(ntp_check_header(&p, NONCE), NTP_R_MODE);
	good_reply(&p);
	ck_assert_int_eq(ntp_check_header(&p, NONCE + 1), NTP_R_ORIGIN);

	ck_assert_int_eq(ntp_pkt_decode(chrony_kod_rate,
	    sizeof(chrony_kod_rate), &p), 0);
	ck_assert_int_eq(ntp_check_header(&p, NONCE), NTP_OK);
	ck_assert_int_eq(ntp_check_header(&p, NONCE - 1), NTP_R_ORIGIN);
	ck_assert_int_eq(ntp_pkt_decode(chrony_unsync, sizeof(chrony_unsync),
	    &p), 0);
	ck_assert_int_eq(ntp_check_header(&p, NONCE), NTP_OK);
	good_reply(&p);
	p.stratum = 16;
	p.rec = p.xmt = p.reftime = 0;
	ck_assert_int_eq(ntp_check_header(&p, NONCE), NTP_OK);
}
END_TEST

static Suite *
check_suite(void)
{
	Suite *s = suite_create("ntp_check");
	TCase *chk = tcase_create("checks");

	tcase_add_test(chk, test_limits_default);
	tcase_add_test(chk, test_reject_rootdist);
	tcase_add_test(chk, test_rootdist_limit_boundary);
	tcase_add_test(chk, test_accept_good_reply);
	tcase_add_test(chk, test_accept_versions_1_to_4);
	tcase_add_test(chk, test_reject_version_0);
	tcase_add_test(chk, test_reject_version_5);
	tcase_add_test(chk, test_reject_mode_client);
	tcase_add_test(chk, test_reject_other_modes);
	tcase_add_test(chk, test_accept_mode_sym_passive);
	tcase_add_test(chk, test_reject_origin_mismatch);
	tcase_add_test(chk, test_reject_kod_deny);
	tcase_add_test(chk, test_reject_kod_rstr);
	tcase_add_test(chk, test_reject_kod_rate);
	tcase_add_test(chk, test_reject_kod_other);
	tcase_add_test(chk, test_reject_init_step_unsynchronized);
	tcase_add_test(chk, test_kod_whatever_leap);
	tcase_add_test(chk, test_reject_stratum_over_16);
	tcase_add_test(chk, test_reject_leap_unsync);
	tcase_add_test(chk, test_accept_leap_insert_delete);
	tcase_add_test(chk, test_reject_stratum0_without_kiss);
	tcase_add_test(chk, test_reject_stratum16);
	tcase_add_test(chk, test_reject_zero_receive);
	tcase_add_test(chk, test_reject_zero_transmit);
	tcase_add_test(chk, test_reject_transmit_before_receive);
	tcase_add_test(chk, test_accept_transmit_after_receive_across_wrap);
	tcase_add_test(chk, test_reject_reftime_zero);
	tcase_add_test(chk, test_reject_reftime_over_a_day_old);
	tcase_add_test(chk, test_reject_reftime_after_transmit);
	tcase_add_test(chk, test_order_origin_before_kod);
	tcase_add_test(chk, test_order_version_mode_origin);
	tcase_add_test(chk, test_order_kod_before_times);
	tcase_add_test(chk, test_chrony_unsynchronised_reply);
	tcase_add_test(chk, test_chrony_kod_rate_reply);
	tcase_add_test(chk, test_chrony_kod_rate_wrong_origin);
	tcase_add_test(chk, test_check_header_authenticity_only);
	suite_add_tcase(s, chk);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(check_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
