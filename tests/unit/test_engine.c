/*
 * Unit tests for lib/ntp_engine.c: the sampling policy, reply handling,
 * the shared-socket (port 123) mode and selection, through a fake
 * ntp_net_ops.
 *
 * No network is used.  The fake's open() hands the engine one end of an
 * AF_UNIX datagram socketpair, so the engine's poll() works on a real fd;
 * send() decodes the request, stamps T1 from a fake clock and, according
 * to the server's scripted behaviour, writes its reply into the other end;
 * recv() reads it back with the server's address (127.0.0.x port 123,
 * only ever data) and T4 from the fake clock.  Each datagram on the pair
 * carries a small envelope (source, T4) in front of the NTP bytes.
 *
 * A good reply is built so that the engine must measure exactly the
 * scripted offset theta and delay delta:
 *   T2 = T1 + theta + delta/2, T3 = T2 + hold, T4 = T1 + delta + hold.
 *
 * Time is simulated: the engine reads its monotonic clock and waits
 * through the fake, whose wait() polls the socketpairs without blocking
 * and, when nothing is ready, advances the simulated clock by the whole
 * timeout asked for.  The real policy (2 s timeout and spacing, up to 8
 * requests) runs in microseconds, deterministically, and every run is
 * checked for the policy's invariants: no two requests to one server
 * less than `spacing` apart, never more than the policy allows.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_engine.h"
#include "ntp_net.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"
#include "ntp_sample.h"
#include "ntp_select.h"

#define NS		1000000000LL
#define MS		1000000LL
#define US		1000LL
#define T0_NS		(1767225600LL * NS)	/* 2026-01-01T00:00:00Z */
#define UNIX_TO_NTP	2208988800LL
#define HOLD_NS		(40 * US)	/* server's T3 - T2 */
#define TICK_NS		MS		/* fake clock step after a reply */
#define RD_SHORT	0x00000020U	/* root delay, 32/65536 s */
#define RP_SHORT	0x00000041U	/* root dispersion, 65/65536 s */
#define SRV_REFID	0x0a000001U	/* 10.0.0.1 */
#define SRV_PREC	(-20)

#define NSRV		8
#define MAXACT		8
#define NSOCK		64
#define NOPEN		64
#define NREQ		128
#define NDEFER		8
#define DGRAM_MAX	(sizeof(struct env) + NTP_PKT_MAXLEN)

#define FROM_STRANGER	(-1)	/* 127.0.0.99:123, no server of the run */
#define FROM_REFUSED	(-2)	/* recv() fails with ECONNREFUSED */

#define KOD_DENY	0x44454e59U	/* "DENY" */
#define KOD_RSTR	0x52535452U	/* "RSTR" */
#define KOD_RATE	0x52415445U	/* "RATE" */
#define KOD_XYZW	0x58595a57U	/* "XYZW": no code the engine knows */

/* What a fake server does with one request. */
enum act {
	A_GOOD,		/* one good reply */
	A_SILENT,	/* nothing */
	A_KOD,		/* stratum 0, refid the kiss code, origin echoed */
	A_SPOOF,	/* a reply with the wrong origin only */
	A_SPOOF_GOOD,	/* a wrong-origin reply, then the good one at once */
	A_SPOOF_LATE,	/* wrong origin now; the good one on a later poll */
	A_DUP,		/* the good reply twice */
	A_LEAP3,	/* a good reply with leap indicator 3 */
	A_SHORT,	/* the first 40 bytes of a good reply */
	A_STRANGER,	/* the good reply, from an address not in the run */
	A_STRANGER_GOOD, /* that, then the good reply from the server */
	A_REFUSED,	/* ICMP port unreachable on the socket */
	A_SENDFAIL	/* send() fails with ENETUNREACH */
};

struct fsrv {
	struct sockaddr_storage addr;
	socklen_t	addrlen;
	enum act	act[MAXACT];	/* per request; the last repeats */
	int		nact;
	int64_t		delay_ns[MAXACT]; /* per request; the last repeats */
	int		ndelay;
	int64_t		offset_ns;	/* the server's clock minus ours */
	uint32_t	kod;		/* the kiss code for A_KOD */
	int		precision;	/* advertised, log2 s; 0: SRV_PREC */
	int		nreq;		/* requests it received */
};

struct fsock {
	int		eng, far;	/* the engine's end, the server's end */
	int		srv;		/* connected server, or -1 when bound */
	int		open;
};

struct fopen {
	int		family;
	int		peer_null;
	int		port;
	int		srv;		/* the peer's server, or -1 */
};

struct freq {
	int		srv;
	ntp_ts_t	nonce;
	int		version;
	int		mode;
	int64_t		t1_ns;
	struct timespec	mono;		/* when the fake saw it */
};

struct env {
	int64_t		t4_ns;
	int32_t		from;		/* server index, or FROM_* */
	int32_t		pad;
};

struct deferred {
	int		far;
	size_t		len;
	uint8_t		buf[DGRAM_MAX];
};

struct fake {
	struct fsrv	srv[NSRV];
	size_t		nsrv;
	int64_t		now_ns;		/* the fake real-time clock */
	struct fsock	sock[NSOCK];
	size_t		nsock;
	struct fopen	opens[NOPEN];
	size_t		nopens;		/* open() calls */
	int		nopen_ok, nclose;
	int		fail_reason;	/* open() fails with it, when set */
	int		fail_srv;	/* ... for this server, or -1: bound */
	int		fail_errno;
	int		fail_skip;	/* matching opens let through first */
	struct freq	req[NREQ];
	size_t		nreq;
	struct deferred	defer[NDEFER];
	size_t		ndefer;
	int64_t		mono_ns;	/* the simulated monotonic clock */
	int		nwait;		/* wait() calls */
	const char	*oops;		/* first thing the engine did wrong */
};

static void
oops(struct fake *f, const char *what)
{
	if (f->oops == NULL)
		f->oops = what;
}

/* ---- wire helpers, written here so they do not lean on lib/ -------- */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* Unix ns (after 1970) to NTP 32.32, the fraction rounded to nearest. */
static ntp_ts_t
ntp_of_ns(int64_t ns)
{
	uint64_t sec = (uint64_t)(ns / NS + UNIX_TO_NTP) & 0xffffffffULL;
	uint64_t frac = (((uint64_t)(ns % NS) << 32) + NS / 2) / NS;

	return (sec << 32) + frac;
}

static struct timespec
ts_of_ns(int64_t ns)
{
	struct timespec t;

	t.tv_sec = (time_t)(ns / NS);
	t.tv_nsec = (long)(ns % NS);
	return t;
}

struct reply {
	int		leap, stratum, precision;
	uint32_t	refid;
	ntp_ts_t	org, rec, xmt;
};

static void
encode_reply(const struct reply *r, uint8_t b[NTP_HEADER_LEN])
{
	memset(b, 0, NTP_HEADER_LEN);
	b[0] = (uint8_t)((r->leap << 6) | (4 << 3) | NTP_MODE_SERVER);
	b[1] = (uint8_t)r->stratum;
	b[2] = 6;
	b[3] = (uint8_t)(int8_t)(r->precision != 0 ? r->precision : SRV_PREC);
	put32(b + 4, RD_SHORT);
	put32(b + 8, RP_SHORT);
	put32(b + 12, r->refid);
	put64(b + 16, r->xmt - (16ULL << 32));	/* reference: 16 s ago */
	put64(b + 24, r->org);
	put64(b + 32, r->rec);
	put64(b + 40, r->xmt);
}

/* ---- the fake server side ------------------------------------------ */

