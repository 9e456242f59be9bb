/*
 * Servers from the system's NTP configuration: the server lines of NTP
 * Classic/NTPsec ntp.conf, chrony.conf (with include, confdir, sourcedir),
 * OpenNTPD ntpd.conf, RHEL's step-tickers and Debian's
 * /etc/default/ntpdate, each with the file and line it came from.
 *
 * The files are untrusted input: lines are bounded, includes are bounded
 * in depth and in number and loops are refused, binary data stops a file,
 * only regular files are read (never a FIFO or a device).  Problems are
 * collected as diagnostics (file, line, cause); the library never prints.
 */
#ifndef NTPC_CONF_H
#define NTPC_CONF_H

#include <stddef.h>

#define NTP_CONF_LINEMAX	4096	/* bytes in a line, newline excluded */
#define NTP_CONF_FILEMAX	(1024 * 1024)	/* bytes in a file */
#define NTP_CONF_DEPTH		8	/* include nesting */
#define NTP_CONF_MAXFILES	256	/* files read in one search */
#define NTP_CONF_MAXSERVERS	64
#define NTP_CONF_MAXDIAGS	32

/* The syntaxes understood. */
enum ntp_conf_kind {
	NTP_CONF_NTP,		/* ntp.conf: server, pool, peer, includefile */
	NTP_CONF_CHRONY,	/* chrony.conf: + include, confdir, sourcedir */
	NTP_CONF_OPENNTPD,	/* ntpd.conf: server, servers */
	NTP_CONF_STEPTICKERS,	/* one or more names a line */
	NTP_CONF_DEFAULT	/* shell: NTPSERVERS="a b c" */
};

/* Why a file or a line could not be used. */
enum ntp_conf_err {
	NTP_CONF_E_OPEN = 1,	/* open(2) failed (sys_errno) */
	NTP_CONF_E_READ,	/* read(2) failed (sys_errno) */
	NTP_CONF_E_NOTREG,	/* not a regular file */
	NTP_CONF_E_TOOBIG,	/* over NTP_CONF_FILEMAX */
	NTP_CONF_E_LONGLINE,	/* over NTP_CONF_LINEMAX */
	NTP_CONF_E_BINARY,	/* a NUL or control byte: not a text file */
	NTP_CONF_E_DEPTH,	/* includes nested over NTP_CONF_DEPTH */
	NTP_CONF_E_LOOP,	/* a file includes itself */
	NTP_CONF_E_MAXFILES,	/* over NTP_CONF_MAXFILES */
	NTP_CONF_E_NOADDR,	/* a server line without an address */
	NTP_CONF_E_BADNAME,	/* not a host name or address */
	NTP_CONF_E_QUOTE,	/* unterminated quote */
	NTP_CONF_E_MAXSERVERS,	/* over NTP_CONF_MAXSERVERS */
	NTP_CONF_E_NOINCLUDE,	/* an include in text parsed from memory */
	NTP_CONF_E_DIR,		/* a confdir/sourcedir could not be listed */
	NTP_CONF_E_NOMEM
};

/* One server and where it was found. */
struct ntp_conf_server {
	char		*host;
	const char	*file;		/* owned by the ntp_conf */
	unsigned	line;
	int		pool;		/* pool/servers: all its addresses */
};

/* A problem: in file at line (0: the file itself), about path if set. */
struct ntp_conf_diag {
	const char	*file;
	unsigned	line;
	int		err;		/* enum ntp_conf_err */
	int		sys_errno;	/* for E_OPEN, E_READ, E_DIR */
	const char	*path;		/* file or directory named, or NULL */
};

/* The result of reading configuration files; zero it, or ntp_conf_init. */
struct ntp_conf {
	const char	*root;		/* prefix for absolute paths, or NULL */
	struct ntp_conf_server *srv;
	size_t		n;
	struct ntp_conf_diag diag[NTP_CONF_MAXDIAGS];
	size_t		ndiag;
	size_t		ndropped;	/* diagnostics over the limit */
	const char	*source;	/* the file the servers came from */
	/* private */
	char		**names;	/* file names, freed by ntp_conf_free */
	size_t		nnames;
	size_t		nfiles;		/* files opened, for MAXFILES */
	int		nomem;
	int		overflow;	/* MAXSERVERS said */
};

/* Start empty; root (may be NULL) is put before every absolute path. */
void	ntp_conf_init(struct ntp_conf *c, const char *root);

/*
 * The syntax of a file named path: chrony for "chrony" in the name or a
 * ".sources" file, OpenNTPD for "openntpd" or "ntpd.conf", step-tickers,
 * Debian's default file for a name ending in "default/ntpdate", else
 * ntp.conf.
 */
enum ntp_conf_kind ntp_conf_kind_of(const char *path);

/* The name of a syntax, e.g. "chrony". */
const char *ntp_conf_kind_name(enum ntp_conf_kind kind);

/*
 * Read the file at path in the given syntax, following its includes, and
 * append its servers.  Returns the number of servers appended, or -1 when
 * memory ran out; every other problem is a diagnostic.
 */
int	ntp_conf_read(struct ntp_conf *c, enum ntp_conf_kind kind,
	    const char *path);

/*
 * Parse len bytes of text in memory (no includes are followed), named
 * name in provenance and diagnostics; as ntp_conf_read.
 */
int	ntp_conf_parse(struct ntp_conf *c, enum ntp_conf_kind kind,
	    const char *name, const char *text, size_t len);

/*
 * The system's search: ntp.conf (/etc/ntp.conf, /etc/ntpsec/ntp.conf),
 * chrony (/etc/chrony.conf, /etc/chrony/chrony.conf), OpenNTPD
 * (/etc/openntpd/ntpd.conf, /etc/ntpd.conf), /etc/ntp/step-tickers,
 * /etc/default/ntpdate; the first that yields a server wins and is set
 * as c->source.  A missing file is no diagnostic.  Returns the number of
 * servers, or -1 when memory ran out.
 */
int	ntp_conf_search(struct ntp_conf *c);

/* What an enum ntp_conf_err means, e.g. "include loop". */
const char *ntp_conf_strerror(int err);

/*
 * A diagnostic as "FILE:LINE: [PATH: ]cause[: errno text]" (or "FILE:
 * cause" for a file itself), like snprintf.
 */
int	ntp_conf_diag_str(const struct ntp_conf_diag *d, char *buf,
	    size_t len);

/*
 * --config[=FILE]: start c and read file in the syntax its name says,
 * or, for a NULL file, run the system's search with root (may be NULL)
 * before every absolute path.  Returns as ntp_conf_read/_search.
 */
int	ntp_conf_load(struct ntp_conf *c, const char *file, const char *root);

/* What --config read, for "no server in ...": file, or the search. */
const char *ntp_conf_where(const char *file);

/* The kinds of line ntp_conf_report() hands out. */
enum ntp_conf_line {
	NTP_CONF_PROBLEM,	/* a diagnostic, or how many were dropped */
	NTP_CONF_ORIGIN		/* "server H from FILE:LINE[ (pool...)]" */
};

/*
 * Each diagnostic of c, then, when origins is set, where each server
 * came from: one line at a time to emit(ctx, kind, line).
 */
void	ntp_conf_report(const struct ntp_conf *c, int origins,
	    void (*emit)(const void *ctx, enum ntp_conf_line kind,
	    const char *line),
	    const void *ctx);

/* Free everything held by c. */
void	ntp_conf_free(struct ntp_conf *c);

#endif /* NTPC_CONF_H */
