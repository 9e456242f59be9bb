/*
 * ntpdate: set the clock from NTP servers, once.  A drop-in for NTP
 * Classic ntpdate 4.2.8 over lib/: same options, output and exit codes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ntp_clock.h"
#include "ntp_engine.h"
#include "ntp_esc.h"
#include "ntp_file.h"
#include "ntp_keys.h"
#include "ntp_mac.h"
#include "ntp_parse.h"
#include "ntp_reason.h"
#include "ntp_report.h"
#include "ntp_resolve.h"

#define USAGE "usage: ntpdate [-46bBdqsuv] [-a key#] [-e delay] " \
	"[-k file] [-p samples] [-o version#] [-t timeo] server ..."
#define RESOLVE_TIMEOUT	5.0	/* s for all names together */
#define NAME_SHOWN	255	/* bytes of a host name shown, escaped */

struct options {
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
	char		**hosts;
	size_t		nhosts;
};

/* Where messages go: the terminal with classic's prefix, or syslog. */
struct out {
	int		use_syslog;
	long		pid;
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
	FILE *f = prio <= LOG_WARNING ? stderr : stdout;

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

static void
usage(void)
{
	fprintf(stderr, "%s\n", USAGE);
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
		fprintf(stderr, "ntpdate: encryption key %s invalid\n", arg);
		return -1;
	case 'e':
		if (ntp_parse_decimal(arg, 0, 0.999999999, &o->authdelay) == 0)
			return 0;
		fprintf(stderr, "ntpdate: encryption delay %s is unlikely\n",
		    arg);
		return -1;
	case 'o':
		if (ntp_parse_long(arg, 1, 4, &v) == 0) {
			o->version = (int)v;
			return 0;
		}
		fprintf(stderr, "ntpdate: version must be 1 to 4\n");
		return -1;
	case 'p':
		if (ntp_parse_long(arg, 1, NTP_MAXSAMPLES, &v) == 0) {
			o->samples = (int)v;
			return 0;
		}
		fprintf(stderr, "ntpdate: number of samples (%s) is invalid\n",
		    arg);
		return -1;
	case 't':
		if (ntp_parse_decimal(arg, 0, 3600, &o->timeout) == 0 &&
		    o->timeout > 0)
			return 0;
		fprintf(stderr, "ntpdate: timeout %s is undecipherable\n", arg);
		return -1;
	default:	/* 'k' */
		o->keyfile = arg;
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
	case 'a': case 'e': case 'k': case 'o': case 'p': case 't':
		return parse_value(o, c, arg);
	default:
		return -1;
	}
	return 0;
}

