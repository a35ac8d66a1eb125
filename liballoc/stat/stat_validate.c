/*
 * stat_validate.c - check a segment image before anything in it is used.
 *
 * Everything is checked against the size of the file (or of the caller's
 * buffer), never against values the segment claims about itself: the header, then
 * the geometry of every table (bounds with overflow-safe arithmetic,
 * alignment, minimum entry size, expected counts, no overlap with the header
 * or each other), then the NUL-termination of the header strings.
 */
#include <stddef.h>
#include <string.h>

#include "stat_internal.h"

static const char *const table_names[LAS_T_COUNT] = {
	"globals", "classes", "arenas", "threads", "large", "events", "control",
	"profile", "stacks",
};

static const uint32_t table_min_entry[LAS_T_COUNT] = {
	sizeof(struct las_globals), sizeof(struct las_class), sizeof(struct las_arena),
	sizeof(struct las_thread), sizeof(struct las_large_band),
	sizeof(struct las_event_ring), sizeof(struct las_control),
	sizeof(struct las_profile), sizeof(struct las_stack),
};

/* Tables a segment may lack (count 0): those ABI 1.1 added. */
static int table_optional(int t)
{
	return t >= LAS_T_PROFILE;
}

void as_header_copy(struct las_header *h, const void *img, size_t len)
{
	memset(h, 0, sizeof(*h));
	memcpy(h, img, len < sizeof(*h) ? len : sizeof(*h));
	if (h->header_size < sizeof(*h) && h->header_size >= AS_HEADER_1_0_SIZE)
		memset((char *)h + AS_HEADER_1_0_SIZE, 0, sizeof(*h) - AS_HEADER_1_0_SIZE);
}

static int string_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* Expected entry count of table t given the header's declared dimensions. */
static int expected_count(const struct las_header *h, int t, uint32_t *want)
{
	switch (t) {
	case LAS_T_CLASSES: *want = h->nclasses; return 1;
	case LAS_T_ARENAS: *want = h->narenas; return 1;
	case LAS_T_THREADS: *want = h->max_threads; return 1;
	case LAS_T_LARGE: *want = LAS_LARGE_BANDS; return 1;
	case LAS_T_STACKS: *want = h->tables[t].count; return h->tables[t].count <= AS_STACKS_MAX;
	default: *want = 1; return 1;
	}
}

static int check_tables(const struct las_header *h, uint64_t size, pid_t pid,
			const char *path, struct as_error *err)
{
	uint64_t start[LAS_T_COUNT], end[LAS_T_COUNT];
	for (int t = 0; t < LAS_T_COUNT; t++) {
		const struct las_table *tb = &h->tables[t];
		uint32_t want;
		if (table_optional(t) && tb->count == 0) {
			start[t] = end[t] = 0; /* absent */
			continue;
		}
		if (!expected_count(h, t, &want))
			return as_fail(err, AS_ERR_CORRUPT, pid, path,
				       "corrupt segment: table %s has %u entries, at most %u allowed",
				       table_names[t], tb->count, AS_STACKS_MAX);
		if (tb->count != want)
			return as_fail(err, AS_ERR_CORRUPT, pid, path,
				       "corrupt segment: table %s has %u entries, expected %u",
				       table_names[t], tb->count, want);
		if (tb->entry_size < table_min_entry[t])
			return as_fail(err, AS_ERR_CORRUPT, pid, path,
				       "corrupt segment: table %s entry size %u < %u",
				       table_names[t], tb->entry_size, table_min_entry[t]);
		if (tb->offset % 8 || tb->entry_size % 8)
			return as_fail(err, AS_ERR_CORRUPT, pid, path,
				       "corrupt segment: table %s misaligned (offset %llu, entry %u)",
				       table_names[t], (unsigned long long)tb->offset,
				       tb->entry_size);
		/* u32 * u32 cannot overflow u64; offset + bytes can, so compare
		 * against the room left instead of adding. */
		uint64_t bytes = (uint64_t)tb->entry_size * tb->count;
		if (tb->offset < h->header_size || tb->offset > size || bytes > size - tb->offset)
			return as_fail(err, AS_ERR_CORRUPT, pid, path,
				       "corrupt segment: table %s [%llu, +%llu) outside header/file (%llu bytes)",
				       table_names[t], (unsigned long long)tb->offset,
				       (unsigned long long)bytes, (unsigned long long)size);
		start[t] = tb->offset;
		end[t] = tb->offset + bytes;
	}
	for (int a = 0; a < LAS_T_COUNT; a++)
		for (int b = a + 1; b < LAS_T_COUNT; b++)
			if (start[a] < end[b] && start[b] < end[a] && end[a] && end[b])
				return as_fail(err, AS_ERR_CORRUPT, pid, path,
					       "corrupt segment: tables %s and %s overlap",
					       table_names[a], table_names[b]);
	return AS_OK;
}

