/*
 * The query engine: one wait loop over every server, monotonic deadlines
 * read through the net ops, the sampling policy of ntp_engine.h.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntp_check.h"
#include "ntp_engine.h"
#include "ntp_reason.h"
#include "ntp_select.h"

/*
 * Selection is re-run as samples arrive, but not more often than this
 * while requests are still out: with thousands of servers it is the
 * costly step, and a verdict is needed only before a second request.
 */
#define JUDGE_INTERVAL	0.02	/* s */
#define NTP_MAXINFLIGHT	256	/* requests out at once, at most */

enum qstate {
	Q_IDLE,		/* next request due at next */
	Q_WAIT,		/* request out, reply due before sent + timeout */
	Q_DONE		/* nothing more to ask */
};

/* Engine-private per-server state. */
struct query {
	enum qstate	state;
	int		fd;
	ntp_ts_t	nonce;
	struct timespec	t1;		/* real local time of the request */
	struct timespec	sent;		/* monotonic */
	struct timespec	next;		/* monotonic: next request due */
};

/* Run state, shared by the loop's helpers. */
struct run {
	struct ntp_server	*srv;
	struct query		*q;		/* one per server */
	size_t			n;
	const struct ntp_query_opts *o;
	const struct ntp_net_ops *net;
	int			fd4, fd6;	/* shared sockets when bound */
	int			stop;		/* first_usable satisfied */
	int			answered;	/* some server replied */
	int			good;		/* a survivor is good enough */
	int			dirty;		/* samples since good was judged */
	size_t			inflight;	/* requests out */
	size_t			maxinflight;	/* cap: bounds descriptors */
	size_t			lo;		/* q[0..lo-1] all Q_DONE */
	struct timespec		judged;		/* when, monotonic */
	struct ntp_cand		*cand;		/* scratch for judging */
	struct pollfd		*pfd;
	size_t			*pidx;		/* pfd -> server, or SIZE_MAX */
};

void
ntp_query_opts_default(struct ntp_query_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->version = 4;
	o->timeout = 2.0;
	o->samples = 0;
	o->max_requests = 4;
	o->patience = 8;
	o->spacing = 2.0;
	o->good_delay = 0.001;
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

/* Candidates from every server's best sample (min delay so far). */
static void
candidates(const struct ntp_server *srv, size_t n, struct ntp_cand *c)
{
	const struct ntp_sample *b;
	int k;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		k = ntp_best_sample(srv[i].samples, srv[i].nsamples);
		c[i].reason = srv[i].reason;
		if (k < 0) {
			if (c[i].reason == NTP_OK)
				c[i].reason = NTP_R_NO_REPLY;
			continue;
		}
		b = &srv[i].samples[k];
		c[i].reason = NTP_OK;
		c[i].offset = b->offset;
		c[i].offset_ns = b->offset_ns;
		c[i].rootdist = b->rootdist;
		c[i].delay = b->delay;
		c[i].stratum = b->stratum;
	}
}

