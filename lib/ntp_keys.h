/*
 * Key files: NTP Classic / NTPsec (/etc/ntp.keys, /etc/ntp/keys:
 * "keyid type key") and chrony (/etc/chrony.keys: "id [type] HEX:..." or
 * "ASCII:...").  Errors name the line and the cause; the front end
 * names the file.
 */
#ifndef NTPC_KEYS_H
#define NTPC_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ntp_mac.h"

#define NTP_KEYS_MAXFILE	(1024 * 1024)	/* a key file is small */

enum ntp_keys_error {
	NTP_KEYS_OK = 0,
	NTP_KEYS_OPEN,		/* cannot open (sys_errno) */
	NTP_KEYS_NOT_FILE,	/* not a regular file */
	NTP_KEYS_WORLD_WRITABLE, /* anyone may change the keys */
	NTP_KEYS_READ,		/* read error (sys_errno) */
	NTP_KEYS_TOO_BIG,	/* over NTP_KEYS_MAXFILE */
	NTP_KEYS_NUL,		/* a NUL byte: not a text file */
	NTP_KEYS_BAD_ID,	/* key id not a number from 1 to 2^32 - 1 */
	NTP_KEYS_NO_TYPE,	/* key id without a type and key */
	NTP_KEYS_BAD_TYPE,	/* unknown key type */
	NTP_KEYS_UNSUPPORTED,	/* a real type this program lacks */
	NTP_KEYS_NO_KEY,	/* type without a key */
	NTP_KEYS_BAD_HEX,	/* hex key with a non-hex digit or odd length */
	NTP_KEYS_BAD_ASCII,	/* ASCII key with a control character */
	NTP_KEYS_KEY_LEN,	/* key empty or longer than NTP_KEY_MAXLEN */
	NTP_KEYS_AES_LEN,	/* chrony AES128 key not 16 bytes */
	NTP_KEYS_EXTRA,		/* more fields than a key line has */
	NTP_KEYS_DUPLICATE,	/* the key id appears twice */
	NTP_KEYS_NOT_FOUND,	/* the key id is not in the file */
	NTP_KEYS_MAX
};

/* Where and why a key file was refused. */
struct ntp_keys_err {
	int		code;		/* enum ntp_keys_error */
	size_t		line;		/* 1-based; 0 for the whole file */
	int		sys_errno;	/* for NTP_KEYS_OPEN, NTP_KEYS_READ */
	char		type[24];	/* the type text, for BAD_TYPE */
};

/* A short text for a key file error; never NULL. */
const char *ntp_keys_strerror(int code);

/*
 * Why the key file at path was refused, for a user: "PATH, line N:
 * CAUSE", "PATH: cannot open: ERRNO TEXT"...  Returns buf.
 */
const char *ntp_keys_describe(const char *path, const struct ntp_keys_err *e,
	    char *buf, size_t len);

/*
 * Parse one line (no newline; len bytes, NUL not required).  Returns 1
 * and fills k for a key, 0 for a blank or comment line, -1 with e->code
 * (and k->id when it was read) for a bad line.  k holds key material:
 * wipe it.
 */
int	ntp_keys_parse_line(const char *line, size_t len, struct ntp_key *k,
	    struct ntp_keys_err *e);

/*
 * Parse a whole key file held in buf and find key id.  Any bad line is
 * an error, except a type this program lacks on another key's line.
 * Returns 0 with *k, or -1 with *e.
 */
int	ntp_keys_parse(const char *buf, size_t len, uint32_t id,
	    struct ntp_key *k, struct ntp_keys_err *e);

/*
 * Read the key file at path (a regular file, not writable by everyone;
 * never waits on a FIFO) and find key id, as ntp_keys_parse.  What was
 * read is wiped before returning.
 */
int	ntp_keys_load(const char *path, uint32_t id, struct ntp_key *k,
	    struct ntp_keys_err *e);

/*
 * -a: key id from the key file at path, set up in a as the engine's
 * auth ops (ntp_mac_auth_init); the loaded copy is wiped.  Returns 0, or
 * -1 with *e as ntp_keys_load.
 */
int	ntp_keys_load_auth(const char *path, uint32_t id,
	    struct ntp_mac_auth *a, struct ntp_keys_err *e);

#endif /* NTPC_KEYS_H */
