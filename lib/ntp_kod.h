/*
 * The Kiss-o'-Death database: servers that told us DENY or RSTR, kept in
 * a small text file so that the next run leaves them alone (RFC 5905
 * §7.4: a client receiving DENY or RSTR must stop sending to that server).
 *
 * One entry a line, keyed by the server's numeric address:
 *
 *	ADDRESS UNIXTIME CODE
 *	127.0.0.3 1795300000 DENY
 *
 * Lines that do not parse (comments, garbage) are ignored.  An entry more
 * than NTP_KOD_MAXAGE old, or dated more than NTP_KOD_SLACK in the future,
 * is dropped when read.  The file is rewritten whole and atomically (a
 * temporary file in the same directory, fsync, rename).  The path
 * "/dev/null" disables the database.
 *
 * A file is only ever replaced when it is a KoD database: absent, empty,
 * our header line first, or at least one line that parses as an entry
 * (stale or not), no larger than NTP_KOD_MAXSIZE.  Anything else (a text
 * file, random bytes, a huge file), a symbolic link, a FIFO or a device is
 * left alone and not used; nothing is waited on, and no more than
 * NTP_KOD_MAXSIZE + 1 bytes are read.
 */
#ifndef NTPC_KOD_H
#define NTPC_KOD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NTP_KOD_PATH		"/var/lib/sntp/kod"	/* Debian's layout */
#define NTP_KOD_MAXAGE		86400	/* s: an entry is honoured a day */
#define NTP_KOD_SLACK		10	/* s: tolerated future date */
#define NTP_KOD_MAXENTRIES	1024	/* beyond this the oldest go */
#define NTP_KOD_ADDRLEN		64	/* room for IPv6 with a scope */
#define NTP_KOD_MAXSIZE		262144	/* bytes: a bigger file is not ours */
#define NTP_KOD_HEADER		"# sntp KoD database"
#define NTP_KOD_ENOTREG		(-1)	/* error: not a regular file */
#define NTP_KOD_EFOREIGN	(-2)	/* error: not a KoD database */
#define NTP_KOD_ETOOBIG		(-3)	/* error: over NTP_KOD_MAXSIZE */
#define NTP_KOD_ECHANGED	(-4)	/* error: replaced since it was read */

/* One server that kissed us. */
struct ntp_kod_entry {
	char		addr[NTP_KOD_ADDRLEN];
	int64_t		when;		/* Unix seconds of the kiss */
	char		code[5];	/* "DENY", "RSTR" */
};

/* The database in memory. */
struct ntp_kod_db {
	char		*path;
	int		disabled;	/* /dev/null, or unreadable */
	int		dirty;		/* entries added since loading */
	int		existed;	/* the file was there when loaded */
	dev_t		dev;		/* and was this one, */
	ino_t		ino;
	off_t		size;		/* this long, */
	struct timespec	mtime;		/* last written then */
	struct ntp_kod_entry *e;
	size_t		n;
	size_t		cap;
};

/*
 * Load the database at path as of now (Unix seconds).  A missing file is
 * an empty database; "/dev/null" gives a disabled one.  Returns 0, or -1
 * with *err set (an errno value, ELOOP for a symbolic link,
 * NTP_KOD_ENOTREG, NTP_KOD_EFOREIGN or NTP_KOD_ETOOBIG) when the file
 * exists but cannot be read or is not a KoD database: the database is
 * then disabled, so that nothing is written over what was not read.  Free
 * with ntp_kod_free().
 */
int	ntp_kod_load(struct ntp_kod_db *db, const char *path, int64_t now,
	    int *err);

/* The entry for a numeric address, or NULL. */
const struct ntp_kod_entry *ntp_kod_lookup(const struct ntp_kod_db *db,
	    const char *addr);

/*
 * Record a kiss (code of 1 to 4 printable characters) from addr at when,
 * replacing any entry for addr, older or newer (the newest kiss is the one
 * that counts, whatever its date).  Returns 0, or -1 with *err set for an
 * address or code that would not survive the file format, or ENOMEM.
 * Does nothing on a disabled database.
 */
int	ntp_kod_add(struct ntp_kod_db *db, const char *addr, int64_t when,
	    const char *code, int *err);

/*
 * Write the database when entries were added: the still valid entries as
 * of now, atomically.  Returns 0 (also when there was nothing to do), or
 * -1 with *err set (an errno value; ENOENT for a missing directory;
 * NTP_KOD_ECHANGED when something else took the path since loading).
 */
int	ntp_kod_save(struct ntp_kod_db *db, int64_t now, int *err);

/* Text for an error from the functions above; never NULL. */
const char *ntp_kod_strerror(int err);

/* Free what ntp_kod_load() allocated. */
void	ntp_kod_free(struct ntp_kod_db *db);

#endif /* NTPC_KOD_H */
