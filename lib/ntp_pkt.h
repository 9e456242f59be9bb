/*
 * Wire format: the RFC 5905 header, RFC 7822 extension fields, the MAC.
 */
#ifndef NTPC_PKT_H
#define NTPC_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_ts.h"

#define NTP_HEADER_LEN	48
#define NTP_PKT_MAXLEN	1024	/* receive buffer: header, fields, MAC */
#define NTP_MAC_MAXLEN	20	/* SHA1; MD5 and AES-CMAC are 16 */
#define NTP_EF_MINLEN	16	/* RFC 7822 §3 */
#define NTP_EF_LASTMIN	28	/* RFC 7822 §3: last field without a MAC */

#define NTP_MODE_SYMACT		1
#define NTP_MODE_SYMPAS		2
#define NTP_MODE_CLIENT		3
#define NTP_MODE_SERVER		4

#define NTP_LEAP_NONE		0
#define NTP_LEAP_ADD		1
#define NTP_LEAP_DEL		2
#define NTP_LEAP_UNSYNC		3

/* A decoded packet in host order. */
struct ntp_pkt {
	uint8_t		leap;		/* LI, 2 bits */
	uint8_t		version;	/* VN, 3 bits */
	uint8_t		mode;		/* 3 bits */
	uint8_t		stratum;
	int8_t		poll;
	int8_t		precision;	/* log2 seconds */
	uint32_t	rootdelay;	/* 16.16 */
	uint32_t	rootdisp;	/* 16.16 */
	uint32_t	refid;
	ntp_ts_t	reftime;
	ntp_ts_t	org;		/* origin: our transmit nonce */
	ntp_ts_t	rec;		/* T2 */
	ntp_ts_t	xmt;		/* T3 */
	size_t		ext_count;	/* RFC 7822 extension fields seen */
	size_t		ext_len;	/* their total length in bytes */
	int		has_mac;	/* 1 when a MAC (or crypto-NAK) follows */
	uint32_t	keyid;
	size_t		mac_len;	/* digest bytes: 0 (crypto-NAK), 16, 20 */
	uint8_t		mac[NTP_MAC_MAXLEN];
	size_t		auth_len;	/* bytes covered by the MAC */
};

/* Encode the 48-byte header of p into buf (len >= 48); returns 48 or -1. */
int	ntp_pkt_encode(const struct ntp_pkt *p, uint8_t *buf, size_t len);

/*
 * Decode len bytes of buf into p.  Returns 0 or a reason (NTP_R_SHORT,
 * NTP_R_LAYOUT); never reads past len.
 */
int	ntp_pkt_decode(const uint8_t *buf, size_t len, struct ntp_pkt *p);

/*
 * Build a client request: every field zero except version and mode, the
 * transmit timestamp a random nonce (RFC 9109 data minimisation).
 */
void	ntp_pkt_request(uint8_t buf[NTP_HEADER_LEN], int version,
	    ntp_ts_t nonce);

/*
 * A random non-zero 64-bit nonce that never blocks: getrandom() with
 * GRND_NONBLOCK; before the kernel's generator is seeded (EAGAIN) or
 * without getrandom (ENOSYS), a SipHash of the kernel's per-process
 * AT_RANDOM key over the clocks, /dev/urandom and the previous *out.
 * Returns 0, or -1 with errno ENOSYS when no source at all is there.
 */
int	ntp_nonce(ntp_ts_t *out);

/*
 * The refid as text: four ASCII letters, or a dotted quad, in buf of len
 * bytes (cut to fit; nothing written when len is 0).
 */
const char *ntp_refid_str(uint32_t refid, int stratum, char *buf,
	    size_t len);

/* 1 when all four refid bytes are printable ASCII (a kiss code). */
int	ntp_refid_is_ascii(uint32_t refid);

#endif /* NTPC_PKT_H */
