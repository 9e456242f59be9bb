/*
 * NTS for the query engine: NTS-KE per server address, then signing
 * requests and verifying replies (RFC 8915 §5) as struct ntp_auth_ops.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "nts.h"
#include "nts_aead.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"

#define REFID_NTSN	0x4e54534eU	/* "NTSN" */
#define NTS_KE_PARALLEL	16	/* NTS-KE exchanges at once */

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int
parse_port(const char *s, int *port)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

static int
copy_host(const char *s, size_t n, char *host, size_t hlen)
{
	if (n == 0 || n >= hlen)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

int
nts_split_host(const char *arg, char *host, size_t hlen, int *port)
{
	const char *c = strrchr(arg, ':'), *rb;

	*port = NTS_KE_PORT;
	if (arg[0] == '[') {
		if ((rb = strchr(arg, ']')) == NULL)
			return -1;
		if (rb[1] != '\0' && (rb[1] != ':' ||
		    parse_port(rb + 2, port) != 0))
			return -1;
		return copy_host(arg + 1, (size_t)(rb - arg - 1), host, hlen);
	}
	if (c == NULL || strchr(arg, ':') != c)	/* none, or bare IPv6 */
		return copy_host(arg, strlen(arg), host, hlen);
	if (parse_port(c + 1, port) != 0)
		return -1;
	return copy_host(arg, (size_t)(c - arg), host, hlen);
}

static int	nts_sign(void *, size_t, uint8_t *, size_t, size_t, int *);
static int	nts_verify(void *, size_t, const uint8_t *, size_t,
		    const struct ntp_pkt *);

int
nts_init(struct nts *nts, const struct nts_tls_ops *tls, const char *cafile,
    double timeout, const char *const *args, size_t n, const char **bad)
{
	char host[256];
	size_t i;

	memset(nts, 0, sizeof(*nts));
	nts->tls = tls;
	nts->cafile = cafile;
	nts->timeout = timeout;
	nts->ops.sign = nts_sign;
	nts->ops.verify = nts_verify;
	nts->ops.ctx = nts;
	*bad = NULL;
	if ((nts->names = calloc(n + 1, sizeof(*nts->names))) == NULL ||
	    (nts->ke_port = calloc(n + 1, sizeof(*nts->ke_port))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (nts_split_host(args[i], host, sizeof(host),
		    &nts->ke_port[i]) != 0) {
			*bad = args[i];
			return -1;
		}
		if ((nts->names[i] = strdup(host)) == NULL)
			return -1;
		nts->nnames = i + 1;
	}
	return 0;
}

void
nts_free(struct nts *nts)
{
	size_t i;

	for (i = 0; nts->names != NULL && i < nts->nnames; i++)
		free(nts->names[i]);
	free(nts->names);
	free(nts->ke_port);
	if (nts->peer != NULL)
		explicit_bzero(nts->peer, nts->npeer * sizeof(*nts->peer));
	free(nts->peer);
	memset(nts, 0, sizeof(*nts));
}

const struct ntp_auth_ops *
nts_auth(struct nts *nts)
{
	return &nts->ops;
}

static int
ke_port_of(const struct nts *nts, const char *host)
{
	size_t i;

	for (i = 0; i < nts->nnames; i++)
		if (nts->names[i] == host)
			return nts->ke_port[i];
	return NTS_KE_PORT;
}

static void
set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
}

/* NTPv4 Server Negotiation: the NTP server is elsewhere. */
static int
move_server(struct ntp_server *s, const char *name, struct nts_peer *p)
{
	struct addrinfo hints, *ai;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->addr.ss_family;
	hints.ai_socktype = SOCK_DGRAM;
	if ((r = getaddrinfo(name, NULL, &hints, &ai)) != 0) {
		snprintf(p->detail, sizeof(p->detail), "NTPv4 server %s "
		    "named by NTS-KE does not resolve: %s", name,
		    gai_strerror(r));
		return -1;
	}
	memcpy(&s->addr, ai->ai_addr, ai->ai_addrlen);
	s->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	getnameinfo((struct sockaddr *)&s->addr, s->addrlen, s->addrstr,
	    sizeof(s->addrstr), NULL, 0, NI_NUMERICHOST);
	return 0;
}

static void
keep_result(struct nts_peer *p, const struct nts_ke_result *res)
{
	size_t i;

	memcpy(p->c2s, res->c2s, NTS_KEYLEN);
	memcpy(p->s2c, res->s2c, NTS_KEYLEN);
	p->ncookies = res->reply.ncookies;
	for (i = 0; i < p->ncookies; i++) {
		p->cookie_len[i] = res->reply.cookie_len[i];
		memcpy(p->cookie[i], res->reply.cookie[i], p->cookie_len[i]);
	}
	p->ready = 1;
}

static void
ke_failed(struct ntp_server *s, struct nts_peer *p, int e,
    const struct nts_ke_result *res)
{
	const char *t = nts_ke_strerror(e);

	if (res->detail[0] == '\0')
		snprintf(p->detail, sizeof(p->detail), "%s", t);
	else if (strncmp(res->detail, t, strlen(t)) == 0)	/* says it */
		snprintf(p->detail, sizeof(p->detail), "%s", res->detail);
	else
		snprintf(p->detail, sizeof(p->detail), "%s: %s", t,
		    res->detail);
	s->reason = NTP_R_NTS_KE;
}

static void
establish_one(struct nts *nts, struct ntp_server *s, struct nts_peer *p)
{
	struct nts_ke_result res;
	struct nts_tls_params tp;
	struct sockaddr_storage ke;
	int e;

	ke = s->addr;
	set_port(&ke, ke_port_of(nts, s->host));
	tp.addr = (struct sockaddr *)&ke;
	tp.addrlen = s->addrlen;
	tp.name = s->host;
	tp.cafile = nts->cafile;
	tp.timeout = nts->timeout;
	s->detail = p->detail;
	if ((e = nts_ke_exchange(nts->tls, &tp, &res)) != NTS_KE_OK) {
		ke_failed(s, p, e, &res);
	} else if (res.reply.server[0] != '\0' &&
	    move_server(s, res.reply.server, p) != 0) {
		s->reason = NTP_R_NTS_KE;
	} else {
		keep_result(p, &res);
		set_port(&s->addr, res.reply.port != 0 ? res.reply.port :
		    NTP_PORT);
	}
	explicit_bzero(&res, sizeof(res));
}

/* One NTS-KE exchange on its own thread: it touches only its server. */
struct ke_job {
	struct nts		*nts;
	struct ntp_server	*srv;
	struct nts_peer		*peer;
	pthread_t		tid;
	int			started;
};

static void *
ke_thread(void *arg)
{
	struct ke_job *j = arg;

	establish_one(j->nts, j->srv, j->peer);
	return NULL;
}

/*
 * Up to NTS_KE_PARALLEL exchanges at once, so that N servers cost about
 * one exchange, not N; a thread that cannot be started runs inline.
 */
static void
establish_batch(struct ke_job *jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		jobs[i].started = pthread_create(&jobs[i].tid, NULL,
		    ke_thread, &jobs[i]) == 0;
	for (i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].tid, NULL);
		else
			ke_thread(&jobs[i]);
	}
}

