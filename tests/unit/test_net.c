/*
 * Unit tests for lib/ntp_net.c: address comparison (ntp_sockaddr_eq),
 * which the engine uses to route replies and the resolver to drop
 * duplicates.  No socket is opened: the socket calls themselves are
 * covered by the integration tests in a private network namespace.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
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

/* Only family, address and port count: padding, flow label and scope id
 * (the kernel may fill them in on receive) do not. */
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
	b6->sin6_scope_id = 7;
	ck_assert_int_eq(ntp_sockaddr_eq((struct sockaddr *)&a,
	    (struct sockaddr *)&b), 1);
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
