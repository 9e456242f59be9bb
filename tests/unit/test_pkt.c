/*
 * Unit tests for lib/ntp_pkt.c: the 48-byte header, extension fields and
 * MACs (RFC 5905 §7.3, RFC 7822 §3), the request, the nonce, refids.
 *
 * Every decode goes through decode_exact(): a heap copy of exactly len
 * bytes, so that under ASan any read past len is caught.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_pkt.h"
#include "ntp_reason.h"

/* Byte i of this header is i, except byte 0 (LI 1, VN 4, mode 4). */
static const uint8_t pinned[NTP_HEADER_LEN] = {
	0x64, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
};

static void
pinned_pkt(struct ntp_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->leap = 1;
	p->version = 4;
	p->mode = 4;
	p->stratum = 0x01;
	p->poll = 0x02;
	p->precision = 0x03;
	p->rootdelay = 0x04050607U;
	p->rootdisp = 0x08090a0bU;
	p->refid = 0x0c0d0e0fU;
	p->reftime = 0x1011121314151617ULL;
	p->org = 0x18191a1b1c1d1e1fULL;
	p->rec = 0x2021222324252627ULL;
	p->xmt = 0x28292a2b2c2d2e2fULL;
}

/* Decode from a heap buffer of exactly len bytes. */
static int
decode_exact(const uint8_t *src, size_t len, struct ntp_pkt *p)
{
	uint8_t *buf = malloc(len);
	int r;

	if (len > 0) {
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, src, len);
	}
	r = ntp_pkt_decode(buf, len, p);
	free(buf);
	return r;
}

/* Append an RFC 7822 field: type, length, then length-4 filler bytes. */
static size_t
put_ef(uint8_t *buf, size_t off, uint16_t type, uint16_t eflen)
{
	size_t i;

	buf[off] = (uint8_t)(type >> 8);
	buf[off + 1] = (uint8_t)type;
	buf[off + 2] = (uint8_t)(eflen >> 8);
	buf[off + 3] = (uint8_t)eflen;
	for (i = 4; i < eflen; i++)
		buf[off + i] = (uint8_t)(0x80 + i);
	return off + eflen;
}

/* Append a MAC: key id, then dlen digest bytes 0xa0, 0xa1... */
static size_t
put_mac(uint8_t *buf, size_t off, uint32_t keyid, size_t dlen)
{
	size_t i;

	buf[off] = (uint8_t)(keyid >> 24);
	buf[off + 1] = (uint8_t)(keyid >> 16);
	buf[off + 2] = (uint8_t)(keyid >> 8);
	buf[off + 3] = (uint8_t)keyid;
	for (i = 0; i < dlen; i++)
		buf[off + 4 + i] = (uint8_t)(0xa0 + i);
	return off + 4 + dlen;
}

START_TEST(test_encode_pins_every_offset)
{
	struct ntp_pkt p;
	uint8_t buf[NTP_HEADER_LEN + 4];
	size_t i;

	pinned_pkt(&p);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(ntp_pkt_encode(&p, buf, sizeof(buf)), 48);
	for (i = 0; i < NTP_HEADER_LEN; i++)
		ck_assert_msg(buf[i] == pinned[i], "byte %zu: %02x want %02x",
		    i, buf[i], pinned[i]);
	/* Nothing written past the header. */
	for (i = NTP_HEADER_LEN; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xee);
}
END_TEST

START_TEST(test_encode_first_byte_bits)
{
	static const struct {
		uint8_t		leap, version, mode, byte0;
	} v[] = {
		{ 3, 0, 0, 0xc0 }, { 0, 7, 0, 0x38 }, { 0, 0, 7, 0x07 },
		{ 0, 4, 3, 0x23 }, { 3, 4, 4, 0xe4 }, { 0, 3, 4, 0x1c },
		{ 2, 1, 2, 0x8a },
	};
	struct ntp_pkt p;
	uint8_t buf[NTP_HEADER_LEN];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.leap = v[i].leap;
		p.version = v[i].version;
		p.mode = v[i].mode;
		ntp_pkt_encode(&p, buf, sizeof(buf));
		ck_assert_msg(buf[0] == v[i].byte0, "case %zu: %02x", i,
		    buf[0]);
	}
}
END_TEST

