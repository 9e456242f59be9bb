/*
 * AES-128 and AES-CMAC, written from FIPS 197 and RFC 4493.  The S-box
 * is computed (inverse in GF(2^8), then the affine map of FIPS 197
 * §5.1.1) with masks instead of branches or table lookups indexed by
 * secret bytes, so the time taken does not depend on the key or data.
 * Slow next to a table, and fast enough for a few packets.
 */
#include <string.h>

#include "ntp_aes.h"

/* Multiply in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, without branches. */
static uint8_t
gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;
	int i;

	for (i = 0; i < 8; i++) {
		r ^= (uint8_t)(a & (uint8_t)-(b & 1));
		a = (uint8_t)((a << 1) ^ (0x1b & (uint8_t)-(a >> 7)));
		b >>= 1;
	}
	return r;
}

/* x^254, the multiplicative inverse (0 for 0). */
static uint8_t
gf_inv(uint8_t x)
{
	uint8_t sq = x, r = 1;
	int i;

	for (i = 1; i < 8; i++) {
		sq = gf_mul(sq, sq);
		r = gf_mul(r, sq);
	}
	return r;
}

static uint8_t
rotl8(uint8_t x, int n)
{
	return (uint8_t)((x << n) | (x >> (8 - n)));
}

/* SubBytes for one byte, FIPS 197 §5.1.1. */
static uint8_t
sbox(uint8_t x)
{
	uint8_t b = gf_inv(x);

	return (uint8_t)(b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^
	    rotl8(b, 4) ^ 0x63);
}

void
ntp_aes128_init(struct ntp_aes128 *a, const uint8_t key[16])
{
	uint8_t rcon = 1, t[4];
	int i, j;

	memcpy(a->rk[0], key, 16);
	for (i = 1; i <= 10; i++) {
		/* RotWord, SubWord, Rcon (FIPS 197 §5.2). */
		for (j = 0; j < 4; j++)
			t[j] = sbox(a->rk[i - 1][12 + (j + 1) % 4]);
		t[0] ^= rcon;
		rcon = gf_mul(rcon, 2);
		for (j = 0; j < 16; j++) {
			a->rk[i][j] = a->rk[i - 1][j] ^ (j < 4 ? t[j] :
			    a->rk[i][j - 4]);
		}
	}
	explicit_bzero(t, sizeof(t));
}

/* SubBytes and ShiftRows: state byte r + 4c moves to column c - r. */
static void
sub_shift(uint8_t s[16])
{
	uint8_t t[16];
	int r, c;

	for (c = 0; c < 4; c++)
		for (r = 0; r < 4; r++)
			t[r + 4 * c] = sbox(s[r + 4 * ((c + r) % 4)]);
	memcpy(s, t, 16);
	explicit_bzero(t, sizeof(t));
}

/* MixColumns, FIPS 197 §5.1.3. */
static void
mix_columns(uint8_t s[16])
{
	uint8_t *col, a0, a1, a2, a3;
	int c;

	for (c = 0; c < 4; c++) {
		col = s + 4 * c;
		a0 = col[0];
		a1 = col[1];
		a2 = col[2];
		a3 = col[3];
		col[0] = gf_mul(a0, 2) ^ gf_mul(a1, 3) ^ a2 ^ a3;
		col[1] = a0 ^ gf_mul(a1, 2) ^ gf_mul(a2, 3) ^ a3;
		col[2] = a0 ^ a1 ^ gf_mul(a2, 2) ^ gf_mul(a3, 3);
		col[3] = gf_mul(a0, 3) ^ a1 ^ a2 ^ gf_mul(a3, 2);
	}
}

static void
add_round_key(uint8_t s[16], const uint8_t rk[16])
{
	int i;

	for (i = 0; i < 16; i++)
		s[i] ^= rk[i];
}

void
ntp_aes128_encrypt(const struct ntp_aes128 *a, const uint8_t in[16],
    uint8_t out[16])
{
	uint8_t s[16];
	int round;

	memcpy(s, in, 16);
	add_round_key(s, a->rk[0]);
	for (round = 1; round <= 10; round++) {
		sub_shift(s);
		if (round < 10)
			mix_columns(s);
		add_round_key(s, a->rk[round]);
	}
	memcpy(out, s, 16);
	explicit_bzero(s, sizeof(s));
}

/* Doubling in GF(2^128) for the CMAC subkeys (RFC 4493 §2.3). */
static void
cmac_double(const uint8_t in[16], uint8_t out[16])
{
	uint8_t msb = in[0] >> 7;
	int i;

	for (i = 0; i < 15; i++)
		out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
	out[15] = (uint8_t)((in[15] << 1) ^ (0x87 & (uint8_t)-msb));
}

/* The last block: complete ones XOR K1, others padded 10* XOR K2. */
static void
cmac_last(const struct ntp_aes128 *a, const uint8_t *msg, size_t rest,
    uint8_t last[16])
{
	uint8_t l[16], k1[16], k2[16], zero[16];
	const uint8_t *k = rest == 16 ? k1 : k2;
	int i;

	memset(zero, 0, sizeof(zero));
	ntp_aes128_encrypt(a, zero, l);
	cmac_double(l, k1);
	cmac_double(k1, k2);
	memset(last, 0, 16);
	if (rest > 0)
		memcpy(last, msg, rest);
	if (rest < 16)
		last[rest] = 0x80;
	for (i = 0; i < 16; i++)
		last[i] ^= k[i];
	explicit_bzero(l, sizeof(l));
	explicit_bzero(k1, sizeof(k1));
	explicit_bzero(k2, sizeof(k2));
}

void
ntp_aes_cmac(const uint8_t key[16], const uint8_t *msg, size_t len,
    uint8_t out[NTP_CMAC_LEN])
{
	struct ntp_aes128 a;
	uint8_t x[16], last[16];
	size_t nblocks = len == 0 ? 1 : (len + 15) / 16, i, j;

	ntp_aes128_init(&a, key);
	memset(x, 0, sizeof(x));
	for (i = 0; i + 1 < nblocks; i++) {
		for (j = 0; j < 16; j++)
			x[j] ^= msg[16 * i + j];
		ntp_aes128_encrypt(&a, x, x);
	}
	cmac_last(&a, len > 0 ? msg + 16 * i : msg, len - 16 * i, last);
	for (j = 0; j < 16; j++)
		x[j] ^= last[j];
	ntp_aes128_encrypt(&a, x, out);
	explicit_bzero(&a, sizeof(a));
	explicit_bzero(x, sizeof(x));
	explicit_bzero(last, sizeof(last));
}
