/*
 * Careful files and standard streams (ntp_file.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ntp_file.h"

const char *
ntp_file_strerror(int err)
{
	if (err == NTP_FILE_ENOTREG)
		return "not a regular file";
	if (err == NTP_FILE_EWRITE)
		return "a write failed";
	if (err == ELOOP)
		return "is a symbolic link; not followed";
	return strerror(err);
}

/* Open what stands in for a closed descriptor fd; 0 or -1. */
static int
fill_fd(int fd, const char *path, int flags)
{
	int nfd;

	if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
		return 0;
	if ((nfd = open(path, flags | O_NOCTTY)) < 0)
		return -1;
	if (nfd != fd) {
		if (dup2(nfd, fd) < 0) {
			close(nfd);
			return -1;
		}
		close(nfd);
	}
	return 1;
}

int
ntp_stdio_guard(void)
{
	int bits = 0;

	if (fill_fd(0, "/dev/null", O_RDONLY) == 1)
		bits |= NTP_STDIN_CLOSED;
	if (fill_fd(1, "/dev/full", O_WRONLY) == 1)
		bits |= NTP_STDOUT_CLOSED;
	if (fill_fd(2, "/dev/null", O_WRONLY) == 1)
		bits |= NTP_STDERR_CLOSED;
	return bits;
}

int
ntp_stdout_close(int guard)
{
	int err = ntp_file_close(stdout);

	if (err != 0 && (guard & NTP_STDOUT_CLOSED))
		err = EBADF;
	return err;
}

FILE *
ntp_file_append(const char *path, int *err)
{
	struct stat st;
	FILE *f;
	int fd;

	*err = 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0) {
		/* A FIFO without a reader: ENXIO, at once. */
		*err = errno == ENXIO ? NTP_FILE_ENOTREG : errno;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = NTP_FILE_ENOTREG;
		close(fd);
		return NULL;
	}
	if (fcntl(fd, F_SETFL, O_APPEND) != 0 ||
	    (f = fdopen(fd, "a")) == NULL) {
		*err = errno;
		close(fd);
		return NULL;
	}
	return f;
}

/*
 * An error seen by an earlier write has left only the stream's error flag
 * (its errno is long gone): NTP_FILE_EWRITE stands for it.
 */
int
ntp_file_close(FILE *f)
{
	int err = 0;

	errno = 0;
	if (fflush(f) != 0)
		err = errno != 0 ? errno : EIO;
	else if (ferror(f))
		err = NTP_FILE_EWRITE;
	if (fclose(f) != 0 && err == 0)
		err = errno != 0 ? errno : EIO;
	return err;
}
