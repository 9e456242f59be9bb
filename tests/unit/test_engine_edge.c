/*
 * Unit tests for the engine at the network's edge (lib/ntp_engine.c,
 * issue 9 part B): the cap on requests in flight (bounded descriptors
 * with thousands of servers, also under a low RLIMIT_NOFILE), a family
 * whose socket cannot be opened (no IPv6 on the host) skipped while the
 * others go on, and a datagram longer than the receive buffer refused.
 *
 * The fake net hands the engine one end of an AF_UNIX datagram
 * socketpair per open(); send() writes the server's reply (or what the
 * test asked for) into the other end at once, behind a small envelope
 * naming its source address, and closes that end unless the socket is a
 * shared one.  No IP socket is opened.  Kept apart from
 * test_engine.c so that these behaviours survive that file's rewrite.
 *
 * The timestamps are made up, not read: every exchange has T1 at
 * V_BASE, the server's T2 = T3 50 us later, T4 100 us later.  A delay
 * read off the real clock grew past the stopping rule's 1 ms on a busy
 * machine under ASan, and the engine rightly asked each server again;
 * what these tests count must not depend on the machine's load.  The
 * engine's monotonic clock and its waits are real (timeouts of 0.1 to
 * 1 s).
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <errno.h>
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
#include "ntp_ts.h"

#define NSRV_MAX	600
#define NFD		4096
#define V6_INDEX	3	/* the one IPv6 server in the family tests */
#define V_BASE		1798761600	/* 2027-01-01T00:00:00Z */

/* The made-up wall clock, ns after V_BASE. */
static void
vtime(long ns, struct timespec *ts)
{
	ts->tv_sec = V_BASE;
	ts->tv_nsec = ns;
}

enum what { W_GOOD, W_TOO_LONG, W_TOO_LONG_THEN_GOOD };

/* What comes out of the far end: the reply's source, then its bytes. */
struct env {
	struct sockaddr_storage	from;
	int32_t			too_long;
};

struct fake {
	struct ntp_server	*srv;
	size_t			n;
	enum what		what[NSRV_MAX];
	int			far[NFD];	/* engine fd -> far end, or -1 */
	int			open_now, open_max, nopen;
	int			fail_family;	/* open() refuses it, or 0 */
	int			bound;		/* port 123: shared sockets */
};

static int
f_open(void *ctx, int family, const struct sockaddr *peer, socklen_t plen,
    int port, int *reason)
{
	struct fake *f = ctx;
	int sv[2];

	(void)peer;
	(void)plen;
	(void)port;
	f->nopen++;
	if (family == f->fail_family) {
		*reason = NTP_R_SOCKET;
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) != 0) {
		*reason = NTP_R_SOCKET;	/* EMFILE: the cap did not hold */
		return -1;
	}
	ck_assert_int_lt(sv[0], NFD);
	f->far[sv[0]] = sv[1];
	if (++f->open_now > f->open_max)
		f->open_max = f->open_now;
	return sv[0];
}

static size_t
server_of(const struct fake *f, const struct sockaddr *to)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (ntp_sockaddr_eq(to, (const struct sockaddr *)
		    &f->srv[i].addr))
			return i;
	ck_abort_msg("send to an address of no server");
	return 0;
}

