/*
 * fakeprocs - test helper: N child processes that each publish a
 * fabricated stats segment (tests/stat/segfab.c content) for their own pid
 * in DIR, so that alloctop sees live, non-stale processes without the
 * allocator.
 *
 *   fakeprocs DIR N [--name NAME] [--churn] [--apply|--supersede|--refuse] [--slots N]
 *
 * Child i (0-based) holds 7+i objects per class in its "main" thread, so
 * LIVE differs per child (the tests compute the exact value). --churn bumps
 * the main thread's alloc and free counters of class 0 by 10*(i+1) every
 * 100 ms (equal, so LIVE stays put while ALLOC/s and FREE/s are nonzero).
 * --apply plays the allocator's side of the control protocol: a pending
 * request is copied to `applied` within 100 ms. --supersede answers it and
 * then switches its checks "itself" (junk flipped, a conf_change event
 * "alloc_ctl", as the allocator's alloc_ctl records it); --refuse answers
 * it (applied_gen) but keeps running the old settings. Each child also
 * names itself NAME-iii (prctl PR_SET_NAME: /proc/<pid>/comm, what
 * alloctop shows as COMMAND). --slots sets the thread
 * table size (the allocator's default makes segments of about 0.5 MiB).
 *
 * Prints one child pid per line, then "ready", then waits; SIGTERM (or the
 * parent's death) makes every child remove its segment and exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "segfab.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

enum answer { ANSWER_NONE, ANSWER_APPLY, ANSWER_SUPERSEDE, ANSWER_REFUSE };

/* A conf_change event, as the allocator writes one. */
static void record_conf_change(unsigned char *m, const char *detail)
{
	struct las_event_ring *ring = segfab_entry(m, LAS_T_EVENTS, 0);
	uint64_t i = ring->head;
	struct las_event *e = &ring->entries[i % LAS_EVENTS];
	__atomic_store_n(&e->seq, 2 * i + 1, __ATOMIC_RELEASE);
	e->kind = LAS_EV_CONF_CHANGE;
	e->tid = getpid();
	snprintf(e->detail, sizeof(e->detail), "%s", detail);
	__atomic_store_n(&e->seq, 2 * (i + 1), __ATOMIC_RELEASE);
	__atomic_store_n(&ring->head, i + 1, __ATOMIC_RELEASE);
}

static void apply_pending(unsigned char *m, enum answer how)
{
	struct las_control *c = segfab_entry(m, LAS_T_CONTROL, 0);
	uint64_t want = __atomic_load_n(&c->request_gen, __ATOMIC_ACQUIRE);
	if (want == c->applied_gen)
		return;
	if (how != ANSWER_REFUSE) {
		c->applied = c->requested;
		record_conf_change(m, "control block");
	}
	if (how == ANSWER_SUPERSEDE) {
		/* alloc_ctl in the process, before the answer is published: a
		 * reader can only see the request superseded */
		c->applied.junk = c->applied.junk ? LAS_JUNK_OFF : LAS_JUNK_BOTH;
		record_conf_change(m, "alloc_ctl");
	}
	__atomic_store_n(&c->applied_gen, want, __ATOMIC_RELEASE);
	__atomic_fetch_and(&c->gate, ~LAS_GATE_PENDING, __ATOMIC_RELEASE);
}

static int child(const char *dir, int i, const char *name, int churn, enum answer apply,
		 uint32_t slots)
{
	char comm[LAS_THREAD_NAME_LEN];
	snprintf(comm, sizeof(comm), "%s-%03d", name, i);
	prctl(PR_SET_NAME, comm);
	char path[4096];
	struct segfab_spec spec = segfab_default(getpid());
	if (slots)
		spec.max_threads = slots;
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	struct las_header *h;

	if (!img)
		return 1;
	h = segfab_header(img);
	snprintf(h->exe, sizeof(h->exe), "%s-%03d", name, i);
	snprintf(h->cmdline, sizeof(h->cmdline), "%s-%03d --fake %d", name, i, i);
	struct las_thread *m = segfab_entry(img, LAS_T_THREADS, 1);
	for (uint32_t c = 0; c < spec.nclasses; c++)
		m->class_alloc[c] = 7 + (uint64_t)i;
	snprintf(path, sizeof(path), "%s/liballoc.%d", dir, (int)getpid());
	if (segfab_write(path, img, len) != 0) {
		fprintf(stderr, "fakeprocs: %s: %s\n", path, strerror(errno));
		return 1;
	}
	free(img);
	int fd = open(path, O_RDWR);
	unsigned char *map = fd >= 0 ? mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
				     : MAP_FAILED;
	if (map == MAP_FAILED) {
		unlink(path);
		return 1;
	}
	struct las_thread *live = segfab_entry(map, LAS_T_THREADS, 1);
	while (!stop) {
		if (!churn && !apply) {
			pause();
			continue;
		}
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (churn) {
			live->class_alloc[0] += 10 * (uint64_t)(i + 1);
			live->class_free[0] += 10 * (uint64_t)(i + 1);
		}
		if (apply)
			apply_pending(map, apply);
	}
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = "fake";
	int churn = 0;
	enum answer apply = ANSWER_NONE;
	uint32_t slots = 0;
	struct sigaction sa;

	if (argc < 3) {
		fprintf(stderr, "usage: fakeprocs DIR N [--name NAME] [--churn] "
				"[--apply|--supersede|--refuse] [--slots N]\n");
		return 2;
	}
	int n = atoi(argv[2]);
	for (int a = 3; a < argc; a++) {
		if (!strcmp(argv[a], "--churn"))
			churn = 1;
		else if (!strcmp(argv[a], "--apply"))
			apply = ANSWER_APPLY;
		else if (!strcmp(argv[a], "--supersede"))
			apply = ANSWER_SUPERSEDE;
		else if (!strcmp(argv[a], "--refuse"))
			apply = ANSWER_REFUSE;
		else if (!strcmp(argv[a], "--slots") && a + 1 < argc)
			slots = (uint32_t)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--name") && a + 1 < argc)
			name = argv[++a];
		else {
			fprintf(stderr, "fakeprocs: unknown argument '%s'\n", argv[a]);
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pid_t *kids = calloc((size_t)n + 1, sizeof(*kids));
	if (!kids)
		return 1;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fakeprocs: fork");
			stop = 1;
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(0);
			_exit(child(argv[1], i, name, churn, apply, slots));
		}
		kids[i] = pid;
		printf("%d\n", (int)pid);
	}
	/* Ready once every segment exists. */
	for (int i = 0; i < n && kids[i] && !stop; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/liballoc.%d", argv[1], (int)kids[i]);
		for (int t = 0; t < 500 && access(path, F_OK) != 0; t++)
			usleep(10000);
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	for (int i = 0; i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (int i = 0; i < n; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	free(kids);
	return 0;
}
