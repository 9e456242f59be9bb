/*
 * A server's verdict as text.
 */
#include <stdio.h>
#include <string.h>

#include "ntp_check.h"
#include "ntp_reason.h"
#include "ntp_report.h"

static const char *
plural(int n)
{
	return n == 1 ? "" : "s";
}

/* "leap 3, stratum 0, refid INIT": what an unsynchronised reply said. */
static void
unsync_detail(const struct ntp_pkt *p, char *buf, size_t len)
{
	char ref[32];
	int n;

	n = snprintf(buf, len, "leap %d, stratum %d", p->leap, p->stratum);
	if (n < 0 || (size_t)n >= len)
		return;
	if (p->stratum <= 1 && ntp_refid_is_ascii(p->refid))
		snprintf(buf + n, len - (size_t)n, ", refid %s",
		    ntp_refid_str(p->refid, 1, ref, sizeof(ref)));
	else if (p->stratum > 16)
		snprintf(buf + n, len - (size_t)n, ", invalid");
}

/* Not synchronized: what it said, and for INIT what to do about it. */
static void
why_unsync(const struct ntp_server *s, char *buf, size_t len)
{
	char detail[64];

	unsync_detail(&s->last, detail, sizeof(detail));
	snprintf(buf, len, "not synchronized (%s)%s", detail,
	    ntp_refid_is_unsync(s->last.refid) && s->last.stratum == 0 ?
	    "; a server that has just started needs a few minutes to "
	    "synchronize" : "");
}

static void
why_falseticker(const struct ntp_server *s, const struct ntp_sample *b,
    char *buf, size_t len)
{
	if (b == NULL) {
		snprintf(buf, len, "%s", ntp_strerror(s->reason));
		return;
	}
	snprintf(buf, len, "falseticker: offset %+.6f s, interval [%+.6f, "
	    "%+.6f] outside the majority's intersection [%+.6f, %+.6f]",
	    b->offset, b->offset - b->rootdist, b->offset + b->rootdist,
	    s->isect_low, s->isect_high);
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
	case NTP_R_SOCKET:
		snprintf(buf, len, "%s: %s (%d request%s)", text,
		    strerror(s->sys_errno), s->nsent, plural(s->nsent));
		break;
	case NTP_R_RESOLVE:
	case NTP_R_NTS_KE:
		snprintf(buf, len, "%s (%s)", text,
		    s->detail != NULL ? s->detail : "unknown error");
		break;
	case NTP_R_FALSETICKER:
		why_falseticker(s, b, buf, len);
		break;
	case NTP_R_NO_MAJORITY:
		snprintf(buf, len, "%s (offset %+.6f s)", text,
		    b != NULL ? b->offset : 0.0);
		break;
	case NTP_R_UNSYNC_LEAP:
	case NTP_R_UNSYNC_STRATUM0:
	case NTP_R_STRATUM:
		why_unsync(s, buf, len);
		break;
	case NTP_R_KOD_OTHER:
		snprintf(buf, len, "%s %s", text, ntp_refid_str(s->last.refid,
		    1, code, sizeof(code)));
		break;
	case NTP_R_ROOTDIST:
		snprintf(buf, len, "root distance %.6f s over the limit (%g s)",
		    s->rootdist_refused, o->limits.maxdist);
		break;
	default:
		snprintf(buf, len, "%s", text);
		break;
	}
	return buf;
}

size_t
ntp_disagreement(const struct ntp_server *srv, size_t n, char *buf,
    size_t len)
{
	const struct ntp_sample *b;
	size_t i, k = 0, used;
	int w;

	w = snprintf(buf, len, "no majority: the servers disagree:");
	used = w < 0 ? 0 : (size_t)w;
	for (i = 0; i < n; i++) {
		if (srv[i].reason != NTP_R_NO_MAJORITY ||
		    (b = ntp_server_best(&srv[i])) == NULL)
			continue;
		k++;
		if (used >= len)
			continue;
		w = snprintf(buf + used, len - used, "%s %s %+.6f",
		    k > 1 ? "," : "", srv[i].addrstr, b->offset);
		used += w < 0 ? 0 : (size_t)w;
	}
	return k;
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
