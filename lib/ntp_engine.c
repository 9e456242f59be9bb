/*
 * The query engine: one poll() loop over every server, monotonic
 * deadlines, the sampling policy of ntp_engine.h.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntp_engine.h"
#include "ntp_reason.h"
#include "ntp_select.h"

enum qstate {
	Q_IDLE,		/* next request due at q.next */
	Q_WAIT,		/* request out, reply due before q.sent + timeout */
	Q_DONE		/* nothing more to ask */
};

/* Run state, shared by the loop's helpers. */
struct run {
	struct ntp_server	*srv;
	size_t			n;
	const struct ntp_query_opts *o;
	const struct ntp_net_ops *net;
	int			fd4, fd6;	/* shared sockets when bound */
	int			stop;		/* first_usable satisfied */
	double			best_err;	/* best error bound so far, s */
	struct pollfd		*pfd;
	size_t			*pidx;		/* pfd -> server, or SIZE_MAX */
	size_t			inflight;	/* servers in Q_WAIT */
	size_t			maxinflight;	/* cap: bounds descriptors */
	size_t			lo;		/* srv[0..lo-1] all Q_DONE */
};

#define NTP_MAXINFLIGHT	256	/* requests out at once, at most */

void
ntp_query_opts_default(struct ntp_query_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->version = 4;
	o->timeout = 2.0;
	o->samples = 0;
	o->max_requests = 4;
	o->spacing = 2.0;
	o->good_error = 0.001;
	o->gap = 0;
	o->port = 0;
	o->local_precision = -20;
	ntp_limits_default(&o->limits);
}

const struct ntp_sample *
ntp_server_best(const struct ntp_server *s)
{
	if (s->best < 0 || (size_t)s->best >= s->nsamples)
		return NULL;
	return &s->samples[s->best];
}

int
ntp_choose(struct ntp_server *srv, size_t n, struct ntp_selection *sel)
{
	struct ntp_cand *c;
	const struct ntp_sample *b;
	size_t i;
	int chosen;

	if ((c = calloc(n + 1, sizeof(*c))) == NULL) {
		memset(sel, 0, sizeof(*sel));
		sel->chosen = -1;
		return -1;
	}
	for (i = 0; i < n; i++) {
		c[i].reason = srv[i].reason;
		if ((b = ntp_server_best(&srv[i])) == NULL) {
			if (c[i].reason == NTP_OK)
				c[i].reason = NTP_R_NO_REPLY;
			continue;
		}
		c[i].offset = b->offset;
		c[i].rootdist = b->rootdist;
		c[i].delay = b->delay;
		c[i].stratum = b->stratum;
	}
	chosen = ntp_select(c, n, sel);
	for (i = 0; i < n; i++)
		srv[i].reason = c[i].reason;
	free(c);
	return chosen;
}

static void
ts_add(struct timespec *t, double sec)
{
	int64_t ns = ntp_timespec_to_ns(t) + (int64_t)(sec * 1e9);

	ntp_ns_to_timespec(ns, t);
}

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void
note_reject(struct ntp_server *s, int reason)
{
	if (s->nrejects < NTP_MAXREJECTS)
		s->rejects[s->nrejects++] = reason;
}

static int
request_limit(const struct run *r)
{
	return r->o->samples > 0 ? r->o->samples : r->o->max_requests;
}

/* After a request ended (answered or not), plan the next one or finish. */
static void
plan_next(struct run *r, struct ntp_server *s, int enough)
{
	if (s->q.state == Q_WAIT)
		r->inflight--;
	if (s->q.fd >= 0 && r->o->port == 0) {
		r->net->close(r->net->ctx, s->q.fd);
		s->q.fd = -1;
	}
	if (enough || s->nsent >= request_limit(r)) {
		s->q.state = Q_DONE;
		return;
	}
	s->q.state = Q_IDLE;
	s->q.next = s->q.sent;
	ts_add(&s->q.next, r->o->spacing);
}

