/*
 * Unit tests for lib/ntp_report.c: a server's verdict as one line of text
 * (ntp_server_why), and the count of servers that have an address.
 *
 * The expected lines are written out in full; the errno texts are
 * glibc's.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_engine.h"
#include "ntp_reason.h"
#include "ntp_report.h"

#define REFID_XYZW	0x58595a57U	/* "XYZW" */
#define REFID_AB	0x41420000U	/* "AB\0\0" */
#define REFID_BIN	0x01020304U	/* not text */

struct why_vec {
	int		reason;
	int		nsent;
	int		sys_errno;
	const char	*detail;
	int		has_best;	/* best sample's offset is `offset` */
	double		offset;
	uint32_t	refid;		/* of the last reply */
	double		timeout;
	double		maxdist;
	const char	*want;
};

static const struct why_vec why_vecs[] = {
	{ NTP_R_NO_REPLY, 4, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "no reply within 2 s (4 requests)" },
	{ NTP_R_NO_REPLY, 1, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "no reply within 2 s (1 request)" },
	{ NTP_R_NO_REPLY, 0, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "no reply within 2 s (0 requests)" },
	{ NTP_R_NO_REPLY, 2, 0, NULL, 0, 0, 0, 0.5, 1.5,
	    "no reply within 0.5 s (2 requests)" },
	{ NTP_R_NO_REPLY, 3, 0, NULL, 0, 0, 0, 0.05, 1.5,
	    "no reply within 0.05 s (3 requests)" },
	{ NTP_R_UNREACH, 3, ECONNREFUSED, NULL, 0, 0, 0, 2.0, 1.5,
	    "unreachable (ICMP error): Connection refused (3 requests)" },
	{ NTP_R_UNREACH, 1, EHOSTUNREACH, NULL, 0, 0, 0, 2.0, 1.5,
	    "unreachable (ICMP error): No route to host (1 request)" },
	{ NTP_R_SEND, 4, ENETUNREACH, NULL, 0, 0, 0, 2.0, 1.5,
	    "request could not be sent: Network is unreachable "
	    "(4 requests)" },
	{ NTP_R_SEND, 1, EPERM, NULL, 0, 0, 0, 2.0, 1.5,
	    "request could not be sent: Operation not permitted "
	    "(1 request)" },
	{ NTP_R_RESOLVE, 0, 0, "Name or service not known", 0, 0, 0, 2.0,
	    1.5, "name did not resolve (Name or service not known)" },
	{ NTP_R_RESOLVE, 0, 0, "timed out", 0, 0, 0, 2.0, 1.5,
	    "name did not resolve (timed out)" },
	{ NTP_R_RESOLVE, 0, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "name did not resolve (unknown error)" },
	{ NTP_R_FALSETICKER, 4, 0, NULL, 1, 0.25, 0, 2.0, 1.5,
	    "falseticker: offset +0.250000 s, interval [+0.240000, "
	    "+0.260000] outside the majority's intersection [-0.012500, "
	    "+0.031250]" },
	{ NTP_R_FALSETICKER, 4, 0, NULL, 1, -1.5, 0, 2.0, 1.5,
	    "falseticker: offset -1.500000 s, interval [-1.510000, "
	    "-1.490000] outside the majority's intersection [-0.012500, "
	    "+0.031250]" },
	{ NTP_R_FALSETICKER, 4, 0, NULL, 1, 1234.5678901, 0, 2.0, 1.5,
	    "falseticker: offset +1234.567890 s, interval [+1234.557890, "
	    "+1234.577890] outside the majority's intersection [-0.012500, "
	    "+0.031250]" },
	{ NTP_R_FALSETICKER, 4, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "falseticker (outside the majority's intersection)" },
	{ NTP_R_NO_MAJORITY, 4, 0, NULL, 1, -4.75, 0, 2.0, 1.5,
	    "no majority: the servers disagree (offset -4.750000 s)" },
	{ NTP_R_ROOTDIST, 1, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "root distance 2.345678 s over the limit (1.5 s)" },
	{ NTP_R_ROOTDIST, 1, 0, NULL, 0, 0, 0, 2.0, 0.25,
	    "root distance 2.345678 s over the limit (0.25 s)" },
	{ NTP_R_KOD_OTHER, 1, 0, NULL, 0, 0, REFID_XYZW, 2.0, 1.5,
	    "Kiss-o'-Death XYZW" },
	{ NTP_R_KOD_OTHER, 1, 0, NULL, 0, 0, REFID_AB, 2.0, 1.5,
	    "Kiss-o'-Death AB" },
	{ NTP_R_KOD_OTHER, 1, 0, NULL, 0, 0, REFID_BIN, 2.0, 1.5,
	    "Kiss-o'-Death 1.2.3.4" },
	{ NTP_R_KOD_DENY, 1, 0, NULL, 0, 0, 0x44454e59U, 2.0, 1.5,
	    "KoD DENY (access denied)" },
	{ NTP_R_KOD_RATE, 1, 0, NULL, 0, 0, 0x52415445U, 2.0, 1.5,
	    "KoD RATE (rate limited)" },
	{ NTP_R_KOD_DB, 0, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "skipped: recent KoD in the KoD database" },
	{ NTP_R_ORIGIN, 4, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "wrong origin timestamp (spoofed or stale reply)" },
	{ NTP_R_SHORT, 4, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "reply shorter than 48 bytes" },
	{ NTP_R_UNSYNC_LEAP, 1, 0, NULL, 0, 0, 0, 2.0, 1.5,
	    "not synchronized (leap 3, stratum 0)" },
	{ NTP_R_UNSYNC_LEAP, 1, 0, NULL, 0, 0, 0x494e4954U, 2.0, 1.5,
	    "not synchronized (leap 3, stratum 0, refid INIT); a server that "
	    "has just started needs a few minutes to synchronize" },
	{ NTP_R_UNSYNC_STRATUM0, 1, 0, NULL, 0, 0, 0x53544550U, 2.0, 1.5,
	    "not synchronized (leap 3, stratum 0, refid STEP); a server that "
	    "has just started needs a few minutes to synchronize" },
	{ NTP_R_NOT_BEST, 1, 0, NULL, 1, 0.5, 0, 2.0, 1.5,
	    "usable, but another server was better" },
	{ NTP_OK, 1, 0, NULL, 1, 0.5, 0, 2.0, 1.5, "usable" },
	{ NTP_R_MAX, 1, 0, NULL, 0, 0, 0, 2.0, 1.5, "unknown reason" },
	{ -1, 1, 0, NULL, 0, 0, 0, 2.0, 1.5, "unknown reason" },
};
#define N_WHY_VECS	((int)(sizeof(why_vecs) / sizeof(why_vecs[0])))

