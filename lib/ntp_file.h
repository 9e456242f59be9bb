/*
 * Files and standard streams opened as a careful daemon would: no symbolic
 * link followed for writing, never a wait on a FIFO or a device, and every
 * write error reported (the library returns errno values; the front ends
 * print them).
 */
#ifndef NTPC_FILE_H
#define NTPC_FILE_H

#include <stdio.h>

#define NTP_FILE_ENOTREG	(-1)	/* error: not a regular file */
#define NTP_FILE_EWRITE		(-2)	/* error: an earlier write failed */

/* Bits of ntp_stdio_guard()'s result: which standard fds were closed. */
#define NTP_STDIN_CLOSED	0x1
#define NTP_STDOUT_CLOSED	0x2
#define NTP_STDERR_CLOSED	0x4

/*
 * Fill the standard descriptors 0..2 that are closed, so that no socket
 * or file opened later takes their number (and gets our output): stdin
 * and stderr from /dev/null, stdout from /dev/full, so that any output
 * then fails visibly.  Returns the NTP_*_CLOSED bits of those that were.
 */
int	ntp_stdio_guard(void);

/*
 * Flush and close stdout: 0, or the errno value of the write error
 * (NTP_FILE_EWRITE when only the stream's error flag tells of it; EBADF
 * when it was closed from the start, per the guard's bits).
 */
int	ntp_stdout_close(int guard);

/*
 * Open path for appending (a log): created 0644 when missing; a symbolic
 * link is refused (ELOOP), so is anything but a regular file
 * (NTP_FILE_ENOTREG), without waiting on a FIFO.  Returns the stream, or
 * NULL with *err set.
 */
FILE	*ntp_file_append(const char *path, int *err);

/*
 * Close a stream opened for writing: 0, or the errno value of an error
 * (NTP_FILE_EWRITE when an earlier write failed and its errno is gone).
 */
int	ntp_file_close(FILE *f);

/* Text for an error from the functions above; never NULL. */
const char *ntp_file_strerror(int err);

#endif /* NTPC_FILE_H */
