/*
 * Name resolution: all names at once, under one deadline.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_resolve.h"
#include "ntp_reason.h"

struct lookup {
	struct gaicb	cb;
	struct gaicb	*cbp;
	struct addrinfo	hints;
	struct addrinfo	*numeric;	/* an address literal, resolved at once */
	/* Settled once after the wait, then only read (settle()). */
	struct addrinfo	*res;		/* the addresses, or NULL */
	int		err;		/* why not: EAI_*, EAI_INPROGRESS */
	int		busy;		/* a resolver thread still owns cb */
};

/* Address literals need no resolver thread: take them at once. */
static int
try_numeric(const char *name, int family, struct addrinfo **res)
{
	struct addrinfo hints;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	return getaddrinfo(name, "123", &hints, res);
}

/* 1 when this host can open a socket of family (not EAFNOSUPPORT). */
static int
family_works(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT;
	close(fd);
	return 1;
}

/*
 * The family names are looked up in: what was asked, narrowed to the
 * one family this host has when it lacks the other (booted with
 * ipv6.disable=1): no AAAA answer it cannot use.  This is what
 * AI_ADDRCONFIG is for, but glibc's AI_ADDRCONFIG ignores loopback
 * addresses, so on a host (or container) with only loopback it drops
 * every answer, "localhost" included; asking the kernel is exact.
 */
static int
name_family(int family)
{
	if (family != AF_UNSPEC)
		return family;
	if (!family_works(AF_INET6))
		return AF_INET;
	if (!family_works(AF_INET))
		return AF_INET6;
	return AF_UNSPEC;
}

static int
start_lookups(const char *const *names, size_t n, int family,
    struct lookup *lk)
{
	size_t i;
	int nfam = -1;

	for (i = 0; i < n; i++) {
		lk[i].hints.ai_family = family;
		lk[i].hints.ai_socktype = SOCK_DGRAM;
		lk[i].cb.ar_name = names[i];
		lk[i].cb.ar_service = "123";
		lk[i].cb.ar_request = &lk[i].hints;
		lk[i].cbp = &lk[i].cb;
	}
	for (i = 0; i < n; i++) {
		if (try_numeric(names[i], family, &lk[i].numeric) == 0) {
			lk[i].cbp = NULL;
			continue;
		}
		if (nfam == -1)
			nfam = name_family(family);
		lk[i].hints.ai_family = nfam;
		if (getaddrinfo_a(GAI_NOWAIT, &lk[i].cbp, 1, NULL) != 0)
			lk[i].cbp = NULL;
	}
	return 0;
}

static size_t
count_running(const struct lookup *lk, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (lk[i].cbp != NULL && gai_error(lk[i].cbp) == EAI_INPROGRESS)
			k++;
	return k;
}

/*
 * Wait until every lookup is done or the deadline passes.  This polls
 * gai_error() instead of sleeping in gai_suspend(): glibc's resolver
 * threads can touch a gai_suspend() wait list after it returned (a race
 * that crashed about one run in a hundred with two names).  The poll
 * interval grows from 0.5 ms to 10 ms, so a fast lookup costs no more
 * than half a millisecond and a slow one no busy CPU.
 */
static void
wait_lookups(struct lookup *lk, size_t n, double timeout)
{
	struct timespec start, now, nap;
	double waited;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = ntp_timespec_elapsed(&start, &now);
		if (count_running(lk, n) == 0 || waited >= timeout)
			return;
		nap.tv_sec = 0;
		nap.tv_nsec = (long)(fmin(fmax(waited / 10, 5e-4), 0.01) * 1e9);
		nanosleep(&nap, NULL);
	}
}

/*
 * The addresses kept so far, in an open-addressing hash set of indexes
 * into the server array: the duplicate check costs O(1) per address, so
 * 50 000 servers are merged in milliseconds, not seconds.
 */
struct dedup {
	size_t		*slot;		/* index + 1, or 0 for empty */
	size_t		mask;		/* slots - 1, a power of two less one */
};

static int
dedup_init(struct dedup *d, size_t total)
{
	size_t size = 16;

	while (size < 2 * total)
		size *= 2;
	d->mask = size - 1;
	d->slot = calloc(size, sizeof(*d->slot));
	return d->slot != NULL ? 0 : -1;
}

