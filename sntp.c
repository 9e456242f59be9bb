/*
 * sntp: ask NTP servers for the time and, when told to, set the clock.
 * A drop-in for NTP Classic sntp 4.2.8 over lib/: same options and
 * output lines, but every server is asked in parallel, the answers go
 * through the same selection as ntpdate, and the exit status says
 * whether a usable server answered.
 */
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "ntp_clock.h"
#include "ntp_conf.h"
#include "ntp_engine.h"
#include "ntp_esc.h"
#include "ntp_file.h"
#include "ntp_json.h"
#include "ntp_keys.h"
#include "ntp_kod.h"
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

/* Classic's option-error tail (AutoOpts), the version ours. */
#define USAGE "sntp - standard Simple Network Time Protocol client " \
	"program - Ver. ntpc-" NTPC_VERSION "\n" \
	"Usage:  sntp [ -<flag> [<val>] | --<name>[{=| }<val>] ]... \\\n" \
	"\t\t[ hostname-or-IP ...]\n"
#define TRY_HELP "Try 'sntp --help' for more information.\n"
#define BANNER "sntp ntpc-" NTPC_VERSION
#define NO_HOST "Must supply at least one of -b hostname, -c hostname, " \
	"or hostname."
#define RESOLVE_TIMEOUT	5.0	/* s for all names together */
#define DEF_TIMEOUT	5.0	/* -t, s (classic) */
#define DEF_GAP_MS	0.0	/* -g, ms (classic: 50) */
#define MAXDIGITS	6	/* offset digits, at most (classic) */
#define NAMEMAX		256	/* host names in messages are cut here */

enum {
	OPT_WAIT = 256,
	OPT_NOWAIT,
	OPT_HELP,
	OPT_VERSION,
	OPT_CONFIG,
	OPT_SPLAY,
	OPT_NTS,
	OPT_NTS_CA
};

/* Set by SIGINT/SIGTERM during --splay: the one global (STYLE.md). */
static volatile sig_atomic_t stop_signal;

struct options {
	int		family;
	int		debug;
	int		step;		/* -S */
	int		slew;		/* -s */
	int		reserved;	/* -r: source port 123 */
	int		nowait;
	int		json;
	int		version;
	double		timeout;	/* s */
	double		gap;		/* s */
	double		steplimit;	/* s */
	long		keyid;		/* -1: no -a */
	const char	*keyfile;	/* -k */
	struct ntp_mac_auth auth;	/* -a: the key, loaded in main */
	const char	*kodfile;
	const char	*logfile;
	int		use_config;	/* --config */
	const char	*config;	/* --config=FILE, or NULL: search */
	double		splay;		/* --splay, s */
	const char	**hosts;
	size_t		nhosts;
	int		nts;		/* --nts */
	const char	*nts_ca;	/* --nts-ca FILE */
	const struct ntp_auth_ops *nts_auth;	/* --nts, after NTS-KE */
	struct nts	*nts_state;	/* --nts: NTS-KE before the query */
	const char	*bad;		/* an unknown long option */
};

/* One run: the servers and what became of them. */
struct run {
	const struct options *o;
	struct ntp_query_opts qo;
	struct ntp_server *srv;
	size_t		n;
	unsigned char	*cut;		/* --no-wait stopped before a reply */
	struct ntp_selection sel;
	int		chosen;
	FILE		*log;
	int		use_syslog;	/* classic logs there unless -l */
	struct ntp_kod_db kod;
	const char	*adjusted;	/* "step", "slew" or NULL */
	const char	*error;		/* run-level failure, for JSON */
	int		write_failed;	/* the log or the KoD database */
};

