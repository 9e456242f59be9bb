/*
 * NTP MACs: build and verify for each key type, every way a reply's MAC
 * can be wrong, constant-time compare, wiping, the engine ops, -e, and
 * a cross-check against the openssl command where it is installed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntp_mac.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"

static const int types[] = { NTP_KEY_MD5, NTP_KEY_SHA1, NTP_KEY_AES128CMAC };
#define NTYPES	(int)(sizeof(types) / sizeof(types[0]))

static void
make_key(struct ntp_key *k, uint32_t id, int type)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	k->id = id;
	k->type = type;
	k->len = type == NTP_KEY_SHA1 ? 20 : 16;
	for (i = 0; i < k->len; i++)
		k->key[i] = (uint8_t)(0xa0 + i);
}

/* A signed server reply: header with some fields set, then the MAC. */
static int
signed_reply(const struct ntp_key *k, uint8_t *buf, size_t cap)
{
	size_t i;

	memset(buf, 0, cap);
	buf[0] = 0x24;		/* v4 server */
	for (i = 1; i < NTP_HEADER_LEN; i++)
		buf[i] = (uint8_t)(i * 3);
	return ntp_mac_append(k, buf, NTP_HEADER_LEN, cap);
}

static int
verify(const struct ntp_key *k, const uint8_t *buf, size_t len)
{
	struct ntp_pkt p;

	ck_assert_int_eq(ntp_pkt_decode(buf, len, &p), 0);
	return ntp_mac_verify(k, buf, len, &p);
}

START_TEST(test_append_layout_keyid_then_digest)
{
	struct ntp_key k;
	uint8_t buf[NTP_PKT_MAXLEN], d[NTP_MAC_MAXLEN];
	int len;

	make_key(&k, 0x01020304, types[_i]);
	len = signed_reply(&k, buf, sizeof(buf));
	ck_assert_int_eq(len, NTP_HEADER_LEN + 4 + (int)ntp_mac_len(types[_i]));
	ck_assert_int_eq(buf[48], 1);
	ck_assert_int_eq(buf[51], 4);
	ck_assert_int_eq(ntp_mac_digest(&k, buf, NTP_HEADER_LEN, d),
	    (int)ntp_mac_len(types[_i]));
	ck_assert_mem_eq(buf + 52, d, ntp_mac_len(types[_i]));
}
END_TEST

START_TEST(test_verify_good_mac)
{
	struct ntp_key k;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len;

	make_key(&k, 7, types[_i]);
	len = signed_reply(&k, buf, sizeof(buf));
	ck_assert_int_eq(verify(&k, buf, (size_t)len), 0);
}
END_TEST

START_TEST(test_reject_header_bit_flipped)
{
	struct ntp_key k;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len;

	make_key(&k, 7, types[_i]);
	len = signed_reply(&k, buf, sizeof(buf));
	buf[40] ^= 0x01;	/* the transmit timestamp */
	ck_assert_int_eq(verify(&k, buf, (size_t)len), NTP_R_AUTH_BAD_MAC);
}
END_TEST

START_TEST(test_reject_wrong_key_same_id)
{
	struct ntp_key k, other;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len;

	make_key(&k, 7, types[_i]);
	other = k;
	other.key[0] ^= 0x80;
	len = signed_reply(&other, buf, sizeof(buf));
	ck_assert_int_eq(verify(&k, buf, (size_t)len), NTP_R_AUTH_BAD_MAC);
}
END_TEST

START_TEST(test_reject_other_key_id)
{
	struct ntp_key k, other;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len;

	make_key(&k, 7, types[_i]);
	other = k;
	other.id = 8;
	len = signed_reply(&other, buf, sizeof(buf));
	ck_assert_int_eq(verify(&k, buf, (size_t)len), NTP_R_AUTH_KEYID);
}
END_TEST

START_TEST(test_reject_no_mac)
{
	struct ntp_key k;
	uint8_t buf[NTP_PKT_MAXLEN];

	make_key(&k, 7, types[_i]);
	signed_reply(&k, buf, sizeof(buf));
	ck_assert_int_eq(verify(&k, buf, NTP_HEADER_LEN), NTP_R_AUTH_NO_MAC);
}
END_TEST

/* RFC 5905 §7.4: key id 0 and no digest. */
START_TEST(test_reject_crypto_nak)
{
	struct ntp_key k;
	uint8_t buf[NTP_PKT_MAXLEN];

	make_key(&k, 7, types[_i]);
	signed_reply(&k, buf, sizeof(buf));
	memset(buf + 48, 0, 4);
	ck_assert_int_eq(verify(&k, buf, NTP_HEADER_LEN + 4),
	    NTP_R_AUTH_CRYPTO_NAK);
}
END_TEST

