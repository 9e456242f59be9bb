/*
 * Sample and server selection (RFC 5905 §10, §11.2.1, §11.2.3).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_reason.h"
#include "ntp_select.h"

struct edge {
	double		val;
	int		type;	/* -1 lower end, 0 midpoint, +1 upper end */
};

int
ntp_best_sample(const struct ntp_sample *s, size_t n)
{
	size_t i, best = 0;

	if (n == 0)
		return -1;
	for (i = 1; i < n; i++)
		if (s[i].delay < s[best].delay)
			best = i;
	return (int)best;
}

static int
edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->val != y->val)
		return x->val < y->val ? -1 : 1;
	return x->type - y->type;
}

/*
 * Scan for the interval m - f intervals share, allowing f falsetickers
 * (midpoints outside it); 1 when found (RFC 5905 §11.2.1).
 */
static int
intersect(const struct edge *e, size_t ne, size_t m, size_t f, double *lo,
    double *hi)
{
	size_t i, found = 0;
	long chime = 0;

	*lo = *hi = 0;
	for (i = 0; i < ne; i++) {
		chime -= e[i].type;
		if (chime >= (long)(m - f)) {
			*lo = e[i].val;
			break;
		}
		if (e[i].type == 0)
			found++;
	}
	chime = 0;
	for (i = ne; i-- > 0;) {
		chime += e[i].type;
		if (chime >= (long)(m - f)) {
			*hi = e[i].val;
			break;
		}
		if (e[i].type == 0)
			found++;
	}
	return found <= f && *lo < *hi;
}

/* Build the edge list of the usable candidates; returns their count. */
static size_t
make_edges(const struct ntp_cand *c, size_t n, struct edge *e)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (c[i].reason != NTP_OK)
			continue;
		e[3 * m] = (struct edge){ c[i].offset - c[i].rootdist, -1 };
		e[3 * m + 1] = (struct edge){ c[i].offset, 0 };
		e[3 * m + 2] = (struct edge){ c[i].offset + c[i].rootdist, 1 };
		m++;
	}
	return m;
}

/* 1 and out->low/high when a majority shares an interval; -1 no memory. */
static int
find_majority(const struct ntp_cand *c, size_t n, struct ntp_selection *out)
{
	struct edge *e;
	size_t m, f;
	int ok = 0;

	if ((e = calloc(3 * n + 1, sizeof(*e))) == NULL)
		return -1;
	m = make_edges(c, n, e);
	qsort(e, 3 * m, sizeof(*e), edge_cmp);
	for (f = 0; 2 * f < m && !ok; f++)
		ok = intersect(e, 3 * m, m, f, &out->low, &out->high);
	free(e);
	return ok;
}

/* 1 when a beats b: lower stratum, then root distance, then delay. */
static int
better(const struct ntp_cand *a, const struct ntp_cand *b)
{
	if (a->stratum != b->stratum)
		return a->stratum < b->stratum;
	if (a->rootdist != b->rootdist)
		return a->rootdist < b->rootdist;
	return a->delay < b->delay;
}

/* Truechimers: intervals that overlap the intersection.  Returns the peer. */
static int
cluster(struct ntp_cand *c, size_t n, struct ntp_selection *out)
{
	size_t i;
	int best = -1;

	for (i = 0; i < n; i++) {
		if (c[i].reason != NTP_OK)
			continue;
		if (c[i].offset + c[i].rootdist < out->low ||
		    c[i].offset - c[i].rootdist > out->high) {
			c[i].reason = NTP_R_FALSETICKER;
			continue;
		}
		out->survivors++;
		if (best < 0 || better(&c[i], &c[best]))
			best = (int)i;
	}
	return best;
}

/* RFC 5905 §11.2.3: survivors of the peer's stratum, weighted 1/lambda. */
static void
combine(struct ntp_cand *c, size_t n, int peer, struct ntp_selection *out)
{
	double z = 0, y = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].reason != NTP_OK || c[i].stratum != c[peer].stratum)
			continue;
		c[i].weight = 1 / fmax(c[i].rootdist, 1e-9);
		z += c[i].weight;
		/* Differences to the peer, so that large offsets keep ns. */
		y += c[i].weight * (double)(c[i].offset_ns - c[peer].offset_ns);
		out->combined++;
	}
	for (i = 0; i < n; i++)
		c[i].weight /= z;
	out->offset_ns = c[peer].offset_ns + llround(y / z);
	out->offset = (double)out->offset_ns / 1e9;
}

static void
mark_all(struct ntp_cand *c, size_t n, int from, int to)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].reason == from)
			c[i].reason = to;
}

int
ntp_select(struct ntp_cand *c, size_t n, struct ntp_selection *out)
{
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	out->chosen = -1;
	for (i = 0; i < n; i++) {
		c[i].weight = 0;
		if (c[i].reason == NTP_OK)
			out->usable++;
	}
	if (out->usable == 0)
		return -1;
	if ((r = find_majority(c, n, out)) < 0)
		return -1;
	if (r == 0) {
		out->no_majority = 1;
		mark_all(c, n, NTP_OK, NTP_R_NO_MAJORITY);
		return -1;
	}
	out->chosen = cluster(c, n, out);
	combine(c, n, out->chosen, out);
	c[out->chosen].reason = NTP_R_MAX;	/* set aside: the peer */
	mark_all(c, n, NTP_OK, NTP_R_NOT_BEST);
	c[out->chosen].reason = NTP_OK;
	return out->chosen;
}
