/*
 * Symmetric-key MACs of NTP packets (RFC 5905 §7.3, RFC 8573): the key
 * id and digest after the header, built for requests and checked on
 * replies, and the engine's authentication ops for one key.
 */
#ifndef NTPC_MAC_H
#define NTPC_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_engine.h"
#include "ntp_pkt.h"

#define NTP_KEY_MAXLEN	64	/* bytes of key material */

enum ntp_key_type {
	NTP_KEY_NONE = 0,
	NTP_KEY_MD5,		/* MD5(key || packet), 16 bytes */
	NTP_KEY_SHA1,		/* SHA1(key || packet), 20 bytes */
	NTP_KEY_AES128CMAC	/* AES-CMAC(key, packet), 16 bytes (RFC 8573) */
};

/* One symmetric key: wipe it with ntp_key_wipe() when done. */
struct ntp_key {
	uint32_t	id;		/* 1 .. 2^32 - 1; 0 is a crypto-NAK */
	int		type;		/* enum ntp_key_type */
	size_t		len;
	uint8_t		key[NTP_KEY_MAXLEN];
};

/* The authentication ops for one key; ctx points back at the key. */
struct ntp_mac_auth {
	struct ntp_key	key;
	struct ntp_auth_ops ops;
};

/* Digest length of a key type: 16, 20, or 0 for NTP_KEY_NONE. */
size_t	ntp_mac_len(int type);

/* The type's name as in key files (MD5, SHA1, AES128CMAC). */
const char *ntp_key_type_name(int type);

/*
 * The digest of len bytes of msg under k into out (ntp_mac_len(k->type)
 * bytes).  AES-128-CMAC takes the first 16 key bytes, zero-padded when
 * shorter, as NTP Classic does.  Returns the length, or -1 for no type.
 */
int	ntp_mac_digest(const struct ntp_key *k, const uint8_t *msg, size_t len,
	    uint8_t *out);

/*
 * Append the key id and the digest of buf[0..len) to buf (cap bytes in
 * all).  Returns the new length, or -1 when it does not fit.
 */
int	ntp_mac_append(const struct ntp_key *k, uint8_t *buf, size_t len,
	    size_t cap);

/*
 * Check the MAC of a reply (buf as received, p decoded from it): 0 when
 * it is k's and verifies; else NTP_R_AUTH_NO_MAC, NTP_R_AUTH_CRYPTO_NAK,
 * NTP_R_AUTH_KEYID or NTP_R_AUTH_BAD_MAC.
 */
int	ntp_mac_verify(const struct ntp_key *k, const uint8_t *buf, size_t len,
	    const struct ntp_pkt *p);

/* 1 when the n bytes at a and b are equal, in time independent of them. */
int	ntp_mac_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* Erase a key so the compiler cannot skip it. */
void	ntp_key_wipe(struct ntp_key *k);

/* Set up a's ops (sign and verify every server with k; k is copied). */
void	ntp_mac_auth_init(struct ntp_mac_auth *a, const struct ntp_key *k);

#endif /* NTPC_MAC_H */