static void msg(const char *, ...) __attribute__((format(printf, 1, 2)));
static void usage_error(const char *, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static void tell(const struct run *, FILE *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void info_exit(int) __attribute__((noreturn));
static int finish_stdout(int, int);
static void emit(const struct run *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static const char *kod_code(const struct ntp_server *);

static const struct option longopts[] = {
	{ "ipv4",		no_argument,		NULL, '4' },
	{ "ipv6",		no_argument,		NULL, '6' },
	{ "authentication",	required_argument,	NULL, 'a' },
	{ "broadcast",		required_argument,	NULL, 'b' },
	{ "concurrent",		required_argument,	NULL, 'c' },
	{ "debug-level",	no_argument,		NULL, 'd' },
	{ "gap",		required_argument,	NULL, 'g' },
	{ "json",		no_argument,		NULL, 'j' },
	{ "kod",		required_argument,	NULL, 'K' },
	{ "keyfile",		required_argument,	NULL, 'k' },
	{ "logfile",		required_argument,	NULL, 'l' },
	{ "steplimit",		required_argument,	NULL, 'M' },
	{ "ntpversion",		required_argument,	NULL, 'o' },
	{ "usereservedport",	no_argument,		NULL, 'r' },
	{ "step",		no_argument,		NULL, 'S' },
	{ "slew",		no_argument,		NULL, 's' },
	{ "timeout",		required_argument,	NULL, 't' },
	{ "wait",		no_argument,		NULL, OPT_WAIT },
	{ "no-wait",		no_argument,		NULL, OPT_NOWAIT },
	{ "help",		no_argument,		NULL, OPT_HELP },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "config",		optional_argument,	NULL, OPT_CONFIG },
	{ "splay",		required_argument,	NULL, OPT_SPLAY },
	{ "nts",		no_argument,		NULL, OPT_NTS },
	{ "nts-ca",		required_argument,	NULL, OPT_NTS_CA },
	{ NULL,			0,			NULL, 0 }
};

static void
msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sntp: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	va_end(ap);
}

/* A result line: to stdout, and appended to the -l file. */
static void
emit(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (r->log == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(r->log, fmt, ap);
	va_end(ap);
	fflush(r->log);
}

/*
 * A classic message: on STREAM, and as classic logs it, to the -l file
 * with its "sntp[PID]: " prefix, else to syslog (info).
 */
static void
tell(const struct run *r, FILE *stream, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stream, "%s\n", buf);
	fflush(stream);
	if (r->log != NULL) {
		fprintf(r->log, "sntp[%ld]: %s\n", (long)getpid(), buf);
		fflush(r->log);
	} else if (r->use_syslog) {
		syslog(LOG_INFO, "%s", buf);
	}
}

/* An option error as classic's (AutoOpts) reports it: exit 1. */
static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s%s", USAGE, TRY_HELP);
	exit(1);
}

/* A name from outside, fit for a terminal: control and 8-bit escaped. */
static const char *
clean(const char *s, char *buf, size_t len)
{
	return ntp_esc(buf, len, s);
}

/*
 * A numeric option value, refused as classic's AutoOpts refuses it: not a
 * number, or out of (our) range.
 */
static double
number(const char *name, const char *arg, double lo, double hi, int integer)
{
	double v;
	long l;

	if (integer ? ntp_parse_long(arg, LONG_MIN, LONG_MAX, &l) != 0 :
	    ntp_parse_signed_decimal(arg, &v) != 0)
		usage_error("sntp error:  '%s' is not a recognizable "
		    "number.\n", arg);
	if (integer)
		v = (double)l;
	if (v >= lo && v <= hi)
		return v;
	if (isinf(hi))
		usage_error("sntp error:  %s option value %s is out of "
		    "range.\nit must be in the range:\n\tgreater than or "
		    "equal to %g\n", name, arg, lo);
	usage_error("sntp error:  %s option value %s is out of range.\n"
	    "it must be in the range:\n\t%g to %g\n", name, arg, lo, hi);
}

/* Options with a numeric value. */
static void
parse_value(struct options *o, int c, const char *arg)
{
	switch (c) {
	case 'a':
		o->keyid = (long)number("authentication", arg, 1, 4294967295.0,
		    1);
		break;
	case 'g':
		o->gap = number("gap", arg, 0, 60000, 0) / 1000;
		break;
	case 'M':
		o->steplimit = number("steplimit", arg, 0, HUGE_VAL, 0) / 1000;
		break;
	case 'o':
		o->version = (int)number("ntpversion", arg, 1, 4, 1);
		break;
	default:	/* 't' */
		o->timeout = number("timeout", arg, 0.001, 3600, 0);
		break;
	}
}

static void
add_host(struct options *o, const char *host)
{
	o->hosts[o->nhosts++] = host;
}

