/*
 * Unit tests for lib/nts_ke.c: the request's bytes, the reply's records
 * (a chrony-like reply, then a table of malformed ones), the certificate
 * time rule, and one exchange through fake TLS ops.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nts_ke.h"

/* Append a record to buf at *n. */
static void
rec(uint8_t *buf, size_t *n, unsigned type, const uint8_t *body,
    size_t blen)
{
	buf[(*n)++] = (uint8_t)(type >> 8);
	buf[(*n)++] = (uint8_t)type;
	buf[(*n)++] = (uint8_t)(blen >> 8);
	buf[(*n)++] = (uint8_t)blen;
	if (blen > 0)
		memcpy(buf + *n, body, blen);
	*n += blen;
}

#define C	NTS_REC_CRITICAL
static const uint8_t NTPV4[2] = { 0, 0 }, SIV[2] = { 0, 15 };
static const uint8_t COOKIE1[5] = { 1, 2, 3, 4, 5 }, COOKIE2[3] = { 9, 8, 7 };

/* What chronyd sends: next protocol, AEAD, cookies, End of Message. */
static size_t
good_reply(uint8_t *buf)
{
	size_t n = 0;

	rec(buf, &n, C | NTS_REC_NEXTPROTO, NTPV4, 2);
	rec(buf, &n, C | NTS_REC_AEAD, SIV, 2);
	rec(buf, &n, NTS_REC_COOKIE, COOKIE1, sizeof(COOKIE1));
	rec(buf, &n, NTS_REC_COOKIE, COOKIE2, sizeof(COOKIE2));
	rec(buf, &n, C | NTS_REC_EOM, NULL, 0);
	return n;
}

START_TEST(test_request_bytes)
{
	static const uint8_t want[16] = {
		0x80, 0x01, 0x00, 0x02, 0x00, 0x00,	/* NTPv4 */
		0x80, 0x04, 0x00, 0x02, 0x00, 0x0f,	/* AES-SIV-CMAC-256 */
		0x80, 0x00, 0x00, 0x00			/* End of Message */
	};
	uint8_t buf[64];

	ck_assert_int_eq(nts_ke_request(buf, sizeof(buf)), 16);
	ck_assert_mem_eq(buf, want, 16);
	ck_assert_int_eq(nts_ke_request(buf, 15), -1);
}
END_TEST

START_TEST(test_parse_good_reply)
{
	uint8_t buf[256];
	struct nts_ke_reply r;
	size_t n = good_reply(buf);

	ck_assert_int_eq(nts_ke_parse(buf, n, &r), NTS_KE_OK);
	ck_assert_int_eq(r.nextproto, 0);
	ck_assert_int_eq(r.aead, 15);
	ck_assert_uint_eq(r.ncookies, 2);
	ck_assert_uint_eq(r.cookie_len[0], 5);
	ck_assert_mem_eq(r.cookie[0], COOKIE1, 5);
	ck_assert_uint_eq(r.cookie_len[1], 3);
	ck_assert_mem_eq(r.cookie[1], COOKIE2, 3);
	ck_assert_str_eq(r.server, "");
	ck_assert_int_eq(r.port, 0);
	ck_assert_uint_eq(r.len, n);
}
END_TEST

/* Every prefix of a good reply is incomplete, never an error. */
START_TEST(test_parse_every_prefix_incomplete)
{
	uint8_t buf[256];
	struct nts_ke_reply r;
	size_t n = good_reply(buf), k;

	for (k = 0; k < n; k++)
		ck_assert_msg(nts_ke_parse(buf, k, &r) == NTS_KE_INCOMPLETE,
		    "prefix of %zu bytes", k);
}
END_TEST

START_TEST(test_parse_negotiation_and_unknown_noncritical)
{
	uint8_t buf[256], port[2] = { 0x04, 0x63 };	/* 1123 */
	struct nts_ke_reply r;
	size_t n = 0;

	rec(buf, &n, C | NTS_REC_NEXTPROTO, NTPV4, 2);
	rec(buf, &n, NTS_REC_AEAD, SIV, 2);	/* critical bit optional */
	rec(buf, &n, 0x4000, (const uint8_t *)"xyz", 3);  /* unknown */
	rec(buf, &n, NTS_REC_SERVER, (const uint8_t *)"ntp.example", 11);
	rec(buf, &n, C | NTS_REC_PORT, port, 2);
	rec(buf, &n, NTS_REC_COOKIE, COOKIE1, sizeof(COOKIE1));
	rec(buf, &n, C | NTS_REC_EOM, NULL, 0);
	ck_assert_int_eq(nts_ke_parse(buf, n, &r), NTS_KE_OK);
	ck_assert_str_eq(r.server, "ntp.example");
	ck_assert_int_eq(r.port, 1123);
}
END_TEST

