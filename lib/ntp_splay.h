/*
 * --splay: a random wait before the first request, so that a fleet run
 * from cron or a timer at the same second reaches its server spread over
 * the splay window instead of all at once.
 */
#ifndef NTPC_SPLAY_H
#define NTPC_SPLAY_H

#include <signal.h>
#include <stdint.h>

#define NTP_SPLAY_MAX	3600.0	/* s, the largest --splay accepted */

/* The wait for 64 random bits r: uniform over [0, max) seconds. */
double	ntp_splay_pick(double max, uint64_t r);

/*
 * 64 random bits that never block (the program runs at boot, before the
 * kernel's generator is seeded): getrandom(GRND_NONBLOCK), else a hash of
 * the host name, the process id and the clocks, which still differs
 * between the hosts of a fleet.  Returns 1 from the kernel, 0 from the
 * fallback.
 */
int	ntp_splay_random(uint64_t *out);

/*
 * Sleep delay seconds on CLOCK_MONOTONIC (a clock step does not lengthen
 * or shorten it).  Returns 0 once waited, or -1 as soon as *stop is set
 * by a signal handler (install it without SA_RESTART).
 */
int	ntp_splay_wait(double delay, volatile sig_atomic_t *stop);

/*
 * ntp_splay_wait with SIGINT and SIGTERM routed to handler (which must
 * set *stop), installed without SA_RESTART and restored once waited.
 * Returns 0 once waited, or the signal that ended the wait (its handler
 * is then left in place: the caller ends the program by that signal).
 */
int	ntp_splay_sleep(double delay, void (*handler)(int),
	    volatile sig_atomic_t *stop);

#endif /* NTPC_SPLAY_H */
