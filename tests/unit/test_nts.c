/*
 * Unit tests for lib/nts.c (NTS=1 builds): host[:port] splitting, NTS-KE
 * through fake TLS ops (negotiation moves the server; failures name
 * why), and the engine's auth ops: the request's fields and
 * authenticator, and which replies are believed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nts.h"
#include "nts_aead.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

START_TEST(test_split_host)
{
	static const struct {
		const char *arg, *host;
		int port, ok;
	} t[] = {
		{ "ntp.test", "ntp.test", 4460, 0 },
		{ "ntp.test:4461", "ntp.test", 4461, 0 },
		{ "127.0.0.1:1", "127.0.0.1", 1, 0 },
		{ "::1", "::1", 4460, 0 },
		{ "[::1]", "::1", 4460, 0 },
		{ "[::1]:4470", "::1", 4470, 0 },
		{ "ntp.test:", NULL, 0, -1 },
		{ "ntp.test:0", NULL, 0, -1 },
		{ "ntp.test:65536", NULL, 0, -1 },
		{ "ntp.test:x1", NULL, 0, -1 },
		{ "[::1]4460", NULL, 0, -1 },
		{ "[::1", NULL, 0, -1 },
		{ ":123", NULL, 0, -1 },
	};
	char host[64];
	size_t i;
	int port;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(nts_split_host(t[i].arg, host, sizeof(host),
		    &port) == t[i].ok, "%s", t[i].arg);
		if (t[i].ok == 0) {
			ck_assert_str_eq(host, t[i].host);
			ck_assert_int_eq(port, t[i].port);
		}
	}
}
END_TEST

/* Fake TLS: one canned NTS-KE reply; known keys. */
struct fake {
	int		open_err;
	int		port_seen;
	uint8_t		reply[512];
	size_t		len, pos;
};

static void *
f_open(void *ctx, const struct nts_tls_params *p, int *err, char *eb,
    size_t el)
{
	struct fake *f = ctx;

	f->port_seen = ntohs(((const struct sockaddr_in *)p->addr)->sin_port);
	if (f->open_err) {
		*err = f->open_err;
		snprintf(eb, el, "fake issuer is unknown");
		return NULL;
	}
	f->pos = 0;
	return f;
}

static ssize_t
f_send(void *c, const uint8_t *b, size_t n, char *eb, size_t el)
{
	(void)c;
	(void)b;
	(void)eb;
	(void)el;
	return (ssize_t)n;
}

