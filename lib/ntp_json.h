/*
 * JSON output: one flat object a line, built in a growing buffer, with
 * strings escaped (RFC 8259 §7) and numbers that are never NaN or
 * infinite (null instead), for the front ends' -j output.
 */
#ifndef NTPC_JSON_H
#define NTPC_JSON_H

#include <stddef.h>

/* An object under construction. */
struct ntp_json {
	char		*buf;
	size_t		len;
	size_t		cap;
	int		nomem;		/* an allocation failed */
	int		nkeys;
};

/*
 * Escape src as the contents of a JSON string (without the quotes) into
 * dst of size bytes, NUL-terminated when size > 0, like snprintf: returns
 * the length of the whole escaped text, so a result >= size means it was
 * cut (never in the middle of an escape or a character).  Quotes,
 * backslashes, control characters, DEL and the C1 controls U+0080..U+009F
 * are escaped; other valid UTF-8 is kept; a byte that is not part of
 * valid UTF-8 becomes \ufffd.
 */
size_t	ntp_json_escape(char *dst, size_t size, const char *src);

/* Start an object: "{". */
void	ntp_json_begin(struct ntp_json *j);

/* Add "key":"escaped val", or "key":null when val is NULL. */
void	ntp_json_str(struct ntp_json *j, const char *key, const char *val);

/* Add "key":v with decimals digits after the point; null unless finite. */
void	ntp_json_num(struct ntp_json *j, const char *key, double v,
	    int decimals);

/* Add "key":v for an integer. */
void	ntp_json_int(struct ntp_json *j, const char *key, long long v);

/* Add "key":true or "key":false. */
void	ntp_json_bool(struct ntp_json *j, const char *key, int v);

/* Add "key":null. */
void	ntp_json_null(struct ntp_json *j, const char *key);

/* Close the object; returns the text, or NULL when memory ran out. */
const char *ntp_json_end(struct ntp_json *j);

/* Free the buffer. */
void	ntp_json_free(struct ntp_json *j);

/*
 * The report schema shared by sntp -j and ntpdate --json (documented in
 * both man pages): one object per server, then one for the result.
 */
struct ntp_server;

/* The facts of the result object. */
struct ntp_json_result {
	int		ok;		/* the run's exit status is 0 */
	const struct ntp_server *selected;	/* the system peer, or NULL */
	double		offset;		/* the combined offset, s */
	size_t		servers;
	size_t		usable;
	int		no_majority;
	const char	*adjusted;	/* "step", "slew" or NULL */
	const char	*error;		/* run-level failure word, or NULL */
};

/* A server with a sample that was not voted out. */
int	ntp_json_usable(const struct ntp_server *s);

/*
 * Begin j as a server object: host, address, stratum, leap, offset,
 * delay, error, root_distance, usable, selected, reason (reason, or "ok"
 * for a usable server, else the server's reason name), requests.
 */
void	ntp_json_server(struct ntp_json *j, const struct ntp_server *s,
	    int selected, const char *reason);

/*
 * Begin j as the result object: result, selected, offset (the combined
 * offset when a server is selected, else null), servers, usable,
 * no_majority, adjusted, error.
 */
void	ntp_json_result(struct ntp_json *j, const struct ntp_json_result *r);

#endif /* NTPC_JSON_H */