START_TEST(test_encode_refuses_short_buffer)
{
	struct ntp_pkt p;
	uint8_t buf[NTP_HEADER_LEN];

	pinned_pkt(&p);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_int_eq(ntp_pkt_encode(&p, buf, NTP_HEADER_LEN - 1), -1);
	ck_assert_uint_eq(buf[0], 0xee);
}
END_TEST

START_TEST(test_decode_pinned_header)
{
	struct ntp_pkt p;

	ck_assert_int_eq(decode_exact(pinned, sizeof(pinned), &p), 0);
	ck_assert_uint_eq(p.leap, 1);
	ck_assert_uint_eq(p.version, 4);
	ck_assert_uint_eq(p.mode, 4);
	ck_assert_uint_eq(p.stratum, 0x01);
	ck_assert_int_eq(p.poll, 0x02);
	ck_assert_int_eq(p.precision, 0x03);
	ck_assert_uint_eq(p.rootdelay, 0x04050607U);
	ck_assert_uint_eq(p.rootdisp, 0x08090a0bU);
	ck_assert_uint_eq(p.refid, 0x0c0d0e0fU);
	ck_assert_uint_eq(p.reftime, 0x1011121314151617ULL);
	ck_assert_uint_eq(p.org, 0x18191a1b1c1d1e1fULL);
	ck_assert_uint_eq(p.rec, 0x2021222324252627ULL);
	ck_assert_uint_eq(p.xmt, 0x28292a2b2c2d2e2fULL);
	ck_assert_uint_eq(p.ext_count, 0);
	ck_assert_uint_eq(p.ext_len, 0);
	ck_assert_int_eq(p.has_mac, 0);
	ck_assert_uint_eq(p.auth_len, 48);
}
END_TEST

/* poll and precision are signed: 0xfa is -6, 0xe9 is -23. */
START_TEST(test_decode_signed_poll_precision)
{
	uint8_t buf[NTP_HEADER_LEN];
	struct ntp_pkt p;

	memcpy(buf, pinned, sizeof(buf));
	buf[2] = 0xfa;
	buf[3] = 0xe9;
	ck_assert_int_eq(decode_exact(buf, sizeof(buf), &p), 0);
	ck_assert_int_eq(p.poll, -6);
	ck_assert_int_eq(p.precision, -23);
}
END_TEST

START_TEST(test_encode_decode_roundtrip)
{
	struct ntp_pkt in, out;
	uint8_t buf[NTP_HEADER_LEN];

	memset(&in, 0, sizeof(in));
	in.leap = 2;
	in.version = 3;
	in.mode = 2;
	in.stratum = 15;
	in.poll = -3;
	in.precision = -29;
	in.rootdelay = 0xdeadbeefU;
	in.rootdisp = 0x00000001U;
	in.refid = 0xc0000201U;
	in.reftime = 0xffffffffffffffffULL;
	in.org = 0x8000000000000001ULL;
	in.rec = 0x0000000100000000ULL;
	in.xmt = 0xedda6ff01f9add37ULL;
	ntp_pkt_encode(&in, buf, sizeof(buf));
	ck_assert_int_eq(decode_exact(buf, sizeof(buf), &out), 0);
	in.auth_len = 48;
	ck_assert_int_eq(memcmp(&in, &out, sizeof(in)), 0);
}
END_TEST

START_TEST(test_request_zero_but_mode_and_nonce)
{
	static const struct {
		int		version;
		uint8_t		byte0;
	} v[] = { { 4, 0x23 }, { 3, 0x1b }, { 1, 0x0b } };
	uint8_t buf[NTP_HEADER_LEN];
	size_t i, j;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(buf, 0xee, sizeof(buf));
		ntp_pkt_request(buf, v[i].version, 0x0102030405060708ULL);
		ck_assert_uint_eq(buf[0], v[i].byte0);
		for (j = 1; j < 40; j++)
			ck_assert_msg(buf[j] == 0, "byte %zu is %02x", j,
			    buf[j]);
		for (j = 40; j < 48; j++)
			ck_assert_uint_eq(buf[j], j - 39);
	}
}
END_TEST

START_TEST(test_decode_short_is_r_short)
{
	static const size_t lens[] = { 0, 1, 4, 44, 47 };
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		ck_assert_msg(decode_exact(pinned, lens[i], &p) ==
		    NTP_R_SHORT, "len %zu", lens[i]);
}
END_TEST

