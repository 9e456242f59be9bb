/*
 * ntp-testd: a scriptable NTP server for the integration tests.
 *
 * Each SPEC on the command line binds one UDP socket and describes how that
 * server behaves: its clock (offset or absolute start time), emulated
 * one-way delays and jitter, header fields, and faults (silence, Kiss-o'-Death,
 * bad origin, spoofed replies, truncation, duplicates, loss, extension
 * fields, MACs).  Every received request is logged, one line each, so a test
 * can count requests per server and check their spacing.
 *
 * ntp-testd [-L logfile] [-P pidfile] [-T max_runtime_s] [-S seed] SPEC...
 *   -L  request log (default stdout), one line per datagram:
 *       MONO_SECONDS SERVER_ADDR CLIENT_ADDR CLIENT_PORT ACTION
 *       ACTION: replied, silent, dropped, kod, ignored
 *   -P  pid file, written once every socket is bound, removed on exit
 *   -T  exit after this many seconds (default 60); also on SIGTERM/SIGINT
 *   -S  PRNG seed for jitter and loss (default 1)
 * SPEC: ADDR[@PORT][,key=value|,flag]...  (numeric IPv4/IPv6, port 123)
 *   0.0.0.0 serves every local IPv4 address (all of 127/8 on loopback):
 *   each reply leaves from the address its request came to, and the log
 *   names that address.
 *   clock:   offset=SEC time=UNIXSEC
 *   delays:  dreq=SEC dresp=SEC jreq=SEC jresp=SEC
 *   header:  stratum=N leap=N refid=ABCD|a.b.c.d|0xHEX rootdelay=SEC
 *            rootdisp=SEC precision=N version=N poll=N refage=SEC mode=N
 *   faults:  silent kod=CODE unsync wrong_origin spoof zero_xmt zero_rec
 *            truncate=N dup=N drop=P dropfirst=N ext mac=16|20 keyid=N
 *            pad=N (N zero bytes after it all: an oversized datagram)
 *   hostile: hold=SEC  claims T3 = T2 + SEC (an impossible processing time)
 *            straddle  claims a clock 2^31 s + 1 ms ahead, T3 = T2 + 0.1 ms,
 *                      and replies 5 ms after receipt: T2 - T1 wraps past
 *                      2^31 s while T3 - T4 does not (era boundary attack)
 *            nak
 *   mac=16|20 appends keyid=N (default 1) and a forged digest (0xa5
 *   bytes); nak appends a crypto-NAK (key id 0, no digest, RFC 5905 §7.4).
 *   relay=a.b.c.d (IPv4): an on-path forger.  Each request is answered at
 *   once with this SPEC's own reply (origin right, MAC as above), then
 *   passed on to a.b.c.d port 123, whose reply goes back to the client
 *   as it came: the forged reply always arrives first.
 *
 * Standalone on purpose: it must not share bugs with lib/.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NSEC		1000000000LL
#define NTP_UNIX_DELTA	2208988800LL	/* seconds from 1900 to 1970 */
#define NTP_HDRLEN	48		/* RFC 5905 section 7.3 */
#define EXT_LEN		28		/* RFC 7822 minimum without a MAC */
#define EXT_TYPE	0x2005		/* RFC 7821 checksum complement */
#define MAC_KEYLEN	4
#define PADMAX		1400		/* bytes pad= may add */
#define PKTMAX		(NTP_HDRLEN + EXT_LEN + MAC_KEYLEN + 20 + PADMAX)
#define RECVMAX		2048
#define MAXSPECS	256
#define MAXPENDING	1024
#define MAXOFFSET	6e9		/* keeps served ns inside int64_t */
#define UNSET		(-1000)		/* "take it from the request" */
#define T3_AFTER_T2	1000		/* ns of emulated processing */
#define SPOOF_SHIFT	1000		/* seconds added by the spoofer */
#define RELAYMAX	64		/* relay=: requests remembered */
#define RELAYLEN	256		/* relay=: longest request passed on */
#define STRADDLE_OFF	(2147483648LL * NSEC + 1000000)	/* 2^31 s + 1 ms */
#define STRADDLE_WAIT	5000000		/* ns before a straddle reply */
#define STRADDLE_HOLD	100000		/* ns of claimed processing */

enum action { A_REPLIED, A_SILENT, A_DROPPED, A_KOD, A_IGNORED };