static int
same_addr(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;

	if (a->sa_family != b->ss_family)
		return 0;
	if (a->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

static int
server_at(const struct fake *f, const struct sockaddr *a)
{
	size_t i;

	for (i = 0; a != NULL && i < f->nsrv; i++)
		if (same_addr(a, &f->srv[i].addr))
			return (int)i;
	return -1;
}

static struct fsock *
sock_of(struct fake *f, int fd)
{
	size_t i;

	for (i = 0; i < f->nsock; i++)
		if (f->sock[i].open && f->sock[i].eng == fd)
			return &f->sock[i];
	return NULL;
}

static void
dgram(uint8_t *out, size_t *len, int from, int64_t t4_ns,
    const uint8_t *pkt, size_t pktlen)
{
	struct env e;

	memset(&e, 0, sizeof(e));
	e.t4_ns = t4_ns;
	e.from = from;
	memcpy(out, &e, sizeof(e));
	if (pktlen > 0)
		memcpy(out + sizeof(e), pkt, pktlen);
	*len = sizeof(e) + pktlen;
}

static void
put(struct fake *f, int far, int from, int64_t t4_ns, const uint8_t *pkt,
    size_t pktlen)
{
	uint8_t buf[DGRAM_MAX];
	size_t len;

	dgram(buf, &len, from, t4_ns, pkt, pktlen);
	if (send(far, buf, len, MSG_DONTWAIT) != (ssize_t)len)
		oops(f, "fake: could not queue a reply");
}

static void
defer(struct fake *f, int far, int from, int64_t t4_ns, const uint8_t *pkt,
    size_t pktlen)
{
	struct deferred *d;

	if (f->ndefer >= NDEFER) {
		oops(f, "fake: too many deferred replies");
		return;
	}
	d = &f->defer[f->ndefer++];
	d->far = far;
	dgram(d->buf, &d->len, from, t4_ns, pkt, pktlen);
}

/* The engine drained the socket: let the late replies in now. */
static void
flush_deferred(struct fake *f, const struct fsock *k)
{
	size_t i, j = 0;

	for (i = 0; i < f->ndefer; i++) {
		if (f->defer[i].far == k->far) {
			if (send(k->far, f->defer[i].buf, f->defer[i].len,
			    MSG_DONTWAIT) != (ssize_t)f->defer[i].len)
				oops(f, "fake: could not queue a late reply");
		} else {
			f->defer[j++] = f->defer[i];
		}
	}
	f->ndefer = j;
}

static enum act
act_of(const struct fsrv *s, int k)
{
	return s->act[k < s->nact ? k : s->nact - 1];
}

static int64_t
delay_of(const struct fsrv *s, int k)
{
	return s->delay_ns[k < s->ndelay ? k : s->ndelay - 1];
}

/* Answer request k of server si, sent at t1_ns with nonce. */
static void
answer(struct fake *f, const struct fsock *k, int si, enum act a,
    ntp_ts_t nonce, int64_t t1_ns, int64_t d)
{
	const struct fsrv *s = &f->srv[si];
	int64_t t2 = t1_ns + s->offset_ns + d / 2, t3 = t2 + HOLD_NS;
	int64_t t4 = t1_ns + d + HOLD_NS;
	struct reply r;
	uint8_t good[NTP_HEADER_LEN], bad[NTP_HEADER_LEN];

	memset(&r, 0, sizeof(r));
	r.leap = a == A_LEAP3 ? NTP_LEAP_UNSYNC : NTP_LEAP_NONE;
	r.stratum = a == A_KOD ? 0 : 2;
	r.refid = a == A_KOD ? s->kod : SRV_REFID;
	r.precision = s->precision;
	r.org = nonce;
	r.rec = ntp_of_ns(t2);
	r.xmt = ntp_of_ns(t3);
	encode_reply(&r, good);
	r.org = nonce ^ 0x00000000deadbeefULL;
	encode_reply(&r, bad);

	switch (a) {
	case A_SILENT:
	case A_SENDFAIL:
		break;
	case A_GOOD:
	case A_KOD:
	case A_LEAP3:
		put(f, k->far, si, t4, good, sizeof(good));
		break;
	case A_DUP:
		put(f, k->far, si, t4, good, sizeof(good));
		put(f, k->far, si, t4 + US, good, sizeof(good));
		break;
	case A_SHORT:
		put(f, k->far, si, t4, good, 40);
		break;
	case A_SPOOF:
		put(f, k->far, si, t4, bad, sizeof(bad));
		break;
	case A_SPOOF_GOOD:
		put(f, k->far, si, t4 - US, bad, sizeof(bad));
		put(f, k->far, si, t4, good, sizeof(good));
		break;
	case A_SPOOF_LATE:
		put(f, k->far, si, t4 - US, bad, sizeof(bad));
		defer(f, k->far, si, t4, good, sizeof(good));
		break;
	case A_STRANGER:
		put(f, k->far, FROM_STRANGER, t4, good, sizeof(good));
		break;
	case A_STRANGER_GOOD:
		put(f, k->far, FROM_STRANGER, t4 - US, good, sizeof(good));
		put(f, k->far, si, t4, good, sizeof(good));
		break;
	case A_REFUSED:
		put(f, k->far, FROM_REFUSED, t4, NULL, 0);
		break;
	}
}

/* ---- the ops ------------------------------------------------------- */

static int
fake_open(void *ctx, int family, const struct sockaddr *peer,
    socklen_t peerlen, int port, int *reason)
{
	struct fake *f = ctx;
	struct fsock *k;
	int sv[2], si = server_at(f, peer);

	(void)peerlen;
	if (f->nopens < NOPEN) {
		f->opens[f->nopens].family = family;
		f->opens[f->nopens].peer_null = peer == NULL;
		f->opens[f->nopens].port = port;
		f->opens[f->nopens].srv = si;
		f->nopens++;
	}
	if (peer != NULL && si < 0)
		oops(f, "open: peer is no server of the run");
	if (f->fail_reason != 0 && f->fail_srv == si &&
	    f->fail_skip-- <= 0) {
		*reason = f->fail_reason;
		errno = f->fail_errno;
		return -1;
	}
	if (f->nsock >= NSOCK || socketpair(AF_UNIX,
	    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
		oops(f, "fake: no socketpair");
		*reason = NTP_R_SOCKET;
		return -1;
	}
	k = &f->sock[f->nsock++];
	k->eng = sv[0];
	k->far = sv[1];
	k->srv = si;
	k->open = 1;
	f->nopen_ok++;
	return sv[0];
}

static ssize_t
fake_send(void *ctx, int fd, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen, struct timespec *t1)
{
	struct fake *f = ctx;
	struct fsock *k = sock_of(f, fd);
	int si = server_at(f, to), n;
	struct ntp_pkt p;
	struct freq *q;
	int64_t t1_ns, d;
	enum act a;

	(void)tolen;
	if (k == NULL || si < 0) {
		oops(f, "send: unknown socket or address");
		errno = EBADF;
		return -1;
	}
	if (k->srv >= 0 && k->srv != si)
		oops(f, "send: not to the socket's peer");
	if (len != NTP_HEADER_LEN || ntp_pkt_decode(buf, len, &p) != 0)
		oops(f, "send: not a 48-byte request");
	n = f->srv[si].nreq++;
	a = act_of(&f->srv[si], n);
	d = delay_of(&f->srv[si], n);
	t1_ns = f->now_ns;
	f->now_ns += d + HOLD_NS + TICK_NS;
	*t1 = ts_of_ns(t1_ns);
	if (f->nreq < NREQ) {
		q = &f->req[f->nreq++];
		q->srv = si;
		q->nonce = p.xmt;
		q->version = p.version;
		q->mode = p.mode;
		q->t1_ns = t1_ns;
		q->mono = ts_of_ns(f->mono_ns);
	}
	if (a == A_SENDFAIL) {
		errno = ENETUNREACH;
		return -1;
	}
	answer(f, k, si, a, p.xmt, t1_ns, d);
	return (ssize_t)len;
}

static const struct sockaddr_in *
stranger(void)
{
	static struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(NTP_PORT);
	sin.sin_addr.s_addr = htonl(0x7f000063);	/* 127.0.0.99 */
	return &sin;
}

static ssize_t
fake_recv(void *ctx, int fd, void *buf, size_t len,
    struct sockaddr_storage *from, socklen_t *fromlen, struct timespec *t4)
{
	struct fake *f = ctx;
	struct fsock *k = sock_of(f, fd);
	uint8_t d[DGRAM_MAX];
	struct env e;
	ssize_t n;
	size_t plen;

	if (k == NULL) {
		oops(f, "recv: unknown socket");
		errno = EBADF;
		return -1;
	}
	if ((n = recv(fd, d, sizeof(d), MSG_DONTWAIT)) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			flush_deferred(f, k);
			errno = EAGAIN;
		}
		return -1;
	}
	if ((size_t)n < sizeof(e)) {
		oops(f, "recv: no envelope");
		errno = EAGAIN;
		return -1;
	}
	memcpy(&e, d, sizeof(e));
	if (e.from == FROM_REFUSED) {
		errno = ECONNREFUSED;
		return -1;
	}
	if (e.from == FROM_STRANGER) {
		memcpy(from, stranger(), sizeof(struct sockaddr_in));
		*fromlen = sizeof(struct sockaddr_in);
	} else {
		memcpy(from, &f->srv[e.from].addr, f->srv[e.from].addrlen);
		*fromlen = f->srv[e.from].addrlen;
	}
	*t4 = ts_of_ns(e.t4_ns);
	plen = (size_t)n - sizeof(e);
	if (plen > len)
		plen = len;
	memcpy(buf, d + sizeof(e), plen);
	return (ssize_t)plen;
}

static void
fake_close(void *ctx, int fd)
{
	struct fake *f = ctx;
	struct fsock *k = sock_of(f, fd);

	if (k == NULL) {
		oops(f, "close: unknown socket or closed twice");
		return;
	}
	close(k->eng);
	close(k->far);
	k->open = 0;
	f->nclose++;
}

static void
fake_monotonic(void *ctx, struct timespec *now)
{
	struct fake *f = ctx;

	*now = ts_of_ns(f->mono_ns);
}

/* Nothing ready: the whole wait passes in simulated time at once. */
static int
fake_wait(void *ctx, struct pollfd *fds, nfds_t nfds, int ms)
{
	struct fake *f = ctx;
	int n;

	if (++f->nwait > 100000) {
		oops(f, "wait: the engine never ends");
		return -1;
	}
	if (ms < 0) {
		oops(f, "wait: no deadline");
		ms = 0;
	}
	if ((n = poll(fds, nfds, 0)) != 0)
		return n;
	f->mono_ns += (int64_t)ms * MS;
	return 0;
}

/* ---- test scaffolding ---------------------------------------------- */

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->now_ns = T0_NS + 123456789;
	f->mono_ns = 1000 * NS;
	f->fail_srv = -1;
}

/* A server at a literal address, port 123: good, with offset and delay. */
static struct fsrv *
fake_add(struct fake *f, const char *addr, int64_t offset_ns, int64_t delay)
{
	struct fsrv *s = &f->srv[f->nsrv++];
	struct sockaddr_in *sin = (struct sockaddr_in *)&s->addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->addr;

	memset(s, 0, sizeof(*s));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(NTP_PORT);
		s->addrlen = sizeof(*sin);
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6->sin6_addr),
		    1);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(NTP_PORT);
		s->addrlen = sizeof(*sin6);
	}
	s->act[0] = A_GOOD;
	s->nact = 1;
	s->delay_ns[0] = delay;
	s->ndelay = 1;
	s->offset_ns = offset_ns;
	return s;
}

