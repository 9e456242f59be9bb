/* SHA-1 against FIPS 180-4 examples (NIST CSRC) and RFC 3174 §7.3. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_sha1.h"

static const struct {
	const char	*msg;
	const char	*hex;
} vecs[] = {
	{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "a49b2446a02c645bf419f995b67091253a04a259" },
};
#define NVECS	(int)(sizeof(vecs) / sizeof(vecs[0]))

static void
tohex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

START_TEST(test_fips180_vectors)
{
	struct ntp_sha1 c;
	uint8_t d[NTP_SHA1_LEN];
	char hex[2 * NTP_SHA1_LEN + 1];

	ntp_sha1_init(&c);
	ntp_sha1_update(&c, vecs[_i].msg, strlen(vecs[_i].msg));
	ntp_sha1_final(&c, d);
	tohex(d, sizeof(d), hex);
	ck_assert_str_eq(hex, vecs[_i].hex);
}
END_TEST

/* Byte-at-a-time updates cross the 64-byte block and padding edges. */
START_TEST(test_split_updates_same_digest)
{
	struct ntp_sha1 c;
	uint8_t whole[NTP_SHA1_LEN], parts[NTP_SHA1_LEN], msg[200];
	size_t len, i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (len = 0; len <= sizeof(msg); len++) {
		ntp_sha1_init(&c);
		ntp_sha1_update(&c, msg, len);
		ntp_sha1_final(&c, whole);
		ntp_sha1_init(&c);
		for (i = 0; i < len; i++)
			ntp_sha1_update(&c, msg + i, 1);
		ntp_sha1_final(&c, parts);
		ck_assert_mem_eq(whole, parts, sizeof(whole));
	}
}
END_TEST

START_TEST(test_million_a)
{
	struct ntp_sha1 c;
	uint8_t d[NTP_SHA1_LEN], blk[1000];
	char hex[2 * NTP_SHA1_LEN + 1];
	int i;

	memset(blk, 'a', sizeof(blk));
	ntp_sha1_init(&c);
	for (i = 0; i < 1000; i++)
		ntp_sha1_update(&c, blk, sizeof(blk));
	ntp_sha1_final(&c, d);
	tohex(d, sizeof(d), hex);
	ck_assert_str_eq(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}
END_TEST

/* RFC 3174 §7.3 TEST4: 64 bytes ten times over. */
START_TEST(test_rfc3174_test4)
{
	static const char blk[] =
	    "0123456701234567012345670123456701234567012345670123456701234567";
	struct ntp_sha1 c;
	uint8_t d[NTP_SHA1_LEN];
	char hex[2 * NTP_SHA1_LEN + 1];
	int i;

	ntp_sha1_init(&c);
	for (i = 0; i < 10; i++)
		ntp_sha1_update(&c, blk, 64);
	ntp_sha1_final(&c, d);
	tohex(d, sizeof(d), hex);
	ck_assert_str_eq(hex, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}
END_TEST

START_TEST(test_final_wipes_context)
{
	struct ntp_sha1 c, zero;
	uint8_t d[NTP_SHA1_LEN];

	ntp_sha1_init(&c);
	ntp_sha1_update(&c, "secret key", 10);
	ntp_sha1_final(&c, d);
	memset(&zero, 0, sizeof(zero));
	ck_assert_mem_eq(&c, &zero, sizeof(c));
}
END_TEST

static Suite *
sha1_suite(void)
{
	Suite *s = suite_create("sha1");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_fips180_vectors, 0, NVECS);
	tcase_add_test(tc, test_split_updates_same_digest);
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_rfc3174_test4);
	tcase_add_test(tc, test_final_wipes_context);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sha1_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
