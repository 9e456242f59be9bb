/*
 * ntpdate: set the clock from NTP servers, once.  A drop-in for NTP
 * Classic ntpdate 4.2.8 over lib/: same options, output and exit codes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ntp_clock.h"
#include "ntp_conf.h"
#include "ntp_engine.h"
#include "ntp_esc.h"
#include "ntp_file.h"
#include "ntp_json.h"
#include "ntp_keys.h"
#include "ntp_mac.h"
#include "ntp_parse.h"
#include "ntp_reason.h"
#include "ntp_report.h"
#include "ntp_resolve.h"
#include "ntp_splay.h"
#ifdef NTPC_NTS
#include "nts.h"
#include "nts_tls.h"
#endif

#define USAGE "usage: %s [-46bBdqsuv] [-a key#] [-e delay] " \
	"[-k file] [-p samples] [-o version#] [-t timeo] server ...\n"
#define RESOLVE_TIMEOUT	5.0	/* s for all names together */
#define NAME_SHOWN	255	/* bytes of a host name shown, escaped */
#define MIN_TIMEOUT	0.2	/* -t floor, s (classic: 1 s) */
#define MAX_TIMEOUT	3600.0	/* -t ceiling, s (classic: none) */
#define NTP_MAXSTRATUM	15	/* replies above it carry no data (classic) */

enum {
	OPT_CONFIG = 256,
	OPT_SPLAY,
	OPT_JSON,
	OPT_NTS,
	OPT_NTS_CA
};

static const struct option longopts[] = {
	{ "config",	optional_argument,	NULL, OPT_CONFIG },
	{ "splay",	required_argument,	NULL, OPT_SPLAY },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "nts",	no_argument,		NULL, OPT_NTS },
	{ "nts-ca",	required_argument,	NULL, OPT_NTS_CA },
	{ NULL,		0,			NULL, 0 }
};

/* Set by SIGINT/SIGTERM during --splay: the one global (STYLE.md). */
static volatile sig_atomic_t stop_signal;

struct nts;

struct options {
	const char	*progname;	/* argv[0], as classic's messages */
	int		family;
	enum ntp_adj_mode adj;
	int		debug;
	int		query;
	int		use_syslog;
	int		unpriv;
	int		verbose;
	int		samples;
	int		version;
	double		timeout;
	double		authdelay;
	long		keyid;		/* -1: no -a */
	const char	*keyfile;
	struct ntp_mac_auth auth;	/* -a: the key, loaded in main */
	int		use_config;	/* --config */
	const char	*config;	/* --config=FILE, or NULL: search */
	double		splay;		/* --splay, s */
	int		json;		/* --json */
	char		**hosts;
	size_t		nhosts;
	int		nts;		/* --nts */
	const char	*nts_ca;	/* --nts-ca FILE */
	const struct ntp_auth_ops *nts_auth;	/* --nts, after NTS-KE */
	struct nts	*nts_state;	/* --nts (NTS=1 builds) */
};

/* What --json needs to know of a run. */
struct json_run {
	FILE		*f;		/* the real stdout */
	int		ran;		/* the servers were queried */
	int		chosen;
	struct ntp_selection sel;
	const char	*error;		/* the run could not start */
	int		applied;	/* apply() ran: kind and reason set */
	enum ntp_adj_kind kind;
	int		apply_reason;	/* 0, or why the clock was not set */
};

/*
 * Where messages go: the terminal with classic's prefix, or syslog.  With
 * -s and no syslog socket (cron), classic prints nothing at all; ours
 * stays silent on success and puts errors on stderr (quiet).
 */
struct out {
	int		use_syslog;
	int		quiet;
	long		pid;
	struct json_run	*js;		/* --json, or NULL */
};

