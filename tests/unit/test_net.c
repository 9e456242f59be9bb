/*
 * Unit tests for lib/ntp_net.c: address comparison (ntp_sockaddr_eq),
 * hashing, v4-mapped addresses, scope-aware text, transmit-stamp matching,
 * which the engine uses to route replies and the resolver to drop
 * duplicates.  No socket is opened: the socket calls themselves are
 * covered by the integration tests in a private network namespace.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/errqueue.h>

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_net.h"

/* A sockaddr from text, every other byte zero. */
static void
mk(struct sockaddr_storage *ss, int family, const char *addr, int port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		ck_assert_int_eq(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
		sin->sin_port = htons((uint16_t)port);
	} else if (family == AF_INET6) {
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6->sin6_addr),
		    1);
		sin6->sin6_port = htons((uint16_t)port);
	} else if (family == AF_UNIX) {
		strcpy(sun->sun_path, addr);
	}
}

struct eq_vec {
	int		fa;
	const char	*a;
	int		pa;
	int		fb;
	const char	*b;
	int		pb;
	int		eq;
	const char	*what;
};

static const struct eq_vec eq_vecs[] = {
	{ AF_INET, "127.0.0.1", 123, AF_INET, "127.0.0.1", 123, 1,
	    "v4 same" },
	{ AF_INET, "192.0.2.1", 123, AF_INET, "192.0.2.1", 124, 0,
	    "v4 other port" },
	{ AF_INET, "192.0.2.1", 123, AF_INET, "192.0.2.2", 123, 0,
	    "v4 other address, last byte" },
	{ AF_INET, "192.0.2.1", 123, AF_INET, "193.0.2.1", 123, 0,
	    "v4 other address, first byte" },
	{ AF_INET, "192.0.2.1", 123, AF_INET, "192.0.2.1", 31488, 0,
	    "v4 port byte-swapped (123 = 0x007b, 31488 = 0x7b00)" },
	{ AF_INET, "0.0.0.0", 0, AF_INET, "0.0.0.0", 0, 1, "v4 zero" },
	{ AF_INET6, "2001:db8::1", 123, AF_INET6, "2001:db8::1", 123, 1,
	    "v6 same" },
	{ AF_INET6, "2001:db8::1", 123, AF_INET6, "2001:db8::1", 1123, 0,
	    "v6 other port" },
	{ AF_INET6, "2001:db8::1", 123, AF_INET6, "2001:db8::2", 123, 0,
	    "v6 other address, last byte" },
	{ AF_INET6, "2001:db8::1", 123, AF_INET6, "3001:db8::1", 123, 0,
	    "v6 other address, first byte" },
	{ AF_INET6, "2001:db8::1:0:0:1", 123, AF_INET6, "2001:db8::1:0:1:1",
	    123, 0, "v6 other address, middle" },
	{ AF_INET6, "::1", 123, AF_INET6, "0:0:0:0:0:0:0:1", 123, 1,
	    "v6 same, spelt twice" },
	{ AF_INET, "127.0.0.1", 123, AF_INET6, "::ffff:127.0.0.1", 123, 0,
	    "v4 and v4-mapped v6" },
	{ AF_INET, "127.0.0.1", 123, AF_INET6, "::1", 123, 0,
	    "v4 and v6 loopback" },
	{ AF_INET, "0.0.0.0", 123, AF_INET6, "::", 123, 0,
	    "v4 and v6, both zero" },
	{ AF_UNIX, "/tmp/a", 0, AF_UNIX, "/tmp/a", 0, 0,
	    "AF_UNIX: not an NTP address" },
	{ AF_UNSPEC, "", 0, AF_UNSPEC, "", 0, 0, "AF_UNSPEC" },
};
#define N_EQ_VECS	((int)(sizeof(eq_vecs) / sizeof(eq_vecs[0])))