static void
fake_acts(struct fsrv *s, const enum act *a, int n)
{
	memcpy(s->act, a, (size_t)n * sizeof(*a));
	s->nact = n;
}

static void
fake_act(struct fsrv *s, enum act a)
{
	fake_acts(s, &a, 1);
}

static void
fake_delays(struct fsrv *s, const int64_t *d, int n)
{
	memcpy(s->delay_ns, d, (size_t)n * sizeof(*d));
	s->ndelay = n;
}

/* The engine's view: one ntp_server per fake server, as resolved. */
static void
servers_of(const struct fake *f, struct ntp_server *srv)
{
	size_t i;

	memset(srv, 0, NSRV * sizeof(*srv));
	for (i = 0; i < f->nsrv; i++) {
		srv[i].host = "fake";
		memcpy(&srv[i].addr, &f->srv[i].addr, f->srv[i].addrlen);
		srv[i].addrlen = f->srv[i].addrlen;
		srv[i].reason = NTP_OK;
		srv[i].best = -1;
	}
}

/* The real policy: simulated time makes it fast. */
static void
fast_opts(struct ntp_query_opts *o)
{
	ntp_query_opts_default(o);
}

/*
 * After every run: no two requests to one server less than `spacing`
 * apart (simulated time, to the ns), and never more requests than the
 * policy allows (-p N: N; else patience while nobody answered).
 */
static void
check_invariants(const struct fake *f, const struct ntp_query_opts *o)
{
	int64_t last[NSRV], gap, spacing = llround(o->spacing * 1e9);
	int count[NSRV] = { 0 }, limit;
	size_t i;
	int si;

	limit = o->samples > 0 ? o->samples : o->max_requests > o->patience ?
	    o->max_requests : o->patience;
	for (i = 0; i < f->nreq; i++) {
		si = f->req[i].srv;
		gap = (int64_t)f->req[i].mono.tv_sec * NS +
		    f->req[i].mono.tv_nsec - last[si];
		ck_assert_msg(count[si] == 0 || gap >= spacing,
		    "server %d: requests %lld ns apart", si, (long long)gap);
		last[si] = (int64_t)f->req[i].mono.tv_sec * NS +
		    f->req[i].mono.tv_nsec;
		ck_assert_msg(++count[si] <= limit,
		    "server %d: %d requests, limit %d", si, count[si], limit);
	}
}

static int
run(struct fake *f, struct ntp_server *srv, const struct ntp_query_opts *o,
    int *reason)
{
	struct ntp_net_ops ops;
	int rc;

	ops.open = fake_open;
	ops.send = fake_send;
	ops.recv = fake_recv;
	ops.close = fake_close;
	ops.monotonic = fake_monotonic;
	ops.wait = fake_wait;
	ops.ctx = f;
	rc = ntp_query(srv, f->nsrv, o, &ops, reason);
	check_invariants(f, o);
	return rc;
}

/* Every socket the engine opened it closed, and it made no mistake. */
static void
fake_check(const struct fake *f)
{
	ck_assert_msg(f->oops == NULL, "%s", f->oops);
	ck_assert_int_eq(f->nclose, f->nopen_ok);
}

/* A run that must start: ntp_query returns 0 and the fake saw no misuse. */
static void
run_ok(struct fake *f, struct ntp_server *srv, const struct ntp_query_opts *o)
{
	int reason = -1;

	ck_assert_int_eq(run(f, srv, o, &reason), 0);
	fake_check(f);
}

static int
requests_to(const struct fake *f, int si)
{
	size_t i;
	int k = 0;

	for (i = 0; i < f->nreq; i++)
		if (f->req[i].srv == si)
			k++;
	return k;
}

/* Offset and delay as scripted, to the nanosecond. */
static void
assert_sample(const struct ntp_sample *smp, int64_t offset_ns, int64_t delay)
{
	ck_assert_ptr_nonnull(smp);
	ck_assert_msg(llabs(smp->offset_ns - offset_ns) <= 2,
	    "offset %lld ns, want %lld", (long long)smp->offset_ns,
	    (long long)offset_ns);
	ck_assert_msg(fabs(smp->offset - (double)offset_ns / 1e9) <=
	    2e-9 + fabs((double)offset_ns) * 1e-15, "offset %.9f s",
	    smp->offset);
	ck_assert_msg(fabs(smp->delay - (double)delay / 1e9) <= 2e-9,
	    "delay %.9f s, want %.9f", smp->delay, (double)delay / 1e9);
}

/* ---- one server: the default policy -------------------------------- */

struct lan_vec {
	int64_t		offset_ns, delay_ns;
	const char	*what;
};

