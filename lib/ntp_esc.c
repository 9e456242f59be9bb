/*
 * Escaping outside text for terminals and logs (ntp_esc.h).
 */
#include <stdio.h>
#include <string.h>

#include "ntp_esc.h"

/* One byte as itself or its escape, in piece; returns the length. */
static size_t
esc_one(unsigned char c, char piece[5])
{
	if (c == '\\')
		return (size_t)snprintf(piece, 5, "\\\\");
	if (c >= 0x20 && c < 0x7f)
		return (size_t)snprintf(piece, 5, "%c", c);
	return (size_t)snprintf(piece, 5, "\\x%02x", c);
}

char *
ntp_esc(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	char piece[5];
	size_t k = 0, n;

	if (size == 0)
		return dst;
	for (; *s != '\0'; s++) {
		n = esc_one(*s, piece);
		if (k + n >= size)
			break;
		memcpy(dst + k, piece, n);
		k += n;
	}
	dst[k] = '\0';
	return dst;
}