int
nts_establish(struct nts *nts, struct ntp_server *srv, size_t n)
{
	struct ke_job jobs[NTS_KE_PARALLEL];
	size_t i, k = 0;

	if ((nts->peer = calloc(n + 1, sizeof(*nts->peer))) == NULL)
		return -1;
	nts->npeer = n;
	for (i = 0; i < n; i++) {
		if (srv[i].reason != NTP_OK || srv[i].addrlen == 0)
			continue;
		jobs[k].nts = nts;
		jobs[k].srv = &srv[i];
		jobs[k].peer = &nts->peer[i];
		if (++k == NTS_KE_PARALLEL) {
			establish_batch(jobs, k);
			k = 0;
		}
	}
	establish_batch(jobs, k);
	return 0;
}

/*
 * Placeholders ask for cookies to refill the store, as many as both the
 * request and the reply (which carries them encrypted) fit in
 * NTP_PKT_MAXLEN bytes.
 */
static size_t
placeholders(const struct nts_peer *p, size_t clen, size_t off)
{
	size_t ef = 4 + pad4(clen), fixed = off + 4 + NTS_UID_LEN + ef +
	    8 + NTS_NONCE_LEN + NTS_AEAD_TAGLEN, k = 0;

	while (p->ncookies + k + 1 < NTS_MAXCOOKIES &&
	    fixed + (k + 1) * ef + ef <= NTP_PKT_MAXLEN)
		k++;
	return k;
}

