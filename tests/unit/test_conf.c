/*
 * Unit tests for lib/ntp_conf.c: the server readers of ntp.conf, chrony,
 * OpenNTPD, step-tickers and /etc/default/ntpdate.
 *
 * Table-driven: the configurations the distributions ship and the
 * how-tos recommend, and hostile ones (huge lines, binary garbage,
 * quotes, names that are no host names).  File tests in a temporary
 * directory: includes, include loops and depth, confdir/sourcedir order,
 * a FIFO, the system search under a root.  The random test prints its
 * seed; SEED=N replays one.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_conf.h"

struct conf_vec {
	const char	*what;
	enum ntp_conf_kind kind;
	const char	*text;
	const char	*hosts;		/* "host@line[*]," ; * = pool */
	int		err;		/* first diagnostic, or 0 for none */
	unsigned	errline;
};

/* Debian 12's ntp.conf (ntpsec package), trimmed of comments. */
#define DEBIAN_NTPSEC \
	"# /etc/ntpsec/ntp.conf, configuration for ntpd; see ntp.conf(5)\n" \
	"driftfile /var/lib/ntpsec/ntp.drift\n" \
	"leapfile /usr/share/zoneinfo/leap-seconds.list\n" \
	"tos maxclock 11\n" \
	"tos minclock 4 minsane 3\n" \
	"pool 0.debian.pool.ntp.org iburst\n" \
	"pool 1.debian.pool.ntp.org iburst\n" \
	"#server ntp.example.org iburst\n" \
	"restrict default kod nomodify nopeer noquery limited\n" \
	"restrict 127.0.0.1\n" \
	"restrict ::1\n"

/* The classic how-to: a LAN server with a local clock as fallback. */
#define HOWTO_NTP \
	"driftfile /var/lib/ntp/drift\n" \
	"server 192.168.1.10 iburst prefer\n" \
	"server -4 ntp2.example.net iburst minpoll 4 maxpoll 10\n" \
	"peer 10.0.0.2 key 1\n" \
	"server 127.127.1.0 # local clock\n" \
	"fudge 127.127.1.0 stratum 10\n" \
	"refclock shm unit 0 refid GPS\n" \
	"restrict default nomodify notrap nopeer noquery\n"

/* RHEL 9's chrony.conf. */
#define RHEL_CHRONY \
	"# Use public servers from the pool.ntp.org project.\n" \
	"pool 2.rhel.pool.ntp.org iburst\n" \
	"\n" \
	"# Use NTP servers from DHCP.\n" \
	"driftfile /var/lib/chrony/drift\n" \
	"makestep 1.0 3\n" \
	"rtcsync\n" \
	"keyfile /etc/chrony.keys\n" \
	"ntsdumpdir /var/lib/chrony\n" \
	"leapsectz right/UTC\n" \
	"logdir /var/log/chrony\n"

/* The chrony how-to: servers, a GPS refclock, chrony's comment marks. */
#define HOWTO_CHRONY \
	"! chrony's other comment mark\n" \
	"; and another\n" \
	"% and the last\n" \
	"server ntp1.example.com iburst maxsources 2\n" \
	"server 2001:db8::123 iburst\n" \
	"refclock PPS /dev/pps0 lock NMEA refid GPS\n" \
	"peer 192.0.2.7\n" \
	"allow 192.168.0.0/16\n"

#define OPENNTPD \
	"# $OpenBSD: ntpd.conf\n" \
	"servers pool.ntp.org\n" \
	"server \"ntp.example.org\" weight 5\n" \
	"sensor *\n" \
	"constraints from \"https://www.google.com\"\n"

#define STEP_TICKERS \
	"# List of NTP servers used by the ntpdate service.\n" \
	"\n" \
	"0.rhel.pool.ntp.org 1.rhel.pool.ntp.org\n" \
	"10.1.1.1\n"

#define DEFAULT_NTPDATE \
	"# The settings in this file are used by the program ntpdate-debian\n" \
	"NTPDATE_USE_NTP_CONF=yes\n" \
	"\n" \
	"# List of NTP servers to use (separated by spaces)\n" \
	"NTPSERVERS=\"ntp.ubuntu.com 0.debian.pool.ntp.org\"\n" \
	"NTPOPTIONS=\"\"\n"

