/*
 * libFuzzer target: the NTS extension-field parser (lib/nts_ef.c) over
 * arbitrary NTP packets.  Invariants: it never reads past len (ASan); on
 * success the unique identifier, nonce and ciphertext lie inside the
 * packet, before the end, the authenticator after the header and the
 * identifier; nts_ef_next walks the same bytes without overrunning.
 *
 * clang -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz_nts_ef.c \
 *     lib/nts_ef.c -o fuzz_nts_ef && ./fuzz_nts_ef fuzz/corpus/nts_ef
 */
#include <stdint.h>
#include <stdlib.h>

#include "nts_ef.h"
#include "ntp_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
	return p >= data && p + n <= data + size;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nts_ef_reply r;
	const uint8_t *body;
	size_t off = NTP_HEADER_LEN, blen;
	uint16_t type;
	int k;

	if (nts_ef_parse(data, size, &r) == 0) {
		if (!inside(data, size, r.uid, r.uid_len) ||
		    !inside(data, size, r.nonce, r.nonce_len) ||
		    !inside(data, size, r.ct, r.ct_len) ||
		    r.auth_off < NTP_HEADER_LEN || r.uid >= data + r.auth_off ||
		    r.nonce_len == 0 || r.ct_len < 16)
			abort();
	}
	while ((k = nts_ef_next(data, size, &off, &type, &body, &blen)) == 1)
		if (!inside(data, size, body, blen) || off > size)
			abort();
	return 0;
}
