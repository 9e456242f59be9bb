/*
 * NTS-KE records (RFC 8915 §4), byte by byte, and one exchange through
 * the TLS ops.  Each record: a critical bit and 15-bit type, a 16-bit body
 * length, the body.
 */
#include <stdio.h>
#include <string.h>

#include "nts_ke.h"

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static size_t
put_rec(uint8_t *p, uint16_t type, const uint16_t *body, size_t nbody)
{
	size_t i;

	p[0] = (uint8_t)(type >> 8);
	p[1] = (uint8_t)type;
	p[2] = (uint8_t)((nbody * 2) >> 8);
	p[3] = (uint8_t)(nbody * 2);
	for (i = 0; i < nbody; i++) {
		p[4 + 2 * i] = (uint8_t)(body[i] >> 8);
		p[5 + 2 * i] = (uint8_t)body[i];
	}
	return 4 + 2 * nbody;
}

int
nts_ke_request(uint8_t *buf, size_t cap)
{
	const uint16_t proto = NTS_PROTO_NTPV4, aead = NTS_AEAD_SIV_CMAC_256;
	size_t n = 0;

	if (cap < 16)
		return -1;
	n += put_rec(buf + n, NTS_REC_CRITICAL | NTS_REC_NEXTPROTO, &proto, 1);
	n += put_rec(buf + n, NTS_REC_CRITICAL | NTS_REC_AEAD, &aead, 1);
	n += put_rec(buf + n, NTS_REC_CRITICAL | NTS_REC_EOM, NULL, 0);
	return (int)n;
}

/* A list of 16-bit ids in which the server names its one choice. */
static int
rec_choice(const uint8_t *body, size_t blen, int *out)
{
	if (*out != -1)
		return NTS_KE_DUPLICATE;
	if (blen != 0 && blen != 2)
		return NTS_KE_BAD_LENGTH;
	*out = blen == 0 ? -2 : be16(body);	/* -2: "none of yours" */
	return NTS_KE_OK;
}

static int
rec_code(const uint8_t *body, size_t blen, int *out)
{
	if (blen != 2)
		return NTS_KE_BAD_LENGTH;
	*out = be16(body);
	return NTS_KE_OK;
}

static int
rec_cookie(const uint8_t *body, size_t blen, struct nts_ke_reply *r)
{
	if (blen == 0 || blen > NTS_COOKIE_MAXLEN)
		return NTS_KE_BAD_LENGTH;
	if (r->ncookies == NTS_MAXCOOKIES)
		return NTS_KE_OK;	/* more than we need: ignored */
	memcpy(r->cookie[r->ncookies], body, blen);
	r->cookie_len[r->ncookies++] = blen;
	return NTS_KE_OK;
}

/* A host name or an address literal: letters, digits, - . : and no more. */
static int
rec_server(const uint8_t *body, size_t blen, struct nts_ke_reply *r)
{
	size_t i;
	uint8_t c;

	if (r->server[0] != '\0')
		return NTS_KE_DUPLICATE;
	if (blen == 0 || blen >= sizeof(r->server))
		return NTS_KE_BAD_LENGTH;
	for (i = 0; i < blen; i++) {
		c = body[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == ':'))
			return NTS_KE_BAD_SERVER;
	}
	memcpy(r->server, body, blen);
	r->server[blen] = '\0';
	return NTS_KE_OK;
}

static int
rec_port(const uint8_t *body, size_t blen, struct nts_ke_reply *r)
{
	if (r->port != 0)
		return NTS_KE_DUPLICATE;
	if (blen != 2)
		return NTS_KE_BAD_LENGTH;
	r->port = be16(body);
	return r->port == 0 ? NTS_KE_BAD_LENGTH : NTS_KE_OK;
}

/* Records whose critical bit RFC 8915 §4.1 says MUST be set. */
static int
must_be_critical(int type)
{
	return type == NTS_REC_EOM || type == NTS_REC_NEXTPROTO ||
	    type == NTS_REC_ERROR || type == NTS_REC_WARNING;
}

