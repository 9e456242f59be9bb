/*
 * Key files.  NTP Classic and NTPsec write "keyid type key [addresses]"
 * with a key of up to 20 ASCII characters, or longer in hex (classic's
 * authreadkeys rule); chrony writes "id [type] key" with the key as
 * HEX:... or ASCII:... (ASCII when bare) and MD5 when the type is left
 * out.  A line is read the chrony way when its key has a prefix or its
 * type is missing, else the classic way.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ntp_aes.h"
#include "ntp_keys.h"

#define MAXTOK		5
#define CLASSIC_ASCII	20	/* longer classic keys are hex */

struct tok {
	const char	*p;
	size_t		len;
};

static const struct {
	const char	*name;
	int		type;		/* NTP_KEY_NONE: known, unsupported */
} key_types[] = {
	{ "M", NTP_KEY_MD5 }, { "MD5", NTP_KEY_MD5 },
	{ "SHA1", NTP_KEY_SHA1 }, { "SHA-1", NTP_KEY_SHA1 },
	{ "AES128CMAC", NTP_KEY_AES128CMAC }, { "AES128", NTP_KEY_AES128CMAC },
	{ "AES-128", NTP_KEY_AES128CMAC },
	{ "AES-128-CMAC", NTP_KEY_AES128CMAC }, { "AES", NTP_KEY_AES128CMAC },
	{ "SHA", NTP_KEY_NONE }, { "SHA224", NTP_KEY_NONE },
	{ "SHA256", NTP_KEY_NONE }, { "SHA384", NTP_KEY_NONE },
	{ "SHA512", NTP_KEY_NONE }, { "SHA3-224", NTP_KEY_NONE },
	{ "SHA3-256", NTP_KEY_NONE }, { "SHA3-384", NTP_KEY_NONE },
	{ "SHA3-512", NTP_KEY_NONE }, { "RMD160", NTP_KEY_NONE },
	{ "RIPEMD160", NTP_KEY_NONE }, { "TIGER", NTP_KEY_NONE },
	{ "WHIRLPOOL", NTP_KEY_NONE }, { "AES256", NTP_KEY_NONE },
	{ "AES-256", NTP_KEY_NONE }, { "AES256CMAC", NTP_KEY_NONE },
	{ "MD4", NTP_KEY_NONE }, { "SM3", NTP_KEY_NONE },
};

static const char *const keys_errors[NTP_KEYS_MAX] = {
	[NTP_KEYS_OK] = "no error",
	[NTP_KEYS_OPEN] = "cannot open",
	[NTP_KEYS_NOT_FILE] = "not a regular file",
	[NTP_KEYS_WORLD_WRITABLE] = "writable by everyone: refused "
	    "(chmod o-w, or better 600)",
	[NTP_KEYS_READ] = "read error",
	[NTP_KEYS_TOO_BIG] = "too big for a key file",
	[NTP_KEYS_NUL] = "NUL byte: not a text file",
	[NTP_KEYS_BAD_ID] = "key id is not a number from 1 to 4294967295",
	[NTP_KEYS_NO_TYPE] = "key id without a type and key",
	[NTP_KEYS_BAD_TYPE] = "unknown key type",
	[NTP_KEYS_UNSUPPORTED] = "key type not supported (MD5, SHA1 and "
	    "AES128CMAC are)",
	[NTP_KEYS_NO_KEY] = "key type without a key",
	[NTP_KEYS_BAD_HEX] = "hex key with a non-hex digit or an odd length",
	[NTP_KEYS_BAD_ASCII] = "ASCII key with a control character",
	[NTP_KEYS_KEY_LEN] = "key is empty or longer than 64 bytes",
	[NTP_KEYS_AES_LEN] = "AES128 key is not 16 bytes",
	[NTP_KEYS_EXTRA] = "more fields than a key line has",
	[NTP_KEYS_DUPLICATE] = "key id given twice",
	[NTP_KEYS_NOT_FOUND] = "key id not in the file",
};

const char *
ntp_keys_strerror(int code)
{
	if (code < 0 || code >= NTP_KEYS_MAX || keys_errors[code] == NULL)
		return "unknown key file error";
	return keys_errors[code];
}

