/*
 * Unit tests for lib/nts_ef.c: the extension fields' byte layout
 * (RFC 8915 §5.3-5.6, RFC 7822 padding and minimum length) and the parse
 * of an NTS reply, with malformed layouts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nts_ef.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

START_TEST(test_put_uid_layout)
{
	uint8_t buf[128], uid[NTS_UID_LEN];
	size_t off;

	memset(buf, 0xee, sizeof(buf));
	memset(uid, 0x11, sizeof(uid));
	off = nts_ef_put(buf, sizeof(buf), 48, NTS_EF_UID, uid, sizeof(uid));
	ck_assert_uint_eq(off, 48 + 36);
	ck_assert_uint_eq(be16(buf + 48), 0x0104);
	ck_assert_uint_eq(be16(buf + 50), 36);
	ck_assert_mem_eq(buf + 52, uid, 32);
	ck_assert_int_eq(buf[84], 0xee);	/* nothing written past */
}
END_TEST

START_TEST(test_put_pads_to_four_and_sixteen)
{
	uint8_t buf[64], body[5] = { 1, 2, 3, 4, 5 };
	size_t off;

	memset(buf, 0xee, sizeof(buf));
	off = nts_ef_put(buf, sizeof(buf), 0, NTS_EF_COOKIE, body, 5);
	ck_assert_uint_eq(off, 16);		/* 4 + 8, raised to 16 */
	ck_assert_uint_eq(be16(buf + 2), 16);
	ck_assert_mem_eq(buf + 4, body, 5);
	ck_assert_int_eq(buf[9], 0);
	ck_assert_int_eq(buf[15], 0);
	off = nts_ef_put(buf, sizeof(buf), 0, NTS_EF_COOKIE, body, 0);
	ck_assert_uint_eq(off, 16);
}
END_TEST

START_TEST(test_put_placeholder_zero_body)
{
	uint8_t buf[256];
	size_t off, i;

	memset(buf, 0xee, sizeof(buf));
	off = nts_ef_put(buf, sizeof(buf), 0, NTS_EF_PLACEHOLDER, NULL, 102);
	ck_assert_uint_eq(off, 4 + 104);
	ck_assert_uint_eq(be16(buf), 0x0304);
	for (i = 4; i < off; i++)
		ck_assert_int_eq(buf[i], 0);
}
END_TEST

START_TEST(test_put_does_not_overflow)
{
	uint8_t buf[40];

	ck_assert_uint_eq(nts_ef_put(buf, sizeof(buf), 8, NTS_EF_UID, NULL,
	    32), 0);
	ck_assert_uint_eq(nts_ef_put(buf, sizeof(buf), 41, NTS_EF_UID, NULL,
	    0), 0);
	ck_assert_uint_eq(nts_ef_put_auth(buf, sizeof(buf) - 1, 0,
	    (const uint8_t *)"0123456789abcdef", 16,
	    (const uint8_t *)"0123456789abcdef", 16), 0);
}
END_TEST

START_TEST(test_put_auth_layout)
{
	uint8_t buf[128], nonce[16], ct[18];
	size_t off;

	memset(nonce, 0xaa, sizeof(nonce));
	memset(ct, 0xcc, sizeof(ct));
	memset(buf, 0xee, sizeof(buf));
	off = nts_ef_put_auth(buf, sizeof(buf), 0, nonce, 16, ct, 18);
	ck_assert_uint_eq(off, 8 + 16 + 20);
	ck_assert_uint_eq(be16(buf), 0x0404);
	ck_assert_uint_eq(be16(buf + 2), 44);
	ck_assert_uint_eq(be16(buf + 4), 16);	/* nonce length */
	ck_assert_uint_eq(be16(buf + 6), 18);	/* ciphertext length */
	ck_assert_mem_eq(buf + 8, nonce, 16);
	ck_assert_mem_eq(buf + 24, ct, 18);
	ck_assert_int_eq(buf[42], 0);		/* padding */
	ck_assert_int_eq(buf[43], 0);
}
END_TEST

/* A reply: header, UID, authenticator (nonce 16, ciphertext 32). */
static size_t
reply(uint8_t *buf, size_t cap)
{
	uint8_t uid[32], nonce[16], ct[32];
	size_t off;

	memset(buf, 0, NTP_HEADER_LEN);
	memset(uid, 0x55, sizeof(uid));
	memset(nonce, 0xaa, sizeof(nonce));
	memset(ct, 0xcc, sizeof(ct));
	off = nts_ef_put(buf, cap, NTP_HEADER_LEN, NTS_EF_UID, uid, 32);
	return nts_ef_put_auth(buf, cap, off, nonce, 16, ct, 32);
}

