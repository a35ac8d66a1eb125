// EXPECT: none
// CONF:
// CHECKS-OFF: silent
// WHAT: blocks made with checks off, with check_free alone (plain layout, checked cache), with redzones (debug layout) and with junk alone are freed across every switch between them, in two threads, with their contents intact: no report
#include <malloc.h>
#include "bug_support.h"
#include "liballoc_stats.h"

#define N 64
static const size_t sizes[] = {1, 16, 24, 100, 1000, 5000, 40000, 300000};
#define NSIZES (sizeof sizes / sizeof sizes[0])

struct set {
	char *p[N];
	size_t n[N];
	char tag;
};

static void make(struct set *s, char tag)
{
	s->tag = tag;
	for (int i = 0; i < N; i++) {
		s->n[i] = sizes[i % NSIZES];
		s->p[i] = bug_xmalloc(s->n[i]);
		memset(s->p[i], tag, s->n[i]);
	}
}

/* Frees every `step`-th block from `first`, checking its contents first. */
static void release(struct set *s, int first, int step)
{
	for (int i = first; i < N; i += step) {
		if (!s->p[i])
			continue;
		for (size_t k = 0; k < s->n[i]; k++)
			if (s->p[i][k] != s->tag) {
				printf("block %d of set %c lost its contents\n", i, s->tag);
				exit(5);
			}
		free(s->p[i]);
		s->p[i] = NULL;
	}
}

static void *release_odd(void *s)
{
	release(s, 1, 2);
	return NULL;
}

int main(void)
{
	struct set off, plain, debug, junk;
	make(&off, 'o');
	bug_ctl("debug.check_free", 1); /* plain layout, checked cache */
	release(&off, 0, 3);
	make(&plain, 'p');
	bug_in_thread("bugs-other", release_odd, &plain); /* in its cache until it exits */
	bug_ctl("debug.redzone", 32); /* debug layout */
	release(&off, 1, 3);
	make(&debug, 'd');
	release(&plain, 0, 4);
	bug_ctl("debug.redzone", 0); /* back to the plain layout */
	release(&debug, 0, 2);
	release(&plain, 0, 1);
	bug_ctl("debug.check_free", 0); /* all off */
	release(&debug, 0, 1);
	bug_ctl("debug.junk", LAS_JUNK_BOTH); /* junk alone: plain layout */
	make(&junk, 'j');
	release(&off, 0, 1);
	bug_ctl("debug.junk", LAS_JUNK_OFF);
	release(&junk, 0, 1);
	if (bug_alloc_check() != 0)
		printf("alloc_check found violations\n");
	return bug_finish();
}
