// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: freed under check_free alone (the block waits in another thread's checked cache), freed again after redzones were switched on
#include "bug_support.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int stage;

static void advance_to(int s)
{
	pthread_mutex_lock(&lock);
	stage = s;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void wait_for(int s)
{
	pthread_mutex_lock(&lock);
	while (stage < s)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

/* Frees the block, then stays alive without touching the allocator, so
 * the block stays in this thread's cache while the checks change. */
static void *holder(void *p)
{
	pthread_setname_np(pthread_self(), "bugs-holder");
	free(p);
	advance_to(1);
	wait_for(2);
	return NULL;
}

int main(void)
{
	char *p = bug_xmalloc(48);
	bug_mark("small", p, 48);
	pthread_t t;
	if (pthread_create(&t, NULL, holder, p) != 0)
		return 4;
	wait_for(1);
	bug_ctl("debug.redzone", 32);
	free(bug_opaque(p));
	advance_to(2);
	pthread_join(t, NULL);
	return bug_finish();
}