START_TEST(test_decode_len_not_multiple_of_4)
{
	static const size_t lens[] = { 49, 50, 51, 53, 66, 71 };
	uint8_t buf[80];
	struct ntp_pkt p;
	size_t i;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, pinned, sizeof(pinned));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		ck_assert_msg(decode_exact(buf, lens[i], &p) == NTP_R_LAYOUT,
		    "len %zu", lens[i]);
}
END_TEST

START_TEST(test_decode_ef_shorter_than_16)
{
	static const uint16_t bad[] = { 0, 4, 8, 12 };
	uint8_t buf[NTP_HEADER_LEN + 32];
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, pinned, sizeof(pinned));
		put_ef(buf, NTP_HEADER_LEN, 0x0104, 32);
		buf[NTP_HEADER_LEN + 2] = (uint8_t)(bad[i] >> 8);
		buf[NTP_HEADER_LEN + 3] = (uint8_t)bad[i];
		ck_assert_msg(decode_exact(buf, sizeof(buf), &p) ==
		    NTP_R_LAYOUT, "ef length %u", bad[i]);
	}
}
END_TEST

START_TEST(test_decode_ef_not_multiple_of_4)
{
	static const uint16_t bad[] = { 17, 18, 19, 30, 31 };
	uint8_t buf[NTP_HEADER_LEN + 32];
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, pinned, sizeof(pinned));
		put_ef(buf, NTP_HEADER_LEN, 0x0104, 32);
		buf[NTP_HEADER_LEN + 3] = (uint8_t)bad[i];
		ck_assert_msg(decode_exact(buf, sizeof(buf), &p) ==
		    NTP_R_LAYOUT, "ef length %u", bad[i]);
	}
}
END_TEST

START_TEST(test_decode_ef_longer_than_rest)
{
	static const uint16_t bad[] = { 36, 40, 0xfffc };
	uint8_t buf[NTP_HEADER_LEN + 32];
	struct ntp_pkt p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf, pinned, sizeof(pinned));
		put_ef(buf, NTP_HEADER_LEN, 0x0104, 32);
		buf[NTP_HEADER_LEN + 2] = (uint8_t)(bad[i] >> 8);
		buf[NTP_HEADER_LEN + 3] = (uint8_t)bad[i];
		ck_assert_msg(decode_exact(buf, sizeof(buf), &p) ==
		    NTP_R_LAYOUT, "ef length %u", bad[i]);
	}
}
END_TEST

/* A good first field, then a second that claims 36 of the 32 left. */
START_TEST(test_decode_second_ef_longer_than_rest)
{
	uint8_t buf[NTP_HEADER_LEN + 16 + 32];
	struct ntp_pkt p;
	size_t len;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_ef(buf, put_ef(buf, NTP_HEADER_LEN, 0x0104, 16), 0x0204, 32);
	ck_assert_uint_eq(len, sizeof(buf));
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_uint_eq(p.ext_count, 2);
	buf[NTP_HEADER_LEN + 16 + 3] = 36;
	ck_assert_int_eq(decode_exact(buf, len, &p), NTP_R_LAYOUT);
}
END_TEST

/* RFC 7822 §3: without a MAC the last field must be at least 28 bytes. */
START_TEST(test_decode_last_ef_under_28)
{
	uint8_t buf[NTP_HEADER_LEN + 64];
	struct ntp_pkt p;
	size_t len;

	/* A lone 16-byte field. */
	memcpy(buf, pinned, sizeof(pinned));
	len = put_ef(buf, NTP_HEADER_LEN, 0x0104, 16);
	ck_assert_int_eq(decode_exact(buf, len, &p), NTP_R_LAYOUT);
	/* A 28-byte field then a 16-byte one. */
	len = put_ef(buf, put_ef(buf, NTP_HEADER_LEN, 0x0104, 28), 0x0204,
	    16);
	ck_assert_int_eq(decode_exact(buf, len, &p), NTP_R_LAYOUT);
	/* Two 16-byte fields. */
	len = put_ef(buf, put_ef(buf, NTP_HEADER_LEN, 0x0104, 16), 0x0204,
	    16);
	ck_assert_int_eq(decode_exact(buf, len, &p), NTP_R_LAYOUT);
}
END_TEST

