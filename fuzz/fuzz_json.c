/*
 * libFuzzer target: the JSON writer (lib/ntp_json.c).  The input is a list
 * of items separated by 0xff bytes; an item's first byte picks the kind
 * (string, null string, number, integer, bool, null) and its decimals,
 * the rest is the key (up to the first 0xfe) and the value text.
 *
 * Invariants: the object is valid JSON by RFC 8259 (checked by a strict
 * parser below: strings of valid UTF-8 with no raw control byte, C0 or
 * C1, known escapes only, numbers by the grammar); a key or string value
 * of plain printable ASCII reads back unchanged; ntp_json_escape cut to
 * any size gives a NUL-terminated prefix of the whole escape, never cut
 * inside an escape, and returns the whole length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_json.h"

#define REQUIRE(c)	do { if (!(c)) abort(); } while (0)
#define MAXITEMS	16
#define MAXTEXT		512

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the valid UTF-8 character at s, or 0 (RFC 3629). */
static size_t
utf8(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return c >= 0x20 ? 1 : 0;
	n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 :
	    c >= 0xc2 && c <= 0xdf ? 2 : 0;
	if (n == 0)
		return 0;
	lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* A JSON string at *p; its ASCII-only unescaped text into out. */
static void
parse_string(const char **p, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)*p;
	size_t k = 0, n;

	REQUIRE(*s++ == '"');
	while (*s != '"') {
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				REQUIRE(strspn((const char *)s + 1,
				    "0123456789abcdefABCDEF") >= 4);
				s += 5;
				out[k < outlen - 1 ? k++ : k] = '?';
				continue;
			}
			REQUIRE(strchr("\"\\/bfnrt", *s) != NULL && *s != 0);
			out[k < outlen - 1 ? k++ : k] = *s == '"' ||
			    *s == '\\' || *s == '/' ? (char)*s : '?';
			s++;
			continue;
		}
		REQUIRE((n = utf8(s)) != 0);
		/* No raw C1 control (a terminal takes U+009B as CSI). */
		REQUIRE(!(s[0] == 0xc2 && s[1] < 0xa0));
		out[k < outlen - 1 ? k++ : k] = (char)*s;
		s += n;
	}
	out[k] = '\0';
	*p = (const char *)s + 1;
}

static void
parse_number(const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	REQUIRE(*s >= '0' && *s <= '9');
	if (*s == '0')
		s++;
	else
		s += strspn(s, "0123456789");
	if (*s == '.') {
		s++;
		REQUIRE(*s >= '0' && *s <= '9');
		s += strspn(s, "0123456789");
	}
	*p = s;
}

static void
parse_value(const char **p)
{
	static char scratch[4 * MAXTEXT];
	static const char *const words[] = { "null", "true", "false" };
	size_t i;

	if (**p == '"') {
		parse_string(p, scratch, sizeof(scratch));
		return;
	}
	for (i = 0; i < 3; i++)
		if (strncmp(*p, words[i], strlen(words[i])) == 0) {
			*p += strlen(words[i]);
			return;
		}
	parse_number(p);
}

/* The object: {"k":v,...}; keys in keys[] for the read-back check. */
static size_t
parse_object(const char *s, char keys[][4 * MAXTEXT])
{
	size_t n = 0;

	REQUIRE(*s++ == '{');
	while (*s != '}') {
		if (n > 0)
			REQUIRE(*s++ == ',');
		REQUIRE(n < MAXITEMS);
		parse_string(&s, keys[n++], 4 * MAXTEXT);
		REQUIRE(*s++ == ':');
		parse_value(&s);
	}
	REQUIRE(s[1] == '\0');
	return n;
}

static int
plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/* Cut escapes: prefixes of the whole one, never inside an escape. */
static void
check_escape(const char *src)
{
	static char whole[6 * MAXTEXT + 1], cut[6 * MAXTEXT + 1];
	size_t len, size, got;

	len = ntp_json_escape(whole, sizeof(whole), src);
	REQUIRE(len < sizeof(whole) && strlen(whole) == len);
	for (size = 0; size <= len + 1; size += 1 + size / 3) {
		memset(cut, 'x', sizeof(cut));
		REQUIRE(ntp_json_escape(cut, size, src) == len);
		if (size == 0) {
			REQUIRE(cut[0] == 'x');
			continue;
		}
		got = strlen(cut);
		REQUIRE(got < size && memcmp(cut, whole, got) == 0);
		/* Not inside an escape: no lone backslash at the end. */
		if (got < len) {
			size_t bs = 0;

			while (bs < got && cut[got - 1 - bs] == '\\')
				bs++;
			REQUIRE(bs % 2 == 0);
		}
	}
}

struct item {
	int		kind, decimals;
	char		key[MAXTEXT + 1], val[MAXTEXT + 1];
};

static size_t
split(const uint8_t *d, size_t size, struct item *it)
{
	size_t n = 0, i = 0, k;
	char *dst;

	while (i < size && n < MAXITEMS) {
		it[n].kind = d[i] % 6;
		it[n].decimals = (d[i] / 6) % 20 - 1;
		i++;
		dst = it[n].key;
		k = 0;
		for (; i < size && d[i] != 0xff; i++) {
			if (d[i] == 0xfe && dst == it[n].key) {
				dst[k] = '\0';
				dst = it[n].val;
				k = 0;
			} else if (d[i] != 0 && k < MAXTEXT) {
				dst[k++] = (char)d[i];
			}
		}
		dst[k] = '\0';
		if (dst == it[n].key)
			it[n].val[0] = '\0';
		i++;
		n++;
	}
	return n;
}

static void
add(struct ntp_json *j, const struct item *it)
{
	switch (it->kind) {
	case 0:
		ntp_json_str(j, it->key, it->val);
		break;
	case 1:
		ntp_json_str(j, it->key, NULL);
		break;
	case 2:
		ntp_json_num(j, it->key, strtod(it->val, NULL), it->decimals);
		break;
	case 3:
		ntp_json_int(j, it->key, strtoll(it->val, NULL, 0));
		break;
	case 4:
		ntp_json_bool(j, it->key, it->val[0] & 1);
		break;
	default:
		ntp_json_null(j, it->key);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct item it[MAXITEMS];
	static char keys[MAXITEMS][4 * MAXTEXT];
	struct ntp_json j;
	const char *out;
	size_t n, i;

	n = split(data, size, it);
	ntp_json_begin(&j);
	for (i = 0; i < n; i++)
		add(&j, &it[i]);
	out = ntp_json_end(&j);
	REQUIRE(out != NULL);
	REQUIRE(parse_object(out, keys) == n);
	for (i = 0; i < n; i++) {
		if (plain(it[i].key))
			REQUIRE(strcmp(keys[i], it[i].key) == 0);
		check_escape(it[i].key);
		check_escape(it[i].val);
	}
	ntp_json_free(&j);
	return 0;
}
