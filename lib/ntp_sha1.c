/*
 * SHA-1 as FIPS 180-4 §6.1.2 describes it, written from the standard:
 * an 80-word schedule over big-endian words, four 20-step rounds.
 */
#include <string.h>

#include "ntp_sha1.h"

static uint32_t
rotl(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t
be32get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* f_t and K_t of FIPS 180-4 §4.1.1 and §4.2.1. */
static uint32_t
sha1_f(unsigned int t, uint32_t b, uint32_t c, uint32_t d, uint32_t *k)
{
	switch (t / 20) {
	case 0:
		*k = 0x5a827999;
		return (b & c) ^ (~b & d);
	case 1:
		*k = 0x6ed9eba1;
		return b ^ c ^ d;
	case 2:
		*k = 0x8f1bbcdc;
		return (b & c) ^ (b & d) ^ (c & d);
	default:
		*k = 0xca62c1d6;
		return b ^ c ^ d;
	}
}

static void
sha1_block(struct ntp_sha1 *c, const uint8_t *blk)
{
	uint32_t w[80], a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
	uint32_t e = c->h[4], f, k, t;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = be32get(blk + 4 * i);
	for (i = 16; i < 80; i++)
		w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		f = sha1_f(i, b, cc, d, &k);
		t = rotl(a, 5) + f + e + k + w[i];
		e = d;
		d = cc;
		cc = rotl(b, 30);
		b = a;
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
	memset(w, 0, sizeof(w));
}

void
ntp_sha1_init(struct ntp_sha1 *c)
{
	memset(c, 0, sizeof(*c));
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->h[4] = 0xc3d2e1f0;
}

void
ntp_sha1_update(struct ntp_sha1 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t k;

	c->len += len;
	while (len > 0) {
		k = sizeof(c->buf) - c->n;
		if (k > len)
			k = len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == sizeof(c->buf)) {
			sha1_block(c, c->buf);
			c->n = 0;
		}
	}
}

void
ntp_sha1_final(struct ntp_sha1 *c, uint8_t out[NTP_SHA1_LEN])
{
	uint64_t bits = c->len * 8;
	uint8_t pad[72];
	size_t padlen = (c->n < 56 ? 56 : 120) - c->n, i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	ntp_sha1_update(c, pad, padlen + 8);
	for (i = 0; i < 20; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
	explicit_bzero(c, sizeof(*c));
}
