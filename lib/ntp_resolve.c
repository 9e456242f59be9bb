/*
 * Name resolution: all names at once, under one deadline.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <math.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void
addr_to_str(struct ntp_server *s)
{
	const void *a;

	if (s->addr.ss_family == AF_INET6)
		a = &((struct sockaddr_in6 *)&s->addr)->sin6_addr;
	else
		a = &((struct sockaddr_in *)&s->addr)->sin_addr;
	if (inet_ntop(s->addr.ss_family, a, s->addrstr,
	    sizeof(s->addrstr)) == NULL)
		strcpy(s->addrstr, "?");
}

static int
start_lookups(const char *const *names, size_t n, int family,
    struct lookup *lk)
{
	size_t i;

	for (i = 0; i < n; i++) {
		lk[i].hints.ai_family = family;
		lk[i].hints.ai_socktype = SOCK_DGRAM;
		lk[i].cb.ar_name = names[i];
		lk[i].cb.ar_service = "123";
		lk[i].cb.ar_request = &lk[i].hints;
		lk[i].cbp = &lk[i].cb;
	}
	for (i = 0; i < n; i++) {
		if (try_numeric(names[i], family, &lk[i].numeric) == 0)
			lk[i].cbp = NULL;
		else if (getaddrinfo_a(GAI_NOWAIT, &lk[i].cbp, 1, NULL) != 0)
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

static int
seen(const struct ntp_server *srv, size_t n, const struct addrinfo *ai)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (srv[i].addrlen != 0 && ntp_sockaddr_eq(
		    (const struct sockaddr *)&srv[i].addr, ai->ai_addr))
			return 1;
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

/* Append the addresses of lookup l (or its failure) to srv. */
static size_t
collect(struct lookup *l, const char *name, struct ntp_server *srv,
    size_t k)
{
	const struct addrinfo *ai;

	if ((ai = l->res) == NULL) {
		srv[k].host = name;
		srv[k].reason = NTP_R_RESOLVE;
		srv[k].detail = lookup_error(l);
		srv[k].best = -1;
		return k + 1;
	}
	for (; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(srv[k].addr) || seen(srv, k, ai))
			continue;
		srv[k].host = name;
		memcpy(&srv[k].addr, ai->ai_addr, ai->ai_addrlen);
		srv[k].addrlen = ai->ai_addrlen;
		srv[k].best = -1;
		addr_to_str(&srv[k]);
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
	size_t i, k = 0;

	*out = NULL;
	*nout = 0;
	if ((lk = calloc(n + 1, sizeof(*lk))) == NULL)
		return -1;
	start_lookups(names, n, family, lk);
	wait_lookups(lk, n, timeout);
	for (i = 0; i < n; i++)
		settle(&lk[i]);
	srv = calloc(count_addrs(lk, n) + 1, sizeof(*srv));
	for (i = 0; srv != NULL && i < n; i++)
		k = collect(&lk[i], names[i], srv, k);
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