/* --help: classic's layout, our options. */
static const char HELP[] =
"  Flg Arg Option-Name    Description\n"
"   -4 no  ipv4           Force IPv4 DNS name resolution\n"
"   -6 no  ipv6           Force IPv6 DNS name resolution\n"
"   -a Num authentication Enable authentication with the key auth-keynumber\n"
"   -c Str concurrent     Concurrently query all IPs returned for host-name\n"
"   -d no  debug-level    Increase debug verbosity level\n"
"   -g Num gap            The gap (in milliseconds) between time requests\n"
"   -j no  json           One JSON object per server and one for the run\n"
"   -K Fil kod            KoD history filename\n"
"   -k Fil keyfile        Look in this file for the key specified with -a\n"
"   -l Fil logfile        Log to specified logfile\n"
"   -M Num steplimit      Adjustments less than steplimit msec will be slewed\n"
"   -o Num ntpversion     Send int as our NTP protocol version\n"
"   -r no  usereservedport Use the NTP Reserved Port (port 123)\n"
"   -S no  step           OK to 'step' the time with settimeofday(2)\n"
"   -s no  slew           OK to 'slew' the time with adjtime(2)\n"
"   -t Num timeout        The number of seconds to wait for responses\n"
"      no  wait           Wait for pending replies (if not setting the time)\n"
"                                - disabled as '--no-wait'\n"
"                                - enabled by default\n"
"      opt config         Servers from the system's NTP configuration\n"
"      Num splay          Wait a random 0 to splay seconds first\n"
"      no  nts            Network Time Security (NTS=1 builds)\n"
"      Fil nts-ca         CA certificates for --nts\n"
"      opt version        output version information and exit\n"
"   -? no  help           display extended usage information and exit\n"
"\n"
"Options are specified by doubled hyphens and their name or by a single\n"
"hyphen and the flag character.\n"
"See sntp(1).\n";

static void
info_exit(int version)
{
	if (version)
		printf("%s\n", BANNER);
	else
		printf("%s%s", USAGE, HELP);
	exit(finish_stdout(0, 0));
}

/* The long name of option C, for classic's "requires an argument". */
static const char *
long_name(int c)
{
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == c)
			return longopts[i].name;
	return "?";
}

/* One option; 0, or -1 for a usage error. */
static int
parse_opt(struct options *o, int c, const char *arg)
{
	switch (c) {
	case 1:			/* a host among the options */
	case 'c':
		add_host(o, arg);
		return 0;
	case '4':
	case '6':
		o->family = c == '4' ? AF_INET : AF_INET6;
		return 0;
	case 'b':
		usage_error("sntp: broadcast mode (-b) is not supported\n");
	case 'd':
		o->debug++;
		return 0;
	case 'j':
		o->json = 1;
		return 0;
	case 'K':
		o->kodfile = arg;
		return 0;
	case 'k':
		o->keyfile = arg;
		return 0;
	case 'l':
		o->logfile = arg;
		return 0;
	case 'r':
		o->reserved = 1;
		return 0;
	case 'S':
	case 's':
		*(c == 'S' ? &o->step : &o->slew) = 1;
		return 0;
	case OPT_WAIT:
	case OPT_NOWAIT:
		o->nowait = c == OPT_NOWAIT;
		return 0;
	case OPT_HELP:
	case OPT_VERSION:
		info_exit(c == OPT_VERSION);
	case OPT_CONFIG:
		o->use_config = 1;
		o->config = arg;
		return 0;
	case OPT_SPLAY:
		if (ntp_parse_decimal(arg, 0, NTP_SPLAY_MAX, &o->splay) != 0)
			usage_error("sntp error:  --splay: seconds must be 0 to "
			    "%.0f: %s\n", NTP_SPLAY_MAX, arg);
		return 0;
	case OPT_NTS:
		o->nts = 1;
		return 0;
	case OPT_NTS_CA:
		o->nts_ca = arg;
		return 0;
	case 'a':
	case 'g':
	case 'M':
	case 'o':
	case 't':
		parse_value(o, c, arg);
		return 0;
	case ':':
		usage_error("sntp: The '%s' option requires an argument.\n",
		    long_name(optopt));
	default:
		if (optopt == '?')
			info_exit(0);
		if (optopt != 0)
			usage_error("sntp: illegal option -- %c\n", optopt);
		usage_error("sntp: illegal option -- %s\n", o->bad +
		    strspn(o->bad, "-"));
	}
}

static void
options_default(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->version = 4;
	o->timeout = DEF_TIMEOUT;
	o->gap = DEF_GAP_MS / 1000;
	o->steplimit = NTP_STEP_THRESHOLD;
	o->keyid = -1;
	o->keyfile = "/etc/ntp.keys";
	o->kodfile = NTP_KOD_PATH;
}