START_TEST(test_sockaddr_eq)
{
	const struct eq_vec *v = &eq_vecs[_i];
	struct sockaddr_storage a, b;

	mk(&a, v->fa, v->a, v->pa);
	mk(&b, v->fb, v->b, v->pb);
	ck_assert_msg(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&b) == v->eq, "%s: a, b", v->what);
	ck_assert_msg(ntp_sockaddr_eq((struct sockaddr *)&b,
	    (struct sockaddr *)&a) == v->eq, "%s: b, a", v->what);
}
END_TEST

START_TEST(test_sockaddr_eq_self)
{
	struct sockaddr_storage a;

	mk(&a, AF_INET, "203.0.113.7", 123);
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&a), 1);
	mk(&a, AF_INET6, "2001:db8::7", 123);
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&a), 1);
}
END_TEST

/* Only family, address, port and (IPv6) scope count: padding and the
 * flow label (the kernel may fill them in on receive) do not. */
START_TEST(test_sockaddr_eq_ignores_the_rest)
{
	struct sockaddr_storage a, b;
	struct sockaddr_in *b4 = (struct sockaddr_in *)&b;
	struct sockaddr_in6 *b6 = (struct sockaddr_in6 *)&b;

	mk(&a, AF_INET, "192.0.2.1", 123);
	mk(&b, AF_INET, "192.0.2.1", 123);
	memset(b4->sin_zero, 0xa5, sizeof(b4->sin_zero));
	memset((char *)&b + sizeof(*b4), 0x5a, sizeof(b) - sizeof(*b4));
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&b), 1);

	mk(&a, AF_INET6, "2001:db8::1", 123);
	mk(&b, AF_INET6, "2001:db8::1", 123);
	b6->sin6_flowinfo = htonl(0x12345);
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&b), 1);
}
END_TEST

/* fe80::2%eth0 and fe80::2%eth1 are two servers on two links. */
START_TEST(test_sockaddr_eq_scope)
{
	struct sockaddr_storage a, b;

	mk(&a, AF_INET6, "fe80::2", 123);
	mk(&b, AF_INET6, "fe80::2", 123);
	((struct sockaddr_in6 *)&a)->sin6_scope_id = 2;
	((struct sockaddr_in6 *)&b)->sin6_scope_id = 3;
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&b), 0);
	ck_assert_uint_ne(ntp_sockaddr_hash((struct sockaddr *)&a),
	    ntp_sockaddr_hash((struct sockaddr *)&b));
	((struct sockaddr_in6 *)&b)->sin6_scope_id = 2;
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&b), 1);
}
END_TEST

/* Equal addresses hash alike whatever their padding holds. */
START_TEST(test_sockaddr_hash_of_equal)
{
	const struct eq_vec *v = &eq_vecs[_i];
	struct sockaddr_storage a, b;

	mk(&a, v->fa, v->a, v->pa);
	mk(&b, v->fb, v->b, v->pb);
	memset((char *)&b + sizeof(struct sockaddr_in6), 0x77,
	    sizeof(b) - sizeof(struct sockaddr_in6));
	if (v->eq)
		ck_assert_uint_eq(ntp_sockaddr_hash((struct sockaddr *)&a),
		    ntp_sockaddr_hash((struct sockaddr *)&b));
}
END_TEST

START_TEST(test_sockaddr_unmap)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(struct sockaddr_in6);
	struct sockaddr_in *a4 = (struct sockaddr_in *)&a;

	mk(&a, AF_INET6, "::ffff:192.0.2.7", 123);
	ntp_sockaddr_unmap(&a, &len);
	ck_assert_int_eq(a.ss_family, AF_INET);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in));
	ck_assert_uint_eq(ntohl(a4->sin_addr.s_addr), 0xc0000207);
	ck_assert_uint_eq(ntohs(a4->sin_port), 123);
	/* Not mapped: left alone (::192.0.2.7 is v4-compatible, not mapped). */
	mk(&a, AF_INET6, "::192.0.2.7", 123);
	len = sizeof(struct sockaddr_in6);
	ntp_sockaddr_unmap(&a, &len);
	ck_assert_int_eq(a.ss_family, AF_INET6);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));
	mk(&a, AF_INET, "192.0.2.7", 123);
	len = sizeof(struct sockaddr_in);
	ntp_sockaddr_unmap(&a, &len);
	ck_assert_int_eq(a.ss_family, AF_INET);
}
END_TEST

