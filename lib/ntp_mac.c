/*
 * Symmetric-key MACs: RFC 5905 §7.3 puts a 4-byte key id and a digest
 * after the header (and any extension fields); MD5 and SHA1 hash the key
 * then the packet, AES-128-CMAC (RFC 8573) keys the CMAC.  A reply is
 * believed only when its MAC is ours and verifies.
 */
#include <string.h>

#include "ntp_aes.h"
#include "ntp_mac.h"
#include "ntp_md5.h"
#include "ntp_reason.h"
#include "ntp_sha1.h"

size_t
ntp_mac_len(int type)
{
	switch (type) {
	case NTP_KEY_MD5:
	case NTP_KEY_AES128CMAC:
		return 16;
	case NTP_KEY_SHA1:
		return 20;
	default:
		return 0;
	}
}

const char *
ntp_key_type_name(int type)
{
	switch (type) {
	case NTP_KEY_MD5:
		return "MD5";
	case NTP_KEY_SHA1:
		return "SHA1";
	case NTP_KEY_AES128CMAC:
		return "AES128CMAC";
	default:
		return "none";
	}
}

static void
digest_cmac(const struct ntp_key *k, const uint8_t *msg, size_t len,
    uint8_t *out)
{
	uint8_t key[NTP_AES128_KEYLEN];

	memset(key, 0, sizeof(key));
	memcpy(key, k->key, k->len < sizeof(key) ? k->len : sizeof(key));
	ntp_aes_cmac(key, msg, len, out);
	explicit_bzero(key, sizeof(key));
}

int
ntp_mac_digest(const struct ntp_key *k, const uint8_t *msg, size_t len,
    uint8_t *out)
{
	struct ntp_md5 md5;
	struct ntp_sha1 sha1;

	switch (k->type) {
	case NTP_KEY_MD5:
		ntp_md5_init(&md5);
		ntp_md5_update(&md5, k->key, k->len);
		ntp_md5_update(&md5, msg, len);
		ntp_md5_final(&md5, out);
		break;
	case NTP_KEY_SHA1:
		ntp_sha1_init(&sha1);
		ntp_sha1_update(&sha1, k->key, k->len);
		ntp_sha1_update(&sha1, msg, len);
		ntp_sha1_final(&sha1, out);
		break;
	case NTP_KEY_AES128CMAC:
		digest_cmac(k, msg, len, out);
		break;
	default:
		return -1;
	}
	return (int)ntp_mac_len(k->type);
}

int
ntp_mac_append(const struct ntp_key *k, uint8_t *buf, size_t len,
    size_t cap)
{
	size_t dlen = ntp_mac_len(k->type);

	if (dlen == 0 || len > cap || cap - len < 4 + dlen)
		return -1;
	buf[len] = (uint8_t)(k->id >> 24);
	buf[len + 1] = (uint8_t)(k->id >> 16);
	buf[len + 2] = (uint8_t)(k->id >> 8);
	buf[len + 3] = (uint8_t)k->id;
	ntp_mac_digest(k, buf, len, buf + len + 4);
	return (int)(len + 4 + dlen);
}

int
ntp_mac_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

int
ntp_mac_verify(const struct ntp_key *k, const uint8_t *buf, size_t len,
    const struct ntp_pkt *p)
{
	uint8_t want[NTP_MAC_MAXLEN];
	size_t dlen = ntp_mac_len(k->type);
	int ok;

	if (!p->has_mac)
		return NTP_R_AUTH_NO_MAC;
	/* RFC 5905 §7.4: a MAC of only a key id is a crypto-NAK. */
	if (p->mac_len == 0)
		return NTP_R_AUTH_CRYPTO_NAK;
	if (p->keyid != k->id)
		return NTP_R_AUTH_KEYID;
	if (p->mac_len != dlen || p->auth_len > len || dlen == 0)
		return NTP_R_AUTH_BAD_MAC;
	ntp_mac_digest(k, buf, p->auth_len, want);
	ok = ntp_mac_equal(want, p->mac, dlen);
	explicit_bzero(want, sizeof(want));
	return ok ? 0 : NTP_R_AUTH_BAD_MAC;
}

void
ntp_key_wipe(struct ntp_key *k)
{
	explicit_bzero(k, sizeof(*k));
}

static int
auth_sign(void *ctx, size_t idx, uint8_t *buf, size_t len, size_t cap,
    int *reason)
{
	const struct ntp_mac_auth *a = ctx;
	int n;

	(void)idx;
	if ((n = ntp_mac_append(&a->key, buf, len, cap)) < 0)
		*reason = NTP_R_SEND;
	return n;
}

static int
auth_verify(void *ctx, size_t idx, const uint8_t *buf, size_t len,
    const struct ntp_pkt *p)
{
	const struct ntp_mac_auth *a = ctx;

	(void)idx;
	return ntp_mac_verify(&a->key, buf, len, p);
}

void
ntp_mac_auth_init(struct ntp_mac_auth *a, const struct ntp_key *k)
{
	a->key = *k;
	a->ops.sign = auth_sign;
	a->ops.verify = auth_verify;
	a->ops.ctx = a;
}
