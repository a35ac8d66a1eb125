/*
 * stat_control_prof.c - the prof_sample=BYTES key of a control request
 * (allocdump --set): the heap profile's sampling mean, carried in the
 * control block's prof_sample_requested (ABI 1.1) beside the checks.
 */
#include <stddef.h>
#include <string.h>

#include "stat_internal.h"
#include "vocab.h"

/* "prof_sample=BYTES" or "prof_sample:BYTES" (the separators of vocab.c). */
static int is_prof_item(const char *item, size_t len)
{
	static const char key[] = "prof_sample";
	size_t kl = sizeof(key) - 1;
	return len > kl && !strncmp(item, key, kl) && (item[kl] == '=' || item[kl] == ':');
}

int as_control_take_prof(struct as_segment *seg, const char *spec, char *rest, size_t restlen,
			 struct as_error *err)
{
	size_t out = 0;
	rest[0] = '\0';
	for (const char *item = spec; item && *item;) {
		const char *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		if (is_prof_item(item, len)) {
			uint64_t v;
			const size_t kl = sizeof("prof_sample");
			if (!las_vocab_prof_sample(item + kl, len - kl, &v))
				return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path,
					       "'%.*s': prof_sample wants bytes (k/m/g suffix), 0 "
					       "(off) to 1g", (int)len, item);
			seg->pending_prof_sample = v;
			seg->pending_prof_valid = 1;
		} else if (len) {
			if (out + len + 2 > restlen)
				return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path,
					       "setting too long");
			if (out)
				rest[out++] = ',';
			memcpy(rest + out, item, len);
			out += len;
			rest[out] = '\0';
		}
		item = comma ? comma + 1 : NULL;
	}
	if (seg->pending_prof_valid && !seg->pending_valid) {
		/* A request carries the checks too: resend the ones applied. */
		struct las_control now;
		int rc = as_control_read(seg, &now, err);
		if (rc)
			return rc;
		seg->pending = now.applied;
		seg->pending_valid = 1;
	}
	return AS_OK;
}

int as_control_prof_fits(const struct as_segment *seg, struct as_error *err)
{
	const size_t need = offsetof(struct las_control, prof_sample_applied) + sizeof(uint64_t);
	if (!seg->pending_prof_valid || seg->tables[LAS_T_CONTROL].entry_size >= need)
		return AS_OK;
	return as_fail(err, AS_ERR_VERSION, seg->pid, seg->path,
		       "the process's liballoc has no heap profile (ABI before 1.1): "
		       "prof_sample cannot be set");
}
