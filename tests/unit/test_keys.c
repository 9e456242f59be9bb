/*
 * Key files: good lines of both formats, a table of bad lines with the
 * reason each gets, and the file checks (missing, FIFO, writable by
 * everyone, duplicate, unknown id).
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntp_keys.h"

static const struct {
	const char	*line;
	uint32_t	id;
	int		type;
	const char	*key;		/* the bytes, as a C string */
	size_t		len;
} good[] = {
	/* NTP Classic / NTPsec: keyid type key */
	{ "1 M secret", 1, NTP_KEY_MD5, "secret", 6 },
	{ "2 MD5 abcdefghij0123456789", 2, NTP_KEY_MD5,
	  "abcdefghij0123456789", 20 },
	{ "3 md5 x # comment", 3, NTP_KEY_MD5, "x", 1 },
	{ "  4\tSHA1\t6162636465666768696a6b6c6d6e6f7071727374", 4,
	  NTP_KEY_SHA1, "abcdefghijklmnopqrst", 20 },
	{ "5 AES128CMAC 30313233343536373839616263646566", 5,
	  NTP_KEY_AES128CMAC, "0123456789abcdef", 16 },
	{ "6 SHA1 pass 127.0.0.1,::1", 6, NTP_KEY_SHA1, "pass", 4 },
	{ "65535 sha1 k\r", 65535, NTP_KEY_SHA1, "k", 1 },
	{ "7 aes-128 0123456789abcdef", 7, NTP_KEY_AES128CMAC,
	  "0123456789abcdef", 16 },
	/* chrony: id [type] HEX:... | ASCII:... | bare ASCII */
	{ "10 HEX:616263", 10, NTP_KEY_MD5, "abc", 3 },
	{ "11 ASCII:hello", 11, NTP_KEY_MD5, "hello", 5 },
	{ "12 SHA1 HEX:6162636465", 12, NTP_KEY_SHA1, "abcde", 5 },
	{ "13 AES128 HEX:30313233343536373839616263646566", 13,
	  NTP_KEY_AES128CMAC, "0123456789abcdef", 16 },
	{ "14 averyveryverylongasciikeyforchrony", 14, NTP_KEY_MD5,
	  "averyveryverylongasciikeyforchrony", 34 },
	{ "4294967295 MD5 ASCII:max", 4294967295U, NTP_KEY_MD5, "max", 3 },
};

START_TEST(test_good_line)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	const char *l = good[_i].line;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ntp_keys_parse_line(l, strlen(l), &k, &e), 1);
	ck_assert_uint_eq(k.id, good[_i].id);
	ck_assert_int_eq(k.type, good[_i].type);
	ck_assert_uint_eq(k.len, good[_i].len);
	ck_assert_mem_eq(k.key, good[_i].key, good[_i].len);
}
END_TEST

static const struct {
	const char	*line;
	int		code;
} bad[] = {
	{ "0 MD5 zero", NTP_KEYS_BAD_ID },
	{ "x MD5 key", NTP_KEYS_BAD_ID },
	{ "-1 MD5 key", NTP_KEYS_BAD_ID },
	{ "4294967296 MD5 key", NTP_KEYS_BAD_ID },
	{ "99999999999 MD5 key", NTP_KEYS_BAD_ID },
	{ "1", NTP_KEYS_NO_TYPE },
	{ "1 # only an id", NTP_KEYS_NO_TYPE },
	{ "1 BLAKE key", NTP_KEYS_BAD_TYPE },
	{ "1 SHA256 key", NTP_KEYS_UNSUPPORTED },
	{ "1 AES256 HEX:00", NTP_KEYS_UNSUPPORTED },
	{ "1 MD5 0123456789abcdef0123456789abcdefg0", NTP_KEYS_BAD_HEX },
	{ "1 MD5 0123456789abcdef0123456", NTP_KEYS_BAD_HEX },
	{ "1 HEX:abc", NTP_KEYS_BAD_HEX },
	{ "1 HEX:zz", NTP_KEYS_BAD_HEX },
	{ "1 HEX:", NTP_KEYS_KEY_LEN },
	{ "1 ASCII:", NTP_KEYS_KEY_LEN },
	{ "1 MD5 ASCII:a\x01", NTP_KEYS_BAD_ASCII },
	{ "1 MD5 k\x7f", NTP_KEYS_BAD_ASCII },
	{ "1 SHA1 HEX:"
	  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	  "00", NTP_KEYS_KEY_LEN },
	{ "1 AES128 HEX:0011", NTP_KEYS_AES_LEN },
	{ "1 MD5 key 127.0.0.1 extra", NTP_KEYS_EXTRA },
	{ "1 MD5 HEX:00 127.0.0.1", NTP_KEYS_EXTRA },
};

