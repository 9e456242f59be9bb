/*
 * A server's verdict as text.
 */
#include <stdio.h>
#include <string.h>

#include "ntp_reason.h"
#include "ntp_report.h"

static const char *
plural(int n)
{
	return n == 1 ? "" : "s";
}

const char *
ntp_server_why(const struct ntp_server *s, const struct ntp_query_opts *o,
    char *buf, size_t len)
{
	const struct ntp_sample *b = ntp_server_best(s);
	const char *text = ntp_strerror(s->reason);
	char code[16];

	switch (s->reason) {
	case NTP_R_NO_REPLY:
		snprintf(buf, len, "no reply within %g s (%d request%s)",
		    o->timeout, s->nsent, plural(s->nsent));
		break;
	case NTP_R_UNREACH:
	case NTP_R_SEND:
		snprintf(buf, len, "%s: %s (%d request%s)", text,
		    strerror(s->sys_errno), s->nsent, plural(s->nsent));
		break;
	case NTP_R_RESOLVE:
	case NTP_R_NTS_KE:
		snprintf(buf, len, "%s (%s)", text,
		    s->detail != NULL ? s->detail : "unknown error");
		break;
	case NTP_R_FALSETICKER:
		snprintf(buf, len, "%s: offset %+.6f s", text,
		    b != NULL ? b->offset : 0.0);
		break;
	case NTP_R_KOD_OTHER:
		snprintf(buf, len, "%s %s", text, ntp_refid_str(s->last.refid,
		    1, code, sizeof(code)));
		break;
	case NTP_R_ROOTDIST:
		snprintf(buf, len, "%s (over %g s)", text, o->limits.maxdist);
		break;
	default:
		snprintf(buf, len, "%s", text);
		break;
	}
	return buf;
}

size_t
ntp_servers_addressed(const struct ntp_server *srv, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (srv[i].addrlen != 0)
			k++;
	return k;
}
