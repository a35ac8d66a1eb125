/*
 * conf.c - LIBALLOC_CONF="key:value,key:value" (the syntax of jemalloc's
 * MALLOC_CONF). A malformed or unknown entry gets one warning naming it and
 * is skipped; the rest still applies. Parsing never allocates.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "shared/vocab.h"
#include "sys/conf.h"
#include "sys/conf_file.h"

struct la_conf la_conf;

static bool key_is(const char *k, size_t kl, const char *name)
{
	return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

static bool parse_i64(const char *v, size_t vl, int64_t *out)
{
	uint64_t x;
	if (vl && v[0] == '-') {
		if (!las_vocab_u64(v + 1, vl - 1, &x, false) || x > INT64_MAX)
			return false;
		*out = -(int64_t)x;
		return true;
	}
	if (!las_vocab_u64(v, vl, &x, false) || x > INT64_MAX)
		return false;
	*out = (int64_t)x;
	return true;
}

static bool parse_ratio(const char *v, size_t vl, double *out)
{
	double x = 0, scale = 1;
	bool dot = false, digits = false;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] == '.' && !dot) {
			dot = true;
		} else if (v[i] >= '0' && v[i] <= '9') {
			digits = true;
			if (dot) {
				scale /= 10;
				x += (v[i] - '0') * scale;
			} else {
				x = x * 10 + (v[i] - '0');
			}
		} else {
			return false;
		}
	}
	if (!digits || x > 1000)
		return false;
	*out = x;
	return true;
}

/* One entry; returns NULL on success or the reason it was rejected. */
static const char *apply(const char *k, size_t kl, const char *v, size_t vl)
{
	uint64_t n;
	int64_t i;
	bool b;
	double d;
	struct la_conf *c = &la_conf;
	const char *expects = las_vocab_check_expects(k, kl);
	if (expects) {
		if (las_vocab_check(&c->checks, k, kl, v, vl))
			return NULL;
		static char why[80]; /* conf_parse is single-threaded (conf_init) */
		struct la_buf b = {why, 0, sizeof(why)};
		buf_str(&b, "bad value (");
		buf_str(&b, expects);
		buf_char(&b, ')');
		return why;
	}
	if (key_is(k, kl, "narenas")) {
		if (!las_vocab_u64(v, vl, &n, false) || n == 0 || n > 64)
			return "bad value (1..64)";
		c->narenas = (unsigned)n;
	} else if (key_is(k, kl, "tcache")) {
		if (!las_vocab_bool(v, vl, &b))
			return "bad value (true/false)";
		c->tcache = b;
	} else if (key_is(k, kl, "tcache_max")) {
		if (!las_vocab_u64(v, vl, &n, true) || n > 32768)
			return "bad value (0..32k)";
		c->tcache_max = n;
	} else if (key_is(k, kl, "dirty_decay_ms")) {
		if (!parse_i64(v, vl, &i) || i < -1)
			return "bad value (-1 or milliseconds)";
		c->dirty_decay_ms = i;
	} else if (key_is(k, kl, "dirty_max_ratio")) {
		if (!parse_ratio(v, vl, &d))
			return "bad value (a fraction such as 0.125)";
		c->dirty_max_ratio = d;
	} else if (key_is(k, kl, "dirty_min")) {
		if (!las_vocab_u64(v, vl, &n, true))
			return "bad value (bytes, k/m/g suffix)";
		c->dirty_min = n;
	} else if (key_is(k, kl, "reserve_min")) {
		if (!las_vocab_u64(v, vl, &n, true) || n < (1u << 20) || n > ((uint64_t)1 << 36))
			return "bad value (1m..64g)";
		c->reserve_min = (size_t)ALIGN_UP(n, (size_t)1 << 20);
	} else if (key_is(k, kl, "reserve_growth")) {
		if (!las_vocab_u64(v, vl, &n, false) || n == 0 || n > 64)
			return "bad value (1..64)";
		c->reserve_growth = (unsigned)n;
	} else if (key_is(k, kl, "background_thread")) {
		if (!las_vocab_bool(v, vl, &b))
			return "bad value (true/false)";
		c->background_thread = b;
	} else if (key_is(k, kl, "stats")) {
		if (!las_vocab_bool(v, vl, &b))
			return "bad value (true/false)";
		c->stats = b;
	} else if (key_is(k, kl, "stats_dir")) {
		if (vl == 0 || vl >= sizeof(c->stats_dir) || v[0] != '/')
			return "bad value (an absolute path)";
		memcpy(c->stats_dir, v, vl);
		c->stats_dir[vl] = '\0';
	} else if (key_is(k, kl, "guard_slots")) {
		if (!las_vocab_u64(v, vl, &n, false) || n > GUARD_SLOTS_MAX)
			return "bad value (0..4096)";
		c->guard_slots = (unsigned)n;
	} else if (key_is(k, kl, "guard_max_size")) {
		if (!las_vocab_u64(v, vl, &n, true) || n < PAGE || n > GUARD_MAX_SIZE_MAX)
			return "bad value (4k..1m)";
		c->guard_max_size = PAGE_CEIL((size_t)n);
	} else if (key_is(k, kl, "prof_sample")) {
		if (!las_vocab_prof_sample(v, vl, &n))
			return "bad value (bytes, 0 = off, at most 1g)";
		c->prof_sample = n;
	} else if (key_is(k, kl, "prof_stacks")) {
		if (!las_vocab_u64(v, vl, &n, true) || (n != 0 && n < 16) || n > 65536)
			return "bad value (0, or 16..65536)";
		c->prof_stacks = (unsigned)n;
	} else if (key_is(k, kl, "unwinder")) {
		if (key_is(v, vl, "libunwind"))
			c->frame_pointers_only = false;
		else if (key_is(v, vl, "frame_pointers"))
			c->frame_pointers_only = true;
		else
			return "bad value (libunwind/frame_pointers)";
	} else if (key_is(k, kl, "prof_final")) {
		if (!las_vocab_bool(v, vl, &b))
			return "bad value (true/false)";
		c->prof_final = b;
	} else if (key_is(k, kl, "prof_prefix")) {
		if (vl == 0 || vl > PROF_PREFIX_MAX || memchr(v, '\0', vl))
			return "bad value (a path prefix, 1..255 bytes)";
		memcpy(c->prof_prefix, v, vl);
		c->prof_prefix[vl] = '\0';
	} else if (key_is(k, kl, "stats_publish")) {
		if (key_is(v, vl, "lazy"))
			c->stats_publish = PUBLISH_LAZY;
		else if (key_is(v, vl, "eager"))
			c->stats_publish = PUBLISH_EAGER;
		else
			return "bad value (lazy or eager)";
	} else if (key_is(k, kl, "stats_threads")) {
		if (!las_vocab_u64(v, vl, &n, false) || n < 2 || n > 65536)
			return "bad value (2..65536)";
		c->stats_threads = (unsigned)n;
	} else {
		return "unknown option";
	}
	return NULL;
}