static ssize_t
f_recv(void *c, uint8_t *b, size_t n, char *eb, size_t el)
{
	struct fake *f = c;
	size_t k = f->len - f->pos < n ? f->len - f->pos : n;

	(void)eb;
	(void)el;
	memcpy(b, f->reply + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static const uint8_t C2S[32] = { 0xc2, 1, 2, 3 }, S2C[32] = { 0x2c, 3, 2 };

static int
f_export(void *c, uint8_t c2s[NTS_KEYLEN], uint8_t s2c[NTS_KEYLEN])
{
	(void)c;
	memcpy(c2s, C2S, 32);
	memcpy(s2c, S2C, 32);
	return 0;
}

static void
f_close(void *c)
{
	(void)c;
}

static void
rec(struct fake *f, unsigned type, const void *body, size_t blen)
{
	uint8_t *p = f->reply + f->len;

	p[0] = (uint8_t)(type >> 8);
	p[1] = (uint8_t)type;
	p[2] = (uint8_t)(blen >> 8);
	p[3] = (uint8_t)blen;
	if (blen > 0)
		memcpy(p + 4, body, blen);
	f->len += 4 + blen;
}

#define COOKIE_LEN	100

/* NTPv4, AES-SIV, two cookies (all 0x01, all 0x02), and optionally the
 * NTP server 127.0.0.9 port 1123. */
static void
fake_reply(struct fake *f, int negotiate)
{
	static const uint8_t proto[2] = { 0, 0 }, aead[2] = { 0, 15 };
	static const uint8_t port[2] = { 0x04, 0x63 };
	uint8_t cookie[COOKIE_LEN];

	memset(f, 0, sizeof(*f));
	rec(f, 0x8001, proto, 2);
	rec(f, 0x8004, aead, 2);
	memset(cookie, 1, sizeof(cookie));
	rec(f, 5, cookie, sizeof(cookie));
	memset(cookie, 2, sizeof(cookie));
	rec(f, 5, cookie, sizeof(cookie));
	if (negotiate) {
		rec(f, 6, "127.0.0.9", 9);
		rec(f, 7, port, 2);
	}
	rec(f, 0x8000, NULL, 0);
}

struct env {
	struct fake	f;
	struct nts_tls_ops ops;
	struct nts	nts;
	struct ntp_server srv;
};

static void
setup_env(struct env *e, const char *arg, int negotiate, int open_err)
{
	const char *bad;
	struct sockaddr_in *sin = (struct sockaddr_in *)&e->srv.addr;

	memset(e, 0, sizeof(*e));
	fake_reply(&e->f, negotiate);
	e->f.open_err = open_err;
	e->ops = (struct nts_tls_ops){ f_open, f_send, f_recv, f_export,
	    f_close, &e->f };
	ck_assert_int_eq(nts_init(&e->nts, &e->ops, NULL, 1.0, &arg, 1,
	    &bad), 0);
	e->srv.host = e->nts.names[0];
	sin->sin_family = AF_INET;
	sin->sin_port = htons(123);
	sin->sin_addr.s_addr = htonl(0x7f000001);
	e->srv.addrlen = sizeof(*sin);
	strcpy(e->srv.addrstr, "127.0.0.1");
	e->srv.reason = NTP_OK;
	ck_assert_int_eq(nts_establish(&e->nts, &e->srv, 1), 0);
}

START_TEST(test_establish_follows_negotiation)
{
	struct env e;
	const struct sockaddr_in *sin = (struct sockaddr_in *)&e.srv.addr;

	setup_env(&e, "127.0.0.1:4470", 1, 0);
	ck_assert_int_eq(e.f.port_seen, 4470);
	ck_assert_int_eq(e.srv.reason, NTP_OK);
	ck_assert_str_eq(e.srv.addrstr, "127.0.0.9");
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), 0x7f000009);
	ck_assert_int_eq(ntohs(sin->sin_port), 1123);
	ck_assert_uint_eq(e.nts.peer[0].ncookies, 2);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_establish_default_ports)
{
	struct env e;
	const struct sockaddr_in *sin = (struct sockaddr_in *)&e.srv.addr;

	setup_env(&e, "127.0.0.1", 0, 0);
	ck_assert_int_eq(e.f.port_seen, 4460);
	ck_assert_str_eq(e.srv.addrstr, "127.0.0.1");
	ck_assert_int_eq(ntohs(sin->sin_port), 123);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_establish_failure_says_why)
{
	struct env e;
	const struct ntp_auth_ops *a;
	uint8_t buf[NTP_PKT_MAXLEN];
	int reason = 0;

	setup_env(&e, "127.0.0.1", 0, NTS_KE_CERT);
	ck_assert_int_eq(e.srv.reason, NTP_R_NTS_KE);
	ck_assert_str_eq(e.srv.detail,
	    "certificate not trusted: fake issuer is unknown");
	/* Never a fallback: no request can be signed for it. */
	a = nts_auth(&e.nts);
	ck_assert_int_eq(a->sign(a->ctx, 0, buf, 48, sizeof(buf), &reason),
	    -1);
	ck_assert_int_eq(reason, NTP_R_NTS_KE);
	nts_free(&e.nts);
}
END_TEST

/* Sign a request; check its fields; return its length. */
static size_t
signed_request(struct env *e, uint8_t *buf)
{
	const struct ntp_auth_ops *a = nts_auth(&e->nts);
	int reason = 0, n;

	memset(buf, 0, 48);
	buf[0] = 0x23;
	n = a->sign(a->ctx, 0, buf, 48, NTP_PKT_MAXLEN, &reason);
	ck_assert_int_gt(n, 48);
	return (size_t)n;
}

