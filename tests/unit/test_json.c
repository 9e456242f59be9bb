/*
 * Unit tests for lib/ntp_json.c: string escaping and the object builder.
 *
 * The objects built are read back by a small strict reader written here
 * (RFC 8259 for flat objects), so a hostile host name must come back
 * byte for byte and never end the string early.  The random test prints
 * its seed; SEED=N replays one.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntp_json.h"

struct esc_vec {
	const char	*in;
	const char	*out;
	const char	*what;
};

static const struct esc_vec esc_vecs[] = {
	{ "", "", "empty" },
	{ "pool.ntp.org", "pool.ntp.org", "plain" },
	{ "a\"b", "a\\\"b", "quote" },
	{ "a\\b", "a\\\\b", "backslash" },
	{ "\b\f\n\r\t", "\\b\\f\\n\\r\\t", "short escapes" },
	{ "\x01\x1f", "\\u0001\\u001f", "other controls" },
	{ "\x1b[31m", "\\u001b[31m", "terminal escape" },
	{ "\x7f", "\\u007f", "DEL" },
	{ "/", "/", "solidus stands" },
	{ "caf\xc3\xa9", "caf\xc3\xa9", "2-byte UTF-8 kept" },
	{ "\xc2\x9b" "2J", "\\u009b2J", "C1 CSI escaped" },
	{ "\xc2\x80\xc2\x9f", "\\u0080\\u009f", "C1 range escaped" },
	{ "\xc2\xa0", "\xc2\xa0", "U+00A0 kept" },
	{ "\xe2\x82\xac", "\xe2\x82\xac", "3-byte UTF-8 kept" },
	{ "\xf0\x9f\x95\x90", "\xf0\x9f\x95\x90", "4-byte UTF-8 kept" },
	{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF kept" },
	{ "\x80", "\\ufffd", "lone continuation" },
	{ "\xff\xfe", "\\ufffd\\ufffd", "bytes never in UTF-8" },
	{ "\xc0\xaf", "\\ufffd\\ufffd", "overlong 2-byte" },
	{ "\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd", "overlong 3-byte" },
	{ "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd", "surrogate" },
	{ "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd",
	    "above U+10FFFF" },
	{ "a\xe2\x82", "a\\ufffd\\ufffd", "truncated at the end" },
	{ "\xe2\x82x", "\\ufffd\\ufffdx", "truncated in the middle" },
};
#define N_ESC_VECS	((int)(sizeof(esc_vecs) / sizeof(esc_vecs[0])))

START_TEST(test_escape_vectors)
{
	const struct esc_vec *v = &esc_vecs[_i];
	char buf[128];
	size_t n = ntp_json_escape(buf, sizeof(buf), v->in);

	ck_assert_msg(strcmp(buf, v->out) == 0, "%s: got \"%s\"", v->what,
	    buf);
	ck_assert_uint_eq(n, strlen(v->out));
}
END_TEST

START_TEST(test_escape_reports_length_like_snprintf)
{
	ck_assert_uint_eq(ntp_json_escape(NULL, 0, "a\"\x01"), 9);
}
END_TEST

START_TEST(test_escape_cut_never_splits_an_escape)
{
	char buf[8];
	size_t n;

	/* "ab\u0001" needs 8 bytes and the NUL: the escape is left out. */
	memset(buf, 'Z', sizeof(buf));
	n = ntp_json_escape(buf, sizeof(buf), "ab\x01" "c");
	ck_assert_uint_eq(n, 9);
	ck_assert_str_eq(buf, "ab");
	/* Nor a UTF-8 character. */
	n = ntp_json_escape(buf, 4, "ab\xe2\x82\xac");
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(buf, "ab");
	n = ntp_json_escape(buf, 1, "abc");
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- a strict reader for flat objects ---- */

struct reader {
	const char	*p;
	char		keys[16][32];
	char		vals[16][4096];	/* strings decoded; others verbatim */
	int		isstr[16];
	int		n;
};

static void
put_utf8(char **o, unsigned cp)
{
	if (cp < 0x80) {
		*(*o)++ = (char)cp;
	} else if (cp < 0x800) {
		*(*o)++ = (char)(0xc0 | cp >> 6);
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*(*o)++ = (char)(0xe0 | cp >> 12);
		*(*o)++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	}
}

