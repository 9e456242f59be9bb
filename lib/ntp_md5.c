/*
 * MD5 as RFC 1321 §3 describes it, written from the RFC: 64 steps over
 * little-endian words, sines as constants, rotations per round.
 */
#include <string.h>

#include "ntp_md5.h"

/* T[i] = floor(2^32 * abs(sin(i + 1))), RFC 1321 §3.4. */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};

/* Rotation amounts, four per round. */
static const uint8_t md5_s[16] = {
	7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21
};

static uint32_t
rotl(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t
le32dec(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
le32enc(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The round function of step i and the message word it takes. */
static uint32_t
md5_f(unsigned int i, uint32_t b, uint32_t c, uint32_t d, unsigned int *g)
{
	switch (i / 16) {
	case 0:
		*g = i;
		return (b & c) | (~b & d);
	case 1:
		*g = (5 * i + 1) % 16;
		return (d & b) | (~d & c);
	case 2:
		*g = (3 * i + 5) % 16;
		return b ^ c ^ d;
	default:
		*g = (7 * i) % 16;
		return c ^ (b | ~d);
	}
}

static void
md5_block(void *ctx, const uint8_t *blk)
{
	struct ntp_md5 *c = ctx;
	uint32_t x[16], a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
	uint32_t f, t;
	unsigned int i, g;

	for (i = 0; i < 16; i++)
		x[i] = le32dec(blk + 4 * i);
	for (i = 0; i < 64; i++) {
		f = md5_f(i, b, cc, d, &g);
		t = d;
		d = cc;
		cc = b;
		b = b + rotl(a + f + md5_t[i] + x[g],
		    md5_s[(i / 16) * 4 + i % 4]);
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	memset(x, 0, sizeof(x));
}

void
ntp_md5_init(struct ntp_md5 *c)
{
	memset(c, 0, sizeof(*c));
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
}

void
ntp_md5_update(struct ntp_md5 *c, const void *data, size_t len)
{
	ntp_mdbuf_update(&c->b, data, len, md5_block, c);
}

void
ntp_md5_final(struct ntp_md5 *c, uint8_t out[NTP_MD5_LEN])
{
	size_t i;

	ntp_mdbuf_pad(&c->b, 0, md5_block, c);
	for (i = 0; i < 4; i++)
		le32enc(out + 4 * i, c->h[i]);
	explicit_bzero(c, sizeof(*c));
}
