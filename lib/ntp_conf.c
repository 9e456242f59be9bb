/*
 * Server lines from NTP daemons' configuration files (see ntp_conf.h).
 *
 * A file is read whole (at most NTP_CONF_FILEMAX bytes) from a regular
 * file opened without blocking, checked for binary data, cut into lines
 * of at most NTP_CONF_LINEMAX bytes and each line into words; the first
 * word chooses what to do.  Unknown keywords are other daemons' business
 * and are ignored.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntp_conf.h"

#define MAXWORDS	64	/* words looked at in a line */
#define MAXDIRENTS	256	/* files taken from a confdir/sourcedir */
#define HOSTMAX		255

/* The include chain of the file being read, for loop detection. */
struct chain {
	dev_t		dev;
	ino_t		ino;
	const struct chain *up;
};

/* The file being parsed. */
struct pfile {
	struct ntp_conf	*c;
	enum ntp_conf_kind kind;
	const char	*file;		/* interned name */
	unsigned	line;
	int		depth;
	int		noinclude;	/* text from memory */
	const struct chain *chain;
};

static const char *const errtext[] = {
	[NTP_CONF_E_OPEN] = "cannot open",
	[NTP_CONF_E_READ] = "cannot read",
	[NTP_CONF_E_NOTREG] = "not a regular file",
	[NTP_CONF_E_TOOBIG] = "file larger than 1 MiB",
	[NTP_CONF_E_LONGLINE] = "line longer than 4096 bytes",
	[NTP_CONF_E_BINARY] = "binary data (a NUL or control byte): "
	    "not a text file",
	[NTP_CONF_E_DEPTH] = "includes nested deeper than 8 files",
	[NTP_CONF_E_LOOP] = "include loop (the file includes itself)",
	[NTP_CONF_E_MAXFILES] = "more than 256 files included",
	[NTP_CONF_E_NOADDR] = "server line without an address",
	[NTP_CONF_E_BADNAME] = "not a host name or address",
	[NTP_CONF_E_QUOTE] = "unterminated quote",
	[NTP_CONF_E_MAXSERVERS] = "more than 64 servers; the rest ignored",
	[NTP_CONF_E_NOINCLUDE] = "include not followed in text from memory",
	[NTP_CONF_E_DIR] = "cannot list the directory",
	[NTP_CONF_E_NOMEM] = "out of memory",
};

static int read_path(struct pfile *, const char *, enum ntp_conf_kind);

const char *
ntp_conf_strerror(int err)
{
	if (err <= 0 || (size_t)err >= sizeof(errtext) / sizeof(errtext[0]) ||
	    errtext[err] == NULL)
		return "unknown configuration error";
	return errtext[err];
}

const char *
ntp_conf_kind_name(enum ntp_conf_kind kind)
{
	switch (kind) {
	case NTP_CONF_CHRONY:
		return "chrony";
	case NTP_CONF_OPENNTPD:
		return "openntpd";
	case NTP_CONF_STEPTICKERS:
		return "step-tickers";
	case NTP_CONF_DEFAULT:
		return "default/ntpdate";
	default:
		return "ntp.conf";
	}
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum ntp_conf_kind
ntp_conf_kind_of(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strstr(base, "chrony") != NULL || ends_with(base, ".sources") ||
	    strstr(path, "/chrony/") != NULL)
		return NTP_CONF_CHRONY;
	if (strstr(path, "openntpd") != NULL || strcmp(base, "ntpd.conf") == 0)
		return NTP_CONF_OPENNTPD;
	if (strcmp(base, "step-tickers") == 0)
		return NTP_CONF_STEPTICKERS;
	if (ends_with(path, "default/ntpdate"))
		return NTP_CONF_DEFAULT;
	return NTP_CONF_NTP;
}

void
ntp_conf_init(struct ntp_conf *c, const char *root)
{
	memset(c, 0, sizeof(*c));
	c->root = root != NULL && root[0] != '\0' ? root : NULL;
}

void
ntp_conf_free(struct ntp_conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->srv[i].host);
	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->srv);
	free(c->names);
	ntp_conf_init(c, c->root);
}