/* A reply every check passes: stratum 2, synchronised, our nonce. */
static void
put_reply(int far, const struct sockaddr *to, const uint8_t *req,
    int too_long)
{
	uint8_t buf[sizeof(struct env) + NTP_HEADER_LEN];
	struct env e;
	struct ntp_pkt p;
	struct timespec now;

	memset(&e, 0, sizeof(e));
	memcpy(&e.from, to, to->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	e.too_long = too_long;
	vtime(50000, &now);
	memset(&p, 0, sizeof(p));
	p.version = 4;
	p.mode = 4;
	p.stratum = 2;
	p.precision = -20;
	p.rootdelay = 0x20;
	p.rootdisp = 0x40;
	p.refid = 0x0a000001;
	p.reftime = ntp_ts_from_timespec(&now) - (16ULL << 32);
	p.org = ((uint64_t)req[40] << 56) | ((uint64_t)req[41] << 48) |
	    ((uint64_t)req[42] << 40) | ((uint64_t)req[43] << 32) |
	    ((uint64_t)req[44] << 24) | ((uint64_t)req[45] << 16) |
	    ((uint64_t)req[46] << 8) | req[47];
	p.rec = p.xmt = ntp_ts_from_timespec(&now);
	memcpy(buf, &e, sizeof(e));
	ntp_pkt_encode(&p, buf + sizeof(e), NTP_HEADER_LEN);
	ck_assert_int_eq(write(far, buf, sizeof(buf)), (ssize_t)sizeof(buf));
}

static ssize_t
f_send(void *ctx, int fd, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen, struct timespec *t1)
{
	struct fake *f = ctx;
	size_t i = server_of(f, to);

	(void)tolen;
	vtime(0, t1);
	ck_assert_uint_eq(len, NTP_HEADER_LEN);
	if (f->what[i] != W_GOOD)
		put_reply(f->far[fd], to, buf, 1);
	if (f->what[i] != W_TOO_LONG)
		put_reply(f->far[fd], to, buf, 0);
	if (f->srv[i].addr.ss_family != 0 && !f->bound) {
		/* Queued on the engine's end; one descriptor per request
		 * from here on, as with a real connected socket. */
		close(f->far[fd]);
		f->far[fd] = -1;
	}
	return (ssize_t)len;
}

static ssize_t
f_recv(void *ctx, int fd, void *buf, size_t len,
    struct sockaddr_storage *from, socklen_t *fromlen, struct timespec *t4)
{
	uint8_t in[sizeof(struct env) + NTP_HEADER_LEN];
	struct env e;
	ssize_t n;

	(void)ctx;
	if ((n = read(fd, in, sizeof(in))) < 0)
		return -1;
	ck_assert_int_eq(n, (ssize_t)sizeof(in));
	memcpy(&e, in, sizeof(e));
	*from = e.from;
	*fromlen = sizeof(*from);
	vtime(100000, t4);
	if (e.too_long) {
		errno = EMSGSIZE;	/* what ntp_net_system() says */
		return -1;
	}
	ck_assert_uint_ge(len, NTP_HEADER_LEN);
	memcpy(buf, in + sizeof(e), NTP_HEADER_LEN);
	return NTP_HEADER_LEN;
}

static void
f_close(void *ctx, int fd)
{
	struct fake *f = ctx;

	if (f->far[fd] >= 0)
		close(f->far[fd]);
	close(fd);
	f->far[fd] = -1;
	f->open_now--;
}

/* n servers 127.1.x.y, or ::1 at V6_INDEX when v6. */
static struct ntp_server *
mk_servers(size_t n, int v6)
{
	struct ntp_server *srv = calloc(n, sizeof(*srv));
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	size_t i;

	ck_assert_ptr_nonnull(srv);
	for (i = 0; i < n; i++) {
		srv[i].host = "test";
		srv[i].best = -1;
		if (v6 && i == V6_INDEX) {
			sin6 = (struct sockaddr_in6 *)&srv[i].addr;
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(NTP_PORT);
			sin6->sin6_addr = in6addr_loopback;
			srv[i].addrlen = sizeof(*sin6);
			continue;
		}
		sin = (struct sockaddr_in *)&srv[i].addr;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(NTP_PORT);
		sin->sin_addr.s_addr = htonl(0x7f010000U + (uint32_t)i);
		srv[i].addrlen = sizeof(*sin);
	}
	return srv;
}

/* Real time: these runs are short (timeouts of 0.1 to 1 s). */
static void
f_monotonic(void *ctx, struct timespec *now)
{
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, now);
}

static int
f_wait(void *ctx, struct pollfd *fds, nfds_t nfds, int ms)
{
	(void)ctx;
	return poll(fds, nfds, ms);
}

static void
run(struct fake *f, struct ntp_server *srv, size_t n, int port, double to)
{
	struct ntp_net_ops ops = {
		.open = f_open, .send = f_send, .recv = f_recv,
		.close = f_close, .monotonic = f_monotonic, .wait = f_wait,
		.ctx = f
	};
	struct ntp_query_opts o;
	int reason = NTP_OK;

	f->srv = srv;
	f->n = n;
	f->bound = port != 0;
	memset(f->far, -1, sizeof(f->far));
	ntp_query_opts_default(&o);
	o.port = port;
	o.timeout = to;
	ck_assert_int_eq(ntp_query(srv, n, &o, &ops, &reason), 0);
	ck_assert_int_eq(f->open_now, 0);
}

static void
assert_all_answered(const struct ntp_server *srv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ck_assert_msg(srv[i].reason == NTP_OK && srv[i].nsamples > 0,
		    "server %zu: reason %d", i, srv[i].reason);
		ck_assert_int_eq(srv[i].nsent, 1);
	}
}

/* 600 servers: at most 256 requests (so sockets) out at once, and every
 * server is asked once and answers. */
