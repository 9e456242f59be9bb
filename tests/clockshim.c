/*
 * clockshim.so: an LD_PRELOAD shim that fakes every clock-setting call of a
 * real NTP daemon run by the integration tests (ntpd, NTPsec, OpenNTPD,
 * BusyBox), so that a daemon which exits when it cannot adjust the clock
 * keeps serving, and nothing can touch a clock.  The daemons already run
 * in a user namespace without CAP_SYS_TIME; this only stops them failing.
 *
 * Each faked call is appended as one line to the file named by
 * NTPT_CLOCKSHIM_LOG (if set), e.g. "clock_settime 1790000000.123456789",
 * "adjtime usec=-123", "adjtimex modes=0x3 offset=12 freq=0", so that a
 * test can assert what the daemon tried to set.  Reading calls
 * (adjtimex with modes 0, adjtime with a null delta) go to the real ones.
 *
 * NTPT_CLOCKSHIM_SPEED=K (an integer, 2..100) runs the daemon's schedule K
 * times faster: its monotonic clocks advance K times as fast and its
 * poll() timeouts are K times shorter.  The time it serves and measures
 * (CLOCK_REALTIME) is untouched.  OpenNTPD takes two rounds of eight
 * replies, 5 to 30 s apart, before it calls itself synchronised: minutes
 * that a test cannot wait.
 */

#include <sys/time.h>
#include <sys/timex.h>
#include <sys/types.h>

#include <grp.h>
#include <poll.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void	shim_log(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* Append one line to $NTPT_CLOCKSHIM_LOG, with one write(2). */
static void
shim_log(const char *fmt, ...)
{
	const char *path;
	char buf[256];
	va_list ap;
	int fd, len, saved;

	saved = errno;
	path = getenv("NTPT_CLOCKSHIM_LOG");
	if (path == NULL || *path == '\0')
		goto out;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		goto out;
	if ((size_t)len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		goto out;
	if (write(fd, buf, (size_t)len) == -1)
		(void)0;
	close(fd);
out:
	errno = saved;
}

/* The real adjtimex(), for reading calls. */
static int
real_adjtimex(struct timex *tx)
{
	int (*fn)(struct timex *);

	*(void **)&fn = dlsym(RTLD_NEXT, "adjtimex");
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return fn(tx);
}

/* A faked write through the adjtimex family: log it, report the state. */
static int
fake_adjtimex(const char *name, struct timex *tx)
{
	unsigned int modes;

	if (tx == NULL) {
		errno = EFAULT;
		return -1;
	}
	modes = tx->modes;
	if (modes == 0)
		return real_adjtimex(tx);
	shim_log("%s modes=%#x offset=%ld freq=%ld status=%#x", name, modes,
	    (long)tx->offset, (long)tx->freq, (unsigned int)tx->status);
	return TIME_OK;
}

int
clock_settime(clockid_t id, const struct timespec *ts)
{
	shim_log("clock_settime %lld.%09ld clock=%d", (long long)ts->tv_sec,
	    (long)ts->tv_nsec, (int)id);
	return 0;
}

int
settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	(void)tz;
	if (tv == NULL)
		return 0;
	shim_log("settimeofday %lld.%06ld", (long long)tv->tv_sec,
	    (long)tv->tv_usec);
	return 0;
}

int
adjtime(const struct timeval *delta, struct timeval *olddelta)
{
	if (olddelta != NULL)
		memset(olddelta, 0, sizeof(*olddelta));
	if (delta == NULL)
		return 0;
	shim_log("adjtime usec=%lld",
	    (long long)delta->tv_sec * 1000000 + delta->tv_usec);
	return 0;
}

int
adjtimex(struct timex *tx)
{
	return fake_adjtimex("adjtimex", tx);
}

int
ntp_adjtime(struct timex *tx)
{
	return fake_adjtimex("ntp_adjtime", tx);
}

int
clock_adjtime(clockid_t id, struct timex *tx)
{
	(void)id;
	return fake_adjtimex("clock_adjtime", tx);
}

/*
 * OpenNTPD drops privileges with setgroups(), which a user namespace made
 * by an unprivileged unshare(1) refuses (setgroups "deny"); the daemon is
 * confined by the namespace already, so its group list does not matter.
 */
int
setgroups(size_t n, const gid_t *list)
{
	(void)n;
	(void)list;
	return 0;
}

/* The speed-up factor, 1 unless NTPT_CLOCKSHIM_SPEED asks for more. */
static long
shim_speed(void)
{
	const char *v;
	char *end;
	long k;

	v = getenv("NTPT_CLOCKSHIM_SPEED");
	if (v == NULL || *v == '\0')
		return 1;
	k = strtol(v, &end, 10);
	if (*end != '\0' || k < 2 || k > 100)
		return 1;
	return k;
}

static int
is_monotonic(clockid_t id)
{
	return id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_RAW ||
	    id == CLOCK_MONOTONIC_COARSE || id == CLOCK_BOOTTIME;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int (*fn)(clockid_t, struct timespec *);
	long long ns;
	long k;
	int rc;

	*(void **)&fn = dlsym(RTLD_NEXT, "clock_gettime");
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	rc = fn(id, ts);
	k = shim_speed();
	if (rc != 0 || k == 1 || !is_monotonic(id))
		return rc;
	/* Monotonic clocks have no meaningful origin: scale the whole. */
	ns = ((long long)ts->tv_sec * 1000000000LL + ts->tv_nsec) * k;
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
	return 0;
}

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int (*fn)(struct pollfd *, nfds_t, int);
	long k;

	*(void **)&fn = dlsym(RTLD_NEXT, "poll");
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	k = shim_speed();
	if (timeout > 0 && k > 1)
		timeout = (int)((timeout + k - 1) / k);
	return fn(fds, n, timeout);
}
