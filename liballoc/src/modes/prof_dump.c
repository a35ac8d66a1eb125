/*
 * prof_dump.c - alloc_ctl("prof.dump"): the heap profile in the legacy
 * text format that pprof (google-pprof) and jeprof read, written from
 * inside the process without allocating:
 *
 *   heap profile: LIVE: LIVE_BYTES [ALLOCS: ALLOC_BYTES] @ heap_v2/MEAN
 *   LIVE: LIVE_BYTES [ALLOCS: ALLOC_BYTES] @ PC PC ...     (one per stack)
 *
 *   MAPPED_LIBRARIES:
 *   (a copy of /proc/self/maps)
 *
 * The counts are raw samples (count and requested bytes); pprof scales
 * them by 1 / (1 - exp(-average size / MEAN)). pprof subtracts 1 from
 * every address but the first to land inside the call instruction; the
 * first is a return address here too, so it is written minus 1 already.
 * The allocdump(1) --pprof option writes the same format from outside.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "modes/prof_dump.h"
#include "sys/conf.h"
#include "sys/counters.h"

struct out {
	int fd;
	bool failed;
	struct la_buf b;
	char mem[4096];
};

static void flush(struct out *o)
{
	size_t off = 0;
	while (off < o->b.len && !o->failed) {
		ssize_t n = write(o->fd, o->mem + off, o->b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->failed = true;
		else
			off += (size_t)n;
	}
	o->b.len = 0;
}

/* Room for one more line of at most `need` bytes. */
static void reserve(struct out *o, size_t need)
{
	if (o->b.len + need >= o->b.cap)
		flush(o);
}

static void counts(struct out *o, uint64_t n1, uint64_t s1, uint64_t n2, uint64_t s2)
{
	buf_u64(&o->b, n1);
	buf_str(&o->b, ": ");
	buf_u64(&o->b, s1);
	buf_str(&o->b, " [");
	buf_u64(&o->b, n2);
	buf_str(&o->b, ": ");
	buf_u64(&o->b, s2);
	buf_str(&o->b, "] @");
}

static void copy_maps(struct out *o)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	flush(o);
	for (;;) {
		ssize_t n = read(fd, o->mem, sizeof(o->mem) - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		o->b.len = (size_t)n;
		flush(o);
	}
	close(fd);
}

/* exclusive: fail (EEXIST) rather than replace a file that exists. */
static int dump_to(const char *path, bool exclusive)
{
	if (!path || !la_stacks)
		return path ? ENOENT : EINVAL;
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC);
	int fd = open(path, flags, 0600);
	if (fd < 0)
		return errno;
	struct out o = {.fd = fd};
	o.b.p = o.mem;
	o.b.cap = sizeof(o.mem);
	uint32_t used = __atomic_load_n(&la_profile->used, __ATOMIC_ACQUIRE);
	uint64_t t[4] = {0};
	for (uint32_t i = 0; i < used; i++) {
		const struct las_stack *s = &la_stacks[i];
		t[0] += STAT_GET(&s->live_samples);
		t[1] += STAT_GET(&s->live_sampled_bytes);
		t[2] += STAT_GET(&s->samples);
		t[3] += STAT_GET(&s->sampled_bytes);
	}
	buf_str(&o.b, "heap profile: ");
	counts(&o, t[0], t[1], t[2], t[3]);
	buf_str(&o.b, " heap_v2/");
	buf_u64(&o.b, la_profile->sample_mean ? la_profile->sample_mean : 1);
	buf_char(&o.b, '\n');
	for (uint32_t i = 0; i < used; i++) {
		const struct las_stack *s = &la_stacks[i];
		uint64_t n2 = STAT_GET(&s->samples);
		if (!n2 || !s->depth)
			continue; /* "other" has no frames pprof could show */
		reserve(&o, 80 + 19 * (size_t)s->depth);
		counts(&o, STAT_GET(&s->live_samples), STAT_GET(&s->live_sampled_bytes), n2,
		       STAT_GET(&s->sampled_bytes));
		for (uint32_t f = 0; f < s->depth && f < LAS_STACK_FRAMES; f++) {
			buf_char(&o.b, ' ');
			buf_hex(&o.b, s->frames[f] - (f == 0));
		}
		buf_char(&o.b, '\n');
	}
	reserve(&o, 64);
	buf_str(&o.b, "\nMAPPED_LIBRARIES:\n");
	copy_maps(&o);
	flush(&o);
	int rc = o.failed ? EIO : 0;
	if (close(fd) != 0 && !rc)
		rc = errno;
	return rc;
}

int prof_dump(const char *path)
{
	return dump_to(path, false);
}

/* jemalloc's prof_final names its file PREFIX.PID.SEQ.f.heap; one dump per
 * process needs no sequence number. The pid keeps a forked child's file
 * and each program of a pipeline (LIBALLOC_CONF is inherited) apart. */
void prof_dump_at_exit(void)
{
	char path[PROF_PREFIX_MAX + 32];
	struct la_buf b = {path, 0, sizeof(path)};
	buf_str(&b, la_conf.prof_prefix);
	buf_char(&b, '.');
	buf_u64(&b, (uint64_t)getpid());
	buf_str(&b, ".final.heap");
	/* A secure process writes with privileges its starter lacks, in a
	 * directory the starter may share: it never replaces a file, which
	 * could be a hard link planted under the pid it will have. */
	int rc = dump_to(path, la_conf.secure);
	if (!rc)
		return;
	char msg[PROF_PREFIX_MAX + 160];
	struct la_buf m = {msg, 0, sizeof(msg)};
	buf_str(&m, "liballoc: prof_final: ");
	if (rc == ENOENT && !la_stacks) {
		buf_str(&m, "no heap profile in this process (prof_stacks:0)\n");
	} else {
		buf_str(&m, "cannot write ");
		buf_str(&m, path);
		buf_str(&m, ": ");
		const char *why = strerrordesc_np(rc);
		buf_str(&m, why ? why : "error");
		buf_char(&m, '\n');
	}
	la_write_stderr(msg);
}
