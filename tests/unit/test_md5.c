/* MD5 against the RFC 1321 appendix A.5 test suite. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_md5.h"

static const struct {
	const char	*msg;
	const char	*hex;
} vecs[] = {
	{ "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	  "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ "1234567890123456789012345678901234567890123456789012345678901234"
	  "5678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
};
#define NVECS	(int)(sizeof(vecs) / sizeof(vecs[0]))

static void
tohex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

START_TEST(test_rfc1321_vectors)
{
	struct ntp_md5 c;
	uint8_t d[NTP_MD5_LEN];
	char hex[2 * NTP_MD5_LEN + 1];

	ntp_md5_init(&c);
	ntp_md5_update(&c, vecs[_i].msg, strlen(vecs[_i].msg));
	ntp_md5_final(&c, d);
	tohex(d, sizeof(d), hex);
	ck_assert_str_eq(hex, vecs[_i].hex);
}
END_TEST

/* Byte-at-a-time updates cross the 64-byte block and padding edges. */
START_TEST(test_split_updates_same_digest)
{
	struct ntp_md5 c;
	uint8_t whole[NTP_MD5_LEN], parts[NTP_MD5_LEN], msg[200];
	size_t len, i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (len = 0; len <= sizeof(msg); len++) {
		ntp_md5_init(&c);
		ntp_md5_update(&c, msg, len);
		ntp_md5_final(&c, whole);
		ntp_md5_init(&c);
		for (i = 0; i < len; i++)
			ntp_md5_update(&c, msg + i, 1);
		ntp_md5_final(&c, parts);
		ck_assert_mem_eq(whole, parts, sizeof(whole));
	}
}
END_TEST

START_TEST(test_million_a)
{
	struct ntp_md5 c;
	uint8_t d[NTP_MD5_LEN], blk[1000];
	char hex[2 * NTP_MD5_LEN + 1];
	int i;

	memset(blk, 'a', sizeof(blk));
	ntp_md5_init(&c);
	for (i = 0; i < 1000; i++)
		ntp_md5_update(&c, blk, sizeof(blk));
	ntp_md5_final(&c, d);
	tohex(d, sizeof(d), hex);
	ck_assert_str_eq(hex, "7707d6ae4e027c70eea2a935c2296f21");
}
END_TEST

START_TEST(test_final_wipes_context)
{
	struct ntp_md5 c, zero;
	uint8_t d[NTP_MD5_LEN];

	ntp_md5_init(&c);
	ntp_md5_update(&c, "secret key", 10);
	ntp_md5_final(&c, d);
	memset(&zero, 0, sizeof(zero));
	ck_assert_mem_eq(&c, &zero, sizeof(c));
}
END_TEST

static Suite *
md5_suite(void)
{
	Suite *s = suite_create("md5");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_rfc1321_vectors, 0, NVECS);
	tcase_add_test(tc, test_split_updates_same_digest);
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_final_wipes_context);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(md5_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
