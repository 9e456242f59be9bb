/*
 * Block buffering and length padding shared by MD5 and SHA-1.
 */
#include <string.h>

#include "ntp_mdbuf.h"

void
ntp_mdbuf_update(struct ntp_mdbuf *b, const void *data, size_t len,
    ntp_mdbuf_block_fn *block, void *ctx)
{
	const uint8_t *p = data;
	size_t k;

	b->len += len;
	while (len > 0) {
		k = sizeof(b->buf) - b->n;
		if (k > len)
			k = len;
		memcpy(b->buf + b->n, p, k);
		b->n += k;
		p += k;
		len -= k;
		if (b->n == sizeof(b->buf)) {
			block(ctx, b->buf);
			b->n = 0;
		}
	}
}

void
ntp_mdbuf_pad(struct ntp_mdbuf *b, int big_endian, ntp_mdbuf_block_fn *block,
    void *ctx)
{
	uint64_t bits = b->len * 8;
	uint8_t pad[72];
	size_t padlen = (b->n < 56 ? 56 : 120) - b->n, i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >>
		    (big_endian ? 56 - 8 * i : 8 * i));
	ntp_mdbuf_update(b, pad, padlen + 8, block, ctx);
}