/* Numeric text, with the scope of a link-local address (1 is lo). */
START_TEST(test_sockaddr_str)
{
	struct sockaddr_storage a;
	char buf[NTP_ADDRSTRLEN];

	mk(&a, AF_INET, "192.0.2.7", 123);
	ck_assert_str_eq(ntp_sockaddr_str((struct sockaddr *)&a,
	    sizeof(struct sockaddr_in), buf, sizeof(buf)), "192.0.2.7");
	mk(&a, AF_INET6, "fe80::2", 123);
	((struct sockaddr_in6 *)&a)->sin6_scope_id = 1;
	ck_assert_str_eq(ntp_sockaddr_str((struct sockaddr *)&a,
	    sizeof(struct sockaddr_in6), buf, sizeof(buf)), "fe80::2%lo");
	mk(&a, AF_INET6, "2001:db8::1", 123);
	ck_assert_str_eq(ntp_sockaddr_str((struct sockaddr *)&a,
	    sizeof(struct sockaddr_in6), buf, sizeof(buf)), "2001:db8::1");
	mk(&a, AF_UNIX, "/tmp/x", 0);
	ck_assert_str_eq(ntp_sockaddr_str((struct sockaddr *)&a,
	    sizeof(a), buf, sizeof(buf)), "?");
	/* Too small for the text: "?" rather than a cut address. */
	mk(&a, AF_INET6, "2001:db8::1", 123);
	ck_assert_str_eq(ntp_sockaddr_str((struct sockaddr *)&a,
	    sizeof(struct sockaddr_in6), buf, 5), "?");
}
END_TEST

/*
 * An error-queue message as the kernel builds it: the looped-back
 * datagram (here behind 42 bytes of Ethernet, IPv4 and UDP headers) and
 * the SCM_TIMESTAMPING + IP_RECVERR control messages.
 */
struct errq {
	unsigned char	data[256];
	union {
		char		buf[256];
		struct cmsghdr	align;
	} ctl;
	struct iovec	iov;
	struct msghdr	msg;
	size_t		n;
};