static const struct conf_vec vecs[] = {
	{ "debian ntpsec", NTP_CONF_NTP, DEBIAN_NTPSEC,
	    "0.debian.pool.ntp.org@6*,1.debian.pool.ntp.org@7*,", 0, 0 },
	{ "ntp.conf how-to: refclocks skipped", NTP_CONF_NTP, HOWTO_NTP,
	    "192.168.1.10@2,ntp2.example.net@3,10.0.0.2@4,", 0, 0 },
	{ "rhel chrony", NTP_CONF_CHRONY, RHEL_CHRONY,
	    "2.rhel.pool.ntp.org@2*,", 0, 0 },
	{ "chrony how-to", NTP_CONF_CHRONY, HOWTO_CHRONY,
	    "ntp1.example.com@4,2001:db8::123@5,192.0.2.7@7,", 0, 0 },
	{ "openntpd", NTP_CONF_OPENNTPD, OPENNTPD,
	    "pool.ntp.org@2*,ntp.example.org@3,", 0, 0 },
	{ "step-tickers", NTP_CONF_STEPTICKERS, STEP_TICKERS,
	    "0.rhel.pool.ntp.org@3,1.rhel.pool.ntp.org@3,10.1.1.1@4,", 0, 0 },
	{ "default/ntpdate", NTP_CONF_DEFAULT, DEFAULT_NTPDATE,
	    "ntp.ubuntu.com@5,0.debian.pool.ntp.org@5,", 0, 0 },
	{ "default, single quotes, export", NTP_CONF_DEFAULT,
	    "export NTPSERVERS='a.example b.example'\n",
	    "a.example@1,b.example@1,", 0, 0 },
	{ "default, no quotes", NTP_CONF_DEFAULT, "NTPSERVERS=a.example\n",
	    "a.example@1,", 0, 0 },
	{ "default, unterminated quote", NTP_CONF_DEFAULT,
	    "NTPSERVERS=\"a.example\n", "", NTP_CONF_E_QUOTE, 1 },
	{ "trailing comment, CRLF, no final newline", NTP_CONF_NTP,
	    "server a.example#c\r\nserver b.example\r\npool c.example",
	    "a.example@1,b.example@2,c.example@3*,", 0, 0 },
	{ "ntp.conf: includefile not followed from memory", NTP_CONF_NTP,
	    "includefile /etc/ntp/extra.conf\nserver a.example\n",
	    "a.example@2,", NTP_CONF_E_NOINCLUDE, 1 },
	{ "server without address", NTP_CONF_NTP, "server\nserver -4\n", "",
	    NTP_CONF_E_NOADDR, 1 },
	{ "shell in a name", NTP_CONF_NTP,
	    "server $(reboot)\nserver ok.example\n", "ok.example@2,",
	    NTP_CONF_E_BADNAME, 1 },
	{ "terminal escape in a name", NTP_CONF_STEPTICKERS,
	    "a\xc3\xa9.example\n", "", NTP_CONF_E_BADNAME, 1 },
	{ "binary garbage stops the file", NTP_CONF_NTP,
	    "server a.example\n\x7f" "ELF\x02\x01\x01\nserver b.example\n",
	    "a.example@1,", NTP_CONF_E_BINARY, 2 },
	{ "NUL byte", NTP_CONF_CHRONY, "server a\0.example\n", "",
	    NTP_CONF_E_BINARY, 1 },
	{ "openntpd unterminated quote", NTP_CONF_OPENNTPD,
	    "server \"a.example\n", "", NTP_CONF_E_QUOTE, 1 },
	{ "other daemons' keywords ignored", NTP_CONF_CHRONY,
	    "serverx a.example\nsourcedirx /x\nbindaddress 0.0.0.0\n", "",
	    0, 0 },
	{ "empty", NTP_CONF_NTP, "", "", 0, 0 },
	{ "only refclocks", NTP_CONF_NTP,
	    "server 127.127.1.0\nserver 127.127.28.0 minpoll 4\n", "", 0, 0 },
};
#define N_VECS	((int)(sizeof(vecs) / sizeof(vecs[0])))

