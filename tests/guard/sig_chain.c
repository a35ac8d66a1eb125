/*
 * sig_chain.c MODE - a program with SIGSEGV handling of its own, run by
 * run.sh with and without liballoc: its stdout and exit status must be the
 * same, whether liballoc's handler was installed before the program's
 * (own-after, the usual case) or after it (own-before: the pool is made
 * when alloc_ctl switches guard_sample on).
 *
 *   own-after, own-before  a handler that expects faults on a page of its
 *                   own (like a JVM's) fixes them and goes on; a guarded
 *                   block's overflow is liballoc's (reported, never seen
 *                   by the program's handler)
 *   plain           the same with a plain signal() handler
 *   query           sigaction/signal report the program's own dispositions
 *   default-crash   SIG_DFL: a wild read kills with SIGSEGV
 *   ignore-crash    SIG_IGN: a fault still kills with SIGSEGV
 *   ignore-raise    SIG_IGN: a sent SIGSEGV is ignored
 *   raise-handler   a sent SIGSEGV reaches the handler, with its si_code
 *   resethand       SA_RESETHAND: the second fault takes the default action
 *   longjmp         a handler that siglongjmps out of null dereferences
 *   nodefer         SA_NODEFER: the handler is entered again from itself
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile unsigned char *own;
static volatile int own_faults, handler_calls;
static sigjmp_buf env;

static void *opaque(void *p)
{
	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

static void fix_own(void)
{
	mprotect((void *)own, 4096, PROT_READ | PROT_WRITE);
	own_faults++;
}

static void on_segv_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	handler_calls++;
	if ((uintptr_t)si->si_addr - (uintptr_t)own < 4096) {
		fix_own();
		return;
	}
	/* a fault this program does not expect: what a JVM does too */
	static const char msg[] = "unexpected SIGSEGV in the program's handler\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
	}
	_exit(42);
}

static void on_segv_plain(int sig)
{
	(void)sig;
	handler_calls++;
	fix_own(); /* the only fault this program makes */
}

static void make_own_page(void)
{
	own = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (own == MAP_FAILED)
		exit(4);
}

/* Three faults on the program's own page, each fixed by its handler. */
static void own_faults_three_times(void)
{
	for (int i = 0; i < 3; i++) {
		own[i] = (unsigned char)i;
		mprotect((void *)own, 4096, PROT_NONE);
	}
}

/* A guarded block's overflow under liballoc (guard_sample:1,
 * on_error:report): reported by liballoc; silent in glibc's slack. */
static void overflow_a_block(void)
{
	unsigned char *p = opaque(malloc(64));
	memset(p, 1, 64);
	*(volatile unsigned char *)opaque(p + 64) = 'X';
	free(p);
}

static void install_info(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv_info;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0)
		exit(4);
}

static void wild_read(void)
{
	printf("wild read\n");
	fflush(stdout);
	volatile int *bad = opaque((void *)16);
	printf("read %d\n", *bad);
}

static void on_segv_jump(int sig)
{
	(void)sig;
	handler_calls++;
	siglongjmp(env, 1);
}

static void on_segv_raise(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	printf("handler si_code %d\n", si->si_code);
	handler_calls++;
}

static void on_segv_nodefer(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (++handler_calls == 1)
		raise(sig); /* entered again right away under SA_NODEFER */
	printf("handler depth done %d\n", handler_calls);
}

static int query(void)
{
	struct sigaction sa, old;
	int bad = 0;
	sigaction(SIGSEGV, NULL, &old);
	bad |= old.sa_handler != SIG_DFL;
	install_info(SA_ONSTACK);
	sigaction(SIGSEGV, NULL, &old);
	bad |= !(old.sa_flags & SA_SIGINFO) || old.sa_sigaction != on_segv_info;
	bad |= !(old.sa_flags & SA_ONSTACK);
	/* signal returns sa_handler, the same word as the sa_sigaction set */
	bad |= (void *)signal(SIGSEGV, on_segv_plain) != (void *)on_segv_info;
	bad |= signal(SIGSEGV, SIG_IGN) != on_segv_plain;
	sigaction(SIGSEGV, NULL, &old);
	bad |= old.sa_handler != SIG_IGN;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &sa, &old);
	bad |= old.sa_handler != SIG_IGN;
	bad |= signal(SIGSEGV, SIG_DFL) != SIG_DFL;
	/* another signal is untouched */
	bad |= signal(SIGUSR1, on_segv_plain) != SIG_DFL;
	bad |= signal(SIGUSR1, SIG_DFL) != on_segv_plain;
	printf("query %s\n", bad ? "wrong" : "consistent");
	return bad;
}

typedef int (*ctl_fn)(const char *, void *, size_t *, const void *, size_t);

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "own-after") || !strcmp(mode, "own-before")) {
		make_own_page();
		install_info(0);
		if (!strcmp(mode, "own-before")) {
			/* liballoc started with guard_sample:0: its pool and
			 * handler come now, after the program's */
			ctl_fn ctl = (ctl_fn)dlsym(RTLD_DEFAULT, "alloc_ctl");
			uint64_t one = 1;
			if (ctl && ctl("debug.guard_sample", NULL, NULL, &one, sizeof(one)) != 0)
				return 3;
		}
		own_faults_three_times();
		overflow_a_block();
		own_faults_three_times();
		printf("own faults %d, handler calls %d\n", own_faults, handler_calls);
	} else if (!strcmp(mode, "plain")) {
		make_own_page();
		signal(SIGSEGV, on_segv_plain);
		own_faults_three_times();
		overflow_a_block();
		printf("own faults %d, handler calls %d\n", own_faults, handler_calls);
	} else if (!strcmp(mode, "query")) {
		if (query())
			return 1;
	} else if (!strcmp(mode, "default-crash")) {
		wild_read();
	} else if (!strcmp(mode, "ignore-crash")) {
		signal(SIGSEGV, SIG_IGN);
		wild_read();
	} else if (!strcmp(mode, "ignore-raise")) {
		signal(SIGSEGV, SIG_IGN);
		raise(SIGSEGV);
	} else if (!strcmp(mode, "raise-handler")) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_segv_raise;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSEGV, &sa, NULL);
		raise(SIGSEGV);
		printf("handler calls %d\n", handler_calls);
	} else if (!strcmp(mode, "resethand")) {
		make_own_page();
		install_info(SA_RESETHAND);
		own[0] = 1; /* fixed by the handler, which is then reset */
		mprotect((void *)own, 4096, PROT_NONE);
		printf("own faults %d\n", own_faults);
		own[1] = 1; /* the default action now */
		printf("not reached\n");
	} else if (!strcmp(mode, "longjmp")) {
		signal(SIGSEGV, on_segv_jump);
		for (volatile int i = 0; i < 1000; i++) {
			if (sigsetjmp(env, 1) == 0) {
				volatile int *bad = opaque((void *)8);
				*bad = i;
			}
		}
		sigset_t now;
		sigprocmask(SIG_SETMASK, NULL, &now);
		overflow_a_block();
		printf("jumped %d times, SIGSEGV %s\n", handler_calls,
		       sigismember(&now, SIGSEGV) ? "blocked" : "unblocked");
	} else if (!strcmp(mode, "nodefer")) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_segv_nodefer;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigaction(SIGSEGV, &sa, NULL);
		raise(SIGSEGV);
	} else {
		fprintf(stderr, "usage: sig_chain MODE (see the source)\n");
		return 2;
	}
	printf("done\n");
	return 0;
}