START_TEST(test_parse_keeps_at_most_eight_cookies)
{
	uint8_t buf[512];
	struct nts_ke_reply r;
	size_t n = 0, i;

	rec(buf, &n, C | NTS_REC_NEXTPROTO, NTPV4, 2);
	rec(buf, &n, C | NTS_REC_AEAD, SIV, 2);
	for (i = 0; i < 10; i++)
		rec(buf, &n, NTS_REC_COOKIE, COOKIE1, sizeof(COOKIE1));
	rec(buf, &n, C | NTS_REC_EOM, NULL, 0);
	ck_assert_int_eq(nts_ke_parse(buf, n, &r), NTS_KE_OK);
	ck_assert_uint_eq(r.ncookies, NTS_MAXCOOKIES);
}
END_TEST

/* Malformed or unacceptable replies, each with the error it must give. */
struct bad {
	const char	*what;
	uint8_t		bytes[48];
	size_t		len;
	int		err;
};

#define NP	0x80, 0x01, 0x00, 0x02, 0x00, 0x00
#define AE	0x80, 0x04, 0x00, 0x02, 0x00, 0x0f
#define CK	0x00, 0x05, 0x00, 0x02, 0xab, 0xcd
#define EOM	0x80, 0x00, 0x00, 0x00

static const struct bad bad[] = {
	{ "unknown critical record", { NP, AE, CK, 0x80, 0x63, 0, 0, EOM },
	    28, NTS_KE_CRITICAL },
	{ "End of Message with a body", { NP, AE, CK, 0x80, 0, 0, 1, 0 },
	    23, NTS_KE_BAD_LENGTH },
	{ "End of Message not critical", { NP, AE, CK, 0, 0, 0, 0 }, 22,
	    NTS_KE_NOT_CRITICAL },
	{ "next protocol not critical", { 0, 1, 0, 2, 0, 0, AE, CK, EOM },
	    22, NTS_KE_NOT_CRITICAL },
	{ "next protocol odd length", { 0x80, 1, 0, 1, 0, AE, CK, EOM }, 21,
	    NTS_KE_BAD_LENGTH },
	{ "next protocol two choices", { 0x80, 1, 0, 4, 0, 0, 0, 1, AE, CK,
	    EOM }, 24, NTS_KE_BAD_LENGTH },
	{ "next protocol twice", { NP, NP, AE, CK, EOM }, 28,
	    NTS_KE_DUPLICATE },
	{ "next protocol missing", { AE, CK, EOM }, 16, NTS_KE_NO_PROTO },
	{ "next protocol empty", { 0x80, 1, 0, 0, AE, CK, EOM }, 20,
	    NTS_KE_NO_PROTO },
	{ "next protocol not NTPv4", { 0x80, 1, 0, 2, 0x80, 0, AE, CK, EOM },
	    22, NTS_KE_NO_PROTO },
	{ "AEAD missing", { NP, CK, EOM }, 16, NTS_KE_NO_AEAD },
	{ "AEAD not ours", { NP, 0x80, 4, 0, 2, 0, 30, CK, EOM }, 22,
	    NTS_KE_NO_AEAD },
	{ "AEAD empty", { NP, 0x80, 4, 0, 0, CK, EOM }, 20,
	    NTS_KE_NO_AEAD },
	{ "no cookies", { NP, AE, EOM }, 16, NTS_KE_NO_COOKIES },
	{ "empty cookie", { NP, AE, 0, 5, 0, 0, EOM }, 20,
	    NTS_KE_BAD_LENGTH },
	{ "error record", { 0x80, 2, 0, 2, 0, 1, EOM }, 10,
	    NTS_KE_ERROR_REC },
	{ "error record odd length", { 0x80, 2, 0, 1, 0, EOM }, 9,
	    NTS_KE_BAD_LENGTH },
	{ "error record not critical", { 0, 2, 0, 2, 0, 1, EOM }, 10,
	    NTS_KE_NOT_CRITICAL },
	{ "warning record", { NP, AE, CK, 0x80, 3, 0, 2, 0, 7, EOM }, 28,
	    NTS_KE_WARNING_REC },
	{ "port length 1", { NP, AE, CK, 0x80, 7, 0, 1, 9, EOM }, 27,
	    NTS_KE_BAD_LENGTH },
	{ "port zero", { NP, AE, CK, 0x80, 7, 0, 2, 0, 0, EOM }, 28,
	    NTS_KE_BAD_LENGTH },
	{ "port twice", { NP, AE, CK, 0, 7, 0, 2, 0, 9, 0, 7, 0, 2, 0, 9,
	    EOM }, 34, NTS_KE_DUPLICATE },
	{ "server name empty", { NP, AE, CK, 0, 6, 0, 0, EOM }, 26,
	    NTS_KE_BAD_LENGTH },
	{ "server name with a slash", { NP, AE, CK, 0, 6, 0, 3, 'a', '/',
	    'b', EOM }, 29, NTS_KE_BAD_SERVER },
	{ "server name with a NUL", { NP, AE, CK, 0, 6, 0, 2, 'a', 0, EOM },
	    28, NTS_KE_BAD_SERVER },
	{ "bytes after End of Message", { NP, AE, CK, EOM, 0 }, 23,
	    NTS_KE_TRAILING },
};

