/*
 * libFuzzer target for lib/ntp_conf.c: the first byte picks the syntax,
 * the rest is the text.  Invariants: at most NTP_CONF_MAXSERVERS servers,
 * each a non-empty host name of the allowed characters with a line number
 * within the text, at most NTP_CONF_MAXDIAGS diagnostics, each with text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntp_conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_server(const struct ntp_conf_server *s, size_t lines)
{
	size_t n = strlen(s->host);

	if (n == 0 || n > 255 || s->host[0] == '-' ||
	    strspn(s->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789.-:_%") != n || s->line == 0 || s->line > lines ||
	    strncmp(s->host, "127.127.", 8) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntp_conf c;
	char buf[512];
	size_t i, lines = 1;
	int r;

	if (size == 0)
		return 0;
	for (i = 1; i < size; i++)
		lines += data[i] == '\n';
	ntp_conf_init(&c, NULL);
	r = ntp_conf_parse(&c, (enum ntp_conf_kind)(data[0] % 5), "fuzz",
	    (const char *)data + 1, size - 1);
	if (r < 0 && !c.nomem)
		abort();
	if (c.n > NTP_CONF_MAXSERVERS || c.ndiag > NTP_CONF_MAXDIAGS)
		abort();
	for (i = 0; i < c.n; i++)
		check_server(&c.srv[i], lines);
	for (i = 0; i < c.ndiag; i++)
		if (ntp_conf_diag_str(&c.diag[i], buf, sizeof(buf)) <= 0 ||
		    c.diag[i].line > lines)
			abort();
	ntp_conf_free(&c);
	return 0;
}
