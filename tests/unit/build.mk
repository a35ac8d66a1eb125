# tests/unit/build.mk - cmocka unit tests of the allocator's internals,
# linked against every object of the allocator with its internal names
# (build/liballoc-internal.a), so the tests themselves run on liballoc.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS := $(CFLAGS_COMMON) $(LIB_DEBUG_FLAGS) -iquote liballoc/src -iquote liballoc -Iprobes -pthread

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/liballoc-internal.a
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) $< -o $@ $(BUILD)/liballoc-internal.a -lcmocka -pthread -lm

.PHONY: test-unit
test-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; LIBALLOC_STATS_DIR=/tmp $$t; done

TEST_TARGETS += test-unit
