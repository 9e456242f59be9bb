/*
 * libFuzzer target: the option-value parsers (lib/ntp_parse.c).  Input:
 * one selector byte, then the value text (up to the first NUL).
 *
 * Invariants: an accepted value is within its bounds and finite; an
 * accepted decimal is, after leading blanks, made of digits and points
 * only, with a digit; an accepted integer is an optional sign and digits
 * (after whatever blanks strtol skips) and prints back to the same number.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_parse.h"

#define REQUIRE(c)	do { if (!(c)) abort(); } while (0)
#define MAXTEXT		256

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_decimal(const char *s, double lo, double hi)
{
	double v;

	const char *p = s;

	if (ntp_parse_decimal(s, lo, hi, &v) != 0)
		return;
	REQUIRE(isfinite(v) && v >= lo && v <= hi);
	p += strspn(p, " \t\n\v\f\r");
	REQUIRE(strspn(p, "0123456789.") == strlen(p));
	REQUIRE(strpbrk(p, "0123456789") != NULL);
	REQUIRE(v == strtod(s, NULL));
}

static void
fuzz_long(const char *s, long lo, long hi)
{
	char back[32];
	const char *p = s;
	long v;

	if (ntp_parse_long(s, lo, hi, &v) != 0)
		return;
	REQUIRE(v >= lo && v <= hi);
	p += strspn(p, " \t\n\v\f\r");
	if (*p == '+' || *p == '-')
		p++;
	REQUIRE(*p != '\0' && strspn(p, "0123456789") == strlen(p));
	snprintf(back, sizeof(back), "%ld", v);
	REQUIRE(strtol(back, NULL, 10) == strtol(s, NULL, 10));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double dlim[][2] = {
		{ 0, 1e9 }, { 0.001, 60 }, { 0, 0 }, { 1, 4 }
	};
	static const long llim[][2] = {
		{ 0, 1000000 }, { 1, 4 }, { -128, 127 }, { 0, 0 }
	};
	char s[MAXTEXT + 1];
	size_t n;
	int sel;

	if (size < 1)
		return 0;
	sel = data[0] & 3;
	n = size - 1 < MAXTEXT ? size - 1 : MAXTEXT;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	fuzz_decimal(s, dlim[sel][0], dlim[sel][1]);
	fuzz_long(s, llim[sel][0], llim[sel][1]);
	return 0;
}
