/*
 * Unit tests for lib/ntp_resolve.c, with inputs that need no DNS.
 *
 * Address literals resolve at once (AI_NUMERICHOST).  A literal of the
 * wrong family fails that, goes to getaddrinfo_a, and glibc rejects it
 * there before any lookup (EAI_ADDRFAMILY: it parses the literal first);
 * checked under strace: no socket, no read of /etc/hosts or resolv.conf.
 * No test passes a host name.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_resolve.h"
#include "ntp_reason.h"

#define WAIT	10.0	/* resolver timeout, s: never reached */

struct lit_vec {
	const char	*name;
	int		family;		/* asked for */
	int		got;		/* family of the address */
	const char	*addrstr;	/* canonical text */
	const char	*addr;		/* the address bytes, if not name */
};

static const struct lit_vec lit_vecs[] = {
	{ "127.0.0.1", AF_UNSPEC, AF_INET, "127.0.0.1", NULL },
	{ "127.0.0.1", AF_INET, AF_INET, "127.0.0.1", NULL },
	{ "192.0.2.123", AF_UNSPEC, AF_INET, "192.0.2.123", NULL },
	{ "::1", AF_UNSPEC, AF_INET6, "::1", NULL },
	{ "::1", AF_INET6, AF_INET6, "::1", NULL },
	{ "2001:db8::1", AF_UNSPEC, AF_INET6, "2001:db8::1", NULL },
	{ "2001:0DB8:0000:0000:0000:0000:0000:0001", AF_UNSPEC, AF_INET6,
	    "2001:db8::1", NULL },
	{ "0:0:0:0:0:0:0:1", AF_INET6, AF_INET6, "::1", NULL },
	{ "::ffff:192.0.2.1", AF_UNSPEC, AF_INET, "192.0.2.1", "192.0.2.1" },
	{ "::ffff:192.0.2.1", AF_INET6, AF_INET6, "::ffff:192.0.2.1", NULL },
	{ "fe80::2%1", AF_UNSPEC, AF_INET6, "fe80::2%lo", "fe80::2" },
};
#define N_LIT_VECS	((int)(sizeof(lit_vecs) / sizeof(lit_vecs[0])))

/* The address bytes of a literal, parsed here with inet_pton. */
static void
assert_addr(const struct ntp_server *s, const char *text)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&s->addr;
	const struct sockaddr_in6 *sin6 =
	    (const struct sockaddr_in6 *)&s->addr;
	unsigned char want[16];

	if (s->addr.ss_family == AF_INET) {
		ck_assert_int_eq(inet_pton(AF_INET, text, want), 1);
		ck_assert_uint_eq(s->addrlen, sizeof(*sin));
		ck_assert_int_eq(ntohs(sin->sin_port), 123);
		ck_assert_int_eq(memcmp(&sin->sin_addr, want, 4), 0);
	} else {
		ck_assert_int_eq(s->addr.ss_family, AF_INET6);
		ck_assert_int_eq(inet_pton(AF_INET6, text, want), 1);
		ck_assert_uint_eq(s->addrlen, sizeof(*sin6));
		ck_assert_int_eq(ntohs(sin6->sin6_port), 123);
		ck_assert_int_eq(memcmp(&sin6->sin6_addr, want, 16), 0);
	}
}

static void
assert_fresh(const struct ntp_server *s)
{
	ck_assert_int_eq(s->reason, NTP_OK);
	ck_assert_ptr_null(s->detail);
	ck_assert_int_eq(s->best, -1);
	ck_assert_int_eq(s->nsent, 0);
	ck_assert_uint_eq(s->nsamples, 0);
}

START_TEST(test_literal_one_server)
{
	const struct lit_vec *v = &lit_vecs[_i];
	const char *names[1];
	struct ntp_server *srv = NULL;
	size_t n = 99;

	names[0] = v->name;
	ck_assert_int_eq(ntp_resolve(names, 1, v->family, WAIT, &srv, &n), 0);
	ck_assert_ptr_nonnull(srv);
	ck_assert_msg(n == 1, "%s: %zu servers", v->name, n);
	ck_assert_ptr_eq(srv[0].host, names[0]);
	ck_assert_int_eq(srv[0].addr.ss_family, v->got);
	ck_assert_str_eq(srv[0].addrstr, v->addrstr);
	assert_addr(&srv[0], v->addr != NULL ? v->addr : v->name);
	assert_fresh(&srv[0]);
	ntp_servers_free(srv, n);
}
END_TEST

