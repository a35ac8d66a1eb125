/* vocab.c - see vocab.h. No allocation, no libc beyond memory helpers. */
#include <string.h>

#include "vocab.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Exact, case-insensitive comparison of a counted string with a word. */
static bool word_is(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; i < n && word[i]; i++)
		if (lower(s[i]) != word[i])
			return false;
	return i == n && word[i] == '\0';
}

bool las_vocab_bool(const char *v, size_t vl, bool *out)
{
	if (word_is(v, vl, "true") || word_is(v, vl, "1") || word_is(v, vl, "yes") ||
	    word_is(v, vl, "on")) {
		*out = true;
		return true;
	}
	if (word_is(v, vl, "false") || word_is(v, vl, "0") || word_is(v, vl, "no") ||
	    word_is(v, vl, "off")) {
		*out = false;
		return true;
	}
	return false;
}

bool las_vocab_u64(const char *v, size_t vl, uint64_t *out, bool allow_suffix)
{
	uint64_t x = 0;
	size_t i = 0;
	for (; i < vl && v[i] >= '0' && v[i] <= '9'; i++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < vl && allow_suffix) {
		unsigned shift;
		switch (lower(v[i])) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		default: return false;
		}
		i++;
		if (i < vl && lower(v[i]) == 'b')
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

static bool size_in(const char *v, size_t vl, uint64_t max, uint64_t *out)
{
	return las_vocab_u64(v, vl, out, true) && *out <= max;
}

const char las_vocab_check_keys[] =
	"junk, redzone, check_free, quarantine, quarantine_blocks, debug, on_error, backtrace, "
	"track, guard_sample, guard_lower";

/* Every check key, with what its value must be (for messages). */
static const struct {
	const char *key, *expects;
} check_keys[] = {
	{"junk", "true/false, alloc, free or both"},
	{"redzone", "bytes, k suffix, 0..4096"},
	{"check_free", "true/false"},
	{"quarantine", "bytes, k/m/g suffix, 0 = off, at most 1024g"},
	{"quarantine_blocks", "blocks, k/m suffix, 1..4m"},
	{"debug", "true/false"},
	{"on_error", "abort, report or ignore"},
	{"backtrace", "true/false"},
	{"track", "true/false"},
	{"guard_sample", "1 in N, 0 = off, at most 1000000000"},
	{"guard_lower", "1 in N, 0 = none, at most 1000000000"},
};

const char *las_vocab_check_expects(const char *k, size_t kl)
{
	for (size_t i = 0; i < sizeof(check_keys) / sizeof(check_keys[0]); i++)
		if (kl == strlen(check_keys[i].key) && memcmp(k, check_keys[i].key, kl) == 0)
			return check_keys[i].expects;
	return NULL;
}

bool las_vocab_is_check_key(const char *k, size_t kl)
{
	return las_vocab_check_expects(k, kl) != NULL;
}

void las_vocab_debug_bundle(struct las_checks *c, bool on)
{
	c->junk = on ? LAS_JUNK_BOTH : LAS_JUNK_OFF;
	c->check_free = on;
	if (on) {
		c->redzone = c->redzone ? c->redzone : LAS_DEBUG_REDZONE;
		c->quarantine = c->quarantine ? c->quarantine : LAS_DEBUG_QUARANTINE;
	} else {
		c->redzone = 0;
		c->quarantine = 0;
	}
}

bool las_vocab_debug_is_on(const struct las_checks *c)
{
	return c->check_free && c->junk == LAS_JUNK_BOTH && c->redzone && c->quarantine;
}

bool las_vocab_checks_on(const struct las_checks *c)
{
	return c->junk || c->redzone || c->check_free || c->quarantine;
}

/* Keys are matched exactly (they are identifiers); values case-insensitively. */
static bool key_is(const char *k, size_t kl, const char *name)
{
	return kl == strlen(name) && memcmp(k, name, kl) == 0;
}

bool las_vocab_check(struct las_checks *out, const char *k, size_t kl, const char *v, size_t vl)
{
	struct las_checks c = *out;
	bool b;
	uint64_t n;
	if (key_is(k, kl, "junk")) {
		if (word_is(v, vl, "alloc"))
			c.junk = LAS_JUNK_ALLOC;
		else if (word_is(v, vl, "free"))
			c.junk = LAS_JUNK_FREE;
		else if (word_is(v, vl, "both"))
			c.junk = LAS_JUNK_BOTH;
		else if (las_vocab_bool(v, vl, &b))
			c.junk = b ? LAS_JUNK_BOTH : LAS_JUNK_OFF;
		else
			return false;
	} else if (key_is(k, kl, "redzone")) {
		if (!size_in(v, vl, LAS_REDZONE_MAX, &n))
			return false;
		c.redzone = (uint32_t)n;
	} else if (key_is(k, kl, "quarantine")) {
		if (!size_in(v, vl, LAS_QUARANTINE_MAX, &n))
			return false;
		c.quarantine = n;
	} else if (key_is(k, kl, "quarantine_blocks")) {
		/* 0 is refused: the byte bound alone would need a ring without end */
		if (!size_in(v, vl, LAS_QUARANTINE_BLOCKS_MAX, &n) || n == 0)
			return false;
		c.quarantine_blocks = (uint32_t)n;
	} else if (key_is(k, kl, "guard_sample") || key_is(k, kl, "guard_lower")) {
		/* 1 in N; 0 = off (guarded samples are no check of the bundle) */
		if (!las_vocab_u64(v, vl, &n, false) || n > LAS_GUARD_SAMPLE_MAX)
			return false;
		if (k[6] == 's')
			c.guard_sample = (uint32_t)n;
		else
			c.guard_lower = (uint32_t)n;
	} else if (key_is(k, kl, "on_error")) {
		if (word_is(v, vl, "abort"))
			c.on_error = LAS_ONERR_ABORT;
		else if (word_is(v, vl, "report"))
			c.on_error = LAS_ONERR_REPORT;
		else if (word_is(v, vl, "ignore"))
			c.on_error = LAS_ONERR_IGNORE;
		else
			return false;
	} else {
		if (!las_vocab_bool(v, vl, &b))
			return false;
		if (key_is(k, kl, "check_free"))
			c.check_free = b;
		else if (key_is(k, kl, "backtrace"))
			c.backtrace = b;
		else if (key_is(k, kl, "track"))
			c.track = b;
		else if (key_is(k, kl, "debug"))
			las_vocab_debug_bundle(&c, b);
		else
			return false;
	}
	*out = c;
	return true;
}

bool las_vocab_next_entry(const char **s, const char **key, size_t *kl, const char **val,
			  size_t *vl, size_t *entrylen)
{
	const char *p = *s;
	while (p && *p == ',')
		p++;
	if (!p || !*p) {
		*s = p;
		return false;
	}
	const char *end = strchr(p, ',');
	size_t len = end ? (size_t)(end - p) : strlen(p);
	size_t sep = 0;
	while (sep < len && p[sep] != ':' && p[sep] != '=')
		sep++;
	*key = p;
	*entrylen = len;
	if (sep == len) {
		*kl = len;
		*val = NULL;
		*vl = 0;
	} else {
		*kl = sep;
		*val = p + sep + 1;
		*vl = len - sep - 1;
	}
	*s = end ? end + 1 : p + len;
	return true;
}

/* Each kind as reports print it, and as an identifier (JSON, metrics). */
static const struct {
	const char *name, *id;
} kinds[LAS_EV_KIND_COUNT] = {
	[LAS_EV_NONE] = {"none", "none"},
	[LAS_EV_DOUBLE_FREE] = {"double-free", "double_free"},
	[LAS_EV_INVALID_FREE] = {"invalid-free", "invalid_free"},
	[LAS_EV_BUFFER_OVERFLOW] = {"buffer-overflow", "buffer_overflow"},
	[LAS_EV_BUFFER_UNDERFLOW] = {"buffer-underflow", "buffer_underflow"},
	[LAS_EV_USE_AFTER_FREE] = {"use-after-free", "use_after_free"},
	[LAS_EV_CONF_CHANGE] = {"conf-change", "conf_change"},
	[LAS_EV_HEAP_CORRUPTION] = {"heap-corruption", "heap_corruption"},
	[LAS_EV_SIZE_MISMATCH] = {"size-mismatch", "size_mismatch"},
	[LAS_EV_ALLOC_DEALLOC_MISMATCH] = {"alloc-dealloc-mismatch", "alloc_dealloc_mismatch"},
};

const char *las_event_kind_name(uint32_t kind)
{
	return kind < LAS_EV_KIND_COUNT && kinds[kind].name ? kinds[kind].name : "unknown";
}

const char *las_event_kind_id(uint32_t kind)
{
	return kind < LAS_EV_KIND_COUNT && kinds[kind].id ? kinds[kind].id : "unknown";
}

bool las_event_is_violation(uint32_t kind)
{
	return kind != LAS_EV_NONE && kind != LAS_EV_CONF_CHANGE && kind < LAS_EV_KIND_COUNT;
}

bool las_vocab_prof_sample(const char *v, size_t vl, uint64_t *out)
{
	uint64_t n;
	if (!las_vocab_u64(v, vl, &n, true) || n > LAS_PROF_SAMPLE_MAX)
		return false;
	*out = n;
	return true;
}