/* Does this server have what the policy wants?  By default: it has a
 * sample, and the best error bound of the run is good enough. */
static int
server_enough(const struct run *r, const struct ntp_server *s)
{
	if (r->o->samples > 0)
		return s->nsent >= r->o->samples;
	return s->nsamples > 0 && r->best_err <= r->o->good_error;
}

static int
server_socket(struct run *r, struct ntp_server *s, int *reason)
{
	int fam = s->addr.ss_family;

	if (r->o->port != 0)
		return fam == AF_INET6 ? r->fd6 : r->fd4;
	return r->net->open(r->net->ctx, fam, (struct sockaddr *)&s->addr,
	    s->addrlen, 0, reason);
}

static void
send_failed(struct run *r, struct ntp_server *s, int reason, int err)
{
	s->reason = reason;
	s->sys_errno = err;
	note_reject(s, reason);
	/* No socket of this family on this host (IPv6 disabled): skip
	 * the server for good, the others go on. */
	plan_next(r, s, reason == NTP_R_SOCKET && err == EAFNOSUPPORT);
}

static void
send_request(struct run *r, struct ntp_server *s, const struct timespec *now)
{
	uint8_t buf[NTP_HEADER_LEN];
	int reason = NTP_R_SEND;
	ssize_t w;

	s->q.sent = *now;
	s->nsent++;
	if ((s->q.fd = server_socket(r, s, &reason)) < 0) {
		send_failed(r, s, reason, errno);
		return;
	}
	if (ntp_nonce(&s->q.nonce) != 0) {
		send_failed(r, s, NTP_R_SEND, errno);
		return;
	}
	ntp_pkt_request(buf, r->o->version, s->q.nonce);
	w = r->net->send(r->net->ctx, s->q.fd, buf, sizeof(buf),
	    (struct sockaddr *)&s->addr, s->addrlen, &s->q.t1);
	if (w != (ssize_t)sizeof(buf)) {
		/* ENETUNREACH at boot: retried like a lost reply. */
		send_failed(r, s, NTP_R_SEND, w < 0 ? errno : EIO);
		return;
	}
	s->q.state = Q_WAIT;
	r->inflight++;
}

/* An authentic reply passed every check: keep the sample. */
static void
accept_sample(struct run *r, struct ntp_server *s,
    const struct ntp_sample *smp)
{
	if (s->nsamples < NTP_MAXSAMPLES)
		s->samples[s->nsamples++] = *smp;
	if (smp->error < r->best_err)
		r->best_err = smp->error;
	s->reason = NTP_OK;
	if (r->o->first_usable)
		r->stop = 1;
	plan_next(r, s, server_enough(r, s));
}

/* A reply whose origin matched: authentic, usable or not. */
static void
authentic_reply(struct run *r, struct ntp_server *s, const struct ntp_pkt *p,
    const struct timespec *t4)
{
	struct ntp_sample smp;
	int why;

	s->nreplies++;
	s->last = *p;
	why = ntp_check_reply(p, s->q.nonce, &r->o->limits);
	if (why == 0)
		why = ntp_sample_make(p, &s->q.t1, t4, r->o->local_precision,
		    &smp);
	if (why == 0)
		why = ntp_check_sample(&smp, &r->o->limits);
	if (why == 0) {
		accept_sample(r, s, &smp);
		return;
	}
	note_reject(s, why);
	if (s->nsamples == 0)
		s->reason = why;
	/* A kiss or a server that is not fit to serve: stop asking it. */
	plan_next(r, s, 1);
}

static void
handle_reply(struct run *r, struct ntp_server *s, const uint8_t *buf,
    size_t len, const struct timespec *t4)
{
	struct ntp_pkt p;
	int why;

	if (s->q.state != Q_WAIT)
		return;		/* duplicate or late: ignored */
	why = ntp_pkt_decode(buf, len, &p);
	if (why == 0)
		why = ntp_check_header(&p, s->q.nonce);
	if (why != 0) {
		/* Not provably from the server: keep waiting for the real
		 * reply, but remember why in case none comes. */
		note_reject(s, why);
		if (s->nsamples == 0)
			s->reason = why;
		return;
	}
	authentic_reply(r, s, &p, t4);
}

