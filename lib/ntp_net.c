/*
 * UDP sockets with kernel receive timestamps.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_net.h"
#include "ntp_reason.h"
#include "ntp_ts.h"

/* Room for a looped-back request: link, IP and UDP headers, 48 bytes. */
#define NTP_TX_ECHOMAX	256

static int
bind_port(int fd, int family, int port, int *reason)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int on = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		/* One socket per family; no SO_REUSEADDR: a holder must
		 * make us fail, not share the port (classic's bug). */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		len = sizeof(*sin);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == 0)
		return 0;
	if (errno == EADDRINUSE)
		*reason = NTP_R_PORT_IN_USE;
	else if (errno == EACCES || errno == EPERM)
		*reason = NTP_R_PORT_PERM;
	else
		*reason = NTP_R_SOCKET;
	return -1;
}

/*
 * Kernel timestamps: receive stamps with SO_TIMESTAMPNS, software
 * transmit stamps on the error queue (SO_TIMESTAMPING).  Each transmit
 * stamp comes back with the datagram it belongs to (no OPT_TSONLY), so
 * it is matched by content (our nonce), never by time: a stamp that
 * arrives late is not taken for the next request's T1.
 */
static void
enable_stamps(int fd)
{
	int on = 1, flags = SOF_TIMESTAMPING_TX_SOFTWARE |
	    SOF_TIMESTAMPING_SOFTWARE;

	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags,
	    sizeof(flags));
}

static int
sys_open(void *ctx, int family, const struct sockaddr *peer,
    socklen_t peerlen, int port, int *reason)
{
	int fd, saved;

	(void)ctx;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*reason = NTP_R_SOCKET;
		return -1;
	}
	enable_stamps(fd);
	if (peer != NULL) {
		if (connect(fd, peer, peerlen) == 0)
			return fd;
		*reason = NTP_R_SEND;
	} else if (port == 0 || bind_port(fd, family, port, reason) == 0) {
		return fd;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* The software transmit stamp of one error-queue message, if any. */
static int
tx_stamp_of(struct msghdr *msg, struct timespec *ts)
{
	struct cmsghdr *cm;
	struct sock_extended_err ee;
	int have_ts = 0, is_stamp = 0;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPING &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			memcpy(ts, CMSG_DATA(cm), sizeof(*ts));
			have_ts = ts->tv_sec != 0 || ts->tv_nsec != 0;
		} else if ((cm->cmsg_level == SOL_IP ||
		    cm->cmsg_level == SOL_IPV6) &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(ee))) {
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			is_stamp = ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING;
		}
	}
	return have_ts && is_stamp ? 0 : -1;
}

/*
 * The looped-back data is the datagram with whatever link, IP and UDP
 * headers the kernel kept in front: our payload is its tail.
 */
int
ntp_tx_stamp_match(struct msghdr *msg, size_t n, const void *payload,
    size_t plen, struct timespec *ts)
{
	const unsigned char *data;

	if (msg->msg_iovlen < 1 || (msg->msg_flags & MSG_TRUNC) ||
	    plen == 0 || n < plen || n > msg->msg_iov[0].iov_len)
		return -1;
	data = msg->msg_iov[0].iov_base;
	if (memcmp(data + n - plen, payload, plen) != 0)
		return -1;
	return tx_stamp_of(msg, ts);
}

/*
 * The kernel's transmit stamp of the datagram just sent: on loopback and
 * most drivers it is queued before sendto() returns.  Stamps of earlier
 * datagrams that came late are read and dropped on the way.  Without
 * ours, T1 stays the reading taken just before sending.
 */
static int
tx_stamp(int fd, const void *payload, size_t plen, struct timespec *t1)
{
	union {
		char		buf[512];
		struct cmsghdr	align;
	} ctl;
	unsigned char data[NTP_TX_ECHOMAX];
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if ((n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT)) < 0)
			return -1;
		if (ntp_tx_stamp_match(&msg, (size_t)n, payload, plen,
		    t1) == 0)
			return 0;
	}
	return -1;
}

