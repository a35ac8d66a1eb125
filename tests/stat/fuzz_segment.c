/*
 * fuzz_segment.c - libFuzzer target: any byte string as a stats segment.
 *
 * The input goes through the same path as a file (validation, snapshot,
 * derived totals, rates) and then through every allocdump output format, so
 * a hostile segment can crash neither the reader library nor the tools.
 * Build: clang -fsanitize=fuzzer,address,undefined (see tests/stat/build.mk).
 */
#include <stdint.h>
#include <stdio.h>

#include "allocstat.h"
#include "dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct as_error err;
	as_validate_image(data, size, &err);
	struct as_segment *seg;
	if (as_open_memory(data, size, &seg, &err) != AS_OK)
		return 0;
	struct as_snapshot a, b;
	if (as_snapshot_take(seg, &a, &err) == AS_OK) {
		if (as_snapshot_take(seg, &b, &err) == AS_OK) {
			struct as_rates r;
			b.taken_ns = a.taken_ns + 1000000000u;
			struct dump_item item = { .snap = &b, .path = "<fuzz>" };
			if (as_rates_compute(&a, &b, &r) == 0)
				item.rates = &r;
			dump_text(sink, &item, LAS_EVENTS);
			dump_text_list_line(sink, &item);
			dump_json(sink, &item, 1, 0);
			dump_openmetrics(sink, &item, 1);
			as_rates_free(&r);
			as_snapshot_free(&b);
		}
		as_snapshot_free(&a);
	}
	as_close(seg);
	return 0;
}
