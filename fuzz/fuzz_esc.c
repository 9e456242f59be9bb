/*
 * libFuzzer target: ntp_esc(), the escaping of host names and other
 * outside text for terminals and logs.  Input: one byte of output size,
 * then the text (up to the first NUL).
 *
 * Invariants: the output holds printable ASCII only (no control, DEL or
 * 8-bit byte can reach a terminal); with room enough, unescaping it gives
 * the input back; cut short, it is a prefix of the whole escape that ends
 * between two escapes, and always NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_esc.h"

#define REQUIRE(c)	do { if (!(c)) abort(); } while (0)
#define MAXTEXT		1024

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

/* Unescape s into out; its length, or -1 for a malformed escape. */
static long
unescape(const char *s, char *out)
{
	long k = 0;

	while (*s != '\0') {
		if (*s != '\\') {
			out[k++] = *s++;
			continue;
		}
		if (s[1] == '\\') {
			out[k++] = '\\';
			s += 2;
			continue;
		}
		if (s[1] != 'x' || hexval(s[2]) < 0 || hexval(s[3]) < 0)
			return -1;
		out[k++] = (char)(hexval(s[2]) * 16 + hexval(s[3]));
		s += 4;
	}
	out[k] = '\0';
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char src[MAXTEXT + 1], whole[NTP_ESC_SIZE(MAXTEXT)];
	static char cut[NTP_ESC_SIZE(MAXTEXT)], back[MAXTEXT + 1];
	size_t n, room, i;

	if (size < 1)
		return 0;
	room = data[0];
	n = size - 1 < MAXTEXT ? size - 1 : MAXTEXT;
	memcpy(src, data + 1, n);
	src[n] = '\0';
	ntp_esc(whole, sizeof(whole), src);
	for (i = 0; whole[i] != '\0'; i++)
		REQUIRE(whole[i] >= 0x20 && whole[i] < 0x7f);
	REQUIRE(unescape(whole, back) == (long)strlen(src));
	REQUIRE(strcmp(back, src) == 0);
	if (room == 0)
		return 0;
	memset(cut, 'z', room);
	ntp_esc(cut, room, src);
	n = strlen(cut);
	REQUIRE(n < room && strncmp(cut, whole, n) == 0);
	REQUIRE(unescape(cut, back) >= 0);
	REQUIRE(strncmp(back, src, strlen(back)) == 0);
	return 0;
}
