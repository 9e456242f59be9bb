/*
 * NTS-KE's TLS connection on GnuTLS: TCP connect with a timeout, TLS 1.3
 * only, ALPN ntske/1, the certificate chain checked against the system
 * trust store or a given CA file, the host name always, certificate
 * times by the rule of nts_cert_time_check(), keys from the RFC 5705
 * exporter with the RFC 8915 §5.1 context.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "nts_tls.h"
#include "ntp_ts.h"

/*
 * The whole exchange ends within NTS_KE_STEPS timeouts of its start: a
 * server that trickles its reply a byte at a time cannot hold us longer.
 */
#define NTS_KE_STEPS	3

struct conn {
	gnutls_session_t		s;
	gnutls_certificate_credentials_t cred;
	int				fd;
	struct timespec			deadline;	/* monotonic */
};

static int
ms(double s)
{
	return s <= 0 ? 0 : (int)(s * 1000 + 0.5);
}

static void
deadline_in(struct timespec *t, double sec)
{
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, t);
	ns = (int64_t)t->tv_nsec + (int64_t)(sec * 1e9);
	t->tv_sec += (time_t)(ns / 1000000000);
	t->tv_nsec = (long)(ns % 1000000000);
}

/* Milliseconds left before the deadline, at least 1 (0 is "forever"). */
static unsigned
left_ms(const struct conn *c)
{
	struct timespec now;
	double d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d = (double)(c->deadline.tv_sec - now.tv_sec) +
	    (double)(c->deadline.tv_nsec - now.tv_nsec) / 1e9;
	return d <= 0.001 ? 1 : (unsigned)ms(d);
}

/* connect() with a deadline; the socket stays blocking afterwards. */
static int
tcp_connect(const struct nts_tls_params *p, char *errbuf, size_t errlen)
{
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	const char *msg;
	int fd, err = 0, fl, one = 1;

	if ((fd = socket(p->addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) < 0)
		goto fail;
	fl = fcntl(fd, F_GETFL);
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		goto fail;
	if (connect(fd, p->addr, p->addrlen) < 0 && errno != EINPROGRESS)
		goto fail;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, ms(p->timeout)) != 1) {
		errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0 || err != 0) {
		errno = err != 0 ? err : errno;
		goto fail;
	}
	/* The request follows the handshake's last flight at once: without
	 * this, Nagle holds it until the server's delayed ACK (40 ms). */
	if (fcntl(fd, F_SETFL, fl) < 0 || setsockopt(fd, IPPROTO_TCP,
	    TCP_NODELAY, &one, sizeof(one)) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	if ((msg = strerror_r(err, errbuf, errlen)) != errbuf)	/* GNU */
		snprintf(errbuf, errlen, "%s", msg);
	if (fd >= 0)
		close(fd);
	return -1;
}

static void
conn_free(struct conn *c)
{
	if (c->s != NULL) {
		gnutls_deinit(c->s);
	}
	if (c->cred != NULL)
		gnutls_certificate_free_credentials(c->cred);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static int
tls_fail(int r, const char *what, char *errbuf, size_t errlen)
{
	snprintf(errbuf, errlen, "%s: %s", what, gnutls_strerror(r));
	return NTS_KE_TLS;
}

/* Is the host given as an address (no SNI then, IP SAN checked)? */
static int
is_address(const char *name)
{
	return strchr(name, ':') != NULL ||
	    strspn(name, "0123456789.") == strlen(name);
}

static int
setup(struct conn *c, const struct nts_tls_params *p, char *errbuf,
    size_t errlen)
{
	static const char alpn[] = NTS_ALPN;
	gnutls_datum_t proto = { (unsigned char *)(uintptr_t)alpn,
	    sizeof(alpn) - 1 };
	int r;

	if ((r = gnutls_certificate_allocate_credentials(&c->cred)) < 0)
		return tls_fail(r, "credentials", errbuf, errlen);
	r = p->cafile != NULL ?
	    gnutls_certificate_set_x509_trust_file(c->cred, p->cafile,
	    GNUTLS_X509_FMT_PEM) :
	    gnutls_certificate_set_x509_system_trust(c->cred);
	if (r <= 0) {
		snprintf(errbuf, errlen, "no CA certificate loaded from %s%s%s",
		    p->cafile != NULL ? p->cafile : "the system trust store",
		    r < 0 ? ": " : "", r < 0 ? gnutls_strerror(r) : "");
		return NTS_KE_CERT;
	}
	/* Times are judged by nts_cert_time_check(), after the handshake. */
	gnutls_certificate_set_verify_flags(c->cred,
	    GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
	    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
	if ((r = gnutls_init(&c->s, GNUTLS_CLIENT)) < 0 ||
	    (r = gnutls_priority_set_direct(c->s,
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL)) < 0 ||
	    (r = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE,
	    c->cred)) < 0 ||
	    (r = gnutls_alpn_set_protocols(c->s, &proto, 1, 0)) < 0)
		return tls_fail(r, "setup", errbuf, errlen);
	if (!is_address(p->name) && (r = gnutls_server_name_set(c->s,
	    GNUTLS_NAME_DNS, p->name, strlen(p->name))) < 0)
		return tls_fail(r, "server name", errbuf, errlen);
	gnutls_transport_set_int(c->s, c->fd);
	gnutls_handshake_set_timeout(c->s, left_ms(c));
	return NTS_KE_OK;
}

static void
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* Chain and name, with GnuTLS's words for what is wrong. */
static int
verify_chain(struct conn *c, const char *name, char *errbuf, size_t errlen)
{
	gnutls_datum_t txt;
	unsigned status;
	int r;

	if ((r = gnutls_certificate_verify_peers3(c->s, name, &status)) < 0)
		return tls_fail(r, "certificate", errbuf, errlen);
	if (status == 0)
		return NTS_KE_OK;
	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &txt, 0) == 0) {
		snprintf(errbuf, errlen, "%s", (const char *)txt.data);
		gnutls_free(txt.data);
		trim(errbuf);
	}
	if (status == (GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER)) {
		snprintf(errbuf, errlen, "the server's certificate is not for "
		    "%s", name);
		return NTS_KE_CERT_NAME;
	}
	return NTS_KE_CERT;
}

