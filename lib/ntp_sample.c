/*
 * Offset, delay, dispersion and root distance (RFC 5905 §8, §11.2).
 */
#include <math.h>
#include <string.h>

#include "ntp_reason.h"
#include "ntp_sample.h"

/* floor(x / 2): the halving rounds the same way for either sign. */
static int64_t
half_floor(int64_t x)
{
	return x / 2 - (x % 2 < 0);
}

/*
 * theta = (T3 - T4) + delta/2 equals ((T2 - T1) + (T3 - T4)) / 2 but
 * takes one wrapped difference of a server and a local stamp, not two:
 * two such differences near 2^31 s can wrap in opposite directions and
 * average to half an era off (a hostile server can time that).  The other
 * two differences, T4 - T1 and T3 - T2, are short intervals on one clock.
 * The offset is an interval modulo 2^32 s; ntp_offset_resolve() places it.
 */
int
ntp_offset_delay(ntp_ts_t t1, ntp_ts_t t2, ntp_ts_t t3, ntp_ts_t t4,
    int64_t *offset_fx, int64_t *delay_fx)
{
	int64_t b = ntp_ts_diff(t3, t4);
	int64_t rtt = ntp_ts_diff(t4, t1), srv = ntp_ts_diff(t3, t2);

	if (__builtin_sub_overflow(rtt, srv, delay_fx))
		return NTP_R_DELAY;
	/* theta is only known modulo 2^32 s: the sum wraps like b does. */
	*offset_fx = (int64_t)((uint64_t)b + (uint64_t)half_floor(*delay_fx));
	return 0;
}

int
ntp_offset_resolve(int64_t offset_fx, const struct timespec *t4_local,
    int64_t *offset_ns)
{
	const int64_t era = NTP_ERA_SECONDS * NTP_NS_PER_SEC;
	int64_t lo, loc, target;

	if (t4_local->tv_sec < 0 || t4_local->tv_sec > NTP_LOCAL_MAX_SEC)
		return NTP_R_DELAY;
	/*
	 * The window [pivot - 2^31 s, pivot + 2^31 s) of the era rule, the
	 * pivot taken to the ns (the local clock unless before the build).
	 */
	loc = ntp_timespec_to_ns(t4_local);
	lo = ntp_era_pivot(t4_local) * NTP_NS_PER_SEC;
	if (loc > lo)
		lo = loc;
	lo -= era / 2;
	target = loc + ntp_fx_to_ns(offset_fx);
	while (target < lo)
		target += era;
	while (target - lo >= era)
		target -= era;
	*offset_ns = target - loc;
	return 0;
}

/*
 * The server cannot have held the request for longer than any round trip
 * we accept, nor for a negative time; a T3 - T2 outside that is a lie
 * about its clock, whatever T1..T4 say together.
 */
static int
check_processing(ntp_ts_t t2, ntp_ts_t t3)
{
	int64_t srv = ntp_ts_diff(t3, t2);

	if (srv < 0 || ntp_fx_to_sec(srv) > NTP_MAXDELAY)
		return NTP_R_PROCESSING;
	return 0;
}

static void
sample_server_fields(const struct ntp_pkt *p, struct ntp_sample *s)
{
	s->rootdelay = ntp_short_to_sec(p->rootdelay);
	s->rootdisp = ntp_short_to_sec(p->rootdisp);
	s->stratum = p->stratum;
	s->leap = p->leap;
	s->precision = p->precision;
	s->refid = p->refid;
	s->t2 = p->rec;
	s->t3 = p->xmt;
}

int
ntp_sample_make(const struct ntp_pkt *p, const struct timespec *t1,
    const struct timespec *t4, int local_precision, struct ntp_sample *s)
{
	return ntp_sample_make_biased(p, t1, t4, local_precision, 0, s);
}

int
ntp_sample_make_biased(const struct ntp_pkt *p, const struct timespec *t1,
    const struct timespec *t4, int local_precision, double t1_bias,
    struct ntp_sample *s)
{
	int64_t offset_fx, delay_fx;
	double prec;

	memset(s, 0, sizeof(*s));
	sample_server_fields(p, s);
	s->t1 = ntp_ts_from_timespec(t1);
	s->t4 = ntp_ts_from_timespec(t4);
	s->local = *t4;
	if (check_processing(s->t2, s->t3) != 0)
		return NTP_R_PROCESSING;
	if (ntp_offset_delay(s->t1, s->t2, s->t3, s->t4, &offset_fx,
	    &delay_fx) != 0)
		return NTP_R_DELAY;
	s->delay = ntp_fx_to_sec(delay_fx);
	prec = ntp_log2_to_sec(p->precision) + ntp_log2_to_sec(local_precision);
	/* A tiny negative delay is clock granularity; more is a lie. */
	if (s->delay < -prec - 1e-6 || s->delay > NTP_MAXDELAY)
		return NTP_R_DELAY;
	if (t1_bias > 0 && t1_bias < 1) {
		/* 2^32 fractions of a second; half of it off the offset. */
		offset_fx -= (int64_t)llround(ldexp(t1_bias, 31));
		s->delay -= t1_bias;
	}
	if (s->delay < 0)
		s->delay = 0;
	if (ntp_offset_resolve(offset_fx, t4, &s->offset_ns) != 0)
		return NTP_R_DELAY;
	s->offset = (double)s->offset_ns / 1e9;
	s->disp = prec + NTP_PHI * s->delay;
	s->error = s->delay / 2 + prec;
	/* lambda = max(MINDISP, root delay + delta)/2 + root disp + eps */
	s->rootdist = fmax(NTP_MINDISP, s->rootdelay + s->delay) / 2 +
	    s->rootdisp + s->disp;
	return 0;
}