static struct ntp_server *
find_server(struct run *r, size_t idx, int fd,
    const struct sockaddr_storage *from)
{
	size_t i;

	if (idx != SIZE_MAX)
		return ntp_sockaddr_eq((const struct sockaddr *)from,
		    (const struct sockaddr *)&r->srv[idx].addr) ?
		    &r->srv[idx] : NULL;
	for (i = r->lo; i < r->n; i++) {
		if (r->srv[i].q.state == Q_IDLE && r->srv[i].nsent == 0)
			break;		/* never asked, nor anyone after */
		if (r->srv[i].q.fd == fd && ntp_sockaddr_eq(
		    (const struct sockaddr *)from,
		    (const struct sockaddr *)&r->srv[i].addr))
			return &r->srv[i];
	}
	return NULL;
}

/* An ICMP error on a connected socket ends that request. */
static void
socket_error(struct run *r, size_t idx, int err)
{
	struct ntp_server *s;

	if (idx == SIZE_MAX)
		return;
	s = &r->srv[idx];
	if (s->q.state != Q_WAIT)
		return;
	s->sys_errno = err;
	note_reject(s, NTP_R_UNREACH);
	if (s->nsamples == 0)
		s->reason = NTP_R_UNREACH;
	plan_next(r, s, 0);
}

static void
drain(struct run *r, int fd, size_t idx)
{
	uint8_t buf[NTP_PKT_MAXLEN];
	struct sockaddr_storage from;
	socklen_t fromlen;
	struct timespec t4;
	struct ntp_server *s;
	ssize_t len;
	int budget;

	for (budget = 64; budget > 0; budget--) {
		memset(&from, 0, sizeof(from));
		len = r->net->recv(r->net->ctx, fd, buf, sizeof(buf), &from,
		    &fromlen, &t4);
		if (len < 0 && errno == EMSGSIZE) {
			/* Longer than any reply: refused, keep waiting. */
			if ((s = find_server(r, idx, fd, &from)) != NULL &&
			    s->q.state == Q_WAIT) {
				note_reject(s, NTP_R_TOO_LONG);
				if (s->nsamples == 0)
					s->reason = NTP_R_TOO_LONG;
			}
			continue;
		}
		if (len < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				socket_error(r, idx, errno);
			return;
		}
		if ((s = find_server(r, idx, fd, &from)) != NULL)
			handle_reply(r, s, buf, (size_t)len, &t4);
		if (idx != SIZE_MAX && r->srv[idx].q.fd != fd)
			return;		/* the reply ended it: socket closed */
	}
}

/*
 * Settled: a usable sample is in and every server that answered is done.
 * From then on a server that never answered gets no further request.
 */
static int
settled(const struct run *r)
{
	size_t i;
	int usable = 0;

	if (r->o->samples > 0)
		return 0;
	for (i = 0; i < r->n; i++) {
		if (r->srv[i].nsamples > 0)
			usable = 1;
		if (r->srv[i].nreplies > 0 && r->srv[i].q.state != Q_DONE)
			return 0;
	}
	return usable;
}

static void
request_timeout(struct run *r, struct ntp_server *s)
{
	if (s->nsamples == 0 && s->reason == NTP_OK)
		s->reason = NTP_R_NO_REPLY;
	plan_next(r, s, 0);
}

/*
 * Requests go out in server order (all due at once, or -g apart), so a
 * server never asked yet is followed only by servers never asked: the
 * loop's scans stop at the first one that cannot be asked now (the cap
 * on requests in flight reached, or not due), and start past the done
 * prefix.  With thousands of servers each pass costs O(requests in
 * flight), not O(servers).
 */