const char *
ntp_keys_describe(const char *path, const struct ntp_keys_err *e, char *buf,
    size_t len)
{
	const char *why = ntp_keys_strerror(e->code);

	if (e->code == NTP_KEYS_OPEN || e->code == NTP_KEYS_READ)
		snprintf(buf, len, "key file %s: %s: %s", path, why,
		    strerror(e->sys_errno));
	else if (e->line == 0)
		snprintf(buf, len, "key file %s: %s", path, why);
	else if (e->code == NTP_KEYS_BAD_TYPE ||
	    e->code == NTP_KEYS_UNSUPPORTED)
		snprintf(buf, len, "key file %s, line %zu: %s: %s", path,
		    e->line, why, e->type);
	else
		snprintf(buf, len, "key file %s, line %zu: %s", path, e->line,
		    why);
	return buf;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Split into at most MAXTOK tokens; a token starting with # ends it. */
static size_t
tokenize(const char *line, size_t len, struct tok *t)
{
	size_t i = 0, n = 0, start;

	while (n < MAXTOK) {
		while (i < len && is_space(line[i]))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && !is_space(line[i]))
			i++;
		t[n].p = line + start;
		t[n].len = i - start;
		n++;
	}
	while (i < len && is_space(line[i]))
		i++;
	return (i < len && line[i] != '#') ? MAXTOK + 1 : n;
}