START_TEST(test_parse_reply)
{
	uint8_t buf[256];
	struct nts_ef_reply r;
	size_t n = reply(buf, sizeof(buf));

	ck_assert_int_eq(nts_ef_parse(buf, n, &r), 0);
	ck_assert_ptr_eq(r.uid, buf + 52);
	ck_assert_uint_eq(r.uid_len, 32);
	ck_assert_uint_eq(r.auth_off, 48 + 36);
	ck_assert_ptr_eq(r.nonce, buf + 84 + 8);
	ck_assert_uint_eq(r.nonce_len, 16);
	ck_assert_ptr_eq(r.ct, buf + 84 + 24);
	ck_assert_uint_eq(r.ct_len, 32);
}
END_TEST

START_TEST(test_parse_ignores_fields_after_authenticator)
{
	uint8_t buf[256];
	struct nts_ef_reply r;
	size_t n = reply(buf, sizeof(buf));

	n = nts_ef_put(buf, sizeof(buf), n, NTS_EF_UID, NULL, 32);
	ck_assert_int_eq(nts_ef_parse(buf, n, &r), 0);
	ck_assert_ptr_eq(r.uid, buf + 52);
}
END_TEST

START_TEST(test_parse_skips_unknown_fields)
{
	uint8_t buf[256], uid[32];
	struct nts_ef_reply r;
	size_t off;

	memset(buf, 0, 48);
	memset(uid, 1, 32);
	off = nts_ef_put(buf, sizeof(buf), 48, 0x2005, NULL, 24);
	off = nts_ef_put(buf, sizeof(buf), off, NTS_EF_UID, uid, 32);
	off = nts_ef_put_auth(buf, sizeof(buf), off, uid, 16, uid, 16);
	ck_assert_int_eq(nts_ef_parse(buf, off, &r), 0);
	ck_assert_uint_eq(r.auth_off, 48 + 28 + 36);
}
END_TEST

START_TEST(test_parse_no_uid)
{
	uint8_t buf[256], x[16] = { 0 };
	struct nts_ef_reply r;
	size_t off;

	memset(buf, 0, 48);
	off = nts_ef_put_auth(buf, sizeof(buf), 48, x, 16, x, 16);
	ck_assert_int_eq(nts_ef_parse(buf, off, &r), NTP_R_NTS_UID);
	ck_assert_int_eq(nts_ef_parse(buf, 48, &r), NTP_R_NTS_UID);
}
END_TEST

START_TEST(test_parse_two_uids)
{
	uint8_t buf[256], x[16] = { 0 };
	struct nts_ef_reply r;
	size_t off;

	memset(buf, 0, 48);
	off = nts_ef_put(buf, sizeof(buf), 48, NTS_EF_UID, NULL, 32);
	off = nts_ef_put(buf, sizeof(buf), off, NTS_EF_UID, NULL, 32);
	off = nts_ef_put_auth(buf, sizeof(buf), off, x, 16, x, 16);
	ck_assert_int_eq(nts_ef_parse(buf, off, &r), NTP_R_NTS_UID);
}
END_TEST

START_TEST(test_parse_no_authenticator)
{
	uint8_t buf[256];
	struct nts_ef_reply r;
	size_t off;

	memset(buf, 0, 48);
	off = nts_ef_put(buf, sizeof(buf), 48, NTS_EF_UID, NULL, 32);
	ck_assert_int_eq(nts_ef_parse(buf, off, &r), NTP_R_NTS_AUTH);
	ck_assert_ptr_nonnull(r.uid);	/* the NTSN case needs it */
}
END_TEST

/* Authenticator bodies whose lengths do not add up. */
START_TEST(test_parse_bad_authenticator_lengths)
{
	static const struct { unsigned nlen, ctlen; } t[] = {
		{ 0, 16 },	/* no nonce */
		{ 16, 15 },	/* ciphertext shorter than the SIV */
		{ 16, 40 },	/* ciphertext past the field */
		{ 60, 16 },	/* nonce past the field */
	};
	uint8_t buf[256];
	struct nts_ef_reply r;
	size_t off, auth, i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(buf, 0, sizeof(buf));
		off = nts_ef_put(buf, sizeof(buf), 48, NTS_EF_UID, NULL, 32);
		auth = off;
		off = nts_ef_put(buf, sizeof(buf), off, NTS_EF_AUTH, NULL,
		    4 + 16 + 16);
		buf[auth + 4] = (uint8_t)(t[i].nlen >> 8);
		buf[auth + 5] = (uint8_t)t[i].nlen;
		buf[auth + 6] = (uint8_t)(t[i].ctlen >> 8);
		buf[auth + 7] = (uint8_t)t[i].ctlen;
		ck_assert_msg(nts_ef_parse(buf, off, &r) == NTP_R_NTS_AUTH,
		    "case %zu", i);
	}
}
END_TEST