START_TEST(test_bad_line)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	const char *l = bad[_i].line;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ntp_keys_parse_line(l, strlen(l), &k, &e), -1);
	ck_assert_msg(e.code == bad[_i].code, "\"%s\": code %d (%s), want %d",
	    l, e.code, ntp_keys_strerror(e.code), bad[_i].code);
	ck_assert_str_ne(ntp_keys_strerror(e.code), "unknown key file error");
}
END_TEST

START_TEST(test_bad_type_text_kept)
{
	struct ntp_key k;
	struct ntp_keys_err e;

	memset(&e, 0, sizeof(e));
	ntp_keys_parse_line("3 FOO key", 9, &k, &e);
	ck_assert_str_eq(e.type, "FOO");
}
END_TEST

START_TEST(test_blank_and_comment_lines)
{
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse_line("", 0, &k, &e), 0);
	ck_assert_int_eq(ntp_keys_parse_line("   \t", 4, &k, &e), 0);
	ck_assert_int_eq(ntp_keys_parse_line("# 1 MD5 x", 9, &k, &e), 0);
	ck_assert_int_eq(ntp_keys_parse_line("  #x", 4, &k, &e), 0);
}
END_TEST

static const char file_text[] =
    "# ntp-keygen style\n"
    "1 MD5 first\n"
    "\n"
    "2 SHA256 0011223344556677889900112233445566778899aabb\n"
    "3 SHA1 HEX:0102\n";

START_TEST(test_file_finds_key_by_id)
{
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(file_text, strlen(file_text), 3, &k,
	    &e), 0);
	ck_assert_int_eq(k.type, NTP_KEY_SHA1);
	ck_assert_uint_eq(k.len, 2);
	ck_assert_int_eq(ntp_keys_parse(file_text, strlen(file_text), 1, &k,
	    &e), 0);
	ck_assert_mem_eq(k.key, "first", 5);
}
END_TEST

/* An unsupported type is an error for its own key only. */
START_TEST(test_file_unsupported_type_of_wanted_key)
{
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(file_text, strlen(file_text), 2, &k,
	    &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_UNSUPPORTED);
	ck_assert_uint_eq(e.line, 4);
	ck_assert_str_eq(e.type, "SHA256");
}
END_TEST

START_TEST(test_file_key_not_found)
{
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(file_text, strlen(file_text), 9, &k,
	    &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_NOT_FOUND);
	ck_assert_uint_eq(e.line, 0);
}
END_TEST

/* A bad line anywhere refuses the file and names the line. */
START_TEST(test_file_bad_line_named)
{
	static const char t[] = "1 MD5 a\n2 MD5 b\n3 MD5 HEX:zz\n";
	struct ntp_key k, zero;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(t, strlen(t), 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_BAD_HEX);
	ck_assert_uint_eq(e.line, 3);
	memset(&zero, 0, sizeof(zero));
	ck_assert_mem_eq(&k, &zero, sizeof(k));
}
END_TEST

START_TEST(test_file_duplicate_id)
{
	static const char t[] = "1 MD5 a\n1 SHA1 b\n";
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(t, strlen(t), 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_DUPLICATE);
	ck_assert_uint_eq(e.line, 2);
}
END_TEST

START_TEST(test_file_nul_byte)
{
	static const char t[] = "1 MD5 a\n2 MD5 b\0c\n";
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(t, sizeof(t) - 1, 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_NUL);
	ck_assert_uint_eq(e.line, 2);
}
END_TEST

START_TEST(test_file_no_final_newline)
{
	static const char t[] = "1 MD5 a\n2 SHA1 last";
	struct ntp_key k;
	struct ntp_keys_err e;

	ck_assert_int_eq(ntp_keys_parse(t, strlen(t), 2, &k, &e), 0);
	ck_assert_mem_eq(k.key, "last", 4);
}
END_TEST

START_TEST(test_describe_names_file_line_cause)
{
	struct ntp_keys_err e;
	char buf[256];

	memset(&e, 0, sizeof(e));
	e.code = NTP_KEYS_BAD_HEX;
	e.line = 3;
	ck_assert_str_eq(ntp_keys_describe("/etc/ntp.keys", &e, buf,
	    sizeof(buf)), "key file /etc/ntp.keys, line 3: hex key with a "
	    "non-hex digit or an odd length");
	e.code = NTP_KEYS_UNSUPPORTED;
	snprintf(e.type, sizeof(e.type), "SHA256");
	ck_assert_str_eq(ntp_keys_describe("k", &e, buf, sizeof(buf)),
	    "key file k, line 3: key type not supported (MD5, SHA1 and "
	    "AES128CMAC are): SHA256");
	e.code = NTP_KEYS_OPEN;
	e.line = 0;
	e.sys_errno = ENOENT;
	ck_assert_str_eq(ntp_keys_describe("k", &e, buf, sizeof(buf)),
	    "key file k: cannot open: No such file or directory");
	e.code = NTP_KEYS_WORLD_WRITABLE;
	ck_assert_str_eq(ntp_keys_describe("k", &e, buf, sizeof(buf)),
	    "key file k: writable by everyone: refused (chmod o-w, or "
	    "better 600)");
}
END_TEST