static int
parse_id(const struct tok *t, uint32_t *id)
{
	uint64_t v = 0;
	size_t i;

	if (t->len == 0 || t->len > 10)
		return -1;
	for (i = 0; i < t->len; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(t->p[i] - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/* Returns the type, NTP_KEY_NONE for a known unsupported one, or -1. */
static int
parse_type(const struct tok *t)
{
	size_t i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strlen(key_types[i].name) == t->len &&
		    strncasecmp(key_types[i].name, t->p, t->len) == 0)
			return key_types[i].type;
	return -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
decode_hex(const char *p, size_t len, struct ntp_key *k)
{
	size_t i;
	int hi, lo;

	if (len == 0 || len / 2 > NTP_KEY_MAXLEN)
		return NTP_KEYS_KEY_LEN;
	if (len % 2 != 0)
		return NTP_KEYS_BAD_HEX;
	for (i = 0; i < len / 2; i++) {
		hi = hexval(p[2 * i]);
		lo = hexval(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return NTP_KEYS_BAD_HEX;
		k->key[i] = (uint8_t)(hi << 4 | lo);
	}
	k->len = len / 2;
	return 0;
}

static int
decode_ascii(const char *p, size_t len, struct ntp_key *k)
{
	size_t i;

	if (len == 0 || len > NTP_KEY_MAXLEN)
		return NTP_KEYS_KEY_LEN;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
			return NTP_KEYS_BAD_ASCII;
	memcpy(k->key, p, len);
	k->len = len;
	return 0;
}

static int
has_prefix(const struct tok *t, const char *pfx)
{
	size_t n = strlen(pfx);

	return t->len >= n && strncasecmp(t->p, pfx, n) == 0;
}

/* The key token; *chrony set when it is written the chrony way. */
static int
decode_key(const struct tok *t, int bare_chrony, struct ntp_key *k,
    int *chrony)
{
	*chrony = 1;
	if (has_prefix(t, "HEX:"))
		return decode_hex(t->p + 4, t->len - 4, k);
	if (has_prefix(t, "ASCII:"))
		return decode_ascii(t->p + 6, t->len - 6, k);
	*chrony = bare_chrony;
	if (bare_chrony || t->len <= CLASSIC_ASCII)
		return decode_ascii(t->p, t->len, k);
	return decode_hex(t->p, t->len, k);
}

static int
line_error(struct ntp_keys_err *e, int code)
{
	e->code = code;
	return -1;
}

/* The type token: a known type, or the error with its text kept. */
static int
line_type(const struct tok *t, struct ntp_key *k, struct ntp_keys_err *e)
{
	size_t n = t->len < sizeof(e->type) - 1 ? t->len :
	    sizeof(e->type) - 1;
	int type = parse_type(t);

	if (type > 0) {
		k->type = type;
		return 0;
	}
	memcpy(e->type, t->p, n);
	e->type[n] = '\0';
	return line_error(e, type == 0 ? NTP_KEYS_UNSUPPORTED :
	    NTP_KEYS_BAD_TYPE);
}

int
ntp_keys_parse_line(const char *line, size_t len, struct ntp_key *k,
    struct ntp_keys_err *e)
{
	struct tok t[MAXTOK];
	size_t n = tokenize(line, len, t);
	int code, chrony;

	memset(k, 0, sizeof(*k));
	if (n == 0)
		return 0;
	if (n > 4)
		return line_error(e, NTP_KEYS_EXTRA);
	if (parse_id(&t[0], &k->id) != 0)
		return line_error(e, NTP_KEYS_BAD_ID);
	if (n == 1)
		return line_error(e, NTP_KEYS_NO_TYPE);
	k->type = NTP_KEY_MD5;		/* chrony's default */
	if (n >= 3 && line_type(&t[1], k, e) != 0)
		return -1;
	if ((code = decode_key(&t[n == 2 ? 1 : 2], n == 2, k, &chrony)) != 0)
		return line_error(e, code);
	if (chrony && n == 4)
		return line_error(e, NTP_KEYS_EXTRA);
	if (chrony && k->type == NTP_KEY_AES128CMAC &&
	    k->len != NTP_AES128_KEYLEN)
		return line_error(e, NTP_KEYS_AES_LEN);
	return 1;
}

/* One line of a file: skipped, the key wanted, or an error. */
static int
file_line(const char *p, size_t len, uint32_t id, struct ntp_key *k,
    int *found, struct ntp_keys_err *e)
{
	struct ntp_key cur;
	int rc;

	if (memchr(p, '\0', len) != NULL)
		return line_error(e, NTP_KEYS_NUL);
	rc = ntp_keys_parse_line(p, len, &cur, e);
	if (rc < 0 && e->code == NTP_KEYS_UNSUPPORTED && cur.id != id)
		rc = 0;		/* another key's type: not ours to judge */
	if (rc == 1 && cur.id == id) {
		if (*found)
			rc = line_error(e, NTP_KEYS_DUPLICATE);
		else
			*k = cur;
		*found = 1;
	}
	ntp_key_wipe(&cur);
	return rc < 0 ? -1 : 0;
}

int
ntp_keys_parse(const char *buf, size_t len, uint32_t id, struct ntp_key *k,
    struct ntp_keys_err *e)
{
	const char *p = buf, *end = buf + len, *nl;
	int found = 0;

	memset(e, 0, sizeof(*e));
	memset(k, 0, sizeof(*k));
	while (p < end) {
		e->line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (file_line(p, (size_t)(nl - p), id, k, &found, e) != 0) {
			ntp_key_wipe(k);
			return -1;
		}
		p = nl + 1;
	}
	if (found)
		return 0;
	e->line = 0;
	return line_error(e, NTP_KEYS_NOT_FOUND);
}

static int
file_error(struct ntp_keys_err *e, int code, int err)
{
	e->code = code;
	e->sys_errno = err;
	return -1;
}

/* Read all of fd (at most NTP_KEYS_MAXFILE) into a fresh buffer. */
static char *
read_all(int fd, size_t *len, struct ntp_keys_err *e)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nbuf;
	ssize_t r;

	for (;;) {
		if (n == cap || buf == NULL) {
			if (buf != NULL && cap >= NTP_KEYS_MAXFILE) {
				file_error(e, NTP_KEYS_TOO_BIG, 0);
				break;
			}
			cap = buf == NULL ? cap : cap * 2;
			if ((nbuf = calloc(1, cap)) == NULL) {
				file_error(e, NTP_KEYS_READ, ENOMEM);
				break;
			}
			if (buf != NULL)
				memcpy(nbuf, buf, n);
			explicit_bzero(buf == NULL ? nbuf : buf, n);
			free(buf);
			buf = nbuf;
		}
		if ((r = read(fd, buf + n, cap - n)) < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0) {
				*len = n;
				return buf;
			}
			file_error(e, NTP_KEYS_READ, errno);
			break;
		}
		n += (size_t)r;
	}
	if (buf != NULL)
		explicit_bzero(buf, n);
	free(buf);
	return NULL;
}

static int
check_file(int fd, struct ntp_keys_err *e)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return file_error(e, NTP_KEYS_READ, errno);
	if (!S_ISREG(st.st_mode))
		return file_error(e, NTP_KEYS_NOT_FILE, 0);
	if (st.st_mode & S_IWOTH)
		return file_error(e, NTP_KEYS_WORLD_WRITABLE, 0);
	return 0;
}

int
ntp_keys_load(const char *path, uint32_t id, struct ntp_key *k,
    struct ntp_keys_err *e)
{
	size_t len = 0;
	char *buf;
	int fd, rc;

	memset(e, 0, sizeof(*e));
	memset(k, 0, sizeof(*k));
	/* O_NONBLOCK: a FIFO put in the key file's place cannot stall us. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return file_error(e, NTP_KEYS_OPEN, errno);
	if (check_file(fd, e) != 0 || (buf = read_all(fd, &len, e)) == NULL) {
		close(fd);
		return -1;
	}
	close(fd);
	rc = ntp_keys_parse(buf, len, id, k, e);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

int
ntp_keys_load_auth(const char *path, uint32_t id, struct ntp_mac_auth *a,
    struct ntp_keys_err *e)
{
	struct ntp_key k;

	if (ntp_keys_load(path, id, &k, e) != 0)
		return -1;
	ntp_mac_auth_init(a, &k);
	ntp_key_wipe(&k);
	return 0;
}
