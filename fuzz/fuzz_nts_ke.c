/*
 * libFuzzer target: the NTS-KE record parser (lib/nts_ke.c) over
 * arbitrary bytes.  Invariants: it never reads past len (ASan), a
 * success has parsed every byte, ends with End of Message and holds
 * NTPv4, AES-SIV-CMAC-256 and 1..8 cookies within their bounds; a
 * result is always a known error with a text.
 *
 * clang -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz_nts_ke.c \
 *     lib/nts_ke.c -o fuzz_nts_ke && ./fuzz_nts_ke fuzz/corpus/nts_ke
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nts_ke.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nts_ke_reply r;
	size_t i;
	int e;

	e = nts_ke_parse(data, size, &r);
	if (e < 0 || e >= NTS_KE_MAX || nts_ke_strerror(e)[0] == '\0')
		abort();
	if (e != NTS_KE_OK)
		return 0;
	if (r.len != size || size < 4 || memcmp(data + size - 4,
	    "\x80\0\0\0", 4) != 0)
		abort();
	if (r.nextproto != NTS_PROTO_NTPV4 ||
	    r.aead != NTS_AEAD_SIV_CMAC_256 || r.ncookies == 0 ||
	    r.ncookies > NTS_MAXCOOKIES || r.error != -1 || r.warning != -1)
		abort();
	for (i = 0; i < r.ncookies; i++)
		if (r.cookie_len[i] == 0 ||
		    r.cookie_len[i] > NTS_COOKIE_MAXLEN)
			abort();
	if (strlen(r.server) >= sizeof(r.server) || r.port < 0 ||
	    r.port > 65535)
		abort();
	return 0;
}
