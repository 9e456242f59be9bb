/*
 * libFuzzer target: the reply decoder and every check, then the sample
 * math.  Input: 13 bytes of local context, then the datagram.
 *
 *   [0]      flags: bit 0 takes the nonce from the reply's origin (so
 *            that the checks after the origin one are reached)
 *   [1..4]   T1 seconds (Unix, big-endian, unsigned)
 *   [5..8]   T1 nanoseconds (mod 1e9)
 *   [9..11]  T4 - T1 in units of 2^-20 s (0 .. 16 s)
 *   [12]     local precision, log2 s (signed)
 *
 * Invariants: decoding never reads past the datagram; a decoded header
 * encodes back to the same 48 bytes; a reply that passed every check and
 * became a sample has every property the checks promise, its delay and
 * T3 - T2 within limits, and its step target (T4 + offset) in the window
 * [pivot - 2^31 s, pivot + 2^31 s) of the era rule.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_check.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"
#include "ntp_sample.h"
#include "ntp_ts.h"
#if __has_include("ntp_check.h")
#include "ntp_check.h"		/* the checks, once out of ntp_sample.h */
#endif

#define CTX_LEN		13
#define NS		1000000000LL
#define HALF_ERA_NS	(NTP_ERA_SECONDS / 2 * NS)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)	do { if (!(c)) abort(); } while (0)

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The header fields survive encode and decode. */
static void
check_roundtrip(const uint8_t *buf, const struct ntp_pkt *p)
{
	uint8_t out[NTP_HEADER_LEN];
	struct ntp_pkt q;

	REQUIRE(ntp_pkt_encode(p, out, sizeof(out)) == NTP_HEADER_LEN);
	REQUIRE(memcmp(out, buf, NTP_HEADER_LEN) == 0);
	REQUIRE(ntp_pkt_decode(out, sizeof(out), &q) == 0);
	REQUIRE(q.xmt == p->xmt && q.rec == p->rec && q.org == p->org);
}

/* What ntp_check_reply() promises for a reply it accepted. */
static void
check_accepted(const struct ntp_pkt *p, ntp_ts_t nonce,
    const struct ntp_limits *l)
{
	double age;

	REQUIRE(p->version >= 1 && p->version <= 4);
	REQUIRE(p->mode == NTP_MODE_SERVER || p->mode == NTP_MODE_SYMPAS);
	REQUIRE(p->org == nonce);
	REQUIRE(p->leap != NTP_LEAP_UNSYNC);
	REQUIRE(p->stratum >= 1 && p->stratum <= 15);
	REQUIRE(p->rec != 0 && p->xmt != 0 && p->reftime != 0);
	REQUIRE(ntp_ts_diff(p->xmt, p->rec) >= 0);
	age = ntp_fx_to_sec(ntp_ts_diff(p->xmt, p->reftime));
	REQUIRE(age >= 0 && age <= l->maxrefage);
}

/*
 * The offset is theta = (T3 - T4) + delta/2 modulo 2^32 s, worked out
 * here in 128 bits from the sample's own stamps, to within 2 ns.
 */
static void
check_theta(const struct ntp_sample *s)
{
	__int128 b = (int64_t)(s->t3 - s->t4);
	__int128 delta = (__int128)(int64_t)(s->t4 - s->t1) -
	    (int64_t)(s->t3 - s->t2);
	__int128 theta_ns, d, era = (__int128)NTP_ERA_SECONDS * NS;

	theta_ns = (2 * b + delta) * NS / 2 / ((__int128)1 << 32);
	d = ((s->offset_ns - theta_ns) % era + era) % era;
	REQUIRE(d <= 2 || d >= era - 2);
}

/* What ntp_sample_make() promises for a sample. */
static void
check_sample(const struct ntp_sample *s, const struct timespec *t4,
    const struct ntp_limits *l)
{
	int64_t loc = ntp_timespec_to_ns(t4);
	int64_t pivot = ntp_era_pivot(t4) * NS, target;
	double srv = ntp_fx_to_sec(ntp_ts_diff(s->t3, s->t2));

	if (loc > pivot)
		pivot = loc;
	REQUIRE(s->delay >= 0 && s->delay <= NTP_MAXDELAY);
	REQUIRE(srv >= 0 && srv <= NTP_MAXDELAY);
	REQUIRE(isfinite(s->offset) && isfinite(s->rootdist));
	target = loc + s->offset_ns;
	REQUIRE(target >= pivot - HALF_ERA_NS && target < pivot + HALF_ERA_NS);
	check_theta(s);
	if (ntp_check_sample(s, l) == 0)
		REQUIRE(s->rootdist <= l->maxdist);
}

/* The local context from the first CTX_LEN bytes. */
static void
read_ctx(const uint8_t *d, struct timespec *t1, struct timespec *t4,
    int *prec, int *echo)
{
	int64_t rtt;

	*echo = d[0] & 1;
	t1->tv_sec = (time_t)be32(d + 1);
	t1->tv_nsec = (long)(be32(d + 5) % NS);
	rtt = (int64_t)((uint32_t)d[9] << 16 | (uint32_t)d[10] << 8 | d[11]) *
	    NS / (1 << 20);
	ntp_ns_to_timespec(ntp_timespec_to_ns(t1) + rtt, t4);
	*prec = (int8_t)d[12];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timespec t1, t4;
	struct ntp_limits l;
	struct ntp_pkt p;
	struct ntp_sample s;
	ntp_ts_t nonce = 0x0123456789abcdefULL;
	int prec, echo;

	if (size < CTX_LEN)
		return 0;
	read_ctx(data, &t1, &t4, &prec, &echo);
	data += CTX_LEN;
	size -= CTX_LEN;
	if (ntp_pkt_decode(data, size, &p) != 0)
		return 0;
	REQUIRE(size >= NTP_HEADER_LEN);
	check_roundtrip(data, &p);
	if (echo)
		nonce = p.org;
	ntp_limits_default(&l);
	if (ntp_check_header(&p, nonce) != 0 ||
	    ntp_check_reply(&p, nonce, &l) != 0)
		return 0;
	check_accepted(&p, nonce, &l);
	if (ntp_sample_make(&p, &t1, &t4, prec, &s) == 0)
		check_sample(&s, &t4, &l);
	return 0;
}