/* An MD5-length MAC where SHA1 is expected (and the reverse). */
START_TEST(test_reject_digest_of_other_length)
{
	struct ntp_key k, other;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len;

	make_key(&k, 7, NTP_KEY_SHA1);
	make_key(&other, 7, NTP_KEY_MD5);
	len = signed_reply(&other, buf, sizeof(buf));
	ck_assert_int_eq(verify(&k, buf, (size_t)len), NTP_R_AUTH_BAD_MAC);
	len = signed_reply(&k, buf, sizeof(buf));
	ck_assert_int_eq(verify(&other, buf, (size_t)len), NTP_R_AUTH_BAD_MAC);
}
END_TEST

/* The MAC covers extension fields before it too (RFC 7822). */
START_TEST(test_mac_covers_extension_fields)
{
	struct ntp_key k;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len;

	make_key(&k, 9, NTP_KEY_SHA1);
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x24;
	buf[48] = 0x01;		/* type 0x0104, length 28 */
	buf[49] = 0x04;
	buf[51] = 28;
	len = ntp_mac_append(&k, buf, 48 + 28, sizeof(buf));
	ck_assert_int_eq(verify(&k, buf, (size_t)len), 0);
	buf[60] ^= 0x40;
	ck_assert_int_eq(verify(&k, buf, (size_t)len), NTP_R_AUTH_BAD_MAC);
}
END_TEST

START_TEST(test_append_refuses_short_buffer)
{
	struct ntp_key k;
	uint8_t buf[NTP_HEADER_LEN + 4 + 20];

	make_key(&k, 1, NTP_KEY_SHA1);
	ck_assert_int_eq(ntp_mac_append(&k, buf, NTP_HEADER_LEN,
	    sizeof(buf) - 1), -1);
	ck_assert_int_eq(ntp_mac_append(&k, buf, NTP_HEADER_LEN,
	    sizeof(buf)), (int)sizeof(buf));
	k.type = NTP_KEY_NONE;
	ck_assert_int_eq(ntp_mac_append(&k, buf, NTP_HEADER_LEN,
	    sizeof(buf)), -1);
}
END_TEST

/* Classic zero-pads a short AES key to 16 bytes and uses 16 of a long one. */
START_TEST(test_cmac_key_padded_and_cut_to_16)
{
	struct ntp_key k, padded;
	uint8_t msg[48], a[16], b[16];

	memset(msg, 3, sizeof(msg));
	make_key(&k, 1, NTP_KEY_AES128CMAC);
	k.len = 10;
	padded = k;
	padded.len = 16;
	memset(padded.key + 10, 0, 6);
	ntp_mac_digest(&k, msg, sizeof(msg), a);
	ntp_mac_digest(&padded, msg, sizeof(msg), b);
	ck_assert_mem_eq(a, b, 16);
	make_key(&k, 1, NTP_KEY_AES128CMAC);
	k.len = 20;
	padded = k;
	padded.len = 16;
	ntp_mac_digest(&k, msg, sizeof(msg), a);
	ntp_mac_digest(&padded, msg, sizeof(msg), b);
	ck_assert_mem_eq(a, b, 16);
}
END_TEST

START_TEST(test_equal_compares_every_byte)
{
	uint8_t a[20], b[20];
	size_t i;

	memset(a, 0x33, sizeof(a));
	memcpy(b, a, sizeof(b));
	ck_assert_int_eq(ntp_mac_equal(a, b, sizeof(a)), 1);
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x01;
		ck_assert_int_eq(ntp_mac_equal(a, b, sizeof(a)), 0);
		b[i] ^= 0x01;
	}
	ck_assert_int_eq(ntp_mac_equal(a, b, 0), 1);
}
END_TEST

START_TEST(test_key_wipe_zeroes)
{
	struct ntp_key k, zero;

	make_key(&k, 5, NTP_KEY_SHA1);
	ntp_key_wipe(&k);
	memset(&zero, 0, sizeof(zero));
	ck_assert_mem_eq(&k, &zero, sizeof(k));
}
END_TEST

