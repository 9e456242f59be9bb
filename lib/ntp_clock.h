/*
 * The clock: the step/slew decision, and the only calls that change the
 * system clock, behind an ops struct so tests substitute a fake.
 */
#ifndef NTPC_CLOCK_H
#define NTPC_CLOCK_H

#include <sys/time.h>

#include <stdint.h>
#include <time.h>

#define NTP_STEP_THRESHOLD	0.5	/* |offset| >= this: step (classic) */
/* The largest |delta| glibc's adjtime() accepts: INT_MAX/1e6 - 2 s. */
#define NTP_SLEW_MAX		2145.0

/* Clock operations; ctx is passed back to every call. */
struct ntp_clock_ops {
	int	(*gettime)(void *ctx, struct timespec *now);	/* REALTIME */
	int	(*settime)(void *ctx, const struct timespec *ts);
	int	(*adjtime)(void *ctx, const struct timeval *delta);
	void	*ctx;
};

/* How the caller wants the clock corrected. */
enum ntp_adj_mode {
	NTP_ADJ_AUTO,		/* step when |offset| >= threshold, else slew */
	NTP_ADJ_STEP,		/* always step (ntpdate -b) */
	NTP_ADJ_SLEW		/* always slew (ntpdate -B) */
};

/* What was decided. */
enum ntp_adj_kind {
	NTP_DO_STEP,
	NTP_DO_SLEW
};

/* The real system clock: clock_gettime, clock_settime and adjtime. */
const struct ntp_clock_ops *ntp_clock_system(void);

/*
 * Decide between step and slew for offset (s).  Returns 0 with *kind set,
 * or NTP_R_SLEW_TOO_BIG when a slew is required but |offset| > NTP_SLEW_MAX.
 */
int	ntp_clock_decide(double offset, enum ntp_adj_mode mode,
	    double threshold, enum ntp_adj_kind *kind);

/* Step the clock by offset_ns: settime(now + offset).  0, or -1 (errno). */
int	ntp_clock_step(const struct ntp_clock_ops *ops, int64_t offset_ns,
	    struct timespec *target);

/* Slew the clock by offset_ns with adjtime().  0, or -1 (errno). */
int	ntp_clock_slew(const struct ntp_clock_ops *ops, int64_t offset_ns);

/* What ntp_clock_apply() decided and did. */
struct ntp_applied {
	enum ntp_adj_kind kind;
	int		changed;	/* 1: the clock was stepped or slewed */
	int		sys_errno;	/* why the clock call failed */
	struct timespec	target;		/* a step's target time */
};

/*
 * The one decide-and-apply step of both front ends: decide between step
 * and slew for offset_ns (mode, threshold as ntp_clock_decide), then,
 * unless dry, step or slew through ops.  Returns 0, NTP_R_SLEW_TOO_BIG,
 * or NTP_R_CLOCK (the call failed; errno in out->sys_errno).
 */
int	ntp_clock_apply(const struct ntp_clock_ops *ops, int64_t offset_ns,
	    enum ntp_adj_mode mode, double threshold, int dry,
	    struct ntp_applied *out);

#endif /* NTPC_CLOCK_H */