/* Trailers too short for a field and of no MAC length. */
START_TEST(test_decode_bad_mac_length)
{
	static const size_t tails[] = { 8, 12, 16 };
	uint8_t buf[NTP_HEADER_LEN + 16];
	struct ntp_pkt p;
	size_t i;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, pinned, sizeof(pinned));
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		ck_assert_msg(decode_exact(buf, NTP_HEADER_LEN + tails[i],
		    &p) == NTP_R_LAYOUT, "trailer %zu", tails[i]);
}
END_TEST

START_TEST(test_decode_mac_16)
{
	uint8_t buf[NTP_HEADER_LEN + 20];
	struct ntp_pkt p;
	size_t len, i;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_mac(buf, NTP_HEADER_LEN, 0x0000002aU, 16);
	ck_assert_uint_eq(len, 68);
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_int_eq(p.has_mac, 1);
	ck_assert_uint_eq(p.keyid, 42);
	ck_assert_uint_eq(p.mac_len, 16);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(p.mac[i], 0xa0 + i);
	ck_assert_uint_eq(p.auth_len, 48);
	ck_assert_uint_eq(p.ext_count, 0);
	ck_assert_uint_eq(p.xmt, 0x28292a2b2c2d2e2fULL);
}
END_TEST

START_TEST(test_decode_mac_20)
{
	uint8_t buf[NTP_HEADER_LEN + 24];
	struct ntp_pkt p;
	size_t len, i;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_mac(buf, NTP_HEADER_LEN, 0x80000001U, 20);
	ck_assert_uint_eq(len, 72);
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_int_eq(p.has_mac, 1);
	ck_assert_uint_eq(p.keyid, 0x80000001U);
	ck_assert_uint_eq(p.mac_len, 20);
	for (i = 0; i < 20; i++)
		ck_assert_uint_eq(p.mac[i], 0xa0 + i);
	ck_assert_uint_eq(p.auth_len, 48);
	ck_assert_uint_eq(p.ext_count, 0);
}
END_TEST

/* A crypto-NAK is a MAC of a bare key id (RFC 5905 §7.5). */
START_TEST(test_decode_crypto_nak)
{
	uint8_t buf[NTP_HEADER_LEN + 4];
	struct ntp_pkt p;
	size_t len;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_mac(buf, NTP_HEADER_LEN, 0, 0);
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_int_eq(p.has_mac, 1);
	ck_assert_uint_eq(p.keyid, 0);
	ck_assert_uint_eq(p.mac_len, 0);
	ck_assert_uint_eq(p.auth_len, 48);
}
END_TEST

START_TEST(test_decode_one_ef_then_mac)
{
	uint8_t buf[NTP_HEADER_LEN + 16 + 24];
	struct ntp_pkt p;
	size_t len;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_mac(buf, put_ef(buf, NTP_HEADER_LEN, 0x0104, 16), 7, 20);
	ck_assert_uint_eq(len, 88);
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_uint_eq(p.ext_count, 1);
	ck_assert_uint_eq(p.ext_len, 16);
	ck_assert_int_eq(p.has_mac, 1);
	ck_assert_uint_eq(p.keyid, 7);
	ck_assert_uint_eq(p.mac_len, 20);
	ck_assert_uint_eq(p.mac[19], 0xa0 + 19);
	ck_assert_uint_eq(p.auth_len, 64);
}
END_TEST

START_TEST(test_decode_two_ef_then_mac)
{
	uint8_t buf[NTP_HEADER_LEN + 16 + 32 + 20];
	struct ntp_pkt p;
	size_t len;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_ef(buf, NTP_HEADER_LEN, 0x0104, 16);
	len = put_ef(buf, len, 0x0204, 32);
	len = put_mac(buf, len, 0x12345678U, 16);
	ck_assert_uint_eq(len, sizeof(buf));
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_uint_eq(p.ext_count, 2);
	ck_assert_uint_eq(p.ext_len, 48);
	ck_assert_int_eq(p.has_mac, 1);
	ck_assert_uint_eq(p.keyid, 0x12345678U);
	ck_assert_uint_eq(p.mac_len, 16);
	ck_assert_uint_eq(p.mac[0], 0xa0);
	ck_assert_uint_eq(p.auth_len, 96);
}
END_TEST