/* Hosts keep their command-line order, -c or not ("-" in optstring). */
static void
parse_args(struct options *o, int argc, char **argv)
{
	int c;

	options_default(o);
	if ((o->hosts = calloc((size_t)argc + 1, sizeof(*o->hosts))) == NULL) {
		msg("%s", ntp_strerror(NTP_R_NOMEM));
		exit(1);
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:46a:b:c:dg:jK:k:l:M:o:rSst:",
	    longopts, NULL)) != -1) {
		o->bad = argv[optind - 1];
		(void)parse_opt(o, c, optarg);
	}
	while (optind < argc)		/* after "--" */
		add_host(o, argv[optind++]);
	if (o->nts_ca != NULL && !o->nts)
		usage_error("sntp error:  --nts-ca needs --nts\n");
	if (o->nts && o->keyid >= 0)
		usage_error("sntp error:  --nts and -a cannot be used "
		    "together\n");
#ifndef NTPC_NTS
	if (o->nts) {
		msg("--nts: not built with NTS support (build with make NTS=1)");
		exit(EX_USAGE);
	}
#endif
}

/* "host (address)", the address alone, or the name when unresolved. */
static const char *
server_label(const struct ntp_server *s, char *buf, size_t len)
{
	char name[NAMEMAX];

	clean(s->host, name, sizeof(name));
	if (s->addrlen == 0 || strcmp(s->host, s->addrstr) == 0)
		snprintf(buf, len, "%s", s->addrlen ? s->addrstr : name);
	else
		snprintf(buf, len, "%s (%s)", name, s->addrstr);
	return buf;
}

static int
usable(const struct ntp_server *s)
{
	return ntp_server_best(s) != NULL &&
	    (s->reason == NTP_OK || s->reason == NTP_R_NOT_BEST);
}

static const char *
leap_word(int leap)
{
	static const char *const words[] = {
		"no-leap", "add-leap", "del-leap", "unsync"
	};

	return words[leap & 3];
}

/* Decimal digits the server's precision supports: 2^-20 s gives 6. */
static int
digits(int precision)
{
	long d = lround(-precision * log10(2.0));

	return d < 1 ? 1 : d > MAXDIGITS ? MAXDIGITS : (int)d;
}

/*
 * Classic's line: "2026-11-22 01:21:51.906959 (+0000) +0.000220 +/-
 * 0.000162 name address s10 no-leap", in local time of the reply (T4).
 */
static void
print_line(const struct run *r, const struct ntp_server *s)
{
	const struct ntp_sample *b = ntp_server_best(s);
	char date[32], zone[8], name[NAMEMAX];
	struct tm tm;
	time_t t = b->local.tv_sec;
	int d = digits(b->precision);

	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	clean(s->host, name, sizeof(name));
	tell(r, stdout, "%s.%06ld (%s) %+.*f +/- %.*f %s%s%s s%d %s", date,
	    b->local.tv_nsec / 1000, zone, d, b->offset, d, b->error,
	    strcmp(s->host, s->addrstr) == 0 ? "" : name,
	    strcmp(s->host, s->addrstr) == 0 ? "" : " ", s->addrstr,
	    b->stratum, leap_word(b->leap));
}

/* Classic prints the one result it uses: ours, the selected server's. */
static void
print_lines(const struct run *r)
{
	if (r->chosen >= 0)
		print_line(r, &r->srv[r->chosen]);
}

/*
 * Classic's lines for what went wrong, before ours on stderr: a name that
 * did not resolve, a kiss that stops the server, an unsynchronised reply,
 * and when no server gave a result, each server that never answered.
 */
static void
classic_failures(const struct run *r)
{
	const struct ntp_server *s;
	const char *code;
	char name[NAMEMAX];
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		if (s->reason == NTP_R_RESOLVE) {
			clean(s->host, name, sizeof(name));
			tell(r, stderr, "%s lookup error %s", name,
			    s->detail != NULL ? s->detail : "");
		}
		if (s->addrlen == 0 || usable(s) || r->cut[i])
			continue;
		if ((code = kod_code(s)) != NULL)
			tell(r, stdout, "KOD code %s from %s %s", code,
			    s->host, s->addrstr);
		else if (s->reason == NTP_R_UNSYNC_LEAP ||
		    s->reason == NTP_R_UNSYNC_STRATUM0)
			tell(r, stderr, "sock_cb: %s not in sync, skipping "
			    "this server", s->addrstr);
		else if (s->nreplies == 0 && s->nsent > 0 && r->chosen < 0)
			tell(r, stdout, "%s no UCST response after %d seconds",
			    s->addrstr, (int)r->o->timeout);
	}
}