/* Every certificate the server sent, by the rule in nts_ke.h. */
static int
verify_times(struct conn *c, char *errbuf, size_t errlen)
{
	const gnutls_datum_t *chain;
	gnutls_x509_crt_t crt;
	unsigned i, n = 0;
	int64_t nb, na;
	int e = NTS_KE_OK;

	if ((chain = gnutls_certificate_get_peers(c->s, &n)) == NULL)
		return NTS_KE_CERT;
	for (i = 0; i < n && e == NTS_KE_OK; i++) {
		if (gnutls_x509_crt_init(&crt) < 0)
			return NTS_KE_NOMEM;
		if (gnutls_x509_crt_import(crt, &chain[i],
		    GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crt);
			return NTS_KE_CERT;
		}
		nb = (int64_t)gnutls_x509_crt_get_activation_time(crt);
		na = (int64_t)gnutls_x509_crt_get_expiration_time(crt);
		gnutls_x509_crt_deinit(crt);
		e = nts_cert_time_check((int64_t)time(NULL),
		    ntp_build_epoch(), nb, na);
	}
	if (e != NTS_KE_OK && i == 1)
		snprintf(errbuf, errlen, "the server's certificate");
	else if (e != NTS_KE_OK)
		snprintf(errbuf, errlen, "certificate %u of the server's "
		    "chain", i - 1);
	return e;
}

static int
handshake(struct conn *c, const struct nts_tls_params *p, char *errbuf,
    size_t errlen)
{
	gnutls_datum_t sel;
	int r, e;

	do {
		r = gnutls_handshake(c->s);
	} while (r < 0 && gnutls_error_is_fatal(r) == 0);
	if (r < 0)
		return tls_fail(r, "handshake", errbuf, errlen);
	if ((e = verify_chain(c, p->name, errbuf, errlen)) != NTS_KE_OK ||
	    (e = verify_times(c, errbuf, errlen)) != NTS_KE_OK)
		return e;
	if (gnutls_alpn_get_selected_protocol(c->s, &sel) < 0 ||
	    sel.size != sizeof(NTS_ALPN) - 1 ||
	    memcmp(sel.data, NTS_ALPN, sel.size) != 0) {
		snprintf(errbuf, errlen, "no ALPN ntske/1 from the server");
		return NTS_KE_ALPN;
	}
	return NTS_KE_OK;
}

static void *
tls_open(void *ctx, const struct nts_tls_params *p, int *err, char *errbuf,
    size_t errlen)
{
	struct conn *c;

	(void)ctx;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*err = NTS_KE_NOMEM;
		return NULL;
	}
	deadline_in(&c->deadline, NTS_KE_STEPS * p->timeout);
	if ((c->fd = tcp_connect(p, errbuf, errlen)) < 0) {
		*err = NTS_KE_CONNECT;
		conn_free(c);
		return NULL;
	}
	if ((*err = setup(c, p, errbuf, errlen)) != NTS_KE_OK ||
	    (*err = handshake(c, p, errbuf, errlen)) != NTS_KE_OK) {
		conn_free(c);
		return NULL;
	}
	return c;
}

static ssize_t
tls_send(void *conn, const uint8_t *buf, size_t len, char *errbuf,
    size_t errlen)
{
	struct conn *c = conn;
	ssize_t r;

	do {
		r = gnutls_record_send(c->s, buf, len);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r < 0) {
		tls_fail((int)r, "send", errbuf, errlen);
		return -1;
	}
	return r;
}

static ssize_t
tls_recv(void *conn, uint8_t *buf, size_t len, char *errbuf, size_t errlen)
{
	struct conn *c = conn;
	ssize_t r;

	do {
		gnutls_record_set_timeout(c->s, left_ms(c));
		r = gnutls_record_recv(c->s, buf, len);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;	/* closed without close_notify: truncated */
	if (r < 0) {
		tls_fail((int)r, "receive", errbuf, errlen);
		return -1;
	}
	return r;
}

/* RFC 8915 §5.1: context = protocol id, AEAD id, 0 (C2S) or 1 (S2C). */
static int
tls_export(void *conn, uint8_t c2s[NTS_KEYLEN], uint8_t s2c[NTS_KEYLEN])
{
	static const char label[] = NTS_EXPORTER_LABEL;
	struct conn *c = conn;
	char ctx[5] = { 0, NTS_PROTO_NTPV4, 0, NTS_AEAD_SIV_CMAC_256, 0 };

	if (gnutls_prf_rfc5705(c->s, sizeof(label) - 1, label, sizeof(ctx),
	    ctx, NTS_KEYLEN, (char *)c2s) < 0)
		return -1;
	ctx[4] = 1;
	return gnutls_prf_rfc5705(c->s, sizeof(label) - 1, label,
	    sizeof(ctx), ctx, NTS_KEYLEN, (char *)s2c) < 0 ? -1 : 0;
}

static void
tls_close(void *conn)
{
	struct conn *c = conn;

	gnutls_bye(c->s, GNUTLS_SHUT_WR);
	conn_free(c);
}

const struct nts_tls_ops *
nts_tls_system(void)
{
	static const struct nts_tls_ops ops = {
		tls_open, tls_send, tls_recv, tls_export, tls_close, NULL
	};

	return &ops;
}
