/*
 * The Kiss-o'-Death database (format and rules in ntp_kod.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntp_kod.h"

#define KOD_LINEMAX	256	/* longer lines are garbage */
#define KOD_DEVNULL	"/dev/null"

const char *
ntp_kod_strerror(int err)
{
	if (err == NTP_KOD_ENOTREG)
		return "not a regular file";
	return strerror(err);
}

/* A numeric IPv4 or IPv6 address, IPv6 optionally with a %scope. */
static int
valid_addr(const char *s)
{
	char buf[NTP_KOD_ADDRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	char *scope;
	size_t i;

	if (strlen(s) >= sizeof(buf))
		return 0;
	strcpy(buf, s);
	if ((scope = strchr(buf, '%')) != NULL) {
		*scope++ = '\0';
		if (*scope == '\0')
			return 0;
		for (i = 0; scope[i] != '\0'; i++)
			if (!isalnum((unsigned char)scope[i]) &&
			    strchr("-_.", scope[i]) == NULL)
				return 0;
		return inet_pton(AF_INET6, buf, bin) == 1;
	}
	return inet_pton(AF_INET, buf, bin) == 1 ||
	    inet_pton(AF_INET6, buf, bin) == 1;
}

/* A kiss code: 1 to 4 printable ASCII characters, no blanks. */
static int
valid_code(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 4 || !isgraph((unsigned char)s[i]))
			return 0;
	return i > 0;
}

/* Unix seconds: 1 to 18 decimal digits (no sign, no overflow). */
static int
parse_when(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 18 || s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	*out = v;
	return 0;
}

static int
fresh(int64_t when, int64_t now)
{
	return when >= now - NTP_KOD_MAXAGE && when <= now + NTP_KOD_SLACK;
}

/* "ADDRESS UNIXTIME CODE" and nothing else; 0 or -1. */
static int
parse_line(char *line, struct ntp_kod_entry *e)
{
	static const char blanks[] = " \t\r\n";
	char *tok[4], *save = NULL, *p = line;
	int k;

	for (k = 0; k < 4; k++, p = NULL)
		if ((tok[k] = strtok_r(p, blanks, &save)) == NULL)
			break;
	if (k != 3 || !valid_addr(tok[0]) || !valid_code(tok[2]) ||
	    parse_when(tok[1], &e->when) != 0)
		return -1;
	strcpy(e->addr, tok[0]);
	strcpy(e->code, tok[2]);
	return 0;
}

static struct ntp_kod_entry *
find(const struct ntp_kod_db *db, const char *addr)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (strcmp(db->e[i].addr, addr) == 0)
			return &db->e[i];
	return NULL;
}

static struct ntp_kod_entry *
oldest(const struct ntp_kod_db *db)
{
	size_t i, k = 0;

	for (i = 1; i < db->n; i++)
		if (db->e[i].when < db->e[k].when)
			k = i;
	return &db->e[k];
}

/* Insert e, or update the entry for its address when e is newer. */
static int
insert(struct ntp_kod_db *db, const struct ntp_kod_entry *e)
{
	struct ntp_kod_entry *slot, *ne;

	if ((slot = find(db, e->addr)) == NULL && db->n >= NTP_KOD_MAXENTRIES)
		slot = oldest(db);
	if (slot != NULL) {
		if (e->when >= slot->when)
			*slot = *e;
		return 0;
	}
	if (db->n == db->cap) {
		ne = reallocarray(db->e, db->cap ? db->cap * 2 : 8,
		    sizeof(*ne));
		if (ne == NULL)
			return -1;
		db->e = ne;
		db->cap = db->cap ? db->cap * 2 : 8;
	}
	db->e[db->n++] = *e;
	return 0;
}

/*
 * One line into buf, without its newline.  *bad is set for a line that
 * is too long or holds a NUL (garbage either way).  Returns 0 at EOF.
 */
static int
read_line(FILE *f, char *buf, size_t len, int *bad)
{
	size_t k = 0;
	int c;

	*bad = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0' || k + 1 >= len)
			*bad = 1;
		else
			buf[k++] = (char)c;
	}
	buf[k] = '\0';
	return c != EOF || k > 0 || *bad;
}

static int
read_entries(struct ntp_kod_db *db, FILE *f, int64_t now)
{
	char line[KOD_LINEMAX];
	struct ntp_kod_entry e;
	int bad;

	while (read_line(f, line, sizeof(line), &bad)) {
		memset(&e, 0, sizeof(e));
		if (!bad && parse_line(line, &e) == 0 && fresh(e.when, now) &&
		    insert(db, &e) != 0)
			return ENOMEM;
	}
	return ferror(f) ? EIO : 0;
}

