/*
 * AES-SIV-CMAC-256 through GnuTLS's AEAD interface (GNUTLS_CIPHER_AES_128
 * _SIV: two 128-bit AES keys, 256 bits in all).  GnuTLS puts the SIV in
 * front of the ciphertext, which is the layout RFC 8915 §5.6 wants.
 */
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "nts_aead.h"

static gnutls_aead_cipher_hd_t
aead_init(const uint8_t key[NTS_AEAD_KEYLEN])
{
	gnutls_aead_cipher_hd_t h;
	gnutls_datum_t k;

	k.data = (unsigned char *)(uintptr_t)key;
	k.size = NTS_AEAD_KEYLEN;
	if (gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_128_SIV, &k) < 0)
		return NULL;
	return h;
}

int
nts_aead_seal(const uint8_t key[NTS_AEAD_KEYLEN], const uint8_t *nonce,
    size_t nlen, const uint8_t *ad, size_t adlen, const uint8_t *pt,
    size_t ptlen, uint8_t *out, size_t cap)
{
	gnutls_aead_cipher_hd_t h;
	size_t olen = cap;
	int r;

	if (nlen == 0 || cap < ptlen + NTS_AEAD_TAGLEN ||
	    (h = aead_init(key)) == NULL)
		return -1;
	r = gnutls_aead_cipher_encrypt(h, nonce, nlen, ad, adlen,
	    NTS_AEAD_TAGLEN, pt, ptlen, out, &olen);
	gnutls_aead_cipher_deinit(h);
	return r < 0 ? -1 : (int)olen;
}

int
nts_aead_open(const uint8_t key[NTS_AEAD_KEYLEN], const uint8_t *nonce,
    size_t nlen, const uint8_t *ad, size_t adlen, const uint8_t *ct,
    size_t ctlen, uint8_t *out, size_t cap)
{
	gnutls_aead_cipher_hd_t h;
	size_t olen = cap;
	int r;

	if (nlen == 0 || ctlen < NTS_AEAD_TAGLEN ||
	    cap < ctlen - NTS_AEAD_TAGLEN || (h = aead_init(key)) == NULL)
		return -1;
	r = gnutls_aead_cipher_decrypt(h, nonce, nlen, ad, adlen,
	    NTS_AEAD_TAGLEN, ct, ctlen, out, &olen);
	gnutls_aead_cipher_deinit(h);
	return r < 0 ? -1 : (int)olen;
}