static void say(const struct out *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(const struct out *out, int prio, const char *fmt, ...)
{
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;
	FILE *f = prio <= LOG_ERR ? stderr : stdout;

	if (out->quiet && f == stdout)
		return;
	va_start(ap, fmt);
	if (out->use_syslog) {
		vsyslog(prio, fmt, ap);
		va_end(ap);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%e %b %H:%M:%S", &tm);
	fprintf(f, "%s ntpdate[%ld]: ", stamp, out->pid);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
	va_end(ap);
}

/*
 * Our own warning, not a classic message: on the terminal always to
 * stderr (never between stdout lines a script reads), to syslog at PRIO;
 * dropped when -s found no syslog socket (cron mails on failure only).
 */
static void note(const struct out *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
note(const struct out *out, int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (out->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say(out, prio < LOG_ERR || out->use_syslog ? prio : LOG_ERR, "%s",
	    buf);
}

static void
usage(const char *progname)
{
	fprintf(stderr, USAGE, progname);
	exit(2);
}

/* Options with a value; 0, or -1 after classic's message. */
static int
parse_value(struct options *o, int c, const char *arg)
{
	long v;

	switch (c) {
	case 'a':
		if (ntp_parse_long(arg, 1, UINT32_MAX, &o->keyid) == 0)
			return 0;
		fprintf(stderr, "%s: encryption key %s invalid\n",
		    o->progname, arg);
		return -1;
	case 'e':
		if (ntp_parse_decimal(arg, 0, 0.999999999, &o->authdelay) == 0)
			return 0;
		fprintf(stderr, "%s: encryption delay %s is unlikely\n",
		    o->progname, arg);
		return -1;
	case 'o':
		if (ntp_parse_long(arg, 1, 4, &v) == 0) {
			o->version = (int)v;
			return 0;
		}
		fprintf(stderr, "%s: version must be 1 to 4\n", o->progname);
		return -1;
	case 'p':
		if (ntp_parse_long(arg, 1, NTP_MAXSAMPLES, &v) == 0) {
			o->samples = (int)v;
			return 0;
		}
		fprintf(stderr, "%s: number of samples (%s) is invalid\n",
		    o->progname, arg);
		return -1;
	case 't':	/* classic takes any number; a floor applies */
		if (ntp_parse_signed_decimal(arg, &o->timeout) == 0) {
			o->timeout = fmin(fmax(o->timeout, MIN_TIMEOUT),
			    MAX_TIMEOUT);
			return 0;
		}
		fprintf(stderr, "%s: timeout %s is undecodeable\n",
		    o->progname, arg);
		return -1;
	default:	/* 'k' */
		o->keyfile = arg;
		return 0;
	}
}

/* The long options of ntpc (classic has none). */
static int
parse_long_opt(struct options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_CONFIG:
		o->use_config = 1;
		o->config = arg;
		return 0;
	case OPT_SPLAY:
		if (ntp_parse_decimal(arg, 0, NTP_SPLAY_MAX, &o->splay) == 0)
			return 0;
		fprintf(stderr, "%s: --splay: seconds must be 0 to %.0f: %s\n",
		    o->progname, NTP_SPLAY_MAX, arg);
		return -1;
	default:	/* OPT_JSON */
		o->json = 1;
		return 0;
	}
}

static int
parse_opt(struct options *o, int c, const char *arg)
{
	switch (c) {
	case '4':
		o->family = AF_INET;
		break;
	case '6':
		o->family = AF_INET6;
		break;
	case 'b':
		o->adj = NTP_ADJ_STEP;
		break;
	case 'B':
		o->adj = NTP_ADJ_SLEW;
		break;
	case 'd':
		o->debug++;
		break;
	case 'q':
		o->query = 1;
		break;
	case 's':
		o->use_syslog = 1;
		break;
	case 'u':
		o->unpriv = 1;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case OPT_NTS:
		o->nts = 1;
		break;
	case OPT_NTS_CA:
		o->nts_ca = arg;
		break;
	case 'a': case 'e': case 'k': case 'o': case 'p': case 't':
		return parse_value(o, c, arg);
	case OPT_CONFIG:
	case OPT_SPLAY:
	case OPT_JSON:
		return parse_long_opt(o, c, arg);
	case ':':	/* classic's ntp_getopt() messages */
		fprintf(stderr, "%s: option requires argument -%c\n",
		    o->progname, optopt);
		return -1;
	default:
		fprintf(stderr, "%s: unknown option -%c\n", o->progname,
		    optopt);
		return -1;
	}
	return 0;
}

static void
parse_args(struct options *o, int argc, char **argv)
{
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	o->progname = argv[0] != NULL ? argv[0] : "ntpdate";
	o->family = AF_UNSPEC;
	o->adj = NTP_ADJ_AUTO;
	o->version = 4;
	o->timeout = 2.0;
	o->keyid = -1;
	o->keyfile = "/etc/ntp.keys";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46a:bBde:k:o:p:qst:uv", longopts,
	    NULL)) != -1)
		if (parse_opt(o, c, optarg) != 0)
			bad = 1;
	if (bad)
		usage(o->progname);
	if (o->nts_ca != NULL && !o->nts) {
		fprintf(stderr, "%s: --nts-ca needs --nts\n", o->progname);
		exit(2);
	}
	if (o->nts && o->keyid >= 0) {
		fprintf(stderr, "%s: --nts and -a cannot be used together\n",
		    o->progname);
		exit(2);
	}
#ifndef NTPC_NTS
	if (o->nts) {
		fprintf(stderr, "%s: --nts: not built with NTS support (build "
		    "with make NTS=1)\n", o->progname);
		exit(2);
	}
#endif
	o->hosts = argv + optind;
	o->nhosts = (size_t)(argc - optind);
}