/* A copy of name owned by c, or NULL (and c->nomem). */
static const char *
intern(struct ntp_conf *c, const char *name)
{
	char **nn, *s;

	if ((s = strdup(name)) == NULL ||
	    (nn = realloc(c->names, (c->nnames + 1) * sizeof(*nn))) == NULL) {
		free(s);
		c->nomem = 1;
		return NULL;
	}
	c->names = nn;
	c->names[c->nnames++] = s;
	return s;
}

static void
diag(struct pfile *p, int err, int sys_errno, const char *path)
{
	struct ntp_conf *c = p->c;
	struct ntp_conf_diag *d;

	if (c->ndiag == NTP_CONF_MAXDIAGS) {
		c->ndropped++;
		return;
	}
	d = &c->diag[c->ndiag++];
	d->file = p->file;
	d->line = p->line;
	d->err = err;
	d->sys_errno = sys_errno;
	d->path = path != NULL ? intern(c, path) : NULL;
}

/* Letters, digits and . - : _ % (IPv6 scope); not an option (-x). */
static int
valid_host(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n > HOSTMAX || h[0] == '-' || h[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) &&
		    strchr(".-:_%", h[i]) == NULL)
			return 0;
	return 1;
}

/* NTP Classic's local reference clocks are 127.127.t.u: not servers. */
static int
is_refclock(const char *h)
{
	return strncmp(h, "127.127.", 8) == 0;
}

static void
add_server(struct pfile *p, const char *host, int pool)
{
	struct ntp_conf *c = p->c;
	struct ntp_conf_server *s;

	if (!valid_host(host)) {
		diag(p, NTP_CONF_E_BADNAME, 0, NULL);
		return;
	}
	if (is_refclock(host))
		return;
	if (c->n == NTP_CONF_MAXSERVERS) {
		if (!c->overflow)	/* said once */
			diag(p, NTP_CONF_E_MAXSERVERS, 0, NULL);
		c->overflow = 1;
		return;
	}
	if ((s = realloc(c->srv, (c->n + 1) * sizeof(*s))) == NULL) {
		c->nomem = 1;
		return;
	}
	c->srv = s;
	s = &c->srv[c->n];
	if ((s->host = strdup(host)) == NULL) {
		c->nomem = 1;
		return;
	}
	s->file = p->file;
	s->line = p->line;
	s->pool = pool;
	c->n++;
}

/*
 * Split line in place into words at blanks; "double quoted" words keep
 * their blanks.  A '#' outside quotes starts a comment.  Returns the
 * number of words, or -1 for an unterminated quote.
 */
static int
split(char *line, char **w, int max)
{
	char *s = line;
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' ||
		    *s == '\v')
			s++;
		if (*s == '\0' || *s == '#' || n == max)
			return n;
		if (*s == '"') {
			w[n++] = ++s;
			if ((s = strchr(s, '"')) == NULL)
				return -1;
		} else {
			w[n++] = s;
			s += strcspn(s, " \t\r\f\v#");
			if (*s == '#') {
				*s = '\0';
				return n;
			}
		}
		if (*s == '\0')
			return n;
		*s++ = '\0';
	}
}

/* "server [-4|-6] ADDR options...": the first word that is not -4/-6. */
static void
server_words(struct pfile *p, char **w, int n, int pool)
{
	int i;

	for (i = 1; i < n; i++)
		if (strcmp(w[i], "-4") != 0 && strcmp(w[i], "-6") != 0)
			break;
	if (i >= n)
		diag(p, NTP_CONF_E_NOADDR, 0, NULL);
	else
		add_server(p, w[i], pool);
}

/* A path named in p's file: relative to that file's directory. */
static int
relative_path(const struct pfile *p, const char *name, char *buf,
    size_t len)
{
	const char *slash = strrchr(p->file, '/');
	int k;

	if (name[0] == '/' || slash == NULL)
		k = snprintf(buf, len, "%s", name);
	else
		k = snprintf(buf, len, "%.*s/%s", (int)(slash - p->file),
		    p->file, name);
	return k >= 0 && (size_t)k < len ? 0 : -1;
}

