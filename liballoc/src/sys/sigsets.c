/* sigsets.c - signal sets as glibc has them (see sigsets.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sys/sigsets.h"

/* glibc's SIGCANCEL and SIGSETXID: the first two real-time signals. */
#define INTERNAL_FIRST 32
#define INTERNAL_LAST 33
#define WORD_BITS (8 * sizeof(unsigned long))

static unsigned long *word(sigset_t *set, int sig)
{
	return &((unsigned long *)set)[(unsigned)(sig - 1) / WORD_BITS];
}

static unsigned long bit(int sig)
{
	return 1UL << ((unsigned)(sig - 1) % WORD_BITS);
}

static bool valid(int sig)
{
	return sig > 0 && sig < NSIG;
}

static bool internal(int sig)
{
	return sig >= INTERNAL_FIRST && sig <= INTERNAL_LAST;
}

LA_HIDDEN int sigemptyset(sigset_t *set)
{
	memset(set, 0, sizeof(*set));
	return 0;
}

LA_HIDDEN int sigfillset(sigset_t *set)
{
	memset(set, 0xff, sizeof(*set));
	for (int s = INTERNAL_FIRST; s <= INTERNAL_LAST; s++)
		*word(set, s) &= ~bit(s);
	return 0;
}

LA_HIDDEN int sigaddset(sigset_t *set, int sig)
{
	if (!valid(sig) || internal(sig)) {
		errno = EINVAL;
		return -1;
	}
	*word(set, sig) |= bit(sig);
	return 0;
}

LA_HIDDEN int sigdelset(sigset_t *set, int sig)
{
	if (!valid(sig) || internal(sig)) {
		errno = EINVAL;
		return -1;
	}
	*word(set, sig) &= ~bit(sig);
	return 0;
}

LA_HIDDEN int sigismember(const sigset_t *set, int sig)
{
	if (!valid(sig)) {
		errno = EINVAL;
		return -1;
	}
	return (*word((sigset_t *)set, sig) & bit(sig)) != 0;
}