static int
one_record(int type, int crit, const uint8_t *body, size_t blen,
    struct nts_ke_reply *r)
{
	if (must_be_critical(type) && !crit)
		return NTS_KE_NOT_CRITICAL;
	switch (type) {
	case NTS_REC_EOM:
		return NTS_KE_OK;
	case NTS_REC_NEXTPROTO:
		return rec_choice(body, blen, &r->nextproto);
	case NTS_REC_ERROR:
		return rec_code(body, blen, &r->error);
	case NTS_REC_WARNING:
		return rec_code(body, blen, &r->warning);
	case NTS_REC_AEAD:
		return rec_choice(body, blen, &r->aead);
	case NTS_REC_COOKIE:
		return rec_cookie(body, blen, r);
	case NTS_REC_SERVER:
		return rec_server(body, blen, r);
	case NTS_REC_PORT:
		return rec_port(body, blen, r);
	default:
		return crit ? NTS_KE_CRITICAL : NTS_KE_OK;
	}
}

/* After End of Message: is what the server said enough, and ours? */
static int
judge(const struct nts_ke_reply *r)
{
	if (r->error != -1)
		return NTS_KE_ERROR_REC;
	if (r->warning != -1)
		return NTS_KE_WARNING_REC;	/* none defined: unknown */
	if (r->nextproto != NTS_PROTO_NTPV4)
		return NTS_KE_NO_PROTO;
	if (r->aead != NTS_AEAD_SIV_CMAC_256)
		return NTS_KE_NO_AEAD;
	if (r->ncookies == 0)
		return NTS_KE_NO_COOKIES;
	return NTS_KE_OK;
}

int
nts_ke_parse(const uint8_t *buf, size_t len, struct nts_ke_reply *r)
{
	size_t off = 0, blen;
	int type, crit, e;

	memset(r, 0, sizeof(*r));
	r->nextproto = r->aead = r->error = r->warning = -1;
	while (len - off >= 4) {
		type = be16(buf + off) & 0x7fff;
		crit = (buf[off] & 0x80) != 0;
		blen = be16(buf + off + 2);
		if (blen > len - off - 4)
			break;
		if (type == NTS_REC_EOM && blen != 0)
			return NTS_KE_BAD_LENGTH;
		if ((e = one_record(type, crit, buf + off + 4, blen, r)) != 0)
			return e;
		off += 4 + blen;
		if (type == NTS_REC_EOM) {
			r->len = off;
			return off != len ? NTS_KE_TRAILING : judge(r);
		}
	}
	return len > NTS_KE_MAXMSG ? NTS_KE_TOO_LONG : NTS_KE_INCOMPLETE;
}

static const char *const ke_text[NTS_KE_MAX] = {
	[NTS_KE_OK] = "success",
	[NTS_KE_INCOMPLETE] = "reply incomplete",
	[NTS_KE_TRUNCATED] = "the server closed the connection before "
	    "End of Message",
	[NTS_KE_TOO_LONG] = "reply too long",
	[NTS_KE_BAD_LENGTH] = "malformed record (wrong length)",
	[NTS_KE_CRITICAL] = "unknown critical record",
	[NTS_KE_NOT_CRITICAL] = "record without its required critical bit",
	[NTS_KE_DUPLICATE] = "record repeated",
	[NTS_KE_TRAILING] = "bytes after End of Message",
	[NTS_KE_ERROR_REC] = "the server sent an error record",
	[NTS_KE_WARNING_REC] = "the server sent a warning record",
	[NTS_KE_NO_PROTO] = "the server does not offer NTPv4",
	[NTS_KE_NO_AEAD] = "no common AEAD algorithm "
	    "(AEAD_AES_SIV_CMAC_256 refused)",
	[NTS_KE_NO_COOKIES] = "the server sent no cookies",
	[NTS_KE_BAD_SERVER] = "malformed NTPv4 server name",
	[NTS_KE_CONNECT] = "cannot connect",
	[NTS_KE_TLS] = "TLS error",
	[NTS_KE_CERT] = "certificate not trusted",
	[NTS_KE_CERT_NAME] = "certificate name mismatch",
	[NTS_KE_CERT_TIME] = "certificate expired or not yet valid",
	[NTS_KE_ALPN] = "the server did not agree to ALPN ntske/1",
	[NTS_KE_EXPORT] = "TLS key export failed",
	[NTS_KE_NOMEM] = "out of memory",
};