/* With a root, absolute paths live under it. */
static int
rooted(const struct ntp_conf *c, const char *path, char *buf, size_t len)
{
	int k;

	if (c->root != NULL && path[0] == '/')
		k = snprintf(buf, len, "%s%s", c->root, path);
	else
		k = snprintf(buf, len, "%s", path);
	return k >= 0 && (size_t)k < len ? 0 : -1;
}

static void
include_file(struct pfile *p, const char *name, enum ntp_conf_kind kind)
{
	char full[2 * NTP_CONF_LINEMAX + 2];

	if (p->noinclude) {
		diag(p, NTP_CONF_E_NOINCLUDE, 0, name);
		return;
	}
	/* A relative name is next to the including file, already rooted. */
	if (name[0] == '/' ? rooted(p->c, name, full, sizeof(full)) != 0 :
	    relative_path(p, name, full, sizeof(full)) != 0) {
		diag(p, NTP_CONF_E_OPEN, ENAMETOOLONG, name);
		return;
	}
	read_path(p, full, kind);
}

/* chrony "include PATTERN": every match, in glob's (sorted) order. */
static void
include_glob(struct pfile *p, const char *pattern)
{
	char full[2 * NTP_CONF_LINEMAX + 2];
	glob_t g;
	size_t i;

	if (p->noinclude) {
		diag(p, NTP_CONF_E_NOINCLUDE, 0, pattern);
		return;
	}
	if (rooted(p->c, pattern, full, sizeof(full)) != 0) {
		diag(p, NTP_CONF_E_OPEN, ENAMETOOLONG, pattern);
		return;
	}
	if (glob(full, 0, NULL, &g) != 0)
		return;		/* no match: chrony ignores it too */
	for (i = 0; i < g.gl_pathc; i++)
		read_path(p, g.gl_pathv[i], NTP_CONF_CHRONY);
	globfree(&g);
}

/* One directory's entries ending in suffix, appended to names. */
static void
list_dir(struct pfile *p, const char *dir, const char *suffix,
    char **names, size_t *n)
{
	char full[2 * NTP_CONF_LINEMAX + 2];
	struct dirent *e;
	DIR *d;
	size_t i;

	if (rooted(p->c, dir, full, sizeof(full)) != 0 ||
	    (d = opendir(full)) == NULL) {
		if (errno != ENOENT)
			diag(p, NTP_CONF_E_DIR, errno, dir);
		return;
	}
	while ((e = readdir(d)) != NULL && *n < MAXDIRENTS) {
		if (!ends_with(e->d_name, suffix) || e->d_name[0] == '.')
			continue;
		for (i = 0; i < *n; i++)	/* the first directory wins */
			if (strcmp(strrchr(names[i], '/') + 1, e->d_name) == 0)
				break;
		if (i < *n)
			continue;
		if (asprintf(&names[*n], "%s/%s", full, e->d_name) < 0)
			p->c->nomem = 1;
		else
			(*n)++;
	}
	closedir(d);
}

static int
by_base(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return strcmp(strrchr(x, '/') + 1, strrchr(y, '/') + 1);
}

/*
 * chrony "confdir DIR..." (*.conf) and "sourcedir DIR..." (*.sources):
 * the files of all the directories in the order of their names; of two
 * files with the same name, the one in the directory named first.
 */
static void
include_dirs(struct pfile *p, char **w, int nw, const char *suffix)
{
	char *names[MAXDIRENTS];
	size_t n = 0, i;
	int k;

	if (p->noinclude) {
		diag(p, NTP_CONF_E_NOINCLUDE, 0, nw > 1 ? w[1] : NULL);
		return;
	}
	for (k = 1; k < nw; k++)
		list_dir(p, w[k], suffix, names, &n);
	qsort(names, n, sizeof(names[0]), by_base);
	for (i = 0; i < n; i++) {
		read_path(p, names[i], NTP_CONF_CHRONY);
		free(names[i]);
	}
}

