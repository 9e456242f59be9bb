/*
 * libFuzzer target: key files (ntp_keys_parse).  The input is the file.
 *
 * Invariants: for every key id asked (1, 2, and the first number in the
 * input), a success gives a key of that id, a known type and 1 to
 * NTP_KEY_MAXLEN bytes, which signs a packet that then verifies (and
 * stops verifying when one MAC bit flips); a
 * refusal gives a known error code, a line within the file (0 only for
 * "not found") and a wiped key; the description is a terminated string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_keys.h"
#include "ntp_mac.h"
#include "ntp_pkt.h"
#include "ntp_reason.h"

#define REQUIRE(c)	do { if (!(c)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
count_lines(const char *buf, size_t len)
{
	size_t i, n = len > 0;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			n++;
	return n;
}

static uint32_t
first_number(const char *buf, size_t len)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9' && v <= UINT32_MAX;
	    i++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	return v == 0 || v > UINT32_MAX ? 3 : (uint32_t)v;
}

static void
check_key(const struct ntp_key *k, uint32_t id)
{
	uint8_t buf[NTP_PKT_MAXLEN];
	struct ntp_pkt p;
	int len;

	REQUIRE(k->id == id);
	REQUIRE(k->type == NTP_KEY_MD5 || k->type == NTP_KEY_SHA1 ||
	    k->type == NTP_KEY_AES128CMAC);
	REQUIRE(k->len >= 1 && k->len <= NTP_KEY_MAXLEN);
	memset(buf, 0x24, NTP_HEADER_LEN);
	len = ntp_mac_append(k, buf, NTP_HEADER_LEN, sizeof(buf));
	REQUIRE(len == NTP_HEADER_LEN + 4 + (int)ntp_mac_len(k->type));
	REQUIRE(ntp_pkt_decode(buf, (size_t)len, &p) == 0);
	REQUIRE(ntp_mac_verify(k, buf, (size_t)len, &p) == 0);
	buf[len - 1] ^= 1;
	REQUIRE(ntp_pkt_decode(buf, (size_t)len, &p) == 0);
	REQUIRE(ntp_mac_verify(k, buf, (size_t)len, &p) == NTP_R_AUTH_BAD_MAC);
}

static void
check_refusal(const struct ntp_key *k, const struct ntp_keys_err *e,
    size_t lines)
{
	struct ntp_key zero;
	char why[512];

	memset(&zero, 0, sizeof(zero));
	REQUIRE(memcmp(k, &zero, sizeof(zero)) == 0);
	REQUIRE(e->code > NTP_KEYS_OK && e->code < NTP_KEYS_MAX);
	REQUIRE(e->code != NTP_KEYS_OPEN && e->code != NTP_KEYS_READ);
	REQUIRE(e->line <= lines);
	REQUIRE((e->line == 0) == (e->code == NTP_KEYS_NOT_FOUND));
	REQUIRE(memchr(e->type, '\0', sizeof(e->type)) != NULL);
	ntp_keys_describe("fuzz.keys", e, why, sizeof(why));
	REQUIRE(memchr(why, '\0', sizeof(why)) != NULL);
	REQUIRE(strncmp(why, "key file fuzz.keys", 18) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t lines = count_lines(buf, size), i;
	uint32_t ids[3] = { 1, 2, 0 };
	struct ntp_keys_err e;
	struct ntp_key k;

	ids[2] = first_number(buf, size);
	for (i = 0; i < 3; i++) {
		if (ntp_keys_parse(buf, size, ids[i], &k, &e) == 0)
			check_key(&k, ids[i]);
		else
			check_refusal(&k, &e, lines);
		ntp_key_wipe(&k);
	}
	return 0;
}