static void
mk_errq(struct errq *q, const unsigned char *pkt, size_t plen, time_t sec)
{
	struct cmsghdr *cm;
	struct timespec ts[3];
	struct sock_extended_err ee;

	memset(q, 0, sizeof(*q));
	memset(q->data, 0x45, 42);
	memcpy(q->data + 42, pkt, plen);
	q->n = 42 + plen;
	q->iov.iov_base = q->data;
	q->iov.iov_len = sizeof(q->data);
	q->msg.msg_iov = &q->iov;
	q->msg.msg_iovlen = 1;
	q->msg.msg_control = q->ctl.buf;
	q->msg.msg_controllen = CMSG_SPACE(sizeof(ts)) + CMSG_SPACE(sizeof(ee));
	memset(ts, 0, sizeof(ts));
	ts[0].tv_sec = sec;
	ts[0].tv_nsec = sec != 0 ? 5 : 0;
	cm = CMSG_FIRSTHDR(&q->msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_TIMESTAMPING;
	cm->cmsg_len = CMSG_LEN(sizeof(ts));
	memcpy(CMSG_DATA(cm), ts, sizeof(ts));
	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
	cm = CMSG_NXTHDR(&q->msg, cm);
	cm->cmsg_level = SOL_IP;
	cm->cmsg_type = IP_RECVERR;
	cm->cmsg_len = CMSG_LEN(sizeof(ee));
	memcpy(CMSG_DATA(cm), &ee, sizeof(ee));
}

/*
 * A late stamp: request 1's stamp is still queued when request 2 has
 * been sent, and it lies inside request 2's send window (the old match
 * by time took it as request 2's T1).  Matched by content, it is refused
 * for request 2, and request 2's own stamp is taken.
 */
START_TEST(test_tx_stamp_late_not_taken)
{
	unsigned char req1[48], req2[48];
	struct errq late, own;
	struct timespec ts;

	memset(req1, 0, sizeof(req1));
	memset(req2, 0, sizeof(req2));
	req1[0] = req2[0] = 0x23;
	memcpy(req1 + 40, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	memcpy(req2 + 40, "\x11\x22\x33\x44\x55\x66\x77\x89", 8);
	mk_errq(&late, req1, sizeof(req1), 2000);	/* inside the window */
	mk_errq(&own, req2, sizeof(req2), 2001);
	ck_assert_int_eq(ntp_tx_stamp_match(&late.msg, late.n, req2,
	    sizeof(req2), &ts), -1);
	ck_assert_int_eq(ntp_tx_stamp_match(&own.msg, own.n, req2,
	    sizeof(req2), &ts), 0);
	ck_assert_int_eq(ts.tv_sec, 2001);
	ck_assert_int_eq(ts.tv_nsec, 5);
	/* And the late one is request 1's, whenever it is read. */
	ck_assert_int_eq(ntp_tx_stamp_match(&late.msg, late.n, req1,
	    sizeof(req1), &ts), 0);
	ck_assert_int_eq(ts.tv_sec, 2000);
}
END_TEST

/* What is not a whole stamp of our datagram is never taken. */
START_TEST(test_tx_stamp_refused)
{
	unsigned char req[48];
	struct errq q;
	struct timespec ts;

	memset(req, 0xab, sizeof(req));
	mk_errq(&q, req, sizeof(req), 2000);
	q.msg.msg_flags = MSG_TRUNC;		/* data cut: tail unknown */
	ck_assert_int_eq(ntp_tx_stamp_match(&q.msg, q.n, req, sizeof(req),
	    &ts), -1);
	mk_errq(&q, req, sizeof(req), 2000);	/* no payload came back */
	ck_assert_int_eq(ntp_tx_stamp_match(&q.msg, 0, req, sizeof(req),
	    &ts), -1);
	mk_errq(&q, req, sizeof(req), 0);	/* a zero stamp */
	ck_assert_int_eq(ntp_tx_stamp_match(&q.msg, q.n, req, sizeof(req),
	    &ts), -1);
	mk_errq(&q, req, sizeof(req), 2000);	/* not a timestamp report */
	((struct sock_extended_err *)CMSG_DATA(CMSG_NXTHDR(&q.msg,
	    CMSG_FIRSTHDR(&q.msg))))->ee_origin = SO_EE_ORIGIN_ICMP;
	ck_assert_int_eq(ntp_tx_stamp_match(&q.msg, q.n, req, sizeof(req),
	    &ts), -1);
	mk_errq(&q, req, sizeof(req), 2000);	/* the good one */
	ck_assert_int_eq(ntp_tx_stamp_match(&q.msg, q.n, req, sizeof(req),
	    &ts), 0);
}
END_TEST

/* The real ops are all there; none is called (no IP socket here). */
START_TEST(test_system_ops_present)
{
	const struct ntp_net_ops *ops = ntp_net_system();

	ck_assert_ptr_nonnull(ops);
	ck_assert_ptr_nonnull(ops->open);
	ck_assert_ptr_nonnull(ops->send);
	ck_assert_ptr_nonnull(ops->recv);
	ck_assert_ptr_nonnull(ops->close);
	ck_assert_ptr_eq(ntp_net_system(), ops);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite *s = suite_create("ntp_net");
	TCase *tc = tcase_create("net");

	tcase_add_loop_test(tc, test_sockaddr_eq, 0, N_EQ_VECS);
	tcase_add_test(tc, test_sockaddr_eq_self);
	tcase_add_test(tc, test_sockaddr_eq_ignores_the_rest);
	tcase_add_test(tc, test_system_ops_present);
	tcase_add_test(tc, test_sockaddr_eq_scope);
	tcase_add_loop_test(tc, test_sockaddr_hash_of_equal, 0, N_EQ_VECS);
	tcase_add_test(tc, test_sockaddr_unmap);
	tcase_add_test(tc, test_sockaddr_str);
	tcase_add_test(tc, test_tx_stamp_late_not_taken);
	tcase_add_test(tc, test_tx_stamp_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