static int
waiting_turn(const struct run *r, const struct ntp_server *s,
    const struct timespec *now)
{
	return s->q.state == Q_IDLE && s->nsent == 0 && !r->stop &&
	    (r->inflight >= r->maxinflight || ts_before(now, &s->q.next));
}

/* Advance every server's state to now; returns 1 while work remains. */
static int
step_servers(struct run *r, const struct timespec *now)
{
	struct timespec deadline;
	struct ntp_server *s;
	size_t i;
	int calm = -1, busy = 0;

	while (r->lo < r->n && r->srv[r->lo].q.state == Q_DONE)
		r->lo++;
	for (i = r->lo; i < r->n; i++) {
		s = &r->srv[i];
		if (waiting_turn(r, s, now))
			return 1;
		if (s->q.state == Q_WAIT) {
			deadline = s->q.sent;
			ts_add(&deadline, r->o->timeout);
			if (!ts_before(now, &deadline))
				request_timeout(r, s);
		}
		/* settled() is O(servers): only for a silent one. */
		if (calm < 0 && s->q.state == Q_IDLE && s->nreplies == 0 &&
		    s->nsent > 0)
			calm = settled(r);
		if (s->q.state == Q_IDLE && (r->stop || server_enough(r, s) ||
		    (calm > 0 && s->nreplies == 0 && s->nsent > 0)))
			s->q.state = Q_DONE;
		if (s->q.state == Q_IDLE && !ts_before(now, &s->q.next) &&
		    r->inflight < r->maxinflight)
			send_request(r, s, now);
		if (s->q.state == Q_WAIT && r->stop)
			plan_next(r, s, 1);
		busy |= s->q.state != Q_DONE;
	}
	return busy;
}

/* Milliseconds until the next deadline or due request. */
static int
next_wakeup(const struct run *r, const struct timespec *now)
{
	const struct ntp_server *s;
	struct timespec t;
	double ms = 60000, d;
	size_t i;
	int capped = r->inflight >= r->maxinflight;

	for (i = r->lo; i < r->n; i++) {
		s = &r->srv[i];
		/* Capped: only an answer or a timeout frees a slot. */
		if (s->q.state == Q_DONE || (capped && s->q.state == Q_IDLE))
			continue;
		t = s->q.state == Q_WAIT ? s->q.sent : s->q.next;
		if (s->q.state == Q_WAIT)
			ts_add(&t, r->o->timeout);
		d = ntp_timespec_elapsed(now, &t) * 1000;
		if (d < ms)
			ms = d;
		if (s->q.state == Q_IDLE && s->nsent == 0)
			break;		/* the rest are due later */
	}
	return ms <= 0 ? 0 : (int)ms + 1;
}

static size_t
add_pfd(struct run *r, size_t k, int fd, size_t idx)
{
	size_t j;

	for (j = 0; idx == SIZE_MAX && j < k; j++)	/* shared sockets */
		if (r->pfd[j].fd == fd)
			return k;
	r->pfd[k].fd = fd;
	r->pfd[k].events = POLLIN;
	r->pfd[k].revents = 0;
	r->pidx[k] = idx;
	return k + 1;
}

static size_t
build_pfd(struct run *r)
{
	size_t i, k = 0;

	for (i = r->lo; i < r->n; i++) {
		if (r->srv[i].q.state == Q_IDLE && r->srv[i].nsent == 0)
			break;		/* never asked, nor anyone after */
		if (r->srv[i].q.state == Q_WAIT && r->srv[i].q.fd >= 0)
			k = add_pfd(r, k, r->srv[i].q.fd,
			    r->o->port == 0 ? i : SIZE_MAX);
	}
	return k;
}

static void
run_loop(struct run *r)
{
	struct timespec now;
	size_t k, j;
	int ms;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!step_servers(r, &now))
			return;
		k = build_pfd(r);
		ms = next_wakeup(r, &now);
		if (poll(r->pfd, (nfds_t)k, ms) <= 0)
			continue;
		for (j = 0; j < k; j++)
			if (r->pfd[j].revents & (POLLIN | POLLERR))
				drain(r, r->pfd[j].fd, r->pidx[j]);
	}
}