/* Error bound delta/2 + 2^-20 + 2^-20 s stays under 1 ms in every row. */
static const struct lan_vec lan_vecs[] = {
	{ 123456789, 500 * US, "+0.123456789 s, 0.5 ms" },
	{ -2500000000LL, 250 * US, "-2.5 s, 0.25 ms" },
	{ 3600 * NS + 1, 1800 * US, "+1 h + 1 ns, 1.8 ms" },
	{ 0, 100 * US, "zero, 0.1 ms" },
	{ -987654321, 2 * US, "-0.987654321 s, 2 us" },
	{ 31536000LL * NS, 700 * US, "+365 days" },
	{ -31536000LL * NS - 7, 700 * US, "-365 days - 7 ns" },
};
#define N_LAN_VECS	((int)(sizeof(lan_vecs) / sizeof(lan_vecs[0])))

START_TEST(test_lan_server_one_request_exact_sample)
{
	const struct lan_vec *v = &lan_vecs[_i];
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	const struct ntp_sample *b;
	double prec = 2 * ldexp(1, -20);

	fake_init(&f);
	fake_add(&f, "127.0.0.1", v->offset_ns, v->delay_ns);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_msg(srv[0].nsent == 1, "%s: %d requests", v->what,
	    srv[0].nsent);
	ck_assert_int_eq(f.nreq, 1);
	ck_assert_int_eq(srv[0].nreplies, 1);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_int_eq(srv[0].best, 0);
	ck_assert_int_eq(srv[0].reason, NTP_OK);
	ck_assert_int_eq(srv[0].nrejects, 0);
	b = ntp_server_best(&srv[0]);
	assert_sample(b, v->offset_ns, v->delay_ns);
	ck_assert_msg(fabs(b->error - ((double)v->delay_ns / 2e9 + prec)) <
	    2e-9, "%s: error %.9f", v->what, b->error);
	ck_assert_double_le(b->error, 0.001);
	ck_assert_int_eq(b->stratum, 2);
	ck_assert_uint_eq(b->refid, SRV_REFID);
	ck_assert_uint_eq(b->t1, ntp_of_ns(f.req[0].t1_ns));
	ck_assert_uint_eq(b->t4, ntp_of_ns(f.req[0].t1_ns + v->delay_ns +
	    HOLD_NS));
}
END_TEST

START_TEST(test_request_is_client_mode_fresh_nonce)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 20 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	o.version = 3;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nreq, 4);
	ck_assert_int_eq(f.req[0].mode, NTP_MODE_CLIENT);
	ck_assert_int_eq(f.req[0].version, 3);
	ck_assert_uint_ne(f.req[0].nonce, 0);
	ck_assert_uint_ne(f.req[0].nonce, f.req[1].nonce);
	ck_assert_uint_ne(f.req[1].nonce, f.req[2].nonce);
	ck_assert_uint_ne(f.req[2].nonce, f.req[3].nonce);
	ck_assert_uint_ne(f.req[0].nonce, f.req[3].nonce);
}
END_TEST

/* Without port 123 every request has its own socket, connected to the
 * server, closed when the request ends. */
START_TEST(test_connected_socket_per_request)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 20 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nopens, 4);
	ck_assert_int_eq(f.nclose, 4);
	for (i = 0; i < f.nopens; i++) {
		ck_assert_int_eq(f.opens[i].family, AF_INET);
		ck_assert_int_eq(f.opens[i].peer_null, 0);
		ck_assert_int_eq(f.opens[i].srv, 0);
		ck_assert_int_eq(f.opens[i].port, 0);
	}
}
END_TEST

START_TEST(test_poor_server_max_requests_best_min_delay)
{
	static const int64_t d[] = { 30 * MS, 10 * MS, 20 * MS, 40 * MS };
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;

	fake_init(&f);
	fake_delays(fake_add(&f, "127.0.0.1", -42 * MS, 0), d, 4);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 4);
	ck_assert_int_eq(f.nreq, 4);
	ck_assert_int_eq(srv[0].nreplies, 4);
	ck_assert_int_eq(srv[0].nsamples, 4);
	ck_assert_int_eq(srv[0].reason, NTP_OK);
	for (i = 0; i < 4; i++)
		assert_sample(&srv[0].samples[i], -42 * MS, d[i]);
	ck_assert_int_eq(srv[0].best, 1);
	ck_assert_ptr_eq(ntp_server_best(&srv[0]), &srv[0].samples[1]);
}
END_TEST

START_TEST(test_max_requests_option)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 20 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	o.max_requests = 2;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 2);
	ck_assert_int_eq(srv[0].nsamples, 2);
}
END_TEST

/* A poor first sample, then a good one: asking stops there. */
START_TEST(test_poor_then_good_stops)
{
	static const int64_t d[] = { 30 * MS, 400 * US, 20 * MS };
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_delays(fake_add(&f, "127.0.0.1", 5 * MS, 0), d, 3);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 2);
	ck_assert_int_eq(srv[0].nsamples, 2);
	ck_assert_int_eq(srv[0].best, 1);
	assert_sample(ntp_server_best(&srv[0]), 5 * MS, 400 * US);
}
END_TEST

/* ---- several servers: the run-wide rule ---------------------------- */

/* _i: 0 the good server first, 1 the poor one first. */
START_TEST(test_good_server_ends_poor_server)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	int good = _i == 0 ? 0 : 1, poor = 1 - good;

	fake_init(&f);
	if (good == 0) {
		fake_add(&f, "127.0.0.1", 7 * MS, 400 * US);
		fake_add(&f, "127.0.0.2", 9 * MS, 20 * MS);
	} else {
		fake_add(&f, "127.0.0.2", 9 * MS, 20 * MS);
		fake_add(&f, "127.0.0.1", 7 * MS, 400 * US);
	}
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[good].nsent, 1);
	ck_assert_int_eq(srv[poor].nsent, 1);
	ck_assert_int_eq(f.nreq, 2);
	ck_assert_int_eq(srv[poor].reason, NTP_OK);
	assert_sample(ntp_server_best(&srv[good]), 7 * MS, 400 * US);
	assert_sample(ntp_server_best(&srv[poor]), 9 * MS, 20 * MS);
}
END_TEST

/* Two poor servers: neither is good enough, both are asked 4 times. */
START_TEST(test_two_poor_servers_both_asked_fully)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 20 * MS);
	fake_add(&f, "127.0.0.2", 0, 30 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 4);
	ck_assert_int_eq(srv[1].nsent, 4);
	ck_assert_int_eq(requests_to(&f, 0), 4);
	ck_assert_int_eq(requests_to(&f, 1), 4);
}
END_TEST

/* _i: 0 the silent server first, 1 second. */
START_TEST(test_silent_beside_good_one_timeout)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	int quiet = _i, good = 1 - _i;

	fake_init(&f);
	if (quiet == 0) {
		fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SILENT);
		fake_add(&f, "127.0.0.2", 3 * MS, 600 * US);
	} else {
		fake_add(&f, "127.0.0.2", 3 * MS, 600 * US);
		fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SILENT);
	}
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[quiet].nsent, 1);
	ck_assert_int_eq(srv[quiet].nreplies, 0);
	ck_assert_int_eq(srv[quiet].nsamples, 0);
	ck_assert_int_eq(srv[quiet].reason, NTP_R_NO_REPLY);
	ck_assert_ptr_null(ntp_server_best(&srv[quiet]));
	ck_assert_int_eq(srv[good].nsent, 1);
	ck_assert_int_eq(srv[good].reason, NTP_OK);
	ck_assert_int_eq(f.nreq, 2);
}
END_TEST

/* A silent server beside a poor one: the poor one has a sample, but as
 * it is still being asked the silent one is asked again too. */
START_TEST(test_silent_beside_poor_asked_again)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 20 * MS);
	fake_act(fake_add(&f, "127.0.0.2", 0, MS), A_SILENT);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 4);
	ck_assert_int_ge(srv[1].nsent, 2);
	ck_assert_int_le(srv[1].nsent, 4);
	ck_assert_int_eq(srv[1].reason, NTP_R_NO_REPLY);
}
END_TEST

