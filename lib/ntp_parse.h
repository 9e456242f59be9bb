/*
 * Parsing of option values, shared by the front ends.
 */
#ifndef NTPC_PARSE_H
#define NTPC_PARSE_H

/*
 * A decimal number of seconds: digits with an optional fraction, no sign
 * and no exponent, within [lo, hi], after optional leading blanks.  0, or
 * -1 when it is anything else.
 */
int	ntp_parse_decimal(const char *s, double lo, double hi, double *out);

/*
 * A base-10 integer within [lo, hi], after optional leading blanks.  0, or
 * -1 when it is anything else.
 */
int	ntp_parse_long(const char *s, long lo, long hi, long *out);

/*
 * A decimal number as classic ntpdate's atolfp() reads it: optional blanks
 * around it, an optional sign, digits with an optional fraction.  No range
 * check (the caller clamps).  0, or -1 when it is anything else.
 */
int	ntp_parse_signed_decimal(const char *s, double *out);

#endif /* NTPC_PARSE_H */