/* The ops the engine calls: sign a request, verify the signed reply. */
START_TEST(test_auth_ops_sign_and_verify)
{
	struct ntp_mac_auth a;
	struct ntp_key k;
	struct ntp_pkt p;
	uint8_t buf[NTP_PKT_MAXLEN];
	int len, reason = 0;

	make_key(&k, 42, types[_i]);
	ntp_mac_auth_init(&a, &k);
	ntp_pkt_request(buf, 4, 0x1122334455667788ULL);
	len = a.ops.sign(a.ops.ctx, 0, buf, NTP_HEADER_LEN, sizeof(buf),
	    &reason);
	ck_assert_int_eq(len, 52 + (int)ntp_mac_len(types[_i]));
	ck_assert_int_eq(ntp_pkt_decode(buf, (size_t)len, &p), 0);
	ck_assert_uint_eq(p.keyid, 42);
	ck_assert_int_eq(a.ops.verify(a.ops.ctx, 0, buf, (size_t)len, &p), 0);
	ck_assert_int_eq(a.ops.sign(a.ops.ctx, 0, buf, NTP_HEADER_LEN,
	    NTP_HEADER_LEN + 4, &reason), -1);
	ck_assert_int_eq(reason, NTP_R_SEND);
}
END_TEST

/*
 * The openssl command, where installed, computes the same digests:
 * md5/sha1 of key || message, and CMAC with AES-128-CBC.
 */
static int
openssl_hex(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	char line[512], *eq;

	if (f == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) == NULL) {
		pclose(f);
		return -1;
	}
	pclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	eq = line;
	if (strlen(eq) >= len)
		return -1;
	memcpy(out, eq, strlen(eq) + 1);
	return 0;
}

START_TEST(test_openssl_cross_check)
{
	char path[] = "/tmp/ntpc-mac-XXXXXX", cmd[512], want[128], got[64];
	char hexkey[33];
	uint8_t msg[NTP_HEADER_LEN + NTP_KEY_MAXLEN], d[NTP_MAC_MAXLEN];
	struct ntp_key k;
	size_t i, n;
	FILE *f;
	int fd;

	if (system("openssl version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP: openssl not installed\n");
		return;
	}
	make_key(&k, 1, types[_i]);
	for (i = 0; i < NTP_HEADER_LEN; i++)
		msg[i] = (uint8_t)(i * 11 + 5);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	if (types[_i] != NTP_KEY_AES128CMAC)
		fwrite(k.key, 1, k.len, f);
	fwrite(msg, 1, NTP_HEADER_LEN, f);
	fclose(f);
	for (i = 0; i < 16; i++)
		sprintf(hexkey + 2 * i, "%02x", k.key[i]);
	if (types[_i] == NTP_KEY_AES128CMAC)
		snprintf(cmd, sizeof(cmd), "openssl mac -cipher AES-128-CBC "
		    "-macopt hexkey:%s -in %s CMAC 2>/dev/null", hexkey, path);
	else
		snprintf(cmd, sizeof(cmd), "openssl dgst -%s -r %s "
		    "2>/dev/null", types[_i] == NTP_KEY_MD5 ? "md5" : "sha1",
		    path);
	n = (size_t)ntp_mac_digest(&k, msg, NTP_HEADER_LEN, d);
	for (i = 0; i < n; i++)
		sprintf(got + 2 * i, "%02x", d[i]);
	ck_assert_int_eq(openssl_hex(cmd, want, sizeof(want)), 0);
	unlink(path);
	/* openssl dgst -r prints "digest *file": the first word. */
	want[strcspn(want, " *")] = '\0';
	for (i = 0; want[i] != '\0'; i++)
		if (want[i] >= 'A' && want[i] <= 'F')
			want[i] = (char)(want[i] - 'A' + 'a');
	ck_assert_str_eq(got, want);
}
END_TEST

static Suite *
mac_suite(void)
{
	Suite *s = suite_create("mac");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_append_layout_keyid_then_digest, 0,
	    NTYPES);
	tcase_add_loop_test(tc, test_verify_good_mac, 0, NTYPES);
	tcase_add_loop_test(tc, test_reject_header_bit_flipped, 0, NTYPES);
	tcase_add_loop_test(tc, test_reject_wrong_key_same_id, 0, NTYPES);
	tcase_add_loop_test(tc, test_reject_other_key_id, 0, NTYPES);
	tcase_add_loop_test(tc, test_reject_no_mac, 0, NTYPES);
	tcase_add_loop_test(tc, test_reject_crypto_nak, 0, NTYPES);
	tcase_add_test(tc, test_reject_digest_of_other_length);
	tcase_add_test(tc, test_mac_covers_extension_fields);
	tcase_add_test(tc, test_append_refuses_short_buffer);
	tcase_add_test(tc, test_cmac_key_padded_and_cut_to_16);
	tcase_add_test(tc, test_equal_compares_every_byte);
	tcase_add_test(tc, test_key_wipe_zeroes);
	tcase_add_loop_test(tc, test_auth_ops_sign_and_verify, 0, NTYPES);
	tcase_add_loop_test(tc, test_openssl_cross_check, 0, NTYPES);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mac_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
