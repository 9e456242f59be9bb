/*
 * Timestamps and eras; see the era rule in ntp_ts.h.
 */
#include <stdint.h>
#include <time.h>

#include "ntp_ts.h"

#ifndef NTPC_BUILD_EPOCH
#define NTPC_BUILD_EPOCH 1763769600LL	/* 2025-11-22, when unset */
#endif

int64_t
ntp_build_epoch(void)
{
	return NTPC_BUILD_EPOCH;
}

int64_t
ntp_era_pivot(const struct timespec *local)
{
	int64_t build = ntp_build_epoch();

	return (int64_t)local->tv_sec < build ? build : (int64_t)local->tv_sec;
}

ntp_ts_t
ntp_ts_from_unix_ns(int64_t ns)
{
	int64_t sec, frac_ns;
	uint64_t ntpsec, frac;

	sec = ns / NTP_NS_PER_SEC;
	frac_ns = ns % NTP_NS_PER_SEC;
	if (frac_ns < 0) {
		frac_ns += NTP_NS_PER_SEC;
		sec--;
	}
	/* Round to nearest so timespec -> NTP -> timespec is exact. */
	frac = (((uint64_t)frac_ns << 32) + NTP_NS_PER_SEC / 2) /
	    NTP_NS_PER_SEC;
	ntpsec = (uint64_t)(sec + NTP_UNIX_DELTA) & 0xffffffffULL;
	return (ntpsec << 32) + frac;
}

ntp_ts_t
ntp_ts_from_timespec(const struct timespec *ts)
{
	return ntp_ts_from_unix_ns(ntp_timespec_to_ns(ts));
}

int64_t
ntp_ts_to_unix_ns(ntp_ts_t ts, int64_t pivot_sec)
{
	int64_t sec, pivot_ntp, delta, ns;
	uint64_t frac;

	/* Signed distance of ts from the pivot, modulo one era. */
	pivot_ntp = pivot_sec + NTP_UNIX_DELTA;
	delta = (int64_t)(int32_t)(uint32_t)((uint64_t)(ts >> 32) -
	    (uint64_t)pivot_ntp);
	sec = pivot_sec + delta;
	frac = ts & 0xffffffffULL;
	ns = (int64_t)((frac * NTP_NS_PER_SEC + (1ULL << 31)) >> 32);
	return sec * NTP_NS_PER_SEC + ns;
}

void
ntp_ts_to_timespec(ntp_ts_t ts, int64_t pivot_sec, struct timespec *out)
{
	ntp_ns_to_timespec(ntp_ts_to_unix_ns(ts, pivot_sec), out);
}

int64_t
ntp_ts_diff(ntp_ts_t a, ntp_ts_t b)
{
	return (int64_t)(a - b);
}

double
ntp_fx_to_sec(int64_t fx)
{
	return (double)fx / 4294967296.0;
}

int64_t
ntp_fx_to_ns(int64_t fx)
{
	int64_t sec = fx / NTP_ERA_SECONDS;
	int64_t rem = fx % NTP_ERA_SECONDS;

	return sec * NTP_NS_PER_SEC + rem * NTP_NS_PER_SEC / NTP_ERA_SECONDS;
}

double
ntp_short_to_sec(uint32_t s)
{
	return (double)s / 65536.0;
}

uint32_t
ntp_short_from_sec(double sec)
{
	if (!(sec > 0))
		return 0;
	if (sec >= 65535.0)
		return 0xffffffffU;
	return (uint32_t)(sec * 65536.0 + 0.5);
}

double
ntp_log2_to_sec(int log2)
{
	double v = 1.0;

	if (log2 < -64 || log2 > 64)
		return log2 < 0 ? 0.0 : 1.8e19;
	for (; log2 > 0; log2--)
		v *= 2.0;
	for (; log2 < 0; log2++)
		v /= 2.0;
	return v;
}

int64_t
ntp_timespec_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NTP_NS_PER_SEC + ts->tv_nsec;
}

void
ntp_ns_to_timespec(int64_t ns, struct timespec *out)
{
	int64_t sec = ns / NTP_NS_PER_SEC, rem = ns % NTP_NS_PER_SEC;

	if (rem < 0) {
		rem += NTP_NS_PER_SEC;
		sec--;
	}
	out->tv_sec = (time_t)sec;
	out->tv_nsec = (long)rem;
}

double
ntp_timespec_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}
