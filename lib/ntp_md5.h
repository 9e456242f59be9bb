/*
 * MD5 (RFC 1321), for NTP symmetric-key MACs (RFC 5905 §7.3).  Broken
 * as a hash, still what most NTP key files hold.
 */
#ifndef NTPC_MD5_H
#define NTPC_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_mdbuf.h"

#define NTP_MD5_LEN	16

struct ntp_md5 {
	uint32_t	h[4];
	struct ntp_mdbuf b;		/* blocks and length */
};

/* Start a digest. */
void	ntp_md5_init(struct ntp_md5 *c);

/* Hash len more bytes. */
void	ntp_md5_update(struct ntp_md5 *c, const void *data, size_t len);

/* Finish into out and wipe the context. */
void	ntp_md5_final(struct ntp_md5 *c, uint8_t out[NTP_MD5_LEN]);

#endif /* NTPC_MD5_H */