static char tmpdir[64];

static void
mkfile(const char *name, const char *text, mode_t mode, char *path,
    size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ntpc-keys-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_load_reads_file)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char path[128];

	mkfile("keys", file_text, 0600, path, sizeof(path));
	ck_assert_int_eq(ntp_keys_load(path, 1, &k, &e), 0);
	ck_assert_mem_eq(k.key, "first", 5);
}
END_TEST

/* -a's loader: the key becomes the auth ops' key; a refusal says why. */
START_TEST(test_load_auth)
{
	struct ntp_mac_auth a;
	struct ntp_keys_err e;
	char path[128];

	mkfile("keys", file_text, 0600, path, sizeof(path));
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(ntp_keys_load_auth(path, 1, &a, &e), 0);
	ck_assert_uint_eq(a.key.id, 1);
	ck_assert_mem_eq(a.key.key, "first", 5);
	ck_assert_ptr_nonnull(a.ops.sign);
	ck_assert_ptr_nonnull(a.ops.verify);
	ck_assert_ptr_eq(a.ops.ctx, &a);
	ck_assert_int_eq(ntp_keys_load_auth(path, 99, &a, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_NOT_FOUND);
}
END_TEST

START_TEST(test_load_missing_file)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char path[128];

	snprintf(path, sizeof(path), "%s/nope", tmpdir);
	ck_assert_int_eq(ntp_keys_load(path, 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_OPEN);
	ck_assert_int_eq(e.sys_errno, ENOENT);
}
END_TEST

START_TEST(test_load_refuses_world_writable)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char path[128];

	mkfile("keys", file_text, 0666, path, sizeof(path));
	ck_assert_int_eq(ntp_keys_load(path, 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_WORLD_WRITABLE);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(ntp_keys_load(path, 1, &k, &e), 0);
}
END_TEST

/* Never waits on a FIFO; a directory is not a key file either. */
START_TEST(test_load_refuses_fifo_and_directory)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char path[128];

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(ntp_keys_load(path, 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_NOT_FILE);
	ck_assert_int_eq(ntp_keys_load(tmpdir, 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_NOT_FILE);
}
END_TEST

START_TEST(test_load_large_file_across_buffers)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char path[128], *text;
	size_t i, off = 0, cap = 400000;

	ck_assert_ptr_nonnull(text = malloc(cap));
	for (i = 1; i <= 20000; i++)
		off += (size_t)snprintf(text + off, cap - off, "%zu MD5 k%zu\n",
		    i, i);
	mkfile("big", text, 0600, path, sizeof(path));
	free(text);
	ck_assert_int_eq(ntp_keys_load(path, 19999, &k, &e), 0);
	ck_assert_mem_eq(k.key, "k19999", 6);
}
END_TEST

/* A key file is small: over NTP_KEYS_MAXFILE is refused, not read. */
START_TEST(test_load_refuses_huge_file)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char path[128];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/huge", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	for (i = 0; i < NTP_KEYS_MAXFILE / 16 + 1; i++)
		fputs("# filler line..\n", f);
	fputs("1 MD5 late\n", f);
	fclose(f);
	ck_assert_int_eq(ntp_keys_load(path, 1, &k, &e), -1);
	ck_assert_int_eq(e.code, NTP_KEYS_TOO_BIG);
}
END_TEST

static Suite *
keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("lines"), *tf = tcase_create("files");

	tcase_add_loop_test(tc, test_good_line, 0,
	    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_bad_line, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_bad_type_text_kept);
	tcase_add_test(tc, test_blank_and_comment_lines);
	tcase_add_test(tc, test_file_finds_key_by_id);
	tcase_add_test(tc, test_file_unsupported_type_of_wanted_key);
	tcase_add_test(tc, test_file_key_not_found);
	tcase_add_test(tc, test_file_bad_line_named);
	tcase_add_test(tc, test_file_duplicate_id);
	tcase_add_test(tc, test_file_nul_byte);
	tcase_add_test(tc, test_file_no_final_newline);
	tcase_add_test(tc, test_describe_names_file_line_cause);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_test(tf, test_load_reads_file);
	tcase_add_test(tf, test_load_auth);
	tcase_add_test(tf, test_load_missing_file);
	tcase_add_test(tf, test_load_refuses_world_writable);
	tcase_add_test(tf, test_load_refuses_fifo_and_directory);
	tcase_add_test(tf, test_load_large_file_across_buffers);
	tcase_add_test(tf, test_load_refuses_huge_file);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(keys_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
