/*
 * The TLS 1.3 side of NTS-KE on GnuTLS (NTS=1 builds), as the
 * struct nts_tls_ops that lib/nts_ke.c drives.
 */
#ifndef NTPC_NTS_TLS_H
#define NTPC_NTS_TLS_H

#include "nts_ke.h"

/* The GnuTLS implementation of the TLS ops (ctx unused). */
const struct nts_tls_ops *nts_tls_system(void);

#endif /* NTPC_NTS_TLS_H */