static void
line_ntp(struct pfile *p, char **w, int n)
{
	if (strcmp(w[0], "server") == 0 || strcmp(w[0], "peer") == 0)
		server_words(p, w, n, 0);
	else if (strcmp(w[0], "pool") == 0)
		server_words(p, w, n, 1);
	else if (strcmp(w[0], "includefile") == 0 && n > 1)
		include_file(p, w[1], NTP_CONF_NTP);
}

static void
line_chrony(struct pfile *p, char **w, int n)
{
	if (strchr("!;%", w[0][0]) != NULL)	/* chrony's other comments */
		return;
	if (strcmp(w[0], "server") == 0 || strcmp(w[0], "peer") == 0)
		server_words(p, w, n, 0);
	else if (strcmp(w[0], "pool") == 0)
		server_words(p, w, n, 1);
	else if (strcmp(w[0], "include") == 0 && n > 1)
		include_glob(p, w[1]);
	else if (strcmp(w[0], "confdir") == 0)
		include_dirs(p, w, n, ".conf");
	else if (strcmp(w[0], "sourcedir") == 0)
		include_dirs(p, w, n, ".sources");
}

static void
line_openntpd(struct pfile *p, char **w, int n)
{
	if (strcmp(w[0], "server") == 0)
		server_words(p, w, n, 0);
	else if (strcmp(w[0], "servers") == 0)
		server_words(p, w, n, 1);
}

/* Debian: NTPSERVERS="a b c" (or 'a b c', or a b), maybe exported. */
static void
line_default(struct pfile *p, char *line)
{
	static const char key[] = "NTPSERVERS=";
	char *s = line + strspn(line, " \t"), *w[MAXWORDS], *end;
	int n, i;

	if (strncmp(s, "export ", 7) == 0)
		s += 7 + strspn(s + 7, " \t");
	if (strncmp(s, key, sizeof(key) - 1) != 0)
		return;
	s += sizeof(key) - 1;
	if (*s == '"' || *s == '\'') {
		if ((end = strchr(s + 1, *s)) == NULL) {
			diag(p, NTP_CONF_E_QUOTE, 0, NULL);
			return;
		}
		*end = '\0';
		s++;
	} else {
		s[strcspn(s, " \t#;")] = '\0';
	}
	n = split(s, w, MAXWORDS);
	for (i = 0; i < n; i++)
		add_server(p, w[i], 0);
}

/* One line, NUL-terminated, newline removed. */
static void
parse_line(struct pfile *p, char *line)
{
	char *w[MAXWORDS];
	int n, i;

	if (p->kind == NTP_CONF_DEFAULT) {
		line_default(p, line);
		return;
	}
	if ((n = split(line, w, MAXWORDS)) < 0) {
		diag(p, NTP_CONF_E_QUOTE, 0, NULL);
		return;
	}
	if (n == 0)
		return;
	switch (p->kind) {
	case NTP_CONF_CHRONY:
		line_chrony(p, w, n);
		break;
	case NTP_CONF_OPENNTPD:
		line_openntpd(p, w, n);
		break;
	case NTP_CONF_STEPTICKERS:
		for (i = 0; i < n; i++)
			add_server(p, w[i], 0);
		break;
	default:
		line_ntp(p, w, n);
		break;
	}
}

/* Text files have no NUL and no control bytes but blanks. */
static int
binary_byte(unsigned char ch)
{
	if (ch == '\0' || ch == 0x7f)
		return 1;
	return ch < 0x20 && strchr("\t\n\r\f\v", ch) == NULL;
}

/* Cut text into lines; a long line or binary data ends the file. */
static void
parse_text(struct pfile *p, const char *text, size_t len)
{
	char line[NTP_CONF_LINEMAX + 1];
	size_t i = 0, k;

	p->line = 0;
	while (i < len && !p->c->nomem) {
		p->line++;
		for (k = 0; i + k < len && text[i + k] != '\n'; k++) {
			if (binary_byte((unsigned char)text[i + k])) {
				diag(p, NTP_CONF_E_BINARY, 0, NULL);
				return;
			}
			if (k == NTP_CONF_LINEMAX) {
				diag(p, NTP_CONF_E_LONGLINE, 0, NULL);
				return;
			}
		}
		memcpy(line, text + i, k);
		line[k] = '\0';
		parse_line(p, line);
		i += k + 1;
	}
}