START_TEST(test_parse_malformed)
{
	const struct bad *b = &bad[_i];
	struct nts_ke_reply r;

	ck_assert_msg(nts_ke_parse(b->bytes, b->len, &r) == b->err,
	    "%s: got %d (%s), want %d (%s)", b->what,
	    nts_ke_parse(b->bytes, b->len, &r),
	    nts_ke_strerror(nts_ke_parse(b->bytes, b->len, &r)), b->err,
	    nts_ke_strerror(b->err));
}
END_TEST

START_TEST(test_parse_error_code_kept)
{
	static const uint8_t b[] = { 0x80, 2, 0, 2, 0, 2, EOM };
	struct nts_ke_reply r;

	ck_assert_int_eq(nts_ke_parse(b, sizeof(b), &r), NTS_KE_ERROR_REC);
	ck_assert_int_eq(r.error, 2);
	ck_assert_str_eq(nts_ke_error_name(2), "internal server error");
	ck_assert_str_eq(nts_ke_error_name(0), "unrecognized critical record");
	ck_assert_str_eq(nts_ke_error_name(1), "bad request");
}
END_TEST

START_TEST(test_parse_too_long_without_end)
{
	static uint8_t buf[NTS_KE_MAXMSG + 8];
	struct nts_ke_reply r;

	buf[0] = 0;
	buf[1] = NTS_REC_COOKIE;
	buf[2] = 0xff;
	buf[3] = 0xff;
	ck_assert_int_eq(nts_ke_parse(buf, sizeof(buf), &r), NTS_KE_TOO_LONG);
}
END_TEST

START_TEST(test_every_error_has_text)
{
	ck_assert_str_ne(nts_ke_strerror(_i), "unknown NTS-KE error");
}
END_TEST

START_TEST(test_cert_time_rule)
{
	const int64_t build = 1000000, day = 86400;

	/* A clock at or after the build date is believed. */
	ck_assert_int_eq(nts_cert_time_check(build + 10, build, build,
	    build + day), NTS_KE_OK);
	ck_assert_int_eq(nts_cert_time_check(build + 2 * day, build, build,
	    build + day), NTS_KE_CERT_TIME);
	ck_assert_int_eq(nts_cert_time_check(build + 10, build, build + 20,
	    build + day), NTS_KE_CERT_TIME);
	/* A clock before the build date: judged at the build date. */
	ck_assert_int_eq(nts_cert_time_check(0, build, build + day,
	    build + 2 * day), NTS_KE_OK);
	ck_assert_int_eq(nts_cert_time_check(0, build, 0, build - 1),
	    NTS_KE_CERT_TIME);
	ck_assert_int_eq(nts_cert_time_check(0, build, 0, build), NTS_KE_OK);
}
END_TEST

/* Fake TLS: replies from a script, in chunks; failures on demand. */
struct fake {
	const uint8_t	*reply;
	size_t		len, pos, chunk;
	int		open_err, export_fail, sent, closed;
	uint8_t		req[64];
	size_t		reqlen;
};

static void *
f_open(void *ctx, const struct nts_tls_params *p, int *err, char *eb,
    size_t el)
{
	struct fake *f = ctx;

	(void)p;
	if (f->open_err != 0) {
		*err = f->open_err;
		snprintf(eb, el, "fake says no");
		return NULL;
	}
	return f;
}

static ssize_t
f_send(void *c, const uint8_t *b, size_t n, char *eb, size_t el)
{
	struct fake *f = c;

	(void)eb;
	(void)el;
	memcpy(f->req, b, n < sizeof(f->req) ? n : sizeof(f->req));
	f->reqlen = n;
	f->sent = 1;
	return (ssize_t)n;
}

