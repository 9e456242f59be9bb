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
 * "root distance 2.345678 s over the limit (1.5 s)", "not synchronized
 * (leap 3, stratum 0, refid INIT); a server that has just started needs
 * a few minutes to synchronize"...  Returns buf.
 */
const char *ntp_server_why(const struct ntp_server *s,
	    const struct ntp_query_opts *o, char *buf, size_t len);

/*
 * The line before "no server suitable..." when there is no majority:
 * "no majority: the servers disagree: 192.0.2.1 +0.250000, 192.0.2.2
 * +5.250000, ..." (cut at len).  Returns the number of servers named.
 */
size_t	ntp_disagreement(const struct ntp_server *srv, size_t n, char *buf,
	    size_t len);

/* The number of servers, among n, that have an address. */
size_t	ntp_servers_addressed(const struct ntp_server *srv, size_t n);

#endif /* NTPC_REPORT_H */