static int
build(struct nts_peer *p, uint8_t *buf, size_t len, size_t cap)
{
	uint8_t nonce[NTS_NONCE_LEN], ct[NTS_AEAD_TAGLEN];
	size_t off, clen, k, i;

	if (gnutls_rnd(GNUTLS_RND_NONCE, p->uid, sizeof(p->uid)) < 0 ||
	    gnutls_rnd(GNUTLS_RND_NONCE, nonce, sizeof(nonce)) < 0)
		return -1;
	clen = p->cookie_len[--p->ncookies];
	k = placeholders(p, clen, len);
	off = nts_ef_put(buf, cap, len, NTS_EF_UID, p->uid, sizeof(p->uid));
	if (off != 0)
		off = nts_ef_put(buf, cap, off, NTS_EF_COOKIE,
		    p->cookie[p->ncookies], clen);
	for (i = 0; i < k && off != 0; i++)
		off = nts_ef_put(buf, cap, off, NTS_EF_PLACEHOLDER, NULL,
		    clen);
	if (off == 0 || nts_aead_seal(p->c2s, nonce, sizeof(nonce), buf, off,
	    NULL, 0, ct, sizeof(ct)) != (int)sizeof(ct))
		return -1;
	off = nts_ef_put_auth(buf, cap, off, nonce, sizeof(nonce), ct,
	    sizeof(ct));
	return off == 0 ? -1 : (int)off;
}

static int
nts_sign(void *ctx, size_t idx, uint8_t *buf, size_t len, size_t cap,
    int *reason)
{
	struct nts *nts = ctx;
	struct nts_peer *p;
	int n;

	if (idx >= nts->npeer || !nts->peer[idx].ready) {
		*reason = NTP_R_NTS_KE;
		return -1;
	}
	p = &nts->peer[idx];
	if (p->nak || p->ncookies == 0) {
		*reason = p->nak ? NTP_R_NTS_NAK : NTP_R_NTS_KE;
		if (!p->nak)
			snprintf(p->detail, sizeof(p->detail),
			    "no cookies left");
		return -1;
	}
	if ((n = build(p, buf, len, cap)) < 0) {
		*reason = NTP_R_SEND;
		return -1;
	}
	return n;
}

/* The decrypted fields: new cookies for the next requests. */
static void
take_cookies(struct nts_peer *p, const uint8_t *pt, size_t len)
{
	const uint8_t *body;
	size_t off = 0, blen;
	uint16_t type;

	while (nts_ef_next(pt, len, &off, &type, &body, &blen) == 1)
		if (type == NTS_EF_COOKIE && blen <= NTS_COOKIE_MAXLEN &&
		    p->ncookies < NTS_MAXCOOKIES) {
			memcpy(p->cookie[p->ncookies], body, blen);
			p->cookie_len[p->ncookies++] = blen;
		}
}

static int
nts_verify(void *ctx, size_t idx, const uint8_t *buf, size_t len,
    const struct ntp_pkt *pkt)
{
	struct nts *nts = ctx;
	struct nts_peer *p;
	struct nts_ef_reply r;
	uint8_t pt[NTP_PKT_MAXLEN];
	int e, n;

	if (idx >= nts->npeer || !nts->peer[idx].ready)
		return NTP_R_NTS_KE;
	p = &nts->peer[idx];
	if ((e = nts_ef_parse(buf, len, &r)) == NTP_R_LAYOUT)
		return e;
	if (r.uid == NULL || r.uid_len != NTS_UID_LEN ||
	    memcmp(r.uid, p->uid, NTS_UID_LEN) != 0)
		return NTP_R_NTS_UID;
	if (pkt->stratum == 0 && pkt->refid == REFID_NTSN) {
		p->nak = 1;	/* our cookies are no good there */
		return NTP_R_NTS_NAK;
	}
	if (e != 0)
		return e;
	if ((n = nts_aead_open(p->s2c, r.nonce, r.nonce_len, buf, r.auth_off,
	    r.ct, r.ct_len, pt, sizeof(pt))) < 0)
		return NTP_R_NTS_AUTH;
	take_cookies(p, pt, (size_t)n);
	return 0;
}