int
ntp_choose(struct ntp_server *srv, size_t n, struct ntp_selection *sel)
{
	struct ntp_cand *c;
	size_t i;
	int chosen;

	if ((c = calloc(n + 1, sizeof(*c))) == NULL) {
		memset(sel, 0, sizeof(*sel));
		sel->chosen = -1;
		return -1;
	}
	candidates(srv, n, c);
	chosen = ntp_select(c, n, sel);
	for (i = 0; i < n; i++) {
		srv[i].reason = c[i].reason;
		srv[i].weight = c[i].weight;
		srv[i].isect_low = sel->low;
		srv[i].isect_high = sel->high;
	}
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

/* Requests a server may get: -p N; else the policy's, more while the
 * whole run is silent. */
static int
request_limit(const struct run *r)
{
	if (r->o->samples > 0)
		return r->o->samples;
	return r->answered ? r->o->max_requests : r->o->patience;
}

/*
 * Does this server have what the policy wants?  -p N: N requests.  By
 * default: it has a sample, and a survivor of the run is good enough.
 */
static int
server_enough(const struct run *r, size_t i)
{
	if (r->o->samples > 0)
		return r->srv[i].nsent >= r->o->samples;
	return r->srv[i].nsamples > 0 && r->good;
}

/* After a request ended (answered or not), plan the next one or finish. */
static void
plan_next(struct run *r, size_t i, int done)
{
	struct query *q = &r->q[i];

	if (q->state == Q_WAIT)
		r->inflight--;
	if (q->fd >= 0 && r->o->port == 0) {
		r->net->close(r->net->ctx, q->fd);
		q->fd = -1;
	}
	if (done || r->srv[i].nsent >= request_limit(r)) {
		q->state = Q_DONE;
		return;
	}
	q->state = Q_IDLE;
	q->next = q->sent;
	ts_add(&q->next, r->o->spacing);
}

/*
 * Judge the run so far: select among the best samples; good when a
 * survivor's delta/2 is within good_delay (precision terms are left out:
 * more samples cannot shrink them).
 */
static void
judge(struct run *r, const struct timespec *now)
{
	struct ntp_selection sel;
	size_t i;

	r->dirty = 0;
	r->judged = *now;
	r->good = 0;
	candidates(r->srv, r->n, r->cand);
	if (ntp_select(r->cand, r->n, &sel) < 0)
		return;
	for (i = 0; i < r->n && !r->good; i++)
		r->good = (r->cand[i].reason == NTP_OK ||
		    r->cand[i].reason == NTP_R_NOT_BEST) &&
		    r->cand[i].delay / 2 <= r->o->good_delay;
}

static int
judge_due(const struct run *r, const struct timespec *now)
{
	return r->dirty && (r->inflight == 0 ||
	    ntp_timespec_elapsed(&r->judged, now) >= JUDGE_INTERVAL);
}

static int
server_socket(struct run *r, size_t i, int *reason)
{
	const struct ntp_server *s = &r->srv[i];
	int fam = s->addr.ss_family;

	if (r->o->port != 0)
		return fam == AF_INET6 ? r->fd6 : r->fd4;
	return r->net->open(r->net->ctx, fam, (const struct sockaddr *)&s->addr,
	    s->addrlen, 0, reason);
}

static void
send_failed(struct run *r, size_t i, int reason, int err)
{
	struct ntp_server *s = &r->srv[i];

	s->reason = reason;
	s->sys_errno = err;
	note_reject(s, reason);
	/* No socket of this family on this host (IPv6 disabled): skip
	 * the server for good, the others go on. */
	plan_next(r, i, reason == NTP_R_SOCKET && err == EAFNOSUPPORT);
}

/* The request: version, mode, nonce; then the authenticator, if any. */
static int
build_request(struct run *r, size_t i, uint8_t *buf, size_t cap,
    int *reason)
{
	ntp_pkt_request(buf, r->o->version, r->q[i].nonce);
	if (r->o->auth == NULL)
		return NTP_HEADER_LEN;
	return r->o->auth->sign(r->o->auth->ctx, i, buf, NTP_HEADER_LEN, cap,
	    reason);
}

static void
send_request(struct run *r, size_t i, const struct timespec *now)
{
	struct ntp_server *s = &r->srv[i];
	struct query *q = &r->q[i];
	uint8_t buf[NTP_PKT_MAXLEN];
	int reason = NTP_R_SEND, len;
	ssize_t w;

	q->sent = *now;
	q->state = Q_WAIT;
	r->inflight++;
	s->nsent++;
	if ((q->fd = server_socket(r, i, &reason)) < 0) {
		send_failed(r, i, reason, errno);
		return;
	}
	if (ntp_nonce(&q->nonce) != 0) {
		send_failed(r, i, NTP_R_SEND, errno);
		return;
	}
	if ((len = build_request(r, i, buf, sizeof(buf), &reason)) < 0) {
		send_failed(r, i, reason, 0);
		return;
	}
	w = r->net->send(r->net->ctx, q->fd, buf, (size_t)len,
	    (const struct sockaddr *)&s->addr, s->addrlen, &q->t1);
	if (w != (ssize_t)len)	/* ENETUNREACH at boot: retried */
		send_failed(r, i, NTP_R_SEND, w < 0 ? errno : EIO);
}

/* An authentic reply passed every check: keep the sample. */
static void
accept_sample(struct run *r, size_t i, const struct ntp_sample *smp)
{
	struct ntp_server *s = &r->srv[i];

	if (s->nsamples < NTP_MAXSAMPLES)
		s->samples[s->nsamples++] = *smp;
	s->reason = NTP_OK;
	r->dirty = 1;
	if (r->o->first_usable)
		r->stop = 1;
	plan_next(r, i, 0);
}

/* A reply whose origin matched: authentic, usable or not. */
static void
authentic_reply(struct run *r, size_t i, const struct ntp_pkt *p,
    const struct timespec *t4)
{
	struct ntp_server *s = &r->srv[i];
	struct ntp_sample smp;
	int why;

	s->nreplies++;
	s->last = *p;
	s->last_t1 = r->q[i].t1;
	r->answered = 1;
	why = ntp_check_reply(p, r->q[i].nonce, &r->o->limits);
	if (why == 0)	/* t1_bias: ntpdate -e */
		why = ntp_sample_make_biased(p, &r->q[i].t1, t4,
		    r->o->local_precision, r->o->t1_bias, &smp);
	if (why == 0 && (why = ntp_check_sample(&smp, &r->o->limits)) != 0)
		s->rootdist_refused = smp.rootdist;
	if (why == 0) {
		accept_sample(r, i, &smp);
		return;
	}
	note_reject(s, why);
	if (s->nsamples == 0)
		s->reason = why;
	/* A kiss or a server that is not fit to serve: stop asking it. */
	plan_next(r, i, 1);
}

/* Version, mode, origin, then the authenticator: 0 when authentic. */
static int
authentic(struct run *r, size_t i, const uint8_t *buf, size_t len,
    struct ntp_pkt *p)
{
	int why;

	if ((why = ntp_pkt_decode(buf, len, p)) != 0 ||
	    (why = ntp_check_header(p, r->q[i].nonce)) != 0)
		return why;
	if (r->o->auth != NULL)
		return r->o->auth->verify(r->o->auth->ctx, i, buf, len, p);
	return 0;
}

static void
handle_reply(struct run *r, size_t i, const uint8_t *buf, size_t len,
    const struct timespec *t4)
{
	struct ntp_server *s = &r->srv[i];
	struct ntp_pkt p;
	int why;

	if (r->q[i].state != Q_WAIT)
		return;		/* duplicate or late: ignored */
	if ((why = authentic(r, i, buf, len, &p)) != 0) {
		/* Not provably from the server: keep waiting for the real
		 * reply, but remember why in case none comes. */
		note_reject(s, why);
		if (s->nsamples == 0)
			s->reason = why;
		return;
	}
	authentic_reply(r, i, &p, t4);
}

/*
 * Requests go out in server order (all due at once, or -g apart), so a
 * server never asked yet is followed only by servers never asked: the
 * loop's scans stop at the first one (or, in step_servers, at the first
 * that cannot be asked now: the cap on requests in flight reached, or not
 * due) and start past the done prefix.  With thousands of servers a pass
 * costs O(requests in flight), not O(servers).
 */
static int
never_asked(const struct run *r, size_t i)
{
	return r->q[i].state == Q_IDLE && r->srv[i].nsent == 0;
}

static int
waiting_turn(const struct run *r, size_t i, const struct timespec *now)
{
	return never_asked(r, i) && !r->stop &&
	    (r->inflight >= r->maxinflight || ts_before(now, &r->q[i].next));
}

/* The server a datagram on fd from `from` belongs to, or SIZE_MAX. */
static size_t
find_server(const struct run *r, size_t idx, int fd,
    const struct sockaddr_storage *from)
{
	size_t i;

	if (idx != SIZE_MAX)
		return ntp_sockaddr_eq((const struct sockaddr *)from,
		    (const struct sockaddr *)&r->srv[idx].addr) ?
		    idx : SIZE_MAX;
	for (i = r->lo; i < r->n && !never_asked(r, i); i++)
		if (r->q[i].fd == fd && ntp_sockaddr_eq(
		    (const struct sockaddr *)from,
		    (const struct sockaddr *)&r->srv[i].addr))
			return i;
	return SIZE_MAX;
}

/* An ICMP error on a connected socket ends that request. */
static void
socket_error(struct run *r, size_t idx, int err)
{
	struct ntp_server *s;

	if (idx == SIZE_MAX || r->q[idx].state != Q_WAIT)
		return;
	s = &r->srv[idx];
	s->sys_errno = err;
	note_reject(s, NTP_R_UNREACH);
	if (s->nsamples == 0)
		s->reason = NTP_R_UNREACH;
	plan_next(r, idx, 0);
}

static void
too_long(struct run *r, size_t i)
{
	struct ntp_server *s;

	if (i == SIZE_MAX || r->q[i].state != Q_WAIT)
		return;
	s = &r->srv[i];
	note_reject(s, NTP_R_TOO_LONG);
	if (s->nsamples == 0)
		s->reason = NTP_R_TOO_LONG;
}

static void
drain(struct run *r, int fd, size_t idx)
{
	uint8_t buf[NTP_PKT_MAXLEN];
	struct sockaddr_storage from;
	socklen_t fromlen;
	struct timespec t4;
	ssize_t len;
	size_t i;
	int budget;

	for (budget = 64; budget > 0; budget--) {
		memset(&from, 0, sizeof(from));
		len = r->net->recv(r->net->ctx, fd, buf, sizeof(buf), &from,
		    &fromlen, &t4);
		if (len < 0 && errno == EMSGSIZE) {
			/* Longer than any reply: refused, keep waiting. */
			too_long(r, find_server(r, idx, fd, &from));
			continue;
		}
		if (len < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				socket_error(r, idx, errno);
			return;
		}
		if ((i = find_server(r, idx, fd, &from)) != SIZE_MAX)
			handle_reply(r, i, buf, (size_t)len, &t4);
		if (idx != SIZE_MAX && r->q[idx].fd != fd)
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
		if (r->srv[i].nreplies > 0 && r->q[i].state != Q_DONE)
			return 0;
	}
	return usable;
}

static void
request_timeout(struct run *r, size_t i)
{
	struct ntp_server *s = &r->srv[i];

	if (s->nsamples == 0 && s->reason == NTP_OK)
		s->reason = NTP_R_NO_REPLY;
	plan_next(r, i, 0);
}

/* A request out past its deadline has timed out. */
static void
check_timeout(struct run *r, size_t i, const struct timespec *now)
{
	struct timespec deadline;

	if (r->q[i].state != Q_WAIT)
		return;
	deadline = r->q[i].sent;
	ts_add(&deadline, r->o->timeout);
	if (!ts_before(now, &deadline))
		request_timeout(r, i);
}

/* An idle server is done when the policy has what it wants of it. */
static int
idle_done(const struct run *r, size_t i, int calm)
{
	const struct ntp_server *s = &r->srv[i];

	return r->stop || server_enough(r, i) || s->nsent >= request_limit(r) ||
	    (calm && s->nreplies == 0 && s->nsent > 0);
}

/* Advance every server's state to now; returns 1 while work remains. */
static int
step_servers(struct run *r, const struct timespec *now)
{
	struct query *q;
	size_t i;
	int calm = -1, busy = 0;

	while (r->lo < r->n && r->q[r->lo].state == Q_DONE)
		r->lo++;
	for (i = r->lo; i < r->n && !never_asked(r, i); i++)
		check_timeout(r, i, now);
	if (judge_due(r, now))
		judge(r, now);
	for (i = r->lo; i < r->n; i++) {
		q = &r->q[i];
		if (waiting_turn(r, i, now))
			return 1;
		/* settled() is O(servers): only for a silent one. */
		if (calm < 0 && q->state == Q_IDLE &&
		    r->srv[i].nreplies == 0 && r->srv[i].nsent > 0)
			calm = settled(r);
		if (q->state == Q_IDLE && idle_done(r, i, calm > 0))
			q->state = Q_DONE;
		if (q->state == Q_IDLE && !ts_before(now, &q->next) &&
		    r->inflight < r->maxinflight)
			send_request(r, i, now);
		if (q->state == Q_WAIT && r->stop)
			plan_next(r, i, 1);
		busy |= q->state != Q_DONE;
	}
	return busy || r->dirty;
}

/* The next deadline: a reply due, a request due, or a judgement due. */
static int
next_wakeup(const struct run *r, const struct timespec *now)
{
	const struct query *q;
	struct timespec t;
	double ms = 60000, d;
	size_t i;
	int capped = r->inflight >= r->maxinflight;

	for (i = r->lo; i < r->n; i++) {
		q = &r->q[i];
		/* Capped: only an answer or a timeout frees a slot. */
		if (q->state == Q_DONE || (capped && q->state == Q_IDLE))
			continue;
		t = q->state == Q_WAIT ? q->sent : q->next;
		if (q->state == Q_WAIT)
			ts_add(&t, r->o->timeout);
		d = ntp_timespec_elapsed(now, &t) * 1000;
		if (d < ms)
			ms = d;
		if (never_asked(r, i))
			break;		/* the rest are due later */
	}
	if (r->dirty) {
		d = (JUDGE_INTERVAL - ntp_timespec_elapsed(&r->judged, now)) *
		    1000;
		if (d < ms)
			ms = d;
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

	for (i = r->lo; i < r->n && !never_asked(r, i); i++)
		if (r->q[i].state == Q_WAIT && r->q[i].fd >= 0)
			k = add_pfd(r, k, r->q[i].fd,
			    r->o->port == 0 ? i : SIZE_MAX);
	return k;
}

static void
run_loop(struct run *r)
{
	struct timespec now;
	size_t k, j;
	int ms;

	for (;;) {
		r->net->monotonic(r->net->ctx, &now);
		if (!step_servers(r, &now))
			return;
		k = build_pfd(r);
		ms = next_wakeup(r, &now);
		if (r->net->wait(r->net->ctx, r->pfd, (nfds_t)k, ms) <= 0)
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
		r->q[i].state = Q_DONE;
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
	struct query *q;
	size_t i, k = 0;

	r->net->monotonic(r->net->ctx, &start);
	r->judged = start;
	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		q = &r->q[i];
		q->fd = -1;
		s->best = -1;
		q->state = s->reason == NTP_OK ? Q_IDLE : Q_DONE;
		q->next = start;
		if (q->state == Q_IDLE)
			ts_add(&q->next, r->o->gap * (double)k++);
	}
}

static void
finish(struct run *r)
{
	struct ntp_server *s;
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		if (r->q[i].fd >= 0 && r->o->port == 0)
			r->net->close(r->net->ctx, r->q[i].fd);
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

static int
run_alloc(struct run *r)
{
	r->q = calloc(r->n + 1, sizeof(*r->q));
	r->cand = calloc(r->n + 1, sizeof(*r->cand));
	r->pfd = calloc(r->n + 2, sizeof(*r->pfd));
	r->pidx = calloc(r->n + 2, sizeof(*r->pidx));
	return r->q && r->cand && r->pfd && r->pidx ? 0 : -1;
}

static void
run_free(struct run *r)
{
	free(r->q);
	free(r->cand);
	free(r->pfd);
	free(r->pidx);
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
	r.maxinflight = max_inflight(o);
	if (run_alloc(&r) != 0) {
		run_free(&r);
		*reason = NTP_R_NOMEM;
		return -1;
	}
	init_servers(&r);
	if (o->port != 0 && open_bound(&r, reason) != 0)
		rc = -1;
	else
		run_loop(&r);
	finish(&r);
	run_free(&r);
	return rc;
}