static ssize_t
sys_send(void *ctx, int fd, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen, struct timespec *t1)
{
	struct timespec before;
	ssize_t n;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &before);
	n = sendto(fd, buf, len, 0, to, tolen);
	*t1 = before;
	if (n == (ssize_t)len && tx_stamp(fd, buf, len, t1) != 0)
		*t1 = before;
	return n;
}

/* The kernel's receive stamp from the control messages, if any. */
static int
rx_stamp(struct msghdr *msg, struct timespec *t4)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*t4))) {
			memcpy(t4, CMSG_DATA(cm), sizeof(*t4));
			return 0;
		}
	}
	return -1;
}

/* Drop transmit stamps that came too late, so poll() stops reporting
 * POLLERR for them; keeps errno. */
static void
flush_errqueue(int fd)
{
	char ctl[512];
	struct msghdr msg;
	int saved = errno, n;

	for (n = 0; n < 64; n++) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_control = ctl;
		msg.msg_controllen = sizeof(ctl);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
	}
	errno = saved;
}

static ssize_t
sys_recv(void *ctx, int fd, void *buf, size_t len,
    struct sockaddr_storage *from, socklen_t *fromlen, struct timespec *t4)
{
	union {
		char		buf[CMSG_SPACE(sizeof(struct timespec)) * 4];
		struct cmsghdr	align;
	} ctl;
	struct iovec iov = { buf, len };
	struct msghdr msg;
	ssize_t n;

	(void)ctx;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = from;
	msg.msg_namelen = sizeof(*from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		flush_errqueue(fd);
	if (n < 0)
		return n;
	*fromlen = msg.msg_namelen;
	if (msg.msg_flags & MSG_TRUNC) {
		/* Longer than any reply we accept: its tail is lost. */
		errno = EMSGSIZE;
		return -1;
	}
	if (rx_stamp(&msg, t4) != 0)
		clock_gettime(CLOCK_REALTIME, t4);
	return n;
}

static void
sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

static void
sys_monotonic(void *ctx, struct timespec *now)
{
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, now);
}

static int
sys_wait(void *ctx, struct pollfd *fds, nfds_t nfds, int ms)
{
	(void)ctx;
	return poll(fds, nfds, ms);
}

static const struct ntp_net_ops system_ops = {
	.open = sys_open,
	.send = sys_send,
	.recv = sys_recv,
	.close = sys_close,
	.monotonic = sys_monotonic,
	.wait = sys_wait,
	.ctx = NULL
};

const struct ntp_net_ops *
ntp_net_system(void)
{
	return &system_ops;
}

int
ntp_sockaddr_eq(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in *a4, *b4;
	const struct sockaddr_in6 *a6, *b6;

	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	}
	return 0;
}

/* FNV-1a, 64 bits, over len bytes, continuing from h. */
static uint64_t
fnv1a(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
ntp_sockaddr_hash(const struct sockaddr *sa)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, &sa->sa_family,
	    sizeof(sa->sa_family));

	if (sa->sa_family == AF_INET) {
		h = fnv1a(h, &s4->sin_port, sizeof(s4->sin_port));
		h = fnv1a(h, &s4->sin_addr, sizeof(s4->sin_addr));
	} else if (sa->sa_family == AF_INET6) {
		h = fnv1a(h, &s6->sin6_port, sizeof(s6->sin6_port));
		h = fnv1a(h, &s6->sin6_scope_id, sizeof(s6->sin6_scope_id));
		h = fnv1a(h, &s6->sin6_addr, sizeof(s6->sin6_addr));
	}
	return h;
}

void
ntp_sockaddr_unmap(struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	if (ss->ss_family != AF_INET6)
		return;
	memcpy(&s6, ss, sizeof(s6));
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		return;
	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = s6.sin6_port;
	memcpy(&s4->sin_addr, &s6.sin6_addr.s6_addr[12], 4);
	*len = sizeof(*s4);
}

const char *
ntp_sockaddr_str(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t len)
{
	if (len == 0)
		return buf;
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    getnameinfo(sa, salen, buf, (socklen_t)len, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(buf, len, "?");
	return buf;
}
