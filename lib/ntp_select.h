/*
 * Selection: the best sample of a server, and whom to believe among
 * several (RFC 5905 §11.2.1 intersection, truechimers by interval,
 * §11.2.3 combine).
 */
#ifndef NTPC_SELECT_H
#define NTPC_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_sample.h"

/* One server's best sample as selection sees it. */
struct ntp_cand {
	double		offset;		/* s */
	int64_t		offset_ns;	/* the same, era-resolved, ns */
	double		rootdist;	/* half-width of the correctness interval */
	double		delay;
	int		stratum;
	int		reason;		/* in: NTP_OK when usable; out: verdict */
	double		weight;		/* out: share in the combined offset */
};

/* What selection decided. */
struct ntp_selection {
	int		chosen;		/* the system peer, or -1 */
	int		no_majority;	/* 1: no majority clique: nothing chosen */
	size_t		usable;		/* candidates that came in usable */
	size_t		survivors;	/* truechimers */
	size_t		combined;	/* survivors in the combined offset */
	double		low, high;	/* the intersection, when found */
	double		offset;		/* the combined offset, s */
	int64_t		offset_ns;	/* the same, ns */
};

/* Index of the minimum-delay sample among n, or -1 when n is 0. */
int	ntp_best_sample(const struct ntp_sample *s, size_t n);

/*
 * Choose among n candidates; those with reason NTP_OK take part.
 * The intersection algorithm finds the smallest number of falsetickers f
 * (2f < m usable) for which m - f correctness intervals
 * [offset - rootdist, offset + rootdist] share an interval [low, high].
 * None: no majority; every usable candidate becomes NTP_R_NO_MAJORITY and
 * nothing is chosen (RFC 5905: no candidates to discipline the clock).
 * A candidate whose interval overlaps [low, high] is a truechimer (as
 * ntpd's), else NTP_R_FALSETICKER.  The system peer is the truechimer of
 * the lowest stratum, then the smallest root distance, then the smallest
 * delay; the other truechimers become NTP_R_NOT_BEST.  The combined offset
 * is the average of the truechimers of the peer's stratum weighted by
 * 1/rootdist (RFC 5905 §11.2.3).  One usable candidate is a majority of
 * one.  Returns the system peer's index, or -1.
 */
int	ntp_select(struct ntp_cand *c, size_t n, struct ntp_selection *out);

#endif /* NTPC_SELECT_H */
