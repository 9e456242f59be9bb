/*
 * Unit tests for lib/nts_aead.c (NTS=1 builds): AES-SIV-CMAC-256 with
 * one associated data string and a nonce, as RFC 8915 §5.6 uses it.
 *
 * RFC 5297's own vectors cannot be fed to this interface as they are:
 * A.1 has no nonce (GnuTLS and Nettle refuse an empty one) and A.2 has
 * two associated data strings.  The vectors below keep RFC 5297's keys,
 * data and nonce and were computed with an independent implementation
 * (OpenSSL's AES-SIV, through Python's cryptography package), which
 * reproduces A.1 and A.2 exactly; their S2V inputs are (AD, nonce, P).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nts_aead.h"

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (h[0] != '\0' && h[1] != '\0') {
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

struct vec {
	const char	*key, *ad, *nonce, *pt, *ct;
};

/* RFC 5297 A.1 key, AD and plaintext; A.2 key, AD1, nonce, plaintext. */
static const struct vec vecs[] = {
	{ "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "101112131415161718191a1b1c1d1e1f2021222324252627",
	  "09f911029d74e35bd84156c5635688c0",
	  "112233445566778899aabbccddee",
	  "b477a36b0d0f78987d985f3887a7572d52352f0ed261459e0de50f268260" },
	{ "7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f",
	  "00112233445566778899aabbccddeeffdeaddadadeaddadaffeeddccbbaa9988"
	  "7766554433221100",
	  "09f911029d74e35bd84156c5635688c0",
	  "7468697320697320736f6d6520706c61696e7465787420746f20656e6372797074"
	  "207573696e67205349562d414553",
	  "85825e22e90cf2ddda2c548dc7c1b6310dcdaca0cebf9dc6cb90583f5bf1506e"
	  "02cd48832b00e4e598b2b22a53e6199d4df0c1666a35a0433b250dc134d776" },
	/* Empty plaintext: what an NTS request's authenticator holds. */
	{ "7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f",
	  "102030405060708090a0",
	  "09f911029d74e35bd84156c5635688c0",
	  "",
	  "6b8cbe4dc32c76862f765bb033b2844c" },
};

START_TEST(test_seal_vector)
{
	const struct vec *v = &vecs[_i];
	uint8_t key[32], ad[64], nonce[16], pt[64], want[96], got[96];
	size_t adl = unhex(v->ad, ad), nl = unhex(v->nonce, nonce);
	size_t ptl = unhex(v->pt, pt), ctl = unhex(v->ct, want);

	ck_assert_uint_eq(unhex(v->key, key), 32);
	ck_assert_int_eq(nts_aead_seal(key, nonce, nl, ad, adl, pt, ptl, got,
	    sizeof(got)), (int)ctl);
	ck_assert_mem_eq(got, want, ctl);
}
END_TEST

START_TEST(test_open_vector)
{
	const struct vec *v = &vecs[_i];
	uint8_t key[32], ad[64], nonce[16], pt[64], ct[96], got[96];
	size_t adl = unhex(v->ad, ad), nl = unhex(v->nonce, nonce);
	size_t ptl = unhex(v->pt, pt), ctl = unhex(v->ct, ct);

	unhex(v->key, key);
	ck_assert_int_eq(nts_aead_open(key, nonce, nl, ad, adl, ct, ctl, got,
	    sizeof(got)), (int)ptl);
	ck_assert_mem_eq(got, pt, ptl);
}
END_TEST

/* Any change to key, nonce, AD or ciphertext is refused. */
START_TEST(test_open_refuses_tampering)
{
	const struct vec *v = &vecs[1];
	uint8_t key[32], ad[64], nonce[16], ct[96], got[96];
	size_t adl = unhex(v->ad, ad), nl = unhex(v->nonce, nonce);
	size_t ctl = unhex(v->ct, ct), i;

	unhex(v->key, key);
	for (i = 0; i < 4; i++) {
		uint8_t *p = i == 0 ? key : i == 1 ? nonce : i == 2 ? ad : ct;
		size_t at = i == 3 ? ctl - 1 : 5;

		p[at] ^= 0x01;
		ck_assert_msg(nts_aead_open(key, nonce, nl, ad, adl, ct, ctl,
		    got, sizeof(got)) == -1, "tampered %zu accepted", i);
		p[at] ^= 0x01;
	}
	ck_assert_int_ge(nts_aead_open(key, nonce, nl, ad, adl, ct, ctl, got,
	    sizeof(got)), 0);
	ck_assert_int_eq(nts_aead_open(key, nonce, nl, ad, adl, ct, 15, got,
	    sizeof(got)), -1);
}
END_TEST

START_TEST(test_round_trip_and_limits)
{
	uint8_t key[32], nonce[16], ad[100], pt[200], ct[216], back[200];
	int n;

	memset(key, 7, sizeof(key));
	memset(nonce, 9, sizeof(nonce));
	memset(ad, 3, sizeof(ad));
	memset(pt, 0x5a, sizeof(pt));
	n = nts_aead_seal(key, nonce, 16, ad, 100, pt, 200, ct, sizeof(ct));
	ck_assert_int_eq(n, 216);
	ck_assert_int_eq(nts_aead_open(key, nonce, 16, ad, 100, ct, 216, back,
	    sizeof(back)), 200);
	ck_assert_mem_eq(back, pt, 200);
	/* No room for the tag; no nonce. */
	ck_assert_int_eq(nts_aead_seal(key, nonce, 16, ad, 100, pt, 200, ct,
	    215), -1);
	ck_assert_int_eq(nts_aead_seal(key, nonce, 0, ad, 100, pt, 200, ct,
	    sizeof(ct)), -1);
}
END_TEST

static Suite *
aead_suite(void)
{
	Suite *s = suite_create("nts_aead");
	TCase *tc = tcase_create("nts_aead");
	int n = (int)(sizeof(vecs) / sizeof(vecs[0]));

	tcase_add_loop_test(tc, test_seal_vector, 0, n);
	tcase_add_loop_test(tc, test_open_vector, 0, n);
	tcase_add_test(tc, test_open_refuses_tampering);
	tcase_add_test(tc, test_round_trip_and_limits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(aead_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
