/*
 * Option values.  Leading blanks are skipped by every parser, as strtol()
 * and classic's atoi()/atolfp() skip them: "-p ' 2'" and "-t ' 1'" are
 * both accepted.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_parse.h"

static const char *
skip_blanks(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

int
ntp_parse_decimal(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	s = skip_blanks(s);
	if (*s == '\0' || strspn(s, "0123456789.") != strlen(s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
ntp_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*skip_blanks(s) == '\0' || *end != '\0' || errno != 0 || v < lo ||
	    v > hi)
		return -1;
	*out = v;
	return 0;
}

/*
 * Classic's atolfp() grammar: [blanks][+|-]digits[.digits][blanks], or
 * [blanks][+|-].digits[blanks]; no exponent, no "inf".
 */
int
ntp_parse_signed_decimal(const char *s, double *out)
{
	const char *p = skip_blanks(s), *num;
	size_t ndig;
	double v;

	num = p;
	if (*p == '+' || *p == '-')
		p++;
	ndig = strspn(p, "0123456789");
	p += ndig;
	if (*p == '.') {
		p++;
		ndig += strspn(p, "0123456789");
		p += strspn(p, "0123456789");
	}
	if (ndig == 0 || *skip_blanks(p) != '\0')
		return -1;
	v = strtod(num, NULL);
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}
