/*
 * NTS Key Establishment (RFC 8915 §4): the client's request, the
 * server's records parsed byte by byte, and one exchange over a TLS
 * connection reached through ops (lib/nts_tls.c gives the GnuTLS one),
 * so that everything here is plain C and testable without a network.
 */
#ifndef NTPC_NTS_KE_H
#define NTPC_NTS_KE_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NTS_KE_PORT		4460
#define NTS_ALPN		"ntske/1"
#define NTS_EXPORTER_LABEL	"EXPORTER-network-time-security"
#define NTS_PROTO_NTPV4		0
#define NTS_AEAD_SIV_CMAC_256	15	/* AEAD_AES_SIV_CMAC_256 (RFC 5297) */
#define NTS_KEYLEN		32	/* its key length */
#define NTS_MAXCOOKIES		8
#define NTS_COOKIE_MAXLEN	512
#define NTS_KE_MAXMSG		16384	/* a longer reply is refused */

/* Record types (RFC 8915 §4.1). */
enum nts_ke_rec {
	NTS_REC_EOM = 0,
	NTS_REC_NEXTPROTO = 1,
	NTS_REC_ERROR = 2,
	NTS_REC_WARNING = 3,
	NTS_REC_AEAD = 4,
	NTS_REC_COOKIE = 5,
	NTS_REC_SERVER = 6,
	NTS_REC_PORT = 7
};
#define NTS_REC_CRITICAL	0x8000

/* Why an NTS-KE exchange failed. */
enum nts_ke_err {
	NTS_KE_OK = 0,
	NTS_KE_INCOMPLETE,	/* parse: End of Message not reached yet */
	NTS_KE_TRUNCATED,	/* the server closed before End of Message */
	NTS_KE_TOO_LONG,	/* reply over NTS_KE_MAXMSG */
	NTS_KE_BAD_LENGTH,	/* a record's length is wrong for its type */
	NTS_KE_CRITICAL,	/* an unknown record marked critical */
	NTS_KE_NOT_CRITICAL,	/* a record that must be critical is not */
	NTS_KE_DUPLICATE,	/* a record that may appear once repeated */
	NTS_KE_TRAILING,	/* bytes after End of Message */
	NTS_KE_ERROR_REC,	/* the server sent an Error record */
	NTS_KE_WARNING_REC,	/* the server sent a Warning record */
	NTS_KE_NO_PROTO,	/* no NTPv4 in Next Protocol Negotiation */
	NTS_KE_NO_AEAD,		/* no AEAD_AES_SIV_CMAC_256 */
	NTS_KE_NO_COOKIES,	/* no cookie */
	NTS_KE_BAD_SERVER,	/* Server Negotiation not a host name */
	NTS_KE_CONNECT,		/* TCP connection failed */
	NTS_KE_TLS,		/* TLS error (the TLS layer's text in detail) */
	NTS_KE_CERT,		/* certificate not trusted */
	NTS_KE_CERT_NAME,	/* certificate not for this host name */
	NTS_KE_CERT_TIME,	/* certificate expired or not yet valid */
	NTS_KE_ALPN,		/* the server did not agree to ntske/1 */
	NTS_KE_EXPORT,		/* key export failed */
	NTS_KE_NOMEM,
	NTS_KE_MAX
};

/* What a server's NTS-KE reply said. */
struct nts_ke_reply {
	int		nextproto;	/* -1 none; else the one chosen */
	int		aead;		/* -1 none; else the one chosen */
	int		error;		/* -1 none; else the Error code */
	int		warning;	/* -1 none; else the Warning code */
	int		port;		/* 0: the default (123) */
	char		server[256];	/* "": the NTS-KE server itself */
	size_t		ncookies;
	size_t		cookie_len[NTS_MAXCOOKIES];
	uint8_t		cookie[NTS_MAXCOOKIES][NTS_COOKIE_MAXLEN];
	size_t		len;		/* bytes parsed (up to End of Message) */
};

/*
 * Encode the client request: NTPv4 as next protocol, AES-SIV-CMAC-256 as
 * AEAD, End of Message.  Returns its length, or -1 when cap is too small.
 */
int	nts_ke_request(uint8_t *buf, size_t cap);

/*
 * Parse the records received so far.  Returns NTS_KE_OK when a complete,
 * acceptable reply ended with End of Message, NTS_KE_INCOMPLETE when more
 * bytes are needed, or why the reply is refused.  Never reads past len.
 */
int	nts_ke_parse(const uint8_t *buf, size_t len, struct nts_ke_reply *r);

/* A text for an nts_ke_err; never NULL. */
const char *nts_ke_strerror(int err);

/* The name of an Error record code (RFC 8915 §4.1.3); never NULL. */
const char *nts_ke_error_name(int code);

/* Where to connect, whom to expect, what to trust. */
struct nts_tls_params {
	const struct sockaddr *addr;
	socklen_t	addrlen;
	const char	*name;		/* host name (or address) to verify */
	const char	*cafile;	/* NULL: the system trust store */
	double		timeout;	/* s, for connect, handshake, reads */
};

/*
 * A TLS 1.3 connection with ALPN ntske/1, certificate and name checked.
 * open returns a connection or NULL with *err (an nts_ke_err) and a text
 * in errbuf; send and recv return bytes, 0 at end of stream, or -1 with
 * the text in errbuf; export derives the C2S and S2C keys (RFC 8915 §5.1).
 */
struct nts_tls_ops {
	void	*(*open)(void *ctx, const struct nts_tls_params *p, int *err,
		    char *errbuf, size_t errlen);
	ssize_t	(*send)(void *conn, const uint8_t *buf, size_t len,
		    char *errbuf, size_t errlen);
	ssize_t	(*recv)(void *conn, uint8_t *buf, size_t len,
		    char *errbuf, size_t errlen);
	int	(*export)(void *conn, uint8_t c2s[NTS_KEYLEN],
		    uint8_t s2c[NTS_KEYLEN]);
	void	(*close)(void *conn);
	void	*ctx;
};

/* The result of one NTS-KE exchange. */
struct nts_ke_result {
	struct nts_ke_reply reply;
	uint8_t		c2s[NTS_KEYLEN];
	uint8_t		s2c[NTS_KEYLEN];
	char		detail[256];	/* why it failed, for the user */
};

/*
 * Run one NTS-KE exchange through ops: request, reply, keys.  Returns
 * NTS_KE_OK or why not, with res->detail saying it in words.
 */
int	nts_ke_exchange(const struct nts_tls_ops *ops,
	    const struct nts_tls_params *p, struct nts_ke_result *res);

/*
 * The certificate time rule.  A clock at or after the program's build
 * date is believed: every certificate must be valid now (not_before <=
 * now <= not_after).  A clock before the build date is known to be wrong
 * (a boot with a dead RTC): validity cannot be judged from it, so the
 * build date stands in for now and only not_after is checked against it;
 * a certificate that expired before the program was built is refused.
 * Returns NTS_KE_OK or NTS_KE_CERT_TIME.
 */
int	nts_cert_time_check(int64_t now, int64_t build, int64_t not_before,
	    int64_t not_after);

#endif /* NTPC_NTS_KE_H */
