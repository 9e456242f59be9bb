/*
 * Reply and sample checks (RFC 5905 §8, §7.4, §11.2), each a named reason.
 */
#include <math.h>

#include "ntp_check.h"
#include "ntp_reason.h"

#define REFID_DENY	0x44454e59U
#define REFID_RSTR	0x52535452U
#define REFID_RATE	0x52415445U
#define REFID_INIT	0x494e4954U
#define REFID_STEP	0x53544550U

void
ntp_limits_default(struct ntp_limits *l)
{
	l->maxdist = NTP_MAXDIST;
	l->maxrefage = NTP_MAXREFAGE;
}

int
ntp_refid_is_unsync(uint32_t refid)
{
	return refid == REFID_INIT || refid == REFID_STEP;
}

/* The kisses that tell a client to stop or slow down (RFC 5905 §7.4). */
static int
check_kod(const struct ntp_pkt *p)
{
	if (p->stratum != 0)
		return 0;
	if (p->refid == REFID_DENY)
		return NTP_R_KOD_DENY;
	if (p->refid == REFID_RSTR)
		return NTP_R_KOD_RSTR;
	if (p->refid == REFID_RATE)
		return NTP_R_KOD_RATE;
	return 0;
}

static int
check_sync(const struct ntp_pkt *p)
{
	if (p->leap == NTP_LEAP_UNSYNC)
		return NTP_R_UNSYNC_LEAP;
	if (p->stratum == 0) {
		if (ntp_refid_is_ascii(p->refid) &&
		    !ntp_refid_is_unsync(p->refid))
			return NTP_R_KOD_OTHER;
		return NTP_R_UNSYNC_STRATUM0;
	}
	if (p->stratum >= 16)
		return NTP_R_STRATUM;
	return 0;
}

static int
check_times(const struct ntp_pkt *p, const struct ntp_limits *l)
{
	double refage;

	if (p->rec == 0)
		return NTP_R_ZERO_REC;
	if (p->xmt == 0)
		return NTP_R_ZERO_XMT;
	if (ntp_ts_diff(p->xmt, p->rec) < 0)
		return NTP_R_XMT_BEFORE_REC;
	if (p->reftime == 0)
		return NTP_R_REF_ZERO;
	refage = ntp_fx_to_sec(ntp_ts_diff(p->xmt, p->reftime));
	if (refage < 0)
		return NTP_R_REF_FUTURE;
	if (refage > l->maxrefage)
		return NTP_R_REF_OLD;
	return 0;
}

int
ntp_check_header(const struct ntp_pkt *p, ntp_ts_t nonce)
{
	if (p->version < 1 || p->version > 4)
		return NTP_R_VERSION;
	if (p->mode != NTP_MODE_SERVER && p->mode != NTP_MODE_SYMPAS)
		return NTP_R_MODE;
	if (p->org != nonce)
		return NTP_R_ORIGIN;
	return 0;
}

int
ntp_check_reply(const struct ntp_pkt *p, ntp_ts_t nonce,
    const struct ntp_limits *l)
{
	int r;

	if ((r = ntp_check_header(p, nonce)) != 0 ||
	    (r = check_kod(p)) != 0 || (r = check_sync(p)) != 0)
		return r;
	return check_times(p, l);
}

int
ntp_check_sample(const struct ntp_sample *s, const struct ntp_limits *l)
{
	if (!isfinite(s->rootdist) || s->rootdist > l->maxdist)
		return NTP_R_ROOTDIST;
	return 0;
}
