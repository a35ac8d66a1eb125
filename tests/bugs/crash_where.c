/*
 * crash_where.c - test-only preload object for tests/bugs/run-modes.sh: says
 * where a fatal signal hit, so that a crash inside liballoc is told apart
 * from a crash in the program by the faulting address, not guessed.
 *
 * Loaded after liballoc.so (LD_PRELOAD="liballoc.so crash_where.so"). Its
 * constructor installs, on an alternate stack, a handler for SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE and SIGABRT. The SIGSEGV handler goes through
 * liballoc's sigaction, which records it as the program's disposition and
 * chains to it for every fault outside the guarded pool. SIGTERM (sent by
 * the runner's timeout) says where the main thread hung. The handler writes
 * one line to stderr with write(2):
 *
 *   crash-where: WHERE SIGNAME pc 0xPC OBJECT+0xOFFSET(SYMBOL) [via CALLERS...]
 *
 * WHERE is liballoc, program or unknown: the first frame, from the
 * interrupted one outwards, that is neither in libc, the loader, libgcc_s,
 * libstdc++, libm nor libunwind (memset called by liballoc is liballoc,
 * strlen called by the program is the program; a libc function reached by a
 * tail call is charged to its caller's caller). The frames come from glibc's
 * backtrace(), primed in the constructor so that the handler loads nothing.
 * Then the default action: a fault happens again once the handler returns,
 * abort() raises SIGABRT again by itself, a sent signal is raised again.
 * Whether an abort was a liballoc report is the runner's business (the
 * report's line on stderr), not this object's.
 */
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ucontext.h>
#include <unistd.h>

/* glibc's own sigaction: resetting to the default must reach the kernel,
 * not liballoc's record of the program's disposition. */
extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

#define MAX_FRAMES 64

static char alt_stack[64 * 1024];
/* SIGTERM: the runner's timeout, so that a hang says where it hung too */
static int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTERM};

static size_t add(char *buf, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		buf[at++] = *s++;
	buf[at] = '\0';
	return at;
}

static size_t add_hex(char *buf, size_t at, size_t cap, uintptr_t v)
{
	char tmp[2 + 2 * sizeof v + 1], *t = tmp + sizeof tmp - 1;
	*t = '\0';
	do {
		*--t = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--t = 'x';
	*--t = '0';
	return add(buf, at, cap, t);
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : (path && *path ? path : "?");
}

/* A library that only runs on behalf of its caller: look further out. */
static int is_system(const char *object)
{
	static const char *const prefixes[] = {"libc.so", "libc-", "ld-linux", "ld64.so",
					       "libgcc_s", "libstdc++", "libm.so", "libunwind",
					       "liblzma", "libpthread", "crash_where.so"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(object, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

static int is_liballoc(const char *object)
{
	return strncmp(object, "liballoc", 8) == 0;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	case SIGTERM: return "SIGTERM";
	}
	return "signal";
}

/* OBJECT+OFFSET(SYMBOL) of one code address (addr2line -e OBJECT OFFSET). */
static size_t add_place(char *buf, size_t at, size_t cap, uintptr_t pc, const char **object)
{
	Dl_info info;
	memset(&info, 0, sizeof info);
	if (dladdr((void *)pc, &info) == 0) {
		*object = "?";
		return add(buf, at, cap, "?");
	}
	*object = base_name(info.dli_fname);
	at = add(buf, at, cap, *object);
	at = add(buf, at, cap, "+");
	at = add_hex(buf, at, cap, pc - (uintptr_t)info.dli_fbase);
	at = add(buf, at, cap, "(");
	at = add(buf, at, cap, info.dli_sname ? info.dli_sname : "?");
	return add(buf, at, cap, ")");
}

static void on_fatal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	void *frames[MAX_FRAMES];
	char place[256], via[512], line[1024];
	size_t vat = 0, at = 0;
	const char *object, *where = "unknown";

	int n = backtrace(frames, MAX_FRAMES);
	/* The interrupted frame is the one at the context's pc; the frames
	 * before it are this handler's (and liballoc's, when it chained). */
	int first = -1;
	for (int i = 0; i < n && first < 0; i++)
		if ((uintptr_t)frames[i] == pc)
			first = i;

	add_place(place, 0, sizeof place, pc, &object);
	via[0] = '\0';
	if (!is_system(object)) {
		where = is_liballoc(object) ? "liballoc" : "program";
	} else if (first >= 0) {
		/* a libc function: its caller decides (return addresses, -1
		 * to stay inside the call) */
		for (int i = first + 1; i < n; i++) {
			const char *caller;
			vat = add(via, vat, sizeof via, vat ? " " : " via ");
			vat = add_place(via, vat, sizeof via, (uintptr_t)frames[i] - 1, &caller);
			if (!is_system(caller)) {
				where = is_liballoc(caller) ? "liballoc" : "program";
				break;
			}
		}
	}
	at = add(line, at, sizeof line, "crash-where: ");
	at = add(line, at, sizeof line, where);
	at = add(line, at, sizeof line, " ");
	at = add(line, at, sizeof line, signal_name(sig));
	at = add(line, at, sizeof line, " pc ");
	at = add_hex(line, at, sizeof line, pc);
	at = add(line, at, sizeof line, " ");
	at = add(line, at, sizeof line, place);
	at = add(line, at, sizeof line, via);
	at = add(line, at, sizeof line, "\n");
	if (write(2, line, at) < 0) {
		/* nothing else to say it with */
	}

	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	__sigaction(sig, &dfl, NULL);
	if (si->si_code <= 0 && sig != SIGABRT)
		raise(sig); /* sent, not a fault: delivered when this returns */
}

__attribute__((constructor)) static void crash_where_init(void)
{
	/* backtrace() loads libgcc_s at its first call: now, not in a crash */
	void *prime[2];
	backtrace(prime, 2);

	stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
	sigaltstack(&ss, NULL);
	struct sigaction act;
	memset(&act, 0, sizeof act);
	act.sa_sigaction = on_fatal;
	act.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&act.sa_mask);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &act, NULL);
}