/* Nobody answers: every server is asked `patience` (8) times. */
START_TEST(test_all_silent_patience)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	struct ntp_selection sel;
	size_t i;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SILENT);
	fake_act(fake_add(&f, "127.0.0.2", 0, MS), A_SILENT);
	fake_act(fake_add(&f, "::1", 0, MS), A_SILENT);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nreq, 24);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(srv[i].nsent, 8);
		ck_assert_int_eq(requests_to(&f, (int)i), 8);
		ck_assert_int_eq(srv[i].reason, NTP_R_NO_REPLY);
		ck_assert_int_eq(srv[i].nsamples, 0);
		ck_assert_int_eq(srv[i].best, -1);
	}
	ck_assert_int_eq(ntp_choose(srv, 3, &sel), -1);
	ck_assert_int_eq(sel.chosen, -1);
	ck_assert_int_eq(sel.usable, 0);
}
END_TEST

/* ---- the rules of issue 8: survivors, delay, patience ----------------- */

/*
 * One LAN falseticker (5 s off) beside three WAN servers that agree: the
 * falseticker's small delay must not stop the resampling of the others,
 * which are the only survivors.
 */
START_TEST(test_falseticker_does_not_stop_resampling)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	struct ntp_selection sel;
	int i;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 5 * NS, 400 * US);
	fake_add(&f, "127.0.0.2", 1 * MS, 40 * MS);
	fake_add(&f, "127.0.0.3", 2 * MS, 42 * MS);
	fake_add(&f, "127.0.0.4", 0, 44 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	for (i = 1; i < 4; i++)
		ck_assert_msg(srv[i].nsent == 4, "WAN server %d: %d requests",
		    i, srv[i].nsent);
	ck_assert_int_eq(ntp_choose(srv, 4, &sel), 1);
	ck_assert_int_eq(srv[0].reason, NTP_R_FALSETICKER);
}
END_TEST

/* The same WAN servers with a LAN truechimer: it is good enough, so the
 * run ends after one round trip. */
START_TEST(test_lan_truechimer_stops_resampling)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	int i;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 1 * MS, 400 * US);
	fake_add(&f, "127.0.0.2", 1 * MS, 40 * MS);
	fake_add(&f, "127.0.0.3", 2 * MS, 42 * MS);
	fake_add(&f, "127.0.0.4", 0, 44 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(srv[i].nsent, 1);
}
END_TEST

/*
 * A coarse server (precision -9, ~2 ms, as BusyBox advertises) on a LAN:
 * its error bound is over 1 ms, but more samples cannot shrink a
 * precision term: one round trip.  _i: precision -9, -6, -1.
 */
START_TEST(test_coarse_precision_one_round_trip)
{
	static const int prec[] = { -9, -6, -1 };
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 3 * MS, 300 * US)->precision = prec[_i];
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_double_gt(ntp_server_best(&srv[0])->error,
	    ldexp(1, prec[_i]));
}
END_TEST

/*
 * ntpdate -e: t1_bias is added to T1 before the sample is made, as
 * classic adds its authdelay: the offset is smaller by bias/2 and the
 * delay by the bias -- and the stopping rule judges that delay: 3 ms
 * with a 2.5 ms bias is a 0.5 ms LAN round trip, one request; with no
 * bias, the policy's four.
 */
START_TEST(test_t1_bias_enters_sample_and_stopping_rule)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	const struct ntp_sample *b;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 7 * MS, 3 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	o.t1_bias = 0.0025;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 1);
	b = ntp_server_best(&srv[0]);
	assert_sample(b, 7 * MS - 1250 * US, 500 * US);
	ck_assert_uint_eq(b->t1, ntp_of_ns(f.req[0].t1_ns));

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 7 * MS, 3 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 4);
	assert_sample(ntp_server_best(&srv[0]), 7 * MS, 3 * MS);
}
END_TEST

/* A path that loses the first five requests: patience gets the sixth. */
START_TEST(test_patience_lossy_path)
{
	static const enum act a[] = { A_SILENT, A_SILENT, A_SILENT, A_SILENT,
	    A_SILENT, A_GOOD };
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_acts(fake_add(&f, "127.0.0.1", 7 * MS, 500 * US), a, 6);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 6);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_int_eq(srv[0].reason, NTP_OK);
	assert_sample(ntp_server_best(&srv[0]), 7 * MS, 500 * US);
}
END_TEST

/*
 * Patience holds only while nobody answered: once one server did (its
 * third request), a silent one gets no request after that.
 */
START_TEST(test_patience_ends_when_one_answers)
{
	static const enum act late[] = { A_SILENT, A_SILENT, A_GOOD };
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SILENT);
	fake_acts(fake_add(&f, "127.0.0.2", 2 * MS, 500 * US), late, 3);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[1].nsent, 3);
	ck_assert_int_eq(srv[1].reason, NTP_OK);
	ck_assert_int_eq(srv[0].nsent, 3);
	ck_assert_int_eq(srv[0].reason, NTP_R_NO_REPLY);
}
END_TEST

/* Without patience (a query-only run sets samples = 1): one request. */
START_TEST(test_query_once_silent)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SILENT);
	servers_of(&f, srv);
	fast_opts(&o);
	o.samples = 1;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].reason, NTP_R_NO_REPLY);
}
END_TEST

/*
 * Two LAN servers that disagree: no survivor is good enough, so both are
 * sampled to the policy's limit (a bad sample may have caused it), and
 * ntp_choose then finds no majority.
 */
START_TEST(test_disagreeing_pair_sampled_then_no_majority)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	struct ntp_selection sel;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 250 * MS, 300 * US);
	fake_add(&f, "127.0.0.2", 1 * NS, 300 * US);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 4);
	ck_assert_int_eq(srv[1].nsent, 4);
	ck_assert_int_eq(ntp_choose(srv, 2, &sel), -1);
	ck_assert_int_eq(sel.no_majority, 1);
	ck_assert_int_eq(srv[0].reason, NTP_R_NO_MAJORITY);
	ck_assert_int_eq(srv[1].reason, NTP_R_NO_MAJORITY);
}
END_TEST

/* ---- samples = N --------------------------------------------------- */

START_TEST(test_samples_n_exactly_n)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;
	int n = _i + 1;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 11 * MS, 300 * US);	/* good at once */
	fake_add(&f, "127.0.0.2", 12 * MS, 25 * MS);	/* poor */
	fake_act(fake_add(&f, "127.0.0.3", 0, MS), A_SILENT);
	servers_of(&f, srv);
	fast_opts(&o);
	o.samples = n;
	run_ok(&f, srv, &o);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(srv[i].nsent == n, "server %zu: %d requests, "
		    "want %d", i, srv[i].nsent, n);
		ck_assert_int_eq(requests_to(&f, (int)i), n);
	}
	ck_assert_int_eq(srv[0].nsamples, n);
	ck_assert_int_eq(srv[1].nsamples, n);
	ck_assert_int_eq(srv[2].nsamples, 0);
	ck_assert_int_eq(srv[2].reason, NTP_R_NO_REPLY);
	for (i = 0; i < (size_t)n; i++) {
		assert_sample(&srv[0].samples[i], 11 * MS, 300 * US);
		assert_sample(&srv[1].samples[i], 12 * MS, 25 * MS);
	}
}
END_TEST

/* ---- reply checks -------------------------------------------------- */

struct kod_vec {
	uint32_t	code;
	int		reason;
};

static const struct kod_vec kod_vecs[] = {
	{ KOD_DENY, NTP_R_KOD_DENY },
	{ KOD_RATE, NTP_R_KOD_RATE },
	{ KOD_RSTR, NTP_R_KOD_RSTR },
	{ KOD_XYZW, NTP_R_KOD_OTHER },
};
#define N_KOD_VECS	((int)(sizeof(kod_vecs) / sizeof(kod_vecs[0])))

START_TEST(test_kod_one_request)
{
	const struct kod_vec *v = &kod_vecs[_i];
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	struct fsrv *s;

	fake_init(&f);
	s = fake_add(&f, "127.0.0.1", 0, 20 * MS);
	fake_act(s, A_KOD);
	s->kod = v->code;
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nreplies, 1);
	ck_assert_int_eq(srv[0].nsamples, 0);
	ck_assert_int_eq(srv[0].reason, v->reason);
	ck_assert_int_eq(srv[0].nrejects, 1);
	ck_assert_int_eq(srv[0].rejects[0], v->reason);
	ck_assert_uint_eq(srv[0].last.refid, v->code);
	ck_assert_int_eq(srv[0].last.stratum, 0);
}
END_TEST

