/*
 * The socket side: UDP sockets and the send/receive calls that stamp T1
 * and T4, and the engine's time (its monotonic clock and its waits),
 * behind an ops struct like the clock, so tests run on simulated time.
 */
#ifndef NTPC_NET_H
#define NTPC_NET_H

#include <sys/socket.h>
#include <sys/types.h>

#include <poll.h>
#include <stddef.h>
#include <time.h>

/* Socket operations; ctx is passed back to every call. */
struct ntp_net_ops {
	/*
	 * Open a non-blocking UDP socket of family: connected to peer when
	 * peer is not NULL (the kernel then drops datagrams from anyone
	 * else and reports ICMP errors on the socket), else bound to port
	 * on the wildcard address.  Returns the fd, or -1 with *reason set
	 * (NTP_R_PORT_IN_USE, NTP_R_PORT_PERM, NTP_R_SOCKET, NTP_R_SEND).
	 */
	int	(*open)(void *ctx, int family, const struct sockaddr *peer,
		    socklen_t peerlen, int port, int *reason);
	/* Send buf to `to`; *t1 is the local time of sending. */
	ssize_t	(*send)(void *ctx, int fd, const void *buf, size_t len,
		    const struct sockaddr *to, socklen_t tolen,
		    struct timespec *t1);
	/*
	 * Receive one datagram: its source and *t4, the local time of
	 * arrival (the kernel's receive timestamp where it has one).
	 */
	ssize_t	(*recv)(void *ctx, int fd, void *buf, size_t len,
		    struct sockaddr_storage *from, socklen_t *fromlen,
		    struct timespec *t4);
	void	(*close)(void *ctx, int fd);
	/* The monotonic clock the engine's deadlines are read from. */
	void	(*monotonic)(void *ctx, struct timespec *now);
	/* Wait for events on fds, at most ms milliseconds: poll(2). */
	int	(*wait)(void *ctx, struct pollfd *fds, nfds_t nfds, int ms);
	void	*ctx;
};

/* The real sockets, with kernel receive timestamps (SO_TIMESTAMPNS). */
const struct ntp_net_ops *ntp_net_system(void);

/* 1 when two socket addresses have the same family, address and port. */
int	ntp_sockaddr_eq(const struct sockaddr *a, const struct sockaddr *b);

#endif /* NTPC_NET_H */
