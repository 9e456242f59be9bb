/*
 * NTS for the query engine (RFC 8915): host[:port] arguments, one NTS-KE
 * exchange per server address before the query, then the engine's
 * struct ntp_auth_ops: requests carry a unique identifier, a cookie,
 * placeholders and an authenticator; replies are believed only when the
 * identifier matches and the authenticator verifies with the S2C key.
 * The server's new cookies are kept for the next request.
 */
#ifndef NTPC_NTS_H
#define NTPC_NTS_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_engine.h"
#include "nts_ef.h"
#include "nts_ke.h"

/* One server address's NTS state. */
struct nts_peer {
	int		ready;		/* keys and cookies from NTS-KE */
	int		nak;		/* the server sent NTSN */
	uint8_t		c2s[NTS_KEYLEN];
	uint8_t		s2c[NTS_KEYLEN];
	size_t		ncookies;
	size_t		cookie_len[NTS_MAXCOOKIES];
	uint8_t		cookie[NTS_MAXCOOKIES][NTS_COOKIE_MAXLEN];
	uint8_t		uid[NTS_UID_LEN];	/* of the last request */
	char		detail[320];	/* why NTS failed, for the user */
};

struct nts {
	const struct nts_tls_ops *tls;
	const char	*cafile;	/* NULL: the system trust store */
	double		timeout;	/* s, per NTS-KE step */
	char		**names;	/* the hosts without their :port */
	int		*ke_port;	/* NTS-KE port of each name */
	size_t		nnames;
	struct nts_peer	*peer;		/* one per server address */
	size_t		npeer;
	struct ntp_auth_ops ops;
};

/*
 * Split n "host", "host:port", "[v6]:port" arguments; nts->names is then
 * the host list to resolve.  Returns 0, or -1 (out of memory, or a bad
 * port: *bad is then the argument).
 */
int	nts_init(struct nts *nts, const struct nts_tls_ops *tls,
	    const char *cafile, double timeout, const char *const *args,
	    size_t n, const char **bad);

/*
 * Run NTS-KE with every server whose reason is NTP_OK (their host
 * pointers must come from nts->names), several at once on threads.  A failure makes the reason
 * NTP_R_NTS_KE with the why in detail; a success may move the server's
 * address and port where NTPv4 Server/Port Negotiation says.  Returns 0,
 * or -1 when out of memory.
 */
int	nts_establish(struct nts *nts, struct ntp_server *srv, size_t n);

/* The engine's authentication ops over this state. */
const struct ntp_auth_ops *nts_auth(struct nts *nts);

/* Free what nts_init and nts_establish allocated. */
void	nts_free(struct nts *nts);

/* Split one "host[:port]" argument; 0, or -1 for a bad port. */
int	nts_split_host(const char *arg, char *host, size_t hlen, int *port);

#endif /* NTPC_NTS_H */
