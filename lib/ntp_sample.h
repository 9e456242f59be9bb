/*
 * Sample math: offset, delay, dispersion and root distance from T1..T4
 * (the checks a reply and a sample must pass are in ntp_check.h).
 */
#ifndef NTPC_SAMPLE_H
#define NTPC_SAMPLE_H

#include <stdint.h>
#include <time.h>

#include "ntp_pkt.h"
#include "ntp_ts.h"

#define NTP_MINDISP	0.01	/* RFC 5905 §7.2: minimum dispersion, s */
#define NTP_PHI		15e-6	/* RFC 5905 §7.2: frequency tolerance, s/s */
#define NTP_MAXDELAY	8.0	/* a round trip longer than this is absurd */

/* One measurement against one server. */
struct ntp_sample {
	ntp_ts_t	t1;		/* local transmit (real, not the nonce) */
	ntp_ts_t	t2;		/* server receive */
	ntp_ts_t	t3;		/* server transmit */
	ntp_ts_t	t4;		/* local receive */
	struct timespec	local;		/* local clock at T4 */
	int64_t		offset_ns;	/* theta, era-resolved, ns */
	double		offset;		/* theta, s; positive: we are behind */
	double		delay;		/* delta, s */
	double		disp;		/* epsilon: precision terms + PHI*delta */
	double		rootdist;	/* lambda */
	double		error;		/* delta/2 + precision terms */
	double		rootdelay;	/* server's, s */
	double		rootdisp;	/* server's, s */
	int		stratum;
	int		leap;
	int		precision;	/* server's, log2 s */
	uint32_t	refid;
};

/*
 * RFC 5905 §8, on 32.32 timestamps with signed differences:
 *   delay  delta = (T4 - T1) - (T3 - T2)
 *   offset theta = ((T2 - T1) + (T3 - T4)) / 2, computed as
 *          theta = (T3 - T4) + delta / 2 (rounded down) so that only one
 *          difference between the two clocks is taken modulo 2^32 s.
 * theta is taken modulo 2^64 (2^32 s); ntp_offset_resolve() places it.
 * Positive theta: the local clock is behind the server.  Returns 0, or
 * NTP_R_DELAY when the delay overflows.
 */
int	ntp_offset_delay(ntp_ts_t t1, ntp_ts_t t2, ntp_ts_t t3, ntp_ts_t t4,
	    int64_t *offset_fx, int64_t *delay_fx);

/* Local clock readings beyond this (Unix s, in 2160) are not resolved:
 * the ns arithmetic of the era window would overflow. */
#define NTP_LOCAL_MAX_SEC	6000000000LL

/*
 * The era-resolved offset in ns: the signed offset (modulo 2^32 s) plus
 * the multiple of 2^32 s that puts the step target, the local time at T4
 * plus the offset, in the window [pivot - 2^31 s, pivot + 2^31 s) of the
 * era rule (ntp_ts.h).  One rule for every mode.  Returns 0, or
 * NTP_R_DELAY for a local clock reading outside [0, NTP_LOCAL_MAX_SEC].
 */
int	ntp_offset_resolve(int64_t offset_fx, const struct timespec *t4_local,
	    int64_t *offset_ns);

/*
 * Fill s from a checked reply and the local T1 and T4 readings.
 * local_precision is our clock's precision (log2 s).  Returns 0,
 * NTP_R_PROCESSING when T3 - T2 is negative or over NTP_MAXDELAY, or
 * NTP_R_DELAY for a negative or absurd delay.
 */
int	ntp_sample_make(const struct ntp_pkt *p, const struct timespec *t1,
	    const struct timespec *t4, int local_precision,
	    struct ntp_sample *s);

/*
 * ntp_sample_make() with classic ntpdate's authdelay (-e): T1 taken as
 * t1_bias seconds later (0 <= t1_bias < 1), so the offset is smaller by
 * t1_bias/2 and the delay by t1_bias, down to 0 -- classic goes on with
 * a negative delay once -e exceeds the round trip.  The delay is judged
 * on the real T1 first; s->t1 is the real T1.
 */
int	ntp_sample_make_biased(const struct ntp_pkt *p,
	    const struct timespec *t1, const struct timespec *t4,
	    int local_precision, double t1_bias, struct ntp_sample *s);

#endif /* NTPC_SAMPLE_H */