static ssize_t
f_recv(void *c, uint8_t *b, size_t n, char *eb, size_t el)
{
	struct fake *f = c;
	size_t k = f->len - f->pos;

	(void)eb;
	(void)el;
	if (k > f->chunk)
		k = f->chunk;
	if (k > n)
		k = n;
	memcpy(b, f->reply + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static int
f_export(void *c, uint8_t c2s[NTS_KEYLEN], uint8_t s2c[NTS_KEYLEN])
{
	struct fake *f = c;

	memset(c2s, 0xc2, NTS_KEYLEN);
	memset(s2c, 0x2c, NTS_KEYLEN);
	return f->export_fail ? -1 : 0;
}

static void
f_close(void *c)
{
	((struct fake *)c)->closed = 1;
}

static const struct nts_tls_params params = { NULL, 0, "ntp.test", NULL,
    1.0 };

static int
exchange(struct fake *f, struct nts_ke_result *res)
{
	struct nts_tls_ops ops = { f_open, f_send, f_recv, f_export, f_close,
	    f };

	return nts_ke_exchange(&ops, &params, res);
}

START_TEST(test_exchange_in_small_chunks)
{
	uint8_t buf[256];
	struct fake f = { buf, good_reply(buf), 0, 3, 0, 0, 0, 0, { 0 }, 0 };
	struct nts_ke_result res;

	ck_assert_int_eq(exchange(&f, &res), NTS_KE_OK);
	ck_assert_int_eq(f.sent, 1);
	ck_assert_uint_eq(f.reqlen, 16);
	ck_assert_int_eq(f.closed, 1);
	ck_assert_uint_eq(res.reply.ncookies, 2);
	ck_assert_int_eq(res.c2s[0], 0xc2);
	ck_assert_int_eq(res.s2c[31], 0x2c);
}
END_TEST

START_TEST(test_exchange_truncated)
{
	uint8_t buf[256];
	struct fake f = { buf, good_reply(buf) - 4, 0, 100, 0, 0, 0, 0,
	    { 0 }, 0 };
	struct nts_ke_result res;

	ck_assert_int_eq(exchange(&f, &res), NTS_KE_TRUNCATED);
	ck_assert_int_eq(f.closed, 1);
	ck_assert_str_eq(res.detail, nts_ke_strerror(NTS_KE_TRUNCATED));
}
END_TEST

START_TEST(test_exchange_open_fails_with_text)
{
	struct fake f = { NULL, 0, 0, 1, NTS_KE_CERT_NAME, 0, 0, 0, { 0 },
	    0 };
	struct nts_ke_result res;

	ck_assert_int_eq(exchange(&f, &res), NTS_KE_CERT_NAME);
	ck_assert_str_eq(res.detail, "fake says no");
	ck_assert_int_eq(f.sent, 0);
}
END_TEST

START_TEST(test_exchange_error_record_detail)
{
	static const uint8_t b[] = { 0x80, 2, 0, 2, 0, 1, EOM };
	struct fake f = { b, sizeof(b), 0, 100, 0, 0, 0, 0, { 0 }, 0 };
	struct nts_ke_result res;

	ck_assert_int_eq(exchange(&f, &res), NTS_KE_ERROR_REC);
	ck_assert_str_eq(res.detail,
	    "the server sent an error record 1 (bad request)");
}
END_TEST

START_TEST(test_exchange_export_fails)
{
	uint8_t buf[256];
	struct fake f = { buf, good_reply(buf), 0, 100, 0, 1, 0, 0, { 0 },
	    0 };
	struct nts_ke_result res;

	ck_assert_int_eq(exchange(&f, &res), NTS_KE_EXPORT);
}
END_TEST

static Suite *
nts_ke_suite(void)
{
	Suite *s = suite_create("nts_ke");
	TCase *tc = tcase_create("nts_ke");

	tcase_add_test(tc, test_request_bytes);
	tcase_add_test(tc, test_parse_good_reply);
	tcase_add_test(tc, test_parse_every_prefix_incomplete);
	tcase_add_test(tc, test_parse_negotiation_and_unknown_noncritical);
	tcase_add_test(tc, test_parse_keeps_at_most_eight_cookies);
	tcase_add_loop_test(tc, test_parse_malformed, 0,
	    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_parse_error_code_kept);
	tcase_add_test(tc, test_parse_too_long_without_end);
	tcase_add_loop_test(tc, test_every_error_has_text, 0, NTS_KE_MAX);
	tcase_add_test(tc, test_cert_time_rule);
	tcase_add_test(tc, test_exchange_in_small_chunks);
	tcase_add_test(tc, test_exchange_truncated);
	tcase_add_test(tc, test_exchange_open_fails_with_text);
	tcase_add_test(tc, test_exchange_error_record_detail);
	tcase_add_test(tc, test_exchange_export_fails);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nts_ke_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