/* A literal needs no resolver: it is there even with no time to wait. */
START_TEST(test_literal_at_once)
{
	const char *names[] = { "127.0.0.1", "2001:db8::1" };
	struct ntp_server *srv = NULL;
	size_t n = 0;

	ck_assert_int_eq(ntp_resolve(names, 2, AF_UNSPEC, 0.0, &srv, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(srv[0].addrstr, "127.0.0.1");
	ck_assert_str_eq(srv[1].addrstr, "2001:db8::1");
	assert_fresh(&srv[0]);
	assert_fresh(&srv[1]);
	ntp_servers_free(srv, n);
}
END_TEST

struct fam_vec {
	const char	*name;
	int		family;
};

static const struct fam_vec fam_vecs[] = {
	{ "::1", AF_INET },
	{ "2001:db8::1", AF_INET },
	{ "127.0.0.1", AF_INET6 },
};
#define N_FAM_VECS	((int)(sizeof(fam_vecs) / sizeof(fam_vecs[0])))

/* A literal of the other family: one server, NTP_R_RESOLVE, with the
 * resolver's text. */
START_TEST(test_wrong_family_fails)
{
	const struct fam_vec *v = &fam_vecs[_i];
	const char *names[1];
	struct ntp_server *srv = NULL;
	size_t n = 0;

	names[0] = v->name;
	ck_assert_int_eq(ntp_resolve(names, 1, v->family, WAIT, &srv, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_eq(srv[0].host, names[0]);
	ck_assert_int_eq(srv[0].reason, NTP_R_RESOLVE);
	ck_assert_uint_eq(srv[0].addrlen, 0);
	ck_assert_int_eq(srv[0].best, -1);
	ck_assert_ptr_nonnull(srv[0].detail);
	ck_assert_str_eq(srv[0].detail, gai_strerror(EAI_ADDRFAMILY));
	ntp_servers_free(srv, n);
}
END_TEST

/* Failures keep their place among the names. */
START_TEST(test_order_kept_with_failure)
{
	const char *names[] = { "127.0.0.2", "::1", "127.0.0.3" };
	struct ntp_server *srv = NULL;
	size_t n = 0;

	ck_assert_int_eq(ntp_resolve(names, 3, AF_INET, WAIT, &srv, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_eq(srv[0].host, names[0]);
	ck_assert_ptr_eq(srv[1].host, names[1]);
	ck_assert_ptr_eq(srv[2].host, names[2]);
	ck_assert_str_eq(srv[0].addrstr, "127.0.0.2");
	ck_assert_int_eq(srv[0].reason, NTP_OK);
	ck_assert_int_eq(srv[1].reason, NTP_R_RESOLVE);
	ck_assert_ptr_nonnull(srv[1].detail);
	ck_assert_str_eq(srv[2].addrstr, "127.0.0.3");
	ck_assert_int_eq(srv[2].reason, NTP_OK);
	ntp_servers_free(srv, n);
}
END_TEST

/* The same address twice, even spelt differently, is kept once, under
 * the name that gave it first. */
START_TEST(test_duplicates_kept_once)
{
	const char *names[] = { "127.0.0.1", "::1", "127.0.0.1",
	    "0:0:0:0:0:0:0:1", "2001:db8::1", "::1" };
	struct ntp_server *srv = NULL;
	size_t n = 0;

	ck_assert_int_eq(ntp_resolve(names, 6, AF_UNSPEC, WAIT, &srv, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_eq(srv[0].host, names[0]);
	ck_assert_str_eq(srv[0].addrstr, "127.0.0.1");
	ck_assert_ptr_eq(srv[1].host, names[1]);
	ck_assert_str_eq(srv[1].addrstr, "::1");
	ck_assert_ptr_eq(srv[2].host, names[4]);
	ck_assert_str_eq(srv[2].addrstr, "2001:db8::1");
	ntp_servers_free(srv, n);
}
END_TEST

/* A v4-mapped address is the IPv4 one: one server, asked over IPv4
 * (which also works on a host without IPv6), in either order. */
START_TEST(test_mapped_is_duplicate)
{
	const char *names[] = { "192.0.2.1", "::ffff:192.0.2.1",
	    "::ffff:192.0.2.9", "192.0.2.9" };
	struct ntp_server *srv = NULL;
	size_t n = 0;

	ck_assert_int_eq(ntp_resolve(names, 4, AF_UNSPEC, WAIT, &srv, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(srv[0].addr.ss_family, AF_INET);
	ck_assert_ptr_eq(srv[0].host, names[0]);
	ck_assert_str_eq(srv[0].addrstr, "192.0.2.1");
	ck_assert_int_eq(srv[1].addr.ss_family, AF_INET);
	ck_assert_uint_eq(srv[1].addrlen, sizeof(struct sockaddr_in));
	ck_assert_ptr_eq(srv[1].host, names[2]);
	ck_assert_str_eq(srv[1].addrstr, "192.0.2.9");
	ntp_servers_free(srv, n);
}
END_TEST

/* Link-local: the same address on two interfaces is two servers, each
 * named with its scope; the same scope twice is one.  Interfaces by
 * number (1 is lo in any network namespace) so no name lookup is needed. */
START_TEST(test_scopes_are_distinct)
{
	const char *names[] = { "fe80::2%1", "fe80::2%2", "fe80::2%lo",
	    "fe80::2" };
	struct ntp_server *srv = NULL;
	size_t n = 0;

	ck_assert_int_eq(ntp_resolve(names, 4, AF_UNSPEC, WAIT, &srv, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(srv[0].addrstr, "fe80::2%lo");
	ck_assert_uint_eq(((struct sockaddr_in6 *)&srv[0].addr)->sin6_scope_id,
	    1);
	ck_assert_uint_eq(((struct sockaddr_in6 *)&srv[1].addr)->sin6_scope_id,
	    2);
	ck_assert_ptr_eq(srv[2].host, names[3]);
	ck_assert_str_eq(srv[2].addrstr, "fe80::2");
	ntp_servers_free(srv, n);
}
END_TEST

/* 50 000 distinct literals and each again: every duplicate merged, order
 * kept.  How fast (the old pairwise check took 7 s of CPU for this) is
 * the benchmark's scale50k scenario, not a timed test. */
START_TEST(test_many_duplicates_merged)
{
	enum { N = 50000 };
	static char text[2 * N][24];
	static const char *names[2 * N];
	struct ntp_server *srv = NULL;
	size_t n = 0, i;

	for (i = 0; i < 2 * N; i++) {
		snprintf(text[i], sizeof(text[i]), i % 2 ? "::ffff:127.%zu.%zu.%zu"
		    : "127.%zu.%zu.%zu", 1 + (i / 2) / 65536,
		    ((i / 2) / 256) % 256, (i / 2) % 256);
		names[i] = text[i];
	}
	ck_assert_int_eq(ntp_resolve(names, 2 * N, AF_UNSPEC, WAIT, &srv, &n),
	    0);
	ck_assert_uint_eq(n, N);
	for (i = 0; i < N; i++)
		ck_assert_ptr_eq(srv[i].host, names[2 * i]);
	ntp_servers_free(srv, n);
}
END_TEST

START_TEST(test_no_names)
{
	struct ntp_server *srv = NULL;
	size_t n = 99;

	ck_assert_int_eq(ntp_resolve(NULL, 0, AF_UNSPEC, WAIT, &srv, &n), 0);
	ck_assert_uint_eq(n, 0);
	ntp_servers_free(srv, n);
	ntp_servers_free(NULL, 0);
}
END_TEST

static Suite *
resolve_suite(void)
{
	Suite *s = suite_create("ntp_resolve");
	TCase *tc = tcase_create("resolve");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_literal_one_server, 0, N_LIT_VECS);
	tcase_add_test(tc, test_literal_at_once);
	tcase_add_loop_test(tc, test_wrong_family_fails, 0, N_FAM_VECS);
	tcase_add_test(tc, test_order_kept_with_failure);
	tcase_add_test(tc, test_duplicates_kept_once);
	tcase_add_test(tc, test_mapped_is_duplicate);
	tcase_add_test(tc, test_scopes_are_distinct);
	tcase_add_test(tc, test_many_duplicates_merged);
	tcase_add_test(tc, test_no_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(resolve_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