/* A RATE kiss after a usable sample keeps the sample, ends the asking. */
START_TEST(test_kod_after_sample_keeps_it)
{
	static const enum act a[] = { A_GOOD, A_KOD };
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	struct fsrv *s;

	fake_init(&f);
	s = fake_add(&f, "127.0.0.1", 2 * MS, 20 * MS);
	fake_acts(s, a, 2);
	s->kod = KOD_RATE;
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 2);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_int_eq(srv[0].reason, NTP_OK);
	ck_assert_int_eq(srv[0].nrejects, 1);
	ck_assert_int_eq(srv[0].rejects[0], NTP_R_KOD_RATE);
	assert_sample(ntp_server_best(&srv[0]), 2 * MS, 20 * MS);
}
END_TEST

/*
 * Only wrong-origin replies: none is believed, each request runs to its
 * timeout (the spoof does not end it) and the reason is NTP_R_ORIGIN.
 * With spacing far below the timeout, the gap between requests shows
 * that: ending a request at the spoof would resend after 0.01 s; the
 * engine's own 0.2 s deadline is a lower bound no slowness can break.
 */
START_TEST(test_wrong_origin_only)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SPOOF);
	servers_of(&f, srv);
	fast_opts(&o);
	o.timeout = 0.2;
	o.spacing = 0.01;
	o.patience = 2;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 2);
	ck_assert_int_eq(srv[0].nreplies, 0);
	ck_assert_int_eq(srv[0].nsamples, 0);
	ck_assert_int_eq(srv[0].reason, NTP_R_ORIGIN);
	ck_assert_int_eq(srv[0].nrejects, 2);
	for (i = 0; i < srv[0].nrejects; i++)
		ck_assert_int_eq(srv[0].rejects[i], NTP_R_ORIGIN);
	ck_assert_int_eq(f.nreq, 2);
	ck_assert_double_ge(
	    (double)(f.req[1].mono.tv_sec - f.req[0].mono.tv_sec) +
	    (double)(f.req[1].mono.tv_nsec - f.req[0].mono.tv_nsec) / 1e9,
	    0.1);
}
END_TEST

/* _i: 0 the right reply right behind the spoof, 1 on a later poll. */
START_TEST(test_spoof_then_right_reply)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", -77 * MS, 800 * US),
	    _i == 0 ? A_SPOOF_GOOD : A_SPOOF_LATE);
	servers_of(&f, srv);
	fast_opts(&o);
	/* The late reply needs a second poll round: a timeout no stall can
	 * reach (the reply is there at once, so it costs nothing). */
	o.timeout = 2.0;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.ndefer, 0);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nreplies, 1);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_int_eq(srv[0].reason, NTP_OK);
	ck_assert_int_eq(srv[0].nrejects, 1);
	ck_assert_int_eq(srv[0].rejects[0], NTP_R_ORIGIN);
	assert_sample(ntp_server_best(&srv[0]), -77 * MS, 800 * US);
}
END_TEST

START_TEST(test_duplicate_reply_one_sample)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 5 * MS, 500 * US), A_DUP);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nreplies, 1);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_int_eq(srv[0].nrejects, 0);
	assert_sample(ntp_server_best(&srv[0]), 5 * MS, 500 * US);
}
END_TEST

/* On the shared socket the duplicate is read too, and must be ignored:
 * one sample per request, even as the server is asked again. */
START_TEST(test_duplicate_reply_port_mode)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 5 * MS, 20 * MS), A_DUP);
	servers_of(&f, srv);
	fast_opts(&o);
	o.port = NTP_PORT;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 4);
	ck_assert_int_eq(srv[0].nreplies, 4);
	ck_assert_int_eq(srv[0].nsamples, 4);
	ck_assert_int_eq(srv[0].nrejects, 0);
}
END_TEST

/* A short datagram is not provably from the server: keep waiting, ask
 * again, and say why in the end. */
START_TEST(test_truncated_reply)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SHORT);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].reason, NTP_R_SHORT);
	ck_assert_int_eq(srv[0].nsent, 8);
	ck_assert_int_eq(srv[0].nreplies, 0);
	ck_assert_int_eq(srv[0].nsamples, 0);
	ck_assert_int_eq(srv[0].nrejects, 8);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(srv[0].rejects[i], NTP_R_SHORT);
}
END_TEST

START_TEST(test_unsync_leap3)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, 20 * MS), A_LEAP3);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].reason, NTP_R_UNSYNC_LEAP);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nreplies, 1);
	ck_assert_int_eq(srv[0].nsamples, 0);
	ck_assert_int_eq(srv[0].rejects[0], NTP_R_UNSYNC_LEAP);
	ck_assert_int_eq(srv[0].last.leap, NTP_LEAP_UNSYNC);
}
END_TEST

/* A root distance over the limit: authentic, not usable, not asked
 * again. */
START_TEST(test_rootdist_over_limit)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 500 * US);
	servers_of(&f, srv);
	fast_opts(&o);
	/* lambda = 0.01/2 + 65/65536 + 2^-19 + PHI*delta, about 6 ms */
	o.limits.maxdist = 0.005;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].reason, NTP_R_ROOTDIST);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nsamples, 0);
}
END_TEST

/* ICMP port unreachable ends the request; it is asked again like a lost
 * reply and the reason carries the errno. */
START_TEST(test_refused_unreach)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_REFUSED);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].reason, NTP_R_UNREACH);
	ck_assert_int_eq(srv[0].sys_errno, ECONNREFUSED);
	ck_assert_int_eq(srv[0].nsent, 8);
	ck_assert_int_eq(srv[0].rejects[0], NTP_R_UNREACH);
}
END_TEST

START_TEST(test_send_fails)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 0, MS), A_SENDFAIL);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].reason, NTP_R_SEND);
	ck_assert_int_eq(srv[0].sys_errno, ENETUNREACH);
	ck_assert_int_eq(srv[0].nsent, 8);
	ck_assert_int_eq(f.nreq, 8);
}
END_TEST

/* A socket that cannot be opened for one server costs that server only. */
START_TEST(test_open_fails_for_one_server)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 20 * MS);
	fake_add(&f, "127.0.0.2", 0, 20 * MS);
	f.fail_srv = 1;
	f.fail_reason = NTP_R_SEND;
	f.fail_errno = EHOSTUNREACH;
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[1].reason, NTP_R_SEND);
	ck_assert_int_eq(srv[1].sys_errno, EHOSTUNREACH);
	ck_assert_int_ge(srv[1].nsent, 1);
	ck_assert_int_eq(requests_to(&f, 1), 0);
	ck_assert_int_eq(srv[0].nsent, 4);
	ck_assert_int_eq(srv[0].reason, NTP_OK);
}
END_TEST

/* ---- options: first_usable, gap, reasons on entry ------------------- */

START_TEST(test_first_usable_stops)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 4 * MS, 20 * MS);	/* poor: else 4 */
	fake_act(fake_add(&f, "127.0.0.2", 0, MS), A_SILENT);
	fake_act(fake_add(&f, "127.0.0.3", 0, MS), A_SILENT);
	servers_of(&f, srv);
	fast_opts(&o);
	o.first_usable = 1;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[0].nsamples, 1);
	assert_sample(ntp_server_best(&srv[0]), 4 * MS, 20 * MS);
	ck_assert_int_eq(srv[1].nsent, 1);
	ck_assert_int_eq(srv[2].nsent, 1);
	ck_assert_int_eq(f.nreq, 3);
	/* Cut off, not timed out: sntp reports these as "not waited for"
	 * by their reason NTP_OK without a sample. */
	ck_assert_int_eq(srv[1].nsamples, 0);
	ck_assert_int_eq(srv[1].reason, NTP_OK);
	ck_assert_int_eq(srv[2].reason, NTP_OK);
}
END_TEST

