/*
 * Reason codes as text.
 */
#include <stddef.h>

#include "ntp_reason.h"

struct reason_text {
	const char	*name;
	const char	*text;
};

static const struct reason_text reasons[NTP_R_MAX] = {
	[NTP_OK] = { "ok", "usable" },
	[NTP_R_SHORT] = { "short_packet", "reply shorter than 48 bytes" },
	[NTP_R_LAYOUT] = { "bad_layout",
	    "malformed reply (extension fields or MAC)" },
	[NTP_R_VERSION] = { "bad_version", "reply has a bad NTP version" },
	[NTP_R_MODE] = { "bad_mode", "reply is not in server mode" },
	[NTP_R_TOO_LONG] = { "too_long",
	    "datagram longer than any reply (over 1024 bytes)" },
	[NTP_R_ORIGIN] = { "wrong_origin",
	    "wrong origin timestamp (spoofed or stale reply)" },
	[NTP_R_KOD_DENY] = { "kod_deny", "KoD DENY (access denied)" },
	[NTP_R_KOD_RSTR] = { "kod_rstr", "KoD RSTR (access restricted)" },
	[NTP_R_KOD_RATE] = { "kod_rate", "KoD RATE (rate limited)" },
	[NTP_R_KOD_OTHER] = { "kod_other", "Kiss-o'-Death" },
	[NTP_R_UNSYNC_LEAP] = { "unsynchronised",
	    "not synchronized (leap 3)" },
	[NTP_R_UNSYNC_STRATUM0] = { "unsynchronised_stratum0",
	    "not synchronized (stratum 0)" },
	[NTP_R_STRATUM] = { "unsynchronised_stratum16",
	    "not synchronized (stratum 16)" },
	[NTP_R_ZERO_REC] = { "zero_receive_time",
	    "reply has a zero receive timestamp" },
	[NTP_R_ZERO_XMT] = { "zero_transmit_time",
	    "reply has a zero transmit timestamp" },
	[NTP_R_XMT_BEFORE_REC] = { "transmit_before_receive",
	    "reply transmit time is before its receive time" },
	[NTP_R_REF_OLD] = { "reference_time_old",
	    "server reference time is more than a day old" },
	[NTP_R_REF_FUTURE] = { "reference_time_future",
	    "server reference time is after its transmit time" },
	[NTP_R_REF_ZERO] = { "reference_time_zero",
	    "server has never synchronized (reference time zero)" },
	[NTP_R_AUTH_NO_MAC] = { "auth_no_mac",
	    "reply is not authenticated (no MAC)" },
	[NTP_R_AUTH_BAD_MAC] = { "auth_bad_mac",
	    "reply MAC does not verify (wrong key?)" },
	[NTP_R_AUTH_CRYPTO_NAK] = { "auth_crypto_nak",
	    "crypto-NAK: the server does not know the key" },
	[NTP_R_AUTH_KEYID] = { "auth_wrong_keyid",
	    "reply is signed with another key id" },
	[NTP_R_NTS_NAK] = { "nts_nak",
	    "NTS NAK (NTSN): the server refused our cookie" },
	[NTP_R_NTS_UID] = { "nts_unique_id",
	    "NTS unique identifier missing or wrong" },
	[NTP_R_NTS_AUTH] = { "nts_authenticator",
	    "NTS authenticator missing or wrong" },
	[NTP_R_NTS_KE] = { "nts_ke_failed", "NTS key establishment failed" },
	[NTP_R_ROOTDIST] = { "root_distance",
	    "root distance over the limit" },
	[NTP_R_DELAY] = { "bad_delay", "impossible round-trip delay" },
	[NTP_R_PROCESSING] = { "bad_processing_time",
	    "server claims an impossible processing time (T3 - T2)" },
	[NTP_R_NO_REPLY] = { "no_reply", "no reply" },
	[NTP_R_UNREACH] = { "unreachable", "unreachable (ICMP error)" },
	[NTP_R_SEND] = { "send_failed", "request could not be sent" },
	[NTP_R_RESOLVE] = { "name_not_resolved", "name did not resolve" },
	[NTP_R_KOD_DB] = { "kod_database",
	    "skipped: recent KoD in the KoD database" },
	[NTP_R_FALSETICKER] = { "falseticker",
	    "falseticker (outside the majority's intersection)" },
	[NTP_R_NO_MAJORITY] = { "no_majority",
	    "no majority: the servers disagree" },
	[NTP_R_NOT_BEST] = { "not_selected",
	    "usable, but another server was better" },
	[NTP_R_SLEW_TOO_BIG] = { "slew_too_big",
	    "offset too large to slew" },
	[NTP_R_CLOCK] = { "clock_failed",
	    "the clock could not be stepped or slewed" },
	[NTP_R_PORT_IN_USE] = { "port_in_use", "the NTP socket is in use" },
	[NTP_R_PORT_PERM] = { "port_permission",
	    "binding the NTP port needs privilege" },
	[NTP_R_SOCKET] = { "socket_failed", "socket could not be created" },
	[NTP_R_NOMEM] = { "out_of_memory", "out of memory" },
};

const char *
ntp_strerror(int reason)
{
	if (reason < 0 || reason >= NTP_R_MAX || reasons[reason].text == NULL)
		return "unknown reason";
	return reasons[reason].text;
}

const char *
ntp_reason_name(int reason)
{
	if (reason < 0 || reason >= NTP_R_MAX || reasons[reason].name == NULL)
		return "unknown";
	return reasons[reason].name;
}

int
ntp_reason_is_kod(int reason)
{
	return reason >= NTP_R_KOD_DENY && reason <= NTP_R_KOD_OTHER;
}