/* Syslog only when its socket is there; else stay on the terminal. */
static int
syslog_available(void)
{
	struct sockaddr_un sun;
	int fd, ok;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/dev/log");
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/* The getaddrinfo() code behind a message, for classic's "(-2)". */
static int
gai_code(const char *text)
{
	int c;

	for (c = -1; c >= -20; c--)
		if (text != NULL && strcmp(gai_strerror(c), text) == 0)
			return c;
	return 0;
}

/* Classic's two lines: a bare one on stderr, then the logged one. */
static void
report_resolve_failures(const struct out *out, const struct ntp_server *srv,
    size_t n)
{
	char name[NTP_ESC_SIZE(NAME_SHOWN)];
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		if (srv[i].reason != NTP_R_RESOLVE)
			continue;
		c = gai_code(srv[i].detail);
		ntp_esc(name, sizeof(name), srv[i].host);
		fprintf(stderr, "Error resolving %s: %s (%d)\n", name,
		    srv[i].detail, c);
		say(out, LOG_ERR, "Can't find host %s: %s (%d)", name,
		    srv[i].detail, c);
	}
}

/* The address, or the name (escaped) when it did not resolve. */
static const char *
server_name(const struct ntp_server *s, char name[NTP_ESC_SIZE(NAME_SHOWN)])
{
	if (s->addrlen != 0)
		return s->addrstr;
	return ntp_esc(name, NTP_ESC_SIZE(NAME_SHOWN), s->host);
}

static int
was_kissed(const struct ntp_server *s, int kod)
{
	size_t i;

	for (i = 0; i < s->nrejects; i++)
		if (s->rejects[i] == kod)
			return 1;
	return 0;
}

/* KoD RATE is reported whatever the outcome: the admin must know. */
static void
report_kisses(const struct out *out, const struct ntp_server *srv, size_t n)
{
	char name[NTP_ESC_SIZE(NAME_SHOWN)];
	size_t i;

	for (i = 0; i < n; i++)
		if (was_kissed(&srv[i], NTP_R_KOD_RATE))
			note(out, LOG_WARNING, "server %s: %s; not asking it "
			    "again", server_name(&srv[i], name),
			    ntp_strerror(NTP_R_KOD_RATE));
}

static void
report_reasons(const struct out *out, const struct ntp_server *srv, size_t n,
    const struct ntp_query_opts *qo, int skip_rate)
{
	char why[256], name[NTP_ESC_SIZE(NAME_SHOWN)];
	size_t i;

	for (i = 0; i < n; i++) {
		if (srv[i].reason == NTP_OK ||
		    srv[i].reason == NTP_R_NOT_BEST ||
		    (skip_rate && srv[i].reason == NTP_R_KOD_RATE))
			continue;
		say(out, LOG_ERR, "server %s: %s", server_name(&srv[i], name),
		    ntp_server_why(&srv[i], qo, why, sizeof(why)));
	}
}

/*
 * Classic keeps a server only when a reply reached its filter: none for a
 * silent server, nor for a reply of stratum 16 or more, which classic
 * drops on receipt ("receive: mode 4 stratum 16").
 */
static int
has_data(const struct ntp_server *s)
{
	return s->nsamples > 0 ||
	    (s->nreplies > 0 && s->last.stratum <= NTP_MAXSTRATUM);
}

/* Classic maps the wire's stratum 0 (unspecified, or a kiss) to 16. */
static int
classic_stratum(const struct ntp_server *s)
{
	const struct ntp_sample *b = ntp_server_best(s);
	int st = b != NULL ? b->stratum : s->last.stratum;

	return st == 0 ? 16 : st;
}

/*
 * The offset classic prints for a server: the best sample's; for a reply
 * that was refused (unsynchronised, a kiss) the one it measured, from its
 * T2/T3 and our T1 (T4 is not kept: within half the round trip).
 */
static double
classic_offset(const struct ntp_server *s)
{
	const struct ntp_sample *b = ntp_server_best(s);
	ntp_ts_t t1;
	int64_t off, del;

	if (b != NULL)
		return b->offset;
	t1 = ntp_ts_from_timespec(&s->last_t1);
	if (ntp_offset_delay(t1, s->last.rec, s->last.xmt, t1, &off,
	    &del) != 0)
		return 0.0;
	return ntp_fx_to_sec(off);
}