/* A server as the engine leaves it; the best sample is not the first. */
static void
make_server(struct ntp_server *s, const struct why_vec *v)
{
	memset(s, 0, sizeof(*s));
	s->host = "ntp.example";
	s->reason = v->reason;
	s->nsent = v->nsent;
	s->sys_errno = v->sys_errno;
	s->detail = v->detail;
	s->last.refid = v->refid;
	s->last.stratum = 0;
	s->last.leap = v->reason == NTP_R_UNSYNC_LEAP ||
	    v->reason == NTP_R_UNSYNC_STRATUM0 ? 3 : 0;
	s->rootdist_refused = 2.345678;
	s->isect_low = -0.0125;
	s->isect_high = 0.03125;
	s->best = -1;
	if (v->has_best) {
		s->samples[0].offset = 99.0;
		s->samples[0].delay = 0.5;
		s->samples[1].offset = v->offset;
		s->samples[1].delay = 0.01;
		s->samples[1].rootdist = 0.01;
		s->nsamples = 2;
		s->best = 1;
	}
}

START_TEST(test_why_text)
{
	const struct why_vec *v = &why_vecs[_i];
	struct ntp_server s;
	struct ntp_query_opts o;
	char buf[256];

	make_server(&s, v);
	ntp_query_opts_default(&o);
	o.timeout = v->timeout;
	o.limits.maxdist = v->maxdist;
	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(ntp_server_why(&s, &o, buf, sizeof(buf)), buf);
	ck_assert_msg(strcmp(buf, v->want) == 0, "row %d: got \"%s\", want "
	    "\"%s\"", _i, buf, v->want);
}
END_TEST

/* The errno is the server's, not whatever errno happens to hold. */
START_TEST(test_why_uses_server_errno)
{
	struct ntp_server s;
	struct ntp_query_opts o;
	char buf[256];

	memset(&s, 0, sizeof(s));
	s.reason = NTP_R_UNREACH;
	s.sys_errno = ECONNREFUSED;
	s.nsent = 2;
	s.best = -1;
	ntp_query_opts_default(&o);
	errno = ENOMEM;
	ntp_server_why(&s, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "unreachable (ICMP error): Connection refused (2 requests)");
}
END_TEST

/* A short buffer gets a truncated, terminated line. */
START_TEST(test_why_truncates)
{
	static const size_t lens[] = { 1, 2, 12, 33 };
	struct ntp_server s;
	struct ntp_query_opts o;
	const char *full = "no reply within 2 s (4 requests)";
	char buf[64];
	size_t i;

	memset(&s, 0, sizeof(s));
	s.reason = NTP_R_NO_REPLY;
	s.nsent = 4;
	s.best = -1;
	ntp_query_opts_default(&o);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		ck_assert_ptr_eq(ntp_server_why(&s, &o, buf, lens[i]), buf);
		ck_assert_uint_eq(strlen(buf), lens[i] - 1);
		ck_assert_int_eq(strncmp(buf, full, lens[i] - 1), 0);
		ck_assert_int_eq(buf[lens[i]], 'x');
	}
}
END_TEST

START_TEST(test_servers_addressed)
{
	struct ntp_server srv[5];

	memset(srv, 0, sizeof(srv));
	ck_assert_uint_eq(ntp_servers_addressed(srv, 5), 0);
	ck_assert_uint_eq(ntp_servers_addressed(srv, 0), 0);
	srv[0].addrlen = sizeof(struct sockaddr_in);
	srv[2].addrlen = sizeof(struct sockaddr_in6);
	srv[4].addrlen = sizeof(struct sockaddr_in);
	srv[1].reason = NTP_R_RESOLVE;	/* no address: the name failed */
	srv[3].reason = NTP_R_RESOLVE;
	ck_assert_uint_eq(ntp_servers_addressed(srv, 5), 3);
	ck_assert_uint_eq(ntp_servers_addressed(srv, 4), 2);
	ck_assert_uint_eq(ntp_servers_addressed(srv, 2), 1);
	ck_assert_uint_eq(ntp_servers_addressed(srv + 1, 1), 0);
	ck_assert_uint_eq(ntp_servers_addressed(srv, 0), 0);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("ntp_report");
	TCase *tc = tcase_create("report");

	tcase_add_loop_test(tc, test_why_text, 0, N_WHY_VECS);
	tcase_add_test(tc, test_why_uses_server_errno);
	tcase_add_test(tc, test_why_truncates);
	tcase_add_test(tc, test_servers_addressed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
