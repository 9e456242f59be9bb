/*
 * The only file that calls clock_settime() and adjtime().
 */
#include <sys/time.h>

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "ntp_clock.h"
#include "ntp_reason.h"
#include "ntp_ts.h"

static int
sys_gettime(void *ctx, struct timespec *now)
{
	(void)ctx;
	return clock_gettime(CLOCK_REALTIME, now);
}

static int
sys_settime(void *ctx, const struct timespec *ts)
{
	(void)ctx;
	return clock_settime(CLOCK_REALTIME, ts);
}

static int
sys_adjtime(void *ctx, const struct timeval *delta)
{
	(void)ctx;
	return adjtime(delta, NULL);
}

static const struct ntp_clock_ops system_ops = {
	sys_gettime, sys_settime, sys_adjtime, NULL
};

const struct ntp_clock_ops *
ntp_clock_system(void)
{
	return &system_ops;
}

int
ntp_clock_decide(double offset, enum ntp_adj_mode mode, double threshold,
    enum ntp_adj_kind *kind)
{
	if (mode == NTP_ADJ_STEP ||
	    (mode == NTP_ADJ_AUTO && fabs(offset) >= threshold)) {
		*kind = NTP_DO_STEP;
		return 0;
	}
	*kind = NTP_DO_SLEW;
	if (!(fabs(offset) <= NTP_SLEW_MAX))
		return NTP_R_SLEW_TOO_BIG;
	return 0;
}

int
ntp_clock_step(const struct ntp_clock_ops *ops, int64_t offset_ns,
    struct timespec *target)
{
	struct timespec now, t;

	if (ops->gettime(ops->ctx, &now) != 0)
		return -1;
	ntp_ns_to_timespec(ntp_timespec_to_ns(&now) + offset_ns, &t);
	if (target != NULL)
		*target = t;
	return ops->settime(ops->ctx, &t);
}

int
ntp_clock_slew(const struct ntp_clock_ops *ops, int64_t offset_ns)
{
	struct timeval tv;
	int64_t us = offset_ns / 1000;

	if (us > (int64_t)(NTP_SLEW_MAX * 1e6) ||
	    us < -(int64_t)(NTP_SLEW_MAX * 1e6)) {
		errno = EINVAL;
		return -1;
	}
	/* timeval with a negative total keeps tv_usec in [0, 1e6). */
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	if (tv.tv_usec < 0) {
		tv.tv_usec += 1000000;
		tv.tv_sec--;
	}
	return ops->adjtime(ops->ctx, &tv);
}

int
ntp_clock_apply(const struct ntp_clock_ops *ops, int64_t offset_ns,
    enum ntp_adj_mode mode, double threshold, int dry,
    struct ntp_applied *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ntp_clock_decide((double)offset_ns / 1e9, mode, threshold,
	    &out->kind)) != 0)
		return rc;
	if (dry)
		return 0;
	rc = out->kind == NTP_DO_STEP ?
	    ntp_clock_step(ops, offset_ns, &out->target) :
	    ntp_clock_slew(ops, offset_ns);
	if (rc != 0) {
		out->sys_errno = errno;
		return NTP_R_CLOCK;
	}
	out->changed = 1;
	return 0;
}