START_TEST(test_request_fields)
{
	struct env e;
	uint8_t buf[NTP_PKT_MAXLEN], pt[16];
	size_t n, off, k = 0;

	setup_env(&e, "127.0.0.1", 0, 0);
	n = signed_request(&e, buf);
	ck_assert_uint_eq(be16(buf + 48), NTS_EF_UID);
	ck_assert_uint_eq(be16(buf + 50), 36);
	ck_assert_mem_eq(buf + 52, e.nts.peer[0].uid, 32);
	off = 84;
	ck_assert_uint_eq(be16(buf + off), NTS_EF_COOKIE);
	ck_assert_uint_eq(be16(buf + off + 2), 4 + COOKIE_LEN);
	ck_assert_int_eq(buf[off + 4], 2);	/* the last cookie first */
	ck_assert_uint_eq(e.nts.peer[0].ncookies, 1);
	for (off += 4 + COOKIE_LEN; be16(buf + off) == NTS_EF_PLACEHOLDER;
	    off += 4 + COOKIE_LEN, k++)
		ck_assert_uint_eq(be16(buf + off + 2), 4 + COOKIE_LEN);
	/* Refill to 8 cookies: 1 kept + 1 in the reply's own + k. */
	ck_assert_uint_eq(k, 6);
	ck_assert_uint_eq(be16(buf + off), NTS_EF_AUTH);
	ck_assert_uint_eq(be16(buf + off + 4), NTS_NONCE_LEN);
	ck_assert_uint_eq(be16(buf + off + 6), 16);
	ck_assert_uint_eq(n, off + 8 + 16 + 16);
	/* The authenticator covers everything before it, with C2S. */
	ck_assert_int_eq(nts_aead_open(C2S, buf + off + 8, 16, buf, off,
	    buf + off + 24, 16, pt, sizeof(pt)), 0);
	ck_assert_int_eq(nts_aead_open(S2C, buf + off + 8, 16, buf, off,
	    buf + off + 24, 16, pt, sizeof(pt)), -1);
	nts_free(&e.nts);
}
END_TEST

/* A server's reply to req: UID echoed, a new cookie (0x33) encrypted
 * with key; stratum/refid as given. */
static size_t
server_reply(const uint8_t *req, const uint8_t *key, int stratum,
    const char *refid, int with_auth, uint8_t *buf)
{
	uint8_t pt[128], ct[160], nonce[16], cookie[COOKIE_LEN];
	size_t off, ptl;
	int ctl;

	memset(buf, 0, 48);
	buf[0] = 0x24;
	buf[1] = (uint8_t)stratum;
	memcpy(buf + 12, refid, 4);
	memcpy(buf + 24, req + 40, 8);
	off = nts_ef_put(buf, NTP_PKT_MAXLEN, 48, NTS_EF_UID, req + 52, 32);
	if (!with_auth)
		return off;
	memset(cookie, 0x33, sizeof(cookie));
	ptl = nts_ef_put(pt, sizeof(pt), 0, NTS_EF_COOKIE, cookie,
	    sizeof(cookie));
	memset(nonce, 0x44, sizeof(nonce));
	ctl = nts_aead_seal(key, nonce, 16, buf, off, pt, ptl, ct,
	    sizeof(ct));
	ck_assert_int_gt(ctl, 0);
	return nts_ef_put_auth(buf, NTP_PKT_MAXLEN, off, nonce, 16, ct,
	    (size_t)ctl);
}

static int
verify(struct env *e, const uint8_t *buf, size_t len)
{
	const struct ntp_auth_ops *a = nts_auth(&e->nts);
	struct ntp_pkt p;

	ck_assert_int_eq(ntp_pkt_decode(buf, len, &p), 0);
	return a->verify(a->ctx, 0, buf, len, &p);
}