static int
is_devnull(const char *path, const struct stat *st)
{
	struct stat dn;

	if (strcmp(path, KOD_DEVNULL) == 0)
		return 1;
	return S_ISCHR(st->st_mode) && stat(KOD_DEVNULL, &dn) == 0 &&
	    S_ISCHR(dn.st_mode) && dn.st_rdev == st->st_rdev;
}

/* Open path for reading: a FILE, or NULL with *err (0: nothing to read). */
static FILE *
open_db(struct ntp_kod_db *db, int *err)
{
	struct stat st;
	FILE *f;
	int fd;

	*err = 0;
	fd = open(db->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			*err = errno;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (is_devnull(db->path, &st))
			db->disabled = 1;
		else
			*err = S_ISDIR(st.st_mode) ? EISDIR : NTP_KOD_ENOTREG;
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		*err = errno;
		close(fd);
	}
	return f;
}

int
ntp_kod_load(struct ntp_kod_db *db, const char *path, int64_t now,
    int *err)
{
	FILE *f;

	memset(db, 0, sizeof(*db));
	*err = 0;
	if (path == NULL)
		path = NTP_KOD_PATH;
	if ((db->path = strdup(path)) == NULL) {
		db->disabled = 1;
		*err = ENOMEM;
		return -1;
	}
	if (strcmp(path, KOD_DEVNULL) == 0) {
		db->disabled = 1;
		return 0;
	}
	if ((f = open_db(db, err)) != NULL) {
		*err = read_entries(db, f, now);
		fclose(f);
	}
	if (*err != 0) {
		db->disabled = 1;
		db->n = 0;
		return -1;
	}
	return 0;
}

const struct ntp_kod_entry *
ntp_kod_lookup(const struct ntp_kod_db *db, const char *addr)
{
	if (db->disabled)
		return NULL;
	return find(db, addr);
}

int
ntp_kod_add(struct ntp_kod_db *db, const char *addr, int64_t when,
    const char *code, int *err)
{
	struct ntp_kod_entry e;

	*err = 0;
	if (db->disabled)
		return 0;
	if (!valid_addr(addr) || !valid_code(code) || when < 0) {
		*err = EINVAL;
		return -1;
	}
	memset(&e, 0, sizeof(e));
	strcpy(e.addr, addr);
	strcpy(e.code, code);
	e.when = when;
	if (insert(db, &e) != 0) {
		*err = ENOMEM;
		return -1;
	}
	db->dirty = 1;
	return 0;
}

static int
write_entries(const struct ntp_kod_db *db, FILE *f, int64_t now)
{
	size_t i;

	fprintf(f, "# sntp KoD database: address unix-time code\n");
	for (i = 0; i < db->n; i++)
		if (fresh(db->e[i].when, now))
			fprintf(f, "%s %lld %s\n", db->e[i].addr,
			    (long long)db->e[i].when, db->e[i].code);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
		return -1;
	return 0;
}

/* Make the rename durable; failure here loses nothing already written. */
static void
sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (copy == NULL)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

/* Write to a temporary file beside path, then rename it over path. */
static int
replace_file(const struct ntp_kod_db *db, char *tmp, int64_t now)
{
	FILE *f = NULL;
	int fd, rc = -1, saved;

	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	if (fchmod(fd, 0644) == 0 && (f = fdopen(fd, "w")) != NULL)
		rc = write_entries(db, f, now);
	saved = errno;
	if (f != NULL ? fclose(f) != 0 : close(fd) != 0) {
		if (rc == 0)
			saved = errno;
		rc = -1;
	}
	if (rc == 0 && rename(tmp, db->path) == 0)
		return 0;
	if (rc == 0)
		saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

int
ntp_kod_save(struct ntp_kod_db *db, int64_t now, int *err)
{
	char *tmp;

	*err = 0;
	if (db->disabled || !db->dirty)
		return 0;
	if (asprintf(&tmp, "%s.XXXXXX", db->path) < 0) {
		*err = ENOMEM;
		return -1;
	}
	if (replace_file(db, tmp, now) != 0) {
		*err = errno;
		free(tmp);
		return -1;
	}
	free(tmp);
	sync_dir(db->path);
	db->dirty = 0;
	return 0;
}

void
ntp_kod_free(struct ntp_kod_db *db)
{
	free(db->e);
	free(db->path);
	memset(db, 0, sizeof(*db));
}
