/*
 * AES-128 encryption (FIPS 197) and AES-CMAC (RFC 4493), for the
 * AES-128-CMAC MAC of NTP (RFC 8573).
 */
#ifndef NTPC_AES_H
#define NTPC_AES_H

#include <stddef.h>
#include <stdint.h>

#define NTP_AES_BLOCK	16
#define NTP_AES128_KEYLEN 16
#define NTP_CMAC_LEN	16

/* An expanded AES-128 key: 11 round keys. */
struct ntp_aes128 {
	uint8_t		rk[11][NTP_AES_BLOCK];
};

/* Expand a 16-byte key (FIPS 197 §5.2). */
void	ntp_aes128_init(struct ntp_aes128 *a, const uint8_t key[16]);

/* Encrypt one block (FIPS 197 §5.1); in and out may be the same. */
void	ntp_aes128_encrypt(const struct ntp_aes128 *a, const uint8_t in[16],
	    uint8_t out[16]);

/* AES-CMAC of len bytes under a 16-byte key (RFC 4493 §2.4). */
void	ntp_aes_cmac(const uint8_t key[16], const uint8_t *msg, size_t len,
	    uint8_t out[NTP_CMAC_LEN]);

#endif /* NTPC_AES_H */
