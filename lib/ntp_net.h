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
#include <net/if.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Room for a numeric address with its scope: "fe80::1%eth0". */
#define NTP_ADDRSTRLEN	(INET6_ADDRSTRLEN + IF_NAMESIZE)

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
	 * arrival (the kernel's receive timestamp where it has one).  A
	 * datagram longer than len is consumed and refused: -1 with errno
	 * EMSGSIZE, *from filled in.
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

/*
 * The real sockets, with kernel receive timestamps (SO_TIMESTAMPNS) and
 * transmit stamps identified by the datagram they carry back.  socket()
 * failing leaves errno as the kernel set it (EAFNOSUPPORT on a host
 * without IPv6), for the caller to skip the family.
 */
const struct ntp_net_ops *ntp_net_system(void);

/*
 * 1 when two socket addresses have the same family, address and port,
 * and, for IPv6, the same scope (fe80::1%eth0 is not fe80::1%eth1).
 */
int	ntp_sockaddr_eq(const struct sockaddr *a, const struct sockaddr *b);

/* A hash of what ntp_sockaddr_eq compares: equal addresses hash alike. */
uint64_t ntp_sockaddr_hash(const struct sockaddr *sa);

/*
 * Turn a v4-mapped IPv6 address (::ffff:192.0.2.1) into the IPv4 one it
 * names, in place, so that both spellings are one server and it is asked
 * over IPv4 (which works on hosts without IPv6).  Others are left alone.
 */
void	ntp_sockaddr_unmap(struct sockaddr_storage *ss, socklen_t *len);

/*
 * The numeric text of an address, with its scope for a link-local one
 * ("fe80::2%eth0", getnameinfo NI_NUMERICHOST); "?" when it has none.
 */
const char *ntp_sockaddr_str(const struct sockaddr *sa, socklen_t salen,
	    char *buf, size_t len);

/*
 * The transmit stamp in one error-queue message (recvmsg MSG_ERRQUEUE)
 * whose looped-back data, n bytes, ends with the plen bytes of payload:
 * the stamp of that datagram and no other, however late it came.  Returns
 * 0 with *ts set, or -1 (not a stamp, no stamp, another datagram's).
 */
int	ntp_tx_stamp_match(struct msghdr *msg, size_t n, const void *payload,
	    size_t plen, struct timespec *ts);

#endif /* NTPC_NET_H */