/* 1 when srv[k]'s address is already among srv[0..k-1]; else adds it. */
static int
dedup_seen(struct dedup *d, const struct ntp_server *srv, size_t k)
{
	const struct sockaddr *sa = (const struct sockaddr *)&srv[k].addr;
	size_t h = (size_t)ntp_sockaddr_hash(sa) & d->mask;

	while (d->slot[h] != 0) {
		if (ntp_sockaddr_eq((const struct sockaddr *)
		    &srv[d->slot[h] - 1].addr, sa))
			return 1;
		h = (h + 1) & d->mask;
	}
	d->slot[h] = k + 1;
	return 0;
}

static size_t
count_addrs(const struct lookup *lk, size_t n)
{
	const struct addrinfo *ai;
	size_t i, total = 0;

	for (i = 0; i < n; i++) {
		total++;
		for (ai = lk[i].res; ai != NULL; ai = ai->ai_next)
			total++;
	}
	return total;
}

static const char *
lookup_error(const struct lookup *l)
{
	if (l->numeric == NULL && l->cbp == NULL)
		return "resolver could not start";
	if (l->err == EAI_INPROGRESS)
		return "timed out";
	return gai_strerror(l->err);
}

/*
 * Read a lookup's outcome once, cancelling it if it is still running, so
 * that sizing and collecting see the same answer.
 */
static void
settle(struct lookup *l)
{
	int e;

	if (l->numeric != NULL || l->cbp == NULL) {
		l->res = l->numeric;
		return;
	}
	if ((e = gai_error(l->cbp)) == EAI_INPROGRESS) {
		e = gai_cancel(l->cbp);
		if (e != EAI_ALLDONE) {
			l->busy = e != EAI_CANCELED;
			l->err = EAI_INPROGRESS;
			return;
		}
		e = gai_error(l->cbp);	/* it finished meanwhile */
	}
	if (e == 0)
		l->res = l->cb.ar_result;
	else
		l->err = e;
}

/* Free the results; 1 when some lookup still owns its gaicb. */
static int
release(struct lookup *lk, size_t n)
{
	size_t i;
	int busy = 0;

	for (i = 0; i < n; i++) {
		if (lk[i].res != NULL)
			freeaddrinfo(lk[i].res);
		busy |= lk[i].busy;
	}
	return busy;
}

/*
 * Append the addresses of lookup l (or its failure) to srv.  A v4-mapped
 * address is taken as the IPv4 one unless only IPv6 was asked for.
 */
static size_t
collect(struct lookup *l, const char *name, struct ntp_server *srv,
    size_t k, struct dedup *d)
{
	const struct addrinfo *ai;

	if ((ai = l->res) == NULL) {
		memset(&srv[k], 0, sizeof(srv[k]));
		srv[k].host = name;
		srv[k].reason = NTP_R_RESOLVE;
		srv[k].detail = lookup_error(l);
		srv[k].best = -1;
		return k + 1;
	}
	for (; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(srv[k].addr))
			continue;
		memset(&srv[k], 0, sizeof(srv[k]));
		memcpy(&srv[k].addr, ai->ai_addr, ai->ai_addrlen);
		srv[k].addrlen = ai->ai_addrlen;
		if (l->hints.ai_family != AF_INET6)
			ntp_sockaddr_unmap(&srv[k].addr, &srv[k].addrlen);
		if (dedup_seen(d, srv, k))
			continue;
		srv[k].host = name;
		srv[k].best = -1;
		ntp_sockaddr_str((const struct sockaddr *)&srv[k].addr,
		    srv[k].addrlen, srv[k].addrstr, sizeof(srv[k].addrstr));
		k++;
	}
	return k;
}

int
ntp_resolve(const char *const *names, size_t n, int family, double timeout,
    struct ntp_server **out, size_t *nout)
{
	struct lookup *lk;
	struct ntp_server *srv;
	struct dedup d;
	size_t i, k = 0, total;

	*out = NULL;
	*nout = 0;
	if ((lk = calloc(n + 1, sizeof(*lk))) == NULL)
		return -1;
	start_lookups(names, n, family, lk);
	wait_lookups(lk, n, timeout);
	for (i = 0; i < n; i++)
		settle(&lk[i]);
	total = count_addrs(lk, n);
	srv = calloc(total + 1, sizeof(*srv));
	if (srv != NULL && dedup_init(&d, total) != 0) {
		free(srv);
		srv = NULL;
	}
	for (i = 0; srv != NULL && i < n; i++)
		k = collect(&lk[i], names[i], srv, k, &d);
	if (srv != NULL)
		free(d.slot);
	if (!release(lk, n))	/* else a resolver thread may write to it */
		free(lk);
	if (srv == NULL)
		return -1;
	*out = srv;
	*nout = k;
	return 0;
}

void
ntp_servers_free(struct ntp_server *srv, size_t n)
{
	(void)n;
	free(srv);
}