START_TEST(test_authentic_reply_gives_a_cookie)
{
	struct env e;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	n = server_reply(req, S2C, 2, "GPS\0", 1, rep);
	ck_assert_int_eq(verify(&e, rep, n), 0);
	ck_assert_uint_eq(e.nts.peer[0].ncookies, 2);
	ck_assert_int_eq(e.nts.peer[0].cookie[1][0], 0x33);
	/* The next request uses it. */
	signed_request(&e, req);
	ck_assert_int_eq(req[84 + 4], 0x33);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_reply_with_wrong_key_refused)
{
	struct env e;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	n = server_reply(req, C2S, 2, "GPS\0", 1, rep);
	ck_assert_int_eq(verify(&e, rep, n), NTP_R_NTS_AUTH);
	ck_assert_uint_eq(e.nts.peer[0].ncookies, 1);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_reply_tampered_header_refused)
{
	struct env e;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	n = server_reply(req, S2C, 2, "GPS\0", 1, rep);
	rep[40] ^= 1;	/* the transmit timestamp */
	ck_assert_int_eq(verify(&e, rep, n), NTP_R_NTS_AUTH);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_reply_with_other_uid_refused)
{
	struct env e;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	req[60] ^= 0xff;
	n = server_reply(req, S2C, 2, "GPS\0", 1, rep);
	ck_assert_int_eq(verify(&e, rep, n), NTP_R_NTS_UID);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_reply_without_authenticator_refused)
{
	struct env e;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	n = server_reply(req, S2C, 2, "GPS\0", 0, rep);
	ck_assert_int_eq(verify(&e, rep, n), NTP_R_NTS_AUTH);
	ck_assert_int_eq(verify(&e, rep, 48), NTP_R_NTS_UID);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_ntsn_reported_and_final)
{
	struct env e;
	const struct ntp_auth_ops *a;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;
	int reason = 0;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	n = server_reply(req, S2C, 0, "NTSN", 0, rep);
	ck_assert_int_eq(verify(&e, rep, n), NTP_R_NTS_NAK);
	a = nts_auth(&e.nts);
	ck_assert_int_eq(a->sign(a->ctx, 0, req, 48, sizeof(req), &reason),
	    -1);
	ck_assert_int_eq(reason, NTP_R_NTS_NAK);
	nts_free(&e.nts);
}
END_TEST

/* An NTSN that does not echo our identifier is anyone's forgery. */
START_TEST(test_ntsn_with_other_uid_ignored)
{
	struct env e;
	uint8_t req[NTP_PKT_MAXLEN], rep[NTP_PKT_MAXLEN];
	size_t n;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	req[52] ^= 1;
	n = server_reply(req, S2C, 0, "NTSN", 0, rep);
	ck_assert_int_eq(verify(&e, rep, n), NTP_R_NTS_UID);
	ck_assert_int_eq(e.nts.peer[0].nak, 0);
	nts_free(&e.nts);
}
END_TEST

START_TEST(test_no_cookies_left)
{
	struct env e;
	const struct ntp_auth_ops *a;
	uint8_t req[NTP_PKT_MAXLEN];
	int reason = 0;

	setup_env(&e, "127.0.0.1", 0, 0);
	signed_request(&e, req);
	signed_request(&e, req);
	a = nts_auth(&e.nts);
	ck_assert_int_eq(a->sign(a->ctx, 0, req, 48, sizeof(req), &reason),
	    -1);
	ck_assert_int_eq(reason, NTP_R_NTS_KE);
	ck_assert_str_eq(e.srv.detail, "no cookies left");
	nts_free(&e.nts);
}
END_TEST

static Suite *
nts_suite(void)
{
	Suite *s = suite_create("nts");
	TCase *tc = tcase_create("nts");

	tcase_add_test(tc, test_split_host);
	tcase_add_test(tc, test_establish_follows_negotiation);
	tcase_add_test(tc, test_establish_default_ports);
	tcase_add_test(tc, test_establish_failure_says_why);
	tcase_add_test(tc, test_request_fields);
	tcase_add_test(tc, test_authentic_reply_gives_a_cookie);
	tcase_add_test(tc, test_reply_with_wrong_key_refused);
	tcase_add_test(tc, test_reply_tampered_header_refused);
	tcase_add_test(tc, test_reply_with_other_uid_refused);
	tcase_add_test(tc, test_reply_without_authenticator_refused);
	tcase_add_test(tc, test_ntsn_reported_and_final);
	tcase_add_test(tc, test_ntsn_with_other_uid_ignored);
	tcase_add_test(tc, test_no_cookies_left);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