/* Field lengths: under 16, not a multiple of 4, past the end, a tail. */
START_TEST(test_parse_bad_layout)
{
	static const unsigned lens[] = { 12, 0, 38, 400 };
	uint8_t buf[256];
	struct nts_ef_reply r;
	size_t i, off;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(buf, 0, sizeof(buf));
		off = nts_ef_put(buf, sizeof(buf), 48, NTS_EF_UID, NULL, 32);
		buf[50] = (uint8_t)(lens[i] >> 8);
		buf[51] = (uint8_t)lens[i];
		ck_assert_msg(nts_ef_parse(buf, off, &r) == NTP_R_LAYOUT,
		    "length %u", lens[i]);
	}
	off = reply(buf, sizeof(buf));
	ck_assert_int_eq(nts_ef_parse(buf, 50, &r), NTP_R_LAYOUT);
	ck_assert_int_eq(nts_ef_parse(buf, 47, &r), NTP_R_SHORT);
	(void)off;
}
END_TEST

/* The packet decoder takes an NTS reply (fields, no MAC) as it is, from
 * the smallest authenticator to one carrying seven cookies. */
START_TEST(test_pkt_decode_accepts_nts_reply)
{
	static const uint8_t ct[16 + 7 * 104];
	uint8_t buf[NTP_PKT_MAXLEN], x[16] = { 0 };
	struct ntp_pkt p;
	size_t off, ctlen;

	for (ctlen = 16; ctlen <= 16 + 7 * 104; ctlen += 104) {
		memset(buf, 0, sizeof(buf));
		buf[0] = 0x24;
		off = nts_ef_put(buf, sizeof(buf), 48, NTS_EF_UID, NULL, 32);
		off = nts_ef_put_auth(buf, sizeof(buf), off, x, 16, ct, ctlen);
		ck_assert_uint_ne(off, 0);
		ck_assert_int_eq(ntp_pkt_decode(buf, off, &p), 0);
		ck_assert_uint_eq(p.ext_count, 2);
		ck_assert_uint_eq(p.ext_len, off - 48);
		ck_assert_int_eq(p.has_mac, 0);
	}
}
END_TEST

START_TEST(test_next_walks_fields)
{
	uint8_t buf[128];
	const uint8_t *body;
	size_t off = 0, n, blen;
	uint16_t type;

	n = nts_ef_put(buf, sizeof(buf), 0, NTS_EF_COOKIE, NULL, 20);
	n = nts_ef_put(buf, sizeof(buf), n, NTS_EF_COOKIE, NULL, 8);
	ck_assert_int_eq(nts_ef_next(buf, n, &off, &type, &body, &blen), 1);
	ck_assert_uint_eq(type, NTS_EF_COOKIE);
	ck_assert_uint_eq(blen, 20);
	ck_assert_int_eq(nts_ef_next(buf, n, &off, &type, &body, &blen), 1);
	ck_assert_uint_eq(blen, 12);
	ck_assert_int_eq(nts_ef_next(buf, n, &off, &type, &body, &blen), 0);
	off = 0;
	ck_assert_int_eq(nts_ef_next(buf, 3, &off, &type, &body, &blen), -1);
}
END_TEST

static Suite *
nts_ef_suite(void)
{
	Suite *s = suite_create("nts_ef");
	TCase *tc = tcase_create("nts_ef");

	tcase_add_test(tc, test_put_uid_layout);
	tcase_add_test(tc, test_put_pads_to_four_and_sixteen);
	tcase_add_test(tc, test_put_placeholder_zero_body);
	tcase_add_test(tc, test_put_does_not_overflow);
	tcase_add_test(tc, test_put_auth_layout);
	tcase_add_test(tc, test_parse_reply);
	tcase_add_test(tc, test_parse_ignores_fields_after_authenticator);
	tcase_add_test(tc, test_parse_skips_unknown_fields);
	tcase_add_test(tc, test_parse_no_uid);
	tcase_add_test(tc, test_parse_two_uids);
	tcase_add_test(tc, test_parse_no_authenticator);
	tcase_add_test(tc, test_parse_bad_authenticator_lengths);
	tcase_add_test(tc, test_parse_bad_layout);
	tcase_add_test(tc, test_pkt_decode_accepts_nts_reply);
	tcase_add_test(tc, test_next_walks_fields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nts_ef_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