const char *
nts_ke_strerror(int err)
{
	if (err < 0 || err >= NTS_KE_MAX || ke_text[err] == NULL)
		return "unknown NTS-KE error";
	return ke_text[err];
}

const char *
nts_ke_error_name(int code)
{
	switch (code) {
	case 0:
		return "unrecognized critical record";
	case 1:
		return "bad request";
	case 2:
		return "internal server error";
	default:
		return "unknown error code";
	}
}

/* The reply's verdict in words, with the codes the server sent. */
static void
describe(int e, const struct nts_ke_reply *r, char *buf, size_t len)
{
	if (e == NTS_KE_ERROR_REC)
		snprintf(buf, len, "%s %d (%s)", nts_ke_strerror(e), r->error,
		    nts_ke_error_name(r->error));
	else if (e == NTS_KE_WARNING_REC)
		snprintf(buf, len, "%s %d", nts_ke_strerror(e), r->warning);
	else
		snprintf(buf, len, "%s", nts_ke_strerror(e));
}

/* Read until the records end, the stream ends, or something is wrong. */
static int
read_reply(const struct nts_tls_ops *ops, void *conn,
    struct nts_ke_result *res, uint8_t *buf, size_t cap)
{
	size_t len = 0;
	ssize_t got;
	int e = NTS_KE_INCOMPLETE;

	while (e == NTS_KE_INCOMPLETE) {
		if (len == cap)
			return NTS_KE_TOO_LONG;
		got = ops->recv(conn, buf + len, cap - len, res->detail,
		    sizeof(res->detail));
		if (got < 0)
			return NTS_KE_TLS;
		if (got == 0)
			return NTS_KE_TRUNCATED;
		len += (size_t)got;
		e = nts_ke_parse(buf, len, &res->reply);
	}
	return e;
}

static int
talk(const struct nts_tls_ops *ops, void *conn, struct nts_ke_result *res)
{
	uint8_t req[64], buf[NTS_KE_MAXMSG];
	int n, e;

	n = nts_ke_request(req, sizeof(req));
	if (ops->send(conn, req, (size_t)n, res->detail,
	    sizeof(res->detail)) != n)
		return NTS_KE_TLS;
	e = read_reply(ops, conn, res, buf, sizeof(buf));
	if (e != NTS_KE_TLS)
		describe(e, &res->reply, res->detail, sizeof(res->detail));
	if (e == NTS_KE_OK && ops->export(conn, res->c2s, res->s2c) != 0) {
		e = NTS_KE_EXPORT;
		describe(e, &res->reply, res->detail, sizeof(res->detail));
	}
	return e;
}

int
nts_ke_exchange(const struct nts_tls_ops *ops,
    const struct nts_tls_params *p, struct nts_ke_result *res)
{
	void *conn;
	int e;

	memset(res, 0, sizeof(*res));
	if ((conn = ops->open(ops->ctx, p, &e, res->detail,
	    sizeof(res->detail))) == NULL)
		return e != NTS_KE_OK ? e : NTS_KE_TLS;
	e = talk(ops, conn, res);
	ops->close(conn);
	return e;
}

int
nts_cert_time_check(int64_t now, int64_t build, int64_t not_before,
    int64_t not_after)
{
	if (now < build)
		return not_after >= build ? NTS_KE_OK : NTS_KE_CERT_TIME;
	if (now < not_before || now > not_after)
		return NTS_KE_CERT_TIME;
	return NTS_KE_OK;
}
