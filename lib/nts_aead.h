/*
 * AEAD_AES_SIV_CMAC_256 (RFC 5297) as NTS uses it (RFC 8915 §5.6): one
 * associated data string and a nonce; the ciphertext is the 16-byte SIV
 * followed by the encrypted data.  GnuTLS does the work (NTS=1 builds).
 */
#ifndef NTPC_NTS_AEAD_H
#define NTPC_NTS_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define NTS_AEAD_KEYLEN	32
#define NTS_AEAD_TAGLEN	16

/*
 * Encrypt ptlen bytes of pt with key, nonce and ad into out (cap bytes,
 * at least ptlen + NTS_AEAD_TAGLEN).  Returns the ciphertext length or
 * -1.  nlen must be at least 1.
 */
int	nts_aead_seal(const uint8_t key[NTS_AEAD_KEYLEN], const uint8_t *nonce,
	    size_t nlen, const uint8_t *ad, size_t adlen, const uint8_t *pt,
	    size_t ptlen, uint8_t *out, size_t cap);

/*
 * Check and decrypt ctlen bytes of ct into out (cap bytes).  Returns the
 * plaintext length, or -1 when it does not verify.
 */
int	nts_aead_open(const uint8_t key[NTS_AEAD_KEYLEN], const uint8_t *nonce,
	    size_t nlen, const uint8_t *ad, size_t adlen, const uint8_t *ct,
	    size_t ctlen, uint8_t *out, size_t cap);

#endif /* NTPC_NTS_AEAD_H */
