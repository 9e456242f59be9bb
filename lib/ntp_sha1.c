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
sha1_block(void *ctx, const uint8_t *blk)
{
	struct ntp_sha1 *c = ctx;
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
	ntp_mdbuf_update(&c->b, data, len, sha1_block, c);
}

void
ntp_sha1_final(struct ntp_sha1 *c, uint8_t out[NTP_SHA1_LEN])
{
	size_t i;

	ntp_mdbuf_pad(&c->b, 1, sha1_block, c);
	for (i = 0; i < 20; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
	explicit_bzero(c, sizeof(*c));
}