/* A JSON string at r->p into out (room for len); 0 or -1. */
static int
read_string(struct reader *r, char *out, size_t len)
{
	char *o = out, *end = out + len - 4;
	const char *map = "\"\"\\\\//b\bf\fn\nr\rt\t", *m;
	unsigned cp;

	if (*r->p++ != '"')
		return -1;
	while (*r->p != '"') {
		if ((unsigned char)*r->p < 0x20 || o >= end)
			return -1;
		if (*r->p != '\\') {
			*o++ = *r->p++;
			continue;
		}
		r->p++;
		if (*r->p == 'u') {
			if (sscanf(r->p + 1, "%4x", &cp) != 1)
				return -1;
			put_utf8(&o, cp);
			r->p += 5;
			continue;
		}
		for (m = map; *m != '\0' && *m != *r->p; m += 2)
			;
		if (*m == '\0')
			return -1;
		*o++ = m[1];
		r->p++;
	}
	r->p++;
	*o = '\0';
	return 0;
}

static int
read_scalar(struct reader *r, char *out, size_t len)
{
	size_t k = strspn(r->p, "0123456789.-+eEtruefalsn");

	if (k == 0 || k >= len)
		return -1;
	memcpy(out, r->p, k);
	out[k] = '\0';
	r->p += k;
	if (strcmp(out, "true") == 0 || strcmp(out, "false") == 0 ||
	    strcmp(out, "null") == 0)
		return 0;
	return strspn(out, "0123456789.-") == k ? 0 : -1;
}

/* Parse text as one flat object; 0 when it is exactly that. */
static int
read_object(struct reader *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->p = text;
	if (*r->p++ != '{')
		return -1;
	while (*r->p != '}') {
		if (r->n > 0 && *r->p++ != ',')
			return -1;
		if (r->n >= 16 || read_string(r, r->keys[r->n], 32) != 0 ||
		    *r->p++ != ':')
			return -1;
		r->isstr[r->n] = *r->p == '"';
		if ((r->isstr[r->n] ? read_string(r, r->vals[r->n], 4096) :
		    read_scalar(r, r->vals[r->n], 4096)) != 0)
			return -1;
		r->n++;
	}
	return r->p[1] == '\0' ? 0 : -1;
}

/* ---- builder ---- */

START_TEST(test_empty_object)
{
	struct ntp_json j;

	ntp_json_begin(&j);
	ck_assert_str_eq(ntp_json_end(&j), "{}");
	ntp_json_free(&j);
}
END_TEST

START_TEST(test_object_of_every_type)
{
	struct ntp_json j;

	ntp_json_begin(&j);
	ntp_json_str(&j, "host", "a");
	ntp_json_str(&j, "address", NULL);
	ntp_json_int(&j, "stratum", 10);
	ntp_json_num(&j, "offset", -0.000001, 9);
	ntp_json_bool(&j, "usable", 1);
	ntp_json_bool(&j, "selected", 0);
	ntp_json_null(&j, "adjusted");
	ck_assert_str_eq(ntp_json_end(&j), "{\"host\":\"a\",\"address\":null,"
	    "\"stratum\":10,\"offset\":-0.000001000,\"usable\":true,"
	    "\"selected\":false,\"adjusted\":null}");
	ntp_json_free(&j);
}
END_TEST

START_TEST(test_numbers_never_nan_or_inf)
{
	struct ntp_json j;

	ntp_json_begin(&j);
	ntp_json_num(&j, "a", NAN, 9);
	ntp_json_num(&j, "b", INFINITY, 9);
	ntp_json_num(&j, "c", -INFINITY, 6);
	ntp_json_num(&j, "d", 0.5, 6);
	ntp_json_num(&j, "e", 1.25, -3);
	ntp_json_num(&j, "f", 1.0 / 3, 99);
	ck_assert_str_eq(ntp_json_end(&j), "{\"a\":null,\"b\":null,"
	    "\"c\":null,\"d\":0.500000,\"e\":1,"
	    "\"f\":0.33333333333333331}");
	ntp_json_free(&j);
}
END_TEST

