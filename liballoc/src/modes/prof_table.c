/* prof_table.c - sampled stacks and their counters (see prof_table.h). */
#include <pthread.h>
#include <string.h>

#include "modes/prof_math.h"
#include "modes/prof_table.h"
#include "sys/base.h"
#include "sys/counters.h"

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *slots; /* entry + 1 per slot, 0 = empty; 2 x capacity, a power of two */
static uint32_t slot_mask;
static uint32_t capacity;

struct weight {
	uint64_t objs; /* x LAS_PROF_OBJ_ONE */
	uint64_t bytes;
};

/* What one sample of `size` bytes stands for: 1 / P(sampled) objects. */
static struct weight weight_of(size_t size, uint64_t mean)
{
	double s = (double)(size ? size : 1);
	double inv = 1 / prof_one_minus_exp_neg(s / (double)(mean ? mean : 1));
	struct weight w = {(uint64_t)(inv * LAS_PROF_OBJ_ONE + 0.5),
			   (uint64_t)((double)size * inv + 0.5)};
	return w;
}

static uint64_t hash_frames(const uintptr_t *frames, unsigned depth)
{
	uint64_t h = 0x84222325cbf29ce4ull ^ depth;
	for (unsigned i = 0; i < depth; i++) {
		h ^= frames[i];
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

bool prof_table_init(void)
{
	if (!la_stacks || la_profile->capacity < 2)
		return false;
	capacity = la_profile->capacity;
	uint32_t n = 2;
	while (n < 2 * capacity)
		n <<= 1;
	slots = base_alloc((size_t)n * sizeof(*slots), LA_CACHELINE);
	if (!slots)
		return false;
	slot_mask = n - 1;
	struct las_stack *other = &la_stacks[0];
	other->flags = LAS_STACK_OTHER;
	other->seq = 2;
	la_profile->table_bytes = (uint64_t)n * sizeof(*slots) + sizeof(struct las_profile) +
				  sizeof(struct las_stack);
	STAT_ADD(&la_globals->metadata_bytes, sizeof(struct las_profile) + sizeof(struct las_stack));
	__atomic_store_n(&la_profile->used, 1, __ATOMIC_RELEASE);
	return true;
}

/* The entry of this stack, made if new; 0 when the table is full. */
static uint32_t find_or_insert(const uintptr_t *frames, unsigned depth, bool truncated)
{
	uint64_t h = hash_frames(frames, depth);
	pthread_mutex_lock(&table_lock);
	uint32_t entry = 0;
	for (uint32_t i = (uint32_t)h & slot_mask;; i = (i + 1) & slot_mask) {
		uint32_t e = slots[i];
		if (e == 0) {
			uint32_t used = la_profile->used;
			if (used >= capacity) {
				STAT_ADD(&la_profile->samples_table_full, 1);
				break;
			}
			struct las_stack *s = &la_stacks[used];
			__atomic_store_n(&s->seq, 1, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_RELEASE);
			s->hash = h;
			s->depth = depth;
			s->flags = truncated ? LAS_STACK_TRUNCATED : 0;
			for (unsigned f = 0; f < depth; f++)
				s->frames[f] = frames[f];
			__atomic_store_n(&s->seq, 2, __ATOMIC_RELEASE);
			__atomic_store_n(&la_profile->used, used + 1, __ATOMIC_RELEASE);
			STAT_ADD(&la_profile->table_bytes, sizeof(*s));
			STAT_ADD(&la_globals->metadata_bytes, sizeof(*s));
			slots[i] = used + 1;
			entry = used;
			break;
		}
		const struct las_stack *s = &la_stacks[e - 1];
		if (s->hash == h && s->depth == depth &&
		    memcmp(s->frames, frames, depth * sizeof(*frames)) == 0) {
			entry = e - 1;
			break;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return entry;
}

uint32_t prof_table_add(const uintptr_t *frames, unsigned depth, bool truncated, size_t size,
			uint64_t mean)
{
	if (!slots)
		return 0;
	uint32_t entry = 0;
	if (depth)
		entry = find_or_insert(frames, depth, truncated);
	else
		STAT_ADD(&la_profile->samples_no_stack, 1);
	struct weight w = weight_of(size, mean);
	struct las_stack *s = &la_stacks[entry];
	STAT_ADD(&s->live_samples, 1);
	STAT_ADD(&s->live_sampled_bytes, size);
	STAT_ADD(&s->samples, 1);
	STAT_ADD(&s->sampled_bytes, size);
	STAT_ADD(&s->live_objs_est, w.objs);
	STAT_ADD(&s->live_bytes_est, w.bytes);
	STAT_ADD(&s->alloc_objs_est, w.objs);
	STAT_ADD(&s->alloc_bytes_est, w.bytes);
	STAT_ADD(&la_profile->samples, 1);
	return entry;
}

void prof_table_remove(uint32_t entry, size_t size, uint64_t mean)
{
	if (!slots || entry >= capacity)
		return;
	struct weight w = weight_of(size, mean);
	struct las_stack *s = &la_stacks[entry];
	STAT_SUB(&s->live_samples, 1);
	STAT_SUB(&s->live_sampled_bytes, size);
	STAT_SUB(&s->live_objs_est, w.objs);
	STAT_SUB(&s->live_bytes_est, w.bytes);
}

void prof_table_fork_prepare(void)
{
	pthread_mutex_lock(&table_lock);
}

void prof_table_fork_parent(void)
{
	pthread_mutex_unlock(&table_lock);
}

void prof_table_fork_child(void)
{
	pthread_mutex_init(&table_lock, NULL);
}