START_TEST(test_inflight_capped)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ntp_server *srv = mk_servers(NSRV_MAX, 0);

	run(f, srv, NSRV_MAX, 0, 1.0);
	ck_assert_int_eq(f->open_max, 256);
	ck_assert_int_eq(f->nopen, NSRV_MAX);
	assert_all_answered(srv, NSRV_MAX);
	free(srv);
	free(f);
}
END_TEST

/* Under RLIMIT_NOFILE 64 (the test runs in its own process): at most 32
 * requests out at once, and still nobody left out. */
START_TEST(test_inflight_capped_by_rlimit)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ntp_server *srv = mk_servers(NSRV_MAX, 0);
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	run(f, srv, NSRV_MAX, 0, 1.0);
	ck_assert_int_le(f->open_max, 32);
	ck_assert_int_gt(f->open_max, 0);
	assert_all_answered(srv, NSRV_MAX);
	free(srv);
	free(f);
}
END_TEST

/* Port 123, no IPv6 socket: the IPv6 server is skipped with the reason
 * and errno, never asked; the IPv4 ones answer on their shared socket;
 * the run does not fail. */
START_TEST(test_family_skipped_bound)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ntp_server *srv = mk_servers(6, 1);
	size_t i;

	f->fail_family = AF_INET6;
	run(f, srv, 6, NTP_PORT, 1.0);
	ck_assert_int_eq(srv[V6_INDEX].reason, NTP_R_SOCKET);
	ck_assert_int_eq(srv[V6_INDEX].sys_errno, EAFNOSUPPORT);
	ck_assert_int_eq(srv[V6_INDEX].nsent, 0);
	for (i = 0; i < 6; i++)
		if (i != V6_INDEX)
			ck_assert_uint_gt(srv[i].nsamples, 0);
	ck_assert_int_eq(f->nopen, 2);	/* v4 socket, refused v6 one */
	free(srv);
	free(f);
}
END_TEST

/* A socket per request: the IPv6 server is given up after the first
 * refusal (the family will not appear), not retried like a lost reply. */
START_TEST(test_family_skipped_per_request)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ntp_server *srv = mk_servers(6, 1);
	size_t i;

	f->fail_family = AF_INET6;
	run(f, srv, 6, 0, 1.0);
	ck_assert_int_eq(srv[V6_INDEX].reason, NTP_R_SOCKET);
	ck_assert_int_eq(srv[V6_INDEX].sys_errno, EAFNOSUPPORT);
	ck_assert_int_eq(srv[V6_INDEX].nsent, 1);
	for (i = 0; i < 6; i++)
		if (i != V6_INDEX)
			ck_assert_uint_gt(srv[i].nsamples, 0);
	/* Alone, with nobody answering to settle the run: still one try
	 * (a lost reply would be asked again, up to 8 times). */
	srv[V6_INDEX].reason = NTP_OK;
	srv[V6_INDEX].nsent = 0;
	srv[V6_INDEX].nrejects = 0;
	run(f, &srv[V6_INDEX], 1, 0, 0.1);
	ck_assert_int_eq(srv[V6_INDEX].reason, NTP_R_SOCKET);
	ck_assert_int_eq(srv[V6_INDEX].nsent, 1);
	free(srv);
	free(f);
}
END_TEST

/* An oversized datagram is refused with its reason; the real reply
 * after it is still taken; a server that sends only those ends with the
 * reason, not "no reply". */
START_TEST(test_too_long_refused)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ntp_server *srv = mk_servers(3, 0);
	size_t j;
	int seen = 0;

	f->what[1] = W_TOO_LONG_THEN_GOOD;
	f->what[2] = W_TOO_LONG;
	run(f, srv, 3, 0, 0.2);
	ck_assert_uint_gt(srv[0].nsamples, 0);
	ck_assert_uint_gt(srv[1].nsamples, 0);
	ck_assert_int_eq(srv[1].reason, NTP_OK);
	for (j = 0; j < srv[1].nrejects; j++)
		seen |= srv[1].rejects[j] == NTP_R_TOO_LONG;
	ck_assert_int_eq(seen, 1);
	ck_assert_uint_eq(srv[2].nsamples, 0);
	ck_assert_int_eq(srv[2].reason, NTP_R_TOO_LONG);
	free(srv);
	free(f);
}
END_TEST

static Suite *
engine_edge_suite(void)
{
	Suite *s = suite_create("ntp_engine_edge");
	TCase *tc = tcase_create("edge");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_inflight_capped);
	tcase_add_test(tc, test_inflight_capped_by_rlimit);
	tcase_add_test(tc, test_family_skipped_bound);
	tcase_add_test(tc, test_family_skipped_per_request);
	tcase_add_test(tc, test_too_long_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_edge_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