static int
needs_family(const struct ntp_server *srv, size_t n, int fam)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (srv[i].reason == NTP_OK && srv[i].addr.ss_family == fam)
			return 1;
	return 0;
}

/* A family without a socket (no IPv6 on this host): its servers are
 * skipped with the reason, the others go on. */
static void
skip_family(struct run *r, int fam, int reason)
{
	size_t i;
	int err = errno;

	for (i = 0; i < r->n; i++) {
		if (r->srv[i].reason != NTP_OK ||
		    r->srv[i].addr.ss_family != fam)
			continue;
		r->srv[i].reason = reason;
		r->srv[i].sys_errno = err;
		r->srv[i].q.state = Q_DONE;
	}
}

/* Bind the shared sockets on the fixed port (ntpdate without -u).  Only
 * a port that cannot be had ends the run. */
static int
open_bound(struct run *r, int *reason)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	int i, fd;

	for (i = 0; i < 2; i++) {
		if (!needs_family(r->srv, r->n, fams[i]))
			continue;
		fd = r->net->open(r->net->ctx, fams[i], NULL, 0, r->o->port,
		    reason);
		if (fd < 0 && *reason != NTP_R_SOCKET)
			return -1;
		if (fd < 0)
			skip_family(r, fams[i], *reason);
		*(fams[i] == AF_INET ? &r->fd4 : &r->fd6) = fd;
	}
	return 0;
}

/* Requests in flight at once: NTP_MAXINFLIGHT, or fewer when the
 * descriptor limit is low (one socket each without a bound port). */
static size_t
max_inflight(const struct ntp_query_opts *o)
{
	struct rlimit rl;
	size_t cap = NTP_MAXINFLIGHT;

	if (o->port == 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 2 < cap)
		cap = rl.rlim_cur / 2;
	return cap > 0 ? cap : 1;
}

static void
init_servers(struct run *r)
{
	struct timespec start;
	struct ntp_server *s;
	size_t i, k = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		memset(&s->q, 0, sizeof(s->q));
		s->q.fd = -1;
		s->best = -1;
		s->q.state = s->reason == NTP_OK ? Q_IDLE : Q_DONE;
		s->q.next = start;
		if (s->q.state == Q_IDLE)
			ts_add(&s->q.next, r->o->gap * (double)k++);
	}
}

static void
finish(struct run *r)
{
	struct ntp_server *s;
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		if (s->q.fd >= 0 && r->o->port == 0)
			r->net->close(r->net->ctx, s->q.fd);
		s->q.fd = -1;
		if (s->nsamples > 0) {
			s->best = ntp_best_sample(s->samples, s->nsamples);
			s->reason = NTP_OK;
		}
	}
	if (r->fd4 >= 0)
		r->net->close(r->net->ctx, r->fd4);
	if (r->fd6 >= 0)
		r->net->close(r->net->ctx, r->fd6);
}

int
ntp_query(struct ntp_server *srv, size_t n, const struct ntp_query_opts *o,
    const struct ntp_net_ops *net, int *reason)
{
	struct run r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.srv = srv;
	r.n = n;
	r.o = o;
	r.net = net;
	r.fd4 = r.fd6 = -1;
	r.best_err = HUGE_VAL;
	r.maxinflight = max_inflight(o);
	r.pfd = calloc(n + 2, sizeof(*r.pfd));
	r.pidx = calloc(n + 2, sizeof(*r.pidx));
	init_servers(&r);
	if (r.pfd == NULL || r.pidx == NULL) {
		*reason = NTP_R_NOMEM;
		rc = -1;
	} else if (o->port != 0 && open_bound(&r, reason) != 0) {
		rc = -1;
	} else {
		run_loop(&r);
	}
	finish(&r);
	free(r.pfd);
	free(r.pidx);
	return rc;
}
