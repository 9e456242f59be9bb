/*
 * Report: a server's verdict as one line of text, shared by the front
 * ends (the library formats; the front ends print).
 */
#ifndef NTPC_REPORT_H
#define NTPC_REPORT_H

#include <stddef.h>

#include "ntp_engine.h"

/*
 * Why a server was not used, with its detail: "no reply within 2 s (4
 * requests)", "name did not resolve (Name or service not known)",
 * "root distance too large (over 1.5 s)"...  Returns buf.
 */
const char *ntp_server_why(const struct ntp_server *s,
	    const struct ntp_query_opts *o, char *buf, size_t len);

/* The number of servers, among n, that have an address. */
size_t	ntp_servers_addressed(const struct ntp_server *srv, size_t n);

#endif /* NTPC_REPORT_H */
