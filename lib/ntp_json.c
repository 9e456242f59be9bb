/*
 * JSON output (ntp_json.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_engine.h"
#include "ntp_json.h"
#include "ntp_reason.h"

#define MAXDECIMALS	17

/*
 * Length of the valid UTF-8 sequence at s (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The escape for one byte below 0x80, or NULL when it stands as is. */
static const char *
escape_ascii(unsigned char c, char *tmp, size_t len)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		if (c >= 0x20 && c != 0x7f)
			return NULL;
		snprintf(tmp, len, "\\u%04x", c);
		return tmp;
	}
}

/* Copy a piece only when it fits whole; count it anyway. */
static void
put(char *dst, size_t size, size_t *pos, int *full, const char *p,
    size_t n)
{
	if (!*full && *pos + n < size) {
		memcpy(dst + *pos, p, n);
		dst[*pos + n] = '\0';
	} else {
		*full = 1;
	}
	*pos += n;
}

size_t
ntp_json_escape(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	const char *esc;
	char tmp[8];
	size_t pos = 0, n;
	int full = 0;

	if (size > 0)
		dst[0] = '\0';
	while (*s != '\0') {
		if (*s < 0x80) {
			esc = escape_ascii(*s, tmp, sizeof(tmp));
			n = 1;
			if (esc != NULL)
				put(dst, size, &pos, &full, esc, strlen(esc));
			else
				put(dst, size, &pos, &full, (const char *)s, 1);
		} else if ((n = utf8_len(s)) == 2 && s[0] == 0xc2 &&
		    s[1] < 0xa0) {
			/* C1 controls (U+0080..U+009F): CSI is one of them. */
			snprintf(tmp, sizeof(tmp), "\\u%04x", s[1]);
			put(dst, size, &pos, &full, tmp, 6);
		} else if (n > 0) {
			put(dst, size, &pos, &full, (const char *)s, n);
		} else {
			n = 1;
			put(dst, size, &pos, &full, "\\ufffd", 6);
		}
		s += n;
	}
	return pos;
}

static int
reserve(struct ntp_json *j, size_t more)
{
	size_t cap;
	char *nb;

	if (j->nomem)
		return -1;
	if (j->len + more < j->cap)
		return 0;
	cap = j->cap ? j->cap : 256;
	while (cap <= j->len + more)
		cap *= 2;
	if ((nb = realloc(j->buf, cap)) == NULL) {
		j->nomem = 1;
		return -1;
	}
	j->buf = nb;
	j->cap = cap;
	return 0;
}

static void appendf(struct ntp_json *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
appendf(struct ntp_json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(j, (size_t)n + 1) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(j->buf + j->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	j->len += (size_t)n;
}

static void
append_string(struct ntp_json *j, const char *s)
{
	size_t n = ntp_json_escape(NULL, 0, s);

	if (reserve(j, n + 3) != 0)
		return;
	j->buf[j->len++] = '"';
	ntp_json_escape(j->buf + j->len, n + 1, s);
	j->len += n;
	j->buf[j->len++] = '"';
	j->buf[j->len] = '\0';
}

static void
key(struct ntp_json *j, const char *k)
{
	if (j->nkeys++ > 0)
		appendf(j, ",");
	append_string(j, k);
	appendf(j, ":");
}

void
ntp_json_begin(struct ntp_json *j)
{
	memset(j, 0, sizeof(*j));
	appendf(j, "{");
}

void
ntp_json_str(struct ntp_json *j, const char *k, const char *val)
{
	key(j, k);
	if (val == NULL)
		appendf(j, "null");
	else
		append_string(j, val);
}

void
ntp_json_num(struct ntp_json *j, const char *k, double v, int decimals)
{
	key(j, k);
	if (decimals < 0)
		decimals = 0;
	if (decimals > MAXDECIMALS)
		decimals = MAXDECIMALS;
	if (isfinite(v))
		appendf(j, "%.*f", decimals, v);
	else
		appendf(j, "null");
}

void
ntp_json_int(struct ntp_json *j, const char *k, long long v)
{
	key(j, k);
	appendf(j, "%lld", v);
}

void
ntp_json_bool(struct ntp_json *j, const char *k, int v)
{
	key(j, k);
	appendf(j, "%s", v ? "true" : "false");
}

void
ntp_json_null(struct ntp_json *j, const char *k)
{
	key(j, k);
	appendf(j, "null");
}

const char *
ntp_json_end(struct ntp_json *j)
{
	appendf(j, "}");
	return j->nomem ? NULL : j->buf;
}

void
ntp_json_free(struct ntp_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

static const char *
leap_word(int leap)
{
	static const char *const words[] = {
		"no-leap", "add-leap", "del-leap", "unsync"
	};

	return words[leap & 3];
}

int
ntp_json_usable(const struct ntp_server *s)
{
	return ntp_server_best(s) != NULL &&
	    (s->reason == NTP_OK || s->reason == NTP_R_NOT_BEST);
}

/* Stratum and leap: the best sample's, else the last authentic reply's. */
static void
json_header(struct ntp_json *j, const struct ntp_server *s)
{
	const struct ntp_sample *b = ntp_server_best(s);

	if (b != NULL) {
		ntp_json_int(j, "stratum", b->stratum);
		ntp_json_str(j, "leap", leap_word(b->leap));
	} else if (s->nreplies > 0) {
		ntp_json_int(j, "stratum", s->last.stratum);
		ntp_json_str(j, "leap", leap_word(s->last.leap));
	} else {
		ntp_json_null(j, "stratum");
		ntp_json_null(j, "leap");
	}
}

void
ntp_json_server(struct ntp_json *j, const struct ntp_server *s, int selected,
    const char *reason)
{
	const struct ntp_sample *b = ntp_server_best(s);
	int ok = ntp_json_usable(s);

	if (reason == NULL)
		reason = ok ? "ok" : ntp_reason_name(s->reason);
	ntp_json_begin(j);
	ntp_json_str(j, "host", s->host);
	ntp_json_str(j, "address", s->addrlen ? s->addrstr : NULL);
	json_header(j, s);
	ntp_json_num(j, "offset", b ? b->offset : NAN, 9);
	ntp_json_num(j, "delay", b ? b->delay : NAN, 9);
	ntp_json_num(j, "error", b ? b->error : NAN, 9);
	ntp_json_num(j, "root_distance", b ? b->rootdist : NAN, 9);
	ntp_json_bool(j, "usable", ok);
	ntp_json_bool(j, "selected", selected);
	ntp_json_str(j, "reason", reason);
	ntp_json_int(j, "requests", s->nsent);
}

void
ntp_json_result(struct ntp_json *j, const struct ntp_json_result *r)
{
	const struct ntp_server *c = r->selected;

	ntp_json_begin(j);
	ntp_json_bool(j, "result", r->ok);
	ntp_json_str(j, "selected", c ? c->addrstr : NULL);
	ntp_json_num(j, "offset", c ? r->offset : NAN, 9);
	ntp_json_int(j, "servers", (long long)r->servers);
	ntp_json_int(j, "usable", (long long)r->usable);
	ntp_json_bool(j, "no_majority", r->no_majority);
	ntp_json_str(j, "adjusted", r->adjusted);
	ntp_json_str(j, "error", r->error);
}
