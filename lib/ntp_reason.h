/*
 * Reasons: why a reply, a sample or a server was not used, as codes the
 * library returns and the front ends turn into text.
 */
#ifndef NTPC_REASON_H
#define NTPC_REASON_H

enum ntp_reason {
	NTP_OK = 0,
	/* Reply checks, in the order ntp_check_reply() applies them. */
	NTP_R_SHORT,		/* shorter than the 48-byte header */
	NTP_R_LAYOUT,		/* bad extension field or MAC layout */
	NTP_R_TOO_LONG,		/* datagram over NTP_PKT_MAXLEN: cut */
	NTP_R_VERSION,		/* version not 1..4 */
	NTP_R_MODE,		/* not a server (4) or passive (2) reply */
	NTP_R_ORIGIN,		/* origin is not the nonce we sent */
	NTP_R_KOD_DENY,		/* Kiss-o'-Death DENY: access denied */
	NTP_R_KOD_RSTR,		/* Kiss-o'-Death RSTR: access restricted */
	NTP_R_KOD_RATE,		/* Kiss-o'-Death RATE: rate limited */
	NTP_R_KOD_OTHER,	/* any other kiss code */
	NTP_R_UNSYNC_LEAP,	/* leap indicator 3: not synchronised */
	NTP_R_UNSYNC_STRATUM0,	/* stratum 0 without a kiss code */
	NTP_R_STRATUM,		/* stratum 16 or more: not synchronised */
	NTP_R_ZERO_REC,		/* receive timestamp zero */
	NTP_R_ZERO_XMT,		/* transmit timestamp zero */
	NTP_R_XMT_BEFORE_REC,	/* transmit before receive */
	NTP_R_REF_OLD,		/* reference time zero or over a day old */
	NTP_R_REF_FUTURE,	/* reference time after the transmit time */
	NTP_R_REF_ZERO,		/* reference time zero: never synchronised */
	/* Authentication (symmetric keys, NTS): the reply is not believed. */
	NTP_R_AUTH_NO_MAC,	/* reply without a MAC */
	NTP_R_AUTH_BAD_MAC,	/* MAC does not verify: wrong key */
	NTP_R_AUTH_CRYPTO_NAK,	/* crypto-NAK: server does not know the key */
	NTP_R_AUTH_KEYID,	/* reply signed with another key id */
	NTP_R_NTS_NAK,		/* NTS NAK kiss (NTSN): cookies refused */
	NTP_R_NTS_UID,		/* NTS unique identifier missing or wrong */
	NTP_R_NTS_AUTH,		/* NTS authenticator missing or wrong */
	NTP_R_NTS_KE,		/* NTS key establishment failed */
	/* Sample checks. */
	NTP_R_ROOTDIST,		/* root distance over the limit */
	NTP_R_DELAY,		/* negative or absurd round-trip delay */
	NTP_R_PROCESSING,	/* T3 - T2 not a plausible processing time */
	/* Server outcomes from the query engine and selection. */
	NTP_R_NO_REPLY,		/* no reply within the timeout */
	NTP_R_UNREACH,		/* ICMP: port or host unreachable */
	NTP_R_SEND,		/* the request could not be sent */
	NTP_R_RESOLVE,		/* name did not resolve */
	NTP_R_KOD_DB,		/* skipped: a recent KoD in the database */
	NTP_R_FALSETICKER,	/* outside the majority's intersection */
	NTP_R_NO_MAJORITY,	/* the servers disagree: no majority */
	NTP_R_NOT_BEST,		/* usable, but another server was chosen */
	NTP_R_SLEW_TOO_BIG,	/* offset beyond what adjtime accepts */
	NTP_R_CLOCK,		/* the clock could not be stepped or slewed */
	/* Run-level failures of the query engine. */
	NTP_R_PORT_IN_USE,	/* port 123 is held by another process */
	NTP_R_PORT_PERM,	/* binding port 123 needs privilege */
	NTP_R_SOCKET,		/* a socket could not be created (errno) */
	NTP_R_NOMEM,		/* out of memory */
	NTP_R_MAX
};

/* A short text for a reason, fit for a user; never NULL. */
const char *ntp_strerror(int reason);

/* A stable snake_case name for a reason (for JSON); never NULL. */
const char *ntp_reason_name(int reason);

/* 1 when the reason is a Kiss-o'-Death. */
int	ntp_reason_is_kod(int reason);

#endif /* NTPC_REASON_H */