static const char *const hostile[] = {
	"\",\"usable\":true,\"x\":\"",
	"\"}\n{\"result\":true}",
	"\\",
	"\\\"",
	"\x1b]0;owned\x07\x1b[2J",
	"a\r\nb\tc\bd\fe",
	"\xc3\xa9t\xc3\xa9.example",
	"</script>",
};
#define N_HOSTILE	((int)(sizeof(hostile) / sizeof(hostile[0])))

START_TEST(test_hostile_host_round_trips)
{
	struct ntp_json j;
	struct reader r;
	const char *text;

	ntp_json_begin(&j);
	ntp_json_str(&j, "host", hostile[_i]);
	ntp_json_bool(&j, "usable", 0);
	text = ntp_json_end(&j);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_null(strchr(text, '\n'));
	ck_assert_msg(read_object(&r, text) == 0, "unreadable: %s", text);
	ck_assert_int_eq(r.n, 2);
	ck_assert_str_eq(r.keys[0], "host");
	ck_assert_str_eq(r.vals[0], hostile[_i]);
	ck_assert_str_eq(r.keys[1], "usable");
	ck_assert_str_eq(r.vals[1], "false");
	ntp_json_free(&j);
}
END_TEST

START_TEST(test_long_string_grows_buffer)
{
	struct ntp_json j;
	const char *text;
	char *big = malloc(100001);
	size_t i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 100000; i++)
		big[i] = i % 2 ? '"' : '\x01';
	big[100000] = '\0';
	ntp_json_begin(&j);
	ntp_json_str(&j, "host", big);
	text = ntp_json_end(&j);
	ck_assert_ptr_nonnull(text);
	/* {"host":"...."}: 50000 * (2 + 6) escaped bytes. */
	ck_assert_uint_eq(strlen(text), 11 + 400000);
	ck_assert_int_eq(text[strlen(text) - 1], '}');
	ntp_json_free(&j);
	free(big);
}
END_TEST

static unsigned
test_seed(void)
{
	const char *s = getenv("SEED");

	return s != NULL ? (unsigned)strtoul(s, NULL, 10) :
	    (unsigned)time(NULL);
}

/* Valid UTF-8 with no raw control characters, and no quote left bare. */
static int
clean_utf8_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f || *p == '"')
			return 0;
		if (*p == '\\') {
			if (p[1] == '\0')
				return 0;
			p += 2;
			continue;
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
		if (n == 0 || *p > 0xf4)
			return 0;
		while (--n > 0)
			if ((*++p & 0xc0) != 0x80)
				return 0;
		p++;
	}
	return 1;
}

START_TEST(test_random_bytes_escape_cleanly)
{
	char in[64], out[64 * 6 + 1];
	unsigned seed = test_seed();
	size_t i, k;
	int round;

	printf("test_random_bytes_escape_cleanly: SEED=%u "
	    "(set SEED to replay)\n", seed);
	fflush(stdout);
	srandom(seed);
	for (round = 0; round < 20000; round++) {
		k = (size_t)random() % (sizeof(in) - 1);
		for (i = 0; i < k; i++)
			in[i] = (char)(random() % 255 + 1);
		in[k] = '\0';
		ck_assert_uint_lt(ntp_json_escape(out, sizeof(out), in),
		    sizeof(out));
		ck_assert_msg(clean_utf8_string(out), "round %d", round);
	}
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("ntp_json");
	TCase *tc = tcase_create("json");

	tcase_add_loop_test(tc, test_escape_vectors, 0, N_ESC_VECS);
	tcase_add_test(tc, test_escape_reports_length_like_snprintf);
	tcase_add_test(tc, test_escape_cut_never_splits_an_escape);
	tcase_add_test(tc, test_empty_object);
	tcase_add_test(tc, test_object_of_every_type);
	tcase_add_test(tc, test_numbers_never_nan_or_inf);
	tcase_add_loop_test(tc, test_hostile_host_round_trips, 0, N_HOSTILE);
	tcase_add_test(tc, test_long_string_grows_buffer);
	tcase_add_test(tc, test_random_bytes_escape_cleanly);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