/* "ecc8a4c1.12345678  Sun, Nov 22 2026  2:18:09.071", era resolved. */
static void
dump_ts(const char *label, ntp_ts_t ts)
{
	struct timespec now, t;
	struct tm tm;
	char date[64];

	if (ts == 0) {
		printf("%-21s(no time)\n", label);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ntp_ts_to_timespec(ts, ntp_era_pivot(&now), &t);
	localtime_r(&t.tv_sec, &tm);
	strftime(date, sizeof(date), "%a, %b %e %Y %k:%M:%S", &tm);
	printf("%-21s%08x.%08x  %s.%03ld\n", label, (unsigned)(ts >> 32),
	    (unsigned)ts, date, t.tv_nsec / 1000000);
}

/*
 * Classic's filter rows: 8 slots of " %-10.10s", the first `samples`
 * with a value (zero where no reply came), "----" for the rest.
 */
static void
dump_filter(const struct ntp_server *s, int samples, int want_offset)
{
	char v[32];
	int i;

	printf(want_offset ? "filter offset:" : "filter delay: ");
	for (i = 0; i < NTP_MAXSAMPLES; i++) {
		if (i == NTP_MAXSAMPLES / 2)
			printf("\n              ");
		if (i >= samples)
			snprintf(v, sizeof(v), "----");
		else if (want_offset)
			snprintf(v, sizeof(v), "%+.6f", (size_t)i <
			    s->nsamples ? s->samples[i].offset : 0.0);
		else
			snprintf(v, sizeof(v), "%.5f", (size_t)i <
			    s->nsamples ? s->samples[i].delay : 0.0);
		printf(" %-10.10s", v);
	}
	printf("\n");
}

/* Classic's refid: text at stratum 0, 1 and 16, else an address. */
static const char *
classic_refid(const struct ntp_server *s, char *buf, size_t len)
{
	uint32_t r = s->last.refid;
	int st = classic_stratum(s), i;
	char c;

	if (st > 1 && st < 16)
		return ntp_refid_str(r, st, buf, len);
	for (i = 0; i < 4 && (size_t)i + 1 < len; i++) {
		c = (char)((r >> (24 - 8 * i)) & 0xff);
		if (c == '\0')
			break;
		buf[i] = isprint((unsigned char)c) ? c : '.';
	}
	buf[i] = '\0';
	return buf;
}

/* Classic's -d block for one server, byte for byte but the values. */
static void
dump_server(const struct ntp_server *s, int samples)
{
	const struct ntp_sample *b = ntp_server_best(s);
	const struct ntp_pkt *p = &s->last;
	char ref[32], name[NTP_ESC_SIZE(NAME_SHOWN)];

	printf("server %s, port %d\n", server_name(s, name), NTP_PORT);
	printf("stratum %d, precision %d, leap %d%d, trust 000\n",
	    classic_stratum(s), p->precision, p->leap >> 1, p->leap & 1);
	printf("refid [%s], root delay %.6f, root dispersion %.6f\n",
	    classic_refid(s, ref, sizeof(ref)), ntp_short_to_sec(p->rootdelay),
	    ntp_short_to_sec(p->rootdisp));
	if (s->nsent != s->nreplies)
		printf("transmitted %d, in filter %d\n", s->nsent,
		    s->nreplies);
	dump_ts("reference time:", p->reftime);
	dump_ts("originate timestamp:", p->org);
	dump_ts("transmit timestamp:", p->xmt);
	if (samples > 1) {
		dump_filter(s, samples, 0);
		dump_filter(s, samples, 1);
	}
	printf("delay %.5f, dispersion %.5f, offset %+.6f\n\n",
	    b ? b->delay : 0.0, b ? b->disp : 0.0, classic_offset(s));
}

/* Our detail on -d, on stderr: every sample, every refusal, the verdict. */
static void
dump_detail(const struct ntp_server *s, const struct ntp_query_opts *qo)
{
	char why[256], name[NTP_ESC_SIZE(NAME_SHOWN)];
	size_t i;

	for (i = 0; i < s->nsamples; i++)
		fprintf(stderr, "%s: sample %zu: offset %+.6f, delay %.6f, "
		    "error %.6f, root distance %.6f\n", server_name(s, name), i + 1,
		    s->samples[i].offset, s->samples[i].delay,
		    s->samples[i].error, s->samples[i].rootdist);
	for (i = 0; i < s->nrejects; i++)
		fprintf(stderr, "%s: rejected reply: %s\n", server_name(s, name),
		    ntp_strerror(s->rejects[i]));
	if (s->reason == NTP_OK || s->reason == NTP_R_NOT_BEST)
		fprintf(stderr, "%s: verdict: %s, weight %.3f\n",
		    server_name(s, name), s->reason == NTP_OK ? "system peer" :
		    "survivor", s->weight);
	else
		fprintf(stderr, "%s: verdict: %s\n", server_name(s, name),
		    ntp_server_why(s, qo, why, sizeof(why)));
}

/*
 * Classic's trace, rebuilt after the run in its order (one round of
 * transmit/receive per sample, server by server); the engine runs the
 * servers in parallel and does not report as it goes.
 */
static void
dump_trace(const struct ntp_server *srv, size_t n)
{
	size_t i;
	int k, more = 1;

	for (k = 0; more; k++) {
		more = 0;
		for (i = 0; i < n; i++) {
			if (srv[i].addrlen == 0 || k >= srv[i].nsent)
				continue;
			more = 1;
			printf("transmit(%s)\n", srv[i].addrstr);
			if (k >= srv[i].nreplies)
				continue;
			printf("receive(%s)\n", srv[i].addrstr);
			if (srv[i].last.stratum > NTP_MAXSTRATUM)
				printf("receive: mode %d stratum %d\n",
				    srv[i].last.mode, srv[i].last.stratum);
		}
	}
}

/* Classic's reason a server left the selection, for -d. */
static const char *
dropped_why(const struct ntp_server *s)
{
	if (!has_data(s))
		return "no data";
	if (classic_stratum(s) > NTP_MAXSTRATUM)
		return "strata too high";
	if (s->last.leap == 3)
		return "Leap not in sync";
	if (s->reason == NTP_R_REF_FUTURE)
		return "server is very broken";
	if (s->reason == NTP_R_REF_OLD)
		return "server has gone too long without sync";
	return NULL;
}

static void
dump_servers(const struct ntp_server *srv, size_t n,
    const struct ntp_query_opts *qo)
{
	const char *why;
	size_t i;
	int samples = qo->samples > 0 ? qo->samples : qo->max_requests;

	dump_trace(srv, n);
	for (i = 0; i < n; i++)
		if (srv[i].addrlen != 0 && (why = dropped_why(&srv[i])) != NULL)
			printf("%s: Server dropped: %s\n", srv[i].addrstr, why);
	printf("\n");
	for (i = 0; i < n; i++) {
		if (srv[i].addrlen == 0)
			continue;
		fflush(stdout);
		dump_detail(&srv[i], qo);
		if (has_data(&srv[i]))
			dump_server(&srv[i], samples);
	}
	fflush(stdout);
}

/*
 * -q: classic's per-server line, for every server a reply reached; for a
 * refused one (unsynchronised, a kiss) with the stratum and offset the
 * reply carried, as classic prints them.
 */
static void
print_servers(const struct ntp_server *srv, size_t n)
{
	const struct ntp_sample *b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (srv[i].addrlen == 0 || !has_data(&srv[i]))
			continue;
		b = ntp_server_best(&srv[i]);
		printf("server %s, stratum %d, offset %+.6f, delay %.5f\n",
		    srv[i].addrstr, classic_stratum(&srv[i]),
		    classic_offset(&srv[i]), b ? b->delay : 0.0);
	}
	fflush(stdout);
}