START_TEST(test_decode_one_ef_28_alone)
{
	uint8_t buf[NTP_HEADER_LEN + 28];
	struct ntp_pkt p;
	size_t len;

	memcpy(buf, pinned, sizeof(pinned));
	len = put_ef(buf, NTP_HEADER_LEN, 0x0104, 28);
	ck_assert_int_eq(decode_exact(buf, len, &p), 0);
	ck_assert_uint_eq(p.ext_count, 1);
	ck_assert_uint_eq(p.ext_len, 28);
	ck_assert_int_eq(p.has_mac, 0);
	ck_assert_uint_eq(p.auth_len, 76);
}
END_TEST

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Whatever the bytes, decode returns a known answer and (under ASan)
 * reads nothing past len.  Extension lengths are drawn small so that
 * many inputs walk several fields.  Deterministic.
 */
START_TEST(test_decode_never_reads_past_len)
{
	uint8_t buf[200];
	struct ntp_pkt p;
	uint64_t st = 0x6e7470632d756e69ULL;
	size_t len, i, off;
	int r, round;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)splitmix64(&st);
		for (off = NTP_HEADER_LEN; off + 4 <= sizeof(buf); off += 16) {
			buf[off + 2] = 0;
			buf[off + 3] = (uint8_t)(splitmix64(&st) % 64);
		}
		for (len = 0; len <= sizeof(buf); len++) {
			r = decode_exact(buf, len, &p);
			ck_assert_msg(r == 0 || r == NTP_R_SHORT ||
			    r == NTP_R_LAYOUT, "len %zu: %d", len, r);
			if (r == 0)
				ck_assert_uint_le(p.auth_len, len);
		}
	}
}
END_TEST

START_TEST(test_nonce_nonzero_distinct)
{
	ntp_ts_t v[64];
	size_t i, j;

	for (i = 0; i < 64; i++) {
		ck_assert_int_eq(ntp_nonce(&v[i]), 0);
		ck_assert_uint_ne(v[i], 0);
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(v[i], v[j]);
	}
}
END_TEST

/*
 * getrandom() answering err, as a kernel whose generator is not seeded
 * yet (EAGAIN, at boot) or one without the call (ENOSYS): a seccomp
 * filter in this forked test process (Check's default fork mode).
 */
static void
refuse_getrandom(int err)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO |
		    ((unsigned)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog),
	    0);
}

/* Without getrandom the nonce still comes, at once, distinct and not
 * zero every time, in the same slot (the previous value is an input)
 * and in different slots. */
START_TEST(test_nonce_without_getrandom)
{
	static const int errs[] = { EAGAIN, ENOSYS };
	ntp_ts_t v[64], slot = 0, prev;
	size_t i, j;

	refuse_getrandom(errs[_i]);
	for (i = 0; i < 64; i++) {
		ck_assert_int_eq(ntp_nonce(&v[i]), 0);
		ck_assert_uint_ne(v[i], 0);
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(v[i], v[j]);
	}
	for (i = 0; i < 64; i++) {
		prev = slot;
		ck_assert_int_eq(ntp_nonce(&slot), 0);
		ck_assert_uint_ne(slot, prev);
		ck_assert_uint_ne(slot, 0);
	}
}
END_TEST

/* The fallback is not a counter: its bits are spread (about half of
 * the 64 bits differ between consecutive nonces, on average). */
START_TEST(test_nonce_fallback_spreads_bits)
{
	ntp_ts_t a = 0, b;
	unsigned total = 0;
	int i;

	refuse_getrandom(ENOSYS);
	ck_assert_int_eq(ntp_nonce(&a), 0);
	for (i = 0; i < 256; i++) {
		b = a;
		ck_assert_int_eq(ntp_nonce(&a), 0);
		total += (unsigned)__builtin_popcountll(a ^ b);
	}
	/* 256 * 32 = 8192 expected; a counter or clock alone gives ~500. */
	ck_assert_msg(total > 7000 && total < 9400, "bits flipped: %u",
	    total);
}
END_TEST

START_TEST(test_refid_is_ascii)
{
	ck_assert_int_eq(ntp_refid_is_ascii(0x52415445U), 1);	/* RATE */
	ck_assert_int_eq(ntp_refid_is_ascii(0x47505320U), 1);	/* GPS_ */
	ck_assert_int_eq(ntp_refid_is_ascii(0x00000000U), 0);
	ck_assert_int_eq(ntp_refid_is_ascii(0xc0000201U), 0);	/* IPv4 */
	ck_assert_int_eq(ntp_refid_is_ascii(0x5241547fU), 0);	/* DEL */
}
END_TEST