/* Why each server was not usable; KoD database skips were told before. */
static void
report_reasons(const struct run *r)
{
	const struct ntp_server *s;
	char why[256], label[NAMEMAX + 80];
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		if (usable(s) || s->reason == NTP_R_KOD_DB)
			continue;
		if (r->cut[i] && !r->o->debug)
			continue;	/* --no-wait asked for this */
		server_label(s, label, sizeof(label));
		if (r->cut[i])
			msg("server %s: not waited for (--no-wait: another "
			    "server answered first)", label);
		else
			msg("server %s: %s", label,
			    ntp_server_why(s, &r->qo, why, sizeof(why)));
	}
}

/* No majority: one line with every server's offset. */
static void
report_disagreement(const struct run *r)
{
	char line[1024];

	if (r->sel.no_majority && ntp_disagreement(r->srv, r->n, line,
	    sizeof(line)) > 0)
		msg("%s", line);
}

/* "45 s", "12 min", "3 h 20 min". */
static const char *
age_text(int64_t sec, char *buf, size_t len)
{
	if (sec < 0)
		sec = 0;
	if (sec < 120)
		snprintf(buf, len, "%lld s", (long long)sec);
	else if (sec < 7200)
		snprintf(buf, len, "%lld min", (long long)(sec / 60));
	else
		snprintf(buf, len, "%lld h %lld min", (long long)(sec / 3600),
		    (long long)(sec % 3600 / 60));
	return buf;
}

static void
kod_load(struct run *r)
{
	int err;

	if (ntp_kod_load(&r->kod, r->o->kodfile, (int64_t)time(NULL),
	    &err) != 0)
		msg("KoD database %s: cannot read: %s; not using it",
		    r->o->kodfile, ntp_kod_strerror(err));
}

/* RFC 5905 §7.4: a server that sent DENY or RSTR is not asked again. */
static void
kod_skip(struct run *r)
{
	const struct ntp_kod_entry *e;
	struct ntp_server *s;
	char age[32];
	int64_t now = (int64_t)time(NULL);
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->srv[i];
		if (s->reason != NTP_OK || s->addrlen == 0 ||
		    (e = ntp_kod_lookup(&r->kod, s->addrstr)) == NULL)
			continue;
		s->reason = NTP_R_KOD_DB;
		msg("server %s: skipped: KoD %s received %s ago (KoD "
		    "database %s)", s->addrstr, e->code,
		    age_text(now - e->when, age, sizeof(age)), r->kod.path);
	}
}

/* The kiss a server sent after the origin check, if DENY or RSTR. */
static const char *
kod_code(const struct ntp_server *s)
{
	size_t i;

	for (i = 0; i < s->nrejects; i++) {
		if (s->rejects[i] == NTP_R_KOD_DENY)
			return "DENY";
		if (s->rejects[i] == NTP_R_KOD_RSTR)
			return "RSTR";
	}
	return NULL;
}

/* Record new kisses; a failure to write is a warning and exit status 1. */
static void
kod_record(struct run *r)
{
	const char *code;
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int err = 0;

	for (i = 0; i < r->n && err == 0; i++)
		if ((code = kod_code(&r->srv[i])) != NULL)
			(void)ntp_kod_add(&r->kod, r->srv[i].addrstr, now, code,
			    &err);
	if (err == 0 && ntp_kod_save(&r->kod, now, &err) == 0)
		return;
	r->write_failed = 1;
	msg("KoD database %s: cannot write: %s%s", r->kod.path,
	    ntp_kod_strerror(err), err == ENOENT ?
	    " (does the directory exist?)" : "");
}

static void
debug_options(const struct run *r)
{
	const struct ntp_query_opts *q = &r->qo;

	msg("debug: %zu server%s, timeout %g s, gap %g s, version %d, "
	    "source port %s, %s", r->n, r->n == 1 ? "" : "s", q->timeout,
	    q->gap, q->version, q->port ? "123" : "ephemeral",
	    q->first_usable ? "first usable reply wins (--no-wait)" :
	    "waiting for every server");
}

static void
debug_sample(const char *label, size_t k, const struct ntp_sample *m)
{
	msg("debug: %s: sample %zu: offset %+.9f delay %.9f error %.9f "
	    "root distance %.9f stratum %d leap %d precision %d", label, k,
	    m->offset, m->delay, m->error, m->rootdist, m->stratum, m->leap,
	    m->precision);
}