/* Correct the clock by the combined offset (only decide with -q/-d). */
static int
apply(const struct out *out, const struct options *o,
    const struct ntp_server *peer, const struct ntp_selection *sel)
{
	struct ntp_applied a;
	int rc;

	rc = ntp_clock_apply(ntp_clock_system(), sel->offset_ns, o->adj,
	    NTP_STEP_THRESHOLD, o->query || o->debug, &a);
	if (out->js != NULL) {
		out->js->applied = 1;
		out->js->kind = a.kind;
		out->js->apply_reason = rc;
	}
	if (rc == NTP_R_SLEW_TOO_BIG) {
		say(out, LOG_ERR, "server %s: offset %+.6f sec is too large "
		    "to slew (adjtime accepts at most %.0f s); use -b to step",
		    peer->addrstr, sel->offset, NTP_SLEW_MAX);
		return 1;
	}
	if (rc != 0) {
		say(out, LOG_ERR, "can't %s the clock: %s",
		    a.kind == NTP_DO_STEP ? "step" : "slew",
		    strerror(a.sys_errno));
		return 1;
	}
	say(out, LOG_NOTICE, "%s time server %s offset %+.6f sec",
	    a.kind == NTP_DO_STEP ? "step" : "adjust", peer->addrstr,
	    sel->offset);
	return 0;
}

