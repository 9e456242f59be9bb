/*
 * NTS extension fields (RFC 8915 §5.3-5.7): type (16 bits), length of
 * the whole field (16 bits, a multiple of 4), body.
 */
#include <string.h>

#include "nts_ef.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"

#define AEAD_TAGLEN	16	/* the SIV that starts the ciphertext */

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
nts_ef_put(uint8_t *buf, size_t cap, size_t off, uint16_t type,
    const uint8_t *body, size_t blen)
{
	size_t flen = 4 + pad4(blen);

	if (flen < NTS_EF_MINLEN)
		flen = NTS_EF_MINLEN;
	if (off > cap || flen > cap - off || flen > 0xffff)
		return 0;
	put16(buf + off, type);
	put16(buf + off + 2, flen);
	memset(buf + off + 4, 0, flen - 4);
	if (body != NULL)
		memcpy(buf + off + 4, body, blen);
	return off + flen;
}

size_t
nts_ef_put_auth(uint8_t *buf, size_t cap, size_t off, const uint8_t *nonce,
    size_t nlen, const uint8_t *ct, size_t ctlen)
{
	size_t flen = 8 + pad4(nlen) + pad4(ctlen), p;

	if (flen < NTS_EF_MINLEN)
		flen = NTS_EF_MINLEN;
	if (off > cap || flen > cap - off || flen > 0xffff)
		return 0;
	memset(buf + off, 0, flen);
	put16(buf + off, NTS_EF_AUTH);
	put16(buf + off + 2, flen);
	put16(buf + off + 4, nlen);
	put16(buf + off + 6, ctlen);
	p = off + 8;
	memcpy(buf + p, nonce, nlen);
	memcpy(buf + p + pad4(nlen), ct, ctlen);
	return off + flen;
}

int
nts_ef_next(const uint8_t *buf, size_t len, size_t *off, uint16_t *type,
    const uint8_t **body, size_t *blen)
{
	size_t rest, flen;

	if (*off >= len)
		return 0;
	rest = len - *off;
	if (rest < 4)
		return -1;
	flen = be16(buf + *off + 2);
	if (flen < NTS_EF_MINLEN || flen % 4 != 0 || flen > rest)
		return -1;
	*type = be16(buf + *off);
	*body = buf + *off + 4;
	*blen = flen - 4;
	*off += flen;
	return 1;
}

/* The Authenticator's body: lengths, nonce, ciphertext (§5.6). */
static int
parse_auth(const uint8_t *body, size_t blen, struct nts_ef_reply *r)
{
	size_t nlen, ctlen;

	if (blen < 4)
		return NTP_R_NTS_AUTH;
	nlen = be16(body);
	ctlen = be16(body + 2);
	if (nlen == 0 || ctlen < AEAD_TAGLEN ||
	    4 + pad4(nlen) + pad4(ctlen) > blen)
		return NTP_R_NTS_AUTH;
	r->nonce = body + 4;
	r->nonce_len = nlen;
	r->ct = body + 4 + pad4(nlen);
	r->ct_len = ctlen;
	return 0;
}

int
nts_ef_parse(const uint8_t *buf, size_t len, struct nts_ef_reply *r)
{
	size_t off = NTP_HEADER_LEN, start, blen;
	const uint8_t *body;
	uint16_t type;
	int k;

	memset(r, 0, sizeof(*r));
	if (len < NTP_HEADER_LEN)
		return NTP_R_SHORT;
	for (start = off; (k = nts_ef_next(buf, len, &off, &type, &body,
	    &blen)) == 1; start = off) {
		if (type == NTS_EF_UID) {
			if (r->uid != NULL)
				return NTP_R_NTS_UID;
			r->uid = body;
			r->uid_len = blen;
		} else if (type == NTS_EF_AUTH) {
			r->auth_off = start;
			if ((k = parse_auth(body, blen, r)) != 0)
				return k;
			break;
		}
	}
	if (k < 0)
		return NTP_R_LAYOUT;
	if (r->uid == NULL)
		return NTP_R_NTS_UID;
	return r->ct == NULL ? NTP_R_NTS_AUTH : 0;
}