static const char *const action_names[] = {
	"replied", "silent", "dropped", "kod", "ignored"
};

struct spec {
	const char		*text;
	char			 name[NI_MAXHOST];
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	int			 fd;
	int64_t			 offset_ns;	/* served clock - real clock */
	uint64_t		 rng;		/* this server's PRNG state */
	unsigned long		 nreq;
	double			 offset, time;
	double			 dreq, dresp, jreq, jresp;
	double			 rootdelay, rootdisp, refage, drop;
	long			 stratum, leap, precision, version, poll;
	long			 mode, truncate, dup, dropfirst, mac, keyid;
	long			 pad;
	uint32_t		 refid, kod;
	int			 silent, unsync, wrong_origin, spoof;
	int			 zero_xmt, zero_rec, ext, straddle, nak;
	double			 hold;		/* claimed T3 - T2, s; NAN */
	uint32_t		 relay;		/* upstream IPv4, or 0 */
	int			 upfd;		/* socket to it, or -1 */
	struct relayed {			/* requests passed on */
		uint8_t			 req[RELAYLEN];
		size_t			 len;		/* 0: sent already */
		struct sockaddr_storage	 client;	/* its reply's way */
		socklen_t		 clientlen;
	}			 relayed[RELAYMAX];
	size_t			 nrelayed;	/* ring position */
};

/* A reply waiting for its emulated server-to-client delay to pass. */
struct pending {
	int64_t			 due;		/* CLOCK_MONOTONIC ns */
	int64_t			 t2;		/* served clock at T2, ns */
	int64_t			 dresp;		/* this reply's way back, ns */
	const struct spec	*sp;
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	struct in_addr		 dst;		/* wildcard: reply from here */
	int			 have_dst;
	uint8_t			 pkt[PKTMAX];
	size_t			 len;
};

struct server {
	struct spec	 specs[MAXSPECS];
	size_t		 nspecs;
	struct pending	*pend;
	size_t		 npend;
	FILE		*log;
	int64_t		 deadline;	/* CLOCK_MONOTONIC ns */
};

struct opts {
	const char	*logpath;
	const char	*pidpath;
	double		 runtime;
	long		 seed;
};

enum ktype { K_FLAG, K_INT, K_DBL, K_REFID, K_CODE };

struct key {
	const char	*name;
	enum ktype	 type;
	size_t		 off;
	double		 min, max;
};

#define KEY(n, t, lo, hi)	{ #n, t, offsetof(struct spec, n), lo, hi }

static const struct key keys[] = {
	KEY(offset, K_DBL, -MAXOFFSET, MAXOFFSET),
	KEY(time, K_DBL, -MAXOFFSET, MAXOFFSET),
	KEY(dreq, K_DBL, 0, 3600),
	KEY(dresp, K_DBL, 0, 3600),
	KEY(jreq, K_DBL, 0, 3600),
	KEY(jresp, K_DBL, 0, 3600),
	KEY(stratum, K_INT, 0, 255),
	KEY(leap, K_INT, 0, 3),
	KEY(refid, K_REFID, 0, 0),
	KEY(rootdelay, K_DBL, 0, 65535),
	KEY(rootdisp, K_DBL, 0, 65535),
	KEY(precision, K_INT, -128, 127),
	KEY(version, K_INT, 0, 7),
	KEY(poll, K_INT, -128, 127),
	KEY(refage, K_DBL, -1e9, 1e9),
	KEY(mode, K_INT, 0, 7),
	KEY(silent, K_FLAG, 0, 0),
	KEY(kod, K_CODE, 0, 0),
	KEY(unsync, K_FLAG, 0, 0),
	KEY(wrong_origin, K_FLAG, 0, 0),
	KEY(spoof, K_FLAG, 0, 0),
	KEY(zero_xmt, K_FLAG, 0, 0),
	KEY(zero_rec, K_FLAG, 0, 0),
	KEY(truncate, K_INT, 0, PKTMAX),
	KEY(dup, K_INT, 0, 100),
	KEY(drop, K_DBL, 0, 1),
	KEY(dropfirst, K_INT, 0, 1e9),
	KEY(nak, K_FLAG, 0, 0),
	KEY(ext, K_FLAG, 0, 0),
	KEY(pad, K_INT, 0, PADMAX),
	KEY(mac, K_INT, 0, 20),
	KEY(keyid, K_INT, 0, 4294967295.0),
	KEY(hold, K_DBL, 0, 1e6),
	KEY(straddle, K_FLAG, 0, 0),
	KEY(relay, K_REFID, 0, 0),
};

