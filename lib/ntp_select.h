/*
 * Selection: the best sample of a server, and the server to trust among
 * several (RFC 5905 §11.2.1 intersection, then a deterministic choice).
 */
#ifndef NTPC_SELECT_H
#define NTPC_SELECT_H

#include <stddef.h>

#include "ntp_sample.h"

/* One server's best sample as selection sees it. */
struct ntp_cand {
	double		offset;
	double		rootdist;	/* half-width of the correctness interval */
	double		delay;
	int		stratum;
	int		reason;		/* in: NTP_OK when usable; out: verdict */
};

/* What selection decided. */
struct ntp_selection {
	int		chosen;		/* index into the candidates, or -1 */
	int		no_majority;	/* 1: no majority, fell back to classic */
	size_t		usable;		/* candidates that came in usable */
	size_t		survivors;	/* truechimers */
	double		spread;		/* max - min offset when no majority */
	double		low, high;	/* the intersection, when found */
};

/* Index of the minimum-delay sample among n, or -1 when n is 0. */
int	ntp_best_sample(const struct ntp_sample *s, size_t n);

/*
 * Choose among n candidates.  Those with reason NTP_OK take part: ones
 * whose offset lies outside the intersection of a majority's correctness
 * intervals [offset - rootdist, offset + rootdist] become
 * NTP_R_FALSETICKER; among the survivors the lowest stratum, then the
 * smallest root distance, then the smallest delay wins, and the others
 * become NTP_R_NOT_BEST.  Without a majority every usable candidate
 * survives, the choice is classic ntpdate's (lowest stratum, then
 * smallest delay) and no_majority is set.  Returns the chosen index or -1.
 */
int	ntp_select(struct ntp_cand *c, size_t n, struct ntp_selection *out);

#endif /* NTPC_SELECT_H */