/* "host@line[*]," for every server, as in the table. */
static void
describe(const struct ntp_conf *c, char *buf, size_t len)
{
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < c->n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s@%u%s,",
		    c->srv[i].host, c->srv[i].line, c->srv[i].pool ? "*" : "");
}

START_TEST(test_conf_vectors)
{
	const struct conf_vec *v = &vecs[_i];
	struct ntp_conf c;
	char got[1024];
	size_t len = strlen(v->text);
	int r;

	if (strcmp(v->what, "NUL byte") == 0)
		len = sizeof("server a\0.example\n") - 1;
	ntp_conf_init(&c, NULL);
	r = ntp_conf_parse(&c, v->kind, "test.conf", v->text, len);
	describe(&c, got, sizeof(got));
	ck_assert_msg(strcmp(got, v->hosts) == 0, "%s: got \"%s\"", v->what,
	    got);
	ck_assert_int_eq(r, (int)c.n);
	if (v->err == 0) {
		ck_assert_msg(c.ndiag == 0, "%s: unexpected diagnostic %s",
		    v->what, ntp_conf_strerror(c.diag[0].err));
	} else {
		ck_assert_msg(c.ndiag > 0, "%s: no diagnostic", v->what);
		ck_assert_msg(c.diag[0].err == v->err, "%s: got %s", v->what,
		    ntp_conf_strerror(c.diag[0].err));
		ck_assert_uint_eq(c.diag[0].line, v->errline);
		ck_assert_str_eq(c.diag[0].file, "test.conf");
	}
	ntp_conf_free(&c);
}
END_TEST

START_TEST(test_long_line_refused_with_its_line)
{
	struct ntp_conf c;
	size_t n = NTP_CONF_LINEMAX + 100;
	char *t = malloc(n + 64);

	ck_assert_ptr_nonnull(t);
	strcpy(t, "server a.example\nserver ");
	memset(t + strlen(t), 'b', n);
	strcpy(t + strlen("server a.example\nserver ") + n, "\nserver c\n");
	ntp_conf_init(&c, NULL);
	ntp_conf_parse(&c, NTP_CONF_NTP, "long.conf", t, strlen(t));
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_LONGLINE);
	ck_assert_uint_eq(c.diag[0].line, 2);
	ntp_conf_free(&c);
	free(t);
}
END_TEST

START_TEST(test_line_at_the_limit_is_read)
{
	struct ntp_conf c;
	char *t = malloc(NTP_CONF_LINEMAX + 2);
	size_t k = strlen("server a.example");

	ck_assert_ptr_nonnull(t);
	memcpy(t, "server a.example", k);
	memset(t + k, ' ', NTP_CONF_LINEMAX - k);
	t[NTP_CONF_LINEMAX] = '\n';
	ntp_conf_init(&c, NULL);
	ntp_conf_parse(&c, NTP_CONF_NTP, "edge.conf", t, NTP_CONF_LINEMAX + 1);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.ndiag, 0);
	ntp_conf_free(&c);
	free(t);
}
END_TEST

START_TEST(test_server_limit_said_once)
{
	struct ntp_conf c;
	char t[200 * 24];
	size_t k = 0;
	int i;

	for (i = 0; i < 200; i++)
		k += (size_t)snprintf(t + k, sizeof(t) - k,
		    "server s%d.example\n", i);
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(ntp_conf_parse(&c, NTP_CONF_NTP, "many", t, k),
	    NTP_CONF_MAXSERVERS);
	ck_assert_uint_eq(c.n, NTP_CONF_MAXSERVERS);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_MAXSERVERS);
	ck_assert_uint_eq(c.diag[0].line, NTP_CONF_MAXSERVERS + 1);
	ntp_conf_free(&c);
}
END_TEST

