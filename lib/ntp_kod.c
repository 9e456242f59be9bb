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
	switch (err) {
	case NTP_KOD_ENOTREG:
		return "not a regular file; left alone";
	case NTP_KOD_EFOREIGN:
		return "not a KoD database; left alone";
	case NTP_KOD_ETOOBIG:
		return "larger than any KoD database; left alone";
	case NTP_KOD_ECHANGED:
		return "replaced by another file since it was read; left alone";
	case ELOOP:
		return "a symbolic link; not followed, left alone";
	default:
		return strerror(err);
	}
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

/*
 * Insert e, or update the entry for its address: always when replace is
 * set (a new kiss), else when e is newer (duplicate lines in the file).
 */
static int
insert(struct ntp_kod_db *db, const struct ntp_kod_entry *e, int replace)
{
	struct ntp_kod_entry *slot, *ne;

	if ((slot = find(db, e->addr)) == NULL && db->n >= NTP_KOD_MAXENTRIES)
		slot = oldest(db);
	if (slot != NULL) {
		if (replace || e->when >= slot->when)
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

/* A line with nothing but blanks, or a comment. */
static int
is_blank_or_comment(const char *line)
{
	line += strspn(line, " \t\r");
	return *line == '\0' || *line == '#';
}

/*
 * The entries of the file's text (len bytes, NUL-terminated): a line too
 * long or with a NUL is garbage.  Returns 0, ENOMEM, or NTP_KOD_EFOREIGN
 * when nothing in it says it is a KoD database.
 */
static int
parse_text(struct ntp_kod_db *db, const char *text, size_t len, int64_t now)
{
	char line[KOD_LINEMAX];
	struct ntp_kod_entry e;
	const char *p = text, *end = text + len, *nl;
	size_t n;
	int ours, other = 0;

	ours = strncmp(text, NTP_KOD_HEADER, strlen(NTP_KOD_HEADER)) == 0;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n >= sizeof(line) || memchr(p, '\0', n) != NULL) {
			other = 1;
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (is_blank_or_comment(line))
			continue;
		memset(&e, 0, sizeof(e));
		if (parse_line(line, &e) != 0) {
			other = 1;
			continue;
		}
		ours = 1;
		if (fresh(e.when, now) && insert(db, &e, 0) != 0)
			return ENOMEM;
	}
	return other && !ours ? NTP_KOD_EFOREIGN : 0;
}

/* Up to NTP_KOD_MAXSIZE bytes of fd, NUL-terminated; 0 or an error. */
static int
read_text(int fd, char **text, size_t *len)
{
	size_t n = 0;
	ssize_t k;
	char *buf;

	if ((buf = malloc(NTP_KOD_MAXSIZE + 2)) == NULL)
		return ENOMEM;
	while (n <= NTP_KOD_MAXSIZE) {
		k = read(fd, buf + n, NTP_KOD_MAXSIZE + 1 - n);
		if (k == 0)
			break;
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(buf);
			return errno;
		}
		n += (size_t)k;
	}
	if (n > NTP_KOD_MAXSIZE) {
		free(buf);
		return NTP_KOD_ETOOBIG;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
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

/* The file that was read, so that a save can tell if it was replaced. */
static void
note_file(struct ntp_kod_db *db, const struct stat *st)
{
	db->existed = 1;
	db->dev = st->st_dev;
	db->ino = st->st_ino;
	db->size = st->st_size;
	db->mtime = st->st_mtim;
}

/*
 * Open path for reading: an fd, or -1 with *err (0: nothing to read).  A
 * symbolic link is not followed, a FIFO not waited on.
 */
static int
open_db(struct ntp_kod_db *db, int *err)
{
	struct stat st;
	int fd;

	*err = 0;
	fd = open(db->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			*err = errno;
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (is_devnull(db->path, &st))
			db->disabled = 1;
		else
			*err = S_ISDIR(st.st_mode) ? EISDIR : NTP_KOD_ENOTREG;
		close(fd);
		return -1;
	}
	if (st.st_size > NTP_KOD_MAXSIZE) {
		*err = NTP_KOD_ETOOBIG;
		close(fd);
		return -1;
	}
	note_file(db, &st);
	return fd;
}

/* Read and parse the open file; 0 or an error. */
static int
load_fd(struct ntp_kod_db *db, int fd, int64_t now)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	if ((err = read_text(fd, &text, &len)) == 0) {
		err = parse_text(db, text, len, now);
		free(text);
	}
	return err;
}

int
ntp_kod_load(struct ntp_kod_db *db, const char *path, int64_t now,
    int *err)
{
	int fd;

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
	if ((fd = open_db(db, err)) >= 0) {
		*err = load_fd(db, fd, now);
		close(fd);
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
	if (insert(db, &e, 1) != 0) {
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

	fprintf(f, NTP_KOD_HEADER ": address unix-time code\n");
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

/* What is at the path now is ours: note it for the next save. */
static void
remember(struct ntp_kod_db *db)
{
	struct stat st;

	if (lstat(db->path, &st) == 0)
		note_file(db, &st);
}

/*
 * The path still holds what was loaded (or nothing): not a file, a link
 * or a FIFO put there since, which the rename would replace.
 */
static int
unchanged(const struct ntp_kod_db *db)
{
	struct stat st;

	if (lstat(db->path, &st) != 0)
		return errno == ENOENT;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (!db->existed)
		return st.st_size == 0;
	/* An inode number can be reused: size and time tell them apart. */
	return st.st_dev == db->dev && st.st_ino == db->ino &&
	    st.st_size == db->size && st.st_mtim.tv_sec == db->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == db->mtime.tv_nsec;
}

int
ntp_kod_save(struct ntp_kod_db *db, int64_t now, int *err)
{
	char *tmp;

	*err = 0;
	if (db->disabled || !db->dirty)
		return 0;
	if (!unchanged(db)) {
		*err = NTP_KOD_ECHANGED;
		return -1;
	}
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
	remember(db);
	return 0;
}

void
ntp_kod_free(struct ntp_kod_db *db)
{
	free(db->e);
	free(db->path);
	memset(db, 0, sizeof(*db));
}
