/*
 * Timestamps: NTP 32.32 stamps, local timespecs and the era rule.
 */
#ifndef NTPC_TS_H
#define NTPC_TS_H

#include <stdint.h>
#include <time.h>

/* An NTP timestamp on the wire: seconds since 1900 (mod 2^32) . fraction. */
typedef uint64_t ntp_ts_t;

/* Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
#define NTP_UNIX_DELTA	2208988800LL
/* Length of one NTP era, 2^32 s (era 1 starts 2036-02-07 06:28:16 UTC). */
#define NTP_ERA_SECONDS	4294967296LL
#define NTP_NS_PER_SEC	1000000000LL

/*
 * The era rule, written once:
 *
 * A 32.32 timestamp names a second modulo 2^32 s (136 years).  Differences
 * of two timestamps are taken modulo 2^64 as signed (ntp_ts_diff), which is
 * right across the 2036 wrap while the true difference is under 2^31 s (68
 * years).  An absolute time (a step target) is placed in the era that puts it
 * nearest to a pivot: the local clock, or the build date when the local clock
 * is earlier than the build date (a board without RTC booting in 1970 then
 * still lands in the right century after 2038).  Valid while the true time is
 * within 68 years of the pivot.
 */

/* Build date (Unix seconds) used as the lower bound of the era pivot. */
int64_t	ntp_build_epoch(void);

/* The era pivot for a local clock reading: max(local, build date). */
int64_t	ntp_era_pivot(const struct timespec *local);

/* Local time (Unix) to NTP 32.32, fraction rounded to nearest. */
ntp_ts_t ntp_ts_from_timespec(const struct timespec *ts);

/* Unix nanoseconds to NTP 32.32 (any era; the era number is dropped). */
ntp_ts_t ntp_ts_from_unix_ns(int64_t ns);

/* NTP 32.32 to Unix nanoseconds, placed in the era nearest to pivot_sec. */
int64_t	ntp_ts_to_unix_ns(ntp_ts_t ts, int64_t pivot_sec);

/* NTP 32.32 to a timespec, era resolved as ntp_ts_to_unix_ns. */
void	ntp_ts_to_timespec(ntp_ts_t ts, int64_t pivot_sec,
	    struct timespec *out);

/* a - b as a signed 32.32 interval, taken modulo 2^64. */
int64_t	ntp_ts_diff(ntp_ts_t a, ntp_ts_t b);

/* A signed 32.32 interval in seconds. */
double	ntp_fx_to_sec(int64_t fx);

/* A signed 32.32 interval in nanoseconds (rounded toward zero). */
int64_t	ntp_fx_to_ns(int64_t fx);

/* The RFC 5905 16.16 short format (root delay, dispersion) in seconds. */
double	ntp_short_to_sec(uint32_t s);

/* Seconds to the 16.16 short format, clamped to its range. */
uint32_t ntp_short_from_sec(double sec);

/* 2^log2 seconds, for the precision field. */
double	ntp_log2_to_sec(int log2);

/* A timespec as Unix nanoseconds. */
int64_t	ntp_timespec_to_ns(const struct timespec *ts);

/* Unix nanoseconds as a normalised timespec (tv_nsec in [0, 1e9)). */
void	ntp_ns_to_timespec(int64_t ns, struct timespec *out);

/* b - a in seconds, for monotonic deadlines. */
double	ntp_timespec_elapsed(const struct timespec *a,
	    const struct timespec *b);

#endif /* NTPC_TS_H */
