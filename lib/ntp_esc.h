/*
 * Text from outside (host names, server-supplied strings) made safe for a
 * terminal or a log: control bytes, DEL and every 8-bit byte escaped.
 */
#ifndef NTPC_ESC_H
#define NTPC_ESC_H

#include <stddef.h>

/*
 * Copy src into dst of size bytes with printable ASCII kept, a backslash
 * as "\\" and any other byte as "\xHH"; NUL-terminated when size > 0, cut
 * only between whole escapes.  Returns dst.
 */
char	*ntp_esc(char *dst, size_t size, const char *src);

/* Room ntp_esc() needs for n bytes of source, with the NUL. */
#define NTP_ESC_SIZE(n)	(4 * (n) + 1)

#endif /* NTPC_ESC_H */
