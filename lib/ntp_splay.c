/*
 * --splay (ntp_splay.h).
 */
#include <sys/random.h>

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_splay.h"

double
ntp_splay_pick(double max, uint64_t r)
{
	if (!isfinite(max) || max <= 0)
		return 0;
	/* The top 53 bits as a fraction in [0, 1): exact in a double. */
	return max * ((double)(r >> 11) / 9007199254740992.0);
}

/* SplitMix64's finaliser: every input bit moves every output bit. */
static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
fallback(void)
{
	char host[256];
	struct timespec rt, mono;
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	memset(host, 0, sizeof(host));
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	for (i = 0; host[i] != '\0'; i++)
		h = mix(h ^ (unsigned char)host[i]);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	h = mix(h ^ (uint64_t)getpid());
	h = mix(h ^ ((uint64_t)rt.tv_sec << 30) ^ (uint64_t)rt.tv_nsec);
	return mix(h ^ ((uint64_t)mono.tv_sec << 30) ^ (uint64_t)mono.tv_nsec);
}

int
ntp_splay_random(uint64_t *out)
{
	ssize_t n;

	do {
		n = getrandom(out, sizeof(*out), GRND_NONBLOCK);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*out))
		return 1;
	*out = fallback();
	return 0;
}

int
ntp_splay_wait(double delay, volatile sig_atomic_t *stop)
{
	struct timespec until;
	double whole;
	int rc;

	if (!isfinite(delay) || delay < 0)
		delay = 0;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += (long)(modf(delay, &whole) * 1e9);
	until.tv_sec += (time_t)whole + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	for (;;) {
		if (*stop)
			return -1;
		rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until,
		    NULL);
		if (rc == 0)
			return *stop ? -1 : 0;
		if (rc != EINTR)
			return 0;
	}
}

int
ntp_splay_sleep(double delay, void (*handler)(int),
    volatile sig_atomic_t *stop)
{
	struct sigaction sa, old_int, old_term;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;	/* no SA_RESTART: the sleep ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (ntp_splay_wait(delay, stop) != 0)
		return (int)*stop;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return 0;
}