static int
on_chain(const struct chain *ch, const struct stat *st)
{
	for (; ch != NULL; ch = ch->up)
		if (ch->dev == st->st_dev && ch->ino == st->st_ino)
			return 1;
	return 0;
}

/* The whole of a regular file, NUL-terminated; NULL after a diag. */
static char *
slurp(struct pfile *p, int fd, const char *path, struct stat *st,
    size_t *len)
{
	char *buf;
	ssize_t r;

	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		diag(p, NTP_CONF_E_NOTREG, 0, path);
		return NULL;
	}
	if (st->st_size > NTP_CONF_FILEMAX) {
		diag(p, NTP_CONF_E_TOOBIG, 0, path);
		return NULL;
	}
	if ((buf = malloc(NTP_CONF_FILEMAX + 1)) == NULL) {
		p->c->nomem = 1;
		return NULL;
	}
	*len = 0;
	while ((r = read(fd, buf + *len, NTP_CONF_FILEMAX + 1 - *len)) > 0)
		*len += (size_t)r;
	if (r < 0 || *len > NTP_CONF_FILEMAX) {
		diag(p, r < 0 ? NTP_CONF_E_READ : NTP_CONF_E_TOOBIG,
		    r < 0 ? errno : 0, path);
		free(buf);
		return NULL;
	}
	return buf;
}

/* Read path as a file included from p (or the top file when p->file
 * is NULL), after the depth, loop and count checks. */
static int
read_path(struct pfile *p, const char *path, enum ntp_conf_kind kind)
{
	struct pfile sub;
	struct chain link;
	struct stat st;
	size_t len;
	char *buf;
	int fd;

	if (p->depth >= NTP_CONF_DEPTH) {
		diag(p, NTP_CONF_E_DEPTH, 0, path);
		return -1;
	}
	if (p->c->nfiles >= NTP_CONF_MAXFILES) {
		diag(p, NTP_CONF_E_MAXFILES, 0, path);
		return -1;
	}
	p->c->nfiles++;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		diag(p, NTP_CONF_E_OPEN, errno, path);
		return -1;
	}
	buf = slurp(p, fd, path, &st, &len);
	close(fd);
	if (buf == NULL)
		return -1;
	if (on_chain(p->chain, &st)) {
		diag(p, NTP_CONF_E_LOOP, 0, path);
		free(buf);
		return -1;
	}
	link.dev = st.st_dev;
	link.ino = st.st_ino;
	link.up = p->chain;
	sub = *p;
	sub.kind = kind;
	sub.depth = p->depth + 1;
	sub.chain = &link;
	if ((sub.file = intern(p->c, path)) != NULL)
		parse_text(&sub, buf, len);
	free(buf);
	return 0;
}

/* Servers appended since n0, or -1 when memory ran out. */
static int
finish(struct ntp_conf *c, size_t n0)
{
	if (c->nomem)
		return -1;
	return (int)(c->n - n0);
}

int
ntp_conf_read(struct ntp_conf *c, enum ntp_conf_kind kind, const char *path)
{
	struct pfile top;
	char full[2 * NTP_CONF_LINEMAX + 2];
	size_t n0 = c->n;

	memset(&top, 0, sizeof(top));
	top.c = c;
	top.kind = kind;
	if (rooted(c, path, full, sizeof(full)) != 0) {
		top.file = intern(c, path);
		diag(&top, NTP_CONF_E_OPEN, ENAMETOOLONG, NULL);
	} else {
		read_path(&top, full, kind);
	}
	return finish(c, n0);
}

int
ntp_conf_parse(struct ntp_conf *c, enum ntp_conf_kind kind, const char *name,
    const char *text, size_t len)
{
	struct pfile top;
	size_t n0 = c->n;

	memset(&top, 0, sizeof(top));
	top.c = c;
	top.kind = kind;
	top.noinclude = 1;
	if ((top.file = intern(c, name)) != NULL)
		parse_text(&top, text, len);
	return finish(c, n0);
}