START_TEST(test_kind_of_names)
{
	ck_assert_int_eq(ntp_conf_kind_of("/etc/ntp.conf"), NTP_CONF_NTP);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/ntpsec/ntp.conf"),
	    NTP_CONF_NTP);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/chrony.conf"),
	    NTP_CONF_CHRONY);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/chrony/chrony.conf"),
	    NTP_CONF_CHRONY);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/chrony/sources.d/a.sources"),
	    NTP_CONF_CHRONY);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/openntpd/ntpd.conf"),
	    NTP_CONF_OPENNTPD);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/ntpd.conf"),
	    NTP_CONF_OPENNTPD);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/ntp/step-tickers"),
	    NTP_CONF_STEPTICKERS);
	ck_assert_int_eq(ntp_conf_kind_of("/etc/default/ntpdate"),
	    NTP_CONF_DEFAULT);
	ck_assert_int_eq(ntp_conf_kind_of("servers.txt"), NTP_CONF_NTP);
}
END_TEST

START_TEST(test_diag_text)
{
	struct ntp_conf_diag d = { "/etc/ntp.conf", 7, NTP_CONF_E_OPEN,
	    ENOENT, "/etc/ntp/extra.conf" };
	struct ntp_conf_diag top = { NULL, 0, NTP_CONF_E_BINARY, 0,
	    "/etc/chrony.conf" };
	char buf[256];

	ntp_conf_diag_str(&d, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/etc/ntp.conf:7: /etc/ntp/extra.conf: "
	    "cannot open: No such file or directory");
	ntp_conf_diag_str(&top, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/etc/chrony.conf: binary data (a NUL or "
	    "control byte): not a text file");
}
END_TEST

/* Files in a fresh temporary directory. */
static char dir[64];

static void
mkdir_tmp(void)
{
	strcpy(dir, "/tmp/test_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
read_in(struct ntp_conf *c, const char *name, enum ntp_conf_kind kind)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return ntp_conf_read(c, kind, path);
}

START_TEST(test_includefile_relative_and_provenance)
{
	struct ntp_conf c;
	char got[512], want[512];

	mkdir_tmp();
	put("ntp.conf", "server a.example\nincludefile more.conf\n"
	    "server c.example\n");
	put("more.conf", "\n\nserver b.example\n");
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "ntp.conf", NTP_CONF_NTP), 3);
	describe(&c, got, sizeof(got));
	ck_assert_str_eq(got, "a.example@1,b.example@3,c.example@3,");
	snprintf(want, sizeof(want), "%s/more.conf", dir);
	ck_assert_str_eq(c.srv[1].file, want);
	snprintf(want, sizeof(want), "%s/ntp.conf", dir);
	ck_assert_str_eq(c.srv[2].file, want);
	ck_assert_uint_eq(c.ndiag, 0);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_include_loop_refused)
{
	struct ntp_conf c;
	char want[512];

	mkdir_tmp();
	put("a.conf", "server a.example\nincludefile b.conf\n");
	put("b.conf", "server b.example\nincludefile a.conf\n");
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "a.conf", NTP_CONF_NTP), 2);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_LOOP);
	snprintf(want, sizeof(want), "%s/b.conf", dir);
	ck_assert_str_eq(c.diag[0].file, want);
	ck_assert_uint_eq(c.diag[0].line, 2);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_self_include_glob_refused)
{
	struct ntp_conf c;
	char text[256];

	mkdir_tmp();
	snprintf(text, sizeof(text), "include %s/*.conf\nserver x.example\n",
	    dir);
	put("self.conf", text);
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "self.conf", NTP_CONF_CHRONY), 1);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_LOOP);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_include_depth_bounded)
{
	struct ntp_conf c;
	char name[32], text[64];
	int i;

	mkdir_tmp();
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		snprintf(text, sizeof(text), "server s%d.example\n"
		    "includefile f%d.conf\n", i, i + 1);
		put(name, text);
	}
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "f0.conf", NTP_CONF_NTP), NTP_CONF_DEPTH);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_DEPTH);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