static void
parse_args(struct options *o, int argc, char **argv)
{
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->adj = NTP_ADJ_AUTO;
	o->version = 4;
	o->timeout = 2.0;
	o->keyid = -1;
	o->keyfile = "/etc/ntp.keys";
	while ((c = getopt(argc, argv, "46a:bBde:k:o:p:qst:uv")) != -1)
		if (parse_opt(o, c, optarg) != 0)
			bad = 1;
	if (bad || optind >= argc)
		usage();
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

static void
report_resolve_failures(const struct out *out, const struct ntp_server *srv,
    size_t n)
{
	char name[NTP_ESC_SIZE(NAME_SHOWN)];
	size_t i;

	for (i = 0; i < n; i++)
		if (srv[i].reason == NTP_R_RESOLVE)
			say(out, LOG_ERR, "Error resolving %s: %s",
			    ntp_esc(name, sizeof(name), srv[i].host),
			    srv[i].detail);
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
			say(out, LOG_WARNING, "server %s: %s; not asking it "
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

/* "ecc8a4c1.12345678  Sun, Nov 22 2026  2:18:09.071", era resolved. */
static void
dump_ts(const char *label, ntp_ts_t ts)
{
	struct timespec now, t;
	struct tm tm;
	char date[64];

	if (ts == 0) {
		printf("%-21s00000000.00000000  (none)\n", label);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ntp_ts_to_timespec(ts, ntp_era_pivot(&now), &t);
	localtime_r(&t.tv_sec, &tm);
	strftime(date, sizeof(date), "%a, %b %e %Y %k:%M:%S", &tm);
	printf("%-21s%08x.%08x  %s.%03ld\n", label, (unsigned)(ts >> 32),
	    (unsigned)ts, date, t.tv_nsec / 1000000);
}

static void
dump_filter(const struct ntp_server *s, int want_offset)
{
	size_t i;

	printf(want_offset ? "filter offset:" : "filter delay: ");
	for (i = 0; i < NTP_MAXSAMPLES; i++) {
		if (i == 4)
			printf("\n              ");
		printf(" %+9.6f", i < s->nsamples ? (want_offset ?
		    s->samples[i].offset : s->samples[i].delay) : 0.0);
	}
	printf("\n");
}

static void
dump_server(const struct ntp_server *s, const struct ntp_query_opts *qo)
{
	const struct ntp_sample *b = ntp_server_best(s);
	const struct ntp_pkt *p = &s->last;
	char ref[32], why[256], name[NTP_ESC_SIZE(NAME_SHOWN)];
	size_t i;

	printf("server %s, port %d\n", server_name(s, name), NTP_PORT);
	printf("stratum %d, precision %d, leap %d%d, trust 000\n", p->stratum,
	    p->precision, p->leap >> 1, p->leap & 1);
	printf("refid [%s], root delay %.6f, root dispersion %.6f\n",
	    ntp_refid_str(p->refid, p->stratum, ref, sizeof(ref)),
	    ntp_short_to_sec(p->rootdelay), ntp_short_to_sec(p->rootdisp));
	printf("transmitted %d, in filter %zu\n", s->nsent, s->nsamples);
	dump_ts("reference time:", p->reftime);
	dump_ts("originate timestamp:", p->org);
	dump_ts("transmit timestamp:", p->xmt);
	dump_filter(s, 0);
	dump_filter(s, 1);
	for (i = 0; i < s->nsamples; i++)
		printf("sample %zu: offset %+.6f, delay %.6f, error %.6f, "
		    "root distance %.6f\n", i + 1, s->samples[i].offset,
		    s->samples[i].delay, s->samples[i].error,
		    s->samples[i].rootdist);
	for (i = 0; i < s->nrejects; i++)
		printf("rejected reply: %s\n", ntp_strerror(s->rejects[i]));
	printf("delay %.6f, dispersion %.6f\n", b ? b->delay : 0.0,
	    b ? b->disp : 0.0);
	printf("offset %+.6f\n", b ? b->offset : 0.0);
	if (s->reason == NTP_OK || s->reason == NTP_R_NOT_BEST)
		printf("verdict: %s, weight %.3f\n\n", s->reason == NTP_OK ?
		    "system peer" : "survivor", s->weight);
	else
		printf("verdict: %s\n\n", ntp_server_why(s, qo, why,
		    sizeof(why)));
}

/* -q: classic's per-server line, zeros for a server without data. */
static void
print_servers(const struct ntp_server *srv, size_t n)
{
	const struct ntp_sample *b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (srv[i].addrlen == 0)
			continue;
		b = ntp_server_best(&srv[i]);
		printf("server %s, stratum %d, offset %+.6f, delay %.5f\n",
		    srv[i].addrstr, b ? b->stratum : 0, b ? b->offset : 0.0,
		    b ? b->delay : 0.0);
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
	if (o->keyid >= 0)
		qo->auth = &o->auth.ops;
}

/*
 * -a: the key from the key file, or classic's messages and exit 1.  A
 * file that is there but refused says why before classic's line.
 */
static int
load_key(const struct out *out, struct options *o)
{
	struct ntp_key k;
	struct ntp_keys_err e;
	char why[512];

	if (ntp_keys_load(o->keyfile, (uint32_t)o->keyid, &k, &e) == 0) {
		ntp_mac_auth_init(&o->auth, &k);
		ntp_key_wipe(&k);
		return 0;
	}
	if (e.code == NTP_KEYS_NOT_FOUND) {
		say(out, LOG_ERR, "authentication key %ld unknown", o->keyid);
		return 1;
	}
	say(out, LOG_ERR, "%s", ntp_keys_describe(o->keyfile, &e, why,
	    sizeof(why)));
	if (e.code == NTP_KEYS_OPEN)
		say(out, LOG_ERR, "no key file <%s>, exiting", o->keyfile);
	return 1;
}

static int
start_failed(const struct out *out, int reason)
{
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
	size_t i;
	int reason = 0, chosen;

	setup_query(o, &qo);
	if (ntp_query(srv, n, &qo, ntp_net_system(), &reason) != 0)
		return start_failed(out, reason);
	if (o->keyid >= 0)
		ntp_mac_authdelay(srv, n, o->authdelay);
	chosen = ntp_choose(srv, n, &sel);
	report_kisses(out, srv, n);
	if (o->debug)
		for (i = 0; i < n; i++)
			dump_server(&srv[i], &qo);
	if (o->query)
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

int
main(int argc, char **argv)
{
	struct options o;
	struct out out;
	struct ntp_server *srv;
	size_t n;
	int rc, guard;

	guard = ntp_stdio_guard();
	parse_args(&o, argc, argv);
	out.pid = (long)getpid();
	out.use_syslog = o.use_syslog && syslog_available();
	if (out.use_syslog)
		openlog("ntpdate", LOG_PID, LOG_DAEMON);
	if (o.verbose)
		say(&out, LOG_NOTICE, "ntpdate %s (ntpc)", NTPC_VERSION);
	if (o.keyid >= 0 && load_key(&out, &o) != 0)
		return 1;
	if (ntp_resolve((const char *const *)o.hosts, o.nhosts, o.family,
	    RESOLVE_TIMEOUT, &srv, &n) != 0) {
		say(&out, LOG_ERR, "%s", ntp_strerror(NTP_R_NOMEM));
		ntp_key_wipe(&o.auth.key);
		return 1;
	}
	report_resolve_failures(&out, srv, n);
	if (ntp_servers_addressed(srv, n) == 0) {
		say(&out, LOG_ERR, "no servers can be used, exiting");
		rc = 1;
	} else {
		rc = run(&out, &o, srv, n);
	}
	ntp_servers_free(srv, n);
	ntp_key_wipe(&o.auth.key);
	return finish_stdout(&out, guard, rc);
}
