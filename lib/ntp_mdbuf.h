/*
 * The Merkle-Damgard framing MD5 (RFC 1321 §3.1-3.2) and SHA-1 (FIPS
 * 180-4 §5.1.1) share: 64-byte blocks, then the padding 0x80, zeros and
 * the message length in bits; only the block function and the byte order
 * of that length differ.
 */
#ifndef NTPC_MDBUF_H
#define NTPC_MDBUF_H

#include <stddef.h>
#include <stdint.h>

#define NTP_MDBUF_BLOCK	64

/* Bytes waiting for a whole block, and the length so far. */
struct ntp_mdbuf {
	uint64_t	len;		/* bytes hashed so far */
	uint8_t		buf[NTP_MDBUF_BLOCK];
	size_t		n;		/* bytes waiting in buf */
};

/* A hash's compression function over one block; ctx is its state. */
typedef void	ntp_mdbuf_block_fn(void *ctx, const uint8_t *blk);

/* Feed len bytes, calling block for every whole block. */
void	ntp_mdbuf_update(struct ntp_mdbuf *b, const void *data, size_t len,
	    ntp_mdbuf_block_fn *block, void *ctx);

/* Append the padding and the bit length (big_endian: SHA-1's order). */
void	ntp_mdbuf_pad(struct ntp_mdbuf *b, int big_endian,
	    ntp_mdbuf_block_fn *block, void *ctx);

#endif /* NTPC_MDBUF_H */