/* Each file includes the next one twice: 2^8 reads unless bounded. */
START_TEST(test_include_fan_out_bounded)
{
	struct ntp_conf c;
	char name[32], text[96];
	int i;

	mkdir_tmp();
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		snprintf(text, sizeof(text), "includefile f%d.conf\n"
		    "includefile f%d.conf\n", i + 1, i + 1);
		put(name, text);
	}
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "f0.conf", NTP_CONF_NTP), 0);
	ck_assert_uint_le(c.nfiles, NTP_CONF_MAXFILES);
	ck_assert_uint_eq(c.ndiag, NTP_CONF_MAXDIAGS);
	ck_assert_uint_gt(c.ndropped, 0);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_missing_include_named_with_line)
{
	struct ntp_conf c;
	char buf[1024], want[1024];

	mkdir_tmp();
	put("ntp.conf", "# x\nincludefile /nonexistent/x.conf\n"
	    "server a.example\n");
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "ntp.conf", NTP_CONF_NTP), 1);
	ck_assert_uint_eq(c.ndiag, 1);
	ntp_conf_diag_str(&c.diag[0], buf, sizeof(buf));
	snprintf(want, sizeof(want), "%s/ntp.conf:2: /nonexistent/x.conf: "
	    "cannot open: No such file or directory", dir);
	ck_assert_str_eq(buf, want);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_fifo_not_waited_on)
{
	struct ntp_conf c;
	char path[512];

	mkdir_tmp();
	snprintf(path, sizeof(path), "%s/fifo.conf", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(ntp_conf_read(&c, NTP_CONF_NTP, path), 0);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_NOTREG);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_directory_is_not_a_file)
{
	struct ntp_conf c;

	mkdir_tmp();
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(ntp_conf_read(&c, NTP_CONF_NTP, dir), 0);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_NOTREG);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

