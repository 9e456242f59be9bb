/*
 * Name resolution: every server name at once, under one deadline.
 */
#ifndef NTPC_RESOLVE_H
#define NTPC_RESOLVE_H

#include <stddef.h>

#include "ntp_engine.h"

/*
 * Resolve n names at once (getaddrinfo_a) within timeout seconds, each to
 * all of its addresses of family (AF_UNSPEC, AF_INET, AF_INET6).  A name
 * that fails yields one server with reason NTP_R_RESOLVE and detail set.
 * Duplicate addresses are kept once.  Returns 0 and a calloc'ed array in
 * *out (free with ntp_servers_free), or -1 when out of memory.
 */
int	ntp_resolve(const char *const *names, size_t n, int family,
	    double timeout, struct ntp_server **out, size_t *nout);

/* Free what ntp_resolve returned. */
void	ntp_servers_free(struct ntp_server *srv, size_t n);

#endif /* NTPC_RESOLVE_H */
