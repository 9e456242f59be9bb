/*
 * Wire format, decoded and encoded byte by byte (RFC 5905 §7.3, RFC 7822).
 */
#include <sys/auxv.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_pkt.h"
#include "ntp_reason.h"

static uint32_t
be32dec(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint64_t
be64dec(const uint8_t *p)
{
	return ((uint64_t)be32dec(p) << 32) | be32dec(p + 4);
}

static uint16_t
be16dec(const uint8_t *p)
{
	return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}

static void
be32enc(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
be64enc(uint8_t *p, uint64_t v)
{
	be32enc(p, (uint32_t)(v >> 32));
	be32enc(p + 4, (uint32_t)v);
}

int
ntp_pkt_encode(const struct ntp_pkt *p, uint8_t *buf, size_t len)
{
	if (len < NTP_HEADER_LEN)
		return -1;
	buf[0] = (uint8_t)(((p->leap & 3) << 6) | ((p->version & 7) << 3) |
	    (p->mode & 7));
	buf[1] = p->stratum;
	buf[2] = (uint8_t)p->poll;
	buf[3] = (uint8_t)p->precision;
	be32enc(buf + 4, p->rootdelay);
	be32enc(buf + 8, p->rootdisp);
	be32enc(buf + 12, p->refid);
	be64enc(buf + 16, p->reftime);
	be64enc(buf + 24, p->org);
	be64enc(buf + 32, p->rec);
	be64enc(buf + 40, p->xmt);
	return NTP_HEADER_LEN;
}

static void
decode_header(const uint8_t *buf, struct ntp_pkt *p)
{
	p->leap = buf[0] >> 6;
	p->version = (buf[0] >> 3) & 7;
	p->mode = buf[0] & 7;
	p->stratum = buf[1];
	p->poll = (int8_t)buf[2];
	p->precision = (int8_t)buf[3];
	p->rootdelay = be32dec(buf + 4);
	p->rootdisp = be32dec(buf + 8);
	p->refid = be32dec(buf + 12);
	p->reftime = be64dec(buf + 16);
	p->org = be64dec(buf + 24);
	p->rec = be64dec(buf + 32);
	p->xmt = be64dec(buf + 40);
}

/* A MAC is recognised by its length: key id plus 0, 16 or 20 bytes. */
static int
decode_mac(const uint8_t *buf, size_t off, size_t rest, struct ntp_pkt *p)
{
	if (rest != 4 && rest != 4 + 16 && rest != 4 + 20)
		return -1;
	p->has_mac = 1;
	p->keyid = be32dec(buf + off);
	p->mac_len = rest - 4;
	memcpy(p->mac, buf + off + 4, p->mac_len);
	p->auth_len = off;
	return 0;
}

/*
 * Walk the extension fields after the header (RFC 7822 §3).  A remainder
 * of 24 bytes or less can only be a MAC: a last field without a MAC is at
 * least NTP_EF_LASTMIN (28) bytes, which is what makes the two distinct.
 */
static int
decode_tail(const uint8_t *buf, size_t len, struct ntp_pkt *p)
{
	size_t off = NTP_HEADER_LEN, rest, eflen;

	while (off < len) {
		rest = len - off;
		if (rest <= 4 + NTP_MAC_MAXLEN)
			return decode_mac(buf, off, rest, p) == 0 ? 0 :
			    NTP_R_LAYOUT;
		eflen = be16dec(buf + off + 2);
		if (eflen < NTP_EF_MINLEN || eflen % 4 != 0 || eflen > rest)
			return NTP_R_LAYOUT;
		p->ext_count++;
		p->ext_len += eflen;
		off += eflen;
	}
	return 0;
}

int
ntp_pkt_decode(const uint8_t *buf, size_t len, struct ntp_pkt *p)
{
	memset(p, 0, sizeof(*p));
	if (len < NTP_HEADER_LEN)
		return NTP_R_SHORT;
	if (len % 4 != 0)
		return NTP_R_LAYOUT;
	decode_header(buf, p);
	p->auth_len = len;
	return decode_tail(buf, len, p);
}

void
ntp_pkt_request(uint8_t buf[NTP_HEADER_LEN], int version, ntp_ts_t nonce)
{
	struct ntp_pkt p;

	memset(&p, 0, sizeof(p));
	p.version = (uint8_t)version;
	p.mode = NTP_MODE_CLIENT;
	p.xmt = nonce;
	ntp_pkt_encode(&p, buf, NTP_HEADER_LEN);
}

/* SipHash-2-4 (Aumasson and Bernstein), the fallback's mixer. */
#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL64(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL64(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL64(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL64(v[2], 32);
}

static uint64_t
siphash(const uint64_t key[2], const uint64_t *m, size_t nwords)
{
	uint64_t v[4] = { 0x736f6d6570736575ULL, 0x646f72616e646f6dULL,
	    0x6c7967656e657261ULL, 0x7465646279746573ULL };
	size_t i;

	v[0] ^= key[0];
	v[1] ^= key[1];
	v[2] ^= key[0];
	v[3] ^= key[1];
	for (i = 0; i <= nwords; i++) {
		/* The last block is the length, as SipHash pads it. */
		uint64_t w = i < nwords ? m[i] : (uint64_t)(nwords * 8) << 56;

		v[3] ^= w;
		sip_round(v);
		sip_round(v);
		v[0] ^= w;
	}
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Eight bytes of /dev/urandom, which never blocks (it may be unseeded
 * this early, so it is only one input of the mix); 0 when unreadable. */
static uint64_t
urandom64(void)
{
	uint64_t v = 0;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		v = 0;
	close(fd);
	return v;
}

/*
 * When the kernel's generator is not seeded yet (getrandom EAGAIN, at
 * boot on boards without an entropy source) or absent (ENOSYS): the
 * per-process AT_RANDOM bytes the kernel gave us at exec as the key, and
 * the clocks, /dev/urandom, the previous nonce in *out and where it lives
 * as the message.  Unpredictable to anyone who cannot read this process;
 * distinct from call to call because the previous nonce is an input.
 */
static int
nonce_fallback(ntp_ts_t *out)
{
	const unsigned char *at = (const unsigned char *)getauxval(AT_RANDOM);
	uint64_t key[2], m[6];

	if (at == NULL) {
		errno = ENOSYS;
		return -1;
	}
	memcpy(key, at, sizeof(key));
	m[0] = clock_ns(CLOCK_REALTIME);
	m[1] = clock_ns(CLOCK_MONOTONIC);
	m[2] = clock_ns(CLOCK_PROCESS_CPUTIME_ID) ^ ((uint64_t)getpid() << 32);
	m[3] = urandom64();
	m[4] = *out;
	m[5] = (uint64_t)(uintptr_t)out;
	*out = siphash(key, m, 6);
	return 0;
}

int
ntp_nonce(ntp_ts_t *out)
{
	ntp_ts_t v = 0;
	ssize_t n;

	do {
		n = getrandom(&v, sizeof(v), GRND_NONBLOCK);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(v))
		*out = v;
	else if (nonce_fallback(out) != 0)
		return -1;
	if (*out == 0)
		*out = 1;	/* zero means "unknown" on the wire */
	return 0;
}

int
ntp_refid_is_ascii(uint32_t refid)
{
	int i;
	unsigned c;

	for (i = 0; i < 4; i++) {
		c = (refid >> (24 - 8 * i)) & 0xff;
		if (c < 0x20 || c > 0x7e)
			return 0;
	}
	return 1;
}

/*
 * A stratum 1 refid is "a four-octet, left-justified, zero-padded ASCII
 * string" (RFC 5905 §7.3): "GPS\0", "PPS\0".  Printable bytes, then only
 * zero bytes, at least one printable.
 */
static int
refid_is_text(uint32_t refid)
{
	int i;
	unsigned c;

	for (i = 0; i < 4; i++) {
		c = (refid >> (24 - 8 * i)) & 0xff;
		if (c == 0 && i > 0)
			return (refid & (0xffffffffU >> (8 * i))) == 0;
		if (c < 0x20 || c > 0x7e)
			return 0;
	}
	return 1;
}

const char *
ntp_refid_str(uint32_t refid, int stratum, char *buf, size_t len)
{
	int i, n = 0;
	char c;

	if (len == 0)
		return buf;
	if (stratum <= 1 && refid_is_text(refid)) {
		for (i = 0; i < 4 && (size_t)n + 1 < len; i++) {
			c = (char)((refid >> (24 - 8 * i)) & 0xff);
			if (c == ' ' || c == '\0')
				break;
			buf[n++] = c;
		}
		buf[n] = '\0';
		return buf;
	}
	snprintf(buf, len, "%u.%u.%u.%u", refid >> 24, (refid >> 16) & 0xff,
	    (refid >> 8) & 0xff, refid & 0xff);
	return buf;
}