static void
debug_server(const struct run *r, size_t idx)
{
	const struct ntp_server *s = &r->srv[idx];
	char label[NAMEMAX + 80], why[256], ref[32];
	size_t i;

	server_label(s, label, sizeof(label));
	msg("debug: %s: %d request%s, %d authentic repl%s, %zu sample%s",
	    label, s->nsent, s->nsent == 1 ? "" : "s", s->nreplies,
	    s->nreplies == 1 ? "y" : "ies", s->nsamples,
	    s->nsamples == 1 ? "" : "s");
	if (s->nreplies > 0)
		msg("debug: %s: last reply: stratum %d, leap %d, precision "
		    "%d, refid [%s], root delay %.6f, root dispersion %.6f",
		    label, s->last.stratum, s->last.leap, s->last.precision,
		    ntp_refid_str(s->last.refid, s->last.stratum, ref,
		    sizeof(ref)), ntp_short_to_sec(s->last.rootdelay),
		    ntp_short_to_sec(s->last.rootdisp));
	for (i = 0; i < s->nsamples; i++)
		debug_sample(label, i + 1, &s->samples[i]);
	for (i = 0; i < s->nrejects; i++)
		msg("debug: %s: rejected: %s", label,
		    ntp_strerror(s->rejects[i]));
	if (usable(s))
		msg("debug: %s: verdict: %s, weight %.3f", label,
		    (int)idx == r->chosen ? "system peer" : "survivor",
		    s->weight);
	else
		msg("debug: %s: verdict: %s", label, r->cut[idx] ?
		    "not waited for" : ntp_server_why(s, &r->qo, why,
		    sizeof(why)));
}

static void
emit_json(const struct run *r, struct ntp_json *j)
{
	const char *text = ntp_json_end(j);

	if (text != NULL)
		emit(r, "%s\n", text);
	else
		msg("%s", ntp_strerror(NTP_R_NOMEM));
	ntp_json_free(j);
}

static void
json_server(const struct run *r, size_t idx)
{
	struct ntp_json j;

	ntp_json_server(&j, &r->srv[idx], (int)idx == r->chosen,
	    !usable(&r->srv[idx]) && r->cut[idx] ? "not_waited_for" : NULL);
	if (r->o->keyid >= 0)
		ntp_json_bool(&j, "authenticated", r->srv[idx].nreplies > 0);
	emit_json(r, &j);
}

static void
json_result(const struct run *r, int ok)
{
	struct ntp_json_result res;
	struct ntp_json j;
	size_t i;

	memset(&res, 0, sizeof(res));
	res.ok = ok;
	res.selected = r->chosen >= 0 ? &r->srv[r->chosen] : NULL;
	res.servers = r->n;
	for (i = 0; i < r->n; i++)
		res.usable += usable(&r->srv[i]);
	res.no_majority = r->sel.no_majority && r->sel.usable > 1;
	res.adjusted = r->adjusted;
	res.error = r->error;
	if (res.selected != NULL)
		res.offset = r->sel.offset;
	ntp_json_result(&j, &res);
	if (r->o->keyid >= 0)
		ntp_json_bool(&j, "authenticated", res.selected != NULL);
	emit_json(r, &j);
}

static void
print_json(const struct run *r, int ok)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		json_server(r, i);
	json_result(r, ok);
}

static enum ntp_adj_mode
adj_mode(const struct options *o)
{
	if (o->step && o->slew)
		return NTP_ADJ_AUTO;
	return o->step ? NTP_ADJ_STEP : NTP_ADJ_SLEW;
}

/* -S/-s: correct the clock by the combined offset of the survivors. */
static int
apply(struct run *r)
{
	struct ntp_applied a;
	int rc;

	rc = ntp_clock_apply(ntp_clock_system(), r->sel.offset_ns,
	    adj_mode(r->o), r->o->steplimit, 0, &a);
	if (rc == NTP_R_SLEW_TOO_BIG) {
		msg("offset %+.6f s is too large to slew (adjtime accepts at "
		    "most %.0f s); %s", r->sel.offset, NTP_SLEW_MAX,
		    r->o->step ? "lower the step limit (-M)" : "use -S to step");
		r->error = ntp_reason_name(NTP_R_SLEW_TOO_BIG);
		return 1;
	}
	if (rc != 0) {
		msg("cannot %s the clock: %s", a.kind == NTP_DO_STEP ? "step" :
		    "slew", strerror(a.sys_errno));
		r->error = a.kind == NTP_DO_STEP ? "step_failed" : "slew_failed";
		return 1;
	}
	r->adjusted = a.kind == NTP_DO_STEP ? "step" : "slew";
	if (r->o->debug)
		msg("debug: %s the clock by %+.9f s", a.kind == NTP_DO_STEP ?
		    "stepped" : "slewing", r->sel.offset);
	return 0;
}