static void
setup_query(const struct options *o, struct ntp_query_opts *qo)
{
	ntp_query_opts_default(qo);
	qo->version = o->version;
	qo->timeout = o->timeout;
	/* -q asks once, as classic; a clock correction (and -d, classic's
	 * rehearsal of one) follows the sampling policy. */
	qo->samples = o->samples > 0 ? o->samples : o->query ? 1 : 0;
	qo->port = (o->unpriv || o->query || o->debug) ? 0 : NTP_PORT;
	if (o->keyid >= 0) {
		qo->auth = &o->auth.ops;
		qo->t1_bias = o->authdelay;	/* -e, as classic */
	} else
		qo->auth = o->nts_auth;	/* --nts, or NULL */
}

/*
 * -a: the key from the key file, or classic's messages and exit 1: a
 * key id not in the file, or a file refused (our reason, then classic's
 * "no key file" line).
 */
static int
load_key(const struct out *out, struct options *o)
{
	struct ntp_keys_err e;
	char why[512];

	if (ntp_keys_load_auth(o->keyfile, (uint32_t)o->keyid, &o->auth,
	    &e) == 0)
		return 0;
	if (e.code == NTP_KEYS_NOT_FOUND) {
		say(out, LOG_ERR, "authentication key %ld unknown", o->keyid);
		return 1;
	}
	/* Classic ends every refused file so (a bad line too, after its
	 * "authreadkeys: rejecting file"); ours says why first. */
	say(out, LOG_ERR, "%s", ntp_keys_describe(o->keyfile, &e, why,
	    sizeof(why)));
	say(out, LOG_ERR, "no key file <%s>, exiting", o->keyfile);
	return 1;
}

/* --json: what run() decided, for the objects printed after it. */
static void
json_keep(const struct out *out, int chosen, const struct ntp_selection *sel)
{
	if (out->js == NULL)
		return;
	out->js->ran = 1;
	out->js->chosen = chosen;
	out->js->sel = *sel;
}

static int
start_failed(const struct out *out, int reason)
{
	if (out->js != NULL)
		out->js->error = ntp_reason_name(reason);
	if (reason == NTP_R_PORT_IN_USE)
		say(out, LOG_ERR, "the NTP socket is in use, exiting");
	else if (reason == NTP_R_PORT_PERM)
		say(out, LOG_ERR, "can't bind the NTP port %d: %s; run as "
		    "root, or use -u for an unprivileged port", NTP_PORT,
		    strerror(errno));
	else
		say(out, LOG_ERR, "%s: %s", ntp_strerror(reason),
		    strerror(errno));
	return 1;
}

/* No majority: one line with every server's offset. */
static void
report_disagreement(const struct out *out, const struct ntp_server *srv,
    size_t n, const struct ntp_selection *sel)
{
	char line[1024];

	if (sel->no_majority && ntp_disagreement(srv, n, line,
	    sizeof(line)) > 0)
		say(out, LOG_ERR, "%s", line);
}

static int
run(const struct out *out, const struct options *o, struct ntp_server *srv,
    size_t n)
{
	struct ntp_query_opts qo;
	struct ntp_selection sel;
	int reason = 0, chosen;

	setup_query(o, &qo);
	if (ntp_query(srv, n, &qo, ntp_net_system(), &reason) != 0)
		return start_failed(out, reason);
	chosen = ntp_choose(srv, n, &sel);
	json_keep(out, chosen, &sel);
	report_kisses(out, srv, n);
	if (o->debug)
		dump_servers(srv, n, &qo);
	if (o->query && !o->debug)	/* with -d, classic's dump instead */
		print_servers(srv, n);
	if (chosen < 0) {
		report_reasons(out, srv, n, &qo, 1);
		report_disagreement(out, srv, n, &sel);
		say(out, LOG_ERR, "no server suitable for synchronization "
		    "found");
		return 1;
	}
	if (o->query)
		report_reasons(out, srv, n, &qo, 1);
	return apply(out, o, &srv[chosen], &sel);
}

/* Output that could not be written is a failure, said on stderr. */
static int
finish_stdout(const struct out *out, int guard, int rc)
{
	int err = ntp_stdout_close(guard);

	if (err == 0)
		return rc;
	say(out, LOG_ERR, "cannot write to standard output: %s",
	    err == EBADF ? "it is closed" : ntp_file_strerror(err));
	return 1;
}

static void
json_emit(const struct out *out, struct ntp_json *j)
{
	const char *text = ntp_json_end(j);

	if (text != NULL) {
		fprintf(out->js->f, "%s\n", text);
		fflush(out->js->f);
	}
	ntp_json_free(j);
}