static void warn(const char *origin, const char *entry, size_t len, const char *why)
{
	char buf[256];
	struct la_buf b = {buf, 0, sizeof(buf)};
	buf_str(&b, "liballoc: ");
	buf_str(&b, origin);
	buf_str(&b, ": ");
	buf_str(&b, why);
	buf_str(&b, " in '");
	for (size_t i = 0; i < len && i < 80; i++)
		buf_char(&b, entry[i]);
	buf_str(&b, "' (ignored)\n");
	la_write_stderr(buf);
}

void conf_parse(const char *s, const char *origin)
{
	const char *k, *v;
	size_t kl, vl, len;
	while (las_vocab_next_entry(&s, &k, &kl, &v, &vl, &len)) {
		const char *why = v ? apply(k, kl, v, vl) : "expected key:value";
		if (why)
			warn(origin, k, len, why);
	}
}

static unsigned cpu_count(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		int n = CPU_COUNT(&set);
		if (n > 0)
			return (unsigned)n;
	}
	return 1;
}

void conf_init(void)
{
	static bool done; /* la_init's call and the constructor's: one reading */
	if (done)
		return;
	done = true;
	struct la_conf *c = &la_conf;
	unsigned n = cpu_count() * 4;
	c->narenas = n > 64 ? 64 : n;
	c->tcache = true;
	c->tcache_max = 32768;
	c->dirty_decay_ms = 5000;
	c->dirty_max_ratio = 0.125;
	c->dirty_min = (size_t)32 << 20;
	c->reserve_min = (size_t)16 << 20;
	c->reserve_growth = 4;
	c->stats = true;
	c->stats_threads = 256;
	c->prof_sample = (uint64_t)1 << 20;
	c->prof_stacks = 4096;
	strcpy(c->prof_prefix, "liballoc");
	c->checks.on_error = LAS_ONERR_ABORT;
	c->checks.backtrace = 1;
	c->checks.guard_sample = LAS_GUARD_SAMPLE_DEFAULT;
	c->checks.guard_lower = LAS_GUARD_LOWER_DEFAULT;
	c->checks.quarantine_blocks = LAS_QUARANTINE_BLOCKS_DEFAULT;
	c->guard_slots = GUARD_SLOTS_DEFAULT;
	c->guard_max_size = GUARD_MAX_SIZE_DEFAULT;
	c->stats_publish = PUBLISH_LAZY;
	strcpy(c->stats_dir, "/dev/shm");
	/* Setuid, setgid or file capabilities: whoever started us chose the
	 * environment, so it is not read, and the segment (a file the process
	 * creates with its privileges) exists only if a trusted setting asks. */
	c->secure = conf_file_secure_process();
	if (c->secure)
		c->stats = false;
#ifdef LIBALLOC_BUILTIN_CONF
	conf_parse(LIBALLOC_BUILTIN_CONF, "built-in configuration");
#endif
	if (c->secure) {
		char file[4096];
		if (conf_file_read(LIBALLOC_SECURE_CONF_FILE, file, sizeof(file)))
			conf_parse(file, LIBALLOC_SECURE_CONF_FILE);
		return;
	}
	const char *dir = secure_getenv("LIBALLOC_STATS_DIR");
	if (dir && dir[0] == '/' && strlen(dir) < sizeof(c->stats_dir))
		strcpy(c->stats_dir, dir);
	conf_parse(secure_getenv("LIBALLOC_CONF"), "LIBALLOC_CONF");
}