static int
start_failed(struct run *r, int reason)
{
	int err = errno;

	if (reason == NTP_R_PORT_IN_USE)
		msg("port %d is in use (is an NTP daemon running?); run "
		    "without -r", NTP_PORT);
	else if (reason == NTP_R_PORT_PERM)
		msg("cannot bind port %d: %s; run as root, or without -r",
		    NTP_PORT, strerror(err));
	else
		msg("%s: %s", ntp_strerror(reason), strerror(err));
	r->error = ntp_reason_name(reason);
	if (r->o->json)
		json_result(r, 0);
	return 1;
}

static void
setup_query(struct run *r)
{
	const struct options *o = r->o;

	ntp_query_opts_default(&r->qo);
	r->qo.version = o->version;
	r->qo.timeout = o->timeout;
	r->qo.gap = o->gap;
	r->qo.port = o->reserved ? NTP_PORT : 0;
	r->qo.first_usable = o->nowait;
	/* A query asks once, as classic; a clock correction samples. */
	r->qo.samples = o->step || o->slew ? 0 : 1;
	if (o->keyid >= 0)
		r->qo.auth = &o->auth.ops;
	else
		r->qo.auth = o->nts_auth;	/* --nts, or NULL */
}

/* Servers that were still waiting when --no-wait stopped the run. */
static void
mark_cut(struct run *r)
{
	size_t i;

	for (i = 0; r->o->nowait && i < r->n; i++)
		r->cut[i] = r->srv[i].reason == NTP_OK &&
		    r->srv[i].nsamples == 0;
}

static int
query(struct run *r)
{
	size_t i;
	int reason = 0, ok;

	setup_query(r);
	if (r->o->debug)
		debug_options(r);
	kod_skip(r);
	if (ntp_query(r->srv, r->n, &r->qo, ntp_net_system(), &reason) != 0)
		return start_failed(r, reason);
	kod_record(r);
	mark_cut(r);
	r->chosen = ntp_choose(r->srv, r->n, &r->sel);
	for (i = 0; r->o->debug && i < r->n; i++)
		debug_server(r, i);
	if (!r->o->json) {	/* the result last, as classic's: tail -1 */
		classic_failures(r);
		print_lines(r);
	}
	report_reasons(r);
	report_disagreement(r);
	ok = r->chosen >= 0;
	if (!ok)
		r->error = "no_usable_server";
	else if (r->o->step || r->o->slew)
		ok = apply(r) == 0;
	if (r->o->json)
		print_json(r, ok);
	return ok ? 0 : 1;
}

static void
open_log(struct run *r)
{
	int err;

	if (r->o->logfile == NULL)
		return;
	if ((r->log = ntp_file_append(r->o->logfile, &err)) == NULL) {
		msg("log file %s: cannot open: %s", r->o->logfile,
		    ntp_file_strerror(err));
		r->write_failed = 1;
	}
}

/* The log's last write; a failure makes the run fail. */
static void
close_log(struct run *r)
{
	int err;

	if (r->log == NULL || (err = ntp_file_close(r->log)) == 0)
		return;
	msg("log file %s: cannot write: %s", r->o->logfile,
	    ntp_file_strerror(err));
	r->write_failed = 1;
}

static int
sntp(const struct options *o)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.chosen = -1;
	open_log(&r);
	if (r.log == NULL && !o->json) {
		r.use_syslog = 1;
		openlog("sntp", LOG_PID, LOG_USER);
	}
	if (!o->json)
		tell(&r, stdout, "%s", BANNER);
	if (o->nhosts == 0) {		/* classic: on stdout, exit 64 */
		tell(&r, stdout, "sntp: %s", NO_HOST);
		if (r.log != NULL)
			fclose(r.log);
		return EX_USAGE;
	}
	if (ntp_resolve(o->hosts, o->nhosts, o->family, RESOLVE_TIMEOUT,
	    &r.srv, &r.n) != 0 ||
	    (r.cut = calloc(r.n + 1, sizeof(*r.cut))) == NULL) {
		msg("%s", ntp_strerror(NTP_R_NOMEM));
		rc = 1;
	} else {
		kod_load(&r);
#ifdef NTPC_NTS
		if (o->nts_state != NULL &&
		    nts_establish(o->nts_state, r.srv, r.n) != 0)
			msg("%s", ntp_strerror(NTP_R_NOMEM));
#endif
		rc = query(&r);
		ntp_kod_free(&r.kod);
	}
	free(r.cut);
	ntp_servers_free(r.srv, r.n);
	close_log(&r);
	return r.write_failed ? 1 : rc;
}