/* With a gap, servers not yet asked when the first answers never are. */
START_TEST(test_first_usable_with_gap)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 4 * MS, 20 * MS);
	fake_add(&f, "127.0.0.2", 4 * MS, 20 * MS);
	fake_add(&f, "127.0.0.3", 4 * MS, 20 * MS);
	servers_of(&f, srv);
	fast_opts(&o);
	o.first_usable = 1;
	o.gap = 0.5;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nreq, 1);
	ck_assert_int_eq(f.req[0].srv, 0);
	ck_assert_int_eq(srv[0].nsamples, 1);
	ck_assert_int_eq(srv[1].nsent, 0);
	ck_assert_int_eq(srv[2].nsent, 0);
}
END_TEST

/* Regression: with a gap, a server that answered made the run "settled"
 * and later servers were never asked. */
START_TEST(test_gap_asks_every_server)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 1 * MS, 300 * US);
	fake_add(&f, "127.0.0.2", 2 * MS, 300 * US);
	fake_add(&f, "127.0.0.3", 3 * MS, 300 * US);
	servers_of(&f, srv);
	fast_opts(&o);
	o.gap = 0.02;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nreq, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(f.req[i].srv, (int)i);	/* in order */
		ck_assert_int_eq(srv[i].nsent, 1);
		ck_assert_int_eq(srv[i].reason, NTP_OK);
		assert_sample(ntp_server_best(&srv[i]), (int64_t)(i + 1) * MS,
		    300 * US);
	}
}
END_TEST

START_TEST(test_reason_on_entry_not_asked)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 300 * US);
	fake_add(&f, "127.0.0.2", 0, 300 * US);
	fake_add(&f, "127.0.0.3", 0, 300 * US);
	servers_of(&f, srv);
	srv[1].reason = NTP_R_KOD_DB;
	srv[2].reason = NTP_R_RESOLVE;
	srv[2].addrlen = 0;
	memset(&srv[2].addr, 0, sizeof(srv[2].addr));
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nreq, 1);
	ck_assert_int_eq(f.nopens, 1);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[1].nsent, 0);
	ck_assert_int_eq(srv[2].nsent, 0);
	ck_assert_int_eq(srv[1].reason, NTP_R_KOD_DB);
	ck_assert_int_eq(srv[2].reason, NTP_R_RESOLVE);
	ck_assert_ptr_null(ntp_server_best(&srv[1]));
}
END_TEST

START_TEST(test_no_servers)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nopens, 0);
	ck_assert_int_eq(f.nreq, 0);
}
END_TEST

/* ---- port 123: shared sockets, routed by address ------------------- */

START_TEST(test_port_mode_shared_socket)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 10 * MS, 300 * US);
	fake_add(&f, "127.0.0.2", 12 * MS, 400 * US);
	servers_of(&f, srv);
	fast_opts(&o);
	o.port = NTP_PORT;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nopens, 1);
	ck_assert_int_eq(f.opens[0].family, AF_INET);
	ck_assert_int_eq(f.opens[0].peer_null, 1);
	ck_assert_int_eq(f.opens[0].port, NTP_PORT);
	ck_assert_int_eq(f.nclose, 1);
	ck_assert_int_eq(srv[0].nsent, 1);
	ck_assert_int_eq(srv[1].nsent, 1);
	assert_sample(ntp_server_best(&srv[0]), 10 * MS, 300 * US);
	assert_sample(ntp_server_best(&srv[1]), 12 * MS, 400 * US);
}
END_TEST

START_TEST(test_port_mode_one_socket_per_family)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	size_t i;
	int fam4 = 0, fam6 = 0;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 10 * MS, 300 * US);
	fake_add(&f, "2001:db8::1", -20 * MS, 400 * US);
	fake_add(&f, "127.0.0.2", 30 * MS, 500 * US);
	servers_of(&f, srv);
	fast_opts(&o);
	o.port = NTP_PORT;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(f.nopens, 2);
	for (i = 0; i < f.nopens; i++) {
		ck_assert_int_eq(f.opens[i].peer_null, 1);
		ck_assert_int_eq(f.opens[i].port, NTP_PORT);
		fam4 += f.opens[i].family == AF_INET;
		fam6 += f.opens[i].family == AF_INET6;
	}
	ck_assert_int_eq(fam4, 1);
	ck_assert_int_eq(fam6, 1);
	assert_sample(ntp_server_best(&srv[0]), 10 * MS, 300 * US);
	assert_sample(ntp_server_best(&srv[1]), -20 * MS, 400 * US);
	assert_sample(ntp_server_best(&srv[2]), 30 * MS, 500 * US);
}
END_TEST

/* A reply from an address not in the run is ignored, even with the
 * right origin: _i 0 nothing else comes, 1 the real reply follows. */
START_TEST(test_port_mode_unknown_address_ignored)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;

	fake_init(&f);
	fake_act(fake_add(&f, "127.0.0.1", 6 * MS, 500 * US),
	    _i == 0 ? A_STRANGER : A_STRANGER_GOOD);
	servers_of(&f, srv);
	fast_opts(&o);
	o.port = NTP_PORT;
	run_ok(&f, srv, &o);
	ck_assert_int_eq(srv[0].nrejects, 0);
	if (_i == 0) {
		ck_assert_int_eq(srv[0].nsent, 8);
		ck_assert_int_eq(srv[0].nreplies, 0);
		ck_assert_int_eq(srv[0].nsamples, 0);
		ck_assert_int_eq(srv[0].reason, NTP_R_NO_REPLY);
	} else {
		ck_assert_int_eq(srv[0].nsent, 1);
		ck_assert_int_eq(srv[0].nreplies, 1);
		ck_assert_int_eq(srv[0].nsamples, 1);
		assert_sample(ntp_server_best(&srv[0]), 6 * MS, 500 * US);
	}
}
END_TEST

START_TEST(test_port_in_use_fails_run)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	int reason = -1;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 300 * US);
	f.fail_srv = -1;
	f.fail_reason = NTP_R_PORT_IN_USE;
	f.fail_errno = EADDRINUSE;
	servers_of(&f, srv);
	fast_opts(&o);
	o.port = NTP_PORT;
	ck_assert_int_eq(run(&f, srv, &o, &reason), -1);
	fake_check(&f);
	ck_assert_int_eq(reason, NTP_R_PORT_IN_USE);
	ck_assert_int_eq(f.nopens, 1);
	ck_assert_int_eq(f.opens[0].port, NTP_PORT);
	ck_assert_int_eq(f.nreq, 0);
	ck_assert_int_eq(srv[0].nsent, 0);
	ck_assert_int_eq(srv[0].nsamples, 0);
}
END_TEST

/* The IPv6 socket fails after the IPv4 one opened: the run fails and
 * the IPv4 socket is closed (fake_check). */
START_TEST(test_port_second_family_fails)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	int reason = -1;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 0, 300 * US);
	fake_add(&f, "2001:db8::1", 0, 300 * US);
	f.fail_srv = -1;
	f.fail_skip = 1;
	f.fail_reason = NTP_R_PORT_PERM;
	f.fail_errno = EACCES;
	servers_of(&f, srv);
	fast_opts(&o);
	o.port = NTP_PORT;
	ck_assert_int_eq(run(&f, srv, &o, &reason), -1);
	fake_check(&f);
	ck_assert_int_eq(reason, NTP_R_PORT_PERM);
	ck_assert_int_eq(f.nopens, 2);
	ck_assert_int_eq(f.opens[0].family, AF_INET);
	ck_assert_int_eq(f.opens[1].family, AF_INET6);
	ck_assert_int_eq(f.nclose, 1);
	ck_assert_int_eq(f.nreq, 0);
}
END_TEST

/* ---- selection over the queried servers ---------------------------- */

