/*
 * vocab.h - the words the allocator and its tools share, written once:
 * the check-settings vocabulary and its parser (LIBALLOC_CONF, alloc_ctl,
 * `allocdump --set`, alloctop's keys all go through las_vocab_check), the
 * bundle that "debug" switches on, and the names of event kinds.
 *
 * Built into liballoc (so: no allocation, no stdio, no locale) and into the
 * reader library liballoc/stat.
 */
#ifndef LIBALLOC_VOCAB_H
#define LIBALLOC_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liballoc_stats.h"

/* What `debug:true` means: every check, at these sizes. */
#define LAS_DEBUG_REDZONE 16u
#define LAS_DEBUG_QUARANTINE ((uint64_t)16 << 20)
/* Largest accepted values. */
#define LAS_REDZONE_MAX 4096u
#define LAS_QUARANTINE_MAX ((uint64_t)1 << 40)
#define LAS_GUARD_SAMPLE_MAX 1000000000u /* guard_sample and guard_lower: 1 in N */
#define LAS_QUARANTINE_BLOCKS_MAX (1u << 22) /* 40 bytes of ring and set per block */

/* Apply one check setting (key and value need not be NUL-terminated).
 * Booleans: true/false, yes/no, on/off, 1/0 in any case; sizes: decimal
 * with an optional k, m or g suffix (powers of 1024, optionally followed
 * by b), in any case. Returns false for an unknown key or a bad value, and
 * then leaves *c as it was. */
bool las_vocab_check(struct las_checks *c, const char *key, size_t keylen, const char *val,
		     size_t vallen);
/* What a key's value must be, for messages: "bytes, k/m/g suffix, at
 * most 4096"; NULL for a key that is not a check key. */
const char *las_vocab_check_expects(const char *key, size_t keylen);
/* Is `key` one of the check-setting keys? */
bool las_vocab_is_check_key(const char *key, size_t keylen);
/* The keys, for messages: "junk, redzone, ...". */
extern const char las_vocab_check_keys[];
/* Switch the "debug" bundle on (a redzone or quarantine already chosen is
 * kept) or off (every check off; on_error, backtrace, track stay). */
void las_vocab_debug_bundle(struct las_checks *c, bool on);
/* Is the bundle fully on? */
bool las_vocab_debug_is_on(const struct las_checks *c);
/* Any check that makes allocations take the checked paths. */
bool las_vocab_checks_on(const struct las_checks *c);

/* Split the next "key<sep>value" entry off a list separated by commas,
 * where <sep> is ':' or '='. Returns false at the end of the list; sets
 * *val = NULL when the entry has no separator. */
bool las_vocab_next_entry(const char **s, const char **key, size_t *keylen, const char **val,
			  size_t *vallen, size_t *entrylen);

/* Event kinds: "double-free", ...; "unknown" for numbers out of range. */
const char *las_event_kind_name(uint32_t kind);
/* The same as an identifier: "double_free", ... (JSON keys, metric labels). */
const char *las_event_kind_id(uint32_t kind);
/* Is the kind a violation (counted in violations), not a notice? */
bool las_event_is_violation(uint32_t kind);

/* The heap profile's sampling mean, prof_sample (LIBALLOC_CONF,
 * `allocdump --set`): bytes with an optional suffix as above, 0 = off, at
 * most LAS_PROF_SAMPLE_MAX. */
#define LAS_PROF_SAMPLE_MAX ((uint64_t)1 << 30)
bool las_vocab_prof_sample(const char *v, size_t vl, uint64_t *out);

/* Value parsers the rest of LIBALLOC_CONF uses too. */
bool las_vocab_bool(const char *v, size_t vl, bool *out);
bool las_vocab_u64(const char *v, size_t vl, uint64_t *out, bool allow_suffix);

#endif