/* Debian's chrony: confdir and sourcedir, several directories. */
START_TEST(test_chrony_confdir_sourcedir_order)
{
	struct ntp_conf c;
	char text[512], got[512], p[512];

	mkdir_tmp();
	snprintf(p, sizeof(p), "%s/conf.d", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/local.d", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/sources.d", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(text, sizeof(text), "confdir %s/local.d %s/conf.d\n"
	    "pool 2.debian.pool.ntp.org iburst\n"
	    "sourcedir %s/sources.d %s/nonexistent\n", dir, dir, dir, dir);
	put("chrony.conf", text);
	put("conf.d/b.conf", "server b.conf.example\n");
	put("conf.d/a.conf", "server a.shadowed.example\n");
	put("local.d/a.conf", "server a.local.example\n");
	put("conf.d/skip.txt", "server not.example\n");
	put("sources.d/dhcp.sources", "server 10.0.0.1 iburst\n");
	ntp_conf_init(&c, NULL);
	ck_assert_int_eq(read_in(&c, "chrony.conf", NTP_CONF_CHRONY), 4);
	describe(&c, got, sizeof(got));
	ck_assert_str_eq(got, "a.local.example@1,b.conf.example@1,"
	    "2.debian.pool.ntp.org@2*,10.0.0.1@1,");
	ck_assert_uint_eq(c.ndiag, 0);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

static void
mkdirs(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, rel);
	ck_assert_int_eq(system(cmd), 0);
}

/* ntp.conf with only a refclock yields nothing: chrony's file wins. */
START_TEST(test_search_first_file_with_a_server_wins)
{
	struct ntp_conf c;
	char want[512];

	mkdir_tmp();
	mkdirs("etc/chrony");
	mkdirs("etc/default");
	put("etc/ntp.conf", "server 127.127.1.0\n");
	put("etc/chrony/chrony.conf", "include /etc/chrony/extra.conf\n");
	put("etc/chrony/extra.conf", "server lan.example iburst\n");
	put("etc/default/ntpdate", "NTPSERVERS=\"never.example\"\n");
	ntp_conf_init(&c, dir);
	ck_assert_int_eq(ntp_conf_search(&c), 1);
	ck_assert_str_eq(c.srv[0].host, "lan.example");
	snprintf(want, sizeof(want), "%s/etc/chrony/extra.conf", dir);
	ck_assert_str_eq(c.srv[0].file, want);
	ck_assert_uint_eq(c.srv[0].line, 1);
	snprintf(want, sizeof(want), "%s/etc/chrony/chrony.conf", dir);
	ck_assert_str_eq(c.source, want);
	ck_assert_uint_eq(c.ndiag, 0);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

/* Under a root, a relative includefile is next to its file, once rooted. */
START_TEST(test_search_relative_include_under_root)
{
	struct ntp_conf c;
	char want[512];

	mkdir_tmp();
	mkdirs("etc/ntp");
	put("etc/ntp.conf", "includefile ntp/servers.conf\n"
	    "includefile /etc/ntp/abs.conf\n");
	put("etc/ntp/servers.conf", "server rel.example\n");
	put("etc/ntp/abs.conf", "server abs.example\n");
	ntp_conf_init(&c, dir);
	ck_assert_int_eq(ntp_conf_search(&c), 2);
	ck_assert_uint_eq(c.ndiag, 0);
	ck_assert_str_eq(c.srv[0].host, "rel.example");
	snprintf(want, sizeof(want), "%s/etc/ntp/servers.conf", dir);
	ck_assert_str_eq(c.srv[0].file, want);
	ck_assert_str_eq(c.srv[1].host, "abs.example");
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_search_falls_through_to_default_file)
{
	struct ntp_conf c;

	mkdir_tmp();
	mkdirs("etc/default");
	mkdirs("etc/ntp");
	put("etc/ntp/step-tickers", "# none\n");
	put("etc/default/ntpdate", "NTPSERVERS=\"d.example\"\n");
	ntp_conf_init(&c, dir);
	ck_assert_int_eq(ntp_conf_search(&c), 1);
	ck_assert_str_eq(c.srv[0].host, "d.example");
	ck_assert_uint_eq(c.ndiag, 0);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

START_TEST(test_search_nothing_and_broken_file_named)
{
	struct ntp_conf c;

	mkdir_tmp();
	mkdirs("etc");
	put("etc/ntp.conf", "server a\x01\n");
	ntp_conf_init(&c, dir);
	ck_assert_int_eq(ntp_conf_search(&c), 0);
	ck_assert_ptr_null(c.source);
	ck_assert_uint_eq(c.ndiag, 1);
	ck_assert_int_eq(c.diag[0].err, NTP_CONF_E_BINARY);
	ck_assert_uint_eq(c.diag[0].line, 1);
	ntp_conf_free(&c);
	rm_tmp();
}
END_TEST

/* ntp_conf_report's lines, kept for the test to read. */
struct lines {
	char	text[8][600];
	int	kind[8];
	int	n;
};

static void
keep_line(const void *ctx, enum ntp_conf_line kind, const char *line)
{
	struct lines *l = (struct lines *)(uintptr_t)ctx;

	ck_assert_int_lt(l->n, 8);
	snprintf(l->text[l->n], sizeof(l->text[0]), "%s", line);
	l->kind[l->n++] = kind;
}

/*
 * --config=FILE reads FILE in the syntax its name says, without the
 * root; --config searches under the root.  The report: problems first,
 * then, when asked, each server's origin.
 */
START_TEST(test_load_and_report)
{
	struct ntp_conf c;
	struct lines l;
	char path[512], want[600];

	mkdir_tmp();
	mkdirs("etc");
	put("etc/chrony.conf", "pool pool.example iburst\nbogus\n"
	    "server b.example\nserver a\x01\n");
	snprintf(path, sizeof(path), "%s/etc/chrony.conf", dir);
	ck_assert_int_eq(ntp_conf_load(&c, path, "/nonexistent"), 2);
	memset(&l, 0, sizeof(l));
	ntp_conf_report(&c, 1, keep_line, &l);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.kind[0], NTP_CONF_PROBLEM);
	ck_assert_ptr_nonnull(strstr(l.text[0], "chrony.conf:4: "));
	snprintf(want, sizeof(want), "server pool.example from %s:1 (pool: "
	    "all its addresses)", path);
	ck_assert_int_eq(l.kind[1], NTP_CONF_ORIGIN);
	ck_assert_str_eq(l.text[1], want);
	snprintf(want, sizeof(want), "server b.example from %s:3", path);
	ck_assert_str_eq(l.text[2], want);
	memset(&l, 0, sizeof(l));
	ntp_conf_report(&c, 0, keep_line, &l);
	ck_assert_int_eq(l.n, 1);
	ntp_conf_free(&c);

	ck_assert_int_eq(ntp_conf_load(&c, NULL, dir), 2);
	ck_assert_str_eq(c.source, path);
	ntp_conf_free(&c);
	ck_assert_str_eq(ntp_conf_where("/x.conf"), "/x.conf");
	ck_assert_ptr_nonnull(strstr(ntp_conf_where(NULL), "chrony.conf"));
	rm_tmp();
}
END_TEST

static unsigned
test_seed(void)
{
	const char *s = getenv("SEED");

	return s != NULL ? (unsigned)strtoul(s, NULL, 10) :
	    (unsigned)time(NULL);
}

static int
host_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n > 255 || h[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:_%", h[i]) == NULL)
			return 0;
	return 1;
}

/* Random mixes of keywords, names, quotes and bytes: invariants hold. */
START_TEST(test_random_text_keeps_invariants)
{
	static const char *const words[] = { "server ", "pool ", "peer ",
	    "servers ", "NTPSERVERS=", "\"", "'", "#", "\n", " ", "-4 ",
	    "a.example", "127.127.1.0", "include ", "\r", "\x01", "\xff" };
	char text[2048];
	unsigned seed = test_seed();
	struct ntp_conf c;
	size_t k, i;
	int round, kind;

	printf("test_random_text_keeps_invariants: SEED=%u "
	    "(set SEED to replay)\n", seed);
	srandom(seed);
	for (round = 0; round < 2000; round++) {
		for (k = 0; k < sizeof(text) - 16;) {
			const char *w = words[random() % 17];
			if (random() % 8 == 0) {
				text[k++] = (char)(random() & 0xff);
				continue;
			}
			memcpy(text + k, w, strlen(w));
			k += strlen(w);
			if (random() % 64 == 0)
				break;
		}
		kind = (int)(random() % 5);
		ntp_conf_init(&c, NULL);
		ck_assert_int_ge(ntp_conf_parse(&c, (enum ntp_conf_kind)kind,
		    "r", text, k), 0);
		ck_assert_uint_le(c.n, NTP_CONF_MAXSERVERS);
		for (i = 0; i < c.n; i++) {
			ck_assert_msg(host_ok(c.srv[i].host), "seed %u", seed);
			ck_assert_uint_ge(c.srv[i].line, 1);
			ck_assert_str_eq(c.srv[i].file, "r");
		}
		ntp_conf_free(&c);
	}
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("ntp_conf");
	TCase *tc = tcase_create("conf");

	tcase_add_loop_test(tc, test_conf_vectors, 0, N_VECS);
	tcase_add_test(tc, test_long_line_refused_with_its_line);
	tcase_add_test(tc, test_line_at_the_limit_is_read);
	tcase_add_test(tc, test_server_limit_said_once);
	tcase_add_test(tc, test_kind_of_names);
	tcase_add_test(tc, test_diag_text);
	tcase_add_test(tc, test_includefile_relative_and_provenance);
	tcase_add_test(tc, test_include_loop_refused);
	tcase_add_test(tc, test_self_include_glob_refused);
	tcase_add_test(tc, test_include_depth_bounded);
	tcase_add_test(tc, test_include_fan_out_bounded);
	tcase_add_test(tc, test_missing_include_named_with_line);
	tcase_add_test(tc, test_fifo_not_waited_on);
	tcase_add_test(tc, test_directory_is_not_a_file);
	tcase_add_test(tc, test_chrony_confdir_sourcedir_order);
	tcase_add_test(tc, test_search_first_file_with_a_server_wins);
	tcase_add_test(tc, test_search_relative_include_under_root);
	tcase_add_test(tc, test_search_falls_through_to_default_file);
	tcase_add_test(tc, test_search_nothing_and_broken_file_named);
	tcase_add_test(tc, test_load_and_report);
	tcase_add_test(tc, test_random_text_keeps_invariants);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
