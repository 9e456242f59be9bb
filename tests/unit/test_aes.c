/*
 * AES-128 against FIPS 197 appendices A.1, B and C.1; AES-CMAC against
 * RFC 4493 §4.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_aes.h"

static void
unhex(const char *s, uint8_t *out)
{
	size_t i, n = strlen(s) / 2;
	unsigned int v;

	for (i = 0; i < n; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void
check_block(const char *key, const char *in, const char *want)
{
	struct ntp_aes128 a;
	uint8_t k[16], p[16], c[16], w[16];

	unhex(key, k);
	unhex(in, p);
	unhex(want, w);
	ntp_aes128_init(&a, k);
	ntp_aes128_encrypt(&a, p, c);
	ck_assert_mem_eq(c, w, 16);
}

START_TEST(test_fips197_appendix_b)
{
	check_block("2b7e151628aed2a6abf7158809cf4f3c",
	    "3243f6a8885a308d313198a2e0370734",
	    "3925841d02dc09fbdc118597196a0b32");
}
END_TEST

START_TEST(test_fips197_appendix_c1)
{
	check_block("000102030405060708090a0b0c0d0e0f",
	    "00112233445566778899aabbccddeeff",
	    "69c4e0d86a7b0430d8cdb78070b4c55a");
}
END_TEST

/* FIPS 197 A.1: the last round key, w[40..43]. */
START_TEST(test_fips197_key_expansion)
{
	struct ntp_aes128 a;
	uint8_t k[16], w[16];

	unhex("2b7e151628aed2a6abf7158809cf4f3c", k);
	unhex("d014f9a8c9ee2589e13f0cc8b6630ca6", w);
	ntp_aes128_init(&a, k);
	ck_assert_mem_eq(a.rk[10], w, 16);
	ck_assert_mem_eq(a.rk[0], k, 16);
}
END_TEST

/* In place: out may be in. */
START_TEST(test_encrypt_in_place)
{
	struct ntp_aes128 a;
	uint8_t k[16], b[16], w[16];

	unhex("000102030405060708090a0b0c0d0e0f", k);
	unhex("00112233445566778899aabbccddeeff", b);
	unhex("69c4e0d86a7b0430d8cdb78070b4c55a", w);
	ntp_aes128_init(&a, k);
	ntp_aes128_encrypt(&a, b, b);
	ck_assert_mem_eq(b, w, 16);
}
END_TEST

static const char rfc4493_msg[] =
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710";

static const struct {
	size_t		len;
	const char	*mac;
} cmac_vecs[] = {
	{ 0, "bb1d6929e95937287fa37d129b756746" },
	{ 16, "070a16b46b4d4144f79bdd9dd04a287c" },
	{ 40, "dfa66747de9ae63030ca32611497c827" },
	{ 64, "51f0bebf7e3b9d92fc49741779363cfe" },
};

START_TEST(test_rfc4493_cmac)
{
	uint8_t k[16], msg[64], mac[16], want[16];

	unhex("2b7e151628aed2a6abf7158809cf4f3c", k);
	unhex(rfc4493_msg, msg);
	unhex(cmac_vecs[_i].mac, want);
	ntp_aes_cmac(k, msg, cmac_vecs[_i].len, mac);
	ck_assert_mem_eq(mac, want, 16);
}
END_TEST

/* The 48-byte NTP header: three blocks, the last complete (K1). */
START_TEST(test_cmac_one_bit_changes_mac)
{
	uint8_t k[16], msg[48], a[16], b[16];

	memset(k, 0x11, sizeof(k));
	memset(msg, 0x5a, sizeof(msg));
	ntp_aes_cmac(k, msg, sizeof(msg), a);
	msg[47] ^= 1;
	ntp_aes_cmac(k, msg, sizeof(msg), b);
	ck_assert(memcmp(a, b, 16) != 0);
}
END_TEST

static Suite *
aes_suite(void)
{
	Suite *s = suite_create("aes");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fips197_appendix_b);
	tcase_add_test(tc, test_fips197_appendix_c1);
	tcase_add_test(tc, test_fips197_key_expansion);
	tcase_add_test(tc, test_encrypt_in_place);
	tcase_add_loop_test(tc, test_rfc4493_cmac, 0,
	    (int)(sizeof(cmac_vecs) / sizeof(cmac_vecs[0])));
	tcase_add_test(tc, test_cmac_one_bit_changes_mac);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(aes_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
