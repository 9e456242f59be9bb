/*
 * NTS extension fields in NTP packets (RFC 8915 §5.3-5.7, RFC 7822
 * layout), built and parsed byte by byte.  No cryptography here: the
 * Authenticator's ciphertext is made and opened by the caller.
 */
#ifndef NTPC_NTS_EF_H
#define NTPC_NTS_EF_H

#include <stddef.h>
#include <stdint.h>

#define NTS_EF_UID		0x0104	/* Unique Identifier */
#define NTS_EF_COOKIE		0x0204	/* NTS Cookie */
#define NTS_EF_PLACEHOLDER	0x0304	/* NTS Cookie Placeholder */
#define NTS_EF_AUTH		0x0404	/* Authenticator and Encrypted EFs */
#define NTS_UID_LEN		32	/* RFC 8915 §5.3: at least 32 */
#define NTS_NONCE_LEN		16	/* AES-SIV-CMAC nonce we send */
#define NTS_EF_MINLEN		16	/* RFC 7822 §3 */

/*
 * Append a field of type with body (blen bytes; body NULL: zeros) at off
 * in buf, zero-padded to a multiple of 4 and at least NTS_EF_MINLEN.
 * Returns the offset after it, or 0 when it does not fit in cap.
 */
size_t	nts_ef_put(uint8_t *buf, size_t cap, size_t off, uint16_t type,
	    const uint8_t *body, size_t blen);

/*
 * Append the Authenticator field: nonce and ciphertext lengths, nonce and
 * ciphertext each zero-padded to 4 bytes.  Returns the offset after it,
 * or 0 when it does not fit.
 */
size_t	nts_ef_put_auth(uint8_t *buf, size_t cap, size_t off,
	    const uint8_t *nonce, size_t nlen, const uint8_t *ct, size_t ctlen);

/*
 * Step through the fields of buf[*off..len): sets type, body and blen
 * (the body without the 4-byte field header, padding included) and moves
 * *off past the field.  Returns 1 for a field, 0 at the end, -1 when the
 * remaining bytes are not a well-formed field.
 */
int	nts_ef_next(const uint8_t *buf, size_t len, size_t *off,
	    uint16_t *type, const uint8_t **body, size_t *blen);

/* What an NTS-protected reply carries. */
struct nts_ef_reply {
	const uint8_t	*uid;		/* Unique Identifier body */
	size_t		uid_len;
	size_t		auth_off;	/* the Authenticator's offset: AD end */
	const uint8_t	*nonce;
	size_t		nonce_len;
	const uint8_t	*ct;		/* ciphertext: SIV tag, then data */
	size_t		ct_len;
};

/*
 * Parse the fields after the 48-byte header of an NTP packet.  Returns 0,
 * or NTP_R_LAYOUT (malformed fields), NTP_R_NTS_UID (no or two unique
 * identifiers), NTP_R_NTS_AUTH (no, two or a malformed authenticator).
 * Fields after the authenticator are not authenticated and are ignored.
 */
int	nts_ef_parse(const uint8_t *buf, size_t len, struct nts_ef_reply *r);

#endif /* NTPC_NTS_EF_H */