void conf_render(char *out, size_t len)
{
	struct la_buf b = {out, 0, len};
	const struct la_conf *c = &la_conf;
	buf_str(&b, "narenas:");
	buf_u64(&b, c->narenas);
	buf_str(&b, ",tcache:");
	buf_str(&b, c->tcache ? "true" : "false");
	buf_str(&b, ",tcache_max:");
	buf_u64(&b, c->tcache_max);
	buf_str(&b, ",dirty_decay_ms:");
	buf_i64(&b, c->dirty_decay_ms);
	buf_str(&b, ",dirty_max_ratio:0.");
	uint64_t frac = (uint64_t)(c->dirty_max_ratio * 1000 + 0.5);
	if (frac >= 1000) {
		b.len -= 2;
		buf_u64(&b, frac / 1000);
		buf_char(&b, '.');
	}
	buf_char(&b, (char)('0' + frac / 100 % 10));
	buf_char(&b, (char)('0' + frac / 10 % 10));
	buf_char(&b, (char)('0' + frac % 10));
	buf_str(&b, ",dirty_min:");
	buf_u64(&b, c->dirty_min);
	buf_str(&b, ",reserve_min:");
	buf_u64(&b, c->reserve_min);
	buf_str(&b, ",reserve_growth:");
	buf_u64(&b, c->reserve_growth);
	buf_str(&b, ",background_thread:");
	buf_str(&b, c->background_thread ? "true" : "false");
	buf_str(&b, ",stats:");
	buf_str(&b, c->stats ? "true" : "false");
	buf_str(&b, ",stats_dir:");
	buf_str(&b, c->stats_dir);
	buf_str(&b, ",stats_threads:");
	buf_u64(&b, c->stats_threads);
	buf_str(&b, ",guard_slots:");
	buf_u64(&b, c->guard_slots);
	buf_str(&b, ",guard_max_size:");
	buf_u64(&b, c->guard_max_size);
	buf_str(&b, ",prof_sample:");
	buf_u64(&b, c->prof_sample);
	buf_str(&b, ",prof_stacks:");
	buf_u64(&b, c->prof_stacks);
	buf_str(&b, ",prof_final:");
	buf_str(&b, c->prof_final ? "true" : "false");
	buf_str(&b, ",prof_prefix:");
	buf_str(&b, c->prof_prefix);
	buf_str(&b, ",stats_publish:");
	buf_str(&b, c->stats_publish == PUBLISH_EAGER ? "eager" : "lazy");
	buf_str(&b, ",unwinder:");
	buf_str(&b, c->frame_pointers_only ? "frame_pointers" : "libunwind");
}