/* Output that could not be written is a failure, said on stderr. */
static int
finish_stdout(int guard, int rc)
{
	int err = ntp_stdout_close(guard);

	if (err == 0)
		return rc;
	msg("cannot write to standard output: %s",
	    err == EBADF ? "it is closed" : ntp_file_strerror(err));
	return 1;
}

/*
 * -a: the key from the key file, or classic's message and exit 1; a
 * file that is there but refused says why first.
 */
static int
load_key(struct options *o)
{
	struct ntp_keys_err e;
	char why[512];

	if (ntp_keys_load_auth(o->keyfile, (uint32_t)o->keyid, &o->auth,
	    &e) == 0)
		return 0;
	if (e.code != NTP_KEYS_NOT_FOUND)
		msg("%s", ntp_keys_describe(o->keyfile, &e, why, sizeof(why)));
	if (e.code == NTP_KEYS_NOT_FOUND || e.code == NTP_KEYS_OPEN)
		msg("Authentication with keyID %ld requested, but no matching "
		    "keyID found in <%s>!", o->keyid, o->keyfile);
	return 1;
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
splay(const struct options *o)
{
	uint64_t r;
	double d;
	int sig;

	ntp_splay_random(&r);
	d = ntp_splay_pick(o->splay, r);
	if (o->debug)
		msg("debug: splay: waiting %.3f s of at most %g s", d,
		    o->splay);
	if ((sig = ntp_splay_sleep(d, on_signal, &stop_signal)) != 0) {
		msg("interrupted by %s during --splay; the clock was not "
		    "changed", sig == SIGINT ? "SIGINT" : "SIGTERM");
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
}

/* A --config line: problems as they are, -d's origins as debug lines. */
static void
config_line(const void *ctx, enum ntp_conf_line kind, const char *line)
{
	(void)ctx;
	msg("%s%s", kind == NTP_CONF_ORIGIN ? "debug: " : "", line);
}

/*
 * --config: the servers of FILE, or of the system's first NTP config,
 * after those of the command line (o->hosts has room for argc + 1).
 */
static int
load_config(struct options *o, struct ntp_conf *c)
{
	const char **h;
	size_t i;
	int r = ntp_conf_load(c, o->config, getenv("NTPC_CONF_ROOT"));

	ntp_conf_report(c, o->debug, config_line, NULL);
	if (r < 0 || (h = reallocarray(o->hosts, o->nhosts + c->n + 1,
	    sizeof(*h))) == NULL) {
		msg("%s", ntp_strerror(NTP_R_NOMEM));
		return -1;
	}
	o->hosts = h;
	for (i = 0; i < c->n; i++)
		o->hosts[o->nhosts++] = c->srv[i].host;
	if (o->nhosts == 0) {
		msg("--config: no server in %s", ntp_conf_where(o->config));
		return -1;
	}
	return 0;
}

#ifdef NTPC_NTS
/*
 * --nts: "host:port" arguments split; NTS-KE with every resolved address
 * runs in sntp() between resolving and the query.
 */
static int
nts_sntp(struct options *o)
{
	struct nts nts;
	const char *bad;
	size_t i;
	int rc;

	if (nts_init(&nts, nts_tls_system(), o->nts_ca, o->timeout,
	    o->hosts, o->nhosts, &bad) != 0) {
		if (bad != NULL)
			msg("--nts: bad host or port: %s", bad);
		else
			msg("%s", ntp_strerror(NTP_R_NOMEM));
		nts_free(&nts);
		return 1;
	}
	for (i = 0; i < o->nhosts; i++)
		o->hosts[i] = nts.names[i];	/* without their :port */
	o->nts_auth = nts_auth(&nts);
	o->nts_state = &nts;
	rc = sntp(o);
	nts_free(&nts);
	return rc;
}
#endif

int
main(int argc, char **argv)
{
	struct options o;
	struct ntp_conf conf;
	int rc, guard;

	guard = ntp_stdio_guard();
	parse_args(&o, argc, argv);
	ntp_conf_init(&conf, NULL);
	if (o.keyid >= 0 && load_key(&o) != 0) {
		rc = 1;
	} else if (o.use_config && load_config(&o, &conf) != 0) {
		rc = 1;
	} else {
		if (o.splay > 0)
			splay(&o);
#ifdef NTPC_NTS
		rc = o.nts ? nts_sntp(&o) : sntp(&o);
#else
		rc = sntp(&o);
#endif
	}
	ntp_conf_free(&conf);
	ntp_key_wipe(&o.auth.key);
	free(o.hosts);
	return finish_stdout(guard, rc);
}
