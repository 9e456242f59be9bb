/*
 * SHA-1 (FIPS 180-4 §6.1), for NTP symmetric-key MACs (RFC 5905 §7.3).
 */
#ifndef NTPC_SHA1_H
#define NTPC_SHA1_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_mdbuf.h"

#define NTP_SHA1_LEN	20

struct ntp_sha1 {
	uint32_t	h[5];
	struct ntp_mdbuf b;		/* blocks and length */
};

/* Start a digest. */
void	ntp_sha1_init(struct ntp_sha1 *c);

/* Hash len more bytes. */
void	ntp_sha1_update(struct ntp_sha1 *c, const void *data, size_t len);

/* Finish into out and wipe the context. */
void	ntp_sha1_final(struct ntp_sha1 *c, uint8_t out[NTP_SHA1_LEN]);

#endif /* NTPC_SHA1_H */