static volatile sig_atomic_t quit;

static void
usage(void)
{
	fprintf(stderr, "usage: ntp-testd [-L logfile] [-P pidfile] "
	    "[-T max_runtime_s] [-S seed]\n"
	    "                 ADDR[@PORT][,key=value|,flag]...\n");
	exit(1);
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int64_t
clock_ns(clockid_t id)
{
	struct timespec	 ts;

	if (clock_gettime(id, &ts) == -1)
		err(1, "clock_gettime");
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Rounded to the nearest ns; callers keep |sec| under MAXOFFSET. */
static int64_t
sec_to_ns(double sec)
{
	double	 ns = sec * 1e9;

	return (int64_t)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

/* splitmix64: small, seedable, good enough to draw jitter and loss. */
static uint64_t
rng_next(uint64_t *state)
{
	uint64_t	 z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Each server draws from its own stream, so how requests to different
 * servers interleave does not change what one server does.
 */
static uint64_t
rng_seed(long seed, size_t index)
{
	uint64_t	 state = (uint64_t)seed ^ (uint64_t)index << 48;

	return rng_next(&state);
}

/* Uniform in [0, 1). */
static double
rng_unit(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) * 0x1p-53;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

/*
 * Unix time in ns to an NTP 32.32 timestamp.  The era number is dropped:
 * NTP seconds = (Unix seconds + 2208988800) mod 2^32, so times after
 * 2036-02-07 06:28:16 UTC land in era 1 (RFC 5905 section 6).
 */
static uint64_t
ntp_ts_from_ns(int64_t ns)
{
	int64_t		 sec, rem;
	uint64_t	 frac;

	sec = ns / NSEC;
	rem = ns % NSEC;
	if (rem < 0) {
		rem += NSEC;
		sec--;
	}
	frac = ((uint64_t)rem << 32) / NSEC;
	return (uint64_t)(sec + NTP_UNIX_DELTA) << 32 | frac;
}

static int
within(double v, double limit)
{
	return v >= -limit && v <= limit;
}

/* Seconds to the 16.16 short format, saturating. */
static uint32_t
short_from_sec(double sec)
{
	double	 v;

	v = sec * 65536.0 + 0.5;
	return v >= 4294967295.0 ? UINT32_MAX : (uint32_t)v;
}

static int
parse_double(const char *s, double lo, double hi, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
parse_long(const char *s, double lo, double hi, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Up to 4 printable ASCII characters, NUL padded: "GPS", "RATE". */
static int
parse_code(const char *s, uint32_t *out)
{
	size_t		 i, n;
	uint32_t	 v = 0;

	n = strlen(s);
	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (i < n && (s[i] < 0x21 || s[i] > 0x7e))
			return -1;
		v = v << 8 | (i < n ? (uint8_t)s[i] : 0);
	}
	*out = v;
	return 0;
}

/* A refid: 0x hex, a dotted IPv4 address, or an ASCII code. */
static int
parse_refid(const char *s, uint32_t *out)
{
	struct in_addr	 a;
	long		 v;

	if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0) {
		if (parse_long(s, 0, UINT32_MAX, &v) == -1)
			return -1;
		*out = (uint32_t)v;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a) == 1) {
		*out = ntohl(a.s_addr);
		return 0;
	}
	return parse_code(s, out);
}

static const struct key *
find_key(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* One ",key=value" or ",flag" item of a SPEC. */
static int
parse_option(struct spec *sp, char *opt)
{
	const struct key	*k;
	char			*val, *field;

	if ((val = strchr(opt, '=')) != NULL)
		*val++ = '\0';
	if ((k = find_key(opt)) == NULL || (k->type == K_FLAG) != (val == NULL))
		return -1;
	field = (char *)sp + k->off;
	switch (k->type) {
	case K_FLAG:
		*(int *)(void *)field = 1;
		return 0;
	case K_INT:
		return parse_long(val, k->min, k->max, (long *)(void *)field);
	case K_DBL:
		return parse_double(val, k->min, k->max,
		    (double *)(void *)field);
	case K_REFID:
		return parse_refid(val, (uint32_t *)(void *)field);
	case K_CODE:
		return parse_code(val, (uint32_t *)(void *)field);
	}
	return -1;
}

/* ADDR[@PORT], numeric only; the default port is 123. */
static int
parse_addr(struct spec *sp, char *s)
{
	struct addrinfo	 hints, *ai;
	struct in_addr	 v4;
	const char	*port = "123";
	char		*at;
	long		 p;

	if ((at = strchr(s, '@')) != NULL) {
		*at = '\0';
		port = at + 1;
		if (parse_long(port, 1, 65535, &p) == -1)
			return -1;
	}
	memset(&hints, 0, sizeof(hints));
	/* Only dotted quads: getaddrinfo would take "127.1" for 127.0.0.1. */
	hints.ai_family = inet_pton(AF_INET, s, &v4) == 1 ? AF_INET : AF_INET6;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(s, port, &hints, &ai) != 0)
		return -1;
	memcpy(&sp->addr, ai->ai_addr, ai->ai_addrlen);
	sp->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return getnameinfo((struct sockaddr *)&sp->addr, sp->addrlen,
	    sp->name, sizeof(sp->name), NULL, 0, NI_NUMERICHOST) == 0 ? 0 : -1;
}

static void
spec_init(struct spec *sp, const char *text)
{
	memset(sp, 0, sizeof(*sp));
	sp->text = text;
	sp->fd = -1;
	sp->time = NAN;
	sp->hold = NAN;
	sp->refage = 16;
	sp->stratum = 2;
	sp->precision = -20;
	sp->version = UNSET;
	sp->poll = UNSET;
	sp->mode = 4;
	sp->truncate = -1;
	sp->dup = 1;
	sp->keyid = 1;
	sp->refid = 0x7f7f0100;
}

/* Parse SPEC into sp; start_ns anchors time= to the server's start. */
static void
parse_spec(struct spec *sp, const char *text, int64_t start_ns)
{
	char	*copy, *item, *save;

	spec_init(sp, text);
	if ((copy = strdup(text)) == NULL)
		err(1, "strdup");
	item = strtok_r(copy, ",", &save);
	if (item == NULL || parse_addr(sp, item) == -1)
		errx(1, "%s: bad address", text);
	while ((item = strtok_r(NULL, ",", &save)) != NULL)
		if (parse_option(sp, item) == -1)
			errx(1, "%s: bad option \"%s\"", text, item);
	if (sp->mac != 0 && sp->mac != 16 && sp->mac != 20)
		errx(1, "%s: mac must be 16 or 20", text);
	if (!isnan(sp->time) &&
	    !within(sp->offset + sp->time - start_ns / 1e9, MAXOFFSET))
		errx(1, "%s: served clock out of range", text);
	sp->offset_ns = sec_to_ns(sp->offset);
	if (!isnan(sp->time))
		sp->offset_ns += sec_to_ns(sp->time) - start_ns;
	free(copy);
}

/* relay=: a socket connected to the upstream server's port 123. */
static void
connect_upstream(struct spec *sp)
{
	struct sockaddr_in	 up;

	memset(&up, 0, sizeof(up));
	up.sin_family = AF_INET;
	up.sin_port = htons(123);
	up.sin_addr.s_addr = htonl(sp->relay);
	sp->upfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (sp->upfd == -1 ||
	    connect(sp->upfd, (struct sockaddr *)&up, sizeof(up)) == -1)
		err(1, "%s: relay socket", sp->text);
}

static void
bind_spec(struct spec *sp)
{
	int	 on = 1;

	sp->fd = socket(sp->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (sp->fd == -1)
		err(1, "%s: socket", sp->text);
	/* Let [::] and 0.0.0.0 be served by two SPECs. */
	if (sp->addr.ss_family == AF_INET6 && setsockopt(sp->fd,
	    IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1)
		err(1, "%s: IPV6_V6ONLY", sp->text);
	if (bind(sp->fd, (struct sockaddr *)&sp->addr, sp->addrlen) == -1)
		err(1, "%s: bind", sp->text);
	/* Kernel receive stamps: T2 does not include our wake-up latency. */
	(void)setsockopt(sp->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	/* The wildcard learns each request's destination address. */
	if (sp->addr.ss_family == AF_INET && setsockopt(sp->fd, IPPROTO_IP,
	    IP_PKTINFO, &on, sizeof(on)) == -1)
		err(1, "%s: IP_PKTINFO", sp->text);
	sp->upfd = -1;
	if (sp->relay != 0)
		connect_upstream(sp);
}

/* Written to a temporary name and renamed: readers never see it half. */
static void
write_pidfile(const char *path)
{
	char	 tmp[4096];
	FILE	*f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		errx(1, "%s: path too long", path);
	if ((f = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) == EOF || rename(tmp, path) == -1)
		err(1, "%s", path);
}

static void
log_request(struct server *srv, const struct spec *sp,
    const struct sockaddr_storage *from, socklen_t fromlen, int64_t mono,
    enum action act, const struct in_addr *dst)
{
	char	 host[NI_MAXHOST], port[NI_MAXSERV], to[INET_ADDRSTRLEN];
	const char *name = sp->name;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&sp->addr;

	if (getnameinfo((const struct sockaddr *)from, fromlen, host,
	    sizeof(host), port, sizeof(port),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strcpy(host, "?");
		strcpy(port, "?");
	}
	if (dst != NULL && sp->addr.ss_family == AF_INET &&
	    sin->sin_addr.s_addr == htonl(INADDR_ANY) &&
	    inet_ntop(AF_INET, dst, to, sizeof(to)) != NULL)
		name = to;
	fprintf(srv->log, "%lld.%06lld %s %s %s %s\n",
	    (long long)(mono / NSEC), (long long)(mono % NSEC / 1000),
	    name, host, port, action_names[act]);
}

/* What to do with one datagram; counts valid requests for dropfirst. */
static enum action
decide(struct server *srv, struct spec *sp, const uint8_t *req, size_t len)
{
	if (len < NTP_HDRLEN || (req[0] & 7) != 3)
		return A_IGNORED;
	sp->nreq++;
	if (sp->nreq <= (unsigned long)sp->dropfirst)
		return A_DROPPED;
	if (sp->drop > 0 && rng_unit(&sp->rng) < sp->drop)
		return A_DROPPED;
	if (sp->silent)
		return A_SILENT;
	if (srv->npend == MAXPENDING)
		return A_DROPPED;
	return sp->kod != 0 ? A_KOD : A_REPLIED;
}

static void
build_header(const struct spec *sp, const uint8_t *req, uint8_t *pkt)
{
	long		 li, vn, stratum, poll;
	uint32_t	 refid;

	li = sp->unsync ? 3 : sp->leap;
	vn = sp->version == UNSET ? (req[0] >> 3) & 7 : sp->version;
	poll = sp->poll == UNSET ? (int8_t)req[2] : sp->poll;
	stratum = sp->kod != 0 || sp->unsync ? 0 : sp->stratum;
	refid = sp->kod != 0 ? sp->kod : sp->unsync ? 0 : sp->refid;
	pkt[0] = li << 6 | vn << 3 | sp->mode;
	pkt[1] = stratum;
	pkt[2] = (uint8_t)poll;
	pkt[3] = (uint8_t)sp->precision;
	put32(pkt + 4, short_from_sec(sp->rootdelay));
	put32(pkt + 8, short_from_sec(sp->rootdisp));
	put32(pkt + 12, refid);
}

/* The timestamps, served-clock T2 given; origin copies the request's T1. */
static void
build_stamps(const struct spec *sp, const uint8_t *req, int64_t t2,
    uint8_t *pkt)
{
	uint64_t	 ref;

	ref = sp->unsync ? 0 : ntp_ts_from_ns(t2 - sec_to_ns(sp->refage));
	put64(pkt + 16, ref);
	memcpy(pkt + 24, req + 40, 8);
	if (sp->wrong_origin)
		pkt[31] ^= 1;
	put64(pkt + 32, sp->zero_rec ? 0 : ntp_ts_from_ns(t2));
	put64(pkt + 40, sp->zero_xmt ? 0 : ntp_ts_from_ns(t2 + T3_AFTER_T2));
}

/* Optional RFC 7822 extension field and fake MAC; returns the length. */
static size_t
build_trailer(const struct spec *sp, uint8_t *pkt)
{
	size_t	 len = NTP_HDRLEN;

	if (sp->ext) {
		memset(pkt + len, 0, EXT_LEN);
		put16(pkt + len, EXT_TYPE);
		put16(pkt + len + 2, EXT_LEN);
		len += EXT_LEN;
	}
	if (sp->mac != 0) {
		put32(pkt + len, (uint32_t)sp->keyid);
		memset(pkt + len + MAC_KEYLEN, 0xa5, sp->mac);
		len += MAC_KEYLEN + sp->mac;
	} else if (sp->nak) {
		put32(pkt + len, 0);
		len += MAC_KEYLEN;
	}
	memset(pkt + len, 0, (size_t)sp->pad);
	return len + (size_t)sp->pad;
}

/*
 * Queue the reply.  The emulated server gets the request dreq (+ jitter)
 * after our socket did, so T2 is the served clock then; its reply leaves
 * at once and reaches the client dresp (+ jitter) later.
 */
static void
schedule_reply(struct server *srv, struct spec *sp, const uint8_t *req,
    const struct sockaddr_storage *from, socklen_t fromlen, int64_t real,
    int64_t mono, const struct in_addr *dst)
{
	struct pending	*p = &srv->pend[srv->npend++];
	int64_t		 dreq, dresp, off = sp->offset_ns;
	size_t		 len;

	dreq = sec_to_ns(sp->dreq + sp->jreq * rng_unit(&sp->rng));
	dresp = sec_to_ns(sp->dresp + sp->jresp * rng_unit(&sp->rng));
	if (sp->straddle) {
		off = STRADDLE_OFF;
		dreq = 0;
		dresp = STRADDLE_WAIT;
	}
	memset(p, 0, sizeof(*p));
	p->sp = sp;
	p->due = mono + dreq + dresp;
	p->t2 = real + off + dreq;
	p->dresp = dresp;
	memcpy(&p->to, from, fromlen);
	p->tolen = fromlen;
	if (dst != NULL) {
		p->dst = *dst;
		p->have_dst = 1;
	}
	build_header(sp, req, p->pkt);
	build_stamps(sp, req, real + off + dreq, p->pkt);
	len = build_trailer(sp, p->pkt);
	p->len = sp->truncate >= 0 && (size_t)sp->truncate < len ?
	    (size_t)sp->truncate : len;
}

/*
 * relay=: keep the request to pass on and its client; the upstream's
 * reply finds it again by echoing the request's transmit timestamp.
 */
static void
remember_relayed(struct spec *sp, const uint8_t *buf, size_t len,
    const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct relayed	*r = &sp->relayed[sp->nrelayed++ % RELAYMAX];

	memcpy(r->req, buf, len);
	r->len = len;
	memcpy(&r->client, from, fromlen);
	r->clientlen = fromlen;
}

/*
 * The arrival time: the kernel's receive stamp when there is one (rx, ns),
 * with the monotonic time moved back by the same amount.
 */
static void
handle_datagram(struct server *srv, struct spec *sp, const uint8_t *buf,
    size_t len, const struct sockaddr_storage *from, socklen_t fromlen,
    int64_t rx, const struct in_addr *dst)
{
	enum action	 act;
	int64_t		 real, mono;

	real = clock_ns(CLOCK_REALTIME);
	mono = clock_ns(CLOCK_MONOTONIC);
	if (rx > 0 && rx <= real) {
		mono -= real - rx;
		real = rx;
	}
	act = decide(srv, sp, buf, len);
	log_request(srv, sp, from, fromlen, mono, act, dst);
	if (act == A_REPLIED || act == A_KOD)
		schedule_reply(srv, sp, buf, from, fromlen, real, mono, dst);
	if (sp->upfd != -1 && len >= NTP_HDRLEN && len <= RELAYLEN)
		remember_relayed(sp, buf, len, from, fromlen);
}

/* relay=: pass the request on, after the forged reply has gone. */
static void
forward_requests(struct server *srv)
{
	struct relayed	*r;
	struct spec	*sp;
	size_t		 i, k;

	for (i = 0; i < srv->nspecs; i++) {
		sp = &srv->specs[i];
		for (k = 0; sp->upfd != -1 && k < RELAYMAX; k++) {
			r = &sp->relayed[k];
			if (r->len == 0)
				continue;
			if (send(sp->upfd, r->req, r->len, 0) == -1)
				warn("%s: relay send", sp->text);
			r->len = 0;
		}
	}
}

/* relay=: the upstream's reply, back to its client unchanged. */
static void
relay_reply(struct spec *sp)
{
	const struct relayed	*r;
	uint8_t			 buf[RECVMAX];
	ssize_t			 n;
	size_t			 i;

	while ((n = recv(sp->upfd, buf, sizeof(buf), 0)) > 0) {
		if (n < NTP_HDRLEN)
			continue;
		for (i = 0; i < RELAYMAX; i++) {
			r = &sp->relayed[i];
			if (r->clientlen == 0 ||
			    memcmp(r->req + 40, buf + 24, 8) != 0)
				continue;
			if (sendto(sp->fd, buf, (size_t)n, 0,
			    (const struct sockaddr *)&r->client,
			    r->clientlen) == -1)
				warn("%s: relay sendto", sp->text);
			break;
		}
	}
}

/* Read every datagram waiting on the socket. */
static void
drain(struct server *srv, struct spec *sp)
{
	struct sockaddr_storage	 from;
	uint8_t			 buf[RECVMAX];
	union {
		char		 b[CMSG_SPACE(sizeof(struct timespec)) +
				    CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr	 align;
	}			 ctl;
	struct in_pktinfo	 pi;
	struct in_addr		 dst;
	int			 have_dst;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct timespec		 ts;
	int64_t			 rx;
	ssize_t			 n;

	for (;;) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
		n = recvmsg(sp->fd, &msg, 0);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				warn("%s: recvmsg", sp->text);
			return;
		}
		rx = 0;
		have_dst = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS) {
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				rx = ts.tv_sec * NSEC + ts.tv_nsec;
			} else if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				dst = pi.ipi_addr;
				have_dst = 1;
			}
		handle_datagram(srv, sp, buf, n, &from, msg.msg_namelen, rx,
		    have_dst ? &dst : NULL);
	}
}

/* From the address the request came to (IP_PKTINFO): a wildcard
 * socket would otherwise answer from the route's source address. */
static void
send_pkt(const struct pending *p, const uint8_t *pkt)
{
	union {
		char		 b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr	 align;
	}			 ctl;
	struct in_pktinfo	 pi;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;

	iov.iov_base = (void *)(uintptr_t)pkt;
	iov.iov_len = p->len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = (void *)(uintptr_t)&p->to;
	msg.msg_namelen = p->tolen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (p->have_dst) {
		memset(&ctl, 0, sizeof(ctl));
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = p->dst;
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(p->sp->fd, &msg, 0) == -1)
		warn("%s: sendmsg", p->sp->text);
}

/* A forged reply: wrong origin, receive and transmit 1000 s off. */
static void
send_spoof(const struct pending *p)
{
	uint8_t	 pkt[PKTMAX];

	memcpy(pkt, p->pkt, sizeof(pkt));
	pkt[26] ^= 0x5a;
	pkt[31] ^= 0xa5;
	put32(pkt + 32, get32(pkt + 32) + SPOOF_SHIFT);
	put32(pkt + 40, get32(pkt + 40) + SPOOF_SHIFT);
	send_pkt(p, pkt);
}

/*
 * T3 from the real sending time: the emulated server sent the reply
 * dresp before it reaches the client, so a late timer makes the server
 * look slower, never the path asymmetric.
 */
static void
stamp_t3(struct pending *p)
{
	int64_t	 t3 = clock_ns(CLOCK_REALTIME) + p->sp->offset_ns - p->dresp;

	if (t3 < p->t2 + T3_AFTER_T2)
		t3 = p->t2 + T3_AFTER_T2;
	if (p->sp->straddle)
		t3 = p->t2 + STRADDLE_HOLD;
	else if (!isnan(p->sp->hold))
		t3 = p->t2 + sec_to_ns(p->sp->hold);
	if (!p->sp->zero_xmt)
		put64(p->pkt + 40, ntp_ts_from_ns(t3));
}

static void
send_reply(struct pending *p)
{
	long	 i;

	stamp_t3(p);
	if (p->sp->spoof)
		send_spoof(p);
	for (i = 0; i < p->sp->dup; i++)
		send_pkt(p, p->pkt);
}

/* Index of the earliest pending reply, or -1. */
static long
next_pending(const struct server *srv)
{
	size_t	 i;
	long	 best = -1;

	for (i = 0; i < srv->npend; i++)
		if (best == -1 || srv->pend[i].due < srv->pend[best].due)
			best = i;
	return best;
}

/* Send, in order, every reply whose delay has passed. */
static void
send_due(struct server *srv)
{
	long	 i;
	int64_t	 now;

	now = clock_ns(CLOCK_MONOTONIC);
	while ((i = next_pending(srv)) != -1 && srv->pend[i].due <= now) {
		send_reply(&srv->pend[i]);
		srv->pend[i] = srv->pend[--srv->npend];
	}
}

/* How long poll may sleep: until the next reply is due or time is up. */
static struct timespec
poll_timeout(const struct server *srv)
{
	struct timespec	 ts;
	int64_t		 until, wait;
	long		 i;

	until = srv->deadline;
	if ((i = next_pending(srv)) != -1 && srv->pend[i].due < until)
		until = srv->pend[i].due;
	wait = until - clock_ns(CLOCK_MONOTONIC);
	if (wait < 0)
		wait = 0;
	ts.tv_sec = wait / NSEC;
	ts.tv_nsec = wait % NSEC;
	return ts;
}

static void
serve(struct server *srv)
{
	struct pollfd	 pfd[2 * MAXSPECS];
	struct timespec	 ts;
	size_t		 i, n = srv->nspecs;

	for (i = 0; i < n; i++) {
		pfd[i].fd = srv->specs[i].fd;
		pfd[i].events = POLLIN;
		pfd[n + i].fd = srv->specs[i].upfd;
		pfd[n + i].events = POLLIN;
	}
	while (!quit && clock_ns(CLOCK_MONOTONIC) < srv->deadline) {
		ts = poll_timeout(srv);
		if (ppoll(pfd, 2 * n, &ts, NULL) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "ppoll");
		}
		for (i = 0; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				drain(srv, &srv->specs[i]);
		send_due(srv);
		forward_requests(srv);
		for (i = 0; i < n; i++)
			if (pfd[n + i].revents & (POLLIN | POLLERR))
				relay_reply(&srv->specs[i]);
	}
}

static void
install_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		err(1, "sigaction");
}

static FILE *
open_log(const char *path)
{
	FILE	*f;

	if (path == NULL)
		f = stdout;
	else if ((f = fopen(path, "a")) == NULL)
		err(1, "%s", path);
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int	 ch;

	o->logpath = o->pidpath = NULL;
	o->runtime = 60;
	o->seed = 1;
	while ((ch = getopt(argc, argv, "L:P:T:S:")) != -1) {
		switch (ch) {
		case 'L':
			o->logpath = optarg;
			break;
		case 'P':
			o->pidpath = optarg;
			break;
		case 'T':
			if (parse_double(optarg, 0.001, 1e6, &o->runtime) == -1)
				errx(1, "bad -T %s", optarg);
			break;
		case 'S':
			if (parse_long(optarg, 0, 9e18, &o->seed) == -1)
				errx(1, "bad -S %s", optarg);
			break;
		default:
			usage();
		}
	}
}

/* Parse every SPEC, open the log, bind every socket. */
static struct server *
setup(int nspecs, char *specs[], const struct opts *o)
{
	struct server	*srv;
	int64_t		 start;
	int		 i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL ||
	    (srv->pend = calloc(MAXPENDING, sizeof(*srv->pend))) == NULL)
		err(1, "calloc");
	start = clock_ns(CLOCK_REALTIME);
	srv->deadline = clock_ns(CLOCK_MONOTONIC) + sec_to_ns(o->runtime);
	srv->nspecs = nspecs;
	for (i = 0; i < nspecs; i++) {
		parse_spec(&srv->specs[i], specs[i], start);
		srv->specs[i].rng = rng_seed(o->seed, i);
	}
	srv->log = open_log(o->logpath);
	for (i = 0; i < nspecs; i++)
		bind_spec(&srv->specs[i]);
	return srv;
}

static void
teardown(struct server *srv)
{
	size_t	 i;

	for (i = 0; i < srv->nspecs; i++) {
		close(srv->specs[i].fd);
		if (srv->specs[i].upfd != -1)
			close(srv->specs[i].upfd);
	}
	if (srv->log != stdout)
		fclose(srv->log);
	free(srv->pend);
	free(srv);
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct server	*srv;

	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > MAXSPECS)
		usage();
	install_signals();
	/* Prompt timers: the emulated delays are what the spec says. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	srv = setup(argc, argv, &o);
	if (o.pidpath != NULL)
		write_pidfile(o.pidpath);

	serve(srv);

	if (o.pidpath != NULL)
		unlink(o.pidpath);
	teardown(srv);
	return 0;
}