static const struct {
	enum ntp_conf_kind kind;
	const char	*path;
} search_list[] = {
	{ NTP_CONF_NTP,		"/etc/ntp.conf" },
	{ NTP_CONF_NTP,		"/etc/ntpsec/ntp.conf" },
	{ NTP_CONF_CHRONY,	"/etc/chrony.conf" },
	{ NTP_CONF_CHRONY,	"/etc/chrony/chrony.conf" },
	{ NTP_CONF_OPENNTPD,	"/etc/openntpd/ntpd.conf" },
	{ NTP_CONF_OPENNTPD,	"/etc/ntpd.conf" },
	{ NTP_CONF_STEPTICKERS,	"/etc/ntp/step-tickers" },
	{ NTP_CONF_DEFAULT,	"/etc/default/ntpdate" },
};

/* Drop the diagnostic that says a top-level file does not exist. */
static void
forget_missing(struct ntp_conf *c, size_t ndiag0)
{
	if (c->ndiag == ndiag0 + 1 && c->diag[ndiag0].err == NTP_CONF_E_OPEN &&
	    c->diag[ndiag0].sys_errno == ENOENT && c->diag[ndiag0].line == 0)
		c->ndiag = ndiag0;
}

int
ntp_conf_search(struct ntp_conf *c)
{
	char full[2 * NTP_CONF_LINEMAX + 2];
	size_t i, ndiag0;
	int r;

	for (i = 0; i < sizeof(search_list) / sizeof(search_list[0]); i++) {
		ndiag0 = c->ndiag;
		r = ntp_conf_read(c, search_list[i].kind, search_list[i].path);
		if (r < 0)
			return -1;
		forget_missing(c, ndiag0);
		if (r > 0) {
			if (rooted(c, search_list[i].path, full,
			    sizeof(full)) == 0)
				c->source = intern(c, full);
			return c->nomem ? -1 : r;
		}
	}
	return 0;
}

int
ntp_conf_diag_str(const struct ntp_conf_diag *d, char *buf, size_t len)
{
	char at[64] = "";
	const char *file = d->file != NULL ? d->file : d->path;
	const char *path = d->file != NULL ? d->path : NULL;

	if (d->line > 0)
		snprintf(at, sizeof(at), ":%u", d->line);
	return snprintf(buf, len, "%s%s: %s%s%s%s%s", file != NULL ? file :
	    "?", at, path != NULL ? path : "", path != NULL ? ": " : "",
	    ntp_conf_strerror(d->err), d->sys_errno != 0 ? ": " : "",
	    d->sys_errno != 0 ? strerror(d->sys_errno) : "");
}

int
ntp_conf_load(struct ntp_conf *c, const char *file, const char *root)
{
	if (file != NULL) {
		ntp_conf_init(c, NULL);
		return ntp_conf_read(c, ntp_conf_kind_of(file), file);
	}
	ntp_conf_init(c, root);
	return ntp_conf_search(c);
}

const char *
ntp_conf_where(const char *file)
{
	return file != NULL ? file : "the system's NTP configuration "
	    "(ntp.conf, chrony.conf, ntpd.conf, step-tickers, "
	    "default/ntpdate)";
}

void
ntp_conf_report(const struct ntp_conf *c, int origins,
    void (*emit)(const void *ctx, enum ntp_conf_line kind, const char *line),
    const void *ctx)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < c->ndiag; i++) {
		ntp_conf_diag_str(&c->diag[i], buf, sizeof(buf));
		emit(ctx, NTP_CONF_PROBLEM, buf);
	}
	if (c->ndropped > 0) {
		snprintf(buf, sizeof(buf), "%zu more configuration problems",
		    c->ndropped);
		emit(ctx, NTP_CONF_PROBLEM, buf);
	}
	for (i = 0; origins && i < c->n; i++) {
		snprintf(buf, sizeof(buf), "server %s from %s:%u%s",
		    c->srv[i].host, c->srv[i].file, c->srv[i].line,
		    c->srv[i].pool ? " (pool: all its addresses)" : "");
		emit(ctx, NTP_CONF_ORIGIN, buf);
	}
}
