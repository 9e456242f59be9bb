/*
 * The query engine: resolve names, then ask every address in parallel
 * from one poll() loop with monotonic deadlines, under a polite sampling
 * policy, and keep each server's samples and reject reasons.
 */
#ifndef NTPC_ENGINE_H
#define NTPC_ENGINE_H

#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ntp_net.h"
#include "ntp_pkt.h"
#include "ntp_check.h"
#include "ntp_sample.h"
#include "ntp_select.h"

#define NTP_MAXSAMPLES	8	/* -p limit, as classic */
#define NTP_MAXREJECTS	16	/* reject reasons kept per server for -d */
#define NTP_PORT	123

/*
 * Authentication of requests and replies (symmetric keys, NTS), behind
 * ops so the engine does not know the scheme.  idx is the server's index
 * in the array given to ntp_query().
 */
struct ntp_auth_ops {
	/*
	 * Append what authenticates the request to server idx after the
	 * len bytes of buf (cap bytes in all).  Returns the new length, or
	 * -1 with *reason set (the request is then not sent).
	 */
	int	(*sign)(void *ctx, size_t idx, uint8_t *buf, size_t len,
		    size_t cap, int *reason);
	/*
	 * Check the authenticator of a reply from server idx whose header
	 * and origin passed (p is buf decoded).  Returns 0, or the reason it
	 * is not authentic; the engine then keeps waiting for the real reply.
	 */
	int	(*verify)(void *ctx, size_t idx, const uint8_t *buf, size_t len,
		    const struct ntp_pkt *p);
	void	*ctx;
};

/*
 * The sampling policy (samples == 0): one request to every server at
 * once.  A server that answered is asked again, `spacing` s after its
 * previous request and at most max_requests times in all, only while the
 * run is not good enough: good enough is a survivor of the selection so
 * far (a server inside the current intersection, ntp_select) whose best
 * sample has delta/2 <= good_delay -- the part of the error bound more
 * samples can shrink; precision terms cannot.  While no server has
 * answered at all, every server is asked up to `patience` times,
 * `spacing` s apart (a lossy path); once any server answered, a server
 * that never did gets no further request after the others are done: a
 * silent server costs at most one timeout more.  samples == N > 0 sends
 * exactly N requests to each server, `spacing` s apart.
 */
struct ntp_query_opts {
	int		version;	/* NTP version in requests, 1..4 */
	double		timeout;	/* per request, s */
	int		samples;	/* 0: the policy above; else exactly N */
	int		max_requests;	/* policy: at most this many, 4 */
	int		patience;	/* policy, nobody answered: 8 */
	double		spacing;	/* s between requests to one server, 2 */
	double		good_delay;	/* policy: delta/2 good enough, 1 ms */
	double		gap;		/* s between first requests (sntp -g) */
	int		port;		/* local port: 0 ephemeral, or 123 */
	int		first_usable;	/* stop at the first usable sample */
	int		local_precision; /* log2 s */
	double		t1_bias;	/* s added to T1 (ntpdate -e), >= 0 */
	struct ntp_limits limits;
	const struct ntp_auth_ops *auth; /* NULL: unauthenticated */
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
	struct timespec	last_t1;	/* local T1 of the request it answered */
	double		rootdist_refused; /* last root distance over limit */
	int		rejects[NTP_MAXREJECTS];
	size_t		nrejects;
	/* Set by ntp_choose(). */
	double		weight;		/* share in the combined offset, 0..1 */
	double		isect_low;	/* the intersection it was judged by */
	double		isect_high;
};

/* The defaults: version 4, timeout 2 s, the policy above, port 0. */
void	ntp_query_opts_default(struct ntp_query_opts *o);

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
 * returns the system peer's index or -1 (nothing usable, or no
 * majority); sel holds the combined offset.  Every other server's reason
 * says why it was not chosen (falseticker, not best, no majority, or why
 * it had no sample); weight is each one's share in the combined offset.
 */
int	ntp_choose(struct ntp_server *srv, size_t n,
	    struct ntp_selection *sel);

#endif /* NTPC_ENGINE_H */
