// EXPECT: double-free
// CONF:
// SWITCH: check_free=true
// CHECKS-OFF: caught
// THREAD: bugs-blocked
// WHAT: check_free switched on from outside (allocdump --set) while a thread is blocked; once released, that thread frees a new block twice
#include "bug_support.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int released;

static void *blocked_worker(void *unused)
{
	(void)unused;
	free(bug_xmalloc(100)); /* this thread has its cache before the switch */
	pthread_mutex_lock(&lock);
	while (!released)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	char *p = bug_xmalloc(100);
	bug_mark("small", p, 100);
	free(p);
	free(bug_opaque(p));
	return NULL;
}

int main(void)
{
	pthread_t worker;
	struct bug_thread t = {"bugs-blocked", blocked_worker, NULL};
	if (pthread_create(&worker, NULL, bug_thread_main, &t) != 0)
		return 4;
	bug_wait_for_outside_switch();
	pthread_mutex_lock(&lock);
	released = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(worker, NULL);
	return bug_finish();
}
