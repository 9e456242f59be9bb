/*
 * The query engine: resolve names, then ask every address in parallel
 * from one poll() loop with monotonic deadlines, under a polite sampling
 * policy, and keep each server's samples and reject reasons.
 */
#ifndef NTPC_ENGINE_H
#define NTPC_ENGINE_H

#include <sys/socket.h>

#include <netinet/in.h>

#include <stddef.h>
#include <time.h>

#include "ntp_net.h"
#include "ntp_pkt.h"
#include "ntp_sample.h"
#include "ntp_select.h"

#define NTP_MAXSAMPLES	8	/* -p limit, as classic */
#define NTP_MAXREJECTS	16	/* reject reasons kept per server for -d */
#define NTP_PORT	123

/*
 * The default sampling policy (samples == 0): one request to every server
 * at once; a server is asked again, at least `spacing` s after its
 * previous request and at most max_requests times in all, only while it
 * has not answered or the best error bound of the run so far (delta/2 +
 * precision terms, over all servers) is above good_error.  Once a usable
 * sample is in and every server that answered is done, servers that never
 * answered get no further request: a silent server costs at most one
 * timeout more.  samples == N > 0 sends exactly N requests to each server,
 * `spacing` s apart.
 */
struct ntp_query_opts {
	int		version;	/* NTP version in requests, 1..4 */
	double		timeout;	/* per request, s */
	int		samples;	/* 0: the policy above; else exactly N */
	int		max_requests;	/* policy: at most this many, 4 */
	double		spacing;	/* s between requests to one server, 2 */
	double		good_error;	/* policy: good enough, s (1 ms) */
	double		gap;		/* s between first requests (sntp -g) */
	int		port;		/* local port: 0 ephemeral, or 123 */
	int		first_usable;	/* stop at the first usable sample */
	int		local_precision; /* log2 s */
	struct ntp_limits limits;
};

/* Engine-private per-server state. */
struct ntp_qstate {
	int		state;
	int		fd;
	ntp_ts_t	nonce;
	struct timespec	t1;		/* real local time of the request */
	struct timespec	sent;		/* monotonic */
	struct timespec	next;		/* monotonic: next request due */
};

/* One server address and what was learnt about it. */
struct ntp_server {
	const char	*host;		/* the name as given */
	struct sockaddr_storage addr;
	socklen_t	addrlen;
	char		addrstr[NTP_ADDRSTRLEN];
	const char	*detail;	/* resolver or socket error text */
	int		reason;		/* NTP_OK when usable; else why not */
	int		sys_errno;	/* for NTP_R_SEND, NTP_R_UNREACH */
	int		nsent;		/* requests sent */
	int		nreplies;	/* authentic replies (origin matched) */
	struct ntp_sample samples[NTP_MAXSAMPLES];
	size_t		nsamples;
	int		best;		/* index into samples, or -1 */
	struct ntp_pkt	last;		/* last authentic reply, for -d */
	int		rejects[NTP_MAXREJECTS];
	size_t		nrejects;
	struct ntp_qstate q;
};

/* The defaults: version 4, timeout 2 s, the policy above, port 0. */
void	ntp_query_opts_default(struct ntp_query_opts *o);

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

/*
 * Query every server whose reason is NTP_OK on entry (others are left as
 * they are).  On return each server's reason is NTP_OK when it holds a
 * usable sample (best set), else why not; with first_usable, a server
 * still waited for when the first usable reply came stays NTP_OK without
 * a sample.  Returns 0, or -1 with *reason
 * set when the run could not start (port in use, no privilege, sockets).
 */
int	ntp_query(struct ntp_server *srv, size_t n,
	    const struct ntp_query_opts *o, const struct ntp_net_ops *net,
	    int *reason);

/* The best (minimum-delay) sample of a server, or NULL when it has none. */
const struct ntp_sample *ntp_server_best(const struct ntp_server *s);

/*
 * Select among the queried servers (ntp_select on their best samples):
 * returns the chosen index or -1; every other server's reason says why
 * it was not chosen (falseticker, not best, or why it had no sample).
 */
int	ntp_choose(struct ntp_server *srv, size_t n,
	    struct ntp_selection *sel);

#endif /* NTPC_ENGINE_H */
