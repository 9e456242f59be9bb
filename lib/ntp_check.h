/*
 * Reply and sample checks: each returns 0 or a named reason
 * (ntp_reason.h), in a documented order, so that every refusal says why.
 */
#ifndef NTPC_CHECK_H
#define NTPC_CHECK_H

#include "ntp_pkt.h"
#include "ntp_sample.h"
#include "ntp_ts.h"

#define NTP_MAXDIST	1.5	/* default root distance limit (ntpd's) */
#define NTP_MAXREFAGE	86400.0	/* reference time older than this: stale */

/* Limits a reply and a sample are checked against. */
struct ntp_limits {
	double		maxdist;	/* root distance limit, s */
	double		maxrefage;	/* reference time age limit, s */
};

/* The default limits. */
void	ntp_limits_default(struct ntp_limits *l);

/*
 * The checks that make a reply authentic: version 1..4, mode server or
 * passive, origin equal to our nonce.  Returns 0 or the reason.
 */
int	ntp_check_header(const struct ntp_pkt *p, ntp_ts_t nonce);

/*
 * Reply checks, in this order: the header (ntp_check_header: nothing else
 * in the reply is believed before its origin matched), Kiss-o'-Death DENY,
 * RSTR, RATE (whatever the leap indicator: chronyd's RATE carries LI 3),
 * not synchronized (leap 3, or stratum 0 without one of those three kiss
 * codes -- INIT, STEP and the like are a server that has not synchronized
 * yet; another printable code with a valid leap is a kiss we do not know),
 * stratum 16 or more, zero receive, zero transmit, transmit before
 * receive, reference time zero, over maxrefage old, or after transmit.
 * Returns 0 or the first failing reason.  Length and layout are checked
 * by ntp_pkt_decode() before.
 */
int	ntp_check_reply(const struct ntp_pkt *p, ntp_ts_t nonce,
	    const struct ntp_limits *l);

/* Sample checks: root distance over l->maxdist.  Returns 0 or a reason. */
int	ntp_check_sample(const struct ntp_sample *s,
	    const struct ntp_limits *l);

/* 1 when refid is a code servers send while not synchronized (INIT, STEP). */
int	ntp_refid_is_unsync(uint32_t refid);

#endif /* NTPC_CHECK_H */