START_TEST(test_refid_str)
{
	static const struct {
		uint32_t	refid;
		int		stratum;
		const char	*want;
	} v[] = {
		{ 0x52415445U, 0, "RATE" },
		{ 0x44454e59U, 0, "DENY" },
		{ 0x52535452U, 0, "RSTR" },
		{ 0x494e4954U, 0, "INIT" },
		{ 0x47505320U, 1, "GPS" },		/* space-padded */
		{ 0x47505300U, 1, "GPS" },		/* zero-padded */
		{ 0x50505300U, 1, "PPS" },
		{ 0x4c4f434cU, 1, "LOCL" },
		{ 0xc0000201U, 2, "192.0.2.1" },
		{ 0x0a000001U, 3, "10.0.0.1" },
		{ 0xffffffffU, 15, "255.255.255.255" },
		/* Above stratum 1 the refid is an address, even if ASCII. */
		{ 0x41424344U, 2, "65.66.67.68" },
		/* Stratum 0 and not a kiss code: chronyd unsynchronised. */
		{ 0x00000000U, 0, "0.0.0.0" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		ck_assert_str_eq(ntp_refid_str(v[i].refid, v[i].stratum, buf,
		    sizeof(buf)), v[i].want);
	}
}
END_TEST

/* len 0: not one byte written, not even the NUL. */
START_TEST(test_refid_str_len_zero_writes_nothing)
{
	char buf[4] = { 'x', 'y', 'z', 'w' };

	ck_assert_ptr_eq(ntp_refid_str(0x47505300U, 1, buf, 0), buf);
	ck_assert_ptr_eq(ntp_refid_str(0xc0000201U, 2, buf, 0), buf);
	ck_assert_mem_eq(buf, "xyzw", 4);
	ck_assert_str_eq(ntp_refid_str(0x47505300U, 1, buf, 1), "");
}
END_TEST

START_TEST(test_refid_str_truncates)
{
	char buf[3];

	ck_assert_str_eq(ntp_refid_str(0x52415445U, 0, buf, sizeof(buf)),
	    "RA");
	ck_assert_str_eq(ntp_refid_str(0xc0000201U, 2, buf, sizeof(buf)),
	    "19");
}
END_TEST

static Suite *
pkt_suite(void)
{
	Suite *s = suite_create("ntp_pkt");
	TCase *tc = tcase_create("pkt");

	tcase_add_test(tc, test_encode_pins_every_offset);
	tcase_add_test(tc, test_encode_first_byte_bits);
	tcase_add_test(tc, test_encode_refuses_short_buffer);
	tcase_add_test(tc, test_decode_pinned_header);
	tcase_add_test(tc, test_decode_signed_poll_precision);
	tcase_add_test(tc, test_encode_decode_roundtrip);
	tcase_add_test(tc, test_request_zero_but_mode_and_nonce);
	tcase_add_test(tc, test_decode_short_is_r_short);
	tcase_add_test(tc, test_decode_len_not_multiple_of_4);
	tcase_add_test(tc, test_decode_ef_shorter_than_16);
	tcase_add_test(tc, test_decode_ef_not_multiple_of_4);
	tcase_add_test(tc, test_decode_ef_longer_than_rest);
	tcase_add_test(tc, test_decode_second_ef_longer_than_rest);
	tcase_add_test(tc, test_decode_last_ef_under_28);
	tcase_add_test(tc, test_decode_bad_mac_length);
	tcase_add_test(tc, test_decode_mac_16);
	tcase_add_test(tc, test_decode_mac_20);
	tcase_add_test(tc, test_decode_crypto_nak);
	tcase_add_test(tc, test_decode_one_ef_then_mac);
	tcase_add_test(tc, test_decode_two_ef_then_mac);
	tcase_add_test(tc, test_decode_one_ef_28_alone);
	tcase_add_test(tc, test_decode_never_reads_past_len);
	tcase_add_test(tc, test_nonce_nonzero_distinct);
	tcase_add_loop_test(tc, test_nonce_without_getrandom, 0, 2);
	tcase_add_test(tc, test_nonce_fallback_spreads_bits);
	tcase_add_test(tc, test_refid_is_ascii);
	tcase_add_test(tc, test_refid_str);
	tcase_add_test(tc, test_refid_str_truncates);
	tcase_add_test(tc, test_refid_str_len_zero_writes_nothing);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pkt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
