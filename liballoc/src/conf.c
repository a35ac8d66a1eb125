/*
 * conf.c - LIBALLOC_CONF="key:value,key:value" (the syntax of jemalloc's
 * MALLOC_CONF). A malformed or unknown entry gets one warning naming it and
 * is skipped; the rest still applies. Parsing never allocates.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "internal.h"

struct la_conf la_conf;

static bool key_is(const char *k, size_t kl, const char *name)
{
	return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

static bool parse_u64(const char *v, size_t vl, uint64_t *out, bool allow_suffix)
{
	uint64_t x = 0;
	size_t i = 0;
	if (vl == 0)
		return false;
	for (; i < vl && v[i] >= '0' && v[i] <= '9'; i++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < vl && allow_suffix) {
		unsigned shift;
		switch (v[i]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return false;
		}
		i++;
		if (i < vl && (v[i] == 'b' || v[i] == 'B'))
			i++;
		if (x > (UINT64_MAX >> shift))
			return false;
		x <<= shift;
	}
	if (i != vl)
		return false;
	*out = x;
	return true;
}

static bool parse_i64(const char *v, size_t vl, int64_t *out)
{
	uint64_t x;
	if (vl && v[0] == '-') {
		if (!parse_u64(v + 1, vl - 1, &x, false) || x > INT64_MAX)
			return false;
		*out = -(int64_t)x;
		return true;
	}
	if (!parse_u64(v, vl, &x, false) || x > INT64_MAX)
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

static bool parse_bool(const char *v, size_t vl, bool *out)
{
	if (key_is(v, vl, "true") || key_is(v, vl, "1") || key_is(v, vl, "yes") || key_is(v, vl, "on")) {
		*out = true;
		return true;
	}
	if (key_is(v, vl, "false") || key_is(v, vl, "0") || key_is(v, vl, "no") || key_is(v, vl, "off")) {
		*out = false;
		return true;
	}
	return false;
}

bool conf_parse_check(struct las_checks *c, const char *k, size_t kl, const char *v, size_t vl)
{
	bool b;
	uint64_t n;
	if (key_is(k, kl, "junk")) {
		if (key_is(v, vl, "alloc"))
			c->junk = LAS_JUNK_ALLOC;
		else if (key_is(v, vl, "free"))
			c->junk = LAS_JUNK_FREE;
		else if (parse_bool(v, vl, &b))
			c->junk = b ? LAS_JUNK_BOTH : LAS_JUNK_OFF;
		else
			return false;
	} else if (key_is(k, kl, "redzone")) {
		if (!parse_u64(v, vl, &n, true) || n > 4096)
			return false;
		c->redzone = (uint32_t)n;
	} else if (key_is(k, kl, "check_free")) {
		if (!parse_bool(v, vl, &b))
			return false;
		c->check_free = b;
	} else if (key_is(k, kl, "quarantine")) {
		if (!parse_u64(v, vl, &n, true) || n > ((uint64_t)1 << 40))
			return false;
		c->quarantine = n;
	} else if (key_is(k, kl, "debug")) {
		if (!parse_bool(v, vl, &b))
			return false;
		if (b) {
			c->junk = LAS_JUNK_BOTH;
			c->redzone = c->redzone ? c->redzone : 16;
			c->check_free = 1;
			c->quarantine = c->quarantine ? c->quarantine : (16u << 20);
		} else {
			c->junk = LAS_JUNK_OFF;
			c->redzone = 0;
			c->check_free = 0;
			c->quarantine = 0;
		}
	} else if (key_is(k, kl, "on_error")) {
		if (key_is(v, vl, "abort"))
			c->on_error = LAS_ONERR_ABORT;
		else if (key_is(v, vl, "report"))
			c->on_error = LAS_ONERR_REPORT;
		else if (key_is(v, vl, "ignore"))
			c->on_error = LAS_ONERR_IGNORE;
		else
			return false;
	} else if (key_is(k, kl, "backtrace")) {
		if (!parse_bool(v, vl, &b))
			return false;
		c->backtrace = b;
	} else if (key_is(k, kl, "track")) {
		if (!parse_bool(v, vl, &b))
			return false;
		c->track = b;
	} else {
		return false;
	}
	return true;
}

static bool is_check_key(const char *k, size_t kl)
{
	static const char *const keys[] = {"junk", "redzone", "check_free", "quarantine",
					   "debug", "on_error", "backtrace", "track"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_is(k, kl, keys[i]))
			return true;
	return false;
}

/* One entry; returns NULL on success or the reason it was rejected. */
static const char *apply(const char *k, size_t kl, const char *v, size_t vl)
{
	uint64_t n;
	int64_t i;
	bool b;
	double d;
	struct la_conf *c = &la_conf;
	if (is_check_key(k, kl))
		return conf_parse_check(&c->checks, k, kl, v, vl) ? NULL : "bad value";
	if (key_is(k, kl, "narenas")) {
		if (!parse_u64(v, vl, &n, false) || n == 0 || n > 64)
			return "bad value (1..64)";
		c->narenas = (unsigned)n;
	} else if (key_is(k, kl, "tcache")) {
		if (!parse_bool(v, vl, &b))
			return "bad value (true/false)";
		c->tcache = b;
	} else if (key_is(k, kl, "tcache_max")) {
		if (!parse_u64(v, vl, &n, true) || n > 32768)
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
		if (!parse_u64(v, vl, &n, true))
			return "bad value (bytes, k/m/g suffix)";
		c->dirty_min = n;
	} else if (key_is(k, kl, "reserve_min")) {
		if (!parse_u64(v, vl, &n, true) || n < (1u << 20) || n > ((uint64_t)1 << 36))
			return "bad value (1m..64g)";
		c->reserve_min = (size_t)ALIGN_UP(n, (size_t)1 << 20);
	} else if (key_is(k, kl, "reserve_growth")) {
		if (!parse_u64(v, vl, &n, false) || n == 0 || n > 64)
			return "bad value (1..64)";
		c->reserve_growth = (unsigned)n;
	} else if (key_is(k, kl, "background_thread")) {
		if (!parse_bool(v, vl, &b))
			return "bad value (true/false)";
		c->background_thread = b;
	} else if (key_is(k, kl, "stats")) {
		if (!parse_bool(v, vl, &b))
			return "bad value (true/false)";
		c->stats = b;
	} else if (key_is(k, kl, "stats_dir")) {
		if (vl == 0 || vl >= sizeof(c->stats_dir) || v[0] != '/')
			return "bad value (an absolute path)";
		memcpy(c->stats_dir, v, vl);
		c->stats_dir[vl] = '\0';
	} else if (key_is(k, kl, "stats_threads")) {
		if (!parse_u64(v, vl, &n, false) || n < 2 || n > 65536)
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
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (len > 0) {
			const char *colon = memchr(s, ':', len);
			if (!colon) {
				warn(origin, s, len, "expected key:value");
			} else {
				const char *why = apply(s, (size_t)(colon - s), colon + 1,
							len - (size_t)(colon - s) - 1);
				if (why)
					warn(origin, s, len, why);
			}
		}
		s = end ? end + 1 : NULL;
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
	c->checks.on_error = LAS_ONERR_ABORT;
	c->checks.backtrace = 1;
	const char *dir = getenv("LIBALLOC_STATS_DIR");
	if (dir && dir[0] == '/' && strlen(dir) < sizeof(c->stats_dir))
		strcpy(c->stats_dir, dir);
	else
		strcpy(c->stats_dir, "/dev/shm");
	conf_parse(getenv("LIBALLOC_CONF"), "LIBALLOC_CONF");
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
}