int as_validate_header(const struct las_header *hp, size_t len, uint64_t size, pid_t pid,
		       const char *path, struct as_error *err)
{
	struct las_header h;
	const size_t ident = offsetof(struct las_header, byte_order);

	as_header_copy(&h, hp, len);
	if (size == 0)
		return as_fail(err, AS_ERR_NOTREADY, pid, path,
			       "segment not initialised yet (empty file)");
	if (len < ident) {
		as_fail(err, AS_ERR_CORRUPT, pid, path,
			"corrupt segment: truncated (%zu bytes, no header)", len);
		if (err)
			err->flags |= AS_ERRF_NOT_SEGMENT;
		return AS_ERR_CORRUPT;
	}
	if (h.magic == 0)
		return as_fail(err, AS_ERR_NOTREADY, pid, path,
			       "segment not initialised yet (no magic)");
	if (h.magic != LAS_MAGIC) {
		if (h.magic == __builtin_bswap64(LAS_MAGIC))
			return as_fail(err, AS_ERR_VERSION, pid, path,
				       "segment written with the other byte order");
		as_fail(err, AS_ERR_CORRUPT, pid, path,
			"corrupt segment: bad magic 0x%016llx (not a liballoc segment)",
			(unsigned long long)h.magic);
		if (err)
			err->flags |= AS_ERRF_NOT_SEGMENT;
		return AS_ERR_CORRUPT;
	}
	if (h.abi_major != LAS_ABI_MAJOR)
		return as_fail(err, AS_ERR_VERSION, pid, path,
			       "segment ABI version %u.%u, this reader understands %u.x",
			       h.abi_major, h.abi_minor, LAS_ABI_MAJOR);
	/* A 1.0 header ends before the tables 1.1 added (as_header_copy). */
	size_t need = h.abi_minor == 0 ? AS_HEADER_1_0_SIZE : sizeof(h);
	if (len < need)
		return as_fail(err, AS_ERR_CORRUPT, pid, path,
			       "corrupt segment: truncated (%zu bytes, header needs %zu)",
			       len, need);
	if (h.byte_order != LAS_BYTE_ORDER_LITTLE)
		return as_fail(err, AS_ERR_VERSION, pid, path,
			       "segment byte order mark 0x%08x not understood", h.byte_order);
	if (h.header_size < need || h.header_size > size)
		return as_fail(err, AS_ERR_CORRUPT, pid, path,
			       "corrupt segment: header size %u (need %zu..%llu)",
			       h.header_size, need, (unsigned long long)size);
	if (h.segment_size != size)
		return as_fail(err, AS_ERR_CORRUPT, pid, path,
			       "corrupt segment: declares %llu bytes, file has %llu (truncated?)",
			       (unsigned long long)h.segment_size, (unsigned long long)size);
	if (h.pid <= 0)
		return as_fail(err, AS_ERR_CORRUPT, pid, path,
			       "corrupt segment: pid %d in header", (int)h.pid);
	if (pid > 0 && h.pid != pid)
		return as_fail(err, AS_ERR_CORRUPT, pid, path,
			       "corrupt segment: header names pid %d", (int)h.pid);
	if (!h.ready)
		return as_fail(err, AS_ERR_NOTREADY, h.pid, path,
			       "segment not initialised yet (ready flag clear)");
	if (h.nclasses > LAS_NCLASSES_MAX || h.narenas > AS_ARENAS_MAX ||
	    h.max_threads < 1 || h.max_threads > AS_THREADS_MAX)
		return as_fail(err, AS_ERR_CORRUPT, h.pid, path,
			       "corrupt segment: dimensions out of range (%u classes, %u arenas, %u threads)",
			       h.nclasses, h.narenas, h.max_threads);
	if (!string_terminated(h.exe, sizeof(h.exe)) ||
	    !string_terminated(h.cmdline, sizeof(h.cmdline)) ||
	    !string_terminated(h.version, sizeof(h.version)) ||
	    !string_terminated(h.conf, sizeof(h.conf)))
		return as_fail(err, AS_ERR_CORRUPT, h.pid, path,
			       "corrupt segment: unterminated string in header");
	return check_tables(&h, size, h.pid, path, err);
}

int as_validate_image_for(const void *buf, size_t len, pid_t pid, const char *path,
			  struct as_error *err)
{
	struct las_header h;
	if (!buf || len == 0)
		return as_fail(err, AS_ERR_NOTREADY, pid, path,
			       "segment not initialised yet (empty file)");
	memset(&h, 0, sizeof(h));
	memcpy(&h, buf, len < sizeof(h) ? len : sizeof(h));
	return as_validate_header(&h, len < sizeof(h) ? len : sizeof(h), len, pid, path, err);
}

int as_validate_image(const void *buf, size_t len, struct as_error *err)
{
	return as_validate_image_for(buf, len, 0, "<memory>", err);
}
