/*
 * Offset, delay, dispersion and root distance (RFC 5905 §8, §11.2).
 */
#include <math.h>
#include <string.h>

#include "ntp_reason.h"
#include "ntp_sample.h"

int
ntp_offset_delay(ntp_ts_t t1, ntp_ts_t t2, ntp_ts_t t3, ntp_ts_t t4,
    int64_t *offset_fx, int64_t *delay_fx)
{
	int64_t a = ntp_ts_diff(t2, t1), b = ntp_ts_diff(t3, t4);
	int64_t rtt = ntp_ts_diff(t4, t1), srv = ntp_ts_diff(t3, t2);

	/* Halve first: the sum of two signed intervals may overflow. */
	*offset_fx = a / 2 + b / 2 + (a % 2 + b % 2) / 2;
	if (__builtin_sub_overflow(rtt, srv, delay_fx))
		return NTP_R_DELAY;
	return 0;
}

int64_t
ntp_offset_resolve(int64_t offset_fx, double delay, ntp_ts_t t3,
    const struct timespec *t4_local)
{
	int64_t pivot = ntp_era_pivot(t4_local);
	int64_t srv_ns = ntp_ts_to_unix_ns(t3, pivot);
	int64_t loc_ns = ntp_timespec_to_ns(t4_local);
	int64_t off_ns = ntp_fx_to_ns(offset_fx);
	double implied = (double)(srv_ns - loc_ns) + delay / 2 * 1e9;
	double era_ns = (double)NTP_ERA_SECONDS * 1e9;
	double k = round((implied - (double)off_ns) / era_ns);

	return off_ns + (int64_t)k * NTP_ERA_SECONDS * NTP_NS_PER_SEC;
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
	int64_t offset_fx, delay_fx;
	double prec;

	memset(s, 0, sizeof(*s));
	sample_server_fields(p, s);
	s->t1 = ntp_ts_from_timespec(t1);
	s->t4 = ntp_ts_from_timespec(t4);
	s->local = *t4;
	if (ntp_offset_delay(s->t1, s->t2, s->t3, s->t4, &offset_fx,
	    &delay_fx) != 0)
		return NTP_R_DELAY;
	s->delay = ntp_fx_to_sec(delay_fx);
	prec = ntp_log2_to_sec(p->precision) + ntp_log2_to_sec(local_precision);
	/* A tiny negative delay is clock granularity; more is a lie. */
	if (s->delay < -prec - 1e-6 || s->delay > NTP_MAXDELAY)
		return NTP_R_DELAY;
	if (s->delay < 0)
		s->delay = 0;
	s->offset_ns = ntp_offset_resolve(offset_fx, s->delay, s->t3, t4);
	s->offset = (double)s->offset_ns / 1e9;
	s->disp = prec + NTP_PHI * s->delay;
	s->error = s->delay / 2 + prec;
	/* lambda = max(MINDISP, root delay + delta)/2 + root disp + eps */
	s->rootdist = fmax(NTP_MINDISP, s->rootdelay + s->delay) / 2 +
	    s->rootdisp + s->disp;
	return 0;
}