/* The result's adjusted/error words, as apply() decided and did. */
static void
json_outcome(const struct options *o, const struct json_run *js,
    struct ntp_json_result *res)
{
	const char *kind = js->kind == NTP_DO_STEP ? "step" : "slew";

	if (!js->applied)
		return;
	if (js->apply_reason == NTP_R_SLEW_TOO_BIG)
		res->error = ntp_reason_name(NTP_R_SLEW_TOO_BIG);
	else if (js->apply_reason != 0)
		res->error = js->kind == NTP_DO_STEP ? "step_failed" :
		    "slew_failed";
	else if (!o->query && !o->debug)
		res->adjusted = kind;
}

/* sntp -j's schema: one object per server, then the result. */
static void
print_json(const struct out *out, const struct options *o,
    const struct ntp_server *srv, size_t n, int rc)
{
	const struct json_run *js = out->js;
	struct ntp_json_result res;
	struct ntp_json j;
	size_t i;

	memset(&res, 0, sizeof(res));
	/* As sntp -j: no server objects when the run could not start. */
	for (i = 0; js->error == NULL && i < n; i++) {
		ntp_json_server(&j, &srv[i], (int)i == js->chosen, NULL);
		if (o->keyid >= 0)
			ntp_json_bool(&j, "authenticated", srv[i].nreplies > 0);
		json_emit(out, &j);
		res.usable += ntp_json_usable(&srv[i]);
	}
	res.ok = rc == 0;
	res.servers = n;
	res.no_majority = js->ran && js->sel.no_majority && js->sel.usable > 1;
	res.error = js->error;
	if (js->ran && js->chosen >= 0) {
		res.selected = &srv[js->chosen];
		res.offset = js->sel.offset;
		json_outcome(o, js, &res);
	} else if (res.error == NULL) {
		res.error = ntp_servers_addressed(srv, n) == 0 ?
		    "no_server" : "no_usable_server";
	}
	ntp_json_result(&j, &res);
	if (o->keyid >= 0)
		ntp_json_bool(&j, "authenticated", res.selected != NULL);
	json_emit(out, &j);
}

/*
 * --json: the objects go to the real stdout, alone; classic's lines
 * (-q, -d, the final line) go to stderr, where a person still sees them.
 */