START_TEST(test_choose_after_query_falseticker)
{
	struct fake f;
	struct ntp_server srv[NSRV];
	struct ntp_query_opts o;
	struct ntp_selection sel;

	fake_init(&f);
	fake_add(&f, "127.0.0.1", 10 * MS, 900 * US);
	fake_add(&f, "127.0.0.2", 11 * MS, 500 * US);
	fake_add(&f, "127.0.0.3", 5 * NS, 700 * US);
	fake_act(fake_add(&f, "127.0.0.4", 0, MS), A_SILENT);
	servers_of(&f, srv);
	fast_opts(&o);
	run_ok(&f, srv, &o);
	ck_assert_int_eq(ntp_choose(srv, 4, &sel), 1);
	ck_assert_int_eq(sel.chosen, 1);
	ck_assert_int_eq(sel.usable, 3);
	ck_assert_int_eq(sel.survivors, 2);
	ck_assert_int_eq(sel.no_majority, 0);
	ck_assert_int_eq(srv[0].reason, NTP_R_NOT_BEST);
	ck_assert_int_eq(srv[1].reason, NTP_OK);
	ck_assert_int_eq(srv[2].reason, NTP_R_FALSETICKER);
	ck_assert_int_eq(srv[3].reason, NTP_R_NO_REPLY);
}
END_TEST

static void
hand_server(struct ntp_server *s, double offset, double delay,
    double rootdist, int stratum)
{
	memset(s, 0, sizeof(*s));
	s->reason = NTP_OK;
	s->best = 0;
	s->nsamples = 1;
	s->samples[0].offset = offset;
	s->samples[0].delay = delay;
	s->samples[0].rootdist = rootdist;
	s->samples[0].stratum = stratum;
}

/* Built by hand: the choice reads each server's best sample only. */
START_TEST(test_choose_hand_built)
{
	struct ntp_server srv[6];
	struct ntp_selection sel;

	hand_server(&srv[0], 0.100, 0.010, 0.020, 2);
	hand_server(&srv[1], 0.105, 0.020, 0.020, 1);	/* lowest stratum */
	hand_server(&srv[2], 0.098, 0.005, 0.020, 2);
	hand_server(&srv[3], -3.000, 0.001, 0.020, 1);	/* far off */
	memset(&srv[4], 0, sizeof(srv[4]));		/* OK, no sample */
	srv[4].best = -1;
	memset(&srv[5], 0, sizeof(srv[5]));
	srv[5].best = -1;
	srv[5].reason = NTP_R_KOD_DENY;
	/* A worse sample that is not the best must not count. */
	srv[0].samples[1] = srv[0].samples[0];
	srv[0].samples[1].offset = 9.0;
	srv[0].samples[1].delay = 0.5;
	srv[0].nsamples = 2;
	ck_assert_int_eq(ntp_choose(srv, 6, &sel), 1);
	ck_assert_int_eq(sel.usable, 4);
	ck_assert_int_eq(sel.survivors, 3);
	ck_assert_int_eq(srv[0].reason, NTP_R_NOT_BEST);
	ck_assert_int_eq(srv[1].reason, NTP_OK);
	ck_assert_int_eq(srv[2].reason, NTP_R_NOT_BEST);
	ck_assert_int_eq(srv[3].reason, NTP_R_FALSETICKER);
	ck_assert_int_eq(srv[4].reason, NTP_R_NO_REPLY);
	ck_assert_int_eq(srv[5].reason, NTP_R_KOD_DENY);
}
END_TEST

START_TEST(test_server_best)
{
	struct ntp_server s;

	memset(&s, 0, sizeof(s));
	s.best = -1;
	ck_assert_ptr_null(ntp_server_best(&s));
	s.best = 0;		/* no samples: still none */
	ck_assert_ptr_null(ntp_server_best(&s));
	s.nsamples = 2;
	s.best = 2;		/* out of range */
	ck_assert_ptr_null(ntp_server_best(&s));
	s.best = 1;
	ck_assert_ptr_eq(ntp_server_best(&s), &s.samples[1]);
	s.best = 0;
	ck_assert_ptr_eq(ntp_server_best(&s), &s.samples[0]);
}
END_TEST

START_TEST(test_opts_default)
{
	struct ntp_query_opts o;

	memset(&o, 0xa5, sizeof(o));
	ntp_query_opts_default(&o);
	ck_assert_int_eq(o.version, 4);
	ck_assert_double_eq(o.timeout, 2.0);
	ck_assert_int_eq(o.samples, 0);
	ck_assert_int_eq(o.max_requests, 4);
	ck_assert_double_eq(o.spacing, 2.0);
	ck_assert_double_eq(o.good_delay, 0.001);
	ck_assert_int_eq(o.patience, 8);
	ck_assert_double_eq(o.gap, 0.0);
	ck_assert_int_eq(o.port, 0);
	ck_assert_int_eq(o.first_usable, 0);
	ck_assert_int_eq(o.local_precision, -20);
	ck_assert_double_eq(o.limits.maxdist, 1.5);
	ck_assert_double_eq(o.limits.maxrefage, 86400.0);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("ntp_engine");
	TCase *tc = tcase_create("engine");

	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_lan_server_one_request_exact_sample, 0,
	    N_LAN_VECS);
	tcase_add_test(tc, test_request_is_client_mode_fresh_nonce);
	tcase_add_test(tc, test_connected_socket_per_request);
	tcase_add_test(tc, test_poor_server_max_requests_best_min_delay);
	tcase_add_test(tc, test_max_requests_option);
	tcase_add_test(tc, test_poor_then_good_stops);
	tcase_add_loop_test(tc, test_good_server_ends_poor_server, 0, 2);
	tcase_add_test(tc, test_two_poor_servers_both_asked_fully);
	tcase_add_loop_test(tc, test_silent_beside_good_one_timeout, 0, 2);
	tcase_add_test(tc, test_silent_beside_poor_asked_again);
	tcase_add_test(tc, test_all_silent_patience);
	tcase_add_test(tc, test_falseticker_does_not_stop_resampling);
	tcase_add_test(tc, test_lan_truechimer_stops_resampling);
	tcase_add_loop_test(tc, test_coarse_precision_one_round_trip, 0, 3);
	tcase_add_test(tc, test_t1_bias_enters_sample_and_stopping_rule);
	tcase_add_test(tc, test_patience_lossy_path);
	tcase_add_test(tc, test_patience_ends_when_one_answers);
	tcase_add_test(tc, test_query_once_silent);
	tcase_add_test(tc, test_disagreeing_pair_sampled_then_no_majority);
	tcase_add_loop_test(tc, test_samples_n_exactly_n, 0, 5);
	tcase_add_loop_test(tc, test_kod_one_request, 0, N_KOD_VECS);
	tcase_add_test(tc, test_kod_after_sample_keeps_it);
	tcase_add_test(tc, test_wrong_origin_only);
	tcase_add_loop_test(tc, test_spoof_then_right_reply, 0, 2);
	tcase_add_test(tc, test_duplicate_reply_one_sample);
	tcase_add_test(tc, test_duplicate_reply_port_mode);
	tcase_add_test(tc, test_truncated_reply);
	tcase_add_test(tc, test_unsync_leap3);
	tcase_add_test(tc, test_rootdist_over_limit);
	tcase_add_test(tc, test_refused_unreach);
	tcase_add_test(tc, test_send_fails);
	tcase_add_test(tc, test_open_fails_for_one_server);
	tcase_add_test(tc, test_first_usable_stops);
	tcase_add_test(tc, test_first_usable_with_gap);
	tcase_add_test(tc, test_gap_asks_every_server);
	tcase_add_test(tc, test_reason_on_entry_not_asked);
	tcase_add_test(tc, test_no_servers);
	tcase_add_test(tc, test_port_mode_shared_socket);
	tcase_add_test(tc, test_port_mode_one_socket_per_family);
	tcase_add_loop_test(tc, test_port_mode_unknown_address_ignored, 0, 2);
	tcase_add_test(tc, test_port_in_use_fails_run);
	tcase_add_test(tc, test_port_second_family_fails);
	tcase_add_test(tc, test_choose_after_query_falseticker);
	tcase_add_test(tc, test_choose_hand_built);
	tcase_add_test(tc, test_server_best);
	tcase_add_test(tc, test_opts_default);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
