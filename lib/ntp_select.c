/*
 * Sample and server selection (RFC 5905 §10, §11.2.1).
 */
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

/* Scan for the intersection allowing f falsetickers; 1 when found. */
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

/* 1 when a beats b: lower stratum, then (unless classic) root distance,
 * then delay. */
static int
better(const struct ntp_cand *a, const struct ntp_cand *b, int classic)
{
	if (a->stratum != b->stratum)
		return a->stratum < b->stratum;
	if (!classic && a->rootdist != b->rootdist)
		return a->rootdist < b->rootdist;
	return a->delay < b->delay;
}

static void
spread(const struct ntp_cand *c, size_t n, struct ntp_selection *out)
{
	double lo = 0, hi = 0;
	size_t i;
	int first = 1;

	for (i = 0; i < n; i++) {
		if (c[i].reason != NTP_OK)
			continue;
		if (first || c[i].offset < lo)
			lo = c[i].offset;
		if (first || c[i].offset > hi)
			hi = c[i].offset;
		first = 0;
	}
	out->spread = hi - lo;
}

static int
pick(struct ntp_cand *c, size_t n, struct ntp_selection *out)
{
	size_t i;
	int best = -1;

	for (i = 0; i < n; i++) {
		if (c[i].reason != NTP_OK)
			continue;
		if (!out->no_majority && (c[i].offset < out->low ||
		    c[i].offset > out->high)) {
			c[i].reason = NTP_R_FALSETICKER;
			continue;
		}
		out->survivors++;
		if (best < 0 || better(&c[i], &c[best], out->no_majority))
			best = (int)i;
	}
	for (i = 0; i < n; i++)
		if (c[i].reason == NTP_OK && (int)i != best)
			c[i].reason = NTP_R_NOT_BEST;
	return best;
}

int
ntp_select(struct ntp_cand *c, size_t n, struct ntp_selection *out)
{
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	out->chosen = -1;
	for (i = 0; i < n; i++)
		if (c[i].reason == NTP_OK)
			out->usable++;
	if (out->usable == 0)
		return -1;
	if ((r = find_majority(c, n, out)) < 0)
		return -1;
	out->no_majority = r == 0;
	if (out->no_majority)
		spread(c, n, out);
	out->chosen = pick(c, n, out);
	return out->chosen;
}