static int
json_open(struct out *out, struct json_run *js)
{
	int fd;

	memset(js, 0, sizeof(*js));
	js->chosen = -1;
	fflush(stdout);
	if ((fd = dup(STDOUT_FILENO)) < 0 ||
	    (js->f = fdopen(fd, "w")) == NULL ||
	    dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		say(out, LOG_ERR, "--json: %s", strerror(errno));
		return -1;
	}
	out->js = js;
	return 0;
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * --splay: wait a random 0..S seconds (monotonic) before anything goes
 * on the network.  SIGINT/SIGTERM end the wait and the program, by the
 * signal, the clock untouched.
 */
static void
splay(const struct out *out, const struct options *o)
{
	uint64_t r;
	double d;
	int sig;

	ntp_splay_random(&r);
	d = ntp_splay_pick(o->splay, r);
	if (o->debug)
		printf("splay: waiting %.3f s of at most %g s\n", d, o->splay);
	if ((sig = ntp_splay_sleep(d, on_signal, &stop_signal)) != 0) {
		say(out, LOG_NOTICE, "interrupted by %s during --splay; the "
		    "clock was not changed", sig == SIGINT ? "SIGINT" :
		    "SIGTERM");
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
}

/* A --config line: problems as warnings, -d's origins on stdout. */
static void
config_line(const void *ctx, enum ntp_conf_line kind, const char *line)
{
	if (kind == NTP_CONF_PROBLEM)
		note(ctx, LOG_WARNING, "%s", line);
	else
		printf("%s\n", line);
}

/* --config: the servers of FILE, or of the system's first NTP config. */
static int
load_config(const struct out *out, const struct options *o,
    struct ntp_conf *c)
{
	int r = ntp_conf_load(c, o->config, getenv("NTPC_CONF_ROOT"));

	ntp_conf_report(c, o->debug, config_line, out);
	if (r < 0) {
		say(out, LOG_ERR, "%s", ntp_strerror(NTP_R_NOMEM));
		return -1;
	}
	if (c->n == 0 && o->nhosts == 0) {
		say(out, LOG_ERR, "--config: no server in %s",
		    ntp_conf_where(o->config));
		return -1;
	}
	return 0;
}

/* The command line's servers, then the configuration's. */
static const char **
all_hosts(const struct options *o, const struct ntp_conf *c, size_t *n)
{
	const char **h;
	size_t i;

	if ((h = calloc(o->nhosts + c->n + 1, sizeof(*h))) == NULL)
		return NULL;
	for (i = 0; i < o->nhosts; i++)
		h[i] = o->hosts[i];
	for (i = 0; i < c->n; i++)
		h[o->nhosts + i] = c->srv[i].host;
	*n = o->nhosts + c->n;
	return h;
}

#ifdef NTPC_NTS
/* --nts: "host:port" arguments split, names to resolve in nts->names. */
static int
nts_start(const struct out *out, struct options *o, struct nts *nts)
{
	const char *bad;

	if (nts_init(nts, nts_tls_system(), o->nts_ca, o->timeout,
	    (const char *const *)o->hosts, o->nhosts, &bad) == 0) {
		o->hosts = nts->names;
		return 0;
	}
	if (bad != NULL)
		say(out, LOG_ERR, "--nts: bad host or port: %s", bad);
	else
		say(out, LOG_ERR, "%s", ntp_strerror(NTP_R_NOMEM));
	nts_free(nts);
	return -1;
}

/* NTS-KE with every resolved server, before the query. */
static int
nts_keys(const struct out *out, struct options *o, struct nts *nts,
    struct ntp_server *srv, size_t n)
{
	if (nts_establish(nts, srv, n) != 0) {
		say(out, LOG_ERR, "%s", ntp_strerror(NTP_R_NOMEM));
		return -1;
	}
	o->nts_auth = nts_auth(nts);
	return 0;
}
#endif

static int
resolve_and_run(const struct out *out, struct options *o,
    const char *const *hosts, size_t nhosts)
{
	struct ntp_server *srv;
	size_t n;
	int rc;

	if (ntp_resolve(hosts, nhosts, o->family, RESOLVE_TIMEOUT, &srv,
	    &n) != 0) {
		say(out, LOG_ERR, "%s", ntp_strerror(NTP_R_NOMEM));
		return 1;
	}
	report_resolve_failures(out, srv, n);
	if (ntp_servers_addressed(srv, n) == 0) {
		say(out, LOG_ERR, "no servers can be used, exiting");
		rc = 1;
#ifdef NTPC_NTS
	} else if (o->nts && nts_keys(out, o, o->nts_state, srv, n) != 0) {
		rc = 1;
#endif
	} else {
		rc = run(out, o, srv, n);
	}
	if (out->js != NULL)
		print_json(out, o, srv, n, rc);
	ntp_servers_free(srv, n);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct out out;
	struct json_run js;
	struct ntp_conf conf;
	const char **hosts;
	size_t nhosts;
	int rc, guard;
#ifdef NTPC_NTS
	struct nts nts;

	memset(&nts, 0, sizeof(nts));
#endif

	guard = ntp_stdio_guard();
	parse_args(&o, argc, argv);
#ifdef NTPC_NTS
	o.nts_state = &nts;
#endif
	out.pid = (long)getpid();
	out.use_syslog = o.use_syslog && syslog_available();
	out.js = NULL;
	out.quiet = o.use_syslog && !out.use_syslog;
	if (out.use_syslog)
		openlog("ntpdate", LOG_PID, LOG_DAEMON);
	if (o.json && json_open(&out, &js) != 0)
		return 1;
	if (o.verbose || o.debug)
		say(&out, LOG_NOTICE, "ntpdate ntpc-%s", NTPC_VERSION);
	if (o.keyid >= 0 && load_key(&out, &o) != 0)
		return 1;
	ntp_conf_init(&conf, NULL);
	if (o.use_config && load_config(&out, &o, &conf) != 0) {
		ntp_conf_free(&conf);
		ntp_key_wipe(&o.auth.key);
		return 1;
	}
#ifdef NTPC_NTS
	if (o.nts && nts_start(&out, &o, &nts) != 0)
		return 1;
#endif
	if ((hosts = all_hosts(&o, &conf, &nhosts)) == NULL) {
		say(&out, LOG_ERR, "%s", ntp_strerror(NTP_R_NOMEM));
		rc = 1;
	} else {
		if (o.splay > 0)
			splay(&out, &o);
		rc = resolve_and_run(&out, &o, hosts, nhosts);
	}
#ifdef NTPC_NTS
	nts_free(&nts);
#endif
	free(hosts);
	ntp_conf_free(&conf);
	ntp_key_wipe(&o.auth.key);
	return finish_stdout(&out, guard, rc);
}
